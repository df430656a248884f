//! Search over the catalogue that finds what people mean: tantivy with jieba segmentation over
//! names, guide text and materials; pinyin and pinyin initials (`yyzz` finds 营业执照);
//! everyday phrases keepers map to matters (`开饭店`); filters by department, kind, fully
//! online and trips; ties in relevance go to the most-applied matter.
//!
//! The index lives in the data folder and follows the store's outbox: every change that puts
//! a version in force, moves a matter or edits a phrase writes a `catalog.changed` message in
//! its transaction, and the index applies the messages after the last one it saw (its cursor,
//! kept beside it), so each node keeps its own index current without a rebuild. `fgf catalog
//! reindex` rebuilds it from the store.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use fgf_domain::base::DepartmentId;
use fgf_domain::catalog::MatterDoc;
use fgf_domain::catalog::MatterId;
use jieba_rs::Jieba;
use pinyin::ToPinyin;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::tokenizer::{
    LowerCaser, TextAnalyzer, Token, TokenStream, Tokenizer, WhitespaceTokenizer,
};
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument, Term};

/// Bumped when the schema or the tokenisation changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "catalog-v2";

fn jieba() -> &'static Jieba {
    static J: OnceLock<Jieba> = OnceLock::new();
    J.get_or_init(Jieba::new)
}

/// Words of `text` as jieba cuts them for search (overlapping: 营业执照 gives 营业, 执照 and
/// 营业执照), lower-cased, without punctuation and spaces.
/// Words of an everyday query that name no matter: 办护照 asks for 护照, not for every guide
/// that says 办理.
const GENERIC_WORDS: [&str; 16] = [
    "办",
    "办理",
    "申请",
    "怎么",
    "如何",
    "我要",
    "我想",
    "想",
    "要",
    "去",
    "哪里",
    "在哪",
    "在哪里",
    "怎样",
    "一下",
    "手续",
];

pub fn words(text: &str) -> Vec<String> {
    jieba()
        .cut_for_search(text, true)
        .into_iter()
        .map(|t| t.word.trim().to_lowercase())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// The jieba tokenizer registered as `jieba`.
#[derive(Clone, Default)]
struct JiebaTokenizer;

struct VecStream {
    tokens: Vec<Token>,
    at: usize,
}

impl TokenStream for VecStream {
    fn advance(&mut self) -> bool {
        if self.at < self.tokens.len() {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = VecStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream {
        let tokens = jieba()
            .cut_for_search(text, true)
            .into_iter()
            .filter(|t| t.word.chars().any(char::is_alphanumeric))
            .enumerate()
            .map(|(i, t)| Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position: i,
                text: t.word.to_lowercase(),
                position_length: 1,
            })
            .collect();
        VecStream { tokens, at: 0 }
    }
}

/// Pinyin tokens of a text: for each word jieba finds (and each pair of neighbouring words),
/// its full pinyin and its initials, so `yyzz`, `yingyezhizhao` and `zhizhao` all find 营业执照.
pub fn pinyin_tokens(text: &str) -> Vec<String> {
    let cut: Vec<String> = jieba()
        .cut(text, true)
        .into_iter()
        .map(|t| t.word.to_owned())
        .filter(|w| w.chars().any(|c| c.to_pinyin().is_some()))
        .collect();
    let mut out = HashSet::new();
    let mut add = |w: &str| {
        let full: String = w.to_pinyin().flatten().map(|p| p.plain()).collect();
        let initials: String = w.to_pinyin().flatten().map(|p| p.first_letter()).collect();
        if initials.len() >= 2 {
            out.insert(full);
            out.insert(initials);
        }
    };
    for (i, w) in cut.iter().enumerate() {
        add(w);
        if let Some(next) = cut.get(i + 1) {
            add(&format!("{w}{next}"));
        }
    }
    add(text);
    let mut v: Vec<String> = out.into_iter().collect();
    v.sort();
    v
}

struct Fields {
    id: Field,
    code: Field,
    name: Field,
    body: Field,
    py: Field,
    phrase: Field,
    dept: Field,
    dept_name: Field,
    kind: Field,
    online: Field,
    trips: Field,
    apply: Field,
    parent: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let jieba_text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("jieba")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let ws_text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("pinyin")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        code: b.add_text_field("code", STRING | STORED),
        name: b.add_text_field("name", jieba_text(true)),
        body: b.add_text_field("body", jieba_text(false)),
        py: b.add_text_field("py", ws_text),
        phrase: b.add_text_field("phrase", jieba_text(false)),
        dept: b.add_text_field("dept", STRING | STORED),
        dept_name: b.add_text_field("dept_name", STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        online: b.add_text_field("online", STRING | STORED),
        trips: b.add_u64_field("trips", INDEXED | STORED | FAST),
        apply: b.add_u64_field("apply", STORED | FAST),
        parent: b.add_text_field("parent", STRING | STORED),
    };
    (b.build(), fields)
}

/// What is indexed of one matter.
pub struct IndexedMatter<'a> {
    pub id: MatterId,
    pub code: &'a str,
    /// The code of its 主项 (empty for a main item).
    pub parent_code: &'a str,
    pub department_code: &'a str,
    pub department_name: &'a str,
    pub apply_count: i64,
    pub doc: &'a MatterDoc,
    pub phrases: Vec<String>,
}

/// Search filters; all optional.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SearchFilter {
    /// Department code.
    #[serde(default)]
    pub department: Option<String>,
    /// Kind code (`01` … `20`).
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub fully_online: Option<bool>,
    /// At most this many trips.
    #[serde(default)]
    pub max_trips: Option<u32>,
}

/// One ranked result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub code: String,
    pub name: String,
    pub department: String,
    pub department_code: String,
    pub kind: String,
    pub fully_online: bool,
    pub trips: u64,
    pub apply_count: u64,
    pub score: f32,
    /// The code of its 主项, when it is a 子项 (the portal shows them together).
    pub parent_code: String,
    /// It matches by its name, an everyday phrase, its pinyin or its code, not only by the
    /// text of its guide.
    pub named: bool,
}

/// The index and where it stands in the outbox.
pub struct CatalogIndex {
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Option<IndexWriter>>,
    /// The last outbox message applied; kept in `cursor` beside the index files.
    cursor: Mutex<i64>,
    dir: Option<PathBuf>,
}

impl CatalogIndex {
    fn register(index: &Index) {
        index
            .tokenizers()
            .register("jieba", TextAnalyzer::builder(JiebaTokenizer).build());
        index.tokenizers().register(
            "pinyin",
            TextAnalyzer::builder(WhitespaceTokenizer::default())
                .filter(LowerCaser)
                .build(),
        );
    }

    fn with_index(index: Index, dir: Option<PathBuf>, cursor: i64) -> ServiceResult<CatalogIndex> {
        Self::register(&index);
        let (_, fields) = schema();
        let reader = index.reader().map_err(ServiceError::internal)?;
        // A second process (the CLI next to a server) may not get the writer: it then only
        // reads, and the server keeps the index current.
        let writer = index.writer(30_000_000).ok();
        Ok(CatalogIndex {
            reader,
            fields,
            writer: Mutex::new(writer),
            cursor: Mutex::new(cursor),
            dir,
        })
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> ServiceResult<CatalogIndex> {
        let (s, _) = schema();
        Self::with_index(Index::create_in_ram(s), None, 0)
    }

    /// Opens the index in `dir`, or creates an empty one (cursor 0) when it is missing, of
    /// another schema version, or unreadable.
    pub fn open(dir: PathBuf) -> ServiceResult<CatalogIndex> {
        let version = std::fs::read_to_string(dir.join("version")).unwrap_or_default();
        if version.trim() == SCHEMA_VERSION {
            if let Ok(index) = Index::open_in_dir(&dir) {
                let cursor = std::fs::read_to_string(dir.join("cursor"))
                    .ok()
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(0);
                return Self::with_index(index, Some(dir), cursor);
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(ServiceError::internal)?;
        let (s, _) = schema();
        let index = Index::create_in_dir(&dir, s).map_err(ServiceError::internal)?;
        std::fs::write(dir.join("version"), SCHEMA_VERSION).map_err(ServiceError::internal)?;
        Self::with_index(index, Some(dir), 0)
    }

    pub fn cursor(&self) -> i64 {
        self.cursor.lock().map(|c| *c).unwrap_or(0)
    }

    pub fn can_write(&self) -> bool {
        self.writer.lock().map(|w| w.is_some()).unwrap_or(false)
    }

    fn document(&self, m: &IndexedMatter<'_>) -> TantivyDocument {
        let f = &self.fields;
        let d = m.doc;
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, u64::try_from(m.id.get()).unwrap_or(0));
        doc.add_text(f.code, m.code);
        doc.add_text(f.name, &d.name);
        let mut body = vec![
            d.conditions.clone(),
            d.result_name.clone(),
            d.legal_basis.join(" "),
            d.life_events.join(" "),
            m.department_name.to_owned(),
        ];
        body.extend(d.materials.iter().map(|x| x.name.clone()));
        doc.add_text(f.body, body.join("\n"));
        let mut py = pinyin_tokens(&d.name);
        py.extend(pinyin_tokens(&d.result_name));
        for p in &m.phrases {
            py.extend(pinyin_tokens(p));
        }
        doc.add_text(f.py, py.join(" "));
        doc.add_text(f.phrase, m.phrases.join("\n"));
        doc.add_text(f.dept, m.department_code);
        doc.add_text(f.dept_name, m.department_name);
        doc.add_text(f.kind, d.kind.code());
        doc.add_text(f.online, if d.fully_online { "1" } else { "0" });
        doc.add_u64(f.trips, u64::from(d.trips));
        doc.add_u64(f.apply, u64::try_from(m.apply_count).unwrap_or(0));
        doc.add_text(f.parent, m.parent_code);
        doc
    }

    /// Replaces (or, with `None`, removes) the documents of `changes` and moves the cursor to
    /// `cursor`, in one commit.
    pub fn apply(
        &self,
        clear: bool,
        changes: &[(MatterId, Option<IndexedMatter<'_>>)],
        cursor: i64,
    ) -> ServiceResult<()> {
        let mut guard = self.writer.lock().map_err(ServiceError::internal)?;
        let Some(w) = guard.as_mut() else {
            return Ok(());
        };
        if clear {
            w.delete_all_documents().map_err(ServiceError::internal)?;
        }
        for (id, m) in changes {
            w.delete_term(Term::from_field_u64(
                self.fields.id,
                u64::try_from(id.get()).unwrap_or(0),
            ));
            if let Some(m) = m {
                w.add_document(self.document(m))
                    .map_err(ServiceError::internal)?;
            }
        }
        w.commit().map_err(ServiceError::internal)?;
        self.reader.reload().map_err(ServiceError::internal)?;
        if let Ok(mut c) = self.cursor.lock() {
            *c = cursor;
        }
        if let Some(dir) = &self.dir {
            std::fs::write(dir.join("cursor"), cursor.to_string())
                .map_err(ServiceError::internal)?;
        }
        Ok(())
    }

    /// Ranked matters for `query` (phrase matches first): `limit` of them after skipping
    /// `offset`, and how many match in all.
    pub fn search(
        &self,
        query: &str,
        phrase_ids: &[MatterId],
        filter: &SearchFilter,
        offset: usize,
        limit: usize,
    ) -> ServiceResult<SearchPage> {
        let f = &self.fields;
        let q = query.trim().to_lowercase();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let term = |field: Field, text: &str, boost: f32| -> (Occur, Box<dyn Query>) {
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, text),
                        IndexRecordOption::WithFreqs,
                    )),
                    boost,
                )),
            )
        };
        let mut seen = HashSet::new();
        // The name-or-phrase part of the query, kept apart: a matter found by its name or an
        // everyday phrase ranks before one whose guide text only mentions the words (身份证
        // is in nearly every guide's materials, 护照 in the foreigner's marriage registration).
        let mut strict: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in words(&q)
            .into_iter()
            .filter(|w| !GENERIC_WORDS.contains(&w.as_str()))
        {
            if seen.insert(w.clone()) {
                should.push(term(f.name, &w, 3.0));
                should.push(term(f.phrase, &w, 4.0));
                should.push(term(f.body, &w, 1.0));
                strict.push(term(f.name, &w, 3.0));
                strict.push(term(f.phrase, &w, 4.0));
            }
        }
        // Latin letters: pinyin or its initials.
        let latin: String = q.chars().filter(char::is_ascii_alphanumeric).collect();
        if latin.len() >= 2 && q.is_ascii() {
            for (field, text, boost) in [(f.py, latin.as_str(), 5.0), (f.code, query.trim(), 10.0)]
            {
                should.push(term(field, text, boost));
                strict.push(term(field, text, boost));
            }
        }
        for id in phrase_ids {
            let by_phrase = || -> (Occur, Box<dyn Query>) {
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_u64(f.id, u64::try_from(id.get()).unwrap_or(0)),
                            IndexRecordOption::Basic,
                        )),
                        50.0,
                    )),
                )
            };
            should.push(by_phrase());
            strict.push(by_phrase());
        }
        if should.is_empty() {
            return Ok(SearchPage::default());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(should)))];
        let mut strict_clauses: Vec<(Occur, Box<dyn Query>)> = if strict.is_empty() {
            Vec::new()
        } else {
            vec![(Occur::Must, Box::new(BooleanQuery::new(strict)))]
        };
        let must_term = |field: Field, text: &str| -> (Occur, Box<dyn Query>) {
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::Basic,
                )),
            )
        };
        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(d) = &filter.department {
            filters.push(must_term(f.dept, d));
        }
        if let Some(k) = &filter.kind {
            filters.push(must_term(f.kind, k));
        }
        if let Some(o) = filter.fully_online {
            filters.push(must_term(f.online, if o { "1" } else { "0" }));
        }
        if let Some(t) = filter.max_trips {
            filters.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    std::ops::Bound::Included(Term::from_field_u64(f.trips, 0)),
                    std::ops::Bound::Included(Term::from_field_u64(f.trips, u64::from(t))),
                )),
            ));
        }
        if !strict_clauses.is_empty() {
            strict_clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
        }
        clauses.extend(filters);
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        // Ranked by relevance; among equal relevance, the most-applied first. Enough are
        // collected that the tie-break sees every tied candidate at the cut.
        let (top, total) = searcher
            .search(
                &query,
                &(
                    TopDocs::with_limit((offset + limit.max(1)) * 5).order_by_score(),
                    tantivy::collector::Count,
                ),
            )
            .map_err(ServiceError::internal)?;
        // Which of them match by name or phrase.
        let named: HashSet<tantivy::DocAddress> = if strict_clauses.is_empty() {
            HashSet::new()
        } else {
            searcher
                .search(
                    &BooleanQuery::new(strict_clauses),
                    &tantivy::collector::DocSetCollector,
                )
                .map_err(ServiceError::internal)?
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(ServiceError::internal)?;
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let num = |field: Field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
            hits.push(SearchHit {
                code: text(f.code),
                name: text(f.name),
                department: text(f.dept_name),
                department_code: text(f.dept),
                kind: text(f.kind),
                fully_online: text(f.online) == "1",
                trips: num(f.trips),
                apply_count: num(f.apply),
                score,
                parent_code: text(f.parent),
                named: named.contains(&addr),
            });
        }
        // A matter named exactly as asked comes first, then those whose name begins with it
        // (its 子项: 食品经营许可（新办）…), then the rest by relevance: people who type a
        // matter's name want that matter, not one whose guide text repeats the words more.
        let asked: String = q.chars().filter(|c| !c.is_whitespace()).collect();
        let tier = |name: &str| {
            let name: String = name
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
            if asked.is_empty() {
                0
            } else if name == asked {
                2
            } else if name.starts_with(&asked) {
                1
            } else {
                0
            }
        };
        // Scores equal to four significant digits count as a tie.
        let key = |s: f32| (f64::from(s) * 1e4).round() as i64;
        hits.sort_by(|a, b| {
            b.named
                .cmp(&a.named)
                .then(tier(&b.name).cmp(&tier(&a.name)))
                .then(key(b.score).cmp(&key(a.score)))
                .then(b.apply_count.cmp(&a.apply_count))
                .then(a.code.cmp(&b.code))
        });
        Ok(SearchPage {
            hits: hits.into_iter().skip(offset).take(limit).collect(),
            total,
            named_total: named.len(),
        })
    }
}

/// One page of a search and the number of matters that match in all.
#[derive(Debug, Clone, Default)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub total: usize,
    /// How many of them match by name or phrase (the rest only by their guide's text).
    pub named_total: usize,
}

impl<'a> UseCases<'a> {
    fn search_index(self) -> ServiceResult<&'a CatalogIndex> {
        let cell = self.0.catalog_index_cell();
        if let Some(i) = cell.get() {
            return Ok(i);
        }
        let dir = self.config().data_dir.join("search");
        let index = if self.config().data_dir.as_os_str().is_empty() {
            CatalogIndex::in_memory()?
        } else {
            CatalogIndex::open(dir).or_else(|_| CatalogIndex::in_memory())?
        };
        let _ = cell.set(index);
        cell.get()
            .ok_or_else(|| ServiceError::internal("search index not initialised"))
    }

    /// What the index needs of a matter in force (None when it has none).
    async fn indexed(
        &self,
        id: MatterId,
        departments: &HashMap<DepartmentId, (String, String)>,
        phrases: &HashMap<MatterId, Vec<String>>,
    ) -> ServiceResult<Option<(String, String, String, i64, MatterDoc, Vec<String>, String)>> {
        let m = match self.store().get_matter(id).await {
            Ok(m) => m,
            Err(fgf_store::StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(cur) = m.current_version else {
            return Ok(None);
        };
        let v = self.store().matter_version(id, cur).await?;
        let doc: MatterDoc = serde_json::from_str(&v.doc).map_err(ServiceError::internal)?;
        let (dc, dn) = departments
            .get(&m.department_id)
            .cloned()
            .unwrap_or_default();
        let parent = match m.parent_id {
            Some(p) => self.store().get_matter(p).await?.code,
            None => String::new(),
        };
        Ok(Some((
            m.code,
            dc,
            dn,
            m.apply_count,
            doc,
            phrases.get(&id).cloned().unwrap_or_default(),
            parent,
        )))
    }

    /// Brings the search index up to the store: the `catalog.*` outbox messages after its
    /// cursor (or everything, when `rebuild`). Answers how many matters were (re)indexed.
    pub async fn sync_search_index(self, rebuild: bool) -> ServiceResult<usize> {
        let index = self.search_index()?;
        if !index.can_write() {
            return Ok(0);
        }
        let cursor = index.cursor();
        let messages = self
            .store()
            .outbox_after(cursor, "catalog.", 10_000)
            .await?;
        let full = rebuild
            || (cursor == 0 && !messages.is_empty())
            || messages.iter().any(|m| m.topic == "catalog.rebuild");
        if !full && messages.is_empty() {
            return Ok(0);
        }
        let last = messages.last().map_or(cursor, |m| m.id);
        let departments: HashMap<DepartmentId, (String, String)> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, (d.code, d.name)))
            .collect();
        let mut phrases: HashMap<MatterId, Vec<String>> = HashMap::new();
        for (p, id) in self.store().matter_phrases().await? {
            phrases.entry(id).or_default().push(p);
        }
        let ids: Vec<MatterId> = if full {
            self.store()
                .all_matters()
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect()
        } else {
            let mut ids: Vec<MatterId> = Vec::new();
            for m in &messages {
                if let Some(id) = m
                    .payload
                    .get("matter_id")
                    .and_then(serde_json::Value::as_i64)
                {
                    ids.push(MatterId::new(id));
                }
                if let Some(list) = m
                    .payload
                    .get("matter_ids")
                    .and_then(serde_json::Value::as_array)
                {
                    ids.extend(
                        list.iter()
                            .filter_map(serde_json::Value::as_i64)
                            .map(MatterId::new),
                    );
                }
            }
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let mut loaded = Vec::with_capacity(ids.len());
        for id in &ids {
            loaded.push((*id, self.indexed(*id, &departments, &phrases).await?));
        }
        let changes: Vec<(MatterId, Option<IndexedMatter<'_>>)> = loaded
            .iter()
            .map(|(id, x)| {
                (
                    *id,
                    x.as_ref()
                        .map(|(code, dc, dn, apply, doc, ph, parent)| IndexedMatter {
                            id: *id,
                            code,
                            parent_code: parent,
                            department_code: dc,
                            department_name: dn,
                            apply_count: *apply,
                            doc,
                            phrases: ph.clone(),
                        }),
                )
            })
            .collect();
        // A rebuild that saw no message still needs a cursor past everything it read.
        let last = if full {
            last.max(self.store().outbox_last_id().await?)
        } else {
            last
        };
        index.apply(full, &changes, last)?;
        Ok(changes.len())
    }

    /// Ranked matters for a query: the catalogue search of the portal, the staff pages and
    /// `fgf catalog search`.
    /// A page of the ranked matters for `query`: `limit` (1 to 100) after `offset`, with how
    /// many match in all, so a search can be paged past its first page.
    pub async fn search_matters(
        &self,
        query: &str,
        filter: &SearchFilter,
        offset: usize,
        limit: usize,
    ) -> ServiceResult<SearchPage> {
        self.sync_search_index(false).await?;
        self.search_matters_synced(query, filter, offset, limit)
            .await
    }

    /// As [`UseCases::search_matters`], when the caller has just synced the index (the portal
    /// page reads the catalogue's entries first, which syncs it).
    pub async fn search_matters_synced(
        &self,
        query: &str,
        filter: &SearchFilter,
        offset: usize,
        limit: usize,
    ) -> ServiceResult<SearchPage> {
        let phrase_ids = self.phrase_matches(query).await?;
        // Far pages are not worth the collection they cost; nobody reads page 200.
        let offset = offset.min(5_000);
        self.search_index()?
            .search(query, &phrase_ids, filter, offset, limit.clamp(1, 100))
    }

    /// Where the search index stands in the outbox (what cached catalogue reads key on).
    pub(crate) fn search_cursor(self) -> ServiceResult<i64> {
        Ok(self.search_index()?.cursor())
    }

    /// Matters whose everyday phrase the query is, or contains.
    async fn phrase_matches(self, query: &str) -> ServiceResult<Vec<MatterId>> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store()
            .matter_phrases()
            .await?
            .into_iter()
            .filter(|(p, _)| q.contains(p.as_str()))
            .map(|(_, id)| id)
            .collect())
    }
}

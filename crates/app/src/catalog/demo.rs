//! The demo district's catalogue: hand-written for the demo, named as real district
//! catalogues name their matters, shipped in the import format so loading it exercises the
//! import (README: catalogue import format).

use super::UseCases;
use crate::catalog::{ImportMode, ImportSummary, Sheet};
use crate::error::{ServiceError, ServiceResult};

const MATTERS: &str = include_str!("data/matters.csv");
const MATERIALS: &str = include_str!("data/materials.csv");
const PHRASES: &str = include_str!("data/phrases.csv");
/// The application forms of the matters the demo's applications use, by matter code.
const FORMS: &str = include_str!("data/forms.json");

impl UseCases<'_> {
    /// Loads the demo catalogue (published, effective today) and its everyday phrases.
    pub async fn load_demo_catalog(self) -> ServiceResult<ImportSummary> {
        let matters = Sheet::from_csv(MATTERS).map_err(ServiceError::internal)?;
        let materials = Sheet::from_csv(MATERIALS).map_err(ServiceError::internal)?;
        // The demo catalogue was published six weeks ago, so its pending delegations show how
        // long they have waited.
        let mut ctx = self.system_ctx("demo");
        ctx.at_ms -= 42 * 86_400_000;
        let forms: std::collections::HashMap<String, Vec<fgf_domain::catalog::FormField>> =
            serde_json::from_str(FORMS).map_err(ServiceError::internal)?;
        let summary = match self
            .import_catalog_with_forms(ctx, &matters, &materials, &forms, ImportMode::Publish)
            .await?
        {
            Ok(s) => s,
            Err(errors) => {
                return Err(ServiceError::internal(format!(
                    "the demo catalogue does not import: {:?}",
                    errors.iter().take(5).collect::<Vec<_>>()
                )))
            }
        };
        let phrases = Sheet::from_csv(PHRASES).map_err(ServiceError::internal)?;
        let pairs: Vec<(String, String)> = phrases
            .rows
            .iter()
            .filter_map(|(_, r)| Some((r.first()?.clone(), r.get(1)?.clone())))
            .collect();
        self.add_phrases(self.system_ctx("demo"), &pairs).await?;
        Ok(summary)
    }
}

/// The demo catalogue's two sheets (the benchmark grows a large catalogue from them).
pub fn demo_sheets() -> ServiceResult<(Sheet, Sheet)> {
    Ok((
        Sheet::from_csv(MATTERS).map_err(ServiceError::internal)?,
        Sheet::from_csv(MATERIALS).map_err(ServiceError::internal)?,
    ))
}

/// Grows the demo catalogue to `n` matters: copies of each demo matter under new codes, the
/// copies of one matter told apart by a qualifier in the name, as real catalogues split a
/// matter by level, object or scale.
pub fn grown_sheets(n: usize) -> ServiceResult<(Sheet, Sheet)> {
    const QUALIFIERS: [&str; 12] = [
        "个人",
        "企业",
        "外资",
        "分支机构",
        "连锁",
        "小微",
        "农村",
        "城区",
        "跨区",
        "首次",
        "换证",
        "补证",
    ];
    let (m, t) = demo_sheets()?;
    let col = |s: &Sheet, h: &str| s.headers.iter().position(|x| x == h).unwrap_or(0);
    let (code, parent, name, apply) = (
        col(&m, "事项编码"),
        col(&m, "上级事项编码"),
        col(&m, "事项名称"),
        col(&m, "年办件量"),
    );
    let tcode = col(&t, "事项编码");
    let base = m.rows.len();
    let mut matters = Sheet {
        headers: m.headers.clone(),
        rows: Vec::with_capacity(n),
    };
    let mut materials = Sheet {
        headers: t.headers.clone(),
        rows: Vec::new(),
    };
    for copy in 0..n.div_ceil(base) {
        for (line, r) in &m.rows {
            if matters.rows.len() >= n {
                break;
            }
            let mut r = r.clone();
            let suffix = |c: &str| {
                if copy == 0 {
                    c.to_owned()
                } else {
                    format!("{c}-C{copy}")
                }
            };
            let original = r[code].clone();
            r[code] = suffix(&original);
            if !r[parent].is_empty() {
                r[parent] = suffix(&r[parent]);
            }
            if copy > 0 {
                let q = QUALIFIERS[copy % QUALIFIERS.len()];
                r[name] = format!("{}（{q}·{copy}）", r[name]);
                // Copies are applied for less than the original, in a spread.
                let a: u64 = r[apply].parse().unwrap_or(0);
                r[apply] = (a / (copy as u64 + 1)).to_string();
            }
            matters.rows.push((*line, r));
            for (tl, tr) in t.rows.iter().filter(|(_, x)| x[tcode] == original) {
                let mut tr = tr.clone();
                tr[tcode] = suffix(&original);
                materials.rows.push((*tl, tr));
            }
        }
    }
    Ok((matters, materials))
}

impl UseCases<'_> {
    /// The search benchmark: imports a catalogue of `n` matters grown from the demo one,
    /// builds the index, then times `queries` searches end to end (store reads, phrase
    /// matches, the index) over a mix of everyday phrases, names, words and pinyin.
    pub async fn bench_search(self, n: usize, queries: usize) -> ServiceResult<serde_json::Value> {
        let (matters, materials) = grown_sheets(n)?;
        let t0 = std::time::Instant::now();
        if let Err(e) = self
            .import_catalog(
                self.system_ctx("bench"),
                &matters,
                &materials,
                ImportMode::Publish,
            )
            .await?
        {
            return Err(ServiceError::internal(format!(
                "bench catalogue: {:?}",
                &e[..e.len().min(3)]
            )));
        }
        let import_s = t0.elapsed().as_secs_f64();
        let phrases = Sheet::from_csv(PHRASES).map_err(ServiceError::internal)?;
        let pairs: Vec<(String, String)> = phrases
            .rows
            .iter()
            .filter_map(|(_, r)| Some((r.first()?.clone(), r.get(1)?.clone())))
            .collect();
        self.add_phrases(self.system_ctx("bench"), &pairs).await?;
        let t1 = std::time::Instant::now();
        let indexed = self.sync_search_index(true).await?;
        let index_s = t1.elapsed().as_secs_f64();
        let mut mix: Vec<String> = pairs.iter().map(|(p, _)| p.clone()).collect();
        mix.extend(
            [
                "yyzz",
                "spjy",
                "jiaoshi",
                "dibao",
                "gtgsh",
                "yingyezhizhao",
                "ylbx",
                "jzzz",
            ]
            .map(str::to_owned),
        );
        let name_col = matters
            .headers
            .iter()
            .position(|h| h == "事项名称")
            .unwrap_or(0);
        for (_, r) in matters.rows.iter().take(200) {
            let name = &r[name_col];
            mix.push(name.clone());
            mix.push(name.chars().take(4).collect());
        }
        let filters = [
            crate::catalog::search::SearchFilter::default(),
            crate::catalog::search::SearchFilter {
                fully_online: Some(true),
                ..Default::default()
            },
            crate::catalog::search::SearchFilter {
                max_trips: Some(1),
                kind: Some("01".to_owned()),
                ..Default::default()
            },
        ];
        let mut times = Vec::with_capacity(queries);
        let mut empty = 0;
        for i in 0..queries {
            let q = &mix[i % mix.len()];
            let f = &filters[i % filters.len()];
            let t = std::time::Instant::now();
            let hits = self.search_matters(q, f, 0, 20).await?.hits;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if hits.is_empty() {
                empty += 1;
            }
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        Ok(serde_json::json!({
            "matters": n,
            "indexed": indexed,
            "queries": queries,
            "queries_without_results": empty,
            "import_seconds": import_s,
            "index_seconds": index_s,
            "p50_ms": pct(0.5),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "max_ms": times.last().copied().unwrap_or(0.0),
        }))
    }
}

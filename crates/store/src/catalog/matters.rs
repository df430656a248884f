//! Matter rows, versions, everyday phrases and delegation handovers.

use crate::rows::{new_rows, row, rows, Cond};
use crate::sql::Sql;
use crate::{
    get_code, get_date, get_i64, get_opt_date, get_opt_i64, get_str, Page, Paged, Result, Scope,
    Store, StoreError, WriteTx,
};
use crate::{get_id, get_opt_id};
use chrono::NaiveDate;
use fgf_domain::base::{AccountId, DepartmentId};
use fgf_domain::catalog::MatterId;
use fgf_domain::catalog::{HandoverState, Tier, VersionStatus};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatterRow {
    pub id: MatterId,
    pub code: String,
    pub parent_id: Option<MatterId>,
    pub department_id: DepartmentId,
    pub name: String,
    pub kind: String,
    pub tier: Tier,
    /// The version in force; None until the first one is published and effective.
    pub current_version: Option<i64>,
    pub apply_count: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

const MATTER_COLS: &str = "m.matter_id, m.code, m.parent_id, m.department_id, m.name, m.kind, m.tier, m.current_version, m.apply_count, m.created_at, m.updated_at";

fn matter(r: &AnyRow) -> Result<MatterRow> {
    Ok(MatterRow {
        id: get_id(r, "matter_id")?,
        code: get_str(r, "code")?,
        parent_id: get_opt_id(r, "parent_id")?,
        department_id: get_id(r, "department_id")?,
        name: get_str(r, "name")?,
        kind: get_str(r, "kind")?,
        tier: get_code(r, "matter", "tier")?,
        current_version: get_opt_i64(r, "current_version")?,
        apply_count: get_i64(r, "apply_count")?,
        created_at_ms: get_i64(r, "created_at")?,
        updated_at_ms: get_i64(r, "updated_at")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatterVersionRow {
    pub id: i64,
    pub matter_id: MatterId,
    pub version: i64,
    pub status: VersionStatus,
    /// The `MatterDoc` as JSON.
    pub doc: String,
    pub note: String,
    pub drafted_by: Option<AccountId>,
    pub drafted_at_ms: i64,
    pub reviewed_by: Option<AccountId>,
    pub reviewed_at_ms: Option<i64>,
    pub review_comment: String,
    /// The date the version takes effect (published versions).
    pub effective_date: Option<NaiveDate>,
}

const VERSION_COLS: &str = "v.matter_version_id, v.matter_id, v.version, v.status, v.doc, v.note, v.drafted_by, v.drafted_at, v.reviewed_by, v.reviewed_at, v.review_comment, v.effective_date";

fn version(r: &AnyRow) -> Result<MatterVersionRow> {
    Ok(MatterVersionRow {
        id: get_i64(r, "matter_version_id")?,
        matter_id: get_id(r, "matter_id")?,
        version: get_i64(r, "version")?,
        status: get_code(r, "matter_version", "status")?,
        doc: get_str(r, "doc")?,
        note: get_str(r, "note")?,
        drafted_by: get_opt_id(r, "drafted_by")?,
        drafted_at_ms: get_i64(r, "drafted_at")?,
        reviewed_by: get_opt_id(r, "reviewed_by")?,
        reviewed_at_ms: get_opt_i64(r, "reviewed_at")?,
        review_comment: get_str(r, "review_comment")?,
        effective_date: get_opt_date(r, "matter_version", "effective_date")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HandoverRow {
    pub id: i64,
    pub matter_id: MatterId,
    pub from_department_id: DepartmentId,
    pub to_department_id: DepartmentId,
    pub state: HandoverState,
    /// The readiness checklist as JSON.
    pub checklist: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub switched_at_ms: Option<i64>,
}

const HANDOVER_COLS: &str = "matter_handover_id, matter_id, from_department_id, to_department_id, state, checklist, created_at, updated_at, switched_at";

fn handover(r: &AnyRow) -> Result<HandoverRow> {
    Ok(HandoverRow {
        id: get_i64(r, "matter_handover_id")?,
        matter_id: get_id(r, "matter_id")?,
        from_department_id: get_id(r, "from_department_id")?,
        to_department_id: get_id(r, "to_department_id")?,
        state: get_code(r, "matter_handover", "state")?,
        checklist: get_str(r, "checklist")?,
        created_at_ms: get_i64(r, "created_at")?,
        updated_at_ms: get_i64(r, "updated_at")?,
        switched_at_ms: get_opt_i64(r, "switched_at")?,
    })
}

/// Filters of the matter list; all optional.
#[derive(Debug, Clone, Default)]
pub struct MatterFilter {
    pub department_id: Option<DepartmentId>,
    pub kind: Option<String>,
    pub tier: Option<Tier>,
    pub parent_id: Option<i64>,
    /// Only matters with a version in force (the public catalogue).
    pub in_force_only: bool,
    /// A fragment of the name or the code.
    pub text: Option<String>,
}

impl Store {
    pub async fn get_matter(&self, id: MatterId) -> Result<MatterRow> {
        let mut sql = Sql::new(&format!(
            "select {MATTER_COLS} from matter m where m.matter_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => matter(&r),
            None => Err(StoreError::not_found("matter", id)),
        }
    }

    pub async fn find_matter(&self, code: &str) -> Result<Option<MatterRow>> {
        let mut sql = Sql::new(&format!(
            "select {MATTER_COLS} from matter m where m.code = "
        ));
        sql.bind(code);
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| matter(&r))
            .transpose()
    }

    pub async fn list_matters(&self, f: &MatterFilter, page: Page) -> Result<Paged<MatterRow>> {
        let mut sql = Sql::new(" from matter m where 1 = 1");
        if let Some(d) = f.department_id {
            sql.push(" and m.department_id = ").bind(d);
        }
        if let Some(k) = &f.kind {
            sql.push(" and m.kind = ").bind(k.as_str());
        }
        if let Some(t) = &f.tier {
            sql.push(" and m.tier = ").bind(t.as_str());
        }
        if let Some(p) = f.parent_id {
            sql.push(" and m.parent_id = ").bind(p);
        }
        if f.in_force_only {
            sql.push(" and m.current_version is not null");
        }
        if let Some(t) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
            let pattern = format!("%{}%", crate::sql::like_escape(t.trim()));
            sql.push(" and (");
            sql.like_any_case("m.name", pattern.as_str()).push(" or ");
            sql.like_any_case("m.code", pattern).push(")");
        }
        self.paged(
            &sql,
            &format!("select {MATTER_COLS}"),
            "m.code",
            page,
            matter,
        )
        .await
    }

    /// Every matter, by code (exports, the search index, reports).
    pub async fn all_matters(&self) -> Result<Vec<MatterRow>> {
        let rows = sqlx::query(&format!(
            "select {MATTER_COLS} from matter m order by m.code"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(matter).collect()
    }

    /// Every matter with its version in force, by code.
    pub async fn matters_in_force(&self) -> Result<Vec<(MatterRow, MatterVersionRow)>> {
        let rows = sqlx::query(&format!(
            "select {MATTER_COLS}, {VERSION_COLS} from matter m join matter_version v \
             on v.matter_id = m.matter_id and v.version = m.current_version order by m.code"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((matter(r)?, version(r)?))).collect()
    }

    /// The `n` matters in force applied for most (热门服务), by code among equals; only kinds
    /// people apply for (see [`Store::recent_guides`]).
    pub async fn popular_matters(&self, n: i64) -> Result<Vec<MatterRow>> {
        let mut sql = Sql::new(&format!(
            "select {MATTER_COLS} from matter m where m.current_version is not null \
             and m.kind not in ('02', '03', '04', '06') \
             order by m.apply_count desc, m.code limit "
        ));
        sql.bind(n);
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(matter).collect()
    }

    /// The `n` guides that took effect last, newest first, on or before `today`: the portal's
    /// notices (办事指南更新), of matters people apply for (not penalties, coercive measures,
    /// levies or inspections: kinds 02, 03, 04, 06 of GB/T 39046 table A.1).
    pub async fn recent_guides(
        &self,
        today: NaiveDate,
        n: i64,
    ) -> Result<Vec<(MatterRow, i64, NaiveDate)>> {
        let mut sql = Sql::new(&format!(
            "select {MATTER_COLS}, v.version, v.effective_date from matter m join matter_version v \
             on v.matter_id = m.matter_id and v.version = m.current_version \
             where v.effective_date is not null and m.kind not in ('02', '03', '04', '06') \
             and v.effective_date <= "
        ));
        sql.bind(today)
            .push(" order by v.effective_date desc, m.code limit ")
            .bind(n);
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    matter(r)?,
                    get_i64(r, "version")?,
                    get_date(r, "matter_version", "effective_date")?,
                ))
            })
            .collect()
    }

    pub async fn matter_versions(&self, matter_id: MatterId) -> Result<Vec<MatterVersionRow>> {
        let mut sql = Sql::new(&format!(
            "select {VERSION_COLS} from matter_version v where v.matter_id = "
        ));
        sql.bind(matter_id).push(" order by v.version");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(version).collect()
    }

    pub async fn matter_version(
        &self,
        matter_id: MatterId,
        number: i64,
    ) -> Result<MatterVersionRow> {
        let mut sql = Sql::new(&format!(
            "select {VERSION_COLS} from matter_version v where v.matter_id = "
        ));
        sql.bind(matter_id).push(" and v.version = ").bind(number);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => version(&r),
            None => Err(StoreError::not_found(
                "matter_version",
                format!("{matter_id}/{number}"),
            )),
        }
    }

    /// Versions in `status` of matters within `scope` (a reviewer's queue, a keeper's drafts).
    pub async fn versions_in_status(
        &self,
        scope: &Scope,
        status: VersionStatus,
    ) -> Result<Vec<(MatterRow, MatterVersionRow)>> {
        let mut sql = Sql::new(&format!(
            "select {MATTER_COLS}, {VERSION_COLS} from matter_version v join matter m on m.matter_id = v.matter_id where v.status = "
        ));
        sql.bind(status.as_str());
        scope.filter_record(&mut sql, "m.department_id", Some("v.drafted_by"));
        sql.push(" order by v.drafted_at, v.matter_version_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(|r| Ok((matter(r)?, version(r)?))).collect()
    }

    /// Published versions whose effective date has come but are not in force yet.
    pub async fn versions_due(&self, today: NaiveDate) -> Result<Vec<MatterVersionRow>> {
        let mut sql = Sql::new(&format!(
            "select {VERSION_COLS} from matter_version v join matter m on m.matter_id = v.matter_id \
             where v.status = 'published' and v.effective_date <= "
        ));
        sql.bind(today).push(
            " and (m.current_version is null or m.current_version < v.version) order by v.matter_id, v.version",
        );
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(version).collect()
    }

    /// Everyday phrases with the matters they point at.
    pub async fn matter_phrases(&self) -> Result<Vec<(String, MatterId)>> {
        let rows =
            sqlx::query("select phrase, matter_id from matter_phrase order by phrase, matter_id")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| Ok((get_str(r, "phrase")?, get_id(r, "matter_id")?)))
            .collect()
    }

    pub async fn handovers(&self) -> Result<Vec<HandoverRow>> {
        let rows = sqlx::query(&format!(
            "select {HANDOVER_COLS} from matter_handover order by created_at, matter_handover_id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(handover).collect()
    }

    pub async fn get_handover(&self, id: i64) -> Result<HandoverRow> {
        let mut sql = Sql::new(&format!(
            "select {HANDOVER_COLS} from matter_handover where matter_handover_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => handover(&r),
            None => Err(StoreError::not_found("matter_handover", id)),
        }
    }
}

/// A version row as a batch claim: with its matter and number, which the supersede of older
/// versions (`make_current`) selects by.
fn version_row(v: &MatterVersionRow) -> crate::rows::Rows {
    row("matter_version", v.id)
        .with("matter_id", Cond::Eq(v.matter_id.into()))
        .with("version", Cond::Eq(v.version.into()))
}

/// A phrase's mapping row, by its unique key.
fn phrase_row(phrase: &str, matter_id: MatterId) -> crate::rows::Rows {
    rows(
        "matter_phrase",
        [("phrase", phrase.into()), ("matter_id", matter_id.into())],
    )
}

/// What a matter row says about the version in force.
#[derive(Debug, Clone)]
pub struct MatterSummary<'a> {
    pub parent_id: Option<MatterId>,
    pub department_id: DepartmentId,
    pub name: &'a str,
    pub kind: &'a str,
    pub tier: Tier,
    /// The yearly application count, when this write sets it too (an import): one write of
    /// the matter row instead of two in one batch.
    pub apply_count: Option<i64>,
}

impl WriteTx {
    pub async fn insert_matter(&mut self, code: &str, s: &MatterSummary<'_>) -> Result<MatterId> {
        let now = self.now_ms();
        let mut sql = Sql::new("insert into matter (code, parent_id, department_id, name, kind, tier, apply_count, created_at, updated_at) values (");
        sql.bind(code)
            .push(",")
            .bind(s.parent_id)
            .push(",")
            .bind(s.department_id)
            .push(",")
            .bind(s.name)
            .push(",")
            .bind(s.kind)
            .push(",")
            .bind(s.tier.as_str())
            .push(",")
            .bind(s.apply_count.unwrap_or(0))
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning matter_id");
        get_id(
            &sql.query().fetch_one(self.conn().await?).await?,
            "matter_id",
        )
    }

    pub async fn load_matter(&mut self, id: MatterId) -> Result<MatterRow> {
        let mut sql = Sql::new(&format!(
            "select {MATTER_COLS} from matter m where m.matter_id = "
        ));
        sql.bind(id);
        if self.backend == crate::Backend::Postgres {
            sql.push(" for update");
        }
        match sql.query().fetch_optional(self.conn().await?).await? {
            Some(r) => matter(&r),
            None => Err(StoreError::not_found("matter", id)),
        }
    }

    /// Puts `version` in force: the summary follows it and earlier published versions are
    /// superseded. Fails the transaction when that version or a later one already is.
    pub async fn make_current(
        &mut self,
        matter_id: MatterId,
        version: i64,
        s: &MatterSummary<'_>,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut sql = Sql::new("update matter set parent_id = ");
        sql.bind(s.parent_id)
            .push(", department_id = ")
            .bind(s.department_id)
            .push(", name = ")
            .bind(s.name)
            .push(", kind = ")
            .bind(s.kind)
            .push(", tier = ")
            .bind(s.tier.as_str())
            .push(", current_version = ")
            .bind(version)
            .push(", updated_at = ")
            .bind(now);
        if let Some(count) = s.apply_count {
            sql.push(", apply_count = ").bind(count);
        }
        sql.push(" where matter_id = ")
            .bind(matter_id)
            .push(" and (current_version is null or current_version < ")
            .bind(version)
            .push(")");
        // Two nodes putting the same due version in force: the second one's batch fails.
        self.defer_guarded(sql, [row("matter", matter_id)]);
        let mut old = Sql::new("update matter_version set status = 'superseded' where status = 'published' and matter_id = ");
        old.bind(matter_id).push(" and version < ").bind(version);
        self.defer(
            old,
            [rows("matter_version", [("matter_id", matter_id.into())])
                .with("version", Cond::Below(version))],
        );
        Ok(())
    }

    /// Moves a matter to another implementing department (a delegation switching over).
    pub async fn set_matter_department(
        &mut self,
        matter_id: MatterId,
        department_id: DepartmentId,
    ) -> Result<()> {
        let mut sql = Sql::new("update matter set department_id = ");
        sql.bind(department_id)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where matter_id = ")
            .bind(matter_id);
        self.defer(sql, [row("matter", matter_id)]);
        Ok(())
    }

    pub async fn set_apply_count(&mut self, matter_id: MatterId, count: i64) -> Result<()> {
        let mut sql = Sql::new("update matter set apply_count = ");
        sql.bind(count).push(" where matter_id = ").bind(matter_id);
        self.defer(sql, [row("matter", matter_id)]);
        Ok(())
    }

    /// Adds the next version of a matter in `status` (with its effective date when it is
    /// published at once, as an operator's import is); answers its number.
    pub async fn insert_matter_version(
        &mut self,
        matter_id: MatterId,
        status: VersionStatus,
        doc: &str,
        note: &str,
        effective_date: Option<NaiveDate>,
    ) -> Result<i64> {
        let mut q = Sql::new(
            "select coalesce(max(version), 0) as v from matter_version where matter_id = ",
        );
        q.bind(matter_id);
        let number = get_i64(&q.query().fetch_one(self.conn().await?).await?, "v")? + 1;
        let mut sql = Sql::new("insert into matter_version (matter_id, version, status, doc, note, drafted_by, drafted_at, effective_date) values (");
        sql.bind(matter_id)
            .push(",")
            .bind(number)
            .push(",")
            .bind(status.as_str())
            .push(",")
            .bind(doc)
            .push(",")
            .bind(note)
            .push(",")
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(self.now_ms())
            .push(",")
            .bind(effective_date)
            .push(")");
        self.defer(
            sql,
            [new_rows(
                "matter_version",
                [("matter_id", matter_id.into()), ("version", number.into())],
            )],
        );
        Ok(number)
    }

    pub async fn load_matter_version(
        &mut self,
        matter_id: MatterId,
        number: i64,
    ) -> Result<MatterVersionRow> {
        let mut sql = Sql::new(&format!(
            "select {VERSION_COLS} from matter_version v where v.matter_id = "
        ));
        sql.bind(matter_id).push(" and v.version = ").bind(number);
        match sql.query().fetch_optional(self.conn().await?).await? {
            Some(r) => version(&r),
            None => Err(StoreError::not_found(
                "matter_version",
                format!("{matter_id}/{number}"),
            )),
        }
    }

    /// The open version (draft or in review) of a matter, if any.
    pub async fn open_matter_version(
        &mut self,
        matter_id: MatterId,
    ) -> Result<Option<MatterVersionRow>> {
        let mut sql = Sql::new(&format!(
            "select {VERSION_COLS} from matter_version v where v.status in ('draft', 'in_review') and v.matter_id = "
        ));
        sql.bind(matter_id);
        sql.query()
            .fetch_optional(self.conn().await?)
            .await?
            .map(|r| version(&r))
            .transpose()
    }

    /// Rewrites a draft's content.
    pub async fn update_draft(
        &mut self,
        v: &MatterVersionRow,
        doc: &str,
        note: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update matter_version set doc = ");
        sql.bind(doc)
            .push(", note = ")
            .bind(note)
            .push(", drafted_by = ")
            .bind(self.ctx().actor_account_id)
            .push(", drafted_at = ")
            .bind(self.now_ms())
            .push(" where status = 'draft' and matter_version_id = ")
            .bind(v.id);
        self.defer_guarded(sql, [version_row(v)]);
        Ok(())
    }

    /// Moves a version from `from` to `to`, recording the reviewer when there is one. Fails
    /// the transaction if the version was not in `from`.
    pub async fn set_version_status(
        &mut self,
        v: &MatterVersionRow,
        from: VersionStatus,
        to: VersionStatus,
        review: Option<(&str, Option<NaiveDate>)>,
    ) -> Result<()> {
        let mut sql = Sql::new("update matter_version set status = ");
        sql.bind(to.as_str());
        if let Some((comment, effective)) = review {
            sql.push(", reviewed_by = ")
                .bind(self.ctx().actor_account_id)
                .push(", reviewed_at = ")
                .bind(self.now_ms())
                .push(", review_comment = ")
                .bind(comment)
                .push(", effective_date = ")
                .bind(effective);
        }
        sql.push(" where status = ")
            .bind(from.as_str())
            .push(" and matter_version_id = ")
            .bind(v.id);
        self.defer_guarded(sql, [version_row(v)]);
        Ok(())
    }

    pub async fn add_phrase(&mut self, phrase: &str, matter_id: MatterId) -> Result<()> {
        let mut sql = Sql::new(
            "insert into matter_phrase (phrase, matter_id, created_by, created_at) values (",
        );
        sql.bind(phrase)
            .push(",")
            .bind(matter_id)
            .push(",")
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(self.now_ms())
            .push(") on conflict (phrase, matter_id) do nothing");
        self.defer(sql, [phrase_row(phrase, matter_id)]);
        Ok(())
    }

    pub async fn remove_phrase(&mut self, phrase: &str, matter_id: MatterId) -> Result<()> {
        let mut sql = Sql::new("delete from matter_phrase where phrase = ");
        sql.bind(phrase).push(" and matter_id = ").bind(matter_id);
        self.defer_guarded(sql, [phrase_row(phrase, matter_id)]);
        Ok(())
    }

    pub async fn insert_handover(
        &mut self,
        matter_id: MatterId,
        from_department_id: DepartmentId,
        to_department_id: DepartmentId,
        checklist: &str,
    ) -> Result<i64> {
        let now = self.now_ms();
        let mut sql = Sql::new("insert into matter_handover (matter_id, from_department_id, to_department_id, state, checklist, created_at, updated_at) values (");
        sql.bind(matter_id)
            .push(",")
            .bind(from_department_id)
            .push(",")
            .bind(to_department_id)
            .push(",'pending',")
            .bind(checklist)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning matter_handover_id");
        get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "matter_handover_id",
        )
    }

    pub async fn load_handover(&mut self, id: i64) -> Result<HandoverRow> {
        let mut sql = Sql::new(&format!(
            "select {HANDOVER_COLS} from matter_handover where matter_handover_id = "
        ));
        sql.bind(id);
        if self.backend == crate::Backend::Postgres {
            sql.push(" for update");
        }
        match sql.query().fetch_optional(self.conn().await?).await? {
            Some(r) => handover(&r),
            None => Err(StoreError::not_found("matter_handover", id)),
        }
    }

    /// Writes a handover's checklist and state (from `pending` only).
    pub async fn update_handover(
        &mut self,
        id: i64,
        state: HandoverState,
        checklist: &str,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut sql = Sql::new("update matter_handover set state = ");
        sql.bind(state.as_str())
            .push(", checklist = ")
            .bind(checklist)
            .push(", updated_at = ")
            .bind(now);
        if state == HandoverState::Switched {
            sql.push(", switched_at = ").bind(now);
        }
        sql.push(" where state = 'pending' and matter_handover_id = ")
            .bind(id);
        self.defer_guarded(sql, [row("matter_handover", id)]);
        Ok(())
    }

    /// The open handover of a matter, if any.
    pub async fn pending_handover(&mut self, matter_id: MatterId) -> Result<Option<HandoverRow>> {
        let mut sql = Sql::new(&format!(
            "select {HANDOVER_COLS} from matter_handover where state = 'pending' and matter_id = "
        ));
        sql.bind(matter_id);
        sql.query()
            .fetch_optional(self.conn().await?)
            .await?
            .map(|r| handover(&r))
            .transpose()
    }
}

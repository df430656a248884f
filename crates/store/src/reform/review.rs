//! Inspection, assessment and accountability of reform work (督查、考核、问责), progress
//! bulletins and grassroots innovations: the reform office's records of how units performed.
//! Like the plans they judge, they are district records without a data scope; the use cases
//! decide who sees what (a unit sees its own result and appeals it).

use crate::rows::{new_rows, row, rows};
use crate::sql::Sql;
use crate::{
    get_code, get_date, get_i64, get_opt_i64, get_opt_str, get_str, Result, Store, StoreError,
    WriteTx,
};
use crate::{get_id, get_opt_id};
use chrono::NaiveDate;
use fgf_domain::base::{AccountId, DepartmentId};
use fgf_domain::reform::TaskId;
use fgf_domain::reform::{AssessmentStatus, InnovationStatus, MeritKind};
use sqlx::any::AnyRow;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InspectionRow {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub held_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingRow {
    pub id: i64,
    pub inspection_id: i64,
    pub held_on: NaiveDate,
    pub plan_id: i64,
    pub task_id: TaskId,
    /// The task's code and title, as lists show it (served as `task` by the app's view).
    #[serde(skip)]
    pub task_label: String,
    pub department_id: DepartmentId,
    pub finding: String,
    pub rectify_by: NaiveDate,
    pub rectification: String,
    pub rectified_at_ms: Option<i64>,
    pub verified_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AssessmentRow {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub status: AssessmentStatus,
    pub published_at_ms: Option<i64>,
    /// The account that first published the results: it made the conclusion.
    pub published_by: Option<AccountId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QualityScoreRow {
    pub task_id: TaskId,
    pub score: i64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ResultRow {
    pub department_id: DepartmentId,
    pub facts: serde_json::Value,
    pub breakdown: serde_json::Value,
    /// The total in hundredths of a point (the breakdown holds the same at 2 decimals).
    pub total_centi: i64,
    pub rank: i64,
    pub appeal: String,
    pub appealed_at_ms: Option<i64>,
    pub appeal_decision: String,
    pub decided_at_ms: Option<i64>,
}

/// A result as computed, before it is stored.
#[derive(Debug, Clone)]
pub struct NewResult {
    pub department_id: DepartmentId,
    pub facts: serde_json::Value,
    pub breakdown: serde_json::Value,
    pub total_centi: i64,
    pub rank: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MeritRow {
    pub id: i64,
    pub kind: MeritKind,
    pub department_id: DepartmentId,
    pub person: String,
    pub category: String,
    pub reason: String,
    pub document_no: String,
    pub file_hash: Option<String>,
    pub decided_on: NaiveDate,
    pub task_id: Option<TaskId>,
}

#[derive(Debug, Clone)]
pub struct NewMerit<'a> {
    pub kind: MeritKind,
    pub department_id: DepartmentId,
    pub person: &'a str,
    pub category: &'a str,
    pub reason: &'a str,
    pub document_no: &'a str,
    pub file_hash: Option<&'a str>,
    pub decided_on: NaiveDate,
    pub task_id: Option<TaskId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InnovationRow {
    pub id: i64,
    pub department_id: DepartmentId,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub status: InnovationStatus,
    pub review_note: String,
    pub submitted_at_ms: i64,
    pub published_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BulletinRow {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub body: serde_json::Value,
    pub created_at_ms: i64,
}

fn json_col(r: &AnyRow, col: &str) -> Result<serde_json::Value> {
    serde_json::from_str(&get_str(r, col)?).map_err(|e| StoreError::Internal(format!("{col}: {e}")))
}

fn finding(r: &AnyRow) -> Result<FindingRow> {
    Ok(FindingRow {
        id: get_i64(r, "reform_finding_id")?,
        inspection_id: get_i64(r, "inspection_id")?,
        held_on: get_date(r, "reform_inspection", "held_on")?,
        plan_id: get_i64(r, "plan_id")?,
        task_id: get_id(r, "task_id")?,
        task_label: get_str(r, "task_label")?,
        department_id: get_id(r, "department_id")?,
        finding: get_str(r, "finding")?,
        rectify_by: get_date(r, "reform_finding", "rectify_by")?,
        rectification: get_str(r, "rectification")?,
        rectified_at_ms: get_opt_i64(r, "rectified_at")?,
        verified_at_ms: get_opt_i64(r, "verified_at")?,
    })
}

// The task's label comes with the finding, so a list of findings is one query.
const FINDING_SQL: &str = "select f.reform_finding_id, f.inspection_id, i.held_on, i.plan_id, f.task_id, t.code || ' ' || t.title as task_label, f.department_id, f.finding, f.rectify_by, f.rectification, f.rectified_at, f.verified_at from reform_finding f join reform_inspection i on i.reform_inspection_id = f.inspection_id join reform_task t on t.reform_task_id = f.task_id where 1 = 1";

fn assessment(r: &AnyRow) -> Result<AssessmentRow> {
    Ok(AssessmentRow {
        id: get_i64(r, "reform_assessment_id")?,
        plan_id: get_i64(r, "plan_id")?,
        title: get_str(r, "title")?,
        period_from: get_date(r, "reform_assessment", "period_from")?,
        period_to: get_date(r, "reform_assessment", "period_to")?,
        status: get_code(r, "reform_assessment", "status")?,
        published_at_ms: get_opt_i64(r, "published_at")?,
        published_by: get_opt_id(r, "published_by")?,
    })
}

const ASSESSMENT_COLS: &str = "reform_assessment_id, plan_id, title, period_from, period_to, status, published_at, published_by";

fn merit(r: &AnyRow) -> Result<MeritRow> {
    Ok(MeritRow {
        id: get_i64(r, "reform_merit_id")?,
        kind: get_code(r, "reform_merit", "kind")?,
        department_id: get_id(r, "department_id")?,
        person: get_str(r, "person")?,
        category: get_str(r, "category")?,
        reason: get_str(r, "reason")?,
        document_no: get_str(r, "document_no")?,
        file_hash: get_opt_str(r, "file_hash")?,
        decided_on: get_date(r, "reform_merit", "decided_on")?,
        task_id: get_opt_id(r, "task_id")?,
    })
}

fn innovation(r: &AnyRow) -> Result<InnovationRow> {
    Ok(InnovationRow {
        id: get_i64(r, "reform_innovation_id")?,
        department_id: get_id(r, "department_id")?,
        title: get_str(r, "title")?,
        summary: get_str(r, "summary")?,
        body: get_str(r, "body")?,
        status: get_code(r, "reform_innovation", "status")?,
        review_note: get_str(r, "review_note")?,
        submitted_at_ms: get_i64(r, "submitted_at")?,
        published_at_ms: get_opt_i64(r, "published_at")?,
    })
}

const INNOVATION_COLS: &str = "reform_innovation_id, department_id, title, summary, body, status, review_note, submitted_at, published_at";

fn bulletin(r: &AnyRow) -> Result<BulletinRow> {
    Ok(BulletinRow {
        id: get_i64(r, "reform_bulletin_id")?,
        plan_id: get_i64(r, "plan_id")?,
        title: get_str(r, "title")?,
        period_from: get_date(r, "reform_bulletin", "period_from")?,
        period_to: get_date(r, "reform_bulletin", "period_to")?,
        body: json_col(r, "body")?,
        created_at_ms: get_i64(r, "created_at")?,
    })
}

const BULLETIN_COLS: &str =
    "reform_bulletin_id, plan_id, title, period_from, period_to, body, created_at";

impl Store {
    /// The day each completed task of a plan was confirmed complete.
    pub async fn task_completions(&self, plan_id: i64) -> Result<HashMap<TaskId, NaiveDate>> {
        let mut sql = Sql::new("select reform_task_id, completed_on from reform_task where completed_on is not null and plan_id = ");
        sql.bind(plan_id);
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    get_id(r, "reform_task_id")?,
                    get_date(r, "reform_task", "completed_on")?,
                ))
            })
            .collect()
    }

    pub async fn inspections(&self, plan_id: i64) -> Result<Vec<InspectionRow>> {
        let mut sql = Sql::new("select reform_inspection_id, plan_id, title, held_on from reform_inspection where plan_id = ");
        sql.bind(plan_id)
            .push(" order by held_on desc, reform_inspection_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(InspectionRow {
                    id: get_i64(r, "reform_inspection_id")?,
                    plan_id: get_i64(r, "plan_id")?,
                    title: get_str(r, "title")?,
                    held_on: get_date(r, "reform_inspection", "held_on")?,
                })
            })
            .collect()
    }

    /// Findings of a plan's inspections, or those addressed to a unit, newest first.
    pub async fn findings(
        &self,
        plan_id: Option<i64>,
        department_id: Option<DepartmentId>,
    ) -> Result<Vec<FindingRow>> {
        let mut sql = Sql::new(FINDING_SQL);
        if let Some(p) = plan_id {
            sql.push(" and i.plan_id = ").bind(p);
        }
        if let Some(d) = department_id {
            sql.push(" and f.department_id = ").bind(d);
        }
        sql.push(" order by f.reform_finding_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(finding).collect()
    }

    pub async fn get_finding(&self, id: i64) -> Result<FindingRow> {
        let mut sql = Sql::new(FINDING_SQL);
        sql.push(" and f.reform_finding_id = ").bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => finding(&r),
            None => Err(StoreError::not_found("reform_finding", id)),
        }
    }

    pub async fn assessments(&self, plan_id: Option<i64>) -> Result<Vec<AssessmentRow>> {
        let mut sql = Sql::new(&format!(
            "select {ASSESSMENT_COLS} from reform_assessment where 1 = 1"
        ));
        if let Some(p) = plan_id {
            sql.push(" and plan_id = ").bind(p);
        }
        sql.push(" order by period_to desc, reform_assessment_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(assessment).collect()
    }

    pub async fn get_assessment(&self, id: i64) -> Result<AssessmentRow> {
        let mut sql = Sql::new(&format!(
            "select {ASSESSMENT_COLS} from reform_assessment where reform_assessment_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => assessment(&r),
            None => Err(StoreError::not_found("reform_assessment", id)),
        }
    }

    pub async fn quality_scores(&self, assessment_id: i64) -> Result<Vec<QualityScoreRow>> {
        let mut sql = Sql::new(
            "select task_id, score, note from reform_quality_score where assessment_id = ",
        );
        sql.bind(assessment_id).push(" order by task_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(QualityScoreRow {
                    task_id: get_id(r, "task_id")?,
                    score: get_i64(r, "score")?,
                    note: get_str(r, "note")?,
                })
            })
            .collect()
    }

    /// An assessment's results, best rank first.
    pub async fn assessment_results(&self, assessment_id: i64) -> Result<Vec<ResultRow>> {
        let mut sql = Sql::new("select department_id, facts, breakdown, total_centi, rank, appeal, appealed_at, appeal_decision, decided_at from reform_assessment_result where assessment_id = ");
        sql.bind(assessment_id)
            .push(" order by rank, department_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(ResultRow {
                    department_id: get_id(r, "department_id")?,
                    facts: json_col(r, "facts")?,
                    breakdown: json_col(r, "breakdown")?,
                    total_centi: get_i64(r, "total_centi")?,
                    rank: get_i64(r, "rank")?,
                    appeal: get_str(r, "appeal")?,
                    appealed_at_ms: get_opt_i64(r, "appealed_at")?,
                    appeal_decision: get_str(r, "appeal_decision")?,
                    decided_at_ms: get_opt_i64(r, "decided_at")?,
                })
            })
            .collect()
    }

    /// Commendations and accountability records, newest first; of one unit if given.
    pub async fn merits(&self, department_id: Option<DepartmentId>) -> Result<Vec<MeritRow>> {
        let mut sql = Sql::new("select reform_merit_id, kind, department_id, person, category, reason, document_no, file_hash, decided_on, task_id from reform_merit where 1 = 1");
        if let Some(d) = department_id {
            sql.push(" and department_id = ").bind(d);
        }
        sql.push(" order by decided_on desc, reform_merit_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(merit).collect()
    }

    /// Innovations, newest first; with a status if given.
    pub async fn innovations(
        &self,
        status: Option<InnovationStatus>,
    ) -> Result<Vec<InnovationRow>> {
        let mut sql = Sql::new(&format!(
            "select {INNOVATION_COLS} from reform_innovation where 1 = 1"
        ));
        if let Some(s) = status {
            sql.push(" and status = ").bind(s.as_str());
        }
        sql.push(" order by reform_innovation_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(innovation).collect()
    }

    pub async fn get_innovation(&self, id: i64) -> Result<InnovationRow> {
        let mut sql = Sql::new(&format!(
            "select {INNOVATION_COLS} from reform_innovation where reform_innovation_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => innovation(&r),
            None => Err(StoreError::not_found("reform_innovation", id)),
        }
    }

    pub async fn bulletins(&self, plan_id: Option<i64>) -> Result<Vec<BulletinRow>> {
        let mut sql = Sql::new(&format!(
            "select {BULLETIN_COLS} from reform_bulletin where 1 = 1"
        ));
        if let Some(p) = plan_id {
            sql.push(" and plan_id = ").bind(p);
        }
        sql.push(" order by reform_bulletin_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(bulletin).collect()
    }

    pub async fn get_bulletin(&self, id: i64) -> Result<BulletinRow> {
        let mut sql = Sql::new(&format!(
            "select {BULLETIN_COLS} from reform_bulletin where reform_bulletin_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => bulletin(&r),
            None => Err(StoreError::not_found("reform_bulletin", id)),
        }
    }
}

impl WriteTx {
    /// Records the day the office confirmed a task complete (none: sent back).
    pub async fn set_task_completed_on(
        &mut self,
        task_id: TaskId,
        on: Option<NaiveDate>,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_task set completed_on = ");
        sql.bind(on).push(" where reform_task_id = ").bind(task_id);
        // Run now: the status change of the same row is usually queued before it, and one
        // PostgreSQL batch must not touch a row twice.
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    pub async fn insert_inspection(
        &mut self,
        plan_id: i64,
        title: &str,
        held_on: NaiveDate,
    ) -> Result<i64> {
        let mut sql = Sql::new(
            "insert into reform_inspection (plan_id, title, held_on, created_at) values (",
        );
        sql.bind(plan_id)
            .push(",")
            .bind(title)
            .push(",")
            .bind(held_on)
            .push(",")
            .bind(self.now_ms())
            .push(") returning reform_inspection_id");
        get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "reform_inspection_id",
        )
    }

    pub async fn insert_finding(
        &mut self,
        inspection_id: i64,
        task_id: TaskId,
        department_id: DepartmentId,
        text: &str,
        rectify_by: NaiveDate,
    ) -> Result<()> {
        let mut sql = Sql::new("insert into reform_finding (inspection_id, task_id, department_id, finding, rectify_by, created_at) values (");
        sql.bind(inspection_id)
            .push(",")
            .bind(task_id)
            .push(",")
            .bind(department_id)
            .push(",")
            .bind(text)
            .push(",")
            .bind(rectify_by)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        self.defer(sql, [new_rows("reform_finding", [])]);
        Ok(())
    }

    /// The unit reports its rectification (once, until the office sends it back).
    pub async fn rectify_finding(&mut self, id: i64, text: &str) -> Result<()> {
        let mut sql = Sql::new("update reform_finding set rectification = ");
        sql.bind(text)
            .push(", rectified_at = ")
            .bind(self.now_ms())
            .push(" where rectified_at is null and reform_finding_id = ")
            .bind(id);
        self.defer_guarded(sql, [row("reform_finding", id)]);
        Ok(())
    }

    /// The office accepts the rectification, or sends it back (it must be reported again).
    pub async fn verify_finding(&mut self, id: i64, accept: bool) -> Result<()> {
        let mut sql = Sql::new("update reform_finding set ");
        if accept {
            sql.push("verified_at = ").bind(self.now_ms());
        } else {
            sql.push("rectified_at = null");
        }
        sql.push(
            " where rectified_at is not null and verified_at is null and reform_finding_id = ",
        )
        .bind(id);
        self.defer_guarded(sql, [row("reform_finding", id)]);
        Ok(())
    }

    pub async fn insert_assessment(
        &mut self,
        plan_id: i64,
        title: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64> {
        let mut sql = Sql::new("insert into reform_assessment (plan_id, title, period_from, period_to, status, created_at) values (");
        sql.bind(plan_id)
            .push(",")
            .bind(title)
            .push(",")
            .bind(from)
            .push(",")
            .bind(to)
            .push(",'open',")
            .bind(self.now_ms())
            .push(") returning reform_assessment_id");
        get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "reform_assessment_id",
        )
    }

    /// Sets (or replaces) a reviewer's quality score of a task in an assessment.
    pub async fn set_quality_score(
        &mut self,
        assessment_id: i64,
        task_id: TaskId,
        score: i64,
        note: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("insert into reform_quality_score (assessment_id, task_id, score, note, account_id, created_at) values (");
        sql.bind(assessment_id)
            .push(",")
            .bind(task_id)
            .push(",")
            .bind(score)
            .push(",")
            .bind(note)
            .push(",")
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(self.now_ms())
            .push(") on conflict (assessment_id, task_id) do update set score = excluded.score, note = excluded.note, account_id = excluded.account_id, created_at = excluded.created_at");
        self.defer(
            sql,
            [rows(
                "reform_quality_score",
                [
                    ("assessment_id", assessment_id.into()),
                    ("task_id", task_id.into()),
                ],
            )],
        );
        Ok(())
    }

    /// Stores the computed results: a unit's existing row keeps its appeal.
    pub async fn put_results(
        &mut self,
        assessment_id: i64,
        existing: &[DepartmentId],
        results: &[NewResult],
    ) -> Result<()> {
        for r in results {
            let facts = r.facts.to_string();
            let breakdown = r.breakdown.to_string();
            let mut sql;
            let key = [
                ("assessment_id", assessment_id.into()),
                ("department_id", r.department_id.into()),
            ];
            let writes;
            if existing.contains(&r.department_id) {
                writes = rows("reform_assessment_result", key);
                sql = Sql::new("update reform_assessment_result set facts = ");
                sql.bind(facts)
                    .push(", breakdown = ")
                    .bind(breakdown)
                    .push(", total_centi = ")
                    .bind(r.total_centi)
                    .push(", rank = ")
                    .bind(r.rank)
                    .push(" where assessment_id = ")
                    .bind(assessment_id)
                    .push(" and department_id = ")
                    .bind(r.department_id);
            } else {
                writes = new_rows("reform_assessment_result", key);
                sql = Sql::new("insert into reform_assessment_result (assessment_id, department_id, facts, breakdown, total_centi, rank) values (");
                sql.bind(assessment_id)
                    .push(",")
                    .bind(r.department_id)
                    .push(",")
                    .bind(facts)
                    .push(",")
                    .bind(breakdown)
                    .push(",")
                    .bind(r.total_centi)
                    .push(",")
                    .bind(r.rank)
                    .push(")");
            }
            self.defer(sql, [writes]);
        }
        Ok(())
    }

    pub async fn set_assessment_published(&mut self, id: i64) -> Result<()> {
        // The first publication stands: the appeal window and the recusal run from it.
        let mut sql = Sql::new(
            "update reform_assessment set status = 'published', published_at = coalesce(published_at, ",
        );
        sql.bind(self.now_ms())
            .push("), published_by = case when published_at is null then ")
            .bind(self.ctx().actor_account_id)
            .push(" else published_by end where reform_assessment_id = ")
            .bind(id);
        self.defer(sql, [row("reform_assessment", id)]);
        Ok(())
    }

    /// The unit's one appeal of its result.
    pub async fn appeal_result(
        &mut self,
        assessment_id: i64,
        department_id: DepartmentId,
        text: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_assessment_result set appeal = ");
        sql.bind(text)
            .push(", appealed_at = ")
            .bind(self.now_ms())
            .push(" where appealed_at is null and assessment_id = ")
            .bind(assessment_id)
            .push(" and department_id = ")
            .bind(department_id);
        self.defer_guarded(sql, [result_row(assessment_id, department_id)]);
        Ok(())
    }

    /// The office's decision on an appeal (once).
    pub async fn decide_appeal(
        &mut self,
        assessment_id: i64,
        department_id: DepartmentId,
        decision: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_assessment_result set appeal_decision = ");
        sql.bind(decision)
            .push(", decided_at = ")
            .bind(self.now_ms())
            .push(" where appealed_at is not null and decided_at is null and assessment_id = ")
            .bind(assessment_id)
            .push(" and department_id = ")
            .bind(department_id);
        self.defer_guarded(sql, [result_row(assessment_id, department_id)]);
        Ok(())
    }

    pub async fn insert_merit(&mut self, m: &NewMerit<'_>) -> Result<()> {
        let mut sql = Sql::new("insert into reform_merit (kind, department_id, person, category, reason, document_no, file_hash, decided_on, task_id, created_at) values (");
        sql.bind(m.kind.as_str())
            .push(",")
            .bind(m.department_id)
            .push(",")
            .bind(m.person)
            .push(",")
            .bind(m.category)
            .push(",")
            .bind(m.reason)
            .push(",")
            .bind(m.document_no)
            .push(",")
            .bind(m.file_hash)
            .push(",")
            .bind(m.decided_on)
            .push(",")
            .bind(m.task_id)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        self.defer(sql, [new_rows("reform_merit", [])]);
        Ok(())
    }

    pub async fn insert_innovation(
        &mut self,
        department_id: DepartmentId,
        title: &str,
        summary: &str,
        body: &str,
    ) -> Result<i64> {
        let mut sql = Sql::new("insert into reform_innovation (department_id, title, summary, body, status, submitted_at) values (");
        sql.bind(department_id)
            .push(",")
            .bind(title)
            .push(",")
            .bind(summary)
            .push(",")
            .bind(body)
            .push(",'submitted',")
            .bind(self.now_ms())
            .push(") returning reform_innovation_id");
        get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "reform_innovation_id",
        )
    }

    /// The office publishes or declines a submitted innovation (once).
    pub async fn review_innovation(&mut self, id: i64, publish: bool, note: &str) -> Result<()> {
        let now = self.now_ms();
        let mut sql = Sql::new("update reform_innovation set status = ");
        let to = if publish {
            InnovationStatus::Published
        } else {
            InnovationStatus::Rejected
        };
        sql.bind(to.as_str())
            .push(", review_note = ")
            .bind(note)
            .push(", reviewed_at = ")
            .bind(now)
            .push(", published_at = ")
            .bind(publish.then_some(now))
            .push(" where status = 'submitted' and reform_innovation_id = ")
            .bind(id);
        self.defer_guarded(sql, [row("reform_innovation", id)]);
        Ok(())
    }

    pub async fn insert_bulletin(
        &mut self,
        plan_id: i64,
        title: &str,
        from: NaiveDate,
        to: NaiveDate,
        body: &serde_json::Value,
    ) -> Result<i64> {
        let mut sql = Sql::new("insert into reform_bulletin (plan_id, title, period_from, period_to, body, created_at) values (");
        sql.bind(plan_id)
            .push(",")
            .bind(title)
            .push(",")
            .bind(from)
            .push(",")
            .bind(to)
            .push(",")
            .bind(body.to_string())
            .push(",")
            .bind(self.now_ms())
            .push(") returning reform_bulletin_id");
        get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "reform_bulletin_id",
        )
    }
}

/// A unit's result in an assessment, by its unique key.
fn result_row(assessment_id: i64, department_id: DepartmentId) -> crate::rows::Rows {
    rows(
        "reform_assessment_result",
        [
            ("assessment_id", assessment_id.into()),
            ("department_id", department_id.into()),
        ],
    )
}

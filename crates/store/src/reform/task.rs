//! Plans, tasks with dependencies and milestones, and progress reports.

use crate::rows::{new_rows, row};
use crate::sql::Sql;
use crate::{
    get_code, get_date, get_i64, get_opt_code, get_opt_date, get_opt_i64, get_str, Result, Store,
    StoreError, WriteTx,
};
use crate::{get_id, get_opt_id};
use chrono::NaiveDate;
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use fgf_domain::reform::plan::{Disposition, PlanStatus};
use fgf_domain::reform::TaskId;
use fgf_domain::reform::{NoticeKind, TaskStatus, UnitRole};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanRow {
    pub id: i64,
    pub title: String,
    pub status: PlanStatus,
    /// Units report by this day of each month.
    pub report_day: i64,
    pub created_at_ms: i64,
    /// The version being worked on (the published one while approved).
    pub version: i64,
    pub published_at_ms: Option<i64>,
}

const PLAN_COLS: &str =
    "reform_plan_id, title, status, report_day, created_at, version, published_at";

fn plan(r: &AnyRow) -> Result<PlanRow> {
    Ok(PlanRow {
        id: get_i64(r, "reform_plan_id")?,
        title: get_str(r, "title")?,
        status: get_code(r, "reform_plan", "status")?,
        report_day: get_i64(r, "report_day")?,
        created_at_ms: get_i64(r, "created_at")?,
        version: get_i64(r, "version")?,
        published_at_ms: get_opt_i64(r, "published_at")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaskRow {
    pub id: TaskId,
    pub plan_id: i64,
    pub parent_id: Option<TaskId>,
    pub code: String,
    pub title: String,
    pub category: String,
    pub requirement: String,
    pub result_form: String,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    pub lead_department_id: DepartmentId,
    pub owner: String,
    pub weight: i64,
    pub progress: i64,
    pub status: TaskStatus,
    /// The part of the plan it belongs to.
    pub section: String,
    /// Cooperating units (配合单位), department codes separated by `；`.
    pub partners: String,
    /// The number of the plan clause it comes from (may be empty).
    pub clause: String,
}

const TASK_COLS: &str = "reform_task_id, plan_id, parent_id, code, title, category, requirement, result_form, start_date, deadline, lead_department_id, owner, weight, progress, status, section, partners, clause";

fn task(r: &AnyRow) -> Result<TaskRow> {
    Ok(TaskRow {
        id: get_id(r, "reform_task_id")?,
        plan_id: get_i64(r, "plan_id")?,
        parent_id: get_opt_id(r, "parent_id")?,
        code: get_str(r, "code")?,
        title: get_str(r, "title")?,
        category: get_str(r, "category")?,
        requirement: get_str(r, "requirement")?,
        result_form: get_str(r, "result_form")?,
        start_date: get_date(r, "reform_task", "start_date")?,
        deadline: get_date(r, "reform_task", "deadline")?,
        lead_department_id: get_id(r, "lead_department_id")?,
        owner: get_str(r, "owner")?,
        weight: get_i64(r, "weight")?,
        progress: get_i64(r, "progress")?,
        status: get_code(r, "reform_task", "status")?,
        section: get_str(r, "section")?,
        partners: get_str(r, "partners")?,
        clause: get_str(r, "clause")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MilestoneRow {
    pub id: i64,
    pub task_id: TaskId,
    pub title: String,
    pub due: NaiveDate,
    pub done_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub task_id: TaskId,
    pub report_date: NaiveDate,
    pub percent: i64,
    pub done_text: String,
    pub problems: String,
    pub account_id: Option<AccountId>,
    /// Content hashes of the evidence files (佐证材料).
    pub evidence: Vec<String>,
}

/// A new task as the reform office plans it.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub plan_id: i64,
    pub parent_id: Option<TaskId>,
    pub code: &'a str,
    pub title: &'a str,
    pub category: &'a str,
    pub requirement: &'a str,
    pub result_form: &'a str,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    pub lead_department_id: DepartmentId,
    pub owner: &'a str,
    pub weight: i64,
    pub section: &'a str,
    pub partners: &'a str,
    pub clause: &'a str,
}

impl Store {
    /// Every plan, newest first.
    pub async fn list_plans(&self) -> Result<Vec<PlanRow>> {
        let rows = sqlx::query(&format!(
            "select {PLAN_COLS} from reform_plan order by reform_plan_id desc"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(plan).collect()
    }

    /// One page of plans, newest first, optionally in one status.
    pub async fn plans_page(
        &self,
        status: Option<PlanStatus>,
        page: crate::Page,
    ) -> Result<crate::Paged<PlanRow>> {
        let filter = |sql: &mut Sql| {
            if let Some(s) = status {
                sql.push(" where status = ").bind(s.as_str());
            }
        };
        let mut count = Sql::new("select count(*) as n from reform_plan");
        filter(&mut count);
        let total = get_i64(&count.query().fetch_one(self.pool()).await?, "n")?;
        let mut sql = Sql::new(&format!("select {PLAN_COLS} from reform_plan"));
        filter(&mut sql);
        sql.push(" order by reform_plan_id desc limit ")
            .bind(page.limit())
            .push(" offset ")
            .bind(page.offset());
        let rows = sql.query().fetch_all(self.pool()).await?;
        let items = rows.iter().map(plan).collect::<Result<Vec<_>>>()?;
        Ok(crate::Paged { items, total })
    }

    pub async fn get_plan(&self, id: i64) -> Result<PlanRow> {
        let mut sql = Sql::new(&format!(
            "select {PLAN_COLS} from reform_plan where reform_plan_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => plan(&r),
            None => Err(StoreError::not_found("reform_plan", id)),
        }
    }

    pub async fn get_task(&self, id: TaskId) -> Result<TaskRow> {
        let mut sql = Sql::new(&format!(
            "select {TASK_COLS} from reform_task where reform_task_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => task(&r),
            None => Err(StoreError::not_found("reform_task", id)),
        }
    }

    /// Every task of a plan, by code.
    pub async fn plan_tasks(&self, plan_id: i64) -> Result<Vec<TaskRow>> {
        let mut sql = Sql::new(&format!(
            "select {TASK_COLS} from reform_task where plan_id = "
        ));
        sql.bind(plan_id).push(" order by code");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(task).collect()
    }

    /// The dependencies among a plan's tasks as (task, depends on).
    pub async fn plan_deps(&self, plan_id: i64) -> Result<Vec<(TaskId, TaskId)>> {
        let mut sql = Sql::new("select d.task_id, d.depends_on_id from reform_task_dep d join reform_task t on t.reform_task_id = d.task_id where t.plan_id = ");
        sql.bind(plan_id)
            .push(" order by d.task_id, d.depends_on_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| Ok((get_id(r, "task_id")?, get_id(r, "depends_on_id")?)))
            .collect()
    }

    pub async fn plan_milestones(&self, plan_id: i64) -> Result<Vec<MilestoneRow>> {
        let mut sql = Sql::new("select m.reform_milestone_id, m.task_id, m.title, m.due, m.done_at from reform_milestone m join reform_task t on t.reform_task_id = m.task_id where t.plan_id = ");
        sql.bind(plan_id)
            .push(" order by m.due, m.reform_milestone_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(MilestoneRow {
                    id: get_i64(r, "reform_milestone_id")?,
                    task_id: get_id(r, "task_id")?,
                    title: get_str(r, "title")?,
                    due: get_date(r, "reform_milestone", "due")?,
                    done_at_ms: get_opt_i64(r, "done_at")?,
                })
            })
            .collect()
    }

    /// Every progress report on a plan's tasks, oldest first.
    pub async fn plan_reports(&self, plan_id: i64) -> Result<Vec<ReportRow>> {
        let mut sql = Sql::new(REPORT_SQL);
        sql.push("t.plan_id = ")
            .bind(plan_id)
            .push(" order by r.report_date, r.reform_report_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(report).collect()
    }

    /// One task's progress reports, newest first.
    pub async fn task_reports(&self, task_id: TaskId) -> Result<Vec<ReportRow>> {
        let mut sql = Sql::new(REPORT_SQL);
        sql.push("r.task_id = ")
            .bind(task_id)
            .push(" order by r.report_date desc, r.reform_report_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(report).collect()
    }
}

const REPORT_SQL: &str = "select r.reform_report_id, r.task_id, r.report_date, r.percent, r.done_text, r.problems, r.account_id, r.evidence from reform_report r join reform_task t on t.reform_task_id = r.task_id where ";

fn report(r: &AnyRow) -> Result<ReportRow> {
    Ok(ReportRow {
        id: get_i64(r, "reform_report_id")?,
        task_id: get_id(r, "task_id")?,
        report_date: get_date(r, "reform_report", "report_date")?,
        percent: get_i64(r, "percent")?,
        done_text: get_str(r, "done_text")?,
        problems: get_str(r, "problems")?,
        account_id: get_opt_id(r, "account_id")?,
        evidence: get_str(r, "evidence")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    })
}

impl WriteTx {
    pub async fn insert_plan(
        &mut self,
        title: &str,
        status: PlanStatus,
        report_day: i64,
    ) -> Result<i64> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into reform_plan (title, status, report_day, created_at, updated_at) values (",
        );
        sql.bind(title)
            .push(",")
            .bind(status.as_str())
            .push(",")
            .bind(report_day)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning reform_plan_id");
        get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "reform_plan_id",
        )
    }

    pub async fn insert_task(&mut self, t: &NewTask<'_>) -> Result<TaskId> {
        let now = self.now_ms();
        let mut sql = Sql::new(&format!(
            "insert into reform_task ({}, created_at, updated_at) values (",
            &TASK_COLS["reform_task_id, ".len()..]
        ));
        sql.bind(t.plan_id)
            .push(",")
            .bind(t.parent_id)
            .push(",")
            .bind(t.code)
            .push(",")
            .bind(t.title)
            .push(",")
            .bind(t.category)
            .push(",")
            .bind(t.requirement)
            .push(",")
            .bind(t.result_form)
            .push(",")
            .bind(t.start_date)
            .push(",")
            .bind(t.deadline)
            .push(",")
            .bind(t.lead_department_id)
            .push(",")
            .bind(t.owner)
            .push(",")
            .bind(t.weight)
            .push(",0,'not_started',")
            .bind(t.section)
            .push(",")
            .bind(t.partners)
            .push(",")
            .bind(t.clause)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning reform_task_id");
        get_id(
            &sql.query().fetch_one(self.conn().await?).await?,
            "reform_task_id",
        )
    }

    pub async fn insert_task_dep(&mut self, task_id: TaskId, depends_on_id: TaskId) -> Result<()> {
        let mut sql = Sql::new("insert into reform_task_dep (task_id, depends_on_id) values (");
        sql.bind(task_id).push(",").bind(depends_on_id).push(")");
        self.defer(sql, [new_rows("reform_task_dep", [])]);
        Ok(())
    }

    /// Adds a milestone, met at `done_at_ms` when given.
    pub async fn insert_milestone(
        &mut self,
        task_id: TaskId,
        title: &str,
        due: NaiveDate,
        done_at_ms: Option<i64>,
    ) -> Result<()> {
        let mut sql =
            Sql::new("insert into reform_milestone (task_id, title, due, done_at) values (");
        sql.bind(task_id)
            .push(",")
            .bind(title)
            .push(",")
            .bind(due)
            .push(",")
            .bind(done_at_ms)
            .push(")");
        self.defer(sql, [new_rows("reform_milestone", [])]);
        Ok(())
    }

    pub async fn insert_report(
        &mut self,
        task_id: TaskId,
        report_date: NaiveDate,
        percent: i64,
        done_text: &str,
        problems: &str,
        evidence: &[String],
    ) -> Result<()> {
        let mut sql = Sql::new("insert into reform_report (task_id, report_date, percent, done_text, problems, evidence, account_id, created_at) values (");
        sql.bind(task_id)
            .push(",")
            .bind(report_date)
            .push(",")
            .bind(percent)
            .push(",")
            .bind(done_text)
            .push(",")
            .bind(problems)
            .push(",")
            .bind(evidence.join(" "))
            .push(",")
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        self.defer(sql, [new_rows("reform_report", [])]);
        Ok(())
    }

    /// Sets a task's progress and status if it is still in `from_status` (a concurrent
    /// confirmation or claim fails the transaction).
    pub async fn set_task_progress(
        &mut self,
        id: TaskId,
        from_status: TaskStatus,
        progress: i64,
        status: TaskStatus,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_task set progress = ");
        sql.bind(progress)
            .push(", status = ")
            .bind(status.as_str())
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where reform_task_id = ")
            .bind(id)
            .push(" and status = ")
            .bind(from_status.as_str());
        self.defer_guarded(sql, [row("reform_task", id)]);
        Ok(())
    }
}

/// One unit's acceptance of its part of a task.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AcceptanceRow {
    pub id: i64,
    pub task_id: TaskId,
    pub department_id: DepartmentId,
    pub role: UnitRole,
    /// The date it must be accepted by.
    pub due: NaiveDate,
    pub accepted_on: Option<NaiveDate>,
    pub disputed_at_ms: Option<i64>,
    pub reason: String,
    pub resolution: String,
    pub resolved_at_ms: Option<i64>,
    /// What the unit's part is (a cooperating unit's share of the work; empty for the lead,
    /// whose part is the task's requirement).
    pub part: String,
}

const ACC_COLS: &str = "a.reform_acceptance_id, a.task_id, a.department_id, a.role, a.due, a.accepted_on, a.disputed_at, a.reason, a.resolution, a.resolved_at, a.part";

fn acceptance(r: &AnyRow) -> Result<AcceptanceRow> {
    Ok(AcceptanceRow {
        id: get_i64(r, "reform_acceptance_id")?,
        task_id: get_id(r, "task_id")?,
        department_id: get_id(r, "department_id")?,
        role: get_code(r, "reform_acceptance", "role")?,
        due: get_date(r, "reform_acceptance", "due")?,
        accepted_on: get_opt_date(r, "reform_acceptance", "accepted_on")?,
        disputed_at_ms: get_opt_i64(r, "disputed_at")?,
        reason: get_str(r, "reason")?,
        resolution: get_str(r, "resolution")?,
        resolved_at_ms: get_opt_i64(r, "resolved_at")?,
        part: get_str(r, "part")?,
    })
}

impl Store {
    /// Every acceptance of every task (of `plan_id`, or of all plans).
    pub async fn acceptances(&self, plan_id: Option<i64>) -> Result<Vec<AcceptanceRow>> {
        let mut sql = Sql::new(&format!(
            "select {ACC_COLS} from reform_acceptance a join reform_task t on t.reform_task_id = a.task_id where 1 = 1"
        ));
        if let Some(p) = plan_id {
            sql.push(" and t.plan_id = ").bind(p);
        }
        sql.push(" order by a.reform_acceptance_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(acceptance).collect()
    }

    pub async fn get_acceptance(&self, id: i64) -> Result<AcceptanceRow> {
        let mut sql = Sql::new(&format!(
            "select {ACC_COLS} from reform_acceptance a where a.reform_acceptance_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => acceptance(&r),
            None => Err(StoreError::not_found("reform_acceptance", id)),
        }
    }
}

impl WriteTx {
    /// Opens a unit's acceptance of its part; `answered` records an answer already given
    /// (accepted on a date, or disputed with a reason at a time), as the demo's history does.
    pub async fn insert_acceptance(
        &mut self,
        task_id: TaskId,
        department_id: DepartmentId,
        role: UnitRole,
        part: &str,
        due: NaiveDate,
        answered: Option<(Option<NaiveDate>, &str, i64)>,
    ) -> Result<()> {
        let now = self.now_ms();
        let (accepted_on, disputed_at, reason) = match answered {
            None => (None, None, ""),
            Some((Some(on), _, _)) => (Some(on), None, ""),
            Some((None, reason, at)) => (None, Some(at), reason),
        };
        let mut sql = Sql::new("insert into reform_acceptance (task_id, department_id, role, part, due, accepted_on, disputed_at, reason, created_at) values (");
        sql.bind(task_id)
            .push(",")
            .bind(department_id)
            .push(",")
            .bind(role.as_str())
            .push(",")
            .bind(part)
            .push(",")
            .bind(due)
            .push(",")
            .bind(accepted_on)
            .push(",")
            .bind(disputed_at)
            .push(",")
            .bind(reason)
            .push(",")
            .bind(now)
            .push(")");
        self.defer(sql, [new_rows("reform_acceptance", [])]);
        Ok(())
    }

    /// The unit accepts (`accepted_on`) or disputes (with `reason`) its part; only once, and
    /// not after a dispute (the office's resolution decides then).
    pub async fn answer_acceptance(
        &mut self,
        id: i64,
        accepted_on: Option<NaiveDate>,
        reason: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_acceptance set ");
        match accepted_on {
            Some(d) => {
                sql.push("accepted_on = ").bind(d);
            }
            None => {
                sql.push("disputed_at = ")
                    .bind(self.now_ms())
                    .push(", reason = ")
                    .bind(reason);
            }
        }
        sql.push(" where accepted_on is null and disputed_at is null and reform_acceptance_id = ")
            .bind(id);
        self.defer_guarded(sql, [row("reform_acceptance", id)]);
        Ok(())
    }

    /// The reform office resolves a coordination case: the part goes to `department_id`,
    /// which is bound by it (accepted on `today`).
    pub async fn resolve_acceptance(
        &mut self,
        id: i64,
        department_id: DepartmentId,
        resolution: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_acceptance set department_id = ");
        sql.bind(department_id)
            .push(", resolution = ")
            .bind(resolution)
            .push(", accepted_on = ")
            .bind(today)
            .push(", resolved_at = ")
            .bind(self.now_ms())
            .push(", resolved_by = ")
            .bind(self.ctx().actor_account_id)
            .push(" where resolved_at is null and reform_acceptance_id = ")
            .bind(id);
        self.defer_guarded(sql, [row("reform_acceptance", id)]);
        Ok(())
    }

    /// Moves a task to another lead unit (a coordination case resolved that way).
    pub async fn set_task_lead(
        &mut self,
        task_id: TaskId,
        department_id: DepartmentId,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_task set lead_department_id = ");
        sql.bind(department_id)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where reform_task_id = ")
            .bind(task_id);
        self.defer(sql, [row("reform_task", task_id)]);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The plan as a document: clauses, consultation, dispositions, life events and versions.

pub use fgf_domain::reform::plan::Clause;

/// A unit asked for comments in one consultation round.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsulteeRow {
    pub id: i64,
    pub plan_id: i64,
    pub round: i64,
    pub department_id: DepartmentId,
    /// The date the reply is due.
    pub due: NaiveDate,
    pub replied_at_ms: Option<i64>,
    /// The unit replied "无意见".
    pub no_comment: bool,
}

const CONSULTEE_COLS: &str =
    "reform_consultee_id, plan_id, round, department_id, due, replied_at, no_comment";

fn consultee(r: &AnyRow) -> Result<ConsulteeRow> {
    Ok(ConsulteeRow {
        id: get_i64(r, "reform_consultee_id")?,
        plan_id: get_i64(r, "plan_id")?,
        round: get_i64(r, "round")?,
        department_id: get_id(r, "department_id")?,
        due: get_date(r, "reform_consultee", "due")?,
        replied_at_ms: get_opt_i64(r, "replied_at")?,
        no_comment: get_i64(r, "no_comment")? != 0,
    })
}

/// A unit's comment on a clause, with the office's disposition once made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommentRow {
    pub id: i64,
    pub plan_id: i64,
    pub round: i64,
    pub department_id: DepartmentId,
    pub clause: String,
    pub body: String,
    pub created_at_ms: i64,
    pub disposition: Option<Disposition>,
    pub disposition_reason: String,
}

/// A step in a plan's life: consultation sent, meeting record, submission, approval, revision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanEventRow {
    pub id: i64,
    pub version: i64,
    pub kind: String,
    pub note: String,
    pub file_hash: Option<String>,
    pub account_id: Option<AccountId>,
    pub created_at_ms: i64,
}

/// A published version of a plan's text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanVersionRow {
    pub version: i64,
    pub title: String,
    pub clauses: Vec<Clause>,
    pub published_at_ms: i64,
}

impl Store {
    /// A plan's clauses in document order.
    pub async fn plan_clauses(&self, plan_id: i64) -> Result<Vec<Clause>> {
        let mut sql = Sql::new("select section, number, body from reform_clause where plan_id = ");
        sql.bind(plan_id).push(" order by position");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(Clause {
                    section: get_str(r, "section")?,
                    number: get_str(r, "number")?,
                    body: get_str(r, "body")?,
                })
            })
            .collect()
    }

    /// Every unit asked in every round of a plan's consultation.
    pub async fn consultees(&self, plan_id: i64) -> Result<Vec<ConsulteeRow>> {
        let mut sql = Sql::new(&format!(
            "select {CONSULTEE_COLS} from reform_consultee where plan_id = "
        ));
        sql.bind(plan_id)
            .push(" order by round, reform_consultee_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(consultee).collect()
    }

    /// The consultations a unit has been asked to answer, across plans.
    pub async fn consultations_of(&self, department_id: DepartmentId) -> Result<Vec<ConsulteeRow>> {
        let mut sql = Sql::new(&format!(
            "select {CONSULTEE_COLS} from reform_consultee where department_id = "
        ));
        sql.bind(department_id)
            .push(" order by reform_consultee_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(consultee).collect()
    }

    /// Every comment on a plan, in the order received.
    pub async fn plan_comments(&self, plan_id: i64) -> Result<Vec<CommentRow>> {
        let mut sql = Sql::new("select reform_comment_id, plan_id, round, department_id, clause, body, created_at, disposition, disposition_reason from reform_comment where plan_id = ");
        sql.bind(plan_id).push(" order by reform_comment_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(CommentRow {
                    id: get_i64(r, "reform_comment_id")?,
                    plan_id: get_i64(r, "plan_id")?,
                    round: get_i64(r, "round")?,
                    department_id: get_id(r, "department_id")?,
                    clause: get_str(r, "clause")?,
                    body: get_str(r, "body")?,
                    created_at_ms: get_i64(r, "created_at")?,
                    disposition: get_opt_code(r, "reform_comment", "disposition")?,
                    disposition_reason: get_str(r, "disposition_reason")?,
                })
            })
            .collect()
    }

    /// A plan's life, oldest first.
    pub async fn plan_events(&self, plan_id: i64) -> Result<Vec<PlanEventRow>> {
        let mut sql = Sql::new("select reform_plan_event_id, version, kind, note, file_hash, account_id, created_at from reform_plan_event where plan_id = ");
        sql.bind(plan_id).push(" order by reform_plan_event_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(PlanEventRow {
                    id: get_i64(r, "reform_plan_event_id")?,
                    version: get_i64(r, "version")?,
                    kind: get_str(r, "kind")?,
                    note: get_str(r, "note")?,
                    file_hash: crate::get_opt_str(r, "file_hash")?,
                    account_id: get_opt_id(r, "account_id")?,
                    created_at_ms: get_i64(r, "created_at")?,
                })
            })
            .collect()
    }

    /// Every published version of a plan, oldest first.
    pub async fn plan_versions(&self, plan_id: i64) -> Result<Vec<PlanVersionRow>> {
        let mut sql = Sql::new("select version, title, clauses, published_at from reform_plan_version where plan_id = ");
        sql.bind(plan_id).push(" order by version");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(PlanVersionRow {
                    version: get_i64(r, "version")?,
                    title: get_str(r, "title")?,
                    clauses: serde_json::from_str(&get_str(r, "clauses")?)
                        .map_err(|e| StoreError::Internal(format!("plan version clauses: {e}")))?,
                    published_at_ms: get_i64(r, "published_at")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    /// Replaces a plan's text (only while it is a draft; the use case checks).
    pub async fn replace_clauses(&mut self, plan_id: i64, clauses: &[Clause]) -> Result<()> {
        // Run now, not with the batch: on PostgreSQL a batch's statements share one snapshot
        // in no set order, and the new clauses reuse the numbers of the old.
        let mut del = Sql::new("delete from reform_clause where plan_id = ");
        del.bind(plan_id);
        del.query().execute(self.conn().await?).await?;
        for (i, c) in clauses.iter().enumerate() {
            let mut sql = Sql::new(
                "insert into reform_clause (plan_id, position, section, number, body) values (",
            );
            sql.bind(plan_id)
                .push(",")
                .bind(i64::try_from(i).unwrap_or(i64::MAX))
                .push(",")
                .bind(c.section.as_str())
                .push(",")
                .bind(c.number.as_str())
                .push(",")
                .bind(c.body.as_str())
                .push(")");
            self.defer(sql, [new_rows("reform_clause", [])]);
        }
        Ok(())
    }

    /// Moves a plan from `from` to `to` (a concurrent step fails the transaction); `version`
    /// and `published_at_ms` are set when given.
    pub async fn set_plan_status(
        &mut self,
        plan_id: i64,
        from: PlanStatus,
        to: PlanStatus,
        version: Option<i64>,
        published_at_ms: Option<i64>,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_plan set status = ");
        sql.bind(to.as_str())
            .push(", updated_at = ")
            .bind(self.now_ms());
        if let Some(v) = version {
            sql.push(", version = ").bind(v);
        }
        if let Some(p) = published_at_ms {
            sql.push(", published_at = ").bind(p);
        }
        sql.push(" where reform_plan_id = ")
            .bind(plan_id)
            .push(" and status = ")
            .bind(from.as_str());
        self.defer_guarded(sql, [row("reform_plan", plan_id)]);
        Ok(())
    }

    pub async fn insert_consultee(
        &mut self,
        plan_id: i64,
        round: i64,
        department_id: DepartmentId,
        due: NaiveDate,
        replied: Option<(i64, bool)>,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into reform_consultee (plan_id, round, department_id, due, replied_at, no_comment) values (",
        );
        sql.bind(plan_id)
            .push(",")
            .bind(round)
            .push(",")
            .bind(department_id)
            .push(",")
            .bind(due)
            .push(",")
            .bind(replied.map(|(at, _)| at))
            .push(",")
            .bind(i64::from(replied.is_some_and(|(_, none)| none)))
            .push(")");
        self.defer(sql, [new_rows("reform_consultee", [])]);
        Ok(())
    }

    /// Records a unit's reply (once).
    pub async fn mark_consultee_replied(&mut self, id: i64, no_comment: bool) -> Result<()> {
        let mut sql = Sql::new("update reform_consultee set replied_at = ");
        sql.bind(self.now_ms())
            .push(", no_comment = ")
            .bind(i64::from(no_comment))
            .push(" where replied_at is null and reform_consultee_id = ")
            .bind(id);
        self.defer_guarded(sql, [row("reform_consultee", id)]);
        Ok(())
    }

    pub async fn insert_comment(
        &mut self,
        plan_id: i64,
        round: i64,
        department_id: DepartmentId,
        clause: &str,
        body: &str,
        disposition: Option<(Disposition, &str)>,
    ) -> Result<()> {
        let mut sql = Sql::new("insert into reform_comment (plan_id, round, department_id, clause, body, disposition, disposition_reason, account_id, created_at) values (");
        sql.bind(plan_id)
            .push(",")
            .bind(round)
            .push(",")
            .bind(department_id)
            .push(",")
            .bind(clause)
            .push(",")
            .bind(body)
            .push(",")
            .bind(disposition.map(|(d, _)| d.as_str()))
            .push(",")
            .bind(disposition.map_or("", |(_, r)| r))
            .push(",")
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        self.defer(sql, [new_rows("reform_comment", [])]);
        Ok(())
    }

    /// Records (or changes) the office's disposition of a comment.
    pub async fn dispose_comment(
        &mut self,
        id: i64,
        plan_id: i64,
        disposition: Disposition,
        reason: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_comment set disposition = ");
        sql.bind(disposition.as_str())
            .push(", disposition_reason = ")
            .bind(reason)
            .push(", disposed_at = ")
            .bind(self.now_ms())
            .push(", disposed_by = ")
            .bind(self.ctx().actor_account_id)
            .push(" where reform_comment_id = ")
            .bind(id)
            .push(" and plan_id = ")
            .bind(plan_id);
        self.defer_guarded(sql, [row("reform_comment", id)]);
        Ok(())
    }

    pub async fn insert_plan_event(
        &mut self,
        plan_id: i64,
        version: i64,
        kind: &str,
        note: &str,
        file_hash: Option<&str>,
    ) -> Result<()> {
        let mut sql = Sql::new("insert into reform_plan_event (plan_id, version, kind, note, file_hash, account_id, created_at) values (");
        sql.bind(plan_id)
            .push(",")
            .bind(version)
            .push(",")
            .bind(kind)
            .push(",")
            .bind(note)
            .push(",")
            .bind(file_hash)
            .push(",")
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        self.defer(sql, [new_rows("reform_plan_event", [])]);
        Ok(())
    }

    pub async fn insert_plan_version(
        &mut self,
        plan_id: i64,
        version: i64,
        title: &str,
        clauses: &[Clause],
    ) -> Result<()> {
        let json = serde_json::to_string(clauses)
            .map_err(|e| StoreError::Internal(format!("plan version clauses: {e}")))?;
        let mut sql = Sql::new(
            "insert into reform_plan_version (plan_id, version, title, clauses, published_at) values (",
        );
        sql.bind(plan_id)
            .push(",")
            .bind(version)
            .push(",")
            .bind(title)
            .push(",")
            .bind(json)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        self.defer(sql, [new_rows("reform_plan_version", [])]);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Notices to units (提醒 / 催办 / 督办通报, chases) and their written responses.

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoticeRow {
    pub id: i64,
    pub department_id: DepartmentId,
    pub kind: NoticeKind,
    /// `task:<id>` or `plan:<id>`.
    pub subject: String,
    /// The deadline or due date the notice is about.
    pub occasion: String,
    pub task_id: Option<TaskId>,
    pub plan_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub sent_on: NaiveDate,
    pub response_due: Option<NaiveDate>,
    pub response: String,
    pub responded_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

/// A notice as the sweep writes it.
#[derive(Debug, Clone)]
pub struct NewNotice<'a> {
    pub department_id: DepartmentId,
    pub kind: NoticeKind,
    pub subject: &'a str,
    pub occasion: &'a str,
    pub task_id: Option<TaskId>,
    pub plan_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
    pub sent_on: NaiveDate,
    pub response_due: Option<NaiveDate>,
}

const NOTICE_COLS: &str = "reform_notice_id, department_id, kind, subject, occasion, task_id, plan_id, title, body, sent_on, response_due, response, responded_at, created_at";

fn notice(r: &AnyRow) -> Result<NoticeRow> {
    Ok(NoticeRow {
        id: get_i64(r, "reform_notice_id")?,
        department_id: get_id(r, "department_id")?,
        kind: get_code(r, "reform_notice", "kind")?,
        subject: get_str(r, "subject")?,
        occasion: get_str(r, "occasion")?,
        task_id: get_opt_id(r, "task_id")?,
        plan_id: get_opt_i64(r, "plan_id")?,
        title: get_str(r, "title")?,
        body: get_str(r, "body")?,
        sent_on: get_date(r, "reform_notice", "sent_on")?,
        response_due: get_opt_date(r, "reform_notice", "response_due")?,
        response: get_str(r, "response")?,
        responded_at_ms: get_opt_i64(r, "responded_at")?,
        created_at_ms: get_i64(r, "created_at")?,
    })
}

impl Store {
    /// Notices, newest first: to one unit, or all of them.
    pub async fn reform_notices(
        &self,
        department_id: Option<DepartmentId>,
    ) -> Result<Vec<NoticeRow>> {
        let mut sql = Sql::new(&format!(
            "select {NOTICE_COLS} from reform_notice where 1 = 1"
        ));
        if let Some(d) = department_id {
            sql.push(" and department_id = ").bind(d);
        }
        sql.push(" order by reform_notice_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(notice).collect()
    }

    pub async fn get_notice(&self, id: i64) -> Result<NoticeRow> {
        let mut sql = Sql::new(&format!(
            "select {NOTICE_COLS} from reform_notice where reform_notice_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => notice(&r),
            None => Err(StoreError::not_found("reform_notice", id)),
        }
    }
}

impl WriteTx {
    /// Sends a notice; a second one for the same (kind, subject, unit, occasion) fails the
    /// transaction with a conflict on `reform_notice_kind_subject_department_id_occasion_key`.
    pub async fn insert_notice(&mut self, n: &NewNotice<'_>) -> Result<()> {
        let mut sql = Sql::new(&format!(
            "insert into reform_notice ({}) values (",
            &NOTICE_COLS["reform_notice_id, ".len()..]
        ));
        sql.bind(n.department_id)
            .push(",")
            .bind(n.kind.as_str())
            .push(",")
            .bind(n.subject)
            .push(",")
            .bind(n.occasion)
            .push(",")
            .bind(n.task_id)
            .push(",")
            .bind(n.plan_id)
            .push(",")
            .bind(n.title)
            .push(",")
            .bind(n.body)
            .push(",")
            .bind(n.sent_on)
            .push(",")
            .bind(n.response_due)
            .push(",'',null,")
            .bind(self.now_ms())
            .push(")");
        self.defer(sql, [new_rows("reform_notice", [])]);
        Ok(())
    }

    /// The unit's written response (once).
    pub async fn respond_notice(&mut self, id: i64, response: &str) -> Result<()> {
        let mut sql = Sql::new("update reform_notice set response = ");
        sql.bind(response)
            .push(", responded_at = ")
            .bind(self.now_ms())
            .push(", responded_by = ")
            .bind(self.ctx().actor_account_id)
            .push(" where responded_at is null and reform_notice_id = ")
            .bind(id);
        self.defer_guarded(sql, [row("reform_notice", id)]);
        Ok(())
    }
}

impl Store {
    /// The accounts holding a post in a unit: who reads the unit's notices.
    pub async fn accounts_in_department(
        &self,
        department_id: DepartmentId,
    ) -> Result<Vec<AccountId>> {
        let mut sql = Sql::new("select distinct account_id from post where department_id = ");
        sql.bind(department_id).push(" order by account_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(|r| get_id(r, "account_id")).collect()
    }
}

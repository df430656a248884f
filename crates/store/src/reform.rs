//! Reform-task supervision (督): plans, tasks with dependencies and milestones, and progress
//! reports. Plans and tasks are the reform office's records for the whole district, read by
//! every unit that works on them, so their reads take no scope; who may report on a task is
//! decided by the use case against the task's lead unit.

use crate::sql::Sql;
use crate::{get_i64, get_opt_i64, get_str, Result, Store, StoreError, WriteTx};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    /// Units report by this day of each month.
    pub report_day: i64,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaskRow {
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub category: String,
    pub requirement: String,
    pub result_form: String,
    /// ISO dates.
    pub start_date: String,
    pub deadline: String,
    pub lead_department_id: i64,
    pub owner: String,
    pub weight: i64,
    pub progress: i64,
    /// not_started | in_progress | completion_claimed | completed
    pub status: String,
    /// The part of the plan it belongs to.
    pub section: String,
    /// Cooperating units (配合单位), department codes separated by `；`.
    pub partners: String,
}

const TASK_COLS: &str = "reform_task_id, plan_id, parent_id, code, title, category, requirement, result_form, start_date, deadline, lead_department_id, owner, weight, progress, status, section, partners";

fn task(r: &AnyRow) -> Result<TaskRow> {
    Ok(TaskRow {
        id: get_i64(r, "reform_task_id")?,
        plan_id: get_i64(r, "plan_id")?,
        parent_id: get_opt_i64(r, "parent_id")?,
        code: get_str(r, "code")?,
        title: get_str(r, "title")?,
        category: get_str(r, "category")?,
        requirement: get_str(r, "requirement")?,
        result_form: get_str(r, "result_form")?,
        start_date: get_str(r, "start_date")?,
        deadline: get_str(r, "deadline")?,
        lead_department_id: get_i64(r, "lead_department_id")?,
        owner: get_str(r, "owner")?,
        weight: get_i64(r, "weight")?,
        progress: get_i64(r, "progress")?,
        status: get_str(r, "status")?,
        section: get_str(r, "section")?,
        partners: get_str(r, "partners")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MilestoneRow {
    pub id: i64,
    pub task_id: i64,
    pub title: String,
    pub due: String,
    pub done_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub task_id: i64,
    pub report_date: String,
    pub percent: i64,
    pub done_text: String,
    pub problems: String,
    pub account_id: Option<i64>,
}

/// A new task as the reform office plans it.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub code: &'a str,
    pub title: &'a str,
    pub category: &'a str,
    pub requirement: &'a str,
    pub result_form: &'a str,
    pub start_date: &'a str,
    pub deadline: &'a str,
    pub lead_department_id: i64,
    pub owner: &'a str,
    pub weight: i64,
    pub section: &'a str,
    pub partners: &'a str,
}

impl Store {
    /// Every plan, newest first.
    pub async fn list_plans(&self) -> Result<Vec<PlanRow>> {
        let rows = sqlx::query("select reform_plan_id, title, status, report_day, created_at from reform_plan order by reform_plan_id desc")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(PlanRow {
                    id: get_i64(r, "reform_plan_id")?,
                    title: get_str(r, "title")?,
                    status: get_str(r, "status")?,
                    report_day: get_i64(r, "report_day")?,
                    created_at_ms: get_i64(r, "created_at")?,
                })
            })
            .collect()
    }

    pub async fn get_plan(&self, id: i64) -> Result<PlanRow> {
        let mut sql = Sql::new("select reform_plan_id, title, status, report_day, created_at from reform_plan where reform_plan_id = ");
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => Ok(PlanRow {
                id: get_i64(&r, "reform_plan_id")?,
                title: get_str(&r, "title")?,
                status: get_str(&r, "status")?,
                report_day: get_i64(&r, "report_day")?,
                created_at_ms: get_i64(&r, "created_at")?,
            }),
            None => Err(StoreError::not_found("reform_plan", id)),
        }
    }

    pub async fn get_task(&self, id: i64) -> Result<TaskRow> {
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
    pub async fn plan_deps(&self, plan_id: i64) -> Result<Vec<(i64, i64)>> {
        let mut sql = Sql::new("select d.task_id, d.depends_on_id from reform_task_dep d join reform_task t on t.reform_task_id = d.task_id where t.plan_id = ");
        sql.bind(plan_id)
            .push(" order by d.task_id, d.depends_on_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| Ok((get_i64(r, "task_id")?, get_i64(r, "depends_on_id")?)))
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
                    task_id: get_i64(r, "task_id")?,
                    title: get_str(r, "title")?,
                    due: get_str(r, "due")?,
                    done_at_ms: get_opt_i64(r, "done_at")?,
                })
            })
            .collect()
    }

    /// Every progress report on a plan's tasks, oldest first.
    pub async fn plan_reports(&self, plan_id: i64) -> Result<Vec<ReportRow>> {
        let mut sql = Sql::new("select r.reform_report_id, r.task_id, r.report_date, r.percent, r.done_text, r.problems, r.account_id from reform_report r join reform_task t on t.reform_task_id = r.task_id where t.plan_id = ");
        sql.bind(plan_id)
            .push(" order by r.report_date, r.reform_report_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(ReportRow {
                    id: get_i64(r, "reform_report_id")?,
                    task_id: get_i64(r, "task_id")?,
                    report_date: get_str(r, "report_date")?,
                    percent: get_i64(r, "percent")?,
                    done_text: get_str(r, "done_text")?,
                    problems: get_str(r, "problems")?,
                    account_id: get_opt_i64(r, "account_id")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    pub async fn insert_plan(&mut self, title: &str, status: &str, report_day: i64) -> Result<i64> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into reform_plan (title, status, report_day, created_at, updated_at) values (",
        );
        sql.bind(title)
            .push(",")
            .bind(status)
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

    pub async fn insert_task(&mut self, t: &NewTask<'_>) -> Result<i64> {
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
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning reform_task_id");
        get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "reform_task_id",
        )
    }

    pub async fn insert_task_dep(&mut self, task_id: i64, depends_on_id: i64) -> Result<()> {
        let mut sql = Sql::new("insert into reform_task_dep (task_id, depends_on_id) values (");
        sql.bind(task_id).push(",").bind(depends_on_id).push(")");
        self.defer(sql);
        Ok(())
    }

    /// Adds a milestone, met at `done_at_ms` when given.
    pub async fn insert_milestone(
        &mut self,
        task_id: i64,
        title: &str,
        due: &str,
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
        self.defer(sql);
        Ok(())
    }

    pub async fn insert_report(
        &mut self,
        task_id: i64,
        report_date: &str,
        percent: i64,
        done_text: &str,
        problems: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("insert into reform_report (task_id, report_date, percent, done_text, problems, account_id, created_at) values (");
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
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        self.defer(sql);
        Ok(())
    }

    /// Sets a task's progress and status if it is still in `from_status` (a concurrent
    /// confirmation or claim fails the transaction).
    pub async fn set_task_progress(
        &mut self,
        id: i64,
        from_status: &str,
        progress: i64,
        status: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update reform_task set progress = ");
        sql.bind(progress)
            .push(", status = ")
            .bind(status)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where reform_task_id = ")
            .bind(id)
            .push(" and status = ")
            .bind(from_status);
        self.defer_guarded(sql);
        Ok(())
    }
}

/// One unit's acceptance of its part of a task.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AcceptanceRow {
    pub id: i64,
    pub task_id: i64,
    pub department_id: i64,
    /// lead | partner
    pub role: String,
    /// ISO date it must be accepted by.
    pub due: String,
    pub accepted_on: Option<String>,
    pub disputed_at_ms: Option<i64>,
    pub reason: String,
    pub resolution: String,
    pub resolved_at_ms: Option<i64>,
}

const ACC_COLS: &str = "a.reform_acceptance_id, a.task_id, a.department_id, a.role, a.due, a.accepted_on, a.disputed_at, a.reason, a.resolution, a.resolved_at";

fn acceptance(r: &AnyRow) -> Result<AcceptanceRow> {
    Ok(AcceptanceRow {
        id: get_i64(r, "reform_acceptance_id")?,
        task_id: get_i64(r, "task_id")?,
        department_id: get_i64(r, "department_id")?,
        role: get_str(r, "role")?,
        due: get_str(r, "due")?,
        accepted_on: crate::get_opt_str(r, "accepted_on")?,
        disputed_at_ms: get_opt_i64(r, "disputed_at")?,
        reason: get_str(r, "reason")?,
        resolution: get_str(r, "resolution")?,
        resolved_at_ms: get_opt_i64(r, "resolved_at")?,
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
        task_id: i64,
        department_id: i64,
        role: &str,
        due: &str,
        answered: Option<(Option<&str>, &str, i64)>,
    ) -> Result<()> {
        let now = self.now_ms();
        let (accepted_on, disputed_at, reason) = match answered {
            None => (None, None, ""),
            Some((Some(on), _, _)) => (Some(on), None, ""),
            Some((None, reason, at)) => (None, Some(at), reason),
        };
        let mut sql = Sql::new("insert into reform_acceptance (task_id, department_id, role, due, accepted_on, disputed_at, reason, created_at) values (");
        sql.bind(task_id)
            .push(",")
            .bind(department_id)
            .push(",")
            .bind(role)
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
        self.defer(sql);
        Ok(())
    }

    /// The unit accepts (`accepted_on`) or disputes (with `reason`) its part; only once, and
    /// not after a dispute (the office's resolution decides then).
    pub async fn answer_acceptance(
        &mut self,
        id: i64,
        accepted_on: Option<&str>,
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
        self.defer_guarded(sql);
        Ok(())
    }

    /// The reform office resolves a coordination case: the part goes to `department_id`,
    /// which is bound by it (accepted on `today`).
    pub async fn resolve_acceptance(
        &mut self,
        id: i64,
        department_id: i64,
        resolution: &str,
        today: &str,
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
        self.defer_guarded(sql);
        Ok(())
    }

    /// Moves a task to another lead unit (a coordination case resolved that way).
    pub async fn set_task_lead(&mut self, task_id: i64, department_id: i64) -> Result<()> {
        let mut sql = Sql::new("update reform_task set lead_department_id = ");
        sql.bind(department_id)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where reform_task_id = ")
            .bind(task_id);
        self.defer(sql);
        Ok(())
    }
}

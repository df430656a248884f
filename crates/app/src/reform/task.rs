//! Reform-task supervision (督): the reform office plans tasks with lead units, deadlines,
//! dependencies and milestones; lead units report progress and claim completion; the office
//! confirms it. Every task's status light is computed on read by `domain::reform::light` from
//! the calendar, so a light is the same on every page and in every export.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use chrono::{Datelike, NaiveDate};
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::DepartmentId;
use fgf_domain::reform::plan::PlanStatus;
use fgf_domain::reform::TaskId;
use fgf_domain::reform::{self, Light, LightRules, LightVerdict, TaskFacts, TaskStatus, UnitRole};
use fgf_store::reform::{NewTask, TaskRow};
use fgf_store::{Scope, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

/// The categories of reform tasks (改革类别).
pub const CATEGORIES: [&str; 7] = [
    "经济体制",
    "社会事业",
    "生态文明",
    "文化体制",
    "放管服",
    "机构改革",
    "其他",
];

#[derive(Debug, Clone, Deserialize)]
pub struct PlanInput {
    pub title: String,
    /// The day of the month units report by (1–28).
    #[serde(default = "default_report_day")]
    pub report_day: i64,
}

fn default_report_day() -> i64 {
    25
}

#[derive(Debug, Clone, Deserialize)]
pub struct MilestoneInput {
    pub title: String,
    pub due: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TaskInput {
    pub code: String,
    #[serde(default)]
    pub parent_code: Option<String>,
    pub title: String,
    pub category: String,
    #[serde(default)]
    pub requirement: String,
    #[serde(default)]
    pub result_form: String,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    /// The lead unit (牵头单位), by department code.
    pub lead: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default = "one")]
    pub weight: i64,
    /// Codes of the tasks this one waits for.
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default)]
    pub milestones: Vec<MilestoneInput>,
    /// The part of the plan it belongs to.
    #[serde(default)]
    pub section: String,
    /// Cooperating units (配合单位): a department code, or `{"unit", "part"}` with the unit's
    /// share of the work.
    #[serde(default)]
    pub partners: Vec<PartnerInput>,
    /// The number of the plan clause it comes from.
    #[serde(default)]
    pub clause: String,
}

fn one() -> i64 {
    1
}

/// A cooperating unit of a task, with its part when the office states it.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PartnerInput {
    Code(String),
    Part {
        unit: String,
        #[serde(default)]
        part: String,
    },
}

impl PartnerInput {
    pub fn unit(&self) -> &str {
        match self {
            PartnerInput::Code(c) | PartnerInput::Part { unit: c, .. } => c.trim(),
        }
    }

    pub fn part(&self) -> &str {
        match self {
            PartnerInput::Code(_) => "",
            PartnerInput::Part { part, .. } => part.trim(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportInput {
    pub percent: i64,
    pub done: String,
    #[serde(default)]
    pub problems: String,
    /// The lead unit claims completion with this report (申报完成).
    #[serde(default)]
    pub claim_completion: bool,
    /// Evidence files (佐证材料), uploaded first, by content hash.
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A task on the board: the row, its light and why, its dependencies and its roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub task: TaskRow,
    pub lead: String,
    pub light: Light,
    pub reasons: Vec<String>,
    /// The same reasons as data, for pages in another language.
    pub reason_list: Vec<reform::LightReason>,
    pub depends_on: Vec<String>,
    /// Progress rolled up from the subtasks (the task's own for a task without any).
    pub progress: u8,
    pub last_report: Option<NaiveDate>,
}

/// The due date of the oldest report not received: the report day of the latest month whose
/// report day has passed since the task started, when no report came on or after the
/// previous report day. A unit reports monthly by `report_day`.
pub(crate) fn report_due(
    start: NaiveDate,
    today: NaiveDate,
    report_day: u32,
    last: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let day = report_day.clamp(1, 28);
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), day)?;
    let due = if this_month < today {
        this_month
    } else {
        let prev = this_month.checked_sub_months(chrono::Months::new(1))?;
        if prev < today {
            prev
        } else {
            return None;
        }
    };
    if due <= start {
        return None;
    }
    let window_start = due.checked_sub_months(chrono::Months::new(1))?;
    match last {
        Some(l) if l > window_start => None,
        _ => Some(due),
    }
}

impl UseCases<'_> {
    pub(crate) fn today(self) -> NaiveDate {
        crate::clock::local_date(self.now_ms())
    }

    /// The reform office opens a plan (实施方案) to hold tasks.
    pub async fn create_plan(self, actor: &Actor, input: &PlanInput) -> ServiceResult<i64> {
        actor.scope(Permission::ReformManage)?;
        if input.title.trim().is_empty() {
            return Err(ServiceError::field(
                "invalid_field",
                "title",
                "缺少方案名称",
            ));
        }
        crate::text::check_title("title", input.title.trim())?;
        if !(1..=28).contains(&input.report_day) {
            return Err(ServiceError::field(
                "invalid_field",
                "report_day",
                "报送日应为每月 1 至 28 日",
            ));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let id = tx
            .insert_plan(input.title.trim(), PlanStatus::Draft, input.report_day)
            .await?;
        tx.audit(
            "reform.plan_create",
            "reform_plan",
            &id.to_string(),
            &[FieldChange {
                field: "title".to_owned(),
                before: None,
                after: Some(json!(input.title.trim())),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The reform office adds a task. Its dependencies must be tasks of the plan and may not
    /// form a cycle; a dependency due after the task is allowed but answered as a warning.
    pub async fn add_task(
        &self,
        actor: &Actor,
        plan_id: i64,
        input: &TaskInput,
    ) -> ServiceResult<(TaskId, Vec<String>)> {
        actor.scope(Permission::ReformManage)?;
        self.store().get_plan(plan_id).await?;
        let code = input.code.trim();
        if code.is_empty() || code.chars().count() > 30 {
            return Err(ServiceError::field(
                "invalid_field",
                "code",
                "任务编号应为 1 至 30 个字符",
            ));
        }
        if input.title.trim().is_empty() {
            return Err(ServiceError::field(
                "invalid_field",
                "title",
                "缺少任务名称",
            ));
        }
        crate::text::check_title("title", input.title.trim())?;
        if !CATEGORIES.contains(&input.category.as_str()) {
            return Err(ServiceError::field(
                "invalid_field",
                "category",
                "改革类别不在规定范围内",
            ));
        }
        if input.deadline < input.start {
            return Err(ServiceError::field(
                "invalid_field",
                "deadline",
                "完成时限早于开始日期",
            ));
        }
        if let Some(m) = input
            .milestones
            .iter()
            .find(|m| m.due > input.deadline || m.due < input.start)
        {
            return Err(ServiceError::field(
                "invalid_field",
                "milestones",
                &format!("节点“{}”不在任务起止日期之内", m.title),
            ));
        }
        if !(0..=100).contains(&input.weight) {
            return Err(ServiceError::field(
                "invalid_field",
                "weight",
                "权重应为 0 至 100",
            ));
        }
        let lead = self
            .store()
            .find_department_by_code(&Scope::system("reform lead unit"), input.lead.trim())
            .await?
            .ok_or_else(|| ServiceError::field("invalid_field", "lead", "牵头单位编码不存在"))?;
        let tasks = self.store().plan_tasks(plan_id).await?;
        let by_code: HashMap<&str, &TaskRow> = tasks.iter().map(|t| (t.code.as_str(), t)).collect();
        let parent_id = match input
            .parent_code
            .as_deref()
            .filter(|p| !p.trim().is_empty())
        {
            Some(p) => Some(
                by_code
                    .get(p.trim())
                    .ok_or_else(|| {
                        ServiceError::field("invalid_field", "parent_code", "上级任务不存在")
                    })?
                    .id,
            ),
            None => None,
        };
        let mut deps = Vec::new();
        for d in &input.depends_on {
            let t = by_code.get(d.trim()).ok_or_else(|| {
                ServiceError::field(
                    "invalid_field",
                    "depends_on",
                    &format!("前置任务“{d}”不存在"),
                )
            })?;
            deps.push(*t);
        }
        // A new task can only close a cycle through itself.
        let mut edges: Vec<(String, String)> = Vec::new();
        let names: HashMap<TaskId, &str> = tasks.iter().map(|t| (t.id, t.code.as_str())).collect();
        for (a, b) in self.store().plan_deps(plan_id).await? {
            edges.push((names[&a].to_owned(), names[&b].to_owned()));
        }
        edges.extend(deps.iter().map(|d| (code.to_owned(), d.code.clone())));
        if deps.iter().any(|d| d.code == code) {
            edges.push((code.to_owned(), code.to_owned()));
        }
        reform::check_acyclic(&edges)
            .map_err(|e| ServiceError::invalid("task_dependency_cycle").arg(e.message_zh()))?;
        let dep_dates: Vec<(String, NaiveDate)> =
            deps.iter().map(|d| (d.code.clone(), d.deadline)).collect();
        let warnings = reform::dependency_warnings(input.deadline, &dep_dates);
        let mut partner_ids: Vec<(DepartmentId, String)> = Vec::new();
        for p in &input.partners {
            let found = self
                .store()
                .find_department_by_code(&Scope::system("reform partner"), p.unit())
                .await?;
            match found {
                Some(d)
                    if p.unit() != input.lead.trim()
                        && !partner_ids.iter().any(|(id, _)| *id == d.id) =>
                {
                    partner_ids.push((d.id, p.part().to_owned()))
                }
                _ => {
                    return Err(ServiceError::field(
                        "invalid_field",
                        "partners",
                        &format!("配合单位“{}”不存在、重复或与牵头单位相同", p.unit()),
                    ))
                }
            }
        }
        let clause = input.clause.trim();
        if !clause.is_empty()
            && !self
                .store()
                .plan_clauses(plan_id)
                .await?
                .iter()
                .any(|c| c.number == clause)
        {
            return Err(ServiceError::field(
                "invalid_field",
                "clause",
                "方案中没有该条款",
            ));
        }
        let partners = input
            .partners
            .iter()
            .map(PartnerInput::unit)
            .collect::<Vec<_>>()
            .join("；");
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let id = tx
            .insert_task(&NewTask {
                plan_id,
                parent_id,
                code,
                title: input.title.trim(),
                category: &input.category,
                requirement: input.requirement.trim(),
                result_form: input.result_form.trim(),
                start_date: input.start,
                deadline: input.deadline,
                lead_department_id: lead.id,
                owner: input.owner.trim(),
                weight: input.weight,
                section: input.section.trim(),
                partners: &partners,
                clause: input.clause.trim(),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => ServiceError::conflict("task_code_taken"),
                other => other.into(),
            })?;
        for d in &deps {
            tx.insert_task_dep(id, d.id).await?;
        }
        self.open_acceptances(&mut tx, id, lead.id, &partner_ids)
            .await?;
        for m in &input.milestones {
            tx.insert_milestone(id, m.title.trim(), m.due, None).await?;
        }
        tx.audit("reform.task_add", "reform_task", &id.to_string(), &[FieldChange {
            field: "task".to_owned(),
            before: None,
            after: Some(json!({ "code": code, "title": input.title.trim(), "deadline": input.deadline, "lead": lead.code, "depends_on": input.depends_on, "warnings": warnings })),
        }])
        .await?;
        tx.commit().await?;
        Ok((id, warnings))
    }

    /// The lead unit reports progress on its task (and may claim completion, which needs
    /// every dependency completed).
    pub async fn report_progress(
        &self,
        actor: &Actor,
        task_id: TaskId,
        input: &ReportInput,
    ) -> ServiceResult<()> {
        let scope = actor.scope(Permission::Workbench)?;
        let t = self.store().get_task(task_id).await?;
        // Only the lead unit reports: outside its scope the task is not found.
        self.store()
            .get_department(&scope, t.lead_department_id)
            .await?;
        if !(0..=100).contains(&input.percent) {
            return Err(ServiceError::field(
                "invalid_field",
                "percent",
                "进度应为 0 至 100",
            ));
        }
        if input.done.trim().is_empty() {
            return Err(ServiceError::field(
                "invalid_field",
                "done",
                "请写明本期完成情况",
            ));
        }
        if input.evidence.len() > 20 {
            return Err(ServiceError::field(
                "invalid_field",
                "evidence",
                "佐证材料不超过 20 个",
            ));
        }
        for h in &input.evidence {
            if self.store().find_file(h).await?.is_none() {
                return Err(ServiceError::field(
                    "invalid_field",
                    "evidence",
                    "佐证材料不存在，请先上传",
                ));
            }
        }
        if input.claim_completion && input.evidence.is_empty() {
            return Err(ServiceError::field(
                "invalid_field",
                "evidence",
                "申报完成须附佐证材料",
            ));
        }
        let status = t.status;
        if status == TaskStatus::Completed {
            return Err(ServiceError::conflict("task_completed"));
        }
        if input.claim_completion {
            let tasks = self.store().plan_tasks(t.plan_id).await?;
            let deps: Vec<(String, TaskStatus)> = self
                .store()
                .plan_deps(t.plan_id)
                .await?
                .into_iter()
                .filter(|(a, _)| *a == t.id)
                .filter_map(|(_, b)| {
                    tasks
                        .iter()
                        .find(|x| x.id == b)
                        .map(|x| (x.title.clone(), x.status))
                })
                .collect();
            reform::check_completion_allowed(&t.title, &deps)
                .map_err(|e| ServiceError::invalid("task_dependency_open").arg(e.message_zh()))?;
        }
        let next = if input.claim_completion {
            TaskStatus::CompletionClaimed
        } else {
            TaskStatus::InProgress
        };
        let percent = if input.claim_completion {
            100
        } else {
            input.percent
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.insert_report(
            task_id,
            self.today(),
            percent,
            input.done.trim(),
            input.problems.trim(),
            &input.evidence,
        )
        .await?;
        tx.set_task_progress(task_id, t.status, percent, next)
            .await?;
        tx.audit(
            "reform.progress_report",
            "reform_task",
            &task_id.to_string(),
            &[FieldChange {
                field: "progress".to_owned(),
                before: Some(json!({ "progress": t.progress, "status": t.status })),
                after: Some(json!({ "progress": percent, "status": next })),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("task_changed"),
            other => other.into(),
        })?;
        Ok(())
    }

    /// The reform office confirms a claimed completion, or sends it back.
    pub async fn confirm_completion(
        &self,
        actor: &Actor,
        task_id: TaskId,
        confirm: bool,
        comment: &str,
    ) -> ServiceResult<()> {
        actor.scope(Permission::ReformManage)?;
        let t = self.store().get_task(task_id).await?;
        if t.status != TaskStatus::CompletionClaimed {
            return Err(ServiceError::conflict("task_not_claimed"));
        }
        if !confirm && comment.trim().is_empty() {
            return Err(ServiceError::invalid("review_comment_required"));
        }
        let (status, progress) = if confirm {
            (TaskStatus::Completed, 100)
        } else {
            (TaskStatus::InProgress, t.progress.min(99))
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.set_task_progress(task_id, TaskStatus::CompletionClaimed, progress, status)
            .await?;
        if confirm {
            tx.set_task_completed_on(task_id, Some(self.today()))
                .await?;
        }
        tx.audit(
            if confirm {
                "reform.completion_confirm"
            } else {
                "reform.completion_return"
            },
            "reform_task",
            &task_id.to_string(),
            &[FieldChange {
                field: "status".to_owned(),
                before: Some(json!(TaskStatus::CompletionClaimed)),
                after: Some(json!({ "status": status, "comment": comment.trim() })),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One task's progress reports, newest first: the board is open to every desk, and so
    /// is what was reported on it.
    pub async fn task_reports(
        &self,
        actor: &Actor,
        task_id: TaskId,
        page: fgf_store::Page,
    ) -> ServiceResult<fgf_store::Paged<fgf_store::reform::ReportRow>> {
        actor.scope(Permission::Workbench)?;
        self.store().get_task(task_id).await?;
        let all = self.store().task_reports(task_id).await?;
        Ok(fgf_store::Paged::of_all(all, page))
    }

    /// One task as stored; tasks, like their plans, are district documents every desk reads.
    pub async fn reform_task(self, actor: &Actor, task_id: TaskId) -> ServiceResult<TaskRow> {
        actor.scope(Permission::Workbench)?;
        Ok(self.store().get_task(task_id).await?)
    }

    /// The parts of tasks (任务分工) asking the caller's unit to accept them, answered or not.
    pub async fn unit_acceptances(
        self,
        actor: &Actor,
    ) -> ServiceResult<Vec<fgf_store::reform::AcceptanceRow>> {
        let dept = super::plan::acting_unit(actor)?;
        Ok(self
            .store()
            .acceptances(None)
            .await?
            .into_iter()
            .filter(|a| a.department_id == dept)
            .collect())
    }

    /// The plan's board: every task with its light on `today`, its reasons, its dependencies
    /// and the roll-up of its subtasks (a parent's light is its children's worst).
    pub async fn plan_board(self, actor: &Actor, plan_id: i64) -> ServiceResult<Vec<TaskView>> {
        actor.scope(Permission::Workbench)?;
        self.compute_board(plan_id).await
    }

    /// The board without a caller (the sweep, the demo and the bulletin use it).
    pub(crate) async fn compute_board(self, plan_id: i64) -> ServiceResult<Vec<TaskView>> {
        let plan = self.store().get_plan(plan_id).await?;
        let tasks = self.store().plan_tasks(plan_id).await?;
        let deps = self.store().plan_deps(plan_id).await?;
        let milestones = self.store().plan_milestones(plan_id).await?;
        let reports = self.store().plan_reports(plan_id).await?;
        let names: HashMap<DepartmentId, String> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let cal = self.calendar();
        let today = self.today();
        let rules = LightRules::default();
        let mut own: HashMap<TaskId, (LightVerdict, Option<NaiveDate>)> = HashMap::new();
        for t in &tasks {
            let last = reports
                .iter()
                .filter(|r| r.task_id == t.id)
                .map(|r| r.report_date)
                .max();
            let start = t.start_date;
            let facts = TaskFacts {
                start,
                deadline: t.deadline,
                milestones: milestones
                    .iter()
                    .filter(|m| m.task_id == t.id)
                    .map(|m| (m.due, m.done_at_ms.is_some()))
                    .collect(),
                progress_pct: u8::try_from(t.progress.clamp(0, 100)).unwrap_or(0),
                status: t.status,
                last_report: last,
                report_due: report_due(
                    start,
                    today,
                    u32::try_from(plan.report_day).unwrap_or(25),
                    last,
                ),
            };
            own.insert(t.id, (reform::light(&facts, today, &cal, &rules), last));
        }
        // Parents take their children's roll-up, deepest first.
        let mut rolled: HashMap<TaskId, (Light, u8)> = HashMap::new();
        fn resolve(
            id: TaskId,
            tasks: &[TaskRow],
            own: &HashMap<TaskId, (LightVerdict, Option<NaiveDate>)>,
            rolled: &mut HashMap<TaskId, (Light, u8)>,
        ) -> (Light, u8) {
            if let Some(r) = rolled.get(&id) {
                return *r;
            }
            let children: Vec<&TaskRow> =
                tasks.iter().filter(|t| t.parent_id == Some(id)).collect();
            let me = tasks.iter().find(|t| t.id == id);
            let r = if children.is_empty() {
                (
                    own.get(&id).map_or(Light::Green, |(v, _)| v.light),
                    me.map_or(0, |t| u8::try_from(t.progress.clamp(0, 100)).unwrap_or(0)),
                )
            } else {
                let parts: Vec<(Light, u8, u32)> = children
                    .iter()
                    .map(|c| {
                        let (l, p) = resolve(c.id, tasks, own, rolled);
                        (l, p, u32::try_from(c.weight.max(0)).unwrap_or(0))
                    })
                    .collect();
                let lights: Vec<Light> = parts.iter().map(|(l, _, _)| *l).collect();
                let weighted: Vec<(u32, u8)> = parts.iter().map(|(_, p, w)| (*w, *p)).collect();
                (reform::parent_light(&lights), reform::roll_up(&weighted))
            };
            rolled.insert(id, r);
            r
        }
        let mut out = Vec::with_capacity(tasks.len());
        for t in &tasks {
            let (light, progress) = resolve(t.id, &tasks, &own, &mut rolled);
            let (verdict, last) = &own[&t.id];
            let has_children = tasks.iter().any(|c| c.parent_id == Some(t.id));
            out.push(TaskView {
                lead: names
                    .get(&t.lead_department_id)
                    .cloned()
                    .unwrap_or_default(),
                light,
                reasons: if has_children {
                    Vec::new()
                } else {
                    verdict.reasons.iter().map(|r| r.message_zh()).collect()
                },
                reason_list: if has_children {
                    Vec::new()
                } else {
                    verdict.reasons.clone()
                },
                depends_on: deps
                    .iter()
                    .filter(|(a, _)| *a == t.id)
                    .filter_map(|(_, b)| tasks.iter().find(|x| x.id == *b).map(|x| x.code.clone()))
                    .collect(),
                progress,
                last_report: *last,
                task: t.clone(),
            });
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Acceptance of responsibility (责任确认) and coordination cases (协调事项)

/// Working days a unit has to accept its part of a new task.
pub const ACCEPTANCE_WORKDAYS: u32 = 5;

#[derive(Debug, Clone, Deserialize)]
pub struct AcceptanceInput {
    pub accept: bool,
    /// Why the part does not belong to the unit (a dispute needs one).
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ResolutionInput {
    pub resolution: String,
    /// The unit that takes the part (department code); it is bound by the resolution.
    pub assign_to: String,
}

/// A part not accepted in time, or disputed: what the reform office must settle.
#[derive(Debug, Clone, Serialize)]
pub struct CoordinationCase {
    pub id: i64,
    pub task_id: TaskId,
    pub task_code: String,
    pub task_title: String,
    pub unit: String,
    pub role: UnitRole,
    /// timed_out | disputed
    pub outcome: reform::AcceptanceOutcome,
    /// The unit's reason for a dispute; for a timeout, the due date it let pass.
    pub reason: String,
    pub due: NaiveDate,
    /// Calendar days the case has been open.
    pub age_days: i64,
}

impl UseCases<'_> {
    /// Opens the acceptances of a new task: its lead and each cooperating unit.
    pub(crate) async fn open_acceptances(
        &self,
        tx: &mut fgf_store::WriteTx,
        task_id: TaskId,
        lead: DepartmentId,
        partners: &[(DepartmentId, String)],
    ) -> ServiceResult<()> {
        let due = reform::acceptance_due(self.today(), ACCEPTANCE_WORKDAYS, &self.calendar());
        tx.insert_acceptance(task_id, lead, UnitRole::Lead, "", due, None)
            .await?;
        for (p, part) in partners {
            tx.insert_acceptance(task_id, *p, UnitRole::Partner, part, due, None)
                .await?;
        }
        Ok(())
    }

    /// A unit accepts its part of a task, or disputes it ("不属于我单位职责") with a reason.
    /// The unit is the department the caller acts for.
    pub async fn answer_part(
        &self,
        actor: &Actor,
        task_id: TaskId,
        input: &AcceptanceInput,
    ) -> ServiceResult<()> {
        actor.scope(Permission::Workbench)?;
        let dept = actor
            .department_id
            .ok_or_else(|| ServiceError::forbidden("permission_denied").arg("责任确认"))?;
        let acc = self
            .store()
            .acceptances(None)
            .await?
            .into_iter()
            .find(|a| a.task_id == task_id && a.department_id == dept)
            .ok_or_else(|| {
                ServiceError::not_found("not_found")
                    .arg("reform_acceptance")
                    .arg(task_id)
            })?;
        if !input.accept && input.reason.trim().is_empty() {
            return Err(ServiceError::field(
                "invalid_field",
                "reason",
                "提出异议须说明理由",
            ));
        }
        if acc.accepted_on.is_some() || acc.disputed_at_ms.is_some() {
            return Err(ServiceError::conflict("part_already_answered"));
        }
        let today = self.today();
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.answer_acceptance(acc.id, input.accept.then_some(today), input.reason.trim())
            .await?;
        tx.audit(
            if input.accept { "reform.part_accept" } else { "reform.part_dispute" },
            "reform_task",
            &task_id.to_string(),
            &[FieldChange {
                field: "acceptance".to_owned(),
                before: None,
                after: Some(json!({ "department_id": dept, "role": acc.role, "accept": input.accept, "reason": input.reason.trim() })),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("part_already_answered"),
            other => other.into(),
        })?;
        Ok(())
    }

    /// The open coordination cases, oldest first: where 推诿 becomes visible.
    pub async fn coordination_cases(self, actor: &Actor) -> ServiceResult<Vec<CoordinationCase>> {
        actor.scope(Permission::Workbench)?;
        self.compute_cases().await
    }

    pub(crate) async fn compute_cases(self) -> ServiceResult<Vec<CoordinationCase>> {
        let today = self.today();
        let names: HashMap<DepartmentId, String> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let mut out = Vec::new();
        for a in self.store().acceptances(None).await? {
            if a.resolved_at_ms.is_some() {
                continue;
            }
            let (due, accepted) = (a.due, a.accepted_on);
            let outcome =
                reform::acceptance_outcome(accepted, a.disputed_at_ms.is_some(), due, today);
            if !outcome.needs_coordination() {
                continue;
            }
            let t = self.store().get_task(a.task_id).await?;
            let since = match a.disputed_at_ms {
                Some(ms) => crate::clock::local_date(ms),
                None => due,
            };
            out.push(CoordinationCase {
                id: a.id,
                task_id: t.id,
                task_code: t.code,
                task_title: t.title,
                unit: names.get(&a.department_id).cloned().unwrap_or_default(),
                role: a.role,
                outcome,
                reason: if a.reason.is_empty() {
                    format!("逾期未确认（应于{}前确认）", a.due)
                } else {
                    a.reason
                },
                due: a.due,
                age_days: (today - since).num_days().max(0),
            });
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.age_days));
        Ok(out)
    }

    /// The reform office settles a case: the part goes to the unit it names, which is bound
    /// by the decision (a lead part moves the task's lead unit).
    pub async fn resolve_case(
        &self,
        actor: &Actor,
        id: i64,
        input: &ResolutionInput,
    ) -> ServiceResult<()> {
        actor.scope(Permission::ReformManage)?;
        if input.resolution.trim().is_empty() {
            return Err(ServiceError::field(
                "invalid_field",
                "resolution",
                "请写明协调意见",
            ));
        }
        let a = self.store().get_acceptance(id).await?;
        if a.resolved_at_ms.is_some() {
            return Err(ServiceError::conflict("case_resolved"));
        }
        let to = self
            .store()
            .find_department_by_code(&Scope::system("coordination"), input.assign_to.trim())
            .await?
            .ok_or_else(|| {
                ServiceError::field("invalid_field", "assign_to", "承担单位编码不存在")
            })?;
        if to.id != a.department_id
            && self
                .store()
                .acceptances(None)
                .await?
                .iter()
                .any(|x| x.task_id == a.task_id && x.department_id == to.id)
        {
            return Err(ServiceError::conflict("unit_has_part"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.resolve_acceptance(id, to.id, input.resolution.trim(), self.today())
            .await?;
        if a.role == UnitRole::Lead && to.id != a.department_id {
            tx.set_task_lead(a.task_id, to.id).await?;
        }
        tx.audit(
            "reform.case_resolve",
            "reform_task",
            &a.task_id.to_string(),
            &[FieldChange {
                field: "coordination".to_owned(),
                before: Some(json!({ "department_id": a.department_id, "reason": a.reason })),
                after: Some(
                    json!({ "department_id": to.id, "resolution": input.resolution.trim() }),
                ),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("case_resolved"),
            other => other.into(),
        })?;
        Ok(())
    }
}

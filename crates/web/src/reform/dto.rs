//! What the reform API takes and answers (see `base::dto` for the convention): plans and
//! their documents, tasks with status lights, notices, inspections, assessments, merits,
//! innovations and bulletins. Request bodies read by app input types are mirrored here for
//! the schema only.

use crate::base::dto::text_of;
use fgf_app::reform as app;
use fgf_store::reform as store;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use utoipa::ToSchema;

// ---- answers that name what was done ----

/// The id of what was created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TaskAdded {
    pub id: i64,
    /// Things to check (a deadline after a dependency's, …); the task was added anyway.
    pub warnings: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Reported {
    pub task_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Confirmed {
    pub task_id: i64,
    pub confirmed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PartAnswered {
    pub task_id: i64,
    pub accepted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Resolved {
    pub id: i64,
    pub resolved: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ClausesSaved {
    pub plan_id: i64,
    pub clauses: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Consulting {
    pub plan_id: i64,
    pub round: i64,
    /// Always `consultation`.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Replied {
    pub plan_id: i64,
    pub comments: usize,
    pub no_comment: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Disposed {
    pub comment_id: i64,
    pub disposition: String,
}

/// The plan's status after the step.
#[derive(Serialize, ToSchema)]
pub struct Stepped {
    pub plan_id: i64,
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Responded {
    pub id: i64,
    pub responded: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Clock {
    pub today: String,
    /// Days the demo clock runs ahead; null outside the demo district.
    pub offset_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Rectified {
    pub id: i64,
    pub rectified: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Verified {
    pub id: i64,
    pub accepted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct QualityScored {
    pub assessment_id: i64,
    pub task: String,
    pub score: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Published {
    pub assessment_id: i64,
    pub units: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Appealed {
    pub assessment_id: i64,
    pub appealed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Decided {
    pub assessment_id: i64,
    pub decided: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MeritRecorded {
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct InnovationReviewed {
    pub id: i64,
    pub published: bool,
}

// ---- plans and tasks ----

#[derive(Serialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    pub title: String,
    /// `draft`, `consultation`, `reviewed`, `submitted` or `approved`.
    pub status: String,
    pub report_day: i64,
    pub created_at_ms: i64,
    pub version: i64,
    pub published_at_ms: Option<i64>,
}

impl From<store::PlanRow> for Plan {
    fn from(p: store::PlanRow) -> Self {
        Plan {
            id: p.id,
            title: p.title,
            status: p.status.to_string(),
            report_day: p.report_day,
            created_at_ms: p.created_at_ms,
            version: p.version,
            published_at_ms: p.published_at_ms,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProgressReport {
    pub id: i64,
    pub task_id: i64,
    pub report_date: String,
    pub percent: i64,
    pub done_text: String,
    pub problems: String,
    pub account_id: Option<i64>,
    /// Content hashes of the evidence files.
    pub evidence: Vec<String>,
}

impl From<store::ReportRow> for ProgressReport {
    fn from(r: store::ReportRow) -> Self {
        ProgressReport {
            id: r.id,
            task_id: r.task_id.get(),
            report_date: r.report_date.to_string(),
            percent: r.percent,
            done_text: r.done_text,
            problems: r.problems,
            account_id: r.account_id.map(i64::from),
            evidence: r.evidence,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Task {
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub category: String,
    pub requirement: String,
    pub result_form: String,
    pub start_date: String,
    pub deadline: String,
    pub lead_department_id: i64,
    pub owner: String,
    pub weight: i64,
    pub progress: i64,
    pub status: String,
    pub section: String,
    pub partners: String,
    pub clause: String,
}

impl From<store::TaskRow> for Task {
    fn from(t: store::TaskRow) -> Self {
        Task {
            id: t.id.get(),
            plan_id: t.plan_id,
            parent_id: t.parent_id.map(i64::from),
            code: t.code,
            title: t.title,
            category: t.category,
            requirement: t.requirement,
            result_form: t.result_form,
            start_date: t.start_date.to_string(),
            deadline: t.deadline.to_string(),
            lead_department_id: t.lead_department_id.get(),
            owner: t.owner,
            weight: t.weight,
            progress: t.progress,
            status: t.status.to_string(),
            section: t.section,
            partners: t.partners,
            clause: t.clause,
        }
    }
}

/// Why a light is not green, tagged by `kind`: `overdue` (`days`), `milestone_missed`
/// (`date`), `behind` (`near`, `progress_pct`, `elapsed_workdays`, `planned_workdays`) or
/// `report_missing` (`due`).
#[derive(Serialize, ToSchema, Default)]
pub struct LightReason {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_pct: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_workdays: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_workdays: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}

impl From<&fgf_domain::reform::LightReason> for LightReason {
    fn from(r: &fgf_domain::reform::LightReason) -> Self {
        use fgf_domain::reform::LightReason as R;
        let kind = |k: &str| k.to_owned();
        match r {
            R::Overdue { days } => LightReason {
                kind: kind("overdue"),
                days: Some(*days),
                ..LightReason::default()
            },
            R::MilestoneMissed { date } => LightReason {
                kind: kind("milestone_missed"),
                date: Some(date.to_string()),
                ..LightReason::default()
            },
            R::Behind {
                near,
                progress_pct,
                elapsed_workdays,
                planned_workdays,
            } => LightReason {
                kind: kind("behind"),
                near: Some(near.to_string()),
                progress_pct: Some(*progress_pct),
                elapsed_workdays: Some(*elapsed_workdays),
                planned_workdays: Some(*planned_workdays),
                ..LightReason::default()
            },
            R::ReportMissing { due } => LightReason {
                kind: kind("report_missing"),
                due: Some(due.to_string()),
                ..LightReason::default()
            },
        }
    }
}

/// A task on the board with its status light (`green`, `yellow`, `red`, `done`).
#[derive(Serialize, ToSchema)]
pub struct TaskView {
    pub task: Task,
    pub lead: String,
    pub light: String,
    pub reasons: Vec<String>,
    pub reason_list: Vec<LightReason>,
    pub depends_on: Vec<String>,
    pub progress: u8,
    pub last_report: Option<String>,
}

impl From<app::TaskView> for TaskView {
    fn from(v: app::TaskView) -> Self {
        TaskView {
            task: v.task.into(),
            lead: v.lead,
            light: text_of(&v.light),
            reasons: v.reasons,
            reason_list: v.reason_list.iter().map(LightReason::from).collect(),
            depends_on: v.depends_on,
            progress: v.progress,
            last_report: v.last_report.map(|d| d.to_string()),
        }
    }
}

/// A part disputed or not accepted in time; `outcome` is `accepted`, `pending`,
/// `timed_out` or `disputed`.
#[derive(Serialize, ToSchema)]
pub struct CoordinationCase {
    pub id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub task_title: String,
    pub unit: String,
    pub role: String,
    pub outcome: String,
    pub reason: String,
    pub due: String,
    pub age_days: i64,
}

impl From<app::CoordinationCase> for CoordinationCase {
    fn from(c: app::CoordinationCase) -> Self {
        CoordinationCase {
            id: c.id,
            task_id: c.task_id.get(),
            task_code: c.task_code,
            task_title: c.task_title,
            unit: c.unit,
            role: c.role.to_string(),
            outcome: text_of(&c.outcome),
            reason: c.reason,
            due: c.due.to_string(),
            age_days: c.age_days,
        }
    }
}

// ---- the plan document ----

#[derive(Serialize, ToSchema)]
pub struct Clause {
    pub section: String,
    pub number: String,
    pub body: String,
}

impl From<fgf_domain::reform::plan::Clause> for Clause {
    fn from(c: fgf_domain::reform::plan::Clause) -> Self {
        Clause {
            section: c.section,
            number: c.number,
            body: c.body,
        }
    }
}

/// A unit asked for comments in a round.
#[derive(Serialize, ToSchema)]
pub struct Consultee {
    pub id: i64,
    pub plan_id: i64,
    pub round: i64,
    pub department_id: i64,
    pub due: String,
    pub replied_at_ms: Option<i64>,
    pub no_comment: bool,
    pub unit: String,
    pub unit_code: String,
    pub comments: usize,
}

impl From<app::plan::ConsulteeView> for Consultee {
    fn from(c: app::plan::ConsulteeView) -> Self {
        Consultee {
            id: c.row.id,
            plan_id: c.row.plan_id,
            round: c.row.round,
            department_id: c.row.department_id.get(),
            due: c.row.due.to_string(),
            replied_at_ms: c.row.replied_at_ms,
            no_comment: c.row.no_comment,
            unit: c.unit,
            unit_code: c.unit_code,
            comments: c.comments,
        }
    }
}

/// A unit's comment on a clause and its disposition (`adopted`, `partly`, `rejected`, or
/// null while undisposed).
#[derive(Serialize, ToSchema)]
pub struct Comment {
    pub id: i64,
    pub plan_id: i64,
    pub round: i64,
    pub department_id: i64,
    pub clause: String,
    pub body: String,
    pub created_at_ms: i64,
    pub disposition: Option<String>,
    pub disposition_reason: String,
    pub unit: String,
}

impl From<app::plan::CommentView> for Comment {
    fn from(c: app::plan::CommentView) -> Self {
        Comment {
            id: c.row.id,
            plan_id: c.row.plan_id,
            round: c.row.round,
            department_id: c.row.department_id.get(),
            clause: c.row.clause,
            body: c.row.body,
            created_at_ms: c.row.created_at_ms,
            disposition: c.row.disposition.map(|v| v.to_string()),
            disposition_reason: c.row.disposition_reason,
            unit: c.unit,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanEvent {
    pub id: i64,
    pub version: i64,
    pub kind: String,
    pub note: String,
    pub file_hash: Option<String>,
    pub account_id: Option<i64>,
    pub created_at_ms: i64,
    pub label: String,
}

impl From<app::plan::EventView> for PlanEvent {
    fn from(e: app::plan::EventView) -> Self {
        PlanEvent {
            id: e.row.id,
            version: e.row.version,
            kind: e.row.kind,
            note: e.row.note,
            file_hash: e.row.file_hash,
            account_id: e.row.account_id.map(i64::from),
            created_at_ms: e.row.created_at_ms,
            label: e.label,
        }
    }
}

/// A clause change between versions, tagged by `change`: `added` (`after`), `removed`
/// (`before`) or `changed` (both).
#[derive(Serialize, ToSchema)]
pub struct ClauseChange {
    pub change: String,
    pub number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl From<fgf_domain::reform::plan::ClauseChange> for ClauseChange {
    fn from(c: fgf_domain::reform::plan::ClauseChange) -> Self {
        use fgf_domain::reform::plan::ClauseChange as C;
        let (change, number, before, after) = match c {
            C::Added { number, after } => ("added", number, None, Some(after)),
            C::Removed { number, before } => ("removed", number, Some(before), None),
            C::Changed {
                number,
                before,
                after,
            } => ("changed", number, Some(before), Some(after)),
        };
        ClauseChange {
            change: change.to_owned(),
            number,
            before,
            after,
        }
    }
}

fn changes(c: Vec<fgf_domain::reform::plan::ClauseChange>) -> Vec<ClauseChange> {
    c.into_iter().map(ClauseChange::from).collect()
}

#[derive(Serialize, ToSchema)]
pub struct PlanDocument {
    pub plan: Plan,
    pub status: String,
    pub clauses: Vec<Clause>,
    pub round: i64,
    pub consultees: Vec<Consultee>,
    pub comments: Vec<Comment>,
    pub events: Vec<PlanEvent>,
    /// Published versions as `[version, published_at_ms]`.
    pub versions: Vec<Vec<i64>>,
    /// Changes since the last published version.
    pub changes: Vec<ClauseChange>,
    /// Clause number → the codes of the tasks that carry it out.
    pub tasks_by_clause: BTreeMap<String, Vec<String>>,
}

impl From<app::plan::PlanDocument> for PlanDocument {
    fn from(d: app::plan::PlanDocument) -> Self {
        PlanDocument {
            plan: d.plan.into(),
            status: text_of(&d.status),
            clauses: d.clauses.into_iter().map(Clause::from).collect(),
            round: d.round,
            consultees: d.consultees.into_iter().map(Consultee::from).collect(),
            comments: d.comments.into_iter().map(Comment::from).collect(),
            events: d.events.into_iter().map(PlanEvent::from).collect(),
            versions: d.versions.into_iter().map(|(v, at)| vec![v, at]).collect(),
            changes: changes(d.changes),
            tasks_by_clause: d.tasks_by_clause.into_iter().collect(),
        }
    }
}

/// 意见采纳情况: who replied and how the comments were disposed of.
#[derive(Serialize, ToSchema)]
pub struct ConsultationReport {
    pub plan_title: String,
    pub round: i64,
    pub due: Option<String>,
    pub units_asked: usize,
    pub units_replied: usize,
    pub units_no_comment: usize,
    pub units_silent: Vec<String>,
    pub adopted: usize,
    pub partly: usize,
    pub rejected: usize,
    pub undisposed: usize,
    pub comments: Vec<Comment>,
}

impl From<app::plan::ConsultationReport> for ConsultationReport {
    fn from(r: app::plan::ConsultationReport) -> Self {
        ConsultationReport {
            plan_title: r.plan_title,
            round: r.round,
            due: r.due.map(|v| v.to_string()),
            units_asked: r.units_asked,
            units_replied: r.units_replied,
            units_no_comment: r.units_no_comment,
            units_silent: r.units_silent,
            adopted: r.adopted,
            partly: r.partly,
            rejected: r.rejected,
            undisposed: r.undisposed,
            comments: r.comments.into_iter().map(Comment::from).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanDiff {
    pub from: i64,
    /// Null: the current text.
    pub to: Option<i64>,
    pub changes: Vec<ClauseChange>,
}

impl PlanDiff {
    pub fn new(from: i64, to: Option<i64>, c: Vec<fgf_domain::reform::plan::ClauseChange>) -> Self {
        PlanDiff {
            from,
            to,
            changes: changes(c),
        }
    }
}

// ---- notices ----

#[derive(Serialize, ToSchema)]
pub struct Notice {
    pub id: i64,
    pub department_id: i64,
    pub kind: String,
    pub subject: String,
    pub occasion: String,
    pub task_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub sent_on: String,
    pub response_due: Option<String>,
    pub response: String,
    pub responded_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub unit: String,
    pub kind_label: String,
    pub response_open: bool,
    pub response_late: bool,
}

impl From<app::notice::NoticeView> for Notice {
    fn from(v: app::notice::NoticeView) -> Self {
        let n = v.notice;
        Notice {
            id: n.id,
            department_id: n.department_id.get(),
            kind: n.kind.to_string(),
            subject: n.subject,
            occasion: n.occasion,
            task_id: n.task_id.map(i64::from),
            plan_id: n.plan_id,
            title: n.title,
            body: n.body,
            sent_on: n.sent_on.to_string(),
            response_due: n.response_due.map(|v| v.to_string()),
            response: n.response,
            responded_at_ms: n.responded_at_ms,
            created_at_ms: n.created_at_ms,
            unit: v.unit,
            kind_label: v.kind_label.to_owned(),
            response_open: v.response_open,
            response_late: v.response_late,
        }
    }
}

/// How many notices of each kind the sweep sent.
#[derive(Serialize, ToSchema)]
pub struct Sweep {
    pub reminders: usize,
    pub urges: usize,
    pub supervisions: usize,
    pub report_chases: usize,
    pub consultation_chases: usize,
}

impl From<app::notice::SweepSummary> for Sweep {
    fn from(s: app::notice::SweepSummary) -> Self {
        Sweep {
            reminders: s.reminders,
            urges: s.urges,
            supervisions: s.supervisions,
            report_chases: s.report_chases,
            consultation_chases: s.consultation_chases,
        }
    }
}

// ---- the dashboard and the reviews ----

#[derive(Serialize, ToSchema)]
pub struct Milestone {
    pub id: i64,
    pub task_id: i64,
    pub title: String,
    pub due: String,
    pub done_at_ms: Option<i64>,
}

impl From<store::MilestoneRow> for Milestone {
    fn from(m: store::MilestoneRow) -> Self {
        Milestone {
            id: m.id,
            task_id: m.task_id.get(),
            title: m.title,
            due: m.due.to_string(),
            done_at_ms: m.done_at_ms,
        }
    }
}

/// Completion of a category or a unit, with its score and rank once assessed.
#[derive(Serialize, ToSchema)]
pub struct Tally {
    pub name: String,
    pub total: usize,
    pub done: usize,
    pub red: usize,
    pub yellow: usize,
    pub max_overdue_days: i64,
    pub score: Option<f64>,
    pub rank: Option<i64>,
}

impl From<app::review::Tally> for Tally {
    fn from(t: app::review::Tally) -> Self {
        Tally {
            name: t.name,
            total: t.total,
            done: t.done,
            red: t.red,
            yellow: t.yellow,
            max_overdue_days: t.max_overdue_days,
            score: t.score,
            rank: t.rank,
        }
    }
}

/// A task on the red or yellow list, with its overdue working days.
#[derive(Serialize, ToSchema)]
pub struct Flagged {
    pub view: TaskView,
    pub overdue_days: i64,
}

impl From<app::review::Flagged> for Flagged {
    fn from(f: app::review::Flagged) -> Self {
        Flagged {
            view: f.view.into(),
            overdue_days: f.overdue_days,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Assessment {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub period_from: String,
    pub period_to: String,
    pub status: String,
    pub published_at_ms: Option<i64>,
    pub published_by: Option<i64>,
}

impl From<store::review::AssessmentRow> for Assessment {
    fn from(a: store::review::AssessmentRow) -> Self {
        Assessment {
            id: a.id,
            plan_id: a.plan_id,
            title: a.title,
            period_from: a.period_from.to_string(),
            period_to: a.period_to.to_string(),
            status: a.status.to_string(),
            published_at_ms: a.published_at_ms,
            published_by: a.published_by.map(i64::from),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    pub plan: Plan,
    pub today: String,
    pub board: Vec<TaskView>,
    pub milestones: Vec<Milestone>,
    pub by_category: Vec<Tally>,
    pub by_unit: Vec<Tally>,
    pub red: Vec<Flagged>,
    pub yellow: Vec<Flagged>,
    pub open_cases: usize,
    /// The latest published assessment, if any.
    pub assessment: Option<Assessment>,
}

fn all<S, T: From<S>>(v: Vec<S>) -> Vec<T> {
    v.into_iter().map(T::from).collect()
}

impl From<app::review::Dashboard> for Dashboard {
    fn from(d: app::review::Dashboard) -> Self {
        Dashboard {
            plan: d.plan.into(),
            today: d.today.to_string(),
            board: all(d.board),
            milestones: all(d.milestones),
            by_category: all(d.by_category),
            by_unit: all(d.by_unit),
            red: all(d.red),
            yellow: all(d.yellow),
            open_cases: d.open_cases,
            assessment: d.assessment.map(Assessment::from),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub held_on: String,
}

impl From<store::review::InspectionRow> for Inspection {
    fn from(i: store::review::InspectionRow) -> Self {
        Inspection {
            id: i.id,
            plan_id: i.plan_id,
            title: i.title,
            held_on: i.held_on.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Finding {
    pub id: i64,
    pub inspection_id: i64,
    pub held_on: String,
    pub plan_id: i64,
    pub task_id: i64,
    pub department_id: i64,
    pub finding: String,
    pub rectify_by: String,
    pub rectification: String,
    pub rectified_at_ms: Option<i64>,
    pub verified_at_ms: Option<i64>,
    pub unit: String,
    pub task: String,
    pub late: bool,
}

impl From<app::review::FindingView> for Finding {
    fn from(f: app::review::FindingView) -> Self {
        let r = f.row;
        Finding {
            id: r.id,
            inspection_id: r.inspection_id,
            held_on: r.held_on.to_string(),
            plan_id: r.plan_id,
            task_id: r.task_id.get(),
            department_id: r.department_id.get(),
            finding: r.finding,
            rectify_by: r.rectify_by.to_string(),
            rectification: r.rectification,
            rectified_at_ms: r.rectified_at_ms,
            verified_at_ms: r.verified_at_ms,
            unit: f.unit,
            task: f.task,
            late: f.late,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentRules {
    pub on_time_weight: f64,
    pub quality_weight: f64,
    pub reports_weight: f64,
    pub rectification_weight: f64,
    pub accountability_deduction: f64,
    pub accountability_cap: f64,
}

/// A unit's result; `facts` and `breakdown` are shown to the reform office and to the unit
/// itself only (null otherwise).
#[derive(Serialize, ToSchema)]
pub struct AssessmentResult {
    pub unit: String,
    pub unit_code: String,
    pub total: f64,
    pub rank: i64,
    pub facts: Option<Value>,
    pub breakdown: Option<Value>,
    pub appeal: String,
    pub appealed: bool,
    pub appeal_decision: String,
    pub decided: bool,
    pub decision_due: Option<String>,
    pub mine: bool,
}

impl From<app::review::ResultView> for AssessmentResult {
    fn from(r: app::review::ResultView) -> Self {
        AssessmentResult {
            unit: r.unit,
            unit_code: r.unit_code,
            total: r.total,
            rank: r.rank,
            facts: r.facts,
            breakdown: r.breakdown,
            appeal: r.appeal,
            appealed: r.appealed,
            appeal_decision: r.appeal_decision,
            decided: r.decided,
            decision_due: r.decision_due.map(|d| d.to_string()),
            mine: r.mine,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentView {
    pub assessment: Assessment,
    pub rules: AssessmentRules,
    pub results: Vec<AssessmentResult>,
    /// Quality scores as `[task code, score, note]`.
    pub quality: Vec<Vec<Value>>,
}

impl From<app::review::AssessmentView> for AssessmentView {
    fn from(v: app::review::AssessmentView) -> Self {
        let r = v.rules;
        AssessmentView {
            assessment: v.assessment.into(),
            rules: AssessmentRules {
                on_time_weight: r.on_time_weight,
                quality_weight: r.quality_weight,
                reports_weight: r.reports_weight,
                rectification_weight: r.rectification_weight,
                accountability_deduction: r.accountability_deduction,
                accountability_cap: r.accountability_cap,
            },
            results: all(v.results),
            quality: v
                .quality
                .into_iter()
                .map(|(task, score, note)| vec![json!(task), json!(score), json!(note)])
                .collect(),
        }
    }
}

/// A commendation or an accountability decision.
#[derive(Serialize, ToSchema)]
pub struct Merit {
    pub id: i64,
    pub kind: String,
    pub department_id: i64,
    pub person: String,
    pub category: String,
    pub reason: String,
    pub document_no: String,
    pub file_hash: Option<String>,
    pub decided_on: String,
    pub task_id: Option<i64>,
    pub unit: String,
}

impl From<app::review::MeritView> for Merit {
    fn from(m: app::review::MeritView) -> Self {
        let r = m.row;
        Merit {
            id: r.id,
            kind: r.kind.to_string(),
            department_id: r.department_id.get(),
            person: r.person,
            category: r.category,
            reason: r.reason,
            document_no: r.document_no,
            file_hash: r.file_hash,
            decided_on: r.decided_on.to_string(),
            task_id: r.task_id.map(i64::from),
            unit: m.unit,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Innovation {
    pub id: i64,
    pub department_id: i64,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub status: String,
    pub review_note: String,
    pub submitted_at_ms: i64,
    pub published_at_ms: Option<i64>,
    pub unit: String,
}

impl From<app::review::InnovationView> for Innovation {
    fn from(i: app::review::InnovationView) -> Self {
        let r = i.row;
        Innovation {
            id: r.id,
            department_id: r.department_id.get(),
            title: r.title,
            summary: r.summary,
            body: r.body,
            status: r.status.to_string(),
            review_note: r.review_note,
            submitted_at_ms: r.submitted_at_ms,
            published_at_ms: r.published_at_ms,
            unit: i.unit,
        }
    }
}

/// A bulletin as listed, without its content.
#[derive(Serialize, ToSchema)]
pub struct BulletinSummary {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub period_from: String,
    pub period_to: String,
    pub created_at_ms: i64,
}

impl From<store::review::BulletinRow> for BulletinSummary {
    fn from(b: store::review::BulletinRow) -> Self {
        BulletinSummary {
            id: b.id,
            plan_id: b.plan_id,
            title: b.title,
            period_from: b.period_from.to_string(),
            period_to: b.period_to.to_string(),
            created_at_ms: b.created_at_ms,
        }
    }
}

/// A bulletin as stored; `body` is its content as issued (see `BulletinContent`).
#[derive(Serialize, ToSchema)]
pub struct Bulletin {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub period_from: String,
    pub period_to: String,
    pub body: Value,
    pub created_at_ms: i64,
}

impl From<store::review::BulletinRow> for Bulletin {
    fn from(b: store::review::BulletinRow) -> Self {
        Bulletin {
            id: b.id,
            plan_id: b.plan_id,
            title: b.title,
            period_from: b.period_from.to_string(),
            period_to: b.period_to.to_string(),
            body: b.body,
            created_at_ms: b.created_at_ms,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BulletinItem {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub deadline: String,
    pub progress: u8,
    pub note: String,
}

impl From<app::review::BulletinItem> for BulletinItem {
    fn from(i: app::review::BulletinItem) -> Self {
        BulletinItem {
            code: i.code,
            title: i.title,
            unit: i.unit,
            deadline: i.deadline,
            progress: i.progress,
            note: i.note,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BulletinContent {
    pub plan_title: String,
    pub total: usize,
    pub completed_in_period: Vec<BulletinItem>,
    pub completed_total: usize,
    pub on_track: usize,
    pub behind: Vec<BulletinItem>,
    pub overdue: Vec<BulletinItem>,
    /// Units with overdue tasks as `[unit, count]`.
    pub units_overdue: Vec<Vec<Value>>,
    pub open_cases: usize,
}

impl From<app::review::BulletinBody> for BulletinContent {
    fn from(b: app::review::BulletinBody) -> Self {
        BulletinContent {
            plan_title: b.plan_title,
            total: b.total,
            completed_in_period: all(b.completed_in_period),
            completed_total: b.completed_total,
            on_track: b.on_track,
            behind: all(b.behind),
            overdue: all(b.overdue),
            units_overdue: b
                .units_overdue
                .into_iter()
                .map(|(unit, n)| vec![json!(unit), json!(n)])
                .collect(),
            open_cases: b.open_cases,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BulletinIssued {
    pub bulletin: Bulletin,
    pub content: BulletinContent,
}

// ---- request bodies read by app input types (schema only) ----

/// Mirrors `fgf_app::reform::PlanInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PlanBody {
    title: String,
    /// Day of the month progress is due (default 25).
    #[schema(required = false)]
    report_day: i64,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MilestoneBody {
    title: String,
    due: String,
}

/// A cooperating unit: its code, or `{unit, part}` when the office states its part.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum PartnerBody {
    Code(String),
    Part { unit: String, part: Option<String> },
}

/// Mirrors `fgf_app::reform::TaskInput`; dates are `YYYY-MM-DD`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaskBody {
    code: String,
    parent_code: Option<String>,
    title: String,
    category: String,
    #[schema(required = false)]
    requirement: String,
    #[schema(required = false)]
    result_form: String,
    start: String,
    deadline: String,
    /// The lead unit's department code.
    lead: String,
    #[schema(required = false)]
    owner: String,
    #[schema(required = false)]
    weight: i64,
    #[schema(required = false)]
    depends_on: Vec<String>,
    #[schema(required = false)]
    milestones: Vec<MilestoneBody>,
    #[schema(required = false)]
    section: String,
    #[schema(required = false)]
    partners: Vec<PartnerBody>,
    #[schema(required = false)]
    clause: String,
}

/// Mirrors `fgf_app::reform::ReportInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReportBody {
    percent: i64,
    done: String,
    #[schema(required = false)]
    problems: String,
    #[schema(required = false)]
    claim_completion: bool,
    /// Content hashes of uploaded files.
    #[schema(required = false)]
    evidence: Vec<String>,
}

/// Mirrors `fgf_app::reform::AcceptanceInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AcceptanceBody {
    accept: bool,
    #[schema(required = false)]
    reason: String,
}

/// Mirrors `fgf_app::reform::ResolutionInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ResolutionBody {
    resolution: String,
    assign_to: String,
}

/// Mirrors `fgf_app::reform::plan::ClausesInput`: `text` as typed, or `clauses`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ClausesBody {
    text: Option<String>,
    clauses: Option<Vec<Clause>>,
}

/// Mirrors `fgf_app::reform::plan::ConsultInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ConsultBody {
    units: Vec<String>,
    due: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CommentBody {
    clause: String,
    body: String,
}

/// Mirrors `fgf_app::reform::plan::ReplyInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReplyBody {
    #[schema(required = false)]
    comments: Vec<CommentBody>,
    #[schema(required = false)]
    no_comment: bool,
}

/// Mirrors `fgf_app::reform::plan::DispositionInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DispositionBody {
    /// `adopted`, `partly` or `rejected`.
    disposition: String,
    #[schema(required = false)]
    reason: String,
}

/// Mirrors `fgf_app::reform::plan::StepInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StepBody {
    /// `send_for_consultation`, `record_meeting`, `submit`, `approve`, `send_back` or `revise`.
    step: String,
    #[schema(required = false)]
    note: String,
    file: Option<String>,
}

/// Mirrors `fgf_app::reform::notice::ResponseInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ResponseBody {
    response: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FindingBody {
    /// The task's code.
    task: String,
    finding: String,
    rectify_by: String,
}

/// Mirrors `fgf_app::reform::review::InspectionInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct InspectionBody {
    title: String,
    held_on: String,
    findings: Vec<FindingBody>,
}

/// Mirrors `fgf_app::reform::review::AssessmentInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AssessmentBody {
    title: String,
    from: String,
    to: String,
}

/// Mirrors `fgf_app::reform::review::QualityInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct QualityBody {
    task: String,
    score: i64,
    #[schema(required = false)]
    note: String,
}

/// Mirrors `fgf_app::reform::review::MeritInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MeritBody {
    /// `commendation` or `accountability`.
    kind: String,
    unit: String,
    #[schema(required = false)]
    person: String,
    category: String,
    reason: String,
    document_no: String,
    file: Option<String>,
    decided_on: String,
    task_id: Option<i64>,
}

/// Mirrors `fgf_app::reform::review::InnovationInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct InnovationBody {
    title: String,
    summary: String,
    body: String,
}

/// Mirrors `fgf_app::reform::review::BulletinInput`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct BulletinBody {
    from: String,
    to: String,
}

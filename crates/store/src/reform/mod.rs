//! Reform-task supervision (督): plans, tasks with dependencies and milestones, and progress
//! reports. Plans and tasks are the reform office's records for the whole district, read by
//! every unit that works on them, so their reads take no scope; who may report on a task is
//! decided by the use case against the task's lead unit.

pub mod review;
mod task;

/// This part's tables in the backup, in an order that satisfies every foreign key on insert:
/// (table, order by, identity column to resynchronise on PostgreSQL).
pub const TABLES: crate::backup::Tables = &[
    ("reform_plan", "reform_plan_id", Some("reform_plan_id")),
    // A subtask is always inserted after its parent, so id order is parent first.
    ("reform_task", "reform_task_id", Some("reform_task_id")),
    ("reform_task_dep", "task_id, depends_on_id", None),
    (
        "reform_milestone",
        "reform_milestone_id",
        Some("reform_milestone_id"),
    ),
    (
        "reform_report",
        "reform_report_id",
        Some("reform_report_id"),
    ),
    (
        "reform_acceptance",
        "reform_acceptance_id",
        Some("reform_acceptance_id"),
    ),
    (
        "reform_clause",
        "reform_clause_id",
        Some("reform_clause_id"),
    ),
    (
        "reform_consultee",
        "reform_consultee_id",
        Some("reform_consultee_id"),
    ),
    (
        "reform_comment",
        "reform_comment_id",
        Some("reform_comment_id"),
    ),
    (
        "reform_plan_event",
        "reform_plan_event_id",
        Some("reform_plan_event_id"),
    ),
    ("reform_plan_version", "plan_id, version", None),
    (
        "reform_notice",
        "reform_notice_id",
        Some("reform_notice_id"),
    ),
    (
        "reform_inspection",
        "reform_inspection_id",
        Some("reform_inspection_id"),
    ),
    (
        "reform_finding",
        "reform_finding_id",
        Some("reform_finding_id"),
    ),
    (
        "reform_assessment",
        "reform_assessment_id",
        Some("reform_assessment_id"),
    ),
    ("reform_quality_score", "assessment_id, task_id", None),
    (
        "reform_assessment_result",
        "assessment_id, department_id",
        None,
    ),
    ("reform_merit", "reform_merit_id", Some("reform_merit_id")),
    (
        "reform_innovation",
        "reform_innovation_id",
        Some("reform_innovation_id"),
    ),
    (
        "reform_bulletin",
        "reform_bulletin_id",
        Some("reform_bulletin_id"),
    ),
];

pub use task::*;

//! What the process API takes and answers (see `base::dto` for the convention): definitions
//! with their check results, instances with deadlines and history, work items and the
//! designer's compile and deploy.

use fgf_app::clock::rfc3339;
use fgf_app::Lang;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A problem the BPMN check found: the element and what is wrong.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    pub element: String,
    pub message: String,
}

impl From<fgf_engine::Problem> for Problem {
    fn from(p: fgf_engine::Problem) -> Self {
        Problem {
            element: p.element,
            message: p.message,
        }
    }
}

fn problems(p: Vec<fgf_engine::Problem>) -> Vec<Problem> {
    p.into_iter().map(Problem::from).collect()
}

#[derive(Serialize, ToSchema)]
pub struct Definition {
    pub id: i64,
    pub key: String,
    pub version: i64,
    pub name: String,
    /// `draft` or `published`.
    pub status: String,
    pub created_at: String,
    /// Whether the node-tree designer made it.
    pub designer: bool,
}

impl From<fgf_store::process::ProcessDefinitionRow> for Definition {
    fn from(d: fgf_store::process::ProcessDefinitionRow) -> Self {
        Definition {
            id: d.id,
            key: d.key,
            version: d.version,
            name: d.name,
            status: d.status.to_string(),
            created_at: rfc3339(d.created_at_ms),
            designer: d.designer.is_some(),
        }
    }
}

/// One definition with its check result and, when designed, its node tree.
#[derive(Serialize, ToSchema)]
pub struct DefinitionDetail {
    pub id: i64,
    pub key: String,
    pub version: i64,
    pub name: String,
    pub status: String,
    pub problems: Vec<Problem>,
    /// The designer's `Flow`, or null for a definition written as BPMN.
    pub designer: Option<Value>,
}

impl DefinitionDetail {
    pub fn new(
        d: fgf_store::process::ProcessDefinitionRow,
        found: Vec<fgf_engine::Problem>,
    ) -> Self {
        DefinitionDetail {
            designer: d
                .designer
                .as_deref()
                .and_then(|s| serde_json::from_str::<Value>(s).ok()),
            id: d.id,
            key: d.key,
            version: d.version,
            name: d.name,
            status: d.status.to_string(),
            problems: problems(found),
        }
    }
}

/// A deployed definition: its id, key, version and the check's warnings.
#[derive(Serialize, ToSchema)]
pub struct Deployed {
    pub id: i64,
    pub key: String,
    pub version: i64,
    pub problems: Vec<Problem>,
}

impl From<fgf_app::process::Deployed> for Deployed {
    fn from(d: fgf_app::process::Deployed) -> Self {
        Deployed {
            id: d.id,
            key: d.key,
            version: d.version,
            problems: problems(d.problems),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Checked {
    pub valid: bool,
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn new(found: Vec<fgf_engine::Problem>) -> Self {
        Checked {
            valid: found.is_empty(),
            problems: problems(found),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Started {
    pub instance_id: i64,
}

/// The instance's state: `running`, `completed`, `terminated` (with `reason`) or `failed`
/// (with `element` and `message`).
#[derive(Serialize, ToSchema)]
pub struct InstanceStatus {
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl From<&fgf_engine::Status> for InstanceStatus {
    fn from(s: &fgf_engine::Status) -> Self {
        let (status, reason, element, message) = match s {
            fgf_engine::Status::Running => ("running", None, None, None),
            fgf_engine::Status::Completed => ("completed", None, None, None),
            fgf_engine::Status::Terminated { reason } => {
                ("terminated", Some(reason.clone()), None, None)
            }
            fgf_engine::Status::Failed { element, message } => {
                ("failed", None, Some(element.clone()), Some(message.clone()))
            }
        };
        InstanceStatus {
            status: status.to_owned(),
            reason,
            element,
            message,
        }
    }
}

/// A suspension (RULES.md §1.4); `end` is null while it lasts.
#[derive(Serialize, ToSchema)]
pub struct Pause {
    pub start: String,
    pub end: Option<String>,
    pub reason: Option<String>,
}

/// A working-day deadline; `warning` (Chinese, like the API's messages) is set when a year
/// was counted Monday–Friday for want of a holiday notice.
#[derive(Serialize, ToSchema)]
pub struct Deadline {
    pub timer: u32,
    pub node: String,
    pub exec: u32,
    pub working_days: u32,
    pub due_date: String,
    pub ends_at: String,
    pub due_at: String,
    pub paused_workdays: u32,
    pub assumed_years: Vec<i32>,
    pub warning: Option<String>,
}

impl From<&fgf_app::process::InstanceDeadline> for Deadline {
    fn from(d: &fgf_app::process::InstanceDeadline) -> Self {
        Deadline {
            timer: d.timer,
            node: d.node.clone(),
            exec: d.exec,
            working_days: d.working_days,
            due_date: d.due_date.to_string(),
            ends_at: d.ends_at.clone(),
            due_at: rfc3339(d.due_at_ms),
            paused_workdays: d.paused_workdays,
            assumed_years: d.assumed_years.clone(),
            warning: d.warning(Lang::Zh),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WorkItem {
    pub id: i64,
    pub instance_id: i64,
    pub exec_id: i64,
    pub activation: i64,
    pub node_id: String,
    pub name: String,
    pub assignee: Option<String>,
    pub candidate_users: Vec<String>,
    pub candidate_groups: Vec<String>,
    pub owner: Option<String>,
    pub status: String,
    pub created_at_ms: i64,
    pub completed_at_ms: Option<i64>,
    pub completed_by: Option<String>,
}

impl From<fgf_store::process::WorkItemRow> for WorkItem {
    fn from(w: fgf_store::process::WorkItemRow) -> Self {
        WorkItem {
            id: w.id,
            instance_id: w.instance_id.get(),
            exec_id: w.exec_id,
            activation: w.activation,
            node_id: w.node_id,
            name: w.name,
            assignee: w.assignee,
            candidate_users: w.candidate_users,
            candidate_groups: w.candidate_groups,
            owner: w.owner,
            status: w.status.to_string(),
            created_at_ms: w.created_at_ms,
            completed_at_ms: w.completed_at_ms,
            completed_by: w.completed_by,
        }
    }
}

/// A copy (抄送) of an instance to a reader.
#[derive(Serialize, ToSchema)]
pub struct Copy {
    pub instance_id: i64,
    pub node_id: String,
    pub reader: String,
    pub copied_by: Option<String>,
    pub created_at_ms: i64,
    pub read_at_ms: Option<i64>,
}

/// The inbox as the process use case builds it: work items (`todo`, `done`) or copies.
/// Only the schema lives here: the app answers this JSON already built.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum Inbox {
    WorkItems { items: Vec<WorkItem>, total: i64 },
    Copies { items: Vec<Copy>, total: i64 },
}

#[derive(Serialize, ToSchema)]
pub struct Instance {
    pub id: i64,
    pub definition_id: i64,
    pub business_key: String,
    pub status: InstanceStatus,
    pub variables: BTreeMap<String, Value>,
    pub suspended: bool,
    pub suspended_ms: i64,
    pub pauses: Vec<Pause>,
    pub deadlines: Vec<Deadline>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub work_items: Vec<WorkItem>,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEvent {
    pub at: String,
    pub actor: Option<String>,
    pub comment: String,
    /// The engine event as recorded.
    pub event: Value,
}

impl From<fgf_store::process::ProcessEventRow> for HistoryEvent {
    fn from(e: fgf_store::process::ProcessEventRow) -> Self {
        HistoryEvent {
            at: rfc3339(e.at_ms),
            actor: e.actor,
            comment: e.comment,
            event: e.event,
        }
    }
}

/// One field of a work item's form: its value and `read` or `write`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FormField {
    value: Value,
    access: String,
}

/// The business-record fields a work item may see (built by the process use case; only the
/// schema lives here). Hidden fields are left out.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaskForm {
    work_item: i64,
    node: String,
    fields: BTreeMap<String, FormField>,
}

#[derive(Serialize, ToSchema)]
pub struct Delivered {
    pub instance_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Signalled {
    pub instances: Vec<i64>,
    pub total: i64,
}

/// A designer flow (mirrors `fgf_engine::designer::Flow`, which the handler reads): the
/// cards in order, each an object tagged by `type` (`approval`, `handle`, `notify`,
/// `condition`, …) as the designer page writes them.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Flow {
    id: String,
    #[schema(required = false)]
    name: String,
    #[schema(required = false)]
    nodes: Vec<Value>,
}

#[derive(Serialize, ToSchema)]
pub struct Compiled {
    pub bpmn: String,
    /// Always empty on success; refusals are a 422 with the problems in `details`.
    pub problems: Vec<Problem>,
}

/// An operation on a work item, tagged by `op` (mirrors `fgf_app::process::TaskOp`, which
/// the handler reads): `complete` (`vars`, `fields`), `send_back` (`target`,
/// `return_direct`), `withdraw`, `transfer` / `delegate` (`to`), `resolve` (`vars`), `claim`,
/// `unclaim`, `add_signer` (`user`, `before`), `remove_signer`, `urge`, `carbon_copy`
/// (`readers`); with an optional `comment`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaskOpBody {
    op: String,
    comment: Option<String>,
    vars: Option<BTreeMap<String, Value>>,
    fields: Option<BTreeMap<String, Value>>,
    target: Option<String>,
    return_direct: Option<bool>,
    to: Option<String>,
    user: Option<String>,
    before: Option<bool>,
    readers: Option<Vec<String>>,
}

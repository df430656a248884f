//! The engine's process model: what a BPMN file and a designer tree both compile to.
//! Nodes and flows live in flat arenas indexed by `u32`, with a `scope` link from a node to
//! the sub-process that contains it, so the executor walks indices instead of XML.

use crate::expr::Expr;
use crate::timer::TimerSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type NodeIx = u32;
pub type FlowIx = u32;

/// One deployable file: one or more processes and the shared message/error/signal tables.
#[derive(Debug, Clone)]
pub struct Definition {
    pub id: String,
    pub processes: Vec<Process>,
    /// Elements the engine does not execute, reported by `fgf process check` with their ids.
    pub unsupported: Vec<Unsupported>,
    /// The source XML, kept for the diagram (BPMNDI) and for export.
    pub xml: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    pub element: String,
    pub tag: String,
    pub reason: String,
}

impl Definition {
    pub fn process(&self, id: &str) -> Option<&Process> {
        self.processes.iter().find(|p| p.id == id)
    }

    /// The process to run when none is named: the only executable one.
    pub fn main_process(&self) -> Option<&Process> {
        let exec: Vec<&Process> = self.processes.iter().filter(|p| p.executable).collect();
        match exec.as_slice() {
            [one] => Some(one),
            [] if self.processes.len() == 1 => self.processes.first(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Process {
    pub id: String,
    pub name: String,
    pub executable: bool,
    pub nodes: Vec<Node>,
    pub flows: Vec<Flow>,
    pub index: BTreeMap<String, NodeIx>,
}

impl Process {
    pub fn node(&self, ix: NodeIx) -> &Node {
        &self.nodes[ix as usize]
    }

    pub fn flow(&self, ix: FlowIx) -> &Flow {
        &self.flows[ix as usize]
    }

    pub fn find(&self, id: &str) -> Option<NodeIx> {
        self.index.get(id).copied()
    }

    /// Nodes directly inside `scope` (None = the process level).
    pub fn nodes_in(&self, scope: Option<NodeIx>) -> impl Iterator<Item = NodeIx> + '_ {
        (0..self.nodes.len() as u32).filter(move |i| self.nodes[*i as usize].scope == scope)
    }

    /// The none start event of a scope (or its only start event of any kind used to begin it).
    pub fn none_start(&self, scope: Option<NodeIx>) -> Option<NodeIx> {
        self.nodes_in(scope).find(|i| {
            matches!(
                self.node(*i).kind,
                NodeKind::Start {
                    def: EventDef::None,
                    ..
                }
            )
        })
    }

    /// Event sub-processes directly inside `scope`.
    pub fn event_subprocesses(&self, scope: Option<NodeIx>) -> impl Iterator<Item = NodeIx> + '_ {
        self.nodes_in(scope).filter(|i| {
            matches!(
                self.node(*i).kind,
                NodeKind::SubProcess {
                    triggered_by_event: true
                }
            )
        })
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub kind: NodeKind,
    /// The embedded or event sub-process this node is inside; None at the process level.
    pub scope: Option<NodeIx>,
    pub incoming: Vec<FlowIx>,
    pub outgoing: Vec<FlowIx>,
    /// Boundary events attached to this activity.
    pub boundaries: Vec<NodeIx>,
    pub default_flow: Option<FlowIx>,
    pub multi_instance: Option<MultiInstance>,
    pub standard_loop: Option<StandardLoop>,
    pub assignment: Assignment,
    /// Which fields of the business record this node may see and edit (per-node field
    /// permissions): field name → "read" | "write" | "hidden".
    pub fields: BTreeMap<String, String>,
    /// Extension attributes (`fgf:*`, `camunda:*`, `flowable:*`) by local name.
    pub ext: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Start {
        def: EventDef,
        interrupting: bool,
    },
    End {
        def: EventDef,
    },
    IntermediateCatch {
        def: EventDef,
    },
    IntermediateThrow {
        def: EventDef,
    },
    Boundary {
        attached_to: NodeIx,
        def: EventDef,
        cancel_activity: bool,
    },
    Task(TaskKind),
    Gateway(GatewayKind),
    SubProcess {
        triggered_by_event: bool,
    },
    CallActivity {
        called_element: String,
    },
}

impl NodeKind {
    /// The BPMN element name, for export and messages.
    pub fn tag(&self) -> &'static str {
        match self {
            NodeKind::Start { .. } => "startEvent",
            NodeKind::End { .. } => "endEvent",
            NodeKind::IntermediateCatch { .. } => "intermediateCatchEvent",
            NodeKind::IntermediateThrow { .. } => "intermediateThrowEvent",
            NodeKind::Boundary { .. } => "boundaryEvent",
            NodeKind::Task(t) => t.tag(),
            NodeKind::Gateway(g) => g.tag(),
            NodeKind::SubProcess { .. } => "subProcess",
            NodeKind::CallActivity { .. } => "callActivity",
        }
    }

    /// Activities are what boundary events attach to and what loops repeat.
    pub fn is_activity(&self) -> bool {
        matches!(
            self,
            NodeKind::Task(_)
                | NodeKind::SubProcess {
                    triggered_by_event: false
                }
                | NodeKind::CallActivity { .. }
        )
    }
}

#[derive(Debug, Clone)]
pub enum EventDef {
    None,
    Message(String),
    Timer(TimerDef),
    Signal(String),
    /// Error code; None catches any error.
    Error(Option<String>),
    /// Escalation code; None catches any escalation.
    Escalation(Option<String>),
    Terminate,
}

#[derive(Debug, Clone)]
pub struct TimerDef {
    /// The text as written, possibly `${…}` to evaluate first.
    pub text: String,
    /// Which BPMN element carried it: `timeDuration`, `timeCycle` or `timeDate`.
    pub form: TimerForm,
    /// Parsed when the text is a literal; None for expressions resolved at activation.
    pub spec: Option<TimerSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerForm {
    Duration,
    Cycle,
    Date,
}

#[derive(Debug, Clone)]
pub enum TaskKind {
    /// A plain `task`: nobody to wait for, completes at once.
    Plain,
    User,
    Manual,
    /// Calls the registered Rust handler of this type.
    Service {
        handler: String,
    },
    /// A decision by expression, result stored in a variable (script-free).
    BusinessRule {
        expr: Option<Expr>,
        result_var: String,
    },
    Receive {
        message: String,
    },
    Send,
}

impl TaskKind {
    pub fn tag(&self) -> &'static str {
        match self {
            TaskKind::Plain => "task",
            TaskKind::User => "userTask",
            TaskKind::Manual => "manualTask",
            TaskKind::Service { .. } => "serviceTask",
            TaskKind::BusinessRule { .. } => "businessRuleTask",
            TaskKind::Receive { .. } => "receiveTask",
            TaskKind::Send => "sendTask",
        }
    }

    /// Tasks that wait for a person.
    pub fn is_human(&self) -> bool {
        matches!(self, TaskKind::User | TaskKind::Manual)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayKind {
    Exclusive,
    Parallel,
    Inclusive,
    EventBased,
}

impl GatewayKind {
    pub fn tag(self) -> &'static str {
        match self {
            GatewayKind::Exclusive => "exclusiveGateway",
            GatewayKind::Parallel => "parallelGateway",
            GatewayKind::Inclusive => "inclusiveGateway",
            GatewayKind::EventBased => "eventBasedGateway",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Flow {
    pub id: String,
    pub name: String,
    pub source: NodeIx,
    pub target: NodeIx,
    pub condition: Option<Expr>,
}

/// 会签 / 或签 / 依次审批 / 票签 are all multi-instance with different completion rules.
#[derive(Debug, Clone)]
pub struct MultiInstance {
    pub sequential: bool,
    /// Variable (or expression) holding the collection.
    pub collection: Option<Expr>,
    pub cardinality: Option<Expr>,
    /// Name of the per-instance element variable.
    pub element_var: Option<String>,
    pub completion: Option<Expr>,
    /// 票签: variable holding each instance's vote weight (defaults to 1).
    pub weight_var: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StandardLoop {
    pub condition: Option<Expr>,
    pub maximum: Option<u32>,
    pub test_before: bool,
}

/// Who a user task goes to (for the approval runtime; the engine records it on the work item).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Assignment {
    /// A user, a `${…}` expression, or empty.
    pub assignee: Option<String>,
    pub candidate_users: Vec<String>,
    pub candidate_groups: Vec<String>,
    /// `user:NAME`, `role:CODE`, `dept:applicant|matter|CODE`, `leader:initiator`, `expr:${…}`.
    pub rule: Option<String>,
    /// What to do when nobody resolves: "skip", "admin" or "stop".
    pub on_empty: Option<String>,
    /// What to do when the approver is the initiator: "allow", "skip" or "leader".
    pub on_initiator: Option<String>,
}

impl Assignment {
    pub fn is_empty(&self) -> bool {
        self.assignee.is_none()
            && self.candidate_users.is_empty()
            && self.candidate_groups.is_empty()
            && self.rule.is_none()
    }
}

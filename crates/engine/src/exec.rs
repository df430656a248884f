//! The executor: BPMN token semantics as a pure state machine.
//!
//! `apply(registry, instance, command, now)` works on a copy of the instance and swaps it in
//! only when the command is valid, so a refused command leaves the state exactly as it was.
//! It returns the events that happened (the history the store appends); the runtime derives
//! work items and timers to persist from the new state. No I/O, no clock: `now` comes in.
//!
//! Transitions of an execution (an `Exec`), in Temporal's notation:
//! ```text
//! (none) --Enter(node)--> Active
//! Active --wait state reached (user task, catch event, event gateway)--> Waiting
//! Waiting --CompleteTask / Message / Signal / FireTimer--> Leave --flows--> Enter(next)
//! Active(sub-process) --start child--> Scope --last child done--> Leave
//! Active(multi-instance) --spawn inner--> MiBody --completion condition / all done--> Leave
//! any --cancel (boundary, terminate, 退回, 终止)--> Dead
//! ```

use crate::expr::Expr;
use crate::model::*;
use crate::timer::{TimerSpec, WorkdayCalendar};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};

pub type Vars = BTreeMap<String, Value>;

// The state is written on every command, so fields at their defaults are left out of it
// (a smaller row to serialise and store); reading fills them back in.
fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}
pub type ExecId = u32;

/// A pure service-task handler: variables in, variables out, or a BPMN error code.
pub type ServiceFn = fn(&Vars) -> Result<Vars, String>;

/// The deployed processes an instance may reach (its own and the ones it calls), with the
/// calendar for working-day timers and the registered service handlers.
pub struct Registry {
    procs: Vec<Compiled>,
    by_id: BTreeMap<String, usize>,
    pub calendar: fgf_domain::Calendar,
    services: BTreeMap<String, ServiceFn>,
}

/// A process with its precomputed reachability (for inclusive joins and 退回).
pub struct Compiled {
    pub process: Process,
    // Invariant: reach[a] contains b iff b is reachable from a along sequence flows.
    reach: Vec<Vec<u64>>,
}

impl Compiled {
    pub fn new(process: Process) -> Compiled {
        let n = process.nodes.len();
        let words = n.div_ceil(64).max(1);
        let mut reach = vec![vec![0_u64; words]; n];
        for (start, row) in reach.iter_mut().enumerate() {
            let mut stack: Vec<usize> = process.nodes[start]
                .outgoing
                .iter()
                .map(|f| process.flows[*f as usize].target as usize)
                .collect();
            while let Some(x) = stack.pop() {
                if row[x / 64] & (1 << (x % 64)) != 0 {
                    continue;
                }
                row[x / 64] |= 1 << (x % 64);
                stack.extend(
                    process.nodes[x]
                        .outgoing
                        .iter()
                        .map(|f| process.flows[*f as usize].target as usize),
                );
            }
        }
        Compiled { process, reach }
    }

    pub fn reaches(&self, from: NodeIx, to: NodeIx) -> bool {
        let t = to as usize;
        self.reach[from as usize][t / 64] & (1 << (t % 64)) != 0
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new(fgf_domain::Calendar::builtin())
    }
}

impl Registry {
    pub fn new(calendar: fgf_domain::Calendar) -> Registry {
        Registry {
            procs: Vec::new(),
            by_id: BTreeMap::new(),
            calendar,
            services: BTreeMap::new(),
        }
    }

    /// Adds every process of a definition (a later one with the same id replaces it).
    pub fn add(&mut self, def: &Definition) {
        for p in &def.processes {
            let c = Compiled::new(p.clone());
            match self.by_id.get(&p.id) {
                Some(i) => self.procs[*i] = c,
                None => {
                    self.by_id.insert(p.id.clone(), self.procs.len());
                    self.procs.push(c);
                }
            }
        }
    }

    pub fn register_service(&mut self, handler: &str, f: ServiceFn) {
        self.services.insert(handler.to_owned(), f);
    }

    pub fn has_service(&self, handler: &str) -> bool {
        self.services.contains_key(handler)
    }

    pub fn get(&self, id: &str) -> Option<&Compiled> {
        self.by_id.get(id).map(|i| &self.procs[*i])
    }
}

impl WorkdayCalendar for fgf_domain::Calendar {
    fn deadline(
        &self,
        start: chrono::NaiveDate,
        n: u32,
        pauses: &[fgf_domain::DateRange],
        extend: u32,
    ) -> Result<fgf_domain::CaseDeadline, fgf_domain::DeadlineError> {
        fgf_domain::Calendar::deadline(self, start, n, pauses, extend)
    }

    fn workdays_between(&self, from: chrono::NaiveDate, to: chrono::NaiveDate) -> i64 {
        fgf_domain::Calendar::workdays_between(self, from, to).days
    }

    fn business_day_end(&self) -> fgf_domain::BusinessDayEnd {
        self.config().business_day_end
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Running,
    Completed,
    Terminated { reason: String },
    Failed { element: String, message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecKind {
    /// Sits at one node.
    Token,
    /// The body of an embedded sub-process (or the process itself when `node` is None).
    Scope,
    /// A call activity: its children run in another process.
    CallScope,
    /// The body of a triggered event sub-process.
    EventScope,
    /// A multi-instance activity waiting for its inner instances.
    MiBody,
}

/// A person's piece of work at a user task (待办), with what the approval operations need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidate_users: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidate_groups: Vec<String>,
    /// Set while delegated (委派): the owner gets the task back when the delegate resolves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub claimed: bool,
    /// Opened, claimed, delegated or transferred: a 撤回 is no longer possible.
    #[serde(default, skip_serializing_if = "is_false")]
    pub touched: bool,
    /// The task that sent the token here and who completed it (for 撤回).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<(String, ExecId, Option<String>)>,
    /// Signers added before this one (加签 before): this task waits for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting_for: Vec<ExecId>,
    /// A signer added after this one (加签 after): created when this task completes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then_signers: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub urged: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exec {
    pub id: ExecId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ExecId>,
    /// Index into `Instance::procs`.
    pub proc: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeIx>,
    pub kind: ExecKind,
    pub alive: bool,
    /// Activation order, for "the earliest-activated task".
    pub seq: u64,
    pub activated_ms: i64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub locals: Vars,
    /// Arrivals at joining gateways of this scope: gateway → flows that arrived.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub joins: BTreeMap<NodeIx, Vec<FlowIx>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<WorkItem>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub loop_iter: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub mi_inner: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mi: Option<MiState>,
    /// 退回 with "return straight to the sender": where to jump once this node completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<NodeIx>,
    /// For a CallScope: the index of the called process in `Instance::procs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callee: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiState {
    pub total: u32,
    pub completed: u32,
    pub active: u32,
    pub next: u32,
    pub items: Vec<Value>,
    pub approved: u32,
    pub rejected: u32,
    pub approved_weight: f64,
    pub total_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timer {
    pub id: u32,
    pub owner: ExecId,
    pub proc: u16,
    pub node: NodeIx,
    pub spec: TimerSpec,
    pub activated_ms: i64,
    pub fired: u32,
    pub due_ms: i64,
    pub alive: bool,
    /// A working-day timer: the years without a holiday notice its due date was counted in,
    /// Monday–Friday assumed. Whoever sees the deadline must be told it is a guess.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumed_years: Vec<i32>,
    /// A working-day timer: the working days the instance's pauses held back.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub paused_workdays: u32,
    /// A working-day timer: working days added to its count. An instance suspended before
    /// pauses were recorded had its timers pushed back by wall-clock time; that push is kept
    /// here as working days so that recounting from the recorded pauses does not lose it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub extra_workdays: u32,
}

/// One stop of the instance's clocks, 挂起 to 激活: RULES.md §1.4 keeps a clock as a list of
/// such intervals (start, end, reason), and working-day deadlines are counted from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub start_ms: i64,
    /// None while the instance is suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A copy to a reader (抄送 / 传阅), who marks it read (已阅).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarbonCopy {
    pub node: String,
    pub reader: String,
    pub by: Option<String>,
    pub at_ms: i64,
    pub read_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub procs: Vec<String>,
    pub status: Status,
    pub vars: Vars,
    pub execs: Vec<Exec>,
    pub timers: Vec<Timer>,
    pub seq: u64,
    pub started_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<String>,
    /// Suspended (挂起) since; commands other than resume are refused meanwhile. The open
    /// entry of `pauses` starts at the same instant (a state stored before pauses were
    /// recorded may lack it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_since: Option<i64>,
    /// Total time spent suspended, the ended pauses' wall-clock length. States stored before
    /// pauses were recorded have only this.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suspended_ms: i64,
    /// The suspensions, oldest first; the last one is open while suspended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<Pause>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<CarbonCopy>,
    /// Ids of user tasks completed so far, in order (the targets 退回 may choose from).
    pub completed_tasks: Vec<String>,
    /// The business record's fields, supplied by the runtime for each command and never
    /// stored in the state: conditions read form data from the record, not from copies.
    #[serde(skip)]
    pub record: Vars,
    /// Whether the instance has a stored business record, so the runtime reads it only
    /// when there is one.
    #[serde(default, skip_serializing_if = "is_false")]
    pub has_record: bool,
}

/// What happened, in order: the instance's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Started {
        process: String,
    },
    NodeEntered {
        exec: ExecId,
        node: String,
    },
    NodeCompleted {
        exec: ExecId,
        node: String,
    },
    NodeCancelled {
        exec: ExecId,
        node: String,
    },
    TaskCreated {
        exec: ExecId,
        node: String,
        name: String,
        assignee: Option<String>,
        candidate_users: Vec<String>,
        candidate_groups: Vec<String>,
    },
    TaskCompleted {
        exec: ExecId,
        node: String,
        by: Option<String>,
    },
    TaskCancelled {
        exec: ExecId,
        node: String,
    },
    TaskAssigned {
        exec: ExecId,
        node: String,
        assignee: Option<String>,
        op: String,
        by: Option<String>,
    },
    TimerScheduled {
        timer: u32,
        node: String,
        due_ms: i64,
    },
    TimerFired {
        timer: u32,
        node: String,
    },
    TimerCancelled {
        timer: u32,
    },
    MessageDelivered {
        name: String,
    },
    SignalThrown {
        name: String,
    },
    ErrorThrown {
        node: String,
        code: Option<String>,
        caught_by: Option<String>,
    },
    EscalationThrown {
        node: String,
        code: Option<String>,
        caught_by: Option<String>,
    },
    Operation {
        op: String,
        exec: Option<ExecId>,
        by: Option<String>,
        detail: Value,
    },
    Copied {
        node: String,
        reader: String,
        by: Option<String>,
    },
    Urged {
        exec: ExecId,
        node: String,
        assignee: Option<String>,
        by: Option<String>,
    },
    Completed,
    Terminated {
        reason: String,
    },
    Failed {
        element: String,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    Start {
        vars: Vars,
        initiator: Option<String>,
    },
    CompleteTask {
        exec: ExecId,
        vars: Vars,
        by: Option<String>,
    },
    Message {
        name: String,
        vars: Vars,
    },
    Signal {
        name: String,
    },
    FireTimer {
        timer: u32,
    },
    /// 退回: back to an earlier completed user task; `return_direct` sends the token straight
    /// back to the task that sent it once the target completes.
    SendBack {
        exec: ExecId,
        target: String,
        return_direct: bool,
        by: Option<String>,
    },
    /// 撤回: the previous actor takes their task back while the next one is untouched.
    Withdraw {
        exec: ExecId,
        by: Option<String>,
    },
    /// 转办: hand the task to someone else for good.
    Transfer {
        exec: ExecId,
        to: String,
        by: Option<String>,
    },
    /// 委派: lend the task to someone who gives it back with `Resolve`.
    Delegate {
        exec: ExecId,
        to: String,
        by: Option<String>,
    },
    Resolve {
        exec: ExecId,
        vars: Vars,
        by: Option<String>,
    },
    /// 认领: take a task offered to a candidate group.
    Claim {
        exec: ExecId,
        user: String,
    },
    Unclaim {
        exec: ExecId,
        by: Option<String>,
    },
    /// 加签: add a signer before (they sign first) or after (they sign next).
    AddSigner {
        exec: ExecId,
        user: String,
        before: bool,
        by: Option<String>,
    },
    /// 减签: remove a pending inner instance of a multi-instance task.
    RemoveSigner {
        exec: ExecId,
        by: Option<String>,
    },
    /// 抄送 / 传阅.
    CarbonCopy {
        node: String,
        readers: Vec<String>,
        by: Option<String>,
    },
    MarkRead {
        reader: String,
    },
    /// Starts at a named start event: the message, signal or timer start whose trigger the
    /// runtime has seen (a process may also have a none start for people to use).
    StartAt {
        vars: Vars,
        initiator: Option<String>,
        start_event: String,
    },
    /// The runtime's resolution of an assignment rule that needs organisation data
    /// (`dept:`, `leader:`); does not count as the task being touched.
    Assign {
        exec: ExecId,
        assignee: Option<String>,
        candidate_users: Vec<String>,
    },
    /// 催办.
    Urge {
        exec: ExecId,
        by: Option<String>,
    },
    /// 挂起 / 激活: the reason, e.g. the 特别程序 (听证、检验、鉴定……) that stops the clock, is kept
    /// with the pause.
    Suspend {
        by: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Resume {
        by: Option<String>,
    },
    /// 终止.
    Terminate {
        reason: String,
        by: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("process {0} is not deployed")]
    UnknownProcess(String),
    #[error("the instance is {0}; the command is not allowed")]
    NotRunning(String),
    #[error("the instance is suspended")]
    Suspended,
    #[error("no active task {0}")]
    NoSuchTask(ExecId),
    #[error("no timer {0} is due")]
    NoSuchTimer(u32),
    #[error("nothing waits for message {0}")]
    NoReceiver(String),
    #[error("invalid transition: {0}")]
    InvalidTransition(String),
    #[error("the process has no start event to begin with")]
    NoStart,
}

impl EngineError {
    /// A stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::UnknownProcess(_) => "process_unknown",
            EngineError::NotRunning(_) => "instance_not_running",
            EngineError::Suspended => "instance_suspended",
            EngineError::NoSuchTask(_) => "task_not_active",
            EngineError::NoSuchTimer(_) => "timer_not_active",
            EngineError::NoReceiver(_) => "message_no_receiver",
            EngineError::InvalidTransition(_) => "invalid_transition",
            EngineError::NoStart => "process_no_start",
        }
    }
}

impl Instance {
    /// A fresh instance of `process` (not yet started).
    pub fn new(process: &str) -> Instance {
        Instance {
            procs: vec![process.to_owned()],
            status: Status::Running,
            vars: Vars::new(),
            execs: Vec::new(),
            timers: Vec::new(),
            seq: 0,
            started_ms: 0,
            initiator: None,
            suspended_since: None,
            suspended_ms: 0,
            pauses: Vec::new(),
            copies: Vec::new(),
            completed_tasks: Vec::new(),
            record: Vars::new(),
            has_record: false,
        }
    }

    pub fn exec(&self, id: ExecId) -> Option<&Exec> {
        self.execs.get(id as usize).filter(|e| e.alive)
    }

    /// Open user and manual tasks, earliest activated first.
    pub fn open_tasks(&self) -> Vec<&Exec> {
        let mut v: Vec<&Exec> = self
            .execs
            .iter()
            .filter(|e| e.alive && e.task.is_some())
            .collect();
        v.sort_by_key(|e| e.seq);
        v
    }

    pub fn live_timers(&self) -> Vec<&Timer> {
        let mut v: Vec<&Timer> = self.timers.iter().filter(|t| t.alive).collect();
        v.sort_by_key(|t| (t.due_ms, t.id));
        v
    }

    pub fn is_finished(&self) -> bool {
        self.status != Status::Running
    }

    /// The ended pauses as (start, end) instants, what working-day clocks are counted from.
    pub fn ended_pauses(&self) -> Vec<(i64, i64)> {
        self.pauses
            .iter()
            .filter_map(|p| Some((p.start_ms, p.end_ms?)))
            .collect()
    }
}

pub(crate) struct Run<'a> {
    reg: &'a Registry,
    inst: &'a mut Instance,
    events: Vec<Event>,
    agenda: VecDeque<Step>,
    now: i64,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Enter {
        exec: ExecId,
        node: NodeIx,
        via: Option<FlowIx>,
    },
    Leave {
        exec: ExecId,
    },
}

/// Applies one command. See the module docs.
pub fn apply(
    reg: &Registry,
    inst: &mut Instance,
    cmd: Command,
    now: i64,
) -> Result<Vec<Event>, EngineError> {
    // The hot commands check everything before they change anything, so they run in place;
    // the approval operations run on a copy that replaces the state only on success.
    if matches!(
        cmd,
        Command::Start { .. }
            | Command::StartAt { .. }
            | Command::CompleteTask { .. }
            | Command::Message { .. }
            | Command::Signal { .. }
            | Command::FireTimer { .. }
    ) {
        let mut run = Run {
            reg,
            inst,
            events: Vec::new(),
            agenda: VecDeque::new(),
            now,
        };
        run.command(cmd)?;
        run.drain();
        return Ok(run.events);
    }
    let mut next = inst.clone();
    let events = {
        let mut run = Run {
            reg,
            inst: &mut next,
            events: Vec::new(),
            agenda: VecDeque::new(),
            now,
        };
        run.command(cmd)?;
        run.drain();
        run.events
    };
    *inst = next;
    Ok(events)
}

fn status_name(s: &Status) -> String {
    match s {
        Status::Running => "running",
        Status::Completed => "completed",
        Status::Terminated { .. } => "terminated",
        Status::Failed { .. } => "failed",
    }
    .to_owned()
}

impl<'a> Run<'a> {
    // The registry outlives the run, so process references do not borrow the run: the
    // executor can hold a node while it mutates the instance, without cloning the node.
    fn compiled(&self, proc: u16) -> &'a Compiled {
        let reg: &'a Registry = self.reg;
        let id = &self.inst.procs[proc as usize];
        reg.get(id).unwrap_or_else(|| &reg.procs[0])
    }

    fn process(&self, proc: u16) -> &'a Process {
        &self.compiled(proc).process
    }

    fn node_id(&self, proc: u16, n: NodeIx) -> String {
        self.process(proc).node(n).id.clone()
    }

    fn e(&self, id: ExecId) -> &Exec {
        &self.inst.execs[id as usize]
    }

    fn em(&mut self, id: ExecId) -> &mut Exec {
        &mut self.inst.execs[id as usize]
    }

    fn next_seq(&mut self) -> u64 {
        self.inst.seq += 1;
        self.inst.seq
    }

    fn spawn(&mut self, parent: Option<ExecId>, proc: u16, kind: ExecKind) -> ExecId {
        let id = self.inst.execs.len() as ExecId;
        let seq = self.next_seq();
        self.inst.execs.push(Exec {
            id,
            parent,
            proc,
            node: None,
            kind,
            alive: true,
            seq,
            activated_ms: self.now,
            locals: Vars::new(),
            joins: BTreeMap::new(),
            task: None,
            loop_iter: 0,
            mi_inner: false,
            mi: None,
            return_to: None,
            callee: None,
        });
        id
    }

    fn fail(&mut self, element: &str, message: impl Into<String>) {
        if self.inst.status != Status::Running {
            return;
        }
        let message = message.into();
        self.inst.status = Status::Failed {
            element: element.to_owned(),
            message: message.clone(),
        };
        self.events.push(Event::Failed {
            element: element.to_owned(),
            message,
        });
        self.agenda.clear();
        for t in &mut self.inst.timers {
            t.alive = false;
        }
    }

    /// Variable lookup: the execution's locals up the parent chain, then the instance.
    fn lookup(&self, exec: ExecId, name: &str) -> Option<Value> {
        let mut cur = Some(exec);
        while let Some(id) = cur {
            let e = &self.inst.execs[id as usize];
            if let Some(v) = e.locals.get(name) {
                return Some(v.clone());
            }
            // A multi-instance body answers its counters from its state rather than from
            // locals rewritten on every inner completion.
            if let Some(mi) = e.mi.as_ref().filter(|_| e.kind == ExecKind::MiBody) {
                let v = match name {
                    "nrOfInstances" => Some(json!(mi.total)),
                    "nrOfCompletedInstances" => Some(json!(mi.completed)),
                    "nrOfActiveInstances" => Some(json!(mi.active)),
                    "nrOfApproved" => Some(json!(mi.approved)),
                    "nrOfRejected" => Some(json!(mi.rejected)),
                    "approvedWeight" => Some(json!(mi.approved_weight)),
                    "totalWeight" => Some(json!(mi.total_weight)),
                    _ => None,
                };
                if v.is_some() {
                    return v;
                }
            }
            cur = e.parent;
        }
        self.inst
            .vars
            .get(name)
            .or_else(|| self.inst.record.get(name))
            .cloned()
    }

    fn eval(&self, exec: ExecId, expr: &Expr) -> Result<Value, String> {
        expr.eval(&|n| self.lookup(exec, n))
            .map_err(|e| e.to_string())
    }

    fn eval_bool(&self, exec: ExecId, expr: &Expr) -> Result<bool, String> {
        expr.eval_bool(&|n| self.lookup(exec, n))
            .map_err(|e| e.to_string())
    }

    // ---- commands ----

    fn command(&mut self, cmd: Command) -> Result<(), EngineError> {
        if let Command::Start { vars, initiator } = cmd {
            return self.start(vars, initiator, None);
        }
        if let Command::StartAt {
            vars,
            initiator,
            start_event,
        } = cmd
        {
            return self.start(vars, initiator, Some(start_event));
        }
        if self.inst.status != Status::Running {
            return Err(EngineError::NotRunning(status_name(&self.inst.status)));
        }
        if self.inst.suspended_since.is_some()
            && !matches!(
                cmd,
                Command::Resume { .. } | Command::Terminate { .. } | Command::MarkRead { .. }
            )
        {
            return Err(EngineError::Suspended);
        }
        match cmd {
            Command::Start { .. } | Command::StartAt { .. } => Ok(()),
            Command::CompleteTask { exec, vars, by } => self.complete_task(exec, vars, by),
            Command::Message { name, vars } => self.message(&name, vars),
            Command::Signal { name } => {
                self.signal(&name);
                Ok(())
            }
            Command::FireTimer { timer } => self.fire_timer(timer),
            other => crate::ops::operation(self_ops(self), other),
        }
    }

    fn start(
        &mut self,
        vars: Vars,
        initiator: Option<String>,
        at: Option<String>,
    ) -> Result<(), EngineError> {
        if !self.inst.execs.is_empty() {
            return Err(EngineError::InvalidTransition(
                "the instance has already started".to_owned(),
            ));
        }
        let root_id = self.inst.procs[0].clone();
        let compiled = self
            .reg
            .get(&root_id)
            .ok_or_else(|| EngineError::UnknownProcess(root_id.clone()))?;
        let named = match &at {
            Some(id) => match compiled.process.find(id) {
                Some(n)
                    if compiled.process.node(n).scope.is_none()
                        && matches!(compiled.process.node(n).kind, NodeKind::Start { .. }) =>
                {
                    Some(n)
                }
                _ => {
                    return Err(EngineError::InvalidTransition(format!(
                        "{id} is not a start event of the process"
                    )))
                }
            },
            None => None,
        };
        let start = named
            .or_else(|| compiled.process.none_start(None))
            .or_else(|| {
                // A process started by a message, timer or signal: the runtime has already seen
                // the trigger, so the first start event of any kind begins it.
                compiled
                    .process
                    .nodes_in(None)
                    .find(|i| matches!(compiled.process.node(*i).kind, NodeKind::Start { .. }))
            });
        let Some(start) = start else {
            return Err(EngineError::NoStart);
        };
        self.inst.vars = vars;
        self.inst.initiator = initiator;
        self.inst.started_ms = self.now;
        self.events.push(Event::Started { process: root_id });
        let root = self.spawn(None, 0, ExecKind::Scope);
        self.begin_scope(root, 0, None);
        let tok = self.spawn(Some(root), 0, ExecKind::Token);
        self.agenda.push_back(Step::Enter {
            exec: tok,
            node: start,
            via: None,
        });
        Ok(())
    }

    fn complete_task(
        &mut self,
        exec: ExecId,
        vars: Vars,
        by: Option<String>,
    ) -> Result<(), EngineError> {
        let e = self.inst.exec(exec).ok_or(EngineError::NoSuchTask(exec))?;
        let Some(task) = &e.task else {
            return Err(EngineError::NoSuchTask(exec));
        };
        if !task
            .waiting_for
            .iter()
            .all(|w| !self.inst.execs[*w as usize].alive)
        {
            return Err(EngineError::InvalidTransition(
                "signers added before this one have not signed yet".to_owned(),
            ));
        }
        if task.owner.is_some() {
            return Err(EngineError::InvalidTransition(
                "the task is delegated; the delegate must resolve it first".to_owned(),
            ));
        }
        let node = e.node.ok_or(EngineError::NoSuchTask(exec))?;
        let proc = e.proc;
        let then_signers = task.then_signers.clone();
        if e.mi_inner {
            if let Some(b) = vars.get("approved").and_then(Value::as_bool) {
                self.record_vote(exec, b);
            }
        }
        for (k, v) in vars {
            self.inst.vars.insert(k, v);
        }
        let node_id = self.node_id(proc, node);
        self.events.push(Event::TaskCompleted {
            exec,
            node: node_id.clone(),
            by: by.clone(),
        });
        if self.e(exec).locals.contains_key("#added_before") {
            // A signer added before (加签) has signed: their task ends here, the original
            // task carries on.
            self.events.push(Event::NodeCompleted {
                exec,
                node: node_id,
            });
            self.kill(exec);
            return Ok(());
        }
        if !self.inst.completed_tasks.contains(&node_id) {
            self.inst.completed_tasks.push(node_id.clone());
        }
        if let Some((first, rest)) = then_signers.split_first() {
            // 加签 after: the added signer gets the same task next, before the flow moves on.
            let item = self.em(exec).task.take();
            if let Some(mut it) = item {
                it.assignee = Some(first.clone());
                it.then_signers = rest.to_vec();
                it.touched = false;
                it.claimed = false;
                it.previous = Some((node_id.clone(), exec, by.clone()));
                self.em(exec).task = Some(it);
            }
            self.events.push(Event::TaskAssigned {
                exec,
                node: node_id,
                assignee: Some(first.clone()),
                op: "add_signer_after".to_owned(),
                by,
            });
            return Ok(());
        }
        self.em(exec).task = None;
        self.em(exec).locals.insert(
            "#completed_by".to_owned(),
            by.map_or(Value::Null, Value::String),
        );
        self.agenda.push_back(Step::Leave { exec });
        Ok(())
    }

    fn record_vote(&mut self, inner: ExecId, approved: bool) {
        let Some(body) = self.e(inner).parent else {
            return;
        };
        let weight = self
            .e(inner)
            .locals
            .get("#weight")
            .and_then(Value::as_f64)
            .unwrap_or(1.0);
        if let Some(mi) = &mut self.em(body).mi {
            if approved {
                mi.approved += 1;
                mi.approved_weight += weight;
            } else {
                mi.rejected += 1;
            }
        }
    }

    /// Receivers of a message, earliest activated first.
    fn message_receivers(&self, name: &str) -> Vec<(ExecId, NodeIx, Receiver)> {
        let mut out = Vec::new();
        for e in self.inst.execs.iter().filter(|e| e.alive) {
            let p = self.process(e.proc);
            if let Some(n) = e.node {
                let node = p.node(n);
                match (&node.kind, e.kind) {
                    (
                        NodeKind::IntermediateCatch {
                            def: EventDef::Message(m),
                        },
                        ExecKind::Token,
                    )
                    | (NodeKind::Task(TaskKind::Receive { message: m }), ExecKind::Token)
                        if m == name =>
                    {
                        out.push((e.id, n, Receiver::Wait));
                    }
                    (NodeKind::Gateway(GatewayKind::EventBased), ExecKind::Token) => {
                        for f in &node.outgoing {
                            let t = p.flow(*f).target;
                            if matches!(&p.node(t).kind, NodeKind::IntermediateCatch { def: EventDef::Message(m) } | NodeKind::Task(TaskKind::Receive { message: m }) if m == name)
                            {
                                out.push((e.id, t, Receiver::EventGateway));
                            }
                        }
                    }
                    _ => {}
                }
                if self.is_waiting_activity(e) {
                    for b in &node.boundaries {
                        if matches!(&p.node(*b).kind, NodeKind::Boundary { def: EventDef::Message(m), .. } if m == name)
                        {
                            out.push((e.id, *b, Receiver::Boundary));
                        }
                    }
                }
            }
            if matches!(
                e.kind,
                ExecKind::Scope | ExecKind::CallScope | ExecKind::EventScope
            ) {
                let (ip, iscope) = self.inner_of(e.id);
                let p2 = self.process(ip);
                for esp in p2.event_subprocesses(iscope) {
                    for s in p2.nodes_in(Some(esp)) {
                        if matches!(&p2.node(s).kind, NodeKind::Start { def: EventDef::Message(m), .. } if m == name)
                        {
                            out.push((e.id, s, Receiver::EventSub));
                        }
                    }
                }
            }
        }
        out.sort_by_key(|(id, _, _)| self.e(*id).seq);
        out
    }

    /// Between commands every live execution at an activity is waiting there, so boundary
    /// events apply; inner instances of a multi-instance activity share their body's.
    fn is_waiting_activity(&self, e: &Exec) -> bool {
        e.alive
            && !e.mi_inner
            && matches!(
                e.kind,
                ExecKind::Token | ExecKind::Scope | ExecKind::CallScope | ExecKind::MiBody
            )
            && e.node
                .is_some_and(|n| self.process(e.proc).node(n).kind.is_activity())
    }

    fn message(&mut self, name: &str, vars: Vars) -> Result<(), EngineError> {
        let receivers = self.message_receivers(name);
        let Some((exec, node, how)) = receivers.first().cloned() else {
            return Err(EngineError::NoReceiver(name.to_owned()));
        };
        for (k, v) in vars {
            self.inst.vars.insert(k, v);
        }
        self.events.push(Event::MessageDelivered {
            name: name.to_owned(),
        });
        self.receive(exec, node, how);
        Ok(())
    }

    fn receive(&mut self, exec: ExecId, node: NodeIx, how: Receiver) {
        match how {
            Receiver::Wait => self.agenda.push_back(Step::Leave { exec }),
            Receiver::EventGateway => self.take_event_gateway(exec, node),
            Receiver::Boundary => self.trigger_boundary(exec, node),
            Receiver::EventSub => self.trigger_event_subprocess(exec, node),
        }
    }

    fn signal(&mut self, name: &str) {
        self.events.push(Event::SignalThrown {
            name: name.to_owned(),
        });
        let mut targets = Vec::new();
        for e in self.inst.execs.iter().filter(|e| e.alive) {
            let p = self.process(e.proc);
            if let Some(n) = e.node {
                let node = p.node(n);
                match (&node.kind, e.kind) {
                    (NodeKind::IntermediateCatch { def: EventDef::Signal(s) }, ExecKind::Token) if s == name => targets.push((e.id, n, Receiver::Wait)),
                    (NodeKind::Gateway(GatewayKind::EventBased), ExecKind::Token) => {
                        if let Some(t) = node.outgoing.iter().map(|f| p.flow(*f).target).find(|t| matches!(&p.node(*t).kind, NodeKind::IntermediateCatch { def: EventDef::Signal(s) } if s == name)) {
                            targets.push((e.id, t, Receiver::EventGateway));
                        }
                    }
                    _ => {}
                }
                if self.is_waiting_activity(e) {
                    for b in &node.boundaries {
                        if matches!(&p.node(*b).kind, NodeKind::Boundary { def: EventDef::Signal(s), .. } if s == name)
                        {
                            targets.push((e.id, *b, Receiver::Boundary));
                        }
                    }
                }
            }
            if matches!(
                e.kind,
                ExecKind::Scope | ExecKind::CallScope | ExecKind::EventScope
            ) {
                let (ip, iscope) = self.inner_of(e.id);
                let p2 = self.process(ip);
                for esp in p2.event_subprocesses(iscope) {
                    for s in p2.nodes_in(Some(esp)) {
                        if matches!(&p2.node(s).kind, NodeKind::Start { def: EventDef::Signal(x), .. } if x == name)
                        {
                            targets.push((e.id, s, Receiver::EventSub));
                        }
                    }
                }
            }
        }
        targets.sort_by_key(|(id, _, _)| self.e(*id).seq);
        for (exec, node, how) in targets {
            if self.e(exec).alive {
                self.receive(exec, node, how);
            }
        }
    }

    fn fire_timer(&mut self, timer: u32) -> Result<(), EngineError> {
        let t = self
            .inst
            .timers
            .get(timer as usize)
            .filter(|t| t.alive)
            .cloned()
            .ok_or(EngineError::NoSuchTimer(timer))?;
        if !self.e(t.owner).alive {
            return Err(EngineError::NoSuchTimer(timer));
        }
        let node_id = self.node_id(t.proc, t.node);
        self.events.push(Event::TimerFired {
            timer,
            node: node_id,
        });
        let fired = t.fired + 1;
        // A repeating non-interrupting timer schedules its next firing before acting.
        let kind = &self.process(t.proc).node(t.node).kind;
        let repeats = matches!(
            &kind,
            NodeKind::Boundary {
                cancel_activity: false,
                ..
            } | NodeKind::Start {
                interrupting: false,
                ..
            }
        );
        let next_due = if repeats && t.spec.is_repeating() {
            t.spec.due_ms(t.activated_ms, fired, &self.reg.calendar)
        } else {
            None
        };
        {
            let tm = &mut self.inst.timers[timer as usize];
            tm.fired = fired;
            match next_due {
                Some(d) => tm.due_ms = d,
                None => tm.alive = false,
            }
        }
        match kind {
            NodeKind::IntermediateCatch { .. } => {
                if self.e(t.owner).node == Some(t.node) {
                    self.agenda.push_back(Step::Leave { exec: t.owner });
                } else {
                    self.take_event_gateway(t.owner, t.node);
                }
            }
            NodeKind::Boundary { .. } => self.trigger_boundary(t.owner, t.node),
            NodeKind::Start { .. } => self.trigger_event_subprocess(t.owner, t.node),
            _ => {}
        }
        Ok(())
    }

    // ---- the agenda ----

    fn drain(&mut self) {
        let mut guard = 0_u32;
        loop {
            while let Some(step) = self.agenda.pop_front() {
                guard += 1;
                if guard > 1_000_000 {
                    self.fail(
                        "",
                        "the instance did not come to rest (an endless loop without a wait state)",
                    );
                    return;
                }
                if self.inst.status != Status::Running {
                    self.agenda.clear();
                    return;
                }
                match step {
                    Step::Enter { exec, node, via } => {
                        if self.e(exec).alive {
                            self.enter(exec, node, via);
                        }
                    }
                    Step::Leave { exec } => {
                        if self.e(exec).alive {
                            self.leave(exec);
                        }
                    }
                }
            }
            // Inclusive joins may become ready when other branches die or wait elsewhere.
            if !self.check_inclusive_joins() {
                break;
            }
        }
    }

    fn enter(&mut self, exec: ExecId, node: NodeIx, via: Option<FlowIx>) {
        let proc = self.e(exec).proc;
        let seq = self.next_seq();
        {
            let now = self.now;
            let e = self.em(exec);
            e.node = Some(node);
            e.seq = seq;
            e.activated_ms = now;
            if e.kind == ExecKind::Token && e.task.is_some() {
                e.task = None;
            }
        }
        let n = self.process(proc).node(node);
        self.events.push(Event::NodeEntered {
            exec,
            node: n.id.clone(),
        });
        if n.multi_instance.is_some() && !self.e(exec).mi_inner {
            self.start_multi_instance(exec, n);
            return;
        }
        if let Some(l) = &n.standard_loop {
            if l.test_before && !self.loop_continues(exec, l) {
                // Zero iterations: the activity is skipped, not completed.
                self.follow(exec, node);
                return;
            }
        }
        match &n.kind {
            NodeKind::Start { .. } | NodeKind::Boundary { .. } => {
                self.agenda.push_back(Step::Leave { exec })
            }
            NodeKind::End { def } => self.end(exec, node, def.clone()),
            NodeKind::IntermediateThrow { def } => {
                match def {
                    EventDef::Signal(s) => self.signal(s),
                    EventDef::Escalation(code) => self.throw_escalation(exec, &n.id, code.clone()),
                    _ => {}
                }
                if self.e(exec).alive {
                    self.agenda.push_back(Step::Leave { exec });
                }
            }
            NodeKind::IntermediateCatch { def } => match def {
                EventDef::Timer(t) => self.schedule_timer(exec, proc, node, t),
                EventDef::Message(_) | EventDef::Signal(_) => {}
                _ => self.agenda.push_back(Step::Leave { exec }),
            },
            NodeKind::Task(kind) => self.enter_task(exec, node, n, kind.clone()),
            NodeKind::Gateway(g) => self.enter_gateway(exec, node, via, *g),
            NodeKind::SubProcess { .. } => {
                self.em(exec).kind = ExecKind::Scope;
                self.attach_boundaries(exec, n);
                self.begin_scope(exec, proc, Some(node));
                match self.process(proc).none_start(Some(node)) {
                    Some(s) => {
                        let child = self.spawn(Some(exec), proc, ExecKind::Token);
                        self.agenda.push_back(Step::Enter {
                            exec: child,
                            node: s,
                            via: None,
                        });
                    }
                    None => self.fail(&n.id, "the sub-process has no none start event"),
                }
            }
            NodeKind::CallActivity { called_element } => {
                let Some(callee) = self.reg.get(called_element) else {
                    self.fail(
                        &n.id,
                        format!("called process {called_element:?} is missing"),
                    );
                    return;
                };
                let Some(start) = callee.process.none_start(None) else {
                    self.fail(
                        &n.id,
                        format!("called process {called_element:?} has no none start event"),
                    );
                    return;
                };
                let cp = match self.inst.procs.iter().position(|p| p == called_element) {
                    Some(i) => i as u16,
                    None => {
                        self.inst.procs.push(called_element.clone());
                        (self.inst.procs.len() - 1) as u16
                    }
                };
                {
                    let e = self.em(exec);
                    e.kind = ExecKind::CallScope;
                    e.callee = Some(cp);
                }
                self.attach_boundaries(exec, n);
                self.begin_scope(exec, cp, None);
                let child = self.spawn(Some(exec), cp, ExecKind::Token);
                self.agenda.push_back(Step::Enter {
                    exec: child,
                    node: start,
                    via: None,
                });
            }
        }
    }

    /// The process and scope node whose nodes a scope execution contains.
    fn inner_of(&self, scope: ExecId) -> (u16, Option<NodeIx>) {
        let e = self.e(scope);
        match e.kind {
            ExecKind::CallScope => (e.callee.unwrap_or(e.proc), None),
            _ => (e.proc, e.node),
        }
    }

    /// Schedules the timers of a scope's event sub-processes.
    fn begin_scope(&mut self, scope: ExecId, proc: u16, scope_node: Option<NodeIx>) {
        let p = self.process(proc);
        for esp in p.event_subprocesses(scope_node) {
            for s in p.nodes_in(Some(esp)) {
                if let NodeKind::Start {
                    def: EventDef::Timer(t),
                    ..
                } = &p.node(s).kind
                {
                    let t = t.clone();
                    self.schedule_timer(scope, proc, s, &t);
                }
            }
        }
    }

    fn attach_boundaries(&mut self, exec: ExecId, n: &Node) {
        let proc = self.e(exec).proc;
        for b in &n.boundaries {
            if let NodeKind::Boundary {
                def: EventDef::Timer(t),
                ..
            } = &self.process(proc).node(*b).kind
            {
                let t = t.clone();
                self.schedule_timer(exec, proc, *b, &t);
            }
        }
    }

    fn schedule_timer(&mut self, owner: ExecId, proc: u16, node: NodeIx, t: &TimerDef) {
        let node_id = self.node_id(proc, node);
        let spec = match &t.spec {
            Some(s) => s.clone(),
            None => {
                let text = match Expr::parse(&t.text)
                    .map_err(|e| e.to_string())
                    .and_then(|e| self.eval(owner, &e))
                {
                    Ok(Value::String(s)) => s,
                    Ok(other) => other.to_string(),
                    Err(e) => {
                        self.fail(&node_id, format!("timer expression: {e}"));
                        return;
                    }
                };
                let parsed = match t.form {
                    TimerForm::Duration => TimerSpec::parse_duration(&text),
                    TimerForm::Cycle => TimerSpec::parse_cycle(&text),
                    TimerForm::Date => TimerSpec::parse_date(&text),
                };
                match parsed {
                    Ok(s) => s,
                    Err(e) => {
                        self.fail(&node_id, format!("timer {text:?}: {e}"));
                        return;
                    }
                }
            }
        };
        // Timers start only while the instance runs, so every pause so far ended before this
        // clock started and none of them counts against it.
        let (due, assumed_years) = match spec.working_day_due(self.now, &[], 0, &self.reg.calendar)
        {
            Some(d) => (Some(d.due_ms), d.assumed_years),
            None => (spec.due_ms(self.now, 0, &self.reg.calendar), Vec::new()),
        };
        let Some(due) = due else {
            return;
        };
        let id = self.inst.timers.len() as u32;
        self.inst.timers.push(Timer {
            id,
            owner,
            proc,
            node,
            spec,
            activated_ms: self.now,
            fired: 0,
            due_ms: due,
            alive: true,
            assumed_years,
            paused_workdays: 0,
            extra_workdays: 0,
        });
        self.events.push(Event::TimerScheduled {
            timer: id,
            node: node_id,
            due_ms: due,
        });
    }

    fn cancel_timers_of(&mut self, owner: ExecId) {
        let mut cancelled = Vec::new();
        for t in &mut self.inst.timers {
            if t.alive && t.owner == owner {
                t.alive = false;
                cancelled.push(t.id);
            }
        }
        for id in cancelled {
            self.events.push(Event::TimerCancelled { timer: id });
        }
    }

    fn enter_task(&mut self, exec: ExecId, node: NodeIx, n: &Node, kind: TaskKind) {
        match kind {
            TaskKind::Plain => self.agenda.push_back(Step::Leave { exec }),
            TaskKind::Send => {
                // A designer 抄送 node is a send task whose rule names the readers.
                let rule = n
                    .ext
                    .get("copy_to")
                    .cloned()
                    .or_else(|| n.assignment.rule.clone());
                if let Some(users) = rule.as_deref().and_then(|r| r.strip_prefix("user:")) {
                    let by = self.inst.initiator.clone();
                    for reader in users.split(',').map(str::trim).filter(|u| !u.is_empty()) {
                        self.inst.copies.push(CarbonCopy {
                            node: n.id.clone(),
                            reader: reader.to_owned(),
                            by: by.clone(),
                            at_ms: self.now,
                            read_at_ms: None,
                        });
                        self.events.push(Event::Copied {
                            node: n.id.clone(),
                            reader: reader.to_owned(),
                            by: by.clone(),
                        });
                    }
                }
                self.agenda.push_back(Step::Leave { exec });
            }
            TaskKind::User | TaskKind::Manual => {
                let assignee = match n.assignment.assignee.as_deref() {
                    Some(a) if a.starts_with("${") || a.starts_with("#{") => match Expr::parse(a)
                        .map_err(|e| e.to_string())
                        .and_then(|e| self.eval(exec, &e))
                    {
                        Ok(Value::String(s)) => Some(s),
                        Ok(Value::Null) => None,
                        Ok(other) => Some(other.to_string()),
                        Err(e) => {
                            self.fail(&n.id, format!("assignee expression: {e}"));
                            return;
                        }
                    },
                    other => other.map(str::to_owned),
                };
                let assignee = match self.em(exec).locals.remove("#assign_to") {
                    Some(Value::String(u)) => Some(u),
                    _ => assignee,
                };
                // Rules that need no organisation data resolve here; `dept:` and `leader:`
                // are left to the runtime (it answers with `Command::Assign`).
                let mut candidate_users = n.assignment.candidate_users.clone();
                let mut candidate_groups = n.assignment.candidate_groups.clone();
                let assignee = match (assignee, n.assignment.rule.as_deref()) {
                    (Some(a), _) => Some(a),
                    (None, Some(rule))
                        if rule.starts_with("user:") && candidate_users.is_empty() =>
                    {
                        let users: Vec<String> = rule["user:".len()..]
                            .split(',')
                            .map(|u| u.trim().to_owned())
                            .filter(|u| !u.is_empty())
                            .collect();
                        if users.len() == 1 {
                            users.into_iter().next()
                        } else {
                            candidate_users = users;
                            None
                        }
                    }
                    (None, Some(rule))
                        if rule.starts_with("role:") && candidate_groups.is_empty() =>
                    {
                        candidate_groups = vec![rule["role:".len()..].trim().to_owned()];
                        None
                    }
                    (None, Some(rule)) if rule.starts_with("expr:") => {
                        match Expr::parse(&rule["expr:".len()..])
                            .map_err(|e| e.to_string())
                            .and_then(|e| self.eval(exec, &e))
                        {
                            Ok(Value::String(s)) => Some(s),
                            Ok(_) => None,
                            Err(e) => {
                                self.fail(&n.id, format!("assignment expression: {e}"));
                                return;
                            }
                        }
                    }
                    (None, _) => None,
                };
                let previous = self
                    .e(exec)
                    .locals
                    .get("#previous")
                    .and_then(|v| serde_json::from_value(v.clone()).ok());
                let item = WorkItem {
                    assignee: assignee.clone(),
                    candidate_users: candidate_users.clone(),
                    candidate_groups: candidate_groups.clone(),
                    previous,
                    ..WorkItem::default()
                };
                self.em(exec).task = Some(item);
                self.events.push(Event::TaskCreated {
                    exec,
                    node: n.id.clone(),
                    name: n.name.clone(),
                    assignee,
                    candidate_users,
                    candidate_groups,
                });
                self.attach_boundaries(exec, n);
            }
            TaskKind::Receive { .. } => self.attach_boundaries(exec, n),
            TaskKind::Service { handler } => match self.reg.services.get(&handler) {
                Some(f) => {
                    let vars = self.inst.vars.clone();
                    match f(&vars) {
                        Ok(out) => {
                            for (k, v) in out {
                                self.inst.vars.insert(k, v);
                            }
                            self.agenda.push_back(Step::Leave { exec });
                        }
                        Err(code) => self.throw_error(exec, &n.id, Some(code)),
                    }
                }
                None => self.fail(
                    &n.id,
                    format!("no service handler registered for type {handler:?}"),
                ),
            },
            TaskKind::BusinessRule { expr, result_var } => match expr {
                Some(e) => match self.eval(exec, &e) {
                    Ok(v) => {
                        self.inst.vars.insert(result_var, v);
                        self.agenda.push_back(Step::Leave { exec });
                    }
                    Err(e) => self.fail(&n.id, e),
                },
                None => self.fail(&n.id, "the business rule task has no expression"),
            },
        }
        let _ = node;
    }

    fn enter_gateway(&mut self, exec: ExecId, node: NodeIx, via: Option<FlowIx>, g: GatewayKind) {
        let proc = self.e(exec).proc;
        let n = self.process(proc).node(node);
        let joining =
            n.incoming.len() > 1 && matches!(g, GatewayKind::Parallel | GatewayKind::Inclusive);
        if joining {
            let Some(scope) = self.e(exec).parent else {
                return;
            };
            let arrivals = self.em(scope).joins.entry(node).or_default();
            arrivals.push(via.unwrap_or(u32::MAX));
            self.kill(exec);
            match g {
                GatewayKind::Parallel => {
                    let ready = n.incoming.iter().all(|f| {
                        self.e(scope)
                            .joins
                            .get(&node)
                            .is_some_and(|a| a.contains(f))
                    });
                    if ready {
                        if let Some(a) = self.em(scope).joins.get_mut(&node) {
                            for f in &n.incoming {
                                if let Some(p) = a.iter().position(|x| x == f) {
                                    a.remove(p);
                                }
                            }
                        }
                        self.fire_join(scope, proc, node);
                    }
                }
                _ => {
                    if self.inclusive_ready(scope, proc, node) {
                        self.em(scope).joins.remove(&node);
                        self.fire_join(scope, proc, node);
                    }
                }
            }
            return;
        }
        match g {
            GatewayKind::EventBased => {
                let p = self.process(proc);
                for f in &n.outgoing {
                    let t = p.flow(*f).target;
                    if let NodeKind::IntermediateCatch {
                        def: EventDef::Timer(td),
                    } = &p.node(t).kind
                    {
                        let td = td.clone();
                        self.schedule_timer(exec, proc, t, &td);
                    }
                }
            }
            _ => self.agenda.push_back(Step::Leave { exec }),
        }
    }

    /// A join fired: one token continues from the gateway.
    fn fire_join(&mut self, scope: ExecId, proc: u16, node: NodeIx) {
        let tok = self.spawn(Some(scope), proc, ExecKind::Token);
        {
            let now = self.now;
            let e = self.em(tok);
            e.node = Some(node);
            e.activated_ms = now;
        }
        self.agenda.push_back(Step::Leave { exec: tok });
    }

    /// An inclusive join is ready when no live token of its scope can still reach it.
    fn inclusive_ready(&self, scope: ExecId, proc: u16, node: NodeIx) -> bool {
        let c = self.compiled(proc);
        !self.inst.execs.iter().any(|e| {
            e.alive
                && e.parent == Some(scope)
                && e.node.is_some_and(|n| n == node || c.reaches(n, node))
        })
    }

    /// Fires inclusive joins that became ready; true when one did.
    fn check_inclusive_joins(&mut self) -> bool {
        if self.inst.status != Status::Running {
            return false;
        }
        let mut ready = None;
        'outer: for e in self
            .inst
            .execs
            .iter()
            .filter(|e| e.alive && !e.joins.is_empty())
        {
            let (proc, _) = self.inner_of(e.id);
            for (g, arrivals) in &e.joins {
                if arrivals.is_empty() {
                    continue;
                }
                if matches!(
                    self.process(proc).node(*g).kind,
                    NodeKind::Gateway(GatewayKind::Inclusive)
                ) && self.inclusive_ready(e.id, proc, *g)
                {
                    ready = Some((e.id, proc, *g));
                    break 'outer;
                }
            }
        }
        match ready {
            Some((scope, proc, g)) => {
                self.em(scope).joins.remove(&g);
                self.fire_join(scope, proc, g);
                true
            }
            None => false,
        }
    }

    fn loop_continues(&self, exec: ExecId, l: &StandardLoop) -> bool {
        let iter = self.e(exec).loop_iter;
        if l.maximum.is_some_and(|m| iter >= m) {
            return false;
        }
        match &l.condition {
            Some(c) => self.eval_bool(exec, c).unwrap_or(false),
            None => l.maximum.is_some(),
        }
    }

    fn leave(&mut self, exec: ExecId) {
        let e = self.e(exec).clone();
        let Some(node) = e.node else {
            return;
        };
        let n = self.process(e.proc).node(node);
        if e.kind != ExecKind::MiBody {
            self.events.push(Event::NodeCompleted {
                exec,
                node: n.id.clone(),
            });
        }
        self.cancel_timers_of(exec);
        if let Some(l) = &n.standard_loop {
            if e.kind != ExecKind::MiBody {
                self.em(exec).loop_iter += 1;
                if self.loop_continues(exec, l) {
                    self.em(exec).kind = ExecKind::Token;
                    self.agenda.push_back(Step::Enter {
                        exec,
                        node,
                        via: None,
                    });
                    return;
                }
            }
        }
        if e.mi_inner {
            let body = e.parent;
            self.kill(exec);
            if let Some(b) = body {
                self.inner_done(b);
            }
            return;
        }
        if let Some(target) = e.return_to {
            // 退回 with direct return: straight back to the task that sent it back.
            let ex = self.em(exec);
            ex.return_to = None;
            ex.kind = ExecKind::Token;
            ex.locals.insert(
                "#previous".to_owned(),
                json!((n.id.clone(), exec, Value::Null)),
            );
            self.agenda.push_back(Step::Enter {
                exec,
                node: target,
                via: None,
            });
            return;
        }
        self.em(exec).kind = ExecKind::Token;
        self.follow(exec, node);
    }

    /// Moves the token out of `node` along the flows its kind selects.
    fn follow(&mut self, exec: ExecId, node: NodeIx) {
        let proc = self.e(exec).proc;
        let p = self.process(proc);
        let n = p.node(node);
        let mut chosen: Vec<FlowIx> = Vec::new();
        let gateway = match &n.kind {
            NodeKind::Gateway(g) => Some(*g),
            _ => None,
        };
        match gateway {
            Some(GatewayKind::Parallel) => chosen.extend(n.outgoing.iter().copied()),
            Some(GatewayKind::Exclusive)
                if n.outgoing.len() > 1
                    || n.outgoing.iter().any(|f| p.flow(*f).condition.is_some()) =>
            {
                for f in &n.outgoing {
                    if Some(*f) == n.default_flow {
                        continue;
                    }
                    match &p.flow(*f).condition {
                        None => {
                            chosen.push(*f);
                            break;
                        }
                        Some(c) => match self.eval_bool(exec, c) {
                            Ok(true) => {
                                chosen.push(*f);
                                break;
                            }
                            Ok(false) => {}
                            Err(e) => {
                                self.fail(&n.id, format!("condition on {}: {e}", p.flow(*f).id));
                                return;
                            }
                        },
                    }
                }
                if chosen.is_empty() {
                    match n.default_flow {
                        Some(d) => chosen.push(d),
                        None => {
                            self.fail(
                                &n.id,
                                "no outgoing condition is true and there is no default flow",
                            );
                            return;
                        }
                    }
                }
            }
            _ => {
                let conditional = gateway == Some(GatewayKind::Inclusive)
                    || n.outgoing.iter().any(|f| p.flow(*f).condition.is_some());
                if conditional {
                    for f in &n.outgoing {
                        if Some(*f) == n.default_flow {
                            continue;
                        }
                        match &p.flow(*f).condition {
                            None => chosen.push(*f),
                            Some(c) => match self.eval_bool(exec, c) {
                                Ok(true) => chosen.push(*f),
                                Ok(false) => {}
                                Err(e) => {
                                    self.fail(
                                        &n.id,
                                        format!("condition on {}: {e}", p.flow(*f).id),
                                    );
                                    return;
                                }
                            },
                        }
                    }
                    if chosen.is_empty() {
                        match n.default_flow {
                            Some(d) => chosen.push(d),
                            None if gateway == Some(GatewayKind::Inclusive)
                                || !n.outgoing.is_empty() =>
                            {
                                self.fail(
                                    &n.id,
                                    "no outgoing condition is true and there is no default flow",
                                );
                                return;
                            }
                            None => {}
                        }
                    }
                } else {
                    chosen.extend(n.outgoing.iter().copied());
                }
            }
        }
        if chosen.is_empty() {
            // An activity without outgoing flows ends its token (implicit end event).
            let parent = self.e(exec).parent;
            self.kill(exec);
            if let Some(s) = parent {
                self.check_scope_complete(s);
            }
            return;
        }
        let parent = self.e(exec).parent;
        let previous = self.previous_marker(exec, n);
        for (i, f) in chosen.iter().enumerate() {
            let target = p.flow(*f).target;
            let tok = if i == 0 {
                exec
            } else {
                self.spawn(parent, proc, ExecKind::Token)
            };
            if let Some(prev) = &previous {
                self.em(tok)
                    .locals
                    .insert("#previous".to_owned(), prev.clone());
            } else {
                self.em(tok).locals.remove("#previous");
            }
            self.agenda.push_back(Step::Enter {
                exec: tok,
                node: target,
                via: Some(*f),
            });
        }
    }

    /// When a user task completes, the next tasks remember it (for 撤回).
    fn previous_marker(&self, exec: ExecId, n: &Node) -> Option<Value> {
        if matches!(n.kind, NodeKind::Task(TaskKind::User | TaskKind::Manual)) {
            let by = self
                .e(exec)
                .locals
                .get("#completed_by")
                .cloned()
                .unwrap_or(Value::Null);
            Some(json!((n.id.clone(), exec, by)))
        } else if matches!(n.kind, NodeKind::Gateway(_)) {
            self.e(exec).locals.get("#previous").cloned()
        } else {
            None
        }
    }

    fn end(&mut self, exec: ExecId, node: NodeIx, def: EventDef) {
        let proc = self.e(exec).proc;
        let id = self.node_id(proc, node);
        match def {
            EventDef::Terminate => {
                self.events.push(Event::NodeCompleted { exec, node: id });
                let scope = self.e(exec).parent;
                self.kill(exec);
                if let Some(s) = scope {
                    self.cancel_children(s);
                    self.check_scope_complete(s);
                }
            }
            EventDef::Error(code) => {
                self.events.push(Event::NodeCompleted {
                    exec,
                    node: id.clone(),
                });
                self.throw_error(exec, &id, code);
            }
            other => {
                match other {
                    EventDef::Signal(s) => self.signal(&s),
                    EventDef::Escalation(code) => self.throw_escalation(exec, &id, code),
                    _ => {}
                }
                if self.e(exec).alive {
                    self.events.push(Event::NodeCompleted { exec, node: id });
                    let scope = self.e(exec).parent;
                    self.kill(exec);
                    if let Some(s) = scope {
                        self.check_scope_complete(s);
                    }
                }
            }
        }
    }

    /// Marks an execution dead without cancelling it (it finished).
    fn kill(&mut self, exec: ExecId) {
        self.cancel_timers_of(exec);
        let e = self.em(exec);
        e.alive = false;
        e.task = None;
    }

    /// Cancels an execution and everything under it, children first, in id order so the
    /// outcome never depends on anything but the state.
    pub(crate) fn cancel(&mut self, exec: ExecId) {
        if !self.e(exec).alive {
            return;
        }
        self.cancel_children(exec);
        let e = self.e(exec).clone();
        if let Some(n) = e.node {
            let id = self.node_id(e.proc, n);
            if e.task.is_some() {
                self.events.push(Event::TaskCancelled {
                    exec,
                    node: id.clone(),
                });
            }
            self.events.push(Event::NodeCancelled { exec, node: id });
        }
        self.kill(exec);
    }

    pub(crate) fn cancel_children(&mut self, scope: ExecId) {
        let children: Vec<ExecId> = self
            .inst
            .execs
            .iter()
            .filter(|e| e.alive && e.parent == Some(scope))
            .map(|e| e.id)
            .collect();
        for c in children {
            self.cancel(c);
        }
        self.em(scope).joins.clear();
    }

    fn check_scope_complete(&mut self, scope: ExecId) {
        if !self.e(scope).alive
            || self
                .inst
                .execs
                .iter()
                .any(|e| e.alive && e.parent == Some(scope))
        {
            return;
        }
        let s = self.e(scope).clone();
        if s.joins.values().any(|a| !a.is_empty()) && s.kind != ExecKind::MiBody {
            // Tokens wait at a join that can no longer fire: leave them for the join check.
            if s.joins.iter().any(|(g, a)| {
                !a.is_empty()
                    && matches!(
                        self.process(self.inner_of(scope).0).node(*g).kind,
                        NodeKind::Gateway(GatewayKind::Inclusive)
                    )
            }) {
                return;
            }
        }
        match (s.kind, s.parent) {
            (ExecKind::Scope, None) => {
                self.kill(scope);
                self.inst.status = Status::Completed;
                for t in &mut self.inst.timers {
                    t.alive = false;
                }
                self.events.push(Event::Completed);
            }
            (ExecKind::EventScope, parent) => {
                let id = s.node.map(|n| self.node_id(s.proc, n)).unwrap_or_default();
                self.events.push(Event::NodeCompleted {
                    exec: scope,
                    node: id,
                });
                self.kill(scope);
                if let Some(p) = parent {
                    self.check_scope_complete(p);
                }
            }
            (ExecKind::Scope | ExecKind::CallScope, Some(_)) => {
                self.agenda.push_back(Step::Leave { exec: scope })
            }
            _ => {}
        }
    }

    // ---- multi-instance ----

    fn start_multi_instance(&mut self, exec: ExecId, n: &Node) {
        let Some(mi) = &n.multi_instance else {
            return;
        };
        let items: Vec<Value> = if let Some(c) = &mi.collection {
            match self.eval(exec, c) {
                Ok(Value::Array(a)) => a,
                Ok(Value::Null) => Vec::new(),
                Ok(other) => {
                    self.fail(
                        &n.id,
                        format!("the multi-instance collection is not a list: {other}"),
                    );
                    return;
                }
                Err(e) => {
                    self.fail(&n.id, e);
                    return;
                }
            }
        } else if let Some(c) = &mi.cardinality {
            match self.eval(exec, c) {
                Ok(v) => match v
                    .as_u64()
                    .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                {
                    Some(k) if k <= 10_000 => (0..k).map(Value::from).collect(),
                    _ => {
                        self.fail(
                            &n.id,
                            format!("loop cardinality must be a whole number up to 10000, got {v}"),
                        );
                        return;
                    }
                },
                Err(e) => {
                    self.fail(&n.id, e);
                    return;
                }
            }
        } else {
            self.fail(
                &n.id,
                "the multi-instance activity has neither a collection nor a cardinality",
            );
            return;
        };
        let total = items.len() as u32;
        let weights: Vec<f64> = items
            .iter()
            .map(|it| {
                mi.weight_var
                    .as_ref()
                    .and_then(|w| it.get(w))
                    .and_then(Value::as_f64)
                    .unwrap_or(1.0)
            })
            .collect();
        {
            let e = self.em(exec);
            e.kind = ExecKind::MiBody;
            e.mi = Some(MiState {
                total,
                completed: 0,
                active: 0,
                next: 0,
                items,
                approved: 0,
                rejected: 0,
                approved_weight: 0.0,
                total_weight: weights.iter().sum(),
            });
        }
        self.attach_boundaries(exec, n);
        if total == 0 {
            self.agenda.push_back(Step::Leave { exec });
            return;
        }
        let first_batch = if mi.sequential { 1 } else { total };
        for _ in 0..first_batch {
            self.spawn_inner(exec, n);
        }
    }

    fn spawn_inner(&mut self, body: ExecId, n: &Node) {
        let (proc, node) = (self.e(body).proc, self.e(body).node);
        let Some(node) = node else {
            return;
        };
        let Some(mut mi) = self.e(body).mi.clone() else {
            return;
        };
        let i = mi.next;
        mi.next += 1;
        mi.active += 1;
        let item = mi.items.get(i as usize).cloned().unwrap_or(Value::Null);
        self.em(body).mi = Some(mi);
        let inner = self.spawn(Some(body), proc, ExecKind::Token);
        {
            let element_var = n
                .multi_instance
                .as_ref()
                .and_then(|m| m.element_var.clone());
            let weight = n
                .multi_instance
                .as_ref()
                .and_then(|m| m.weight_var.as_ref())
                .and_then(|w| item.get(w))
                .and_then(Value::as_f64)
                .unwrap_or(1.0);
            let e = self.em(inner);
            e.mi_inner = true;
            e.locals.insert("loopCounter".to_owned(), json!(i));
            e.locals.insert("#weight".to_owned(), json!(weight));
            if let Some(v) = element_var {
                e.locals.insert(v, item);
            }
        }
        self.agenda.push_back(Step::Enter {
            exec: inner,
            node,
            via: None,
        });
    }

    fn inner_done(&mut self, body: ExecId) {
        if !self.e(body).alive {
            return;
        }
        if let Some(mi) = &mut self.em(body).mi {
            mi.completed += 1;
            mi.active = mi.active.saturating_sub(1);
        }
        let Some(node) = self.e(body).node else {
            return;
        };
        let proc = self.e(body).proc;
        let n = self.process(proc).node(node);
        let Some(spec) = &n.multi_instance else {
            return;
        };
        let Some(mi) = self.e(body).mi.clone() else {
            return;
        };
        let condition_met = match &spec.completion {
            Some(c) => match self.eval_bool(body, c) {
                Ok(b) => b,
                Err(e) => {
                    self.fail(&n.id, format!("completion condition: {e}"));
                    return;
                }
            },
            None => false,
        };
        if condition_met || mi.completed >= mi.total {
            self.cancel_children(body);
            self.agenda.push_back(Step::Leave { exec: body });
        } else if spec.sequential && mi.next < mi.total {
            self.spawn_inner(body, n);
        }
    }

    // ---- errors, escalations, boundaries, event sub-processes ----

    fn throw_error(&mut self, from: ExecId, element: &str, code: Option<String>) {
        let matches = |def: &EventDef| matches!(def, EventDef::Error(c) if c.is_none() || code.is_none() || c == &code);
        let mut cur = if self.e(from).kind == ExecKind::Token {
            self.e(from).parent
        } else {
            Some(from)
        };
        // A service task throwing catches on its own boundary first.
        if self.e(from).kind == ExecKind::Token {
            if let Some(b) = self.boundary_matching(from, &matches) {
                self.events.push(Event::ErrorThrown {
                    node: element.to_owned(),
                    code: code.clone(),
                    caught_by: Some(self.node_id(self.e(from).proc, b)),
                });
                self.trigger_boundary(from, b);
                return;
            }
            self.kill(from);
        }
        while let Some(scope) = cur {
            let (ip, iscope) = self.inner_of(scope);
            let p = self.process(ip);
            let handler = p
                .event_subprocesses(iscope)
                .flat_map(|esp| p.nodes_in(Some(esp)).collect::<Vec<_>>())
                .find(|s| matches!(&p.node(*s).kind, NodeKind::Start { def, .. } if matches(def)));
            if let Some(h) = handler {
                self.events.push(Event::ErrorThrown {
                    node: element.to_owned(),
                    code: code.clone(),
                    caught_by: Some(p.node(h).id.clone()),
                });
                self.trigger_event_subprocess(scope, h);
                return;
            }
            if let Some(b) = self.boundary_matching(scope, &matches) {
                self.events.push(Event::ErrorThrown {
                    node: element.to_owned(),
                    code: code.clone(),
                    caught_by: Some(self.node_id(self.e(scope).proc, b)),
                });
                self.trigger_boundary(scope, b);
                return;
            }
            cur = self.e(scope).parent;
        }
        self.events.push(Event::ErrorThrown {
            node: element.to_owned(),
            code: code.clone(),
            caught_by: None,
        });
        self.fail(
            element,
            format!(
                "error {} was not caught",
                code.unwrap_or_else(|| "(no code)".to_owned())
            ),
        );
    }

    fn throw_escalation(&mut self, from: ExecId, element: &str, code: Option<String>) {
        let matches = |def: &EventDef| matches!(def, EventDef::Escalation(c) if c.is_none() || code.is_none() || c == &code);
        let mut cur = self.e(from).parent;
        while let Some(scope) = cur {
            let (ip, iscope) = self.inner_of(scope);
            let p = self.process(ip);
            let handler = p
                .event_subprocesses(iscope)
                .flat_map(|esp| p.nodes_in(Some(esp)).collect::<Vec<_>>())
                .find(|s| matches!(&p.node(*s).kind, NodeKind::Start { def, .. } if matches(def)));
            if let Some(h) = handler {
                self.events.push(Event::EscalationThrown {
                    node: element.to_owned(),
                    code,
                    caught_by: Some(p.node(h).id.clone()),
                });
                self.trigger_event_subprocess(scope, h);
                return;
            }
            if let Some(b) = self.boundary_matching(scope, &matches) {
                self.events.push(Event::EscalationThrown {
                    node: element.to_owned(),
                    code,
                    caught_by: Some(self.node_id(self.e(scope).proc, b)),
                });
                self.trigger_boundary(scope, b);
                return;
            }
            cur = self.e(scope).parent;
        }
        // An uncaught escalation is not a failure (BPMN: it is non-critical).
        self.events.push(Event::EscalationThrown {
            node: element.to_owned(),
            code,
            caught_by: None,
        });
    }

    fn boundary_matching(
        &self,
        activity: ExecId,
        matches: &dyn Fn(&EventDef) -> bool,
    ) -> Option<NodeIx> {
        let e = self.e(activity);
        let n = e.node?;
        let p = self.process(e.proc);
        p.node(n)
            .boundaries
            .iter()
            .copied()
            .find(|b| matches!(&p.node(*b).kind, NodeKind::Boundary { def, .. } if matches(def)))
    }

    /// A boundary event fired on `activity`: interrupting ones cancel it first.
    fn trigger_boundary(&mut self, activity: ExecId, boundary: NodeIx) {
        let proc = self.e(activity).proc;
        let cancel = matches!(
            self.process(proc).node(boundary).kind,
            NodeKind::Boundary {
                cancel_activity: true,
                ..
            }
        );
        let parent = self.e(activity).parent;
        if cancel {
            self.cancel(activity);
        }
        let tok = self.spawn(parent, proc, ExecKind::Token);
        self.agenda.push_back(Step::Enter {
            exec: tok,
            node: boundary,
            via: None,
        });
    }

    fn trigger_event_subprocess(&mut self, scope: ExecId, start: NodeIx) {
        let (proc, _) = self.inner_of(scope);
        let p = self.process(proc);
        let Some(esp) = p.node(start).scope else {
            return;
        };
        let interrupting = matches!(
            p.node(start).kind,
            NodeKind::Start {
                interrupting: true,
                ..
            }
        );
        if interrupting {
            self.cancel_children(scope);
            self.cancel_timers_of(scope);
        }
        let body = self.spawn(Some(scope), proc, ExecKind::EventScope);
        self.em(body).node = Some(esp);
        self.events.push(Event::NodeEntered {
            exec: body,
            node: p.node(esp).id.clone(),
        });
        let tok = self.spawn(Some(body), proc, ExecKind::Token);
        self.agenda.push_back(Step::Enter {
            exec: tok,
            node: start,
            via: None,
        });
    }

    /// An event after an event-based gateway happened: the gateway completes and the token
    /// passes through that event; the other branches are dropped.
    fn take_event_gateway(&mut self, exec: ExecId, target: NodeIx) {
        let proc = self.e(exec).proc;
        if let Some(g) = self.e(exec).node {
            let gid = self.node_id(proc, g);
            self.events.push(Event::NodeCompleted { exec, node: gid });
        }
        self.cancel_timers_of(exec);
        let tid = self.node_id(proc, target);
        let seq = self.next_seq();
        let e = self.em(exec);
        e.node = Some(target);
        e.seq = seq;
        self.events.push(Event::NodeEntered { exec, node: tid });
        self.agenda.push_back(Step::Leave { exec });
    }
}

#[derive(Debug, Clone, Copy)]
enum Receiver {
    Wait,
    EventGateway,
    Boundary,
    EventSub,
}

/// The approval operations live in `ops`; they use the same run.
fn self_ops<'r, 'a>(run: &'r mut Run<'a>) -> crate::ops::OpsRun<'r, 'a> {
    crate::ops::OpsRun { run }
}

// Accessors for the operations module (kept here so `Run` stays private to the engine).
impl<'a> Run<'a> {
    pub(crate) fn inst(&mut self) -> &mut Instance {
        self.inst
    }
    pub(crate) fn inst_ref(&self) -> &Instance {
        self.inst
    }
    pub(crate) fn calendar(&self) -> &'a fgf_domain::Calendar {
        &self.reg.calendar
    }
    pub(crate) fn now(&self) -> i64 {
        self.now
    }
    pub(crate) fn push_event(&mut self, e: Event) {
        self.events.push(e);
    }
    pub(crate) fn proc_of(&self, proc: u16) -> &Process {
        self.process(proc)
    }
    pub(crate) fn compiled_of(&self, proc: u16) -> &Compiled {
        self.compiled(proc)
    }
    pub(crate) fn spawn_token(&mut self, parent: Option<ExecId>, proc: u16) -> ExecId {
        self.spawn(parent, proc, ExecKind::Token)
    }
    pub(crate) fn schedule_enter(&mut self, exec: ExecId, node: NodeIx) {
        self.agenda.push_back(Step::Enter {
            exec,
            node,
            via: None,
        });
    }
    pub(crate) fn node_name(&self, proc: u16, n: NodeIx) -> String {
        self.node_id(proc, n)
    }
    pub(crate) fn end_instance(&mut self, reason: String) {
        let root: Vec<ExecId> = self
            .inst
            .execs
            .iter()
            .filter(|e| e.alive && e.parent.is_none())
            .map(|e| e.id)
            .collect();
        for r in root {
            self.cancel(r);
        }
        for t in &mut self.inst.timers {
            t.alive = false;
        }
        self.inst.status = Status::Terminated {
            reason: reason.clone(),
        };
        self.events.push(Event::Terminated { reason });
    }
    pub(crate) fn fresh_seq(&mut self) -> u64 {
        self.next_seq()
    }
    pub(crate) fn schedule_leave(&mut self, exec: ExecId) {
        self.agenda.push_back(Step::Leave { exec });
    }
}

/// The messages and signals an instance waits for by name: catch events, receive tasks,
/// targets of event-based gateways, boundary events of waiting activities and the starts of
/// event sub-processes in live scopes. The runtime indexes these to route what arrives.
pub fn subscriptions(
    reg: &Registry,
    inst: &Instance,
) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    if inst.status != Status::Running {
        return out;
    }
    let mut add = |def: &EventDef| match def {
        EventDef::Message(m) => {
            out.insert(("message".to_owned(), m.clone()));
        }
        EventDef::Signal(s) => {
            out.insert(("signal".to_owned(), s.clone()));
        }
        _ => {}
    };
    for e in inst.execs.iter().filter(|e| e.alive) {
        let Some(c) = inst.procs.get(e.proc as usize).and_then(|p| reg.get(p)) else {
            continue;
        };
        let p = &c.process;
        if let Some(n) = e.node {
            let node = p.node(n);
            match &node.kind {
                NodeKind::IntermediateCatch { def } if e.kind == ExecKind::Token => add(def),
                NodeKind::Task(TaskKind::Receive { message }) if e.kind == ExecKind::Token => {
                    add(&EventDef::Message(message.clone()))
                }
                NodeKind::Gateway(GatewayKind::EventBased) => {
                    for f in &node.outgoing {
                        match &p.node(p.flow(*f).target).kind {
                            NodeKind::IntermediateCatch { def } => add(def),
                            NodeKind::Task(TaskKind::Receive { message }) => {
                                add(&EventDef::Message(message.clone()))
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
            if !e.mi_inner && node.kind.is_activity() {
                for b in &node.boundaries {
                    if let NodeKind::Boundary { def, .. } = &p.node(*b).kind {
                        add(def);
                    }
                }
            }
        }
        if matches!(
            e.kind,
            ExecKind::Scope | ExecKind::CallScope | ExecKind::EventScope
        ) {
            let (ip, scope) = match e.kind {
                ExecKind::CallScope => (e.callee.unwrap_or(e.proc), None),
                _ => (e.proc, e.node),
            };
            let Some(c2) = inst.procs.get(ip as usize).and_then(|p| reg.get(p)) else {
                continue;
            };
            let p2 = &c2.process;
            for esp in p2.event_subprocesses(scope) {
                for st in p2.nodes_in(Some(esp)) {
                    if let NodeKind::Start { def, .. } = &p2.node(st).kind {
                        add(def);
                    }
                }
            }
        }
    }
    out
}

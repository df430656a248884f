//! `fgf process simulate` and `fgf process bench`: run an instance in memory by the
//! deterministic rules of the CLI contract (DESIGN.md).

use crate::exec::{apply, Command, Event, Instance, Registry, Status, Vars};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    pub vars: Vars,
    /// Variables set each time the task with this id is completed.
    pub task_vars: BTreeMap<String, Vars>,
    pub messages: Vec<String>,
    /// User tasks completed only as a last resort.
    pub hold: Vec<String>,
    /// Unix milliseconds the simulation starts at.
    pub start_ms: i64,
    pub max_steps: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimError {
    pub element: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimResult {
    pub completed: bool,
    pub trace: Vec<String>,
    pub variables: Vars,
    pub waiting: Vec<String>,
    pub error: Option<SimError>,
}

/// 2026-01-05 09:00 +08:00, a Monday: simulations start on a working morning.
pub const DEFAULT_START_MS: i64 = 1_767_574_800_000;

pub fn simulate(reg: &Registry, process: &str, opts: &SimOptions) -> SimResult {
    let mut trace = Vec::new();
    let mut inst = Instance::new(process);
    let mut now = if opts.start_ms == 0 {
        DEFAULT_START_MS
    } else {
        opts.start_ms
    };
    let record = |events: &[Event], trace: &mut Vec<String>| {
        for e in events {
            if let Event::NodeCompleted { node, .. } = e {
                trace.push(node.clone());
            }
        }
    };
    let res = apply(
        reg,
        &mut inst,
        Command::Start {
            vars: opts.vars.clone(),
            initiator: None,
        },
        now,
    );
    let mut error = match res {
        Ok(ev) => {
            record(&ev, &mut trace);
            None
        }
        Err(e) => Some(SimError {
            element: process.to_owned(),
            message: e.to_string(),
        }),
    };
    let mut messages: std::collections::VecDeque<String> = opts.messages.iter().cloned().collect();
    let max = if opts.max_steps == 0 {
        100_000
    } else {
        opts.max_steps
    };
    let mut steps = 0;
    while error.is_none() && inst.status == Status::Running && steps < max {
        steps += 1;
        let open = inst.open_tasks();
        let node_of = |e: &crate::exec::Exec| {
            e.node
                .map(|n| {
                    reg.get(&inst.procs[e.proc as usize])
                        .map(|c| c.process.node(n).id.clone())
                        .unwrap_or_default()
                })
                .unwrap_or_default()
        };
        let free = if opts.hold.is_empty() {
            open.first().map(|e| (e.id, node_of(e)))
        } else {
            open.iter()
                .find(|e| !opts.hold.contains(&node_of(e)))
                .map(|e| (e.id, node_of(e)))
        };
        let cmd = if let Some((exec, node)) = free {
            Command::CompleteTask {
                exec,
                vars: opts.task_vars.get(&node).cloned().unwrap_or_default(),
                by: None,
            }
        } else if let Some(pos) = messages
            .front()
            .filter(|m| waits_for(reg, &inst, m))
            .map(|_| 0)
        {
            let name = messages.remove(pos).unwrap_or_default();
            Command::Message {
                name,
                vars: Vars::new(),
            }
        } else if let Some(t) = inst.live_timers().first().map(|t| (t.id, t.due_ms)) {
            now = now.max(t.1);
            Command::FireTimer { timer: t.0 }
        } else if let Some((exec, node)) = open.first().map(|e| (e.id, node_of(e))) {
            Command::CompleteTask {
                exec,
                vars: opts.task_vars.get(&node).cloned().unwrap_or_default(),
                by: None,
            }
        } else {
            break;
        };
        match apply(reg, &mut inst, cmd, now) {
            Ok(ev) => record(&ev, &mut trace),
            Err(e) => {
                error = Some(SimError {
                    element: String::new(),
                    message: e.to_string(),
                })
            }
        }
    }
    if let Status::Failed { element, message } = &inst.status {
        error = Some(SimError {
            element: element.clone(),
            message: message.clone(),
        });
    }
    let mut waiting: Vec<(u64, String)> = inst
        .execs
        .iter()
        .filter(|e| e.alive && e.node.is_some())
        .filter_map(|e| {
            e.node.and_then(|n| {
                reg.get(&inst.procs[e.proc as usize])
                    .map(|c| (e.seq, c.process.node(n).id.clone()))
            })
        })
        .collect();
    waiting.sort();
    SimResult {
        completed: inst.status == Status::Completed,
        trace,
        variables: inst.vars.clone(),
        waiting: waiting.into_iter().map(|(_, id)| id).collect(),
        error,
    }
}

/// Whether some execution waits for the message (without delivering it).
fn waits_for(reg: &Registry, inst: &Instance, name: &str) -> bool {
    let mut probe = inst.clone();
    apply(
        reg,
        &mut probe,
        Command::Message {
            name: name.to_owned(),
            vars: Vars::new(),
        },
        0,
    )
    .is_ok()
}

/// Parses `--task-vars`/`--vars` style JSON objects.
pub fn vars_from_json(v: &Value) -> Result<Vars, String> {
    match v {
        Value::Object(m) => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Value::Null => Ok(Vars::new()),
        other => Err(format!("expected a JSON object, got {other}")),
    }
}

//! The static validator: a definition is checked before it can be published, and
//! `fgf process check` prints what it finds. Each problem names its element.

use crate::bpmn::ImportProblem;
use crate::exec::Registry;
use crate::model::*;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub element: String,
    pub message: String,
}

fn p(element: &str, message: impl Into<String>) -> Problem {
    Problem {
        element: element.to_owned(),
        message: message.into(),
    }
}

/// Checks a definition. `registry` (with the service handlers and other deployed processes)
/// lets it check service types and called processes; `import_problems` are carried over.
pub fn check(
    def: &Definition,
    import_problems: &[ImportProblem],
    registry: Option<&Registry>,
) -> Vec<Problem> {
    let mut out: Vec<Problem> = import_problems
        .iter()
        .map(|i| p(&i.element, i.message.clone()))
        .collect();
    for u in &def.unsupported {
        out.push(p(
            &u.element,
            format!("unsupported element <{}>: {}", u.tag, u.reason),
        ));
    }
    for proc in &def.processes {
        check_process(def, proc, registry, &mut out);
    }
    out.sort_by(|a, b| {
        (a.element.as_str(), a.message.as_str()).cmp(&(b.element.as_str(), b.message.as_str()))
    });
    out.dedup();
    out
}

fn check_process(
    def: &Definition,
    proc: &Process,
    registry: Option<&Registry>,
    out: &mut Vec<Problem>,
) {
    let has_start = proc
        .nodes_in(None)
        .any(|i| matches!(proc.node(i).kind, NodeKind::Start { .. }));
    if !has_start && proc.executable {
        out.push(p(&proc.id, "the process has no start event"));
    }
    // Reachability: from every start event, event sub-process start and boundary event.
    let mut seen: BTreeSet<NodeIx> = BTreeSet::new();
    let mut stack: Vec<NodeIx> = Vec::new();
    for (i, n) in proc.nodes.iter().enumerate() {
        let i = i as NodeIx;
        let root = match &n.kind {
            NodeKind::Start { .. } => n.scope.is_none_or(|s| seen_scope_start(proc, s)),
            NodeKind::Boundary { .. } => true,
            NodeKind::SubProcess {
                triggered_by_event: true,
            } => true,
            _ => false,
        };
        if root {
            stack.push(i);
        }
    }
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        let n = proc.node(i);
        stack.extend(n.outgoing.iter().map(|f| proc.flow(*f).target));
        if matches!(n.kind, NodeKind::SubProcess { .. }) {
            stack.extend(
                proc.nodes_in(Some(i))
                    .filter(|c| matches!(proc.node(*c).kind, NodeKind::Start { .. })),
            );
        }
        stack.extend(n.boundaries.iter().copied());
        if let Some(s) = n.scope {
            stack.push(s);
        }
    }
    for (i, n) in proc.nodes.iter().enumerate() {
        if !seen.contains(&(i as NodeIx)) {
            out.push(p(&n.id, "cannot be reached from any start event"));
        }
    }
    // Every path ends: from each node some node without outgoing flows is reachable.
    for (i, n) in proc.nodes.iter().enumerate() {
        if !can_end(proc, i as NodeIx) {
            out.push(p(
                &n.id,
                "no path from here reaches an end: the process can never finish",
            ));
        }
        check_node(def, proc, n, registry, out);
    }
}

fn seen_scope_start(proc: &Process, scope: NodeIx) -> bool {
    matches!(proc.node(scope).kind, NodeKind::SubProcess { .. })
}

fn can_end(proc: &Process, from: NodeIx) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        let n = proc.node(i);
        if n.outgoing.is_empty() || n.standard_loop.is_some() {
            return true;
        }
        stack.extend(n.outgoing.iter().map(|f| proc.flow(*f).target));
    }
    false
}

fn check_node(
    def: &Definition,
    proc: &Process,
    n: &Node,
    registry: Option<&Registry>,
    out: &mut Vec<Problem>,
) {
    match &n.kind {
        NodeKind::Task(TaskKind::User | TaskKind::Manual) => {
            if n.assignment.is_empty() {
                out.push(p(&n.id, "the user task has no assignment rule (assignee, candidate users or groups, or fgf:rule)"));
            }
            if let Some(rule) = &n.assignment.rule {
                let ok = ["user:", "role:", "dept:", "leader:", "expr:"]
                    .iter()
                    .any(|pre| rule.starts_with(pre) && rule.len() > pre.len());
                if !ok {
                    out.push(p(&n.id, format!("assignment rule {rule:?} is not one of user:, role:, dept:, leader:, expr:")));
                }
            }
            for (attr, allowed) in [
                (&n.assignment.on_empty, &["skip", "admin", "stop"][..]),
                (&n.assignment.on_initiator, &["allow", "skip", "leader"][..]),
            ] {
                if let Some(v) = attr {
                    if !allowed.contains(&v.as_str()) {
                        out.push(p(&n.id, format!("{v:?} is not one of {allowed:?}")));
                    }
                }
            }
        }
        NodeKind::Task(TaskKind::Service { handler }) => {
            if handler.is_empty() {
                out.push(p(
                    &n.id,
                    "the service task names no handler type (fgf:type)",
                ));
            } else if let Some(r) = registry {
                if !r.has_service(handler) {
                    out.push(p(
                        &n.id,
                        format!("no service handler is registered for type {handler:?}"),
                    ));
                }
            }
        }
        NodeKind::Task(TaskKind::Receive { message }) if message.is_empty() => {
            out.push(p(&n.id, "the receive task names no message"))
        }
        NodeKind::Gateway(g @ (GatewayKind::Exclusive | GatewayKind::Inclusive))
            if n.outgoing.len() > 1 =>
        {
            let unconditioned: Vec<&str> = n
                .outgoing
                .iter()
                .filter(|f| Some(**f) != n.default_flow && proc.flow(**f).condition.is_none())
                .map(|f| proc.flow(*f).id.as_str())
                .collect();
            if !unconditioned.is_empty() {
                out.push(p(&n.id, format!("the {} has outgoing flows without a condition that are not its default: {}", g.tag(), unconditioned.join(", "))));
            }
        }
        NodeKind::Gateway(GatewayKind::EventBased) => {
            for f in &n.outgoing {
                let t = proc.node(proc.flow(*f).target);
                if !matches!(
                    t.kind,
                    NodeKind::IntermediateCatch { .. } | NodeKind::Task(TaskKind::Receive { .. })
                ) {
                    out.push(p(&n.id, format!("an event-based gateway may only lead to catch events or receive tasks, not {}", t.id)));
                }
            }
        }
        NodeKind::CallActivity { called_element } => {
            if called_element.is_empty() {
                out.push(p(&n.id, "the call activity names no called process"));
            } else if def.process(called_element).is_none()
                && registry.is_some_and(|r| r.get(called_element).is_none())
            {
                out.push(p(
                    &n.id,
                    format!("called process {called_element:?} is not deployed"),
                ));
            }
        }
        NodeKind::Start {
            def: EventDef::Timer(t),
            ..
        }
        | NodeKind::IntermediateCatch {
            def: EventDef::Timer(t),
        }
        | NodeKind::Boundary {
            def: EventDef::Timer(t),
            ..
        } if t.text.trim().is_empty() => {
            out.push(p(&n.id, "the timer has no duration"));
        }
        NodeKind::Boundary { attached_to, .. } if !proc.node(*attached_to).kind.is_activity() => {
            out.push(p(&n.id, "a boundary event must be attached to an activity"));
        }
        NodeKind::SubProcess {
            triggered_by_event: true,
        } => {
            let starts: Vec<NodeIx> = proc
                .nodes_in(Some(proc.find(&n.id).unwrap_or(0)))
                .filter(|i| matches!(proc.node(*i).kind, NodeKind::Start { .. }))
                .collect();
            if starts.len() != 1
                || starts.iter().any(|s| {
                    matches!(
                        proc.node(*s).kind,
                        NodeKind::Start {
                            def: EventDef::None,
                            ..
                        }
                    )
                })
            {
                out.push(p(&n.id, "an event sub-process needs exactly one start event with a trigger (message, timer, signal, error or escalation)"));
            }
        }
        _ => {}
    }
    if let Some(mi) = &n.multi_instance {
        if mi.collection.is_none() && mi.cardinality.is_none() {
            out.push(p(
                &n.id,
                "the multi-instance activity has neither a collection nor a cardinality",
            ));
        }
    }
    if n.outgoing.len() > 1 && n.kind.is_activity() {
        // Several plain flows out of an activity fork in parallel; that is legal BPMN.
    }
}

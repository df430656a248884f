//! The approval operations Chinese approval work needs, built on the token model rather than
//! patched onto it (the anchors' trackers are full of 驳回 breaking on parallel and
//! multi-instance nodes). The engine checks that an operation fits the state; who may do
//! it is the runtime's decision.
//!
//! Effect of each operation on the deadline clocks:
//! * 退回 send back, 撤回 withdraw: the target node starts a new clock when re-entered; the
//!   instance's statutory clock runs on.
//! * 转办 transfer, 委派 delegate / resolve, 认领 claim, 加签 / 减签, 抄送, 催办: no effect.
//! * 挂起 suspend / 激活 resume: the pause is recorded (start, end, reason; RULES.md §1.4). A
//!   working-day deadline is counted again from its activation with the working days of the
//!   pauses left out, so it stops for those days and no others; other timers are pushed back by
//!   the pause's wall-clock length.
//! * 终止 terminate: all clocks stop.

use crate::exec::{
    CarbonCopy, Command, EngineError, Event, ExecId, ExecKind, Instance, Pause, Run,
};
use crate::model::{NodeIx, NodeKind, TaskKind};
use crate::timer::{due_date, TimerSpec, WorkdayCalendar};
use serde_json::{json, Value};

pub(crate) struct OpsRun<'r, 'a> {
    pub run: &'r mut Run<'a>,
}

fn open_task(run: &Run<'_>, exec: ExecId) -> Result<(), EngineError> {
    match run.inst_ref().exec(exec) {
        Some(e) if e.task.is_some() => Ok(()),
        _ => Err(EngineError::NoSuchTask(exec)),
    }
}

fn op_event(run: &mut Run<'_>, op: &str, exec: Option<ExecId>, by: Option<String>, detail: Value) {
    run.push_event(Event::Operation {
        op: op.to_owned(),
        exec,
        by,
        detail,
    });
}

/// Ends the open pause at `end` and moves the live timers: working-day ones are counted again
/// from their activation with every ended pause left out; the others are pushed back by the
/// pause's length.
fn resume(inst: &mut Instance, since: i64, end: i64, cal: &fgf_domain::Calendar) {
    // Time suspended that no recorded pause accounts for: a state stored before pauses were
    // kept, whose working-day timers were already pushed back by wall-clock time.
    let before = inst.ended_pauses();
    let recorded: i64 = before.iter().map(|(s, e)| e - s).sum();
    let unrecorded = inst.suspended_ms > recorded;
    match inst.pauses.last_mut() {
        Some(open) if open.end_ms.is_none() => open.end_ms = Some(end),
        // Suspended by a state stored before pauses were kept: the pause begins then.
        _ => inst.pauses.push(Pause {
            start_ms: since,
            end_ms: Some(end),
            reason: None,
        }),
    }
    inst.suspended_since = None;
    inst.suspended_ms += end - since;
    let pauses = inst.ended_pauses();
    for t in inst.timers.iter_mut().filter(|t| t.alive) {
        if !matches!(t.spec, TimerSpec::WorkingDays(_)) {
            // Durations and cycles measure elapsed time ("remind after 4 hours"), so the time
            // the instance stood still is given back in full; a date timer moves with them, as
            // before, so a suspension never lets it fire while nobody may act.
            t.due_ms += end - since;
            continue;
        }
        if unrecorded {
            // Keep the old wall-clock push: the working days between the due date the recorded
            // pauses explain and the stored one become extra working days.
            let explained = t
                .spec
                .working_day_due(t.activated_ms, &before, t.extra_workdays, cal);
            if let (Some(explained), Some(stored)) = (
                explained.and_then(|d| due_date(d.due_ms)),
                due_date(t.due_ms),
            ) {
                let lost = WorkdayCalendar::workdays_between(cal, explained, stored);
                t.extra_workdays = t
                    .extra_workdays
                    .saturating_add(u32::try_from(lost.max(0)).unwrap_or(u32::MAX));
            }
        }
        if let Some(d) = t
            .spec
            .working_day_due(t.activated_ms, &pauses, t.extra_workdays, cal)
        {
            t.due_ms = d.due_ms;
            t.paused_workdays = d.paused_workdays;
            t.assumed_years = d.assumed_years;
        }
    }
}

pub(crate) fn operation(o: OpsRun<'_, '_>, cmd: Command) -> Result<(), EngineError> {
    let run = o.run;
    match cmd {
        Command::SendBack {
            exec,
            target,
            return_direct,
            by,
        } => {
            open_task(run, exec)?;
            if !run.inst_ref().completed_tasks.contains(&target) {
                return Err(EngineError::InvalidTransition(format!(
                    "{target} is not an earlier completed user task"
                )));
            }
            let current = run.inst_ref().execs[exec as usize].node;
            rewind(
                run,
                exec,
                &target,
                if return_direct { current } else { None },
            )?;
            op_event(
                run,
                "send_back",
                Some(exec),
                by,
                json!({ "target": target, "return_direct": return_direct }),
            );
            Ok(())
        }
        Command::Withdraw { exec, by } => {
            open_task(run, exec)?;
            let e = &run.inst_ref().execs[exec as usize];
            let Some((prev, _, prev_by)) = e.task.as_ref().and_then(|t| t.previous.clone()) else {
                return Err(EngineError::InvalidTransition(
                    "this task has no previous task to withdraw to".to_owned(),
                ));
            };
            if let (Some(b), Some(p)) = (&by, &prev_by) {
                if b != p {
                    return Err(EngineError::InvalidTransition(format!(
                        "only {p}, who completed {prev}, may withdraw",
                        p = p,
                        prev = prev
                    )));
                }
            }
            // Every task that the previous completion created must still be untouched.
            let touched = run.inst_ref().open_tasks().iter().any(|t| {
                t.task.as_ref().is_some_and(|w| {
                    w.touched && w.previous.as_ref().is_some_and(|(p, _, _)| *p == prev)
                })
            });
            if touched {
                return Err(EngineError::InvalidTransition(
                    "the next task was already claimed or handled; it can no longer be withdrawn"
                        .to_owned(),
                ));
            }
            rewind(run, exec, &prev, None)?;
            op_event(run, "withdraw", Some(exec), by, json!({ "target": prev }));
            Ok(())
        }
        Command::Transfer { exec, to, by } => {
            open_task(run, exec)?;
            reassign(run, exec, Some(to), "transfer", by, |t| {
                t.owner = None;
                t.touched = true;
            });
            Ok(())
        }
        Command::Delegate { exec, to, by } => {
            open_task(run, exec)?;
            let current = run.inst_ref().execs[exec as usize]
                .task
                .as_ref()
                .and_then(|t| t.assignee.clone())
                .or_else(|| by.clone());
            if run.inst_ref().execs[exec as usize]
                .task
                .as_ref()
                .is_some_and(|t| t.owner.is_some())
            {
                return Err(EngineError::InvalidTransition(
                    "the task is already delegated".to_owned(),
                ));
            }
            reassign(run, exec, Some(to), "delegate", by, move |t| {
                t.owner = current.clone();
                t.touched = true;
            });
            Ok(())
        }
        Command::Resolve { exec, vars, by } => {
            open_task(run, exec)?;
            let owner = run.inst_ref().execs[exec as usize]
                .task
                .as_ref()
                .and_then(|t| t.owner.clone());
            let Some(owner) = owner else {
                return Err(EngineError::InvalidTransition(
                    "the task is not delegated".to_owned(),
                ));
            };
            for (k, v) in vars {
                run.inst().vars.insert(k, v);
            }
            reassign(run, exec, Some(owner), "resolve", by, |t| t.owner = None);
            Ok(())
        }
        Command::Claim { exec, user } => {
            open_task(run, exec)?;
            let t = run.inst_ref().execs[exec as usize]
                .task
                .clone()
                .unwrap_or_default();
            if t.assignee.as_deref().is_some_and(|a| a != user) {
                return Err(EngineError::InvalidTransition(format!(
                    "the task is already assigned to {}",
                    t.assignee.unwrap_or_default()
                )));
            }
            if t.candidate_users.is_empty() && t.candidate_groups.is_empty() && t.assignee.is_none()
            {
                return Err(EngineError::InvalidTransition(
                    "the task has no candidates to claim from".to_owned(),
                ));
            }
            reassign(run, exec, Some(user.clone()), "claim", Some(user), |t| {
                t.claimed = true;
                t.touched = true;
            });
            Ok(())
        }
        Command::Unclaim { exec, by } => {
            open_task(run, exec)?;
            if !run.inst_ref().execs[exec as usize]
                .task
                .as_ref()
                .is_some_and(|t| t.claimed)
            {
                return Err(EngineError::InvalidTransition(
                    "the task was not claimed".to_owned(),
                ));
            }
            reassign(run, exec, None, "unclaim", by, |t| t.claimed = false);
            Ok(())
        }
        Command::AddSigner {
            exec,
            user,
            before,
            by,
        } => {
            open_task(run, exec)?;
            let e = run.inst_ref().execs[exec as usize].clone();
            if e.mi_inner {
                add_mi_instance(run, exec, &user)?;
            } else if before {
                let node = e.node.ok_or(EngineError::NoSuchTask(exec))?;
                let added = run.spawn_token(e.parent, e.proc);
                {
                    let a = &mut run.inst().execs[added as usize];
                    a.locals.insert("#added_before".to_owned(), json!(exec));
                }
                run.schedule_enter(added, node);
                if let Some(t) = run.inst().execs[exec as usize].task.as_mut() {
                    t.waiting_for.push(added);
                    t.touched = true;
                }
                // The added task is created by the agenda; assign it once it exists.
                run.inst().execs[added as usize]
                    .locals
                    .insert("#assign_to".to_owned(), json!(user));
            } else if let Some(t) = run.inst().execs[exec as usize].task.as_mut() {
                t.then_signers.push(user.clone());
            }
            op_event(
                run,
                "add_signer",
                Some(exec),
                by,
                json!({ "user": user, "before": before }),
            );
            Ok(())
        }
        Command::RemoveSigner { exec, by } => {
            open_task(run, exec)?;
            let e = run.inst_ref().execs[exec as usize].clone();
            let Some(body) = e.parent.filter(|_| e.mi_inner) else {
                return Err(EngineError::InvalidTransition(
                    "only a signer of a countersign (multi-instance) task can be removed"
                        .to_owned(),
                ));
            };
            let remaining = run
                .inst_ref()
                .execs
                .iter()
                .filter(|x| x.alive && x.parent == Some(body))
                .count();
            let pending = run.inst_ref().execs[body as usize]
                .mi
                .as_ref()
                .map_or(0, |m| m.total - m.next);
            if remaining + pending as usize <= 1 {
                return Err(EngineError::InvalidTransition(
                    "the last signer cannot be removed".to_owned(),
                ));
            }
            run.cancel(exec);
            if let Some(mi) = run.inst().execs[body as usize].mi.as_mut() {
                mi.total = mi.total.saturating_sub(1);
                mi.active = mi.active.saturating_sub(1);
            }
            op_event(run, "remove_signer", Some(exec), by, json!({}));
            let (completed, total) = run.inst_ref().execs[body as usize]
                .mi
                .as_ref()
                .map_or((0, 0), |m| (m.completed, m.total));
            if completed >= total {
                run.inst().execs[body as usize].kind = ExecKind::MiBody;
                run.schedule_leave(body);
            }
            Ok(())
        }
        Command::CarbonCopy { node, readers, by } => {
            for r in readers {
                let now = run.now();
                run.inst().copies.push(CarbonCopy {
                    node: node.clone(),
                    reader: r.clone(),
                    by: by.clone(),
                    at_ms: now,
                    read_at_ms: None,
                });
                run.push_event(Event::Copied {
                    node: node.clone(),
                    reader: r,
                    by: by.clone(),
                });
            }
            Ok(())
        }
        Command::MarkRead { reader } => {
            let now = run.now();
            let mut n = 0;
            for c in run
                .inst()
                .copies
                .iter_mut()
                .filter(|c| c.reader == reader && c.read_at_ms.is_none())
            {
                c.read_at_ms = Some(now);
                n += 1;
            }
            if n == 0 {
                return Err(EngineError::InvalidTransition(format!(
                    "nothing unread for {reader}"
                )));
            }
            op_event(run, "mark_read", None, Some(reader), json!({ "count": n }));
            Ok(())
        }
        Command::Assign {
            exec,
            assignee,
            candidate_users,
        } => {
            open_task(run, exec)?;
            let (node, proc) = {
                let e = &mut run.inst().execs[exec as usize];
                if let Some(t) = e.task.as_mut() {
                    t.assignee.clone_from(&assignee);
                    t.candidate_users = candidate_users;
                }
                (e.node.unwrap_or(0), e.proc)
            };
            let node = run.node_name(proc, node);
            run.push_event(Event::TaskAssigned {
                exec,
                node,
                assignee,
                op: "assign".to_owned(),
                by: None,
            });
            Ok(())
        }
        Command::Urge { exec, by } => {
            open_task(run, exec)?;
            let (node, assignee, proc) = {
                let e = &mut run.inst().execs[exec as usize];
                let t = e.task.as_mut().ok_or(EngineError::NoSuchTask(exec))?;
                t.urged += 1;
                (e.node.unwrap_or(0), t.assignee.clone(), e.proc)
            };
            let node = run.node_name(proc, node);
            run.push_event(Event::Urged {
                exec,
                node,
                assignee,
                by,
            });
            Ok(())
        }
        Command::Suspend { by, reason } => {
            if run.inst_ref().suspended_since.is_some() {
                return Err(EngineError::InvalidTransition(
                    "the instance is already suspended".to_owned(),
                ));
            }
            let now = run.now();
            let reason = reason
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty());
            let inst = run.inst();
            inst.suspended_since = Some(now);
            inst.pauses.push(Pause {
                start_ms: now,
                end_ms: None,
                reason: reason.clone(),
            });
            let detail = match reason {
                Some(r) => json!({ "reason": r }),
                None => json!({}),
            };
            op_event(run, "suspend", None, by, detail);
            Ok(())
        }
        Command::Resume { by } => {
            let Some(since) = run.inst_ref().suspended_since else {
                return Err(EngineError::InvalidTransition(
                    "the instance is not suspended".to_owned(),
                ));
            };
            let now = run.now();
            let paused = (now - since).max(0);
            let cal = run.calendar();
            resume(run.inst(), since, now.max(since), cal);
            op_event(run, "resume", None, by, json!({ "paused_ms": paused }));
            Ok(())
        }
        Command::Terminate { reason, by } => {
            if reason.trim().is_empty() {
                return Err(EngineError::InvalidTransition(
                    "a reason is required to terminate".to_owned(),
                ));
            }
            op_event(run, "terminate", None, by, json!({ "reason": reason }));
            run.end_instance(reason);
            Ok(())
        }
        Command::Start { .. }
        | Command::StartAt { .. }
        | Command::CompleteTask { .. }
        | Command::Message { .. }
        | Command::Signal { .. }
        | Command::FireTimer { .. } => Err(EngineError::InvalidTransition(
            "not an operation".to_owned(),
        )),
    }
}

fn reassign(
    run: &mut Run<'_>,
    exec: ExecId,
    to: Option<String>,
    op: &str,
    by: Option<String>,
    f: impl FnOnce(&mut crate::exec::WorkItem),
) {
    let (node, proc) = {
        let e = &mut run.inst().execs[exec as usize];
        if let Some(t) = e.task.as_mut() {
            t.assignee.clone_from(&to);
            f(t);
        }
        (e.node.unwrap_or(0), e.proc)
    };
    let node = run.node_name(proc, node);
    run.push_event(Event::TaskAssigned {
        exec,
        node,
        assignee: to,
        op: op.to_owned(),
        by,
    });
}

/// 会签加签: one more inner instance for `user`.
fn add_mi_instance(run: &mut Run<'_>, inner: ExecId, user: &str) -> Result<(), EngineError> {
    let e = run.inst_ref().execs[inner as usize].clone();
    let body = e.parent.ok_or(EngineError::NoSuchTask(inner))?;
    let node = e.node.ok_or(EngineError::NoSuchTask(inner))?;
    let element_var = run
        .proc_of(e.proc)
        .node(node)
        .multi_instance
        .as_ref()
        .and_then(|m| m.element_var.clone());
    let index = {
        let b = &mut run.inst().execs[body as usize];
        let mi = b.mi.as_mut().ok_or(EngineError::NoSuchTask(inner))?;
        mi.items.push(json!(user));
        mi.total += 1;
        mi.total_weight += 1.0;
        mi.next
    };
    let sequential = run
        .proc_of(e.proc)
        .node(node)
        .multi_instance
        .as_ref()
        .is_some_and(|m| m.sequential);
    if !sequential {
        let added = run.spawn_token(Some(body), e.proc);
        {
            let a = &mut run.inst().execs[added as usize];
            a.mi_inner = true;
            a.locals.insert("loopCounter".to_owned(), json!(index));
            if let Some(v) = element_var {
                a.locals.insert(v, json!(user));
            }
            a.locals.insert("#assign_to".to_owned(), json!(user));
        }
        if let Some(mi) = run.inst().execs[body as usize].mi.as_mut() {
            mi.next += 1;
            mi.active += 1;
        }
        run.schedule_enter(added, node);
    }
    Ok(())
}

/// Moves the process back to `target` (an earlier node of the same or an enclosing scope):
/// every token downstream of `target` in that scope is cancelled (children first, in id
/// order), joins downstream are re-credited with the branches that are not re-run, and a
/// token starts at `target`.
fn rewind(
    run: &mut Run<'_>,
    from: ExecId,
    target: &str,
    return_to: Option<NodeIx>,
) -> Result<(), EngineError> {
    // Lift `from` to the execution that lives in the target's scope.
    let mut cur = from;
    let (scope, proc, t) = loop {
        let e = run.inst_ref().execs[cur as usize].clone();
        let Some(parent) = e.parent else {
            return Err(EngineError::InvalidTransition(format!(
                "{target} is not in a scope enclosing this task"
            )));
        };
        let pe = run.inst_ref().execs[parent as usize].clone();
        let (ip, iscope) = match pe.kind {
            ExecKind::CallScope => (pe.callee.unwrap_or(pe.proc), None),
            ExecKind::MiBody => {
                cur = parent;
                continue;
            }
            _ => (pe.proc, pe.node),
        };
        let p = run.proc_of(ip);
        if let Some(t) = p.find(target) {
            if p.node(t).scope == iscope {
                break (parent, ip, t);
            }
        }
        cur = parent;
    };
    if !matches!(
        run.proc_of(proc).node(t).kind,
        NodeKind::Task(TaskKind::User | TaskKind::Manual)
    ) {
        return Err(EngineError::InvalidTransition(format!(
            "{target} is not a user task"
        )));
    }
    let return_to = return_to.filter(|_| run.inst_ref().execs[cur as usize].proc == proc);
    let compiled = run.compiled_of(proc);
    let downstream: Vec<ExecId> = run
        .inst_ref()
        .execs
        .iter()
        .filter(|e| {
            e.alive
                && e.parent == Some(scope)
                && e.node.is_some_and(|n| n == t || compiled.reaches(t, n))
        })
        .map(|e| e.id)
        .collect();
    for d in downstream {
        run.cancel(d);
    }
    // Re-credit joins after the target with the branches that will not run again.
    let p = run.proc_of(proc).clone();
    let compiled = run.compiled_of(proc);
    let remaining: Vec<NodeIx> = run
        .inst_ref()
        .execs
        .iter()
        .filter(|e| e.alive && e.parent == Some(scope))
        .filter_map(|e| e.node)
        .collect();
    let mut joins = run.inst_ref().execs[scope as usize].joins.clone();
    for j in p.nodes_in(p.node(t).scope) {
        let jn = p.node(j);
        if jn.incoming.len() < 2
            || !matches!(jn.kind, NodeKind::Gateway(_))
            || !compiled.reaches(t, j)
        {
            continue;
        }
        let mut credited = Vec::new();
        for f in &jn.incoming {
            let src = p.flow(*f).source;
            let rerun = src == t || compiled.reaches(t, src);
            let still_coming = remaining
                .iter()
                .any(|n| *n == src || compiled.reaches(*n, src));
            if !rerun && !still_coming {
                credited.push(*f);
            }
        }
        if credited.is_empty() {
            joins.remove(&j);
        } else {
            joins.insert(j, credited);
        }
    }
    run.inst().execs[scope as usize].joins = joins;
    let tok = run.spawn_token(Some(scope), proc);
    run.inst().execs[tok as usize].return_to = return_to;
    let seq = run.fresh_seq();
    run.inst().execs[tok as usize].seq = seq;
    run.schedule_enter(tok, t);
    Ok(())
}

//! One test per construct and per approval operation, including the awkward ones the
//! anchors' trackers complain about.

use fgf_engine::exec::{apply, Command, Event, ExecId, Instance, Registry, Status, Vars};
use fgf_engine::simulate::{simulate, SimOptions};
use serde_json::json;

fn wrap(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:fgf="https://fangguanfu.example/bpmn" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
<message id="m_withdraw" name="withdraw"/><message id="m_pay" name="paid"/><error id="err_bad" errorCode="BAD"/><escalation id="esc_late" escalationCode="LATE"/><signal id="sig_go" name="go"/>
<process id="p" isExecutable="true">{body}</process></definitions>"#
    )
}

fn registry(body: &str) -> Registry {
    let (def, problems) = fgf_engine::import(&wrap(body)).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert!(def.unsupported.is_empty(), "{:?}", def.unsupported);
    let mut reg = Registry::default();
    reg.add(&def);
    reg
}

fn vars(v: serde_json::Value) -> Vars {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

struct Run {
    reg: Registry,
    inst: Instance,
    now: i64,
    trace: Vec<String>,
}

impl Run {
    fn start(body: &str, v: serde_json::Value) -> Run {
        let reg = registry(body);
        let mut r = Run {
            reg,
            inst: Instance::new("p"),
            now: 1_767_574_800_000,
            trace: Vec::new(),
        };
        r.cmd(Command::Start {
            vars: vars(v),
            initiator: Some("alice".to_owned()),
        })
        .unwrap();
        r
    }

    fn cmd(&mut self, c: Command) -> Result<Vec<Event>, fgf_engine::EngineError> {
        let ev = apply(&self.reg, &mut self.inst, c, self.now)?;
        for e in &ev {
            if let Event::NodeCompleted { node, .. } = e {
                self.trace.push(node.clone());
            }
        }
        Ok(ev)
    }

    fn task(&self, node: &str) -> ExecId {
        self.tasks(node)
            .first()
            .copied()
            .unwrap_or_else(|| panic!("no open task {node}; open: {:?}", self.open()))
    }

    fn tasks(&self, node: &str) -> Vec<ExecId> {
        let p = self.reg.get("p").unwrap();
        self.inst
            .open_tasks()
            .iter()
            .filter(|e| p.process.node(e.node.unwrap()).id == node)
            .map(|e| e.id)
            .collect()
    }

    fn open(&self) -> Vec<String> {
        let p = self.reg.get("p").unwrap();
        self.inst
            .open_tasks()
            .iter()
            .map(|e| p.process.node(e.node.unwrap()).id.clone())
            .collect()
    }

    fn complete(&mut self, node: &str, by: &str) {
        let t = self.task(node);
        self.cmd(Command::CompleteTask {
            exec: t,
            vars: Vars::new(),
            by: Some(by.to_owned()),
        })
        .unwrap();
    }

    fn count(&self, id: &str) -> usize {
        self.trace.iter().filter(|t| *t == id).count()
    }
}

const SEQ_PAR: &str = r#"
<startEvent id="s"/><userTask id="t0" camunda:assignee="alice"/><parallelGateway id="fork"/>
<userTask id="a" camunda:assignee="bob"/><userTask id="b" camunda:candidateGroups="reviewers"/><parallelGateway id="join"/>
<userTask id="c" camunda:assignee="carol"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t0"/><sequenceFlow id="f2" sourceRef="t0" targetRef="fork"/>
<sequenceFlow id="f3" sourceRef="fork" targetRef="a"/><sequenceFlow id="f4" sourceRef="fork" targetRef="b"/>
<sequenceFlow id="f5" sourceRef="a" targetRef="join"/><sequenceFlow id="f6" sourceRef="b" targetRef="join"/>
<sequenceFlow id="f7" sourceRef="join" targetRef="c"/><sequenceFlow id="f8" sourceRef="c" targetRef="e"/>"#;

#[test]
fn inclusive_join_waits_only_for_the_branches_taken() {
    let body = r#"
<startEvent id="s"/><inclusiveGateway id="split"/>
<userTask id="a" camunda:assignee="x"/><userTask id="b" camunda:assignee="x"/><userTask id="c" camunda:assignee="x"/>
<inclusiveGateway id="merge"/><endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="split"/>
<sequenceFlow id="fa" sourceRef="split" targetRef="a"><conditionExpression>${n &gt;= 1}</conditionExpression></sequenceFlow>
<sequenceFlow id="fb" sourceRef="split" targetRef="b"><conditionExpression>${n &gt;= 2}</conditionExpression></sequenceFlow>
<sequenceFlow id="fc" sourceRef="split" targetRef="c"><conditionExpression>${n &gt;= 3}</conditionExpression></sequenceFlow>
<sequenceFlow id="fa2" sourceRef="a" targetRef="merge"/><sequenceFlow id="fb2" sourceRef="b" targetRef="merge"/><sequenceFlow id="fc2" sourceRef="c" targetRef="merge"/>
<sequenceFlow id="fe" sourceRef="merge" targetRef="e"/>"#;
    let mut r = Run::start(body, json!({"n": 2}));
    assert_eq!(r.open(), vec!["a", "b"], "branch c was skipped");
    r.complete("a", "x");
    assert_eq!(r.count("merge"), 0, "b can still reach the join");
    r.complete("b", "x");
    assert_eq!(r.count("merge"), 1);
    assert_eq!(r.inst.status, Status::Completed);
}

#[test]
fn non_interrupting_timer_fires_twice_and_the_task_stays() {
    let body = r#"
<startEvent id="s"/><userTask id="review" camunda:assignee="x"/><endEvent id="e"/>
<boundaryEvent id="remind" attachedToRef="review" cancelActivity="false"><timerEventDefinition><timeCycle>R2/PT1H</timeCycle></timerEventDefinition></boundaryEvent>
<task id="urge"/><endEvent id="e2"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
<sequenceFlow id="f3" sourceRef="remind" targetRef="urge"/><sequenceFlow id="f4" sourceRef="urge" targetRef="e2"/>"#;
    let reg = registry(body);
    let res = simulate(
        &reg,
        "p",
        &SimOptions {
            hold: vec!["review".to_owned()],
            ..SimOptions::default()
        },
    );
    assert!(res.completed, "{res:?}");
    assert_eq!(res.trace.iter().filter(|t| *t == "urge").count(), 2);
    assert_eq!(res.trace.last().map(String::as_str), Some("e"));
}

#[test]
fn interrupting_timer_on_a_subprocess_cancels_it() {
    let body = r#"
<startEvent id="s"/><subProcess id="sub"><startEvent id="ss"/><userTask id="inner" camunda:assignee="x"/><endEvent id="se"/>
<sequenceFlow id="g1" sourceRef="ss" targetRef="inner"/><sequenceFlow id="g2" sourceRef="inner" targetRef="se"/></subProcess>
<boundaryEvent id="late" attachedToRef="sub"><timerEventDefinition><timeDuration>PT4H</timeDuration></timerEventDefinition></boundaryEvent>
<endEvent id="e"/><endEvent id="e_late"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="sub"/><sequenceFlow id="f2" sourceRef="sub" targetRef="e"/><sequenceFlow id="f3" sourceRef="late" targetRef="e_late"/>"#;
    let reg = registry(body);
    let res = simulate(
        &reg,
        "p",
        &SimOptions {
            hold: vec!["inner".to_owned()],
            ..SimOptions::default()
        },
    );
    assert!(res.completed);
    assert!(
        res.trace.contains(&"late".to_owned()) && !res.trace.contains(&"inner".to_owned()),
        "{:?}",
        res.trace
    );
}

#[test]
fn working_day_timer_counts_the_district_calendar() {
    // Activated Friday 2025-09-26 09:00: 5 working days is 2025-10-10 (RULES.md §1.6 row 1).
    let body = r#"
<startEvent id="s"/><intermediateCatchEvent id="wait"><timerEventDefinition fgf:workingDays="5"/></intermediateCatchEvent><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="wait"/><sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>"#;
    let mut r = Run::start(body, json!({}));
    r.inst = Instance::new("p");
    r.now = 1_758_848_400_000; // 2025-09-26 09:00 +08:00
    let ev = r
        .cmd(Command::Start {
            vars: Vars::new(),
            initiator: None,
        })
        .unwrap();
    let due = ev
        .iter()
        .find_map(|e| {
            if let Event::TimerScheduled { due_ms, .. } = e {
                Some(*due_ms)
            } else {
                None
            }
        })
        .unwrap();
    // End of 2025-10-10 (+08:00) = 2025-10-11 00:00 +08:00.
    assert_eq!(due, 1_760_112_000_000);
}

#[test]
fn send_back_into_a_multi_instance_task_reruns_every_signer() {
    let body = r#"
<startEvent id="s"/><userTask id="accept" camunda:assignee="clerk"/>
<userTask id="sign" camunda:assignee="${d}"><multiInstanceLoopCharacteristics isSequential="false" camunda:collection="depts" camunda:elementVariable="d"/></userTask>
<userTask id="decide" camunda:assignee="boss"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="accept"/><sequenceFlow id="f2" sourceRef="accept" targetRef="sign"/>
<sequenceFlow id="f3" sourceRef="sign" targetRef="decide"/><sequenceFlow id="f4" sourceRef="decide" targetRef="e"/>"#;
    let mut r = Run::start(body, json!({"depts": ["a", "b", "c"]}));
    r.complete("accept", "clerk");
    for _ in 0..3 {
        r.complete("sign", "x");
    }
    let t = r.task("decide");
    r.cmd(Command::SendBack {
        exec: t,
        target: "sign".to_owned(),
        return_direct: false,
        by: Some("boss".to_owned()),
    })
    .unwrap();
    assert_eq!(r.tasks("sign").len(), 3, "all three signers again");
    assert!(r.tasks("decide").is_empty());
    for _ in 0..3 {
        r.complete("sign", "x");
    }
    r.complete("decide", "boss");
    assert_eq!(r.inst.status, Status::Completed);
    assert_eq!(r.count("sign"), 6);
    assert_eq!(
        r.count("decide"),
        1,
        "the first decide was cancelled, not completed"
    );
}

#[test]
fn send_back_into_a_parallel_branch_keeps_the_other_branch_done() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    r.complete("t0", "alice");
    r.complete("a", "bob");
    let b = r.task("b");
    r.cmd(Command::Claim {
        exec: b,
        user: "dave".to_owned(),
    })
    .unwrap();
    r.complete("b", "dave");
    let c = r.task("c");
    r.cmd(Command::SendBack {
        exec: c,
        target: "a".to_owned(),
        return_direct: false,
        by: Some("carol".to_owned()),
    })
    .unwrap();
    assert_eq!(r.open(), vec!["a"], "only branch a runs again");
    r.complete("a", "bob");
    assert_eq!(
        r.open(),
        vec!["c"],
        "the join fires with b's earlier arrival"
    );
    r.complete("c", "carol");
    assert_eq!(r.inst.status, Status::Completed);
    assert_eq!((r.count("a"), r.count("b"), r.count("join")), (2, 1, 2));
}

#[test]
fn send_back_out_of_a_parallel_branch_cancels_the_siblings() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    r.complete("t0", "alice");
    r.complete("a", "bob");
    let b = r.task("b");
    let ev = r
        .cmd(Command::SendBack {
            exec: b,
            target: "t0".to_owned(),
            return_direct: false,
            by: None,
        })
        .unwrap();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::TaskCancelled { node, .. } if node == "b")));
    assert_eq!(r.open(), vec!["t0"]);
    r.complete("t0", "alice");
    assert_eq!(
        r.open(),
        vec!["a", "b"],
        "the join starts fresh: a must run again"
    );
}

#[test]
fn send_back_with_direct_return_comes_straight_back() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    r.complete("t0", "alice");
    r.complete("a", "bob");
    r.complete("b", "x");
    let c = r.task("c");
    r.cmd(Command::SendBack {
        exec: c,
        target: "t0".to_owned(),
        return_direct: true,
        by: Some("carol".to_owned()),
    })
    .unwrap();
    r.complete("t0", "alice");
    assert_eq!(
        r.open(),
        vec!["c"],
        "back to the sender, not through the branches"
    );
    assert_eq!(r.count("a"), 1);
}

#[test]
fn send_back_to_a_task_not_yet_done_is_refused_and_changes_nothing() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    let before = r.inst.clone();
    let t = r.task("t0");
    assert!(r
        .cmd(Command::SendBack {
            exec: t,
            target: "c".to_owned(),
            return_direct: false,
            by: None
        })
        .is_err());
    assert_eq!(r.inst, before);
}

#[test]
fn withdraw_works_while_the_next_task_is_untouched() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    r.complete("t0", "alice");
    let a = r.task("a");
    assert!(
        r.cmd(Command::Withdraw {
            exec: a,
            by: Some("mallory".to_owned())
        })
        .is_err(),
        "only the previous actor"
    );
    r.cmd(Command::Withdraw {
        exec: a,
        by: Some("alice".to_owned()),
    })
    .unwrap();
    assert_eq!(
        r.open(),
        vec!["t0"],
        "both branches created by t0 are withdrawn"
    );
}

#[test]
fn withdraw_is_refused_once_the_next_task_was_claimed() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    r.complete("t0", "alice");
    let b = r.task("b");
    r.cmd(Command::Claim {
        exec: b,
        user: "dave".to_owned(),
    })
    .unwrap();
    let a = r.task("a");
    let err = r
        .cmd(Command::Withdraw {
            exec: a,
            by: Some("alice".to_owned()),
        })
        .unwrap_err();
    assert!(err.to_string().contains("claimed"), "{err}");
}

#[test]
fn transfer_delegate_resolve_and_claim() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    let t0 = r.task("t0");
    r.cmd(Command::Transfer {
        exec: t0,
        to: "erin".to_owned(),
        by: Some("alice".to_owned()),
    })
    .unwrap();
    assert_eq!(
        r.inst
            .exec(t0)
            .unwrap()
            .task
            .as_ref()
            .unwrap()
            .assignee
            .as_deref(),
        Some("erin")
    );
    r.cmd(Command::Delegate {
        exec: t0,
        to: "frank".to_owned(),
        by: Some("erin".to_owned()),
    })
    .unwrap();
    assert!(
        r.cmd(Command::CompleteTask {
            exec: t0,
            vars: Vars::new(),
            by: Some("frank".to_owned())
        })
        .is_err(),
        "a delegate resolves, not completes"
    );
    r.cmd(Command::Resolve {
        exec: t0,
        vars: vars(json!({"opinion": "ok"})),
        by: Some("frank".to_owned()),
    })
    .unwrap();
    let w = r.inst.exec(t0).unwrap().task.clone().unwrap();
    assert_eq!((w.assignee.as_deref(), w.owner), (Some("erin"), None));
    r.complete("t0", "erin");
    let b = r.task("b");
    r.cmd(Command::Claim {
        exec: b,
        user: "gina".to_owned(),
    })
    .unwrap();
    assert!(
        r.cmd(Command::Claim {
            exec: b,
            user: "hank".to_owned()
        })
        .is_err(),
        "already claimed"
    );
    assert_eq!(r.inst.vars.get("opinion"), Some(&json!("ok")));
}

#[test]
fn add_signer_before_and_after() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    let t0 = r.task("t0");
    r.cmd(Command::AddSigner {
        exec: t0,
        user: "ivy".to_owned(),
        before: true,
        by: Some("alice".to_owned()),
    })
    .unwrap();
    assert_eq!(r.tasks("t0").len(), 2);
    assert!(
        r.cmd(Command::CompleteTask {
            exec: t0,
            vars: Vars::new(),
            by: None
        })
        .is_err(),
        "ivy signs first"
    );
    let ivy = *r.tasks("t0").iter().find(|e| **e != t0).unwrap();
    assert_eq!(
        r.inst
            .exec(ivy)
            .unwrap()
            .task
            .as_ref()
            .unwrap()
            .assignee
            .as_deref(),
        Some("ivy")
    );
    r.cmd(Command::CompleteTask {
        exec: ivy,
        vars: Vars::new(),
        by: Some("ivy".to_owned()),
    })
    .unwrap();
    assert!(
        r.open().iter().all(|n| n == "t0"),
        "ivy's signature did not move the flow"
    );
    r.cmd(Command::AddSigner {
        exec: t0,
        user: "jack".to_owned(),
        before: false,
        by: Some("alice".to_owned()),
    })
    .unwrap();
    r.cmd(Command::CompleteTask {
        exec: t0,
        vars: Vars::new(),
        by: Some("alice".to_owned()),
    })
    .unwrap();
    assert_eq!(
        r.inst
            .exec(t0)
            .unwrap()
            .task
            .as_ref()
            .unwrap()
            .assignee
            .as_deref(),
        Some("jack"),
        "jack signs after alice"
    );
    r.cmd(Command::CompleteTask {
        exec: t0,
        vars: Vars::new(),
        by: Some("jack".to_owned()),
    })
    .unwrap();
    assert_eq!(r.open(), vec!["a", "b"]);
}

const COUNTERSIGN: &str = r#"
<startEvent id="s"/>
<userTask id="sign" camunda:assignee="${d}"><multiInstanceLoopCharacteristics isSequential="false" camunda:collection="depts" camunda:elementVariable="d" fgf:weight="w"><completionCondition>${approvedWeight / totalWeight &gt;= 0.5}</completionCondition></multiInstanceLoopCharacteristics></userTask>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="sign"/><sequenceFlow id="f2" sourceRef="sign" targetRef="e"/>"#;

#[test]
fn weighted_vote_completes_when_half_the_weight_approves() {
    let mut r = Run::start(
        COUNTERSIGN,
        json!({"depts": [{"w": 1}, {"w": 1}, {"w": 3}]}),
    );
    let ts = r.tasks("sign");
    r.cmd(Command::CompleteTask {
        exec: ts[0],
        vars: vars(json!({"approved": true})),
        by: None,
    })
    .unwrap();
    assert_eq!(r.tasks("sign").len(), 2, "1 of 5 is not half");
    r.cmd(Command::CompleteTask {
        exec: ts[2],
        vars: vars(json!({"approved": true})),
        by: None,
    })
    .unwrap();
    assert_eq!(
        r.inst.status,
        Status::Completed,
        "4 of 5 carries the vote; the last signer is cancelled"
    );
}

#[test]
fn countersign_add_and_remove_signer() {
    let body = COUNTERSIGN.replace(
        r#"<completionCondition>${approvedWeight / totalWeight &gt;= 0.5}</completionCondition>"#,
        "",
    );
    let mut r = Run::start(&body, json!({"depts": ["a", "b"]}));
    let ts = r.tasks("sign");
    r.cmd(Command::AddSigner {
        exec: ts[0],
        user: "c".to_owned(),
        before: false,
        by: None,
    })
    .unwrap();
    assert_eq!(r.tasks("sign").len(), 3, "会签加签");
    r.cmd(Command::RemoveSigner {
        exec: ts[1],
        by: None,
    })
    .unwrap();
    assert_eq!(r.tasks("sign").len(), 2, "会签减签");
    for t in r.tasks("sign") {
        r.cmd(Command::CompleteTask {
            exec: t,
            vars: Vars::new(),
            by: None,
        })
        .unwrap();
    }
    assert_eq!(r.inst.status, Status::Completed);
}

#[test]
fn suspend_refuses_work_and_resume_pushes_timers_back() {
    let body = r#"
<startEvent id="s"/><userTask id="t" camunda:assignee="x"/><endEvent id="e"/>
<boundaryEvent id="late" attachedToRef="t" cancelActivity="false"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="e2"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/><sequenceFlow id="f3" sourceRef="late" targetRef="e2"/>"#;
    let mut r = Run::start(body, json!({}));
    let due = r.inst.live_timers()[0].due_ms;
    r.cmd(Command::Suspend {
        by: Some("admin".to_owned()),
        reason: None,
    })
    .unwrap();
    let t = r.task("t");
    assert_eq!(
        r.cmd(Command::CompleteTask {
            exec: t,
            vars: Vars::new(),
            by: None
        })
        .unwrap_err(),
        fgf_engine::EngineError::Suspended
    );
    r.now += 30 * 60_000;
    r.cmd(Command::Resume { by: None }).unwrap();
    assert_eq!(r.inst.live_timers()[0].due_ms, due + 30 * 60_000);
    assert_eq!(r.inst.suspended_ms, 30 * 60_000);
}

/// A task with a working-day deadline (a non-interrupting boundary timer, `P5WD`).
const WORKDAY_DEADLINE: &str = r#"
<startEvent id="s"/><userTask id="review" camunda:assignee="x"/><endEvent id="e"/>
<boundaryEvent id="late" attachedToRef="review" cancelActivity="false"><timerEventDefinition><timeDuration>P5WD</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="e2"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="e"/><sequenceFlow id="f3" sourceRef="late" targetRef="e2"/>"#;

fn at(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_millis()
}

fn run_at(reg: Registry, body_now: &str) -> Run {
    let mut r = Run {
        reg,
        inst: Instance::new("p"),
        now: at(body_now),
        trace: Vec::new(),
    };
    r.cmd(Command::Start {
        vars: Vars::new(),
        initiator: Some("alice".to_owned()),
    })
    .unwrap();
    r
}

#[test]
fn xingzheng_xukefa_di45tiao_pause_stops_only_workdays() {
    // Accepted Friday 2025-09-26; 5 working days end with 10-10 (9/28 调休, 9/29, 9/30, 10/9,
    // 10/10), due at 24:00.
    let mut r = run_at(registry(WORKDAY_DEADLINE), "2025-09-26T10:00:00+08:00");
    assert_eq!(
        r.inst.live_timers()[0].due_ms,
        at("2025-10-11T00:00:00+08:00")
    );
    // 专家评审 from Tuesday 9/30 09:00 to Thursday 10/9 17:00: the pause holds two working days
    // (9/30, 10/9) and the 国庆节、中秋节 holiday, which was never counted.
    r.now = at("2025-09-30T09:00:00+08:00");
    r.cmd(Command::Suspend {
        by: Some("admin".to_owned()),
        reason: Some("专家评审".to_owned()),
    })
    .unwrap();
    assert_eq!(r.inst.pauses.len(), 1);
    assert_eq!(r.inst.pauses[0].end_ms, None);
    r.now = at("2025-10-09T17:00:00+08:00");
    let events = r.cmd(Command::Resume { by: None }).unwrap();
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Operation { op, .. } if op == "resume")));
    let pause = &r.inst.pauses[0];
    assert_eq!(
        (pause.start_ms, pause.end_ms, pause.reason.as_deref()),
        (
            at("2025-09-30T09:00:00+08:00"),
            Some(at("2025-10-09T17:00:00+08:00")),
            Some("专家评审")
        )
    );
    let timer = r.inst.live_timers()[0].clone();
    // 10/10 (3), 10/11 Saturday 调休 (4), 10/13 (5): the wall-clock push of 9 days 8 hours
    // would have given 10/20 08:00.
    assert_eq!(timer.due_ms, at("2025-10-14T00:00:00+08:00"));
    assert_eq!(timer.paused_workdays, 2);
    assert!(timer.assumed_years.is_empty());
    // The due date is the one the domain gives for the same dates (and `fgf case deadline`).
    let by_hand = fgf_domain::Calendar::builtin()
        .deadline(
            "2025-09-26".parse().unwrap(),
            5,
            &["2025-09-30..2025-10-09".parse().unwrap()],
            0,
        )
        .unwrap();
    assert_eq!(by_hand.due.to_string(), "2025-10-13");
    assert_eq!(
        r.inst.suspended_ms,
        at("2025-10-09T17:00:00+08:00") - at("2025-09-30T09:00:00+08:00")
    );
}

#[test]
fn a_suspension_over_a_weekend_never_moves_a_working_day_deadline_onto_a_rest_day() {
    // Friday 2026-11-27 10:00 + 5 working days: Friday 12-04, due at 24:00.
    let mut r = run_at(registry(WORKDAY_DEADLINE), "2026-11-27T10:00:00+08:00");
    assert_eq!(
        r.inst.live_timers()[0].due_ms,
        at("2026-12-05T00:00:00+08:00")
    );
    // Suspended Thursday 12-03 20:00 to Friday 12-04 20:00: pushed by that wall-clock day the
    // deadline would end with Saturday 12-05, a rest day. Thursday and Friday are working days
    // inside the pause, so the clock loses them and ends with Tuesday 12-08.
    r.now = at("2026-12-03T20:00:00+08:00");
    r.cmd(Command::Suspend {
        by: None,
        reason: None,
    })
    .unwrap();
    r.now = at("2026-12-04T20:00:00+08:00");
    r.cmd(Command::Resume { by: None }).unwrap();
    let timer = &r.inst.live_timers()[0];
    assert_ne!(timer.due_ms, at("2026-12-06T00:00:00+08:00"));
    assert_eq!(timer.due_ms, at("2026-12-09T00:00:00+08:00"));
    assert_eq!(timer.paused_workdays, 2);
    let last_day = fgf_engine::timer::due_date(timer.due_ms).unwrap();
    assert!(fgf_domain::Calendar::builtin().is_working_day(last_day));
}

#[test]
fn suspending_twice_on_one_day_stops_that_day_once_and_durations_keep_wall_clock_time() {
    let body = r#"
<startEvent id="s"/><userTask id="review" camunda:assignee="x"/><endEvent id="e"/>
<boundaryEvent id="late" attachedToRef="review" cancelActivity="false"><timerEventDefinition><timeDuration>P3WD</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="e2"/>
<boundaryEvent id="remind" attachedToRef="review" cancelActivity="false"><timerEventDefinition><timeDuration>PT4H</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="e3"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="e"/><sequenceFlow id="f3" sourceRef="late" targetRef="e2"/><sequenceFlow id="f4" sourceRef="remind" targetRef="e3"/>"#;
    // Friday 2026-11-27: three working days end with Wednesday 12-02.
    let mut r = run_at(registry(body), "2026-11-27T10:00:00+08:00");
    let working = |r: &Run| {
        r.inst
            .live_timers()
            .iter()
            .find(|t| matches!(t.spec, fgf_engine::timer::TimerSpec::WorkingDays(_)))
            .map(|t| (*t).clone())
            .unwrap()
    };
    let duration = |r: &Run| {
        r.inst
            .live_timers()
            .iter()
            .find(|t| matches!(t.spec, fgf_engine::timer::TimerSpec::Duration(_)))
            .map(|t| (*t).clone())
            .unwrap()
    };
    assert_eq!(working(&r).due_ms, at("2026-12-03T00:00:00+08:00"));
    assert_eq!(duration(&r).due_ms, at("2026-11-27T14:00:00+08:00"));
    for (from, to) in [
        ("2026-11-27T11:00:00+08:00", "2026-11-27T12:00:00+08:00"),
        ("2026-11-30T09:00:00+08:00", "2026-11-30T10:00:00+08:00"),
        ("2026-11-30T15:00:00+08:00", "2026-11-30T16:00:00+08:00"),
    ] {
        r.now = at(from);
        r.cmd(Command::Suspend {
            by: None,
            reason: None,
        })
        .unwrap();
        r.now = at(to);
        r.cmd(Command::Resume { by: None }).unwrap();
    }
    // The pause on the activation day costs nothing; the two on Monday cost Monday once.
    assert_eq!(working(&r).due_ms, at("2026-12-04T00:00:00+08:00"));
    assert_eq!(working(&r).paused_workdays, 1);
    // The reminder measures elapsed time: three hours of suspension, three hours later.
    assert_eq!(duration(&r).due_ms, at("2026-11-27T17:00:00+08:00"));
    assert_eq!(r.inst.pauses.len(), 3);
    assert_eq!(r.inst.suspended_ms, 3 * 3_600_000);
}

#[test]
fn minfadian_203_a_working_day_timer_falls_due_at_the_districts_end_of_business() {
    let config = fgf_domain::CalendarConfig {
        business_day_end: "17:30".parse().unwrap(),
        ..fgf_domain::CalendarConfig::default()
    };
    let (def, _) = fgf_engine::import(&wrap(WORKDAY_DEADLINE)).unwrap();
    let mut reg = Registry::new(fgf_domain::Calendar::builtin_with(config));
    reg.add(&def);
    let r = run_at(reg, "2025-09-26T10:00:00+08:00");
    assert_eq!(
        r.inst.live_timers()[0].due_ms,
        at("2025-10-10T17:30:00+08:00")
    );
    // With the default it is 24:00, the start of the next day.
    let r = run_at(registry(WORKDAY_DEADLINE), "2025-09-26T10:00:00+08:00");
    assert_eq!(
        r.inst.live_timers()[0].due_ms,
        at("2025-10-11T00:00:00+08:00")
    );
}

#[test]
fn a_working_day_timer_in_a_year_without_a_holiday_notice_records_the_assumed_year() {
    let r = run_at(registry(WORKDAY_DEADLINE), "2026-12-28T10:00:00+08:00");
    let timer = &r.inst.live_timers()[0];
    assert_eq!(timer.assumed_years, [2027]);
    let r = run_at(registry(WORKDAY_DEADLINE), "2026-11-27T10:00:00+08:00");
    assert!(r.inst.live_timers()[0].assumed_years.is_empty());
}

#[test]
fn a_state_stored_before_pauses_were_recorded_loads_and_keeps_its_wall_clock_push() {
    // Monday 2026-11-30 10:00 + 5 working days: Monday 12-07. Under the old rule a two-day
    // suspension pushed the timer to the end of Wednesday 12-09 and kept only
    // `suspended_ms`; then the instance was suspended again, and stored so.
    let mut r = run_at(registry(WORKDAY_DEADLINE), "2026-11-30T10:00:00+08:00");
    assert_eq!(
        r.inst.live_timers()[0].due_ms,
        at("2026-12-08T00:00:00+08:00")
    );
    let mut old = serde_json::to_value(&r.inst).unwrap();
    old["timers"][0]["due_ms"] = json!(at("2026-12-10T00:00:00+08:00"));
    old["suspended_ms"] = json!(2 * 86_400_000);
    old["suspended_since"] = json!(at("2026-12-01T09:00:00+08:00"));
    assert!(old.get("pauses").is_none());
    assert!(old["timers"][0].get("extra_workdays").is_none());
    r.inst = serde_json::from_value(old).unwrap();
    assert!(r.inst.pauses.is_empty());
    // Resumed Wednesday 12-02 09:00: the pause covers Tuesday and Wednesday.
    r.now = at("2026-12-02T09:00:00+08:00");
    r.cmd(Command::Resume { by: None }).unwrap();
    assert_eq!(r.inst.pauses.len(), 1);
    assert_eq!(r.inst.pauses[0].start_ms, at("2026-12-01T09:00:00+08:00"));
    let timer = &r.inst.live_timers()[0];
    // The old push (Monday to Wednesday: two working days) is kept as extra working days;
    // counted again: Thu 12-03 (1), Fri (2), Mon (3), Tue (4), Wed 12-09 (5), Thu (6),
    // Fri 12-11 (7).
    assert_eq!(timer.extra_workdays, 2);
    assert_eq!(timer.paused_workdays, 2);
    assert_eq!(timer.due_ms, at("2026-12-12T00:00:00+08:00"));
    assert_eq!(r.inst.suspended_ms, 3 * 86_400_000);
    // A later suspension counts from the recorded pauses and keeps the extra days.
    r.now = at("2026-12-07T09:00:00+08:00");
    r.cmd(Command::Suspend {
        by: None,
        reason: Some("检验".to_owned()),
    })
    .unwrap();
    r.now = at("2026-12-07T11:00:00+08:00");
    r.cmd(Command::Resume { by: None }).unwrap();
    let timer = &r.inst.live_timers()[0];
    assert_eq!(timer.extra_workdays, 2);
    assert_eq!(timer.paused_workdays, 3);
    assert_eq!(timer.due_ms, at("2026-12-15T00:00:00+08:00"));
}

#[test]
fn terminate_needs_a_reason_and_ends_everything() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    assert!(r
        .cmd(Command::Terminate {
            reason: " ".to_owned(),
            by: None
        })
        .is_err());
    r.cmd(Command::Terminate {
        reason: "申请人撤回申请".to_owned(),
        by: Some("clerk".to_owned()),
    })
    .unwrap();
    assert!(matches!(r.inst.status, Status::Terminated { .. }));
    assert!(r.open().is_empty());
}

#[test]
fn carbon_copy_and_mark_read_and_urge() {
    let mut r = Run::start(SEQ_PAR, json!({}));
    r.cmd(Command::CarbonCopy {
        node: "t0".to_owned(),
        readers: vec!["leader".to_owned()],
        by: Some("alice".to_owned()),
    })
    .unwrap();
    r.cmd(Command::MarkRead {
        reader: "leader".to_owned(),
    })
    .unwrap();
    assert!(r.inst.copies[0].read_at_ms.is_some());
    assert!(
        r.cmd(Command::MarkRead {
            reader: "leader".to_owned()
        })
        .is_err(),
        "nothing left unread"
    );
    let t = r.task("t0");
    let ev = r
        .cmd(Command::Urge {
            exec: t,
            by: Some("boss".to_owned()),
        })
        .unwrap();
    assert!(matches!(&ev[0], Event::Urged { assignee: Some(a), .. } if a == "alice"));
}

#[test]
fn applicant_withdrawal_at_any_time_is_an_interrupting_event_subprocess() {
    let body = r#"
<startEvent id="s"/><userTask id="review" camunda:assignee="x"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
<subProcess id="on_withdraw" triggeredByEvent="true"><startEvent id="ws"><messageEventDefinition messageRef="m_withdraw"/></startEvent>
<task id="close_case"/><endEvent id="we"/><sequenceFlow id="g1" sourceRef="ws" targetRef="close_case"/><sequenceFlow id="g2" sourceRef="close_case" targetRef="we"/></subProcess>"#;
    let mut r = Run::start(body, json!({}));
    r.cmd(Command::Message {
        name: "withdraw".to_owned(),
        vars: Vars::new(),
    })
    .unwrap();
    assert_eq!(r.inst.status, Status::Completed);
    assert!(r.trace.contains(&"close_case".to_owned()) && !r.trace.contains(&"review".to_owned()));
}

#[test]
fn non_interrupting_event_subprocess_runs_beside_the_main_flow() {
    let body = r#"
<startEvent id="s"/><userTask id="review" camunda:assignee="x"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
<subProcess id="note" triggeredByEvent="true"><startEvent id="ns" isInterrupting="false"><messageEventDefinition messageRef="m_pay"/></startEvent>
<task id="record"/><endEvent id="ne"/><sequenceFlow id="g1" sourceRef="ns" targetRef="record"/><sequenceFlow id="g2" sourceRef="record" targetRef="ne"/></subProcess>"#;
    let mut r = Run::start(body, json!({}));
    r.cmd(Command::Message {
        name: "paid".to_owned(),
        vars: vars(json!({"amount": 5})),
    })
    .unwrap();
    assert_eq!(r.open(), vec!["review"]);
    r.complete("review", "x");
    assert_eq!(r.inst.status, Status::Completed);
    assert_eq!(r.count("record"), 1);
}

fn fails(_: &Vars) -> Result<Vars, String> {
    Err("BAD".to_owned())
}

#[test]
fn service_task_error_is_caught_by_its_boundary() {
    let body = r#"
<startEvent id="s"/><serviceTask id="call" fgf:type="verify_licence"/><endEvent id="e"/>
<boundaryEvent id="caught" attachedToRef="call"><errorEventDefinition errorRef="err_bad"/></boundaryEvent><task id="fix"/><endEvent id="e2"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="call"/><sequenceFlow id="f2" sourceRef="call" targetRef="e"/><sequenceFlow id="f3" sourceRef="caught" targetRef="fix"/><sequenceFlow id="f4" sourceRef="fix" targetRef="e2"/>"#;
    let mut reg = registry(body);
    reg.register_service("verify_licence", fails);
    let res = simulate(&reg, "p", &SimOptions::default());
    assert!(res.completed, "{res:?}");
    assert!(res.trace.contains(&"fix".to_owned()));
}

#[test]
fn uncaught_error_fails_naming_the_element_and_unknown_handler_too() {
    let body = r#"<startEvent id="s"/><serviceTask id="call" fgf:type="nobody"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="call"/><sequenceFlow id="f2" sourceRef="call" targetRef="e"/>"#;
    let res = simulate(&registry(body), "p", &SimOptions::default());
    assert_eq!(res.error.unwrap().element, "call");
}

#[test]
fn escalation_from_a_subprocess_reaches_a_non_interrupting_boundary() {
    let body = r#"
<startEvent id="s"/><subProcess id="sub"><startEvent id="ss"/><intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="esc_late"/></intermediateThrowEvent>
<userTask id="work" camunda:assignee="x"/><endEvent id="se"/>
<sequenceFlow id="g1" sourceRef="ss" targetRef="raise"/><sequenceFlow id="g2" sourceRef="raise" targetRef="work"/><sequenceFlow id="g3" sourceRef="work" targetRef="se"/></subProcess>
<boundaryEvent id="esc" attachedToRef="sub" cancelActivity="false"><escalationEventDefinition escalationRef="esc_late"/></boundaryEvent>
<userTask id="tell_leader" camunda:assignee="leader"/><endEvent id="e"/><endEvent id="e2"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="sub"/><sequenceFlow id="f2" sourceRef="sub" targetRef="e"/><sequenceFlow id="f3" sourceRef="esc" targetRef="tell_leader"/><sequenceFlow id="f4" sourceRef="tell_leader" targetRef="e2"/>"#;
    let mut r = Run::start(body, json!({}));
    assert_eq!(r.open(), vec!["work", "tell_leader"]);
    r.complete("work", "x");
    r.complete("tell_leader", "leader");
    assert_eq!(r.inst.status, Status::Completed);
}

#[test]
fn signal_thrown_in_one_branch_releases_a_catch_in_another() {
    let body = r#"
<startEvent id="s"/><parallelGateway id="fork"/><intermediateCatchEvent id="hear"><signalEventDefinition signalRef="sig_go"/></intermediateCatchEvent>
<userTask id="prep" camunda:assignee="x"/><intermediateThrowEvent id="say"><signalEventDefinition signalRef="sig_go"/></intermediateThrowEvent>
<parallelGateway id="join"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="fork"/><sequenceFlow id="f2" sourceRef="fork" targetRef="hear"/><sequenceFlow id="f3" sourceRef="fork" targetRef="prep"/>
<sequenceFlow id="f4" sourceRef="prep" targetRef="say"/><sequenceFlow id="f5" sourceRef="say" targetRef="join"/><sequenceFlow id="f6" sourceRef="hear" targetRef="join"/><sequenceFlow id="f7" sourceRef="join" targetRef="e"/>"#;
    let mut r = Run::start(body, json!({}));
    r.complete("prep", "x");
    assert_eq!(r.inst.status, Status::Completed);
    assert_eq!(
        (r.count("say"), r.count("hear"), r.count("join")),
        (1, 1, 1)
    );
}

#[test]
fn event_based_gateway_takes_the_first_event() {
    let body = r#"
<startEvent id="s"/><eventBasedGateway id="g"/>
<intermediateCatchEvent id="pay"><messageEventDefinition messageRef="m_pay"/></intermediateCatchEvent>
<intermediateCatchEvent id="timeout"><timerEventDefinition><timeDuration>P3D</timeDuration></timerEventDefinition></intermediateCatchEvent>
<endEvent id="e1"/><endEvent id="e2"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="g"/><sequenceFlow id="f2" sourceRef="g" targetRef="pay"/><sequenceFlow id="f3" sourceRef="g" targetRef="timeout"/>
<sequenceFlow id="f4" sourceRef="pay" targetRef="e1"/><sequenceFlow id="f5" sourceRef="timeout" targetRef="e2"/>"#;
    let paid = simulate(
        &registry(body),
        "p",
        &SimOptions {
            messages: vec!["paid".to_owned()],
            ..SimOptions::default()
        },
    );
    assert!(
        paid.completed
            && paid.trace.contains(&"pay".to_owned())
            && !paid.trace.contains(&"timeout".to_owned())
    );
    let late = simulate(&registry(body), "p", &SimOptions::default());
    assert!(
        late.completed
            && late.trace.contains(&"timeout".to_owned())
            && !late.trace.contains(&"pay".to_owned())
    );
}

#[test]
fn business_rule_by_expression_sets_a_variable_that_routes() {
    let body = r#"
<startEvent id="s"/><businessRuleTask id="rule" fgf:expression="${amount &gt; 1000 ? 'director' : 'clerk'}" camunda:resultVariable="level"/>
<exclusiveGateway id="x" default="fc"/><task id="director"/><task id="clerk"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="rule"/><sequenceFlow id="f2" sourceRef="rule" targetRef="x"/>
<sequenceFlow id="fd" sourceRef="x" targetRef="director"><conditionExpression>${level == 'director'}</conditionExpression></sequenceFlow>
<sequenceFlow id="fc" sourceRef="x" targetRef="clerk"/><sequenceFlow id="f3" sourceRef="director" targetRef="e"/><sequenceFlow id="f4" sourceRef="clerk" targetRef="e"/>"#;
    let res = simulate(
        &registry(body),
        "p",
        &SimOptions {
            vars: vars(json!({"amount": 5000})),
            ..SimOptions::default()
        },
    );
    assert!(res.trace.contains(&"director".to_owned()));
    assert_eq!(res.variables.get("level"), Some(&json!("director")));
}

#[test]
fn sequential_multi_instance_goes_in_order() {
    let body = r#"<startEvent id="s"/><userTask id="sign" camunda:assignee="${who}"><multiInstanceLoopCharacteristics isSequential="true" camunda:collection="people" camunda:elementVariable="who"/></userTask><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="sign"/><sequenceFlow id="f2" sourceRef="sign" targetRef="e"/>"#;
    let mut r = Run::start(body, json!({"people": ["甲", "乙", "丙"]}));
    let mut order = Vec::new();
    while r.inst.status == Status::Running {
        let t = r.task("sign");
        order.push(
            r.inst
                .exec(t)
                .unwrap()
                .task
                .as_ref()
                .unwrap()
                .assignee
                .clone()
                .unwrap(),
        );
        assert_eq!(r.tasks("sign").len(), 1, "依次审批: one at a time");
        r.cmd(Command::CompleteTask {
            exec: t,
            vars: Vars::new(),
            by: None,
        })
        .unwrap();
    }
    assert_eq!(order, vec!["甲", "乙", "丙"]);
}

#[test]
fn any_one_sign_completes_on_the_first() {
    let body = r#"<startEvent id="s"/><userTask id="sign" camunda:assignee="${who}"><multiInstanceLoopCharacteristics camunda:collection="people" camunda:elementVariable="who"><completionCondition>${nrOfCompletedInstances &gt;= 1}</completionCondition></multiInstanceLoopCharacteristics></userTask><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="sign"/><sequenceFlow id="f2" sourceRef="sign" targetRef="e"/>"#;
    let mut r = Run::start(body, json!({"people": ["a", "b", "c"]}));
    let t = r.tasks("sign")[1];
    let ev = r
        .cmd(Command::CompleteTask {
            exec: t,
            vars: Vars::new(),
            by: None,
        })
        .unwrap();
    assert_eq!(r.inst.status, Status::Completed, "或签");
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, Event::TaskCancelled { .. }))
            .count(),
        2
    );
}

#[test]
fn call_activity_runs_the_called_process() {
    let parent = r#"<startEvent id="s"/><callActivity id="call" calledElement="child"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="call"/><sequenceFlow id="f2" sourceRef="call" targetRef="e"/>"#;
    let child = r#"<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="c"><process id="child" isExecutable="true">
<startEvent id="cs"/><userTask id="joint" name="联合办理"/><endEvent id="ce"/><sequenceFlow id="g1" sourceRef="cs" targetRef="joint"/><sequenceFlow id="g2" sourceRef="joint" targetRef="ce"/></process></definitions>"#;
    let mut reg = registry(parent);
    reg.add(&fgf_engine::import(child).unwrap().0);
    let res = simulate(&reg, "p", &SimOptions::default());
    assert!(res.completed);
    assert!(res.trace.windows(3).any(|w| w == ["cs", "joint", "ce"]));
    let missing = simulate(&registry(parent), "p", &SimOptions::default());
    assert_eq!(missing.error.map(|e| e.element), Some("call".to_owned()));
}

#[test]
fn standard_loop_repeats_until_its_condition_fails() {
    let body = r#"<startEvent id="s"/><userTask id="fix" camunda:assignee="x"><standardLoopCharacteristics><loopCondition>${!ok}</loopCondition></standardLoopCharacteristics></userTask><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="fix"/><sequenceFlow id="f2" sourceRef="fix" targetRef="e"/>"#;
    let mut r = Run::start(body, json!({"ok": false}));
    r.complete("fix", "x");
    r.complete("fix", "x");
    let t = r.task("fix");
    r.cmd(Command::CompleteTask {
        exec: t,
        vars: vars(json!({"ok": true})),
        by: None,
    })
    .unwrap();
    assert_eq!(r.inst.status, Status::Completed);
    assert_eq!(r.count("fix"), 3);
}

#[test]
fn state_round_trips_through_json() {
    let mut r = Run::start(SEQ_PAR, json!({"x": 1}));
    r.complete("t0", "alice");
    let text = serde_json::to_string(&r.inst).unwrap();
    let back: Instance = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r.inst);
}

#[test]
fn export_then_import_keeps_behaviour_for_every_shared_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("bpmn"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x != "json"))
        .collect();
    files.extend(
        std::fs::read_dir(dir.join("bench"))
            .unwrap()
            .flatten()
            .map(|e| e.path()),
    );
    assert!(files.len() >= 14);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let (def, _) = fgf_engine::import(&text).unwrap();
        let out = fgf_engine::bpmn::export(&def, "");
        let (again, problems) =
            fgf_engine::import(&out).unwrap_or_else(|e| panic!("{}: {e}\n{out}", f.display()));
        assert!(problems.is_empty(), "{}: {problems:?}", f.display());
        assert_eq!(def.processes.len(), again.processes.len());
        for (a, b) in def.processes.iter().zip(&again.processes) {
            assert_eq!(a.nodes.len(), b.nodes.len(), "{}", f.display());
            assert_eq!(a.flows.len(), b.flows.len(), "{}", f.display());
            for (x, y) in a.nodes.iter().zip(&b.nodes) {
                assert_eq!(
                    (
                        &x.id,
                        x.kind.tag(),
                        x.incoming.len(),
                        x.outgoing.len(),
                        x.boundaries.len()
                    ),
                    (
                        &y.id,
                        y.kind.tag(),
                        y.incoming.len(),
                        y.outgoing.len(),
                        y.boundaries.len()
                    ),
                    "{}",
                    f.display()
                );
            }
        }
    }
}

#[test]
fn start_at_a_named_start_event_when_the_process_has_several() {
    let body = r#"
<startEvent id="at_window"/><startEvent id="online"><messageEventDefinition messageRef="m_pay"/></startEvent>
<userTask id="window_intake" camunda:assignee="clerk"/><userTask id="online_check" camunda:assignee="clerk"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="at_window" targetRef="window_intake"/><sequenceFlow id="f2" sourceRef="online" targetRef="online_check"/>
<sequenceFlow id="f3" sourceRef="window_intake" targetRef="e"/><sequenceFlow id="f4" sourceRef="online_check" targetRef="e"/>"#;
    let reg = registry(body);
    let mut inst = Instance::new("p");
    apply(
        &reg,
        &mut inst,
        Command::StartAt {
            vars: Vars::new(),
            initiator: None,
            start_event: "online".to_owned(),
        },
        0,
    )
    .unwrap();
    let p = reg.get("p").unwrap();
    let open: Vec<&str> = inst
        .open_tasks()
        .iter()
        .map(|e| p.process.node(e.node.unwrap()).id.as_str())
        .collect();
    assert_eq!(open, vec!["online_check"]);
    let mut other = Instance::new("p");
    apply(
        &reg,
        &mut other,
        Command::Start {
            vars: Vars::new(),
            initiator: None,
        },
        0,
    )
    .unwrap();
    let open: Vec<&str> = other
        .open_tasks()
        .iter()
        .map(|e| p.process.node(e.node.unwrap()).id.as_str())
        .collect();
    assert_eq!(
        open,
        vec!["window_intake"],
        "a person starts at the none start"
    );
    let mut bad = Instance::new("p");
    assert!(apply(
        &reg,
        &mut bad,
        Command::StartAt {
            vars: Vars::new(),
            initiator: None,
            start_event: "window_intake".to_owned()
        },
        0
    )
    .is_err());
}

#[test]
fn a_stored_state_leaves_defaults_out_and_reads_back_whole() {
    // A countersign in flight with a delegated task: non-default values in every kind of
    // field that the stored form may leave out when it is at its default.
    let body = r#"
<startEvent id="s"/><userTask id="accept" camunda:assignee="clerk"/>
<userTask id="sign" camunda:assignee="${d}"><multiInstanceLoopCharacteristics isSequential="false" camunda:collection="depts" camunda:elementVariable="d"/></userTask>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="accept"/><sequenceFlow id="f2" sourceRef="accept" targetRef="sign"/>
<sequenceFlow id="f3" sourceRef="sign" targetRef="e"/>"#;
    let mut r = Run::start(body, json!({"depts": ["a", "b"]}));
    r.complete("accept", "clerk");
    let t = r.tasks("sign")[0];
    r.cmd(Command::Delegate {
        exec: t,
        to: "deputy".to_owned(),
        by: Some("a".to_owned()),
    })
    .unwrap();
    let stored = serde_json::to_string(&r.inst).unwrap();
    let back: Instance = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        back, r.inst,
        "nothing lost between the store and the engine"
    );
    for left_out in [
        "\"joins\":{}",
        "\"callee\":null",
        "\"mi_inner\":false",
        "\"urged\":0",
    ] {
        assert!(!stored.contains(left_out), "{left_out} in {stored}");
    }
    // A state written before defaults were left out still reads, to the same instance.
    let mut full: serde_json::Value = serde_json::to_value(&r.inst).unwrap();
    for exec in full["execs"].as_array_mut().unwrap() {
        let e = exec.as_object_mut().unwrap();
        for (k, v) in [
            ("joins", json!({})),
            ("callee", json!(null)),
            ("return_to", json!(null)),
            ("loop_iter", json!(0)),
            ("mi_inner", json!(false)),
        ] {
            e.entry(k).or_insert(v);
        }
    }
    full["copies"] = json!([]);
    full["suspended_ms"] = json!(0);
    let old: Instance = serde_json::from_value(full).unwrap();
    assert_eq!(old, r.inst);
}

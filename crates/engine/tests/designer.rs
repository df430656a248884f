//! The node-tree designer: a flow drawn the DingTalk way compiles to a definition the same
//! engine runs, the validator passes and a BPMN modeller can open.

use fgf_engine::designer::{
    approvers_var, compile, to_bpmn, Approvers, Branch, DNode, DesignError, Flow, SignMode, Timeout,
};
use fgf_engine::exec::{apply, Command, Event, ExecId, Instance, Registry, Status, Vars};
use fgf_engine::model::{EventDef, NodeKind, TaskKind};
use fgf_engine::simulate::{simulate, SimOptions};
use fgf_engine::timer::TimerSpec;
use serde_json::json;
use std::collections::BTreeMap;

fn users(xs: &[&str]) -> Approvers {
    Approvers::Users(xs.iter().map(|x| (*x).to_owned()).collect())
}

fn approval(id: &str, name: &str, approvers: Approvers, mode: SignMode) -> DNode {
    DNode::Approval {
        id: id.to_owned(),
        name: name.to_owned(),
        approvers,
        mode,
        on_empty: None,
        on_initiator: None,
        fields: BTreeMap::new(),
        timeout: None,
    }
}

fn with_timeout(mut n: DNode, days: u32, action: &str) -> DNode {
    if let DNode::Approval { timeout, .. } = &mut n {
        *timeout = Some(Timeout {
            working_days: days,
            action: action.to_owned(),
        });
    }
    n
}

fn flow(nodes: Vec<DNode>) -> Flow {
    Flow {
        id: "p".to_owned(),
        name: "测试".to_owned(),
        nodes,
    }
}

/// 行政许可: 受理 → 审查 → 金额 > 1000 时部门会签 → 抄送领导 → 决定 (5 个工作日催办).
fn permit() -> Flow {
    Flow {
        id: "permit".to_owned(),
        name: "行政许可".to_owned(),
        nodes: vec![
            DNode::Handle {
                id: "accept".to_owned(),
                name: "受理".to_owned(),
                approvers: Approvers::Role("window_clerk".to_owned()),
                fields: BTreeMap::from([
                    ("applicant".to_owned(), "read".to_owned()),
                    ("opinion".to_owned(), "write".to_owned()),
                ]),
                timeout: None,
            },
            DNode::Approval {
                id: "review".to_owned(),
                name: "审查".to_owned(),
                approvers: Approvers::Department("matter".to_owned()),
                mode: SignMode::Single,
                on_empty: Some("admin".to_owned()),
                on_initiator: Some("skip".to_owned()),
                fields: BTreeMap::from([("id_number".to_owned(), "hidden".to_owned())]),
                timeout: None,
            },
            DNode::Branch {
                id: "amount_check".to_owned(),
                name: "金额判断".to_owned(),
                branches: vec![
                    Branch {
                        name: "大额".to_owned(),
                        condition: Some("${amount > 1000}".to_owned()),
                        default: false,
                        nodes: vec![approval(
                            "countersign",
                            "部门会签",
                            Approvers::Role("dept_heads".to_owned()),
                            SignMode::All,
                        )],
                    },
                    Branch {
                        name: "其他".to_owned(),
                        condition: None,
                        default: true,
                        nodes: vec![],
                    },
                ],
            },
            DNode::Copy {
                id: "cc_leader".to_owned(),
                name: "抄送领导".to_owned(),
                readers: Approvers::InitiatorLeader,
            },
            with_timeout(
                approval("decide", "决定", users(&["director"]), SignMode::Single),
                5,
                "remind",
            ),
        ],
    }
}

fn vars(v: serde_json::Value) -> Vars {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn registry(f: &Flow) -> Registry {
    let def = compile(f).unwrap_or_else(|e| panic!("{e:?}"));
    let mut reg = Registry::default();
    reg.add(&def);
    reg
}

fn errors(f: &Flow) -> Vec<DesignError> {
    compile(f).expect_err("the flow should be refused")
}

fn has_error(errs: &[DesignError], node: &str, needle: &str) -> bool {
    errs.iter()
        .any(|e| e.node == node && e.message.contains(needle))
}

struct Run {
    reg: Registry,
    id: String,
    inst: Instance,
    now: i64,
    trace: Vec<String>,
}

impl Run {
    fn start(f: &Flow, v: serde_json::Value) -> Run {
        let mut r = Run {
            reg: registry(f),
            id: f.id.clone(),
            inst: Instance::new(&f.id),
            now: 1_767_574_800_000,
            trace: Vec::new(),
        };
        r.cmd(Command::Start {
            vars: vars(v),
            initiator: Some("alice".to_owned()),
        });
        r
    }

    fn cmd(&mut self, c: Command) -> Vec<Event> {
        let ev = apply(&self.reg, &mut self.inst, c, self.now).unwrap();
        for e in &ev {
            if let Event::NodeCompleted { node, .. } = e {
                self.trace.push(node.clone());
            }
        }
        ev
    }

    fn tasks(&self, node: &str) -> Vec<ExecId> {
        let p = &self.reg.get(&self.id).unwrap().process;
        self.inst
            .open_tasks()
            .iter()
            .filter(|e| p.node(e.node.unwrap()).id == node)
            .map(|e| e.id)
            .collect()
    }

    fn assignee(&self, exec: ExecId) -> Option<String> {
        self.inst.exec(exec)?.task.as_ref()?.assignee.clone()
    }

    fn complete(&mut self, exec: ExecId, v: serde_json::Value) -> Vec<Event> {
        self.cmd(Command::CompleteTask {
            exec,
            vars: vars(v),
            by: None,
        })
    }
}

#[test]
fn the_permit_flow_compiles_to_the_expected_elements_and_checks_clean() {
    let def = compile(&permit()).unwrap();
    assert_eq!(fgf_engine::check(&def, &[], None), vec![]);
    let p = def.main_process().unwrap();
    assert_eq!((p.id.as_str(), p.name.as_str()), ("permit", "行政许可"));
    let node = |id: &str| p.node(p.find(id).unwrap_or_else(|| panic!("no {id}")));
    assert_eq!(node("start").name, "发起");
    assert_eq!(node("end").name, "办结");

    let accept = node("accept");
    assert!(matches!(accept.kind, NodeKind::Task(TaskKind::User)));
    assert_eq!(accept.assignment.rule.as_deref(), Some("role:window_clerk"));
    assert_eq!(accept.assignment.candidate_groups, vec!["window_clerk"]);
    assert_eq!(
        accept.fields.get("opinion").map(String::as_str),
        Some("write")
    );

    let review = node("review");
    assert_eq!(review.assignment.rule.as_deref(), Some("dept:matter"));
    assert_eq!(review.assignment.on_empty.as_deref(), Some("admin"));
    assert_eq!(review.assignment.on_initiator.as_deref(), Some("skip"));
    assert!(review.multi_instance.is_none());

    let split = node("amount_check_split");
    assert!(matches!(
        split.kind,
        NodeKind::Gateway(fgf_engine::model::GatewayKind::Exclusive)
    ));
    assert_eq!(split.name, "金额判断");
    let default = p.flow(split.default_flow.unwrap());
    assert_eq!(
        (default.name.as_str(), p.node(default.target).id.as_str()),
        ("其他", "amount_check_join"),
        "the empty default branch goes straight to the join"
    );
    let big = p.flow(split.outgoing[0]);
    assert_eq!(big.condition.as_ref().unwrap().source(), "${amount > 1000}");
    assert_eq!(p.node(big.target).id, "countersign");

    let cs = node("countersign");
    let mi = cs.multi_instance.as_ref().unwrap();
    assert!(!mi.sequential && mi.completion.is_none());
    assert_eq!(
        mi.collection.as_ref().unwrap().source(),
        "countersign_approvers"
    );
    assert_eq!(approvers_var("countersign"), "countersign_approvers");
    assert_eq!(mi.element_var.as_deref(), Some("approver"));
    assert_eq!(cs.assignment.assignee.as_deref(), Some("${approver}"));

    let cc = node("cc_leader");
    assert!(matches!(cc.kind, NodeKind::Task(TaskKind::Send)));
    assert_eq!(cc.name, "抄送领导");
    assert_eq!(
        cc.ext.get("copy_to").map(String::as_str),
        Some("leader:initiator")
    );

    let decide = node("decide");
    assert_eq!(decide.assignment.assignee.as_deref(), Some("director"));
    assert_eq!(decide.boundaries.len(), 1);
    let timer = p.node(decide.boundaries[0]);
    assert_eq!(timer.id, "decide_timeout");
    match &timer.kind {
        NodeKind::Boundary {
            def: EventDef::Timer(t),
            cancel_activity,
            ..
        } => {
            assert!(!cancel_activity, "催办 leaves the task in place");
            assert_eq!(t.text, "5WD");
            assert_eq!(t.spec, Some(TimerSpec::WorkingDays(5)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(node("decide_remind").name, "催办");
    assert_eq!(
        p.node(p.flow(decide.outgoing[0]).target).id,
        "end",
        "the card's own path goes on to 办结"
    );
    let flow_ids: std::collections::BTreeSet<&str> =
        p.flows.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(flow_ids.len(), p.flows.len());
    assert!(flow_ids.iter().all(|f| f.starts_with("f_")));
}

#[test]
fn compiling_is_deterministic() {
    assert_eq!(to_bpmn(&permit()).unwrap(), to_bpmn(&permit()).unwrap());
}

#[test]
fn the_permit_flow_exports_bpmn_that_imports_back_the_same() {
    let def = compile(&permit()).unwrap();
    let xml = to_bpmn(&permit()).unwrap();
    let (back, problems) = fgf_engine::import(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert!(problems.is_empty(), "{problems:?}\n{xml}");
    assert!(back.unsupported.is_empty(), "{:?}", back.unsupported);
    assert_eq!(fgf_engine::check(&back, &problems, None), vec![]);
    let (a, b) = (def.main_process().unwrap(), back.main_process().unwrap());
    assert_eq!(b.id, "permit");
    let shape =
        |p: &fgf_engine::model::Process| -> BTreeMap<String, (String, usize, usize, usize)> {
            p.nodes
                .iter()
                .map(|n| {
                    (
                        n.id.clone(),
                        (
                            n.kind.tag().to_owned(),
                            n.incoming.len(),
                            n.outgoing.len(),
                            n.boundaries.len(),
                        ),
                    )
                })
                .collect()
        };
    assert_eq!(shape(a), shape(b));
    let flows =
        |p: &fgf_engine::model::Process| -> BTreeMap<String, (String, String, Option<String>)> {
            p.flows
                .iter()
                .map(|f| {
                    (
                        f.id.clone(),
                        (
                            p.node(f.source).id.clone(),
                            p.node(f.target).id.clone(),
                            f.condition.as_ref().map(|c| c.source().to_owned()),
                        ),
                    )
                })
                .collect()
        };
    assert_eq!(flows(a), flows(b));
    for n in &a.nodes {
        let m = b.node(b.find(&n.id).unwrap());
        assert_eq!(n.assignment, m.assignment, "{}", n.id);
        assert_eq!(n.fields, m.fields, "{}", n.id);
        assert_eq!(n.name, m.name, "{}", n.id);
        assert_eq!(
            n.default_flow.map(|f| a.flow(f).id.clone()),
            m.default_flow.map(|f| b.flow(f).id.clone())
        );
        assert_eq!(
            n.multi_instance.as_ref().map(|mi| (
                mi.sequential,
                mi.collection.as_ref().map(|c| c.source().to_owned()),
                mi.element_var.clone(),
                mi.completion.as_ref().map(|c| c.source().to_owned()),
            )),
            m.multi_instance.as_ref().map(|mi| (
                mi.sequential,
                mi.collection.as_ref().map(|c| c.source().to_owned()),
                mi.element_var.clone(),
                mi.completion.as_ref().map(|c| c.source().to_owned()),
            )),
            "{}",
            n.id
        );
    }
    let timer = b.node(b.find("decide_timeout").unwrap());
    assert!(matches!(
        &timer.kind,
        NodeKind::Boundary { def: EventDef::Timer(t), cancel_activity: false, .. }
            if t.spec == Some(TimerSpec::WorkingDays(5))
    ));
    let cc = b.node(b.find("cc_leader").unwrap());
    assert_eq!(
        cc.assignment.rule.as_deref(),
        Some("leader:initiator"),
        "the 抄送 readers survive the export"
    );
}

#[test]
fn the_permit_flow_takes_the_countersign_branch_for_a_large_amount() {
    let reg = registry(&permit());
    let res = simulate(
        &reg,
        "permit",
        &SimOptions {
            vars: vars(
                json!({"amount": 5000, "countersign_approvers": ["财务科", "法规科", "业务科"]}),
            ),
            ..SimOptions::default()
        },
    );
    assert!(res.completed, "{res:?}");
    let pos = |id: &str| {
        res.trace
            .iter()
            .position(|t| t == id)
            .unwrap_or_else(|| panic!("{id} not in {:?}", res.trace))
    };
    assert!(pos("accept") < pos("review"));
    assert!(pos("review") < pos("amount_check_split"));
    assert!(pos("amount_check_split") < pos("countersign"));
    assert!(pos("countersign") < pos("amount_check_join"));
    assert!(pos("amount_check_join") < pos("cc_leader"));
    assert!(pos("cc_leader") < pos("decide"));
    assert_eq!(res.trace.last().map(String::as_str), Some("end"));
    assert!(!res.trace.iter().any(|t| t == "decide_remind"));
}

#[test]
fn the_permit_flow_skips_the_countersign_for_a_small_amount() {
    let res = simulate(
        &registry(&permit()),
        "permit",
        &SimOptions {
            vars: vars(json!({"amount": 500})),
            ..SimOptions::default()
        },
    );
    assert!(res.completed, "{res:?}");
    assert!(
        !res.trace.iter().any(|t| t == "countersign"),
        "{:?}",
        res.trace
    );
    assert!(res
        .trace
        .windows(2)
        .any(|w| w == ["amount_check_split", "amount_check_join"]));
    assert_eq!(res.trace.last().map(String::as_str), Some("end"));
}

#[test]
fn a_late_decision_is_reminded_and_still_decided() {
    let res = simulate(
        &registry(&permit()),
        "permit",
        &SimOptions {
            vars: vars(json!({"amount": 500})),
            hold: vec!["decide".to_owned()],
            ..SimOptions::default()
        },
    );
    assert!(res.completed, "{res:?}");
    let remind = res.trace.iter().position(|t| t == "decide_remind").unwrap();
    let decide = res.trace.iter().position(|t| t == "decide").unwrap();
    assert!(remind < decide, "{:?}", res.trace);
    assert_eq!(res.trace.last().map(String::as_str), Some("end"));
}

fn one_card(mode: SignMode) -> Flow {
    flow(vec![approval(
        "sign",
        "签批",
        users(&["a", "b", "c"]),
        mode,
    )])
}

#[test]
fn single_goes_to_the_one_user_or_to_the_candidates() {
    let mut r = Run::start(
        &flow(vec![approval(
            "sign",
            "签批",
            users(&["a"]),
            SignMode::Single,
        )]),
        json!({}),
    );
    let t = r.tasks("sign");
    assert_eq!(t.len(), 1);
    assert_eq!(r.assignee(t[0]).as_deref(), Some("a"));
    r.complete(t[0], json!({}));
    assert_eq!(r.inst.status, Status::Completed);

    let r = Run::start(&one_card(SignMode::Single), json!({}));
    let t = r.tasks("sign");
    assert_eq!(t.len(), 1, "one task the candidates claim");
    let item = r.inst.exec(t[0]).unwrap().task.clone().unwrap();
    assert_eq!(item.candidate_users, vec!["a", "b", "c"]);
    assert_eq!(item.assignee, None);
}

#[test]
fn all_waits_for_every_signer() {
    let mut r = Run::start(
        &one_card(SignMode::All),
        json!({"sign_approvers": ["a", "b", "c"]}),
    );
    let ts = r.tasks("sign");
    let who: Vec<_> = ts.iter().map(|t| r.assignee(*t).unwrap()).collect();
    assert_eq!(who, vec!["a", "b", "c"], "会签: everyone at once");
    r.complete(ts[2], json!({}));
    r.complete(ts[0], json!({}));
    assert_eq!(r.tasks("sign"), vec![ts[1]]);
    assert_eq!(r.inst.status, Status::Running);
    r.complete(ts[1], json!({}));
    assert_eq!(r.inst.status, Status::Completed);
    assert_eq!(r.trace.last().map(String::as_str), Some("end"));
}

#[test]
fn any_completes_on_the_first_signature() {
    let mut r = Run::start(
        &one_card(SignMode::Any),
        json!({"sign_approvers": ["a", "b", "c"]}),
    );
    let ts = r.tasks("sign");
    assert_eq!(ts.len(), 3);
    let ev = r.complete(ts[1], json!({}));
    assert_eq!(r.inst.status, Status::Completed, "或签");
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, Event::TaskCancelled { .. }))
            .count(),
        2
    );
}

#[test]
fn sequential_goes_one_by_one_in_order() {
    let mut r = Run::start(
        &one_card(SignMode::Sequential),
        json!({"sign_approvers": ["甲", "乙", "丙"]}),
    );
    let mut order = Vec::new();
    while r.inst.status == Status::Running {
        let ts = r.tasks("sign");
        assert_eq!(ts.len(), 1, "依次审批: one at a time");
        order.push(r.assignee(ts[0]).unwrap());
        r.complete(ts[0], json!({}));
    }
    assert_eq!(order, vec!["甲", "乙", "丙"]);
    assert_eq!(r.inst.status, Status::Completed);
}

#[test]
fn vote_completes_when_the_ratio_is_reached() {
    let card = one_card(SignMode::Vote { pass_ratio: 0.6 });
    let signers = json!({"sign_approvers": [
        {"user": "a", "weight": 1}, {"user": "b", "weight": 1}, {"user": "c", "weight": 3}
    ]});
    let mut r = Run::start(&card, signers.clone());
    let ts = r.tasks("sign");
    let who: Vec<_> = ts.iter().map(|t| r.assignee(*t).unwrap()).collect();
    assert_eq!(who, vec!["a", "b", "c"]);
    r.complete(ts[0], json!({"approved": true}));
    assert_eq!(r.tasks("sign").len(), 2, "1 of 5 is below 0.6");
    r.complete(ts[1], json!({"approved": false}));
    assert_eq!(r.inst.status, Status::Running);
    r.complete(ts[2], json!({"approved": true}));
    assert_eq!(r.inst.status, Status::Completed, "4 of 5 passes");

    // Weight 3 alone is exactly 0.6: the vote closes early and the others are cancelled.
    let mut r = Run::start(&card, signers.clone());
    let ts = r.tasks("sign");
    let ev = r.complete(ts[2], json!({"approved": true}));
    assert_eq!(r.inst.status, Status::Completed, "票签");
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, Event::TaskCancelled { .. }))
            .count(),
        2
    );

    // A vote that fails closes once everyone has voted.
    let mut r = Run::start(&card, signers);
    let ts = r.tasks("sign");
    r.complete(ts[2], json!({"approved": false}));
    r.complete(ts[0], json!({"approved": true}));
    assert_eq!(r.inst.status, Status::Running);
    r.complete(ts[1], json!({"approved": true}));
    assert_eq!(r.inst.status, Status::Completed);
}

#[test]
fn vote_signers_without_a_weight_count_one_and_plain_ids_fail_loudly() {
    // The default weight is 1, but the assignee reads `approver.user`, so the runtime must
    // send objects; a plain id fails loudly rather than assigning to the wrong person.
    let card = one_card(SignMode::Vote { pass_ratio: 0.5 });
    let mut r = Run::start(
        &card,
        json!({"sign_approvers": [{"user": "a"}, {"user": "b"}, {"user": "c"}, {"user": "d"}]}),
    );
    let ts = r.tasks("sign");
    r.complete(ts[0], json!({"approved": true}));
    assert_eq!(r.inst.status, Status::Running);
    r.complete(ts[3], json!({"approved": true}));
    assert_eq!(r.inst.status, Status::Completed, "2 of 4 is half");

    let reg = registry(&card);
    let mut inst = Instance::new("p");
    apply(
        &reg,
        &mut inst,
        Command::Start {
            vars: vars(json!({"sign_approvers": ["a", "b"]})),
            initiator: None,
        },
        0,
    )
    .unwrap();
    assert!(matches!(&inst.status, Status::Failed { element, .. } if element == "sign"));
}

#[test]
fn escalation_hands_the_card_to_the_leader_and_continues() {
    let f = flow(vec![
        with_timeout(
            approval("review", "审查", users(&["bob"]), SignMode::Single),
            3,
            "escalate",
        ),
        approval("decide", "决定", users(&["boss"]), SignMode::Single),
    ]);
    let def = compile(&f).unwrap();
    assert_eq!(fgf_engine::check(&def, &[], None), vec![]);
    let p = def.main_process().unwrap();
    let up = p.node(p.find("review_escalate").unwrap());
    assert_eq!(up.assignment.rule.as_deref(), Some("leader:initiator"));

    let mut r = Run::start(&f, json!({}));
    let timer = r.inst.live_timers()[0].id;
    r.now = r.inst.live_timers()[0].due_ms;
    r.cmd(Command::FireTimer { timer });
    assert!(r.tasks("review").is_empty(), "the late card is taken away");
    let t = r.tasks("review_escalate");
    assert_eq!(t.len(), 1);
    r.complete(t[0], json!({}));
    let t = r.tasks("decide");
    assert_eq!(t.len(), 1, "the flow goes on where the card would have");
    r.complete(t[0], json!({}));
    assert_eq!(r.inst.status, Status::Completed);
}

#[test]
fn an_escalated_card_at_the_end_of_a_parallel_branch_still_joins_once() {
    let f = flow(vec![DNode::Parallel {
        id: "together".to_owned(),
        name: "并行审查".to_owned(),
        branches: vec![
            vec![with_timeout(
                approval("legal", "法规审查", users(&["l"]), SignMode::Single),
                1,
                "escalate",
            )],
            vec![approval(
                "tech",
                "技术审查",
                users(&["t"]),
                SignMode::Single,
            )],
            vec![],
        ],
    }]);
    assert_eq!(fgf_engine::check(&compile(&f).unwrap(), &[], None), vec![]);
    let mut r = Run::start(&f, json!({}));
    let timer = r.inst.live_timers()[0].id;
    r.now = r.inst.live_timers()[0].due_ms;
    r.cmd(Command::FireTimer { timer });
    let t = r.tasks("tech");
    r.complete(t[0], json!({}));
    assert_eq!(r.inst.status, Status::Running);
    let t = r.tasks("legal_escalate");
    r.complete(t[0], json!({}));
    assert_eq!(r.inst.status, Status::Completed);
    assert_eq!(r.trace.iter().filter(|t| *t == "together_join").count(), 1);
}

#[test]
fn the_first_matching_branch_wins_even_after_an_empty_branch() {
    let f = flow(vec![DNode::Branch {
        id: "route".to_owned(),
        name: String::new(),
        branches: vec![
            Branch {
                name: "小额直接通过".to_owned(),
                condition: Some("amount <= 100".to_owned()),
                default: false,
                nodes: vec![],
            },
            Branch {
                name: "中额".to_owned(),
                condition: Some("${amount <= 10000}".to_owned()),
                default: false,
                nodes: vec![approval("mid", "科长", users(&["m"]), SignMode::Single)],
            },
            Branch {
                name: "其他".to_owned(),
                condition: None,
                default: true,
                nodes: vec![approval("top", "局长", users(&["t"]), SignMode::Single)],
            },
        ],
    }]);
    let reg = registry(&f);
    let run = |amount: i64| {
        simulate(
            &reg,
            "p",
            &SimOptions {
                vars: vars(json!({ "amount": amount })),
                ..SimOptions::default()
            },
        )
    };
    let taken = |amount| {
        let res = run(amount);
        assert!(res.completed, "{res:?}");
        ["mid", "top"]
            .into_iter()
            .filter(|n| res.trace.iter().any(|t| t == n))
            .collect::<Vec<_>>()
    };
    assert_eq!(taken(50), Vec::<&str>::new());
    assert_eq!(taken(5000), vec!["mid"]);
    assert_eq!(taken(50_000), vec!["top"]);
}

#[test]
fn empty_ids_are_refused() {
    let mut f = flow(vec![approval("", "审查", users(&["a"]), SignMode::Single)]);
    let errs = errors(&f);
    assert!(has_error(&errs, "", "“审查”还没有标识"), "{errs:?}");
    f.id = String::new();
    f.nodes = vec![];
    assert!(has_error(&errors(&f), "", "流程还没有标识"));
}

#[test]
fn duplicate_ids_are_refused_even_inside_branches() {
    let f = flow(vec![
        approval("review", "审查", users(&["a"]), SignMode::Single),
        DNode::Parallel {
            id: "par".to_owned(),
            name: String::new(),
            branches: vec![vec![approval(
                "review",
                "再审",
                users(&["b"]),
                SignMode::Single,
            )]],
        },
    ]);
    let errs = errors(&f);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(has_error(&errs, "review", "标识重复"));
}

#[test]
fn ids_that_clash_with_generated_ones_or_are_not_identifiers_are_refused() {
    let f = flow(vec![
        approval("start", "审查", users(&["a"]), SignMode::Single),
        approval("f_2", "复核", users(&["a"]), SignMode::Single),
        DNode::Branch {
            id: "x".to_owned(),
            name: String::new(),
            branches: vec![Branch {
                name: String::new(),
                condition: None,
                default: true,
                nodes: vec![],
            }],
        },
        approval("x_join", "决定", users(&["a"]), SignMode::Single),
        approval("bad-id", "决定", users(&["a"]), SignMode::Single),
        approval("p", "决定", users(&["a"]), SignMode::Single),
    ]);
    let errs = errors(&f);
    for (node, needle) in [
        ("start", "与系统生成的标识重名"),
        ("f_2", "与系统生成的标识重名"),
        ("x_join", "与系统生成的标识重名"),
        ("bad-id", "须以字母或下划线开头"),
        ("p", "流程自己的标识"),
    ] {
        assert!(has_error(&errs, node, needle), "{node}: {errs:?}");
    }
    assert_eq!(errs.len(), 5, "{errs:?}");
}

fn branch(default: bool, condition: Option<&str>) -> Branch {
    Branch {
        name: String::new(),
        condition: condition.map(str::to_owned),
        default,
        nodes: vec![],
    }
}

fn branch_card(branches: Vec<Branch>) -> Flow {
    flow(vec![DNode::Branch {
        id: "route".to_owned(),
        name: "路由".to_owned(),
        branches,
    }])
}

#[test]
fn a_branch_needs_exactly_one_default() {
    let none = errors(&branch_card(vec![branch(false, Some("${a}"))]));
    assert!(
        has_error(&none, "route", "恰有一个“其他情况”分支"),
        "{none:?}"
    );
    assert!(has_error(&none, "route", "现在有 0 个"));
    let two = errors(&branch_card(vec![
        branch(true, None),
        branch(false, Some("${a}")),
        branch(true, None),
    ]));
    assert!(has_error(&two, "route", "现在有 2 个"), "{two:?}");
    assert!(has_error(
        &errors(&branch_card(vec![])),
        "route",
        "现在有 0 个"
    ));
    assert!(compile(&branch_card(vec![branch(true, None)])).is_ok());
}

#[test]
fn branch_conditions_must_be_readable_and_only_where_they_are_read() {
    let bad = errors(&branch_card(vec![
        branch(false, Some("${amount >}")),
        branch(true, None),
    ]));
    assert!(has_error(&bad, "route", "无法识别条件"), "{bad:?}");
    let chained = errors(&branch_card(vec![
        branch(false, Some("0 < amount < 10")),
        branch(true, None),
    ]));
    assert!(
        has_error(&chained, "route", "chained comparison"),
        "{chained:?}"
    );
    let missing = errors(&branch_card(vec![branch(false, None), branch(true, None)]));
    assert!(has_error(&missing, "route", "没有条件"), "{missing:?}");
    let on_default = errors(&branch_card(vec![
        branch(false, Some("${a}")),
        branch(true, Some("${b}")),
    ]));
    assert!(
        has_error(&on_default, "route", "请清空条件"),
        "{on_default:?}"
    );
}

#[test]
fn an_approval_with_no_users_is_refused() {
    for mode in [SignMode::Single, SignMode::All, SignMode::Any] {
        let errs = errors(&flow(vec![approval("review", "审查", users(&[]), mode)]));
        assert!(has_error(&errs, "review", "请至少选一人"), "{errs:?}");
    }
    let errs = errors(&flow(vec![DNode::Copy {
        id: "cc".to_owned(),
        name: String::new(),
        readers: users(&[]),
    }]));
    assert!(has_error(&errs, "cc", "抄送人"), "{errs:?}");
    let errs = errors(&flow(vec![approval(
        "r",
        "",
        users(&["a", " "]),
        SignMode::All,
    )]));
    assert!(has_error(&errs, "r", "空白"), "{errs:?}");
    let errs = errors(&flow(vec![approval(
        "r",
        "",
        Approvers::Role(" ".to_owned()),
        SignMode::Single,
    )]));
    assert!(has_error(&errs, "r", "角色"), "{errs:?}");
    let errs = errors(&flow(vec![approval(
        "r",
        "",
        Approvers::Expression("${applicant.manager".to_owned()),
        SignMode::Single,
    )]));
    assert!(has_error(&errs, "r", "无法识别审批人表达式"), "{errs:?}");
}

#[test]
fn a_vote_ratio_outside_zero_to_one_is_refused() {
    for r in [0.0, -0.5, 1.01, 2.0, f64::NAN] {
        let errs = errors(&one_card(SignMode::Vote { pass_ratio: r }));
        assert!(has_error(&errs, "sign", "票签通过比例"), "{r}: {errs:?}");
    }
    for r in [1.0, 0.5, 1e-6] {
        assert!(
            compile(&one_card(SignMode::Vote { pass_ratio: r })).is_ok(),
            "{r}"
        );
    }
}

#[test]
fn bad_options_timeouts_and_field_permissions_are_refused() {
    let f = flow(vec![
        DNode::Approval {
            id: "a".to_owned(),
            name: String::new(),
            approvers: users(&["x"]),
            mode: SignMode::Single,
            on_empty: Some("ignore".to_owned()),
            on_initiator: Some("deny".to_owned()),
            fields: BTreeMap::from([("f".to_owned(), "edit".to_owned())]),
            timeout: Some(Timeout {
                working_days: 0,
                action: "remind".to_owned(),
            }),
        },
        DNode::Handle {
            id: "h".to_owned(),
            name: String::new(),
            approvers: users(&["x"]),
            fields: BTreeMap::new(),
            timeout: Some(Timeout {
                working_days: 2,
                action: "phone".to_owned(),
            }),
        },
        DNode::Parallel {
            id: "par".to_owned(),
            name: String::new(),
            branches: vec![],
        },
    ]);
    let errs = errors(&f);
    for (node, needle) in [
        ("a", "审批人为空时"),
        ("a", "审批人与发起人相同时"),
        ("a", "权限“edit”"),
        ("a", "至少 1 个工作日"),
        ("h", "超时后的处理"),
        ("par", "至少要有一支"),
    ] {
        assert!(has_error(&errs, node, needle), "{node} {needle}: {errs:?}");
    }
    assert_eq!(errs.len(), 6, "{errs:?}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let f = flow(vec![
        approval("", "", users(&["a"]), SignMode::Single),
        approval("r", "", users(&[]), SignMode::Vote { pass_ratio: 3.0 }),
        branch_card(vec![branch(false, Some("${x >}"))])
            .nodes
            .remove(0),
    ]);
    let errs = errors(&f);
    assert!(errs.len() >= 5, "{errs:?}");
    assert!(errs.iter().all(|e| !e.message.is_empty()));
    assert_eq!(
        errs[1].to_string(),
        format!("{}: {}", errs[1].node, errs[1].message)
    );
}

#[test]
fn every_approver_kind_compiles_to_its_rule() {
    let cases = [
        (users(&["a", "b"]), "user:a,b"),
        (Approvers::Role("KZ".to_owned()), "role:KZ"),
        (
            Approvers::Department("applicant".to_owned()),
            "dept:applicant",
        ),
        (Approvers::Department("D001".to_owned()), "dept:D001"),
        (Approvers::InitiatorLeader, "leader:initiator"),
        (
            Approvers::Expression("applicant.manager".to_owned()),
            "expr:${applicant.manager}",
        ),
    ];
    for (a, rule) in cases {
        for mode in [SignMode::Single, SignMode::All] {
            let def = compile(&flow(vec![approval("t", "", a.clone(), mode.clone())])).unwrap();
            assert_eq!(fgf_engine::check(&def, &[], None), vec![], "{rule}");
            let p = def.main_process().unwrap();
            let n = p.node(p.find("t").unwrap());
            assert_eq!(n.assignment.rule.as_deref(), Some(rule));
            assert_eq!(n.name, "审批人", "a blank name takes the card's title");
        }
    }
    let def = compile(&flow(vec![approval(
        "t",
        "",
        Approvers::Expression("applicant.manager".to_owned()),
        SignMode::Single,
    )]))
    .unwrap();
    let p = def.main_process().unwrap();
    assert_eq!(
        p.node(p.find("t").unwrap()).assignment.assignee.as_deref(),
        Some("${applicant.manager}"),
        "the engine evaluates it when the task opens"
    );
}

#[test]
fn the_flow_round_trips_through_json_in_its_stored_shape() {
    let mut f = permit();
    f.nodes.push(DNode::Parallel {
        id: "par".to_owned(),
        name: "并行".to_owned(),
        branches: vec![
            vec![approval(
                "vote",
                "票签",
                Approvers::Expression("${committee}".to_owned()),
                SignMode::Vote { pass_ratio: 0.6 },
            )],
            vec![approval(
                "seq",
                "依次",
                users(&["a", "b"]),
                SignMode::Sequential,
            )],
            vec![approval(
                "any",
                "或签",
                Approvers::Role("r".to_owned()),
                SignMode::Any,
            )],
        ],
    });
    let text = serde_json::to_string_pretty(&f).unwrap();
    let back: Flow = serde_json::from_str(&text).unwrap();
    assert_eq!(back, f);

    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["nodes"][0]["type"], "handle");
    assert_eq!(
        v["nodes"][0]["approvers"],
        json!({"type": "role", "value": "window_clerk"})
    );
    assert_eq!(
        v["nodes"][3]["readers"],
        json!({"type": "initiator_leader"})
    );
    assert_eq!(v["nodes"][4]["mode"], json!({"type": "single"}));
    assert_eq!(
        v["nodes"][4]["timeout"],
        json!({"working_days": 5, "action": "remind"})
    );
    assert_eq!(
        v["nodes"][5]["branches"][0][0]["mode"],
        json!({"type": "vote", "pass_ratio": 0.6})
    );

    // What a front end writes, with optional parts left out.
    let stored = json!({
        "id": "leave", "name": "请假",
        "nodes": [
            {"type": "approval", "id": "lead", "approvers": {"type": "initiator_leader"}, "mode": {"type": "single"}},
            {"type": "branch", "id": "days", "branches": [
                {"name": "三天以上", "condition": "days > 3", "nodes": [
                    {"type": "approval", "id": "hr", "name": "人事", "approvers": {"type": "users", "value": ["hr1", "hr2"]}, "mode": {"type": "any"}}
                ]},
                {"name": "其他", "default": true}
            ]},
            {"type": "copy", "id": "tell", "readers": {"type": "department", "value": "applicant"}}
        ]
    });
    let leave: Flow = serde_json::from_value(stored).unwrap();
    let def = compile(&leave).unwrap();
    assert_eq!(fgf_engine::check(&def, &[], None), vec![]);
    let res = simulate(
        &{
            let mut reg = Registry::default();
            reg.add(&def);
            reg
        },
        "leave",
        &SimOptions {
            vars: vars(json!({"days": 5, "hr_approvers": ["hr1", "hr2"]})),
            ..SimOptions::default()
        },
    );
    assert!(
        res.completed && res.trace.iter().any(|t| t == "hr"),
        "{res:?}"
    );
}

/// The designer page edits the tree anywhere, not only at the end: insert after a card or at
/// the head of an arm, move a card within its column, remove a card with its contents; the
/// result still compiles, and ids are never handed out twice.
#[test]
fn tree_edits_insert_move_and_remove_anywhere() {
    use fgf_engine::designer::Place;
    let mut f = flow(vec![
        approval("n1", "科员审核", users(&["clerk"]), SignMode::Single),
        DNode::Branch {
            id: "n2".into(),
            name: "金额".into(),
            branches: vec![
                Branch {
                    name: "大额".into(),
                    condition: Some("${amount > 100}".into()),
                    default: false,
                    nodes: vec![approval("n2a", "局长", users(&["boss"]), SignMode::Single)],
                },
                Branch {
                    name: "其他".into(),
                    condition: None,
                    default: true,
                    nodes: vec![],
                },
            ],
        },
    ]);
    assert_eq!(f.fresh_id(), "n3");
    // Head of the default arm, then after n2a inside the first arm.
    assert!(f.insert(
        &Place::parse("n2#1"),
        approval("n3", "科长", users(&["chief"]), SignMode::Single)
    ));
    assert!(f.insert(
        &Place::parse("n2a"),
        approval("n4", "分管领导", users(&["deputy"]), SignMode::Single)
    ));
    let ids = |f: &Flow| -> Vec<String> {
        f.places()
            .into_iter()
            .filter(|p| p.2 == 0)
            .map(|p| p.0)
            .collect()
    };
    assert_eq!(ids(&f), ["n1", "n2", "n2a", "n4", "n3"]);
    // A place that names nothing is refused and changes nothing.
    let before = f.clone();
    assert!(!f.insert(
        &Place::parse("n9"),
        approval("n5", "x", users(&["x"]), SignMode::Single)
    ));
    assert!(!f.insert(
        &Place::parse("n2#7"),
        approval("n5", "x", users(&["x"]), SignMode::Single)
    ));
    assert_eq!(f, before);
    // Move inside an arm; the first card cannot go further up.
    assert!(f.shift("n4", -1));
    assert_eq!(ids(&f), ["n1", "n2", "n4", "n2a", "n3"]);
    assert!(!f.shift("n4", -1));
    // Move the branch above the first card at the top level.
    assert!(f.shift("n2", -1));
    assert_eq!(f.nodes[0].id(), "n2");
    // Remove a card inside an arm, then the whole branch with its contents.
    assert_eq!(
        f.remove("n2a").map(|n| n.name().to_owned()),
        Some("局长".to_owned())
    );
    assert!(f.find("n4").is_some());
    assert_eq!(f.fresh_id(), "n5");
    assert!(compile(&f).is_ok(), "{:?}", compile(&f).err());
    assert!(f.remove("n2").is_some());
    assert!(f.find("n4").is_none() && f.find("n3").is_none());
    assert_eq!(ids(&f), ["n1"]);
    assert!(f.remove("n2").is_none());
    assert!(compile(&f).is_ok());
}

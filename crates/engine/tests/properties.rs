//! Property tests: random walks over generated block-structured processes (sequences,
//! parallel, exclusive and inclusive splits with their joins, nested) never lose a token,
//! never leave a join waiting once all its branches are done, and always finish; the state
//! survives a JSON round trip at every step, and a refused command changes nothing.

use fgf_engine::exec::{apply, Command, Instance, Registry, Status, Vars};
use proptest::prelude::*;
use serde_json::json;
use std::fmt::Write;

#[derive(Debug, Clone)]
enum Block {
    Task,
    Seq(Vec<Block>),
    Par(Vec<Block>),
    Xor(Vec<Block>),
    Or(Vec<Block>),
}

fn block() -> impl Strategy<Value = Block> {
    let leaf = Just(Block::Task);
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Block::Seq),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Block::Par),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Block::Xor),
            prop::collection::vec(inner, 2..4).prop_map(Block::Or),
        ]
    })
}

struct Gen {
    xml: String,
    n: usize,
    gateways: Vec<(String, usize)>,
}

impl Gen {
    fn id(&mut self, p: &str) -> String {
        self.n += 1;
        format!("{p}{}", self.n)
    }

    fn flow(&mut self, from: &str, to: &str, cond: Option<String>) -> String {
        let id = self.id("f");
        match cond {
            Some(c) => {
                let _ = write!(
                    self.xml,
                    r#"<sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}"><conditionExpression>{c}</conditionExpression></sequenceFlow>"#
                );
            }
            None => {
                let _ = write!(
                    self.xml,
                    r#"<sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}"/>"#
                );
            }
        }
        id
    }

    /// Emits the block; returns its entry and exit node ids.
    fn emit(&mut self, b: &Block) -> (String, String) {
        match b {
            Block::Task => {
                let id = self.id("t");
                let _ = write!(self.xml, r#"<userTask id="{id}" camunda:assignee="u"/>"#);
                (id.clone(), id)
            }
            Block::Seq(items) => {
                let parts: Vec<(String, String)> = items.iter().map(|i| self.emit(i)).collect();
                for w in parts.windows(2) {
                    self.flow(&w[0].1, &w[1].0, None);
                }
                (parts[0].0.clone(), parts[parts.len() - 1].1.clone())
            }
            Block::Par(items) | Block::Xor(items) | Block::Or(items) => {
                let (tag, p) = match b {
                    Block::Par(_) => ("parallelGateway", "p"),
                    Block::Xor(_) => ("exclusiveGateway", "x"),
                    _ => ("inclusiveGateway", "o"),
                };
                let split = self.id(p);
                let join = self.id(p);
                let parts: Vec<(String, String)> = items.iter().map(|i| self.emit(i)).collect();
                let mut default = None;
                for (k, (entry, exit)) in parts.iter().enumerate() {
                    let cond = match b {
                        Block::Par(_) => None,
                        Block::Xor(_) => (k > 0).then(|| format!("${{{split} == {k}}}")),
                        _ => (k > 0).then(|| format!("${{{split}_{k}}}")),
                    };
                    let f = self.flow(&split, entry, cond);
                    if k == 0 && !matches!(b, Block::Par(_)) {
                        default = Some(f);
                    }
                    self.flow(exit, &join, None);
                }
                let d = default
                    .map(|f| format!(r#" default="{f}""#))
                    .unwrap_or_default();
                let _ = write!(self.xml, r#"<{tag} id="{split}"{d}/><{tag} id="{join}"/>"#);
                self.gateways.push((split.clone(), parts.len()));
                (split, join)
            }
        }
    }
}

fn build(b: &Block) -> (String, Vec<(String, usize)>) {
    let mut g = Gen {
        xml: String::new(),
        n: 0,
        gateways: Vec::new(),
    };
    let (entry, exit) = g.emit(b);
    g.xml
        .push_str(r#"<startEvent id="start"/><endEvent id="end"/>"#);
    g.flow("start", &entry, None);
    g.flow(&exit, "end", None);
    let doc = format!(
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d"><process id="p" isExecutable="true">{}</process></definitions>"#,
        g.xml
    );
    (doc, g.gateways)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_walks_never_lose_a_token_nor_deadlock(b in block(), picks in prop::collection::vec(any::<u8>(), 64), choices in prop::collection::vec(any::<u8>(), 256)) {
        let (xml, gateways) = build(&b);
        let (def, problems) = fgf_engine::import(&xml).unwrap();
        prop_assert!(problems.is_empty(), "{problems:?}");
        prop_assert!(fgf_engine::check(&def, &[], None).is_empty());
        let mut reg = Registry::default();
        reg.add(&def);
        let mut vars = Vars::new();
        for (i, (g, n)) in gateways.iter().enumerate() {
            let c = picks[i % picks.len()] as usize;
            vars.insert(g.clone(), json!(c % n));
            for k in 1..*n {
                vars.insert(format!("{g}_{k}"), json!((c >> k) & 1 == 1));
            }
        }
        let mut inst = Instance::new("p");
        apply(&reg, &mut inst, Command::Start { vars, initiator: None }, 0).unwrap();
        let mut steps = 0;
        while inst.status == Status::Running {
            let open: Vec<u32> = inst.open_tasks().iter().map(|e| e.id).collect();
            // Running with nothing to do would be a lost token or a join waiting forever.
            prop_assert!(!open.is_empty(), "stuck: {:?}", inst.execs.iter().filter(|e| e.alive).collect::<Vec<_>>());
            let pick = open[choices[steps % choices.len()] as usize % open.len()];
            // A refused command changes nothing.
            let before = inst.clone();
            let refused = apply(&reg, &mut inst, Command::CompleteTask { exec: 9_999, vars: Vars::new(), by: None }, 0).is_err();
            prop_assert!(refused);
            prop_assert_eq!(&inst, &before);
            apply(&reg, &mut inst, Command::CompleteTask { exec: pick, vars: Vars::new(), by: None }, 0).unwrap();
            let round: Instance = serde_json::from_str(&serde_json::to_string(&inst).unwrap()).unwrap();
            prop_assert_eq!(&round, &inst);
            steps += 1;
            prop_assert!(steps < 500);
        }
        prop_assert_eq!(&inst.status, &Status::Completed);
        prop_assert!(inst.open_tasks().is_empty());
        prop_assert!(inst.live_timers().is_empty());
    }
}

//! The node-tree designer (流程设计器) that clerks actually draw with, and its compiler to the
//! engine model.
//!
//! Chinese administrative staff know approval flows as DingTalk draws them: 发起 at the top, a
//! column of 审批 / 办理 / 抄送 cards, 条件分支 and 并行分支 that fork and always join again,
//! and 办结 at the bottom. They do not draw BPMN, and a free graph would let them draw flows that
//! can deadlock. So the designer stores this tree (as JSON, which is why every serde name here
//! is part of a stored format and must not change), and [`compile`] turns it into the same
//! [`Definition`] a BPMN import produces: one engine runs both, and [`to_bpmn`] hands the result
//! to anyone who wants to open it in a BPMN modeller.
//!
//! The compiler builds the [`Process`] directly instead of writing XML and importing it, so
//! there is no second parser to keep in step, and every error names the designer card to fix
//! rather than a generated BPMN element the clerk never saw.
//!
//! What the runtime has to supply, because the tree only names *rules*:
//! - A multi-instance approval (会签, 或签, 依次审批, 票签) loops over the process variable
//!   [`approvers_var`]`(id)`, which the runtime fills from the node's `fgf:rule` before the
//!   token arrives (as a list of user ids; for 票签 a list of `{"user": id, "weight": n}`).
//! - A 抄送 card compiles to a `sendTask` that completes at once; its readers rule is in
//!   `ext["copy_to"]` (and in `assignment.rule`, which is what survives a BPMN export).

use crate::expr::Expr;
use crate::model::{
    Assignment, Definition, EventDef, FlowIx, GatewayKind, MultiInstance, Node, NodeIx, NodeKind,
    Process, TaskKind, TimerDef, TimerForm,
};
use crate::timer::TimerSpec;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One flow as the designer stores it. 发起 (start) and 办结 (end) are implicit: every flow
/// has exactly one of each, so the clerk never places them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub nodes: Vec<DNode>,
}

/// A card in the designer column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DNode {
    /// 审批节点: one or several people approve, by the chosen sign mode.
    Approval {
        id: String,
        #[serde(default)]
        name: String,
        approvers: Approvers,
        mode: SignMode,
        /// 审批人为空时: "skip" | "admin" | "stop".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_empty: Option<String>,
        /// 审批人与发起人相同时: "allow" | "skip" | "leader".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_initiator: Option<String>,
        /// 字段权限: field → "read" | "write" | "hidden".
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        fields: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout: Option<Timeout>,
    },
    /// 办理节点: one person does the work (受理, 制证, 送达…); no sign mode.
    Handle {
        id: String,
        #[serde(default)]
        name: String,
        approvers: Approvers,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        fields: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout: Option<Timeout>,
    },
    /// 抄送: the readers are told; nobody waits for them.
    Copy {
        id: String,
        #[serde(default)]
        name: String,
        readers: Approvers,
    },
    /// 条件分支: exclusive, first matching branch wins, exactly one default (其他情况).
    Branch {
        id: String,
        #[serde(default)]
        name: String,
        branches: Vec<Branch>,
    },
    /// 并行分支: every branch runs; the flow goes on when all are done.
    Parallel {
        id: String,
        #[serde(default)]
        name: String,
        branches: Vec<Vec<DNode>>,
    },
}

impl DNode {
    pub fn id(&self) -> &str {
        match self {
            DNode::Approval { id, .. }
            | DNode::Handle { id, .. }
            | DNode::Copy { id, .. }
            | DNode::Branch { id, .. }
            | DNode::Parallel { id, .. } => id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            DNode::Approval { name, .. }
            | DNode::Handle { name, .. }
            | DNode::Copy { name, .. }
            | DNode::Branch { name, .. }
            | DNode::Parallel { name, .. } => name,
        }
    }

    /// The card's Chinese title, which is also the element name when the clerk left it blank,
    /// as DingTalk does.
    fn label(&self) -> &'static str {
        match self {
            DNode::Approval { .. } => "审批人",
            DNode::Handle { .. } => "办理人",
            DNode::Copy { .. } => "抄送人",
            DNode::Branch { .. } => "条件分支",
            DNode::Parallel { .. } => "并行分支",
        }
    }
}

/// Where a new card goes: after an existing card (in the same column), at the head of one
/// arm of a 条件分支 / 并行分支, or at the end of the main column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    End,
    After(String),
    /// Arm `usize` (0-based) of the branch card with this id.
    ArmStart(String, usize),
}

impl Place {
    /// `""` → end, `"n3"` → after n3, `"n3#1"` → head of n3's second arm.
    pub fn parse(s: &str) -> Place {
        let s = s.trim();
        if s.is_empty() {
            return Place::End;
        }
        match s.split_once('#') {
            Some((id, arm)) => match arm.parse() {
                Ok(k) => Place::ArmStart(id.to_owned(), k),
                Err(_) => Place::After(s.to_owned()),
            },
            None => Place::After(s.to_owned()),
        }
    }
}

/// Editing the tree. The designer page posts the whole flow back with one edit, so every edit
/// is a pure function of the flow; ids stay stable across edits so a clerk's later edit still
/// names the card they saw.
impl Flow {
    /// The next `nK` id: higher than every `nK…` id in the tree, so a new card never takes the
    /// id of a card (or an arm's card, `nKa`) still in it.
    pub fn fresh_id(&self) -> String {
        fn walk(nodes: &[DNode], max: &mut u64) {
            for n in nodes {
                let k = n.id().strip_prefix('n').and_then(|d| {
                    d.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                        .parse::<u64>()
                        .ok()
                });
                if let Some(k) = k {
                    *max = (*max).max(k);
                }
                for arm in n.arms() {
                    walk(arm, max);
                }
            }
        }
        let mut max = 0;
        walk(&self.nodes, &mut max);
        format!("n{}", max + 1)
    }

    /// Every place a card can be inserted, for a picker: (value for [`Place::parse`], card
    /// title, arm number counted from 1 or 0 for "after the card", depth).
    pub fn places(&self) -> Vec<(String, String, usize, usize)> {
        fn walk(nodes: &[DNode], depth: usize, out: &mut Vec<(String, String, usize, usize)>) {
            for n in nodes {
                let title = if n.name().is_empty() {
                    n.label().to_owned()
                } else {
                    n.name().to_owned()
                };
                out.push((n.id().to_owned(), title.clone(), 0, depth));
                for (k, arm) in n.arms().into_iter().enumerate() {
                    out.push((format!("{}#{k}", n.id()), title.clone(), k + 1, depth));
                    walk(arm, depth + 1, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, 0, &mut out);
        out
    }

    /// Inserts a card; false (and the flow unchanged) when the place names no card or arm.
    pub fn insert(&mut self, place: &Place, node: DNode) -> bool {
        fn walk(nodes: &mut Vec<DNode>, place: &Place, node: &mut Option<DNode>) -> bool {
            if let Place::After(id) = place {
                if let Some(i) = nodes.iter().position(|n| n.id() == id) {
                    if let Some(n) = node.take() {
                        nodes.insert(i + 1, n);
                    }
                    return true;
                }
            }
            for n in nodes.iter_mut() {
                if let Place::ArmStart(id, k) = place {
                    if n.id() == id {
                        return match n.arms_mut().into_iter().nth(*k) {
                            Some(arm) => {
                                if let Some(n) = node.take() {
                                    arm.insert(0, n);
                                }
                                true
                            }
                            None => false,
                        };
                    }
                }
                for arm in n.arms_mut() {
                    if walk(arm, place, node) {
                        return true;
                    }
                }
            }
            false
        }
        if *place == Place::End {
            self.nodes.push(node);
            return true;
        }
        walk(&mut self.nodes, place, &mut Some(node))
    }

    /// Removes a card with everything inside it; None when no card has that id.
    pub fn remove(&mut self, id: &str) -> Option<DNode> {
        fn walk(nodes: &mut Vec<DNode>, id: &str) -> Option<DNode> {
            if let Some(i) = nodes.iter().position(|n| n.id() == id) {
                return Some(nodes.remove(i));
            }
            nodes
                .iter_mut()
                .flat_map(|n| n.arms_mut())
                .find_map(|arm| walk(arm, id))
        }
        walk(&mut self.nodes, id)
    }

    /// Moves a card one place up (`-1`) or down (`1`) within its own column; false when it is
    /// already at that end or no card has that id.
    pub fn shift(&mut self, id: &str, by: isize) -> bool {
        fn walk(nodes: &mut [DNode], id: &str, by: isize) -> Option<bool> {
            if let Some(i) = nodes.iter().position(|n| n.id() == id) {
                let j = i as isize + by;
                if j < 0 || j as usize >= nodes.len() {
                    return Some(false);
                }
                nodes.swap(i, j as usize);
                return Some(true);
            }
            nodes
                .iter_mut()
                .flat_map(|n| n.arms_mut())
                .find_map(|arm| walk(arm, id, by))
        }
        walk(&mut self.nodes, id, by).unwrap_or(false)
    }

    /// The card with this id, anywhere in the tree, to change it in place (its id and, for
    /// branch cards, its arms stay the caller's business).
    pub fn find_mut(&mut self, id: &str) -> Option<&mut DNode> {
        fn walk<'a>(nodes: &'a mut [DNode], id: &str) -> Option<&'a mut DNode> {
            for n in nodes.iter_mut() {
                if n.id() == id {
                    return Some(n);
                }
                for arm in n.arms_mut() {
                    if let Some(found) = walk(arm, id) {
                        return Some(found);
                    }
                }
            }
            None
        }
        walk(&mut self.nodes, id)
    }

    /// The card with this id, anywhere in the tree.
    pub fn find(&self, id: &str) -> Option<&DNode> {
        fn walk<'a>(nodes: &'a [DNode], id: &str) -> Option<&'a DNode> {
            nodes.iter().find_map(|n| {
                if n.id() == id {
                    Some(n)
                } else {
                    n.arms().into_iter().find_map(|arm| walk(arm, id))
                }
            })
        }
        walk(&self.nodes, id)
    }
}

impl DNode {
    /// The columns inside a branch card (none for the other cards).
    pub fn arms(&self) -> Vec<&Vec<DNode>> {
        match self {
            DNode::Branch { branches, .. } => branches.iter().map(|b| &b.nodes).collect(),
            DNode::Parallel { branches, .. } => branches.iter().collect(),
            _ => Vec::new(),
        }
    }

    pub fn arms_mut(&mut self) -> Vec<&mut Vec<DNode>> {
        match self {
            DNode::Branch { branches, .. } => branches.iter_mut().map(|b| &mut b.nodes).collect(),
            DNode::Parallel { branches, .. } => branches.iter_mut().collect(),
            _ => Vec::new(),
        }
    }
}

/// One arm of a 条件分支.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    #[serde(default)]
    pub name: String,
    /// `${amount > 1000}` or bare `amount > 1000`; the default branch has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub nodes: Vec<DNode>,
}

/// Who a card goes to.
///
/// Adjacently tagged (`{"type": "users", "value": [...]}`), unlike the other enums, because
/// serde cannot write an internally tagged variant whose content is a string or a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Approvers {
    /// 指定成员, in signing order.
    Users(Vec<String>),
    /// 角色.
    Role(String),
    /// 部门负责人: "applicant" (申请人所在部门), "matter" (事项主管部门) or a department code.
    Department(String),
    /// 发起人的直属上级.
    InitiatorLeader,
    /// 表达式: `${…}` or bare, evaluated at run time.
    Expression(String),
}

/// How several approvers of one 审批节点 decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SignMode {
    /// One approver (or one of the candidates claims it).
    Single,
    /// 会签: everyone must sign.
    All,
    /// 或签: the first signature decides.
    Any,
    /// 依次审批: one after another, in order.
    Sequential,
    /// 票签: done when the approving share of the vote weight reaches `pass_ratio`.
    Vote { pass_ratio: f64 },
}

/// 超时: what happens when a card waits too long, counted on the district calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeout {
    pub working_days: u32,
    /// "remind" (催办: the card stays, a reminder goes out) or "escalate" (the initiator's
    /// leader takes over the card).
    pub action: String,
}

/// A card the compiler refused, and what to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{node}: {message}")]
pub struct DesignError {
    /// The designer id of the card (the flow id for flow-level problems; empty when the card
    /// has no id at all).
    pub node: String,
    pub message: String,
}

/// The variable a multi-instance approval iterates: the runtime resolves the card's rule into
/// it. Designer ids are plain identifiers, so this is one name to the expression language.
pub fn approvers_var(node_id: &str) -> String {
    format!("{node_id}_approvers")
}

/// Per-signer element variable of a multi-instance approval.
pub const APPROVER_VAR: &str = "approver";
/// Field of a 票签 collection item holding that signer's weight.
pub const WEIGHT_VAR: &str = "weight";

/// Compiles a designer flow into an engine definition (one executable process whose id is the
/// flow id), or every problem found, each naming its card.
pub fn compile(flow: &Flow) -> Result<Definition, Vec<DesignError>> {
    let mut b = Builder::default();
    b.check_ids(flow);
    let def_id = format!("{}_definitions", flow.id);
    b.claim(&flow.id, &flow.id);
    b.claim(&def_id, &flow.id);
    let start = b.add(
        "start",
        "发起",
        "",
        NodeKind::Start {
            def: EventDef::None,
            interrupting: true,
        },
    );
    let last = b.seq(&flow.nodes, Edge::plain(start));
    let end = b.add(
        "end",
        "办结",
        "",
        NodeKind::End {
            def: EventDef::None,
        },
    );
    b.connect(last, end);
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    Ok(Definition {
        id: def_id,
        processes: vec![Process {
            id: flow.id.clone(),
            name: flow.name.clone(),
            executable: true,
            nodes: b.nodes,
            flows: b.flows,
            index: b.index,
        }],
        unsupported: Vec::new(),
        xml: None,
    })
}

/// The flow as BPMN 2.0 XML, for modellers and for the archive. The diagram (BPMNDI) is not
/// laid out here yet, so the file opens with its logic but without positions.
pub fn to_bpmn(flow: &Flow) -> Result<String, Vec<DesignError>> {
    compile(flow).map(|def| crate::bpmn::export(&def, ""))
}

/// A flow not yet drawn: where it leaves from and what it carries. Sequences pass it along so
/// an empty branch can still carry its condition to the join.
struct Edge {
    from: NodeIx,
    name: String,
    condition: Option<Expr>,
    default: bool,
}

impl Edge {
    fn plain(from: NodeIx) -> Edge {
        Edge {
            from,
            name: String::new(),
            condition: None,
            default: false,
        }
    }
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    flows: Vec<crate::model::Flow>,
    index: BTreeMap<String, NodeIx>,
    /// Every XML id handed out → the designer id it came from, so a clash between a card's id
    /// and a generated one (`start`, `f_3`, `x_split`) is reported on the card.
    owners: BTreeMap<String, String>,
    /// The designer card each node was generated for ("" for 发起 and 办结).
    node_owner: Vec<String>,
    errors: Vec<DesignError>,
}

fn is_identifier(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn walk<'a>(nodes: &'a [DNode], out: &mut Vec<&'a DNode>) {
    for n in nodes {
        out.push(n);
        match n {
            DNode::Branch { branches, .. } => {
                for b in branches {
                    walk(&b.nodes, out);
                }
            }
            DNode::Parallel { branches, .. } => {
                for b in branches {
                    walk(b, out);
                }
            }
            _ => {}
        }
    }
}

/// `${…}` as written, or a bare expression wrapped, so the engine evaluates it rather than
/// taking it for a user id.
fn wrapped(e: &str) -> String {
    let t = e.trim();
    if t.starts_with("${") || t.starts_with("#{") {
        t.to_owned()
    } else {
        format!("${{{t}}}")
    }
}

fn rule_of(a: &Approvers) -> String {
    match a {
        Approvers::Users(u) => format!("user:{}", u.join(",")),
        Approvers::Role(r) => format!("role:{r}"),
        Approvers::Department(d) => format!("dept:{d}"),
        Approvers::InitiatorLeader => "leader:initiator".to_owned(),
        Approvers::Expression(e) => format!("expr:{}", wrapped(e)),
    }
}

impl Builder {
    fn error(&mut self, node: &str, message: impl Into<String>) {
        self.errors.push(DesignError {
            node: node.to_owned(),
            message: message.into(),
        });
    }

    /// Parses an expression this module wrote itself. It cannot fail for a validated card, but
    /// dropping it silently would turn 或签 into 会签, so a failure is still reported.
    fn generated(&mut self, id: &str, text: &str) -> Option<Expr> {
        match Expr::parse(text) {
            Ok(e) => Some(e),
            Err(e) => {
                self.error(
                    id,
                    format!("internal: cannot read generated expression {text:?}: {e}"),
                );
                None
            }
        }
    }

    /// Ids must be plain identifiers: they become XML ids and, for multi-instance approvals,
    /// part of a variable name the expression language must read as one word.
    fn check_ids(&mut self, flow: &Flow) {
        if flow.id.trim().is_empty() {
            self.error("", "流程还没有标识，请填写（它就是流程的标识）");
        } else if !is_identifier(&flow.id) {
            self.error(
                &flow.id,
                "流程标识须以字母或下划线开头，只含字母、数字和下划线",
            );
        }
        let mut all = Vec::new();
        walk(&flow.nodes, &mut all);
        let mut seen = BTreeSet::new();
        for n in all {
            let id = n.id();
            if id.trim().is_empty() {
                let name = if n.name().is_empty() {
                    n.label()
                } else {
                    n.name()
                };
                self.error("", format!("{}节点“{name}”还没有标识，请填写", n.label()));
            } else if !is_identifier(id) {
                self.error(id, "节点标识须以字母或下划线开头，只含字母、数字和下划线");
            } else if id == flow.id {
                self.error(id, "这是流程自己的标识，请换一个");
            } else if !seen.insert(id) {
                self.error(
                    id,
                    "两个节点使用了同一个标识（标识重复），每个节点须各不相同",
                );
            }
        }
    }

    /// Records that `id` is used, reporting a clash on the card whose own id it is.
    fn claim(&mut self, id: &str, owner: &str) {
        if id.is_empty() {
            return;
        }
        match self.owners.get(id) {
            None => {
                self.owners.insert(id.to_owned(), owner.to_owned());
            }
            // The same card twice is a duplicate id, already reported by `check_ids`.
            Some(prev) if prev == owner => {}
            Some(prev) => {
                // The card (or flow) whose own id this is has to change: generated ids follow.
                let culprit = if prev == id {
                    prev.clone()
                } else {
                    owner.to_owned()
                };
                self.error(
                    &culprit,
                    format!("标识 {id} 与系统生成的标识重名（start、end、f_N、X_split、X_join、X_timeout、X_remind、X_escalate、X_merge 及流程的 X_definitions），请换一个"),
                );
            }
        }
    }

    fn add(&mut self, id: &str, name: &str, owner: &str, kind: NodeKind) -> NodeIx {
        self.claim(id, owner);
        let ix = self.nodes.len() as NodeIx;
        self.index.entry(id.to_owned()).or_insert(ix);
        self.node_owner.push(owner.to_owned());
        self.nodes.push(Node {
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            scope: None,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            boundaries: Vec::new(),
            default_flow: None,
            multi_instance: None,
            standard_loop: None,
            assignment: Assignment::default(),
            fields: BTreeMap::new(),
            ext: BTreeMap::new(),
        });
        ix
    }

    fn connect(&mut self, edge: Edge, to: NodeIx) {
        let fx = self.flows.len() as FlowIx;
        let id = format!("f_{}", fx + 1);
        let owner = self.node_owner[edge.from as usize].clone();
        self.claim(&id, &owner);
        self.flows.push(crate::model::Flow {
            id,
            name: edge.name,
            source: edge.from,
            target: to,
            condition: edge.condition,
        });
        self.nodes[edge.from as usize].outgoing.push(fx);
        self.nodes[to as usize].incoming.push(fx);
        if edge.default {
            self.nodes[edge.from as usize].default_flow = Some(fx);
        }
    }

    fn seq(&mut self, nodes: &[DNode], mut edge: Edge) -> Edge {
        for n in nodes {
            edge = Edge::plain(self.element(n, edge));
        }
        edge
    }

    /// Compiles one card entered by `edge`; returns the element the flow leaves it from.
    /// The edge is drawn as soon as the entry exists, so flow numbers follow the page.
    fn element(&mut self, d: &DNode, edge: Edge) -> NodeIx {
        let id = d.id();
        let name = if d.name().trim().is_empty() {
            d.label()
        } else {
            d.name()
        };
        match d {
            DNode::Approval {
                approvers,
                mode,
                on_empty,
                on_initiator,
                fields,
                timeout,
                ..
            } => {
                let t = self.user_task(
                    id,
                    name,
                    approvers,
                    mode,
                    on_empty.as_deref(),
                    on_initiator.as_deref(),
                    fields,
                );
                self.connect(edge, t);
                self.timeout(id, t, timeout.as_ref())
            }
            DNode::Handle {
                approvers,
                fields,
                timeout,
                ..
            } => {
                let t = self.user_task(id, name, approvers, &SignMode::Single, None, None, fields);
                self.connect(edge, t);
                self.timeout(id, t, timeout.as_ref())
            }
            DNode::Copy { readers, .. } => {
                self.check_approvers(id, readers, "抄送人");
                let t = self.add(id, name, id, NodeKind::Task(TaskKind::Send));
                self.connect(edge, t);
                let rule = rule_of(readers);
                let n = &mut self.nodes[t as usize];
                n.ext.insert("copy_to".to_owned(), rule.clone());
                // BPMN export writes the assignment but not `ext`, so the readers also go
                // here to survive a round trip through a modeller.
                n.assignment.rule = Some(rule);
                t
            }
            DNode::Branch { branches, .. } => {
                let defaults = branches.iter().filter(|b| b.default).count();
                if defaults != 1 {
                    self.error(id, format!("条件分支须恰有一个“其他情况”分支（没有条件成立时走它），现在有 {defaults} 个"));
                }
                let split = self.add(
                    &format!("{id}_split"),
                    name,
                    id,
                    NodeKind::Gateway(GatewayKind::Exclusive),
                );
                self.connect(edge, split);
                // Made before the branches so an empty branch joins in its own turn and the
                // split keeps the clerk's branch order, which is the order conditions are tried.
                let join = self.add(
                    &format!("{id}_join"),
                    "",
                    id,
                    NodeKind::Gateway(GatewayKind::Exclusive),
                );
                for (i, br) in branches.iter().enumerate() {
                    let label = if br.name.is_empty() {
                        format!("branch {}", i + 1)
                    } else {
                        format!("branch {:?}", br.name)
                    };
                    let condition = self.branch_condition(id, &label, br);
                    let edge = Edge {
                        from: split,
                        name: br.name.clone(),
                        condition,
                        default: br.default,
                    };
                    let last = self.seq(&br.nodes, edge);
                    self.connect(last, join);
                }
                join
            }
            DNode::Parallel { branches, .. } => {
                if branches.is_empty() {
                    self.error(id, "并行分支至少要有一支；请添加一支或删除该节点");
                }
                let split = self.add(
                    &format!("{id}_split"),
                    name,
                    id,
                    NodeKind::Gateway(GatewayKind::Parallel),
                );
                self.connect(edge, split);
                let join = self.add(
                    &format!("{id}_join"),
                    "",
                    id,
                    NodeKind::Gateway(GatewayKind::Parallel),
                );
                for br in branches {
                    let last = self.seq(br, Edge::plain(split));
                    self.connect(last, join);
                }
                if branches.is_empty() {
                    // Keep the graph connected so the other errors are still about cards.
                    self.connect(Edge::plain(split), join);
                }
                join
            }
        }
    }

    fn branch_condition(&mut self, id: &str, label: &str, br: &Branch) -> Option<Expr> {
        let text = br
            .condition
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        match (br.default, text) {
            (true, None) => None,
            (true, Some(_)) => {
                self.error(id, format!("{label}是“其他情况”分支，其他条件都不成立时走它，它的条件不会被读取；请清空条件"));
                None
            }
            (false, None) => {
                self.error(
                    id,
                    format!("{label}没有条件；请填写（如 ${{amount > 1000}}）或设为“其他情况”"),
                );
                None
            }
            (false, Some(t)) => match Expr::parse(t) {
                Ok(e) => Some(e),
                Err(e) => {
                    self.error(id, format!("{label}：无法识别条件“{t}”：{e}"));
                    None
                }
            },
        }
    }

    fn check_approvers(&mut self, id: &str, a: &Approvers, what: &str) {
        match a {
            Approvers::Users(users) if users.is_empty() => {
                self.error(id, format!("还没有选择{what}，请至少选一人"))
            }
            Approvers::Users(users)
                if users.iter().any(|u| u.trim().is_empty() || u.contains(',')) =>
            {
                self.error(id, format!("{what}中有空白或含逗号的用户名"));
            }
            Approvers::Role(code) | Approvers::Department(code) if code.trim().is_empty() => {
                let kind = if matches!(a, Approvers::Role(_)) {
                    "角色"
                } else {
                    "部门"
                };
                self.error(id, format!("{what}的{kind}为空，请选择"));
            }
            Approvers::Expression(e) => {
                if let Err(err) = Expr::parse(&wrapped(e)) {
                    self.error(id, format!("无法识别{what}表达式“{e}”：{err}"));
                }
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn user_task(
        &mut self,
        id: &str,
        name: &str,
        approvers: &Approvers,
        mode: &SignMode,
        on_empty: Option<&str>,
        on_initiator: Option<&str>,
        fields: &BTreeMap<String, String>,
    ) -> NodeIx {
        self.check_approvers(id, approvers, "审批人");
        for (value, allowed, what) in [
            (on_empty, &["skip", "admin", "stop"][..], "审批人为空时"),
            (
                on_initiator,
                &["allow", "skip", "leader"][..],
                "审批人与发起人相同时",
            ),
        ] {
            if let Some(v) = value {
                if !allowed.contains(&v) {
                    self.error(
                        id,
                        format!("{what}取值“{v}”无效，应为 {} 之一", allowed.join("、")),
                    );
                }
            }
        }
        for (field, access) in fields {
            if !["read", "write", "hidden"].contains(&access.as_str()) {
                self.error(id, format!("字段“{field}”的权限“{access}”无效，应为只读（read）、可写（write）或隐藏（hidden）"));
            }
        }
        let rule = rule_of(approvers);
        let mut assignment = Assignment {
            rule: Some(rule),
            on_empty: on_empty.map(str::to_owned),
            on_initiator: on_initiator.map(str::to_owned),
            ..Assignment::default()
        };
        let element = format!("${{{APPROVER_VAR}}}");
        let collection = Expr::parse(&approvers_var(id)).ok();
        let mi = |sequential: bool, completion: Option<Expr>, weight_var: Option<String>| {
            MultiInstance {
                sequential,
                collection: collection.clone(),
                cardinality: None,
                element_var: Some(APPROVER_VAR.to_owned()),
                completion,
                weight_var,
            }
        };
        let multi_instance = match mode {
            SignMode::Single => {
                match approvers {
                    Approvers::Users(u) if u.len() == 1 => assignment.assignee = u.first().cloned(),
                    Approvers::Users(u) => assignment.candidate_users = u.clone(),
                    Approvers::Role(r) => assignment.candidate_groups = vec![r.clone()],
                    Approvers::Expression(e) => assignment.assignee = Some(wrapped(e)),
                    // Resolved by the runtime from the rule alone.
                    Approvers::Department(_) | Approvers::InitiatorLeader => {}
                }
                None
            }
            SignMode::All => {
                assignment.assignee = Some(element);
                Some(mi(false, None, None))
            }
            SignMode::Any => {
                assignment.assignee = Some(element);
                let completion = self.generated(id, "${nrOfCompletedInstances >= 1}");
                Some(mi(false, completion, None))
            }
            SignMode::Sequential => {
                assignment.assignee = Some(element);
                Some(mi(true, None, None))
            }
            SignMode::Vote { pass_ratio } => {
                let r = *pass_ratio;
                if !(r > 0.0 && r <= 1.0) {
                    self.error(
                        id,
                        format!("票签通过比例为 {r}，须大于 0 且不超过 1（0.5 即半数）"),
                    );
                }
                // Each signer is `{"user", "weight"}` so the weight travels with the signer.
                assignment.assignee = Some(format!("${{{APPROVER_VAR}.user}}"));
                // Completes as soon as the approving weight reaches the ratio, otherwise when
                // every signer has voted (the engine's all-done rule). Stopping early once
                // the vote can no longer pass would need the weight of the rejections, which
                // the engine does not expose: `nrOfRejected` is a head count, and mixing it
                // with weights would close a vote that could still pass (four signers of
                // weight 0.5 at ratio 0.5: two rejections look like all the remaining weight).
                let completion = if r > 0.0 && r <= 1.0 {
                    self.generated(id, &format!("${{approvedWeight / totalWeight >= {r}}}"))
                } else {
                    None
                };
                Some(mi(false, completion, Some(WEIGHT_VAR.to_owned())))
            }
        };
        let t = self.add(id, name, id, NodeKind::Task(TaskKind::User));
        let n = &mut self.nodes[t as usize];
        n.assignment = assignment;
        n.multi_instance = multi_instance;
        n.fields = fields.clone();
        t
    }

    /// Attaches the 超时 timer to `task`; returns the element the flow leaves the card from.
    fn timeout(&mut self, id: &str, task: NodeIx, t: Option<&Timeout>) -> NodeIx {
        let Some(t) = t else {
            return task;
        };
        if t.working_days == 0 {
            self.error(id, "超时须至少 1 个工作日；请填写工作日数或取消超时");
        }
        let escalate = match t.action.as_str() {
            "remind" => false,
            "escalate" => true,
            other => {
                self.error(
                    id,
                    format!("超时后的处理“{other}”无效，应为催办（remind）或上报上级（escalate）"),
                );
                false
            }
        };
        let n = t.working_days;
        let boundary = self.add(
            &format!("{id}_timeout"),
            "超时",
            id,
            NodeKind::Boundary {
                attached_to: task,
                def: EventDef::Timer(TimerDef {
                    text: format!("{n}WD"),
                    form: TimerForm::Duration,
                    spec: Some(TimerSpec::WorkingDays(n)),
                }),
                cancel_activity: escalate,
            },
        );
        self.nodes[task as usize].boundaries.push(boundary);
        if !escalate {
            // Non-interrupting: the card keeps waiting while the reminder goes out.
            let remind = self.add(
                &format!("{id}_remind"),
                "催办",
                id,
                NodeKind::Task(TaskKind::Plain),
            );
            let done = self.add(
                &format!("{id}_remind_end"),
                "",
                id,
                NodeKind::End {
                    def: EventDef::None,
                },
            );
            self.connect(Edge::plain(boundary), remind);
            self.connect(Edge::plain(remind), done);
            return task;
        }
        // Interrupting: the leader decides in the card's place, with the card's field rights.
        let fields = self.nodes[task as usize].fields.clone();
        let up = self.add(
            &format!("{id}_escalate"),
            "超时上报",
            id,
            NodeKind::Task(TaskKind::User),
        );
        self.nodes[up as usize].assignment.rule = Some("leader:initiator".to_owned());
        self.nodes[up as usize].fields = fields;
        // One exit, so a card that ends a 并行分支 still gives its join a single arrival.
        let merge = self.add(
            &format!("{id}_merge"),
            "",
            id,
            NodeKind::Gateway(GatewayKind::Exclusive),
        );
        self.connect(Edge::plain(boundary), up);
        self.connect(Edge::plain(task), merge);
        self.connect(Edge::plain(up), merge);
        merge
    }
}

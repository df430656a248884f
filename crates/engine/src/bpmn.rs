//! BPMN 2.0 XML in and out, as Camunda Modeler, bpmn.io, Flowable and SpiffWorkflow write it.
//!
//! Import never guesses: an element the engine does not execute is listed in
//! [`Definition::unsupported`] with its id, and `fgf process check` reports it, so nothing
//! silently passes. Conditions and timer texts are parsed here, so a syntax error is a
//! check failure naming the element rather than a surprise at run time.

use crate::expr::Expr;
use crate::model::*;
use crate::timer::TimerSpec;
use crate::xml::{self, Element};
use std::collections::BTreeMap;

/// A problem found while importing, named by element id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportProblem {
    pub element: String,
    pub message: String,
}

#[derive(Default)]
struct Tables {
    messages: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    signals: BTreeMap<String, String>,
    escalations: BTreeMap<String, String>,
}

/// Elements that carry no behaviour and are skipped on purpose.
const IGNORED: &[&str] = &[
    "incoming",
    "outgoing",
    "documentation",
    "extensionElements",
    "laneSet",
    "lane",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
    "property",
    "ioSpecification",
    "dataInputAssociation",
    "dataOutputAssociation",
    "group",
    "category",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
];

struct Importer<'a> {
    tables: &'a Tables,
    nodes: Vec<Node>,
    flows_raw: Vec<(Element, Option<NodeIx>)>,
    problems: Vec<ImportProblem>,
    unsupported: Vec<Unsupported>,
}

fn strip_quotes(s: &str) -> &str {
    let t = s.trim();
    if t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\'')))
    {
        &t[1..t.len() - 1]
    } else {
        t
    }
}

fn split_list(s: Option<&str>) -> Vec<String> {
    s.map(|v| {
        v.split(',')
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

impl Importer<'_> {
    fn problem(&mut self, element: &str, message: impl Into<String>) {
        self.problems.push(ImportProblem {
            element: element.to_owned(),
            message: message.into(),
        });
    }

    fn unsupported(&mut self, el: &Element, reason: &str) {
        self.unsupported.push(Unsupported {
            element: el.id().to_owned(),
            tag: el.name.clone(),
            reason: reason.to_owned(),
        });
    }

    fn expr(&mut self, element: &str, text: &str) -> Option<Expr> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        match Expr::parse(t) {
            Ok(e) => Some(e),
            Err(e) => {
                self.problem(element, format!("cannot read expression {t:?}: {e}"));
                None
            }
        }
    }

    fn event_def(&mut self, el: &Element) -> EventDef {
        let defs: Vec<&Element> = el
            .children
            .iter()
            .filter(|c| c.name.ends_with("EventDefinition") || c.name == "eventDefinitionRef")
            .collect();
        if defs.len() > 1 {
            self.unsupported(el, "events with several event definitions (multiple/parallel multiple) are not supported");
            return EventDef::None;
        }
        let Some(d) = defs.first() else {
            return EventDef::None;
        };
        match d.name.as_str() {
            "messageEventDefinition" => {
                let r = d.attr("messageRef").unwrap_or("");
                EventDef::Message(
                    self.tables
                        .messages
                        .get(r)
                        .cloned()
                        .unwrap_or_else(|| r.to_owned()),
                )
            }
            "signalEventDefinition" => {
                let r = d.attr("signalRef").unwrap_or("");
                EventDef::Signal(
                    self.tables
                        .signals
                        .get(r)
                        .cloned()
                        .unwrap_or_else(|| r.to_owned()),
                )
            }
            "errorEventDefinition" => EventDef::Error(d.attr("errorRef").map(|r| {
                self.tables
                    .errors
                    .get(r)
                    .cloned()
                    .unwrap_or_else(|| r.to_owned())
            })),
            "escalationEventDefinition" => EventDef::Escalation(d.attr("escalationRef").map(|r| {
                self.tables
                    .escalations
                    .get(r)
                    .cloned()
                    .unwrap_or_else(|| r.to_owned())
            })),
            "terminateEventDefinition" => EventDef::Terminate,
            "timerEventDefinition" => self.timer(el.id(), d),
            other => {
                self.unsupported(el, &format!("{other} is not supported"));
                EventDef::None
            }
        }
    }

    fn timer(&mut self, id: &str, d: &Element) -> EventDef {
        if let Some(n) = d.attr("workingDays") {
            return match n.trim().parse::<u32>() {
                Ok(n) => EventDef::Timer(TimerDef {
                    text: format!("{n}WD"),
                    form: TimerForm::Duration,
                    spec: Some(TimerSpec::WorkingDays(n)),
                }),
                Err(_) => {
                    self.problem(
                        id,
                        format!("working-day timer needs a whole number, got {n:?}"),
                    );
                    EventDef::None
                }
            };
        }
        let (form, el) = if let Some(e) = d.child("timeDuration") {
            (TimerForm::Duration, e)
        } else if let Some(e) = d.child("timeCycle") {
            (TimerForm::Cycle, e)
        } else if let Some(e) = d.child("timeDate") {
            (TimerForm::Date, e)
        } else {
            self.problem(id, "timer has no duration, cycle or date");
            return EventDef::None;
        };
        let text = strip_quotes(el.trimmed_text()).to_owned();
        if text.is_empty() {
            self.problem(id, "timer value is empty");
            return EventDef::None;
        }
        let spec = if text.starts_with("${") || text.starts_with("#{") {
            None
        } else {
            let parsed = match form {
                TimerForm::Duration => TimerSpec::parse_duration(&text),
                TimerForm::Cycle => TimerSpec::parse_cycle(&text),
                TimerForm::Date => TimerSpec::parse_date(&text),
            };
            match parsed {
                Ok(s) => Some(s),
                Err(e) => {
                    self.problem(id, format!("cannot read timer {text:?}: {e}"));
                    return EventDef::None;
                }
            }
        };
        EventDef::Timer(TimerDef { text, form, spec })
    }

    fn new_node(&mut self, el: &Element, kind: NodeKind, scope: Option<NodeIx>) -> NodeIx {
        let mut ext = BTreeMap::new();
        for (k, v) in &el.attrs {
            if let Some((prefix, local)) = k.split_once(':') {
                if prefix != "xmlns" && prefix != "xsi" {
                    ext.insert(local.to_owned(), v.clone());
                }
            }
        }
        let mut fields = BTreeMap::new();
        if let Some(x) = el.child("extensionElements") {
            for f in x.children_named("field") {
                if let (Some(n), Some(a)) = (f.attr("name"), f.attr("access")) {
                    fields.insert(n.to_owned(), a.to_owned());
                }
            }
        }
        let assignment = Assignment {
            assignee: el.attr("assignee").map(str::to_owned),
            candidate_users: split_list(el.attr("candidateUsers")),
            candidate_groups: split_list(el.attr("candidateGroups")),
            rule: el.attr_q("fgf:rule").map(str::to_owned),
            on_empty: el.attr_q("fgf:onEmpty").map(str::to_owned),
            on_initiator: el.attr_q("fgf:onInitiator").map(str::to_owned),
        };
        let multi_instance = el.child("multiInstanceLoopCharacteristics").map(|mi| {
            let id = el.id().to_owned();
            let collection_text = mi.attr("collection").map(str::to_owned).or_else(|| {
                mi.child("loopDataInputRef")
                    .map(|c| c.trimmed_text().to_owned())
            });
            let collection = collection_text.as_deref().and_then(|t| self.expr(&id, t));
            let cardinality = mi
                .child("loopCardinality")
                .and_then(|c| self.expr(&id, c.trimmed_text()));
            let completion = mi
                .child("completionCondition")
                .and_then(|c| self.expr(&id, c.trimmed_text()));
            MultiInstance {
                sequential: mi.attr("isSequential") == Some("true"),
                collection,
                cardinality,
                element_var: mi.attr("elementVariable").map(str::to_owned).or_else(|| {
                    mi.child("inputDataItem")
                        .and_then(|d| d.attr("name").map(str::to_owned))
                }),
                completion,
                weight_var: mi.attr_q("fgf:weight").map(str::to_owned),
            }
        });
        let standard_loop = el.child("standardLoopCharacteristics").map(|l| {
            let id = el.id().to_owned();
            StandardLoop {
                condition: l
                    .child("loopCondition")
                    .and_then(|c| self.expr(&id, c.trimmed_text())),
                maximum: l.attr("loopMaximum").and_then(|m| m.trim().parse().ok()),
                test_before: l.attr("testBefore") == Some("true"),
            }
        });
        let ix = self.nodes.len() as NodeIx;
        self.nodes.push(Node {
            id: el.id().to_owned(),
            name: el.attr("name").unwrap_or("").to_owned(),
            kind,
            scope,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            boundaries: Vec::new(),
            default_flow: None,
            multi_instance,
            standard_loop,
            assignment,
            fields,
            ext,
        });
        ix
    }

    fn walk(
        &mut self,
        container: &Element,
        scope: Option<NodeIx>,
        boundaries: &mut Vec<(Element, Option<NodeIx>)>,
    ) {
        for el in &container.children {
            let name = el.name.as_str();
            let kind = match name {
                "sequenceFlow" => {
                    self.flows_raw.push((el.clone(), scope));
                    continue;
                }
                "boundaryEvent" => {
                    boundaries.push((el.clone(), scope));
                    continue;
                }
                "startEvent" => NodeKind::Start {
                    def: self.event_def(el),
                    interrupting: el.attr("isInterrupting") != Some("false"),
                },
                "endEvent" => NodeKind::End {
                    def: self.event_def(el),
                },
                "intermediateCatchEvent" => NodeKind::IntermediateCatch {
                    def: self.event_def(el),
                },
                "intermediateThrowEvent" => NodeKind::IntermediateThrow {
                    def: self.event_def(el),
                },
                "task" => NodeKind::Task(TaskKind::Plain),
                "userTask" => NodeKind::Task(TaskKind::User),
                "manualTask" => NodeKind::Task(TaskKind::Manual),
                "sendTask" => NodeKind::Task(TaskKind::Send),
                "receiveTask" => {
                    let r = el.attr("messageRef").unwrap_or("");
                    NodeKind::Task(TaskKind::Receive {
                        message: self
                            .tables
                            .messages
                            .get(r)
                            .cloned()
                            .unwrap_or_else(|| r.to_owned()),
                    })
                }
                "serviceTask" => {
                    let handler = ["fgf:type", "camunda:type", "flowable:type"]
                        .iter()
                        .find_map(|q| el.attr_q(q))
                        .or_else(|| el.attr("type"))
                        .or_else(|| el.attr("class"))
                        .or_else(|| el.attr("delegateExpression"))
                        .or_else(|| el.attr("expression"))
                        .or_else(|| el.attr("implementation"))
                        .unwrap_or("")
                        .to_owned();
                    NodeKind::Task(TaskKind::Service { handler })
                }
                "businessRuleTask" => {
                    let text = el.attr_q("fgf:expression").map(str::to_owned);
                    if text.is_none() {
                        self.unsupported(el, "business rule tasks need an fgf:expression (DMN decision tables are not supported)");
                    }
                    let expr = text.and_then(|t| self.expr(el.id(), &t));
                    let result_var = el.attr("resultVariable").unwrap_or("result").to_owned();
                    NodeKind::Task(TaskKind::BusinessRule { expr, result_var })
                }
                "scriptTask" => {
                    self.unsupported(el, "script tasks are never executed (there is no script engine); use a service task with a registered handler");
                    NodeKind::Task(TaskKind::Plain)
                }
                "exclusiveGateway" => NodeKind::Gateway(GatewayKind::Exclusive),
                "parallelGateway" => NodeKind::Gateway(GatewayKind::Parallel),
                "inclusiveGateway" => NodeKind::Gateway(GatewayKind::Inclusive),
                "eventBasedGateway" => NodeKind::Gateway(GatewayKind::EventBased),
                "subProcess" => NodeKind::SubProcess {
                    triggered_by_event: el.attr("triggeredByEvent") == Some("true"),
                },
                "callActivity" => NodeKind::CallActivity {
                    called_element: el.attr("calledElement").unwrap_or("").to_owned(),
                },
                "complexGateway" | "transaction" | "adHocSubProcess" => {
                    self.unsupported(el, &format!("{name} is not supported"));
                    continue;
                }
                n if IGNORED.contains(&n) => continue,
                _ => {
                    if el.attr("id").is_some() {
                        self.unsupported(el, &format!("{name} is not supported"));
                    }
                    continue;
                }
            };
            let ix = self.new_node(el, kind, scope);
            if let Some(d) = el.attr("default") {
                self.nodes[ix as usize]
                    .ext
                    .insert("#default".to_owned(), d.to_owned());
            }
            if name == "subProcess" {
                self.walk(el, Some(ix), boundaries);
            }
        }
    }
}

/// Reads a BPMN document. Structural problems (unknown references, bad expressions) are
/// returned with the definition so a checker can report all of them at once.
pub fn import(xml_text: &str) -> Result<(Definition, Vec<ImportProblem>), String> {
    let root = xml::parse(xml_text)?;
    if root.name != "definitions" {
        return Err(format!(
            "not a BPMN document: the root element is <{}>",
            root.name
        ));
    }
    let mut tables = Tables::default();
    for c in &root.children {
        match c.name.as_str() {
            "message" => {
                tables.messages.insert(
                    c.id().to_owned(),
                    c.attr("name").unwrap_or(c.id()).to_owned(),
                );
            }
            "error" => {
                tables.errors.insert(
                    c.id().to_owned(),
                    c.attr("errorCode").unwrap_or(c.id()).to_owned(),
                );
            }
            "signal" => {
                tables.signals.insert(
                    c.id().to_owned(),
                    c.attr("name").unwrap_or(c.id()).to_owned(),
                );
            }
            "escalation" => {
                tables.escalations.insert(
                    c.id().to_owned(),
                    c.attr("escalationCode").unwrap_or(c.id()).to_owned(),
                );
            }
            _ => {}
        }
    }
    let mut processes = Vec::new();
    let mut problems = Vec::new();
    let mut unsupported = Vec::new();
    for p in root.children_named("process") {
        let mut im = Importer {
            tables: &tables,
            nodes: Vec::new(),
            flows_raw: Vec::new(),
            problems: Vec::new(),
            unsupported: Vec::new(),
        };
        let mut boundaries = Vec::new();
        im.walk(p, None, &mut boundaries);
        let mut index: BTreeMap<String, NodeIx> = BTreeMap::new();
        for (i, n) in im.nodes.iter().enumerate() {
            if index.insert(n.id.clone(), i as NodeIx).is_some() {
                im.problems.push(ImportProblem {
                    element: n.id.clone(),
                    message: "duplicate id".to_owned(),
                });
            }
        }
        for (el, scope) in boundaries {
            let attached = el.attr("attachedToRef").and_then(|r| index.get(r).copied());
            let Some(attached) = attached else {
                im.problem(
                    el.id(),
                    format!(
                        "boundary event is attached to unknown activity {:?}",
                        el.attr("attachedToRef").unwrap_or("")
                    ),
                );
                continue;
            };
            let def = im.event_def(&el);
            let cancel = el.attr("cancelActivity") != Some("false");
            let ix = im.new_node(
                &el,
                NodeKind::Boundary {
                    attached_to: attached,
                    def,
                    cancel_activity: cancel,
                },
                scope,
            );
            index.insert(el.id().to_owned(), ix);
            im.nodes[attached as usize].boundaries.push(ix);
        }
        let mut flows: Vec<Flow> = Vec::new();
        let raw = std::mem::take(&mut im.flows_raw);
        for (el, _scope) in &raw {
            let (Some(s), Some(t)) = (
                el.attr("sourceRef").and_then(|r| index.get(r)),
                el.attr("targetRef").and_then(|r| index.get(r)),
            ) else {
                im.problem(
                    el.id(),
                    format!(
                        "sequence flow refers to unknown {}",
                        if el.attr("sourceRef").and_then(|r| index.get(r)).is_none() {
                            "source"
                        } else {
                            "target"
                        }
                    ),
                );
                continue;
            };
            let condition = el
                .child("conditionExpression")
                .and_then(|c| im.expr(el.id(), c.trimmed_text()));
            let fx = flows.len() as FlowIx;
            flows.push(Flow {
                id: el.id().to_owned(),
                name: el.attr("name").unwrap_or("").to_owned(),
                source: *s,
                target: *t,
                condition,
            });
            im.nodes[*s as usize].outgoing.push(fx);
            im.nodes[*t as usize].incoming.push(fx);
        }
        for n in &mut im.nodes {
            if let Some(d) = n.ext.remove("#default") {
                n.default_flow = flows.iter().position(|f| f.id == d).map(|i| i as FlowIx);
            }
        }
        problems.extend(im.problems);
        unsupported.extend(im.unsupported);
        processes.push(Process {
            id: p.id().to_owned(),
            name: p.attr("name").unwrap_or("").to_owned(),
            executable: p.attr("isExecutable") != Some("false"),
            nodes: im.nodes,
            flows,
            index,
        });
    }
    if processes.is_empty() {
        return Err("the document has no <process>".to_owned());
    }
    Ok((
        Definition {
            id: root.id().to_owned(),
            processes,
            unsupported,
            xml: Some(xml_text.to_owned()),
        },
        problems,
    ))
}

fn event_def_xml(def: &EventDef, out: &mut String, tables: &mut ExportTables) {
    use std::fmt::Write;
    match def {
        EventDef::None => {}
        EventDef::Message(m) => {
            let id = intern(&mut tables.messages, "msg", m);
            let _ = write!(
                out,
                r#"<messageEventDefinition messageRef="{}"/>"#,
                xml::escape(&id)
            );
        }
        EventDef::Signal(s) => {
            let id = intern(&mut tables.signals, "sig", s);
            let _ = write!(
                out,
                r#"<signalEventDefinition signalRef="{}"/>"#,
                xml::escape(&id)
            );
        }
        EventDef::Error(code) => match code {
            Some(c) => {
                let id = intern(&mut tables.errors, "err", c);
                let _ = write!(
                    out,
                    r#"<errorEventDefinition errorRef="{}"/>"#,
                    xml::escape(&id)
                );
            }
            None => out.push_str("<errorEventDefinition/>"),
        },
        EventDef::Escalation(code) => match code {
            Some(c) => {
                let id = intern(&mut tables.escalations, "esc", c);
                let _ = write!(
                    out,
                    r#"<escalationEventDefinition escalationRef="{}"/>"#,
                    xml::escape(&id)
                );
            }
            None => out.push_str("<escalationEventDefinition/>"),
        },
        EventDef::Terminate => out.push_str("<terminateEventDefinition/>"),
        EventDef::Timer(t) => {
            if let Some(TimerSpec::WorkingDays(n)) = &t.spec {
                let _ = write!(out, r#"<timerEventDefinition fgf:workingDays="{n}"/>"#);
            } else {
                let tag = match t.form {
                    TimerForm::Duration => "timeDuration",
                    TimerForm::Cycle => "timeCycle",
                    TimerForm::Date => "timeDate",
                };
                let _ = write!(
                    out,
                    r#"<timerEventDefinition><{tag} xsi:type="tFormalExpression">{}</{tag}></timerEventDefinition>"#,
                    xml::escape(&t.text)
                );
            }
        }
    }
}

#[derive(Default)]
struct ExportTables {
    messages: BTreeMap<String, String>,
    signals: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    escalations: BTreeMap<String, String>,
}

/// The id for `name` in a table, adding it the first time.
fn intern(map: &mut BTreeMap<String, String>, prefix: &str, name: &str) -> String {
    let next = format!("{prefix}_{}", map.len() + 1);
    map.entry(name.to_owned()).or_insert(next).clone()
}

fn node_xml(proc: &Process, ix: NodeIx, out: &mut String, tables: &mut ExportTables) {
    use std::fmt::Write;
    let n = proc.node(ix);
    let tag = n.kind.tag();
    let mut attrs = format!(r#" id="{}""#, xml::escape(&n.id));
    if !n.name.is_empty() {
        let _ = write!(attrs, r#" name="{}""#, xml::escape(&n.name));
    }
    if let Some(d) = n.default_flow {
        let _ = write!(attrs, r#" default="{}""#, xml::escape(&proc.flow(d).id));
    }
    match &n.kind {
        NodeKind::Start {
            interrupting: false,
            ..
        } => attrs.push_str(r#" isInterrupting="false""#),
        NodeKind::Boundary {
            attached_to,
            cancel_activity,
            ..
        } => {
            let _ = write!(
                attrs,
                r#" attachedToRef="{}" cancelActivity="{cancel_activity}""#,
                xml::escape(&proc.node(*attached_to).id)
            );
        }
        NodeKind::SubProcess {
            triggered_by_event: true,
        } => attrs.push_str(r#" triggeredByEvent="true""#),
        NodeKind::CallActivity { called_element } => {
            let _ = write!(attrs, r#" calledElement="{}""#, xml::escape(called_element));
        }
        NodeKind::Task(TaskKind::Service { handler }) => {
            let _ = write!(attrs, r#" fgf:type="{}""#, xml::escape(handler));
        }
        NodeKind::Task(TaskKind::BusinessRule { expr, result_var }) => {
            if let Some(e) = expr {
                let _ = write!(attrs, r#" fgf:expression="{}""#, xml::escape(e.source()));
            }
            let _ = write!(
                attrs,
                r#" camunda:resultVariable="{}""#,
                xml::escape(result_var)
            );
        }
        NodeKind::Task(TaskKind::Receive { message }) => {
            let id = intern(&mut tables.messages, "msg", message);
            let _ = write!(attrs, r#" messageRef="{}""#, xml::escape(&id));
        }
        _ => {}
    }
    let a = &n.assignment;
    if let Some(v) = &a.assignee {
        let _ = write!(attrs, r#" camunda:assignee="{}""#, xml::escape(v));
    }
    if !a.candidate_users.is_empty() {
        let _ = write!(
            attrs,
            r#" camunda:candidateUsers="{}""#,
            xml::escape(&a.candidate_users.join(","))
        );
    }
    if !a.candidate_groups.is_empty() {
        let _ = write!(
            attrs,
            r#" camunda:candidateGroups="{}""#,
            xml::escape(&a.candidate_groups.join(","))
        );
    }
    for (k, v) in [
        ("rule", &a.rule),
        ("onEmpty", &a.on_empty),
        ("onInitiator", &a.on_initiator),
    ] {
        if let Some(v) = v {
            let _ = write!(attrs, r#" fgf:{k}="{}""#, xml::escape(v));
        }
    }
    let _ = write!(out, "<{tag}{attrs}>");
    if !n.fields.is_empty() {
        out.push_str("<extensionElements>");
        for (f, access) in &n.fields {
            let _ = write!(
                out,
                r#"<fgf:field name="{}" access="{}"/>"#,
                xml::escape(f),
                xml::escape(access)
            );
        }
        out.push_str("</extensionElements>");
    }
    match &n.kind {
        NodeKind::Start { def, .. }
        | NodeKind::End { def }
        | NodeKind::IntermediateCatch { def }
        | NodeKind::IntermediateThrow { def }
        | NodeKind::Boundary { def, .. } => event_def_xml(def, out, tables),
        _ => {}
    }
    if let Some(mi) = &n.multi_instance {
        let _ = write!(
            out,
            r#"<multiInstanceLoopCharacteristics isSequential="{}""#,
            mi.sequential
        );
        if let Some(c) = &mi.collection {
            let _ = write!(out, r#" camunda:collection="{}""#, xml::escape(c.source()));
        }
        if let Some(v) = &mi.element_var {
            let _ = write!(out, r#" camunda:elementVariable="{}""#, xml::escape(v));
        }
        if let Some(w) = &mi.weight_var {
            let _ = write!(out, r#" fgf:weight="{}""#, xml::escape(w));
        }
        out.push('>');
        if let Some(c) = &mi.cardinality {
            let _ = write!(
                out,
                "<loopCardinality>{}</loopCardinality>",
                xml::escape(c.source())
            );
        }
        if let Some(c) = &mi.completion {
            let _ = write!(
                out,
                "<completionCondition>{}</completionCondition>",
                xml::escape(c.source())
            );
        }
        out.push_str("</multiInstanceLoopCharacteristics>");
    }
    if let Some(l) = &n.standard_loop {
        let _ = write!(
            out,
            r#"<standardLoopCharacteristics testBefore="{}""#,
            l.test_before
        );
        if let Some(m) = l.maximum {
            let _ = write!(out, r#" loopMaximum="{m}""#);
        }
        out.push('>');
        if let Some(c) = &l.condition {
            let _ = write!(
                out,
                "<loopCondition>{}</loopCondition>",
                xml::escape(c.source())
            );
        }
        out.push_str("</standardLoopCharacteristics>");
    }
    if matches!(n.kind, NodeKind::SubProcess { .. }) {
        for c in proc.nodes_in(Some(ix)).collect::<Vec<_>>() {
            node_xml(proc, c, out, tables);
        }
        for f in proc
            .flows
            .iter()
            .filter(|f| proc.node(f.source).scope == Some(ix))
        {
            flow_xml(f, proc, out);
        }
    }
    let _ = write!(out, "</{tag}>");
}

fn flow_xml(f: &Flow, proc: &Process, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        r#"<sequenceFlow id="{}" sourceRef="{}" targetRef="{}""#,
        xml::escape(&f.id),
        xml::escape(&proc.node(f.source).id),
        xml::escape(&proc.node(f.target).id)
    );
    if !f.name.is_empty() {
        let _ = write!(out, r#" name="{}""#, xml::escape(&f.name));
    }
    match &f.condition {
        Some(c) => {
            let _ = write!(
                out,
                r#"><conditionExpression xsi:type="tFormalExpression">{}</conditionExpression></sequenceFlow>"#,
                xml::escape(c.source())
            );
        }
        None => out.push_str("/>"),
    }
}

/// Writes a definition as BPMN 2.0 XML that Camunda Modeler, bpmn.io and Flowable read, with
/// the project's extension attributes under the `fgf:` namespace. `diagram` (BPMNDI) is
/// appended as given.
pub fn export(def: &Definition, diagram: &str) -> String {
    use std::fmt::Write;
    let mut tables = ExportTables::default();
    let mut body = String::new();
    for p in &def.processes {
        let _ = write!(
            body,
            r#"<process id="{}" name="{}" isExecutable="{}">"#,
            xml::escape(&p.id),
            xml::escape(&p.name),
            p.executable
        );
        for ix in p.nodes_in(None).collect::<Vec<_>>() {
            if !matches!(p.node(ix).kind, NodeKind::Boundary { .. }) {
                node_xml(p, ix, &mut body, &mut tables);
            }
        }
        for ix in (0..p.nodes.len() as NodeIx)
            .filter(|i| matches!(p.node(*i).kind, NodeKind::Boundary { .. }))
        {
            node_xml(p, ix, &mut body, &mut tables);
        }
        for f in p.flows.iter().filter(|f| p.node(f.source).scope.is_none()) {
            flow_xml(f, p, &mut body);
        }
        body.push_str("</process>");
    }
    let mut head = String::new();
    for (name, id) in &tables.messages {
        let _ = write!(
            head,
            r#"<message id="{}" name="{}"/>"#,
            xml::escape(id),
            xml::escape(name)
        );
    }
    for (name, id) in &tables.signals {
        let _ = write!(
            head,
            r#"<signal id="{}" name="{}"/>"#,
            xml::escape(id),
            xml::escape(name)
        );
    }
    for (code, id) in &tables.errors {
        let _ = write!(
            head,
            r#"<error id="{}" errorCode="{}"/>"#,
            xml::escape(id),
            xml::escape(code)
        );
    }
    for (code, id) in &tables.escalations {
        let _ = write!(
            head,
            r#"<escalation id="{}" escalationCode="{}"/>"#,
            xml::escape(id),
            xml::escape(code)
        );
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:fgf="https://fangguanfu.example/bpmn" id="{}" targetNamespace="https://fangguanfu.example/bpmn" exporter="Fangguanfu" exporterVersion="{}">{head}{body}{diagram}</definitions>
"#,
        xml::escape(if def.id.is_empty() {
            "definitions"
        } else {
            &def.id
        }),
        env!("CARGO_PKG_VERSION")
    )
}

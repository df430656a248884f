//! Process diagrams for 流程图高亮.
//!
//! Users asked to see, on an instance's page, the process diagram with the
//! nodes the instance has completed, the ones it is active in and the ones
//! still pending marked in colour. We render that picture on the server as a
//! plain SVG string because the pages must work without JavaScript and must
//! not load anything from a CDN (so no bpmn-js): the SVG carries its own
//! inline style and needs nothing else.
//!
//! Geometry comes from the BPMNDI section when the definition was drawn in a
//! modeller. Definitions made in the project's node-tree designer have no DI,
//! so [`auto_layout`] invents a readable layout for them, and
//! [`to_bpmndi_xml`] lets an export carry that layout, so other BPMN tools
//! open the file with the same picture.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
    StartEvent,
    EndEvent,
    IntermediateEvent,
    BoundaryEvent,
    Task,
    UserTask,
    ServiceTask,
    ManualTask,
    ReceiveTask,
    SendTask,
    BusinessRuleTask,
    ScriptTask,
    CallActivity,
    SubProcess,
    ExclusiveGateway,
    ParallelGateway,
    InclusiveGateway,
    EventBasedGateway,
    Other,
}

impl ShapeKind {
    fn is_event(self) -> bool {
        matches!(
            self,
            ShapeKind::StartEvent
                | ShapeKind::EndEvent
                | ShapeKind::IntermediateEvent
                | ShapeKind::BoundaryEvent
        )
    }

    fn is_gateway(self) -> bool {
        matches!(
            self,
            ShapeKind::ExclusiveGateway
                | ShapeKind::ParallelGateway
                | ShapeKind::InclusiveGateway
                | ShapeKind::EventBasedGateway
        )
    }

    /// The default size BPMN modellers give this kind; the layout uses it so
    /// an exported file looks like one drawn by hand.
    fn default_size(self) -> (f64, f64) {
        if self.is_event() {
            (36.0, 36.0)
        } else if self.is_gateway() {
            (50.0, 50.0)
        } else {
            (100.0, 80.0)
        }
    }

    /// Semantic element names, matched on the local name so that any
    /// namespace prefix (bpmn:, bpmn2:, semantic:, none) works.
    fn from_element(local: &str) -> Option<ShapeKind> {
        Some(match local {
            "startEvent" => ShapeKind::StartEvent,
            "endEvent" => ShapeKind::EndEvent,
            "intermediateCatchEvent" | "intermediateThrowEvent" => ShapeKind::IntermediateEvent,
            "boundaryEvent" => ShapeKind::BoundaryEvent,
            "task" => ShapeKind::Task,
            "userTask" => ShapeKind::UserTask,
            "serviceTask" => ShapeKind::ServiceTask,
            "manualTask" => ShapeKind::ManualTask,
            "receiveTask" => ShapeKind::ReceiveTask,
            "sendTask" => ShapeKind::SendTask,
            "businessRuleTask" => ShapeKind::BusinessRuleTask,
            "scriptTask" => ShapeKind::ScriptTask,
            "callActivity" => ShapeKind::CallActivity,
            "subProcess" | "transaction" | "adHocSubProcess" => ShapeKind::SubProcess,
            "exclusiveGateway" => ShapeKind::ExclusiveGateway,
            "parallelGateway" => ShapeKind::ParallelGateway,
            "inclusiveGateway" => ShapeKind::InclusiveGateway,
            "eventBasedGateway" => ShapeKind::EventBasedGateway,
            "complexGateway"
            | "textAnnotation"
            | "dataObjectReference"
            | "dataStoreReference"
            | "participant"
            | "lane"
            | "group" => ShapeKind::Other,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub id: String,
    pub kind: ShapeKind,
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub expanded: bool,
    /// Small marker inside an event: 'T' terminate, 'E' error, '⏱' timer,
    /// '✉' message, or any other single character.
    pub terminate_or_error_marker: Option<char>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub id: String,
    pub source: String,
    pub target: String,
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagram {
    pub shapes: Vec<Shape>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, Default)]
pub struct Marks {
    pub completed: BTreeSet<String>,
    pub active: BTreeSet<String>,
    pub failed: BTreeSet<String>,
    /// Sequence flows the instance has taken.
    pub taken_flows: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiagramError {
    #[error("malformed XML near byte {position}: {message}")]
    Xml { position: u64, message: String },
    #[error("<{element}> has {attribute}=\"{value}\", which is not a finite number")]
    BadNumber {
        element: String,
        attribute: String,
        value: String,
    },
    #[error("<{element}> lacks the {attribute} attribute")]
    MissingAttribute { element: String, attribute: String },
}

// ---------------------------------------------------------------------------
// Reading BPMNDI
// ---------------------------------------------------------------------------

struct SemNode {
    kind: ShapeKind,
    name: String,
    marker: Option<char>,
}

struct SemFlow {
    source: String,
    target: String,
    name: String,
}

struct RawShape {
    element: String,
    expanded: Option<bool>,
    bounds: Option<(f64, f64, f64, f64)>,
}

struct RawEdge {
    element: String,
    points: Vec<(f64, f64)>,
}

struct RawPlane {
    element: String,
    shapes: Vec<RawShape>,
    edges: Vec<RawEdge>,
}

#[derive(Default)]
struct Parsed {
    nodes: HashMap<String, SemNode>,
    /// Flow-node ids in document order, so callers laying out a DI-less
    /// definition get a stable, author-like order.
    node_order: Vec<String>,
    flows: HashMap<String, SemFlow>,
    flow_order: Vec<String>,
    /// (collaboration id, processRef) of each participant: a plane usually
    /// points at the collaboration, not at the process the caller names.
    participants: Vec<(String, String)>,
    planes: Vec<RawPlane>,
}

enum Role {
    None,
    Node(String),
    /// A text annotation's `<text>`, and the byte offset where it starts.
    AnnotationText(String, usize),
    Collaboration(String),
    Diagram,
    Plane(usize),
    DiShape(usize, usize),
    DiEdge(usize, usize),
}

fn xml_error(position: u64, e: impl std::fmt::Display) -> DiagramError {
    DiagramError::Xml {
        position,
        message: e.to_string(),
    }
}

fn local_str(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

struct Attrs {
    element: String,
    list: Vec<(String, String)>,
}

impl Attrs {
    fn read(e: &BytesStart<'_>, reader: &Reader<&[u8]>) -> Result<Attrs, DiagramError> {
        let element = local_str(e.local_name().as_ref());
        let mut list = Vec::new();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| xml_error(reader.buffer_position(), err))?;
            let value = attr
                .decode_and_unescape_value(reader.decoder())
                .map_err(|err| xml_error(reader.buffer_position(), err))?;
            list.push((
                local_str(attr.key.local_name().as_ref()),
                value.into_owned(),
            ));
        }
        Ok(Attrs { element, list })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self, key: &str) -> String {
        self.get(key).unwrap_or_default().to_owned()
    }

    fn number(&self, key: &str) -> Result<f64, DiagramError> {
        let raw = self
            .get(key)
            .ok_or_else(|| DiagramError::MissingAttribute {
                element: self.element.clone(),
                attribute: key.to_owned(),
            })?;
        match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(DiagramError::BadNumber {
                element: self.element.clone(),
                attribute: key.to_owned(),
                value: raw.to_owned(),
            }),
        }
    }
}

fn marker_for_definition(local: &str) -> Option<char> {
    Some(match local {
        "terminateEventDefinition" => 'T',
        "errorEventDefinition" => 'E',
        "timerEventDefinition" => '⏱',
        "messageEventDefinition" => '✉',
        "signalEventDefinition" => '▲',
        "escalationEventDefinition" => '⇑',
        "conditionalEventDefinition" => '≡',
        "compensateEventDefinition" => '⏪',
        "linkEventDefinition" => '➔',
        "cancelEventDefinition" => '✕',
        _ => return None,
    })
}

impl Parsed {
    fn open(
        &mut self,
        a: &Attrs,
        parent: Option<&Role>,
        in_di: bool,
    ) -> Result<Role, DiagramError> {
        let el = a.element.as_str();
        if el == "BPMNDiagram" {
            return Ok(Role::Diagram);
        }
        if in_di {
            return Ok(match (el, parent) {
                ("BPMNPlane", _) => {
                    self.planes.push(RawPlane {
                        element: a.text("bpmnElement"),
                        shapes: Vec::new(),
                        edges: Vec::new(),
                    });
                    Role::Plane(self.planes.len() - 1)
                }
                ("BPMNShape", Some(Role::Plane(p))) => {
                    let plane = &mut self.planes[*p];
                    plane.shapes.push(RawShape {
                        element: a.text("bpmnElement"),
                        expanded: a.get("isExpanded").map(|v| v.trim() == "true"),
                        bounds: None,
                    });
                    Role::DiShape(*p, plane.shapes.len() - 1)
                }
                ("BPMNEdge", Some(Role::Plane(p))) => {
                    let plane = &mut self.planes[*p];
                    plane.edges.push(RawEdge {
                        element: a.text("bpmnElement"),
                        points: Vec::new(),
                    });
                    Role::DiEdge(*p, plane.edges.len() - 1)
                }
                // Only the shape's own bounds: a BPMNLabel's bounds sit one
                // level deeper and must not move the shape.
                ("Bounds", Some(Role::DiShape(p, s))) => {
                    let b = (
                        a.number("x")?,
                        a.number("y")?,
                        a.number("width")?,
                        a.number("height")?,
                    );
                    if let Some(shape) = self.planes[*p].shapes.get_mut(*s) {
                        shape.bounds = Some(b);
                    }
                    Role::None
                }
                ("waypoint", Some(Role::DiEdge(p, e))) => {
                    let pt = (a.number("x")?, a.number("y")?);
                    if let Some(edge) = self.planes[*p].edges.get_mut(*e) {
                        edge.points.push(pt);
                    }
                    Role::None
                }
                _ => Role::None,
            });
        }
        if let Some(kind) = ShapeKind::from_element(el) {
            let id = a.text("id");
            if id.is_empty() {
                return Ok(Role::None);
            }
            if el == "participant" {
                if let Some(Role::Collaboration(c)) = parent {
                    self.participants.push((c.clone(), a.text("processRef")));
                }
            }
            if kind != ShapeKind::Other {
                self.node_order.push(id.clone());
            }
            self.nodes.insert(
                id.clone(),
                SemNode {
                    kind,
                    name: a.text("name"),
                    marker: None,
                },
            );
            return Ok(Role::Node(id));
        }
        match el {
            "collaboration" => return Ok(Role::Collaboration(a.text("id"))),
            "sequenceFlow" | "messageFlow" | "association" => {
                let id = a.text("id");
                if !id.is_empty() {
                    self.flow_order.push(id.clone());
                    self.flows.insert(
                        id,
                        SemFlow {
                            source: a.text("sourceRef"),
                            target: a.text("targetRef"),
                            name: a.text("name"),
                        },
                    );
                }
                return Ok(Role::None);
            }
            "text" => {
                if let Some(Role::Node(id)) = parent {
                    return Ok(Role::AnnotationText(id.clone(), 0));
                }
            }
            _ => {}
        }
        if let (Some(marker), Some(Role::Node(id))) = (marker_for_definition(el), parent) {
            if let Some(node) = self.nodes.get_mut(id) {
                if node.kind.is_event() && node.marker.is_none() {
                    node.marker = Some(marker);
                }
            }
        }
        Ok(Role::None)
    }

    fn annotation_text(&mut self, id: &str, text: &str) {
        if let Some(node) = self.nodes.get_mut(id) {
            node.name.push_str(text);
        }
    }
}

/// The content of an element from the raw input, entities resolved and
/// CDATA unwrapped. Read from the source rather than from text events
/// because quick-xml reports text differently from one minor version to the
/// next (whole and unescaped until 0.37, split around entity references
/// since 0.38), and the workspace may use either.
fn raw_text(xml: &str, start: usize, end: u64) -> Result<String, DiagramError> {
    let end = usize::try_from(end).unwrap_or(usize::MAX);
    let mut rest = xml.get(start..end).unwrap_or_default();
    let mut out = String::new();
    while !rest.is_empty() {
        let (plain, cdata, after) = match rest.find("<![CDATA[") {
            Some(i) => {
                let body = &rest[i + 9..];
                let close = body.find("]]>").unwrap_or(body.len());
                (
                    &rest[..i],
                    &body[..close],
                    body.get(close + 3..).unwrap_or_default(),
                )
            }
            None => (rest, "", ""),
        };
        let unescaped =
            quick_xml::escape::unescape(plain).map_err(|e| xml_error(start as u64, e))?;
        out.push_str(&unescaped);
        out.push_str(cdata);
        rest = after;
    }
    Ok(out)
}

fn parse(xml: &str) -> Result<Parsed, DiagramError> {
    let mut reader = Reader::from_str(xml);
    let mut parsed = Parsed::default();
    let mut stack: Vec<Role> = Vec::new();
    let mut di_depth = 0usize;
    let mut saw_root = false;
    loop {
        let before = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| xml_error(reader.error_position(), e))?;
        match event {
            Event::Start(e) => {
                saw_root = true;
                let attrs = Attrs::read(&e, &reader)?;
                let mut role = parsed.open(&attrs, stack.last(), di_depth > 0)?;
                match &mut role {
                    Role::Diagram => di_depth += 1,
                    Role::AnnotationText(_, start) => {
                        *start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                    }
                    _ => {}
                }
                stack.push(role);
            }
            Event::Empty(e) => {
                saw_root = true;
                let attrs = Attrs::read(&e, &reader)?;
                parsed.open(&attrs, stack.last(), di_depth > 0)?;
            }
            Event::End(_) => match stack.pop() {
                Some(Role::Diagram) => di_depth = di_depth.saturating_sub(1),
                Some(Role::AnnotationText(id, start)) => {
                    let text = raw_text(xml, start, before)?;
                    parsed.annotation_text(&id, &text);
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    // quick-xml stops quietly at the end of input; a cut-off upload must
    // not pass for a diagram with half its shapes.
    if !stack.is_empty() || !saw_root {
        return Err(xml_error(
            reader.buffer_position(),
            "document ends before its root element is closed",
        ));
    }
    Ok(parsed)
}

/// Reads BPMNDI (bpmndi:BPMNShape/dc:Bounds, bpmndi:BPMNEdge/di:waypoint — any
/// namespace prefixes, or none) of the plane for `process_id` (or the first
/// plane), taking element kinds and names from the semantic part of the same
/// XML (startEvent, userTask, exclusiveGateway, subProcess, sequenceFlow
/// sourceRef/targetRef …, inside any prefix like bpmn:). Returns Ok(None)
/// when the file has no DI; malformed XML or a non-numeric coordinate is an
/// error, never a panic.
pub fn from_bpmndi(xml: &str, process_id: Option<&str>) -> Result<Option<Diagram>, DiagramError> {
    let parsed = parse(xml)?;
    let chosen = process_id
        .and_then(|pid| {
            parsed.planes.iter().position(|p| {
                p.element == pid
                    || parsed
                        .participants
                        .iter()
                        .any(|(collab, process)| *collab == p.element && process == pid)
            })
        })
        // Without a match, the first plane that draws anything: tools also
        // write empty planes (for a collaboration with no pools, say).
        .or_else(|| parsed.planes.iter().position(|p| !p.shapes.is_empty()))
        .unwrap_or(0);
    let Some(plane) = parsed.planes.get(chosen) else {
        return Ok(None);
    };
    let mut diagram = Diagram::default();
    for raw in &plane.shapes {
        let Some((x, y, w, h)) = raw.bounds else {
            continue;
        };
        let sem = parsed.nodes.get(&raw.element);
        let kind = sem.map_or(ShapeKind::Other, |s| s.kind);
        // Modellers omit isExpanded often; a sub-process drawn much larger
        // than a task is one whose content is shown.
        let expanded =
            kind == ShapeKind::SubProcess && raw.expanded.unwrap_or(w > 150.0 && h > 110.0);
        diagram.shapes.push(Shape {
            id: raw.element.clone(),
            kind,
            name: sem.map(|s| s.name.trim().to_owned()).unwrap_or_default(),
            x,
            y,
            w,
            h,
            expanded,
            terminate_or_error_marker: sem.and_then(|s| s.marker),
        });
    }
    for raw in &plane.edges {
        let flow = parsed.flows.get(&raw.element);
        diagram.edges.push(Edge {
            id: raw.element.clone(),
            source: flow.map(|f| f.source.clone()).unwrap_or_default(),
            target: flow.map(|f| f.target.clone()).unwrap_or_default(),
            name: flow.map(|f| f.name.clone()).unwrap_or_default(),
            points: raw.points.clone(),
        });
    }
    if diagram.shapes.is_empty() && diagram.edges.is_empty() {
        return Ok(None);
    }
    Ok(Some(diagram))
}

// ---------------------------------------------------------------------------
// Automatic layout
// ---------------------------------------------------------------------------

const GAP: f64 = 60.0;
const ROW_PITCH: f64 = 80.0 + GAP;
const ORIGIN: f64 = 40.0;

/// Lays out a graph that has no DI (definitions made in the project's
/// node-tree designer): layered left-to-right (longest-path layering from
/// start nodes, nodes ordered within a layer to reduce crossings with a
/// simple barycenter pass), tasks 100×80, events 36×36, gateways 50×50, 60px
/// gaps; edges as orthogonal polylines. `flows` are (flow id, source,
/// target). Flows whose source or target is not among `nodes` are left
/// out: there is nothing to attach them to.
pub fn auto_layout(
    nodes: &[(String, ShapeKind, String)],
    flows: &[(String, String, String)],
) -> Diagram {
    // Duplicate ids would make two shapes answer to one mark; keep the first.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut list: Vec<&(String, ShapeKind, String)> = Vec::new();
    for node in nodes {
        if !index.contains_key(node.0.as_str()) {
            index.insert(node.0.as_str(), list.len());
            list.push(node);
        }
    }
    let n = list.len();
    if n == 0 {
        return Diagram::default();
    }
    let edges: Vec<(usize, usize, usize)> = flows
        .iter()
        .enumerate()
        .filter_map(|(fi, (_, s, t))| Some((fi, *index.get(s.as_str())?, *index.get(t.as_str())?)))
        .collect();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut in_count = vec![0usize; n];
    for (ei, &(_, s, t)) in edges.iter().enumerate() {
        out_edges[s].push(ei);
        in_count[t] += 1;
    }

    // Loops (rework, 退回) are common in approval flows. Layering needs an
    // acyclic graph, so the edges that close a loop are left out of it and
    // drawn afterwards as returning arcs under the diagram.
    let back = find_back_edges(&list, &edges, &out_edges, &in_count);

    let mut layer = vec![0usize; n];
    let mut fwd_in = vec![0usize; n];
    for (ei, &(_, s, t)) in edges.iter().enumerate() {
        if !back[ei] && s != t {
            fwd_in[t] += 1;
        }
    }
    let mut queue: Vec<usize> = (0..n).filter(|&v| fwd_in[v] == 0).collect();
    let mut remaining = fwd_in.clone();
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head];
        head += 1;
        for &ei in &out_edges[v] {
            let (_, _, t) = edges[ei];
            if back[ei] || t == v {
                continue;
            }
            layer[t] = layer[t].max(layer[v] + 1);
            remaining[t] -= 1;
            if remaining[t] == 0 {
                queue.push(t);
            }
        }
    }
    // A source that is not a start event (a boundary event's path, say)
    // belongs next to what it leads to, not in the start column.
    for v in 0..n {
        if fwd_in[v] == 0 && list[v].1 != ShapeKind::StartEvent {
            let min_succ = out_edges[v]
                .iter()
                .filter(|&&ei| !back[ei] && edges[ei].2 != v)
                .map(|&ei| layer[edges[ei].2])
                .min();
            if let Some(m) = min_succ {
                layer[v] = m.saturating_sub(1);
            }
        }
    }
    let layer_count = layer.iter().copied().max().unwrap_or(0) + 1;

    // Virtual graph: real nodes plus one dummy per layer crossed by a long
    // edge, so long edges get a lane of their own instead of running through
    // the shapes between.
    let mut vlayer: Vec<usize> = layer.clone();
    let mut vpred: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut vsucc: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
    let mut dummy_owner: Vec<usize> = Vec::new();
    for (ei, &(_, s, t)) in edges.iter().enumerate() {
        if back[ei] || s == t {
            continue;
        }
        let mut prev = s;
        for l in layer[s] + 1..layer[t] {
            let d = vlayer.len();
            dummy_owner.push(s);
            vlayer.push(l);
            vpred.push(vec![prev]);
            vsucc.push(Vec::new());
            vsucc[prev].push(d);
            chains[ei].push(d);
            prev = d;
        }
        vsucc[prev].push(t);
        vpred[t].push(prev);
    }
    let vn = vlayer.len();
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for v in 0..vn {
        layers[vlayer[v]].push(v);
    }
    order_layers(&mut layers, &vpred, &vsucc, vn);

    let mut col_w = vec![0.0f64; layer_count];
    for v in 0..n {
        let (w, _) = list[v].1.default_size();
        col_w[layer[v]] = col_w[layer[v]].max(w);
    }
    let mut col_x = vec![0.0f64; layer_count];
    for l in 1..layer_count {
        col_x[l] = col_x[l - 1] + col_w[l - 1] + GAP;
    }
    let mut cy = place_rows(&layers, &vpred, &vsucc, vn, n);

    // Separate parts of the graph (a boundary event's own path, a node not
    // yet connected) are laid out side by side in the same layers, but
    // nothing ties their heights together, so they drift apart. Stack each
    // part as a rigid block below the previous one instead, leaving room for
    // its loops to pass underneath.
    let comp = components(n, &edges);
    let vcomp: Vec<usize> = (0..vn)
        .map(|v| {
            if v < n {
                comp[v]
            } else {
                comp[dummy_owner[v - n]]
            }
        })
        .collect();
    let comp_count = comp.iter().copied().max().map_or(0, |m| m + 1);
    let mut extent = vec![(f64::INFINITY, f64::NEG_INFINITY); comp_count];
    for v in 0..vn {
        let half = if v < n {
            list[v].1.default_size().1 / 2.0
        } else {
            0.0
        };
        let e = &mut extent[vcomp[v]];
        // Tops use the task half-height so rows stay aligned across parts.
        e.0 = e.0.min(cy[v] - 40.0);
        e.1 = e.1.max(cy[v] + half);
    }
    let mut loop_room = vec![0.0f64; comp_count];
    for (ei, &(_, s, t)) in edges.iter().enumerate() {
        if s == t {
            loop_room[comp[s]] = loop_room[comp[s]].max(20.0);
        } else if back[ei] {
            let r = &mut loop_room[comp[s]];
            *r = if *r < 30.0 { 30.0 } else { *r + 15.0 };
        }
    }
    // The part with a start event first, then the others as the author
    // listed them. Components are numbered by first node, so that number is
    // already the listing order.
    let mut has_start = vec![false; comp_count];
    for v in 0..n {
        has_start[comp[v]] |= list[v].1 == ShapeKind::StartEvent;
    }
    let mut comp_order: Vec<usize> = (0..comp_count).collect();
    comp_order.sort_by_key(|&c| (!has_start[c], c));
    let mut shift = vec![0.0f64; comp_count];
    let mut loop_base = vec![0.0f64; comp_count];
    let mut cursor = ORIGIN;
    for c in comp_order {
        let (top, bottom) = extent[c];
        if !top.is_finite() {
            continue;
        }
        shift[c] = cursor - top;
        loop_base[c] = bottom + shift[c];
        cursor = loop_base[c] + loop_room[c] + GAP;
    }
    for v in 0..vn {
        cy[v] += shift[vcomp[v]];
    }
    let dx = ORIGIN;

    let mut shapes = Vec::with_capacity(n);
    for (v, (id, kind, name)) in list.iter().map(|t| (&t.0, t.1, &t.2)).enumerate() {
        let (w, h) = kind.default_size();
        let l = layer[v];
        shapes.push(Shape {
            id: id.clone(),
            kind,
            name: name.clone(),
            x: (dx + col_x[l] + (col_w[l] - w) / 2.0).round(),
            y: (cy[v] - h / 2.0).round(),
            w,
            h,
            expanded: false,
            terminate_or_error_marker: None,
        });
    }

    // Where each gap's vertical segments run. A fork's edges share the
    // fork's lane and a join's edges share the join's lane, so both read as
    // one branching line; unrelated edges get lanes of their own spread
    // across the gap, so they never share a vertical and seem connected.
    let mut lanes: HashMap<(usize, usize), f64> = HashMap::new();
    for l in 0..layer_count.saturating_sub(1) {
        let bends = |v: usize, t: usize| (cy[t] - cy[v]).abs() > 0.5;
        let mut keys: Vec<(bool, usize)> = Vec::new();
        let mut assigned: Vec<((usize, usize), (bool, usize))> = Vec::new();
        for &v in &layers[l] {
            let fanout = vsucc[v].iter().filter(|&&t| bends(v, t)).count();
            for &t in vsucc[v].iter().filter(|&&t| bends(v, t)) {
                let fanin = vpred[t].iter().filter(|&&u| bends(u, t)).count();
                let key = if fanout <= 1 && fanin > 1 {
                    (true, t)
                } else {
                    (false, v)
                };
                if !keys.contains(&key) {
                    keys.push(key);
                }
                assigned.push(((v, t), key));
            }
        }
        let left = dx + col_x[l] + col_w[l];
        let right = dx + col_x[l + 1];
        let m = keys.len() as f64;
        for (pair, key) in assigned {
            let j = keys.iter().position(|k| *k == key).unwrap_or(0) as f64;
            lanes.insert(
                pair,
                (left + (right - left) * (j + 1.0) / (m + 1.0)).round(),
            );
        }
    }
    // Short loops run closest to the diagram, so nested loops never cross.
    let mut loop_slot = vec![0usize; edges.len()];
    let mut by_span: Vec<usize> = (0..edges.len())
        .filter(|&ei| back[ei] && edges[ei].1 != edges[ei].2)
        .collect();
    by_span.sort_by_key(|&ei| layer[edges[ei].1].abs_diff(layer[edges[ei].2]));
    let mut used = vec![0usize; comp_count];
    for ei in by_span {
        let c = comp[edges[ei].1];
        loop_slot[ei] = used[c];
        used[c] += 1;
    }

    let mut out = Vec::with_capacity(edges.len());
    for (ei, &(fi, s, t)) in edges.iter().enumerate() {
        let (src, tgt) = (&shapes[s], &shapes[t]);
        let points = if s == t {
            let b = src.y + src.h;
            if src.kind.is_event() || src.kind.is_gateway() {
                // Circles and diamonds only touch their box at the middles.
                let (r, cx) = (src.x + src.w, src.x + src.w / 2.0);
                vec![
                    (r, src.y + src.h / 2.0),
                    (r + 20.0, src.y + src.h / 2.0),
                    (r + 20.0, b + 20.0),
                    (cx, b + 20.0),
                    (cx, b),
                ]
            } else {
                // Under the task, clear of the flows at its sides.
                let (x1, x2) = (src.x + src.w * 0.75, src.x + src.w * 0.25);
                vec![(x1, b), (x1, b + 20.0), (x2, b + 20.0), (x2, b)]
            }
        } else if back[ei] {
            let yb = loop_base[comp[s]] + 30.0 + 15.0 * loop_slot[ei] as f64;
            let below = |l: usize, me: usize| {
                layers[l]
                    .iter()
                    .any(|&v| v < n && v != me && comp[v] == comp[me] && shapes[v].y > shapes[me].y)
            };
            let geometry = Columns {
                x: &col_x,
                w: &col_w,
                dx,
            };
            back_edge_points(
                src,
                tgt,
                below(layer[s], s),
                below(layer[t], t),
                &geometry,
                layer[s],
                layer[t],
                yb,
            )
        } else {
            let mut pts = vec![(src.x + src.w, cy[s])];
            let mut prev = s;
            for &next in chains[ei].iter().chain(std::iter::once(&t)) {
                if (cy[next] - cy[prev]).abs() > 0.5 {
                    let x = lanes
                        .get(&(prev, next))
                        .copied()
                        .unwrap_or(pts[pts.len() - 1].0);
                    pts.push((x, cy[prev]));
                    pts.push((x, cy[next]));
                }
                prev = next;
            }
            pts.push((tgt.x, cy[t]));
            pts
        };
        let (id, source, target) = &flows[fi];
        out.push(Edge {
            id: id.clone(),
            source: source.clone(),
            target: target.clone(),
            name: String::new(),
            points: simplify(points),
        });
    }
    Diagram { shapes, edges: out }
}

/// Vertical placement: each node is pulled toward the mean height of its
/// neighbours (predecessors on downward sweeps, successors on upward ones),
/// keeping the barycenter order and a row pitch between nodes. A sequence
/// therefore stays one straight row, and a branch that rejoins comes back
/// to the row it left.
fn place_rows(
    layers: &[Vec<usize>],
    vpred: &[Vec<usize>],
    vsucc: &[Vec<usize>],
    vn: usize,
    real: usize,
) -> Vec<f64> {
    let mut cy = vec![0.0f64; vn];
    for members in layers {
        let m = members.len() as f64;
        for (i, &v) in members.iter().enumerate() {
            cy[v] = (i as f64 - (m - 1.0) / 2.0) * ROW_PITCH;
        }
    }
    let sweep = |down: bool, cy: &mut Vec<f64>| {
        let order: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in order {
            let desired: Vec<f64> = layers[l]
                .iter()
                .map(|&v| {
                    let ns = if down { &vpred[v] } else { &vsucc[v] };
                    // A long edge arriving should end straight, too.
                    let weight = |u: usize| if u >= real { LONG_EDGE_WEIGHT } else { 1.0 };
                    let total: f64 = ns.iter().map(|&u| weight(u)).sum();
                    if total > 0.0 {
                        ns.iter().map(|&u| cy[u] * weight(u)).sum::<f64>() / total
                    } else {
                        cy[v]
                    }
                })
                .collect();
            let weights: Vec<f64> = layers[l]
                .iter()
                .map(|&v| if v >= real { LONG_EDGE_WEIGHT } else { 1.0 })
                .collect();
            for (&v, y) in layers[l]
                .iter()
                .zip(fit_ordered(&desired, &weights, ROW_PITCH))
            {
                cy[v] = y;
            }
        }
    };
    for _ in 0..3 {
        sweep(true, &mut cy);
        sweep(false, &mut cy);
    }
    sweep(true, &mut cy);
    cy
}

/// Long edges (the dummies standing in for them) count more when a layer
/// gets crowded: a straight bypass line reads better than a bent one, and
/// the short branches around it can move instead.
const LONG_EDGE_WEIGHT: f64 = 4.0;

/// Weighted least-squares positions closest to `desired` with each at least `pitch`
/// below the previous one (pool-adjacent-violators on `y - i·pitch`), then
/// snapped to half rows so that shapes of different layers line up.
fn fit_ordered(desired: &[f64], weights: &[f64], pitch: f64) -> Vec<f64> {
    // (weighted sum, total weight, members)
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (i, (d, w)) in desired.iter().zip(weights).enumerate() {
        blocks.push(((d - i as f64 * pitch) * w, *w, 1));
        while blocks.len() >= 2 {
            let (s2, w2, c2) = blocks[blocks.len() - 1];
            let (s1, w1, c1) = blocks[blocks.len() - 2];
            if s1 / w1 <= s2 / w2 {
                break;
            }
            blocks.pop();
            if let Some(last) = blocks.last_mut() {
                *last = (s1 + s2, w1 + w2, c1 + c2);
            }
        }
    }
    let half = pitch / 2.0;
    let mut out = Vec::with_capacity(desired.len());
    for (sum, weight, count) in blocks {
        let z = ((sum / weight) / half).round() * half;
        for _ in 0..count {
            out.push(z + out.len() as f64 * pitch);
        }
    }
    out
}

fn find_back_edges(
    list: &[&(String, ShapeKind, String)],
    edges: &[(usize, usize, usize)],
    out_edges: &[Vec<usize>],
    in_count: &[usize],
) -> Vec<bool> {
    let n = list.len();
    let mut back = vec![false; edges.len()];
    // 0 unseen, 1 on the DFS path, 2 done
    let mut state = vec![0u8; n];
    let roots = (0..n)
        .filter(|&v| list[v].1 == ShapeKind::StartEvent)
        .chain((0..n).filter(|&v| in_count[v] == 0))
        .chain(0..n)
        .collect::<Vec<_>>();
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        // Iterative so that a long chain from the designer cannot overflow
        // the stack.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&ei) = out_edges[v].get(*next) {
                *next += 1;
                let t = edges[ei].2;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        stack.push((t, 0));
                    }
                    1 => back[ei] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Barycenter ordering: alternate downward and upward sweeps, keeping the
/// order with the fewest crossings seen.
fn order_layers(layers: &mut [Vec<usize>], vpred: &[Vec<usize>], vsucc: &[Vec<usize>], vn: usize) {
    let mut pos = vec![0usize; vn];
    let set_pos = |layers: &[Vec<usize>], pos: &mut Vec<usize>| {
        for members in layers {
            for (i, &v) in members.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    set_pos(layers, &mut pos);
    let total_edges: usize = vsucc.iter().map(Vec::len).sum();
    // Counting crossings pairwise is quadratic; past this size the sweeps
    // alone are good enough and the page must stay fast.
    let count = total_edges <= 3000;
    let mut best = layers.to_vec();
    let mut best_cross = if count {
        crossings(layers, vsucc, &pos)
    } else {
        0
    };
    for iter in 0..8 {
        let down = iter % 2 == 0;
        let range: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in range {
            let neighbours = if down { vpred } else { vsucc };
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        pos[v] as f64
                    } else {
                        ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in layers[l].iter().enumerate() {
                pos[v] = i;
            }
        }
        if count {
            let c = crossings(layers, vsucc, &pos);
            if c < best_cross {
                best_cross = c;
                best = layers.to_vec();
            }
        }
    }
    if count {
        layers.clone_from_slice(&best);
    }
}

fn crossings(layers: &[Vec<usize>], vsucc: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for members in layers {
        let segs: Vec<(usize, usize)> = members
            .iter()
            .flat_map(|&v| vsucc[v].iter().map(move |&t| (pos[v], pos[t])))
            .collect();
        for i in 0..segs.len() {
            for j in i + 1..segs.len() {
                let (a, b) = (segs[i], segs[j]);
                if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

struct Columns<'a> {
    x: &'a [f64],
    w: &'a [f64],
    dx: f64,
}

/// A loop back to an earlier node, drawn under its part of the diagram.
#[allow(clippy::too_many_arguments)]
fn back_edge_points(
    src: &Shape,
    tgt: &Shape,
    src_covered: bool,
    tgt_covered: bool,
    cols: &Columns<'_>,
    ls: usize,
    lt: usize,
    yb: f64,
) -> Vec<(f64, f64)> {
    // Leaving straight down is the clearest loop, but only when nothing sits
    // below in the same column; otherwise go round through the gap.
    let mut pts = Vec::new();
    if src_covered {
        let gx = (cols.dx + cols.x[ls] + cols.w[ls] + GAP / 4.0).round();
        pts.push((src.x + src.w, src.y + src.h / 2.0));
        pts.push((gx, src.y + src.h / 2.0));
        pts.push((gx, yb));
    } else {
        pts.push((src.x + src.w / 2.0, src.y + src.h));
        pts.push((src.x + src.w / 2.0, yb));
    }
    if tgt_covered {
        let gx = (cols.dx + cols.x[lt] - GAP / 4.0).round();
        pts.push((gx, yb));
        pts.push((gx, tgt.y + tgt.h / 2.0));
        pts.push((tgt.x, tgt.y + tgt.h / 2.0));
    } else {
        pts.push((tgt.x + tgt.w / 2.0, yb));
        pts.push((tgt.x + tgt.w / 2.0, tgt.y + tgt.h));
    }
    pts
}

/// Weakly connected components, numbered in order of first node.
fn components(n: usize, edges: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut v: usize) -> usize {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    }
    for &(_, s, t) in edges {
        let (a, b) = (root(&mut parent, s), root(&mut parent, t));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut number: HashMap<usize, usize> = HashMap::new();
    (0..n)
        .map(|v| {
            let r = root(&mut parent, v);
            let next = number.len();
            *number.entry(r).or_insert(next)
        })
        .collect()
}

/// Drops repeated points and the middle of straight runs, so the exported
/// DI has no zero-length or redundant bends.
fn simplify(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

// ---------------------------------------------------------------------------
// SVG rendering
// ---------------------------------------------------------------------------

const FONT_FAMILY: &str = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif";
const FONT_SIZE: f64 = 12.0;
const LINE_H: f64 = 15.0;
const PENDING: &str = "#8a94a6";
const COMPLETED: &str = "#1b7f3a";
const ACTIVE: &str = "#1d4f91";
const FAILED: &str = "#c62828";

/// Every selector is scoped under `.fgf-diagram` because pages inline the
/// SVG, and an inline `<style>` applies to the whole HTML document.
fn stylesheet() -> String {
    let mut css = format!(
        ".fgf-diagram{{font-family:{FONT_FAMILY};font-size:{FONT_SIZE}px}}\
.fgf-diagram text{{fill:#2b2f36;stroke:none}}\
.fgf-diagram .body{{fill:#fff;stroke:{PENDING};stroke-width:1.5}}\
.fgf-diagram .ring{{fill:none;stroke:{PENDING};stroke-width:1.5}}\
.fgf-diagram .mark{{fill:none;stroke:{PENDING};stroke-width:2;stroke-linecap:round;stroke-linejoin:round}}\
.fgf-diagram .mark.bold{{stroke-width:3.5}}\
.fgf-diagram .solid{{fill:{PENDING};stroke:none}}\
.fgf-diagram .glyph{{fill:{PENDING};text-anchor:middle}}\
.fgf-diagram .body.thick{{stroke-width:4}}\
.fgf-diagram .body.collapsed{{stroke-width:1;stroke-dasharray:6 3}}\
.fgf-diagram .body.container{{fill:none}}\
.fgf-diagram .pending text.label{{fill:#5b6472}}\
.fgf-diagram text.outside{{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}}\
.fgf-diagram .ticon{{fill:none;stroke:#5b6472;stroke-width:1.2;stroke-linecap:round;stroke-linejoin:round}}\
.fgf-diagram .edge path{{fill:none;stroke:{PENDING};stroke-width:1.5;stroke-linejoin:round}}\
.fgf-diagram .edge.taken path{{stroke:{COMPLETED};stroke-width:2.5}}\
.fgf-diagram .edge-label{{font-size:11px;fill:#5b6472;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}}\
.fgf-diagram .taken .edge-label{{fill:{COMPLETED}}}"
    );
    for (state, stroke, fill) in [
        ("completed", COMPLETED, "#e3f3e7"),
        ("active", ACTIVE, "#dde9f8"),
        ("failed", FAILED, "#fbe4e4"),
    ] {
        let _ = write!(
            css,
            ".fgf-diagram .{state} .body,.fgf-diagram .{state} .ring,.fgf-diagram .{state} .mark{{stroke:{stroke}}}\
.fgf-diagram .{state} .body{{fill:{fill}}}\
.fgf-diagram .{state} .body.container{{fill:{fill};fill-opacity:.35}}\
.fgf-diagram .{state} .solid,.fgf-diagram .{state} .glyph{{fill:{stroke}}}"
        );
    }
    css.push_str(
        ".fgf-diagram .active .body{stroke-width:3}\
.fgf-diagram .active .body.thick{stroke-width:5}\
.fgf-diagram .failed .body{stroke-width:2.5}\
.fgf-diagram .failed .body.thick{stroke-width:4.5}",
    );
    css
}

/// XML-escapes text and attribute values, dropping characters XML 1.0
/// cannot carry at all, so user-typed names can never break the document.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Numbers as SVG/DI attributes: at most two decimals, never NaN or inf.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_owned();
    }
    let r = (v * 100.0).round() / 100.0;
    let r = if r.is_finite() { r } else { v };
    if r == r.trunc() {
        // `{:.0}` rather than a cast, which saturates far-out values; the
        // `+ 0.0` turns -0 into 0.
        format!("{:.0}", r + 0.0)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_owned()
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD)
}

/// A width estimate good enough to wrap without measuring fonts on the
/// server: CJK is one em, Latin about half.
fn char_width(c: char, font: f64) -> f64 {
    let em = if is_wide(c) {
        1.0
    } else if c == ' ' || "iljtfI.,:;|!'`()[]{}".contains(c) {
        0.32
    } else if c.is_ascii_uppercase() || matches!(c, 'm' | 'w') {
        0.7
    } else {
        0.56
    };
    em * font
}

fn text_width(s: &str, font: f64) -> f64 {
    s.chars().map(|c| char_width(c, font)).sum()
}

/// Chinese punctuation that must not begin a line.
fn no_break_before(c: char) -> bool {
    "，。、；：！？）》」』】”’…,.;:!?)".contains(c)
}

/// Wraps on spaces between Latin words and between any two CJK characters,
/// breaks over-long words by character, and ends with "…" when the text
/// needs more than `max_lines` (the tooltip still has the full name).
fn wrap(text: &str, max_w: f64, font: f64, max_lines: usize) -> Vec<String> {
    let mut tokens: Vec<(String, bool)> = Vec::new();
    let mut word = String::new();
    let mut space = false;
    let mut word_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !word.is_empty() {
                tokens.push((std::mem::take(&mut word), word_space));
            }
            space = true;
        } else if is_wide(c) || (no_break_before(c) && is_wide_prev(&word, &tokens)) {
            if !word.is_empty() {
                tokens.push((std::mem::take(&mut word), word_space));
                space = false;
            }
            tokens.push((c.to_string(), space));
            space = false;
        } else {
            if word.is_empty() {
                word_space = space;
                space = false;
            }
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push((word, word_space));
    }

    let space_w = char_width(' ', font);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0.0;
    for (tok, sp) in tokens {
        let tw = text_width(&tok, font);
        let gap = if sp && !cur.is_empty() { space_w } else { 0.0 };
        let hanging = tok.chars().count() == 1 && tok.chars().all(no_break_before);
        if cur_w + gap + tw <= max_w + 0.01 || (hanging && !cur.is_empty()) {
            if gap > 0.0 {
                cur.push(' ');
            }
            cur.push_str(&tok);
            cur_w += gap + tw;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            cur_w = 0.0;
        }
        if tw <= max_w {
            cur = tok;
            cur_w = tw;
        } else {
            for c in tok.chars() {
                let cw = char_width(c, font);
                if cur_w + cw > max_w + 0.01 && !cur.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0.0;
                }
                cur.push(c);
                cur_w += cw;
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            let ell = char_width('…', font);
            while !last.is_empty() && text_width(last, font) + ell > max_w {
                last.pop();
            }
            let trimmed = last.trim_end().to_owned();
            *last = trimmed + "…";
        }
    }
    lines
}

fn is_wide_prev(word: &str, tokens: &[(String, bool)]) -> bool {
    word.is_empty()
        && tokens
            .last()
            .and_then(|(t, _)| t.chars().last())
            .is_some_and(is_wide)
}

fn state_of(id: &str, marks: &Marks) -> (&'static str, &'static str) {
    // An error outweighs everything: it is what the user must act on.
    if marks.failed.contains(id) {
        ("failed", "出错")
    } else if marks.active.contains(id) {
        ("active", "进行中")
    } else if marks.completed.contains(id) {
        ("completed", "已完成")
    } else {
        ("pending", "未开始")
    }
}

struct Bbox {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
}

impl Bbox {
    fn add(&mut self, x: f64, y: f64) {
        if x.is_finite() && y.is_finite() {
            self.min_x = self.min_x.min(x);
            self.min_y = self.min_y.min(y);
            self.max_x = self.max_x.max(x);
            self.max_y = self.max_y.max(y);
        }
    }
}

struct Svg {
    out: String,
    bbox: Bbox,
}

impl Svg {
    /// Text lines centred (or left-aligned) at `x`, starting at `top`.
    fn lines(&mut self, lines: &[String], x: f64, top: f64, anchor: &str, class: &str, font: f64) {
        if lines.is_empty() {
            return;
        }
        let lh = font * 1.25;
        let _ = write!(self.out, r#"<text class="{class}" text-anchor="{anchor}">"#);
        for (i, line) in lines.iter().enumerate() {
            let baseline = top + i as f64 * lh + font * 0.95;
            let _ = write!(
                self.out,
                r#"<tspan x="{}" y="{}">{}</tspan>"#,
                num(x),
                num(baseline),
                esc(line)
            );
            let w = text_width(line, font);
            let (l, r) = match anchor {
                "start" => (x, x + w),
                _ => (x - w / 2.0, x + w / 2.0),
            };
            self.bbox.add(l, top + i as f64 * lh);
            self.bbox.add(r, top + (i + 1) as f64 * lh);
        }
        self.out.push_str("</text>");
    }
}

/// The task type's picture in the top-left corner, drawn as paths (a 12 × 12 box at `x`, `y`)
/// rather than typed: 👤 and ✉ are missing from the fonts of many servers and office PCs,
/// where they show as empty boxes.
fn task_icon(kind: ShapeKind, x: f64, y: f64) -> Option<String> {
    let p = |dx: f64, dy: f64| format!("{} {}", num(x + dx), num(y + dy));
    let path = match kind {
        // A person: head and shoulders.
        ShapeKind::UserTask => format!(
            "M{}a2.8 2.8 0 1 0 0.01 0zM{}C{} {} {}z",
            p(6.0, 1.5),
            p(1.0, 12.0),
            p(1.5, 6.5),
            p(10.5, 6.5),
            p(11.0, 12.0)
        ),
        // A gear: a ring with four teeth.
        ShapeKind::ServiceTask => format!(
            "M{}a3.5 3.5 0 1 0 0.01 0zM{}V{}M{}V{}M{}H{}M{}H{}",
            p(6.0, 2.5),
            p(6.0, 0.0),
            num(y + 2.5),
            p(6.0, 9.5),
            num(y + 12.0),
            p(0.0, 6.0),
            num(x + 2.5),
            p(9.5, 6.0),
            num(x + 12.0)
        ),
        // A hand: palm and fingers.
        ShapeKind::ManualTask => format!(
            "M{}V{}M{}V{}M{}V{}M{}V{}M{}H{}V{}",
            p(3.0, 7.0),
            num(y + 2.0),
            p(5.5, 6.0),
            num(y + 1.0),
            p(8.0, 6.0),
            num(y + 1.5),
            p(10.5, 7.0),
            num(y + 3.0),
            p(3.0, 7.0),
            num(x + 10.5),
            num(y + 12.0)
        ),
        // An envelope.
        ShapeKind::ReceiveTask | ShapeKind::SendTask => format!(
            "M{}H{}V{}H{}zM{}L{}L{}",
            p(0.0, 2.5),
            num(x + 12.0),
            num(y + 10.5),
            num(x),
            p(0.0, 2.5),
            p(6.0, 7.0),
            p(12.0, 2.5)
        ),
        // A decision table.
        ShapeKind::BusinessRuleTask => format!(
            "M{}H{}V{}H{}zM{}H{}M{}V{}",
            p(0.0, 1.0),
            num(x + 12.0),
            num(y + 11.0),
            num(x),
            p(0.0, 4.5),
            num(x + 12.0),
            p(4.0, 4.5),
            num(y + 11.0)
        ),
        // A script: a page with lines.
        ShapeKind::ScriptTask => format!(
            "M{}H{}V{}H{}zM{}H{}M{}H{}M{}H{}",
            p(2.0, 0.5),
            num(x + 10.0),
            num(y + 11.5),
            num(x + 2.0),
            p(4.0, 4.0),
            num(x + 8.0),
            p(4.0, 6.5),
            num(x + 8.0),
            p(4.0, 9.0),
            num(x + 8.0)
        ),
        _ => return None,
    };
    Some(format!(r#"<path class="ticon" d="{path}"/>"#))
}

#[derive(Clone, Copy)]
enum Side {
    Below,
    Above,
    Right,
}

/// Event and gateway names sit outside the shape, below it as modellers
/// put them, unless a flow leaves or enters there (common for boundary
/// events and for gateways drawn by hand); then the name moves out of its
/// way rather than being crossed out by the line.
fn label_side(s: &Shape, ends: &[(f64, f64)]) -> Side {
    let cx = s.x + s.w / 2.0;
    let near = |p: &(f64, f64), y: f64| (p.0 - cx).abs() <= s.w / 4.0 && (p.1 - y).abs() <= 3.0;
    let bottom = ends.iter().any(|p| near(p, s.y + s.h));
    let top = ends.iter().any(|p| near(p, s.y));
    if !bottom {
        Side::Below
    } else if top || s.kind == ShapeKind::BoundaryEvent {
        // Above a boundary event is its task.
        Side::Right
    } else {
        Side::Above
    }
}

fn outside_label(svg: &mut Svg, s: &Shape, name: &str, side: Side) {
    let (w, h) = (s.w.max(0.0), s.h.max(0.0));
    let lines = wrap(name, w.max(90.0), FONT_SIZE, 3);
    let block = lines.len() as f64 * LINE_H;
    let cx = s.x + w / 2.0;
    match side {
        Side::Below => svg.lines(
            &lines,
            cx,
            s.y + h + 4.0,
            "middle",
            "label outside",
            FONT_SIZE,
        ),
        Side::Above => svg.lines(
            &lines,
            cx,
            s.y - 4.0 - block,
            "middle",
            "label outside",
            FONT_SIZE,
        ),
        Side::Right => svg.lines(
            &lines,
            s.x + w + 4.0,
            s.y + h / 2.0 + 2.0,
            "start",
            "label outside",
            FONT_SIZE,
        ),
    }
}

fn render_shape(svg: &mut Svg, s: &Shape, marks: &Marks, side: Side) {
    let (state, zh) = state_of(&s.id, marks);
    let (x, y) = (s.x, s.y);
    let (w, h) = (s.w.max(0.0), s.h.max(0.0));
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    let title = if s.name.trim().is_empty() {
        &s.id
    } else {
        &s.name
    };
    let _ = write!(
        svg.out,
        r#"<g id="shape-{}" class="shape {state}"><title>{}：{zh}</title>"#,
        esc(&s.id),
        esc(title.trim())
    );
    svg.bbox.add(x, y);
    svg.bbox.add(x + w, y + h);
    let name = s.name.trim();
    match s.kind {
        k if k.is_event() => {
            let r = w.min(h) / 2.0;
            let class = if k == ShapeKind::EndEvent {
                "body thick"
            } else {
                "body"
            };
            let _ = write!(
                svg.out,
                r#"<circle class="{class}" cx="{}" cy="{}" r="{}"/>"#,
                num(cx),
                num(cy),
                num(r)
            );
            if matches!(k, ShapeKind::IntermediateEvent | ShapeKind::BoundaryEvent) {
                let _ = write!(
                    svg.out,
                    r#"<circle class="ring" cx="{}" cy="{}" r="{}"/>"#,
                    num(cx),
                    num(cy),
                    num((r - 3.0).max(0.0))
                );
            }
            match s.terminate_or_error_marker {
                Some('T') => {
                    let _ = write!(
                        svg.out,
                        r#"<circle class="solid" cx="{}" cy="{}" r="{}"/>"#,
                        num(cx),
                        num(cy),
                        num(r * 0.6)
                    );
                }
                Some('E') => {
                    // BPMN's error symbol is a lightning bolt, not a letter.
                    let u = r / 18.0;
                    let pts = [
                        (-7.0, 9.0),
                        (-3.0, -8.0),
                        (2.0, 2.0),
                        (7.0, -9.0),
                        (3.0, 8.0),
                        (-2.0, -2.0),
                    ];
                    let d: Vec<String> = pts
                        .iter()
                        .map(|(px, py)| format!("{},{}", num(cx + px * u), num(cy + py * u)))
                        .collect();
                    let _ = write!(
                        svg.out,
                        r#"<polygon class="mark" style="stroke-width:1.5" points="{}"/>"#,
                        d.join(" ")
                    );
                }
                // Drawn rather than typed: the glyphs are missing from many
                // server and office fonts, and BPMN users know these pictures.
                Some('⏱') => {
                    let _ = write!(
                        svg.out,
                        r#"<circle class="ring" cx="{c}" cy="{d}" r="{}"/><path class="mark" style="stroke-width:1.5" d="M{c} {d}V{}M{c} {d}L{} {}"/>"#,
                        num(r * 0.58),
                        num(cy - r * 0.42),
                        num(cx + r * 0.3),
                        num(cy + r * 0.1),
                        c = num(cx),
                        d = num(cy)
                    );
                }
                Some('✉') => {
                    let (ew, eh) = (r * 1.05, r * 0.72);
                    let (ex, ey) = (cx - ew / 2.0, cy - eh / 2.0);
                    let _ = write!(
                        svg.out,
                        r#"<rect class="ring" x="{}" y="{}" width="{}" height="{}"/><path class="mark" style="stroke-width:1.2" d="M{} {}L{} {}L{} {}"/>"#,
                        num(ex),
                        num(ey),
                        num(ew),
                        num(eh),
                        num(ex),
                        num(ey),
                        num(cx),
                        num(cy + eh * 0.1),
                        num(ex + ew),
                        num(ey)
                    );
                }
                Some(c) => {
                    let size = r * 0.95;
                    let _ = write!(
                        svg.out,
                        r#"<text class="glyph" x="{}" y="{}" style="font-size:{}px">{}</text>"#,
                        num(cx),
                        num(cy + size * 0.36),
                        num(size),
                        esc(&c.to_string())
                    );
                }
                None => {}
            }
            outside_label(svg, s, name, side);
        }
        k if k.is_gateway() => {
            let _ = write!(
                svg.out,
                r#"<polygon class="body" points="{},{} {},{} {},{} {},{}"/>"#,
                num(cx),
                num(y),
                num(x + w),
                num(cy),
                num(cx),
                num(y + h),
                num(x),
                num(cy)
            );
            let u = w.min(h);
            match k {
                ShapeKind::ExclusiveGateway => {
                    let d = u * 0.2;
                    let _ = write!(
                        svg.out,
                        r#"<path class="mark bold" d="M{} {}L{} {}M{} {}L{} {}"/>"#,
                        num(cx - d),
                        num(cy - d),
                        num(cx + d),
                        num(cy + d),
                        num(cx + d),
                        num(cy - d),
                        num(cx - d),
                        num(cy + d)
                    );
                }
                ShapeKind::ParallelGateway => {
                    let d = u * 0.26;
                    let _ = write!(
                        svg.out,
                        r#"<path class="mark bold" d="M{} {}L{} {}M{} {}L{} {}"/>"#,
                        num(cx),
                        num(cy - d),
                        num(cx),
                        num(cy + d),
                        num(cx - d),
                        num(cy),
                        num(cx + d),
                        num(cy)
                    );
                }
                ShapeKind::InclusiveGateway => {
                    let _ = write!(
                        svg.out,
                        r#"<circle class="mark" style="stroke-width:2.5" cx="{}" cy="{}" r="{}"/>"#,
                        num(cx),
                        num(cy),
                        num(u * 0.24)
                    );
                }
                _ => {
                    let _ = write!(
                        svg.out,
                        r#"<circle class="ring" cx="{c}" cy="{d}" r="{}"/><circle class="ring" cx="{c}" cy="{d}" r="{}"/>"#,
                        num(u * 0.3),
                        num(u * 0.245),
                        c = num(cx),
                        d = num(cy)
                    );
                    let pr = u * 0.14;
                    let pts: Vec<String> = (0..5)
                        .map(|i| {
                            let a = -std::f64::consts::FRAC_PI_2
                                + i as f64 * 2.0 * std::f64::consts::PI / 5.0;
                            format!("{},{}", num(cx + pr * a.cos()), num(cy + pr * a.sin()))
                        })
                        .collect();
                    let _ = write!(
                        svg.out,
                        r#"<polygon class="ring" points="{}"/>"#,
                        pts.join(" ")
                    );
                }
            }
            outside_label(svg, s, name, side);
        }
        ShapeKind::SubProcess if s.expanded => {
            let _ = write!(
                svg.out,
                r#"<rect class="body container" x="{}" y="{}" width="{}" height="{}" rx="10"/>"#,
                num(x),
                num(y),
                num(w),
                num(h)
            );
            let lines = wrap(name, (w - 16.0).max(20.0), FONT_SIZE, 2);
            svg.lines(&lines, x + 8.0, y + 6.0, "start", "label", FONT_SIZE);
        }
        ShapeKind::Other => {
            let _ = write!(
                svg.out,
                r#"<rect class="body container" x="{}" y="{}" width="{}" height="{}"/>"#,
                num(x),
                num(y),
                num(w),
                num(h)
            );
            let max_lines = ((h - 8.0) / LINE_H).floor().max(1.0) as usize;
            let lines = wrap(name, (w - 16.0).max(20.0), FONT_SIZE, max_lines);
            let block = lines.len() as f64 * LINE_H;
            if w > 200.0 || h > 150.0 {
                // A pool or lane: its middle is full of other shapes.
                svg.lines(&lines, x + 8.0, y + 6.0, "start", "label", FONT_SIZE);
            } else {
                svg.lines(&lines, cx, cy - block / 2.0, "middle", "label", FONT_SIZE);
            }
        }
        k => {
            let class = match k {
                ShapeKind::CallActivity => "body thick",
                ShapeKind::SubProcess => "body collapsed",
                _ => "body",
            };
            let _ = write!(
                svg.out,
                r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}" rx="10"/>"#,
                num(x),
                num(y),
                num(w),
                num(h)
            );
            let icon = task_icon(k, x + 5.0, y + 4.0);
            if let Some(icon) = &icon {
                svg.out.push_str(icon);
            }
            // Keep the collapsed marker's strip at the bottom free of text.
            let reserved = if k == ShapeKind::SubProcess {
                18.0
            } else {
                0.0
            };
            let max_lines = ((h - 8.0 - reserved) / LINE_H).floor().max(1.0) as usize;
            let lines = wrap(name, (w - 16.0).max(20.0), FONT_SIZE, max_lines);
            let block = lines.len() as f64 * LINE_H;
            let mut top = y + (h - reserved - block) / 2.0;
            // Long names would run into the icon in the corner; start them
            // below it when there is room.
            if icon.is_some() && top < y + 17.0 && block <= h - 19.0 {
                top = y + 17.0;
            }
            svg.lines(&lines, cx, top, "middle", "label", FONT_SIZE);
            if k == ShapeKind::SubProcess {
                let (bx, by) = (cx - 7.0, y + h - 17.0);
                let _ = write!(
                    svg.out,
                    r#"<rect class="ring" x="{}" y="{}" width="14" height="14"/><path class="mark" style="stroke-width:1.5" d="M{} {}h8M{} {}v8"/>"#,
                    num(bx),
                    num(by),
                    num(bx + 3.0),
                    num(by + 7.0),
                    num(bx + 7.0),
                    num(by + 3.0)
                );
            }
        }
    }
    svg.out.push_str("</g>");
}

/// Where an edge runs when the DI gave no waypoints: between the two
/// shapes' centres, cut at their borders.
fn fallback_points(edge: &Edge, by_id: &HashMap<&str, &Shape>) -> Vec<(f64, f64)> {
    let (Some(s), Some(t)) = (
        by_id.get(edge.source.as_str()),
        by_id.get(edge.target.as_str()),
    ) else {
        return Vec::new();
    };
    let sc = (s.x + s.w / 2.0, s.y + s.h / 2.0);
    let tc = (t.x + t.w / 2.0, t.y + t.h / 2.0);
    // Cut at the outline actually drawn, so the arrow touches the circle or
    // diamond rather than stopping in the air at its bounding box.
    let clip = |shape: &Shape, from: (f64, f64), to: (f64, f64)| {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let (rx, ry) = ((shape.w / 2.0).max(1e-9), (shape.h / 2.0).max(1e-9));
        let (ux, uy) = (dx / rx, dy / ry);
        let reach = if shape.kind.is_event() {
            (ux * ux + uy * uy).sqrt()
        } else if shape.kind.is_gateway() {
            ux.abs() + uy.abs()
        } else {
            ux.abs().max(uy.abs())
        };
        let f = if reach > 1e-9 {
            (1.0 / reach).min(1.0)
        } else {
            0.0
        };
        (from.0 + dx * f, from.1 + dy * f)
    };
    vec![clip(s, sc, tc), clip(t, tc, sc)]
}

fn render_edge(svg: &mut Svg, e: &Edge, marks: &Marks, by_id: &HashMap<&str, &Shape>) {
    let points = if e.points.len() >= 2 {
        e.points.clone()
    } else {
        fallback_points(e, by_id)
    };
    if points.len() < 2 {
        return;
    }
    let taken = marks.taken_flows.contains(&e.id);
    let _ = write!(
        svg.out,
        r#"<g id="edge-{}" class="edge{}">"#,
        esc(&e.id),
        if taken { " taken" } else { "" }
    );
    if !e.name.trim().is_empty() || taken {
        let label = if e.name.trim().is_empty() {
            &e.id
        } else {
            &e.name
        };
        let _ = write!(
            svg.out,
            "<title>{}{}</title>",
            esc(label.trim()),
            if taken { "：已走过" } else { "" }
        );
    }
    let mut d = String::new();
    for (i, (px, py)) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{} {}",
            if i == 0 { "M" } else { "L" },
            num(*px),
            num(*py)
        );
        svg.bbox.add(*px, *py);
    }
    let _ = write!(
        svg.out,
        r#"<path d="{d}" marker-end="url(#{})"/>"#,
        if taken {
            "fgf-arrow-taken"
        } else {
            "fgf-arrow"
        }
    );
    if !e.name.trim().is_empty() {
        // Label the longest segment: that is where there is room for it.
        let (mut best, mut best_len) = (0, -1.0);
        for i in 0..points.len() - 1 {
            let (a, b) = (points[i], points[i + 1]);
            let len = (b.0 - a.0).abs() + (b.1 - a.1).abs();
            if len > best_len {
                best = i;
                best_len = len;
            }
        }
        let (a, b) = (points[best], points[best + 1]);
        let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        let font = 11.0;
        // No wider than the segment, or the name runs into the shapes at
        // its ends.
        let seg_len = (b.0 - a.0).abs().max((b.1 - a.1).abs());
        let lines = wrap(e.name.trim(), (seg_len - 6.0).clamp(48.0, 90.0), font, 3);
        let block = lines.len() as f64 * font * 1.25;
        if (b.0 - a.0).abs() >= (b.1 - a.1).abs() {
            svg.lines(&lines, mx, my - block - 3.0, "middle", "edge-label", font);
        } else {
            svg.lines(
                &lines,
                mx + 5.0,
                my - block / 2.0,
                "start",
                "edge-label",
                font,
            );
        }
    }
    svg.out.push_str("</g>");
}

/// A standalone SVG with inline style: pending grey, completed green, active
/// blue, failed red; shapes drawn the way BPMN draws them; every shape a
/// `<g id="shape-<id>" class="shape <state>">` with a Chinese tooltip.
pub fn render_svg(diagram: &Diagram, marks: &Marks) -> String {
    let mut svg = Svg {
        out: String::new(),
        bbox: Bbox {
            min_x: f64::INFINITY,
            min_y: f64::INFINITY,
            max_x: f64::NEG_INFINITY,
            max_y: f64::NEG_INFINITY,
        },
    };
    let by_id: HashMap<&str, &Shape> = diagram.shapes.iter().map(|s| (s.id.as_str(), s)).collect();

    // Painter's order: pools, lanes and expanded sub-processes first (largest
    // first) so their fill never hides what is inside them; then the flows;
    // then the nodes; boundary events last so they sit on their task's edge.
    let ends: Vec<(f64, f64)> = diagram
        .edges
        .iter()
        .flat_map(|e| {
            let pts = if e.points.len() >= 2 {
                e.points.clone()
            } else {
                fallback_points(e, &by_id)
            };
            [pts.first().copied(), pts.last().copied()]
        })
        .flatten()
        .collect();
    let is_container =
        |s: &Shape| s.kind == ShapeKind::Other || (s.kind == ShapeKind::SubProcess && s.expanded);
    let mut containers: Vec<&Shape> = diagram.shapes.iter().filter(|s| is_container(s)).collect();
    containers.sort_by(|a, b| (b.w * b.h).total_cmp(&(a.w * a.h)));
    for s in containers {
        render_shape(&mut svg, s, marks, label_side(s, &ends));
    }
    // Taken flows last, so where a taken and an untaken flow share a line
    // (a join), the highlighted path is the one that shows.
    let (taken, untaken): (Vec<&Edge>, Vec<&Edge>) = diagram
        .edges
        .iter()
        .partition(|e| marks.taken_flows.contains(&e.id));
    for e in untaken.into_iter().chain(taken) {
        render_edge(&mut svg, e, marks, &by_id);
    }
    for s in diagram
        .shapes
        .iter()
        .filter(|s| !is_container(s) && s.kind != ShapeKind::BoundaryEvent)
    {
        render_shape(&mut svg, s, marks, label_side(s, &ends));
    }
    for s in diagram
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::BoundaryEvent)
    {
        render_shape(&mut svg, s, marks, label_side(s, &ends));
    }

    let b = &svg.bbox;
    let margin = 20.0;
    let (min_x, min_y, vw, vh) = if b.min_x.is_finite() {
        (
            (b.min_x - margin).floor(),
            (b.min_y - margin).floor(),
            (b.max_x - b.min_x + 2.0 * margin).ceil(),
            (b.max_y - b.min_y + 2.0 * margin).ceil(),
        )
    } else {
        (0.0, 0.0, 100.0, 100.0)
    };
    let mut head = String::with_capacity(svg.out.len() + 4096);
    let _ = write!(
        head,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="fgf-diagram" role="img" aria-label="流程图" viewBox="{} {} {} {}" width="{}" height="{}"><style>{}</style><defs>"#,
        num(min_x),
        num(min_y),
        num(vw),
        num(vh),
        num(vw),
        num(vh),
        stylesheet()
    );
    for (id, colour) in [("fgf-arrow", PENDING), ("fgf-arrow-taken", COMPLETED)] {
        let _ = write!(
            head,
            r#"<marker id="{id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L10 5L0 10z" fill="{colour}"/></marker>"#
        );
    }
    head.push_str("</defs>");
    head.push_str(&svg.out);
    head.push_str("</svg>");
    head
}

// ---------------------------------------------------------------------------
// Writing BPMNDI
// ---------------------------------------------------------------------------

/// BPMNDI XML for `diagram` (a bpmndi:BPMNDiagram with one BPMNPlane for
/// `process_id`), to append inside `<definitions>` when exporting a
/// definition that had no DI.
pub fn to_bpmndi_xml(diagram: &Diagram, process_id: &str) -> String {
    let mut out = String::new();
    // The namespaces are declared here rather than relied on from the
    // enclosing <definitions>, which the designer writes without them.
    let _ = write!(
        out,
        r#"<bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="BPMNDiagram_{pid}">
  <bpmndi:BPMNPlane id="BPMNPlane_{pid}" bpmnElement="{pid}">
"#,
        pid = esc(process_id)
    );
    for s in &diagram.shapes {
        let expanded = match s.kind {
            ShapeKind::SubProcess | ShapeKind::CallActivity => {
                format!(r#" isExpanded="{}""#, s.expanded)
            }
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            r#"    <bpmndi:BPMNShape id="{id}_di" bpmnElement="{id}"{expanded}>
      <dc:Bounds x="{}" y="{}" width="{}" height="{}"/>
    </bpmndi:BPMNShape>"#,
            num(s.x),
            num(s.y),
            num(s.w),
            num(s.h),
            id = esc(&s.id)
        );
    }
    for e in &diagram.edges {
        let _ = writeln!(
            out,
            r#"    <bpmndi:BPMNEdge id="{id}_di" bpmnElement="{id}">"#,
            id = esc(&e.id)
        );
        for (x, y) in &e.points {
            let _ = writeln!(
                out,
                r#"      <di:waypoint x="{}" y="{}"/>"#,
                num(*x),
                num(*y)
            );
        }
        out.push_str("    </bpmndi:BPMNEdge>\n");
    }
    out.push_str("  </bpmndi:BPMNPlane>\n</bpmndi:BPMNDiagram>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// shared/ sits beside the repository (and beside CI's clone of it).
    fn data_dir() -> PathBuf {
        let relative = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
        if relative.is_dir() {
            return relative;
        }
        let fixed = PathBuf::from("/work/shared/data");
        assert!(
            fixed.is_dir(),
            "shared data not found at {relative:?} or {fixed:?}"
        );
        fixed
    }

    fn read(rel: &str) -> String {
        let path = data_dir().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
    }

    fn all_files() -> Vec<String> {
        let mut files = Vec::new();
        for dir in ["bpmn", "bench"] {
            let mut names: Vec<String> = std::fs::read_dir(data_dir().join(dir))
                .expect("data dir")
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".bpmn") || n.ends_with(".xml"))
                .map(|n| format!("{dir}/{n}"))
                .collect();
            names.sort();
            files.extend(names);
        }
        files
    }

    fn element_name(kind: ShapeKind) -> &'static str {
        match kind {
            ShapeKind::StartEvent => "startEvent",
            ShapeKind::EndEvent => "endEvent",
            ShapeKind::IntermediateEvent => "intermediateCatchEvent",
            ShapeKind::BoundaryEvent => "boundaryEvent",
            ShapeKind::Task => "task",
            ShapeKind::UserTask => "userTask",
            ShapeKind::ServiceTask => "serviceTask",
            ShapeKind::ManualTask => "manualTask",
            ShapeKind::ReceiveTask => "receiveTask",
            ShapeKind::SendTask => "sendTask",
            ShapeKind::BusinessRuleTask => "businessRuleTask",
            ShapeKind::ScriptTask => "scriptTask",
            ShapeKind::CallActivity => "callActivity",
            ShapeKind::SubProcess => "subProcess",
            ShapeKind::ExclusiveGateway => "exclusiveGateway",
            ShapeKind::ParallelGateway => "parallelGateway",
            ShapeKind::InclusiveGateway => "inclusiveGateway",
            ShapeKind::EventBasedGateway => "eventBasedGateway",
            ShapeKind::Other => "task",
        }
    }

    type Graph = (
        Vec<(String, ShapeKind, String)>,
        Vec<(String, String, String)>,
    );

    /// The same semantic reading from_bpmndi uses, as layout input.
    fn graph_of(xml: &str) -> Graph {
        let p = parse(xml).expect("parse");
        let nodes = p
            .node_order
            .iter()
            .map(|id| {
                let n = &p.nodes[id];
                (id.clone(), n.kind, n.name.clone())
            })
            .collect();
        let flows = p
            .flow_order
            .iter()
            .map(|id| {
                let f = &p.flows[id];
                (id.clone(), f.source.clone(), f.target.clone())
            })
            .collect();
        (nodes, flows)
    }

    fn shape<'a>(d: &'a Diagram, id: &str) -> &'a Shape {
        d.shapes
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no shape {id}"))
    }

    fn edge<'a>(d: &'a Diagram, id: &str) -> &'a Edge {
        d.edges
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no edge {id}"))
    }

    /// Walks every event so quick-xml checks nesting and end names, unescapes
    /// every attribute, and checks every entity reference in the text (by
    /// hand, so the check is the same whichever quick-xml 0.3x is in use).
    fn well_formed(xml: &str) -> Result<usize, String> {
        let mut r = Reader::from_str(xml);
        let mut depth = 0i64;
        let mut elements = 0;
        loop {
            match r.read_event() {
                Err(e) => return Err(format!("at {}: {e}", r.error_position())),
                Ok(Event::Start(e)) => {
                    depth += 1;
                    elements += 1;
                    check_attributes(&e, &r)?;
                }
                Ok(Event::Empty(e)) => {
                    elements += 1;
                    check_attributes(&e, &r)?;
                }
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::Eof) => break,
                Ok(_) => {}
            }
        }
        if depth != 0 {
            return Err("unclosed elements".to_owned());
        }
        for (i, _) in xml.match_indices('&') {
            let tail = &xml[i + 1..];
            let name = &tail[..tail.find(';').ok_or("unterminated entity")?];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("bad entity &{name};"));
            }
        }
        Ok(elements)
    }

    fn check_attributes(e: &BytesStart<'_>, r: &Reader<&[u8]>) -> Result<(), String> {
        for a in e.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            a.decode_and_unescape_value(r.decoder())
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Text content of every `tag` element, with entities resolved.
    fn texts_in(xml: &str, tag: &str) -> Vec<String> {
        let mut r = Reader::from_str(xml);
        let mut out = Vec::new();
        let mut start: Option<usize> = None;
        loop {
            let before = r.buffer_position();
            match r.read_event().expect("xml") {
                Event::Start(e) if e.local_name().as_ref() == tag.as_bytes() => {
                    start = Some(r.buffer_position() as usize);
                }
                Event::End(e) if e.local_name().as_ref() == tag.as_bytes() => {
                    if let Some(s) = start.take() {
                        out.push(raw_text(xml, s, before).expect("entities"));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    fn attr_values(xml: &str, attr: &str) -> Vec<String> {
        let mut r = Reader::from_str(xml);
        let mut out = Vec::new();
        loop {
            match r.read_event().expect("xml") {
                Event::Start(e) | Event::Empty(e) => {
                    for a in e.attributes() {
                        let a = a.expect("attr");
                        if a.key.as_ref() == attr.as_bytes() {
                            out.push(
                                a.decode_and_unescape_value(r.decoder())
                                    .expect("value")
                                    .into_owned(),
                            );
                        }
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    #[test]
    fn di_file_gives_shapes_edges_kinds_and_names() {
        let xml = read("bpmn/spiff__exclusive_gateway_no_default.bpmn");
        let d = from_bpmndi(&xml, None).expect("ok").expect("has DI");
        assert_eq!(d.shapes.len(), 5);
        assert_eq!(d.edges.len(), 5);
        let gw = shape(&d, "Gateway_CheckValue");
        assert_eq!(gw.kind, ShapeKind::ExclusiveGateway);
        assert_eq!(gw.name, "CheckValue");
        // The label's own Bounds must not replace the shape's.
        assert_eq!((gw.x, gw.y, gw.w, gw.h), (295.0, 92.0, 50.0, 50.0));
        assert_eq!(shape(&d, "StartEvent_1").kind, ShapeKind::StartEvent);
        let end = shape(&d, "Event_End");
        assert_eq!(end.kind, ShapeKind::EndEvent);
        assert_eq!(end.terminate_or_error_marker, Some('T'));
        assert_eq!(shape(&d, "Activity_Greater").kind, ShapeKind::Task);
        assert_eq!(shape(&d, "Activity_Greater").name, "ValueGreaterThanOne");
        let e = edge(&d, "Flow_Less2");
        assert_eq!(
            (e.source.as_str(), e.target.as_str(), e.name.as_str()),
            ("Activity_Less", "Event_End", "Less")
        );
        assert_eq!(
            e.points,
            vec![
                (550.0, 260.0),
                (616.0, 260.0),
                (616.0, 117.0),
                (712.0, 117.0)
            ]
        );
    }

    #[test]
    fn other_di_files_and_process_selection() {
        for f in [
            "bpmn/spiff__sequential_multiinstance_cardinality.bpmn",
            "bpmn/spiff__standard_loop.bpmn",
        ] {
            let xml = read(f);
            let d = from_bpmndi(&xml, Some("main")).expect("ok").expect("DI");
            assert_eq!((d.shapes.len(), d.edges.len()), (3, 2), "{f}");
            let kinds: Vec<ShapeKind> = d.shapes.iter().map(|s| s.kind).collect();
            assert_eq!(
                kinds,
                vec![ShapeKind::StartEvent, ShapeKind::Task, ShapeKind::EndEvent],
                "{f}"
            );
            assert_eq!(shape(&d, "any_task").name, "Any Task");
            // An unknown process id falls back to the first plane.
            assert_eq!(from_bpmndi(&xml, Some("nope")).expect("ok"), Some(d));
        }
    }

    #[test]
    fn files_without_di_give_none() {
        let mut checked = 0;
        for f in all_files() {
            let xml = read(&f);
            if xml.contains("BPMNDiagram") {
                continue;
            }
            assert_eq!(from_bpmndi(&xml, None), Ok(None), "{f}");
            checked += 1;
        }
        assert!(checked >= 10, "only {checked} DI-less files");
    }

    #[test]
    fn prefixes_any_or_none_plus_collaboration_and_markers() {
        let xml = r#"<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <collaboration id="c1"><participant id="p1" name="窗口" processRef="proc"/></collaboration>
  <process id="other"><userTask id="x" name="not me"/></process>
  <process id="proc">
    <startEvent id="s"><timerEventDefinition/></startEvent>
    <subProcess id="sp" name="子流程 &amp; more">
      <serviceTask id="inner" name="调用"/>
      <boundaryEvent id="be" attachedToRef="inner"><errorEventDefinition/></boundaryEvent>
    </subProcess>
    <eventBasedGateway id="g"/>
    <textAnnotation id="ta"><text>注 &lt;1&gt;</text></textAnnotation>
    <sequenceFlow id="f1" name="去" sourceRef="s" targetRef="sp"/>
  </process>
  <BPMNDiagram id="d0"><BPMNPlane id="pl0" bpmnElement="other">
    <BPMNShape id="x_di" bpmnElement="x"><Bounds x="0" y="0" width="100" height="80"/></BPMNShape>
  </BPMNPlane></BPMNDiagram>
  <di2:BPMNDiagram xmlns:di2="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:k="http://www.omg.org/spec/DD/20100524/DC" xmlns:w="http://www.omg.org/spec/DD/20100524/DI">
    <di2:BPMNPlane id="pl" bpmnElement="c1">
      <di2:BPMNShape id="p1_di" bpmnElement="p1"><k:Bounds x="0" y="0" width="900" height="400"/></di2:BPMNShape>
      <di2:BPMNShape id="s_di" bpmnElement="s"><k:Bounds x="50" y="50" width="36" height="36"/></di2:BPMNShape>
      <di2:BPMNShape id="sp_di" bpmnElement="sp"><k:Bounds x="150" y="20" width="400" height="250"/>
        <di2:BPMNLabel><k:Bounds x="1" y="2" width="3" height="4"/></di2:BPMNLabel></di2:BPMNShape>
      <di2:BPMNShape id="inner_di" bpmnElement="inner"><k:Bounds x="200" y="60" width="100" height="80"/></di2:BPMNShape>
      <di2:BPMNShape id="be_di" bpmnElement="be"><k:Bounds x="232" y="122" width="36" height="36"/></di2:BPMNShape>
      <di2:BPMNShape id="g_di" bpmnElement="g" isMarkerVisible="true"><k:Bounds x="600" y="50" width="50" height="50"/></di2:BPMNShape>
      <di2:BPMNShape id="ta_di" bpmnElement="ta"><k:Bounds x="600" y="200" width="100" height="30"/></di2:BPMNShape>
      <di2:BPMNEdge id="f1_di" bpmnElement="f1"><w:waypoint x="86" y="68"/><w:waypoint x="150" y="68"/></di2:BPMNEdge>
    </di2:BPMNPlane>
  </di2:BPMNDiagram>
</definitions>"#;
        let d = from_bpmndi(xml, Some("proc")).expect("ok").expect("DI");
        assert_eq!(d.shapes.len(), 7);
        assert_eq!(shape(&d, "p1").kind, ShapeKind::Other);
        assert_eq!(shape(&d, "p1").name, "窗口");
        assert_eq!(shape(&d, "s").terminate_or_error_marker, Some('⏱'));
        let sp = shape(&d, "sp");
        assert_eq!(
            (sp.kind, sp.expanded, sp.name.as_str()),
            (ShapeKind::SubProcess, true, "子流程 & more")
        );
        assert_eq!((sp.x, sp.y), (150.0, 20.0));
        assert_eq!(shape(&d, "inner").kind, ShapeKind::ServiceTask);
        let be = shape(&d, "be");
        assert_eq!(
            (be.kind, be.terminate_or_error_marker),
            (ShapeKind::BoundaryEvent, Some('E'))
        );
        assert_eq!(shape(&d, "g").kind, ShapeKind::EventBasedGateway);
        assert_eq!(shape(&d, "ta").name, "注 <1>");
        let f = edge(&d, "f1");
        assert_eq!(
            (f.source.as_str(), f.target.as_str(), f.name.as_str()),
            ("s", "sp", "去")
        );
        // Without a process id the first plane is taken.
        let first = from_bpmndi(xml, None).expect("ok").expect("DI");
        assert_eq!(first.shapes.len(), 1);
        assert_eq!(first.shapes[0].kind, ShapeKind::UserTask);
        let svg = render_svg(&d, &Marks::default());
        well_formed(&svg).expect("well-formed");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let bad_number = r#"<definitions><process id="p"><task id="t"/></process><BPMNDiagram><BPMNPlane bpmnElement="p"><BPMNShape bpmnElement="t"><Bounds x="NaN" y="0" width="1" height="1"/></BPMNShape></BPMNPlane></BPMNDiagram></definitions>"#;
        assert!(matches!(
            from_bpmndi(bad_number, None),
            Err(DiagramError::BadNumber { .. })
        ));
        let missing = bad_number.replace(r#"x="NaN" "#, "");
        assert!(matches!(
            from_bpmndi(&missing, None),
            Err(DiagramError::MissingAttribute { .. })
        ));
        for bad in [
            "",
            "not xml",
            "<a><b></a>",
            "<a>",
            "<a x='1' x='2'/>",
            "</a>",
        ] {
            assert!(
                matches!(from_bpmndi(bad, None), Err(DiagramError::Xml { .. })),
                "{bad:?}"
            );
        }
        // Every truncation of a real file: errors or diagrams, never panics.
        let xml = read("bpmn/spiff__exclusive_gateway_no_default.bpmn");
        let full = from_bpmndi(&xml, None).expect("full file").expect("DI");
        for (cut, _) in xml.char_indices().step_by(7) {
            if let Ok(Some(d)) = from_bpmndi(&xml[..cut], None) {
                assert!(d.shapes.len() <= full.shapes.len());
            }
        }
    }

    fn overlap(a: &Shape, b: &Shape) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    fn on_border(p: (f64, f64), s: &Shape) -> bool {
        let eps = 0.01;
        let inside_x = p.0 >= s.x - eps && p.0 <= s.x + s.w + eps;
        let inside_y = p.1 >= s.y - eps && p.1 <= s.y + s.h + eps;
        let on_v = (p.0 - s.x).abs() < eps || (p.0 - s.x - s.w).abs() < eps;
        let on_h = (p.1 - s.y).abs() < eps || (p.1 - s.y - s.h).abs() < eps;
        inside_x && inside_y && (on_v || on_h)
    }

    fn check_layout(
        label: &str,
        nodes: &[(String, ShapeKind, String)],
        flows: &[(String, String, String)],
    ) -> Diagram {
        let d = auto_layout(nodes, flows);
        let mut ids: Vec<&str> = nodes.iter().map(|n| n.0.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(d.shapes.len(), ids.len(), "{label}: every node placed once");
        for s in &d.shapes {
            let want = match s.kind {
                k if k.is_event() => (36.0, 36.0),
                k if k.is_gateway() => (50.0, 50.0),
                _ => (100.0, 80.0),
            };
            assert_eq!((s.w, s.h), want, "{label}: size of {}", s.id);
            assert!(s.x >= 0.0 && s.y >= 0.0, "{label}: {} off canvas", s.id);
        }
        for (i, a) in d.shapes.iter().enumerate() {
            for b in &d.shapes[i + 1..] {
                assert!(!overlap(a, b), "{label}: {} overlaps {}", a.id, b.id);
            }
        }
        for e in &d.edges {
            assert!(e.points.len() >= 2, "{label}: {} has no route", e.id);
            let (s, t) = (shape(&d, &e.source), shape(&d, &e.target));
            assert!(
                on_border(e.points[0], s),
                "{label}: {} starts off {}: {:?}",
                e.id,
                s.id,
                e.points
            );
            let last = e.points[e.points.len() - 1];
            assert!(
                on_border(last, t),
                "{label}: {} ends off {}: {:?}",
                e.id,
                t.id,
                e.points
            );
            for w in e.points.windows(2) {
                assert!(
                    w[0].0 == w[1].0 || w[0].1 == w[1].1,
                    "{label}: {} not orthogonal {:?}",
                    e.id,
                    e.points
                );
            }
        }
        d
    }

    #[test]
    fn auto_layout_places_every_real_file() {
        for f in all_files() {
            let (nodes, flows) = graph_of(&read(&f));
            assert!(!nodes.is_empty(), "{f}");
            let d = check_layout(&f, &nodes, &flows);
            assert_eq!(d.edges.len(), flows.len(), "{f}");
            well_formed(&render_svg(&d, &Marks::default())).unwrap_or_else(|e| panic!("{f}: {e}"));
        }
    }

    #[test]
    fn auto_layout_goes_left_to_right_and_keeps_sequences_straight() {
        let (nodes, flows) = graph_of(&read("bench/seq3.bpmn"));
        let d = check_layout("seq3", &nodes, &flows);
        for e in &d.edges {
            assert_eq!(e.points.len(), 2, "straight edge {}", e.id);
            assert!(shape(&d, &e.target).x > shape(&d, &e.source).x);
        }
        let (nodes, flows) = graph_of(&read("bench/gateways.bpmn"));
        let d = check_layout("gateways", &nodes, &flows);
        let (legal, finance) = (shape(&d, "ut_legal"), shape(&d, "ut_finance"));
        assert_eq!(legal.x, finance.x, "parallel branches share a layer");
        assert!(shape(&d, "pg_join").x > legal.x && legal.x > shape(&d, "pg_split").x);
    }

    #[test]
    fn auto_layout_survives_loops_self_loops_and_junk() {
        let n = |id: &str, k: ShapeKind| (id.to_owned(), k, id.to_owned());
        let f = |id: &str, s: &str, t: &str| (id.to_owned(), s.to_owned(), t.to_owned());
        let nodes = vec![
            n("s", ShapeKind::StartEvent),
            n("a", ShapeKind::UserTask),
            n("g", ShapeKind::ExclusiveGateway),
            n("b", ShapeKind::ServiceTask),
            n("e", ShapeKind::EndEvent),
            n("a", ShapeKind::Task),
            n("lonely", ShapeKind::ScriptTask),
        ];
        let flows = vec![
            f("f1", "s", "a"),
            f("f2", "a", "g"),
            f("back", "g", "a"),
            f("f3", "g", "b"),
            f("self", "b", "b"),
            f("f4", "b", "e"),
            f("ghost", "b", "nowhere"),
            f("skip", "s", "e"),
        ];
        let d = check_layout("loops", &nodes, &flows);
        assert_eq!(d.edges.len(), 7, "the flow to an unknown node is left out");
        assert_eq!(
            shape(&d, "a").kind,
            ShapeKind::UserTask,
            "first duplicate wins"
        );
        assert_eq!(auto_layout(&[], &flows), Diagram::default());
        // A long chain must not overflow anything.
        let chain: Vec<_> = (0..3000)
            .map(|i| n(&format!("n{i}"), ShapeKind::Task))
            .collect();
        let links: Vec<_> = (1..3000)
            .map(|i| f(&format!("f{i}"), &format!("n{}", i - 1), &format!("n{i}")))
            .collect();
        assert_eq!(auto_layout(&chain, &links).shapes.len(), 3000);
    }

    #[test]
    fn render_marks_become_classes_and_tooltips() {
        let (nodes, flows) = graph_of(&read("bench/approval.bpmn"));
        let d = auto_layout(&nodes, &flows);
        let mut marks = Marks::default();
        marks
            .completed
            .extend(["start", "ut_accept", "ut_review"].map(str::to_owned));
        marks.active.insert("ut_countersign".to_owned());
        marks.failed.insert("gw_opinion".to_owned());
        marks
            .taken_flows
            .extend(["f1", "f2", "f3"].map(str::to_owned));
        let svg = render_svg(&d, &marks);
        well_formed(&svg).expect("well-formed");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("viewBox=\"") && svg.contains("width=\"") && svg.contains("<style>"));
        assert!(svg.contains(FONT_FAMILY));
        assert!(svg.contains(r#"<g id="shape-ut_accept" class="shape completed">"#));
        assert!(svg.contains(r#"<g id="shape-ut_countersign" class="shape active">"#));
        assert!(svg.contains(r#"<g id="shape-gw_opinion" class="shape failed">"#));
        assert!(svg.contains(r#"<g id="shape-ut_decide" class="shape pending">"#));
        assert!(svg.contains(r#"<g id="edge-f2" class="edge taken">"#));
        assert!(svg.contains(r#"<g id="edge-f4" class="edge">"#));
        let titles = texts_in(&svg, "title");
        for t in [
            "受理：已完成",
            "部门会签：进行中",
            "会签意见：出错",
            "决定：未开始",
        ] {
            assert!(
                titles.iter().any(|x| x == t),
                "missing tooltip {t}: {titles:?}"
            );
        }
        let ids = attr_values(&svg, "id");
        for node in &nodes {
            assert!(ids.contains(&format!("shape-{}", node.0)));
        }
        // A failed mark outranks the others.
        marks.completed.insert("gw_opinion".to_owned());
        assert!(render_svg(&d, &marks).contains(r#"class="shape failed""#));
    }

    #[test]
    fn render_of_di_files_is_well_formed_and_fits_the_viewbox() {
        for f in all_files() {
            let xml = read(&f);
            let Some(d) = from_bpmndi(&xml, None).expect("ok") else {
                continue;
            };
            let svg = render_svg(&d, &Marks::default());
            well_formed(&svg).unwrap_or_else(|e| panic!("{f}: {e}"));
            let vb: Vec<f64> = attr_values(&svg, "viewBox")[0]
                .split(' ')
                .map(|v| v.parse().expect("number"))
                .collect();
            for s in &d.shapes {
                assert!(
                    s.x >= vb[0]
                        && s.y >= vb[1]
                        && s.x + s.w <= vb[0] + vb[2]
                        && s.y + s.h <= vb[1] + vb[3],
                    "{f}: {} outside",
                    s.id
                );
            }
        }
    }

    #[test]
    fn hostile_text_is_escaped() {
        let evil = r#"<script>alert("x")</script> & 'q' ]]> "#;
        let nodes = vec![
            ("a<&>\"'".to_owned(), ShapeKind::UserTask, evil.to_owned()),
            (
                "b".to_owned(),
                ShapeKind::EndEvent,
                "\u{1}控制\u{8}字符".to_owned(),
            ),
        ];
        let flows = vec![("f<&>".to_owned(), "a<&>\"'".to_owned(), "b".to_owned())];
        let mut d = auto_layout(&nodes, &flows);
        d.edges[0].name = "是 & <否>".to_owned();
        d.shapes[1].terminate_or_error_marker = Some('<');
        let mut marks = Marks::default();
        marks.taken_flows.insert("f<&>".to_owned());
        // The checker itself must catch what it is there to catch.
        assert!(well_formed("<a>&amp;&#60;&#x3C;</a>").is_ok());
        for broken in [
            "<a>&bogus;</a>",
            "<a>&amp</a>",
            "<a><b></a>",
            "<a>",
            "<a x=\"&q;\"/>",
        ] {
            assert!(well_formed(broken).is_err(), "{broken}");
        }
        let svg = render_svg(&d, &marks);
        well_formed(&svg).expect("well-formed");
        assert!(!svg.contains("<script>"));
        assert!(attr_values(&svg, "id").contains(&"shape-a<&>\"'".to_owned()));
        let titles = texts_in(&svg, "title");
        assert!(
            titles
                .iter()
                .any(|t| t == &format!("{}：未开始", evil.trim())),
            "{titles:?}"
        );
        assert!(
            titles.iter().any(|t| t == "是 & <否>：已走过"),
            "{titles:?}"
        );
        assert!(texts_in(&svg, "tspan")
            .iter()
            .any(|t| t.contains("<script>")));
        // Hostile geometry must still give a parseable document.
        d.shapes[0].x = f64::NAN;
        d.shapes[0].w = -5.0;
        d.edges[0].points = vec![(f64::INFINITY, 1.0)];
        well_formed(&render_svg(&d, &marks)).expect("well-formed");
        well_formed(&render_svg(&Diagram::default(), &marks)).expect("empty");
    }

    #[test]
    fn chinese_names_wrap_per_character() {
        let lines = wrap("行政许可事项部门联合会签审查意见汇总", 84.0, FONT_SIZE, 4);
        assert!(lines.len() >= 3);
        for l in &lines {
            assert!(l.chars().count() <= 7, "{l}");
        }
        assert_eq!(lines.concat(), "行政许可事项部门联合会签审查意见汇总");
        // Punctuation stays with the character before it.
        let lines = wrap("一二三四五六七，八", 84.0, FONT_SIZE, 4);
        assert_eq!(lines, vec!["一二三四五六七，", "八"]);
        // Latin wraps at spaces; overflow ends in an ellipsis.
        assert_eq!(
            wrap("Submit application", 84.0, FONT_SIZE, 3),
            vec!["Submit", "application"]
        );
        let long = wrap(&"很".repeat(40), 84.0, FONT_SIZE, 4);
        assert_eq!(long.len(), 4);
        assert!(long[3].ends_with('…'));
        assert!(wrap("", 84.0, FONT_SIZE, 4).is_empty());
    }

    #[test]
    fn separate_parts_stack_instead_of_interleaving() {
        let (nodes, flows) = graph_of(&read("bench/approval.bpmn"));
        let d = check_layout("approval", &nodes, &flows);
        // The boundary timer's own path is a separate part: it goes below
        // the main flow, and the main flow is one straight row.
        let main_bottom = [
            "start",
            "ut_accept",
            "ut_review",
            "ut_countersign",
            "gw_opinion",
            "ut_decide",
            "end",
        ]
        .iter()
        .map(|id| shape(&d, id).y + shape(&d, id).h)
        .fold(f64::MIN, f64::max);
        for id in ["timer_urge", "end_urged"] {
            assert!(
                shape(&d, id).y > main_bottom,
                "{id} not below the main flow"
            );
        }
        let centre = |id: &str| shape(&d, id).y + shape(&d, id).h / 2.0;
        for id in [
            "ut_accept",
            "ut_review",
            "ut_countersign",
            "gw_opinion",
            "ut_decide",
            "end",
        ] {
            assert_eq!(centre(id), centre("start"), "{id} off the main row");
        }
    }

    #[test]
    fn edges_without_waypoints_are_drawn_to_the_outline() {
        let mk = |id: &str, kind, x, y, w, h| Shape {
            id: id.to_owned(),
            kind,
            name: String::new(),
            x,
            y,
            w,
            h,
            expanded: false,
            terminate_or_error_marker: None,
        };
        let d = Diagram {
            shapes: vec![
                mk("t", ShapeKind::UserTask, 0.0, 0.0, 100.0, 80.0),
                mk("e", ShapeKind::EndEvent, 300.0, 200.0, 36.0, 36.0),
            ],
            edges: vec![Edge {
                id: "f".to_owned(),
                source: "t".to_owned(),
                target: "e".to_owned(),
                name: String::new(),
                points: Vec::new(),
            }],
        };
        let svg = render_svg(&d, &Marks::default());
        well_formed(&svg).expect("well-formed");
        let path = attr_values(&svg, "d")
            .into_iter()
            .find(|d| d.starts_with("M") && !d.starts_with("M0 0L10"))
            .expect("edge path");
        let nums: Vec<f64> = path
            .split(['M', 'L', ' '])
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().expect("number"))
            .collect();
        assert_eq!(nums.len(), 4, "{path}");
        let (ex, ey) = (nums[2] - 318.0, nums[3] - 218.0);
        assert!(
            ((ex * ex + ey * ey).sqrt() - 18.0).abs() < 0.05,
            "ends on the circle: {path}"
        );
        assert!(
            (nums[0] - 100.0).abs() < 0.05 || (nums[1] - 80.0).abs() < 0.05,
            "starts on the task: {path}"
        );
    }

    #[test]
    fn stylesheet_has_the_state_colours_and_is_scoped() {
        let css = stylesheet();
        for colour in [PENDING, COMPLETED, ACTIVE, FAILED] {
            assert!(css.contains(colour));
        }
        assert_eq!(
            (PENDING, COMPLETED, ACTIVE),
            ("#8a94a6", "#1b7f3a", "#1d4f91")
        );
        for rule in css.split('}').filter(|r| !r.is_empty()) {
            assert!(rule.starts_with(".fgf-diagram"), "unscoped rule {rule}");
        }
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(1e300).len(), 301);
    }

    #[test]
    fn bpmndi_round_trips() {
        for f in [
            "bench/approval.bpmn",
            "bench/gateways.bpmn",
            "bpmn/camunda7__ParallelGatewayTest.testNestedForkJoin.bpmn20.xml",
        ] {
            let (nodes, flows) = graph_of(&read(f));
            let d = auto_layout(&nodes, &flows);
            let mut semantic = String::new();
            for (id, kind, name) in &nodes {
                semantic.push_str(&format!(
                    r#"<{} id="{}" name="{}"/>"#,
                    element_name(*kind),
                    esc(id),
                    esc(name)
                ));
            }
            for (id, s, t) in &flows {
                semantic.push_str(&format!(
                    r#"<sequenceFlow id="{}" sourceRef="{}" targetRef="{}"/>"#,
                    esc(id),
                    esc(s),
                    esc(t)
                ));
            }
            let doc = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p1">{}</bpmn:process>{}</bpmn:definitions>"#,
                semantic
                    .replace('<', "<bpmn:")
                    .replace("<bpmn:/", "</bpmn:"),
                to_bpmndi_xml(&d, "p1")
            );
            well_formed(&doc).expect("well-formed");
            let back = from_bpmndi(&doc, Some("p1")).expect("ok").expect("DI");
            assert_eq!(back, d, "{f}");
        }
        // Sub-process expansion and fractional coordinates survive too.
        let d = Diagram {
            shapes: vec![Shape {
                id: "sp".to_owned(),
                kind: ShapeKind::SubProcess,
                name: String::new(),
                x: 10.25,
                y: 20.5,
                w: 300.0,
                h: 200.0,
                expanded: true,
                terminate_or_error_marker: None,
            }],
            edges: Vec::new(),
        };
        let doc = format!(
            r#"<definitions><process id="p"><subProcess id="sp"/></process>{}</definitions>"#,
            to_bpmndi_xml(&d, "p")
        );
        assert_eq!(from_bpmndi(&doc, Some("p")), Ok(Some(d)));
    }
}

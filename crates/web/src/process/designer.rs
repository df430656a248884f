//! The node-tree designer's pages (DingTalk-style): the flow as cards, each edit posted back
//! with the whole flow.

use super::*;

// ---- the node-tree designer ----

fn default_flow() -> Flow {
    Flow {
        id: "new_flow".to_owned(),
        name: "新建审批流程".to_owned(),
        nodes: Vec::new(),
    }
}

/// The cards of one column, each with its own ↑ ↓ 删除 buttons; one form per card posts the
/// whole flow back with the card's id, so the page works without JavaScript.
fn render_nodes(lang: Lang, ctl: &CardControls, nodes: &[DNode], depth: usize) -> Markup {
    html! {
        @for n in nodes {
            div.dnode style=(format!("margin-left:{}em", depth * 2)) {
                @match n {
                    DNode::Approval { name, approvers, mode, .. } => { span.tag { (t(lang, "designer.approval")) } " " strong { (name) } " · " (approvers_label(lang, ctl, approvers)) " · " (mode_label(lang, mode)) }
                    DNode::Handle { name, approvers, .. } => { span.tag { (t(lang, "designer.handle")) } " " strong { (name) } " · " (approvers_label(lang, ctl, approvers)) }
                    DNode::Copy { name, readers, .. } => { span.tag { (t(lang, "designer.copy")) } " " strong { (name) } " · " (approvers_label(lang, ctl, readers)) }
                    DNode::Branch { name, branches, .. } => {
                        span.tag { (t(lang, "designer.branch")) } " " strong { (name) }
                        @for b in branches { div.dbranch { em { (b.name) } " " code { (b.condition.clone().unwrap_or_else(|| t(lang, "designer.otherwise").to_owned())) } (render_nodes(lang, ctl, &b.nodes, depth + 1)) } }
                    }
                    DNode::Parallel { name, branches, .. } => {
                        span.tag { (t(lang, "designer.parallel")) } " " strong { (name) }
                        @for b in branches { div.dbranch { (render_nodes(lang, ctl, b, depth + 1)) } }
                    }
                }
                " " code.muted { (n.id()) }
                form.dctl method="post" action="/designer" {
                    (PreEscaped(&ctl.csrf))
                    input type="hidden" name="state" value=(ctl.state);
                    input type="hidden" name="node" value=(n.id());
                    button.small name="action" value="up" type="submit" title=(t(lang, "designer.up")) aria-label=(format!("{} {}", t(lang, "designer.up"), n.id())) { "↑" }
                    button.small name="action" value="down" type="submit" title=(t(lang, "designer.down")) aria-label=(format!("{} {}", t(lang, "designer.down"), n.id())) { "↓" }
                    button.small name="action" value="edit" type="submit" aria-label=(format!("{} {}", t(lang, "designer.edit"), n.id())) { (t(lang, "designer.edit")) }
                    button.small.danger name="action" value="remove" type="submit" aria-label=(format!("{} {}", t(lang, "designer.remove"), n.id())) { (t(lang, "designer.remove")) }
                }
            }
            div.darrow aria-hidden="true" { "↓" }
        }
    }
}

/// What every card's own form repeats: the flow as posted and the CSRF field.
struct CardControls {
    state: String,
    csrf: String,
    /// Display names by username and role names by code: a card names its approvers.
    people: std::collections::HashMap<String, String>,
    roles: std::collections::HashMap<String, String>,
}

/// A card's approvers as a reader names them: people and roles by name; a rule computed at
/// run time (an expression) shown as the code it is.
fn approvers_label(lang: Lang, ctl: &CardControls, a: &Approvers) -> Markup {
    let person = |u: &String| ctl.people.get(u).cloned().unwrap_or_else(|| u.clone());
    html! {
        @match a {
            Approvers::Users(u) => { (u.iter().map(person).collect::<Vec<_>>().join("、")) }
            Approvers::Role(r) => { (t(lang, "picker.role")) "：" (ctl.roles.get(r).cloned().unwrap_or_else(|| r.clone())) }
            Approvers::Department(d) => { (t(lang, "picker.department")) "：" code { (d) } }
            Approvers::InitiatorLeader => { (t(lang, "designer.initiator_leader")) }
            Approvers::Expression(e) => { code { (e) } }
        }
    }
}

fn mode_label(lang: Lang, m: &SignMode) -> String {
    match m {
        SignMode::Single => t(lang, "designer.single").to_owned(),
        SignMode::All => t(lang, "designer.all").to_owned(),
        SignMode::Any => t(lang, "designer.any").to_owned(),
        SignMode::Sequential => t(lang, "designer.sequential").to_owned(),
        SignMode::Vote { pass_ratio } => format!("{} {pass_ratio}", t(lang, "designer.vote")),
    }
}

async fn designer_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    flow: &Flow,
    message: Option<(String, bool)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    designer_view_with(state, actor, prefs, flow, message, status, None).await
}

/// The card form's values: empty for a new card, or a card's own values when it is edited in
/// place (the form then updates that card instead of inserting one).
#[derive(Default)]
struct CardValues {
    editing: Option<String>,
    kind: &'static str,
    name: String,
    who: String,
    mode: &'static str,
    ratio: String,
    days: u32,
    timeout_action: String,
    on_empty: String,
    on_initiator: String,
    fields: String,
    /// A 条件分支's conditional arms, (name, condition), in order; the default arm is not
    /// edited here.
    arms: Vec<(String, String)>,
}

impl CardValues {
    fn of(node: &DNode) -> CardValues {
        let mut v = CardValues {
            editing: Some(node.id().to_owned()),
            name: node.name().to_owned(),
            mode: "single",
            ..CardValues::default()
        };
        let timeout_of = |v: &mut CardValues, t: &Option<fgf_engine::designer::Timeout>| {
            if let Some(t) = t {
                v.days = t.working_days;
                v.timeout_action = t.action.clone();
            }
        };
        let fields_of = |f: &std::collections::BTreeMap<String, String>| {
            f.iter()
                .map(|(k, p)| format!("{k}={}", access_word(p)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match node {
            DNode::Approval {
                approvers,
                mode,
                on_empty,
                on_initiator,
                fields,
                timeout,
                ..
            } => {
                v.kind = "approval";
                v.who = approvers_input(approvers);
                (v.mode, v.ratio) = match mode {
                    SignMode::Single => ("single", String::new()),
                    SignMode::All => ("all", String::new()),
                    SignMode::Any => ("any", String::new()),
                    SignMode::Sequential => ("sequential", String::new()),
                    SignMode::Vote { pass_ratio } => ("vote", pass_ratio.to_string()),
                };
                v.on_empty = on_empty.clone().unwrap_or_default();
                v.on_initiator = on_initiator.clone().unwrap_or_default();
                v.fields = fields_of(fields);
                timeout_of(&mut v, timeout);
            }
            DNode::Handle {
                approvers,
                fields,
                timeout,
                ..
            } => {
                v.kind = "handle";
                v.who = approvers_input(approvers);
                v.fields = fields_of(fields);
                timeout_of(&mut v, timeout);
            }
            DNode::Copy { readers, .. } => {
                v.kind = "copy";
                v.who = approvers_input(readers);
            }
            DNode::Branch { branches, .. } => {
                v.kind = "branch";
                v.arms = branches
                    .iter()
                    .filter(|b| !b.default)
                    .map(|b| (b.name.clone(), b.condition.clone().unwrap_or_default()))
                    .collect();
            }
            DNode::Parallel { .. } => v.kind = "parallel",
        }
        v
    }
}

/// A field permission in the words the designer shows (只读 / 可写 / 隐藏).
fn access_word(code: &str) -> &str {
    match code {
        "read" => "只读",
        "write" => "可写",
        "hidden" => "隐藏",
        other => other,
    }
}

/// A field permission as stored, from its word or its code.
fn access_code(word: &str) -> Option<&'static str> {
    match word {
        "只读" | "read" => Some("read"),
        "可写" | "write" => Some("write"),
        "隐藏" | "hidden" => Some("hidden"),
        _ => None,
    }
}

/// The approvers field as the clerk types it (the inverse of `parse_approvers`).
fn approvers_input(a: &Approvers) -> String {
    match a {
        Approvers::Users(u) => format!("user:{}", u.join(",")),
        Approvers::Role(r) => format!("role:{r}"),
        Approvers::Department(d) => format!("dept:{d}"),
        Approvers::InitiatorLeader => "leader:initiator".to_owned(),
        Approvers::Expression(e) => e.clone(),
    }
}

async fn designer_view_with(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    flow: &Flow,
    message: Option<(String, bool)>,
    status: StatusCode,
    edit: Option<CardValues>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let v = edit.unwrap_or(CardValues {
        kind: "approval",
        mode: "single",
        ..CardValues::default()
    });
    let c = chrome(state, actor, prefs, "processes").await?;
    let state_json = serde_json::to_string(flow).unwrap_or_default();
    let preview = fgf_engine::designer::compile(flow).ok().and_then(|d| {
        let xml = fgf_engine::bpmn::export(&d, "");
        fgf_app::process::diagram_svg(&xml, &fgf_engine::Instance::new(&flow.id), &[]).ok()
    });
    let ctl = CardControls {
        state: state_json.clone(),
        csrf: csrf(actor).into_string(),
        people: state
            .app
            .base()
            .staff_names(actor)
            .await
            .unwrap_or_default(),
        roles: state.app.base().role_names(actor).await.unwrap_or_default(),
    };
    let places = flow.places();
    let body = html! {
        @if let Some((m, ok)) = &message { (flash(Some(m), *ok)) }
        div.split {
            section {
                div.dnode.dstart { span.tag { (t(lang, "designer.start")) } }
                div.darrow aria-hidden="true" { "↓" }
                (render_nodes(lang, &ctl, &flow.nodes, 0))
                div.dnode.dend { span.tag { (t(lang, "designer.end")) } }
                @if let Some(svg) = preview { h2 { (t(lang, "designer.preview")) } div.diagram { (PreEscaped(svg)) } }
            }
            section.card {
                h2 id="card-form" { @if let Some(id) = &v.editing { (t(lang, "designer.edit")) " " code { (id) } } @else { (t(lang, "designer.add")) } }
                form method="post" action="/designer" {
                    (csrf(actor))
                    input type="hidden" name="state" value=(state_json);
                    @if let Some(id) = &v.editing {
                        input type="hidden" name="node" value=(id);
                        input type="hidden" name="type" value=(v.kind);
                    } @else {
                    input type="hidden" name="action" value="add";
                    label for="d-place" { (t(lang, "designer.place")) }
                    select id="d-place" name="place" {
                        option value="" { (t(lang, "designer.place_end")) }
                        @for (value, title, arm, depth) in &places {
                            option value=(value) {
                                ("\u{3000}".repeat(*depth))
                                @if *arm == 0 { (t(lang, "designer.place_after")) "「" (title) "」" }
                                @else { "「" (title) "」" (t(lang, "designer.place_arm").replace("{0}", &arm.to_string())) }
                            }
                        }
                    }
                    label for="d-type" { (t(lang, "form.kind")) }
                    select id="d-type" name="type" {
                        option value="approval" { (t(lang, "designer.approval")) }
                        option value="handle" { (t(lang, "designer.handle")) }
                        option value="copy" { (t(lang, "designer.copy")) }
                        option value="branch" { (t(lang, "designer.branch")) }
                        option value="parallel" { (t(lang, "designer.parallel")) }
                    }
                    }
                    label for="d-name" { (t(lang, "form.name")) }
                    input id="d-name" name="name" value=(v.name) required;
                    @if !matches!(v.kind, "branch" | "parallel") {
                    label for="d-who" { (t(lang, "designer.approvers")) }
                    input id="d-who" name="who" value=(v.who) placeholder="user:clerk,reviewer / role:reviewer / leader:initiator";
                    }
                    @if matches!(v.kind, "approval") || v.editing.is_none() {
                    label for="d-mode" { (t(lang, "designer.mode")) }
                    select id="d-mode" name="mode" {
                        @for (m, key) in [("single", "designer.single"), ("all", "designer.all"), ("any", "designer.any"), ("sequential", "designer.sequential"), ("vote", "designer.vote")] {
                            option value=(m) selected[v.mode == m] { (t(lang, key)) }
                        }
                    }
                    label for="d-ratio" { (t(lang, "designer.ratio")) }
                    input id="d-ratio" name="ratio" type="number" min="0.01" max="1" step="0.01" value=(v.ratio) placeholder="0.66";
                    label for="d-empty" { (t(lang, "designer.on_empty")) }
                    select id="d-empty" name="on_empty" {
                        @for (m, key) in [("", "designer.rule_default"), ("skip", "designer.empty_skip"), ("admin", "designer.empty_admin"), ("stop", "designer.empty_stop")] {
                            option value=(m) selected[v.on_empty == m] { (t(lang, key)) }
                        }
                    }
                    label for="d-self" { (t(lang, "designer.on_initiator")) }
                    select id="d-self" name="on_initiator" {
                        @for (m, key) in [("", "designer.rule_default"), ("allow", "designer.self_allow"), ("skip", "designer.self_skip"), ("leader", "designer.self_leader")] {
                            option value=(m) selected[v.on_initiator == m] { (t(lang, key)) }
                        }
                    }
                    }
                    @if matches!(v.kind, "approval" | "handle") || v.editing.is_none() {
                    label for="d-fields" { (t(lang, "designer.fields")) }
                    input id="d-fields" name="fields" value=(v.fields) placeholder="amount=只读, opinion=可写, id_number=隐藏";
                    label for="d-days" { (t(lang, "designer.timeout_days")) }
                    input id="d-days" name="days" type="number" min="0" max="60" value=(v.days);
                    label for="d-tact" { (t(lang, "designer.timeout_action")) }
                    select id="d-tact" name="timeout_action" {
                        option value="remind" selected[v.timeout_action != "escalate"] { (t(lang, "designer.remind")) }
                        option value="escalate" selected[v.timeout_action == "escalate"] { (t(lang, "designer.escalate")) }
                    }
                    }
                    @if v.editing.is_some() {
                        @if v.kind == "branch" {
                            @for (k, (name, cond)) in v.arms.iter().enumerate() {
                                fieldset.branch-fields {
                                    legend { (t(lang, "designer.arm").replace("{0}", &(k + 1).to_string())) }
                                    input name=(format!("arm_name_{k}")) value=(name) aria-label=(t(lang, "form.name"));
                                    input name=(format!("arm_cond_{k}")) value=(cond) required aria-label=(t(lang, "designer.condition"));
                                    @if v.arms.len() > 1 {
                                        label.inline { input type="checkbox" name=(format!("arm_drop_{k}")) value="1"; " " (t(lang, "designer.arm_drop")) }
                                    }
                                }
                            }
                            fieldset.branch-fields {
                                legend { (t(lang, "designer.arm_new")) }
                                input name="arm_name_new" placeholder=(t(lang, "form.name")) aria-label=(t(lang, "form.name"));
                                input name="arm_cond_new" placeholder="${amount > 50000}" aria-label=(t(lang, "designer.condition"));
                            }
                        }
                        @if v.kind == "parallel" {
                            label.inline { input type="checkbox" name="arm_add" value="1"; " " (t(lang, "designer.arm_add")) }
                        }
                        button type="submit" name="action" value="update" { (t(lang, "designer.save_card")) }
                        " " button.small type="submit" name="action" value="view" formnovalidate { (t(lang, "designer.cancel")) }
                    } @else {
                    fieldset.branch-fields {
                        legend { (t(lang, "designer.branch_fields")) }
                        label for="d-cond" { (t(lang, "designer.condition")) }
                        input id="d-cond" name="cond" placeholder="${amount > 1000000}";
                        label for="d-a-name" { (t(lang, "designer.branch_a")) }
                        input id="d-a-name" name="a_name" placeholder=(t(lang, "form.name"));
                        input name="a_who" placeholder="user:reviewer" aria-label=(t(lang, "designer.approvers"));
                        label for="d-b-name" { (t(lang, "designer.branch_b")) }
                        input id="d-b-name" name="b_name" placeholder=(t(lang, "form.name"));
                        input name="b_who" placeholder="role:keeper" aria-label=(t(lang, "designer.approvers"));
                    }
                    button type="submit" { (t(lang, "designer.add")) }
                    }
                }
                h2 { (t(lang, "designer.save")) }
                form method="post" action="/designer" {
                    (csrf(actor))
                    input type="hidden" name="state" value=(state_json);
                    input type="hidden" name="action" value="deploy";
                    label for="d-id" { (t(lang, "process.key")) }
                    input id="d-id" name="flow_id" value=(flow.id) pattern="[A-Za-z][A-Za-z0-9_]*" required;
                    label for="d-fname" { (t(lang, "form.name")) }
                    input id="d-fname" name="flow_name" value=(flow.name) required;
                    button type="submit" { (t(lang, "designer.deploy")) }
                }
                details { summary { "JSON" } pre.json { (serde_json::to_string_pretty(flow).unwrap_or_default()) } }
            }
        }
    };
    let mut r = html_page(layout::staff(&c, t(lang, "page.designer"), body));
    *r.status_mut() = status;
    Ok(r)
}

#[derive(Deserialize, Default)]
pub struct DesignerParams {
    /// A definition made in the designer, to edit into its next version.
    from: Option<i64>,
}

pub async fn designer_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<DesignerParams>,
) -> Result<Response, WebError> {
    let flow = match q.from {
        None => default_flow(),
        Some(id) => {
            let d = state
                .app
                .process()
                .definition(&actor, id)
                .await
                .map_err(page_err(prefs))?;
            d.designer
                .as_deref()
                .and_then(|j| serde_json::from_str::<Flow>(j).ok())
                .ok_or_else(|| page_err(prefs)(ServiceError::invalid("not_from_designer")))?
        }
    };
    designer_view(&state, &actor, prefs, &flow, None, StatusCode::OK).await
}

fn parse_approvers(s: &str) -> Approvers {
    let s = s.trim();
    if let Some(r) = s.strip_prefix("role:") {
        Approvers::Role(r.trim().to_owned())
    } else if let Some(d) = s.strip_prefix("dept:") {
        Approvers::Department(d.trim().to_owned())
    } else if s == "leader:initiator" {
        Approvers::InitiatorLeader
    } else if s.starts_with("${") {
        Approvers::Expression(s.to_owned())
    } else {
        Approvers::Users(
            s.trim_start_matches("user:")
                .split([',', '，', ' '])
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }
}

/// One card from the card form. `kind` is the card type; branch and parallel cards get their
/// first arms from the branch fields. Refuses a 票签 ratio outside (0, 1] and field
/// permissions that are not `field=read|write|hidden`.
fn card_from_form(form: &PageForm, lang: Lang, id: &str, kind: &str) -> Result<DNode, String> {
    let bad =
        |field: &str, why: &str| ServiceError::field("invalid_field", field, why).message(lang);
    let name = form.text("name");
    let approvers = parse_approvers(&form.text("who"));
    let days: u32 = form.text("days").parse().unwrap_or(0);
    let timeout = (days > 0).then(|| fgf_engine::designer::Timeout {
        working_days: days,
        action: if form.get("timeout_action") == Some("escalate") {
            "escalate"
        } else {
            "remind"
        }
        .to_owned(),
    });
    let mode = match form.get("mode") {
        Some("all") => SignMode::All,
        Some("any") => SignMode::Any,
        Some("sequential") => SignMode::Sequential,
        Some("vote") => match form.text("ratio").parse::<f64>() {
            Ok(r) if r > 0.0 && r <= 1.0 => SignMode::Vote { pass_ratio: r },
            _ => return Err(bad("ratio", "票签通过比例须在 0 到 1 之间")),
        },
        _ => SignMode::Single,
    };
    let rule = |field: &str, allowed: &[&str]| -> Result<Option<String>, String> {
        match form.text(field).as_str() {
            "" => Ok(None),
            v if allowed.contains(&v) => Ok(Some(v.to_owned())),
            _ => Err(bad(field, "取值无效")),
        }
    };
    let on_empty = rule("on_empty", &["skip", "admin", "stop"])?;
    let on_initiator = rule("on_initiator", &["allow", "skip", "leader"])?;
    let mut fields = std::collections::BTreeMap::new();
    for pair in form
        .text("fields")
        .split([',', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match pair
            .split_once('=')
            .map(|(k, v)| (k.trim(), access_code(v.trim())))
        {
            Some((k, Some(v))) if !k.is_empty() => {
                fields.insert(k.to_owned(), v.to_owned());
            }
            _ => {
                return Err(bad(
                    "fields",
                    "字段权限须写作 字段=只读、可写或隐藏，以逗号分隔",
                ))
            }
        }
    }
    let approval = |id: String, name: String, who: &str| DNode::Approval {
        id,
        name,
        approvers: parse_approvers(who),
        mode: SignMode::Single,
        on_empty: None,
        on_initiator: None,
        fields: Default::default(),
        timeout: None,
    };
    let side = |prefix: &str, suffix: &str| -> Vec<DNode> {
        let name = form.text(&format!("{prefix}_name"));
        let who = form.text(&format!("{prefix}_who"));
        if name.is_empty() || who.is_empty() {
            Vec::new()
        } else {
            vec![approval(format!("{id}{suffix}"), name, &who)]
        }
    };
    let id = id.to_owned();
    Ok(match kind {
        "branch" => DNode::Branch {
            id,
            name,
            branches: vec![
                fgf_engine::designer::Branch {
                    name: t(lang, "designer.when").to_owned(),
                    condition: Some(form.text("cond")),
                    default: false,
                    nodes: side("a", "a"),
                },
                fgf_engine::designer::Branch {
                    name: t(lang, "designer.otherwise").to_owned(),
                    condition: None,
                    default: true,
                    nodes: side("b", "b"),
                },
            ],
        },
        "parallel" => DNode::Parallel {
            id,
            name,
            branches: vec![side("a", "a"), side("b", "b")],
        },
        "handle" => DNode::Handle {
            id,
            name,
            approvers,
            fields,
            timeout,
        },
        "copy" => DNode::Copy {
            id,
            name,
            readers: approvers,
        },
        _ => DNode::Approval {
            id,
            name,
            approvers,
            mode,
            on_empty,
            on_initiator,
            fields,
            timeout,
        },
    })
}

pub async fn designer_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let mut flow: Flow =
        serde_json::from_str(form.get("state").unwrap_or("")).unwrap_or_else(|_| default_flow());
    let refused =
        |field: &str, why: &str| ServiceError::field("invalid_field", field, why).message(lang);
    let node = form.text("node");
    // Every edit ends in the designer again, with the reason when it was refused (422) and
    // the card to show in the card form, if any.
    let (refusal, card): (Option<String>, Option<CardValues>) = match form
        .get("action")
        .unwrap_or("")
    {
        "add" => {
            let place = fgf_engine::designer::Place::parse(form.get("place").unwrap_or(""));
            match card_from_form(
                &form,
                lang,
                &flow.fresh_id(),
                form.get("type").unwrap_or(""),
            ) {
                Err(m) => (Some(m), None),
                Ok(card) => match flow.insert(&place, card) {
                    true => (None, None),
                    false => (Some(refused("place", "插入位置不存在")), None),
                },
            }
        }
        "view" => (None, None),
        "edit" => match flow.find(&node) {
            Some(card) => (None, Some(CardValues::of(card))),
            None => (Some(refused("node", "节点不存在")), None),
        },
        "update" => match flow.find(&node).cloned() {
            None => (Some(refused("node", "节点不存在")), None),
            Some(old) => {
                let kind = CardValues::of(&old).kind;
                match card_from_form(&form, lang, &node, kind) {
                    Err(m) => (Some(m), Some(CardValues::of(&old))),
                    Ok(new) => {
                        if let Some(slot) = flow.find_mut(&node) {
                            *slot = keep_arms(old, new, &form);
                        }
                        (None, None)
                    }
                }
            }
        },
        action @ ("remove" | "up" | "down") => {
            let found = match action {
                "remove" => flow.remove(&node).is_some(),
                // A card already at the end of its column stays put; that is not an error.
                "up" => flow.shift(&node, -1) || flow.find(&node).is_some(),
                _ => flow.shift(&node, 1) || flow.find(&node).is_some(),
            };
            match found {
                true => (None, None),
                false => (Some(refused("node", "节点不存在")), None),
            }
        }
        "deploy" => {
            flow.id = form.text("flow_id");
            flow.name = form.text("flow_name");
            // Publishing a flow without a single step would start instances that end at once.
            let result = if flow.nodes.is_empty() {
                Err(t(lang, "designer.empty_flow").to_owned())
            } else {
                match fgf_engine::designer::to_bpmn(&flow) {
                    Ok(xml) => state
                        .app
                        .process()
                        .deploy_process_as(
                            &actor,
                            &xml,
                            Some(&serde_json::to_string(&flow).unwrap_or_default()),
                            true,
                        )
                        .await
                        .map_err(|e| e.message(lang)),
                    // Each problem names its card as the page shows it (审查), not by its id.
                    Err(errors) => Err(errors
                        .iter()
                        .map(|e| {
                            let card = flow
                                .find(&e.node)
                                .map(|n| n.name().to_owned())
                                .filter(|n| !n.trim().is_empty());
                            match card {
                                Some(name) => t(lang, "designer.problem_at")
                                    .replace("{0}", &name)
                                    .replace("{1}", &e.message),
                                None => e.message.clone(),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("；")),
                }
            };
            match result {
                Ok(d) => return Ok(Redirect::to(&format!("/processes/{}", d.id)).into_response()),
                Err(m) => (Some(m), None),
            }
        }
        other => {
            return Err(page_err(prefs)(ServiceError::field(
                "invalid_field",
                "action",
                &format!("未知操作 {other}"),
            )))
        }
    };
    let status = match refusal {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let message = refusal.map(|m| (m, false));
    designer_view_with(&state, &actor, prefs, &flow, message, status, card).await
}

/// An updated branch card keeps its arms and their cards (the card form only describes the
/// card itself); for a 条件分支 the form renames arms, changes their conditions, drops arms and
/// adds one before the default arm, and a 并行分支 may gain an empty arm.
fn keep_arms(old: DNode, new: DNode, form: &PageForm) -> DNode {
    match (old, new) {
        (DNode::Branch { id, branches, .. }, DNode::Branch { name, .. }) => {
            let mut kept = Vec::new();
            let mut k = 0;
            for mut b in branches {
                if b.default {
                    kept.push(b);
                    continue;
                }
                let drop = form.get(&format!("arm_drop_{k}")) == Some("1");
                if let Some(n) = form.get(&format!("arm_name_{k}")) {
                    b.name = n.trim().to_owned();
                }
                if let Some(c) = form.get(&format!("arm_cond_{k}")) {
                    b.condition = Some(c.trim().to_owned());
                }
                k += 1;
                if !drop {
                    kept.push(b);
                }
            }
            let cond = form.text("arm_cond_new");
            if !cond.is_empty() {
                let at = kept.iter().position(|b| b.default).unwrap_or(kept.len());
                kept.insert(
                    at,
                    fgf_engine::designer::Branch {
                        name: form.text("arm_name_new"),
                        condition: Some(cond),
                        default: false,
                        nodes: Vec::new(),
                    },
                );
            }
            DNode::Branch {
                id,
                name,
                branches: kept,
            }
        }
        (
            DNode::Parallel {
                id, mut branches, ..
            },
            DNode::Parallel { name, .. },
        ) => {
            if form.get("arm_add") == Some("1") {
                branches.push(Vec::new());
            }
            DNode::Parallel { id, name, branches }
        }
        (_, new) => new,
    }
}

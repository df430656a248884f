//! The process pages: the task inbox (待办 / 已办 / 抄送我的) with the approval operations,
//! definitions and instances with their highlighted diagrams.

use super::api::deadline_cell;
use super::*;
use fgf_domain::process::DefinitionStatus;
use fgf_domain::process::InstanceId;

// ---- pages ----

#[derive(Deserialize, Default)]
pub struct TasksPageParams {
    #[serde(rename = "box")]
    which: Option<String>,
    instance: Option<i64>,
    msg: Option<String>,
}

fn op_forms(
    lang: Lang,
    actor: &Actor,
    w: &fgf_store::process::WorkItemRow,
    completed: &[String],
) -> Markup {
    let action = format!("/tasks/{}", w.id);
    let mine = w.assignee.as_deref() == Some(actor.account.username.as_str());
    html! {
        @if w.assignee.is_none() {
            form.inline method="post" action=(action) { (csrf(actor)) input type="hidden" name="op" value="claim"; button.small type="submit" { (t(lang, "task.claim")) } }
        }
        @if mine {
            form.inline method="post" action=(action) {
                (csrf(actor)) input type="hidden" name="op" value="complete";
                select name="approved" aria-label=(t(lang, "task.opinion")) { option value="true" { (t(lang, "task.approve")) } option value="false" { (t(lang, "task.reject")) } }
                input name="comment" placeholder=(t(lang, "task.comment")) size="14";
                button.small type="submit" { (t(lang, "task.complete")) }
            }
            details.ops {
                summary { (t(lang, "task.more")) }
                @if !completed.is_empty() {
                    form method="post" action=(action) {
                        (csrf(actor)) input type="hidden" name="op" value="send_back";
                        label.inline { (t(lang, "task.send_back_to")) " " select name="target" { @for c in completed { option value=(c) { (c) } } } }
                        label.inline { input type="checkbox" name="return_direct" value="true"; " " (t(lang, "task.return_direct")) }
                        button.small type="submit" { (t(lang, "task.send_back")) }
                    }
                }
                @for (op, key) in [("transfer", "task.transfer"), ("delegate", "task.delegate"), ("add_signer", "task.add_signer")] {
                    form method="post" action=(action) {
                        (csrf(actor)) input type="hidden" name="op" value=(op);
                        input name="to" placeholder=(t(lang, "form.username")) size="10" required;
                        button.small type="submit" { (t(lang, key)) }
                    }
                }
                form method="post" action=(action) {
                    (csrf(actor)) input type="hidden" name="op" value="carbon_copy";
                    input name="to" placeholder=(t(lang, "task.readers")) size="16" required;
                    button.small type="submit" { (t(lang, "task.copy")) }
                }
            }
        }
        @if !mine && w.assignee.is_some() {
            form.inline method="post" action=(action) { (csrf(actor)) input type="hidden" name="op" value="urge"; button.small type="submit" { (t(lang, "task.urge")) } }
        }
    }
}

pub async fn tasks_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<TasksPageParams>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let which = q.which.clone().unwrap_or_else(|| "todo".to_owned());
    let page = fgf_store::Page::new(Some(1), Some(50));
    let err = page_err(prefs);
    let mut todo = state
        .app
        .process()
        .inbox_todo(&actor, page)
        .await
        .map_err(&err)?;
    if let Some(only) = q.instance {
        // Arriving from a notification: show that instance's tasks first.
        todo.items
            .sort_by_key(|w| w.instance_id != InstanceId::new(only));
    }
    let done = state
        .app
        .process()
        .inbox_done(&actor, page)
        .await
        .map_err(&err)?;
    let copies = state
        .app
        .process()
        .inbox_copies(&actor, page)
        .await
        .map_err(&err)?;
    let mut completed_by_instance = std::collections::BTreeMap::new();
    let mut deadlines_by_instance = std::collections::BTreeMap::new();
    for w in &todo.items {
        if completed_by_instance.contains_key(&w.instance_id) {
            continue;
        }
        if let Ok((row, inst)) = state
            .app
            .process()
            .process_instance(&actor, w.instance_id)
            .await
        {
            let deadlines = state
                .app
                .process()
                .instance_deadlines(row.definition_id, &inst)
                .await
                .map_err(&err)?;
            deadlines_by_instance.insert(w.instance_id, deadlines);
            completed_by_instance.insert(w.instance_id, inst.completed_tasks.clone());
        }
    }
    // A work item's deadlines are the working-day timers on its own execution (a boundary
    // timer on the task).
    let deadlines_of =
        |w: &fgf_store::process::WorkItemRow| -> Vec<fgf_app::process::InstanceDeadline> {
            deadlines_by_instance
                .get(&w.instance_id)
                .map(|ds| {
                    ds.iter()
                        .filter(|d| i64::from(d.exec) == w.exec_id)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        };
    let c = chrome(&state, &actor, prefs, "tasks").await?;
    let tab = |key: &str, label: &str, n: i64| html! { a.tab href=(format!("/tasks?box={key}")) aria-current=[(which == key).then_some("page")] { (label) " (" (n) ")" } };
    let body = html! {
        @if let Some(m) = &q.msg { (flash(Some(m), true)) }
        nav.tabs { (tab("todo", t(lang, "task.todo"), todo.total)) (tab("done", t(lang, "task.done"), done.total)) (tab("copies", t(lang, "task.copies"), copies.total)) }
        @match which.as_str() {
            "done" => {
                @if done.items.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                    div.table-wrap { table.data.stack {
                        thead { tr { th { (t(lang, "task.name")) } th { (t(lang, "task.instance")) } th { (t(lang, "task.completed_at")) } th { (t(lang, "form.actions")) } } }
                        tbody { @for w in &done.items { tr {
                            td data-label=(t(lang, "task.name")) { (w.name) } td data-label=(t(lang, "task.instance")) { a href=(format!("/instances/{}", w.instance_id)) { "#" (w.instance_id) } }
                            td data-label=(t(lang, "task.completed_at")) { (w.completed_at_ms.map(local_minute).unwrap_or_default()) }
                            td data-label=(t(lang, "form.actions")) { form.inline method="post" action=(format!("/tasks/{}", w.id)) { (csrf(&actor)) input type="hidden" name="op" value="withdraw"; button.small type="submit" { (t(lang, "task.withdraw")) } } }
                        } } }
                    } }
                }
            }
            "copies" => {
                @if copies.items.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                    ul.plain { @for c in &copies.items { li { a href=(format!("/instances/{}", c.instance_id)) { "#" (c.instance_id) " " (c.node_id) } " " span.muted { (local_minute(c.created_at_ms)) } @if c.read_at_ms.is_none() { " " span.tag { (t(lang, "task.unread")) } } } } }
                }
            }
            _ => {
                @if todo.items.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                    // One card per item on a phone: the operations need the whole width.
                    div.table-wrap { table.data.stack {
                        thead { tr { th { (t(lang, "task.name")) } th { (t(lang, "task.instance")) } th { (t(lang, "task.assignee")) } th { (t(lang, "form.time")) } th { (t(lang, "deadline.column")) } th { (t(lang, "form.actions")) } } }
                        tbody { @for w in &todo.items { tr {
                            td data-label=(t(lang, "task.name")) { strong { (w.name) } }
                            td data-label=(t(lang, "task.instance")) { a href=(format!("/instances/{}", w.instance_id)) { "#" (w.instance_id) } }
                            td data-label=(t(lang, "task.assignee")) { (w.assignee.clone().unwrap_or_else(|| format!("{}{}", t(lang, "task.candidates"), w.candidate_groups.join("、")))) }
                            td.nowrap data-label=(t(lang, "form.time")) { (local_minute(w.created_at_ms)) }
                            td data-label=(t(lang, "deadline.column")) {
                                @let ds = deadlines_of(w);
                                @if ds.is_empty() { span.muted { "—" } }
                                @for d in ds { div { (deadline_cell(lang, &d)) } }
                            }
                            td data-label=(t(lang, "form.actions")) { (op_forms(lang, &actor, w, completed_by_instance.get(&w.instance_id).map_or(&[][..], |v| &v[..]))) }
                        } } }
                    } }
                }
            }
        }
    };
    Ok(html_page(layout::staff(&c, t(lang, "page.tasks"), body)))
}

pub async fn task_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let comment = form.text("comment");
    let to = form.text("to");
    let op = match form.get("op").unwrap_or("") {
        "complete" => {
            let mut vars = Vars::new();
            if let Some(a) = form.get("approved") {
                vars.insert("approved".to_owned(), json!(a == "true"));
            }
            if !comment.is_empty() {
                vars.insert("opinion".to_owned(), json!(comment));
            }
            TaskOp::Complete {
                vars,
                fields: form
                    .pairs
                    .iter()
                    .filter_map(|(k, v)| k.strip_prefix("field.").map(|f| (f.to_owned(), json!(v))))
                    .collect(),
            }
        }
        "claim" => TaskOp::Claim,
        "withdraw" => TaskOp::Withdraw,
        "urge" => TaskOp::Urge,
        "send_back" => TaskOp::SendBack {
            target: form.text("target"),
            return_direct: form.get("return_direct") == Some("true"),
        },
        "transfer" => TaskOp::Transfer { to },
        "delegate" => TaskOp::Delegate { to },
        "add_signer" => TaskOp::AddSigner {
            user: to,
            before: false,
        },
        "carbon_copy" => TaskOp::CarbonCopy {
            readers: to
                .split([',', '，', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        },
        other => {
            return Err(page_err(prefs)(ServiceError::field(
                "invalid_field",
                "op",
                &format!("未知操作 {other}"),
            )))
        }
    };
    state
        .app
        .process()
        .work_item_op(&actor, id, op, &comment)
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to(&format!(
        "/tasks?msg={}",
        form_urlencoded::byte_serialize(t(prefs.lang, "msg.saved").as_bytes()).collect::<String>()
    ))
    .into_response())
}

pub async fn processes_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> Result<Response, WebError> {
    processes_view(&state, &actor, prefs, None, StatusCode::OK).await
}

async fn processes_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    message: Option<(String, bool, Vec<fgf_engine::Problem>)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let defs = state
        .app
        .process()
        .definitions(actor)
        .await
        .map_err(page_err(prefs))?;
    let c = chrome(state, actor, prefs, "processes").await?;
    let body = html! {
        @if let Some((m, ok, problems)) = &message {
            (flash(Some(m), *ok))
            @if !problems.is_empty() { ul.problems { @for p in problems { li { code { (p.element) } "：" (p.message) } } } }
        }
        @if defs.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
            div.table-wrap { table.data {
                thead { tr { th { (t(lang, "form.name")) } th { (t(lang, "process.key")) } th { (t(lang, "process.version")) } th { (t(lang, "form.status")) } th { (t(lang, "form.time")) } } }
                tbody { @for d in &defs { tr {
                    td { a href=(format!("/processes/{}", d.id)) { (d.name) } @if d.designer.is_some() { " " span.tag { (t(lang, "process.from_designer")) } } }
                    td { code { (d.key) } } td { "v" (d.version) }
                    td { (if d.status == DefinitionStatus::Published { t(lang, "process.published") } else { t(lang, "process.draft") }) }
                    td.nowrap { (local_minute(d.created_at_ms)) }
                } } }
            } }
        }
        @if actor.has(Permission::ProcessDesign) {
            div.cards {
                section.card {
                    h2 { (t(lang, "process.upload")) }
                    p.muted { (t(lang, "process.upload_hint")) }
                    form method="post" action="/processes" {
                        (csrf(actor))
                        label for="bpmn" { "BPMN 2.0 XML" }
                        textarea id="bpmn" name="bpmn" rows="8" required {}
                        label.inline { input type="checkbox" name="publish" value="true" checked; " " (t(lang, "process.publish")) }
                        button type="submit" { (t(lang, "process.check_and_save")) }
                    }
                }
                section.card {
                    h2 { (t(lang, "page.designer")) }
                    p.muted { (t(lang, "process.designer_hint")) }
                    a.button href="/designer" { (t(lang, "page.designer")) }
                }
            }
        }
    };
    let mut r = html_page(layout::staff(&c, t(lang, "page.processes"), body));
    *r.status_mut() = status;
    Ok(r)
}

pub async fn processes_upload(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> Result<Response, WebError> {
    let publish = form.get("publish") == Some("true");
    match state
        .app
        .process()
        .deploy_process_as(&actor, form.get("bpmn").unwrap_or(""), None, publish)
        .await
    {
        Ok(d) => Ok(Redirect::to(&format!("/processes/{}", d.id)).into_response()),
        Err(e) => {
            let problems: Vec<fgf_engine::Problem> = e
                .details
                .as_ref()
                .and_then(|d| d.get("problems"))
                .and_then(|p| serde_json::from_value(p.clone()).ok())
                .unwrap_or_default();
            processes_view(
                &state,
                &actor,
                prefs,
                Some((e.message(prefs.lang), false, problems)),
                status_of(e.kind, e.code),
            )
            .await
        }
    }
}

pub async fn process_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let d = state
        .app
        .process()
        .definition(&actor, id)
        .await
        .map_err(&err)?;
    let svg_text =
        fgf_app::process::diagram_svg(&d.source, &fgf_engine::Instance::new(&d.key), &[])
            .map_err(&err)?;
    let (def, problems) =
        fgf_engine::import(&d.source).map_err(|e| err(ServiceError::internal(e)))?;
    let found = fgf_engine::check(&def, &problems, None);
    let c = chrome(&state, &actor, prefs, "processes").await?;
    let body = html! {
        dl.kv {
            dt { (t(lang, "process.key")) } dd { code { (d.key) } }
            dt { (t(lang, "process.version")) } dd { "v" (d.version) " · " (if d.status == DefinitionStatus::Published { t(lang, "process.published") } else { t(lang, "process.draft") }) }
        }
        div.diagram { (PreEscaped(svg_text)) }
        @if !found.is_empty() { h2 { (t(lang, "process.problems")) } ul.problems { @for p in &found { li { code { (p.element) } "：" (p.message) } } } }
        p {
            a href=(format!("/api/v1/processes/{}/bpmn", d.id)) { (t(lang, "process.download")) }
            @if d.designer.is_some() && actor.has(Permission::ProcessDesign) {
                " · " a href=(format!("/designer?from={}", d.id)) { (t(lang, "process.edit_in_designer")) }
            }
        }
        @if d.status == DefinitionStatus::Published {
            section.card {
                h2 { (t(lang, "process.start")) }
                form method="post" action=(format!("/processes/{}/start", d.id)) {
                    (csrf(&actor))
                    label for="bk" { (t(lang, "process.business_key")) }
                    input id="bk" name="business_key";
                    label for="vars" { (t(lang, "process.vars")) }
                    textarea id="vars" name="vars" rows="3" { "{}" }
                    button type="submit" { (t(lang, "process.start")) }
                }
            }
        }
    };
    Ok(html_page(layout::staff(&c, &d.name, body)))
}

pub async fn process_start(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let err = page_err(prefs);
    let d = state
        .app
        .process()
        .definition(&actor, id)
        .await
        .map_err(&err)?;
    let vars_text = form.text("vars");
    let vars: Value = if vars_text.is_empty() {
        json!({})
    } else {
        serde_json::from_str(&vars_text).map_err(|e| err(crate::extract::json_error(&e)))?
    };
    let instance = state
        .app
        .process()
        .start_process_as(
            &actor,
            &d.key,
            vars_of(&vars).map_err(&err)?,
            &form.text("business_key"),
        )
        .await
        .map_err(&err)?;
    Ok(Redirect::to(&format!("/instances/{instance}")).into_response())
}

pub async fn instance_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<InstanceId>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let (row, inst) = state
        .app
        .process()
        .process_instance(&actor, id)
        .await
        .map_err(&err)?;
    let svg_text = state
        .app
        .process()
        .process_diagram(&actor, id)
        .await
        .map_err(&err)?;
    let events = state
        .app
        .process()
        .instance_events(&actor, id)
        .await
        .map_err(&err)?;
    let deadlines = state
        .app
        .process()
        .instance_deadlines(row.definition_id, &inst)
        .await
        .map_err(&err)?;
    let names = state
        .app
        .process()
        .node_names(row.definition_id, &inst)
        .await
        .map_err(&err)?;
    // A step by its name; an unnamed one (a gateway) by nothing rather than its id.
    let step = |id: &str| names.get(id).cloned().unwrap_or_default();
    let c = chrome(&state, &actor, prefs, "tasks").await?;
    let status = match &inst.status {
        fgf_engine::Status::Running if inst.suspended_since.is_some() => {
            t(lang, "instance.suspended").to_owned()
        }
        fgf_engine::Status::Running => t(lang, "instance.running").to_owned(),
        fgf_engine::Status::Completed => t(lang, "instance.completed").to_owned(),
        fgf_engine::Status::Terminated { reason } => {
            format!("{}（{reason}）", t(lang, "instance.terminated"))
        }
        fgf_engine::Status::Failed { element, message } => {
            format!("{} {element}: {message}", t(lang, "instance.failed"))
        }
    };
    let body = html! {
        dl.kv {
            dt { (t(lang, "form.status")) } dd { (status) }
            dt { (t(lang, "process.business_key")) } dd { (row.business_key) }
            dt { (t(lang, "instance.started")) } dd { (local_minute(row.started_at_ms)) }
        }
        @if !deadlines.is_empty() {
            h2 { (t(lang, "instance.deadlines")) }
            @if inst.suspended_since.is_some() { p.muted { (t(lang, "instance.suspended_note")) } }
            ul.plain { @for d in &deadlines { li { (step(&d.node)) " " (deadline_cell(lang, d)) } } }
        }
        @if !inst.pauses.is_empty() {
            h2 { (t(lang, "instance.pauses")) }
            ul.plain { @for p in &inst.pauses { li {
                (local_minute(p.start_ms)) " – " (p.end_ms.map_or_else(|| t(lang, "instance.pause_open").to_owned(), local_minute))
                @if let Some(r) = &p.reason { " · " (r) }
            } } }
        }
        div.diagram { (PreEscaped(svg_text)) }
        p.legend { span.sw.completed {} (t(lang, "instance.legend_done")) " " span.sw.active {} (t(lang, "instance.legend_active")) " " span.sw.pending {} (t(lang, "instance.legend_pending")) }
        h2 { (t(lang, "instance.history")) }
        ol.timeline {
            @for e in events.iter().filter(|e| matches!(e.event.get("event").and_then(Value::as_str), Some("task_completed" | "task_created" | "operation" | "task_assigned" | "timer_fired" | "completed" | "terminated" | "failed" | "urged" | "copied" | "started"))) {
                li {
                    span.muted { (local_minute(e.at_ms)) } " "
                    strong { (e.event.get("event").and_then(Value::as_str).map(|k| t(lang, &format!("event.{k}")).to_owned()).unwrap_or_default()) } " "
                    (e.event.get("node").and_then(Value::as_str).map(step).unwrap_or_default()) " "
                    @if let Some(op) = e.event.get("op").and_then(Value::as_str) { code { (op) } " " }
                    @if let Some(a) = &e.actor { "· " (a) } " "
                    @if !e.comment.is_empty() { "：" (e.comment) }
                }
            }
        }
        @if inst.status == fgf_engine::Status::Running && (actor.has(Permission::ProcessDesign) || row.initiator_account_id == Some(actor.account.id)) {
            section.card {
                h2 { (t(lang, "instance.control")) }
                form.inline method="post" action=(format!("/instances/{id}/control")) {
                    (csrf(&actor))
                    @if inst.suspended_since.is_some() { input type="hidden" name="action" value="resume"; button.small type="submit" { (t(lang, "instance.resume")) } }
                    @else {
                        input type="hidden" name="action" value="suspend";
                        input name="reason" placeholder=(t(lang, "instance.suspend_reason")) aria-label=(t(lang, "instance.suspend_reason")) size="24";
                        button.small type="submit" { (t(lang, "instance.suspend")) }
                    }
                }
                form method="post" action=(format!("/instances/{id}/control")) {
                    (csrf(&actor)) input type="hidden" name="action" value="terminate";
                    input name="reason" placeholder=(t(lang, "instance.reason")) required;
                    button.small type="submit" { (t(lang, "instance.terminate")) }
                }
            }
        }
    };
    Ok(html_page(layout::staff(
        &c,
        &format!("{} #{id}", t(lang, "page.instance")),
        body,
    )))
}

pub async fn instance_control_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<InstanceId>,
    form: PageForm,
) -> Result<Response, WebError> {
    state
        .app
        .process()
        .instance_control(&actor, id, &form.text("action"), &form.text("reason"))
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to(&format!("/instances/{id}")).into_response())
}

//! The process pages: the task inbox (待办 / 已办 / 抄送我的) with the approval operations,
//! definitions and instances with their highlighted diagrams.

use super::api::deadline_cell;
use super::*;
use fgf_domain::process::DefinitionStatus;
use fgf_domain::process::InstanceId;

// ---- pages ----

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
            div.table-wrap { table.data.stack {
                thead { tr { th { (t(lang, "form.name")) } th { (t(lang, "process.key")) } th { (t(lang, "process.version")) } th { (t(lang, "form.status")) } th { (t(lang, "form.time")) } } }
                tbody { @for d in &defs { tr {
                    td data-label=(t(lang, "form.name")) { a href=(format!("/processes/{}", d.id)) { (d.name) } @if d.designer.is_some() { " " span.tag { (t(lang, "process.from_designer")) } } }
                    td data-label=(t(lang, "process.key")) { code { (d.key) } } td data-label=(t(lang, "process.version")) { "v" (d.version) }
                    td data-label=(t(lang, "form.status")) { (if d.status == DefinitionStatus::Published { t(lang, "process.published") } else { t(lang, "process.draft") }) }
                    td.nowrap data-label=(t(lang, "form.time")) { (local_minute(d.created_at_ms)) }
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
                    // Variables as name and value, one per row: nobody types JSON.
                    fieldset {
                        legend { (t(lang, "process.vars")) }
                        @for i in 0..4 {
                            div.inline-fields {
                                input name="var_name" aria-label=(t(lang, "process.var_name")) placeholder=(t(lang, "process.var_name")) value=[(i == 0).then_some("amount")];
                                " = "
                                input name="var_value" aria-label=(t(lang, "process.var_value")) placeholder=(t(lang, "process.var_value"));
                            }
                        }
                        small.help { (t(lang, "process.vars_help")) }
                    }
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
    // Name and value rows: a number is a number, 是/否 (or true/false) a yes or no, anything
    // else text.
    let names = form.all("var_name");
    let values = form.all("var_value");
    let mut vars = serde_json::Map::new();
    for (n, v) in names.iter().zip(values.iter()) {
        let (n, v) = (n.trim(), v.trim());
        if n.is_empty() || v.is_empty() {
            continue;
        }
        let value = if let Ok(i) = v.parse::<i64>() {
            json!(i)
        } else if let Ok(f) = v.parse::<f64>() {
            json!(f)
        } else {
            match v {
                "是" | "true" => json!(true),
                "否" | "false" => json!(false),
                _ => json!(v),
            }
        };
        vars.insert(n.to_owned(), value);
    }
    let vars = Value::Object(vars);
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
    let people = state
        .app
        .base()
        .staff_names(&actor)
        .await
        .unwrap_or_default();
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
                    @if let Some(op) = e.event.get("op").and_then(Value::as_str) { (t(lang, &format!("op.{op}"))) " " }
                    @if let Some(a) = &e.actor { "· " (people.get(a).map_or(a.as_str(), String::as_str)) } " "
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

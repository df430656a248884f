//! Processes in the web: definitions (upload, check, diagram), instances (流程图高亮 and
//! history), the task inbox (待办 / 已办 / 抄送我的) with the approval operations, and the
//! node-tree designer. API handlers answer JSON; page handlers render and post back.

use crate::error::{status_of, WebError};
use crate::extract::{ApiJson, ApiQuery, PageForm, PageQuery};
use crate::layout::{self, csrf, flash};
use crate::pages::{chrome, html_page, page_err};
use crate::{AppState, Prefs};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use fgf_app::clock::{local_minute, rfc3339};
use fgf_app::i18n::t;
use fgf_app::process::TaskOp;
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::permission::Permission;
use fgf_engine::designer::{Approvers, DNode, Flow, SignMode};
use fgf_engine::Vars;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use serde_json::{json, Value};

type ApiResult = Result<Response, WebError>;

fn svg(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn vars_of(v: &Value) -> Result<Vars, ServiceError> {
    match v {
        Value::Object(m) => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Value::Null => Ok(Vars::new()),
        _ => Err(ServiceError::field(
            "invalid_field",
            "vars",
            "须为 JSON 对象",
        )),
    }
}

fn utf8(body: &Bytes) -> Result<&str, ServiceError> {
    std::str::from_utf8(body).map_err(|_| ServiceError::invalid("bpmn_invalid").arg("not UTF-8"))
}

// ---- API ----

pub async fn list_processes(State(state): State<AppState>) -> ApiResult {
    let defs = state
        .app
        .store()
        .list_process_definitions()
        .await
        .map_err(ServiceError::from)?;
    let items: Vec<Value> = defs.iter().map(|d| json!({ "id": d.id, "key": d.key, "version": d.version, "name": d.name, "status": d.status, "created_at": rfc3339(d.created_at_ms), "designer": d.designer.is_some() })).collect();
    Ok(Json(json!({ "items": items, "total": items.len() })).into_response())
}

#[derive(Deserialize, Default)]
pub struct DeployParams {
    #[serde(default)]
    publish: bool,
}

pub async fn deploy_process(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<DeployParams>,
    body: Bytes,
) -> ApiResult {
    let d = state
        .app
        .deploy_process_as(&actor, utf8(&body)?, None, q.publish)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(d))).into_response())
}

pub async fn check_process(body: Bytes) -> ApiResult {
    let xml = utf8(&body)?;
    let (def, problems) =
        fgf_engine::import(xml).map_err(|e| ServiceError::invalid("bpmn_invalid").arg(e))?;
    let found = fgf_engine::check(&def, &problems, None);
    Ok(Json(json!({ "valid": found.is_empty(), "problems": found })).into_response())
}

pub async fn get_process(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    let d = state
        .app
        .store()
        .get_process_definition(id)
        .await
        .map_err(ServiceError::from)?;
    let (def, problems) = fgf_engine::import(&d.source).map_err(ServiceError::internal)?;
    let found = fgf_engine::check(&def, &problems, None);
    Ok(Json(json!({ "id": d.id, "key": d.key, "version": d.version, "name": d.name, "status": d.status, "problems": found, "designer": d.designer.as_deref().and_then(|s| serde_json::from_str::<Value>(s).ok()) })).into_response())
}

pub async fn process_bpmn(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    let d = state
        .app
        .store()
        .get_process_definition(id)
        .await
        .map_err(ServiceError::from)?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        d.source,
    )
        .into_response())
}

pub async fn process_diagram(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    let d = state
        .app
        .store()
        .get_process_definition(id)
        .await
        .map_err(ServiceError::from)?;
    let inst = fgf_engine::Instance::new(&d.key);
    Ok(svg(fgf_app::process::diagram_svg(&d.source, &inst, &[])?))
}

#[derive(Deserialize)]
pub struct StartBody {
    #[serde(default)]
    vars: Value,
    /// The business record (form data); the engine reads conditions from it.
    #[serde(default)]
    record: Value,
    #[serde(default)]
    business_key: String,
}

pub async fn start_process(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(key): Path<String>,
    ApiJson(b): ApiJson<StartBody>,
) -> ApiResult {
    let record = match b.record {
        Value::Object(m) => m,
        Value::Null => serde_json::Map::new(),
        _ => return Err(ServiceError::field("invalid_field", "record", "须为 JSON 对象").into()),
    };
    let id = state
        .app
        .start_process_as_with_record(&actor, &key, vars_of(&b.vars)?, record, &b.business_key)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "instance_id": id }))).into_response())
}

pub async fn get_instance(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let (row, inst) = state.app.process_instance(&actor, id).await?;
    let items = state
        .app
        .store()
        .work_items_of(id)
        .await
        .map_err(ServiceError::from)?;
    let deadlines = state
        .app
        .instance_deadlines(row.definition_id, &inst)
        .await?;
    Ok(Json(json!({
        "id": row.id, "definition_id": row.definition_id, "business_key": row.business_key, "status": inst.status,
        "variables": inst.vars, "suspended": inst.suspended_since.is_some(), "suspended_ms": inst.suspended_ms,
        "pauses": pauses_json(&inst), "deadlines": deadlines.iter().map(deadline_json).collect::<Vec<_>>(),
        "started_at": rfc3339(row.started_at_ms), "ended_at": row.ended_at_ms.map(rfc3339), "work_items": items,
    }))
    .into_response())
}

/// The instance's suspensions (RULES.md §1.4: start, end, reason); `end` is null while open.
fn pauses_json(inst: &fgf_engine::Instance) -> Vec<Value> {
    inst.pauses
        .iter()
        .map(|p| json!({ "start": rfc3339(p.start_ms), "end": p.end_ms.map(rfc3339), "reason": p.reason }))
        .collect()
}

/// A working-day deadline for the API; `warning` (Chinese, like the API's messages) is set when
/// a year was counted Monday–Friday for want of a holiday notice.
fn deadline_json(d: &fgf_app::process::InstanceDeadline) -> Value {
    json!({
        "timer": d.timer, "node": d.node, "exec": d.exec, "working_days": d.working_days,
        "due_date": d.due_date, "ends_at": d.ends_at, "due_at": rfc3339(d.due_at_ms),
        "paused_workdays": d.paused_workdays, "assumed_years": d.assumed_years,
        "warning": d.warning(Lang::Zh),
    })
}

/// A deadline as a page shows it: the due day and hour, the paused days, the warning.
fn deadline_cell(lang: Lang, d: &fgf_app::process::InstanceDeadline) -> Markup {
    html! {
        span { (t(lang, "deadline.due").replace("{0}", &d.due_date.to_string()).replace("{1}", &d.ends_at)) }
        " " span.muted { (t(lang, "deadline.working_days").replace("{0}", &d.working_days.to_string())) }
        @if d.paused_workdays > 0 { " · " span.muted { (t(lang, "deadline.paused").replace("{0}", &d.paused_workdays.to_string())) } }
        @if let Some(w) = d.warning(lang) { br; span.badge.warn role="note" { (w) } }
    }
}

pub async fn instance_history(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    state.app.instance_row(&actor, id).await?;
    let ev = state
        .app
        .store()
        .process_events(id)
        .await
        .map_err(ServiceError::from)?;
    let items: Vec<Value> = ev.iter().map(|e| json!({ "at": rfc3339(e.at_ms), "actor": e.actor, "comment": e.comment, "event": e.event })).collect();
    Ok(Json(json!({ "items": items, "total": items.len() })).into_response())
}

pub async fn instance_diagram(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(svg(state.app.process_diagram(&actor, id).await?))
}

#[derive(Deserialize)]
pub struct ControlBody {
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn control_instance(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ControlBody>,
) -> ApiResult {
    state
        .app
        .instance_control(&actor, id, &b.action, &b.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
pub struct InboxParams {
    #[serde(rename = "box")]
    which: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

pub async fn list_tasks(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<InboxParams>,
) -> ApiResult {
    let v = state
        .app
        .inbox(
            &actor,
            q.which.as_deref().unwrap_or("todo"),
            fgf_store::Page::new(q.page, q.per_page),
        )
        .await?;
    Ok(Json(v).into_response())
}

#[derive(Deserialize)]
pub struct TaskBody {
    #[serde(flatten)]
    op: TaskOp,
    #[serde(default)]
    comment: String,
}

pub async fn task_op(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TaskBody>,
) -> ApiResult {
    state.app.work_item_op(&actor, id, b.op, &b.comment).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn task_form(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(Json(state.app.work_item_form(&actor, id).await?).into_response())
}

#[derive(Deserialize)]
pub struct MessageBody {
    name: String,
    #[serde(default)]
    business_key: Option<String>,
    #[serde(default)]
    vars: Value,
}

pub async fn deliver_message(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(b): ApiJson<MessageBody>,
) -> ApiResult {
    let id = state
        .app
        .deliver_message(
            &actor,
            &b.name,
            b.business_key.as_deref(),
            vars_of(&b.vars)?,
        )
        .await?;
    Ok(Json(json!({ "instance_id": id })).into_response())
}

#[derive(Deserialize)]
pub struct SignalBody {
    name: String,
}

pub async fn broadcast_signal(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(b): ApiJson<SignalBody>,
) -> ApiResult {
    let ids = state.app.broadcast_signal(&actor, &b.name).await?;
    Ok(Json(json!({ "instances": ids, "total": ids.len() })).into_response())
}

pub async fn designer_compile(ApiJson(flow): ApiJson<Flow>) -> ApiResult {
    match fgf_engine::designer::to_bpmn(&flow) {
        Ok(xml) => Ok(Json(json!({ "bpmn": xml, "problems": [] })).into_response()),
        Err(errors) => Err(ServiceError::invalid("designer_invalid").arg(errors.len()).details(json!({ "problems": errors.iter().map(|e| json!({"node": e.node, "message": e.message})).collect::<Vec<_>>() })).into()),
    }
}

pub async fn designer_deploy(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(flow): ApiJson<Flow>,
) -> ApiResult {
    let xml = fgf_engine::designer::to_bpmn(&flow).map_err(|errors| ServiceError::invalid("designer_invalid").arg(errors.len()).details(json!({ "problems": errors.iter().map(|e| json!({"node": e.node, "message": e.message})).collect::<Vec<_>>() })))?;
    let designer = serde_json::to_string(&flow).map_err(ServiceError::internal)?;
    let d = state
        .app
        .deploy_process_as(&actor, &xml, Some(&designer), true)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(d))).into_response())
}

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
    let store = state.app.store();
    let me = actor.account.username.clone();
    let roles: Vec<String> = actor
        .grants
        .as_ref()
        .map(|g| g.role_codes().to_vec())
        .unwrap_or_default();
    let err = page_err(prefs);
    let mut todo = store
        .inbox_todo(&me, &roles, page)
        .await
        .map_err(|e| err(e.into()))?;
    if let Some(only) = q.instance {
        // Arriving from a notification: show that instance's tasks first.
        todo.items.sort_by_key(|w| w.instance_id != only);
    }
    let done = store
        .inbox_done(&me, page)
        .await
        .map_err(|e| err(e.into()))?;
    let copies = store
        .inbox_copies(&me, page)
        .await
        .map_err(|e| err(e.into()))?;
    let mut completed_by_instance = std::collections::BTreeMap::new();
    let mut deadlines_by_instance = std::collections::BTreeMap::new();
    for w in &todo.items {
        if completed_by_instance.contains_key(&w.instance_id) {
            continue;
        }
        if let Ok((row, inst)) = state.app.process_instance(&actor, w.instance_id).await {
            let deadlines = state
                .app
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
        .store()
        .list_process_definitions()
        .await
        .map_err(|e| page_err(prefs)(e.into()))?;
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
                    td { (if d.status == "published" { t(lang, "process.published") } else { t(lang, "process.draft") }) }
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
        .store()
        .get_process_definition(id)
        .await
        .map_err(|e| err(e.into()))?;
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
            dt { (t(lang, "process.version")) } dd { "v" (d.version) " · " (if d.status == "published" { t(lang, "process.published") } else { t(lang, "process.draft") }) }
        }
        div.diagram { (PreEscaped(svg_text)) }
        @if !found.is_empty() { h2 { (t(lang, "process.problems")) } ul.problems { @for p in &found { li { code { (p.element) } "：" (p.message) } } } }
        p {
            a href=(format!("/api/v1/processes/{}/bpmn", d.id)) { (t(lang, "process.download")) }
            @if d.designer.is_some() && actor.has(Permission::ProcessDesign) {
                " · " a href=(format!("/designer?from={}", d.id)) { (t(lang, "process.edit_in_designer")) }
            }
        }
        @if d.status == "published" {
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
        .store()
        .get_process_definition(id)
        .await
        .map_err(|e| err(e.into()))?;
    let vars_text = form.text("vars");
    let vars: Value = if vars_text.is_empty() {
        json!({})
    } else {
        serde_json::from_str(&vars_text).map_err(|e| err(crate::extract::json_error(&e)))?
    };
    let instance = state
        .app
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
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let (row, inst) = state.app.process_instance(&actor, id).await.map_err(&err)?;
    let svg_text = state.app.process_diagram(&actor, id).await.map_err(&err)?;
    let events = state
        .app
        .store()
        .process_events(id)
        .await
        .map_err(|e| err(e.into()))?;
    let deadlines = state
        .app
        .instance_deadlines(row.definition_id, &inst)
        .await
        .map_err(&err)?;
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
            ul.plain { @for d in &deadlines { li { code { (d.node) } " " (deadline_cell(lang, d)) } } }
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
                    (e.event.get("node").and_then(Value::as_str).unwrap_or("")) " "
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
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    state
        .app
        .instance_control(&actor, id, &form.text("action"), &form.text("reason"))
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to(&format!("/instances/{id}")).into_response())
}

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
                    DNode::Approval { name, approvers, mode, .. } => { span.tag { (t(lang, "designer.approval")) } " " strong { (name) } " · " (approvers_label(approvers)) " · " (mode_label(lang, mode)) }
                    DNode::Handle { name, approvers, .. } => { span.tag { (t(lang, "designer.handle")) } " " strong { (name) } " · " (approvers_label(approvers)) }
                    DNode::Copy { name, readers, .. } => { span.tag { (t(lang, "designer.copy")) } " " strong { (name) } " · " (approvers_label(readers)) }
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
}

fn approvers_label(a: &Approvers) -> String {
    match a {
        Approvers::Users(u) => u.join("、"),
        Approvers::Role(r) => format!("role:{r}"),
        Approvers::Department(d) => format!("dept:{d}"),
        Approvers::InitiatorLeader => "leader:initiator".to_owned(),
        Approvers::Expression(e) => e.clone(),
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
                .map(|(k, p)| format!("{k}={p}"))
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
                    input id="d-fields" name="fields" value=(v.fields) placeholder="amount=read, opinion=write, id_number=hidden";
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
                .store()
                .get_process_definition(id)
                .await
                .map_err(|e| page_err(prefs)(e.into()))?;
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
        match pair.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
            Some((k, v)) if !k.is_empty() && matches!(v, "read" | "write" | "hidden") => {
                fields.insert(k.to_owned(), v.to_owned());
            }
            _ => {
                return Err(bad(
                    "fields",
                    "字段权限须写作 字段=read|write|hidden，以逗号分隔",
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
            let result = match fgf_engine::designer::to_bpmn(&flow) {
                Ok(xml) => state
                    .app
                    .deploy_process_as(
                        &actor,
                        &xml,
                        Some(&serde_json::to_string(&flow).unwrap_or_default()),
                        true,
                    )
                    .await
                    .map_err(|e| e.message(lang)),
                Err(errors) => Err(errors
                    .iter()
                    .map(|e| format!("{}: {}", e.node, e.message))
                    .collect::<Vec<_>>()
                    .join("；")),
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

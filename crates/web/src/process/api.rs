//! The process API: definitions, instances with their history and diagram, work items and
//! their operations, messages and signals, and the designer's compile and deploy.

use super::dto;
use super::*;
use crate::base::dto::List;
use fgf_domain::process::InstanceId;
use utoipa::{IntoParams, ToSchema};

// ---- API ----

pub async fn list_processes(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let defs = state.app.process().definitions(&actor).await?;
    Ok(Json(List::<dto::Definition>::all(defs)).into_response())
}

#[derive(Deserialize, Default, IntoParams)]
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
        .process()
        .deploy_process_as(&actor, utf8(&body)?, None, q.publish)
        .await?;
    Ok((StatusCode::CREATED, Json(dto::Deployed::from(d))).into_response())
}

pub async fn check_process(body: Bytes) -> ApiResult {
    let xml = utf8(&body)?;
    let (def, problems) =
        fgf_engine::import(xml).map_err(|e| ServiceError::invalid("bpmn_invalid").arg(e))?;
    let found = fgf_engine::check(&def, &problems, None);
    Ok(Json(dto::Checked::new(found)).into_response())
}

pub async fn get_process(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let d = state.app.process().definition(&actor, id).await?;
    let (def, problems) = fgf_engine::import(&d.source).map_err(ServiceError::internal)?;
    let found = fgf_engine::check(&def, &problems, None);
    Ok(Json(dto::DefinitionDetail::new(d, found)).into_response())
}

pub async fn process_bpmn(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let d = state.app.process().definition(&actor, id).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        d.source,
    )
        .into_response())
}

pub async fn process_diagram(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let d = state.app.process().definition(&actor, id).await?;
    let inst = fgf_engine::Instance::new(&d.key);
    Ok(svg(fgf_app::process::diagram_svg(&d.source, &inst, &[])?))
}

#[derive(Deserialize, ToSchema)]
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
        .process()
        .start_process_as_with_record(&actor, &key, vars_of(&b.vars)?, record, &b.business_key)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(dto::Started {
            instance_id: id.get(),
        }),
    )
        .into_response())
}

pub async fn get_instance(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<InstanceId>,
) -> ApiResult {
    let (row, inst) = state.app.process().process_instance(&actor, id).await?;
    let items = state.app.process().instance_work_items(&actor, id).await?;
    let deadlines = state
        .app
        .process()
        .instance_deadlines(row.definition_id, &inst)
        .await?;
    Ok(Json(dto::Instance {
        id: row.id.get(),
        definition_id: row.definition_id,
        business_key: row.business_key,
        status: (&inst.status).into(),
        suspended: inst.suspended_since.is_some(),
        suspended_ms: inst.suspended_ms,
        // The instance's suspensions (RULES.md §1.4).
        pauses: inst
            .pauses
            .iter()
            .map(|p| dto::Pause {
                start: rfc3339(p.start_ms),
                end: p.end_ms.map(rfc3339),
                reason: p.reason.clone(),
            })
            .collect(),
        variables: inst.vars,
        deadlines: deadlines.iter().map(dto::Deadline::from).collect(),
        started_at: rfc3339(row.started_at_ms),
        ended_at: row.ended_at_ms.map(rfc3339),
        work_items: items.into_iter().map(dto::WorkItem::from).collect(),
    })
    .into_response())
}

/// A deadline as a page shows it: the due day and hour, the paused days, the warning.
pub(super) fn deadline_cell(lang: Lang, d: &fgf_app::process::InstanceDeadline) -> Markup {
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
    Path(id): Path<InstanceId>,
) -> ApiResult {
    let ev = state.app.process().instance_events(&actor, id).await?;
    Ok(Json(List::<dto::HistoryEvent>::all(ev)).into_response())
}

pub async fn instance_diagram(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<InstanceId>,
) -> ApiResult {
    Ok(svg(state.app.process().process_diagram(&actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ControlBody {
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn control_instance(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<InstanceId>,
    ApiJson(b): ApiJson<ControlBody>,
) -> ApiResult {
    state
        .app
        .process()
        .instance_control(&actor, id, &b.action, &b.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default, IntoParams)]
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
        .process()
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
    state
        .app
        .process()
        .work_item_op(&actor, id, b.op, &b.comment)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn task_form(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(Json(state.app.process().work_item_form(&actor, id).await?).into_response())
}

#[derive(Deserialize, ToSchema)]
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
        .process()
        .deliver_message(
            &actor,
            &b.name,
            b.business_key.as_deref(),
            vars_of(&b.vars)?,
        )
        .await?;
    Ok(Json(dto::Delivered {
        instance_id: id.get(),
    })
    .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct SignalBody {
    name: String,
}

pub async fn broadcast_signal(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(b): ApiJson<SignalBody>,
) -> ApiResult {
    let ids = state
        .app
        .process()
        .broadcast_signal(&actor, &b.name)
        .await?;
    Ok(Json(dto::Signalled {
        total: i64::try_from(ids.len()).unwrap_or(i64::MAX),
        instances: ids.into_iter().map(i64::from).collect(),
    })
    .into_response())
}

pub async fn designer_compile(ApiJson(flow): ApiJson<Flow>) -> ApiResult {
    match fgf_engine::designer::to_bpmn(&flow) {
        Ok(xml) => Ok(Json(dto::Compiled {
            bpmn: xml,
            problems: Vec::new(),
        })
        .into_response()),
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
        .process()
        .deploy_process_as(&actor, &xml, Some(&designer), true)
        .await?;
    Ok((StatusCode::CREATED, Json(dto::Deployed::from(d))).into_response())
}

//! Reform-task supervision (督) over HTTP: plans, tasks, progress reports and the board with
//! every task's status light.

use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use fgf_app::reform::{PlanInput, ReportInput, TaskInput};
use fgf_app::Actor;
use serde::Deserialize;
use serde_json::json;

type ApiResult = Result<Response, WebError>;

pub async fn create_plan(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(input): ApiJson<PlanInput>,
) -> ApiResult {
    let id = state.app.create_plan(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub async fn plan_tasks(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let items = state.app.plan_board(&actor, id).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

pub async fn add_task(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TaskInput>,
) -> ApiResult {
    let (task, warnings) = state.app.add_task(&actor, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": task, "warnings": warnings })),
    )
        .into_response())
}

pub async fn report_progress(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReportInput>,
) -> ApiResult {
    state.app.report_progress(&actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "task_id": id }))).into_response())
}

#[derive(Deserialize)]
pub struct ConfirmBody {
    confirm: bool,
    #[serde(default)]
    comment: String,
}

pub async fn confirm_completion(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ConfirmBody>,
) -> ApiResult {
    state
        .app
        .confirm_completion(&actor, id, b.confirm, &b.comment)
        .await?;
    Ok(Json(json!({ "task_id": id, "confirmed": b.confirm })).into_response())
}

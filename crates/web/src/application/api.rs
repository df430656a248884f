//! The applications API: handlers parse, call `app.application()`, render.

use super::dto;
use crate::base::api::idempotent;
use crate::base::dto::List;
use crate::error::WebError;
use crate::extract::{ApiJson, ApiQuery, IdemJson};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use fgf_app::application::{
    ApplicationInput, AssignInput, BarInput, DecisionInput, DeliveryInput, ExtensionInput,
    IntakeInput, LicenceStatusInput, LifeEventApplicationInput, LifeEventInput, OpinionInput,
    PauseInput, VisitInput, WindowInput,
};
use fgf_app::{Actor, ServiceError};
use fgf_domain::application::{ApplicationId, ApplicationStatus};
use fgf_store::application::ApplicationFilter;
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

type ApiResult = Result<Response, WebError>;

/// Which page of the list, and which status.
#[derive(Deserialize, Default, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// One of the statuses (`submitted`, `accepted` …).
    pub status: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Entering at the window accepts `Idempotency-Key` as applying online does.
pub async fn window(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    IdemJson { body, digest }: IdemJson<WindowInput>,
) -> ApiResult {
    idempotent(
        &state,
        &actor,
        &headers,
        "/api/v1/applications/window",
        &digest,
        async {
            let view = state
                .app
                .application()
                .enter_at_window(&actor, &body)
                .await?;
            Ok((StatusCode::CREATED, json!(dto::Application::from(view))))
        },
    )
    .await
}

/// Applying accepts `Idempotency-Key`: an applicant whose network drops and who submits
/// again gets the first application, not a second case.
pub async fn submit(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    IdemJson { body, digest }: IdemJson<ApplicationInput>,
) -> ApiResult {
    idempotent(
        &state,
        &actor,
        &headers,
        "/api/v1/applications",
        &digest,
        async {
            let view = state
                .app
                .application()
                .submit_application(&actor, &body)
                .await?;
            Ok((StatusCode::CREATED, json!(dto::Application::from(view))))
        },
    )
    .await
}

pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<ApplicationStatus>()
                .map_err(|_| ServiceError::field("invalid_field", "status", "未知的办件状态"))?,
        ),
    };
    let res = state
        .app
        .application()
        .applications(
            &actor,
            &ApplicationFilter {
                status,
                ..ApplicationFilter::default()
            },
            fgf_store::Page::new(q.page, q.per_page),
        )
        .await?;
    Ok(Json(List::<dto::Application>::page(res)).into_response())
}

pub async fn one(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
) -> ApiResult {
    let d = state.app.application().application(&actor, id).await?;
    Ok(Json(dto::ApplicationDetail::from(d)).into_response())
}

pub async fn intake(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<IntakeInput>,
) -> ApiResult {
    let view = state
        .app
        .application()
        .decide_intake(&actor, id, &input)
        .await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn supply(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(b): ApiJson<dto::SupplyBody>,
) -> ApiResult {
    let view = state
        .app
        .application()
        .supply(&actor, id, &b.note, &b.materials)
        .await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn pause(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<PauseInput>,
) -> ApiResult {
    let view = state
        .app
        .application()
        .pause_clock(&actor, id, &input)
        .await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn resume(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
) -> ApiResult {
    let view = state.app.application().resume_clock(&actor, id).await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn extend(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<ExtensionInput>,
) -> ApiResult {
    let view = state.app.application().extend(&actor, id, &input).await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn bar(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<BarInput>,
) -> ApiResult {
    let until = state
        .app
        .application()
        .bar_applicant(&actor, id, &input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(dto::Barred {
            until: until.to_string(),
        }),
    )
        .into_response())
}

pub async fn assign(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<AssignInput>,
) -> ApiResult {
    let view = state
        .app
        .application()
        .assign_review(&actor, id, &input)
        .await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn verify(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<OpinionInput>,
) -> ApiResult {
    let view = state.app.application().verify(&actor, id, &input).await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult {
    let view = state.app.application().decide(&actor, id, &input).await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn deliver(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<DeliveryInput>,
) -> ApiResult {
    let view = state.app.application().deliver(&actor, id, &input).await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn document(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, doc)): Path<(ApplicationId, i64)>,
) -> ApiResult {
    let d = state.app.application().document(&actor, id, doc).await?;
    Ok(Json(dto::Document::from(d)).into_response())
}

/// Which page of the licences.
#[derive(Deserialize, Default, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

pub async fn licences(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult {
    let res = state
        .app
        .application()
        .licences(&actor, fgf_store::Page::new(q.page, q.per_page))
        .await?;
    Ok(Json(List::<dto::Licence>::page(res)).into_response())
}

pub async fn licence(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(number): Path<String>,
) -> ApiResult {
    let l = state.app.application().licence(&actor, &number).await?;
    Ok(Json(dto::Licence::from(l)).into_response())
}

pub async fn update_draft(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> ApiResult {
    let view = state
        .app
        .application()
        .update_draft(&actor, id, &input)
        .await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn submit_draft(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
) -> ApiResult {
    let view = state.app.application().submit_draft(&actor, id).await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn reuse(State(state): State<AppState>, Extension(actor): Extension<Actor>) -> ApiResult {
    let rows = state.app.application().reuse_report(&actor).await?;
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let items = rows
        .into_iter()
        .map(|r| dto::Reuse {
            matter_code: r.matter_code,
            matter_name: r.matter_name,
            applications: r.applications,
            materials_reused: r.materials_reused,
        })
        .collect();
    Ok(Json(List::<dto::Reuse>::page(fgf_store::Paged { items, total })).into_response())
}

pub async fn overdue_reason(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(b): ApiJson<dto::ReasonBody>,
) -> ApiResult {
    let view = state
        .app
        .application()
        .set_overdue_reason(&actor, id, &b.reason)
        .await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

pub async fn licence_status(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<LicenceStatusInput>,
) -> ApiResult {
    let l = state
        .app
        .application()
        .set_licence_status(&actor, &number, &input)
        .await?;
    Ok(Json(dto::Licence::from(l)).into_response())
}

/// Which form of the export.
#[derive(Deserialize, Default, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// `json` (default) or `xlsx`.
    pub format: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> ApiResult {
    let uc = state.app.application();
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let items = uc.gbt_cases(&actor).await?;
            let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
            Ok(Json(json!({ "items": items, "total": total })).into_response())
        }
        "xlsx" => {
            let bytes = uc.gbt_cases_xlsx(&actor).await?;
            Ok((
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        "attachment; filename=\"cases-gbt39046.xlsx\"",
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        _ => Err(ServiceError::field("invalid_field", "format", "格式须为 json 或 xlsx").into()),
    }
}

pub async fn record_visit(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<VisitInput>,
) -> ApiResult {
    let rows = state
        .app
        .application()
        .record_visit(&actor, id, &input)
        .await?;
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let items = rows.into_iter().map(dto::Visit::from).collect();
    Ok((
        StatusCode::CREATED,
        Json(List::<dto::Visit>::page(fgf_store::Paged { items, total })),
    )
        .into_response())
}

pub async fn visits(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
) -> ApiResult {
    let rows = state.app.application().visits(&actor, id).await?;
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let items = rows.into_iter().map(dto::Visit::from).collect();
    Ok(Json(List::<dto::Visit>::page(fgf_store::Paged { items, total })).into_response())
}

pub async fn trips(State(state): State<AppState>, Extension(actor): Extension<Actor>) -> ApiResult {
    let rows = state.app.application().trips_report(&actor).await?;
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let items = rows
        .into_iter()
        .map(|t| dto::Trips {
            matter_code: t.matter_code,
            matter_name: t.matter_name,
            promised: t.promised,
            applications: t.applications,
            visits: t.visits,
            most: t.most,
            over_promise: t.over_promise,
        })
        .collect();
    Ok(Json(List::<dto::Trips>::page(fgf_store::Paged { items, total })).into_response())
}

pub async fn licence_revisions(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(number): Path<String>,
) -> ApiResult {
    let rows = state
        .app
        .application()
        .licence_revisions(&actor, &number)
        .await?;
    Ok(Json(List::<dto::LicenceRevision>::all(rows)).into_response())
}

pub async fn life_events(State(state): State<AppState>) -> ApiResult {
    let all = state.app.application().life_events().await?;
    Ok(Json(List::<dto::LifeEvent>::all(all)).into_response())
}

pub async fn life_event(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult {
    let e = state.app.application().life_event(&code).await?;
    Ok(Json(dto::LifeEvent::from(e)).into_response())
}

pub async fn put_life_event(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<LifeEventInput>,
) -> ApiResult {
    let e = state
        .app
        .application()
        .put_life_event(&actor, &code, &input)
        .await?;
    Ok(Json(dto::LifeEvent::from(e)).into_response())
}

/// Applying through a package accepts `Idempotency-Key`, as applying for one matter does.
pub async fn apply_life_event(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    IdemJson { body, digest }: IdemJson<LifeEventApplicationInput>,
) -> ApiResult {
    idempotent(
        &state,
        &actor,
        &headers,
        "/api/v1/life-event-cases",
        &digest,
        async {
            let case = state
                .app
                .application()
                .apply_life_event(&actor, &body.event, &body)
                .await?;
            Ok((StatusCode::CREATED, json!(dto::LifeEventCase::from(case))))
        },
    )
    .await
}

pub async fn life_event_cases(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let all = state.app.application().life_event_cases(&actor).await?;
    Ok(Json(List::<dto::LifeEventCase>::all(all)).into_response())
}

pub async fn life_event_case(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let c = state.app.application().life_event_case(&actor, id).await?;
    Ok(Json(dto::LifeEventCase::from(c)).into_response())
}

pub async fn check_commitment(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    ApiJson(input): ApiJson<fgf_app::application::CommitmentCheckInput>,
) -> ApiResult {
    let view = state
        .app
        .application()
        .check_commitment(&actor, id, &input)
        .await?;
    Ok(Json(dto::Application::from(view)).into_response())
}

//! JSON API handlers (`/api/v1`). Each parses, calls one use case and renders; permissions
//! were checked by the middleware from the route table, data scope is applied by the store.

use super::dto::{self, List};
use crate::error::WebError;
use crate::extract::{ApiJson, ApiQuery, IdemJson};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use fgf_app::base::auth::{LoginRequest, SessionKind};
use fgf_app::base::calendar::{parse_date, YearInput};
use fgf_app::base::org::DepartmentInput;
use fgf_app::base::users::{NewStaffInput, RegisterInput, UpdateUserInput};
use fgf_app::clock::rfc3339;
use fgf_app::{Actor, ServiceError};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use fgf_store::base::account::AccountQuery;
use fgf_store::base::audit::{AuditQuery, Verify};
use fgf_store::base::dict::DictItem;
use fgf_store::base::org::DepartmentQuery;
use fgf_store::base::session::LoginLogQuery;
use fgf_store::idem::IdemRecord;
use fgf_store::refusal::RefusalQuery;
use fgf_store::Page;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::future::Future;
use utoipa::{IntoParams, ToSchema};

type ApiResult = Result<Response, WebError>;

fn ok<T: Serialize>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

fn created<T: Serialize>(v: T) -> ApiResult {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// The body a creating request answers, kept as JSON for replaying it.
fn answer<T: Serialize>(status: StatusCode, v: T) -> Result<(StatusCode, Value), WebError> {
    Ok((
        status,
        serde_json::to_value(v).map_err(ServiceError::internal)?,
    ))
}

#[derive(Deserialize, Default, IntoParams)]
pub struct PageParams {
    page: Option<u32>,
    per_page: Option<u32>,
}

impl PageParams {
    fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }
}

/// Runs a creating request once per `Idempotency-Key`: a retry gets the first answer. The key
/// stands for one request: reused on another path it is a 409 `idempotency_mismatch`, reused
/// with another body a 422 `idempotency_key_reused` (replaying the first answer would tell
/// the client its second, different request was carried out). `body_digest` is the SM3 of
/// the body's canonical form.
pub(crate) async fn idempotent<F>(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    path: &str,
    body_digest: &str,
    run: F,
) -> ApiResult
where
    F: Future<Output = Result<(StatusCode, Value), WebError>>,
{
    let request_hash = fgf_domain::sm3_hex(format!("POST {path}\n{body_digest}").as_bytes());
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200);
    let Some(key) = key else {
        let (status, body) = run.await?;
        return Ok((status, Json(body)).into_response());
    };
    if let Some(prev) = state.app.base().find_idempotent(actor, key).await? {
        if prev.request_path != path {
            return Err(ServiceError::conflict("idempotency_mismatch").into());
        }
        // An empty hash is a row stored before hashes were kept (migration 0016).
        if !prev.request_hash.is_empty() && prev.request_hash != request_hash {
            return Err(ServiceError::invalid("idempotency_key_reused").into());
        }
        let status = StatusCode::from_u16(u16::try_from(prev.status).unwrap_or(200))
            .unwrap_or(StatusCode::OK);
        let body: Value = serde_json::from_str(&prev.body).unwrap_or(Value::Null);
        let mut res = (status, Json(body)).into_response();
        res.headers_mut().insert(
            "idempotent-replay",
            header::HeaderValue::from_static("true"),
        );
        return Ok(res);
    }
    let (status, body) = run.await?;
    state
        .app
        .base()
        .save_idempotent(
            actor,
            key,
            &IdemRecord {
                request_path: path.to_owned(),
                request_hash,
                status: i64::from(status.as_u16()),
                body: body.to_string(),
            },
        )
        .await?;
    Ok((status, Json(body)).into_response())
}

// ---- auth ----

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    username: String,
    password: String,
    #[serde(default)]
    totp: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    Extension(crate::ClientAddr(addr)): Extension<crate::ClientAddr>,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult {
    let res = state
        .app
        .base()
        .login(LoginRequest {
            username: &body.username,
            password: &body.password,
            totp: body.totp.as_deref(),
            source_addr: &addr,
            kind: SessionKind::Bearer,
        })
        .await?;
    ok(dto::LoginAnswer {
        token: res.token,
        expires_at: rfc3339(res.expires_at_ms),
        must_change_password: res.must_change_password,
        needs_totp_enrolment: res.needs_totp_enrolment,
    })
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    state.app.base().logout(&actor).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn me(State(state): State<AppState>, Extension(actor): Extension<Actor>) -> ApiResult {
    let view = state.app.base().me(&actor).await?;
    let permissions = actor
        .grants
        .as_ref()
        .map(|g| {
            g.permissions()
                .map(|(p, s)| dto::Grant {
                    permission: p.code().to_owned(),
                    scope: s.code().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    ok(dto::Me {
        account: view.into(),
        department_id: actor.department_id.map(i64::from),
        permissions,
        csrf_token: actor.csrf_token.clone(),
        expires_at: rfc3339(actor.expires_at_ms),
        must_change_password: actor.account.must_change_password,
        needs_totp_enrolment: actor.needs_totp_enrolment,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordBody {
    old_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(b): ApiJson<PasswordBody>,
) -> ApiResult {
    state
        .app
        .base()
        .change_password(&actor, &b.old_password, &b.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct DepartmentBody {
    #[schema(value_type = i64)]
    department_id: DepartmentId,
}

pub async fn switch_department(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(b): ApiJson<DepartmentBody>,
) -> ApiResult {
    state
        .app
        .base()
        .switch_department(&actor, b.department_id)
        .await?;
    ok(dto::DepartmentChosen {
        department_id: b.department_id.get(),
    })
}

pub async fn register(
    State(state): State<AppState>,
    Extension(crate::ClientAddr(addr)): Extension<crate::ClientAddr>,
    ApiJson(b): ApiJson<RegisterInput>,
) -> ApiResult {
    // The same answer whether or not the identity already had an account (see
    // `register_applicant`), so no account id is given back.
    state.app.base().register_applicant(&b, &addr).await?;
    created(dto::Registered {
        username: b.username.trim().to_owned(),
        status: "registered".to_owned(),
    })
}

/// Step one of an applicant's password recovery; the same answer whatever matched.
pub async fn recover_start(
    State(state): State<AppState>,
    Extension(crate::ClientAddr(addr)): Extension<crate::ClientAddr>,
    ApiJson(b): ApiJson<fgf_app::base::users::RecoverInput>,
) -> ApiResult {
    state.app.base().recover_start(&b, &addr).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(dto::Status {
            status: "sent_if_matched".to_owned(),
        }),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct RecoverConfirmBody {
    username: String,
    code: String,
    new_password: String,
}

pub async fn recover_confirm(
    State(state): State<AppState>,
    Extension(crate::ClientAddr(addr)): Extension<crate::ClientAddr>,
    ApiJson(b): ApiJson<RecoverConfirmBody>,
) -> ApiResult {
    state
        .app
        .base()
        .recover_confirm(&b.username, &b.code, &b.new_password, &addr)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- departments ----

#[derive(Deserialize, Default, IntoParams)]
pub struct DepartmentListParams {
    name: Option<String>,
    parent_id: Option<i64>,
    page: Option<u32>,
    per_page: Option<u32>,
}

pub async fn list_departments(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<DepartmentListParams>,
) -> ApiResult {
    let res = state
        .app
        .base()
        .list_departments(
            &actor,
            &DepartmentQuery {
                name: q.name,
                parent_id: q.parent_id.map(DepartmentId::new),
            },
            Page::new(q.page, q.per_page),
        )
        .await?;
    ok(List::<dto::Department>::page(res))
}

pub async fn create_department(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    IdemJson { body: b, digest }: IdemJson<DepartmentInput>,
) -> ApiResult {
    idempotent(
        &state,
        &actor,
        &headers,
        "/api/v1/departments",
        &digest,
        async {
            let d = state.app.base().create_department(&actor, &b).await?;
            answer(StatusCode::CREATED, dto::Department::from(d))
        },
    )
    .await
}

pub async fn get_department(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<DepartmentId>,
) -> ApiResult {
    ok(dto::Department::from(
        state.app.base().get_department(&actor, id).await?,
    ))
}

pub async fn update_department(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<DepartmentId>,
    ApiJson(b): ApiJson<DepartmentInput>,
) -> ApiResult {
    ok(dto::Department::from(
        state.app.base().update_department(&actor, id, &b).await?,
    ))
}

pub async fn delete_department(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<DepartmentId>,
) -> ApiResult {
    state.app.base().delete_department(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- users ----

#[derive(Deserialize, Default, IntoParams)]
pub struct UserListParams {
    q: Option<String>,
    #[param(value_type = Option<i64>)]
    department_id: Option<DepartmentId>,
    kind: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

pub async fn list_users(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<UserListParams>,
) -> ApiResult {
    let res = state
        .app
        .base()
        .list_users(
            &actor,
            &AccountQuery {
                text: q.q,
                department_id: q.department_id,
                kind: q.kind,
            },
            Page::new(q.page, q.per_page),
        )
        .await?;
    ok(List::<dto::User>::page(res))
}

pub async fn create_user(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    IdemJson { body: b, digest }: IdemJson<NewStaffInput>,
) -> ApiResult {
    idempotent(&state, &actor, &headers, "/api/v1/users", &digest, async {
        let v = state.app.base().create_staff(&actor, &b).await?;
        answer(StatusCode::CREATED, dto::User::from(v))
    })
    .await
}

#[derive(Deserialize, Default, IntoParams)]
pub struct UnmaskParam {
    #[serde(default)]
    unmask: bool,
}

pub async fn get_user(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    ApiQuery(q): ApiQuery<UnmaskParam>,
) -> ApiResult {
    ok(dto::User::from(
        state.app.base().get_user(&actor, id, q.unmask).await?,
    ))
}

pub async fn update_user(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    ApiJson(b): ApiJson<UpdateUserInput>,
) -> ApiResult {
    ok(dto::User::from(
        state.app.base().update_user(&actor, id, &b).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct PostBody {
    #[schema(value_type = i64)]
    department_id: DepartmentId,
    #[serde(default)]
    title: String,
}

pub async fn add_post(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    Path(id): Path<AccountId>,
    IdemJson { body: b, digest }: IdemJson<PostBody>,
) -> ApiResult {
    let path = format!("/api/v1/users/{id}/posts");
    idempotent(&state, &actor, &headers, &path, &digest, async {
        let v = state
            .app
            .base()
            .add_post(&actor, id, b.department_id, &b.title)
            .await?;
        answer(StatusCode::CREATED, dto::User::from(v))
    })
    .await
}

pub async fn remove_post(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, post_id)): Path<(AccountId, i64)>,
) -> ApiResult {
    ok(dto::User::from(
        state.app.base().remove_post(&actor, id, post_id).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct RolesBody {
    roles: Vec<String>,
}

pub async fn set_post_roles(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, post_id)): Path<(AccountId, i64)>,
    ApiJson(b): ApiJson<RolesBody>,
) -> ApiResult {
    ok(dto::User::from(
        state
            .app
            .base()
            .set_post_roles(&actor, id, post_id, &b.roles)
            .await?,
    ))
}

pub async fn unlock_user(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
) -> ApiResult {
    ok(dto::User::from(
        state.app.base().unlock_user(&actor, id).await?,
    ))
}

pub async fn reset_totp(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
) -> ApiResult {
    state.app.base().reset_totp(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ResetBody {
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    ApiJson(b): ApiJson<ResetBody>,
) -> ApiResult {
    ok(dto::User::from(
        state
            .app
            .base()
            .reset_password(&actor, id, &b.password)
            .await?,
    ))
}

pub async fn list_roles(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let roles = state.app.base().list_roles(&actor).await?;
    ok(List::<dto::Role>::all(roles))
}

// ---- audit ----

#[derive(Deserialize, Default, IntoParams)]
pub struct AuditParams {
    actor: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// Turns `from`/`to` dates (inclusive, local time) into a half-open millisecond range.
pub fn date_range(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<i64>, Option<i64>), ServiceError> {
    let to_ms = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_millis() - 8 * 3_600_000)
    };
    let from_ms = from
        .filter(|s| !s.is_empty())
        .map(parse_date)
        .transpose()?
        .and_then(to_ms);
    let to_ms = to
        .filter(|s| !s.is_empty())
        .map(parse_date)
        .transpose()?
        .and_then(|d| d.succ_opt())
        .and_then(to_ms);
    Ok((from_ms, to_ms))
}

pub async fn list_audit(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> ApiResult {
    let (from_ms, to_ms) = date_range(q.from.as_deref(), q.to.as_deref())?;
    let query = AuditQuery {
        actor: q.actor,
        object_type: q.object_type,
        object_id: q.object_id,
        action: q.action,
        from_ms,
        to_ms,
    };
    let res = state
        .app
        .base()
        .list_audit(&actor, &query, Page::new(q.page, q.per_page))
        .await?;
    ok(List::<dto::AuditEntry>::page(res))
}

pub async fn verify_audit(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    match state.app.base().verify_audit(&actor).await? {
        Verify::Intact { entries } => ok(dto::AuditVerify {
            intact: true,
            entries: Some(entries),
            first_bad_entry: None,
            problem: None,
        }),
        Verify::Broken { seq, problem } => ok(dto::AuditVerify {
            intact: false,
            entries: None,
            first_bad_entry: Some(seq),
            problem: Some(problem),
        }),
    }
}

#[derive(Deserialize, Default, IntoParams)]
pub struct LoginLogParams {
    username: Option<String>,
    outcome: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

pub async fn list_login_log(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<LoginLogParams>,
) -> ApiResult {
    let res = state
        .app
        .base()
        .login_log(
            &actor,
            &LoginLogQuery {
                username: q.username,
                outcome: q.outcome,
            },
            Page::new(q.page, q.per_page),
        )
        .await?;
    ok(List::<dto::LoginLogEntry>::page(res))
}

#[derive(Deserialize, Default, IntoParams)]
pub struct RefusalParams {
    username: Option<String>,
    address: Option<String>,
    code: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

impl RefusalParams {
    pub fn query(&self) -> Result<RefusalQuery, ServiceError> {
        let (from_ms, to_ms) = date_range(self.from.as_deref(), self.to.as_deref())?;
        Ok(RefusalQuery {
            username: self.username.clone(),
            address: self.address.clone(),
            code: self.code.clone(),
            from_ms,
            to_ms,
        })
    }
}

pub async fn list_refusals(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<RefusalParams>,
) -> ApiResult {
    let res = state
        .app
        .base()
        .list_refusals(&actor, &q.query()?, Page::new(q.page, q.per_page))
        .await?;
    ok(List::<dto::Refusal>::page(res))
}

// ---- calendar and identifiers ----

#[derive(Deserialize, IntoParams)]
pub struct DateParam {
    date: String,
}

pub async fn is_workday(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DateParam>,
) -> ApiResult {
    let d = parse_date(&q.date)?;
    let info = state.app.calendar().is_workday(d);
    let (kind, name) = match &info.kind {
        fgf_domain::DayKind::Workday => ("workday", None),
        fgf_domain::DayKind::Weekend => ("weekend", None),
        fgf_domain::DayKind::Holiday(name) => ("holiday", Some(name.clone())),
        fgf_domain::DayKind::MakeupWorkday => ("makeup_workday", None),
    };
    ok(dto::IsWorkday {
        date: d.to_string(),
        workday: info.workday,
        day: dto::Day {
            kind: kind.to_owned(),
            name,
        },
        year_known: info.year_known,
    })
}

#[derive(Deserialize, IntoParams)]
pub struct AddParams {
    date: String,
    n: String,
}

pub async fn add_workdays(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AddParams>,
) -> ApiResult {
    let d = parse_date(&q.date)?;
    let n: u32 =
        q.n.trim()
            .parse()
            .map_err(|_| ServiceError::invalid("number_invalid").arg(&q.n))?;
    let dl = state.app.calendar().add_workdays(d, n);
    ok(dto::AddedWorkdays {
        start: d.to_string(),
        n,
        date: dl.date.to_string(),
        assumed_years: dl.assumed_years,
    })
}

#[derive(Deserialize, IntoParams)]
pub struct BetweenParams {
    from: String,
    to: String,
}

pub async fn workdays_between(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<BetweenParams>,
) -> ApiResult {
    let from = parse_date(&q.from)?;
    let to = parse_date(&q.to)?;
    let c = state.app.calendar().workdays_between(from, to);
    ok(dto::WorkdaysBetween {
        from: from.to_string(),
        to: to.to_string(),
        workdays: c.days,
        assumed_years: c.assumed_years,
    })
}

pub async fn calendar_years(State(state): State<AppState>) -> ApiResult {
    let cal = state.app.calendar();
    let items: Vec<dto::CalendarYear> = cal.years().map(calendar_year).collect();
    ok(dto::CalendarYears {
        total: i64::try_from(items.len()).unwrap_or(i64::MAX),
        items,
        makeup_days_count: cal.config().makeup_days_count,
    })
}

fn calendar_year(y: &fgf_domain::YearSchedule) -> dto::CalendarYear {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    dto::CalendarYear {
        year: y.year,
        document_no: y.document_no.clone(),
        holidays: count(y.holidays.len()),
        workdays: count(y.workdays.len()),
    }
}

pub async fn save_calendar_year(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(year): Path<i32>,
    ApiJson(b): ApiJson<YearInput>,
) -> ApiResult {
    let s = state
        .app
        .base()
        .save_calendar_year(&actor, year, &b)
        .await?;
    ok(calendar_year(&s))
}

#[derive(Deserialize, IntoParams)]
pub struct CodeParam {
    code: String,
}

pub async fn check_id(ApiQuery(q): ApiQuery<CodeParam>) -> ApiResult {
    ok(dto::IdCheck::from(fgf_domain::check_code(&q.code)))
}

// ---- dictionaries, notifications, files, jobs ----

pub async fn list_dictionaries(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let d = state.app.base().dictionaries(&actor).await?;
    ok(List::<dto::Dictionary>::all(d))
}

pub async fn get_dictionary(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
) -> ApiResult {
    ok(dto::Dictionary::from(
        state.app.base().dictionary(&actor, &code).await?,
    ))
}

#[derive(Deserialize)]
pub struct DictBody {
    name: String,
    items: Vec<DictItem>,
}

pub async fn save_dictionary(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<DictBody>,
) -> ApiResult {
    ok(dto::Dictionary::from(
        state
            .app
            .base()
            .save_dictionary(&actor, &code, &b.name, &b.items)
            .await?,
    ))
}

#[derive(Deserialize, Default, IntoParams)]
pub struct NotifParams {
    #[serde(default)]
    unread: bool,
    page: Option<u32>,
    per_page: Option<u32>,
}

pub async fn list_notifications(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<NotifParams>,
) -> ApiResult {
    let res = state
        .app
        .base()
        .list_notifications(&actor, q.unread, Page::new(q.page, q.per_page))
        .await?;
    ok(List::<dto::Notification>::page(res))
}

pub async fn read_notification(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    state.app.base().mark_notification_read(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default, IntoParams)]
pub struct UploadParams {
    name: Option<String>,
}

pub async fn upload_file(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<UploadParams>,
    body: Bytes,
) -> ApiResult {
    // The stored file depends on its name and its bytes.
    let name = q.name.as_deref().unwrap_or("file");
    let digest = fgf_domain::sm3_hex(format!("{name}\n{}", fgf_domain::sm3_hex(&body)).as_bytes());
    idempotent(&state, &actor, &headers, "/api/v1/files", &digest, async {
        let f = state.app.base().upload_file(&actor, name, &body).await?;
        answer(StatusCode::CREATED, dto::FileObject::from(f))
    })
    .await
}

pub async fn list_files(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult {
    let res = state.app.base().my_files(&actor, q.page()).await?;
    ok(List::<dto::FileObject>::page(res))
}

pub async fn download_file(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(hash): Path<String>,
) -> ApiResult {
    let (meta, bytes) = state.app.base().read_file(&actor, &hash).await?;
    Ok(attachment(&meta.original_name, bytes))
}

/// An uploaded file as a download: the type read from its content (never the one its
/// uploader claimed, which could be `text/html`), always an attachment, never sniffed by the
/// browser, and kept out of caches because evidence and applications hold personal data.
pub(crate) fn attachment(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
    );
    (
        [
            (
                header::CONTENT_TYPE,
                fgf_app::base::files::sniff_mime(&bytes).to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

pub async fn list_jobs(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult {
    let jobs = state
        .app
        .base()
        .list_jobs(&actor, i64::from(p.page().per_page))
        .await?;
    ok(dto::Jobs {
        total: i64::try_from(jobs.len()).unwrap_or(i64::MAX),
        items: jobs.into_iter().map(dto::Job::from).collect(),
        kinds: state
            .app
            .job_registry()
            .kinds()
            .map(str::to_owned)
            .collect(),
    })
}

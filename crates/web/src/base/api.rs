//! JSON API handlers (`/api/v1`). Each parses, calls one use case and renders; permissions
//! were checked by the middleware from the route table, data scope is applied by the store.

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
use fgf_store::base::account::AccountQuery;
use fgf_store::base::audit::{AuditQuery, Verify};
use fgf_store::base::dict::DictItem;
use fgf_store::base::org::{Department, DepartmentQuery};
use fgf_store::base::session::LoginLogQuery;
use fgf_store::idem::IdemRecord;
use fgf_store::refusal::RefusalQuery;
use fgf_store::Page;
use serde::Deserialize;
use serde_json::{json, Value};
use std::future::Future;

type ApiResult = Result<Response, WebError>;

fn ok(v: Value) -> ApiResult {
    Ok(Json(v).into_response())
}

fn created(v: Value) -> ApiResult {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[derive(Deserialize, Default)]
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
async fn idempotent<F>(
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
    let store = state.app.store();
    if let Some(prev) = store
        .find_idempotent(actor.account.id, key)
        .await
        .map_err(ServiceError::from)?
    {
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
    store
        .save_idempotent(
            actor.account.id,
            key,
            &IdemRecord {
                request_path: path.to_owned(),
                request_hash,
                status: i64::from(status.as_u16()),
                body: body.to_string(),
            },
            state.app.now_ms(),
        )
        .await
        .map_err(ServiceError::from)?;
    Ok((status, Json(body)).into_response())
}

// ---- auth ----

#[derive(Deserialize)]
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
    ok(json!({
        "token": res.token,
        "expires_at": rfc3339(res.expires_at_ms),
        "must_change_password": res.must_change_password,
        "needs_totp_enrolment": res.needs_totp_enrolment,
    }))
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
    let perms: Vec<Value> = actor
        .grants
        .as_ref()
        .map(|g| {
            g.permissions()
                .map(|(p, s)| json!({ "permission": p.code(), "scope": s.code() }))
                .collect()
        })
        .unwrap_or_default();
    ok(json!({
        "account": view,
        "department_id": actor.department_id,
        "permissions": perms,
        "csrf_token": actor.csrf_token,
        "expires_at": rfc3339(actor.expires_at_ms),
        "must_change_password": actor.account.must_change_password,
        "needs_totp_enrolment": actor.needs_totp_enrolment,
    }))
}

#[derive(Deserialize)]
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

#[derive(Deserialize)]
pub struct DepartmentBody {
    department_id: i64,
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
    ok(json!({ "department_id": b.department_id }))
}

pub async fn register(
    State(state): State<AppState>,
    Extension(crate::ClientAddr(addr)): Extension<crate::ClientAddr>,
    ApiJson(b): ApiJson<RegisterInput>,
) -> ApiResult {
    // The same answer whether or not the identity already had an account (see
    // `register_applicant`), so no account id is given back.
    state.app.base().register_applicant(&b, &addr).await?;
    created(json!({ "username": b.username.trim(), "status": "registered" }))
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
        Json(json!({ "status": "sent_if_matched" })),
    )
        .into_response())
}

#[derive(Deserialize)]
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

fn department_json(d: &Department) -> Value {
    json!({
        "id": d.id, "parent_id": d.parent_id, "code": d.code, "name": d.name, "kind": d.kind,
        "kind_label": fgf_app::base::org::department_kind_label(d.kind), "path": d.path, "sort": d.sort,
        "leader_account_id": d.leader_account_id,
        "created_at": rfc3339(d.created_at_ms), "updated_at": rfc3339(d.updated_at_ms),
    })
}

#[derive(Deserialize, Default)]
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
                parent_id: q.parent_id,
            },
            Page::new(q.page, q.per_page),
        )
        .await?;
    ok(
        json!({ "items": res.items.iter().map(department_json).collect::<Vec<_>>(), "total": res.total }),
    )
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
            Ok((StatusCode::CREATED, department_json(&d)))
        },
    )
    .await
}

pub async fn get_department(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    ok(department_json(
        &state.app.base().get_department(&actor, id).await?,
    ))
}

pub async fn update_department(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DepartmentInput>,
) -> ApiResult {
    ok(department_json(
        &state.app.base().update_department(&actor, id, &b).await?,
    ))
}

pub async fn delete_department(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    state.app.base().delete_department(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- users ----

#[derive(Deserialize, Default)]
pub struct UserListParams {
    q: Option<String>,
    department_id: Option<i64>,
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
    ok(json!({ "items": res.items, "total": res.total }))
}

pub async fn create_user(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    IdemJson { body: b, digest }: IdemJson<NewStaffInput>,
) -> ApiResult {
    idempotent(&state, &actor, &headers, "/api/v1/users", &digest, async {
        let v = state.app.base().create_staff(&actor, &b).await?;
        Ok((StatusCode::CREATED, json!(v)))
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct UnmaskParam {
    #[serde(default)]
    unmask: bool,
}

pub async fn get_user(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<UnmaskParam>,
) -> ApiResult {
    ok(json!(
        state.app.base().get_user(&actor, id, q.unmask).await?
    ))
}

pub async fn update_user(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<UpdateUserInput>,
) -> ApiResult {
    ok(json!(state.app.base().update_user(&actor, id, &b).await?))
}

#[derive(Deserialize)]
pub struct PostBody {
    department_id: i64,
    #[serde(default)]
    title: String,
}

pub async fn add_post(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    IdemJson { body: b, digest }: IdemJson<PostBody>,
) -> ApiResult {
    let path = format!("/api/v1/users/{id}/posts");
    idempotent(&state, &actor, &headers, &path, &digest, async {
        let v = state
            .app
            .base()
            .add_post(&actor, id, b.department_id, &b.title)
            .await?;
        Ok((StatusCode::CREATED, json!(v)))
    })
    .await
}

pub async fn remove_post(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, post_id)): Path<(i64, i64)>,
) -> ApiResult {
    ok(json!(
        state.app.base().remove_post(&actor, id, post_id).await?
    ))
}

#[derive(Deserialize)]
pub struct RolesBody {
    roles: Vec<String>,
}

pub async fn set_post_roles(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, post_id)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<RolesBody>,
) -> ApiResult {
    ok(json!(
        state
            .app
            .base()
            .set_post_roles(&actor, id, post_id, &b.roles)
            .await?
    ))
}

pub async fn unlock_user(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    ok(json!(state.app.base().unlock_user(&actor, id).await?))
}

pub async fn reset_totp(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    state.app.base().reset_totp(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
pub struct ResetBody {
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ResetBody>,
) -> ApiResult {
    ok(json!(
        state
            .app
            .base()
            .reset_password(&actor, id, &b.password)
            .await?
    ))
}

pub async fn list_roles(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let roles = state.app.base().list_roles(&actor).await?;
    ok(json!({ "items": roles, "total": roles.len() }))
}

// ---- audit ----

#[derive(Deserialize, Default)]
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
    let items: Vec<Value> = res
        .items
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq, "at": rfc3339(e.at_ms), "actor_account_id": e.actor_account_id, "actor": e.actor_name,
                "department_id": e.department_id, "source_addr": e.source_addr, "action": e.action,
                "object_type": e.object_type, "object_id": e.object_id, "changes": e.changes, "hash": e.hash,
            })
        })
        .collect();
    ok(json!({ "items": items, "total": res.total }))
}

pub async fn verify_audit(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    match state.app.base().verify_audit(&actor).await? {
        Verify::Intact { entries } => ok(json!({ "intact": true, "entries": entries })),
        Verify::Broken { seq, problem } => {
            ok(json!({ "intact": false, "first_bad_entry": seq, "problem": problem }))
        }
    }
}

#[derive(Deserialize, Default)]
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
    let scope = actor.scope(fgf_domain::base::permission::Permission::LoginLogRead)?;
    let res = state
        .app
        .store()
        .list_login_log(
            &scope,
            &LoginLogQuery {
                username: q.username,
                outcome: q.outcome,
            },
            Page::new(q.page, q.per_page),
        )
        .await
        .map_err(ServiceError::from)?;
    let items: Vec<Value> = res
        .items
        .iter()
        .map(|l| json!({ "id": l.id, "at": rfc3339(l.at_ms), "username": l.username, "account_id": l.account_id, "source_addr": l.source_addr, "outcome": l.outcome, "detail": l.detail }))
        .collect();
    ok(json!({ "items": items, "total": res.total }))
}

#[derive(Deserialize, Default)]
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
    let items: Vec<Value> = res
        .items
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "first_at": rfc3339(r.first_at_ms), "last_at": rfc3339(r.last_at_ms),
                "account_id": r.account_id, "username": r.username, "source_addr": r.source_addr,
                "method": r.method, "route": r.route, "object_id": r.object_id, "code": r.code,
                "count": r.count,
            })
        })
        .collect();
    ok(json!({ "items": items, "total": res.total }))
}

// ---- calendar and identifiers ----

#[derive(Deserialize)]
pub struct DateParam {
    date: String,
}

pub async fn is_workday(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DateParam>,
) -> ApiResult {
    let d = parse_date(&q.date)?;
    let info = state.app.calendar().is_workday(d);
    let kind = match &info.kind {
        fgf_domain::DayKind::Workday => json!({ "kind": "workday" }),
        fgf_domain::DayKind::Weekend => json!({ "kind": "weekend" }),
        fgf_domain::DayKind::Holiday(name) => json!({ "kind": "holiday", "name": name }),
        fgf_domain::DayKind::MakeupWorkday => json!({ "kind": "makeup_workday" }),
    };
    ok(
        json!({ "date": d.to_string(), "workday": info.workday, "day": kind, "year_known": info.year_known }),
    )
}

#[derive(Deserialize)]
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
    ok(
        json!({ "start": d.to_string(), "n": n, "date": dl.date.to_string(), "assumed_years": dl.assumed_years }),
    )
}

#[derive(Deserialize)]
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
    ok(
        json!({ "from": from.to_string(), "to": to.to_string(), "workdays": c.days, "assumed_years": c.assumed_years }),
    )
}

pub async fn calendar_years(State(state): State<AppState>) -> ApiResult {
    let cal = state.app.calendar();
    let years: Vec<Value> = cal
        .years()
        .map(|y| json!({ "year": y.year, "document_no": y.document_no, "holidays": y.holidays.len(), "workdays": y.workdays.len() }))
        .collect();
    ok(
        json!({ "items": years, "total": years.len(), "makeup_days_count": cal.config().makeup_days_count }),
    )
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
    ok(
        json!({ "year": s.year, "document_no": s.document_no, "holidays": s.holidays.len(), "workdays": s.workdays.len() }),
    )
}

#[derive(Deserialize)]
pub struct CodeParam {
    code: String,
}

pub async fn check_id(ApiQuery(q): ApiQuery<CodeParam>) -> ApiResult {
    ok(json!(fgf_domain::check_code(&q.code)))
}

// ---- dictionaries, notifications, files, jobs ----

pub async fn list_dictionaries(State(state): State<AppState>) -> ApiResult {
    let d = state
        .app
        .store()
        .list_dictionaries()
        .await
        .map_err(ServiceError::from)?;
    ok(json!({ "items": d, "total": d.len() }))
}

pub async fn get_dictionary(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult {
    ok(json!(state
        .app
        .store()
        .get_dictionary(&code)
        .await
        .map_err(ServiceError::from)?))
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
    ok(json!(
        state
            .app
            .base()
            .save_dictionary(&actor, &code, &b.name, &b.items)
            .await?
    ))
}

#[derive(Deserialize, Default)]
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
    let items: Vec<Value> = res
        .items
        .iter()
        .map(|n| json!({ "id": n.id, "title": n.title, "body": n.body, "link": n.link, "created_at": rfc3339(n.created_at_ms), "read_at": n.read_at_ms.map(rfc3339) }))
        .collect();
    ok(json!({ "items": items, "total": res.total }))
}

pub async fn read_notification(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    state.app.base().mark_notification_read(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
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
        Ok((StatusCode::CREATED, json!(f)))
    })
    .await
}

pub async fn list_files(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult {
    let res = state.app.base().my_files(&actor, q.page()).await?;
    ok(json!({ "items": res.items, "total": res.total }))
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
    actor.scope(fgf_domain::base::permission::Permission::JobRead)?;
    let jobs = state
        .app
        .store()
        .list_jobs(i64::from(p.page().per_page))
        .await
        .map_err(ServiceError::from)?;
    ok(
        json!({ "items": jobs, "total": jobs.len(), "kinds": state.app.job_registry().kinds().collect::<Vec<_>>() }),
    )
}

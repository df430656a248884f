//! What the base's API takes and answers: one type per JSON body, deriving `ToSchema` so the
//! OpenAPI document describes exactly what the handlers send. Store rows and app types are
//! mirrored here with a field copy (`From`), never annotated in their own crates.

use fgf_app::clock::rfc3339;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A domain enum's serialised text (`snake_case` codes), for DTO fields typed `String`.
pub(crate) fn text_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// `{"items": [...], "total": n}`: every plain list. Routes declare it with `returns_list`.
#[derive(Serialize)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> List<T> {
    /// A whole list (not paged): `total` is its length.
    pub fn all<S>(items: impl IntoIterator<Item = S>) -> Self
    where
        T: From<S>,
    {
        let items: Vec<T> = items.into_iter().map(T::from).collect();
        let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
        List { items, total }
    }

    /// One page of a longer list.
    pub fn page<S>(page: fgf_store::Paged<S>) -> Self
    where
        T: From<S>,
    {
        List {
            items: page.items.into_iter().map(T::from).collect(),
            total: page.total,
        }
    }
}

/// `/healthz`: `ok`, or `unavailable` (503) when the store does not answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}

// ---- auth ----

#[derive(Serialize, ToSchema)]
pub struct LoginAnswer {
    pub token: String,
    pub expires_at: String,
    pub must_change_password: bool,
    pub needs_totp_enrolment: bool,
}

/// One permission the caller holds, with the data scope it holds it in.
#[derive(Serialize, ToSchema)]
pub struct Grant {
    pub permission: String,
    pub scope: String,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub account: User,
    pub department_id: Option<i64>,
    pub permissions: Vec<Grant>,
    pub csrf_token: String,
    pub expires_at: String,
    pub must_change_password: bool,
    pub needs_totp_enrolment: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentChosen {
    pub department_id: i64,
}

/// Always `registered`, whether or not the identity had an account already.
#[derive(Serialize, ToSchema)]
pub struct Registered {
    pub username: String,
    pub status: String,
}

/// Always `sent_if_matched`, whatever matched.
#[derive(Serialize, ToSchema)]
pub struct Status {
    pub status: String,
}

/// Mirrors `fgf_app::base::users::RegisterInput`, which the handler reads.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RegisterBody {
    /// `citizen` or `enterprise`.
    kind: String,
    username: String,
    password: String,
    display_name: String,
    resident_id: Option<String>,
    uscc: Option<String>,
    phone: Option<String>,
}

/// Mirrors `fgf_app::base::users::RecoverInput`, which the handler reads.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RecoverBody {
    username: String,
    resident_id: Option<String>,
    uscc: Option<String>,
    phone: String,
}

// ---- departments ----

#[derive(Serialize, ToSchema)]
pub struct Department {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub path: String,
    pub sort: i64,
    pub leader_account_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&fgf_store::base::org::Department> for Department {
    fn from(d: &fgf_store::base::org::Department) -> Self {
        Department {
            id: d.id.get(),
            parent_id: d.parent_id.map(i64::from),
            code: d.code.clone(),
            name: d.name.clone(),
            kind: d.kind.clone().to_string(),
            kind_label: fgf_app::base::org::department_kind_label(d.kind).to_owned(),
            path: d.path.clone(),
            sort: d.sort,
            leader_account_id: d.leader_account_id.map(i64::from),
            created_at: rfc3339(d.created_at_ms),
            updated_at: rfc3339(d.updated_at_ms),
        }
    }
}

impl From<fgf_store::base::org::Department> for Department {
    fn from(d: fgf_store::base::org::Department) -> Self {
        Department::from(&d)
    }
}

/// Mirrors `fgf_app::base::org::DepartmentInput`, which the handler reads.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DepartmentInput {
    parent_id: Option<i64>,
    code: String,
    name: String,
    kind: String,
    #[schema(required = false)]
    sort: i64,
    leader_account_id: Option<i64>,
}

// ---- users ----

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub status: String,
    pub phone: Option<String>,
    pub resident_id: Option<String>,
    pub uscc: Option<String>,
    pub locked: bool,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    /// True when `phone` and `resident_id` are shown in full.
    pub unmasked: bool,
    pub posts: Vec<Post>,
}

impl From<fgf_app::base::users::UserView> for User {
    fn from(u: fgf_app::base::users::UserView) -> Self {
        User {
            id: u.id.get(),
            username: u.username,
            display_name: u.display_name,
            kind: u.kind.to_string(),
            status: u.status.to_string(),
            phone: u.phone,
            resident_id: u.resident_id,
            uscc: u.uscc,
            locked: u.locked,
            must_change_password: u.must_change_password,
            totp_enabled: u.totp_enabled,
            unmasked: u.unmasked,
            posts: u.posts.into_iter().map(Post::from).collect(),
        }
    }
}

/// A post (任职) of an account in a department, with its roles.
#[derive(Serialize, ToSchema)]
pub struct Post {
    pub id: i64,
    pub account_id: i64,
    pub department_id: i64,
    pub department_name: String,
    pub is_primary: bool,
    pub title: String,
    pub role_codes: Vec<String>,
    pub role_names: Vec<String>,
}

impl From<fgf_store::base::account::Post> for Post {
    fn from(p: fgf_store::base::account::Post) -> Self {
        Post {
            id: p.id,
            account_id: p.account_id.get(),
            department_id: p.department_id.get(),
            department_name: p.department_name,
            is_primary: p.is_primary,
            title: p.title,
            role_codes: p.role_codes,
            role_names: p.role_names,
        }
    }
}

/// Mirrors `fgf_app::base::users::NewStaffInput`, which the handler reads.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewStaffBody {
    username: String,
    display_name: String,
    password: String,
    phone: Option<String>,
    department_id: i64,
    #[schema(required = false)]
    title: String,
}

/// Mirrors `fgf_app::base::users::UpdateUserInput`, which the handler reads.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UpdateUserBody {
    display_name: String,
    phone: Option<String>,
    status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Role {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub data_scope: String,
    pub admin_duty: Option<String>,
    pub permissions: Vec<String>,
}

impl From<fgf_store::base::account::Role> for Role {
    fn from(r: fgf_store::base::account::Role) -> Self {
        Role {
            id: r.id,
            code: r.code,
            name: r.name,
            data_scope: r.data_scope.code().to_owned(),
            admin_duty: r.admin_duty.map(|d| d.code().to_owned()),
            permissions: r.permissions.iter().map(|p| p.code().to_owned()).collect(),
        }
    }
}

// ---- audit and logs ----

/// One changed field; `before`/`after` are null when the field was absent on that side.
#[derive(Serialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl From<fgf_domain::base::audit::FieldChange> for FieldChange {
    fn from(c: fgf_domain::base::audit::FieldChange) -> Self {
        FieldChange {
            field: c.field,
            before: c.before,
            after: c.after,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_account_id: Option<i64>,
    pub actor: String,
    pub department_id: Option<i64>,
    pub source_addr: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub changes: Vec<FieldChange>,
    pub hash: String,
}

impl From<fgf_store::base::audit::AuditEntry> for AuditEntry {
    fn from(e: fgf_store::base::audit::AuditEntry) -> Self {
        AuditEntry {
            seq: e.seq,
            at: rfc3339(e.at_ms),
            actor_account_id: e.actor_account_id.map(i64::from),
            actor: e.actor_name,
            department_id: e.department_id.map(i64::from),
            source_addr: e.source_addr,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            changes: e.changes.into_iter().map(FieldChange::from).collect(),
            hash: e.hash,
        }
    }
}

/// The chain's state: intact with its length, or broken at an entry.
#[derive(Serialize, ToSchema)]
pub struct AuditVerify {
    pub intact: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_bad_entry: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LoginLogEntry {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub account_id: Option<i64>,
    pub source_addr: String,
    pub outcome: String,
    pub detail: String,
}

impl From<fgf_store::base::session::LoginLog> for LoginLogEntry {
    fn from(l: fgf_store::base::session::LoginLog) -> Self {
        LoginLogEntry {
            id: l.id,
            at: rfc3339(l.at_ms),
            username: l.username,
            account_id: l.account_id.map(i64::from),
            source_addr: l.source_addr,
            outcome: l.outcome.to_string(),
            detail: l.detail,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Refusal {
    pub id: i64,
    pub first_at: String,
    pub last_at: String,
    pub account_id: Option<i64>,
    pub username: String,
    pub source_addr: String,
    pub method: String,
    pub route: String,
    pub object_id: String,
    pub code: String,
    pub count: i64,
}

impl From<fgf_store::refusal::Refusal> for Refusal {
    fn from(r: fgf_store::refusal::Refusal) -> Self {
        Refusal {
            id: r.id,
            first_at: rfc3339(r.first_at_ms),
            last_at: rfc3339(r.last_at_ms),
            account_id: r.account_id.map(i64::from),
            username: r.username,
            source_addr: r.source_addr,
            method: r.method,
            route: r.route,
            object_id: r.object_id,
            code: r.code,
            count: r.count,
        }
    }
}

// ---- calendar and identifiers ----

/// `workday`, `weekend`, `holiday` (with the festival's `name`) or `makeup_workday`.
#[derive(Serialize, ToSchema)]
pub struct Day {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IsWorkday {
    pub date: String,
    pub workday: bool,
    pub day: Day,
    pub year_known: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AddedWorkdays {
    pub start: String,
    pub n: u32,
    pub date: String,
    /// Years counted Monday–Friday for want of a holiday notice.
    pub assumed_years: Vec<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkdaysBetween {
    pub from: String,
    pub to: String,
    pub workdays: i64,
    pub assumed_years: Vec<i32>,
}

/// A year of the calendar: its notice and how many holidays and make-up workdays it has.
#[derive(Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    pub document_no: String,
    pub holidays: i64,
    pub workdays: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarYears {
    pub items: Vec<CalendarYear>,
    pub total: i64,
    pub makeup_days_count: bool,
}

/// Mirrors `fgf_app::base::calendar::YearInput`, which the handler reads.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct YearBody {
    document_no: String,
    /// Holiday date → festival name.
    holidays: std::collections::BTreeMap<String, String>,
    workdays: Vec<String>,
}

/// A USCC or resident ID check.
#[derive(Serialize, ToSchema)]
pub struct IdCheck {
    /// The input trimmed and upper-cased.
    pub code: String,
    /// `uscc` or `resident_id`: the standard met, or the best guess.
    pub kind: Option<String>,
    pub valid: bool,
    pub reason: Option<String>,
}

impl From<fgf_domain::IdCheck> for IdCheck {
    fn from(c: fgf_domain::IdCheck) -> Self {
        IdCheck {
            code: c.code,
            kind: c.kind.as_ref().map(text_of),
            valid: c.valid,
            reason: c.reason,
        }
    }
}

// ---- dictionaries, notifications, files, jobs ----

#[derive(Serialize, ToSchema)]
pub struct DictItem {
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub sort: i64,
    pub enabled: bool,
}

impl From<fgf_store::base::dict::DictItem> for DictItem {
    fn from(i: fgf_store::base::dict::DictItem) -> Self {
        DictItem {
            code: i.code,
            label: i.label,
            label_en: i.label_en,
            sort: i.sort,
            enabled: i.enabled,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Dictionary {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub version: i64,
    pub items: Vec<DictItem>,
}

impl From<fgf_store::base::dict::Dictionary> for Dictionary {
    fn from(d: fgf_store::base::dict::Dictionary) -> Self {
        Dictionary {
            id: d.id,
            code: d.code,
            name: d.name,
            version: d.version,
            items: d.items.into_iter().map(DictItem::from).collect(),
        }
    }
}

/// The new items of a dictionary (`items` as `DictItem`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DictBodySchema {
    name: String,
    items: Vec<DictItem>,
}

#[derive(Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

impl From<fgf_store::base::notify::Notification> for Notification {
    fn from(n: fgf_store::base::notify::Notification) -> Self {
        Notification {
            id: n.id,
            title: n.title,
            body: n.body,
            link: n.link,
            created_at: rfc3339(n.created_at_ms),
            read_at: n.read_at_ms.map(rfc3339),
        }
    }
}

/// A stored file, named by the SM3 of its content.
#[derive(Serialize, ToSchema)]
pub struct FileObject {
    pub content_hash: String,
    pub size: i64,
    pub mime: String,
    pub original_name: String,
    pub uploaded_by: Option<i64>,
    pub created_at_ms: i64,
}

impl From<fgf_store::base::file::FileObject> for FileObject {
    fn from(f: fgf_store::base::file::FileObject) -> Self {
        FileObject {
            content_hash: f.content_hash,
            size: f.size,
            mime: f.mime,
            original_name: f.original_name,
            uploaded_by: f.uploaded_by.map(i64::from),
            created_at_ms: f.created_at_ms,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: Value,
    pub run_at_ms: i64,
    /// `pending`, `running`, `done` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_error: String,
}

impl From<fgf_store::job::Job> for Job {
    fn from(j: fgf_store::job::Job) -> Self {
        Job {
            id: j.id,
            kind: j.kind,
            payload: j.payload,
            run_at_ms: j.run_at_ms,
            status: j.status.to_string(),
            attempts: j.attempts,
            last_error: j.last_error,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Jobs {
    pub items: Vec<Job>,
    pub total: i64,
    /// The job kinds this node runs.
    pub kinds: Vec<String>,
}

//! The base every part stands on: accounts, posts and roles, sessions, departments, the audit
//! chain, calendar years, dictionaries, stored files and notifications.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod dict;
pub mod file;
pub mod notify;
pub mod org;
pub mod session;

/// This part's tables in the backup, in an order that satisfies every foreign key on insert:
/// (table, order by, identity column to resynchronise on PostgreSQL).
pub const TABLES: crate::backup::Tables = &[
    ("department", "path", Some("department_id")),
    ("account", "account_id", Some("account_id")),
    ("post", "post_id", Some("post_id")),
    ("recovery_code", "account_id", None),
    (
        "password_history",
        "password_history_id",
        Some("password_history_id"),
    ),
    ("role", "role_id", Some("role_id")),
    ("role_permission", "role_id, permission", None),
    ("post_role", "post_id, role_id", None),
    ("session", "session_id", None),
    ("login_log", "login_log_id", Some("login_log_id")),
    (
        "refused_attempt",
        "refused_attempt_id",
        Some("refused_attempt_id"),
    ),
    ("audit_entry", "audit_entry_id", Some("audit_entry_id")),
    ("audit_head", "audit_head_id", None),
    ("dictionary", "dictionary_id", Some("dictionary_id")),
    (
        "dictionary_item",
        "dictionary_item_id",
        Some("dictionary_item_id"),
    ),
    (
        "dictionary_version",
        "dictionary_version_id",
        Some("dictionary_version_id"),
    ),
    ("calendar_year", "year", None),
    ("notification", "notification_id", Some("notification_id")),
    ("outbox", "outbox_id", Some("outbox_id")),
    ("notification_delivery", "notification_id, sender", None),
    ("job", "job_id", Some("job_id")),
    ("file_object", "content_hash", None),
    ("idempotency", "account_id, idem_key", None),
    ("bench_row", "bench_row_id", Some("bench_row_id")),
];

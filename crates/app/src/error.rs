//! The use-case error: a kind that decides the HTTP status (in `web`) or the exit code (in
//! the CLI), a stable machine-readable code, and a message from the catalogue in Chinese and
//! English that says what to fix.

use crate::i18n::{self, Lang};
use fgf_store::StoreError;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed or breaks a rule (400/422).
    Invalid,
    /// No valid session or credentials (401).
    Unauthenticated,
    /// Known caller, action not allowed (403).
    Forbidden,
    /// The record does not exist or is outside the caller's data scope (404).
    NotFound,
    /// The state does not allow it, or a unique value is taken (409).
    Conflict,
    /// The account is locked (423).
    Locked,
    /// Too many attempts from the caller's address; try again later (429).
    TooManyRequests,
    /// The path exists, but not with this method (405).
    MethodNotAllowed,
    /// Try again later (503).
    Unavailable,
    /// A bug; the message is generic (500).
    Internal,
}

#[derive(Debug, Clone)]
pub struct ServiceError {
    pub kind: ErrorKind,
    pub code: &'static str,
    /// The catalogue entry to show when it is not the code's own (a variant wording).
    wording: Option<&'static str>,
    args: Vec<String>,
    pub details: Option<Value>,
}

impl ServiceError {
    pub fn new(kind: ErrorKind, code: &'static str) -> ServiceError {
        ServiceError {
            kind,
            code,
            wording: None,
            args: Vec::new(),
            details: None,
        }
    }

    pub fn invalid(code: &'static str) -> ServiceError {
        ServiceError::new(ErrorKind::Invalid, code)
    }

    pub fn forbidden(code: &'static str) -> ServiceError {
        ServiceError::new(ErrorKind::Forbidden, code)
    }

    pub fn not_found(code: &'static str) -> ServiceError {
        ServiceError::new(ErrorKind::NotFound, code)
    }

    pub fn conflict(code: &'static str) -> ServiceError {
        ServiceError::new(ErrorKind::Conflict, code)
    }

    pub fn internal(detail: impl std::fmt::Display) -> ServiceError {
        tracing::error!(%detail, "internal error");
        ServiceError::new(ErrorKind::Internal, "internal_error")
    }

    /// Fills the `{0}`, `{1}` … placeholders of the catalogue message.
    #[must_use]
    pub fn arg(mut self, a: impl ToString) -> ServiceError {
        self.args.push(a.to_string());
        self
    }

    /// Shows the catalogue entry `key` instead of the code's own: a more precise wording of
    /// the same error (the code, which clients act on, stays the same).
    #[must_use]
    pub fn worded(mut self, key: &'static str) -> ServiceError {
        self.wording = Some(key);
        self
    }

    #[must_use]
    pub fn details(mut self, d: Value) -> ServiceError {
        self.details = Some(d);
        self
    }

    /// A validation error naming the field, with the field's own message.
    pub fn field(code: &'static str, field: &str, message_zh: &str) -> ServiceError {
        ServiceError::invalid(code)
            .arg(field)
            .arg(message_zh)
            .details(serde_json::json!({ "field": field, "reason": message_zh }))
    }

    pub fn message(&self, lang: Lang) -> String {
        let mut m = i18n::t(lang, self.wording.unwrap_or(self.code)).to_owned();
        for (i, a) in self.args.iter().enumerate() {
            m = m.replace(&format!("{{{i}}}"), a);
        }
        m
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message(Lang::En))
    }
}

impl std::error::Error for ServiceError {}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => {
                ServiceError::not_found("not_found").arg(entity).arg(id)
            }
            StoreError::Conflict { constraint } => {
                let code = match constraint.as_str() {
                    "account_username_key" | "account_username_lower_key" => "username_taken",
                    "department_code_key" => "department_code_taken",
                    "account_resident_id_hmac_key" => "resident_id_registered",
                    "account_uscc_key" => "uscc_registered",
                    "post_account_id_department_id_key" => "post_exists",
                    "department_not_empty" => "department_not_empty",
                    _ => "conflict",
                };
                // The constraint's name describes the schema: it goes to the log, not the
                // answer, which the code already makes precise.
                tracing::debug!(%constraint, code, "unique or guard conflict");
                ServiceError::conflict(code)
            }
            StoreError::Reference(m) => {
                // The database's own message stays in the log.
                tracing::debug!(%m, "foreign key violation");
                ServiceError::invalid("reference_invalid")
            }
            StoreError::Invalid(m) => ServiceError::invalid("invalid_request").arg(m),
            StoreError::Unavailable(m) => {
                tracing::warn!(%m, "store unavailable");
                ServiceError::new(ErrorKind::Unavailable, "store_unavailable")
            }
            StoreError::Internal(m) => ServiceError::internal(m),
            e @ StoreError::Unreadable { .. } => ServiceError::internal(e),
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

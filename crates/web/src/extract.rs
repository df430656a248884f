//! Extractors that turn malformed input into the API's error envelope (never axum's plain
//! text rejections), and the page form extractor that checks the CSRF token.

use crate::error::WebError;
use crate::routes::Surface;
use crate::Prefs;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use fgf_app::{Actor, Lang, ServiceError};
use serde::de::DeserializeOwned;

/// Reads one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The field a serde message names (``missing field `x` ``, ``unknown field `x` ``), if any.
/// Only the name is passed on: the libraries' own wording never reaches an answer, because it
/// describes our types and parsers to whoever probes them.
fn named_field(message: &str) -> Option<(&'static str, String)> {
    for (marker, kind) in [
        ("missing field `", "missing"),
        ("unknown field `", "unknown"),
    ] {
        if let Some(rest) = message.split_once(marker).map(|(_, r)| r) {
            let name: String = rest.chars().take_while(|c| *c != '`').take(64).collect();
            if !name.is_empty() {
                return Some((kind, name));
            }
        }
    }
    None
}

/// A JSON body that cannot be read, as `invalid_json` in the catalogue's words: where it broke
/// (line and column) or which field serde names, never serde's message.
pub fn json_error(e: &serde_json::Error) -> ServiceError {
    let err = ServiceError::invalid("invalid_json");
    match named_field(&e.to_string()) {
        Some((kind, field)) => err
            .worded(if kind == "missing" {
                "invalid_json.missing_field"
            } else {
                "invalid_json.unknown_field"
            })
            .arg(&field)
            .details(serde_json::json!({ "field": field })),
        None => err
            .worded(if e.is_data() {
                "invalid_json.value"
            } else {
                "invalid_json"
            })
            .details(serde_json::json!({ "line": e.line(), "column": e.column() })),
    }
}

/// A query string that cannot be read, as `invalid_query` naming at most the field.
fn query_error(e: &serde_urlencoded::de::Error) -> ServiceError {
    match named_field(&e.to_string()) {
        Some((_, field)) => ServiceError::invalid("invalid_query")
            .worded("invalid_query.field")
            .arg(&field)
            .details(serde_json::json!({ "field": field })),
        None => ServiceError::invalid("invalid_query"),
    }
}

/// JSON body for the API; a syntax or shape error is a 400 `invalid_json` saying where.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            tracing::debug!(error = %e.body_text(), "unreadable request body");
            WebError::api(ServiceError::invalid("invalid_json"))
        })?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| WebError::api(json_error(&e)))
    }
}

/// A JSON body for a creating request that accepts `Idempotency-Key`: the parsed body and the
/// SM3 digest of its canonical form (keys sorted, no spacing), so a retry that spaces or
/// orders its JSON differently still counts as the same request.
pub struct IdemJson<T> {
    pub body: T,
    pub digest: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for IdemJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            tracing::debug!(error = %e.body_text(), "unreadable request body");
            WebError::api(ServiceError::invalid("invalid_json"))
        })?;
        let body = serde_json::from_slice(&bytes).map_err(|e| WebError::api(json_error(&e)))?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| WebError::api(json_error(&e)))?;
        let mut canonical = String::new();
        write_canonical(&value, &mut canonical);
        Ok(IdemJson {
            body,
            digest: fgf_domain::sm3_hex(canonical.as_bytes()),
        })
    }
}

/// JSON with object keys sorted at every level, whatever map type `serde_json` was built with.
fn write_canonical(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Query string for the API; a bad value is a 400 `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q)
            .map(ApiQuery)
            .map_err(|e| WebError::api(query_error(&e)))
    }
}

/// Query string for pages; a bad value renders the error page.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = parts.extensions.get::<Prefs>().map_or(Lang::Zh, |p| p.lang);
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q)
            .map(PageQuery)
            .map_err(|e| WebError::new(query_error(&e), Surface::Page, lang))
    }
}

/// A submitted page form, CSRF-checked: the `_csrf` field must equal the session's token
/// (signed-in forms) or the `fgf_pre` cookie (the login and registration forms).
pub struct PageForm {
    pub pairs: Vec<(String, String)>,
}

impl PageForm {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").trim().to_owned()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// An optional whole number; an unparsable one is a validation error naming the field.
    pub fn opt_i64(&self, name: &str) -> Result<Option<i64>, ServiceError> {
        match self.get(name).map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ServiceError::field("invalid_field", name, "须为整数")),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for PageForm {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = req.extensions().get::<Prefs>().map_or(Lang::Zh, |p| p.lang);
        let page_err = |e: ServiceError| WebError::new(e, Surface::Page, lang);
        // A signed-in user may still submit the login form (signing in as someone else), whose
        // token is the `fgf_pre` cookie's; both are same-site proofs, so either is accepted.
        let session = req
            .extensions()
            .get::<Actor>()
            .map(|a| a.csrf_token.clone());
        let pre = cookie(req.headers(), "fgf_pre");
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            tracing::debug!(error = %e.body_text(), "unreadable form body");
            page_err(ServiceError::invalid("invalid_form"))
        })?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.as_str());
        let matches = |e: &Option<String>| {
            e.as_deref()
                .is_some_and(|e| !e.is_empty() && Some(e) == sent)
        };
        if matches(&session) || matches(&pre) {
            Ok(PageForm { pairs })
        } else {
            Err(page_err(ServiceError::forbidden("csrf_invalid")))
        }
    }
}

/// A file sent with a multipart page form.
pub struct UploadedFile {
    pub field: String,
    pub name: String,
    pub bytes: Bytes,
}

/// A submitted multipart page form (one with file inputs), CSRF-checked like [`PageForm`].
pub struct PageMultipart {
    pub form: PageForm,
    pub files: Vec<UploadedFile>,
}

impl<S: Send + Sync> FromRequest<S> for PageMultipart {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = req.extensions().get::<Prefs>().map_or(Lang::Zh, |p| p.lang);
        let page_err = |e: ServiceError| WebError::new(e, Surface::Page, lang);
        let expected = req
            .extensions()
            .get::<Actor>()
            .map(|a| a.csrf_token.clone());
        // The multipart parser's wording stays in the log, not in the answer.
        let bad = |e: String| {
            tracing::debug!(error = %e, "unreadable multipart form");
            page_err(ServiceError::invalid("invalid_form"))
        };
        let mut mp = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| bad(e.body_text()))?;
        let (mut pairs, mut files) = (Vec::new(), Vec::new());
        while let Some(field) = mp.next_field().await.map_err(|e| bad(e.to_string()))? {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(|e| bad(e.to_string()))?;
                    // An empty file input still sends a part with no name and no bytes.
                    if !bytes.is_empty() {
                        files.push(UploadedFile {
                            field: name,
                            name: file_name,
                            bytes,
                        });
                    }
                }
                None => {
                    let text = field.text().await.map_err(|e| bad(e.to_string()))?;
                    pairs.push((name, text));
                }
            }
        }
        let form = PageForm { pairs };
        match (expected.as_deref(), form.get("_csrf")) {
            (Some(e), Some(s)) if !e.is_empty() && e == s => Ok(PageMultipart { form, files }),
            _ => Err(page_err(ServiceError::forbidden("csrf_invalid"))),
        }
    }
}

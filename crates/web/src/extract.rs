//! Extractors that turn malformed input into the API's error envelope (never axum's plain
//! text rejections), and the page form extractor that checks the CSRF token. Every string a
//! request brings (JSON values and keys, form fields, query parameters, uploaded file names)
//! passes the text rules of `fgf_domain::text` here, before any handler sees it: no control
//! or bidi characters, and a length cap (`text_invalid_chars`, `text_too_long`, 422).

use crate::error::WebError;
use crate::routes::Surface;
use crate::Prefs;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use fgf_app::text::check_text;
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::text::{
    has_forbidden_char, is_forbidden_char, LONG_FIELDS, LONG_MAX, ORDINARY_MAX,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The edge's cap for a field named `name` (not nested).
fn field_limit(name: &str) -> usize {
    if LONG_FIELDS.contains(&name) {
        LONG_MAX
    } else {
        ORDINARY_MAX
    }
}

/// A field name as an error may show it: forbidden characters spelled out, and short.
fn shown(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().take(100) {
        if is_forbidden_char(c) {
            out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `s` passes the text rules with `limit` (the error is built only when not).
fn fits(s: &str, limit: usize) -> bool {
    !has_forbidden_char(s) && (s.len() <= limit || s.chars().count() <= limit)
}

/// Checks name=value pairs (a form or a query string), names too.
/// The edge's text rules on one field of a multipart page form.
pub(crate) fn check_page_text(name: &str, value: &str) -> Result<(), ServiceError> {
    check_pairs(std::iter::once((name, value)))
}

fn check_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Result<(), ServiceError> {
    for (k, v) in pairs {
        check_text(&shown(k), k, ORDINARY_MAX)?;
        check_text(&shown(k), v, field_limit(k))?;
    }
    Ok(())
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON path of a string, such as `doc.materials[0].name`.
fn json_path(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&shown(k));
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        "body".to_owned()
    } else {
        out
    }
}

/// Checks every string of a JSON document, keys included, whatever its shape. A string is
/// long text when any key on its path names a long-text field (`doc.legal_basis[0]`).
pub(crate) fn check_json(v: &Value) -> Result<(), ServiceError> {
    fn walk<'a>(v: &'a Value, steps: &mut Vec<Step<'a>>, long: bool) -> Result<(), ServiceError> {
        match v {
            Value::String(s) => {
                let limit = if long { LONG_MAX } else { ORDINARY_MAX };
                // The path is only spelled out for an error.
                if fits(s, limit) {
                    Ok(())
                } else {
                    check_text(&json_path(steps), s, limit)
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    steps.push(Step::Index(i));
                    walk(x, steps, long)?;
                    steps.pop();
                }
                Ok(())
            }
            Value::Object(map) => {
                for (k, x) in map {
                    steps.push(Step::Key(k));
                    if !fits(k, ORDINARY_MAX) {
                        check_text(&json_path(steps), k, ORDINARY_MAX)?;
                    }
                    walk(x, steps, long || LONG_FIELDS.contains(&k.as_str()))?;
                    steps.pop();
                }
                Ok(())
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
        }
    }
    walk(v, &mut Vec::new(), false)
}

/// Checks every parameter of a query string.
fn check_query(q: &str) -> Result<(), ServiceError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes()).into_owned().collect();
    check_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

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
        // The text rules run on the document before its shape is looked at, so every route
        // answers a bad string alike; a body that is not JSON at all is left to the parse
        // below, which names the syntax error.
        if let Ok(doc) = serde_json::from_slice::<Value>(&bytes) {
            check_json(&doc).map_err(WebError::api)?;
        }
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
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| WebError::api(json_error(&e)))?;
        check_json(&value).map_err(WebError::api)?;
        let body = serde_json::from_slice(&bytes).map_err(|e| WebError::api(json_error(&e)))?;
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
        check_query(q).map_err(WebError::api)?;
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
        check_query(q).map_err(|e| WebError::new(e, Surface::Page, lang))?;
        serde_urlencoded::from_str(q)
            .map(PageQuery)
            .map_err(|e| WebError::new(query_error(&e), Surface::Page, lang))
    }
}

/// A submitted page form, CSRF-checked: the `_csrf` field must equal the session's token
/// when there is a session, and the `fgf_pre` cookie only when there is none (the login and
/// registration forms of an anonymous visitor).
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

    /// The edge's text rules on every field, names included.
    fn check_text(&self) -> Result<(), ServiceError> {
        check_pairs(self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
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
        // With a session, only its own token counts: a cookie can be planted by a sibling
        // subdomain or an earlier visit, so the pre-session cookie proves nothing about this
        // session. The login page shows a signed-in user the session's token for that reason.
        let expected = match req.extensions().get::<Actor>() {
            Some(a) => Some(a.csrf_token.clone()),
            None => cookie(req.headers(), "fgf_pre"),
        };
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            tracing::debug!(error = %e.body_text(), "unreadable form body");
            page_err(ServiceError::invalid("invalid_form"))
        })?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.as_str());
        if !expected
            .as_deref()
            .is_some_and(|e| !e.is_empty() && Some(e) == sent)
        {
            return Err(page_err(ServiceError::forbidden("csrf_invalid")));
        }
        let form = PageForm { pairs };
        form.check_text().map_err(page_err)?;
        Ok(form)
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
            (Some(e), Some(s)) if !e.is_empty() && e == s => {}
            _ => return Err(page_err(ServiceError::forbidden("csrf_invalid"))),
        }
        form.check_text().map_err(page_err)?;
        for f in &files {
            fgf_app::text::check_file_name(&shown(&f.field), &f.name).map_err(page_err)?;
        }
        Ok(PageMultipart { form, files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(v: &Value) -> Option<(&'static str, Value)> {
        check_json(v)
            .err()
            .map(|e| (e.code, e.details.unwrap_or(Value::Null)))
    }

    #[test]
    fn every_string_of_a_document_is_checked_with_its_path() {
        let (code, d) =
            refused(&json!({"doc": {"materials": [{"name": "ok"}, {"name": "a\u{202e}b"}]}}))
                .unwrap();
        assert_eq!(code, "text_invalid_chars");
        assert_eq!(d["field"], "doc.materials[1].name");
        let (code, d) = refused(&json!({"name": "x".repeat(501)})).unwrap();
        assert_eq!((code, d["limit"].as_u64()), ("text_too_long", Some(500)));
        // Long-text fields, at any depth, keep their room; line breaks are text.
        let long = "第一条\n".repeat(5_000);
        assert!(refused(
            &json!({"doc": {"legal_basis": [long.clone()], "conditions": long.clone()}})
        )
        .is_none());
        assert!(refused(&json!({"record": {"applicant_reason": long}})).is_none());
        let (_, d) = refused(&json!(["a\u{0}"])).unwrap();
        assert_eq!(d["field"], "[0]");
        let (_, d) = refused(&json!("a\u{1b}")).unwrap();
        assert_eq!(d["field"], "body");
    }
}

//! HTTP for Fangguanfu: the JSON API under `/api/v1` and the server-rendered pages under `/`.
//!
//! This is the only crate that knows HTTP, JSON DTOs and HTML. Every route is declared in
//! [`routes::table`] together with the permission it needs; one middleware resolves the
//! caller, checks that permission (and CSRF for cookie sessions) before any handler runs, and
//! a route without a declaration cannot be added. Handlers parse, call one `fgf_app` use
//! case, and render.

mod api;
mod assets;
mod catalog;
mod error;
mod extract;
mod gantt;
mod layout;
mod metrics;
mod openapi;
mod pages;
mod reform;
mod reform_inbox;
mod reform_plan;
mod reform_review;
pub mod routes;
mod workflow;

pub use error::WebError;
pub use routes::{Need, RouteSpec, Surface};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use fgf_app::{Actor, App, ErrorKind, Lang, ServiceError};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "fgf_session";

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub(crate) specs: Arc<HashMap<(String, String), RouteSpec>>,
    pub(crate) metrics: Arc<metrics::Metrics>,
}

/// Per-request view preferences, read from cookies.
#[derive(Debug, Clone, Copy)]
pub struct Prefs {
    pub lang: Lang,
    pub large: bool,
}

/// The caller, when signed in (public routes may have none).
#[derive(Debug, Clone)]
pub struct MaybeActor(pub Option<Actor>);

pub fn router(app: App) -> Router {
    let table = routes::table();
    let mut specs = HashMap::new();
    let mut r: Router<AppState> = Router::new();
    for (spec, handler) in table {
        specs.insert((spec.method.to_owned(), spec.path.to_owned()), spec.clone());
        r = r.route(spec.path, handler);
    }
    let state = AppState {
        app,
        specs: Arc::new(specs),
        metrics: Arc::new(metrics::Metrics::default()),
    };
    r.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        authorise,
    ))
    .fallback(not_found)
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        count_requests,
    ))
    .layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        security_headers,
    ))
    .with_state(state)
}

/// The policy of every page: script only from this origin (the embedded `app.js`, never
/// inline), no plugins, no framing, forms posting only here. Styles may be inline because the
/// pages draw bars and indents with `style` attributes and inline SVG diagrams carry their
/// own `<style>`; a style cannot run script.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Everything else (JSON, files, SVG, CSS) is never a document that needs to run anything.
const OTHER_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

/// Sets the security headers on every response, whichever handler, extractor, middleware or
/// fallback produced it: no type sniffing, no referrer to other sites, no framing, a
/// Content-Security-Policy, `no-store` unless the handler chose a cache policy (the embedded
/// assets' long cache, the file downloads'), and `Secure` on every cookie when the district is
/// served over HTTPS.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use axum::http::HeaderValue;
    let mut res = next.run(req).await;
    let secure_cookies = state.app.config().https();
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if html { PAGE_CSP } else { OTHER_CSP }),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if secure_cookies {
        let cookies: Vec<HeaderValue> = h.get_all(header::SET_COOKIE).iter().cloned().collect();
        if !cookies.is_empty() {
            h.remove(header::SET_COOKIE);
            for c in cookies {
                let secured = c
                    .to_str()
                    .ok()
                    .filter(|s| {
                        !s.split(';')
                            .any(|a| a.trim().eq_ignore_ascii_case("secure"))
                    })
                    .and_then(|s| HeaderValue::from_str(&format!("{s}; Secure")).ok())
                    .unwrap_or(c);
                h.append(header::SET_COOKIE, secured);
            }
        }
    }
    res
}

fn prefs_from(headers: &HeaderMap) -> Prefs {
    let lang = extract::cookie(headers, "fgf_lang").map_or(Lang::Zh, |v| Lang::from_code(&v));
    let large = extract::cookie(headers, "fgf_large").is_some_and(|v| v == "1");
    Prefs { lang, large }
}

fn source_addr(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "127.0.0.1".to_owned(), |c| c.0.ip().to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

/// Resolves the caller and enforces the route's declared permission. Pages answer a missing
/// session with a redirect to the login page; the API answers 401 with `WWW-Authenticate`.
async fn authorise(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let prefs = prefs_from(req.headers());
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let method = req.method().clone();
    let Some(spec) = state
        .specs
        .get(&(method.as_str().to_owned(), path.clone()))
        .cloned()
    else {
        // Every route is registered from the table, so this is a bug worth failing loudly.
        return WebError::new(
            ServiceError::internal(format!("route {method} {path} has no declaration")),
            Surface::Api,
            prefs.lang,
        )
        .into_response();
    };
    let addr = source_addr(&req);
    let headers = req.headers().clone();
    let token = bearer(&headers);
    let from_cookie = token.is_none();
    let token = token.or_else(|| extract::cookie(&headers, SESSION_COOKIE));
    let mut auth_error = None;
    let actor = match token {
        Some(t) => match state.app.authenticate(&t, &addr).await {
            Ok(a) => Some(a),
            Err(e) => {
                auth_error = Some(e);
                None
            }
        },
        None => None,
    };
    let fail = |e: ServiceError| WebError::new(e, spec.surface, prefs.lang).into_response();
    match spec.need {
        Need::Public => {}
        Need::Authenticated | Need::Perm(_) => {
            let Some(actor) = actor.as_ref() else {
                if spec.surface == Surface::Page {
                    let next_url = req
                        .uri()
                        .path_and_query()
                        .map_or("/", |p| p.as_str())
                        .to_owned();
                    let expired = auth_error.is_some_and(|e| e.code == "session_expired");
                    let target = format!(
                        "/login?next={}{}",
                        form_urlencoded::byte_serialize(next_url.as_bytes()).collect::<String>(),
                        if expired { "&expired=1" } else { "" }
                    );
                    return Redirect::to(&target).into_response();
                }
                return fail(auth_error.unwrap_or_else(|| {
                    ServiceError::new(ErrorKind::Unauthenticated, "unauthenticated")
                }));
            };
            if let Need::Perm(p) = spec.need {
                if !actor.has(p) {
                    if let Some(r) = actor.restriction() {
                        if spec.surface == Surface::Page {
                            let to = if r.code == "password_change_required" {
                                "/password"
                            } else {
                                "/totp"
                            };
                            return Redirect::to(to).into_response();
                        }
                        return fail(r);
                    }
                    return fail(ServiceError::forbidden("permission_denied").arg(p.label_zh()));
                }
            }
        }
    }
    // CSRF: a cookie-authenticated state change must carry the session's token. Pages send
    // it as a form field (checked by the form extractor); API calls send a header.
    if let Some(a) = actor.as_ref() {
        let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && from_cookie && spec.surface == Surface::Api {
            let sent = headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if sent != a.csrf_token {
                return fail(ServiceError::forbidden("csrf_invalid"));
            }
        }
    }
    req.extensions_mut().insert(prefs);
    req.extensions_mut().insert(MaybeActor(actor.clone()));
    if let Some(a) = actor {
        req.extensions_mut().insert(a);
    }
    next.run(req).await
}

async fn count_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    state.metrics.record(res.status());
    res
}

async fn not_found(headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let prefs = prefs_from(&headers);
    let surface = if uri.path().starts_with("/api/") {
        Surface::Api
    } else {
        Surface::Page
    };
    let mut res = WebError::new(
        ServiceError::not_found("route_not_found"),
        surface,
        prefs.lang,
    )
    .into_response();
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

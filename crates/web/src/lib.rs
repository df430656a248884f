//! HTTP for Fangguanfu: the JSON API under `/api/v1` and the server-rendered pages under `/`.
//!
//! This is the only crate that knows HTTP, JSON DTOs and HTML. Every route is declared in
//! [`routes::table`] together with the permission it needs; one middleware resolves the
//! caller, checks that permission (and CSRF for cookie sessions) before any handler runs, and
//! a route without a declaration cannot be added. Handlers parse, call one `fgf_app` use
//! case, and render.

mod application;
mod assets;
mod base;
mod catalog;
mod error;
mod extract;
mod layout;
mod metrics;
pub mod openapi;
mod picker;
mod process;
mod reform;
pub mod routes;

pub use error::WebError;
pub use routes::{Need, RouteSpec, Surface};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use fgf_app::config::IpBlock;
use fgf_app::{Actor, App, ErrorKind, Lang, ServiceError};
use fgf_domain::base::AccountId;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "fgf_session";

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub(crate) specs: Arc<HashMap<(String, String), RouteSpec>>,
    pub(crate) metrics: Arc<metrics::Metrics>,
    pub(crate) trusted_proxies: Arc<Vec<IpBlock>>,
}

/// The client's address, resolved once per request by [`resolve_client`]: the peer, or with
/// a trusted proxy in front the address that proxy says it forwarded for. `unknown` when the
/// request came without a connection (tests through `oneshot`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

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
    for routes::Route(spec, handler) in table {
        specs.insert((spec.method.to_owned(), spec.path.to_owned()), spec.clone());
        r = r.route(spec.path, handler);
    }
    let state = AppState {
        trusted_proxies: Arc::new(app.config().trusted_proxy_blocks()),
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
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        record_refusals,
    ))
    .layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        security_headers,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        resolve_client,
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
    // HTTPS as the district's address says, or as a trusted proxy in front says for this
    // request (`X-Forwarded-Proto: https`; `resolve_client` believes it from such a peer only).
    let via_https = req.extensions().get::<ViaHttps>().is_some();
    let mut res = next.run(req).await;
    let secure_cookies = state.app.config().https() || via_https;
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

/// The outermost layer: every request, public routes and unknown paths included, gets its
/// [`ClientAddr`] here and nowhere else.
async fn resolve_client(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let addr = client_addr(peer, &forwarded, &state.trusted_proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    req.extensions_mut().insert(ClientAddr(addr));
    let from_proxy = peer.is_some_and(|p| state.trusted_proxies.iter().any(|b| b.contains(p)));
    let https = req
        .headers()
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    if from_proxy && https {
        req.extensions_mut().insert(ViaHttps);
    }
    next.run(req).await
}

/// The request reached a trusted proxy over HTTPS (the proxy said so).
#[derive(Debug, Clone, Copy)]
struct ViaHttps;

/// The peer, unless the peer is a trusted proxy: then the right-most `X-Forwarded-For` entry
/// (of all the header's lines, each a comma-separated list)
/// that is not itself a trusted proxy. Entries left of that one were written by whoever
/// connected to the first proxy and prove nothing. An entry that does not parse ends the
/// walk at the last trusted hop, which is then the best address known.
fn client_addr(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpBlock]) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|b| b.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded.iter().flat_map(|v| v.split(',')).rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip.to_canonical();
        if !is_trusted(client) {
            break;
        }
    }
    Some(client)
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

/// Which route a request reached and who called it, put in the response's extensions by
/// [`authorise`] for [`record_refusals`], which runs outside the routes.
#[derive(Debug, Clone)]
struct Reached {
    method: String,
    route: String,
    /// The path's parameters joined with `/` (`42`, `XK-D04-0001-01/1`).
    object_id: String,
    /// (account id, username) when signed in.
    caller: Option<(AccountId, String)>,
}

/// Runs [`check_and_run`] and notes on the answer which route was reached by whom.
async fn authorise(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let object_id = path_params(&route, req.uri().path());
    let method = req.method().to_string();
    let mut caller = None;
    let mut res = check_and_run(&state, req, next, &mut caller).await;
    res.extensions_mut().insert(Reached {
        method,
        route,
        object_id,
        caller,
    });
    res
}

/// The values of a matched route's `{param}` segments in `path`, joined with `/`.
fn path_params(route: &str, path: &str) -> String {
    let values: Vec<&str> = route
        .split('/')
        .zip(path.split('/'))
        .filter(|(r, _)| r.starts_with('{'))
        .map(|(_, p)| p)
        .collect();
    // The value is the caller's own writing: keep the row small whatever they sent.
    values.join("/").chars().take(200).collect()
}

/// Records every refused attempt: a 403 (a permission not held, a forbidden step, a failed
/// CSRF check) or a 404 for a record (outside the caller's data scope, or absent), as opposed
/// to a path that names no route. One place sees them all, because every refusal is a
/// [`WebError`] whose code rides on the answer.
async fn record_refusals(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let addr = req
        .extensions()
        .get::<ClientAddr>()
        .map_or_else(|| "unknown".to_owned(), |a| a.0.clone());
    let res = next.run(req).await;
    let (Some(answer), Some(reached)) = (
        res.extensions().get::<error::AnswerCode>(),
        res.extensions().get::<Reached>(),
    ) else {
        return res;
    };
    let refused = match answer.kind {
        ErrorKind::Forbidden => true,
        ErrorKind::NotFound => answer.code != "route_not_found",
        _ => false,
    };
    if refused {
        let (account_id, username) = reached
            .caller
            .as_ref()
            .map_or((None, ""), |(id, name)| (Some(*id), name.as_str()));
        tracing::warn!(
            code = answer.code,
            method = %reached.method,
            route = %reached.route,
            object = %reached.object_id,
            account = username,
            addr = %addr,
            "refused"
        );
        state
            .app
            .base()
            .record_refusal(&fgf_store::refusal::NewRefusal {
                at_ms: state.app.now_ms(),
                account_id,
                username,
                source_addr: &addr,
                method: &reached.method,
                route: &reached.route,
                object_id: &reached.object_id,
                code: answer.code,
            })
            .await;
    }
    res
}

/// Resolves the caller and enforces the route's declared permission. Pages answer a missing
/// session with a redirect to the login page; the API answers 401 with `WWW-Authenticate`.
/// The signed-in caller, once known, is left in `caller` for the refused-attempt log.
async fn check_and_run(
    state: &AppState,
    mut req: Request,
    next: Next,
    caller: &mut Option<(AccountId, String)>,
) -> Response {
    let prefs = prefs_from(req.headers());
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let method = req.method().clone();
    let lookup = |m: &str| state.specs.get(&(m.to_owned(), path.clone())).cloned();
    let spec = match lookup(method.as_str()) {
        Some(s) => s,
        // HEAD is a GET without its body (the server drops the body), authorised as the GET.
        None if method == Method::HEAD => match lookup("GET") {
            Some(s) => s,
            None => return method_not_allowed(state, &path, prefs.lang),
        },
        // The path exists with other methods: a client mistake, answered 405 with `Allow`.
        None => return method_not_allowed(state, &path, prefs.lang),
    };
    let addr = req
        .extensions()
        .get::<ClientAddr>()
        .map_or_else(|| "unknown".to_owned(), |a| a.0.clone());
    let headers = req.headers().clone();
    let token = bearer(&headers);
    let from_cookie = token.is_none();
    let token = token.or_else(|| extract::cookie(&headers, SESSION_COOKIE));
    let mut auth_error = None;
    let actor = match token {
        Some(t) => match state.app.base().authenticate(&t, &addr).await {
            Ok(a) => Some(a),
            Err(e) => {
                auth_error = Some(e);
                None
            }
        },
        None => None,
    };
    *caller = actor
        .as_ref()
        .map(|a| (a.account.id, a.account.username.clone()));
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

/// 405 for a method the path does not have, with the methods it does have in `Allow`.
fn method_not_allowed(state: &AppState, path: &str, lang: Lang) -> Response {
    let mut allowed: Vec<&str> = state
        .specs
        .keys()
        .filter(|(_, p)| p == path)
        .map(|(m, _)| m.as_str())
        .collect();
    if allowed.contains(&"GET") {
        allowed.push("HEAD");
    }
    allowed.sort_unstable();
    let surface = if path.starts_with("/api/") {
        Surface::Api
    } else {
        Surface::Page
    };
    let mut res = WebError::new(
        ServiceError::new(ErrorKind::MethodNotAllowed, "method_not_allowed")
            .arg(allowed.join(", ")),
        surface,
        lang,
    )
    .into_response();
    if let Ok(v) = header::HeaderValue::from_str(&allowed.join(", ")) {
        res.headers_mut().insert(header::ALLOW, v);
    }
    res
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

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(peer: &str, forwarded: &[&str], trusted: &[&str]) -> String {
        let trusted: Vec<IpBlock> = trusted.iter().filter_map(|t| IpBlock::parse(t)).collect();
        client_addr(Some(peer.parse().unwrap()), forwarded, &trusted)
            .unwrap()
            .to_string()
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        // No trusted proxy: the header is the client's own writing.
        assert_eq!(resolve("10.1.2.3", &["1.1.1.1"], &[]), "10.1.2.3");
        // A peer outside the list is not believed either.
        assert_eq!(
            resolve("10.1.2.3", &["1.1.1.1"], &["10.9.0.0/16"]),
            "10.1.2.3"
        );
        // Behind a trusted proxy: the right-most entry that is not a trusted proxy.
        assert_eq!(
            resolve(
                "10.0.0.1",
                &["6.6.6.6, 203.0.113.9", " 10.0.0.2"],
                &["10.0.0.0/24"]
            ),
            "203.0.113.9"
        );
        // Every hop trusted: the left-most one is the best known.
        assert_eq!(
            resolve("10.0.0.1", &["10.0.0.5"], &["10.0.0.0/24"]),
            "10.0.0.5"
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            resolve(
                "10.0.0.1",
                &["203.0.113.9, bogus, 10.0.0.7"],
                &["10.0.0.0/24"]
            ),
            "10.0.0.7"
        );
        // A mapped IPv4 peer is its IPv4 address.
        assert_eq!(resolve("::ffff:10.1.2.3", &[], &[]), "10.1.2.3");
        assert_eq!(
            client_addr(None, &["1.1.1.1"], &[]),
            None,
            "no connection, no address"
        );
    }
}

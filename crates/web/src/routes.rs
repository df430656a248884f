//! The route table: every endpoint and page with the permission it needs. The router is
//! built from this table, the authorisation middleware reads it, the OpenAPI document is
//! generated from it, and the route × role matrix test walks it.

use crate::{assets, base, catalog, metrics, openapi, process, reform, AppState};
use axum::routing::{get, MethodRouter};
use fgf_domain::base::permission::Permission as P;

/// What a caller needs to reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    Authenticated,
    /// A signed-in account holding this permission for the department it acts for.
    Perm(P),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Api,
    Page,
}

#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub need: Need,
    pub surface: Surface,
    pub tag: &'static str,
    pub summary: &'static str,
}

pub(crate) fn r(
    method: &'static str,
    path: &'static str,
    need: Need,
    tag: &'static str,
    summary: &'static str,
    handler: MethodRouter<AppState>,
) -> (RouteSpec, MethodRouter<AppState>) {
    let surface = if path.starts_with("/api/") {
        Surface::Api
    } else {
        Surface::Page
    };
    (
        RouteSpec {
            method,
            path,
            need,
            surface,
            tag,
            summary,
        },
        handler,
    )
}

use Need::Public;

pub fn table() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    let mut table = vec![
        // Operations.
        r(
            "GET",
            "/healthz",
            Public,
            "ops",
            "Liveness and store check",
            get(metrics::healthz),
        ),
        r(
            "GET",
            "/metrics",
            Public,
            "ops",
            "Prometheus metrics",
            get(metrics::metrics),
        ),
        r(
            "GET",
            "/api/v1/openapi.json",
            Public,
            "ops",
            "This OpenAPI document",
            get(openapi::openapi_json),
        ),
        r(
            "GET",
            "/api/docs",
            Public,
            "ops",
            "API documentation page",
            get(openapi::docs_page),
        ),
        r(
            "GET",
            "/assets/{file}",
            Public,
            "ops",
            "Embedded static assets",
            get(assets::asset),
        ),
        r(
            "GET",
            "/prefs",
            Public,
            "ops",
            "Set language and large-type preferences",
            get(base::pages::prefs),
        ),
    ];
    // One line per part: each part's folder declares its own routes (`part/routes.rs`).
    table.extend(base::routes::table());
    table.extend(catalog::routes::table());
    table.extend(process::routes::table());
    table.extend(reform::routes::table());
    table
}

/// The declarations alone, for documentation and tests.
pub fn specs() -> Vec<RouteSpec> {
    table().into_iter().map(|(s, _)| s).collect()
}

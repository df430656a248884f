//! The route table: every endpoint and page with the permission it needs. The router is
//! built from this table, the authorisation middleware reads it, the OpenAPI document is
//! generated from it, and the route × role matrix test walks it.
//!
//! Convention: every JSON route declares what it takes and what it answers, next to its
//! handler, so the OpenAPI document and the docs page cannot drift from the code:
//! `r(...).body::<T>()` (a JSON request, `T` a `ToSchema` DTO from the part's `dto.rs`),
//! `.no_body()` for a POST without one (GET and DELETE need none), `.raw_body(media)` or
//! `.multipart(fields)` for other bodies, `.query::<Q>()` for query parameters (`IntoParams`),
//! and `.returns::<U>()` / `.created::<U>()` / `.returns_list::<U>()` / `.returns_raw(media)` /
//! `.no_content()` for the answer. Handlers answer with those same DTOs, never `json!`, so the
//! schema is what is sent; `openapi_schemas.rs` checks real answers against it.

use crate::{application, assets, base, catalog, metrics, openapi, process, reform, AppState};
use axum::routing::{get, MethodRouter};
use fgf_domain::base::permission::Permission as P;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, ToSchema};

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

/// The named schemas a body refers to, collected into `components.schemas`.
pub type Components = Vec<(String, RefOr<Schema>)>;

/// Writes a JSON body's schema: adds the schemas it names to the components and answers the
/// schema (usually a `$ref`) to put in the operation.
pub type SchemaFn = fn(&mut Components) -> RefOr<Schema>;

/// A request or response body as declared in the table.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// Nothing declared: `openapi_schemas.rs` refuses this for any `/api/v1` route.
    Undeclared,
    /// No body.
    None,
    /// A JSON body of this schema.
    Json(SchemaFn),
    /// Bytes of this media type (BPMN XML, SVG, a file, a spreadsheet).
    Raw(&'static str),
    /// A `multipart/form-data` upload with these file fields.
    Multipart(&'static [&'static str]),
}

#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub need: Need,
    pub surface: Surface,
    pub tag: &'static str,
    pub summary: &'static str,
    pub request: Body,
    /// The success status and its body.
    pub response: (u16, Body),
    /// The query parameters, when the route reads any.
    pub query: Option<fn() -> Vec<Parameter>>,
}

/// A declared route with its handler.
pub struct Route(pub RouteSpec, pub MethodRouter<AppState>);

pub(crate) fn r(
    method: &'static str,
    path: &'static str,
    need: Need,
    tag: &'static str,
    summary: &'static str,
    handler: MethodRouter<AppState>,
) -> Route {
    let surface = if path.starts_with("/api/") {
        Surface::Api
    } else {
        Surface::Page
    };
    // GET and DELETE never take a body; a POST, PUT or PATCH must say what it takes.
    let request = if matches!(method, "GET" | "DELETE") {
        Body::None
    } else {
        Body::Undeclared
    };
    Route(
        RouteSpec {
            method,
            path,
            need,
            surface,
            tag,
            summary,
            request,
            response: (200, Body::Undeclared),
            query: None,
        },
        handler,
    )
}

fn schema_of<T: ToSchema>(out: &mut Components) -> RefOr<Schema> {
    let name = T::name().into_owned();
    out.push((name.clone(), T::schema()));
    T::schemas(out);
    RefOr::Ref(Ref::from_schema_name(name))
}

/// `{"items": [T], "total": n}`, the shape of every plain list.
fn list_of<T: ToSchema>(out: &mut Components) -> RefOr<Schema> {
    ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(schema_of::<T>(out)))
        .required("items")
        .property(
            "total",
            ObjectBuilder::new().schema_type(SchemaType::new(Type::Integer)),
        )
        .required("total")
        .into()
}

fn params_of<Q: IntoParams>() -> Vec<Parameter> {
    Q::into_params(|| Some(ParameterIn::Query))
}

impl Route {
    /// Takes a JSON body of `T`.
    pub fn body<T: ToSchema>(mut self) -> Self {
        self.0.request = Body::Json(schema_of::<T>);
        self
    }

    /// A POST that takes no body.
    pub fn no_body(mut self) -> Self {
        self.0.request = Body::None;
        self
    }

    /// Takes raw bytes of this media type.
    pub fn raw_body(mut self, media: &'static str) -> Self {
        self.0.request = Body::Raw(media);
        self
    }

    /// Takes a multipart upload with these file fields.
    pub fn multipart(mut self, fields: &'static [&'static str]) -> Self {
        self.0.request = Body::Multipart(fields);
        self
    }

    /// Reads these query parameters.
    pub fn query<Q: IntoParams>(mut self) -> Self {
        self.0.query = Some(params_of::<Q>);
        self
    }

    /// Answers 200 with `T`.
    pub fn returns<T: ToSchema>(mut self) -> Self {
        self.0.response = (200, Body::Json(schema_of::<T>));
        self
    }

    /// Answers 200 with `{"items": [T], "total": n}`.
    pub fn returns_list<T: ToSchema>(mut self) -> Self {
        self.0.response = (200, Body::Json(list_of::<T>));
        self
    }

    /// Answers 201 with `T`.
    pub fn created<T: ToSchema>(mut self) -> Self {
        self.0.response = (201, Body::Json(schema_of::<T>));
        self
    }

    /// Answers with `T` under another success status (202 Accepted).
    pub fn returns_with<T: ToSchema>(mut self, status: u16) -> Self {
        self.0.response = (status, Body::Json(schema_of::<T>));
        self
    }

    /// Answers 200 with bytes of this media type.
    pub fn returns_raw(mut self, media: &'static str) -> Self {
        self.0.response = (200, Body::Raw(media));
        self
    }

    /// Answers 204 No Content.
    pub fn no_content(mut self) -> Self {
        self.0.response = (204, Body::None);
        self
    }
}

use Need::Public;

pub fn table() -> Vec<Route> {
    let mut table = vec![
        // Operations.
        r(
            "GET",
            "/healthz",
            Public,
            "ops",
            "Liveness and store check",
            get(metrics::healthz),
        )
        .returns::<base::dto::Health>(),
        r(
            "GET",
            "/metrics",
            Public,
            "ops",
            "Prometheus metrics",
            get(metrics::metrics),
        )
        .returns_raw("text/plain"),
        r(
            "GET",
            "/api/v1/openapi.json",
            Public,
            "ops",
            "This OpenAPI document",
            get(openapi::openapi_json),
        )
        .returns::<serde_json::Value>(),
        r(
            "GET",
            "/api/docs",
            Public,
            "ops",
            "API documentation page",
            get(openapi::docs_page),
        )
        .returns_raw("text/html"),
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
    table.extend(application::routes::table());
    table
}

/// The declarations alone, for documentation and tests.
pub fn specs() -> Vec<RouteSpec> {
    table().into_iter().map(|Route(s, _)| s).collect()
}

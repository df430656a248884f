//! The OpenAPI 3 document, generated from the route table so it cannot miss an endpoint,
//! and the documentation page that renders it on the server (no script, no CDN).

use crate::routes::{specs, Need, Surface};
use crate::AppState;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use maud::html;
use serde_json::{json, Map, Value};

pub fn document() -> Value {
    let mut paths = Map::new();
    for s in specs()
        .iter()
        .filter(|s| s.surface == Surface::Api || s.path == "/healthz" || s.path == "/metrics")
    {
        let params: Vec<Value> = s
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let (security, permission) = match s.need {
            Need::Public => (json!([]), Value::Null),
            Need::Authenticated => (json!([{ "bearer": [] }, { "cookie": [] }]), Value::Null),
            Need::Perm(p) => (json!([{ "bearer": [] }, { "cookie": [] }]), json!(p.code())),
        };
        let mut op = json!({
            "summary": s.summary,
            "tags": [s.tag],
            "operationId": format!("{}_{}", s.method.to_lowercase(), s.path.trim_start_matches('/').replace(['/', '{', '}', '-', '.'], "_")),
            "parameters": params,
            "security": security,
            "x-permission": permission,
            "responses": {
                "200": { "description": "OK" },
                "400": { "$ref": "#/components/responses/Error" },
                "401": { "$ref": "#/components/responses/Error" },
                "403": { "$ref": "#/components/responses/Error" },
                "404": { "$ref": "#/components/responses/Error" },
                "409": { "$ref": "#/components/responses/Error" },
                "422": { "$ref": "#/components/responses/Error" },
            }
        });
        if matches!(s.method, "POST" | "PUT" | "PATCH") {
            op["requestBody"] =
                json!({ "content": { "application/json": { "schema": { "type": "object" } } } });
            if let Some(p) = op["parameters"].as_array_mut() {
                p.push(json!({ "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string" } }));
            }
        }
        let entry = paths.entry(s.path.to_owned()).or_insert_with(|| json!({}));
        entry[s.method.to_lowercase()] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Fangguanfu (放管服) API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Errors: {\"error\": {\"code\", \"message\", \"details\"}}. Lists: {\"items\", \"total\"} with page and per_page. Creating POSTs accept Idempotency-Key (a key reused with a different body is refused: 422 idempotency_key_reused). Times are RFC 3339 (+08:00)."
        },
        "servers": [{ "url": "/" }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "cookie": { "type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": {
                        "code": { "type": "string" }, "message": { "type": "string" }, "details": {} } } }
                }
            },
            "responses": {
                "Error": { "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        }
    })
}

pub async fn openapi_json() -> Response {
    Json(document()).into_response()
}

pub async fn docs_page(State(_state): State<AppState>) -> Response {
    let doc = document();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let body = html! {
        h1 { "接口文档 API documentation" }
        p { "OpenAPI 3: " a href="/api/v1/openapi.json" { "/api/v1/openapi.json" } }
        p.muted { (doc["info"]["description"].as_str().unwrap_or("")) }
        table.data {
            thead { tr { th { "方法 Method" } th { "路径 Path" } th { "权限 Permission" } th { "说明 Summary" } } }
            tbody {
                @for (path, ops) in &paths {
                    @if let Some(ops) = ops.as_object() {
                        @for (method, op) in ops {
                            tr {
                                td { code { (method.to_uppercase()) } }
                                td { code { (path) } }
                                td { (op["x-permission"].as_str().unwrap_or(if op["security"].as_array().is_some_and(Vec::is_empty) { "公开 public" } else { "登录 signed in" })) }
                                td { (op["summary"].as_str().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    };
    Html(crate::layout::bare(fgf_app::Lang::Zh, "接口文档", body, false).into_string())
        .into_response()
}

//! The OpenAPI 3.1 document, generated from the route table so it cannot miss an endpoint or
//! a body: each route's request, query and response come from its declaration (`routes.rs`),
//! the schemas from the DTOs' `utoipa::ToSchema`. Also the documentation page that renders it
//! on the server (no script, no CDN).

use crate::routes::{specs, Body, Components, Need, RouteSpec, Surface};
use crate::AppState;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use maud::{html, Markup};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Path parameters that are numbers; the rest are text (codes, keys, hashes).
const NUMERIC_PARAMS: &[&str] = &["id", "n", "post_id", "comment", "year"];

fn content(body: &Body, components: &mut Components) -> Option<Value> {
    match body {
        Body::Undeclared | Body::None => None,
        Body::Json(schema) => {
            let s = serde_json::to_value(schema(components)).unwrap_or(Value::Null);
            Some(json!({ "application/json": { "schema": s } }))
        }
        Body::Raw(media) => {
            Some(json!({ *media: { "schema": { "type": "string", "contentMediaType": media } } }))
        }
        Body::Multipart(fields) => {
            let props: Map<String, Value> = fields
                .iter()
                .map(|f| {
                    (
                        (*f).to_owned(),
                        json!({ "type": "string", "contentMediaType": "application/octet-stream" }),
                    )
                })
                .collect();
            Some(
                json!({ "multipart/form-data": { "schema": { "type": "object", "properties": props } } }),
            )
        }
    }
}

fn operation(s: &RouteSpec, components: &mut Components) -> Value {
    let mut params: Vec<Value> = s
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
        .map(|name| {
            let ty = if NUMERIC_PARAMS.contains(&name) {
                "integer"
            } else {
                "string"
            };
            json!({ "name": name, "in": "path", "required": true, "schema": { "type": ty } })
        })
        .collect();
    if let Some(query) = s.query {
        params.extend(query().iter().filter_map(|p| serde_json::to_value(p).ok()));
    }
    let (security, permission) = match s.need {
        Need::Public => (json!([]), Value::Null),
        Need::Authenticated => (json!([{ "bearer": [] }, { "cookie": [] }]), Value::Null),
        Need::Perm(p) => (json!([{ "bearer": [] }, { "cookie": [] }]), json!(p.code())),
    };
    let (status, answer) = &s.response;
    let mut ok = json!({ "description": match status { 201 => "Created", 202 => "Accepted", 204 => "No Content", _ => "OK" } });
    if let Some(c) = content(answer, components) {
        ok["content"] = c;
    }
    let mut responses = json!({ status.to_string(): ok });
    for code in ["400", "401", "403", "404", "409", "422"] {
        responses[code] = json!({ "$ref": "#/components/responses/Error" });
    }
    let mut op = json!({
        "summary": s.summary,
        "tags": [s.tag],
        "operationId": format!("{}_{}", s.method.to_lowercase(), s.path.trim_start_matches('/').replace(['/', '{', '}', '-', '.'], "_")),
        "parameters": params,
        "security": security,
        "x-permission": permission,
        "responses": responses,
    });
    if let Some(c) = content(&s.request, components) {
        op["requestBody"] = json!({ "required": true, "content": c });
    }
    if matches!(s.method, "POST" | "PUT" | "PATCH") {
        if let Some(p) = op["parameters"].as_array_mut() {
            p.push(json!({ "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string" } }));
        }
    }
    op
}

pub fn document() -> Value {
    let mut paths = Map::new();
    let mut components: Components = Vec::new();
    for s in specs()
        .iter()
        .filter(|s| s.surface == Surface::Api || s.path == "/healthz" || s.path == "/metrics")
    {
        let op = operation(s, &mut components);
        let entry = paths.entry(s.path.to_owned()).or_insert_with(|| json!({}));
        entry[s.method.to_lowercase()] = op;
    }
    let mut schemas: BTreeMap<String, Value> = components
        .into_iter()
        .map(|(name, s)| (name, serde_json::to_value(s).unwrap_or(Value::Null)))
        .collect();
    schemas.insert(
        "Error".to_owned(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": {
                "code": { "type": "string" }, "message": { "type": "string" }, "details": {} } } }
        }),
    );
    json!({
        "openapi": "3.1.0",
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
            "schemas": schemas,
            "responses": {
                "Error": { "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        }
    })
}

/// Schema names given to two different schemas (two parts' DTOs of one name): the document
/// would keep one and describe the other's answers wrongly, so the tests require none.
pub fn schema_conflicts() -> Vec<String> {
    let mut components: Components = Vec::new();
    for s in specs() {
        operation(&s, &mut components);
    }
    let mut seen: BTreeMap<String, Value> = BTreeMap::new();
    let mut conflicts = Vec::new();
    for (name, schema) in components {
        let v = serde_json::to_value(schema).unwrap_or(Value::Null);
        match seen.get(&name) {
            Some(prev) if *prev != v => conflicts.push(name),
            Some(_) => {}
            None => {
                seen.insert(name, v);
            }
        }
    }
    conflicts.sort();
    conflicts.dedup();
    conflicts
}

pub async fn openapi_json() -> Response {
    Json(document()).into_response()
}

/// A schema's type in a few words: `string`, `integer | null`, `[Department]`, `Matter`.
fn type_label(s: &Value) -> String {
    if let Some(r) = s["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(alts) = s[key].as_array() {
            return alts.iter().map(type_label).collect::<Vec<_>>().join(" | ");
        }
    }
    let types: Vec<String> = match &s["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => vec!["any".to_owned()],
    };
    types
        .into_iter()
        .map(|t| match t.as_str() {
            "array" => format!("[{}]", type_label(&s["items"])),
            "string" if s["contentMediaType"].is_string() => {
                format!("bytes ({})", s["contentMediaType"].as_str().unwrap_or(""))
            }
            _ => t,
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The fields of an object schema (following one `$ref`), with types and required marks.
fn fields(schema: &Value, schemas: &Value) -> Markup {
    let resolved = match schema["$ref"].as_str() {
        Some(r) => &schemas[r.rsplit('/').next().unwrap_or(r)],
        None => schema,
    };
    let required: Vec<&str> = resolved["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    html! {
        p { code { (type_label(schema)) } }
        @if let Some(props) = resolved["properties"].as_object() {
            table.data {
                thead { tr { th { "字段 Field" } th { "类型 Type" } th { "必填 Required" } } }
                tbody {
                    @for (name, p) in props {
                        tr {
                            td { code { (name) } }
                            td { @if let Some(r) = p["$ref"].as_str() { a href={ "#schema-" (r.rsplit('/').next().unwrap_or(r)) } { (type_label(p)) } } @else { (type_label(p)) } }
                            td { @if required.contains(&name.as_str()) { "是 yes" } @else { "否 no" } }
                        }
                    }
                }
            }
        }
    }
}

fn body_cell(content: &Value, schemas: &Value) -> Markup {
    html! {
        @if let Some(c) = content.as_object() {
            @for (media, m) in c {
                p.muted { (media) }
                (fields(&m["schema"], schemas))
            }
        } @else {
            p.muted { "无 none" }
        }
    }
}

pub async fn docs_page(State(_state): State<AppState>) -> Response {
    let doc = document();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let schemas = &doc["components"]["schemas"];
    let body = html! {
        div.api-docs {
            h1 { "接口文档 API documentation" }
            p { "OpenAPI 3.1: " a href="/api/v1/openapi.json" { "/api/v1/openapi.json" } }
            p.muted { (doc["info"]["description"].as_str().unwrap_or("")) }
            @for (path, ops) in &paths {
                @if let Some(ops) = ops.as_object() {
                    @for (method, op) in ops {
                        details {
                            summary {
                                code { (method.to_uppercase()) " " (path) } " — " (op["summary"].as_str().unwrap_or(""))
                                " · " (op["x-permission"].as_str().unwrap_or(if op["security"].as_array().is_some_and(Vec::is_empty) { "公开 public" } else { "登录 signed in" }))
                            }
                            @let params: Vec<&Value> = op["parameters"].as_array().map(|p| p.iter().collect()).unwrap_or_default();
                            @if !params.is_empty() {
                                h4 { "参数 Parameters" }
                                table.data {
                                    thead { tr { th { "名称 Name" } th { "位置 In" } th { "类型 Type" } th { "必填 Required" } } }
                                    tbody {
                                        @for p in params {
                                            tr {
                                                td { code { (p["name"].as_str().unwrap_or("")) } }
                                                td { (p["in"].as_str().unwrap_or("")) }
                                                td { (type_label(&p["schema"])) }
                                                td { @if p["required"] == true { "是 yes" } @else { "否 no" } }
                                            }
                                        }
                                    }
                                }
                            }
                            h4 { "请求 Request" }
                            (body_cell(&op["requestBody"]["content"], schemas))
                            @if let Some(responses) = op["responses"].as_object() {
                                @for (status, r) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
                                    h4 { "响应 Response " (status) }
                                    (body_cell(&r["content"], schemas))
                                }
                            }
                        }
                    }
                }
            }
            h2 { "数据结构 Schemas" }
            @if let Some(all) = schemas.as_object() {
                @for (name, s) in all {
                    details id={ "schema-" (name) } {
                        summary { code { (name) } }
                        (fields(s, schemas))
                    }
                }
            }
        }
    };
    Html(crate::layout::bare(fgf_app::Lang::Zh, "接口文档", body, false).into_string())
        .into_response()
}

//! The OpenAPI document tells the truth: every `/api/v1` route declares its request and its
//! response, every `$ref` resolves, and real answers from the demo district match the
//! declared schemas (checked by a small validator below: required properties, primitive
//! types, array items, `$ref`s, `oneOf`/`anyOf`/`allOf`).

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use fgf_web::routes::Body;
use fgf_web::Surface;
use serde_json::Value;

#[test]
fn every_api_route_declares_its_request_and_response() {
    let mut missing = Vec::new();
    for s in fgf_web::routes::specs()
        .iter()
        .filter(|s| s.surface == Surface::Api || s.path == "/healthz")
    {
        if matches!(s.request, Body::Undeclared) {
            missing.push(format!("{} {}: request", s.method, s.path));
        }
        let (status, body) = &s.response;
        if matches!(body, Body::Undeclared) || (*status != 204 && matches!(body, Body::None)) {
            missing.push(format!("{} {}: response", s.method, s.path));
        }
        if matches!(s.request, Body::Json(_) | Body::Raw(_) | Body::Multipart(_))
            && matches!(s.method, "GET" | "DELETE")
        {
            missing.push(format!("{} {}: a body on {}", s.method, s.path, s.method));
        }
    }
    assert!(missing.is_empty(), "undeclared:\n{}", missing.join("\n"));
}

fn collect_refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => collect_refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

fn resolve<'a>(doc: &'a Value, r: &str) -> Option<&'a Value> {
    let ptr = r.strip_prefix('#')?;
    doc.pointer(ptr).filter(|v| !v.is_null())
}

#[test]
fn the_document_is_3_1_and_every_ref_resolves() {
    let doc = fgf_web::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 50, "few refs: {}", refs.len());
    let broken: Vec<&&str> = refs.iter().filter(|r| resolve(&doc, r).is_none()).collect();
    assert!(broken.is_empty(), "unresolved: {broken:?}");
    // 3.0 forms that 3.1 dropped.
    let text = doc.to_string();
    assert!(
        !text.contains("\"nullable\""),
        "`nullable` is not OpenAPI 3.1"
    );
    let conflicts = fgf_web::openapi::schema_conflicts();
    assert!(conflicts.is_empty(), "one name, two schemas: {conflicts:?}");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("Department") && schemas.contains_key("Error"));
    // Operations carry their bodies.
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    assert!(login["requestBody"]["content"]["application/json"]["schema"]["$ref"].is_string());
    assert!(login["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].is_string());
    let users = &doc["paths"]["/api/v1/users"]["get"]["parameters"];
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        names.contains(&"page") && names.contains(&"per_page") && names.contains(&"department_id")
    );
}

/// Checks `v` against `schema`; pushes one line per mismatch.
fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        match resolve(doc, r) {
            Some(s) => check(doc, s, v, at, errors),
            None => errors.push(format!("{at}: unresolved {r}")),
        }
        return;
    }
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            check(doc, s, v, at, errors);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = schema[key].as_array() {
            let fits = alts.iter().any(|s| {
                let mut e = Vec::new();
                check(doc, s, v, at, &mut e);
                e.is_empty()
            });
            if !fits {
                errors.push(format!("{at}: fits no {key} alternative: {v}"));
                return;
            }
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() {
        let fits = types.iter().any(|t| match *t {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "string" => v.is_string(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => true,
        });
        if !fits {
            errors.push(format!("{at}: {v} is not {types:?}"));
            return;
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(v) {
            errors.push(format!("{at}: {v} not in {values:?}"));
        }
    }
    if let Some(obj) = v.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or("");
            if !obj.contains_key(name) {
                errors.push(format!("{at}: missing required `{name}`"));
            }
        }
        let props = schema["properties"].as_object();
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(doc, s, x, &format!("{at}.{k}"), errors),
                None => {
                    if schema["additionalProperties"].is_object() {
                        check(
                            doc,
                            &schema["additionalProperties"],
                            x,
                            &format!("{at}.{k}"),
                            errors,
                        );
                    } else if props.is_some() && schema["additionalProperties"] != true {
                        errors.push(format!("{at}: undeclared property `{k}`"));
                    }
                }
            }
        }
    }
    if let Some(items) = v.as_array() {
        if schema["items"].is_object() {
            for (i, x) in items.iter().enumerate() {
                check(doc, &schema["items"], x, &format!("{at}[{i}]"), errors);
            }
        }
    }
}

#[test]
fn the_checker_catches_lies() {
    let doc = serde_json::json!({ "components": { "schemas": {
        "A": { "type": "object", "required": ["n"], "properties": { "n": { "type": "integer" }, "s": { "type": ["string", "null"] }, "xs": { "type": "array", "items": { "$ref": "#/components/schemas/A" } } } }
    } } });
    let a = serde_json::json!({ "$ref": "#/components/schemas/A" });
    let mut e = Vec::new();
    check(
        &doc,
        &a,
        &serde_json::json!({ "n": 1, "s": null, "xs": [{ "n": 2 }] }),
        "$",
        &mut e,
    );
    assert!(e.is_empty(), "{e:?}");
    check(
        &doc,
        &a,
        &serde_json::json!({ "s": 1, "xs": [{ "n": "2" }], "extra": 0 }),
        "$",
        &mut e,
    );
    assert_eq!(e.len(), 4, "{e:?}");
}

/// The declared 2xx JSON schema of an operation.
fn response_schema<'a>(doc: &'a Value, method: &str, route: &str) -> (&'a str, &'a Value) {
    let responses = &doc["paths"][route][method.to_lowercase()]["responses"];
    let (status, r) = responses
        .as_object()
        .and_then(|m| m.iter().find(|(s, _)| s.starts_with('2')))
        .unwrap_or_else(|| panic!("{method} {route}: no success response"));
    (status.as_str(), &r["content"]["application/json"]["schema"])
}

struct Checker<'a> {
    d: &'a District,
    doc: Value,
    errors: Vec<String>,
    checked: usize,
}

impl Checker<'_> {
    /// GETs `path` (an instance of `route`) as `token` and checks the answer; returns it.
    async fn get(&mut self, token: Option<&str>, route: &str, path: &str) -> Value {
        let r = self.d.api(Method::GET, path, token, None).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.text());
        let body = r.json();
        let (_, schema) = response_schema(&self.doc, "GET", route);
        assert!(schema.is_object(), "GET {route}: no JSON schema");
        let before = self.errors.len();
        check(&self.doc, schema, &body, path, &mut self.errors);
        if self.errors.len() > before {
            self.errors.push(format!("  (answer of {path}: {body})"));
        }
        self.checked += 1;
        body
    }
}

fn first_id(list: &Value, key: &str) -> String {
    match &list["items"][0][key] {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

#[tokio::test]
async fn real_answers_match_their_declared_schemas() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let auditor = d.token("auditor").await;
    let security = d.token("security").await;
    let keeper = d.token("keeper").await;
    let clerk = d.token("clerk").await;
    let reform = d.token("reform").await;
    let doc = d
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let mut c = Checker {
        d: &d,
        doc,
        errors: Vec::new(),
        checked: 0,
    };

    // Operations and the base.
    c.get(None, "/healthz", "/healthz").await;
    c.get(Some(&admin), "/api/v1/auth/me", "/api/v1/auth/me")
        .await;
    let depts = c
        .get(
            Some(&admin),
            "/api/v1/departments",
            "/api/v1/departments?per_page=5",
        )
        .await;
    let dept = first_id(&depts, "id");
    c.get(
        Some(&admin),
        "/api/v1/departments/{id}",
        &format!("/api/v1/departments/{dept}"),
    )
    .await;
    let users = c
        .get(Some(&admin), "/api/v1/users", "/api/v1/users?per_page=5")
        .await;
    let user = first_id(&users, "id");
    c.get(
        Some(&admin),
        "/api/v1/users/{id}",
        &format!("/api/v1/users/{user}"),
    )
    .await;
    c.get(Some(&admin), "/api/v1/roles", "/api/v1/roles").await;
    c.get(Some(&auditor), "/api/v1/audit", "/api/v1/audit?per_page=20")
        .await;
    c.get(
        Some(&auditor),
        "/api/v1/audit/verify",
        "/api/v1/audit/verify",
    )
    .await;
    c.get(Some(&security), "/api/v1/login-log", "/api/v1/login-log")
        .await;
    c.get(Some(&security), "/api/v1/refusals", "/api/v1/refusals")
        .await;
    c.get(
        None,
        "/api/v1/calendar/is-workday",
        "/api/v1/calendar/is-workday?date=2026-10-01",
    )
    .await;
    c.get(
        None,
        "/api/v1/calendar/add-workdays",
        "/api/v1/calendar/add-workdays?date=2026-09-30&n=3",
    )
    .await;
    c.get(
        None,
        "/api/v1/calendar/workdays-between",
        "/api/v1/calendar/workdays-between?from=2026-09-30&to=2026-10-10",
    )
    .await;
    c.get(None, "/api/v1/calendar/years", "/api/v1/calendar/years")
        .await;
    c.get(
        None,
        "/api/v1/ids/check",
        "/api/v1/ids/check?code=91350100M000100Y43",
    )
    .await;
    let dicts = c
        .get(Some(&admin), "/api/v1/dictionaries", "/api/v1/dictionaries")
        .await;
    let dict = first_id(&dicts, "code");
    c.get(
        Some(&admin),
        "/api/v1/dictionaries/{code}",
        &format!("/api/v1/dictionaries/{dict}"),
    )
    .await;
    c.get(
        Some(&clerk),
        "/api/v1/notifications",
        "/api/v1/notifications",
    )
    .await;
    d.evidence(&clerk).await;
    c.get(Some(&clerk), "/api/v1/files", "/api/v1/files").await;
    c.get(Some(&admin), "/api/v1/jobs", "/api/v1/jobs").await;

    // The catalogue: the search and the list are two shapes of one route.
    c.get(
        None,
        "/api/v1/matters",
        "/api/v1/matters?q=%E8%AE%B8%E5%8F%AF",
    )
    .await;
    let matters = c
        .get(None, "/api/v1/matters", "/api/v1/matters?per_page=5")
        .await;
    let code = first_id(&matters, "code");
    c.get(
        None,
        "/api/v1/matters/{code}",
        &format!("/api/v1/matters/{code}"),
    )
    .await;
    c.get(
        Some(&keeper),
        "/api/v1/matters/{code}/versions",
        &format!("/api/v1/matters/{code}/versions"),
    )
    .await;
    c.get(
        Some(&keeper),
        "/api/v1/matters/{code}/diff",
        &format!("/api/v1/matters/{code}/diff?from=1&to=1"),
    )
    .await;
    c.get(
        Some(&keeper),
        "/api/v1/catalog/handovers",
        "/api/v1/catalog/handovers",
    )
    .await;
    c.get(
        Some(&keeper),
        "/api/v1/catalog/reports/{key}",
        "/api/v1/catalog/reports/by_kind",
    )
    .await;

    // Processes: definitions, an instance started here, the inbox and a work item's form.
    let defs = c
        .get(Some(&admin), "/api/v1/processes", "/api/v1/processes")
        .await;
    let def = first_id(&defs, "id");
    c.get(
        Some(&admin),
        "/api/v1/processes/{id}",
        &format!("/api/v1/processes/{def}"),
    )
    .await;
    let started = d
        .api(
            Method::POST,
            "/api/v1/processes/licence_approval/start",
            Some(&clerk),
            Some(serde_json::json!({ "vars": { "amount": 1 }, "business_key": "SCHEMA-1" })),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text());
    let instance = started.json()["instance_id"].as_i64().unwrap();
    let inst = c
        .get(
            Some(&clerk),
            "/api/v1/instances/{id}",
            &format!("/api/v1/instances/{instance}"),
        )
        .await;
    c.get(
        Some(&clerk),
        "/api/v1/instances/{id}/history",
        &format!("/api/v1/instances/{instance}/history"),
    )
    .await;
    c.get(Some(&clerk), "/api/v1/tasks", "/api/v1/tasks?box=todo")
        .await;
    c.get(Some(&clerk), "/api/v1/tasks", "/api/v1/tasks?box=copies")
        .await;
    let item = inst["work_items"][0]["id"].as_i64().unwrap();
    c.get(
        Some(&clerk),
        "/api/v1/tasks/{id}/form",
        &format!("/api/v1/tasks/{item}/form"),
    )
    .await;

    // Reform: plans, the plan document, the board, the reviews.
    let plans = c.get(Some(&reform), "/api/v1/plans", "/api/v1/plans").await;
    let plan = first_id(&plans, "id");
    c.get(
        Some(&reform),
        "/api/v1/plans/{id}",
        &format!("/api/v1/plans/{plan}"),
    )
    .await;
    let tasks = c
        .get(
            Some(&reform),
            "/api/v1/plans/{id}/tasks",
            &format!("/api/v1/plans/{plan}/tasks"),
        )
        .await;
    let task = tasks["items"][0]["task"]["id"].as_i64().unwrap();
    c.get(
        Some(&reform),
        "/api/v1/reform-tasks/{id}/reports",
        &format!("/api/v1/reform-tasks/{task}/reports"),
    )
    .await;
    c.get(
        Some(&reform),
        "/api/v1/coordination-cases",
        "/api/v1/coordination-cases",
    )
    .await;
    c.get(
        Some(&reform),
        "/api/v1/plans/{id}/consultation-report",
        &format!("/api/v1/plans/{plan}/consultation-report"),
    )
    .await;
    let published = plans["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["published_at_ms"].is_i64())
        .map(|p| p["id"].clone());
    if let Some(p) = published {
        c.get(
            Some(&reform),
            "/api/v1/plans/{id}/diff",
            &format!("/api/v1/plans/{p}/diff?from=1"),
        )
        .await;
    }
    c.get(
        Some(&reform),
        "/api/v1/reform-notices",
        "/api/v1/reform-notices?all=true",
    )
    .await;
    c.get(
        Some(&reform),
        "/api/v1/plans/{id}/dashboard",
        &format!("/api/v1/plans/{plan}/dashboard"),
    )
    .await;
    c.get(
        Some(&reform),
        "/api/v1/plans/{id}/inspections",
        &format!("/api/v1/plans/{plan}/inspections"),
    )
    .await;
    c.get(
        Some(&reform),
        "/api/v1/plans/{id}/findings",
        &format!("/api/v1/plans/{plan}/findings"),
    )
    .await;
    c.get(
        Some(&reform),
        "/api/v1/reform-findings",
        "/api/v1/reform-findings",
    )
    .await;
    let assessments = c
        .get(
            Some(&reform),
            "/api/v1/plans/{id}/assessments",
            &format!("/api/v1/plans/{plan}/assessments"),
        )
        .await;
    if let Some(a) = assessments["items"][0]["id"].as_i64() {
        c.get(
            Some(&reform),
            "/api/v1/assessments/{id}",
            &format!("/api/v1/assessments/{a}"),
        )
        .await;
    }
    c.get(Some(&reform), "/api/v1/merits", "/api/v1/merits")
        .await;
    c.get(Some(&reform), "/api/v1/innovations", "/api/v1/innovations")
        .await;
    let bulletins = c
        .get(
            Some(&reform),
            "/api/v1/plans/{id}/bulletins",
            &format!("/api/v1/plans/{plan}/bulletins"),
        )
        .await;
    if let Some(b) = bulletins["items"][0]["id"].as_i64() {
        c.get(
            Some(&reform),
            "/api/v1/bulletins/{id}",
            &format!("/api/v1/bulletins/{b}"),
        )
        .await;
    }

    // The documentation page shows each route's schemas, without script.
    let page = d.api(Method::GET, "/api/docs", None, None).await.text();
    assert!(page.contains("<details") && page.contains("LoginAnswer"));
    assert!(page.contains("needs_totp_enrolment") && page.contains("请求 Request"));
    assert!(page.contains("响应 Response") && !page.contains("<script"));

    assert!(
        c.errors.is_empty(),
        "answers that break their schema:\n{}",
        c.errors.join("\n")
    );
    assert!(c.checked >= 50, "checked {}", c.checked);
    d.cleanup().await;
}

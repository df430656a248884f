//! Every collection an API client can add to, it can also list (issue 12): `{items, total}`,
//! `page` and `per_page`, only what the caller may see, and a refusal that says which.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use serde_json::{json, Value};

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {v}"))
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// The last segments of creating POSTs that are actions on a thing, not collections of
/// things: each of these answers with the thing it acted on, so it has nothing to list.
const ACTIONS: &[&str] = &[
    "login",
    "logout",
    "password",
    "department",
    "register",
    "recover",
    "confirm",
    "unlock",
    "totp-reset",
    "password-reset",
    "read",
    "check",
    "start",
    "control",
    "{id}",
    "messages",
    "signals",
    "compile",
    "deploy",
    "acceptance",
    "resolve",
    "consultation",
    "replies",
    "disposition",
    "steps",
    "response",
    "sweep",
    "clock",
    "rectification",
    "verification",
    "quality",
    "publish",
    "appeal",
    "appeal-decision",
    "review",
    "submit",
    "phrases",
    "import",
    "posts",
    "intake",
    "supplement",
    "pause",
    "resume",
    "extension",
    "bar",
    "window",
    "review-assignment",
    "decision",
    "delivery",
    "status",
    "commitment-check",
];

/// A POST that adds to a collection has a GET on the same path; a new POST-only route must
/// either get its list or be named above as an action, so none slips through unlisted.
#[test]
fn every_api_collection_that_can_be_created_can_be_listed() {
    let specs = fgf_web::routes::specs();
    let mut unlisted = Vec::new();
    for s in specs
        .iter()
        .filter(|s| s.method == "POST" && s.path.starts_with("/api/v1/"))
    {
        let last = s.path.rsplit('/').next().unwrap_or("");
        let has_get = specs.iter().any(|g| g.method == "GET" && g.path == s.path);
        if !has_get && !ACTIONS.contains(&last) {
            unlisted.push(s.path);
        }
    }
    assert!(
        unlisted.is_empty(),
        "collections without a list: {unlisted:?}"
    );
    for path in [
        "/api/v1/plans",
        "/api/v1/plans/{id}/inspections",
        "/api/v1/plans/{id}/assessments",
        "/api/v1/plans/{id}/bulletins",
        "/api/v1/reform-tasks/{id}/reports",
        "/api/v1/files",
    ] {
        assert!(
            specs.iter().any(|g| g.method == "GET" && g.path == path),
            "GET {path}"
        );
    }
}

#[tokio::test]
async fn get_plans_lists_what_post_created_newest_first_with_pages_and_status() {
    let d = District::new().await;
    let reform = d.token("reform").await;
    let clerk = d.token("clerk").await;
    let (s, before) = d.call(Method::GET, "/api/v1/plans", &clerk, None).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    let demo = before["total"].as_i64().unwrap();
    let (_, drafts) = d
        .call(Method::GET, "/api/v1/plans?status=draft", &clerk, None)
        .await;
    let demo_drafts = drafts["total"].as_i64().unwrap();
    let mut made = Vec::new();
    for n in 1..=3 {
        let (s, v) = d
            .call(
                Method::POST,
                "/api/v1/plans",
                &reform,
                Some(json!({"title": format!("列表方案{n}")})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        made.push(v["id"].as_i64().unwrap());
    }
    // Any desk sees the plans; the newest first, two to a page.
    let (s, p1) = d
        .call(Method::GET, "/api/v1/plans?per_page=2", &clerk, None)
        .await;
    assert_eq!(s, StatusCode::OK, "{p1}");
    assert_eq!(p1["total"].as_i64(), Some(demo + 3));
    assert_eq!(ids(&p1), vec![made[2], made[1]]);
    assert_eq!(p1["items"][0]["title"], "列表方案3");
    let (_, p2) = d
        .call(Method::GET, "/api/v1/plans?per_page=2&page=2", &clerk, None)
        .await;
    assert_eq!(ids(&p2)[0], made[0]);
    // New plans are drafts; the demo's first plan is approved.
    let (_, drafts) = d
        .call(Method::GET, "/api/v1/plans?status=draft", &clerk, None)
        .await;
    assert_eq!(drafts["total"].as_i64(), Some(demo_drafts + 3), "{drafts}");
    assert!(drafts["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["status"] == "draft"));
    let (_, approved) = d
        .call(Method::GET, "/api/v1/plans?status=approved", &clerk, None)
        .await;
    assert!(approved["total"].as_i64() >= Some(1), "{approved}");
    assert!(approved["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["status"] == "approved"));
    assert!(!ids(&approved).iter().any(|i| made.contains(i)));

    // A status that is none of the plan's is the client's mistake, said of the field.
    let (s, v) = d
        .call(Method::GET, "/api/v1/plans?status=open", &clerk, None)
        .await;
    assert_eq!(
        (s, v["error"]["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("status")),
        "{v}"
    );
    let (s, v) = d
        .call(Method::GET, "/api/v1/plans?page=x", &clerk, None)
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query")),
        "{v}"
    );
    // Applicants have no desk: the plans are not theirs to read.
    let citizen = d.token("citizen").await;
    let (s, v) = d.call(Method::GET, "/api/v1/plans", &citizen, None).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("permission_denied")),
        "{v}"
    );
    let r = d.api(Method::GET, "/api/v1/plans", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_plans_inspections_assessments_bulletins_and_a_tasks_reports_can_be_listed() {
    let d = District::new().await;
    d.clock.set_ms(1_772_380_800_000); // 2026-03-02
    let reform = d.token("reform").await;
    let keeper = d.token("keeper").await; // 区市场监管局 D04
    let (_, v) = d
        .call(
            Method::POST,
            "/api/v1/plans",
            &reform,
            Some(json!({"title": "列表演练方案"})),
        )
        .await;
    let plan = v["id"].as_i64().unwrap();
    let (s, v) = d.call(Method::POST, &format!("/api/v1/plans/{plan}/tasks"), &reform, Some(json!({"code": "1", "title": "任务1", "category": "放管服", "start": "2026-03-02", "deadline": "2026-06-30", "lead": "D04"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, tasks) = d
        .call(
            Method::GET,
            &format!("/api/v1/plans/{plan}/tasks"),
            &reform,
            None,
        )
        .await;
    let task = tasks["items"][0]["task"]["id"].as_i64().unwrap();

    for pct in [20, 40] {
        let (s, v) = d
            .call(
                Method::POST,
                &format!("/api/v1/reform-tasks/{task}/reports"),
                &keeper,
                Some(json!({"percent": pct, "done": format!("完成{pct}%")})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, reports) = d
        .call(
            Method::GET,
            &format!("/api/v1/reform-tasks/{task}/reports?per_page=1"),
            &reform,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{reports}");
    assert_eq!(reports["total"].as_i64(), Some(2));
    assert_eq!(
        reports["items"][0]["percent"].as_i64(),
        Some(40),
        "{reports}"
    );
    assert_eq!(reports["items"].as_array().unwrap().len(), 1);

    let (s, v) = d.call(Method::POST, &format!("/api/v1/plans/{plan}/inspections"), &reform, Some(json!({"title": "一季度督查", "held_on": "2026-03-18", "findings": [{"task": "1", "finding": "台账不全", "rectify_by": "2026-04-10"}]}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let inspection = v["id"].as_i64().unwrap();
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/plans/{plan}/assessments"),
            &reform,
            Some(json!({"title": "一季度考核", "from": "2026-03-01", "to": "2026-03-31"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let assessment = v["id"].as_i64().unwrap();
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/plans/{plan}/bulletins"),
            &reform,
            Some(json!({"from": "2026-03-01", "to": "2026-03-31"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let bulletin = v["id"].as_i64().unwrap();

    // Every desk reads them, the unit's keeper too.
    for (what, id) in [
        ("inspections", inspection),
        ("assessments", assessment),
        ("bulletins", bulletin),
    ] {
        let (s, v) = d
            .call(
                Method::GET,
                &format!("/api/v1/plans/{plan}/{what}"),
                &keeper,
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{what}: {v}");
        assert_eq!(
            (ids(&v), v["total"].as_i64()),
            (vec![id], Some(1)),
            "{what}: {v}"
        );
    }
    // A bulletin's content is served by its own route, not repeated in the list.
    let (_, v) = d
        .call(
            Method::GET,
            &format!("/api/v1/plans/{plan}/bulletins"),
            &reform,
            None,
        )
        .await;
    assert!(v["items"][0].get("body").is_none(), "{v}");
    assert_eq!(v["items"][0]["period_to"], "2026-03-31");
    // Another plan's lists do not show this plan's rounds.
    let (_, other) = d
        .call(Method::GET, "/api/v1/plans/1/inspections", &reform, None)
        .await;
    assert!(!ids(&other).contains(&inspection), "{other}");

    // A plan or task that does not exist is a 404, not an empty list.
    for path in [
        "/api/v1/plans/999999/inspections",
        "/api/v1/plans/999999/assessments",
        "/api/v1/plans/999999/bulletins",
        "/api/v1/reform-tasks/999999/reports",
    ] {
        let (s, v) = d.call(Method::GET, path, &reform, None).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{path}: {v}"
        );
    }
    let citizen = d.token("citizen").await;
    let (s, v) = d
        .call(
            Method::GET,
            &format!("/api/v1/reform-tasks/{task}/reports"),
            &citizen,
            None,
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("permission_denied")),
        "{v}"
    );
}

/// Uploads are listed to the one who uploaded them, and to nobody else.
#[tokio::test]
async fn get_files_lists_only_the_callers_uploads() {
    let d = District::new().await;
    let clerk = d.token("clerk").await;
    let keeper = d.token("keeper").await;
    let mine = d
        .raw(
            Method::POST,
            "/api/v1/files?name=申请书.pdf",
            Some(&clerk),
            "application/pdf",
            b"%PDF-1.4 list me".to_vec(),
        )
        .await
        .json();
    let theirs = d
        .raw(
            Method::POST,
            "/api/v1/files?name=样表.pdf",
            Some(&keeper),
            "application/pdf",
            b"%PDF-1.4 not yours".to_vec(),
        )
        .await
        .json();
    let hashes = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["content_hash"].as_str().unwrap().to_owned())
            .collect()
    };
    let (s, v) = d.call(Method::GET, "/api/v1/files", &clerk, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(hashes(&v).contains(&mine["content_hash"].as_str().unwrap().to_owned()));
    assert!(!hashes(&v).contains(&theirs["content_hash"].as_str().unwrap().to_owned()));
    assert_eq!(v["total"].as_i64(), Some(hashes(&v).len() as i64));
    assert_eq!(v["items"][0]["original_name"], "申请书.pdf");
    let (_, k) = d.call(Method::GET, "/api/v1/files", &keeper, None).await;
    assert!(!hashes(&k).contains(&mine["content_hash"].as_str().unwrap().to_owned()));
}

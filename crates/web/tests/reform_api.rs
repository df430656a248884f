//! Reform-task supervision (督) through the API: tasks with lead units, dependencies and
//! milestones; progress reports by the lead unit only; the status light at its boundaries as
//! time passes; completion claimed and confirmed; parents rolled up from their subtasks.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use serde_json::{json, Value};

/// 2026-03-02 (a Monday) 00:00 +08:00.
const MARCH_2: i64 = 1_772_380_800_000;
const DAY: i64 = 86_400_000;

async fn board(d: &District, token: &str, plan: i64) -> Vec<Value> {
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/plans/{plan}/tasks"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

fn find<'a>(tasks: &'a [Value], code: &str) -> &'a Value {
    tasks.iter().find(|t| t["task"]["code"] == code).unwrap()
}

#[tokio::test]
async fn tasks_follow_their_lights_dependencies_and_the_lead_unit() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    let ev = d.evidence(&reform).await;
    let keeper = d.token("keeper").await; // 区市场监管局
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&keeper),
            Some(json!({"title": "x"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only the reform office plans"
    );
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&reform),
            Some(json!({"title": "示范区放管服改革实施方案", "report_day": 25})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let plan = r.json()["id"].as_i64().unwrap();
    let add = |body: Value| {
        let d = &d;
        let reform = reform.clone();
        async move {
            d.api(
                Method::POST,
                &format!("/api/v1/plans/{plan}/tasks"),
                Some(&reform),
                Some(body),
            )
            .await
        }
    };
    let r = add(json!({"code": "1", "title": "公布权责清单", "category": "放管服", "start": "2026-03-02", "deadline": "2026-04-30", "lead": "D04", "owner": "陈静", "milestones": [{"title": "清单初稿", "due": "2026-03-31"}]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let first = r.json()["id"].as_i64().unwrap();
    // A dependency on a later-due task is allowed and flagged.
    let r = add(json!({"code": "2", "title": "一网通办", "category": "放管服", "start": "2026-03-02", "deadline": "2026-04-15", "lead": "D02", "depends_on": ["1"]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["warnings"], json!(["1"]));
    let second = r.json()["id"].as_i64().unwrap();
    // Bad input: unknown category, deadline before start, unknown dependency, a cycle.
    for (body, field) in [
        (
            json!({"code": "3", "title": "x", "category": "乱写", "start": "2026-03-02", "deadline": "2026-04-15", "lead": "D02"}),
            "category",
        ),
        (
            json!({"code": "3", "title": "x", "category": "其他", "start": "2026-05-02", "deadline": "2026-04-15", "lead": "D02"}),
            "deadline",
        ),
        (
            json!({"code": "3", "title": "x", "category": "其他", "start": "2026-03-02", "deadline": "2026-04-15", "lead": "D02", "depends_on": ["9"]}),
            "depends_on",
        ),
        (
            json!({"code": "3", "title": "x", "category": "其他", "start": "2026-03-02", "deadline": "2026-04-15", "lead": "D99"}),
            "lead",
        ),
    ] {
        let r = add(body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["details"]["field"], field);
    }
    let r = add(json!({"code": "1", "title": "重复", "category": "其他", "start": "2026-03-02", "deadline": "2026-04-15", "lead": "D02"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    // Subtasks roll up into their parent.
    for (code, lead, weight) in [("1.1", "D04", 3), ("1.2", "D03", 1)] {
        let r = add(json!({"code": code, "parent_code": "1", "title": format!("子任务{code}"), "category": "放管服", "start": "2026-03-02", "deadline": "2026-04-30", "lead": lead, "weight": weight})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let tasks = board(&d, &reform, plan).await;
    assert!(tasks.iter().all(|t| t["light"] == "green"), "{tasks:?}");
    assert_eq!(find(&tasks, "2")["depends_on"], json!(["1"]));
    // Only the lead unit reports.
    let sub = find(&tasks, "1.1")["task"]["id"].as_i64().unwrap();
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{second}/reports"),
            Some(&keeper),
            Some(json!({"percent": 30, "done": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{sub}/reports"),
            Some(&keeper),
            Some(json!({"percent": 80, "done": "初稿完成"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let tasks = board(&d, &reform, plan).await;
    // (3 × 80 + 1 × 0) / 4 = 60.
    assert_eq!(find(&tasks, "1")["progress"], 60);
    // Completion needs every dependency completed.
    let reviewer = d.token("reviewer").await; // 区市场监管局 and 区行政审批局
    let clerk = d.token("clerk").await;
    let _ = (&reviewer, &clerk);
    // Completion is claimed with evidence, or not at all.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{first}/reports"),
            Some(&keeper),
            Some(json!({"percent": 100, "done": "已公布", "claim_completion": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        r.json()["error"]["details"]["field"],
        "evidence",
        "{}",
        r.text()
    );
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{first}/reports"),
            Some(&keeper),
            Some(json!({"percent": 100, "done": "已公布", "claim_completion": true, "evidence": [ev]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Near the milestone with little progress: yellow. The milestone is 2026-03-31; on
    // 2026-03-25, 4 working days before it, task 2 (0%) is behind its time.
    // Sessions expire when the clock jumps: sign in again after each jump.
    d.clock.set_ms(MARCH_2 + 23 * DAY);
    let reform = d.token("reform").await;
    let tasks = board(&d, &reform, plan).await;
    assert_eq!(
        find(&tasks, "1.2")["light"],
        "green",
        "nothing near for 1.2 yet"
    );
    assert_eq!(
        find(&tasks, "2")["light"],
        "green",
        "task 2's deadline is not near yet"
    );
    // Two working days before task 2's deadline with nothing done: yellow, and why.
    d.clock.set_ms(MARCH_2 + 42 * DAY); // 2026-04-13, a Monday
    let reform = d.token("reform").await;
    let tasks = board(&d, &reform, plan).await;
    let t2 = find(&tasks, "2");
    assert_eq!(t2["light"], "yellow", "{t2}");
    assert!(
        t2["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("落后于时间进度")),
        "{t2}"
    );
    // A missed monthly report (due on the 25th of March) also shows.
    assert!(
        find(&tasks, "1.2")["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("未报送"))
            || find(&tasks, "1.2")["light"] == "yellow",
        "{tasks:?}"
    );
    // After the deadline of task 2: red, with the working days overdue.
    d.clock.set_ms(MARCH_2 + 45 * DAY); // 2026-04-16
    let reform = d.token("reform").await;
    let tasks = board(&d, &reform, plan).await;
    let t2 = find(&tasks, "2");
    assert_eq!(t2["light"], "red", "{t2}");
    assert!(
        t2["reasons"][0]
            .as_str()
            .unwrap()
            .contains("已超过完成时限"),
        "{t2}"
    );
    // The claim on task 1 is confirmed by the reform office: done.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{first}/confirm"),
            Some(&reform),
            Some(json!({"confirm": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let tasks = board(&d, &reform, plan).await;
    // A parent's light is its children's worst, whatever its own status.
    assert_ne!(find(&tasks, "1")["light"], "done");
    // Task 2 may now claim completion: its dependency is done.
    let lead2 = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{second}/confirm"),
            Some(&reform),
            Some(json!({"confirm": true})),
        )
        .await;
    assert_eq!(lead2.status, StatusCode::CONFLICT, "not claimed yet");
    d.cleanup().await;
}

#[tokio::test]
async fn a_dependency_cycle_and_an_early_completion_are_refused() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    let ev = d.evidence(&reform).await;
    let keeper = d.token("keeper").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&reform),
            Some(json!({"title": "方案"})),
        )
        .await;
    let plan = r.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/plans/{plan}/tasks");
    let r = d
        .api(Method::POST, &path, Some(&reform), Some(json!({"code": "A", "title": "甲", "category": "其他", "start": "2026-03-02", "deadline": "2026-04-30", "lead": "D04"})))
        .await;
    let a = r.json()["id"].as_i64().unwrap();
    let r = d
        .api(Method::POST, &path, Some(&reform), Some(json!({"code": "B", "title": "乙", "category": "其他", "start": "2026-03-02", "deadline": "2026-05-30", "lead": "D04", "depends_on": ["A"]})))
        .await;
    let b = r.json()["id"].as_i64().unwrap();
    // A task depending on itself is a cycle.
    let r = d
        .api(Method::POST, &path, Some(&reform), Some(json!({"code": "C", "title": "丙", "category": "其他", "start": "2026-03-02", "deadline": "2026-05-30", "lead": "D04", "depends_on": ["C"]})))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    // B cannot be claimed complete while A is open.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{b}/reports"),
            Some(&keeper),
            Some(
                json!({"percent": 100, "done": "完成", "claim_completion": true, "evidence": [ev]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("前置任务"));
    // A confirmed, then B may claim; sending back needs a reason.
    d.api(
        Method::POST,
        &format!("/api/v1/reform-tasks/{a}/reports"),
        Some(&keeper),
        Some(json!({"percent": 100, "done": "完成", "claim_completion": true, "evidence": [ev]})),
    )
    .await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{a}/confirm"),
            Some(&reform),
            Some(json!({"confirm": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{a}/confirm"),
            Some(&reform),
            Some(json!({"confirm": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{b}/reports"),
            Some(&keeper),
            Some(
                json!({"percent": 100, "done": "完成", "claim_completion": true, "evidence": [ev]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // A completed task takes no more reports.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/reform-tasks/{a}/reports"),
            Some(&keeper),
            Some(json!({"percent": 100, "done": "再报"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let tasks = board(&d, &reform, plan).await;
    assert_eq!(find(&tasks, "A")["light"], "done");
    d.cleanup().await;
}

#[tokio::test]
async fn the_demo_plan_shows_every_light_on_the_board() {
    let d = District::new().await;
    let reform = d.token("reform").await;
    let plans = d.app.store().list_plans().await.unwrap();
    let plan = plans
        .iter()
        .find(|p| p.status.as_str() == "approved")
        .unwrap()
        .id;
    let tasks = board(&d, &reform, plan).await;
    let top: Vec<&Value> = tasks
        .iter()
        .filter(|t| t["task"]["parent_id"].is_null())
        .collect();
    assert!(top.len() >= 30, "at least 30 tasks: {}", top.len());
    assert!(tasks.len() > top.len(), "with subtasks");
    for light in ["red", "yellow", "green", "done"] {
        assert!(tasks.iter().any(|t| t["light"] == light), "no {light} task");
    }
    // Every red task without subtasks says why (a parent's light is its subtasks').
    let parents: Vec<&Value> = tasks
        .iter()
        .map(|t| &t["task"]["parent_id"])
        .filter(|p| !p.is_null())
        .collect();
    for t in tasks.iter().filter(|t| t["light"] == "red") {
        if !parents.contains(&&t["task"]["id"]) {
            assert!(!t["reasons"].as_array().unwrap().is_empty(), "{t}");
        }
    }
    // The demo's disputed and lapsed parts stand as coordination cases, with their age.
    let r = d
        .api(
            Method::GET,
            "/api/v1/coordination-cases",
            Some(&reform),
            None,
        )
        .await;
    let cases = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(
        cases.iter().filter(|c| c["outcome"] == "disputed").count(),
        2,
        "{cases:?}"
    );
    assert_eq!(
        cases.iter().filter(|c| c["outcome"] == "timed_out").count(),
        2,
        "{cases:?}"
    );
    assert!(cases.iter().all(|c| c["age_days"].as_i64().unwrap() > 0));
    let (session, _) = d.page_session("reform").await;
    let page = d.page(Method::GET, "/reform", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains("红灯") && text.contains("一、深化放管服改革"),
        "the board lists parts and lights"
    );
    let red = d
        .page(
            Method::GET,
            &format!("/reform?plan={plan}&light=red"),
            &session,
        )
        .await
        .text();
    assert!(red.contains(r#"<span class="light red">"#));
    assert!(
        !red.contains(r#"<span class="light green">"#),
        "the red list shows red tasks only"
    );
    d.cleanup().await;
}

async fn open_cases(d: &District, token: &str, task: i64) -> Vec<Value> {
    let r = d
        .api(Method::GET, "/api/v1/coordination-cases", Some(token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["task_id"] == task)
        .cloned()
        .collect()
}

#[tokio::test]
async fn parts_are_accepted_or_become_coordination_cases_that_the_office_settles() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    let keeper = d.token("keeper").await; // acts for 区市场监管局 (D04)
    let teacher = d.token("teacher").await; // 区教育局 (D07)
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&reform),
            Some(json!({"title": "方案"})),
        )
        .await;
    let plan = r.json()["id"].as_i64().unwrap();
    let r = d
        .api(Method::POST, &format!("/api/v1/plans/{plan}/tasks"), Some(&reform), Some(json!({"code": "1", "title": "校园食品安全", "category": "社会事业", "start": "2026-03-02", "deadline": "2026-06-30", "lead": "D07", "partners": ["D04", "D08"]})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let task = r.json()["id"].as_i64().unwrap();
    assert!(
        open_cases(&d, &reform, task).await.is_empty(),
        "nothing due yet"
    );
    // The lead accepts; one partner disputes (a reason is required); one lets it pass.
    let path = format!("/api/v1/reform-tasks/{task}/acceptance");
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&teacher),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&teacher),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "answered once");
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&keeper),
            Some(json!({"accept": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&keeper),
            Some(json!({"accept": false, "reason": "不属于我单位职责，校园食堂由教育部门监管"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cases = open_cases(&d, &reform, task).await;
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0]["outcome"], "disputed");
    assert_eq!(cases[0]["unit"], "区市场监管局");
    // A unit with no part in the task cannot answer for it.
    let clerk = d.token("leader").await;
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&clerk),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    // Five working days later the silent partner's part times out into a case too, aged.
    d.clock.set_ms(MARCH_2 + 10 * DAY);
    let reform = d.token("reform").await;
    let cases = open_cases(&d, &reform, task).await;
    assert_eq!(cases.len(), 2, "{cases:?}");
    let lapsed = cases.iter().find(|c| c["outcome"] == "timed_out").unwrap();
    assert_eq!(lapsed["unit"], "区卫健委");
    assert!(lapsed["age_days"].as_i64().unwrap() >= 1);
    // The office settles the dispute: the part stays with 区市场监管局, which is bound.
    let dispute = cases.iter().find(|c| c["outcome"] == "disputed").unwrap()["id"]
        .as_i64()
        .unwrap();
    let resolve = format!("/api/v1/coordination-cases/{dispute}/resolve");
    let keeper = d.token("keeper").await;
    let r = d
        .api(
            Method::POST,
            &resolve,
            Some(&keeper),
            Some(json!({"resolution": "x", "assign_to": "D04"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only the reform office settles"
    );
    let r = d
        .api(Method::POST, &resolve, Some(&reform), Some(json!({"resolution": "食品安全监管属市场监管职责，由区市场监管局配合", "assign_to": "D04"})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = d
        .api(
            Method::POST,
            &resolve,
            Some(&reform),
            Some(json!({"resolution": "再议", "assign_to": "D04"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        open_cases(&d, &reform, task).await.len(),
        1,
        "one case left"
    );
    d.cleanup().await;
}

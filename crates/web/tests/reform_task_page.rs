//! Issue 15, reform supervision: every task has a page with its whole file, where the units
//! answer and report and the reform office creates, splits, confirms and settles; the board and
//! the dashboard link to it; the dashboard leads with what is late, who answers for it and
//! since when; a unit with nothing due is not ranked. Runs on SQLite and, with
//! FGF_TEST_STORE=postgres, on PostgreSQL.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use serde_json::{json, Value};

/// 2026-03-02 08:00 +08:00, a Monday.
const MARCH_2: i64 = 1_772_380_800_000;

async fn post_form(
    d: &District,
    cookie: &str,
    csrf: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> common::Resp {
    let mut form: Vec<(&str, String)> = vec![("_csrf", csrf.to_owned())];
    form.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
    d.form(
        Method::POST,
        path,
        None,
        &format!("fgf_session={cookie}"),
        &form,
    )
    .await
}

#[tokio::test]
async fn a_task_page_holds_its_file_and_the_office_and_units_act_there() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    let keeper = d.token("keeper").await; // 区市场监管局 (D04)
    let r = d
        .api(
            Method::POST,
            "/api/v1/plans",
            Some(&reform),
            Some(json!({"title": "任务页测试方案", "report_day": 25})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let plan = r.json()["id"].as_i64().unwrap();
    let (office, office_csrf) = d.page_session("reform").await;

    // The office creates a task on the board: units picked by department, a milestone.
    let board = d
        .page(Method::GET, &format!("/reform?plan={plan}"), &office)
        .await
        .text();
    assert!(
        board.contains(&format!("action=\"/reform/plans/{plan}/tasks\"")),
        "the board's 新建任务 form"
    );
    let r = post_form(
        &d,
        &office,
        &office_csrf,
        &format!("/reform/plans/{plan}/tasks"),
        &[
            ("code", "1"),
            ("title", "公布市场监管权责清单"),
            ("category", "放管服"),
            ("requirement", "梳理并公布权责清单"),
            ("lead", "D04"),
            ("partners", "D07"),
            ("owner", "陈静"),
            ("start", "2026-03-02"),
            ("deadline", "2026-04-30"),
            ("milestone", "清单初稿"),
            ("milestone_due", "2026-03-31"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page_url = r.location();
    assert!(
        page_url.starts_with("/reform/tasks/") && page_url.ends_with("?msg=dossier.created"),
        "{page_url}"
    );
    let id: i64 = page_url["/reform/tasks/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let page = d.page(Method::GET, &page_url, &office).await.text();
    for shown in [
        "任务已创建",
        "梳理并公布权责清单",
        "区市场监管局",
        "区教育局",
        "待认领",
        "清单初稿",
        "陈静",
        "新增改革任务",
    ] {
        assert!(page.contains(shown), "{shown} on the task's page");
    }
    let board = d
        .page(Method::GET, &format!("/reform?plan={plan}"), &office)
        .await
        .text();
    assert!(
        board.contains(&format!("href=\"/reform/tasks/{id}\"")),
        "the board links to the task"
    );

    // The cooperating unit answers its part on the page and comes back to it.
    let (teacher, teacher_csrf) = d.page_session("teacher").await;
    let page = d
        .page(Method::GET, &format!("/reform/tasks/{id}"), &teacher)
        .await
        .text();
    assert!(
        page.contains(&format!("action=\"/reform/tasks/{id}/accept\"")),
        "the unit's part to answer"
    );
    let r = post_form(
        &d,
        &teacher,
        &teacher_csrf,
        &format!("/reform/tasks/{id}/accept"),
        &[("back", "task"), ("accept", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        r.location(),
        format!("/reform/tasks/{id}?msg=inbox.accepted")
    );
    // Only that literal sends a unit back to the page: anything else goes to the inbox.
    let page = d.page(Method::GET, &r.location(), &teacher).await.text();
    assert!(page.contains("已认领"), "{page}");

    // The office splits the task; a unit may not.
    let (kp, kp_csrf) = d.page_session("keeper").await;
    let split = [
        ("code", "1.1"),
        ("title", "梳理食品领域权责"),
        ("category", "放管服"),
        ("lead", "D04"),
        ("start", "2026-03-02"),
        ("deadline", "2026-03-31"),
    ];
    let r = post_form(
        &d,
        &kp,
        &kp_csrf,
        &format!("/reform/tasks/{id}/split"),
        &split,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_form(
        &d,
        &office,
        &office_csrf,
        &format!("/reform/tasks/{id}/split"),
        &split,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = d.page(Method::GET, &r.location(), &office).await.text();
    assert!(
        page.contains("梳理食品领域权责") && page.contains("已分解出新任务"),
        "{page}"
    );
    // A subtask outside its parent's dates is refused on the page, the field named.
    let r = post_form(
        &d,
        &office,
        &office_csrf,
        &format!("/reform/tasks/{id}/split"),
        &[
            ("code", "1.2"),
            ("title", "x"),
            ("category", "放管服"),
            ("lead", "D04"),
            ("start", "2026-03-02"),
            ("deadline", "not a date"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("请填写完成时限"), "{}", r.text());

    // The lead unit claims completion (the subtask first); the office sends it back without a
    // reason — refused — then confirms.
    let ev = d.evidence(&keeper).await;
    let tasks = d
        .api(
            Method::GET,
            &format!("/api/v1/plans/{plan}/tasks"),
            Some(&reform),
            None,
        )
        .await
        .json();
    for t in tasks["items"].as_array().unwrap().iter().rev() {
        let tid = t["task"]["id"]
            .as_i64()
            .or_else(|| t["id"].as_i64())
            .unwrap();
        let r = d
            .api(Method::POST, &format!("/api/v1/reform-tasks/{tid}/reports"), Some(&keeper), Some(json!({"percent": 100, "done": "已公布", "claim_completion": true, "evidence": [ev]})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let page = d
        .page(Method::GET, &format!("/reform/tasks/{id}"), &office)
        .await
        .text();
    assert!(
        page.contains("已申报完成，待确认") && page.contains("佐证材料 1"),
        "{page}"
    );
    let r = post_form(
        &d,
        &office,
        &office_csrf,
        &format!("/reform/tasks/{id}/confirm"),
        &[("confirm", "0")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let r = post_form(
        &d,
        &office,
        &office_csrf,
        &format!("/reform/tasks/{id}/confirm"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = d.page(Method::GET, &r.location(), &office).await.text();
    assert!(
        page.contains("已确认完成") && page.contains("确认完成"),
        "{page}"
    );
    let t = d
        .api(
            Method::GET,
            &format!("/api/v1/plans/{plan}/tasks"),
            Some(&reform),
            None,
        )
        .await
        .json();
    let row = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["task"]["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["task"]["status"], "completed", "{row}");
}

#[tokio::test]
async fn the_dashboard_leads_with_the_red_list_and_a_unit_with_nothing_due_is_not_ranked() {
    let d = District::new().await;
    let reform = d.token("reform").await;
    let plans = d.app.store().list_plans().await.unwrap();
    let plan = plans
        .iter()
        .find(|p| p.status.as_str() == "approved")
        .unwrap()
        .id;
    let (cookie, _) = d.page_session("leader").await;
    let page = d
        .page(
            Method::GET,
            &format!("/reform/dashboard?plan={plan}"),
            &cookie,
        )
        .await
        .text();
    // The red list comes before the counts, each task linked, with its owner and since when.
    let red = page.find("red-list").expect("the red list");
    let kpis = page.find("class=\"kpis\"").expect("the counts");
    assert!(red < kpis, "the red list leads");
    assert!(
        page[red..kpis].contains("href=\"/reform/tasks/"),
        "red tasks link to their pages: {}",
        &page[red..kpis]
    );
    assert!(page.contains("自何时起"));
    assert!(
        page.contains(&format!("href=\"/reform?plan={plan}&amp;light=red\"")),
        "the red count opens its list"
    );
    assert!(
        page.contains("本期没有到期任务的单位不参与评分和排名"),
        "how a unit with nothing due is scored"
    );

    // The demo assessment: exactly the units with no task due are 未参评 (rank 0), after the
    // ranked ones.
    let list = d
        .api(
            Method::GET,
            &format!("/api/v1/plans/{plan}/assessments"),
            Some(&reform),
            None,
        )
        .await
        .json();
    let published = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["status"] == "published")
        .expect("a published demo assessment");
    let a = d
        .api(
            Method::GET,
            &format!("/api/v1/assessments/{}", published["id"]),
            Some(&reform),
            None,
        )
        .await
        .json();
    let results: &Vec<Value> = a["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r["rank"] == 0),
        "the demo has a unit with nothing due: {results:?}"
    );
    let mut seen_unranked = false;
    for r in results {
        let due = r["facts"]["tasks_due"].as_i64().unwrap();
        assert_eq!(due == 0, r["rank"] == 0, "{r}");
        if r["rank"] == 0 {
            seen_unranked = true;
        } else {
            assert!(!seen_unranked, "unranked units come last");
        }
    }
    let page = d
        .page(
            Method::GET,
            &format!("/reform/assessments/{}", published["id"]),
            &cookie,
        )
        .await
        .text();
    assert!(page.contains("未参评"), "{page}");
}

//! The plan as a document through the API: its text, consultation of units, comments and
//! dispositions, the meeting, approval, the consultation report, revisions with a diff; and
//! the supervision sweep: reminders, 催办 and 督办通报 with written responses, chases of missing
//! reports and of silent units, never sent twice.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use fgf_domain::base::AccountId;
use serde_json::{json, Value};

/// 2026-03-02 (a Monday) 00:00 +08:00.
const MARCH_2: i64 = 1_772_380_800_000;
const DAY: i64 = 86_400_000;

async fn notices(d: &District, token: &str, all: bool) -> Vec<Value> {
    let (s, v) = d
        .call(
            Method::GET,
            &format!("/api/v1/reform-notices?all={all}"),
            token,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_plan_goes_through_consultation_to_approval_and_revision() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    let keeper = d.token("keeper").await; // 区市场监管局 D04
    let teacher = d.token("teacher").await; // 区教育局 D07
    let clerk = d.token("clerk").await; // 综合受理窗口
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/plans",
            &reform,
            Some(json!({"title": "优化营商环境行动方案"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let plan = v["id"].as_i64().unwrap();
    let base = format!("/api/v1/plans/{plan}");

    // Nothing to consult on yet.
    let consult = json!({"units": ["D04", "D07", "D03"], "due": "2026-03-06"});
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/consultation"),
            &reform,
            Some(consult.clone()),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("plan_no_clauses")),
        "{v}"
    );

    // The text as typed; a unit may not write it, a bad line is refused whole.
    let text = "一、提升政务服务效能\n1 企业开办一日办结\n2 工程建设项目审批60个工作日内\n二、加强监管\n3 涉企检查综合查一次\n";
    let (s, _) = d
        .call(
            Method::PUT,
            &format!("{base}/clauses"),
            &keeper,
            Some(json!({"text": text})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = d
        .call(
            Method::PUT,
            &format!("{base}/clauses"),
            &reform,
            Some(json!({"text": "1 甲\n1 乙"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("plan_clause_duplicate")
        ),
        "{v}"
    );
    let (s, v) = d
        .call(
            Method::PUT,
            &format!("{base}/clauses"),
            &reform,
            Some(json!({"text": text})),
        )
        .await;
    assert_eq!((s, v["clauses"].as_i64()), (StatusCode::OK, Some(3)), "{v}");

    // A task comes from a clause of the plan, and only from one that exists.
    let task = |clause: &str| json!({"code": format!("T{clause}"), "title": "企业开办", "category": "放管服", "start": "2026-03-02", "deadline": "2026-06-30", "lead": "D04", "clause": clause});
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/tasks"),
            &reform,
            Some(task("9")),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("clause")),
        "{v}"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/tasks"),
            &reform,
            Some({
                // Cooperating units: one with its part stated, one by code alone.
                let mut t = task("1");
                t["partners"] = json!([{"unit": "D07", "part": "负责校园周边企业开办指引"}, "D03"]);
                t
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // The cooperating unit reads its part where it accepts it.
    let (cookie, _) = d.page_session("teacher").await;
    let inbox = d.page(Method::GET, "/reform/inbox", &cookie).await;
    assert!(
        inbox.text().contains("负责校园周边企业开办指引"),
        "the part is not in the unit's inbox"
    );

    // Steps out of order are refused.
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/steps"),
            &reform,
            Some(json!({"step": "approve"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("plan_step_not_allowed")),
        "{v}"
    );

    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/consultation"),
            &reform,
            Some(consult),
        )
        .await;
    assert_eq!((s, v["round"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
    // The text is frozen while units read it.
    let (s, v) = d
        .call(
            Method::PUT,
            &format!("{base}/clauses"),
            &reform,
            Some(json!({"text": text})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("plan_not_draft")),
        "{v}"
    );

    // Units reply once: comments on named clauses, or no comment; a unit not asked cannot.
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/replies"),
            &clerk,
            Some(json!({"no_comment": true})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_consulted")),
        "{v}"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/replies"),
            &keeper,
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reply_empty")),
        "{v}"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/replies"),
            &keeper,
            Some(json!({"comments": [{"clause": "7", "body": "x"}]})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = d.call(Method::POST, &format!("{base}/replies"), &keeper, Some(json!({"comments": [{"clause": "1", "body": "建议明确一日办结的起算时点"}, {"clause": "3", "body": ""}]}))).await;
    assert_eq!(
        (s, v["comments"].as_i64()),
        (StatusCode::CREATED, Some(1)),
        "{v}"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/replies"),
            &keeper,
            Some(json!({"no_comment": true})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_replied")),
        "{v}"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/replies"),
            &teacher,
            Some(json!({"no_comment": true})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // The meeting waits for every disposition, and for 区行政审批局 until its date passes.
    let meeting = json!({"step": "record_meeting", "note": "区委深改委第3次会议审议通过"});
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/steps"),
            &reform,
            Some(meeting.clone()),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("plan_comments_open")),
        "{v}"
    );
    let doc = d.call(Method::GET, &base, &keeper, None).await.1;
    let comment = doc["comments"][0]["id"].as_i64().unwrap();
    assert_eq!(doc["comments"][0]["unit"], "区市场监管局");
    let path = format!("{base}/comments/{comment}/disposition");
    let (s, v) = d
        .call(
            Method::POST,
            &path,
            &reform,
            Some(json!({"disposition": "rejected"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("disposition_reason_required")
        ),
        "{v}"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &path,
            &keeper,
            Some(json!({"disposition": "adopted"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = d
        .call(
            Method::POST,
            &path,
            &reform,
            Some(json!({"disposition": "partly", "reason": "起算时点以申请材料齐全为准"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/steps"),
            &reform,
            Some(meeting.clone()),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("plan_replies_awaited")),
        "{v}"
    );

    // After the reply date the silent unit is chased, once, and the office may go on.
    d.clock.set_ms(MARCH_2 + 5 * DAY);
    let reform = d.token("reform").await;
    let keeper = d.token("keeper").await;
    let (s, sum) = d
        .call(Method::POST, "/api/v1/reform/sweep", &reform, None)
        .await;
    assert_eq!(s, StatusCode::OK, "{sum}");
    assert_eq!(sum["consultation_chases"], 1, "{sum}");
    let (_, again) = d
        .call(Method::POST, "/api/v1/reform/sweep", &reform, None)
        .await;
    assert_eq!(again["consultation_chases"], 0, "{again}");
    let chased: Vec<Value> = notices(&d, &reform, true)
        .await
        .into_iter()
        .filter(|n| n["kind"] == "consultation_chase")
        .collect();
    assert_eq!(chased.len(), 1);
    assert_eq!(chased[0]["unit"], "区行政审批局");
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/steps"),
            &reform,
            Some(json!({"step": "record_meeting"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("note")),
        "{v}"
    );
    for (step, status) in [
        ("record_meeting", "reviewed"),
        ("submit", "submitted"),
        ("approve", "approved"),
    ] {
        let body = if step == "record_meeting" {
            meeting.clone()
        } else {
            json!({"step": step})
        };
        let (s, v) = d
            .call(Method::POST, &format!("{base}/steps"), &reform, Some(body))
            .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some(status)),
            "{step}: {v}"
        );
    }

    // The consultation report.
    let (s, r) = d
        .call(
            Method::GET,
            &format!("{base}/consultation-report"),
            &keeper,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (
            r["units_asked"].as_i64(),
            r["units_replied"].as_i64(),
            r["units_no_comment"].as_i64()
        ),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(r["units_silent"], json!(["区行政审批局"]));
    assert_eq!(
        (
            r["partly"].as_i64(),
            r["adopted"].as_i64(),
            r["undisposed"].as_i64()
        ),
        (Some(1), Some(0), Some(0))
    );

    // A revision is the next version, and shows what changed from the published one.
    let (s, v) = d
        .call(
            Method::POST,
            &format!("{base}/steps"),
            &reform,
            Some(json!({"step": "revise"})),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("draft")),
        "{v}"
    );
    let revised = "一、提升政务服务效能\n1 企业开办半日办结\n2 工程建设项目审批60个工作日内\n二、加强监管\n4 信用分级分类监管\n";
    let (s, _) = d
        .call(
            Method::PUT,
            &format!("{base}/clauses"),
            &reform,
            Some(json!({"text": revised})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let doc = d.call(Method::GET, &base, &reform, None).await.1;
    assert_eq!(doc["plan"]["version"], 2);
    assert_eq!(doc["versions"].as_array().unwrap().len(), 1);
    let changes: Vec<(&str, &str)> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["change"].as_str().unwrap(), c["number"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        vec![("changed", "1"), ("added", "4"), ("removed", "3")]
    );
    let (s, v) = d
        .call(Method::GET, &format!("{base}/diff?from=1"), &keeper, None)
        .await;
    assert_eq!(
        (s, v["changes"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(3)),
        "{v}"
    );
    let (s, _) = d
        .call(Method::GET, &format!("{base}/diff?from=5"), &keeper, None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    d.cleanup().await;
}

#[tokio::test]
async fn overdue_tasks_escalate_by_level_and_units_answer_in_writing() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    // The demo's published plan (plan 1) takes a new task for 区市场监管局, due Friday 3-13.
    let (s, v) = d.call(Method::POST, "/api/v1/plans/1/tasks", &reform, Some(json!({"code": "99", "title": "企业开办一日办结", "category": "放管服", "start": "2026-03-02", "deadline": "2026-03-13", "lead": "D04"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let task = v["id"].as_i64().unwrap();
    let subject = format!("task:{task}");
    let mine = |all: Vec<Value>| -> Vec<Value> {
        all.into_iter()
            .filter(|n| n["subject"] == subject.as_str())
            .collect()
    };

    // Monday 3-09: four working days left, nothing yet; Tuesday 3-10: three left, a reminder.
    let sweep_at = |ms: i64| {
        d.clock.set_ms(ms);
        let d = &d;
        async move {
            let t = d.token("reform").await;
            d.call(Method::POST, "/api/v1/reform/sweep", &t, None)
                .await
                .1
        }
    };
    sweep_at(MARCH_2 + 7 * DAY).await;
    let keeper = d.token("keeper").await;
    assert!(mine(notices(&d, &keeper, false).await).is_empty());
    sweep_at(MARCH_2 + 8 * DAY).await;
    sweep_at(MARCH_2 + 8 * DAY).await;
    let keeper = d.token("keeper").await;
    let got = mine(notices(&d, &keeper, false).await);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0]["kind"].as_str(), got[0]["response_due"].as_str()),
        (Some("reminder"), None)
    );
    let reminder = got[0]["id"].as_i64().unwrap();
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-notices/{reminder}/response"),
            &keeper,
            Some(json!({"response": "x"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("notice_no_response")),
        "{v}"
    );

    // The deadline day passes: Saturday and Sunday are not working days, Monday 3-16 is one
    // working day overdue — 催办, with a written response due in 3 working days (Thursday).
    sweep_at(MARCH_2 + 13 * DAY).await; // Sunday 3-15: 0 working days overdue
    let keeper = d.token("keeper").await;
    assert_eq!(mine(notices(&d, &keeper, false).await).len(), 1);
    sweep_at(MARCH_2 + 14 * DAY).await;
    let keeper = d.token("keeper").await;
    let got = mine(notices(&d, &keeper, false).await);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (
            got[0]["kind"].as_str(),
            got[0]["response_due"].as_str(),
            got[0]["response_open"].as_bool()
        ),
        (Some("urge"), Some("2026-03-19"), Some(true))
    );
    let urge = got[0]["id"].as_i64().unwrap();
    // The board shows the task red.
    let (_, board) = d
        .call(Method::GET, "/api/v1/plans/1/tasks", &keeper, None)
        .await;
    let row = board["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"]["id"] == task)
        .unwrap()
        .clone();
    assert_eq!(row["light"], "red");
    // Only the unit answers, in writing, once.
    let teacher = d.token("teacher").await;
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-notices/{urge}/response"),
            &teacher,
            Some(json!({"response": "不是我们"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-notices/{urge}/response"),
            &keeper,
            Some(json!({"response": "  "})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-notices/{urge}/response"),
            &keeper,
            Some(json!({"response": "系统对接延误，已协调省平台，3月20日前完成"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-notices/{urge}/response"),
            &keeper,
            Some(json!({"response": "再答"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("notice_answered")),
        "{v}"
    );
    // The unit's staff got a message for each notice.
    let (_, msgs) = d
        .call(Method::GET, "/api/v1/notifications", &keeper, None)
        .await;
    assert!(
        msgs["items"].as_array().unwrap().iter().any(|m| m["title"]
            .as_str()
            .unwrap_or_default()
            .starts_with("催办：99")),
        "{msgs}"
    );

    // The unit's leader (负责人) sits in another unit here: the 督办通报 reaches them too, and
    // the earlier levels did not.
    let director = d.account_id("director").await;
    let unit = d
        .app
        .store()
        .find_department_by_code(&fgf_store::Scope::system("test"), "D04")
        .await
        .unwrap()
        .unwrap();
    let mut tx = d.app.store().write(d.app.system_ctx("test")).await.unwrap();
    tx.set_department_leader(unit.id, Some(AccountId::new(director)))
        .await
        .unwrap();
    tx.audit("test.leader", "department", &unit.id.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let leader_got = |msgs: &Value, prefix: &str| {
        msgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"].as_str().unwrap_or_default().starts_with(prefix))
    };

    // Five working days overdue (Friday 3-20): 督办通报; no level is ever sent twice.
    sweep_at(MARCH_2 + 18 * DAY).await;
    sweep_at(MARCH_2 + 25 * DAY).await;
    let keeper = d.token("keeper").await;
    let got = mine(notices(&d, &keeper, false).await);
    // (The report due on 3-25 is chased too; that is the other test's subject.)
    let kinds: Vec<&str> = got
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .filter(|k| *k != "report_chase")
        .collect();
    assert_eq!(kinds, vec!["supervise", "urge", "reminder"]);
    let director_token = d.token("director").await;
    let (_, msgs) = d
        .call(Method::GET, "/api/v1/notifications", &director_token, None)
        .await;
    assert!(leader_got(&msgs, "督办通报：99"), "{msgs}");
    assert!(!leader_got(&msgs, "催办：99"), "{msgs}");
    // The office sees every unit's notices with their responses; a unit may not.
    let (s, _) = d
        .call(
            Method::GET,
            "/api/v1/reform-notices?all=true",
            &keeper,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let reform = d.token("reform").await;
    let all = mine(notices(&d, &reform, true).await);
    assert_eq!(
        all.iter().find(|n| n["kind"] == "urge").unwrap()["response"],
        "系统对接延误，已协调省平台，3月20日前完成"
    );
    d.cleanup().await;
}

#[tokio::test]
async fn a_missing_report_is_chased_once_per_due_date() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    let (s, v) = d.call(Method::POST, "/api/v1/plans/1/tasks", &reform, Some(json!({"code": "98", "title": "涉企检查综合查一次", "category": "放管服", "start": "2026-03-02", "deadline": "2026-09-30", "lead": "D04"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let subject = format!("task:{}", v["id"]);
    let chases = |all: &[Value]| {
        all.iter()
            .filter(|n| n["kind"] == "report_chase" && n["subject"] == subject.as_str())
            .count()
    };
    // Reports are due by the 25th; on the 25th nothing is late yet, on the 26th it is.
    for (day, expect) in [(23, 0), (24, 1), (30, 1)] {
        d.clock.set_ms(MARCH_2 + day * DAY);
        let reform = d.token("reform").await;
        d.call(Method::POST, "/api/v1/reform/sweep", &reform, None)
            .await;
        assert_eq!(
            chases(&notices(&d, &reform, true).await),
            expect,
            "day +{day}"
        );
    }
    // The unit reports; next month's due date passes with the report in: no chase.
    let keeper = d.token("keeper").await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-tasks/{}/reports", v["id"]),
            &keeper,
            Some(json!({"percent": 20, "done": "制定检查事项清单"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    d.clock.set_ms(MARCH_2 + 55 * DAY); // 4-26
    let reform = d.token("reform").await;
    d.call(Method::POST, "/api/v1/reform/sweep", &reform, None)
        .await;
    assert_eq!(chases(&notices(&d, &reform, true).await), 1);
    d.cleanup().await;
}

#[tokio::test]
async fn the_clock_moves_only_in_the_demo_district() {
    let d = District::new().await;
    let reform = d.token("reform").await;
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/demo/clock",
            &reform,
            Some(json!({"days": 3})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("demo_only")),
        "{v}"
    );
    d.cleanup().await;
}

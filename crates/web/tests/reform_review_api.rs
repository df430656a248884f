//! Inspection, assessment and accountability through the API: findings rectified and
//! verified, an assessment scored by the documented rules on a worked example and ranked, one
//! appeal per unit, commendations and accountability records, grassroots innovations reaching
//! the portal, progress bulletins and the dashboard.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use serde_json::json;

/// 2026-03-02 (a Monday) 00:00 +08:00.
const MARCH_2: i64 = 1_772_380_800_000;
const DAY: i64 = 86_400_000;

/// A plan of two units, worked through a period so that every component of the score is
/// known, then scored: the numbers below are computed by hand from the rules in
/// `domain::reform` (40 on time, 30 quality, 20 reports, 10 rectification, 5 per
/// accountability record).
#[tokio::test]
async fn zhengfu_ducha_tiaoli_articles_16_to_21_findings_rectified_results_fed_back_one_appeal_decided_by_another(
) {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    let keeper = d.token("keeper").await; // 区市场监管局 D04
    let ev = d.evidence(&keeper).await;
    let (_, v) = d
        .call(
            Method::POST,
            "/api/v1/plans",
            &reform,
            Some(json!({"title": "考核演练方案"})),
        )
        .await;
    let plan = v["id"].as_i64().unwrap();
    for (code, lead, deadline) in [
        ("1", "D04", "2026-03-20"),
        ("2", "D04", "2026-04-30"),
        ("3", "D07", "2026-03-31"),
    ] {
        let (s, v) = d.call(Method::POST, &format!("/api/v1/plans/{plan}/tasks"), &reform, Some(json!({"code": code, "title": format!("任务{code}"), "category": "放管服", "start": "2026-03-02", "deadline": deadline, "lead": lead}))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let tasks = d
        .call(
            Method::GET,
            &format!("/api/v1/plans/{plan}/tasks"),
            &reform,
            None,
        )
        .await
        .1;
    let id = |code: &str| {
        tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task"]["code"] == code)
            .unwrap()["task"]["id"]
            .as_i64()
            .unwrap()
    };

    // 区市场监管局: task 1 claimed on 3-18 and confirmed (on time); reports on 3-18 and 4-20
    // (March and April on time).
    d.clock.set_ms(MARCH_2 + 16 * DAY);
    let keeper = d.token("keeper").await;
    let reform = d.token("reform").await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-tasks/{}/reports", id("1")),
            &keeper,
            Some(
                json!({"percent": 100, "done": "完成", "claim_completion": true, "evidence": [ev]}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-tasks/{}/confirm", id("1")),
            &reform,
            Some(json!({"confirm": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-tasks/{}/reports", id("2")),
            &keeper,
            Some(json!({"percent": 30, "done": "推进"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // An inspection finds a problem in task 3 (区教育局), to be rectified by 4-10.
    let (s, v) = d.call(Method::POST, &format!("/api/v1/plans/{plan}/inspections"), &reform, Some(json!({"title": "一季度督查", "held_on": "2026-03-18", "findings": [{"task": "3", "finding": "台账不全", "rectify_by": "2026-04-10"}]}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = d.call(Method::POST, &format!("/api/v1/plans/{plan}/inspections"), &reform, Some(json!({"title": "x", "held_on": "2026-03-18", "findings": [{"task": "3", "finding": "y", "rectify_by": "2026-03-01"}]}))).await;
    assert_eq!(
        (s, v["error"]["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("rectify_by")),
        "{v}"
    );
    let teacher = d.token("teacher").await;
    let (_, mine) = d
        .call(Method::GET, "/api/v1/reform-findings", &teacher, None)
        .await;
    assert_eq!(mine["total"], 1);
    let finding = mine["items"][0]["id"].as_i64().unwrap();
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-findings/{finding}/rectification"),
            &keeper,
            Some(json!({"text": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another unit's finding");
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-findings/{finding}/verification"),
            &reform,
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("finding_not_reported")),
        "{v}"
    );
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-findings/{finding}/rectification"),
            &teacher,
            Some(json!({"text": "已补齐台账"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // Sent back, reported again, accepted.
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-findings/{finding}/verification"),
            &reform,
            Some(json!({"accept": false})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-findings/{finding}/rectification"),
            &teacher,
            Some(json!({"text": "台账已按要求补齐并核对"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-findings/{finding}/verification"),
            &reform,
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    d.clock.set_ms(MARCH_2 + 49 * DAY); // 4-20
    let keeper = d.token("keeper").await;
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/reform-tasks/{}/reports", id("2")),
            &keeper,
            Some(json!({"percent": 60, "done": "推进"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    // 区教育局 is held to account once (慢作为); the category must be one of the three.
    let reform = d.token("reform").await;
    let merit = json!({"kind": "accountability", "unit": "D07", "person": "某科长", "category": "拖延", "reason": "任务逾期", "document_no": "示纪〔2026〕1号", "decided_on": "2026-04-15"});
    let (s, v) = d
        .call(Method::POST, "/api/v1/merits", &reform, Some(merit.clone()))
        .await;
    assert_eq!(
        (s, v["error"]["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("category")),
        "{v}"
    );
    let mut merit = merit;
    merit["category"] = json!("慢作为");
    let (s, v) = d
        .call(Method::POST, "/api/v1/merits", &reform, Some(merit))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = d.call(Method::POST, "/api/v1/merits", &keeper, Some(json!({"kind": "commendation", "unit": "D04", "category": "先进集体", "reason": "x", "document_no": "1", "decided_on": "2026-04-15"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The period 3-01 … 4-30, scored on 5-06.
    d.clock.set_ms(MARCH_2 + 65 * DAY);
    let reform = d.token("reform").await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/plans/{plan}/assessments"),
            &reform,
            Some(json!({"title": "一季度考核", "from": "2026-03-01", "to": "2026-04-30"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let a = v["id"].as_i64().unwrap();
    for (task, score) in [("1", 90), ("2", 80), ("3", 70)] {
        let (s, v) = d
            .call(
                Method::POST,
                &format!("/api/v1/assessments/{a}/quality"),
                &reform,
                Some(json!({"task": task, "score": score})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/quality"),
            &reform,
            Some(json!({"task": "1", "score": 101})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Nothing to appeal before publication.
    let keeper = d.token("keeper").await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/appeal"),
            &keeper,
            Some(json!({"text": "x"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("assessment_not_published")),
        "{v}"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/publish"),
            &reform,
            None,
        )
        .await;
    assert_eq!((s, v["units"].as_i64()), (StatusCode::OK, Some(2)), "{v}");

    // 区市场监管局: tasks due 2 (1 and 2), on time 1 → 20; quality (90+80)/2 → 25.5; reports
    // due 3-25 and 4-25 for task 2, on time 2; task 1 closed on 3-18 before its first due day
    // → 20; no findings → 10; total 75.5.
    // 区教育局: task 3 due, not done → 0; quality 70 → 21; reports due 3-25, 4-25, none → 0;
    // the finding verified → 10; one record → −5; total 26.
    let (_, view) = d
        .call(
            Method::GET,
            &format!("/api/v1/assessments/{a}"),
            &keeper,
            None,
        )
        .await;
    let results = view["results"].as_array().unwrap();
    assert_eq!(results[0]["unit"], "区市场监管局");
    assert_eq!(
        (results[0]["rank"].as_i64(), results[0]["total"].as_f64()),
        (Some(1), Some(75.5))
    );
    let b = &results[0]["breakdown"];
    assert_eq!(
        (
            b["on_time"].as_f64(),
            b["quality"].as_f64(),
            b["reports"].as_f64(),
            b["rectification"].as_f64()
        ),
        (Some(20.0), Some(25.5), Some(20.0), Some(10.0))
    );
    assert_eq!(
        (results[1]["rank"].as_i64(), results[1]["total"].as_f64()),
        (Some(2), Some(26.0))
    );
    // A unit sees the ranking, but another unit's breakdown is not shown to it.
    assert!(results[1]["breakdown"].is_null());
    let teacher = d.token("teacher").await;
    let (_, view) = d
        .call(
            Method::GET,
            &format!("/api/v1/assessments/{a}"),
            &teacher,
            None,
        )
        .await;
    let mine = view["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["mine"] == true)
        .unwrap()
        .clone();
    assert_eq!(mine["breakdown"]["deduction"].as_f64(), Some(5.0));
    assert_eq!(mine["facts"]["findings_rectified"], 1);

    // One appeal per unit; the office decides it once.
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/appeal"),
            &teacher,
            Some(json!({"text": "任务3逾期系上级系统延期所致"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/appeal"),
            &teacher,
            Some(json!({"text": "再次申请"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("appeal_used")),
        "{v}"
    );
    // 政府督查工作条例第十七条: whoever published the result stands aside; the director decides.
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/appeal-decision"),
            &reform,
            Some(json!({"unit": "D07", "decision": "维持"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("appeal_recusal")),
        "{v}"
    );
    let director = d.token("director").await;
    let (_, view) = d
        .call(
            Method::GET,
            &format!("/api/v1/assessments/{a}"),
            &director,
            None,
        )
        .await;
    let appealed = view["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "区教育局")
        .unwrap()
        .clone();
    assert_eq!(
        appealed["decision_due"], "2026-06-05",
        "30 days after the appeal of 5-06"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/appeal-decision"),
            &director,
            Some(json!({"unit": "D04", "decision": "维持"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("appeal_not_open")),
        "{v}"
    );
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/appeal-decision"),
            &director,
            Some(json!({"unit": "D07", "decision": "经核实，省级系统延期属实，质量分调整为80"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // A corrected quality score and a republication keep the appeal and its decision.
    d.call(
        Method::POST,
        &format!("/api/v1/assessments/{a}/quality"),
        &reform,
        Some(json!({"task": "3", "score": 80})),
    )
    .await;
    d.call(
        Method::POST,
        &format!("/api/v1/assessments/{a}/publish"),
        &reform,
        None,
    )
    .await;
    let (_, view) = d
        .call(
            Method::GET,
            &format!("/api/v1/assessments/{a}"),
            &teacher,
            None,
        )
        .await;
    let mine = view["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["mine"] == true)
        .unwrap()
        .clone();
    assert_eq!(mine["total"].as_f64(), Some(29.0));
    assert_eq!(
        (mine["appealed"].as_bool(), mine["decided"].as_bool()),
        (Some(true), Some(true))
    );

    // 政府督查工作条例第十七条: an objection comes within 30 days of the result (published on
    // 5-06): on 6-06, 区市场监管局 is too late.
    d.clock.set_ms(MARCH_2 + 96 * DAY);
    let keeper = d.token("keeper").await;
    let reform = d.token("reform").await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/assessments/{a}/appeal"),
            &keeper,
            Some(json!({"text": "申请复核"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("appeal_late")),
        "{v}"
    );

    // The dashboard names the scores; the bulletin names what was completed in its period.
    let (s, dash) = d
        .call(
            Method::GET,
            &format!("/api/v1/plans/{plan}/dashboard"),
            &reform,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{dash}");
    let unit = dash["by_unit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "区教育局")
        .unwrap()
        .clone();
    assert_eq!(
        (unit["score"].as_f64(), unit["red"].as_i64()),
        (Some(29.0), Some(1))
    );
    assert!(unit["max_overdue_days"].as_i64().unwrap() > 0);
    assert_eq!(
        dash["red"].as_array().unwrap().len(),
        2,
        "tasks 2 and 3 are overdue"
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/plans/{plan}/bulletins"),
            &reform,
            Some(json!({"from": "2026-03-01", "to": "2026-03-31"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, b) = d
        .call(
            Method::GET,
            &format!("/api/v1/bulletins/{}", v["id"]),
            &keeper,
            None,
        )
        .await;
    let c = &b["content"];
    assert_eq!(c["completed_in_period"][0]["code"], "1");
    assert_eq!(c["overdue"].as_array().unwrap().len(), 2);
    // Units with as many overdue tasks are named in the order of their names.
    assert_eq!(
        c["units_overdue"],
        json!([["区市场监管局", 1], ["区教育局", 1]])
    );
    d.cleanup().await;
}

#[tokio::test]
async fn innovations_are_reviewed_before_the_portal_shows_them() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let reform = d.token("reform").await;
    let (s, v) = d.call(Method::POST, "/api/v1/innovations", &keeper, Some(json!({"title": "企业开办“一件事”", "summary": "一表申请，一日办结", "body": "做法与成效"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, _) = d
        .call(
            Method::POST,
            "/api/v1/innovations",
            &keeper,
            Some(json!({"title": "", "summary": "x", "body": "y"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Not on the portal while in review.
    let portal = d.api(Method::GET, "/guide/innovations", None, None).await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(!portal.text().contains("企业开办“一件事”"));
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/innovations/{id}/review"),
            &keeper,
            Some(json!({"publish": true})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/innovations/{id}/review"),
            &reform,
            Some(json!({"publish": false})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "declining needs a reason: {v}"
    );
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/innovations/{id}/review"),
            &reform,
            Some(json!({"publish": true, "note": "予以推广"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/innovations/{id}/review"),
            &reform,
            Some(json!({"publish": false, "note": "x"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("innovation_reviewed")),
        "{v}"
    );
    let portal = d.api(Method::GET, "/guide/innovations", None, None).await;
    assert!(portal.text().contains("企业开办“一件事”"));
    let one = d
        .api(Method::GET, &format!("/guide/innovations/{id}"), None, None)
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.text().contains("做法与成效"));
    // The demo's innovation still in review is not public.
    let (_, all) = d
        .call(Method::GET, "/api/v1/innovations", &reform, None)
        .await;
    let pending = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["status"] == "submitted")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = d
        .api(
            Method::GET,
            &format!("/guide/innovations/{pending}"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    d.cleanup().await;
}

//! 服 online applications through the API (on SQLite, and on PostgreSQL in the second pass of
//! `tests/run`): the contract's list and item shapes, intake under 行政许可法第三十二条 with its
//! refusals named by code, and an application out of the caller's reach answering 404.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use serde_json::json;

/// 2026-03-02 (a Monday) 10:00 +08:00.
const MARCH_2: i64 = 1_772_416_800_000;

#[tokio::test]
async fn an_application_is_listed_with_number_matter_status_due_and_light() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let citizen = d.token("citizen").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/applications",
            Some(&citizen),
            Some(json!({"matter_code": "XK-D04-0001-01", "form": {"企业名称": "示范区测试餐饮有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let created = r.json();
    assert_eq!(created["status"], "submitted");
    assert_eq!(created["received_on"], "2026-03-02");
    assert!(created["due"].is_null());
    let id = created["id"].as_i64().unwrap();

    let clerk = d.token("clerk").await;
    // A correction notice must list what is missing.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/applications/{id}/intake"),
            Some(&clerk),
            Some(json!({"outcome": "supplement", "items": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "application_nothing_listed");
    // Not this authority's: refused without naming the competent one.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/applications/{id}/intake"),
            Some(&clerk),
            Some(json!({"outcome": "wrong_authority", "competent": "", "reason": "属市级权限"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "application_competent_missing");
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/applications/{id}/intake"),
            Some(&clerk),
            Some(json!({"outcome": "accept"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "accepted");

    let r = d
        .api(Method::GET, "/api/v1/applications", Some(&citizen), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let list = r.json();
    assert_eq!(list["total"], 1);
    let item = &list["items"][0];
    assert_eq!(item["matter_code"], "XK-D04-0001-01");
    assert_eq!(item["status"], "accepted");
    assert!(item["number"].as_str().unwrap().starts_with("SQ20260302-"));
    // Promised 1 working day from acceptance on 3/2.
    assert_eq!(item["due"], "2026-03-03");
    assert_eq!(item["light"], "due_soon");

    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            Some(&citizen),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let events: Vec<String> = r.json()["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events, ["submitted", "accepted"]);

    // Another applicant, and a reviewer of another department (区教育局), are not shown it.
    for who in ["enterprise", "teacher"] {
        let t = d.token(who).await;
        let r = d
            .api(
                Method::GET,
                &format!("/api/v1/applications/{id}"),
                Some(&t),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: {}", r.text());
    }
    // An unknown status filter is the client's mistake.
    let r = d
        .api(
            Method::GET,
            "/api/v1/applications?status=lost",
            Some(&citizen),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
}

#[tokio::test]
async fn submitting_twice_with_one_idempotency_key_creates_one_application() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let citizen = d.token("citizen").await;
    let body = json!({"matter_code": "XK-D04-0001-01", "form": {"企业名称": "幂等测试有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}});
    let send = || {
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/applications")
            .header("authorization", format!("Bearer {citizen}"))
            .header("idempotency-key", "apply-1")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        d.send(req)
    };
    let a = send().await;
    let b = send().await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.text());
    assert_eq!(a.json()["number"], b.json()["number"]);
    assert!(b.headers.get("idempotent-replay").is_some());
    let r = d
        .api(Method::GET, "/api/v1/applications", Some(&citizen), None)
        .await;
    assert_eq!(r.json()["total"], 1);
}

#[tokio::test]
async fn writes_on_an_application_outside_the_callers_reach_answer_404_and_change_nothing() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let citizen = d.token("citizen").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/applications",
            Some(&citizen),
            Some(json!({"matter_code": "XK-D04-0001-01", "form": {"企业名称": "空表测试有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}})),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    // A reviewer of 区教育局 holds review, but not for 区市场监管局's applications.
    let teacher = d.token("teacher").await;
    for (path, body) in [
        (
            "pause",
            json!({"cause": "expert_review", "expected_workdays": 5}),
        ),
        ("resume", json!({})),
        (
            "extension",
            json!({"workdays": 10, "approver": "agency_head", "approved_by": "局长", "reason": "核查"}),
        ),
        (
            "bar",
            json!({"cause": "false_materials", "reason": "虚假材料", "protected_interest": true}),
        ),
    ] {
        let r = d
            .api(
                Method::POST,
                &format!("/api/v1/applications/{id}/{path}"),
                Some(&teacher),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
        assert_eq!(r.json()["error"]["code"], "not_found", "{path}");
    }
    // Another applicant cannot supply for it.
    let enterprise = d.token("enterprise").await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/applications/{id}/supplement"),
            Some(&enterprise),
            Some(json!({"note": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    // Nothing moved: the application is still as received, with its one history line.
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            Some(&citizen),
            None,
        )
        .await;
    let v = r.json();
    assert_eq!(v["status"], "submitted");
    assert_eq!(v["events"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn documents_and_pages_of_an_application_answer_404_outside_the_callers_reach() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let citizen = d.token("citizen").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/applications",
            Some(&citizen),
            Some(json!({"matter_code": "XK-D04-0001-01", "form": {"企业名称": "文书测试有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}})),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let clerk = d.token("clerk").await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/applications/{id}/intake"),
            Some(&clerk),
            Some(json!({"outcome": "accept"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let detail = d
        .api(
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            Some(&citizen),
            None,
        )
        .await
        .json();
    let doc = detail["documents"][0]["id"].as_i64().unwrap();
    assert_eq!(detail["documents"][0]["kind"], "acceptance_notice");
    let path = format!("/api/v1/applications/{id}/documents/{doc}");
    assert_eq!(
        d.api(Method::GET, &path, Some(&citizen), None).await.status,
        StatusCode::OK
    );
    // Another applicant and a reviewer of another bureau are told it does not exist.
    for who in ["enterprise", "teacher"] {
        let t = d.token(who).await;
        let r = d.api(Method::GET, &path, Some(&t), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: {}", r.text());
    }
    let (other, _) = d.page_session("enterprise").await;
    for page in [
        format!("/applications/{id}/documents/{doc}"),
        format!("/me/applications/{id}"),
    ] {
        let r = d.page(Method::GET, &page, &other).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{page}");
    }
    let (teacher, _) = d.page_session("teacher").await;
    let r = d
        .page(Method::GET, &format!("/applications/{id}"), &teacher)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The printed notice carries its number; the public verify page knows no such licence.
    let (mine, _) = d.page_session("citizen").await;
    let r = d
        .page(
            Method::GET,
            &format!("/applications/{id}/documents/{doc}"),
            &mine,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("受理通知书") && r.text().contains("许受字〔2026〕1号"));
    let r = d
        .api(Method::GET, "/verify/DZ202699999999", None, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_life_event_is_applied_for_once_over_http_and_its_case_is_the_applicants_alone() {
    let d = District::new().await;
    d.clock.set_ms(MARCH_2);
    let reform = d.token("reform").await;
    let keeper = d.token("keeper").await;
    let enterprise = d.token("enterprise").await;
    let citizen = d.token("citizen").await;
    let def = json!({"name": "开餐馆", "summary": "一次申请营业执照与食品经营许可", "matters": ["XK-D04-0001-01", "XK-D03-0001-01-01"]});
    // Nobody but a catalogue reviewer defines one; the keeper does not reach 区行政审批局.
    let r = d
        .api(
            Method::PUT,
            "/api/v1/life-events/YJS-KCG",
            Some(&citizen),
            Some(def.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = d
        .api(
            Method::PUT,
            "/api/v1/life-events/YJS-KCG",
            Some(&keeper),
            Some(def.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "life_event_unknown_matter");
    let r = d
        .api(
            Method::PUT,
            "/api/v1/life-events/YJS-KCG",
            Some(&reform),
            Some(def),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // Anyone reads the package; the portal shows it.
    let r = d.api(Method::GET, "/api/v1/life-events", None, None).await;
    assert_eq!(r.json()["total"], 1);
    let r = d
        .api(Method::GET, "/api/v1/life-events/YJS-KCG", None, None)
        .await;
    assert_eq!(r.json()["matters"].as_array().unwrap().len(), 2);
    let page = d
        .send(
            axum::http::Request::get("/life-events/YJS-KCG")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("企业设立登记") && page.text().contains("食品经营许可（新办）"));

    let form = json!({"企业名称": "示范区一件事餐饮有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}], "经营者名称": "示范区一件事餐饮有限公司", "统一社会信用代码": "91110108MA1H8R7C4F", "经营场所": "示范区人民路1号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售", "经营面积": "120", "食品安全管理人员": [{"姓名": "张三", "身份证号": "11010519491231002X"}]});
    // Staff do not apply for themselves.
    let r = d
        .api(
            Method::POST,
            "/api/v1/life-event-cases",
            Some(&reform),
            Some(json!({"event": "YJS-KCG", "form": form})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = d
        .api(
            Method::POST,
            "/api/v1/life-event-cases",
            Some(&enterprise),
            Some(json!({"event": "YJS-KCG", "form": {"企业名称": "缺项"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "application_form_problems");
    let r = d
        .api(
            Method::POST,
            "/api/v1/life-event-cases",
            Some(&enterprise),
            Some(json!({"event": "YJS-KCG", "form": form})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let case = r.json();
    assert_eq!(case["standing"], "in_progress");
    let apps = case["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 2);
    assert!(apps
        .iter()
        .all(|a| a["life_event_case_id"] == case["id"] && a["status"] == "submitted"));
    let id = case["id"].as_i64().unwrap();

    let r = d
        .api(
            Method::GET,
            "/api/v1/life-event-cases",
            Some(&enterprise),
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 1);
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/life-event-cases/{id}"),
            Some(&citizen),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let (cookie, _) = d.page_session("citizen").await;
    let p = d
        .page(Method::GET, &format!("/me/life-events/{id}"), &cookie)
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let (cookie, _) = d.page_session("enterprise").await;
    let p = d
        .page(Method::GET, &format!("/me/life-events/{id}"), &cookie)
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text().contains(case["number"].as_str().unwrap()));
    let p = d.page(Method::GET, "/me/applications", &cookie).await;
    assert!(p.text().contains("我的一件事"));
}

#[tokio::test]
async fn the_reform_office_defines_a_life_event_on_its_page_by_picking_matters() {
    let d = District::new().await;
    let (cookie, csrf) = d.page_session("reform").await;
    let page = d.page(Method::GET, "/catalog/life-events", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    // The matters are picked, by department, not typed.
    assert!(page
        .text()
        .contains(r#"type="checkbox" name="matters" value="XK-D03-0001-01-01""#));
    let send = |cookie: String, csrf: String, matters: Vec<&'static str>| {
        let mut fields = vec![
            ("_csrf", csrf),
            ("code", "YJS-KCG".to_owned()),
            ("name", "开餐馆".to_owned()),
            ("summary", "一次办".to_owned()),
        ];
        for m in matters {
            fields.push(("matters", m.to_owned()));
        }
        let d = &d;
        async move {
            d.form(
                Method::POST,
                "/catalog/life-events",
                None,
                &format!("fgf_session={cookie}"),
                &fields,
            )
            .await
        }
    };
    // One matter is no package: the form comes back with the reason.
    let r = send(cookie.clone(), csrf.clone(), vec!["XK-D04-0001-01"]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("一件事须由两个以上现行事项组成"));
    let r = send(
        cookie.clone(),
        csrf.clone(),
        vec!["XK-D04-0001-01", "XK-D03-0001-01-01"],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = d
        .api(Method::GET, "/api/v1/life-events/YJS-KCG", None, None)
        .await;
    assert_eq!(r.json()["name"], "开餐馆");
    // The market bureau's keeper cannot put the approval bureau's matter in a package.
    let (kcookie, kcsrf) = d.page_session("keeper").await;
    let r = send(kcookie, kcsrf, vec!["XK-D04-0001-01", "XK-D03-0001-01-01"]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("不在您可维护的范围内"));
    // A citizen is refused the page.
    let (ccookie, _) = d.page_session("citizen").await;
    assert_eq!(
        d.page(Method::GET, "/catalog/life-events", &ccookie)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

//! Issue 15, staff work: a work item shows its case (in the inbox row and on its page), steps
//! by their names and people by theirs, 退回 and 不同意 need a reason, the page after an
//! operation says what happened, people are chosen from the organisation, and a notification
//! of a handled item reads as done. Runs on SQLite and, with FGF_TEST_STORE=postgres, on
//! PostgreSQL.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use serde_json::{json, Value};

async fn todo(d: &District, token: &str) -> Vec<Value> {
    d.api(Method::GET, "/api/v1/tasks?box=todo", Some(token), None)
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn start(d: &District, clerk: &str, key: &str) -> i64 {
    let r = d
        .api(
            Method::POST,
            "/api/v1/processes/licence_approval/start",
            Some(clerk),
            Some(json!({"vars": {"amount": 3000}, "business_key": key})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["instance_id"].as_i64().unwrap()
}

async fn item_of(d: &District, token: &str, instance: i64) -> i64 {
    todo(d, token)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == instance)
        .expect("an open item on the instance")["id"]
        .as_i64()
        .unwrap()
}

async fn page_op(
    d: &District,
    user: (&str, &str),
    item: i64,
    fields: &[(&str, &str)],
) -> common::Resp {
    let (cookie, csrf) = user;
    let mut form: Vec<(&str, String)> = vec![("_csrf", csrf.to_owned())];
    form.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
    d.form(
        Method::POST,
        &format!("/tasks/{item}"),
        None,
        &format!("fgf_session={cookie}"),
        &form,
    )
    .await
}

#[tokio::test]
async fn sending_back_or_disagreeing_needs_a_reason_and_a_refusal_changes_nothing() {
    let d = District::new().await;
    let clerk = d.token("clerk").await;
    let reviewer = d.token("reviewer").await;
    let id = start(&d, &clerk, "SQ-REASON-1").await;
    let accept = item_of(&d, &clerk, id).await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{accept}"),
            Some(&clerk),
            Some(json!({"op": "complete"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let review = item_of(&d, &reviewer, id).await;
    for body in [
        json!({"op": "send_back", "target": "accept"}),
        json!({"op": "send_back", "target": "accept", "comment": "   "}),
        json!({"op": "complete", "vars": {"approved": false}}),
    ] {
        let r = d
            .api(
                Method::POST,
                &format!("/api/v1/tasks/{review}"),
                Some(&reviewer),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text()
        );
        assert_eq!(r.json()["error"]["code"], "opinion_required", "{body}");
        assert_eq!(r.json()["error"]["details"]["field"], "comment");
        // The item is still the reviewer's, open, where it was.
        assert_eq!(item_of(&d, &reviewer, id).await, review);
    }
    // Agreeing needs no reason; disagreeing with one goes through.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{review}"),
            Some(&reviewer),
            Some(json!({"op": "complete", "vars": {"approved": false}, "comment": "证照信息与申请不符"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
}

#[tokio::test]
async fn a_work_item_page_names_its_steps_offers_pickers_and_says_what_happened() {
    let d = District::new().await;
    let clerk = d.token("clerk").await;
    let (c_cookie, c_csrf) = d.page_session("clerk").await;
    let (r_cookie, r_csrf) = d.page_session("reviewer").await;
    let id = start(&d, &clerk, "SQ-PAGE-1").await;
    let accept = item_of(&d, &clerk, id).await;

    // The inbox row: the process and its business number; the item's page: its step by
    // name, the diagram, and people chosen from lists grouped by department.
    let inbox = d.page(Method::GET, "/tasks", &c_cookie).await.text();
    assert!(
        inbox.contains("行政许可审批（示范）") && inbox.contains("SQ-PAGE-1"),
        "{inbox}"
    );
    assert!(inbox.contains(&format!("href=\"/tasks/{accept}\"")));
    let page = d
        .page(Method::GET, &format!("/tasks/{accept}"), &c_cookie)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let page = page.text();
    assert!(page.contains("受理") && page.contains("<svg"), "{page}");
    assert!(
        page.contains("<optgroup label=\""),
        "a person is picked from the organisation"
    );
    assert!(
        page.contains("type=\"checkbox\" name=\"to\" value=\"reviewer\""),
        "copies pick people"
    );
    assert!(
        !page.contains("placeholder=\"用户名\""),
        "no typed username"
    );

    // Completing from the page says what was done, by the step's name.
    let r = page_op(
        &d,
        (&c_cookie, &c_csrf),
        accept,
        &[("op", "complete"), ("approved", "true")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let back = d.page(Method::GET, &r.location(), &c_cookie).await.text();
    assert!(back.contains("已办理“受理”：同意"), "{back}");

    // The reviewer sends it back from the page: the reason is required, then the inbox says
    // where it went, by name.
    let review = item_of(&d, &d.token("reviewer").await, id).await;
    let r = page_op(
        &d,
        (&r_cookie, &r_csrf),
        review,
        &[("op", "send_back"), ("target", "accept")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("退回或不同意时须填写理由"),
        "{}",
        r.text()
    );
    let r = page_op(
        &d,
        (&r_cookie, &r_csrf),
        review,
        &[
            ("op", "send_back"),
            ("target", "accept"),
            ("comment", "缺营业执照复印件"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let back = d.page(Method::GET, &r.location(), &r_cookie).await.text();
    assert!(back.contains("已退回至“受理”"), "{back}");
    assert!(!back.contains("accept"), "no node id: {back}");

    // A crafted link cannot put words on the page: only known steps and staff are named.
    let forged = d
        .page(
            Method::GET,
            &format!("/tasks?did=send_back&item={review}&to=%E9%A2%86%E5%8F%96%E5%A5%96%E9%87%91"),
            &r_cookie,
        )
        .await
        .text();
    assert!(
        !forged.contains("领取奖金") && !forged.contains("已退回至"),
        "{forged}"
    );

    // The clerk's notifications name the step; the to-do is open again, so it reads 待处理.
    let notes = d
        .api(Method::GET, "/api/v1/notifications", Some(&clerk), None)
        .await
        .json();
    let titles: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["title"].as_str())
        .collect();
    assert!(titles.contains(&"新待办：受理"), "{titles:?}");
    assert!(
        titles
            .iter()
            .all(|t| !t.contains("accept") && !t.contains("review")),
        "{titles:?}"
    );
    let list = d
        .page(Method::GET, "/notifications", &c_cookie)
        .await
        .text();
    assert!(list.contains("待处理"), "{list}");
    // Handled again: every notification of that instance now reads as done.
    let again = item_of(&d, &clerk, id).await;
    let r = page_op(
        &d,
        (&c_cookie, &c_csrf),
        again,
        &[("op", "complete"), ("approved", "true")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = d
        .page(Method::GET, "/notifications", &c_cookie)
        .await
        .text();
    assert!(list.contains("已处理"), "{list}");

    // Copying from the page: people ticked in the picker, told by name.
    let review = item_of(&d, &d.token("reviewer").await, id).await;
    let r = page_op(
        &d,
        (&r_cookie, &r_csrf),
        review,
        &[("op", "carbon_copy"), ("to", "leader"), ("to", "keeper")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let back = d.page(Method::GET, &r.location(), &r_cookie).await.text();
    assert!(back.contains("已抄送"), "{back}");
    // The leader's 抄送我的 names the step, not its node id.
    let (l_cookie, _) = d.page_session("leader").await;
    let copies = d
        .page(Method::GET, "/tasks?box=copies", &l_cookie)
        .await
        .text();
    assert!(
        copies.contains("审查") && copies.contains("SQ-PAGE-1"),
        "{copies}"
    );
    assert!(
        !copies.contains(">review<") && !copies.contains(" review<"),
        "{copies}"
    );
}

#[tokio::test]
async fn an_application_item_shows_its_case_and_opens_on_the_application() {
    let d = District::new().await;
    assert!(d.app.application().seed_demo_applications().await.unwrap() > 0);
    let reviewer = d.token("reviewer").await;
    let (cookie, _) = d.page_session("reviewer").await;
    let items = todo(&d, &reviewer).await;
    // The reviewer countersigns an application of the approval bureau (区行政审批局), which
    // the department it acts for does not reach: the item is its way in.
    let ids: Vec<fgf_domain::process::InstanceId> = items
        .iter()
        .map(|w| fgf_domain::process::InstanceId::new(w["instance_id"].as_i64().unwrap()))
        .collect();
    let app = d
        .app
        .store()
        .applications_of_instances(&ids)
        .await
        .unwrap()
        .remove(0);
    let item = items
        .iter()
        .find(|w| {
            Some(fgf_domain::process::InstanceId::new(
                w["instance_id"].as_i64().unwrap(),
            )) == app.instance_id
        })
        .unwrap()
        .clone();
    let inbox = d.page(Method::GET, "/tasks", &cookie).await.text();
    let masked = fgf_domain::base::ids::mask_name(&app.applicant_name);
    assert_ne!(masked, app.applicant_name);
    assert!(
        !inbox.contains(&app.applicant_name),
        "staff see the applicant masked"
    );
    for shown in [
        app.matter_name.as_str(),
        app.number.as_str(),
        masked.as_str(),
    ] {
        assert!(inbox.contains(shown), "{shown} in the inbox row: {inbox}");
    }
    assert!(inbox.contains("核查（会签）"));
    let r = d
        .page(Method::GET, &format!("/tasks/{}", item["id"]), &cookie)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/applications/{}", app.id));
    // The case page there lets the reviewer hand the item on, choosing from the organisation.
    let case = d.page(Method::GET, &r.location(), &cookie).await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.text());
    let case = case.text();
    assert!(
        case.contains("name=\"op\" value=\"transfer\"") && case.contains("<optgroup label=\""),
        "{case}"
    );
}

#[tokio::test]
async fn a_work_item_of_another_department_is_not_found() {
    let d = District::new().await;
    let clerk = d.token("clerk").await;
    let id = start(&d, &clerk, "SQ-SCOPE-1").await;
    let accept = item_of(&d, &clerk, id).await;
    // The reviewer works in another department and takes no part in the instance yet.
    let (cookie, _) = d.page_session("reviewer").await;
    let r = d
        .page(Method::GET, &format!("/tasks/{accept}"), &cookie)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
}

#[tokio::test]
async fn a_process_is_started_from_name_and_value_rows_never_json() {
    let d = District::new().await;
    let (cookie, csrf) = d.page_session("clerk").await;
    let defs = d
        .api(
            Method::GET,
            "/api/v1/processes",
            Some(&d.token("clerk").await),
            None,
        )
        .await
        .json();
    let def = defs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "licence_approval" && p["status"] == "published")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let page = d
        .page(Method::GET, &format!("/processes/{def}"), &cookie)
        .await
        .text();
    assert!(
        page.contains("name=\"var_name\"") && !page.contains("JSON"),
        "{page}"
    );
    let r = d
        .form(
            Method::POST,
            &format!("/processes/{def}/start"),
            None,
            &format!("fgf_session={cookie}"),
            &[
                ("_csrf", csrf),
                ("business_key", "SQ-FORM-1".to_owned()),
                ("var_name", "amount".to_owned()),
                ("var_value", "2000000".to_owned()),
                ("var_name", "urgent".to_owned()),
                ("var_value", "是".to_owned()),
                ("var_name", String::new()),
                ("var_value", String::new()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id: i64 = r
        .location()
        .trim_start_matches("/instances/")
        .parse()
        .unwrap();
    let inst = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{id}"),
            Some(&d.token("clerk").await),
            None,
        )
        .await
        .json();
    assert_eq!(inst["variables"]["amount"], 2_000_000, "{inst}");
    assert_eq!(inst["variables"]["urgent"], true, "{inst}");
}

#[tokio::test]
async fn publishing_an_empty_flow_is_refused_in_chinese() {
    let d = District::new().await;
    let (cookie, csrf) = d.page_session("keeper").await;
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &format!("fgf_session={cookie}"),
            &[
                ("_csrf", csrf),
                ("state", String::new()),
                ("action", "deploy".to_owned()),
                ("flow_id", "empty_flow".to_owned()),
                ("flow_name", "空流程".to_owned()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains("流程中还没有任何审批、办理或抄送节点"),
        "{}",
        r.text()
    );
    let defs = d
        .api(
            Method::GET,
            "/api/v1/processes",
            Some(&d.token("keeper").await),
            None,
        )
        .await
        .json();
    assert!(
        defs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["key"] != "empty_flow"),
        "nothing was published"
    );
}

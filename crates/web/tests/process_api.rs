//! The demo approval flow driven through the API by the people it names: 待办 appear in the
//! right inboxes, operations are checked against who is asking, and every step is recorded.

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

#[tokio::test]
async fn an_application_goes_from_window_to_decision_through_the_inboxes() {
    let d = District::new().await;
    let clerk = d.token("clerk").await;
    let reviewer = d.token("reviewer").await;
    let leader = d.token("leader").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/processes/licence_approval/start",
            Some(&clerk),
            Some(json!({"vars": {"amount": 3000}, "business_key": "SQ-TEST-1"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["instance_id"].as_i64().unwrap();
    let mine: Vec<Value> = todo(&d, &clerk)
        .await
        .into_iter()
        .filter(|w| w["instance_id"] == id)
        .collect();
    assert_eq!(mine.len(), 1);
    let accept = mine[0]["id"].as_i64().unwrap();
    // Someone else cannot complete the clerk's task: the reviewer of another department
    // cannot even see it yet (issue 11, finding 1) …
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{accept}"),
            Some(&reviewer),
            Some(json!({"op": "complete"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
    // … and the leader, who sees every department's work, may not do the clerk's.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{accept}"),
            Some(&leader),
            Some(json!({"op": "complete"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "work_item_not_yours");
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{accept}"),
            Some(&clerk),
            Some(json!({"op": "complete", "comment": "材料齐全"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let review = todo(&d, &reviewer)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == id)
        .unwrap();
    // The reviewer sends it back to the window; the clerk fixes it and it returns straight.
    let r = d.api(Method::POST, &format!("/api/v1/tasks/{}", review["id"]), Some(&reviewer), Some(json!({"op": "send_back", "target": "accept", "return_direct": true, "comment": "缺营业执照复印件"}))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let again = todo(&d, &clerk)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == id)
        .unwrap();
    d.api(
        Method::POST,
        &format!("/api/v1/tasks/{}", again["id"]),
        Some(&clerk),
        Some(json!({"op": "complete"})),
    )
    .await;
    let review = todo(&d, &reviewer)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == id)
        .unwrap();
    assert_eq!(review["node_id"], "review");
    d.api(
        Method::POST,
        &format!("/api/v1/tasks/{}", review["id"]),
        Some(&reviewer),
        Some(json!({"op": "complete", "vars": {"approved": true}})),
    )
    .await;
    // Small amount: no countersign; the leader is copied and decides.
    let decide = todo(&d, &leader)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == id)
        .unwrap();
    assert_eq!(decide["node_id"], "decide");
    let copies = d
        .api(Method::GET, "/api/v1/tasks?box=copies", Some(&leader), None)
        .await
        .json();
    assert!(copies["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["instance_id"] == id));
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{}", decide["id"]),
            Some(&leader),
            Some(json!({"op": "complete", "vars": {"approved": true}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let inst = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{id}"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(inst["status"]["status"], "completed");
    // The instance page names its steps; node ids never show.
    let (cookie, _) = d.page_session("clerk").await;
    let page = d
        .page(Method::GET, &format!("/instances/{id}"), &cookie)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains("</strong> 审查 "),
        "the review step by its name"
    );
    assert!(!text.contains("</strong> review "), "no node id");
    assert!(!text.contains("</strong> accept "), "no node id");
    let history = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{id}/history"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    let ops: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event"]["op"].as_str())
        .collect();
    assert!(ops.contains(&"send_back"));
    let done = d
        .api(Method::GET, "/api/v1/tasks?box=done", Some(&clerk), None)
        .await
        .json();
    assert!(done["total"].as_i64().unwrap() >= 2);
    // The reviewer's 已办 now carries the step, and the audit trail has every command.
    let auditor = d.token("auditor").await;
    let audit = d
        .api(
            Method::GET,
            &format!("/api/v1/audit?object_type=process_instance&object_id={id}&per_page=50"),
            Some(&auditor),
            None,
        )
        .await
        .json();
    assert!(audit["total"].as_i64().unwrap() >= 6, "{audit}");
    let diagram = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{id}/diagram"),
            Some(&clerk),
            None,
        )
        .await;
    assert!(diagram.text().contains("shape completed"));
    d.cleanup().await;
}

#[tokio::test]
async fn a_bpmn_file_with_problems_is_not_published_and_the_check_names_them() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let bad = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="x"><process id="bad" isExecutable="true">
<startEvent id="s"/><userTask id="orphan"/><scriptTask id="script"/><exclusiveGateway id="g"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="g"/><sequenceFlow id="f2" sourceRef="g" targetRef="e"/><sequenceFlow id="f3" sourceRef="g" targetRef="script"/><sequenceFlow id="f4" sourceRef="script" targetRef="e"/></process></definitions>"#;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            bad.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "process_check_failed");
    let problems = r.json()["error"]["details"]["problems"].clone();
    let named: Vec<String> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["element"].as_str().unwrap().to_owned())
        .collect();
    for id in ["orphan", "script", "g"] {
        assert!(
            named.iter().any(|n| n == id),
            "{id} not named in {problems}"
        );
    }
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes",
            Some(&keeper),
            "application/xml",
            b"<not-bpmn/>".to_vec(),
        )
        .await;
    assert_eq!(r.json()["error"]["code"], "bpmn_invalid");
    let clerk = d.token("clerk").await;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes",
            Some(&clerk),
            "application/xml",
            bad.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only process designers deploy"
    );
    d.cleanup().await;
}

#[tokio::test]
async fn assignment_rules_resolve_from_the_organisation() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:fgf="https://fangguanfu.example/bpmn" id="x"><process id="rules" isExecutable="true">
<startEvent id="s"/>
<userTask id="self_check" fgf:rule="user:clerk" fgf:onInitiator="skip"/>
<userTask id="to_leader" fgf:rule="leader:initiator"/>
<userTask id="to_dept" fgf:rule="dept:D07"/>
<userTask id="nobody" fgf:rule="dept:T02-V02" fgf:onEmpty="skip"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="self_check"/><sequenceFlow id="f2" sourceRef="self_check" targetRef="to_leader"/>
<sequenceFlow id="f3" sourceRef="to_leader" targetRef="to_dept"/><sequenceFlow id="f4" sourceRef="to_dept" targetRef="nobody"/><sequenceFlow id="f5" sourceRef="nobody" targetRef="e"/></process></definitions>"#;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            xml.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let clerk = d.token("clerk").await;
    let id = d
        .api(
            Method::POST,
            "/api/v1/processes/rules/start",
            Some(&clerk),
            Some(json!({})),
        )
        .await
        .json()["instance_id"]
        .as_i64()
        .unwrap();
    // The clerk started it, so their own check is skipped (approver is the initiator).
    let leader = d.token("leader").await;
    let t = todo(&d, &leader)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == id)
        .expect("the initiator's leader has the task");
    assert_eq!(t["node_id"], "to_leader");
    d.api(
        Method::POST,
        &format!("/api/v1/tasks/{}", t["id"]),
        Some(&leader),
        Some(json!({"op": "complete"})),
    )
    .await;
    // 区教育局 has one staff member, who gets the task.
    let teacher = d.token("teacher").await;
    let t = todo(&d, &teacher)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == id)
        .expect("given to the department's staff");
    assert_eq!(t["assignee"], "teacher");
    d.api(
        Method::POST,
        &format!("/api/v1/tasks/{}", t["id"]),
        Some(&teacher),
        Some(json!({"op": "complete"})),
    )
    .await;
    // 柳林村 has no staff: the empty-assignee rule skips the last task.
    let inst = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{id}"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(inst["status"]["status"], "completed", "{inst}");
    d.cleanup().await;
}

fn hidden_state(html: &str) -> String {
    let start = html.find(r#"name="state" value=""#).expect("state field")
        + r#"name="state" value=""#.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn the_node_tree_designer_page_builds_branches_and_publishes_a_runnable_flow() {
    let d = District::new().await;
    let (cookie, csrf) = d.page_session("keeper").await;
    let ck = format!("fgf_session={cookie}");
    let page = d.page(Method::GET, "/designer", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let mut state = hidden_state(&page.text());
    let add = |state: String, fields: Vec<(&'static str, String)>| {
        let mut f = vec![
            ("_csrf", csrf.clone()),
            ("state", state),
            ("action", "add".to_owned()),
        ];
        f.extend(fields);
        f
    };
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &add(
                state,
                vec![
                    ("type", "handle".to_owned()),
                    ("name", "受理".to_owned()),
                    ("who", "user:clerk".to_owned()),
                    ("mode", "single".to_owned()),
                    ("days", "0".to_owned()),
                ],
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    state = hidden_state(&r.text());
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &add(
                state,
                vec![
                    ("type", "branch".to_owned()),
                    ("name", "金额判断".to_owned()),
                    ("who", String::new()),
                    ("mode", "single".to_owned()),
                    ("days", "0".to_owned()),
                    ("cond", "${amount > 1000}".to_owned()),
                    ("a_name", "局长审批".to_owned()),
                    ("a_who", "user:leader".to_owned()),
                    ("b_name", String::new()),
                    ("b_who", String::new()),
                ],
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text().contains("局长审批") && r.text().contains("<svg"),
        "the tree and its preview show the branch"
    );
    state = hidden_state(&r.text());
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &[
                ("_csrf", csrf.clone()),
                ("state", state.clone()),
                ("action", "deploy".to_owned()),
                ("flow_id", "9bad".to_owned()),
                ("flow_name", "x".to_owned()),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad process key is refused with the reason"
    );
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &[
                ("_csrf", csrf.clone()),
                ("state", state),
                ("action", "deploy".to_owned()),
                ("flow_id", "small_grant".to_owned()),
                ("flow_name", "小额补助".to_owned()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.location().starts_with("/processes/"));
    // It runs: a big amount goes to the leader after the window.
    let clerk = d.token("clerk").await;
    let id = d
        .api(
            Method::POST,
            "/api/v1/processes/small_grant/start",
            Some(&clerk),
            Some(json!({"vars": {"amount": 5000}})),
        )
        .await
        .json()["instance_id"]
        .as_i64()
        .unwrap();
    let t = todo(&d, &clerk)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == id)
        .unwrap();
    d.api(
        Method::POST,
        &format!("/api/v1/tasks/{}", t["id"]),
        Some(&clerk),
        Some(json!({"op": "complete"})),
    )
    .await;
    let leader = d.token("leader").await;
    assert!(todo(&d, &leader)
        .await
        .iter()
        .any(|w| w["instance_id"] == id && w["name"] == "局长审批"));
    d.cleanup().await;
}

#[tokio::test]
async fn form_data_lives_in_the_business_record_with_per_node_field_permissions() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:fgf="https://fangguanfu.example/bpmn" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="x"><process id="form" isExecutable="true">
<startEvent id="s"/>
<userTask id="review" camunda:assignee="reviewer"><extensionElements><fgf:field name="amount" access="write"/><fgf:field name="secret_note" access="hidden"/></extensionElements></userTask>
<exclusiveGateway id="g" default="small"/><userTask id="big_decide" camunda:assignee="leader"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="g"/>
<sequenceFlow id="big" sourceRef="g" targetRef="big_decide"><conditionExpression>${amount &gt; 1000}</conditionExpression></sequenceFlow>
<sequenceFlow id="small" sourceRef="g" targetRef="e"/><sequenceFlow id="f3" sourceRef="big_decide" targetRef="e"/></process></definitions>"#;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            xml.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let clerk = d.token("clerk").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/processes/form/start",
            Some(&clerk),
            Some(json!({"record": {"applicant": "味之源", "amount": 10, "secret_note": "内部"}})),
        )
        .await;
    let id = r.json()["instance_id"].as_i64().unwrap();
    let reviewer = d.token("reviewer").await;
    let w = todo(&d, &reviewer)
        .await
        .into_iter()
        .find(|w| w["instance_id"] == id)
        .unwrap();
    let form = d
        .api(
            Method::GET,
            &format!("/api/v1/tasks/{}/form", w["id"]),
            Some(&reviewer),
            None,
        )
        .await
        .json();
    assert_eq!(form["fields"]["amount"]["access"], "write");
    assert_eq!(form["fields"]["applicant"]["access"], "read");
    assert!(
        form["fields"].get("secret_note").is_none(),
        "hidden from this step: {form}"
    );
    // A read-only field cannot be written at this step; nothing changes.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{}", w["id"]),
            Some(&reviewer),
            Some(json!({"op": "complete", "fields": {"applicant": "改名"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "field_not_editable");
    // The editable one is written to the record, and the gateway reads it from there.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{}", w["id"]),
            Some(&reviewer),
            Some(json!({"op": "complete", "fields": {"amount": 5000}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let leader = d.token("leader").await;
    assert!(
        todo(&d, &leader)
            .await
            .iter()
            .any(|w| w["instance_id"] == id),
        "amount 5000 read from the record"
    );
    let inst = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{id}"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert!(
        inst["variables"].get("amount").is_none(),
        "form data is not copied into process variables: {inst}"
    );
    d.cleanup().await;
}

#[tokio::test]
async fn running_instances_stay_on_their_version() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let v = |task: &str| {
        format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="x"><process id="versioned" isExecutable="true">
<startEvent id="s"/><userTask id="{task}" camunda:assignee="clerk"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="{task}"/><sequenceFlow id="f2" sourceRef="{task}" targetRef="e"/></process></definitions>"#
        )
    };
    let r1 = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            v("old_step").into_bytes(),
        )
        .await
        .json();
    assert_eq!(r1["version"], 1);
    let clerk = d.token("clerk").await;
    let first = d
        .api(
            Method::POST,
            "/api/v1/processes/versioned/start",
            Some(&clerk),
            Some(json!({})),
        )
        .await
        .json()["instance_id"]
        .as_i64()
        .unwrap();
    let r2 = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            v("new_step").into_bytes(),
        )
        .await
        .json();
    assert_eq!(r2["version"], 2);
    let second = d
        .api(
            Method::POST,
            "/api/v1/processes/versioned/start",
            Some(&clerk),
            Some(json!({})),
        )
        .await
        .json()["instance_id"]
        .as_i64()
        .unwrap();
    let tasks = todo(&d, &clerk).await;
    let node = |id: i64| tasks.iter().find(|w| w["instance_id"] == id).unwrap()["node_id"].clone();
    assert_eq!(
        node(first),
        "old_step",
        "the running instance keeps version 1"
    );
    assert_eq!(node(second), "new_step");
    let w = tasks.iter().find(|w| w["instance_id"] == first).unwrap();
    d.api(
        Method::POST,
        &format!("/api/v1/tasks/{}", w["id"]),
        Some(&clerk),
        Some(json!({"op": "complete"})),
    )
    .await;
    let inst = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{first}"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(inst["status"]["status"], "completed");
    assert_eq!(inst["definition_id"], r1["id"]);
    d.cleanup().await;
}

#[tokio::test]
async fn messages_find_their_instance_by_business_key_and_signals_reach_all() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="x"><message id="m1" name="fee_paid"/><signal id="s1" name="policy_changed"/><process id="fees" isExecutable="true">
<startEvent id="s"/><parallelGateway id="fork"/><intermediateCatchEvent id="wait_pay"><messageEventDefinition messageRef="m1"/></intermediateCatchEvent>
<intermediateCatchEvent id="wait_policy"><signalEventDefinition signalRef="s1"/></intermediateCatchEvent><parallelGateway id="join"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="fork"/><sequenceFlow id="f2" sourceRef="fork" targetRef="wait_pay"/><sequenceFlow id="f3" sourceRef="fork" targetRef="wait_policy"/>
<sequenceFlow id="f4" sourceRef="wait_pay" targetRef="join"/><sequenceFlow id="f5" sourceRef="wait_policy" targetRef="join"/><sequenceFlow id="f6" sourceRef="join" targetRef="e"/></process></definitions>"#;
    assert_eq!(
        d.raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            xml.as_bytes().to_vec()
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let clerk = d.token("clerk").await;
    let a = d
        .api(
            Method::POST,
            "/api/v1/processes/fees/start",
            Some(&clerk),
            Some(json!({"business_key": "FEE-A"})),
        )
        .await
        .json()["instance_id"]
        .as_i64()
        .unwrap();
    let b = d
        .api(
            Method::POST,
            "/api/v1/processes/fees/start",
            Some(&clerk),
            Some(json!({"business_key": "FEE-B"})),
        )
        .await
        .json()["instance_id"]
        .as_i64()
        .unwrap();
    // The payment for B goes to B, not to the older A.
    let r = d
        .api(
            Method::POST,
            "/api/v1/messages",
            Some(&clerk),
            Some(json!({"name": "fee_paid", "business_key": "FEE-B", "vars": {"paid": 100}})),
        )
        .await;
    assert_eq!(r.json()["instance_id"], b);
    let r = d
        .api(
            Method::POST,
            "/api/v1/messages",
            Some(&clerk),
            Some(json!({"name": "fee_paid", "business_key": "FEE-B"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "B no longer waits for it");
    assert_eq!(r.json()["error"]["code"], "message_no_receiver");
    // A signal reaches the waiting instances its sender may act on: the keeper's own
    // department's instance, not the service centre's (issue 11, finding 1).
    let c = d
        .api(
            Method::POST,
            "/api/v1/processes/fees/start",
            Some(&keeper),
            Some(json!({"business_key": "FEE-C"})),
        )
        .await
        .json()["instance_id"]
        .as_i64()
        .unwrap();
    let r = d
        .api(
            Method::POST,
            "/api/v1/signals",
            Some(&keeper),
            Some(json!({"name": "policy_changed"})),
        )
        .await
        .json();
    assert_eq!(r["instances"], json!([c]), "{r}");
    // The district's process designer with a district-wide scope reaches every waiting one.
    let admin = d.token("admin").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/signals",
            Some(&admin),
            Some(json!({"name": "policy_changed"})),
        )
        .await
        .json();
    assert_eq!(r["total"], 2, "{r}");
    let sb = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{b}"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    let sa = d
        .api(
            Method::GET,
            &format!("/api/v1/instances/{a}"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(sb["status"]["status"], "completed");
    assert_eq!(
        sa["status"]["status"], "running",
        "A still waits for its payment"
    );
    d.cleanup().await;
}

#[tokio::test]
async fn a_timer_start_event_starts_instances_on_its_cycle() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="x"><process id="monthly_check" isExecutable="true">
<startEvent id="tick"><timerEventDefinition><timeCycle>R2/PT1H</timeCycle></timerEventDefinition></startEvent><userTask id="inspect" camunda:assignee="inspector"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="tick" targetRef="inspect"/><sequenceFlow id="f2" sourceRef="inspect" targetRef="e"/></process></definitions>"#;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            xml.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let inspector = d.token("inspector").await;
    let count = |items: Vec<Value>| items.iter().filter(|w| w["node_id"] == "inspect").count();
    d.app.run_due_jobs().await.unwrap();
    assert_eq!(count(todo(&d, &inspector).await), 0, "not due yet");
    for expected in [1, 2, 2] {
        d.clock.advance_ms(3_600_000);
        d.app.run_due_jobs().await.unwrap();
        assert_eq!(
            count(todo(&d, &inspector).await),
            expected,
            "R2: two firings, then none"
        );
    }
    d.cleanup().await;
}

/// The designer page edits anywhere in the tree (insert after a card or at the head of an arm,
/// move, remove), refuses edits that name no card, and reopens a published designer flow to
/// publish its next version; a BPMN-imported process is not opened in it.
#[tokio::test]
async fn the_designer_page_edits_anywhere_and_reopens_a_published_flow() {
    let d = District::new().await;
    let (cookie, csrf) = d.page_session("keeper").await;
    let ck = format!("fgf_session={cookie}");
    let page = d.page(Method::GET, "/designer", &cookie).await;
    let mut state = hidden_state(&page.text());
    let post = |fields: Vec<(&'static str, String)>| {
        let mut f = vec![("_csrf", csrf.clone())];
        f.extend(fields);
        f
    };
    let card = |state: &str, place: &str, kind: &str, name: &str, who: &str| {
        post(vec![
            ("state", state.to_owned()),
            ("action", "add".to_owned()),
            ("place", place.to_owned()),
            ("type", kind.to_owned()),
            ("name", name.to_owned()),
            ("who", who.to_owned()),
            ("mode", "single".to_owned()),
            ("days", "0".to_owned()),
            ("cond", "${amount > 1000}".to_owned()),
            ("a_name", "局长审批".to_owned()),
            ("a_who", "user:leader".to_owned()),
            ("b_name", String::new()),
            ("b_who", String::new()),
        ])
    };
    let names = |state: &str| -> Vec<String> {
        fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
            for n in v.as_array().into_iter().flatten() {
                out.push(n["name"].as_str().unwrap_or("").to_owned());
                for arm in n["branches"].as_array().into_iter().flatten() {
                    walk(arm.get("nodes").unwrap_or(arm), out);
                }
            }
        }
        let flow: serde_json::Value = serde_json::from_str(state).unwrap();
        let mut out = Vec::new();
        walk(&flow["nodes"], &mut out);
        out
    };
    for (place, kind, name, who) in [
        ("", "handle", "受理", "user:clerk"),
        ("", "approval", "审核", "user:reviewer"),
        ("n1", "copy", "抄送科长", "user:chief"),
    ] {
        let r = d
            .form(
                Method::POST,
                "/designer",
                None,
                &ck,
                &card(&state, place, kind, name, who),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        state = hidden_state(&r.text());
    }
    assert_eq!(
        names(&state),
        ["受理", "抄送科长", "审核"],
        "inserted after 受理"
    );
    let edit = |state: &str, action: &str, node: &str| {
        post(vec![
            ("state", state.to_owned()),
            ("action", action.to_owned()),
            ("node", node.to_owned()),
        ])
    };
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &edit(&state, "up", "n2"),
        )
        .await;
    state = hidden_state(&r.text());
    assert_eq!(names(&state), ["受理", "审核", "抄送科长"]);
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &edit(&state, "remove", "n3"),
        )
        .await;
    state = hidden_state(&r.text());
    assert_eq!(names(&state), ["受理", "审核"]);
    // A branch after 审核 (it takes n3, free again), then a card at the head of its default arm.
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &card(&state, "n2", "branch", "金额判断", ""),
        )
        .await;
    state = hidden_state(&r.text());
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &card(&state, "n3#1", "approval", "科长审批", "user:chief"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    state = hidden_state(&r.text());
    assert_eq!(
        names(&state),
        ["受理", "审核", "金额判断", "局长审批", "科长审批"]
    );
    // Edit a card in place: the form comes back filled in, and the update keeps its id and
    // position; a branch keeps its arms when its condition changes.
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &edit(&state, "edit", "n2"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains(r#"value="审核""#) && r.text().contains(r#"value="user:reviewer""#));
    let update = |state: &str, node: &str, extra: Vec<(&'static str, String)>| {
        let mut f = post(vec![
            ("state", state.to_owned()),
            ("action", "update".to_owned()),
            ("node", node.to_owned()),
        ]);
        f.extend(extra);
        f
    };
    let vote = |ratio: &str| {
        vec![
            ("name", "审核会议".to_owned()),
            ("who", "user:reviewer,chief,leader".to_owned()),
            ("mode", "vote".to_owned()),
            ("ratio", ratio.to_owned()),
            ("on_empty", "skip".to_owned()),
            ("on_initiator", "leader".to_owned()),
            ("fields", "amount=read, opinion=write".to_owned()),
            ("days", "3".to_owned()),
            ("timeout_action", "escalate".to_owned()),
        ]
    };
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &update(&state, "n2", vote("1.5")),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a ratio above 1 is refused"
    );
    assert!(r.text().contains("票签通过比例"));
    assert_eq!(names(&hidden_state(&r.text())), names(&state));
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &update(&state, "n2", vote("0.6")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    state = hidden_state(&r.text());
    let flow: serde_json::Value = serde_json::from_str(&state).unwrap();
    let n2 = &flow["nodes"][1];
    assert_eq!(n2["id"], "n2");
    assert_eq!(n2["name"], "审核会议");
    assert_eq!(n2["mode"], json!({"type": "vote", "pass_ratio": 0.6}));
    assert_eq!(n2["on_empty"], "skip");
    assert_eq!(n2["on_initiator"], "leader");
    assert_eq!(n2["fields"], json!({"amount": "read", "opinion": "write"}));
    assert_eq!(
        n2["timeout"],
        json!({"working_days": 3, "action": "escalate"})
    );
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &update(
                &state,
                "n3",
                vec![
                    ("name", "金额判断".to_owned()),
                    ("arm_name_0", "大额".to_owned()),
                    ("arm_cond_0", "${amount > 5000}".to_owned()),
                    ("arm_name_new", "中额".to_owned()),
                    ("arm_cond_new", "${amount > 1000}".to_owned()),
                ],
            ),
        )
        .await;
    state = hidden_state(&r.text());
    let flow: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(
        flow["nodes"][2]["branches"][0]["condition"],
        "${amount > 5000}"
    );
    let arms = flow["nodes"][2]["branches"].as_array().unwrap();
    assert_eq!(arms.len(), 3, "a new arm was added");
    assert_eq!(arms[0]["name"], "大额");
    assert_eq!(arms[1]["name"], "中额");
    assert_eq!(arms[1]["condition"], "${amount > 1000}");
    assert_eq!(arms[2]["default"], true, "the default arm stays last");
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &update(
                &state,
                "n3",
                vec![
                    ("name", "金额判断".to_owned()),
                    ("arm_drop_1", "1".to_owned()),
                ],
            ),
        )
        .await;
    state = hidden_state(&r.text());
    let flow: serde_json::Value = serde_json::from_str(&state).unwrap();
    let arms = flow["nodes"][2]["branches"].as_array().unwrap();
    assert_eq!(arms.len(), 2, "the 中额 arm was dropped");
    assert_eq!(
        arms[0]["condition"], "${amount > 5000}",
        "untouched arms keep their values"
    );
    assert_eq!(
        names(&state),
        ["受理", "审核会议", "金额判断", "局长审批", "科长审批"]
    );
    // Edits that name nothing are refused with the field and leave the caller's flow as it was.
    for fields in [
        edit(&state, "remove", "n99"),
        card(&state, "n99", "copy", "x", "user:x"),
    ] {
        let r = d.form(Method::POST, "/designer", None, &ck, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("不存在"), "the designer says why");
        assert_eq!(names(&hidden_state(&r.text())), names(&state));
    }
    // Publish, reopen from the process page, change, publish version 2.
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &post(vec![
                ("state", state.clone()),
                ("action", "deploy".to_owned()),
                ("flow_id", "edited_flow".to_owned()),
                ("flow_name", "可改流程".to_owned()),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let def_page = r.location().to_owned();
    let def_id = def_page.trim_start_matches("/processes/").to_owned();
    let p = d.page(Method::GET, &def_page, &cookie).await;
    assert!(p.text().contains(&format!("/designer?from={def_id}")));
    let reopened = d
        .page(Method::GET, &format!("/designer?from={def_id}"), &cookie)
        .await;
    assert_eq!(reopened.status, StatusCode::OK);
    let state = hidden_state(&reopened.text());
    assert_eq!(
        names(&state),
        ["受理", "审核会议", "金额判断", "局长审批", "科长审批"]
    );
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &edit(&state, "remove", "n2"),
        )
        .await;
    let state = hidden_state(&r.text());
    let r = d
        .form(
            Method::POST,
            "/designer",
            None,
            &ck,
            &post(vec![
                ("state", state),
                ("action", "deploy".to_owned()),
                ("flow_id", "edited_flow".to_owned()),
                ("flow_name", "可改流程".to_owned()),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let keeper = d.token("keeper").await;
    let id2 = r.location().trim_start_matches("/processes/").to_owned();
    let v2 = d
        .api(
            Method::GET,
            &format!("/api/v1/processes/{id2}"),
            Some(&keeper),
            None,
        )
        .await
        .json();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["designer"]["nodes"].as_array().unwrap().len(), 2);
    // A BPMN-imported process does not open in the designer.
    let bpmn = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="x"><process id="imported" isExecutable="true">
<startEvent id="s"/><userTask id="t" camunda:assignee="clerk"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/></process></definitions>"#;
    let imported = d
        .raw(
            Method::POST,
            "/api/v1/processes",
            Some(&keeper),
            "application/xml",
            bpmn.as_bytes().to_vec(),
        )
        .await
        .json()["id"]
        .clone();
    let r = d
        .page(Method::GET, &format!("/designer?from={imported}"), &cookie)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("不是在设计器中制作的"));
    d.cleanup().await;
}

/// A case with a 30-working-day deadline (a boundary timer on the clerk's task).
const THIRTY_WORKING_DAYS: &str = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="x"><process id="long_review" isExecutable="true">
<startEvent id="s"/><userTask id="review" name="审查" camunda:assignee="clerk"/><endEvent id="e"/>
<boundaryEvent id="late" attachedToRef="review" cancelActivity="false"><timerEventDefinition><timeDuration>P30WD</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="e2"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="e"/><sequenceFlow id="f3" sourceRef="late" targetRef="e2"/></process></definitions>"#;

async fn start_long_review(d: &District, clerk: &str) -> i64 {
    let r = d
        .api(
            Method::POST,
            "/api/v1/processes/long_review/start",
            Some(clerk),
            Some(json!({"business_key": "SQ-WD-30"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["instance_id"].as_i64().unwrap()
}

async fn instance(d: &District, token: &str, id: i64) -> Value {
    d.api(
        Method::GET,
        &format!("/api/v1/instances/{id}"),
        Some(token),
        None,
    )
    .await
    .json()
}

/// Issue 12: a working-day deadline counted through a year the district has no holiday notice
/// for says so wherever it is shown, and a suspension stops it for its working days only.
#[tokio::test]
async fn a_working_day_deadline_in_a_year_without_a_holiday_notice_carries_the_warning() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            THIRTY_WORKING_DAYS.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let clerk = d.token("clerk").await;
    // Friday 2026-11-27 + 30 working days: 24 in December 2026, then 2027, which has no
    // notice: 1 January (元旦 in every year) is counted as a Friday at work, and the due
    // date is Friday 2027-01-08.
    let id = start_long_review(&d, &clerk).await;
    let inst = instance(&d, &clerk, id).await;
    let deadline = &inst["deadlines"][0];
    assert_eq!(deadline["node"], "late");
    assert_eq!(deadline["working_days"], 30);
    assert_eq!(deadline["due_date"], "2027-01-08");
    assert_eq!(deadline["ends_at"], "24:00");
    assert_eq!(deadline["due_at"], "2027-01-09T00:00:00+08:00");
    assert_eq!(deadline["assumed_years"], json!([2027]));
    assert_eq!(
        deadline["warning"],
        "按周一至周五推算，2027 年放假安排未导入"
    );
    // The 待办 list and the instance page show it beside the due date.
    let (cookie, _) = d.page_session("clerk").await;
    let page = d.page(Method::GET, "/tasks", &cookie).await.text();
    assert!(page.contains("2027-01-08 24:00"), "{page}");
    assert!(
        page.contains("按周一至周五推算，2027 年放假安排未导入"),
        "{page}"
    );
    let page = d
        .page(Method::GET, &format!("/instances/{id}"), &cookie)
        .await
        .text();
    assert!(
        page.contains("按周一至周五推算，2027 年放假安排未导入"),
        "{page}"
    );

    // 挂起 for an expert review from Friday 10:00 to Monday 10:00: the pause holds Monday
    // 11-30 (Friday, the day the clock started, is not counted anyway), so one working day.
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/instances/{id}/control"),
            Some(&clerk),
            Some(json!({"action": "suspend", "reason": "专家评审"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let inst = instance(&d, &clerk, id).await;
    assert_eq!(inst["suspended"], true);
    assert_eq!(inst["pauses"][0]["reason"], "专家评审");
    assert_eq!(inst["pauses"][0]["end"], Value::Null);
    d.clock.advance_ms(3 * 86_400_000);
    // Bearer tokens last hours, not days.
    let clerk = d.token("clerk").await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/instances/{id}/control"),
            Some(&clerk),
            Some(json!({"action": "resume"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let inst = instance(&d, &clerk, id).await;
    assert_eq!(inst["pauses"][0]["start"], "2026-11-27T10:00:00+08:00");
    assert_eq!(inst["pauses"][0]["end"], "2026-11-30T10:00:00+08:00");
    let deadline = &inst["deadlines"][0];
    assert_eq!(deadline["paused_workdays"], 1);
    assert_eq!(deadline["due_date"], "2027-01-11");
    assert_eq!(deadline["assumed_years"], json!([2027]));

    // Once the 2027 notice is entered, a case started afterwards is counted with it: 元旦 is
    // no longer counted, and nothing is assumed.
    let admin = d.token("admin").await;
    let notice = json!({"document_no": "国办发明电〔2026〕9号", "holidays": {"2027-01-01": "元旦"}, "workdays": []});
    let r = d
        .api(
            Method::PUT,
            "/api/v1/calendar/years/2027",
            Some(&admin),
            Some(notice),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    d.clock.set_ms(common::NOW_MS);
    let clerk = d.token("clerk").await;
    let id = start_long_review(&d, &clerk).await;
    let deadline = instance(&d, &clerk, id).await["deadlines"][0].clone();
    assert_eq!(deadline["due_date"], "2027-01-11");
    assert_eq!(deadline["assumed_years"], json!([]));
    assert_eq!(deadline["warning"], Value::Null);
    d.cleanup().await;
}

/// 民法典第二百零三条: where the district sets business hours, a deadline day ends when
/// business stops.
#[tokio::test]
async fn minfadian_203_a_district_that_closes_at_17_30_ends_its_deadlines_then() {
    let d = District::with_config(|c| c.business_day_end = "17:30".parse().unwrap()).await;
    let keeper = d.token("keeper").await;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper),
            "application/xml",
            THIRTY_WORKING_DAYS.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let clerk = d.token("clerk").await;
    let id = start_long_review(&d, &clerk).await;
    let deadline = instance(&d, &clerk, id).await["deadlines"][0].clone();
    assert_eq!(deadline["due_date"], "2027-01-08");
    assert_eq!(deadline["ends_at"], "17:30");
    assert_eq!(deadline["due_at"], "2027-01-08T17:30:00+08:00");
    d.cleanup().await;
}

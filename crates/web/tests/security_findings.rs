//! Issue 11: the findings of probing the running demo as an attacker would. Each test is named
//! after its finding and fails without the fix; where a finding is one case of a class, the
//! test walks the class.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::{District, Resp};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use serde_json::{json, Value};
use std::net::SocketAddr;

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// A process that waits for a message and a signal, with a user task for the clerk.
const WAITING: &str = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:fgf="https://fangguanfu.example/bpmn" id="x"><message id="m1" name="fee_paid"/><signal id="s1" name="policy_changed"/><process id="fees" isExecutable="true">
<startEvent id="s"/><parallelGateway id="fork"/><intermediateCatchEvent id="wait_pay"><messageEventDefinition messageRef="m1"/></intermediateCatchEvent>
<intermediateCatchEvent id="wait_policy"><signalEventDefinition signalRef="s1"/></intermediateCatchEvent>
<userTask id="check" name="核对" fgf:rule="user:clerk"/><parallelGateway id="join"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="fork"/><sequenceFlow id="f2" sourceRef="fork" targetRef="wait_pay"/><sequenceFlow id="f3" sourceRef="fork" targetRef="wait_policy"/><sequenceFlow id="f3b" sourceRef="fork" targetRef="check"/>
<sequenceFlow id="f4" sourceRef="wait_pay" targetRef="join"/><sequenceFlow id="f5" sourceRef="wait_policy" targetRef="join"/><sequenceFlow id="f5b" sourceRef="check" targetRef="join"/><sequenceFlow id="f6" sourceRef="join" targetRef="e"/></process></definitions>"#;

async fn deploy(d: &District, token: &str, xml: &str) {
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(token),
            "application/xml",
            xml.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

async fn start(d: &District, token: &str, key: &str, business_key: &str) -> i64 {
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/processes/{key}/start"),
            token,
            Some(json!({ "business_key": business_key })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["instance_id"].as_i64().unwrap()
}

async fn open_item(d: &District, token: &str, instance: i64) -> i64 {
    let (_, v) = d.call(Method::GET, "/api/v1/tasks", token, None).await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["instance_id"] == instance)
        .expect("the task is in the inbox")["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn finding_1_messages_signals_and_every_instance_operation_stay_inside_the_data_scope() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    deploy(&d, &keeper, WAITING).await;
    let clerk = d.token("clerk").await;
    let x = start(&d, &clerk, "fees", "FEE-X").await;
    let item = open_item(&d, &clerk, x).await;
    // 区教育局's reviewer may not read an instance of the service centre …
    let teacher = d.token("teacher").await;
    let (s, v) = d
        .call(
            Method::GET,
            &format!("/api/v1/instances/{x}"),
            &teacher,
            None,
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    // … so a message to it finds no receiver, by business key or without one.
    for body in [
        json!({"name": "fee_paid", "business_key": "FEE-X", "vars": {"paid": 1}}),
        json!({"name": "fee_paid", "vars": {"paid": 1}}),
    ] {
        let (s, v) = d
            .call(Method::POST, "/api/v1/messages", &teacher, Some(body))
            .await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "message_no_receiver")
        );
    }
    let sent_before = d.app.log_sender().sent().len();
    d.app.base().dispatch_outbox().await.unwrap();
    let sent_before = sent_before.max(d.app.log_sender().sent().len());
    // Every operation on its work item answers as if the item did not exist: 催办 and 撤回,
    // which need no assignment, included.
    let ops = [
        json!({"op": "urge"}),
        json!({"op": "withdraw"}),
        json!({"op": "claim"}),
        json!({"op": "unclaim"}),
        json!({"op": "complete"}),
        json!({"op": "send_back", "target": "s"}),
        json!({"op": "transfer", "to": "teacher"}),
        json!({"op": "delegate", "to": "teacher"}),
        json!({"op": "resolve"}),
        json!({"op": "add_signer", "user": "teacher"}),
        json!({"op": "remove_signer"}),
        json!({"op": "carbon_copy", "readers": ["teacher"]}),
    ];
    for op in ops {
        let (s, v) = d
            .call(
                Method::POST,
                &format!("/api/v1/tasks/{item}"),
                &teacher,
                Some(op.clone()),
            )
            .await;
        assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"), "{op}");
    }
    for path in [
        format!("/api/v1/tasks/{item}/form"),
        format!("/api/v1/instances/{x}/history"),
        format!("/api/v1/instances/{x}/diagram"),
    ] {
        let (s, _) = d.call(Method::GET, &path, &teacher, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/instances/{x}/control"),
            &teacher,
            Some(json!({"action": "terminate", "reason": "x"})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    d.app.base().dispatch_outbox().await.unwrap();
    assert_eq!(
        d.app.log_sender().sent().len(),
        sent_before,
        "no 催办 notice went out"
    );
    // A signal from a designer of another department does not reach it either.
    let (_, v) = d
        .call(
            Method::POST,
            "/api/v1/signals",
            &keeper,
            Some(json!({"name": "policy_changed"})),
        )
        .await;
    assert_eq!(v["total"], 0, "{v}");
    // The instance is untouched: still waiting for payment and policy, no variables set.
    let (_, inst) = d
        .call(Method::GET, &format!("/api/v1/instances/{x}"), &clerk, None)
        .await;
    assert_eq!(inst["status"]["status"], "running");
    assert!(inst["variables"].get("paid").is_none(), "{inst}");
    // Its own department's clerk still reaches it.
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/messages",
            &clerk,
            Some(json!({"name": "fee_paid", "business_key": "FEE-X", "vars": {"paid": 1}})),
        )
        .await;
    assert_eq!((s, v["instance_id"].as_i64()), (StatusCode::OK, Some(x)));
    d.cleanup().await;
}

#[tokio::test]
async fn finding_2_candidates_match_exactly_not_by_like_pattern_or_case() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="x"><process id="offer" isExecutable="true">
<startEvent id="s"/><userTask id="t" name="审查" camunda:candidateUsers="reviewer"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/></process></definitions>"#;
    deploy(&d, &keeper, xml).await;
    let clerk = d.token("clerk").await;
    let id = start(&d, &clerk, "offer", "OFFER-1").await;
    // Accounts whose names match `reviewer` as a LIKE pattern (`_` is any one character) or
    // without regard to case.
    let admin = d.token("admin").await;
    let dept = d.department_id("D07").await;
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(json!({"username": "r_viewer", "display_name": "冒名者", "password": "Init-Password1!", "department_id": dept})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(json!({"username": "Reviewer", "display_name": "大写", "password": "Init-Password1!", "department_id": dept})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "username_taken"),
        "usernames are unique without regard to case"
    );
    let r_viewer = d.account_id("r_viewer").await;
    let sec = d.token("security").await;
    let post = d
        .app
        .store()
        .posts_of(AccountId::new(r_viewer))
        .await
        .unwrap()[0]
        .id;
    let (s, _) = d
        .call(
            Method::PUT,
            &format!("/api/v1/users/{r_viewer}/posts/{post}/roles"),
            &sec,
            Some(json!({"roles": ["reviewer"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let body = json!({"username": "r_viewer", "password": "Init-Password1!"});
    let r = d
        .api(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    let t = r.json()["token"].as_str().unwrap().to_owned();
    d.call(
        Method::POST,
        "/api/v1/auth/password",
        &t,
        Some(json!({"old_password": "Init-Password1!", "new_password": "Other-Pass9!"})),
    )
    .await;
    let (_, inbox) = d.call(Method::GET, "/api/v1/tasks", &t, None).await;
    assert!(
        !inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["instance_id"] == id),
        "r_viewer is not offered reviewer's task: {inbox}"
    );
    let (s, _) = d
        .call(Method::GET, &format!("/api/v1/instances/{id}"), &t, None)
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "nor reads the instance as a participant"
    );
    // The real candidate still sees and claims it.
    let reviewer = d.token("reviewer").await;
    let item = open_item(&d, &reviewer, id).await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/tasks/{item}"),
            &reviewer,
            Some(json!({"op": "claim"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    d.cleanup().await;
}

#[tokio::test]
async fn finding_3_gb_t_22239_8_1_5_nobody_grants_themselves_a_role_and_administrators_hold_no_business_role(
) {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let sec = d.token("security").await;
    let me = d.account_id("security").await;
    let reform_office = d.department_id("D01").await;
    // The system administrator may not give the security administrator a second post …
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/users/{me}/posts"),
            &admin,
            Some(json!({"department_id": reform_office})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "admin_account_protected")
    );
    // … and where one exists (made before this rule), its holder cannot fill it themselves.
    let mut tx = d.app.store().write(d.app.system_ctx("test")).await.unwrap();
    let post = tx
        .insert_post(
            AccountId::new(me),
            DepartmentId::new(reform_office),
            false,
            "兼职",
        )
        .await
        .unwrap();
    tx.audit("test.post", "account", &me.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // … and the security administrator cannot grant themselves the reform office's role.
    let (s, v) = d
        .call(
            Method::PUT,
            &format!("/api/v1/users/{me}/posts/{post}/roles"),
            &sec,
            Some(json!({"roles": ["reform"]})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "role_self_grant"));
    // Nor may anyone give an administrator a business role, or a business account a duty
    // beside its business roles.
    let auditor = d.account_id("auditor").await;
    let apost = d
        .app
        .store()
        .posts_of(AccountId::new(auditor))
        .await
        .unwrap()[0]
        .id;
    let (s, v) = d
        .call(
            Method::PUT,
            &format!("/api/v1/users/{auditor}/posts/{apost}/roles"),
            &sec,
            Some(json!({"roles": ["auditadmin", "reform"]})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "admin_business_role"));
    let reviewer = d.account_id("reviewer").await;
    let rposts = d
        .app
        .store()
        .posts_of(AccountId::new(reviewer))
        .await
        .unwrap();
    let (s, v) = d
        .call(
            Method::PUT,
            &format!("/api/v1/users/{reviewer}/posts/{}/roles", rposts[1].id),
            &sec,
            Some(json!({"roles": ["sysadmin"]})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "admin_business_role"),
        "the reviewer's other post holds a business role"
    );
    // The system administrator can neither disable nor reset the audit administrator.
    let (s, v) = d
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{auditor}"),
            &admin,
            Some(json!({"display_name": "审计员", "status": "disabled"})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "admin_account_protected")
    );
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/users/{auditor}/password-reset"),
            &admin,
            Some(json!({"password": "Reset-Pass9!x"})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "admin_account_protected")
    );
    let a = d
        .app
        .store()
        .find_account_for_login("auditor")
        .await
        .unwrap();
    assert_eq!(a.unwrap().0.status.as_str(), "active");
    // Nor reset an applicant's password into their own hands.
    let citizen = d.account_id("citizen").await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/users/{citizen}/password-reset"),
            &admin,
            Some(json!({"password": "Reset-Pass9!x"})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "applicant_reset_self_service")
    );
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "citizen", "password": "Reset-Pass9!x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A staff reset is audited and the owner is told.
    let clerk = d.account_id("clerk").await;
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/users/{clerk}/password-reset"),
            &admin,
            Some(json!({"password": "Reset-Pass9!x"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let notes = d
        .app
        .store()
        .list_notifications(
            AccountId::new(clerk),
            false,
            fgf_store::Page::new(Some(1), Some(50)),
        )
        .await
        .unwrap();
    assert!(
        notes
            .items
            .iter()
            .any(|n| n.title.contains("密码已被管理员重置")),
        "the owner is notified"
    );
    let auditor_t = d.token("auditor").await;
    let (_, audit) = d
        .call(
            Method::GET,
            "/api/v1/audit?action=account.password_reset",
            &auditor_t,
            None,
        )
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
    d.cleanup().await;
}

async fn login_from(d: &District, addr: &str, body: Value) -> Resp {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let sock: SocketAddr = format!("{addr}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(sock));
    d.send(req).await
}

fn creds(user: &str, pw: &str) -> Value {
    json!({"username": user, "password": pw})
}

#[tokio::test]
async fn finding_4_gb_t_22239_8_1_4_1_d_a_second_factor_is_re_enrolled_only_with_password_and_code_and_a_code_works_once(
) {
    let d = District::new().await;
    // A code is accepted once: a second login with it in its window is refused.
    let code1 = d.totp("auditor").await.unwrap();
    let body = json!({"username": "auditor", "password": fgf_app::base::seed::DEMO_PASSWORD, "totp": code1});
    let r = d
        .api(Method::POST, "/api/v1/auth/login", None, Some(body.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = d
        .api(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    assert_eq!(
        (r.status, code(&r.json())),
        (StatusCode::UNAUTHORIZED, "totp_invalid")
    );
    // A signed-in session cannot re-enrol without the password and the current code.
    let (cookie, csrf) = d.page_session("admin").await;
    let post = |fields: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        let csrf = csrf.clone();
        let d = &d;
        async move {
            let mut f = vec![("_csrf", csrf)];
            f.extend(fields);
            d.form(
                Method::POST,
                "/totp",
                None,
                &format!("fgf_session={cookie}"),
                &f,
            )
            .await
        }
    };
    let r = post(vec![("action", "start".to_owned())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let r = post(vec![
        ("action", "start".to_owned()),
        ("password", fgf_app::base::seed::DEMO_PASSWORD.to_owned()),
        ("current_code", "000000".to_owned()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let admin = d
        .app
        .store()
        .find_account_for_login("admin")
        .await
        .unwrap()
        .unwrap()
        .0;
    assert!(admin.totp_enabled, "the factor is unchanged");
    let good = d.totp("admin").await.unwrap();
    let r = post(vec![
        ("action", "start".to_owned()),
        ("password", fgf_app::base::seed::DEMO_PASSWORD.to_owned()),
        ("current_code", good),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // The security administrator may reset someone else's factor; it is audited and told.
    let sec = d.token("security").await;
    let auditor = d.account_id("auditor").await;
    let (s, _) = d
        .call(
            Method::POST,
            &format!("/api/v1/users/{auditor}/totp-reset"),
            &sec,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let me = d.account_id("security").await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/users/{me}/totp-reset"),
            &sec,
            None,
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "account_self_admin"));
    let a = d
        .app
        .store()
        .find_account_for_login("auditor")
        .await
        .unwrap()
        .unwrap()
        .0;
    assert!(!a.totp_enabled);
    let notes = d
        .app
        .store()
        .list_notifications(
            AccountId::new(auditor),
            false,
            fgf_store::Page::new(Some(1), Some(50)),
        )
        .await
        .unwrap();
    assert!(notes.items.iter().any(|n| n.title.contains("动态口令")));
    d.cleanup().await;
}

#[test]
fn finding_4_codes_are_compared_in_constant_time_and_give_their_step() {
    let seed = b"12345678901234567890";
    let code = fgf_app::base::auth::totp_code(seed, 1_000_000_000);
    assert_eq!(
        fgf_app::base::auth::totp_step(seed, &code, 1_000_000_000),
        Some(1_000_000_000 / 30)
    );
    assert!(fgf_app::base::auth::constant_time_eq(b"123456", b"123456"));
    assert!(!fgf_app::base::auth::constant_time_eq(b"123456", b"123457"));
    assert!(!fgf_app::base::auth::constant_time_eq(b"12345", b"123456"));
}

#[tokio::test]
async fn finding_5_registration_does_not_tell_whether_an_identity_has_an_account() {
    let d = District::new().await;
    let fresh = json!({"kind": "citizen", "username": "newcomer", "password": "Strong-Pass9!", "display_name": "新用户", "resident_id": common::resident_id(7)});
    let dup = json!({"kind": "citizen", "username": "impostor", "password": "Strong-Pass9!", "display_name": "冒名", "resident_id": "34052419800101001X"});
    let a = d
        .api(Method::POST, "/api/v1/auth/register", None, Some(fresh))
        .await;
    let b = d
        .api(Method::POST, "/api/v1/auth/register", None, Some(dup))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(b.status, a.status);
    let keys = |r: &Resp| {
        let mut k: Vec<String> = r.json().as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&a), keys(&b), "the same answer shape");
    assert_eq!(b.json()["status"], "registered");
    assert!(
        d.app
            .store()
            .find_account_for_login("impostor")
            .await
            .unwrap()
            .is_none(),
        "no second account for the identity"
    );
    // The owner of the identity is told through their own channel.
    let citizen = d.account_id("citizen").await;
    let notes = d
        .app
        .store()
        .list_notifications(
            AccountId::new(citizen),
            false,
            fgf_store::Page::new(Some(1), Some(50)),
        )
        .await
        .unwrap();
    assert!(notes.items.iter().any(|n| n.title.contains("注册")));
    d.cleanup().await;
}

#[tokio::test]
async fn finding_5_gb_t_22239_8_1_4_1_b_the_current_password_check_counts_towards_lockout() {
    let d = District::new().await;
    let t = d.token("keeper").await;
    for _ in 0..4 {
        let (s, v) = d
            .call(
                Method::POST,
                "/api/v1/auth/password",
                &t,
                Some(json!({"old_password": "Wrong-pass1!", "new_password": "Other-Pass9!"})),
            )
            .await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "password_wrong")
        );
    }
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/auth/password",
            &t,
            Some(json!({"old_password": "Wrong-pass1!", "new_password": "Other-Pass9!"})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::LOCKED, "account_locked"));
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/auth/password",
            &t,
            Some(json!({"old_password": fgf_app::base::seed::DEMO_PASSWORD, "new_password": "Other-Pass9!"})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::LOCKED, "account_locked"),
        "the right one too, while locked"
    );
    d.cleanup().await;
}

#[tokio::test]
async fn finding_9_a_keeper_edits_phrases_of_their_own_departments_matters_only() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    // A matter kept by another department than 区市场监管局 (and its 城关街道 post).
    let market = d.department_id("D04").await;
    let township = d.department_id("S01").await;
    let matters = d.app.store().matters_in_force().await.unwrap();
    let other = matters
        .iter()
        .map(|(m, _)| m)
        .find(|m| {
            m.department_id != DepartmentId::new(market)
                && m.department_id != DepartmentId::new(township)
        })
        .expect("a matter of another department");
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/matters/{}/phrases", other.code),
            &keeper,
            Some(json!({"phrase": "冒名说法", "add": true})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"), "{v}");
    let mine = matters
        .iter()
        .map(|(m, _)| m)
        .find(|m| m.department_id == DepartmentId::new(market))
        .expect("a matter of the keeper's department");
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/matters/{}/phrases", mine.code),
            &keeper,
            Some(json!({"phrase": "自家说法", "add": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    d.cleanup().await;
}

#[tokio::test]
async fn finding_9_a_file_is_readable_by_whoever_may_read_a_record_it_belongs_to() {
    let d = District::new().await;
    let reform = d.token("reform").await;
    let hash = d.evidence(&reform).await;
    // Not yet attached to anything: only its uploader reads it.
    let path = format!("/api/v1/files/{hash}");
    let (s, _) = d.call(Method::GET, &path, &reform, None).await;
    assert_eq!(s, StatusCode::OK);
    for who in ["citizen", "clerk"] {
        let t = d.token(who).await;
        let (s, v) = d.call(Method::GET, &path, &t, None).await;
        assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"), "{who}");
    }
    // As the evidence of an accountability record it is a reform record: staff read it,
    // applicants still do not.
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/merits",
            &reform,
            Some(json!({"kind": "accountability", "unit": "D07", "category": "慢作为", "reason": "逾期未报送", "document_no": "示改〔2026〕9号", "file": hash, "decided_on": "2026-11-20"})),
        )
        .await;
    assert!(s.is_success(), "{v}");
    let clerk = d.token("clerk").await;
    let (s, _) = d.call(Method::GET, &path, &clerk, None).await;
    assert_eq!(s, StatusCode::OK);
    let citizen = d.token("citizen").await;
    let (s, _) = d.call(Method::GET, &path, &citizen, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    d.cleanup().await;
}

#[tokio::test]
async fn finding_15_gb_t_22239_8_1_4_1_a_a_password_older_than_its_maximum_age_must_be_changed_and_the_last_five_are_not_reused(
) {
    let d = District::new().await;
    d.clock.advance_ms(91 * 86_400_000);
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(creds("clerk", fgf_app::base::seed::DEMO_PASSWORD)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["must_change_password"], true);
    let t = r.json()["token"].as_str().unwrap().to_owned();
    let (s, v) = d.call(Method::GET, "/api/v1/tasks", &t, None).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "password_change_required")
    );
    // Five passwords in turn; none of the last five comes back.
    let mut old = fgf_app::base::seed::DEMO_PASSWORD.to_owned();
    for i in 1..=4 {
        let new = format!("Rotate-Pass{i}!");
        let (s, v) = d
            .call(
                Method::POST,
                "/api/v1/auth/password",
                &t,
                Some(json!({"old_password": old, "new_password": new})),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        old = new;
    }
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/auth/password",
            &t,
            Some(json!({"old_password": old, "new_password": fgf_app::base::seed::DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "password_reused")
    );
    let (s, _) = d
        .call(
            Method::POST,
            "/api/v1/auth/password",
            &t,
            Some(json!({"old_password": old, "new_password": "Rotate-Pass5!"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = d
        .call(
            Method::POST,
            "/api/v1/auth/password",
            &t,
            Some(json!({"old_password": "Rotate-Pass5!", "new_password": fgf_app::base::seed::DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NO_CONTENT,
        "six passwords back is allowed again: {v}"
    );
    d.cleanup().await;
}

#[tokio::test]
async fn finding_15_gb_t_22239_8_1_4_1_d_second_factor_for_staff_is_a_setting() {
    let d = District::with_config(|c| {
        c.security.second_factor = fgf_app::config::SecondFactor::Staff;
    })
    .await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(creds("clerk", fgf_app::base::seed::DEMO_PASSWORD)),
        )
        .await;
    assert_eq!(r.json()["needs_totp_enrolment"], true);
    let t = r.json()["token"].as_str().unwrap().to_owned();
    let (s, v) = d.call(Method::GET, "/api/v1/tasks", &t, None).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "totp_enrolment_required")
    );
    // Applicants are not staff.
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(creds("citizen", fgf_app::base::seed::DEMO_PASSWORD)),
        )
        .await;
    assert_eq!(r.json()["needs_totp_enrolment"], false);
    d.cleanup().await;
}

#[tokio::test]
async fn finding_16_gb_t_39786_8_4_g_a_personal_data_ciphertext_swapped_into_another_row_does_not_decrypt(
) {
    let d = District::new().await;
    let citizen = d.account_id("citizen").await;
    let enterprise = d.account_id("enterprise").await;
    let a = d
        .app
        .store()
        .get_own_account(AccountId::new(citizen))
        .await
        .unwrap()
        .0;
    // Copy the citizen's phone ciphertext onto the enterprise's row.
    let mut tx = d.app.store().write(d.app.system_ctx("test")).await.unwrap();
    tx.set_account_pii(AccountId::new(enterprise), a.phone_enc.clone(), None)
        .await
        .unwrap();
    tx.audit("test.swap", "account", &enterprise.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let t = d.token("enterprise").await;
    let (s, _) = d.call(Method::GET, "/api/v1/auth/me", &t, None).await;
    assert_eq!(
        s,
        StatusCode::INTERNAL_SERVER_ERROR,
        "the swap is detected, not shown as the enterprise's phone"
    );
    // The citizen's own value still reads.
    let t = d.token("citizen").await;
    let (s, me) = d.call(Method::GET, "/api/v1/auth/me", &t, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["account"]["phone"], "13712345678");
    d.cleanup().await;
}

#[tokio::test]
async fn finding_3_applicants_recover_their_own_password_with_a_code_to_their_phone() {
    let d = District::new().await;
    let citizen = d.account_id("citizen").await;
    let session = d.token("citizen").await;
    let codes = |d: &District| {
        let d = d.app.clone();
        async move {
            d.store()
                .list_notifications(
                    AccountId::new(citizen),
                    false,
                    fgf_store::Page::new(Some(1), Some(50)),
                )
                .await
                .unwrap()
                .items
                .into_iter()
                .filter(|n| n.title.contains("验证码"))
                .map(|n| {
                    n.body
                        .split("验证码 ")
                        .nth(1)
                        .unwrap()
                        .chars()
                        .take(6)
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
        }
    };
    // A wrong phone gets the same answer and sends nothing.
    let wrong =
        json!({"username": "citizen", "resident_id": "34052419800101001X", "phone": "13700000000"});
    let right =
        json!({"username": "citizen", "resident_id": "34052419800101001X", "phone": "13712345678"});
    let a = d
        .api(Method::POST, "/api/v1/auth/recover", None, Some(wrong))
        .await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    assert!(codes(&d).await.is_empty());
    let b = d
        .api(Method::POST, "/api/v1/auth/recover", None, Some(right))
        .await;
    assert_eq!(
        (b.status, b.json()),
        (a.status, a.json()),
        "the same answer"
    );
    let sent = codes(&d).await;
    assert_eq!(sent.len(), 1, "a code went to the registered phone");
    let confirm = |code: &str| json!({"username": "citizen", "code": code, "new_password": "Recovered-Pass9!"});
    let wrong_code = if sent[0] == "000000" {
        "111111"
    } else {
        "000000"
    };
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/recover/confirm",
            None,
            Some(confirm(wrong_code)),
        )
        .await;
    assert_eq!(
        (r.status, code(&r.json())),
        (StatusCode::UNPROCESSABLE_ENTITY, "recovery_code_invalid")
    );
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/recover/confirm",
            None,
            Some(confirm(&sent[0])),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    // The code works once; the old session ended; the new password signs in; audited.
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/recover/confirm",
            None,
            Some(confirm(&sent[0])),
        )
        .await;
    assert_eq!(code(&r.json()), "recovery_code_invalid");
    let (s, _) = d.call(Method::GET, "/api/v1/auth/me", &session, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(creds("citizen", "Recovered-Pass9!")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let auditor = d.token("auditor").await;
    let (_, audit) = d
        .call(
            Method::GET,
            "/api/v1/audit?action=account.password_recover",
            &auditor,
            None,
        )
        .await;
    assert_eq!(audit["total"], 1);
    // Staff do not recover this way: they ask the security administrator.
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/recover/confirm",
            None,
            Some(
                json!({"username": "clerk", "code": "123456", "new_password": "Recovered-Pass9!"}),
            ),
        )
        .await;
    assert_eq!(code(&r.json()), "recovery_code_invalid");
    d.cleanup().await;
}

#[tokio::test]
async fn finding_4_a_second_factor_reset_of_an_unknown_account_is_not_found() {
    let d = District::new().await;
    let sec = d.token("security").await;
    let (s, v) = d
        .call(Method::POST, "/api/v1/users/999999/totp-reset", &sec, None)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let keeper = d.token("keeper").await;
    let auditor = d.account_id("auditor").await;
    let (s, v) = d
        .call(
            Method::POST,
            &format!("/api/v1/users/{auditor}/totp-reset"),
            &keeper,
            None,
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "permission_denied"));
    d.cleanup().await;
}

#[tokio::test]
async fn finding_5_gb_t_22239_8_1_4_1_b_failures_lock_a_username_for_their_address_only_and_keep_live_sessions(
) {
    let d = District::new().await;
    // The auditor is signed in at their desk.
    let auditor = d.token("auditor").await;
    // An attacker elsewhere fails five times: the same answer as for an unknown username,
    // with nothing that tells how many tries are left.
    for _ in 0..4 {
        let r = login_from(&d, "10.9.9.9", creds("auditor", "Wrong-pass1!")).await;
        let unknown = login_from(&d, "10.9.9.8", creds("nobody", "Wrong-pass1!")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.json(),
            unknown.json(),
            "wrong user and wrong password alike"
        );
        assert_eq!(code(&r.json()), "invalid_credentials");
        assert!(r.json()["error"]["details"].is_null(), "{}", r.text());
    }
    let r = login_from(&d, "10.9.9.9", creds("auditor", "Wrong-pass1!")).await;
    assert_eq!(
        (r.status, code(&r.json())),
        (StatusCode::LOCKED, "account_locked")
    );
    // Unknown usernames lock the same way, so a lock does not reveal an account either.
    let r = login_from(&d, "10.9.9.8", creds("nobody", "Wrong-pass1!")).await;
    assert_eq!(
        (r.status, code(&r.json())),
        (StatusCode::LOCKED, "account_locked")
    );
    // The auditor's session lives on, and the auditor signs in from their own address.
    let (s, _) = d.call(Method::GET, "/api/v1/auth/me", &auditor, None).await;
    assert_eq!(s, StatusCode::OK);
    let totp = d.totp("auditor").await.unwrap();
    let r = login_from(
        &d,
        "10.1.1.1",
        json!({"username": "auditor", "password": fgf_app::base::seed::DEMO_PASSWORD, "totp": totp}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // From the attacker's address even the right password is refused while locked.
    let totp = d.totp("auditor").await.unwrap();
    let r = login_from(
        &d,
        "10.9.9.9",
        json!({"username": "auditor", "password": fgf_app::base::seed::DEMO_PASSWORD, "totp": totp}),
    )
    .await;
    assert_eq!(r.status, StatusCode::LOCKED);
    d.cleanup().await;
}

#[tokio::test]
async fn finding_5_gb_t_22239_8_1_4_1_b_one_address_failing_on_many_usernames_is_refused() {
    let d = District::new().await;
    for i in 0..20 {
        let r = login_from(&d, "10.7.7.7", creds(&format!("user{i}"), "Wrong-pass1!")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = login_from(
        &d,
        "10.7.7.7",
        creds("clerk", fgf_app::base::seed::DEMO_PASSWORD),
    )
    .await;
    assert_eq!(
        (r.status, code(&r.json())),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    let r = login_from(
        &d,
        "10.7.7.6",
        creds("clerk", fgf_app::base::seed::DEMO_PASSWORD),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "other addresses are not affected");
    d.cleanup().await;
}

//! Authentication controls (等保 level 3, RULES.md §7.2) and bad input: every bad login,
//! user and department request gets a clear 4xx with a machine-readable code and a Chinese
//! message, and leaves nothing half-written.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use fgf_domain::base::AccountId;
use serde_json::{json, Value};

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

async fn login(d: &District, user: &str, pw: &str) -> common::Resp {
    d.api(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"username": user, "password": pw})),
    )
    .await
}

#[tokio::test]
async fn gb_t_22239_8_1_4_1_lockout_after_five_failures_in_fifteen_minutes() {
    let d = District::new().await;
    for i in 1..=4 {
        let r = login(&d, "keeper", "Wrong-pass1!").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // No count of remaining attempts: it would tell that the account exists (issue 11).
        assert_eq!(code(&r.json()), "invalid_credentials", "attempt {i}");
        assert!(r.json()["error"]["details"].is_null());
        assert!(has_chinese(r.json()["error"]["message"].as_str().unwrap()));
    }
    let r = login(&d, "keeper", "Wrong-pass1!").await;
    assert_eq!(r.status, StatusCode::LOCKED);
    assert_eq!(code(&r.json()), "account_locked");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("锁定"));
    // Even the right password is refused while locked …
    assert_eq!(
        login(&d, "keeper", fgf_app::base::seed::DEMO_PASSWORD)
            .await
            .status,
        StatusCode::LOCKED
    );
    // … and accepted again after the lock period (15 minutes).
    d.clock.advance_ms(15 * 60_000 + 1);
    assert_eq!(
        login(&d, "keeper", fgf_app::base::seed::DEMO_PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
    // The attempts and the lock (for the address they came from) are in the login log.
    let auditor = d.token("auditor").await;
    let log = d
        .api(
            Method::GET,
            "/api/v1/login-log?username=keeper&per_page=50",
            Some(&auditor),
            None,
        )
        .await
        .json();
    let outcomes: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "bad_password").count(), 5);
    assert!(outcomes.contains(&"locked") && outcomes.contains(&"success"));
    assert!(log["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["outcome"] == "locked" && l["detail"] == "failures: 5"));
    d.cleanup().await;
}

#[tokio::test]
async fn failures_outside_the_window_do_not_lock() {
    let d = District::new().await;
    for _ in 0..4 {
        login(&d, "inspector", "Wrong-pass1!").await;
    }
    d.clock.advance_ms(16 * 60_000);
    let r = login(&d, "inspector", "Wrong-pass1!").await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "old failures fell out of the 15-minute window"
    );
    d.cleanup().await;
}

#[tokio::test]
async fn security_admin_unlocks_a_locked_account() {
    let d = District::new().await;
    for _ in 0..5 {
        login(&d, "reform", "Wrong-pass1!").await;
    }
    assert_eq!(
        login(&d, "reform", fgf_app::base::seed::DEMO_PASSWORD)
            .await
            .status,
        StatusCode::LOCKED
    );
    let sec = d.token("security").await;
    let id = d.account_id("reform").await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/users/{id}/unlock"),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        login(&d, "reform", fgf_app::base::seed::DEMO_PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
    d.cleanup().await;
}

#[tokio::test]
async fn unknown_users_get_the_same_answer_as_wrong_passwords() {
    let d = District::new().await;
    let r = login(&d, "nobody", "Whatever-1!").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&r.json()), "invalid_credentials");
    d.cleanup().await;
}

#[tokio::test]
async fn gb_t_22239_8_1_4_1_idle_session_expires_after_thirty_minutes() {
    let d = District::new().await;
    let t = d.token("clerk").await;
    d.clock.advance_ms(29 * 60_000);
    assert_eq!(
        d.api(Method::GET, "/api/v1/auth/me", Some(&t), None)
            .await
            .status,
        StatusCode::OK
    );
    let (cookie, _) = d.page_session("clerk").await;
    d.clock.advance_ms(29 * 60_000);
    // Activity slid the cookie session forward; it is still alive 58 minutes in.
    assert_eq!(
        d.page(Method::GET, "/workbench", &cookie).await.status,
        StatusCode::OK
    );
    d.clock.advance_ms(31 * 60_000);
    let p = d.page(Method::GET, "/workbench", &cookie).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().contains("expired=1"), "{}", p.location());
    let r = d.api(Method::GET, "/api/v1/auth/me", Some(&t), None).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "bearer tokens have their own fixed lifetime (8 h)"
    );
    d.clock.advance_ms(8 * 3_600_000);
    let r = d.api(Method::GET, "/api/v1/auth/me", Some(&t), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&r.json()), "session_expired");
    assert!(r.headers.get("www-authenticate").is_some());
    d.cleanup().await;
}

#[tokio::test]
async fn gb_t_22239_8_1_4_1_d_administrators_need_a_second_factor() {
    let d = District::new().await;
    let r = login(&d, "admin", fgf_app::base::seed::DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&r.json()), "totp_required");
    let r = d.api(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin", "password": fgf_app::base::seed::DEMO_PASSWORD, "totp": "000000"}))).await;
    assert_eq!(code(&r.json()), "totp_invalid");
    let good = d.totp("admin").await.unwrap();
    let r = d.api(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin", "password": fgf_app::base::seed::DEMO_PASSWORD, "totp": good}))).await;
    assert_eq!(r.status, StatusCode::OK);
    d.cleanup().await;
}

#[tokio::test]
async fn a_new_administrator_must_change_the_password_and_enrol_totp_before_anything_else() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let dept = d.department_id("D00").await;
    let r = d.api(Method::POST, "/api/v1/users", Some(&admin), Some(json!({"username": "newsec", "display_name": "新安全员", "password": "Init-Password1!", "department_id": dept}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let post = r.json()["posts"][0]["id"].as_i64().unwrap();
    let sec = d.token("security").await;
    let r = d
        .api(
            Method::PUT,
            &format!("/api/v1/users/{id}/posts/{post}/roles"),
            Some(&sec),
            Some(json!({"roles": ["secadmin"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = login(&d, "newsec", "Init-Password1!").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["must_change_password"], true);
    let t = r.json()["token"].as_str().unwrap().to_owned();
    let r = d.api(Method::GET, "/api/v1/users", Some(&t), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(code(&r.json()), "password_change_required");
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/password",
            Some(&t),
            Some(json!({"old_password": "Init-Password1!", "new_password": "weak"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&r.json()), "password_weak");
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/password",
            Some(&t),
            Some(json!({"old_password": "Init-Password1!", "new_password": "Strong-Pass9!"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let r = d.api(Method::GET, "/api/v1/users", Some(&t), None).await;
    assert_eq!(code(&r.json()), "totp_enrolment_required");
    d.cleanup().await;
}

#[tokio::test]
async fn gb_t_22239_8_1_5_three_administrator_duties_cannot_be_combined() {
    let d = District::new().await;
    let sec = d.token("security").await;
    let teacher = d.account_id("teacher").await;
    let post = d
        .app
        .store()
        .posts_of(AccountId::new(teacher))
        .await
        .unwrap()[0]
        .id;
    let r = d
        .api(
            Method::PUT,
            &format!("/api/v1/users/{teacher}/posts/{post}/roles"),
            Some(&sec),
            Some(json!({"roles": ["sysadmin", "auditadmin"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(code(&r.json()), "admin_duty_conflict");
    // Nor across two posts of one account (兼职).
    let r = d
        .api(
            Method::PUT,
            &format!("/api/v1/users/{teacher}/posts/{post}/roles"),
            Some(&sec),
            Some(json!({"roles": ["sysadmin"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let admin = d.token("admin").await;
    let finance = d.department_id("D06").await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/users/{teacher}/posts"),
            Some(&admin),
            Some(json!({"department_id": finance})),
        )
        .await;
    let post2 = r.json()["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["department_id"] == finance)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = d
        .api(
            Method::PUT,
            &format!("/api/v1/users/{teacher}/posts/{post2}/roles"),
            Some(&sec),
            Some(json!({"roles": ["auditadmin"]})),
        )
        .await;
    assert_eq!(code(&r.json()), "admin_duty_conflict");
    // And nobody grants anything to themselves.
    let me = d.account_id("security").await;
    let mypost = d.app.store().posts_of(AccountId::new(me)).await.unwrap()[0].id;
    let r = d
        .api(
            Method::PUT,
            &format!("/api/v1/users/{me}/posts/{mypost}/roles"),
            Some(&sec),
            Some(json!({"roles": ["secadmin", "clerk"]})),
        )
        .await;
    assert_eq!(code(&r.json()), "role_self_grant");
    d.cleanup().await;
}

#[tokio::test]
async fn bad_login_input_gets_clear_errors() {
    let d = District::new().await;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/auth/login",
            None,
            "application/json",
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r.json()), "invalid_json");
    assert!(has_chinese(r.json()["error"]["message"].as_str().unwrap()));
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "clerk"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "missing password");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("password"));
    // The login form without its CSRF token is refused.
    let r = d
        .form(
            Method::POST,
            "/login",
            None,
            "",
            &[
                ("username", "clerk".to_owned()),
                ("password", "x".to_owned()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("csrf_invalid"));
    // A wrong password on the form re-renders it with the message and a 401.
    let r = d
        .form(
            Method::POST,
            "/login",
            None,
            "fgf_pre=p",
            &[
                ("_csrf", "p".to_owned()),
                ("username", "clerk".to_owned()),
                ("password", "nope".to_owned()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("用户名或密码错误"));
    d.cleanup().await;
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_token_for_changes() {
    let d = District::new().await;
    let (cookie, csrf) = d.page_session("admin").await;
    let dept = d.department_id("D00").await;
    let fields = vec![
        ("parent_id", dept.to_string()),
        ("code", "C1".to_owned()),
        ("name", "甲".to_owned()),
        ("kind", "section".to_owned()),
    ];
    let r = d
        .form(
            Method::POST,
            "/admin/departments",
            None,
            &format!("fgf_session={cookie}"),
            &fields,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token");
    let mut with_wrong = fields.clone();
    with_wrong.push(("_csrf", "forged".to_owned()));
    assert_eq!(
        d.form(
            Method::POST,
            "/admin/departments",
            None,
            &format!("fgf_session={cookie}"),
            &with_wrong
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let mut good = fields.clone();
    good.push(("_csrf", csrf));
    assert_eq!(
        d.form(
            Method::POST,
            "/admin/departments",
            None,
            &format!("fgf_session={cookie}"),
            &good
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    // The JSON API with a cookie (not a bearer token) needs the header.
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/departments")
        .header("cookie", format!("fgf_session={cookie}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"parent_id": dept, "code": "C2", "name": "乙", "kind": "section"}).to_string(),
        ))
        .unwrap();
    let r = d.send(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(code(&r.json()), "csrf_invalid");
    d.cleanup().await;
}

#[tokio::test]
async fn bad_department_input_gets_clear_errors_and_writes_nothing() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let root = d.department_id("D00").await;
    let before = d
        .api(
            Method::GET,
            "/api/v1/departments?per_page=200",
            Some(&admin),
            None,
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    let audit_before = d.app.store().count_audit().await.unwrap();
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"parent_id": root, "code": "", "name": "x", "kind": "section"}),
            422,
            "invalid_field",
        ),
        (
            json!({"parent_id": root, "code": "has space", "name": "x", "kind": "section"}),
            422,
            "invalid_field",
        ),
        (
            json!({"parent_id": root, "code": "OK1", "name": "", "kind": "section"}),
            422,
            "invalid_field",
        ),
        (
            json!({"parent_id": root, "code": "OK1", "name": "x", "kind": "planet"}),
            422,
            "invalid_field",
        ),
        (
            json!({"parent_id": 999_999, "code": "OK1", "name": "x", "kind": "section"}),
            422,
            "invalid_field",
        ),
        (
            json!({"parent_id": root, "code": "D01", "name": "重复", "kind": "section"}),
            409,
            "department_code_taken",
        ),
        (
            json!({"parent_id": "one", "code": "OK1", "name": "x", "kind": "section"}),
            400,
            "invalid_json",
        ),
        (json!({"code": "OK1"}), 400, "invalid_json"),
    ];
    for (body, status, want) in cases {
        let r = d
            .api(
                Method::POST,
                "/api/v1/departments",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.text());
        assert_eq!(code(&r.json()), want, "{body}");
        assert!(
            has_chinese(r.json()["error"]["message"].as_str().unwrap()),
            "{body}"
        );
    }
    let after = d
        .api(
            Method::GET,
            "/api/v1/departments?per_page=200",
            Some(&admin),
            None,
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(
        audit_before,
        d.app.store().count_audit().await.unwrap(),
        "no audit entry for refused changes"
    );
    // Deleting a department with staff is refused.
    let bureau = d.department_id("D04").await;
    let r = d
        .api(
            Method::DELETE,
            &format!("/api/v1/departments/{bureau}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(code(&r.json()), "department_not_empty");
    // Moving a department under its own child is refused.
    let section = d.department_id("D04-01").await;
    let r = d.api(Method::PATCH, &format!("/api/v1/departments/{bureau}"), Some(&admin), Some(json!({"parent_id": section, "code": "D04", "name": "区市场监管局", "kind": "bureau"}))).await;
    assert_eq!(code(&r.json()), "department_parent_invalid");
    // Bad ids in paths and queries.
    let r = d
        .api(Method::GET, "/api/v1/departments/abc", Some(&admin), None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = d
        .api(
            Method::GET,
            "/api/v1/departments?page=x",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(code(&r.json()), "invalid_query");
    // The form shows the reason on the page.
    let (cookie, csrf) = d.page_session("admin").await;
    let r = d
        .form(
            Method::POST,
            "/admin/departments",
            None,
            &format!("fgf_session={cookie}"),
            &[
                ("_csrf", csrf),
                ("parent_id", root.to_string()),
                ("code", "D01".to_owned()),
                ("name", "重复".to_owned()),
                ("kind", "section".to_owned()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("部门编码已存在"));
    d.cleanup().await;
}

#[tokio::test]
async fn bad_user_input_gets_clear_errors_and_writes_nothing() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let dept = d.department_id("D04").await;
    let ok = json!({"username": "valid_user", "display_name": "某某", "password": "Init-Password1!", "department_id": dept});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (with("username", json!("ab")), 422, "username_invalid"),
        (with("username", json!("含中文")), 422, "username_invalid"),
        (with("username", json!("clerk")), 409, "username_taken"),
        (with("display_name", json!("  ")), 422, "invalid_field"),
        (with("password", json!("short")), 422, "password_weak"),
        (
            with("password", json!("alllowercaseletters")),
            422,
            "password_weak",
        ),
        (
            with("password", json!("Valid_User-123")),
            422,
            "password_weak",
        ),
        (with("phone", json!("12345")), 422, "phone_invalid"),
        (with("department_id", json!(987_654)), 422, "invalid_field"),
        (with("department_id", json!("x")), 400, "invalid_json"),
    ];
    let total_before = d
        .api(Method::GET, "/api/v1/users", Some(&admin), None)
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    for (body, status, want) in cases {
        let r = d
            .api(
                Method::POST,
                "/api/v1/users",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.text());
        assert_eq!(code(&r.json()), want, "{body}");
    }
    assert_eq!(
        total_before,
        d.api(Method::GET, "/api/v1/users", Some(&admin), None)
            .await
            .json()["total"]
            .as_i64()
            .unwrap()
    );
    // Updates.
    let id = d.account_id("teacher").await;
    let r = d
        .api(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({"display_name": "孙丽", "status": "frozen"})),
        )
        .await;
    assert_eq!(code(&r.json()), "invalid_field");
    let r = d
        .api(
            Method::PATCH,
            "/api/v1/users/424242",
            Some(&admin),
            Some(json!({"display_name": "x", "status": "active"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let post = d.app.store().posts_of(AccountId::new(id)).await.unwrap()[0].id;
    let r = d
        .api(
            Method::DELETE,
            &format!("/api/v1/users/{id}/posts/{post}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(code(&r.json()), "post_last");
    let sec = d.token("security").await;
    let r = d
        .api(
            Method::PUT,
            &format!("/api/v1/users/{id}/posts/{post}/roles"),
            Some(&sec),
            Some(json!({"roles": ["superuser"]})),
        )
        .await;
    assert_eq!(code(&r.json()), "role_unknown");
    // Registration validates identifiers with their check digits.
    let reg = |rid: &str| json!({"kind": "citizen", "username": "someone", "password": "Reg-Password1!", "display_name": "某", "resident_id": rid});
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(reg("110105194912310021")),
        )
        .await;
    assert_eq!(code(&r.json()), "resident_id_invalid");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("校验"),
        "{}",
        r.text()
    );
    let r = d.api(Method::POST, "/api/v1/auth/register", None, Some(json!({"kind": "enterprise", "username": "firm1", "password": "Reg-Password1!", "display_name": "某公司", "uscc": "91350100M000100Y44"}))).await;
    assert_eq!(code(&r.json()), "uscc_invalid");
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(reg("34052419800101001X")),
        )
        .await;
    // The demo citizen already holds this resident ID: answered as a registration (so the
    // answer does not tell who has an account; issue 11), and no second account is made.
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(d
        .app
        .store()
        .find_account_for_login(reg("34052419800101001X")["username"].as_str().unwrap())
        .await
        .unwrap()
        .is_none());
    let r = d.api(Method::POST, "/api/v1/auth/register", None, Some(json!({"kind": "robot", "username": "r2d2", "password": "Reg-Password1!", "display_name": "x"}))).await;
    assert_eq!(code(&r.json()), "invalid_field");
    // The user form re-renders with the reason.
    let (cookie, csrf) = d.page_session("admin").await;
    let r = d
        .form(
            Method::POST,
            "/admin/users",
            None,
            &format!("fgf_session={cookie}"),
            &[
                ("_csrf", csrf),
                ("username", "clerk".to_owned()),
                ("display_name", "x".to_owned()),
                ("password", "Init-Password1!".to_owned()),
                ("department_id", dept.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("用户名已被使用"));
    d.cleanup().await;
}

#[tokio::test]
async fn rules_7_3_personal_data_is_encrypted_masked_and_unmasked_views_are_audited() {
    let d = District::new().await;
    let citizen = d.account_id("citizen").await;
    // Stored encrypted: the raw column does not contain the number.
    let (acc, _) = d
        .app
        .store()
        .get_own_account(AccountId::new(citizen))
        .await
        .unwrap();
    let blob = acc.resident_id_enc.unwrap();
    assert!(!String::from_utf8_lossy(&blob).contains("34052419800101001X"));
    // Masked for a role that does not need it in full (leader has 全部 scope but no pii.unmask).
    let leader = d.token("leader").await;
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/users/{citizen}?unmask=true"),
            Some(&leader),
            None,
        )
        .await
        .json();
    assert_eq!(r["resident_id"], "3405**********001X");
    assert_eq!(r["phone"], "137****5678");
    assert_eq!(r["unmasked"], false);
    // The window clerk may see it in full, and that view is audited. The clerk's scope is
    // their own window, so the applicant must be reached through the lookup by hash.
    let found = d
        .app
        .base()
        .find_applicant_by_resident_id(
            &d.app
                .base()
                .authenticate(&d.token("leader").await, "t")
                .await
                .unwrap(),
            "34052419800101001X",
        )
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.id), Some(AccountId::new(citizen)));
    let admin_view = d
        .api(
            Method::GET,
            &format!(
                "/api/v1/users/{}?unmask=true",
                d.account_id("teacher").await
            ),
            Some(&d.token("clerk").await),
            None,
        )
        .await;
    assert_eq!(
        admin_view.status,
        StatusCode::NOT_FOUND,
        "unmask does not widen the scope"
    );
    let clerk = d.token("clerk").await;
    let me = d.account_id("clerk").await;
    let auditor = d.token("auditor").await;
    let before = d
        .api(
            Method::GET,
            "/api/v1/audit?action=pii.view",
            Some(&auditor),
            None,
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/users/{me}?unmask=true"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(r["phone"], "13812340001", "own record in full");
    let after = d
        .api(
            Method::GET,
            "/api/v1/audit?action=pii.view",
            Some(&auditor),
            None,
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(
        after, before,
        "reading one's own record is not an unmasked view of someone else"
    );
    // A clerk (pii.unmask) viewing a colleague in full is audited.
    let admin = d.token("admin").await;
    let window = d.department_id("D02-01").await;
    let r = d.api(Method::POST, "/api/v1/users", Some(&admin), Some(json!({"username": "colleague", "display_name": "同事", "password": "Init-Password1!", "department_id": window, "phone": "13911112222"}))).await;
    let colleague = r.json()["id"].as_i64().unwrap();
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/users/{colleague}?unmask=true"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(r["phone"], "13911112222");
    let r2 = d
        .api(
            Method::GET,
            &format!("/api/v1/users/{colleague}"),
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(r2["phone"], "139****2222", "masked unless asked");
    let log = d
        .api(
            Method::GET,
            "/api/v1/audit?action=pii.view",
            Some(&auditor),
            None,
        )
        .await
        .json();
    assert_eq!(log["total"].as_i64().unwrap(), after + 1);
    assert_eq!(log["items"][0]["object_id"], colleague.to_string());
    d.cleanup().await;
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document_with_its_permission() {
    let d = District::new().await;
    let doc = d
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert_eq!(doc["openapi"], "3.1.0");
    for s in fgf_web::routes::specs()
        .iter()
        .filter(|s| s.surface == fgf_web::Surface::Api)
    {
        let op = &doc["paths"][s.path][s.method.to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} missing from OpenAPI",
            s.method,
            s.path
        );
        if let fgf_web::Need::Perm(p) = s.need {
            assert_eq!(op["x-permission"], p.code());
        }
    }
    let page = d.api(Method::GET, "/api/docs", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("/api/v1/departments") && !page.text().contains("<script"));
    let metrics = d.api(Method::GET, "/metrics", None, None).await.text();
    assert!(
        metrics.contains("fgf_http_requests_total{class=\"2xx\"}")
            && metrics.contains("fgf_audit_entries")
    );
    assert_eq!(
        d.api(Method::GET, "/healthz", None, None).await.json()["status"],
        "ok"
    );
    d.cleanup().await;
}

#[tokio::test]
async fn idempotency_key_returns_the_first_result() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let root = d.department_id("D00").await;
    let body = json!({"parent_id": root, "code": "IDEM1", "name": "幂等", "kind": "section"});
    let send = || {
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/departments")
            .header("authorization", format!("Bearer {admin}"))
            .header("idempotency-key", "k-1")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        d.send(req)
    };
    let a = send().await;
    let b = send().await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(b.status, StatusCode::CREATED);
    assert_eq!(a.json()["id"], b.json()["id"]);
    assert!(b.headers.get("idempotent-replay").is_some());
    d.cleanup().await;
}

#[tokio::test]
async fn dictionary_edits_apply_at_once_and_are_versioned() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let clerk = d.token("clerk").await;
    let mut dict = d
        .api(
            Method::GET,
            "/api/v1/dictionaries/matter_kind",
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(dict["version"], 1);
    assert_eq!(dict["items"].as_array().unwrap().len(), 11);
    dict["items"].as_array_mut().unwrap().push(json!({"code": "30", "label": "政府内部审批", "label_en": "internal approval", "sort": 99, "enabled": true}));
    let r = d
        .api(
            Method::PUT,
            "/api/v1/dictionaries/matter_kind",
            Some(&admin),
            Some(json!({"name": dict["name"], "items": dict["items"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let now = d
        .api(
            Method::GET,
            "/api/v1/dictionaries/matter_kind",
            Some(&clerk),
            None,
        )
        .await
        .json();
    assert_eq!(now["version"], 2);
    assert!(now["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "30"));
    let dup = json!({"name": "x", "items": [{"code": "1", "label": "a", "label_en": "", "sort": 0, "enabled": true}, {"code": "1", "label": "b", "label_en": "", "sort": 1, "enabled": true}]});
    let r = d
        .api(
            Method::PUT,
            "/api/v1/dictionaries/matter_kind",
            Some(&admin),
            Some(dup),
        )
        .await;
    assert_eq!(code(&r.json()), "dictionary_invalid");
    assert_eq!(
        d.app
            .store()
            .dictionary_history("matter_kind")
            .await
            .unwrap()
            .len(),
        2
    );
    d.cleanup().await;
}

#[tokio::test]
async fn a_new_state_council_notice_is_entered_as_data() {
    let d = District::new().await;
    let admin = d.token("admin").await;
    let r = d
        .api(
            Method::GET,
            "/api/v1/calendar/is-workday?date=2027-01-01",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(
        r["year_known"], false,
        "2027 has no notice yet: Monday–Friday assumed and said so"
    );
    assert_eq!(r["workday"], true);
    let body = json!({"document_no": "国办发明电〔2026〕9号", "holidays": {"2027-01-01": "元旦"}, "workdays": []});
    let r = d
        .api(
            Method::PUT,
            "/api/v1/calendar/years/2027",
            Some(&admin),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = d
        .api(
            Method::GET,
            "/api/v1/calendar/is-workday?date=2027-01-01",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(r["workday"], false);
    assert_eq!(r["year_known"], true);
    let bad = json!({"document_no": "x", "holidays": {"2027-13-01": "元旦"}, "workdays": []});
    let r = d
        .api(
            Method::PUT,
            "/api/v1/calendar/years/2027",
            Some(&admin),
            Some(bad),
        )
        .await;
    assert_eq!(code(&r.json()), "date_invalid");
    let weekday_as_makeup = json!({"document_no": "x", "holidays": {}, "workdays": ["2027-01-05"]});
    let r = d
        .api(
            Method::PUT,
            "/api/v1/calendar/years/2027",
            Some(&admin),
            Some(weekday_as_makeup),
        )
        .await;
    assert_eq!(code(&r.json()), "calendar_invalid");
    let r = d
        .api(
            Method::GET,
            "/api/v1/calendar/add-workdays?date=2025-09-26&n=five",
            None,
            None,
        )
        .await;
    assert_eq!(code(&r.json()), "number_invalid");
    d.cleanup().await;
}

#[tokio::test]
async fn notifications_reach_the_inbox_with_a_link_and_the_log_sender() {
    let d = District::new().await;
    let reviewer = d.token("reviewer").await;
    let r = d
        .api(Method::GET, "/api/v1/notifications", Some(&reviewer), None)
        .await
        .json();
    // The welcome message and the demo application's new to-do (审查), each with its link.
    let items = r["items"].as_array().unwrap();
    let welcome = items
        .iter()
        .find(|n| n["link"] == "/workbench")
        .expect("welcome message");
    assert!(items.iter().any(|n| n["link"]
        .as_str()
        .is_some_and(|l| l.starts_with("/tasks?instance="))));
    let before = d.app.log_sender().sent().len();
    assert!(d.app.base().dispatch_outbox().await.unwrap() > 0);
    let sent = d.app.log_sender().sent();
    let reviewer_id = d.account_id("reviewer").await;
    assert!(sent.len() > before);
    assert!(sent
        .iter()
        .any(|n| n.account_id == AccountId::new(reviewer_id) && n.link == "/workbench"));
    assert_eq!(
        d.app.base().dispatch_outbox().await.unwrap(),
        0,
        "each message is delivered once"
    );
    let r = json!({ "items": [welcome.clone()] });
    let id = r["items"][0]["id"].as_i64().unwrap();
    let other = d.token("clerk").await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/notifications/{id}/read"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "someone else's message");
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/notifications/{id}/read"),
            Some(&reviewer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    d.cleanup().await;
}

#[tokio::test]
async fn files_are_stored_by_content_hash() {
    let d = District::new().await;
    let clerk = d.token("clerk").await;
    let a = d
        .raw(
            Method::POST,
            "/api/v1/files?name=申请书.pdf",
            Some(&clerk),
            "application/pdf",
            b"%PDF-1.4 demo".to_vec(),
        )
        .await
        .json();
    let b = d
        .raw(
            Method::POST,
            "/api/v1/files?name=again.pdf",
            Some(&clerk),
            "application/pdf",
            b"%PDF-1.4 demo".to_vec(),
        )
        .await
        .json();
    assert_eq!(a["content_hash"], b["content_hash"]);
    assert_eq!(
        a["content_hash"].as_str().unwrap(),
        fgf_domain::sm3_hex(b"%PDF-1.4 demo")
    );
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/files/{}", a["content_hash"].as_str().unwrap()),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(r.body, b"%PDF-1.4 demo");
    let r = d
        .raw(
            Method::POST,
            "/api/v1/files",
            Some(&clerk),
            "text/plain",
            Vec::new(),
        )
        .await;
    assert_eq!(code(&r.json()), "file_empty");
    let r = d
        .api(
            Method::GET,
            "/api/v1/files/../../etc/passwd",
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    d.cleanup().await;
}

//! Issue 15, administration: the audit and login logs say actions, objects and outcomes in
//! words (never `reform.progress_report`, `process_instance 1`, `bad_totp`), shorten hashes
//! with the whole on hover, and the audit administrator checks the chain from the page.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use fgf_app::i18n::lookup;
use fgf_app::Lang;
use fgf_store::base::audit::AuditQuery;

/// Text of a page without its tags and attributes (what a reader sees).
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn every_action_and_object_the_demo_district_records_has_words_in_both_languages() {
    let d = District::new().await;
    d.app.application().seed_demo_applications().await.unwrap();
    // Every page of the log (a page holds at most Page::MAX_PER_PAGE entries).
    let mut seen = 0;
    for n in 1.. {
        let entries = d
            .app
            .store()
            .list_audit(
                &fgf_store::Scope::system("test"),
                &AuditQuery::default(),
                fgf_store::Page::new(Some(n), Some(fgf_store::Page::MAX_PER_PAGE)),
            )
            .await
            .unwrap();
        if entries.items.is_empty() {
            assert!(
                entries.total > 50 && seen == entries.total,
                "the whole demo log was read"
            );
            break;
        }
        seen += i64::try_from(entries.items.len()).unwrap();
        for e in &entries.items {
            for lang in [Lang::Zh, Lang::En] {
                assert!(
                    lookup(lang, &format!("audit.action.{}", e.action)).is_some(),
                    "no words for the action {}",
                    e.action
                );
                assert!(
                    lookup(lang, &format!("audit.object.{}", e.object_type)).is_some(),
                    "no words for the object {}",
                    e.object_type
                );
            }
        }
    }
    for o in fgf_domain::base::record::LoginOutcome::ALL {
        assert!(
            lookup(Lang::Zh, &format!("login.outcome.{}", o.as_str())).is_some(),
            "{o:?}"
        );
    }
}

#[tokio::test]
async fn the_audit_and_login_logs_read_in_words_and_the_chain_is_checked_from_the_page() {
    let d = District::new().await;
    // A failed sign-in for the login log to show.
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username": "clerk", "password": "wrong"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let (cookie, _) = d.page_session("auditor").await;
    let page = d.page(Method::GET, "/admin/audit", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    let text = visible(&html);
    assert!(
        text.contains("流程实例") || text.contains("部门"),
        "objects in words: {text}"
    );
    for code in [
        "process_instance",
        "department.create",
        "account.create",
        "process.start",
    ] {
        assert!(!text.contains(code), "{code} shows as a code: {text}");
    }
    // A hash is shortened, the whole on hover.
    let full = html
        .split("class=\"hash\" title=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a hash cell");
    assert_eq!(full.len(), 64, "the SM3 hash in full on hover");
    assert!(!text.contains(full), "the hash shows shortened");

    // 校验审计链: the button runs the check and says the chain is whole.
    assert!(html.contains("name=\"verify\""));
    let checked = visible(
        &d.page(Method::GET, "/admin/audit?verify=1", &cookie)
            .await
            .text(),
    );
    assert!(checked.contains("审计链完整"), "{checked}");

    // The login log: outcomes in words, the code only on hover.
    let (cookie, _) = d.page_session("security").await;
    let log = d.page(Method::GET, "/admin/login-log", &cookie).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text());
    let text = visible(&log.text());
    assert!(
        text.contains("密码错误") && text.contains("登录成功"),
        "{text}"
    );
    assert!(
        !text.contains("bad_password") && !text.contains("success"),
        "{text}"
    );
}

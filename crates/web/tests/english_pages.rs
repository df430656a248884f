//! With the `fgf_lang=en` cookie the staff pages speak English: the UI words come from the
//! message catalogue, and only data (department, role and holiday names) stays Chinese.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{District, Resp};

/// A page fetched with both the session cookie and the language cookie.
async fn english_page(d: &District, path: &str, session: &str) -> Resp {
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(
            header::COOKIE,
            format!("fgf_session={session}; fgf_lang=en"),
        )
        .body(Body::empty())
        .unwrap();
    d.send(req).await
}

/// Chinese UI words moved into the catalogue; none of them is part of the demo data.
const CHINESE_UI: &[&str] = &[
    "我的权限",
    "当前身份",
    "我的待办",
    "兼职岗位",
    "数据范围",
    "部门树",
    "暂无数据",
    "主导航",
    "放假时间",
    "天数",
    "工作人员",
    "正常",
    "进入工作台",
    "本部门及下级",
    "事项清单管理",
    "待我审核",
    "版本比对",
    "待承接",
    "等待天数",
    "统计报表",
    "改革任务督查",
    "牵头单位",
    "完成时限",
    "按改革类别",
    "监督检查发现问题",
    "本单位牵头任务",
];

#[tokio::test]
async fn staff_pages_in_english_carry_no_chinese_ui_words() {
    let d = District::new().await;
    let (session, _csrf) = d.page_session("reform").await;
    let expected: &[(&str, &[&str])] = &[
        (
            "/workbench",
            &[
                "My permissions",
                "Current identity",
                "My tasks · Messages",
                "Additional posts",
                "Data scope",
                "Open the workbench",
                "Main navigation",
            ],
        ),
        (
            "/admin/departments",
            &["Department tree (", "Departments", "Bureau"],
        ),
        (
            "/admin/users",
            &["Username or name", "Staff", "Active", "All"],
        ),
        ("/admin/calendar?year=2026", &["Holiday", "Dates", "Days"]),
        ("/notifications", &["Messages"]),
        (
            "/catalog",
            &[
                "Catalogue management",
                "Waiting for my review",
                "Export xlsx",
                "In force",
            ],
        ),
        (
            "/catalog/XK-D04-0001-01",
            &["Versions", "Compare versions", "Everyday phrases"],
        ),
        (
            "/catalog/handovers",
            &["Delegation handovers", "awaiting handover", "Days waiting"],
        ),
        (
            "/reform/dashboard",
            &["Reform dashboard", "By category", "Timeline", "Red tasks"],
        ),
        (
            "/reform/supervision",
            &[
                "Inspection findings",
                "Assessments",
                "Commendations and accountability",
            ],
        ),
        ("/reform/inbox", &["Tasks my unit leads", "Notices"]),
        (
            "/catalog/reports",
            &[
                "Matters by kind and department",
                "Promised against statutory time limits",
            ],
        ),
    ];
    for (path, english) in expected {
        let r = english_page(&d, path, &session).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        let text = r.text();
        assert!(
            text.contains(r#"<html lang="en">"#),
            "{path} is not marked English"
        );
        for word in CHINESE_UI {
            assert!(
                !text.contains(word),
                "{path} still shows the Chinese UI word {word}"
            );
        }
        for word in *english {
            assert!(text.contains(word), "{path} lacks the English {word:?}");
        }
    }

    // The same pages without the cookie are still Chinese.
    let zh = d.page(Method::GET, "/workbench", &session).await.text();
    assert!(zh.contains("我的权限") && zh.contains("当前身份") && zh.contains("主导航"));
    let zh = d
        .page(Method::GET, "/admin/departments", &session)
        .await
        .text();
    assert!(zh.contains("部门树（"));

    // Data stays as entered: the department tree still names 食品安全监管科.
    let en = english_page(&d, "/admin/departments", &session)
        .await
        .text();
    assert!(en.contains("食品安全监管科"));
    d.cleanup().await;
}

#[tokio::test]
async fn empty_lists_and_calendar_gaps_in_english() {
    let d = District::new().await;
    let (session, _csrf) = d.page_session("reform").await;
    // A year without a State Council notice.
    let r = english_page(&d, "/admin/calendar?year=2099", &session).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = r.text();
    assert!(text.contains("have not been entered yet"), "{text}");
    assert!(!text.contains("尚未录入"));
    // Notifications: either some rows or the empty-list text, never the Chinese one.
    let text = english_page(&d, "/notifications", &session).await.text();
    assert!(!text.contains("暂无数据") && !text.contains("已读") && !text.contains("标题"));
    assert!(text.contains("Nothing here yet") || text.contains("Subject"));
    d.cleanup().await;
}

#[tokio::test]
async fn the_security_pages_of_issue_11_speak_english_too() {
    let d = District::new().await;
    let chinese = [
        "找回密码",
        "发送验证码",
        "更换动态口令",
        "当前动态口令",
        "越权访问记录",
        "重置动态口令",
        "您没有",
    ];
    let check = |path: &str, text: &str, english: &[&str]| {
        assert!(text.contains(r#"<html lang="en">"#), "{path}");
        for w in chinese {
            assert!(!text.contains(w), "{path} still shows {w}");
        }
        for w in english {
            assert!(text.contains(w), "{path} lacks {w:?}");
        }
    };
    let req = Request::builder()
        .uri("/recover")
        .header(header::COOKIE, "fgf_lang=en")
        .body(Body::empty())
        .unwrap();
    let r = d.send(req).await;
    check(
        "/recover",
        &r.text(),
        &["Recover your password", "Send a code"],
    );
    let login = d.send(
        Request::builder()
            .uri("/login")
            .header(header::COOKIE, "fgf_lang=en")
            .body(Body::empty())
            .unwrap(),
    );
    check("/login", &login.await.text(), &["Forgot password"]);
    // A refusal to list, then the security administrator's pages.
    let (inspector, _) = d.page_session("inspector").await;
    d.page(Method::GET, "/admin/audit", &inspector).await;
    let (session, _) = d.page_session("security").await;
    let r = english_page(&d, "/admin/refusals", &session).await;
    assert_eq!(r.status, StatusCode::OK);
    check(
        "/admin/refusals",
        &r.text(),
        &["you lack the permission", "permission_denied"],
    );
    let r = english_page(&d, "/totp", &session).await;
    check(
        "/totp",
        &r.text(),
        &["Change the second factor", "Current one-time code"],
    );
    let auditor = d.account_id("auditor").await;
    let r = english_page(&d, &format!("/admin/users/{auditor}"), &session).await;
    check(
        "/admin/users/{auditor}",
        &r.text(),
        &["Reset the second factor"],
    );
    d.cleanup().await;
}

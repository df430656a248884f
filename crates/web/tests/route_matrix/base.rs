//! The route × role matrix's samples for the base part's routes: sign-in, accounts, departments, audit, calendar, dictionaries, notifications, files, jobs and the shell pages.

use super::{Sample, Vars};
use crate::common::resident_id;
use serde_json::json;

/// Fills the sample of one of this part's routes; `false` when the route is not this part's
/// or needs nothing beyond its path parameters.
pub(super) fn fill(method: &str, path: &str, s: &mut Sample, v: &Vars) -> bool {
    let Vars {
        c,
        seq,
        teacher_post,
        finance,
        dept,
        ref uname,
        ..
    } = *v;
    match (method, path) {
        ("GET", "/api/v1/refusals") => {
            s.path = format!("{path}?code=permission_denied&from=2026-11-27&address=10.")
        }
        ("GET", "/admin/refusals") => s.path = format!("{path}?username=clerk&to=2026-11-27"),
        ("POST", "/api/v1/auth/login") => {
            s.json =
                Some(json!({"username": "clerk", "password": fgf_app::base::seed::DEMO_PASSWORD}))
        }
        ("POST", "/api/v1/auth/password") => {
            s.json =
                Some(json!({"old_password": "wrong-Password1!", "new_password": "New-Password1!"}));
            s.allowed = &[422];
        }
        ("POST", "/api/v1/auth/department") => {
            s.json = Some(json!({"department_id": dept}));
            // Applicants have no department to act for.
            if c.name == "citizen" || c.name == "enterprise" {
                s.allowed = &[403];
            }
        }
        ("POST", "/api/v1/auth/recover") => {
            s.json = Some(
                json!({"username": "citizen", "resident_id": "34052419800101001X", "phone": "13712345678"}),
            )
        }
        // No code was asked for under this name: refused, whoever asks.
        ("POST", "/api/v1/auth/recover/confirm") => {
            s.json = Some(
                json!({"username": uname, "code": "000000", "new_password": "Reg-Password1!"}),
            );
            s.allowed = &[422];
        }
        ("POST", "/recover") => {
            s.form = vec![
                ("action", "send".to_owned()),
                ("username", "citizen".to_owned()),
                ("resident_id", "34052419800101001X".to_owned()),
                ("phone", "13712345678".to_owned()),
            ]
        }
        ("POST", "/api/v1/auth/register") => {
            s.json = Some(
                json!({"kind": "citizen", "username": uname, "password": "Reg-Password1!", "display_name": "张三", "resident_id": resident_id(seq)}),
            )
        }
        ("POST", "/api/v1/departments") => {
            s.json = Some(
                json!({"parent_id": dept, "code": format!("N{seq}"), "name": "新科室", "kind": "section"}),
            )
        }
        ("PATCH", "/api/v1/departments/{id}") => {
            s.json = Some(
                json!({"parent_id": dept, "code": format!("P{seq}"), "name": "改名科室", "kind": "section"}),
            )
        }
        ("POST", "/api/v1/users") => {
            s.json = Some(
                json!({"username": uname, "display_name": "新同事", "password": "Init-Password1!", "department_id": dept}),
            )
        }
        ("PATCH", "/api/v1/users/{id}") => {
            s.json =
                Some(json!({"display_name": "孙丽", "status": "active", "phone": "13812340007"}))
        }
        ("POST", "/api/v1/users/{id}/posts") => {
            s.json = Some(json!({"department_id": finance, "title": "兼职"}))
        }
        ("PUT", "/api/v1/users/{id}/posts/{post_id}/roles") => {
            s.json = Some(json!({"roles": ["reviewer"]}))
        }
        ("POST", "/api/v1/users/{id}/password-reset") => {
            s.json = Some(json!({"password": "Reset-Password1!"}))
        }
        ("PUT", "/api/v1/calendar/years/{year}") => {
            s.json = Some(
                json!({"document_no": "测试〔2029〕1号", "holidays": {"2030-01-01": "元旦"}, "workdays": []}),
            )
        }
        ("PUT", "/api/v1/dictionaries/{code}") => {
            s.json = Some(
                json!({"name": "测试字典", "items": [{"code": "1", "label": "一", "label_en": "one", "sort": 0, "enabled": true}]}),
            )
        }
        ("GET", "/api/v1/calendar/is-workday") => s.path = format!("{path}?date=2025-10-01"),
        ("GET", "/api/v1/calendar/add-workdays") => s.path = format!("{path}?date=2025-09-26&n=5"),
        ("GET", "/api/v1/calendar/workdays-between") => {
            s.path = format!("{path}?from=2025-09-26&to=2025-10-10")
        }
        ("GET", "/api/v1/ids/check") => s.path = format!("{path}?code=91350100M000100Y43"),
        ("POST", "/api/v1/files") => s.path = format!("{path}?name=f{seq}.txt"),
        ("GET", "/me") => {}
        ("POST", "/login") => {
            s.form = vec![
                ("username", "clerk".to_owned()),
                ("password", fgf_app::base::seed::DEMO_PASSWORD.to_owned()),
            ]
        }
        ("POST", "/register") => {
            s.form = vec![
                ("kind", "citizen".to_owned()),
                ("username", uname.clone()),
                ("password", "Reg-Password1!".to_owned()),
                ("display_name", "李四".to_owned()),
                ("resident_id", resident_id(seq)),
            ]
        }
        ("POST", "/password") => {
            s.form = vec![
                ("old_password", "wrong-Password1!".to_owned()),
                ("new_password", "New-Password1!".to_owned()),
                ("new_password2", "New-Password1!".to_owned()),
            ];
            s.allowed = &[422];
        }
        ("POST", "/totp") => {
            s.form = vec![
                ("action", "confirm".to_owned()),
                ("code", "000000".to_owned()),
            ];
            s.allowed = &[422];
        }
        ("POST", "/switch-department") => {
            s.form = vec![("department_id", dept.to_string())];
            if c.name == "citizen" || c.name == "enterprise" {
                s.allowed = &[403];
            }
        }
        ("POST", "/admin/departments") => {
            s.form = vec![
                ("parent_id", dept.to_string()),
                ("code", format!("F{seq}")),
                ("name", "表单科室".to_owned()),
                ("kind", "section".to_owned()),
                ("sort", "1".to_owned()),
            ]
        }
        ("POST", "/admin/departments/{id}") => {
            s.form = vec![
                ("parent_id", dept.to_string()),
                ("code", format!("G{seq}")),
                ("name", "改名".to_owned()),
                ("kind", "section".to_owned()),
                ("sort", "2".to_owned()),
            ]
        }
        ("POST", "/admin/users") => {
            s.form = vec![
                ("username", uname.clone()),
                ("display_name", "表单同事".to_owned()),
                ("password", "Init-Password1!".to_owned()),
                ("department_id", dept.to_string()),
            ]
        }
        ("POST", "/admin/users/{id}") => {
            s.form = vec![
                ("display_name", "孙丽".to_owned()),
                ("status", "active".to_owned()),
            ]
        }
        ("POST", "/admin/users/{id}/posts") => {
            // The API call above already gave the teacher a post in finance; a second one in
            // the same department is a conflict, shown on the page.
            s.form = vec![
                ("department_id", finance.to_string()),
                ("title", "兼职".to_owned()),
            ];
            s.allowed = &[303, 409];
        }
        ("POST", "/admin/users/{id}/roles") => {
            s.form = vec![
                ("post_id", teacher_post.to_string()),
                ("role", "reviewer".to_owned()),
            ]
        }
        ("POST", "/admin/calendar") => {
            s.form = vec![
                ("year", "2031".to_owned()),
                ("document_no", "测试〔2030〕1号".to_owned()),
                ("holidays", "2031-01-01 元旦".to_owned()),
                ("workdays", String::new()),
            ]
        }
        ("POST", "/admin/dictionaries/{code}") => {
            s.form = vec![
                ("name", "测试字典".to_owned()),
                ("items", "1|一|one".to_owned()),
            ]
        }
        // Everyone may list their own uploads.
        ("GET", "/api/v1/files") => s.allowed = &[200],
        _ => return false,
    }
    true
}

//! The route × role matrix: every declared route, requested by every demo role (and by an
//! anonymous caller), must answer exactly as the declared permission and the role's grants
//! say — success for holders, 403 (API) or the error page (pages) for signed-in non-holders,
//! 401 or a redirect to the login page for anonymous callers. The expected grants are
//! written out here, independently of the seed, so a change to either shows up.
//! Records outside a caller's data scope answer 404 in lists, pages and the API.

mod common;

use axum::http::{Method, StatusCode};
use common::{resident_id, District};
use fgf_web::{Need, Surface};
use serde_json::json;
use std::collections::BTreeMap;

/// Who holds what: (username, permissions). Data scope is checked separately below.
const HOLDS: &[(&str, &[&str])] = &[
    (
        "admin",
        &[
            "workbench.view",
            "department.read",
            "department.write",
            "user.read",
            "user.write",
            "role.read",
            "dictionary.write",
            "calendar.write",
            "job.read",
            "file.upload",
            "process.design",
        ],
    ),
    (
        "security",
        &[
            "workbench.view",
            "department.read",
            "user.read",
            "role.read",
            "role.assign",
            "user.unlock",
            "login_log.read",
        ],
    ),
    (
        "auditor",
        &[
            "workbench.view",
            "department.read",
            "audit.read",
            "login_log.read",
        ],
    ),
    (
        "clerk",
        &[
            "workbench.view",
            "department.read",
            "user.read",
            "pii.unmask",
            "file.upload",
        ],
    ),
    (
        "reviewer",
        &[
            "workbench.view",
            "department.read",
            "user.read",
            "file.upload",
            "catalog.review",
        ],
    ),
    (
        "keeper",
        &[
            "workbench.view",
            "department.read",
            "user.read",
            "file.upload",
            "process.design",
            "catalog.draft",
            "catalog.review",
        ],
    ),
    (
        "inspector",
        &["workbench.view", "department.read", "file.upload"],
    ),
    (
        "reform",
        &[
            "workbench.view",
            "department.read",
            "user.read",
            "file.upload",
            "catalog.review",
            "reform.manage",
        ],
    ),
    (
        "leader",
        &["workbench.view", "department.read", "user.read"],
    ),
    ("citizen", &["applicant.self"]),
    ("enterprise", &["applicant.self"]),
];

struct Caller {
    name: &'static str,
    token: Option<String>,
    cookie: Option<(String, String)>,
    account_id: i64,
    department_id: i64,
}

/// Fills path parameters and a body that is valid for the caller, so that an allowed call
/// succeeds; returns (path, json body or form fields).
struct Sample {
    path: String,
    json: Option<serde_json::Value>,
    form: Vec<(&'static str, String)>,
    /// Statuses that count as "allowed" for this route (default: 2xx or 303).
    allowed: &'static [u16],
}

#[tokio::test]
async fn every_route_answers_every_role_as_declared() {
    // Every caller signs in from one address here, and some routes are tried with wrong
    // codes on purpose: the login limits (tested on their own) must not interfere.
    let d = District::with_config(|c| {
        c.security.address_failures = 100_000;
        c.security.lockout_failures = 100_000;
        c.security.account_lock_failures = 100_000;
    })
    .await;
    let teacher = d.account_id("teacher").await;
    let teacher_post = d.app.store().posts_of(teacher).await.unwrap()[0].id;
    let finance = d.department_id("D06").await;
    // A file everyone signed in may download: the blank form of a published matter (a file
    // is readable by whoever may read a record it belongs to).
    let keeper_token = d.token("keeper").await;
    let up = d
        .raw(
            Method::POST,
            "/api/v1/files?name=a.txt",
            Some(&keeper_token),
            "text/plain",
            b"hello".to_vec(),
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text());
    let file_hash = up.json()["content_hash"].as_str().unwrap().to_owned();
    let view = d
        .api(Method::GET, "/api/v1/matters/XK-D04-0001-01", None, None)
        .await
        .json();
    let mut draft = json!({
        "code": view["matter"]["code"], "parent_code": view["parent_code"],
        "department_code": view["department_code"], "doc": view["doc"], "note": "",
    });
    draft["doc"]["materials"][0]["blank_form"] = json!(true);
    draft["doc"]["materials"][0]["blank_form_file"] = json!(file_hash);
    let r = d
        .api(
            Method::POST,
            "/api/v1/matters",
            Some(&keeper_token),
            Some(draft),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let version = r.json()["version"].as_i64().unwrap_or(2);
    d.api(
        Method::POST,
        &format!("/api/v1/matters/XK-D04-0001-01/versions/{version}/submit"),
        Some(&keeper_token),
        None,
    )
    .await;
    let reviewer_token = d.token("reviewer").await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/matters/XK-D04-0001-01/versions/{version}/review"),
            Some(&reviewer_token),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A process started by a message, so delivering one always has a receiver.
    let msg_start = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="m"><message id="mm" name="matrix_msg"/><process id="by_message" isExecutable="true">
<startEvent id="s"><messageEventDefinition messageRef="mm"/></startEvent><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/></process></definitions>"#;
    let r = d
        .raw(
            Method::POST,
            "/api/v1/processes?publish=true",
            Some(&keeper_token),
            "application/xml",
            msg_start.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

    let mut callers = vec![Caller {
        name: "anonymous",
        token: None,
        cookie: None,
        account_id: 0,
        department_id: 0,
    }];
    for (name, _) in HOLDS {
        let token = d.token(name).await;
        let cookie = d.page_session(name).await;
        let id = d.account_id(name).await;
        let dept = d
            .app
            .store()
            .posts_of(id)
            .await
            .unwrap()
            .first()
            .map_or(0, |p| p.department_id);
        callers.push(Caller {
            name,
            token: Some(token),
            cookie: Some(cookie),
            account_id: id,
            department_id: dept,
        });
    }

    let specs = fgf_web::routes::specs();
    let mut seq = 0_u32;
    let mut failures = Vec::new();
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    for spec in &specs {
        for c in &callers {
            seq += 1;
            let holds: &[&str] = HOLDS
                .iter()
                .find(|(n, _)| *n == c.name)
                .map_or(&[], |(_, p)| p);
            let allowed = match spec.need {
                Need::Public => true,
                Need::Authenticated => c.token.is_some(),
                Need::Perm(p) => holds.contains(&p.code()),
            };
            // Fresh fixtures for routes that consume or destroy something.
            let removes_post = spec.method == "DELETE" && spec.path.contains("/posts/");
            let throwaway_dept = if (spec.path.contains("departments/{id}") && spec.method != "GET")
                || removes_post
            {
                let admin = d.token("admin").await;
                let r = d.api(Method::POST, "/api/v1/departments", Some(&admin), Some(json!({"parent_id": c.department_id.max(1), "code": format!("TMP{seq}"), "name": "临时", "kind": "section"}))).await;
                r.json()["id"].as_i64()
            } else {
                None
            };
            // Removing a post needs a post that may go: a second one, in its own department.
            let post_for_removal = match (removes_post, throwaway_dept) {
                (true, Some(dept)) => {
                    let mut tx = d.app.store().write(d.app.system_ctx("test")).await.unwrap();
                    let id = tx.insert_post(teacher, dept, false, "临时").await.unwrap();
                    tx.audit("test", "post", "x", &[]).await.unwrap();
                    tx.commit().await.unwrap();
                    id
                }
                _ => teacher_post,
            };
            let note = if spec.path.contains("notifications/{id}") && c.account_id > 0 {
                let mut tx = d.app.store().write(d.app.system_ctx("test")).await.unwrap();
                let id = fgf_app::base::notify::notify(&mut tx, c.account_id, "t", "b", "/")
                    .await
                    .unwrap();
                tx.audit("test", "notification", "x", &[]).await.unwrap();
                tx.commit().await.unwrap();
                id
            } else {
                1
            };
            // Instances and tasks: a fresh application started by the caller, so it lies in
            // their own data scope; its first task (受理) is the clerk's.
            let instance = if (spec.path.contains("instances/{id}")
                || (spec.path.contains("tasks/{id}") && !spec.path.contains("reform-tasks/")))
                && c.account_id > 0
                && allowed
            {
                let mut ctx = d.app.system_ctx(c.name);
                ctx.actor_account_id = Some(c.account_id);
                ctx.department_id = Some(c.department_id);
                let vars = [("amount".to_owned(), json!(1))].into_iter().collect();
                let id = d
                    .app
                    .process()
                    .start_process(
                        ctx,
                        Some(c.name.to_owned()),
                        "licence_approval",
                        vars,
                        &format!("M{seq}"),
                        Some(c.department_id),
                    )
                    .await
                    .unwrap();
                let wi = d.app.store().work_items_of(id).await.unwrap()[0].id;
                Some((id, wi))
            } else {
                None
            };
            let fresh_session = spec.path.ends_with("logout") && c.token.is_some();
            let (token, cookie) = if fresh_session {
                (
                    Some(d.token(c.name).await),
                    Some(d.page_session(c.name).await),
                )
            } else {
                (c.token.clone(), c.cookie.clone())
            };
            let mut s = sample(
                spec.method,
                spec.path,
                c,
                seq,
                teacher,
                post_for_removal,
                finance,
                if removes_post { None } else { throwaway_dept },
                note,
                &file_hash,
            );
            if let Some((inst, wi)) = instance {
                s.path = spec.path.replace(
                    "{id}",
                    &if spec.path.contains("tasks/") {
                        wi
                    } else {
                        inst
                    }
                    .to_string(),
                );
            }
            let res = match spec.surface {
                Surface::Api => {
                    let m: Method = spec.method.parse().unwrap();
                    if spec.method == "POST"
                        && (spec.path == "/api/v1/processes"
                            || spec.path == "/api/v1/processes/check")
                    {
                        d.raw(
                            m,
                            &s.path,
                            token.as_deref(),
                            "application/xml",
                            demo_bpmn(seq).into_bytes(),
                        )
                        .await
                    } else if spec.path == "/api/v1/files" && spec.method == "POST" {
                        d.raw(
                            m,
                            &s.path,
                            token.as_deref(),
                            "text/plain",
                            format!("file {seq}").into_bytes(),
                        )
                        .await
                    } else {
                        d.api(m, &s.path, token.as_deref(), s.json.clone()).await
                    }
                }
                Surface::Page => {
                    let m: Method = spec.method.parse().unwrap();
                    if spec.method == "GET" {
                        match &cookie {
                            Some((ck, _)) => d.page(m, &s.path, ck).await,
                            None => d.api(m, &s.path, None, None).await,
                        }
                    } else {
                        let mut fields = s.form.clone();
                        let cookies = match &cookie {
                            Some((ck, csrf)) => {
                                fields.push(("_csrf", csrf.clone()));
                                format!("fgf_session={ck}")
                            }
                            None => {
                                fields.push(("_csrf", "pre".to_owned()));
                                "fgf_pre=pre".to_owned()
                            }
                        };
                        d.form(m, &s.path, None, &cookies, &fields).await
                    }
                }
            };
            let code = res.status.as_u16();
            let ok = if allowed {
                if s.allowed.is_empty() {
                    (200..300).contains(&code) || code == 303
                } else {
                    s.allowed.contains(&code)
                }
            } else if c.token.is_none() {
                match spec.surface {
                    Surface::Api => code == 401,
                    Surface::Page => code == 303 && res.location().starts_with("/login"),
                }
            } else {
                code == 403
            };
            *counted
                .entry(if allowed { "allowed" } else { "denied" })
                .or_default() += 1;
            if !ok {
                failures.push(format!(
                    "{} {} as {}: got {} (allowed={allowed}) {}",
                    spec.method,
                    s.path,
                    c.name,
                    code,
                    res.text().chars().take(200).collect::<String>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        counted["allowed"] > 200 && counted["denied"] > 200,
        "{counted:?}"
    );
    d.cleanup().await;
}

#[allow(clippy::too_many_arguments)]
fn sample(
    method: &str,
    path: &str,
    c: &Caller,
    seq: u32,
    teacher: i64,
    teacher_post: i64,
    finance: i64,
    throwaway_dept: Option<i64>,
    note: i64,
    file_hash: &str,
) -> Sample {
    let mut s = Sample {
        path: path.to_owned(),
        json: None,
        form: Vec::new(),
        allowed: &[],
    };
    let own = c.account_id.max(1);
    let dept = c.department_id.max(1);
    s.path = path
        .replace(
            "{id}",
            &match (path, throwaway_dept) {
                (_, Some(t)) => t.to_string(),
                (p, _)
                    if p.contains("/users/")
                        && (p.contains("/posts/")
                            || p.ends_with("/unlock")
                            || p.ends_with("/totp-reset")
                            || p.ends_with("/password-reset")
                            || p.ends_with("/posts")
                            || p.ends_with("/roles")
                            || (method != "GET" && p.ends_with("{id}"))) =>
                {
                    teacher.to_string()
                }
                (p, _) if p.contains("/users/") => own.to_string(),
                (p, _) if p.contains("departments") => dept.to_string(),
                (p, _) if p.contains("notifications") => note.to_string(),
                _ => "1".to_owned(),
            },
        )
        .replace("{post_id}", &teacher_post.to_string())
        .replace("{seq}", "1")
        .replace("{key}", "licence_approval")
        .replace("{year}", "2030")
        .replace(
            "{code}",
            if path.starts_with("/api/v1/dictionaries") && method == "GET" {
                "matter_kind"
            } else if path.contains("matters/")
                || path.starts_with("/catalog/")
                || path.starts_with("/guide/")
            {
                // 企业设立登记, a matter of the keeper's own department.
                "XK-D04-0001-01"
            } else {
                "test_dict"
            },
        )
        .replace("{n}", "1")
        .replace("{comment}", "1")
        .replace("{hash}", file_hash)
        .replace("{file}", "app.css");
    let uname = format!("newuser{seq}");
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
        ("POST", "/api/v1/processes/{key}/start") => {
            s.json = Some(json!({"vars": {"amount": 1}, "business_key": format!("B{seq}")}))
        }
        ("POST", "/api/v1/instances/{id}/control") => s.json = Some(json!({"action": "suspend"})),
        ("POST", "/api/v1/tasks/{id}") => s.json = Some(json!({"op": "urge"})),
        ("POST", "/api/v1/designer/compile") => s.json = Some(demo_flow(seq)),
        ("POST", "/api/v1/messages") => s.json = Some(json!({"name": "matrix_msg"})),
        ("POST", "/api/v1/signals") => s.json = Some(json!({"name": "matrix_signal"})),
        ("POST", "/api/v1/designer/deploy") => s.json = Some(demo_flow(seq)),
        ("POST", "/tasks/{id}") => s.form = vec![("op", "urge".to_owned())],
        ("POST", "/processes") => {
            s.form = vec![("bpmn", demo_bpmn(seq)), ("publish", "true".to_owned())]
        }
        ("POST", "/processes/{id}/start") => {
            s.form = vec![
                ("business_key", format!("P{seq}")),
                ("vars", r#"{"amount": 1}"#.to_owned()),
            ]
        }
        ("POST", "/instances/{id}/control") => s.form = vec![("action", "suspend".to_owned())],
        ("POST", "/designer") => {
            s.form = vec![
                ("state", String::new()),
                ("action", "add".to_owned()),
                ("type", "approval".to_owned()),
                ("name", "审核".to_owned()),
                ("who", "user:clerk".to_owned()),
                ("mode", "single".to_owned()),
                ("days", "0".to_owned()),
            ]
        }
        ("POST", "/login") => {
            s.form = vec![
                ("username", "clerk".to_owned()),
                ("password", fgf_app::base::seed::DEMO_PASSWORD.to_owned()),
            ]
        }
        ("POST", "/register") => {
            s.form = vec![
                ("kind", "citizen".to_owned()),
                ("username", uname),
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
                ("username", uname),
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
        ("POST", "/api/v1/matters") => s.json = Some(matrix_matter(seq)),
        ("POST", "/api/v1/plans") => s.json = Some(json!({"title": format!("矩阵方案{seq}")})),
        // Plan 1 and its task 1 are the demo's.
        ("GET", "/api/v1/plans/{id}/tasks") => s.allowed = &[200, 404],
        ("POST", "/api/v1/reform-tasks/{id}/confirm") => {
            s.json = Some(json!({"confirm": true}));
            s.allowed = &[404, 409];
        }
        ("POST", "/api/v1/plans/{id}/tasks") => {
            s.json = Some(
                json!({"code": format!("T{seq}"), "title": "矩阵任务", "category": "放管服", "start": "2026-01-05", "deadline": "2026-06-30", "lead": "D01"}),
            );
            s.allowed = &[201, 404];
        }
        // Task 1 is the demo's; a unit without a part in it gets 404, one with a part that has
        // answered gets 409.
        ("POST", "/api/v1/reform-tasks/{id}/acceptance") => {
            s.json = Some(json!({"accept": true}));
            s.allowed = &[200, 404, 409];
        }
        // Acceptance 1 (the demo's first task's lead part) is accepted: nothing to settle.
        ("POST", "/api/v1/coordination-cases/{id}/resolve") => {
            s.json = Some(json!({"resolution": "由牵头单位承担", "assign_to": "D01"}));
            s.allowed = &[200, 409];
        }
        // Plans, their rounds and a task's reports are open to every desk.
        ("GET", "/api/v1/plans")
        | ("GET", "/api/v1/plans/{id}/inspections")
        | ("GET", "/api/v1/plans/{id}/assessments")
        | ("GET", "/api/v1/plans/{id}/bulletins")
        | ("GET", "/api/v1/reform-tasks/{id}/reports")
        | ("GET", "/api/v1/files") => s.allowed = &[200],
        // Demo task 1 is complete: a report on it is refused as such (409), or as out of
        // reach (404) for a unit that has no part in it.
        ("POST", "/api/v1/reform-tasks/{id}/reports") => {
            s.json = Some(json!({"percent": 10, "done": "推进中"}));
            s.allowed = &[201, 404, 409];
        }
        // Plan 1 is the demo's published plan: its text is frozen and it is not in
        // consultation, so every step on it is refused; its version 1 can be diffed.
        ("PUT", "/api/v1/plans/{id}/clauses") => {
            s.json = Some(json!({"text": "1 矩阵条款"}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/consultation") => {
            s.json = Some(json!({"units": ["D04"], "due": "2030-01-01"}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/replies") => {
            s.json = Some(json!({"no_comment": true}));
            s.allowed = &[403, 409];
        }
        ("POST", "/api/v1/plans/{id}/comments/{comment}/disposition") => {
            s.json = Some(json!({"disposition": "adopted"}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/steps") => {
            s.json = Some(json!({"step": "submit"}));
            s.allowed = &[409];
        }
        ("GET", "/api/v1/plans/{id}/diff") => s.path = format!("{}?from=1", s.path),
        // No notice has been sent in this district; the test district's clock is fixed.
        ("POST", "/api/v1/reform-notices/{id}/response") => {
            s.json = Some(json!({"response": "书面说明"}));
            s.allowed = &[404];
        }
        ("POST", "/api/v1/demo/clock") => {
            s.json = Some(json!({"days": 1}));
            s.allowed = &[404];
        }
        ("POST", "/reform/plans/{id}/text") | ("POST", "/reform/plans/{id}/comments/{comment}") => {
            s.allowed = &[409]
        }
        ("POST", "/reform/plans/{id}/consultation") | ("POST", "/reform/plans/{id}/step") => {
            s.allowed = &[422]
        }
        ("POST", "/reform/plans/{id}/reply") => s.allowed = &[403, 409],
        ("POST", "/reform/tasks/{id}/accept") | ("POST", "/reform/notices/{id}/respond") => {
            s.allowed = &[404, 409]
        }
        // A multipart form; the sample sends an urlencoded one, which is refused.
        ("POST", "/reform/tasks/{id}/report") => s.allowed = &[400],
        ("POST", "/reform/demo-clock") => s.allowed = &[404],
        // The demo's review records: finding 1 (区政务服务中心's) is verified, assessment 1 is
        // published with 区卫健委's appeal open, innovation 1 is published.
        ("POST", "/api/v1/plans/{id}/inspections") => {
            s.json = Some(
                json!({"title": "矩阵检查", "held_on": "2026-01-05", "findings": [{"task": "1", "finding": "矩阵问题", "rectify_by": "2026-02-01"}]}),
            );
        }
        ("POST", "/api/v1/reform-findings/{id}/rectification") => {
            s.json = Some(json!({"text": "已整改"}));
            s.allowed = &[404, 409];
        }
        ("POST", "/api/v1/reform-findings/{id}/verification") => {
            s.json = Some(json!({"accept": true}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/assessments") => {
            s.json = Some(
                json!({"title": format!("矩阵考核{seq}"), "from": "2026-01-01", "to": "2026-06-30"}),
            );
        }
        ("POST", "/api/v1/assessments/{id}/quality") => {
            s.json = Some(json!({"task": "1", "score": 90}));
        }
        ("POST", "/api/v1/assessments/{id}/appeal") => {
            s.json = Some(json!({"text": "申请复核"}));
            s.allowed = &[200, 404, 409];
        }
        ("POST", "/api/v1/assessments/{id}/appeal-decision") => {
            s.json = Some(json!({"unit": "D08", "decision": "维持原结果"}));
            s.allowed = &[200, 409];
        }
        ("POST", "/api/v1/merits") => {
            s.json = Some(
                json!({"kind": "commendation", "unit": "D03", "category": "先进集体", "reason": "矩阵", "document_no": format!("矩阵{seq}号"), "decided_on": "2026-01-01"}),
            );
        }
        ("POST", "/api/v1/innovations") => {
            s.json =
                Some(json!({"title": format!("矩阵经验{seq}"), "summary": "摘要", "body": "正文"}));
            s.allowed = &[201, 403];
        }
        ("POST", "/api/v1/innovations/{id}/review") => {
            s.json = Some(json!({"publish": true, "note": "矩阵"}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/bulletins") => {
            s.json = Some(json!({"from": "2026-01-01", "to": "2026-01-31"}));
        }
        ("POST", "/reform/findings/{id}/verify") | ("POST", "/reform/innovations/{id}/review") => {
            s.allowed = &[409]
        }
        ("POST", "/reform/findings/{id}/rectify") => s.allowed = &[404, 409, 422],
        ("POST", "/reform/assessments/{id}/appeal") => s.allowed = &[404, 409, 422],
        ("POST", "/reform/plans/{id}/inspections")
        | ("POST", "/reform/plans/{id}/assessments")
        | ("POST", "/reform/assessments/{id}/quality")
        | ("POST", "/reform/assessments/{id}/decide")
        | ("POST", "/reform/merits")
        | ("POST", "/reform/plans/{id}/bulletins")
        | ("POST", "/reform/innovations") => s.allowed = &[422],
        // Version 1 is in force, so it can be neither submitted nor reviewed again.
        ("POST", "/api/v1/matters/{code}/versions/{n}/submit")
        | ("POST", "/api/v1/matters/{code}/versions/{n}/review")
        | ("POST", "/catalog/{code}/versions/{n}/submit")
        | ("POST", "/catalog/{code}/versions/{n}/review") => {
            s.json = Some(json!({"approve": true}));
            s.form = vec![("decision", "approve".to_owned())];
            s.allowed = &[409];
        }
        ("GET", "/api/v1/matters/{code}/diff") => s.path = format!("{}?from=1&to=1", s.path),
        ("POST", "/api/v1/matters/{code}/phrases") => {
            s.json = Some(json!({"phrase": format!("矩阵{seq}")}))
        }
        ("GET", "/api/v1/catalog/reports/{key}") => {
            s.path = "/api/v1/catalog/reports/by_kind?format=csv".to_owned()
        }
        // Handover 1 is delegated to a town outside these callers' scope.
        ("POST", "/api/v1/catalog/handovers/{id}") => {
            s.json = Some(json!({"checklist": {}}));
            s.allowed = &[200, 404];
        }
        ("POST", "/catalog/handovers/{id}") => s.allowed = &[303, 404],
        // Uploads are multipart; these samples send a form, which the extractor refuses.
        ("POST", "/api/v1/catalog/import")
        | ("POST", "/catalog/import")
        | ("POST", "/catalog/files") => s.allowed = &[400, 415],
        ("POST", "/catalog/new") | ("POST", "/catalog/{code}/edit") => s.allowed = &[422],
        // The matrix published a blank form for this matter's first material.
        ("GET", "/guide/{code}/materials/{n}/{which}") => {
            s.path = format!("/guide/{}/materials/1/blank", "XK-D04-0001-01");
        }
        ("POST", "/catalog/{code}/phrases") => {
            s.form = vec![
                ("phrase", format!("矩阵页{seq}")),
                ("action", "add".to_owned()),
            ]
        }
        _ => {}
    }
    s
}

/// A valid new matter for the keeper's department.
fn matrix_matter(seq: u32) -> serde_json::Value {
    json!({
        "code": format!("MX-{seq}"),
        "department_code": "D04",
        "note": "矩阵测试",
        "doc": {
            "name": format!("矩阵测试事项{seq}"), "kind": "public_service", "tier": "main", "level": "county",
            "audiences": ["person"], "legal_basis": ["《测试条例》第一条"], "conditions": "无",
            "statutory_days": 5, "promised_days": 2, "case_type": "promised", "fee": null,
            "process_key": null, "trips": 0, "trips_reason": "", "online_depth": "fully_online",
            "fully_online": true, "handling_forms": ["desktop"], "place": "政务服务中心",
            "hours": "工作日", "consult_phone": "0571-86000000", "complaint_phone": "0571-12345"
        }
    })
}

#[tokio::test]
async fn records_outside_the_data_scope_are_invisible() {
    let d = District::new().await;
    let teacher = d.account_id("teacher").await; // 区教育局
    let keeper = d.account_id("keeper").await; // 区市场监管局
    let education = d.department_id("D07").await;
    let food = d.department_id("D04-02").await; // a section under 区市场监管局
    for (who, target, expect) in [
        ("reviewer", teacher, 404), // 本部门 in 区市场监管局
        ("keeper", teacher, 404),   // 本部门及下级 in 区市场监管局
        ("clerk", keeper, 404),     // 本部门 in 综合受理窗口
        ("reviewer", keeper, 200),
        ("leader", teacher, 200), // 全部
        ("reform", teacher, 200),
    ] {
        let t = d.token(who).await;
        let r = d
            .api(
                Method::GET,
                &format!("/api/v1/users/{target}"),
                Some(&t),
                None,
            )
            .await;
        assert_eq!(
            r.status.as_u16(),
            expect,
            "{who} → user {target}: {}",
            r.text()
        );
        if expect == 404 {
            assert_eq!(r.json()["error"]["code"], "not_found");
        }
        let (cookie, _) = d.page_session(who).await;
        let p = d
            .page(Method::GET, &format!("/admin/users/{target}"), &cookie)
            .await;
        assert_eq!(p.status.as_u16(), expect, "page: {who} → user {target}");
    }
    // Lists show only what the scope reaches.
    let t = d.token("reviewer").await;
    let list = d
        .api(Method::GET, "/api/v1/users?per_page=200", Some(&t), None)
        .await
        .json();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"keeper") && !names.contains(&"teacher") && !names.contains(&"citizen"),
        "{names:?}"
    );
    assert_eq!(list["total"].as_i64().unwrap(), names.len() as i64);
    // Departments: keeper (本部门及下级) sees the bureau and its sections, not the others.
    let t = d.token("keeper").await;
    assert_eq!(
        d.api(
            Method::GET,
            &format!("/api/v1/departments/{food}"),
            Some(&t),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        d.api(
            Method::GET,
            &format!("/api/v1/departments/{education}"),
            Some(&t),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let depts = d
        .api(
            Method::GET,
            "/api/v1/departments?per_page=200",
            Some(&t),
            None,
        )
        .await
        .json();
    let codes: Vec<&str> = depts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["D04", "D04-01", "D04-02"]);
    // The page tree shows the same.
    let (cookie, _) = d.page_session("keeper").await;
    let page = d
        .page(Method::GET, "/admin/departments", &cookie)
        .await
        .text();
    assert!(page.contains("食品安全监管科") && !page.contains("区教育局"));
    d.cleanup().await;
}

#[tokio::test]
async fn refused_attempts_are_out_of_reach_of_everyone_but_the_security_and_audit_admins() {
    let d = District::new().await;
    let mut readers = Vec::new();
    for (who, holds) in HOLDS {
        let t = d.token(who).await;
        let r = d.api(Method::GET, "/api/v1/refusals", Some(&t), None).await;
        let (cookie, _) = d.page_session(who).await;
        let p = d.page(Method::GET, "/admin/refusals", &cookie).await;
        if holds.contains(&"login_log.read") {
            assert_eq!(r.status, StatusCode::OK, "{who}");
            assert_eq!(p.status, StatusCode::OK, "{who}");
            readers.push(*who);
        } else {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(r.json()["error"]["code"], "permission_denied");
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
        }
    }
    assert_eq!(readers, ["security", "auditor"]);
    // Every one of those attempts is itself on the list, named by the caller.
    let t = d.token("security").await;
    let list = d
        .api(
            Method::GET,
            "/api/v1/refusals?code=permission_denied&per_page=200",
            Some(&t),
            None,
        )
        .await
        .json();
    let api_refused: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["route"] == "/api/v1/refusals")
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    assert_eq!(api_refused.len(), HOLDS.len() - 2, "{api_refused:?}");
    assert!(api_refused.contains(&"admin") && !api_refused.contains(&"security"));
    d.cleanup().await;
}

#[tokio::test]
async fn acting_for_another_department_changes_what_is_reached_and_is_recorded() {
    let d = District::new().await;
    let t = d.token("reviewer").await;
    let approval = d.department_id("D03").await;
    let before = d
        .api(Method::GET, "/api/v1/users?per_page=200", Some(&t), None)
        .await
        .json();
    assert!(before["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "keeper"));
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/department",
            Some(&t),
            Some(json!({"department_id": approval})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let after = d
        .api(Method::GET, "/api/v1/users?per_page=200", Some(&t), None)
        .await
        .json();
    assert!(
        !after["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "keeper"),
        "now acting for 区行政审批局"
    );
    // A department without a post is refused.
    let edu = d.department_id("D07").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/department",
            Some(&t),
            Some(json!({"department_id": edu})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "no_post_in_department");
    // What the reviewer does now is recorded under the new department.
    let auditor = d.token("auditor").await;
    let log = d
        .api(
            Method::GET,
            "/api/v1/audit?action=session.switch_department",
            Some(&auditor),
            None,
        )
        .await
        .json();
    assert_eq!(
        log["items"][0]["department_id"].as_i64(),
        Some(d.department_id("D04").await),
        "the switch itself is recorded under the old one"
    );
    let me = d
        .api(Method::GET, "/api/v1/auth/me", Some(&t), None)
        .await
        .json();
    assert_eq!(me["department_id"].as_i64(), Some(approval));
    d.cleanup().await;
}

/// A small valid design, with an id unique to the request.
fn demo_flow(seq: u32) -> serde_json::Value {
    json!({"id": format!("matrix_{seq}"), "name": "矩阵测试", "nodes": [
        {"type": "handle", "id": "a", "name": "受理", "approvers": {"type": "users", "value": ["clerk"]}, "fields": {}, "timeout": null}
    ]})
}

fn demo_bpmn(seq: u32) -> String {
    let flow: fgf_engine::designer::Flow = serde_json::from_value(demo_flow(seq)).unwrap();
    fgf_engine::designer::to_bpmn(&flow).unwrap()
}

#[tokio::test]
async fn participants_see_an_instance_outside_their_scope_and_others_do_not() {
    let d = District::new().await;
    // Demo application 2 was started at the clerk's window and waits for the reviewer
    // (区市场监管局): outside the reviewer's 本部门 scope, but theirs to review.
    let reviewer = d.token("reviewer").await;
    assert_eq!(
        d.api(Method::GET, "/api/v1/instances/2", Some(&reviewer), None)
            .await
            .status,
        StatusCode::OK
    );
    let inspector = d.token("inspector").await;
    assert_eq!(
        d.api(Method::GET, "/api/v1/instances/2", Some(&inspector), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let (cookie, _) = d.page_session("reviewer").await;
    let page = d.page(Method::GET, "/instances/2", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("<svg") && page.text().contains("class=\"shape active"),
        "the diagram marks the active node"
    );
    d.cleanup().await;
}

//! The route × role matrix: every declared route, requested by every demo role (and by an
//! anonymous caller), must answer exactly as the declared permission and the role's grants
//! say — success for holders, 403 (API) or the error page (pages) for signed-in non-holders,
//! 401 or a redirect to the login page for anonymous callers. The expected grants are
//! written out here, independently of the seed, so a change to either shows up.
//! Records outside a caller's data scope answer 404 in lists, pages and the API.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
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
            "application.intake",
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
            "application.review",
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
    ("citizen", &["applicant.self", "file.upload"]),
    ("enterprise", &["applicant.self", "file.upload"]),
];

#[path = "route_matrix/application.rs"]
mod application;
#[path = "route_matrix/base.rs"]
mod base;
#[path = "route_matrix/catalog.rs"]
mod catalog;
#[path = "route_matrix/process.rs"]
mod process;
#[path = "route_matrix/reform.rs"]
mod reform;

struct Caller {
    name: &'static str,
    token: Option<String>,
    cookie: Option<(String, String)>,
    account_id: i64,
    department_id: i64,
}

/// Fills path parameters and a body that is valid for the caller, so that an allowed call
/// succeeds; returns (path, json body or form fields).
/// What a part's samples may use: the caller and the records made for the matrix.
struct Vars<'a> {
    c: &'a Caller,
    seq: u32,
    teacher_post: i64,
    finance: i64,
    dept: i64,
    uname: String,
}

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
    let teacher_post = d
        .app
        .store()
        .posts_of(AccountId::new(teacher))
        .await
        .unwrap()[0]
        .id;
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
            .posts_of(AccountId::new(id))
            .await
            .unwrap()
            .first()
            .map_or(0, |p| p.department_id.get());
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
                    let id = tx
                        .insert_post(
                            AccountId::new(teacher),
                            DepartmentId::new(dept),
                            false,
                            "临时",
                        )
                        .await
                        .unwrap();
                    tx.audit("test", "post", "x", &[]).await.unwrap();
                    tx.commit().await.unwrap();
                    id
                }
                _ => teacher_post,
            };
            let note = if spec.path.contains("notifications/{id}") && c.account_id > 0 {
                let mut tx = d.app.store().write(d.app.system_ctx("test")).await.unwrap();
                let id = fgf_app::base::notify::notify(
                    &mut tx,
                    AccountId::new(c.account_id),
                    "t",
                    "b",
                    "/",
                )
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
                || (spec.path.contains("tasks/{id}")
                    && !spec.path.contains("reform-tasks/")
                    && !spec.path.contains("/reform/tasks/")))
                && c.account_id > 0
                && allowed
            {
                let mut ctx = d.app.system_ctx(c.name);
                ctx.actor_account_id = Some(AccountId::new(c.account_id));
                ctx.department_id = Some(DepartmentId::new(c.department_id));
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
                        Some(DepartmentId::new(c.department_id)),
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
                        inst.get()
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
    let v = Vars {
        c,
        seq,
        teacher_post,
        finance,
        dept,
        uname,
    };
    // One line per part: each part's samples live in `route_matrix/<part>.rs`.
    let _ = base::fill(method, path, &mut s, &v)
        || catalog::fill(method, path, &mut s, &v)
        || process::fill(method, path, &mut s, &v)
        || reform::fill(method, path, &mut s, &v)
        || application::fill(method, path, &mut s, &v);
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

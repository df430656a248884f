//! Online applications (服) through the use cases, on the demo district on SQLite and, when
//! `FGF_TEST_PG` is set, on PostgreSQL: applying, the clerk's intake under 行政许可法第三十二条,
//! the one correction notice and the supplement, deemed acceptance from the sixth working day,
//! and who may read what.

use fgf_app::application::{
    AgentInput, ApplicationInput, AssignInput, BarInput, DecisionInput, DeliveryInput,
    ExtensionInput, IntakeInput, LicenceInput, LicenceStatusInput, LifeEventApplicationInput,
    LifeEventInput, MaterialInput, OpinionInput, PauseInput, VisitInput, WindowInput,
};
use fgf_app::base::auth::{LoginRequest, SessionKind};
use fgf_app::{Actor, App, Config, ErrorKind, TestClock};
use fgf_domain::application::{ApplicationStatus, CaseStanding, ClockLight, Standing};
use fgf_store::application::ApplicationFilter;
use fgf_store::testing::TestDb;
use fgf_store::Page;
use serde_json::json;
use std::sync::Arc;

/// Monday 2026-03-02 10:00 +08:00.
const MONDAY_MS: i64 = 1_772_416_800_000;
const DAY_MS: i64 = 86_400_000;

async fn district(db: &TestDb, clock: &TestClock) -> App {
    let config = Config {
        data_dir: std::env::temp_dir().join(format!(
            "fgf-app-applications-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        )),
        ..Config::default()
    };
    let app = App::with_store(
        db.store.clone(),
        config,
        Arc::new(clock.clone()),
        fgf_domain::PiiKey::derive_from_secret(b"test key"),
    )
    .await
    .unwrap();
    assert!(app.base().seed_demo().await.unwrap());
    app
}

async fn finish(app: App, db: TestDb) {
    let _ = std::fs::remove_dir_all(&app.config().data_dir);
    drop(app);
    db.cleanup().await;
}

async fn signed_in(app: &App, username: &str) -> Actor {
    let ok = app
        .base()
        .login(LoginRequest {
            username,
            password: fgf_app::base::seed::DEMO_PASSWORD,
            totp: None,
            source_addr: "127.0.0.1",
            kind: SessionKind::Bearer,
        })
        .await
        .unwrap_or_else(|e| panic!("login {username}: {e:?}"));
    app.base()
        .authenticate(&ok.token, "127.0.0.1")
        .await
        .unwrap()
}

fn apply() -> ApplicationInput {
    ApplicationInput {
        // 企业设立登记, in force in the demo catalogue, of 区市场监管局.
        matter_code: "XK-D04-0001-01".to_owned(),
        form: json!({"企业名称": "示范区测试餐饮有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}),
        materials: Vec::new(),
        consent_reuse: false,
        draft: false,
        licence: None,
        commitments: Vec::new(),
    }
}

#[tokio::test]
async fn article_32_the_clerk_sends_one_correction_notice_then_accepts_the_supplied_application() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let clerk = signed_in(&app, "clerk").await;
        let uc = app.application();

        let v = uc.submit_application(&citizen, &apply()).await.unwrap();
        assert_eq!(v.status, ApplicationStatus::Submitted, "{label}");
        assert_eq!(v.received_on.unwrap().to_string(), "2026-03-02", "{label}");
        assert!(v.number.starts_with("SQ20260302-"), "{label}: {}", v.number);
        assert_eq!(v.due, None, "{label}: no clock before acceptance");

        // One notice listing every item; a second round may not add new ones.
        let notice = IntakeInput::Supplement {
            items: vec!["营业执照复印件".into(), "场所平面图".into()],
        };
        let v = uc.decide_intake(&clerk, v.id, &notice).await.unwrap();
        assert_eq!(v.status, ApplicationStatus::AwaitingSupplement, "{label}");
        assert_eq!(v.correction_items.len(), 2, "{label}");
        let again = uc.decide_intake(&clerk, v.id, &notice).await.unwrap_err();
        assert_eq!(
            (again.kind, again.code),
            (ErrorKind::Conflict, "application_not_received"),
            "{label}"
        );

        clock.advance_ms(DAY_MS);
        let v = uc
            .supply(&citizen, v.id, "已上传场所平面图", &[])
            .await
            .unwrap();
        assert_eq!(v.status, ApplicationStatus::Submitted, "{label}");
        assert_eq!(v.received_on.unwrap().to_string(), "2026-03-03", "{label}");
        let new_item = IntakeInput::Supplement {
            items: vec!["健康证明".into()],
        };
        let e = uc.decide_intake(&clerk, v.id, &new_item).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_new_items"),
            "{label}"
        );

        let v = uc
            .decide_intake(&clerk, v.id, &IntakeInput::Accept)
            .await
            .unwrap();
        assert_eq!(v.status, ApplicationStatus::Accepted, "{label}");
        assert_eq!(v.accepted_on.unwrap().to_string(), "2026-03-03", "{label}");
        // 企业设立登记 promises 1 working day: due Wednesday 3/4, so due soon.
        assert_eq!(v.due.unwrap().to_string(), "2026-03-04", "{label}");
        assert_eq!(v.workdays_left, Some(1), "{label}");
        assert_eq!(v.light, Some(ClockLight::DueSoon), "{label}");

        let d = uc.application(&citizen, v.id).await.unwrap();
        let actions: Vec<&str> = d.events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["submitted", "supplement_requested", "supplied", "accepted"],
            "{label}"
        );
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

#[tokio::test]
async fn article_32_4_deemed_accepted_from_the_sixth_working_day_with_the_reason_on_record() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let uc = app.application();
        let v = uc.submit_application(&citizen, &apply()).await.unwrap();

        // Day 5 (Monday 3/9): still the clerk's to decide.
        clock.advance_ms(7 * DAY_MS);
        assert_eq!(uc.deemed_acceptance_sweep().await.unwrap(), 0, "{label}");
        // Day 6 (Tuesday 3/10): accepted as of the day of receipt.
        clock.advance_ms(DAY_MS);
        assert_eq!(uc.deemed_acceptance_sweep().await.unwrap(), 1, "{label}");
        assert_eq!(uc.deemed_acceptance_sweep().await.unwrap(), 0, "{label}");
        let d = uc.application(&citizen, v.id).await.unwrap();
        assert_eq!(d.view.status, ApplicationStatus::Accepted, "{label}");
        assert_eq!(d.view.accepted_on, v.received_on, "{label}");
        let last = d.events.last().unwrap();
        assert_eq!(last.action, "deemed_accepted", "{label}");
        assert!(last.note.contains("第三十二条"), "{label}: {}", last.note);
        assert_eq!(last.actor_account_id, None, "{label}");

        // A correction notice is too late now.
        let clerk = signed_in(&app, "clerk").await;
        let late = uc
            .decide_intake(
                &clerk,
                v.id,
                &IntakeInput::Supplement {
                    items: vec!["场所平面图".into()],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(late.code, "application_not_received", "{label}");
        // Promised 1 working day from 3/2: due 3/3, so overdue by now.
        assert_eq!(d.view.light, Some(ClockLight::Overdue), "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn applications_are_read_by_their_applicant_and_by_the_desks_of_their_department_only() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let uc = app.application();
        let v = uc.submit_application(&citizen, &apply()).await.unwrap();
        let page = Page::new(None, None);
        let all = ApplicationFilter::default();

        let enterprise = signed_in(&app, "enterprise").await;
        assert_eq!(
            uc.applications(&enterprise, &all, page)
                .await
                .unwrap()
                .total,
            0,
            "{label}"
        );
        let e = uc.application(&enterprise, v.id).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{label}");
        // The reviewer of 区市场监管局 reads it, with the applicant's name masked.
        let reviewer = signed_in(&app, "reviewer").await;
        let seen = uc.applications(&reviewer, &all, page).await.unwrap();
        assert_eq!(seen.total, 1, "{label}");
        assert_ne!(
            seen.items[0].applicant, v.applicant,
            "{label}: masked for staff"
        );
        // The reform office holds neither intake nor review.
        let reform = signed_in(&app, "reform").await;
        let e = uc.applications(&reform, &all, page).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Forbidden, "permission_denied"),
            "{label}"
        );
        // Nor may a reviewer decide intake, or a desk apply.
        let e = uc
            .decide_intake(&reviewer, v.id, &IntakeInput::Accept)
            .await
            .unwrap_err();
        assert_eq!(e.code, "permission_denied", "{label}");
        let e = uc
            .submit_application(&reviewer, &apply())
            .await
            .unwrap_err();
        assert_eq!(e.code, "permission_denied", "{label}");
        // A matter that does not exist is not found; a form that is not an object is refused
        // on its field, and nothing is written.
        let mut bad = apply();
        bad.matter_code = "NO-SUCH".into();
        assert_eq!(
            uc.submit_application(&citizen, &bad)
                .await
                .unwrap_err()
                .kind,
            ErrorKind::NotFound,
            "{label}"
        );
        let mut bad = apply();
        bad.form = json!([1, 2]);
        assert_eq!(
            uc.submit_application(&citizen, &bad)
                .await
                .unwrap_err()
                .code,
            "application_form_invalid",
            "{label}"
        );
        assert_eq!(
            uc.applications(&citizen, &all, page).await.unwrap().total,
            1,
            "{label}"
        );
        finish(app, db).await;
    }
}

#[tokio::test]
async fn article_45_expert_review_stops_the_clock_and_article_42_allows_one_extension() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let clerk = signed_in(&app, "clerk").await;
        let reviewer = signed_in(&app, "reviewer").await;
        let uc = app.application();
        let v = uc.submit_application(&citizen, &apply()).await.unwrap();
        let v = uc
            .decide_intake(&clerk, v.id, &IntakeInput::Accept)
            .await
            .unwrap();
        // Promised 1 working day from Monday 3/2: due Tuesday 3/3.
        assert_eq!(v.due.unwrap().to_string(), "2026-03-03", "{label}");

        let expert = |days| PauseInput {
            cause: "expert_review".into(),
            expected_workdays: days,
            notice: "组织专家评审".into(),
        };
        // The pause starts the day after acceptance at the earliest.
        let e = uc
            .pause_clock(&reviewer, v.id, &expert(5))
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_pause_overlaps", "{label}");
        clock.advance_ms(DAY_MS);
        // The applicant must be told in writing how long it should take.
        let e = uc
            .pause_clock(&reviewer, v.id, &expert(0))
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_expected_length_missing", "{label}");
        let v = uc.pause_clock(&reviewer, v.id, &expert(5)).await.unwrap();
        assert_eq!(v.status, ApplicationStatus::Suspended, "{label}");
        assert!(v.paused, "{label}");
        // Three days of review (Tue–Thu): the due date moves by three working days.
        clock.advance_ms(2 * DAY_MS);
        let v = uc.resume_clock(&reviewer, v.id).await.unwrap();
        assert_eq!(v.status, ApplicationStatus::UnderReview, "{label}");
        assert_eq!(v.due.unwrap().to_string(), "2026-03-06", "{label}");

        let ext = |approver: &str, days| ExtensionInput {
            workdays: days,
            approver: approver.into(),
            approved_by: "区市场监管局局长".into(),
            reason: "需现场核查经营场所".into(),
        };
        let e = uc
            .extend(&reviewer, v.id, &ext("agency_head", 11))
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_extension_too_long", "{label}");
        let v = uc
            .extend(&reviewer, v.id, &ext("agency_head", 10))
            .await
            .unwrap();
        assert_eq!(v.status, ApplicationStatus::Extended, "{label}");
        assert_eq!(v.due.unwrap().to_string(), "2026-03-20", "{label}");
        let e = uc
            .extend(&reviewer, v.id, &ext("agency_head", 5))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "application_already_extended"),
            "{label}"
        );
        // The clerk may not extend: review is the reviewer's.
        let e = uc
            .extend(&clerk, v.id, &ext("agency_head", 5))
            .await
            .unwrap_err();
        assert_eq!(e.code, "permission_denied", "{label}");
        let d = uc.application(&citizen, v.id).await.unwrap();
        let actions: Vec<&str> = d.events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["submitted", "accepted", "paused", "resumed", "extended"],
            "{label}"
        );
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

#[tokio::test]
async fn article_42_no_extension_once_the_deadline_has_passed() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let clerk = signed_in(&app, "clerk").await;
        let reviewer = signed_in(&app, "reviewer").await;
        let uc = app.application();
        let v = uc.submit_application(&citizen, &apply()).await.unwrap();
        let v = uc
            .decide_intake(&clerk, v.id, &IntakeInput::Accept)
            .await
            .unwrap();
        // Due 3/3; on 3/4 it is late, and an extension can no longer be granted.
        clock.advance_ms(2 * DAY_MS);
        let e = uc
            .extend(
                &reviewer,
                v.id,
                &ExtensionInput {
                    workdays: 10,
                    approver: "agency_head".into(),
                    approved_by: "局长".into(),
                    reason: "需现场核查".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_extension_after_deadline", "{label}");
        let v = uc.application(&reviewer, v.id).await.unwrap().view;
        assert_eq!(v.light, Some(ClockLight::Overdue), "{label}");
        assert_eq!(v.status, ApplicationStatus::Accepted, "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn article_78_false_materials_bar_a_new_application_for_one_year_with_the_reason_shown() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let reviewer = signed_in(&app, "reviewer").await;
        let uc = app.application();
        let v = uc.submit_application(&citizen, &apply()).await.unwrap();
        let bar = |cause: &str, protected| BarInput {
            cause: cause.into(),
            reason: "提交的场所证明系伪造".into(),
            protected_interest: protected,
        };
        // Only matters of public safety, health, life and property carry a bar.
        let e = uc
            .bar_applicant(&reviewer, v.id, &bar("false_materials", false))
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_bar_not_protected", "{label}");
        let until = uc
            .bar_applicant(&reviewer, v.id, &bar("false_materials", true))
            .await
            .unwrap();
        assert_eq!(until.to_string(), "2027-03-02", "{label}");
        // The applicant cannot apply again until then, and is told why; others can.
        let e = uc.submit_application(&citizen, &apply()).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "application_barred"),
            "{label}"
        );
        let shown = e.message(fgf_app::Lang::Zh);
        assert!(
            shown.contains("2027-03-02") && shown.contains("第七十八条"),
            "{label}: {shown}"
        );
        let enterprise = signed_in(&app, "enterprise").await;
        assert!(
            uc.submit_application(&enterprise, &apply()).await.is_ok(),
            "{label}"
        );
        // The day after the last barred day, the applicant may apply again.
        clock.set_ms(MONDAY_MS + 366 * DAY_MS);
        let citizen = signed_in(&app, "citizen").await;
        assert!(
            uc.submit_application(&citizen, &apply()).await.is_ok(),
            "{label}"
        );
        finish(app, db).await;
    }
}

#[tokio::test]
async fn article_79_fraud_or_bribery_bars_the_matter_for_three_years() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let reviewer = signed_in(&app, "reviewer").await;
        let uc = app.application();
        let v = uc.submit_application(&citizen, &apply()).await.unwrap();
        let until = uc
            .bar_applicant(
                &reviewer,
                v.id,
                &BarInput {
                    cause: "fraud_or_bribery".into(),
                    reason: "以贿赂手段取得许可".into(),
                    protected_interest: true,
                },
            )
            .await
            .unwrap();
        assert_eq!(until.to_string(), "2029-03-02", "{label}");
        clock.set_ms(MONDAY_MS + 2 * 366 * DAY_MS);
        let citizen = signed_in(&app, "citizen").await;
        let e = uc.submit_application(&citizen, &apply()).await.unwrap_err();
        assert_eq!(e.code, "application_barred", "{label}");
        assert!(
            e.message(fgf_app::Lang::Zh).contains("第七十九条"),
            "{label}"
        );
        finish(app, db).await;
    }
}

#[tokio::test]
async fn the_window_enters_an_application_for_the_person_at_the_counter_and_records_the_agent() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let clerk = signed_in(&app, "clerk").await;
        let uc = app.application();
        let auth = app
            .base()
            .upload_file(&clerk, "授权委托书.pdf", b"%PDF-1.4 authorisation")
            .await
            .unwrap();
        let window = |applicant_id: &str, agent_id: &str, authorisation: &str| WindowInput {
            matter_code: "XK-D04-0001-01".into(),
            form: json!({"企业名称": "窗口代办测试有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}),
            applicant_id: applicant_id.into(),
            agent: Some(AgentInput {
                name: "李代办".into(),
                resident_id: agent_id.into(),
                authorisation: authorisation.into(),
            }),
            materials: Vec::new(),
            consent_reuse: false,
            licence: None,
        };
        // A number whose check digit is wrong is refused on its field.
        let e = uc
            .enter_at_window(
                &clerk,
                &window(
                    "340524198001010011",
                    "11010519491231002X",
                    &auth.content_hash,
                ),
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_applicant_id_invalid", "{label}");
        // A valid number nobody registered with.
        let e = uc
            .enter_at_window(
                &clerk,
                &window(
                    "11010519491231002X",
                    "11010519491231002X",
                    &auth.content_hash,
                ),
            )
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::NotFound, "application_applicant_unknown"),
            "{label}"
        );
        // An agent without an uploaded authorisation.
        let e = uc
            .enter_at_window(
                &clerk,
                &window("34052419800101001X", "11010519491231002X", "0000"),
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_agent_invalid", "{label}");
        let v = uc
            .enter_at_window(
                &clerk,
                &window(
                    "34052419800101001X",
                    "11010519491231002X",
                    &auth.content_hash,
                ),
            )
            .await
            .unwrap();
        assert_eq!(v.channel, "window", "{label}");
        assert_eq!(v.status, ApplicationStatus::Submitted, "{label}");
        let agent = v.agent.clone().unwrap();
        assert_eq!(agent.id_masked, "1101**********002X", "{label}");
        // The citizen finds it among their own applications, the agent on record.
        let citizen = signed_in(&app, "citizen").await;
        let d = uc.application(&citizen, v.id).await.unwrap();
        assert_eq!(d.view.agent.unwrap().name, "李代办", "{label}");
        assert!(d.events[0].note.contains("代办人"), "{label}");
        // An enterprise is found by its credit code.
        let v = uc
            .enter_at_window(
                &clerk,
                &WindowInput {
                    matter_code: "XK-D04-0001-01".into(),
                    form: json!({"企业名称": "企业窗口测试有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}),
                    applicant_id: "91110108MA1H8R7C4F".into(),
                    agent: None,
                    materials: Vec::new(),
                    consent_reuse: false,
                    licence: None,
                },
            )
            .await
            .unwrap();
        let enterprise = signed_in(&app, "enterprise").await;
        assert!(uc.application(&enterprise, v.id).await.is_ok(), "{label}");
        // Only the window enters applications for others.
        let reviewer = signed_in(&app, "reviewer").await;
        let e = uc
            .enter_at_window(
                &reviewer,
                &window(
                    "34052419800101001X",
                    "11010519491231002X",
                    &auth.content_hash,
                ),
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, "permission_denied", "{label}");
        finish(app, db).await;
    }
}

/// Submitted and accepted today: the case the review tests start from.
async fn accepted(app: &App) -> (Actor, fgf_domain::application::ApplicationId) {
    let citizen = signed_in(app, "enterprise").await;
    let clerk = signed_in(app, "clerk").await;
    let uc = app.application();
    let food = ApplicationInput {
        // 食品经营许可（新办）, decided by 区行政审批局.
        matter_code: "XK-D03-0001-01-01".to_owned(),
        form: json!({"经营者名称": "示范区测试餐饮有限公司", "统一社会信用代码": "91110108MA1H8R7C4F", "经营场所": "示范区人民路1号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售", "经营面积": "120", "食品安全管理人员": [{"姓名": "张三", "身份证号": "11010519491231002X"}]}),
        materials: Vec::new(),
        consent_reuse: false,
        draft: false,
        licence: None,
        commitments: Vec::new(),
    };
    let v = uc.submit_application(&citizen, &food).await.unwrap();
    let v = uc
        .decide_intake(&clerk, v.id, &IntakeInput::Accept)
        .await
        .unwrap();
    (citizen, v.id)
}

fn assignment(verifiers: &[&str]) -> AssignInput {
    AssignInput {
        verifiers: verifiers.iter().map(|v| (*v).to_owned()).collect(),
        decider: "chief".to_owned(),
    }
}

#[tokio::test]
async fn article_34_two_verifiers_countersign_in_the_engine_before_the_decider_grants() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let reviewer = signed_in(&app, "checker").await;
        let checker = signed_in(&app, "surveyor").await;
        let chief = signed_in(&app, "chief").await;
        let teacher = signed_in(&app, "teacher").await;
        let clerk = signed_in(&app, "clerk").await;
        let uc = app.application();
        let (citizen, id) = accepted(&app).await;

        // One verifier is not enough; a name without review rights here is refused.
        let e = uc
            .assign_review(&reviewer, id, &assignment(&["checker"]))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_two_verifiers"),
            "{label}"
        );
        let e = uc
            .assign_review(&reviewer, id, &assignment(&["checker", "checker"]))
            .await
            .unwrap_err();
        assert_eq!(
            e.code, "application_two_verifiers",
            "{label}: the same person twice"
        );
        let e = uc
            .assign_review(&reviewer, id, &assignment(&["checker", "teacher"]))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_reviewer_unknown"),
            "{label}: the education bureau's reviewer cannot verify an approval-bureau case"
        );
        // A reviewer of another department cannot even see it.
        let e = uc
            .assign_review(&teacher, id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{label}");

        let v = uc
            .assign_review(&reviewer, id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap();
        assert_eq!(v.status, ApplicationStatus::UnderReview, "{label}");
        let e = uc
            .assign_review(&reviewer, id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_not_awaiting_review", "{label}");

        // The decider waits for both signatures; nobody signs for someone else.
        let grant = DecisionInput {
            grant: true,
            reasons: "经核查，符合设立登记条件".into(),
            licence: Some(LicenceInput {
                title: "食品经营许可证".into(),
                scope: "热食类食品制售".into(),
                valid_years: 5,
            }),
        };
        let e = uc.decide(&chief, id, &grant).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "application_verification_open"),
            "{label}"
        );
        let opinion = |agree| OpinionInput {
            agree,
            opinion: "材料真实，场所符合要求".into(),
        };
        let e = uc.verify(&chief, id, &opinion(true)).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Forbidden, "application_not_your_step"),
            "{label}"
        );
        let e = uc
            .verify(
                &reviewer,
                id,
                &OpinionInput {
                    agree: true,
                    opinion: " ".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_opinion_missing", "{label}");
        uc.verify(&reviewer, id, &opinion(true)).await.unwrap();
        let e = uc.verify(&reviewer, id, &opinion(true)).await.unwrap_err();
        assert_eq!(e.code, "application_not_your_step", "{label}: signed once");
        uc.verify(&checker, id, &opinion(true)).await.unwrap();

        // The generic workbench cannot complete the application's step behind its back.
        let items = app
            .process()
            .inbox_todo(&chief, Page::new(Some(1), Some(50)))
            .await
            .unwrap();
        let item = items
            .items
            .iter()
            .find(|w| w.node_id == "decide")
            .expect("the decider's item is in their inbox");
        let e = app
            .process()
            .work_item_op(
                &chief,
                item.id,
                fgf_app::process::TaskOp::Complete {
                    vars: Default::default(),
                    fields: Default::default(),
                },
                "",
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, "work_item_belongs_to_application", "{label}");

        let v = uc.decide(&chief, id, &grant).await.unwrap();
        assert_eq!(v.status, ApplicationStatus::Approved, "{label}");
        let d = uc.application(&citizen, id).await.unwrap();
        let steps: Vec<(&str, bool)> = d.review.iter().map(|s| (s.node.as_str(), s.done)).collect();
        assert_eq!(
            steps,
            [("verify", true), ("verify", true), ("decide", true)],
            "{label}"
        );
        let kinds: Vec<&str> = d.documents.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(kinds, ["acceptance_notice", "grant_decision"], "{label}");
        assert!(
            d.documents[0].number.contains("许受字〔2026〕"),
            "{label}: {}",
            d.documents[0].number
        );
        assert_eq!(d.licences.len(), 1, "{label}");
        let l = &d.licences[0];
        assert_eq!(l.standing, Standing::Valid, "{label}");
        assert_eq!(l.content.valid_until.to_string(), "2031-03-01", "{label}");
        assert!(
            d.documents[1]
                .body
                .paragraphs
                .iter()
                .any(|p| p.contains(&l.number)),
            "{label}: the decision names the licence"
        );
        let actions: Vec<&str> = d.events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "submitted",
                "accepted",
                "review_assigned",
                "verified",
                "verified",
                "granted"
            ],
            "{label}"
        );
        // The engine instance finished with the decision.
        let row = app
            .store()
            .get_application(&fgf_store::Scope::system("test"), id)
            .await
            .unwrap();
        let (inst, _) = app
            .process()
            .process_instance(&chief, row.instance_id.unwrap())
            .await
            .unwrap();
        assert_eq!(
            inst.status,
            fgf_domain::process::InstanceStatus::Completed,
            "{label}"
        );

        // Delivered by post with its EMS number.
        let e = uc
            .deliver(
                &clerk,
                id,
                &DeliveryInput {
                    method: "post".into(),
                    tracking: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_tracking_invalid", "{label}");
        let v = uc
            .deliver(
                &clerk,
                id,
                &DeliveryInput {
                    method: "post".into(),
                    tracking: Some("EA123456789CN".into()),
                },
            )
            .await
            .unwrap();
        assert_eq!(v.status, ApplicationStatus::Delivered, "{label}");
        assert_eq!(
            v.delivery.unwrap().tracking.as_deref(),
            Some("EA123456789CN"),
            "{label}"
        );
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

#[tokio::test]
async fn article_38_a_denial_needs_reasons_and_tells_of_reconsideration_and_litigation() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let reviewer = signed_in(&app, "checker").await;
        let checker = signed_in(&app, "surveyor").await;
        let chief = signed_in(&app, "chief").await;
        let clerk = signed_in(&app, "clerk").await;
        let uc = app.application();
        let (citizen, id) = accepted(&app).await;
        uc.assign_review(&reviewer, id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap();
        let no = OpinionInput {
            agree: false,
            opinion: "经营场所与有毒有害场所距离不足".into(),
        };
        uc.verify(&reviewer, id, &no).await.unwrap();
        uc.verify(&checker, id, &no).await.unwrap();
        let deny = |reasons: &str| DecisionInput {
            grant: false,
            reasons: reasons.into(),
            licence: None,
        };
        let e = uc.decide(&chief, id, &deny("  ")).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_reason_missing"),
            "{label}"
        );
        let v = uc
            .decide(&chief, id, &deny("经营场所与有毒有害场所距离不足25米"))
            .await
            .unwrap();
        assert_eq!(v.status, ApplicationStatus::Rejected, "{label}");
        let d = uc.application(&citizen, id).await.unwrap();
        assert!(d.licences.is_empty(), "{label}");
        let decision = d.documents.last().unwrap();
        assert_eq!(decision.kind.as_str(), "denial_decision", "{label}");
        let text = decision.body.paragraphs.join("");
        assert!(text.contains("25米"), "{label}");
        assert!(
            text.contains("行政复议") && text.contains("行政诉讼"),
            "{label}"
        );
        // A denial delivered closes the case.
        let v = uc
            .deliver(
                &clerk,
                id,
                &DeliveryInput {
                    method: "collect".into(),
                    tracking: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(v.status, ApplicationStatus::Closed, "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn an_issued_licence_verifies_and_one_whose_stored_content_was_altered_does_not() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let other = signed_in(&app, "citizen").await;
        let uc = app.application();
        let (citizen, _, _) = granted_for(&app, 1).await;
        let mine = uc.licences(&citizen, Page::new(None, None)).await.unwrap();
        assert_eq!(mine.total, 1, "{label}");
        let number = mine.items[0].number.clone();
        assert!(number.starts_with("DZ2026"), "{label}: {number}");
        // An enterprise holder is named by its credit code, which is public.
        assert_eq!(
            mine.items[0].content.holder_id, "91110108MA1H8R7C4F",
            "{label}"
        );
        // Another applicant sees neither the list entry nor the licence by number.
        assert_eq!(
            uc.licences(&other, Page::new(None, None))
                .await
                .unwrap()
                .total,
            0,
            "{label}"
        );
        let e = uc.licence(&other, &number).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{label}");

        let v = uc.verify_licence(&number).await.unwrap().unwrap();
        assert_eq!(v.standing, Standing::Valid, "{label}");
        assert!(
            uc.verify_licence("DZ202699999999").await.unwrap().is_none(),
            "{label}"
        );
        // Valid through its last day, then expired.
        clock.advance_ms(365 * DAY_MS);
        let v = uc.verify_licence(&number).await.unwrap().unwrap();
        assert_eq!(v.standing, Standing::Expired, "{label}");
        // Someone with database access widens the scope: the signature no longer matches.
        db.raw(&format!(
            "update licence set scope = '餐饮服务；食品销售' where number = '{number}'"
        ))
        .await
        .unwrap();
        let v = uc.verify_licence(&number).await.unwrap().unwrap();
        assert_eq!(v.standing, Standing::NotGenuine, "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn the_form_is_checked_against_the_matters_definition_with_every_problem_at_once() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let uc = app.application();
        let mut bad = apply();
        bad.form = json!({"企业名称": "", "企业类型": "无限公司", "注册资本": "一百", "法定代表人身份证号": "110105194912310021"});
        let e = uc.submit_application(&citizen, &bad).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_form_problems"),
            "{label}"
        );
        let fields: Vec<String> = e.details.unwrap()["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            fields,
            [
                "企业名称",
                "企业类型",
                "住所",
                "注册资本",
                "经营范围",
                "法定代表人",
                "法定代表人身份证号",
                "股东"
            ],
            "{label}"
        );
        // Nothing was written.
        let mine = uc
            .applications(
                &citizen,
                &ApplicationFilter::default(),
                Page::new(None, None),
            )
            .await
            .unwrap();
        assert_eq!(mine.total, 0, "{label}");

        // A draft keeps whatever was filled; sending it checks the form.
        bad.draft = true;
        let v = uc.submit_application(&citizen, &bad).await.unwrap();
        assert_eq!(v.status, ApplicationStatus::Draft, "{label}");
        assert_eq!(v.received_on, None, "{label}");
        let e = uc.submit_draft(&citizen, v.id).await.unwrap_err();
        assert_eq!(e.code, "application_form_problems", "{label}");
        let mut good = apply();
        good.draft = true;
        uc.update_draft(&citizen, v.id, &good).await.unwrap();
        let v = uc.submit_draft(&citizen, v.id).await.unwrap();
        assert_eq!(v.status, ApplicationStatus::Submitted, "{label}");
        assert_eq!(v.received_on.unwrap().to_string(), "2026-03-02", "{label}");
        assert_eq!(v.form["注册资本"], 100, "{label}: stored as a number");
        let e = uc.update_draft(&citizen, v.id, &good).await.unwrap_err();
        assert_eq!(e.code, "application_not_draft", "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn a_material_must_be_the_pdf_or_image_its_name_says_and_the_callers_own_upload() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let citizen = signed_in(&app, "citizen").await;
        let other = signed_in(&app, "enterprise").await;
        let uc = app.application();
        let fake = app
            .base()
            .upload_file(&citizen, "公司章程.pdf", b"<html><script>alert(1)</script>")
            .await
            .unwrap();
        let real = app
            .base()
            .upload_file(
                &citizen,
                "公司章程.pdf",
                b"%PDF-1.4 articles of association",
            )
            .await
            .unwrap();
        let theirs = app
            .base()
            .upload_file(&other, "章程.pdf", b"%PDF-1.4 someone else's")
            .await
            .unwrap();
        let with = |name: &str, file: &str| {
            let mut a = apply();
            a.materials = vec![MaterialInput {
                name: name.into(),
                file: file.into(),
            }];
            a
        };
        let e = uc
            .submit_application(&citizen, &with("公司章程", &fake.content_hash))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_material_type"),
            "{label}"
        );
        let e = uc
            .submit_application(&citizen, &with("公司章程", &theirs.content_hash))
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_material_file_unknown", "{label}");
        let e = uc
            .submit_application(&citizen, &with("营业执照副本", &real.content_hash))
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_material_unknown", "{label}");
        let v = uc
            .submit_application(&citizen, &with("公司章程", &real.content_hash))
            .await
            .unwrap();
        let d = uc.application(&citizen, v.id).await.unwrap();
        assert_eq!(d.materials.len(), 1, "{label}");
        assert_eq!(
            d.materials[0].mime.as_deref(),
            Some("application/pdf"),
            "{label}"
        );
        // The accepting window may now read the file; another applicant may not.
        let clerk = signed_in(&app, "clerk").await;
        assert!(
            app.base()
                .read_file(&clerk, &real.content_hash)
                .await
                .is_ok(),
            "{label}"
        );
        let e = app
            .base()
            .read_file(&other, &real.content_hash)
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn state_council_order_716_art_7_a_licence_issued_here_is_attached_instead_of_uploaded() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let checker = signed_in(&app, "checker").await;
        let surveyor = signed_in(&app, "surveyor").await;
        let chief = signed_in(&app, "chief").await;
        let uc = app.application();
        // A first grant gives the enterprise its 营业执照 (the material the food licence asks
        // for from e-licences).
        let (enterprise, id) = accepted(&app).await;
        uc.assign_review(&checker, id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap();
        let yes = OpinionInput {
            agree: true,
            opinion: "同意".into(),
        };
        uc.verify(&checker, id, &yes).await.unwrap();
        uc.verify(&surveyor, id, &yes).await.unwrap();
        let licence = LicenceInput {
            title: "营业执照".into(),
            scope: "餐饮服务".into(),
            valid_years: 5,
        };
        uc.decide(
            &chief,
            id,
            &DecisionInput {
                grant: true,
                reasons: String::new(),
                licence: Some(licence),
            },
        )
        .await
        .unwrap();
        let food = |consent| ApplicationInput {
            matter_code: "XK-D03-0001-01-01".to_owned(),
            form: json!({"经营者名称": "示范区测试餐饮有限公司", "统一社会信用代码": "91110108MA1H8R7C4F", "经营场所": "示范区人民路1号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售", "经营面积": "120", "食品安全管理人员": [{"姓名": "张三", "身份证号": "11010519491231002X"}]}),
            materials: Vec::new(),
            consent_reuse: consent,
            draft: false,
            licence: None,
            commitments: Vec::new(),
        };
        // Without consent nothing is attached.
        let v = uc
            .submit_application(&enterprise, &food(false))
            .await
            .unwrap();
        let d = uc.application(&enterprise, v.id).await.unwrap();
        assert!(d.materials.is_empty(), "{label}");
        let v = uc
            .submit_application(&enterprise, &food(true))
            .await
            .unwrap();
        let d = uc.application(&enterprise, v.id).await.unwrap();
        assert_eq!(d.materials.len(), 1, "{label}");
        assert_eq!(d.materials[0].name, "营业执照", "{label}");
        assert_eq!(d.materials[0].source, "licence", "{label}");
        assert!(d.events[0].note.contains("免提交"), "{label}");
        // Counted for the matter (数据多跑路).
        let report = uc.reuse_report(&chief).await.unwrap();
        let food_row = report
            .iter()
            .find(|r| r.matter_code == "XK-D03-0001-01-01")
            .unwrap();
        assert_eq!(
            (food_row.applications, food_row.materials_reused),
            (3, 1),
            "{label}"
        );
        // A revoked licence is no longer attached.
        db.raw("update licence set status = 'revoked'")
            .await
            .unwrap();
        let v = uc
            .submit_application(&enterprise, &food(true))
            .await
            .unwrap();
        let d = uc.application(&enterprise, v.id).await.unwrap();
        assert!(d.materials.is_empty(), "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn the_demo_district_holds_applications_in_many_statuses_with_licences_and_late_cases() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let n = app.application().seed_demo_applications().await.unwrap();
        assert!(n >= 20, "{label}: {n}");
        // Loading again adds nothing.
        assert_eq!(
            app.application().seed_demo_applications().await.unwrap(),
            0,
            "{label}"
        );
        let clerk = signed_in(&app, "clerk").await;
        let all = app
            .application()
            .applications(
                &clerk,
                &ApplicationFilter::default(),
                Page::new(Some(1), Some(100)),
            )
            .await
            .unwrap();
        assert!(all.total >= 20, "{label}: {}", all.total);
        let statuses: std::collections::BTreeSet<&str> =
            all.items.iter().map(|a| a.status.as_str()).collect();
        for s in [
            "submitted",
            "awaiting_supplement",
            "not_accepted",
            "accepted",
            "under_review",
            "suspended",
            "extended",
            "approved",
            "delivered",
            "closed",
        ] {
            assert!(statuses.contains(s), "{label}: no {s} in {statuses:?}");
        }
        // An overdue case carries its public reason; one was deemed accepted by the sweep.
        assert!(
            all.items
                .iter()
                .any(|a| a.light == Some(ClockLight::Overdue) && !a.overdue_reason.is_empty()),
            "{label}"
        );
        let chief = signed_in(&app, "chief").await;
        let licences = app
            .application()
            .licences(&chief, Page::new(None, None))
            .await
            .unwrap();
        assert!(licences.total >= 3, "{label}");
        assert!(
            licences.items.iter().all(|l| l.standing == Standing::Valid),
            "{label}"
        );
        let reuse = app.application().reuse_report(&chief).await.unwrap();
        assert!(reuse.iter().any(|r| r.materials_reused > 0), "{label}");
        // A life-event package with one case of two applications, and a licence change.
        let enterprise = signed_in(&app, "enterprise").await;
        let cases = app
            .application()
            .life_event_cases(&enterprise)
            .await
            .unwrap();
        assert_eq!(cases.len(), 1, "{label}");
        assert_eq!(cases[0].applications.len(), 2, "{label}");
        assert!(
            all.items.iter().any(|a| a.licence_number.is_some()),
            "{label}: a change of a licence"
        );
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

/// Accepted, verified twice and granted with a licence: answers the licence number.
async fn granted(app: &App) -> (Actor, fgf_domain::application::ApplicationId, String) {
    granted_for(app, 5).await
}

/// As [`granted`], the licence valid for `years`.
async fn granted_for(
    app: &App,
    years: u32,
) -> (Actor, fgf_domain::application::ApplicationId, String) {
    let checker = signed_in(app, "checker").await;
    let surveyor = signed_in(app, "surveyor").await;
    let chief = signed_in(app, "chief").await;
    let uc = app.application();
    let (holder, id) = accepted(app).await;
    uc.assign_review(&checker, id, &assignment(&["checker", "surveyor"]))
        .await
        .unwrap();
    let yes = OpinionInput {
        agree: true,
        opinion: "同意".into(),
    };
    uc.verify(&checker, id, &yes).await.unwrap();
    uc.verify(&surveyor, id, &yes).await.unwrap();
    uc.decide(
        &chief,
        id,
        &DecisionInput {
            grant: true,
            reasons: String::new(),
            licence: Some(LicenceInput {
                title: "食品经营许可证".into(),
                scope: "热食类食品制售".into(),
                valid_years: years,
            }),
        },
    )
    .await
    .unwrap();
    let number = uc
        .licences(&holder, Page::new(None, None))
        .await
        .unwrap()
        .items[0]
        .number
        .clone();
    (holder, id, number)
}

#[tokio::test]
async fn a_licence_is_suspended_restored_and_revoked_by_decision_and_the_verify_page_follows() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let (holder, id, number) = granted(&app).await;
        let chief = signed_in(&app, "chief").await;
        let teacher = signed_in(&app, "teacher").await;
        let status = |s: &str, reason: &str| LicenceStatusInput {
            status: s.into(),
            reason: reason.into(),
        };
        // Someone whose review does not reach the issuing bureau is told it does not exist.
        let e = uc
            .set_licence_status(&teacher, &number, &status("suspended", "x"))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{label}");
        let e = uc
            .set_licence_status(&chief, &number, &status("suspended", " "))
            .await
            .unwrap_err();
        assert_eq!(e.code, "application_reason_missing", "{label}");
        let e = uc
            .set_licence_status(&chief, &number, &status("valid", "恢复"))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "licence_status_not_allowed"),
            "{label}: a valid licence cannot be restored"
        );
        let l = uc
            .set_licence_status(
                &chief,
                &number,
                &status("suspended", "审批食暂〔2026〕1号：责令停业整顿"),
            )
            .await
            .unwrap();
        assert_eq!(l.standing, Standing::Suspended, "{label}");
        let v = uc.verify_licence(&number).await.unwrap().unwrap();
        assert_eq!(v.standing, Standing::Suspended, "{label}");
        assert!(v.status_reason.contains("停业整顿"), "{label}");
        uc.set_licence_status(&chief, &number, &status("valid", "整改完毕"))
            .await
            .unwrap();
        assert_eq!(
            uc.verify_licence(&number).await.unwrap().unwrap().standing,
            Standing::Valid,
            "{label}"
        );
        uc.set_licence_status(&chief, &number, &status("revoked", "审批食吊〔2026〕1号"))
            .await
            .unwrap();
        assert_eq!(
            uc.verify_licence(&number).await.unwrap().unwrap().standing,
            Standing::Revoked,
            "{label}"
        );
        let e = uc
            .set_licence_status(&chief, &number, &status("valid", "x"))
            .await
            .unwrap_err();
        assert_eq!(
            e.code, "licence_status_not_allowed",
            "{label}: revoked is final"
        );
        // Each decision is on the application's record, and the holder was told.
        let d = uc.application(&holder, id).await.unwrap();
        let actions: Vec<&str> = d.events.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.ends_with(&["licence_suspended", "licence_restored", "licence_revoked"]),
            "{label}: {actions:?}"
        );
        let notes = app
            .base()
            .list_notifications(&holder, false, Page::new(None, None))
            .await
            .unwrap();
        assert!(
            notes.items.iter().any(|n| n.title.contains("吊销")),
            "{label}"
        );
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

#[tokio::test]
async fn the_due_date_sweep_tells_the_verifiers_once_a_day_and_the_applicant_hears_of_acceptance() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let checker = signed_in(&app, "checker").await;
        let (holder, id) = accepted(&app).await;
        let notes = app
            .base()
            .list_notifications(&holder, false, Page::new(None, None))
            .await
            .unwrap();
        assert!(
            notes
                .items
                .iter()
                .any(|n| n.title == "您的申请已受理" && n.link == format!("/me/applications/{id}")),
            "{label}"
        );
        uc.assign_review(&checker, id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap();
        // Accepted Monday with five working days: on time today, nothing to say.
        assert_eq!(uc.due_date_sweep().await.unwrap(), 0, "{label}");
        // Thursday: due the next Monday, two working days left.
        clock.advance_ms(3 * DAY_MS);
        assert_eq!(uc.due_date_sweep().await.unwrap(), 1, "{label}");
        assert_eq!(uc.due_date_sweep().await.unwrap(), 0, "{label}: once a day");
        let told = app
            .base()
            .list_notifications(&checker, false, Page::new(None, None))
            .await
            .unwrap();
        assert!(
            told.items
                .iter()
                .any(|n| n.title.starts_with("办件即将到期")
                    && n.link == format!("/applications/{id}")),
            "{label}"
        );
        // The next day it is told again.
        clock.advance_ms(DAY_MS);
        assert_eq!(uc.due_date_sweep().await.unwrap(), 1, "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn gbt_39046_case_records_carry_the_data_items_and_export_as_guarded_xlsx() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let (holder, _, number) = granted(&app).await;
        let chief = signed_in(&app, "chief").await;
        let cases = uc.gbt_cases(&chief).await.unwrap();
        assert_eq!(cases.len(), 1, "{label}");
        let c = &cases[0];
        assert_eq!(c.implementation_code, "XK-D03-0001-01-01", "{label}");
        assert_eq!(c.accepting_unit_code, "D03", "{label}");
        assert_eq!(c.case_type, "2", "{label}: 承诺件 (table A.6)");
        assert_eq!(c.state, "3", "{label}: 已办结");
        assert_eq!(c.licence_number, number, "{label}");
        assert!(c.acceptance_document.contains("许受字"), "{label}");
        let names: Vec<&str> = c.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["收件", "受理", "指派核查", "核查", "核查", "决定"],
            "{label}"
        );
        assert!(c.steps.iter().all(|s| s.state == "2"), "{label}");
        // Applicants do not export.
        let e = uc.gbt_cases(&holder).await.unwrap_err();
        assert_eq!(e.code, "permission_denied", "{label}");
        let bytes = uc.gbt_cases_xlsx(&chief).await.unwrap();
        assert!(bytes.starts_with(b"PK"), "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn visits_in_person_are_counted_against_the_matters_promise_of_trips() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let clerk = signed_in(&app, "clerk").await;
        let chief = signed_in(&app, "chief").await;
        let teacher = signed_in(&app, "teacher").await;
        // Entered at the window: the applicant came once.
        let v = uc
            .enter_at_window(
                &clerk,
                &WindowInput {
                    matter_code: "XK-D03-0001-01-01".into(),
                    form: json!({"经营者名称": "示范区测试餐饮有限公司", "统一社会信用代码": "91110108MA1H8R7C4F", "经营场所": "示范区人民路1号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售", "经营面积": "120", "食品安全管理人员": [{"姓名": "张三", "身份证号": "11010519491231002X"}]}),
                    applicant_id: "91110108MA1H8R7C4F".into(),
                    agent: None,
                    materials: Vec::new(),
                    consent_reuse: false,
                    licence: None,
                },
            )
            .await
            .unwrap();
        // A second trip for an on-site check; the refusals first.
        let e = uc
            .record_visit(
                &clerk,
                v.id,
                &VisitInput {
                    kind: "party".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, "invalid_field", "{label}");
        let e = uc
            .record_visit(
                &teacher,
                v.id,
                &VisitInput {
                    kind: "inspection".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{label}");
        let visits = uc
            .record_visit(
                &clerk,
                v.id,
                &VisitInput {
                    kind: "inspection".into(),
                    note: "核对经营场所".into(),
                },
            )
            .await
            .unwrap();
        let kinds: Vec<&str> = visits.iter().map(|v| v.kind.as_str()).collect();
        assert_eq!(kinds, ["intake", "inspection"], "{label}");
        // An online application takes none.
        let (_, _) = accepted(&app).await;
        let report = uc.trips_report(&chief).await.unwrap();
        let food = report
            .iter()
            .find(|t| t.matter_code == "XK-D03-0001-01-01")
            .unwrap();
        assert_eq!(
            (food.applications, food.visits, food.most),
            (2, 2, 2),
            "{label}"
        );
        // The guide promises at most one trip: the window case went over.
        assert_eq!((food.promised, food.over_promise), (1, 1), "{label}");
        finish(app, db).await;
    }
}

#[tokio::test]
async fn a_district_made_before_applications_gains_the_new_grants_without_losing_its_own() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        assert_eq!(
            app.base().upgrade_builtin_roles().await.unwrap(),
            0,
            "{label}: up to date"
        );
        // As an older version left it: no review of applications, no 综合受理 role, and an
        // administrator's own addition to the reviewer role.
        db.raw("delete from role_permission where permission = 'application.review'")
            .await
            .unwrap();
        db.raw("delete from post_role where role_id = (select role_id from role where code = 'intake')")
            .await
            .unwrap();
        db.raw("delete from role_permission where role_id = (select role_id from role where code = 'intake')")
            .await
            .unwrap();
        db.raw("delete from role where code = 'intake'")
            .await
            .unwrap();
        db.raw("insert into role_permission (role_id, permission) select role_id, 'process.design' from role where code = 'reviewer' and not exists (select 1 from role_permission rp where rp.role_id = role.role_id and rp.permission = 'process.design')")
            .await
            .unwrap();
        let before = app.store().list_roles().await.unwrap();
        let own = before
            .iter()
            .find(|r| r.code == "reviewer")
            .unwrap()
            .permissions
            .clone();
        assert!(
            app.base().upgrade_builtin_roles().await.unwrap() >= 2,
            "{label}"
        );
        let roles = app.store().list_roles().await.unwrap();
        let reviewer = roles.iter().find(|r| r.code == "reviewer").unwrap();
        assert!(
            reviewer
                .permissions
                .contains(&fgf_domain::Permission::ApplicationReview),
            "{label}"
        );
        assert!(
            own.iter().all(|p| reviewer.permissions.contains(p)),
            "{label}: nothing taken away"
        );
        let intake = roles.iter().find(|r| r.code == "intake").unwrap();
        assert!(
            intake
                .permissions
                .contains(&fgf_domain::Permission::ApplicationIntake),
            "{label}"
        );
        assert_eq!(
            app.base().upgrade_builtin_roles().await.unwrap(),
            0,
            "{label}"
        );
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

/// An application of `holder` for a change (变更, `-02`) or renewal (延续, `-03`) of the food
/// business licence `licence`.
fn licence_application(matter: &str, licence: Option<&str>) -> ApplicationInput {
    ApplicationInput {
        matter_code: matter.to_owned(),
        form: json!({}),
        materials: Vec::new(),
        consent_reuse: false,
        draft: false,
        licence: licence.map(str::to_owned),
        commitments: Vec::new(),
    }
}

const RENEWAL: &str = "XK-D03-0001-01-03";
const CHANGE: &str = "XK-D03-0001-01-02";

/// Accepts, assigns and countersigns `id`, then the chief decides `decision`.
async fn reviewed_and_decided(
    app: &App,
    id: fgf_domain::application::ApplicationId,
    decision: &DecisionInput,
) {
    let clerk = signed_in(app, "clerk").await;
    let checker = signed_in(app, "checker").await;
    let surveyor = signed_in(app, "surveyor").await;
    let chief = signed_in(app, "chief").await;
    let uc = app.application();
    uc.decide_intake(&clerk, id, &IntakeInput::Accept)
        .await
        .unwrap();
    uc.assign_review(&checker, id, &assignment(&["checker", "surveyor"]))
        .await
        .unwrap();
    let yes = OpinionInput {
        agree: true,
        opinion: "同意".into(),
    };
    uc.verify(&checker, id, &yes).await.unwrap();
    uc.verify(&surveyor, id, &yes).await.unwrap();
    uc.decide(&chief, id, decision).await.unwrap();
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn article_50_a_renewal_runs_the_licence_on_under_its_number_and_keeps_what_it_said() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        // Valid 2026-03-02 through 2027-03-01.
        let (holder, _, number) = granted_for(&app, 1).await;
        let citizen = signed_in(&app, "citizen").await;

        let e = uc
            .submit_application(&holder, &licence_application(RENEWAL, None))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_licence_required"),
            "{label}"
        );
        // Someone else's licence reads as unknown.
        let e = uc
            .submit_application(&citizen, &licence_application(RENEWAL, Some(&number)))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_licence_unknown"),
            "{label}"
        );

        let v = uc
            .submit_application(&holder, &licence_application(RENEWAL, Some(&number)))
            .await
            .unwrap();
        assert_eq!(
            v.licence_number.as_deref(),
            Some(number.as_str()),
            "{label}"
        );
        // One change or renewal of a licence at a time.
        let e = uc
            .submit_application(&holder, &licence_application(CHANGE, Some(&number)))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "application_licence_busy"),
            "{label}"
        );
        reviewed_and_decided(
            &app,
            v.id,
            &DecisionInput {
                grant: true,
                reasons: "许可条件未发生变化".into(),
                licence: None,
            },
        )
        .await;
        let l = uc.licence(&holder, &number).await.unwrap();
        // In force from the decision, the year added to the old end.
        assert_eq!(l.content.valid_from, day("2026-03-02"), "{label}");
        assert_eq!(l.content.valid_until, day("2028-03-01"), "{label}");
        assert_eq!(l.standing, Standing::Valid, "{label}: re-signed");
        let old = uc.licence_revisions(&holder, &number).await.unwrap();
        assert_eq!(old.len(), 1, "{label}");
        assert_eq!(old[0].revision, 1, "{label}");
        assert_eq!(old[0].content.valid_until, day("2027-03-01"), "{label}");
        assert_eq!(
            old[0].application_id, v.id,
            "{label}: replaced by the renewal"
        );
        assert_ne!(l.application_id, v.id, "{label}: issued by the first grant");
        let check = uc.verify_licence(&number).await.unwrap().unwrap();
        assert_eq!(check.standing, Standing::Valid, "{label}");
        // Nobody else reads the licence's history.
        let e = uc.licence_revisions(&citizen, &number).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{label}");

        // Within 30 days of the new expiry it is too late to renew (第五十条).
        clock.advance_ms(DAY_MS * 710); // 2028-02-10
        let e = uc
            .submit_application(&holder, &licence_application(RENEWAL, Some(&number)))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "application_renewal_late"),
            "{label}"
        );
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

#[tokio::test]
async fn article_50_an_undecided_renewal_is_deemed_granted_the_day_after_the_licence_expires() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let (holder, _, number) = granted_for(&app, 1).await;
        // Signed in now: a year on, their passwords would be due for a change.
        let clerk = signed_in(&app, "clerk").await;
        let checker = signed_in(&app, "checker").await;
        let reminders = |app: App, holder: Actor, number: String| async move {
            app.base()
                .list_notifications(&holder, false, Page::new(Some(1), Some(100)))
                .await
                .unwrap()
                .items
                .into_iter()
                .filter(|n| n.link == format!("/licences/{number}"))
                .count()
        };
        assert_eq!(uc.renewal_sweep().await.unwrap(), 0, "{label}");
        assert_eq!(
            reminders(app.clone(), holder.clone(), number.clone()).await,
            0,
            "{label}"
        );

        // 2027-01-04: 56 days before expiry the holder is reminded, once.
        clock.advance_ms(DAY_MS * 308);
        uc.renewal_sweep().await.unwrap();
        uc.renewal_sweep().await.unwrap();
        assert_eq!(
            reminders(app.clone(), holder.clone(), number.clone()).await,
            1,
            "{label}"
        );

        let v = uc
            .submit_application(&holder, &licence_application(RENEWAL, Some(&number)))
            .await
            .unwrap();
        uc.decide_intake(&clerk, v.id, &IntakeInput::Accept)
            .await
            .unwrap();
        uc.assign_review(&checker, v.id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap();

        // On the day of expiry the agency may still decide; nothing is deemed.
        clock.advance_ms(DAY_MS * 56); // 2027-03-01
        assert_eq!(uc.renewal_sweep().await.unwrap(), 0, "{label}");
        clock.advance_ms(DAY_MS);
        assert_eq!(uc.renewal_sweep().await.unwrap(), 1, "{label}");
        assert_eq!(uc.renewal_sweep().await.unwrap(), 0, "{label}: once");

        let d = uc.application(&holder, v.id).await.unwrap();
        assert_eq!(d.view.status, ApplicationStatus::Approved, "{label}");
        assert!(d.view.decision_reasons.contains("第五十条"), "{label}");
        assert_eq!(d.events.last().unwrap().action, "deemed_renewed", "{label}");
        assert!(
            d.documents
                .iter()
                .any(|x| x.kind == fgf_domain::application::DocumentKind::GrantDecision),
            "{label}: the grant decision is issued"
        );
        let l = uc.licence(&holder, &number).await.unwrap();
        assert_eq!(l.content.valid_from, day("2027-03-02"), "{label}");
        assert_eq!(l.content.valid_until, day("2028-03-01"), "{label}");
        assert_eq!(l.standing, Standing::Valid, "{label}");
        // The review the agency did not finish is over: nobody holds an open step.
        let open = app
            .store()
            .work_items_of(d.view.instance_id.unwrap())
            .await
            .unwrap()
            .into_iter()
            .filter(|w| w.status == fgf_domain::process::WorkItemStatus::Open)
            .count();
        assert_eq!(open, 0, "{label}");
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

#[tokio::test]
async fn a_change_re_signs_the_licence_with_its_new_scope_and_the_same_validity() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let (holder, _, number) = granted_for(&app, 5).await;
        let before = uc.licence(&holder, &number).await.unwrap();
        clock.advance_ms(DAY_MS * 7);
        let v = uc
            .submit_application(&holder, &licence_application(CHANGE, Some(&number)))
            .await
            .unwrap();
        reviewed_and_decided(
            &app,
            v.id,
            &DecisionInput {
                grant: true,
                reasons: "变更经营项目".into(),
                licence: Some(LicenceInput {
                    title: "食品经营许可证".into(),
                    scope: "热食类食品制售；冷食类食品制售".into(),
                    valid_years: 5,
                }),
            },
        )
        .await;
        let after = uc.licence(&holder, &number).await.unwrap();
        assert_eq!(
            after.content.scope, "热食类食品制售；冷食类食品制售",
            "{label}"
        );
        assert_eq!(
            after.content.valid_until, before.content.valid_until,
            "{label}"
        );
        assert_eq!(after.content.issued_on, day("2026-03-09"), "{label}");
        assert_ne!(after.signature, before.signature, "{label}");
        assert_eq!(after.standing, Standing::Valid, "{label}");
        let old = uc.licence_revisions(&holder, &number).await.unwrap();
        assert_eq!(old[0].content, before.content, "{label}");
        // Only one licence: the change did not issue another.
        assert_eq!(
            uc.licences(&holder, Page::new(None, None))
                .await
                .unwrap()
                .total,
            1,
            "{label}"
        );
        finish(app, db).await;
    }
}

/// The two matters of opening a restaurant: the business registration and the food licence.
fn restaurant() -> LifeEventInput {
    LifeEventInput {
        name: "开餐馆".into(),
        summary: "企业设立登记与食品经营许可一次申请".into(),
        matters: vec!["XK-D04-0001-01".into(), "XK-D03-0001-01-01".into()],
    }
}

#[tokio::test]
async fn a_life_event_fans_out_into_one_application_per_matter_each_with_its_own_clock() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let reform = signed_in(&app, "reform").await;
        let keeper = signed_in(&app, "keeper").await;
        let enterprise = signed_in(&app, "enterprise").await;

        // The keeper of 区市场监管局 cannot bundle 区行政审批局's matter; one matter is no package.
        let e = uc
            .put_life_event(&keeper, "YJS-KCG", &restaurant())
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "life_event_unknown_matter"),
            "{label}"
        );
        let mut one = restaurant();
        one.matters.truncate(1);
        let e = uc
            .put_life_event(&reform, "YJS-KCG", &one)
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "life_event_unknown_matter"),
            "{label}"
        );
        let e = uc
            .put_life_event(&reform, "开餐馆", &restaurant())
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "life_event_code_invalid"),
            "{label}"
        );

        let event = uc
            .put_life_event(&reform, "YJS-KCG", &restaurant())
            .await
            .unwrap();
        assert_eq!(event.matters.len(), 2, "{label}");
        let registration = apply().form;
        let food = json!({"经营者名称": "示范区测试餐饮有限公司", "统一社会信用代码": "91110108MA1H8R7C4F", "经营场所": "示范区人民路1号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售", "经营面积": "120", "食品安全管理人员": [{"姓名": "张三", "身份证号": "11010519491231002X"}]});
        let names: Vec<&str> = event.form.iter().map(|f| f.name.as_str()).collect();
        for k in registration
            .as_object()
            .unwrap()
            .keys()
            .chain(food.as_object().unwrap().keys())
        {
            assert!(names.contains(&k.as_str()), "{label}: the package asks {k}");
        }
        assert!(!event.materials.is_empty(), "{label}");

        // A form with problems is refused whole and leaves nothing written.
        let mut filled = registration.as_object().unwrap().clone();
        let count = |app: App, who: Actor| async move {
            app.application()
                .applications(&who, &ApplicationFilter::default(), Page::new(None, None))
                .await
                .unwrap()
                .total
        };
        let before = count(app.clone(), enterprise.clone()).await;
        let e = uc
            .apply_life_event(
                &enterprise,
                "YJS-KCG",
                &LifeEventApplicationInput {
                    event: "YJS-KCG".into(),
                    form: serde_json::Value::Object(filled.clone()),
                    materials: Vec::new(),
                    consent_reuse: false,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_form_problems"),
            "{label}"
        );
        assert_eq!(
            count(app.clone(), enterprise.clone()).await,
            before,
            "{label}"
        );
        assert!(
            uc.life_event_cases(&enterprise).await.unwrap().is_empty(),
            "{label}"
        );

        filled.extend(food.as_object().unwrap().clone());
        let case = uc
            .apply_life_event(
                &enterprise,
                "YJS-KCG",
                &LifeEventApplicationInput {
                    event: "YJS-KCG".into(),
                    form: serde_json::Value::Object(filled),
                    materials: Vec::new(),
                    consent_reuse: false,
                },
            )
            .await
            .unwrap();
        assert!(
            case.number.starts_with("YJS20260302-"),
            "{label}: {}",
            case.number
        );
        assert_eq!(case.event_name, "开餐馆", "{label}");
        assert_eq!(case.standing, CaseStanding::InProgress, "{label}");
        assert_eq!(case.applications.len(), 2, "{label}");
        let codes: Vec<&str> = case
            .applications
            .iter()
            .map(|a| a.matter_code.as_str())
            .collect();
        assert_eq!(codes, ["XK-D04-0001-01", "XK-D03-0001-01-01"], "{label}");
        // Each has its own fields only, its own number and clock.
        assert!(
            case.applications[0].form.get("企业名称").is_some(),
            "{label}"
        );
        assert!(
            case.applications[0].form.get("经营面积").is_none(),
            "{label}"
        );
        assert!(
            case.applications[1].form.get("经营面积").is_some(),
            "{label}"
        );
        assert!(
            case.applications
                .iter()
                .all(|a| a.life_event_case_id == Some(case.id)),
            "{label}"
        );
        assert_eq!(
            count(app.clone(), enterprise.clone()).await,
            before + 2,
            "{label}"
        );

        let clerk = signed_in(&app, "clerk").await;
        let first = case.applications[0].id;
        let second = case.applications[1].id;
        uc.decide_intake(&clerk, first, &IntakeInput::Accept)
            .await
            .unwrap();
        uc.decide_intake(
            &clerk,
            second,
            &IntakeInput::Supplement {
                items: vec!["经营场所平面图".into()],
            },
        )
        .await
        .unwrap();
        let case = uc.life_event_case(&enterprise, case.id).await.unwrap();
        assert_eq!(case.standing, CaseStanding::ActionNeeded, "{label}");
        assert_eq!(
            case.applications[0].limit_workdays, 1,
            "{label}: 企业设立登记 promises 1 day"
        );
        assert!(
            case.applications[0].due.is_some() && case.applications[1].due.is_none(),
            "{label}"
        );

        // Staff see the case through the applications they may read; others see nothing.
        assert_eq!(
            uc.life_event_case(&clerk, case.id)
                .await
                .unwrap()
                .applications
                .len(),
            2,
            "{label}"
        );
        for outsider in ["citizen", "teacher"] {
            let who = signed_in(&app, outsider).await;
            let e = uc.life_event_case(&who, case.id).await.unwrap_err();
            assert_eq!(e.kind, ErrorKind::NotFound, "{label}: {outsider}");
        }
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

#[tokio::test]
async fn a_material_the_guide_lets_follow_is_accepted_missing_and_the_grant_waits_for_it() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let enterprise = signed_in(&app, "enterprise").await;
        let clerk = signed_in(&app, "clerk").await;
        let mut food = licence_application("XK-D03-0001-01-01", None);
        food.form = json!({"经营者名称": "示范区容缺餐饮有限公司", "统一社会信用代码": "91110108MA1H8R7C4F", "经营场所": "示范区人民路1号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售", "经营面积": "120", "食品安全管理人员": [{"姓名": "张三", "身份证号": "11010519491231002X"}]});
        let v = uc.submit_application(&enterprise, &food).await.unwrap();
        let commitment = app
            .base()
            .upload_file(&clerk, "容缺承诺书.pdf", b"%PDF-1.4 signed commitment")
            .await
            .unwrap()
            .content_hash;
        let defer = |material: &str, due: &str| IntakeInput::AcceptDeferring {
            items: vec![fgf_app::application::DeferredInput {
                material: material.to_owned(),
                due: day(due),
            }],
            commitment: commitment.clone(),
        };
        // The signed commitment must be the clerk's own upload, not another's file.
        let theirs = app
            .base()
            .upload_file(&enterprise, "别人的文件.pdf", b"%PDF-1.4 not the clerk's")
            .await
            .unwrap()
            .content_hash;
        let e = uc
            .decide_intake(
                &clerk,
                v.id,
                &IntakeInput::AcceptDeferring {
                    items: vec![fgf_app::application::DeferredInput {
                        material: "食品安全规章制度目录清单".into(),
                        due: day("2026-03-10"),
                    }],
                    commitment: theirs,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (
                ErrorKind::Invalid,
                "application_deferral_commitment_missing"
            ),
            "{label}"
        );
        // Only what the guide lets follow, by a day after today.
        let e = uc
            .decide_intake(&clerk, v.id, &defer("食品经营许可申请书", "2026-03-10"))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_not_deferrable"),
            "{label}"
        );
        let e = uc
            .decide_intake(
                &clerk,
                v.id,
                &defer("食品安全规章制度目录清单", "2026-03-02"),
            )
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_deferral_due_invalid"),
            "{label}"
        );
        let accepted = uc
            .decide_intake(
                &clerk,
                v.id,
                &defer("食品安全规章制度目录清单", "2026-03-10"),
            )
            .await
            .unwrap();
        assert_eq!(accepted.status, ApplicationStatus::Accepted, "{label}");
        let d = uc.application(&enterprise, v.id).await.unwrap();
        assert_eq!(
            d.events.last().unwrap().action,
            "accepted_deferring",
            "{label}"
        );
        let open = fgf_app::application::outstanding_deferred(&d.materials);
        assert_eq!(open.len(), 1, "{label}");
        assert_eq!(open[0].due_on, Some(day("2026-03-10")), "{label}");

        // The review runs; the grant waits for the material.
        let checker = signed_in(&app, "checker").await;
        let surveyor = signed_in(&app, "surveyor").await;
        let chief = signed_in(&app, "chief").await;
        uc.assign_review(&checker, v.id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap();
        let yes = OpinionInput {
            agree: true,
            opinion: "同意".into(),
        };
        uc.verify(&checker, v.id, &yes).await.unwrap();
        uc.verify(&surveyor, v.id, &yes).await.unwrap();
        let grant = DecisionInput {
            grant: true,
            reasons: String::new(),
            licence: None,
        };
        let e = uc.decide(&chief, v.id, &grant).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "application_deferred_outstanding"),
            "{label}"
        );
        // The applicant supplies it while the case is handled; nothing else is taken.
        let rules = app
            .base()
            .upload_file(&enterprise, "规章制度.pdf", b"%PDF-1.4 rules")
            .await
            .unwrap()
            .content_hash;
        let wrong = uc
            .supply(
                &enterprise,
                v.id,
                "",
                &[MaterialInput {
                    name: "食品经营许可申请书".into(),
                    file: rules.clone(),
                }],
            )
            .await
            .unwrap_err();
        assert_eq!(
            (wrong.kind, wrong.code),
            (ErrorKind::Invalid, "application_material_unknown"),
            "{label}"
        );
        uc.supply(
            &enterprise,
            v.id,
            "已补交",
            &[MaterialInput {
                name: "食品安全规章制度目录清单".into(),
                file: rules,
            }],
        )
        .await
        .unwrap();
        let d = uc.application(&enterprise, v.id).await.unwrap();
        assert!(
            fgf_app::application::outstanding_deferred(&d.materials).is_empty(),
            "{label}"
        );
        assert_eq!(
            d.view.status,
            ApplicationStatus::UnderReview,
            "{label}: the clock ran on"
        );
        uc.decide(&chief, v.id, &grant).await.unwrap();
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

#[tokio::test]
async fn a_commitment_replaces_a_certificate_and_a_false_one_goes_on_the_applicants_record() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let clock = TestClock::new(MONDAY_MS);
        let app = district(&db, &clock).await;
        let uc = app.application();
        let enterprise = signed_in(&app, "enterprise").await;
        let clerk = signed_in(&app, "clerk").await;
        let checker = signed_in(&app, "checker").await;
        let surveyor = signed_in(&app, "surveyor").await;
        let chief = signed_in(&app, "chief").await;
        let mut input = licence_application("XK-D03-0001-01-01", None);
        input.form = json!({"经营者名称": "示范区承诺餐饮有限公司", "统一社会信用代码": "91110108MA1H8R7C4F", "经营场所": "示范区人民路1号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售", "经营面积": "120", "食品安全管理人员": [{"姓名": "张三", "身份证号": "11010519491231002X"}]});
        // Only what the guide allows.
        input.commitments = vec!["食品经营许可申请书".into()];
        let e = uc
            .submit_application(&enterprise, &input)
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_commitment_not_allowed"),
            "{label}"
        );
        input.commitments = vec!["食品安全管理人员任命文件及健康证明".into()];
        let v = uc.submit_application(&enterprise, &input).await.unwrap();
        let d = uc.application(&enterprise, v.id).await.unwrap();
        let c = d
            .materials
            .iter()
            .find(|m| m.source == "commitment")
            .unwrap();
        assert_eq!(
            (c.name.as_str(), c.verified),
            ("食品安全管理人员任命文件及健康证明", None),
            "{label}"
        );
        uc.decide_intake(&clerk, v.id, &IntakeInput::Accept)
            .await
            .unwrap();

        // A false finding needs what was found; someone without review here cannot make it.
        let check = |truthful: bool, note: &str| fgf_app::application::CommitmentCheckInput {
            material: "食品安全管理人员任命文件及健康证明".into(),
            truthful,
            note: note.into(),
        };
        let e = uc
            .check_commitment(&checker, v.id, &check(false, ""))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Invalid, "application_reason_missing"),
            "{label}"
        );
        let outsider = signed_in(&app, "teacher").await;
        let e = uc
            .check_commitment(&outsider, v.id, &check(false, "无健康证明"))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{label}");
        uc.check_commitment(
            &checker,
            v.id,
            &check(false, "经核查，管理人员未取得健康证明"),
        )
        .await
        .unwrap();
        let e = uc
            .check_commitment(&checker, v.id, &check(true, ""))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "application_commitment_checked"),
            "{label}"
        );
        let d = uc.application(&checker, v.id).await.unwrap();
        assert_eq!(d.applicant_records.len(), 1, "{label}");
        assert_eq!(d.applicant_records[0].kind, "false_commitment", "{label}");
        assert_eq!(
            d.events.last().unwrap().action,
            "commitment_false",
            "{label}"
        );

        // No grant on a false commitment; a denial stands.
        uc.assign_review(&checker, v.id, &assignment(&["checker", "surveyor"]))
            .await
            .unwrap();
        let yes = OpinionInput {
            agree: true,
            opinion: "同意".into(),
        };
        uc.verify(&checker, v.id, &yes).await.unwrap();
        uc.verify(&surveyor, v.id, &yes).await.unwrap();
        let grant = DecisionInput {
            grant: true,
            reasons: String::new(),
            licence: None,
        };
        let e = uc.decide(&chief, v.id, &grant).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::Conflict, "application_commitment_false"),
            "{label}"
        );
        let deny = DecisionInput {
            grant: false,
            reasons: "告知承诺不实".into(),
            licence: None,
        };
        uc.decide(&chief, v.id, &deny).await.unwrap();

        // The record follows the applicant to their next application.
        input.commitments = Vec::new();
        let next = uc.submit_application(&enterprise, &input).await.unwrap();
        let d = uc.application(&clerk, next.id).await.unwrap();
        assert_eq!(d.applicant_records.len(), 1, "{label}");
        app.store().verify_audit().await.unwrap();
        finish(app, db).await;
    }
}

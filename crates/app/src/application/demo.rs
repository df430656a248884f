//! The demo district's applications: six weeks of a window's work replayed through the use
//! cases on a clock that starts forty days ago, so every date, notice, clock and licence is
//! what the rules made of it. Generated applicants carry valid check digits.
//!
//! Only `fgf demo` loads them (after the demo district): the tests' district stays empty of
//! applications so each test states its own.

use super::{
    AgentInput, ApplicationInput, AssignInput, DecisionInput, DeliveryInput, ExtensionInput,
    IntakeInput, LicenceInput, MaterialInput, OpinionInput, PauseInput, UseCases, WindowInput,
};
use crate::base::auth::{LoginRequest, SessionKind};
use crate::base::users::RegisterInput;
use crate::error::{ServiceError, ServiceResult};
use crate::{Actor, App, TestClock};
use fgf_domain::application::ApplicationId;
use serde_json::{json, Value};
use std::sync::Arc;

const DAY_MS: i64 = 86_400_000;

/// The generated applicants: (username, name, kind, resident ID or credit-code body).
const APPLICANTS: &[(&str, &str, &str, &str)] = &[
    (
        "weidao",
        "示范区味道餐饮有限公司",
        "enterprise",
        "91110108MA01WD8K2",
    ),
    (
        "xianguo",
        "示范区鲜果超市有限公司",
        "enterprise",
        "91110108MA01XG3P7",
    ),
    (
        "yunfan",
        "示范区云帆科技有限公司",
        "enterprise",
        "91110108MA01YF6T4",
    ),
    ("zhangwei", "张伟", "citizen", "11010519850312123"),
    ("lina", "李娜", "citizen", "11010219900718462"),
    ("wangfang", "王芳", "citizen", "11010819780105201"),
];

fn with_check(kind: &str, body: &str) -> ServiceResult<String> {
    let c = if kind == "enterprise" {
        fgf_domain::Uscc::check_char(body)
    } else {
        fgf_domain::ResidentId::check_char(body)
    }
    .map_err(|e| ServiceError::internal(format!("demo id {body}: {e:?}")))?;
    Ok(format!("{body}{c}"))
}

fn food_form(name: &str, uscc: &str, kind: &str) -> Value {
    json!({"经营者名称": name, "统一社会信用代码": uscc, "经营场所": "示范区人民路88号一层", "主体业态": kind,
        "食堂所属单位": if kind == "单位食堂" { "示范区云帆科技有限公司" } else { "" },
        "经营项目": "热食类食品制售", "经营面积": "120",
        "食品安全管理人员": [{"姓名": "张伟", "身份证号": "11010519491231002X"}]})
}

fn company_form(name: &str, person: &str, id: &str) -> Value {
    json!({"企业名称": name, "企业类型": "有限责任公司", "住所": "示范区建设路16号", "注册资本": "50",
        "经营范围": "餐饮服务；食品销售", "法定代表人": person, "法定代表人身份证号": id,
        "股东": [{"名称": person, "出资额": "50"}]})
}

struct Demo {
    app: App,
    clock: TestClock,
    start_ms: i64,
}

impl Demo {
    fn uc(&self) -> UseCases<'_> {
        self.app.application()
    }

    fn day(&self, d: i64) {
        self.clock.set_ms(self.start_ms + d * DAY_MS);
    }

    async fn login(&self, username: &str) -> ServiceResult<Actor> {
        Ok(self.session(username).await?.0)
    }

    async fn session(&self, username: &str) -> ServiceResult<(Actor, String)> {
        let ok = self
            .app
            .base()
            .login(LoginRequest {
                username,
                password: crate::base::seed::DEMO_PASSWORD,
                totp: None,
                source_addr: "demo",
                kind: SessionKind::Bearer,
            })
            .await?;
        let a = self.app.base().authenticate(&ok.token, "demo").await?;
        Ok((a, ok.token))
    }

    /// Signs in `username` acting for the department `code` (a 兼职 post).
    async fn login_for(&self, username: &str, code: &str) -> ServiceResult<Actor> {
        let (a, token) = self.session(username).await?;
        let dept = self
            .app
            .store()
            .find_department_by_code(&fgf_store::Scope::system("demo"), code)
            .await?
            .ok_or_else(|| ServiceError::internal(format!("demo department {code}")))?;
        self.app.base().switch_department(&a, dept.id).await?;
        self.app.base().authenticate(&token, "demo").await
    }

    async fn apply(
        &self,
        who: &Actor,
        code: &str,
        form: Value,
        consent: bool,
    ) -> ServiceResult<ApplicationId> {
        let v = self
            .uc()
            .submit_application(
                who,
                &ApplicationInput {
                    matter_code: code.to_owned(),
                    form,
                    materials: Vec::new(),
                    consent_reuse: consent,
                    draft: false,
                    licence: None,
                    commitments: Vec::new(),
                },
            )
            .await?;
        Ok(v.id)
    }
}

/// The staff of one bureau's review: verifiers and decider, signed in acting for it.
struct Bureau {
    a: Actor,
    b: Actor,
    chief: Actor,
    names: [&'static str; 2],
}

impl Bureau {
    /// Assigns the bureau's two verifiers and its chief to the application.
    async fn assign(&self, d: &Demo, id: ApplicationId) -> ServiceResult<()> {
        d.uc()
            .assign_review(
                &self.a,
                id,
                &AssignInput {
                    verifiers: self.names.iter().map(|n| (*n).to_owned()).collect(),
                    decider: "chief".to_owned(),
                },
            )
            .await?;
        Ok(())
    }

    async fn decide(
        &self,
        d: &Demo,
        id: ApplicationId,
        grant: bool,
        licence: Option<(&str, &str)>,
        reasons: &str,
    ) -> ServiceResult<()> {
        let uc = d.uc();
        self.assign(d, id).await?;
        let opinion = OpinionInput {
            agree: grant,
            opinion: if grant {
                "材料真实齐全，现场核查符合条件".to_owned()
            } else {
                reasons.to_owned()
            },
        };
        uc.verify(&self.a, id, &opinion).await?;
        uc.verify(&self.b, id, &opinion).await?;
        uc.decide(
            &self.chief,
            id,
            &DecisionInput {
                grant,
                reasons: reasons.to_owned(),
                licence: licence.map(|(title, scope)| LicenceInput {
                    title: title.to_owned(),
                    scope: scope.to_owned(),
                    valid_years: 5,
                }),
            },
        )
        .await?;
        Ok(())
    }
}

impl UseCases<'_> {
    /// Loads the demo applications into a district `fgf demo` just built; does nothing when
    /// it already holds applications.
    pub async fn seed_demo_applications(self) -> ServiceResult<usize> {
        let page = fgf_store::Page::new(Some(1), Some(1));
        let any = self
            .store()
            .list_applications(
                &fgf_store::Scope::system("demo"),
                &fgf_store::application::ApplicationFilter::default(),
                page,
            )
            .await?;
        if any.total > 0 {
            return Ok(0);
        }
        // Forty days ago at 09:30 (+08:00): the scenario walks forward to today.
        let today = crate::clock::local_date(self.now_ms());
        let start_day = today - chrono::Days::new(40);
        let start_ms = start_day
            .and_hms_opt(1, 30, 0)
            .map(|t| t.and_utc().timestamp_millis())
            .ok_or_else(|| ServiceError::internal("demo start"))?;
        let clock = TestClock::new(start_ms);
        let app = App::with_store(
            self.store().clone(),
            self.config().clone(),
            Arc::new(clock.clone()),
            self.pii().clone(),
        )
        .await
        .map_err(ServiceError::internal)?;
        let d = Demo {
            app,
            clock,
            start_ms,
        };
        let n = run(&d).await?;
        // Back to today: the sweep applies deemed acceptance to what waited too long.
        d.clock.set_ms(self.now_ms());
        d.uc().deemed_acceptance_sweep().await?;
        Ok(n)
    }
}

async fn run(d: &Demo) -> ServiceResult<usize> {
    let mut ids = Vec::new();
    let mut who = std::collections::HashMap::new();
    for (username, name, kind, body) in APPLICANTS {
        let id = with_check(kind, body)?;
        d.app
            .base()
            .register_applicant(
                &RegisterInput {
                    kind: (*kind).to_owned(),
                    username: (*username).to_owned(),
                    password: crate::base::seed::DEMO_PASSWORD.to_owned(),
                    display_name: (*name).to_owned(),
                    resident_id: (*kind == "citizen").then(|| id.clone()),
                    uscc: (*kind == "enterprise").then(|| id.clone()),
                    phone: None,
                },
                "demo",
            )
            .await?;
        who.insert(*username, (d.login(username).await?, id, *name));
    }
    let ent = d.login("enterprise").await?;
    let ent_name = d.app.base().me(&ent).await?.display_name;
    let ent_uscc = "91110108MA1H8R7C4F";
    let clerk = d.login("clerk").await?;
    let approval = Bureau {
        a: d.login("checker").await?,
        b: d.login("surveyor").await?,
        chief: d.login("chief").await?,
        names: ["checker", "surveyor"],
    };
    let market = Bureau {
        a: d.login("reviewer").await?,
        b: d.login_for("checker", "D04").await?,
        chief: d.login_for("chief", "D04").await?,
        names: ["reviewer", "checker"],
    };
    let uc = d.uc();
    let clerk_ref = &clerk;
    let accept = |id| async move { uc.decide_intake(clerk_ref, id, &IntakeInput::Accept).await };
    let food = "XK-D03-0001-01-01";
    let company = "XK-D04-0001-01";
    let (weidao, weidao_id, weidao_name) = &who["weidao"];
    let (xianguo, xianguo_id, xianguo_name) = &who["xianguo"];
    let (yunfan, yunfan_id, yunfan_name) = &who["yunfan"];
    let (zhangwei, zw_id, _) = &who["zhangwei"];
    let (lina, lina_id, _) = &who["lina"];

    // Day 0: 味道餐饮 registers its company; the market bureau grants its 营业执照.
    d.day(0);
    let c1 = d
        .apply(
            weidao,
            company,
            company_form(weidao_name, "张伟", zw_id),
            false,
        )
        .await?;
    accept(c1).await?;
    market
        .decide(
            d,
            c1,
            true,
            Some(("营业执照", "餐饮服务；食品销售")),
            "符合公司设立登记条件",
        )
        .await?;
    uc.deliver(
        &clerk,
        c1,
        &DeliveryInput {
            method: "collect".into(),
            tracking: None,
        },
    )
    .await?;
    // The demo enterprise applies for its food licence, granted and delivered by post.
    let f1 = d
        .apply(
            &ent,
            food,
            food_form(&ent_name, ent_uscc, "餐饮服务经营者"),
            true,
        )
        .await?;
    accept(f1).await?;
    ids.extend([c1, f1]);
    d.day(3);
    approval
        .decide(
            d,
            f1,
            true,
            Some(("食品经营许可证", "热食类食品制售")),
            "经现场核查，符合食品经营许可条件",
        )
        .await?;
    d.day(4);
    uc.deliver(
        &clerk,
        f1,
        &DeliveryInput {
            method: "post".into(),
            tracking: Some("1151234567890".into()),
        },
    )
    .await?;

    // Day 2: 味道餐饮 applies for its food licence; its 营业执照 is attached for it (免提交),
    // but the layout plan is missing: one correction notice, supplied, accepted, granted.
    d.day(2);
    let f2 = d
        .apply(
            weidao,
            food,
            food_form(weidao_name, weidao_id, "餐饮服务经营者"),
            true,
        )
        .await?;
    d.day(3);
    uc.decide_intake(
        &clerk,
        f2,
        &IntakeInput::Supplement {
            items: vec![
                "主要设备设施布局及操作流程文件".into(),
                "食品安全管理人员健康证明".into(),
            ],
        },
    )
    .await?;
    d.day(5);
    let plan = d
        .app
        .base()
        .upload_file(
            weidao,
            "设备布局图.pdf",
            b"%PDF-1.4 layout plan of the kitchen",
        )
        .await?;
    uc.supply(
        weidao,
        f2,
        "已补充设备布局图及健康证明",
        &[MaterialInput {
            name: "主要设备设施布局及操作流程文件".into(),
            file: plan.content_hash,
        }],
    )
    .await?;
    accept(f2).await?;
    d.day(9);
    approval
        .decide(
            d,
            f2,
            true,
            Some(("食品经营许可证", "热食类食品制售；冷食类食品制售")),
            "补正后材料齐全，现场核查符合条件",
        )
        .await?;
    uc.deliver(
        &clerk,
        f2,
        &DeliveryInput {
            method: "collect".into(),
            tracking: None,
        },
    )
    .await?;
    ids.push(f2);

    // Day 6: a case for another authority is refused, naming it (第三十二条(二)).
    d.day(6);
    let f11 = d
        .apply(
            xianguo,
            food,
            food_form(xianguo_name, xianguo_id, "食品销售经营者"),
            false,
        )
        .await?;
    uc.decide_intake(
        &clerk,
        f11,
        &IntakeInput::WrongAuthority {
            competent: "市市场监督管理局".into(),
            reason: "经营场所位于市级开发区，由市级机关实施".into(),
        },
    )
    .await?;
    ids.push(f11);

    // Day 8: 鲜果超市's licence stalls in review and runs late; its reason is published.
    d.day(8);
    let f6 = d
        .apply(
            xianguo,
            food,
            food_form(xianguo_name, xianguo_id, "食品销售经营者"),
            false,
        )
        .await?;
    accept(f6).await?;
    approval.assign(d, f6).await?;
    uc.verify(
        &approval.a,
        f6,
        &OpinionInput {
            agree: true,
            opinion: "材料齐全".into(),
        },
    )
    .await?;
    ids.push(f6);

    // Day 10: a refusal with reasons and the right to reconsideration, delivered: closed.
    d.day(10);
    let f3 = d
        .apply(
            xianguo,
            food,
            food_form(xianguo_name, xianguo_id, "餐饮服务经营者"),
            false,
        )
        .await?;
    accept(f3).await?;
    d.day(14);
    approval.decide(d, f3, false, None, "经现场核查，经营场所与公共厕所距离不足25米，不符合《食品经营许可和备案管理办法》规定的条件").await?;
    uc.deliver(
        &clerk,
        f3,
        &DeliveryInput {
            method: "collect".into(),
            tracking: None,
        },
    )
    .await?;
    ids.push(f3);

    // Day 12: an extended case (第四十二条), approved by the bureau's head before its deadline.
    d.day(12);
    let f5 = d
        .apply(
            weidao,
            food,
            food_form(weidao_name, weidao_id, "餐饮服务经营者"),
            true,
        )
        .await?;
    accept(f5).await?;
    approval.assign(d, f5).await?;
    d.day(15);
    uc.extend(
        &approval.a,
        f5,
        &ExtensionInput {
            workdays: 10,
            approver: "agency_head".into(),
            approved_by: "区行政审批局局长 陈国强".into(),
            reason: "第二经营场所需现场核查，核查人员本周无法到场".into(),
        },
    )
    .await?;
    ids.push(f5);

    // Day 16: a canteen's licence waits for expert review (第四十五条): the clock stands still.
    d.day(16);
    let f4 = d
        .apply(
            yunfan,
            food,
            food_form(yunfan_name, yunfan_id, "单位食堂"),
            false,
        )
        .await?;
    accept(f4).await?;
    approval.assign(d, f4).await?;
    d.day(17);
    uc.pause_clock(
        &approval.a,
        f4,
        &PauseInput {
            cause: "expert_review".into(),
            expected_workdays: 15,
            notice: "集体用餐配送工艺需组织专家评审".into(),
        },
    )
    .await?;
    ids.push(f4);

    // Day 20: a matter that needs no licence is not accepted (第三十二条(一)).
    d.day(20);
    let c6 = d
        .apply(
            zhangwei,
            company,
            company_form("示范区张伟工作室有限公司", "张伟", zw_id),
            false,
        )
        .await?;
    uc.decide_intake(
        &clerk,
        c6,
        &IntakeInput::NoLicenceNeeded {
            reason: "申请人拟从事的个人工作室经营依法办理个体工商户登记即可，无需公司设立登记"
                .into(),
        },
    )
    .await?;
    ids.push(c6);

    // Day 22: 鲜果超市's company change is granted, not yet collected.
    d.day(22);
    let c7 = d
        .apply(
            xianguo,
            company,
            company_form(xianguo_name, "李娜", lina_id),
            false,
        )
        .await?;
    accept(c7).await?;
    d.day(24);
    market
        .decide(
            d,
            c7,
            true,
            Some(("营业执照", "食品销售；日用百货销售")),
            "符合登记条件",
        )
        .await?;
    ids.push(c7);

    // Day 25: the demo enterprise's second shop, granted and posted.
    d.day(25);
    let f12 = d
        .apply(
            &ent,
            food,
            food_form(&ent_name, ent_uscc, "餐饮服务经营者"),
            true,
        )
        .await?;
    accept(f12).await?;
    d.day(29);
    approval
        .decide(
            d,
            f12,
            true,
            Some(("食品经营许可证", "热食类食品制售（第二经营场所）")),
            "符合条件",
        )
        .await?;
    uc.deliver(
        &clerk,
        f12,
        &DeliveryInput {
            method: "post".into(),
            tracking: Some("1157654321098".into()),
        },
    )
    .await?;
    ids.push(f12);

    // Day 28: nobody decides on 味道餐饮's application: deemed accepted today (第三十二条(四)).
    d.day(28);
    ids.push(
        d.apply(
            weidao,
            food,
            food_form(weidao_name, weidao_id, "餐饮服务经营者"),
            true,
        )
        .await?,
    );

    // Day 31–33: accepted, waiting for verifiers; and one under review.
    d.day(30);
    let c2 = d
        .apply(
            zhangwei,
            company,
            company_form("示范区张伟餐饮有限公司", "张伟", zw_id),
            false,
        )
        .await?;
    d.day(31);
    accept(c2).await?;
    ids.push(c2);
    d.day(33);
    let f13 = d
        .apply(
            yunfan,
            food,
            food_form(yunfan_name, yunfan_id, "单位食堂"),
            false,
        )
        .await?;
    accept(f13).await?;
    approval.assign(d, f13).await?;
    ids.push(f13);
    let c8 = d
        .apply(
            yunfan,
            company,
            company_form(
                yunfan_name,
                "王芳",
                &with_check("citizen", "11010819780105201")?,
            ),
            false,
        )
        .await?;
    ids.push(c8);

    // Day 35: 李娜 is asked for her articles of association; she supplies them.
    d.day(35);
    let c3 = d
        .apply(
            lina,
            company,
            company_form("示范区李娜商贸有限公司", "李娜", lina_id),
            false,
        )
        .await?;
    uc.decide_intake(
        &clerk,
        c3,
        &IntakeInput::Supplement {
            items: vec!["公司章程（全体股东签字）".into()],
        },
    )
    .await?;
    d.day(37);
    let articles = d
        .app
        .base()
        .upload_file(
            lina,
            "公司章程.pdf",
            b"%PDF-1.4 articles signed by every shareholder",
        )
        .await?;
    uc.supply(
        lina,
        c3,
        "已上传全体股东签字的公司章程",
        &[MaterialInput {
            name: "公司章程".into(),
            file: articles.content_hash,
        }],
    )
    .await?;
    ids.push(c3);

    // Day 36: 王芳's registration is entered at the window by an agent (代办).
    d.day(36);
    let auth = d
        .app
        .base()
        .upload_file(
            &clerk,
            "授权委托书.pdf",
            b"%PDF-1.4 authorisation for the agent",
        )
        .await?;
    let c4 = uc
        .enter_at_window(
            &clerk,
            &WindowInput {
                matter_code: company.to_owned(),
                form: company_form(
                    "示范区王芳家政服务有限公司",
                    "王芳",
                    &with_check("citizen", "11010819780105201")?,
                ),
                applicant_id: with_check("citizen", "11010819780105201")?,
                agent: Some(AgentInput {
                    name: "赵代办".into(),
                    resident_id: "11010519491231002X".into(),
                    authorisation: auth.content_hash,
                }),
                materials: Vec::new(),
                consent_reuse: false,
                licence: None,
            },
        )
        .await?
        .id;
    accept(c4).await?;
    market.assign(d, c4).await?;
    ids.push(c4);

    // Day 38–39: just received; one correction notice out.
    d.day(38);
    ids.push(
        d.apply(
            &ent,
            food,
            food_form(&ent_name, ent_uscc, "餐饮服务经营者"),
            true,
        )
        .await?,
    );
    d.day(39);
    let f8 = d
        .apply(
            yunfan,
            food,
            food_form(yunfan_name, yunfan_id, "单位食堂"),
            false,
        )
        .await?;
    uc.decide_intake(
        &clerk,
        f8,
        &IntakeInput::Supplement {
            items: vec!["食品安全规章制度目录清单".into(), "从业人员健康证明".into()],
        },
    )
    .await?;
    ids.push(f8);
    // A draft kept between visits.
    let mut draft = food_form(&ent_name, ent_uscc, "餐饮服务经营者");
    draft["经营面积"] = json!("");
    d.uc()
        .submit_application(
            &ent,
            &ApplicationInput {
                matter_code: food.to_owned(),
                form: draft,
                materials: Vec::new(),
                consent_reuse: true,
                draft: true,
                licence: None,
                commitments: Vec::new(),
            },
        )
        .await?;

    // Day 38: the reform office bundles opening a restaurant (一件事一次办); the demo
    // enterprise's new branch applies once for its registration and its food licence, and
    // the window accepts the registration.
    d.day(38);
    let reform = d.login("reform").await?;
    uc.put_life_event(
        &reform,
        "YJS-KCG",
        &super::LifeEventInput {
            name: "开餐馆".into(),
            summary: "开办餐饮企业：企业设立登记与食品经营许可一表申请、一次提交材料，各事项分别办理、统一查看进度。".into(),
            matters: vec![company.to_owned(), food.to_owned()],
        },
    )
    .await?;
    let mut form = company_form(
        "示范区云上餐饮有限公司",
        "赵磊",
        &with_check("citizen", "11010519850315123")?,
    );
    if let (Some(f), Value::Object(more)) = (
        form.as_object_mut(),
        food_form("示范区云上餐饮有限公司", ent_uscc, "餐饮服务经营者"),
    ) {
        f.extend(more);
    }
    let case = uc
        .apply_life_event(
            &ent,
            "YJS-KCG",
            &super::LifeEventApplicationInput {
                event: "YJS-KCG".into(),
                form,
                materials: Vec::new(),
                consent_reuse: true,
            },
        )
        .await?;
    for a in &case.applications {
        ids.push(a.id);
    }
    if let Some(first) = case.applications.first() {
        accept(first.id).await?;
    }
    // Day 39: the demo enterprise asks to change the scope of its second shop's licence.
    d.day(39);
    let f12_licence = uc
        .licences(&ent, fgf_store::Page::new(Some(1), Some(50)))
        .await?
        .items
        .into_iter()
        .find(|l| l.application_id == f12)
        .map(|l| l.number);
    if let Some(number) = f12_licence {
        let v = uc
            .submit_application(
                &ent,
                &ApplicationInput {
                    matter_code: "XK-D03-0001-01-02".into(),
                    form: serde_json::json!({}),
                    materials: Vec::new(),
                    consent_reuse: true,
                    draft: false,
                    licence: Some(number),
                    commitments: Vec::new(),
                },
            )
            .await?;
        ids.push(v.id);
    }

    // Day 39: 鲜果超市's second licence: the managers' health certificates replaced by a
    // commitment (告知承诺), the rules list accepted to follow within a week (容缺受理).
    let v = uc
        .submit_application(
            xianguo,
            &ApplicationInput {
                matter_code: food.to_owned(),
                form: food_form(xianguo_name, xianguo_id, "食品销售经营者"),
                materials: Vec::new(),
                consent_reuse: true,
                draft: false,
                licence: None,
                commitments: vec!["食品安全管理人员任命文件及健康证明".into()],
            },
        )
        .await?;
    let promise = d
        .app
        .base()
        .upload_file(
            &clerk,
            "容缺承诺书.pdf",
            b"%PDF-1.4 deferral commitment signed",
        )
        .await?;
    uc.decide_intake(
        &clerk,
        v.id,
        &IntakeInput::AcceptDeferring {
            items: vec![super::DeferredInput {
                material: "食品安全规章制度目录清单".into(),
                due: uc.today() + chrono::Days::new(7),
            }],
            commitment: promise.content_hash,
        },
    )
    .await?;
    ids.push(v.id);

    // Today: the late case publishes why (优化营商环境条例第三十六条).
    d.day(40);
    uc.set_overdue_reason(
        &approval.a,
        f6,
        "现场核查发现冷链设备与申报不一致，申请人正在整改，待复核后作出决定",
    )
    .await?;
    Ok(ids.len() + 1)
}

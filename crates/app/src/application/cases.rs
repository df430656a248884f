//! Submitting an application, reading it with its clock, the clerk's intake decision
//! (行政许可法第三十二条), the applicant's supplement, and the sweep that applies deemed
//! acceptance when no correction notice went out within five working days.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use chrono::NaiveDate;
use fgf_domain::application::{
    bar_for, check_bars, decide_intake, deemed_acceptance, ApplicationId, ApplicationStatus,
    ApproverLevel, Bar, BarCause, Clock, ClockError, ClockLight, DocumentFacts, DocumentKind,
    Extension, Handling, Intake, IntakeError, LicenceAction, PauseCause,
};
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::catalog::MatterDoc;
use fgf_domain::mask_name;
use fgf_store::application::{
    ApplicationChange, ApplicationEventRow, ApplicationFilter, ApplicationRow, BarRow,
    ExtensionRow, NewAgent, NewApplication, NewMaterial,
};
use fgf_store::{Page, Paged, Scope, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What an applicant sends to apply.
#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationInput {
    /// The matter applied for, by its code.
    pub matter_code: String,
    /// The form as filled in: field name → value.
    #[serde(default = "empty_form")]
    pub form: Value,
    /// The materials uploaded for the guide's materials.
    #[serde(default)]
    pub materials: Vec<MaterialInput>,
    /// The applicant agrees that materials the government already holds (e-licences issued
    /// here) be attached for them (免提交).
    #[serde(default)]
    pub consent_reuse: bool,
    /// Keep it as a draft (草稿) between visits instead of sending it.
    #[serde(default)]
    pub draft: bool,
    /// The licence a change (变更) or renewal (延续) matter acts on, by its number.
    #[serde(default)]
    pub licence: Option<String>,
    /// Materials the applicant replaces by a signed commitment (告知承诺制), by the guide's
    /// names: only those the guide allows.
    #[serde(default)]
    pub commitments: Vec<String>,
}

/// One uploaded material: the guide's name for it and the stored file's content hash.
#[derive(Debug, Clone, Deserialize)]
pub struct MaterialInput {
    pub name: String,
    pub file: String,
}

/// What an application is made of, however it came in.
pub(crate) struct Filing<'a> {
    pub(crate) code: &'a str,
    pub(crate) form: &'a Value,
    pub(crate) materials: &'a [MaterialInput],
    pub(crate) consent_reuse: bool,
    pub(crate) draft: bool,
    pub(crate) licence: Option<&'a str>,
    pub(crate) commitments: &'a [String],
}

/// An application checked and ready to insert.
pub(crate) struct Prepared {
    matter_id: fgf_domain::catalog::MatterId,
    department_id: fgf_domain::base::DepartmentId,
    version: i64,
    code: String,
    form_text: String,
    uploads: Vec<(String, String)>,
    reused: Vec<(String, String)>,
    limit: i64,
    status: ApplicationStatus,
    licence: Option<String>,
    consent: bool,
    commitments: Vec<String>,
}

fn empty_form() -> Value {
    json!({})
}

/// What the window clerk enters for the person at the counter (线上线下一体化).
#[derive(Debug, Clone, Deserialize)]
pub struct WindowInput {
    pub matter_code: String,
    #[serde(default = "empty_form")]
    pub form: Value,
    /// The applicant's resident ID (居民身份证号码) or unified social credit code, checked by
    /// its check digit.
    pub applicant_id: String,
    /// The agent (代办人) acting for the applicant, if someone is.
    #[serde(default)]
    pub agent: Option<AgentInput>,
    /// The materials brought, scanned at the window.
    #[serde(default)]
    pub materials: Vec<MaterialInput>,
    #[serde(default)]
    pub consent_reuse: bool,
    /// The licence a change or renewal acts on.
    #[serde(default)]
    pub licence: Option<String>,
}

/// An agent acting for the applicant, with their written authorisation.
#[derive(Debug, Clone, Deserialize)]
pub struct AgentInput {
    pub name: String,
    pub resident_id: String,
    /// The content hash of the uploaded authorisation (授权委托书).
    pub authorisation: String,
}

/// The clerk's intake decision, one of the five outcomes of 第三十二条.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum IntakeInput {
    NoLicenceNeeded {
        reason: String,
    },
    WrongAuthority {
        competent: String,
        reason: String,
    },
    CorrectedOnSpot {
        corrections: Vec<String>,
    },
    Supplement {
        items: Vec<String>,
    },
    Accept,
    /// 容缺受理: accepted with minor materials missing, each on the applicant's written
    /// commitment (an uploaded, signed 容缺承诺书) to supply it by a date.
    AcceptDeferring {
        items: Vec<DeferredInput>,
        commitment: String,
    },
}

/// A material accepted missing (容缺) and the day it is to be supplied by.
#[derive(Debug, Clone, Deserialize)]
pub struct DeferredInput {
    pub material: String,
    pub due: NaiveDate,
}

/// Stopping the clock: the cause and the expected length told to the applicant in writing.
#[derive(Debug, Clone, Deserialize)]
pub struct PauseInput {
    /// A special procedure of 第四十五条 (`hearing`, `bidding`, `auction`, `inspection`,
    /// `testing`, `quarantine`, `appraisal`, `expert_review`) or `supplement`.
    pub cause: String,
    /// Working days the procedure should take, as the written notice says.
    #[serde(default)]
    pub expected_workdays: u32,
    /// The written notice's text (特别程序告知).
    #[serde(default)]
    pub notice: String,
}

/// The one extension, as approved.
#[derive(Debug, Clone, Deserialize)]
pub struct ExtensionInput {
    pub workdays: u32,
    /// `agency_head` (本行政机关负责人) or `government_head` (本级人民政府负责人).
    pub approver: String,
    /// Who approved it.
    pub approved_by: String,
    pub reason: String,
}

/// A bar on the applicant, set with the decision on their application.
#[derive(Debug, Clone, Deserialize)]
pub struct BarInput {
    /// `false_materials` (第七十八条) or `fraud_or_bribery` (第七十九条).
    pub cause: String,
    /// What was found, as the applicant will be told.
    pub reason: String,
    /// The matter concerns public safety, health, life or property: only such matters carry a
    /// bar.
    pub protected_interest: bool,
}

/// An application as its reader sees it, with its clock.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    pub id: ApplicationId,
    pub number: String,
    pub matter_code: String,
    pub matter_name: String,
    /// The version of the matter applied under: its form names the fields.
    pub matter_version: i64,
    pub status: ApplicationStatus,
    /// The applicant's name, masked for staff (RULES.md §7.4).
    pub applicant: String,
    pub channel: String,
    pub form: Value,
    pub received_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub limit_workdays: i64,
    /// The decision is due at the end of this day (once accepted).
    pub due: Option<NaiveDate>,
    pub workdays_left: Option<i64>,
    /// On time, due soon or overdue while the clock runs or stands still.
    pub light: Option<ClockLight>,
    pub paused: bool,
    /// The first correction notice's items.
    pub correction_items: Vec<String>,
    pub overdue_reason: String,
    /// The decision's reasons (第三十八条), once decided.
    pub decision_reasons: String,
    /// The process instance running its review, once assigned.
    pub instance_id: Option<fgf_domain::process::InstanceId>,
    /// How the result reached the applicant, once delivered.
    pub delivery: Option<fgf_store::application::DeliveryRow>,
    /// The agent who applied for the applicant: name masked for staff lists as the applicant's
    /// is, resident ID always masked.
    pub agent: Option<fgf_store::application::AgentRow>,
    /// The life-event case (一件事) it belongs to.
    pub life_event_case_id: Option<i64>,
    /// The licence a change or renewal acts on.
    pub licence_number: Option<String>,
}

/// An application with its history.
#[derive(Debug, Clone)]
pub struct ApplicationDetail {
    pub view: ApplicationView,
    pub events: Vec<ApplicationEventRow>,
    /// The notices and decisions sent, in order.
    pub documents: Vec<super::DocumentView>,
    /// The review's steps: who verifies and decides, and who already did.
    pub review: Vec<super::ReviewStep>,
    /// The licences issued on it.
    pub licences: Vec<super::LicenceView>,
    /// The materials, uploaded or attached from e-licences, by round.
    pub materials: Vec<fgf_store::application::MaterialRow>,
    /// The applicant's visits in person (最多跑一次).
    pub visits: Vec<fgf_store::application::VisitRow>,
    /// What stands on the applicant's record (a false commitment), for the staff deciding.
    pub applicant_records: Vec<fgf_store::application::ApplicantRecordRow>,
}

impl UseCases<'_> {
    /// The district's today: dates of receipt, acceptance and the clock are local dates.
    pub(crate) fn today(self) -> NaiveDate {
        crate::clock::local_date(self.now_ms())
    }

    /// The scope through which `actor` reads applications: an applicant their own, staff
    /// those of the departments their intake or review permission reaches.
    pub(crate) fn reading_scope(self, actor: &Actor) -> ServiceResult<Scope> {
        if actor.is_applicant() {
            return actor.applicant_scope();
        }
        actor
            .scope(Permission::ApplicationIntake)
            .or_else(|_| actor.scope(Permission::ApplicationReview))
    }

    /// A citizen or enterprise applies for a matter in force: the application is received
    /// (收件) today, and the five working days of 第三十二条(四) start.
    pub async fn submit_application(
        self,
        actor: &Actor,
        input: &ApplicationInput,
    ) -> ServiceResult<ApplicationView> {
        actor.applicant_scope()?;
        let id = self
            .create(
                actor,
                actor.account.id,
                &Filing {
                    code: &input.matter_code,
                    form: &input.form,
                    materials: &input.materials,
                    consent_reuse: input.consent_reuse,
                    draft: input.draft,
                    licence: input.licence.as_deref(),
                    commitments: &input.commitments,
                },
                "online",
                None,
            )
            .await?;
        self.summary(actor, id).await
    }

    /// The window clerk enters an application for the person at the counter, found by their
    /// resident ID or credit code, optionally through an agent (代办) whose identity and written
    /// authorisation are recorded. The same rules as online apply, bars included.
    pub async fn enter_at_window(
        self,
        actor: &Actor,
        input: &WindowInput,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.scope(Permission::ApplicationIntake)?;
        let raw = input.applicant_id.trim().to_uppercase();
        let applicant = if let Ok(rid) = fgf_domain::ResidentId::parse(&raw) {
            let hmac = self.pii().lookup_hash(rid.as_str());
            self.store()
                .find_account_by_resident_hmac(&scope, &hmac)
                .await?
        } else if let Ok(uscc) = fgf_domain::Uscc::parse(&raw) {
            self.store()
                .find_account_by_uscc(&scope, uscc.as_str())
                .await?
        } else {
            return Err(ServiceError::field(
                "application_applicant_id_invalid",
                "applicant_id",
                "请填写有效的居民身份证号码或统一社会信用代码（校验位不符）",
            ));
        };
        let applicant = applicant
            .filter(|a| a.kind != fgf_domain::base::record::AccountKind::Staff)
            .ok_or_else(|| ServiceError::not_found("application_applicant_unknown"))?;
        let agent = match &input.agent {
            None => None,
            Some(a) => {
                let name = a.name.trim();
                if name.is_empty() {
                    return Err(ServiceError::field(
                        "application_agent_invalid",
                        "agent.name",
                        "请填写代办人姓名",
                    ));
                }
                let rid = fgf_domain::ResidentId::parse(a.resident_id.trim()).map_err(|_| {
                    ServiceError::field(
                        "application_agent_invalid",
                        "agent.resident_id",
                        "代办人居民身份证号码无效（校验位不符）",
                    )
                })?;
                if self
                    .store()
                    .find_file(a.authorisation.trim())
                    .await?
                    .is_none()
                {
                    return Err(ServiceError::field(
                        "application_agent_invalid",
                        "agent.authorisation",
                        "请先上传代办人的授权委托书",
                    ));
                }
                Some((
                    name.to_owned(),
                    fgf_domain::mask_resident_id(rid.as_str()),
                    self.pii().lookup_hash(rid.as_str()),
                    a.authorisation.trim().to_owned(),
                ))
            }
        };
        let id = self
            .create(
                actor,
                applicant.id,
                &Filing {
                    code: &input.matter_code,
                    form: &input.form,
                    materials: &input.materials,
                    consent_reuse: input.consent_reuse,
                    draft: false,
                    licence: input.licence.as_deref(),
                    commitments: &[],
                },
                "window",
                agent.as_ref().map(|(name, masked, hmac, auth)| NewAgent {
                    name,
                    id_masked: masked,
                    id_hmac: hmac.clone(),
                    authorisation: auth,
                }),
            )
            .await?;
        self.summary(actor, id).await
    }

    /// Creates an application of `applicant` for the matter in force: a draft, or received
    /// today with its form checked against the matter's, no bar against it, its materials
    /// recorded and, with consent, the e-licences it needs attached (免提交).
    async fn create(
        self,
        actor: &Actor,
        applicant: fgf_domain::base::AccountId,
        filing: &Filing<'_>,
        channel: &str,
        agent: Option<NewAgent<'_>>,
    ) -> ServiceResult<ApplicationId> {
        let prepared = self.prepare(actor, applicant, filing).await?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let id = self
            .insert_prepared(&mut tx, actor, applicant, &prepared, channel, agent, None)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Everything an application is checked for before it is written: the matter in force,
    /// the form, the bars, the materials, the licence a change or renewal acts on, and the
    /// e-licences to attach with consent.
    pub(crate) async fn prepare(
        self,
        actor: &Actor,
        applicant: fgf_domain::base::AccountId,
        filing: &Filing<'_>,
    ) -> ServiceResult<Prepared> {
        let Some(raw_form) = filing.form.as_object() else {
            return Err(ServiceError::field(
                "application_form_invalid",
                "form",
                "申请表须为字段与取值组成的对象",
            ));
        };
        let code = filing.code.trim();
        let matter = self
            .store()
            .find_matter(code)
            .await?
            .ok_or_else(|| ServiceError::not_found("not_found").arg("matter").arg(code))?;
        let Some(version) = matter.current_version else {
            return Err(ServiceError::invalid("application_matter_not_in_force").arg(code));
        };
        let today = self.today();
        let v = self.store().matter_version(matter.id, version).await?;
        let doc: MatterDoc = serde_json::from_str(&v.doc).map_err(ServiceError::internal)?;
        let (form, licence) = if filing.draft {
            (
                raw_form.clone(),
                filing
                    .licence
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty()),
            )
        } else {
            self.check_bars_of(applicant, matter.id, today).await?;
            let form = checked_form(&doc, raw_form)?;
            (
                form,
                self.checked_licence(applicant, &doc, filing.licence, today)
                    .await?,
            )
        };
        let uploads = self
            .checked_materials(actor, &doc, filing.materials)
            .await?;
        let commitments = checked_commitments(&doc, filing.commitments, &uploads)?;
        let reused = if filing.consent_reuse && !filing.draft {
            self.reusable_licences(applicant, &doc, &uploads).await?
        } else {
            Vec::new()
        };
        Ok(Prepared {
            matter_id: matter.id,
            department_id: matter.department_id,
            version,
            code: code.to_owned(),
            form_text: Value::Object(form).to_string(),
            uploads,
            reused,
            limit: i64::from(doc.promised_days.unwrap_or(doc.statutory_days)),
            status: if filing.draft {
                ApplicationStatus::Draft
            } else {
                ApplicationStatus::Submitted
            },
            licence,
            consent: filing.consent_reuse,
            commitments,
        })
    }

    /// Writes a prepared application with its materials, history line and audit entry in
    /// the caller's transaction.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_prepared(
        self,
        tx: &mut fgf_store::WriteTx,
        actor: &Actor,
        applicant: fgf_domain::base::AccountId,
        p: &Prepared,
        channel: &str,
        agent: Option<NewAgent<'_>>,
        life_event: Option<(i64, &str)>,
    ) -> ServiceResult<ApplicationId> {
        let today = self.today();
        let entered_by = (channel == "window").then_some(actor.account.id);
        let mut parts: Vec<String> = Vec::new();
        match &agent {
            Some(a) => parts.push(format!("窗口收件，代办人：{}（{}）", a.name, a.id_masked)),
            None if entered_by.is_some() => parts.push("窗口收件".to_owned()),
            None => {}
        }
        if let Some((_, number)) = life_event {
            parts.push(format!("一件事一次办（{number}）"));
        }
        if let Some(l) = &p.licence {
            parts.push(format!("所涉证照：{l}"));
        }
        if !p.reused.is_empty() {
            let names: Vec<&str> = p.reused.iter().map(|(n, _)| n.as_str()).collect();
            parts.push(format!("经申请人同意，免提交：{}", names.join("、")));
        }
        if !p.commitments.is_empty() {
            parts.push(format!("告知承诺代替：{}", p.commitments.join("、")));
        }
        let note = parts.join("；");
        let draft = p.status == ApplicationStatus::Draft;
        let (id, number) = tx
            .insert_application(
                &NewApplication {
                    matter_id: p.matter_id,
                    matter_version: p.version,
                    applicant,
                    department_id: p.department_id,
                    channel,
                    entered_by,
                    status: p.status,
                    form: &p.form_text,
                    handling: Handling::Single,
                    limit_workdays: p.limit,
                    received_on: (!draft).then_some(today),
                    agent,
                    reuse_consent: p.consent,
                    life_event_case_id: life_event.map(|(id, _)| id),
                    licence_number: p.licence.as_deref(),
                },
                today,
            )
            .await?;
        insert_materials(tx, id, &p.uploads, &p.reused, 1).await?;
        for name in &p.commitments {
            tx.insert_application_material(
                id,
                &NewMaterial {
                    name,
                    source: "commitment",
                    file_hash: None,
                    licence_number: None,
                    round: 1,
                    due_on: None,
                },
            )
            .await?;
        }
        // The person came to the counter: one trip (最多跑一次 counts them).
        if entered_by.is_some() {
            tx.insert_application_visit(id, "intake", today, "窗口收件", entered_by)
                .await?;
        }
        let (action, audit) = if draft {
            ("drafted", "application.draft")
        } else {
            ("submitted", "application.submit")
        };
        record(
            tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action,
                from: ApplicationStatus::Draft,
                to: p.status,
                note: &note,
                audit,
                field: "application",
                before: None,
                after: json!({ "number": number, "matter": p.code, "status": p.status, "channel": channel, "materials": p.uploads.len(), "reused": p.reused.len(), "licence": p.licence, "life_event_case": life_event.map(|(id, _)| id) }),
            },
        )
        .await?;
        Ok(id)
    }

    /// The licence a change or renewal acts on: one the applicant holds, of the matter's
    /// result, in force; a renewal asked for no later than 30 days before it expires
    /// (第五十条). A new licence (新办) names none.
    async fn checked_licence(
        self,
        applicant: fgf_domain::base::AccountId,
        doc: &MatterDoc,
        number: Option<&str>,
        today: NaiveDate,
    ) -> ServiceResult<Option<String>> {
        let action = LicenceAction::of_matter(&doc.name);
        if action == LicenceAction::Issue {
            return Ok(None);
        }
        let number = number
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                ServiceError::field(
                    "application_licence_required",
                    "licence",
                    &format!("请选择要{}的证照", action.label_zh()),
                )
            })?;
        let unknown = || {
            ServiceError::field(
                "application_licence_unknown",
                "licence",
                "您名下没有该编号的证照",
            )
        };
        let l = self
            .store()
            .licence_by_number(number)
            .await?
            .filter(|l| l.holder_account_id == applicant)
            .ok_or_else(unknown)?;
        // The handling item names its result with the action (食品经营许可证（延续）): the
        // licence is the one before the bracket.
        let base = |t: &str| t.split('（').next().unwrap_or(t).trim().to_owned();
        if !doc.result_name.is_empty()
            && !doc
                .result_name
                .split(['；', ';', '、'])
                .any(|r| base(r) == base(&l.content.title))
        {
            return Err(ServiceError::field(
                "application_licence_mismatch",
                "licence",
                &format!("该证照（{}）不是本事项的审批结果", l.content.title),
            ));
        }
        let standing = fgf_domain::application::standing(
            self.seal().verify(&l.content, &l.signature),
            l.status,
            &l.content,
            today,
        );
        if standing != fgf_domain::application::Standing::Valid {
            return Err(ServiceError::conflict("application_licence_not_valid")
                .arg(number)
                .arg(standing.label_zh()));
        }
        if action == LicenceAction::Renew {
            let last = fgf_domain::application::renewal_filing_deadline(l.content.valid_until);
            if today > last {
                return Err(ServiceError::conflict("application_renewal_late")
                    .arg(l.content.valid_until)
                    .arg(last));
            }
        }
        let open = self.store().open_licence_applications().await?;
        if open
            .iter()
            .any(|a| a.licence_number.as_deref() == Some(number))
        {
            return Err(ServiceError::conflict("application_licence_busy").arg(number));
        }
        Ok(Some(number.to_owned()))
    }

    /// Refuses when a bar of 第七十八条 or 第七十九条 stands against the applicant for the matter.
    async fn check_bars_of(
        self,
        applicant: fgf_domain::base::AccountId,
        matter: fgf_domain::catalog::MatterId,
        today: NaiveDate,
    ) -> ServiceResult<()> {
        let bars: Vec<Bar> = self
            .store()
            .application_bars(applicant, matter)
            .await?
            .into_iter()
            .map(|b| Bar {
                cause: b.cause,
                until: b.until,
            })
            .collect();
        check_bars(&bars, today).map_err(|bar| {
            ServiceError::conflict("application_barred")
                .arg(bar.until)
                .arg(bar.cause.article())
        })
    }

    /// The uploads, each for a material the guide lists, of a file the caller stored, whose
    /// content is the PDF or image its name says it is.
    pub(crate) async fn checked_materials(
        self,
        actor: &Actor,
        doc: &MatterDoc,
        materials: &[MaterialInput],
    ) -> ServiceResult<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (i, m) in materials.iter().enumerate() {
            let field = format!("materials[{i}]");
            let name = m.name.trim();
            if !doc.materials.iter().any(|g| g.name == name) {
                return Err(ServiceError::field(
                    "application_material_unknown",
                    &field,
                    &format!("办事指南没有“{name}”这项材料"),
                ));
            }
            let file = self
                .store()
                .find_file(m.file.trim())
                .await?
                .filter(|f| f.uploaded_by == Some(actor.account.id))
                .ok_or_else(|| {
                    ServiceError::field(
                        "application_material_file_unknown",
                        &field,
                        "请先上传该材料的文件",
                    )
                })?;
            if !material_type_ok(&file.original_name, &file.mime) {
                return Err(ServiceError::field(
                    "application_material_type",
                    &field,
                    &format!(
                        "“{}”的内容不是其名称所示的PDF或图片，请上传PDF、PNG或JPG文件",
                        file.original_name
                    ),
                ));
            }
            out.retain(|(n, _)| n != name);
            out.push((name.to_owned(), file.content_hash));
        }
        Ok(out)
    }

    /// The guide's e-licence materials the applicant holds a valid licence for and did not
    /// upload: (material name, licence number).
    async fn reusable_licences(
        self,
        applicant: fgf_domain::base::AccountId,
        doc: &MatterDoc,
        uploads: &[(String, String)],
    ) -> ServiceResult<Vec<(String, String)>> {
        let wanted: Vec<&str> = doc
            .materials
            .iter()
            .filter(|m| m.source == fgf_domain::catalog::MaterialSource::ELicence)
            .map(|m| m.name.as_str())
            .filter(|n| !uploads.iter().any(|(u, _)| u == n))
            .collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let held = self.store().licences_held_by(applicant).await?;
        let today = self.today();
        let mut out = Vec::new();
        for name in wanted {
            let valid = held.iter().find(|l| {
                l.content.title == name
                    && fgf_domain::application::standing(
                        self.seal().verify(&l.content, &l.signature),
                        l.status,
                        &l.content,
                        today,
                    ) == fgf_domain::application::Standing::Valid
            });
            if let Some(l) = valid {
                out.push((name.to_owned(), l.content.number.clone()));
            }
        }
        Ok(out)
    }

    /// A draft of the caller's, changed: its form, materials and consent as now filled.
    pub async fn update_draft(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &ApplicationInput,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.applicant_scope()?;
        let row = self.store().get_application(&scope, id).await?;
        if row.status != ApplicationStatus::Draft {
            return Err(ServiceError::conflict("application_not_draft"));
        }
        let Some(form) = input.form.as_object() else {
            return Err(ServiceError::field(
                "application_form_invalid",
                "form",
                "申请表须为字段与取值组成的对象",
            ));
        };
        let doc = self.doc_of(&row).await?;
        let uploads = self
            .checked_materials(actor, &doc, &input.materials)
            .await?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.update_application_draft(
            id,
            &Value::Object(form.clone()).to_string(),
            input.consent_reuse,
        )
        .await
        .map_err(|_| ServiceError::conflict("application_not_draft"))?;
        tx.clear_draft_materials(id).await?;
        insert_materials(&mut tx, id, &uploads, &[], 1).await?;
        tx.audit(
            "application.draft_saved",
            "application",
            &id.to_string(),
            &[FieldChange {
                field: "form".to_owned(),
                before: None,
                after: Some(json!({ "materials": uploads.len() })),
            }],
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// Sends a draft of the caller's: checked as a new application, received today.
    pub async fn submit_draft(
        self,
        actor: &Actor,
        id: ApplicationId,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.applicant_scope()?;
        let row = self.store().get_application(&scope, id).await?;
        if row.status != ApplicationStatus::Draft {
            return Err(ServiceError::conflict("application_not_draft"));
        }
        let today = self.today();
        self.check_bars_of(row.applicant_account_id, row.matter_id, today)
            .await?;
        let doc = self.doc_of(&row).await?;
        let raw: Value = serde_json::from_str(&row.form).map_err(ServiceError::internal)?;
        let form = checked_form(&doc, &raw.as_object().cloned().unwrap_or_default())?;
        self.checked_licence(
            row.applicant_account_id,
            &doc,
            row.licence_number.as_deref(),
            today,
        )
        .await?;
        let uploads: Vec<(String, String)> = self
            .store()
            .application_materials(id)
            .await?
            .into_iter()
            .filter_map(|m| Some((m.name, m.file_hash?)))
            .collect();
        let reused = if row.reuse_consent {
            self.reusable_licences(row.applicant_account_id, &doc, &uploads)
                .await?
        } else {
            Vec::new()
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.update_application_draft(id, &Value::Object(form).to_string(), row.reuse_consent)
            .await
            .map_err(|_| ServiceError::conflict("application_not_draft"))?;
        tx.move_application(
            id,
            ApplicationStatus::Draft,
            &ApplicationChange {
                to: ApplicationStatus::Submitted,
                received_on: Some(today),
                accepted_on: None,
                decided_on: None,
                correction_items: None,
            },
        )
        .await
        .map_err(status_changed)?;
        insert_materials(&mut tx, id, &[], &reused, 1).await?;
        let note = if reused.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = reused.iter().map(|(n, _)| n.as_str()).collect();
            format!("经申请人同意，免提交：{}", names.join("、"))
        };
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "submitted",
                from: ApplicationStatus::Draft,
                to: ApplicationStatus::Submitted,
                note: &note,
                audit: "application.submit",
                field: "status",
                before: Some(json!("draft")),
                after: json!({ "status": "submitted", "received_on": today, "reused": reused.len() }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// The matter version an application was made under.
    pub(crate) async fn doc_of(self, row: &ApplicationRow) -> ServiceResult<MatterDoc> {
        let v = self
            .store()
            .matter_version(row.matter_id, row.matter_version)
            .await?;
        serde_json::from_str(&v.doc).map_err(ServiceError::internal)
    }

    /// The applications the caller may read, newest first.
    pub async fn applications(
        self,
        actor: &Actor,
        filter: &ApplicationFilter,
        page: Page,
    ) -> ServiceResult<Paged<ApplicationView>> {
        let scope = self.reading_scope(actor)?;
        let rows = self.store().list_applications(&scope, filter, page).await?;
        let mut items = Vec::with_capacity(rows.items.len());
        for r in rows.items {
            items.push(self.view(actor, r).await?);
        }
        Ok(Paged {
            items,
            total: rows.total,
        })
    }

    /// The desk of staff: the applications still being handled that the caller may read,
    /// the most urgent first (overdue, then due soonest; not yet accepted last, oldest
    /// first). At most 500: a desk that holds more is a management problem, not a list.
    pub async fn desk(self, actor: &Actor) -> ServiceResult<Vec<ApplicationView>> {
        if actor.is_applicant() {
            return Err(ServiceError::forbidden("permission_denied")
                .arg(Permission::ApplicationReview.label_zh()));
        }
        let mut rows = self
            .applications(
                actor,
                &ApplicationFilter {
                    open: true,
                    ..ApplicationFilter::default()
                },
                Page::new(Some(1), Some(500)),
            )
            .await?
            .items;
        rows.sort_by_key(|v| (v.workdays_left.is_none(), v.workdays_left, v.received_on));
        Ok(rows)
    }

    /// One application with its clock, without its history, documents and licences: what a
    /// step answers (reading the whole case after every step cost more than the step).
    pub async fn summary(self, actor: &Actor, id: ApplicationId) -> ServiceResult<ApplicationView> {
        let scope = self.reading_scope(actor)?;
        let row = self.store().get_application(&scope, id).await?;
        self.view(actor, row).await
    }

    /// The applications whose review runs as the given process instances, by instance, for
    /// the rows of an inbox: only instances the caller may reach count (its own work items),
    /// and staff see the applicant's name masked as on the desk.
    pub async fn cases_of_instances(
        self,
        actor: &Actor,
        instances: &[fgf_domain::process::InstanceId],
    ) -> ServiceResult<std::collections::HashMap<fgf_domain::process::InstanceId, ApplicationView>>
    {
        let mut reachable = Vec::new();
        for id in instances {
            if !reachable.contains(id) && self.process().may_reach_instance(actor, *id).await? {
                reachable.push(*id);
            }
        }
        let mut out = std::collections::HashMap::new();
        for row in self.store().applications_of_instances(&reachable).await? {
            if let Some(instance) = row.instance_id {
                out.insert(instance, self.view(actor, row).await?);
            }
        }
        Ok(out)
    }

    /// One application with its history, if the caller may read it (else not found).
    pub async fn application(
        self,
        actor: &Actor,
        id: ApplicationId,
    ) -> ServiceResult<ApplicationDetail> {
        let scope = self.reading_scope(actor)?;
        let row = self.store().get_application(&scope, id).await?;
        let events = self.store().application_events(id).await?;
        let documents = self
            .store()
            .application_documents(id)
            .await?
            .into_iter()
            .map(super::DocumentView::try_from)
            .collect::<ServiceResult<Vec<_>>>()?;
        let review = self.review_of(&row).await?;
        let licences = self
            .store()
            .licences_of_application(id)
            .await?
            .into_iter()
            .map(|l| self.licence_view(l))
            .collect();
        let materials = self.store().application_materials(id).await?;
        let visits = self.store().application_visits(id).await?;
        let applicant_records = self
            .store()
            .applicant_records(row.applicant_account_id)
            .await?;
        Ok(ApplicationDetail {
            visits,
            applicant_records,
            view: self.view(actor, row).await?,
            events,
            documents,
            review,
            licences,
            materials,
        })
    }

    /// What the acceptance notice says: the day, the limit and the day the decision is due.
    fn acceptance_facts(
        self,
        r: &ApplicationRow,
        accepted: NaiveDate,
        reason: String,
    ) -> ServiceResult<DocumentFacts> {
        let limit = u32::try_from(r.limit_workdays).unwrap_or(0);
        let due = Clock::new(accepted, limit, r.handling)
            .read(accepted, &self.calendar())
            .map_err(ServiceError::internal)?
            .due;
        Ok(DocumentFacts {
            accepted_on: Some(accepted),
            due: Some(due),
            workdays: limit,
            reason,
            ..DocumentFacts::default()
        })
    }

    /// The decision clock of an accepted application, from its row and stored pauses.
    async fn clock_of(self, r: &ApplicationRow) -> ServiceResult<Clock> {
        let accepted = r
            .accepted_on
            .ok_or_else(|| ServiceError::internal("clock of an application not accepted"))?;
        let mut clock = Clock::new(
            accepted,
            u32::try_from(r.limit_workdays).unwrap_or(0),
            r.handling,
        );
        for p in self.store().application_pauses(r.id).await? {
            // A stored cause that is no code is an error, never read as a supplement.
            let cause = PauseCause::parse(&p.cause).ok_or_else(|| {
                ServiceError::internal(format!(
                    "application_pause {}: unknown cause {:?}",
                    p.id, p.cause
                ))
            })?;
            clock.pauses.push(fgf_domain::application::Pause {
                cause,
                from: p.from_on,
                to: p.to_on,
                expected_workdays: u32::try_from(p.expected_workdays).unwrap_or(0),
            });
        }
        if let Some(e) = &r.extension {
            clock.extension = Some(Extension {
                on: e.on,
                workdays: u32::try_from(e.workdays).unwrap_or(0),
                approver: e.approver,
                reason: e.reason.clone(),
            });
        }
        Ok(clock)
    }

    /// The clock of an accepted application as it stands today.
    pub(crate) async fn view(
        self,
        actor: &Actor,
        r: ApplicationRow,
    ) -> ServiceResult<ApplicationView> {
        let today = self.today();
        let mut due = None;
        let mut left = None;
        let mut light = None;
        let mut paused = false;
        if r.accepted_on.is_some() {
            let clock = self.clock_of(&r).await?;
            let reading = clock
                .read(today, &self.calendar())
                .map_err(ServiceError::internal)?;
            due = Some(reading.due);
            let open = r.status.clock_runs() || r.status == ApplicationStatus::Suspended;
            if open {
                left = Some(reading.workdays_left);
                light = Some(reading.light);
                paused = reading.paused;
            }
        }
        let applicant = if actor.is_applicant() {
            r.applicant_name.clone()
        } else {
            mask_name(&r.applicant_name)
        };
        Ok(ApplicationView {
            id: r.id,
            number: r.number,
            matter_code: r.matter_code,
            matter_name: r.matter_name,
            matter_version: r.matter_version,
            status: r.status,
            applicant,
            channel: r.channel,
            form: serde_json::from_str(&r.form).unwrap_or(Value::Null),
            received_on: r.received_on,
            accepted_on: r.accepted_on,
            limit_workdays: r.limit_workdays,
            due,
            workdays_left: left,
            light,
            paused,
            correction_items: r
                .correction_items
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default(),
            overdue_reason: r.overdue_reason,
            decision_reasons: r.decision_reasons,
            instance_id: r.instance_id,
            delivery: r.delivery,
            agent: r.agent,
            life_event_case_id: r.life_event_case_id,
            licence_number: r.licence_number,
        })
    }

    /// The clerk decides on a received application (第三十二条): not accepted with the reason,
    /// corrected on the spot, one correction notice of everything missing, or accepted.
    pub async fn decide_intake(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &IntakeInput,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.scope(Permission::ApplicationIntake)?;
        let row = self.store().get_application(&scope, id).await?;
        let received = row.received_on.unwrap_or_else(|| self.today());
        let first: Option<Vec<String>> = row
            .correction_items
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok());
        let intake = match input {
            IntakeInput::NoLicenceNeeded { reason } => Intake::NoLicenceNeeded {
                reason: reason.clone(),
            },
            IntakeInput::WrongAuthority { competent, reason } => Intake::WrongAuthority {
                competent: competent.clone(),
                reason: reason.clone(),
            },
            IntakeInput::CorrectedOnSpot { corrections } => Intake::CorrectedOnSpot {
                corrections: corrections.clone(),
            },
            IntakeInput::Supplement { items } => Intake::Supplement {
                items: items.iter().map(|i| i.trim().to_owned()).collect(),
            },
            IntakeInput::Accept | IntakeInput::AcceptDeferring { .. } => Intake::Accept,
        };
        let deferred = match input {
            IntakeInput::AcceptDeferring { items, commitment } => Some(
                self.checked_deferral(actor, &row, items, commitment)
                    .await?,
            ),
            _ => None,
        };
        let today = self.today();
        let outcome = decide_intake(
            row.status,
            received,
            today,
            &self.calendar(),
            first.as_deref(),
            &intake,
        )
        .map_err(intake_error)?;
        let (action, note) = match &intake {
            Intake::NoLicenceNeeded { reason } => ("not_accepted_no_licence", reason.clone()),
            Intake::WrongAuthority { competent, reason } => (
                "not_accepted_wrong_authority",
                format!("{reason}；请向{competent}申请"),
            ),
            Intake::CorrectedOnSpot { corrections } => {
                ("corrected_on_spot", corrections.join("；"))
            }
            Intake::Supplement { items } => ("supplement_requested", items.join("；")),
            Intake::Accept => match &deferred {
                Some((items, _)) => (
                    "accepted_deferring",
                    format!(
                        "容缺受理：{}",
                        items
                            .iter()
                            .map(|(m, due)| format!("{m}（承诺于{due}前补交）"))
                            .collect::<Vec<_>>()
                            .join("；")
                    ),
                ),
                None => ("accepted", String::new()),
            },
        };
        let items_json = match (&intake, &first) {
            (Intake::Supplement { items }, None) => Some(json!(items).to_string()),
            _ => None,
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.move_application(
            id,
            row.status,
            &ApplicationChange {
                to: outcome.status,
                received_on: None,
                accepted_on: outcome.accepted_on,
                decided_on: None,
                correction_items: items_json.as_deref(),
            },
        )
        .await
        .map_err(status_changed)?;
        if let Some((items, commitment)) = &deferred {
            for (material, due) in items {
                tx.insert_application_material(
                    id,
                    &NewMaterial {
                        name: material,
                        source: "deferred",
                        file_hash: Some(commitment),
                        licence_number: None,
                        round: 1,
                        due_on: Some(*due),
                    },
                )
                .await?;
            }
        }
        let document = match &intake {
            Intake::NoLicenceNeeded { reason } => Some((
                DocumentKind::NonAcceptance,
                DocumentFacts {
                    reason: reason.clone(),
                    ..DocumentFacts::default()
                },
            )),
            Intake::WrongAuthority { competent, reason } => Some((
                DocumentKind::NonAcceptance,
                DocumentFacts {
                    reason: reason.clone(),
                    competent: competent.clone(),
                    ..DocumentFacts::default()
                },
            )),
            // A repeated notice names only items of the first: it is the same notice, not a
            // new one (一次告知).
            Intake::Supplement { items } if first.is_none() => Some((
                DocumentKind::CorrectionNotice,
                DocumentFacts {
                    items: items.clone(),
                    ..DocumentFacts::default()
                },
            )),
            Intake::Supplement { .. } | Intake::CorrectedOnSpot { .. } => None,
            Intake::Accept => Some((
                DocumentKind::AcceptanceNotice,
                self.acceptance_facts(
                    &row,
                    outcome.accepted_on.unwrap_or(today),
                    if deferred.is_some() {
                        note.clone()
                    } else {
                        String::new()
                    },
                )?,
            )),
        };
        let mut note = note;
        if let Some((kind, facts)) = document {
            let number = self
                .issue_document(&mut tx, &row, kind, facts, today)
                .await?;
            note = if note.is_empty() {
                format!("{}（{number}）", kind.title_zh())
            } else {
                format!("{note}（{}{number}）", kind.title_zh())
            };
        }
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action,
                from: row.status,
                to: outcome.status,
                note: &note,
                audit: "application.intake",
                field: "status",
                before: Some(json!(row.status)),
                after: json!({ "status": outcome.status, "action": action, "accepted_on": outcome.accepted_on, "note": note }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// The applicant supplies what the correction notice asked for: a new round, received
    /// today, begins.
    pub async fn supply(
        self,
        actor: &Actor,
        id: ApplicationId,
        note: &str,
        materials: &[MaterialInput],
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.applicant_scope()?;
        let row = self.store().get_application(&scope, id).await?;
        if row.status != ApplicationStatus::AwaitingSupplement {
            // An accepted case may still wait for what was accepted missing (容缺).
            return self.supply_deferred(actor, &row, note, materials).await;
        }
        let doc = self.doc_of(&row).await?;
        let uploads = self.checked_materials(actor, &doc, materials).await?;
        let round = self
            .store()
            .application_events(id)
            .await?
            .iter()
            .filter(|e| e.action == "supplied")
            .count() as i64
            + 2;
        let today = self.today();
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.move_application(
            id,
            row.status,
            &ApplicationChange {
                to: ApplicationStatus::Submitted,
                received_on: Some(today),
                accepted_on: None,
                decided_on: None,
                correction_items: None,
            },
        )
        .await
        .map_err(status_changed)?;
        insert_materials(&mut tx, id, &uploads, &[], round).await?;
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "supplied",
                from: row.status,
                to: ApplicationStatus::Submitted,
                note: note.trim(),
                audit: "application.supply",
                field: "status",
                before: Some(json!(row.status)),
                after: json!({ "status": "submitted", "received_on": today }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// Tells the people handling each application that falls due within three working days
    /// or is late (优化营商环境条例第三十六条 asks late cases to explain themselves): the open
    /// review steps' holders, or the department's reviewers when no review was assigned yet.
    /// Once a day per application; answers how many were flagged.
    pub async fn due_date_sweep(self) -> ServiceResult<usize> {
        let today = self.today();
        let cal = self.calendar();
        let mut flagged = 0;
        for row in self.store().applications_to_warn(today).await? {
            let clock = self.clock_of(&row).await?;
            let reading = clock.read(today, &cal).map_err(ServiceError::internal)?;
            let title = match reading.light {
                ClockLight::Overdue => format!("办件已超期：{} {}", row.matter_name, row.number),
                ClockLight::DueSoon => format!("办件即将到期：{} {}", row.matter_name, row.number),
                ClockLight::OnTime => continue,
            };
            let body = format!(
                "办结期限{}，剩余{}个工作日",
                reading.due, reading.workdays_left
            );
            let mut people: Vec<fgf_domain::base::AccountId> = Vec::new();
            let holders: Vec<String> = match row.instance_id {
                Some(i) => self
                    .store()
                    .work_items_of(i)
                    .await?
                    .into_iter()
                    .filter(|w| w.status == fgf_domain::process::WorkItemStatus::Open)
                    .filter_map(|w| w.assignee)
                    .collect(),
                None => Vec::new(),
            };
            for h in holders {
                if let Some((a, _)) = self.store().find_account_for_login(&h).await? {
                    people.push(a.id);
                }
            }
            if people.is_empty() {
                let q = fgf_store::base::account::AccountQuery {
                    department_id: Some(row.department_id),
                    kind: Some("staff".to_owned()),
                    ..Default::default()
                };
                for a in self
                    .store()
                    .list_accounts(
                        &Scope::system("due-date sweep"),
                        &q,
                        Page::new(Some(1), Some(200)),
                    )
                    .await?
                    .items
                {
                    if self.may_review(&a.username, row.id).await? {
                        people.push(a.id);
                    }
                }
            }
            let mut tx = self
                .store()
                .write(self.system_ctx("due-date-sweep"))
                .await?;
            if !tx.mark_due_notified(row.id, today).await? {
                tx.rollback().await?;
                continue;
            }
            for p in &people {
                crate::base::notify::notify(
                    &mut tx,
                    *p,
                    &title,
                    &body,
                    &format!("/applications/{}", row.id),
                )
                .await?;
            }
            tx.audit(
                "application.due_warning",
                "application",
                &row.id.to_string(),
                &[FieldChange {
                    field: "light".to_owned(),
                    before: None,
                    after: Some(
                        json!({ "light": reading.light, "due": reading.due, "told": people.len() }),
                    ),
                }],
            )
            .await?;
            tx.commit().await?;
            flagged += 1;
        }
        Ok(flagged)
    }

    /// Applies 第三十二条(四) to every received application whose five working days ended
    /// without a correction notice: accepted as of the day of receipt, with the reason on the
    /// record. Answers how many were accepted so.
    pub async fn deemed_acceptance_sweep(self) -> ServiceResult<usize> {
        let today = self.today();
        let cal = self.calendar();
        let mut done = 0;
        for row in self.store().applications_awaiting_intake().await? {
            let Some(received) = row.received_on else {
                continue;
            };
            let Some(accepted) = deemed_acceptance(received, today, &cal) else {
                continue;
            };
            let due = fgf_domain::application::correction_due(received, &cal);
            let note = format!(
                "收件后五个工作日内（截至{due}）未一次告知补正，依《行政许可法》第三十二条第一款第（四）项，自收件之日（{received}）起即为受理"
            );
            let mut tx = self
                .store()
                .write(self.system_ctx("application-sweep"))
                .await?;
            match tx
                .move_application(
                    row.id,
                    ApplicationStatus::Submitted,
                    &ApplicationChange {
                        to: ApplicationStatus::Accepted,
                        received_on: None,
                        accepted_on: Some(accepted),
                        decided_on: None,
                        correction_items: None,
                    },
                )
                .await
            {
                Ok(()) => {}
                // Someone decided it meanwhile, or another node swept it first.
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
            let facts = self.acceptance_facts(&row, accepted, note.clone())?;
            self.issue_document(&mut tx, &row, DocumentKind::AcceptanceNotice, facts, today)
                .await?;
            record(
                &mut tx,
                Step {
                    id: row.id,
                    actor: None,
                    action: "deemed_accepted",
                    from: ApplicationStatus::Submitted,
                    to: ApplicationStatus::Accepted,
                    note: &note,
                    audit: "application.deemed_accepted",
                    field: "status",
                    before: Some(json!("submitted")),
                    after: json!({ "status": "accepted", "accepted_on": accepted, "reason": note }),
                },
            )
            .await?;
            tx.commit().await?;
            done += 1;
        }
        Ok(done)
    }
}

impl UseCases<'_> {
    /// The reviewer stops the clock for a special procedure of 第四十五条 (with the written
    /// notice of its expected length) or a supplement asked in review.
    pub async fn pause_clock(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &PauseInput,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        if !row.status.clock_runs() {
            return Err(
                ServiceError::conflict("application_clock_not_running").arg(row.status.label_zh())
            );
        }
        let cause = PauseCause::parse(&input.cause).ok_or_else(|| {
            ServiceError::field("invalid_field", "cause", "请选择特别程序种类或补正")
        })?;
        let today = self.today();
        let mut clock = self.clock_of(&row).await?;
        clock
            .pause(cause, today, input.expected_workdays)
            .map_err(clock_error)?;
        let cause_code = cause.code();
        let note = format!(
            "{}（预计{}个工作日）{}",
            cause.label_zh(),
            input.expected_workdays,
            input.notice.trim()
        );
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.move_application(id, row.status, &moved(ApplicationStatus::Suspended))
            .await
            .map_err(status_changed)?;
        tx.insert_application_pause(id, cause_code, today, i64::from(input.expected_workdays))
            .await?;
        if cause != PauseCause::Supplement {
            self.issue_document(
                &mut tx,
                &row,
                DocumentKind::SpecialProcedureNotice,
                DocumentFacts {
                    items: vec![cause.label_zh().to_owned()],
                    workdays: input.expected_workdays,
                    reason: input.notice.trim().to_owned(),
                    ..DocumentFacts::default()
                },
                today,
            )
            .await?;
        }
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "paused",
                from: row.status,
                to: ApplicationStatus::Suspended,
                note: &note,
                audit: "application.pause",
                field: "clock",
                before: Some(json!(row.status)),
                after: json!({ "status": "suspended", "cause": cause_code, "from": today, "expected_workdays": input.expected_workdays }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// The clock runs again from tomorrow: today is the last day the pause covers.
    pub async fn resume_clock(
        self,
        actor: &Actor,
        id: ApplicationId,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        if row.status != ApplicationStatus::Suspended {
            return Err(ServiceError::conflict("application_not_paused"));
        }
        let today = self.today();
        let mut clock = self.clock_of(&row).await?;
        clock.resume(today).map_err(clock_error)?;
        let back = if row.extension.is_some() {
            ApplicationStatus::Extended
        } else {
            ApplicationStatus::UnderReview
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.move_application(id, row.status, &moved(back))
            .await
            .map_err(status_changed)?;
        tx.close_application_pause(id, today).await?;
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "resumed",
                from: row.status,
                to: back,
                note: "",
                audit: "application.resume",
                field: "clock",
                before: Some(json!(row.status)),
                after: json!({ "status": back, "to": today }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// Records the one extension of 第四十二条, approved at the rank the law names, with a
    /// reason, before the deadline passes.
    pub async fn extend(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &ExtensionInput,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        if !row.status.clock_runs() {
            return Err(
                ServiceError::conflict("application_clock_not_running").arg(row.status.label_zh())
            );
        }
        let approver: ApproverLevel = input.approver.trim().parse().map_err(|_| {
            ServiceError::field(
                "invalid_field",
                "approver",
                "批准人须为 agency_head（本行政机关负责人）或 government_head（本级人民政府负责人）",
            )
        })?;
        if input.approved_by.trim().is_empty() {
            return Err(ServiceError::field(
                "application_approver_missing",
                "approved_by",
                "请填写批准延期的负责人",
            ));
        }
        let today = self.today();
        let ext = Extension {
            on: today,
            workdays: input.workdays,
            approver,
            reason: input.reason.trim().to_owned(),
        };
        let mut clock = self.clock_of(&row).await?;
        clock
            .extend(ext.clone(), &self.calendar())
            .map_err(clock_error)?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.move_application(id, row.status, &moved(ApplicationStatus::Extended))
            .await
            .map_err(status_changed)?;
        tx.set_application_extension(
            id,
            &ExtensionRow {
                on: today,
                workdays: i64::from(ext.workdays),
                approver,
                approved_by: input.approved_by.trim().to_owned(),
                reason: ext.reason.clone(),
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("application_already_extended"),
            e => e.into(),
        })?;
        let extended_due = clock
            .read(today, &self.calendar())
            .map_err(ServiceError::internal)?
            .due;
        self.issue_document(
            &mut tx,
            &row,
            DocumentKind::ExtensionNotice,
            DocumentFacts {
                reason: ext.reason.clone(),
                competent: input.approved_by.trim().to_owned(),
                workdays: ext.workdays,
                due: Some(extended_due),
                ..DocumentFacts::default()
            },
            today,
        )
        .await?;
        let note = format!(
            "延长{}个工作日，经{}批准：{}",
            ext.workdays,
            input.approved_by.trim(),
            ext.reason
        );
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "extended",
                from: row.status,
                to: ApplicationStatus::Extended,
                note: &note,
                audit: "application.extend",
                field: "extension",
                before: None,
                after: json!({ "workdays": ext.workdays, "approver": approver, "approved_by": input.approved_by.trim(), "reason": ext.reason }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }
}

impl UseCases<'_> {
    /// Publishes why an overdue application is late (优化营商环境条例第三十六条: 超过办理时间的，
    /// 办理单位应当公开说明理由); refused while it is not overdue.
    pub async fn set_overdue_reason(
        self,
        actor: &Actor,
        id: ApplicationId,
        reason: &str,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::field(
                "application_reason_missing",
                "reason",
                "请填写超期理由",
            ));
        }
        let view = self.view(actor, row.clone()).await?;
        if view.light != Some(ClockLight::Overdue) {
            return Err(ServiceError::conflict("application_not_overdue"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.set_overdue_reason(id, reason).await?;
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "overdue_reason",
                from: row.status,
                to: row.status,
                note: reason,
                audit: "application.overdue_reason",
                field: "overdue_reason",
                before: Some(json!(row.overdue_reason)),
                after: json!(reason),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// Bars the applicant from applying again for the matter (第七十八条: one year for false
    /// materials; 第七十九条: three years for fraud or bribery), for matters concerning public
    /// safety, health, life and property. Answers the last barred day.
    pub async fn bar_applicant(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &BarInput,
    ) -> ServiceResult<NaiveDate> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        let cause: BarCause = input.cause.trim().parse().map_err(|_| {
            ServiceError::field(
                "invalid_field",
                "cause",
                "须为 false_materials（第七十八条）或 fraud_or_bribery（第七十九条）",
            )
        })?;
        let reason = input.reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::field(
                "application_reason_missing",
                "reason",
                "请填写理由",
            ));
        }
        let today = self.today();
        let Some(bar) = bar_for(cause, today, input.protected_interest) else {
            return Err(ServiceError::field(
                "application_bar_not_protected",
                "protected_interest",
                "仅涉及公共安全、人身健康、生命财产安全的事项可限制再次申请",
            ));
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.insert_application_bar(
            id,
            row.applicant_account_id,
            row.matter_id,
            &BarRow {
                cause,
                decided_on: today,
                until: bar.until,
                reason: reason.to_owned(),
            },
        )
        .await?;
        let note = format!(
            "依{}，申请人在{}前不得再次申请该事项：{reason}",
            cause.article(),
            bar.until
        );
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "barred",
                from: row.status,
                to: row.status,
                note: &note,
                audit: "application.bar",
                field: "bar",
                before: None,
                after: json!({ "cause": cause, "until": bar.until, "reason": reason }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(bar.until)
    }
}

/// One step of an application's history: the line the applicant reads and the audit entry,
/// always written together in the step's transaction.
pub(crate) struct Step<'a> {
    pub(crate) id: ApplicationId,
    pub(crate) actor: Option<fgf_domain::base::AccountId>,
    pub(crate) action: &'a str,
    pub(crate) from: ApplicationStatus,
    pub(crate) to: ApplicationStatus,
    pub(crate) note: &'a str,
    pub(crate) audit: &'static str,
    pub(crate) field: &'static str,
    pub(crate) before: Option<Value>,
    pub(crate) after: Value,
}

pub(crate) async fn record(tx: &mut fgf_store::WriteTx, s: Step<'_>) -> ServiceResult<()> {
    tx.insert_application_event(s.id, s.actor, s.action, s.from, s.to, s.note)
        .await?;
    // The applicant hears of every step that asks something of them or tells them a result,
    // in the site and through the configured senders.
    if let Some(title) = applicant_notice(s.action) {
        if let Some(applicant) = tx.application_applicant(s.id).await? {
            if Some(applicant) != s.actor {
                crate::base::notify::notify(
                    tx,
                    applicant,
                    title,
                    s.note,
                    &format!("/me/applications/{}", s.id),
                )
                .await?;
            }
        }
    }
    tx.audit(
        s.audit,
        "application",
        &s.id.to_string(),
        &[FieldChange {
            field: s.field.to_owned(),
            before: s.before,
            after: Some(s.after),
        }],
    )
    .await?;
    Ok(())
}

/// The notice an applicant gets for a step, if the step concerns them.
fn applicant_notice(action: &str) -> Option<&'static str> {
    Some(match action {
        "accepted" | "deemed_accepted" => "您的申请已受理",
        "supplement_requested" => "您的申请需要补正材料",
        "not_accepted_no_licence" | "not_accepted_wrong_authority" => "您的申请不予受理",
        "paused" => "您的申请进入特别程序，办理时限中止",
        "resumed" => "您的申请恢复计时",
        "extended" => "您的申请办理期限延长",
        "granted" => "您的申请已准予行政许可",
        "denied" => "您的申请不予行政许可",
        "delivered" => "您的办理结果已送达",
        "overdue_reason" => "您的申请已超期，办理单位说明了理由",
        "licence_suspended" => "您的电子证照已被暂扣",
        "licence_restored" => "您的电子证照已恢复有效",
        "licence_revoked" => "您的电子证照已被吊销",
        _ => return None,
    })
}

/// A status move that sets nothing else.
fn moved(to: ApplicationStatus) -> ApplicationChange<'static> {
    ApplicationChange {
        to,
        received_on: None,
        accepted_on: None,
        decided_on: None,
        correction_items: None,
    }
}

fn clock_error(e: ClockError) -> ServiceError {
    match e {
        ClockError::AlreadyExtended => ServiceError::conflict("application_already_extended"),
        ClockError::ExtensionTooLong { max } => ServiceError::field(
            "application_extension_too_long",
            "workdays",
            &format!("延期不得超过{max}个工作日"),
        )
        .arg(max),
        ClockError::ExtensionAfterDeadline { due } => {
            ServiceError::conflict("application_extension_after_deadline").arg(due)
        }
        ClockError::WrongApprover { needs } => ServiceError::field(
            "application_wrong_approver",
            "approver",
            match needs {
                ApproverLevel::AgencyHead => "延期须经本行政机关负责人批准",
                ApproverLevel::GovernmentHead => "联合办理的延期须经本级人民政府负责人批准",
            },
        ),
        ClockError::ReasonMissing => {
            ServiceError::field("application_reason_missing", "reason", "请填写理由")
        }
        ClockError::ExpectedLengthMissing => ServiceError::field(
            "application_expected_length_missing",
            "expected_workdays",
            "须书面告知申请人特别程序所需时间",
        ),
        ClockError::AlreadyPaused { since } => {
            ServiceError::conflict("application_already_paused").arg(since)
        }
        ClockError::NotPaused => ServiceError::conflict("application_not_paused"),
        ClockError::PauseBeforeAcceptance { .. } | ClockError::OverlapsEarlierPause { .. } => {
            ServiceError::conflict("application_pause_overlaps")
        }
        ClockError::EndBeforeStart { .. } | ClockError::Deadline(_) => ServiceError::internal(e),
    }
}

pub(crate) fn status_changed(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict { .. } => ServiceError::conflict("application_status_changed"),
        e => e.into(),
    }
}

fn intake_error(e: IntakeError) -> ServiceError {
    match e {
        IntakeError::NotReceived(s) => {
            ServiceError::conflict("application_not_received").arg(s.label_zh())
        }
        IntakeError::ReasonMissing => {
            ServiceError::field("application_reason_missing", "reason", "请填写理由")
        }
        IntakeError::CompetentAuthorityMissing => ServiceError::field(
            "application_competent_missing",
            "competent",
            "不予受理须写明应向哪个行政机关申请",
        ),
        IntakeError::NothingListed => ServiceError::field(
            "application_nothing_listed",
            "items",
            "请逐项列明需更正或补正的内容",
        ),
        IntakeError::DeemedAccepted { due, .. } => {
            ServiceError::conflict("application_deemed_accepted").arg(due)
        }
        IntakeError::NewItemsAfterFirstNotice(items) => {
            ServiceError::invalid("application_new_items").arg(items.join("、"))
        }
    }
}

/// The form checked against the matter's definition, or every problem at once.
fn checked_form(
    doc: &MatterDoc,
    form: &serde_json::Map<String, Value>,
) -> ServiceResult<serde_json::Map<String, Value>> {
    fgf_domain::catalog::check_form(&doc.form, form).map_err(|problems| {
        ServiceError::invalid("application_form_problems")
            .arg(problems.len())
            .details(json!({ "problems": problems }))
    })
}

/// The materials replaced by a signed commitment: each one the guide allows to be (告知承诺制),
/// once, and not also uploaded.
fn checked_commitments(
    doc: &MatterDoc,
    names: &[String],
    uploads: &[(String, String)],
) -> ServiceResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let n = n.trim();
        if !doc.materials.iter().any(|m| m.name == n && m.by_commitment) {
            return Err(ServiceError::field(
                "application_commitment_not_allowed",
                &format!("commitments[{i}]"),
                &format!("“{n}”不能以告知承诺代替"),
            ));
        }
        if !uploads.iter().any(|(u, _)| u == n) && !out.iter().any(|o| o == n) {
            out.push(n.to_owned());
        }
    }
    Ok(out)
}

/// Whether an uploaded material is the PDF or image its name says.
fn material_type_ok(name: &str, mime: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        (ext.as_str(), mime),
        ("pdf", "application/pdf") | ("png", "image/png") | ("jpg" | "jpeg", "image/jpeg")
    )
}

pub(crate) async fn insert_materials(
    tx: &mut fgf_store::WriteTx,
    id: ApplicationId,
    uploads: &[(String, String)],
    reused: &[(String, String)],
    round: i64,
) -> ServiceResult<()> {
    for (name, hash) in uploads {
        tx.insert_application_material(
            id,
            &NewMaterial {
                name,
                source: "upload",
                file_hash: Some(hash),
                licence_number: None,
                round,
                due_on: None,
            },
        )
        .await?;
    }
    for (name, number) in reused {
        tx.insert_application_material(
            id,
            &NewMaterial {
                name,
                source: "licence",
                file_hash: None,
                licence_number: Some(number),
                round,
                due_on: None,
            },
        )
        .await?;
    }
    Ok(())
}

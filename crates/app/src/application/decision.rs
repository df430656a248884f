//! Review and decision of an accepted application through the process engine: a reviewer
//! assigns at least two verifiers (行政许可法第三十四条第三款: 指派两名以上工作人员进行核查) and
//! the decider; the verifiers countersign (会签) in the engine; the decider grants or denies in
//! writing (第三十八条); a grant issues an SM2-signed electronic licence (电子证照) anyone can
//! verify; the result is delivered (第四十四条). Each step is one transaction: the engine's
//! command, the application's move, the documents and licence, the history line and audit.

use super::cases::{record, status_changed, Step};
use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use chrono::{Datelike, NaiveDate};
use fgf_domain::application::{
    delivery_due, enough_verifiers, standing, ApplicationId, ApplicationStatus, DocumentFacts,
    DocumentKind, LicenceContent, LicenceStatus, Standing,
};
use fgf_domain::base::permission::Permission;
use fgf_domain::mask_resident_id;
use fgf_domain::process::WorkItemStatus;
use fgf_engine::exec::Command;
use fgf_engine::Vars;
use fgf_store::application::{ApplicationChange, ApplicationRow, LicenceRow, NewLicence};
use fgf_store::process::WorkItemRow;
use fgf_store::{Page, Paged, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The process every application's review runs on.
pub const REVIEW_PROCESS: &str = "application_review";
/// Its countersign node (核查) and decision node (决定).
pub const VERIFY_NODE: &str = "verify";
pub const DECIDE_NODE: &str = "decide";

/// The review flow: the verifiers named at assignment all sign (会签), then the decider.
pub fn review_flow() -> fgf_engine::designer::Flow {
    use fgf_engine::designer::{Approvers, DNode, Flow, SignMode};
    Flow {
        id: REVIEW_PROCESS.to_owned(),
        name: "行政许可审查决定".to_owned(),
        nodes: vec![
            DNode::Approval {
                id: VERIFY_NODE.to_owned(),
                name: "核查（会签）".to_owned(),
                approvers: Approvers::Expression("verifiers".to_owned()),
                mode: SignMode::All,
                on_empty: None,
                on_initiator: None,
                fields: Default::default(),
                timeout: None,
            },
            DNode::Approval {
                id: DECIDE_NODE.to_owned(),
                name: "决定".to_owned(),
                approvers: Approvers::Expression("decider".to_owned()),
                mode: SignMode::Single,
                on_empty: None,
                on_initiator: None,
                fields: Default::default(),
                timeout: None,
            },
        ],
    }
}

/// Who verifies and who decides.
#[derive(Debug, Clone, Deserialize)]
pub struct AssignInput {
    /// Usernames of the verifiers: two at least (第三十四条).
    pub verifiers: Vec<String>,
    /// Username of the person who decides.
    pub decider: String,
}

/// A verifier's opinion (核查意见).
#[derive(Debug, Clone, Deserialize)]
pub struct OpinionInput {
    pub agree: bool,
    pub opinion: String,
}

/// The decision (第三十八条).
#[derive(Debug, Clone, Deserialize)]
pub struct DecisionInput {
    pub grant: bool,
    /// Required for a denial; the review's conclusion for a grant.
    #[serde(default)]
    pub reasons: String,
    /// The licence a grant issues, if the matter's result is one.
    #[serde(default)]
    pub licence: Option<LicenceInput>,
}

/// What the licence says beyond the application.
#[derive(Debug, Clone, Deserialize)]
pub struct LicenceInput {
    /// The licence's name, e.g. 食品经营许可证.
    pub title: String,
    /// 许可范围.
    pub scope: String,
    /// Years of validity from today, 1 to 10.
    pub valid_years: u32,
}

/// How the result reaches the applicant (第四十四条).
#[derive(Debug, Clone, Deserialize)]
pub struct DeliveryInput {
    /// `collect` (窗口领取), `post` (邮寄) or `online` (电子送达).
    pub method: String,
    /// The EMS tracking number, for `post`.
    #[serde(default)]
    pub tracking: Option<String>,
}

/// A decision on a licence's status.
#[derive(Debug, Clone, Deserialize)]
pub struct LicenceStatusInput {
    /// `suspended` (暂扣), `valid` (恢复) or `revoked` (吊销).
    pub status: String,
    /// The decision's reason and document number.
    pub reason: String,
}

/// A licence as shown to its holder or staff: the content, the signature and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct LicenceView {
    pub number: String,
    pub application_id: ApplicationId,
    pub content: LicenceContent,
    pub status: LicenceStatus,
    pub standing: Standing,
    pub signature: String,
    pub key_id: String,
}

/// What the public verify page shows: no more than the licence itself prints.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub number: String,
    pub standing: Standing,
    pub content: LicenceContent,
    pub status_reason: String,
    /// The district's public key (SEC1, hex), to check the signature offline.
    pub public_key: String,
    pub signature: String,
}

/// A review step of an application: the work items its instance has.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewStep {
    pub node: String,
    pub name: String,
    /// Who holds or held it, by name.
    pub assignee: Option<String>,
    #[serde(skip)]
    pub username: Option<String>,
    pub done: bool,
}

impl UseCases<'_> {
    /// Publishes the review flow if this district has none yet (a new district, or one made
    /// before applications existed).
    async fn ensure_review_process(self) -> ServiceResult<()> {
        if self
            .store()
            .latest_process_definition(REVIEW_PROCESS)
            .await?
            .is_some()
        {
            return Ok(());
        }
        let f = review_flow();
        let xml = fgf_engine::designer::to_bpmn(&f)
            .map_err(|e| ServiceError::internal(format!("review flow: {e:?}")))?;
        let designer = serde_json::to_string(&f).map_err(ServiceError::internal)?;
        self.process()
            .deploy_process(
                self.system_ctx("application-review"),
                &xml,
                Some(&designer),
                true,
                None,
            )
            .await?;
        Ok(())
    }

    /// Whether `username` is active staff whose review permission reaches the application.
    pub(crate) async fn may_review(self, username: &str, id: ApplicationId) -> ServiceResult<bool> {
        let Some((account, _)) = self.store().find_account_for_login(username).await? else {
            return Ok(false);
        };
        if account.kind != fgf_domain::base::record::AccountKind::Staff
            || account.status != fgf_domain::base::record::AccountStatus::Active
        {
            return Ok(false);
        }
        for post in self.store().posts_of(account.id).await? {
            let Some(grants) = self
                .store()
                .load_grants(account.id, post.department_id)
                .await?
            else {
                continue;
            };
            if let Some(scope) = grants.scope(Permission::ApplicationReview) {
                match self.store().get_application(&scope, id).await {
                    Ok(_) => return Ok(true),
                    Err(StoreError::NotFound { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(false)
    }

    /// A staff member's name as people know it (the username when there is no such account).
    async fn display_name_of(self, username: &str) -> ServiceResult<String> {
        Ok(self
            .store()
            .find_account_for_login(username)
            .await?
            .map_or_else(|| username.to_owned(), |(a, _)| a.display_name))
    }

    /// The staff who may verify or decide an application the caller may review: its
    /// department's staff whose review permission reaches it, as (username, name).
    pub async fn review_candidates(
        self,
        actor: &Actor,
        id: ApplicationId,
    ) -> ServiceResult<Vec<(String, String)>> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        let q = fgf_store::base::account::AccountQuery {
            department_id: Some(row.department_id),
            kind: Some("staff".to_owned()),
            ..Default::default()
        };
        let staff = self
            .store()
            .list_accounts(
                &fgf_store::Scope::system("list the reviewers of a department"),
                &q,
                Page::new(Some(1), Some(200)),
            )
            .await?
            .items;
        let mut out = Vec::new();
        for a in staff {
            if self.may_review(&a.username, id).await? {
                out.push((a.username, a.display_name));
            }
        }
        Ok(out)
    }

    /// A reviewer assigns the verifiers and the decider of an accepted application; its
    /// review begins (审查中).
    pub async fn assign_review(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &AssignInput,
    ) -> ServiceResult<super::ApplicationView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        // A clock paused and resumed before assignment leaves the application under review
        // without a review: it may still be assigned.
        let assignable = row.instance_id.is_none()
            && matches!(
                row.status,
                ApplicationStatus::Accepted
                    | ApplicationStatus::UnderReview
                    | ApplicationStatus::Extended
            );
        if !assignable {
            return Err(ServiceError::conflict("application_not_awaiting_review")
                .arg(row.status.label_zh()));
        }
        let to = match row.status {
            ApplicationStatus::Accepted => ApplicationStatus::UnderReview,
            s => s,
        };
        let verifiers: Vec<String> = input
            .verifiers
            .iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if !enough_verifiers(&verifiers) {
            return Err(ServiceError::field(
                "application_two_verifiers",
                "verifiers",
                "依《行政许可法》第三十四条，须指派两名以上工作人员进行核查",
            ));
        }
        let decider = input.decider.trim().to_owned();
        for who in verifiers.iter().chain(std::iter::once(&decider)) {
            if !self.may_review(who, id).await? {
                return Err(ServiceError::field(
                    "application_reviewer_unknown",
                    "verifiers",
                    &format!("{who} 不是有权审查该申请的工作人员"),
                ));
            }
        }
        self.ensure_review_process().await?;
        let vars: Vars = [
            ("verifiers".to_owned(), json!(verifiers)),
            (
                fgf_engine::designer::approvers_var(VERIFY_NODE),
                json!(verifiers),
            ),
            ("decider".to_owned(), json!(decider)),
            ("application".to_owned(), json!(row.number)),
        ]
        .into_iter()
        .collect();
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.move_application(id, row.status, &moved(to))
            .await
            .map_err(status_changed)?;
        let instance = self
            .process()
            .start_in(
                &mut tx,
                REVIEW_PROCESS,
                Some(actor.account.username.clone()),
                vars,
                &row.number,
                Some(row.department_id),
            )
            .await?;
        tx.set_application_instance(id, instance).await?;
        let mut names = Vec::new();
        for u in verifiers.iter().chain(std::iter::once(&decider)) {
            names.push(self.display_name_of(u).await?);
        }
        let decider_name = names.pop().unwrap_or_default();
        let note = format!("核查人：{}；决定人：{decider_name}", names.join("、"));
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "review_assigned",
                from: row.status,
                to,
                note: &note,
                audit: "application.assign_review",
                field: "review",
                before: None,
                after: json!({ "verifiers": verifiers, "decider": decider, "instance": instance }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// The caller's open work item on the application's review at `node`.
    async fn my_item(
        self,
        actor: &Actor,
        row: &ApplicationRow,
        node: &str,
    ) -> ServiceResult<(fgf_domain::process::InstanceId, WorkItemRow)> {
        if !matches!(
            row.status,
            ApplicationStatus::UnderReview | ApplicationStatus::Extended
        ) {
            return Err(
                ServiceError::conflict("application_not_under_review").arg(row.status.label_zh())
            );
        }
        let instance = row.instance_id.ok_or_else(|| {
            ServiceError::conflict("application_not_under_review").arg(row.status.label_zh())
        })?;
        let items = self.store().work_items_of(instance).await?;
        let open = |w: &&WorkItemRow| w.status == WorkItemStatus::Open && w.node_id == node;
        if let Some(w) = items
            .iter()
            .filter(open)
            .find(|w| w.assignee.as_deref() == Some(actor.account.username.as_str()))
        {
            return Ok((instance, w.clone()));
        }
        if node == DECIDE_NODE
            && items
                .iter()
                .any(|w| w.status == WorkItemStatus::Open && w.node_id == VERIFY_NODE)
        {
            return Err(ServiceError::conflict("application_verification_open"));
        }
        Err(ServiceError::forbidden("application_not_your_step"))
    }

    /// A verifier records their opinion; when every verifier has, the decider's step opens.
    pub async fn verify(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &OpinionInput,
    ) -> ServiceResult<super::ApplicationView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        let opinion = input.opinion.trim();
        if opinion.is_empty() {
            return Err(ServiceError::field(
                "application_opinion_missing",
                "opinion",
                "请填写核查意见",
            ));
        }
        let (instance, item) = self.my_item(actor, &row, VERIFY_NODE).await?;
        let exec = u32::try_from(item.exec_id).map_err(ServiceError::internal)?;
        let by = Some(actor.account.username.clone());
        let vars: Vars = [("agree".to_owned(), json!(input.agree))]
            .into_iter()
            .collect();
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        self.process()
            .command_in(
                &mut tx,
                instance,
                by.clone(),
                Command::CompleteTask { exec, vars, by },
                opinion,
            )
            .await?;
        let note = format!(
            "核查意见（{}）：{opinion}",
            if input.agree { "同意" } else { "不同意" }
        );
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "verified",
                from: row.status,
                to: row.status,
                note: &note,
                audit: "application.verify",
                field: "opinion",
                before: None,
                after: json!({ "agree": input.agree, "opinion": opinion }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// The decider grants or denies in writing (第三十八条): a denial states its reasons and the
    /// right to reconsideration or litigation; a grant may issue a signed licence.
    pub async fn decide(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &DecisionInput,
    ) -> ServiceResult<super::ApplicationView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        let reasons = input.reasons.trim();
        if !input.grant && reasons.is_empty() {
            return Err(ServiceError::field(
                "application_reason_missing",
                "reasons",
                "不予行政许可须说明理由（第三十八条第二款）",
            ));
        }
        let licence = match (&input.licence, input.grant) {
            (Some(l), true) => {
                if l.title.trim().is_empty() || l.scope.trim().is_empty() {
                    return Err(ServiceError::field(
                        "application_licence_invalid",
                        "licence.scope",
                        "请填写证照名称和许可范围",
                    ));
                }
                if !(1..=10).contains(&l.valid_years) {
                    return Err(ServiceError::field(
                        "application_licence_invalid",
                        "licence.valid_years",
                        "有效期须为1至10年",
                    ));
                }
                Some(l)
            }
            _ => None,
        };
        if input.grant {
            self.check_terms_before_grant(id).await?;
        }
        let (instance, item) = self.my_item(actor, &row, DECIDE_NODE).await?;
        let exec = u32::try_from(item.exec_id).map_err(ServiceError::internal)?;
        let today = self.today();
        let to = if input.grant {
            ApplicationStatus::Approved
        } else {
            ApplicationStatus::Rejected
        };
        let by = Some(actor.account.username.clone());
        let vars: Vars = [("grant".to_owned(), json!(input.grant))]
            .into_iter()
            .collect();
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        self.process()
            .command_in(
                &mut tx,
                instance,
                by.clone(),
                Command::CompleteTask { exec, vars, by },
                reasons,
            )
            .await?;
        tx.move_application(
            id,
            row.status,
            &ApplicationChange {
                to,
                received_on: None,
                accepted_on: None,
                decided_on: Some(today),
                correction_items: None,
            },
        )
        .await
        .map_err(status_changed)?;
        tx.set_application_reasons(id, reasons).await?;
        let mut licence_number = String::new();
        match (&row.licence_number, licence) {
            // A change or renewal re-signs the licence it acts on.
            (Some(n), _) if input.grant => {
                licence_number = self
                    .revise_licence(&mut tx, &row, n, licence.map(|l| l.scope.as_str()), today)
                    .await?;
            }
            (None, Some(l)) => {
                licence_number = self.issue_licence(&mut tx, &row, l, today).await?;
            }
            _ => {}
        }
        let kind = if input.grant {
            DocumentKind::GrantDecision
        } else {
            DocumentKind::DenialDecision
        };
        let number = self
            .issue_document(
                &mut tx,
                &row,
                kind,
                DocumentFacts {
                    accepted_on: row.accepted_on,
                    reason: reasons.to_owned(),
                    licence_number: licence_number.clone(),
                    ..DocumentFacts::default()
                },
                today,
            )
            .await?;
        let note = format!(
            "{}（{number}）{}{}",
            kind.title_zh(),
            reasons,
            if licence_number.is_empty() {
                String::new()
            } else {
                format!("；电子证照 {licence_number}")
            }
        );
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: if input.grant { "granted" } else { "denied" },
                from: row.status,
                to,
                note: &note,
                audit: "application.decide",
                field: "decision",
                before: Some(json!(row.status)),
                after: json!({ "status": to, "reasons": reasons, "document": number, "licence": licence_number }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// Inserts, numbers and signs the licence of a grant.
    async fn issue_licence(
        self,
        tx: &mut fgf_store::WriteTx,
        row: &ApplicationRow,
        l: &LicenceInput,
        today: NaiveDate,
    ) -> ServiceResult<String> {
        let issuer = self.issuer_of(row).await?;
        let (holder, _) = self
            .store()
            .get_own_account(row.applicant_account_id)
            .await?;
        let holder_id = match &holder.uscc {
            Some(code) if !code.is_empty() => code.clone(),
            _ => self
                .applicant_resident_id(&holder)
                .map(|rid| mask_resident_id(&rid))
                .unwrap_or_default(),
        };
        let valid_until = today
            .with_year(today.year() + i32::try_from(l.valid_years).unwrap_or(1))
            .unwrap_or(today)
            .pred_opt()
            .unwrap_or(today);
        let new = NewLicence {
            application_id: row.id,
            matter_id: row.matter_id,
            holder_account_id: row.applicant_account_id,
            department_id: row.department_id,
            title: l.title.trim(),
            holder_name: &row.applicant_name,
            holder_id: &holder_id,
            scope: l.scope.trim(),
            valid_from: today,
            valid_until,
            issuer: &issuer,
            issued_on: today,
        };
        let (licence_id, number) = tx.insert_licence(&new).await?;
        let content = LicenceContent {
            number: number.clone(),
            title: new.title.to_owned(),
            holder_name: new.holder_name.to_owned(),
            holder_id: holder_id.clone(),
            scope: new.scope.to_owned(),
            valid_from: today,
            valid_until,
            issuer: issuer.clone(),
            issued_on: today,
        };
        let signature = self.seal().sign(&content);
        tx.seal_licence(licence_id, &number, &signature, &self.seal().key_id())
            .await?;
        tx.audit(
            "licence.issue",
            "licence",
            &number,
            &[fgf_domain::base::audit::FieldChange {
                field: "licence".to_owned(),
                before: None,
                after: Some(json!({ "number": number, "application": row.number, "valid_until": valid_until, "key_id": self.seal().key_id() })),
            }],
        )
        .await?;
        Ok(number)
    }

    /// The holder's resident ID in clear, for masking on the licence.
    fn applicant_resident_id(self, holder: &fgf_store::base::account::Account) -> Option<String> {
        let blob = holder.resident_id_enc.as_ref()?;
        self.base()
            .unseal(holder.id, crate::base::users::AccountPii::ResidentId, blob)
            .ok()
    }

    /// The result reaches the applicant: collected, posted (with the EMS number) or served
    /// online; a grant becomes 已送达, a denial 已办结.
    pub async fn deliver(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &DeliveryInput,
    ) -> ServiceResult<super::ApplicationView> {
        // 统一送达 (第二十六条): the window that received the application delivers its result.
        let scope = actor.scope(Permission::ApplicationIntake)?;
        let row = self.store().get_application(&scope, id).await?;
        let to = match row.status {
            ApplicationStatus::Approved => ApplicationStatus::Delivered,
            ApplicationStatus::Rejected => ApplicationStatus::Closed,
            s => return Err(ServiceError::conflict("application_not_decided").arg(s.label_zh())),
        };
        let method = input.method.trim();
        let tracking = input
            .tracking
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        match method {
            "collect" | "online" => {}
            "post" => {
                let ok = tracking.is_some_and(|t| {
                    t.len() >= 10 && t.len() <= 20 && t.chars().all(|c| c.is_ascii_alphanumeric())
                });
                if !ok {
                    return Err(ServiceError::field(
                        "application_tracking_invalid",
                        "tracking",
                        "邮寄送达须填写有效的邮件号（10至20位字母或数字）",
                    ));
                }
            }
            _ => {
                return Err(ServiceError::field(
                    "invalid_field",
                    "method",
                    "送达方式须为 collect（窗口领取）、post（邮寄）或 online（电子送达）",
                ))
            }
        }
        let today = self.today();
        let decided = row.decided_on.unwrap_or(today);
        let due = delivery_due(decided, &self.calendar());
        let method_zh = match method {
            "collect" => "窗口领取",
            "post" => "邮寄",
            _ => "电子送达",
        };
        let mut note = match tracking {
            Some(t) if method == "post" => format!("{method_zh}，邮件号 {t}"),
            _ => method_zh.to_owned(),
        };
        if today > due {
            note.push_str(&format!("；超过第四十四条规定的送达期限（{due}）"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.move_application(id, row.status, &moved(to))
            .await
            .map_err(status_changed)?;
        tx.set_application_delivery(id, method, tracking.filter(|_| method == "post"), today)
            .await?;
        if method == "collect" {
            tx.insert_application_visit(
                id,
                "collect",
                today,
                "窗口领取结果",
                Some(actor.account.id),
            )
            .await?;
        }
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: "delivered",
                from: row.status,
                to,
                note: &note,
                audit: "application.deliver",
                field: "delivery",
                before: None,
                after: json!({ "method": method, "tracking": tracking, "on": today, "due": due }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// The review steps of an application the caller may read: who verifies and decides, and
    /// who already did.
    pub async fn review_steps(
        self,
        actor: &Actor,
        id: ApplicationId,
    ) -> ServiceResult<Vec<ReviewStep>> {
        let scope = self.reading_scope(actor)?;
        let row = self.store().get_application(&scope, id).await?;
        self.review_of(&row).await
    }

    pub(crate) async fn review_of(self, row: &ApplicationRow) -> ServiceResult<Vec<ReviewStep>> {
        let Some(instance) = row.instance_id else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for w in self.store().work_items_of(instance).await? {
            let username = w.completed_by.or(w.assignee);
            let who = match &username {
                Some(u) => Some(self.display_name_of(u).await?),
                None => None,
            };
            out.push(ReviewStep {
                done: w.status != WorkItemStatus::Open,
                node: w.node_id,
                name: w.name,
                assignee: who,
                username,
            });
        }
        Ok(out)
    }

    pub(crate) fn licence_view(self, r: LicenceRow) -> LicenceView {
        let ok = self.seal().verify(&r.content, &r.signature);
        LicenceView {
            standing: standing(ok, r.status, &r.content, self.today()),
            number: r.content.number.clone(),
            application_id: r.application_id,
            content: r.content,
            status: r.status,
            signature: r.signature,
            key_id: r.key_id,
        }
    }

    /// The licences the caller may read: a holder their own, staff their departments'.
    pub async fn licences(self, actor: &Actor, page: Page) -> ServiceResult<Paged<LicenceView>> {
        let scope = self.reading_scope(actor)?;
        let rows = self.store().list_licences(&scope, page).await?;
        Ok(Paged {
            total: rows.total,
            items: rows
                .items
                .into_iter()
                .map(|r| self.licence_view(r))
                .collect(),
        })
    }

    /// One licence the caller may read, by number (else not found).
    pub async fn licence(self, actor: &Actor, number: &str) -> ServiceResult<LicenceView> {
        let scope = self.reading_scope(actor)?;
        let not_found = || {
            ServiceError::not_found("not_found")
                .arg("licence")
                .arg(number)
        };
        let r = self
            .store()
            .licence_by_number(number.trim())
            .await?
            .ok_or_else(not_found)?;
        // Reading the application through the caller's scope decides who may see it.
        match self.store().get_application(&scope, r.application_id).await {
            Ok(_) => Ok(self.licence_view(r)),
            Err(StoreError::NotFound { .. }) => Err(not_found()),
            Err(e) => Err(e.into()),
        }
    }

    /// Suspends (暂扣), restores or revokes (吊销) a licence by a decision with its reason, on
    /// the record of the application that issued it; the verify page answers accordingly at
    /// once. Staff whose review permission reaches that application may do it.
    pub async fn set_licence_status(
        self,
        actor: &Actor,
        number: &str,
        input: &LicenceStatusInput,
    ) -> ServiceResult<LicenceView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let not_found = || {
            ServiceError::not_found("not_found")
                .arg("licence")
                .arg(number)
        };
        let l = self
            .store()
            .licence_by_number(number.trim())
            .await?
            .ok_or_else(not_found)?;
        let row = match self.store().get_application(&scope, l.application_id).await {
            Ok(r) => r,
            Err(StoreError::NotFound { .. }) => return Err(not_found()),
            Err(e) => return Err(e.into()),
        };
        let reason = input.reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::field(
                "application_reason_missing",
                "reason",
                "请填写决定的理由和文号",
            ));
        }
        let (to, action, word) = match (input.status.trim(), l.status) {
            ("suspended", LicenceStatus::Valid) => {
                (LicenceStatus::Suspended, "licence_suspended", "暂扣")
            }
            ("valid", LicenceStatus::Suspended) => {
                (LicenceStatus::Valid, "licence_restored", "恢复")
            }
            ("revoked", LicenceStatus::Valid | LicenceStatus::Suspended) => {
                (LicenceStatus::Revoked, "licence_revoked", "吊销")
            }
            ("suspended" | "valid" | "revoked", s) => {
                return Err(ServiceError::conflict("licence_status_not_allowed").arg(s))
            }
            _ => {
                return Err(ServiceError::field(
                    "invalid_field",
                    "status",
                    "须为 suspended（暂扣）、valid（恢复）或 revoked（吊销）",
                ))
            }
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.set_licence_status(l.id, l.status, to, reason)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => ServiceError::conflict("application_status_changed"),
                e => e.into(),
            })?;
        let note = format!("{word}电子证照 {}：{reason}", l.content.number);
        record(
            &mut tx,
            Step {
                id: row.id,
                actor: Some(actor.account.id),
                action,
                from: row.status,
                to: row.status,
                note: &note,
                audit: "licence.status",
                field: "licence",
                before: Some(json!({ "number": l.content.number, "status": l.status })),
                after: json!({ "number": l.content.number, "status": to, "reason": reason }),
            },
        )
        .await?;
        tx.commit().await?;
        self.licence(actor, number).await
    }

    /// The public check of a licence by its number (`/verify/{number}`): None when no licence
    /// has it.
    pub async fn verify_licence(self, number: &str) -> ServiceResult<Option<Verification>> {
        let Some(r) = self.store().licence_by_number(number.trim()).await? else {
            return Ok(None);
        };
        let ok = self.seal().verify(&r.content, &r.signature);
        Ok(Some(Verification {
            number: r.content.number.clone(),
            standing: standing(ok, r.status, &r.content, self.today()),
            status_reason: r.status_reason,
            public_key: self.seal().public_key_hex(),
            signature: r.signature,
            content: r.content,
        }))
    }
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

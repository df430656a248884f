//! Changes (变更) and renewals (延续) of licences, each through its own matter and record: a
//! grant re-signs the licence under its number and keeps what it said before; holders are
//! told before a licence expires; and a renewal asked for in time and not decided by the day
//! the licence expired counts as granted (行政许可法第五十条: 逾期未作决定的，视为准予延续).

use super::cases::{record, Step};
use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use chrono::{Days, NaiveDate};
use fgf_domain::application::{
    renewal_deemed_granted, renewal_filing_deadline, renewed_validity, ApplicationStatus,
    DocumentFacts, DocumentKind, LicenceAction,
};
use fgf_domain::base::audit::FieldChange;
use fgf_engine::exec::Command;
use fgf_store::application::{ApplicationChange, ApplicationRow, LicenceRevisionRow};
use fgf_store::StoreError;
use serde_json::json;

/// Calendar days before expiry the holder is reminded: the month before the 30-day limit of
/// 第五十条, so there is time to gather the materials.
pub const RENEWAL_REMINDER_DAYS: u64 = 60;

/// The reason recorded on a deemed renewal.
pub const DEEMED_RENEWAL: &str =
    "行政机关在该行政许可有效期届满前未作出是否准予延续的决定，依《行政许可法》第五十条第二款，视为准予延续";

impl UseCases<'_> {
    /// Re-signs the licence a change or renewal acts on, under its number, keeping what it
    /// said before: a change takes the decided scope and the holder's name today; a renewal
    /// runs on from the day after the old validity ends. Answers the number.
    pub(crate) async fn revise_licence(
        self,
        tx: &mut fgf_store::WriteTx,
        row: &ApplicationRow,
        number: &str,
        scope: Option<&str>,
        today: NaiveDate,
    ) -> ServiceResult<String> {
        let old = self
            .store()
            .licence_by_number(number)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found("not_found")
                    .arg("licence")
                    .arg(number)
            })?;
        let action = LicenceAction::of_matter(&row.matter_name);
        let mut content = old.content.clone();
        content.holder_name = row.applicant_name.clone();
        if let Some(s) = scope.map(str::trim).filter(|s| !s.is_empty()) {
            content.scope = s.to_owned();
        }
        content.issuer = self.issuer_of(row).await?;
        content.issued_on = today;
        if action == LicenceAction::Renew {
            (content.valid_from, content.valid_until) =
                renewed_validity(old.content.valid_from, old.content.valid_until, today);
        }
        tx.revise_licence(&old, &content, row.id, today)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => ServiceError::conflict("application_status_changed"),
                e => e.into(),
            })?;
        let signature = self.seal().sign(&content);
        tx.seal_licence(old.id, number, &signature, &self.seal().key_id())
            .await?;
        tx.audit(
            "licence.revise",
            "licence",
            number,
            &[FieldChange {
                field: "licence".to_owned(),
                before: Some(json!({ "revision": old.revision, "scope": old.content.scope, "holder": old.content.holder_name, "valid_until": old.content.valid_until })),
                after: Some(json!({ "revision": old.revision + 1, "action": action, "application": row.number, "scope": content.scope, "holder": content.holder_name, "valid_until": content.valid_until })),
            }],
        )
        .await?;
        Ok(number.to_owned())
    }

    /// What a licence said before its changes and renewals, oldest first.
    pub async fn licence_revisions(
        self,
        actor: &crate::Actor,
        number: &str,
    ) -> ServiceResult<Vec<LicenceRevisionRow>> {
        // Reading the licence checks the caller may.
        self.licence(actor, number).await?;
        let l = self
            .store()
            .licence_by_number(number)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found("not_found")
                    .arg("licence")
                    .arg(number)
            })?;
        Ok(self.store().licence_revisions(l.id).await?)
    }

    /// The matters through which the holder changes or renews a licence: the change and
    /// renewal handling items beside the one that issued it (same parent item), in force.
    pub async fn licence_follow_ups(
        self,
        actor: &crate::Actor,
        number: &str,
    ) -> ServiceResult<Vec<(LicenceAction, String, String)>> {
        let l = self.licence(actor, number).await?;
        let row = self
            .store()
            .get_application(
                &fgf_store::Scope::system("the licence was read above"),
                l.application_id,
            )
            .await?;
        let issuing = self.store().get_matter(row.matter_id).await?;
        let Some(parent) = issuing.parent_id else {
            return Ok(Vec::new());
        };
        let mut out: Vec<(LicenceAction, String, String)> = self
            .store()
            .all_matters()
            .await?
            .into_iter()
            .filter(|m| m.parent_id == Some(parent) && m.current_version.is_some())
            .map(|m| (LicenceAction::of_matter(&m.name), m.code, m.name))
            .filter(|(a, _, _)| *a != LicenceAction::Issue)
            .collect();
        out.sort_by_key(|(a, _, _)| *a == LicenceAction::Change);
        Ok(out)
    }

    /// The daily renewal round of 第五十条: holders of licences expiring within
    /// [`RENEWAL_REMINDER_DAYS`] are told once by when to ask for renewal, and every renewal
    /// asked for in time and still undecided the day after its licence expired is granted as
    /// the law deems it. Answers how many renewals were deemed granted.
    pub async fn renewal_sweep(self) -> ServiceResult<usize> {
        let today = self.today();
        let horizon = today
            .checked_add_days(Days::new(RENEWAL_REMINDER_DAYS))
            .unwrap_or(today);
        for l in self.store().licences_expiring(horizon).await? {
            let number = l.content.number.clone();
            let last = renewal_filing_deadline(l.content.valid_until);
            let mut tx = self.store().write(self.system_ctx("renewal-sweep")).await?;
            tx.mark_licence_expiry_notified(l.id, today).await?;
            // An expired licence is not a reminder any more; it is only marked.
            if l.content.valid_until >= today {
                let body = if today <= last {
                    format!(
                        "您的《{}》（{number}）有效期至{}。如需延续，请于{last}前申请延续（《行政许可法》第五十条）。",
                        l.content.title, l.content.valid_until
                    )
                } else {
                    format!(
                        "您的《{}》（{number}）有效期至{}，已过申请延续的期限（{last}），到期后请申请新办。",
                        l.content.title, l.content.valid_until
                    )
                };
                crate::base::notify::notify(
                    &mut tx,
                    l.holder_account_id,
                    &format!("证照即将到期：{}", l.content.title),
                    &body,
                    &format!("/licences/{number}"),
                )
                .await?;
            }
            tx.audit(
                "licence.expiry_notice",
                "licence",
                &number,
                &[FieldChange {
                    field: "expiry_notified_on".to_owned(),
                    before: None,
                    after: Some(json!({ "on": today, "valid_until": l.content.valid_until, "renew_by": last })),
                }],
            )
            .await?;
            tx.commit().await?;
        }
        let mut deemed = 0;
        for row in self.store().open_licence_applications().await? {
            // Silence counts from acceptance: a case still at intake or waiting for the
            // applicant's correction is not the agency's silence.
            if LicenceAction::of_matter(&row.matter_name) != LicenceAction::Renew
                || matches!(
                    row.status,
                    ApplicationStatus::Submitted | ApplicationStatus::AwaitingSupplement
                )
            {
                continue;
            }
            let (Some(number), Some(filed)) = (row.licence_number.clone(), row.received_on) else {
                continue;
            };
            let Some(l) = self.store().licence_by_number(&number).await? else {
                continue;
            };
            if !renewal_deemed_granted(filed, l.content.valid_until, false, today) {
                continue;
            }
            if self.deem_renewal(&row, &number, today).await? {
                deemed += 1;
            }
        }
        Ok(deemed)
    }

    /// Grants one renewal as 第五十条 deems it: the review (if any) ends, the application is
    /// approved with the law's reason, the licence runs on, the grant decision is issued.
    /// False when someone decided it meanwhile.
    async fn deem_renewal(
        self,
        row: &ApplicationRow,
        number: &str,
        today: NaiveDate,
    ) -> ServiceResult<bool> {
        let mut tx = self.store().write(self.system_ctx("renewal-sweep")).await?;
        match tx
            .move_application(
                row.id,
                row.status,
                &ApplicationChange {
                    to: ApplicationStatus::Approved,
                    received_on: None,
                    accepted_on: None,
                    decided_on: Some(today),
                    correction_items: None,
                },
            )
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        if let Some(instance) = row.instance_id {
            self.process()
                .command_in(
                    &mut tx,
                    instance,
                    None,
                    Command::Terminate {
                        reason: DEEMED_RENEWAL.to_owned(),
                        by: None,
                    },
                    DEEMED_RENEWAL,
                )
                .await?;
        }
        tx.set_application_reasons(row.id, DEEMED_RENEWAL).await?;
        self.revise_licence(&mut tx, row, number, None, today)
            .await?;
        let document = self
            .issue_document(
                &mut tx,
                row,
                DocumentKind::GrantDecision,
                DocumentFacts {
                    accepted_on: row.accepted_on,
                    reason: DEEMED_RENEWAL.to_owned(),
                    licence_number: number.to_owned(),
                    ..DocumentFacts::default()
                },
                today,
            )
            .await?;
        let note = format!("{DEEMED_RENEWAL}（{document}）；证照 {number} 延续");
        record(
            &mut tx,
            Step {
                id: row.id,
                actor: None,
                action: "deemed_renewed",
                from: row.status,
                to: ApplicationStatus::Approved,
                note: &note,
                audit: "application.deemed_renewed",
                field: "decision",
                before: Some(json!(row.status)),
                after: json!({ "status": "approved", "reasons": DEEMED_RENEWAL, "document": document, "licence": number }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

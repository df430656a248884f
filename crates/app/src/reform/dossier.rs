//! One reform task's whole file (任务档案): what its page shows — the requirement, the lead and
//! cooperating units with their acceptance, milestones, dependencies, subtasks, reports with
//! evidence, notices and responses, inspection findings, open coordination cases and the
//! history of what was done to it — gathered in one read.

use super::review::FindingView;
use super::{CoordinationCase, TaskView, UseCases};
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::DepartmentId;
use fgf_domain::reform::TaskId;
use fgf_store::base::audit::{AuditEntry, AuditQuery};
use fgf_store::reform::{AcceptanceRow, MilestoneRow, ReportRow};
use fgf_store::Scope;
use std::collections::HashMap;

/// A unit's part of the task, named.
#[derive(Debug, Clone)]
pub struct UnitPart {
    pub row: AcceptanceRow,
    pub unit: String,
    pub unit_code: String,
}

/// A progress report with the name of who sent it.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub row: ReportRow,
    pub by: String,
}

/// Everything the task's page shows.
#[derive(Debug, Clone)]
pub struct TaskDossier {
    pub view: TaskView,
    pub plan_title: String,
    /// The task it was split from: (id, code, title).
    pub parent: Option<(TaskId, String, String)>,
    pub subtasks: Vec<TaskView>,
    /// The tasks it waits for: (id, code, title, done).
    pub depends_on: Vec<(TaskId, String, String, bool)>,
    pub milestones: Vec<MilestoneRow>,
    pub parts: Vec<UnitPart>,
    pub cases: Vec<CoordinationCase>,
    pub reports: Vec<ReportView>,
    pub notices: Vec<super::notice::NoticeView>,
    pub findings: Vec<FindingView>,
    /// What was done to the task, oldest first (its audit entries: who, when, what).
    pub history: Vec<AuditEntry>,
    /// The caller's unit leads the task (it reports) and the parts it has to answer.
    pub my_unit_leads: bool,
    pub my_open_part: Option<i64>,
}

impl UseCases<'_> {
    /// One task's file. Tasks are district documents every desk reads; notices are the
    /// caller's unit's (the reform office's: every unit's).
    pub async fn task_dossier(self, actor: &Actor, task_id: TaskId) -> ServiceResult<TaskDossier> {
        actor.scope(Permission::Workbench)?;
        let task = self.store().get_task(task_id).await?;
        let plan = self.store().get_plan(task.plan_id).await?;
        let board = self.compute_board(task.plan_id).await?;
        let by_id: HashMap<TaskId, &TaskView> = board.iter().map(|v| (v.task.id, v)).collect();
        let view = by_id
            .get(&task_id)
            .map(|v| (*v).clone())
            .ok_or_else(|| ServiceError::internal("a task missing from its plan's board"))?;
        let parent = view
            .task
            .parent_id
            .and_then(|p| by_id.get(&p))
            .map(|p| (p.task.id, p.task.code.clone(), p.task.title.clone()));
        let subtasks = board
            .iter()
            .filter(|v| v.task.parent_id == Some(task_id))
            .cloned()
            .collect();
        let depends_on = self
            .store()
            .plan_deps(task.plan_id)
            .await?
            .into_iter()
            .filter(|(t, _)| *t == task_id)
            .filter_map(|(_, d)| by_id.get(&d))
            .map(|d| {
                (
                    d.task.id,
                    d.task.code.clone(),
                    d.task.title.clone(),
                    d.light == fgf_domain::reform::Light::Done,
                )
            })
            .collect();
        let milestones = self
            .store()
            .plan_milestones(task.plan_id)
            .await?
            .into_iter()
            .filter(|m| m.task_id == task_id)
            .collect();
        let names = self.department_names().await?;
        let parts = self
            .store()
            .acceptances(Some(task.plan_id))
            .await?
            .into_iter()
            .filter(|a| a.task_id == task_id)
            .map(|row| {
                let (code, name) = names.get(&row.department_id).cloned().unwrap_or_default();
                UnitPart {
                    row,
                    unit: name,
                    unit_code: code,
                }
            })
            .collect::<Vec<_>>();
        let cases = self
            .compute_cases()
            .await?
            .into_iter()
            .filter(|c| c.task_id == task_id)
            .collect();
        // The reports are read once; each reporter's name once.
        let rows = self.store().task_reports(task_id).await?;
        let mut people: HashMap<fgf_domain::base::AccountId, String> = HashMap::new();
        for a in rows.iter().filter_map(|r| r.account_id) {
            if let std::collections::hash_map::Entry::Vacant(e) = people.entry(a) {
                let name = self
                    .store()
                    .get_account(&Scope::system("reporter's name"), a)
                    .await
                    .map(|acc| acc.display_name)
                    .unwrap_or_default();
                e.insert(name);
            }
        }
        let reports = rows
            .into_iter()
            .map(|row| ReportView {
                by: row
                    .account_id
                    .and_then(|a| people.get(&a).cloned())
                    .unwrap_or_default(),
                row,
            })
            .collect();
        let office = actor.scope(Permission::ReformManage).is_ok();
        let notices = if office || actor.department_id.is_some() {
            self.reform_notices(actor, office)
                .await?
                .into_iter()
                .filter(|n| n.notice.task_id == Some(task_id))
                .collect()
        } else {
            Vec::new()
        };
        let findings = self
            .findings(actor, Some(task.plan_id))
            .await?
            .into_iter()
            .filter(|f| f.row.task_id == task_id)
            .collect();
        let mut history = self
            .store()
            .list_audit(
                &Scope::system("a task's history on its page"),
                &AuditQuery {
                    object_type: Some("reform_task".to_owned()),
                    object_id: Some(task_id.to_string()),
                    ..AuditQuery::default()
                },
                fgf_store::Page::new(Some(1), Some(fgf_store::Page::MAX_PER_PAGE)),
            )
            .await?
            .items;
        history.sort_by_key(|e| e.seq);
        let mine: Option<DepartmentId> = actor.department_id;
        let my_unit_leads = mine == Some(task.lead_department_id);
        let my_open_part = parts
            .iter()
            .find(|p| {
                Some(p.row.department_id) == mine
                    && p.row.accepted_on.is_none()
                    && p.row.disputed_at_ms.is_none()
                    && p.row.resolved_at_ms.is_none()
            })
            .map(|p| p.row.id);
        Ok(TaskDossier {
            view,
            plan_title: plan.title,
            parent,
            subtasks,
            depends_on,
            milestones,
            parts,
            cases,
            reports,
            notices,
            findings,
            history,
            my_unit_leads,
            my_open_part,
        })
    }
}

impl UseCases<'_> {
    /// The task a coordination case is about (its page is where the case is settled).
    pub async fn case_task(self, actor: &Actor, case_id: i64) -> ServiceResult<TaskId> {
        actor.scope(Permission::Workbench)?;
        Ok(self.store().get_acceptance(case_id).await?.task_id)
    }
}

//! The demo district's reform plan: the tasks the seed speech asks for, with units, owners,
//! dates relative to the day the demo is created, dependencies, milestones and progress
//! reports in every state, so every light and list shows something real.

use crate::catalog::Sheet;
use crate::error::{ServiceError, ServiceResult};
use crate::App;
use fgf_domain::audit::FieldChange;
use fgf_store::reform::NewTask;
use serde_json::json;
use std::collections::HashMap;

const TASKS: &str = include_str!("demo/reform_tasks.csv");

impl App {
    /// Loads the demo plan in one transaction. Dates in the file are days from today.
    pub async fn load_demo_reform_plan(&self) -> ServiceResult<i64> {
        let sheet = Sheet::from_csv(TASKS).map_err(ServiceError::internal)?;
        let col = |h: &str| {
            sheet
                .headers
                .iter()
                .position(|x| x == h)
                .ok_or_else(|| ServiceError::internal(format!("demo plan column {h} missing")))
        };
        let c = |h: &str| col(h);
        let (code, parent, section, title, category, requirement, result, start, deadline) = (
            c("编号")?,
            c("上级编号")?,
            c("所属部分")?,
            c("任务名称")?,
            c("改革类别")?,
            c("工作要求")?,
            c("成果形式")?,
            c("开始")?,
            c("完成时限")?,
        );
        let (lead, partners, owner, weight, deps, milestones, reports, state) = (
            c("牵头单位")?,
            c("配合单位")?,
            c("责任人")?,
            c("权重")?,
            c("前置任务")?,
            c("节点")?,
            c("进展")?,
            c("状态")?,
        );
        let today = crate::clock::local_date(self.now_ms());
        let day = |cell: &str| -> ServiceResult<chrono::NaiveDate> {
            let n: i64 = cell
                .trim()
                .parse()
                .map_err(|_| ServiceError::internal(format!("demo plan day {cell:?}")))?;
            Ok(today + chrono::Duration::days(n))
        };
        let departments: HashMap<String, i64> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect();
        let mut rows: Vec<&Vec<String>> = sheet.rows.iter().map(|(_, r)| r).collect();
        // Parents before their subtasks.
        rows.sort_by_key(|r| r[code].matches('.').count());
        let mut tx = self.store().write(self.system_ctx("demo")).await?;
        let plan = tx
            .insert_plan("示范区深化放管服改革实施方案（2026年）", "approved", 25)
            .await?;
        let mut ids: HashMap<String, i64> = HashMap::new();
        for r in &rows {
            let lead_id = *departments
                .get(r[lead].trim())
                .ok_or_else(|| ServiceError::internal(format!("demo plan unit {}", r[lead])))?;
            let (s, dl) = (day(&r[start])?.to_string(), day(&r[deadline])?.to_string());
            let id = tx
                .insert_task(&NewTask {
                    plan_id: plan,
                    parent_id: ids.get(r[parent].trim()).copied(),
                    code: r[code].trim(),
                    title: r[title].trim(),
                    category: r[category].trim(),
                    requirement: r[requirement].trim(),
                    result_form: r[result].trim(),
                    start_date: &s,
                    deadline: &dl,
                    lead_department_id: lead_id,
                    owner: r[owner].trim(),
                    weight: r[weight].trim().parse().unwrap_or(1),
                    section: r[section].trim(),
                    partners: r[partners].trim(),
                })
                .await?;
            ids.insert(r[code].trim().to_owned(), id);
        }
        // Acceptance of each part: answered within a week of the start, except two disputes
        // and two parts let pass, which stand as coordination cases.
        let mut disputes = 0;
        let mut lapses = 0;
        for r in &rows {
            let id = ids[r[code].trim()];
            let start_day = day(&r[start])?;
            let due = (start_day + chrono::Duration::days(7)).to_string();
            let on = (start_day + chrono::Duration::days(3)).to_string();
            let lead_id = departments[r[lead].trim()];
            tx.insert_acceptance(
                id,
                lead_id,
                "lead",
                &due,
                (start_day < today).then_some((Some(on.as_str()), "", 0)),
            )
            .await?;
            // At most one case per task, so the cases spread over the plan.
            let mut case_here = false;
            for p in fgf_domain::catalog::split_list(&r[partners]) {
                let Some(pid) = departments.get(&p) else {
                    continue;
                };
                let open = !case_here && r[state].trim() == "推进中";
                let answered = if start_day >= today {
                    None
                } else if disputes < 2 && open {
                    disputes += 1;
                    case_here = true;
                    // Disputed on the third day after the start.
                    let at = self.now_ms() - (today - start_day).num_days().max(1) * 86_400_000
                        + 3 * 86_400_000;
                    Some((None, "该项工作不属于我单位职责，建议调整由主管部门承担", at))
                } else if lapses < 2 && disputes >= 2 && open {
                    lapses += 1;
                    case_here = true;
                    None
                } else {
                    Some((Some(on.as_str()), "", 0))
                };
                tx.insert_acceptance(id, *pid, "partner", &due, answered)
                    .await?;
            }
        }
        for r in &rows {
            let id = ids[r[code].trim()];
            for d in fgf_domain::catalog::split_list(&r[deps]) {
                if let Some(dep) = ids.get(&d) {
                    tx.insert_task_dep(id, *dep).await?;
                }
            }
            // Reports, oldest first; the last one sets the task's progress.
            let mut last = 0_i64;
            let mut reported: Vec<chrono::NaiveDate> = Vec::new();
            for rep in r[reports]
                .split('；')
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                let parts: Vec<&str> = rep.splitn(3, '|').collect();
                if let [d, pct, text] = parts[..] {
                    last = pct.trim().parse().unwrap_or(0);
                    let on = day(d)?;
                    reported.push(on);
                    tx.insert_report(id, &on.to_string(), last, text.trim(), "")
                        .await?;
                }
            }
            let status = match r[state].trim() {
                "已完成" => "completed",
                "申报完成" => "completion_claimed",
                "推进中" => "in_progress",
                _ => "not_started",
            };
            // A past milestone is met when the unit reported on or after its day.
            for m in r[milestones]
                .split('；')
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                if let Some((name, d)) = m.rsplit_once('@') {
                    let due = day(d)?;
                    let met = due < today
                        && (status == "completed" || reported.iter().any(|on| *on >= due));
                    tx.insert_milestone(
                        id,
                        name.trim(),
                        &due.to_string(),
                        met.then(|| self.now_ms()),
                    )
                    .await?;
                }
            }
            if status != "not_started" {
                tx.set_task_progress(id, "not_started", last, status)
                    .await?;
            }
        }
        tx.audit(
            "reform.demo_plan",
            "reform_plan",
            &plan.to_string(),
            &[FieldChange {
                field: "tasks".to_owned(),
                before: None,
                after: Some(json!(rows.len())),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(plan)
    }
}

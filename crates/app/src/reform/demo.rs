//! The demo district's reform plan: the tasks the seed speech asks for, with units, owners,
//! dates relative to the day the demo is created, dependencies, milestones and progress
//! reports in every state, so every light and list shows something real.

use super::UseCases;
use crate::catalog::Sheet;
use crate::error::{ServiceError, ServiceResult};
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::DepartmentId;
use fgf_domain::reform::plan::{Clause, Disposition, PlanStatus};
use fgf_domain::reform::TaskId;
use fgf_domain::reform::{MeritKind, TaskStatus, UnitRole};
use fgf_store::reform::NewTask;
use serde_json::json;
use std::collections::HashMap;

const TASKS: &str = include_str!("data/tasks.csv");

impl UseCases<'_> {
    /// Loads the demo plan in one transaction. Dates in the file are days from today.
    pub async fn load_demo_reform_plan(self) -> ServiceResult<i64> {
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
        let departments: HashMap<String, DepartmentId> = self
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
            .insert_plan(
                "示范区深化放管服改革实施方案（2026年）",
                PlanStatus::Approved,
                25,
            )
            .await?;
        let mut ids: HashMap<String, TaskId> = HashMap::new();
        for r in &rows {
            let lead_id = *departments
                .get(r[lead].trim())
                .ok_or_else(|| ServiceError::internal(format!("demo plan unit {}", r[lead])))?;
            let (s, dl) = (day(&r[start])?, day(&r[deadline])?);
            let id = tx
                .insert_task(&NewTask {
                    plan_id: plan,
                    parent_id: ids.get(r[parent].trim()).copied(),
                    code: r[code].trim(),
                    title: r[title].trim(),
                    category: r[category].trim(),
                    requirement: r[requirement].trim(),
                    result_form: r[result].trim(),
                    start_date: s,
                    deadline: dl,
                    lead_department_id: lead_id,
                    owner: r[owner].trim(),
                    weight: r[weight].trim().parse().unwrap_or(1),
                    section: r[section].trim(),
                    partners: r[partners].trim(),
                    clause: r[code].trim().split('.').next().unwrap_or_default(),
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
            let due = start_day + chrono::Duration::days(7);
            let on = start_day + chrono::Duration::days(3);
            let lead_id = departments[r[lead].trim()];
            tx.insert_acceptance(
                id,
                lead_id,
                UnitRole::Lead,
                "",
                due,
                (start_day < today).then_some((Some(on), "", 0)),
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
                    Some((Some(on), "", 0))
                };
                tx.insert_acceptance(id, *pid, UnitRole::Partner, "", due, answered)
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
                    tx.insert_report(id, on, last, text.trim(), "", &[]).await?;
                }
            }
            let status = match r[state].trim() {
                "已完成" => TaskStatus::Completed,
                "申报完成" => TaskStatus::CompletionClaimed,
                "推进中" => TaskStatus::InProgress,
                _ => TaskStatus::NotStarted,
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
                        && (status == TaskStatus::Completed
                            || reported.iter().any(|on| *on >= due));
                    tx.insert_milestone(id, name.trim(), due, met.then(|| self.now_ms()))
                        .await?;
                }
            }
            if status != TaskStatus::NotStarted {
                tx.set_task_progress(id, TaskStatus::NotStarted, last, status)
                    .await?;
            }
            if status == TaskStatus::Completed {
                let on = reported.last().copied().unwrap_or(today);
                tx.set_task_completed_on(id, Some(on)).await?;
            }
        }
        // The plan's text: each part of the speech with one clause per top-level task, as the
        // office wrote it before breaking it into tasks.
        let mut tops: Vec<&&Vec<String>> = rows
            .iter()
            .filter(|r| r[parent].trim().is_empty())
            .collect();
        tops.sort_by_key(|r| r[code].trim().parse::<u32>().unwrap_or(u32::MAX));
        let clauses: Vec<Clause> = tops
            .iter()
            .map(|r| Clause {
                section: r[section].trim().to_owned(),
                number: r[code].trim().to_owned(),
                body: format!("{}。{}", r[title].trim(), r[requirement].trim()),
            })
            .collect();
        tx.replace_clauses(plan, &clauses).await?;
        self.demo_plan_history(&mut tx, plan, &clauses, &departments, today)
            .await?;
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
        self.load_demo_review(plan).await?;
        self.load_demo_draft_plan().await?;
        Ok(plan)
    }

    /// Inspection, assessment, commendation and accountability, innovations and a bulletin on
    /// the published plan, so those pages show real records.
    async fn load_demo_review(self, plan: i64) -> ServiceResult<()> {
        use fgf_store::reform::review::NewMerit;
        let today = crate::clock::local_date(self.now_ms());
        let days = |n: i64| today + chrono::Duration::days(n);
        let tasks = self.store().plan_tasks(plan).await?;
        let task = |code: &str| {
            tasks
                .iter()
                .find(|t| t.code == code)
                .cloned()
                .ok_or_else(|| ServiceError::internal(format!("demo task {code}")))
        };
        let departments: HashMap<String, DepartmentId> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect();
        let unit = |c: &str| {
            departments
                .get(c)
                .copied()
                .ok_or_else(|| ServiceError::internal(format!("demo unit {c}")))
        };
        let mut tx = self.store().write(self.system_ctx("demo")).await?;
        let inspection = tx
            .insert_inspection(plan, "2026年第三季度改革任务监督检查", days(-60))
            .await?;
        for (code, finding, by) in [
            (
                "2.1",
                "事项要素录入进度滞后于计划，部分要素与法定依据不一致",
                -40,
            ),
            (
                "8",
                "“双随机”抽查计划未覆盖全部监管领域，结果未按时公示",
                -10,
            ),
            ("23", "医联体牵头医院未建立双向转诊台账", 10),
        ] {
            let t = task(code)?;
            tx.insert_finding(inspection, t.id, t.lead_department_id, finding, days(by))
                .await?;
        }
        for m in [
            NewMerit {
                kind: MeritKind::Commendation,
                department_id: unit("D03")?,
                person: "",
                category: "改革工作先进集体",
                reason: "率先完成权力清单和公共服务清单公布，清单动态调整机制获省级推广",
                document_no: "示改办〔2026〕12号",
                file_hash: None,
                decided_on: days(-80),
                task_id: Some(task("1")?.id),
            },
            NewMerit {
                kind: MeritKind::Accountability,
                department_id: unit("D08")?,
                person: "某科室负责人",
                category: "慢作为",
                reason: "分级诊疗制度建设任务逾期，经催办未按期书面说明",
                document_no: "示纪〔2026〕5号",
                file_hash: None,
                decided_on: days(-20),
                task_id: Some(task("23")?.id),
            },
        ] {
            tx.insert_merit(&m).await?;
        }
        let assessment = tx
            .insert_assessment(plan, "2026年度改革任务中期考核", days(-180), days(-1))
            .await?;
        for (code, score) in [
            ("1", 95),
            ("2.1", 82),
            ("9", 90),
            ("16", 72),
            ("23", 65),
            ("29", 78),
        ] {
            tx.set_quality_score(assessment, task(code)?.id, score, "")
                .await?;
        }
        let published = tx
            .insert_innovation(
                unit("D02")?,
                "“一窗通办”综合窗口改革",
                "将分散在18个部门的窗口整合为综合受理窗口，实行“前台综合受理、后台分类审批、统一窗口出件”，群众办事平均跑动次数由2.3次降至0.6次。",
                "一、主要做法\n按照“一窗受理、集成服务”要求，整合18个部门的127个专业窗口，设置企业开办、工程建设、社会事务等6类综合窗口，统一收件、统一出件。\n二、工作成效\n窗口数量减少45%，群众平均等候时间缩短至8分钟，“最多跑一次”事项占比达98%。",
            )
            .await?;
        tx.review_innovation(published, true, "做法可复制，予以发布")
            .await?;
        tx.insert_innovation(
            unit("S01")?,
            "社区“帮代办”服务点",
            "在社区党群服务中心设立帮代办服务点，为老年人、残疾人提供上门帮办和代办服务。",
            "在8个社区设立帮代办服务点，配备网格员兼任帮办员，全年代办事项1260件。",
        )
        .await?;
        tx.audit("reform.demo_review", "reform_plan", &plan.to_string(), &[])
            .await?;
        tx.commit().await?;
        // The first finding was rectified and verified, the second rectified and waiting.
        let findings = self.store().findings(Some(plan), None).await?;
        let mut tx = self.store().write(self.system_ctx("demo")).await?;
        let mut verified = None;
        for f in &findings {
            if f.finding.starts_with("事项要素") {
                tx.rectify_finding(f.id, "已完成1010项要素复核和法定依据校正，建立周调度机制")
                    .await?;
                verified = Some(f.id);
            } else if f.finding.starts_with("“双随机”") {
                tx.rectify_finding(f.id, "已补充食品、特种设备领域抽查计划，结果已在门户公示")
                    .await?;
            }
        }
        tx.audit("reform.demo_review", "reform_plan", &plan.to_string(), &[])
            .await?;
        tx.commit().await?;
        // The verification writes the rectified row again, so it is a transaction of its
        // own, as it is in the office's hands (one batch must not write a row twice).
        if let Some(id) = verified {
            let mut tx = self.store().write(self.system_ctx("demo")).await?;
            tx.verify_finding(id, true).await?;
            tx.audit("reform.demo_review", "reform_finding", &id.to_string(), &[])
                .await?;
            tx.commit().await?;
        }
        self.publish_results(self.system_ctx("demo"), assessment)
            .await?;
        let mut tx = self.store().write(self.system_ctx("demo")).await?;
        tx.appeal_result(
            assessment,
            unit("D08")?,
            "分级诊疗任务逾期系省级信息平台延期上线所致，申请核减",
        )
        .await?;
        tx.audit(
            "reform.demo_review",
            "reform_assessment",
            &assessment.to_string(),
            &[],
        )
        .await?;
        tx.commit().await?;
        self.write_bulletin(
            self.system_ctx("demo"),
            plan,
            &crate::reform::review::BulletinInput {
                from: today - chrono::Duration::days(30),
                to: today,
            },
        )
        .await?;
        Ok(())
    }

    /// The published plan's history: a consultation of five units (three with comments, one
    /// with none, one silent), every comment disposed of, the meeting, submission, approval.
    async fn demo_plan_history(
        &self,
        tx: &mut fgf_store::WriteTx,
        plan: i64,
        clauses: &[Clause],
        departments: &HashMap<String, DepartmentId>,
        today: chrono::NaiveDate,
    ) -> ServiceResult<()> {
        let due = today - chrono::Duration::days(170);
        let at = self.now_ms() - 172 * 86_400_000;
        let unit = |c: &str| {
            departments
                .get(c)
                .copied()
                .ok_or_else(|| ServiceError::internal(format!("demo unit {c}")))
        };
        tx.insert_plan_event(
            plan,
            1,
            "consultation",
            &format!("第1轮，{due}前反馈"),
            None,
        )
        .await?;
        for (code, replied) in [
            ("D02", Some(false)),
            ("D03", Some(false)),
            ("D07", Some(false)),
            ("D13", Some(true)),
            ("D14", None),
        ] {
            tx.insert_consultee(plan, 1, unit(code)?, due, replied.map(|none| (at, none)))
                .await?;
        }
        let first = |n: usize| clauses.get(n).map_or("1", |c| c.number.as_str());
        for (code, clause, body, disposition) in [
            (
                "D02",
                first(1),
                "建议将“掌上办”高频事项由50项调整为分两批实施，首批30项。",
                (
                    Disposition::Partly,
                    "首批30项写入年度计划，全年目标仍为50项",
                ),
            ),
            (
                "D03",
                first(0),
                "建议明确清单动态调整的责任单位和时限。",
                (Disposition::Adopted, ""),
            ),
            (
                "D07",
                first(4),
                "建议将集团化办学覆盖率目标写入考核指标。",
                (
                    Disposition::Rejected,
                    "属教育部门年度考核内容，不在本方案中重复设定",
                ),
            ),
        ] {
            tx.insert_comment(plan, 1, unit(code)?, clause, body, Some(disposition))
                .await?;
        }
        for (kind, note) in [
            (
                "record_meeting",
                "区委全面深化改革委员会第X次会议审议通过，意见已吸收",
            ),
            ("submit", "报区委、区政府审定"),
            ("approve", "区委、区政府审定印发"),
        ] {
            tx.insert_plan_event(plan, 1, kind, note, None).await?;
        }
        tx.insert_plan_version(plan, 1, "示范区深化放管服改革实施方案（2026年）", clauses)
            .await?;
        tx.set_plan_status(
            plan,
            PlanStatus::Approved,
            PlanStatus::Approved,
            None,
            Some(at + 10 * 86_400_000),
        )
        .await?;
        Ok(())
    }

    /// A second plan, still a draft with its text and first tasks, for the office to send
    /// for consultation: the walk through the consultation the demo starts from.
    async fn load_demo_draft_plan(self) -> ServiceResult<i64> {
        let today = crate::clock::local_date(self.now_ms());
        let clauses = fgf_domain::reform::plan::parse_plan_text(DRAFT_PLAN)
            .map_err(|e| ServiceError::internal(format!("demo draft plan: {e}")))?;
        let departments: HashMap<String, DepartmentId> = self
            .store()
            .all_departments()
            .await?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect();
        let mut tx = self.store().write(self.system_ctx("demo")).await?;
        let plan = tx
            .insert_plan(
                "示范区优化营商环境三年行动方案（2027—2029年）",
                PlanStatus::Draft,
                25,
            )
            .await?;
        tx.replace_clauses(plan, &clauses).await?;
        for (code, clause, title, lead, owner, days) in [
            (
                "1",
                "1",
                "企业开办全程网办、一日办结",
                "D04",
                "刘建华（市场监管局副局长）",
                10,
            ),
            (
                "2",
                "2",
                "工程建设项目审批全流程控制在60个工作日内",
                "D03",
                "王立新（行政审批局局长）",
                90,
            ),
            (
                "3",
                "4",
                "涉企检查“综合查一次”",
                "D04",
                "周涛（市场监管局执法大队大队长）",
                120,
            ),
        ] {
            let lead_id = *departments
                .get(lead)
                .ok_or_else(|| ServiceError::internal(format!("demo unit {lead}")))?;
            let id = tx
                .insert_task(&NewTask {
                    plan_id: plan,
                    parent_id: None,
                    code,
                    title,
                    category: "放管服",
                    requirement: clauses
                        .iter()
                        .find(|c| c.number == clause)
                        .map_or("", |c| c.body.as_str()),
                    result_form: "工作机制",
                    start_date: today,
                    deadline: today + chrono::Duration::days(days),
                    lead_department_id: lead_id,
                    owner,
                    weight: 3,
                    section: clauses
                        .iter()
                        .find(|c| c.number == clause)
                        .map_or("", |c| c.section.as_str()),
                    partners: "",
                    clause,
                })
                .await?;
            self.open_acceptances(&mut tx, id, lead_id, &[]).await?;
        }
        tx.audit(
            "reform.demo_plan",
            "reform_plan",
            &plan.to_string(),
            &[FieldChange {
                field: "clauses".to_owned(),
                before: None,
                after: Some(json!(clauses.len())),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(plan)
    }
}

/// The demo's draft plan, as the reform office typed it.
const DRAFT_PLAN: &str = "\
一、提升政务服务效能
1 企业开办全程网办、一日办结：申请人通过“一网通办”一次提交营业执照、公章刻制、发票申领、社保登记材料，当日办结，全程免费。
2 工程建设项目审批全流程控制在60个工作日内，推行“多测合一”“联合验收”。
3 高频政务服务事项“跨省通办”，年底前实现100项以上。
二、加强事中事后监管
4 涉企检查“综合查一次”：同一部门对同一企业的多项检查一次完成，跨部门检查联合实施，结果互认。
5 推行信用分级分类监管，对守信企业“无事不扰”，对失信企业提高抽查比例。
三、保障措施
6 各牵头单位明确责任人，每月25日前报送进展；区委改革办每季度通报。
";

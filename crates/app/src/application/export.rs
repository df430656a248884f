//! The case records (办件) in the data items of GB/T 39046-2020 (RULES.md §1.5), for reporting
//! to the provincial platform: JSON, and an xlsx workbook of cases and steps (cells guarded
//! against formulas like every export).

use super::UseCases;
use crate::catalog::{to_xlsx, Sheet};
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use fgf_domain::application::{ApplicationStatus, DocumentKind};
use fgf_domain::base::permission::Permission;
use fgf_domain::catalog::MatterDoc;
use fgf_store::application::ApplicationFilter;
use fgf_store::{Page, Scope};
use serde::Serialize;

/// One 环节 of a case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseStep {
    /// 环节名称.
    pub name: String,
    /// 处理人.
    pub handler: String,
    /// 处理意见.
    pub opinion: String,
    /// 业务动作: 通过, 退回 or 其他.
    pub action: String,
    /// 开始时间 and 结束时间 (the step is recorded when done).
    pub started_at: String,
    pub ended_at: String,
    /// 环节办理状态: 1 待办, 2 已办.
    pub state: String,
}

/// One case as GB/T 39046 names its data items.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRecord {
    /// 办件编号.
    pub case_number: String,
    /// 实施编码 (the matter's code).
    pub implementation_code: String,
    pub matter_name: String,
    /// 受理单位 (the accepting department's code and name).
    pub accepting_unit_code: String,
    pub accepting_unit: String,
    /// 受理时间.
    pub accepted_on: String,
    /// 受理文书编号.
    pub acceptance_document: String,
    /// 承诺办结时间.
    pub promised_by: String,
    /// 办件类型代码 (A.6: 1 即办件, 2 承诺件, 9 其他).
    pub case_type: String,
    /// 办件状态 as the 好差评 interfaces reduce it: 1 待受理, 2 已受理, 3 已办结.
    pub state: String,
    /// The platform's own status word.
    pub status: String,
    /// 办结时间.
    pub closed_on: String,
    /// 结果证照名称 and 编号.
    pub licence_name: String,
    pub licence_number: String,
    /// 是否快递寄送结果: 1 是, 0 否.
    pub posted: String,
    pub steps: Vec<CaseStep>,
}

fn step_of(action: &str) -> (&'static str, &'static str) {
    match action {
        "submitted" => ("收件", "通过"),
        "supplement_requested" => ("补正告知", "退回"),
        "supplied" => ("补正", "通过"),
        "accepted" | "deemed_accepted" => ("受理", "通过"),
        "not_accepted_no_licence" | "not_accepted_wrong_authority" => ("受理", "其他"),
        "review_assigned" => ("指派核查", "通过"),
        "verified" => ("核查", "通过"),
        "granted" => ("决定", "通过"),
        "denied" => ("决定", "其他"),
        "paused" | "resumed" => ("特别程序", "其他"),
        "extended" => ("延期", "其他"),
        "delivered" => ("送达", "通过"),
        _ => ("其他", "其他"),
    }
}

impl UseCases<'_> {
    /// The cases the caller may read (drafts aside), newest first, at most 5,000 a call.
    pub async fn gbt_cases(self, actor: &Actor) -> ServiceResult<Vec<CaseRecord>> {
        actor
            .scope(Permission::ApplicationIntake)
            .or_else(|_| actor.scope(Permission::ApplicationReview))?;
        let rows = self
            .applications(
                actor,
                &ApplicationFilter::default(),
                Page::new(Some(1), Some(5000)),
            )
            .await?
            .items;
        let mut out = Vec::new();
        for v in rows
            .into_iter()
            .filter(|v| v.status != ApplicationStatus::Draft)
        {
            let d = self.application(actor, v.id).await?;
            let row = self
                .store()
                .get_application(&Scope::system("export a case"), v.id)
                .await?;
            let dept = self
                .store()
                .get_department(&Scope::system("export a case"), row.department_id)
                .await?;
            let version = self
                .store()
                .matter_version(row.matter_id, row.matter_version)
                .await?;
            let doc: MatterDoc =
                serde_json::from_str(&version.doc).map_err(ServiceError::internal)?;
            let state = match v.status {
                ApplicationStatus::Submitted | ApplicationStatus::AwaitingSupplement => "1",
                s if s.is_final()
                    || matches!(
                        s,
                        ApplicationStatus::Approved
                            | ApplicationStatus::Rejected
                            | ApplicationStatus::Delivered
                    ) =>
                {
                    "3"
                }
                _ => "2",
            };
            let licence = d.licences.first();
            out.push(CaseRecord {
                case_number: v.number.clone(),
                implementation_code: v.matter_code.clone(),
                matter_name: v.matter_name.clone(),
                accepting_unit_code: dept.code,
                accepting_unit: dept.name,
                accepted_on: v.accepted_on.map(|d| d.to_string()).unwrap_or_default(),
                acceptance_document: d
                    .documents
                    .iter()
                    .find(|x| x.kind == DocumentKind::AcceptanceNotice)
                    .map(|x| x.number.clone())
                    .unwrap_or_default(),
                promised_by: v.due.map(|d| d.to_string()).unwrap_or_default(),
                case_type: doc.case_type.code().to_owned(),
                state: state.to_owned(),
                status: v.status.to_string(),
                closed_on: row.decided_on.map(|d| d.to_string()).unwrap_or_default(),
                licence_name: licence.map(|l| l.content.title.clone()).unwrap_or_default(),
                licence_number: licence.map(|l| l.number.clone()).unwrap_or_default(),
                posted: if v.delivery.as_ref().is_some_and(|x| x.method == "post") {
                    "1"
                } else {
                    "0"
                }
                .to_owned(),
                steps: d
                    .events
                    .iter()
                    .map(|e| {
                        let (name, action) = step_of(&e.action);
                        let at = crate::clock::rfc3339(e.at_ms);
                        CaseStep {
                            name: name.to_owned(),
                            handler: e.actor_name.clone().unwrap_or_else(|| "系统".to_owned()),
                            opinion: e.note.clone(),
                            action: action.to_owned(),
                            started_at: at.clone(),
                            ended_at: at,
                            state: "2".to_owned(),
                        }
                    })
                    .chain(d.review.iter().filter(|s| !s.done).map(|s| CaseStep {
                        name: s.name.clone(),
                        handler: s.assignee.clone().unwrap_or_default(),
                        opinion: String::new(),
                        action: String::new(),
                        started_at: String::new(),
                        ended_at: String::new(),
                        state: "1".to_owned(),
                    }))
                    .collect(),
            });
        }
        Ok(out)
    }

    /// The same records as an xlsx workbook: sheet 办件 and sheet 环节.
    pub async fn gbt_cases_xlsx(self, actor: &Actor) -> ServiceResult<Vec<u8>> {
        let cases = self.gbt_cases(actor).await?;
        let headers = |h: &[&str]| h.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let mut c = Sheet {
            headers: headers(&[
                "办件编号",
                "实施编码",
                "事项名称",
                "受理单位代码",
                "受理单位",
                "受理时间",
                "受理文书编号",
                "承诺办结时间",
                "办件类型代码",
                "办件状态",
                "办结时间",
                "结果证照名称",
                "结果证照编号",
                "是否快递寄送结果",
            ]),
            rows: Vec::new(),
        };
        let mut s = Sheet {
            headers: headers(&[
                "办件编号",
                "环节名称",
                "处理人",
                "处理意见",
                "业务动作",
                "开始时间",
                "结束时间",
                "环节办理状态",
            ]),
            rows: Vec::new(),
        };
        for (i, r) in cases.iter().enumerate() {
            c.rows.push((
                i + 2,
                vec![
                    r.case_number.clone(),
                    r.implementation_code.clone(),
                    r.matter_name.clone(),
                    r.accepting_unit_code.clone(),
                    r.accepting_unit.clone(),
                    r.accepted_on.clone(),
                    r.acceptance_document.clone(),
                    r.promised_by.clone(),
                    r.case_type.clone(),
                    r.state.clone(),
                    r.closed_on.clone(),
                    r.licence_name.clone(),
                    r.licence_number.clone(),
                    r.posted.clone(),
                ],
            ));
            for st in &r.steps {
                let n = s.rows.len() + 2;
                s.rows.push((
                    n,
                    vec![
                        r.case_number.clone(),
                        st.name.clone(),
                        st.handler.clone(),
                        st.opinion.clone(),
                        st.action.clone(),
                        st.started_at.clone(),
                        st.ended_at.clone(),
                        st.state.clone(),
                    ],
                ));
            }
        }
        to_xlsx(&[("办件", &c), ("环节", &s)]).map_err(ServiceError::internal)
    }
}

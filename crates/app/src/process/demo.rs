//! The process part's demo data: the demo district's approval flows, published, with two
//! applications under way.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use serde_json::json;

/// The demo district's approval flow, made in the node-tree designer: 受理 → 审查 → (amount
/// over 100 万: 部门会签) → 抄送 leader → 决定, with a 5-working-day reminder on 决定.
pub fn demo_flow() -> fgf_engine::designer::Flow {
    serde_json::from_value(serde_json::json!({
        "id": "licence_approval",
        "name": "行政许可审批（示范）",
        "nodes": [
            {"type": "handle", "id": "accept", "name": "受理", "approvers": {"type": "users", "value": ["clerk"]}, "fields": {}, "timeout": null},
            {"type": "approval", "id": "review", "name": "审查", "approvers": {"type": "users", "value": ["reviewer"]}, "mode": {"type": "single"}, "on_empty": null, "on_initiator": null, "fields": {}, "timeout": null},
            {"type": "branch", "id": "amount", "name": "金额判断", "branches": [
                {"name": "重大事项", "condition": "${amount > 1000000}", "default": false, "nodes": [
                    {"type": "approval", "id": "countersign", "name": "部门会签", "approvers": {"type": "users", "value": ["reviewer", "keeper"]}, "mode": {"type": "all"}, "on_empty": null, "on_initiator": null, "fields": {}, "timeout": null}
                ]},
                {"name": "一般事项", "condition": null, "default": true, "nodes": []}
            ]},
            {"type": "copy", "id": "cc_leader", "name": "抄送领导", "readers": {"type": "users", "value": ["leader"]}},
            {"type": "approval", "id": "decide", "name": "决定", "approvers": {"type": "users", "value": ["leader"]}, "mode": {"type": "single"}, "on_empty": null, "on_initiator": null, "fields": {}, "timeout": {"working_days": 5, "action": "remind"}}
        ]
    }))
    .unwrap_or_else(|_| fgf_engine::designer::Flow { id: "licence_approval".to_owned(), name: "行政许可审批（示范）".to_owned(), nodes: Vec::new() })
}

/// The demo flow of on-the-spot matters (即办件): accepted and decided at the window.
pub fn instant_flow() -> fgf_engine::designer::Flow {
    serde_json::from_value(serde_json::json!({
        "id": "instant_handling",
        "name": "即办件办理（示范）",
        "nodes": [
            {"type": "handle", "id": "handle", "name": "窗口受理即办", "approvers": {"type": "users", "value": ["clerk"]}, "fields": {}, "timeout": null}
        ]
    }))
    .unwrap_or_else(|_| fgf_engine::designer::Flow { id: "instant_handling".to_owned(), name: "即办件办理（示范）".to_owned(), nodes: Vec::new() })
}

impl UseCases<'_> {
    /// Publishes the demo flow and starts two applications: one waiting at 受理 (the clerk's
    /// to-do) and one already at 审查 (the reviewer's).
    pub async fn seed_demo_processes(self) -> ServiceResult<()> {
        for f in [instant_flow(), demo_flow()] {
            let xml = fgf_engine::designer::to_bpmn(&f)
                .map_err(|e| ServiceError::internal(format!("demo flow: {e:?}")))?;
            let designer = serde_json::to_string(&f).map_err(ServiceError::internal)?;
            self.process()
                .deploy_process(self.system_ctx("demo"), &xml, Some(&designer), true, None)
                .await?;
        }
        let flow = demo_flow();
        let (clerk, _) = self
            .store()
            .find_account_for_login("clerk")
            .await?
            .ok_or_else(|| ServiceError::internal("demo clerk missing"))?;
        let dept = self
            .store()
            .posts_of(clerk.id)
            .await?
            .first()
            .map(|p| p.department_id);
        let mut ctx = self.system_ctx("clerk");
        ctx.actor_account_id = Some(clerk.id);
        ctx.department_id = dept;
        for (i, amount) in [(1, 50_000), (2, 2_000_000)] {
            let vars: fgf_engine::Vars = [
                ("amount".to_owned(), json!(amount)),
                (
                    "countersign_approvers".to_owned(),
                    json!(["reviewer", "keeper"]),
                ),
            ]
            .into_iter()
            .collect();
            let id = self
                .process()
                .start_process(
                    ctx.clone(),
                    Some("clerk".to_owned()),
                    &flow.id,
                    vars,
                    &format!("SQ2026-{i:04}"),
                    dept,
                )
                .await?;
            if i == 2 {
                let items = self.store().work_items_of(id).await?;
                if let Some(w) = items
                    .iter()
                    .find(|w| w.status == fgf_domain::process::WorkItemStatus::Open)
                {
                    let exec = u32::try_from(w.exec_id).map_err(ServiceError::internal)?;
                    self.process()
                        .process_command(
                            ctx.clone(),
                            id,
                            Some("clerk".to_owned()),
                            fgf_engine::Command::CompleteTask {
                                exec,
                                vars: fgf_engine::Vars::new(),
                                by: Some("clerk".to_owned()),
                            },
                            "材料齐全，予以受理",
                        )
                        .await?;
                }
            }
        }
        Ok(())
    }
}

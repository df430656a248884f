//! What staff read of the process runtime besides an instance's state: the deployed
//! definitions, an instance's work items and history, and the inbox's three boxes. Each
//! takes the caller, so the check is here whichever page or endpoint asks.

use super::runtime::role_codes;
use super::UseCases;
use crate::error::ServiceResult;
use crate::Actor;
use fgf_domain::base::permission::Permission;
use fgf_domain::process::InstanceId;
use fgf_store::process::{CopyRow, ProcessDefinitionRow, ProcessEventRow, WorkItemRow};
use fgf_store::{Page, Paged};
use std::collections::HashMap;

/// What an inbox row says of the case behind a work item: which process, for what business,
/// and the step names (a copy names its step, never its node id).
#[derive(Debug, Clone)]
pub struct InstanceHeader {
    pub definition_name: String,
    pub definition_key: String,
    pub business_key: String,
    pub running: bool,
    /// The names of the steps by node id (see [`UseCases::node_names`]).
    pub steps: HashMap<String, String>,
    /// The working-day deadlines running on it (see [`UseCases::instance_deadlines`]).
    pub deadlines: Vec<super::InstanceDeadline>,
}

impl InstanceHeader {
    /// A step by its name, or nothing for an unnamed one (a gateway).
    pub fn step(&self, node: &str) -> String {
        self.steps.get(node).cloned().unwrap_or_default()
    }
}

impl UseCases<'_> {
    /// Every deployed definition, for whoever works on the workbench or designs processes
    /// (the designer opens a definition to edit its next version).
    pub async fn definitions(self, actor: &Actor) -> ServiceResult<Vec<ProcessDefinitionRow>> {
        may_read_definitions(actor)?;
        Ok(self.store().list_process_definitions().await?)
    }

    /// One deployed definition (see [`UseCases::definitions`]).
    pub async fn definition(self, actor: &Actor, id: i64) -> ServiceResult<ProcessDefinitionRow> {
        may_read_definitions(actor)?;
        Ok(self.store().get_process_definition(id).await?)
    }

    /// The instance's work items, if the caller may read the instance.
    pub async fn instance_work_items(
        self,
        actor: &Actor,
        id: InstanceId,
    ) -> ServiceResult<Vec<WorkItemRow>> {
        self.instance_row(actor, id).await?;
        Ok(self.store().work_items_of(id).await?)
    }

    /// The instance's history, if the caller may read the instance.
    pub async fn instance_events(
        self,
        actor: &Actor,
        id: InstanceId,
    ) -> ServiceResult<Vec<ProcessEventRow>> {
        self.instance_row(actor, id).await?;
        Ok(self.store().process_events(id).await?)
    }

    /// The header of each instance the caller may reach among `ids` (others are left out),
    /// for the rows of the inbox.
    pub async fn instance_headers(
        self,
        actor: &Actor,
        ids: &[InstanceId],
    ) -> crate::error::ServiceResult<HashMap<InstanceId, InstanceHeader>> {
        let mut out = HashMap::new();
        let mut definitions: HashMap<i64, ProcessDefinitionRow> = HashMap::new();
        for id in ids {
            if out.contains_key(id) {
                continue;
            }
            let Ok((row, inst)) = self.process_instance(actor, *id).await else {
                continue;
            };
            let def = match definitions.entry(row.definition_id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    self.store()
                        .get_process_definition(row.definition_id)
                        .await?,
                ),
            };
            let steps = self.node_names(row.definition_id, &inst).await?;
            let deadlines = self.instance_deadlines(row.definition_id, &inst).await?;
            out.insert(
                *id,
                InstanceHeader {
                    definition_name: def.name.clone(),
                    definition_key: def.key.clone(),
                    business_key: row.business_key.clone(),
                    running: inst.status == fgf_engine::Status::Running,
                    steps,
                    deadlines,
                },
            );
        }
        Ok(out)
    }

    /// One work item the caller may act on or has acted on: its own, offered to its roles,
    /// done by it, or of an instance it may read; otherwise not found.
    pub async fn work_item(
        self,
        actor: &Actor,
        id: i64,
    ) -> crate::error::ServiceResult<WorkItemRow> {
        actor.scope(Permission::Workbench)?;
        let wi = self.store().get_work_item(id).await?;
        self.instance_row(actor, wi.instance_id).await?;
        Ok(wi)
    }

    /// 待办: the work items assigned to the caller or offered to one of the caller's roles.
    pub async fn inbox_todo(self, actor: &Actor, page: Page) -> ServiceResult<Paged<WorkItemRow>> {
        actor.scope(Permission::Workbench)?;
        Ok(self
            .store()
            .inbox_todo(&actor.account.username, &role_codes(actor), page)
            .await?)
    }

    /// 已办: the work items the caller completed.
    pub async fn inbox_done(self, actor: &Actor, page: Page) -> ServiceResult<Paged<WorkItemRow>> {
        actor.scope(Permission::Workbench)?;
        Ok(self
            .store()
            .inbox_done(&actor.account.username, page)
            .await?)
    }

    /// 抄送我的: the copies sent to the caller.
    pub async fn inbox_copies(self, actor: &Actor, page: Page) -> ServiceResult<Paged<CopyRow>> {
        actor.scope(Permission::Workbench)?;
        Ok(self
            .store()
            .inbox_copies(&actor.account.username, page)
            .await?)
    }
}

fn may_read_definitions(actor: &Actor) -> ServiceResult<()> {
    actor
        .scope(Permission::Workbench)
        .or_else(|_| actor.scope(Permission::ProcessDesign))?;
    Ok(())
}

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

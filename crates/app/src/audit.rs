//! Reading the audit trail (审计日志) and checking its chain.

use crate::error::ServiceResult;
use crate::{Actor, App};
use fgf_domain::permission::Permission;
use fgf_store::audit::{AuditEntry, AuditQuery, Verify};
use fgf_store::{Page, Paged};

impl App {
    pub async fn list_audit(
        &self,
        actor: &Actor,
        q: &AuditQuery,
        page: Page,
    ) -> ServiceResult<Paged<AuditEntry>> {
        let scope = actor.scope(Permission::AuditRead)?;
        Ok(self.store().list_audit(&scope, q, page).await?)
    }

    pub async fn get_audit_entry(&self, actor: &Actor, seq: i64) -> ServiceResult<AuditEntry> {
        let scope = actor.scope(Permission::AuditRead)?;
        let q = AuditQuery::default();
        // Entries are immutable, so a page of one starting at `seq` is the entry itself.
        let page = self.store().list_audit_from(&scope, &q, seq).await?;
        page.ok_or_else(|| {
            crate::ServiceError::not_found("not_found")
                .arg("audit_entry")
                .arg(seq)
        })
    }

    pub async fn verify_audit(&self, actor: &Actor) -> ServiceResult<Verify> {
        actor.scope(Permission::AuditRead)?;
        Ok(self.store().verify_audit().await?)
    }
}

//! Reading the audit trail (审计日志) and checking its chain; the login log (登录日志); keeping
//! and reading refused attempts (越权访问记录), which the security and audit administrators
//! search like the login log.

use super::UseCases;
use crate::error::ServiceResult;
use crate::Actor;
use fgf_domain::base::permission::Permission;
use fgf_store::base::audit::{AuditEntry, AuditQuery, Verify};
use fgf_store::base::session::{LoginLog, LoginLogQuery};
use fgf_store::refusal::{NewRefusal, Refusal, RefusalQuery};
use fgf_store::{Page, Paged};

impl UseCases<'_> {
    pub async fn list_audit(
        &self,
        actor: &Actor,
        q: &AuditQuery,
        page: Page,
    ) -> ServiceResult<Paged<AuditEntry>> {
        let scope = actor.scope(Permission::AuditRead)?;
        Ok(self.store().list_audit(&scope, q, page).await?)
    }

    pub async fn get_audit_entry(self, actor: &Actor, seq: i64) -> ServiceResult<AuditEntry> {
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

    pub async fn verify_audit(self, actor: &Actor) -> ServiceResult<Verify> {
        actor.scope(Permission::AuditRead)?;
        Ok(self.store().verify_audit().await?)
    }

    /// Sign-ins, failures and sign-outs, newest first; for the holders of `login_log.read`.
    pub async fn login_log(
        &self,
        actor: &Actor,
        q: &LoginLogQuery,
        page: Page,
    ) -> ServiceResult<Paged<LoginLog>> {
        let scope = actor.scope(Permission::LoginLogRead)?;
        Ok(self.store().list_login_log(&scope, q, page).await?)
    }

    /// Records a refused attempt (coalesced per caller, route, code and minute). A failure
    /// to record is logged, never turned into the caller's answer: the refusal stands.
    pub async fn record_refusal(self, refusal: &NewRefusal<'_>) {
        let max_rows = self.config().security.refusal_max_rows;
        if let Err(e) = self.store().record_refusal(refusal, max_rows).await {
            tracing::error!(error = %e, "cannot record a refused attempt");
        }
    }

    /// Refused attempts, newest first; for the holders of `login_log.read` (the security and
    /// audit administrators).
    pub async fn list_refusals(
        &self,
        actor: &Actor,
        q: &RefusalQuery,
        page: Page,
    ) -> ServiceResult<Paged<Refusal>> {
        let scope = actor.scope(Permission::LoginLogRead)?;
        Ok(self.store().list_refusals(&scope, q, page).await?)
    }
}

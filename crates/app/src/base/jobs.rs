//! The base's background jobs, and the list of recent jobs the system administrator reads.

use super::UseCases;
use crate::error::ServiceResult;
use crate::jobs::{JobHandler, JobRegistry};
use crate::{Actor, App};
use async_trait::async_trait;
use fgf_domain::base::permission::Permission;
use fgf_store::base::audit::Verify;
use fgf_store::job::Job;
use fgf_store::Scope;
use serde_json::Value;
use std::sync::Arc;

/// Registers the base's job handlers.
pub(crate) fn register(r: &mut JobRegistry) {
    r.register("audit.verify", Arc::new(AuditVerifyJob));
}

impl UseCases<'_> {
    /// The latest `limit` background jobs, newest first; for the holders of `job.read`.
    pub async fn list_jobs(self, actor: &Actor, limit: i64) -> ServiceResult<Vec<Job>> {
        actor.scope(Permission::JobRead)?;
        Ok(self.store().list_jobs(limit).await?)
    }
}

/// Walks the audit chain and tells every audit administrator when it is broken.
struct AuditVerifyJob;

#[async_trait]
impl JobHandler for AuditVerifyJob {
    async fn run(&self, app: &App, _payload: &Value) -> Result<(), String> {
        let res = app
            .store()
            .verify_audit()
            .await
            .map_err(|e| e.to_string())?;
        if let Verify::Broken { seq, problem } = res {
            tracing::error!(seq, %problem, "audit chain broken");
            let scope = Scope::system("find audit administrators to alert");
            let auditors = app
                .store()
                .list_accounts(
                    &scope,
                    &fgf_store::base::account::AccountQuery::default(),
                    fgf_store::Page::new(Some(1), Some(200)),
                )
                .await
                .map_err(|e| e.to_string())?;
            let mut tx = app
                .store()
                .write(app.system_ctx("job:audit.verify"))
                .await
                .map_err(|e| e.to_string())?;
            for a in auditors.items {
                for p in app
                    .store()
                    .posts_of(a.id)
                    .await
                    .map_err(|e| e.to_string())?
                {
                    let grants = app
                        .store()
                        .load_grants(a.id, p.department_id)
                        .await
                        .map_err(|e| e.to_string())?;
                    if grants.is_some_and(|g| g.has(Permission::AuditRead)) {
                        crate::base::notify::notify(
                            &mut tx,
                            a.id,
                            "审计日志链校验失败",
                            &problem,
                            &format!("/admin/audit?from_seq={seq}"),
                        )
                        .await
                        .map_err(|e| e.to_string())?;
                        break;
                    }
                }
            }
            tx.audit("audit.chain_broken", "audit_entry", &seq.to_string(), &[])
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

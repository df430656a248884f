//! What the operations endpoints ask of a node: whether its store answers (`/healthz`) and the
//! few counts `/metrics` shows. None of these take a caller: the web layer decides who may
//! ask (the health check is public, the metrics admit the monitoring system alone).

use crate::error::ServiceResult;
use crate::App;

impl App {
    /// Whether the store answers a trivial query: the node can serve.
    pub async fn check_store(&self) -> ServiceResult<()> {
        Ok(self.store().ping().await?)
    }

    /// Entries in the audit trail.
    pub async fn count_audit_entries(&self) -> ServiceResult<i64> {
        Ok(self.store().count_audit().await?)
    }

    /// Sessions neither expired nor revoked now (在线用户).
    pub async fn count_live_sessions(&self) -> ServiceResult<i64> {
        Ok(self.store().count_live_sessions(self.now_ms()).await?)
    }

    /// The store's backend as the build information names it (`sqlite` or `postgres`).
    pub fn store_backend(&self) -> &'static str {
        self.store().backend().name()
    }
}

//! Idempotency keys: a retried creating POST with the same `Idempotency-Key` gets the first
//! answer back instead of creating a second record. The hash of the first request is kept
//! with it, so a key reused for a different request can be told from a retry.

use crate::sql::Sql;
use crate::{get_i64, get_str, Result, Store};
use fgf_domain::base::AccountId;

#[derive(Debug, Clone)]
pub struct IdemRecord {
    pub request_path: String,
    /// SM3 of the method, path and body of the first request; empty for rows stored before
    /// migration 0016, whose request is unknown.
    pub request_hash: String,
    pub status: i64,
    pub body: String,
}

impl Store {
    pub async fn find_idempotent(
        &self,
        account_id: AccountId,
        key: &str,
    ) -> Result<Option<IdemRecord>> {
        let mut sql = Sql::new(
            "select request_path, request_hash, status, body from idempotency where account_id = ",
        );
        sql.bind(account_id).push(" and idem_key = ").bind(key);
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| {
                Ok(IdemRecord {
                    request_path: get_str(&r, "request_path")?,
                    request_hash: get_str(&r, "request_hash")?,
                    status: get_i64(&r, "status")?,
                    body: get_str(&r, "body")?,
                })
            })
            .transpose()
    }

    /// Stores the first answer; a concurrent duplicate loses quietly (the first one stands).
    pub async fn save_idempotent(
        &self,
        account_id: AccountId,
        key: &str,
        rec: &IdemRecord,
        now_ms: i64,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into idempotency (account_id, idem_key, request_path, request_hash, status, body, created_at) values (",
        );
        sql.bind(account_id)
            .push(",")
            .bind(key)
            .push(",")
            .bind(rec.request_path.as_str())
            .push(",")
            .bind(rec.request_hash.as_str())
            .push(",")
            .bind(rec.status)
            .push(",")
            .bind(rec.body.as_str())
            .push(",")
            .bind(now_ms)
            .push(") on conflict (account_id, idem_key) do nothing");
        sql.query().execute(self.pool()).await?;
        Ok(())
    }
}

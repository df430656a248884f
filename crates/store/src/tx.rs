//! The write transaction: state change and audit entry commit together or not at all.
//!
//! Every write transaction first takes the `audit_head` row. That one statement is the
//! serialisation point for appends to the SM3 chain (so it never forks under concurrent
//! writers on PostgreSQL) and, on SQLite, it takes the write lock up front so a transaction
//! never fails half way with a busy snapshot.

use crate::sql::Sql;
use crate::{get_i64, get_str, Result, Store, StoreError};
use fgf_domain::audit::{chain_hash, sm3_hex, FieldChange};
use sqlx::{Any, Transaction};

/// Who is acting, for the audit trail.
#[derive(Debug, Clone)]
pub struct AuditCtx {
    pub actor_account_id: Option<i64>,
    pub actor_name: String,
    pub department_id: Option<i64>,
    pub source_addr: String,
    /// Unix milliseconds; the caller owns the clock so tests can control it.
    pub at_ms: i64,
}

impl AuditCtx {
    /// The operator at the console or a background job.
    pub fn system(actor_name: &str, at_ms: i64) -> AuditCtx {
        AuditCtx {
            actor_account_id: None,
            actor_name: actor_name.to_owned(),
            department_id: None,
            source_addr: "local".to_owned(),
            at_ms,
        }
    }
}

pub struct WriteTx {
    pub(crate) tx: Transaction<'static, Any>,
    pub(crate) backend: crate::Backend,
    ctx: AuditCtx,
    last_seq: i64,
    last_hash: [u8; 32],
    appended: usize,
}

impl Store {
    /// Begins a write transaction on behalf of `ctx`.
    pub async fn write(&self, ctx: AuditCtx) -> Result<WriteTx> {
        let mut tx = self.pool().begin().await?;
        // One statement both takes the head's lock and reads it.
        let row = sqlx::query("update audit_head set last_seq = last_seq where audit_head_id = 1 returning last_seq, last_hash")
            .fetch_one(&mut *tx)
            .await?;
        let last_seq = get_i64(&row, "last_seq")?;
        let last_hash = decode_hash(&get_str(&row, "last_hash")?)?;
        Ok(WriteTx {
            tx,
            backend: self.backend(),
            ctx,
            last_seq,
            last_hash,
            appended: 0,
        })
    }
}

impl WriteTx {
    pub fn ctx(&self) -> &AuditCtx {
        &self.ctx
    }

    pub fn now_ms(&self) -> i64 {
        self.ctx.at_ms
    }

    /// Appends one audit entry: `changes` are the fields with their values before and after,
    /// personal data already masked by the caller.
    pub async fn audit(
        &mut self,
        action: &str,
        object_type: &str,
        object_id: &str,
        changes: &[FieldChange],
    ) -> Result<i64> {
        let changes_json = serde_json::to_string(changes)
            .map_err(|e| StoreError::Internal(format!("audit changes: {e}")))?;
        let entry = AuditRecord {
            seq: self.last_seq + 1,
            at: self.ctx.at_ms,
            actor_account_id: self.ctx.actor_account_id,
            actor_name: self.ctx.actor_name.clone(),
            department_id: self.ctx.department_id,
            source_addr: self.ctx.source_addr.clone(),
            action: action.to_owned(),
            object_type: object_type.to_owned(),
            object_id: object_id.to_owned(),
            digest: sm3_hex(changes_json.as_bytes()),
        };
        let hash = chain_hash(&self.last_hash, entry.canonical().as_bytes());
        let mut sql = Sql::new(
            "insert into audit_entry (audit_entry_id, at, actor_account_id, actor_name, department_id, \
             source_addr, action, object_type, object_id, changes, digest, prev_hash, hash) values (",
        );
        sql.bind(entry.seq)
            .push(",")
            .bind(entry.at)
            .push(",")
            .bind(entry.actor_account_id)
            .push(",")
            .bind(entry.actor_name.as_str())
            .push(",")
            .bind(entry.department_id)
            .push(",")
            .bind(entry.source_addr.as_str())
            .push(",")
            .bind(entry.action.as_str())
            .push(",")
            .bind(entry.object_type.as_str())
            .push(",")
            .bind(entry.object_id.as_str())
            .push(",")
            .bind(changes_json)
            .push(",")
            .bind(entry.digest.as_str())
            .push(",")
            .bind(hex::encode(self.last_hash))
            .push(",")
            .bind(hex::encode(hash))
            .push(")");
        sql.query().execute(&mut *self.tx).await?;
        self.last_seq = entry.seq;
        self.last_hash = hash;
        self.appended += 1;
        Ok(entry.seq)
    }

    /// Records a message for the outbox in this transaction (delivered after commit).
    pub async fn outbox(&mut self, topic: &str, payload: &serde_json::Value) -> Result<()> {
        let mut sql = Sql::new("insert into outbox (topic, payload, created_at) values (");
        sql.bind(topic)
            .push(",")
            .bind(payload.to_string())
            .push(",")
            .bind(self.ctx.at_ms)
            .push(")");
        sql.query().execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Commits. A transaction that changed state without an audit entry is a bug, so it is
    /// refused (and rolled back).
    pub async fn commit(self) -> Result<()> {
        if self.appended == 0 {
            self.tx.rollback().await?;
            return Err(StoreError::Internal(
                "write transaction without an audit entry was rolled back".to_owned(),
            ));
        }
        // The head already follows the last entry (trigger `audit_entry_moves_head`).
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// The fields of an audit entry that its hash covers.
#[derive(Debug, Clone)]
pub(crate) struct AuditRecord {
    pub seq: i64,
    pub at: i64,
    pub actor_account_id: Option<i64>,
    pub actor_name: String,
    pub department_id: Option<i64>,
    pub source_addr: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub digest: String,
}

impl AuditRecord {
    /// The canonical byte form hashed into the chain. The unit separator (U+001F) cannot occur
    /// in any field we write, so two different entries never share a canonical form.
    pub fn canonical(&self) -> String {
        let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        [
            self.seq.to_string(),
            self.at.to_string(),
            opt(self.actor_account_id),
            self.actor_name.clone(),
            opt(self.department_id),
            self.source_addr.clone(),
            self.action.clone(),
            self.object_type.clone(),
            self.object_id.clone(),
            self.digest.clone(),
        ]
        .join("\u{1f}")
    }
}

pub(crate) fn decode_hash(s: &str) -> Result<[u8; 32]> {
    let bytes = hex::decode(s).map_err(|e| StoreError::Internal(format!("bad hash {s:?}: {e}")))?;
    bytes
        .try_into()
        .map_err(|_| StoreError::Internal(format!("bad hash length {s:?}")))
}

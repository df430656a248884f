//! The write transaction: state change and audit entry commit together or not at all.
//!
//! Every write transaction first takes the `audit_head` row. That one statement is the
//! serialisation point for appends to the SM3 chain (so it never forks under concurrent
//! writers on PostgreSQL) and, on SQLite, it takes the write lock up front so a transaction
//! never fails half way with a busy snapshot.
//!
//! Statements whose result nobody reads (history rows, projections, notifications, the audit
//! entry) are deferred and sent as one batch before the next read or at commit: SQLite takes
//! them as one multi-statement text, PostgreSQL as data-modifying common table expressions of
//! one statement. A command then costs a handful of round trips instead of one per row, which
//! is most of its price next to the store's own ceiling (docs/benchmarks.md).
//!
//! The optimistic path ([`Store::write_optimistic`]) skips even the head read: it appends
//! from the head the last commit left in memory, checks instead of locking, and commits in
//! one request (see [`Conn::Raw`]). The audit
//! trigger refuses an entry that does not follow the stored head exactly, and guarded
//! statements ([`WriteTx::defer_guarded`]) fail the batch when they changed no row. A failed
//! optimistic transaction changes nothing; its caller retries on the locked path.

use crate::rows::Rows;
use crate::sql::Sql;
use crate::{get_i64, get_str, Result, Store, StoreError};
use fgf_domain::base::audit::{chain_hash, sm3_hex, FieldChange};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use fgf_domain::process::InstanceId;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Transaction};

/// Who is acting, for the audit trail.
#[derive(Debug, Clone)]
pub struct AuditCtx {
    pub actor_account_id: Option<AccountId>,
    pub actor_name: String,
    pub department_id: Option<DepartmentId>,
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

/// The connection a write transaction runs on.
pub(crate) enum Conn {
    /// A transaction sqlx began (the locked path).
    Tx(Transaction<'static, Any>),
    /// The optimistic path: a connection on which nothing has run yet. Unless a read forces
    /// a transaction open earlier (`open` then), the whole command goes to the database as
    /// one request: on SQLite `begin immediate`, the batch and `commit` as one text to the
    /// worker thread, on PostgreSQL the batch as one statement, which is a transaction of its
    /// own. One request instead of three is most of a small command's cost next to a
    /// one-row insert (docs/benchmarks.md).
    Raw {
        conn: PoolConnection<Any>,
        open: bool,
    },
    /// Finished.
    Taken,
}

pub struct WriteTx {
    pub(crate) tx: Conn,
    pub(crate) backend: crate::Backend,
    ctx: AuditCtx,
    last_seq: i64,
    last_hash: [u8; 32],
    appended: usize,
    /// Statements waiting for the next flush, in order.
    pending: Vec<Pending>,
    /// Audit entries waiting for the next flush, sent as one insert after `pending` so the
    /// head trigger sees them in chain order on both backends.
    pending_audit: Vec<Sql>,
    head_cache: RememberedHead,
    /// The process instance loaded (and locked) in this transaction, with its version.
    pub(crate) loaded_instance: Option<(InstanceId, i64)>,
    /// The process instance this transaction inserted, to remember its id after commit.
    pub(crate) inserted_instance: Option<InstanceId>,
    instance_ids: ReservedIds,
}

/// Instance ids a start may use without a read: on SQLite the one after the last id this
/// handle committed (a start from elsewhere meanwhile makes it fail its batch); on
/// PostgreSQL a block taken from the identity sequence.
pub(crate) type ReservedIds = std::sync::Arc<std::sync::Mutex<Vec<InstanceId>>>;

/// The start of a statement that fails its batch: the guard row's null breaks a not-null
/// constraint, so `{GUARD} where <a check failed>` fails exactly when the check did.
pub(crate) const GUARD: &str = "insert into write_guard (must_hold) select null";

/// The audit head (sequence number and hash) as the last commit through one `Store` left it.
pub(crate) type RememberedHead = std::sync::Arc<std::sync::Mutex<Option<(i64, [u8; 32])>>>;

/// A deferred statement; a guarded one must change at least one row or the batch fails.
pub(crate) struct Pending {
    sql: Sql,
    guarded: bool,
    /// The rows it writes, for the batch rule ([`crate::rows::check_batch`]), which only
    /// debug builds check.
    #[cfg(debug_assertions)]
    writes: Vec<Rows>,
}

impl Pending {
    fn new(sql: Sql, guarded: bool, writes: impl IntoIterator<Item = Rows>) -> Pending {
        #[cfg(not(debug_assertions))]
        drop(writes);
        Pending {
            sql,
            guarded,
            #[cfg(debug_assertions)]
            writes: writes.into_iter().collect(),
        }
    }
}

impl Store {
    /// Begins a write transaction on behalf of `ctx`.
    pub async fn write(&self, ctx: AuditCtx) -> Result<WriteTx> {
        let mut tx = self.write_pool().begin().await?;
        // One statement both takes the head's lock and reads it.
        let row = sqlx::query("update audit_head set last_seq = last_seq where audit_head_id = 1 returning last_seq, last_hash")
            .fetch_one(&mut *tx)
            .await?;
        self.begun(tx, ctx, &row)
    }

    /// Begins an optimistic write transaction: no statement runs until the batch, and the
    /// chain continues from the head the last commit left in memory. None when that head is
    /// not known (then use [`Store::write`]). Whoever writes through it must be ready for
    /// the commit to fail with nothing written, and retry on the locked path.
    pub async fn write_optimistic(&self, ctx: AuditCtx) -> Result<Option<WriteTx>> {
        let head = *self.head.lock().map_err(|_| poisoned())?;
        let Some((last_seq, last_hash)) = head else {
            return Ok(None);
        };
        let tx = Conn::Raw {
            conn: self.write_pool().acquire().await?,
            open: false,
        };
        Ok(Some(WriteTx {
            tx,
            backend: self.backend(),
            ctx,
            last_seq,
            last_hash,
            appended: 0,
            pending: Vec::new(),
            pending_audit: Vec::new(),
            head_cache: self.head.clone(),
            loaded_instance: None,
            inserted_instance: None,
            instance_ids: self.instance_ids.clone(),
        }))
    }

    /// A transaction whose first statement locked the audit head and returned it as
    /// `last_seq` and `last_hash` in `head`.
    pub(crate) fn begun(
        &self,
        tx: Transaction<'static, Any>,
        ctx: AuditCtx,
        head: &sqlx::any::AnyRow,
    ) -> Result<WriteTx> {
        Ok(WriteTx {
            tx: Conn::Tx(tx),
            backend: self.backend(),
            ctx,
            last_seq: get_i64(head, "last_seq")?,
            last_hash: decode_hash(&get_str(head, "last_hash")?)?,
            appended: 0,
            pending: Vec::new(),
            pending_audit: Vec::new(),
            head_cache: self.head.clone(),
            loaded_instance: None,
            inserted_instance: None,
            instance_ids: self.instance_ids.clone(),
        })
    }
}

fn poisoned() -> StoreError {
    StoreError::Internal("audit head cache poisoned".to_owned())
}

impl WriteTx {
    pub fn ctx(&self) -> &AuditCtx {
        &self.ctx
    }

    pub fn now_ms(&self) -> i64 {
        self.ctx.at_ms
    }

    /// Queues a statement whose outcome nobody reads; it runs with the next flush. `writes`
    /// declares the rows it writes: one batch must not write a row twice (see [`crate::rows`]).
    pub(crate) fn defer(&mut self, stmt: Sql, writes: impl IntoIterator<Item = Rows>) {
        self.pending.push(Pending::new(stmt, false, writes));
    }

    /// Queues a statement that must change at least one row: when it changes none, the batch
    /// fails and the transaction with it (the optimistic path's version checks).
    pub(crate) fn defer_guarded(&mut self, stmt: Sql, writes: impl IntoIterator<Item = Rows>) {
        self.pending.push(Pending::new(stmt, true, writes));
    }

    /// Queues a check that writes nothing: a statement starting with [`GUARD`], which fails
    /// the batch when its condition holds.
    pub(crate) fn defer_check(&mut self, stmt: Sql) {
        debug_assert!(stmt.text.starts_with(GUARD), "a check starts with GUARD");
        self.pending.push(Pending::new(stmt, false, []));
    }

    /// The connection, after the deferred statements ran: every read and every statement
    /// whose result is used goes through here, so it sees the transaction's own writes.
    pub(crate) async fn conn(&mut self) -> Result<&mut AnyConnection> {
        self.flush().await?;
        self.open_conn().await
    }

    /// The connection with its transaction begun.
    async fn open_conn(&mut self) -> Result<&mut AnyConnection> {
        match &mut self.tx {
            Conn::Tx(tx) => Ok(&mut **tx),
            Conn::Raw { conn, open } => {
                if !*open {
                    let begin = match self.backend {
                        crate::Backend::Sqlite => "begin immediate",
                        crate::Backend::Postgres => "begin",
                    };
                    sqlx::query(begin).execute(&mut **conn).await?;
                    *open = true;
                }
                Ok(&mut **conn)
            }
            Conn::Taken => Err(StoreError::Internal(
                "the write transaction is already finished".to_owned(),
            )),
        }
    }

    /// The queued statements, the audit entries last as one insert (so the head trigger sees
    /// them in chain order on both backends).
    fn take_pending(&mut self) -> Vec<Pending> {
        let mut stmts = std::mem::take(&mut self.pending);
        let audits = std::mem::take(&mut self.pending_audit);
        if !audits.is_empty() {
            let mut insert = Sql::new(
                "insert into audit_entry (audit_entry_id, at, actor_account_id, actor_name, department_id, \
                 source_addr, action, object_type, object_id, changes, digest, prev_hash, hash) values ",
            );
            for (i, row) in audits.iter().enumerate() {
                if i > 0 {
                    insert.push(", ");
                }
                insert.append_renumbered(row);
            }
            stmts.push(Pending::new(
                insert,
                false,
                [crate::rows::new_rows("audit_entry", [])],
            ));
        }
        stmts
    }

    /// The batch rule, enforced where tests run: two statements of one batch that may write
    /// one row, or a write that declared no rows, refuse the batch (an internal error naming
    /// the statements; the transaction rolls back).
    #[cfg(debug_assertions)]
    fn check(stmts: &[Pending]) -> Result<()> {
        let declared: Vec<crate::rows::Declared<'_>> = stmts
            .iter()
            .map(|p| crate::rows::Declared {
                text: &p.sql.text,
                writes: &p.writes,
            })
            .collect();
        crate::rows::check_batch(&declared, GUARD)
    }

    #[cfg(not(debug_assertions))]
    fn check(_: &[Pending]) -> Result<()> {
        Ok(())
    }

    async fn flush(&mut self) -> Result<()> {
        let stmts = self.take_pending();
        Self::check(&stmts)?;
        let batch = match stmts.as_slice() {
            [] => return Ok(()),
            [one] if !one.guarded => one.sql.clone(),
            _ => self.batch(&stmts),
        };
        batch.query().execute(self.open_conn().await?).await?;
        Ok(())
    }

    /// One statement text for the whole batch: SQLite takes several statements in one text;
    /// on PostgreSQL each becomes a data-modifying CTE, all of which run to completion
    /// whether or not they are read, in the order queued (see below). They share one snapshot, so a batch never touches one
    /// row twice: each statement declares its rows and debug builds refuse a batch that
    /// would ([`crate::rows`]); the audit entries go in one insert.
    fn batch(&self, stmts: &[Pending]) -> Sql {
        let mut batch = Sql::default();
        match self.backend {
            crate::Backend::Sqlite => {
                for (i, p) in stmts.iter().enumerate() {
                    if i > 0 {
                        batch.push(";\n");
                    }
                    batch.append_renumbered(&p.sql);
                    if p.guarded {
                        // changes() counts the rows of the statement just before it.
                        batch.push(&format!(";\n{GUARD} where changes() = 0"));
                    }
                }
            }
            crate::Backend::Postgres => {
                // Written last first: PostgreSQL runs the data-modifying CTEs nobody reads
                // last-declared first (ExecInitModifyTable queues each with `lcons`), so in
                // this order they run in the order queued, and rows inserted by one batch get
                // their ids in that order, as on SQLite (histories list by id). The demo
                // parity test and the conformance suite hold this.
                batch.push("with ");
                for (n, (i, p)) in stmts.iter().enumerate().rev().enumerate() {
                    if n > 0 {
                        batch.push(", ");
                    }
                    batch.push(&format!("b{i} as ("));
                    batch.append_renumbered(&p.sql);
                    if p.guarded {
                        batch.push(&format!(
                            " returning 1), g{i} as ({GUARD} where not exists (select 1 from b{i}))"
                        ));
                    } else {
                        batch.push(")");
                    }
                }
                batch.push(" select 1");
            }
        }
        batch
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
        let mut sql = Sql::new("(");
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
        self.pending_audit.push(sql);
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
        self.defer(sql, [crate::rows::new_rows("outbox", [])]);
        Ok(())
    }

    /// Commits. A transaction that changed state without an audit entry is a bug, so it is
    /// refused (and rolled back).
    pub async fn commit(mut self) -> Result<()> {
        if self.appended == 0 {
            self.finish(false).await?;
            return Err(StoreError::Internal(
                "write transaction without an audit entry was rolled back".to_owned(),
            ));
        }
        // The head follows the last entry (trigger `audit_entry_extends_head`). Whatever the
        // outcome, the remembered head is right only after a commit that succeeded.
        let cache = self.head_cache.clone();
        let head = (self.last_seq, self.last_hash);
        let committed = match &mut self.tx {
            Conn::Raw { open: false, .. } => self.commit_in_one_text().await,
            _ => match self.flush().await {
                Ok(()) => self.finish(true).await,
                Err(e) => Err(e),
            },
        };
        if committed.is_err() {
            // Leave nothing open on the connection whatever failed.
            let _ = self.finish(false).await;
        }
        if let Ok(mut h) = cache.lock() {
            *h = committed.as_ref().ok().map(|()| head);
        }
        if self.backend == crate::Backend::Sqlite {
            if let (Ok(()), Some(id)) = (&committed, self.inserted_instance) {
                if let Ok(mut ids) = self.instance_ids.lock() {
                    *ids = vec![InstanceId::new(id.get() + 1)];
                }
            }
        }
        committed
    }

    pub async fn rollback(mut self) -> Result<()> {
        self.finish(false).await
    }

    /// The optimistic path's commit as one request: on SQLite `begin immediate`, the pending
    /// statements and `commit` as one text (a failing statement stops the text with the
    /// transaction open; the caller rolls it back); on PostgreSQL the batch, one statement,
    /// committed by itself or not at all.
    async fn commit_in_one_text(&mut self) -> Result<()> {
        let stmts = self.take_pending();
        Self::check(&stmts)?;
        let batch = match stmts.as_slice() {
            [one] if !one.guarded => one.sql.clone(),
            _ => self.batch(&stmts),
        };
        let backend = self.backend;
        let Conn::Raw { conn, open } = &mut self.tx else {
            return Err(StoreError::Internal(
                "one-text commit without a raw connection".to_owned(),
            ));
        };
        match backend {
            crate::Backend::Sqlite => {
                let mut text = Sql::new("begin immediate;\n");
                text.append_renumbered(&batch);
                text.push(";\ncommit");
                // Open until the text says otherwise: a failure part way leaves `begin` done.
                *open = true;
                text.query().execute(&mut **conn).await?;
                *open = false;
            }
            crate::Backend::Postgres => {
                batch.query().execute(&mut **conn).await?;
            }
        }
        Ok(())
    }

    /// Commits (or rolls back) whatever transaction is open.
    async fn finish(&mut self, commit: bool) -> Result<()> {
        match &mut self.tx {
            Conn::Tx(_) => {
                // Through sqlx, so it knows the transaction is over.
                let owned = std::mem::replace(&mut self.tx, Conn::Taken);
                if let Conn::Tx(tx) = owned {
                    if commit {
                        tx.commit().await?;
                    } else {
                        tx.rollback().await?;
                    }
                }
                Ok(())
            }
            Conn::Raw { conn, open } => {
                if *open {
                    let stmt = if commit { "commit" } else { "rollback" };
                    let done = sqlx::query(stmt).execute(&mut **conn).await;
                    if done.is_err() {
                        // Never hand a connection back with a transaction open.
                        conn.close_on_drop();
                    }
                    *open = false;
                    done?;
                }
                Ok(())
            }
            Conn::Taken => Ok(()),
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        // A raw transaction dropped open (an error between a read and the commit): close the
        // connection rather than return it to the pool mid-transaction.
        if let Conn::Raw { conn, open: true } = &mut self.tx {
            conn.close_on_drop();
        }
    }
}

/// The fields of an audit entry that its hash covers.
#[derive(Debug, Clone)]
pub(crate) struct AuditRecord {
    pub seq: i64,
    pub at: i64,
    pub actor_account_id: Option<AccountId>,
    pub actor_name: String,
    pub department_id: Option<DepartmentId>,
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
        fn opt<T: ToString>(v: Option<T>) -> String {
            v.map(|n| n.to_string()).unwrap_or_default()
        }
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

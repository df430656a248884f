//! Reading and verifying the audit trail. Writing happens only through [`crate::WriteTx`].

use crate::get_opt_id;
use crate::sql::{like_escape, Sql};
use crate::tx::{decode_hash, AuditRecord};
use crate::{get_i64, get_str, Page, Paged, Result, Scope, Store};
use fgf_domain::base::audit::{chain_hash, sm3_hex, FieldChange, GENESIS};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_account_id: Option<AccountId>,
    pub actor_name: String,
    pub department_id: Option<DepartmentId>,
    pub source_addr: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub changes: Vec<FieldChange>,
    pub hash: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Matches the actor's name (substring).
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verify {
    Intact { entries: i64 },
    Broken { seq: i64, problem: String },
}

const COLS: &str = "audit_entry_id, at, actor_account_id, actor_name, department_id, source_addr, \
                    action, object_type, object_id, changes, digest, prev_hash, hash";

fn record(row: &AnyRow) -> Result<(AuditRecord, String, String, String)> {
    Ok((
        AuditRecord {
            seq: get_i64(row, "audit_entry_id")?,
            at: get_i64(row, "at")?,
            actor_account_id: get_opt_id(row, "actor_account_id")?,
            actor_name: get_str(row, "actor_name")?,
            department_id: get_opt_id(row, "department_id")?,
            source_addr: get_str(row, "source_addr")?,
            action: get_str(row, "action")?,
            object_type: get_str(row, "object_type")?,
            object_id: get_str(row, "object_id")?,
            digest: get_str(row, "digest")?,
        },
        get_str(row, "changes")?,
        get_str(row, "prev_hash")?,
        get_str(row, "hash")?,
    ))
}

impl Store {
    pub async fn list_audit(
        &self,
        scope: &Scope,
        q: &AuditQuery,
        page: Page,
    ) -> Result<Paged<AuditEntry>> {
        let mut filter = Sql::new(" from audit_entry where 1 = 1");
        scope.filter_record(
            &mut filter,
            "coalesce(department_id, 0)",
            Some("actor_account_id"),
        );
        if let Some(actor) = q.actor.as_deref().filter(|s| !s.is_empty()) {
            filter
                .push(" and ")
                .like_any_case("actor_name", format!("%{}%", like_escape(actor)));
        }
        if let Some(v) = q.object_type.as_deref().filter(|s| !s.is_empty()) {
            filter.push(" and object_type = ").bind(v);
        }
        if let Some(v) = q.object_id.as_deref().filter(|s| !s.is_empty()) {
            filter.push(" and object_id = ").bind(v);
        }
        if let Some(v) = q.action.as_deref().filter(|s| !s.is_empty()) {
            filter.push(" and action = ").bind(v);
        }
        if let Some(v) = q.from_ms {
            filter.push(" and at >= ").bind(v);
        }
        if let Some(v) = q.to_ms {
            filter.push(" and at < ").bind(v);
        }
        self.paged(
            &filter,
            &format!("select {COLS}"),
            "audit_entry_id desc",
            page,
            |row| {
                let (rec, changes, _, hash) = record(row)?;
                Ok(AuditEntry {
                    seq: rec.seq,
                    at_ms: rec.at,
                    actor_account_id: rec.actor_account_id,
                    actor_name: rec.actor_name,
                    department_id: rec.department_id,
                    source_addr: rec.source_addr,
                    action: rec.action,
                    object_type: rec.object_type,
                    object_id: rec.object_id,
                    changes: serde_json::from_str(&changes).unwrap_or_default(),
                    hash,
                })
            },
        )
        .await
    }

    /// Walks the whole chain in order and reports the first entry that was altered, removed
    /// or reordered. Reads in keyset batches so a chain of millions does not sit in memory.
    pub async fn verify_audit(&self) -> Result<Verify> {
        let mut prev = GENESIS;
        let mut expected_seq = 1_i64;
        let mut entries = 0_i64;
        loop {
            let mut sql = Sql::new(&format!(
                "select {COLS} from audit_entry where audit_entry_id >= "
            ));
            sql.bind(expected_seq)
                .push(" order by audit_entry_id limit 5000");
            let rows = sql.query().fetch_all(self.pool()).await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let (rec, changes, prev_hash, hash) = record(row)?;
                if rec.seq != expected_seq {
                    return Ok(Verify::Broken {
                        seq: expected_seq,
                        problem: format!(
                            "entry {expected_seq} is missing (next entry found is {})",
                            rec.seq
                        ),
                    });
                }
                if prev_hash != hex::encode(prev) {
                    return Ok(Verify::Broken {
                        seq: rec.seq,
                        problem: format!(
                            "entry {} does not follow entry {} (removed or reordered)",
                            rec.seq,
                            rec.seq - 1
                        ),
                    });
                }
                if sm3_hex(changes.as_bytes()) != rec.digest {
                    return Ok(Verify::Broken {
                        seq: rec.seq,
                        problem: format!(
                            "entry {} was altered (changes do not match digest)",
                            rec.seq
                        ),
                    });
                }
                let computed = chain_hash(&prev, rec.canonical().as_bytes());
                if hex::encode(computed) != hash {
                    return Ok(Verify::Broken {
                        seq: rec.seq,
                        problem: format!("entry {} was altered (hash mismatch)", rec.seq),
                    });
                }
                prev = computed;
                expected_seq += 1;
                entries += 1;
            }
        }
        let head =
            sqlx::query("select last_seq, last_hash from audit_head where audit_head_id = 1")
                .fetch_one(self.pool())
                .await?;
        let last_seq = get_i64(&head, "last_seq")?;
        let last_hash = decode_hash(&get_str(&head, "last_hash")?)?;
        if last_seq != entries || last_hash != prev {
            let seq = entries + 1;
            return Ok(Verify::Broken {
                seq,
                problem: format!(
                    "the chain ends at entry {entries} but the head records entry {last_seq}: entries after {entries} were removed"
                ),
            });
        }
        Ok(Verify::Intact { entries })
    }

    /// Number of audit entries (for metrics).
    pub async fn count_audit(&self) -> Result<i64> {
        let row = sqlx::query("select count(*) as n from audit_entry")
            .fetch_one(self.pool())
            .await?;
        get_i64(&row, "n")
    }
}

impl Store {
    /// One entry by sequence number, within the scope.
    pub async fn list_audit_from(
        &self,
        scope: &Scope,
        _q: &AuditQuery,
        seq: i64,
    ) -> Result<Option<AuditEntry>> {
        let mut sql = Sql::new(&format!(
            "select {COLS} from audit_entry where audit_entry_id = "
        ));
        sql.bind(seq);
        scope.filter_record(
            &mut sql,
            "coalesce(department_id, 0)",
            Some("actor_account_id"),
        );
        let Some(row) = sql.query().fetch_optional(self.pool()).await? else {
            return Ok(None);
        };
        let (rec, changes, _, hash) = record(&row)?;
        Ok(Some(AuditEntry {
            seq: rec.seq,
            at_ms: rec.at,
            actor_account_id: rec.actor_account_id,
            actor_name: rec.actor_name,
            department_id: rec.department_id,
            source_addr: rec.source_addr,
            action: rec.action,
            object_type: rec.object_type,
            object_id: rec.object_id,
            changes: serde_json::from_str(&changes).unwrap_or_default(),
            hash,
        }))
    }
}

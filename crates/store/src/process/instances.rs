//! Definitions, instances, history, and the work-item, timer and copy projections.

use crate::rows::{new_rows, row, rows};
use crate::sql::Sql;
use crate::tx::GUARD;
use crate::AuditCtx;
use crate::{
    get_code, get_i64, get_opt_i64, get_opt_str, get_str, Backend, Page, Paged, Result, Scope,
    Store, StoreError, WriteTx,
};
use crate::{get_id, get_opt_id};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use fgf_domain::process::InstanceId;
use fgf_domain::process::{DefinitionStatus, InstanceStatus, WorkItemStatus};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, serde::Serialize)]
pub struct ProcessDefinitionRow {
    pub id: i64,
    pub key: String,
    pub version: i64,
    pub name: String,
    pub source: String,
    pub designer: Option<String>,
    pub status: DefinitionStatus,
    pub department_id: Option<DepartmentId>,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ProcessInstanceRow {
    pub id: InstanceId,
    pub definition_id: i64,
    pub business_key: String,
    pub status: InstanceStatus,
    pub state: String,
    pub version: i64,
    pub department_id: Option<DepartmentId>,
    pub initiator_account_id: Option<AccountId>,
    pub started_at_ms: i64,
    pub updated_at_ms: i64,
    pub ended_at_ms: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct WorkItemRow {
    pub id: i64,
    pub instance_id: InstanceId,
    pub exec_id: i64,
    pub activation: i64,
    pub node_id: String,
    pub name: String,
    pub assignee: Option<String>,
    pub candidate_users: Vec<String>,
    pub candidate_groups: Vec<String>,
    pub owner: Option<String>,
    pub status: WorkItemStatus,
    pub created_at_ms: i64,
    pub completed_at_ms: Option<i64>,
    pub completed_by: Option<String>,
}

/// An open task as the engine state has it, to project into `work_item`.
#[derive(Debug, Clone)]
pub struct OpenTask {
    pub exec_id: i64,
    pub activation: i64,
    pub node_id: String,
    pub name: String,
    pub assignee: Option<String>,
    pub candidate_users: Vec<String>,
    pub candidate_groups: Vec<String>,
    pub owner: Option<String>,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ProcessEventRow {
    pub id: i64,
    pub at_ms: i64,
    pub actor: Option<String>,
    pub comment: String,
    pub event: serde_json::Value,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CopyRow {
    pub instance_id: InstanceId,
    pub node_id: String,
    pub reader: String,
    pub copied_by: Option<String>,
    pub created_at_ms: i64,
    pub read_at_ms: Option<i64>,
}

fn list_field(v: &[String]) -> String {
    if v.is_empty() {
        String::new()
    } else {
        format!(",{},", v.join(","))
    }
}

fn parse_list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

const DEF_COLS: &str = "process_definition_id, process_key, version, name, source, designer, status, department_id, created_at";

fn definition(r: &AnyRow) -> Result<ProcessDefinitionRow> {
    Ok(ProcessDefinitionRow {
        id: get_i64(r, "process_definition_id")?,
        key: get_str(r, "process_key")?,
        version: get_i64(r, "version")?,
        name: get_str(r, "name")?,
        source: get_str(r, "source")?,
        designer: get_opt_str(r, "designer")?,
        status: get_code(r, "process_definition", "status")?,
        department_id: get_opt_id(r, "department_id")?,
        created_at_ms: get_i64(r, "created_at")?,
    })
}

const INST_COLS: &str = "process_instance_id, process_definition_id, business_key, status, state, version, department_id, initiator_account_id, started_at, updated_at, ended_at";

fn instance(r: &AnyRow) -> Result<ProcessInstanceRow> {
    Ok(ProcessInstanceRow {
        id: get_id(r, "process_instance_id")?,
        definition_id: get_i64(r, "process_definition_id")?,
        business_key: get_str(r, "business_key")?,
        status: get_code(r, "process_instance", "status")?,
        state: get_str(r, "state")?,
        version: get_i64(r, "version")?,
        department_id: get_opt_id(r, "department_id")?,
        initiator_account_id: get_opt_id(r, "initiator_account_id")?,
        started_at_ms: get_i64(r, "started_at")?,
        updated_at_ms: get_i64(r, "updated_at")?,
        ended_at_ms: get_opt_i64(r, "ended_at")?,
    })
}

const WI_COLS: &str = "work_item_id, process_instance_id, exec_id, activation, node_id, name, assignee, candidate_users, candidate_groups, owner, status, created_at, completed_at, completed_by";

fn work_item(r: &AnyRow) -> Result<WorkItemRow> {
    Ok(WorkItemRow {
        id: get_i64(r, "work_item_id")?,
        instance_id: get_id(r, "process_instance_id")?,
        exec_id: get_i64(r, "exec_id")?,
        activation: get_i64(r, "activation")?,
        node_id: get_str(r, "node_id")?,
        name: get_str(r, "name")?,
        assignee: get_opt_str(r, "assignee")?,
        candidate_users: parse_list(&get_str(r, "candidate_users")?),
        candidate_groups: parse_list(&get_str(r, "candidate_groups")?),
        owner: get_opt_str(r, "owner")?,
        status: get_code(r, "work_item", "status")?,
        created_at_ms: get_i64(r, "created_at")?,
        completed_at_ms: get_opt_i64(r, "completed_at")?,
        completed_by: get_opt_str(r, "completed_by")?,
    })
}

impl Store {
    pub async fn get_process_definition(&self, id: i64) -> Result<ProcessDefinitionRow> {
        let mut sql = Sql::new(&format!(
            "select {DEF_COLS} from process_definition where process_definition_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => definition(&r),
            None => Err(StoreError::not_found("process_definition", id)),
        }
    }

    /// The newest published version of a process key.
    pub async fn latest_process_definition(
        &self,
        key: &str,
    ) -> Result<Option<ProcessDefinitionRow>> {
        let mut sql = Sql::new(&format!("select {DEF_COLS} from process_definition where status = 'published' and process_key = "));
        sql.bind(key).push(" order by version desc limit 1");
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| definition(&r))
            .transpose()
    }

    pub async fn list_process_definitions(&self) -> Result<Vec<ProcessDefinitionRow>> {
        let rows = sqlx::query(&format!(
            "select {DEF_COLS} from process_definition order by process_key, version desc"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(definition).collect()
    }

    pub async fn get_process_instance(
        &self,
        scope: &Scope,
        id: InstanceId,
    ) -> Result<ProcessInstanceRow> {
        let mut sql = Sql::new(&format!(
            "select {INST_COLS} from process_instance where process_instance_id = "
        ));
        sql.bind(id);
        scope.filter_record(
            &mut sql,
            "coalesce(department_id, 0)",
            Some("initiator_account_id"),
        );
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => instance(&r),
            None => Err(StoreError::not_found("process_instance", id)),
        }
    }

    pub async fn find_instance_by_business_key(
        &self,
        scope: &Scope,
        key: &str,
    ) -> Result<Option<ProcessInstanceRow>> {
        let mut sql = Sql::new(&format!(
            "select {INST_COLS} from process_instance where business_key = "
        ));
        sql.bind(key);
        scope.filter_record(
            &mut sql,
            "coalesce(department_id, 0)",
            Some("initiator_account_id"),
        );
        sql.push(" order by process_instance_id limit 1");
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| instance(&r))
            .transpose()
    }

    pub async fn list_process_instances(
        &self,
        scope: &Scope,
        status: Option<&str>,
        page: Page,
    ) -> Result<Paged<ProcessInstanceRow>> {
        let mut filter = Sql::new(" from process_instance where 1 = 1");
        scope.filter_record(
            &mut filter,
            "coalesce(department_id, 0)",
            Some("initiator_account_id"),
        );
        if let Some(s) = status {
            filter.push(" and status = ").bind(s);
        }
        self.paged(
            &filter,
            &format!("select {INST_COLS}"),
            "process_instance_id desc",
            page,
            instance,
        )
        .await
    }

    pub async fn process_events(&self, instance_id: InstanceId) -> Result<Vec<ProcessEventRow>> {
        let mut sql = Sql::new("select process_event_id, at, actor, comment, event from process_event where process_instance_id = ");
        sql.bind(instance_id).push(" order by process_event_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        // A row holds the events of one command (an array) or a single event.
        let mut out = Vec::new();
        for r in &rows {
            let value: serde_json::Value =
                serde_json::from_str(&get_str(r, "event")?).unwrap_or(serde_json::Value::Null);
            let events = match value {
                serde_json::Value::Array(a) => a,
                other => vec![other],
            };
            for event in events {
                out.push(ProcessEventRow {
                    id: get_i64(r, "process_event_id")?,
                    at_ms: get_i64(r, "at")?,
                    actor: get_opt_str(r, "actor")?,
                    comment: get_str(r, "comment")?,
                    event,
                });
            }
        }
        Ok(out)
    }

    /// Whether `user` takes part in an instance (holds, held or may claim one of its tasks —
    /// by name, or through one of `groups` while the task is open —, or was copied):
    /// participants see the instance whatever their data scope.
    pub async fn is_process_participant(
        &self,
        instance_id: InstanceId,
        user: &str,
        groups: &[String],
    ) -> Result<bool> {
        let mut sql =
            Sql::new("select (select count(*) from work_item where process_instance_id = ");
        sql.bind(instance_id)
            .push(" and (assignee = ")
            .bind(user)
            .push(" or completed_by = ")
            .bind(user)
            .push(" or ");
        self.push_list_holds(&mut sql, "candidate_users", user);
        for g in groups {
            sql.push(" or (status = 'open' and assignee is null and ");
            self.push_list_holds(&mut sql, "candidate_groups", g);
            sql.push(")");
        }
        sql.push(")) + (select count(*) from process_copy where process_instance_id = ")
            .bind(instance_id)
            .push(" and reader = ")
            .bind(user)
            .push(") as n");
        Ok(get_i64(&sql.query().fetch_one(self.pool()).await?, "n")? > 0)
    }

    /// Whether the comma-framed list in `column` holds `name` exactly. Not `like`: its `_`
    /// and `%` are wildcards and SQLite's `like` ignores case, so `r_viewer` would match
    /// `reviewer`. Names never contain a comma (usernames and role codes are validated).
    fn push_list_holds(&self, sql: &mut Sql, column: &str, name: &str) {
        let framed = format!(",{name},");
        match self.backend() {
            Backend::Postgres => sql.push(&format!("strpos({column}, ")),
            Backend::Sqlite => sql.push(&format!("instr({column}, ")),
        };
        sql.bind(framed).push(") > 0");
    }

    pub async fn get_work_item(&self, id: i64) -> Result<WorkItemRow> {
        let mut sql = Sql::new(&format!(
            "select {WI_COLS} from work_item where work_item_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => work_item(&r),
            None => Err(StoreError::not_found("work_item", id)),
        }
    }

    pub async fn work_items_of(&self, instance_id: InstanceId) -> Result<Vec<WorkItemRow>> {
        let mut sql = Sql::new(&format!(
            "select {WI_COLS} from work_item where process_instance_id = "
        ));
        sql.bind(instance_id).push(" order by work_item_id");
        sql.query()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(work_item)
            .collect()
    }

    /// 待办: open items assigned to `user`, or offered to them or one of their groups and not
    /// yet claimed. (The caller is the principal: an inbox is always one's own.)
    pub async fn inbox_todo(
        &self,
        user: &str,
        groups: &[String],
        page: Page,
    ) -> Result<Paged<WorkItemRow>> {
        let mut filter = Sql::new(" from work_item where status = 'open' and (assignee = ");
        filter.bind(user).push(" or (assignee is null and (");
        self.push_list_holds(&mut filter, "candidate_users", user);
        for g in groups {
            filter.push(" or ");
            self.push_list_holds(&mut filter, "candidate_groups", g);
        }
        filter.push(")))");
        self.paged(
            &filter,
            &format!("select {WI_COLS}"),
            "created_at, work_item_id",
            page,
            work_item,
        )
        .await
    }

    /// 已办: items the user completed.
    pub async fn inbox_done(&self, user: &str, page: Page) -> Result<Paged<WorkItemRow>> {
        let mut filter = Sql::new(" from work_item where status = 'done' and completed_by = ");
        filter.bind(user);
        self.paged(
            &filter,
            &format!("select {WI_COLS}"),
            "completed_at desc, work_item_id desc",
            page,
            work_item,
        )
        .await
    }

    /// 抄送我的.
    pub async fn inbox_copies(&self, reader: &str, page: Page) -> Result<Paged<CopyRow>> {
        let mut filter = Sql::new(" from process_copy where reader = ");
        filter.bind(reader);
        self.paged(
            &filter,
            "select process_instance_id, node_id, reader, copied_by, created_at, read_at",
            "created_at desc, process_copy_id desc",
            page,
            |r| {
                Ok(CopyRow {
                    instance_id: get_id(r, "process_instance_id")?,
                    node_id: get_str(r, "node_id")?,
                    reader: get_str(r, "reader")?,
                    copied_by: get_opt_str(r, "copied_by")?,
                    created_at_ms: get_i64(r, "created_at")?,
                    read_at_ms: get_opt_i64(r, "read_at")?,
                })
            },
        )
        .await
    }

    /// Leases up to `limit` due timers for `owner`. On PostgreSQL `skip locked` keeps two
    /// nodes from leasing the same row; an expired lease (a node that died) is taken over.
    pub async fn lease_due_timers(
        &self,
        owner: &str,
        now_ms: i64,
        lease_until_ms: i64,
        limit: i64,
    ) -> Result<Vec<(i64, InstanceId, i64)>> {
        let mut sql = Sql::new("update process_timer set lease_owner = ");
        sql.bind(owner)
            .push(", lease_until = ")
            .bind(lease_until_ms)
            .push(", updated_at = ")
            .bind(now_ms)
            .push(" where process_timer_id in (select process_timer_id from process_timer where status = 'scheduled' and due_at <= ")
            .bind(now_ms)
            .push(" and (lease_until is null or lease_until < ")
            .bind(now_ms)
            .push(") order by due_at, process_timer_id limit ")
            .bind(limit);
        if self.backend() == Backend::Postgres {
            sql.push(" for update skip locked");
        }
        sql.push(") returning process_timer_id, process_instance_id, timer_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok((
                    get_i64(r, "process_timer_id")?,
                    get_id(r, "process_instance_id")?,
                    get_i64(r, "timer_id")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_unstable();
        Ok(out)
    }

    /// Transactions of one small row per second: the store's own ceiling at its durability
    /// setting. Each is one autocommit insert, one request to the database, which is the
    /// fastest a client commits a row and the way an optimistic command commits (a begun
    /// transaction costs two more round trips and measured 40% lower on PostgreSQL). The
    /// clock includes copying what they wrote from SQLite's log into the database
    /// ([`Store::checkpoint`]), so a caller that checkpoints before, on its own clock, has
    /// each side pay for its own pages.
    pub async fn bench_ceiling(&self, n: u32) -> Result<f64> {
        let started = std::time::Instant::now();
        for i in 0..n {
            let sql = bench_row(i);
            sql.query().execute(self.write_pool()).await?;
        }
        self.checkpoint().await?;
        Ok(f64::from(n) / started.elapsed().as_secs_f64().max(1e-9))
    }

    /// As [`Store::bench_ceiling`], each row in a begun transaction (`begin`, insert,
    /// `commit`: three requests), the way the locked path of a command commits.
    pub async fn bench_ceiling_begun(&self, n: u32) -> Result<f64> {
        let started = std::time::Instant::now();
        for i in 0..n {
            let mut tx = self.write_pool().begin().await?;
            let sql = bench_row(i);
            sql.query().execute(&mut *tx).await?;
            tx.commit().await?;
        }
        self.checkpoint().await?;
        Ok(f64::from(n) / started.elapsed().as_secs_f64().max(1e-9))
    }

    /// An id for the next process instance, without a read where possible: on SQLite the
    /// one after the last instance this handle committed (None until it has committed one),
    /// on PostgreSQL the next of a block of 32 taken from the identity sequence in one query
    /// when the last block is used up. An id handed out is never handed out again; one whose
    /// start fails is a gap, as a sequence leaves.
    pub async fn reserve_instance_id(&self) -> Result<Option<InstanceId>> {
        let poisoned = || StoreError::Internal("instance id reserve poisoned".to_owned());
        if let Some(id) = self.instance_ids.lock().map_err(|_| poisoned())?.pop() {
            return Ok(Some(id));
        }
        if self.backend() == Backend::Sqlite {
            return Ok(None);
        }
        let rows = sqlx::query(
            "select nextval(pg_get_serial_sequence('process_instance', 'process_instance_id')) as id from generate_series(1, 32)",
        )
        .fetch_all(self.pool())
        .await?;
        let mut block = rows
            .iter()
            .map(|r| get_id(r, "id"))
            .collect::<Result<Vec<InstanceId>>>()?;
        // Handed out smallest first (`pop` takes from the end).
        block.sort_unstable_by(|a, b| b.cmp(a));
        let id = block.pop();
        self.instance_ids
            .lock()
            .map_err(|_| poisoned())?
            .extend(block);
        Ok(id)
    }

    /// Copies SQLite's write-ahead log into the database file now (SQLite does it by itself
    /// every thousand pages, on whichever commit crosses the mark); nothing on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            sqlx::query("pragma wal_checkpoint(passive)")
                .execute(self.write_pool())
                .await?;
        }
        Ok(())
    }
}

/// One small row for the ceiling benchmarks.
fn bench_row(i: u32) -> Sql {
    let mut sql = Sql::new("insert into bench_row (payload) values (");
    sql.bind(format!("row {i}")).push(")");
    sql
}

impl Store {
    /// Begins a write transaction on one process instance: the first statement both takes
    /// the audit head (as [`Store::write`] does) and reads the instance under the same lock,
    /// so a command pays one round trip for both.
    pub async fn write_instance(
        &self,
        ctx: AuditCtx,
        id: InstanceId,
    ) -> Result<(WriteTx, ProcessInstanceRow)> {
        let mut tx = self.write_pool().begin().await?;
        let sql = match self.backend() {
            // SQLite's first write takes the database lock; the instance comes back as
            // scalar subqueries of the head update's `returning`.
            Backend::Sqlite => {
                let mut sql = Sql::new(
                    "update audit_head set last_seq = last_seq where audit_head_id = 1 returning last_seq, last_hash",
                );
                for (i, col) in INST_COLS.split(", ").enumerate() {
                    sql.push(&format!(
                        ", (select {col} from process_instance where process_instance_id = "
                    ));
                    if i == 0 {
                        sql.bind(id);
                    } else {
                        sql.push("$1");
                    }
                    sql.push(&format!(") as {col}"));
                }
                sql
            }
            // `for update` over the join locks both the head and the instance row.
            Backend::Postgres => {
                let mut sql = Sql::new(&format!(
                    "select h.last_seq, h.last_hash, {} from audit_head h cross join process_instance i where h.audit_head_id = 1 and i.process_instance_id = ",
                    INST_COLS
                        .split(", ")
                        .map(|c| format!("i.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                sql.bind(id).push(" for update");
                sql
            }
        };
        let Some(row) = sql.query().fetch_optional(&mut *tx).await? else {
            return Err(StoreError::not_found("process_instance", id));
        };
        if get_opt_i64(&row, "process_instance_id")?.is_none() {
            return Err(StoreError::not_found("process_instance", id));
        }
        let inst = instance(&row)?;
        let mut wtx = self.begun(tx, ctx, &row)?;
        wtx.loaded_instance = Some((inst.id, inst.version));
        Ok((wtx, inst))
    }

    /// Begins a write transaction that starts an instance of `key`: the first statement takes
    /// the audit head and reads the id and version of the key's newest published definition
    /// (None when there is none), under the same lock.
    pub async fn write_starting(
        &self,
        ctx: AuditCtx,
        key: &str,
    ) -> Result<(WriteTx, Option<(i64, i64)>)> {
        let mut tx = self.write_pool().begin().await?;
        let mut sql = Sql::new(match self.backend() {
            Backend::Sqlite => "update audit_head set last_seq = last_seq where audit_head_id = 1 returning last_seq, last_hash",
            Backend::Postgres => "select last_seq, last_hash",
        });
        for (i, col) in ["process_definition_id", "version"].iter().enumerate() {
            sql.push(&format!(", (select {col} from process_definition where status = 'published' and process_key = "));
            if i == 0 {
                sql.bind(key);
            } else {
                sql.push("$1");
            }
            sql.push(&format!(" order by version desc limit 1) as {col}"));
        }
        if self.backend() == Backend::Postgres {
            sql.push(" from audit_head where audit_head_id = 1 for update");
        }
        let row = sql.query().fetch_one(&mut *tx).await?;
        let def = match (
            get_opt_i64(&row, "process_definition_id")?,
            get_opt_i64(&row, "version")?,
        ) {
            (Some(id), Some(version)) => Some((id, version)),
            _ => None,
        };
        Ok((self.begun(tx, ctx, &row)?, def))
    }
}

impl WriteTx {
    /// Stores a new version of a definition (versions count up per process key).
    pub async fn insert_process_definition(
        &mut self,
        key: &str,
        name: &str,
        source: &str,
        designer: Option<&str>,
        status: DefinitionStatus,
        department_id: Option<DepartmentId>,
    ) -> Result<(i64, i64)> {
        let mut q = Sql::new(
            "select coalesce(max(version), 0) as v from process_definition where process_key = ",
        );
        q.bind(key);
        let version = get_i64(&q.query().fetch_one(self.conn().await?).await?, "v")? + 1;
        let now = self.now_ms();
        let mut sql = Sql::new("insert into process_definition (process_key, version, name, source, designer, status, department_id, created_by, created_at, updated_at) values (");
        sql.bind(key)
            .push(",")
            .bind(version)
            .push(",")
            .bind(name)
            .push(",")
            .bind(source)
            .push(",")
            .bind(designer)
            .push(",")
            .bind(status.as_str())
            .push(",")
            .bind(department_id)
            .push(",")
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning process_definition_id");
        let id = get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "process_definition_id",
        )?;
        Ok((id, version))
    }

    pub async fn insert_process_instance(
        &mut self,
        definition_id: i64,
        business_key: &str,
        status: InstanceStatus,
        state: &str,
        department_id: Option<DepartmentId>,
        initiator: Option<AccountId>,
    ) -> Result<InstanceId> {
        let mut sql = self.instance_insert(
            None,
            definition_id,
            business_key,
            status,
            state,
            department_id,
            initiator,
        );
        sql.push(" returning process_instance_id");
        let id = get_id(
            &sql.query().fetch_one(self.conn().await?).await?,
            "process_instance_id",
        )?;
        self.inserted_instance = Some(id);
        Ok(id)
    }

    /// As [`WriteTx::insert_process_instance`] with an id taken from
    /// [`Store::reserve_instance_id`], deferred like the rest of an optimistic start. On
    /// SQLite the id is the one after the last this handle committed; if anything else
    /// started an instance meanwhile, the id is taken or no longer the highest, and the batch
    /// fails (a guard row), so ids keep the order instances were started in.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_process_instance_with_id(
        &mut self,
        id: InstanceId,
        definition_id: i64,
        business_key: &str,
        status: InstanceStatus,
        state: &str,
        department_id: Option<DepartmentId>,
        initiator: Option<AccountId>,
    ) {
        let sql = self.instance_insert(
            Some(id),
            definition_id,
            business_key,
            status,
            state,
            department_id,
            initiator,
        );
        self.defer(sql, [row("process_instance", id)]);
        if self.backend == Backend::Sqlite {
            let mut highest = Sql::new(&format!(
                "{GUARD} where exists (select 1 from process_instance where process_instance_id > "
            ));
            highest.bind(id).push(")");
            self.defer_check(highest);
        }
        self.inserted_instance = Some(id);
    }

    /// The insert of a new instance at version 1, with its id when the caller chose it.
    #[allow(clippy::too_many_arguments)]
    fn instance_insert(
        &self,
        id: Option<InstanceId>,
        definition_id: i64,
        business_key: &str,
        status: InstanceStatus,
        state: &str,
        department_id: Option<DepartmentId>,
        initiator: Option<AccountId>,
    ) -> Sql {
        let now = self.now_ms();
        let mut sql = Sql::new("insert into process_instance (");
        if id.is_some() {
            sql.push("process_instance_id, ");
        }
        sql.push("process_definition_id, business_key, status, state, version, department_id, initiator_account_id, started_at, updated_at) values (");
        if let Some(id) = id {
            sql.bind(id).push(",");
        }
        sql.bind(definition_id)
            .push(",")
            .bind(business_key)
            .push(",")
            .bind(status.as_str())
            .push(",")
            .bind(state)
            .push(",1,")
            .bind(department_id)
            .push(",")
            .bind(initiator)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(")");
        sql
    }

    /// Fails the batch unless `definition_id` (version `version`) is still the latest
    /// published version of `key`: an optimistic start works from the definition it
    /// remembers, and a version published or withdrawn meanwhile sends it the locked way.
    pub fn expect_latest_definition(&mut self, key: &str, definition_id: i64, version: i64) {
        let mut sql = Sql::new(&format!(
            "{GUARD} where not exists (select 1 from process_definition where process_definition_id = "
        ));
        sql.bind(definition_id)
            .push(" and status = 'published') or exists (select 1 from process_definition where status = 'published' and process_key = ")
            .bind(key)
            .push(" and version > ")
            .bind(version)
            .push(")");
        self.defer_check(sql);
    }

    /// Loads an instance inside the transaction (locked on PostgreSQL; SQLite's write lock is
    /// already held by the transaction).
    pub async fn load_process_instance(&mut self, id: InstanceId) -> Result<ProcessInstanceRow> {
        let mut sql = Sql::new(&format!(
            "select {INST_COLS} from process_instance where process_instance_id = "
        ));
        sql.bind(id);
        if self.backend == Backend::Postgres {
            sql.push(" for update");
        }
        match sql.query().fetch_optional(self.conn().await?).await? {
            Some(r) => {
                let row = instance(&r)?;
                self.loaded_instance = Some((row.id, row.version));
                Ok(row)
            }
            None => Err(StoreError::not_found("process_instance", id)),
        }
    }

    /// Writes the new state if nobody else did since `expected_version` was read. When the
    /// row was loaded in this transaction, which holds its lock (PostgreSQL `for update`;
    /// SQLite's write lock), the check is made against that read; otherwise the write is
    /// guarded and fails the batch if the version moved.
    pub async fn update_process_instance(
        &mut self,
        id: InstanceId,
        expected_version: i64,
        status: InstanceStatus,
        state: &str,
        ended: bool,
    ) -> Result<()> {
        let now = self.now_ms();
        // The version is set, not incremented: the trigger `process_instance_version_follows`
        // refuses the update unless the stored version is the one this state came from, which
        // is the whole check on the optimistic path (a state remembered, not read). A missing
        // row cannot pass either: the history row that follows references it.
        let mut sql = Sql::new("update process_instance set status = ");
        sql.bind(status.as_str())
            .push(", state = ")
            .bind(state)
            .push(", version = ")
            .bind(expected_version + 1)
            .push(", updated_at = ")
            .bind(now);
        if ended {
            sql.push(", ended_at = ").bind(now);
        }
        sql.push(" where process_instance_id = ").bind(id);
        if let Some((loaded, version)) = self.loaded_instance {
            if loaded == id {
                if version != expected_version {
                    return Err(StoreError::Conflict {
                        constraint: "process_instance_version".to_owned(),
                    });
                }
                self.loaded_instance = Some((id, expected_version + 1));
            }
        }
        self.defer(sql, [row("process_instance", id)]);
        Ok(())
    }

    pub async fn insert_process_events(
        &mut self,
        instance_id: InstanceId,
        actor: Option<&str>,
        comment: &str,
        events: &[String],
    ) -> Result<()> {
        let now = self.now_ms();
        for e in events {
            let mut sql = Sql::new("insert into process_event (process_instance_id, at, actor, comment, event) values (");
            sql.bind(instance_id)
                .push(",")
                .bind(now)
                .push(",")
                .bind(actor)
                .push(",")
                .bind(comment)
                .push(",")
                .bind(e.as_str())
                .push(")");
            self.defer(
                sql,
                [new_rows(
                    "process_event",
                    [("process_instance_id", instance_id.into())],
                )],
            );
        }
        Ok(())
    }

    /// Brings the timer projection in line with the engine state: the timers in `gone`
    /// (live before this command, not after) are closed, the `live` ones scheduled. Both are
    /// addressed by instance and timer id, so each statement is a lookup in the unique
    /// index, however many timers other instances have scheduled.
    pub async fn sync_timers(
        &mut self,
        instance_id: InstanceId,
        gone: &[i64],
        live: &[(i64, String, i64)],
    ) -> Result<()> {
        let now = self.now_ms();
        if !gone.is_empty() {
            let mut close = Sql::new("update process_timer set status = 'done', updated_at = ");
            close
                .bind(now)
                .push(" where process_instance_id = ")
                .bind(instance_id)
                .push(" and timer_id in (");
            for (i, t) in gone.iter().enumerate() {
                if i > 0 {
                    close.push(",");
                }
                close.bind(*t);
            }
            close.push(") and status = 'scheduled'");
            self.defer(close, gone.iter().map(|t| timer_row(instance_id, *t)));
        }
        for (timer, node, due) in live {
            let mut up = Sql::new("insert into process_timer (process_instance_id, timer_id, node_id, due_at, status, updated_at) values (");
            up.bind(instance_id)
                .push(",")
                .bind(*timer)
                .push(",")
                .bind(node.as_str())
                .push(",")
                .bind(*due)
                .push(",'scheduled',")
                .bind(now)
                .push(") on conflict (process_instance_id, timer_id) do update set due_at = excluded.due_at, status = 'scheduled', lease_owner = null, lease_until = null, updated_at = excluded.updated_at");
            self.defer(up, [timer_row(instance_id, *timer)]);
        }
        Ok(())
    }

    pub async fn sync_copies(&mut self, instance_id: InstanceId, copies: &[CopyRow]) -> Result<()> {
        for (seq, c) in copies.iter().enumerate() {
            let mut up = Sql::new("insert into process_copy (process_instance_id, seq, node_id, reader, copied_by, created_at, read_at) values (");
            up.bind(instance_id)
                .push(",")
                .bind(i64::try_from(seq).unwrap_or(0))
                .push(",")
                .bind(c.node_id.as_str())
                .push(",")
                .bind(c.reader.as_str())
                .push(",")
                .bind(c.copied_by.clone())
                .push(",")
                .bind(c.created_at_ms)
                .push(",")
                .bind(c.read_at_ms)
                .push(") on conflict (process_instance_id, seq) do update set read_at = excluded.read_at");
            let seq = i64::try_from(seq).unwrap_or(0);
            self.defer(
                up,
                [rows(
                    "process_copy",
                    [
                        ("process_instance_id", instance_id.into()),
                        ("seq", seq.into()),
                    ],
                )],
            );
        }
        Ok(())
    }

    /// Claims a leased timer row for firing; false when the lease was lost to another node.
    pub async fn take_timer(&mut self, row_id: i64, owner: &str) -> Result<bool> {
        let mut sql = Sql::new("update process_timer set status = 'fired', updated_at = ");
        sql.bind(self.now_ms())
            .push(" where status = 'scheduled' and process_timer_id = ")
            .bind(row_id)
            .push(" and lease_owner = ")
            .bind(owner);
        Ok(sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected()
            == 1)
    }
}

impl Store {
    /// The business record of an instance (an empty object when none was stored).
    pub async fn business_record(
        &self,
        instance_id: InstanceId,
    ) -> Result<serde_json::Map<String, serde_json::Value>> {
        let mut sql = Sql::new("select data from business_record where process_instance_id = ");
        sql.bind(instance_id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => Ok(serde_json::from_str(&get_str(&r, "data")?).unwrap_or_default()),
            None => Ok(serde_json::Map::new()),
        }
    }
}

impl WriteTx {
    pub async fn load_business_record(
        &mut self,
        instance_id: InstanceId,
    ) -> Result<serde_json::Map<String, serde_json::Value>> {
        let mut sql = Sql::new("select data from business_record where process_instance_id = ");
        sql.bind(instance_id);
        match sql.query().fetch_optional(self.conn().await?).await? {
            Some(r) => Ok(serde_json::from_str(&get_str(&r, "data")?).unwrap_or_default()),
            None => Ok(serde_json::Map::new()),
        }
    }

    pub async fn save_business_record(
        &mut self,
        instance_id: InstanceId,
        data: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut sql = Sql::new("insert into business_record (process_instance_id, data, created_at, updated_at) values (");
        sql.bind(instance_id)
            .push(",")
            .bind(serde_json::Value::Object(data.clone()).to_string())
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") on conflict (process_instance_id) do update set data = excluded.data, updated_at = excluded.updated_at");
        self.defer(
            sql,
            [rows(
                "business_record",
                [("process_instance_id", instance_id.into())],
            )],
        );
        Ok(())
    }
}

impl Store {
    /// Running instances waiting for `name` (kind "message" or "signal"), oldest first,
    /// optionally only the one with `business_key`.
    pub async fn subscribers(
        &self,
        kind: &str,
        name: &str,
        business_key: Option<&str>,
    ) -> Result<Vec<InstanceId>> {
        let mut sql = Sql::new("select distinct s.process_instance_id from process_subscription s join process_instance i on i.process_instance_id = s.process_instance_id where i.status = 'running' and s.kind = ");
        sql.bind(kind).push(" and s.name = ").bind(name);
        if let Some(k) = business_key {
            sql.push(" and i.business_key = ").bind(k);
        }
        sql.push(" order by s.process_instance_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| get_id(r, "process_instance_id"))
            .collect()
    }
}

impl WriteTx {
    pub async fn sync_subscriptions(
        &mut self,
        instance_id: InstanceId,
        subs: &[(String, String)],
    ) -> Result<()> {
        let mut del = Sql::new("delete from process_subscription where process_instance_id = ");
        del.bind(instance_id);
        // The new rows are inserted after the delete: its statement (SQLite) or snapshot
        // (PostgreSQL) does not see them, and the table has no unique key they could meet.
        self.defer(
            del,
            [rows(
                "process_subscription",
                [("process_instance_id", instance_id.into())],
            )],
        );
        let now = self.now_ms();
        for (kind, name) in subs {
            let mut ins = Sql::new("insert into process_subscription (process_instance_id, kind, name, created_at) values (");
            ins.bind(instance_id)
                .push(",")
                .bind(kind.as_str())
                .push(",")
                .bind(name.as_str())
                .push(",")
                .bind(now)
                .push(")");
            self.defer(
                ins,
                [new_rows(
                    "process_subscription",
                    [("process_instance_id", instance_id.into())],
                )],
            );
        }
        Ok(())
    }
}

impl WriteTx {
    /// Writes the work-item changes one command made, computed from the engine state before
    /// and after it, without reading the projection back.
    pub async fn apply_work_item_changes(
        &mut self,
        instance_id: InstanceId,
        closed: &[(i64, i64, bool, Option<String>)],
        opened: &[OpenTask],
        reassigned: &[OpenTask],
    ) -> Result<()> {
        let now = self.now_ms();
        for (exec, activation, done, by) in closed {
            let mut upd = Sql::new("update work_item set status = ");
            let to = if *done {
                WorkItemStatus::Done
            } else {
                WorkItemStatus::Cancelled
            };
            upd.bind(to.as_str())
                .push(", completed_at = ")
                .bind(now)
                .push(", completed_by = ")
                .bind(by.clone())
                .push(" where status = 'open' and process_instance_id = ")
                .bind(instance_id)
                .push(" and exec_id = ")
                .bind(*exec)
                .push(" and activation = ")
                .bind(*activation);
            self.defer(upd, [work_item_row(instance_id, *exec, *activation)]);
        }
        for o in reassigned {
            let mut upd = Sql::new("update work_item set assignee = ");
            upd.bind(o.assignee.clone())
                .push(", owner = ")
                .bind(o.owner.clone())
                .push(", candidate_users = ")
                .bind(list_field(&o.candidate_users))
                .push(" where status = 'open' and process_instance_id = ")
                .bind(instance_id)
                .push(" and exec_id = ")
                .bind(o.exec_id)
                .push(" and activation = ")
                .bind(o.activation);
            self.defer(upd, [work_item_row(instance_id, o.exec_id, o.activation)]);
        }
        // One statement for all the items a command opens (a countersign opens several).
        let mut ins = Sql::new(&format!(
            "insert into work_item ({}) values ",
            &WI_COLS["work_item_id, ".len()..]
        ));
        for (i, o) in opened.iter().enumerate() {
            ins.push(if i == 0 { "(" } else { ", (" })
                .bind(instance_id)
                .push(",")
                .bind(o.exec_id)
                .push(",")
                .bind(o.activation)
                .push(",")
                .bind(o.node_id.as_str())
                .push(",")
                .bind(o.name.as_str())
                .push(",")
                .bind(o.assignee.clone())
                .push(",")
                .bind(list_field(&o.candidate_users))
                .push(",")
                .bind(list_field(&o.candidate_groups))
                .push(",")
                .bind(o.owner.clone())
                .push(",'open',")
                .bind(o.created_at_ms)
                .push(", null, null)");
        }
        if !opened.is_empty() {
            self.defer(
                ins,
                opened.iter().map(|o| {
                    new_rows(
                        "work_item",
                        [
                            ("process_instance_id", instance_id.into()),
                            ("exec_id", o.exec_id.into()),
                            ("activation", o.activation.into()),
                        ],
                    )
                }),
            );
        }
        Ok(())
    }
}

/// A timer's projection row, by its unique key (instance, timer).
fn timer_row(instance_id: InstanceId, timer_id: i64) -> crate::rows::Rows {
    rows(
        "process_timer",
        [
            ("process_instance_id", instance_id.into()),
            ("timer_id", timer_id.into()),
        ],
    )
}

/// A work item, by its unique key (instance, execution, activation).
fn work_item_row(instance_id: InstanceId, exec_id: i64, activation: i64) -> crate::rows::Rows {
    rows(
        "work_item",
        [
            ("process_instance_id", instance_id.into()),
            ("exec_id", exec_id.into()),
            ("activation", activation.into()),
        ],
    )
}

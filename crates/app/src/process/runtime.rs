//! Engine commands run durably, each one store transaction; timers, messages and signals.

use super::UseCases;
use crate::error::{ErrorKind, ServiceError, ServiceResult};
use crate::{base::notify, Actor, App};
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::DepartmentId;
use fgf_domain::process::InstanceId;
use fgf_domain::process::{DefinitionStatus, InstanceStatus, WorkItemStatus};
use fgf_engine::exec::{apply, Command, Event, Instance, Registry, Status, Vars};
use fgf_store::process::{CopyRow, OpenTask, ProcessDefinitionRow, WorkItemRow};
use fgf_store::{AuditCtx, Scope, StoreError};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Compiled registries by definition id: definitions never change once stored (a change is a
/// new version), so a cached registry is right until the calendar it carries changes.
#[derive(Default)]
pub struct RegistryCache(Mutex<HashMap<i64, Arc<Registry>>>);

impl RegistryCache {
    fn get(&self, id: i64) -> Option<Arc<Registry>> {
        self.0.lock().ok().and_then(|c| c.get(&id).cloned())
    }

    /// Drops every registry, so the next command builds one with the calendar as it is now
    /// (a holiday notice just imported must count for the next working-day timer).
    pub(crate) fn clear(&self) {
        match self.0.lock() {
            Ok(mut c) => c.clear(),
            Err(poisoned) => poisoned.into_inner().clear(),
        }
    }
}

/// A working-day deadline running on an instance (a live `P5WD` timer), with what it rests on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstanceDeadline {
    pub timer: u32,
    /// The execution the timer belongs to (the work item's `exec_id` for a boundary timer).
    pub exec: u32,
    pub node: String,
    pub working_days: u32,
    pub due_at_ms: i64,
    /// The last day, whose end of business is `due_at_ms`.
    pub due_date: chrono::NaiveDate,
    /// When that day ends, `HH:MM` (`24:00` unless the district ends business earlier).
    pub ends_at: String,
    pub paused_workdays: u32,
    /// Years without a holiday notice, counted Monday–Friday: the due date is a guess there.
    pub assumed_years: Vec<i32>,
}

impl InstanceDeadline {
    /// The warning to show beside a due date counted Monday–Friday for want of a notice.
    pub fn warning(&self, lang: crate::Lang) -> Option<String> {
        if self.assumed_years.is_empty() {
            return None;
        }
        let years: Vec<String> = self.assumed_years.iter().map(i32::to_string).collect();
        Some(crate::i18n::t(lang, "deadline.assumed").replace("{0}", &years.join("、")))
    }
}

/// Instances as the last command through this node left them, by id: the optimistic command
/// path applies the next command to this state instead of reading it. A stale entry (another
/// node or process wrote since) costs only a retry, because that write is guarded by the
/// version; instances with a business record are not kept (their record is read anyway).
#[derive(Default)]
pub struct InstanceCache(Mutex<HashMap<InstanceId, Arc<CachedInstance>>>);

pub(crate) struct CachedInstance {
    definition_id: i64,
    version: i64,
    inst: Instance,
}

/// Enough for every instance a busy district has in flight at once; past it the cache
/// starts over rather than tracking use.
const INSTANCE_CACHE_CAP: usize = 4096;

impl InstanceCache {
    fn get(&self, id: InstanceId) -> Option<Arc<CachedInstance>> {
        self.0.lock().ok().and_then(|c| c.get(&id).cloned())
    }

    fn put(&self, id: InstanceId, definition_id: i64, version: i64, inst: Instance) {
        let Ok(mut c) = self.0.lock() else { return };
        if inst.is_finished() || inst.has_record {
            c.remove(&id);
            return;
        }
        if c.len() >= INSTANCE_CACHE_CAP {
            c.clear();
        }
        c.insert(
            id,
            Arc::new(CachedInstance {
                definition_id,
                version,
                inst,
            }),
        );
    }

    fn forget(&self, id: InstanceId) {
        if let Ok(mut c) = self.0.lock() {
            c.remove(&id);
        }
    }
}

/// The latest published definition of each process key (id, version) as the last start
/// through this node found it: the optimistic start begins from it, and its batch checks
/// that it is still the latest.
#[derive(Default)]
pub struct StartCache(Mutex<HashMap<String, (i64, i64)>>);

impl StartCache {
    fn get(&self, key: &str) -> Option<(i64, i64)> {
        self.0.lock().ok().and_then(|c| c.get(key).copied())
    }

    fn put(&self, key: &str, def: (i64, i64)) {
        if let Ok(mut c) = self.0.lock() {
            c.insert(key.to_owned(), def);
        }
    }

    fn forget(&self, key: &str) {
        if let Ok(mut c) = self.0.lock() {
            c.remove(key);
        }
    }
}

/// What a start was asked for.
struct Start<'a> {
    by: Option<String>,
    key: &'a str,
    vars: Vars,
    record: serde_json::Map<String, serde_json::Value>,
    business_key: &'a str,
    department_id: Option<DepartmentId>,
    start_event: Option<String>,
}

/// What a command's writes need to know besides the new state.
struct Done<'a> {
    instance_id: InstanceId,
    version: i64,
    status: InstanceStatus,
    before: &'a Instance,
    by: Option<&'a str>,
    comment: &'a str,
    action: &'a str,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Deployed {
    pub id: i64,
    pub key: String,
    pub version: i64,
    pub problems: Vec<fgf_engine::Problem>,
}

/// What a person does with a work item.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TaskOp {
    Complete {
        #[serde(default)]
        vars: Vars,
        /// Form fields for the business record; only those the node may edit.
        #[serde(default)]
        fields: serde_json::Map<String, serde_json::Value>,
    },
    SendBack {
        target: String,
        #[serde(default)]
        return_direct: bool,
    },
    Withdraw,
    Transfer {
        to: String,
    },
    Delegate {
        to: String,
    },
    Resolve {
        #[serde(default)]
        vars: Vars,
    },
    Claim,
    Unclaim,
    AddSigner {
        user: String,
        #[serde(default)]
        before: bool,
    },
    RemoveSigner,
    Urge,
    CarbonCopy {
        readers: Vec<String>,
    },
}

/// An open task before a command: (exec, activation, assignee, owner, candidate users).
type OpenBefore = (i64, i64, Option<String>, Option<String>, Vec<String>);

fn engine_error(e: &fgf_engine::EngineError) -> ServiceError {
    let kind = match e {
        fgf_engine::EngineError::NoSuchTask(_) | fgf_engine::EngineError::NoSuchTimer(_) => {
            ErrorKind::NotFound
        }
        fgf_engine::EngineError::UnknownProcess(_) | fgf_engine::EngineError::NoStart => {
            ErrorKind::Invalid
        }
        _ => ErrorKind::Conflict,
    };
    ServiceError::new(kind, "process_operation_refused")
        .arg(e.to_string())
        .details(json!({ "engine_code": e.code() }))
}

fn status_code(s: &Status) -> InstanceStatus {
    match s {
        Status::Running => InstanceStatus::Running,
        Status::Completed => InstanceStatus::Completed,
        Status::Terminated { .. } => InstanceStatus::Terminated,
        Status::Failed { .. } => InstanceStatus::Failed,
    }
}

impl UseCases<'_> {
    fn registry_for(
        &self,
        def: &ProcessDefinitionRow,
        extra: &[ProcessDefinitionRow],
    ) -> ServiceResult<Arc<Registry>> {
        if let Ok(cache) = self.process_cache().0.lock() {
            if let Some(r) = cache.get(&def.id) {
                return Ok(Arc::clone(r));
            }
        }
        let mut reg = Registry::new((*self.calendar()).clone());
        for d in extra.iter().chain(std::iter::once(def)) {
            let (parsed, _) = fgf_engine::import(&d.source).map_err(ServiceError::internal)?;
            reg.add(&parsed);
        }
        let reg = Arc::new(reg);
        if let Ok(mut cache) = self.process_cache().0.lock() {
            cache.insert(def.id, Arc::clone(&reg));
        }
        Ok(reg)
    }

    /// The latest published definitions of the processes `def` calls (for call activities).
    async fn called_definitions(self, source: &str) -> ServiceResult<Vec<ProcessDefinitionRow>> {
        let (parsed, _) = fgf_engine::import(source).map_err(ServiceError::internal)?;
        let mut out = Vec::new();
        for p in &parsed.processes {
            for n in &p.nodes {
                if let fgf_engine::model::NodeKind::CallActivity { called_element } = &n.kind {
                    if parsed.process(called_element).is_none() {
                        if let Some(d) = self
                            .store()
                            .latest_process_definition(called_element)
                            .await?
                        {
                            out.push(d);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Stores a new version of a BPMN definition. Publishing needs a clean check; a draft
    /// may be stored with problems to fix.
    pub async fn deploy_process(
        &self,
        ctx: AuditCtx,
        xml: &str,
        designer: Option<&str>,
        publish: bool,
        department_id: Option<DepartmentId>,
    ) -> ServiceResult<Deployed> {
        self.deploy_process_with(ctx, xml, designer, publish, true, department_id)
            .await
    }

    /// As `deploy_process`; `strict = false` publishes despite check problems (benchmarks and
    /// conformance inputs that carry no assignment rules), never used for district processes.
    pub async fn deploy_process_with(
        &self,
        ctx: AuditCtx,
        xml: &str,
        designer: Option<&str>,
        publish: bool,
        strict: bool,
        department_id: Option<DepartmentId>,
    ) -> ServiceResult<Deployed> {
        let (def, import_problems) =
            fgf_engine::import(xml).map_err(|e| ServiceError::invalid("bpmn_invalid").arg(e))?;
        let main = def.main_process().ok_or_else(|| {
            ServiceError::invalid("bpmn_invalid")
                .arg("the file must hold exactly one executable process")
        })?;
        let called = self.called_definitions(xml).await?;
        let mut reg = Registry::new((*self.calendar()).clone());
        for c in &called {
            if let Ok((d, _)) = fgf_engine::import(&c.source) {
                reg.add(&d);
            }
        }
        reg.add(&def);
        let problems = fgf_engine::check(&def, &import_problems, Some(&reg));
        if publish && strict && !problems.is_empty() {
            return Err(ServiceError::invalid("process_check_failed")
                .arg(problems.len())
                .details(json!({ "problems": problems })));
        }
        let name = if main.name.is_empty() {
            main.id.clone()
        } else {
            main.name.clone()
        };
        let mut tx = self.store().write(ctx).await?;
        let (id, version) = tx
            .insert_process_definition(
                &main.id,
                &name,
                xml,
                designer,
                if publish {
                    DefinitionStatus::Published
                } else {
                    DefinitionStatus::Draft
                },
                department_id,
            )
            .await?;
        tx.audit(
            "process.deploy",
            "process_definition",
            &id.to_string(),
            &[FieldChange {
                field: "version".to_owned(),
                before: None,
                after: Some(json!({ "key": main.id, "version": version, "published": publish })),
            }],
        )
        .await?;
        tx.commit().await?;
        if publish {
            for n in main.nodes_in(None) {
                if let fgf_engine::model::NodeKind::Start {
                    def: fgf_engine::model::EventDef::Timer(_),
                    ..
                } = &main.node(n).kind
                {
                    schedule_timer_start(self, id, xml, &main.node(n).id, 0, self.now_ms()).await?;
                }
            }
        }
        Ok(Deployed {
            id,
            key: main.id.clone(),
            version,
            problems,
        })
    }

    /// Starts an instance of the latest published version of `key`.
    pub async fn start_process(
        &self,
        ctx: AuditCtx,
        by: Option<String>,
        key: &str,
        vars: Vars,
        business_key: &str,
        department_id: Option<DepartmentId>,
    ) -> ServiceResult<InstanceId> {
        self.start_process_with_record(
            ctx,
            by,
            key,
            vars,
            serde_json::Map::new(),
            business_key,
            department_id,
        )
        .await
    }

    /// Starts an instance with its business record (the application's form data).
    #[allow(clippy::too_many_arguments)]
    pub async fn start_process_with_record(
        &self,
        ctx: AuditCtx,
        by: Option<String>,
        key: &str,
        vars: Vars,
        record: serde_json::Map<String, serde_json::Value>,
        business_key: &str,
        department_id: Option<DepartmentId>,
    ) -> ServiceResult<InstanceId> {
        self.start_process_at(
            ctx,
            by,
            key,
            vars,
            record,
            business_key,
            department_id,
            None,
        )
        .await
    }

    /// Starts an instance at `start_event` (a message, signal or timer start) or, when None,
    /// at the none start.
    #[allow(clippy::too_many_arguments)]
    pub async fn start_process_at(
        &self,
        ctx: AuditCtx,
        by: Option<String>,
        key: &str,
        vars: Vars,
        record: serde_json::Map<String, serde_json::Value>,
        business_key: &str,
        department_id: Option<DepartmentId>,
        start_event: Option<String>,
    ) -> ServiceResult<InstanceId> {
        self.start_process_traced(
            ctx,
            by,
            key,
            vars,
            record,
            business_key,
            department_id,
            start_event,
        )
        .await
        .map(|(id, _)| id)
    }

    /// [`App::start_process_at`], also answering the events of the start (the bench reads
    /// the first tasks from them instead of from the store).
    #[allow(clippy::too_many_arguments)]
    pub async fn start_process_traced(
        &self,
        ctx: AuditCtx,
        by: Option<String>,
        key: &str,
        vars: Vars,
        record: serde_json::Map<String, serde_json::Value>,
        business_key: &str,
        department_id: Option<DepartmentId>,
        start_event: Option<String>,
    ) -> ServiceResult<(InstanceId, Vec<Event>)> {
        let start = Start {
            by,
            key,
            vars,
            record,
            business_key,
            department_id,
            start_event,
        };
        // A process this node started before starts from the definition it remembers, with
        // an id reserved ahead, in one request; the batch checks both, and any failure there
        // goes the locked way, which decides.
        if let Some(def) = self.start_cache().get(key) {
            match self.start_optimistic(ctx.clone(), &start, def).await {
                Ok(Some(done)) => return Ok(done),
                Ok(None) => {}
                // Only someone else's write (a conflict) or a busy store sends it the locked
                // way; anything else is a fault, not a race, and is not hidden by a retry.
                Err(e) if retriable_optimistic(&e) => {
                    tracing::debug!(key, %e, "optimistic start retried locked");
                }
                Err(e) => {
                    tracing::error!(key, %e, "optimistic start failed");
                    self.start_cache().forget(key);
                    return Err(e);
                }
            }
            self.start_cache().forget(key);
        }
        // The definition is read under the transaction's lock, so a version published
        // meanwhile on another node is either wholly before this start or wholly after it.
        let (mut tx, def) = self.store().write_starting(ctx, key).await?;
        let Some(def) = def else {
            tx.rollback().await?;
            return Err(ServiceError::not_found("not_found").arg("process").arg(key));
        };
        let reg = self.registry_by_id(def.0).await?;
        let (inst, events) = match self.apply_start(&reg, &start, tx.now_ms()).await {
            Ok(applied) => applied,
            Err(e) => {
                tx.rollback().await?;
                return Err(e);
            }
        };
        let state = serde_json::to_string(&inst).map_err(ServiceError::internal)?;
        let id = tx
            .insert_process_instance(
                def.0,
                business_key,
                status_code(&inst.status),
                &state,
                department_id,
                tx.ctx().actor_account_id,
            )
            .await?;
        self.finish_start(&mut tx, &reg, id, def, &start, &inst, &events)
            .await?;
        tx.commit().await?;
        self.start_cache().put(key, def);
        self.instance_cache().put(id, def.0, 1, inst);
        Ok((id, events))
    }

    /// Starts an instance of the latest published version of `key` inside the caller's
    /// transaction, which the caller commits: for a use case of another part whose own step
    /// and the start must be one state change (an application's review begins as it is
    /// assigned).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn start_in(
        self,
        tx: &mut fgf_store::WriteTx,
        key: &str,
        by: Option<String>,
        vars: Vars,
        business_key: &str,
        department_id: Option<DepartmentId>,
    ) -> ServiceResult<InstanceId> {
        let def = self
            .store()
            .latest_process_definition(key)
            .await?
            .ok_or_else(|| ServiceError::not_found("not_found").arg("process").arg(key))?;
        let reg = self.registry_by_id(def.id).await?;
        let start = Start {
            by,
            key,
            vars,
            record: serde_json::Map::new(),
            business_key,
            department_id,
            start_event: None,
        };
        let (inst, events) = self.apply_start(&reg, &start, tx.now_ms()).await?;
        let state = serde_json::to_string(&inst).map_err(ServiceError::internal)?;
        let actor = tx.ctx().actor_account_id;
        let id = tx
            .insert_process_instance(
                def.id,
                business_key,
                status_code(&inst.status),
                &state,
                department_id,
                actor,
            )
            .await?;
        self.finish_start(tx, &reg, id, (def.id, def.version), &start, &inst, &events)
            .await?;
        Ok(id)
    }

    /// Applies one engine command to an instance inside the caller's transaction and answers
    /// the new state; the caller commits. The instance is read under the transaction's lock
    /// and forgotten by this node's cache, which a rollback would otherwise leave ahead.
    pub(crate) async fn command_in(
        self,
        tx: &mut fgf_store::WriteTx,
        instance_id: InstanceId,
        by: Option<String>,
        cmd: Command,
        comment: &str,
    ) -> ServiceResult<Instance> {
        self.instance_cache().forget(instance_id);
        let action = format!(
            "process.{}",
            serde_json::to_value(&cmd)
                .ok()
                .and_then(|v| v.get("command").and_then(|c| c.as_str()).map(str::to_owned))
                .unwrap_or_default()
        );
        let row = tx.load_process_instance(instance_id).await?;
        let reg = self.registry_by_id(row.definition_id).await?;
        let mut inst: Instance =
            serde_json::from_str(&row.state).map_err(ServiceError::internal)?;
        if inst.has_record {
            inst.record = tx
                .load_business_record(instance_id)
                .await?
                .into_iter()
                .collect();
        }
        let before = inst.clone();
        let now = tx.now_ms();
        let mut events = apply(&reg, &mut inst, cmd, now).map_err(|e| engine_error(&e))?;
        self.resolve_assignments(&reg, &mut inst, &mut events, now)
            .await?;
        let done = Done {
            instance_id,
            version: row.version,
            status: row.status,
            before: &before,
            by: by.as_deref(),
            comment,
            action: &action,
        };
        self.finish_command(tx, &reg, &done, &inst, &events).await?;
        Ok(inst)
    }

    /// The optimistic start: None when it cannot be tried (no remembered audit head or
    /// instance id) or the engine refused; an error when the store's checks failed.
    async fn start_optimistic(
        &self,
        ctx: AuditCtx,
        start: &Start<'_>,
        def: (i64, i64),
    ) -> ServiceResult<Option<(InstanceId, Vec<Event>)>> {
        let reg = self.registry_by_id(def.0).await?;
        let Ok((inst, events)) = self.apply_start(&reg, start, ctx.at_ms).await else {
            return Ok(None);
        };
        let Some(id) = self.store().reserve_instance_id().await? else {
            return Ok(None);
        };
        let Some(mut tx) = self.store().write_optimistic(ctx).await? else {
            return Ok(None);
        };
        tx.expect_latest_definition(start.key, def.0, def.1);
        let state = serde_json::to_string(&inst).map_err(ServiceError::internal)?;
        tx.insert_process_instance_with_id(
            id,
            def.0,
            start.business_key,
            status_code(&inst.status),
            &state,
            start.department_id,
            tx.ctx().actor_account_id,
        );
        self.finish_start(&mut tx, &reg, id, def, start, &inst, &events)
            .await?;
        tx.commit().await?;
        self.instance_cache().put(id, def.0, 1, inst);
        Ok(Some((id, events)))
    }

    /// A new instance with the start command applied and its assignments resolved.
    async fn apply_start(
        &self,
        reg: &Registry,
        start: &Start<'_>,
        now: i64,
    ) -> ServiceResult<(Instance, Vec<Event>)> {
        let mut inst = Instance::new(start.key);
        inst.record = start.record.clone().into_iter().collect();
        inst.has_record = !start.record.is_empty();
        let vars = start.vars.clone();
        let initiator = start.by.clone();
        let cmd = match start.start_event.clone() {
            Some(start_event) => Command::StartAt {
                vars,
                initiator,
                start_event,
            },
            None => Command::Start { vars, initiator },
        };
        let mut events = apply(reg, &mut inst, cmd, now).map_err(|e| engine_error(&e))?;
        self.resolve_assignments(reg, &mut inst, &mut events, now)
            .await?;
        Ok((inst, events))
    }

    /// The writes of a start after the instance row: the business record, the history and
    /// projections, the audit entry.
    #[allow(clippy::too_many_arguments)]
    async fn finish_start(
        &self,
        tx: &mut fgf_store::WriteTx,
        reg: &Registry,
        id: InstanceId,
        def: (i64, i64),
        start: &Start<'_>,
        inst: &Instance,
        events: &[Event],
    ) -> ServiceResult<()> {
        if !start.record.is_empty() {
            tx.save_business_record(id, &start.record).await?;
        }
        self.persist(tx, id, reg, None, inst, events, start.by.as_deref(), "")
            .await?;
        tx.audit(
            "process.start",
            "process_instance",
            &id.to_string(),
            &[FieldChange {
                field: "process".to_owned(),
                before: None,
                after: Some(
                    json!({ "key": start.key, "version": def.1, "business_key": start.business_key }),
                ),
            }],
        )
        .await?;
        Ok(())
    }

    /// Applies one engine command to a stored instance, in one transaction.
    pub async fn process_command(
        &self,
        ctx: AuditCtx,
        instance_id: InstanceId,
        by: Option<String>,
        cmd: Command,
        comment: &str,
    ) -> ServiceResult<Vec<Event>> {
        self.process_command_with_record(ctx, instance_id, by, cmd, comment, None)
            .await
    }

    /// As `process_command`, also writing `record_update` (fields already checked against
    /// the node's permissions) into the business record in the same transaction, before the
    /// engine evaluates anything.
    pub async fn process_command_with_record(
        &self,
        ctx: AuditCtx,
        instance_id: InstanceId,
        by: Option<String>,
        cmd: Command,
        comment: &str,
        record_update: Option<serde_json::Map<String, serde_json::Value>>,
    ) -> ServiceResult<Vec<Event>> {
        let action = format!(
            "process.{}",
            serde_json::to_value(&cmd)
                .ok()
                .and_then(|v| v.get("command").and_then(|c| c.as_str()).map(str::to_owned))
                .unwrap_or_default()
        );
        // Most commands follow one this node just wrote: apply them to that state and let
        // the store check the version instead of reading the instance first. Any failure
        // there (a stale state, a refusal) goes the locked way, which decides.
        if record_update.is_none() {
            if let Some(cached) = self.instance_cache().get(instance_id) {
                match self
                    .command_optimistic(
                        ctx.clone(),
                        instance_id,
                        &cached,
                        by.as_deref(),
                        cmd.clone(),
                        comment,
                        &action,
                    )
                    .await
                {
                    Ok(Some(events)) => return Ok(events),
                    Ok(None) => {}
                    Err(e) if retriable_optimistic(&e) => {
                        tracing::debug!(%instance_id, %e, "optimistic command retried locked");
                    }
                    Err(e) => {
                        tracing::error!(%instance_id, %e, "optimistic command failed");
                        self.instance_cache().forget(instance_id);
                        return Err(e);
                    }
                }
                self.instance_cache().forget(instance_id);
            }
        }
        let now = ctx.at_ms;
        let (mut tx, row) = self.store().write_instance(ctx, instance_id).await?;
        let reg = self.registry_by_id(row.definition_id).await?;
        let mut inst: Instance =
            serde_json::from_str(&row.state).map_err(ServiceError::internal)?;
        if inst.has_record || record_update.is_some() {
            let mut record = tx.load_business_record(instance_id).await?;
            if let Some(update) = &record_update {
                for (k, v) in update {
                    record.insert(k.clone(), v.clone());
                }
                tx.save_business_record(instance_id, &record).await?;
                inst.has_record = true;
            }
            inst.record = record.into_iter().collect();
        }
        let before = inst.clone();
        let mut events = match apply(&reg, &mut inst, cmd, now) {
            Ok(ev) => ev,
            Err(e) => {
                tx.rollback().await?;
                return Err(engine_error(&e));
            }
        };
        self.resolve_assignments(&reg, &mut inst, &mut events, now)
            .await?;
        let done = Done {
            instance_id,
            version: row.version,
            status: row.status,
            before: &before,
            by: by.as_deref(),
            comment,
            action: &action,
        };
        self.finish_command(&mut tx, &reg, &done, &inst, &events)
            .await?;
        tx.commit().await?;
        self.instance_cache()
            .put(instance_id, row.definition_id, row.version + 1, inst);
        Ok(events)
    }

    /// The optimistic command: None when it cannot be tried (no remembered audit head) or
    /// the engine refused on the remembered state; an error when the store's checks failed.
    #[allow(clippy::too_many_arguments)]
    async fn command_optimistic(
        &self,
        ctx: AuditCtx,
        instance_id: InstanceId,
        cached: &CachedInstance,
        by: Option<&str>,
        cmd: Command,
        comment: &str,
        action: &str,
    ) -> ServiceResult<Option<Vec<Event>>> {
        let now = ctx.at_ms;
        let reg = self.registry_by_id(cached.definition_id).await?;
        let mut inst = cached.inst.clone();
        let Ok(mut events) = apply(&reg, &mut inst, cmd, now) else {
            return Ok(None);
        };
        self.resolve_assignments(&reg, &mut inst, &mut events, now)
            .await?;
        let Some(mut tx) = self.store().write_optimistic(ctx).await? else {
            return Ok(None);
        };
        let status = status_code(&cached.inst.status);
        let done = Done {
            instance_id,
            version: cached.version,
            status,
            before: &cached.inst,
            by,
            comment,
            action,
        };
        self.finish_command(&mut tx, &reg, &done, &inst, &events)
            .await?;
        tx.commit().await?;
        self.instance_cache()
            .put(instance_id, cached.definition_id, cached.version + 1, inst);
        Ok(Some(events))
    }

    /// The writes of one applied command: the new state against the version it came from,
    /// the history and projections, and the audit entry.
    async fn finish_command(
        &self,
        tx: &mut fgf_store::WriteTx,
        reg: &Registry,
        done: &Done<'_>,
        inst: &Instance,
        events: &[Event],
    ) -> ServiceResult<()> {
        let state = serde_json::to_string(inst).map_err(ServiceError::internal)?;
        tx.update_process_instance(
            done.instance_id,
            done.version,
            status_code(&inst.status),
            &state,
            inst.is_finished(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::conflict("process_instance_changed"),
            other => other.into(),
        })?;
        self.persist(
            tx,
            done.instance_id,
            reg,
            Some(done.before),
            inst,
            events,
            done.by,
            done.comment,
        )
        .await?;
        tx.audit(
            done.action,
            "process_instance",
            &done.instance_id.to_string(),
            &[FieldChange {
                field: "status".to_owned(),
                before: Some(json!(done.status)),
                after: Some(json!(status_code(&inst.status))),
            }],
        )
        .await?;
        Ok(())
    }

    /// The working-day deadlines running on `inst`, soonest first.
    /// The names of the steps of the processes an instance runs, by node id: pages show a
    /// step by its name (审查), never by its id (`review`).
    pub async fn node_names(
        &self,
        definition_id: i64,
        inst: &Instance,
    ) -> ServiceResult<std::collections::HashMap<String, String>> {
        let reg = self.registry_by_id(definition_id).await?;
        let mut out = std::collections::HashMap::new();
        for pid in &inst.procs {
            if let Some(c) = reg.get(pid) {
                for n in &c.process.nodes {
                    if !n.name.trim().is_empty() {
                        out.entry(n.id.clone()).or_insert_with(|| n.name.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    pub async fn instance_deadlines(
        &self,
        definition_id: i64,
        inst: &Instance,
    ) -> ServiceResult<Vec<InstanceDeadline>> {
        let timers: Vec<_> = inst
            .live_timers()
            .into_iter()
            .filter(|t| matches!(t.spec, fgf_engine::timer::TimerSpec::WorkingDays(_)))
            .collect();
        if timers.is_empty() {
            return Ok(Vec::new());
        }
        let reg = self.registry_by_id(definition_id).await?;
        Ok(timers
            .into_iter()
            .filter_map(|t| {
                let fgf_engine::timer::TimerSpec::WorkingDays(n) = t.spec else {
                    return None;
                };
                let node = reg
                    .get(inst.procs.get(usize::from(t.proc))?)
                    .map(|c| c.process.node(t.node).id.clone())
                    .unwrap_or_default();
                let due_date = fgf_engine::timer::due_date(t.due_ms)?;
                // Midnight +08:00 at the start of the last day.
                let midnight =
                    due_date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() - 8 * 3_600_000;
                let minutes = (t.due_ms - midnight) / 60_000;
                Some(InstanceDeadline {
                    timer: t.id,
                    exec: t.owner,
                    node,
                    working_days: n,
                    due_at_ms: t.due_ms,
                    due_date,
                    ends_at: format!("{:02}:{:02}", minutes / 60, minutes % 60),
                    paused_workdays: t.paused_workdays,
                    assumed_years: t.assumed_years.clone(),
                })
            })
            .collect())
    }

    async fn registry_by_id(self, definition_id: i64) -> ServiceResult<Arc<Registry>> {
        if let Some(r) = self.process_cache().get(definition_id) {
            return Ok(r);
        }
        let def = self.store().get_process_definition(definition_id).await?;
        let called = self.called_definitions(&def.source).await?;
        self.registry_for(&def, &called)
    }

    /// Events, projections and notifications of one command, inside its transaction. The
    /// projections are written only where the state changed (`before` → `inst`).
    #[allow(clippy::too_many_arguments)]
    async fn persist(
        &self,
        tx: &mut fgf_store::WriteTx,
        instance_id: InstanceId,
        reg: &Registry,
        before: Option<&Instance>,
        inst: &Instance,
        events: &[Event],
        by: Option<&str>,
        comment: &str,
    ) -> ServiceResult<()> {
        // One history row per command: its events in order.
        let encoded = serde_json::to_string(events).map_err(ServiceError::internal)?;
        tx.insert_process_events(instance_id, by, comment, &[encoded])
            .await?;
        let node_info = |proc: u16, n: u32| -> (String, String) {
            reg.get(&inst.procs[proc as usize])
                .map(|c| {
                    let node = c.process.node(n);
                    (
                        node.id.clone(),
                        if node.name.is_empty() {
                            node.id.clone()
                        } else {
                            node.name.clone()
                        },
                    )
                })
                .unwrap_or_default()
        };
        let open: Vec<OpenTask> = inst
            .open_tasks()
            .iter()
            .filter_map(|e| {
                let t = e.task.as_ref()?;
                let (node_id, name) = node_info(e.proc, e.node?);
                Some(OpenTask {
                    exec_id: i64::from(e.id),
                    activation: i64::try_from(e.seq).unwrap_or(i64::MAX),
                    node_id,
                    name,
                    assignee: t.assignee.clone(),
                    candidate_users: t.candidate_users.clone(),
                    candidate_groups: t.candidate_groups.clone(),
                    owner: t.owner.clone(),
                    created_at_ms: e.activated_ms,
                })
            })
            .collect();
        let completed: Vec<(i64, Option<String>)> = events
            .iter()
            .filter_map(|e| {
                if let Event::TaskCompleted { exec, by, .. } = e {
                    Some((i64::from(*exec), by.clone()))
                } else {
                    None
                }
            })
            .collect();
        let tasks_changed = before.is_none_or(|b| {
            b.open_tasks()
                .iter()
                .map(|e| (e.id, e.seq, &e.task))
                .ne(inst.open_tasks().iter().map(|e| (e.id, e.seq, &e.task)))
        });
        if tasks_changed {
            // The difference between the open tasks before and after this command, keyed by
            // execution and activation, is all the projection needs.
            let key = |e: &fgf_engine::exec::Exec| {
                (i64::from(e.id), i64::try_from(e.seq).unwrap_or(i64::MAX))
            };
            let before_open: Vec<OpenBefore> = before
                .map(|b| {
                    b.open_tasks()
                        .iter()
                        .map(|e| {
                            let t = e.task.as_ref();
                            (
                                key(e).0,
                                key(e).1,
                                t.and_then(|t| t.assignee.clone()),
                                t.and_then(|t| t.owner.clone()),
                                t.map(|t| t.candidate_users.clone()).unwrap_or_default(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let closed: Vec<(i64, i64, bool, Option<String>)> = before_open
                .iter()
                .filter(|(x, a, ..)| !open.iter().any(|o| o.exec_id == *x && o.activation == *a))
                .map(|(x, a, ..)| {
                    let done = completed.iter().find(|(e, _)| e == x);
                    (*x, *a, done.is_some(), done.and_then(|(_, by)| by.clone()))
                })
                .collect();
            let opened: Vec<OpenTask> = open
                .iter()
                .filter(|o| {
                    !before_open
                        .iter()
                        .any(|(x, a, ..)| *x == o.exec_id && *a == o.activation)
                })
                .cloned()
                .collect();
            let reassigned: Vec<OpenTask> = open
                .iter()
                .filter(|o| {
                    before_open.iter().any(|(x, a, assignee, owner, cands)| {
                        *x == o.exec_id
                            && *a == o.activation
                            && (assignee != &o.assignee
                                || owner != &o.owner
                                || cands != &o.candidate_users)
                    })
                })
                .cloned()
                .collect();
            tx.apply_work_item_changes(instance_id, &closed, &opened, &reassigned)
                .await?;
        }
        let timers_changed = before.is_none_or(|b| {
            b.live_timers()
                .iter()
                .map(|t| (t.id, t.due_ms))
                .ne(inst.live_timers().iter().map(|t| (t.id, t.due_ms)))
        });
        if timers_changed {
            let live: Vec<(i64, String, i64)> = inst
                .live_timers()
                .iter()
                .map(|t| (i64::from(t.id), node_info(t.proc, t.node).0, t.due_ms))
                .collect();
            // Timers live before and not now were fired, cancelled or replaced.
            let gone: Vec<i64> = before
                .map(|b| {
                    b.live_timers()
                        .iter()
                        .map(|t| i64::from(t.id))
                        .filter(|id| !live.iter().any(|(l, _, _)| l == id))
                        .collect()
                })
                .unwrap_or_default();
            tx.sync_timers(instance_id, &gone, &live).await?;
        }
        if before.is_none_or(|b| b.copies != inst.copies) && !inst.copies.is_empty() {
            let copies: Vec<CopyRow> = inst
                .copies
                .iter()
                .map(|c| CopyRow {
                    instance_id,
                    node_id: c.node.clone(),
                    reader: c.reader.clone(),
                    copied_by: c.by.clone(),
                    created_at_ms: c.at_ms,
                    read_at_ms: c.read_at_ms,
                })
                .collect();
            tx.sync_copies(instance_id, &copies).await?;
        }
        let subs_after = fgf_engine::exec::subscriptions(reg, inst);
        if before.is_none_or(|b| fgf_engine::exec::subscriptions(reg, b) != subs_after) {
            let subs: Vec<(String, String)> = subs_after.into_iter().collect();
            tx.sync_subscriptions(instance_id, &subs).await?;
        }
        // Tell people about their new work and about urgings (with a link to the to-do), each
        // step by its name: a notification is read by people, never by node id.
        let step_name = |node: &str| -> String {
            inst.procs
                .iter()
                .filter_map(|pid| reg.get(pid))
                .flat_map(|c| c.process.nodes.iter())
                .find(|n| n.id == node && !n.name.trim().is_empty())
                .map_or_else(|| "流程环节".to_owned(), |n| n.name.clone())
        };
        let process_name = inst
            .procs
            .first()
            .and_then(|pid| reg.get(pid))
            .map(|c| c.process.name.clone())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "流程".to_owned());
        for e in events {
            let (who, title) = match e {
                Event::TaskCreated {
                    assignee: Some(a),
                    node,
                    ..
                } => (a.clone(), format!("新待办：{}", step_name(node))),
                Event::TaskAssigned {
                    assignee: Some(a),
                    node,
                    op,
                    ..
                } => (
                    a.clone(),
                    format!(
                        "待办转来（{}）：{}",
                        crate::i18n::t(crate::Lang::Zh, &format!("op.{op}")),
                        step_name(node)
                    ),
                ),
                Event::Urged {
                    assignee: Some(a),
                    node,
                    ..
                } => (a.clone(), format!("催办：请尽快办理“{}”", step_name(node))),
                Event::Copied { reader, node, .. } => {
                    (reader.clone(), format!("抄送：{}", step_name(node)))
                }
                _ => continue,
            };
            // A copy is read on the instance; anything else is a to-do, and the inbox's link
            // is how the notifications page knows whether it is still open.
            let link = if matches!(e, Event::Copied { .. }) {
                format!("/instances/{instance_id}")
            } else {
                format!("/tasks?instance={instance_id}")
            };
            if let Some((account, _)) = self.store().find_account_for_login(&who).await? {
                notify::notify(
                    tx,
                    account.id,
                    &title,
                    &format!("{process_name} · 流程实例 #{instance_id}"),
                    &link,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Fires due timers: leases rows, then fires each in its own transaction, which re-checks
    /// the lease so a timer fires once even with several nodes on one database.
    pub async fn fire_due_timers(self) -> ServiceResult<usize> {
        let now = self.now_ms();
        let leased = self
            .store()
            .lease_due_timers(self.node_id(), now, now + 60_000, 50)
            .await?;
        let mut fired = 0;
        for (row_id, instance_id, timer_id) in leased {
            match self.fire_one(row_id, instance_id, timer_id).await {
                Ok(true) => fired += 1,
                Ok(false) => {}
                Err(e) => tracing::warn!(%instance_id, timer_id, %e, "timer firing failed"),
            }
        }
        Ok(fired)
    }

    async fn fire_one(
        self,
        row_id: i64,
        instance_id: InstanceId,
        timer_id: i64,
    ) -> ServiceResult<bool> {
        let ctx = self.system_ctx("timer");
        let now = ctx.at_ms;
        let mut tx = self.store().write(ctx).await?;
        if !tx.take_timer(row_id, self.node_id()).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let row = tx.load_process_instance(instance_id).await?;
        let reg = self.registry_by_id(row.definition_id).await?;
        let mut inst: Instance =
            serde_json::from_str(&row.state).map_err(ServiceError::internal)?;
        let before = inst.clone();
        let timer = u32::try_from(timer_id).map_err(ServiceError::internal)?;
        let events = match apply(&reg, &mut inst, Command::FireTimer { timer }, now) {
            Ok(ev) => ev,
            Err(e) => {
                // The timer is stale (its activity ended meanwhile): keep it closed.
                tx.audit(
                    "process.timer_stale",
                    "process_instance",
                    &instance_id.to_string(),
                    &[FieldChange {
                        field: "timer".to_owned(),
                        before: None,
                        after: Some(json!({ "timer": timer_id, "reason": e.to_string() })),
                    }],
                )
                .await?;
                tx.commit().await?;
                return Ok(false);
            }
        };
        let state = serde_json::to_string(&inst).map_err(ServiceError::internal)?;
        tx.update_process_instance(
            instance_id,
            row.version,
            status_code(&inst.status),
            &state,
            inst.is_finished(),
        )
        .await?;
        self.persist(
            &mut tx,
            instance_id,
            &reg,
            Some(&before),
            &inst,
            &events,
            None,
            "",
        )
        .await?;
        tx.audit(
            "process.fire_timer",
            "process_instance",
            &instance_id.to_string(),
            &[FieldChange {
                field: "timer".to_owned(),
                before: None,
                after: Some(json!(timer_id)),
            }],
        )
        .await?;
        tx.commit().await?;
        self.instance_cache()
            .put(instance_id, row.definition_id, row.version + 1, inst);
        Ok(true)
    }

    /// A person's operation on a work item, checked against who they are.
    pub async fn work_item_op(
        &self,
        actor: &Actor,
        work_item_id: i64,
        op: TaskOp,
        comment: &str,
    ) -> ServiceResult<()> {
        actor.scope(Permission::Workbench)?;
        let wi = self.store().get_work_item(work_item_id).await?;
        // Acting on an item is acting on its instance: an item of an instance the caller may not
        // read answers as if it did not exist (催办 and 撤回 included, which need no assignment).
        let inst_row = self.instance_row(actor, wi.instance_id).await?;
        // An application's review is completed on the application, where the opinion, the
        // decision, its documents and licence are written with it; the workbench may still
        // hand the item on (转办, 委派, 加签).
        if matches!(op, TaskOp::Complete { .. } | TaskOp::SendBack { .. }) {
            let def = self
                .store()
                .get_process_definition(inst_row.definition_id)
                .await?;
            if def.key == crate::application::REVIEW_PROCESS {
                return Err(ServiceError::conflict("work_item_belongs_to_application")
                    .arg(inst_row.business_key));
            }
        }
        let me = actor.account.username.clone();
        let roles: Vec<String> = actor
            .grants
            .as_ref()
            .map(|g| g.role_codes().to_vec())
            .unwrap_or_default();
        let is_assignee = wi.assignee.as_deref() == Some(me.as_str());
        let is_candidate = wi.assignee.is_none()
            && (wi.candidate_users.contains(&me)
                || wi.candidate_groups.iter().any(|g| roles.contains(g)));
        let exec = u32::try_from(wi.exec_id).map_err(ServiceError::internal)?;
        let by = Some(me.clone());
        if wi.status != WorkItemStatus::Open && !matches!(op, TaskOp::Withdraw) {
            return Err(ServiceError::conflict("work_item_closed"));
        }
        let mut record_update = None;
        let cmd = match op {
            TaskOp::Claim if is_candidate => Command::Claim { exec, user: me },
            TaskOp::Claim => return Err(ServiceError::forbidden("work_item_not_yours")),
            TaskOp::Withdraw => Command::Withdraw {
                exec: self.open_exec_after(&wi).await?,
                by,
            },
            TaskOp::Urge => Command::Urge { exec, by },
            _ if !is_assignee => return Err(ServiceError::forbidden("work_item_not_yours")),
            // 退回 and 不同意 go back to someone who must know why (and the history keeps it).
            TaskOp::SendBack { .. } if comment.trim().is_empty() => {
                return Err(opinion_required());
            }
            TaskOp::Complete { ref vars, .. }
                if vars.get("approved") == Some(&json!(false)) && comment.trim().is_empty() =>
            {
                return Err(opinion_required());
            }
            TaskOp::Complete { vars, fields } => {
                if !fields.is_empty() {
                    let access = self.node_fields(&wi).await?;
                    if let Some(bad) = fields.keys().find(|f| field_access(&access, f) != "write") {
                        return Err(ServiceError::forbidden("field_not_editable")
                            .arg(bad)
                            .details(json!({ "field": bad, "node": wi.node_id })));
                    }
                    record_update = Some(fields);
                }
                Command::CompleteTask { exec, vars, by }
            }
            TaskOp::SendBack {
                target,
                return_direct,
            } => Command::SendBack {
                exec,
                target,
                return_direct,
                by,
            },
            TaskOp::Transfer { to } => Command::Transfer { exec, to, by },
            TaskOp::Delegate { to } => Command::Delegate { exec, to, by },
            TaskOp::Resolve { vars } => Command::Resolve { exec, vars, by },
            TaskOp::Unclaim => Command::Unclaim { exec, by },
            TaskOp::AddSigner { user, before } => Command::AddSigner {
                exec,
                user,
                before,
                by,
            },
            TaskOp::RemoveSigner => Command::RemoveSigner { exec, by },
            TaskOp::CarbonCopy { readers } => Command::CarbonCopy {
                node: wi.node_id.clone(),
                readers,
                by,
            },
        };
        self.process_command_with_record(
            actor.audit_ctx(self.now_ms()),
            wi.instance_id,
            Some(actor.account.username.clone()),
            cmd,
            comment,
            record_update,
        )
        .await?;
        Ok(())
    }

    /// 撤回 is asked on one's own done item: find the open task it led to.
    async fn open_exec_after(self, done: &WorkItemRow) -> ServiceResult<u32> {
        let items = self.store().work_items_of(done.instance_id).await?;
        let next = items
            .iter()
            .filter(|w| {
                w.status == WorkItemStatus::Open
                    && w.created_at_ms >= done.completed_at_ms.unwrap_or(0)
            })
            .min_by_key(|w| w.id);
        match next {
            Some(w) => u32::try_from(w.exec_id).map_err(ServiceError::internal),
            None => Err(ServiceError::conflict("process_operation_refused")
                .arg("nothing to withdraw: the next step is already done")),
        }
    }

    /// The instance as stored, within the caller's scope (initiators see their own).
    pub async fn process_instance(
        &self,
        actor: &Actor,
        id: InstanceId,
    ) -> ServiceResult<(fgf_store::process::ProcessInstanceRow, Instance)> {
        let row = self.instance_row(actor, id).await?;
        let inst = serde_json::from_str(&row.state).map_err(ServiceError::internal)?;
        Ok((row, inst))
    }

    /// The instance's row if the caller may read (and so act on) it: within the data scope,
    /// their own as initiator, or one they take part in; otherwise not found. The state is
    /// not parsed, so a check before acting costs no more than the lookup.
    pub async fn instance_row(
        &self,
        actor: &Actor,
        id: InstanceId,
    ) -> ServiceResult<fgf_store::process::ProcessInstanceRow> {
        let scope = actor
            .scope(Permission::Workbench)
            .or_else(|_| actor.scope(Permission::ApplicantSelf))?;
        let row = match self.store().get_process_instance(&scope, id).await {
            Ok(r) => r,
            // Outside the data scope, but the caller works on it: a reviewer in another
            // department sees the application they review.
            Err(StoreError::NotFound { .. })
                if self
                    .store()
                    .is_process_participant(id, &actor.account.username, &role_codes(actor))
                    .await? =>
            {
                self.store()
                    .get_process_instance(&Scope::system("participant of the instance"), id)
                    .await?
            }
            Err(e) => return Err(e.into()),
        };
        Ok(row)
    }

    /// Whether the caller may read (and so act on) an instance: what [`App::process_instance`]
    /// allows, without loading the state.
    pub async fn may_reach_instance(self, actor: &Actor, id: InstanceId) -> ServiceResult<bool> {
        match self.instance_row(actor, id).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind == crate::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn process_diagram(self, actor: &Actor, id: InstanceId) -> ServiceResult<String> {
        let (row, inst) = self.process_instance(actor, id).await?;
        let def = self
            .store()
            .get_process_definition(row.definition_id)
            .await?;
        let events = self.store().process_events(id).await?;
        diagram_svg(&def.source, &inst, &events)
    }
}

/// The definition's diagram with the instance's completed, active and failed nodes marked
/// (流程图高亮). Uses the file's BPMNDI, or lays the graph out when it has none.
pub fn diagram_svg(
    source: &str,
    inst: &Instance,
    events: &[fgf_store::process::ProcessEventRow],
) -> ServiceResult<String> {
    use fgf_engine::diagram::{auto_layout, from_bpmndi, render_svg, Marks, ShapeKind};
    let key = inst.procs.first().cloned().unwrap_or_default();
    let diagram = match from_bpmndi(source, Some(&key)).map_err(ServiceError::internal)? {
        Some(d) => d,
        None => {
            let (def, _) = fgf_engine::import(source).map_err(ServiceError::internal)?;
            let p = def
                .process(&key)
                .or_else(|| def.main_process())
                .ok_or_else(|| ServiceError::internal("no process"))?;
            let nodes: Vec<(String, ShapeKind, String)> = p
                .nodes
                .iter()
                .filter(|n| n.scope.is_none())
                .map(|n| (n.id.clone(), shape_kind(n), n.name.clone()))
                .collect();
            let flows: Vec<(String, String, String)> = p
                .flows
                .iter()
                .filter(|f| p.node(f.source).scope.is_none())
                .map(|f| {
                    (
                        f.id.clone(),
                        p.node(f.source).id.clone(),
                        p.node(f.target).id.clone(),
                    )
                })
                .collect();
            auto_layout(&nodes, &flows)
        }
    };
    let mut marks = Marks::default();
    for e in events {
        if let Some(node) = e.event.get("node").and_then(|n| n.as_str()) {
            if e.event.get("event").and_then(|x| x.as_str()) == Some("node_completed") {
                marks.completed.insert(node.to_owned());
            }
        }
    }
    if let Status::Failed { element, .. } = &inst.status {
        marks.failed.insert(element.clone());
    }
    for e in inst.execs.iter().filter(|e| e.alive) {
        if let (Some(n), Some(p)) = (e.node, inst.procs.get(e.proc as usize)) {
            if p == &key {
                if let Ok((def, _)) = fgf_engine::import(source) {
                    if let Some(pp) = def.process(p) {
                        marks.active.insert(pp.node(n).id.clone());
                    }
                }
            }
        }
    }
    Ok(render_svg(&diagram, &marks))
}

fn shape_kind(n: &fgf_engine::model::Node) -> fgf_engine::diagram::ShapeKind {
    use fgf_engine::diagram::ShapeKind as S;
    use fgf_engine::model::{GatewayKind as G, NodeKind as K, TaskKind as T};
    match &n.kind {
        K::Start { .. } => S::StartEvent,
        K::End { .. } => S::EndEvent,
        K::IntermediateCatch { .. } | K::IntermediateThrow { .. } => S::IntermediateEvent,
        K::Boundary { .. } => S::BoundaryEvent,
        K::Task(T::User) => S::UserTask,
        K::Task(T::Manual) => S::ManualTask,
        K::Task(T::Service { .. }) => S::ServiceTask,
        K::Task(T::BusinessRule { .. }) => S::BusinessRuleTask,
        K::Task(T::Receive { .. }) => S::ReceiveTask,
        K::Task(T::Send) => S::SendTask,
        K::Task(T::Plain) => S::Task,
        K::Gateway(G::Exclusive) => S::ExclusiveGateway,
        K::Gateway(G::Parallel) => S::ParallelGateway,
        K::Gateway(G::Inclusive) => S::InclusiveGateway,
        K::Gateway(G::EventBased) => S::EventBasedGateway,
        K::SubProcess { .. } => S::SubProcess,
        K::CallActivity { .. } => S::CallActivity,
    }
}

/// Whether an optimistic write's failure means it lost a race (the locked path decides).
fn retriable_optimistic(e: &ServiceError) -> bool {
    matches!(e.kind, ErrorKind::Conflict | ErrorKind::Unavailable)
}

/// The role codes the caller holds for the department it acts for (candidate groups).
pub(super) fn role_codes(actor: &Actor) -> Vec<String> {
    actor
        .grants
        .as_ref()
        .map(|g| g.role_codes().to_vec())
        .unwrap_or_default()
}

/// Scope helper for system work on instances (timers, benchmarks).
pub fn system_scope() -> Scope {
    Scope::system("process runtime")
}

/// 挂起 / 激活 / 终止 on a whole instance: by whoever may design processes, or by its
/// initiator.
impl UseCases<'_> {
    pub async fn instance_control(
        &self,
        actor: &Actor,
        id: InstanceId,
        action: &str,
        reason: &str,
    ) -> ServiceResult<()> {
        let row = self.instance_row(actor, id).await?;
        let allowed = actor.has(Permission::ProcessDesign)
            || row.initiator_account_id == Some(actor.account.id);
        if !allowed {
            return Err(ServiceError::forbidden("permission_denied")
                .arg(Permission::ProcessDesign.label_zh()));
        }
        let by = Some(actor.account.username.clone());
        let cmd = match action {
            "suspend" => Command::Suspend {
                by,
                reason: Some(reason.trim().to_owned()).filter(|r| !r.is_empty()),
            },
            "resume" => Command::Resume { by },
            "terminate" => Command::Terminate {
                reason: reason.to_owned(),
                by,
            },
            other => {
                return Err(ServiceError::field(
                    "invalid_field",
                    "action",
                    &format!("操作须为 suspend、resume 或 terminate，收到 {other}"),
                ))
            }
        };
        self.process_command(
            actor.audit_ctx(self.now_ms()),
            id,
            Some(actor.account.username.clone()),
            cmd,
            reason,
        )
        .await?;
        Ok(())
    }

    /// Starts a process on a person's behalf (recorded under their acting department).
    pub async fn start_process_as_with_record(
        &self,
        actor: &Actor,
        key: &str,
        vars: Vars,
        record: serde_json::Map<String, serde_json::Value>,
        business_key: &str,
    ) -> ServiceResult<InstanceId> {
        actor.scope(Permission::Workbench)?;
        self.start_process_with_record(
            actor.audit_ctx(self.now_ms()),
            Some(actor.account.username.clone()),
            key,
            vars,
            record,
            business_key,
            actor.department_id,
        )
        .await
    }

    pub async fn start_process_as(
        &self,
        actor: &Actor,
        key: &str,
        vars: Vars,
        business_key: &str,
    ) -> ServiceResult<InstanceId> {
        actor.scope(Permission::Workbench)?;
        self.start_process(
            actor.audit_ctx(self.now_ms()),
            Some(actor.account.username.clone()),
            key,
            vars,
            business_key,
            actor.department_id,
        )
        .await
    }

    pub async fn deploy_process_as(
        &self,
        actor: &Actor,
        xml: &str,
        designer: Option<&str>,
        publish: bool,
    ) -> ServiceResult<Deployed> {
        actor.scope(Permission::ProcessDesign)?;
        self.deploy_process(
            actor.audit_ctx(self.now_ms()),
            xml,
            designer,
            publish,
            actor.department_id,
        )
        .await
    }

    /// The caller's inbox: 待办 (todo), 已办 (done) or 抄送我的 (copies).
    pub async fn inbox(
        &self,
        actor: &Actor,
        which: &str,
        page: fgf_store::Page,
    ) -> ServiceResult<serde_json::Value> {
        Ok(match which {
            "done" => json!(self.inbox_done(actor, page).await?),
            "copies" => json!(self.inbox_copies(actor, page).await?),
            _ => json!(self.inbox_todo(actor, page).await?),
        })
    }
}

impl UseCases<'_> {
    /// Resolves assignment rules that need organisation data (`leader:initiator`, `dept:…`)
    /// and applies the empty-assignee rule (skip / admin / stop) and the approver-is-initiator
    /// rule (allow / skip / leader), by further engine commands inside the same
    /// transaction as the command that created the tasks.
    pub(crate) async fn resolve_assignments(
        &self,
        reg: &Registry,
        inst: &mut Instance,
        events: &mut Vec<Event>,
        now: i64,
    ) -> ServiceResult<()> {
        for _round in 0..10 {
            let mut cmds: Vec<Command> = Vec::new();
            for e in inst.open_tasks() {
                let (Some(task), Some(node)) = (&e.task, e.node) else {
                    continue;
                };
                let Some(c) = reg.get(&inst.procs[e.proc as usize]) else {
                    continue;
                };
                let n = c.process.node(node);
                let a = &n.assignment;
                let unassigned = task.assignee.is_none()
                    && task.candidate_users.is_empty()
                    && task.candidate_groups.is_empty();
                if unassigned {
                    let resolved = match a.rule.as_deref() {
                        Some("leader:initiator") => self
                            .leader_of(inst.initiator.as_deref())
                            .await?
                            .into_iter()
                            .collect(),
                        Some(rule) if rule.starts_with("dept:") => {
                            let which = &rule["dept:".len()..];
                            let code = match which {
                                "applicant" => inst
                                    .vars
                                    .get("applicant_department")
                                    .and_then(|v| v.as_str())
                                    .map(str::to_owned),
                                "matter" => inst
                                    .vars
                                    .get("matter_department")
                                    .and_then(|v| v.as_str())
                                    .map(str::to_owned),
                                other => Some(other.to_owned()),
                            };
                            match code {
                                Some(code) => self.staff_of_department(&code).await?,
                                None => Vec::new(),
                            }
                        }
                        _ => Vec::new(),
                    };
                    let cmd = match (resolved.as_slice(), a.on_empty.as_deref()) {
                        ([one], _) => Command::Assign {
                            exec: e.id,
                            assignee: Some(one.clone()),
                            candidate_users: Vec::new(),
                        },
                        ([_, ..], _) => Command::Assign {
                            exec: e.id,
                            assignee: None,
                            candidate_users: resolved.clone(),
                        },
                        ([], Some("skip")) => Command::CompleteTask {
                            exec: e.id,
                            vars: Vars::new(),
                            by: None,
                        },
                        ([], Some("admin")) => Command::Assign {
                            exec: e.id,
                            assignee: Some("admin".to_owned()),
                            candidate_users: Vec::new(),
                        },
                        ([], Some("stop")) => Command::Suspend {
                            by: None,
                            reason: Some(format!("{} 无人可办理", n.id)),
                        },
                        ([], _) => continue,
                    };
                    cmds.push(cmd);
                    continue;
                }
                if task.assignee.is_some() && task.assignee == inst.initiator && !task.touched {
                    match a.on_initiator.as_deref() {
                        Some("skip") => cmds.push(Command::CompleteTask {
                            exec: e.id,
                            vars: Vars::new(),
                            by: None,
                        }),
                        Some("leader") => {
                            if let Some(l) = self.leader_of(inst.initiator.as_deref()).await? {
                                if Some(&l) != task.assignee.as_ref() {
                                    cmds.push(Command::Assign {
                                        exec: e.id,
                                        assignee: Some(l),
                                        candidate_users: Vec::new(),
                                    });
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            if cmds.is_empty() {
                return Ok(());
            }
            for cmd in cmds {
                match apply(reg, inst, cmd, now) {
                    Ok(mut ev) => events.append(&mut ev),
                    Err(e) => tracing::warn!(%e, "assignment resolution step refused"),
                }
            }
        }
        Ok(())
    }

    /// The leader of the user's department, or of the nearest department above it that has
    /// one (a section's leader is its bureau's when the section names none).
    async fn leader_of(self, username: Option<&str>) -> ServiceResult<Option<String>> {
        let Some(u) = username else { return Ok(None) };
        let Some((account, _)) = self.store().find_account_for_login(u).await? else {
            return Ok(None);
        };
        let Some(post) = self.store().posts_of(account.id).await?.into_iter().next() else {
            return Ok(None);
        };
        let scope = Scope::system("find a department leader");
        let mut dept = Some(post.department_id);
        while let Some(id) = dept {
            let d = self.store().get_department(&scope, id).await?;
            if let Some(leader) = d.leader_account_id.filter(|l| *l != account.id) {
                let (l, _) = self.store().get_own_account(leader).await?;
                return Ok(Some(l.username));
            }
            dept = d.parent_id;
        }
        Ok(None)
    }

    async fn staff_of_department(self, code: &str) -> ServiceResult<Vec<String>> {
        let scope = Scope::system("resolve a department assignment");
        let Some(d) = self.store().find_department_by_code(&scope, code).await? else {
            return Ok(Vec::new());
        };
        let q = fgf_store::base::account::AccountQuery {
            department_id: Some(d.id),
            kind: Some("staff".to_owned()),
            ..Default::default()
        };
        Ok(self
            .store()
            .list_accounts(&scope, &q, fgf_store::Page::new(Some(1), Some(200)))
            .await?
            .items
            .into_iter()
            .map(|a| a.username)
            .collect())
    }
}

/// What a node may do with a business-record field. A node that lists no fields is
/// unrestricted; once it lists some, unlisted fields are read-only.
pub fn field_access<'a>(
    fields: &'a std::collections::BTreeMap<String, String>,
    field: &str,
) -> &'a str {
    if fields.is_empty() {
        return "write";
    }
    fields.get(field).map_or("read", String::as_str)
}

impl UseCases<'_> {
    async fn node_fields(
        &self,
        wi: &WorkItemRow,
    ) -> ServiceResult<std::collections::BTreeMap<String, String>> {
        let row = self
            .store()
            .get_process_instance(&Scope::system("node field permissions"), wi.instance_id)
            .await?;
        let reg = self.registry_by_id(row.definition_id).await?;
        let inst: Instance = serde_json::from_str(&row.state).map_err(ServiceError::internal)?;
        for key in &inst.procs {
            if let Some(c) = reg.get(key) {
                if let Some(n) = c.process.find(&wi.node_id) {
                    return Ok(c.process.node(n).fields.clone());
                }
            }
        }
        Ok(std::collections::BTreeMap::new())
    }

    /// The form of a work item: the business record's fields this node may see, each with
    /// its access (`read` or `write`); hidden fields are left out.
    pub async fn work_item_form(
        &self,
        actor: &Actor,
        work_item_id: i64,
    ) -> ServiceResult<serde_json::Value> {
        let wi = self.store().get_work_item(work_item_id).await?;
        self.instance_row(actor, wi.instance_id).await?;
        let access = self.node_fields(&wi).await?;
        let record = self.store().business_record(wi.instance_id).await?;
        let mut fields = serde_json::Map::new();
        let names: std::collections::BTreeSet<&String> =
            record.keys().chain(access.keys()).collect();
        for name in names {
            let a = field_access(&access, name);
            if a == "hidden" {
                continue;
            }
            fields.insert(name.clone(), json!({ "value": record.get(name).cloned().unwrap_or(serde_json::Value::Null), "access": a }));
        }
        Ok(json!({ "work_item": wi.id, "node": wi.node_id, "fields": fields }))
    }
}

impl UseCases<'_> {
    /// Delivers a message (消息): to the oldest running instance waiting for it (the one with
    /// `business_key`, when given), or else starts the latest published process whose start
    /// event waits for it. Returns the instance it went to.
    ///
    /// Routing a message to an instance is acting on it, so only instances the caller may
    /// reach ([`App::process_instance`]) receive it; one outside the caller's data scope is
    /// treated as if it did not wait.
    pub async fn deliver_message(
        &self,
        actor: &Actor,
        name: &str,
        business_key: Option<&str>,
        vars: Vars,
    ) -> ServiceResult<InstanceId> {
        actor.scope(Permission::Workbench)?;
        let ctx = actor.audit_ctx(self.now_ms());
        let mut receiver = None;
        for id in self
            .store()
            .subscribers("message", name, business_key)
            .await?
        {
            if self.may_reach_instance(actor, id).await? {
                receiver = Some(id);
                break;
            }
        }
        if let Some(id) = receiver {
            self.process_command(
                ctx,
                id,
                None,
                Command::Message {
                    name: name.to_owned(),
                    vars,
                },
                "",
            )
            .await?;
            return Ok(id);
        }
        if let Some((key, start)) = self
            .started_by(|d| matches!(d, fgf_engine::model::EventDef::Message(m) if m == name))
            .await?
            .into_iter()
            .next()
        {
            let dept = ctx.department_id;
            return self
                .start_process_at(
                    ctx,
                    None,
                    &key,
                    vars,
                    serde_json::Map::new(),
                    business_key.unwrap_or(""),
                    dept,
                    Some(start),
                )
                .await;
        }
        Err(ServiceError::not_found("message_no_receiver").arg(name))
    }

    /// Broadcasts a signal (信号) to every running instance waiting for it and starts every
    /// published process with a matching signal start. Returns the instances reached.
    ///
    /// A signal reaches only the waiting instances the caller may reach, as a message does.
    pub async fn broadcast_signal(
        self,
        actor: &Actor,
        name: &str,
    ) -> ServiceResult<Vec<InstanceId>> {
        actor.scope(Permission::ProcessDesign)?;
        let ctx = actor.audit_ctx(self.now_ms());
        let mut reached = Vec::new();
        for id in self.store().subscribers("signal", name, None).await? {
            if !self.may_reach_instance(actor, id).await? {
                continue;
            }
            self.process_command(
                ctx.clone(),
                id,
                None,
                Command::Signal {
                    name: name.to_owned(),
                },
                "",
            )
            .await?;
            reached.push(id);
        }
        for (key, start) in self
            .started_by(|d| matches!(d, fgf_engine::model::EventDef::Signal(s) if s == name))
            .await?
        {
            let dept = ctx.department_id;
            reached.push(
                self.start_process_at(
                    ctx.clone(),
                    None,
                    &key,
                    Vars::new(),
                    serde_json::Map::new(),
                    "",
                    dept,
                    Some(start),
                )
                .await?,
            );
        }
        Ok(reached)
    }

    /// The latest published processes whose process-level start event matches, with that
    /// start event's id.
    async fn started_by(
        &self,
        matches: impl Fn(&fgf_engine::model::EventDef) -> bool,
    ) -> ServiceResult<Vec<(String, String)>> {
        let mut keys: Vec<(String, String)> = Vec::new();
        for d in self.store().list_process_definitions().await? {
            if d.status != DefinitionStatus::Published || keys.iter().any(|(k, _)| *k == d.key) {
                continue;
            }
            let Some(latest) = self.store().latest_process_definition(&d.key).await? else {
                continue;
            };
            if latest.id != d.id {
                continue;
            }
            let Ok((def, _)) = fgf_engine::import(&d.source) else {
                continue;
            };
            let Some(p) = def.process(&d.key) else {
                continue;
            };
            let hit = p.nodes_in(None).find(|n| matches!(&p.node(*n).kind, fgf_engine::model::NodeKind::Start { def, .. } if matches(def)));
            if let Some(n) = hit {
                keys.push((d.key.clone(), p.node(n).id.clone()));
            }
        }
        Ok(keys)
    }
}

/// Schedules firing `fired` of a process-level timer start event as a job.
pub async fn schedule_timer_start(
    app: &App,
    definition_id: i64,
    source: &str,
    start_event: &str,
    fired: u32,
    activated_ms: i64,
) -> ServiceResult<()> {
    let (def, _) = fgf_engine::import(source).map_err(ServiceError::internal)?;
    let Some(p) = def.main_process() else {
        return Ok(());
    };
    let Some(n) = p.find(start_event) else {
        return Ok(());
    };
    let fgf_engine::model::NodeKind::Start {
        def: fgf_engine::model::EventDef::Timer(t),
        ..
    } = &p.node(n).kind
    else {
        return Ok(());
    };
    let Some(spec) = &t.spec else {
        tracing::warn!(
            start_event,
            "a timer start given by an expression has no variables to read; not scheduled"
        );
        return Ok(());
    };
    if fired > 0 && !spec.is_repeating() {
        return Ok(());
    }
    let cal = app.calendar();
    if let Some(due) = spec.due_ms(activated_ms, fired, &*cal) {
        app.enqueue_job("process.timer_start", &json!({ "definition_id": definition_id, "start_event": start_event, "fired": fired, "activated_ms": activated_ms }), due).await?;
    }
    Ok(())
}

/// 退回 or 不同意 without a reason.
fn opinion_required() -> ServiceError {
    ServiceError::invalid("opinion_required").details(json!({ "field": "comment" }))
}

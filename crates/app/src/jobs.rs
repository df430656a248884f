//! Background jobs: registered Rust handlers only. A job row names a handler by `kind`; an
//! unknown kind fails the job, it is never interpreted as a class, SQL or a script (the
//! anchors' job features were a steady source of remote code execution).

use crate::error::ServiceResult;
use crate::{notify, App};
use async_trait::async_trait;
use fgf_domain::permission::Permission;
use fgf_store::audit::Verify;
use fgf_store::Scope;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

#[async_trait]
pub trait JobHandler: Send + Sync {
    async fn run(&self, app: &App, payload: &Value) -> Result<(), String>;
}

#[derive(Clone, Default)]
pub struct JobRegistry {
    handlers: BTreeMap<&'static str, Arc<dyn JobHandler>>,
}

impl JobRegistry {
    /// The handlers this build knows.
    pub fn standard() -> JobRegistry {
        let mut r = JobRegistry::default();
        r.register("audit.verify", Arc::new(AuditVerifyJob));
        r.register("process.timer_start", Arc::new(TimerStartJob));
        r
    }

    pub fn register(&mut self, kind: &'static str, handler: Arc<dyn JobHandler>) {
        self.handlers.insert(kind, handler);
    }

    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.keys().copied()
    }

    fn get(&self, kind: &str) -> Option<Arc<dyn JobHandler>> {
        self.handlers.get(kind).map(Arc::clone)
    }
}

/// A process-level timer start event (定时发起): starts an instance of the definition it
/// was scheduled for, if that is still the published version, and schedules the next
/// firing of a cycle.
struct TimerStartJob;

#[async_trait]
impl JobHandler for TimerStartJob {
    async fn run(&self, app: &App, payload: &Value) -> Result<(), String> {
        let def_id = payload
            .get("definition_id")
            .and_then(Value::as_i64)
            .ok_or("payload lacks definition_id")?;
        let start = payload
            .get("start_event")
            .and_then(Value::as_str)
            .ok_or("payload lacks start_event")?
            .to_owned();
        let fired = payload.get("fired").and_then(Value::as_u64).unwrap_or(0);
        let def = app
            .store()
            .get_process_definition(def_id)
            .await
            .map_err(|e| e.to_string())?;
        let latest = app
            .store()
            .latest_process_definition(&def.key)
            .await
            .map_err(|e| e.to_string())?;
        if latest.map(|l| l.id) != Some(def_id) {
            // A newer version was published; it has its own schedule.
            return Ok(());
        }
        app.start_process_at(
            app.system_ctx("timer-start"),
            None,
            &def.key,
            Default::default(),
            serde_json::Map::new(),
            "",
            def.department_id,
            Some(start.clone()),
        )
        .await
        .map_err(|e| e.to_string())?;
        let next = u32::try_from(fired + 1).unwrap_or(u32::MAX);
        crate::process::schedule_timer_start(
            app,
            def_id,
            &def.source,
            &start,
            next,
            payload
                .get("activated_ms")
                .and_then(Value::as_i64)
                .unwrap_or(0),
        )
        .await
        .map_err(|e| e.to_string())
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
                    &fgf_store::account::AccountQuery::default(),
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
                        notify::notify(
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

impl App {
    /// Queues a job (an audited state change).
    pub async fn enqueue_job(
        &self,
        kind: &str,
        payload: &Value,
        run_at_ms: i64,
    ) -> ServiceResult<i64> {
        let mut tx = self.store().write(self.system_ctx("scheduler")).await?;
        let id = tx.enqueue_job(kind, payload, run_at_ms).await?;
        tx.audit(
            "job.enqueue",
            "job",
            &id.to_string(),
            &[fgf_domain::FieldChange {
                field: "kind".to_owned(),
                before: None,
                after: Some(json!(kind)),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Leases and runs the due jobs once; returns how many ran.
    pub async fn run_due_jobs(&self) -> ServiceResult<usize> {
        let now = self.now_ms();
        let jobs = self
            .store()
            .lease_jobs(self.node_id(), now, now + 5 * 60_000, 10)
            .await?;
        for job in &jobs {
            let outcome = match self.job_registry().get(&job.kind) {
                Some(h) => h.run(self, &job.payload).await,
                None => Err(format!("no handler registered for job kind {:?}", job.kind)),
            };
            let now = self.now_ms();
            match outcome {
                Ok(()) => {
                    self.store()
                        .finish_job(job.id, self.node_id(), now, None, None)
                        .await?;
                }
                Err(e) => {
                    tracing::warn!(job = job.id, kind = %job.kind, %e, "job failed");
                    // Back off and retry a few times; then leave it failed for an operator.
                    let retry = (job.attempts < 3 && self.job_registry().get(&job.kind).is_some())
                        .then(|| now + 60_000 * job.attempts);
                    self.store()
                        .finish_job(job.id, self.node_id(), now, Some(&e), retry)
                        .await?;
                }
            }
        }
        Ok(jobs.len())
    }
}

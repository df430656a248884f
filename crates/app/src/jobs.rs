//! Background jobs: registered Rust handlers only. A job row names a handler by `kind`; an
//! unknown kind fails the job, it is never interpreted as a class, SQL or a script (the
//! anchors' job features were a steady source of remote code execution).

use crate::error::ServiceResult;
use crate::App;
use async_trait::async_trait;
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
        for part in crate::parts::PARTS {
            (part.jobs)(&mut r);
        }
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

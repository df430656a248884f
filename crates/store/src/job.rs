//! Background jobs. A job names a handler registered in Rust by `kind`; the store only keeps
//! the queue and the leases that make a due job run on one node at a time.

use crate::sql::Sql;
use crate::{get_code, get_i64, get_str, Backend, Result, Store, WriteTx};
use fgf_domain::base::record::JobStatus;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub run_at_ms: i64,
    pub status: JobStatus,
    pub attempts: i64,
    pub last_error: String,
}

const COLS: &str = "job_id, kind, payload, run_at, status, attempts, last_error";

fn job(row: &sqlx::any::AnyRow) -> Result<Job> {
    Ok(Job {
        id: get_i64(row, "job_id")?,
        kind: get_str(row, "kind")?,
        payload: serde_json::from_str(&get_str(row, "payload")?).unwrap_or(serde_json::Value::Null),
        run_at_ms: get_i64(row, "run_at")?,
        status: get_code(row, "job", "status")?,
        attempts: get_i64(row, "attempts")?,
        last_error: get_str(row, "last_error")?,
    })
}

impl WriteTx {
    /// Queues a job in the same transaction as the change that needs it.
    pub async fn enqueue_job(
        &mut self,
        kind: &str,
        payload: &serde_json::Value,
        run_at_ms: i64,
    ) -> Result<i64> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into job (kind, payload, run_at, status, created_at, updated_at) values (",
        );
        sql.bind(kind)
            .push(",")
            .bind(payload.to_string())
            .push(",")
            .bind(run_at_ms)
            .push(",'pending',")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning job_id");
        get_i64(&sql.query().fetch_one(self.conn().await?).await?, "job_id")
    }
}

impl Store {
    /// Leases up to `limit` due jobs for `owner` until `lease_until_ms`. A job whose lease
    /// expired (its node died) is due again. On PostgreSQL `for update skip locked` lets
    /// several nodes lease concurrently without taking the same job; SQLite has one writer,
    /// so the update itself is the lock.
    pub async fn lease_jobs(
        &self,
        owner: &str,
        now_ms: i64,
        lease_until_ms: i64,
        limit: i64,
    ) -> Result<Vec<Job>> {
        let mut sql =
            Sql::new("update job set status = 'running', attempts = attempts + 1, lease_owner = ");
        sql.bind(owner)
            .push(", lease_until = ")
            .bind(lease_until_ms)
            .push(", updated_at = ")
            .bind(now_ms)
            .push(
                " where job_id in (select job_id from job where (status = 'pending' and run_at <= ",
            )
            .bind(now_ms)
            .push(") or (status = 'running' and lease_until < ")
            .bind(now_ms)
            .push(") order by run_at, job_id limit ")
            .bind(limit);
        if self.backend() == Backend::Postgres {
            sql.push(" for update skip locked");
        }
        sql.push(&format!(") returning {COLS}"));
        let rows = sql.query().fetch_all(self.pool()).await?;
        let mut jobs = rows.iter().map(job).collect::<Result<Vec<_>>>()?;
        jobs.sort_by_key(|j| (j.run_at_ms, j.id));
        Ok(jobs)
    }

    /// Finishes a leased job; only the lease holder may, so a job whose lease expired and was
    /// taken over is not finished twice.
    pub async fn finish_job(
        &self,
        id: i64,
        owner: &str,
        now_ms: i64,
        error: Option<&str>,
        retry_at_ms: Option<i64>,
    ) -> Result<bool> {
        let status = match (error, retry_at_ms) {
            (None, _) => JobStatus::Done,
            (Some(_), Some(_)) => JobStatus::Pending,
            (Some(_), None) => JobStatus::Failed,
        };
        let mut sql = Sql::new("update job set status = ");
        sql.bind(status.as_str())
            .push(", last_error = ")
            .bind(error.unwrap_or(""))
            .push(", lease_owner = null, lease_until = null, updated_at = ")
            .bind(now_ms);
        if let Some(at) = retry_at_ms {
            sql.push(", run_at = ").bind(at);
        }
        sql.push(" where job_id = ")
            .bind(id)
            .push(" and status = 'running' and lease_owner = ")
            .bind(owner);
        Ok(sql.query().execute(self.pool()).await?.rows_affected() == 1)
    }

    pub async fn list_jobs(&self, limit: i64) -> Result<Vec<Job>> {
        let mut sql = Sql::new(&format!(
            "select {COLS} from job order by job_id desc limit "
        ));
        sql.bind(limit);
        sql.query()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(job)
            .collect()
    }
}

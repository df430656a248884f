//! The outbox: messages written with the change that caused them, delivered afterwards by a
//! worker. Delivery is at least once; consumers are idempotent by `outbox_id`.

use crate::sql::Sql;
use crate::{get_i64, get_str, Result, Store};

#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub id: i64,
    pub topic: String,
    pub payload: serde_json::Value,
    pub created_at_ms: i64,
}

impl Store {
    pub async fn pending_outbox(&self, limit: i64) -> Result<Vec<OutboxMessage>> {
        let mut sql = Sql::new(
            "select outbox_id, topic, payload, created_at from outbox where dispatched_at is null order by outbox_id limit ",
        );
        sql.bind(limit);
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: get_i64(r, "outbox_id")?,
                    topic: get_str(r, "topic")?,
                    payload: serde_json::from_str(&get_str(r, "payload")?)
                        .unwrap_or(serde_json::Value::Null),
                    created_at_ms: get_i64(r, "created_at")?,
                })
            })
            .collect()
    }

    pub async fn mark_outbox_dispatched(&self, id: i64, now_ms: i64) -> Result<()> {
        let mut sql = Sql::new("update outbox set dispatched_at = ");
        sql.bind(now_ms).push(" where outbox_id = ").bind(id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    /// Messages after `after_id` whose topic starts with `prefix`, oldest first: a consumer
    /// that keeps its own cursor (each node's search index) reads them whether or not the
    /// dispatcher has delivered them.
    pub async fn outbox_after(
        &self,
        after_id: i64,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>> {
        let mut sql =
            Sql::new("select outbox_id, topic, payload, created_at from outbox where outbox_id > ");
        sql.bind(after_id)
            .push(" and topic like ")
            .bind(format!("{}%", crate::sql::like_escape(prefix)))
            .push(" escape '\\' order by outbox_id limit ")
            .bind(limit);
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: get_i64(r, "outbox_id")?,
                    topic: get_str(r, "topic")?,
                    payload: serde_json::from_str(&get_str(r, "payload")?)
                        .unwrap_or(serde_json::Value::Null),
                    created_at_ms: get_i64(r, "created_at")?,
                })
            })
            .collect()
    }

    /// The newest message's id (0 when there is none).
    pub async fn outbox_last_id(&self) -> Result<i64> {
        let row = sqlx::query("select coalesce(max(outbox_id), 0) as n from outbox")
            .fetch_one(self.pool())
            .await?;
        get_i64(&row, "n")
    }
}

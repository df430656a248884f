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

/// One sender's record of one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationDelivery {
    pub sender: String,
    pub attempts: i64,
    pub delivered_at_ms: Option<i64>,
    pub last_error: String,
    /// When the last attempt was made.
    pub updated_at_ms: i64,
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

    /// What each sender did with a notification so far: (sender, attempts, delivered).
    pub async fn notification_deliveries(
        &self,
        notification_id: i64,
    ) -> Result<Vec<NotificationDelivery>> {
        let mut sql = Sql::new(
            "select sender, attempts, delivered_at, last_error, updated_at from notification_delivery \
             where notification_id = ",
        );
        sql.bind(notification_id).push(" order by sender");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(NotificationDelivery {
                    sender: get_str(r, "sender")?,
                    attempts: get_i64(r, "attempts")?,
                    delivered_at_ms: crate::get_opt_i64(r, "delivered_at")?,
                    last_error: get_str(r, "last_error")?,
                    updated_at_ms: get_i64(r, "updated_at")?,
                })
            })
            .collect()
    }

    /// Records one attempt of `sender` at a notification: delivered, or the error it met.
    pub async fn record_notification_attempt(
        &self,
        notification_id: i64,
        sender: &str,
        outcome: std::result::Result<(), &str>,
        now_ms: i64,
    ) -> Result<()> {
        let (delivered, error) = match outcome {
            Ok(()) => (Some(now_ms), ""),
            Err(e) => (None, e),
        };
        let mut sql = Sql::new(
            "insert into notification_delivery (notification_id, sender, attempts, delivered_at, \
             last_error, updated_at) values (",
        );
        sql.bind(notification_id)
            .push(",")
            .bind(sender)
            .push(", 1, ")
            .bind(delivered)
            .push(",")
            .bind(error)
            .push(",")
            .bind(now_ms)
            .push(
                ") on conflict (notification_id, sender) do update set \
                 attempts = notification_delivery.attempts + 1, \
                 delivered_at = excluded.delivered_at, last_error = excluded.last_error, \
                 updated_at = excluded.updated_at",
            );
        sql.query().execute(self.pool()).await?;
        Ok(())
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

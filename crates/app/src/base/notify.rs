//! The notification centre (通知中心). A message is written to the recipient's inbox in the
//! same transaction as the change that causes it, with an outbox entry; the dispatcher then
//! hands it to every configured sender (SMS, 政务微信 … later; a log sender now), at least
//! once.

use super::UseCases;
use crate::error::ServiceResult;
use crate::Actor;
use async_trait::async_trait;
use fgf_domain::base::AccountId;
use fgf_store::base::notify::Notification;
use fgf_store::{Page, Paged, WriteTx};
use serde_json::json;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutgoingNotification {
    pub notification_id: i64,
    pub account_id: AccountId,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// A channel that delivers notifications. Implementations must be idempotent by
/// `notification_id`, since delivery is at least once.
#[async_trait]
pub trait NotificationSender: Send + Sync {
    fn name(&self) -> &'static str;
    async fn send(&self, n: &OutgoingNotification) -> Result<(), String>;
}

/// Logs each notification and remembers it; the sender tests assert against.
#[derive(Debug, Default)]
pub struct LogSender {
    sent: Mutex<Vec<OutgoingNotification>>,
}

impl LogSender {
    pub fn sent(&self) -> Vec<OutgoingNotification> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl NotificationSender for LogSender {
    fn name(&self) -> &'static str {
        "log"
    }

    async fn send(&self, n: &OutgoingNotification) -> Result<(), String> {
        tracing::info!(account = n.account_id.get(), title = %n.title, link = %n.link, "notification");
        if let Ok(mut s) = self.sent.lock() {
            if !s.iter().any(|x| x.notification_id == n.notification_id) {
                s.push(n.clone());
            }
        }
        Ok(())
    }
}

/// Puts a message in an account's inbox inside the caller's transaction.
pub async fn notify(
    tx: &mut WriteTx,
    account_id: AccountId,
    title: &str,
    body: &str,
    link: &str,
) -> ServiceResult<i64> {
    let id = tx
        .insert_notification(account_id, title, body, link)
        .await?;
    tx.outbox(
        "notification.created",
        &json!(OutgoingNotification {
            notification_id: id,
            account_id,
            title: title.to_owned(),
            body: body.to_owned(),
            link: link.to_owned(),
        }),
    )
    .await?;
    Ok(id)
}

impl UseCases<'_> {
    /// How many of the caller's notifications are unread (the bell in the page header).
    pub async fn count_unread(self, actor: &Actor) -> ServiceResult<i64> {
        Ok(self.store().count_unread(actor.account.id).await?)
    }

    pub async fn list_notifications(
        &self,
        actor: &Actor,
        unread_only: bool,
        page: Page,
    ) -> ServiceResult<Paged<Notification>> {
        Ok(self
            .store()
            .list_notifications(actor.account.id, unread_only, page)
            .await?)
    }

    pub async fn mark_notification_read(self, actor: &Actor, id: i64) -> ServiceResult<()> {
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        if !tx.mark_notification_read(actor.account.id, id).await? {
            tx.rollback().await?;
            return Err(crate::ServiceError::not_found("not_found")
                .arg("notification")
                .arg(id));
        }
        tx.audit("notification.read", "notification", &id.to_string(), &[])
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delivers pending outbox messages; returns how many were handled.
    pub async fn dispatch_outbox(self) -> ServiceResult<usize> {
        let pending = self.store().pending_outbox(100).await?;
        for m in &pending {
            if m.topic == "notification.created" {
                if let Ok(n) = serde_json::from_value::<OutgoingNotification>(m.payload.clone()) {
                    for s in self.senders() {
                        if let Err(e) = s.send(&n).await {
                            // Leave it pending: the next round retries.
                            tracing::warn!(sender = s.name(), %e, "notification delivery failed");
                            return Ok(0);
                        }
                    }
                }
            }
            self.store()
                .mark_outbox_dispatched(m.id, self.now_ms())
                .await?;
        }
        Ok(pending.len())
    }
}

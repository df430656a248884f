//! The notification centre (通知中心). A message is written to the recipient's inbox in the
//! same transaction as the change that causes it, with an outbox entry; the dispatcher then
//! hands it to every configured sender (the log sender always; SMS, email and a webhook when
//! configured, `super::senders`), at least once per sender: what each sender delivered is
//! recorded, so a sender that failed is retried with backoff without the others repeating.

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

/// Whom a notification is for, as the senders need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub account_id: AccountId,
    pub username: String,
    pub display_name: String,
    /// The registered mobile number, in clear for the SMS gateway.
    pub phone: Option<String>,
    /// A staff account (reached by government mail) rather than an applicant.
    pub staff: bool,
}

/// A channel that delivers notifications. Implementations must be idempotent by
/// `notification_id`, since delivery is at least once. A recipient the channel cannot reach
/// (no phone number) is `Ok`: there is nothing to retry.
#[async_trait]
pub trait NotificationSender: Send + Sync {
    fn name(&self) -> &'static str;
    async fn send(&self, to: &Recipient, n: &OutgoingNotification) -> Result<(), String>;
    /// Whether what it delivered is recorded: a channel outside the process is, so a retry
    /// skips it; the local log needs no record (it cannot fail, and repeats are harmless).
    fn recorded(&self) -> bool {
        true
    }
}

/// Attempts per sender before a notification is given up on for it (the inbox keeps it).
pub const MAX_ATTEMPTS: i64 = 8;

/// The wait before the next attempt after `attempts` failed ones: 30 s, doubling, so eight
/// attempts span about an hour of a gateway being down.
pub fn retry_after_ms(attempts: i64) -> i64 {
    30_000 * (1_i64 << attempts.clamp(0, 10).saturating_sub(1))
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

    fn recorded(&self) -> bool {
        false
    }

    async fn send(&self, _to: &Recipient, n: &OutgoingNotification) -> Result<(), String> {
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

    /// Delivers pending outbox messages; returns how many were finished (every sender
    /// delivered, could not reach the recipient, or gave up).
    pub async fn dispatch_outbox(self) -> ServiceResult<usize> {
        let pending = self.store().pending_outbox(100).await?;
        let mut finished = 0;
        for m in &pending {
            if m.topic == "notification.created" {
                if let Ok(n) = serde_json::from_value::<OutgoingNotification>(m.payload.clone()) {
                    if !self.deliver(&n).await? {
                        continue;
                    }
                }
            }
            self.store()
                .mark_outbox_dispatched(m.id, self.now_ms())
                .await?;
            finished += 1;
        }
        Ok(finished)
    }

    /// Hands one notification to each sender that has not delivered it yet and is due for an
    /// attempt; answers whether every sender is done with it.
    async fn deliver(self, n: &OutgoingNotification) -> ServiceResult<bool> {
        let now = self.now_ms();
        let record = self
            .store()
            .notification_deliveries(n.notification_id)
            .await?;
        let mut to: Option<Recipient> = None;
        let mut done = true;
        for s in self.senders() {
            let prior = record.iter().find(|d| d.sender == s.name());
            let attempts = prior.map_or(0, |d| d.attempts);
            if prior.is_some_and(|d| d.delivered_at_ms.is_some()) || attempts >= MAX_ATTEMPTS {
                continue;
            }
            if prior.is_some_and(|d| now < d.updated_at_ms + retry_after_ms(attempts)) {
                done = false;
                continue;
            }
            if to.is_none() {
                to = Some(self.recipient(n.account_id).await?);
            }
            let Some(recipient) = &to else { continue };
            let outcome = s.send(recipient, n).await;
            if let Err(e) = &outcome {
                tracing::warn!(sender = s.name(), notification = n.notification_id, attempt = attempts + 1, %e, "notification delivery failed");
                if attempts + 1 < MAX_ATTEMPTS {
                    done = false;
                }
            }
            if s.recorded() {
                self.store()
                    .record_notification_attempt(
                        n.notification_id,
                        s.name(),
                        outcome.as_ref().map(|_| ()).map_err(String::as_str),
                        now,
                    )
                    .await?;
            }
        }
        Ok(done)
    }

    /// The account a notification is for, with its phone number in clear for SMS.
    async fn recipient(self, id: AccountId) -> ServiceResult<Recipient> {
        let (a, _) = self.store().get_own_account(id).await?;
        let phone = match &a.phone_enc {
            Some(blob) => self
                .unseal(a.id, super::users::AccountPii::Phone, blob)
                .ok(),
            None => None,
        };
        Ok(Recipient {
            account_id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            phone,
            staff: a.kind == fgf_domain::base::record::AccountKind::Staff,
        })
    }
}

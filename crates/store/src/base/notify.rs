//! The in-app inbox of the notification centre (通知中心). Other channels are senders in the
//! application layer; this is where in-app messages rest until read.

use crate::get_id;
use crate::sql::Sql;
use crate::{get_i64, get_opt_i64, get_str, Page, Paged, Result, Store, WriteTx};
use fgf_domain::base::AccountId;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Notification {
    pub id: i64,
    pub account_id: AccountId,
    pub title: String,
    pub body: String,
    /// A link straight to the to-do item.
    pub link: String,
    pub created_at_ms: i64,
    pub read_at_ms: Option<i64>,
}

impl Store {
    /// The inbox of the signed-in account (a principal reads only its own messages).
    pub async fn list_notifications(
        &self,
        account_id: AccountId,
        unread_only: bool,
        page: Page,
    ) -> Result<Paged<Notification>> {
        let mut filter = Sql::new(" from notification where account_id = ");
        filter.bind(account_id);
        if unread_only {
            filter.push(" and read_at is null");
        }
        self.paged(
            &filter,
            "select notification_id, account_id, title, body, link, created_at, read_at",
            "notification_id desc",
            page,
            |r| {
                Ok(Notification {
                    id: get_i64(r, "notification_id")?,
                    account_id: get_id(r, "account_id")?,
                    title: get_str(r, "title")?,
                    body: get_str(r, "body")?,
                    link: get_str(r, "link")?,
                    created_at_ms: get_i64(r, "created_at")?,
                    read_at_ms: get_opt_i64(r, "read_at")?,
                })
            },
        )
        .await
    }

    pub async fn count_unread(&self, account_id: AccountId) -> Result<i64> {
        let mut sql = Sql::new(
            "select count(*) as n from notification where read_at is null and account_id = ",
        );
        sql.bind(account_id);
        get_i64(&sql.query().fetch_one(self.pool()).await?, "n")
    }
}

impl WriteTx {
    pub async fn insert_notification(
        &mut self,
        account_id: AccountId,
        title: &str,
        body: &str,
        link: &str,
    ) -> Result<i64> {
        let mut sql = Sql::new(
            "insert into notification (account_id, title, body, link, created_at) values (",
        );
        sql.bind(account_id)
            .push(",")
            .bind(title)
            .push(",")
            .bind(body)
            .push(",")
            .bind(link)
            .push(",")
            .bind(self.now_ms())
            .push(") returning notification_id");
        get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "notification_id",
        )
    }

    /// Marks one of the account's own messages read; false when it is not theirs or unknown.
    pub async fn mark_notification_read(&mut self, account_id: AccountId, id: i64) -> Result<bool> {
        let mut sql = Sql::new("update notification set read_at = ");
        sql.bind(self.now_ms())
            .push(" where read_at is null and account_id = ")
            .bind(account_id)
            .push(" and notification_id = ")
            .bind(id);
        Ok(sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected()
            > 0)
    }
}

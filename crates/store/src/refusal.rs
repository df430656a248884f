//! Refused attempts (403s, CSRF failures, out-of-scope 404s), a security log like the login
//! log: written directly, never through a `WriteTx`, so a flood of refusals neither grows the
//! audit chain nor waits on its head. Repeats within a minute coalesce into one row with a
//! count, and each new row deletes the rows beyond the configured cap, oldest first.

use crate::get_opt_id;
use crate::sql::{like_escape, Sql};
use crate::{get_i64, get_str, Page, Paged, Result, Scope, Store};
use fgf_domain::base::AccountId;

/// One refusal as the web layer saw it.
#[derive(Debug, Clone)]
pub struct NewRefusal<'a> {
    pub at_ms: i64,
    pub account_id: Option<AccountId>,
    /// The account's username, or empty for an anonymous caller.
    pub username: &'a str,
    pub source_addr: &'a str,
    pub method: &'a str,
    /// The matched route (`/api/v1/users/{id}`), so repeats on different records coalesce.
    pub route: &'a str,
    /// The path's parameters (`42`, `XK-01/1`), or empty.
    pub object_id: &'a str,
    pub code: &'a str,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Refusal {
    pub id: i64,
    pub first_at_ms: i64,
    pub last_at_ms: i64,
    pub account_id: Option<AccountId>,
    pub username: String,
    pub source_addr: String,
    pub method: String,
    pub route: String,
    /// The record of the first refusal this row counts.
    pub object_id: String,
    pub code: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default)]
pub struct RefusalQuery {
    pub username: Option<String>,
    pub address: Option<String>,
    pub code: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

impl Store {
    /// Counts one refusal and keeps at most `max_rows` rows.
    pub async fn record_refusal(&self, r: &NewRefusal<'_>, max_rows: i64) -> Result<()> {
        let caller_key = match r.account_id {
            Some(id) => format!("a:{id}"),
            None => format!("ip:{}", r.source_addr),
        };
        let mut sql = Sql::new(
            "insert into refused_attempt (caller_key, minute, account_id, username, source_addr, \
             method, route, object_id, code, count, created_at, updated_at) values (",
        );
        sql.bind(caller_key)
            .push(",")
            .bind(r.at_ms.div_euclid(60_000))
            .push(",")
            .bind(r.account_id)
            .push(",")
            .bind(r.username)
            .push(",")
            .bind(r.source_addr)
            .push(",")
            .bind(r.method)
            .push(",")
            .bind(r.route)
            .push(",")
            .bind(r.object_id)
            .push(",")
            .bind(r.code)
            .push(", 1,")
            .bind(r.at_ms)
            .push(",")
            .bind(r.at_ms)
            .push(
                ") on conflict (caller_key, method, route, code, minute) do update set \
                 count = refused_attempt.count + 1, updated_at = excluded.updated_at \
                 returning refused_attempt_id, count",
            );
        let row = sql.query().fetch_one(self.pool()).await?;
        if get_i64(&row, "count")? == 1 {
            // Ids only grow and only the oldest rows are ever deleted, so everything at or
            // below `id - max_rows` is beyond the cap; with nothing to delete this is one
            // index probe.
            let id = get_i64(&row, "refused_attempt_id")?;
            let mut prune = Sql::new("delete from refused_attempt where refused_attempt_id <= ");
            prune.bind(id - max_rows);
            prune.query().execute(self.pool()).await?;
        }
        Ok(())
    }

    pub async fn list_refusals(
        &self,
        scope: &Scope,
        q: &RefusalQuery,
        page: Page,
    ) -> Result<Paged<Refusal>> {
        let mut filter = Sql::new(" from refused_attempt where 1 = 1");
        scope.filter_account(&mut filter, "refused_attempt.account_id");
        if let Some(u) = q.username.as_deref().filter(|s| !s.is_empty()) {
            filter
                .push(" and ")
                .like_any_case("username", format!("%{}%", like_escape(u)));
        }
        if let Some(a) = q.address.as_deref().filter(|s| !s.is_empty()) {
            // A prefix finds a network (`10.1.`) as well as one address.
            filter
                .push(" and ")
                .like_any_case("source_addr", format!("{}%", like_escape(a)));
        }
        if let Some(c) = q.code.as_deref().filter(|s| !s.is_empty()) {
            filter.push(" and code = ").bind(c);
        }
        if let Some(v) = q.from_ms {
            filter.push(" and updated_at >= ").bind(v);
        }
        if let Some(v) = q.to_ms {
            filter.push(" and created_at < ").bind(v);
        }
        self.paged(
            &filter,
            "select refused_attempt_id, created_at, updated_at, account_id, username, \
             source_addr, method, route, object_id, code, count",
            "refused_attempt_id desc",
            page,
            |r| {
                Ok(Refusal {
                    id: get_i64(r, "refused_attempt_id")?,
                    first_at_ms: get_i64(r, "created_at")?,
                    last_at_ms: get_i64(r, "updated_at")?,
                    account_id: get_opt_id(r, "account_id")?,
                    username: get_str(r, "username")?,
                    source_addr: get_str(r, "source_addr")?,
                    method: get_str(r, "method")?,
                    route: get_str(r, "route")?,
                    object_id: get_str(r, "object_id")?,
                    code: get_str(r, "code")?,
                    count: get_i64(r, "count")?,
                })
            },
        )
        .await
    }
}

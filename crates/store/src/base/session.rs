//! Sessions (cookie and bearer) and the login log. These are security logs rather than
//! business state: they are written directly, and what matters (every attempt, every session)
//! is kept in `login_log`, which the application never edits.

use crate::sql::{like_escape, Sql};
use crate::{get_bool, get_code, get_i64, get_opt_i64, get_str, Page, Paged, Result, Scope, Store};
use crate::{get_id, get_opt_id};
use fgf_domain::base::record::{LoginOutcome, SessionKind};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use sqlx::any::AnyRow;

#[derive(Debug, Clone)]
pub struct Session {
    /// SM3 hash (hex) of the token; the token itself is never stored.
    pub id: String,
    pub account_id: AccountId,
    pub department_id: Option<DepartmentId>,
    pub kind: SessionKind,
    pub csrf_token: String,
    pub source_addr: String,
    pub totp_verified: bool,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LoginLog {
    pub id: i64,
    pub at_ms: i64,
    pub username: String,
    pub account_id: Option<AccountId>,
    pub source_addr: String,
    pub outcome: LoginOutcome,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct LoginLogQuery {
    pub username: Option<String>,
    pub outcome: Option<String>,
}

const SESSION_COLS: &str = "session_id, account_id, department_id, kind, csrf_token, source_addr, \
    totp_verified, created_at, last_seen_at, expires_at, revoked_at";

fn session(row: &AnyRow) -> Result<Session> {
    Ok(Session {
        id: get_str(row, "session_id")?,
        account_id: get_id(row, "account_id")?,
        department_id: get_opt_id(row, "department_id")?,
        kind: get_code(row, "session", "kind")?,
        csrf_token: get_str(row, "csrf_token")?,
        source_addr: get_str(row, "source_addr")?,
        totp_verified: get_bool(row, "totp_verified")?,
        created_at_ms: get_i64(row, "created_at")?,
        last_seen_at_ms: get_i64(row, "last_seen_at")?,
        expires_at_ms: get_i64(row, "expires_at")?,
        revoked_at_ms: get_opt_i64(row, "revoked_at")?,
    })
}

impl Store {
    pub async fn insert_session(&self, s: &Session) -> Result<()> {
        let mut sql = Sql::new(&format!("insert into session ({SESSION_COLS}) values ("));
        sql.bind(s.id.as_str())
            .push(",")
            .bind(s.account_id)
            .push(",")
            .bind(s.department_id)
            .push(",")
            .bind(s.kind.as_str())
            .push(",")
            .bind(s.csrf_token.as_str())
            .push(",")
            .bind(s.source_addr.as_str())
            .push(",")
            .bind(s.totp_verified)
            .push(",")
            .bind(s.created_at_ms)
            .push(",")
            .bind(s.last_seen_at_ms)
            .push(",")
            .bind(s.expires_at_ms)
            .push(",")
            .bind(s.revoked_at_ms)
            .push(")");
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    pub async fn find_session(&self, id: &str) -> Result<Option<Session>> {
        let mut sql = Sql::new(&format!(
            "select {SESSION_COLS} from session where session_id = "
        ));
        sql.bind(id);
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| session(&r))
            .transpose()
    }

    /// Slides the idle expiry forward on activity.
    pub async fn touch_session(&self, id: &str, now_ms: i64, expires_at_ms: i64) -> Result<()> {
        let mut sql = Sql::new("update session set last_seen_at = ");
        sql.bind(now_ms)
            .push(", expires_at = ")
            .bind(expires_at_ms)
            .push(" where session_id = ")
            .bind(id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    pub async fn update_session_state(
        &self,
        id: &str,
        department_id: Option<DepartmentId>,
        totp_verified: bool,
    ) -> Result<()> {
        let mut sql = Sql::new("update session set department_id = ");
        sql.bind(department_id)
            .push(", totp_verified = ")
            .bind(totp_verified)
            .push(" where session_id = ")
            .bind(id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    pub async fn revoke_session(&self, id: &str, now_ms: i64) -> Result<()> {
        let mut sql = Sql::new("update session set revoked_at = ");
        sql.bind(now_ms)
            .push(" where revoked_at is null and session_id = ")
            .bind(id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    /// Ends every session of an account (after a password change or a lock).
    pub async fn revoke_account_sessions(
        &self,
        account_id: AccountId,
        now_ms: i64,
        except: Option<&str>,
    ) -> Result<()> {
        let mut sql = Sql::new("update session set revoked_at = ");
        sql.bind(now_ms)
            .push(" where revoked_at is null and account_id = ")
            .bind(account_id);
        if let Some(keep) = except {
            sql.push(" and session_id <> ").bind(keep);
        }
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    /// Sessions that are still live (在线用户).
    pub async fn count_live_sessions(&self, now_ms: i64) -> Result<i64> {
        let mut sql = Sql::new(
            "select count(*) as n from session where revoked_at is null and expires_at > ",
        );
        sql.bind(now_ms);
        get_i64(&sql.query().fetch_one(self.pool()).await?, "n")
    }

    pub async fn insert_login_log(
        &self,
        at_ms: i64,
        username: &str,
        account_id: Option<AccountId>,
        source_addr: &str,
        outcome: LoginOutcome,
        detail: &str,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into login_log (at, username, account_id, source_addr, outcome, detail) values (",
        );
        sql.bind(at_ms)
            .push(",")
            .bind(username)
            .push(",")
            .bind(account_id)
            .push(",")
            .bind(source_addr)
            .push(",")
            .bind(outcome.as_str())
            .push(",")
            .bind(detail)
            .push(")");
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    /// Failed attempts (wrong password or second factor, or an unknown username) from one
    /// source address since `since_ms`, whatever the username: the per-address limit.
    pub async fn count_failures_from(&self, source_addr: &str, since_ms: i64) -> Result<i64> {
        let mut sql = Sql::new("select count(*) as n from login_log where source_addr = ");
        sql.bind(source_addr)
            .push(" and outcome in ('bad_password', 'bad_totp', 'unknown_user', 'recovery_unmatched') and at >= ")
            .bind(since_ms);
        get_i64(&sql.query().fetch_one(self.pool()).await?, "n")
    }

    /// Failed attempts for a username since `since_ms` — from one address when `source_addr`
    /// is given, from anywhere otherwise — counted after the last successful login (from that
    /// address) and after the last unlock, so either resets the count. Unknown usernames count
    /// alike, so a lock does not reveal whether an account exists.
    pub async fn count_failures_for(
        &self,
        username: &str,
        source_addr: Option<&str>,
        since_ms: i64,
    ) -> Result<i64> {
        let mut sql = Sql::new("select count(*) as n from login_log where username = ");
        sql.bind(username);
        if let Some(a) = source_addr {
            sql.push(" and source_addr = ").bind(a);
        }
        // "After" by the log's own order, not by time: a success and a failure may share a
        // millisecond.
        sql.push(" and outcome in ('bad_password', 'bad_totp', 'unknown_user') and at >= ")
            .bind(since_ms)
            .push(" and login_log_id > coalesce((select max(login_log_id) from login_log where username = ")
            .bind(username)
            .push(" and (outcome = 'unlocked'");
        match source_addr {
            Some(a) => sql
                .push(" or (outcome = 'success' and source_addr = ")
                .bind(a)
                .push(")"),
            None => sql.push(" or outcome = 'success'"),
        };
        sql.push(")), 0)");
        get_i64(&sql.query().fetch_one(self.pool()).await?, "n")
    }

    /// When a username was last locked out for one source address (the `locked` row written
    /// at the failure that reached the limit) since `since_ms`, unless unlocked after it.
    /// With `source_addr` `None`: the last such lock from any address.
    pub async fn pair_locked_at(
        &self,
        username: &str,
        source_addr: Option<&str>,
        since_ms: i64,
    ) -> Result<Option<i64>> {
        let mut sql = Sql::new("select max(at) as at from login_log where username = ");
        sql.bind(username);
        if let Some(a) = source_addr {
            sql.push(" and source_addr = ").bind(a);
        }
        sql.push(" and outcome = 'locked' and detail like 'failures%' and at >= ")
            .bind(since_ms)
            .push(" and login_log_id > coalesce((select max(login_log_id) from login_log where username = ")
            .bind(username)
            .push(" and outcome = 'unlocked'), 0)");
        crate::get_opt_i64(&sql.query().fetch_one(self.pool()).await?, "at")
    }

    pub async fn list_login_log(
        &self,
        scope: &Scope,
        q: &LoginLogQuery,
        page: Page,
    ) -> Result<Paged<LoginLog>> {
        let mut filter = Sql::new(" from login_log where 1 = 1");
        scope.filter_account(&mut filter, "login_log.account_id");
        if let Some(u) = q.username.as_deref().filter(|s| !s.is_empty()) {
            filter
                .push(" and ")
                .like_any_case("username", format!("%{}%", like_escape(u)));
        }
        if let Some(o) = q.outcome.as_deref().filter(|s| !s.is_empty()) {
            filter.push(" and outcome = ").bind(o);
        }
        self.paged(
            &filter,
            "select login_log_id, at, username, account_id, source_addr, outcome, detail",
            "login_log_id desc",
            page,
            |r| {
                Ok(LoginLog {
                    id: get_i64(r, "login_log_id")?,
                    at_ms: get_i64(r, "at")?,
                    username: get_str(r, "username")?,
                    account_id: get_opt_id(r, "account_id")?,
                    source_addr: get_str(r, "source_addr")?,
                    outcome: get_code(r, "login_log", "outcome")?,
                    detail: get_str(r, "detail")?,
                })
            },
        )
        .await
    }
}

//! Accounts (staff and applicants), posts (岗位, one per department an account works in),
//! roles and the grants that result.

use crate::get_id;
use crate::sql::{like_escape, Sql};
use crate::{
    get_bool, get_code, get_i64, get_opt_bytes, get_opt_i64, get_opt_str, get_str, parse_code,
    Grants, Page, Paged, Result, Scope, Store, StoreError, WriteTx,
};
use fgf_domain::base::permission::{AdminDuty, Permission};
use fgf_domain::base::record::{AccountKind, AccountStatus};
use fgf_domain::base::scope::DataScope;
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};
use std::collections::BTreeMap;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub locked_until_ms: Option<i64>,
    pub status: AccountStatus,
    #[serde(skip)]
    pub phone_enc: Option<Vec<u8>>,
    #[serde(skip)]
    pub resident_id_enc: Option<Vec<u8>>,
    pub uscc: Option<String>,
    pub password_changed_at_ms: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What login needs and nothing else may read.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub password_hash: String,
    pub totp_secret_enc: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub password_hash: String,
    pub must_change_password: bool,
    pub phone_enc: Option<Vec<u8>>,
    pub phone_hmac: Option<Vec<u8>>,
    pub resident_id_enc: Option<Vec<u8>>,
    pub resident_id_hmac: Option<Vec<u8>>,
    pub uscc: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AccountQuery {
    /// Matches username or display name (substring).
    pub text: Option<String>,
    pub department_id: Option<DepartmentId>,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Role {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub data_scope: DataScope,
    pub admin_duty: Option<AdminDuty>,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Post {
    pub id: i64,
    pub account_id: AccountId,
    pub department_id: DepartmentId,
    pub department_name: String,
    pub is_primary: bool,
    pub title: String,
    pub role_codes: Vec<String>,
    pub role_names: Vec<String>,
}

/// One post of an active staff member, as the organisation's pickers list it: who, where and
/// in what position. Nothing personal beyond the name.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DirectoryEntry {
    pub username: String,
    pub display_name: String,
    pub department_id: DepartmentId,
    pub department_name: String,
    pub title: String,
    pub is_primary: bool,
}

const COLS: &str = "a.account_id, a.username, a.display_name, a.kind, a.must_change_password, \
    a.totp_enabled, a.locked_until, a.status, a.phone_enc, a.resident_id_enc, a.uscc, \
    a.password_changed_at, a.created_at, a.updated_at";

fn account(row: &AnyRow) -> Result<Account> {
    Ok(Account {
        id: get_id(row, "account_id")?,
        username: get_str(row, "username")?,
        display_name: get_str(row, "display_name")?,
        kind: get_code(row, "account", "kind")?,
        must_change_password: get_bool(row, "must_change_password")?,
        totp_enabled: get_bool(row, "totp_enabled")?,
        locked_until_ms: get_opt_i64(row, "locked_until")?,
        status: get_code(row, "account", "status")?,
        phone_enc: get_opt_bytes(row, "phone_enc")?,
        resident_id_enc: get_opt_bytes(row, "resident_id_enc")?,
        uscc: get_opt_str(row, "uscc")?,
        password_changed_at_ms: get_i64(row, "password_changed_at")?,
        created_at_ms: get_i64(row, "created_at")?,
        updated_at_ms: get_i64(row, "updated_at")?,
    })
}

async fn fetch_account<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    scope: &Scope,
    id: AccountId,
) -> Result<Account> {
    let mut sql = Sql::new(&format!(
        "select {COLS} from account a where a.account_id = "
    ));
    sql.bind(id);
    scope.filter_account(&mut sql, "a.account_id");
    match sql.query().fetch_optional(ex).await? {
        Some(row) => account(&row),
        None => Err(StoreError::not_found("account", id)),
    }
}

async fn fetch_roles<'e, E: Executor<'e, Database = Any>>(ex: E) -> Result<Vec<Role>> {
    let rows = sqlx::query(
        "select r.role_id, r.code, r.name, r.data_scope, r.admin_duty, rp.permission \
         from role r left join role_permission rp on rp.role_id = r.role_id \
         order by r.role_id, rp.permission",
    )
    .fetch_all(ex)
    .await?;
    let mut roles: Vec<Role> = Vec::new();
    for row in &rows {
        let id = get_i64(row, "role_id")?;
        if roles.last().map(|r| r.id) != Some(id) {
            roles.push(Role {
                id,
                code: get_str(row, "code")?,
                name: get_str(row, "name")?,
                data_scope: parse_code("data_scope", &get_str(row, "data_scope")?)?,
                admin_duty: get_opt_str(row, "admin_duty")?
                    .map(|d| parse_code("admin_duty", &d))
                    .transpose()?,
                permissions: Vec::new(),
            });
        }
        if let Some(p) = get_opt_str(row, "permission")? {
            if let Some(role) = roles.last_mut() {
                role.permissions.push(parse_code("permission", &p)?);
            }
        }
    }
    Ok(roles)
}

impl Store {
    /// Looks an account up by username for authentication. This is the one unscoped account
    /// lookup: it runs before anyone is known, and returns only what login needs.
    /// The argon2id hashes of an account's `n` most recent earlier passwords, newest first.
    pub async fn password_history(&self, account_id: AccountId, n: i64) -> Result<Vec<String>> {
        let mut sql = Sql::new("select password_hash from password_history where account_id = ");
        sql.bind(account_id)
            .push(" order by created_at desc, password_history_id desc limit ")
            .bind(n);
        sql.query()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| get_str(r, "password_hash"))
            .collect()
    }

    /// The pending recovery code of an account: (code hash, expiry, tries made).
    pub async fn find_recovery_code(
        &self,
        account_id: AccountId,
    ) -> Result<Option<(String, i64, i64)>> {
        let mut sql = Sql::new(
            "select code_hash, expires_at, attempts from recovery_code where account_id = ",
        );
        sql.bind(account_id);
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| {
                Ok((
                    get_str(&r, "code_hash")?,
                    get_i64(&r, "expires_at")?,
                    get_i64(&r, "attempts")?,
                ))
            })
            .transpose()
    }

    /// Counts one wrong try at a recovery code.
    pub async fn bump_recovery_attempts(&self, account_id: AccountId) -> Result<()> {
        let mut sql =
            Sql::new("update recovery_code set attempts = attempts + 1 where account_id = ");
        sql.bind(account_id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    /// Records that a TOTP code of time step `step` was used, if no code of that step or a
    /// later one was used before; false means the code is a replay. One conditional update,
    /// so two logins racing with the same code cannot both win.
    pub async fn claim_totp_step(&self, account_id: AccountId, step: i64) -> Result<bool> {
        let mut sql = Sql::new("update account set totp_last_step = ");
        sql.bind(step)
            .push(" where account_id = ")
            .bind(account_id)
            .push(" and (totp_last_step is null or totp_last_step < ")
            .bind(step)
            .push(")");
        Ok(sql.query().execute(self.pool()).await?.rows_affected() == 1)
    }

    pub async fn find_account_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(Account, Credentials)>> {
        let mut sql = Sql::new(&format!(
            "select {COLS}, a.password_hash, a.totp_secret_enc from account a where a.username = "
        ));
        sql.bind(username);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(row) => Ok(Some((
                account(&row)?,
                Credentials {
                    password_hash: get_str(&row, "password_hash")?,
                    totp_secret_enc: get_opt_bytes(&row, "totp_secret_enc")?,
                },
            ))),
            None => Ok(None),
        }
    }

    /// The signed-in account itself (a principal may always read its own record).
    pub async fn get_own_account(&self, account_id: AccountId) -> Result<(Account, Credentials)> {
        let mut sql = Sql::new(&format!(
            "select {COLS}, a.password_hash, a.totp_secret_enc from account a where a.account_id = "
        ));
        sql.bind(account_id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(row) => Ok((
                account(&row)?,
                Credentials {
                    password_hash: get_str(&row, "password_hash")?,
                    totp_secret_enc: get_opt_bytes(&row, "totp_secret_enc")?,
                },
            )),
            None => Err(StoreError::not_found("account", account_id)),
        }
    }

    pub async fn get_account(&self, scope: &Scope, id: AccountId) -> Result<Account> {
        fetch_account(self.pool(), scope, id).await
    }

    /// Exact-match lookup by the keyed hash of a resident ID (RULES.md §7.3).
    pub async fn find_account_by_resident_hmac(
        &self,
        scope: &Scope,
        hmac: &[u8],
    ) -> Result<Option<Account>> {
        let mut sql = Sql::new(&format!(
            "select {COLS} from account a where a.resident_id_hmac = "
        ));
        sql.bind(hmac.to_vec());
        scope.filter_account(&mut sql, "a.account_id");
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| account(&r))
            .transpose()
    }

    pub async fn find_account_by_uscc(&self, scope: &Scope, uscc: &str) -> Result<Option<Account>> {
        let mut sql = Sql::new(&format!("select {COLS} from account a where a.uscc = "));
        sql.bind(uscc);
        scope.filter_account(&mut sql, "a.account_id");
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| account(&r))
            .transpose()
    }

    pub async fn list_accounts(
        &self,
        scope: &Scope,
        q: &AccountQuery,
        page: Page,
    ) -> Result<Paged<Account>> {
        let mut filter = Sql::new(" from account a where 1 = 1");
        scope.filter_account(&mut filter, "a.account_id");
        if let Some(text) = q.text.as_deref().filter(|s| !s.is_empty()) {
            let pat = format!("%{}%", like_escape(text));
            filter.push(" and (");
            filter.like_any_case("a.username", pat.clone()).push(" or ");
            filter.like_any_case("a.display_name", pat).push(")");
        }
        if let Some(dept) = q.department_id {
            filter
                .push(" and exists (select 1 from post qp where qp.account_id = a.account_id and qp.department_id = ")
                .bind(dept)
                .push(")");
        }
        if let Some(kind) = q.kind.as_deref().filter(|s| !s.is_empty()) {
            filter.push(" and a.kind = ").bind(kind);
        }
        self.paged(
            &filter,
            &format!("select {COLS}"),
            "a.account_id",
            page,
            account,
        )
        .await
    }

    pub async fn list_roles(&self) -> Result<Vec<Role>> {
        fetch_roles(self.pool()).await
    }

    /// Every post of every active staff account, by department then name: the organisation
    /// that pickers search (转办, 抄送, approvers).
    pub async fn staff_directory(&self) -> Result<Vec<DirectoryEntry>> {
        let sql = Sql::new(
            "select a.username, a.display_name, p.department_id, d.name as department_name, p.title, p.is_primary \
             from account a join post p on p.account_id = a.account_id \
             join department d on d.department_id = p.department_id \
             where a.kind = 'staff' and a.status = 'active' \
             order by d.path, d.sort, p.is_primary desc, a.display_name, a.username",
        );
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(DirectoryEntry {
                    username: get_str(r, "username")?,
                    display_name: get_str(r, "display_name")?,
                    department_id: get_id(r, "department_id")?,
                    department_name: get_str(r, "department_name")?,
                    title: get_str(r, "title")?,
                    is_primary: get_bool(r, "is_primary")?,
                })
            })
            .collect()
    }

    /// The posts of an account with their roles, primary first.
    pub async fn posts_of(&self, account_id: AccountId) -> Result<Vec<Post>> {
        let mut sql = Sql::new(
            "select p.post_id, p.account_id, p.department_id, d.name as department_name, p.is_primary, p.title, r.code as role_code, r.name as role_name \
             from post p join department d on d.department_id = p.department_id \
             left join post_role pr on pr.post_id = p.post_id left join role r on r.role_id = pr.role_id \
             where p.account_id = ",
        );
        sql.bind(account_id)
            .push(" order by p.is_primary desc, p.post_id, r.code");
        let rows = sql.query().fetch_all(self.pool()).await?;
        let mut posts: Vec<Post> = Vec::new();
        for row in &rows {
            let id = get_i64(row, "post_id")?;
            if posts.last().map(|p| p.id) != Some(id) {
                posts.push(Post {
                    id,
                    account_id: get_id(row, "account_id")?,
                    department_id: get_id(row, "department_id")?,
                    department_name: get_str(row, "department_name")?,
                    is_primary: get_bool(row, "is_primary")?,
                    title: get_str(row, "title")?,
                    role_codes: Vec::new(),
                    role_names: Vec::new(),
                });
            }
            if let Some(code) = get_opt_str(row, "role_code")? {
                if let Some(p) = posts.last_mut() {
                    p.role_codes.push(code);
                    p.role_names
                        .push(get_opt_str(row, "role_name")?.unwrap_or_default());
                }
            }
        }
        Ok(posts)
    }

    /// What `account_id` may do acting for `department_id`; `None` when it holds no post
    /// there (so acting for a department one does not work in is impossible).
    pub async fn load_grants(
        &self,
        account_id: AccountId,
        department_id: DepartmentId,
    ) -> Result<Option<Grants>> {
        let mut sql = Sql::new(
            "select d.path, r.code, r.data_scope, r.admin_duty, rp.permission \
             from post p join department d on d.department_id = p.department_id \
             left join post_role pr on pr.post_id = p.post_id \
             left join role r on r.role_id = pr.role_id \
             left join role_permission rp on rp.role_id = r.role_id \
             where p.account_id = ",
        );
        sql.bind(account_id)
            .push(" and p.department_id = ")
            .bind(department_id);
        let rows = sql.query().fetch_all(self.pool()).await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let path = get_str(first, "path")?;
        let mut by_permission: BTreeMap<Permission, DataScope> = BTreeMap::new();
        let mut duties = Vec::new();
        let mut role_codes = Vec::new();
        for row in &rows {
            if let Some(code) = get_opt_str(row, "code")? {
                if !role_codes.contains(&code) {
                    role_codes.push(code);
                }
            }
            if let Some(duty) = get_opt_str(row, "admin_duty")? {
                let duty: AdminDuty = parse_code("admin_duty", &duty)?;
                if !duties.contains(&duty) {
                    duties.push(duty);
                }
            }
            if let (Some(p), Some(s)) = (
                get_opt_str(row, "permission")?,
                get_opt_str(row, "data_scope")?,
            ) {
                let p: Permission = parse_code("permission", &p)?;
                let s: DataScope = parse_code("data_scope", &s)?;
                let entry = by_permission.entry(p).or_insert(s);
                if s > *entry {
                    *entry = s;
                }
            }
        }
        Ok(Some(Grants::new(
            account_id,
            department_id,
            path,
            by_permission,
            duties,
            role_codes,
        )))
    }

    /// The administrator duties an account holds across all its posts (for 三员分立).
    pub async fn account_duties(&self, account_id: AccountId) -> Result<Vec<AdminDuty>> {
        duties_of(self.pool(), account_id).await
    }
}

async fn duties_of<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: AccountId,
) -> Result<Vec<AdminDuty>> {
    let mut sql = Sql::new(
        "select distinct r.admin_duty from post p join post_role pr on pr.post_id = p.post_id \
         join role r on r.role_id = pr.role_id where r.admin_duty is not null and p.account_id = ",
    );
    sql.bind(account_id).push(" order by r.admin_duty");
    let rows = sql.query().fetch_all(ex).await?;
    rows.iter()
        .map(|r| parse_code("admin_duty", &get_str(r, "admin_duty")?))
        .collect()
}

impl WriteTx {
    pub async fn get_account(&mut self, scope: &Scope, id: AccountId) -> Result<Account> {
        fetch_account(self.conn().await?, scope, id).await
    }

    pub async fn list_roles(&mut self) -> Result<Vec<Role>> {
        fetch_roles(self.conn().await?).await
    }

    pub async fn account_duties(&mut self, account_id: AccountId) -> Result<Vec<AdminDuty>> {
        duties_of(self.conn().await?, account_id).await
    }

    pub async fn insert_account(&mut self, new: &NewAccount) -> Result<AccountId> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into account (username, display_name, kind, password_hash, must_change_password, \
             phone_enc, phone_hmac, resident_id_enc, resident_id_hmac, uscc, password_changed_at, created_at, updated_at) values (",
        );
        sql.bind(new.username.as_str())
            .push(",")
            .bind(new.display_name.as_str())
            .push(",")
            .bind(new.kind.as_str())
            .push(",")
            .bind(new.password_hash.as_str())
            .push(",")
            .bind(new.must_change_password)
            .push(",")
            .bind(new.phone_enc.clone())
            .push(",")
            .bind(new.phone_hmac.clone())
            .push(",")
            .bind(new.resident_id_enc.clone())
            .push(",")
            .bind(new.resident_id_hmac.clone())
            .push(",")
            .bind(new.uscc.clone())
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning account_id");
        get_id(
            &sql.query().fetch_one(self.conn().await?).await?,
            "account_id",
        )
    }

    pub async fn update_account_profile(
        &mut self,
        id: AccountId,
        display_name: &str,
        status: AccountStatus,
        phone_enc: Option<Vec<u8>>,
        phone_hmac: Option<Vec<u8>>,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut sql = Sql::new("update account set display_name = ");
        sql.bind(display_name)
            .push(", status = ")
            .bind(status.as_str())
            .push(", phone_enc = ")
            .bind(phone_enc)
            .push(", phone_hmac = ")
            .bind(phone_hmac)
            .push(", updated_at = ")
            .bind(now)
            .push(" where account_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Sets a new password; the one it replaces goes to the account's password history.
    pub async fn set_password(
        &mut self,
        id: AccountId,
        hash: &str,
        must_change: bool,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut keep = Sql::new(
            "insert into password_history (account_id, password_hash, created_at) select account_id, password_hash, ",
        );
        keep.bind(now)
            .push(" from account where account_id = ")
            .bind(id);
        keep.query().execute(self.conn().await?).await?;
        let mut sql = Sql::new("update account set password_hash = ");
        sql.bind(hash)
            .push(", must_change_password = ")
            .bind(must_change)
            .push(", password_changed_at = ")
            .bind(now)
            .push(", updated_at = ")
            .bind(now)
            .push(" where account_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Writes an account's encrypted personal data (bound to its row, so written after the
    /// row exists).
    pub async fn set_account_pii(
        &mut self,
        id: AccountId,
        phone_enc: Option<Vec<u8>>,
        resident_id_enc: Option<Vec<u8>>,
    ) -> Result<()> {
        let mut sql = Sql::new("update account set phone_enc = ");
        sql.bind(phone_enc)
            .push(", resident_id_enc = ")
            .bind(resident_id_enc)
            .push(" where account_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Puts a fresh recovery code in place of any pending one.
    pub async fn put_recovery_code(
        &mut self,
        account_id: AccountId,
        code_hash: &str,
        expires_at_ms: i64,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into recovery_code (account_id, code_hash, expires_at, attempts, created_at) values (",
        );
        sql.bind(account_id)
            .push(",")
            .bind(code_hash)
            .push(",")
            .bind(expires_at_ms)
            .push(", 0, ")
            .bind(now)
            .push(") on conflict (account_id) do update set code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0, created_at = excluded.created_at");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    pub async fn delete_recovery_code(&mut self, account_id: AccountId) -> Result<()> {
        let mut sql = Sql::new("delete from recovery_code where account_id = ");
        sql.bind(account_id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Marks the password as due for change (its maximum age has passed).
    pub async fn require_password_change(&mut self, id: AccountId) -> Result<()> {
        let mut sql = Sql::new("update account set must_change_password = ");
        sql.bind(true)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where account_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    pub async fn set_totp(
        &mut self,
        id: AccountId,
        secret_enc: Option<Vec<u8>>,
        enabled: bool,
    ) -> Result<()> {
        let mut sql = Sql::new("update account set totp_secret_enc = ");
        sql.bind(secret_enc)
            .push(", totp_enabled = ")
            .bind(enabled)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where account_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    pub async fn set_locked_until(&mut self, id: AccountId, until: Option<i64>) -> Result<()> {
        let mut sql = Sql::new("update account set locked_until = ");
        sql.bind(until)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where account_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    pub async fn insert_post(
        &mut self,
        account_id: AccountId,
        department_id: DepartmentId,
        is_primary: bool,
        title: &str,
    ) -> Result<i64> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into post (account_id, department_id, is_primary, title, created_at, updated_at) values (",
        );
        sql.bind(account_id)
            .push(",")
            .bind(department_id)
            .push(",")
            .bind(is_primary)
            .push(",")
            .bind(title)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning post_id");
        get_i64(&sql.query().fetch_one(self.conn().await?).await?, "post_id")
    }

    pub async fn delete_post(&mut self, post_id: i64) -> Result<()> {
        let mut sql = Sql::new("delete from post_role where post_id = ");
        sql.bind(post_id);
        sql.query().execute(self.conn().await?).await?;
        let mut sql = Sql::new("delete from post where post_id = ");
        sql.bind(post_id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Replaces the roles of a post.
    pub async fn set_post_roles(&mut self, post_id: i64, role_ids: &[i64]) -> Result<()> {
        let mut sql = Sql::new("delete from post_role where post_id = ");
        sql.bind(post_id);
        sql.query().execute(self.conn().await?).await?;
        for role_id in role_ids {
            let mut ins = Sql::new("insert into post_role (post_id, role_id) values (");
            ins.bind(post_id).push(",").bind(*role_id).push(")");
            ins.query().execute(self.conn().await?).await?;
        }
        Ok(())
    }

    pub async fn insert_role(
        &mut self,
        code: &str,
        name: &str,
        data_scope: DataScope,
        admin_duty: Option<AdminDuty>,
        permissions: &[Permission],
    ) -> Result<i64> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into role (code, name, data_scope, admin_duty, created_at, updated_at) values (",
        );
        sql.bind(code)
            .push(",")
            .bind(name)
            .push(",")
            .bind(data_scope.code())
            .push(",")
            .bind(admin_duty.map(AdminDuty::code))
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning role_id");
        let id = get_i64(&sql.query().fetch_one(self.conn().await?).await?, "role_id")?;
        for p in permissions {
            let mut ins = Sql::new("insert into role_permission (role_id, permission) values (");
            ins.bind(id).push(",").bind(p.code()).push(")");
            ins.query().execute(self.conn().await?).await?;
        }
        Ok(id)
    }

    /// Adds one permission to a role (a no-op when the role has it).
    pub async fn add_role_permission(
        &mut self,
        role_id: i64,
        permission: Permission,
    ) -> Result<()> {
        let mut ins = Sql::new("insert into role_permission (role_id, permission) select ");
        ins.bind(role_id)
            .push(", ")
            .bind(permission.code())
            .push(" where not exists (select 1 from role_permission where role_id = ")
            .bind(role_id)
            .push(" and permission = ")
            .bind(permission.code())
            .push(")");
        ins.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Posts of an account inside the transaction (for before/after diffs).
    pub async fn post_ids_of(&mut self, account_id: AccountId) -> Result<Vec<(i64, DepartmentId)>> {
        let mut sql = Sql::new("select post_id, department_id from post where account_id = ");
        sql.bind(account_id).push(" order by post_id");
        let rows = sql.query().fetch_all(self.conn().await?).await?;
        rows.iter()
            .map(|r| Ok((get_i64(r, "post_id")?, get_id(r, "department_id")?)))
            .collect()
    }
}

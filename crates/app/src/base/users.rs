//! Accounts: staff administration (用户管理), posts and roles, and applicant registration.
//! Personal data is encrypted on the way in and masked on the way out; an unmasked view is
//! an audited act (RULES.md §7.4).

use super::UseCases;
use crate::base::auth::{hash_password, SessionKind};
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use fgf_domain::base::audit::{diff_json, FieldChange};
use fgf_domain::base::permission::{AdminDuty, Permission};
use fgf_domain::base::record::{AccountKind, AccountStatus, LoginOutcome};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use fgf_domain::{mask_phone, mask_resident_id, validate_mobile, PiiBinding, ResidentId, Uscc};
use fgf_store::base::account::{Account, AccountQuery, NewAccount, Post, Role};
use fgf_store::{Page, Paged};
use serde_json::json;

/// An account as pages and the API show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserView {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub status: AccountStatus,
    pub phone: Option<String>,
    pub resident_id: Option<String>,
    pub uscc: Option<String>,
    pub locked: bool,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    /// True when `phone` and `resident_id` are shown in full.
    pub unmasked: bool,
    pub posts: Vec<Post>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewStaffInput {
    pub username: String,
    pub display_name: String,
    pub password: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub department_id: DepartmentId,
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct UpdateUserInput {
    pub display_name: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct RegisterInput {
    /// "citizen" or "enterprise".
    pub kind: String,
    pub username: String,
    pub password: String,
    pub display_name: String,
    #[serde(default)]
    pub resident_id: Option<String>,
    #[serde(default)]
    pub uscc: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

pub fn validate_username(u: &str) -> ServiceResult<()> {
    let ok = (3..=32).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(ServiceError::invalid("username_invalid").details(json!({ "field": "username" })))
    }
}

fn validate_display_name(n: &str) -> ServiceResult<()> {
    if n.trim().is_empty() || n.chars().count() > 64 {
        return Err(ServiceError::field(
            "invalid_field",
            "display_name",
            "姓名不能为空，且不超过 64 个字",
        ));
    }
    Ok(())
}

fn normalise_phone(p: Option<&str>) -> ServiceResult<Option<String>> {
    match p.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(p) => {
            validate_mobile(p).map_err(|e| {
                ServiceError::invalid("phone_invalid")
                    .arg(e.message_zh())
                    .details(json!({ "field": "phone" }))
            })?;
            Ok(Some(p.to_owned()))
        }
    }
}

fn nonce() -> [u8; 16] {
    std::array::from_fn(|_| rand::random::<u8>())
}

/// The account fields that hold personal data. Each is encrypted bound to its row and column
/// (RULES.md §7.3), so a ciphertext moved to another account or field does not decrypt.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AccountPii {
    Phone,
    ResidentId,
    TotpSecret,
}

impl AccountPii {
    fn column(self) -> &'static str {
        match self {
            AccountPii::Phone => "phone_enc",
            AccountPii::ResidentId => "resident_id_enc",
            AccountPii::TotpSecret => "totp_secret_enc",
        }
    }

    fn binding(self, account_id: AccountId) -> PiiBinding<'static> {
        PiiBinding {
            table: "account",
            column: self.column(),
            row: account_id.get(),
        }
    }
}

impl UseCases<'_> {
    /// The caller's own posts (department and roles), which the page header offers to
    /// switch between.
    pub async fn my_posts(self, actor: &Actor) -> ServiceResult<Vec<Post>> {
        Ok(self.store().posts_of(actor.account.id).await?)
    }

    pub(crate) fn seal(self, account_id: AccountId, field: AccountPii, value: &str) -> Vec<u8> {
        self.pii()
            .encrypt_bound(value, nonce(), &field.binding(account_id))
    }

    pub(crate) fn unseal(
        &self,
        account_id: AccountId,
        field: AccountPii,
        blob: &[u8],
    ) -> ServiceResult<String> {
        self.pii()
            .decrypt_bound(blob, &field.binding(account_id))
            .map_err(ServiceError::internal)
    }

    fn seal_opt(
        self,
        account_id: AccountId,
        field: AccountPii,
        v: Option<&str>,
    ) -> Option<Vec<u8>> {
        v.map(|v| self.seal(account_id, field, v))
    }

    fn lookup_opt(self, v: Option<&str>) -> Option<Vec<u8>> {
        v.map(|v| self.pii().lookup_hash(v))
    }

    fn unseal_opt(
        &self,
        account_id: AccountId,
        field: AccountPii,
        v: Option<&Vec<u8>>,
    ) -> ServiceResult<Option<String>> {
        v.map(|b| self.unseal(account_id, field, b)).transpose()
    }

    /// Builds the view of an account; personal data in full only when asked for and allowed,
    /// and then the view is audited.
    async fn user_view(
        &self,
        actor: &Actor,
        account: Account,
        unmask: bool,
    ) -> ServiceResult<UserView> {
        let phone = self.unseal_opt(account.id, AccountPii::Phone, account.phone_enc.as_ref())?;
        let resident_id = self.unseal_opt(
            account.id,
            AccountPii::ResidentId,
            account.resident_id_enc.as_ref(),
        )?;
        let full = unmask && (actor.has(Permission::PiiUnmask) || actor.account.id == account.id);
        if full && actor.account.id != account.id && (phone.is_some() || resident_id.is_some()) {
            let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
            tx.audit(
                "pii.view",
                "account",
                &account.id.to_string(),
                &[FieldChange {
                    field: "viewed".to_owned(),
                    before: None,
                    after: Some(json!(["phone", "resident_id"])),
                }],
            )
            .await?;
            tx.commit().await?;
        }
        let posts = self.store().posts_of(account.id).await?;
        let locked = account.locked_until_ms.is_some_and(|u| u > self.now_ms())
            || self.locked_somewhere(&account.username).await?;
        Ok(UserView {
            id: account.id,
            locked,
            phone: phone.map(|p| if full { p } else { mask_phone(&p) }),
            resident_id: resident_id.map(|r| if full { r } else { mask_resident_id(&r) }),
            unmasked: full,
            username: account.username,
            display_name: account.display_name,
            kind: account.kind,
            status: account.status,
            uscc: account.uscc,
            must_change_password: account.must_change_password,
            totp_enabled: account.totp_enabled,
            posts,
        })
    }

    pub async fn list_users(
        &self,
        actor: &Actor,
        q: &AccountQuery,
        page: Page,
    ) -> ServiceResult<Paged<UserView>> {
        let scope = actor.scope(Permission::UserRead)?;
        let res = self.store().list_accounts(&scope, q, page).await?;
        let mut items = Vec::with_capacity(res.items.len());
        for a in res.items {
            items.push(self.user_view(actor, a, false).await?);
        }
        Ok(Paged {
            items,
            total: res.total,
        })
    }

    pub async fn get_user(
        self,
        actor: &Actor,
        id: AccountId,
        unmask: bool,
    ) -> ServiceResult<UserView> {
        let scope = actor.scope(Permission::UserRead)?;
        let a = self.store().get_account(&scope, id).await?;
        self.user_view(actor, a, unmask).await
    }

    /// The caller's own record (every signed-in account may read itself in full).
    pub async fn me(self, actor: &Actor) -> ServiceResult<UserView> {
        let (a, _) = self.store().get_own_account(actor.account.id).await?;
        self.user_view(actor, a, true).await
    }

    pub async fn list_roles(self, actor: &Actor) -> ServiceResult<Vec<Role>> {
        actor.scope(Permission::RoleRead)?;
        Ok(self.store().list_roles().await?)
    }

    pub async fn create_staff(
        &self,
        actor: &Actor,
        input: &NewStaffInput,
    ) -> ServiceResult<UserView> {
        let scope = actor.scope(Permission::UserWrite)?;
        let username = input.username.trim();
        validate_username(username)?;
        validate_display_name(&input.display_name)?;
        self.check_password_policy(&input.password, username)?;
        let phone = normalise_phone(input.phone.as_deref())?;
        let hash = hash_password(&input.password).await?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let dept = tx
            .get_department(&scope, input.department_id)
            .await
            .map_err(|_| {
                ServiceError::field(
                    "invalid_field",
                    "department_id",
                    "部门不存在或不在您的数据权限范围内",
                )
            })?;
        let id = tx
            .insert_account(&NewAccount {
                username: username.to_owned(),
                display_name: input.display_name.trim().to_owned(),
                kind: AccountKind::Staff,
                password_hash: hash,
                // The administrator chose this password; the person must choose their own.
                must_change_password: true,
                phone_enc: None,
                phone_hmac: self.lookup_opt(phone.as_deref()),
                resident_id_enc: None,
                resident_id_hmac: None,
                uscc: None,
            })
            .await?;
        // Encrypted once the row exists, since the ciphertext is bound to the row's id.
        tx.set_account_pii(
            id,
            self.seal_opt(id, AccountPii::Phone, phone.as_deref()),
            None,
        )
        .await?;
        tx.insert_post(id, dept.id, true, input.title.trim())
            .await?;
        let after = json!({
            "username": username, "display_name": input.display_name.trim(), "kind": "staff",
            "phone": phone.as_deref().map(mask_phone), "department_id": dept.id, "title": input.title.trim(),
        });
        tx.audit(
            "account.create",
            "account",
            &id.to_string(),
            &diff_json(&json!({}), &after, &[]),
        )
        .await?;
        tx.commit().await?;
        self.get_user(actor, id, false).await
    }

    pub async fn update_user(
        &self,
        actor: &Actor,
        id: AccountId,
        input: &UpdateUserInput,
    ) -> ServiceResult<UserView> {
        let scope = actor.scope(Permission::UserWrite)?;
        validate_display_name(&input.display_name)?;
        let Ok(status) = input.status.parse::<AccountStatus>() else {
            return Err(ServiceError::field(
                "invalid_field",
                "status",
                "状态须为 active 或 disabled",
            ));
        };
        let phone = normalise_phone(input.phone.as_deref())?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let current = tx.get_account(&scope, id).await?;
        if status != current.status {
            self.check_admin_guard(actor, id).await?;
        }
        let old_phone = self.unseal_opt(id, AccountPii::Phone, current.phone_enc.as_ref())?;
        tx.update_account_profile(
            id,
            input.display_name.trim(),
            status,
            self.seal_opt(id, AccountPii::Phone, phone.as_deref()),
            self.lookup_opt(phone.as_deref()),
        )
        .await?;
        let before = json!({ "display_name": current.display_name, "status": current.status, "phone": old_phone.as_deref().map(mask_phone) });
        let after = json!({ "display_name": input.display_name.trim(), "status": status, "phone": phone.as_deref().map(mask_phone) });
        tx.audit(
            "account.update",
            "account",
            &id.to_string(),
            &diff_json(&before, &after, &[]),
        )
        .await?;
        tx.commit().await?;
        if input.status == "disabled" {
            self.store()
                .revoke_account_sessions(id, self.now_ms(), None)
                .await?;
        }
        self.get_user(actor, id, false).await
    }

    /// 三员分立 between the administrators: nobody disables, resets or re-posts their own
    /// account through administration, and the system administrator does none of these to
    /// the security or audit administrator (who would otherwise answer to the person they
    /// check).
    async fn check_admin_guard(self, actor: &Actor, target: AccountId) -> ServiceResult<()> {
        if target == actor.account.id {
            return Err(ServiceError::forbidden("account_self_admin"));
        }
        let target_duties = self.store().account_duties(target).await?;
        let mine = self.store().account_duties(actor.account.id).await?;
        let protected = target_duties
            .iter()
            .any(|d| matches!(d, AdminDuty::Security | AdminDuty::Audit));
        if protected && !mine.contains(&AdminDuty::Security) {
            return Err(
                ServiceError::forbidden("admin_account_protected").arg(target_duties[0].label_zh())
            );
        }
        Ok(())
    }

    /// Adds a post in another department (兼职).
    pub async fn add_post(
        &self,
        actor: &Actor,
        id: AccountId,
        department_id: DepartmentId,
        title: &str,
    ) -> ServiceResult<UserView> {
        let scope = actor.scope(Permission::UserWrite)?;
        self.check_admin_guard(actor, id).await?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let account = tx.get_account(&scope, id).await?;
        if account.kind != AccountKind::Staff {
            return Err(ServiceError::forbidden("staff_only"));
        }
        let dept = tx
            .get_department(&scope, department_id)
            .await
            .map_err(|_| {
                ServiceError::field(
                    "invalid_field",
                    "department_id",
                    "部门不存在或不在您的数据权限范围内",
                )
            })?;
        let post_id = tx.insert_post(id, dept.id, false, title.trim()).await?;
        tx.audit(
            "post.create",
            "account",
            &id.to_string(),
            &[FieldChange {
                field: "post".to_owned(),
                before: None,
                after: Some(
                    json!({ "post_id": post_id, "department_id": dept.id, "title": title.trim() }),
                ),
            }],
        )
        .await?;
        tx.commit().await?;
        self.get_user(actor, id, false).await
    }

    pub async fn remove_post(
        &self,
        actor: &Actor,
        id: AccountId,
        post_id: i64,
    ) -> ServiceResult<UserView> {
        let scope = actor.scope(Permission::UserWrite)?;
        self.check_admin_guard(actor, id).await?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.get_account(&scope, id).await?;
        let posts = tx.post_ids_of(id).await?;
        let Some((_, dept)) = posts.iter().find(|(p, _)| *p == post_id) else {
            return Err(ServiceError::not_found("not_found")
                .arg("post")
                .arg(post_id));
        };
        if posts.len() == 1 {
            return Err(ServiceError::conflict("post_last"));
        }
        tx.delete_post(post_id).await?;
        tx.audit(
            "post.delete",
            "account",
            &id.to_string(),
            &[FieldChange {
                field: "post".to_owned(),
                before: Some(json!({ "post_id": post_id, "department_id": dept })),
                after: None,
            }],
        )
        .await?;
        tx.commit().await?;
        self.get_user(actor, id, false).await
    }

    /// Sets the roles of one post. Enforces 三员分立: an account holds at most one of the
    /// system, security and audit administrator duties, and nobody grants one to themselves.
    pub async fn set_post_roles(
        &self,
        actor: &Actor,
        id: AccountId,
        post_id: i64,
        role_codes: &[String],
    ) -> ServiceResult<UserView> {
        let scope = actor.scope(Permission::RoleAssign)?;
        // Nobody grants themselves anything, business roles included (三员分立).
        if id == actor.account.id {
            return Err(ServiceError::forbidden("role_self_grant"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let account = tx.get_account(&scope, id).await?;
        if account.kind != AccountKind::Staff {
            return Err(ServiceError::forbidden("staff_only"));
        }
        let posts = self.store().posts_of(id).await?;
        let Some(post) = posts.iter().find(|p| p.id == post_id) else {
            return Err(ServiceError::not_found("not_found")
                .arg("post")
                .arg(post_id));
        };
        let roles = tx.list_roles().await?;
        let mut chosen: Vec<&Role> = Vec::new();
        for code in role_codes {
            match roles.iter().find(|r| &r.code == code) {
                Some(r) => chosen.push(r),
                None => return Err(ServiceError::invalid("role_unknown").arg(code)),
            }
        }
        // Duties held through this post after the change, plus those of the other posts.
        let mut duties: Vec<AdminDuty> = chosen.iter().filter_map(|r| r.admin_duty).collect();
        for other in posts.iter().filter(|p| p.id != post_id) {
            for code in &other.role_codes {
                if let Some(d) = roles
                    .iter()
                    .find(|r| &r.code == code)
                    .and_then(|r| r.admin_duty)
                {
                    duties.push(d);
                }
            }
        }
        duties.sort();
        duties.dedup();
        if duties.len() > 1 {
            return Err(ServiceError::conflict("admin_duty_conflict")
                .arg(duties[0].label_zh())
                .arg(duties[1].label_zh()));
        }
        // An administrator account is only that: business roles beside a duty would let an
        // administrator act as the office they administer (and unmask what it may see).
        let business = chosen.iter().any(|r| r.admin_duty.is_none())
            || posts
                .iter()
                .filter(|p| p.id != post_id)
                .flat_map(|p| p.role_codes.iter())
                .any(|code| {
                    roles
                        .iter()
                        .any(|r| &r.code == code && r.admin_duty.is_none())
                });
        if !duties.is_empty() && business {
            return Err(ServiceError::conflict("admin_business_role").arg(duties[0].label_zh()));
        }
        let ids: Vec<i64> = chosen.iter().map(|r| r.id).collect();
        tx.set_post_roles(post_id, &ids).await?;
        let after: Vec<&str> = chosen.iter().map(|r| r.code.as_str()).collect();
        tx.audit(
            "post.roles",
            "account",
            &id.to_string(),
            &[FieldChange {
                field: format!("post[{post_id}].roles"),
                before: Some(json!(post.role_codes)),
                after: Some(json!(after)),
            }],
        )
        .await?;
        tx.commit().await?;
        self.get_user(actor, id, false).await
    }

    pub async fn unlock_user(self, actor: &Actor, id: AccountId) -> ServiceResult<UserView> {
        let scope = actor.scope(Permission::UserUnlock)?;
        let now = self.now_ms();
        let mut tx = self.store().write(actor.audit_ctx(now)).await?;
        let account = tx.get_account(&scope, id).await?;
        tx.set_locked_until(id, None).await?;
        tx.audit(
            "account.unlock",
            "account",
            &id.to_string(),
            &[FieldChange {
                field: "locked_until".to_owned(),
                before: account
                    .locked_until_ms
                    .map(|v| json!(crate::clock::rfc3339(v))),
                after: None,
            }],
        )
        .await?;
        tx.commit().await?;
        self.store()
            .insert_login_log(
                now,
                &account.username,
                Some(id),
                &actor.source_addr,
                LoginOutcome::Unlocked,
                &actor.account.username,
            )
            .await?;
        self.get_user(actor, id, false).await
    }

    /// Sets a new initial password the person must change at next login.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        id: AccountId,
        password: &str,
    ) -> ServiceResult<UserView> {
        let scope = actor.scope(Permission::UserWrite)?;
        let current = self.store().get_account(&scope, id).await?;
        // An administrator who set an applicant's password could sign in as them and read
        // their unmasked data: applicants recover their own accounts.
        if current.kind != AccountKind::Staff {
            return Err(ServiceError::forbidden("applicant_reset_self_service"));
        }
        self.check_admin_guard(actor, id).await?;
        self.check_password_policy(password, &current.username)?;
        let hash = hash_password(password).await?;
        let now = self.now_ms();
        let mut tx = self.store().write(actor.audit_ctx(now)).await?;
        tx.get_account(&scope, id).await?;
        tx.set_password(id, &hash, true).await?;
        crate::base::notify::notify(
            &mut tx,
            id,
            "您的登录密码已被管理员重置",
            &format!(
                "管理员 {} 于 {} 重置了您的登录密码；请用管理员告知的初始密码登录并立即修改。如非您本人申请，请联系安全管理员。",
                actor.account.username,
                crate::clock::local_minute(now)
            ),
            "/password",
        )
        .await?;
        tx.audit(
            "account.password_reset",
            "account",
            &id.to_string(),
            &crate::base::auth::password_changed(),
        )
        .await?;
        tx.commit().await?;
        self.store().revoke_account_sessions(id, now, None).await?;
        self.get_user(actor, id, false).await
    }

    /// Public registration of an applicant account: a citizen by resident ID or an
    /// enterprise by USCC, both checked with their check digits.
    ///
    /// A resident ID or USCC that already has an account is answered exactly as a new
    /// registration is (`Ok(None)`), and the account's owner is told through their own
    /// channel: answering "already registered" would tell anyone whether a person or an
    /// enterprise has an account here.
    pub async fn register_applicant(
        &self,
        input: &RegisterInput,
        source_addr: &str,
    ) -> ServiceResult<Option<AccountId>> {
        let username = input.username.trim();
        validate_username(username)?;
        validate_display_name(&input.display_name)?;
        let kind = input.kind.parse::<AccountKind>();
        let (resident, uscc) = match kind {
            Ok(AccountKind::Citizen) => {
                let raw = input.resident_id.as_deref().unwrap_or("");
                let id = ResidentId::parse(raw).map_err(|e| {
                    ServiceError::invalid("resident_id_invalid")
                        .arg(e.message_zh())
                        .details(json!({ "field": "resident_id" }))
                })?;
                (Some(id), None)
            }
            Ok(AccountKind::Enterprise) => {
                let raw = input.uscc.as_deref().unwrap_or("");
                let code = Uscc::parse(raw).map_err(|e| {
                    ServiceError::invalid("uscc_invalid")
                        .arg(e.message_zh())
                        .details(json!({ "field": "uscc" }))
                })?;
                (None, Some(code))
            }
            Ok(AccountKind::Staff) | Err(_) => {
                return Err(ServiceError::field(
                    "invalid_field",
                    "kind",
                    "申请人类型须为 citizen 或 enterprise",
                ))
            }
        };
        self.check_password_policy(&input.password, username)?;
        let phone = normalise_phone(input.phone.as_deref())?;
        let hash = hash_password(&input.password).await?;
        let mut ctx = self.system_ctx(username);
        ctx.source_addr = source_addr.to_owned();
        let system = fgf_store::Scope::system("registration: is this identity registered");
        let holder = match (&resident, &uscc) {
            (Some(r), _) => {
                let hmac = self.pii().lookup_hash(r.as_str());
                self.store()
                    .find_account_by_resident_hmac(&system, &hmac)
                    .await?
            }
            (None, Some(u)) => {
                self.store()
                    .find_account_by_uscc(&system, u.as_str())
                    .await?
            }
            (None, None) => None,
        };
        if let Some(owner) = holder {
            let now = self.now_ms();
            let mut tx = self.store().write(ctx).await?;
            tx.audit(
                "account.register_duplicate",
                "account",
                &owner.id.to_string(),
                &[FieldChange {
                    field: "attempted_username".to_owned(),
                    before: None,
                    after: Some(json!(username)),
                }],
            )
            .await?;
            crate::base::notify::notify(
                &mut tx,
                owner.id,
                "有人尝试用您的证件注册账号",
                &format!(
                    "{} 有人尝试用您账号所登记的证件号码注册新账号（用户名 {username}）。您的账号未受影响；如非您本人操作，请留意账号安全。",
                    crate::clock::local_minute(now)
                ),
                "/me",
            )
            .await?;
            tx.commit().await?;
            return Ok(None);
        }
        let mut tx = self.store().write(ctx).await?;
        let rid = resident.as_ref().map(ResidentId::as_str);
        let id = tx
            .insert_account(&NewAccount {
                username: username.to_owned(),
                display_name: input.display_name.trim().to_owned(),
                kind: if resident.is_some() {
                    AccountKind::Citizen
                } else {
                    AccountKind::Enterprise
                },
                password_hash: hash,
                must_change_password: false,
                phone_enc: None,
                phone_hmac: self.lookup_opt(phone.as_deref()),
                resident_id_enc: None,
                resident_id_hmac: self.lookup_opt(rid),
                uscc: uscc.as_ref().map(|u| u.as_str().to_owned()),
            })
            .await?;
        tx.set_account_pii(
            id,
            self.seal_opt(id, AccountPii::Phone, phone.as_deref()),
            self.seal_opt(id, AccountPii::ResidentId, rid),
        )
        .await?;
        let after = json!({
            "username": username, "kind": input.kind, "display_name": input.display_name.trim(),
            "resident_id": resident.as_ref().map(|r| mask_resident_id(r.as_str())),
            "uscc": uscc.as_ref().map(|u| u.as_str().to_owned()),
            "phone": phone.as_deref().map(mask_phone),
        });
        tx.audit(
            "account.register",
            "account",
            &id.to_string(),
            &diff_json(&json!({}), &after, &[]),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Finds an applicant by resident ID through the keyed hash (exact match, never a scan
    /// of decrypted values).
    pub async fn find_applicant_by_resident_id(
        &self,
        actor: &Actor,
        raw: &str,
    ) -> ServiceResult<Option<UserView>> {
        let scope = actor.scope(Permission::UserRead)?;
        let id = ResidentId::parse(raw)
            .map_err(|e| ServiceError::invalid("resident_id_invalid").arg(e.message_zh()))?;
        let hmac = self.pii().lookup_hash(id.as_str());
        match self
            .store()
            .find_account_by_resident_hmac(&scope, &hmac)
            .await?
        {
            Some(a) => Ok(Some(self.user_view(actor, a, false).await?)),
            None => Ok(None),
        }
    }
}

/// What an applicant who forgot their password proves they are: the username, the
/// identity registered with it, and the registered mobile number.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RecoverInput {
    pub username: String,
    #[serde(default)]
    pub resident_id: Option<String>,
    #[serde(default)]
    pub uscc: Option<String>,
    pub phone: String,
}

/// How long a recovery code lives, and how many tries it allows.
const RECOVERY_MINUTES: i64 = 10;
const RECOVERY_TRIES: i64 = 5;

fn recovery_hash(account_id: AccountId, code: &str) -> String {
    fgf_domain::base::audit::sm3_hex(format!("recovery:{account_id}:{code}").as_bytes())
}

impl UseCases<'_> {
    /// Step one of an applicant's own password recovery (找回密码): when the username, the
    /// registered identity and the registered mobile number all match an applicant account, a
    /// one-time code goes to that account's phone through the notification senders. The
    /// answer is the same whether or not anything matched, and misses count towards the
    /// source address's limit, so the form cannot be used to test identities.
    pub async fn recover_start(
        &self,
        input: &RecoverInput,
        source_addr: &str,
    ) -> ServiceResult<()> {
        let username = input.username.trim();
        self.address_limit(username, source_addr).await?;
        let now = self.now_ms();
        let matched = match self.store().find_account_for_login(username).await? {
            Some((a, _)) if a.kind != AccountKind::Staff && a.status == AccountStatus::Active => {
                let phone = self.unseal_opt(a.id, AccountPii::Phone, a.phone_enc.as_ref())?;
                let rid =
                    self.unseal_opt(a.id, AccountPii::ResidentId, a.resident_id_enc.as_ref())?;
                let given_rid = input
                    .resident_id
                    .as_deref()
                    .and_then(|r| ResidentId::parse(r).ok());
                let given_uscc = input.uscc.as_deref().and_then(|u| Uscc::parse(u).ok());
                let identity = match (&rid, &a.uscc) {
                    (Some(r), _) => given_rid.is_some_and(|g| g.as_str() == r),
                    (None, Some(u)) => given_uscc.is_some_and(|g| g.as_str() == u),
                    (None, None) => false,
                };
                let phone_ok = phone.as_deref() == Some(input.phone.trim());
                (identity && phone_ok).then_some(a)
            }
            _ => None,
        };
        let Some(account) = matched else {
            self.store()
                .insert_login_log(
                    now,
                    username,
                    None,
                    source_addr,
                    LoginOutcome::RecoveryUnmatched,
                    "",
                )
                .await?;
            return Ok(());
        };
        let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
        let mut tx = self
            .store()
            .write(self.own_ctx(&account, source_addr))
            .await?;
        tx.put_recovery_code(
            account.id,
            &recovery_hash(account.id, &code),
            now + RECOVERY_MINUTES * 60_000,
        )
        .await?;
        tx.audit(
            "account.recovery_code",
            "account",
            &account.id.to_string(),
            &[FieldChange {
                field: "recovery_code".to_owned(),
                before: None,
                after: Some(json!("***")),
            }],
        )
        .await?;
        crate::base::notify::notify(
            &mut tx,
            account.id,
            "找回密码验证码",
            &format!(
                "您正在找回放管服平台账号 {} 的密码，验证码 {code}，{RECOVERY_MINUTES} 分钟内有效。如非本人操作，请忽略本消息。",
                account.username
            ),
            "/recover",
        )
        .await?;
        tx.commit().await?;
        self.store()
            .insert_login_log(
                now,
                username,
                Some(account.id),
                source_addr,
                LoginOutcome::RecoverySent,
                "",
            )
            .await?;
        Ok(())
    }

    /// Step two: the code from the phone and a new password. A wrong code counts towards the
    /// lockout like a wrong password; a code works once, for ten minutes and five tries.
    pub async fn recover_confirm(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
        source_addr: &str,
    ) -> ServiceResult<()> {
        let username = username.trim();
        self.address_limit(username, source_addr).await?;
        if let Some(until) = self.pair_lock(username, source_addr).await? {
            return Err(crate::base::auth::locked_error(until));
        }
        let now = self.now_ms();
        let invalid = || ServiceError::invalid("recovery_code_invalid");
        let (account, creds) = match self.store().find_account_for_login(username).await? {
            Some((a, c)) if a.kind != AccountKind::Staff && a.status == AccountStatus::Active => {
                (a, c)
            }
            _ => {
                let e = self
                    .record_failure(username, None, source_addr, LoginOutcome::UnknownUser)
                    .await?;
                return Err(if e.kind == crate::ErrorKind::Locked {
                    e
                } else {
                    invalid()
                });
            }
        };
        let pending = self.store().find_recovery_code(account.id).await?;
        let good = pending.is_some_and(|(hash, expires, tries)| {
            expires > now
                && tries < RECOVERY_TRIES
                && crate::base::auth::constant_time_eq(
                    hash.as_bytes(),
                    recovery_hash(account.id, code.trim()).as_bytes(),
                )
        });
        if !good {
            self.store().bump_recovery_attempts(account.id).await?;
            let e = self
                .record_failure(
                    username,
                    Some(&account),
                    source_addr,
                    LoginOutcome::BadPassword,
                )
                .await?;
            return Err(if e.kind == crate::ErrorKind::Locked {
                e
            } else {
                invalid()
            });
        }
        self.check_password_policy(new_password, &account.username)?;
        self.check_password_reuse(account.id, &creds.password_hash, new_password)
            .await?;
        let hash = hash_password(new_password).await?;
        let mut tx = self
            .store()
            .write(self.own_ctx(&account, source_addr))
            .await?;
        tx.set_password(account.id, &hash, false).await?;
        tx.delete_recovery_code(account.id).await?;
        tx.audit(
            "account.password_recover",
            "account",
            &account.id.to_string(),
            &crate::base::auth::password_changed(),
        )
        .await?;
        crate::base::notify::notify(
            &mut tx,
            account.id,
            "您的登录密码已重置",
            &format!(
                "您于 {} 通过找回密码重置了登录密码，其他已登录的会话均已退出。如非本人操作，请立即再次找回密码并联系政务服务中心。",
                crate::clock::local_minute(now)
            ),
            "/me",
        )
        .await?;
        tx.commit().await?;
        self.store()
            .revoke_account_sessions(account.id, now, None)
            .await?;
        self.store()
            .insert_login_log(
                now,
                username,
                Some(account.id),
                source_addr,
                LoginOutcome::Recovered,
                "",
            )
            .await?;
        Ok(())
    }
}

/// Used by the API to tell which kind of session to open.
pub fn session_kind_for_api() -> SessionKind {
    SessionKind::Bearer
}

//! Authentication (等保 level 3, RULES.md §7.2): argon2id passwords with a complexity rule,
//! lockout after repeated failures, idle expiry, a TOTP second factor required of the three
//! administrator roles, cookie sessions with a CSRF token for pages and bearer tokens for API
//! clients. Every attempt and every session is written to the login log.

use super::UseCases;
use crate::base::users::AccountPii;
use crate::clock;
use crate::config::SecondFactor;
use crate::error::{ErrorKind, ServiceError, ServiceResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use fgf_domain::base::audit::{sm3_hex, FieldChange};
use fgf_domain::base::permission::{AdminDuty, Permission};
use fgf_domain::base::record::{AccountKind, AccountStatus, LoginOutcome};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use fgf_domain::PasswordPolicy;
use fgf_store::base::account::{Account, Credentials};
use fgf_store::base::session::Session;
use fgf_store::{AuditCtx, Grants, Scope};
use hmac::{Hmac, Mac};
use serde_json::json;

pub use fgf_domain::base::record::SessionKind;

/// The signed-in caller of one request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account: Account,
    pub session_id: String,
    pub session_kind: SessionKind,
    pub csrf_token: String,
    /// What the account may do for the department it acts for; `None` for applicants.
    pub grants: Option<Grants>,
    pub department_id: Option<DepartmentId>,
    pub source_addr: String,
    pub needs_totp_enrolment: bool,
    pub expires_at_ms: i64,
}

impl Actor {
    pub fn is_staff(&self) -> bool {
        self.account.kind == AccountKind::Staff
    }

    pub fn is_applicant(&self) -> bool {
        !self.is_staff()
    }

    /// Sessions that must first change the password or enrol a second factor may do
    /// nothing else.
    pub fn restriction(&self) -> Option<ServiceError> {
        if self.account.must_change_password {
            return Some(ServiceError::forbidden("password_change_required"));
        }
        if self.needs_totp_enrolment {
            return Some(ServiceError::forbidden("totp_enrolment_required"));
        }
        None
    }

    pub fn has(&self, permission: Permission) -> bool {
        if self.restriction().is_some() {
            return false;
        }
        if permission == Permission::ApplicantSelf {
            return self.is_applicant();
        }
        // Applicants upload their own materials; a file they store is theirs alone until an
        // application of theirs carries it.
        if permission == Permission::FileUpload && self.is_applicant() {
            return true;
        }
        self.grants.as_ref().is_some_and(|g| g.has(permission))
    }

    /// The data scope for `permission`, or `permission_denied`. This is the only way a use
    /// case obtains a [`Scope`] for the caller.
    pub fn scope(&self, permission: Permission) -> ServiceResult<Scope> {
        if let Some(r) = self.restriction() {
            return Err(r);
        }
        if permission == Permission::FileUpload && self.is_applicant() {
            return Ok(Scope::applicant(self.account.id));
        }
        self.grants
            .as_ref()
            .and_then(|g| g.scope(permission))
            .ok_or_else(|| ServiceError::forbidden("permission_denied").arg(permission.label_zh()))
    }

    /// An applicant's own records (本人): the scope through which a citizen or enterprise reads
    /// and acts on their applications. Staff get `permission_denied`.
    pub fn applicant_scope(&self) -> ServiceResult<Scope> {
        if let Some(r) = self.restriction() {
            return Err(r);
        }
        if !self.is_applicant() {
            return Err(ServiceError::forbidden("permission_denied")
                .arg(Permission::ApplicantSelf.label_zh()));
        }
        Ok(Scope::applicant(self.account.id))
    }

    pub fn audit_ctx(&self, at_ms: i64) -> AuditCtx {
        AuditCtx {
            actor_account_id: Some(self.account.id),
            actor_name: self.account.username.clone(),
            department_id: self.department_id,
            source_addr: self.source_addr.clone(),
            at_ms,
        }
    }
}

/// What a successful login hands back.
#[derive(Debug, Clone)]
pub struct LoginOk {
    /// The secret token (cookie value or bearer token); only its hash is stored.
    pub token: String,
    pub expires_at_ms: i64,
    pub must_change_password: bool,
    pub needs_totp_enrolment: bool,
    /// A staff account (which lands on the workbench), not an applicant.
    pub staff: bool,
}

pub struct LoginRequest<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub totp: Option<&'a str>,
    pub source_addr: &'a str,
    pub kind: SessionKind,
}

pub async fn hash_password(password: &str) -> ServiceResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::internal(format!("argon2: {e}")))
    })
    .await
    .map_err(ServiceError::internal)?
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let password = password.to_owned();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits), the form every authenticator app reads.
pub fn totp_code(secret: &[u8], unix_secs: i64) -> String {
    let counter = u64::try_from(unix_secs.div_euclid(30)).unwrap_or(0);
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = (u32::from(digest[offset] & 0x7f) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    format!("{:06}", bin % 1_000_000)
}

/// Accepts the current code and one step either side, for clock drift.
pub fn totp_verify(secret: &[u8], code: &str, unix_secs: i64) -> bool {
    totp_step(secret, code, unix_secs).is_some()
}

/// The time step whose code `code` is (the current one or one either side), compared in
/// constant time so the comparison does not tell how many digits were right. The caller
/// refuses a step already used ([`fgf_store::Store::claim_totp_step`]).
pub fn totp_step(secret: &[u8], code: &str, unix_secs: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 {
        return None;
    }
    let mut found = None;
    // Every candidate is computed and compared, whether or not an earlier one matched.
    for d in [-30, 0, 30] {
        let at = unix_secs + d;
        if constant_time_eq(totp_code(secret, at).as_bytes(), code.as_bytes()) {
            found = Some(at.div_euclid(30));
        }
    }
    found
}

/// Equality whose time depends on the length only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn totp_secret_base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

pub fn totp_uri(secret: &[u8], username: &str) -> String {
    format!(
        "otpauth://totp/Fangguanfu:{username}?secret={}&issuer=Fangguanfu&digits=6&period=30",
        totp_secret_base32(secret)
    )
}

fn random_token(bytes: usize) -> String {
    let raw: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    hex::encode(raw)
}

impl UseCases<'_> {
    fn password_policy(self) -> PasswordPolicy {
        PasswordPolicy {
            min_len: self.config().security.password_min_len,
            ..PasswordPolicy::default()
        }
    }

    pub fn check_password_policy(self, password: &str, username: &str) -> ServiceResult<()> {
        self.password_policy()
            .check(password, username)
            .map_err(|e| ServiceError::invalid("password_weak").arg(e.message_zh()))
    }

    fn idle_ms(self, account: &Account, kind: SessionKind) -> i64 {
        let s = &self.config().security;
        match kind {
            SessionKind::Bearer => s.bearer_hours * 3_600_000,
            SessionKind::Cookie if account.kind == AccountKind::Staff => {
                s.staff_idle_minutes * 60_000
            }
            SessionKind::Cookie => s.applicant_idle_minutes * 60_000,
        }
    }

    /// Whether `duties` and the account's kind call for a second factor under the district's
    /// `security.second_factor` setting.
    fn needs_second_factor(self, account: &Account, duties: &[AdminDuty]) -> bool {
        match self.config().security.second_factor {
            SecondFactor::Admins => !duties.is_empty(),
            SecondFactor::Staff => !duties.is_empty() || account.kind == AccountKind::Staff,
            SecondFactor::All => true,
        }
    }

    /// The answer to a source address that has failed too often, if it has.
    pub(crate) async fn address_limit(
        &self,
        username: &str,
        source_addr: &str,
    ) -> ServiceResult<()> {
        let policy = &self.config().security;
        let now = self.now_ms();
        let since = now - policy.lockout_window_minutes * 60_000;
        if self.store().count_failures_from(source_addr, since).await? >= policy.address_failures {
            self.store()
                .insert_login_log(
                    now,
                    username,
                    None,
                    source_addr,
                    LoginOutcome::AddressLimited,
                    "",
                )
                .await?;
            return Err(
                ServiceError::new(ErrorKind::TooManyRequests, "too_many_attempts")
                    .arg(policy.lockout_window_minutes),
            );
        }
        Ok(())
    }

    /// The lock on a username for one source address, if one holds now.
    pub(crate) async fn pair_lock(
        &self,
        username: &str,
        source_addr: &str,
    ) -> ServiceResult<Option<i64>> {
        let policy = &self.config().security;
        let now = self.now_ms();
        let span = policy.lockout_minutes * 60_000;
        Ok(self
            .store()
            .pair_locked_at(username, Some(source_addr), now - span)
            .await?
            .map(|at| at + span)
            .filter(|until| *until > now))
    }

    /// Whether failures have locked the username out from some address right now (shown to
    /// the security administrator, who may unlock it).
    pub async fn locked_somewhere(self, username: &str) -> ServiceResult<bool> {
        let now = self.now_ms();
        let span = self.config().security.lockout_minutes * 60_000;
        Ok(self
            .store()
            .pair_locked_at(username, None, now - span)
            .await?
            .is_some())
    }

    /// Signs in. Unknown users and wrong passwords get the same answer, and unknown users
    /// are locked out like real ones, so the login form does not reveal which usernames
    /// exist. Failures lock a username for the address they came from (so nobody locks an
    /// administrator out from elsewhere), too many from one address refuse that address, and
    /// a guess spread over many addresses locks the account itself; none of these ends the
    /// account's live sessions.
    pub async fn login(self, req: LoginRequest<'_>) -> ServiceResult<LoginOk> {
        let store = self.store();
        let now = self.now_ms();
        let username = req.username.trim();
        self.address_limit(username, req.source_addr).await?;
        if let Some(until) = self.pair_lock(username, req.source_addr).await? {
            store
                .insert_login_log(
                    now,
                    username,
                    None,
                    req.source_addr,
                    LoginOutcome::Locked,
                    "",
                )
                .await?;
            return Err(locked_error(until));
        }
        let Some((account, creds)) = store.find_account_for_login(username).await? else {
            // Spend the same time as a real check so timing does not reveal unknown users.
            let _ = verify_password(req.password, DUMMY_HASH).await;
            return Err(self
                .record_failure(username, None, req.source_addr, LoginOutcome::UnknownUser)
                .await?);
        };
        if let Some(until) = account.locked_until_ms.filter(|u| *u > now) {
            store
                .insert_login_log(
                    now,
                    username,
                    Some(account.id),
                    req.source_addr,
                    LoginOutcome::Locked,
                    "",
                )
                .await?;
            return Err(locked_error(until));
        }
        if !verify_password(req.password, &creds.password_hash).await {
            return Err(self
                .record_failure(
                    username,
                    Some(&account),
                    req.source_addr,
                    LoginOutcome::BadPassword,
                )
                .await?);
        }
        // Only someone who knows the password learns that the account is disabled.
        if account.status != AccountStatus::Active {
            store
                .insert_login_log(
                    now,
                    username,
                    Some(account.id),
                    req.source_addr,
                    LoginOutcome::Disabled,
                    "",
                )
                .await?;
            return Err(ServiceError::new(ErrorKind::Forbidden, "account_disabled"));
        }
        let duties = store.account_duties(account.id).await?;
        if account.totp_enabled {
            let Some(secret) = self.totp_secret(account.id, &creds)? else {
                return Err(ServiceError::internal("totp enabled without a secret"));
            };
            let Some(code) = req.totp.map(str::trim).filter(|s| !s.is_empty()) else {
                store
                    .insert_login_log(
                        now,
                        username,
                        Some(account.id),
                        req.source_addr,
                        LoginOutcome::TotpMissing,
                        "",
                    )
                    .await?;
                return Err(ServiceError::new(
                    ErrorKind::Unauthenticated,
                    "totp_required",
                ));
            };
            let fresh = match totp_step(&secret, code, now / 1000) {
                Some(step) => store.claim_totp_step(account.id, step).await?,
                None => false,
            };
            if !fresh {
                // A replayed code is a failure like a wrong one: whoever has it saw it used.
                return Err(self
                    .record_failure(
                        username,
                        Some(&account),
                        req.source_addr,
                        LoginOutcome::BadTotp,
                    )
                    .await?);
            }
        }
        let mut account = account;
        if self.password_expired(&account) {
            let mut tx = store.write(self.own_ctx(&account, req.source_addr)).await?;
            tx.require_password_change(account.id).await?;
            tx.audit(
                "account.password_expired",
                "account",
                &account.id.to_string(),
                &[FieldChange {
                    field: "must_change_password".to_owned(),
                    before: Some(json!(false)),
                    after: Some(json!(true)),
                }],
            )
            .await?;
            tx.commit().await?;
            account.must_change_password = true;
        }
        let department_id = store
            .posts_of(account.id)
            .await?
            .first()
            .map(|p| p.department_id);
        let token = random_token(32);
        let expires_at_ms = now + self.idle_ms(&account, req.kind);
        let needs_totp_enrolment =
            self.needs_second_factor(&account, &duties) && !account.totp_enabled;
        store
            .insert_session(&Session {
                id: sm3_hex(token.as_bytes()),
                account_id: account.id,
                department_id,
                kind: req.kind,
                csrf_token: random_token(16),
                source_addr: req.source_addr.to_owned(),
                totp_verified: account.totp_enabled,
                created_at_ms: now,
                last_seen_at_ms: now,
                expires_at_ms,
                revoked_at_ms: None,
            })
            .await?;
        store
            .insert_login_log(
                now,
                username,
                Some(account.id),
                req.source_addr,
                LoginOutcome::Success,
                req.kind.as_str(),
            )
            .await?;
        Ok(LoginOk {
            token,
            expires_at_ms,
            must_change_password: account.must_change_password,
            needs_totp_enrolment,
            staff: account.kind == AccountKind::Staff,
        })
    }

    /// Whether a staff account's password is older than `security.password_max_age_days`
    /// (等保 level 3, RULES.md §7.2).
    fn password_expired(self, account: &Account) -> bool {
        let days = self.config().security.password_max_age_days;
        days > 0
            && account.kind == AccountKind::Staff
            && !account.must_change_password
            && self.now_ms() - account.password_changed_at_ms > days * 86_400_000
    }

    /// The audit context of an account acting on itself before it has a session.
    pub(crate) fn own_ctx(self, account: &Account, source_addr: &str) -> AuditCtx {
        AuditCtx {
            actor_account_id: Some(account.id),
            actor_name: account.username.clone(),
            department_id: None,
            source_addr: source_addr.to_owned(),
            at_ms: self.now_ms(),
        }
    }

    /// Logs a failed attempt and, when a limit is reached, locks the username for this
    /// address (a `locked` row in the login log) or the account itself (from everywhere).
    /// Returns the error to answer: the same for an unknown user as for a wrong password.
    pub(crate) async fn record_failure(
        &self,
        username: &str,
        account: Option<&Account>,
        source_addr: &str,
        outcome: LoginOutcome,
    ) -> ServiceResult<ServiceError> {
        let store = self.store();
        let policy = &self.config().security;
        let now = self.now_ms();
        let account_id = account.map(|a| a.id);
        store
            .insert_login_log(now, username, account_id, source_addr, outcome, "")
            .await?;
        let since = now - policy.lockout_window_minutes * 60_000;
        if let Some(account) = account {
            let everywhere = store.count_failures_for(username, None, since).await?;
            if everywhere >= policy.account_lock_failures {
                let until = now + policy.lockout_minutes * 60_000;
                let mut tx = store.write(self.own_ctx(account, source_addr)).await?;
                tx.set_locked_until(account.id, Some(until)).await?;
                tx.audit(
                    "account.lock",
                    "account",
                    &account.id.to_string(),
                    &[FieldChange {
                        field: "locked_until".to_owned(),
                        before: account.locked_until_ms.map(|v| json!(clock::rfc3339(v))),
                        after: Some(json!(clock::rfc3339(until))),
                    }],
                )
                .await?;
                tx.commit().await?;
                store
                    .insert_login_log(
                        now,
                        username,
                        account_id,
                        source_addr,
                        LoginOutcome::Locked,
                        &format!("account: {everywhere} failures"),
                    )
                    .await?;
                return Ok(locked_error(until));
            }
        }
        let here = store
            .count_failures_for(username, Some(source_addr), since)
            .await?;
        if here >= policy.lockout_failures {
            store
                .insert_login_log(
                    now,
                    username,
                    account_id,
                    source_addr,
                    LoginOutcome::Locked,
                    &format!("failures: {here}"),
                )
                .await?;
            return Ok(locked_error(now + policy.lockout_minutes * 60_000));
        }
        Ok(if outcome == LoginOutcome::BadTotp {
            ServiceError::new(ErrorKind::Unauthenticated, "totp_invalid")
        } else {
            ServiceError::new(ErrorKind::Unauthenticated, "invalid_credentials")
        })
    }

    /// Resolves a token to the caller, sliding the idle expiry. Expired or revoked sessions
    /// are refused with `session_expired`.
    pub async fn authenticate(self, token: &str, source_addr: &str) -> ServiceResult<Actor> {
        let store = self.store();
        let now = self.now_ms();
        let id = sm3_hex(token.as_bytes());
        let Some(session) = store.find_session(&id).await? else {
            return Err(ServiceError::new(
                ErrorKind::Unauthenticated,
                "unauthenticated",
            ));
        };
        if session.revoked_at_ms.is_some() {
            return Err(ServiceError::new(
                ErrorKind::Unauthenticated,
                "session_expired",
            ));
        }
        let (account, _) = store.get_own_account(session.account_id).await?;
        if session.expires_at_ms <= now {
            store.revoke_session(&id, now).await?;
            store
                .insert_login_log(
                    now,
                    &account.username,
                    Some(account.id),
                    source_addr,
                    LoginOutcome::Expired,
                    session.kind.as_str(),
                )
                .await?;
            return Err(ServiceError::new(
                ErrorKind::Unauthenticated,
                "session_expired",
            ));
        }
        // A lock by failed logins keeps live sessions: failures from elsewhere must not end
        // the owner's work (anyone could otherwise sign an administrator out).
        if account.status != AccountStatus::Active {
            store.revoke_session(&id, now).await?;
            return Err(ServiceError::new(
                ErrorKind::Unauthenticated,
                "session_expired",
            ));
        }
        let kind = session.kind;
        let expires_at_ms = if kind == SessionKind::Cookie {
            now + self.idle_ms(&account, kind)
        } else {
            session.expires_at_ms
        };
        // Only write when the expiry moves noticeably, so reads do not each cost a write.
        if expires_at_ms - session.expires_at_ms > 30_000 {
            store.touch_session(&id, now, expires_at_ms).await?;
        }
        let grants = match (account.kind.as_str(), session.department_id) {
            ("staff", Some(dept)) => store.load_grants(account.id, dept).await?,
            _ => None,
        };
        let duties = store.account_duties(account.id).await?;
        Ok(Actor {
            needs_totp_enrolment: self.needs_second_factor(&account, &duties)
                && !account.totp_enabled,
            account,
            session_id: id,
            session_kind: kind,
            csrf_token: session.csrf_token,
            grants,
            department_id: session.department_id,
            source_addr: source_addr.to_owned(),
            expires_at_ms,
        })
    }

    pub async fn logout(self, actor: &Actor) -> ServiceResult<()> {
        let now = self.now_ms();
        self.store().revoke_session(&actor.session_id, now).await?;
        self.store()
            .insert_login_log(
                now,
                &actor.account.username,
                Some(actor.account.id),
                &actor.source_addr,
                LoginOutcome::Logout,
                "",
            )
            .await?;
        Ok(())
    }

    /// Checks the caller's current password where a signed-in session asks for something a
    /// stolen session must not get (a new password, a new second factor). A wrong one counts
    /// towards the lockout like a wrong login, so a session cannot be used to guess it.
    async fn check_own_password(
        &self,
        actor: &Actor,
        password: &str,
    ) -> ServiceResult<(Account, Credentials)> {
        if let Some(until) = self
            .pair_lock(&actor.account.username, &actor.source_addr)
            .await?
        {
            return Err(locked_error(until));
        }
        let (account, creds) = self.store().get_own_account(actor.account.id).await?;
        if verify_password(password, &creds.password_hash).await {
            return Ok((account, creds));
        }
        let e = self
            .record_failure(
                &account.username,
                Some(&account),
                &actor.source_addr,
                LoginOutcome::BadPassword,
            )
            .await?;
        Err(if e.kind == ErrorKind::Locked {
            e
        } else {
            ServiceError::invalid("password_wrong")
        })
    }

    /// Refuses a password equal to one of the account's last `security.password_history`
    /// passwords (the current one, whose hash the caller has read, included).
    pub(crate) async fn check_password_reuse(
        &self,
        account_id: AccountId,
        current_hash: &str,
        new: &str,
    ) -> ServiceResult<()> {
        let n = self.config().security.password_history;
        let mut hashes = vec![current_hash.to_owned()];
        hashes.extend(self.store().password_history(account_id, n - 1).await?);
        for h in &hashes {
            if verify_password(new, h).await {
                return Err(ServiceError::invalid("password_reused").arg(n));
            }
        }
        Ok(())
    }

    pub async fn change_password(self, actor: &Actor, old: &str, new: &str) -> ServiceResult<()> {
        let (account, creds) = self.check_own_password(actor, old).await?;
        if old == new {
            return Err(ServiceError::invalid("password_same"));
        }
        self.check_password_policy(new, &account.username)?;
        self.check_password_reuse(account.id, &creds.password_hash, new)
            .await?;
        let hash = hash_password(new).await?;
        let now = self.now_ms();
        let mut tx = self.store().write(actor.audit_ctx(now)).await?;
        tx.set_password(account.id, &hash, false).await?;
        tx.audit(
            "account.password_change",
            "account",
            &account.id.to_string(),
            &crate::base::auth::password_changed(),
        )
        .await?;
        tx.commit().await?;
        // Other sessions were opened with the old password; end them.
        self.store()
            .revoke_account_sessions(account.id, now, Some(&actor.session_id))
            .await?;
        Ok(())
    }

    /// Starts TOTP enrolment: stores a fresh secret (not yet enabled) and returns it. The
    /// password is asked again, and where a second factor is already enabled so is its
    /// current code: a stolen session alone must not be able to take the factor over.
    pub async fn totp_start(
        &self,
        actor: &Actor,
        password: &str,
        current_code: &str,
    ) -> ServiceResult<Vec<u8>> {
        let (account, creds) = self.check_own_password(actor, password).await?;
        if account.totp_enabled {
            let Some(secret) = self.totp_secret(account.id, &creds)? else {
                return Err(ServiceError::internal("totp enabled without a secret"));
            };
            let fresh = match totp_step(&secret, current_code, self.now_ms() / 1000) {
                Some(step) => self.store().claim_totp_step(account.id, step).await?,
                None => false,
            };
            if !fresh {
                let e = self
                    .record_failure(
                        &account.username,
                        Some(&account),
                        &actor.source_addr,
                        LoginOutcome::BadTotp,
                    )
                    .await?;
                return Err(if e.kind == ErrorKind::Locked {
                    e
                } else {
                    ServiceError::invalid("totp_invalid")
                });
            }
        }
        let secret: Vec<u8> = (0..20).map(|_| rand::random::<u8>()).collect();
        let enc = self.seal(
            actor.account.id,
            AccountPii::TotpSecret,
            &hex::encode(&secret),
        );
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.set_totp(actor.account.id, Some(enc), false).await?;
        tx.audit(
            "account.totp_start",
            "account",
            &actor.account.id.to_string(),
            &[FieldChange {
                field: "totp_enabled".to_owned(),
                before: Some(json!(account.totp_enabled)),
                after: Some(json!(false)),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The pending (or enabled) TOTP secret of the caller, to show during enrolment.
    pub async fn totp_pending_secret(self, actor: &Actor) -> ServiceResult<Option<Vec<u8>>> {
        let (_, creds) = self.store().get_own_account(actor.account.id).await?;
        self.totp_secret(actor.account.id, &creds)
    }

    /// The account's TOTP secret (pending or enabled), decrypted from its credentials.
    fn totp_secret(
        self,
        account_id: AccountId,
        creds: &Credentials,
    ) -> ServiceResult<Option<Vec<u8>>> {
        creds
            .totp_secret_enc
            .as_ref()
            .map(|enc| {
                let hexs = self.unseal(account_id, AccountPii::TotpSecret, enc)?;
                hex::decode(hexs).map_err(ServiceError::internal)
            })
            .transpose()
    }

    /// Completes enrolment when the code from the authenticator matches.
    pub async fn totp_confirm(self, actor: &Actor, code: &str) -> ServiceResult<()> {
        let Some(secret) = self.totp_pending_secret(actor).await? else {
            return Err(ServiceError::invalid("totp_not_started"));
        };
        let now = self.now_ms();
        let fresh = match totp_step(&secret, code, now / 1000) {
            Some(step) => self.store().claim_totp_step(actor.account.id, step).await?,
            None => false,
        };
        if !fresh {
            return Err(ServiceError::invalid("totp_invalid"));
        }
        let enc = self.seal(
            actor.account.id,
            AccountPii::TotpSecret,
            &hex::encode(&secret),
        );
        let mut tx = self.store().write(actor.audit_ctx(now)).await?;
        tx.set_totp(actor.account.id, Some(enc), true).await?;
        tx.audit(
            "account.totp_enable",
            "account",
            &actor.account.id.to_string(),
            &[FieldChange {
                field: "totp_enabled".to_owned(),
                before: Some(json!(false)),
                after: Some(json!(true)),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A security administrator's reset of someone's second factor (a lost phone): the
    /// secret is removed, the owner enrols again at the next login, their sessions end, and
    /// the reset is audited and notified to them. Nobody resets their own this way.
    pub async fn reset_totp(self, actor: &Actor, id: AccountId) -> ServiceResult<()> {
        let scope = actor.scope(Permission::UserUnlock)?;
        if id == actor.account.id {
            return Err(ServiceError::forbidden("account_self_admin"));
        }
        if !self
            .store()
            .account_duties(actor.account.id)
            .await?
            .contains(&AdminDuty::Security)
        {
            return Err(ServiceError::forbidden("security_admin_only"));
        }
        let now = self.now_ms();
        let mut tx = self.store().write(actor.audit_ctx(now)).await?;
        let target = tx.get_account(&scope, id).await?;
        tx.set_totp(id, None, false).await?;
        tx.audit(
            "account.totp_reset",
            "account",
            &id.to_string(),
            &[FieldChange {
                field: "totp_enabled".to_owned(),
                before: Some(json!(target.totp_enabled)),
                after: Some(json!(false)),
            }],
        )
        .await?;
        crate::base::notify::notify(
            &mut tx,
            id,
            "您的动态口令（第二因素）已被重置",
            &format!(
                "安全管理员 {} 于 {} 重置了您的动态口令；下次登录时请重新绑定。如非您本人申请，请立即联系审计管理员。",
                actor.account.username,
                clock::local_minute(now)
            ),
            "/totp",
        )
        .await?;
        tx.commit().await?;
        self.store().revoke_account_sessions(id, now, None).await?;
        Ok(())
    }

    /// Chooses the department a 兼职 staff member acts for; what they do afterwards is
    /// recorded under it.
    pub async fn switch_department(
        self,
        actor: &Actor,
        department_id: DepartmentId,
    ) -> ServiceResult<()> {
        if !actor.is_staff() {
            return Err(ServiceError::forbidden("staff_only"));
        }
        if self
            .store()
            .load_grants(actor.account.id, department_id)
            .await?
            .is_none()
        {
            return Err(ServiceError::forbidden("no_post_in_department"));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.audit(
            "session.switch_department",
            "account",
            &actor.account.id.to_string(),
            &[FieldChange {
                field: "department_id".to_owned(),
                before: actor.department_id.map(|d| json!(d)),
                after: Some(json!(department_id)),
            }],
        )
        .await?;
        tx.commit().await?;
        self.store()
            .update_session_state(
                &actor.session_id,
                Some(department_id),
                !actor.needs_totp_enrolment,
            )
            .await?;
        Ok(())
    }

    /// Whether the account's roles carry an administrator duty (and so need TOTP).
    pub async fn admin_duties(self, account_id: AccountId) -> ServiceResult<Vec<AdminDuty>> {
        Ok(self.store().account_duties(account_id).await?)
    }
}

pub(crate) fn locked_error(until_ms: i64) -> ServiceError {
    ServiceError::new(ErrorKind::Locked, "account_locked")
        .arg(clock::local_minute(until_ms))
        .details(json!({ "locked_until": clock::rfc3339(until_ms) }))
}

/// The audit diff of a password change: that it changed, never what to.
pub(crate) fn password_changed() -> [FieldChange; 1] {
    [FieldChange {
        field: "password".to_owned(),
        before: Some(json!("***")),
        after: Some(json!("***")),
    }]
}

/// A valid argon2id hash of a random string, verified against when the user is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3J1VqhqLrLwU9zvAjv4Y0xXr3TqXbSxBgl1ne7G8yS8";

/// The current code for a base32 secret as `fgf demo` prints it (for tests and tooling).
pub fn totp_code_base32(secret: &str, unix_secs: i64) -> Option<String> {
    data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .ok()
        .map(|s| totp_code(&s, unix_secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        // RFC 6238 Appendix B, SHA-1 seed "12345678901234567890"; 8-digit values truncated to 6.
        let seed = b"12345678901234567890";
        assert_eq!(totp_code(seed, 59), "287082");
        assert_eq!(totp_code(seed, 1_111_111_109), "081804");
        assert_eq!(totp_code(seed, 1_234_567_890), "005924");
        assert_eq!(totp_code(seed, 2_000_000_000), "279037");
    }

    #[test]
    fn totp_accepts_one_step_of_drift_and_no_more() {
        let seed = b"12345678901234567890";
        let code = totp_code(seed, 1_000_000_000);
        assert!(totp_verify(seed, &code, 1_000_000_000 + 30));
        assert!(!totp_verify(seed, &code, 1_000_000_000 + 90));
        assert!(!totp_verify(seed, "12345", 1_000_000_000));
    }
}

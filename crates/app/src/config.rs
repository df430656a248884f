//! Configuration: one typed struct. Precedence is defaults < file < environment < command
//! line; the binary applies the last two. Secrets are masked when the config is printed.

use serde::Deserialize;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite file, uploads and the generated key live.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; empty for SQLite in `data_dir`.
    pub db: String,
    /// When SQLite acknowledges a commit: `full` (default) once it is on the disk, `normal`
    /// before the sync, at the risk of losing the last commits to a power cut.
    pub sqlite_synchronous: fgf_store::SqliteSync,
    pub addr: String,
    /// Key material for personal-data encryption (SM4) and lookup hashes (SM3-HMAC): 96 hex
    /// characters, or any secret string (keys are derived from it). Never stored in the
    /// database. When empty, a random key is generated once into `data_dir/pii.key`.
    pub pii_key: String,
    pub security: SecurityPolicy,
    /// Whether 调休 make-up working days count as working days (RULES.md §1.3, open point).
    pub makeup_days_count: bool,
    /// When the last day of a working-day deadline ends, `HH:MM` in +08:00: `24:00` (the
    /// default, 民法典第二百零三条 截止时间为二十四时) or the time the district's windows close
    /// (有业务时间的，以停止业务活动的时间为截止), e.g. `17:30`.
    pub business_day_end: fgf_domain::BusinessDayEnd,
    /// Largest upload accepted, in megabytes.
    pub max_upload_mb: u64,
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` is believed. Empty
    /// by default: the peer's own address is recorded, and a forwarded header from anyone is
    /// ignored, because any client can write one.
    pub trusted_proxies: Vec<String>,
    /// The address the district is reached at, e.g. `https://zwfw.example.gov.cn`; empty when
    /// unknown. When it is `https://…`, every cookie the server sets is marked `Secure`, so a
    /// session never travels over plain HTTP (the TLS terminator in front speaks HTTPS).
    pub public_url: String,
    pub metrics: MetricsAccess,
    /// Where notifications go besides the site's inbox: SMS, email, a webhook.
    pub notify: NotifyConfig,
}

/// The notification senders (`base::senders`); each is on when its address is set. Outbound
/// connections speak plain HTTP and SMTP to the district's own gateways and relay inside the
/// government network (政务外网); reaching a service on the internet over TLS goes through
/// the district's egress proxy, as every other outbound connection there does.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// `http://host:port/path` the SMS gateway (短信平台) takes `{id, phone, text}` at.
    pub sms_url: String,
    /// Signs each SMS request (HMAC-SM3 in `X-Fgf-Signature`), so the gateway knows it is us.
    pub sms_secret: String,
    /// The SMS signature put before each text, e.g. `【示范区政务服务】`.
    pub sms_sign: String,
    /// `host:port` of the SMTP relay that takes staff mail (no authentication, inside the
    /// network).
    pub smtp_relay: String,
    /// The sender address of mail, e.g. `noreply@zwfw.example.gov.cn`.
    pub smtp_from: String,
    /// The domain of staff mailboxes: a staff account `name` receives at `name@domain`
    /// (政务邮箱). Applicants are reached by SMS instead.
    pub email_domain: String,
    /// `http://…` that receives every notification as JSON (a 政务微信/钉钉 bridge, a
    /// provincial message centre).
    pub webhook_url: String,
    pub webhook_secret: String,
}

/// Who may read `/metrics` (sessions, error counts, the version): it is for the monitoring
/// system, not the public. Anyone else gets a 404, as if it did not exist.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsAccess {
    /// Peer addresses admitted: CIDR ranges (`10.0.0.0/8`) or single addresses. The peer is
    /// the connection's address, never a forwarded header.
    pub allow: Vec<String>,
    /// When not empty, `Authorization: Bearer <token>` admits from anywhere as well.
    pub token: String,
}

impl Default for MetricsAccess {
    fn default() -> Self {
        MetricsAccess {
            allow: vec!["127.0.0.1/32".to_owned(), "::1/128".to_owned()],
            token: String::new(),
        }
    }
}

impl MetricsAccess {
    /// Whether a peer address lies in one of the allowed ranges (unparsable entries were
    /// refused by [`Config::validate`], so they admit nobody here).
    pub fn allows(&self, peer: IpAddr) -> bool {
        self.allow
            .iter()
            .filter_map(|a| IpBlock::parse(a))
            .any(|r| r.contains(peer))
    }
}

/// An address or a CIDR block (`10.0.0.0/8`, `fd00::/8`), as `trusted_proxies` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    // Invariant: `prefix` is at most the address's bit length.
    addr: IpAddr,
    prefix: u8,
}

impl IpBlock {
    pub fn parse(s: &str) -> Option<IpBlock> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (s.trim().parse::<IpAddr>().ok()?, None),
        };
        let addr = addr.to_canonical();
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        (prefix <= bits).then_some(IpBlock { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // Compare as 128-bit numbers with the block's prefix; a mapped IPv4 peer
        // (`::ffff:10.0.0.1`) counts as its IPv4 address.
        let (a, b, bits) = match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                (u128::from(u32::from(a)), u128::from(u32::from(b)), 32)
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
            _ => return false,
        };
        let shift = bits - u32::from(self.prefix);
        shift >= bits || (a >> shift) == (b >> shift)
    }
}

/// 等保 level-3 login controls (RULES.md §7.2); the standard gives no numbers, these are the
/// common assessment thresholds and all are configurable.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityPolicy {
    pub lockout_failures: i64,
    pub lockout_window_minutes: i64,
    pub lockout_minutes: i64,
    pub staff_idle_minutes: i64,
    pub applicant_idle_minutes: i64,
    pub bearer_hours: i64,
    pub password_min_len: usize,
    /// Failed logins from one source address, for any usernames, within the lockout window
    /// after which that address is refused for the rest of the window (429).
    pub address_failures: i64,
    /// Failed logins for one account from all addresses within the window after which the
    /// account itself is locked (a guess spread over many addresses). `lockout_failures`
    /// locks the account for the address the failures came from only, so that nobody can
    /// lock someone else out from afar with five wrong passwords.
    pub account_lock_failures: i64,
    /// Days after which a staff password must be changed at the next login (0: never).
    pub password_max_age_days: i64,
    /// How many of the last passwords a new one may not repeat (the current one included).
    pub password_history: i64,
    /// Which accounts must sign in with a second factor (TOTP).
    pub second_factor: SecondFactor,
    /// Most rows kept of refused attempts (403s, CSRF failures, out-of-scope 404s); the
    /// oldest go first, so a flood of refusals cannot fill the disk.
    pub refusal_max_rows: i64,
}

/// Who needs a second factor: the three administrators (default), every staff account (what a
/// 等保 level-3 deployment sets), or every account, applicants included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecondFactor {
    Admins,
    Staff,
    All,
}

impl std::str::FromStr for SecondFactor {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<SecondFactor> {
        match s {
            "admins" => Ok(SecondFactor::Admins),
            "staff" => Ok(SecondFactor::Staff),
            "all" => Ok(SecondFactor::All),
            other => anyhow::bail!("second_factor must be admins, staff or all, got {other:?}"),
        }
    }
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        SecurityPolicy {
            lockout_failures: 5,
            lockout_window_minutes: 15,
            lockout_minutes: 15,
            staff_idle_minutes: 30,
            applicant_idle_minutes: 30,
            bearer_hours: 8,
            password_min_len: 8,
            address_failures: 20,
            account_lock_failures: 50,
            password_max_age_days: 90,
            password_history: 5,
            second_factor: SecondFactor::Admins,
            refusal_max_rows: 100_000,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./fgf-data"),
            db: String::new(),
            sqlite_synchronous: fgf_store::SqliteSync::Full,
            addr: "127.0.0.1:8080".to_owned(),
            pii_key: String::new(),
            security: SecurityPolicy::default(),
            makeup_days_count: true,
            business_day_end: fgf_domain::BusinessDayEnd::MIDNIGHT,
            max_upload_mb: 20,
            trusted_proxies: Vec::new(),
            public_url: String::new(),
            metrics: MetricsAccess::default(),
            notify: NotifyConfig::default(),
        }
    }
}

impl NotifyConfig {
    /// Which senders are on, with their addresses; secrets never appear.
    pub fn summary(&self) -> String {
        let mut on = vec!["log".to_owned()];
        if !self.sms_url.is_empty() {
            on.push(format!("sms({})", self.sms_url));
        }
        if !self.smtp_relay.is_empty() {
            on.push(format!(
                "email({}→*@{})",
                self.smtp_relay, self.email_domain
            ));
        }
        if !self.webhook_url.is_empty() {
            on.push(format!("webhook({})", self.webhook_url));
        }
        on.join(",")
    }
}

impl Config {
    /// Whether the district is served over HTTPS, so cookies must carry `Secure`.
    pub fn https(&self) -> bool {
        self.public_url
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    }

    /// Reads `path` (TOML) over the defaults.
    pub fn from_file(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("bad config {}: {e}", path.display()))
    }

    /// Applies `FGF_*` environment variables.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        if let Some(v) = get("FGF_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("FGF_DB") {
            self.db = v;
        }
        if let Some(v) = get("FGF_SQLITE_SYNCHRONOUS") {
            self.sqlite_synchronous = fgf_store::SqliteSync::parse(&v).ok_or_else(|| {
                anyhow::anyhow!("FGF_SQLITE_SYNCHRONOUS must be full or normal, got {v:?}")
            })?;
        }
        if let Some(v) = get("FGF_ADDR") {
            self.addr = v;
        }
        if let Some(v) = get("FGF_PII_KEY") {
            self.pii_key = v;
        }
        if let Some(v) = get("FGF_TRUSTED_PROXIES") {
            self.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        }
        if let Some(v) = get("FGF_PUBLIC_URL") {
            self.public_url = v;
        }
        if let Some(v) = get("FGF_METRICS_ALLOW") {
            self.metrics.allow = v
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect();
        }
        if let Some(v) = get("FGF_METRICS_TOKEN") {
            self.metrics.token = v;
        }
        let n = &mut self.notify;
        for (key, slot) in [
            ("FGF_SMS_URL", &mut n.sms_url),
            ("FGF_SMS_SECRET", &mut n.sms_secret),
            ("FGF_SMS_SIGN", &mut n.sms_sign),
            ("FGF_SMTP_RELAY", &mut n.smtp_relay),
            ("FGF_SMTP_FROM", &mut n.smtp_from),
            ("FGF_EMAIL_DOMAIN", &mut n.email_domain),
            ("FGF_WEBHOOK_URL", &mut n.webhook_url),
            ("FGF_WEBHOOK_SECRET", &mut n.webhook_secret),
        ] {
            if let Some(v) = get(key) {
                *slot = v;
            }
        }
        if let Some(v) = get("FGF_BUSINESS_DAY_END") {
            self.business_day_end = v
                .parse()
                .map_err(|e| anyhow::anyhow!("FGF_BUSINESS_DAY_END: {e}"))?;
        }
        let num = |name: &str, target: &mut i64| -> anyhow::Result<()> {
            if let Some(v) = get(name) {
                *target = v
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{name} must be a whole number, got {v:?}"))?;
            }
            Ok(())
        };
        num("FGF_LOCKOUT_FAILURES", &mut self.security.lockout_failures)?;
        num(
            "FGF_LOCKOUT_WINDOW_MINUTES",
            &mut self.security.lockout_window_minutes,
        )?;
        num("FGF_LOCKOUT_MINUTES", &mut self.security.lockout_minutes)?;
        num(
            "FGF_STAFF_IDLE_MINUTES",
            &mut self.security.staff_idle_minutes,
        )?;
        num(
            "FGF_APPLICANT_IDLE_MINUTES",
            &mut self.security.applicant_idle_minutes,
        )?;
        num("FGF_ADDRESS_FAILURES", &mut self.security.address_failures)?;
        num(
            "FGF_PASSWORD_MAX_AGE_DAYS",
            &mut self.security.password_max_age_days,
        )?;
        if let Some(v) = get("FGF_SECOND_FACTOR") {
            self.security.second_factor = v.parse()?;
        }
        num("FGF_REFUSAL_MAX_ROWS", &mut self.security.refusal_max_rows)?;
        Ok(())
    }

    /// Fails fast on values that cannot work.
    pub fn validate(&self) -> anyhow::Result<()> {
        let s = &self.security;
        anyhow::ensure!(
            s.lockout_failures >= 1,
            "security.lockout_failures must be at least 1"
        );
        anyhow::ensure!(
            s.lockout_window_minutes >= 1,
            "security.lockout_window_minutes must be at least 1"
        );
        anyhow::ensure!(
            s.lockout_minutes >= 1,
            "security.lockout_minutes must be at least 1"
        );
        anyhow::ensure!(
            s.staff_idle_minutes >= 1,
            "security.staff_idle_minutes must be at least 1"
        );
        anyhow::ensure!(
            s.address_failures >= s.lockout_failures,
            "security.address_failures must be at least security.lockout_failures"
        );
        anyhow::ensure!(
            s.account_lock_failures >= s.lockout_failures,
            "security.account_lock_failures must be at least security.lockout_failures"
        );
        anyhow::ensure!(
            s.password_max_age_days >= 0,
            "security.password_max_age_days must be 0 (never) or more"
        );
        anyhow::ensure!(
            (1..=24).contains(&s.password_history),
            "security.password_history must be 1 to 24"
        );
        anyhow::ensure!(
            s.password_min_len >= 8,
            "security.password_min_len must be at least 8 (等保)"
        );
        anyhow::ensure!(
            s.refusal_max_rows >= 1000,
            "security.refusal_max_rows must be at least 1000"
        );
        for p in &self.trusted_proxies {
            anyhow::ensure!(
                IpBlock::parse(p).is_some(),
                "trusted_proxies: {p:?} is not an address or a CIDR block (10.0.0.0/8)"
            );
        }
        if !self.db.is_empty()
            && !self.db.starts_with("postgres://")
            && !self.db.starts_with("postgresql://")
            && !self.db.starts_with("sqlite:")
        {
            anyhow::bail!("db must be a postgres:// or sqlite:// url");
        }
        let url = self.public_url.to_ascii_lowercase();
        if !url.is_empty() && !url.starts_with("https://") && !url.starts_with("http://") {
            anyhow::bail!(
                "public_url must start with https:// or http://, got {:?}",
                self.public_url
            );
        }
        for a in &self.metrics.allow {
            IpBlock::parse(a).ok_or_else(|| {
                anyhow::anyhow!("metrics.allow: {a:?} is not an address or a CIDR block")
            })?;
        }
        let n = &self.notify;
        for (key, url) in [
            ("notify.sms_url", &n.sms_url),
            ("notify.webhook_url", &n.webhook_url),
        ] {
            if !url.is_empty() {
                crate::base::senders::HttpTarget::parse(url)
                    .map_err(|e| anyhow::anyhow!("{key}: {e}"))?;
            }
        }
        if !n.smtp_relay.is_empty() {
            anyhow::ensure!(
                n.smtp_relay
                    .rsplit_once(':')
                    .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok()),
                "notify.smtp_relay must be host:port, got {:?}",
                n.smtp_relay
            );
            anyhow::ensure!(
                n.smtp_from.contains('@') && !n.email_domain.is_empty(),
                "notify.smtp_relay needs notify.smtp_from (an address) and notify.email_domain"
            );
        }
        Ok(())
    }

    /// The parsed `trusted_proxies` (entries that do not parse were refused by `validate`).
    pub fn trusted_proxy_blocks(&self) -> Vec<IpBlock> {
        self.trusted_proxies
            .iter()
            .filter_map(|p| IpBlock::parse(p))
            .collect()
    }

    /// A printable summary with secrets masked.
    pub fn summary(&self) -> String {
        format!(
            "data_dir={} db={} addr={} pii_key={} lockout={}x/{}min idle={}min public_url={} metrics.allow={} metrics.token={} notify={}",
            self.data_dir.display(),
            if self.db.is_empty() {
                "sqlite (data_dir/fgf.db)".to_owned()
            } else {
                fgf_store::redact_url(&self.db)
            },
            self.addr,
            if self.pii_key.is_empty() {
                "(data_dir/pii.key)"
            } else {
                "***"
            },
            self.security.lockout_failures,
            self.security.lockout_window_minutes,
            self.security.staff_idle_minutes,
            if self.public_url.is_empty() {
                "(unset)"
            } else {
                &self.public_url
            },
            self.metrics.allow.join(","),
            if self.metrics.token.is_empty() {
                "(none)"
            } else {
                "***"
            },
            self.notify.summary(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_and_bad_numbers_are_named() {
        let mut c = Config::default();
        c.apply_env(|k| (k == "FGF_LOCKOUT_FAILURES").then(|| "3".to_owned()))
            .unwrap();
        assert_eq!(c.security.lockout_failures, 3);
        let err = c
            .apply_env(|k| (k == "FGF_STAFF_IDLE_MINUTES").then(|| "ten".to_owned()))
            .unwrap_err();
        assert!(err.to_string().contains("FGF_STAFF_IDLE_MINUTES"));
    }

    #[test]
    fn sqlite_commits_are_durable_by_default_and_normal_is_a_choice() {
        let c = Config::default();
        assert_eq!(c.sqlite_synchronous, fgf_store::SqliteSync::Full);
        let from_file: Config = toml::from_str("sqlite_synchronous = \"normal\"").unwrap();
        assert_eq!(from_file.sqlite_synchronous, fgf_store::SqliteSync::Normal);
        assert!(toml::from_str::<Config>("sqlite_synchronous = \"off\"").is_err());
        let mut c = Config::default();
        c.apply_env(|k| (k == "FGF_SQLITE_SYNCHRONOUS").then(|| "NORMAL".to_owned()))
            .unwrap();
        assert_eq!(c.sqlite_synchronous, fgf_store::SqliteSync::Normal);
        let err = c
            .apply_env(|k| (k == "FGF_SQLITE_SYNCHRONOUS").then(|| "off".to_owned()))
            .unwrap_err();
        assert!(err.to_string().contains("FGF_SQLITE_SYNCHRONOUS"), "{err}");
    }

    #[test]
    fn trusted_proxies_come_from_the_environment_and_match_their_blocks() {
        let mut c = Config::default();
        assert!(
            c.trusted_proxies.is_empty(),
            "no proxy is trusted by default"
        );
        c.apply_env(|k| {
            (k == "FGF_TRUSTED_PROXIES").then(|| "10.0.0.0/8, 192.168.1.7,fd00::/8".to_owned())
        })
        .unwrap();
        c.validate().unwrap();
        let blocks = c.trusted_proxy_blocks();
        let has = |ip: &str| blocks.iter().any(|b| b.contains(ip.parse().unwrap()));
        assert!(has("10.9.8.7") && has("192.168.1.7") && has("fd00::1") && has("::ffff:10.1.1.1"));
        assert!(!has("11.0.0.1") && !has("192.168.1.8") && !has("fe80::1"));
        c.trusted_proxies = vec!["10.0.0.0/33".to_owned()];
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("trusted_proxies"));
    }

    #[test]
    fn minfadian_203_business_day_end_defaults_to_24_00_and_is_read_from_file_and_environment() {
        assert_eq!(
            Config::default().business_day_end,
            fgf_domain::BusinessDayEnd::MIDNIGHT
        );
        let c: Config = toml::from_str("business_day_end = \"17:30\"").unwrap();
        assert_eq!(c.business_day_end.to_string(), "17:30");
        let err = toml::from_str::<Config>("business_day_end = \"5 pm\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("5 pm"), "{err}");
        let mut c = Config::default();
        c.apply_env(|k| (k == "FGF_BUSINESS_DAY_END").then(|| "17:00".to_owned()))
            .unwrap();
        assert_eq!(c.business_day_end.minutes(), 17 * 60);
        let err = c
            .apply_env(|k| (k == "FGF_BUSINESS_DAY_END").then(|| "00:00".to_owned()))
            .unwrap_err();
        assert!(err.to_string().contains("FGF_BUSINESS_DAY_END"), "{err}");
    }

    #[test]
    fn secrets_are_masked_in_the_summary() {
        let c = Config {
            db: "postgres://u:secret@h/db".to_owned(),
            pii_key: "topsecret".to_owned(),
            metrics: MetricsAccess {
                token: "metricsecret".to_owned(),
                ..MetricsAccess::default()
            },
            ..Config::default()
        };
        let s = c.summary();
        assert!(
            !s.contains("secret@") && !s.contains("topsecret") && !s.contains("metricsecret"),
            "{s}"
        );
    }

    #[test]
    fn finding_14_metrics_ranges_parse_match_and_bad_ones_are_refused() {
        let m = MetricsAccess::default();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(m.allows(ip("127.0.0.1")) && m.allows(ip("::1")));
        assert!(
            m.allows(ip("::ffff:127.0.0.1")),
            "IPv4 on a dual-stack listener"
        );
        assert!(!m.allows(ip("127.0.0.2")) && !m.allows(ip("10.0.0.1")));
        let m = MetricsAccess {
            allow: vec![
                "10.20.0.0/16".to_owned(),
                "fd00::/8".to_owned(),
                "192.0.2.7".to_owned(),
            ],
            token: String::new(),
        };
        assert!(m.allows(ip("10.20.255.1")) && !m.allows(ip("10.21.0.1")));
        assert!(m.allows(ip("fd12::1")) && !m.allows(ip("fe80::1")));
        assert!(m.allows(ip("192.0.2.7")) && !m.allows(ip("192.0.2.8")));
        assert!(IpBlock::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "localhost", "10.0.0/8", "::1/129", ""] {
            let c = Config {
                metrics: MetricsAccess {
                    allow: vec![bad.to_owned()],
                    token: String::new(),
                },
                ..Config::default()
            };
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains("metrics.allow"), "{bad}: {e}");
        }
    }

    #[test]
    fn finding_7_public_url_decides_secure_cookies_and_is_checked() {
        assert!(!Config::default().https());
        let c = |u: &str| Config {
            public_url: u.to_owned(),
            ..Config::default()
        };
        assert!(c("https://zwfw.example.gov.cn").https() && c("HTTPS://x").https());
        assert!(!c("http://zwfw.example.gov.cn").https());
        assert!(c("https://zwfw.example.gov.cn").validate().is_ok());
        assert!(c("zwfw.example.gov.cn").validate().is_err());
        let mut env = Config::default();
        env.apply_env(|k| match k {
            "FGF_PUBLIC_URL" => Some("https://a.example".to_owned()),
            "FGF_METRICS_ALLOW" => Some("10.0.0.0/8, ::1".to_owned()),
            _ => None,
        })
        .unwrap();
        assert!(env.https());
        assert_eq!(env.metrics.allow, vec!["10.0.0.0/8", "::1"]);
    }
}

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
    pub addr: String,
    /// Key material for personal-data encryption (SM4) and lookup hashes (SM3-HMAC): 96 hex
    /// characters, or any secret string (keys are derived from it). Never stored in the
    /// database. When empty, a random key is generated once into `data_dir/pii.key`.
    pub pii_key: String,
    pub security: SecurityPolicy,
    /// Whether 调休 make-up working days count as working days (RULES.md §1.3, open point).
    pub makeup_days_count: bool,
    /// Largest upload accepted, in megabytes.
    pub max_upload_mb: u64,
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` is believed. Empty
    /// by default: the peer's own address is recorded, and a forwarded header from anyone is
    /// ignored, because any client can write one.
    pub trusted_proxies: Vec<String>,
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
            addr: "127.0.0.1:8080".to_owned(),
            pii_key: String::new(),
            security: SecurityPolicy::default(),
            makeup_days_count: true,
            max_upload_mb: 20,
            trusted_proxies: Vec::new(),
        }
    }
}

impl Config {
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
            "data_dir={} db={} addr={} pii_key={} lockout={}x/{}min idle={}min",
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
    fn secrets_are_masked_in_the_summary() {
        let c = Config {
            db: "postgres://u:secret@h/db".to_owned(),
            pii_key: "topsecret".to_owned(),
            ..Config::default()
        };
        let s = c.summary();
        assert!(!s.contains("secret@") && !s.contains("topsecret"), "{s}");
    }
}

//! Use cases of Fangguanfu, shared by the web server and the CLI.
//!
//! Handlers parse and authorise, then call one function here; each function that changes
//! state opens one [`fgf_store::WriteTx`], applies the domain rules, writes the change with
//! its audit entry (and outbox message, if any) and commits. Nothing here knows HTTP.

pub mod application;
pub mod base;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod error;
pub mod i18n;
pub mod jobs;
mod ops;
pub mod parts;
pub mod process;
pub mod reform;
pub mod text;

pub use base::auth::Actor;
pub use clock::{Clock, SystemClock, TestClock};
pub use config::Config;
pub use error::{ErrorKind, ServiceError, ServiceResult};
pub use i18n::Lang;

use fgf_domain::{Calendar, CalendarConfig, PiiKey, YearSchedule};
use fgf_store::{AuditCtx, Store};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// Everything a use case needs. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    config: Config,
    clock: Arc<dyn Clock>,
    pii: PiiKey,
    /// The district's SM2 key for electronic licences, derived from the personal-data key so
    /// every node configured alike signs alike and no second secret needs keeping.
    seal: fgf_domain::application::LicenceSeal,
    // Rebuilt from the shipped years plus the stored ones whenever an administrator edits a
    // year, so a new State Council notice applies without a restart.
    calendar: RwLock<Arc<Calendar>>,
    files_root: PathBuf,
    senders: Vec<Arc<dyn base::notify::NotificationSender>>,
    log_sender: Arc<base::notify::LogSender>,
    jobs: jobs::JobRegistry,
    node_id: String,
    processes: process::RegistryCache,
    instances: process::InstanceCache,
    starts: process::StartCache,
    catalog_index: std::sync::OnceLock<catalog::search::CatalogIndex>,
    portal_entries: catalog::entries::EntryCache,
    /// Set only for the demo district (`fgf demo`), whose clock may be moved forward.
    demo_clock: Option<Arc<clock::DemoClock>>,
}

impl App {
    /// Opens the configured store, applies migrations and loads the calendar.
    pub async fn open(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        config.validate()?;
        let store = if config.db.is_empty() {
            Store::open_sqlite_dir_with(&config.data_dir, config.sqlite_synchronous).await?
        } else {
            Store::open(&config.db).await?
        };
        store.migrate().await?;
        let pii = load_pii_key(&config)?;
        App::with_store(store, config, clock, pii).await
    }

    /// Opens the demo district's application, whose clock may be moved forward by days.
    pub async fn open_demo(config: Config) -> anyhow::Result<App> {
        let clock = Arc::new(clock::DemoClock::default());
        let mut app = App::open(config, Arc::clone(&clock) as Arc<dyn Clock>).await?;
        match Arc::get_mut(&mut app.inner) {
            Some(inner) => inner.demo_clock = Some(clock),
            None => anyhow::bail!("the application is shared before it is built"),
        }
        Ok(app)
    }

    /// Days the demo clock has been moved forward; `None` outside the demo district.
    pub fn demo_clock_offset(&self) -> Option<i64> {
        self.inner.demo_clock.as_ref().map(|c| c.offset_days())
    }

    /// Moves the demo district's clock forward (an audited change); refused elsewhere.
    pub async fn advance_demo_clock(
        &self,
        actor: &Actor,
        days: i64,
    ) -> error::ServiceResult<chrono::NaiveDate> {
        actor.scope(fgf_domain::base::permission::Permission::ReformManage)?;
        let Some(clock) = &self.inner.demo_clock else {
            return Err(error::ServiceError::not_found("demo_only"));
        };
        if !(1..=366).contains(&days) {
            return Err(error::ServiceError::field(
                "invalid_field",
                "days",
                "前进天数应为 1 至 366",
            ));
        }
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.audit(
            "demo.clock_advance",
            "clock",
            "demo",
            &[fgf_domain::FieldChange {
                field: "offset_days".to_owned(),
                before: Some(serde_json::json!(clock.offset_days())),
                after: Some(serde_json::json!(clock.offset_days() + days)),
            }],
        )
        .await?;
        tx.commit().await?;
        clock.advance_days(days);
        Ok(crate::clock::local_date(self.now_ms()))
    }

    /// Builds the application over an opened, migrated store (tests use this directly).
    pub async fn with_store(
        store: Store,
        config: Config,
        clock: Arc<dyn Clock>,
        pii: PiiKey,
    ) -> anyhow::Result<App> {
        let files_root = config.data_dir.join("files");
        let node_id = format!("node-{}-{}", std::process::id(), rand::random::<u32>());
        let log_sender = Arc::new(base::notify::LogSender::default());
        let mut senders: Vec<Arc<dyn base::notify::NotificationSender>> =
            vec![Arc::clone(&log_sender) as Arc<dyn base::notify::NotificationSender>];
        senders.extend(base::senders::configured(
            &config.notify,
            &config.public_url,
        ));
        let app = App {
            inner: Arc::new(Inner {
                store,
                calendar: RwLock::new(Arc::new(Calendar::builtin())),
                config,
                clock,
                seal: fgf_domain::application::LicenceSeal::derive(
                    &pii.derive_secret(b"licence seal"),
                ),
                pii,
                files_root,
                senders,
                log_sender,
                jobs: jobs::JobRegistry::standard(),
                node_id,
                processes: process::RegistryCache::default(),
                instances: process::InstanceCache::default(),
                starts: process::StartCache::default(),
                catalog_index: std::sync::OnceLock::new(),
                portal_entries: catalog::entries::EntryCache::default(),
                demo_clock: None,
            }),
        };
        app.reload_calendar().await?;
        Ok(app)
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    pub fn pii(&self) -> &PiiKey {
        &self.inner.pii
    }

    /// The key that signs electronic licences.
    pub fn seal(&self) -> &fgf_domain::application::LicenceSeal {
        &self.inner.seal
    }

    pub fn node_id(&self) -> &str {
        &self.inner.node_id
    }

    pub fn calendar(&self) -> Arc<Calendar> {
        match self.inner.calendar.read() {
            Ok(c) => Arc::clone(&c),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn senders(&self) -> &[Arc<dyn base::notify::NotificationSender>] {
        &self.inner.senders
    }

    /// The log sender every notification also goes to (what tests assert against).
    pub fn log_sender(&self) -> &base::notify::LogSender {
        &self.inner.log_sender
    }

    pub fn job_registry(&self) -> &jobs::JobRegistry {
        &self.inner.jobs
    }

    pub(crate) fn process_cache(&self) -> &process::RegistryCache {
        &self.inner.processes
    }

    pub(crate) fn instance_cache(&self) -> &process::InstanceCache {
        &self.inner.instances
    }

    pub(crate) fn start_cache(&self) -> &process::StartCache {
        &self.inner.starts
    }

    pub(crate) fn catalog_index_cell(&self) -> &std::sync::OnceLock<catalog::search::CatalogIndex> {
        &self.inner.catalog_index
    }

    pub(crate) fn portal_entry_cache(&self) -> &catalog::entries::EntryCache {
        &self.inner.portal_entries
    }

    pub fn files_root(&self) -> &std::path::Path {
        &self.inner.files_root
    }

    /// An audit context for the operator at the console or a background job.
    pub fn system_ctx(&self, actor_name: &str) -> AuditCtx {
        AuditCtx::system(actor_name, self.now_ms())
    }

    /// Rebuilds the calendar from the shipped years and the stored ones.
    pub async fn reload_calendar(&self) -> ServiceResult<()> {
        let mut cal = Calendar::builtin_with(CalendarConfig {
            makeup_days_count: self.inner.config.makeup_days_count,
            business_day_end: self.inner.config.business_day_end,
        });
        for y in self.store().list_calendar_years().await? {
            let schedule: YearSchedule = serde_json::from_str(&y.data).map_err(|e| {
                ServiceError::internal(format!("stored calendar year {}: {e}", y.year))
            })?;
            cal.set_year(schedule);
        }
        match self.inner.calendar.write() {
            Ok(mut c) => *c = Arc::new(cal),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(cal),
        }
        // The compiled processes carry the calendar their timers are counted with.
        self.process_cache().clear();
        Ok(())
    }
}

/// The personal-data key: from configuration, or generated once into the data folder (kept
/// beside, never inside, the database).
fn load_pii_key(config: &Config) -> anyhow::Result<PiiKey> {
    if !config.pii_key.is_empty() {
        return Ok(key_from_config(&config.pii_key));
    }
    let path = config.data_dir.join("pii.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Ok(key_from_config(text.trim()));
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let key: [u8; 48] = std::array::from_fn(|_| rand::random::<u8>());
    let text = hex::encode(key);
    std::fs::write(&path, &text)?;
    restrict_permissions(&path);
    tracing::warn!(path = %path.display(), "generated a personal-data key; back it up with the database, or set FGF_PII_KEY");
    Ok(key_from_config(&text))
}

fn key_from_config(s: &str) -> PiiKey {
    PiiKey::from_hex(s).unwrap_or_else(|_| PiiKey::derive_from_secret(s.as_bytes()))
}

#[cfg(unix)]
fn restrict_permissions(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
        tracing::warn!(%e, "cannot restrict key file permissions");
    }
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &std::path::Path) {}

//! Storage for Fangguanfu: one schema, one set of queries, on SQLite (the default, embedded)
//! or PostgreSQL (several nodes sharing one database).
//!
//! Both backends go through sqlx's `Any` driver with runtime queries written in the common
//! subset of the two dialects (`$n` placeholders, `returning`, `on conflict`). Where the
//! dialects differ the code branches on [`Backend`] in this crate only. Two parallel migration
//! trees with identical names hold the DDL (a tidy test checks the names match).
//!
//! Invariants kept here:
//! * every list or lookup of scoped records takes a [`Scope`]; there is no way to call one
//!   without it, and a `Scope` can only come from the caller's loaded [`Grants`] (or the
//!   explicitly named system scope for jobs and the CLI);
//! * every state change goes through a [`WriteTx`], which appends to the SM3-chained audit
//!   trail in the same transaction and refuses to commit without an audit entry;
//! * driver errors never leave this crate: they become [`StoreError`].

mod error;
mod rows;
mod sql;

pub mod application;
pub mod backup;
pub mod base;
pub mod catalog;
pub mod idem;
pub mod job;
pub mod outbox;
pub mod process;
pub mod reform;
pub mod refusal;
pub mod scope;
pub mod testing;
pub mod tx;

pub use error::StoreError;
pub use scope::{Grants, Scope};
pub use tx::{AuditCtx, WriteTx};

use chrono::NaiveDate;
use fgf_domain::record_id::RecordId;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A handle on the database. Cheap to clone; all clones share one pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// SQLite's one writer connection (None on PostgreSQL, where `pool` serves writes too).
    writer: Option<AnyPool>,
    backend: Backend,
    /// The audit head as the last commit through this handle left it (None until known, and
    /// after any failed commit): the optimistic write path appends from it without reading.
    head: tx::RememberedHead,
    /// Ids a new process instance may take without asking the database first (see
    /// [`Store::reserve_instance_id`]).
    instance_ids: tx::ReservedIds,
}

/// When SQLite acknowledges a commit (`pragma synchronous` in WAL mode).
///
/// `Full`, the default, returns from a commit only once its log record is on the disk, so an
/// acknowledged change — an acceptance notice the applicant was shown — survives a power cut
/// or an operating-system crash (DESIGN.md principle 4). `Normal` returns before that sync:
/// the database stays consistent, but the last commits before such a crash can be lost. It
/// is for those who accept that risk for throughput (docs/benchmarks.md measures both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    #[default]
    Full,
    Normal,
}

impl SqliteSync {
    pub fn parse(s: &str) -> Option<SqliteSync> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Some(SqliteSync::Full),
            "normal" => Some(SqliteSync::Normal),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SqliteSync::Full => "full",
            SqliteSync::Normal => "normal",
        }
    }

    /// The value `pragma synchronous` reads back (FULL = 2, NORMAL = 1).
    pub fn level(self) -> i64 {
        match self {
            SqliteSync::Full => 2,
            SqliteSync::Normal => 1,
        }
    }
}

/// Pool options for SQLite. A connection to a local file does not go stale, so it is not
/// checked before each use (that would add a round trip to every transaction).
fn sqlite_pool(connections: u32, sync: SqliteSync) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .acquire_timeout(Duration::from_secs(30))
        .max_connections(connections)
        .test_before_acquire(false)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                conn.execute(
                    format!(
                        "pragma foreign_keys = on; pragma busy_timeout = 10000; \
                         pragma synchronous = {};",
                        sync.as_str()
                    )
                    .as_str(),
                )
                .await?;
                Ok(())
            })
        })
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens `url`: `sqlite://…` or `postgres://…`. Any other scheme is an error rather than a
    /// silently created SQLite file.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, SqliteSync::default()).await
    }

    /// Opens `url` with the given SQLite commit durability (ignored on PostgreSQL, whose
    /// `synchronous_commit` is the server's to set).
    pub async fn open_with(url: &str, sync: SqliteSync) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database url scheme in {:?}: use sqlite:// or postgres://",
                redact_url(url)
            )));
        };
        let unavailable = |e: sqlx::Error| {
            StoreError::Unavailable(format!("cannot open {}: {e}", redact_url(url)))
        };
        let (pool, writer) = match backend {
            // SQLite allows one writer. Write transactions get a pool of their own with one
            // connection, so they queue in the pool instead of spinning on the busy timeout
            // and that connection's page cache stays warm; readers stay concurrent under WAL.
            Backend::Sqlite => {
                let writer = sqlite_pool(1, sync)
                    .connect(url)
                    .await
                    .map_err(unavailable)?;
                sqlx::query("pragma journal_mode = wal")
                    .execute(&writer)
                    .await
                    .map_err(StoreError::from)?;
                let readers = sqlite_pool(4, sync)
                    .connect(url)
                    .await
                    .map_err(unavailable)?;
                (readers, Some(writer))
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(30))
                    .max_connections(16)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute("set time zone 'UTC'").await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await
                    .map_err(unavailable)?;
                (pool, None)
            }
        };
        Ok(Store {
            pool,
            writer,
            backend,
            head: std::sync::Arc::default(),
            instance_ids: std::sync::Arc::default(),
        })
    }

    /// Opens (creating if needed) the SQLite store inside `data_dir`.
    pub async fn open_sqlite_dir(data_dir: &Path) -> Result<Store> {
        Store::open_sqlite_dir_with(data_dir, SqliteSync::default()).await
    }

    /// Opens the SQLite store inside `data_dir` with the given commit durability.
    pub async fn open_sqlite_dir_with(data_dir: &Path, sync: SqliteSync) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create data dir {}: {e}",
                data_dir.display()
            ))
        })?;
        let file = data_dir.join("fgf.db");
        Store::open_with(&sqlite_url(&file), sync).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// SQLite's `pragma synchronous` on the connection that commits writes (2 = FULL,
    /// 1 = NORMAL); None on PostgreSQL.
    pub async fn sqlite_synchronous(&self) -> Result<Option<i64>> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let row = sqlx::query("pragma synchronous")
            .fetch_one(self.write_pool())
            .await?;
        Ok(Some(get_i64(&row, "synchronous")?))
    }

    /// Where write transactions begin: SQLite's single writer connection, or the pool.
    pub(crate) fn write_pool(&self) -> &AnyPool {
        self.writer.as_ref().unwrap_or(&self.pool)
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies pending migrations; idempotent.
    pub async fn migrate(&self) -> Result<usize> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        let before = self.applied_migrations().await.unwrap_or(0);
        migrator
            .run(self.write_pool())
            .await
            .map_err(|e| StoreError::Internal(format!("migration failed: {e}")))?;
        let after = self.applied_migrations().await?;
        Ok(after.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize> {
        let row = sqlx::query("select count(*) as n from _sqlx_migrations where success")
            .fetch_one(&self.pool)
            .await?;
        Ok(usize::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0))
    }

    /// The names of the migrations in this build, for the tidy check and `fgf db migrate`.
    pub fn migration_names(backend: Backend) -> Vec<String> {
        let m = match backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        m.iter()
            .map(|m| format!("{}_{}", m.version, m.description))
            .collect()
    }

    pub async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    /// True when no account exists yet: the store was just created.
    pub async fn is_empty(&self) -> Result<bool> {
        let row = sqlx::query("select count(*) as n from account")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? == 0)
    }

    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(w) = &self.writer {
            w.close().await;
        }
    }
}

pub fn sqlite_url(file: &Path) -> String {
    format!("sqlite://{}?mode=rwc", file.display())
}

/// Hides the password of a database URL before it is printed or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub(crate) fn get_i64(row: &AnyRow, col: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn get_opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

pub(crate) fn get_id<T: RecordId>(row: &AnyRow, col: &str) -> Result<T> {
    Ok(T::from_raw(row.try_get::<i64, _>(col)?))
}

pub(crate) fn get_opt_id<T: RecordId>(row: &AnyRow, col: &str) -> Result<Option<T>> {
    Ok(row.try_get::<Option<i64>, _>(col)?.map(T::from_raw))
}

pub(crate) fn get_str(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn get_opt_str(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn get_bool(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}

pub(crate) fn get_opt_bytes(row: &AnyRow, col: &str) -> Result<Option<Vec<u8>>> {
    Ok(row.try_get::<Option<Vec<u8>>, _>(col)?)
}

/// Reads a coded column into its domain enum (`fgf_domain::code`); a text that is none of its
/// codes is `StoreError::Unreadable` naming the table, column and value.
pub(crate) fn get_code<T: FromStr>(
    row: &AnyRow,
    table: &'static str,
    column: &'static str,
) -> Result<T> {
    let value = get_str(row, column)?;
    value.parse().map_err(|_| StoreError::Unreadable {
        table,
        column,
        value,
    })
}

pub(crate) fn get_opt_code<T: FromStr>(
    row: &AnyRow,
    table: &'static str,
    column: &'static str,
) -> Result<Option<T>> {
    get_opt_str(row, column)?
        .map(|value| {
            value.parse().map_err(|_| StoreError::Unreadable {
                table,
                column,
                value,
            })
        })
        .transpose()
}

/// Reads an ISO date column (`YYYY-MM-DD`, as every date column is written).
pub(crate) fn get_date(
    row: &AnyRow,
    table: &'static str,
    column: &'static str,
) -> Result<NaiveDate> {
    let value = get_str(row, column)?;
    parse_date(table, column, value)
}

pub(crate) fn get_opt_date(
    row: &AnyRow,
    table: &'static str,
    column: &'static str,
) -> Result<Option<NaiveDate>> {
    get_opt_str(row, column)?
        .map(|value| parse_date(table, column, value))
        .transpose()
}

fn parse_date(table: &'static str, column: &'static str, value: String) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| StoreError::Unreadable {
        table,
        column,
        value,
    })
}

/// Parses a stored enum code, turning an unknown one into an internal error that names it
/// (stored data the code does not understand is a bug or a bad migration, never user input).
pub(crate) fn parse_code<T: FromStr>(col: &str, value: &str) -> Result<T> {
    value
        .parse()
        .map_err(|_| StoreError::Internal(format!("unknown {col} code {value:?} in store")))
}

/// A page request. `per_page` is clamped so a caller cannot ask for the whole table.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub const MAX_PER_PAGE: u32 = 200;

    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Page {
        Page {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(20).clamp(1, Page::MAX_PER_PAGE),
        }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::new(None, None)
    }
}

impl Store {
    /// Runs one filtered list twice: the count of all matches and one page of them, in
    /// `order` (which must end in a unique column so pages never overlap).
    pub(crate) async fn paged<T>(
        &self,
        filter: &sql::Sql,
        select: &str,
        order: &str,
        page: Page,
        map: impl Fn(&AnyRow) -> Result<T>,
    ) -> Result<Paged<T>> {
        let total = get_i64(
            &filter
                .prefixed("select count(*) as n")
                .query()
                .fetch_one(self.pool())
                .await?,
            "n",
        )?;
        let mut list = filter.prefixed(select);
        list.push(" order by ")
            .push(order)
            .push(" limit ")
            .bind(page.limit())
            .push(" offset ")
            .bind(page.offset());
        let items = list
            .query()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(map)
            .collect::<Result<Vec<_>>>()?;
        Ok(Paged { items, total })
    }
}

/// One page of results and the total count, the shape every list answers with.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> Paged<T> {
    /// One page of a list already read whole (a plan's few inspections or bulletins), so
    /// every list answers in the same shape whether or not the database pages it.
    pub fn of_all(all: Vec<T>, page: Page) -> Paged<T> {
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let skip = usize::try_from(page.offset()).unwrap_or(usize::MAX);
        let take = usize::try_from(page.limit()).unwrap_or(0);
        Paged {
            items: all.into_iter().skip(skip).take(take).collect(),
            total,
        }
    }
}

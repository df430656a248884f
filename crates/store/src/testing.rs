//! Test support: fresh stores for the conformance suite. SQLite in a temporary folder always;
//! PostgreSQL in a freshly created database when `FGF_TEST_PG` holds a server URL. In CI
//! (`CI` set) a missing `FGF_TEST_PG` fails the tests that want PostgreSQL instead of
//! skipping them.

use crate::{Result, Store, StoreError};
use sqlx::Connection;

/// True when the tests run in CI (`CI` set and not `false`/`0`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

async fn drop_database(base: &str, name: &str) {
    if let Ok(mut admin) = sqlx::AnyConnection::connect(base).await {
        let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
            .execute(&mut admin)
            .await;
        admin.close().await.ok();
    }
}

/// Drops the test databases of test processes that are gone (killed, or aborted before
/// their databases were dropped), once per process: without it they would pile up on a
/// developer's server. A database is named after the process that made it (`unique`), and
/// one whose process is alive, here or in another suite running meanwhile, is left alone.
async fn sweep_leftovers(admin: &mut sqlx::AnyConnection) {
    static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let proc = std::path::Path::new("/proc");
    if SWEPT.swap(true, std::sync::atomic::Ordering::SeqCst) || !proc.join("self").exists() {
        return;
    }
    let Ok(rows) = sqlx::query(
        "select cast(datname as text) as name from pg_database where datname like 'fgf\\_t\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    else {
        return;
    };
    for r in rows {
        let Ok(name) = crate::get_str(&r, "name") else {
            continue;
        };
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let gone = pid.is_some_and(|p| !proc.join(p.to_string()).exists());
        // Only names this module makes: letters, digits and underscores.
        if gone && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
                .execute(&mut *admin)
                .await;
        }
    }
}

/// A store for one test, removed by [`TestDb::cleanup`], which tests call at the end, or
/// else when dropped (a test that failed before its cleanup); the databases of test
/// processes that died without either are dropped by the next run's first PostgreSQL test.
pub struct TestDb {
    pub store: Store,
    pub label: &'static str,
    dir: Option<std::path::PathBuf>,
    pg: Option<(String, String)>,
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{nanos}", std::process::id())
}

impl TestDb {
    pub async fn sqlite() -> Result<TestDb> {
        let dir = std::env::temp_dir().join(unique("fgf_test"));
        let store = Store::open_sqlite_dir(&dir).await?;
        store.migrate().await?;
        Ok(TestDb {
            store,
            label: "sqlite",
            dir: Some(dir),
            pg: None,
        })
    }

    /// A fresh PostgreSQL database, migrated, or `None` when `FGF_TEST_PG` is unset; an
    /// error instead when `CI` is set, where the PostgreSQL half of a suite must run, not be
    /// skipped.
    pub async fn postgres() -> Result<Option<TestDb>> {
        let db = TestDb::postgres_empty().await?;
        if let Some(db) = &db {
            db.store.migrate().await?;
        }
        Ok(db)
    }

    /// As [`TestDb::postgres`], the database left as `createdb` makes it (for a command that
    /// must bring an empty database up itself).
    pub async fn postgres_empty() -> Result<Option<TestDb>> {
        let base = std::env::var("FGF_TEST_PG").unwrap_or_default();
        if base.trim().is_empty() {
            if in_ci() {
                return Err(StoreError::Unavailable(
                    "CI is set but FGF_TEST_PG is not: the PostgreSQL half of the tests must run in CI, not be skipped".to_owned(),
                ));
            }
            return Ok(None);
        }
        sqlx::any::install_default_drivers();
        let name = unique("fgf_t");
        let mut admin = sqlx::AnyConnection::connect(&base)
            .await
            .map_err(|e| StoreError::Unavailable(format!("FGF_TEST_PG: {e}")))?;
        sweep_leftovers(&mut admin).await;
        sqlx::query(&format!("create database {name}"))
            .execute(&mut admin)
            .await?;
        admin.close().await.ok();
        let url = match base.rfind('/') {
            Some(i) if i > base.find("://").map_or(0, |j| j + 2) => {
                format!("{}/{name}", &base[..i])
            }
            _ => format!("{base}/{name}"),
        };
        let store = Store::open(&url).await?;
        Ok(Some(TestDb {
            store,
            label: "postgres",
            dir: None,
            pg: Some((base, name)),
        }))
    }

    /// Every backend available here: SQLite always, PostgreSQL when configured.
    pub async fn all() -> Result<Vec<TestDb>> {
        let mut v = vec![TestDb::sqlite().await?];
        match TestDb::postgres().await? {
            Some(pg) => v.push(pg),
            None => {
                eprintln!("note: FGF_TEST_PG not set; PostgreSQL case skipped (CI fails instead)")
            }
        }
        Ok(v)
    }

    /// The PostgreSQL URL of this test database (for spawning real server processes).
    pub fn url(&self) -> Option<String> {
        self.pg.as_ref().map(|(base, name)| match base.rfind('/') {
            Some(i) if i > base.find("://").map_or(0, |j| j + 2) => {
                format!("{}/{name}", &base[..i])
            }
            _ => format!("{base}/{name}"),
        })
    }

    /// A second, independent connection pool on the same database (a second node).
    pub async fn reopen(&self) -> Result<Store> {
        match (&self.dir, &self.pg) {
            (Some(dir), _) => Store::open_sqlite_dir(dir).await,
            (None, Some((base, name))) => {
                let url = match base.rfind('/') {
                    Some(i) if i > base.find("://").map_or(0, |j| j + 2) => {
                        format!("{}/{name}", &base[..i])
                    }
                    _ => format!("{base}/{name}"),
                };
                Store::open(&url).await
            }
            _ => Err(StoreError::Invalid("nothing to reopen".to_owned())),
        }
    }

    pub async fn cleanup(mut self) {
        self.store.close().await;
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((base, name)) = self.pg.take() {
            drop_database(&base, &name).await;
        }
    }

    /// Runs raw SQL against the store, for tests that play a DBA tampering with data.
    /// Every table of the schema (not the migration bookkeeping).
    pub async fn table_names(&self) -> Result<Vec<String>> {
        let sql = if self.label == "sqlite" {
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_sqlx%'"
        } else {
            "select cast(table_name as text) as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like '_sqlx%'"
        };
        let rows = sqlx::query(sql).fetch_all(self.store.pool()).await?;
        rows.iter().map(|r| crate::get_str(r, "name")).collect()
    }

    pub async fn raw(&self, sql: &str) -> Result<u64> {
        Ok(sqlx::raw_sql(sql)
            .execute(self.store.pool())
            .await?
            .rows_affected())
    }
}

impl Drop for TestDb {
    /// A test that failed (or forgot) before [`TestDb::cleanup`]: its folder and database
    /// go all the same. The database is dropped from a thread of its own, as a drop cannot
    /// wait on the test's runtime.
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((base, name)) = self.pg.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    rt.block_on(drop_database(&base, &name));
                }
            })
            .join();
        }
    }
}

//! Test support: fresh stores for the conformance suite. SQLite in a temporary folder always;
//! PostgreSQL in a freshly created database when `FGF_TEST_PG` holds a server URL.

use crate::{Result, Store, StoreError};
use sqlx::Connection;

/// A store for one test, removed when dropped (the PostgreSQL database is dropped by
/// [`TestDb::cleanup`], which tests call at the end; a leftover is harmless).
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

    /// A fresh PostgreSQL database, or `None` when `FGF_TEST_PG` is unset.
    pub async fn postgres() -> Result<Option<TestDb>> {
        let Ok(base) = std::env::var("FGF_TEST_PG") else {
            return Ok(None);
        };
        if base.trim().is_empty() {
            return Ok(None);
        }
        sqlx::any::install_default_drivers();
        let name = unique("fgf_t");
        let mut admin = sqlx::AnyConnection::connect(&base)
            .await
            .map_err(|e| StoreError::Unavailable(format!("FGF_TEST_PG: {e}")))?;
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
        store.migrate().await?;
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
            None => eprintln!("note: FGF_TEST_PG not set; PostgreSQL case skipped"),
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

    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((base, name)) = self.pg {
            if let Ok(mut admin) = sqlx::AnyConnection::connect(&base).await {
                let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
                    .execute(&mut admin)
                    .await;
            }
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

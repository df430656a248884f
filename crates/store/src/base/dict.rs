//! Dictionaries (数据字典): code tables read at run time, so an edit takes effect without a
//! restart, and versioned, so every earlier state can be shown.

use crate::sql::Sql;
use crate::{get_bool, get_i64, get_str, Result, Store, StoreError, WriteTx};
use fgf_domain::base::AccountId;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DictItem {
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub sort: i64,
    pub enabled: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Dictionary {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub version: i64,
    pub items: Vec<DictItem>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DictVersion {
    pub version: i64,
    pub items: Vec<DictItem>,
    pub account_id: Option<AccountId>,
    pub at_ms: i64,
}

async fn fetch_dictionary(ex: &mut AnyConnection, code: &str) -> Result<Dictionary> {
    let mut sql =
        Sql::new("select dictionary_id, code, name, version from dictionary where code = ");
    sql.bind(code);
    let Some(row) = sql.query().fetch_optional(&mut *ex).await? else {
        return Err(StoreError::not_found("dictionary", code));
    };
    let id = get_i64(&row, "dictionary_id")?;
    let mut items_sql = Sql::new(
        "select code, label, label_en, sort, enabled from dictionary_item where dictionary_id = ",
    );
    items_sql.bind(id).push(" order by sort, code");
    let items = items_sql
        .query()
        .fetch_all(&mut *ex)
        .await?
        .iter()
        .map(|r| {
            Ok(DictItem {
                code: get_str(r, "code")?,
                label: get_str(r, "label")?,
                label_en: get_str(r, "label_en")?,
                sort: get_i64(r, "sort")?,
                enabled: get_bool(r, "enabled")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Dictionary {
        id,
        code: get_str(&row, "code")?,
        name: get_str(&row, "name")?,
        version: get_i64(&row, "version")?,
        items,
    })
}

impl Store {
    pub async fn get_dictionary(&self, code: &str) -> Result<Dictionary> {
        let mut conn = self.pool().acquire().await?;
        fetch_dictionary(&mut conn, code).await
    }

    pub async fn list_dictionaries(&self) -> Result<Vec<Dictionary>> {
        let rows = sqlx::query("select code from dictionary order by code")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut conn = self.pool().acquire().await?;
            out.push(fetch_dictionary(&mut conn, &get_str(r, "code")?).await?);
        }
        Ok(out)
    }

    pub async fn dictionary_history(&self, code: &str) -> Result<Vec<DictVersion>> {
        let mut sql = Sql::new(
            "select v.version, v.snapshot, v.account_id, v.created_at from dictionary_version v \
             join dictionary d on d.dictionary_id = v.dictionary_id where d.code = ",
        );
        sql.bind(code).push(" order by v.version desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(DictVersion {
                    version: get_i64(r, "version")?,
                    items: serde_json::from_str(&get_str(r, "snapshot")?)
                        .map_err(|e| StoreError::Internal(format!("dictionary snapshot: {e}")))?,
                    account_id: crate::get_opt_id(r, "account_id")?,
                    at_ms: get_i64(r, "created_at")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    pub async fn get_dictionary(&mut self, code: &str) -> Result<Option<Dictionary>> {
        match fetch_dictionary(self.conn().await?, code).await {
            Ok(d) => Ok(Some(d)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Replaces the items of a dictionary (creating it if new) as a new version.
    /// Returns the new version number.
    pub async fn save_dictionary(
        &mut self,
        code: &str,
        name: &str,
        items: &[DictItem],
    ) -> Result<i64> {
        let now = self.now_ms();
        let existing = match fetch_dictionary(self.conn().await?, code).await {
            Ok(d) => Some(d),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let (id, version) = match existing {
            Some(d) => {
                let version = d.version + 1;
                let mut upd = Sql::new("update dictionary set name = ");
                upd.bind(name)
                    .push(", version = ")
                    .bind(version)
                    .push(", updated_at = ")
                    .bind(now)
                    .push(" where dictionary_id = ")
                    .bind(d.id);
                upd.query().execute(self.conn().await?).await?;
                let mut del = Sql::new("delete from dictionary_item where dictionary_id = ");
                del.bind(d.id);
                del.query().execute(self.conn().await?).await?;
                (d.id, version)
            }
            None => {
                let mut ins = Sql::new(
                    "insert into dictionary (code, name, version, created_at, updated_at) values (",
                );
                ins.bind(code)
                    .push(",")
                    .bind(name)
                    .push(",1,")
                    .bind(now)
                    .push(",")
                    .bind(now)
                    .push(") returning dictionary_id");
                (
                    get_i64(
                        &ins.query().fetch_one(self.conn().await?).await?,
                        "dictionary_id",
                    )?,
                    1,
                )
            }
        };
        for it in items {
            let mut ins = Sql::new(
                "insert into dictionary_item (dictionary_id, code, label, label_en, sort, enabled, created_at, updated_at) values (",
            );
            ins.bind(id)
                .push(",")
                .bind(it.code.as_str())
                .push(",")
                .bind(it.label.as_str())
                .push(",")
                .bind(it.label_en.as_str())
                .push(",")
                .bind(it.sort)
                .push(",")
                .bind(it.enabled)
                .push(",")
                .bind(now)
                .push(",")
                .bind(now)
                .push(")");
            ins.query().execute(self.conn().await?).await?;
        }
        let snapshot = serde_json::to_string(items)
            .map_err(|e| StoreError::Internal(format!("dictionary snapshot: {e}")))?;
        let mut ver = Sql::new(
            "insert into dictionary_version (dictionary_id, version, snapshot, account_id, created_at) values (",
        );
        ver.bind(id)
            .push(",")
            .bind(version)
            .push(",")
            .bind(snapshot)
            .push(",")
            .bind(self.ctx().actor_account_id)
            .push(",")
            .bind(now)
            .push(")");
        ver.query().execute(self.conn().await?).await?;
        Ok(version)
    }
}

//! Calendar years entered by administrators. The binary ships its own years; rows here
//! override or extend them, so a new State Council notice is data, not a release.

use crate::sql::Sql;
use crate::{get_i64, get_str, Result, Store, StoreError, WriteTx};

#[derive(Debug, Clone)]
pub struct StoredYear {
    pub year: i64,
    pub document_no: String,
    /// The `YearSchedule` as JSON (owned by the domain crate).
    pub data: String,
    pub updated_at_ms: i64,
}

impl Store {
    pub async fn list_calendar_years(&self) -> Result<Vec<StoredYear>> {
        let rows = sqlx::query(
            "select year, document_no, data, updated_at from calendar_year order by year",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredYear {
                    year: get_i64(r, "year")?,
                    document_no: get_str(r, "document_no")?,
                    data: get_str(r, "data")?,
                    updated_at_ms: get_i64(r, "updated_at")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    /// Returns the previous JSON for the audit diff, if the year was stored before.
    pub async fn upsert_calendar_year(
        &mut self,
        year: i64,
        document_no: &str,
        data: &str,
    ) -> Result<Option<String>> {
        let mut q = Sql::new("select data from calendar_year where year = ");
        q.bind(year);
        let before = q
            .query()
            .fetch_optional(self.conn().await?)
            .await?
            .map(|r| get_str(&r, "data"))
            .transpose()?;
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into calendar_year (year, document_no, data, created_at, updated_at) values (",
        );
        sql.bind(year)
            .push(",")
            .bind(document_no)
            .push(",")
            .bind(data)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") on conflict (year) do update set document_no = excluded.document_no, data = excluded.data, updated_at = excluded.updated_at");
        sql.query().execute(self.conn().await?).await?;
        Ok(before)
    }

    pub async fn delete_calendar_year(&mut self, year: i64) -> Result<String> {
        let mut q = Sql::new("select data from calendar_year where year = ");
        q.bind(year);
        let Some(row) = q.query().fetch_optional(self.conn().await?).await? else {
            return Err(StoreError::not_found("calendar_year", year));
        };
        let mut del = Sql::new("delete from calendar_year where year = ");
        del.bind(year);
        del.query().execute(self.conn().await?).await?;
        get_str(&row, "data")
    }
}

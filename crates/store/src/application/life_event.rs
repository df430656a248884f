//! Life-event packages (一件事一次办): the packages the catalogue offers and the cases of
//! applicants who applied through one. A case's applications are ordinary applications that
//! point to it, each with its own clock.

use crate::sql::Sql;
use crate::{get_i64, get_id, get_str, Result, Store, StoreError, WriteTx};
use chrono::NaiveDate;
use fgf_domain::base::AccountId;
use sqlx::any::AnyRow;

/// A package as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeEventRow {
    pub code: String,
    pub name: String,
    pub summary: String,
    /// The matters' codes, in the order they are shown.
    pub matters: Vec<String>,
    pub updated_at_ms: i64,
}

fn life_event(r: &AnyRow) -> Result<LifeEventRow> {
    let raw = get_str(r, "matters")?;
    Ok(LifeEventRow {
        code: get_str(r, "code")?,
        name: get_str(r, "name")?,
        summary: get_str(r, "summary")?,
        matters: serde_json::from_str(&raw).map_err(|_| StoreError::Unreadable {
            table: "life_event",
            column: "matters",
            value: raw.clone(),
        })?,
        updated_at_ms: get_i64(r, "updated_at")?,
    })
}

/// One applicant's case of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeEventCaseRow {
    pub id: i64,
    pub number: String,
    pub event_code: String,
    pub event_name: String,
    pub applicant_account_id: AccountId,
    pub created_at_ms: i64,
}

fn life_event_case(r: &AnyRow) -> Result<LifeEventCaseRow> {
    Ok(LifeEventCaseRow {
        id: get_i64(r, "life_event_case_id")?,
        number: crate::get_opt_str(r, "number")?.unwrap_or_default(),
        event_code: get_str(r, "event_code")?,
        event_name: get_str(r, "event_name")?,
        applicant_account_id: get_id(r, "applicant_account_id")?,
        created_at_ms: get_i64(r, "created_at")?,
    })
}

const CASE_COLS: &str =
    "life_event_case_id, number, event_code, event_name, applicant_account_id, created_at";

impl Store {
    pub async fn life_events(&self) -> Result<Vec<LifeEventRow>> {
        let sql = Sql::new(
            "select code, name, summary, matters, updated_at from life_event order by code",
        );
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(life_event).collect()
    }

    pub async fn life_event(&self, code: &str) -> Result<Option<LifeEventRow>> {
        let mut sql = Sql::new(
            "select code, name, summary, matters, updated_at from life_event where code = ",
        );
        sql.bind(code);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => Ok(Some(life_event(&r)?)),
            None => Ok(None),
        }
    }

    pub async fn life_event_case(&self, id: i64) -> Result<Option<LifeEventCaseRow>> {
        let mut sql = Sql::new(&format!(
            "select {CASE_COLS} from life_event_case where life_event_case_id = "
        ));
        sql.bind(id);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => Ok(Some(life_event_case(&r)?)),
            None => Ok(None),
        }
    }

    /// The cases of an applicant, newest first.
    pub async fn life_event_cases_of(&self, applicant: AccountId) -> Result<Vec<LifeEventCaseRow>> {
        let mut sql = Sql::new(&format!(
            "select {CASE_COLS} from life_event_case where applicant_account_id = "
        ));
        sql.bind(applicant)
            .push(" order by life_event_case_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(life_event_case).collect()
    }
}

impl WriteTx {
    /// Creates or replaces a package definition; answers whether it existed.
    pub async fn put_life_event(
        &mut self,
        code: &str,
        name: &str,
        summary: &str,
        matters: &[String],
    ) -> Result<bool> {
        let now = self.now_ms();
        let matters = serde_json::to_string(matters).unwrap_or_else(|_| "[]".to_owned());
        let mut upd = Sql::new("update life_event set name = ");
        upd.bind(name)
            .push(", summary = ")
            .bind(summary)
            .push(", matters = ")
            .bind(matters.as_str())
            .push(", updated_at = ")
            .bind(now)
            .push(" where code = ")
            .bind(code);
        if upd
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected()
            > 0
        {
            return Ok(true);
        }
        let mut sql = Sql::new(
            "insert into life_event (code, name, summary, matters, created_at, updated_at) values (",
        );
        sql.bind(code)
            .push(",")
            .bind(name)
            .push(",")
            .bind(summary)
            .push(",")
            .bind(matters.as_str())
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(")");
        sql.query().execute(self.conn().await?).await?;
        Ok(false)
    }

    /// Opens an applicant's case of a package and gives it its number (`YJS`, the day, the id).
    pub async fn insert_life_event_case(
        &mut self,
        event_code: &str,
        event_name: &str,
        applicant: AccountId,
        day: NaiveDate,
    ) -> Result<(i64, String)> {
        let mut sql = Sql::new(
            "insert into life_event_case (event_code, event_name, applicant_account_id, created_at) values (",
        );
        sql.bind(event_code)
            .push(",")
            .bind(event_name)
            .push(",")
            .bind(applicant)
            .push(",")
            .bind(self.now_ms())
            .push(") returning life_event_case_id");
        let id = get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "life_event_case_id",
        )?;
        let number = format!("YJS{}-{:06}", day.format("%Y%m%d"), id);
        let mut upd = Sql::new("update life_event_case set number = ");
        upd.bind(number.as_str())
            .push(" where life_event_case_id = ")
            .bind(id);
        upd.query().execute(self.conn().await?).await?;
        Ok((id, number))
    }
}

//! Online logical backup and restore, the same format for both backends.
//!
//! The backup is read inside one transaction (a snapshot: SQLite's WAL reader, PostgreSQL's
//! repeatable read), so it can run while the server serves. The file is JSON lines: a header
//! naming the migrations it was taken at, then each table's columns and rows, then a trailer
//! with the row count so a truncated file is refused. Restore goes into an empty store in
//! one transaction: it either loses nothing or writes nothing.

use crate::sql::{Arg, Sql};
use crate::{Backend, Result, Store, StoreError};
use futures_util::TryStreamExt;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{Column, Row};
use std::io::{BufRead, Write};

/// A part's tables in the backup: (table, order by, identity column to resynchronise on
/// PostgreSQL), in an order that satisfies every foreign key on insert.
pub type Tables = &'static [(&'static str, &'static str, Option<&'static str>)];

/// The backup carries every part's tables, the parts in the order their foreign keys need:
/// one line per part.
const PARTS: &[Tables] = &[
    crate::base::TABLES,
    crate::process::TABLES,
    crate::catalog::TABLES,
    crate::reform::TABLES,
    crate::application::TABLES,
];

fn tables() -> impl Iterator<Item = &'static (&'static str, &'static str, Option<&'static str>)> {
    PARTS.iter().flat_map(|part| part.iter())
}

/// The tables a backup carries, in restore order.
pub fn table_names() -> Vec<&'static str> {
    tables().map(|(t, _, _)| *t).collect()
}

/// What a backup or restore moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    pub tables: usize,
    pub rows: u64,
}

fn cell(row: &AnyRow, i: usize) -> Result<Value> {
    // The Any driver decodes by the stored kind: try integer, then text, then bytes. NULL
    // decodes as None on the first try whatever the column's type.
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return Ok(v.map_or(Value::Null, Value::from));
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return Ok(v.map_or(Value::Null, Value::from));
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return Ok(v.map_or(Value::Null, |b| json!({ "hex": hex::encode(b) })));
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return Ok(v.map_or(Value::Null, Value::from));
    }
    Err(StoreError::Internal(format!(
        "backup: column {} has a type the backup does not know",
        row.column(i).name()
    )))
}

fn arg(v: &Value) -> Result<Arg> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(Arg::I64)
            .ok_or_else(|| StoreError::Invalid(format!("backup: non-integer number {n}"))),
        Value::String(s) => Ok(Arg::Text(s.clone())),
        Value::Object(o) => match o.get("hex").and_then(Value::as_str) {
            Some(h) => {
                Ok(Arg::Bytes(Some(hex::decode(h).map_err(|e| {
                    StoreError::Invalid(format!("backup: bad hex: {e}"))
                })?)))
            }
            None => Err(StoreError::Invalid(
                "backup: unknown cell object".to_owned(),
            )),
        },
        other => Err(StoreError::Invalid(format!(
            "backup: unexpected cell {other}"
        ))),
    }
}

impl Store {
    pub async fn backup(&self, out: &mut dyn Write, now_ms: i64) -> Result<BackupSummary> {
        let io = |e: std::io::Error| StoreError::Unavailable(format!("backup write failed: {e}"));
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("set transaction isolation level repeatable read, read only")
                .execute(&mut *tx)
                .await?;
        }
        let header = json!({
            "format": "fgf-backup",
            "version": 1,
            "backend": self.backend().name(),
            "migrations": Store::migration_names(self.backend()),
            "created_at": now_ms,
        });
        writeln!(out, "{header}").map_err(io)?;
        let mut summary = BackupSummary::default();
        for (table, order, _) in tables() {
            let q = format!("select * from {table} order by {order}");
            let mut rows = sqlx::query(&q).fetch(&mut *tx);
            let mut wrote_columns = false;
            let mut count = 0_u64;
            while let Some(row) = rows.try_next().await? {
                if !wrote_columns {
                    let cols: Vec<&str> = row.columns().iter().map(Column::name).collect();
                    writeln!(out, "{}", json!({ "table": table, "columns": cols })).map_err(io)?;
                    wrote_columns = true;
                }
                let cells = (0..row.len())
                    .map(|i| cell(&row, i))
                    .collect::<Result<Vec<_>>>()?;
                writeln!(out, "{}", Value::Array(cells)).map_err(io)?;
                count += 1;
            }
            if !wrote_columns {
                writeln!(out, "{}", json!({ "table": table, "columns": [] })).map_err(io)?;
            }
            summary.tables += 1;
            summary.rows += count;
        }
        writeln!(out, "{}", json!({ "end": true, "rows": summary.rows })).map_err(io)?;
        out.flush().map_err(io)?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Restores a backup into this store, which must be empty (migrated, no accounts).
    pub async fn restore(&self, input: &mut dyn BufRead) -> Result<BackupSummary> {
        if !self.is_empty().await? {
            return Err(StoreError::Invalid(
                "restore needs an empty store: this one already has accounts".to_owned(),
            ));
        }
        let bad = |m: String| StoreError::Invalid(format!("backup file: {m}"));
        let mut lines = input.lines();
        let header: Value = match lines.next() {
            Some(Ok(l)) => serde_json::from_str(&l).map_err(|e| bad(format!("bad header: {e}")))?,
            _ => return Err(bad("empty file".to_owned())),
        };
        if header["format"] != "fgf-backup" {
            return Err(bad("not an fgf backup".to_owned()));
        }
        let theirs: Vec<String> = serde_json::from_value(header["migrations"].clone())
            .map_err(|e| bad(format!("bad migrations list: {e}")))?;
        if theirs != Store::migration_names(self.backend()) {
            return Err(bad(format!(
                "taken at migrations {theirs:?}, this build has {:?}",
                Store::migration_names(self.backend())
            )));
        }
        let mut tx = self.write_pool().begin().await?;
        // The migration seeds the audit head; the backup carries the real one.
        sqlx::query("delete from audit_head")
            .execute(&mut *tx)
            .await?;
        let mut summary = BackupSummary::default();
        let mut table: Option<String> = None;
        let mut columns: Vec<String> = Vec::new();
        let mut ended = false;
        for line in lines {
            let line = line.map_err(|e| bad(format!("read failed: {e}")))?;
            let v: Value =
                serde_json::from_str(&line).map_err(|e| bad(format!("bad line: {e}")))?;
            match v {
                Value::Object(o) if o.contains_key("table") => {
                    let name = o["table"].as_str().unwrap_or_default().to_owned();
                    if !tables().any(|(t, _, _)| *t == name) {
                        return Err(bad(format!("unknown table {name:?}")));
                    }
                    columns = serde_json::from_value(o["columns"].clone())
                        .map_err(|e| bad(format!("bad columns: {e}")))?;
                    if columns
                        .iter()
                        .any(|c| !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
                    {
                        return Err(bad(format!("bad column name in {name}")));
                    }
                    table = Some(name);
                    summary.tables += 1;
                }
                Value::Object(o) if o.contains_key("end") => {
                    if o["rows"].as_u64() != Some(summary.rows) {
                        return Err(bad(format!(
                            "trailer says {} rows, file holds {}",
                            o["rows"], summary.rows
                        )));
                    }
                    ended = true;
                }
                Value::Array(cells) => {
                    let Some(t) = table.as_deref() else {
                        return Err(bad("row before any table".to_owned()));
                    };
                    if cells.len() != columns.len() {
                        return Err(bad(format!(
                            "row of {} cells for {} columns in {t}",
                            cells.len(),
                            columns.len()
                        )));
                    }
                    let mut sql = Sql::new(&format!(
                        "insert into {t} ({}) values (",
                        columns.join(", ")
                    ));
                    for (i, c) in cells.iter().enumerate() {
                        if i > 0 {
                            sql.push(",");
                        }
                        // A literal null takes the column's type on both backends; a bound
                        // one would carry a type of its own.
                        if c.is_null() {
                            sql.push("null");
                        } else {
                            sql.bind(arg(c)?);
                        }
                    }
                    sql.push(")");
                    sql.query().execute(&mut *tx).await?;
                    summary.rows += 1;
                }
                other => return Err(bad(format!("unexpected line {other}"))),
            }
        }
        if !ended {
            return Err(bad("file is truncated (no trailer)".to_owned()));
        }
        if self.backend() == Backend::Postgres {
            for (t, _, identity) in tables() {
                if let Some(col) = identity {
                    let q = format!(
                        "select setval(pg_get_serial_sequence('{t}', '{col}'), coalesce((select max({col}) from {t}), 0) + 1, false)"
                    );
                    sqlx::query(&q).execute(&mut *tx).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// Row counts of every table, to compare two stores after a round trip.
    pub async fn table_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for (t, _, _) in tables() {
            let row = sqlx::query(&format!("select count(*) as n from {t}"))
                .fetch_one(self.pool())
                .await?;
            out.push(((*t).to_owned(), row.try_get::<i64, _>("n")?));
        }
        Ok(out)
    }
}

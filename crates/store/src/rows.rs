//! The rows a deferred statement writes, and the batch rule built on them.
//!
//! A [`WriteTx`](crate::WriteTx) sends its deferred statements as one batch. On PostgreSQL
//! that batch is one statement of data-modifying CTEs, which all read the snapshot taken
//! when the statement began (and run in an order SQL does not promise; `WriteTx::batch`
//! says how it is kept): a second update of a row updated in the same batch is silently
//! dropped (or trips a guard), and an update or delete cannot see a row inserted earlier in
//! the batch. SQLite runs the same batch one statement after the
//! other and sees every earlier write, so such a batch means different things on the two
//! backends.
//!
//! Every deferred write therefore declares the rows it writes, and in debug builds (every
//! test) [`check_batch`] refuses a batch in which two statements may write one row, naming
//! both. Declarations are over-approximations: a claim that cannot be told apart from
//! another (they share no column whose values differ) counts as the same row.

// Release builds declare the rows but do not check them (the check is for the tests).
#![cfg_attr(not(debug_assertions), allow(dead_code))]

use crate::{Result, StoreError};

/// A column value in a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    Int(i64),
    Text(String),
}

impl From<i64> for Key {
    fn from(v: i64) -> Self {
        Key::Int(v)
    }
}

impl From<&str> for Key {
    fn from(v: &str) -> Self {
        Key::Text(v.to_owned())
    }
}

/// What a claim knows about one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cond {
    /// The column holds this value.
    Eq(Key),
    /// The column holds an integer below this bound (a set filtered by `column < bound`).
    Below(i64),
}

/// Two conditions on one column that some row could meet both of.
fn meet(a: &Cond, b: &Cond) -> bool {
    match (a, b) {
        (Cond::Eq(x), Cond::Eq(y)) => x == y,
        (Cond::Eq(Key::Int(v)), Cond::Below(bound))
        | (Cond::Below(bound), Cond::Eq(Key::Int(v))) => v < bound,
        (Cond::Eq(Key::Text(_)), Cond::Below(_)) | (Cond::Below(_), Cond::Eq(Key::Text(_))) => true,
        (Cond::Below(_), Cond::Below(_)) => true,
    }
}

/// Two descriptions that some row could match both of: every column both name allows a
/// common value. Describing no common column, they cannot be told apart.
fn overlap(a: &[(&'static str, Cond)], b: &[(&'static str, Cond)]) -> bool {
    a.iter().all(|(ca, va)| {
        b.iter()
            .filter(|(cb, _)| cb == ca)
            .all(|(_, vb)| meet(va, vb))
    })
}

/// The rows one deferred statement writes.
#[derive(Debug, Clone)]
pub(crate) enum Rows {
    /// One row by its primary key: an existing row (read or inserted earlier, so not in this
    /// batch's snapshot gap) or one inserted here with an id the caller chose. `with` holds the
    /// row's values in columns by which a set write on the same table selects.
    One {
        table: &'static str,
        id: i64,
        with: Vec<(&'static str, Cond)>,
    },
    /// Every row meeting these conditions (the whole table when there are none): an update or
    /// delete by a filter, or an upsert by its unique key.
    Set {
        table: &'static str,
        cols: Vec<(&'static str, Cond)>,
    },
    /// Rows this statement inserts with new ids, with their values in the columns by which a
    /// set write selects.
    New {
        table: &'static str,
        cols: Vec<(&'static str, Cond)>,
    },
}

/// One existing row of `table`, by its primary key.
pub(crate) fn row(table: &'static str, id: i64) -> Rows {
    Rows::One {
        table,
        id,
        with: Vec::new(),
    }
}

/// The rows of `table` whose columns hold these values (an upsert's unique key, a filter).
pub(crate) fn rows<const N: usize>(table: &'static str, cols: [(&'static str, Key); N]) -> Rows {
    Rows::Set {
        table,
        cols: cols.into_iter().map(|(c, k)| (c, Cond::Eq(k))).collect(),
    }
}

/// Rows inserted into `table` with new ids, holding these values.
pub(crate) fn new_rows<const N: usize>(
    table: &'static str,
    cols: [(&'static str, Key); N],
) -> Rows {
    Rows::New {
        table,
        cols: cols.into_iter().map(|(c, k)| (c, Cond::Eq(k))).collect(),
    }
}

impl Rows {
    /// Adds what is known of a column: its value for a row, a condition for a set.
    pub(crate) fn with(mut self, column: &'static str, cond: Cond) -> Rows {
        match &mut self {
            Rows::One { with, .. } => with.push((column, cond)),
            Rows::Set { cols, .. } | Rows::New { cols, .. } => cols.push((column, cond)),
        }
        self
    }

    fn table(&self) -> &'static str {
        match self {
            Rows::One { table, .. } | Rows::Set { table, .. } | Rows::New { table, .. } => table,
        }
    }

    /// Whether `self`, written earlier in a batch, and `later` may be one row. A set written
    /// before rows are inserted cannot contain them on either backend (SQLite's statement ran
    /// before the insert, PostgreSQL's snapshot predates it); rows inserted before a set is
    /// written are in it on SQLite and not on PostgreSQL.
    fn clashes_with(&self, later: &Rows) -> bool {
        if self.table() != later.table() {
            return false;
        }
        match (self, later) {
            (Rows::One { id: a, .. }, Rows::One { id: b, .. }) => a == b,
            (Rows::One { with, .. }, Rows::Set { cols, .. })
            | (Rows::Set { cols, .. }, Rows::One { with, .. }) => overlap(with, cols),
            (Rows::Set { cols: a, .. }, Rows::Set { cols: b, .. })
            | (Rows::New { cols: a, .. }, Rows::Set { cols: b, .. }) => overlap(a, b),
            // New rows have ids of their own; a set written first predates them.
            (Rows::New { .. }, Rows::New { .. } | Rows::One { .. })
            | (Rows::One { .. } | Rows::Set { .. }, Rows::New { .. }) => false,
        }
    }
}

/// A deferred statement's text and the rows it declared, as the batch check sees them.
pub(crate) struct Declared<'a> {
    pub text: &'a str,
    pub writes: &'a [Rows],
}

/// The start of a statement, to name it in a refusal.
fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// Refuses a batch in which two statements may write one row, or a write statement that
/// declared no rows. `guard_prefix` starts the check statements, which write nothing.
pub(crate) fn check_batch(stmts: &[Declared<'_>], guard_prefix: &str) -> Result<()> {
    let mut seen: Vec<(usize, &Rows)> = Vec::new();
    for (i, s) in stmts.iter().enumerate() {
        let text = s.text.trim_start();
        let verb = text
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let declared_existing = s
            .writes
            .iter()
            .any(|w| matches!(w, Rows::One { .. } | Rows::Set { .. }));
        let undeclared = if text.starts_with(guard_prefix) {
            !s.writes.is_empty()
        } else {
            match verb.as_str() {
                "update" | "delete" => !declared_existing,
                _ => s.writes.is_empty(),
            }
        };
        if undeclared {
            return Err(StoreError::Internal(format!(
                "a deferred statement does not declare the rows it writes: `{}`",
                short(s.text)
            )));
        }
        for w in s.writes {
            // Within one statement the database itself sees every row once.
            if let Some((j, _)) = seen
                .iter()
                .find(|(j, earlier)| *j != i && earlier.clashes_with(w))
            {
                return Err(StoreError::Internal(format!(
                    "one batch writes a row of {} twice (PostgreSQL runs a batch on one snapshot): `{}` and `{}`",
                    w.table(),
                    short(stmts[*j].text),
                    short(s.text)
                )));
            }
        }
        seen.extend(s.writes.iter().map(|w| (i, w)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(stmts: &[(&str, Vec<Rows>)]) -> Result<()> {
        let declared: Vec<Declared<'_>> = stmts
            .iter()
            .map(|(t, w)| Declared { text: t, writes: w })
            .collect();
        check_batch(&declared, "insert into write_guard")
    }

    #[test]
    fn one_row_written_twice_is_refused_naming_both_statements() {
        let e = check(&[
            (
                "update matter set current_version = 1",
                vec![row("matter", 7)],
            ),
            ("update matter set apply_count = 3", vec![row("matter", 7)]),
        ])
        .unwrap_err();
        let StoreError::Internal(msg) = e else {
            panic!("{e:?}")
        };
        assert!(
            msg.contains("current_version") && msg.contains("apply_count"),
            "{msg}"
        );
        assert!(check(&[
            ("update matter set apply_count = 1", vec![row("matter", 7)]),
            ("update matter set apply_count = 3", vec![row("matter", 8)]),
        ])
        .is_ok());
    }

    #[test]
    fn rows_inserted_before_a_set_write_that_may_hold_them_are_refused() {
        let version = |n: i64| {
            new_rows(
                "matter_version",
                [("matter_id", 1.into()), ("version", n.into())],
            )
        };
        let older =
            rows("matter_version", [("matter_id", 1.into())]).with("version", Cond::Below(3));
        // The new version 3 is not below 3: the supersede cannot touch it.
        assert!(check(&[
            ("insert", vec![version(3)]),
            ("update", vec![older.clone()])
        ])
        .is_ok());
        assert!(check(&[
            ("insert", vec![version(2)]),
            ("update", vec![older.clone()])
        ])
        .is_err());
        // Deleting a set and then inserting into it is the same on both backends.
        let subs = rows("process_subscription", [("process_instance_id", 4.into())]);
        let new_sub = new_rows("process_subscription", [("process_instance_id", 4.into())]);
        assert!(check(&[
            ("delete", vec![subs.clone()]),
            ("insert", vec![new_sub.clone()])
        ])
        .is_ok());
        assert!(check(&[("insert", vec![new_sub]), ("delete", vec![subs])]).is_err());
    }

    #[test]
    fn a_row_and_a_set_clash_unless_a_column_tells_them_apart() {
        let set = rows(
            "work_item",
            [("process_instance_id", 1.into()), ("exec_id", 2.into())],
        );
        assert!(check(&[
            ("update", vec![row("work_item", 9)]),
            ("update", vec![set.clone()])
        ])
        .is_err());
        let other = row("work_item", 9).with("exec_id", Cond::Eq(3.into()));
        assert!(check(&[("update", vec![other]), ("update", vec![set])]).is_ok());
    }

    #[test]
    fn a_write_without_a_declaration_is_refused() {
        assert!(check(&[
            ("update matter set x = 1", vec![]),
            ("insert into outbox", vec![new_rows("outbox", [])])
        ])
        .is_err());
        assert!(check(&[
            ("delete from t", vec![new_rows("t", [])]),
            ("insert into outbox", vec![new_rows("outbox", [])])
        ])
        .is_err());
        assert!(check(&[
            (
                "insert into write_guard (must_hold) select null where 1 = 0",
                vec![]
            ),
            ("insert into outbox", vec![new_rows("outbox", [])])
        ])
        .is_ok());
    }
}

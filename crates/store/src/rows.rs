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

/// A primary key: a bare integer or a record id.
pub(crate) trait RowKey {
    fn row_key(self) -> i64;
}

impl RowKey for i64 {
    fn row_key(self) -> i64 {
        self
    }
}

/// One existing row of `table`, by its primary key.
pub(crate) fn row(table: &'static str, id: impl RowKey) -> Rows {
    Rows::One {
        table,
        id: id.row_key(),
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

/// The table a write statement writes: the word after `update`, `delete from` or
/// `insert into`.
fn target(text: &str) -> Option<&str> {
    let mut words = text.split_whitespace();
    let verb = words.next()?.to_ascii_lowercase();
    let table = match verb.as_str() {
        "update" => words.next()?,
        "delete" | "insert" => {
            words.next()?;
            words.next()?
        }
        _ => return None,
    };
    Some(table.split('(').next().unwrap_or(table))
}

/// Refuses a batch in which two statements may write one row, a write statement that
/// declared no rows, or a declaration of another table than the statement writes.
/// `guard_prefix` starts the check statements, which write nothing.
pub(crate) fn check_batch(stmts: &[Declared<'_>], guard_prefix: &str) -> Result<()> {
    use std::collections::HashMap;
    // Rows by id, and the sets and new rows, of each table written so far, with the
    // statement that wrote them. Rows inserted later clash with nothing (module doc), so
    // the common batch (rows by id, inserts) is checked without scanning.
    let mut ones: HashMap<(&str, i64), usize> = HashMap::new();
    let mut ones_of: HashMap<&str, Vec<(usize, &Rows)>> = HashMap::new();
    let mut sets_of: HashMap<&str, Vec<(usize, &Rows)>> = HashMap::new();
    let refuse = |what: &str, s: &Declared<'_>| {
        Err(StoreError::Internal(format!(
            "a deferred statement {what}: `{}`",
            short(s.text)
        )))
    };
    for (i, s) in stmts.iter().enumerate() {
        let text = s.text.trim_start();
        if text.starts_with(guard_prefix) {
            if !s.writes.is_empty() {
                return refuse("that checks declares rows it would write", s);
            }
            continue;
        }
        let Some(table) = target(text) else {
            return refuse("is not an insert, update or delete", s);
        };
        let existing = s
            .writes
            .iter()
            .any(|w| matches!(w, Rows::One { .. } | Rows::Set { .. }));
        let updates = !text.to_ascii_lowercase().starts_with("insert");
        if s.writes.is_empty() || (updates && !existing) {
            return refuse("does not declare the rows it writes", s);
        }
        if let Some(w) = s.writes.iter().find(|w| w.table() != table) {
            return refuse(
                &format!("declares rows of {} but writes {table}", w.table()),
                s,
            );
        }
        let clash = |j: usize| {
            Err(StoreError::Internal(format!(
                "one batch writes a row of {table} twice (PostgreSQL runs a batch on one snapshot): `{}` and `{}`",
                short(stmts[j].text),
                short(s.text)
            )))
        };
        for w in s.writes {
            // Within one statement the database itself sees every row once.
            let earlier = |list: Option<&Vec<(usize, &Rows)>>| {
                list.into_iter()
                    .flatten()
                    .find(|(j, e)| *j != i && e.clashes_with(w))
                    .map(|(j, _)| *j)
            };
            let hit = match w {
                Rows::One { id, .. } => ones
                    .get(&(table, *id))
                    .copied()
                    .filter(|j| *j != i)
                    .or_else(|| earlier(sets_of.get(table))),
                Rows::Set { .. } => {
                    earlier(ones_of.get(table)).or_else(|| earlier(sets_of.get(table)))
                }
                Rows::New { .. } => None,
            };
            if let Some(j) = hit {
                return clash(j);
            }
        }
        for w in s.writes {
            match w {
                Rows::One { id, .. } => {
                    ones.insert((table, *id), i);
                    ones_of.entry(table).or_default().push((i, w));
                }
                Rows::Set { .. } | Rows::New { .. } => {
                    sets_of.entry(table).or_default().push((i, w));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusal's message, or "ok".
    fn check(stmts: &[(&str, Vec<Rows>)]) -> String {
        let declared: Vec<Declared<'_>> = stmts
            .iter()
            .map(|(t, w)| Declared { text: t, writes: w })
            .collect();
        match check_batch(&declared, "insert into write_guard") {
            Ok(()) => "ok".to_owned(),
            Err(StoreError::Internal(msg)) => msg,
            Err(e) => panic!("{e:?}"),
        }
    }

    const SUPERSEDE: &str =
        "update matter_version set status = 'superseded' where matter_id = $1 and version < $2";
    const NEW_VERSION: &str = "insert into matter_version (matter_id, version) values ($1, $2)";

    #[test]
    fn one_row_written_twice_is_refused_naming_both_statements() {
        let msg = check(&[
            (
                "update matter set current_version = $1 where matter_id = $2",
                vec![row("matter", 7)],
            ),
            (
                "update matter set apply_count = $1 where matter_id = $2",
                vec![row("matter", 7)],
            ),
        ]);
        assert!(msg.contains("twice"), "{msg}");
        assert!(
            msg.contains("current_version") && msg.contains("apply_count"),
            "{msg}"
        );
        let two_rows = check(&[
            (
                "update matter set apply_count = $1 where matter_id = $2",
                vec![row("matter", 7)],
            ),
            (
                "update matter set apply_count = $1 where matter_id = $2",
                vec![row("matter", 8)],
            ),
        ]);
        assert_eq!(two_rows, "ok");
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
        let disjoint = check(&[
            (NEW_VERSION, vec![version(3)]),
            (SUPERSEDE, vec![older.clone()]),
        ]);
        assert_eq!(disjoint, "ok");
        let inside = check(&[(NEW_VERSION, vec![version(2)]), (SUPERSEDE, vec![older])]);
        assert!(inside.contains("twice"), "{inside}");
        // Deleting a set and then inserting into it means the same on both backends; the
        // other way round, SQLite's delete sees the new rows and PostgreSQL's does not.
        let subs = rows("process_subscription", [("process_instance_id", 4.into())]);
        let new_sub = new_rows("process_subscription", [("process_instance_id", 4.into())]);
        let delete = "delete from process_subscription where process_instance_id = $1";
        let insert = "insert into process_subscription (process_instance_id) values ($1)";
        let first_delete = check(&[
            (delete, vec![subs.clone()]),
            (insert, vec![new_sub.clone()]),
        ]);
        assert_eq!(first_delete, "ok");
        let first_insert = check(&[(insert, vec![new_sub]), (delete, vec![subs])]);
        assert!(first_insert.contains("twice"), "{first_insert}");
    }

    #[test]
    fn a_row_and_a_set_clash_unless_a_column_tells_them_apart() {
        let set = rows(
            "work_item",
            [("process_instance_id", 1.into()), ("exec_id", 2.into())],
        );
        let by_id = "update work_item set status = 'done' where work_item_id = $1";
        let by_key =
            "update work_item set status = 'done' where process_instance_id = $1 and exec_id = $2";
        let unknown = check(&[
            (by_id, vec![row("work_item", 9)]),
            (by_key, vec![set.clone()]),
        ]);
        assert!(unknown.contains("twice"), "{unknown}");
        let other = row("work_item", 9).with("exec_id", Cond::Eq(3.into()));
        assert_eq!(check(&[(by_id, vec![other]), (by_key, vec![set])]), "ok");
    }

    #[test]
    fn a_write_must_declare_the_rows_of_the_table_it_writes() {
        let outbox = (
            "insert into outbox (topic) values ($1)",
            vec![new_rows("outbox", [])],
        );
        let bare = check(&[("update matter set x = 1", vec![]), outbox.clone()]);
        assert!(bare.contains("does not declare"), "{bare}");
        // An update or delete writes rows that exist: new rows are no declaration for it.
        let only_new = check(&[
            ("delete from matter", vec![new_rows("matter", [])]),
            outbox.clone(),
        ]);
        assert!(only_new.contains("does not declare"), "{only_new}");
        let elsewhere = check(&[
            (
                "update matter set x = 1 where matter_id = 1",
                vec![row("matter_version", 1)],
            ),
            outbox.clone(),
        ]);
        assert!(
            elsewhere.contains("declares rows of matter_version but writes matter"),
            "{elsewhere}"
        );
        let check_only = check(&[
            (
                "insert into write_guard (must_hold) select null where 1 = 0",
                vec![],
            ),
            outbox,
        ]);
        assert_eq!(check_only, "ok");
    }
}

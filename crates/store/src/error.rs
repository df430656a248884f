//! The store's error taxonomy. Callers decide on these variants only; driver errors are
//! classified here, by constraint name, so no layer above ever sees a sqlx error.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("foreign key violation: {0}")]
    Reference(String),
    #[error("invalid: {0}")]
    Invalid(String),
    /// A stored value the code cannot read (an unknown status code, a date that is not one):
    /// a bug or a bad migration, never user input, so it is reported rather than defaulted.
    #[error("unreadable {table}.{column} value {value:?}")]
    Unreadable {
        table: &'static str,
        column: &'static str,
        value: String,
    },
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("internal store error: {0}")]
    Internal(String),
}

impl StoreError {
    pub fn not_found(entity: &'static str, id: impl ToString) -> StoreError {
        StoreError::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// True for failures worth retrying (lock contention, a lost connection).
    pub fn is_retriable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound {
                entity: "row",
                id: String::new(),
            },
            sqlx::Error::Database(db) => {
                let msg = db.message().to_owned();
                // A guarded statement changed no row, or an entry did not follow the audit
                // head: someone else wrote first (tx.rs, migration 0006).
                if msg.contains("write_guard") {
                    return StoreError::Conflict {
                        constraint: "write_guard".to_owned(),
                    };
                }
                if msg.contains("audit_head_stale") {
                    return StoreError::Conflict {
                        constraint: "audit_head".to_owned(),
                    };
                }
                // The instance's version did not follow the stored one (migration 0015): a
                // writer on another node moved it first.
                if msg.contains("process_instance_changed") {
                    return StoreError::Conflict {
                        constraint: "process_instance_version".to_owned(),
                    };
                }
                if db.is_unique_violation() {
                    StoreError::Conflict {
                        constraint: db
                            .constraint()
                            .map(str::to_owned)
                            .unwrap_or_else(|| sqlite_constraint_name(&msg)),
                    }
                } else if db.is_foreign_key_violation() {
                    StoreError::Reference(msg)
                } else if msg.contains("database is locked")
                    || msg.contains("could not serialize")
                    || msg.contains("deadlock")
                {
                    StoreError::Unavailable(msg)
                } else {
                    StoreError::Internal(msg)
                }
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Internal(e.to_string()),
        }
    }
}

/// SQLite reports "UNIQUE constraint failed: account.username" without the constraint name;
/// our constraints are named `<table>_<columns>_key`, so the name can be rebuilt from it.
fn sqlite_constraint_name(msg: &str) -> String {
    let Some(cols) = msg.split(": ").nth(1) else {
        return msg.to_owned();
    };
    // A unique index on an expression is reported by its name: "index 'account_username_lower_key'".
    if let Some(name) = cols.strip_prefix("index '") {
        return name.trim_end_matches('\'').to_owned();
    }
    let mut table = "";
    let mut names = Vec::new();
    for part in cols.split(", ") {
        if let Some((t, c)) = part.split_once('.') {
            table = t;
            names.push(c);
        }
    }
    format!("{table}_{}_key", names.join("_"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_unique_messages_map_to_constraint_names() {
        assert_eq!(
            super::sqlite_constraint_name("UNIQUE constraint failed: account.username"),
            "account_username_key"
        );
        assert_eq!(
            super::sqlite_constraint_name(
                "UNIQUE constraint failed: post.account_id, post.department_id"
            ),
            "post_account_id_department_id_key"
        );
        assert_eq!(
            super::sqlite_constraint_name(
                "UNIQUE constraint failed: index 'account_username_lower_key'"
            ),
            "account_username_lower_key"
        );
    }
}

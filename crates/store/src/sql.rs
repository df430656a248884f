//! A small builder for runtime SQL with positional `$n` arguments. Both backends accept `$n`
//! (SQLite reads `$NNN` as parameter number NNN), so one text serves both. Values are always
//! bound, never spliced: the only strings ever appended are the code's own literals.

use sqlx::any::AnyArguments;
use sqlx::Arguments;

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I64(i64),
    OptI64(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(v)
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::OptI64(v)
    }
}
/// Record ids bind as the integer the table keeps.
macro_rules! id_args {
    ($($id:ty),*) => {$(
        impl From<$id> for Arg {
            fn from(v: $id) -> Self {
                Arg::I64(v.get())
            }
        }
        impl From<Option<$id>> for Arg {
            fn from(v: Option<$id>) -> Self {
                Arg::OptI64(v.map(|id| id.get()))
            }
        }
        impl crate::rows::RowKey for $id {
            fn row_key(self) -> i64 {
                self.get()
            }
        }
        impl From<$id> for crate::rows::Key {
            fn from(v: $id) -> Self {
                crate::rows::Key::Int(v.get())
            }
        }
    )*};
}
id_args!(
    fgf_domain::application::ApplicationId,
    fgf_domain::base::AccountId,
    fgf_domain::base::DepartmentId,
    fgf_domain::catalog::MatterId,
    fgf_domain::process::InstanceId,
    fgf_domain::reform::TaskId
);

impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::I64(i64::from(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::OptText(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::OptText(v.map(str::to_owned))
    }
}
/// Dates are stored as ISO text (`YYYY-MM-DD`), which sorts and compares as the date does.
impl From<chrono::NaiveDate> for Arg {
    fn from(v: chrono::NaiveDate) -> Self {
        Arg::Text(v.to_string())
    }
}

impl From<Option<chrono::NaiveDate>> for Arg {
    fn from(v: Option<chrono::NaiveDate>) -> Self {
        Arg::OptText(v.map(|d| d.to_string()))
    }
}

impl From<Option<Vec<u8>>> for Arg {
    fn from(v: Option<Vec<u8>>) -> Self {
        Arg::Bytes(v)
    }
}
impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(Some(v))
    }
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Sql {
    pub text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends literal SQL text (the code's own, never user input).
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder and binds `value` to it.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Sql {
        self.args.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `column like pattern` ignoring letter case on both backends: SQLite's `like`
    /// folds ASCII case and PostgreSQL's does not, so a search typed in the other case found
    /// rows on one store only. `pattern` is already escaped ([`like_escape`]).
    pub fn like_any_case(&mut self, column: &str, pattern: impl Into<Arg>) -> &mut Sql {
        self.push("lower(")
            .push(column)
            .push(") like lower(")
            .bind(pattern)
            .push(") escape '\\'")
    }

    /// A copy with `prefix` before the text: one filter, used for both the count and the page.
    pub fn prefixed(&self, prefix: &str) -> Sql {
        Sql {
            text: format!("{prefix}{}", self.text),
            args: self.args.clone(),
        }
    }

    /// Appends `other` as a further statement of a batch, renumbering its `$n` placeholders
    /// after this one's. Only the code's own placeholders can contain `$` (values are never
    /// spliced), so the scan cannot misread user data.
    pub fn append_renumbered(&mut self, other: &Sql) {
        let offset = self.args.len();
        let text = other.text.as_str();
        self.text.reserve(text.len() + 8);
        // `$` and digits are ASCII, so byte positions are character boundaries here.
        let bytes = text.as_bytes();
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'$' {
                i += 1;
                continue;
            }
            let digits_end = bytes[i + 1..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(bytes.len(), |p| i + 1 + p);
            if digits_end == i + 1 || offset == 0 {
                i = digits_end;
                continue;
            }
            let n: usize = text[i + 1..digits_end].parse().unwrap_or(0);
            self.text.push_str(&text[copied..=i]);
            self.text.push_str(&(n + offset).to_string());
            copied = digits_end;
            i = digits_end;
        }
        self.text.push_str(&text[copied..]);
        self.args.extend(other.args.iter().cloned());
    }

    pub fn arguments<'q>(&self) -> AnyArguments<'q> {
        let mut out = AnyArguments::default();
        for a in &self.args {
            // Adding a supported type to AnyArguments cannot fail; a failure here would be a
            // programming error caught by every test that runs the query.
            let res = match a.clone() {
                Arg::I64(v) => out.add(v),
                Arg::OptI64(v) => out.add(v),
                Arg::Text(v) => out.add(v),
                Arg::OptText(v) => out.add(v),
                Arg::Bytes(v) => out.add(v),
            };
            debug_assert!(res.is_ok(), "binding a supported type failed");
        }
        out
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, AnyArguments<'_>> {
        sqlx::query_with(&self.text, self.arguments())
    }
}

/// Escapes `%`, `_` and `\` for a `like … escape '\'` pattern built from user text.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_placeholders_continue_the_numbering() {
        let mut a = Sql::new("update t set x = ");
        a.bind(1_i64).push(" where y = ").bind("k");
        let mut b = Sql::new("insert into u values (");
        for i in 0..11_i64 {
            if i > 0 {
                b.push(",");
            }
            b.bind(i);
        }
        b.push(") -- $ alone stays");
        a.push(";\n");
        a.append_renumbered(&b);
        assert_eq!(
            a.text,
            "update t set x = $1 where y = $2;\ninsert into u values ($3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) -- $ alone stays"
        );
        assert_eq!(a.args.len(), 13);
        let mut empty = Sql::default();
        empty.append_renumbered(&b);
        assert_eq!(empty.text, b.text, "nothing to shift from an empty start");
    }
}

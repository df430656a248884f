//! The message catalogue: every user-facing string, Chinese first with English beside it.
//! Each part declares its entries in `part/messages.rs`; pages and error messages both read
//! them through here, so a wording is changed in one place.

use fgf_domain::base::permission::Permission;
use fgf_domain::DataScope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn from_code(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// Declares a part's entries (`part/messages.rs`): key => Chinese, English.
macro_rules! messages {
    ($( $key:literal => $zh:literal, $en:literal; )*) => {
        /// This part's entries: (key, Chinese, English).
        pub const MESSAGES: &[(&str, &str, &str)] = &[ $( ($key, $zh, $en), )* ];
    };
}
pub(crate) use messages;

type Index = std::collections::HashMap<&'static str, (&'static str, &'static str)>;

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        keys_with_text()
            .map(|(key, zh, en)| (key, (zh, en)))
            .collect()
    })
}

/// Looks a key up; an unknown key returns itself so a missing entry is visible.
pub fn t(lang: Lang, key: &str) -> &str {
    lookup(lang, key).unwrap_or_else(|| key_fallback(key))
}

/// Looks a key up, `None` when the catalogue lacks it.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    index().get(key).map(|(zh, en)| match lang {
        Lang::Zh => *zh,
        Lang::En => *en,
    })
}

/// Every key of every part, in declaration order (duplicates included, so a test can find them).
pub fn keys() -> impl Iterator<Item = &'static str> {
    keys_with_text().map(|(key, _, _)| key)
}

/// The catalogue is the parts' entries together (`crate::parts::PARTS`).
fn keys_with_text() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    crate::parts::PARTS
        .iter()
        .flat_map(|part| part.messages.iter())
        .copied()
}

fn key_fallback(key: &str) -> &str {
    key
}

/// The label of a permission (its `perm.<code>` entry).
pub fn permission_label(lang: Lang, p: Permission) -> &'static str {
    lookup(lang, &format!("perm.{}", p.code())).unwrap_or_else(|| p.label_zh())
}

/// The label of a data scope (its `scope.<code>` entry).
pub fn scope_label(lang: Lang, s: DataScope) -> &'static str {
    lookup(lang, &format!("scope.{}", s.code())).unwrap_or_else(|| s.label_zh())
}

/// The label of a department kind (its `dept_kind.<code>` entry); an unknown kind shows as is.
pub fn department_kind_label(lang: Lang, kind: &str) -> &str {
    lookup(lang, &format!("dept_kind.{kind}")).unwrap_or(kind)
}

/// Why a task has its light, in the language of the page.
pub fn light_reason(lang: Lang, r: &fgf_domain::reform::LightReason) -> String {
    use fgf_domain::reform::LightReason as R;
    let fill = |key: &str, args: &[String]| {
        args.iter()
            .enumerate()
            .fold(t(lang, key).to_owned(), |s, (i, a)| {
                s.replace(&format!("{{{i}}}"), a)
            })
    };
    match r {
        R::Overdue { days } => fill("reason.overdue", &[days.to_string()]),
        R::MilestoneMissed { date } => fill("reason.milestone", &[date.to_string()]),
        R::Behind {
            near,
            progress_pct,
            elapsed_workdays,
            planned_workdays,
        } => fill(
            "reason.behind",
            &[
                near.to_string(),
                progress_pct.to_string(),
                elapsed_workdays.to_string(),
                planned_workdays.to_string(),
            ],
        ),
        R::ReportMissing { due } => fill("reason.report", &[due.to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_and_no_duplicates() {
        let mut seen = std::collections::BTreeSet::new();
        for key in keys() {
            assert!(seen.insert(key), "duplicate catalogue key {key}");
            assert_ne!(t(Lang::Zh, key), key, "missing Chinese text for {key}");
            assert_ne!(t(Lang::En, key), key, "missing English text for {key}");
        }
    }

    #[test]
    fn code_defined_labels_match_their_chinese_source() {
        for p in Permission::ALL {
            let key = format!("perm.{}", p.code());
            assert_eq!(lookup(Lang::Zh, &key), Some(p.label_zh()), "{key}");
            assert!(lookup(Lang::En, &key).is_some(), "{key}");
        }
        for s in DataScope::ALL_SCOPES {
            let key = format!("scope.{}", s.code());
            assert_eq!(lookup(Lang::Zh, &key), Some(s.label_zh()), "{key}");
            assert!(lookup(Lang::En, &key).is_some(), "{key}");
        }
        for kind in fgf_domain::base::record::DepartmentKind::ALL {
            let code = kind.as_str();
            assert_eq!(
                department_kind_label(Lang::Zh, code),
                kind.label_zh(),
                "{kind}"
            );
            assert_ne!(department_kind_label(Lang::En, code), code, "{kind}");
        }
        assert_eq!(department_kind_label(Lang::En, "moon_base"), "moon_base");
        assert_eq!(
            scope_label(Lang::En, DataScope::DeptAndBelow),
            "Own department and below"
        );
    }
}

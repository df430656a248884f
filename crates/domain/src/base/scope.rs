//! Data scopes (数据权限): how much of the organisation's records a role may see.
//!
//! 等保 level 3 asks for least privilege (GB/T 22239 8.1.4.2, RULES.md §7.2), and a district
//! platform must keep a street office from reading another street office's cases. A role grants
//! one scope; a user with several roles gets the widest, which is why the scopes are ordered.
//! Departments are stored as materialised paths ("/1/5/12/"), so "this department and below" is a
//! prefix test that the store can also run as `LIKE '/1/5/%'`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The records a role may see, from narrowest to widest; the derived order is the width, so
/// combining roles is `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataScope {
    /// 本人: records the user created or is assigned to.
    Own,
    /// 本部门: records of the user's department.
    Dept,
    /// 本部门及下级: records of the user's department and every department below it.
    DeptAndBelow,
    /// 全部: every record.
    All,
}

impl DataScope {
    pub const ALL_SCOPES: [DataScope; 4] = [
        DataScope::Own,
        DataScope::Dept,
        DataScope::DeptAndBelow,
        DataScope::All,
    ];

    /// The stable code used in storage and in the API.
    pub fn code(self) -> &'static str {
        match self {
            DataScope::Own => "own",
            DataScope::Dept => "dept",
            DataScope::DeptAndBelow => "dept_and_below",
            DataScope::All => "all",
        }
    }

    /// The label shown in the role editor.
    pub fn label_zh(self) -> &'static str {
        match self {
            DataScope::Own => "本人",
            DataScope::Dept => "本部门",
            DataScope::DeptAndBelow => "本部门及下级",
            DataScope::All => "全部",
        }
    }
}

impl fmt::Display for DataScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A scope code that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("unknown data scope {0:?}, expected own, dept, dept_and_below or all")]
    Unknown(String),
}

impl ScopeError {
    /// The explanation shown to the administrator, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ScopeError::Unknown(code) => {
                format!("未知的数据权限“{code}”，应为本人、本部门、本部门及下级或全部")
            }
        }
    }
}

impl FromStr for DataScope {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DataScope::ALL_SCOPES
            .into_iter()
            .find(|scope| scope.code() == s)
            .ok_or_else(|| ScopeError::Unknown(s.to_owned()))
    }
}

/// Whether the department at `path` is the one at `ancestor_path` or below it.
///
/// Both must be materialised paths that start and end with "/" ("/1/5/12/"). A malformed path
/// answers false: this is a permission check, and the trailing slash is what keeps "/1/5/" from
/// matching "/1/50/".
pub fn dept_path_contains(ancestor_path: &str, path: &str) -> bool {
    let well_formed = |p: &str| p.len() > 1 && p.starts_with('/') && p.ends_with('/');
    if !well_formed(ancestor_path) || !well_formed(path) {
        return false;
    }
    path.starts_with(ancestor_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_scope_wins_when_roles_combine() {
        assert!(DataScope::All > DataScope::DeptAndBelow);
        assert!(DataScope::DeptAndBelow > DataScope::Dept);
        assert!(DataScope::Dept > DataScope::Own);
        let granted = [DataScope::Dept, DataScope::Own, DataScope::DeptAndBelow];
        assert_eq!(granted.into_iter().max(), Some(DataScope::DeptAndBelow));
    }

    #[test]
    fn codes_round_trip_through_from_str_and_serde() {
        for scope in DataScope::ALL_SCOPES {
            assert_eq!(scope.code().parse::<DataScope>(), Ok(scope));
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(json, format!("\"{}\"", scope.code()));
            assert_eq!(serde_json::from_str::<DataScope>(&json).unwrap(), scope);
        }
        assert_eq!(DataScope::DeptAndBelow.label_zh(), "本部门及下级");
        let err = "everything".parse::<DataScope>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown data scope \"everything\", expected own, dept, dept_and_below or all"
        );
        assert!(err.message_zh().contains("everything"));
    }

    #[test]
    fn dept_paths_match_on_whole_segments() {
        assert!(dept_path_contains("/1/5/", "/1/5/"));
        assert!(dept_path_contains("/1/5/", "/1/5/12/"));
        assert!(dept_path_contains("/1/", "/1/5/12/"));
        assert!(!dept_path_contains("/1/5/", "/1/50/"));
        assert!(!dept_path_contains("/1/5/12/", "/1/5/"));
        assert!(!dept_path_contains("/1/5", "/1/50/"));
        assert!(!dept_path_contains("", "/1/"));
        assert!(!dept_path_contains("/", "/1/"));
    }
}

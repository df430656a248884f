//! Password complexity (口令复杂度) for 等保 level 3.
//!
//! GB/T 22239-2019 8.1.4.1 a) requires authentication information to have complexity requirements
//! but gives no numbers; assessors commonly expect at least 8 characters from at least 3 of the
//! 4 classes (RULES.md §7.2). The numbers are therefore a policy with those defaults, not
//! constants.

/// The complexity a new password must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    /// Minimum length in characters.
    pub min_len: usize,
    /// Minimum number of classes among lower case, upper case, digits and other characters.
    pub min_classes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_len: 8,
            min_classes: 3,
        }
    }
}

/// Why a password was refused. Messages never contain the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password has {found} characters, minimum is {min}")]
    TooShort { min: usize, found: usize },
    #[error("password uses {found} character classes, minimum is {min}")]
    TooFewClasses { min: usize, found: usize },
    #[error("password contains the username {0:?}")]
    ContainsUsername(String),
}

impl PasswordError {
    /// The explanation shown to the user, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            PasswordError::TooShort { min, found } => {
                format!("密码长度为{found}位，至少需要{min}位")
            }
            PasswordError::TooFewClasses { min, found } => format!(
                "密码只包含{found}类字符，至少需要包含小写字母、大写字母、数字、特殊符号中的{min}类"
            ),
            PasswordError::ContainsUsername(_) => "密码不能包含用户名".to_owned(),
        }
    }
}

/// Usernames shorter than this are not searched for: a one- or two-letter name would forbid
/// most passwords without making any of them harder to guess.
const MIN_USERNAME_CHECKED: usize = 3;

impl PasswordPolicy {
    /// Checks a new password of `username`, reporting the first rule it breaks.
    pub fn check(&self, password: &str, username: &str) -> Result<(), PasswordError> {
        let found = password.chars().count();
        if found < self.min_len {
            return Err(PasswordError::TooShort {
                min: self.min_len,
                found,
            });
        }
        let classes = character_classes(password);
        if classes < self.min_classes {
            return Err(PasswordError::TooFewClasses {
                min: self.min_classes,
                found: classes,
            });
        }
        let username = username.trim();
        if username.chars().count() >= MIN_USERNAME_CHECKED
            && password.to_lowercase().contains(&username.to_lowercase())
        {
            return Err(PasswordError::ContainsUsername(username.to_owned()));
        }
        Ok(())
    }
}

/// Counts the classes present: ASCII lower case, ASCII upper case, ASCII digits, and everything
/// else (punctuation, spaces, Chinese characters), which an attacker's alphabet must also cover.
fn character_classes(password: &str) -> usize {
    let has = |pred: fn(&char) -> bool| password.chars().any(|c| pred(&c));
    [
        has(char::is_ascii_lowercase),
        has(char::is_ascii_uppercase),
        has(char::is_ascii_digit),
        has(|c| !c.is_ascii_alphanumeric()),
    ]
    .into_iter()
    .filter(|&present| present)
    .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbt22239_complexity_defaults_are_8_chars_3_classes() {
        let policy = PasswordPolicy::default();
        assert_eq!(policy.check("Abcdef1!", "zhangsan"), Ok(()));
        assert_eq!(
            policy.check("abcdef12", "zhangsan").unwrap_err(),
            PasswordError::TooFewClasses { min: 3, found: 2 }
        );
        assert_eq!(
            policy.check("Abc1!", "zhangsan").unwrap_err(),
            PasswordError::TooShort { min: 8, found: 5 }
        );
        assert_eq!(policy.check("密码Abcd1234", "zhangsan"), Ok(()));
        assert_eq!(policy.check("abcd 1234", "zhangsan"), Ok(()));
    }

    #[test]
    fn gbt22239_password_must_not_contain_the_username() {
        let policy = PasswordPolicy::default();
        let err = policy.check("xZhangSan1!", "zhangsan").unwrap_err();
        assert_eq!(err, PasswordError::ContainsUsername("zhangsan".to_owned()));
        assert_eq!(
            err.to_string(),
            "password contains the username \"zhangsan\""
        );
        assert_eq!(err.message_zh(), "密码不能包含用户名");
        // Too short a username to be meaningful.
        assert_eq!(policy.check("Ab1!Ab1!xy", "ab"), Ok(()));
    }

    #[test]
    fn policy_is_configurable() {
        let policy = PasswordPolicy {
            min_len: 12,
            min_classes: 4,
        };
        assert!(matches!(
            policy.check("Abcdef1!", "u"),
            Err(PasswordError::TooShort { .. })
        ));
        assert!(matches!(
            policy.check("Abcdefgh1234", "u"),
            Err(PasswordError::TooFewClasses { .. })
        ));
        assert_eq!(policy.check("Abcdefgh123!", "u"), Ok(()));
    }
}

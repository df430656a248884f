//! Identifiers with check characters: the unified social credit code (统一社会信用代码, GB 32100-2015)
//! of organisations and the resident identity number (居民身份证号码, GB 11643-1999) of people.
//!
//! Both numbers carry a check character, so most typing mistakes can be refused at the counter
//! before they reach a case file, a licence or a publication.
//! The algorithms and test vectors are in RULES.md §4; the masking conventions for screens and
//! publications are in RULES.md §7.4.
//! Parsed values are newtypes, so a string that has not been checked cannot cross a crate boundary
//! pretending to be an identifier.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a code is not a valid identifier.
///
/// Positions are 1-based, as a clerk counts them on the printed number.
/// Messages never repeat the whole number, because error messages end up in logs and a resident
/// identity number is personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("length {found}, expected {expected}")]
    Length { expected: usize, found: usize },
    #[error("invalid character {ch:?} at position {position}")]
    Charset { position: usize, ch: char },
    #[error("check digit should be {expected}, found {found}")]
    Checksum { expected: char, found: char },
    #[error("invalid date {0}")]
    Date(String),
    #[error("unknown region code {0}")]
    Region(String),
}

impl IdError {
    /// The explanation shown to the applicant, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            IdError::Length { expected, found } => {
                format!("号码长度为{found}位，应为{expected}位")
            }
            IdError::Charset { position, ch } => format!("第{position}位字符“{ch}”不符合编码规则"),
            IdError::Checksum { expected, found } => {
                format!("校验码应为“{expected}”，实际为“{found}”，请核对号码是否输入有误")
            }
            IdError::Date(date) => format!("出生日期“{date}”不是有效日期"),
            IdError::Region(code) => format!("地址码“{code}”不是有效的行政区划代码"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码

/// The 31 characters of GB 32100; I, O, S, V and Z are left out because they are easily confused
/// with digits or with each other.
const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// W_i = 3^(i-1) mod 31, from GB 32100 (RULES.md §4.1).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 11714 weights for the first eight characters of the embedded organisation code.
const ORG_CODE_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

fn uscc_value(ch: char) -> Option<u32> {
    USCC_CHARSET
        .chars()
        .position(|c| c == ch)
        .map(|idx| idx as u32)
}

fn uscc_char(value: u32) -> char {
    // Invariant: value < 31, guaranteed by the callers' `% 31`.
    USCC_CHARSET.as_bytes()[value as usize] as char
}

/// Validates the 17 body characters and returns the check character they call for.
fn uscc_check_of(body: &[char]) -> Result<char, IdError> {
    if body.len() != 17 {
        return Err(IdError::Length {
            expected: 17,
            found: body.len(),
        });
    }
    let mut sum = 0u32;
    for (idx, (&ch, weight)) in body.iter().zip(USCC_WEIGHTS).enumerate() {
        let position = idx + 1;
        // Positions 3-8 hold the GB/T 2260 administrative division code, which is numeric.
        let value = match uscc_value(ch) {
            Some(value) if !(3..=8).contains(&position) || value < 10 => value,
            _ => return Err(IdError::Charset { position, ch }),
        };
        sum += value * weight;
    }
    Ok(uscc_char((31 - sum % 31) % 31))
}

/// A unified social credit code (统一社会信用代码) whose check character is correct.
///
/// Invariant: 18 characters from the GB 32100 charset, upper case, positions 3-8 digits, valid
/// check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

impl Uscc {
    /// Parses a code as typed: surrounding blanks are dropped and letters upper-cased, because
    /// applicants copy codes from paper licences in every possible case.
    pub fn parse(input: &str) -> Result<Uscc, IdError> {
        let code = input.trim().to_uppercase();
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(IdError::Length {
                expected: 18,
                found: chars.len(),
            });
        }
        let expected = uscc_check_of(&chars[..17])?;
        let found = chars[17];
        if uscc_value(found).is_none() {
            return Err(IdError::Charset {
                position: 18,
                ch: found,
            });
        }
        if expected != found {
            return Err(IdError::Checksum { expected, found });
        }
        Ok(Uscc(code))
    }

    /// The check character that completes a 17-character body; used to build test data and to
    /// tell a clerk which character is expected.
    pub fn check_char(body: &str) -> Result<char, IdError> {
        let chars: Vec<char> = body.trim().to_uppercase().chars().collect();
        uscc_check_of(&chars)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks the embedded organisation code (组织机构代码, GB 11714, positions 9-17).
    ///
    /// Only a warning: RULES.md §4.1 makes the USCC check binding, and codes issued to bodies that
    /// never had an organisation code do not always satisfy the older check.
    pub fn org_code_warning(&self) -> Option<String> {
        let org: Vec<char> = self.0.chars().skip(8).take(9).collect();
        let mut sum = 0u32;
        for (&ch, weight) in org.iter().zip(ORG_CODE_WEIGHTS) {
            // Every USCC character is a digit or an upper-case letter, so to_digit(36) always
            // succeeds; A=10 … Z=35 as GB 11714 numbers them.
            sum += ch.to_digit(36)? * weight;
        }
        let expected = match 11 - sum % 11 {
            10 => 'X',
            11 => '0',
            digit => char::from_digit(digit, 10)?,
        };
        let found = org[8];
        if expected == found {
            return None;
        }
        let org_code: String = org.iter().collect();
        Some(format!(
            "embedded organisation code {org_code} fails the gb 11714 check: check character should be {expected}, found {found}"
        ))
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Uscc {
    type Error = IdError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Uscc::parse(&value)
    }
}

impl From<Uscc> for String {
    fn from(value: Uscc) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// 居民身份证号码

/// W_i = 2^(17-i) mod 11, from GB 11643 (RULES.md §4.2).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// ISO 7064 MOD 11-2 check characters indexed by the weighted sum mod 11.
const ID_CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes of GB/T 2260 (including 71 台湾 and 81/82 香港/澳门, and 83 used by the
/// residence permits of Taiwan residents). A number outside these cannot have been issued, and the
/// check character alone would let one in eleven such mistakes through.
const PROVINCE_CODES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];

/// GB 11643 has no lower bound, but a birth year before 1800 can only be a typing mistake.
const MIN_BIRTH_YEAR: i32 = 1800;

fn resident_check_of(body: &[char]) -> Result<char, IdError> {
    if body.len() != 17 {
        return Err(IdError::Length {
            expected: 17,
            found: body.len(),
        });
    }
    let mut sum = 0u32;
    for (idx, (&ch, weight)) in body.iter().zip(ID_WEIGHTS).enumerate() {
        let Some(digit) = ch.to_digit(10) else {
            return Err(IdError::Charset {
                position: idx + 1,
                ch,
            });
        };
        sum += digit * weight;
    }
    Ok(ID_CHECK_CHARS[(sum % 11) as usize])
}

fn check_region(digits: &str) -> Result<(), IdError> {
    if PROVINCE_CODES.contains(&&digits[..2]) {
        return Ok(());
    }
    Err(IdError::Region(digits[..6].to_owned()))
}

/// Reads YYYYMMDD; the caller has checked that the eight characters are ASCII digits.
fn birth_date_of(yyyymmdd: &str) -> Result<NaiveDate, IdError> {
    let invalid = || IdError::Date(yyyymmdd.to_owned());
    let year: i32 = yyyymmdd[..4].parse().map_err(|_| invalid())?;
    let month: u32 = yyyymmdd[4..6].parse().map_err(|_| invalid())?;
    let day: u32 = yyyymmdd[6..8].parse().map_err(|_| invalid())?;
    if year < MIN_BIRTH_YEAR {
        return Err(invalid());
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)
}

/// A resident identity number (居民身份证号码) in its 18-character form.
///
/// Invariant: 17 digits and a check character (digit or upper-case X) that satisfies MOD 11-2,
/// a known province code and a real calendar date; `birth_date` is the date in positions 7-14.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId {
    code: String,
    birth_date: NaiveDate,
}

impl ResidentId {
    /// Parses an 18-character number, or a legacy 15-digit one (GB 11643-1989) which is converted
    /// to the 18-character form, since both still appear on old documents.
    pub fn parse(input: &str) -> Result<ResidentId, IdError> {
        let code = input.trim().replace('x', "X");
        match code.chars().count() {
            15 => ResidentId::from_legacy15(&code),
            18 => ResidentId::parse18(&code),
            found => Err(IdError::Length {
                expected: 18,
                found,
            }),
        }
    }

    /// Converts a legacy 15-digit number: the two-digit year gets "19" in front (the old numbers
    /// were retired before anyone born in 2000 needed one) and the check character is computed.
    pub fn from_legacy15(input: &str) -> Result<ResidentId, IdError> {
        let chars: Vec<char> = input.trim().chars().collect();
        if chars.len() != 15 {
            return Err(IdError::Length {
                expected: 15,
                found: chars.len(),
            });
        }
        if let Some((idx, &ch)) = chars.iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdError::Charset {
                position: idx + 1,
                ch,
            });
        }
        let legacy: String = chars.iter().collect();
        check_region(&legacy)?;
        let body = format!("{}19{}", &legacy[..6], &legacy[6..]);
        let birth_date = birth_date_of(&body[6..14])?;
        let body_chars: Vec<char> = body.chars().collect();
        let check = resident_check_of(&body_chars)?;
        Ok(ResidentId {
            code: format!("{body}{check}"),
            birth_date,
        })
    }

    fn parse18(code: &str) -> Result<ResidentId, IdError> {
        let chars: Vec<char> = code.chars().collect();
        for (idx, &ch) in chars.iter().enumerate() {
            let allowed = ch.is_ascii_digit() || (idx == 17 && ch == 'X');
            if !allowed {
                return Err(IdError::Charset {
                    position: idx + 1,
                    ch,
                });
            }
        }
        // All characters are ASCII from here on, so byte slicing is safe.
        check_region(code)?;
        let birth_date = birth_date_of(&code[6..14])?;
        let expected = resident_check_of(&chars[..17])?;
        let found = chars[17];
        if expected != found {
            return Err(IdError::Checksum { expected, found });
        }
        Ok(ResidentId {
            code: code.to_owned(),
            birth_date,
        })
    }

    /// The check character that completes a 17-digit body.
    pub fn check_char(body: &str) -> Result<char, IdError> {
        let chars: Vec<char> = body.trim().chars().collect();
        resident_check_of(&chars)
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// GB 11643: the sequence code (position 17) is odd for men and even for women.
    pub fn is_male(&self) -> bool {
        self.code.as_bytes()[16] % 2 == 1
    }

    /// The six-digit address code (地址码) of the county where the number was issued.
    pub fn region_code(&self) -> &str {
        &self.code[..6]
    }

    /// The form to show on screens and in publications (RULES.md §7.4).
    pub fn masked(&self) -> String {
        mask_resident_id(&self.code)
    }

    /// The age in whole years on `today`; the caller passes the date because this crate reads no
    /// clock.
    pub fn age_on(&self, today: NaiveDate) -> i32 {
        let born = self.birth_date;
        let mut age = today.year() - born.year();
        if (today.month(), today.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        age
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

impl TryFrom<String> for ResidentId {
    type Error = IdError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        ResidentId::parse(&value)
    }
}

impl From<ResidentId> for String {
    fn from(value: ResidentId) -> Self {
        value.code
    }
}

// ---------------------------------------------------------------------------------------------
// Checking a code of unknown kind

/// Which standard a code follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Uscc,
    ResidentId,
}

/// The answer to "is this a valid code?" for forms where the applicant may be a person or an
/// organisation (申请人证件号码).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdCheck {
    /// The input trimmed and upper-cased.
    pub code: String,
    /// The standard the code satisfies, or the best guess from its shape when it satisfies none.
    pub kind: Option<IdKind>,
    pub valid: bool,
    /// Why the code is invalid, in the words of the guessed standard.
    pub reason: Option<String>,
}

/// Checks a code against both standards.
///
/// An 18-digit code can in principle satisfy both; a person is then the likelier applicant, so
/// resident_id wins.
pub fn check_code(input: &str) -> IdCheck {
    let code = input.trim().to_uppercase();
    let resident = ResidentId::parse(&code);
    let uscc = Uscc::parse(&code);
    let (kind, valid, reason) = match (resident, uscc) {
        (Ok(_), _) => (Some(IdKind::ResidentId), true, None),
        (Err(_), Ok(_)) => (Some(IdKind::Uscc), true, None),
        (Err(resident_err), Err(uscc_err)) => {
            let (kind, err) = guess_kind(&code, resident_err, uscc_err);
            (kind, false, Some(err.to_string()))
        }
    };
    IdCheck {
        code,
        kind,
        valid,
        reason,
    }
}

/// Guesses the intended standard from the shape of an invalid code, so the reason speaks of the
/// mistake the applicant most likely made.
fn guess_kind(code: &str, resident_err: IdError, uscc_err: IdError) -> (Option<IdKind>, IdError) {
    let chars: Vec<char> = code.chars().collect();
    let resident_shape = chars.len() == 18
        && chars[..17].iter().all(char::is_ascii_digit)
        && (chars[17].is_ascii_digit() || chars[17] == 'X');
    if resident_shape {
        return (Some(IdKind::ResidentId), resident_err);
    }
    let has_uscc_letter = chars
        .iter()
        .any(|&ch| ch.is_ascii_uppercase() && uscc_value(ch).is_some());
    if has_uscc_letter {
        return (Some(IdKind::Uscc), uscc_err);
    }
    if chars.len() == 15 && chars.iter().all(char::is_ascii_digit) {
        return (Some(IdKind::ResidentId), resident_err);
    }
    if chars.len() == 18 {
        return (None, uscc_err);
    }
    (
        None,
        IdError::Length {
            expected: 18,
            found: chars.len(),
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Masking (RULES.md §7.4)

/// Keeps `keep_start` leading and `keep_end` trailing characters; a value too short to keep both
/// and still hide something is hidden entirely, since a partial mask of a short value reveals it.
fn mask_middle(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..keep_start].iter().collect();
    out.push_str(&"*".repeat(chars.len() - keep_start - keep_end));
    out.extend(&chars[chars.len() - keep_end..]);
    out
}

/// `110105194912310021` → `1101**********0021`: hides the birth date and the sequence code,
/// keeping enough for a clerk to tell two numbers apart.
pub fn mask_resident_id(s: &str) -> String {
    mask_middle(s.trim(), 4, 4)
}

/// `13812341234` → `138****1234`.
pub fn mask_phone(s: &str) -> String {
    mask_middle(s.trim(), 3, 4)
}

/// `张三` → `张*`, `欧阳娜娜` → `欧***`: the family name stays, as in public lists.
pub fn mask_name(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count();
            if rest == 0 {
                return "*".to_owned();
            }
            let mut out = String::from(first);
            out.push_str(&"*".repeat(rest));
            out
        }
    }
}

/// Why a mobile number is refused. Messages never repeat the whole number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MobileError {
    #[error("length {found}, expected 11")]
    Length { found: usize },
    #[error("invalid character {ch:?} at position {position}")]
    Charset { position: usize, ch: char },
    #[error("prefix {0} is not a mobile prefix, expected 13 to 19")]
    Prefix(String),
}

impl MobileError {
    /// The explanation shown to the applicant, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            MobileError::Length { found } => format!("手机号码长度为{found}位，应为11位"),
            MobileError::Charset { position, ch } => {
                format!("手机号码第{position}位字符“{ch}”不是数字")
            }
            MobileError::Prefix(prefix) => {
                format!("手机号码不能以“{prefix}”开头，应以13至19开头")
            }
        }
    }
}

/// Checks a mainland mobile number: 11 digits starting 13–19.
///
/// The value is checked exactly as given (no trimming), because this returns no normalised copy:
/// callers trim before checking and store what they checked.
pub fn validate_mobile(s: &str) -> Result<(), MobileError> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 11 {
        return Err(MobileError::Length { found: chars.len() });
    }
    if let Some((idx, &ch)) = chars.iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(MobileError::Charset {
            position: idx + 1,
            ch,
        });
    }
    if chars[0] != '1' || !('3'..='9').contains(&chars[1]) {
        return Err(MobileError::Prefix(s[..2].to_owned()));
    }
    Ok(())
}

// Test names quote the codes as printed in the standards, upper-case letters included.
#[cfg(test)]
#[allow(non_snake_case)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn uscc_err(code: &str) -> IdError {
        match Uscc::parse(code) {
            Ok(_) => panic!("{code} should be invalid"),
            Err(err) => err,
        }
    }

    fn resident_err(code: &str) -> IdError {
        match ResidentId::parse(code) {
            Ok(_) => panic!("{code} should be invalid"),
            Err(err) => err,
        }
    }

    // RULES.md §4.1 table.

    #[test]
    fn gb32100_worked_example_91350100M000100Y43_is_valid() {
        let code = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(code.as_str(), "91350100M000100Y43");
        assert_eq!(Uscc::check_char("91350100M000100Y4").unwrap(), '3');
    }

    #[test]
    fn gb32100_worked_example_z_version_is_invalid() {
        // The standard prints the body with a Z placeholder; Z is not in the charset at all.
        assert_eq!(
            uscc_err("91350100M000100Y4Z"),
            IdError::Charset {
                position: 18,
                ch: 'Z'
            }
        );
    }

    #[test]
    fn gb32100_91350100M000100Y44_is_invalid_check_should_be_3() {
        assert_eq!(
            uscc_err("91350100M000100Y44"),
            IdError::Checksum {
                expected: '3',
                found: '4'
            }
        );
    }

    #[test]
    fn gb32100_library_docs_9144030071526726XG_is_valid() {
        assert!(Uscc::parse("9144030071526726XG").is_ok());
    }

    #[test]
    fn gb32100_guangdong_public_body_12441500196720244T_is_valid() {
        assert!(Uscc::parse("12441500196720244T").is_ok());
    }

    #[test]
    fn gb32100_sichuan_public_body_11511301008778183N_is_valid() {
        assert!(Uscc::parse("11511301008778183N").is_ok());
    }

    #[test]
    fn gb32100_blog_example_91310115MA1H8R7C6D_is_invalid_check_should_be_7() {
        assert_eq!(
            uscc_err("91310115MA1H8R7C6D"),
            IdError::Checksum {
                expected: '7',
                found: 'D'
            }
        );
    }

    #[test]
    fn gb32100_synthetic_91110108MA1H8R7C4F_is_valid_with_valid_org_code() {
        let code = Uscc::parse("91110108MA1H8R7C4F").unwrap();
        assert_eq!(code.org_code_warning(), None);
    }

    #[test]
    fn gb32100_synthetic_91110108083372204E_is_valid_with_valid_org_code() {
        let code = Uscc::parse("91110108083372204E").unwrap();
        assert_eq!(code.org_code_warning(), None);
    }

    #[test]
    fn gb32100_parse_trims_and_uppercases() {
        let code = Uscc::parse("  91350100m000100y43 ").unwrap();
        assert_eq!(code.to_string(), "91350100M000100Y43");
    }

    #[test]
    fn gb32100_positions_3_to_8_must_be_digits() {
        assert_eq!(
            uscc_err("91A50100M000100Y43"),
            IdError::Charset {
                position: 3,
                ch: 'A'
            }
        );
    }

    #[test]
    fn gb32100_excluded_letters_are_refused() {
        assert_eq!(
            uscc_err("91350100I000100Y43"),
            IdError::Charset {
                position: 9,
                ch: 'I'
            }
        );
    }

    #[test]
    fn gb11714_org_code_mismatch_is_only_a_warning() {
        // Build a USCC whose embedded organisation code has a wrong check character but whose own
        // check character is right: it must parse, with a warning.
        let body = "91110108MA1H8R7C5";
        let check = Uscc::check_char(body).unwrap();
        let code = Uscc::parse(&format!("{body}{check}")).unwrap();
        let warning = code.org_code_warning().expect("org code check should fail");
        assert!(warning.contains("MA1H8R7C5"), "{warning}");
        assert!(warning.contains("should be 4"), "{warning}");
    }

    #[test]
    fn uscc_serde_round_trips_and_validates() {
        let code = Uscc::parse("91350100M000100Y43").unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, "\"91350100M000100Y43\"");
        assert_eq!(serde_json::from_str::<Uscc>(&json).unwrap(), code);
        assert!(serde_json::from_str::<Uscc>("\"91350100M000100Y44\"").is_err());
    }

    // RULES.md §4.2 table.

    #[test]
    fn gb11643_appendix_example_11010519491231002X_is_valid() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert!(!id.is_male(), "the appendix example is female");
        assert_eq!(id.region_code(), "110105");
    }

    #[test]
    fn gb11643_appendix_example_440524188001010014_is_valid() {
        let id = ResidentId::parse("440524188001010014").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1880, 1, 1).unwrap()
        );
        assert!(id.is_male(), "sequence code 001 is odd");
    }

    #[test]
    fn gb11643_worked_example_34052419800101001X_is_valid() {
        assert_eq!(ResidentId::check_char("34052419800101001").unwrap(), 'X');
        let id = ResidentId::parse("34052419800101001X").unwrap();
        assert!(id.is_male());
    }

    #[test]
    fn gb11643_110105194912310021_is_invalid_check_should_be_x() {
        assert_eq!(
            resident_err("110105194912310021"),
            IdError::Checksum {
                expected: 'X',
                found: '1'
            }
        );
    }

    #[test]
    fn gb11643_lowercase_x_is_normalised() {
        let id = ResidentId::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn gb11643_feb30_is_invalid() {
        assert_eq!(
            resident_err("110105194902300025"),
            IdError::Date("19490230".to_owned())
        );
    }

    #[test]
    fn gb11643_synthetic_leap_day_511602200002290017_is_valid() {
        let id = ResidentId::parse("511602200002290017").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(2000, 2, 29).unwrap()
        );
        assert!(id.is_male());
    }

    #[test]
    fn gb11643_feb29_of_a_common_year_is_invalid() {
        let body = "51160220010229001";
        let check = ResidentId::check_char(body).unwrap();
        assert_eq!(
            resident_err(&format!("{body}{check}")),
            IdError::Date("20010229".to_owned())
        );
    }

    #[test]
    fn gb11643_years_before_1800_are_invalid() {
        let body = "11010517991231002";
        let check = ResidentId::check_char(body).unwrap();
        assert_eq!(
            resident_err(&format!("{body}{check}")),
            IdError::Date("17991231".to_owned())
        );
    }

    #[test]
    fn gb11643_unknown_province_is_invalid() {
        let body = "99010519491231002";
        let check = ResidentId::check_char(body).unwrap();
        assert_eq!(
            resident_err(&format!("{body}{check}")),
            IdError::Region("990105".to_owned())
        );
    }

    #[test]
    fn gb11643_1989_legacy_15_digit_number_is_converted() {
        let id = ResidentId::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(ResidentId::from_legacy15("110105491231002").unwrap(), id);
        assert_eq!(
            resident_err("110105490230002"),
            IdError::Date("19490230".to_owned())
        );
    }

    #[test]
    fn gb11643_wrong_lengths_and_letters_are_refused() {
        assert_eq!(
            resident_err("11010519491231002"),
            IdError::Length {
                expected: 18,
                found: 17
            }
        );
        assert_eq!(
            resident_err("1101051949123100X2"),
            IdError::Charset {
                position: 17,
                ch: 'X'
            }
        );
    }

    #[test]
    fn resident_id_masking_and_serde() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "1101**********002X");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        assert_eq!(serde_json::from_str::<ResidentId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<ResidentId>("\"110105194912310021\"").is_err());
    }

    #[test]
    fn resident_id_age_counts_whole_years() {
        let id = ResidentId::parse("511602200002290017").unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(id.age_on(day(2018, 2, 28)), 17);
        assert_eq!(id.age_on(day(2018, 3, 1)), 18);
    }

    // check_code

    #[test]
    fn check_code_reports_kind_and_reason() {
        let check = check_code(" 91350100m000100y43 ");
        assert_eq!(check.code, "91350100M000100Y43");
        assert_eq!(check.kind, Some(IdKind::Uscc));
        assert!(check.valid);
        assert_eq!(check.reason, None);

        let check = check_code("11010519491231002x");
        assert_eq!(check.kind, Some(IdKind::ResidentId));
        assert!(check.valid);

        let check = check_code("91350100M000100Y44");
        assert_eq!(check.kind, Some(IdKind::Uscc));
        assert!(!check.valid);
        assert_eq!(
            check.reason.as_deref(),
            Some("check digit should be 3, found 4")
        );

        let check = check_code("110105194902300025");
        assert_eq!(check.kind, Some(IdKind::ResidentId));
        assert_eq!(check.reason.as_deref(), Some("invalid date 19490230"));

        let check = check_code("110105194912310021");
        assert_eq!(
            check.reason.as_deref(),
            Some("check digit should be X, found 1")
        );

        let check = check_code("110105490230002");
        assert_eq!(check.kind, Some(IdKind::ResidentId));
        assert!(!check.valid);

        let check = check_code("11010519491231002");
        assert_eq!(check.kind, None);
        assert_eq!(check.reason.as_deref(), Some("length 17, expected 18"));

        let check = check_code("");
        assert_eq!(check.kind, None);
        assert!(!check.valid);
    }

    #[test]
    fn check_code_serialises_kind_in_snake_case() {
        let json = serde_json::to_value(check_code("11010519491231002X")).unwrap();
        assert_eq!(json["kind"], "resident_id");
        let json = serde_json::to_value(check_code("91350100M000100Y43")).unwrap();
        assert_eq!(json["kind"], "uscc");
    }

    #[test]
    fn error_messages_have_chinese_versions() {
        let err = IdError::Checksum {
            expected: '3',
            found: '4',
        };
        assert!(err.message_zh().contains("校验码"));
        assert!(IdError::Date("19490230".to_owned())
            .message_zh()
            .contains("19490230"));
    }

    // Masking and mobile numbers (RULES.md §7.4).

    #[test]
    fn masking_follows_the_common_conventions() {
        assert_eq!(mask_resident_id("110105194912310021"), "1101**********0021");
        assert_eq!(mask_resident_id("1234567"), "*******");
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("12345678"), "123*5678");
        assert_eq!(mask_phone("1234567"), "*******");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("张"), "*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn mobile_numbers_are_11_digits_starting_13_to_19() {
        assert_eq!(validate_mobile("13812341234"), Ok(()));
        assert_eq!(validate_mobile("19912341234"), Ok(()));
        assert_eq!(
            validate_mobile("1381234123"),
            Err(MobileError::Length { found: 10 })
        );
        assert_eq!(
            validate_mobile("1381234123a"),
            Err(MobileError::Charset {
                position: 11,
                ch: 'a'
            })
        );
        assert_eq!(
            validate_mobile("12812341234"),
            Err(MobileError::Prefix("12".to_owned()))
        );
        assert_eq!(
            validate_mobile("23812341234"),
            Err(MobileError::Prefix("23".to_owned()))
        );
        assert!(MobileError::Length { found: 10 }
            .message_zh()
            .contains("11位"));
    }

    // Property tests: a computed check character always validates, and any single substitution
    // is caught (both moduli are prime and no weight is zero, so this must hold).

    fn uscc_body() -> impl Strategy<Value = String> {
        let any = prop::sample::select(USCC_CHARSET.chars().collect::<Vec<_>>());
        let digit = prop::sample::select("0123456789".chars().collect::<Vec<_>>());
        (
            prop::collection::vec(any.clone(), 2),
            prop::collection::vec(digit, 6),
            prop::collection::vec(any, 9),
        )
            .prop_map(|(a, b, c)| a.into_iter().chain(b).chain(c).collect())
    }

    fn resident_body() -> impl Strategy<Value = String> {
        let start = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        (
            prop::sample::select(PROVINCE_CODES.to_vec()),
            0u32..10_000,
            0i64..73_000,
            0u32..1000,
        )
            .prop_map(move |(province, county, offset, seq)| {
                let born = start + chrono::Duration::days(offset);
                format!("{province}{county:04}{}{seq:03}", born.format("%Y%m%d"))
            })
    }

    /// Replaces the character at `idx` with a different one; the replacements are upper case so
    /// that normalisation cannot undo the change.
    fn substitute(code: &str, idx: usize, pick: usize, alphabet: &str) -> String {
        let mut chars: Vec<char> = code.chars().collect();
        let options: Vec<char> = alphabet.chars().filter(|&c| c != chars[idx]).collect();
        chars[idx] = options[pick % options.len()];
        chars.into_iter().collect()
    }

    proptest! {
        #[test]
        fn gb32100_computed_check_char_always_parses_and_any_substitution_fails(
            body in uscc_body(),
            idx in 0usize..18,
            pick in 0usize..64,
        ) {
            let check = Uscc::check_char(&body).unwrap();
            let code = format!("{body}{check}");
            prop_assert!(Uscc::parse(&code).is_ok());
            let changed = substitute(&code, idx, pick, "0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ-");
            prop_assert!(Uscc::parse(&changed).is_err(), "{changed} should fail");
        }

        #[test]
        fn gb11643_computed_check_char_always_parses_and_any_substitution_fails(
            body in resident_body(),
            idx in 0usize..18,
            pick in 0usize..64,
        ) {
            let check = ResidentId::check_char(&body).unwrap();
            let code = format!("{body}{check}");
            let id = ResidentId::parse(&code).unwrap();
            prop_assert_eq!(id.as_str(), code.as_str());
            let changed = substitute(&code, idx, pick, "0123456789XA");
            prop_assert!(ResidentId::parse(&changed).is_err(), "{} should fail", changed);
        }
    }
}

//! Life-event packages (一件事一次办) and the licence a change or renewal acts on.
//!
//! A package is one form and one set of materials for several matters: the form is the union
//! of the matters' fields (a field two matters share, such as the enterprise's name, is asked
//! once), the materials the union of their materials by name. Submitting fans out into one
//! application per matter, each with only its own fields and materials and its own clock,
//! and the applicant follows them as one case whose standing is read from theirs.

use super::ApplicationStatus;
use crate::catalog::{FormField, Material};
use serde_json::{Map, Value};

use crate::code::code_enum;

/// The package's form: every matter's fields, a name shared by several asked once (the first
/// matter's definition of it wins, so the order of the matters decides the wording).
pub fn combined_form<'a>(forms: impl IntoIterator<Item = &'a [FormField]>) -> Vec<FormField> {
    let mut out: Vec<FormField> = Vec::new();
    for form in forms {
        for f in form {
            match out.iter_mut().find(|o| o.name == f.name) {
                // Asked once, but required when any matter requires it.
                Some(o) => o.required |= f.required,
                None => out.push(f.clone()),
            }
        }
    }
    out
}

/// The package's materials: every matter's materials, one of a name brought once.
pub fn combined_materials<'a>(lists: impl IntoIterator<Item = &'a [Material]>) -> Vec<Material> {
    let mut out: Vec<Material> = Vec::new();
    for list in lists {
        for m in list {
            if !out.iter().any(|o| o.name == m.name) {
                out.push(m.clone());
            }
        }
    }
    out
}

/// The part of a package's filled form that one matter asks for.
pub fn form_for(filled: &Map<String, Value>, fields: &[FormField]) -> Map<String, Value> {
    fields
        .iter()
        .filter_map(|f| filled.get(&f.name).map(|v| (f.name.clone(), v.clone())))
        .collect()
}

code_enum! {
    /// How a life-event case stands for its applicant, read from its applications.
    pub enum CaseStanding {
        /// One of them waits for the applicant (a correction notice to answer, a draft).
        ActionNeeded = "action_needed",
        /// Being handled.
        InProgress = "in_progress",
        /// Every application reached its end (delivered, closed, refused or withdrawn).
        Finished = "finished",
    }
}

impl CaseStanding {
    pub fn label_zh(self) -> &'static str {
        match self {
            CaseStanding::ActionNeeded => "待申请人处理",
            CaseStanding::InProgress => "办理中",
            CaseStanding::Finished => "已办结",
        }
    }
}

/// The standing of a case whose applications stand at `statuses`.
pub fn case_standing(statuses: &[ApplicationStatus]) -> CaseStanding {
    use ApplicationStatus as S;
    if statuses
        .iter()
        .any(|s| matches!(s, S::AwaitingSupplement | S::Draft))
    {
        CaseStanding::ActionNeeded
    } else if statuses.iter().all(|s| {
        matches!(
            s,
            S::Delivered | S::Closed | S::NotAccepted | S::Rejected | S::Withdrawn
        )
    }) {
        CaseStanding::Finished
    } else {
        CaseStanding::InProgress
    }
}

code_enum! {
    /// What a grant does to a licence: a new one, or a change or renewal of one the applicant
    /// holds, re-signed under its number.
    pub enum LicenceAction {
        /// 新办: a new licence.
        Issue = "issue",
        /// 变更: the licence's content changes; its validity stays.
        Change = "change",
        /// 延续: the validity runs on from the day after the old one ends (第五十条).
        Renew = "renew",
    }
}

impl LicenceAction {
    /// The action of a 业务办理项 from its name: the provincial catalogues name each handling
    /// item of a licence matter by its suffix (食品经营许可（变更）, …（延续）).
    pub fn of_matter(name: &str) -> LicenceAction {
        if name.ends_with("（变更）") {
            LicenceAction::Change
        } else if name.ends_with("（延续）") {
            LicenceAction::Renew
        } else {
            LicenceAction::Issue
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            LicenceAction::Issue => "新办",
            LicenceAction::Change => "变更",
            LicenceAction::Renew => "延续",
        }
    }
}

/// The validity of a licence renewed on `decided_on`: the new term runs on from the day after
/// the old one ends, as long again (a renewal continues the licence; deciding early does not
/// cost the holder days), and the re-signed licence is in force from the decision, so there
/// is no gap in which it reads as not yet valid. A term of whole months (five years) stays
/// whole months across leap days.
pub fn renewed_validity(
    valid_from: chrono::NaiveDate,
    valid_until: chrono::NaiveDate,
    decided_on: chrono::NaiveDate,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let (start, end) = next_term(valid_from, valid_until);
    (decided_on.min(start), end)
}

fn next_term(
    valid_from: chrono::NaiveDate,
    valid_until: chrono::NaiveDate,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    use chrono::{Datelike, Months};
    let start = valid_until.succ_opt().unwrap_or(valid_until);
    if start.day() == valid_from.day() {
        let months = (start.year() - valid_from.year()) * 12 + start.month() as i32
            - valid_from.month() as i32;
        if let Some(end) = u32::try_from(months)
            .ok()
            .and_then(|m| start.checked_add_months(Months::new(m)))
            .and_then(|e| e.pred_opt())
        {
            return (start, end);
        }
    }
    (start, start + (valid_until - valid_from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::FieldKind;
    use crate::code::check_round_trip;
    use serde_json::json;

    fn field(name: &str, required: bool) -> FormField {
        FormField {
            name: name.to_owned(),
            label: name.to_owned(),
            kind: FieldKind::Text,
            required,
            options: Vec::new(),
            columns: Vec::new(),
            when: None,
            help: String::new(),
        }
    }

    #[test]
    fn codes_round_trip() {
        check_round_trip(CaseStanding::ALL, CaseStanding::as_str);
        check_round_trip(LicenceAction::ALL, LicenceAction::as_str);
    }

    #[test]
    fn a_field_two_matters_share_is_asked_once_and_required_if_either_requires_it() {
        let a = vec![field("name", false), field("capital", true)];
        let b = vec![field("name", true), field("seats", false)];
        let form = combined_form([a.as_slice(), b.as_slice()]);
        let names: Vec<&str> = form.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["name", "capital", "seats"]);
        assert!(form[0].required);
    }

    #[test]
    fn each_matter_gets_only_its_own_fields() {
        let filled = json!({"name": "示范餐饮", "capital": "100", "seats": "40"});
        let b = vec![field("name", true), field("seats", false)];
        let part = form_for(filled.as_object().unwrap(), &b);
        assert_eq!(
            Value::Object(part),
            json!({"name": "示范餐饮", "seats": "40"})
        );
    }

    #[test]
    fn a_case_waits_for_the_applicant_while_any_application_does() {
        use ApplicationStatus as S;
        assert_eq!(
            case_standing(&[S::Accepted, S::AwaitingSupplement]),
            CaseStanding::ActionNeeded
        );
        assert_eq!(
            case_standing(&[S::Delivered, S::UnderReview]),
            CaseStanding::InProgress
        );
        assert_eq!(
            case_standing(&[S::Delivered, S::Closed]),
            CaseStanding::Finished
        );
    }

    #[test]
    fn the_handling_item_names_its_licence_action() {
        assert_eq!(
            LicenceAction::of_matter("食品经营许可（延续）"),
            LicenceAction::Renew
        );
        assert_eq!(
            LicenceAction::of_matter("食品经营许可（变更）"),
            LicenceAction::Change
        );
        assert_eq!(
            LicenceAction::of_matter("食品经营许可（新办）"),
            LicenceAction::Issue
        );
    }

    #[test]
    fn article_50_a_renewal_continues_from_the_day_after_expiry() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        // Decided a month early: in force from the decision, the term added to the old end.
        assert_eq!(
            renewed_validity(d("2021-12-07"), d("2026-12-06"), d("2026-11-02")),
            (d("2026-11-02"), d("2031-12-06"))
        );
        // Deemed the day after expiry: no gap.
        assert_eq!(
            renewed_validity(d("2021-12-07"), d("2026-12-06"), d("2026-12-07")),
            (d("2026-12-07"), d("2031-12-06"))
        );
        // Not whole months: as many days again.
        assert_eq!(
            renewed_validity(d("2026-01-10"), d("2026-01-19"), d("2026-01-15")),
            (d("2026-01-15"), d("2026-01-29"))
        );
    }
}

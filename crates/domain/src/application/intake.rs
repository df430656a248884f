//! The clerk's intake decision (受理审查) on an application that arrived: 行政许可法第三十二条.

use super::ApplicationStatus;
use crate::base::calendar::Calendar;
use chrono::NaiveDate;

/// Working days after receipt within which the one correction notice must go out
/// (第三十二条第一款第（四）项: 当场或者在五日内一次告知).
pub const CORRECTION_WINDOW_WORKDAYS: u32 = 5;

/// What the clerk decides on an application in front of them, one of the five outcomes of
/// 第三十二条.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intake {
    /// (一) The matter needs no licence: the applicant is told at once, with the reason.
    NoLicenceNeeded { reason: String },
    /// (二) Not this authority's power: not accepted, naming the authority to apply to.
    WrongAuthority { competent: String, reason: String },
    /// (三) A mistake corrected on the spot; the application stays received and is looked at
    /// again.
    CorrectedOnSpot { corrections: Vec<String> },
    /// (四) Materials incomplete or not in legal form: one notice listing every item.
    Supplement { items: Vec<String> },
    /// (五) Complete and in form: accepted.
    Accept,
}

/// Where an intake decision leaves the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeOutcome {
    pub status: ApplicationStatus,
    /// The day of acceptance: the day of the decision, or the day of receipt when the window
    /// for a correction notice had passed (the application was already accepted then).
    pub accepted_on: Option<NaiveDate>,
}

/// Why an intake decision is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("the application is {0}, not received")]
    NotReceived(ApplicationStatus),
    #[error("a refusal needs its reason")]
    ReasonMissing,
    #[error("a refusal for want of competence must name the competent authority")]
    CompetentAuthorityMissing,
    #[error("a correction must say what was corrected or is missing")]
    NothingListed,
    /// The five working days after receipt ended without a notice: the application counts as
    /// accepted on the day it was received, and only a decision can follow.
    #[error("no correction notice by {due}: the application counts as accepted on {received}")]
    DeemedAccepted { received: NaiveDate, due: NaiveDate },
    /// A later round may only ask again for what the first notice listed (一次告知).
    #[error("items not in the first correction notice: {0:?}")]
    NewItemsAfterFirstNotice(Vec<String>),
}

/// The last day on which a correction notice may go out for an application received on
/// `received`.
pub fn correction_due(received: NaiveDate, cal: &Calendar) -> NaiveDate {
    cal.add_workdays(received, CORRECTION_WINDOW_WORKDAYS).date
}

/// The day an application received on `received` counts as accepted because no correction
/// notice went out in time, if that has happened by `today`: the receipt day itself.
pub fn deemed_acceptance(
    received: NaiveDate,
    today: NaiveDate,
    cal: &Calendar,
) -> Option<NaiveDate> {
    (today > correction_due(received, cal)).then_some(received)
}

/// Checks the clerk's decision on a received application and says where it leaves it.
///
/// `first_notice` is the item list of the correction notice of an earlier round, if there was
/// one: the notice of a later round (after the applicant supplied) may ask again only for what
/// the first one listed, since the law allows one notice of everything.
pub fn decide_intake(
    status: ApplicationStatus,
    received: NaiveDate,
    today: NaiveDate,
    cal: &Calendar,
    first_notice: Option<&[String]>,
    intake: &Intake,
) -> Result<IntakeOutcome, IntakeError> {
    if status != ApplicationStatus::Submitted {
        return Err(IntakeError::NotReceived(status));
    }
    let deemed = deemed_acceptance(received, today, cal);
    let blank = |s: &str| s.trim().is_empty();
    let listed = |items: &[String]| !items.is_empty() && items.iter().all(|i| !blank(i));
    match intake {
        Intake::Accept => Ok(IntakeOutcome {
            status: ApplicationStatus::Accepted,
            accepted_on: Some(deemed.unwrap_or(today)),
        }),
        _ if deemed.is_some() => Err(IntakeError::DeemedAccepted {
            received,
            due: correction_due(received, cal),
        }),
        Intake::NoLicenceNeeded { reason } => {
            if blank(reason) {
                return Err(IntakeError::ReasonMissing);
            }
            Ok(IntakeOutcome {
                status: ApplicationStatus::NotAccepted,
                accepted_on: None,
            })
        }
        Intake::WrongAuthority { competent, reason } => {
            if blank(competent) {
                return Err(IntakeError::CompetentAuthorityMissing);
            }
            if blank(reason) {
                return Err(IntakeError::ReasonMissing);
            }
            Ok(IntakeOutcome {
                status: ApplicationStatus::NotAccepted,
                accepted_on: None,
            })
        }
        Intake::CorrectedOnSpot { corrections } => {
            if !listed(corrections) {
                return Err(IntakeError::NothingListed);
            }
            Ok(IntakeOutcome {
                status: ApplicationStatus::Submitted,
                accepted_on: None,
            })
        }
        Intake::Supplement { items } => {
            if !listed(items) {
                return Err(IntakeError::NothingListed);
            }
            if let Some(first) = first_notice {
                let new: Vec<String> = items
                    .iter()
                    .filter(|i| !first.iter().any(|f| f.trim() == i.trim()))
                    .cloned()
                    .collect();
                if !new.is_empty() {
                    return Err(IntakeError::NewItemsAfterFirstNotice(new));
                }
            }
            Ok(IntakeOutcome {
                status: ApplicationStatus::AwaitingSupplement,
                accepted_on: None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn decide(
        received: NaiveDate,
        today: NaiveDate,
        intake: &Intake,
    ) -> Result<IntakeOutcome, IntakeError> {
        decide_intake(
            ApplicationStatus::Submitted,
            received,
            today,
            &Calendar::builtin(),
            None,
            intake,
        )
    }

    #[test]
    fn article_32_1_no_licence_needed_is_not_accepted_with_its_reason() {
        let r = day(2026, 3, 2);
        let out = decide(
            r,
            r,
            &Intake::NoLicenceNeeded {
                reason: "无需许可".into(),
            },
        )
        .unwrap();
        assert_eq!(out.status, ApplicationStatus::NotAccepted);
        assert_eq!(out.accepted_on, None);
        assert_eq!(
            decide(r, r, &Intake::NoLicenceNeeded { reason: " ".into() }),
            Err(IntakeError::ReasonMissing)
        );
    }

    #[test]
    fn article_32_2_wrong_authority_names_the_competent_one() {
        let r = day(2026, 3, 2);
        let ok = Intake::WrongAuthority {
            competent: "市市场监管局".into(),
            reason: "属市级权限".into(),
        };
        assert_eq!(
            decide(r, r, &ok).unwrap().status,
            ApplicationStatus::NotAccepted
        );
        let nameless = Intake::WrongAuthority {
            competent: String::new(),
            reason: "属市级权限".into(),
        };
        assert_eq!(
            decide(r, r, &nameless),
            Err(IntakeError::CompetentAuthorityMissing)
        );
    }

    #[test]
    fn article_32_3_an_on_the_spot_correction_keeps_the_application_received() {
        let r = day(2026, 3, 2);
        let out = decide(
            r,
            r,
            &Intake::CorrectedOnSpot {
                corrections: vec!["申请书日期笔误".into()],
            },
        )
        .unwrap();
        assert_eq!(out.status, ApplicationStatus::Submitted);
        assert_eq!(
            decide(
                r,
                r,
                &Intake::CorrectedOnSpot {
                    corrections: vec![]
                }
            ),
            Err(IntakeError::NothingListed)
        );
    }

    #[test]
    fn article_32_4_one_correction_notice_within_five_working_days() {
        // Received Friday 2025-09-26: the 5th working day after it is 2025-10-10 (9/28 is a
        // 调休 Sunday that counts, then 国庆).
        let r = day(2025, 9, 26);
        let cal = Calendar::builtin();
        assert_eq!(correction_due(r, &cal), day(2025, 10, 10));
        let notice = Intake::Supplement {
            items: vec!["营业执照复印件".into(), "场所平面图".into()],
        };
        let out = decide(r, day(2025, 10, 10), &notice).unwrap();
        assert_eq!(out.status, ApplicationStatus::AwaitingSupplement);
        // A later round may ask again for what the first notice listed, and nothing new.
        let first = vec!["营业执照复印件".to_owned(), "场所平面图".to_owned()];
        let again = Intake::Supplement {
            items: vec!["场所平面图".into()],
        };
        let later = |intake: &Intake| {
            decide_intake(
                ApplicationStatus::Submitted,
                day(2025, 10, 13),
                day(2025, 10, 13),
                &cal,
                Some(&first),
                intake,
            )
        };
        assert!(later(&again).is_ok());
        let new = Intake::Supplement {
            items: vec!["场所平面图".into(), "健康证明".into()],
        };
        assert_eq!(
            later(&new),
            Err(IntakeError::NewItemsAfterFirstNotice(vec![
                "健康证明".into()
            ]))
        );
    }

    #[test]
    fn article_32_4_deemed_accepted_on_the_day_of_receipt_from_day_6() {
        let cal = Calendar::builtin();
        // Received Monday 2026-03-02: working days 3/3 … 3/9 are days 1–5.
        let r = day(2026, 3, 2);
        assert_eq!(correction_due(r, &cal), day(2026, 3, 9));
        assert_eq!(deemed_acceptance(r, day(2026, 3, 9), &cal), None);
        assert_eq!(deemed_acceptance(r, day(2026, 3, 10), &cal), Some(r));
        // On day 6 a correction notice is too late, and acceptance dates back to receipt.
        let notice = Intake::Supplement {
            items: vec!["场所平面图".into()],
        };
        assert_eq!(
            decide(r, day(2026, 3, 10), &notice),
            Err(IntakeError::DeemedAccepted {
                received: r,
                due: day(2026, 3, 9)
            })
        );
        let out = decide(r, day(2026, 3, 10), &Intake::Accept).unwrap();
        assert_eq!(out.accepted_on, Some(r));
    }

    #[test]
    fn article_32_5_a_complete_application_is_accepted_on_the_day() {
        let r = day(2026, 3, 2);
        let out = decide(r, day(2026, 3, 4), &Intake::Accept).unwrap();
        assert_eq!(out.status, ApplicationStatus::Accepted);
        assert_eq!(out.accepted_on, Some(day(2026, 3, 4)));
        assert_eq!(
            decide_intake(
                ApplicationStatus::Draft,
                r,
                r,
                &Calendar::builtin(),
                None,
                &Intake::Accept
            ),
            Err(IntakeError::NotReceived(ApplicationStatus::Draft))
        );
    }
}

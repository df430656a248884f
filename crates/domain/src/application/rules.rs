//! The rules around the decision: verification by two (第三十四条), delivery (第四十四条),
//! renewal (第五十条), re-application bars (第七十八条、第七十九条), and the public reason an
//! overdue case owes (优化营商环境条例第三十六条).

use super::{ClockLight, ClockReading};
use crate::base::calendar::Calendar;
use crate::code::code_enum;
use chrono::{Days, Months, NaiveDate};

/// Working days after the decision within which the licence or decision must be delivered.
pub const DELIVERY_WORKDAYS: u32 = 10;

/// Calendar days before expiry by which a holder asks for renewal (第五十条, the holder's
/// period, so not working days).
pub const RENEWAL_NOTICE_DAYS: u64 = 30;

/// The fewest staff who may verify an application's substance on site (第三十四条第三款).
pub const MIN_VERIFIERS: usize = 2;

/// The last day on which a licence granted on `decided_on` must reach its holder.
pub fn delivery_due(decided_on: NaiveDate, cal: &Calendar) -> NaiveDate {
    cal.add_workdays(decided_on, DELIVERY_WORKDAYS).date
}

/// Whether a verification of substance has enough staff: at least two different people.
pub fn enough_verifiers<T: PartialEq>(verifiers: &[T]) -> bool {
    let mut distinct: Vec<&T> = Vec::new();
    for v in verifiers {
        if !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    distinct.len() >= MIN_VERIFIERS
}

/// The last day to ask for renewal of a licence that expires on `expires_on`.
pub fn renewal_filing_deadline(expires_on: NaiveDate) -> NaiveDate {
    expires_on
        .checked_sub_days(Days::new(RENEWAL_NOTICE_DAYS))
        .unwrap_or(NaiveDate::MIN)
}

/// A renewal asked for in time and not decided by the day the licence expires counts as granted
/// (逾期未作决定的，视为准予延续): from the day after expiry the system records the grant.
pub fn renewal_deemed_granted(
    filed_on: NaiveDate,
    expires_on: NaiveDate,
    decided: bool,
    today: NaiveDate,
) -> bool {
    !decided && filed_on <= renewal_filing_deadline(expires_on) && today > expires_on
}

code_enum! {
    /// Why an applicant may not apply again for a matter for a while.
    pub enum BarCause {
        /// 第七十八条: concealed facts or false materials; one year, for matters concerning
        /// public safety, health, life and property.
        FalseMaterials = "false_materials",
        /// 第七十九条: a licence obtained by fraud or bribery; three years, for those matters.
        FraudOrBribery = "fraud_or_bribery",
    }
}

impl BarCause {
    pub fn years(self) -> u32 {
        match self {
            BarCause::FalseMaterials => 1,
            BarCause::FraudOrBribery => 3,
        }
    }

    pub fn article(self) -> &'static str {
        match self {
            BarCause::FalseMaterials => "《行政许可法》第七十八条",
            BarCause::FraudOrBribery => "《行政许可法》第七十九条",
        }
    }
}

/// A bar on one applicant for one matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub cause: BarCause,
    /// The last day on which the applicant may not apply.
    pub until: NaiveDate,
}

/// The bar a decision on `decided_on` sets, if the matter is one the law protects (public
/// safety, health, life and property); other matters carry no bar.
pub fn bar_for(cause: BarCause, decided_on: NaiveDate, protected_matter: bool) -> Option<Bar> {
    if !protected_matter {
        return None;
    }
    // 民法典第二百零一条、第二百零二条: a period in years ends on the same day of the last year
    // (the month's last day when it has no such day).
    let until = decided_on
        .checked_add_months(Months::new(cause.years() * 12))
        .unwrap_or(NaiveDate::MAX);
    Some(Bar { cause, until })
}

/// Refuses an application made on `today` while a bar lasts, naming the longest one.
pub fn check_bars(bars: &[Bar], today: NaiveDate) -> Result<(), Bar> {
    match bars
        .iter()
        .filter(|b| today <= b.until)
        .max_by_key(|b| b.until)
    {
        Some(b) => Err(b.clone()),
        None => Ok(()),
    }
}

/// An overdue application must say publicly why (超过办理时间的，办理单位应当公开说明理由).
pub fn public_reason_required(reading: &ClockReading) -> bool {
    reading.light == ClockLight::Overdue
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{Clock, Handling};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn article_34_substance_is_verified_by_at_least_two_staff() {
        assert!(!enough_verifiers(&["reviewer"]));
        assert!(!enough_verifiers(&["reviewer", "reviewer"]));
        assert!(enough_verifiers(&["reviewer", "reviewer2"]));
    }

    #[test]
    fn article_44_the_licence_is_delivered_within_ten_working_days_of_the_decision() {
        // Decided on Friday 2026-09-25: 9/27 (a 调休 Sunday) counts, then 国庆 and 中秋.
        let cal = Calendar::builtin();
        let due = delivery_due(day(2026, 9, 25), &cal);
        assert_eq!(cal.workdays_between(day(2026, 9, 25), due).days, 10);
        assert!(due > day(2026, 10, 8));
    }

    #[test]
    fn article_50_an_undecided_renewal_counts_as_granted_after_expiry() {
        let expires = day(2027, 6, 30);
        assert_eq!(renewal_filing_deadline(expires), day(2027, 5, 31));
        let filed = day(2027, 5, 20);
        assert!(!renewal_deemed_granted(
            filed,
            expires,
            false,
            day(2027, 6, 30)
        ));
        assert!(renewal_deemed_granted(
            filed,
            expires,
            false,
            day(2027, 7, 1)
        ));
        assert!(!renewal_deemed_granted(
            filed,
            expires,
            true,
            day(2027, 7, 1)
        ));
        // Asked for too late: silence grants nothing.
        assert!(!renewal_deemed_granted(
            day(2027, 6, 10),
            expires,
            false,
            day(2027, 7, 1)
        ));
    }

    #[test]
    fn article_78_false_materials_bar_a_protected_matter_for_one_year() {
        let bar = bar_for(BarCause::FalseMaterials, day(2026, 3, 10), true).unwrap();
        assert_eq!(bar.until, day(2027, 3, 10));
        assert_eq!(
            check_bars(std::slice::from_ref(&bar), day(2027, 3, 10)),
            Err(bar.clone())
        );
        assert_eq!(check_bars(&[bar], day(2027, 3, 11)), Ok(()));
        assert_eq!(
            bar_for(BarCause::FalseMaterials, day(2026, 3, 10), false),
            None
        );
    }

    #[test]
    fn article_79_fraud_or_bribery_bars_a_protected_matter_for_three_years() {
        let one = bar_for(BarCause::FalseMaterials, day(2026, 3, 10), true).unwrap();
        let three = bar_for(BarCause::FraudOrBribery, day(2024, 2, 29), true).unwrap();
        // 2027 has no 29 February: the period ends on the month's last day.
        assert_eq!(three.until, day(2027, 2, 28));
        assert_eq!(
            check_bars(&[three.clone(), one.clone()], day(2026, 4, 1)),
            Err(one)
        );
        assert_eq!(
            check_bars(std::slice::from_ref(&three), day(2027, 2, 28)),
            Err(three)
        );
    }

    #[test]
    fn business_environment_regulation_article_36_an_overdue_case_needs_a_public_reason() {
        let cal = Calendar::builtin();
        let c = Clock::new(day(2026, 3, 2), 5, Handling::Single);
        assert!(!public_reason_required(
            &c.read(day(2026, 3, 9), &cal).unwrap()
        ));
        assert!(public_reason_required(
            &c.read(day(2026, 3, 10), &cal).unwrap()
        ));
    }
}

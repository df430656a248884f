//! Online applications (服, 一网通办): an application's status, the clerk's intake decision of
//! 行政许可法第三十二条 and the statutory clock of 第四十二条—第四十五条、第五十条、第八十二条.
//!
//! These rules decide whether an applicant's case was accepted, on which day, and when the
//! district is late, so they must give one answer on every page, in every notice and in the
//! daily job that applies deemed acceptance. That is why they are pure and live here. The legal
//! text is quoted in RULES.md §1; each rule's test is named after its article.
//!
//! # Counting
//! Every period the agency must keep is in working days (第八十二条) of the district
//! [`Calendar`], the first day excluded (民法典第二百零一条): "within 5 working days of receipt"
//! ends at the end of the 5th working day after the day of receipt. The applicant's own periods
//! (the 30 days before a licence expires in which to ask for its renewal, 第五十条) are calendar
//! days: 第八十二条 speaks of the agency's periods only.

mod clock;
mod documents;
mod intake;
mod licence;
mod life_event;
mod rules;

pub use clock::*;
pub use documents::*;
pub use intake::*;
pub use licence::*;
pub use life_event::*;
pub use rules::*;

use crate::code::code_enum;

crate::record_id::record_id! {
    /// An application (申请/办件): a case of one applicant for one matter.
    pub struct ApplicationId;
}

code_enum! {
    /// Where an application stands (RULES.md §1.5; the API's words).
    pub enum ApplicationStatus {
        /// Kept between visits, not yet sent.
        Draft = "draft",
        /// Received (收件): the five working days of 第三十二条(四) run from here.
        Submitted = "submitted",
        /// The one correction notice (补正告知) went out; waiting for the applicant.
        AwaitingSupplement = "awaiting_supplement",
        /// Not accepted (不予受理) under 第三十二条(一) or (二). Final.
        NotAccepted = "not_accepted",
        /// Accepted (受理), by the clerk or deemed; the decision clock runs from the next day.
        Accepted = "accepted",
        /// In review (审查).
        UnderReview = "under_review",
        /// Stopped for a special procedure of 第四十五条 or a supplement asked in review.
        Suspended = "suspended",
        /// The one extension of 第四十二条 was granted.
        Extended = "extended",
        /// 准予行政许可.
        Approved = "approved",
        /// 不予行政许可, with reasons and the right to reconsideration or litigation.
        Rejected = "rejected",
        /// The licence or decision reached the applicant (第四十四条).
        Delivered = "delivered",
        /// 办结.
        Closed = "closed",
        /// Withdrawn by the applicant. Final.
        Withdrawn = "withdrawn",
    }
}

impl ApplicationStatus {
    /// No step leads anywhere from here.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationStatus::NotAccepted
                | ApplicationStatus::Closed
                | ApplicationStatus::Withdrawn
        )
    }

    /// The decision clock counts while the application is in one of these.
    pub fn clock_runs(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Accepted
                | ApplicationStatus::UnderReview
                | ApplicationStatus::Extended
        )
    }

    /// The applicant may still withdraw: anything sent and not yet decided.
    pub fn may_withdraw(self) -> bool {
        !self.is_final()
            && !matches!(
                self,
                ApplicationStatus::Approved
                    | ApplicationStatus::Rejected
                    | ApplicationStatus::Delivered
            )
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "草稿",
            ApplicationStatus::Submitted => "已收件",
            ApplicationStatus::AwaitingSupplement => "待补正",
            ApplicationStatus::NotAccepted => "不予受理",
            ApplicationStatus::Accepted => "已受理",
            ApplicationStatus::UnderReview => "审查中",
            ApplicationStatus::Suspended => "中止计时",
            ApplicationStatus::Extended => "已延期",
            ApplicationStatus::Approved => "准予许可",
            ApplicationStatus::Rejected => "不予许可",
            ApplicationStatus::Delivered => "已送达",
            ApplicationStatus::Closed => "已办结",
            ApplicationStatus::Withdrawn => "已撤回",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::check_round_trip;

    #[test]
    fn codes_round_trip() {
        check_round_trip(ApplicationStatus::ALL, ApplicationStatus::as_str);
        check_round_trip(ClockLight::ALL, ClockLight::as_str);
        check_round_trip(Handling::ALL, Handling::as_str);
        check_round_trip(ApproverLevel::ALL, ApproverLevel::as_str);
        check_round_trip(BarCause::ALL, BarCause::as_str);
    }

    #[test]
    fn the_api_statuses_are_the_thirteen_words_of_the_contract() {
        let words: Vec<&str> = ApplicationStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            words,
            [
                "draft",
                "submitted",
                "awaiting_supplement",
                "not_accepted",
                "accepted",
                "under_review",
                "suspended",
                "extended",
                "approved",
                "rejected",
                "delivered",
                "closed",
                "withdrawn"
            ]
        );
    }

    #[test]
    fn only_accepted_reviewed_or_extended_applications_run_the_clock() {
        let running: Vec<_> = ApplicationStatus::ALL
            .iter()
            .filter(|s| s.clock_runs())
            .collect();
        assert_eq!(
            running,
            [
                &ApplicationStatus::Accepted,
                &ApplicationStatus::UnderReview,
                &ApplicationStatus::Extended
            ]
        );
        assert!(!ApplicationStatus::Suspended.clock_runs());
        assert!(ApplicationStatus::Suspended.may_withdraw());
        assert!(!ApplicationStatus::Approved.may_withdraw());
    }
}

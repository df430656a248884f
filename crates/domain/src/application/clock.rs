//! The decision clock of an accepted application: its limit in working days from the day after
//! acceptance, the intervals during which it stood still, and the one extension
//! (行政许可法第四十二条、第四十五条、第八十二条).

use crate::base::calendar::{Calendar, DateRange, DeadlineError};
use crate::catalog::SpecialProcedure;
use crate::code::code_enum;
use chrono::NaiveDate;

/// Working days left at or below which an application shows as due soon.
pub const DUE_SOON_WORKDAYS: i64 = 3;

code_enum! {
    /// Whether the matter is handled by one agency, or jointly across departments as 第二十六条
    /// describes (统一办理、联合办理、集中办理), which has its own limit and extension.
    pub enum Handling {
        Single = "single",
        Joint = "joint",
    }
}

impl Handling {
    /// The statutory decision limit (第四十二条: 20 working days; 45 for joint handling).
    pub fn statutory_limit(self) -> u32 {
        match self {
            Handling::Single => 20,
            Handling::Joint => 45,
        }
    }

    /// The most the one extension may add (10 working days; 15 for joint handling).
    pub fn max_extension(self) -> u32 {
        match self {
            Handling::Single => 10,
            Handling::Joint => 15,
        }
    }

    /// Who must approve the extension: 本行政机关负责人, or 本级人民政府负责人 for joint handling.
    pub fn extension_approver(self) -> ApproverLevel {
        match self {
            Handling::Single => ApproverLevel::AgencyHead,
            Handling::Joint => ApproverLevel::GovernmentHead,
        }
    }
}

code_enum! {
    /// The rank of whoever approves an extension.
    pub enum ApproverLevel {
        /// 本行政机关负责人.
        AgencyHead = "agency_head",
        /// 本级人民政府负责人.
        GovernmentHead = "government_head",
    }
}

code_enum! {
    /// How an application stands against its due date.
    pub enum ClockLight {
        OnTime = "on_time",
        DueSoon = "due_soon",
        Overdue = "overdue",
    }
}

/// Why the clock stood still.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseCause {
    /// A special procedure of 第四十五条, with the written notice of how long it should take.
    Special(SpecialProcedure),
    /// Materials asked for again in review; its time is not counted under the district's rules.
    Supplement,
}

impl PauseCause {
    /// The one text form, as stored and as the API takes it: a special procedure's code, or
    /// `supplement`.
    pub fn code(self) -> &'static str {
        match self {
            PauseCause::Special(p) => p.code(),
            PauseCause::Supplement => "supplement",
        }
    }

    /// Reads [`PauseCause::code`] back; anything else is `None`, never a default.
    pub fn parse(s: &str) -> Option<PauseCause> {
        match s.trim() {
            "supplement" => Some(PauseCause::Supplement),
            c => SpecialProcedure::parse(c).map(PauseCause::Special),
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PauseCause::Special(p) => p.label_zh(),
            PauseCause::Supplement => "审查中补正",
        }
    }
}

/// One interval in which the clock stood still. `to` is `None` while it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    pub cause: PauseCause,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// The expected length the applicant was told in writing, in working days.
    pub expected_workdays: u32,
}

/// The one extension granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub on: NaiveDate,
    pub workdays: u32,
    pub approver: ApproverLevel,
    pub reason: String,
}

/// An accepted application's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub accepted_on: NaiveDate,
    /// The limit counted against: the promised one (承诺时限) where the guide promises less
    /// than the law allows, else the statutory one.
    pub limit_workdays: u32,
    pub handling: Handling,
    pub pauses: Vec<Pause>,
    pub extension: Option<Extension>,
}

/// What the clock says on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockReading {
    pub due: NaiveDate,
    /// Working days from today to the due date: 0 on the due date, negative once late.
    pub workdays_left: i64,
    pub light: ClockLight,
    /// The clock stands still today.
    pub paused: bool,
    /// Working days not counted because the clock stood still.
    pub paused_workdays: u32,
    /// Years whose holiday notice was not imported, assumed to work Monday–Friday.
    pub assumed_years: Vec<i32>,
}

/// Why a change to the clock is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the application was already extended once")]
    AlreadyExtended,
    #[error("an extension may add at most {max} working days")]
    ExtensionTooLong { max: u32 },
    #[error("an extension must be approved before the deadline {due} passes")]
    ExtensionAfterDeadline { due: NaiveDate },
    #[error("an extension needs the approval of the {needs}")]
    WrongApprover { needs: ApproverLevel },
    #[error("a reason is required")]
    ReasonMissing,
    #[error("the applicant must be told in writing how long the procedure should take")]
    ExpectedLengthMissing,
    #[error("the clock already stands still since {since}")]
    AlreadyPaused { since: NaiveDate },
    #[error("a pause cannot start before an earlier one ended on {to}")]
    OverlapsEarlierPause { to: NaiveDate },
    #[error("the clock is not standing still")]
    NotPaused,
    #[error("a pause cannot start on or before the day of acceptance {accepted}")]
    PauseBeforeAcceptance { accepted: NaiveDate },
    #[error("a pause cannot end before it started on {from}")]
    EndBeforeStart { from: NaiveDate },
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

impl Clock {
    pub fn new(accepted_on: NaiveDate, limit_workdays: u32, handling: Handling) -> Clock {
        Clock {
            accepted_on,
            limit_workdays,
            handling,
            pauses: Vec::new(),
            extension: None,
        }
    }

    /// The pause still open, if any.
    pub fn open_pause(&self) -> Option<&Pause> {
        self.pauses.iter().find(|p| p.to.is_none())
    }

    /// The pauses as date ranges, an open one running through `today`.
    fn ranges(&self, today: NaiveDate) -> Vec<DateRange> {
        self.pauses
            .iter()
            .map(|p| DateRange::new(p.from, p.to.unwrap_or(today.max(p.from))))
            .collect()
    }

    /// The clock on `today`. While a pause lasts, its days up to today are not counted, so the
    /// due date moves on with it.
    pub fn read(&self, today: NaiveDate, cal: &Calendar) -> Result<ClockReading, ClockError> {
        let ext = self.extension.as_ref().map_or(0, |e| e.workdays);
        let d = cal.deadline(
            self.accepted_on,
            self.limit_workdays,
            &self.ranges(today),
            ext,
        )?;
        let left = cal.workdays_between(today, d.due).days;
        let light = if today > d.due {
            ClockLight::Overdue
        } else if left <= DUE_SOON_WORKDAYS {
            ClockLight::DueSoon
        } else {
            ClockLight::OnTime
        };
        Ok(ClockReading {
            due: d.due,
            workdays_left: if today > d.due { left.min(-1) } else { left },
            light,
            paused: self.open_pause().is_some(),
            paused_workdays: d.paused_workdays,
            assumed_years: d.assumed_years,
        })
    }

    /// Stops the clock from `from` (第四十五条 for a special procedure, which needs the written
    /// notice of its expected length).
    pub fn pause(
        &mut self,
        cause: PauseCause,
        from: NaiveDate,
        expected_workdays: u32,
    ) -> Result<(), ClockError> {
        if let Some(open) = self.open_pause() {
            return Err(ClockError::AlreadyPaused { since: open.from });
        }
        if from <= self.accepted_on {
            return Err(ClockError::PauseBeforeAcceptance {
                accepted: self.accepted_on,
            });
        }
        if matches!(cause, PauseCause::Special(_)) && expected_workdays == 0 {
            return Err(ClockError::ExpectedLengthMissing);
        }
        if let Some(to) = self
            .pauses
            .iter()
            .filter_map(|p| p.to)
            .find(|to| from <= *to)
        {
            return Err(ClockError::OverlapsEarlierPause { to });
        }
        self.pauses.push(Pause {
            cause,
            from,
            to: None,
            expected_workdays,
        });
        Ok(())
    }

    /// Starts the clock again; `to` is the last day that did not count.
    pub fn resume(&mut self, to: NaiveDate) -> Result<(), ClockError> {
        let Some(open) = self.pauses.iter_mut().find(|p| p.to.is_none()) else {
            return Err(ClockError::NotPaused);
        };
        if to < open.from {
            return Err(ClockError::EndBeforeStart { from: open.from });
        }
        open.to = Some(to);
        Ok(())
    }

    /// Grants the one extension of 第四十二条: at most 10 working days (15 for joint
    /// handling), approved at the rank the law names, with a reason, before the deadline
    /// passes.
    pub fn extend(&mut self, extension: Extension, cal: &Calendar) -> Result<(), ClockError> {
        if self.extension.is_some() {
            return Err(ClockError::AlreadyExtended);
        }
        let max = self.handling.max_extension();
        if extension.workdays == 0 || extension.workdays > max {
            return Err(ClockError::ExtensionTooLong { max });
        }
        let needs = self.handling.extension_approver();
        if extension.approver != needs && extension.approver != ApproverLevel::GovernmentHead {
            return Err(ClockError::WrongApprover { needs });
        }
        if extension.reason.trim().is_empty() {
            return Err(ClockError::ReasonMissing);
        }
        let due = self.read(extension.on, cal)?.due;
        if extension.on > due {
            return Err(ClockError::ExtensionAfterDeadline { due });
        }
        self.extension = Some(extension);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ext(on: NaiveDate, workdays: u32, approver: ApproverLevel) -> Extension {
        Extension {
            on,
            workdays,
            approver,
            reason: "需现场核查".into(),
        }
    }

    #[test]
    fn article_42_twenty_working_days_from_the_day_after_acceptance_across_national_day() {
        // RULES.md §1.6: 2025-09-26 + 20 WD = 2025-10-30 (the 调休 Sunday 9/28 counts).
        let cal = Calendar::builtin();
        let c = Clock::new(
            day(2025, 9, 26),
            Handling::Single.statutory_limit(),
            Handling::Single,
        );
        let r = c.read(day(2025, 9, 26), &cal).unwrap();
        assert_eq!(r.due, day(2025, 10, 30));
        assert_eq!(r.workdays_left, 20);
        assert_eq!(r.light, ClockLight::OnTime);
        // A 调休 Saturday counts as a working day: 2026-09-18 + 10 WD = 2026-10-09.
        let c = Clock::new(day(2026, 9, 18), 10, Handling::Single);
        assert_eq!(
            c.read(day(2026, 9, 18), &cal).unwrap().due,
            day(2026, 10, 9)
        );
    }

    #[test]
    fn article_42_the_light_turns_due_soon_then_overdue() {
        let cal = Calendar::builtin();
        // Accepted Monday 2026-03-02, 5 WD: due Monday 3/9.
        let c = Clock::new(day(2026, 3, 2), 5, Handling::Single);
        assert_eq!(
            c.read(day(2026, 3, 3), &cal).unwrap().light,
            ClockLight::OnTime
        );
        let soon = c.read(day(2026, 3, 4), &cal).unwrap();
        assert_eq!((soon.workdays_left, soon.light), (3, ClockLight::DueSoon));
        let on_due = c.read(day(2026, 3, 9), &cal).unwrap();
        assert_eq!(
            (on_due.workdays_left, on_due.light),
            (0, ClockLight::DueSoon)
        );
        let late = c.read(day(2026, 3, 11), &cal).unwrap();
        assert_eq!((late.workdays_left, late.light), (-2, ClockLight::Overdue));
        // Late on a Saturday: still one working day late, never "0 left".
        let weekend = c.read(day(2026, 3, 14), &cal).unwrap();
        assert_eq!(weekend.light, ClockLight::Overdue);
        assert!(weekend.workdays_left < 0);
    }

    #[test]
    fn article_45_the_clock_stands_still_during_expert_review() {
        let cal = Calendar::builtin();
        // Accepted Monday 2026-03-02, 20 WD: due 2026-03-30.
        let mut c = Clock::new(day(2026, 3, 2), 20, Handling::Single);
        assert_eq!(c.read(day(2026, 3, 2), &cal).unwrap().due, day(2026, 3, 30));
        let expert = PauseCause::Special(SpecialProcedure::ExpertReview);
        assert_eq!(
            c.pause(expert, day(2026, 3, 9), 0),
            Err(ClockError::ExpectedLengthMissing)
        );
        c.pause(expert, day(2026, 3, 9), 5).unwrap();
        // While it lasts the due date moves with it: 3/9–3/11 are three working days.
        let during = c.read(day(2026, 3, 11), &cal).unwrap();
        assert!(during.paused);
        assert_eq!(during.due, day(2026, 4, 2));
        assert_eq!(
            c.pause(PauseCause::Supplement, day(2026, 3, 12), 0),
            Err(ClockError::AlreadyPaused {
                since: day(2026, 3, 9)
            })
        );
        // Review 3/9–3/13 (one working week): the due date moves by five working days.
        c.resume(day(2026, 3, 13)).unwrap();
        let after = c.read(day(2026, 3, 16), &cal).unwrap();
        assert!(!after.paused);
        assert_eq!(after.paused_workdays, 5);
        assert_eq!(after.due, day(2026, 4, 7)); // 4/4–4/6 are 清明
    }

    #[test]
    fn a_pause_cause_reads_back_from_its_code_and_nothing_else() {
        for cause in [
            PauseCause::Supplement,
            PauseCause::Special(SpecialProcedure::ExpertReview),
            PauseCause::Special(SpecialProcedure::Hearing),
        ] {
            assert_eq!(PauseCause::parse(cause.code()), Some(cause));
        }
        assert_eq!(PauseCause::parse("lost"), None);
        assert_eq!(PauseCause::parse(""), None);
    }

    #[test]
    fn the_clock_stands_still_during_a_supplement_asked_in_review() {
        let cal = Calendar::builtin();
        let mut c = Clock::new(day(2026, 3, 2), 20, Handling::Single);
        c.pause(PauseCause::Supplement, day(2026, 3, 3), 0).unwrap();
        c.resume(day(2026, 3, 4)).unwrap();
        assert_eq!(c.read(day(2026, 3, 5), &cal).unwrap().due, day(2026, 4, 1));
        assert_eq!(
            c.pause(PauseCause::Supplement, day(2026, 3, 2), 0),
            Err(ClockError::PauseBeforeAcceptance {
                accepted: day(2026, 3, 2)
            })
        );
        assert_eq!(c.resume(day(2026, 3, 6)), Err(ClockError::NotPaused));
    }

    #[test]
    fn article_42_one_extension_of_ten_working_days_before_the_deadline() {
        let cal = Calendar::builtin();
        let mut c = Clock::new(day(2026, 3, 2), 20, Handling::Single);
        let due = c.read(day(2026, 3, 2), &cal).unwrap().due;
        assert_eq!(
            c.extend(ext(day(2026, 3, 20), 11, ApproverLevel::AgencyHead), &cal),
            Err(ClockError::ExtensionTooLong { max: 10 })
        );
        let mut no_reason = ext(day(2026, 3, 20), 10, ApproverLevel::AgencyHead);
        no_reason.reason = " ".into();
        assert_eq!(c.extend(no_reason, &cal), Err(ClockError::ReasonMissing));
        assert_eq!(
            c.extend(
                ext(due.succ_opt().unwrap(), 10, ApproverLevel::AgencyHead),
                &cal
            ),
            Err(ClockError::ExtensionAfterDeadline { due })
        );
        c.extend(ext(due, 10, ApproverLevel::AgencyHead), &cal)
            .unwrap();
        assert_eq!(c.read(due, &cal).unwrap().due, day(2026, 4, 14));
        assert_eq!(
            c.extend(ext(due, 5, ApproverLevel::AgencyHead), &cal),
            Err(ClockError::AlreadyExtended)
        );
    }

    #[test]
    fn article_42_joint_handling_has_45_days_and_a_15_day_extension_by_the_government() {
        let cal = Calendar::builtin();
        let mut c = Clock::new(
            day(2026, 3, 2),
            Handling::Joint.statutory_limit(),
            Handling::Joint,
        );
        assert_eq!(Handling::Joint.statutory_limit(), 45);
        assert_eq!(
            c.extend(ext(day(2026, 3, 20), 15, ApproverLevel::AgencyHead), &cal),
            Err(ClockError::WrongApprover {
                needs: ApproverLevel::GovernmentHead
            })
        );
        c.extend(
            ext(day(2026, 3, 20), 15, ApproverLevel::GovernmentHead),
            &cal,
        )
        .unwrap();
        let r = c.read(day(2026, 3, 20), &cal).unwrap();
        assert_eq!(r.due, cal.add_workdays(day(2026, 3, 2), 60).date);
    }
}

//! Reform-task supervision (督): the rules behind the status lights, reminders, escalation and
//! the assessment of units.
//!
//! The district reform office (改革办) turns the implementation plan (实施方案) into reform tasks
//! (改革任务), each with a lead unit (牵头单位), cooperating units (配合单位), a deadline and
//! milestones. Units report progress (进展报送), claim completion, and are scored at the end of an
//! assessment period (考核周期). Those judgements decide which unit leader receives a supervision
//! notice and how a unit ranks, so they must be the same on every page, in every export and in the
//! nightly reminder job, and a unit that disputes its light or its score must be able to check it by
//! hand. That is why they live here, as pure functions, with the rules written down below; this
//! documentation is the "documented rules" that the status light follows.
//!
//! Every count of days is in working days (工作日) of [`Calendar`]: a deadline just after 国庆 must
//! not turn yellow a week early because of seven days of holiday. "Working days from `a` to `b`"
//! means the working days in (`a`, `b`], as [`Calendar::workdays_between`] counts them.
//!
//! # Status light (状态灯)
//!
//! [`light`] applies these rules in order; the first that fires decides the colour, and the
//! verdict lists every reason of that colour.
//!
//! 1. **Done (grey)**: the reform office has confirmed completion ([`TaskStatus::Completed`]).
//!    A claim of completion ([`TaskStatus::CompletionClaimed`]) is not completion: the office may
//!    refuse it, so a claimed task is still judged by its dates.
//! 2. **Red**: today is after the deadline ([`LightReason::Overdue`], with the working days
//!    overdue, which is 0 on a weekend right after a Friday deadline), or today is after the date
//!    of a milestone that is not met ([`LightReason::MilestoneMissed`]). The deadline day itself is
//!    not overdue; the day after is.
//! 3. **Yellow** when either
//!    - (a) a date is near and progress is behind ([`LightReason::Behind`]). A date is the
//!      deadline or an unmet milestone not yet passed; it is near when the working days from today
//!      to it are at most [`LightRules::near_workdays`] (default 5; a date today counts as near).
//!      Progress is behind when `progress_pct / 100 < elapsed − behind_margin` (default margin
//!      0.10), where `elapsed` is the working days from the start to today divided by the working
//!      days from the start to the deadline, clamped to 0..=1 (before the start nothing has
//!      elapsed; a plan with no working day between start and deadline has used all its time once
//!      started). Progress exactly at `elapsed − margin` is not behind. The comparison is done in
//!      integers with the margin taken to the nearest 0.0001, so the boundary does not depend on
//!      binary rounding. Being behind with no date near stays green: early in a long task the gap
//!      is noise, and the light is meant to catch the dates that can still be saved.
//!    - (b) a progress report is missing ([`LightReason::ReportMissing`]): `report_due` is set,
//!      today is after `report_due` plus [`LightRules::report_grace_workdays`] working days
//!      (default 0, so the due day itself is not late and the day after is), and there is no
//!      report on or after `report_due`. `report_due` is the due date of the oldest report not yet
//!      received: the caller moves it to the next period's due date (e.g. the 25th of next month,
//!      the schedule is set per plan) when a report arrives. A report dated before `report_due`
//!      therefore belongs to an earlier period and does not count, while a late report clears the
//!      light even before the caller has moved the due date on.
//! 4. **Green** otherwise.
//!
//! A parent task's progress is the weighted average of its children's ([`roll_up`]: rounded half
//! up, no children is 0, all-zero weights fall back to a plain average, a child above 100 counts as
//! 100), and its light is the worst of theirs ([`parent_light`]: red over yellow over green, done
//! only when every child is done, green when it has no children).
//!
//! # Dependencies (前置任务)
//!
//! A task cannot be claimed or confirmed complete while a task it depends on is not confirmed
//! complete ([`check_completion_allowed`]). A dependency due after the dependent task's own
//! deadline is a planning warning, not an error ([`dependency_warnings`]): the office may accept
//! it knowingly. A dependency cycle can never be completed and is refused when the plan is made
//! ([`find_cycle`], [`check_acyclic`]).
//!
//! # Acceptance of responsibility (责任确认)
//!
//! Each unit accepts its part within a set number of working days after assignment
//! ([`acceptance_due`]). [`acceptance_outcome`] judges, in order: a dispute ("不属于我单位职责")
//! becomes a coordination case (协调事项) for the reform office, even if the unit had accepted
//! before, because the statement is explicit; an acceptance, even a late one, settles it; after
//! the due day with neither, the request has timed out and also becomes a coordination case;
//! otherwise, up to and including the due day, it is pending.
//!
//! # Reminders and escalation (提醒 → 催办 → 督办通报)
//!
//! [`escalation_due`] names the level to send today, if any:
//!
//! - a reminder (提醒) once the working days from today to the deadline are at most
//!   [`EscalationRules::remind_before_workdays`] (default 3), up to and including the deadline day;
//! - an urge notice (催办) once the task is overdue by at least
//!   [`EscalationRules::urge_after_overdue_workdays`] working days (default 1);
//! - a supervision notice (督办通报) to the unit's leader once overdue by at least
//!   [`EscalationRules::supervise_after_overdue_workdays`] working days (default 5).
//!
//! A level is sent only if it is higher than every level already sent: never twice, never a lower
//! one after a higher one. A level whose time passed unsent (the task was added late, or the job
//! did not run) is skipped rather than sent late, because a milder notice than the one due would
//! understate the situation. Urge and supervision notices require a written response within
//! [`EscalationRules::response_workdays`] working days of sending (default 3, [`response_due`]).
//!
//! # Assessment (考核)
//!
//! [`score`] gives each unit four components and a deduction, all with configurable weights
//! ([`AssessmentRules`]):
//!
//! - on time: `on_time_weight` (40) × tasks completed on time ÷ tasks due;
//! - quality: `quality_weight` (30) × mean reviewer score ÷ 100 (scores clamped to 0..=100);
//! - reports: `reports_weight` (20) × reports on time ÷ reports due;
//! - rectification (整改): `rectification_weight` (10) × findings rectified ÷ findings;
//! - deduction: `accountability_deduction` (5) per accountability record (问责), at most
//!   `accountability_cap` (20).
//!
//! A unit with no task due in the period is not assessed ([`assessed`]): it gets no score and
//! no rank (未参评), because full marks for work not yet due would put a unit whose only task
//! stands at 0% above units that delivered. For an assessed unit, a ratio with nothing due
//! (zero denominator: no report or finding in the period), or quality with no reviewer score,
//! counts as full marks: a unit must not lose points for work it was never given. A numerator above its
//! denominator counts as the denominator. Each component is rounded to 2 decimals (half up), and
//! the total is the sum of the rounded components minus the rounded deduction, floored at 0, so
//! the breakdown a unit sees adds up to its total. [`rank`] orders units by total, highest first,
//! then by name; equal totals share a rank and the next rank skips (1, 2, 2, 4).

pub mod plan;
mod record;
mod task;

pub use record::*;
pub use task::*;

crate::record_id::record_id! {
    /// A reform task (改革任务).
    pub struct TaskId;
}

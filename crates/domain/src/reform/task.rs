//! Reform tasks' lights, roll-up, dependencies, acceptance, escalation, punctuality and scores.

use crate::base::AccountId;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::base::calendar::Calendar;

/// Where a reform task stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// 未启动
    NotStarted,
    /// 推进中
    InProgress,
    /// 申报完成: claimed by the lead unit with evidence, awaiting the reform office.
    CompletionClaimed,
    /// 已完成: confirmed by the reform office.
    Completed,
}

crate::code::code_text!(TaskStatus {
    NotStarted = "not_started",
    InProgress = "in_progress",
    CompletionClaimed = "completion_claimed",
    Completed = "completed",
});

impl TaskStatus {
    /// The label shown in task lists.
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "未启动",
            TaskStatus::InProgress => "推进中",
            TaskStatus::CompletionClaimed => "申报完成待确认",
            TaskStatus::Completed => "已完成",
        }
    }
}

/// The status light (状态灯) of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// 绿灯: on track.
    Green,
    /// 黄灯: a near date with progress behind, or a missing report.
    Yellow,
    /// 红灯: overdue or a milestone missed.
    Red,
    /// 灰灯: completed.
    Done,
}

impl Light {
    /// The label shown beside the light.
    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
            Light::Done => "已完成",
        }
    }
}

/// The thresholds of the status light; each plan may set its own.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LightRules {
    /// A deadline or milestone is near when at most this many working days away.
    pub near_workdays: u32,
    /// Progress is behind when below the elapsed share of working days minus this margin.
    pub behind_margin: f64,
    /// Working days after a report's due date before it counts as missing.
    pub report_grace_workdays: u32,
}

impl Default for LightRules {
    fn default() -> Self {
        LightRules {
            near_workdays: 5,
            behind_margin: 0.10,
            report_grace_workdays: 0,
        }
    }
}

/// What the light of one task is judged from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFacts {
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    /// Milestone dates and whether each is met.
    pub milestones: Vec<(NaiveDate, bool)>,
    /// Reported progress, 0..=100; a larger value counts as 100.
    pub progress_pct: u8,
    pub status: TaskStatus,
    /// The date of the latest progress report.
    pub last_report: Option<NaiveDate>,
    /// The due date of the oldest report not yet received (see the module documentation).
    pub report_due: Option<NaiveDate>,
}

/// Why a task has the light it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LightReason {
    /// 逾期: past the deadline by this many working days.
    Overdue { days: i64 },
    /// 节点逾期: an unmet milestone whose date has passed.
    MilestoneMissed { date: NaiveDate },
    /// 进度滞后: `near` is the nearest date in the window; progress is below the share of
    /// `elapsed_workdays` out of `planned_workdays` minus the margin (the whole share when no
    /// working day was planned).
    Behind {
        near: NaiveDate,
        progress_pct: u8,
        elapsed_workdays: i64,
        planned_workdays: i64,
    },
    /// 未按时报送: the report due on this date has not arrived.
    ReportMissing { due: NaiveDate },
}

impl LightReason {
    /// The explanation shown beside the light, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            LightReason::Overdue { days } => format!("已超过完成时限{days}个工作日"),
            LightReason::MilestoneMissed { date } => format!("节点{date}未按期完成"),
            LightReason::Behind {
                near,
                progress_pct,
                elapsed_workdays,
                planned_workdays,
            } => format!(
                "{near}临近，进度{progress_pct}%落后于时间进度（已用{elapsed_workdays}/{planned_workdays}个工作日）"
            ),
            LightReason::ReportMissing { due } => format!("应于{due}报送的进展未报送"),
        }
    }
}

/// The light of a task and the reasons for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LightVerdict {
    pub light: Light,
    /// Every rule of the light's colour that fired; empty for green and done.
    pub reasons: Vec<LightReason>,
    /// Years whose holidays were assumed (no State Council notice yet): the light rests on a
    /// guess there and the page should say so, as for every other deadline.
    pub assumed_years: Vec<i32>,
}

/// Collects the years that calendar answers assumed, so a verdict can say it rests on a guess.
#[derive(Default)]
struct Assumed(BTreeSet<i32>);

impl Assumed {
    fn between(&mut self, cal: &Calendar, from: NaiveDate, to: NaiveDate) -> i64 {
        let counted = cal.workdays_between(from, to);
        self.0.extend(counted.assumed_years);
        counted.days
    }

    fn add(&mut self, cal: &Calendar, start: NaiveDate, n: u32) -> NaiveDate {
        let deadline = cal.add_workdays(start, n);
        self.0.extend(deadline.assumed_years);
        deadline.date
    }

    fn into_vec(self) -> Vec<i32> {
        self.0.into_iter().collect()
    }
}

/// The status light of a task on `today`, by the rules in the module documentation.
pub fn light(
    task: &TaskFacts,
    today: NaiveDate,
    cal: &Calendar,
    rules: &LightRules,
) -> LightVerdict {
    let mut assumed = Assumed::default();
    let verdict = |light, reasons, assumed: Assumed| LightVerdict {
        light,
        reasons,
        assumed_years: assumed.into_vec(),
    };
    if task.status == TaskStatus::Completed {
        return verdict(Light::Done, Vec::new(), assumed);
    }

    let mut red = Vec::new();
    if today > task.deadline {
        red.push(LightReason::Overdue {
            days: assumed.between(cal, task.deadline, today),
        });
    }
    let mut missed: Vec<NaiveDate> = task
        .milestones
        .iter()
        .filter(|(date, met)| !met && *date < today)
        .map(|(date, _)| *date)
        .collect();
    missed.sort_unstable();
    missed.dedup();
    red.extend(
        missed
            .into_iter()
            .map(|date| LightReason::MilestoneMissed { date }),
    );
    if !red.is_empty() {
        return verdict(Light::Red, red, assumed);
    }

    let mut yellow = Vec::new();
    // Not red, so the deadline and every unmet milestone are today or later.
    let near = std::iter::once(task.deadline)
        .chain(
            task.milestones
                .iter()
                .filter(|(_, met)| !met)
                .map(|(date, _)| *date),
        )
        .filter(|date| i64::from(rules.near_workdays) >= assumed.between(cal, today, *date))
        .min();
    if let Some(near) = near {
        let planned = assumed.between(cal, task.start, task.deadline);
        let elapsed = assumed
            .between(cal, task.start, today)
            .clamp(0, planned.max(0));
        // With no working day planned, the whole allowance is used as soon as the task starts.
        let (share, share_of) = if planned <= 0 {
            (i64::from(today > task.start), 1)
        } else {
            (elapsed, planned)
        };
        let progress = task.progress_pct.min(100);
        if is_behind(progress, share, share_of, rules.behind_margin) {
            yellow.push(LightReason::Behind {
                near,
                progress_pct: progress,
                elapsed_workdays: elapsed,
                planned_workdays: planned,
            });
        }
    }
    if let Some(due) = task.report_due {
        let late_after = assumed.add(cal, due, rules.report_grace_workdays);
        let received = task.last_report.is_some_and(|report| report >= due);
        if today > late_after && !received {
            yellow.push(LightReason::ReportMissing { due });
        }
    }
    if !yellow.is_empty() {
        return verdict(Light::Yellow, yellow, assumed);
    }
    verdict(Light::Green, Vec::new(), assumed)
}

/// `progress / 100 < elapsed / planned − margin`, multiplied out by `10_000 × planned` so that the
/// boundary is exact; `planned` is positive.
fn is_behind(progress: u8, elapsed: i64, planned: i64, margin: f64) -> bool {
    // A NaN margin converts to 0; an absurd one saturates, which still gives a definite answer.
    let margin_ten_thousandths = (margin * 10_000.0).round() as i64;
    let lhs = i128::from(progress) * 100 * i128::from(planned);
    let rhs =
        i128::from(elapsed) * 10_000 - i128::from(margin_ten_thousandths) * i128::from(planned);
    lhs < rhs
}

/// A parent's progress from its children's `(weight, progress)`: the weighted average rounded
/// half up; no children is 0; when every weight is 0, the plain average.
pub fn roll_up(children: &[(u32, u8)]) -> u8 {
    if children.is_empty() {
        return 0;
    }
    let all_zero = children.iter().all(|(weight, _)| *weight == 0);
    let (sum, total_weight) =
        children
            .iter()
            .fold((0u64, 0u64), |(sum, total), (weight, progress)| {
                let weight = if all_zero { 1 } else { u64::from(*weight) };
                let progress = u64::from((*progress).min(100));
                (sum + weight * progress, total + weight)
            });
    // Half up in integers: floor((2·sum + total) / (2·total)).
    let rounded = (2 * sum + total_weight) / (2 * total_weight);
    // A weighted average of values ≤ 100 is ≤ 100.
    rounded.min(100) as u8
}

/// A parent's light from its children's: red over yellow over green; done only when every child is
/// done; green when there are no children, as there is nothing to judge.
pub fn parent_light(children: &[Light]) -> Light {
    if !children.is_empty() && children.iter().all(|light| *light == Light::Done) {
        return Light::Done;
    }
    if children.contains(&Light::Red) {
        Light::Red
    } else if children.contains(&Light::Yellow) {
        Light::Yellow
    } else {
        Light::Green
    }
}

/// Why a planning or completion step on reform tasks was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReformError {
    #[error("task {task:?} cannot be completed while its dependency {dependency:?} is open")]
    DependencyOpen { task: String, dependency: String },
    #[error("task dependencies form a cycle: {}", .cycle.join(" -> "))]
    DependencyCycle { cycle: Vec<String> },
}

impl ReformError {
    /// The explanation shown to the reform office or the unit, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ReformError::DependencyOpen { task, dependency } => {
                format!("任务“{task}”的前置任务“{dependency}”尚未完成，不能申报或确认完成")
            }
            ReformError::DependencyCycle { cycle } => {
                format!("任务依赖形成循环：{}", cycle.join(" → "))
            }
        }
    }
}

/// Refuses completion of `task` while any of its dependencies, given with their statuses, is not
/// confirmed complete; names the first such dependency.
pub fn check_completion_allowed(
    task: &str,
    deps: &[(String, TaskStatus)],
) -> Result<(), ReformError> {
    match deps
        .iter()
        .find(|(_, status)| *status != TaskStatus::Completed)
    {
        Some((dependency, _)) => Err(ReformError::DependencyOpen {
            task: task.to_owned(),
            dependency: dependency.clone(),
        }),
        None => Ok(()),
    }
}

/// The dependencies, given with their deadlines, that are due after the dependent task's deadline,
/// in the order given.
pub fn dependency_warnings(task_deadline: NaiveDate, deps: &[(String, NaiveDate)]) -> Vec<String> {
    deps.iter()
        .filter(|(_, deadline)| *deadline > task_deadline)
        .map(|(name, _)| name.clone())
        .collect()
}

/// A cycle among `edges`, each `(task, dependency)`, if there is one: the tasks along it with the
/// first repeated at the end (`[a, b, c, a]`: a depends on b, b on c, c on a; a task depending on
/// itself gives `[a, a]`).
///
/// The search visits tasks in name order, so the same plan always reports the same cycle. It is
/// iterative: a long chain of subtasks must not overflow the stack.
pub fn find_cycle(edges: &[(String, String)]) -> Option<Vec<String>> {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (task, dependency) in edges {
        graph
            .entry(task.as_str())
            .or_default()
            .push(dependency.as_str());
        graph.entry(dependency.as_str()).or_default();
    }
    for next in graph.values_mut() {
        next.sort_unstable();
        next.dedup();
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Unseen,
        OnPath,
        Finished,
    }
    let mut marks: BTreeMap<&str, Mark> = graph.keys().map(|task| (*task, Mark::Unseen)).collect();
    for &root in graph.keys() {
        if marks[root] != Mark::Unseen {
            continue;
        }
        marks.insert(root, Mark::OnPath);
        // The current path, each task with the index of the next dependency to visit.
        let mut path: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some((task, index)) = path.last_mut() {
            let task = *task;
            let Some(&next) = graph[task].get(*index) else {
                marks.insert(task, Mark::Finished);
                path.pop();
                continue;
            };
            *index += 1;
            match marks[next] {
                Mark::OnPath => {
                    let from = path
                        .iter()
                        .position(|(on_path, _)| *on_path == next)
                        .unwrap_or(0);
                    let mut cycle: Vec<String> = path[from..]
                        .iter()
                        .map(|(on_path, _)| (*on_path).to_owned())
                        .collect();
                    cycle.push(next.to_owned());
                    return Some(cycle);
                }
                Mark::Unseen => {
                    marks.insert(next, Mark::OnPath);
                    path.push((next, 0));
                }
                Mark::Finished => {}
            }
        }
    }
    None
}

/// Refuses a plan whose dependencies form a cycle, naming the cycle found by [`find_cycle`].
pub fn check_acyclic(edges: &[(String, String)]) -> Result<(), ReformError> {
    match find_cycle(edges) {
        Some(cycle) => Err(ReformError::DependencyCycle { cycle }),
        None => Ok(()),
    }
}

/// The last day on which a unit may accept its part: `workdays` working days after assignment,
/// the day of assignment not counted.
pub fn acceptance_due(assigned: NaiveDate, workdays: u32, cal: &Calendar) -> NaiveDate {
    cal.add_workdays(assigned, workdays).date
}

/// Where a unit's acceptance of its part stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceOutcome {
    /// 已确认
    Accepted,
    /// 待确认
    Pending,
    /// 逾期未确认: becomes a coordination case (协调事项).
    TimedOut,
    /// 有异议 ("不属于我单位职责"): becomes a coordination case (协调事项).
    Disputed,
}

impl AcceptanceOutcome {
    /// Whether the reform office must open a coordination case (协调事项).
    pub fn needs_coordination(self) -> bool {
        matches!(
            self,
            AcceptanceOutcome::TimedOut | AcceptanceOutcome::Disputed
        )
    }

    /// The label shown in the acceptance list.
    pub fn label_zh(self) -> &'static str {
        match self {
            AcceptanceOutcome::Accepted => "已确认",
            AcceptanceOutcome::Pending => "待确认",
            AcceptanceOutcome::TimedOut => "逾期未确认",
            AcceptanceOutcome::Disputed => "有异议",
        }
    }
}

/// Judges a unit's acceptance on `today`: disputed, then accepted, then timed out after `due`,
/// otherwise pending (see the module documentation).
pub fn acceptance_outcome(
    accepted: Option<NaiveDate>,
    disputed: bool,
    due: NaiveDate,
    today: NaiveDate,
) -> AcceptanceOutcome {
    if disputed {
        AcceptanceOutcome::Disputed
    } else if accepted.is_some() {
        AcceptanceOutcome::Accepted
    } else if today > due {
        AcceptanceOutcome::TimedOut
    } else {
        AcceptanceOutcome::Pending
    }
}

/// The levels of reminder and escalation; the derived order is the severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationLevel {
    /// 提醒: before the deadline.
    Reminder,
    /// 催办: overdue.
    Urge,
    /// 督办通报: overdue for longer, notified to the unit's leader.
    Supervise,
}

crate::code::code_text!(EscalationLevel {
    Reminder = "reminder",
    Urge = "urge",
    Supervise = "supervise",
});

impl EscalationLevel {
    /// The title of the notice.
    pub fn label_zh(self) -> &'static str {
        match self {
            EscalationLevel::Reminder => "提醒",
            EscalationLevel::Urge => "催办",
            EscalationLevel::Supervise => "督办通报",
        }
    }
}

/// When reminders and escalation notices are sent; each plan may set its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EscalationRules {
    /// Remind when the deadline is at most this many working days away.
    pub remind_before_workdays: u32,
    /// Urge once overdue by at least this many working days.
    pub urge_after_overdue_workdays: u32,
    /// Notify the unit's leader once overdue by at least this many working days.
    pub supervise_after_overdue_workdays: u32,
    /// Working days the unit has to answer an escalation in writing.
    pub response_workdays: u32,
}

impl Default for EscalationRules {
    fn default() -> Self {
        EscalationRules {
            remind_before_workdays: 3,
            urge_after_overdue_workdays: 1,
            supervise_after_overdue_workdays: 5,
            response_workdays: 3,
        }
    }
}

/// The level to send on `today` for a task due on `deadline`, if any (see the module
/// documentation); `already_sent` is every level sent so far for this deadline.
pub fn escalation_due(
    deadline: NaiveDate,
    today: NaiveDate,
    cal: &Calendar,
    rules: &EscalationRules,
    already_sent: &[EscalationLevel],
) -> Option<EscalationLevel> {
    let due = if today <= deadline {
        let left = cal.workdays_between(today, deadline).days;
        (left <= i64::from(rules.remind_before_workdays)).then_some(EscalationLevel::Reminder)
    } else {
        let overdue = cal.workdays_between(deadline, today).days;
        if overdue >= i64::from(rules.supervise_after_overdue_workdays) {
            Some(EscalationLevel::Supervise)
        } else if overdue >= i64::from(rules.urge_after_overdue_workdays) {
            Some(EscalationLevel::Urge)
        } else {
            None
        }
    }?;
    match already_sent.iter().max() {
        Some(highest) if *highest >= due => None,
        _ => Some(due),
    }
}

/// The last day for the written response to a notice sent on `sent`.
pub fn response_due(sent: NaiveDate, cal: &Calendar, rules: &EscalationRules) -> NaiveDate {
    cal.add_workdays(sent, rules.response_workdays).date
}

/// The weights of the assessment; each assessment period may set its own.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentRules {
    pub on_time_weight: f64,
    pub quality_weight: f64,
    pub reports_weight: f64,
    pub rectification_weight: f64,
    /// Points deducted per accountability record (问责).
    pub accountability_deduction: f64,
    /// The most that accountability records may deduct in one period.
    pub accountability_cap: f64,
}

impl Default for AssessmentRules {
    fn default() -> Self {
        AssessmentRules {
            on_time_weight: 40.0,
            quality_weight: 30.0,
            reports_weight: 20.0,
            rectification_weight: 10.0,
            accountability_deduction: 5.0,
            accountability_cap: 20.0,
        }
    }
}

/// What one unit did in an assessment period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitFacts {
    pub unit: String,
    pub tasks_due: u32,
    pub tasks_on_time: u32,
    /// Reviewers' quality scores, 0..=100.
    pub quality_scores: Vec<f64>,
    pub reports_due: u32,
    pub reports_on_time: u32,
    /// Supervision findings (督查发现问题) addressed to the unit.
    pub findings: u32,
    pub findings_rectified: u32,
    pub accountability_records: u32,
}

/// A unit's score, component by component, each rounded to 2 decimals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreBreakdown {
    pub on_time: f64,
    pub quality: f64,
    pub reports: f64,
    pub rectification: f64,
    /// Points deducted, as a positive number.
    pub deduction: f64,
    pub total: f64,
}

/// Rounds half up to 2 decimals. The nudge of 1e-9 keeps a value such as 7.125, which binary
/// floating point may hold as 7.12499…, on the side a reader computing by hand expects.
fn round2(value: f64) -> f64 {
    ((value * 100.0) + 1e-9).round() / 100.0
}

/// `done / due`, full when nothing was due, at most 1.
fn ratio(done: u32, due: u32) -> f64 {
    if due == 0 {
        1.0
    } else {
        f64::from(done.min(due)) / f64::from(due)
    }
}

/// Whether a unit is assessed in the period: only a unit with a task due in it is scored and
/// ranked (see the module documentation).
pub fn assessed(u: &UnitFacts) -> bool {
    u.tasks_due > 0
}

/// A unit's assessment score by the rules in the module documentation.
pub fn score(u: &UnitFacts, r: &AssessmentRules) -> ScoreBreakdown {
    let quality_share = if u.quality_scores.is_empty() {
        1.0
    } else {
        let sum: f64 = u
            .quality_scores
            .iter()
            .map(|s| if s.is_nan() { 0.0 } else { s.clamp(0.0, 100.0) })
            .sum();
        sum / u.quality_scores.len() as f64 / 100.0
    };
    let on_time = round2(r.on_time_weight * ratio(u.tasks_on_time, u.tasks_due));
    let quality = round2(r.quality_weight * quality_share);
    let reports = round2(r.reports_weight * ratio(u.reports_on_time, u.reports_due));
    let rectification = round2(r.rectification_weight * ratio(u.findings_rectified, u.findings));
    let deduction = round2(
        (f64::from(u.accountability_records) * r.accountability_deduction)
            .min(r.accountability_cap),
    );
    let total = round2((on_time + quality + reports + rectification - deduction).max(0.0));
    ScoreBreakdown {
        on_time,
        quality,
        reports,
        rectification,
        deduction,
        total,
    }
}

/// The report due dates of a task reporting monthly by `report_day` (clamped to 1..=28): that
/// day of every month strictly after `start`, up to and including `end`.
pub fn report_due_dates(start: NaiveDate, end: NaiveDate, report_day: u32) -> Vec<NaiveDate> {
    let day = report_day.clamp(1, 28);
    let mut out = Vec::new();
    let Some(mut d) = NaiveDate::from_ymd_opt(start.year(), start.month(), day) else {
        return out;
    };
    while d <= end {
        if d > start {
            out.push(d);
        }
        match d.checked_add_months(chrono::Months::new(1)) {
            Some(next) => d = next,
            None => break,
        }
    }
    out
}

/// How many of `dues` had a report in time: on or before the due day and after the previous
/// month's due day (a report belongs to the first period it falls in).
pub fn reports_on_time(dues: &[NaiveDate], reports: &[NaiveDate]) -> u32 {
    let n = dues
        .iter()
        .filter(|d| {
            let from = d
                .checked_sub_months(chrono::Months::new(1))
                .unwrap_or(NaiveDate::MIN);
            reports.iter().any(|r| *r > from && *r <= **d)
        })
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Days a unit has to object to a conclusion (复核申请), and the office to decide the objection
/// (政府督查工作条例第十七条: 30 日 each, counted in calendar days as the regulation says 日).
pub const APPEAL_DAYS: i64 = 30;

/// The last day of a period of `days` calendar days that starts the day after `from`: when
/// that day is a statutory rest day (a weekend not made a working day, or a holiday), the
/// period ends on the first working day after it (民法典第二百零三条).
pub fn calendar_period_end(from: NaiveDate, days: i64, cal: &Calendar) -> NaiveDate {
    let mut end = from + chrono::Duration::days(days);
    // A holiday run is at most a few weeks; the bound only keeps a broken calendar finite.
    for _ in 0..60 {
        if cal.is_working_day(end) {
            break;
        }
        end = end.succ_opt().unwrap_or(end);
    }
    end
}

/// Whether an objection received on `today` to a conclusion received on `received` is in time.
pub fn appeal_in_time(received: NaiveDate, today: NaiveDate, cal: &Calendar) -> bool {
    today >= received && today <= calendar_period_end(received, APPEAL_DAYS, cal)
}

/// The last day to decide an objection made on `appealed`.
pub fn appeal_decision_due(appealed: NaiveDate, cal: &Calendar) -> NaiveDate {
    calendar_period_end(appealed, APPEAL_DAYS, cal)
}

/// Whoever made the conclusion stands aside from deciding the objection to it (回避).
pub fn may_decide_appeal(decider: AccountId, concluded_by: Option<AccountId>) -> bool {
    concluded_by != Some(decider)
}

/// Ranks `(unit, total)`: highest total first, then by unit name; equal totals share a rank and
/// the next rank skips (1, 2, 2, 4). A NaN total ranks last.
pub fn rank(units: &[(String, f64)]) -> Vec<(String, f64, u32)> {
    let key = |score: f64| {
        if score.is_nan() {
            f64::NEG_INFINITY
        } else {
            score
        }
    };
    let mut sorted: Vec<(String, f64)> = units.to_vec();
    sorted.sort_by(|(a_name, a), (b_name, b)| {
        key(*b)
            .partial_cmp(&key(*a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a_name.cmp(b_name))
    });
    let mut ranked: Vec<(String, f64, u32)> = Vec::with_capacity(sorted.len());
    for (position, (unit, total)) in sorted.into_iter().enumerate() {
        let rank = match ranked.last() {
            Some((_, previous, previous_rank)) if key(*previous) == key(total) => *previous_rank,
            _ => u32::try_from(position + 1).unwrap_or(u32::MAX),
        };
        ranked.push((unit, total, rank));
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Start Friday 2026-03-06, deadline Friday 2026-03-20: ten plain working days
    /// (03-09..13 and 03-16..20), no holiday in between.
    fn march_task(progress_pct: u8) -> TaskFacts {
        TaskFacts {
            start: day(2026, 3, 6),
            deadline: day(2026, 3, 20),
            milestones: Vec::new(),
            progress_pct,
            status: TaskStatus::InProgress,
            last_report: None,
            report_due: None,
        }
    }

    fn judge(task: &TaskFacts, today: NaiveDate) -> LightVerdict {
        light(task, today, &Calendar::builtin(), &LightRules::default())
    }

    fn behind(near: NaiveDate, progress_pct: u8, elapsed: i64, planned: i64) -> LightReason {
        LightReason::Behind {
            near,
            progress_pct,
            elapsed_workdays: elapsed,
            planned_workdays: planned,
        }
    }

    // Status light.

    #[test]
    fn completed_is_done_even_when_overdue() {
        let mut task = march_task(60);
        task.status = TaskStatus::Completed;
        task.milestones = vec![(day(2026, 3, 10), false)];
        let verdict = judge(&task, day(2026, 4, 30));
        assert_eq!(verdict.light, Light::Done);
        assert!(verdict.reasons.is_empty());
    }

    #[test]
    fn deadline_day_is_not_overdue_and_the_day_after_is() {
        let task = march_task(100);
        assert_eq!(judge(&task, day(2026, 3, 20)).light, Light::Green);
        // Saturday after a Friday deadline: overdue, by 0 working days.
        let saturday = judge(&task, day(2026, 3, 21));
        assert_eq!(saturday.light, Light::Red);
        assert_eq!(saturday.reasons, vec![LightReason::Overdue { days: 0 }]);
        let monday = judge(&task, day(2026, 3, 23));
        assert_eq!(monday.reasons, vec![LightReason::Overdue { days: 1 }]);
        assert_eq!(monday.reasons[0].message_zh(), "已超过完成时限1个工作日");
    }

    #[test]
    fn a_claim_is_still_judged_by_its_dates() {
        let mut task = march_task(100);
        task.status = TaskStatus::CompletionClaimed;
        assert_eq!(judge(&task, day(2026, 3, 20)).light, Light::Green);
        assert_eq!(judge(&task, day(2026, 3, 23)).light, Light::Red);
    }

    #[test]
    fn deadline_day_with_progress_behind_is_yellow() {
        let verdict = judge(&march_task(0), day(2026, 3, 20));
        assert_eq!(verdict.light, Light::Yellow);
        assert_eq!(verdict.reasons, vec![behind(day(2026, 3, 20), 0, 10, 10)]);
    }

    #[test]
    fn near_window_edge_is_five_working_days() {
        let task = march_task(0);
        // 03-13: five working days left (03-16..20), 5/10 elapsed, 0% is behind 40%.
        let at_edge = judge(&task, day(2026, 3, 13));
        assert_eq!(at_edge.light, Light::Yellow);
        assert_eq!(at_edge.reasons, vec![behind(day(2026, 3, 20), 0, 5, 10)]);
        // 03-12: six working days left, so not near, however far behind.
        assert_eq!(judge(&task, day(2026, 3, 12)).light, Light::Green);
    }

    #[test]
    fn progress_exactly_at_the_margin_is_not_behind() {
        // 03-13: elapsed 5/10 = 0.50, minus the margin 0.10 = 0.40.
        assert_eq!(judge(&march_task(40), day(2026, 3, 13)).light, Light::Green);
        assert_eq!(
            judge(&march_task(39), day(2026, 3, 13)).light,
            Light::Yellow
        );
        // 03-19: elapsed 9/10 = 0.90, so the line is 80% (0.9 − 0.1 is not exactly 0.8 in f64).
        assert_eq!(judge(&march_task(80), day(2026, 3, 19)).light, Light::Green);
        assert_eq!(
            judge(&march_task(79), day(2026, 3, 19)).light,
            Light::Yellow
        );
        // 03-16: elapsed 6/10, line at 50%; the margin is a plan setting.
        let rules = LightRules {
            behind_margin: 0.25,
            ..LightRules::default()
        };
        let cal = Calendar::builtin();
        let today = day(2026, 3, 16);
        assert_eq!(
            light(&march_task(35), today, &cal, &rules).light,
            Light::Green
        );
        assert_eq!(
            light(&march_task(34), today, &cal, &rules).light,
            Light::Yellow
        );
    }

    #[test]
    fn unmet_milestone_passed_is_red_and_near_one_is_yellow() {
        let mut task = march_task(0);
        task.milestones = vec![(day(2026, 3, 10), false)];
        // On the milestone day: near (0 working days), elapsed 2/10, 0% < 10%.
        let on_day = judge(&task, day(2026, 3, 10));
        assert_eq!(on_day.light, Light::Yellow);
        assert_eq!(on_day.reasons, vec![behind(day(2026, 3, 10), 0, 2, 10)]);
        // The day after: missed.
        let after = judge(&task, day(2026, 3, 11));
        assert_eq!(after.light, Light::Red);
        assert_eq!(
            after.reasons,
            vec![LightReason::MilestoneMissed {
                date: day(2026, 3, 10)
            }]
        );
        // A met milestone is never missed; 03-11 is then judged by the deadline, not near.
        task.milestones = vec![(day(2026, 3, 10), true)];
        assert_eq!(judge(&task, day(2026, 3, 11)).light, Light::Green);
    }

    #[test]
    fn overdue_and_missed_milestones_are_all_reasons() {
        let mut task = march_task(0);
        task.milestones = vec![(day(2026, 3, 12), false), (day(2026, 3, 9), false)];
        let verdict = judge(&task, day(2026, 3, 24));
        assert_eq!(verdict.light, Light::Red);
        assert_eq!(
            verdict.reasons,
            vec![
                LightReason::Overdue { days: 2 },
                LightReason::MilestoneMissed {
                    date: day(2026, 3, 9)
                },
                LightReason::MilestoneMissed {
                    date: day(2026, 3, 12)
                },
            ]
        );
    }

    #[test]
    fn report_is_missing_from_the_day_after_it_is_due() {
        let mut task = march_task(100);
        task.deadline = day(2026, 6, 30);
        task.report_due = Some(day(2026, 3, 10));
        assert_eq!(judge(&task, day(2026, 3, 10)).light, Light::Green);
        let late = judge(&task, day(2026, 3, 11));
        assert_eq!(late.light, Light::Yellow);
        assert_eq!(
            late.reasons,
            vec![LightReason::ReportMissing {
                due: day(2026, 3, 10)
            }]
        );
        // A report before the due date belongs to the previous period.
        task.last_report = Some(day(2026, 3, 9));
        assert_eq!(judge(&task, day(2026, 3, 11)).light, Light::Yellow);
        // A late report clears it, as does one on the due day.
        task.last_report = Some(day(2026, 3, 11));
        assert_eq!(judge(&task, day(2026, 3, 12)).light, Light::Green);
        task.last_report = Some(day(2026, 3, 10));
        assert_eq!(judge(&task, day(2026, 3, 12)).light, Light::Green);
    }

    #[test]
    fn report_grace_is_counted_in_working_days() {
        let mut task = march_task(100);
        task.deadline = day(2026, 6, 30);
        task.report_due = Some(day(2026, 3, 13)); // a Friday
        let rules = LightRules {
            report_grace_workdays: 1,
            ..LightRules::default()
        };
        let cal = Calendar::builtin();
        // One working day of grace runs to Monday 03-16.
        for today in [day(2026, 3, 14), day(2026, 3, 15), day(2026, 3, 16)] {
            assert_eq!(
                light(&task, today, &cal, &rules).light,
                Light::Green,
                "{today}"
            );
        }
        assert_eq!(
            light(&task, day(2026, 3, 17), &cal, &rules).light,
            Light::Yellow
        );
    }

    #[test]
    fn behind_and_missing_report_are_both_reasons() {
        let mut task = march_task(0);
        task.report_due = Some(day(2026, 3, 10));
        let verdict = judge(&task, day(2026, 3, 13));
        assert_eq!(verdict.light, Light::Yellow);
        assert_eq!(
            verdict.reasons,
            vec![
                behind(day(2026, 3, 20), 0, 5, 10),
                LightReason::ReportMissing {
                    due: day(2026, 3, 10)
                },
            ]
        );
    }

    #[test]
    fn national_day_holiday_inside_the_near_window_counts_in_working_days() {
        // 2026: 中秋 09-25..27, 国庆 10-01..07, 10-10 (Saturday) is a make-up working day.
        // Deadline Monday 10-12. From 09-29 the working days left are 09-30, 10-08, 10-09, 10-10
        // and 10-12: five, so near, though 13 calendar days away; from 09-28 they are six.
        let task = TaskFacts {
            start: day(2026, 9, 1),
            deadline: day(2026, 10, 12),
            milestones: Vec::new(),
            progress_pct: 0,
            status: TaskStatus::InProgress,
            last_report: None,
            report_due: None,
        };
        assert_eq!(judge(&task, day(2026, 9, 28)).light, Light::Green);
        // 09-02..30 hold 21 working days (the make-up 09-20 in, 09-25 out), 20 of them by 09-29,
        // and October 4 more: 20/25 elapsed.
        let verdict = judge(&task, day(2026, 9, 29));
        assert_eq!(verdict.light, Light::Yellow);
        assert_eq!(verdict.reasons, vec![behind(day(2026, 10, 12), 0, 20, 25)]);
        assert!(verdict.assumed_years.is_empty());
        // On the last day of the holiday two working days are left.
        assert_eq!(judge(&task, day(2026, 10, 7)).light, Light::Yellow);
    }

    #[test]
    fn before_the_start_nothing_has_elapsed() {
        let mut task = march_task(0);
        task.start = day(2026, 3, 18);
        assert_eq!(judge(&task, day(2026, 3, 17)).light, Light::Green);
        // Start and deadline on the same day: nothing has elapsed on it.
        task.start = day(2026, 3, 20);
        assert_eq!(judge(&task, day(2026, 3, 20)).light, Light::Green);
        // From Friday to a Saturday deadline no working day is planned, so the allowance is used
        // up once the task has started.
        task.deadline = day(2026, 3, 21);
        let verdict = judge(&task, day(2026, 3, 21));
        assert_eq!(verdict.reasons, vec![behind(day(2026, 3, 21), 0, 0, 0)]);
    }

    #[test]
    fn a_year_without_a_notice_is_flagged() {
        let mut task = march_task(0);
        task.start = day(2099, 3, 2);
        task.deadline = day(2099, 3, 13);
        let verdict = judge(&task, day(2099, 3, 12));
        assert_eq!(verdict.assumed_years, vec![2099]);
    }

    #[test]
    fn light_types_serialize_in_snake_case() {
        let json = serde_json::to_string(&LightReason::Overdue { days: 2 }).unwrap();
        assert_eq!(json, r#"{"kind":"overdue","days":2}"#);
        assert_eq!(serde_json::to_string(&Light::Done).unwrap(), "\"done\"");
        let rules: LightRules = serde_json::from_str(r#"{"near_workdays":3}"#).unwrap();
        assert_eq!(rules.behind_margin, 0.10);
        let task = march_task(10);
        let back: TaskFacts = serde_json::from_str(&serde_json::to_string(&task).unwrap()).unwrap();
        assert_eq!(back, task);
    }

    // Roll-up.

    #[test]
    fn roll_up_is_a_weighted_average_rounded_half_up() {
        assert_eq!(roll_up(&[]), 0);
        assert_eq!(roll_up(&[(3, 33)]), 33);
        // (50 + 51) / 2 = 50.5 → 51.
        assert_eq!(roll_up(&[(1, 50), (1, 51)]), 51);
        // (2·10 + 1·40) / 3 = 20.
        assert_eq!(roll_up(&[(2, 10), (1, 40)]), 20);
        // (1·0 + 2·100) / 3 = 66.67 → 67; (2·0 + 1·100) / 3 = 33.33 → 33.
        assert_eq!(roll_up(&[(1, 0), (2, 100)]), 67);
        assert_eq!(roll_up(&[(2, 0), (1, 100)]), 33);
        // All weights zero: plain average, (33 + 34) / 2 = 33.5 → 34.
        assert_eq!(roll_up(&[(0, 33), (0, 34)]), 34);
        // A zero weight among others counts for nothing.
        assert_eq!(roll_up(&[(0, 100), (1, 20)]), 20);
        // Above 100 counts as 100.
        assert_eq!(roll_up(&[(1, 200), (1, 50)]), 75);
        assert_eq!(roll_up(&[(u32::MAX, 100), (u32::MAX, 100)]), 100);
    }

    #[test]
    fn parent_light_is_the_worst_child() {
        use Light::*;
        assert_eq!(parent_light(&[Green, Yellow, Red, Done]), Red);
        assert_eq!(parent_light(&[Green, Yellow, Done]), Yellow);
        assert_eq!(parent_light(&[Done, Green]), Green);
        assert_eq!(parent_light(&[Done, Done]), Done);
        assert_eq!(parent_light(&[]), Green);
    }

    // Dependencies.

    #[test]
    fn completion_is_refused_while_a_dependency_is_open() {
        let deps = vec![
            ("T1".to_owned(), TaskStatus::Completed),
            ("T2".to_owned(), TaskStatus::CompletionClaimed),
            ("T3".to_owned(), TaskStatus::InProgress),
        ];
        let err = check_completion_allowed("T9", &deps).unwrap_err();
        assert_eq!(
            err,
            ReformError::DependencyOpen {
                task: "T9".to_owned(),
                dependency: "T2".to_owned()
            }
        );
        assert_eq!(
            err.to_string(),
            "task \"T9\" cannot be completed while its dependency \"T2\" is open"
        );
        assert!(err.message_zh().contains("前置任务“T2”尚未完成"));
        assert_eq!(check_completion_allowed("T9", &deps[..1]), Ok(()));
        assert_eq!(check_completion_allowed("T9", &[]), Ok(()));
    }

    #[test]
    fn dependencies_due_after_the_task_are_warned() {
        let deadline = day(2026, 6, 30);
        let deps = vec![
            ("late".to_owned(), day(2026, 7, 1)),
            ("same day".to_owned(), day(2026, 6, 30)),
            ("early".to_owned(), day(2026, 5, 1)),
            ("much later".to_owned(), day(2026, 12, 31)),
        ];
        assert_eq!(
            dependency_warnings(deadline, &deps),
            vec!["late", "much later"]
        );
    }

    fn edges(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn cycles_are_found_and_refused() {
        assert_eq!(
            find_cycle(&edges(&[("a", "b"), ("b", "c"), ("c", "a")])),
            Some(vec![
                "a".to_owned(),
                "b".to_owned(),
                "c".to_owned(),
                "a".to_owned()
            ])
        );
        assert_eq!(
            find_cycle(&edges(&[("x", "x")])),
            Some(vec!["x".to_owned(), "x".to_owned()])
        );
        // A cycle not reachable from the first task by name.
        assert_eq!(
            find_cycle(&edges(&[("a", "b"), ("d", "e"), ("e", "d")])),
            Some(vec!["d".to_owned(), "e".to_owned(), "d".to_owned()])
        );
        // A diamond shares a dependency but has no cycle.
        let diamond = edges(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]);
        assert_eq!(find_cycle(&diamond), None);
        assert_eq!(check_acyclic(&diamond), Ok(()));
        let err = check_acyclic(&edges(&[("a", "b"), ("b", "a")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "task dependencies form a cycle: a -> b -> a"
        );
        assert_eq!(err.message_zh(), "任务依赖形成循环：a → b → a");
        assert_eq!(find_cycle(&[]), None);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let chain: Vec<(String, String)> = (0..100_000)
            .map(|i| (format!("t{i:06}"), format!("t{:06}", i + 1)))
            .collect();
        assert_eq!(find_cycle(&chain), None);
        let mut looped = chain;
        looped.push(("t100000".to_owned(), "t000000".to_owned()));
        assert_eq!(find_cycle(&looped).map(|c| c.len()), Some(100_002));
    }

    // Acceptance.

    #[test]
    fn acceptance_times_out_after_the_due_day() {
        let cal = Calendar::builtin();
        // Five working days from 09-29: 09-30, 10-08, 10-09, 10-10 (make-up) and 10-12.
        let due = acceptance_due(day(2026, 9, 29), 5, &cal);
        assert_eq!(due, day(2026, 10, 12));
        assert_eq!(
            acceptance_outcome(None, false, due, day(2026, 10, 12)),
            AcceptanceOutcome::Pending
        );
        let timed_out = acceptance_outcome(None, false, due, day(2026, 10, 13));
        assert_eq!(timed_out, AcceptanceOutcome::TimedOut);
        assert!(timed_out.needs_coordination());
        assert_eq!(
            acceptance_outcome(Some(day(2026, 10, 9)), false, due, day(2026, 10, 20)),
            AcceptanceOutcome::Accepted
        );
        assert_eq!(
            acceptance_outcome(Some(day(2026, 10, 15)), false, due, day(2026, 10, 20)),
            AcceptanceOutcome::Accepted
        );
        let disputed = acceptance_outcome(None, true, due, day(2026, 10, 1));
        assert_eq!(disputed, AcceptanceOutcome::Disputed);
        assert!(disputed.needs_coordination());
        assert_eq!(
            acceptance_outcome(Some(day(2026, 9, 30)), true, due, day(2026, 10, 1)),
            AcceptanceOutcome::Disputed
        );
        assert!(!AcceptanceOutcome::Pending.needs_coordination());
    }

    // Escalation.

    #[test]
    fn escalation_ladder_over_the_days() {
        let cal = Calendar::builtin();
        let rules = EscalationRules::default();
        let deadline = day(2026, 3, 20); // a Friday
        let mut sent: Vec<EscalationLevel> = Vec::new();
        let mut log = Vec::new();
        let mut today = day(2026, 3, 9);
        while today <= day(2026, 4, 10) {
            if let Some(level) = escalation_due(deadline, today, &cal, &rules, &sent) {
                sent.push(level);
                log.push((today, level));
            }
            today = today.succ_opt().unwrap();
        }
        assert_eq!(
            log,
            vec![
                // Three working days before: 03-18, 03-19, 03-20 left.
                (day(2026, 3, 17), EscalationLevel::Reminder),
                // The weekend after is overdue by 0 working days; Monday by 1.
                (day(2026, 3, 23), EscalationLevel::Urge),
                // 03-23..27 make five.
                (day(2026, 3, 27), EscalationLevel::Supervise),
            ]
        );
    }

    #[test]
    fn escalation_never_repeats_or_goes_down() {
        let cal = Calendar::builtin();
        let rules = EscalationRules::default();
        let deadline = day(2026, 3, 20);
        use EscalationLevel::*;
        // Found late: the supervision notice is due, the milder ones are skipped.
        assert_eq!(
            escalation_due(deadline, day(2026, 3, 30), &cal, &rules, &[]),
            Some(Supervise)
        );
        assert_eq!(
            escalation_due(deadline, day(2026, 3, 24), &cal, &rules, &[Supervise]),
            None
        );
        assert_eq!(
            escalation_due(deadline, day(2026, 3, 18), &cal, &rules, &[Urge]),
            None
        );
        assert_eq!(
            escalation_due(deadline, day(2026, 3, 18), &cal, &rules, &[Reminder]),
            None
        );
        assert_eq!(
            escalation_due(deadline, day(2026, 3, 24), &cal, &rules, &[Reminder]),
            Some(Urge)
        );
        // Too early for a reminder; the deadline day itself still reminds.
        assert_eq!(
            escalation_due(deadline, day(2026, 3, 16), &cal, &rules, &[]),
            None
        );
        assert_eq!(
            escalation_due(deadline, day(2026, 3, 20), &cal, &rules, &[]),
            Some(Reminder)
        );
        assert!(Supervise > Urge && Urge > Reminder);
        assert_eq!(Supervise.label_zh(), "督办通报");
    }

    #[test]
    fn response_is_due_in_working_days() {
        let cal = Calendar::builtin();
        let rules = EscalationRules::default();
        assert_eq!(
            response_due(day(2026, 3, 27), &cal, &rules),
            day(2026, 4, 1)
        );
        // 清明 04-04..06: sent Friday 04-03, answered by 04-07, 04-08, 04-09.
        assert_eq!(response_due(day(2026, 4, 3), &cal, &rules), day(2026, 4, 9));
    }

    // Assessment.

    fn unit(name: &str) -> UnitFacts {
        UnitFacts {
            unit: name.to_owned(),
            tasks_due: 0,
            tasks_on_time: 0,
            quality_scores: Vec::new(),
            reports_due: 0,
            reports_on_time: 0,
            findings: 0,
            findings_rectified: 0,
            accountability_records: 0,
        }
    }

    #[test]
    fn a_unit_with_no_task_due_is_not_assessed_rather_than_given_full_marks() {
        // 城关街道's only task stands at 0% and is not due yet: the ratios would all be full
        // (100 points) and rank it first; it is left out of the period instead.
        let nothing_due = unit("城关街道");
        assert!(!assessed(&nothing_due));
        let mut one_due = unit("区市场监管局");
        one_due.tasks_due = 1;
        assert!(assessed(&one_due));
        // A unit with tasks due keeps full marks for components with nothing due in them.
        let b = score(&one_due, &AssessmentRules::default());
        assert_eq!((b.on_time, b.reports, b.rectification), (0.0, 20.0, 10.0));
    }

    #[test]
    fn assessment_worked_example() {
        let rules = AssessmentRules::default();
        // Unit A: 40 × 8/10 = 32.00; 30 × 85/100 = 25.50; 20 × 12/12 = 20.00;
        // 10 × 3/4 = 7.50; one accountability record −5.00; 85.00 − 5.00 = 80.00.
        let a = UnitFacts {
            tasks_due: 10,
            tasks_on_time: 8,
            quality_scores: vec![90.0, 80.0],
            reports_due: 12,
            reports_on_time: 12,
            findings: 4,
            findings_rectified: 3,
            accountability_records: 1,
            ..unit("A")
        };
        assert_eq!(
            score(&a, &rules),
            ScoreBreakdown {
                on_time: 32.0,
                quality: 25.5,
                reports: 20.0,
                rectification: 7.5,
                deduction: 5.0,
                total: 80.0
            }
        );
        // Unit B: nothing was due, so 100 in full; five records deduct 25, capped at 20: 80.00.
        let b = UnitFacts {
            accountability_records: 5,
            ..unit("B")
        };
        let b_score = score(&b, &rules);
        assert_eq!((b_score.on_time, b_score.quality), (40.0, 30.0));
        assert_eq!((b_score.deduction, b_score.total), (20.0, 80.0));
        // Unit C: 40 × 5/5 = 40.00; 30 × (100 + 95 + 88)/3/100 = 28.30; 20 × 9/10 = 18.00;
        // no findings, 10.00; total 96.30.
        let c = UnitFacts {
            tasks_due: 5,
            tasks_on_time: 5,
            quality_scores: vec![100.0, 95.0, 88.0],
            reports_due: 10,
            reports_on_time: 9,
            ..unit("C")
        };
        let c_score = score(&c, &rules);
        assert_eq!(c_score.quality, 28.3);
        assert_eq!(c_score.total, 96.3);
        // Unit D: 40 × 2/3 = 26.666… → 26.67; 30 × 70/100 = 21.00; 20 × 1/2 = 10.00;
        // 10 × 1/3 = 3.333… → 3.33; total 61.00.
        let d = UnitFacts {
            tasks_due: 3,
            tasks_on_time: 2,
            quality_scores: vec![70.0],
            reports_due: 2,
            reports_on_time: 1,
            findings: 3,
            findings_rectified: 1,
            ..unit("D")
        };
        let d_score = score(&d, &rules);
        assert_eq!((d_score.on_time, d_score.rectification), (26.67, 3.33));
        assert_eq!(d_score.total, 61.0);

        let ranked = rank(&[
            ("D".to_owned(), d_score.total),
            ("B".to_owned(), b_score.total),
            ("A".to_owned(), score(&a, &rules).total),
            ("C".to_owned(), c_score.total),
        ]);
        assert_eq!(
            ranked,
            vec![
                ("C".to_owned(), 96.3, 1),
                ("A".to_owned(), 80.0, 2),
                ("B".to_owned(), 80.0, 2),
                ("D".to_owned(), 61.0, 4),
            ]
        );
    }

    #[test]
    fn total_is_floored_at_zero_and_inputs_are_bounded() {
        let rules = AssessmentRules::default();
        let poor = UnitFacts {
            tasks_due: 1,
            quality_scores: vec![0.0],
            reports_due: 1,
            findings: 1,
            accountability_records: 6,
            ..unit("E")
        };
        let breakdown = score(&poor, &rules);
        assert_eq!((breakdown.deduction, breakdown.total), (20.0, 0.0));
        // More on time than due, or a score above 100, counts as full, not more.
        let odd = UnitFacts {
            tasks_due: 2,
            tasks_on_time: 5,
            quality_scores: vec![150.0, f64::NAN],
            ..unit("F")
        };
        let breakdown = score(&odd, &rules);
        assert_eq!((breakdown.on_time, breakdown.quality), (40.0, 15.0));
    }

    #[test]
    fn rank_orders_ties_by_name_and_skips() {
        let ranked = rank(&[
            ("乙".to_owned(), 90.0),
            ("甲".to_owned(), f64::NAN),
            ("丙".to_owned(), 90.0),
            ("丁".to_owned(), 90.0),
            ("戊".to_owned(), 95.5),
        ]);
        let ranks: Vec<(&str, u32)> = ranked.iter().map(|(u, _, r)| (u.as_str(), *r)).collect();
        assert_eq!(
            ranks,
            vec![("戊", 1), ("丁", 2), ("丙", 2), ("乙", 2), ("甲", 5)]
        );
        assert!(rank(&[]).is_empty());
    }

    #[test]
    fn report_punctuality_counts_each_month_once() {
        let dues = report_due_dates(day(2026, 3, 2), day(2026, 6, 30), 25);
        assert_eq!(
            dues,
            vec![
                day(2026, 3, 25),
                day(2026, 4, 25),
                day(2026, 5, 25),
                day(2026, 6, 25)
            ]
        );
        // Started on the report day: the first report is due next month.
        assert_eq!(
            report_due_dates(day(2026, 3, 25), day(2026, 4, 30), 25),
            vec![day(2026, 4, 25)]
        );
        // March on the day, April late (counts for May), no report for June.
        let reports = [day(2026, 3, 25), day(2026, 4, 27), day(2026, 5, 20)];
        assert_eq!(reports_on_time(&dues, &reports), 2);
        assert_eq!(reports_on_time(&dues, &[]), 0);
    }

    #[test]
    fn minfadian_article_203_a_period_ending_on_a_rest_day_ends_on_the_next_working_day() {
        let cal = Calendar::builtin();
        // 30 days from 09-01 end on 10-01, National Day (10-01..07): the period runs to 10-08.
        assert_eq!(
            calendar_period_end(day(2026, 9, 1), 30, &cal),
            day(2026, 10, 8)
        );
        assert!(appeal_in_time(day(2026, 9, 1), day(2026, 10, 8), &cal));
        assert!(!appeal_in_time(day(2026, 9, 1), day(2026, 10, 9), &cal));
        // Ending on a Sunday (06-07): Monday 06-08.
        assert_eq!(
            calendar_period_end(day(2026, 5, 8), 30, &cal),
            day(2026, 6, 8)
        );
        // Ending on a 调休 Saturday that is a working day (10-10): it stays.
        assert_eq!(
            calendar_period_end(day(2026, 9, 10), 30, &cal),
            day(2026, 10, 10)
        );
        // Ending on a working day: unchanged.
        assert_eq!(
            calendar_period_end(day(2026, 5, 6), 30, &cal),
            day(2026, 6, 5)
        );
    }

    #[test]
    fn zhengfu_ducha_tiaoli_article_17_objection_within_30_days_decided_within_30_by_another() {
        let cal = Calendar::builtin();
        let received = day(2026, 5, 6);
        assert!(appeal_in_time(received, received, &cal));
        assert!(
            appeal_in_time(received, day(2026, 6, 5), &cal),
            "the 30th day"
        );
        assert!(
            !appeal_in_time(received, day(2026, 6, 6), &cal),
            "the 31st day"
        );
        assert!(
            !appeal_in_time(received, day(2026, 5, 5), &cal),
            "before the conclusion"
        );
        // The 30th day after 05-20 is 06-19, the first day of 端午节 (06-19..21): the period
        // ends on the next working day (民法典第二百零三条).
        assert_eq!(
            appeal_decision_due(day(2026, 5, 20), &cal),
            day(2026, 6, 22)
        );
        assert!(
            !may_decide_appeal(AccountId::new(7), Some(AccountId::new(7))),
            "the author of the conclusion stands aside"
        );
        assert!(may_decide_appeal(
            AccountId::new(8),
            Some(AccountId::new(7))
        ));
        assert!(may_decide_appeal(AccountId::new(8), None));
    }
}

//! The working-day calendar (工作日) behind every statutory deadline.
//!
//! 行政许可法第八十二条 counts licensing deadlines in working days, without statutory holidays, and
//! 民法典第二百零一条 leaves the start day out (RULES.md §1.3).
//! Which days are working days is decided each year by a State Council notice
//! (国务院办公厅关于部分节假日安排的通知): it lists the 放假 ranges and the 调休上班日, weekend days that
//! become working days. This module ships those notices as data (`data/holidays.json`, written from
//! RULES.md §5.2) and lets the district replace or add years.
//!
//! A year without a notice falls back to Monday–Friday, and every answer that relied on such a year
//! says so in `assumed_years`: a deadline computed from a guess must never look like a certain one.
//!
//! Deadlines are computed for every open case on every page, so each year is precomputed into a
//! bitset with per-word prefix counts: counting is a few popcounts and whole years are skipped in
//! one step.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The notices of the State Council, as shipped with this release.
const BUILTIN_JSON: &str = include_str!("../../data/holidays.json");

/// Monday–Friday days in a Gregorian cycle of 400 years: 146,097 days are exactly 20,871 weeks.
const CYCLE_WORKDAYS: u64 = 20_871 * 5;
const CYCLE_YEARS: i64 = 400;

/// Why a year schedule or a calendar file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("year {year} has an empty document number")]
    EmptyDocumentNo { year: i32 },
    #[error("date {date} is outside year {year}")]
    DateOutsideYear { year: i32, date: NaiveDate },
    #[error("make-up working day {0} is not a saturday or sunday")]
    WorkdayNotWeekend(NaiveDate),
    #[error("date {0} is both a holiday and a make-up working day")]
    HolidayIsWorkday(NaiveDate),
    #[error("holiday {0} has an empty name")]
    EmptyHolidayName(NaiveDate),
    #[error("holiday range {name} runs backwards from {from} to {to}")]
    RangeReversed {
        name: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    #[error("date {date} is in two holiday ranges, {first} and {second}")]
    DuplicateHoliday {
        date: NaiveDate,
        first: String,
        second: String,
    },
    #[error("year {0} appears twice")]
    DuplicateYear(i32),
    #[error("year {0} is outside the supported range")]
    YearOutOfRange(i32),
    #[error("invalid calendar file: {0}")]
    Json(String),
    #[error("end of business {0:?} is not a time from 00:01 to 24:00 written HH:MM")]
    BusinessDayEnd(String),
}

impl CalendarError {
    /// The explanation shown to the administrator who maintains the calendar, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            CalendarError::EmptyDocumentNo { year } => {
                format!("{year}年的放假安排缺少发文字号")
            }
            CalendarError::DateOutsideYear { year, date } => {
                format!("日期{date}不在{year}年内")
            }
            CalendarError::WorkdayNotWeekend(date) => {
                format!("调休上班日{date}不是周六或周日")
            }
            CalendarError::HolidayIsWorkday(date) => {
                format!("日期{date}不能既是放假日又是调休上班日")
            }
            CalendarError::EmptyHolidayName(date) => format!("放假日{date}缺少节日名称"),
            CalendarError::RangeReversed { name, from, to } => {
                format!("{name}的放假起止日期颠倒：{from}至{to}")
            }
            CalendarError::DuplicateHoliday {
                date,
                first,
                second,
            } => format!("日期{date}同时属于{first}和{second}两个放假区间"),
            CalendarError::DuplicateYear(year) => format!("{year}年的放假安排重复"),
            CalendarError::YearOutOfRange(year) => format!("年份{year}超出支持范围"),
            CalendarError::Json(detail) => format!("日历文件格式错误：{detail}"),
            CalendarError::BusinessDayEnd(text) => {
                format!("业务终止时间“{text}”须为 00:01 至 24:00 之间的时刻，格式 HH:MM")
            }
        }
    }
}

/// One year's notice: the 放假 days with their festival names and the 调休上班日.
///
/// The fields are public for reading and for storage; build new values with [`YearSchedule::new`],
/// which checks them. The calendar tolerates a value built by hand that breaks the rules: dates
/// outside the year are ignored, and a date listed both ways is a make-up working day, as in the
/// rule "working day ⇔ (Mon–Fri and not a holiday) or a make-up day" (RULES.md §5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "YearScheduleData")]
pub struct YearSchedule {
    pub year: i32,
    /// 发文字号 of the notice, e.g. 国办发明电〔2025〕7号, so every deadline can be traced to it.
    pub document_no: String,
    /// Every day inside a 放假 range, weekend days included, with the festival name.
    pub holidays: BTreeMap<NaiveDate, String>,
    /// 调休上班日: Saturdays and Sundays on which agencies are open.
    pub workdays: BTreeSet<NaiveDate>,
}

/// The unchecked shape of [`YearSchedule`], so deserialising goes through [`YearSchedule::new`].
#[derive(Deserialize)]
struct YearScheduleData {
    year: i32,
    document_no: String,
    holidays: BTreeMap<NaiveDate, String>,
    workdays: BTreeSet<NaiveDate>,
}

impl TryFrom<YearScheduleData> for YearSchedule {
    type Error = CalendarError;

    fn try_from(data: YearScheduleData) -> Result<Self, Self::Error> {
        YearSchedule::new(data.year, data.document_no, data.holidays, data.workdays)
    }
}

/// The file format of `data/holidays.json`: the notices as they are printed, with ranges.
#[derive(Deserialize)]
struct NoticeFile {
    years: Vec<NoticeYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeYear {
    year: i32,
    document_no: String,
    /// Kept in the file for provenance; the date must parse, but deadlines do not depend on it.
    #[allow(dead_code)]
    published: NaiveDate,
    holidays: Vec<NoticeRange>,
    workdays: Vec<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeRange {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

impl YearSchedule {
    /// Checks a year's notice: every date in the year, make-up days on weekends only, no date both
    /// ways, and a document number to cite.
    pub fn new(
        year: i32,
        document_no: String,
        holidays: BTreeMap<NaiveDate, String>,
        workdays: BTreeSet<NaiveDate>,
    ) -> Result<YearSchedule, CalendarError> {
        let schedule = YearSchedule {
            year,
            document_no,
            holidays,
            workdays,
        };
        schedule.validate()?;
        Ok(schedule)
    }

    /// The checks of [`YearSchedule::new`], for values built field by field.
    pub fn validate(&self) -> Result<(), CalendarError> {
        let year = self.year;
        if NaiveDate::from_ymd_opt(year, 1, 1).is_none()
            || NaiveDate::from_ymd_opt(year, 12, 31).is_none()
        {
            return Err(CalendarError::YearOutOfRange(year));
        }
        if self.document_no.trim().is_empty() {
            return Err(CalendarError::EmptyDocumentNo { year });
        }
        for (&date, name) in &self.holidays {
            if date.year() != year {
                return Err(CalendarError::DateOutsideYear { year, date });
            }
            if name.trim().is_empty() {
                return Err(CalendarError::EmptyHolidayName(date));
            }
            if self.workdays.contains(&date) {
                return Err(CalendarError::HolidayIsWorkday(date));
            }
        }
        for &date in &self.workdays {
            if date.year() != year {
                return Err(CalendarError::DateOutsideYear { year, date });
            }
            if !is_weekend(date) {
                return Err(CalendarError::WorkdayNotWeekend(date));
            }
        }
        Ok(())
    }

    /// Reads a file in the format of `data/holidays.json`: one object per notice with its
    /// `document_no`, `published` date, 放假 ranges (`name`, `from`, `to`) and `workdays`.
    /// A district uses this to load a notice before the next release ships it.
    pub fn parse_notice_file(json: &str) -> Result<Vec<YearSchedule>, CalendarError> {
        let file: NoticeFile =
            serde_json::from_str(json).map_err(|err| CalendarError::Json(err.to_string()))?;
        let mut seen = BTreeSet::new();
        let mut schedules = Vec::with_capacity(file.years.len());
        for notice in file.years {
            if !seen.insert(notice.year) {
                return Err(CalendarError::DuplicateYear(notice.year));
            }
            let mut holidays = BTreeMap::new();
            for range in notice.holidays {
                if range.to < range.from {
                    return Err(CalendarError::RangeReversed {
                        name: range.name,
                        from: range.from,
                        to: range.to,
                    });
                }
                for date in range.from.iter_days().take_while(|&d| d <= range.to) {
                    if let Some(first) = holidays.insert(date, range.name.clone()) {
                        return Err(CalendarError::DuplicateHoliday {
                            date,
                            first,
                            second: range.name,
                        });
                    }
                }
            }
            let workdays = notice.workdays.into_iter().collect();
            schedules.push(YearSchedule::new(
                notice.year,
                notice.document_no,
                holidays,
                workdays,
            )?);
        }
        Ok(schedules)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Choices the law leaves open, set per district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarConfig {
    /// Whether a 调休上班日 counts as a working day for deadlines. The law is silent
    /// (RULES.md §1.3, open point); almost every platform counts it because the agency is open,
    /// so that is the default.
    pub makeup_days_count: bool,
    /// When the last day of a deadline ends.
    pub business_day_end: BusinessDayEnd,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        CalendarConfig {
            makeup_days_count: true,
            business_day_end: BusinessDayEnd::MIDNIGHT,
        }
    }
}

/// The time at which a deadline day ends, in +08:00: 民法典第二百零三条 says 截止时间为二十四时；
/// 有业务时间的，以停止业务活动的时间为截止, so a district whose windows close at 17:30 may end its
/// deadlines then. Kept as minutes after midnight, from 1 (00:01) to 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BusinessDayEnd(u16);

impl BusinessDayEnd {
    /// 二十四时, the end of the calendar day: the default where no business hours are set.
    pub const MIDNIGHT: BusinessDayEnd = BusinessDayEnd(24 * 60);

    /// `None` unless `minutes` is from 1 to 1440: a day that ends at 00:00 would end before
    /// it began.
    pub fn from_minutes(minutes: u32) -> Option<BusinessDayEnd> {
        let m = u16::try_from(minutes).ok()?;
        (1..=24 * 60).contains(&m).then_some(BusinessDayEnd(m))
    }

    /// Minutes after midnight.
    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }
}

impl Default for BusinessDayEnd {
    fn default() -> Self {
        BusinessDayEnd::MIDNIGHT
    }
}

impl std::str::FromStr for BusinessDayEnd {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::BusinessDayEnd(s.to_owned());
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let digits = |t: &str| t.len() == 2 && t.bytes().all(|c| c.is_ascii_digit());
        if !digits(h) || !digits(m) {
            return Err(bad());
        }
        let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 24 || m > 59 {
            return Err(bad());
        }
        BusinessDayEnd::from_minutes(h * 60 + m).ok_or_else(bad)
    }
}

impl std::fmt::Display for BusinessDayEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl TryFrom<String> for BusinessDayEnd {
    type Error = CalendarError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<BusinessDayEnd> for String {
    fn from(end: BusinessDayEnd) -> String {
        end.to_string()
    }
}

/// An inclusive range of dates: a pause of a deadline clock, written `FROM..TO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    pub fn new(from: NaiveDate, to: NaiveDate) -> DateRange {
        DateRange { from, to }
    }

    /// The ranges sorted, with overlapping and adjacent ones joined and reversed ones left out:
    /// two suspensions on one day cover that day once.
    pub fn merge(ranges: impl IntoIterator<Item = DateRange>) -> Vec<DateRange> {
        let mut sorted: Vec<DateRange> = ranges.into_iter().filter(|r| r.from <= r.to).collect();
        sorted.sort();
        let mut out: Vec<DateRange> = Vec::with_capacity(sorted.len());
        for r in sorted {
            match out.last_mut() {
                Some(last) if last.to.succ_opt().is_none_or(|next| r.from <= next) => {
                    last.to = last.to.max(r.to);
                }
                _ => out.push(r),
            }
        }
        out
    }
}

impl std::fmt::Display for DateRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.from, self.to)
    }
}

impl std::str::FromStr for DateRange {
    type Err = DeadlineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DeadlineError::RangeSyntax(s.to_owned());
        let (from, to) = s.trim().split_once("..").ok_or_else(bad)?;
        let date = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| bad());
        Ok(DateRange {
            from: date(from)?,
            to: date(to)?,
        })
    }
}

/// Why a deadline with pauses cannot be computed: every one is a mistake in the input, never a
/// case for guessing what was meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("pause {0} runs backwards")]
    PauseReversed(DateRange),
    #[error("pause {pause} starts on or before the accepted day {accepted}; the period only starts the day after")]
    PauseNotAfterAccepted {
        pause: DateRange,
        accepted: NaiveDate,
    },
    #[error("pauses {first} and {second} overlap")]
    PausesOverlap { first: DateRange, second: DateRange },
    #[error("the period is too long: its last day is beyond any date that can be written")]
    TooLong,
    #[error("invalid date range {0:?} (expected YYYY-MM-DD..YYYY-MM-DD)")]
    RangeSyntax(String),
}

/// A case's deadline on a clock that pauses (RULES.md §1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDeadline {
    /// The day on which the last counted working day falls; it ends at the end of business.
    pub due: NaiveDate,
    /// Working days inside the pauses that were not counted. A pause that begins after the due
    /// date cannot move it (the period had already run out), so its days are not among them.
    pub paused_workdays: u32,
    /// Years without a notice that were assumed to work Monday–Friday, ascending.
    pub assumed_years: Vec<i32>,
}

/// What kind of day a date is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "name")]
pub enum DayKind {
    /// Monday–Friday outside any 放假 range.
    Workday,
    /// Saturday or Sunday outside any 放假 range and not a make-up day.
    Weekend,
    /// Inside a 放假 range; carries the festival name (e.g. 春节).
    Holiday(String),
    /// 调休上班日: a weekend day on which agencies are open.
    MakeupWorkday,
}

/// The answer for one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayInfo {
    pub date: NaiveDate,
    /// Whether the day counts towards deadlines under the calendar's configuration.
    pub workday: bool,
    pub kind: DayKind,
    /// False when the year has no notice and the answer assumes Monday–Friday.
    pub year_known: bool,
}

/// A deadline: the last working day, to be met by the end of business that day
/// (民法典第二百零三条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub date: NaiveDate,
    /// Years without a notice that were assumed to work Monday–Friday, ascending.
    pub assumed_years: Vec<i32>,
}

/// A count of working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    pub days: i64,
    /// Years without a notice that were assumed to work Monday–Friday, ascending.
    pub assumed_years: Vec<i32>,
}

/// The working days of one year, one bit per day indexed by `ordinal0`.
///
/// Invariant: `before[w]` is the number of set bits in `words[..w]`, `total` the number in all
/// words, and no bit at or beyond `len` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct YearBits {
    words: [u64; 6],
    before: [u32; 6],
    total: u32,
    len: u32,
}

impl YearBits {
    fn from_words(words: [u64; 6], len: u32) -> YearBits {
        let mut before = [0u32; 6];
        let mut total = 0u32;
        for (slot, word) in before.iter_mut().zip(words) {
            *slot = total;
            total += word.count_ones();
        }
        YearBits {
            words,
            before,
            total,
            len,
        }
    }

    /// Monday–Friday for a year whose 1 January falls on `jan1` (0 = Monday).
    fn weekdays(jan1: u32, len: u32) -> YearBits {
        let mut words = [0u64; 6];
        for ord0 in 0..len {
            if (jan1 + ord0) % 7 < 5 {
                words[(ord0 / 64) as usize] |= 1 << (ord0 % 64);
            }
        }
        YearBits::from_words(words, len)
    }

    fn contains(&self, ord0: u32) -> bool {
        ord0 < self.len && self.words[(ord0 / 64) as usize] & (1 << (ord0 % 64)) != 0
    }

    /// Working days strictly before day `ord0`.
    fn rank(&self, ord0: u32) -> u32 {
        if ord0 >= self.len {
            return self.total;
        }
        let word = (ord0 / 64) as usize;
        let below = (1u64 << (ord0 % 64)) - 1;
        self.before[word] + (self.words[word] & below).count_ones()
    }

    /// The day of the working day with rank `k` (0-based); the caller guarantees `k < total`.
    fn select(&self, k: u32) -> u32 {
        for (idx, (&word, &before)) in self.words.iter().zip(&self.before).enumerate() {
            if k < before + word.count_ones() {
                let mut rest = word;
                for _ in 0..k - before {
                    rest &= rest - 1;
                }
                return idx as u32 * 64 + rest.trailing_zeros();
            }
        }
        unreachable!("select({k}) on a year with {} working days", self.total)
    }
}

#[derive(Debug, Clone)]
struct KnownYear {
    schedule: YearSchedule,
    bits: YearBits,
}

/// The working-day calendar: the notices of the known years plus the configuration.
#[derive(Debug, Clone)]
pub struct Calendar {
    config: CalendarConfig,
    years: BTreeMap<i32, KnownYear>,
    /// Monday–Friday patterns indexed by weekday of 1 January × 2 + leap year, for years without
    /// a notice; there are only fourteen kinds of Gregorian year.
    fallback: [YearBits; 14],
}

impl Calendar {
    /// The notices shipped with this release (RULES.md §5.2) and the default configuration.
    pub fn builtin() -> Calendar {
        static BUILTIN: OnceLock<Calendar> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                // The embedded file is checked by the tests of this crate, so a failure here is a
                // build that should never have been released.
                let years = YearSchedule::parse_notice_file(BUILTIN_JSON)
                    .unwrap_or_else(|err| panic!("data/holidays.json is invalid: {err}"));
                Calendar::with_years(years, CalendarConfig::default())
            })
            .clone()
    }

    /// The shipped notices with another configuration.
    pub fn builtin_with(config: CalendarConfig) -> Calendar {
        let builtin = Calendar::builtin();
        Calendar::with_years(builtin.years().cloned().collect(), config)
    }

    /// A calendar from the given years; a later schedule for the same year replaces an earlier one.
    pub fn with_years(years: Vec<YearSchedule>, config: CalendarConfig) -> Calendar {
        let fallback = std::array::from_fn(|idx| {
            let jan1 = (idx / 2) as u32;
            let len = if idx % 2 == 1 { 366 } else { 365 };
            YearBits::weekdays(jan1, len)
        });
        let mut calendar = Calendar {
            config,
            years: BTreeMap::new(),
            fallback,
        };
        for schedule in years {
            calendar.set_year(schedule);
        }
        calendar
    }

    /// Adds or replaces a year, e.g. when the November notice for the next year is published.
    pub fn set_year(&mut self, schedule: YearSchedule) {
        let year = schedule.year;
        let Some(bits) = self.bits_from_schedule(&schedule) else {
            // A year chrono cannot represent has no dates to look up; YearSchedule::new refuses it.
            return;
        };
        self.years.insert(year, KnownYear { schedule, bits });
    }

    pub fn remove_year(&mut self, year: i32) {
        self.years.remove(&year);
    }

    /// The known years in ascending order.
    pub fn years(&self) -> impl Iterator<Item = &YearSchedule> + '_ {
        self.years.values().map(|known| &known.schedule)
    }

    pub fn year(&self, year: i32) -> Option<&YearSchedule> {
        self.years.get(&year).map(|known| &known.schedule)
    }

    pub fn config(&self) -> CalendarConfig {
        self.config
    }

    fn bits_from_schedule(&self, schedule: &YearSchedule) -> Option<YearBits> {
        let year = schedule.year;
        let mut bits = *self.fallback_bits(year)?;
        let mut set = |date: NaiveDate, working: bool| {
            if date.year() != year {
                return;
            }
            let ord0 = date.ordinal0();
            let mask = 1u64 << (ord0 % 64);
            let word = &mut bits.words[(ord0 / 64) as usize];
            if working {
                *word |= mask;
            } else {
                *word &= !mask;
            }
        };
        for &date in schedule.holidays.keys() {
            set(date, false);
        }
        // Make-up days go last so that they win over a holiday listed on the same date.
        for &date in &schedule.workdays {
            let weekday_off = is_weekend(date) || schedule.holidays.contains_key(&date);
            set(date, self.config.makeup_days_count || !weekday_off);
        }
        Some(YearBits::from_words(bits.words, bits.len))
    }

    fn fallback_bits(&self, year: i32) -> Option<&YearBits> {
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1)?;
        let leap = NaiveDate::from_ymd_opt(year, 2, 29).is_some();
        let idx = jan1.weekday().num_days_from_monday() as usize * 2 + usize::from(leap);
        Some(&self.fallback[idx])
    }

    /// The working days of a year and whether they come from a notice.
    fn bits_for(&self, year: i32) -> Option<(&YearBits, bool)> {
        if let Some(known) = self.years.get(&year) {
            return Some((&known.bits, true));
        }
        Some((self.fallback_bits(year)?, false))
    }

    /// Whether `date` counts towards deadlines, with the reason.
    pub fn is_workday(&self, date: NaiveDate) -> DayInfo {
        let ord0 = date.ordinal0();
        let Some(known) = self.years.get(&date.year()) else {
            let weekend = is_weekend(date);
            return DayInfo {
                date,
                workday: !weekend,
                kind: if weekend {
                    DayKind::Weekend
                } else {
                    DayKind::Workday
                },
                year_known: false,
            };
        };
        let schedule = &known.schedule;
        let kind = if schedule.workdays.contains(&date) {
            DayKind::MakeupWorkday
        } else if let Some(name) = schedule.holidays.get(&date) {
            DayKind::Holiday(name.clone())
        } else if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Workday
        };
        DayInfo {
            date,
            workday: known.bits.contains(ord0),
            kind,
            year_known: true,
        }
    }

    /// The bare answer of [`Calendar::is_workday`], without allocating; years without a notice
    /// are assumed to work Monday–Friday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.bits_for(date.year()) {
            Some((bits, _)) => bits.contains(date.ordinal0()),
            None => !is_weekend(date),
        }
    }

    /// The deadline `n` working days after `start`, the start day not counted (民法典第二百零一条):
    /// the `n`-th working day after `start`, or `start` itself when `n` is 0.
    ///
    /// A deadline beyond the last date chrono can represent (year 262143) saturates there;
    /// use [`Calendar::checked_add_workdays`] to tell.
    pub fn add_workdays(&self, start: NaiveDate, n: u32) -> Deadline {
        let (date, assumed_years) = self.add_workdays_inner(start, n);
        Deadline {
            date: date.unwrap_or(NaiveDate::MAX),
            assumed_years,
        }
    }

    /// As [`Calendar::add_workdays`], but `None` when the deadline is beyond year 262143.
    pub fn checked_add_workdays(&self, start: NaiveDate, n: u32) -> Option<Deadline> {
        let (date, assumed_years) = self.add_workdays_inner(start, n);
        Some(Deadline {
            date: date?,
            assumed_years,
        })
    }

    fn add_workdays_inner(&self, start: NaiveDate, n: u32) -> (Option<NaiveDate>, Vec<i32>) {
        let mut assumed = Vec::new();
        if n == 0 {
            return (Some(start), assumed);
        }
        let mut remaining = u64::from(n);
        let mut year = start.year();
        // The start day is not counted, so the search begins the day after.
        let mut pos = start.ordinal0() + 1;
        loop {
            let Some((bits, known)) = self.bits_for(year) else {
                return (None, assumed);
            };
            if pos < bits.len {
                if !known {
                    assumed.push(year);
                }
                let skipped = bits.rank(pos);
                let available = u64::from(bits.total - skipped);
                if remaining <= available {
                    // remaining <= 366 here, so the conversion cannot truncate.
                    let ord0 = bits.select(skipped + remaining as u32 - 1);
                    return (NaiveDate::from_yo_opt(year, ord0 + 1), assumed);
                }
                remaining -= available;
            }
            year += 1;
            pos = 0;
            // Past the last notice every year is Monday–Friday, and 400 years hold a fixed number
            // of those days, so whole cycles are skipped at once.
            if remaining > CYCLE_WORKDAYS && self.years.range(year..).next().is_none() {
                let cycles = (remaining - 1) / CYCLE_WORKDAYS;
                let target = i64::from(year) + cycles as i64 * CYCLE_YEARS;
                let Ok(target) = i32::try_from(target) else {
                    return (None, assumed);
                };
                if target > NaiveDate::MAX.year() {
                    return (None, assumed);
                }
                assumed.extend(year..target);
                year = target;
                remaining -= cycles * CYCLE_WORKDAYS;
            }
        }
    }

    /// The due date of a period of `days` working days accepted on `accepted`, extended by
    /// `extend` working days (行政许可法第四十二条) and stopped during `pauses` (第四十五条: 听证、
    /// 检验、鉴定、专家评审 and the like are not counted).
    ///
    /// Day 1 is the first working day after `accepted` (民法典第二百零一条); each pause is an
    /// inclusive range of dates whose working days are not counted; the due date is the day on
    /// which the `days + extend`-th counted working day falls. A pause must start after the
    /// accepted day, run forwards and not overlap another, or the answer would be a guess.
    pub fn deadline(
        &self,
        accepted: NaiveDate,
        days: u32,
        pauses: &[DateRange],
        extend: u32,
    ) -> Result<CaseDeadline, DeadlineError> {
        let mut sorted = pauses.to_vec();
        for &pause in &sorted {
            if pause.to < pause.from {
                return Err(DeadlineError::PauseReversed(pause));
            }
            if pause.from <= accepted {
                return Err(DeadlineError::PauseNotAfterAccepted { pause, accepted });
            }
        }
        sorted.sort();
        for pair in sorted.windows(2) {
            if pair[1].from <= pair[0].to {
                return Err(DeadlineError::PausesOverlap {
                    first: pair[0],
                    second: pair[1],
                });
            }
        }
        let n = days.checked_add(extend).ok_or(DeadlineError::TooLong)?;
        let mut remaining = i64::from(n);
        let mut assumed = BTreeSet::new();
        let mut paused = 0i64;
        // The last day already accounted for: counted up to here, pauses before it skipped.
        let mut cursor = accepted;
        for pause in &sorted {
            if remaining == 0 {
                break;
            }
            // The pause starts after `accepted`, so the day before it exists.
            let Some(before) = pause.from.pred_opt() else {
                break;
            };
            let gap = self.workdays_between(cursor, before);
            if gap.days >= remaining {
                break;
            }
            remaining -= gap.days;
            let skipped = self.workdays_between(before, pause.to);
            paused += skipped.days;
            assumed.extend(gap.assumed_years);
            assumed.extend(skipped.assumed_years);
            cursor = pause.to;
        }
        // `remaining` never grows past `n`, a u32.
        let remaining = u32::try_from(remaining).map_err(|_| DeadlineError::TooLong)?;
        let last = self
            .checked_add_workdays(cursor, remaining)
            .ok_or(DeadlineError::TooLong)?;
        assumed.extend(last.assumed_years);
        Ok(CaseDeadline {
            due: last.date,
            paused_workdays: u32::try_from(paused).map_err(|_| DeadlineError::TooLong)?,
            assumed_years: assumed.into_iter().collect(),
        })
    }

    /// Working days in (`from`, `to`]: the days that [`Calendar::add_workdays`] would count going
    /// from `from` to `to`. Negative when `to` is before `from`, so that an overdue case shows how
    /// many working days it is late.
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> Counted {
        let (low, high, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut days = 0i64;
        let mut assumed_years = Vec::new();
        for year in low.year()..=high.year() {
            // Every year between two representable dates is representable.
            let Some((bits, known)) = self.bits_for(year) else {
                continue;
            };
            let first = if year == low.year() {
                low.ordinal0() + 1
            } else {
                0
            };
            let end = if year == high.year() {
                high.ordinal0() + 1
            } else {
                bits.len
            };
            if first < end {
                if !known {
                    assumed_years.push(year);
                }
                days += i64::from(bits.rank(end) - bits.rank(first));
            }
        }
        Counted {
            days: sign * days,
            assumed_years,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn not_counted() -> CalendarConfig {
        CalendarConfig {
            makeup_days_count: false,
            ..CalendarConfig::default()
        }
    }

    /// The project's test data, read in place (shared/data/README.md forbids copying it).
    fn shared_holidays() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/cn_holidays.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|err| {
            panic!(
                "cannot read the reference calendar {path}: {err}; \
                 shared/data must sit beside the repository (RULES.md §5.3)"
            )
        });
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path} is not JSON: {err}"))
    }

    fn date_set(value: &Value) -> BTreeSet<NaiveDate> {
        value
            .as_array()
            .expect("a list of dates")
            .iter()
            .map(|v| v.as_str().unwrap().parse().unwrap())
            .collect()
    }

    // (a) The shipped notices agree with the reference data, day by day.

    #[test]
    fn state_council_notices_2024_to_2026_agree_with_reference_data_day_by_day() {
        let reference = shared_holidays();
        let calendar = Calendar::builtin();
        let builtin_file: Value = serde_json::from_str(BUILTIN_JSON).unwrap();
        // (year, holidays, 调休上班日, working days) from RULES.md §5.3.
        for (year, n_holidays, n_makeup, n_working) in
            [(2024, 28, 8, 251), (2025, 28, 5, 248), (2026, 33, 6, 248)]
        {
            let entry = &reference[year.to_string()];
            assert!(entry.is_object(), "reference data has no year {year}");
            let holidays = date_set(&entry["holidays"]);
            let workdays = date_set(&entry["workdays"]);
            let names = &entry["holiday_names"];
            let schedule = calendar.year(year).expect("builtin year");

            assert_eq!(schedule.holidays.len(), n_holidays, "holidays in {year}");
            assert_eq!(holidays.len(), n_holidays, "reference holidays in {year}");
            assert_eq!(schedule.workdays.len(), n_makeup, "调休上班日 in {year}");
            assert_eq!(workdays.len(), n_makeup, "reference 调休上班日 in {year}");
            assert_eq!(entry["working_days_in_year"], n_working);

            // Provenance: "国办发明电〔2023〕7号 (2023-10-25)".
            let notice = builtin_file["years"]
                .as_array()
                .unwrap()
                .iter()
                .find(|y| y["year"] == year)
                .unwrap();
            assert_eq!(
                entry["source"].as_str().unwrap(),
                format!(
                    "{} ({})",
                    schedule.document_no,
                    notice["published"].as_str().unwrap()
                )
            );

            let mut working = 0;
            for date in day(year, 1, 1).iter_days().take_while(|d| d.year() == year) {
                let expected =
                    (!is_weekend(date) && !holidays.contains(&date)) || workdays.contains(&date);
                let info = calendar.is_workday(date);
                assert_eq!(info.workday, expected, "{date}");
                assert_eq!(calendar.is_working_day(date), expected, "{date}");
                assert!(info.year_known);
                match &info.kind {
                    DayKind::Holiday(name) => {
                        assert_eq!(names[date.to_string()].as_str(), Some(name.as_str()));
                    }
                    DayKind::MakeupWorkday => assert!(workdays.contains(&date), "{date}"),
                    DayKind::Weekend => assert!(is_weekend(date) && !expected, "{date}"),
                    DayKind::Workday => assert!(!is_weekend(date) && expected, "{date}"),
                }
                working += i64::from(expected);
            }
            assert_eq!(working, n_working, "working days in {year}");
            let counted = calendar.workdays_between(day(year - 1, 12, 31), day(year, 12, 31));
            assert_eq!(counted.days, n_working);
            assert!(counted.assumed_years.is_empty());
        }
    }

    #[test]
    fn state_council_notice_2026_document_number() {
        let calendar = Calendar::builtin();
        assert_eq!(
            calendar.year(2026).unwrap().document_no,
            "国办发明电〔2025〕7号"
        );
        assert_eq!(
            calendar.is_workday(day(2026, 2, 15)).kind,
            DayKind::Holiday("春节".to_owned())
        );
        assert_eq!(
            calendar.years().map(|y| y.year).collect::<Vec<_>>(),
            [2024, 2025, 2026]
        );
    }

    // (b) RULES.md §1.6 test vectors, in both configurations.

    fn check_vector(start: NaiveDate, n: u32, counts: NaiveDate, not_counted_date: NaiveDate) {
        for (config, expected) in [
            (CalendarConfig::default(), counts),
            (not_counted(), not_counted_date),
        ] {
            let calendar = Calendar::builtin_with(config);
            let deadline = calendar.add_workdays(start, n);
            assert_eq!(deadline.date, expected, "{start} + {n} with {config:?}");
            assert!(deadline.assumed_years.is_empty());
            assert_eq!(
                calendar.workdays_between(start, expected).days,
                i64::from(n)
            );
        }
    }

    #[test]
    fn civil_code_art201_start_day_not_counted_2025_09_26_plus_5() {
        // Hand check in RULES.md: 9/28 (make-up Sunday), 9/29, 9/30, 10/9, 10/10.
        check_vector(day(2025, 9, 26), 5, day(2025, 10, 10), day(2025, 10, 13));
    }

    #[test]
    fn admin_licensing_art42_20_workdays_from_2025_09_26() {
        check_vector(day(2025, 9, 26), 20, day(2025, 10, 30), day(2025, 11, 3));
    }

    #[test]
    fn admin_licensing_art32_5_workdays_from_2026_02_12_over_spring_festival() {
        check_vector(day(2026, 2, 12), 5, day(2026, 2, 26), day(2026, 2, 27));
    }

    #[test]
    fn admin_licensing_art42_20_workdays_from_2026_02_12_over_spring_festival() {
        check_vector(day(2026, 2, 12), 20, day(2026, 3, 18), day(2026, 3, 20));
    }

    #[test]
    fn admin_licensing_art42_20_workdays_from_2024_12_31_across_years() {
        check_vector(day(2024, 12, 31), 20, day(2025, 2, 5), day(2025, 2, 6));
    }

    #[test]
    fn admin_licensing_art42_extension_10_workdays_from_2026_09_18_over_national_day() {
        check_vector(day(2026, 9, 18), 10, day(2026, 10, 9), day(2026, 10, 12));
    }

    #[test]
    fn admin_licensing_art42_20_workdays_from_2026_04_30_over_labour_day() {
        check_vector(day(2026, 4, 30), 20, day(2026, 6, 1), day(2026, 6, 2));
    }

    #[test]
    fn admin_licensing_art82_zero_workdays_is_the_start_day() {
        let calendar = Calendar::builtin();
        assert_eq!(
            calendar.add_workdays(day(2025, 10, 1), 0).date,
            day(2025, 10, 1)
        );
        assert_eq!(
            calendar
                .workdays_between(day(2025, 10, 1), day(2025, 10, 1))
                .days,
            0
        );
    }

    #[test]
    fn makeup_days_are_reported_in_both_configurations() {
        let info = Calendar::builtin_with(not_counted()).is_workday(day(2025, 9, 28));
        assert_eq!(info.kind, DayKind::MakeupWorkday);
        assert!(!info.workday);
        let info = Calendar::builtin().is_workday(day(2025, 9, 28));
        assert_eq!(info.kind, DayKind::MakeupWorkday);
        assert!(info.workday);
    }

    // (c) Years without a notice are assumed, and say so.

    #[test]
    fn state_council_notice_missing_for_2030_is_reported_as_assumed() {
        let calendar = Calendar::builtin();
        let info = calendar.is_workday(day(2030, 1, 1));
        assert!(!info.year_known);
        assert!(
            info.workday,
            "a Tuesday without a notice is assumed to be a working day"
        );

        let deadline = calendar.add_workdays(day(2030, 1, 1), 5);
        assert_eq!(deadline.date, day(2030, 1, 8));
        assert_eq!(deadline.assumed_years, [2030]);

        // The start day is not counted, so its year is not consulted either.
        let deadline = calendar.add_workdays(day(2029, 12, 31), 1);
        assert_eq!(deadline.date, day(2030, 1, 1));
        assert_eq!(deadline.assumed_years, [2030]);

        let deadline = calendar.add_workdays(day(2026, 12, 30), 20);
        assert_eq!(deadline.assumed_years, [2027]);

        let counted = calendar.workdays_between(day(2031, 1, 1), day(2026, 12, 1));
        assert!(counted.days < 0);
        assert_eq!(counted.assumed_years, [2027, 2028, 2029, 2030, 2031]);
    }

    #[test]
    fn large_n_skips_whole_cycles_consistently() {
        let calendar = Calendar::builtin();
        let start = day(2025, 3, 3);
        for n in [104_355, 104_356, 1_000_000, 50_000_000] {
            let deadline = calendar.add_workdays(start, n);
            let counted = calendar.workdays_between(start, deadline.date);
            assert_eq!(counted.days, i64::from(n));
            assert_eq!(counted.assumed_years, deadline.assumed_years);
            assert!(calendar.is_working_day(deadline.date));
        }
        assert_eq!(calendar.checked_add_workdays(start, u32::MAX), None);
        assert_eq!(calendar.add_workdays(start, u32::MAX).date, NaiveDate::MAX);
    }

    #[test]
    fn negative_counts_mirror_positive_ones() {
        let calendar = Calendar::builtin();
        let forward = calendar.workdays_between(day(2025, 9, 26), day(2025, 10, 10));
        let backward = calendar.workdays_between(day(2025, 10, 10), day(2025, 9, 26));
        assert_eq!(forward.days, 5);
        assert_eq!(backward.days, -5);
    }

    // Maintaining the calendar.

    #[test]
    fn year_schedule_new_checks_the_notice() {
        let holidays = |pairs: &[(NaiveDate, &str)]| -> BTreeMap<NaiveDate, String> {
            pairs.iter().map(|&(d, n)| (d, n.to_owned())).collect()
        };
        let doc = || "国办发明电〔2026〕1号".to_owned();
        assert_eq!(
            YearSchedule::new(2027, String::new(), BTreeMap::new(), BTreeSet::new()),
            Err(CalendarError::EmptyDocumentNo { year: 2027 })
        );
        assert_eq!(
            YearSchedule::new(
                2027,
                doc(),
                holidays(&[(day(2026, 12, 31), "元旦")]),
                BTreeSet::new()
            ),
            Err(CalendarError::DateOutsideYear {
                year: 2027,
                date: day(2026, 12, 31)
            })
        );
        // 2027-01-04 is a Monday.
        assert_eq!(
            YearSchedule::new(2027, doc(), BTreeMap::new(), [day(2027, 1, 4)].into()),
            Err(CalendarError::WorkdayNotWeekend(day(2027, 1, 4)))
        );
        assert_eq!(
            YearSchedule::new(
                2027,
                doc(),
                holidays(&[(day(2027, 1, 2), "元旦")]),
                [day(2027, 1, 2)].into()
            ),
            Err(CalendarError::HolidayIsWorkday(day(2027, 1, 2)))
        );
        let err = CalendarError::WorkdayNotWeekend(day(2027, 1, 4));
        assert_eq!(
            err.to_string(),
            "make-up working day 2027-01-04 is not a saturday or sunday"
        );
        assert!(err.message_zh().contains("调休上班日"));
    }

    #[test]
    fn set_year_and_remove_year_change_answers() {
        let mut calendar = Calendar::builtin();
        // A hypothetical 2027 notice: 1 January off, Saturday 9 January worked.
        let schedule = YearSchedule::new(
            2027,
            "国办发明电〔2026〕1号".to_owned(),
            [(day(2027, 1, 1), "元旦".to_owned())].into(),
            [day(2027, 1, 9)].into(),
        )
        .unwrap();
        calendar.set_year(schedule);
        let info = calendar.is_workday(day(2027, 1, 1));
        assert!(info.year_known);
        assert_eq!(info.kind, DayKind::Holiday("元旦".to_owned()));
        assert!(calendar.is_working_day(day(2027, 1, 9)));
        let deadline = calendar.add_workdays(day(2026, 12, 31), 1);
        assert_eq!(deadline.date, day(2027, 1, 4));
        assert!(deadline.assumed_years.is_empty());

        calendar.remove_year(2027);
        assert!(calendar.year(2027).is_none());
        assert!(calendar.is_working_day(day(2027, 1, 1)));
    }

    #[test]
    fn year_schedule_serde_round_trips_and_validates() {
        let schedule = Calendar::builtin().year(2025).unwrap().clone();
        let json = serde_json::to_string(&schedule).unwrap();
        assert!(json.contains("\"2025-10-01\":\"国庆节、中秋节\""), "{json}");
        let back: YearSchedule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, schedule);
        let bad = json.replace("\"2025-09-28\"", "\"2025-09-29\"");
        let err = serde_json::from_str::<YearSchedule>(&bad).unwrap_err();
        assert!(err.to_string().contains("2025-09-29"), "{err}");
    }

    #[test]
    fn notice_file_errors_name_the_problem() {
        let file = r#"{"years":[{"year":2027,"document_no":"x","published":"2026-11-01",
            "holidays":[{"name":"春节","from":"2027-02-10","to":"2027-02-05"}],"workdays":[]}]}"#;
        assert!(matches!(
            YearSchedule::parse_notice_file(file),
            Err(CalendarError::RangeReversed { .. })
        ));
        let file = r#"{"years":[{"year":2027,"document_no":"x","published":"2026-11-01",
            "holidays":[{"name":"A","from":"2027-02-10","to":"2027-02-12"},
                        {"name":"B","from":"2027-02-12","to":"2027-02-13"}],"workdays":[]}]}"#;
        assert_eq!(
            YearSchedule::parse_notice_file(file),
            Err(CalendarError::DuplicateHoliday {
                date: day(2027, 2, 12),
                first: "A".to_owned(),
                second: "B".to_owned()
            })
        );
        assert!(matches!(
            YearSchedule::parse_notice_file("{}"),
            Err(CalendarError::Json(_))
        ));
    }

    // (e) Pauses and extensions (RULES.md §1.4).

    fn range(from: NaiveDate, to: NaiveDate) -> DateRange {
        DateRange::new(from, to)
    }

    #[test]
    fn minfadian_201_deadline_without_pauses_follows_the_rules_1_6_vectors() {
        for (start, n, counts, not_counted_date) in [
            (day(2025, 9, 26), 5, day(2025, 10, 10), day(2025, 10, 13)),
            (day(2025, 9, 26), 20, day(2025, 10, 30), day(2025, 11, 3)),
            (day(2026, 2, 12), 5, day(2026, 2, 26), day(2026, 2, 27)),
            (day(2026, 2, 12), 20, day(2026, 3, 18), day(2026, 3, 20)),
            (day(2024, 12, 31), 20, day(2025, 2, 5), day(2025, 2, 6)),
            (day(2026, 9, 18), 10, day(2026, 10, 9), day(2026, 10, 12)),
            (day(2026, 4, 30), 20, day(2026, 6, 1), day(2026, 6, 2)),
        ] {
            for (config, expected) in [
                (CalendarConfig::default(), counts),
                (not_counted(), not_counted_date),
            ] {
                let deadline = Calendar::builtin_with(config)
                    .deadline(start, n, &[], 0)
                    .unwrap();
                assert_eq!(deadline.due, expected, "{start} + {n} with {config:?}");
                assert_eq!(deadline.paused_workdays, 0);
                assert!(deadline.assumed_years.is_empty());
            }
        }
    }

    #[test]
    fn xingzheng_xukefa_di45tiao_pause_over_guoqing_stops_only_its_working_days() {
        let calendar = Calendar::builtin();
        // Accepted Friday 2025-09-26, 5 working days. The pause 9/30–10/9 holds two working
        // days (9/30 and 10/9; 10/1–10/8 is the 国庆节、中秋节 holiday), so the clock loses two:
        // 9/28 (调休, 1), 9/29 (2), pause, 10/10 (3), 10/11 (Saturday 调休, 4), 10/13 (5).
        let pause = range(day(2025, 9, 30), day(2025, 10, 9));
        let deadline = calendar.deadline(day(2025, 9, 26), 5, &[pause], 0).unwrap();
        assert_eq!(deadline.due, day(2025, 10, 13));
        assert_eq!(deadline.paused_workdays, 2);
        // Ten calendar days of pause pushed by wall-clock time would have given 10/20.
        assert_ne!(deadline.due, day(2025, 10, 20));
        // 调休 not counted: 9/29 (1), pause, 10/10 (2), 10/13 (3), 10/14 (4), 10/15 (5).
        let deadline = Calendar::builtin_with(not_counted())
            .deadline(day(2025, 9, 26), 5, &[pause], 0)
            .unwrap();
        assert_eq!(deadline.due, day(2025, 10, 15));
        assert_eq!(deadline.paused_workdays, 2);
        // A pause over the holiday alone holds no working day and moves nothing.
        let holiday_only = range(day(2025, 10, 1), day(2025, 10, 8));
        let deadline = calendar
            .deadline(day(2025, 9, 26), 5, &[holiday_only], 0)
            .unwrap();
        assert_eq!(deadline.due, day(2025, 10, 10));
        assert_eq!(deadline.paused_workdays, 0);
    }

    #[test]
    fn xingzheng_xukefa_di45tiao_pauses_on_the_due_day_and_after_it() {
        let calendar = Calendar::builtin();
        let accepted = day(2025, 9, 26);
        // A pause on the due day itself moves the due date to the next working day, the
        // make-up Saturday 10/11.
        let on_due = range(day(2025, 10, 10), day(2025, 10, 10));
        let deadline = calendar.deadline(accepted, 5, &[on_due], 0).unwrap();
        assert_eq!(
            (deadline.due, deadline.paused_workdays),
            (day(2025, 10, 11), 1)
        );
        // A pause that begins after the due date cannot reopen a period that has run out.
        let after = range(day(2025, 10, 13), day(2025, 10, 17));
        let deadline = calendar.deadline(accepted, 5, &[after], 0).unwrap();
        assert_eq!(
            (deadline.due, deadline.paused_workdays),
            (day(2025, 10, 10), 0)
        );
        // Two pauses: 9/29 and 10/9–10/10 (three working days); the day after the accepted
        // day may be paused.
        let pauses = [
            range(day(2025, 10, 9), day(2025, 10, 10)),
            range(day(2025, 9, 27), day(2025, 9, 29)),
        ];
        let deadline = calendar.deadline(accepted, 5, &pauses, 0).unwrap();
        // 9/27 Sat (rest), 9/28 Sun (调休, in the pause), 9/29 (in the pause), 9/30 (1),
        // 10/9–10/10 (paused), 10/11 (2), 10/13 (3), 10/14 (4), 10/15 (5).
        assert_eq!(
            (deadline.due, deadline.paused_workdays),
            (day(2025, 10, 15), 4)
        );
    }

    #[test]
    fn xingzheng_xukefa_di42tiao_extension_adds_counted_working_days() {
        let calendar = Calendar::builtin();
        let deadline = calendar.deadline(day(2025, 9, 26), 5, &[], 10).unwrap();
        assert_eq!(
            deadline.due,
            calendar.add_workdays(day(2025, 9, 26), 15).date
        );
        assert_eq!(deadline.due, day(2025, 10, 23));
        // 20 working days, extended by 10, paused over 国庆 (two working days).
        let pause = range(day(2025, 9, 30), day(2025, 10, 9));
        let deadline = calendar
            .deadline(day(2025, 9, 26), 20, &[pause], 10)
            .unwrap();
        assert_eq!(
            deadline.due,
            calendar.add_workdays(day(2025, 9, 26), 32).date
        );
        assert_eq!(deadline.paused_workdays, 2);
    }

    #[test]
    fn a_pause_that_is_not_after_the_accepted_day_or_runs_backwards_or_overlaps_is_refused() {
        let calendar = Calendar::builtin();
        let accepted = day(2025, 9, 26);
        let on_accepted = range(accepted, day(2025, 9, 30));
        assert_eq!(
            calendar.deadline(accepted, 5, &[on_accepted], 0),
            Err(DeadlineError::PauseNotAfterAccepted {
                pause: on_accepted,
                accepted
            })
        );
        let before = range(day(2025, 9, 1), day(2025, 9, 2));
        assert!(matches!(
            calendar.deadline(accepted, 5, &[before], 0),
            Err(DeadlineError::PauseNotAfterAccepted { .. })
        ));
        let reversed = range(day(2025, 10, 9), day(2025, 9, 30));
        assert_eq!(
            calendar.deadline(accepted, 5, &[reversed], 0),
            Err(DeadlineError::PauseReversed(reversed))
        );
        let first = range(day(2025, 9, 29), day(2025, 9, 30));
        let second = range(day(2025, 9, 30), day(2025, 10, 9));
        assert_eq!(
            calendar.deadline(accepted, 5, &[second, first], 0),
            Err(DeadlineError::PausesOverlap { first, second })
        );
        assert_eq!(
            calendar.deadline(accepted, u32::MAX, &[], 1),
            Err(DeadlineError::TooLong)
        );
        let err = DeadlineError::PausesOverlap { first, second };
        assert_eq!(
            err.to_string(),
            "pauses 2025-09-29..2025-09-30 and 2025-09-30..2025-10-09 overlap"
        );
    }

    #[test]
    fn a_pause_in_a_year_without_a_notice_is_reported_as_assumed() {
        let calendar = Calendar::builtin();
        let pause = range(day(2027, 1, 4), day(2027, 1, 5));
        let deadline = calendar.deadline(day(2026, 12, 1), 3, &[pause], 0).unwrap();
        // The due date falls in December 2026; the pause after it is not consulted.
        assert_eq!(deadline.due, day(2026, 12, 4));
        assert!(deadline.assumed_years.is_empty());
        let deadline = calendar
            .deadline(day(2026, 12, 1), 30, &[pause], 0)
            .unwrap();
        assert_eq!(deadline.paused_workdays, 2);
        assert_eq!(deadline.assumed_years, [2027]);
    }

    #[test]
    fn date_ranges_parse_print_and_merge() {
        let r: DateRange = "2025-09-30..2025-10-09".parse().unwrap();
        assert_eq!(r, range(day(2025, 9, 30), day(2025, 10, 9)));
        assert_eq!(r.to_string(), "2025-09-30..2025-10-09");
        for bad in [
            "2025-09-30",
            "2025-09-30..",
            "2025-09-30..2025-13-01",
            "a..b",
            "",
        ] {
            assert_eq!(
                bad.parse::<DateRange>(),
                Err(DeadlineError::RangeSyntax(bad.to_owned())),
                "{bad}"
            );
        }
        let merged = DateRange::merge([
            range(day(2025, 10, 6), day(2025, 10, 7)),
            range(day(2025, 10, 1), day(2025, 10, 1)),
            range(day(2025, 10, 1), day(2025, 10, 2)),
            range(day(2025, 10, 3), day(2025, 10, 3)),
            range(day(2025, 10, 9), day(2025, 10, 8)),
        ]);
        assert_eq!(
            merged,
            [
                range(day(2025, 10, 1), day(2025, 10, 3)),
                range(day(2025, 10, 6), day(2025, 10, 7))
            ]
        );
    }

    #[test]
    fn minfadian_203_business_day_end_is_24_00_unless_set() {
        assert_eq!(
            CalendarConfig::default().business_day_end,
            BusinessDayEnd::MIDNIGHT
        );
        assert_eq!(BusinessDayEnd::MIDNIGHT.to_string(), "24:00");
        let end: BusinessDayEnd = "17:30".parse().unwrap();
        assert_eq!(end.minutes(), 17 * 60 + 30);
        assert_eq!(end.to_string(), "17:30");
        assert_eq!("24:00".parse(), Ok(BusinessDayEnd::MIDNIGHT));
        for bad in [
            "00:00",
            "24:01",
            "25:00",
            "17:60",
            "1730",
            "7:30",
            "17:3",
            "",
            "下午五点",
        ] {
            assert_eq!(
                bad.parse::<BusinessDayEnd>(),
                Err(CalendarError::BusinessDayEnd(bad.to_owned())),
                "{bad}"
            );
        }
        let config: CalendarConfig =
            serde_json::from_str(r#"{"business_day_end":"17:30"}"#).unwrap();
        assert_eq!(config.business_day_end, end);
        assert!(config.makeup_days_count);
        assert!(serde_json::from_str::<CalendarConfig>(r#"{"business_day_end":"0:00"}"#).is_err());
        assert_eq!(
            serde_json::to_string(&config).unwrap(),
            r#"{"makeup_days_count":true,"business_day_end":"17:30"}"#
        );
    }

    // (d) Properties, over known and unknown years and both configurations.

    /// RULES.md §1.3's reference algorithm, one day at a time.
    fn naive_deadline(calendar: &Calendar, start: NaiveDate, n: u32) -> NaiveDate {
        let mut date = start;
        let mut k = 0;
        while k < n {
            date = date.succ_opt().unwrap();
            if calendar.is_workday(date).workday {
                k += 1;
            }
        }
        date
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // 2022-01-01 to about 2033: unknown years on both sides of the notices.
        (0i64..4_400).prop_map(|offset| day(2022, 1, 1) + chrono::Duration::days(offset))
    }

    proptest! {
        #[test]
        fn add_then_count_gives_back_n(start in any_date(), n in 0u32..3_000, counts in any::<bool>()) {
            let calendar = Calendar::builtin_with(CalendarConfig { makeup_days_count: counts, ..CalendarConfig::default() });
            let deadline = calendar.add_workdays(start, n);
            let counted = calendar.workdays_between(start, deadline.date);
            prop_assert_eq!(counted.days, i64::from(n));
            prop_assert_eq!(&counted.assumed_years, &deadline.assumed_years);
            prop_assert_eq!(calendar.workdays_between(deadline.date, start).days, -i64::from(n));
            if n > 0 {
                prop_assert!(deadline.date > start);
                prop_assert!(calendar.is_workday(deadline.date).workday);
            }
        }

        #[test]
        fn fast_deadline_equals_day_by_day_reference(start in any_date(), n in 0u32..400, counts in any::<bool>()) {
            let calendar = Calendar::builtin_with(CalendarConfig { makeup_days_count: counts, ..CalendarConfig::default() });
            prop_assert_eq!(calendar.add_workdays(start, n).date, naive_deadline(&calendar, start, n));
        }

        /// RULES.md §1.4 counted one day at a time: skip the days inside a pause, count the
        /// other working days until the last one.
        #[test]
        fn paused_deadline_equals_day_by_day_reference(
            start in any_date(),
            n in 0u32..300,
            extend in 0u32..20,
            gaps in proptest::collection::vec((1i64..40, 0i64..30), 0..4),
            counts in any::<bool>(),
        ) {
            let calendar = Calendar::builtin_with(CalendarConfig { makeup_days_count: counts, ..CalendarConfig::default() });
            let mut pauses = Vec::new();
            let mut cursor = start;
            for (gap, len) in gaps {
                let from = cursor + chrono::Duration::days(gap);
                let to = from + chrono::Duration::days(len);
                pauses.push(DateRange::new(from, to));
                cursor = to;
            }
            let paused = |d: NaiveDate| pauses.iter().any(|p| p.from <= d && d <= p.to);
            let mut date = start;
            let mut counted = 0;
            let mut skipped = 0;
            while counted < n + extend {
                date = date.succ_opt().unwrap();
                if calendar.is_working_day(date) {
                    if paused(date) {
                        skipped += 1;
                    } else {
                        counted += 1;
                    }
                }
            }
            // Pauses are given in any order.
            pauses.reverse();
            let deadline = calendar.deadline(start, n, &pauses, extend).unwrap();
            prop_assert_eq!(deadline.due, date);
            prop_assert_eq!(deadline.paused_workdays, skipped);
        }
    }
}

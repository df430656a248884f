//! BPMN timer definitions: parsing, scheduling and writing back.
//!
//! Process models arrive from several modelers (Camunda, Flowable, bpmn.io,
//! SpiffWorkflow), each writing `timeDuration`, `timeCycle` and `timeDate`
//! slightly differently, and the project adds deadlines counted in working
//! days. The engine needs one strict, panic-free reading of all of them and a
//! single answer to "when is the next firing due", so that scheduling never
//! depends on which modeler produced a diagram.
//!
//! All wall-clock reasoning happens in China Standard Time (+08:00, no
//! daylight saving): that is where the users and their legal deadlines live,
//! so a date without an offset, a month step or "end of a working day" means
//! +08:00 local time.

use chrono::{DateTime, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat};
use fgf_domain::{BusinessDayEnd, CaseDeadline, DateRange, DeadlineError};
use serde::{Deserialize, Serialize};

/// China Standard Time in seconds east of UTC.
const CST_OFFSET_SECS: i32 = 8 * 3600;
const MS_PER_MINUTE: i128 = 60_000;
const MS_PER_HOUR: i128 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: i128 = 24 * MS_PER_HOUR;

/// Working-day arithmetic, kept abstract so that the timer logic does not
/// depend on where holiday notices come from and can be tested with a plain
/// Monday–Friday week.
pub trait WorkdayCalendar {
    /// The day on which the `n`-th counted working day after `start` falls; `start` itself is
    /// not counted, nor are the working days inside `pauses` (as
    /// [`fgf_domain::Calendar::deadline`], with `extend` added to `n`).
    fn deadline(
        &self,
        start: NaiveDate,
        n: u32,
        pauses: &[DateRange],
        extend: u32,
    ) -> Result<CaseDeadline, DeadlineError>;

    /// Working days in (`from`, `to`], negative when `to` is before `from`.
    fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> i64;

    /// When the last day of a deadline ends (民法典第二百零三条).
    fn business_day_end(&self) -> BusinessDayEnd {
        BusinessDayEnd::MIDNIGHT
    }
}

/// When a working-day timer is due and what that rests on, to show beside the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkdayDue {
    pub due_ms: i64,
    /// Working days the pauses held back (not counted).
    pub paused_workdays: u32,
    /// Years without a holiday notice, counted Monday–Friday.
    pub assumed_years: Vec<i32>,
}

/// An ISO 8601 duration kept component by component, because years and months
/// have no fixed length and must be applied on the calendar, not as
/// milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IsoDuration {
    pub years: u32,
    pub months: u32,
    pub weeks: u32,
    pub days: u32,
    pub hours: u32,
    pub minutes: u32,
    /// Seconds including their fraction, in milliseconds.
    pub millis: u64,
}

/// A parsed BPMN timer definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TimerSpec {
    /// Fires once, this long after activation.
    Duration(IsoDuration),
    /// Fires every `interval`, counted from `start_ms` or else from
    /// activation; `repetitions: None` never ends.
    Cycle {
        repetitions: Option<u32>,
        start_ms: Option<i64>,
        interval: IsoDuration,
    },
    /// Fires once at an absolute instant (Unix milliseconds).
    Date { at_ms: i64 },
    /// Fires at the end of the n-th working day after the activation day.
    WorkingDays(u32),
}

/// Why a timer definition was rejected; every message names the offending
/// text so that a modeler can find it in the diagram.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TimerError {
    #[error("timer definition is empty")]
    Empty,
    #[error("invalid duration {text:?}: {reason}")]
    Duration { text: String, reason: String },
    #[error("invalid cycle {text:?}: {reason}")]
    Cycle { text: String, reason: String },
    #[error("invalid date {text:?}: {reason}")]
    Date { text: String, reason: String },
    #[error("cron expressions are not supported in timer cycles: {0:?}; use an ISO 8601 repeating interval such as \"R/PT1H\"")]
    Cron(String),
    #[error("expressions are not supported in timer definitions: {0:?}; write a literal value")]
    Expression(String),
}

fn duration_error(text: &str, reason: impl Into<String>) -> TimerError {
    TimerError::Duration {
        text: text.to_owned(),
        reason: reason.into(),
    }
}

fn cycle_error(text: &str, reason: impl Into<String>) -> TimerError {
    TimerError::Cycle {
        text: text.to_owned(),
        reason: reason.into(),
    }
}

fn date_error(text: &str, reason: impl Into<String>) -> TimerError {
    TimerError::Date {
        text: text.to_owned(),
        reason: reason.into(),
    }
}

/// Evaluated at compile time, so an impossible offset fails the build rather
/// than a running engine.
const CST: FixedOffset = match FixedOffset::east_opt(CST_OFFSET_SECS) {
    Some(offset) => offset,
    None => panic!("+08:00 is a valid offset"),
};

/// Modelers quote values in different ways (Spiff writes Python string
/// literals, hand-edited XML often has `"P5D"`), so one pair of matching
/// quotes and the surrounding whitespace are not part of the value.
fn unquote(s: &str) -> &str {
    let t = s.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t[1..t.len() - 1].trim();
        }
    }
    t
}

/// Shared front door of every parser: unquote, refuse empty text and refuse
/// unevaluated expressions with a message that says so instead of a
/// confusing syntax error.
fn prepare(s: &str) -> Result<&str, TimerError> {
    let t = unquote(s);
    if t.is_empty() {
        return Err(TimerError::Empty);
    }
    if t.contains("${") || t.contains("#{") {
        return Err(TimerError::Expression(t.to_owned()));
    }
    Ok(t)
}

/// Reads the decimal digits at the start of `b`, returning the value and the
/// number of bytes consumed; `None` on overflow.
fn leading_u64(b: &[u8]) -> (Option<u64>, usize) {
    let len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut v: Option<u64> = Some(0);
    for &c in &b[..len] {
        v = v
            .and_then(|x| x.checked_mul(10))
            .and_then(|x| x.checked_add(u64::from(c - b'0')));
    }
    (v, len)
}

impl IsoDuration {
    /// Parses `PnYnMnWnDTnHnMn.fS`; at least one component, no sign, a
    /// fraction only on seconds.
    pub fn parse(s: &str) -> Result<IsoDuration, TimerError> {
        let t = prepare(s)?;
        Self::parse_prepared(t)
    }

    fn parse_prepared(t: &str) -> Result<IsoDuration, TimerError> {
        let err = |reason: &str| duration_error(t, reason);
        if t.starts_with('-') || t.starts_with('+') {
            return Err(err(
                "a sign is not allowed; timer durations are never negative",
            ));
        }
        if !t.is_ascii() {
            return Err(err("unexpected non-ASCII character"));
        }
        let upper = t.to_ascii_uppercase();
        let b = upper.as_bytes();
        if b.first() != Some(&b'P') {
            return Err(err(
                "a duration must start with 'P', e.g. \"PT5M\" or \"P3D\"",
            ));
        }
        let mut d = IsoDuration::default();
        let mut i = 1;
        let mut in_time = false;
        let mut seen_any = false;
        let mut seen_time_component = false;
        // Designators must appear in this order, each at most once.
        let mut last_rank = 0u8;
        while i < b.len() {
            if b[i] == b'T' {
                if in_time {
                    return Err(err("'T' appears twice"));
                }
                in_time = true;
                i += 1;
                continue;
            }
            if b[i] == b'-' {
                return Err(err("negative components are not allowed"));
            }
            let (value, len) = leading_u64(&b[i..]);
            if len == 0 {
                return Err(err(&format!("expected a number at position {}", i + 1)));
            }
            let value = value.ok_or_else(|| err("number too large"))?;
            i += len;
            let mut frac_ms: Option<u64> = None;
            if i < b.len() && (b[i] == b'.' || b[i] == b',') {
                i += 1;
                let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 {
                    return Err(err("expected digits after the decimal point"));
                }
                // The scheduler works in milliseconds; finer digits cannot
                // change when a timer fires, so they are dropped.
                let mut ms = 0u64;
                for k in 0..3 {
                    ms *= 10;
                    if k < digits {
                        ms += u64::from(b[i + k] - b'0');
                    }
                }
                frac_ms = Some(ms);
                i += digits;
            }
            let Some(&designator) = b.get(i) else {
                return Err(err("number without a designator (Y, M, W, D, H, M or S)"));
            };
            i += 1;
            if frac_ms.is_some() && !(in_time && designator == b'S') {
                return Err(err(
                    "a fraction is only allowed on seconds, e.g. \"PT0.5S\"",
                ));
            }
            let rank = match (in_time, designator) {
                (false, b'Y') => 1,
                (false, b'M') => 2,
                (false, b'W') => {
                    if b.get(i) == Some(&b'D') {
                        return Err(err(
                            "working days (\"P5WD\") stand alone and cannot be combined with other components",
                        ));
                    }
                    3
                }
                (false, b'D') => 4,
                (true, b'H') => 5,
                (true, b'M') => 6,
                (true, b'S') => 7,
                (false, b'H' | b'S') => {
                    return Err(err("hours and seconds must follow 'T', e.g. \"PT1H\""));
                }
                (true, b'Y' | b'W' | b'D') => {
                    return Err(err("years, weeks and days must come before 'T'"));
                }
                (_, c) => {
                    return Err(err(&format!("unexpected character {:?}", char::from(c))));
                }
            };
            if rank <= last_rank {
                return Err(err("components are repeated or out of order (expected Y, M, W, D, then T, H, M, S)"));
            }
            last_rank = rank;
            seen_any = true;
            if in_time {
                seen_time_component = true;
            }
            let small = || u32::try_from(value).map_err(|_| err("number too large"));
            match rank {
                1 => d.years = small()?,
                2 => d.months = small()?,
                3 => d.weeks = small()?,
                4 => d.days = small()?,
                5 => d.hours = small()?,
                6 => d.minutes = small()?,
                _ => {
                    d.millis = value
                        .checked_mul(1000)
                        .and_then(|x| x.checked_add(frac_ms.unwrap_or(0)))
                        .ok_or_else(|| err("number too large"))?;
                }
            }
        }
        if in_time && !seen_time_component {
            return Err(err("'T' must be followed by hours, minutes or seconds"));
        }
        if !seen_any {
            return Err(err(
                "a duration needs at least one component, e.g. \"PT5M\"",
            ));
        }
        Ok(d)
    }

    /// Multiplies every component, so that cycle firings are computed from
    /// the start instead of step by step: stepping a month at a time would
    /// drift (Jan 31 → Feb 28 → Mar 28) where Jan 31 + P2M is Mar 31.
    fn scaled(&self, factor: u32) -> Option<IsoDuration> {
        Some(IsoDuration {
            years: self.years.checked_mul(factor)?,
            months: self.months.checked_mul(factor)?,
            weeks: self.weeks.checked_mul(factor)?,
            days: self.days.checked_mul(factor)?,
            hours: self.hours.checked_mul(factor)?,
            minutes: self.minutes.checked_mul(factor)?,
            millis: self.millis.checked_mul(u64::from(factor))?,
        })
    }

    /// Adds this duration to an instant: years and months on the +08:00
    /// calendar (clamping to the month's last day), the rest as exact time.
    /// `None` when the result is outside the representable range.
    pub fn add_to(&self, at_ms: i64) -> Option<i64> {
        let offset = CST;
        let start = DateTime::from_timestamp_millis(at_ms)?.with_timezone(&offset);
        let total_months = u64::from(self.years) * 12 + u64::from(self.months);
        let months = Months::new(u32::try_from(total_months).ok()?);
        let local = start.naive_local().checked_add_months(months)?;
        let shifted = local
            .and_local_timezone(offset)
            .single()?
            .timestamp_millis();
        let exact = i128::from(self.weeks) * 7 * MS_PER_DAY
            + i128::from(self.days) * MS_PER_DAY
            + i128::from(self.hours) * MS_PER_HOUR
            + i128::from(self.minutes) * MS_PER_MINUTE
            + i128::from(self.millis);
        let result = i64::try_from(i128::from(shifted) + exact).ok()?;
        // Keep results inside chrono's range so that writing them back as a
        // date later cannot fail.
        DateTime::from_timestamp_millis(result)?;
        Some(result)
    }

    /// The canonical ISO 8601 text; `PT0S` for the zero duration.
    pub fn to_iso(&self) -> String {
        let mut out = String::from("P");
        for (v, c) in [
            (self.years, 'Y'),
            (self.months, 'M'),
            (self.weeks, 'W'),
            (self.days, 'D'),
        ] {
            if v != 0 {
                out.push_str(&format!("{v}{c}"));
            }
        }
        let has_time = self.hours != 0 || self.minutes != 0 || self.millis != 0;
        if has_time || out.len() == 1 {
            out.push('T');
            if self.hours != 0 {
                out.push_str(&format!("{}H", self.hours));
            }
            if self.minutes != 0 {
                out.push_str(&format!("{}M", self.minutes));
            }
            if self.millis != 0 || !has_time {
                let secs = self.millis / 1000;
                let frac = self.millis % 1000;
                if frac == 0 {
                    out.push_str(&format!("{secs}S"));
                } else {
                    let f = format!("{frac:03}");
                    out.push_str(&format!("{secs}.{}S", f.trim_end_matches('0')));
                }
            }
        }
        out
    }
}

/// `5WD` or `P5WD` (any case): the project's working-day deadline form.
fn parse_working_days(t: &str) -> Option<Result<u32, TimerError>> {
    let upper = t.to_ascii_uppercase();
    let body = upper.strip_suffix("WD")?;
    let digits = body.strip_prefix('P').unwrap_or(body);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .parse::<u32>()
            .map_err(|_| duration_error(t, "number of working days too large")),
    )
}

/// Parses an instant: RFC 3339-like date-time with `Z` or an offset, a local
/// date-time (taken as +08:00), or a bare date (00:00 +08:00).
fn parse_instant(t: &str) -> Result<i64, TimerError> {
    let err = |reason: &str| date_error(t, reason);
    if !t.is_ascii() {
        return Err(err("unexpected non-ASCII character"));
    }
    let b = t.as_bytes();
    // The time part starts after 'T' (or a space, as some tools write);
    // only there can a trailing sign be an offset rather than a date dash.
    let sep = b.iter().position(|&c| c == b'T' || c == b't' || c == b' ');
    let (naive_text, offset) = match sep {
        None => (t, None),
        Some(p) => {
            let time_part = &t[p + 1..];
            if let Some(rest) = time_part.strip_suffix(['Z', 'z']) {
                (&t[..p + 1 + rest.len()], Some(0))
            } else if let Some(q) = time_part.rfind(['+', '-']) {
                let secs = parse_offset(&time_part[q..]).ok_or_else(|| {
                    err("bad UTC offset; expected e.g. \"+08:00\", \"+0800\", \"+08\" or \"Z\"")
                })?;
                (&t[..p + 1 + q], Some(secs))
            } else {
                (t, None)
            }
        }
    };
    let naive = parse_naive(naive_text, sep.is_some())
        .ok_or_else(|| err("expected e.g. \"2026-12-01T09:00:00+08:00\", \"2026-12-01T09:00:00\" or \"2026-12-01\""))?;
    let offset = match offset {
        None => CST,
        Some(secs) => FixedOffset::east_opt(secs).ok_or_else(|| err("UTC offset out of range"))?,
    };
    let at = naive
        .and_local_timezone(offset)
        .single()
        .ok_or_else(|| err("not a valid instant"))?;
    Ok(at.timestamp_millis())
}

fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = match rest.len() {
        2 | 4 => rest.to_owned(),
        5 if rest.as_bytes()[2] == b':' => format!("{}{}", &rest[..2], &rest[3..]),
        _ => return None,
    };
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

fn parse_naive(s: &str, has_time: bool) -> Option<NaiveDateTime> {
    if !has_time {
        let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        return Some(date.and_time(NaiveTime::MIN));
    }
    // Normalise the separator so one set of patterns covers 'T', 't' and ' '.
    let normalised: String = s
        .chars()
        .map(|c| if c == 't' || c == ' ' { 'T' } else { c })
        .collect();
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&normalised, f).ok())
}

/// Writes an instant back in +08:00, the form users expect to read.
fn format_instant(at_ms: i64) -> String {
    match DateTime::from_timestamp_millis(at_ms) {
        Some(at) => {
            let precision = if at_ms.rem_euclid(1000) == 0 {
                SecondsFormat::Secs
            } else {
                SecondsFormat::Millis
            };
            at.with_timezone(&CST).to_rfc3339_opts(precision, true)
        }
        // Only reachable for hand-built specs; the bare number will fail
        // loudly when parsed again rather than silently move the timer.
        None => at_ms.to_string(),
    }
}

/// Midnight +08:00 at the start of `date`, as Unix milliseconds.
fn start_of_day_ms(date: NaiveDate) -> Option<i64> {
    let at = date
        .and_time(NaiveTime::MIN)
        .and_local_timezone(CST)
        .single()?;
    Some(at.timestamp_millis())
}

/// The end of business on `date`: 24:00 is the next midnight, so the whole day is within the
/// deadline; a district with business hours ends it when its windows close.
fn end_of_business_ms(date: NaiveDate, end: BusinessDayEnd) -> Option<i64> {
    start_of_day_ms(date)?.checked_add(i64::from(end.minutes()) * 60_000)
}

/// The date of an instant in +08:00.
pub fn local_date(at_ms: i64) -> Option<NaiveDate> {
    Some(
        DateTime::from_timestamp_millis(at_ms)?
            .with_timezone(&CST)
            .date_naive(),
    )
}

/// The last day of a deadline that falls due at `due_ms`, whatever the end of business: the
/// day of the instant just before it.
pub fn due_date(due_ms: i64) -> Option<NaiveDate> {
    local_date(due_ms.checked_sub(1)?)
}

/// The dates a working-day clock started on `activated` stops for, from pauses given as
/// (start, end) instants: each pause covers the days from its start to its end in +08:00, both
/// included, as RULES.md §1.4 keeps them (开始时间 to 结束时间), so the clock and a hand check
/// with `fgf case deadline` agree. Days up to the activation day are not counted anyway and
/// are left out, and two pauses on one day cover it once.
pub fn pause_dates(activated: NaiveDate, pauses: &[(i64, i64)]) -> Vec<DateRange> {
    let Some(first) = activated.succ_opt() else {
        return Vec::new();
    };
    DateRange::merge(pauses.iter().filter_map(|&(start, end)| {
        // A pause that ends exactly at midnight did not touch the day that begins then.
        let to = local_date(end.saturating_sub(1).max(start))?;
        let from = local_date(start)?.max(first);
        (from <= to).then_some(DateRange::new(from, to))
    }))
}

/// Camunda and Flowable accept Quartz cron in `timeCycle`; recognising it
/// lets the error say what is unsupported instead of "bad interval".
fn looks_like_cron(t: &str) -> bool {
    t.split_whitespace().count() >= 5 || t.contains('*') || t.contains('?')
}

impl TimerSpec {
    /// Parses a `timeDuration`: an ISO duration, or `5WD` / `P5WD` for
    /// working days.
    pub fn parse_duration(s: &str) -> Result<TimerSpec, TimerError> {
        let t = prepare(s)?;
        if let Some(n) = parse_working_days(t) {
            return n.map(TimerSpec::WorkingDays);
        }
        IsoDuration::parse_prepared(t).map(TimerSpec::Duration)
    }

    /// Parses a `timeCycle`: `Rn/interval`, `R/interval`,
    /// `Rn/start/interval`, or a bare interval (repeating without end).
    pub fn parse_cycle(s: &str) -> Result<TimerSpec, TimerError> {
        let t = prepare(s)?;
        if looks_like_cron(t) {
            return Err(TimerError::Cron(t.to_owned()));
        }
        let err = |reason: &str| cycle_error(t, reason);
        let interval_of = |text: &str| {
            if parse_working_days(text).is_some() {
                return Err(err(
                    "working days cannot repeat; use a working-day duration instead",
                ));
            }
            IsoDuration::parse_prepared(text).map_err(|e| err(&format!("bad interval: {e}")))
        };
        let parts: Vec<&str> = t.split('/').collect();
        let head = parts[0].trim();
        let Some(count) = head.strip_prefix(['R', 'r']) else {
            if parts.len() > 1 {
                return Err(err(
                    "a repeating interval must start with \"R\" or \"Rn\", e.g. \"R3/PT1H\"",
                ));
            }
            let interval = interval_of(t)?;
            return Self::cycle(t, None, None, interval);
        };
        let repetitions = if count.is_empty() {
            None
        } else if count.bytes().all(|c| c.is_ascii_digit()) {
            let n: u32 = count
                .parse()
                .map_err(|_| err("repetition count too large"))?;
            if n == 0 {
                return Err(err("\"R0\" would never fire; use at least \"R1\""));
            }
            Some(n)
        } else {
            return Err(err(
                "the repetition count must be a positive whole number, e.g. \"R3\"",
            ));
        };
        match parts.as_slice() {
            [_, interval] => {
                let interval = interval_of(interval.trim())?;
                Self::cycle(t, repetitions, None, interval)
            }
            [_, start, interval] => {
                let (start, interval) = (start.trim(), interval.trim());
                if !interval.starts_with(['P', 'p']) {
                    return Err(err(
                        "only \"Rn/start/interval\" is supported; an interval ending at a date is not",
                    ));
                }
                let start_ms = parse_instant(start).map_err(|e| err(&format!("bad start: {e}")))?;
                let interval = interval_of(interval)?;
                Self::cycle(t, repetitions, Some(start_ms), interval)
            }
            _ => Err(err("expected \"Rn/interval\" or \"Rn/start/interval\"")),
        }
    }

    fn cycle(
        text: &str,
        repetitions: Option<u32>,
        start_ms: Option<i64>,
        interval: IsoDuration,
    ) -> Result<TimerSpec, TimerError> {
        // A zero interval would make every firing due at the same instant
        // and an unbounded one would spin the scheduler forever.
        if interval == IsoDuration::default() {
            return Err(cycle_error(text, "the interval must not be zero"));
        }
        Ok(TimerSpec::Cycle {
            repetitions,
            start_ms,
            interval,
        })
    }

    /// Parses a `timeDate`: an instant with `Z` or an offset, a local
    /// date-time (+08:00), or a bare date (00:00 +08:00).
    pub fn parse_date(s: &str) -> Result<TimerSpec, TimerError> {
        let t = prepare(s)?;
        parse_instant(t).map(|at_ms| TimerSpec::Date { at_ms })
    }

    /// When the `fired`-th firing (0 = first) is due, counting from `activated_ms`; None when a cycle is exhausted.
    /// Working days: the end (24:00 +08:00) of the n-th working day after the activation date (the activation day not counted).
    pub fn due_ms(&self, activated_ms: i64, fired: u32, cal: &dyn WorkdayCalendar) -> Option<i64> {
        match self {
            TimerSpec::Duration(d) => {
                if fired > 0 {
                    return None;
                }
                d.add_to(activated_ms)
            }
            TimerSpec::Date { at_ms } => (fired == 0).then_some(*at_ms),
            TimerSpec::WorkingDays(_) => {
                if fired > 0 {
                    return None;
                }
                Some(self.working_day_due(activated_ms, &[], 0, cal)?.due_ms)
            }
            TimerSpec::Cycle {
                repetitions,
                start_ms,
                interval,
            } => {
                if repetitions.is_some_and(|r| fired >= r) {
                    return None;
                }
                let step = interval.scaled(fired.checked_add(1)?)?;
                step.add_to(start_ms.unwrap_or(activated_ms))
            }
        }
    }

    /// A working-day timer's due instant: the end of business (see
    /// [`WorkdayCalendar::business_day_end`]) of the day on which the n-th counted working day
    /// after the activation date falls, with the working days inside `pauses` ((start, end)
    /// instants, see [`pause_dates`]) not counted and `extra` working days added. `None` for
    /// other timers and for a deadline beyond the representable dates.
    pub fn working_day_due(
        &self,
        activated_ms: i64,
        pauses: &[(i64, i64)],
        extra: u32,
        cal: &dyn WorkdayCalendar,
    ) -> Option<WorkdayDue> {
        let TimerSpec::WorkingDays(n) = self else {
            return None;
        };
        let activated = local_date(activated_ms)?;
        let pauses = pause_dates(activated, pauses);
        // `pause_dates` gives sorted, disjoint ranges after the activation day, so only a
        // deadline too far away can be refused here.
        let deadline = cal.deadline(activated, *n, &pauses, extra).ok()?;
        Some(WorkdayDue {
            due_ms: end_of_business_ms(deadline.due, cal.business_day_end())?,
            paused_workdays: deadline.paused_workdays,
            assumed_years: deadline.assumed_years,
        })
    }

    /// Whether a firing may be followed by another.
    pub fn is_repeating(&self) -> bool {
        matches!(self, TimerSpec::Cycle { .. })
    }

    /// The BPMN element name and the text to write back; parsing that text
    /// with the matching parser yields this spec again.
    pub fn to_bpmn(&self) -> (&'static str, String) {
        match self {
            TimerSpec::Duration(d) => ("timeDuration", d.to_iso()),
            TimerSpec::WorkingDays(n) => ("timeDuration", format!("P{n}WD")),
            TimerSpec::Date { at_ms } => ("timeDate", format_instant(*at_ms)),
            TimerSpec::Cycle {
                repetitions,
                start_ms,
                interval,
            } => {
                let mut out = String::from("R");
                if let Some(r) = repetitions {
                    out.push_str(&r.to_string());
                }
                if let Some(start) = start_ms {
                    out.push('/');
                    out.push_str(&format_instant(*start));
                }
                out.push('/');
                out.push_str(&interval.to_iso());
                ("timeCycle", out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};
    use proptest::prelude::*;

    /// Monday–Friday, no holidays, counted one day at a time; ends its days at `end`.
    struct Weekdays;

    struct ClosesAt(BusinessDayEnd);

    fn weekday(day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    fn count_weekdays(
        start: NaiveDate,
        n: u32,
        pauses: &[DateRange],
        extend: u32,
    ) -> Result<CaseDeadline, DeadlineError> {
        let mut day = start;
        let mut left = n + extend;
        let mut paused = 0;
        while left > 0 {
            day = day.succ_opt().ok_or(DeadlineError::TooLong)?;
            if weekday(day) {
                if pauses.iter().any(|p| p.from <= day && day <= p.to) {
                    paused += 1;
                } else {
                    left -= 1;
                }
            }
        }
        Ok(CaseDeadline {
            due: day,
            paused_workdays: paused,
            assumed_years: Vec::new(),
        })
    }

    fn count_between(from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -count_between(to, from);
        }
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| weekday(*d))
            .count() as i64
    }

    impl WorkdayCalendar for Weekdays {
        fn deadline(
            &self,
            start: NaiveDate,
            n: u32,
            pauses: &[DateRange],
            extend: u32,
        ) -> Result<CaseDeadline, DeadlineError> {
            count_weekdays(start, n, pauses, extend)
        }

        fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
            count_between(from, to)
        }
    }

    impl WorkdayCalendar for ClosesAt {
        fn deadline(
            &self,
            start: NaiveDate,
            n: u32,
            pauses: &[DateRange],
            extend: u32,
        ) -> Result<CaseDeadline, DeadlineError> {
            count_weekdays(start, n, pauses, extend)
        }

        fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
            count_between(from, to)
        }

        fn business_day_end(&self) -> BusinessDayEnd {
            self.0
        }
    }

    fn ms(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s)
            .expect("test instant")
            .timestamp_millis()
    }

    fn dur(s: &str) -> IsoDuration {
        IsoDuration::parse(s).expect("test duration")
    }

    const H: i64 = 3_600_000;

    #[test]
    fn durations_parse_component_by_component() {
        assert_eq!(
            dur("P3D"),
            IsoDuration {
                days: 3,
                ..Default::default()
            }
        );
        assert_eq!(
            dur("PT4H"),
            IsoDuration {
                hours: 4,
                ..Default::default()
            }
        );
        assert_eq!(
            dur("PT1M30S"),
            IsoDuration {
                minutes: 1,
                millis: 30_000,
                ..Default::default()
            }
        );
        assert_eq!(
            dur("P1Y2M10DT2H30M"),
            IsoDuration {
                years: 1,
                months: 2,
                days: 10,
                hours: 2,
                minutes: 30,
                ..Default::default()
            }
        );
        assert_eq!(
            dur("P2W"),
            IsoDuration {
                weeks: 2,
                ..Default::default()
            }
        );
        assert_eq!(
            dur("PT0.5S"),
            IsoDuration {
                millis: 500,
                ..Default::default()
            }
        );
        assert_eq!(
            dur("PT1,25S"),
            IsoDuration {
                millis: 1_250,
                ..Default::default()
            }
        );
        assert_eq!(dur("PT0S"), IsoDuration::default());
        assert_eq!(dur("pt4h"), dur("PT4H"));
    }

    #[test]
    fn quoted_values_are_unquoted() {
        assert_eq!(dur("\"P5D\""), dur("P5D"));
        assert_eq!(dur(" 'PT1S' "), dur("PT1S"));
        assert_eq!(
            TimerSpec::parse_cycle("'R3/PT1H'"),
            TimerSpec::parse_cycle("R3/PT1H")
        );
        assert_eq!(
            TimerSpec::parse_date("\"2026-12-01\""),
            TimerSpec::parse_date("2026-12-01")
        );
        assert_eq!(
            TimerSpec::parse_duration("'5WD'"),
            Ok(TimerSpec::WorkingDays(5))
        );
        // Only a matching pair is a quote.
        assert!(IsoDuration::parse("\"P5D'").is_err());
    }

    #[test]
    fn working_days_text_forms() {
        assert_eq!(
            TimerSpec::parse_duration("5WD"),
            Ok(TimerSpec::WorkingDays(5))
        );
        assert_eq!(
            TimerSpec::parse_duration("P5WD"),
            Ok(TimerSpec::WorkingDays(5))
        );
        assert_eq!(
            TimerSpec::parse_duration("p10wd"),
            Ok(TimerSpec::WorkingDays(10))
        );
        assert_eq!(
            TimerSpec::parse_duration("P3D"),
            Ok(TimerSpec::Duration(dur("P3D")))
        );
        assert!(TimerSpec::parse_duration("P5WDT1H").is_err());
        assert!(TimerSpec::parse_duration("P1W5WD").is_err());
        assert!(TimerSpec::parse_duration("99999999999WD").is_err());
        assert!(TimerSpec::parse_cycle("R/P5WD").is_err());
    }

    #[test]
    fn working_days_skip_the_weekend() {
        let friday = ms("2026-11-27T10:00:00+08:00");
        let spec = TimerSpec::WorkingDays(1);
        assert_eq!(
            spec.due_ms(friday, 0, &Weekdays),
            Some(ms("2026-12-01T00:00:00+08:00"))
        );
        assert_eq!(spec.due_ms(friday, 1, &Weekdays), None);
        assert!(!spec.is_repeating());
        // The activation date is taken in +08:00: 20:00 UTC Thursday is
        // already Friday in China.
        let thursday_utc = ms("2026-11-26T20:00:00Z");
        assert_eq!(
            spec.due_ms(thursday_utc, 0, &Weekdays),
            Some(ms("2026-12-01T00:00:00+08:00"))
        );
        assert_eq!(
            TimerSpec::WorkingDays(0).due_ms(friday, 0, &Weekdays),
            Some(ms("2026-11-28T00:00:00+08:00"))
        );
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    #[test]
    fn minfadian_203_working_days_end_at_the_end_of_business() {
        let friday = ms("2026-11-27T10:00:00+08:00");
        let spec = TimerSpec::WorkingDays(1);
        let closes = ClosesAt("17:30".parse().expect("time"));
        assert_eq!(
            spec.due_ms(friday, 0, &closes),
            Some(ms("2026-11-30T17:30:00+08:00"))
        );
        assert_eq!(
            spec.due_ms(friday, 0, &ClosesAt(BusinessDayEnd::MIDNIGHT)),
            Some(ms("2026-12-01T00:00:00+08:00"))
        );
        // Either way the last day is Monday.
        assert_eq!(
            due_date(ms("2026-12-01T00:00:00+08:00")),
            Some(date("2026-11-30"))
        );
        assert_eq!(
            due_date(ms("2026-11-30T17:30:00+08:00")),
            Some(date("2026-11-30"))
        );
    }

    #[test]
    fn working_day_pauses_stop_the_clock_for_whole_days_in_china_time() {
        let friday = ms("2026-11-27T10:00:00+08:00");
        let spec = TimerSpec::WorkingDays(3);
        let due = |pauses: &[(&str, &str)]| {
            let pauses: Vec<(i64, i64)> = pauses.iter().map(|(a, b)| (ms(a), ms(b))).collect();
            let d = spec
                .working_day_due(friday, &pauses, 0, &Weekdays)
                .expect("due");
            (due_date(d.due_ms).expect("date"), d.paused_workdays)
        };
        // Mon 11-30 (1), Tue 12-01 (2), Wed 12-02 (3).
        assert_eq!(due(&[]), (date("2026-12-02"), 0));
        // Two hours on Monday stop Monday.
        let monday = ("2026-11-30T09:00:00+08:00", "2026-11-30T11:00:00+08:00");
        assert_eq!(due(&[monday]), (date("2026-12-03"), 1));
        // Two pauses on Monday, the second to Tuesday: Monday is stopped once.
        let monday_tuesday = ("2026-11-30T14:00:00+08:00", "2026-12-01T10:00:00+08:00");
        assert_eq!(due(&[monday, monday_tuesday]), (date("2026-12-04"), 2));
        // A pause that ends at midnight did not touch the day that begins then.
        assert_eq!(
            due(&[("2026-11-30T09:00:00+08:00", "2026-12-01T00:00:00+08:00")]),
            (date("2026-12-03"), 1)
        );
        // The days are China's: 20:00 UTC on Sunday is Monday 04:00 in +08:00.
        assert_eq!(
            due(&[("2026-11-29T20:00:00Z", "2026-11-29T21:00:00Z")]),
            (date("2026-12-03"), 1)
        );
        // The activation day and the weekend are not counted anyway.
        assert_eq!(
            due(&[("2026-11-27T11:00:00+08:00", "2026-11-29T23:00:00+08:00")]),
            (date("2026-12-02"), 0)
        );
        // Extra working days are counted after the others.
        let d = spec
            .working_day_due(friday, &[], 2, &Weekdays)
            .expect("due");
        assert_eq!(due_date(d.due_ms), Some(date("2026-12-04")));
        // Other timers have no working-day due date.
        assert_eq!(
            TimerSpec::parse_duration("PT1H")
                .expect("spec")
                .working_day_due(friday, &[], 0, &Weekdays),
            None
        );
    }

    #[test]
    fn month_end_arithmetic_clamps() {
        let jan31 = ms("2026-01-31T10:00:00+08:00");
        assert_eq!(
            dur("P1M").add_to(jan31),
            Some(ms("2026-02-28T10:00:00+08:00"))
        );
        assert_eq!(
            dur("P2M").add_to(jan31),
            Some(ms("2026-03-31T10:00:00+08:00"))
        );
        let leap = ms("2024-02-29T00:00:00+08:00");
        assert_eq!(
            dur("P1Y").add_to(leap),
            Some(ms("2025-02-28T00:00:00+08:00"))
        );
        // The month is the one in +08:00, not in UTC: 2026-01-31 01:00 in
        // China is still January 30th in UTC.
        let early = ms("2026-01-31T01:00:00+08:00");
        assert_eq!(
            dur("P1M").add_to(early),
            Some(ms("2026-02-28T01:00:00+08:00"))
        );
        assert_eq!(
            dur("P1Y2M10DT2H30M").add_to(ms("2026-01-01T00:00:00+08:00")),
            Some(ms("2027-03-11T02:30:00+08:00"))
        );
        assert_eq!(dur("P2W").add_to(0), Some(14 * 24 * H));
        assert_eq!(dur("PT0.5S").add_to(0), Some(500));
        assert_eq!(dur("P1D").add_to(i64::MAX), None);
        assert_eq!(dur("P4000000000Y").add_to(0), None);
    }

    #[test]
    fn durations_fire_once() {
        let spec = TimerSpec::parse_duration("PT4H").expect("spec");
        assert_eq!(spec.due_ms(1_000, 0, &Weekdays), Some(1_000 + 4 * H));
        assert_eq!(spec.due_ms(1_000, 1, &Weekdays), None);
        assert!(!spec.is_repeating());
    }

    #[test]
    fn bounded_cycle_fires_n_times() {
        let spec = TimerSpec::parse_cycle("R3/PT1H").expect("spec");
        assert_eq!(
            spec,
            TimerSpec::Cycle {
                repetitions: Some(3),
                start_ms: None,
                interval: dur("PT1H")
            }
        );
        assert!(spec.is_repeating());
        let t0 = ms("2026-03-01T08:00:00+08:00");
        assert_eq!(spec.due_ms(t0, 0, &Weekdays), Some(t0 + H));
        assert_eq!(spec.due_ms(t0, 1, &Weekdays), Some(t0 + 2 * H));
        assert_eq!(spec.due_ms(t0, 2, &Weekdays), Some(t0 + 3 * H));
        assert_eq!(spec.due_ms(t0, 3, &Weekdays), None);
        assert_eq!(spec.due_ms(t0, u32::MAX, &Weekdays), None);
    }

    #[test]
    fn unbounded_cycles() {
        let spec = TimerSpec::parse_cycle("R/PT10M").expect("spec");
        assert_eq!(
            spec,
            TimerSpec::Cycle {
                repetitions: None,
                start_ms: None,
                interval: dur("PT10M")
            }
        );
        assert_eq!(spec.due_ms(0, 0, &Weekdays), Some(600_000));
        assert_eq!(
            spec.due_ms(0, 1_000_000, &Weekdays),
            Some(1_000_001 * 600_000)
        );
        assert_eq!(spec.due_ms(0, u32::MAX, &Weekdays), None);
        assert_eq!(TimerSpec::parse_cycle("PT10M"), Ok(spec.clone()));
        assert_eq!(TimerSpec::parse_cycle(" R / PT10M "), Ok(spec));
    }

    #[test]
    fn cycle_with_start_counts_from_the_start() {
        let spec = TimerSpec::parse_cycle("R2/2026-01-01T09:00:00+08:00/P1D").expect("spec");
        let start = ms("2026-01-01T09:00:00+08:00");
        assert_eq!(
            spec,
            TimerSpec::Cycle {
                repetitions: Some(2),
                start_ms: Some(start),
                interval: dur("P1D")
            }
        );
        // Activation time does not matter once a start is given.
        assert_eq!(spec.due_ms(12_345, 0, &Weekdays), Some(start + 24 * H));
        assert_eq!(spec.due_ms(12_345, 1, &Weekdays), Some(start + 48 * H));
        assert_eq!(spec.due_ms(12_345, 2, &Weekdays), None);
        // Monthly cycles do not drift after a short month.
        let monthly = TimerSpec::parse_cycle("R/2026-01-31T00:00:00+08:00/P1M").expect("spec");
        assert_eq!(
            monthly.due_ms(0, 0, &Weekdays),
            Some(ms("2026-02-28T00:00:00+08:00"))
        );
        assert_eq!(
            monthly.due_ms(0, 1, &Weekdays),
            Some(ms("2026-03-31T00:00:00+08:00"))
        );
    }

    #[test]
    fn dates_with_and_without_offsets() {
        let at = |s: &str| match TimerSpec::parse_date(s) {
            Ok(TimerSpec::Date { at_ms }) => at_ms,
            other => panic!("{s}: {other:?}"),
        };
        let expected = ms("2026-12-01T09:00:00+08:00");
        assert_eq!(at("2026-12-01T09:00:00+08:00"), expected);
        assert_eq!(at("2026-12-01T01:00:00Z"), expected);
        assert_eq!(at("2026-12-01T01:00:00z"), expected);
        assert_eq!(at("2026-12-01T09:00:00"), expected);
        assert_eq!(at("2026-12-01T09:00"), expected);
        assert_eq!(at("2026-12-01 09:00:00"), expected);
        assert_eq!(at("2026-12-01T09:00:00+0800"), expected);
        assert_eq!(at("2026-12-01T09:00:00+08"), expected);
        assert_eq!(at("2026-11-30T20:00:00-05:00"), expected);
        assert_eq!(at("2026-12-01T01:00:00.250Z"), expected + 250);
        assert_eq!(at("2026-12-01"), ms("2026-12-01T00:00:00+08:00"));
        assert_eq!(at("'2026-12-01T09:00:00'"), expected);
    }

    #[test]
    fn dates_ignore_activation_and_fire_once() {
        let spec = TimerSpec::parse_date("2020-01-01T00:00:00Z").expect("spec");
        let past = ms("2020-01-01T00:00:00Z");
        assert_eq!(spec.due_ms(past + 10 * H, 0, &Weekdays), Some(past));
        assert_eq!(spec.due_ms(0, 0, &Weekdays), Some(past));
        assert_eq!(spec.due_ms(0, 1, &Weekdays), None);
        assert!(!spec.is_repeating());
    }

    #[test]
    fn bad_inputs_are_rejected_with_the_text() {
        for bad in [
            "P",
            "PT",
            "P1H",
            "-P1D",
            "P-1D",
            "P1.5D",
            "PT1H1H",
            "PT1M1H",
            "P1DT",
            "PTS",
            "P1",
            "1D",
            "P1X",
            "PT1.S",
            "P99999999999D",
            "P1D T1H",
            "P1D²",
        ] {
            let e = IsoDuration::parse(bad).expect_err(bad);
            assert!(e.to_string().contains(&format!("{bad:?}")), "{bad}: {e}");
        }
        for empty in ["", "   ", "\"\"", "' '"] {
            assert_eq!(IsoDuration::parse(empty), Err(TimerError::Empty));
            assert_eq!(TimerSpec::parse_cycle(empty), Err(TimerError::Empty));
            assert_eq!(TimerSpec::parse_date(empty), Err(TimerError::Empty));
            assert_eq!(TimerSpec::parse_duration(empty), Err(TimerError::Empty));
        }
        assert!(matches!(
            TimerSpec::parse_cycle("R-1/PT1H"),
            Err(TimerError::Cycle { .. })
        ));
        for bad in [
            "R0/PT1H",
            "R3",
            "R3/",
            "R3/PT0S",
            "Rx/PT1H",
            "R3/PT1H/2026-01-01",
            "R3/a/b/c",
            "2026-01-01T00:00:00/PT1H",
            "R/2026-13-01/P1D",
            "R99999999999/PT1H",
        ] {
            assert!(
                matches!(TimerSpec::parse_cycle(bad), Err(TimerError::Cycle { .. })),
                "{bad}"
            );
        }
        for cron in ["0 0 * * *", "0 0/5 * * * ?", "*/5"] {
            let e = TimerSpec::parse_cycle(cron).expect_err(cron);
            assert_eq!(e, TimerError::Cron(cron.to_owned()));
            assert!(e.to_string().contains("cron"));
        }
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "tomorrow",
            "2026-12-01T25:00:00",
            "2026-12-01T09:00:00+25:00",
            "2026-12-01T09:00:00+8",
            "2026-12-01X",
        ] {
            assert!(
                matches!(TimerSpec::parse_date(bad), Err(TimerError::Date { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            TimerSpec::parse_duration("${delay}"),
            Err(TimerError::Expression(_))
        ));
        assert!(IsoDuration::parse("P1H")
            .expect_err("P1H")
            .to_string()
            .contains("'T'"));
    }

    #[test]
    fn to_iso_round_trips() {
        for text in [
            "P3D",
            "PT4H",
            "PT1M30S",
            "P1Y2M10DT2H30M",
            "P2W",
            "PT0.5S",
            "PT0S",
            "P2W3D",
            "PT90M",
            "PT1.025S",
            "P1Y",
            "PT0.001S",
        ] {
            let d = dur(text);
            assert_eq!(d.to_iso(), text);
            assert_eq!(dur(&d.to_iso()), d);
        }
        assert_eq!(dur("PT1.500S").to_iso(), "PT1.5S");
        assert_eq!(dur("P0D").to_iso(), "PT0S");
        // Sub-millisecond digits cannot affect scheduling and are dropped.
        assert_eq!(dur("PT0.0019S").millis, 1);
    }

    #[test]
    fn to_bpmn_round_trips() {
        let cases = [
            ("timeDuration", "P1DT2H"),
            ("timeDuration", "P5WD"),
            ("timeCycle", "R3/PT1H"),
            ("timeCycle", "R/PT10M"),
            ("timeCycle", "R2/2026-01-01T09:00:00+08:00/P1D"),
            ("timeDate", "2026-12-01T09:00:00+08:00"),
            ("timeDate", "2026-12-01T09:00:00.250+08:00"),
        ];
        for (kind, text) in cases {
            let spec = match kind {
                "timeDuration" => TimerSpec::parse_duration(text),
                "timeCycle" => TimerSpec::parse_cycle(text),
                _ => TimerSpec::parse_date(text),
            }
            .expect(text);
            assert_eq!(spec.to_bpmn(), (kind, text.to_owned()));
        }
        // Other spellings are normalised to +08:00.
        let spec = TimerSpec::parse_date("2026-12-01T01:00:00Z").expect("date");
        assert_eq!(spec.to_bpmn().1, "2026-12-01T09:00:00+08:00");
        assert_eq!(
            TimerSpec::parse_cycle("PT5M").expect("cycle").to_bpmn(),
            ("timeCycle", "R/PT5M".to_owned())
        );
        // Out-of-range hand-built values do not panic.
        assert_eq!(TimerSpec::Date { at_ms: i64::MAX }.to_bpmn().0, "timeDate");
    }

    fn any_duration() -> impl Strategy<Value = IsoDuration> {
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u64>(),
        )
            .prop_map(
                |(years, months, weeks, days, hours, minutes, millis)| IsoDuration {
                    years,
                    months,
                    weeks,
                    days,
                    hours,
                    minutes,
                    millis,
                },
            )
    }

    fn small_duration() -> impl Strategy<Value = IsoDuration> {
        (
            0u32..3,
            0u32..30,
            0u32..3,
            0u32..40,
            0u32..30,
            0u32..90,
            0u64..100_000,
        )
            .prop_map(
                |(years, months, weeks, days, hours, minutes, millis)| IsoDuration {
                    years,
                    months,
                    weeks,
                    days,
                    hours,
                    minutes,
                    millis,
                },
            )
    }

    proptest! {
        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC*") {
            let _ = IsoDuration::parse(&s);
            let _ = TimerSpec::parse_duration(&s);
            let _ = TimerSpec::parse_cycle(&s);
            let _ = TimerSpec::parse_date(&s);
        }

        #[test]
        fn parsing_timer_like_text_never_panics(s in "[\"' ]?[PpRrTt0-9YMWDHS.,:/+ZzT -]{0,40}[\"' ]?") {
            let _ = TimerSpec::parse_duration(&s);
            let _ = TimerSpec::parse_cycle(&s);
            let _ = TimerSpec::parse_date(&s);
        }

        #[test]
        fn to_iso_round_trips_for_any_duration(d in any_duration()) {
            prop_assert_eq!(IsoDuration::parse(&d.to_iso()), Ok(d));
        }

        #[test]
        fn arithmetic_never_panics(d in any_duration(), at in any::<i64>(), fired in any::<u32>(), reps in proptest::option::of(any::<u32>()), start in proptest::option::of(any::<i64>()), n in any::<u32>()) {
            let _ = d.add_to(at);
            let cycle = TimerSpec::Cycle { repetitions: reps, start_ms: start, interval: d.clone() };
            let _ = cycle.due_ms(at, fired, &Weekdays);
            let _ = cycle.to_bpmn();
            let _ = TimerSpec::Duration(d).due_ms(at, fired, &Weekdays);
            let _ = TimerSpec::Date { at_ms: at }.to_bpmn();
            // Large working-day counts are slow with the day-by-day test
            // calendar, so keep them bounded here.
            let _ = TimerSpec::WorkingDays(n % 2_000).due_ms(at, fired % 2, &Weekdays);
        }

        #[test]
        fn cycles_fire_in_increasing_order(d in small_duration(), k in 0u32..500) {
            prop_assume!(d != IsoDuration::default());
            let at = ms("2026-01-31T12:00:00+08:00");
            let cycle = TimerSpec::Cycle { repetitions: None, start_ms: None, interval: d };
            let a = cycle.due_ms(at, k, &Weekdays);
            let b = cycle.due_ms(at, k + 1, &Weekdays);
            prop_assert!(a.is_some() && b.is_some());
            prop_assert!(a < b);
            prop_assert!(a > Some(at));
        }
    }
}

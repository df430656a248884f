//! The clock is injected so tests move time (idle expiry, lockout windows) without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub trait Clock: Send + Sync {
    /// Unix milliseconds.
    fn now_ms(&self) -> i64;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A clock tests set and advance by hand.
#[derive(Debug, Clone)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn new(start_ms: i64) -> TestClock {
        TestClock(Arc::new(AtomicI64::new(start_ms)))
    }

    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn set_ms(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The demo district's clock: the system time, moved forward by whole days on request, so a
/// demonstration (or a browser test) can show what happens when deadlines pass. Only `fgf demo`
/// builds an application with it; a real district's clock cannot be moved.
#[derive(Debug, Default)]
pub struct DemoClock {
    offset_ms: AtomicI64,
}

impl DemoClock {
    pub fn advance_days(&self, days: i64) {
        self.offset_ms
            .fetch_add(days * 86_400_000, Ordering::SeqCst);
    }

    pub fn offset_days(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst) / 86_400_000
    }
}

impl Clock for DemoClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::SeqCst)
    }
}

/// Formats unix milliseconds as RFC 3339 in China Standard Time (+08:00), the API's default.
pub fn rfc3339(ms: i64) -> String {
    let tz = chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("utc"));
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A short local time for pages: `2026-11-27 14:05`.
pub fn local_minute(ms: i64) -> String {
    let tz = chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("utc"));
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The local (+08:00) calendar date of an instant.
pub fn local_date(ms: i64) -> chrono::NaiveDate {
    let tz = chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("utc"));
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive()
}

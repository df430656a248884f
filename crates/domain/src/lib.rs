//! Pure domain rules of Fangguanfu, the district government platform.
//!
//! This crate holds the rules that must give the same answer wherever they run: identifier checks,
//! the working-day calendar (工作日) behind every statutory deadline, data scopes (数据权限), the
//! protection of personal data, the audit hash chain and the password policy.
//! Permissions (权限) sit beside data scopes so that a role is described in one place.
//! It does no I/O, reads no clock and draws no random numbers: time, nonces and keys come in as
//! parameters, so the web, store and CLI crates can rely on it and tests can replay it exactly.
//! The legal sources are cited in `shared/RULES.md`; each test names the rule it checks.

pub mod application;
pub mod base;
pub mod catalog;
pub mod cell;
pub mod code;
pub mod process;
pub mod record_id;
pub mod reform;
pub mod text;

pub use base::audit::{chain_hash, diff_json, sm3_hex, FieldChange, GENESIS};
pub use base::calendar::{
    BusinessDayEnd, Calendar, CalendarConfig, CalendarError, CaseDeadline, Counted, DateRange,
    DayInfo, DayKind, Deadline, DeadlineError, YearSchedule,
};
pub use base::ids::{
    check_code, mask_name, mask_phone, mask_resident_id, validate_mobile, IdCheck, IdError, IdKind,
    MobileError, ResidentId, Uscc,
};
pub use base::password::{PasswordError, PasswordPolicy};
pub use base::permission::{AdminDuty, Permission, UnknownPermission};
pub use base::pii::{PiiBinding, PiiError, PiiKey};
pub use base::scope::{dept_path_contains, DataScope, ScopeError};
pub use code::UnknownCode;

//! The base rules every part uses: identifiers and masking, the working-day calendar, data
//! scopes and permissions, personal-data protection, the audit chain and the password policy.

pub mod audit;
pub mod calendar;
pub mod ids;
pub mod password;
pub mod permission;
pub mod pii;
pub mod record;
pub mod scope;

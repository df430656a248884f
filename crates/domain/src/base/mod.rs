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

crate::record_id::record_id! {
    /// An account (账号): a member of staff, a citizen or an enterprise.
    pub struct AccountId;
}

crate::record_id::record_id! {
    /// A department (部门): a node of the organisation tree.
    pub struct DepartmentId;
}

//! The kinds and states of the base records (accounts, departments, sessions, the login log,
//! background jobs) in their one stored spelling.

use crate::code::code_enum;

code_enum! {
    /// Who an account belongs to: staff sign in to the workbench, citizens and enterprises to
    /// the applicants' portal.
    pub enum AccountKind {
        Staff = "staff",
        Citizen = "citizen",
        Enterprise = "enterprise",
    }
}

code_enum! {
    /// Whether an account may sign in at all (a lock is separate and expires on its own).
    pub enum AccountStatus {
        Active = "active",
        Disabled = "disabled",
    }
}

code_enum! {
    /// A node of the department tree: 区 → 部门 → 科室; 街道/镇 → 社区/村.
    pub enum DepartmentKind {
        District = "district",
        Bureau = "bureau",
        Section = "section",
        Street = "street",
        Town = "town",
        Community = "community",
        Village = "village",
    }
}

impl DepartmentKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            DepartmentKind::District => "区",
            DepartmentKind::Bureau => "部门",
            DepartmentKind::Section => "科室",
            DepartmentKind::Street => "街道",
            DepartmentKind::Town => "镇",
            DepartmentKind::Community => "社区",
            DepartmentKind::Village => "村",
        }
    }
}

code_enum! {
    /// Cookie sessions serve pages; bearer tokens serve API clients.
    pub enum SessionKind {
        Cookie = "cookie",
        Bearer = "bearer",
    }
}

code_enum! {
    /// What one line of the login log records.
    pub enum LoginOutcome {
        Success = "success",
        Logout = "logout",
        Expired = "expired",
        BadPassword = "bad_password",
        BadTotp = "bad_totp",
        TotpMissing = "totp_missing",
        UnknownUser = "unknown_user",
        Disabled = "disabled",
        Locked = "locked",
        Unlocked = "unlocked",
        AddressLimited = "address_limited",
        RecoverySent = "recovery_sent",
        RecoveryUnmatched = "recovery_unmatched",
        Recovered = "recovered",
    }
}

code_enum! {
    /// A background job's life: leased while running, retried as pending, failed for good.
    pub enum JobStatus {
        Pending = "pending",
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::check_round_trip;

    #[test]
    fn codes_round_trip() {
        check_round_trip(AccountKind::ALL, AccountKind::as_str);
        check_round_trip(AccountStatus::ALL, AccountStatus::as_str);
        check_round_trip(DepartmentKind::ALL, DepartmentKind::as_str);
        check_round_trip(SessionKind::ALL, SessionKind::as_str);
        check_round_trip(LoginOutcome::ALL, LoginOutcome::as_str);
        check_round_trip(JobStatus::ALL, JobStatus::as_str);
    }
}

//! Permissions (权限): what a role lets its holder do. A permission says *what*; the role's
//! data scope (数据权限) says *which records along the department tree* it reaches. Codes are
//! stable strings because they are stored in `role_permission` and shown to administrators.

use std::fmt;
use std::str::FromStr;

macro_rules! permissions {
    ($( $variant:ident => $code:literal, $zh:literal; )*) => {
        /// Every permission the platform knows. Adding one forces the route table and the
        /// role seed to decide who holds it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Permission { $( $variant, )* }

        impl Permission {
            pub const ALL: &'static [Permission] = &[ $( Permission::$variant, )* ];

            pub fn code(self) -> &'static str {
                match self { $( Permission::$variant => $code, )* }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $( Permission::$variant => $zh, )* }
            }
        }

        impl FromStr for Permission {
            type Err = UnknownPermission;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $code => Ok(Permission::$variant), )*
                    other => Err(UnknownPermission(other.to_owned())),
                }
            }
        }
    };
}

// Grouped by the part whose routes and use cases need them; each part grants its own to the
// built-in roles (`app::<part>::GRANTS`). The order is the sort order on the role pages.
permissions! {
    // base
    Workbench => "workbench.view", "进入工作台";
    DeptRead => "department.read", "查看部门";
    DeptWrite => "department.write", "维护部门";
    UserRead => "user.read", "查看用户";
    UserWrite => "user.write", "维护用户";
    UserUnlock => "user.unlock", "解锁账号";
    RoleRead => "role.read", "查看角色";
    RoleAssign => "role.assign", "分配角色";
    AuditRead => "audit.read", "查阅审计日志";
    LoginLogRead => "login_log.read", "查阅登录日志";
    DictWrite => "dictionary.write", "维护数据字典";
    CalendarWrite => "calendar.write", "维护工作日历";
    JobRead => "job.read", "查看后台任务";
    PiiUnmask => "pii.unmask", "查看完整个人信息";
    FileUpload => "file.upload", "上传文件";
    // process
    ProcessDesign => "process.design", "设计与发布流程";
    // catalog
    CatalogDraft => "catalog.draft", "编制事项与确认承接";
    CatalogReview => "catalog.review", "审核发布事项";
    // reform
    ReformManage => "reform.manage", "管理改革方案与任务";
    // application
    ApplicationIntake => "application.intake", "受理申请";
    ApplicationReview => "application.review", "审查申请";
    // base: applicants (citizens and enterprises)
    ApplicantSelf => "applicant.self", "申请人自助服务";
}

impl serde::Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl serde::Serialize for AdminDuty {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown permission {0:?}")]
pub struct UnknownPermission(pub String);

/// The three administrator duties of 等保 level 3 (三员分立). An account may hold at most one,
/// across all its posts (GB/T 22239-2019 8.1.5: system, audit and security administrators
/// are separate people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AdminDuty {
    System,
    Security,
    Audit,
}

impl AdminDuty {
    pub fn code(self) -> &'static str {
        match self {
            AdminDuty::System => "system",
            AdminDuty::Security => "security",
            AdminDuty::Audit => "audit",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AdminDuty::System => "系统管理员",
            AdminDuty::Security => "安全管理员",
            AdminDuty::Audit => "审计管理员",
        }
    }
}

impl FromStr for AdminDuty {
    type Err = UnknownPermission;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "system" => Ok(AdminDuty::System),
            "security" => Ok(AdminDuty::Security),
            "audit" => Ok(AdminDuty::Audit),
            other => Err(UnknownPermission(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_code_round_trips() {
        for p in Permission::ALL {
            assert_eq!(p.code().parse::<Permission>(), Ok(*p));
        }
        assert!("drop.table".parse::<Permission>().is_err());
    }
}

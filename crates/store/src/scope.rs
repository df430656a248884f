//! Data scope (数据权限), enforced here in the data-access layer, deny by default.
//!
//! The anchors' most common complaint is a scope rule that silently does not apply because a
//! query forgot to opt in. Here the opt-in cannot be forgotten: every list or lookup of a
//! scoped record takes a `&Scope`, and a `Scope` exists only as the answer of
//! [`Grants::scope`] for a permission the caller holds (or as [`Scope::system`], which names
//! its reason and is used only by background jobs and operator commands).

use crate::sql::Sql;
use fgf_domain::base::permission::{AdminDuty, Permission};
use fgf_domain::base::scope::DataScope;
use fgf_domain::base::{AccountId, DepartmentId};
use std::collections::BTreeMap;

/// What an account may do while acting for one department: loaded from its post's roles.
#[derive(Debug, Clone)]
pub struct Grants {
    account_id: AccountId,
    department_id: DepartmentId,
    dept_path: String,
    // Invariant: the widest scope among the roles of this post that grant the permission.
    by_permission: BTreeMap<Permission, DataScope>,
    duties: Vec<AdminDuty>,
    role_codes: Vec<String>,
}

impl Grants {
    pub(crate) fn new(
        account_id: AccountId,
        department_id: DepartmentId,
        dept_path: String,
        by_permission: BTreeMap<Permission, DataScope>,
        duties: Vec<AdminDuty>,
        role_codes: Vec<String>,
    ) -> Grants {
        Grants {
            account_id,
            department_id,
            dept_path,
            by_permission,
            duties,
            role_codes,
        }
    }

    /// The scope for `permission`, or `None` when the account does not hold it here.
    pub fn scope(&self, permission: Permission) -> Option<Scope> {
        self.by_permission.get(&permission).map(|data| Scope {
            permission: Some(permission),
            data: *data,
            account_id: self.account_id,
            department_id: self.department_id,
            dept_path: self.dept_path.clone(),
        })
    }

    pub fn has(&self, permission: Permission) -> bool {
        self.by_permission.contains_key(&permission)
    }

    pub fn permissions(&self) -> impl Iterator<Item = (Permission, DataScope)> + '_ {
        self.by_permission.iter().map(|(p, s)| (*p, *s))
    }

    pub fn duties(&self) -> &[AdminDuty] {
        &self.duties
    }

    pub fn role_codes(&self) -> &[String] {
        &self.role_codes
    }

    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    pub fn department_id(&self) -> DepartmentId {
        self.department_id
    }
}

/// The records one permission reaches for one caller. See the module docs.
#[derive(Debug, Clone)]
pub struct Scope {
    permission: Option<Permission>,
    data: DataScope,
    account_id: AccountId,
    department_id: DepartmentId,
    dept_path: String,
}

impl Scope {
    /// Unrestricted scope for work the system does on its own behalf (background jobs, the
    /// operator's CLI). The reason is required so every use reads as a decision.
    pub fn system(reason: &'static str) -> Scope {
        tracing::trace!(reason, "system scope");
        Scope {
            permission: None,
            data: DataScope::All,
            account_id: AccountId::new(0),
            department_id: DepartmentId::new(0),
            dept_path: "/".to_owned(),
        }
    }

    /// An applicant's own records (本人): a citizen or enterprise belongs to no department and
    /// holds no role, so their scope is their account and nothing else. Only the sign-in path
    /// builds it, for the account it authenticated (`Actor::applicant_scope`).
    pub fn applicant(account_id: AccountId) -> Scope {
        Scope {
            permission: Some(Permission::ApplicantSelf),
            data: DataScope::Own,
            account_id,
            department_id: DepartmentId::new(0),
            dept_path: String::new(),
        }
    }

    pub fn data_scope(&self) -> DataScope {
        self.data
    }

    pub fn permission(&self) -> Option<Permission> {
        self.permission
    }

    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    /// Restricts a query over records that belong to a department (and optionally an owner).
    /// `dept_col` is a department id column; `owner_col` an account id column, if the record
    /// has an owner (本人 scope falls back to the acting department when it has none).
    pub(crate) fn filter_record(&self, sql: &mut Sql, dept_col: &str, owner_col: Option<&str>) {
        match self.data {
            DataScope::All => {}
            DataScope::DeptAndBelow => {
                sql.push(" and ")
                    .push(dept_col)
                    .push(" in (select department_id from department where path like ")
                    .bind(format!("{}%", self.dept_path))
                    .push(")");
            }
            DataScope::Dept => {
                sql.push(" and ")
                    .push(dept_col)
                    .push(" = ")
                    .bind(self.department_id);
            }
            DataScope::Own => match owner_col {
                Some(owner) => {
                    sql.push(" and ")
                        .push(owner)
                        .push(" = ")
                        .bind(self.account_id);
                }
                None => {
                    sql.push(" and ")
                        .push(dept_col)
                        .push(" = ")
                        .bind(self.department_id);
                }
            },
        }
    }

    /// Restricts a query over accounts: an account is reached through any of its posts.
    pub(crate) fn filter_account(&self, sql: &mut Sql, account_col: &str) {
        match self.data {
            DataScope::All => {}
            DataScope::DeptAndBelow => {
                sql.push(" and exists (select 1 from post sp join department sd on sd.department_id = sp.department_id where sp.account_id = ")
                    .push(account_col)
                    .push(" and sd.path like ")
                    .bind(format!("{}%", self.dept_path))
                    .push(")");
            }
            DataScope::Dept => {
                sql.push(" and exists (select 1 from post sp where sp.account_id = ")
                    .push(account_col)
                    .push(" and sp.department_id = ")
                    .bind(self.department_id)
                    .push(")");
            }
            DataScope::Own => {
                sql.push(" and ")
                    .push(account_col)
                    .push(" = ")
                    .bind(self.account_id);
            }
        }
    }
}

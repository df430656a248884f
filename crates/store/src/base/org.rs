//! The department tree (区 → 部门 → 科室; 街道/镇 → 社区/村).

use crate::sql::{like_escape, Sql};
use crate::{get_code, get_i64, get_str, Page, Paged, Result, Scope, Store, StoreError, WriteTx};
use crate::{get_id, get_opt_id};
use fgf_domain::base::record::DepartmentKind;
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Department {
    pub id: DepartmentId,
    pub parent_id: Option<DepartmentId>,
    pub code: String,
    pub name: String,
    pub kind: DepartmentKind,
    pub path: String,
    pub sort: i64,
    pub leader_account_id: Option<AccountId>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl Department {
    /// Depth in the tree: the district root is 0.
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(2)
    }
}

#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub parent_id: Option<DepartmentId>,
    pub code: String,
    pub name: String,
    pub kind: DepartmentKind,
    pub sort: i64,
}

/// The editable fields of a department.
#[derive(Debug, Clone)]
pub struct DepartmentUpdate {
    pub parent_id: Option<DepartmentId>,
    pub code: String,
    pub name: String,
    pub kind: DepartmentKind,
    pub sort: i64,
    pub leader_account_id: Option<AccountId>,
}

#[derive(Debug, Clone, Default)]
pub struct DepartmentQuery {
    pub name: Option<String>,
    pub parent_id: Option<DepartmentId>,
}

const COLS: &str = "department_id, parent_id, code, name, kind, path, sort, leader_account_id, created_at, updated_at";

fn department(row: &AnyRow) -> Result<Department> {
    Ok(Department {
        id: get_id(row, "department_id")?,
        parent_id: get_opt_id(row, "parent_id")?,
        code: get_str(row, "code")?,
        name: get_str(row, "name")?,
        kind: get_code(row, "department", "kind")?,
        path: get_str(row, "path")?,
        sort: get_i64(row, "sort")?,
        leader_account_id: get_opt_id(row, "leader_account_id")?,
        created_at_ms: get_i64(row, "created_at")?,
        updated_at_ms: get_i64(row, "updated_at")?,
    })
}

async fn fetch_department<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    scope: &Scope,
    id: DepartmentId,
) -> Result<Department> {
    let mut sql = Sql::new(&format!(
        "select {COLS} from department where department_id = "
    ));
    sql.bind(id);
    scope.filter_record(&mut sql, "department_id", None);
    match sql.query().fetch_optional(ex).await? {
        Some(row) => department(&row),
        None => Err(StoreError::not_found("department", id)),
    }
}

impl Store {
    /// Every department, by path: the public catalogue names its implementing bodies, so this
    /// list is not scoped.
    pub async fn all_departments(&self) -> Result<Vec<Department>> {
        let rows = sqlx::query(&format!("select {COLS} from department order by path"))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(department).collect()
    }

    pub async fn get_department(&self, scope: &Scope, id: DepartmentId) -> Result<Department> {
        fetch_department(self.pool(), scope, id).await
    }

    pub async fn find_department_by_code(
        &self,
        scope: &Scope,
        code: &str,
    ) -> Result<Option<Department>> {
        let mut sql = Sql::new(&format!("select {COLS} from department where code = "));
        sql.bind(code);
        scope.filter_record(&mut sql, "department_id", None);
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| department(&r))
            .transpose()
    }

    pub async fn list_departments(
        &self,
        scope: &Scope,
        q: &DepartmentQuery,
        page: Page,
    ) -> Result<Paged<Department>> {
        let mut filter = Sql::new(" from department where 1 = 1");
        scope.filter_record(&mut filter, "department_id", None);
        if let Some(name) = q.name.as_deref().filter(|s| !s.is_empty()) {
            filter
                .push(" and ")
                .like_any_case("name", format!("%{}%", like_escape(name)));
        }
        if let Some(parent) = q.parent_id {
            filter.push(" and parent_id = ").bind(parent);
        }
        self.paged(
            &filter,
            &format!("select {COLS}"),
            "path, department_id",
            page,
            department,
        )
        .await
    }

    /// The whole tree the scope reaches, parents before children.
    pub async fn department_tree(&self, scope: &Scope) -> Result<Vec<Department>> {
        let mut sql = Sql::new(&format!("select {COLS} from department where 1 = 1"));
        scope.filter_record(&mut sql, "department_id", None);
        sql.push(" order by path, department_id");
        sql.query()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(department)
            .collect()
    }
}

impl WriteTx {
    pub async fn get_department(&mut self, scope: &Scope, id: DepartmentId) -> Result<Department> {
        fetch_department(self.conn().await?, scope, id).await
    }

    /// Inserts a department under `parent_id` (which the caller has already checked is in
    /// scope) and fills in its materialised path.
    pub async fn insert_department(&mut self, new: &NewDepartment) -> Result<Department> {
        let parent_path = match new.parent_id {
            Some(pid) => {
                fetch_department(
                    self.conn().await?,
                    &Scope::system("parent path lookup"),
                    pid,
                )
                .await?
                .path
            }
            None => "/".to_owned(),
        };
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into department (parent_id, code, name, kind, path, sort, created_at, updated_at) values (",
        );
        sql.bind(new.parent_id)
            .push(",")
            .bind(new.code.as_str())
            .push(",")
            .bind(new.name.as_str())
            .push(",")
            .bind(new.kind.as_str())
            .push(",'',")
            .bind(new.sort)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning department_id");
        let id: DepartmentId = get_id(
            &sql.query().fetch_one(self.conn().await?).await?,
            "department_id",
        )?;
        let mut upd = Sql::new("update department set path = ");
        upd.bind(format!("{parent_path}{id}/"))
            .push(" where department_id = ")
            .bind(id);
        upd.query().execute(self.conn().await?).await?;
        fetch_department(self.conn().await?, &Scope::system("just inserted"), id).await
    }

    /// Updates the editable fields; moving to a new parent rewrites the subtree's paths.
    pub async fn update_department(
        &mut self,
        current: &Department,
        change: &DepartmentUpdate,
    ) -> Result<Department> {
        let DepartmentUpdate {
            parent_id,
            code,
            name,
            kind,
            sort,
            leader_account_id,
        } = change.clone();
        let now = self.now_ms();
        let mut sql = Sql::new("update department set code = ");
        sql.bind(code)
            .push(", name = ")
            .bind(name)
            .push(", kind = ")
            .bind(kind.as_str())
            .push(", sort = ")
            .bind(sort)
            .push(", leader_account_id = ")
            .bind(leader_account_id)
            .push(", updated_at = ")
            .bind(now)
            .push(" where department_id = ")
            .bind(current.id);
        sql.query().execute(self.conn().await?).await?;
        if parent_id != current.parent_id {
            let new_parent_path = match parent_id {
                Some(pid) => {
                    let parent =
                        fetch_department(self.conn().await?, &Scope::system("move target"), pid)
                            .await?;
                    if parent.path.starts_with(&current.path) {
                        return Err(StoreError::Invalid(format!(
                            "department {} cannot move under its own subtree",
                            current.id
                        )));
                    }
                    parent.path
                }
                None => "/".to_owned(),
            };
            let new_path = format!("{new_parent_path}{}/", current.id);
            let old_len = i64::try_from(current.path.chars().count()).unwrap_or(0);
            let mut mv = Sql::new("update department set path = ");
            mv.bind(new_path)
                .push(" || substr(path, cast(")
                .bind(old_len + 1)
                .push(" as integer)) where path like ")
                .bind(format!("{}%", current.path));
            mv.query().execute(self.conn().await?).await?;
            let mut par = Sql::new("update department set parent_id = ");
            par.bind(parent_id)
                .push(" where department_id = ")
                .bind(current.id);
            par.query().execute(self.conn().await?).await?;
        }
        fetch_department(
            self.conn().await?,
            &Scope::system("just updated"),
            current.id,
        )
        .await
    }

    /// Deletes a department that has no children and no posts.
    pub async fn delete_department(&mut self, current: &Department) -> Result<()> {
        let mut sql = Sql::new("select (select count(*) from department where parent_id = ");
        sql.bind(current.id)
            .push(") as children, (select count(*) from post where department_id = ")
            .bind(current.id)
            .push(") as posts");
        let row = sql.query().fetch_one(self.conn().await?).await?;
        if get_i64(&row, "children")? > 0 || get_i64(&row, "posts")? > 0 {
            return Err(StoreError::Conflict {
                constraint: "department_not_empty".to_owned(),
            });
        }
        let mut del = Sql::new("delete from department where department_id = ");
        del.bind(current.id);
        del.query().execute(self.conn().await?).await?;
        Ok(())
    }
}

impl WriteTx {
    /// Names the department's leader (负责人), used by `leader:` assignment rules.
    pub async fn set_department_leader(
        &mut self,
        department_id: DepartmentId,
        leader: Option<AccountId>,
    ) -> Result<()> {
        let mut sql = Sql::new("update department set leader_account_id = ");
        sql.bind(leader)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where department_id = ")
            .bind(department_id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }
}

//! Department administration (部门管理).

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use fgf_domain::base::audit::diff_json;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::record::DepartmentKind;
use fgf_domain::base::{AccountId, DepartmentId};
use fgf_store::base::org::{Department, DepartmentQuery, DepartmentUpdate, NewDepartment};
use fgf_store::{Page, Paged};
use serde_json::json;

pub fn department_kind_label(kind: DepartmentKind) -> &'static str {
    kind.label_zh()
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct DepartmentInput {
    pub parent_id: Option<DepartmentId>,
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub sort: i64,
    #[serde(default)]
    pub leader_account_id: Option<AccountId>,
}

impl DepartmentInput {
    /// The kind asked for; the input keeps the text so that an unknown kind is refused on its
    /// field like every other invalid value, not as a body that cannot be read.
    pub fn kind(&self) -> ServiceResult<DepartmentKind> {
        self.kind.parse().map_err(|_| {
            ServiceError::field(
                "invalid_field",
                "kind",
                "类型须为 district、bureau、section、street、town、community、village 之一",
            )
        })
    }

    fn validate(&self) -> ServiceResult<()> {
        let code = self.code.trim();
        if code.is_empty()
            || code.len() > 32
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ServiceError::field(
                "invalid_field",
                "code",
                "编码须为 1–32 位字母、数字、连字符或下划线",
            ));
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(ServiceError::field(
                "invalid_field",
                "name",
                "名称不能为空，且不超过 64 个字",
            ));
        }
        self.kind()?;
        if self.sort < 0 || self.sort > 100_000 {
            return Err(ServiceError::field(
                "invalid_field",
                "sort",
                "排序须为 0–100000",
            ));
        }
        Ok(())
    }
}

fn snapshot(d: &Department) -> serde_json::Value {
    json!({
        "parent_id": d.parent_id, "code": d.code, "name": d.name, "kind": d.kind,
        "sort": d.sort, "leader_account_id": d.leader_account_id,
    })
}

impl UseCases<'_> {
    /// Every department, unscoped: the public catalogue and the desks name departments
    /// (who handles a matter, which unit leads a task), so their names and codes are no
    /// secret. Reading one through the organisation's pages still needs `dept.read`.
    pub async fn department_directory(self) -> ServiceResult<Vec<Department>> {
        Ok(self.store().all_departments().await?)
    }

    /// The staff as the organisation's pickers list them (one row per post): whoever works at
    /// the workbench hands work on, copies and chooses approvers by name, so every staff
    /// member may read who works where; applicants may not.
    pub async fn staff_directory(
        self,
        actor: &Actor,
    ) -> ServiceResult<Vec<fgf_store::base::account::DirectoryEntry>> {
        if actor.is_applicant() {
            return Err(
                ServiceError::forbidden("permission_denied").arg(Permission::Workbench.label_zh())
            );
        }
        Ok(self.store().staff_directory().await?)
    }

    /// Role names by code, for pages that say to which roles an item is offered.
    pub async fn role_names(
        self,
        actor: &Actor,
    ) -> ServiceResult<std::collections::HashMap<String, String>> {
        if actor.is_applicant() {
            return Err(
                ServiceError::forbidden("permission_denied").arg(Permission::Workbench.label_zh())
            );
        }
        Ok(self
            .store()
            .list_roles()
            .await?
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect())
    }

    /// Display names by username, for pages that show who acted (history, copies).
    pub async fn staff_names(
        self,
        actor: &Actor,
    ) -> ServiceResult<std::collections::HashMap<String, String>> {
        Ok(self
            .staff_directory(actor)
            .await?
            .into_iter()
            .map(|e| (e.username, e.display_name))
            .collect())
    }

    pub async fn list_departments(
        &self,
        actor: &Actor,
        q: &DepartmentQuery,
        page: Page,
    ) -> ServiceResult<Paged<Department>> {
        let scope = actor.scope(Permission::DeptRead)?;
        Ok(self.store().list_departments(&scope, q, page).await?)
    }

    /// The departments in scope in tree order: each parent before its children, siblings by
    /// their sort order and code.
    pub async fn department_tree(self, actor: &Actor) -> ServiceResult<Vec<Department>> {
        let scope = actor.scope(Permission::DeptRead)?;
        Ok(tree_order(self.store().department_tree(&scope).await?))
    }

    pub async fn get_department(
        self,
        actor: &Actor,
        id: DepartmentId,
    ) -> ServiceResult<Department> {
        let scope = actor.scope(Permission::DeptRead)?;
        Ok(self.store().get_department(&scope, id).await?)
    }

    pub async fn create_department(
        &self,
        actor: &Actor,
        input: &DepartmentInput,
    ) -> ServiceResult<Department> {
        input.validate()?;
        let scope = actor.scope(Permission::DeptWrite)?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        // A department can only be created under a parent the caller may write to; only a
        // caller with 全部 scope may create a new root.
        match input.parent_id {
            Some(pid) => {
                tx.get_department(&scope, pid).await.map_err(|_| {
                    ServiceError::field(
                        "invalid_field",
                        "parent_id",
                        "上级部门不存在或不在您的数据权限范围内",
                    )
                })?;
            }
            None if scope.data_scope() != fgf_domain::DataScope::All => {
                return Err(ServiceError::field(
                    "invalid_field",
                    "parent_id",
                    "请选择上级部门",
                ));
            }
            None => {}
        }
        let d = tx
            .insert_department(&NewDepartment {
                parent_id: input.parent_id,
                code: input.code.trim().to_owned(),
                name: input.name.trim().to_owned(),
                kind: input.kind()?,
                sort: input.sort,
            })
            .await?;
        let changes = diff_json(&json!({}), &snapshot(&d), &[]);
        tx.audit(
            "department.create",
            "department",
            &d.id.to_string(),
            &changes,
        )
        .await?;
        tx.outbox("department.changed", &json!({ "department_id": d.id }))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    pub async fn update_department(
        &self,
        actor: &Actor,
        id: DepartmentId,
        input: &DepartmentInput,
    ) -> ServiceResult<Department> {
        input.validate()?;
        let scope = actor.scope(Permission::DeptWrite)?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let current = tx.get_department(&scope, id).await?;
        if let Some(pid) = input.parent_id {
            let parent = tx.get_department(&scope, pid).await.map_err(|_| {
                ServiceError::field(
                    "invalid_field",
                    "parent_id",
                    "上级部门不存在或不在您的数据权限范围内",
                )
            })?;
            if parent.path.starts_with(&current.path) {
                return Err(ServiceError::invalid("department_parent_invalid"));
            }
        } else if current.parent_id.is_some() && scope.data_scope() != fgf_domain::DataScope::All {
            return Err(ServiceError::field(
                "invalid_field",
                "parent_id",
                "请选择上级部门",
            ));
        }
        let updated = tx
            .update_department(
                &current,
                &DepartmentUpdate {
                    parent_id: input.parent_id,
                    code: input.code.trim().to_owned(),
                    name: input.name.trim().to_owned(),
                    kind: input.kind()?,
                    sort: input.sort,
                    leader_account_id: input.leader_account_id,
                },
            )
            .await?;
        let changes = diff_json(&snapshot(&current), &snapshot(&updated), &[]);
        tx.audit("department.update", "department", &id.to_string(), &changes)
            .await?;
        tx.outbox("department.changed", &json!({ "department_id": id }))
            .await?;
        tx.commit().await?;
        Ok(updated)
    }

    pub async fn delete_department(self, actor: &Actor, id: DepartmentId) -> ServiceResult<()> {
        let scope = actor.scope(Permission::DeptWrite)?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let current = tx.get_department(&scope, id).await?;
        tx.delete_department(&current).await?;
        let changes = diff_json(&snapshot(&current), &json!({}), &[]);
        tx.audit("department.delete", "department", &id.to_string(), &changes)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Orders departments depth-first. Nodes whose parent is not in the list (outside the
/// caller's scope) are roots of their own subtree.
pub fn tree_order(mut all: Vec<Department>) -> Vec<Department> {
    all.sort_by(|a, b| (a.sort, &a.code).cmp(&(b.sort, &b.code)));
    let ids: std::collections::BTreeSet<DepartmentId> = all.iter().map(|d| d.id).collect();
    let mut out = Vec::with_capacity(all.len());
    let roots: Vec<usize> = (0..all.len())
        .filter(|i| all[*i].parent_id.is_none_or(|p| !ids.contains(&p)))
        .collect();
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(i) = stack.pop() {
        out.push(all[i].clone());
        let id = all[i].id;
        let children: Vec<usize> = (0..all.len())
            .filter(|j| all[*j].parent_id == Some(id))
            .collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(id: i64, parent: Option<i64>, code: &str, sort: i64) -> Department {
        Department {
            id: DepartmentId::new(id),
            parent_id: parent.map(DepartmentId::new),
            code: code.to_owned(),
            name: code.to_owned(),
            kind: DepartmentKind::Bureau,
            path: String::new(),
            sort,
            leader_account_id: None,
            created_at_ms: 0,
            updated_at_ms: 0,
        }
    }

    #[test]
    fn tree_order_puts_parents_first_and_siblings_by_sort_then_code() {
        let v = vec![
            dept(10, Some(1), "B", 2),
            dept(1, None, "ROOT", 0),
            dept(2, Some(1), "A", 2),
            dept(3, Some(2), "A1", 0),
            dept(4, Some(1), "Z", 1),
        ];
        let order: Vec<String> = tree_order(v).into_iter().map(|d| d.code).collect();
        assert_eq!(order, vec!["ROOT", "Z", "A", "A1", "B"]);
    }
}

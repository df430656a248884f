//! Department administration (部门管理).

use crate::error::{ServiceError, ServiceResult};
use crate::{Actor, App};
use fgf_domain::audit::diff_json;
use fgf_domain::permission::Permission;
use fgf_store::org::{Department, DepartmentQuery, NewDepartment};
use fgf_store::{Page, Paged};
use serde_json::json;

/// Kinds of node in the tree, with their labels. 区 → 部门 → 科室; 街道/镇 → 社区/村.
pub const DEPARTMENT_KINDS: &[(&str, &str)] = &[
    ("district", "区"),
    ("bureau", "部门"),
    ("section", "科室"),
    ("street", "街道"),
    ("town", "镇"),
    ("community", "社区"),
    ("village", "村"),
];

pub fn department_kind_label(kind: &str) -> &str {
    DEPARTMENT_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, l)| l)
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct DepartmentInput {
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub sort: i64,
    #[serde(default)]
    pub leader_account_id: Option<i64>,
}

impl DepartmentInput {
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
        if !DEPARTMENT_KINDS.iter().any(|(k, _)| *k == self.kind) {
            return Err(ServiceError::field(
                "invalid_field",
                "kind",
                "类型须为 district、bureau、section、street、town、community、village 之一",
            ));
        }
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

impl App {
    pub async fn list_departments(
        &self,
        actor: &Actor,
        q: &DepartmentQuery,
        page: Page,
    ) -> ServiceResult<Paged<Department>> {
        let scope = actor.scope(Permission::DeptRead)?;
        Ok(self.store().list_departments(&scope, q, page).await?)
    }

    pub async fn department_tree(&self, actor: &Actor) -> ServiceResult<Vec<Department>> {
        let scope = actor.scope(Permission::DeptRead)?;
        Ok(self.store().department_tree(&scope).await?)
    }

    pub async fn get_department(&self, actor: &Actor, id: i64) -> ServiceResult<Department> {
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
                kind: input.kind.clone(),
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
        id: i64,
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
                input.code.trim(),
                input.name.trim(),
                &input.kind,
                input.sort,
                input.parent_id,
                input.leader_account_id,
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

    pub async fn delete_department(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
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

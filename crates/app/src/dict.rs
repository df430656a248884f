//! Dictionaries as a service: read by everyone signed in, edited by the system administrator,
//! each edit a new version, effective at once.

use crate::error::{ServiceError, ServiceResult};
use crate::{Actor, App};
use fgf_domain::audit::FieldChange;
use fgf_domain::permission::Permission;
use fgf_store::dict::{DictItem, Dictionary};
use serde_json::json;

impl App {
    pub async fn save_dictionary(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        items: &[DictItem],
    ) -> ServiceResult<Dictionary> {
        actor.scope(Permission::DictWrite)?;
        validate_dictionary(code, name, items)?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let before = tx.get_dictionary(code).await?;
        let version = tx.save_dictionary(code, name.trim(), items).await?;
        let changes: Vec<FieldChange> =
            item_changes(before.as_ref().map_or(&[][..], |d| &d.items[..]), items);
        tx.audit("dictionary.save", "dictionary", code, &changes)
            .await?;
        tx.outbox(
            "dictionary.changed",
            &json!({ "code": code, "version": version }),
        )
        .await?;
        tx.commit().await?;
        Ok(self.store().get_dictionary(code).await?)
    }
}

fn validate_dictionary(code: &str, name: &str, items: &[DictItem]) -> ServiceResult<()> {
    let code_ok = |c: &str| {
        !c.is_empty()
            && c.len() <= 64
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' || ch == '-')
    };
    if !code_ok(code) {
        return Err(
            ServiceError::invalid("dictionary_invalid").arg(format!("字典编码“{code}”无效"))
        );
    }
    if name.trim().is_empty() {
        return Err(ServiceError::invalid("dictionary_invalid").arg("字典名称不能为空"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for it in items {
        if !code_ok(&it.code) {
            return Err(ServiceError::invalid("dictionary_invalid")
                .arg(format!("项目编码“{}”无效", it.code)));
        }
        if it.label.trim().is_empty() {
            return Err(ServiceError::invalid("dictionary_invalid")
                .arg(format!("项目“{}”的名称不能为空", it.code)));
        }
        if !seen.insert(it.code.as_str()) {
            return Err(ServiceError::invalid("dictionary_invalid")
                .arg(format!("项目编码“{}”重复", it.code)));
        }
    }
    Ok(())
}

/// One change per item added, removed or edited.
fn item_changes(before: &[DictItem], after: &[DictItem]) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for b in before {
        match after.iter().find(|a| a.code == b.code) {
            None => out.push(FieldChange {
                field: b.code.clone(),
                before: Some(json!(b)),
                after: None,
            }),
            Some(a) if a != b => out.push(FieldChange {
                field: b.code.clone(),
                before: Some(json!(b)),
                after: Some(json!(a)),
            }),
            Some(_) => {}
        }
    }
    for a in after
        .iter()
        .filter(|a| !before.iter().any(|b| b.code == a.code))
    {
        out.push(FieldChange {
            field: a.code.clone(),
            before: None,
            after: Some(json!(a)),
        });
    }
    out
}

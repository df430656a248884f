//! Dictionaries as a service: read by everyone signed in, edited by the system administrator,
//! each edit a new version, effective at once. The `matter_kind` dictionary is also where a
//! district adds its own 事项类型 to table A.1 ([`MatterKinds`]).

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::i18n::{self, Lang};
use crate::Actor;
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::catalog::{local_code_ok, MatterKind};
use fgf_store::base::dict::{DictItem, Dictionary};
use fgf_store::StoreError;
use serde_json::json;

/// The dictionary of 事项类型: table A.1 and the district's own kinds.
pub const MATTER_KIND_DICT: &str = "matter_kind";

/// The district's 事项类型: the kinds of table A.1, which are built in whatever the dictionary
/// says, and the local kinds its `matter_kind` dictionary adds (codes 11–19 and 21–99,
/// RULES.md §2.2). A disabled local kind keeps its label for the matters that have it but is
/// no longer offered or accepted.
#[derive(Debug, Clone, Default)]
pub struct MatterKinds {
    local: Vec<DictItem>,
}

impl MatterKinds {
    /// The kinds of a `matter_kind` dictionary's items (A.1 items add nothing: the table is
    /// built in).
    pub fn from_items(items: &[DictItem]) -> MatterKinds {
        MatterKinds {
            local: items
                .iter()
                .filter(|i| local_code_ok(&i.code))
                .cloned()
                .collect(),
        }
    }

    fn item(&self, kind: &MatterKind) -> Option<&DictItem> {
        match kind {
            MatterKind::Local(code) => self.local.iter().find(|i| &i.code == code),
            _ => None,
        }
    }

    /// What a keeper may choose, in order: table A.1, then the district's enabled kinds.
    pub fn choices(&self) -> Vec<MatterKind> {
        let mut out = MatterKind::A1.to_vec();
        out.extend(
            self.local
                .iter()
                .filter(|i| i.enabled)
                .map(|i| MatterKind::Local(i.code.clone())),
        );
        out
    }

    /// Whether a matter may be saved with this kind.
    pub fn accepts(&self, kind: &MatterKind) -> bool {
        kind.is_a1() || self.item(kind).is_some_and(|i| i.enabled)
    }

    /// The kind's name for a page: A.1 from the message catalogue, a local kind from the
    /// dictionary; a kind the dictionary no longer has shows its code.
    pub fn label(&self, kind: &MatterKind, lang: Lang) -> String {
        if kind.is_a1() {
            return i18n::t(lang, &format!("matter_kind.{}", kind.code())).to_owned();
        }
        match self.item(kind) {
            Some(i) if lang == Lang::En && !i.label_en.trim().is_empty() => i.label_en.clone(),
            Some(i) => i.label.clone(),
            None => kind.code().to_owned(),
        }
    }

    /// The label of a kind stored as its code (a matter row's `kind`).
    pub fn label_of_code(&self, code: &str, lang: Lang) -> String {
        MatterKind::from_code(code).map_or_else(|| code.to_owned(), |k| self.label(&k, lang))
    }

    /// The Chinese label an export writes, which [`MatterKinds::parse`] reads back.
    pub fn label_zh(&self, kind: &MatterKind) -> String {
        match kind.a1_label_zh() {
            Some(l) => l.to_owned(),
            None => self.label(kind, Lang::Zh),
        }
    }

    /// Reads a kind from a file cell: an A.1 label or code, or the code or Chinese label of an
    /// enabled local kind. Anything else is not a kind of this district.
    pub fn parse(&self, s: &str) -> Option<MatterKind> {
        let s = s.trim();
        MatterKind::parse_a1(s).or_else(|| {
            self.local
                .iter()
                .find(|i| i.enabled && (i.code == s || i.label.trim() == s))
                .map(|i| MatterKind::Local(i.code.clone()))
        })
    }
}

impl UseCases<'_> {
    /// The district's 事项类型 as its dictionary stands now.
    pub async fn matter_kinds(self) -> ServiceResult<MatterKinds> {
        match self.store().get_dictionary(MATTER_KIND_DICT).await {
            Ok(d) => Ok(MatterKinds::from_items(&d.items)),
            Err(StoreError::NotFound { .. }) => Ok(MatterKinds::default()),
            Err(e) => Err(e.into()),
        }
    }
}

impl UseCases<'_> {
    /// Every dictionary as it stands; any signed-in caller may read them.
    pub async fn dictionaries(self, _actor: &Actor) -> ServiceResult<Vec<Dictionary>> {
        Ok(self.store().list_dictionaries().await?)
    }

    /// One dictionary; any signed-in caller may read it.
    pub async fn dictionary(self, _actor: &Actor, code: &str) -> ServiceResult<Dictionary> {
        Ok(self.store().get_dictionary(code).await?)
    }

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
    if code == MATTER_KIND_DICT {
        validate_matter_kinds(items)?;
    }
    Ok(())
}

/// A local kind takes a code table A.1 leaves open, and a label that names it alone: an import
/// reads a kind by its label, so two kinds (or a local kind and an A.1 one) must not share one.
fn validate_matter_kinds(items: &[DictItem]) -> ServiceResult<()> {
    let mut labels = std::collections::BTreeSet::new();
    for it in items {
        if MatterKind::from_code(&it.code).is_some_and(|k| k.is_a1()) {
            continue;
        }
        if !local_code_ok(&it.code) {
            return Err(ServiceError::invalid("matter_kind_code_invalid").arg(&it.code));
        }
        let label = it.label.trim();
        if MatterKind::parse_a1(label).is_some() || !labels.insert(label) {
            return Err(ServiceError::invalid("matter_kind_label_taken").arg(label));
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

#[cfg(test)]
mod tests {
    use super::*;
    use fgf_domain::catalog::{CaseType, SpecialProcedure};

    fn item(code: &str, label: &str, enabled: bool) -> DictItem {
        DictItem {
            code: code.to_owned(),
            label: label.to_owned(),
            label_en: String::new(),
            sort: 0,
            enabled,
        }
    }

    #[test]
    fn the_message_catalogue_names_each_code_as_its_table_does() {
        for k in MatterKind::A1 {
            let key = format!("matter_kind.{}", k.code());
            assert_eq!(i18n::lookup(Lang::Zh, &key), k.a1_label_zh(), "{key}");
            assert!(i18n::lookup(Lang::En, &key).is_some(), "{key}");
        }
        for c in CaseType::ALL {
            let key = format!("case_type.{}", c.code());
            assert_eq!(i18n::lookup(Lang::Zh, &key), Some(c.label_zh()), "{key}");
        }
        for p in SpecialProcedure::ALL {
            let key = format!("special_procedure.{}", p.code());
            assert_eq!(i18n::lookup(Lang::Zh, &key), Some(p.label_zh()), "{key}");
        }
    }

    #[test]
    fn gbt_39046_table_a1_local_kinds_come_from_the_dictionary() {
        let kinds = MatterKinds::from_items(&[
            item("01", "行政许可", true),
            item("30", "政府内部审批", true),
            item("31", "依申请便民服务", false),
            // Not a code the table leaves open: not a kind, whatever the dictionary says.
            item("A1", "某类", true),
        ]);
        let thirty = MatterKind::Local("30".to_owned());
        let thirty_one = MatterKind::Local("31".to_owned());
        assert_eq!(kinds.parse("政府内部审批"), Some(thirty.clone()));
        assert_eq!(kinds.parse("30"), Some(thirty.clone()));
        assert_eq!(kinds.parse("行政许可"), Some(MatterKind::Licensing));
        assert_eq!(kinds.parse("依申请便民服务"), None, "disabled");
        assert_eq!(kinds.parse("某类"), None);
        assert_eq!(kinds.parse("行政备案"), None);
        assert!(kinds.accepts(&thirty));
        assert!(!kinds.accepts(&thirty_one));
        assert!(!kinds.accepts(&MatterKind::Local("55".to_owned())));
        assert!(kinds.accepts(&MatterKind::Award), "A.1 is built in");
        let choices = kinds.choices();
        assert_eq!(choices.len(), 12);
        assert_eq!(choices.last(), Some(&thirty));
        // A disabled kind keeps its name; one the dictionary dropped shows its code.
        assert_eq!(kinds.label(&thirty_one, Lang::Zh), "依申请便民服务");
        assert_eq!(
            kinds.label(&MatterKind::Local("55".to_owned()), Lang::En),
            "55"
        );
        assert_eq!(
            kinds.label(&MatterKind::Licensing, Lang::En),
            "administrative licensing"
        );
        assert_eq!(kinds.label_zh(&thirty), "政府内部审批");
        assert_eq!(kinds.label_of_code("20", Lang::Zh), "公共服务");
    }
}

//! The pure half of the tamper-evident audit log (安全审计).
//!
//! GB/T 22239 level 3 requires audit records to be protected against unexpected deletion,
//! modification or overwriting (8.1.4.3), and GB/T 39786 asks for SM3-based integrity
//! (RULES.md §7.2, §7.3). Each record's hash covers the previous record's hash, so changing or
//! deleting any record breaks every hash after it. The store computes the canonical bytes of a
//! record and persists the chain; the hashing and the field-level diff live here so that both the
//! writer and the verifier use exactly the same rules.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sm3::{Digest, Sm3};

/// The hash before the first record.
pub const GENESIS: [u8; 32] = [0; 32];

/// SM3(prev_hash || canonical): the hash of a record, chained to the one before.
pub fn chain_hash(prev_hash: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
    let mut hasher = Sm3::new();
    hasher.update(prev_hash);
    hasher.update(canonical);
    hasher.finalize().into()
}

/// The index of the first record whose stored hash does not follow from its predecessor, or
/// `None` when the whole chain, starting from [`GENESIS`], is intact.
pub fn first_broken_link<'a>(
    records: impl IntoIterator<Item = (&'a [u8], &'a [u8; 32])>,
) -> Option<usize> {
    let mut prev = GENESIS;
    for (idx, (canonical, stored)) in records.into_iter().enumerate() {
        let expected = chain_hash(&prev, canonical);
        if &expected != stored {
            return Some(idx);
        }
        prev = expected;
    }
    None
}

/// SM3 as lowercase hex, for display and for text columns.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

/// One changed field of a record; `None` means the field was absent on that side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The field name used when a whole value changed that is not a JSON object.
pub const ROOT_FIELD: &str = "$";

/// The changed top-level fields between two versions of a record, sorted by field name.
///
/// Fields listed in `masked` (identity numbers, phone numbers…) are still compared, but their
/// values are recorded as "***": the audit log shows that they changed without becoming a second
/// copy of the personal data. Nested objects count as one value, since a record's fields are the
/// unit that a clerk edits. If either side is not an object, the whole value is compared under
/// the field name "$".
pub fn diff_json(before: &Value, after: &Value, masked: &[&str]) -> Vec<FieldChange> {
    let hide = |field: &str, value: Option<&Value>| -> Option<Value> {
        let value = value?;
        if masked.contains(&field) {
            return Some(Value::String("***".to_owned()));
        }
        Some(value.clone())
    };
    let (Value::Object(old), Value::Object(new)) = (before, after) else {
        if before == after {
            return Vec::new();
        }
        return vec![FieldChange {
            field: ROOT_FIELD.to_owned(),
            before: hide(ROOT_FIELD, Some(before)),
            after: hide(ROOT_FIELD, Some(after)),
        }];
    };
    let fields: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    fields
        .into_iter()
        .filter_map(|field| {
            let (was, now) = (old.get(field), new.get(field));
            if was == now {
                return None;
            }
            Some(FieldChange {
                field: field.clone(),
                before: hide(field, was),
                after: hide(field, now),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sm3_matches_the_gbt32905_example() {
        // GB/T 32905-2016 appendix A, example 1: SM3("abc").
        assert_eq!(
            sm3_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn gbt22239_audit_chain_detects_changes_and_deletions() {
        let records: Vec<&[u8]> = vec![b"login alice", b"approve case 1", b"logout alice"];
        let mut hashes = Vec::new();
        let mut prev = GENESIS;
        for record in &records {
            prev = chain_hash(&prev, record);
            hashes.push(prev);
        }
        let mut hasher = Sm3::new();
        hasher.update(GENESIS);
        hasher.update(b"login alice");
        assert_eq!(hashes[0], <[u8; 32]>::from(hasher.finalize()));

        let intact: Vec<_> = records.iter().copied().zip(&hashes).collect();
        assert_eq!(first_broken_link(intact), None);

        let changed: Vec<&[u8]> = vec![b"login alice", b"reject case 1", b"logout alice"];
        assert_eq!(first_broken_link(changed.into_iter().zip(&hashes)), Some(1));

        let deleted = [(records[0], &hashes[0]), (records[2], &hashes[2])];
        assert_eq!(first_broken_link(deleted), Some(1));
    }

    #[test]
    fn diff_lists_changed_fields_sorted_and_masks_personal_data() {
        let before = json!({"name": "张三", "phone": "13812341234", "status": "draft", "gone": 1});
        let after =
            json!({"name": "张三", "phone": "13900001111", "status": "submitted", "added": null});
        let changes = diff_json(&before, &after, &["phone"]);
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "added".to_owned(),
                    before: None,
                    after: Some(Value::Null)
                },
                FieldChange {
                    field: "gone".to_owned(),
                    before: Some(json!(1)),
                    after: None
                },
                FieldChange {
                    field: "phone".to_owned(),
                    before: Some(json!("***")),
                    after: Some(json!("***"))
                },
                FieldChange {
                    field: "status".to_owned(),
                    before: Some(json!("draft")),
                    after: Some(json!("submitted"))
                },
            ]
        );
        assert!(diff_json(&before, &before, &[]).is_empty());
    }

    #[test]
    fn diff_of_non_objects_compares_the_whole_value() {
        let changes = diff_json(&json!([1]), &json!([2]), &[]);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "$");
        assert!(diff_json(&json!("x"), &json!("x"), &[]).is_empty());
    }
}

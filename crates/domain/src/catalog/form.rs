//! A matter's application form (申请表): typed fields the keeper defines in the catalogue,
//! versioned with the matter, and the check of a filled form against them. The process's
//! field permissions name the same fields.
//!
//! The check is the server's: the page renders the same definition as plain HTML inputs, so a
//! browser without JavaScript gets the same answers, every problem of a form at once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::code::code_enum;

code_enum! {
    /// What a field holds.
    pub enum FieldKind {
        Text = "text",
        /// A number, integer or decimal.
        Number = "number",
        /// `YYYY-MM-DD`.
        Date = "date",
        /// One of `options`.
        Choice = "choice",
        /// An address: free text of at least a few characters.
        Address = "address",
        /// 居民身份证号码, checked by its check digit (GB 11643).
        ResidentId = "resident_id",
        /// 统一社会信用代码, checked by its check digit (GB 32100).
        Uscc = "uscc",
        /// Rows of `columns` (e.g. the list of shareholders).
        Table = "table",
    }
}

/// A field is asked only when another field has a given value (条件必填).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldCondition {
    pub field: String,
    pub equals: String,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// The field's name in the filled form and in the process's field permissions.
    pub name: String,
    /// What the applicant reads.
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// The choices of a `choice` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The columns of a `table` field (no nested tables).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<FormField>,
    /// Asked (and required, when `required`) only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<FieldCondition>,
    /// 填写说明.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
}

/// What is wrong with one field of a filled form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field's name; a table cell is `field[row].column` (rows from 1).
    pub field: String,
    /// `required`, `not_a_number`, `not_a_date`, `not_an_option`, `too_short`,
    /// `resident_id_invalid`, `uscc_invalid`, `not_a_table`, `unknown_field`.
    pub code: &'static str,
    pub message_zh: String,
}

/// What is wrong with a form definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefinitionProblem {
    pub field: String,
    pub message_zh: String,
}

/// Checks a form definition: names unique and plain, choices with options, tables with
/// columns (and no nested tables), conditions naming an earlier field.
pub fn check_definition(fields: &[FormField]) -> Vec<DefinitionProblem> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for f in fields {
        let bad = |m: &str| DefinitionProblem {
            field: f.name.clone(),
            message_zh: m.to_owned(),
        };
        if f.name.trim().is_empty() || f.name.contains(['.', '[', ']']) {
            out.push(bad("字段名不能为空，也不能含有 . [ ]"));
        }
        if seen.contains(&f.name.as_str()) {
            out.push(bad("字段名重复"));
        }
        if f.label.trim().is_empty() {
            out.push(bad("请填写字段标签"));
        }
        match f.kind {
            FieldKind::Choice if f.options.is_empty() => out.push(bad("选择项须列出可选值")),
            FieldKind::Table if f.columns.is_empty() => out.push(bad("表格须列出各列")),
            FieldKind::Table if f.columns.iter().any(|c| c.kind == FieldKind::Table) => {
                out.push(bad("表格的列不能再是表格"))
            }
            _ => {}
        }
        if let Some(c) = &f.when {
            if !seen.contains(&c.field.as_str()) {
                out.push(bad("条件须引用排在它前面的字段"));
            }
        }
        seen.push(&f.name);
    }
    out
}

/// Whether the field is asked, given the values filled so far.
fn asked(f: &FormField, values: &Map<String, Value>) -> bool {
    match &f.when {
        None => true,
        Some(c) => values
            .get(&c.field)
            .map(text_of)
            .is_some_and(|v| v == c.equals),
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Checks one value of a scalar field; answers the value as stored (trimmed, normalised).
fn check_value(f: &FormField, name: &str, v: &Value) -> Result<Option<Value>, FieldProblem> {
    let text = text_of(v);
    let problem = |code: &'static str, m: String| FieldProblem {
        field: name.to_owned(),
        code,
        message_zh: m,
    };
    if text.is_empty() {
        return if f.required {
            Err(problem("required", format!("请填写{}", f.label)))
        } else {
            Ok(None)
        };
    }
    let stored = match f.kind {
        FieldKind::Text => Value::String(text),
        FieldKind::Address => {
            if text.chars().count() < 5 {
                return Err(problem("too_short", format!("{}须写明到门牌号", f.label)));
            }
            Value::String(text)
        }
        FieldKind::Number => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => serde_json::Number::from_f64(n)
                .map(|n| match text.parse::<i64>() {
                    Ok(i) => Value::from(i),
                    Err(_) => Value::Number(n),
                })
                .unwrap_or(Value::String(text)),
            _ => return Err(problem("not_a_number", format!("{}须为数字", f.label))),
        },
        FieldKind::Date => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) => Value::String(d.to_string()),
            Err(_) => {
                return Err(problem(
                    "not_a_date",
                    format!("{}须为日期（年-月-日）", f.label),
                ))
            }
        },
        FieldKind::Choice => {
            if !f.options.contains(&text) {
                return Err(problem(
                    "not_an_option",
                    format!("{}须为：{}", f.label, f.options.join("、")),
                ));
            }
            Value::String(text)
        }
        FieldKind::ResidentId => match crate::ResidentId::parse(&text.to_uppercase()) {
            Ok(id) => Value::String(id.as_str().to_owned()),
            Err(_) => {
                return Err(problem(
                    "resident_id_invalid",
                    format!("{}不是有效的居民身份证号码（校验位不符）", f.label),
                ))
            }
        },
        FieldKind::Uscc => match crate::Uscc::parse(&text.to_uppercase()) {
            Ok(code) => Value::String(code.as_str().to_owned()),
            Err(_) => {
                return Err(problem(
                    "uscc_invalid",
                    format!("{}不是有效的统一社会信用代码（校验位不符）", f.label),
                ))
            }
        },
        FieldKind::Table => unreachable_table(),
    };
    Ok(Some(stored))
}

fn unreachable_table() -> Value {
    // Tables are checked row by row in `check_form`; a table column that is a table is
    // refused by `check_definition`, so this stands for nothing.
    Value::Null
}

/// Checks a filled form against its definition: answers the values to store (only the
/// fields asked, normalised) or every problem at once. A form without a definition takes
/// any object (matters whose keeper has not defined one yet).
pub fn check_form(
    fields: &[FormField],
    values: &Map<String, Value>,
) -> Result<Map<String, Value>, Vec<FieldProblem>> {
    if fields.is_empty() {
        return Ok(values.clone());
    }
    let mut out = Map::new();
    let mut problems = Vec::new();
    for name in values.keys() {
        if !fields.iter().any(|f| &f.name == name) {
            problems.push(FieldProblem {
                field: name.clone(),
                code: "unknown_field",
                message_zh: format!("申请表没有“{name}”这一项"),
            });
        }
    }
    for f in fields {
        if !asked(f, &out) {
            continue;
        }
        let v = values.get(&f.name).cloned().unwrap_or(Value::Null);
        if f.kind == FieldKind::Table {
            let rows = match v {
                Value::Array(rows) => rows,
                Value::Null => Vec::new(),
                _ => {
                    problems.push(FieldProblem {
                        field: f.name.clone(),
                        code: "not_a_table",
                        message_zh: format!("{}须为逐行填写的表格", f.label),
                    });
                    continue;
                }
            };
            // Rows left wholly blank (a page offers spare ones) are not rows.
            let rows: Vec<Map<String, Value>> = rows
                .into_iter()
                .filter_map(|r| r.as_object().cloned())
                .filter(|r| r.values().any(|c| !text_of(c).is_empty()))
                .collect();
            if rows.is_empty() && f.required {
                problems.push(FieldProblem {
                    field: f.name.clone(),
                    code: "required",
                    message_zh: format!("请至少填写一行{}", f.label),
                });
                continue;
            }
            let mut stored = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                let mut cells = Map::new();
                for c in &f.columns {
                    let name = format!("{}[{}].{}", f.name, i + 1, c.name);
                    match check_value(c, &name, row.get(&c.name).unwrap_or(&Value::Null)) {
                        Ok(Some(v)) => {
                            cells.insert(c.name.clone(), v);
                        }
                        Ok(None) => {}
                        Err(p) => problems.push(p),
                    }
                }
                stored.push(Value::Object(cells));
            }
            if !stored.is_empty() {
                out.insert(f.name.clone(), Value::Array(stored));
            }
            continue;
        }
        match check_value(f, &f.name, &v) {
            Ok(Some(v)) => {
                out.insert(f.name.clone(), v);
            }
            Ok(None) => {}
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::check_round_trip;
    use serde_json::json;

    fn form() -> Vec<FormField> {
        serde_json::from_value(json!([
            {"name": "name", "label": "经营者名称", "kind": "text", "required": true},
            {"name": "uscc", "label": "统一社会信用代码", "kind": "uscc", "required": true},
            {"name": "address", "label": "经营场所", "kind": "address", "required": true},
            {"name": "area", "label": "经营面积（平方米）", "kind": "number", "required": true},
            {"name": "opening", "label": "拟开业日期", "kind": "date"},
            {"name": "type", "label": "主体业态", "kind": "choice", "required": true, "options": ["餐饮服务经营者", "食品销售经营者", "单位食堂"]},
            {"name": "canteen_of", "label": "食堂所属单位", "kind": "text", "required": true, "when": {"field": "type", "equals": "单位食堂"}},
            {"name": "staff", "label": "食品安全管理人员", "kind": "table", "required": true, "columns": [
                {"name": "name", "label": "姓名", "kind": "text", "required": true},
                {"name": "id", "label": "身份证号", "kind": "resident_id", "required": true}
            ]}
        ]))
        .unwrap()
    }

    #[test]
    fn codes_round_trip() {
        check_round_trip(FieldKind::ALL, FieldKind::as_str);
    }

    #[test]
    fn a_good_form_is_stored_normalised() {
        let v = json!({
            "name": " 示范餐饮有限公司 ", "uscc": "91110108ma1h8r7c4f", "address": "示范区人民路1号",
            "area": "120.5", "type": "餐饮服务经营者",
            "staff": [{"name": "张三", "id": "11010519491231002x"}, {"name": "", "id": ""}]
        });
        let out = check_form(&form(), v.as_object().unwrap()).unwrap();
        assert_eq!(out["name"], "示范餐饮有限公司");
        assert_eq!(out["uscc"], "91110108MA1H8R7C4F");
        assert_eq!(out["area"], 120.5);
        assert_eq!(
            out["staff"].as_array().unwrap().len(),
            1,
            "the blank row is dropped"
        );
        assert_eq!(out["staff"][0]["id"], "11010519491231002X");
        assert!(
            !out.contains_key("canteen_of"),
            "not asked for a restaurant"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_field() {
        let v = json!({
            "uscc": "91110108MA1H8R7C4E", "address": "人民路", "area": "一百",
            "opening": "2026/13/01", "type": "单位食堂",
            "staff": [{"name": "张三", "id": "110105194912310021"}], "extra": "x"
        });
        let problems = check_form(&form(), v.as_object().unwrap()).unwrap_err();
        let got: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.code))
            .collect();
        assert_eq!(
            got,
            [
                ("extra", "unknown_field"),
                ("name", "required"),
                ("uscc", "uscc_invalid"),
                ("address", "too_short"),
                ("area", "not_a_number"),
                ("opening", "not_a_date"),
                ("canteen_of", "required"),
                ("staff[1].id", "resident_id_invalid"),
            ]
        );
        assert!(problems.iter().all(|p| !p.message_zh.is_empty()));
    }

    #[test]
    fn a_form_without_a_definition_takes_any_object() {
        let v = json!({"anything": 1});
        assert_eq!(
            check_form(&[], v.as_object().unwrap()).unwrap(),
            *v.as_object().unwrap()
        );
    }

    #[test]
    fn definitions_are_checked() {
        let bad: Vec<FormField> = serde_json::from_value(json!([
            {"name": "a", "label": "甲", "kind": "choice"},
            {"name": "a", "label": "", "kind": "text"},
            {"name": "t", "label": "表", "kind": "table", "columns": []},
            {"name": "c", "label": "丙", "kind": "text", "when": {"field": "z", "equals": "1"}}
        ]))
        .unwrap();
        let problems = check_definition(&bad);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["a", "a", "a", "t", "c"]);
        assert!(check_definition(&form()).is_empty());
    }
}

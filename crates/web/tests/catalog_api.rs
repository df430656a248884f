//! The catalogue (放) through the API: versions and review, the consistency rules of RULES.md
//! §2.3 on save and import, the import's all-or-nothing report, export and re-import, the
//! delegation handover, reports and the search that finds what people mean.

mod common;

use axum::http::{Method, StatusCode};
use common::{District, Resp};
use serde_json::{json, Value};

/// A matter of the keeper's department (区市场监管局): 企业设立登记.
const OWN: &str = "XK-D04-0001-01";

async fn guide(d: &District, code: &str) -> Value {
    let r = d
        .api(Method::GET, &format!("/api/v1/matters/{code}"), None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

fn draft_of(view: &Value) -> Value {
    json!({
        "code": view["matter"]["code"],
        "parent_code": view["parent_code"],
        "department_code": view["department_code"],
        "doc": view["doc"],
        "note": "",
    })
}

async fn versions(d: &District, token: &str, code: &str) -> Vec<Value> {
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/matters/{code}/versions"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_keeper_drafts_another_person_publishes_and_the_guide_changes() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let reviewer = d.token("reviewer").await;
    let before = guide(&d, OWN).await;
    let old_hours = before["doc"]["hours"].as_str().unwrap().to_owned();
    let mut draft = draft_of(&before);
    draft["doc"]["hours"] = json!("工作日 8:30-17:30，周六上午延时服务");
    draft["note"] = json!("增加周六延时服务");
    let r = d
        .api(
            Method::POST,
            "/api/v1/matters",
            Some(&keeper),
            Some(draft.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["version"], 2);
    // Drafting again rewrites the same draft instead of piling up versions.
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
        .await;
    assert_eq!(r.json()["version"], 2);
    // A draft is not public.
    assert_eq!(guide(&d, OWN).await["doc"]["hours"], old_hours.as_str());
    let submit = format!("/api/v1/matters/{OWN}/versions/2/submit");
    let review = format!("/api/v1/matters/{OWN}/versions/2/review");
    // Review needs the version in review first.
    let r = d
        .api(
            Method::POST,
            &review,
            Some(&reviewer),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let r = d.api(Method::POST, &submit, Some(&keeper), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // The drafter cannot approve their own draft.
    let r = d
        .api(
            Method::POST,
            &review,
            Some(&keeper),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "review_own_draft");
    // Rejecting needs a reason.
    let r = d
        .api(
            Method::POST,
            &review,
            Some(&reviewer),
            Some(json!({"approve": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let r = d
        .api(
            Method::POST,
            &review,
            Some(&reviewer),
            Some(json!({"approve": true, "comment": "同意"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let after = guide(&d, OWN).await;
    assert_eq!(after["doc"]["hours"], "工作日 8:30-17:30，周六上午延时服务");
    assert_eq!(after["version"]["version"], 2);
    let vs = versions(&d, &keeper, OWN).await;
    let statuses: Vec<&str> = vs.iter().map(|v| v["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["superseded", "published"]);
    // The field-by-field diff names the one change.
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/matters/{OWN}/diff?from=1&to=2"),
            Some(&keeper),
            None,
        )
        .await;
    let diff = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert_eq!(diff[0]["field"], "hours");
    assert_eq!(diff[0]["before"], old_hours.as_str());
    // Each step is in the audit trail.
    let actions: Vec<String> = d
        .app
        .store()
        .list_audit(
            &fgf_store::Scope::system("test"),
            &fgf_store::base::audit::AuditQuery {
                object_type: Some("matter".to_owned()),
                ..Default::default()
            },
            fgf_store::Page::new(Some(1), Some(200)),
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.action.clone())
        .collect();
    for a in [
        "catalog.draft",
        "catalog.draft_update",
        "catalog.submit",
        "catalog.publish",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    // A version published for a later date waits for its day.
    let mut later = draft_of(&after);
    later["doc"]["hours"] = json!("工作日 8:00-18:00");
    d.api(Method::POST, "/api/v1/matters", Some(&keeper), Some(later))
        .await;
    d.api(
        Method::POST,
        &format!("/api/v1/matters/{OWN}/versions/3/submit"),
        Some(&keeper),
        None,
    )
    .await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/matters/{OWN}/versions/3/review"),
            Some(&reviewer),
            Some(json!({"approve": true, "effective_date": "2099-01-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(guide(&d, OWN).await["version"]["version"], 2);
    assert_eq!(
        d.app.catalog().activate_due_matters().await.unwrap(),
        0,
        "not yet due"
    );
    // On its day the daily job puts it in force, once.
    d.clock.set_ms(4_070_908_800_000); // 2099-01-01T00:00:00Z
    assert_eq!(d.app.catalog().activate_due_matters().await.unwrap(), 1);
    assert_eq!(d.app.catalog().activate_due_matters().await.unwrap(), 0);
    let v3 = guide(&d, OWN).await;
    assert_eq!(v3["version"]["version"], 3);
    assert_eq!(v3["doc"]["hours"], "工作日 8:00-18:00");
    d.cleanup().await;
}

#[tokio::test]
async fn a_save_that_breaks_the_consistency_rules_names_each_field_and_writes_nothing() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let mut draft = draft_of(&guide(&d, OWN).await);
    draft["doc"]["case_type"] = json!("promised");
    draft["doc"]["statutory_days"] = json!(5);
    draft["doc"]["promised_days"] = json!(8);
    draft["doc"]["fully_online"] = json!(true);
    draft["doc"]["online_depth"] = json!("fully_online");
    draft["doc"]["trips"] = json!(1);
    draft["doc"]["trips_reason"] = json!("");
    draft["doc"]["complaint_phone"] = draft["doc"]["consult_phone"].clone();
    draft["doc"]["fee"] = json!({"standard": "每件10元", "basis": ""});
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let body = r.json();
    assert_eq!(body["error"]["code"], "matter_invalid");
    let codes: Vec<&str> = body["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    for c in [
        "promised_exceeds_statutory",
        "fully_online_needs_zero_trips",
        "trips_reason_missing",
        "complaint_phone_same_as_consult",
        "fee_basis_missing",
    ] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("承诺办结时限"));
    assert_eq!(versions(&d, &keeper, OWN).await.len(), 1, "nothing written");
    // Another department's matter is outside the keeper's scope.
    let other = draft_of(&guide(&d, "XK-D03-0001-01-01").await);
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(other))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    d.cleanup().await;
}

fn multipart(parts: &[(&str, &str, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "fgfboundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn export_csv(d: &District, token: &str, sheet: &str) -> String {
    let r = d
        .api(
            Method::GET,
            &format!("/api/v1/catalog/export?format=csv&sheet={sheet}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.text().trim_start_matches('\u{feff}').to_owned()
}

/// Rewrites one cell of a CSV (row `row` counting the header as 0) by column name.
fn set_cell(csv_text: &str, row: usize, column: &str, value: &str) -> String {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    let mut rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let col = rows[0].iter().position(|h| h == column).unwrap();
    rows[row][col] = value.to_owned();
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[tokio::test]
async fn an_import_with_any_bad_row_is_refused_whole_with_every_reason() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let matters = export_csv(&d, &keeper, "matters").await;
    let materials = export_csv(&d, &keeper, "materials").await;
    // One error kind per row (rows 1… of the export, each a real matter).
    let cases: &[(&str, &str, &str)] = &[
        ("实施部门编码", "D99", "department_unknown"),
        ("法定办结时限", "二十", "not_a_number"),
        ("承诺办结时限", "999", "promised_exceeds_statutory"),
        ("事项编码", "", "cell_required"),
        ("上级事项编码", "NO-SUCH-PARENT", "parent_unknown"),
        ("事项类型", "行政备案", "kind_unknown"),
        ("流程定义", "no_such_process", "process_unknown"),
        (
            "监督投诉电话",
            "0571-86019100",
            "complaint_phone_same_as_consult",
        ),
        ("改革处置", "下放", "delegate_to_missing"),
        ("是否全程网办", "也许", "unknown_value"),
    ];
    let mut bad = matters.clone();
    for (i, (col, value, _)) in cases.iter().enumerate() {
        bad = set_cell(&bad, i + 1, col, value);
    }
    // A duplicate code: row 12 takes row 11's code.
    let first_code = {
        let mut rdr = csv::Reader::from_reader(matters.as_bytes());
        rdr.records().nth(10).unwrap().unwrap()[0].to_owned()
    };
    bad = set_cell(&bad, 12, "事项编码", &first_code);
    // The complaint phone case must equal that row's consultation phone.
    let consult_12 = {
        let mut rdr = csv::Reader::from_reader(bad.as_bytes());
        rdr.records().nth(7).unwrap().unwrap()[24].to_owned()
    };
    bad = set_cell(&bad, 8, "监督投诉电话", &consult_12);
    let bad_materials = set_cell(&materials, 1, "事项编码", "NOT-IN-FILE");
    let (ct, body) = multipart(&[
        ("matters", "m.csv", bad.into_bytes()),
        ("materials", "t.csv", bad_materials.into_bytes()),
    ]);
    let audit_before = d.app.store().verify_audit().await.unwrap();
    let r = d
        .raw(
            Method::POST,
            "/api/v1/catalog/import",
            Some(&keeper),
            &ct,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["error"]["details"]["errors"]
        .as_array()
        .unwrap()
        .clone();
    let has = |sheet: &str, row: u64, column: &str, code: &str| {
        errors.iter().any(|e| {
            e["sheet"] == sheet && e["row"] == row && e["column"] == column && e["code"] == code
        })
    };
    for (i, (col, _, code)) in cases.iter().enumerate() {
        // A delegation without its receiver is reported on the receiver's column.
        let col = if *code == "delegate_to_missing" {
            "下放至"
        } else {
            col
        };
        assert!(
            has("事项", i as u64 + 2, col, code),
            "row {} {col} {code}: {errors:?}",
            i + 2
        );
    }
    assert!(has("事项", 13, "事项编码", "code_duplicate"), "{errors:?}");
    assert!(
        has("材料", 2, "事项编码", "material_matter_unknown"),
        "{errors:?}"
    );
    assert!(errors
        .iter()
        .all(|e| !e["reason"].as_str().unwrap().is_empty()));
    // Nothing was written: no new version, no audit entry.
    assert_eq!(versions(&d, &keeper, OWN).await.len(), 1);
    assert_eq!(d.app.store().verify_audit().await.unwrap(), audit_before);
    // A file without the template's headers names the missing columns.
    let (ct, body) = multipart(&[("matters", "m.csv", "编码,名称\nA,B\n".as_bytes().to_vec())]);
    let r = d
        .raw(
            Method::POST,
            "/api/v1/catalog/import",
            Some(&keeper),
            &ct,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["details"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["code"] == "column_missing" && e["column"] == "事项名称"));
    d.cleanup().await;
}

#[tokio::test]
async fn the_exported_workbook_imports_back_unchanged_and_a_changed_row_goes_to_review() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let r = d
        .api(
            Method::GET,
            "/api/v1/catalog/export?format=xlsx",
            Some(&keeper),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let xlsx = r.body.clone();
    let (ct, body) = multipart(&[("workbook", "catalog.xlsx", xlsx)]);
    let r = d
        .raw(
            Method::POST,
            "/api/v1/catalog/import",
            Some(&keeper),
            &ct,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = &r.json()["summary"];
    assert_eq!(s["matters"], s["unchanged"], "{s}");
    assert!(s["matters"].as_u64().unwrap() >= 200);
    // One changed row becomes a version in review, the rest stay as they are.
    let matters = export_csv(&d, &keeper, "matters").await;
    let materials = export_csv(&d, &keeper, "materials").await;
    let row = {
        let mut rdr = csv::Reader::from_reader(matters.as_bytes());
        rdr.records().position(|r| &r.unwrap()[0] == OWN).unwrap() + 1
    };
    let changed = set_cell(&matters, row, "办理时间", "工作日 8:00-18:00");
    let (ct, body) = multipart(&[
        ("matters", "m.csv", changed.into_bytes()),
        ("materials", "t.csv", materials.into_bytes()),
    ]);
    let r = d
        .raw(
            Method::POST,
            "/api/v1/catalog/import",
            Some(&keeper),
            &ct,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["summary"]["new_versions"], 1);
    let vs = versions(&d, &keeper, OWN).await;
    assert_eq!(vs.last().unwrap()["status"], "in_review");
    d.cleanup().await;
}

// ---- code tables (RULES.md §2.2) ----

/// Drafts, submits and publishes a change through the API (the keeper drafts, the reviewer
/// approves), answering the version number.
async fn publish(d: &District, draft: Value) -> i64 {
    let keeper = d.token("keeper").await;
    let reviewer = d.token("reviewer").await;
    let code = draft["code"].as_str().unwrap().to_owned();
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let n = r.json()["version"].as_i64().unwrap();
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/matters/{code}/versions/{n}/submit"),
            Some(&keeper),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/matters/{code}/versions/{n}/review"),
            Some(&reviewer),
            Some(json!({"approve": true, "comment": "同意"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    n
}

/// The cells of one column of a CSV, by matter code.
fn column(csv_text: &str, name: &str) -> Vec<(String, String)> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[col].to_owned())
        })
        .collect()
}

fn cell_of(csv_text: &str, code: &str, name: &str) -> String {
    column(csv_text, name)
        .into_iter()
        .find(|(c, _)| c == code)
        .unwrap()
        .1
}

/// The line (the header is 0) of a matter in an exported CSV.
fn row_of(csv_text: &str, code: &str) -> usize {
    column(csv_text, "事项编码")
        .iter()
        .position(|(c, _)| c == code)
        .unwrap()
        + 1
}

async fn import_csv(d: &District, token: &str, matters: String, materials: String) -> Resp {
    let (ct, body) = multipart(&[
        ("matters", "m.csv", matters.into_bytes()),
        ("materials", "t.csv", materials.into_bytes()),
    ]);
    d.raw(
        Method::POST,
        "/api/v1/catalog/import",
        Some(token),
        &ct,
        body,
    )
    .await
}

/// The document of a matter's latest version (in review after a keeper's upload).
async fn latest_doc(d: &District, code: &str) -> Value {
    let m = d.app.store().find_matter(code).await.unwrap().unwrap();
    let v = d.app.store().matter_versions(m.id).await.unwrap();
    serde_json::from_str(&v.last().unwrap().doc).unwrap()
}

const EIGHT: [&str; 8] = [
    "hearing",
    "bidding",
    "auction",
    "inspection",
    "testing",
    "quarantine",
    "appraisal",
    "expert_review",
];

#[tokio::test]
async fn xingzheng_xukefa_di45tiao_eight_special_procedures_survive_the_file_round_trip() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let mut draft = draft_of(&guide(&d, OWN).await);
    draft["doc"]["special_procedures"] = json!(EIGHT);
    publish(&d, draft).await;
    assert_eq!(
        guide(&d, OWN).await["doc"]["special_procedures"],
        json!(EIGHT)
    );
    // The export names each procedure by its Chinese label, never by a number that table
    // A.7 reads as 延长审批 or 除延长审批之外的情况.
    let matters = export_csv(&d, &keeper, "matters").await;
    let materials = export_csv(&d, &keeper, "materials").await;
    assert_eq!(
        cell_of(&matters, OWN, "特别程序"),
        "听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审"
    );
    for (code, cell) in column(&matters, "特别程序") {
        assert!(!cell.chars().any(|c| c.is_ascii_digit()), "{code}: {cell}");
    }
    // CSV: the export imports back unchanged, the procedures with it.
    let r = import_csv(&d, &keeper, matters, materials).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = &r.json()["summary"];
    assert_eq!(s["matters"], s["unchanged"], "{s}");
    // xlsx: the same cell, and the same round trip.
    let r = d
        .api(
            Method::GET,
            "/api/v1/catalog/export?format=xlsx",
            Some(&keeper),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let xlsx = r.body.clone();
    let sheet = fgf_app::catalog::Sheet::from_xlsx(&xlsx, "事项").unwrap();
    let col = sheet.headers.iter().position(|h| h == "特别程序").unwrap();
    let row = sheet.rows.iter().find(|(_, r)| r[0] == OWN).unwrap();
    assert_eq!(
        row.1[col],
        "听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审"
    );
    let (ct, body) = multipart(&[("workbook", "catalog.xlsx", xlsx)]);
    let r = d
        .raw(
            Method::POST,
            "/api/v1/catalog/import",
            Some(&keeper),
            &ct,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = &r.json()["summary"];
    assert_eq!(s["matters"], s["unchanged"], "{s}");
    assert_eq!(s["new_versions"], 0, "{s}");
    assert_eq!(
        guide(&d, OWN).await["doc"]["special_procedures"],
        json!(EIGHT)
    );
    d.cleanup().await;
}

#[tokio::test]
async fn gbt_39046_table_a7_codes_are_not_procedure_kinds_and_old_files_keep_their_meaning() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let matters = export_csv(&d, &keeper, "matters").await;
    let materials = export_csv(&d, &keeper, "materials").await;
    // Three matters without special procedures, each given them as some file once wrote them.
    let blank: Vec<String> = column(&matters, "特别程序")
        .into_iter()
        .filter(|(_, c)| c.is_empty())
        .map(|(code, _)| code)
        .take(3)
        .collect();
    let cases: [(&str, &[&str]); 3] = [
        // The numbers the catalogue once gave five of them: "2" was 检验, whatever A.7 says.
        (
            "1、2、3、4、5",
            &[
                "hearing",
                "inspection",
                "testing",
                "appraisal",
                "expert_review",
            ],
        ),
        // The Chinese labels every export wrote.
        ("鉴定、专家评审", &["appraisal", "expert_review"]),
        // The new codes, for the three Article 45 added.
        (
            "bidding、auction、quarantine",
            &["bidding", "auction", "quarantine"],
        ),
    ];
    let mut file = matters.clone();
    for (code, (cell, _)) in blank.iter().zip(&cases) {
        file = set_cell(&file, row_of(&matters, code), "特别程序", cell);
    }
    let r = import_csv(&d, &keeper, file, materials.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["summary"]["new_versions"], 3, "{}", r.text());
    for (code, (cell, want)) in blank.iter().zip(&cases) {
        assert_eq!(
            latest_doc(&d, code).await["special_procedures"],
            json!(want),
            "{code}: {cell}"
        );
    }
    // A.7's own labels and numbers beyond the old five are not procedures.
    let row = row_of(&matters, &blank[0]);
    for bad in ["延长审批", "除延长审批之外的情况", "6"] {
        let file = set_cell(&matters, row, "特别程序", bad);
        let r = import_csv(&d, &keeper, file, materials.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.text()
        );
        let errors = r.json()["error"]["details"]["errors"].clone();
        assert_eq!(errors[0]["column"], "特别程序", "{bad}: {errors}");
        assert_eq!(errors[0]["code"], "unknown_value", "{bad}: {errors}");
    }
    d.cleanup().await;
}

#[tokio::test]
async fn gbt_39046_table_a6_other_is_9() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let dict = d
        .api(
            Method::GET,
            "/api/v1/dictionaries/case_type",
            Some(&keeper),
            None,
        )
        .await
        .json();
    assert!(dict["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "9" && i["label"] == "其他"));
    // Saved through the API, with or without a promised limit …
    let mut draft = draft_of(&guide(&d, OWN).await);
    draft["doc"]["case_type"] = json!("other");
    draft["doc"]["promised_days"] = Value::Null;
    publish(&d, draft).await;
    let g = guide(&d, OWN).await;
    assert_eq!(g["doc"]["case_type"], "other");
    // … exported as 其他, and read back from 其他 or 9.
    let matters = export_csv(&d, &keeper, "matters").await;
    let materials = export_csv(&d, &keeper, "materials").await;
    assert_eq!(cell_of(&matters, OWN, "办件类型"), "其他");
    let r = import_csv(&d, &keeper, matters.clone(), materials.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["summary"]["new_versions"], 0, "{}", r.text());
    let other = column(&matters, "办件类型")
        .into_iter()
        .find(|(_, t)| t == "承诺件")
        .unwrap()
        .0;
    let file = set_cell(&matters, row_of(&matters, &other), "办件类型", "9");
    let r = import_csv(&d, &keeper, file, materials).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(latest_doc(&d, &other).await["case_type"], "other");
    // The public guide names it.
    let page = d.page(Method::GET, &format!("/guide/{OWN}"), "").await;
    assert!(
        page.text().contains(r#"<span class="badge">其他</span>"#),
        "{}",
        page.text()
    );
    d.cleanup().await;
}

/// The edit form of a valid new matter of the keeper's department, of kind `kind`.
fn matter_form(csrf: &str, code: &str, kind: &str) -> Vec<(&'static str, String)> {
    [
        ("_csrf", csrf),
        ("code", code),
        ("parent_code", ""),
        ("tier", "main"),
        ("name", "表单测试事项"),
        ("kind", kind),
        ("department", "D04"),
        ("level", "4"),
        ("body_nature", "1"),
        ("audiences", "1"),
        ("legal_basis", "《测试条例》第一条"),
        ("conditions", "无"),
        ("result_name", ""),
        ("case_type", "2"),
        ("statutory_days", "5"),
        ("promised_days", "2"),
        ("fee", ""),
        ("fee_basis", ""),
        ("process_key", ""),
        ("online_depth", "4"),
        ("fully_online", "1"),
        ("trips", "0"),
        ("trips_reason", ""),
        ("handling_forms", "2"),
        ("place", "政务服务中心"),
        ("hours", "工作日"),
        ("consult_phone", "0571-86000000"),
        ("complaint_phone", "0571-12345"),
        ("life_events", ""),
        ("disposition", "retain"),
        ("disposition_note", ""),
        ("delegate_to", ""),
        ("note", "表单测试"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// Adds the district's own kinds to its `matter_kind` dictionary (as the administrator).
async fn add_kinds(d: &District, kinds: &[(&str, &str, &str, bool)]) -> Resp {
    let admin = d.token("admin").await;
    let mut dict = d
        .api(
            Method::GET,
            "/api/v1/dictionaries/matter_kind",
            Some(&admin),
            None,
        )
        .await
        .json();
    for (code, label, en, enabled) in kinds {
        let items = dict["items"].as_array_mut().unwrap();
        items.retain(|i| i["code"] != *code);
        items.push(
            json!({"code": code, "label": label, "label_en": en, "sort": 90, "enabled": enabled}),
        );
    }
    d.api(
        Method::PUT,
        "/api/v1/dictionaries/matter_kind",
        Some(&admin),
        Some(json!({"name": dict["name"], "items": dict["items"]})),
    )
    .await
}

fn problem_codes(r: &Resp) -> Vec<(String, String)> {
    r.json()["error"]["details"]["problems"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap().to_owned(),
                p["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn gbt_39046_table_a1_local_extension_from_dictionary() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let internal = "XK-D04-9030";
    let mut draft = draft_of(&guide(&d, "XK-D04-0001").await);
    draft["code"] = json!(internal);
    draft["parent_code"] = Value::Null;
    draft["doc"]["name"] = json!("区内部审批试点事项");
    draft["doc"]["kind"] = json!("30");
    // Not a kind of this district yet: refused on the kind, nothing written.
    let r = d
        .api(
            Method::POST,
            "/api/v1/matters",
            Some(&keeper),
            Some(draft.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "matter_invalid");
    assert_eq!(
        problem_codes(&r),
        [("kind".to_owned(), "kind_unknown".to_owned())]
    );
    assert!(d.app.store().find_matter(internal).await.unwrap().is_none());
    // The administrator adds it (and 行政备案 among the powers) to the dictionary.
    let r = add_kinds(
        &d,
        &[
            ("30", "政府内部审批", "internal government approval", true),
            ("11", "行政备案", "administrative filing", true),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    publish(&d, draft).await;
    let g = guide(&d, internal).await;
    assert_eq!(g["doc"]["kind"], "30");
    assert_eq!(g["matter"]["kind"], "30");
    // The public guide and the filters know it by its name.
    let page = d.page(Method::GET, &format!("/guide/{internal}"), "").await;
    assert!(page.text().contains("政府内部审批"), "{}", page.text());
    let home = d.page(Method::GET, "/guide", "").await.text();
    assert!(home.contains("/guide?kind=30"), "the browse chips offer it");
    assert!(home.contains("行政备案"));
    let listed = d
        .api(Method::GET, "/api/v1/matters?kind=30", None, None)
        .await
        .json();
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["items"][0]["code"], internal);
    let found = d
        .api(
            Method::GET,
            &format!(
                "/api/v1/matters?{}",
                serde_urlencoded::to_string([("q", "内部审批试点"), ("kind", "30")]).unwrap()
            ),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(found["items"][0]["code"], internal, "{found}");
    let none = d
        .api(
            Method::GET,
            &format!(
                "/api/v1/matters?{}",
                serde_urlencoded::to_string([("q", "内部审批试点"), ("kind", "01")]).unwrap()
            ),
            None,
            None,
        )
        .await
        .json();
    assert!(
        none["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["code"] != internal),
        "{none}"
    );
    // The by-kind report has a column for it.
    let leader = d.token("leader").await;
    let rep = d
        .api(
            Method::GET,
            "/api/v1/catalog/reports/by_kind",
            Some(&leader),
            None,
        )
        .await
        .json();
    let headers = rep["sheet"]["headers"].as_array().unwrap();
    let at = headers.iter().position(|h| h == "政府内部审批").unwrap();
    assert_eq!(
        rep["sheet"]["rows"].as_array().unwrap().last().unwrap()[at],
        "1"
    );
    // The export writes its label, and the file imports back unchanged; a row may also give
    // the code.
    let matters = export_csv(&d, &keeper, "matters").await;
    let materials = export_csv(&d, &keeper, "materials").await;
    assert_eq!(cell_of(&matters, internal, "事项类型"), "政府内部审批");
    let r = import_csv(&d, &keeper, matters.clone(), materials.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = &r.json()["summary"];
    assert_eq!(s["matters"], s["unchanged"], "{s}");
    let file = set_cell(&matters, row_of(&matters, OWN), "事项类型", "11");
    let r = import_csv(&d, &keeper, file, materials).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(latest_doc(&d, OWN).await["kind"], "11");
    // The edit form offers the district's kinds, and saves one with the new procedure codes
    // and 其他 as its case type.
    let (cookie, csrf) = d.page_session("keeper").await;
    let form = d.page(Method::GET, "/catalog/new", &cookie).await.text();
    assert!(
        form.contains(r#"<option value="30">政府内部审批</option>"#),
        "{form}"
    );
    assert!(form.contains(r#"<option value="01" selected>行政许可</option>"#));
    assert!(
        form.contains(r#"value="quarantine""#),
        "the eight procedures are offered"
    );
    assert!(form.contains(r#"<option value="9">其他</option>"#));
    let mut fields = matter_form(&csrf, "XK-D04-9011", "11");
    fields.push(("special_procedures", "hearing".to_owned()));
    fields.push(("special_procedures", "quarantine".to_owned()));
    fields.retain(|(k, _)| *k != "case_type" && *k != "promised_days");
    fields.push(("case_type", "9".to_owned()));
    let r = d
        .form(
            Method::POST,
            "/catalog/new",
            None,
            &format!("fgf_session={cookie}"),
            &fields,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let doc = latest_doc(&d, "XK-D04-9011").await;
    assert_eq!(doc["kind"], "11");
    assert_eq!(doc["special_procedures"], json!(["hearing", "quarantine"]));
    assert_eq!(doc["case_type"], "other");
    d.cleanup().await;
}

#[tokio::test]
async fn a_kind_neither_in_table_a1_nor_in_the_dictionary_is_refused_as_kind_unknown() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    // Through the API: a free code, a label, an A.1-looking code that is not one.
    for kind in ["55", "行政备案", "00", "300"] {
        let mut draft = draft_of(&guide(&d, OWN).await);
        draft["doc"]["kind"] = json!(kind);
        let r = d
            .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind}: {}",
            r.text()
        );
        assert_eq!(
            problem_codes(&r),
            [("kind".to_owned(), "kind_unknown".to_owned())],
            "{kind}"
        );
    }
    // A disabled kind of the dictionary is no longer accepted either.
    let r = add_kinds(
        &d,
        &[("31", "依申请便民服务", "convenience service", false)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mut draft = draft_of(&guide(&d, OWN).await);
    draft["doc"]["kind"] = json!("31");
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
        .await;
    assert_eq!(
        problem_codes(&r),
        [("kind".to_owned(), "kind_unknown".to_owned())]
    );
    // Through an import: by label or by code, each on its row and column.
    let matters = export_csv(&d, &keeper, "matters").await;
    let materials = export_csv(&d, &keeper, "materials").await;
    let mut file = set_cell(&matters, 1, "事项类型", "行政备案");
    file = set_cell(&file, 2, "事项类型", "55");
    file = set_cell(&file, 3, "事项类型", "依申请便民服务");
    let r = import_csv(&d, &keeper, file, materials).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["error"]["details"]["errors"].clone();
    for row in [2, 3, 4] {
        assert!(
            errors.as_array().unwrap().iter().any(|e| e["row"] == row
                && e["column"] == "事项类型"
                && e["code"] == "kind_unknown"),
            "row {row}: {errors}"
        );
    }
    // Through the edit form: a kind the district does not have, or one the form cannot read,
    // is said so on the field, not saved as another.
    let (cookie, csrf) = d.page_session("keeper").await;
    for kind in ["55", "行政备案"] {
        let r = d
            .form(
                Method::POST,
                "/catalog/new",
                None,
                &format!("fgf_session={cookie}"),
                &matter_form(&csrf, "XK-D04-9055", kind),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind}");
        let page = r.text();
        assert!(
            page.contains(r#"<div class="field invalid"><label for="kind">"#),
            "{kind}: {page}"
        );
        assert!(page.contains("事项类型不在国家标准"), "{kind}: {page}");
    }
    assert!(d
        .app
        .store()
        .find_matter("XK-D04-9055")
        .await
        .unwrap()
        .is_none());
    // The dictionary itself takes only the codes table A.1 leaves open, under names of their
    // own.
    for (code, label, want) in [
        ("5", "某类", "matter_kind_code_invalid"),
        ("100", "某类", "matter_kind_code_invalid"),
        ("x1", "某类", "matter_kind_code_invalid"),
        ("12", "行政许可", "matter_kind_label_taken"),
    ] {
        let r = add_kinds(&d, &[(code, label, "", true)]).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{code}: {}",
            r.text()
        );
        assert_eq!(r.json()["error"]["code"], want, "{code}");
    }
    let r = add_kinds(
        &d,
        &[("12", "同名类型", "", true), ("13", "同名类型", "", true)],
    )
    .await;
    assert_eq!(r.json()["error"]["code"], "matter_kind_label_taken");
    d.cleanup().await;
}

#[tokio::test]
async fn a_delegated_matter_switches_only_when_the_receiver_has_confirmed_every_item() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let r = d
        .api(
            Method::GET,
            "/api/v1/catalog/handovers",
            Some(&keeper),
            None,
        )
        .await;
    let items = r.json()["items"].as_array().unwrap().clone();
    assert!(items.len() >= 5, "the demo has delegations waiting");
    assert!(items.iter().all(|h| h["state"] == "pending"));
    assert!(
        items
            .iter()
            .all(|h| h["days_waiting"].as_i64().unwrap() >= 40),
        "the demo catalogue was published six weeks ago: {items:?}"
    );
    // One for 城关街道 (S01), where the keeper also holds a post.
    let h = items
        .iter()
        .find(|h| h["to_department"] == "城关街道")
        .expect("a delegation to 城关街道");
    let id = h["id"].as_i64().unwrap();
    let code = h["matter_code"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/catalog/handovers/{id}");
    let full = json!({"staff_named": "张三、李四", "staff_trained": true, "process_bound": true, "guide_published": true, "supervisor": "区市场监管局"});
    // Acting for 区市场监管局, the keeper is not the receiver.
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&keeper),
            Some(json!({"checklist": full, "switch": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let s01 = d.department_id("S01").await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/auth/department",
            Some(&keeper),
            Some(json!({"department_id": s01})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Not ready: the switch is refused, naming every item still open (not just the first).
    let mut partial = full.clone();
    partial["staff_trained"] = json!(false);
    partial["process_bound"] = json!(false);
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&keeper),
            Some(json!({"checklist": partial, "switch": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "handover_not_ready");
    assert_eq!(
        r.json()["error"]["details"]["open"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "{}",
        r.text()
    );
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains('、'),
        "both named: {}",
        r.text()
    );
    assert_ne!(guide(&d, &code).await["department_code"], "S01");
    // Ready: the matter moves to the street.
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&keeper),
            Some(json!({"checklist": full, "switch": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(guide(&d, &code).await["department_code"], "S01");
    let r = d
        .api(
            Method::POST,
            &path,
            Some(&keeper),
            Some(json!({"checklist": full, "switch": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let r = d
        .api(
            Method::GET,
            "/api/v1/catalog/handovers",
            Some(&keeper),
            None,
        )
        .await;
    let after = r.json()["items"].as_array().unwrap().clone();
    assert!(after
        .iter()
        .any(|x| x["id"] == id && x["state"] == "switched"));
    d.cleanup().await;
}

#[tokio::test]
async fn reports_count_the_catalogue_and_download_as_csv_and_xlsx() {
    let d = District::new().await;
    let leader = d.token("leader").await;
    let r = d
        .api(
            Method::GET,
            "/api/v1/catalog/reports/by_kind",
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let rep = r.json();
    let rows = rep["sheet"]["rows"].as_array().unwrap();
    let total_row = rows.last().unwrap();
    assert_eq!(total_row[0], "全区");
    let total: u64 = total_row
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let list = d
        .api(Method::GET, "/api/v1/matters?per_page=1", None, None)
        .await;
    assert_eq!(total, list.json()["total"].as_u64().unwrap());
    let r = d
        .api(
            Method::GET,
            "/api/v1/catalog/reports/compression?format=csv",
            Some(&leader),
            None,
        )
        .await;
    assert!(r.text().contains("压缩比"));
    let r = d
        .api(
            Method::GET,
            "/api/v1/catalog/reports/service_depth?format=xlsx",
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK"), "an xlsx is a zip");
    let r = d
        .api(
            Method::GET,
            "/api/v1/catalog/reports/nope",
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    d.cleanup().await;
}

async fn search(d: &District, q: &str) -> Vec<Value> {
    let r = d
        .api(
            Method::GET,
            &format!(
                "/api/v1/matters?{}",
                serde_urlencoded::to_string([("q", q)]).unwrap()
            ),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

fn names(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|h| h["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn search_ranks_an_exact_matter_name_first_then_names_that_begin_with_it() {
    let d = District::new().await;
    // Issue 12: 食品生产许可（新办） used to come before 食品经营许可 itself.
    let hits = names(&search(&d, "食品经营许可").await);
    assert_eq!(
        hits.first().map(String::as_str),
        Some("食品经营许可"),
        "{hits:?}"
    );
    let prefixed = hits
        .iter()
        .position(|n| !n.starts_with("食品经营许可"))
        .unwrap_or(hits.len());
    assert!(prefixed >= 5, "the 子项 follow their 主项: {hits:?}");
    assert!(
        hits[..prefixed]
            .iter()
            .all(|n| n.starts_with("食品经营许可")),
        "{hits:?}"
    );
    let hits = names(&search(&d, "食品生产许可").await);
    assert_eq!(
        hits.first().map(String::as_str),
        Some("食品生产许可"),
        "{hits:?}"
    );
    // With spaces typed in, the same.
    let hits = names(&search(&d, " 食品经营许可 ").await);
    assert_eq!(hits.first().map(String::as_str), Some("食品经营许可"));
    d.cleanup().await;
}

#[tokio::test]
async fn search_finds_what_people_mean() {
    let d = District::new().await;
    // Everyday phrases mapped by keepers come first.
    let top: Vec<String> = names(&search(&d, "开饭店").await)
        .into_iter()
        .take(2)
        .collect();
    assert!(top.iter().any(|n| n.starts_with("食品经营许可")), "{top:?}");
    assert!(top.iter().any(|n| n == "个体工商户设立登记"), "{top:?}");
    assert!(names(&search(&d, "开餐馆").await)
        .iter()
        .take(2)
        .any(|n| n.starts_with("食品经营许可")));
    // Pinyin initials and full pinyin.
    let yyzz = names(&search(&d, "yyzz").await);
    assert!(
        yyzz.iter().take(3).any(|n| n.contains("设立登记")),
        "{yyzz:?}"
    );
    assert_eq!(
        names(&search(&d, "jiaoshizige").await)
            .first()
            .map(String::as_str),
        Some("中小学教师资格认定")
    );
    // Segmented Chinese over names, guide text and materials.
    assert!(names(&search(&d, "低保").await)
        .iter()
        .any(|n| n.contains("最低生活保障")));
    // Filters.
    let r = d
        .api(
            Method::GET,
            &format!(
                "/api/v1/matters?{}",
                serde_urlencoded::to_string([("q", "许可"), ("fully_online", "true")]).unwrap()
            ),
            None,
            None,
        )
        .await;
    let hits = r.json()["items"].as_array().unwrap().clone();
    assert!(!hits.is_empty() && hits.iter().all(|h| h["fully_online"] == true));
    let r = d
        .api(
            Method::GET,
            &format!(
                "/api/v1/matters?{}",
                serde_urlencoded::to_string([
                    ("q", "许可"),
                    ("department", "D03"),
                    ("max_trips", "0")
                ])
                .unwrap()
            ),
            None,
            None,
        )
        .await;
    let hits = r.json()["items"].as_array().unwrap().clone();
    assert!(
        !hits.is_empty()
            && hits
                .iter()
                .all(|h| h["department_code"] == "D03" && h["trips"] == 0)
    );
    // Equal relevance: the most-applied first.
    let hits = search(&d, "许可").await;
    for w in hits.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if (a["score"].as_f64().unwrap() - b["score"].as_f64().unwrap()).abs() < 1e-6 {
            assert!(
                a["apply_count"].as_u64() >= b["apply_count"].as_u64(),
                "{a} before {b}"
            );
        }
    }
    // A newly published matter is found without a rebuild (the index follows the outbox).
    let keeper = d.token("keeper").await;
    let reviewer = d.token("reviewer").await;
    let mut draft = draft_of(&guide(&d, OWN).await);
    draft["code"] = json!("GG-D04-9001");
    draft["parent_code"] = Value::Null;
    draft["doc"]["tier"] = json!("main");
    draft["doc"]["name"] = json!("网络直播营销备案指导");
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert!(
        search(&d, "直播营销").await.is_empty(),
        "a draft is not searchable"
    );
    d.api(
        Method::POST,
        "/api/v1/matters/GG-D04-9001/versions/1/submit",
        Some(&keeper),
        None,
    )
    .await;
    let r = d
        .api(
            Method::POST,
            "/api/v1/matters/GG-D04-9001/versions/1/review",
            Some(&reviewer),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        names(&search(&d, "直播营销").await)
            .first()
            .map(String::as_str),
        Some("网络直播营销备案指导")
    );
    // And a phrase a keeper adds takes effect at once.
    let r = d
        .api(
            Method::POST,
            "/api/v1/matters/GG-D04-9001/phrases",
            Some(&keeper),
            Some(json!({"phrase": "当主播"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(search(&d, "我想当主播").await[0]["code"], "GG-D04-9001");
    d.cleanup().await;
}

#[tokio::test]
async fn a_blank_form_attached_to_a_material_downloads_from_the_public_guide() {
    let d = District::new().await;
    let keeper = d.token("keeper").await;
    let reviewer = d.token("reviewer").await;
    let up = d
        .raw(
            Method::POST,
            "/api/v1/files?name=公司登记申请书.docx",
            Some(&keeper),
            "application/octet-stream",
            b"blank form bytes".to_vec(),
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text());
    let hash = up.json()["content_hash"].as_str().unwrap().to_owned();
    let mut draft = draft_of(&guide(&d, OWN).await);
    // A file that was never uploaded is refused.
    draft["doc"]["materials"][0]["blank_form"] = json!(true);
    draft["doc"]["materials"][0]["blank_form_file"] = json!("0".repeat(64));
    let r = d
        .api(
            Method::POST,
            "/api/v1/matters",
            Some(&keeper),
            Some(draft.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        r.json()["error"]["details"]["problems"][0]["code"],
        "material_file_unknown"
    );
    draft["doc"]["materials"][0]["blank_form_file"] = json!(hash);
    let r = d
        .api(Method::POST, "/api/v1/matters", Some(&keeper), Some(draft))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Not public while it is a draft.
    let url = format!("/guide/{OWN}/materials/1/blank");
    assert_eq!(
        d.api(Method::GET, &url, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    d.api(
        Method::POST,
        &format!("/api/v1/matters/{OWN}/versions/2/submit"),
        Some(&keeper),
        None,
    )
    .await;
    let r = d
        .api(
            Method::POST,
            &format!("/api/v1/matters/{OWN}/versions/2/review"),
            Some(&reviewer),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = d.api(Method::GET, &url, None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, b"blank form bytes");
    let page = d
        .api(Method::GET, &format!("/guide/{OWN}"), None, None)
        .await;
    assert!(page.text().contains(&url), "the guide links the form");
    let r = d
        .api(
            Method::GET,
            &format!("/guide/{OWN}/materials/1/sample"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    d.cleanup().await;
}

#[tokio::test]
async fn a_search_reports_every_match_and_pages_past_its_first_page() {
    let d = District::new().await;
    let get = |path: String| {
        let d = &d;
        async move {
            let r = d.api(Method::GET, &path, None, None).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            r.json()
        }
    };
    // 许可 matches far more matters than one page holds.
    let q = "%E8%AE%B8%E5%8F%AF";
    let first = get(format!("/api/v1/matters?q={q}&per_page=5")).await;
    let total = first["total"].as_i64().unwrap();
    assert!(total > 10, "total is every match, not the page: {total}");
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    let second = get(format!("/api/v1/matters?q={q}&per_page=5&page=2")).await;
    assert_eq!(second["total"], total);
    let codes = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let (a, b) = (codes(&first), codes(&second));
    assert_eq!(b.len(), 5);
    assert!(
        a.iter().all(|c| !b.contains(c)),
        "page 2 goes on from page 1: {a:?} {b:?}"
    );
    // The pages together are the ranking: page 2 is the next five of a page of ten.
    let ten = get(format!("/api/v1/matters?q={q}&per_page=10")).await;
    assert_eq!(codes(&ten), [a, b].concat());
    // Past the end: nothing, and still the total.
    let far = get(format!("/api/v1/matters?q={q}&per_page=100&page=50")).await;
    assert_eq!(far["items"].as_array().unwrap().len(), 0);
    assert_eq!(far["total"], total);

    // The portal pages too, keeping the query.
    let page = d
        .send(
            axum::http::Request::get(format!("/guide?q={q}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let text = page.text();
    assert!(
        total > 50,
        "the query must reach a second portal page: {total}"
    );
    assert!(text.contains("page=2"), "a pager past 50 results");
    assert!(
        text.contains(&total.to_string()),
        "the heading counts every match"
    );
    let second = d
        .send(
            axum::http::Request::get(format!("/guide?q={q}&page=2"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        second.text().contains(r#"<ol class="results" start="51">"#),
        "numbering goes on"
    );
}

#[tokio::test]
async fn the_guide_says_how_far_a_matter_goes_online_in_words() {
    let d = District::new().await;
    let page = d
        .send(
            axum::http::Request::get("/guide/XK-D03-0001-01-01")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    // 食品经营许可（新办） is Ⅲ级: applied for online, finished in person.
    assert!(
        text.contains("可网上申请和预审，需到现场办结"),
        "depth in words"
    );
    assert!(!text.contains("Ⅲ级 · 否"), "not a grade and a bare 否");
}

#[tokio::test]
async fn a_search_that_finds_nothing_says_so_and_offers_a_way_on() {
    let d = District::new().await;
    let page = d
        .send(
            axum::http::Request::get("/guide?q=zzqqxx")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains("没有找到与“zzqqxx”相关的事项"),
        "honest about nothing found"
    );
    // The most-applied matters of the demo catalogue are offered, the most-applied first
    // (12345 热线诉求办理, 年办件量 the highest).
    let popular = text.split("常办事项</h3>").nth(1).unwrap_or("");
    assert!(
        popular.starts_with(r#"<ul class="chips"><li><a href="/guide/GG-D02-0006">"#),
        "{popular}"
    );
    assert!(!text.contains(r#"<ol class="results""#), "no empty list");
    assert!(text.contains(r#"href="/life-events""#));
}

#[tokio::test]
async fn individuals_and_enterprises_open_their_guide_lists_without_penalties_or_inspections() {
    let d = District::new().await;
    let get = |path: &'static str| {
        let d = &d;
        async move {
            d.send(
                axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let home = get("/").await.text();
    assert!(
        home.contains(r#"href="/guide?audience=person""#),
        "个人办事 opens the guide"
    );
    assert!(
        home.contains(r#"href="/guide?audience=legal""#),
        "法人办事 opens the guide"
    );
    let legal = get("/guide?audience=legal").await.text();
    // 企业设立登记 is applied for; a penalty or an inspection is not.
    assert!(legal.contains(r#"href="/guide/XK-D04-0001-01""#));
    let kinds = d
        .api(
            Method::GET,
            "/api/v1/matters?kind=02&per_page=100",
            None,
            None,
        )
        .await
        .json();
    let penalties: Vec<String> = kinds["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(!penalties.is_empty(), "the demo catalogue has penalties");
    for code in &penalties {
        assert!(
            !legal.contains(&format!(r#"href="/guide/{code}""#)),
            "{code} is no service to apply for"
        );
    }
}

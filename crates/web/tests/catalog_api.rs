//! The catalogue (放) through the API: versions and review, the consistency rules of RULES.md
//! §2.3 on save and import, the import's all-or-nothing report, export and re-import, the
//! delegation handover, reports and the search that finds what people mean.

mod common;

use axum::http::{Method, StatusCode};
use common::District;
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
            &fgf_store::audit::AuditQuery {
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
        d.app.activate_due_matters().await.unwrap(),
        0,
        "not yet due"
    );
    // On its day the daily job puts it in force, once.
    d.clock.set_ms(4_070_908_800_000); // 2099-01-01T00:00:00Z
    assert_eq!(d.app.activate_due_matters().await.unwrap(), 1);
    assert_eq!(d.app.activate_due_matters().await.unwrap(), 0);
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
        ("事项类型", "行政备案", "unknown_value"),
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
    // Not ready: the switch is refused, naming what is open.
    let mut partial = full.clone();
    partial["staff_trained"] = json!(false);
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

//! The catalogue's API: the published matters, drafts and review, history and diff, everyday
//! phrases, handovers, reports, and the import and export of the whole catalogue.

use super::dto;
use super::*;
use crate::base::dto::List;
use fgf_domain::base::DepartmentId;
use fgf_domain::catalog::MatterId;
use utoipa::{IntoParams, ToSchema};

// ---- API ----

#[derive(Deserialize, Default, IntoParams)]
pub struct MatterQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    fully_online: Option<bool>,
    #[serde(default)]
    max_trips: Option<u32>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
}

/// Public: the matters in force, searched (`q`) or listed, with filters.
pub async fn list_matters(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<MatterQuery>,
) -> ApiResult {
    let filter = SearchFilter {
        department: q.department.clone().filter(|s| !s.is_empty()),
        kind: q.kind.clone().filter(|s| !s.is_empty()),
        fully_online: q.fully_online,
        max_trips: q.max_trips,
    };
    if let Some(text) = q.q.as_deref().filter(|s| !s.trim().is_empty()) {
        let per = q.per_page.unwrap_or(20).clamp(1, 100) as usize;
        let page = q.page.unwrap_or(1).max(1) as usize;
        let found = state
            .app
            .catalog()
            .search_matters(text, &filter, (page - 1) * per, per)
            .await?;
        let items = List::<dto::SearchHit>::all(found.hits).items;
        return Ok(Json(dto::MatterList::Hits {
            items,
            total: i64::try_from(found.total).unwrap_or(i64::MAX),
        })
        .into_response());
    }
    let department_id = match &filter.department {
        Some(code) => Some(department_id(&state, code).await?),
        None => None,
    };
    let f = MatterFilter {
        department_id,
        kind: filter.kind.clone(),
        in_force_only: true,
        ..MatterFilter::default()
    };
    let page = Page::new(q.page, q.per_page);
    let list = state.app.catalog().public_matters(&f, page).await?;
    let page = List::<dto::Matter>::page(list);
    Ok(Json(dto::MatterList::Matters {
        items: page.items,
        total: page.total,
    })
    .into_response())
}

async fn department_id(state: &AppState, code: &str) -> Result<DepartmentId, ServiceError> {
    state.app.catalog().catalogue_department(code).await
}

/// Public: one matter's service guide (the version in force).
pub async fn get_matter(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult {
    let v = state.app.catalog().matter_view(&code, None).await?;
    Ok(Json(dto::MatterView::from(v)).into_response())
}

/// A keeper drafts a change (new matter or next version).
pub async fn draft_matter(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(input): ApiJson<MatterInput>,
) -> ApiResult {
    let (id, version) = state.app.catalog().draft_matter(&actor, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(dto::Drafted {
            matter_id: id.get(),
            code: input.code,
            version,
            status: "draft".to_owned(),
        }),
    )
        .into_response())
}

pub(super) async fn matter_id(state: &AppState, code: &str) -> Result<MatterId, ServiceError> {
    state.app.catalog().matter_id(code).await
}

pub async fn submit_version(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((code, n)): Path<(String, i64)>,
) -> ApiResult {
    let id = matter_id(&state, &code).await?;
    state.app.catalog().submit_matter(&actor, id, n).await?;
    Ok(Json(dto::VersionState {
        code,
        version: n,
        status: "in_review".to_owned(),
    })
    .into_response())
}

pub async fn review_version(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((code, n)): Path<(String, i64)>,
    ApiJson(review): ApiJson<ReviewInput>,
) -> ApiResult {
    let id = matter_id(&state, &code).await?;
    state
        .app
        .catalog()
        .review_matter(&actor, id, n, &review)
        .await?;
    let status = if review.approve {
        "published"
    } else {
        "rejected"
    };
    Ok(Json(dto::VersionState {
        code,
        version: n,
        status: status.to_owned(),
    })
    .into_response())
}

pub async fn matter_versions(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
) -> ApiResult {
    let id = matter_id(&state, &code).await?;
    let versions = state.app.catalog().matter_history(&actor, id).await?;
    Ok(Json(List::<dto::MatterVersion>::all(versions)).into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct DiffQuery {
    from: i64,
    to: i64,
}

pub async fn matter_diff(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> ApiResult {
    let id = matter_id(&state, &code).await?;
    let diff = state
        .app
        .catalog()
        .matter_diff(&actor, id, q.from, q.to)
        .await?;
    Ok(Json(List::<dto::FieldDiff>::all(diff)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct PhraseBody {
    phrase: String,
    #[serde(default = "yes")]
    #[schema(required = false)]
    add: bool,
}

fn yes() -> bool {
    true
}

pub async fn edit_phrase(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<PhraseBody>,
) -> ApiResult {
    state
        .app
        .catalog()
        .edit_phrase(&actor, &b.phrase, &code, b.add)
        .await?;
    Ok(Json(dto::PhraseEdited {
        code,
        phrase: b.phrase,
        added: b.add,
    })
    .into_response())
}

pub async fn handovers(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let items = state.app.catalog().handover_report(&actor).await?;
    Ok(Json(List::<dto::Handover>::all(items)).into_response())
}

#[derive(Deserialize)]
pub struct HandoverBody {
    checklist: Checklist,
    #[serde(default)]
    switch: bool,
}

pub async fn confirm_handover(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<HandoverBody>,
) -> ApiResult {
    state
        .app
        .catalog()
        .confirm_handover(&actor, id, &b.checklist, b.switch)
        .await?;
    Ok(Json(dto::HandoverState {
        id,
        state: if b.switch { "switched" } else { "pending" }.to_owned(),
    })
    .into_response())
}

#[derive(Deserialize, Default, IntoParams)]
pub struct FormatQuery {
    #[serde(default)]
    format: Option<String>,
    /// For CSV exports: `materials` for the materials sheet.
    #[serde(default)]
    sheet: Option<String>,
}

fn download(name: &str, format: &str, sheets: &[(&str, &Sheet)]) -> Result<Response, ServiceError> {
    let (mime, body, ext) = match format {
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            catalog::to_xlsx(sheets).map_err(ServiceError::internal)?,
            "xlsx",
        ),
        // A byte-order mark so spreadsheet programs read the Chinese as UTF-8.
        _ => (
            "text/csv; charset=utf-8",
            format!("\u{feff}{}", sheets[0].1.to_csv()).into_bytes(),
            "csv",
        ),
    };
    let disposition = format!("attachment; filename=\"{name}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The whole catalogue in force: xlsx with both sheets, or one CSV sheet.
pub async fn export_catalog(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult {
    let (matters, materials) = state.app.catalog().export_catalog().await?;
    let format = q.format.as_deref().unwrap_or("xlsx");
    let r = if format == "csv" && q.sheet.as_deref() == Some("materials") {
        download("catalog.materials", "csv", &[(MATERIALS_SHEET, &materials)])?
    } else {
        download(
            "catalog",
            format,
            &[(MATTERS_SHEET, &matters), (MATERIALS_SHEET, &materials)],
        )?
    };
    Ok(r)
}

pub async fn report(
    State(state): State<AppState>,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult {
    let reports = state.app.catalog().catalog_reports().await?;
    let r = reports
        .iter()
        .find(|r| r.key == key)
        .ok_or_else(|| ServiceError::not_found("not_found").arg("report").arg(&key))?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(dto::CatalogReport::from(r)).into_response()),
        f @ ("csv" | "xlsx") => Ok(download(r.key, f, &[(r.title, &r.sheet)])?),
        other => Err(ServiceError::field(
            "invalid_field",
            "format",
            &format!("{other}：应为 json、csv 或 xlsx"),
        )
        .into()),
    }
}

const NOT_UTF8: &str = "CSV 文件须为 UTF-8 编码";

/// A multipart body that broke off or is malformed; the parser's wording goes to the log only.
pub(super) fn unreadable_upload(e: axum::extract::multipart::MultipartError) -> ServiceError {
    tracing::debug!(error = %e, "unreadable upload");
    ServiceError::invalid("import_file_invalid").arg("上传内容不完整或格式错误")
}

/// Reads an uploaded catalogue: `workbook` (xlsx), or `matters` and `materials` (CSV).
pub(super) async fn read_upload(
    mut mp: Multipart,
) -> Result<(Option<String>, Sheet, Sheet), ServiceError> {
    let bad = |e: String| ServiceError::invalid("import_file_invalid").arg(e);
    let mut csrf = None;
    let (mut matters, mut materials) = (None, None);
    while let Some(field) = mp.next_field().await.map_err(unreadable_upload)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(f) = field.file_name() {
            fgf_app::text::check_file_name(&name, f)?;
        }
        let file = field.file_name().unwrap_or_default().to_lowercase();
        let bytes = field.bytes().await.map_err(unreadable_upload)?;
        match name.as_str() {
            "_csrf" => csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "workbook" | "file" if file.ends_with(".xlsx") || bytes.starts_with(b"PK") => {
                matters = Some(Sheet::from_xlsx(&bytes, MATTERS_SHEET).map_err(bad)?);
                materials = Some(Sheet::from_xlsx(&bytes, MATERIALS_SHEET).map_err(bad)?);
            }
            "workbook" | "file" | "matters" => {
                let text =
                    String::from_utf8(bytes.to_vec()).map_err(|_| bad(NOT_UTF8.to_owned()))?;
                matters = Some(Sheet::from_csv(&text).map_err(bad)?);
            }
            "materials" if !bytes.is_empty() => {
                let text =
                    String::from_utf8(bytes.to_vec()).map_err(|_| bad(NOT_UTF8.to_owned()))?;
                materials = Some(Sheet::from_csv(&text).map_err(bad)?);
            }
            _ => {}
        }
    }
    let matters = matters.ok_or_else(|| bad("未上传事项表".to_owned()))?;
    let materials = materials.unwrap_or_else(|| Sheet {
        headers: catalog::MATERIAL_HEADERS
            .iter()
            .map(|h| (*h).to_owned())
            .collect(),
        rows: Vec::new(),
    });
    Ok((csrf, matters, materials))
}

/// A keeper uploads the catalogue; what changed goes to review.
pub async fn import_catalog(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    mp: Multipart,
) -> ApiResult {
    actor.scope(Permission::CatalogDraft)?;
    let (_, matters, materials) = read_upload(mp).await?;
    match state
        .app
        .catalog()
        .import_catalog(
            actor.audit_ctx(state.app.now_ms()),
            &matters,
            &materials,
            ImportMode::ForReview,
        )
        .await?
    {
        Ok(summary) => Ok(Json(dto::Imported::from(summary)).into_response()),
        Err(errors) => Err(import_refused(&errors).into()),
    }
}

fn import_refused(errors: &[ImportError]) -> ServiceError {
    ServiceError::invalid("import_refused")
        .arg(errors.len())
        .details(json!({ "errors": errors }))
}

//! The keepers' and reviewers' pages: the staff catalogue, a matter with its versions, the
//! edit form, review, handovers, reports and import.

use super::api::{matter_id, read_upload, unreadable_upload};
use super::portal::{coded, kind_options};
use super::*;
use fgf_domain::base::DepartmentId;
use fgf_domain::catalog::{HandoverState, VersionStatus};

// ---- staff pages ----

#[derive(Deserialize, Default)]
pub struct StaffListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    msg: Option<String>,
}

/// Staff: the catalogue with its drafts and reviews.
pub async fn catalog_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<StaffListQuery>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let page = Page::new(q.page, Some(30));
    let f = MatterFilter {
        kind: q.kind.clone().filter(|s| !s.is_empty()),
        text: q.q.clone(),
        ..MatterFilter::default()
    };
    let list = state
        .app
        .catalog()
        .staff_matters(&actor, &f, page)
        .await
        .map_err(&err)?;
    let departments = state
        .app
        .base()
        .department_directory()
        .await
        .map_err(&err)?;
    let kinds = state.app.base().matter_kinds().await.map_err(&err)?;
    let dname = |id: i64| {
        departments
            .iter()
            .find(|d| d.id == DepartmentId::new(id))
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let review_scope = actor.scope(Permission::CatalogReview).ok();
    let in_review = match &review_scope {
        Some(_) => state
            .app
            .catalog()
            .versions_in_review(&actor)
            .await
            .map_err(&err)?,
        None => Vec::new(),
    };
    let mine = if actor.has(Permission::CatalogDraft) {
        state
            .app
            .catalog()
            .my_versions_in_review(&actor)
            .await
            .map_err(&err)?
    } else {
        Vec::new()
    };
    let c = chrome(&state, &actor, prefs, "catalog").await?;
    let body = html! {
        (flash(q.msg.as_deref().map(|m| t(lang, m)), true))
        @if !mine.is_empty() {
            section.card {
                h2 { (t(lang, "catalog.my_in_review")) " " span.badge { (mine.len()) } }
                ul { @for (m, v) in &mine { li { a href=(format!("/catalog/{}", m.code)) { (m.name) } " · " (t(lang, "catalog.version_n").replace("{0}", &v.version.to_string())) " · " span.muted { (local_minute(v.drafted_at_ms)) } } } }
            }
        }
        @if review_scope.is_some() {
            section.card {
                h2 { (t(lang, "catalog.review_queue")) " " span.badge { (in_review.len()) } }
                @if in_review.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                    ul { @for (m, v) in &in_review { li { a href=(format!("/catalog/{}", m.code)) { (m.name) } " · " (t(lang, "catalog.version_n").replace("{0}", &v.version.to_string())) " · " span.muted { (local_minute(v.drafted_at_ms)) } } } }
                }
            }
        }
        p.actions {
            @if actor.has(Permission::CatalogDraft) {
                a.button href="/catalog/new" { (t(lang, "catalog.new")) }
                " "
                a.button.secondary href="/catalog/import" { (t(lang, "catalog.import")) }
            }
            " "
            a.button.secondary href="/api/v1/catalog/export?format=xlsx" { (t(lang, "catalog.export_xlsx")) }
            " "
            a.button.secondary href="/catalog/handovers" { (t(lang, "catalog.handovers")) }
            " "
            a.button.secondary href="/catalog/reports" { (t(lang, "catalog.reports")) }
            @if review_scope.is_some() {
                " "
                a.button.secondary href="/catalog/life-events" { (t(lang, "life_event.title")) }
            }
        }
        form.filters method="get" action="/catalog" {
            input type="search" name="q" value=[q.q.as_deref()] placeholder=(t(lang, "catalog.name_or_code")) aria-label=(t(lang, "catalog.name_or_code"));
            select name="kind" aria-label=(t(lang, "catalog.kind")) { (kind_options(lang, q.kind.as_deref(), &kinds)) }
            button type="submit" { (t(lang, "form.filter")) }
        }
        div.table-wrap { table.data.stack {
            thead { tr { th { (t(lang, "catalog.code")) } th { (t(lang, "form.name")) } th { (t(lang, "catalog.kind")) } th { (t(lang, "catalog.department")) } th { (t(lang, "catalog.in_force")) } } }
            tbody {
                @for m in &list.items {
                    tr {
                        td data-label=(t(lang, "catalog.code")) { code { (m.code) } }
                        td data-label=(t(lang, "form.name")) { a href=(format!("/catalog/{}", m.code)) { (m.name) } }
                        td data-label=(t(lang, "catalog.kind")) { (kinds.label_of_code(&m.kind, lang)) }
                        td data-label=(t(lang, "catalog.department")) { (dname(m.department_id.get())) }
                        td data-label=(t(lang, "catalog.in_force")) { @match m.current_version { Some(v) => { (t(lang, "catalog.version_n").replace("{0}", &v.to_string())) } None => { span.muted { (t(lang, "catalog.not_in_force")) } } } }
                    }
                }
            }
        } }
        (layout::pager(lang, "/catalog", &[("q", q.q.clone().unwrap_or_default()), ("kind", q.kind.clone().unwrap_or_default())], page.page, page.per_page, list.total))
    };
    Ok(html_page(layout::staff(&c, t(lang, "catalog.title"), body)))
}

#[derive(Deserialize, Default)]
pub struct MatterPageQuery {
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    from: Option<i64>,
    #[serde(default)]
    to: Option<i64>,
}

fn status_label(lang: Lang, s: VersionStatus) -> &'static str {
    fgf_app::i18n::lookup(lang, &format!("catalog.status_{s}")).unwrap_or("")
}

/// Staff: one matter with its versions, the actions its open version allows, and a diff.
pub async fn matter_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<MatterPageQuery>,
) -> Result<Response, WebError> {
    matter_view(&state, &actor, prefs, &code, q, None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn matter_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    code: &str,
    q: MatterPageQuery,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let m = state
        .app
        .catalog()
        .find_matter(code)
        .await
        .map_err(&err)?
        .ok_or_else(|| err(ServiceError::not_found("not_found").arg("matter").arg(code)))?;
    let versions = state
        .app
        .catalog()
        .matter_history(actor, m.id)
        .await
        .map_err(&err)?;
    let latest = versions.last().map_or(0, |v| v.version);
    let (from, to) = (
        q.from.unwrap_or(
            m.current_version
                .unwrap_or(latest)
                .min(latest.saturating_sub(1).max(1)),
        ),
        q.to.unwrap_or(latest),
    );
    let diff = if from != to && from > 0 {
        state
            .app
            .catalog()
            .matter_diff(actor, m.id, from, to)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let phrases: Vec<String> = state
        .app
        .catalog()
        .phrases_of_matter(m.id)
        .await
        .map_err(&err)?;
    let c = chrome(state, actor, prefs, "catalog").await?;
    let body = html! {
        @if let Some(p) = &problem { p.flash.err role="alert" { (p) } }
        (flash(q.msg.as_deref().map(|k| t(lang, k)), true))
        p { code { (m.code) } " · " @match m.current_version { Some(v) => { a href=(format!("/guide/{}", m.code)) { (t(lang, "catalog.public_guide").replace("{0}", &v.to_string())) } } None => { span.muted { (t(lang, "catalog.not_in_force")) } } } }
        @if actor.has(Permission::CatalogDraft) { p { a.button href=(format!("/catalog/{}/edit", m.code)) { (t(lang, "catalog.edit")) } } }
        section.card {
            h2 { (t(lang, "catalog.versions")) }
            table.data.stack {
                thead { tr { th { (t(lang, "catalog.version")) } th { (t(lang, "form.status")) } th { (t(lang, "catalog.note")) } th { (t(lang, "catalog.drafted_at")) } th { (t(lang, "catalog.effective")) } th { (t(lang, "form.actions")) } } }
                tbody {
                    @for v in versions.iter().rev() {
                        tr {
                            td data-label=(t(lang, "catalog.version")) { (v.version) }
                            td data-label=(t(lang, "form.status")) { span.badge { (status_label(lang, v.status)) } }
                            td data-label=(t(lang, "catalog.note")) { (v.note) @if !v.review_comment.is_empty() { div.muted { (v.review_comment) } } }
                            td data-label=(t(lang, "catalog.drafted_at")) { (local_minute(v.drafted_at_ms)) }
                            td data-label=(t(lang, "catalog.effective")) { (v.effective_date.map(|d| d.to_string()).unwrap_or_default()) }
                            td data-label=(t(lang, "form.actions")) {
                                @if v.status == VersionStatus::Draft && actor.has(Permission::CatalogDraft) {
                                    form.inline method="post" action=(format!("/catalog/{}/versions/{}/submit", m.code, v.version)) {
                                        (csrf(actor)) button type="submit" { (t(lang, "catalog.submit")) }
                                    }
                                }
                                @if v.status == VersionStatus::InReview && actor.has(Permission::CatalogReview) {
                                    form.review method="post" action=(format!("/catalog/{}/versions/{}/review", m.code, v.version)) {
                                        (csrf(actor))
                                        label { (t(lang, "catalog.effective")) " " input type="date" name="effective_date"; }
                                        label { (t(lang, "catalog.comment")) " " input type="text" name="comment" maxlength="500"; }
                                        button type="submit" name="decision" value="approve" { (t(lang, "catalog.approve")) }
                                        " "
                                        button.secondary type="submit" name="decision" value="reject" { (t(lang, "catalog.reject")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (t(lang, "catalog.phrases")) }
            p.muted { (t(lang, "catalog.phrases_note")) }
            ul.chips {
                @for p in &phrases {
                    li {
                        (p)
                        @if actor.has(Permission::CatalogDraft) {
                            form.inline method="post" action=(format!("/catalog/{}/phrases", m.code)) {
                                (csrf(actor)) input type="hidden" name="phrase" value=(p);
                                button.link type="submit" name="action" value="remove" aria-label=(format!("{} {p}", t(lang, "catalog.remove"))) { "×" }
                            }
                        }
                    }
                }
            }
            @if actor.has(Permission::CatalogDraft) {
                form.filters method="post" action=(format!("/catalog/{}/phrases", m.code)) {
                    (csrf(actor))
                    input type="text" name="phrase" maxlength="50" required placeholder=(t(lang, "catalog.phrase_placeholder")) aria-label=(t(lang, "catalog.phrases"));
                    button type="submit" name="action" value="add" { (t(lang, "catalog.add_phrase")) }
                }
            }
        }
        section.card {
            h2 { (t(lang, "catalog.diff")) " " span.muted { (t(lang, "catalog.diff_between").replace("{0}", &from.to_string()).replace("{1}", &to.to_string())) } }
            @if versions.len() > 1 {
                form.filters method="get" action=(format!("/catalog/{}", m.code)) {
                    label { (t(lang, "catalog.from")) " " select name="from" { @for v in &versions { option value=(v.version) selected[v.version == from] { (v.version) } } } }
                    label { (t(lang, "catalog.to")) " " select name="to" { @for v in &versions { option value=(v.version) selected[v.version == to] { (v.version) } } } }
                    button type="submit" { (t(lang, "catalog.compare")) }
                }
            }
            @if diff.is_empty() { p.muted { (t(lang, "catalog.no_diff")) } } @else {
                table.data.diff {
                    thead { tr { th { (t(lang, "catalog.field")) } th { (t(lang, "catalog.before")) } th { (t(lang, "catalog.after")) } } }
                    tbody { @for d in &diff { tr { td { (catalog::field_label(&d.field)) @if let Some(n) = d.field.strip_prefix("materials/") { div.muted { (n) } } } td.del { (show(&d.before)) } td.ins { (show(&d.after)) } } } }
                }
            }
        }
    };
    let mut res = html_page(layout::staff(&c, &m.name, body));
    *res.status_mut() = status;
    Ok(res)
}

fn show(v: &serde_json::Value) -> String {
    // A material reads as its row of the guide.
    if let Ok(m) = serde_json::from_value::<Material>(v.clone()) {
        return format!(
            "{} · {} · {} 份 · {} · {}{}",
            m.name,
            m.form.label_zh(),
            m.copies,
            m.necessity.label_zh(),
            m.source.label_zh(),
            if m.condition.is_empty() {
                String::new()
            } else {
                format!("（{}）", m.condition)
            }
        );
    }
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".to_owned(),
        other => other.to_string(),
    }
}

pub async fn submit_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path((code, n)): Path<(String, i64)>,
    _form: PageForm,
) -> Result<Response, WebError> {
    let err = page_err(prefs);
    let id = matter_id(&state, &code).await.map_err(&err)?;
    match state.app.catalog().submit_matter(&actor, id, n).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/catalog/{code}?msg=catalog.submitted")).into_response())
        }
        Err(e) => {
            matter_view(
                &state,
                &actor,
                prefs,
                &code,
                MatterPageQuery::default(),
                Some(e.message(prefs.lang)),
                crate::error::status_of(e.kind, e.code),
            )
            .await
        }
    }
}

pub async fn review_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path((code, n)): Path<(String, i64)>,
    form: PageForm,
) -> Result<Response, WebError> {
    let err = page_err(prefs);
    let id = matter_id(&state, &code).await.map_err(&err)?;
    let review = ReviewInput {
        approve: form.text("decision") == "approve",
        comment: form.text("comment"),
        effective_date: Some(form.text("effective_date")).filter(|s| !s.is_empty()),
    };
    match state
        .app
        .catalog()
        .review_matter(&actor, id, n, &review)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/catalog/{code}?msg={}",
            if review.approve {
                "catalog.published"
            } else {
                "catalog.rejected"
            }
        ))
        .into_response()),
        Err(e) => {
            matter_view(
                &state,
                &actor,
                prefs,
                &code,
                MatterPageQuery::default(),
                Some(e.message(prefs.lang)),
                crate::error::status_of(e.kind, e.code),
            )
            .await
        }
    }
}

pub async fn phrase_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    form: PageForm,
) -> Result<Response, WebError> {
    let add = form.text("action") != "remove";
    match state
        .app
        .catalog()
        .edit_phrase(&actor, &form.text("phrase"), &code, add)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/catalog/{code}?msg=catalog.saved")).into_response()),
        Err(e) => {
            matter_view(
                &state,
                &actor,
                prefs,
                &code,
                MatterPageQuery::default(),
                Some(e.message(prefs.lang)),
                crate::error::status_of(e.kind, e.code),
            )
            .await
        }
    }
}

/// The edit form's attachment upload (multipart `file` with the form's `_csrf`): answers the
/// stored file's content hash, which the form's script puts into the material's row.
pub async fn upload_form_file(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    mut mp: Multipart,
) -> ApiResult {
    actor.scope(Permission::CatalogDraft)?;
    let bad = |e: String| ServiceError::invalid("import_file_invalid").arg(e);
    let (mut csrf, mut file) = (None, None);
    while let Some(field) = mp.next_field().await.map_err(unreadable_upload)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().unwrap_or("form").to_owned();
        let bytes = field.bytes().await.map_err(unreadable_upload)?;
        match name.as_str() {
            "_csrf" => csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "file" => file = Some((file_name, bytes)),
            _ => {}
        }
    }
    if actor.csrf_token.is_empty() || csrf.as_deref() != Some(actor.csrf_token.as_str()) {
        return Err(ServiceError::forbidden("csrf_invalid").into());
    }
    let (name, bytes) = file.ok_or_else(|| bad("no file".to_owned()))?;
    let f = state.app.base().upload_file(&actor, &name, &bytes).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "content_hash": f.content_hash, "name": f.original_name })),
    )
        .into_response())
}

// ---- the edit form ----

fn blank_doc() -> MatterDoc {
    MatterDoc {
        name: String::new(),
        kind: MatterKind::Licensing,
        tier: Tier::Main,
        level: Level::County,
        body_nature: BodyNature::Statutory,
        audiences: vec![Audience::Person],
        legal_basis: Vec::new(),
        conditions: String::new(),
        statutory_days: 20,
        promised_days: Some(10),
        case_type: CaseType::Promised,
        fee: None,
        process_key: Some("licence_approval".to_owned()),
        trips: 0,
        trips_reason: String::new(),
        online_depth: OnlineDepth::FullyOnline,
        fully_online: true,
        handling_forms: vec![HandlingForm::Window, HandlingForm::Desktop],
        place: String::new(),
        hours: String::new(),
        consult_phone: String::new(),
        complaint_phone: "0571-12345".to_owned(),
        special_procedures: Vec::new(),
        result_name: String::new(),
        disposition: Disposition::default(),
        life_events: Vec::new(),
        materials: Vec::new(),
        form: Vec::new(),
    }
}

/// What the form shows: a draft's content, the version in force, or a blank matter.
async fn form_source(
    state: &AppState,
    actor: &Actor,
    code: &str,
) -> Result<
    (
        Option<fgf_app::catalog::MatterView>,
        MatterDoc,
        String,
        Option<String>,
    ),
    ServiceError,
> {
    let Some(m) = state.app.catalog().find_matter(code).await? else {
        return Ok((None, blank_doc(), String::new(), None));
    };
    let versions = state.app.catalog().matter_history(actor, m.id).await?;
    let latest = versions
        .iter()
        .rev()
        .find(|v| v.status == VersionStatus::Draft)
        .or_else(|| versions.last());
    let view = state
        .app
        .catalog()
        .matter_view(code, latest.map(|v| v.version))
        .await?;
    let doc = view.doc.clone();
    let dept = view.department_code.clone();
    let parent = view.parent_code.clone();
    Ok((Some(view), doc, dept, parent))
}

fn select<T: Copy + PartialEq, L: AsRef<str>>(
    name: &str,
    all: &[T],
    chosen: T,
    label: impl Fn(T) -> L,
    code: fn(T) -> &'static str,
) -> Markup {
    html! { select name=(name) id=(name) { @for v in all { option value=(code(*v)) selected[*v == chosen] { (label(*v).as_ref()) } } } }
}

/// A select in a row of the materials editor: labelled for a screen reader by its column,
/// without an id (the rows repeat it).
fn row_select<T: Copy + PartialEq, L: AsRef<str>>(
    name: &str,
    aria: &str,
    all: &[T],
    chosen: T,
    label: impl Fn(T) -> L,
    code: fn(T) -> &'static str,
) -> Markup {
    html! { select name=(name) aria-label=(aria) { @for v in all { option value=(code(*v)) selected[*v == chosen] { (label(*v).as_ref()) } } } }
}

fn checks<T: Copy + PartialEq, L: AsRef<str>>(
    name: &str,
    all: &[T],
    chosen: &[T],
    label: impl Fn(T) -> L,
    code: fn(T) -> &'static str,
) -> Markup {
    html! { span.checks { @for v in all { label.check { input type="checkbox" name=(name) value=(code(*v)) checked[chosen.contains(v)]; (label(*v).as_ref()) } } } }
}

/// The kind choice list: table A.1 and the district's own kinds from its dictionary. A kind
/// the dictionary has since dropped stays shown (by its code) on the matter that has it, so
/// the form does not change it silently; saving it is then refused as `kind_unknown`.
fn kind_select(lang: Lang, kinds: &MatterKinds, chosen: &MatterKind) -> Markup {
    let mut all = kinds.choices();
    if !all.contains(chosen) {
        all.push(chosen.clone());
    }
    html! { select name="kind" id="kind" { @for k in &all { option value=(k.code()) selected[k == chosen] { (kinds.label(k, lang)) } } } }
}

#[allow(clippy::too_many_arguments)]
async fn edit_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    code: &str,
    doc: &MatterDoc,
    department: &str,
    parent: Option<&str>,
    note: &str,
    problems: &[FieldProblem],
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let departments = state
        .app
        .base()
        .department_directory()
        .await
        .map_err(&err)?;
    let kinds = state.app.base().matter_kinds().await.map_err(&err)?;
    // The published processes by key, each once, named as the designer named it.
    let mut processes: Vec<(String, String)> = Vec::new();
    for d in state
        .app
        .process()
        .definitions(actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.status == fgf_domain::process::DefinitionStatus::Published)
    {
        if !processes.iter().any(|(k, _)| *k == d.key) {
            processes.push((d.key, d.name));
        }
    }
    let c = chrome(state, actor, prefs, "catalog").await?;
    let bad = |f: &str| problems.iter().any(|p| p.field == f);
    let field = |f: &str, label: &str, input: Markup| {
        html! {
            div.field.invalid[bad(f)] { label for=(f) { (label) } (input)
                @for p in problems.iter().filter(|p| p.field == f) { span.error { (p.message) } } }
        }
    };
    let is_new = code.is_empty();
    let mut rows: Vec<Material> = doc.materials.clone();
    let blank = Material {
        name: String::new(),
        form: MaterialForm::Original,
        copies: 1,
        necessity: Necessity::Required,
        condition: String::new(),
        source: MaterialSource::Applicant,
        blank_form: false,
        sample: false,
        blank_form_file: None,
        sample_file: None,
        deferrable: false,
        by_commitment: false,
    };
    rows.push(blank.clone());
    rows.push(blank);
    let action = if is_new {
        "/catalog/new".to_owned()
    } else {
        format!("/catalog/{code}/edit")
    };
    let body = html! {
        @if !problems.is_empty() {
            div.flash.err role="alert" { p { (t(lang, "catalog.fix_problems")) } ul { @for p in problems { li { (p.message) } } } }
        }
        form.matter-form method="post" action=(action) {
            (csrf(actor))
            fieldset {
                legend { (t(lang, "catalog.identity")) }
                (field("code", t(lang, "catalog.code"), html! { input id="code" name="code" value=(code) required maxlength="50" readonly[!is_new]; }))
                (field("parent_code", t(lang, "catalog.parent"), html! { input id="parent_code" name="parent_code" value=[parent] maxlength="50"; }))
                (field("tier", t(lang, "catalog.tier"), select("tier", Tier::ALL, doc.tier, Tier::label_zh, Tier::as_str)))
                (field("name", t(lang, "form.name"), html! { input id="name" name="name" value=(doc.name) required maxlength="200"; }))
                (field("kind", t(lang, "catalog.kind"), kind_select(lang, &kinds, &doc.kind)))
                (field("department", t(lang, "catalog.department"), html! { select id="department" name="department" { @for d in &departments { option value=(d.code) selected[d.code == department] { (d.name) } } } }))
                (field("level", t(lang, "catalog.level"), select("level", Level::ALL, doc.level, Level::label_zh, Level::code)))
                (field("body_nature", t(lang, "catalog.body_nature"), select("body_nature", BodyNature::ALL, doc.body_nature, BodyNature::label_zh, BodyNature::code)))
                (field("audiences", t(lang, "catalog.audience"), checks("audiences", Audience::ALL, &doc.audiences, Audience::label_zh, Audience::code)))
            }
            fieldset {
                legend { (t(lang, "catalog.basis_and_conditions")) }
                (field("legal_basis", t(lang, "catalog.legal_basis"), html! { textarea id="legal_basis" name="legal_basis" rows="3" placeholder=(t(lang, "catalog.one_per_line")) { (doc.legal_basis.join("\n")) } }))
                (field("conditions", t(lang, "catalog.conditions"), html! { textarea id="conditions" name="conditions" rows="3" { (doc.conditions) } }))
                (field("result_name", t(lang, "catalog.result"), html! { input id="result_name" name="result_name" value=(doc.result_name); }))
            }
            fieldset {
                legend { (t(lang, "catalog.time_and_fee")) }
                (field("case_type", t(lang, "catalog.case_type"), select("case_type", CaseType::ALL, doc.case_type, |c| coded(lang, "case_type", c.code()), CaseType::code)))
                (field("statutory_days", t(lang, "catalog.statutory"), html! { input id="statutory_days" name="statutory_days" type="number" min="0" value=(doc.statutory_days); }))
                (field("promised_days", t(lang, "catalog.promised"), html! { input id="promised_days" name="promised_days" type="number" min="0" value=[doc.promised_days]; }))
                (field("fee", t(lang, "catalog.fee_standard"), html! { input id="fee" name="fee" value=[doc.fee.as_ref().map(|f| f.standard.as_str())] placeholder=(t(lang, "catalog.free")); }))
                (field("fee_basis", t(lang, "catalog.fee_basis"), html! { input id="fee_basis" name="fee_basis" value=[doc.fee.as_ref().map(|f| f.basis.as_str())]; }))
                (field("special_procedures", t(lang, "catalog.special"), checks("special_procedures", SpecialProcedure::ALL, &doc.special_procedures, |p| coded(lang, "special_procedure", p.code()), SpecialProcedure::code)))
            }
            fieldset {
                legend { (t(lang, "catalog.how_to_apply")) }
                // Chosen by name from the published processes, never typed as a key.
                (field("process_key", t(lang, "catalog.process"), html! {
                    select id="process_key" name="process_key" {
                        option value="" { (t(lang, "catalog.process_none")) }
                        @for (key, name) in &processes { option value=(key) selected[doc.process_key.as_deref() == Some(key.as_str())] { (name) } }
                        @if let Some(k) = doc.process_key.as_deref().filter(|k| !processes.iter().any(|(p, _)| p == k)) {
                            option value=(k) selected { (k) (t(lang, "catalog.process_unpublished")) }
                        }
                    }
                }))
                (field("online_depth", t(lang, "catalog.online_depth"), select("online_depth", OnlineDepth::ALL, doc.online_depth, OnlineDepth::label_zh, OnlineDepth::code)))
                (field("fully_online", t(lang, "catalog.fully_online"), html! { input id="fully_online" type="checkbox" name="fully_online" value="1" checked[doc.fully_online]; }))
                (field("trips", t(lang, "catalog.trips"), html! { input id="trips" name="trips" type="number" min="0" max="9" value=(doc.trips); }))
                (field("trips_reason", t(lang, "catalog.trips_reason"), html! { input id="trips_reason" name="trips_reason" value=(doc.trips_reason); }))
                (field("handling_forms", t(lang, "catalog.handling_forms"), checks("handling_forms", HandlingForm::ALL, &doc.handling_forms, HandlingForm::label_zh, HandlingForm::code)))
                (field("place", t(lang, "catalog.place"), html! { input id="place" name="place" value=(doc.place); }))
                (field("hours", t(lang, "catalog.hours"), html! { input id="hours" name="hours" value=(doc.hours); }))
                (field("consult_phone", t(lang, "catalog.consult"), html! { input id="consult_phone" name="consult_phone" value=(doc.consult_phone); }))
                (field("complaint_phone", t(lang, "catalog.complaint"), html! { input id="complaint_phone" name="complaint_phone" value=(doc.complaint_phone); }))
                (field("life_events", t(lang, "catalog.life_events"), html! { input id="life_events" name="life_events" value=(doc.life_events.join("、")); }))
                (field("form_json", t(lang, "catalog.application_form"), html! { textarea id="form_json" name="form_json" rows="6" { (if doc.form.is_empty() { String::new() } else { serde_json::to_string_pretty(&doc.form).unwrap_or_default() }) } }))
            }
            fieldset {
                legend { (t(lang, "catalog.disposition")) }
                (field("disposition", t(lang, "catalog.disposition"), select("disposition", DispositionKind::ALL, doc.disposition.kind, DispositionKind::label_zh, DispositionKind::code)))
                (field("disposition_note", t(lang, "catalog.disposition_note"), html! { input id="disposition_note" name="disposition_note" value=(doc.disposition.note); }))
                (field("delegate_to", t(lang, "catalog.delegate_to"), html! { select id="delegate_to" name="delegate_to" { option value="" { "—" } @for d in departments.iter().filter(|d| matches!(d.kind.as_str(), "street" | "town")) { option value=(d.code) selected[doc.disposition.delegate_to.as_deref() == Some(d.code.as_str())] { (d.name) } } } }))
            }
            fieldset.materials {
                legend { (t(lang, "catalog.materials")) }
                @for p in problems.iter().filter(|p| p.field == "materials") { p.error { (p.message) } }
                div.table-wrap { table.data.stack.materials-editor {
                    thead { tr { th { (t(lang, "catalog.material")) } th { (t(lang, "catalog.form")) } th { (t(lang, "catalog.copies")) } th { (t(lang, "catalog.necessity")) } th { (t(lang, "catalog.condition")) } th { (t(lang, "catalog.source")) } } }
                    tbody {
                        @for (i, m) in rows.iter().enumerate() {
                            tr {
                                td data-label=(t(lang, "catalog.material")) {
                                    input name="m_name" value=(m.name) aria-label=(format!("{} {}", t(lang, "catalog.material"), i + 1));
                                    // The blank form and the sample are files kept with the material.
                                    input type="hidden" name="m_blank" value=(if m.blank_form { "1" } else { "0" });
                                    input type="hidden" name="m_sample" value=(if m.sample { "1" } else { "0" });
                                    div.files {
                                        label.file { (t(lang, "catalog.blank_form"))
                                            input name="m_blank_file" value=[m.blank_form_file.as_deref()] placeholder=(t(lang, "catalog.file_hash")) size="8";
                                            input.upload type="file" data-for="m_blank_file" aria-label=(t(lang, "catalog.upload_blank"));
                                        }
                                        label.file { (t(lang, "catalog.sample"))
                                            input name="m_sample_file" value=[m.sample_file.as_deref()] placeholder=(t(lang, "catalog.file_hash")) size="8";
                                            input.upload type="file" data-for="m_sample_file" aria-label=(t(lang, "catalog.upload_sample"));
                                        }
                                    }
                                }
                                td data-label=(t(lang, "catalog.form")) { (row_select("m_form", t(lang, "catalog.form"), MaterialForm::ALL, m.form, MaterialForm::label_zh, MaterialForm::code)) }
                                td data-label=(t(lang, "catalog.copies")) { input name="m_copies" type="number" min="1" value=(m.copies) aria-label=(t(lang, "catalog.copies")); }
                                td data-label=(t(lang, "catalog.necessity")) { (row_select("m_necessity", t(lang, "catalog.necessity"), Necessity::ALL, m.necessity, Necessity::label_zh, Necessity::code)) }
                                td data-label=(t(lang, "catalog.condition")) { input name="m_condition" value=(m.condition) aria-label=(t(lang, "catalog.condition")); }
                                td data-label=(t(lang, "catalog.source")) {
                                    (row_select("m_source", t(lang, "catalog.source"), MaterialSource::ALL, m.source, MaterialSource::label_zh, MaterialSource::code))
                                    // Whether the window may accept without it (容缺) or a signed commitment may replace it (告知承诺).
                                    select name="m_intake" aria-label=(t(lang, "catalog.material_intake")) {
                                        option value="" { (t(lang, "catalog.intake_plain")) }
                                        option value="deferrable" selected[m.deferrable] { (t(lang, "catalog.intake_deferrable")) }
                                        option value="commitment" selected[m.by_commitment] { (t(lang, "catalog.intake_commitment")) }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
            div.field { label for="note" { (t(lang, "catalog.change_note")) } input id="note" name="note" value=(note) required maxlength="200"; }
            p.actions { button type="submit" { (t(lang, "catalog.save_draft")) } }
        }
    };
    let title = if is_new {
        t(lang, "catalog.new").to_owned()
    } else {
        format!("{} · {}", t(lang, "catalog.edit"), doc.name)
    };
    let mut res = html_page(layout::staff(&c, &title, body));
    *res.status_mut() = status;
    Ok(res)
}

pub async fn new_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> Result<Response, WebError> {
    // A new matter starts in the department the keeper acts for.
    let dept = match actor.department_id {
        Some(id) => state
            .app
            .base()
            .department_directory()
            .await
            .map_err(page_err(prefs))?
            .into_iter()
            .find(|d| d.id == id)
            .map(|d| d.code)
            .unwrap_or_default(),
        None => String::new(),
    };
    edit_view(
        &state,
        &actor,
        prefs,
        "",
        &blank_doc(),
        &dept,
        None,
        "",
        &[],
        StatusCode::OK,
    )
    .await
}

pub async fn edit_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let (view, doc, dept, parent) = form_source(&state, &actor, &code)
        .await
        .map_err(page_err(prefs))?;
    if view.is_none() {
        return Err(page_err(prefs)(
            ServiceError::not_found("not_found")
                .arg("matter")
                .arg(&code),
        ));
    }
    edit_view(
        &state,
        &actor,
        prefs,
        &code,
        &doc,
        &dept,
        parent.as_deref(),
        "",
        &[],
        StatusCode::OK,
    )
    .await
}

/// Reads the edit form into a matter input; a value that cannot be read is a problem on its
/// field.
fn input_of(form: &PageForm, code: &str) -> (MatterInput, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let mut num = |name: &'static str, blank_ok: bool| -> Option<u32> {
        let v = form.text(name);
        if v.is_empty() {
            if !blank_ok {
                problems.push(FieldProblem {
                    field: name,
                    code: "cell_required",
                    message: t(Lang::Zh, "catalog.cell_required").to_owned(),
                });
            }
            return None;
        }
        match v.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(FieldProblem {
                    field: name,
                    code: "not_a_number",
                    message: t(Lang::Zh, "catalog.not_a_number").to_owned(),
                });
                None
            }
        }
    };
    let statutory_days = num("statutory_days", false).unwrap_or(0);
    let promised_days = num("promised_days", true);
    let trips = num("trips", false).unwrap_or(0);
    // A kind the form cannot read is said so, not replaced by another.
    let kind = MatterKind::from_code(&form.text("kind"));
    if kind.is_none() {
        problems.push(FieldProblem {
            field: "kind",
            code: "kind_unknown",
            message: t(Lang::Zh, "catalog.kind_unknown").to_owned(),
        });
    }
    let many = |name: &str, parse: &dyn Fn(&str) -> bool| -> Vec<String> {
        form.all(name).into_iter().filter(|v| parse(v)).collect()
    };
    let fee_standard = form.text("fee");
    let materials: Vec<Material> = {
        let names = form.all("m_name");
        let forms = form.all("m_form");
        let copies = form.all("m_copies");
        let nec = form.all("m_necessity");
        let cond = form.all("m_condition");
        let src = form.all("m_source");
        let blank = form.all("m_blank");
        let sample = form.all("m_sample");
        let blank_file = form.all("m_blank_file");
        let sample_file = form.all("m_sample_file");
        let intake = form.all("m_intake");
        let file = |v: Option<&String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        names
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.trim().is_empty())
            .map(|(i, n)| Material {
                name: n.trim().to_owned(),
                form: forms
                    .get(i)
                    .and_then(|f| MaterialForm::parse(f))
                    .unwrap_or(MaterialForm::Original),
                copies: copies
                    .get(i)
                    .and_then(|c| c.trim().parse().ok())
                    .unwrap_or(1),
                necessity: nec
                    .get(i)
                    .and_then(|f| Necessity::parse(f))
                    .unwrap_or(Necessity::Required),
                condition: cond.get(i).map(|c| c.trim().to_owned()).unwrap_or_default(),
                source: src
                    .get(i)
                    .and_then(|f| MaterialSource::parse(f))
                    .unwrap_or(MaterialSource::Applicant),
                // An attached file says by itself that the form or sample exists.
                blank_form: blank.get(i).is_some_and(|v| v == "1")
                    || file(blank_file.get(i)).is_some(),
                sample: sample.get(i).is_some_and(|v| v == "1")
                    || file(sample_file.get(i)).is_some(),
                blank_form_file: file(blank_file.get(i)),
                sample_file: file(sample_file.get(i)),
                deferrable: intake.get(i).is_some_and(|v| v == "deferrable"),
                by_commitment: intake.get(i).is_some_and(|v| v == "commitment"),
            })
            .collect()
    };
    let doc = MatterDoc {
        name: form.text("name"),
        kind: kind.unwrap_or(MatterKind::Licensing),
        tier: match form.text("tier").as_str() {
            "sub" => Tier::Sub,
            "item" => Tier::Item,
            _ => Tier::Main,
        },
        level: Level::parse(&form.text("level")).unwrap_or(Level::County),
        body_nature: BodyNature::parse(&form.text("body_nature")).unwrap_or_default(),
        audiences: many("audiences", &|v| Audience::parse(v).is_some())
            .iter()
            .filter_map(|v| Audience::parse(v))
            .collect(),
        legal_basis: form
            .text("legal_basis")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        conditions: form.text("conditions"),
        statutory_days,
        promised_days,
        case_type: CaseType::parse(&form.text("case_type")).unwrap_or(CaseType::Promised),
        fee: (!fee_standard.is_empty() || !form.text("fee_basis").is_empty()).then(|| Fee {
            standard: fee_standard.clone(),
            basis: form.text("fee_basis"),
        }),
        process_key: Some(form.text("process_key")).filter(|s| !s.is_empty()),
        trips,
        trips_reason: form.text("trips_reason"),
        online_depth: OnlineDepth::parse(&form.text("online_depth"))
            .unwrap_or(OnlineDepth::Published),
        fully_online: form.get("fully_online") == Some("1"),
        handling_forms: form
            .all("handling_forms")
            .iter()
            .filter_map(|v| HandlingForm::parse(v))
            .collect(),
        place: form.text("place"),
        hours: form.text("hours"),
        consult_phone: form.text("consult_phone"),
        complaint_phone: form.text("complaint_phone"),
        special_procedures: form
            .all("special_procedures")
            .iter()
            .filter_map(|v| SpecialProcedure::parse(v))
            .collect(),
        result_name: form.text("result_name"),
        disposition: Disposition {
            kind: DispositionKind::parse(&form.text("disposition"))
                .unwrap_or(DispositionKind::Retain),
            note: form.text("disposition_note"),
            delegate_to: Some(form.text("delegate_to")).filter(|s| !s.is_empty()),
        },
        life_events: fgf_domain::catalog::split_list(&form.text("life_events")),
        materials,
        form: {
            // The form definition is edited as its JSON text (the field-by-field builder
            // comes with the page work of issue 15); a text that does not read is marked.
            let text = form.text("form_json");
            if text.trim().is_empty() {
                Vec::new()
            } else {
                match serde_json::from_str(&text) {
                    Ok(f) => f,
                    Err(_) => {
                        problems.push(FieldProblem {
                            field: "form_json",
                            code: "form_invalid",
                            message: t(Lang::Zh, "catalog.form_invalid").to_owned(),
                        });
                        Vec::new()
                    }
                }
            }
        },
    };
    (
        MatterInput {
            code: code.to_owned(),
            parent_code: Some(form.text("parent_code")).filter(|s| !s.is_empty()),
            department_code: form.text("department"),
            doc,
            note: form.text("note"),
        },
        problems,
    )
}

async fn save_form(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    code: &str,
    form: PageForm,
) -> Result<Response, WebError> {
    let (input, mut problems) = input_of(&form, code);
    if problems.is_empty() {
        match state.app.catalog().draft_matter(actor, &input).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/catalog/{}?msg=catalog.draft_saved",
                    input.code
                ))
                .into_response())
            }
            Err(e) => {
                let listed: Vec<FieldProblem> = e
                    .details
                    .as_ref()
                    .and_then(|d| d.get("problems"))
                    .and_then(|p| serde_json::from_value::<Vec<serde_json::Value>>(p.clone()).ok())
                    .map(|ps| {
                        ps.iter()
                            .map(|p| FieldProblem {
                                field: leak_field(p["field"].as_str().unwrap_or("")),
                                code: "invalid",
                                message: p["message"].as_str().unwrap_or_default().to_owned(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if listed.is_empty() {
                    problems.push(FieldProblem {
                        field: "code",
                        code: e.code,
                        message: e.message(prefs.lang),
                    });
                } else {
                    problems = listed;
                }
            }
        }
    }
    edit_view(
        state,
        actor,
        prefs,
        code,
        &input.doc,
        &input.department_code,
        input.parent_code.as_deref(),
        &input.note,
        &problems,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Field names come back from the error details as strings; the form knows them all.
fn leak_field(f: &str) -> &'static str {
    const FIELDS: &[&str] = &[
        "code",
        "parent_code",
        "tier",
        "name",
        "kind",
        "department",
        "level",
        "audiences",
        "legal_basis",
        "conditions",
        "statutory_days",
        "promised_days",
        "case_type",
        "fee",
        "fee_basis",
        "process_key",
        "trips",
        "trips_reason",
        "online_depth",
        "fully_online",
        "handling_forms",
        "place",
        "hours",
        "consult_phone",
        "complaint_phone",
        "special_procedures",
        "result_name",
        "disposition",
        "disposition_note",
        "delegate_to",
        "life_events",
        "apply_count",
        "materials",
        "form_json",
    ];
    // The domain names the form definition `form`; the page edits it as `form_json`.
    let f = if f == "form" { "form_json" } else { f };
    FIELDS.iter().find(|x| **x == f).copied().unwrap_or("code")
}

pub async fn new_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> Result<Response, WebError> {
    let code = form.text("code");
    save_form(&state, &actor, prefs, &code, form).await
}

pub async fn edit_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    form: PageForm,
) -> Result<Response, WebError> {
    save_form(&state, &actor, prefs, &code, form).await
}

// ---- handovers, reports, import ----

pub async fn handovers_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<MatterPageQuery>,
) -> Result<Response, WebError> {
    handovers_view(
        &state,
        &actor,
        prefs,
        q.msg
            .as_deref()
            .map(|k| (t(prefs.lang, k).to_owned(), true)),
        StatusCode::OK,
    )
    .await
}

async fn handovers_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    message: Option<(String, bool)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let items = state
        .app
        .catalog()
        .handover_report(actor)
        .await
        .map_err(page_err(prefs))?;
    let pending = items
        .iter()
        .filter(|h| h.state == HandoverState::Pending)
        .count();
    let c = chrome(state, actor, prefs, "catalog").await?;
    let body = html! {
        @if let Some((m, ok)) = &message { (flash(Some(m), *ok)) }
        p.muted { (t(lang, "catalog.handover_note").replace("{0}", &pending.to_string())) }
        div.table-wrap { table.data.stack {
            thead { tr { th { (t(lang, "catalog.matter")) } th { (t(lang, "catalog.from_unit")) } th { (t(lang, "catalog.to_unit")) } th { (t(lang, "form.status")) } th { (t(lang, "catalog.days_waiting")) } th { (t(lang, "catalog.checklist")) } } }
            tbody {
                @for h in &items {
                    tr {
                        td data-label=(t(lang, "catalog.matter")) { a href=(format!("/catalog/{}", h.matter_code)) { (h.matter_name) } }
                        td data-label=(t(lang, "catalog.from_unit")) { (h.from_department) }
                        td data-label=(t(lang, "catalog.to_unit")) { (h.to_department) }
                        td data-label=(t(lang, "form.status")) { @if h.state == HandoverState::Pending { span.badge.warn { (t(lang, "catalog.awaiting_handover")) } } @else { span.badge.ok { (t(lang, "catalog.switched")) } } }
                        td data-label=(t(lang, "catalog.days_waiting")) { (h.days_waiting) }
                        td data-label=(t(lang, "catalog.checklist")) {
                            @if h.state == HandoverState::Pending && h.can_confirm {
                                form.checklist method="post" action=(format!("/catalog/handovers/{}", h.id)) {
                                    (csrf(actor))
                                    label { (t(lang, "handover.staff_named")) " " input name="staff_named" value=(h.checklist.staff_named) size="8"; }
                                    label.check { input type="checkbox" name="staff_trained" value="1" checked[h.checklist.staff_trained]; (t(lang, "handover.staff_trained")) }
                                    label.check { input type="checkbox" name="process_bound" value="1" checked[h.checklist.process_bound]; (t(lang, "handover.process_bound")) }
                                    label.check { input type="checkbox" name="guide_published" value="1" checked[h.checklist.guide_published]; (t(lang, "handover.guide_published")) }
                                    label { (t(lang, "handover.supervisor")) " " input name="supervisor" value=(h.checklist.supervisor) size="8"; }
                                    button type="submit" name="action" value="save" { (t(lang, "catalog.save")) }
                                    " "
                                    button type="submit" name="action" value="switch" { (t(lang, "catalog.switch_over")) }
                                }
                            } @else {
                                (h.checklist.open_items().len()) " " (t(lang, "catalog.items_open"))
                            }
                        }
                    }
                }
            }
        } }
    };
    let mut res = html_page(layout::staff(&c, t(lang, "catalog.handovers"), body));
    *res.status_mut() = status;
    Ok(res)
}

pub async fn handover_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let checklist = Checklist {
        staff_named: form.text("staff_named"),
        staff_trained: form.get("staff_trained") == Some("1"),
        process_bound: form.get("process_bound") == Some("1"),
        guide_published: form.get("guide_published") == Some("1"),
        supervisor: form.text("supervisor"),
    };
    let switch = form.text("action") == "switch";
    match state
        .app
        .catalog()
        .confirm_handover(&actor, id, &checklist, switch)
        .await
    {
        Ok(()) => Ok(Redirect::to(if switch {
            "/catalog/handovers?msg=catalog.switched_done"
        } else {
            "/catalog/handovers?msg=catalog.saved"
        })
        .into_response()),
        Err(e) => {
            handovers_view(
                &state,
                &actor,
                prefs,
                Some((e.message(prefs.lang), false)),
                crate::error::status_of(e.kind, e.code),
            )
            .await
        }
    }
}

pub async fn reports_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let reports = state
        .app
        .catalog()
        .catalog_reports()
        .await
        .map_err(page_err(prefs))?;
    let c = chrome(&state, &actor, prefs, "catalog").await?;
    let body = html! {
        @for r in &reports {
            section.card.report {
                h2 { (t(lang, &format!("catalog.report_{}", r.key))) }
                p.actions {
                    a.button.secondary href=(format!("/api/v1/catalog/reports/{}?format=csv", r.key)) { "CSV" }
                    " "
                    a.button.secondary href=(format!("/api/v1/catalog/reports/{}?format=xlsx", r.key)) { "xlsx" }
                }
                div.table-wrap { table.data.compact.stack {
                    thead { tr { @for h in &r.sheet.headers { th { (h) } } } }
                    tbody { @for (_, row) in &r.sheet.rows { tr { @for (i, c) in row.iter().enumerate() { td data-label=(r.sheet.headers.get(i).map_or("", String::as_str)) { (c) } } } } }
                } }
            }
        }
    };
    Ok(html_page(layout::staff(
        &c,
        t(lang, "catalog.reports"),
        body,
    )))
}

pub async fn import_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> Result<Response, WebError> {
    import_view(&state, &actor, prefs, None, StatusCode::OK).await
}

async fn import_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    outcome: Option<Result<fgf_app::catalog::ImportSummary, Vec<ImportError>>>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let c = chrome(state, actor, prefs, "catalog").await?;
    let body = html! {
        div id="import-result" {
            @match &outcome {
                Some(Ok(s)) => { p.flash.ok role="status" { (t(lang, "catalog.import_done").replace("{0}", &s.matters.to_string()).replace("{1}", &s.created.to_string()).replace("{2}", &s.new_versions.to_string()).replace("{3}", &s.unchanged.to_string())) } }
                Some(Err(errors)) => {
                    div.flash.err role="alert" {
                        p { (t(lang, "catalog.import_refused").replace("{0}", &errors.len().to_string())) }
                    }
                    div.table-wrap { table.data.compact.stack {
                        thead { tr { th { (t(lang, "catalog.sheet")) } th { (t(lang, "catalog.row")) } th { (t(lang, "catalog.column")) } th { (t(lang, "catalog.reason")) } } }
                        tbody { @for e in errors.iter().take(500) { tr { td data-label=(t(lang, "catalog.sheet")) { (e.sheet) } td data-label=(t(lang, "catalog.row")) { (e.row) } td data-label=(t(lang, "catalog.column")) { (e.column) } td data-label=(t(lang, "catalog.reason")) { (e.reason) } } } }
                    } }
                }
                None => {}
            }
        }
        section.card {
            p { (t(lang, "catalog.import_note")) }
            form id="import-form" method="post" action="/catalog/import" enctype="multipart/form-data" {
                (csrf(actor))
                div.field { label for="workbook" { (t(lang, "catalog.import_file")) } input id="workbook" type="file" name="workbook" accept=".xlsx,.csv" required; }
                div.field { label for="materials" { (t(lang, "catalog.import_materials")) } input id="materials" type="file" name="materials" accept=".csv"; }
                progress id="import-progress" max="100" value="0" hidden {}
                p.actions { button type="submit" { (t(lang, "catalog.import_start")) } }
            }
            p.muted { (t(lang, "catalog.template_note")) " " a href="/api/v1/catalog/export?format=xlsx" { (t(lang, "catalog.export_xlsx")) } }
        }
    };
    let mut res = html_page(layout::staff(&c, t(lang, "catalog.import"), body));
    *res.status_mut() = status;
    Ok(res)
}

pub async fn import_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    mp: Multipart,
) -> Result<Response, WebError> {
    let err = |e: ServiceError| WebError::new(e, Surface::Page, prefs.lang);
    actor.scope(Permission::CatalogDraft).map_err(err)?;
    let (sent, matters, materials) = read_upload(mp).await.map_err(err)?;
    if sent.as_deref() != Some(actor.csrf_token.as_str()) || actor.csrf_token.is_empty() {
        return Err(err(ServiceError::forbidden("csrf_invalid")));
    }
    let outcome = state
        .app
        .catalog()
        .import_catalog(
            actor.audit_ctx(state.app.now_ms()),
            &matters,
            &materials,
            ImportMode::ForReview,
        )
        .await
        .map_err(err)?;
    let status = if outcome.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    import_view(&state, &actor, prefs, Some(outcome), status).await
}

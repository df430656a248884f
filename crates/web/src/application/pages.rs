//! The applicant's pages (申请人): apply for a matter through its form with the guide's
//! materials, follow each application, supply what a correction notice asks for. Plain HTML
//! forms, so every step works with JavaScript off.

use super::view::{
    documents_card, history_card, licences_card, light_badge, materials_card, review_card,
    status_badge, visits_card,
};
use crate::error::WebError;
use crate::extract::PageQuery;
use crate::layout::{self, csrf, flash, html_page, page_err};
use crate::{AppState, Prefs};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use fgf_app::application::{ApplicationInput, MaterialInput};
use fgf_app::i18n::t;
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::application::{ApplicationId, ApplicationStatus, LicenceAction};
use fgf_domain::catalog::{FieldKind, FormField, Material, MaterialSource};
use fgf_store::application::ApplicationFilter;
use fgf_store::Page;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

type PageResult = Result<Response, WebError>;

/// Spare rows a table field offers (blank rows are not rows).
const TABLE_ROWS: usize = 3;

#[derive(Deserialize, Default)]
pub struct MsgQuery {
    msg: Option<String>,
    /// A draft being continued.
    draft: Option<i64>,
    /// The licence a change or renewal is for (from the licence's page).
    licence: Option<String>,
}

/// What the apply page shows again after a refusal: the values, the problems by field.
#[derive(Default)]
pub(super) struct Filled {
    pub(super) values: BTreeMap<String, String>,
    pub(super) problems: BTreeMap<String, String>,
    pub(super) message: Option<String>,
    pub(super) consent: bool,
    pub(super) draft_id: Option<i64>,
}

/// One control of a form field; `aria` names a control without a label of its own (a cell of
/// a table field: its column and row).
fn input_for(f: &FormField, name: &str, value: &str, lang: Lang, aria: Option<&str>) -> Markup {
    let kind = match f.kind {
        FieldKind::Number => "number",
        FieldKind::Date => "date",
        _ => "text",
    };
    html! {
        @match f.kind {
            FieldKind::Choice => {
                select id=(name) name=(name) aria-label=[aria] {
                    option value="" { (t(lang, "apply.choose")) }
                    @for o in &f.options { option value=(o) selected[o == value] { (o) } }
                }
            }
            FieldKind::Address => { textarea id=(name) name=(name) rows="2" aria-label=[aria] { (value) } }
            FieldKind::Number => { input id=(name) name=(name) type=(kind) step="any" value=(value) inputmode="decimal" aria-label=[aria]; }
            FieldKind::ResidentId | FieldKind::Uscc => { input id=(name) name=(name) type="text" value=(value) maxlength="18" autocomplete="off" spellcheck="false" aria-label=[aria]; }
            _ => { input id=(name) name=(name) type=(kind) value=(value) aria-label=[aria]; }
        }
    }
}

pub(super) fn form_fields(fields: &[FormField], filled: &Filled, lang: Lang) -> Markup {
    html! {
        @for f in fields {
            @let problem = filled.problems.get(&f.name);
            @if f.kind == FieldKind::Table {
                fieldset.table-field .invalid[filled.problems.keys().any(|k| k.starts_with(&format!("{}[", f.name)) || k == &f.name)] {
                    legend { (f.label) @if f.required { span.req aria-hidden="true" { "*" } } }
                    @if !f.help.is_empty() { p.help { (f.help) } }
                    @if let Some(p) = problem { p.error role="alert" { (p) } }
                    div.table-wrap { table.data.stack {
                        thead { tr { th { "#" } @for c in &f.columns { th { (c.label) } } } }
                        tbody {
                            @for row in 1..=TABLE_ROWS {
                                tr {
                                    td data-label="#" { (row) }
                                    @for c in &f.columns {
                                        @let name = format!("{}[{row}].{}", f.name, c.name);
                                        td data-label=(c.label) {
                                            (input_for(c, &name, filled.values.get(&name).map(String::as_str).unwrap_or(""), lang, Some(&format!("{} {} {row}", c.label, f.label))))
                                            @if let Some(p) = filled.problems.get(&name) { span.error { (p) } }
                                        }
                                    }
                                }
                            }
                        }
                    } }
                }
            } @else {
                div.field .invalid[problem.is_some()] {
                    label for=(f.name) { (f.label) @if f.required { span.req aria-hidden="true" { "*" } } }
                    (input_for(f, &f.name, filled.values.get(&f.name).map(String::as_str).unwrap_or(""), lang, None))
                    @if let Some(c) = &f.when { small.help { (t(lang, "apply.when").replace("{0}", &c.field).replace("{1}", &c.equals)) } }
                    @if !f.help.is_empty() { small.help { (f.help) } }
                    @if let Some(p) = problem { span.error role="alert" { (p) } }
                }
            }
        }
    }
}

pub(super) fn materials_fields(materials: &[Material], filled: &Filled, lang: Lang) -> Markup {
    html! {
        fieldset.materials-upload {
            legend { (t(lang, "apply.materials")) }
            p.help { (t(lang, "apply.materials_help")) }
            ul.plain.material-list {
                @for (i, m) in materials.iter().enumerate() {
                    @let name = format!("file_{i}");
                    li .invalid[filled.problems.contains_key(&format!("materials[{i}]"))] {
                        label for=(name) {
                            strong { (m.name) }
                            " "
                            span.tag { (m.necessity.label_zh()) }
                            @if !m.condition.is_empty() { " " small.muted { (m.condition) } }
                        }
                        @if m.source == MaterialSource::ELicence {
                            small.help { (t(lang, "apply.reusable")) }
                        }
                        input id=(name) name=(name) type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg";
                        @if m.by_commitment {
                            label.check { input type="checkbox" name="commitment" value=(m.name) checked[filled.values.contains_key(&format!("commitment:{}", m.name))]; " " (t(lang, "apply.commitment")) }
                            small.help { (t(lang, "apply.commitment_help")) }
                        }
                        @if let Some(p) = filled.problems.get(&format!("materials[{i}]")) { span.error role="alert" { (p) } }
                    }
                }
            }
            label.check { input type="checkbox" name="consent_reuse" value="1" checked[filled.consent]; " " (t(lang, "apply.consent")) }
        }
    }
}

async fn apply_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    code: &str,
    filled: Filled,
    status: StatusCode,
) -> PageResult {
    let lang = prefs.lang;
    let v = state
        .app
        .catalog()
        .matter_view(code, None)
        .await
        .map_err(page_err(prefs))?;
    let d = &v.doc;
    // A change or renewal acts on a licence the applicant holds: chosen from theirs.
    let held = if LicenceAction::of_matter(&d.name) == LicenceAction::Issue {
        None
    } else {
        let mine = state
            .app
            .application()
            .licences(actor, Page::new(Some(1), Some(100)))
            .await
            .map_err(page_err(prefs))?;
        Some(
            mine.items
                .into_iter()
                .filter(|l| l.standing == fgf_domain::application::Standing::Valid)
                .collect::<Vec<_>>(),
        )
    };
    let body = html! {
        nav.crumbs { a href="/guide" { (t(lang, "nav.guide")) } " › " a href=(format!("/guide/{code}")) { (d.name) } " › " (t(lang, "apply.title")) }
        h1 { (t(lang, "apply.title")) "：" (d.name) }
        p.muted { (v.department_name) " · " (t(lang, "apply.limit").replace("{0}", &d.promised_days.unwrap_or(d.statutory_days).to_string())) }
        (flash(filled.message.as_deref(), false))
        form.apply-form method="post" action=(format!("/apply/{code}")) enctype="multipart/form-data" {
            (csrf(actor))
            @if let Some(id) = filled.draft_id { input type="hidden" name="draft_id" value=(id); }
            @if let Some(held) = &held {
                section.card {
                    h2 { (t(lang, "apply.licence")) }
                    div.field .invalid[filled.problems.contains_key("licence")] {
                        label for="licence" { (t(lang, "apply.licence")) span.req aria-hidden="true" { "*" } }
                        select id="licence" name="licence" {
                            option value="" { (t(lang, "apply.choose")) }
                            @for l in held {
                                option value=(l.number) selected[filled.values.get("licence") == Some(&l.number)] {
                                    (l.content.title) " " (l.number) "（" (t(lang, "licence.valid_until")) " " (l.content.valid_until) "）"
                                }
                            }
                        }
                        small.help { (t(lang, "apply.licence_help")) }
                        @if let Some(p) = filled.problems.get("licence") { span.error role="alert" { (p) } }
                    }
                }
            }
            section.card {
                h2 { (t(lang, "apply.form")) }
                @if d.form.is_empty() { p.muted { (t(lang, "apply.no_form")) } }
                (form_fields(&d.form, &filled, lang))
            }
            section.card { (materials_fields(&d.materials, &filled, lang)) }
            p.actions {
                button type="submit" name="action" value="submit" { (t(lang, "apply.submit")) }
                " "
                button.secondary type="submit" name="action" value="draft" { (t(lang, "apply.save_draft")) }
            }
        }
    };
    let mut res = html_page(layout::portal(
        prefs,
        Some(actor),
        t(lang, "apply.title"),
        body,
    ));
    *res.status_mut() = status;
    Ok(res)
}

pub async fn apply_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<MsgQuery>,
) -> PageResult {
    actor.applicant_scope().map_err(page_err(prefs))?;
    let mut filled = Filled {
        consent: true,
        ..Filled::default()
    };
    if let Some(l) = q.licence.filter(|l| !l.is_empty()) {
        filled.values.insert("licence".to_owned(), l);
    }
    // Continuing a draft: its values fill the page.
    if let Some(id) = q.draft {
        let d = state
            .app
            .application()
            .application(&actor, ApplicationId::new(id))
            .await
            .map_err(page_err(prefs))?;
        if d.view.status == ApplicationStatus::Draft {
            flatten(&d.view.form, &mut filled.values);
            filled.draft_id = Some(id);
        }
    }
    apply_view(&state, &actor, prefs, &code, filled, StatusCode::OK).await
}

/// The stored form as page values (`table[1].column` for table cells).
fn flatten(form: &Value, out: &mut BTreeMap<String, String>) {
    let Some(obj) = form.as_object() else { return };
    for (k, v) in obj {
        match v {
            Value::Array(rows) => {
                for (i, r) in rows.iter().enumerate() {
                    if let Some(cells) = r.as_object() {
                        for (c, cv) in cells {
                            out.insert(format!("{k}[{}].{c}", i + 1), text(cv));
                        }
                    }
                }
            }
            other => {
                out.insert(k.clone(), text(other));
            }
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The page's values as the form object the use case checks.
pub(super) fn form_of(
    fields: &[FormField],
    values: &BTreeMap<String, String>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for f in fields {
        if f.kind == FieldKind::Table {
            let mut rows = Vec::new();
            for row in 1..=TABLE_ROWS {
                let mut cells = Map::new();
                for c in &f.columns {
                    let v = values
                        .get(&format!("{}[{row}].{}", f.name, c.name))
                        .cloned()
                        .unwrap_or_default();
                    cells.insert(c.name.clone(), Value::String(v));
                }
                rows.push(Value::Object(cells));
            }
            out.insert(f.name.clone(), Value::Array(rows));
        } else if let Some(v) = values.get(&f.name) {
            out.insert(f.name.clone(), Value::String(v.clone()));
        }
    }
    out
}

/// A multipart page form: its text fields and its files (field, file name, bytes).
pub(super) struct Upload {
    pub(super) fields: BTreeMap<String, String>,
    pub(super) files: Vec<(String, String, Vec<u8>)>,
}

pub(super) async fn read_multipart(
    mut mp: Multipart,
    actor: &Actor,
) -> Result<Upload, ServiceError> {
    let unreadable = |_| ServiceError::invalid("upload_unreadable");
    let mut fields = BTreeMap::new();
    let mut files = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(unreadable)?;
        match file_name {
            Some(f) if !f.is_empty() && !bytes.is_empty() => {
                fgf_app::text::check_file_name(&name, &f)?;
                files.push((name, f, bytes.to_vec()));
            }
            Some(_) => {}
            None => {
                let v = String::from_utf8(bytes.to_vec())
                    .map_err(|_| ServiceError::invalid("upload_unreadable"))?;
                crate::extract::check_page_text(&name, &v)?;
                // A group of checkboxes sends one name many times: each value is its own key.
                if name == "commitment" {
                    fields.insert(format!("commitment:{v}"), "1".to_owned());
                } else {
                    fields.insert(name, v);
                }
            }
        }
    }
    if fields.get("_csrf").map(String::as_str) != Some(actor.csrf_token.as_str())
        || actor.csrf_token.is_empty()
    {
        return Err(ServiceError::forbidden("csrf_invalid"));
    }
    Ok(Upload { fields, files })
}

/// Stores each file of the form as the caller's upload, for the material it was chosen for.
pub(super) async fn store_files(
    state: &AppState,
    actor: &Actor,
    materials: &[Material],
    files: &[(String, String, Vec<u8>)],
    problems: &mut BTreeMap<String, String>,
) -> Result<Vec<(usize, MaterialInput)>, ServiceError> {
    let mut out = Vec::new();
    for (field, file_name, bytes) in files {
        let Some(i) = field
            .strip_prefix("file_")
            .and_then(|i| i.parse::<usize>().ok())
        else {
            continue;
        };
        let Some(m) = materials.get(i) else {
            continue;
        };
        match state.app.base().upload_file(actor, file_name, bytes).await {
            Ok(f) => out.push((
                i,
                MaterialInput {
                    name: m.name.clone(),
                    file: f.content_hash,
                },
            )),
            Err(e) if e.kind == fgf_app::ErrorKind::Invalid => {
                problems.insert(format!("materials[{i}]"), e.message(Lang::Zh));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Marks the problems a refusal names on their fields; `sent[i]` is the guide index of the
/// i-th material sent.
pub(super) fn problems_of(e: &ServiceError, sent: &[usize], out: &mut BTreeMap<String, String>) {
    let Some(d) = &e.details else { return };
    if let Some(list) = d.get("problems").and_then(Value::as_array) {
        for p in list {
            if let (Some(f), Some(m)) = (
                p.get("field").and_then(Value::as_str),
                p.get("message_zh").and_then(Value::as_str),
            ) {
                out.insert(f.to_owned(), m.to_owned());
            }
        }
    }
    if let (Some(f), Some(m)) = (
        d.get("field").and_then(Value::as_str),
        d.get("reason").and_then(Value::as_str),
    ) {
        let key = f
            .strip_prefix("materials[")
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| sent.get(i))
            .map_or_else(|| f.to_owned(), |g| format!("materials[{g}]"));
        out.insert(key, m.to_owned());
    }
}

pub async fn apply_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let err = page_err(prefs);
    actor.applicant_scope().map_err(&err)?;
    let mp = mp.map_err(|_| err(ServiceError::invalid("upload_unreadable")))?;
    let up = read_multipart(mp, &actor).await.map_err(&err)?;
    let v = state
        .app
        .catalog()
        .matter_view(&code, None)
        .await
        .map_err(&err)?;
    let draft = up.fields.get("action").map(String::as_str) == Some("draft");
    let consent = up.fields.contains_key("consent_reuse");
    let draft_id = up
        .fields
        .get("draft_id")
        .and_then(|s| s.parse::<i64>().ok());
    let mut problems = BTreeMap::new();
    let stored = store_files(&state, &actor, &v.doc.materials, &up.files, &mut problems)
        .await
        .map_err(&err)?;
    let sent: Vec<usize> = stored.iter().map(|(i, _)| *i).collect();
    let input = ApplicationInput {
        matter_code: code.clone(),
        form: Value::Object(form_of(&v.doc.form, &up.fields)),
        materials: stored.into_iter().map(|(_, m)| m).collect(),
        consent_reuse: consent,
        draft,
        licence: up.fields.get("licence").filter(|l| !l.is_empty()).cloned(),
        commitments: up
            .fields
            .keys()
            .filter_map(|k| k.strip_prefix("commitment:"))
            .map(str::to_owned)
            .collect(),
    };
    let uc = state.app.application();
    let outcome = if !problems.is_empty() {
        Err(ServiceError::invalid("application_material_type"))
    } else if let Some(id) = draft_id {
        let id = ApplicationId::new(id);
        match uc.update_draft(&actor, id, &input).await {
            Ok(view) if draft => Ok(view),
            Ok(_) => uc.submit_draft(&actor, id).await,
            Err(e) => Err(e),
        }
    } else {
        uc.submit_application(&actor, &input).await
    };
    match outcome {
        Ok(view) => {
            let msg = if draft {
                "apply.draft_saved"
            } else {
                "apply.submitted"
            };
            Ok(Redirect::to(&format!("/me/applications/{}?msg={msg}", view.id)).into_response())
        }
        Err(e) if refusal(&e).is_some() => {
            let (filled, status) = refused(&e, prefs.lang, up, &sent, problems, consent, draft_id);
            apply_view(&state, &actor, prefs, &code, filled, status).await
        }
        Err(e) => Err(err(e)),
    }
}

/// The status a refusal the apply pages show again answers with: a client's mistake (422) or
/// a conflict with the record (409: a bar, a licence in hand); None for anything else.
pub(super) fn refusal(e: &ServiceError) -> Option<StatusCode> {
    match e.kind {
        fgf_app::ErrorKind::Invalid => Some(StatusCode::UNPROCESSABLE_ENTITY),
        fgf_app::ErrorKind::Conflict => Some(StatusCode::CONFLICT),
        _ => None,
    }
}

/// After a refusal the page comes back with what was sent, each problem on its field and the
/// message (files are chosen again: a browser cannot be handed them back).
pub(super) fn refused(
    e: &ServiceError,
    lang: Lang,
    up: Upload,
    sent: &[usize],
    mut problems: BTreeMap<String, String>,
    consent: bool,
    draft_id: Option<i64>,
) -> (Filled, StatusCode) {
    problems_of(e, sent, &mut problems);
    let reselect = if up.files.is_empty() {
        ""
    } else {
        t(lang, "apply.reselect_files")
    };
    let filled = Filled {
        values: up.fields,
        message: Some(format!("{}{reselect}", e.message(lang))),
        problems,
        consent,
        draft_id,
    };
    (
        filled,
        refusal(e).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
    )
}

pub async fn my_applications(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let lang = prefs.lang;
    let list = state
        .app
        .application()
        .applications(
            &actor,
            &ApplicationFilter::default(),
            Page::new(Some(1), Some(100)),
        )
        .await
        .map_err(page_err(prefs))?;
    let licences = state
        .app
        .application()
        .licences(&actor, Page::new(Some(1), Some(50)))
        .await
        .map_err(page_err(prefs))?;
    let cases = state
        .app
        .application()
        .life_event_cases(&actor)
        .await
        .map_err(page_err(prefs))?;
    let body = html! {
        h1 { (t(lang, "apply.mine")) }
        @if !cases.is_empty() {
            section.card {
                h2 { (t(lang, "life_event.mine")) }
                ul.plain {
                    @for c in &cases {
                        li {
                            a href=(format!("/me/life-events/{}", c.id)) { (c.event_name) " " (c.number) }
                            " " span.tag { (t(lang, &format!("life_event.standing.{}", c.standing))) }
                            " " small.muted { (c.applications.iter().map(|a| a.matter_name.as_str()).collect::<Vec<_>>().join("、")) }
                        }
                    }
                }
            }
        }
        section.card {
            @if list.items.is_empty() { p.muted { (t(lang, "apply.none")) " " a href="/guide" { (t(lang, "nav.guide")) } } }
            @else {
                table.data.stack {
                    thead { tr { th { (t(lang, "apply.number")) } th { (t(lang, "apply.matter")) } th { (t(lang, "apply.status")) } th { (t(lang, "apply.due")) } } }
                    tbody {
                        @for a in &list.items {
                            tr {
                                td data-label=(t(lang, "apply.number")) { a href=(format!("/me/applications/{}", a.id)) { (a.number) } }
                                td data-label=(t(lang, "apply.matter")) { (a.matter_name) }
                                td data-label=(t(lang, "apply.status")) { (status_badge(lang, a.status)) }
                                td data-label=(t(lang, "apply.due")) {
                                    @if let Some(d) = a.due { (d) " " } @else { "—" }
                                    @if let Some(l) = a.light { (light_badge(lang, l, a.workdays_left)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (t(lang, "licence.mine")) }
            @if licences.items.is_empty() { p.muted { (t(lang, "form.none")) } }
            ul.plain { @for l in &licences.items { li { a href=(format!("/licences/{}", l.number)) { (l.content.title) " " (l.number) } " " span.tag { (t(lang, &format!("licence.standing.{}", l.standing))) } } } }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        Some(&actor),
        t(lang, "apply.mine"),
        body,
    )))
}

pub async fn my_application(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    PageQuery(q): PageQuery<MsgQuery>,
) -> PageResult {
    applicant_detail(
        &state,
        &actor,
        prefs,
        id,
        q.msg
            .as_deref()
            .map(|m| (t(prefs.lang, m).to_owned(), true)),
        StatusCode::OK,
    )
    .await
}

async fn applicant_detail(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: ApplicationId,
    note: Option<(String, bool)>,
    status: StatusCode,
) -> PageResult {
    let lang = prefs.lang;
    let d = state
        .app
        .application()
        .application(actor, id)
        .await
        .map_err(page_err(prefs))?;
    let a = &d.view;
    let doc = state
        .app
        .catalog()
        .matter_view(&a.matter_code, None)
        .await
        .ok()
        .map(|v| v.doc);
    let deferred = fgf_app::application::outstanding_deferred(&d.materials);
    let body = html! {
        nav.crumbs { a href="/me/applications" { (t(lang, "apply.mine")) } " › " (a.number) }
        h1 { (a.matter_name) }
        @if let Some((m, ok)) = &note { (flash(Some(m), *ok)) }
        section.card.case-head {
            dl.kv {
                dt { (t(lang, "apply.number")) } dd { (a.number) }
                dt { (t(lang, "apply.status")) } dd { (status_badge(lang, a.status)) }
                @if let Some(r) = a.received_on { dt { (t(lang, "apply.received")) } dd { (r) } }
                @if let Some(r) = a.accepted_on { dt { (t(lang, "apply.accepted")) } dd { (r) } }
                @if let Some(due) = a.due { dt { (t(lang, "apply.due")) } dd { (due) " " @if let Some(l) = a.light { (light_badge(lang, l, a.workdays_left)) } } }
                @if !a.overdue_reason.is_empty() { dt { (t(lang, "apply.overdue_reason")) } dd { (a.overdue_reason) } }
                @if !a.decision_reasons.is_empty() { dt { (t(lang, "apply.reasons")) } dd { (a.decision_reasons) } }
                @if let Some(n) = &a.licence_number { dt { (t(lang, "apply.licence")) } dd { a href=(format!("/licences/{n}")) { (n) } } }
                @if let Some(c) = a.life_event_case_id { dt { (t(lang, "life_event.case")) } dd { a href=(format!("/me/life-events/{c}")) { (t(lang, "life_event.title")) } } }
            }
        }
        @if a.status == ApplicationStatus::Draft {
            section.card {
                h2 { (t(lang, "apply.draft")) }
                p { (t(lang, "apply.draft_note")) }
                p.actions { a.button href=(format!("/apply/{}?draft={}", a.matter_code, a.id)) { (t(lang, "apply.continue")) } }
            }
        }
        @if a.status == ApplicationStatus::AwaitingSupplement {
            section.card.asked {
                h2 { (t(lang, "apply.asked")) }
                ol { @for item in &a.correction_items { li { (item) } } }
                form method="post" action=(format!("/me/applications/{}/supplement", a.id)) enctype="multipart/form-data" {
                    (csrf(actor))
                    @if let Some(doc) = &doc {
                        ul.plain.material-list {
                            @for (i, m) in doc.materials.iter().enumerate() {
                                li { label for=(format!("file_{i}")) { (m.name) } input id=(format!("file_{i}")) name=(format!("file_{i}")) type="file" accept=".pdf,.png,.jpg,.jpeg"; }
                            }
                        }
                    }
                    div.field { label for="note" { (t(lang, "apply.supply_note")) } textarea id="note" name="note" rows="2" {} }
                    p.actions { button type="submit" { (t(lang, "apply.supply")) } }
                }
            }
        }
        @if !deferred.is_empty() && a.status != ApplicationStatus::AwaitingSupplement {
            section.card.asked {
                h2 { (t(lang, "apply.deferred")) }
                form method="post" action=(format!("/me/applications/{}/supplement", a.id)) enctype="multipart/form-data" {
                    (csrf(actor))
                    ul.plain.material-list {
                        @for m in &deferred {
                            @if let Some(i) = doc.as_ref().and_then(|doc| doc.materials.iter().position(|g| g.name == m.name)) {
                                li {
                                    label for=(format!("file_{i}")) { (m.name) " " small.muted { (t(lang, "apply.deferred_due").replace("{0}", &m.due_on.map(|d| d.to_string()).unwrap_or_default())) } }
                                    input id=(format!("file_{i}")) name=(format!("file_{i}")) type="file" accept=".pdf,.png,.jpg,.jpeg";
                                }
                            }
                        }
                    }
                    div.field { label for="note" { (t(lang, "apply.supply_note")) } textarea id="note" name="note" rows="2" {} }
                    p.actions { button type="submit" { (t(lang, "apply.supply")) } }
                }
            }
        }
        (documents_card(lang, a.id, &d.documents))
        (licences_card(lang, &d.licences))
        (materials_card(lang, &d.materials))
        (review_card(lang, &d.review, false))
        (visits_card(lang, &d.visits))
        (history_card(lang, &d.events))
    };
    let mut res = html_page(layout::portal(prefs, Some(actor), &a.number, body));
    *res.status_mut() = status;
    Ok(res)
}

pub async fn supply_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let err = page_err(prefs);
    let mp = mp.map_err(|_| err(ServiceError::invalid("upload_unreadable")))?;
    let up = read_multipart(mp, &actor).await.map_err(&err)?;
    let d = state
        .app
        .application()
        .application(&actor, id)
        .await
        .map_err(&err)?;
    let doc = state
        .app
        .catalog()
        .matter_view(&d.view.matter_code, None)
        .await
        .map_err(&err)?
        .doc;
    let mut problems = BTreeMap::new();
    let materials: Vec<MaterialInput> =
        store_files(&state, &actor, &doc.materials, &up.files, &mut problems)
            .await
            .map_err(&err)?
            .into_iter()
            .map(|(_, m)| m)
            .collect();
    if let Some(p) = problems.values().next() {
        return applicant_detail(
            &state,
            &actor,
            prefs,
            id,
            Some((p.clone(), false)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let note = up.fields.get("note").cloned().unwrap_or_default();
    match state
        .app
        .application()
        .supply(&actor, id, &note, &materials)
        .await
    {
        Ok(_) => {
            // A correction round starts intake again; materials accepted missing (容缺) just
            // join the case being handled.
            let msg = if d.view.status == ApplicationStatus::AwaitingSupplement {
                "apply.supplied"
            } else {
                "apply.deferred_supplied"
            };
            Ok(Redirect::to(&format!("/me/applications/{id}?msg={msg}")).into_response())
        }
        Err(e)
            if matches!(
                e.kind,
                fgf_app::ErrorKind::Invalid | fgf_app::ErrorKind::Conflict
            ) =>
        {
            let status = crate::error::status_of(e.kind, e.code);
            applicant_detail(
                &state,
                &actor,
                prefs,
                id,
                Some((e.message(prefs.lang), false)),
                status,
            )
            .await
        }
        Err(e) => Err(err(e)),
    }
}

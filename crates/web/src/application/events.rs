//! Life-event packages (一件事一次办) on the portal: the list, one package with its matters
//! and the materials brought once, the one form that fans out into an application per
//! matter, and the applicant's page of the case. Plain HTML forms, as the apply page.

use super::pages::{
    form_fields, form_of, materials_fields, read_multipart, refusal, refused, store_files, Filled,
};
use super::view::{light_badge, status_badge};
use crate::error::WebError;
use crate::extract::PageQuery;
use crate::layout::{self, csrf, flash, html_page, page_err};
use crate::{AppState, MaybeActor, Prefs};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use fgf_app::application::{LifeEventApplicationInput, LifeEventView};
use fgf_app::i18n::t;
use fgf_app::{Actor, Lang, ServiceError};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

type PageResult = Result<Response, WebError>;

#[derive(Deserialize, Default)]
pub struct MsgQuery {
    msg: Option<String>,
}

fn matters_table(lang: Lang, e: &LifeEventView) -> Markup {
    html! {
        table.data.stack {
            thead { tr { th { (t(lang, "apply.matter")) } th { (t(lang, "catalog.department")) } th { (t(lang, "apply.limit_short")) } } }
            tbody {
                @for m in &e.matters {
                    tr {
                        td data-label=(t(lang, "apply.matter")) { a href=(format!("/guide/{}", m.code)) { (m.name) } }
                        td data-label=(t(lang, "catalog.department")) { (m.department) }
                        td data-label=(t(lang, "apply.limit_short")) {
                            @if m.in_force { (t(lang, "life_event.limit").replace("{0}", &m.limit_workdays.to_string())) }
                            @else { span.tag { (t(lang, "life_event.not_in_force")) } }
                        }
                    }
                }
            }
        }
    }
}

/// Every package, for the portal.
pub async fn list_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
) -> PageResult {
    let lang = prefs.lang;
    let all = state
        .app
        .application()
        .life_events()
        .await
        .map_err(page_err(prefs))?;
    let body = html! {
        nav.crumbs { a href="/guide" { (t(lang, "nav.guide")) } " › " (t(lang, "life_event.title")) }
        h1 { (t(lang, "life_event.title")) }
        @if all.is_empty() { p.muted { (t(lang, "life_event.none")) } }
        @for e in &all {
            section.card {
                h2 { a href=(format!("/life-events/{}", e.code)) { (e.name) } }
                @if !e.summary.is_empty() { p { (e.summary) } }
                p.muted { (e.matters.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(" ＋ ")) }
            }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        t(lang, "life_event.title"),
        body,
    )))
}

/// One package: its matters, limits and departments, the materials brought once.
pub async fn event_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    Path(code): Path<String>,
) -> PageResult {
    let lang = prefs.lang;
    let e = state
        .app
        .application()
        .life_event(&code)
        .await
        .map_err(page_err(prefs))?;
    let open = e.matters.iter().all(|m| m.in_force);
    let body = html! {
        nav.crumbs { a href="/guide" { (t(lang, "nav.guide")) } " › " a href="/life-events" { (t(lang, "life_event.title")) } " › " (e.name) }
        h1 { (e.name) }
        @if !e.summary.is_empty() { p { (e.summary) } }
        p.muted { (t(lang, "life_event.fan_out")) }
        section.card {
            h2 { (t(lang, "life_event.matters")) }
            (matters_table(lang, &e))
        }
        section.card {
            h2 { (t(lang, "life_event.materials")) }
            ul.plain.material-list {
                @for m in &e.materials {
                    li { strong { (m.name) } " " span.tag { (m.necessity.label_zh()) } @if !m.condition.is_empty() { " " small.muted { (m.condition) } } }
                }
            }
        }
        @if open && maybe.0.as_ref().is_none_or(|a| a.is_applicant()) {
            p.actions { a.button href=(format!("/apply/event/{}", e.code)) { (t(lang, "life_event.apply")) } }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        &e.name,
        body,
    )))
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
    let e = state
        .app
        .application()
        .life_event(code)
        .await
        .map_err(page_err(prefs))?;
    let body = html! {
        nav.crumbs { a href="/life-events" { (t(lang, "life_event.title")) } " › " a href=(format!("/life-events/{code}")) { (e.name) } " › " (t(lang, "life_event.apply")) }
        h1 { (t(lang, "life_event.apply")) "：" (e.name) }
        p.muted { (t(lang, "life_event.fan_out")) }
        (flash(filled.message.as_deref(), false))
        section.card { (matters_table(lang, &e)) }
        form.apply-form method="post" action=(format!("/apply/event/{code}")) enctype="multipart/form-data" {
            (csrf(actor))
            section.card {
                h2 { (t(lang, "apply.form")) }
                (form_fields(&e.form, &filled, lang))
            }
            section.card { (materials_fields(&e.materials, &filled, lang)) }
            p.actions { button type="submit" { (t(lang, "apply.submit")) } }
        }
    };
    let mut res = html_page(layout::portal(
        prefs,
        Some(actor),
        t(lang, "life_event.apply"),
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
) -> PageResult {
    actor.applicant_scope().map_err(page_err(prefs))?;
    let filled = Filled {
        consent: true,
        ..Filled::default()
    };
    apply_view(&state, &actor, prefs, &code, filled, StatusCode::OK).await
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
    let e = state
        .app
        .application()
        .life_event(&code)
        .await
        .map_err(&err)?;
    let consent = up.fields.contains_key("consent_reuse");
    let mut problems = BTreeMap::new();
    let stored = store_files(&state, &actor, &e.materials, &up.files, &mut problems)
        .await
        .map_err(&err)?;
    let sent: Vec<usize> = stored.iter().map(|(i, _)| *i).collect();
    let input = LifeEventApplicationInput {
        event: code.clone(),
        form: Value::Object(form_of(&e.form, &up.fields)),
        materials: stored.into_iter().map(|(_, m)| m).collect(),
        consent_reuse: consent,
    };
    let outcome = if problems.is_empty() {
        state
            .app
            .application()
            .apply_life_event(&actor, &code, &input)
            .await
    } else {
        Err(ServiceError::invalid("application_material_type"))
    };
    match outcome {
        Ok(case) => Ok(Redirect::to(&format!(
            "/me/life-events/{}?msg=life_event.submitted",
            case.id
        ))
        .into_response()),
        Err(e) if refusal(&e).is_some() => {
            let (filled, status) = refused(&e, prefs.lang, up, &sent, problems, consent, None);
            apply_view(&state, &actor, prefs, &code, filled, status).await
        }
        Err(e) => Err(err(e)),
    }
}

/// One of the applicant's cases: each application with its status, deadline and link.
pub async fn case_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<MsgQuery>,
) -> PageResult {
    let lang = prefs.lang;
    let c = state
        .app
        .application()
        .life_event_case(&actor, id)
        .await
        .map_err(page_err(prefs))?;
    let msg = q
        .msg
        .as_deref()
        .filter(|m| m.starts_with("life_event."))
        .map(|m| t(lang, m));
    let body = html! {
        nav.crumbs { a href="/me/applications" { (t(lang, "apply.mine")) } " › " (c.event_name) }
        h1 { (c.event_name) }
        (flash(msg, true))
        p { (t(lang, "life_event.number")) "：" (c.number) " · " (t(lang, "life_event.standing")) "：" span.tag { (t(lang, &format!("life_event.standing.{}", c.standing))) } }
        section.card {
            table.data.stack {
                thead { tr { th { (t(lang, "apply.number")) } th { (t(lang, "apply.matter")) } th { (t(lang, "apply.status")) } th { (t(lang, "apply.due")) } } }
                tbody {
                    @for a in &c.applications {
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
    };
    Ok(html_page(layout::portal(
        prefs,
        Some(&actor),
        &c.event_name,
        body,
    )))
}

#[derive(Deserialize, Default)]
pub struct KeeperQuery {
    msg: Option<String>,
    /// The package being edited.
    edit: Option<String>,
}

/// What the keeper's form shows again: the values sent and the message of a refusal.
#[derive(Default)]
struct KeeperForm {
    code: String,
    name: String,
    summary: String,
    matters: Vec<String>,
    editing: bool,
    problem: Option<String>,
}

async fn keeper_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    form: KeeperForm,
    msg: Option<&str>,
    status: StatusCode,
) -> PageResult {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let uc = state.app.application();
    let events = uc.life_events().await.map_err(&err)?;
    let departments = state
        .app
        .base()
        .department_directory()
        .await
        .map_err(&err)?;
    let in_force = state.app.catalog().matters_in_force().await.map_err(&err)?;
    let c = layout::chrome(state, actor, prefs, "catalog").await?;
    // Matters in force by department, so a package across departments is picked, not typed.
    let groups: Vec<(String, Vec<(String, String)>)> = departments
        .iter()
        .map(|d| {
            let items: Vec<(String, String)> = in_force
                .iter()
                .filter(|(m, _)| m.department_id == d.id)
                .map(|(m, _)| (m.code.clone(), m.name.clone()))
                .collect();
            (d.name.clone(), items)
        })
        .filter(|(_, items)| !items.is_empty())
        .collect();
    let body = html! {
        (flash(msg, true))
        section.card {
            h2 { (t(lang, "life_event.title")) }
            @if events.is_empty() { p.muted { (t(lang, "life_event.none")) } }
            @else {
                table.data.stack {
                    thead { tr { th { (t(lang, "life_event.name")) } th { (t(lang, "life_event.matters")) } th { (t(lang, "form.actions")) } } }
                    tbody {
                        @for e in &events {
                            tr {
                                td data-label=(t(lang, "life_event.name")) { a href=(format!("/life-events/{}", e.code)) { (e.name) } " " small.muted { (e.code) } }
                                td data-label=(t(lang, "life_event.matters")) { (e.matters.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(" ＋ ")) }
                                td data-label=(t(lang, "form.actions")) { a href=(format!("/catalog/life-events?edit={}", e.code)) { (t(lang, "form.edit")) } }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (t(lang, if form.editing { "life_event.edit" } else { "life_event.new" })) }
            @if let Some(p) = &form.problem { p.error role="alert" { (p) } }
            form.stack method="post" action="/catalog/life-events" {
                (csrf(actor))
                div.field {
                    label for="code" { (t(lang, "life_event.code")) }
                    @if form.editing {
                        input id="code" name="code" value=(form.code) readonly;
                    } @else {
                        input id="code" name="code" value=(form.code) required pattern="[A-Za-z0-9-]{2,32}";
                        small.help { (t(lang, "life_event.code_help")) }
                    }
                }
                div.field { label for="name" { (t(lang, "life_event.name")) } input id="name" name="name" value=(form.name) required; }
                div.field { label for="summary" { (t(lang, "life_event.summary")) } textarea id="summary" name="summary" rows="2" { (form.summary) } }
                fieldset.picker {
                    legend { (t(lang, "life_event.matters")) }
                    p.help { (t(lang, "life_event.matters_help")) }
                    @for (dept, items) in &groups {
                        details open[items.iter().any(|(code, _)| form.matters.contains(code))] {
                            summary { (dept) " " span.muted { (items.len()) } }
                            ul.plain {
                                @for (code, name) in items {
                                    li { label.check { input type="checkbox" name="matters" value=(code) checked[form.matters.contains(code)]; " " (name) " " small.muted { (code) } } }
                                }
                            }
                        }
                    }
                }
                p.actions { button type="submit" { (t(lang, "form.save")) } }
            }
        }
    };
    let mut res = html_page(layout::staff(&c, t(lang, "life_event.title"), body));
    *res.status_mut() = status;
    Ok(res)
}

/// The keeper's page: the packages, and the form that defines or changes one.
pub async fn keeper_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<KeeperQuery>,
) -> PageResult {
    let lang = prefs.lang;
    let mut form = KeeperForm::default();
    if let Some(code) = q.edit.filter(|c| !c.is_empty()) {
        let e = state
            .app
            .application()
            .life_event(&code)
            .await
            .map_err(page_err(prefs))?;
        form = KeeperForm {
            code: e.code,
            name: e.name,
            summary: e.summary,
            matters: e.matters.into_iter().map(|m| m.code).collect(),
            editing: true,
            problem: None,
        };
    }
    let msg = q
        .msg
        .as_deref()
        .filter(|m| m.starts_with("life_event."))
        .map(|m| t(lang, m));
    keeper_view(&state, &actor, prefs, form, msg, StatusCode::OK).await
}

pub async fn keeper_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: crate::extract::PageForm,
) -> PageResult {
    let code = form.text("code");
    let input = fgf_app::application::LifeEventInput {
        name: form.text("name"),
        summary: form.text("summary"),
        matters: form.all("matters"),
    };
    let editing = state.app.application().life_event(&code).await.is_ok();
    match state
        .app
        .application()
        .put_life_event(&actor, &code, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to("/catalog/life-events?msg=life_event.saved").into_response()),
        Err(e) if refusal(&e).is_some() => {
            let status = refusal(&e).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let again = KeeperForm {
                code,
                name: input.name,
                summary: input.summary,
                matters: input.matters,
                editing,
                // The refusal's own words for the field name the matter; the catalogue's
                // message is the general rule.
                problem: Some(
                    e.details
                        .as_ref()
                        .and_then(|d| d.get("reason"))
                        .and_then(|r| r.as_str())
                        .filter(|_| prefs.lang == Lang::Zh)
                        .map_or_else(|| e.message(prefs.lang), str::to_owned),
                ),
            };
            keeper_view(&state, &actor, prefs, again, None, status).await
        }
        Err(e) => Err(page_err(prefs)(e)),
    }
}

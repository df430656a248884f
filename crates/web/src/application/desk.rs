//! The staff's application pages (窗口、审查、决定): the desk sorted by the deadline, and one
//! application with its form and materials side by side, its clock, the review diagram, and
//! the step the caller may take now.

use super::view::{
    documents_card, history_card, licences_card, light_badge, materials_card, review_card,
    status_badge, visits_card,
};
use crate::error::WebError;
use crate::extract::{PageForm, PageQuery};
use crate::layout::{self, chrome, csrf, flash, html_page, page_err};
use crate::{AppState, Prefs};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use fgf_app::application::{
    ApplicationDetail, AssignInput, CommitmentCheckInput, DecisionInput, DeferredInput,
    DeliveryInput, ExtensionInput, IntakeInput, LicenceInput, OpinionInput, PauseInput,
};
use fgf_app::i18n::t;
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::application::{ApplicationId, ApplicationStatus, ClockLight, PauseCause};
use fgf_domain::catalog::FormField;
use fgf_domain::Permission;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

type PageResult = Result<Response, WebError>;

#[derive(Deserialize, Default)]
pub struct MsgQuery {
    msg: Option<String>,
}

pub async fn desk_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let lang = prefs.lang;
    let rows = state
        .app
        .application()
        .desk(&actor)
        .await
        .map_err(page_err(prefs))?;
    let c = chrome(&state, &actor, prefs, "applications").await?;
    let count = |l: ClockLight| rows.iter().filter(|r| r.light == Some(l)).count();
    let body = html! {
        p.lights {
            span.light.red { (t(lang, "application.light.overdue")) " " strong { (count(ClockLight::Overdue)) } }
            " " span.light.yellow { (t(lang, "application.light.due_soon")) " " strong { (count(ClockLight::DueSoon)) } }
            " " span.light.green { (t(lang, "application.light.on_time")) " " strong { (count(ClockLight::OnTime)) } }
        }
        section.card {
            @if rows.is_empty() { p.muted { (t(lang, "desk.empty")) } }
            @else {
                table.data.stack {
                    thead { tr { th { (t(lang, "apply.number")) } th { (t(lang, "apply.matter")) } th { (t(lang, "desk.applicant")) } th { (t(lang, "apply.status")) } th { (t(lang, "apply.due")) } } }
                    tbody {
                        @for a in &rows {
                            tr {
                                td data-label=(t(lang, "apply.number")) { a href=(format!("/applications/{}", a.id)) { (a.number) } }
                                td data-label=(t(lang, "apply.matter")) { (a.matter_name) }
                                td data-label=(t(lang, "desk.applicant")) { (a.applicant) }
                                td data-label=(t(lang, "apply.status")) { (status_badge(lang, a.status)) }
                                td data-label=(t(lang, "apply.due")) {
                                    @match (a.due, a.light) {
                                        (Some(d), Some(l)) => { (d) " " (light_badge(lang, l, a.workdays_left)) }
                                        (Some(d), None) => { (d) }
                                        _ => { (t(lang, "desk.received")) " " (a.received_on.map(|d| d.to_string()).unwrap_or_default()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html_page(layout::staff(&c, t(lang, "desk.title"), body)))
}

pub async fn case_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    PageQuery(q): PageQuery<MsgQuery>,
) -> PageResult {
    let note = q
        .msg
        .as_deref()
        .map(|m| (t(prefs.lang, m).to_owned(), true));
    case_view(&state, &actor, prefs, id, note, StatusCode::OK).await
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".to_owned(),
        other => other.to_string(),
    }
}

/// A field by the label its form gives it (never its code); a field the form no longer has
/// keeps its name.
fn field_label<'a>(fields: &'a [FormField], name: &'a str) -> (&'a str, &'a [FormField]) {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or((name, &[][..]), |f| {
            (f.label.as_str(), f.columns.as_slice())
        })
}

/// The filled fields in the form's own order, then anything it does not name.
fn form_order<'a>(
    obj: &'a serde_json::Map<String, serde_json::Value>,
    fields: &[FormField],
) -> Vec<&'a String> {
    let mut keys: Vec<&String> = obj.keys().collect();
    keys.sort_by_key(|k| {
        fields
            .iter()
            .position(|f| &f.name == *k)
            .unwrap_or(usize::MAX)
    });
    keys
}

pub(crate) fn form_card(lang: Lang, d: &ApplicationDetail, fields: &[FormField]) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "apply.form")) }
            dl.kv {
                @if let Some(obj) = d.view.form.as_object() {
                    @for k in form_order(obj, fields) {
                        @let v = &obj[k];
                        @let (label, columns) = field_label(fields, k);
                        dt { (label) }
                        dd {
                            @if let Some(rows) = v.as_array() {
                                ul.plain { @for r in rows { li { @if let Some(cells) = r.as_object() { @for (c, cv) in cells { (field_label(columns, c).0) "：" (show(cv)) "　" } } } } }
                            } @else { (show(v)) }
                        }
                    }
                }
            }
            @if let Some(a) = &d.view.agent {
                p.muted { (t(lang, "desk.agent")) "：" (a.name) "（" (a.id_masked) "）" " " a href=(format!("/api/v1/files/{}", a.authorisation)) { (t(lang, "desk.authorisation")) } }
            }
        }
    }
}

/// The step forms the caller may use now, by status and permission.
async fn actions(state: &AppState, actor: &Actor, lang: Lang, d: &ApplicationDetail) -> Markup {
    let a = &d.view;
    let id = a.id;
    let intake = actor.has(Permission::ApplicationIntake);
    let review = actor.has(Permission::ApplicationReview);
    let me = actor.account.username.as_str();
    let my_step = |node: &str| {
        d.review
            .iter()
            .any(|s| !s.done && s.node == node && s.username.as_deref() == Some(me))
    };
    let candidates = if review
        && a.instance_id.is_none()
        && matches!(
            a.status,
            ApplicationStatus::Accepted
                | ApplicationStatus::UnderReview
                | ApplicationStatus::Extended
        ) {
        state
            .app
            .application()
            .review_candidates(actor, id)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let action = |what: &str| format!("/applications/{id}/{what}");
    let title = if review && my_step("decide") {
        licence_title(state, d).await
    } else {
        String::new()
    };
    // The materials the guide lets follow (容缺受理), for the window's form.
    let deferrable: Vec<String> = if intake && a.status == ApplicationStatus::Submitted {
        state
            .app
            .catalog()
            .matter_view(&a.matter_code, None)
            .await
            .map(|v| {
                v.doc
                    .materials
                    .into_iter()
                    .filter(|m| m.deferrable)
                    .map(|m| m.name)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let unchecked: Vec<&str> = d
        .materials
        .iter()
        .filter(|m| m.source == "commitment" && m.verified.is_none())
        .map(|m| m.name.as_str())
        .collect();
    html! {
        @if review && !unchecked.is_empty() && a.status.clock_runs() {
            section.card.step {
                h2 { (t(lang, "desk.commitments")) }
                @for name in &unchecked {
                    form method="post" action=(action("commitment")) {
                        (csrf(actor))
                        input type="hidden" name="material" value=(name);
                        p { strong { (name) } }
                        div.field { label for=(format!("note-{name}")) { (t(lang, "desk.opinion")) } input id=(format!("note-{name}")) name="note"; }
                        button type="submit" name="truthful" value="1" { (t(lang, "desk.commitment_true")) }
                        " " button.secondary type="submit" name="truthful" value="0" { (t(lang, "desk.commitment_false")) }
                    }
                }
            }
        }
        @if intake && a.status == ApplicationStatus::Submitted {
            section.card.step {
                h2 { (t(lang, "desk.intake")) }
                form method="post" action=(action("accept")) { (csrf(actor)) button type="submit" { (t(lang, "desk.accept")) } }
                @if !deferrable.is_empty() {
                    form method="post" action=(action("defer")) enctype="multipart/form-data" {
                        (csrf(actor))
                        fieldset { legend { (t(lang, "desk.defer")) }
                            div.field { label for="defer_material" { (t(lang, "desk.defer_material")) }
                                select id="defer_material" name="material" { @for m in &deferrable { option value=(m) { (m) } } } }
                            div.field { label for="defer_due" { (t(lang, "desk.defer_due")) } input id="defer_due" name="due" type="date" required; }
                            div.field { label for="defer_commitment" { (t(lang, "desk.defer_commitment")) } input id="defer_commitment" name="commitment" type="file" accept=".pdf,.png,.jpg,.jpeg" required; }
                            button.secondary type="submit" { (t(lang, "desk.defer")) }
                        }
                    }
                }
                form method="post" action=(action("correction")) {
                    (csrf(actor))
                    div.field { label for="items" { (t(lang, "desk.correction_items")) } textarea id="items" name="items" rows="3" required {} small.help { (t(lang, "desk.correction_help")) } }
                    button type="submit" { (t(lang, "desk.send_correction")) }
                }
                form method="post" action=(action("refuse")) {
                    (csrf(actor))
                    div.field { label for="reason" { (t(lang, "desk.refuse_reason")) } input id="reason" name="reason" required; }
                    div.field { label for="competent" { (t(lang, "desk.competent")) } input id="competent" name="competent"; small.help { (t(lang, "desk.competent_help")) } }
                    button.secondary type="submit" { (t(lang, "desk.refuse")) }
                }
            }
        }
        @if !candidates.is_empty() {
            section.card.step {
                h2 { (t(lang, "desk.assign")) }
                form method="post" action=(action("assign")) {
                    (csrf(actor))
                    fieldset { legend { (t(lang, "desk.verifiers")) } small.help { (t(lang, "desk.verifiers_help")) }
                        @for (u, n) in &candidates { label.check { input type="checkbox" name="verifiers" value=(u); " " (n) } }
                    }
                    div.field { label for="decider" { (t(lang, "desk.decider")) }
                        select id="decider" name="decider" required { option value="" { (t(lang, "apply.choose")) } @for (u, n) in &candidates { option value=(u) { (n) } } }
                    }
                    button type="submit" { (t(lang, "desk.start_review")) }
                }
            }
        }
        @if review && my_step("verify") {
            section.card.step {
                h2 { (t(lang, "desk.verify")) }
                form method="post" action=(action("verify")) {
                    (csrf(actor))
                    div.field { label for="opinion" { (t(lang, "desk.opinion")) } textarea id="opinion" name="opinion" rows="3" required {} }
                    button type="submit" name="agree" value="1" { (t(lang, "desk.agree")) }
                    " " button.secondary type="submit" name="agree" value="0" { (t(lang, "desk.disagree")) }
                }
            }
        }
        @if review && my_step("decide") {
            section.card.step {
                h2 { (t(lang, "desk.decide")) }
                form method="post" action=(action("decide")) {
                    (csrf(actor))
                    div.field { label for="reasons" { (t(lang, "desk.reasons")) } textarea id="reasons" name="reasons" rows="3" {} small.help { (t(lang, "desk.reasons_help")) } }
                    @if let Some(n) = &a.licence_number {
                        // A change or renewal re-signs the licence it acts on.
                        fieldset { legend { (t(lang, "apply.licence")) " " a href=(format!("/licences/{n}")) { (n) } }
                            input type="hidden" name="title" value=(title);
                            input type="hidden" name="valid_years" value="5";
                            div.field { label for="scope" { (t(lang, "licence.scope")) } input id="scope" name="scope"; small.help { (t(lang, "desk.scope_keep")) } }
                        }
                    } @else {
                        fieldset { legend { (t(lang, "desk.licence")) }
                            div.field { label for="title" { (t(lang, "licence.name")) } input id="title" name="title" value=(title); }
                            div.field { label for="scope" { (t(lang, "licence.scope")) } input id="scope" name="scope"; }
                            div.field { label for="valid_years" { (t(lang, "desk.valid_years")) } input id="valid_years" name="valid_years" type="number" min="1" max="10" value="5"; }
                        }
                    }
                    button type="submit" name="grant" value="1" { (t(lang, "desk.grant")) }
                    " " button.secondary type="submit" name="grant" value="0" { (t(lang, "desk.deny")) }
                }
            }
        }
        @if intake && matches!(a.status, ApplicationStatus::Approved | ApplicationStatus::Rejected) {
            section.card.step {
                h2 { (t(lang, "desk.deliver")) }
                form method="post" action=(action("deliver")) {
                    (csrf(actor))
                    div.field { label for="method" { (t(lang, "desk.method")) }
                        select id="method" name="method" { option value="collect" { (t(lang, "desk.collect")) } option value="post" { (t(lang, "desk.post")) } option value="online" { (t(lang, "desk.online")) } }
                    }
                    div.field { label for="tracking" { (t(lang, "desk.tracking")) } input id="tracking" name="tracking"; }
                    button type="submit" { (t(lang, "desk.deliver")) }
                }
            }
        }
        @if review && a.status.clock_runs() && a.accepted_on.is_some() {
            section.card.step {
                h2 { (t(lang, "desk.clock")) }
                form method="post" action=(action("pause")) {
                    (csrf(actor))
                    div.field { label for="cause" { (t(lang, "desk.cause")) }
                        select id="cause" name="cause" { @for c in pause_causes() { option value=(c.code()) { (c.label_zh()) } } }
                    }
                    div.field { label for="expected_workdays" { (t(lang, "desk.expected")) } input id="expected_workdays" name="expected_workdays" type="number" min="1" required; }
                    div.field { label for="notice" { (t(lang, "desk.notice")) } input id="notice" name="notice"; }
                    button.secondary type="submit" { (t(lang, "desk.pause")) }
                }
                @if a.status != ApplicationStatus::Extended {
                    form method="post" action=(action("extend")) {
                        (csrf(actor))
                        div.field { label for="workdays" { (t(lang, "desk.extend_days")) } input id="workdays" name="workdays" type="number" min="1" max="15" value="10"; }
                        div.field { label for="approver" { (t(lang, "desk.approver")) }
                            select id="approver" name="approver" { option value="agency_head" { (t(lang, "desk.agency_head")) } option value="government_head" { (t(lang, "desk.government_head")) } }
                        }
                        div.field { label for="approved_by" { (t(lang, "desk.approved_by")) } input id="approved_by" name="approved_by" required; }
                        div.field { label for="ext_reason" { (t(lang, "desk.extend_reason")) } input id="ext_reason" name="reason" required; }
                        button.secondary type="submit" { (t(lang, "desk.extend")) }
                    }
                }
            }
        }
        @if review && a.status == ApplicationStatus::Suspended {
            section.card.step {
                h2 { (t(lang, "desk.clock")) }
                form method="post" action=(action("resume")) { (csrf(actor)) button type="submit" { (t(lang, "desk.resume")) } }
            }
        }
        @if (intake || review) && a.status != ApplicationStatus::Draft {
            details.card.step {
                summary { (t(lang, "desk.record_visit")) }
                form.inline-fields method="post" action=(action("visit")) {
                    (csrf(actor))
                    label for="visit_kind" { (t(lang, "desk.visit_kind")) }
                    select id="visit_kind" name="kind" {
                        @for k in ["inspection", "intake", "collect", "other"] { option value=(k) { (t(lang, &format!("apply.visit.{k}"))) } }
                    }
                    label for="visit_note" { (t(lang, "desk.visit_note")) }
                    input id="visit_note" name="note";
                    button.secondary type="submit" { (t(lang, "desk.record_visit")) }
                }
            }
        }
        @if review && a.light == Some(ClockLight::Overdue) {
            section.card.step {
                h2 { (t(lang, "desk.overdue_reason")) }
                form method="post" action=(action("overdue-reason")) {
                    (csrf(actor))
                    div.field { label for="overdue" { (t(lang, "desk.overdue_help")) } textarea id="overdue" name="reason" rows="2" required { (a.overdue_reason) } }
                    button type="submit" { (t(lang, "desk.publish_reason")) }
                }
            }
        }
    }
}

fn pause_causes() -> Vec<PauseCause> {
    fgf_domain::catalog::SpecialProcedure::ALL
        .iter()
        .map(|p| PauseCause::Special(*p))
        .chain(std::iter::once(PauseCause::Supplement))
        .collect()
}

/// The licence's name: the result the matter's guide names (审批结果名称), else the matter's
/// name with 证.
async fn licence_title(state: &AppState, d: &ApplicationDetail) -> String {
    let named = state
        .app
        .catalog()
        .matter_view(&d.view.matter_code, None)
        .await
        .ok()
        .map(|v| v.doc.result_name)
        .filter(|n| !n.trim().is_empty());
    named.unwrap_or_else(|| {
        d.view
            .matter_name
            .split('（')
            .next()
            .unwrap_or(&d.view.matter_name)
            .to_owned()
            + "证"
    })
}

async fn case_view(
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
    let diagram = match a.instance_id {
        Some(i) => state.app.process().process_diagram(actor, i).await.ok(),
        None => None,
    };
    let steps = actions(state, actor, lang, &d).await;
    let hand_on = match a.instance_id {
        Some(i) => crate::process::inbox::hand_on_card(state, actor, lang, i).await,
        None => html! {},
    };
    let fields = state
        .app
        .catalog()
        .matter_view(&a.matter_code, Some(a.matter_version))
        .await
        .map(|m| m.doc.form)
        .unwrap_or_default();
    let c = chrome(state, actor, prefs, "applications").await?;
    let body = html! {
        nav.crumbs { a href="/applications" { (t(lang, "desk.title")) } " › " (a.matter_name) " · " (a.number) }
        @if let Some((m, ok)) = &note { (flash(Some(m), *ok)) }
        section.card.case-head {
            dl.kv {
                dt { (t(lang, "desk.applicant")) } dd { (a.applicant) " · " (t(lang, &format!("desk.channel.{}", a.channel))) }
                dt { (t(lang, "apply.status")) } dd { (status_badge(lang, a.status)) }
                @if let Some(r) = a.received_on { dt { (t(lang, "apply.received")) } dd { (r) } }
                @if let Some(r) = a.accepted_on { dt { (t(lang, "apply.accepted")) } dd { (r) } }
                @if let Some(due) = a.due { dt { (t(lang, "apply.due")) } dd { (due) " " @if let Some(l) = a.light { (light_badge(lang, l, a.workdays_left)) } } }
                @if !a.correction_items.is_empty() { dt { (t(lang, "desk.correction_items")) } dd { (a.correction_items.join("；")) } }
                @if !a.overdue_reason.is_empty() { dt { (t(lang, "apply.overdue_reason")) } dd { (a.overdue_reason) } }
                @if let Some(n) = &a.licence_number { dt { (t(lang, "apply.licence")) } dd { a href=(format!("/licences/{n}")) { (n) } } }
                @if a.life_event_case_id.is_some() { dt { (t(lang, "life_event.case")) } dd { (t(lang, "life_event.title")) } }
                @if !d.applicant_records.is_empty() {
                    dt { (t(lang, "desk.records")) }
                    dd.warn { ul.plain { @for r in &d.applicant_records { li { (r.recorded_on) " " (r.note) } } } }
                }
            }
        }
        (steps)
        (hand_on)
        div.split {
            (form_card(lang, &d, &fields))
            (materials_card(lang, &d.materials))
        }
        @if let Some(svg) = diagram {
            section.card { h2 { (t(lang, "desk.diagram")) } div.diagram { (PreEscaped(svg)) } }
        }
        (review_card(lang, &d.review, true))
        (visits_card(lang, &d.visits))
        (documents_card(lang, a.id, &d.documents))
        (licences_card(lang, &d.licences))
        (history_card(lang, &d.events))
    };
    let title = format!("{} {}", a.matter_name, a.number);
    let mut res = html_page(layout::staff(&c, &title, body));
    *res.status_mut() = status;
    Ok(res)
}

/// Runs one step from its form: back to the case with what happened, or the case again with
/// the refusal.
async fn step(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: ApplicationId,
    done: &'static str,
    outcome: Result<(), ServiceError>,
) -> PageResult {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/applications/{id}?msg={done}")).into_response()),
        Err(e)
            if matches!(
                e.kind,
                fgf_app::ErrorKind::Invalid
                    | fgf_app::ErrorKind::Conflict
                    | fgf_app::ErrorKind::Forbidden
            ) =>
        {
            let status = crate::error::status_of(e.kind, e.code);
            let mut m = e.message(prefs.lang);
            if let Some(r) = e
                .details
                .as_ref()
                .and_then(|d| d.get("reason"))
                .and_then(|r| r.as_str())
            {
                if !m.contains(r) {
                    m = format!("{m}：{r}");
                }
            }
            case_view(state, actor, prefs, id, Some((m, false)), status).await
        }
        Err(e) => Err(page_err(prefs)(e)),
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .flat_map(|l| l.split(['；', ';']))
        .map(|l| {
            l.trim()
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '、')
                .trim()
                .to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

pub async fn step_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path((id, what)): Path<(ApplicationId, String)>,
    form: PageForm,
) -> PageResult {
    let uc = state.app.application();
    let drop_view = |r: Result<fgf_app::application::ApplicationView, ServiceError>| r.map(|_| ());
    let (done, outcome): (&'static str, Result<(), ServiceError>) = match what.as_str() {
        "accept" => (
            "desk.done_accepted",
            drop_view(uc.decide_intake(&actor, id, &IntakeInput::Accept).await),
        ),
        "correction" => (
            "desk.done_correction",
            drop_view(
                uc.decide_intake(
                    &actor,
                    id,
                    &IntakeInput::Supplement {
                        items: lines(&form.text("items")),
                    },
                )
                .await,
            ),
        ),
        "refuse" => {
            let competent = form.text("competent");
            let reason = form.text("reason");
            let input = if competent.is_empty() {
                IntakeInput::NoLicenceNeeded { reason }
            } else {
                IntakeInput::WrongAuthority { competent, reason }
            };
            (
                "desk.done_refused",
                drop_view(uc.decide_intake(&actor, id, &input).await),
            )
        }
        "assign" => (
            "desk.done_assigned",
            drop_view(
                uc.assign_review(
                    &actor,
                    id,
                    &AssignInput {
                        verifiers: form.all("verifiers"),
                        decider: form.text("decider"),
                    },
                )
                .await,
            ),
        ),
        "verify" => (
            "desk.done_verified",
            drop_view(
                uc.verify(
                    &actor,
                    id,
                    &OpinionInput {
                        agree: form.text("agree") == "1",
                        opinion: form.text("opinion"),
                    },
                )
                .await,
            ),
        ),
        "commitment" => (
            "desk.done_commitment",
            drop_view(
                uc.check_commitment(
                    &actor,
                    id,
                    &CommitmentCheckInput {
                        material: form.text("material"),
                        truthful: form.text("truthful") == "1",
                        note: form.text("note"),
                    },
                )
                .await,
            ),
        ),
        "decide" => {
            let grant = form.text("grant") == "1";
            let licence = (grant && !form.text("scope").is_empty()).then(|| LicenceInput {
                title: form.text("title"),
                scope: form.text("scope"),
                valid_years: form.text("valid_years").parse().unwrap_or(0),
            });
            let input = DecisionInput {
                grant,
                reasons: form.text("reasons"),
                licence,
            };
            (
                if grant {
                    "desk.done_granted"
                } else {
                    "desk.done_denied"
                },
                drop_view(uc.decide(&actor, id, &input).await),
            )
        }
        "deliver" => {
            let tracking = Some(form.text("tracking")).filter(|t| !t.is_empty());
            (
                "desk.done_delivered",
                drop_view(
                    uc.deliver(
                        &actor,
                        id,
                        &DeliveryInput {
                            method: form.text("method"),
                            tracking,
                        },
                    )
                    .await,
                ),
            )
        }
        "pause" => {
            let input = PauseInput {
                cause: form.text("cause"),
                expected_workdays: form.text("expected_workdays").parse().unwrap_or(0),
                notice: form.text("notice"),
            };
            (
                "desk.done_paused",
                drop_view(uc.pause_clock(&actor, id, &input).await),
            )
        }
        "resume" => (
            "desk.done_resumed",
            drop_view(uc.resume_clock(&actor, id).await),
        ),
        "extend" => {
            let input = ExtensionInput {
                workdays: form.text("workdays").parse().unwrap_or(0),
                approver: form.text("approver"),
                approved_by: form.text("approved_by"),
                reason: form.text("reason"),
            };
            (
                "desk.done_extended",
                drop_view(uc.extend(&actor, id, &input).await),
            )
        }
        "overdue-reason" => (
            "desk.done_reason",
            drop_view(
                uc.set_overdue_reason(&actor, id, &form.text("reason"))
                    .await,
            ),
        ),
        _ => {
            return Err(page_err(prefs)(
                ServiceError::not_found("not_found").arg("page").arg(&what),
            ))
        }
    };
    step(&state, &actor, prefs, id, done, outcome).await
}

/// 容缺受理 at the window: the material to follow, the day, and the applicant's signed
/// commitment uploaded with it (multipart, so the commitment is a file, not a typed hash).
pub async fn defer_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApplicationId>,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let err = page_err(prefs);
    let mp = mp.map_err(|_| err(ServiceError::invalid("upload_unreadable")))?;
    let up = super::pages::read_multipart(mp, &actor)
        .await
        .map_err(&err)?;
    let outcome = async {
        let (name, bytes) = up
            .files
            .iter()
            .find(|(field, _, _)| field == "commitment")
            .map(|(_, name, bytes)| (name.clone(), bytes.clone()))
            .ok_or_else(|| {
                ServiceError::field(
                    "application_deferral_commitment_missing",
                    "commitment",
                    "请上传申请人签署的容缺承诺书",
                )
            })?;
        let due = up
            .fields
            .get("due")
            .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
            .ok_or_else(|| {
                ServiceError::field("application_deferral_due_invalid", "due", "请填写补交日期")
            })?;
        let file = state.app.base().upload_file(&actor, &name, &bytes).await?;
        state
            .app
            .application()
            .decide_intake(
                &actor,
                id,
                &IntakeInput::AcceptDeferring {
                    items: vec![DeferredInput {
                        material: up.fields.get("material").cloned().unwrap_or_default(),
                        due,
                    }],
                    commitment: file.content_hash,
                },
            )
            .await
    }
    .await;
    match outcome {
        Ok(_) => {
            Ok(Redirect::to(&format!("/applications/{id}?msg=desk.done_deferred")).into_response())
        }
        Err(e)
            if matches!(
                e.kind,
                fgf_app::ErrorKind::Invalid | fgf_app::ErrorKind::Conflict
            ) =>
        {
            let status = crate::error::status_of(e.kind, e.code);
            case_view(
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

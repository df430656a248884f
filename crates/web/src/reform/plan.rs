//! The plan document and its consultation, the units' inbox of reform work, and the notices
//! of the supervision sweep, over HTTP: API handlers and the pages the reform office and the
//! units work in.

use super::dto;
use crate::base::dto::List;
use crate::error::WebError;
use crate::extract::{ApiJson, ApiQuery, PageForm, PageQuery};
use crate::layout::{self, csrf, flash};
use crate::layout::{chrome, html_page, page_err};
use crate::{AppState, Prefs};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use fgf_app::i18n::{t, Lang};
use fgf_app::reform::notice::ResponseInput;
use fgf_app::reform::plan::{
    ClausesInput, CommentInput, ConsultInput, DispositionInput, PlanDocument, ReplyInput, StepInput,
};
use fgf_app::{Actor, ServiceError};
use fgf_domain::base::permission::Permission;
use fgf_domain::base::record::DepartmentKind;
use fgf_domain::reform::plan::{self, ClauseChange, Disposition, PlanStatus, PlanStep};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

type ApiResult = Result<Response, WebError>;

// ---- API ----

pub async fn get_plan(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(Json(dto::PlanDocument::from(
        state.app.reform().plan_document(&actor, id).await?,
    ))
    .into_response())
}

pub async fn put_clauses(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ClausesInput>,
) -> ApiResult {
    let n = state
        .app
        .reform()
        .set_plan_clauses(&actor, id, &input)
        .await?;
    Ok(Json(dto::ClausesSaved {
        plan_id: id,
        clauses: n,
    })
    .into_response())
}

pub async fn consult(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ConsultInput>,
) -> ApiResult {
    let round = state
        .app
        .reform()
        .send_for_consultation(&actor, id, &input)
        .await?;
    Ok(Json(dto::Consulting {
        plan_id: id,
        round,
        status: "consultation".to_owned(),
    })
    .into_response())
}

pub async fn reply(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReplyInput>,
) -> ApiResult {
    let n = state
        .app
        .reform()
        .reply_consultation(&actor, id, &input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(dto::Replied {
            plan_id: id,
            comments: n,
            no_comment: input.no_comment,
        }),
    )
        .into_response())
}

pub async fn dispose(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, comment)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<DispositionInput>,
) -> ApiResult {
    state
        .app
        .reform()
        .dispose_comment(&actor, id, comment, &input)
        .await?;
    Ok(Json(dto::Disposed {
        comment_id: comment,
        disposition: input.disposition,
    })
    .into_response())
}

pub async fn step(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<StepInput>,
) -> ApiResult {
    let to = state.app.reform().plan_step(&actor, id, &input).await?;
    Ok(Json(dto::Stepped {
        plan_id: id,
        status: dto_text(&to),
    })
    .into_response())
}

fn dto_text<T: serde::Serialize>(v: &T) -> String {
    crate::base::dto::text_of(v)
}

#[derive(Deserialize, Default, IntoParams)]
pub struct RoundQuery {
    #[serde(default)]
    round: Option<i64>,
}

pub async fn consultation_report(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<RoundQuery>,
) -> ApiResult {
    let r = state
        .app
        .reform()
        .consultation_report(&actor, id, q.round)
        .await?;
    Ok(Json(dto::ConsultationReport::from(r)).into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct DiffQuery {
    from: i64,
    #[serde(default)]
    to: Option<i64>,
}

pub async fn diff(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> ApiResult {
    let changes = state
        .app
        .reform()
        .plan_diff(&actor, id, q.from, q.to)
        .await?;
    Ok(Json(dto::PlanDiff::new(q.from, q.to, changes)).into_response())
}

#[derive(Deserialize, Default, IntoParams)]
pub struct NoticeQuery {
    /// Every unit's notices (the reform office).
    #[serde(default)]
    all: bool,
}

pub async fn notices(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<NoticeQuery>,
) -> ApiResult {
    let items = state.app.reform().reform_notices(&actor, q.all).await?;
    Ok(Json(List::<dto::Notice>::all(items)).into_response())
}

pub async fn respond(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ResponseInput>,
) -> ApiResult {
    state
        .app
        .reform()
        .respond_notice(&actor, id, &input)
        .await?;
    Ok(Json(dto::Responded {
        id,
        responded: true,
    })
    .into_response())
}

pub async fn sweep(State(state): State<AppState>) -> ApiResult {
    let s = state.app.reform().reform_sweep().await?;
    Ok(Json(dto::Sweep::from(s)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ClockBody {
    days: i64,
}

pub async fn demo_clock(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(b): ApiJson<ClockBody>,
) -> ApiResult {
    let today = state.app.advance_demo_clock(&actor, b.days).await?;
    Ok(Json(dto::Clock {
        today: today.to_string(),
        offset_days: state.app.demo_clock_offset(),
    })
    .into_response())
}

// ---- pages ----

fn status_key(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draft => "plan.status_draft",
        PlanStatus::Consultation => "plan.status_consultation",
        PlanStatus::Reviewed => "plan.status_reviewed",
        PlanStatus::Submitted => "plan.status_submitted",
        PlanStatus::Approved => "plan.status_approved",
    }
}

fn disposition_key(d: Disposition) -> &'static str {
    match d {
        Disposition::Adopted => "plan.adopted",
        Disposition::Partly => "plan.partly",
        Disposition::Rejected => "plan.rejected",
    }
}

#[derive(Deserialize, Default)]
pub struct MsgQuery {
    #[serde(default)]
    pub(crate) msg: Option<String>,
}

/// A catalogue message named by a redirect's `msg`, only if it is one of ours.
pub(crate) fn msg_text(lang: Lang, msg: Option<&str>) -> Option<&'static str> {
    const OK: [&str; 15] = [
        "plan.saved",
        "plan.sent",
        "plan.reply_sent",
        "plan.disposed",
        "plan.stepped",
        "inbox.accepted",
        "inbox.reported",
        "inbox.responded_msg",
        "inbox.swept",
        "review.saved",
        "review.inspected",
        "review.published",
        "review.appealed",
        "review.issued",
        "review.submitted",
    ];
    msg.and_then(|m| OK.iter().find(|k| **k == m))
        .map(|k| t(lang, k))
}

/// The plan's page: its text by part, each clause with the tasks it gave rise to and the
/// comments on it; the consultation, the steps open to the office, and the plan's history.
pub async fn plan_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<MsgQuery>,
) -> Result<Response, WebError> {
    render_plan(
        &state,
        &actor,
        prefs,
        id,
        msg_text(prefs.lang, q.msg.as_deref()),
        None,
    )
    .await
}

async fn render_plan(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: i64,
    ok: Option<&str>,
    error: Option<(String, StatusCode)>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let doc = state
        .app
        .reform()
        .plan_document(actor, id)
        .await
        .map_err(&err)?;
    let office = actor.scope(Permission::ReformManage).is_ok();
    let c = chrome(state, actor, prefs, "reform").await?;
    let mut units = if office && doc.status == PlanStatus::Draft {
        state
            .app
            .base()
            .department_directory()
            .await
            .map_err(&err)?
            .into_iter()
            .filter(|d| {
                matches!(
                    d.kind,
                    DepartmentKind::Bureau | DepartmentKind::Street | DepartmentKind::Town
                )
            })
            .collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    units.sort_by(|a, b| a.code.cmp(&b.code));
    let me = actor.department_id.and_then(|d| {
        doc.consultees
            .iter()
            .find(|c| c.row.department_id == d && c.row.replied_at_ms.is_none())
    });
    let replying = doc.status == PlanStatus::Consultation && me.is_some();
    let body = html! {
        p.crumbs { a href=(format!("/reform?plan={id}")) { (t(lang, "plan.back_board")) } " · " a href=(format!("/reform/plans/{id}/report")) { (t(lang, "plan.report")) } }
        p.plan-meta { span.tag.plan-status { (t(lang, status_key(doc.status))) } span.muted { (t(lang, "plan.version").replace("{0}", &doc.plan.version.to_string())) } }
        (flash(ok, true))
        @if let Some((m, _)) = &error { (flash(Some(m.as_str()), false)) }
        @if office { (office_steps(&doc, actor, lang, &units)) }
        @if doc.status == PlanStatus::Consultation || doc.round > 0 { (consultation_card(&doc, lang)) }
        @if !doc.changes.is_empty() { (changes_card(&doc.changes, lang)) }
        @if replying {
            section.card.reply {
                h3 { (t(lang, "plan.reply_title")) }
                p.muted { (t(lang, "plan.reply_note")) " " (me.map(|m| m.row.due.to_string()).unwrap_or_default()) }
                form method="post" action=(format!("/reform/plans/{id}/reply")) {
                    (csrf(actor))
                    (document(&doc, actor, lang, true, false))
                    div.actions {
                        button type="submit" name="action" value="comment" { (t(lang, "plan.reply_send")) }
                        button.secondary type="submit" name="action" value="none" { (t(lang, "plan.no_comment")) }
                    }
                }
            }
        } @else {
            section.card.document { (document(&doc, actor, lang, false, office && doc.status == PlanStatus::Consultation)) }
        }
        @if !doc.events.is_empty() {
            section.card {
                h3 { (t(lang, "plan.history")) }
                ol.timeline {
                    @for e in &doc.events {
                        li { span.muted { (fgf_app::clock::local_minute(e.row.created_at_ms)) } " " strong { (e.label) } " " (e.row.note)
                            @if let Some(h) = &e.row.file_hash { " " a href=(format!("/api/v1/files/{h}")) { (t(lang, "plan.attachment")) } } }
                    }
                }
            }
        }
    };
    let mut resp = html_page(layout::staff(&c, &doc.plan.title, body));
    if let Some((_, status)) = error {
        *resp.status_mut() = status;
    }
    Ok(resp)
}

fn office_steps(
    doc: &PlanDocument,
    actor: &Actor,
    lang: Lang,
    units: &[fgf_store::base::org::Department],
) -> Markup {
    let id = doc.plan.id;
    let step_form = |step: PlanStep, label: &str, note_label: Option<&str>, secondary: bool| {
        html! {
            form.inline method="post" action=(format!("/reform/plans/{id}/step")) {
                (csrf(actor))
                input type="hidden" name="step" value=(step.as_str());
                @if let Some(n) = note_label { label { (n) textarea name="note" rows="3" {} } }
                button.secondary[secondary] type="submit" { (label) }
            }
        }
    };
    html! {
        section.card.steps {
            h3 { (t(lang, "plan.steps")) }
            @match doc.status {
                PlanStatus::Draft => {
                    details open[doc.clauses.is_empty()] {
                        summary { (t(lang, "plan.edit_text")) }
                        form method="post" action=(format!("/reform/plans/{id}/text")) {
                            (csrf(actor))
                            p.muted { (t(lang, "plan.text_note")) }
                            textarea name="text" rows="14" { (plan::render_plan_text(&doc.clauses)) }
                            button type="submit" { (t(lang, "plan.save_text")) }
                        }
                    }
                    form method="post" action=(format!("/reform/plans/{id}/consultation")) {
                        (csrf(actor))
                        fieldset {
                            legend { (t(lang, "plan.consult_units")) }
                            div.units {
                                @for d in units { label.check { input type="checkbox" name="units" value=(d.code); " " (d.name) } }
                            }
                        }
                        label { (t(lang, "plan.consult_due")) " " input type="date" name="due" required; }
                        button type="submit" { (t(lang, "plan.send")) }
                    }
                }
                PlanStatus::Consultation => {
                    (step_form(PlanStep::RecordMeeting, t(lang, "plan.record_meeting"), Some(t(lang, "plan.meeting_record")), false))
                }
                PlanStatus::Reviewed => { (step_form(PlanStep::Submit, t(lang, "plan.submit"), None, false)) }
                PlanStatus::Submitted => {
                    (step_form(PlanStep::Approve, t(lang, "plan.approve"), None, false))
                    (step_form(PlanStep::SendBack, t(lang, "plan.send_back"), Some(t(lang, "plan.send_back_reason")), true))
                }
                PlanStatus::Approved => { (step_form(PlanStep::Revise, t(lang, "plan.revise"), None, true)) }
            }
        }
    }
}

fn consultation_card(doc: &PlanDocument, lang: Lang) -> Markup {
    html! {
        section.card.consultation {
            h3 { (t(lang, "plan.consultation")) " " span.muted { (t(lang, "plan.round").replace("{0}", &doc.round.to_string())) } }
            div.table-wrap { table.data.compact {
                thead { tr { th { (t(lang, "reform.unit")) } th { (t(lang, "plan.consult_due")) } th { (t(lang, "plan.reply")) } th { (t(lang, "plan.comments")) } } }
                tbody {
                    @for c in &doc.consultees {
                        tr {
                            td { (c.unit) }
                            td { (c.row.due) }
                            td {
                                @if c.row.no_comment { span.light.green { (t(lang, "plan.no_comment")) } }
                                @else if c.row.replied_at_ms.is_some() { span.light.done { (t(lang, "plan.replied")) } }
                                @else { span.light.yellow { (t(lang, "plan.awaited")) } }
                            }
                            td { (c.comments) }
                        }
                    }
                }
            } }
        }
    }
}

fn changes_card(changes: &[ClauseChange], lang: Lang) -> Markup {
    html! {
        section.card.changes {
            h3 { (t(lang, "plan.changes")) }
            ul.diff {
                @for ch in changes {
                    @match ch {
                        ClauseChange::Added { number, after } => li.added { strong { (number) } " " (t(lang, "plan.added")) " " ins { (after) } },
                        ClauseChange::Removed { number, before } => li.removed { strong { (number) } " " (t(lang, "plan.removed")) " " del { (before) } },
                        ClauseChange::Changed { number, before, after } => li.changed { strong { (number) } " " del { (before) } " → " ins { (after) } },
                    }
                }
            }
        }
    }
}

/// The plan's text; with `reply`, a comment box under each clause; with `dispose`, the
/// office's disposition form under each comment.
fn document(doc: &PlanDocument, actor: &Actor, lang: Lang, reply: bool, dispose: bool) -> Markup {
    let id = doc.plan.id;
    let mut sections: Vec<&str> = Vec::new();
    for c in &doc.clauses {
        if !sections.contains(&c.section.as_str()) {
            sections.push(&c.section);
        }
    }
    html! {
        @if doc.clauses.is_empty() { p.muted { (t(lang, "plan.no_text")) } }
        @for sec in &sections {
            @if !sec.is_empty() { h3 { (sec) } }
            @for c in doc.clauses.iter().filter(|c| c.section == *sec) {
                div.clause id=(format!("clause-{}", c.number)) {
                    p { strong { (c.number) } " " (c.body) }
                    @if let Some(tasks) = doc.tasks_by_clause.get(&c.number) {
                        p.muted { (t(lang, "plan.tasks_from")) " " (tasks.join("；")) }
                    }
                    @for m in doc.comments.iter().filter(|m| m.row.clause == c.number) {
                        div.comment {
                            span.muted { (m.unit) "（" (t(lang, "plan.round").replace("{0}", &m.row.round.to_string())) "）：" } (m.row.body)
                            @if let Some(d) = &m.row.disposition {
                                " " span.badge { (t(lang, disposition_key(*d))) } @if !m.row.disposition_reason.is_empty() { " " span.muted { (m.row.disposition_reason) } }
                            }
                            @if dispose && m.row.round == doc.round {
                                form.inline.dispose method="post" action=(format!("/reform/plans/{id}/comments/{}", m.row.id)) {
                                    (csrf(actor))
                                    select name="disposition" aria-label=(t(lang, "plan.disposition")) {
                                        @for v in Disposition::ALL {
                                            option value=(v) selected[m.row.disposition == Some(*v)] { (t(lang, disposition_key(*v))) }
                                        }
                                    }
                                    input type="text" name="reason" placeholder=(t(lang, "plan.reason")) value=(m.row.disposition_reason);
                                    button.secondary type="submit" { (t(lang, "plan.dispose")) }
                                }
                            }
                        }
                    }
                    @if reply {
                        textarea name=(format!("c:{}", c.number)) rows="2" placeholder=(t(lang, "plan.comment_placeholder")) aria-label=(format!("{} {}", t(lang, "plan.comment_on"), c.number)) {}
                    }
                }
            }
        }
    }
}

fn page_error(lang: Lang, e: &ServiceError) -> (String, StatusCode) {
    (e.message(lang), crate::error::status_of(e.kind, e.code))
}

async fn plan_result(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: i64,
    result: Result<(), ServiceError>,
    msg: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reform/plans/{id}?msg={msg}")).into_response()),
        Err(e) => {
            render_plan(
                state,
                actor,
                prefs,
                id,
                None,
                Some(page_error(prefs.lang, &e)),
            )
            .await
        }
    }
}

pub async fn text_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let input = ClausesInput {
        text: Some(form.get("text").unwrap_or_default().to_owned()),
        clauses: None,
    };
    let r = state
        .app
        .reform()
        .set_plan_clauses(&actor, id, &input)
        .await
        .map(|_| ());
    plan_result(&state, &actor, prefs, id, r, "plan.saved").await
}

pub async fn consult_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let r = match chrono::NaiveDate::parse_from_str(&form.text("due"), "%Y-%m-%d") {
        Ok(due) => state
            .app
            .reform()
            .send_for_consultation(
                &actor,
                id,
                &ConsultInput {
                    units: form.all("units"),
                    due,
                },
            )
            .await
            .map(|_| ()),
        Err(_) => Err(ServiceError::field(
            "invalid_field",
            "due",
            "请选择反馈截止日期",
        )),
    };
    plan_result(&state, &actor, prefs, id, r, "plan.sent").await
}

pub async fn reply_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let comments = form
        .pairs
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("c:").map(|n| CommentInput {
                clause: n.to_owned(),
                body: v.clone(),
            })
        })
        .collect();
    let input = ReplyInput {
        comments,
        no_comment: form.text("action") == "none",
    };
    let r = state
        .app
        .reform()
        .reply_consultation(&actor, id, &input)
        .await
        .map(|_| ());
    plan_result(&state, &actor, prefs, id, r, "plan.reply_sent").await
}

pub async fn dispose_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path((id, comment)): Path<(i64, i64)>,
    form: PageForm,
) -> Result<Response, WebError> {
    let input = DispositionInput {
        disposition: form.text("disposition"),
        reason: form.text("reason"),
    };
    let r = state
        .app
        .reform()
        .dispose_comment(&actor, id, comment, &input)
        .await;
    plan_result(&state, &actor, prefs, id, r, "plan.disposed").await
}

pub async fn step_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let step = serde_json::from_value::<PlanStep>(json!(form.text("step")))
        .map_err(|_| ServiceError::field("invalid_field", "step", "未知的步骤"));
    let r = match step {
        Ok(step) => state
            .app
            .reform()
            .plan_step(
                &actor,
                id,
                &StepInput {
                    step,
                    note: form.text("note"),
                    file: None,
                },
            )
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    plan_result(&state, &actor, prefs, id, r, "plan.stepped").await
}

/// The consultation report (意见采纳情况), printable.
pub async fn report_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<RoundQuery>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let r = state
        .app
        .reform()
        .consultation_report(&actor, id, q.round)
        .await
        .map_err(&err)?;
    let c = chrome(&state, &actor, prefs, "reform").await?;
    let body = html! {
        p.crumbs.no-print { a href=(format!("/reform/plans/{id}")) { (t(lang, "plan.back_plan")) } " · " a href="#" data-print { (t(lang, "plan.print")) } }
        article.print-sheet {
            h2 { (r.plan_title) } h3 { (t(lang, "plan.report")) " · " (t(lang, "plan.round").replace("{0}", &r.round.to_string())) }
            p {
                (t(lang, "plan.report_units")) " " strong { (r.units_asked) } "，" (t(lang, "plan.report_replied")) " " strong { (r.units_replied) }
                "（" (t(lang, "plan.no_comment")) " " (r.units_no_comment) "）"
                @if !r.units_silent.is_empty() { "，" (t(lang, "plan.report_silent")) (r.units_silent.join("、")) }
            }
            p {
                (t(lang, "plan.report_comments")) " " strong { (r.comments.len()) } "：" (t(lang, "plan.adopted")) " " (r.adopted) "，" (t(lang, "plan.partly")) " " (r.partly) "，" (t(lang, "plan.rejected")) " " (r.rejected)
                @if r.undisposed > 0 { "，" (t(lang, "plan.undisposed")) " " (r.undisposed) }
            }
            div.table-wrap { table.data {
                thead { tr { th { "#" } th { (t(lang, "reform.unit")) } th { (t(lang, "plan.clause")) } th { (t(lang, "plan.comments")) } th { (t(lang, "plan.disposition")) } th { (t(lang, "plan.reason")) } } }
                tbody {
                    @for (i, m) in r.comments.iter().enumerate() {
                        tr { td { (i + 1) } td { (m.unit) } td { (m.row.clause) } td { (m.row.body) }
                             td { @if let Some(d) = &m.row.disposition { (t(lang, disposition_key(*d))) } @else { span.muted { (t(lang, "plan.undisposed")) } } }
                             td { (m.row.disposition_reason) } }
                    }
                }
            } }
        }
    };
    Ok(html_page(layout::staff(&c, t(lang, "plan.report"), body)))
}

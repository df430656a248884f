//! The unit's inbox of reform work (本单位改革任务): consultations to answer, parts of tasks to
//! accept, the unit's tasks to report on (with evidence files), and the notices of the
//! supervision sweep to answer in writing. Also the reform office's controls for the sweep and,
//! in the demo district only, the demo clock.

use crate::error::WebError;
use crate::extract::{PageForm, PageMultipart, PageQuery};
use crate::layout::{self, csrf, flash};
use crate::layout::{chrome, html_page, page_err};
use crate::reform::plan::MsgQuery;
use crate::reform::task::{light_class, light_key};
use crate::{AppState, Prefs};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use fgf_app::i18n::{t, Lang};
use fgf_app::reform::notice::{NoticeView, ResponseInput};
use fgf_app::reform::{AcceptanceInput, ReportInput, TaskView};
use fgf_app::{Actor, ServiceError};
use fgf_domain::base::permission::Permission;
use fgf_domain::reform::plan::PlanStatus;
use fgf_domain::reform::TaskId;
use fgf_domain::reform::{Light, NoticeKind, TaskStatus, UnitRole};
use maud::{html, Markup};

pub(crate) fn kind_key(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Reminder => "notice.reminder",
        NoticeKind::Urge => "notice.urge",
        NoticeKind::Supervise => "notice.supervise",
        NoticeKind::ReportChase => "notice.report_chase",
        NoticeKind::ConsultationChase => "notice.consultation_chase",
    }
}

pub async fn inbox_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<MsgQuery>,
) -> Result<Response, WebError> {
    let ok = crate::reform::plan::msg_text(prefs.lang, q.msg.as_deref());
    render_inbox(&state, &actor, prefs, ok, None).await
}

async fn render_inbox(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    ok: Option<&str>,
    error: Option<ServiceError>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let c = chrome(state, actor, prefs, "reform").await?;
    let Some(dept) = actor.department_id else {
        return Err(err(
            ServiceError::forbidden("permission_denied").arg("本单位改革任务")
        ));
    };
    let plans = state.app.reform().all_plans(actor).await.map_err(&err)?;
    let consultations = state
        .app
        .reform()
        .unit_consultations(actor)
        .await
        .map_err(&err)?;
    // Only the latest round of a plan still in consultation can be answered.
    let open_consultations: Vec<(
        &fgf_store::reform::PlanRow,
        &fgf_store::reform::ConsulteeRow,
    )> = consultations
        .iter()
        .filter_map(|c| plans.iter().find(|p| p.id == c.plan_id).map(|p| (p, c)))
        .filter(|(p, c)| {
            p.status == PlanStatus::Consultation
                && !consultations
                    .iter()
                    .any(|o| o.plan_id == c.plan_id && o.round > c.round)
        })
        .collect();
    let parts: Vec<fgf_store::reform::AcceptanceRow> = state
        .app
        .reform()
        .unit_acceptances(actor)
        .await
        .map_err(&err)?
        .into_iter()
        .filter(|a| {
            a.department_id == dept
                && a.accepted_on.is_none()
                && a.disputed_at_ms.is_none()
                && a.resolved_at_ms.is_none()
        })
        .collect();
    let mut tasks: Vec<TaskView> = Vec::new();
    for p in &plans {
        for v in state
            .app
            .reform()
            .plan_board(actor, p.id)
            .await
            .map_err(&err)?
        {
            if v.task.lead_department_id == dept {
                tasks.push(v);
            }
        }
    }
    let notices = state
        .app
        .reform()
        .reform_notices(actor, false)
        .await
        .map_err(&err)?;
    let findings: Vec<fgf_app::reform::review::FindingView> = state
        .app
        .reform()
        .findings(actor, None)
        .await
        .map_err(&err)?
        .into_iter()
        .filter(|f| f.row.verified_at_ms.is_none())
        .collect();
    let open_notices = notices.iter().filter(|n| n.response_open).count();
    let mut part_titles = Vec::new();
    for a in &parts {
        let t = state
            .app
            .reform()
            .reform_task(actor, a.task_id)
            .await
            .map_err(&err)?;
        part_titles.push(format!("{} {}", t.code, t.title));
    }
    let body = html! {
        (flash(ok, true))
        @if let Some(e) = &error { (flash(Some(e.message(lang).as_str()), false)) }
        section.card.notices {
            h3 { (t(lang, "inbox.notices")) " " @if open_notices > 0 { span.badge.warn { (open_notices) " " (t(lang, "inbox.to_answer")) } } }
            @if notices.is_empty() { p.muted { (t(lang, "inbox.no_notices")) } }
            @for n in &notices { (notice_item(n, actor, lang)) }
        }
        @if !findings.is_empty() {
            section.card.findings {
                h3 { (t(lang, "inbox.findings")) }
                @for f in &findings {
                    div.part {
                        p { strong { (f.task) } " " span.muted { (f.row.held_on) } }
                        p { (f.row.finding) " " span.muted { (t(lang, "sup.rectify_by")) " " (f.row.rectify_by) } @if f.late { " " span.light.red { (t(lang, "inbox.response_late")) } } }
                        @if f.row.rectified_at_ms.is_some() { p.response { span.muted { (t(lang, "sup.rectification")) "：" } (f.row.rectification) } }
                        @else {
                            form method="post" action=(format!("/reform/findings/{}/rectify", f.row.id)) {
                                (csrf(actor))
                                input type="text" name="text" placeholder=(t(lang, "sup.rectification")) required;
                                button type="submit" { (t(lang, "inbox.rectify")) }
                            }
                        }
                    }
                }
            }
        }
        @if !open_consultations.is_empty() {
            section.card {
                h3 { (t(lang, "inbox.consultations")) }
                ul {
                    @for (p, c) in &open_consultations {
                        li {
                            a href=(format!("/reform/plans/{}", p.id)) { (p.title) } " "
                            @if c.replied_at_ms.is_some() { span.light.done { (t(lang, "plan.replied")) } }
                            @else { span.light.yellow { (t(lang, "plan.awaited")) } " " span.muted { (t(lang, "plan.consult_due")) " " (c.due) } }
                        }
                    }
                }
            }
        }
        @if !parts.is_empty() {
            section.card.parts {
                h3 { (t(lang, "inbox.parts")) }
                @for (a, title) in parts.iter().zip(&part_titles) {
                    div.part {
                        p { strong { (title) } " " span.muted { (t(lang, if a.role == UnitRole::Lead { "reform.role_lead" } else { "reform.role_partner" })) " " (t(lang, "inbox.accept_by")) " " (a.due) } }
                        @if !a.part.is_empty() { p { span.muted { (t(lang, "inbox.part")) } " " (a.part) } }
                        form.inline method="post" action=(format!("/reform/tasks/{}/accept", a.task_id)) {
                            (csrf(actor))
                            button type="submit" name="accept" value="1" { (t(lang, "inbox.accept")) }
                            input type="text" name="reason" placeholder=(t(lang, "inbox.dispute_reason"));
                            button.secondary type="submit" name="accept" value="0" { (t(lang, "inbox.dispute")) }
                        }
                    }
                }
            }
        }
        section.card.my-tasks {
            h3 { (t(lang, "inbox.tasks")) }
            @if tasks.is_empty() { p.muted { (t(lang, "inbox.no_tasks")) } }
            @for p in &plans {
                @let mine: Vec<&TaskView> = tasks.iter().filter(|v| v.task.plan_id == p.id).collect();
                @if !mine.is_empty() {
                    h4.plan-group { (p.title) }
                    @for v in mine { (task_item(v, actor, lang)) }
                }
            }
        }
    };
    let mut resp = html_page(layout::staff(&c, t(lang, "inbox.title"), body));
    if let Some(e) = error {
        *resp.status_mut() = crate::error::status_of(e.kind, e.code);
    }
    Ok(resp)
}

/// A notice's title without its kind (`催办：1 企业开办…` → `1 企业开办…`): the badge beside it
/// already names the kind.
pub(crate) fn subject_of(title: &str) -> &str {
    title.split_once('：').map_or(title, |(_, rest)| rest)
}

fn notice_item(n: &NoticeView, actor: &Actor, lang: Lang) -> Markup {
    let cls = match n.notice.kind {
        NoticeKind::Urge | NoticeKind::Supervise => "light red",
        NoticeKind::Reminder => "light yellow",
        NoticeKind::ReportChase | NoticeKind::ConsultationChase => "light done",
    };
    html! {
        div.notice data-kind=(n.notice.kind) {
            p {
                span.(cls) { (t(lang, kind_key(n.notice.kind))) } " " strong { (subject_of(&n.notice.title)) } " " span.muted { (n.notice.sent_on) }
            }
            p { (n.notice.body) }
            @if n.response_open {
                form method="post" action=(format!("/reform/notices/{}/respond", n.notice.id)) {
                    (csrf(actor))
                    label { (t(lang, "inbox.response")) @if n.response_late { " " span.light.red { (t(lang, "inbox.response_late")) } } " " span.muted { (t(lang, "inbox.response_due")) " " (n.notice.response_due.map(|d| d.to_string()).unwrap_or_default()) }
                        textarea name="response" rows="3" required {} }
                    button type="submit" { (t(lang, "inbox.respond")) }
                }
            } @else if !n.notice.response.is_empty() {
                p.response { span.muted { (t(lang, "inbox.responded")) } " " (n.notice.response) }
            }
        }
    }
}

fn task_item(v: &TaskView, actor: &Actor, lang: Lang) -> Markup {
    let done = v.light == Light::Done || v.task.status == TaskStatus::CompletionClaimed;
    html! {
        div.task-row data-code=(v.task.code) {
            p {
                strong { (v.task.code) " " (v.task.title) } " "
                span.(light_class(v.light)) { (t(lang, light_key(v.light))) } " "
                span.muted { (t(lang, "reform.deadline")) " " (v.task.deadline) " · " (t(lang, "reform.progress")) " " (v.progress) "%" }
            }
            @for r in &v.reason_list { div.reason { (fgf_app::i18n::light_reason(lang, r)) } }
            @if !done {
                details {
                    summary { (t(lang, "inbox.report")) }
                    form method="post" enctype="multipart/form-data" action=(format!("/reform/tasks/{}/report", v.task.id)) {
                        (csrf(actor))
                        label { (t(lang, "inbox.percent")) " " input type="number" name="percent" min="0" max="100" value=(v.progress) required; }
                        label { (t(lang, "inbox.done")) textarea name="done" rows="3" required {} }
                        label { (t(lang, "inbox.problems")) textarea name="problems" rows="2" {} }
                        label { (t(lang, "inbox.evidence")) " " input type="file" name="evidence" multiple; }
                        label.check { input type="checkbox" name="claim" value="1"; " " (t(lang, "inbox.claim")) }
                        button type="submit" { (t(lang, "inbox.send_report")) }
                    }
                }
            }
        }
    }
}

pub async fn accept_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(task): Path<TaskId>,
    form: PageForm,
) -> Result<Response, WebError> {
    let input = AcceptanceInput {
        accept: form.text("accept") == "1",
        reason: form.text("reason"),
    };
    match state.app.reform().answer_part(&actor, task, &input).await {
        Ok(()) => Ok(crate::reform::dossier::back_to_task(
            &form.text("back"),
            task,
            "inbox.accepted",
        )
        .unwrap_or_else(|| Redirect::to("/reform/inbox?msg=inbox.accepted").into_response())),
        Err(e) => render_inbox(&state, &actor, prefs, None, Some(e)).await,
    }
}

pub async fn report_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(task): Path<TaskId>,
    mp: PageMultipart,
) -> Result<Response, WebError> {
    let result = async {
        let mut evidence = Vec::new();
        for f in mp.files.iter().filter(|f| f.field == "evidence") {
            let stored = state
                .app
                .base()
                .upload_file(&actor, &f.name, &f.bytes)
                .await?;
            evidence.push(stored.content_hash);
        }
        let percent = mp
            .form
            .opt_i64("percent")?
            .ok_or_else(|| ServiceError::field("invalid_field", "percent", "请填写进度"))?;
        let input = ReportInput {
            percent,
            done: mp.form.text("done"),
            problems: mp.form.text("problems"),
            claim_completion: mp.form.text("claim") == "1",
            evidence,
        };
        state
            .app
            .reform()
            .report_progress(&actor, task, &input)
            .await
    }
    .await;
    match result {
        Ok(()) => Ok(crate::reform::dossier::back_to_task(
            &mp.form.text("back"),
            task,
            "inbox.reported",
        )
        .unwrap_or_else(|| Redirect::to("/reform/inbox?msg=inbox.reported").into_response())),
        Err(e) => render_inbox(&state, &actor, prefs, None, Some(e)).await,
    }
}

pub async fn respond_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let input = ResponseInput {
        response: form.text("response"),
    };
    match state.app.reform().respond_notice(&actor, id, &input).await {
        Ok(()) => Ok(Redirect::to("/reform/inbox?msg=inbox.responded_msg").into_response()),
        Err(e) => render_inbox(&state, &actor, prefs, None, Some(e)).await,
    }
}

/// The reform office runs the supervision sweep now rather than waiting for the minute.
pub async fn sweep_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    _form: PageForm,
) -> Result<Response, WebError> {
    actor
        .scope(Permission::ReformManage)
        .map_err(page_err(prefs))?;
    state
        .app
        .reform()
        .reform_sweep()
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to("/reform?msg=inbox.swept").into_response())
}

/// Demo district only: move the clock forward to show what passing deadlines do.
pub async fn demo_clock_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> Result<Response, WebError> {
    let days = form.opt_i64("days").map_err(page_err(prefs))?.unwrap_or(0);
    state
        .app
        .advance_demo_clock(&actor, days)
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to("/reform").into_response())
}

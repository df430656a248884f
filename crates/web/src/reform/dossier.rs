//! A reform task's page (任务档案): the requirement, the lead and cooperating units with their
//! acceptance, owner, milestones, dependencies, subtasks, reports with evidence, notices and
//! responses, findings and history; the lead unit reports there, a unit answers its part, and
//! the reform office splits the task, confirms or sends back a completion claim and settles a
//! coordination case. The board creates tasks with the same form.

use crate::error::WebError;
use crate::extract::{PageForm, PageQuery};
use crate::layout::{self, chrome, csrf, flash, html_page, page_err};
use crate::reform::plan::MsgQuery;
use crate::reform::task::{light_class, light_key};
use crate::{picker, AppState, Prefs};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::NaiveDate;
use fgf_app::clock::local_minute;
use fgf_app::i18n::{t, Lang};
use fgf_app::reform::dossier::TaskDossier;
use fgf_app::reform::{MilestoneInput, PartnerInput, ResolutionInput, TaskInput, CATEGORIES};
use fgf_app::{Actor, ServiceError};
use fgf_domain::base::permission::Permission;
use fgf_domain::reform::{Light, TaskId, TaskStatus, UnitRole};
use maud::{html, Markup};

/// What the task's page says after a step of it.
const DONE: [&str; 7] = [
    "dossier.split",
    "dossier.confirmed",
    "dossier.returned",
    "dossier.settled",
    "dossier.created",
    "inbox.accepted",
    "inbox.reported",
];

fn done_text(lang: Lang, msg: Option<&str>) -> Option<&'static str> {
    msg.and_then(|m| DONE.iter().find(|k| **k == m))
        .map(|k| t(lang, k))
}

fn to_page(id: TaskId, msg: &str) -> Response {
    Redirect::to(&format!("/reform/tasks/{id}?msg={msg}")).into_response()
}

pub async fn task_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<TaskId>,
    PageQuery(q): PageQuery<MsgQuery>,
) -> Result<Response, WebError> {
    render(
        &state,
        &actor,
        prefs,
        id,
        done_text(prefs.lang, q.msg.as_deref()),
        None,
    )
    .await
}

/// The page, with what just happened or the refusal of what was asked (the form's input is
/// the caller's to send again: a refusal names the field).
async fn render(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: TaskId,
    done: Option<&str>,
    refused: Option<ServiceError>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let d = state
        .app
        .reform()
        .task_dossier(actor, id)
        .await
        .map_err(&err)?;
    let office = actor.has(Permission::ReformManage);
    let units = state
        .app
        .base()
        .department_directory()
        .await
        .map_err(&err)?;
    let units: Vec<(String, String)> = units.into_iter().map(|u| (u.code, u.name)).collect();
    let c = chrome(state, actor, prefs, "reform").await?;
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |e| crate::error::status_of(e.kind, e.code));
    let body = html! {
        nav.crumbs {
            a href=(format!("/reform?plan={}", d.view.task.plan_id)) { (d.plan_title) }
            @if let Some((pid, code, title)) = &d.parent { " › " a href=(format!("/reform/tasks/{pid}")) { (code) " " (title) } }
            " › " (d.view.task.code)
        }
        (flash(done, true))
        @if let Some(e) = &refused { (flash(Some(&e.message(lang)), false)) }
        (head_card(lang, &d))
        @if office { (office_card(lang, actor, &d, &units)) }
        (unit_card(lang, actor, &d))
        (parts_card(lang, &d))
        @if !d.subtasks.is_empty() || !d.depends_on.is_empty() || !d.milestones.is_empty() { (plan_card(lang, &d)) }
        (reports_card(lang, &d))
        @if !d.notices.is_empty() { (notices_card(lang, &d)) }
        @if !d.findings.is_empty() { (findings_card(lang, &d)) }
        (history_card(lang, &d))
    };
    let title = format!("{} {}", d.view.task.code, d.view.task.title);
    let mut r = html_page(layout::staff(&c, &title, body));
    *r.status_mut() = status;
    Ok(r)
}

fn head_card(lang: Lang, d: &TaskDossier) -> Markup {
    let v = &d.view;
    html! {
        section.card.case-head {
            p {
                span.(light_class(v.light)) { (t(lang, light_key(v.light))) } " "
                progress max="100" value=(v.progress) { (v.progress) "%" } " " (v.progress) "%"
                @if v.task.status == TaskStatus::CompletionClaimed { " " span.tag { (t(lang, "dossier.claimed")) } }
            }
            @for r in &v.reason_list { p.reason { (fgf_app::i18n::light_reason(lang, r)) } }
            dl.kv {
                dt { (t(lang, "dossier.requirement")) } dd { @if v.task.requirement.is_empty() { span.muted { "—" } } @else { (v.task.requirement) } }
                @if !v.task.result_form.is_empty() { dt { (t(lang, "dossier.result_form")) } dd { (v.task.result_form) } }
                dt { (t(lang, "dossier.category")) } dd { (v.task.category) }
                dt { (t(lang, "reform.lead")) } dd { (v.lead) }
                dt { (t(lang, "reform.owner")) } dd { @if v.task.owner.is_empty() { span.muted { "—" } } @else { (v.task.owner) } }
                dt { (t(lang, "dossier.period")) } dd { (v.task.start_date) " — " (v.task.deadline) }
                @if let Some(l) = v.last_report { dt { (t(lang, "dossier.last_report")) } dd { (l) } }
            }
        }
    }
}

/// The units of the task with their acceptance, and the coordination case of a part disputed
/// or not accepted in time.
fn parts_card(lang: Lang, d: &TaskDossier) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "dossier.units")) }
            @if d.parts.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                div.table-wrap { table.data.stack {
                    thead { tr { th { (t(lang, "reform.unit")) } th { (t(lang, "dossier.role")) } th { (t(lang, "dossier.part")) } th { (t(lang, "dossier.acceptance")) } } }
                    tbody { @for p in &d.parts { tr {
                        td data-label=(t(lang, "reform.unit")) { (p.unit) }
                        td data-label=(t(lang, "dossier.role")) { (t(lang, if p.row.role == UnitRole::Lead { "reform.role_lead" } else { "reform.role_partner" })) }
                        td data-label=(t(lang, "dossier.part")) { @if p.row.part.is_empty() { span.muted { (t(lang, "dossier.part_whole")) } } @else { (p.row.part) } }
                        td data-label=(t(lang, "dossier.acceptance")) {
                            @if let Some(on) = p.row.accepted_on { span.light.green { (t(lang, "dossier.accepted_on").replace("{0}", &on.to_string())) } }
                            @else if p.row.resolved_at_ms.is_some() { span.light.green { (t(lang, "dossier.settled_tag")) } " " (p.row.resolution) }
                            @else if p.row.disputed_at_ms.is_some() { span.light.yellow { (t(lang, "dossier.disputed")) } " " (p.row.reason) }
                            @else { span.muted { (t(lang, "dossier.accept_by").replace("{0}", &p.row.due.to_string())) } }
                        }
                    } } }
                } }
            }
        }
    }
}

fn plan_card(lang: Lang, d: &TaskDossier) -> Markup {
    html! {
        section.card {
            @if !d.milestones.is_empty() {
                h2 { (t(lang, "dossier.milestones")) }
                ul.plain { @for m in &d.milestones { li {
                    (m.due) " " (m.title) " "
                    @if m.done_at_ms.is_some() { span.light.green { (t(lang, "reform.light_done")) } }
                } } }
            }
            @if !d.depends_on.is_empty() {
                h2 { (t(lang, "dossier.depends_on")) }
                ul.plain { @for (id, code, title, done) in &d.depends_on { li {
                    a href=(format!("/reform/tasks/{id}")) { (code) " " (title) } " "
                    @if *done { span.light.green { (t(lang, "reform.light_done")) } } @else { span.muted { (t(lang, "dossier.waiting")) } }
                } } }
            }
            @if !d.subtasks.is_empty() {
                h2 { (t(lang, "dossier.subtasks")) }
                ul.plain { @for s in &d.subtasks { li {
                    a href=(format!("/reform/tasks/{}", s.task.id)) { (s.task.code) " " (s.task.title) } " · " (s.lead) " · " (s.task.deadline) " "
                    span.(light_class(s.light)) { (t(lang, light_key(s.light))) }
                } } }
            }
        }
    }
}

fn reports_card(lang: Lang, d: &TaskDossier) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "dossier.reports")) }
            @if d.reports.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                ol.timeline { @for r in &d.reports { li {
                    strong { (r.row.report_date) } " · " (r.row.percent) "%" @if !r.by.is_empty() { " · " (r.by) }
                    p { (r.row.done_text) }
                    @if !r.row.problems.is_empty() { p.muted { (t(lang, "inbox.problems")) "：" (r.row.problems) } }
                    @if !r.row.evidence.is_empty() {
                        p { (t(lang, "inbox.evidence")) "："
                            @for (i, h) in r.row.evidence.iter().enumerate() { a href=(format!("/api/v1/files/{h}")) { (t(lang, "dossier.evidence_n").replace("{0}", &(i + 1).to_string())) } " " }
                        }
                    }
                } } }
            }
        }
    }
}

fn notices_card(lang: Lang, d: &TaskDossier) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "dossier.notices")) }
            div.table-wrap { table.data.stack {
                thead { tr { th { (t(lang, "form.time")) } th { (t(lang, "reform.unit")) } th { (t(lang, "form.subject")) } th { (t(lang, "inbox.response")) } } }
                tbody { @for n in &d.notices { tr {
                    td.nowrap data-label=(t(lang, "form.time")) { (n.notice.sent_on) }
                    td data-label=(t(lang, "reform.unit")) { (n.unit) }
                    td data-label=(t(lang, "form.subject")) { (t(lang, crate::reform::notice::kind_key(n.notice.kind))) " · " (crate::reform::notice::subject_of(&n.notice.title)) }
                    td data-label=(t(lang, "inbox.response")) {
                        @if n.notice.response.is_empty() {
                            @if n.response_late { span.light.red { (t(lang, "inbox.response_late")) } } @else { span.muted { "—" } }
                        } @else { (n.notice.response) }
                    }
                } } }
            } }
        }
    }
}

fn findings_card(lang: Lang, d: &TaskDossier) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "dossier.findings")) }
            ul.plain { @for f in &d.findings { li {
                strong { (f.row.held_on) } " · " (f.unit) "：" (f.row.finding) " "
                span.muted { (t(lang, "dossier.rectify_by").replace("{0}", &f.row.rectify_by.to_string())) }
                @if f.row.verified_at_ms.is_some() { " " span.light.green { (t(lang, "dossier.rectified")) } }
                @else if f.late { " " span.light.red { (t(lang, "dossier.rectify_late")) } }
                @if !f.row.rectification.is_empty() { div.muted { (f.row.rectification) } }
            } } }
        }
    }
}

fn history_card(lang: Lang, d: &TaskDossier) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "instance.history")) }
            @if d.history.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                ol.timeline { @for e in &d.history { li {
                    span.muted.nowrap { (local_minute(e.at_ms)) } " "
                    strong { (fgf_app::i18n::lookup(lang, &format!("audit.action.{}", e.action)).unwrap_or(e.action.as_str())) } " · " (e.actor_name)
                } } }
            }
        }
    }
}

/// What the caller's unit does here: answer its part, or (leading) report progress.
fn unit_card(lang: Lang, actor: &Actor, d: &TaskDossier) -> Markup {
    let v = &d.view;
    let id = v.task.id;
    let reporting =
        d.my_unit_leads && v.light != Light::Done && v.task.status != TaskStatus::CompletionClaimed;
    html! {
        @if d.my_open_part.is_some() {
            section.card.step {
                h2 { (t(lang, "dossier.answer_part")) }
                form method="post" action=(format!("/reform/tasks/{id}/accept")) {
                    (csrf(actor)) input type="hidden" name="back" value="task";
                    div.field { label for="p-reason" { (t(lang, "dossier.dispute_reason")) } textarea id="p-reason" name="reason" rows="2" {} }
                    button type="submit" name="accept" value="1" { (t(lang, "inbox.accept")) } " "
                    button.secondary type="submit" name="accept" value="0" { (t(lang, "inbox.dispute")) }
                }
            }
        }
        @if reporting {
            section.card.step {
                h2 { (t(lang, "inbox.report")) }
                form method="post" enctype="multipart/form-data" action=(format!("/reform/tasks/{id}/report")) {
                    (csrf(actor)) input type="hidden" name="back" value="task";
                    div.field { label for="r-pct" { (t(lang, "inbox.percent")) } input id="r-pct" type="number" name="percent" min="0" max="100" value=(v.progress) required; }
                    div.field { label for="r-done" { (t(lang, "inbox.done")) } textarea id="r-done" name="done" rows="3" required {} }
                    div.field { label for="r-prob" { (t(lang, "inbox.problems")) } textarea id="r-prob" name="problems" rows="2" {} }
                    div.field { label for="r-ev" { (t(lang, "inbox.evidence")) } input id="r-ev" type="file" name="evidence" multiple; }
                    label.check { input type="checkbox" name="claim" value="1"; " " (t(lang, "inbox.claim")) }
                    button type="submit" { (t(lang, "inbox.send_report")) }
                }
            }
        }
    }
}

/// The reform office's steps: confirm or send back a claim, settle a case, split the task.
fn office_card(lang: Lang, actor: &Actor, d: &TaskDossier, units: &[(String, String)]) -> Markup {
    let v = &d.view;
    let id = v.task.id;
    html! {
        @if v.task.status == TaskStatus::CompletionClaimed {
            section.card.step {
                h2 { (t(lang, "dossier.review_claim")) }
                form method="post" action=(format!("/reform/tasks/{id}/confirm")) {
                    (csrf(actor))
                    div.field { label for="c-comment" { (t(lang, "dossier.claim_comment")) } textarea id="c-comment" name="comment" rows="2" {} }
                    button type="submit" name="confirm" value="1" { (t(lang, "dossier.confirm")) } " "
                    button.secondary type="submit" name="confirm" value="0" { (t(lang, "dossier.send_back")) }
                }
            }
        }
        @for case in &d.cases {
            section.card.step {
                h2 { (t(lang, "dossier.settle")) "：" (case.unit) }
                p.muted { (case.outcome.label_zh()) " · " (case.reason) }
                form method="post" action=(format!("/reform/cases/{}/resolve", case.id)) {
                    (csrf(actor))
                    div.field { label for=(format!("s-to-{}", case.id)) { (t(lang, "dossier.assign_to")) } (picker::department(lang, "assign_to", &format!("s-to-{}", case.id), units, None)) }
                    div.field { label for=(format!("s-res-{}", case.id)) { (t(lang, "dossier.resolution")) } textarea id=(format!("s-res-{}", case.id)) name="resolution" rows="2" required {} }
                    button type="submit" { (t(lang, "dossier.settle")) }
                }
            }
        }
        details.card.ops {
            summary { (t(lang, "dossier.split_task")) }
            (task_form(lang, actor, &format!("/reform/tasks/{id}/split"), units, Some(v), &[]))
        }
    }
}

/// The form that creates a task (on the board) or a subtask (on a task's page: its number
/// follows the parent's, its dates lie within it). Units are chosen from the organisation.
pub(crate) fn task_form(
    lang: Lang,
    actor: &Actor,
    action: &str,
    units: &[(String, String)],
    parent: Option<&fgf_app::reform::TaskView>,
    sections: &[String],
) -> Markup {
    let code = parent
        .map(|p| format!("{}.", p.task.code))
        .unwrap_or_default();
    html! {
        form.task-form method="post" action=(action) {
            (csrf(actor))
            div.field { label for="t-code" { (t(lang, "reform.code")) } input id="t-code" name="code" value=(code) required maxlength="30"; }
            div.field { label for="t-title" { (t(lang, "reform.task")) } input id="t-title" name="title" required maxlength="200"; }
            @if !sections.is_empty() {
                div.field { label for="t-sec" { (t(lang, "dossier.section")) } select id="t-sec" name="section" { @for s in sections { option value=(s) { (s) } } } }
            }
            div.field { label for="t-cat" { (t(lang, "dossier.category")) }
                select id="t-cat" name="category" { @for c in CATEGORIES { option value=(c) selected[parent.is_some_and(|p| p.task.category == c)] { (c) } } }
            }
            div.field { label for="t-req" { (t(lang, "dossier.requirement")) } textarea id="t-req" name="requirement" rows="2" {} }
            div.field { label for="t-lead" { (t(lang, "reform.lead")) } (picker::department(lang, "lead", "t-lead", units, None)) }
            div.field { label for="t-partners" { (t(lang, "dossier.partners")) } (picker::departments(lang, "partners", "t-partners", units)) }
            div.field { label for="t-owner" { (t(lang, "reform.owner")) } input id="t-owner" name="owner" maxlength="40"; }
            div.field { label for="t-start" { (t(lang, "dossier.start")) } input id="t-start" type="date" name="start" value=[parent.map(|p| p.task.start_date.to_string())] required; }
            div.field { label for="t-deadline" { (t(lang, "reform.deadline")) } input id="t-deadline" type="date" name="deadline" value=[parent.map(|p| p.task.deadline.to_string())] required; }
            div.field { label for="t-ms" { (t(lang, "dossier.milestone")) } input id="t-ms" name="milestone" placeholder=(t(lang, "dossier.milestone_hint")); input type="date" name="milestone_due" aria-label=(t(lang, "dossier.milestone_due")); }
            button type="submit" { (t(lang, if parent.is_some() { "dossier.split_task" } else { "dossier.create_task" })) }
        }
    }
}

fn date_field(form: &PageForm, name: &str, label_zh: &str) -> Result<NaiveDate, ServiceError> {
    let v = form.text(name);
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        ServiceError::field(
            "invalid_field",
            name,
            &format!("请填写{label_zh}（年-月-日）"),
        )
    })
}

/// The task the form describes; `parent` is the task split.
fn task_input(
    form: &PageForm,
    parent: Option<&str>,
    section: &str,
) -> Result<TaskInput, ServiceError> {
    let mut milestones = Vec::new();
    let ms = form.text("milestone");
    if !ms.trim().is_empty() {
        milestones.push(MilestoneInput {
            title: ms.trim().to_owned(),
            due: date_field(form, "milestone_due", "节点日期")?,
        });
    }
    Ok(TaskInput {
        code: form.text("code"),
        parent_code: parent.map(str::to_owned),
        title: form.text("title"),
        category: form.text("category"),
        requirement: form.text("requirement"),
        result_form: String::new(),
        start: date_field(form, "start", "开始日期")?,
        deadline: date_field(form, "deadline", "完成时限")?,
        lead: form.text("lead"),
        owner: form.text("owner"),
        weight: 1,
        depends_on: Vec::new(),
        milestones,
        section: section.to_owned(),
        partners: form
            .pairs
            .iter()
            .filter(|(k, v)| k == "partners" && !v.trim().is_empty())
            .map(|(_, v)| PartnerInput::Code(v.clone()))
            .collect(),
        clause: String::new(),
    })
}

pub async fn split_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<TaskId>,
    form: PageForm,
) -> Result<Response, WebError> {
    let parent = state
        .app
        .reform()
        .reform_task(&actor, id)
        .await
        .map_err(page_err(prefs))?;
    let outcome = match task_input(&form, Some(&parent.code), &parent.section) {
        Ok(input) => state
            .app
            .reform()
            .add_task(&actor, parent.plan_id, &input)
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(to_page(id, "dossier.split")),
        Err(e) => render(&state, &actor, prefs, id, None, Some(e)).await,
    }
}

pub async fn confirm_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<TaskId>,
    form: PageForm,
) -> Result<Response, WebError> {
    let confirm = form.text("confirm") == "1";
    match state
        .app
        .reform()
        .confirm_completion(&actor, id, confirm, &form.text("comment"))
        .await
    {
        Ok(()) => Ok(to_page(
            id,
            if confirm {
                "dossier.confirmed"
            } else {
                "dossier.returned"
            },
        )),
        Err(e) => render(&state, &actor, prefs, id, None, Some(e)).await,
    }
}

pub async fn resolve_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(case): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let task = state
        .app
        .reform()
        .case_task(&actor, case)
        .await
        .map_err(page_err(prefs))?;
    let input = ResolutionInput {
        assign_to: form.text("assign_to"),
        resolution: form.text("resolution"),
    };
    match state.app.reform().resolve_case(&actor, case, &input).await {
        Ok(()) => Ok(to_page(task, "dossier.settled")),
        Err(e) => render(&state, &actor, prefs, task, None, Some(e)).await,
    }
}

/// The board's 新建任务: a task of the plan, then its page.
pub async fn create_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(plan): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let section = form.text("section");
    let outcome = match task_input(&form, None, &section) {
        Ok(input) => state.app.reform().add_task(&actor, plan, &input).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok((id, _)) => Ok(to_page(id, "dossier.created")),
        Err(e) => Err(page_err(prefs)(e)),
    }
}

/// Where a unit's answer or report from the task's page goes back to: the task's page (only
/// that literal is honoured, so no link can redirect elsewhere).
pub(crate) fn back_to_task(form_back: &str, task: TaskId, msg: &str) -> Option<Response> {
    (form_back == "task").then(|| to_page(task, msg))
}

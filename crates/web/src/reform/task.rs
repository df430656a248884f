//! Reform-task supervision (督) over HTTP: plans, tasks, progress reports and the board with
//! every task's status light.

use super::dto;
use crate::base::dto::List;
use crate::error::WebError;
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use fgf_app::reform::{PlanInput, ReportInput, TaskInput};
use fgf_app::Actor;
use fgf_domain::reform::TaskId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

type ApiResult = Result<Response, WebError>;

pub async fn create_plan(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(input): ApiJson<PlanInput>,
) -> ApiResult {
    let id = state.app.reform().create_plan(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(dto::Created { id })).into_response())
}

/// Which page of a list, and for plans which status.
#[derive(Deserialize, Default, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub status: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ListParams {
    pub fn page(&self) -> fgf_store::Page {
        fgf_store::Page::new(self.page, self.per_page)
    }
}

pub async fn list_plans(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult {
    let res = state
        .app
        .reform()
        .plans(&actor, q.status.as_deref(), q.page())
        .await?;
    Ok(Json(List::<dto::Plan>::page(res)).into_response())
}

pub async fn task_reports(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<TaskId>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult {
    let res = state
        .app
        .reform()
        .task_reports(&actor, id, q.page())
        .await?;
    Ok(Json(List::<dto::ProgressReport>::page(res)).into_response())
}

pub async fn plan_tasks(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let items = state.app.reform().plan_board(&actor, id).await?;
    Ok(Json(List::<dto::TaskView>::all(items)).into_response())
}

pub async fn add_task(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TaskInput>,
) -> ApiResult {
    let (task, warnings) = state.app.reform().add_task(&actor, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(dto::TaskAdded {
            id: task.get(),
            warnings,
        }),
    )
        .into_response())
}

pub async fn report_progress(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<TaskId>,
    ApiJson(input): ApiJson<ReportInput>,
) -> ApiResult {
    state
        .app
        .reform()
        .report_progress(&actor, id, &input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(dto::Reported { task_id: id.get() }),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ConfirmBody {
    confirm: bool,
    #[serde(default)]
    comment: String,
}

pub async fn confirm_completion(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<TaskId>,
    ApiJson(b): ApiJson<ConfirmBody>,
) -> ApiResult {
    state
        .app
        .reform()
        .confirm_completion(&actor, id, b.confirm, &b.comment)
        .await?;
    Ok(Json(dto::Confirmed {
        task_id: id.get(),
        confirmed: b.confirm,
    })
    .into_response())
}

pub async fn answer_part(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<TaskId>,
    ApiJson(input): ApiJson<fgf_app::reform::AcceptanceInput>,
) -> ApiResult {
    state.app.reform().answer_part(&actor, id, &input).await?;
    Ok(Json(dto::PartAnswered {
        task_id: id.get(),
        accepted: input.accept,
    })
    .into_response())
}

pub async fn coordination_cases(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let items = state.app.reform().coordination_cases(&actor).await?;
    Ok(Json(List::<dto::CoordinationCase>::all(items)).into_response())
}

pub async fn resolve_case(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<fgf_app::reform::ResolutionInput>,
) -> ApiResult {
    state.app.reform().resolve_case(&actor, id, &input).await?;
    Ok(Json(dto::Resolved { id, resolved: true }).into_response())
}

// ---- pages ----

use crate::extract::PageQuery;
use crate::layout;
use crate::layout::{chrome, html_page, page_err};
use crate::Prefs;
use fgf_app::i18n::t;
use fgf_domain::reform::plan::PlanStatus;
use fgf_domain::reform::{Light, NoticeKind, UnitRole};
use maud::html;

#[derive(Deserialize, Default)]
pub struct BoardQuery {
    #[serde(default)]
    plan: Option<i64>,
    /// Only tasks with this light.
    #[serde(default)]
    light: Option<String>,
    #[serde(default)]
    msg: Option<String>,
}

pub(crate) fn light_class(l: Light) -> &'static str {
    match l {
        Light::Green => "light green",
        Light::Yellow => "light yellow",
        Light::Red => "light red",
        Light::Done => "light done",
    }
}

pub(crate) fn light_key(l: Light) -> &'static str {
    match l {
        Light::Green => "reform.light_green",
        Light::Yellow => "reform.light_yellow",
        Light::Red => "reform.light_red",
        Light::Done => "reform.light_done",
    }
}

/// The plan a page asked for, or else the first published one, or else the newest.
pub(crate) fn chosen_plan(
    plans: &[fgf_store::reform::PlanRow],
    id: Option<i64>,
) -> Option<&fgf_store::reform::PlanRow> {
    id.and_then(|id| plans.iter().find(|p| p.id == id))
        .or_else(|| plans.iter().find(|p| p.status == PlanStatus::Approved))
        .or(plans.first())
}

/// 一 … 十 as numbers, so the plan's parts list in their order.
fn chinese_ordinal(c: char) -> u32 {
    "一二三四五六七八九十"
        .chars()
        .position(|x| x == c)
        .map_or(99, |i| i as u32)
}

/// The reform office's board: every task of a plan by part, with its light, why, progress and
/// owner; the red and yellow lists are one click away.
pub async fn board_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<BoardQuery>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let plans = state.app.reform().all_plans(&actor).await.map_err(&err)?;
    let c = chrome(&state, &actor, prefs, "reform").await?;
    let Some(plan) = chosen_plan(&plans, q.plan) else {
        let body = html! { p.muted { (t(lang, "reform.no_plan")) } };
        return Ok(html_page(layout::staff(&c, t(lang, "reform.title"), body)));
    };
    let mut tasks = state
        .app
        .reform()
        .plan_board(&actor, plan.id)
        .await
        .map_err(&err)?;
    // Tasks in number order (2.10 after 2.9).
    tasks.sort_by_key(|t| {
        t.task
            .code
            .split('.')
            .map(|p| p.parse().unwrap_or(u32::MAX))
            .collect::<Vec<u32>>()
    });
    let cases = state
        .app
        .reform()
        .coordination_cases(&actor)
        .await
        .map_err(&err)?;
    let count = |l: Light| {
        tasks
            .iter()
            .filter(|t| t.task.parent_id.is_none() && t.light == l)
            .count()
    };
    let wanted = |l: Light| match q.light.as_deref() {
        Some("red") => l == Light::Red,
        Some("yellow") => l == Light::Yellow,
        Some("green") => l == Light::Green,
        Some("done") => l == Light::Done,
        _ => true,
    };
    // Parts in the order of their ordinal, then of their first task.
    let number = |code: &str| -> Vec<u32> {
        code.split('.')
            .map(|p| p.parse().unwrap_or(u32::MAX))
            .collect()
    };

    let first_task = |sec: &str| {
        tasks
            .iter()
            .filter(|t| t.task.section == sec)
            .map(|t| number(&t.task.code))
            .min()
    };
    let mut sections: Vec<String> = Vec::new();
    for t in &tasks {
        if !sections.contains(&t.task.section) {
            sections.push(t.task.section.clone());
        }
    }
    sections.sort_by_key(|s| (s.chars().next().map(chinese_ordinal), first_task(s)));
    let office = actor
        .scope(fgf_domain::base::permission::Permission::ReformManage)
        .is_ok();
    let notices = if office {
        state
            .app
            .reform()
            .reform_notices(&actor, true)
            .await
            .map_err(&err)?
    } else {
        Vec::new()
    };
    let escalations: Vec<&fgf_app::reform::notice::NoticeView> = notices
        .iter()
        .filter(|n| matches!(n.notice.kind, NoticeKind::Urge | NoticeKind::Supervise))
        .collect();
    let ok = crate::reform::plan::msg_text(lang, q.msg.as_deref());
    let units: Vec<(String, String)> = if office {
        state
            .app
            .base()
            .department_directory()
            .await
            .map_err(&err)?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect()
    } else {
        Vec::new()
    };
    let body = html! {
        (crate::layout::flash(ok, true))
        nav.subnav {
            @for p in &plans {
                @if p.id == plan.id { strong { (p.title) } } @else { a href=(format!("/reform?plan={}", p.id)) { (p.title) } }
                " · "
            }
            a href=(format!("/reform/plans/{}", plan.id)) { (t(lang, "plan.open")) } " · "
            a href=(format!("/reform/dashboard?plan={}", plan.id)) { (t(lang, "dash.nav_dashboard")) } " · "
            a href=(format!("/reform/supervision?plan={}", plan.id)) { (t(lang, "dash.nav_supervision")) } " · "
            a href="/reform/innovations" { (t(lang, "dash.nav_innovations")) } " · "
            a href="/reform/inbox" { (t(lang, "inbox.open")) }
        }
        h2.plan-title { (plan.title) }
        div.lights {
            @for l in [Light::Red, Light::Yellow, Light::Green, Light::Done] {
                a.(light_class(l)) href=(format!("/reform?plan={}&light={}", plan.id, match l { Light::Red => "red", Light::Yellow => "yellow", Light::Green => "green", Light::Done => "done" })) {
                    strong { (count(l)) } " " (t(lang, light_key(l)))
                }
            }
            a.light.all href=(format!("/reform?plan={}", plan.id)) { (t(lang, "reform.all")) }
        }
        @if office {
            section.card.office-tools {
                form.inline method="post" action="/reform/sweep" {
                    (crate::layout::csrf(&actor))
                    button.secondary type="submit" { (t(lang, "inbox.sweep")) }
                }
                @if let Some(offset) = state.app.demo_clock_offset() {
                    form.inline method="post" action="/reform/demo-clock" {
                        (crate::layout::csrf(&actor))
                        span.muted { (t(lang, "inbox.demo_clock")) "：" (t(lang, "inbox.demo_clock_note")) " " (offset) }
                        " "
                        label { (t(lang, "inbox.days")) " " input type="number" name="days" min="1" max="366" value="7" style="width:5em"; }
                        button.secondary type="submit" { (t(lang, "inbox.advance")) }
                    }
                }
            }
        }
        @if office {
            details.card.ops {
                summary { (t(lang, "dossier.create_task")) }
                (crate::reform::dossier::task_form(lang, &actor, &format!("/reform/plans/{}/tasks", plan.id), &units, None, &sections))
            }
        }
        @if !escalations.is_empty() {
            section.card.escalations {
                h3 { (t(lang, "inbox.all_notices")) " " span.badge { (escalations.len()) } }
                div.table-wrap { table.data.compact.stack {
                    thead { tr { th { (t(lang, "reform.unit")) } th { (t(lang, "reform.task")) } th { (t(lang, "inbox.response_due")) } th { (t(lang, "inbox.response")) } } }
                    tbody {
                        @for n in &escalations {
                            tr {
                                td data-label=(t(lang, "reform.unit")) { (n.unit) }
                                td data-label=(t(lang, "reform.task")) { span.(if n.notice.kind == NoticeKind::Supervise { "light red" } else { "light yellow" }) { (t(lang, crate::reform::notice::kind_key(n.notice.kind))) } " "
                                    @if let Some(tid) = n.notice.task_id { a href=(format!("/reform/tasks/{tid}")) { (crate::reform::notice::subject_of(&n.notice.title)) } } @else { (crate::reform::notice::subject_of(&n.notice.title)) }
                                }
                                td data-label=(t(lang, "inbox.response_due")) { (n.notice.response_due.map(|d| d.to_string()).unwrap_or_default()) @if n.response_late { " " span.light.red { (t(lang, "inbox.response_late")) } } }
                                td data-label=(t(lang, "inbox.response")) { @if n.notice.response.is_empty() { span.muted { "—" } } @else { (n.notice.response) } }
                            }
                        }
                    }
                } }
            }
        }
        @if !cases.is_empty() {
            section.card.cases id="cases" {
                h3 { (t(lang, "reform.cases")) " " span.badge { (cases.len()) } }
                p.muted { (t(lang, "reform.cases_note")) }
                div.table-wrap { table.data.compact.stack {
                    thead { tr { th { (t(lang, "reform.task")) } th { (t(lang, "reform.unit")) } th { (t(lang, "reform.case")) } th { (t(lang, "reform.reason")) } th { (t(lang, "reform.age")) } } }
                    tbody {
                        @for c in &cases {
                            tr {
                                td data-label=(t(lang, "reform.task")) { a href=(format!("/reform/tasks/{}", c.task_id)) { (c.task_code) " " (c.task_title) } }
                                td data-label=(t(lang, "reform.unit")) { (c.unit) " " span.muted { (t(lang, if c.role == UnitRole::Lead { "reform.role_lead" } else { "reform.role_partner" })) } }
                                td data-label=(t(lang, "reform.case")) { span.(if c.outcome == fgf_domain::reform::AcceptanceOutcome::Disputed { "light yellow" } else { "light red" }) { (c.outcome.label_zh()) } }
                                td data-label=(t(lang, "reform.reason")) { (c.reason) }
                                td data-label=(t(lang, "reform.age")) { (c.age_days) }
                            }
                        }
                    }
                } }
            }
        }
        @for sec in &sections {
            @let rows: Vec<&fgf_app::reform::TaskView> = tasks.iter().filter(|t| t.task.section == **sec && wanted(t.light)).collect();
            @if !rows.is_empty() {
                section.card {
                    h3 { (sec) }
                    div.table-wrap { table.data.board.stack {
                        thead { tr {
                            th { (t(lang, "reform.code")) } th { (t(lang, "reform.task")) } th { (t(lang, "reform.lead")) }
                            th { (t(lang, "reform.owner")) } th { (t(lang, "reform.deadline")) } th { (t(lang, "reform.progress")) } th { (t(lang, "reform.light")) }
                        } }
                        tbody {
                            @for v in rows {
                                tr.sub[v.task.parent_id.is_some()] {
                                    td data-label=(t(lang, "reform.code")) { (v.task.code) }
                                    td data-label=(t(lang, "reform.task")) { a href=(format!("/reform/tasks/{}", v.task.id)) { (v.task.title) } @if !v.depends_on.is_empty() { div.muted { (t(lang, "reform.after")) " " (v.depends_on.join("、")) } } }
                                    td data-label=(t(lang, "reform.lead")) { (v.lead) }
                                    td data-label=(t(lang, "reform.owner")) { (v.task.owner) }
                                    td.nowrap data-label=(t(lang, "reform.deadline")) { (v.task.deadline) }
                                    td data-label=(t(lang, "reform.progress")) { progress max="100" value=(v.progress) { (v.progress) "%" } " " (v.progress) "%" }
                                    td data-label=(t(lang, "reform.light")) {
                                        span.(light_class(v.light)) { (t(lang, light_key(v.light))) }
                                        @for r in &v.reason_list { div.reason { (fgf_app::i18n::light_reason(lang, r)) } }
                                    }
                                }
                            }
                        }
                    } }
                }
            }
        }
    };
    Ok(html_page(layout::staff(&c, t(lang, "reform.title"), body)))
}

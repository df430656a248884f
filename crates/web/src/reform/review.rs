//! The reform office's and leaders' views over HTTP: the dashboard with its timeline, exports
//! and printable pages; inspections and findings, assessments with their ranking and appeals,
//! commendations and accountability, progress bulletins, and grassroots innovations (with
//! their public page on the portal).

use super::dto;
use crate::base::dto::List;
use crate::error::WebError;
use crate::extract::{ApiJson, ApiQuery, PageForm, PageQuery};
use crate::layout::{self, csrf, flash};
use crate::layout::{chrome, html_page, page_err};
use crate::{reform::gantt, AppState, MaybeActor, Prefs};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use fgf_app::catalog::Sheet;
use fgf_app::i18n::{t, Lang};
use fgf_app::reform::review::{
    AssessmentInput, BulletinInput, Dashboard, FindingInput, InnovationInput, InspectionInput,
    MeritInput, QualityInput, Tally,
};
use fgf_app::{Actor, ServiceError};
use fgf_domain::base::permission::Permission;
use fgf_domain::reform::{AssessmentStatus, InnovationStatus, Light, MeritKind};

use maud::{html, Markup};
use serde::Deserialize;
use utoipa::ToSchema;

fn assessment_status_key(s: AssessmentStatus) -> &'static str {
    match s {
        AssessmentStatus::Published => "sup.published",
        AssessmentStatus::Open => "sup.open",
    }
}

type ApiResult = Result<Response, WebError>;

#[derive(Deserialize, ToSchema)]
pub struct Text {
    #[serde(default)]
    text: String,
}

#[derive(Deserialize, ToSchema)]
pub struct Verify {
    accept: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct Review {
    publish: bool,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize, ToSchema)]
pub struct Decision {
    unit: String,
    decision: String,
}

// ---- API ----

pub async fn dashboard(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(Json(dto::Dashboard::from(
        state.app.reform().reform_dashboard(&actor, id).await?,
    ))
    .into_response())
}

pub async fn inspect(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<InspectionInput>,
) -> ApiResult {
    let i = state
        .app
        .reform()
        .record_inspection(&actor, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(dto::Created { id: i })).into_response())
}

pub async fn plan_findings(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let items = state.app.reform().findings(&actor, Some(id)).await?;
    Ok(Json(List::<dto::Finding>::all(items)).into_response())
}

pub async fn my_findings(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let items = state.app.reform().findings(&actor, None).await?;
    Ok(Json(List::<dto::Finding>::all(items)).into_response())
}

pub async fn rectify(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Text>,
) -> ApiResult {
    state
        .app
        .reform()
        .rectify_finding(&actor, id, &b.text)
        .await?;
    Ok(Json(dto::Rectified {
        id,
        rectified: true,
    })
    .into_response())
}

pub async fn verify(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Verify>,
) -> ApiResult {
    state
        .app
        .reform()
        .verify_finding(&actor, id, b.accept)
        .await?;
    Ok(Json(dto::Verified {
        id,
        accepted: b.accept,
    })
    .into_response())
}

pub async fn create_assessment(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AssessmentInput>,
) -> ApiResult {
    let a = state
        .app
        .reform()
        .create_assessment(&actor, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(dto::Created { id: a })).into_response())
}

pub async fn get_assessment(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(Json(dto::AssessmentView::from(
        state.app.reform().assessment_view(&actor, id).await?,
    ))
    .into_response())
}

pub async fn quality(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<QualityInput>,
) -> ApiResult {
    state.app.reform().score_quality(&actor, id, &input).await?;
    Ok(Json(dto::QualityScored {
        assessment_id: id,
        task: input.task,
        score: input.score,
    })
    .into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let n = state.app.reform().publish_assessment(&actor, id).await?;
    Ok(Json(dto::Published {
        assessment_id: id,
        units: n,
    })
    .into_response())
}

pub async fn appeal(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Text>,
) -> ApiResult {
    state
        .app
        .reform()
        .appeal_assessment(&actor, id, &b.text)
        .await?;
    Ok(Json(dto::Appealed {
        assessment_id: id,
        appealed: true,
    })
    .into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Decision>,
) -> ApiResult {
    state
        .app
        .reform()
        .decide_assessment_appeal(&actor, id, &b.unit, &b.decision)
        .await?;
    Ok(Json(dto::Decided {
        assessment_id: id,
        decided: true,
    })
    .into_response())
}

pub async fn add_merit(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(input): ApiJson<MeritInput>,
) -> ApiResult {
    state.app.reform().record_merit(&actor, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(dto::MeritRecorded { kind: input.kind }),
    )
        .into_response())
}

pub async fn list_merits(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let items = state.app.reform().merits(&actor).await?;
    Ok(Json(List::<dto::Merit>::all(items)).into_response())
}

pub async fn submit_innovation(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(input): ApiJson<InnovationInput>,
) -> ApiResult {
    let id = state.app.reform().submit_innovation(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(dto::Created { id })).into_response())
}

pub async fn list_innovations(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> ApiResult {
    let items = state.app.reform().innovations(&actor).await?;
    Ok(Json(List::<dto::Innovation>::all(items)).into_response())
}

pub async fn review_innovation(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Review>,
) -> ApiResult {
    state
        .app
        .reform()
        .review_innovation(&actor, id, b.publish, &b.note)
        .await?;
    Ok(Json(dto::InnovationReviewed {
        id,
        published: b.publish,
    })
    .into_response())
}

pub async fn issue_bulletin(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<BulletinInput>,
) -> ApiResult {
    let b = state
        .app
        .reform()
        .issue_bulletin(&actor, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(dto::Created { id: b })).into_response())
}

pub async fn list_inspections(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<crate::reform::task::ListParams>,
) -> ApiResult {
    let res = state
        .app
        .reform()
        .plan_inspections(&actor, id, q.page())
        .await?;
    Ok(Json(List::<dto::Inspection>::page(res)).into_response())
}

pub async fn list_assessments(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<crate::reform::task::ListParams>,
) -> ApiResult {
    let res = state
        .app
        .reform()
        .plan_assessments(&actor, id, q.page())
        .await?;
    Ok(Json(List::<dto::Assessment>::page(res)).into_response())
}

/// Bulletins without their content, which `GET /api/v1/bulletins/{id}` serves.
pub async fn list_bulletins(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<crate::reform::task::ListParams>,
) -> ApiResult {
    let res = state
        .app
        .reform()
        .plan_bulletins(&actor, id, q.page())
        .await?;
    Ok(Json(List::<dto::BulletinSummary>::page(res)).into_response())
}

pub async fn get_bulletin(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> ApiResult {
    let (row, body) = state.app.reform().bulletin(&actor, id).await?;
    Ok(Json(dto::BulletinIssued {
        bulletin: row.into(),
        content: body.into(),
    })
    .into_response())
}

// ---- pages ----

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    plan: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
}

/// The plan asked for, or the first published one, or the newest.
async fn pick_plan(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    plan: Option<i64>,
) -> Result<Option<fgf_store::reform::PlanRow>, WebError> {
    let plans = state
        .app
        .reform()
        .all_plans(actor)
        .await
        .map_err(page_err(prefs))?;
    Ok(crate::reform::task::chosen_plan(&plans, plan).cloned())
}

fn pct(done: usize, total: usize) -> usize {
    (done * 100).checked_div(total).unwrap_or(0)
}

fn tally_table(rows: &[Tally], lang: Lang, head: &str, scores: bool) -> Markup {
    html! {
        div.table-wrap { table.data.compact.stack.tally {
            thead { tr {
                th { (head) } th { (t(lang, "dash.tasks")) } th { (t(lang, "dash.done")) } th { (t(lang, "dash.rate")) }
                th { (t(lang, "reform.light_red")) } th { (t(lang, "reform.light_yellow")) } th { (t(lang, "dash.max_overdue")) }
                @if scores { th { (t(lang, "dash.score")) } th { (t(lang, "dash.rank")) } }
            } }
            tbody {
                @for r in rows {
                    tr {
                        td data-label=(head) { (r.name) } td.num data-label=(t(lang, "dash.tasks")) { (r.total) } td.num data-label=(t(lang, "dash.done")) { (r.done) }
                        td data-label=(t(lang, "dash.rate")) { span.bar { span style=(format!("width:{}%", pct(r.done, r.total))) {} } " " (pct(r.done, r.total)) "%" }
                        td.num data-label=(t(lang, "reform.light_red")) { @if r.red > 0 { span.light.red { (r.red) } } @else { "0" } }
                        td.num data-label=(t(lang, "reform.light_yellow")) { @if r.yellow > 0 { span.light.yellow { (r.yellow) } } @else { "0" } }
                        td.num data-label=(t(lang, "dash.max_overdue")) { (r.max_overdue_days) }
                        @if scores {
                            td.num data-label=(t(lang, "dash.score")) { @if let Some(s) = r.score { (format!("{s:.2}")) } @else { span.muted title=(t(lang, "dash.not_assessed_note")) { (t(lang, "dash.not_assessed")) } } }
                            td.num data-label=(t(lang, "dash.rank")) { @if let Some(k) = r.rank { (k) } @else { "—" } }
                        }
                    }
                }
            }
        } }
    }
}

/// Since when a flagged task is late: the first day past its deadline, the missed milestone's
/// or report's date — whichever came first; a task only behind schedule has no such day.
fn late_since(f: &fgf_app::reform::review::Flagged) -> Option<chrono::NaiveDate> {
    use fgf_domain::reform::LightReason as R;
    f.view
        .reason_list
        .iter()
        .filter_map(|r| match r {
            R::Overdue { .. } => f.view.task.deadline.succ_opt(),
            R::MilestoneMissed { date } => Some(*date),
            R::ReportMissing { due } => Some(*due),
            R::Behind { .. } => None,
        })
        .min()
}

fn flagged_table(rows: &[fgf_app::reform::review::Flagged], lang: Lang) -> Markup {
    html! {
        div.table-wrap { table.data.stack.flagged {
            thead { tr { th { (t(lang, "reform.task")) } th { (t(lang, "reform.lead")) } th { (t(lang, "reform.owner")) } th { (t(lang, "dash.overdue_days")) } th { (t(lang, "dash.since")) } th { (t(lang, "reform.progress")) } th { (t(lang, "reform.reason")) } } }
            tbody {
                @for f in rows {
                    tr {
                        td data-label=(t(lang, "reform.task")) { a href=(format!("/reform/tasks/{}", f.view.task.id)) { (f.view.task.code) " " (f.view.task.title) } }
                        td data-label=(t(lang, "reform.lead")) { (f.view.lead) }
                        td data-label=(t(lang, "reform.owner")) { @if f.view.task.owner.is_empty() { span.muted { (t(lang, "dash.no_owner")) } } @else { strong { (f.view.task.owner) } } }
                        td.num data-label=(t(lang, "dash.overdue_days")) { @if f.overdue_days > 0 { strong { (f.overdue_days) } } @else { "0" } }
                        td.nowrap data-label=(t(lang, "dash.since")) { @if let Some(s) = late_since(f) { (s) } @else { span.muted { "—" } } }
                        td.num data-label=(t(lang, "reform.progress")) { (f.view.progress) "%" }
                        td data-label=(t(lang, "reform.reason")) { @for (i, r) in f.view.reason_list.iter().enumerate() { @if i > 0 { "；" } (fgf_app::i18n::light_reason(lang, r)) } }
                    }
                }
            }
        } }
    }
}

fn review_nav(lang: Lang, plan: i64, here: &str) -> Markup {
    let links = [
        ("board", format!("/reform?plan={plan}"), "dash.nav_board"),
        (
            "dashboard",
            format!("/reform/dashboard?plan={plan}"),
            "dash.nav_dashboard",
        ),
        (
            "supervision",
            format!("/reform/supervision?plan={plan}"),
            "dash.nav_supervision",
        ),
        (
            "innovations",
            "/reform/innovations".to_owned(),
            "dash.nav_innovations",
        ),
        ("inbox", "/reform/inbox".to_owned(), "inbox.open"),
    ];
    html! {
        nav.subnav.no-print {
            @for (i, (key, href, label)) in links.iter().enumerate() {
                @if i > 0 { " · " }
                @if *key == here { strong { (t(lang, label)) } } @else { a href=(href) { (t(lang, label)) } }
            }
        }
    }
}

/// The dashboard for the reform office and leaders.
pub async fn dashboard_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<PlanQuery>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let c = chrome(&state, &actor, prefs, "reform").await?;
    let Some(plan) = pick_plan(&state, &actor, prefs, q.plan).await? else {
        return Ok(html_page(layout::staff(
            &c,
            t(lang, "dash.title"),
            html! { p.muted { (t(lang, "reform.no_plan")) } },
        )));
    };
    let d: Dashboard = state
        .app
        .reform()
        .reform_dashboard(&actor, plan.id)
        .await
        .map_err(&err)?;
    let top = d
        .board
        .iter()
        .filter(|v| v.task.parent_id.is_none())
        .count();
    let count = |l: Light| {
        d.board
            .iter()
            .filter(|v| v.task.parent_id.is_none() && v.light == l)
            .count()
    };
    let board = |light: &str| format!("/reform?plan={}&light={light}", plan.id);
    // The leader's first question is what is late, who answers for it and since when: the
    // red list leads, then the counts (each opens its list), then the breakdowns.
    let body = html! {
        (review_nav(lang, plan.id, "dashboard"))
        h2.plan-title { (d.plan.title) " " span.muted { (t(lang, "dash.as_of")) " " (d.today) } }
        section.card.red-list {
            h3 { span.light.red { (t(lang, "reform.light_red")) } " " (t(lang, "dash.red_list")) " " span.badge { (d.red.len()) } }
            @if d.red.is_empty() { p.muted { (t(lang, "dash.no_red")) } } @else { (flagged_table(&d.red, lang)) }
        }
        div.kpis {
            a.kpi href=(format!("/reform?plan={}", plan.id)) { strong { (top) } span { (t(lang, "dash.tasks")) } }
            a.kpi.red href=(board("red")) { strong { (count(Light::Red)) } span { (t(lang, "reform.light_red")) } }
            a.kpi.yellow href=(board("yellow")) { strong { (count(Light::Yellow)) } span { (t(lang, "reform.light_yellow")) } }
            a.kpi.green href=(board("green")) { strong { (count(Light::Green)) } span { (t(lang, "reform.light_green")) } }
            a.kpi.done href=(board("done")) { strong { (count(Light::Done)) } span { (t(lang, "dash.done")) " " (pct(count(Light::Done), top)) "%" } }
            a.kpi href=(format!("/reform?plan={}#cases", plan.id)) { strong { (d.open_cases) } span { (t(lang, "reform.cases")) } }
        }
        section.card.yellow-list {
            h3 { span.light.yellow { (t(lang, "reform.light_yellow")) } " " (t(lang, "dash.yellow_list")) " " span.badge { (d.yellow.len()) } }
            @if d.yellow.is_empty() { p.muted { (t(lang, "form.none")) } } @else { (flagged_table(&d.yellow, lang)) }
        }
        div.grid2 {
            section.card { h3 { (t(lang, "dash.by_category")) } (tally_table(&d.by_category, lang, t(lang, "dash.category"), false)) }
            section.card {
                h3 { (t(lang, "dash.by_unit")) }
                @if let Some(a) = &d.assessment { p.muted { (t(lang, "dash.scores_from")) " " a href=(format!("/reform/assessments/{}", a.id)) { (a.title) } } }
                p.muted { (t(lang, "dash.not_assessed_note")) }
                (tally_table(&d.by_unit, lang, t(lang, "reform.lead"), true))
            }
        }
        p.no-print {
            a.button.secondary href=(format!("/reform/export.xlsx?plan={}", plan.id)) { (t(lang, "dash.export")) } " "
            a.button.secondary href="#" data-print { (t(lang, "plan.print")) }
        }
        section.card.timeline {
            h3 { (t(lang, "dash.timeline")) }
            p.muted { (t(lang, "dash.timeline_note")) }
            div.gantt-wrap { (gantt::svg(&d.board, &d.milestones, d.today, t(lang, "dash.timeline"), t(lang, "dash.today"))) }
        }
    };
    Ok(html_page(layout::staff(&c, t(lang, "dash.title"), body)))
}

/// The plan's tasks, notices and latest scores as an xlsx workbook.
pub async fn export_xlsx(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<PlanQuery>,
) -> Result<Response, WebError> {
    let err = page_err(prefs);
    let Some(plan) = pick_plan(&state, &actor, prefs, q.plan).await? else {
        return Err(err(ServiceError::not_found("not_found")
            .arg("reform_plan")
            .arg(0)));
    };
    let d = state
        .app
        .reform()
        .reform_dashboard(&actor, plan.id)
        .await
        .map_err(&err)?;
    let light = |l: Light| match l {
        Light::Green => "绿灯",
        Light::Yellow => "黄灯",
        Light::Red => "红灯",
        Light::Done => "已完成",
    };
    let tasks = Sheet {
        headers: [
            "编号",
            "任务名称",
            "改革类别",
            "所属部分",
            "方案条款",
            "牵头单位",
            "责任人",
            "开始",
            "完成时限",
            "进度",
            "状态",
            "说明",
            "前置任务",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
        rows: gantt::in_order(&d.board)
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    i + 2,
                    vec![
                        v.task.code.clone(),
                        v.task.title.clone(),
                        v.task.category.clone(),
                        v.task.section.clone(),
                        v.task.clause.clone(),
                        v.lead.clone(),
                        v.task.owner.clone(),
                        v.task.start_date.to_string(),
                        v.task.deadline.to_string(),
                        format!("{}%", v.progress),
                        light(v.light).to_owned(),
                        v.reasons.join("；"),
                        v.depends_on.join("；"),
                    ],
                )
            })
            .collect(),
    };
    let units = Sheet {
        headers: [
            "牵头单位",
            "任务数",
            "已完成",
            "红灯",
            "黄灯",
            "最长逾期（工作日）",
            "考核得分",
            "排名",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
        rows: d
            .by_unit
            .iter()
            .enumerate()
            .map(|(i, u)| {
                (
                    i + 2,
                    vec![
                        u.name.clone(),
                        u.total.to_string(),
                        u.done.to_string(),
                        u.red.to_string(),
                        u.yellow.to_string(),
                        u.max_overdue_days.to_string(),
                        u.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
                        u.rank.map(|r| r.to_string()).unwrap_or_default(),
                    ],
                )
            })
            .collect(),
    };
    let notices = state
        .app
        .reform()
        .reform_notices(&actor, true)
        .await
        .unwrap_or_default();
    let notice_sheet = Sheet {
        headers: ["单位", "类型", "标题", "发出日期", "回复期限", "书面说明"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        rows: notices
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    i + 2,
                    vec![
                        n.unit.clone(),
                        n.kind_label.to_owned(),
                        n.notice.title.clone(),
                        n.notice.sent_on.to_string(),
                        n.notice
                            .response_due
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        n.notice.response.clone(),
                    ],
                )
            })
            .collect(),
    };
    let bytes = fgf_app::catalog::to_xlsx(&[
        ("任务", &tasks),
        ("单位", &units),
        ("督办通知", &notice_sheet),
    ])
    .map_err(|e| err(ServiceError::internal(e)))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"reform-plan-{}.xlsx\"", plan.id),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Inspections and findings, assessments, commendations and accountability, bulletins.
pub async fn supervision_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<PlanQuery>,
) -> Result<Response, WebError> {
    render_supervision(
        &state,
        &actor,
        prefs,
        q.plan,
        crate::reform::plan::msg_text(prefs.lang, q.msg.as_deref()),
        None,
    )
    .await
}

async fn render_supervision(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    plan: Option<i64>,
    ok: Option<&str>,
    error: Option<ServiceError>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let c = chrome(state, actor, prefs, "reform").await?;
    let Some(plan) = pick_plan(state, actor, prefs, plan).await? else {
        return Ok(html_page(layout::staff(
            &c,
            t(lang, "sup.title"),
            html! { p.muted { (t(lang, "reform.no_plan")) } },
        )));
    };
    let office = actor.scope(Permission::ReformManage).is_ok();
    let findings = state
        .app
        .reform()
        .findings(actor, Some(plan.id))
        .await
        .map_err(&err)?;
    let assessments = state
        .app
        .reform()
        .assessments_of_plan(actor, plan.id)
        .await
        .map_err(&err)?;
    let merits = state.app.reform().merits(actor).await.map_err(&err)?;
    let bulletins = state
        .app
        .reform()
        .bulletins_of_plan(actor, plan.id)
        .await
        .map_err(&err)?;
    let pid = plan.id;
    let body = html! {
        (review_nav(lang, pid, "supervision"))
        h2.plan-title { (plan.title) }
        (flash(ok, true))
        @if let Some(e) = &error { (flash(Some(e.message(lang).as_str()), false)) }
        section.card.findings {
            h3 { (t(lang, "sup.findings")) }
            @if findings.is_empty() { p.muted { (t(lang, "sup.no_findings")) } } @else {
                div.table-wrap { table.data.compact.stack {
                    thead { tr { th { (t(lang, "sup.held_on")) } th { (t(lang, "reform.task")) } th { (t(lang, "reform.unit")) } th { (t(lang, "sup.finding")) } th { (t(lang, "sup.rectify_by")) } th { (t(lang, "sup.rectification")) } } }
                    tbody {
                        @for f in &findings {
                            tr {
                                td data-label=(t(lang, "sup.held_on")) { (f.row.held_on) } td data-label=(t(lang, "reform.task")) { (f.task) } td data-label=(t(lang, "reform.unit")) { (f.unit) } td data-label=(t(lang, "sup.finding")) { (f.row.finding) }
                                td data-label=(t(lang, "sup.rectify_by")) { (f.row.rectify_by) @if f.late { " " span.light.red { (t(lang, "inbox.response_late")) } } }
                                td data-label=(t(lang, "sup.rectification")) {
                                    @if f.row.verified_at_ms.is_some() { span.light.green { (t(lang, "sup.verified")) } " " }
                                    (f.row.rectification)
                                    @if office && f.row.rectified_at_ms.is_some() && f.row.verified_at_ms.is_none() {
                                        form.inline method="post" action=(format!("/reform/findings/{}/verify", f.row.id)) {
                                            (csrf(actor)) input type="hidden" name="plan" value=(pid);
                                            button type="submit" name="accept" value="1" { (t(lang, "sup.accept")) } " "
                                            button.secondary type="submit" name="accept" value="0" { (t(lang, "sup.return")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
            @if office {
                details {
                    summary { (t(lang, "sup.record")) }
                    form method="post" action=(format!("/reform/plans/{pid}/inspections")) {
                        (csrf(actor))
                        label { (t(lang, "sup.inspection_title")) input type="text" name="title" required; }
                        label { (t(lang, "sup.held_on")) " " input type="date" name="held_on" required; }
                        label { (t(lang, "sup.findings_lines")) textarea name="findings" rows="4" placeholder="2.1｜事项要素录入进度滞后｜2026-12-31" {} }
                        button type="submit" { (t(lang, "sup.record")) }
                    }
                }
            }
        }
        section.card.assessments {
            h3 { (t(lang, "sup.assessments")) }
            ul { @for a in &assessments { li { a href=(format!("/reform/assessments/{}", a.id)) { (a.title) } " " span.muted { (a.period_from) " — " (a.period_to) } " " span.tag { (t(lang, assessment_status_key(a.status))) } } } }
            @if office {
                form.inline-fields method="post" action=(format!("/reform/plans/{pid}/assessments")) {
                    (csrf(actor))
                    input type="text" name="title" placeholder=(t(lang, "sup.assessment_title")) required;
                    input type="date" name="from" required aria-label=(t(lang, "sup.from"));
                    input type="date" name="to" required aria-label=(t(lang, "sup.to"));
                    button type="submit" { (t(lang, "sup.new_assessment")) }
                }
            }
        }
        section.card.merits {
            h3 { (t(lang, "sup.merits")) }
            div.table-wrap { table.data.compact.stack {
                thead { tr { th { (t(lang, "sup.decided_on")) } th { (t(lang, "sup.kind")) } th { (t(lang, "reform.unit")) } th { (t(lang, "sup.person")) } th { (t(lang, "sup.category")) } th { (t(lang, "sup.reason")) } th { (t(lang, "sup.document_no")) } } }
                tbody { @for m in &merits { tr {
                    td data-label=(t(lang, "sup.decided_on")) { (m.row.decided_on) }
                    td data-label=(t(lang, "sup.kind")) { span.(match m.row.kind { MeritKind::Accountability => "light red", MeritKind::Commendation => "light green" }) { (t(lang, match m.row.kind { MeritKind::Accountability => "sup.accountability", MeritKind::Commendation => "sup.commendation" })) } }
                    td data-label=(t(lang, "reform.unit")) { (m.unit) } td data-label=(t(lang, "sup.person")) { (m.row.person) } td data-label=(t(lang, "sup.category")) { (m.row.category) } td data-label=(t(lang, "sup.reason")) { (m.row.reason) }
                    td data-label=(t(lang, "sup.document_no")) { (m.row.document_no) @if let Some(h) = &m.row.file_hash { " " a href=(format!("/api/v1/files/{h}")) { (t(lang, "plan.attachment")) } } }
                } } }
            } }
            @if office {
                details {
                    summary { (t(lang, "sup.record_merit")) }
                    form method="post" action="/reform/merits" {
                        (csrf(actor)) input type="hidden" name="plan" value=(pid);
                        label { (t(lang, "sup.kind")) select name="kind" { option value="commendation" { (t(lang, "sup.commendation")) } option value="accountability" { (t(lang, "sup.accountability")) } } }
                        label { (t(lang, "sup.unit_code")) input type="text" name="unit" required; }
                        label { (t(lang, "sup.person")) input type="text" name="person"; }
                        label { (t(lang, "sup.category")) input type="text" name="category" placeholder=(t(lang, "sup.category_hint")) required; }
                        label { (t(lang, "sup.reason")) textarea name="reason" rows="2" required {} }
                        label { (t(lang, "sup.document_no")) input type="text" name="document_no" required; }
                        label { (t(lang, "sup.decided_on")) " " input type="date" name="decided_on" required; }
                        button type="submit" { (t(lang, "sup.save")) }
                    }
                }
            }
        }
        section.card.bulletins {
            h3 { (t(lang, "sup.bulletins")) }
            ul { @for b in &bulletins { li { a href=(format!("/reform/bulletins/{}", b.id)) { (b.title) } } } }
            @if office {
                form.inline-fields method="post" action=(format!("/reform/plans/{pid}/bulletins")) {
                    (csrf(actor))
                    input type="date" name="from" required aria-label=(t(lang, "sup.from"));
                    input type="date" name="to" required aria-label=(t(lang, "sup.to"));
                    button type="submit" { (t(lang, "sup.issue")) }
                }
            }
        }
    };
    let mut resp = html_page(layout::staff(&c, t(lang, "sup.title"), body));
    if let Some(e) = error {
        *resp.status_mut() = crate::error::status_of(e.kind, e.code);
    }
    Ok(resp)
}

fn form_date(form: &PageForm, name: &str) -> Result<NaiveDate, ServiceError> {
    NaiveDate::parse_from_str(&form.text(name), "%Y-%m-%d")
        .map_err(|_| ServiceError::field("invalid_field", name, "请选择日期"))
}

async fn supervision_result(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    plan: Option<i64>,
    r: Result<(), ServiceError>,
    ok: &str,
) -> Result<Response, WebError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!(
            "/reform/supervision?plan={}&msg={ok}",
            plan.unwrap_or(0)
        ))
        .into_response()),
        Err(e) => render_supervision(state, actor, prefs, plan, None, Some(e)).await,
    }
}

pub async fn inspect_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let r = async {
        let held_on = form_date(&form, "held_on")?;
        let findings = form
            .text("findings")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let parts: Vec<&str> = l.split(['｜', '|']).map(str::trim).collect();
                match parts[..] {
                    [task, finding, by] => Ok(FindingInput {
                        task: task.to_owned(),
                        finding: finding.to_owned(),
                        rectify_by: NaiveDate::parse_from_str(by, "%Y-%m-%d").map_err(|_| {
                            ServiceError::field(
                                "invalid_field",
                                "findings",
                                "整改期限格式应为 YYYY-MM-DD",
                            )
                        })?,
                    }),
                    _ => Err(ServiceError::field(
                        "invalid_field",
                        "findings",
                        "每行应为：任务编号｜发现的问题｜整改期限",
                    )),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        state
            .app
            .reform()
            .record_inspection(
                &actor,
                id,
                &InspectionInput {
                    title: form.text("title"),
                    held_on,
                    findings,
                },
            )
            .await
            .map(|_| ())
    }
    .await;
    supervision_result(&state, &actor, prefs, Some(id), r, "review.inspected").await
}

pub async fn verify_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let plan = form.opt_i64("plan").ok().flatten();
    let r = state
        .app
        .reform()
        .verify_finding(&actor, id, form.text("accept") == "1")
        .await;
    supervision_result(&state, &actor, prefs, plan, r, "review.saved").await
}

pub async fn rectify_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    match state
        .app
        .reform()
        .rectify_finding(&actor, id, &form.text("text"))
        .await
    {
        Ok(()) => Ok(Redirect::to("/reform/inbox?msg=inbox.reported").into_response()),
        Err(e) => Err(page_err(prefs)(e)),
    }
}

pub async fn assessment_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let r = async {
        let input = AssessmentInput {
            title: form.text("title"),
            from: form_date(&form, "from")?,
            to: form_date(&form, "to")?,
        };
        state
            .app
            .reform()
            .create_assessment(&actor, id, &input)
            .await
    }
    .await;
    match r {
        Ok(a) => Ok(Redirect::to(&format!("/reform/assessments/{a}")).into_response()),
        Err(e) => render_supervision(&state, &actor, prefs, Some(id), None, Some(e)).await,
    }
}

pub async fn merit_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> Result<Response, WebError> {
    let plan = form.opt_i64("plan").ok().flatten();
    let r = async {
        let input = MeritInput {
            kind: form.text("kind"),
            unit: form.text("unit"),
            person: form.text("person"),
            category: form.text("category"),
            reason: form.text("reason"),
            document_no: form.text("document_no"),
            file: None,
            decided_on: form_date(&form, "decided_on")?,
            task_id: None,
        };
        state.app.reform().record_merit(&actor, &input).await
    }
    .await;
    supervision_result(&state, &actor, prefs, plan, r, "review.saved").await
}

pub async fn bulletin_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let r = async {
        let input = BulletinInput {
            from: form_date(&form, "from")?,
            to: form_date(&form, "to")?,
        };
        state.app.reform().issue_bulletin(&actor, id, &input).await
    }
    .await;
    match r {
        Ok(b) => Ok(Redirect::to(&format!("/reform/bulletins/{b}")).into_response()),
        Err(e) => render_supervision(&state, &actor, prefs, Some(id), None, Some(e)).await,
    }
}

/// An assessment: the ranking, the breakdowns one may see, the quality scores, the appeal.
pub async fn assessment_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<PlanQuery>,
) -> Result<Response, WebError> {
    render_assessment(
        &state,
        &actor,
        prefs,
        id,
        crate::reform::plan::msg_text(prefs.lang, q.msg.as_deref()),
        None,
    )
    .await
}

async fn render_assessment(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: i64,
    ok: Option<&str>,
    error: Option<ServiceError>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let v = state
        .app
        .reform()
        .assessment_view(actor, id)
        .await
        .map_err(&err)?;
    let c = chrome(state, actor, prefs, "reform").await?;
    let office = actor.scope(Permission::ReformManage).is_ok();
    let a = &v.assessment;
    let comp = |b: &Option<serde_json::Value>, k: &str| {
        b.as_ref()
            .and_then(|b| b.get(k))
            .and_then(serde_json::Value::as_f64)
            .map_or_else(|| "—".to_owned(), |x| format!("{x:.2}"))
    };
    let fact = |f: &Option<serde_json::Value>, a: &str, b: &str| {
        f.as_ref().map_or_else(String::new, |f| {
            format!(
                "{}/{}",
                f.get(a).and_then(serde_json::Value::as_u64).unwrap_or(0),
                f.get(b).and_then(serde_json::Value::as_u64).unwrap_or(0)
            )
        })
    };
    let body = html! {
        (review_nav(lang, a.plan_id, "supervision"))
        p.plan-meta { span.muted { (a.period_from) " — " (a.period_to) } span.tag { (t(lang, assessment_status_key(a.status))) } }
        (flash(ok, true))
        @if let Some(e) = &error { (flash(Some(e.message(lang).as_str()), false)) }
        p.muted { (t(lang, "sup.rules")) " "
            (format!("{:.0}", v.rules.on_time_weight)) " / " (format!("{:.0}", v.rules.quality_weight)) " / " (format!("{:.0}", v.rules.reports_weight)) " / " (format!("{:.0}", v.rules.rectification_weight))
            "；" (t(lang, "sup.deduction")) " " (format!("{:.0}", v.rules.accountability_deduction)) "（≤" (format!("{:.0}", v.rules.accountability_cap)) "）" }
        p.muted { (t(lang, "dash.not_assessed_note")) }
        @if v.results.is_empty() { p.muted { (t(lang, "sup.no_results")) } } @else {
            div.table-wrap { table.data.compact.ranking.stack {
                thead { tr {
                    th { (t(lang, "dash.rank")) } th { (t(lang, "reform.unit")) } th { (t(lang, "dash.score")) }
                    th { (t(lang, "sup.on_time")) } th { (t(lang, "sup.quality")) } th { (t(lang, "sup.reports")) } th { (t(lang, "sup.rectify")) } th { (t(lang, "sup.deduction")) }
                    th { (t(lang, "sup.appeal")) }
                } }
                tbody { @for r in &v.results { tr.mine[r.mine] {
                    @if r.rank == 0 {
                        td data-label=(t(lang, "dash.rank")) { span.tag title=(t(lang, "dash.not_assessed_note")) { (t(lang, "dash.not_assessed")) } } td data-label=(t(lang, "reform.unit")) { (r.unit) } td.num data-label=(t(lang, "dash.score")) { span.muted { "—" } }
                    } @else {
                        td.num data-label=(t(lang, "sup.on_time")) { (r.rank) } td data-label=(t(lang, "sup.quality")) { (r.unit) } td.num data-label=(t(lang, "sup.reports")) { strong { (format!("{:.2}", r.total)) } }
                    }
                    td.num data-label=(t(lang, "sup.rectify")) { (comp(&r.breakdown, "on_time")) " " span.muted { (fact(&r.facts, "tasks_on_time", "tasks_due")) } }
                    td.num data-label=(t(lang, "sup.deduction")) { (comp(&r.breakdown, "quality")) }
                    td.num data-label=(t(lang, "sup.appeal")) { (comp(&r.breakdown, "reports")) " " span.muted { (fact(&r.facts, "reports_on_time", "reports_due")) } }
                    td.num { (comp(&r.breakdown, "rectification")) " " span.muted { (fact(&r.facts, "findings_rectified", "findings")) } }
                    td.num { (comp(&r.breakdown, "deduction")) }
                    td {
                        @if r.appealed { (r.appeal) @if r.decided { div { span.muted { (t(lang, "sup.decision")) } " " (r.appeal_decision) } } }
                        @if let (Some(due), false) = (r.decision_due, r.decided) { div.muted { (t(lang, "sup.decision_due")) " " (due) } }
                        @if office && r.appealed && !r.decided {
                            form.inline-fields method="post" action=(format!("/reform/assessments/{id}/decide")) {
                                (csrf(actor)) input type="hidden" name="unit" value=(r.unit_code);
                                input type="text" name="decision" placeholder=(t(lang, "sup.decision")) required;
                                button type="submit" { (t(lang, "sup.save")) }
                            }
                        }
                        @if r.mine && !r.appealed && a.status == AssessmentStatus::Published {
                            form.inline-fields method="post" action=(format!("/reform/assessments/{id}/appeal")) {
                                (csrf(actor))
                                input type="text" name="text" placeholder=(t(lang, "sup.appeal_reason")) required;
                                button.secondary type="submit" { (t(lang, "sup.appeal_once")) }
                            }
                        }
                    }
                } } }
            } }
        }
        @if office {
            section.card.no-print {
                h3 { (t(lang, "sup.quality_scores")) }
                ul { @for (task, score, note) in &v.quality { li { (task) "：" strong { (score) } " " span.muted { (note) } } } }
                form.inline-fields method="post" action=(format!("/reform/assessments/{id}/quality")) {
                    (csrf(actor))
                    input.short type="text" name="task" placeholder=(t(lang, "reform.code")) required;
                    input type="number" name="score" min="0" max="100" placeholder="0-100" required;
                    input type="text" name="note" placeholder=(t(lang, "sup.note"));
                    button.secondary type="submit" { (t(lang, "sup.save")) }
                }
                form method="post" action=(format!("/reform/assessments/{id}/publish")) {
                    (csrf(actor)) button type="submit" { (t(lang, "sup.publish")) }
                }
            }
        }
    };
    let mut resp = html_page(layout::staff(&c, &a.title, body));
    if let Some(e) = error {
        *resp.status_mut() = crate::error::status_of(e.kind, e.code);
    }
    Ok(resp)
}

async fn assessment_result(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: i64,
    r: Result<(), ServiceError>,
    ok: &str,
) -> Result<Response, WebError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/reform/assessments/{id}?msg={ok}")).into_response()),
        Err(e) => render_assessment(state, actor, prefs, id, None, Some(e)).await,
    }
}

pub async fn quality_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let r = async {
        let score = form
            .opt_i64("score")?
            .ok_or_else(|| ServiceError::field("invalid_field", "score", "请填写评分"))?;
        state
            .app
            .reform()
            .score_quality(
                &actor,
                id,
                &QualityInput {
                    task: form.text("task"),
                    score,
                    note: form.text("note"),
                },
            )
            .await
    }
    .await;
    assessment_result(&state, &actor, prefs, id, r, "review.saved").await
}

pub async fn publish_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    _form: PageForm,
) -> Result<Response, WebError> {
    let r = state
        .app
        .reform()
        .publish_assessment(&actor, id)
        .await
        .map(|_| ());
    assessment_result(&state, &actor, prefs, id, r, "review.published").await
}

pub async fn appeal_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let r = state
        .app
        .reform()
        .appeal_assessment(&actor, id, &form.text("text"))
        .await;
    assessment_result(&state, &actor, prefs, id, r, "review.appealed").await
}

pub async fn decide_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let r = state
        .app
        .reform()
        .decide_assessment_appeal(&actor, id, &form.text("unit"), &form.text("decision"))
        .await;
    assessment_result(&state, &actor, prefs, id, r, "review.saved").await
}

/// A progress bulletin as issued, printable.
pub async fn bulletin_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let (row, b) = state
        .app
        .reform()
        .bulletin(&actor, id)
        .await
        .map_err(page_err(prefs))?;
    let c = chrome(&state, &actor, prefs, "reform").await?;
    let list = |items: &[fgf_app::reform::review::BulletinItem]| {
        html! {
            ol { @for i in items { li { strong { (i.code) " " (i.title) } "（" (i.unit) "，" (t(lang, "reform.deadline")) " " (i.deadline) "，" (t(lang, "reform.progress")) " " (i.progress) "%）" @if !i.note.is_empty() { " " span.muted { (i.note) } } } } }
        }
    };
    let body = html! {
        p.crumbs.no-print { a href=(format!("/reform/supervision?plan={}", row.plan_id)) { (t(lang, "dash.nav_supervision")) } " · " a href="#" data-print { (t(lang, "plan.print")) } }
        article.print-sheet.bulletin {
            h2 { (row.title) }
            p { (b.plan_title) "：" (t(lang, "bul.total")) " " strong { (b.total) } "，" (t(lang, "bul.completed_total")) " " strong { (b.completed_total) } "，" (t(lang, "bul.on_track")) " " strong { (b.on_track) } "，" (t(lang, "bul.behind")) " " strong { (b.behind.len()) } "，" (t(lang, "bul.overdue")) " " strong { (b.overdue.len()) } "；" (t(lang, "bul.cases")) " " strong { (b.open_cases) } "。" }
            h3 { (t(lang, "bul.completed_in_period")) } @if b.completed_in_period.is_empty() { p.muted { "—" } } @else { (list(&b.completed_in_period)) }
            h3 { (t(lang, "bul.overdue_list")) } @if b.overdue.is_empty() { p.muted { "—" } } @else { (list(&b.overdue)) }
            @if !b.units_overdue.is_empty() {
                p { (t(lang, "bul.units_named")) " " @for (i, (u, n)) in b.units_overdue.iter().enumerate() { @if i > 0 { "、" } (u) "（" (n) "）" } }
            }
            h3 { (t(lang, "bul.behind_list")) } @if b.behind.is_empty() { p.muted { "—" } } @else { (list(&b.behind)) }
        }
    };
    Ok(html_page(layout::staff(&c, &row.title, body)))
}

/// Grassroots innovations for staff: submit (a unit), review (the office), read.
pub async fn innovations_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<PlanQuery>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let items = state
        .app
        .reform()
        .innovations(&actor)
        .await
        .map_err(page_err(prefs))?;
    let c = chrome(&state, &actor, prefs, "reform").await?;
    let office = actor.scope(Permission::ReformManage).is_ok();
    let plan = pick_plan(&state, &actor, prefs, q.plan)
        .await?
        .map_or(0, |p| p.id);
    let body = html! {
        (review_nav(lang, plan, "innovations"))
        (flash(crate::reform::plan::msg_text(lang, q.msg.as_deref()), true))
        p { a href="/guide/innovations" { (t(lang, "inno.portal")) } }
        @for i in &items {
            section.card.innovation {
                h3 { (i.row.title) " " span.tag { (t(lang, match i.row.status.as_str() { "published" => "inno.published", "rejected" => "inno.rejected", _ => "inno.submitted" })) } }
                p.muted { (i.unit) } p { (i.row.summary) }
                @if !i.row.review_note.is_empty() { p.muted { (i.row.review_note) } }
                @if office && i.row.status == InnovationStatus::Submitted {
                    form.inline-fields method="post" action=(format!("/reform/innovations/{}/review", i.row.id)) {
                        (csrf(&actor))
                        input type="text" name="note" placeholder=(t(lang, "inno.note"));
                        button type="submit" name="publish" value="1" { (t(lang, "inno.publish")) }
                        button.secondary type="submit" name="publish" value="0" { (t(lang, "inno.reject")) }
                    }
                }
            }
        }
        section.card {
            h3 { (t(lang, "inno.submit_title")) }
            form method="post" action="/reform/innovations" {
                (csrf(&actor))
                label { (t(lang, "inno.title")) input type="text" name="title" required; }
                label { (t(lang, "inno.summary")) textarea name="summary" rows="2" required {} }
                label { (t(lang, "inno.body")) textarea name="body" rows="6" required {} }
                button type="submit" { (t(lang, "inno.submit")) }
            }
        }
    };
    Ok(html_page(layout::staff(
        &c,
        t(lang, "inno.title_page"),
        body,
    )))
}

pub async fn innovation_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> Result<Response, WebError> {
    let input = InnovationInput {
        title: form.text("title"),
        summary: form.text("summary"),
        body: form.text("body"),
    };
    state
        .app
        .reform()
        .submit_innovation(&actor, &input)
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to("/reform/innovations?msg=review.submitted").into_response())
}

pub async fn innovation_review_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    state
        .app
        .reform()
        .review_innovation(&actor, id, form.text("publish") == "1", &form.text("note"))
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to("/reform/innovations?msg=review.saved").into_response())
}

/// The portal's page of published grassroots innovations: anyone may read them.
pub async fn portal_innovations(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let items = state
        .app
        .reform()
        .published_innovations()
        .await
        .map_err(page_err(prefs))?;
    let body = html! {
        h1 { (t(lang, "inno.portal")) }
        p.muted { (t(lang, "inno.portal_note")) }
        @if items.is_empty() { p.muted { (t(lang, "inno.none")) } }
        @for i in &items {
            article.card.innovation {
                h2 { a href=(format!("/guide/innovations/{}", i.row.id)) { (i.row.title) } }
                p.muted { (i.unit) " · " (i.row.published_at_ms.map(fgf_app::clock::local_minute).unwrap_or_default()) }
                p { (i.row.summary) }
            }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        t(lang, "inno.portal"),
        body,
    )))
}

pub async fn portal_innovation(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let items = state
        .app
        .reform()
        .published_innovations()
        .await
        .map_err(page_err(prefs))?;
    let Some(i) = items.into_iter().find(|i| i.row.id == id) else {
        return Err(page_err(prefs)(
            ServiceError::not_found("not_found")
                .arg("reform_innovation")
                .arg(id),
        ));
    };
    let body = html! {
        p { a href="/guide/innovations" { (t(lang, "inno.back")) } }
        h1 { (i.row.title) }
        article.card.innovation {
            p.muted { (i.unit) } p { strong { (i.row.summary) } }
            @for para in i.row.body.split('\n').filter(|p| !p.trim().is_empty()) { p { (para) } }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        &i.row.title,
        body,
    )))
}

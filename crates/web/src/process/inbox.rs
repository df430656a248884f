//! The task inbox (待办 / 已办 / 抄送我的) and one work item's page. Every row says which case
//! it is (the matter, the masked applicant, the business number, the deadline), every step is
//! named, every person is chosen from the organisation, and after an operation the inbox says
//! what happened.

use super::api::deadline_cell;
use super::*;
use crate::application::view::light_badge;
use crate::picker;
use fgf_app::application::ApplicationView;
use fgf_app::process::InstanceHeader;
use fgf_domain::process::InstanceId;
use fgf_store::process::WorkItemRow;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct TasksPageParams {
    #[serde(rename = "box")]
    which: Option<String>,
    instance: Option<i64>,
    did: Option<String>,
    item: Option<i64>,
    to: Option<String>,
}

/// What the page after an operation reports (the query of both pages): the operation, the item, and whom or where it
/// went. Only names the server knows are shown (a step of the item's process, a member of
/// staff), so a crafted link cannot put words on the page.
#[derive(Deserialize, Default)]
pub struct TaskPageParams {
    did: Option<String>,
    item: Option<i64>,
    to: Option<String>,
}

/// What the inbox knows of the cases behind its rows.
struct Cases {
    headers: HashMap<InstanceId, InstanceHeader>,
    applications: HashMap<InstanceId, ApplicationView>,
    names: HashMap<String, String>,
    roles: HashMap<String, String>,
}

impl Cases {
    async fn load(
        state: &AppState,
        actor: &Actor,
        prefs: Prefs,
        ids: &[InstanceId],
    ) -> Result<Cases, WebError> {
        let err = page_err(prefs);
        Ok(Cases {
            headers: state
                .app
                .process()
                .instance_headers(actor, ids)
                .await
                .map_err(&err)?,
            applications: state
                .app
                .application()
                .cases_of_instances(actor, ids)
                .await
                .map_err(&err)?,
            names: state.app.base().staff_names(actor).await.map_err(&err)?,
            roles: state.app.base().role_names(actor).await.map_err(&err)?,
        })
    }

    fn person(&self, username: &str) -> String {
        self.names
            .get(username)
            .cloned()
            .unwrap_or_else(|| username.to_owned())
    }

    /// Who holds an item: the assignee's name, or the roles it is offered to by name.
    fn holder(&self, lang: Lang, w: &WorkItemRow) -> String {
        match &w.assignee {
            Some(a) => self.person(a),
            None => {
                let mut who: Vec<String> =
                    w.candidate_users.iter().map(|u| self.person(u)).collect();
                who.extend(
                    w.candidate_groups
                        .iter()
                        .map(|g| self.roles.get(g).cloned().unwrap_or_else(|| g.clone())),
                );
                format!("{}{}", t(lang, "task.candidates"), who.join("、"))
            }
        }
    }

    /// The case line of a row: the matter and its number for an application, else the
    /// process and its business key.
    fn case(&self, lang: Lang, instance: InstanceId) -> Markup {
        if let Some(a) = self.applications.get(&instance) {
            return html! {
                a href=(format!("/applications/{}", a.id)) { (a.matter_name) } br;
                span.muted { (t(lang, "task.number")) " " (a.number) }
            };
        }
        match self.headers.get(&instance) {
            Some(h) => html! {
                a href=(format!("/instances/{instance}")) { (h.definition_name) } br;
                @if !h.business_key.is_empty() { span.muted { (t(lang, "task.number")) " " (h.business_key) } }
            },
            None => html! { span.muted { "—" } },
        }
    }

    fn applicant(&self, instance: InstanceId) -> String {
        self.applications
            .get(&instance)
            .map_or_else(|| "—".to_owned(), |a| a.applicant.clone())
    }
}

/// The clock of an application's case, or the working-day timers on the item's own step.
fn due_cell(
    lang: Lang,
    a: Option<&ApplicationView>,
    timers: &[fgf_app::process::InstanceDeadline],
) -> Markup {
    html! {
        @if let Some(a) = a {
            @if let Some(due) = a.due {
                div { (t(lang, "task.due_on").replace("{0}", &due.to_string())) }
                @if let Some(l) = a.light { (light_badge(lang, l, a.workdays_left)) }
            } @else { span.muted { "—" } }
        } @else if timers.is_empty() {
            span.muted { "—" }
        } @else {
            @for d in timers { div { (deadline_cell(lang, d)) } }
        }
    }
}

/// A work item's deadlines are the working-day timers on its own execution (a boundary timer
/// on the task), from its instance's header (read once per instance).
fn timers_of(cases: &Cases, w: &WorkItemRow) -> Vec<fgf_app::process::InstanceDeadline> {
    cases
        .headers
        .get(&w.instance_id)
        .map(|h| {
            h.deadlines
                .iter()
                .filter(|d| i64::from(d.exec) == w.exec_id)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// The sentence an operation's result page shows (see [`TaskPageParams`]).
async fn did_message(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    did: &TaskPageParams,
) -> Option<String> {
    let op = did.did.as_deref()?;
    let key = match op {
        "approve" | "reject" | "complete" | "send_back" | "claim" | "withdraw" | "urge"
        | "transfer" | "delegate" | "add_signer" | "copy" => format!("task.did_{op}"),
        _ => return None,
    };
    let item = match did.item {
        Some(id) => state.app.process().work_item(actor, id).await.ok(),
        None => None,
    };
    let names = state
        .app
        .base()
        .staff_names(actor)
        .await
        .unwrap_or_default();
    let people = |list: &str| -> String {
        list.split(',')
            .filter_map(|u| names.get(u).cloned())
            .collect::<Vec<_>>()
            .join("、")
    };
    let arg = match op {
        "send_back" => {
            let (item, to) = (item?, did.to.as_deref()?);
            let (row, inst) = state
                .app
                .process()
                .process_instance(actor, item.instance_id)
                .await
                .ok()?;
            let steps = state
                .app
                .process()
                .node_names(row.definition_id, &inst)
                .await
                .ok()?;
            steps.get(to).cloned()?
        }
        "transfer" | "delegate" | "add_signer" | "copy" | "urge" => {
            let who = people(did.to.as_deref().unwrap_or(""));
            if who.is_empty() {
                return None;
            }
            who
        }
        _ => item.map(|w| w.name).unwrap_or_default(),
    };
    Some(t(lang, &key).replace("{0}", &arg))
}

pub async fn tasks_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<TasksPageParams>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let which = q.which.clone().unwrap_or_else(|| "todo".to_owned());
    let page = fgf_store::Page::new(Some(1), Some(50));
    let err = page_err(prefs);
    let mut todo = state
        .app
        .process()
        .inbox_todo(&actor, page)
        .await
        .map_err(&err)?;
    if let Some(only) = q.instance {
        // Arriving from a notification: show that instance's tasks first.
        todo.items
            .sort_by_key(|w| w.instance_id != InstanceId::new(only));
    }
    let done = state
        .app
        .process()
        .inbox_done(&actor, page)
        .await
        .map_err(&err)?;
    let copies = state
        .app
        .process()
        .inbox_copies(&actor, page)
        .await
        .map_err(&err)?;
    let ids: Vec<InstanceId> = match which.as_str() {
        "done" => done.items.iter().map(|w| w.instance_id).collect(),
        "copies" => copies.items.iter().map(|c| c.instance_id).collect(),
        _ => todo.items.iter().map(|w| w.instance_id).collect(),
    };
    let cases = Cases::load(&state, &actor, prefs, &ids).await?;
    let message = did_message(
        &state,
        &actor,
        lang,
        &TaskPageParams {
            did: q.did.clone(),
            item: q.item,
            to: q.to.clone(),
        },
    )
    .await;
    let c = chrome(&state, &actor, prefs, "tasks").await?;
    let tab = |key: &str, label: &str, n: i64| html! { a.tab href=(format!("/tasks?box={key}")) aria-current=[(which == key).then_some("page")] { (label) " (" (n) ")" } };
    let body = html! {
        (flash(message.as_deref(), true))
        nav.tabs { (tab("todo", t(lang, "task.todo"), todo.total)) (tab("done", t(lang, "task.done"), done.total)) (tab("copies", t(lang, "task.copies"), copies.total)) }
        @match which.as_str() {
            "done" => {
                @if done.items.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                    div.table-wrap { table.data.stack {
                        thead { tr { th { (t(lang, "task.name")) } th { (t(lang, "task.case")) } th { (t(lang, "task.completed_at")) } th { (t(lang, "form.actions")) } } }
                        tbody { @for w in &done.items { tr {
                            td data-label=(t(lang, "task.name")) { (w.name) }
                            td data-label=(t(lang, "task.case")) { (cases.case(lang, w.instance_id)) }
                            td.nowrap data-label=(t(lang, "task.completed_at")) { (w.completed_at_ms.map(local_minute).unwrap_or_default()) }
                            td data-label=(t(lang, "form.actions")) { form.inline method="post" action=(format!("/tasks/{}", w.id)) { (csrf(&actor)) input type="hidden" name="op" value="withdraw"; button.small.secondary type="submit" { (t(lang, "task.withdraw")) } } }
                        } } }
                    } }
                }
            }
            "copies" => {
                @if copies.items.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                    div.table-wrap { table.data.stack {
                        thead { tr { th { (t(lang, "task.step")) } th { (t(lang, "task.case")) } th { (t(lang, "task.copied_by")) } th { (t(lang, "form.time")) } } }
                        tbody { @for cp in &copies.items { tr {
                            td data-label=(t(lang, "task.step")) {
                                a href=(format!("/instances/{}", cp.instance_id)) { (cases.headers.get(&cp.instance_id).map(|h| h.step(&cp.node_id)).filter(|s| !s.is_empty()).unwrap_or_else(|| t(lang, "task.copy").to_owned())) }
                                @if cp.read_at_ms.is_none() { " " span.tag { (t(lang, "task.unread")) } }
                            }
                            td data-label=(t(lang, "task.case")) { (cases.case(lang, cp.instance_id)) }
                            td data-label=(t(lang, "task.copied_by")) { (cp.copied_by.as_deref().map(|u| cases.person(u)).unwrap_or_else(|| "—".to_owned())) }
                            td.nowrap data-label=(t(lang, "form.time")) { (local_minute(cp.created_at_ms)) }
                        } } }
                    } }
                }
            }
            _ => {
                @if todo.items.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                    div.table-wrap { table.data.stack {
                        thead { tr { th { (t(lang, "task.name")) } th { (t(lang, "task.case")) } th { (t(lang, "task.applicant")) } th { (t(lang, "deadline.column")) } th { (t(lang, "task.assignee")) } th { (t(lang, "form.actions")) } } }
                        tbody { @for w in &todo.items { tr {
                            td data-label=(t(lang, "task.name")) { strong { a href=(format!("/tasks/{}", w.id)) { (w.name) } } br; span.muted.nowrap { (local_minute(w.created_at_ms)) } }
                            td data-label=(t(lang, "task.case")) { (cases.case(lang, w.instance_id)) }
                            td data-label=(t(lang, "task.applicant")) { (cases.applicant(w.instance_id)) }
                            td data-label=(t(lang, "deadline.column")) { (due_cell(lang, cases.applications.get(&w.instance_id), &timers_of(&cases, w))) }
                            td data-label=(t(lang, "task.assignee")) { (cases.holder(lang, w)) }
                            td data-label=(t(lang, "form.actions")) {
                                a.button.small href=(format!("/tasks/{}", w.id)) { (t(lang, "task.open")) }
                                @if w.assignee.is_none() {
                                    " " form.inline method="post" action=(format!("/tasks/{}", w.id)) { (csrf(&actor)) input type="hidden" name="op" value="claim"; button.small.secondary type="submit" { (t(lang, "task.claim")) } }
                                }
                            }
                        } } }
                    } }
                }
            }
        }
    };
    Ok(html_page(layout::staff(&c, t(lang, "page.tasks"), body)))
}

/// The operations the caller may take on the item now: claim it, hand it on, complete or
/// send it back (on the workbench; an application's opinion is given on the application).
fn op_forms(
    lang: Lang,
    actor: &Actor,
    w: &WorkItemRow,
    steps_back: &[(String, String)],
    people: &[picker::Person],
    on_application: bool,
    writable: &[(String, Value)],
) -> Markup {
    let action = format!("/tasks/{}", w.id);
    let mine = w.assignee.as_deref() == Some(actor.account.username.as_str());
    let me = actor.account.username.as_str();
    html! {
        @if w.status != fgf_domain::process::WorkItemStatus::Open {
            p.muted { (t(lang, "task.item_done")) }
        } @else {
            @if w.assignee.is_none() {
                section.card.step {
                    form.inline method="post" action=(action) { (csrf(actor)) input type="hidden" name="op" value="claim"; button type="submit" { (t(lang, "task.claim")) } }
                }
            }
            @if mine && !on_application {
                section.card.step {
                    h2 { (t(lang, "task.complete")) }
                    form method="post" action=(action) {
                        (csrf(actor)) input type="hidden" name="op" value="complete";
                        @for (name, value) in writable {
                            div.field { label for=(format!("f-{name}")) { (name) } input id=(format!("f-{name}")) name=(format!("field.{name}")) value=(value.as_str().map_or_else(|| if value.is_null() { String::new() } else { value.to_string() }, str::to_owned)); }
                        }
                        fieldset.choices {
                            legend { (t(lang, "task.opinion")) }
                            label.check { input type="radio" name="approved" value="true" checked; " " (t(lang, "task.approve")) }
                            label.check { input type="radio" name="approved" value="false"; " " (t(lang, "task.reject")) }
                        }
                        div.field { label for="comment" { (t(lang, "task.reason")) } textarea id="comment" name="comment" rows="3" {} }
                        button type="submit" { (t(lang, "task.complete")) }
                    }
                }
                @if !steps_back.is_empty() {
                    section.card.step {
                        h2 { (t(lang, "task.send_back")) }
                        form method="post" action=(action) {
                            (csrf(actor)) input type="hidden" name="op" value="send_back";
                            div.field { label for="target" { (t(lang, "task.send_back_to")) } select id="target" name="target" { @for (id, name) in steps_back { option value=(id) { (name) } } } }
                            div.field { label for="sb-comment" { (t(lang, "task.reason")) } textarea id="sb-comment" name="comment" rows="2" required {} }
                            label.check { input type="checkbox" name="return_direct" value="true"; " " (t(lang, "task.return_direct")) }
                            button.secondary type="submit" { (t(lang, "task.send_back")) }
                        }
                    }
                }
            }
            @if mine {
                details.card.ops {
                    summary { (t(lang, "task.more")) }
                    @for (op, key, label_key) in [("transfer", "task.transfer", "task.transfer_to"), ("delegate", "task.delegate", "task.delegate_to"), ("add_signer", "task.add_signer", "task.add_signer_who")] {
                        form method="post" action=(action) {
                            (csrf(actor)) input type="hidden" name="op" value=(op);
                            div.field { label for=(format!("{op}-to")) { (t(lang, label_key)) } (picker::person(lang, "to", &format!("{op}-to"), people, me)) }
                            button.small type="submit" { (t(lang, key)) }
                        }
                    }
                    form method="post" action=(action) {
                        (csrf(actor)) input type="hidden" name="op" value="carbon_copy";
                        div.field { label for="cc-to" { (t(lang, "task.copy_to")) } (picker::people_checks(lang, "to", "cc-to", people)) }
                        button.small type="submit" { (t(lang, "task.copy")) }
                    }
                }
            }
            @if !mine && w.assignee.is_some() {
                form.inline method="post" action=(action) { (csrf(actor)) input type="hidden" name="op" value="urge"; button.small.secondary type="submit" { (t(lang, "task.urge")) } }
            }
        }
    }
}

/// One work item with its case. An application's review is handled on the application's
/// page (its form and materials, clock, opinions and documents), so its items open there.
pub async fn task_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<TaskPageParams>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let w = state
        .app
        .process()
        .work_item(&actor, id)
        .await
        .map_err(&err)?;
    let message = did_message(&state, &actor, lang, &q).await;
    let cases = Cases::load(&state, &actor, prefs, &[w.instance_id]).await?;
    if let Some(a) = cases.applications.get(&w.instance_id) {
        return Ok(Redirect::to(&format!("/applications/{}", a.id)).into_response());
    }
    let (row, inst) = state
        .app
        .process()
        .process_instance(&actor, w.instance_id)
        .await
        .map_err(&err)?;
    let header = cases.headers.get(&w.instance_id);
    let steps = state
        .app
        .process()
        .node_names(row.definition_id, &inst)
        .await
        .map_err(&err)?;
    let steps_back: Vec<(String, String)> = {
        let mut seen = Vec::new();
        for node in &inst.completed_tasks {
            if let Some(name) = steps.get(node) {
                if !seen.iter().any(|(n, _): &(String, String)| n == node) {
                    seen.push((node.clone(), name.clone()));
                }
            }
        }
        seen
    };
    let form = state
        .app
        .process()
        .work_item_form(&actor, id)
        .await
        .map_err(&err)?;
    let fields: Vec<(String, Value, String)> = form
        .get("fields")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.get("value").cloned().unwrap_or(Value::Null),
                        v.get("access")
                            .and_then(Value::as_str)
                            .unwrap_or("read")
                            .to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let writable: Vec<(String, Value)> = fields
        .iter()
        .filter(|(_, _, a)| a == "write")
        .map(|(k, v, _)| (k.clone(), v.clone()))
        .collect();
    let directory = state
        .app
        .base()
        .staff_directory(&actor)
        .await
        .map_err(&err)?;
    let people = picker::people(&directory);
    let svg_text = state
        .app
        .process()
        .process_diagram(&actor, w.instance_id)
        .await
        .map_err(&err)?;
    let c = chrome(&state, &actor, prefs, "tasks").await?;
    let show = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_owned(),
        other => other.to_string(),
    };
    let body = html! {
        nav.crumbs { a href="/tasks" { (t(lang, "page.tasks")) } " › " (w.name) }
        (flash(message.as_deref(), true))
        section.card.case-head {
            dl.kv {
                @if let Some(h) = header {
                    dt { (t(lang, "task.instance")) } dd { a href=(format!("/instances/{}", w.instance_id)) { (h.definition_name) } }
                    @if !h.business_key.is_empty() { dt { (t(lang, "task.number")) } dd { (h.business_key) } }
                }
                dt { (t(lang, "task.step")) } dd { (w.name) }
                dt { (t(lang, "task.assignee")) } dd { (cases.holder(lang, &w)) }
                dt { (t(lang, "form.time")) } dd { (local_minute(w.created_at_ms)) }
                dt { (t(lang, "deadline.column")) } dd { (due_cell(lang, None, &timers_of(&cases, &w))) }
            }
        }
        (op_forms(lang, &actor, &w, &steps_back, &people, false, &writable))
        section.card {
            h2 { (t(lang, "task.record")) }
            @if fields.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
                dl.kv { @for (k, v, _) in &fields { dt { (k) } dd { (show(v)) } } }
            }
        }
        section.card { h2 { (t(lang, "desk.diagram")) } div.diagram { (PreEscaped(svg_text)) } }
        p { a href=(format!("/instances/{}", w.instance_id)) { (t(lang, "instance.history")) " ›" } }
    };
    Ok(html_page(layout::staff(&c, &w.name, body)))
}

/// The hand-on card of an application's case page: an application's review item can be
/// transferred, delegated, given another signer or copied from there.
pub(crate) async fn hand_on_card(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    instance: InstanceId,
) -> Markup {
    let Ok(items) = state
        .app
        .process()
        .instance_work_items(actor, instance)
        .await
    else {
        return html! {};
    };
    let me = actor.account.username.as_str();
    let Some(w) = items.into_iter().find(|w| {
        w.status == fgf_domain::process::WorkItemStatus::Open && w.assignee.as_deref() == Some(me)
    }) else {
        return html! {};
    };
    let people = match state.app.base().staff_directory(actor).await {
        Ok(d) => picker::people(&d),
        Err(_) => return html! {},
    };
    op_forms(lang, actor, &w, &[], &people, true, &[])
}

pub async fn task_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    form: PageForm,
) -> Result<Response, WebError> {
    let comment = form.text("comment");
    let to = form.text("to");
    // A picker of several people posts `to` once per person.
    let readers: Vec<String> = form
        .pairs
        .iter()
        .filter(|(k, _)| k == "to")
        .flat_map(|(_, v)| {
            v.split([',', '，', ' '])
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect();
    let target = form.text("target");
    let (op, did, stays) = match form.get("op").unwrap_or("") {
        "complete" => {
            let mut vars = Vars::new();
            let approved = form.get("approved");
            if let Some(a) = approved {
                vars.insert("approved".to_owned(), json!(a == "true"));
            }
            if !comment.is_empty() {
                vars.insert("opinion".to_owned(), json!(comment));
            }
            let did = match approved {
                Some("true") => "approve",
                Some(_) => "reject",
                None => "complete",
            };
            let op = TaskOp::Complete {
                vars,
                fields: form
                    .pairs
                    .iter()
                    .filter_map(|(k, v)| k.strip_prefix("field.").map(|f| (f.to_owned(), json!(v))))
                    .collect(),
            };
            (op, did, false)
        }
        "claim" => (TaskOp::Claim, "claim", true),
        "withdraw" => (TaskOp::Withdraw, "withdraw", false),
        "urge" => (TaskOp::Urge, "urge", false),
        "send_back" => (
            TaskOp::SendBack {
                target: target.clone(),
                return_direct: form.get("return_direct") == Some("true"),
            },
            "send_back",
            false,
        ),
        "transfer" => (TaskOp::Transfer { to: to.clone() }, "transfer", false),
        "delegate" => (TaskOp::Delegate { to: to.clone() }, "delegate", false),
        "add_signer" => (
            TaskOp::AddSigner {
                user: to.clone(),
                before: false,
            },
            "add_signer",
            true,
        ),
        "carbon_copy" => (
            TaskOp::CarbonCopy {
                readers: readers.clone(),
            },
            "copy",
            true,
        ),
        other => {
            return Err(page_err(prefs)(ServiceError::field(
                "invalid_field",
                "op",
                &format!("未知操作 {other}"),
            )))
        }
    };
    // Urging names the person urged: the assignee, read before acting.
    let urged = if did == "urge" {
        state
            .app
            .process()
            .work_item(&actor, id)
            .await
            .ok()
            .and_then(|w| w.assignee)
            .unwrap_or_default()
    } else {
        String::new()
    };
    state
        .app
        .process()
        .work_item_op(&actor, id, op, &comment)
        .await
        .map_err(page_err(prefs))?;
    let to_arg = match did {
        "send_back" => target,
        "copy" => readers.join(","),
        "urge" => urged,
        _ => to,
    };
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("did", did)
        .append_pair("item", &id.to_string())
        .append_pair("to", &to_arg)
        .finish();
    let place = if stays {
        format!("/tasks/{id}")
    } else {
        "/tasks".to_owned()
    };
    Ok(Redirect::to(&format!("{place}?{query}")).into_response())
}

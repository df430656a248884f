//! The public service guides (办事指南): search and browsing by audience, kind and department,
//! one matter's guide, and its blank forms.

use super::*;
use fgf_domain::base::DepartmentId;

// ---- public pages ----

/// The kinds a filter offers: table A.1 and the district's own, from its dictionary.
pub(super) fn kind_options(lang: Lang, selected: Option<&str>, kinds: &MatterKinds) -> Markup {
    html! {
        option value="" { (t(lang, "catalog.any_kind")) }
        @for k in kinds.choices() {
            option value=(k.code()) selected[selected == Some(k.code())] { (kinds.label(&k, lang)) }
        }
    }
}

/// A code-table value's name for a page, from the message catalogue (`case_type.1` …).
pub(super) fn coded(lang: Lang, table: &str, code: &str) -> String {
    t(lang, &format!("{table}.{code}")).to_owned()
}

#[derive(Deserialize, Default)]
pub struct GuideQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    online: Option<String>,
    #[serde(default)]
    trips: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    event: Option<String>,
    /// The page of a search's results.
    #[serde(default)]
    page: Option<u32>,
}

/// Search results shown on one page of the portal.
const PER_PAGE: u32 = 50;

/// The kinds of power nobody applies for (行政处罚 02, 行政强制 03, 行政征收 04, 行政检查 06,
/// GB/T 39046 table A.1): the audience lists of 个人办事 and 法人办事 leave them out.
const NOT_APPLIED_FOR: [&str; 4] = ["02", "03", "04", "06"];

/// The public catalogue: search with filters, and browsing by department, kind, audience and
/// life event.
pub async fn guide_home(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    PageQuery(q): PageQuery<GuideQuery>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let departments = state
        .app
        .base()
        .department_directory()
        .await
        .map_err(&err)?;
    // The catalogue's light entries, parsed once per catalogue change (this brings the search
    // index up to the store too, so the search below does not ask the outbox again).
    let entries = state.app.catalog().portal_entries().await.map_err(&err)?;
    let kinds = state.app.base().matter_kinds().await.map_err(&err)?;
    let filter = SearchFilter {
        department: q.department.clone().filter(|s| !s.is_empty()),
        kind: q.kind.clone().filter(|s| !s.is_empty()),
        fully_online: match q.online.as_deref() {
            Some("1") => Some(true),
            _ => None,
        },
        max_trips: q.trips.as_deref().and_then(|s| s.parse().ok()),
    };
    let text = q.q.clone().unwrap_or_default();
    let dept_name = |id: DepartmentId| {
        departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    // A search, or a browse by the chosen facet (the matters in force, main items first).
    let page = q.page.unwrap_or(1).max(1);
    let mut found = 0usize;
    let mut named_total = 0usize;
    let results: Option<Vec<ResultRow>> = if !text.trim().is_empty() {
        let hits = state
            .app
            .catalog()
            .search_matters_synced(
                &text,
                &filter,
                ((page - 1) * PER_PAGE) as usize,
                PER_PAGE as usize,
            )
            .await
            .map_err(&err)?;
        found = hits.total;
        named_total = hits.named_total;
        Some(
            hits.hits
                .into_iter()
                .map(|h| ResultRow {
                    code: h.code,
                    name: h.name,
                    department: h.department,
                    fully_online: h.fully_online,
                    trips: u32::try_from(h.trips).unwrap_or(0),
                    parent: (!h.parent_code.is_empty()).then_some(h.parent_code),
                    named: h.named,
                })
                .collect(),
        )
    } else if filter.department.is_some()
        || filter.kind.is_some()
        || q.audience.is_some()
        || q.event.is_some()
        || filter.fully_online.is_some()
        || filter.max_trips.is_some()
    {
        let dept_id = filter
            .department
            .as_ref()
            .and_then(|c| departments.iter().find(|d| &d.code == c).map(|d| d.id));
        Some(
            entries
                .iter()
                .filter(|e| {
                    dept_id.is_none_or(|id| e.department_id == id)
                        && filter.kind.as_deref().is_none_or(|k| e.kind == k)
                        && filter.fully_online.is_none_or(|o| e.fully_online == o)
                        && filter.max_trips.is_none_or(|t| e.trips <= t)
                        && q.audience.as_deref().is_none_or(|a| {
                            // What a person or an enterprise applies for: penalties, coercive
                            // measures, levies and inspections are done to them, not asked.
                            !NOT_APPLIED_FOR.contains(&e.kind.as_str())
                                && match a {
                                    "person" => e.audiences.contains(&Audience::Person),
                                    _ => e.audiences.iter().any(|x| *x != Audience::Person),
                                }
                        })
                        && q.event
                            .as_deref()
                            .is_none_or(|ev| e.life_events.iter().any(|x| x == ev))
                })
                .map(|e| ResultRow {
                    code: e.code.clone(),
                    name: e.name.clone(),
                    department: dept_name(e.department_id),
                    fully_online: e.fully_online,
                    trips: e.trips,
                    parent: e.parent_code.clone(),
                    named: true,
                })
                .collect(),
        )
    } else {
        None
    };
    // The most-applied matters in force: what a search that found nothing suggests.
    let popular: Vec<(String, String)> = if results.as_ref().is_some_and(|r| r.is_empty()) {
        let mut by_use: Vec<&fgf_app::catalog::entries::PortalEntry> = entries
            .iter()
            .filter(|e| !NOT_APPLIED_FOR.contains(&e.kind.as_str()))
            .collect();
        by_use.sort_by(|a, b| b.apply_count.cmp(&a.apply_count).then(a.code.cmp(&b.code)));
        by_use
            .into_iter()
            .take(8)
            .map(|e| (e.code.clone(), e.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let mut events: Vec<(&str, usize)> = Vec::new();
    for e in entries.iter() {
        for ev in &e.life_events {
            match events.iter_mut().find(|(x, _)| *x == ev.as_str()) {
                Some((_, n)) => *n += 1,
                None => events.push((ev.as_str(), 1)),
            }
        }
    }
    let used_depts: Vec<&fgf_store::base::org::Department> = departments
        .iter()
        .filter(|d| entries.iter().any(|e| e.department_id == d.id))
        .collect();
    // A 子项 (or 业务办理项) whose 主项 is on the same page is listed under it, not as a
    // near-duplicate: each row goes under its highest ancestor on the page.
    let grouped: Vec<(&ResultRow, Vec<&ResultRow>)> = match &results {
        Some(rs) => {
            let by_code = |code: &str| rs.iter().find(|r| r.code == code);
            let top = |r: &ResultRow| -> String {
                let mut at = r.code.clone();
                let mut guard = 0;
                while let Some(p) = by_code(&at)
                    .and_then(|x| x.parent.as_deref())
                    .and_then(by_code)
                {
                    at = p.code.clone();
                    guard += 1;
                    if guard > 8 {
                        break;
                    }
                }
                at
            };
            rs.iter()
                .filter(|r| top(r) == r.code)
                .map(|r| {
                    let children: Vec<&ResultRow> = rs
                        .iter()
                        .filter(|c| c.code != r.code && top(c) == r.code)
                        .collect();
                    (r, children)
                })
                .collect()
        }
        None => Vec::new(),
    };
    let only_text = !text.trim().is_empty() && named_total == 0 && found > 0;
    let body = html! {
        section.hero.guide-hero {
            h1 { (t(lang, "catalog.portal_title")) }
            form.search method="get" action="/guide" role="search" {
                input type="search" name="q" value=(text) placeholder=(t(lang, "catalog.search_placeholder")) aria-label=(t(lang, "catalog.search"));
                select name="department" aria-label=(t(lang, "catalog.department")) {
                    option value="" { (t(lang, "catalog.any_department")) }
                    @for d in &used_depts { option value=(d.code) selected[filter.department.as_deref() == Some(d.code.as_str())] { (d.name) } }
                }
                select name="kind" aria-label=(t(lang, "catalog.kind")) { (kind_options(lang, filter.kind.as_deref(), &kinds)) }
                label.check { input type="checkbox" name="online" value="1" checked[filter.fully_online == Some(true)]; (t(lang, "catalog.fully_online")) }
                label.check { input type="checkbox" name="trips" value="1" checked[filter.max_trips == Some(1)]; (t(lang, "catalog.at_most_one_trip")) }
                button type="submit" { (t(lang, "catalog.search")) }
            }
        }
        @if let Some(rs) = &results {
            section.card {
                h2 { (t(lang, "catalog.results").replace("{0}", &found.max(rs.len()).to_string())) }
                @if rs.is_empty() {
                    // Honest about finding nothing, and a way on: the matters people use most,
                    // the life events, and the everyday words the catalogue knows.
                    p { strong { (t(lang, "catalog.no_results_for").replace("{0}", &text)) } }
                    p.muted { (t(lang, "catalog.no_results_hint")) }
                    h3 { (t(lang, "catalog.popular")) }
                    ul.chips { @for (code, name) in &popular { li { a href=(format!("/guide/{code}")) { (name) } } } }
                    p { a href="/life-events" { (t(lang, "life_event.title")) } }
                } @else {
                @if only_text {
                    // Nothing is named so; say that these only mention the words.
                    p.notice { (t(lang, "catalog.only_text").replace("{0}", &text)) }
                }
                ol.results start=((page - 1) * PER_PAGE + 1) {
                    @for (r, children) in &grouped {
                        li {
                            a href=(format!("/guide/{}", r.code)) { (r.name) }
                            span.muted { " · " (r.department) }
                            @if r.fully_online { span.badge.ok { (t(lang, "catalog.fully_online")) } }
                            @else { span.badge.plain { (t(lang, "catalog.trips_n").replace("{0}", &r.trips.to_string())) } }
                            @if !r.named && !only_text { " " span.muted { (t(lang, "catalog.mentions")) } }
                            @if !children.is_empty() {
                                ul.sub-items {
                                    @for c in children {
                                        li { a href=(format!("/guide/{}", c.code)) { (c.name) } @if c.fully_online { " " span.badge.ok { (t(lang, "catalog.fully_online")) } } }
                                    }
                                }
                            }
                        }
                    }
                }
                }
                // A search past its first page is paged, the filters kept.
                @if found > PER_PAGE as usize {
                    (layout::pager(lang, "/guide", &[
                        ("q", text.clone()),
                        ("department", q.department.clone().unwrap_or_default()),
                        ("kind", q.kind.clone().unwrap_or_default()),
                        ("online", q.online.clone().unwrap_or_default()),
                        ("trips", q.trips.clone().unwrap_or_default()),
                    ], page, PER_PAGE, i64::try_from(found).unwrap_or(i64::MAX)))
                }
            }
        }
        div.cards.browse {
            section.card {
                h2 { (t(lang, "catalog.by_audience")) }
                ul.chips {
                    li { a href="/guide?audience=person" { (t(lang, "catalog.person")) } }
                    li { a href="/guide?audience=legal" { (t(lang, "catalog.legal_person")) } }
                }
                h2 { (t(lang, "catalog.by_event")) }
                ul.chips { @for (e, n) in &events { li { a href=(format!("/guide?event={}", urlencode(e))) { (e) " " span.muted { (n) } } } } }
                p { a.button.secondary href="/life-events" { (t(lang, "life_event.title")) } }
            }
            section.card {
                h2 { (t(lang, "catalog.by_department")) }
                ul.chips { @for d in &used_depts { li { a href=(format!("/guide?department={}", d.code)) { (d.name) } } } }
                h2 { (t(lang, "catalog.by_kind")) }
                ul.chips { @for k in kinds.choices() { li { a href=(format!("/guide?kind={}", k.code())) { (kinds.label(&k, lang)) } } } }
            }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        t(lang, "catalog.portal_title"),
        body,
    )))
}

/// A result line.
struct ResultRow {
    code: String,
    name: String,
    department: String,
    fully_online: bool,
    trips: u32,
    /// Its 主项's code, for a 子项.
    parent: Option<String>,
    /// Found by its name or an everyday phrase (not only by its guide's text).
    named: bool,
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The service guide of one matter (办事指南), printable on A4.
pub async fn guide_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let lang = prefs.lang;
    let v = state
        .app
        .catalog()
        .matter_view(&code, None)
        .await
        .map_err(page_err(prefs))?;
    let kinds = state
        .app
        .base()
        .matter_kinds()
        .await
        .map_err(page_err(prefs))?;
    // The hierarchy: the parent item and the sub-items in force (主项 → 子项 → 业务办理项).
    let children = state
        .app
        .catalog()
        .public_matters(
            &MatterFilter {
                parent_id: Some(v.matter.id.get()),
                in_force_only: true,
                ..MatterFilter::default()
            },
            Page::new(Some(1), Some(100)),
        )
        .await
        .map_err(page_err(prefs))?
        .items;
    let parent = state
        .app
        .catalog()
        .parent_matter(&v.matter)
        .await
        .map_err(page_err(prefs))?;
    let d = &v.doc;
    let row =
        |label: &str, value: Markup| html! { tr { th scope="row" { (label) } td { (value) } } };
    let body = html! {
        article.guide {
            header.guide-head {
                p.muted { (t(lang, "catalog.guide")) " · " (v.matter.code) " · " (t(lang, "catalog.version_n").replace("{0}", &v.version.version.to_string())) }
                h1 { (d.name) }
                p {
                    span.badge { (kinds.label(&d.kind, lang)) }
                    span.badge { (coded(lang, "case_type", d.case_type.code())) }
                    @if d.fully_online { span.badge.ok { (t(lang, "catalog.fully_online")) } }
                    @else { span.badge.plain { (t(lang, "catalog.trips_n").replace("{0}", &d.trips.to_string())) } }
                    @if d.disposition.kind != DispositionKind::Retain { span.badge.warn { (d.disposition.kind.label_zh()) } }
                }
                @if let Some(p) = &parent {
                    p.muted { (t(lang, "catalog.parent_item")) " " a href=(format!("/guide/{}", p.code)) { (p.name) } }
                }
                p.noprint.guide-actions {
                    // Matters with an online form or materials to send can be applied for here;
                    // a 主项 with sub-items is applied for through them.
                    // Staff accounts do not apply: the window enters a case for the person at
                    // the counter from the desk.
                    @if children.is_empty() && !d.handling_forms.is_empty() {
                        @if maybe.0.as_ref().is_none_or(|a| a.is_applicant()) {
                            a.button href=(format!("/apply/{}", v.matter.code)) { (t(lang, "catalog.apply_online")) } " "
                        } @else {
                            span.muted { (t(lang, "catalog.apply_staff_note")) } " "
                        }
                    }
                    button type="button" data-print { (t(lang, "catalog.print")) }
                }
            }
            @if !children.is_empty() {
                section.noprint {
                    h2 { (t(lang, "catalog.sub_items")) }
                    ul.chips { @for c in &children { li { a href=(format!("/guide/{}", c.code)) { (c.name) } } } }
                }
            }
            table.guide-table {
                tbody {
                    (row(t(lang, "catalog.department"), html! { (v.department_name) }))
                    (row(t(lang, "catalog.level"), html! { (d.level.label_zh()) " · " (d.body_nature.label_zh()) }))
                    (row(t(lang, "catalog.audience"), html! { (d.audiences.iter().map(|a| a.label_zh()).collect::<Vec<_>>().join("、")) }))
                    (row(t(lang, "catalog.legal_basis"), html! { @for b in &d.legal_basis { div { (b) } } }))
                    (row(t(lang, "catalog.conditions"), html! { (d.conditions) }))
                    (row(t(lang, "catalog.time_limits"), html! {
                        (t(lang, "catalog.statutory_days").replace("{0}", &d.statutory_days.to_string()))
                        " · "
                        @match d.promised_days {
                            Some(p) => { strong { (t(lang, "catalog.promised_days").replace("{0}", &p.to_string())) } }
                            None => { strong { (t(lang, "catalog.on_the_spot")) } }
                        }
                    }))
                    (row(t(lang, "catalog.fee"), html! { @match &d.fee { Some(f) => { (f.standard) " （" (f.basis) "）" } None => { (t(lang, "catalog.free")) } } }))
                    (row(t(lang, "catalog.trips"), html! { (d.trips) @if !d.trips_reason.is_empty() { " （" (d.trips_reason) "）" } }))
                    (row(t(lang, "catalog.online_depth"), html! { (t(lang, &format!("catalog.depth.{}", d.online_depth.code()))) " " small.muted { "（" (d.online_depth.label_zh()) "）" } }))
                    (row(t(lang, "catalog.handling_forms"), html! { (d.handling_forms.iter().map(|f| f.label_zh()).collect::<Vec<_>>().join("、")) }))
                    (row(t(lang, "catalog.place"), html! { (d.place) }))
                    (row(t(lang, "catalog.hours"), html! { (d.hours) }))
                    @if !d.special_procedures.is_empty() {
                        (row(t(lang, "catalog.special"), html! { (d.special_procedures.iter().map(|s| coded(lang, "special_procedure", s.code())).collect::<Vec<_>>().join(t(lang, "list.separator"))) " " span.muted { (t(lang, "catalog.special_note")) } }))
                    }
                    @if !d.result_name.is_empty() { (row(t(lang, "catalog.result"), html! { (d.result_name) })) }
                    (row(t(lang, "catalog.phones"), html! { (t(lang, "catalog.consult")) " " (d.consult_phone) " · " (t(lang, "catalog.complaint")) " " (d.complaint_phone) }))
                }
            }
            h2 { (t(lang, "catalog.materials")) }
            @if d.materials.is_empty() { p.muted { (t(lang, "catalog.no_materials")) } } @else {
                table.data.materials.stack {
                    thead { tr { th { "#" } th { (t(lang, "catalog.material")) } th { (t(lang, "catalog.form")) } th { (t(lang, "catalog.copies")) } th { (t(lang, "catalog.necessity")) } th { (t(lang, "catalog.source")) } th.noprint { (t(lang, "catalog.form_downloads")) } } }
                    tbody {
                        @for (i, m) in d.materials.iter().enumerate() {
                            tr {
                                td data-label="#" { (i + 1) }
                                td data-label=(t(lang, "catalog.material")) { (m.name) @if !m.condition.is_empty() { div.muted { (m.condition) } } }
                                td data-label=(t(lang, "catalog.form")) { (m.form.label_zh()) }
                                td data-label=(t(lang, "catalog.copies")) { (m.copies) }
                                td data-label=(t(lang, "catalog.necessity")) { (m.necessity.label_zh()) }
                                td data-label=(t(lang, "catalog.source")) { (m.source.label_zh()) @if m.source == MaterialSource::ELicence { div.muted { (t(lang, "catalog.no_need_to_bring")) } } }
                                td.noprint data-label=(t(lang, "catalog.form_downloads")) {
                                    @if m.blank_form_file.is_some() { a href=(format!("/guide/{}/materials/{}/blank", v.matter.code, i + 1)) { (t(lang, "catalog.blank_form")) } " " }
                                    @if m.sample_file.is_some() { a href=(format!("/guide/{}/materials/{}/sample", v.matter.code, i + 1)) { (t(lang, "catalog.sample")) } }
                                }
                            }
                        }
                    }
                }
            }
            p.muted.noprint { a href="/guide" { (t(lang, "catalog.back")) } }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        &d.name,
        body,
    )))
}

/// Public: a material's attached blank form or sample, from the guide in force.
pub async fn guide_form_file(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Path((code, index, which)): Path<(String, usize, String)>,
) -> Result<Response, WebError> {
    let (meta, bytes) = state
        .app
        .catalog()
        .matter_form_file(&code, index, &which)
        .await
        .map_err(page_err(prefs))?;
    Ok(crate::base::api::attachment(&meta.original_name, bytes))
}

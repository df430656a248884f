//! Pieces of the application pages both applicants and staff see: the status and light,
//! the documents, materials, licences, review steps and history.

use fgf_app::application::{DocumentView, LicenceView, ReviewStep};
use fgf_app::i18n::t;
use fgf_app::Lang;
use fgf_domain::application::{ApplicationId, ApplicationStatus, ClockLight};
use fgf_store::application::{ApplicationEventRow, MaterialRow};
use maud::{html, Markup};

pub fn status_badge(lang: Lang, s: ApplicationStatus) -> Markup {
    html! { span.tag { (t(lang, &format!("application.status.{s}"))) } }
}

pub fn light_badge(lang: Lang, l: ClockLight, left: Option<i64>) -> Markup {
    let class = match l {
        ClockLight::OnTime => "green",
        ClockLight::DueSoon => "yellow",
        ClockLight::Overdue => "red",
    };
    html! {
        span.light.(class) {
            (t(lang, &format!("application.light.{l}")))
            @if let Some(n) = left { " · " (t(lang, "apply.days_left").replace("{0}", &n.to_string())) }
        }
    }
}

pub fn documents_card(lang: Lang, id: ApplicationId, docs: &[DocumentView]) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "apply.documents")) }
            @if docs.is_empty() { p.muted { (t(lang, "form.none")) } }
            ul.plain {
                @for d in docs {
                    li { a href=(format!("/applications/{id}/documents/{}", d.id)) { (d.body.title) } " " small.muted { (d.number) " · " (d.issued_on) } }
                }
            }
        }
    }
}

pub fn licences_card(lang: Lang, licences: &[LicenceView]) -> Markup {
    html! {
        @if !licences.is_empty() {
            section.card {
                h2 { (t(lang, "licence.title")) }
                ul.plain {
                    @for l in licences {
                        li {
                            a href=(format!("/licences/{}", l.number)) { (l.content.title) " " (l.number) }
                            " " span.tag { (t(lang, &format!("licence.standing.{}", l.standing))) }
                            " " a href=(format!("/licences/{}/download", l.number)) { (t(lang, "licence.download")) }
                        }
                    }
                }
            }
        }
    }
}

pub fn materials_card(lang: Lang, materials: &[MaterialRow]) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "apply.materials")) }
            @if materials.is_empty() { p.muted { (t(lang, "form.none")) } }
            @else {
                table.data.stack {
                    thead { tr { th { (t(lang, "apply.material")) } th { (t(lang, "apply.source")) } } }
                    tbody {
                        @for m in materials {
                            tr {
                                td data-label=(t(lang, "apply.material")) {
                                    @if let Some(h) = &m.file_hash { a href=(format!("/api/v1/files/{h}")) { (m.name) } } @else { (m.name) }
                                }
                                td data-label=(t(lang, "apply.source")) {
                                    @if m.source == "licence" {
                                        span.tag { (t(lang, "apply.reused")) } " "
                                        @if let Some(n) = &m.licence_number { a href=(format!("/verify/{n}")) { (n) } }
                                    } @else if m.source == "deferred" {
                                        span.tag { (t(lang, "material.source.deferred")) } " "
                                        @if let Some(d) = m.due_on { (t(lang, "apply.deferred_due").replace("{0}", &d.to_string())) }
                                    } @else if m.source == "commitment" {
                                        span.tag { (t(lang, "material.source.commitment")) } " "
                                        @match m.verified {
                                            Some(true) => { (t(lang, "desk.commitment_true")) }
                                            Some(false) => { strong { (t(lang, "desk.commitment_false")) } " " (m.verified_note) }
                                            None => {}
                                        }
                                    } @else {
                                        (m.original_name.as_deref().unwrap_or("")) " " small.muted { (m.mime.as_deref().unwrap_or("")) }
                                    }
                                    " " small.muted { "（" (if m.round == 1 { t(lang, "apply.round_first") } else { t(lang, "apply.round_supplement") }) "）" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn review_card(lang: Lang, steps: &[ReviewStep], staff: bool) -> Markup {
    html! {
        @if !steps.is_empty() {
            section.card {
                h2 { (t(lang, "apply.review")) }
                ol.steps {
                    @for s in steps {
                        li .done[s.done] {
                            (s.name) " · "
                            @if staff { (s.assignee.as_deref().unwrap_or("—")) " · " }
                            (if s.done { t(lang, "apply.step_done") } else { t(lang, "apply.step_open") })
                        }
                    }
                }
            }
        }
    }
}

pub fn history_card(lang: Lang, events: &[ApplicationEventRow]) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "apply.history")) }
            ol.timeline {
                @for e in events {
                    li {
                        time { (fgf_app::clock::local_minute(e.at_ms)) }
                        " " strong { (t(lang, &format!("application.action.{}", e.action))) }
                        @if let Some(n) = &e.actor_name { " · " (n) }
                        @if !e.note.is_empty() { br; span.note { (e.note) } }
                    }
                }
            }
        }
    }
}

pub fn visits_card(lang: Lang, visits: &[fgf_store::application::VisitRow]) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "apply.visits")) }
            @if visits.is_empty() { p.muted { (t(lang, "apply.no_visits")) } }
            ul.plain {
                @for v in visits {
                    li { (v.on) " · " (t(lang, &format!("apply.visit.{}", v.kind))) @if !v.note.is_empty() { " · " (v.note) } }
                }
            }
        }
    }
}

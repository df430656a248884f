//! The printable pages of an application: a notice or decision on A4 with the district's
//! header, its number and the issuing department's seal; the electronic licence with the QR
//! code of its verify page; and the public verify page anyone reaches by that code.

use crate::error::WebError;
use crate::layout::{self, html_page, page_err};
use crate::{AppState, MaybeActor, Prefs};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use fgf_app::i18n::t;
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::application::{date_zh, ApplicationId, LicenceAction, Standing};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::json;

type PageResult = Result<Response, WebError>;

/// A page printed on A4: no navigation, the sheet itself.
fn sheet(lang: Lang, title: &str, back: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t(lang, "app.name")) }
                link rel="stylesheet" href=(crate::assets::css_url());
            }
            body.print-sheet {
                p.noprint.sheet-actions { a href=(back) { (t(lang, "print.back")) } }
                main.a4 { (body) }
            }
        }
    }
}

/// A department's name as its seal and letterhead carry it: the district's name before a
/// name that starts with 区 (区行政审批局 → 示范区行政审批局).
fn full_name(lang: Lang, department: &str) -> String {
    match department.strip_prefix('区') {
        Some(rest) => format!("{}{rest}", t(lang, "app.district")),
        None => department.to_owned(),
    }
}

/// The issuing department's electronic seal (电子印章): a red ring with its name, drawn on
/// the server.
fn seal(name: &str) -> Markup {
    let chars: Vec<char> = name.chars().collect();
    let n = chars.len().max(1) as f64;
    let mut text = String::new();
    for (i, c) in chars.iter().enumerate() {
        // Around the top arc, from 200° to 340°.
        let a = (200.0 + 140.0 * (i as f64 + 0.5) / n).to_radians();
        let (x, y) = (60.0 + 44.0 * a.cos(), 60.0 + 44.0 * a.sin());
        let rot = a.to_degrees() + 90.0;
        text.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" transform=\"rotate({rot:.1} {x:.1} {y:.1})\" text-anchor=\"middle\" dominant-baseline=\"middle\">{}</text>",
            maud::html! { (c) }.into_string()
        ));
    }
    let svg = format!(
        "<svg class=\"seal\" viewBox=\"0 0 120 120\" width=\"120\" height=\"120\" role=\"img\" aria-label=\"电子印章\"><circle cx=\"60\" cy=\"60\" r=\"56\" fill=\"none\" stroke=\"#c62828\" stroke-width=\"3\"/><g fill=\"#c62828\" font-size=\"11\">{text}</g><text x=\"60\" y=\"66\" text-anchor=\"middle\" font-size=\"26\" fill=\"#c62828\">★</text></svg>"
    );
    html! { (PreEscaped(svg)) }
}

pub async fn document_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path((id, doc)): Path<(ApplicationId, i64)>,
) -> PageResult {
    let lang = prefs.lang;
    let d = state
        .app
        .application()
        .document(&actor, id, doc)
        .await
        .map_err(page_err(prefs))?;
    let b = &d.body;
    let body = html! {
        header.doc-head {
            p.doc-org { (full_name(lang, &b.issuer)) }
            h1 { (b.title) }
            p.doc-number { (d.number) }
        }
        p.doc-to { (b.to) "：" }
        @for p in &b.paragraphs { p.doc-para { (p) } }
        footer.doc-foot {
            div.doc-seal { (seal(&full_name(lang, &b.issuer))) }
            p { (b.issuer) }
            p { (date_zh(b.issued_on)) }
        }
    };
    let back = if actor.is_applicant() {
        format!("/me/applications/{id}")
    } else {
        format!("/applications/{id}")
    };
    Ok(html_page(sheet(lang, &b.title, &back, body)))
}

fn qr_svg(data: &str) -> Markup {
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(132, 132)
                .quiet_zone(true)
                .build();
            // The renderer writes an XML declaration a document body does not take.
            let svg = match svg.find("<svg") {
                Some(i) => svg[i..].to_owned(),
                None => svg,
            };
            html! { (PreEscaped(svg)) }
        }
        Err(_) => html! {},
    }
}

/// The verify page's address: the district's public URL when configured, else the path.
fn verify_url(state: &AppState, number: &str) -> String {
    let base = state.app.config().public_url.trim_end_matches('/');
    format!("{base}/verify/{number}")
}

pub async fn licence_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(number): Path<String>,
) -> PageResult {
    let lang = prefs.lang;
    let l = state
        .app
        .application()
        .licence(&actor, &number)
        .await
        .map_err(page_err(prefs))?;
    let c = &l.content;
    let uc = state.app.application();
    let revisions = uc
        .licence_revisions(&actor, &number)
        .await
        .map_err(page_err(prefs))?;
    // The holder changes or renews it from here, through the matters that do so.
    let follow_ups = if actor.is_applicant() && l.standing == Standing::Valid {
        uc.licence_follow_ups(&actor, &number)
            .await
            .map_err(page_err(prefs))?
    } else {
        Vec::new()
    };
    let body = html! {
        article.licence {
            header.doc-head {
                p.doc-org { (t(lang, "licence.elicence")) }
                h1 { (c.title) }
                p.doc-number { (t(lang, "licence.number")) "：" (c.number) }
            }
            dl.kv.licence-fields {
                dt { (t(lang, "licence.holder")) } dd { (c.holder_name) }
                dt { (t(lang, "licence.holder_id")) } dd { (c.holder_id) }
                dt { (t(lang, "licence.scope")) } dd { (c.scope) }
                dt { (t(lang, "licence.valid")) } dd { (date_zh(c.valid_from)) " — " (date_zh(c.valid_until)) }
                dt { (t(lang, "licence.standing")) } dd { span.tag { (t(lang, &format!("licence.standing.{}", l.standing))) } }
            }
            div.licence-foot {
                figure.qr { (qr_svg(&verify_url(&state, &c.number))) figcaption { (t(lang, "licence.scan")) } }
                div.doc-seal { (seal(&full_name(lang, &c.issuer))) p { (c.issuer) } p { (date_zh(c.issued_on)) } }
            }
            p.sig { small { (t(lang, "licence.signature")) "（SM2，" (l.key_id) "）：" code { (l.signature) } } }
            p.noprint { a href=(format!("/licences/{}/download", c.number)) { (t(lang, "licence.download")) } " · " a href=(format!("/verify/{}", c.number)) { (t(lang, "licence.verify")) } }
            @if !follow_ups.is_empty() {
                p.noprint.actions {
                    @for (action, code, name) in &follow_ups {
                        a.button.secondary href=(format!("/apply/{code}?licence={}", c.number)) title=(name) {
                            (t(lang, if *action == LicenceAction::Renew { "licence.renew_action" } else { "licence.change_action" }))
                        }
                        " "
                    }
                }
            }
            @if !revisions.is_empty() {
                section.noprint.revisions {
                    h2 { (t(lang, "licence.revisions")) }
                    table.data.stack {
                        thead { tr { th { "#" } th { (t(lang, "licence.scope")) } th { (t(lang, "licence.valid")) } th { (t(lang, "licence.replaced_on")) } } }
                        tbody {
                            @for r in &revisions {
                                tr {
                                    td data-label="#" { (t(lang, "licence.revision").replace("{0}", &r.revision.to_string())) }
                                    td data-label=(t(lang, "licence.scope")) { (r.content.scope) }
                                    td data-label=(t(lang, "licence.valid")) { (date_zh(r.content.valid_from)) " — " (date_zh(r.content.valid_until)) }
                                    td data-label=(t(lang, "licence.replaced_on")) { (date_zh(r.replaced_on)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let back = if actor.is_applicant() {
        format!("/me/applications/{}", l.application_id)
    } else {
        format!("/applications/{}", l.application_id)
    };
    Ok(html_page(sheet(lang, &c.title, &back, body)))
}

/// The licence as a signed file: its content, the SM2 signature and the district's public
/// key, so anyone can check it offline.
pub async fn licence_download(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(number): Path<String>,
) -> PageResult {
    let l = state
        .app
        .application()
        .licence(&actor, &number)
        .await
        .map_err(page_err(prefs))?;
    let body = json!({
        "format": "fangguanfu-elicence-v1",
        "content": l.content,
        "signature": { "algorithm": "SM2-with-SM3", "distinguishing_id": fgf_domain::application::DIST_ID, "value": l.signature, "key_id": l.key_id, "public_key": state.app.seal().public_key_hex() },
        "verify": verify_url(&state, &l.number),
    });
    let text = serde_json::to_string_pretty(&body)
        .map_err(|e| page_err(prefs)(ServiceError::internal(e)))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.json\"", l.number),
            ),
        ],
        text,
    )
        .into_response())
}

pub async fn verify_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    Path(number): Path<String>,
) -> PageResult {
    let lang = prefs.lang;
    let found = state
        .app
        .application()
        .verify_licence(&number)
        .await
        .map_err(page_err(prefs))?;
    let Some(v) = found else {
        let body = html! {
            h1 { (t(lang, "verify.title")) }
            section.card.verify.bad { p.verdict { (t(lang, "verify.unknown")) } p { (number) } }
        };
        let mut res = html_page(layout::portal(
            prefs,
            maybe.0.as_ref(),
            t(lang, "verify.title"),
            body,
        ));
        *res.status_mut() = StatusCode::NOT_FOUND;
        return Ok(res);
    };
    let c = &v.content;
    let good = v.standing == Standing::Valid;
    let body = html! {
        h1 { (t(lang, "verify.title")) }
        section.card.verify .ok[good] .bad[!good] {
            p.verdict { (t(lang, &format!("licence.standing.{}", v.standing))) }
            @if !v.status_reason.is_empty() { p { (v.status_reason) } }
            @if v.standing != Standing::NotGenuine {
                dl.kv {
                    dt { (t(lang, "licence.number")) } dd { (c.number) }
                    dt { (t(lang, "licence.name")) } dd { (c.title) }
                    dt { (t(lang, "licence.holder")) } dd { (c.holder_name) }
                    dt { (t(lang, "licence.holder_id")) } dd { (c.holder_id) }
                    dt { (t(lang, "licence.scope")) } dd { (c.scope) }
                    dt { (t(lang, "licence.valid")) } dd { (date_zh(c.valid_from)) " — " (date_zh(c.valid_until)) }
                    dt { (t(lang, "licence.issuer")) } dd { (c.issuer) }
                }
            }
        }
        details.card {
            summary { (t(lang, "verify.how")) }
            p { (t(lang, "verify.how_text")) }
            p { small { (t(lang, "verify.public_key")) "：" code.wrap { (v.public_key) } } }
            p { small { (t(lang, "licence.signature")) "：" code.wrap { (v.signature) } } }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        t(lang, "verify.title"),
        body,
    )))
}

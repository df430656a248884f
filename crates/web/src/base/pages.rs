//! Server-rendered pages. Forms post back here (CSRF-checked by [`PageForm`]); a rejected
//! form is shown again with the reason, in the catalogue's words.

use crate::error::{status_of, WebError};
use crate::extract::{PageForm, PageQuery};
use crate::layout::{self, chrome, csrf, flash, html_page, page_err};
use crate::{AppState, ClientAddr, MaybeActor, Prefs, SESSION_COOKIE};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Extension;
use fgf_app::base::auth::{totp_secret_base32, totp_uri, LoginRequest, SessionKind};
use fgf_app::base::calendar::{parse_date, YearInput};
use fgf_app::base::org::DepartmentInput;
use fgf_app::base::users::{NewStaffInput, RecoverInput, RegisterInput, UpdateUserInput};
use fgf_app::clock::local_minute;
use fgf_app::i18n::{department_kind_label, permission_label, scope_label, t};
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::base::permission::Permission;
use fgf_domain::base::record::{AccountKind, AccountStatus, DepartmentKind, LoginOutcome};
use fgf_domain::base::AccountId;
use fgf_domain::base::DepartmentId;
use fgf_store::base::account::AccountQuery;
use fgf_store::base::audit::AuditQuery;
use fgf_store::base::dict::DictItem;
use fgf_store::base::session::LoginLogQuery;
use fgf_store::Page;
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::BTreeMap;

type PageResult = Result<Response, WebError>;

/// Redirect targets must be local paths, never another site.
///
/// A browser reading a `Location` drops tab, CR and LF anywhere and C0 controls and spaces at
/// the ends, and treats `\` like `/`: so `/\t/evil.example` becomes `//evil.example`, another
/// host. A target whose meaning could change that way is refused outright (our own `next`
/// values are percent-encoded paths and never contain such characters), and so is one whose
/// path percent-decodes to such a form, in case a proxy or framework decodes it once more.
/// What is left is resolved against a dummy origin and kept only if it stays on that origin;
/// the resolved path and query are what is returned, so the browser gets what was checked.
fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    let altered_by_browsers = |c: char| c.is_control() || c == '\\';
    if next.chars().any(altered_by_browsers)
        || next.starts_with(char::is_whitespace)
        || next.ends_with(char::is_whitespace)
    {
        return None;
    }
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(path);
    if !path.starts_with('/')
        || path.starts_with("//")
        || decoded.starts_with(b"//")
        || decoded.iter().any(|b| b.is_ascii_control() || *b == b'\\')
    {
        return None;
    }
    let base = url::Url::parse("http://fgf.invalid/").ok()?;
    let joined = base.join(next).ok()?;
    if joined.origin() != base.origin() || joined.path().starts_with("//") {
        return None;
    }
    let mut local = joined.path().to_owned();
    if let Some(q) = joined.query() {
        local.push('?');
        local.push_str(q);
    }
    Some(local)
}

/// Percent-decodes a path for checking, leaving a malformed escape as it is.
fn percent_decode(s: &str) -> Vec<u8> {
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn session_cookie(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")
}

fn pre_token() -> String {
    hex::encode((0..16).map(|_| rand::random::<u8>()).collect::<Vec<_>>())
}

/// The CSRF token of a public form (login, registration): a signed-in caller's own session
/// token, since [`PageForm`] takes nothing else once there is a session; otherwise a fresh
/// pre-session token, sent as the `fgf_pre` cookie when the page is answered.
struct FormToken {
    token: String,
    pre: bool,
}

impl FormToken {
    fn for_caller(maybe: &MaybeActor) -> FormToken {
        match maybe.0.as_ref() {
            Some(a) => FormToken {
                token: a.csrf_token.clone(),
                pre: false,
            },
            None => FormToken {
                token: pre_token(),
                pre: true,
            },
        }
    }

    fn answer(&self, m: Markup, status: StatusCode) -> Response {
        if self.pre {
            with_pre_cookie(&self.token, m, status)
        } else {
            (status, Html(m.into_string())).into_response()
        }
    }
}

fn with_pre_cookie(token: &str, m: Markup, status: StatusCode) -> Response {
    (
        status,
        [(
            header::SET_COOKIE,
            format!("fgf_pre={token}; Path=/; HttpOnly; SameSite=Strict"),
        )],
        Html(m.into_string()),
    )
        .into_response()
}

// ---- preferences and portal ----

#[derive(Deserialize, Default)]
pub struct PrefsParams {
    lang: Option<String>,
    large: Option<String>,
}

pub async fn prefs(headers: HeaderMap, PageQuery(q): PageQuery<PrefsParams>) -> Response {
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_owned()))
        .and_then(|r| safe_next(Some(&r)))
        .unwrap_or_else(|| "/".to_owned());
    let mut res = Redirect::to(&back).into_response();
    if let Some(l) = q.lang {
        let v = if l == "en" { "en" } else { "zh" };
        if let Ok(h) = format!("fgf_lang={v}; Path=/; Max-Age=31536000; SameSite=Lax").parse() {
            res.headers_mut().append(header::SET_COOKIE, h);
        }
    }
    if let Some(l) = q.large {
        let v = if l == "1" { "1" } else { "0" };
        if let Ok(h) = format!("fgf_large={v}; Path=/; Max-Age=31536000; SameSite=Lax").parse() {
            res.headers_mut().append(header::SET_COOKIE, h);
        }
    }
    res
}

#[derive(Deserialize, Default)]
pub struct PortalParams {
    date: Option<String>,
    n: Option<String>,
    code: Option<String>,
}

/// The portal's front page: one large search box first (what most citizens came for), the
/// entries by audience, the most-applied services, the life events and the latest notices.
pub async fn portal_home(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
) -> PageResult {
    let lang = prefs.lang;
    let err = page_err(prefs);
    let popular = state.app.catalog().popular_matters(8).await.map_err(&err)?;
    let events = state.app.application().life_events().await.map_err(&err)?;
    let guides = state.app.catalog().recent_guides(5).await.map_err(&err)?;
    let innovations = state
        .app
        .reform()
        .published_innovations()
        .await
        .map_err(&err)?;
    let body = html! {
        section.hero.search-first {
            h1 { (t(lang, "page.portal_title")) }
            form.big-search method="get" action="/guide" role="search" {
                label.visually-hidden for="home-q" { (t(lang, "portal.search")) }
                input id="home-q" type="search" name="q" placeholder=(t(lang, "portal.search_placeholder")) autocomplete="off" maxlength="60";
                button type="submit" { (t(lang, "portal.search")) }
            }
            p.hot-words {
                span { (t(lang, "portal.hot_words")) }
                @for w in ["开饭店", "营业执照", "食品经营许可", "护照", "身份证", "社保"] {
                    " " a href=(format!("/guide?q={}", form_urlencoded::byte_serialize(w.as_bytes()).collect::<String>())) { (w) }
                }
            }
            div.entries {
                a.entry href="/guide?audience=person" { strong { (t(lang, "portal.entry_citizen")) } span { (t(lang, "portal.entry_citizen_hint")) } }
                a.entry href="/guide?audience=legal" { strong { (t(lang, "portal.entry_enterprise")) } span { (t(lang, "portal.entry_enterprise_hint")) } }
                a.entry href="/life-events" { strong { (t(lang, "portal.entry_events")) } span { (t(lang, "portal.entry_events_hint")) } }
                @if maybe.0.as_ref().is_some_and(|a| !a.is_applicant()) {
                    a.entry href="/workbench" { strong { (t(lang, "portal.entry_workbench")) } span { (t(lang, "portal.entry_workbench_hint")) } }
                } @else if maybe.0.is_none() {
                    a.entry href="/register" { strong { (t(lang, "portal.entry_register")) } span { (t(lang, "portal.entry_register_hint")) } }
                } @else {
                    a.entry href="/me/applications" { strong { (t(lang, "portal.entry_mine")) } span { (t(lang, "portal.entry_mine_hint")) } }
                }
            }
        }
        div.home-grid {
            section.card.hot {
                h2 { (t(lang, "portal.hot")) }
                ul.tiles { @for m in &popular { li { a href=(format!("/guide/{}", m.code)) { (m.name) } } } }
                p { a href="/guide" { (t(lang, "portal.all_services")) " ›" } }
            }
            section.card.events {
                h2 { (t(lang, "portal.events")) }
                ul.plain { @for e in &events { li { a href=(format!("/life-events/{}", e.code)) { strong { (e.name) } } br; span.muted { (e.summary) } } } }
            }
            section.card.notices {
                h2 { (t(lang, "portal.notices")) }
                ul.plain {
                    @for (m, v, on) in &guides {
                        li { span.muted.nowrap { (on) } " " a href=(format!("/guide/{}", m.code)) { (t(lang, "portal.guide_updated").replace("{0}", &m.name).replace("{1}", &v.to_string())) } }
                    }
                    @for i in innovations.iter().take(3) {
                        li { span.tag { (t(lang, "portal.innovation")) } " " a href=(format!("/guide/innovations/{}", i.row.id)) { (i.row.title) } }
                    }
                }
                p { a href="/tools" { (t(lang, "portal.tools")) " ›" } }
            }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        t(lang, "portal.name"),
        body,
    )))
}

/// 便民工具: the working-day deadline calculator and the ID number check.
pub async fn tools_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    PageQuery(q): PageQuery<PortalParams>,
) -> PageResult {
    let lang = prefs.lang;
    let cal = state.app.calendar();
    let deadline = match (
        q.date.as_deref().filter(|s| !s.is_empty()),
        q.n.as_deref().filter(|s| !s.is_empty()),
    ) {
        (Some(d), Some(n)) => Some(match (parse_date(d), n.trim().parse::<u32>()) {
            (Ok(d), Ok(n)) if n <= 3650 => Ok((d, n, cal.add_workdays(d, n))),
            (Err(e), _) => Err(e.message(lang)),
            _ => Err(ServiceError::invalid("number_invalid").arg(n).message(lang)),
        }),
        _ => None,
    };
    let id_check = q
        .code
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(fgf_domain::check_code);
    let body = html! {
        h1 { (t(lang, "portal.tools")) }
        div.cards {
            section.card {
                h2 { (t(lang, "portal.deadline")) }
                p.muted { (t(lang, "portal.deadline_note")) }
                form method="get" action="/tools" {
                    label { (t(lang, "portal.deadline_start")) " " input type="date" name="date" value=[q.date.as_deref()] required; }
                    label { " " (t(lang, "portal.deadline_days")) " " input type="number" name="n" min="0" max="3650" value=[q.n.as_deref()] required; }
                    button type="submit" { (t(lang, "portal.deadline_compute")) }
                }
                @if let Some(res) = &deadline {
                    @match res {
                        Ok((d, n, dl)) => {
                            p.result { (t(lang, "portal.deadline_result").replace("{0}", &d.to_string()).replace("{1}", &n.to_string())) " " strong { (dl.date) } }
                            @if !dl.assumed_years.is_empty() { p.flash.err { (t(lang, "portal.deadline_assumed").replace("{0}", &dl.assumed_years.iter().map(ToString::to_string).collect::<Vec<_>>().join("、"))) } }
                        }
                        Err(m) => { p.flash.err role="alert" { (m) } }
                    }
                }
            }
            section.card {
                h2 { (t(lang, "portal.id_check")) }
                p.muted { (t(lang, "portal.id_check_note")) }
                form method="get" action="/tools" {
                    label { (t(lang, "portal.id_number")) " " input type="text" name="code" maxlength="20" value=[q.code.as_deref()] required; }
                    button type="submit" { (t(lang, "portal.id_verify")) }
                }
                @if let Some(c) = &id_check {
                    @if c.valid {
                        p.flash.ok { (t(lang, "portal.id_valid").replace("{0}", t(lang, match c.kind { Some(fgf_domain::IdKind::Uscc) => "form.uscc", _ => "form.resident_id" }))) }
                    } @else {
                        p.flash.err { (t(lang, "portal.id_invalid").replace("{0}", c.reason.as_deref().unwrap_or_default())) }
                    }
                }
            }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        maybe.0.as_ref(),
        t(lang, "portal.tools"),
        body,
    )))
}

// ---- sign in, sign out, registration ----

#[derive(Deserialize, Default)]
pub struct LoginParams {
    next: Option<String>,
    expired: Option<String>,
    bye: Option<String>,
    registered: Option<String>,
    recovered: Option<String>,
}

fn login_form(
    lang: Lang,
    pre: &str,
    next: Option<&str>,
    username: &str,
    message: Option<(&str, bool)>,
) -> Markup {
    html! {
        div.login-box {
            h1 { (t(lang, "page.login")) }
            @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
            form method="post" action="/login" {
                input type="hidden" name="_csrf" value=(pre);
                @if let Some(n) = next { input type="hidden" name="next" value=(n); }
                label for="username" { (t(lang, "form.username")) }
                input id="username" name="username" type="text" autocomplete="username" value=(username) required autofocus;
                label for="password" { (t(lang, "form.password")) }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                label for="totp" { (t(lang, "form.totp")) }
                input id="totp" name="totp" type="text" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" maxlength="6";
                button type="submit" { (t(lang, "nav.login")) }
            }
            p.muted { (t(lang, "page.login_hint")) }
            p { a href="/register" { (t(lang, "nav.register")) } " · " a href="/recover" { (t(lang, "nav.recover")) } " · " a href="/" { (t(lang, "nav.portal")) } }
        }
    }
}

/// The applicant's own password recovery: step one asks who they are, step two (after the
/// code went to their phone) asks for the code and a new password.
fn recover_form(
    lang: Lang,
    pre: &str,
    f: Option<&PageForm>,
    step_two: bool,
    message: Option<(&str, bool)>,
) -> Markup {
    let v = |k: &str| f.map(|f| f.text(k)).unwrap_or_default();
    html! {
        div.login-box.wide {
            h1 { (t(lang, "page.recover")) }
            @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
            p.muted { (t(lang, "page.recover_intro")) }
            @if step_two {
                form method="post" action="/recover" {
                    input type="hidden" name="_csrf" value=(pre);
                    input type="hidden" name="action" value="confirm";
                    label for="rc-username" { (t(lang, "form.username")) }
                    input id="rc-username" name="username" value=(v("username")) autocomplete="username" required;
                    label for="rc-code" { (t(lang, "form.recovery_code")) }
                    input id="rc-code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required;
                    label for="rc-pw" { (t(lang, "form.new_password")) }
                    input id="rc-pw" name="password" type="password" autocomplete="new-password" required;
                    p.muted { (t(lang, "page.password_rule")) }
                    button type="submit" { (t(lang, "form.submit")) }
                }
            } @else {
                form method="post" action="/recover" {
                    input type="hidden" name="_csrf" value=(pre);
                    input type="hidden" name="action" value="send";
                    label for="rc-username" { (t(lang, "form.username")) }
                    input id="rc-username" name="username" value=(v("username")) autocomplete="username" required;
                    label for="rc-rid" { (t(lang, "form.resident_id")) (t(lang, "form.required_citizen")) }
                    input id="rc-rid" name="resident_id" value=(v("resident_id")) maxlength="18" autocomplete="off";
                    label for="rc-uscc" { (t(lang, "form.uscc")) (t(lang, "form.required_enterprise")) }
                    input id="rc-uscc" name="uscc" value=(v("uscc")) maxlength="18";
                    label for="rc-phone" { (t(lang, "form.phone")) }
                    input id="rc-phone" name="phone" value=(v("phone")) inputmode="tel" maxlength="11" required;
                    button type="submit" { (t(lang, "page.recover_send")) }
                }
            }
            p { a href="/login" { (t(lang, "nav.login")) } " · " a href="/" { (t(lang, "nav.portal")) } }
        }
    }
}

pub async fn recover_page(
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
) -> Response {
    let form_token = FormToken::for_caller(&maybe);
    form_token.answer(
        layout::portal(
            prefs,
            None,
            t(prefs.lang, "page.recover"),
            recover_form(prefs.lang, &form_token.token, None, false, None),
        ),
        StatusCode::OK,
    )
}

pub async fn recover_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    form: PageForm,
) -> Response {
    let opt = |k: &str| Some(form.text(k)).filter(|s| !s.is_empty());
    let lang = prefs.lang;
    let (res, confirm) = if form.get("action") == Some("confirm") {
        let r = state
            .app
            .base()
            .recover_confirm(
                &form.text("username"),
                &form.text("code"),
                form.get("password").unwrap_or(""),
                &addr,
            )
            .await;
        (r, true)
    } else {
        let input = RecoverInput {
            username: form.text("username"),
            resident_id: opt("resident_id"),
            uscc: opt("uscc"),
            phone: form.text("phone"),
        };
        (state.app.base().recover_start(&input, &addr).await, false)
    };
    let form_token = FormToken::for_caller(&maybe);
    let pre = form_token.token.clone();
    let (body, status) = match res {
        Ok(()) if confirm => return Redirect::to("/login?recovered=1").into_response(),
        Ok(()) => (
            recover_form(
                lang,
                &pre,
                Some(&form),
                true,
                Some((t(lang, "page.recover_sent"), true)),
            ),
            StatusCode::OK,
        ),
        Err(e) => {
            let m = e.message(lang);
            (
                recover_form(lang, &pre, Some(&form), confirm, Some((&m, false))),
                status_of(e.kind, e.code),
            )
        }
    };
    form_token.answer(
        layout::portal(prefs, None, t(lang, "page.recover"), body),
        status,
    )
}

pub async fn login_page(
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    PageQuery(q): PageQuery<LoginParams>,
) -> Response {
    let lang = prefs.lang;
    let form_token = FormToken::for_caller(&maybe);
    let msg = if q.expired.is_some() {
        Some((t(lang, "session_expired"), false))
    } else if q.bye.is_some() {
        Some((t(lang, "msg.logged_out"), true))
    } else if q.registered.is_some() {
        Some((t(lang, "msg.registered"), true))
    } else if q.recovered.is_some() {
        Some((t(lang, "msg.recovered"), true))
    } else {
        None
    };
    let next = safe_next(q.next.as_deref());
    form_token.answer(
        layout::portal(
            prefs,
            None,
            t(lang, "page.login"),
            login_form(lang, &form_token.token, next.as_deref(), "", msg),
        ),
        StatusCode::OK,
    )
}

pub async fn login_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    form: PageForm,
) -> Response {
    let lang = prefs.lang;
    let username = form.text("username");
    let next = safe_next(form.get("next"));
    let totp = form.text("totp");
    let res = state
        .app
        .base()
        .login(LoginRequest {
            username: &username,
            password: form.get("password").unwrap_or(""),
            totp: Some(totp.as_str()).filter(|s| !s.is_empty()),
            source_addr: &addr,
            kind: SessionKind::Cookie,
        })
        .await;
    match res {
        Ok(ok) => {
            let target = if ok.must_change_password {
                "/password".to_owned()
            } else if ok.needs_totp_enrolment {
                "/totp".to_owned()
            } else if let Some(n) = next {
                n
            } else if ok.staff {
                // Staff land on the workbench, applicants on their own page.
                "/workbench".to_owned()
            } else {
                "/me".to_owned()
            };
            let mut r = Redirect::to(&target).into_response();
            if let Ok(h) = session_cookie(&ok.token).parse() {
                r.headers_mut().insert(header::SET_COOKIE, h);
            }
            r
        }
        Err(e) => {
            let form_token = FormToken::for_caller(&maybe);
            let status = status_of(e.kind, e.code);
            let m = e.message(lang);
            form_token.answer(
                layout::portal(
                    prefs,
                    None,
                    t(lang, "page.login"),
                    login_form(
                        lang,
                        &form_token.token,
                        next.as_deref(),
                        &username,
                        Some((&m, false)),
                    ),
                ),
                status,
            )
        }
    }
}

pub async fn logout_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    _form: PageForm,
) -> PageResult {
    state
        .app
        .base()
        .logout(&actor)
        .await
        .map_err(page_err(prefs))?;
    let mut r = Redirect::to("/login?bye=1").into_response();
    if let Ok(h) = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0").parse() {
        r.headers_mut().insert(header::SET_COOKIE, h);
    }
    Ok(r)
}

fn register_form(lang: Lang, pre: &str, f: Option<&PageForm>, message: Option<&str>) -> Markup {
    let v = |k: &str| f.map(|f| f.text(k)).unwrap_or_default();
    let kind = f.map_or_else(|| "citizen".to_owned(), |f| f.text("kind"));
    html! {
        div.login-box.wide {
            h1 { (t(lang, "page.register")) }
            (flash(message, false))
            form method="post" action="/register" {
                input type="hidden" name="_csrf" value=(pre);
                fieldset {
                    legend { (t(lang, "form.applicant_kind")) }
                    label.inline { input type="radio" name="kind" value="citizen" checked[kind != "enterprise"]; " " (t(lang, "form.citizen")) }
                    label.inline { input type="radio" name="kind" value="enterprise" checked[kind == "enterprise"]; " " (t(lang, "form.enterprise")) }
                }
                label for="r-username" { (t(lang, "form.username")) }
                input id="r-username" name="username" value=(v("username")) required;
                label for="r-name" { (t(lang, "form.display_name")) " / " (t(lang, "form.enterprise_name")) }
                input id="r-name" name="display_name" value=(v("display_name")) required;
                label for="r-rid" { (t(lang, "form.resident_id")) (t(lang, "form.required_citizen")) }
                input id="r-rid" name="resident_id" value=(v("resident_id")) maxlength="18" autocomplete="off";
                label for="r-uscc" { (t(lang, "form.uscc")) (t(lang, "form.required_enterprise")) }
                input id="r-uscc" name="uscc" value=(v("uscc")) maxlength="18";
                label for="r-phone" { (t(lang, "form.phone")) }
                input id="r-phone" name="phone" value=(v("phone")) inputmode="tel" maxlength="11";
                label for="r-pw" { (t(lang, "form.password")) }
                input id="r-pw" name="password" type="password" autocomplete="new-password" required;
                p.muted { (t(lang, "page.password_rule")) }
                button type="submit" { (t(lang, "nav.register")) }
            }
        }
    }
}

pub async fn register_page(
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
) -> Response {
    let form_token = FormToken::for_caller(&maybe);
    form_token.answer(
        layout::portal(
            prefs,
            None,
            t(prefs.lang, "page.register"),
            register_form(prefs.lang, &form_token.token, None, None),
        ),
        StatusCode::OK,
    )
}

pub async fn register_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(maybe): Extension<MaybeActor>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    form: PageForm,
) -> Response {
    let opt = |k: &str| Some(form.text(k)).filter(|s| !s.is_empty());
    let input = RegisterInput {
        kind: form.text("kind"),
        username: form.text("username"),
        password: form.get("password").unwrap_or("").to_owned(),
        display_name: form.text("display_name"),
        resident_id: opt("resident_id"),
        uscc: opt("uscc"),
        phone: opt("phone"),
    };
    match state.app.base().register_applicant(&input, &addr).await {
        Ok(_) => Redirect::to("/login?registered=1").into_response(),
        Err(e) => {
            let form_token = FormToken::for_caller(&maybe);
            let m = e.message(prefs.lang);
            form_token.answer(
                layout::portal(
                    prefs,
                    None,
                    t(prefs.lang, "page.register"),
                    register_form(prefs.lang, &form_token.token, Some(&form), Some(&m)),
                ),
                status_of(e.kind, e.code),
            )
        }
    }
}

// ---- password, second factor, department ----

async fn account_page(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    active: &'static str,
    title: &str,
    body: Markup,
) -> PageResult {
    if actor.is_staff() {
        let c = chrome(state, actor, prefs, active).await?;
        Ok(html_page(layout::staff(&c, title, body)))
    } else {
        Ok(html_page(layout::portal(
            prefs,
            Some(actor),
            title,
            html! { h1 { (title) } (body) },
        )))
    }
}

fn password_form(lang: Lang, actor: &Actor, message: Option<(&str, bool)>) -> Markup {
    html! {
        @if actor.account.must_change_password { (flash(Some(t(lang, "password_change_required")), false)) }
        @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
        section.card.narrow-card { form.narrow method="post" action="/password" {
            (csrf(actor))
            label for="old" { (t(lang, "form.old_password")) }
            input id="old" name="old_password" type="password" autocomplete="current-password" required;
            label for="new" { (t(lang, "form.new_password")) }
            input id="new" name="new_password" type="password" autocomplete="new-password" required;
            label for="new2" { (t(lang, "form.new_password2")) }
            input id="new2" name="new_password2" type="password" autocomplete="new-password" required;
            p.muted { (t(lang, "page.password_rule")) }
            button type="submit" { (t(lang, "form.save")) }
        } }
    }
}

pub async fn password_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    account_page(
        &state,
        &actor,
        prefs,
        "password",
        t(prefs.lang, "page.password"),
        password_form(prefs.lang, &actor, None),
    )
    .await
}

pub async fn password_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> PageResult {
    let lang = prefs.lang;
    let new = form.get("new_password").unwrap_or("");
    let res = if new != form.get("new_password2").unwrap_or("") {
        Err(ServiceError::invalid("password_mismatch"))
    } else {
        state
            .app
            .base()
            .change_password(&actor, form.get("old_password").unwrap_or(""), new)
            .await
    };
    match res {
        Ok(()) if actor.needs_totp_enrolment => Ok(Redirect::to("/totp").into_response()),
        Ok(()) => {
            let mut a = actor.clone();
            a.account.must_change_password = false;
            account_page(
                &state,
                &a,
                prefs,
                "password",
                t(lang, "page.password"),
                password_form(lang, &a, Some((t(lang, "msg.password_changed"), true))),
            )
            .await
        }
        Err(e) => {
            let m = e.message(lang);
            let mut r = account_page(
                &state,
                &actor,
                prefs,
                "password",
                t(lang, "page.password"),
                password_form(lang, &actor, Some((&m, false))),
            )
            .await?;
            *r.status_mut() = status_of(e.kind, e.code);
            Ok(r)
        }
    }
}

async fn totp_body(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    message: Option<(&str, bool)>,
) -> Result<Markup, ServiceError> {
    let pending = if actor.account.totp_enabled {
        None
    } else {
        state.app.base().totp_pending_secret(actor).await?
    };
    Ok(html! {
        @if actor.needs_totp_enrolment { (flash(Some(t(lang, "totp_enrolment_required")), false)) }
        @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
        @if actor.account.totp_enabled {
            p.flash.ok { (t(lang, "page.totp_enabled")) }
            h2 { (t(lang, "page.totp_reenrol")) }
            p.muted { (t(lang, "page.totp_reenrol_note")) }
            form.narrow method="post" action="/totp" {
                (csrf(actor))
                input type="hidden" name="action" value="start";
                label for="password" { (t(lang, "form.password")) }
                input id="password" name="password" type="password" required autocomplete="current-password";
                label for="current_code" { (t(lang, "page.totp_current_code")) }
                input id="current_code" name="current_code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code";
                button type="submit" { (t(lang, "page.totp_start")) }
            }
        } @else if let Some(secret) = pending {
            p { (t(lang, "page.totp_intro")) }
            p { (t(lang, "page.totp_secret")) " " code.secret { (totp_secret_base32(&secret)) } }
            p.muted { code { (totp_uri(&secret, &actor.account.username)) } }
            form.narrow method="post" action="/totp" {
                (csrf(actor))
                input type="hidden" name="action" value="confirm";
                label for="code" { (t(lang, "page.totp_code")) }
                input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code";
                button type="submit" { (t(lang, "form.submit")) }
            }
        } @else {
            form.narrow method="post" action="/totp" {
                (csrf(actor))
                input type="hidden" name="action" value="start";
                label for="password" { (t(lang, "form.password")) }
                input id="password" name="password" type="password" required autocomplete="current-password";
                button type="submit" { (t(lang, "page.totp_start")) }
            }
        }
    })
}

pub async fn totp_page(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    if actor.account.must_change_password {
        return Ok(Redirect::to("/password").into_response());
    }
    let body = totp_body(&state, &actor, prefs.lang, None)
        .await
        .map_err(page_err(prefs))?;
    account_page(
        &state,
        &actor,
        prefs,
        "totp",
        t(prefs.lang, "page.totp"),
        body,
    )
    .await
}

pub async fn totp_submit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> PageResult {
    let res = match form.get("action") {
        Some("start") => state
            .app
            .base()
            .totp_start(
                &actor,
                form.get("password").unwrap_or(""),
                &form.text("current_code"),
            )
            .await
            .map(|_| ()),
        _ => {
            state
                .app
                .base()
                .totp_confirm(&actor, &form.text("code"))
                .await
        }
    };
    match res {
        Ok(()) if form.get("action") != Some("start") => {
            Ok(Redirect::to("/workbench").into_response())
        }
        Ok(()) => Ok(Redirect::to("/totp").into_response()),
        Err(e) => {
            let m = e.message(prefs.lang);
            let body = totp_body(&state, &actor, prefs.lang, Some((&m, false)))
                .await
                .map_err(page_err(prefs))?;
            let mut r = account_page(
                &state,
                &actor,
                prefs,
                "totp",
                t(prefs.lang, "page.totp"),
                body,
            )
            .await?;
            *r.status_mut() = status_of(e.kind, e.code);
            Ok(r)
        }
    }
}

pub async fn switch_department(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> PageResult {
    let id = form
        .opt_i64("department_id")
        .map_err(page_err(prefs))?
        .unwrap_or(0);
    state
        .app
        .base()
        .switch_department(&actor, DepartmentId::new(id))
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to("/workbench").into_response())
}

// ---- workbench, applicant home, messages ----

pub async fn workbench(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let lang = prefs.lang;
    let c = chrome(&state, &actor, prefs, "workbench").await?;
    let notes = state
        .app
        .base()
        .list_notifications(&actor, true, Page::new(Some(1), Some(5)))
        .await
        .map_err(page_err(prefs))?;
    let acting = c
        .posts
        .iter()
        .find(|p| Some(p.department_id) == actor.department_id);
    let perms: Vec<(Permission, fgf_domain::DataScope)> = actor
        .grants
        .as_ref()
        .map(|g| g.permissions().collect())
        .unwrap_or_default();
    let body = html! {
        p.lead { (t(lang, "page.workbench_welcome").replace("{0}", &actor.account.display_name)) }
        div.cards {
            section.card {
                h2 { (t(lang, "page.workbench_inbox")) }
                @if notes.items.is_empty() { p.muted { (t(lang, "form.none")) } }
                ul.plain {
                    @for n in &notes.items {
                        li { a href=(n.link) { (n.title) } " " span.muted { (local_minute(n.created_at_ms)) } }
                    }
                }
                p { a href="/notifications" { (t(lang, "page.workbench_all_messages")) } }
            }
            section.card {
                h2 { (t(lang, "page.workbench_identity")) }
                dl.kv {
                    dt { (t(lang, "nav.acting_for")) } dd { (acting.map_or("", |p| p.department_name.as_str())) }
                    dt { (t(lang, "form.title")) } dd { (acting.map_or("", |p| p.title.as_str())) }
                    dt { (t(lang, "form.roles")) } dd { (acting.map(|p| p.role_names.join(t(lang, "punct.list_sep"))).unwrap_or_default()) }
                    dt { (t(lang, "page.workbench_extra_posts")) } dd { (t(lang, "page.workbench_post_count").replace("{0}", &c.posts.len().saturating_sub(1).to_string())) }
                }
            }
            section.card {
                h2 { (t(lang, "page.workbench_permissions")) }
                table.data.compact {
                    thead { tr { th { (t(lang, "form.permission")) } th { (t(lang, "form.data_scope")) } } }
                    tbody {
                        @for (p, s) in &perms { tr { td { (permission_label(lang, *p)) } td { (scope_label(lang, *s)) } } }
                    }
                }
            }
        }
    };
    Ok(html_page(layout::staff(
        &c,
        t(lang, "page.workbench"),
        body,
    )))
}

pub async fn applicant_home(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let lang = prefs.lang;
    let me = state.app.base().me(&actor).await.map_err(page_err(prefs))?;
    let notes = state
        .app
        .base()
        .list_notifications(&actor, false, Page::new(Some(1), Some(10)))
        .await
        .map_err(page_err(prefs))?;
    let body = html! {
        h1 { (t(lang, "page.me")) }
        div.cards {
            section.card {
                h2 { (t(lang, "page.me_account")) }
                dl.kv {
                    dt { (t(lang, "form.display_name")) } dd { (me.display_name) }
                    dt { (t(lang, "form.applicant_kind")) } dd { (if me.kind == AccountKind::Citizen { t(lang, "form.citizen") } else { t(lang, "form.enterprise") }) }
                    @if let Some(r) = &me.resident_id { dt { (t(lang, "form.resident_id")) } dd { (fgf_domain::mask_resident_id(r)) } }
                    @if let Some(u) = &me.uscc { dt { (t(lang, "form.uscc")) } dd { (u) } }
                    @if let Some(p) = &me.phone { dt { (t(lang, "form.phone")) } dd { (fgf_domain::mask_phone(p)) } }
                }
                p { a href="/password" { (t(lang, "nav.password")) } }
            }
            section.card {
                h2 { (t(lang, "nav.notifications")) }
                @if notes.items.is_empty() { p.muted { (t(lang, "form.none")) } }
                ul.plain { @for n in &notes.items { li { a href=(n.link) { (n.title) } } } }
            }
        }
    };
    Ok(html_page(layout::portal(
        prefs,
        Some(&actor),
        t(lang, "page.me"),
        body,
    )))
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    page: Option<u32>,
}

pub async fn notifications(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<ListParams>,
) -> PageResult {
    let lang = prefs.lang;
    let page = Page::new(q.page, Some(20));
    let res = state
        .app
        .base()
        .list_notifications(&actor, false, page)
        .await
        .map_err(page_err(prefs))?;
    // A to-do notification links to its instance in the inbox: it is still open while the
    // caller has an open item there, and shows as handled once nothing is left.
    let open: std::collections::HashSet<i64> = if actor.has(Permission::Workbench) {
        state
            .app
            .process()
            .inbox_todo(&actor, Page::new(Some(1), Some(500)))
            .await
            .map(|p| p.items.iter().map(|w| w.instance_id.get()).collect())
            .unwrap_or_default()
    } else {
        Default::default()
    };
    let todo_of = |link: &str| -> Option<bool> {
        link.strip_prefix("/tasks?instance=")
            .and_then(|n| n.parse::<i64>().ok())
            .map(|n| open.contains(&n))
    };
    let body = html! {
        @if res.items.is_empty() { p.muted { (t(lang, "form.none")) } } @else {
        div.table-wrap { table.data.stack {
            thead { tr { th { (t(lang, "form.time")) } th { (t(lang, "form.subject")) } th { (t(lang, "form.content")) } th { (t(lang, "form.actions")) } } }
            tbody {
                @for n in &res.items {
                    @let still_open = todo_of(&n.link);
                    tr.unread[n.read_at_ms.is_none() && still_open != Some(false)].done[still_open == Some(false)] {
                        td.nowrap data-label=(t(lang, "form.time")) { (local_minute(n.created_at_ms)) }
                        td data-label=(t(lang, "form.subject")) {
                            a href=(n.link) { (n.title) }
                            @match still_open {
                                Some(true) => { " " span.tag { (t(lang, "task.item_open")) } }
                                Some(false) => { " " span.tag.done { (t(lang, "task.item_done")) } }
                                None => {}
                            }
                        }
                        td data-label=(t(lang, "form.content")) { (n.body) }
                        td data-label=(t(lang, "form.actions")) {
                            @if n.read_at_ms.is_none() {
                                form.inline method="post" action=(format!("/notifications/{}/read", n.id)) { (csrf(&actor)) button.small type="submit" { (t(lang, "form.mark_read")) } }
                            } @else { span.muted { (t(lang, "status.read")) } }
                        }
                    }
                }
            }
        } }
        }
        (layout::pager(lang, "/notifications", &[], page.page, page.per_page, res.total))
    };
    account_page(
        &state,
        &actor,
        prefs,
        "notifications",
        t(lang, "page.notifications"),
        body,
    )
    .await
}

pub async fn notification_read(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    _form: PageForm,
) -> PageResult {
    state
        .app
        .base()
        .mark_notification_read(&actor, id)
        .await
        .map_err(page_err(prefs))?;
    Ok(Redirect::to("/notifications").into_response())
}

// ---- departments ----

fn department_fields(
    lang: Lang,
    tree: &[fgf_store::base::org::Department],
    d: Option<&fgf_store::base::org::Department>,
) -> Markup {
    html! {
        label for="d-code" { (t(lang, "form.code")) }
        input id="d-code" name="code" value=[d.map(|d| d.code.as_str())] required maxlength="32";
        label for="d-name" { (t(lang, "form.name")) }
        input id="d-name" name="name" value=[d.map(|d| d.name.as_str())] required maxlength="64";
        label for="d-kind" { (t(lang, "form.kind")) }
        select id="d-kind" name="kind" {
            @for k in DepartmentKind::ALL { option value=(k) selected[d.is_some_and(|d| d.kind == *k)] { (department_kind_label(lang, k.as_str())) } }
        }
        label for="d-parent" { (t(lang, "form.parent")) }
        select id="d-parent" name="parent_id" {
            option value="" { (t(lang, "form.parent_none")) }
            @for p in tree {
                @if d.is_none_or(|d| !p.path.starts_with(&d.path)) {
                    option value=(p.id) selected[d.is_some_and(|d| d.parent_id == Some(p.id))] { (("　".repeat(p.depth()))) (p.name) }
                }
            }
        }
        label for="d-sort" { (t(lang, "form.sort")) }
        input id="d-sort" name="sort" type="number" min="0" value=(d.map_or(0, |d| d.sort));
    }
}

fn department_input(form: &PageForm) -> Result<DepartmentInput, ServiceError> {
    Ok(DepartmentInput {
        parent_id: form.opt_i64("parent_id")?.map(DepartmentId::new),
        code: form.text("code"),
        name: form.text("name"),
        kind: form.text("kind"),
        sort: form.opt_i64("sort")?.unwrap_or(0),
        leader_account_id: form.opt_i64("leader_account_id")?.map(AccountId::new),
    })
}

async fn departments_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    message: Option<(&str, bool)>,
    form: Option<&PageForm>,
) -> PageResult {
    let lang = prefs.lang;
    let tree = state
        .app
        .base()
        .department_tree(actor)
        .await
        .map_err(page_err(prefs))?;
    let can_write = actor.has(Permission::DeptWrite);
    let min_depth = tree
        .iter()
        .map(fgf_store::base::org::Department::depth)
        .min()
        .unwrap_or(0);
    let c = chrome(state, actor, prefs, "departments").await?;
    let _ = form;
    let body = html! {
        @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
        div.split {
            section {
                h2 { (t(lang, "page.department_tree").replace("{0}", &tree.len().to_string())) }
                ul.tree {
                    @for d in &tree {
                        li style=(format!("padding-left:calc(.8rem + {}em)", (d.depth() - min_depth) * 2)) {
                            a href=(format!("/admin/departments/{}", d.id)) { (d.name) }
                            " " span.tag { (department_kind_label(lang, d.kind.as_str())) } " " code.muted { (d.code) }
                        }
                    }
                }
            }
            @if can_write {
                section.card {
                    h2 { (t(lang, "form.create")) }
                    form method="post" action="/admin/departments" { (csrf(actor)) (department_fields(lang, &tree, None)) button type="submit" { (t(lang, "form.create")) } }
                }
            }
        }
    };
    Ok(html_page(layout::staff(
        &c,
        t(lang, "page.departments"),
        body,
    )))
}

pub async fn departments(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    departments_view(&state, &actor, prefs, None, None).await
}

pub async fn department_create(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> PageResult {
    let res = match department_input(&form) {
        Ok(input) => state.app.base().create_department(&actor, &input).await,
        Err(e) => Err(e),
    };
    match res {
        Ok(d) => Ok(Redirect::to(&format!("/admin/departments/{}?saved=1", d.id)).into_response()),
        Err(e) => {
            let m = e.message(prefs.lang);
            let mut r =
                departments_view(&state, &actor, prefs, Some((&m, false)), Some(&form)).await?;
            *r.status_mut() = status_of(e.kind, e.code);
            Ok(r)
        }
    }
}

#[derive(Deserialize, Default)]
pub struct SavedParam {
    saved: Option<String>,
}

async fn department_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: DepartmentId,
    message: Option<(&str, bool)>,
) -> PageResult {
    let lang = prefs.lang;
    let d = state
        .app
        .base()
        .get_department(actor, id)
        .await
        .map_err(page_err(prefs))?;
    let tree = state
        .app
        .base()
        .department_tree(actor)
        .await
        .map_err(page_err(prefs))?;
    let staff = if actor.has(Permission::UserRead) {
        state
            .app
            .base()
            .list_users(
                actor,
                &AccountQuery {
                    department_id: Some(id),
                    ..AccountQuery::default()
                },
                Page::new(Some(1), Some(100)),
            )
            .await
            .map_err(page_err(prefs))?
            .items
    } else {
        Vec::new()
    };
    let c = chrome(state, actor, prefs, "departments").await?;
    let body = html! {
        @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
        dl.kv {
            dt { (t(lang, "form.code")) } dd { code { (d.code) } }
            dt { (t(lang, "form.kind")) } dd { (department_kind_label(lang, d.kind.as_str())) }
            dt { (t(lang, "form.path")) } dd { code { (d.path) } }
        }
        @if actor.has(Permission::DeptWrite) {
            section.card {
                h2 { (t(lang, "form.edit")) }
                form method="post" action=(format!("/admin/departments/{}", d.id)) { (csrf(actor)) (department_fields(lang, &tree, Some(&d))) button type="submit" { (t(lang, "form.save")) } }
            }
        }
        @if !staff.is_empty() {
            h2 { (t(lang, "page.department_staff")) }
            table.data {
                thead { tr { th { (t(lang, "form.username")) } th { (t(lang, "form.display_name")) } th { (t(lang, "form.phone")) } } }
                tbody { @for u in &staff { tr { td { a href=(format!("/admin/users/{}", u.id)) { (u.username) } } td { (u.display_name) } td { (u.phone.clone().unwrap_or_default()) } } } }
            }
        }
    };
    Ok(html_page(layout::staff(&c, &d.name, body)))
}

pub async fn department_detail(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<DepartmentId>,
    PageQuery(q): PageQuery<SavedParam>,
) -> PageResult {
    let saved = q.saved.map(|_| (t(prefs.lang, "msg.saved"), true));
    department_view(&state, &actor, prefs, id, saved).await
}

pub async fn department_update(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<DepartmentId>,
    form: PageForm,
) -> PageResult {
    let res = match department_input(&form) {
        Ok(input) => state.app.base().update_department(&actor, id, &input).await,
        Err(e) => Err(e),
    };
    match res {
        Ok(_) => Ok(Redirect::to(&format!("/admin/departments/{id}?saved=1")).into_response()),
        Err(e) if e.kind == fgf_app::ErrorKind::NotFound => Err(page_err(prefs)(e)),
        Err(e) => {
            let m = e.message(prefs.lang);
            let mut r = department_view(&state, &actor, prefs, id, Some((&m, false))).await?;
            *r.status_mut() = status_of(e.kind, e.code);
            Ok(r)
        }
    }
}

// ---- users ----

/// 已锁定 / 正常 / 停用.
fn account_status(lang: Lang, locked: bool, status: AccountStatus) -> &'static str {
    let key = match status {
        _ if locked => "status.locked",
        AccountStatus::Active => "status.active",
        AccountStatus::Disabled => "status.disabled",
    };
    t(lang, key)
}

#[derive(Deserialize, Default)]
pub struct UserListParams {
    q: Option<String>,
    department_id: Option<String>,
    kind: Option<String>,
    page: Option<u32>,
}

pub async fn users(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<UserListParams>,
) -> PageResult {
    let lang = prefs.lang;
    let dept: Option<i64> = match q.department_id.as_deref().filter(|s| !s.is_empty()) {
        Some(d) => Some(d.parse().map_err(|_| {
            page_err(prefs)(
                ServiceError::invalid("invalid_query")
                    .worded("invalid_query.field")
                    .arg("department_id"),
            )
        })?),
        None => None,
    };
    let page = Page::new(q.page, Some(20));
    let query = AccountQuery {
        text: q.q.clone(),
        department_id: dept.map(DepartmentId::new),
        kind: q.kind.clone().filter(|s| !s.is_empty()),
    };
    let res = state
        .app
        .base()
        .list_users(&actor, &query, page)
        .await
        .map_err(page_err(prefs))?;
    let c = chrome(&state, &actor, prefs, "users").await?;
    let body = html! {
        form.filters method="get" action="/admin/users" {
            label { (t(lang, "form.search")) " " input type="search" name="q" value=[q.q.as_deref()] placeholder=(t(lang, "form.user_search_hint")); }
            label { (t(lang, "form.kind")) " "
                select name="kind" {
                    option value="" { (t(lang, "form.all")) }
                    option value="staff" selected[q.kind.as_deref() == Some("staff")] { (t(lang, "kind.staff")) }
                    option value="citizen" selected[q.kind.as_deref() == Some("citizen")] { (t(lang, "kind.citizen")) }
                    option value="enterprise" selected[q.kind.as_deref() == Some("enterprise")] { (t(lang, "kind.enterprise")) }
                }
            }
            button type="submit" { (t(lang, "form.search")) }
            @if actor.has(Permission::UserWrite) { " " a.button href="/admin/users/new" { (t(lang, "page.user_new")) } }
        }
        div.table-wrap { table.data {
            thead { tr { th { (t(lang, "form.username")) } th { (t(lang, "form.display_name")) } th { (t(lang, "form.department")) } th { (t(lang, "form.phone")) } th { (t(lang, "form.status")) } } }
            tbody {
                @for u in &res.items {
                    tr {
                        td translate="no" { a href=(format!("/admin/users/{}", u.id)) { (u.username) } }
                        td { (u.display_name) }
                        td { @if u.posts.is_empty() { "—" } @else { (u.posts.iter().map(|p| p.department_name.as_str()).collect::<Vec<_>>().join(t(lang, "punct.list_sep"))) } }
                        td { (u.phone.clone().unwrap_or_default()) }
                        td { (account_status(lang, u.locked, u.status)) }
                    }
                }
            }
        } }
        (layout::pager(lang, "/admin/users", &[("q", q.q.clone().unwrap_or_default()), ("kind", q.kind.clone().unwrap_or_default())], page.page, page.per_page, res.total))
    };
    Ok(html_page(layout::staff(&c, t(lang, "page.users"), body)))
}

async fn user_new_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    form: Option<&PageForm>,
    message: Option<&str>,
) -> PageResult {
    let lang = prefs.lang;
    let tree = state
        .app
        .base()
        .department_tree(actor)
        .await
        .unwrap_or_default();
    let v = |k: &str| form.map(|f| f.text(k)).unwrap_or_default();
    let c = chrome(state, actor, prefs, "users").await?;
    let body = html! {
        (flash(message, false))
        form.narrow method="post" action="/admin/users" {
            (csrf(actor))
            label for="u-username" { (t(lang, "form.username")) }
            input id="u-username" name="username" value=(v("username")) required;
            label for="u-name" { (t(lang, "form.display_name")) }
            input id="u-name" name="display_name" value=(v("display_name")) required;
            label for="u-phone" { (t(lang, "form.phone")) }
            input id="u-phone" name="phone" value=(v("phone")) inputmode="tel";
            label for="u-dept" { (t(lang, "form.department")) }
            select id="u-dept" name="department_id" required {
                @for d in &tree { option value=(d.id) selected[v("department_id") == d.id.to_string()] { (("　".repeat(d.depth()))) (d.name) } }
            }
            label for="u-title" { (t(lang, "form.title")) }
            input id="u-title" name="title" value=(v("title"));
            label for="u-pw" { (t(lang, "form.initial_password")) }
            input id="u-pw" name="password" type="password" autocomplete="new-password" required;
            p.muted { (t(lang, "page.password_rule")) " " (t(lang, "page.user_roles_note")) }
            button type="submit" { (t(lang, "form.create")) }
        }
    };
    Ok(html_page(layout::staff(&c, t(lang, "page.user_new"), body)))
}

pub async fn user_new(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    user_new_view(&state, &actor, prefs, None, None).await
}

pub async fn user_create(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> PageResult {
    let res = match form.opt_i64("department_id") {
        Ok(dept) => {
            let input = NewStaffInput {
                username: form.text("username"),
                display_name: form.text("display_name"),
                password: form.get("password").unwrap_or("").to_owned(),
                phone: Some(form.text("phone")).filter(|s| !s.is_empty()),
                department_id: DepartmentId::new(dept.unwrap_or(0)),
                title: form.text("title"),
            };
            state.app.base().create_staff(&actor, &input).await
        }
        Err(e) => Err(e),
    };
    match res {
        Ok(u) => Ok(Redirect::to(&format!("/admin/users/{}?saved=1", u.id)).into_response()),
        Err(e) => {
            let m = e.message(prefs.lang);
            let mut r = user_new_view(&state, &actor, prefs, Some(&form), Some(&m)).await?;
            *r.status_mut() = status_of(e.kind, e.code);
            Ok(r)
        }
    }
}

#[derive(Deserialize, Default)]
pub struct UserDetailParams {
    saved: Option<String>,
    unmask: Option<String>,
}

async fn user_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: AccountId,
    unmask: bool,
    message: Option<(&str, bool)>,
) -> PageResult {
    let lang = prefs.lang;
    let u = state
        .app
        .base()
        .get_user(actor, id, unmask)
        .await
        .map_err(page_err(prefs))?;
    let roles = if actor.has(Permission::RoleAssign) {
        state
            .app
            .base()
            .list_roles(actor)
            .await
            .map_err(page_err(prefs))?
    } else {
        Vec::new()
    };
    let tree = if actor.has(Permission::UserWrite) {
        state
            .app
            .base()
            .department_tree(actor)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let c = chrome(state, actor, prefs, "users").await?;
    let body = html! {
        @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
        dl.kv {
            dt { (t(lang, "form.username")) } dd translate="no" { (u.username) }
            dt { (t(lang, "form.kind")) } dd { (t(lang, match u.kind.as_str() { "staff" => "kind.staff", "citizen" => "kind.citizen", _ => "kind.enterprise" })) }
            dt { (t(lang, "form.phone")) } dd { (u.phone.clone().unwrap_or_default()) }
            @if let Some(r) = &u.resident_id { dt { (t(lang, "form.resident_id")) } dd { (r) } }
            @if let Some(x) = &u.uscc { dt { (t(lang, "form.uscc")) } dd { (x) } }
            dt { (t(lang, "form.status")) } dd { (account_status(lang, u.locked, u.status)) @if u.totp_enabled { " · " (t(lang, "status.totp_enabled")) } }
        }
        @if !u.unmasked && actor.has(Permission::PiiUnmask) && (u.phone.is_some() || u.resident_id.is_some()) {
            p { a href=(format!("/admin/users/{}?unmask=1", u.id)) { (t(lang, "form.unmask")) } }
        }
        @if u.locked && actor.has(Permission::UserUnlock) {
            form.inline method="post" action=(format!("/admin/users/{}/unlock", u.id)) { (csrf(actor)) button type="submit" { (t(lang, "form.unlock")) } }
        }
        @if u.totp_enabled && u.id != actor.account.id && actor.has(Permission::UserUnlock) {
            form.inline method="post" action=(format!("/admin/users/{}/totp-reset", u.id)) { (csrf(actor)) button type="submit" { (t(lang, "form.totp_reset")) } }
        }
        h2 { (t(lang, "page.user_posts")) }
        table.data {
            thead { tr { th { (t(lang, "form.department")) } th { (t(lang, "form.title")) } th { (t(lang, "form.roles")) } } }
            tbody {
                @for p in &u.posts {
                    tr {
                        td { (p.department_name) @if p.is_primary { " " span.tag { (t(lang, "form.primary")) } } }
                        td { (p.title) }
                        td {
                            @if roles.is_empty() {
                                (p.role_names.join(t(lang, "punct.list_sep")))
                            } @else {
                                form method="post" action=(format!("/admin/users/{}/roles", u.id)) {
                                    (csrf(actor))
                                    input type="hidden" name="post_id" value=(p.id);
                                    @for r in &roles {
                                        label.inline { input type="checkbox" name="role" value=(r.code) checked[p.role_codes.contains(&r.code)]; " " (r.name) } " "
                                    }
                                    button.small type="submit" { (t(lang, "form.save")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if actor.has(Permission::UserWrite) && u.kind == AccountKind::Staff {
            div.cards {
                section.card {
                    h2 { (t(lang, "form.edit")) }
                    form method="post" action=(format!("/admin/users/{}", u.id)) {
                        (csrf(actor))
                        label for="e-name" { (t(lang, "form.display_name")) }
                        input id="e-name" name="display_name" value=(u.display_name) required;
                        label for="e-phone" { (t(lang, "form.phone")) (t(lang, "form.phone_clear_hint")) }
                        input id="e-phone" name="phone" value="" placeholder=(u.phone.clone().unwrap_or_default()) inputmode="tel";
                        label for="e-status" { (t(lang, "form.status")) }
                        select id="e-status" name="status" {
                            option value="active" selected[u.status == AccountStatus::Active] { (t(lang, "status.active")) }
                            option value="disabled" selected[u.status == AccountStatus::Disabled] { (t(lang, "status.disabled")) }
                        }
                        button type="submit" { (t(lang, "form.save")) }
                    }
                }
                section.card {
                    h2 { (t(lang, "form.add_post")) }
                    form method="post" action=(format!("/admin/users/{}/posts", u.id)) {
                        (csrf(actor))
                        label for="p-dept" { (t(lang, "form.department")) }
                        select id="p-dept" name="department_id" { @for d in &tree { option value=(d.id) { (("　".repeat(d.depth()))) (d.name) } } }
                        label for="p-title" { (t(lang, "form.title")) }
                        input id="p-title" name="title";
                        button type="submit" { (t(lang, "form.add_post")) }
                    }
                }
            }
        }
    };
    Ok(html_page(layout::staff(&c, &u.display_name, body)))
}

pub async fn user_detail(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    PageQuery(q): PageQuery<UserDetailParams>,
) -> PageResult {
    let saved = q.saved.map(|_| (t(prefs.lang, "msg.saved"), true));
    user_view(&state, &actor, prefs, id, q.unmask.is_some(), saved).await
}

async fn after_user_change(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    id: AccountId,
    res: Result<(), ServiceError>,
) -> PageResult {
    match res {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(e) if e.kind == fgf_app::ErrorKind::NotFound => Err(page_err(prefs)(e)),
        Err(e) => {
            let m = e.message(prefs.lang);
            let mut r = user_view(state, actor, prefs, id, false, Some((&m, false))).await?;
            *r.status_mut() = status_of(e.kind, e.code);
            Ok(r)
        }
    }
}

pub async fn user_update(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    form: PageForm,
) -> PageResult {
    let input = UpdateUserInput {
        display_name: form.text("display_name"),
        phone: Some(form.text("phone")).filter(|s| !s.is_empty()),
        status: form.text("status"),
    };
    let res = state
        .app
        .base()
        .update_user(&actor, id, &input)
        .await
        .map(|_| ());
    after_user_change(&state, &actor, prefs, id, res).await
}

pub async fn user_add_post(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    form: PageForm,
) -> PageResult {
    let res = match form.opt_i64("department_id") {
        Ok(d) => state
            .app
            .base()
            .add_post(
                &actor,
                id,
                DepartmentId::new(d.unwrap_or(0)),
                &form.text("title"),
            )
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    after_user_change(&state, &actor, prefs, id, res).await
}

pub async fn user_set_roles(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    form: PageForm,
) -> PageResult {
    let res = match form.opt_i64("post_id") {
        Ok(p) => state
            .app
            .base()
            .set_post_roles(&actor, id, p.unwrap_or(0), &form.all("role"))
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    after_user_change(&state, &actor, prefs, id, res).await
}

pub async fn user_unlock(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    _form: PageForm,
) -> PageResult {
    let res = state.app.base().unlock_user(&actor, id).await.map(|_| ());
    after_user_change(&state, &actor, prefs, id, res).await
}

pub async fn user_reset_totp(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<AccountId>,
    _form: PageForm,
) -> PageResult {
    let res = state.app.base().reset_totp(&actor, id).await;
    after_user_change(&state, &actor, prefs, id, res).await
}

// ---- audit and login log ----

#[derive(Deserialize, Default)]
pub struct AuditParams {
    actor: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
    /// Present: run the chain check (校验审计链) and show its result.
    verify: Option<String>,
}

/// The kinds of object the audit log records, for its filter.
const AUDIT_OBJECTS: &[&str] = &[
    "account",
    "post",
    "role",
    "department",
    "session",
    "application",
    "licence",
    "life_event",
    "life_event_case",
    "matter",
    "catalog",
    "process_definition",
    "process_instance",
    "reform_plan",
    "reform_task",
    "reform_notice",
    "reform_inspection",
    "reform_finding",
    "reform_assessment",
    "reform_bulletin",
    "reform_innovation",
    "calendar_year",
    "dictionary",
    "file",
    "notification",
    "job",
    "audit_entry",
];

/// An audit action in words; an action without words yet shows its code rather than nothing.
fn audit_action(lang: Lang, code: &str) -> String {
    fgf_app::i18n::lookup(lang, &format!("audit.action.{code}"))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

fn audit_object(lang: Lang, kind: &str) -> String {
    fgf_app::i18n::lookup(lang, &format!("audit.object.{kind}"))
        .map_or_else(|| kind.to_owned(), str::to_owned)
}

/// The object in words with its id, linked to its page where it has one the reader may open
/// (an auditor reads the log, not the applications it names).
fn audit_object_link(lang: Lang, actor: &Actor, kind: &str, id: &str) -> Markup {
    let word = audit_object(lang, kind);
    let case_reader =
        actor.has(Permission::ApplicationIntake) || actor.has(Permission::ApplicationReview);
    let href = match kind {
        "process_instance" | "process_definition" if actor.has(Permission::Workbench) => {
            Some(if kind == "process_instance" {
                format!("/instances/{id}")
            } else {
                format!("/processes/{id}")
            })
        }
        "application" if case_reader => Some(format!("/applications/{id}")),
        "reform_task" if actor.has(Permission::Workbench) => Some(format!("/reform/tasks/{id}")),
        _ => None,
    };
    html! {
        @match href {
            Some(h) if !id.is_empty() => { a href=(h) { (word) " " span translate="no" { (id) } } }
            // A file is known by its content hash: shortened, the whole on hover.
            _ => { (word) " " span translate="no" title=(id) { (short_hash(id)) } }
        }
    }
}

/// Who acted: a person by name; the system (a sweep, a timer, the demo loader) as such, its
/// job's name on hover.
fn audit_actor(lang: Lang, e: &fgf_store::base::audit::AuditEntry) -> Markup {
    html! {
        @if e.actor_account_id.is_some() { span translate="no" { (e.actor_name) } }
        @else { span title=(e.actor_name) { (t(lang, "audit.system")) } }
    }
}

/// Where from: an address, or this machine for the system's own work.
fn audit_source(lang: Lang, addr: &str) -> String {
    match addr {
        "local" => t(lang, "audit.local").to_owned(),
        // The demo district's own sign-ins when it was made.
        "demo" => t(lang, "audit.demo_source").to_owned(),
        _ => addr.to_owned(),
    }
}

/// A long hash by its first characters; the whole is on hover.
fn short_hash(h: &str) -> String {
    match h.char_indices().nth(10) {
        Some((i, _)) => format!("{}…", &h[..i]),
        None => h.to_owned(),
    }
}

pub async fn audit(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<AuditParams>,
) -> PageResult {
    let lang = prefs.lang;
    let (from_ms, to_ms) = crate::base::api::date_range(q.from.as_deref(), q.to.as_deref())
        .map_err(page_err(prefs))?;
    let query = AuditQuery {
        actor: q.actor.clone(),
        object_type: q.object_type.clone(),
        object_id: q.object_id.clone(),
        action: None,
        from_ms,
        to_ms,
    };
    let page = Page::new(q.page, Some(30));
    let res = state
        .app
        .base()
        .list_audit(&actor, &query, page)
        .await
        .map_err(page_err(prefs))?;
    // 校验审计链: the whole chain recomputed on asking, its result above the list.
    let verified = if q.verify.is_some() {
        Some(
            state
                .app
                .base()
                .verify_audit(&actor)
                .await
                .map_err(page_err(prefs))?,
        )
    } else {
        None
    };
    let last_seq = res.items.first().map_or(0, |e| e.seq);
    let c = chrome(&state, &actor, prefs, "audit").await?;
    let body = html! {
        @match &verified {
            Some(fgf_store::base::audit::Verify::Intact { entries }) => {
                p.flash.ok role="status" { (t(lang, "audit.verify_ok").replace("{0}", &entries.to_string()).replace("{1}", &entries.max(&last_seq).to_string())) }
            }
            Some(fgf_store::base::audit::Verify::Broken { seq, .. }) => {
                p.flash.err role="alert" { (t(lang, "audit.verify_broken").replace("{0}", &seq.to_string())) }
            }
            None => {}
        }
        form.filters method="get" action="/admin/audit" {
            label { (t(lang, "form.actor")) " " input name="actor" value=[q.actor.as_deref()]; }
            label { (t(lang, "form.object")) " "
                select name="object_type" {
                    option value="" { (t(lang, "form.all")) }
                    @for o in AUDIT_OBJECTS { option value=(o) selected[q.object_type.as_deref() == Some(*o)] { (audit_object(lang, o)) } }
                }
            }
            label { (t(lang, "form.object_id")) " " input name="object_id" value=[q.object_id.as_deref()] size="6"; }
            label { (t(lang, "form.from")) " " input type="date" name="from" value=[q.from.as_deref()]; }
            label { (t(lang, "form.to")) " " input type="date" name="to" value=[q.to.as_deref()]; }
            button type="submit" { (t(lang, "form.search")) }
        }
        form.inline method="get" action="/admin/audit" {
            input type="hidden" name="verify" value="1";
            button.secondary type="submit" title=(t(lang, "audit.verify_help")) { (t(lang, "audit.verify")) }
            " " small.muted { (t(lang, "audit.verify_help")) }
        }
        div.table-wrap { table.data.stack {
            thead { tr { th { "#" } th { (t(lang, "form.time")) } th { (t(lang, "form.actor")) } th { (t(lang, "form.action")) } th { (t(lang, "form.object")) } th { (t(lang, "form.source")) } th { (t(lang, "form.changed_fields")) } th { (t(lang, "audit.hash")) } } }
            tbody {
                @for e in &res.items {
                    tr {
                        td data-label="#" { a href=(format!("/admin/audit/{}", e.seq)) { (e.seq) } }
                        td.nowrap data-label=(t(lang, "form.time")) { (local_minute(e.at_ms)) }
                        td data-label=(t(lang, "form.actor")) { (audit_actor(lang, e)) }
                        td data-label=(t(lang, "form.action")) { span title=(e.action) { (audit_action(lang, &e.action)) } }
                        td data-label=(t(lang, "form.object")) { (audit_object_link(lang, &actor, &e.object_type, &e.object_id)) }
                        td data-label=(t(lang, "form.source")) { (audit_source(lang, &e.source_addr)) }
                        td data-label=(t(lang, "form.changed_fields")) { @for (i, c) in e.changes.iter().enumerate() { @if i > 0 { (t(lang, "punct.list_sep")) } code { (c.field) } } }
                        td data-label=(t(lang, "audit.hash")) { code.hash title=(e.hash) { (short_hash(&e.hash)) } }
                    }
                }
            }
        } }
        (layout::pager(lang, "/admin/audit", &[("actor", q.actor.clone().unwrap_or_default()), ("object_type", q.object_type.clone().unwrap_or_default()), ("object_id", q.object_id.clone().unwrap_or_default()), ("from", q.from.clone().unwrap_or_default()), ("to", q.to.clone().unwrap_or_default())], page.page, page.per_page, res.total))
    };
    Ok(html_page(layout::staff(&c, t(lang, "page.audit"), body)))
}

fn json_cell(v: Option<&serde_json::Value>) -> String {
    match v {
        None => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub async fn audit_entry(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(seq): Path<i64>,
) -> PageResult {
    let lang = prefs.lang;
    let e = state
        .app
        .base()
        .get_audit_entry(&actor, seq)
        .await
        .map_err(page_err(prefs))?;
    let department = match e.department_id {
        Some(id) => state
            .app
            .base()
            .department_directory()
            .await
            .map_err(page_err(prefs))?
            .into_iter()
            .find(|d| d.id == id)
            .map(|d| d.name),
        None => None,
    };
    let c = chrome(&state, &actor, prefs, "audit").await?;
    let body = html! {
        dl.kv {
            dt { (t(lang, "form.time")) } dd { (local_minute(e.at_ms)) }
            dt { (t(lang, "form.actor")) } dd { (audit_actor(lang, &e)) }
            dt { (t(lang, "form.department")) } dd { (department.unwrap_or_else(|| "—".to_owned())) }
            dt { (t(lang, "form.source")) } dd { (audit_source(lang, &e.source_addr)) }
            dt { (t(lang, "form.action")) } dd { span title=(e.action) { (audit_action(lang, &e.action)) } }
            dt { (t(lang, "form.object")) } dd { (audit_object_link(lang, &actor, &e.object_type, &e.object_id)) }
            dt { "SM3" } dd { code.hash.muted title=(e.hash) { (short_hash(&e.hash)) } }
        }
        h2 { (t(lang, "page.audit_diff")) }
        // The values as recorded: data, not words of the page.
        div.table-wrap { table.data.stack.diff {
            thead { tr { th { (t(lang, "form.field")) } th { (t(lang, "form.before")) } th { (t(lang, "form.after")) } } }
            tbody {
                @for ch in &e.changes {
                    tr {
                        td data-label=(t(lang, "form.field")) { code { (ch.field) } }
                        td.before data-label=(t(lang, "form.before")) translate="no" { del { (json_cell(ch.before.as_ref())) } }
                        td.after data-label=(t(lang, "form.after")) translate="no" { ins { (json_cell(ch.after.as_ref())) } }
                    }
                }
            }
        } }
        p { a href="/admin/audit" { "← " (t(lang, "page.audit")) } }
    };
    Ok(html_page(layout::staff(
        &c,
        &t(lang, "page.audit_entry").replace("{0}", &seq.to_string()),
        body,
    )))
}

#[derive(Deserialize, Default)]
pub struct LoginLogParams {
    username: Option<String>,
    outcome: Option<String>,
    page: Option<u32>,
}

/// The login log's detail in words: how a session was opened, or how many failures led to a
/// lock ("account: 5 failures" is the account's count everywhere, "failures: 5" this
/// address's).
fn login_detail(lang: Lang, detail: &str) -> String {
    let n = |s: &str| s.trim().trim_end_matches(" failures").trim().to_owned();
    match detail {
        "cookie" => t(lang, "login.detail.cookie").to_owned(),
        "bearer" => t(lang, "login.detail.bearer").to_owned(),
        d if d.starts_with("account:") => {
            t(lang, "login.detail.account_failures").replace("{0}", &n(&d["account:".len()..]))
        }
        d if d.starts_with("failures:") => {
            t(lang, "login.detail.address_failures").replace("{0}", &n(&d["failures:".len()..]))
        }
        d => d.to_owned(),
    }
}

fn login_outcome(lang: Lang, code: &str) -> String {
    fgf_app::i18n::lookup(lang, &format!("login.outcome.{code}"))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

pub async fn login_log(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<LoginLogParams>,
) -> PageResult {
    let lang = prefs.lang;
    let page = Page::new(q.page, Some(30));
    let res = state
        .app
        .base()
        .login_log(
            &actor,
            &LoginLogQuery {
                username: q.username.clone(),
                outcome: q.outcome.clone(),
            },
            page,
        )
        .await
        .map_err(page_err(prefs))?;
    let c = chrome(&state, &actor, prefs, "login_log").await?;
    let body = html! {
        form.filters method="get" action="/admin/login-log" {
            label { (t(lang, "form.username")) " " input name="username" value=[q.username.as_deref()]; }
            label { (t(lang, "form.outcome")) " "
                select name="outcome" {
                    option value="" { (t(lang, "form.all")) }
                    @for o in LoginOutcome::ALL {
                        option value=(o.as_str()) selected[q.outcome.as_deref() == Some(o.as_str())] { (login_outcome(lang, o.as_str())) }
                    }
                }
            }
            button type="submit" { (t(lang, "form.search")) }
        }
        div.table-wrap { table.data.stack {
            thead { tr { th { (t(lang, "form.time")) } th { (t(lang, "form.username")) } th { (t(lang, "form.outcome")) } th { (t(lang, "form.source")) } th { (t(lang, "form.detail")) } } }
            tbody { @for l in &res.items { tr {
                td.nowrap data-label=(t(lang, "form.time")) { (local_minute(l.at_ms)) }
                td data-label=(t(lang, "form.username")) translate="no" { (l.username) }
                td data-label=(t(lang, "form.outcome")) { span.tag.(if matches!(l.outcome, LoginOutcome::Success | LoginOutcome::Logout) { "ok" } else { "warn" }) title=(l.outcome.as_str()) { (login_outcome(lang, l.outcome.as_str())) } }
                td data-label=(t(lang, "form.source")) { (audit_source(lang, &l.source_addr)) }
                td data-label=(t(lang, "form.detail")) { (login_detail(lang, &l.detail)) }
            } } }
        } }
        (layout::pager(lang, "/admin/login-log", &[("username", q.username.clone().unwrap_or_default()), ("outcome", q.outcome.clone().unwrap_or_default())], page.page, page.per_page, res.total))
    };
    Ok(html_page(layout::staff(
        &c,
        t(lang, "page.login_log"),
        body,
    )))
}

#[derive(Deserialize, Default)]
pub struct RefusalPageParams {
    username: Option<String>,
    address: Option<String>,
    code: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
}

pub async fn refusals(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<RefusalPageParams>,
) -> PageResult {
    let lang = prefs.lang;
    let (from_ms, to_ms) = crate::base::api::date_range(q.from.as_deref(), q.to.as_deref())
        .map_err(page_err(prefs))?;
    let page = Page::new(q.page, Some(30));
    let res = state
        .app
        .base()
        .list_refusals(
            &actor,
            &fgf_store::refusal::RefusalQuery {
                username: q.username.clone(),
                address: q.address.clone(),
                code: q.code.clone(),
                from_ms,
                to_ms,
            },
            page,
        )
        .await
        .map_err(page_err(prefs))?;
    let c = chrome(&state, &actor, prefs, "refusals").await?;
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let body = html! {
        p.muted { (t(lang, "page.refusals_note")) }
        form.filters method="get" action="/admin/refusals" {
            label { (t(lang, "form.username")) " " input name="username" value=[q.username.as_deref()]; }
            label { (t(lang, "form.address")) " " input name="address" value=[q.address.as_deref()]; }
            label { (t(lang, "form.refusal_code")) " " input name="code" value=[q.code.as_deref()]; }
            label { (t(lang, "form.from")) " " input type="date" name="from" value=[q.from.as_deref()]; }
            label { (t(lang, "form.to")) " " input type="date" name="to" value=[q.to.as_deref()]; }
            button type="submit" { (t(lang, "form.search")) }
        }
        table.data.stack {
            thead { tr {
                th { (t(lang, "form.time")) } th { (t(lang, "form.username")) } th { (t(lang, "form.source")) }
                th { (t(lang, "form.route")) } th { (t(lang, "form.object")) } th { (t(lang, "form.refusal_code")) } th { (t(lang, "form.count")) }
            } }
            tbody { @for r in &res.items { tr {
                td data-label=(t(lang, "form.time")) { (local_minute(r.first_at_ms)) }
                td data-label=(t(lang, "form.username")) { @if r.username.is_empty() { span.muted { (t(lang, "form.anonymous")) } } @else { (r.username) } }
                td data-label=(t(lang, "form.source")) { (r.source_addr) }
                td data-label=(t(lang, "form.route")) { code { (r.method) " " (r.route) } }
                td data-label=(t(lang, "form.object")) { (r.object_id) }
                // The reason in words, the code beside it for searching.
                td data-label=(t(lang, "form.refusal_code")) { (refusal_reason(lang, &r.code)) " " code.muted title=(r.code) { (r.code) } }
                td data-label=(t(lang, "form.count")) { (r.count) }
            } } }
        }
        (layout::pager(lang, "/admin/refusals", &[("username", v(&q.username)), ("address", v(&q.address)), ("code", v(&q.code)), ("from", v(&q.from)), ("to", v(&q.to))], page.page, page.per_page, res.total))
    };
    Ok(html_page(layout::staff(&c, t(lang, "page.refusals"), body)))
}

// ---- calendar and dictionaries ----

/// A refusal's reason as words: the catalogue message of its code without the
/// placeholders the refusal had no values for.
fn refusal_reason(lang: Lang, code: &str) -> String {
    let m = t(lang, code)
        .replace("“{0}”", "")
        .replace("“{1}”", "")
        .replace(" {0}", "")
        .replace(" {1}", "");
    let m = m.as_str();
    let mut out = String::with_capacity(m.len());
    let mut rest = m;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out.trim_end_matches(['：', ':', ' ']).to_owned()
}

#[derive(Deserialize, Default)]
pub struct CalendarParams {
    year: Option<i32>,
}

fn weekday(lang: Lang, d: chrono::NaiveDate) -> &'static str {
    let key = [
        "weekday.1",
        "weekday.2",
        "weekday.3",
        "weekday.4",
        "weekday.5",
        "weekday.6",
        "weekday.7",
    ][chrono::Datelike::weekday(&d).num_days_from_monday() as usize];
    t(lang, key)
}

struct HolidayRange {
    name: String,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    days: i64,
}

/// Groups a year's holidays into the notice's ranges ("春节 02-15 至 02-23, 9 天"). Make-up
/// days are listed apart: the data does not say which holiday each one belongs to, and the
/// nearest holiday is not always the right one (2026-09-20 belongs to 国庆, not 中秋).
fn holiday_ranges(s: &fgf_domain::YearSchedule) -> Vec<HolidayRange> {
    let mut out: Vec<HolidayRange> = Vec::new();
    for (d, name) in &s.holidays {
        match out.last_mut() {
            Some(r) if r.name == *name && r.to.succ_opt() == Some(*d) => {
                r.to = *d;
                r.days += 1;
            }
            _ => out.push(HolidayRange {
                name: name.clone(),
                from: *d,
                to: *d,
                days: 1,
            }),
        }
    }
    out
}

async fn calendar_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    year: Option<i32>,
    message: Option<(&str, bool)>,
) -> PageResult {
    let lang = prefs.lang;
    let cal = state.app.calendar();
    let this_year = chrono::Datelike::year(&fgf_app::clock::local_date(state.app.now_ms()));
    let year = year.unwrap_or(this_year);
    let c = chrome(state, actor, prefs, "calendar").await?;
    let sched = cal.year(year);
    let body = html! {
        @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
        p.muted { (t(lang, "page.calendar_note")) }
        nav.years { @for y in cal.years() { a href=(format!("/admin/calendar?year={}", y.year)) aria-current=[(y.year == year).then_some("page")] { (y.year) } " " } }
        @match sched {
            Some(s) => {
                h2 { (t(lang, "page.calendar_year").replace("{0}", &year.to_string()).replace("{1}", &s.document_no)) }
                div.cards {
                    section.card {
                        h3 { (t(lang, "form.holidays")) (t(lang, "form.days_count").replace("{0}", &s.holidays.len().to_string())) }
                        table.data.compact {
                            thead { tr { th { (t(lang, "calendar.holiday")) } th { (t(lang, "calendar.dates")) } th { (t(lang, "calendar.days")) } } }
                            tbody {
                                @for r in holiday_ranges(s) {
                                    tr { td { (r.name) } td.nowrap { (r.from.format("%m-%d")) @if r.to != r.from { " " (t(lang, "calendar.through")) " " (r.to.format("%m-%d")) } } td { (r.days) } }
                                }
                            }
                        }
                        p { strong { (t(lang, "form.workdays")) (t(lang, "form.days_count").replace("{0}", &s.workdays.len().to_string())) (t(lang, "punct.colon")) } (s.workdays.iter().map(|d| t(lang, "calendar.workday").replace("{0}", &d.format("%m-%d").to_string()).replace("{1}", weekday(lang, *d))).collect::<Vec<_>>().join(t(lang, "punct.list_sep"))) }
                    }
                }
            }
            None => { p.flash.err { (t(lang, "page.calendar_missing").replace("{0}", &year.to_string())) } }
        }
        @if actor.has(Permission::CalendarWrite) {
            section.card {
                h2 { (t(lang, "page.calendar_edit")) }
                form method="post" action="/admin/calendar" {
                    (csrf(actor))
                    label for="c-year" { (t(lang, "form.year")) }
                    input id="c-year" name="year" type="number" min="2000" max="2100" value=(year + i32::from(sched.is_some())) required;
                    label for="c-doc" { (t(lang, "form.document_no")) }
                    input id="c-doc" name="document_no" placeholder=(t(lang, "page.calendar_document_hint")) required;
                    label for="c-hol" { (t(lang, "form.holidays")) (t(lang, "page.calendar_holidays_hint")) }
                    textarea id="c-hol" name="holidays" rows="8" {}
                    label for="c-work" { (t(lang, "form.workdays")) (t(lang, "page.calendar_workdays_hint")) }
                    textarea id="c-work" name="workdays" rows="4" {}
                    button type="submit" { (t(lang, "form.save")) }
                }
            }
        }
    };
    Ok(html_page(layout::staff(&c, t(lang, "page.calendar"), body)))
}

pub async fn calendar(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    PageQuery(q): PageQuery<CalendarParams>,
) -> PageResult {
    calendar_view(&state, &actor, prefs, q.year, None).await
}

pub async fn calendar_save(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    form: PageForm,
) -> PageResult {
    let year = form
        .opt_i64("year")
        .map_err(page_err(prefs))?
        .and_then(|y| i32::try_from(y).ok())
        .unwrap_or(0);
    let mut holidays = BTreeMap::new();
    for line in form
        .text("holidays")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let (d, n) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        holidays.insert(d.trim().to_owned(), n.trim().to_owned());
    }
    let workdays: Vec<String> = form
        .text("workdays")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let input = YearInput {
        document_no: form.text("document_no"),
        holidays,
        workdays,
    };
    match state
        .app
        .base()
        .save_calendar_year(&actor, year, &input)
        .await
    {
        Ok(_) => {
            calendar_view(
                &state,
                &actor,
                prefs,
                Some(year),
                Some((t(prefs.lang, "msg.saved"), true)),
            )
            .await
        }
        Err(e) => {
            let m = e.message(prefs.lang);
            let mut r = calendar_view(&state, &actor, prefs, None, Some((&m, false))).await?;
            *r.status_mut() = status_of(e.kind, e.code);
            Ok(r)
        }
    }
}

async fn dictionaries_view(
    state: &AppState,
    actor: &Actor,
    prefs: Prefs,
    message: Option<(&str, bool)>,
) -> PageResult {
    let lang = prefs.lang;
    let dicts = state
        .app
        .base()
        .dictionaries(actor)
        .await
        .map_err(page_err(prefs))?;
    let can_write = actor.has(Permission::DictWrite);
    let c = chrome(state, actor, prefs, "dictionaries").await?;
    let body = html! {
        @if let Some((m, ok)) = message { (flash(Some(m), ok)) }
        p.muted { (t(lang, "page.dictionaries_note")) }
        @for d in &dicts {
            section.card id=(d.code) {
                h2 { (d.name) " " code.muted { (d.code) } " " span.tag { "v" (d.version) } }
                div.table-wrap { table.data.compact.stack {
                    thead { tr { th { (t(lang, "form.code")) } th { (t(lang, "form.name")) } th { "English" } th { (t(lang, "form.status")) } } }
                    tbody { @for it in &d.items { tr {
                        td data-label=(t(lang, "form.code")) { code { (it.code) } }
                        td data-label=(t(lang, "form.name")) { (it.label) }
                        td data-label="English" lang="en" translate="no" { (it.label_en) }
                        td data-label=(t(lang, "form.status")) { (t(lang, if it.enabled { "status.enabled" } else { "status.disabled" })) }
                    } } }
                } }
                @if can_write {
                    details {
                        summary { (t(lang, "form.edit")) }
                        form method="post" action=(format!("/admin/dictionaries/{}", d.code)) {
                            (csrf(actor))
                            label { (t(lang, "form.name")) input name="name" value=(d.name) required; }
                            label { (t(lang, "page.dictionary_items_hint")) }
                            textarea name="items" rows=(d.items.len() + 2) {
                                @for it in &d.items { (it.code) "|" (it.label) "|" (it.label_en) @if !it.enabled { "|0" } "\n" }
                            }
                            button type="submit" { (t(lang, "form.save")) }
                        }
                    }
                }
            }
        }
    };
    Ok(html_page(layout::staff(
        &c,
        t(lang, "page.dictionaries"),
        body,
    )))
}

pub async fn dictionaries(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    dictionaries_view(&state, &actor, prefs, None).await
}

pub async fn dictionary_save(
    State(state): State<AppState>,
    Extension(prefs): Extension<Prefs>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
    form: PageForm,
) -> PageResult {
    let items: Vec<DictItem> = form
        .text("items")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            let parts: Vec<&str> = l.split('|').map(str::trim).collect();
            DictItem {
                code: parts.first().copied().unwrap_or("").to_owned(),
                label: parts.get(1).copied().unwrap_or("").to_owned(),
                label_en: parts.get(2).copied().unwrap_or("").to_owned(),
                sort: i64::try_from(i).unwrap_or(0),
                enabled: parts.get(3).copied() != Some("0"),
            }
        })
        .collect();
    match state
        .app
        .base()
        .save_dictionary(&actor, &code, &form.text("name"), &items)
        .await
    {
        Ok(_) => {
            dictionaries_view(
                &state,
                &actor,
                prefs,
                Some((t(prefs.lang, "msg.saved"), true)),
            )
            .await
        }
        Err(e) => {
            let m = e.message(prefs.lang);
            let mut r = dictionaries_view(&state, &actor, prefs, Some((&m, false))).await?;
            *r.status_mut() = status_of(e.kind, e.code);
            Ok(r)
        }
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn a_refusal_reason_reads_as_words_without_empty_placeholders() {
        assert_eq!(refusal_reason(Lang::Zh, "permission_denied"), "您没有权限");
        assert_eq!(
            refusal_reason(Lang::En, "permission_denied"),
            "you lack the permission"
        );
        assert_eq!(
            refusal_reason(Lang::Zh, "csrf_invalid"),
            t(Lang::Zh, "csrf_invalid")
        );
    }
}

//! Page layouts: the staff workbench (sidebar navigation filtered by permission, the acting
//! department switcher) and the public portal. Plain HTML forms throughout, so every page
//! works with JavaScript off; a large-type mode (适老化) is one cookie away.

use crate::assets::{css_url, js_url};
use crate::error::WebError;
use crate::routes::Surface;
use crate::{AppState, Prefs};
use axum::response::{Html, IntoResponse, Response};
use fgf_app::i18n::t;
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::base::permission::Permission;
use fgf_store::base::account::Post;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// What the staff chrome needs besides the page itself.
pub struct Chrome<'a> {
    pub prefs: Prefs,
    pub actor: &'a Actor,
    pub posts: Vec<Post>,
    pub unread: i64,
    /// The navigation entry to highlight.
    pub active: &'static str,
}

/// Maps a use case's refusal to the page that shows it in the reader's language.
pub(crate) fn page_err(prefs: Prefs) -> impl Fn(ServiceError) -> WebError {
    move |e| WebError::new(e, Surface::Page, prefs.lang)
}

/// A rendered page as a response.
pub(crate) fn html_page(m: Markup) -> Response {
    Html(m.into_string()).into_response()
}

/// Loads what the staff chrome shows around every workbench page: the caller's posts for the
/// department switcher and the unread notification count.
pub(crate) async fn chrome<'a>(
    state: &AppState,
    actor: &'a Actor,
    prefs: Prefs,
    active: &'static str,
) -> Result<Chrome<'a>, WebError> {
    let err = page_err(prefs);
    let posts = state.app.base().my_posts(actor).await.map_err(&err)?;
    let unread = state.app.base().count_unread(actor).await.map_err(&err)?;
    Ok(Chrome {
        prefs,
        actor,
        posts,
        unread,
        active,
    })
}

/// `script` loads the embedded script (the only script a page may run: the
/// Content-Security-Policy allows script from this origin alone, never inline).
fn head(lang: Lang, title: &str, large: bool, script: bool) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · " (t(lang, "app.name")) }
            link rel="stylesheet" href=(css_url());
            link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
            @if large { style { (PreEscaped(":root{--base:20px}")) } }
            @if script { script src=(js_url()) defer {} }
        }
    }
}

/// The hidden CSRF field every signed-in form carries.
pub fn csrf(actor: &Actor) -> Markup {
    html! { input type="hidden" name="_csrf" value=(actor.csrf_token); }
}

pub fn flash(msg: Option<&str>, ok: bool) -> Markup {
    html! {
        @if let Some(m) = msg {
            @if ok { p.flash.ok role="status" { (m) } } @else { p.flash.err role="alert" { (m) } }
        }
    }
}

fn prefs_links(prefs: Prefs) -> Markup {
    let lang = prefs.lang;
    html! {
        span.prefs {
            @if prefs.large { a href="/prefs?large=0" { (t(lang, "nav.standard_type")) } } @else { a href="/prefs?large=1" { (t(lang, "nav.large_type")) } }
            " · "
            @if lang == Lang::Zh { a href="/prefs?lang=en" lang="en" { "English" } } @else { a href="/prefs?lang=zh" lang="zh-CN" { "中文" } }
        }
    }
}

pub fn staff(c: &Chrome<'_>, title: &str, body: Markup) -> Markup {
    let lang = c.prefs.lang;
    let a = c.actor;
    let nav: Vec<(&str, &str, &str, bool)> = vec![
        (
            "workbench",
            "/workbench",
            t(lang, "nav.workbench"),
            a.has(Permission::Workbench),
        ),
        (
            "tasks",
            "/tasks",
            t(lang, "nav.tasks"),
            a.has(Permission::Workbench),
        ),
        (
            "applications",
            "/applications",
            t(lang, "nav.applications"),
            a.has(Permission::ApplicationIntake) || a.has(Permission::ApplicationReview),
        ),
        (
            "processes",
            "/processes",
            t(lang, "nav.processes"),
            a.has(Permission::Workbench),
        ),
        (
            "catalog",
            "/catalog",
            t(lang, "nav.catalog"),
            a.has(Permission::Workbench),
        ),
        (
            "reform",
            "/reform",
            t(lang, "nav.reform"),
            a.has(Permission::Workbench),
        ),
        (
            "departments",
            "/admin/departments",
            t(lang, "nav.departments"),
            a.has(Permission::DeptRead),
        ),
        (
            "users",
            "/admin/users",
            t(lang, "nav.users"),
            a.has(Permission::UserRead),
        ),
        (
            "audit",
            "/admin/audit",
            t(lang, "nav.audit"),
            a.has(Permission::AuditRead),
        ),
        (
            "login_log",
            "/admin/login-log",
            t(lang, "nav.login_log"),
            a.has(Permission::LoginLogRead),
        ),
        (
            "refusals",
            "/admin/refusals",
            t(lang, "nav.refusals"),
            a.has(Permission::LoginLogRead),
        ),
        (
            "calendar",
            "/admin/calendar",
            t(lang, "nav.calendar"),
            a.has(Permission::Workbench),
        ),
        (
            "dictionaries",
            "/admin/dictionaries",
            t(lang, "nav.dictionaries"),
            a.has(Permission::Workbench),
        ),
        (
            "notifications",
            "/notifications",
            t(lang, "nav.notifications"),
            true,
        ),
        ("password", "/password", t(lang, "nav.password"), true),
        ("totp", "/totp", t(lang, "nav.totp"), true),
    ];
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title, c.prefs.large, true))
            body.staff {
                a.skip href="#main" { (t(lang, "nav.skip")) }
                header.topbar {
                    a.brand href="/workbench" { span.emblem aria-hidden="true" { "政" } (t(lang, "app.name")) }
                    div.acting {
                        @if c.posts.len() > 1 {
                            form method="post" action="/switch-department" {
                                (csrf(a))
                                label for="dept-switch" { (t(lang, "nav.acting_for")) }
                                select id="dept-switch" name="department_id" {
                                    @for p in &c.posts {
                                        option value=(p.department_id) selected[Some(p.department_id) == a.department_id] { (p.department_name) }
                                    }
                                }
                                button.small type="submit" { (t(lang, "nav.switch")) }
                            }
                        } @else if let Some(p) = c.posts.first() {
                            span.muted { (t(lang, "nav.acting_for")) (t(lang, "punct.colon")) } span { (p.department_name) }
                        }
                    }
                    div.user {
                        a href="/notifications" { (t(lang, "nav.notifications")) @if c.unread > 0 { " " span.badge aria-label=(t(lang, "nav.unread")) { (c.unread) } } }
                        span.who { (a.account.display_name) " (" (a.account.username) ")" }
                        (prefs_links(c.prefs))
                        form.inline method="post" action="/logout" { (csrf(a)) button.link type="submit" { (t(lang, "nav.logout")) } }
                    }
                }
                div.shell {
                    // On a phone the menu folds behind one button (a checkbox, so it works
                    // without script); on a desktop it is always open.
                    input.menu-toggle type="checkbox" id="menu-toggle" aria-controls="side-nav" aria-label=(t(lang, "nav.menu"));
                    label.menu-button for="menu-toggle" { (t(lang, "nav.menu")) " · " (nav.iter().find(|(k, _, _, ok)| *ok && *k == c.active).map_or("", |(_, _, l, _)| *l)) }
                    nav.side id="side-nav" aria-label=(t(lang, "nav.main_aria")) {
                        ul {
                            @for (key, href, label, allowed) in &nav {
                                @if *allowed {
                                    li { a href=(href) aria-current=[(*key == c.active).then_some("page")] { (label) } }
                                }
                            }
                        }
                    }
                    main id="main" {
                        h1 { (title) }
                        (body)
                    }
                }
            }
        }
    }
}

pub fn portal(prefs: Prefs, actor: Option<&Actor>, title: &str, body: Markup) -> Markup {
    let lang = prefs.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title, prefs.large, true))
            body.portal {
                a.skip href="#main" { (t(lang, "nav.skip")) }
                header.portalbar {
                    a.brand href="/" { span.emblem aria-hidden="true" { "政" } (t(lang, "portal.brand").replace("{0}", t(lang, "app.district")).replace("{1}", t(lang, "portal.name"))) }
                    nav aria-label=(t(lang, "nav.portal_aria")) {
                        a href="/guide" { (t(lang, "nav.guide")) }
                        @match actor {
                            Some(a) if a.is_staff() => { a href="/workbench" { (t(lang, "nav.workbench")) } }
                            Some(_) => { a href="/me" { (t(lang, "nav.me")) } }
                            None => { a href="/login" { (t(lang, "nav.login")) } a href="/register" { (t(lang, "nav.register")) } }
                        }
                        @if let Some(a) = actor {
                            form.inline method="post" action="/logout" { (csrf(a)) button.link type="submit" { (t(lang, "nav.logout")) } }
                        }
                        (prefs_links(prefs))
                    }
                }
                main id="main" .portal-main { (body) }
                footer.portalfoot {
                    p { (t(lang, "footer.text").replace("{0}", t(lang, "app.district"))) }
                    p { a href="/api/docs" { (t(lang, "nav.api_docs")) } }
                }
            }
        }
    }
}

/// A minimal page for errors and documentation; `script` for the error page's back link (the
/// API documentation is plain HTML).
pub fn bare(lang: Lang, title: &str, body: Markup, script: bool) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title, false, script))
            body.bare {
                header.portalbar { a.brand href="/" { span.emblem aria-hidden="true" { "政" } (t(lang, "app.name")) } }
                main id="main" .portal-main { (body) }
            }
        }
    }
}

/// Numbered pagination links preserving the other query parameters.
pub fn pager(
    lang: Lang,
    base: &str,
    extra: &[(&str, String)],
    page: u32,
    per_page: u32,
    total: i64,
) -> Markup {
    let pages = u32::try_from((total + i64::from(per_page) - 1) / i64::from(per_page))
        .unwrap_or(1)
        .max(1);
    let link = |p: u32| {
        let mut q: Vec<(String, String)> = extra
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        q.push(("page".to_owned(), p.to_string()));
        format!(
            "{base}?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    };
    if total == 0 {
        return html! {};
    }
    html! {
        nav.pager aria-label=(t(lang, "nav.pager_aria")) {
            span { (t(lang, "form.total").replace("{0}", &total.to_string())) }
            @if page > 1 { a href=(link(page - 1)) { (t(lang, "form.prev")) } }
            span { (page) " / " (pages) }
            @if page < pages { a href=(link(page + 1)) { (t(lang, "form.next")) } }
        }
    }
}

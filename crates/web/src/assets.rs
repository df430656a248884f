//! Static assets, embedded in the binary: government intranets have no internet, so nothing
//! is ever loaded from a CDN. Each URL carries its file's content hash, so it can be cached
//! for a year and still change with a release. The script lives here rather than inline in
//! the pages so the Content-Security-Policy can allow script from this origin only.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

const APP_CSS: &str = include_str!("../assets/app.css");
const APP_JS: &str = include_str!("../assets/app.js");
/// The district emblem as the tab's icon (the 政 badge of the header, drawn).
const FAVICON: &str = include_str!("../assets/favicon.svg");

static CSS_HASH: LazyLock<String> =
    LazyLock::new(|| fgf_domain::sm3_hex(APP_CSS.as_bytes())[..10].to_owned());
static JS_HASH: LazyLock<String> =
    LazyLock::new(|| fgf_domain::sm3_hex(APP_JS.as_bytes())[..10].to_owned());

/// The stylesheet's versioned URL.
pub fn css_url() -> String {
    format!("/assets/app.{}.css", *CSS_HASH)
}

/// The script's versioned URL.
pub fn js_url() -> String {
    format!("/assets/app.{}.js", *JS_HASH)
}

pub async fn asset(Path(file): Path<String>) -> Response {
    let (mime, body) = if file == format!("app.{}.css", *CSS_HASH) || file == "app.css" {
        ("text/css; charset=utf-8", APP_CSS)
    } else if file == format!("app.{}.js", *JS_HASH) || file == "app.js" {
        ("text/javascript; charset=utf-8", APP_JS)
    } else if file == "favicon.svg" {
        ("image/svg+xml", FAVICON)
    } else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}

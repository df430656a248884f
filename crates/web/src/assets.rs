//! Static assets, embedded in the binary: government intranets have no internet, so nothing
//! is ever loaded from a CDN. The stylesheet URL carries its content hash, so it can be
//! cached for a year and still change with a release.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

const APP_CSS: &str = include_str!("../assets/app.css");

static CSS_HASH: LazyLock<String> =
    LazyLock::new(|| fgf_domain::sm3_hex(APP_CSS.as_bytes())[..10].to_owned());

/// The stylesheet's versioned URL.
pub fn css_url() -> String {
    format!("/assets/app.{}.css", *CSS_HASH)
}

pub async fn asset(Path(file): Path<String>) -> Response {
    if file == format!("app.{}.css", *CSS_HASH) || file == "app.css" {
        return (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            APP_CSS,
        )
            .into_response();
    }
    (StatusCode::NOT_FOUND, "not found").into_response()
}

//! The one HTTP error type: a use-case error rendered as the API's JSON envelope or as an
//! error page, with the status its kind decides. 5xx bodies never carry internal detail.

use crate::routes::Surface;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use fgf_app::{ErrorKind, Lang, ServiceError};
use serde_json::json;

/// The error code of an answer, put in the response's extensions so that middleware (the
/// refused-attempt log) reads it without parsing the body.
#[derive(Debug, Clone, Copy)]
pub struct AnswerCode {
    pub kind: ErrorKind,
    pub code: &'static str,
}

#[derive(Debug)]
pub struct WebError {
    pub error: ServiceError,
    pub surface: Surface,
    pub lang: Lang,
}

impl WebError {
    pub fn new(error: ServiceError, surface: Surface, lang: Lang) -> WebError {
        WebError {
            error,
            surface,
            lang,
        }
    }

    pub fn api(error: ServiceError) -> WebError {
        WebError::new(error, Surface::Api, Lang::Zh)
    }
}

pub fn status_of(kind: ErrorKind, code: &str) -> StatusCode {
    match kind {
        ErrorKind::Invalid
            if code.starts_with("invalid_json")
                || code == "invalid_query"
                || code == "invalid_form" =>
        {
            StatusCode::BAD_REQUEST
        }
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Locked => StatusCode::LOCKED,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        WebError::api(e)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = status_of(self.error.kind, self.error.code);
        let message = self.error.message(self.lang);
        let mut res = match self.surface {
            Surface::Api => {
                let body = json!({ "error": { "code": self.error.code, "message": message, "details": self.error.details } });
                (status, axum::Json(body)).into_response()
            }
            Surface::Page => {
                let title = match status {
                    StatusCode::FORBIDDEN => fgf_app::i18n::t(self.lang, "page.forbidden"),
                    StatusCode::NOT_FOUND => fgf_app::i18n::t(self.lang, "page.not_found"),
                    _ => fgf_app::i18n::t(self.lang, "page.error"),
                };
                let page = crate::layout::bare(
                    self.lang,
                    title,
                    maud::html! {
                        div.error-box role="alert" {
                            h1 { (title) }
                            p { (message) }
                            p.muted { "错误代码 / code: " code { (self.error.code) } }
                            p { a href="/" data-back { "返回 / Back" } " · " a href="/" { "首页 / Home" } }
                        }
                    },
                    true,
                );
                (status, Html(page.into_string())).into_response()
            }
        };
        res.extensions_mut().insert(AnswerCode {
            kind: self.error.kind,
            code: self.error.code,
        });
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"fgf\""),
            );
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("900"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        res
    }
}

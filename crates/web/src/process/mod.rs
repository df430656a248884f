//! Processes over HTTP: definitions (upload, check, diagram), instances with their history,
//! the task inbox with the approval operations, and the node-tree designer (`designer`).

mod api;
mod designer;
pub(crate) mod dto;
pub(crate) mod inbox;
mod pages;

use crate::error::{status_of, WebError};
use crate::extract::{ApiJson, ApiQuery, PageForm, PageQuery};
use crate::layout::{self, csrf, flash};
use crate::layout::{chrome, html_page, page_err};
use crate::{AppState, Prefs};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use fgf_app::clock::{local_minute, rfc3339};
use fgf_app::i18n::t;
use fgf_app::process::TaskOp;
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::base::permission::Permission;
use fgf_engine::designer::{Approvers, DNode, Flow, SignMode};
use fgf_engine::Vars;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use serde_json::{json, Value};

type ApiResult = Result<Response, WebError>;

fn svg(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn vars_of(v: &Value) -> Result<Vars, ServiceError> {
    match v {
        Value::Object(m) => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Value::Null => Ok(Vars::new()),
        _ => Err(ServiceError::field(
            "invalid_field",
            "vars",
            "须为 JSON 对象",
        )),
    }
}

fn utf8(body: &Bytes) -> Result<&str, ServiceError> {
    std::str::from_utf8(body).map_err(|_| ServiceError::invalid("bpmn_invalid").arg("not UTF-8"))
}
pub(crate) mod routes;

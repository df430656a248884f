//! The catalogue (放) over HTTP: the API for keepers and reviewers (drafts, review, history and
//! diff, handovers, reports, import and export), the public guides (`portal`) and the staff pages.

mod api;
pub(crate) mod dto;
mod pages;
mod portal;

use crate::error::WebError;
use crate::extract::{ApiJson, ApiQuery, PageForm, PageQuery};
use crate::layout::{self, csrf, flash};
use crate::layout::{chrome, html_page, page_err};
use crate::routes::Surface;
use crate::{AppState, MaybeActor, Prefs};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use fgf_app::base::dict::MatterKinds;
use fgf_app::catalog::search::SearchFilter;
use fgf_app::catalog::{
    self, Checklist, FieldProblem, ImportError, ImportMode, MatterInput, ReviewInput, Sheet,
    MATERIALS_SHEET, MATTERS_SHEET,
};
use fgf_app::clock::local_minute;
use fgf_app::i18n::t;
use fgf_app::{Actor, Lang, ServiceError};
use fgf_domain::base::permission::Permission;
use fgf_domain::catalog::{
    Audience, BodyNature, CaseType, Disposition, DispositionKind, Fee, HandlingForm, Level,
    Material, MaterialForm, MaterialSource, MatterDoc, MatterKind, Necessity, OnlineDepth,
    SpecialProcedure, Tier,
};
use fgf_store::catalog::MatterFilter;
use fgf_store::Page;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::json;

type ApiResult = Result<Response, WebError>;
pub(crate) mod routes;

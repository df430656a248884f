//! The catalogue's routes: its API, the public guides and the staff pages.

use super::{api, dto, pages, portal};
use crate::routes::Need::{Perm, Public};
use crate::routes::{r, Route};
use axum::routing::{get, post};
use fgf_domain::base::permission::Permission as P;

pub(crate) fn table() -> Vec<Route> {
    vec![
        // The catalogue (放).
        r("GET", "/api/v1/matters", Public, "catalog", "Matters in force: ?q= searches (ranked), else lists; filters department, kind, fully_online, max_trips", get(api::list_matters)).query::<api::MatterQuery>().returns::<dto::MatterList>(),
        r("POST", "/api/v1/matters", Perm(P::CatalogDraft), "catalog", "Draft a change: a new matter or the next version of one", post(api::draft_matter)).body::<dto::MatterBody>().created::<dto::Drafted>(),
        r("GET", "/api/v1/matters/{code}", Public, "catalog", "One matter's service guide (the version in force)", get(api::get_matter)).returns::<dto::MatterView>(),
        r("GET", "/api/v1/matters/{code}/versions", Perm(P::Workbench), "catalog", "Every version of a matter", get(api::matter_versions)).returns_list::<dto::MatterVersion>(),
        r("GET", "/api/v1/matters/{code}/diff", Perm(P::Workbench), "catalog", "Field-by-field difference of two versions (?from=&to=)", get(api::matter_diff)).query::<api::DiffQuery>().returns_list::<dto::FieldDiff>(),
        r("POST", "/api/v1/matters/{code}/versions/{n}/submit", Perm(P::CatalogDraft), "catalog", "Send a draft for review", post(api::submit_version)).no_body().returns::<dto::VersionState>(),
        r("POST", "/api/v1/matters/{code}/versions/{n}/review", Perm(P::CatalogReview), "catalog", "Approve (publish, with an effective date) or reject a version in review", post(api::review_version)).body::<dto::ReviewBody>().returns::<dto::VersionState>(),
        r("POST", "/api/v1/matters/{code}/phrases", Perm(P::CatalogDraft), "catalog", "Map an everyday phrase to the matter (or remove it)", post(api::edit_phrase)).body::<api::PhraseBody>().returns::<dto::PhraseEdited>(),
        r("GET", "/api/v1/catalog/handovers", Perm(P::Workbench), "catalog", "Every delegation by state and age", get(api::handovers)).returns_list::<dto::Handover>(),
        r("POST", "/api/v1/catalog/handovers/{id}", Perm(P::CatalogDraft), "catalog", "The receiving unit confirms its checklist (and switches over)", post(api::confirm_handover)).body::<dto::HandoverBody>().returns::<dto::HandoverState>(),
        r("GET", "/api/v1/catalog/reports/{key}", Perm(P::Workbench), "catalog", "A catalogue report (?format=json|csv|xlsx)", get(api::report)).query::<api::FormatQuery>().returns::<dto::CatalogReport>(),
        r("GET", "/api/v1/catalog/export", Perm(P::Workbench), "catalog", "The catalogue in force (?format=xlsx|csv, &sheet=materials)", get(api::export_catalog)).query::<api::FormatQuery>().returns_raw("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        r("POST", "/api/v1/catalog/import", Perm(P::CatalogDraft), "catalog", "Import the catalogue (multipart: workbook, or matters and materials); changes go to review", post(api::import_catalog)).multipart(&["workbook", "matters", "materials"]).returns::<dto::Imported>(),
        r("GET", "/guide", Public, "pages", "Service guides: search and browse the catalogue", get(portal::guide_home)),
        r("GET", "/guide/{code}", Public, "pages", "One matter's service guide", get(portal::guide_page)),
        r("GET", "/guide/{code}/materials/{n}/{which}", Public, "pages", "A material's blank form (blank) or filled sample (sample)", get(portal::guide_form_file)),
        r("GET", "/catalog", Perm(P::Workbench), "pages", "The catalogue for staff", get(pages::catalog_page)),
        r("GET", "/catalog/new", Perm(P::CatalogDraft), "pages", "Draft a new matter", get(pages::new_page)),
        r("POST", "/catalog/new", Perm(P::CatalogDraft), "pages", "Save a new matter's draft", post(pages::new_submit)),
        r("POST", "/catalog/files", Perm(P::CatalogDraft), "pages", "Upload a material's blank form or sample (multipart file; answers its content hash)", post(pages::upload_form_file)),
        r("GET", "/catalog/import", Perm(P::CatalogDraft), "pages", "Import the catalogue", get(pages::import_page)),
        r("POST", "/catalog/import", Perm(P::CatalogDraft), "pages", "Upload the catalogue", post(pages::import_submit)),
        r("GET", "/catalog/handovers", Perm(P::Workbench), "pages", "Delegation handovers", get(pages::handovers_page)),
        r("POST", "/catalog/handovers/{id}", Perm(P::CatalogDraft), "pages", "Confirm a handover checklist", post(pages::handover_submit)),
        r("GET", "/catalog/reports", Perm(P::Workbench), "pages", "Catalogue reports", get(pages::reports_page)),
        r("GET", "/catalog/{code}", Perm(P::Workbench), "pages", "One matter: versions, review, diff", get(pages::matter_page)),
        r("GET", "/catalog/{code}/edit", Perm(P::CatalogDraft), "pages", "Edit a matter's draft", get(pages::edit_page)),
        r("POST", "/catalog/{code}/edit", Perm(P::CatalogDraft), "pages", "Save a matter's draft", post(pages::edit_submit)),
        r("POST", "/catalog/{code}/phrases", Perm(P::CatalogDraft), "pages", "Add or remove an everyday phrase of a matter", post(pages::phrase_submit)),
        r("POST", "/catalog/{code}/versions/{n}/submit", Perm(P::CatalogDraft), "pages", "Send a draft for review", post(pages::submit_page)),
        r("POST", "/catalog/{code}/versions/{n}/review", Perm(P::CatalogReview), "pages", "Approve or reject a version", post(pages::review_page)),
    ]
}

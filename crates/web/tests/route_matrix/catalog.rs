//! The route × role matrix's samples for the catalog part's routes: the catalogue API, the public guides and the staff pages.

use super::{matrix_matter, Sample, Vars};
use serde_json::json;

/// Fills the sample of one of this part's routes; `false` when the route is not this part's
/// or needs nothing beyond its path parameters.
pub(super) fn fill(method: &str, path: &str, s: &mut Sample, v: &Vars) -> bool {
    let Vars { seq, .. } = *v;
    match (method, path) {
        ("POST", "/api/v1/matters") => s.json = Some(matrix_matter(seq)),
        // Version 1 is in force, so it can be neither submitted nor reviewed again.
        ("POST", "/api/v1/matters/{code}/versions/{n}/submit")
        | ("POST", "/api/v1/matters/{code}/versions/{n}/review")
        | ("POST", "/catalog/{code}/versions/{n}/submit")
        | ("POST", "/catalog/{code}/versions/{n}/review") => {
            s.json = Some(json!({"approve": true}));
            s.form = vec![("decision", "approve".to_owned())];
            s.allowed = &[409];
        }
        ("GET", "/api/v1/matters/{code}/diff") => s.path = format!("{}?from=1&to=1", s.path),
        ("POST", "/api/v1/matters/{code}/phrases") => {
            s.json = Some(json!({"phrase": format!("矩阵{seq}")}))
        }
        ("GET", "/api/v1/catalog/reports/{key}") => {
            s.path = "/api/v1/catalog/reports/by_kind?format=csv".to_owned()
        }
        // Handover 1 is delegated to a town outside these callers' scope.
        ("POST", "/api/v1/catalog/handovers/{id}") => {
            s.json = Some(json!({"checklist": {}}));
            s.allowed = &[200, 404];
        }
        ("POST", "/catalog/handovers/{id}") => s.allowed = &[303, 404],
        // Uploads are multipart; these samples send a form, which the extractor refuses.
        ("POST", "/api/v1/catalog/import")
        | ("POST", "/catalog/import")
        | ("POST", "/catalog/files") => s.allowed = &[400, 415],
        ("POST", "/catalog/new") | ("POST", "/catalog/{code}/edit") => s.allowed = &[422],
        // The matrix published a blank form for this matter's first material.
        ("GET", "/guide/{code}/materials/{n}/{which}") => {
            s.path = format!("/guide/{}/materials/1/blank", "XK-D04-0001-01");
        }
        ("POST", "/catalog/{code}/phrases") => {
            s.form = vec![
                ("phrase", format!("矩阵页{seq}")),
                ("action", "add".to_owned()),
            ]
        }
        _ => return false,
    }
    true
}

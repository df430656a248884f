//! The route × role matrix's samples for the process part's routes: definitions, instances, the inbox and the designer.

use super::{demo_bpmn, demo_flow, Sample, Vars};
use serde_json::json;

/// Fills the sample of one of this part's routes; `false` when the route is not this part's
/// or needs nothing beyond its path parameters.
pub(super) fn fill(method: &str, path: &str, s: &mut Sample, v: &Vars) -> bool {
    let Vars { seq, .. } = *v;
    match (method, path) {
        ("POST", "/api/v1/processes/{key}/start") => {
            s.json = Some(json!({"vars": {"amount": 1}, "business_key": format!("B{seq}")}))
        }
        ("POST", "/api/v1/instances/{id}/control") => s.json = Some(json!({"action": "suspend"})),
        ("POST", "/api/v1/tasks/{id}") => s.json = Some(json!({"op": "urge"})),
        ("POST", "/api/v1/designer/compile") => s.json = Some(demo_flow(seq)),
        ("POST", "/api/v1/messages") => s.json = Some(json!({"name": "matrix_msg"})),
        ("POST", "/api/v1/signals") => s.json = Some(json!({"name": "matrix_signal"})),
        ("POST", "/api/v1/designer/deploy") => s.json = Some(demo_flow(seq)),
        ("POST", "/tasks/{id}") => s.form = vec![("op", "urge".to_owned())],
        ("POST", "/processes") => {
            s.form = vec![("bpmn", demo_bpmn(seq)), ("publish", "true".to_owned())]
        }
        ("POST", "/processes/{id}/start") => {
            s.form = vec![
                ("business_key", format!("P{seq}")),
                ("var_name", "amount".to_owned()),
                ("var_value", "1".to_owned()),
            ]
        }
        ("POST", "/instances/{id}/control") => s.form = vec![("action", "suspend".to_owned())],
        ("POST", "/designer") => {
            s.form = vec![
                ("state", String::new()),
                ("action", "add".to_owned()),
                ("type", "approval".to_owned()),
                ("name", "审核".to_owned()),
                ("who", "user:clerk".to_owned()),
                ("mode", "single".to_owned()),
                ("days", "0".to_owned()),
            ]
        }
        _ => return false,
    }
    true
}

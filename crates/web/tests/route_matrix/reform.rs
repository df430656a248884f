//! The route × role matrix's samples for the reform part's routes: plans, tasks, the units' inbox and the reviews.

use super::{Sample, Vars};
use serde_json::json;

/// Fills the sample of one of this part's routes; `false` when the route is not this part's
/// or needs nothing beyond its path parameters.
pub(super) fn fill(method: &str, path: &str, s: &mut Sample, v: &Vars) -> bool {
    let Vars { seq, .. } = *v;
    match (method, path) {
        ("POST", "/api/v1/plans") => s.json = Some(json!({"title": format!("矩阵方案{seq}")})),
        // Plan 1 and its task 1 are the demo's.
        ("GET", "/api/v1/plans/{id}/tasks") => s.allowed = &[200, 404],
        ("POST", "/api/v1/reform-tasks/{id}/confirm") => {
            s.json = Some(json!({"confirm": true}));
            s.allowed = &[404, 409];
        }
        ("POST", "/api/v1/plans/{id}/tasks") => {
            s.json = Some(
                json!({"code": format!("T{seq}"), "title": "矩阵任务", "category": "放管服", "start": "2026-01-05", "deadline": "2026-06-30", "lead": "D01"}),
            );
            s.allowed = &[201, 404];
        }
        // Task 1 is the demo's; a unit without a part in it gets 404, one with a part that has
        // answered gets 409.
        ("POST", "/api/v1/reform-tasks/{id}/acceptance") => {
            s.json = Some(json!({"accept": true}));
            s.allowed = &[200, 404, 409];
        }
        // Acceptance 1 (the demo's first task's lead part) is accepted: nothing to settle.
        ("POST", "/api/v1/coordination-cases/{id}/resolve") => {
            s.json = Some(json!({"resolution": "由牵头单位承担", "assign_to": "D01"}));
            s.allowed = &[200, 409];
        }
        // Plans, their rounds and a task's reports are open to every desk.
        ("GET", "/api/v1/plans")
        | ("GET", "/api/v1/plans/{id}/inspections")
        | ("GET", "/api/v1/plans/{id}/assessments")
        | ("GET", "/api/v1/plans/{id}/bulletins")
        | ("GET", "/api/v1/reform-tasks/{id}/reports") => s.allowed = &[200],
        // Demo task 1 is complete: a report on it is refused as such (409), or as out of
        // reach (404) for a unit that has no part in it.
        ("POST", "/api/v1/reform-tasks/{id}/reports") => {
            s.json = Some(json!({"percent": 10, "done": "推进中"}));
            s.allowed = &[201, 404, 409];
        }
        // Plan 1 is the demo's published plan: its text is frozen and it is not in
        // consultation, so every step on it is refused; its version 1 can be diffed.
        ("PUT", "/api/v1/plans/{id}/clauses") => {
            s.json = Some(json!({"text": "1 矩阵条款"}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/consultation") => {
            s.json = Some(json!({"units": ["D04"], "due": "2030-01-01"}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/replies") => {
            s.json = Some(json!({"no_comment": true}));
            s.allowed = &[403, 409];
        }
        ("POST", "/api/v1/plans/{id}/comments/{comment}/disposition") => {
            s.json = Some(json!({"disposition": "adopted"}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/steps") => {
            s.json = Some(json!({"step": "submit"}));
            s.allowed = &[409];
        }
        ("GET", "/api/v1/plans/{id}/diff") => s.path = format!("{}?from=1", s.path),
        // No notice has been sent in this district; the test district's clock is fixed.
        ("POST", "/api/v1/reform-notices/{id}/response") => {
            s.json = Some(json!({"response": "书面说明"}));
            s.allowed = &[404];
        }
        ("POST", "/api/v1/demo/clock") => {
            s.json = Some(json!({"days": 1}));
            s.allowed = &[404];
        }
        ("POST", "/reform/plans/{id}/text") | ("POST", "/reform/plans/{id}/comments/{comment}") => {
            s.allowed = &[409]
        }
        ("POST", "/reform/plans/{id}/consultation") | ("POST", "/reform/plans/{id}/step") => {
            s.allowed = &[422]
        }
        ("POST", "/reform/plans/{id}/reply") => s.allowed = &[403, 409],
        ("POST", "/reform/notices/{id}/respond") => s.allowed = &[404, 409],
        // Task 1: a unit without a part gets 404, one whose part is answered 409; the reform
        // office holds the lead part once the API's sample settled case 1 on it, and accepts.
        ("POST", "/reform/tasks/{id}/accept") => {
            s.form = vec![("accept", "1".to_owned())];
            s.allowed = &[303, 404, 409];
        }
        // A multipart form; the sample sends an urlencoded one, which is refused.
        ("POST", "/reform/tasks/{id}/report") => s.allowed = &[400],
        ("POST", "/reform/demo-clock") => s.allowed = &[404],
        // Task 1's page is every desk's; the office's steps on it: a subtask of it, the
        // confirmation of a claim it does not have (complete: 409), the settling of case 1
        // (accepted: nothing to settle), a new task of plan 1.
        ("GET", "/reform/tasks/{id}") => s.allowed = &[200],
        ("POST", "/reform/tasks/{id}/split") => {
            s.form = vec![
                ("code", format!("1.{seq}")),
                ("title", "矩阵子任务".to_owned()),
                ("category", "放管服".to_owned()),
                ("lead", "D01".to_owned()),
                ("start", "2026-01-05".to_owned()),
                ("deadline", "2026-01-30".to_owned()),
            ];
            s.allowed = &[303, 422];
        }
        ("POST", "/reform/tasks/{id}/confirm") => {
            s.form = vec![("confirm", "1".to_owned())];
            s.allowed = &[409];
        }
        ("POST", "/reform/cases/{id}/resolve") => {
            s.form = vec![
                ("assign_to", "D01".to_owned()),
                ("resolution", "由牵头单位承担".to_owned()),
            ];
            s.allowed = &[409];
        }
        ("POST", "/reform/plans/{id}/tasks") => {
            s.form = vec![
                ("code", format!("M{seq}")),
                ("title", "矩阵任务".to_owned()),
                ("category", "放管服".to_owned()),
                ("lead", "D01".to_owned()),
                ("start", "2026-01-05".to_owned()),
                ("deadline", "2026-06-30".to_owned()),
            ];
            s.allowed = &[303];
        }
        // The demo's review records: finding 1 (区政务服务中心's) is verified, assessment 1 is
        // published with 区卫健委's appeal open, innovation 1 is published.
        ("POST", "/api/v1/plans/{id}/inspections") => {
            s.json = Some(
                json!({"title": "矩阵检查", "held_on": "2026-01-05", "findings": [{"task": "1", "finding": "矩阵问题", "rectify_by": "2026-02-01"}]}),
            );
        }
        ("POST", "/api/v1/reform-findings/{id}/rectification") => {
            s.json = Some(json!({"text": "已整改"}));
            s.allowed = &[404, 409];
        }
        ("POST", "/api/v1/reform-findings/{id}/verification") => {
            s.json = Some(json!({"accept": true}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/assessments") => {
            s.json = Some(
                json!({"title": format!("矩阵考核{seq}"), "from": "2026-01-01", "to": "2026-06-30"}),
            );
        }
        ("POST", "/api/v1/assessments/{id}/quality") => {
            s.json = Some(json!({"task": "1", "score": 90}));
        }
        ("POST", "/api/v1/assessments/{id}/appeal") => {
            s.json = Some(json!({"text": "申请复核"}));
            s.allowed = &[200, 404, 409];
        }
        ("POST", "/api/v1/assessments/{id}/appeal-decision") => {
            s.json = Some(json!({"unit": "D08", "decision": "维持原结果"}));
            s.allowed = &[200, 409];
        }
        ("POST", "/api/v1/merits") => {
            s.json = Some(
                json!({"kind": "commendation", "unit": "D03", "category": "先进集体", "reason": "矩阵", "document_no": format!("矩阵{seq}号"), "decided_on": "2026-01-01"}),
            );
        }
        ("POST", "/api/v1/innovations") => {
            s.json =
                Some(json!({"title": format!("矩阵经验{seq}"), "summary": "摘要", "body": "正文"}));
            s.allowed = &[201, 403];
        }
        ("POST", "/api/v1/innovations/{id}/review") => {
            s.json = Some(json!({"publish": true, "note": "矩阵"}));
            s.allowed = &[409];
        }
        ("POST", "/api/v1/plans/{id}/bulletins") => {
            s.json = Some(json!({"from": "2026-01-01", "to": "2026-01-31"}));
        }
        ("POST", "/reform/findings/{id}/verify") | ("POST", "/reform/innovations/{id}/review") => {
            s.allowed = &[409]
        }
        ("POST", "/reform/findings/{id}/rectify") => s.allowed = &[404, 409, 422],
        ("POST", "/reform/assessments/{id}/appeal") => s.allowed = &[404, 409, 422],
        ("POST", "/reform/plans/{id}/inspections")
        | ("POST", "/reform/plans/{id}/assessments")
        | ("POST", "/reform/assessments/{id}/quality")
        | ("POST", "/reform/assessments/{id}/decide")
        | ("POST", "/reform/merits")
        | ("POST", "/reform/plans/{id}/bulletins")
        | ("POST", "/reform/innovations") => s.allowed = &[422],
        _ => return false,
    }
    true
}

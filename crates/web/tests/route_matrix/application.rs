//! The route × role matrix's samples for the online applications part's routes.

use super::{Sample, Vars};
use serde_json::json;

/// Fills the sample of one of this part's routes; `false` when the route is not this part's.
pub(super) fn fill(method: &str, path: &str, s: &mut Sample, _v: &Vars) -> bool {
    match (method, path) {
        // 企业设立登记, in force in the demo catalogue.
        ("POST", "/api/v1/applications") => {
            s.json = Some(
                json!({"matter_code": "XK-D04-0001-01", "form": {"企业名称": "矩阵测试有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}}),
            );
            s.allowed = &[201];
        }
        ("POST", "/api/v1/applications/window") => {
            s.json = Some(
                json!({"matter_code": "XK-D04-0001-01", "form": {"企业名称": "空表测试有限公司", "企业类型": "有限责任公司", "住所": "示范区人民路1号", "注册资本": "100", "经营范围": "餐饮服务", "法定代表人": "张三", "法定代表人身份证号": "11010519491231002X", "股东": [{"名称": "张三", "出资额": "100"}]}, "applicant_id": "34052419800101001X"}),
            );
            s.allowed = &[201];
        }
        // Staff without intake or review hold no reading scope for applications.
        ("GET", "/api/v1/applications") => s.allowed = &[200, 403],
        // Application 1 is the first applicant's: others are not shown it.
        ("GET", "/api/v1/applications/{id}") => s.allowed = &[200, 403, 404],
        ("POST", "/api/v1/applications/{id}/intake") => {
            s.json = Some(json!({"outcome": "accept"}));
            s.allowed = &[200, 404, 409];
        }
        ("POST", "/api/v1/applications/{id}/pause") => {
            s.json = Some(
                json!({"cause": "expert_review", "expected_workdays": 5, "notice": "专家评审"}),
            );
            s.allowed = &[200, 404, 409];
        }
        ("POST", "/api/v1/applications/{id}/resume") => s.allowed = &[200, 404, 409],
        ("POST", "/api/v1/applications/{id}/extension") => {
            s.json = Some(
                json!({"workdays": 10, "approver": "agency_head", "approved_by": "局长", "reason": "需现场核查"}),
            );
            s.allowed = &[200, 404, 409];
        }
        ("POST", "/api/v1/applications/{id}/bar") => {
            s.json = Some(
                json!({"cause": "false_materials", "reason": "提交虚假材料", "protected_interest": true}),
            );
            s.allowed = &[201, 404];
        }
        // Application 1 is only received: its review cannot be assigned, nobody's step is open;
        // the approval bureau's verifiers are no reviewers of a market-bureau case (422).
        ("POST", "/api/v1/applications/{id}/review-assignment") => {
            s.json = Some(json!({"verifiers": ["checker", "surveyor"], "decider": "chief"}));
            s.allowed = &[200, 404, 409, 422];
        }
        ("POST", "/api/v1/applications/{id}/verification") => {
            s.json = Some(json!({"agree": true, "opinion": "同意"}));
            s.allowed = &[200, 403, 404, 409];
        }
        ("POST", "/api/v1/applications/{id}/decision") => {
            s.json = Some(json!({"grant": false, "reasons": "不符合条件"}));
            s.allowed = &[200, 403, 404, 409];
        }
        ("POST", "/api/v1/applications/{id}/delivery") => {
            s.json = Some(json!({"method": "collect"}));
            s.allowed = &[200, 404, 409];
        }
        ("GET", "/api/v1/applications/{id}/documents/{doc}") => {
            s.path = s.path.replace("{doc}", "1");
            s.allowed = &[200, 403, 404];
        }
        ("GET", "/api/v1/licences") => s.allowed = &[200, 403],
        ("GET", "/api/v1/applications/export") => s.allowed = &[200, 403],
        ("GET", "/api/v1/applications/trips") => s.allowed = &[200, 403],
        ("POST", "/api/v1/applications/{id}/visits") => {
            s.json = Some(json!({"kind": "inspection", "note": "现场核查"}));
            s.allowed = &[201, 403, 404];
        }
        ("GET", "/api/v1/applications/{id}/visits") => s.allowed = &[200, 403, 404],
        ("POST", "/api/v1/licences/{number}/status") => {
            s.path = s.path.replace("{number}", "DZ202600000001");
            s.json = Some(json!({"status": "suspended", "reason": "矩阵测试"}));
            s.allowed = &[200, 404];
        }
        // Staff without intake or review, and applicants, hold no scope for the report.
        ("GET", "/api/v1/applications/reuse") => s.allowed = &[200, 403],
        // Application 1 is no draft of the caller's (or not theirs at all).
        ("PUT", "/api/v1/applications/{id}") => {
            s.json = Some(json!({"matter_code": "XK-D04-0001-01", "form": {}, "draft": true}));
            s.allowed = &[200, 404, 409];
        }
        ("POST", "/api/v1/applications/{id}/submit") => s.allowed = &[200, 404, 409],
        ("GET", "/api/v1/licences/{number}") => {
            s.path = s.path.replace("{number}", "DZ202600000001");
            s.allowed = &[200, 403, 404];
        }
        // Application 1 is not late.
        ("PUT", "/api/v1/applications/{id}/overdue-reason") => {
            s.json = Some(json!({"reason": "现场核查延误"}));
            s.allowed = &[200, 404, 409];
        }
        ("GET", "/apply/{code}") => {
            s.path = "/apply/XK-D03-0001-01-01".to_owned();
            s.allowed = &[200];
        }
        // The matrix posts url-encoded forms: the multipart pages refuse them (422) once past
        // the permission check.
        ("POST", "/apply/{code}") => {
            s.path = "/apply/XK-D03-0001-01-01".to_owned();
            s.allowed = &[422];
        }
        ("POST", "/me/applications/{id}/supplement") => s.allowed = &[422],
        ("POST", "/applications/{id}/defer") => s.allowed = &[422],
        ("GET", "/me/applications/{id}") => s.allowed = &[200, 404],
        // Staff without intake or review are refused by the use case; applicants have their
        // own pages.
        ("GET", "/applications") => s.allowed = &[200, 403],
        ("GET", "/applications/{id}") => s.allowed = &[200, 403, 404],
        ("POST", "/applications/{id}/{step}") => {
            s.path = s.path.replace("{step}", "accept");
            s.allowed = &[303, 403, 404, 409];
        }
        ("GET", "/applications/{id}/documents/{doc}") => {
            s.path = s.path.replace("{doc}", "1");
            s.allowed = &[200, 403, 404];
        }
        ("GET", "/licences/{number}") | ("GET", "/licences/{number}/download") => {
            s.path = s.path.replace("{number}", "DZ202600000001");
            s.allowed = &[200, 403, 404];
        }
        ("GET", "/verify/{number}") => {
            s.path = s.path.replace("{number}", "DZ202600000001");
            s.allowed = &[200, 404];
        }
        ("POST", "/api/v1/applications/{id}/supplement") => {
            s.json = Some(json!({"note": "已补正"}));
            s.allowed = &[404, 409];
        }
        ("GET", "/api/v1/licences/{number}/revisions") => {
            s.path = s.path.replace("{number}", "DZ202600000001");
            s.allowed = &[200, 403, 404];
        }
        // Life-event packages: the reform office reaches every department; a keeper reaches
        // only their own (422 for the other's matter).
        ("GET", "/api/v1/life-events") | ("GET", "/life-events") => s.allowed = &[200],
        ("GET", "/api/v1/life-events/{code}") | ("GET", "/life-events/{code}") => {
            s.path = s.path.replace("{code}", "YJS-KCG");
            s.allowed = &[200, 404];
        }
        ("PUT", "/api/v1/life-events/{code}") => {
            s.path = s.path.replace("{code}", "YJS-KCG");
            s.json =
                Some(json!({"name": "开餐馆", "matters": ["XK-D04-0001-01", "XK-D03-0001-01-01"]}));
            s.allowed = &[200, 422];
        }
        ("POST", "/api/v1/life-event-cases") => {
            s.json = Some(json!({"event": "YJS-KCG", "form": {}}));
            s.allowed = &[404, 422];
        }
        ("GET", "/api/v1/life-event-cases") => s.allowed = &[200],
        ("GET", "/api/v1/life-event-cases/{id}") | ("GET", "/me/life-events/{id}") => {
            s.allowed = &[200, 403, 404]
        }
        // Application 1 carries no commitment.
        ("POST", "/api/v1/applications/{id}/commitment-check") => {
            s.json = Some(json!({"material": "住所（经营场所）使用证明", "truthful": true}));
            s.allowed = &[404];
        }
        ("GET", "/catalog/life-events") => s.allowed = &[200],
        // The matrix's empty form names no matters: refused on its field, shown again.
        ("POST", "/catalog/life-events") => s.allowed = &[422],
        ("GET", "/apply/event/{code}") => {
            s.path = s.path.replace("{code}", "YJS-KCG");
            s.allowed = &[200, 404];
        }
        ("POST", "/apply/event/{code}") => {
            s.path = s.path.replace("{code}", "YJS-KCG");
            s.allowed = &[422];
        }
        _ => return false,
    }
    true
}

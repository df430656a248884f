//! What the catalogue's API takes and answers (see `base::dto` for the convention): matters
//! and their versions, the service guide, diffs, handovers, reports and imports.

use crate::base::dto::text_of;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A matter as listed (the version in force is `current_version`).
#[derive(Serialize, ToSchema)]
pub struct Matter {
    pub id: i64,
    pub code: String,
    pub parent_id: Option<i64>,
    pub department_id: i64,
    pub name: String,
    pub kind: String,
    pub tier: String,
    pub current_version: Option<i64>,
    pub apply_count: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl From<fgf_store::catalog::MatterRow> for Matter {
    fn from(m: fgf_store::catalog::MatterRow) -> Self {
        Matter {
            id: m.id.get(),
            code: m.code,
            parent_id: m.parent_id.map(i64::from),
            department_id: m.department_id.get(),
            name: m.name,
            kind: m.kind,
            tier: m.tier.to_string(),
            current_version: m.current_version,
            apply_count: m.apply_count,
            created_at_ms: m.created_at_ms,
            updated_at_ms: m.updated_at_ms,
        }
    }
}

/// A search result, best first.
#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    pub code: String,
    pub name: String,
    pub department: String,
    pub department_code: String,
    pub kind: String,
    pub fully_online: bool,
    pub trips: u64,
    pub apply_count: u64,
    pub score: f32,
}

impl From<fgf_app::catalog::search::SearchHit> for SearchHit {
    fn from(h: fgf_app::catalog::search::SearchHit) -> Self {
        SearchHit {
            code: h.code,
            name: h.name,
            department: h.department,
            department_code: h.department_code,
            kind: h.kind,
            fully_online: h.fully_online,
            trips: h.trips,
            apply_count: h.apply_count,
            score: h.score,
        }
    }
}

/// `GET /api/v1/matters`: search hits when `q` is given, else a page of matters in force.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum MatterList {
    Hits { items: Vec<SearchHit>, total: i64 },
    Matters { items: Vec<Matter>, total: i64 },
}

/// One version of a matter; `doc` is its `MatterDoc` as JSON text.
#[derive(Serialize, ToSchema)]
pub struct MatterVersion {
    pub id: i64,
    pub matter_id: i64,
    pub version: i64,
    /// `draft`, `in_review`, `published`, `rejected` or `superseded`.
    pub status: String,
    pub doc: String,
    pub note: String,
    pub drafted_by: Option<i64>,
    pub drafted_at_ms: i64,
    pub reviewed_by: Option<i64>,
    pub reviewed_at_ms: Option<i64>,
    pub review_comment: String,
    pub effective_date: Option<String>,
}

impl From<fgf_store::catalog::MatterVersionRow> for MatterVersion {
    fn from(v: fgf_store::catalog::MatterVersionRow) -> Self {
        MatterVersion {
            id: v.id,
            matter_id: v.matter_id.get(),
            version: v.version,
            status: v.status.to_string(),
            doc: v.doc,
            note: v.note,
            drafted_by: v.drafted_by.map(i64::from),
            drafted_at_ms: v.drafted_at_ms,
            reviewed_by: v.reviewed_by.map(i64::from),
            reviewed_at_ms: v.reviewed_at_ms,
            review_comment: v.review_comment,
            effective_date: v.effective_date.map(|v| v.to_string()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Fee {
    pub standard: String,
    pub basis: String,
}

/// 下放/保留: what happens to the power, and to whom it goes.
#[derive(Serialize, ToSchema)]
pub struct Disposition {
    pub kind: String,
    pub note: String,
    pub delegate_to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Material {
    pub name: String,
    pub form: String,
    pub copies: u32,
    pub necessity: String,
    pub condition: String,
    pub source: String,
    pub blank_form: bool,
    pub sample: bool,
    /// Content hash of the attached blank form, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blank_form_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_file: Option<String>,
    /// 容缺受理: the window may accept without it on a written commitment to supply it.
    pub deferrable: bool,
    /// 告知承诺制: a signed commitment may replace it.
    pub by_commitment: bool,
}

impl From<fgf_domain::catalog::Material> for Material {
    fn from(m: fgf_domain::catalog::Material) -> Self {
        Material {
            name: m.name,
            form: text_of(&m.form),
            copies: m.copies,
            necessity: text_of(&m.necessity),
            condition: m.condition,
            source: text_of(&m.source),
            blank_form: m.blank_form,
            sample: m.sample,
            blank_form_file: m.blank_form_file,
            sample_file: m.sample_file,
            deferrable: m.deferrable,
            by_commitment: m.by_commitment,
        }
    }
}

/// The implementation list of one version (实施清单); coded fields are their codes.
#[derive(Serialize, ToSchema)]
pub struct MatterDoc {
    pub name: String,
    pub kind: String,
    pub tier: String,
    pub level: String,
    pub body_nature: String,
    pub audiences: Vec<String>,
    pub legal_basis: Vec<String>,
    pub conditions: String,
    pub statutory_days: u32,
    pub promised_days: Option<u32>,
    pub case_type: String,
    pub fee: Option<Fee>,
    pub process_key: Option<String>,
    pub trips: u32,
    pub trips_reason: String,
    pub online_depth: String,
    pub fully_online: bool,
    pub handling_forms: Vec<String>,
    pub place: String,
    pub hours: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    pub special_procedures: Vec<String>,
    pub result_name: String,
    pub disposition: Disposition,
    pub life_events: Vec<String>,
    pub materials: Vec<Material>,
    /// The application form: typed fields (`name`, `label`, `kind` of text, number, date,
    /// choice, address, resident_id, uscc or table; `required`, `options`, `columns`, `when`,
    /// `help`).
    #[schema(value_type = Vec<Object>)]
    pub form: serde_json::Value,
}

impl From<fgf_domain::catalog::MatterDoc> for MatterDoc {
    fn from(d: fgf_domain::catalog::MatterDoc) -> Self {
        MatterDoc {
            name: d.name,
            kind: text_of(&d.kind),
            tier: text_of(&d.tier),
            level: text_of(&d.level),
            body_nature: text_of(&d.body_nature),
            audiences: d.audiences.iter().map(text_of).collect(),
            legal_basis: d.legal_basis,
            conditions: d.conditions,
            statutory_days: d.statutory_days,
            promised_days: d.promised_days,
            case_type: text_of(&d.case_type),
            fee: d.fee.map(|f| Fee {
                standard: f.standard,
                basis: f.basis,
            }),
            process_key: d.process_key,
            trips: d.trips,
            trips_reason: d.trips_reason,
            online_depth: text_of(&d.online_depth),
            fully_online: d.fully_online,
            handling_forms: d.handling_forms.iter().map(text_of).collect(),
            place: d.place,
            hours: d.hours,
            consult_phone: d.consult_phone,
            complaint_phone: d.complaint_phone,
            special_procedures: d.special_procedures.iter().map(text_of).collect(),
            result_name: d.result_name,
            disposition: Disposition {
                kind: text_of(&d.disposition.kind),
                note: d.disposition.note,
                delegate_to: d.disposition.delegate_to,
            },
            life_events: d.life_events,
            materials: d.materials.into_iter().map(Material::from).collect(),
            form: serde_json::to_value(&d.form).unwrap_or_default(),
        }
    }
}

/// A matter's service guide: the matter, its department, the version and its content.
#[derive(Serialize, ToSchema)]
pub struct MatterView {
    pub matter: Matter,
    pub department_code: String,
    pub department_name: String,
    pub parent_code: Option<String>,
    pub version: MatterVersion,
    pub doc: MatterDoc,
}

impl From<fgf_app::catalog::MatterView> for MatterView {
    fn from(v: fgf_app::catalog::MatterView) -> Self {
        MatterView {
            matter: v.matter.into(),
            department_code: v.department_code,
            department_name: v.department_name,
            parent_code: v.parent_code,
            version: v.version.into(),
            doc: v.doc.into(),
        }
    }
}

/// Mirrors `fgf_app::catalog::MatterInput`, which the handler reads (`doc` as `MatterDoc`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MatterBody {
    code: String,
    parent_code: Option<String>,
    department_code: String,
    doc: MatterDoc,
    #[schema(required = false)]
    note: String,
}

/// Mirrors `fgf_app::catalog::ReviewInput`, which the handler reads.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReviewBody {
    approve: bool,
    #[schema(required = false)]
    comment: String,
    /// ISO date the version takes effect; today when absent.
    effective_date: Option<String>,
}

/// A draft saved: the matter, its new version and `draft`.
#[derive(Serialize, ToSchema)]
pub struct Drafted {
    pub matter_id: i64,
    pub code: String,
    pub version: i64,
    pub status: String,
}

/// A version's new state: `in_review`, `published` or `rejected`.
#[derive(Serialize, ToSchema)]
pub struct VersionState {
    pub code: String,
    pub version: i64,
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct FieldDiff {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

impl From<fgf_app::catalog::FieldDiff> for FieldDiff {
    fn from(d: fgf_app::catalog::FieldDiff) -> Self {
        FieldDiff {
            field: d.field,
            before: d.before,
            after: d.after,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PhraseEdited {
    pub code: String,
    pub phrase: String,
    pub added: bool,
}

/// 接权清单: what the receiving unit confirms before a delegated power switches over.
#[derive(Serialize, ToSchema)]
pub struct Checklist {
    pub staff_named: String,
    pub staff_trained: bool,
    pub process_bound: bool,
    pub guide_published: bool,
    pub supervisor: String,
}

impl From<fgf_app::catalog::Checklist> for Checklist {
    fn from(c: fgf_app::catalog::Checklist) -> Self {
        Checklist {
            staff_named: c.staff_named,
            staff_trained: c.staff_trained,
            process_bound: c.process_bound,
            guide_published: c.guide_published,
            supervisor: c.supervisor,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Handover {
    pub id: i64,
    pub matter_code: String,
    pub matter_name: String,
    pub from_department: String,
    pub to_department: String,
    pub state: String,
    pub checklist: Checklist,
    pub days_waiting: i64,
    pub can_confirm: bool,
}

impl From<fgf_app::catalog::HandoverView> for Handover {
    fn from(h: fgf_app::catalog::HandoverView) -> Self {
        Handover {
            id: h.id,
            matter_code: h.matter_code,
            matter_name: h.matter_name,
            from_department: h.from_department,
            to_department: h.to_department,
            state: h.state.to_string(),
            checklist: h.checklist.into(),
            days_waiting: h.days_waiting,
            can_confirm: h.can_confirm,
        }
    }
}

/// The checklist and whether to switch over now (`checklist` as `Checklist`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct HandoverBody {
    checklist: Checklist,
    #[schema(required = false)]
    switch: bool,
}

/// `pending`, or `switched` when the power moved.
#[derive(Serialize, ToSchema)]
pub struct HandoverState {
    pub id: i64,
    pub state: String,
}

#[derive(Serialize, ToSchema)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogReport {
    pub key: String,
    pub title: String,
    pub sheet: Sheet,
}

impl From<&fgf_app::catalog::Report> for CatalogReport {
    fn from(r: &fgf_app::catalog::Report) -> Self {
        CatalogReport {
            key: r.key.to_owned(),
            title: r.title.to_owned(),
            sheet: Sheet {
                headers: r.sheet.headers.clone(),
                rows: r.sheet.rows.iter().map(|(_, row)| row.clone()).collect(),
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ImportSummary {
    pub matters: usize,
    pub created: usize,
    pub new_versions: usize,
    pub unchanged: usize,
    pub materials: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    pub ok: bool,
    pub summary: ImportSummary,
}

impl From<fgf_app::catalog::ImportSummary> for Imported {
    fn from(s: fgf_app::catalog::ImportSummary) -> Self {
        Imported {
            ok: true,
            summary: ImportSummary {
                matters: s.matters,
                created: s.created,
                new_versions: s.new_versions,
                unchanged: s.unchanged,
                materials: s.materials,
            },
        }
    }
}

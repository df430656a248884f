//! What the applications API takes and answers (see `base::dto` for the convention). Request
//! bodies read by app input types are mirrored here for the schema only.

use fgf_app::application as app;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// An application with its clock.
#[derive(Serialize, ToSchema)]
pub struct Application {
    pub id: i64,
    /// 办件编号.
    pub number: String,
    pub matter_code: String,
    pub matter_name: String,
    /// `draft`, `submitted`, `awaiting_supplement`, `not_accepted`, `accepted`, `under_review`,
    /// `suspended`, `extended`, `approved`, `rejected`, `delivered`, `closed` or `withdrawn`.
    pub status: String,
    pub status_label: String,
    /// The applicant's name, masked for staff.
    pub applicant: String,
    /// `online` or `window`.
    pub channel: String,
    /// The form as filled in.
    #[schema(value_type = Object)]
    pub form: Value,
    /// Day of receipt (收件), `YYYY-MM-DD`.
    pub received_on: Option<String>,
    /// Day of acceptance (受理).
    pub accepted_on: Option<String>,
    /// The limit counted against, in working days.
    pub limit_workdays: i64,
    /// The decision is due by the end of this day (once accepted).
    pub due: Option<String>,
    /// Working days left (negative once late) while the clock runs or stands still.
    pub workdays_left: Option<i64>,
    /// `on_time`, `due_soon` or `overdue` while the clock runs or stands still.
    pub light: Option<String>,
    /// The clock stands still (a special procedure or a supplement in review).
    pub paused: bool,
    /// What the first correction notice listed.
    pub correction_items: Vec<String>,
    /// Why the case is late, published.
    pub overdue_reason: String,
    /// The decision's reasons (Article 38), once decided.
    pub decision_reasons: String,
    /// How the result reached the applicant (Article 44), once delivered.
    pub delivery: Option<Delivery>,
    /// The agent (代办人) who applied for the applicant.
    pub agent: Option<Agent>,
    /// The life-event case (一件事) it was applied for through.
    pub life_event_case_id: Option<i64>,
    /// The licence a change (变更) or renewal (延续) acts on.
    pub licence_number: Option<String>,
}

/// How the result reached the applicant.
#[derive(Serialize, ToSchema)]
pub struct Delivery {
    /// `collect`, `post` or `online`.
    pub method: String,
    /// The EMS tracking number of a posted result.
    pub tracking: Option<String>,
    /// `YYYY-MM-DD`.
    pub on: String,
}

/// An agent acting for the applicant.
#[derive(Serialize, ToSchema)]
pub struct Agent {
    pub name: String,
    /// The agent's resident ID, masked.
    pub id_masked: String,
    /// The content hash of the written authorisation (`/files/{hash}`).
    pub authorisation: String,
}

impl From<app::ApplicationView> for Application {
    fn from(v: app::ApplicationView) -> Self {
        Application {
            id: v.id.get(),
            number: v.number,
            matter_code: v.matter_code,
            matter_name: v.matter_name,
            status: v.status.to_string(),
            status_label: v.status.label_zh().to_owned(),
            applicant: v.applicant,
            channel: v.channel,
            form: v.form,
            received_on: v.received_on.map(|d| d.to_string()),
            accepted_on: v.accepted_on.map(|d| d.to_string()),
            limit_workdays: v.limit_workdays,
            due: v.due.map(|d| d.to_string()),
            workdays_left: v.workdays_left,
            light: v.light.map(|l| l.to_string()),
            paused: v.paused,
            correction_items: v.correction_items,
            overdue_reason: v.overdue_reason,
            decision_reasons: v.decision_reasons,
            delivery: v.delivery.map(|d| Delivery {
                method: d.method,
                tracking: d.tracking,
                on: d.on.to_string(),
            }),
            agent: v.agent.map(|a| Agent {
                name: a.name,
                id_masked: a.id_masked,
                authorisation: a.authorisation,
            }),
            life_event_case_id: v.life_event_case_id,
            licence_number: v.licence_number,
        }
    }
}

/// One step of an application's history.
#[derive(Serialize, ToSchema)]
pub struct ApplicationEvent {
    /// RFC 3339 in +08:00.
    pub at: String,
    /// Who acted; none for the system (deemed acceptance).
    pub actor: Option<String>,
    /// `submitted`, `accepted`, `supplement_requested`, `deemed_accepted` …
    pub action: String,
    pub status_from: String,
    pub status_to: String,
    /// The notice's text or the reason.
    pub note: String,
}

/// An application with its history.
#[derive(Serialize, ToSchema)]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub application: Application,
    pub events: Vec<ApplicationEvent>,
    /// The notices and decisions sent, in order.
    pub documents: Vec<Document>,
    /// The review's steps (核查 by each verifier, then 决定).
    pub review: Vec<ReviewStep>,
    /// The licences issued on it.
    pub licences: Vec<Licence>,
    /// The materials, uploaded or attached from e-licences.
    pub materials: Vec<ApplicationMaterial>,
    /// Visits in person (最多跑一次).
    pub visits: Vec<Visit>,
    /// What stands on the applicant's record: `{kind: "false_commitment", note, recorded_on}`.
    #[schema(value_type = Vec<Object>)]
    pub applicant_records: Vec<fgf_store::application::ApplicantRecordRow>,
}

/// One visit in person.
#[derive(Serialize, ToSchema)]
pub struct Visit {
    /// `intake`, `collect`, `inspection` or `other`.
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    pub note: String,
}

impl From<fgf_store::application::VisitRow> for Visit {
    fn from(v: fgf_store::application::VisitRow) -> Self {
        Visit {
            kind: v.kind,
            on: v.on.to_string(),
            note: v.note,
        }
    }
}

/// Record a visit (mirrors `app::VisitInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VisitBody {
    /// `intake`, `collect`, `inspection` or `other`.
    kind: String,
    note: Option<String>,
}

/// One matter's trips against its promise (最多跑一次).
#[derive(Serialize, ToSchema)]
pub struct Trips {
    pub matter_code: String,
    pub matter_name: String,
    /// The most trips the guide promises.
    pub promised: i64,
    pub applications: i64,
    pub visits: i64,
    /// The most one application took.
    pub most: i64,
    /// Applications over the promise.
    pub over_promise: i64,
}

/// A notice or decision sent to the applicant.
#[derive(Serialize, ToSchema)]
pub struct Document {
    pub id: i64,
    /// `acceptance_notice`, `correction_notice`, `non_acceptance`, `grant_decision`,
    /// `denial_decision`, `special_procedure_notice` or `extension_notice`.
    pub kind: String,
    /// 文号, e.g. 市场许受字〔2026〕3号.
    pub number: String,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    pub title: String,
    /// Addressee.
    pub to: String,
    pub paragraphs: Vec<String>,
    /// The issuing department as named that day.
    pub issuer: String,
}

impl From<app::DocumentView> for Document {
    fn from(d: app::DocumentView) -> Self {
        Document {
            id: d.id,
            kind: d.kind.to_string(),
            number: d.number,
            issued_on: d.issued_on.to_string(),
            title: d.body.title,
            to: d.body.to,
            paragraphs: d.body.paragraphs,
            issuer: d.body.issuer,
        }
    }
}

/// One step of the review.
#[derive(Serialize, ToSchema)]
pub struct ReviewStep {
    /// `verify` (核查) or `decide` (决定).
    pub node: String,
    pub name: String,
    /// Who holds or held it, by name.
    pub assignee: Option<String>,
    pub done: bool,
}

/// An electronic licence (电子证照).
#[derive(Serialize, ToSchema)]
pub struct Licence {
    /// 证照编号.
    pub number: String,
    pub application_id: i64,
    pub title: String,
    pub holder_name: String,
    /// Credit code, or resident ID masked.
    pub holder_id: String,
    pub scope: String,
    pub valid_from: String,
    pub valid_until: String,
    pub issuer: String,
    pub issued_on: String,
    /// `valid`, `suspended` or `revoked` as recorded.
    pub status: String,
    /// What the verify page says today: `valid`, `suspended`, `revoked`, `expired`,
    /// `not_yet_valid` or `not_genuine`.
    pub standing: String,
    /// SM2 signature (r ‖ s, hex) over the content.
    pub signature: String,
    pub key_id: String,
}

impl From<app::LicenceView> for Licence {
    fn from(l: app::LicenceView) -> Self {
        Licence {
            number: l.number,
            application_id: l.application_id.get(),
            title: l.content.title,
            holder_name: l.content.holder_name,
            holder_id: l.content.holder_id,
            scope: l.content.scope,
            valid_from: l.content.valid_from.to_string(),
            valid_until: l.content.valid_until.to_string(),
            issuer: l.content.issuer,
            issued_on: l.content.issued_on.to_string(),
            status: l.status.to_string(),
            standing: l.standing.to_string(),
            signature: l.signature,
            key_id: l.key_id,
        }
    }
}

/// Assign the review (mirrors `app::AssignInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AssignBody {
    /// Usernames of two verifiers or more (Article 34).
    verifiers: Vec<String>,
    /// Username of the decider.
    decider: String,
}

/// A verifier's opinion (mirrors `app::OpinionInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OpinionBody {
    agree: bool,
    opinion: String,
}

/// The decision (mirrors `app::DecisionInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DecisionBody {
    grant: bool,
    /// Required for a denial.
    reasons: Option<String>,
    /// The licence a grant issues.
    licence: Option<LicenceBody>,
}

/// The licence a grant issues (mirrors `app::LicenceInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LicenceBody {
    title: String,
    scope: String,
    /// 1 to 10.
    valid_years: u32,
}

/// Delivery (mirrors `app::DeliveryInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DeliveryBody {
    /// `collect`, `post` or `online`.
    method: String,
    /// The EMS number, for `post`.
    tracking: Option<String>,
}

impl From<app::ApplicationDetail> for ApplicationDetail {
    fn from(d: app::ApplicationDetail) -> Self {
        ApplicationDetail {
            application: d.view.into(),
            events: d
                .events
                .into_iter()
                .map(|e| ApplicationEvent {
                    at: fgf_app::clock::rfc3339(e.at_ms),
                    actor: e.actor_name,
                    action: e.action,
                    status_from: e.status_from.to_string(),
                    status_to: e.status_to.to_string(),
                    note: e.note,
                })
                .collect(),
            documents: d.documents.into_iter().map(Document::from).collect(),
            review: d
                .review
                .into_iter()
                .map(|r| ReviewStep {
                    node: r.node,
                    name: r.name,
                    assignee: r.assignee,
                    done: r.done,
                })
                .collect(),
            licences: d.licences.into_iter().map(Licence::from).collect(),
            visits: d.visits.into_iter().map(Visit::from).collect(),
            applicant_records: d.applicant_records,
            materials: d
                .materials
                .into_iter()
                .map(|m| ApplicationMaterial {
                    name: m.name,
                    source: m.source,
                    file_hash: m.file_hash,
                    licence_number: m.licence_number,
                    round: m.round,
                    mime: m.mime,
                    original_name: m.original_name,
                    due_on: m.due_on.map(|d| d.to_string()),
                    verified: m.verified,
                    verified_note: m.verified_note,
                })
                .collect(),
        }
    }
}

/// Apply for a matter (mirrors `app::ApplicationInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ApplicationBody {
    /// The matter's code (事项编码).
    pub matter_code: String,
    /// The form: field name → value, checked against the matter's form.
    #[schema(value_type = Object)]
    pub form: Option<Value>,
    /// Uploaded materials.
    pub materials: Option<Vec<MaterialBody>>,
    /// Attach the e-licences the guide asks for that the applicant holds (免提交).
    pub consent_reuse: Option<bool>,
    /// Keep as a draft between visits.
    pub draft: Option<bool>,
    /// For a change (变更) or renewal (延续) matter: the number of the licence it acts on,
    /// one the applicant holds and in force; a renewal 30 days or more before it expires.
    pub licence: Option<String>,
    /// Materials replaced by the applicant's signed commitment (告知承诺制), by the guide's
    /// names; only those the guide allows.
    pub commitments: Option<Vec<String>>,
}

/// The clerk's decision (mirrors `app::IntakeInput`): `outcome` and what it needs.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct IntakeBody {
    /// `no_licence_needed` (with `reason`), `wrong_authority` (with `competent` and `reason`),
    /// `corrected_on_spot` (with `corrections`), `supplement` (with `items`: every item at once),
    /// `accept`, or `accept_deferring` (容缺受理: `items` as `[{material, due}]` of materials
    /// the guide lets follow, and `commitment`, the uploaded signed commitment's hash).
    pub outcome: String,
    pub reason: Option<String>,
    pub competent: Option<String>,
    pub corrections: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub items: Option<Vec<Value>>,
    pub commitment: Option<String>,
}

/// The applicant's supplement.
#[derive(Deserialize, ToSchema)]
pub struct SupplyBody {
    /// What was supplied, in the applicant's words.
    #[serde(default)]
    pub note: String,
    /// The materials uploaded for it.
    #[serde(default)]
    #[schema(value_type = Vec<MaterialBody>)]
    pub materials: Vec<app::MaterialInput>,
}

/// One uploaded material (mirrors `app::MaterialInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MaterialBody {
    /// The material's name as the guide lists it.
    name: String,
    /// The content hash of the stored file (`POST /api/v1/files`): a PDF, PNG or JPG.
    file: String,
}

/// One material of an application.
#[derive(Serialize, ToSchema)]
pub struct ApplicationMaterial {
    pub name: String,
    /// `upload`; `licence` (attached from an e-licence: 免提交); `deferred` (容缺: to be
    /// supplied by `due_on`, `file_hash` the signed commitment); `commitment` (告知承诺:
    /// replaced by the applicant's commitment, `verified` once checked).
    pub source: String,
    pub file_hash: Option<String>,
    pub licence_number: Option<String>,
    /// 1 with the application, 2 and on with supplements.
    pub round: i64,
    pub mime: Option<String>,
    pub original_name: Option<String>,
    pub due_on: Option<String>,
    pub verified: Option<bool>,
    pub verified_note: String,
}

/// A reviewer's finding on a commitment (mirrors `app::CommitmentCheckInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CommitmentCheckBody {
    /// The material the commitment replaced.
    pub material: String,
    /// Whether it holds; false puts it on the applicant's record and bars a grant.
    pub truthful: bool,
    /// Required when false: what the check found.
    pub note: Option<String>,
}

/// Stop the clock (mirrors `app::PauseInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PauseBody {
    /// A special procedure of Article 45 (`hearing`, `bidding`, `auction`, `inspection`,
    /// `testing`, `quarantine`, `appraisal`, `expert_review`) or `supplement`.
    cause: String,
    /// Working days it should take, as told to the applicant in writing.
    #[schema(required = false)]
    expected_workdays: u32,
    /// The written notice's text.
    #[schema(required = false)]
    notice: String,
}

/// The one extension (mirrors `app::ExtensionInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ExtensionBody {
    workdays: u32,
    /// `agency_head` or `government_head` (joint handling).
    approver: String,
    /// Who approved it.
    approved_by: String,
    reason: String,
}

/// A bar on the applicant (mirrors `app::BarInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct BarBody {
    /// `false_materials` (Article 78) or `fraud_or_bribery` (Article 79).
    cause: String,
    /// What was found.
    reason: String,
    /// The matter concerns public safety, health, life or property.
    protected_interest: bool,
}

/// The bar set.
#[derive(Serialize, ToSchema)]
pub struct Barred {
    /// The last day on which the applicant may not apply, `YYYY-MM-DD`.
    pub until: String,
}

/// Enter an application at the window (mirrors `app::WindowInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct WindowBody {
    matter_code: String,
    #[schema(value_type = Object)]
    form: Option<Value>,
    /// The applicant's resident ID or unified social credit code.
    applicant_id: String,
    agent: Option<AgentBody>,
    materials: Option<Vec<MaterialBody>>,
    consent_reuse: Option<bool>,
}

/// The agent (mirrors `app::AgentInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AgentBody {
    name: String,
    resident_id: String,
    /// The content hash of the uploaded authorisation.
    authorisation: String,
}

/// Per matter, the materials applicants did not bring (数据多跑路).
#[derive(Serialize, ToSchema)]
pub struct Reuse {
    pub matter_code: String,
    pub matter_name: String,
    /// Applications sent (drafts not counted).
    pub applications: i64,
    /// Materials attached from e-licences instead of uploaded.
    pub materials_reused: i64,
}

/// A published reason.
#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    pub reason: String,
}

/// A decision on a licence's status (mirrors `app::LicenceStatusInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LicenceStatusBody {
    /// `suspended` (暂扣), `valid` (恢复) or `revoked` (吊销).
    status: String,
    /// The decision's reason and document number.
    reason: String,
}

/// What a change or renewal replaced on a licence.
#[derive(Serialize, ToSchema)]
pub struct LicenceRevision {
    /// 1 for what the licence said when issued.
    pub revision: i64,
    pub scope: String,
    pub holder_name: String,
    pub valid_from: String,
    pub valid_until: String,
    pub issued_on: String,
    /// The SM2 signature it carried.
    pub signature: String,
    /// The change or renewal application that replaced it.
    pub application_id: i64,
    pub replaced_on: String,
}

impl From<fgf_store::application::LicenceRevisionRow> for LicenceRevision {
    fn from(r: fgf_store::application::LicenceRevisionRow) -> Self {
        LicenceRevision {
            revision: r.revision,
            scope: r.content.scope,
            holder_name: r.content.holder_name,
            valid_from: r.content.valid_from.to_string(),
            valid_until: r.content.valid_until.to_string(),
            issued_on: r.content.issued_on.to_string(),
            signature: r.signature,
            application_id: r.application_id.get(),
            replaced_on: r.replaced_on.to_string(),
        }
    }
}

/// A life-event package (一件事一次办) with its combined form and materials.
#[derive(Serialize, ToSchema)]
pub struct LifeEvent {
    pub code: String,
    pub name: String,
    pub summary: String,
    #[schema(value_type = Vec<Object>)]
    pub matters: Vec<app::LifeEventMatter>,
    /// Every matter's fields, a shared field once.
    #[schema(value_type = Vec<Object>)]
    pub form: Vec<fgf_domain::catalog::FormField>,
    /// Every matter's materials, one of a name once.
    #[schema(value_type = Vec<Object>)]
    pub materials: Vec<fgf_domain::catalog::Material>,
}

impl From<app::LifeEventView> for LifeEvent {
    fn from(v: app::LifeEventView) -> Self {
        LifeEvent {
            code: v.code,
            name: v.name,
            summary: v.summary,
            matters: v.matters,
            form: v.form,
            materials: v.materials,
        }
    }
}

/// Define or change a package (mirrors `app::LifeEventInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LifeEventBody {
    pub name: String,
    pub summary: Option<String>,
    /// Two or more codes of matters in force, in the order shown.
    pub matters: Vec<String>,
}

/// Apply once for a package (mirrors `app::LifeEventApplicationInput`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LifeEventApplicationBody {
    /// The package's code.
    pub event: String,
    /// The combined form: field name → value.
    #[schema(value_type = Object)]
    pub form: Option<Value>,
    /// Uploaded materials, each given to every matter that lists it.
    pub materials: Option<Vec<MaterialBody>>,
    pub consent_reuse: Option<bool>,
}

/// An applicant's case of a package: one application per matter, each with its clock.
#[derive(Serialize, ToSchema)]
pub struct LifeEventCase {
    pub id: i64,
    /// 一件事办件编号 (YJS…).
    pub number: String,
    pub event_code: String,
    pub event_name: String,
    /// `action_needed`, `in_progress` or `finished`.
    pub standing: String,
    pub standing_label: String,
    pub applications: Vec<Application>,
}

impl From<app::LifeEventCaseView> for LifeEventCase {
    fn from(v: app::LifeEventCaseView) -> Self {
        LifeEventCase {
            id: v.id,
            number: v.number,
            event_code: v.event_code,
            event_name: v.event_name,
            standing: v.standing.to_string(),
            standing_label: v.standing.label_zh().to_owned(),
            applications: v.applications.into_iter().map(Application::from).collect(),
        }
    }
}

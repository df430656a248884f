//! A matter's content and the consistency rules every save and import obeys.

use serde::{Deserialize, Serialize};

/// 事项类型: a kind of GB/T 39046—2020 表 A.1, or one of the district's own (RULES.md §2.2:
/// the table leaves 11–19 and 21 onwards to local extensions, e.g. 行政备案 or 30 政府内部审批).
///
/// A.1 kinds are built in. A local kind is its code as written; whether the district has it is
/// a question for its `matter_kind` dictionary, which the core cannot read, so the type holds
/// any code and [`problems`] and the application refuse what is not a kind (`kind_unknown`).
///
/// In a matter document an A.1 kind is written by its name (`licensing`, as every stored
/// version has it) and a local kind by its code (`30`); either form, and the A.1 code, read back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatterKind {
    Licensing,
    Penalty,
    Coercion,
    Levy,
    Payment,
    Inspection,
    Confirmation,
    Award,
    Adjudication,
    OtherPower,
    PublicService,
    /// A kind of the district's dictionary, by its code.
    Local(String),
}

impl MatterKind {
    /// The kinds of table A.1, in its order.
    pub const A1: [MatterKind; 11] = [
        MatterKind::Licensing,
        MatterKind::Penalty,
        MatterKind::Coercion,
        MatterKind::Levy,
        MatterKind::Payment,
        MatterKind::Inspection,
        MatterKind::Confirmation,
        MatterKind::Award,
        MatterKind::Adjudication,
        MatterKind::OtherPower,
        MatterKind::PublicService,
    ];

    /// The two-digit code of table A.1 (`10` is written 其他行政权力 in practice), or the local
    /// kind's own code.
    pub fn code(&self) -> &str {
        match self {
            MatterKind::Licensing => "01",
            MatterKind::Penalty => "02",
            MatterKind::Coercion => "03",
            MatterKind::Levy => "04",
            MatterKind::Payment => "05",
            MatterKind::Inspection => "06",
            MatterKind::Confirmation => "07",
            MatterKind::Award => "08",
            MatterKind::Adjudication => "09",
            MatterKind::OtherPower => "10",
            MatterKind::PublicService => "20",
            MatterKind::Local(code) => code,
        }
    }

    /// The name a matter document writes for an A.1 kind.
    fn name(&self) -> Option<&'static str> {
        Some(match self {
            MatterKind::Licensing => "licensing",
            MatterKind::Penalty => "penalty",
            MatterKind::Coercion => "coercion",
            MatterKind::Levy => "levy",
            MatterKind::Payment => "payment",
            MatterKind::Inspection => "inspection",
            MatterKind::Confirmation => "confirmation",
            MatterKind::Award => "award",
            MatterKind::Adjudication => "adjudication",
            MatterKind::OtherPower => "other_power",
            MatterKind::PublicService => "public_service",
            MatterKind::Local(_) => return None,
        })
    }

    /// The Chinese label of table A.1; a local kind's label is in the district's dictionary.
    pub fn a1_label_zh(&self) -> Option<&'static str> {
        Some(match self {
            MatterKind::Licensing => "行政许可",
            MatterKind::Penalty => "行政处罚",
            MatterKind::Coercion => "行政强制",
            MatterKind::Levy => "行政征收",
            MatterKind::Payment => "行政给付",
            MatterKind::Inspection => "行政检查",
            MatterKind::Confirmation => "行政确认",
            MatterKind::Award => "行政奖励",
            MatterKind::Adjudication => "行政裁决",
            MatterKind::OtherPower => "其他行政权力",
            MatterKind::PublicService => "公共服务",
            MatterKind::Local(_) => return None,
        })
    }

    pub fn is_a1(&self) -> bool {
        !matches!(self, MatterKind::Local(_))
    }

    /// Reads an A.1 kind by its Chinese label or code (`行政许可` or `01`); `其他类别事项` is the
    /// standard's own wording of `10`.
    pub fn parse_a1(s: &str) -> Option<MatterKind> {
        let s = s.trim();
        if s == "其他类别事项" {
            return Some(MatterKind::OtherPower);
        }
        MatterKind::A1
            .into_iter()
            .find(|k| k.a1_label_zh() == Some(s) || k.code() == s)
    }

    /// Reads a kind by code: an A.1 code, or a code the table leaves to local extensions.
    /// Whether the district has that local kind is its dictionary's answer.
    pub fn from_code(s: &str) -> Option<MatterKind> {
        let s = s.trim();
        if let Some(k) = MatterKind::A1.into_iter().find(|k| k.code() == s) {
            return Some(k);
        }
        local_code_ok(s).then(|| MatterKind::Local(s.to_owned()))
    }

    /// 权力清单 (powers, codes below 20) against 服务清单 (public services, 20 onwards): table
    /// A.1 groups its extensions the same way, 11–19 under 00 and 21… under 20.
    pub fn is_power(&self) -> bool {
        match self {
            MatterKind::PublicService => false,
            MatterKind::Local(code) => code.parse::<u8>().is_ok_and(|n| n < 20),
            _ => true,
        }
    }

    /// Matters a person applies for (依申请): the kinds an applicant starts and 好差评 covers.
    /// Penalties, coercion, levies and inspections are started by the administration; local
    /// kinds (行政备案, 依申请便民服务 …) are applied for, so they need conditions, place and hours.
    pub fn on_application(&self) -> bool {
        !matches!(
            self,
            MatterKind::Penalty | MatterKind::Coercion | MatterKind::Levy | MatterKind::Inspection
        )
    }
}

/// Whether a code is one table A.1 leaves to local extensions: two digits, 11–19 or 21–99
/// (00 is the group of powers, 01–10 and 20 are the table's own).
pub fn local_code_ok(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_digit())
        && matches!(code.parse::<u8>(), Ok(11..=19 | 21..=99))
}

impl Serialize for MatterKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name().unwrap_or(self.code()))
    }
}

impl<'de> Deserialize<'de> for MatterKind {
    /// Any string reads: a name, an A.1 code or label, and otherwise a local code, which
    /// [`problems`] and the dictionary check then judge, so an unknown kind is refused as
    /// `kind_unknown` on its field rather than as a body that cannot be read.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let s = s.trim();
        Ok(MatterKind::A1
            .into_iter()
            .find(|k| k.name() == Some(s))
            .or_else(|| MatterKind::parse_a1(s))
            .unwrap_or_else(|| MatterKind::Local(s.to_owned())))
    }
}

/// 主项 → 子项 → 业务办理项 (RULES.md §2.3, hierarchy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Main,
    Sub,
    Item,
}

crate::code::code_text!(Tier {
    Main = "main",
    Sub = "sub",
    Item = "item",
});

impl Tier {
    pub fn label_zh(self) -> &'static str {
        match self {
            Tier::Main => "主项",
            Tier::Sub => "子项",
            Tier::Item => "业务办理项",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        [Tier::Main, Tier::Sub, Tier::Item]
            .into_iter()
            .find(|t| t.label_zh() == s.trim())
    }

    /// Whether a matter of this tier may sit under a parent of tier `parent`.
    pub fn fits_under(self, parent: Option<Tier>) -> bool {
        matches!(
            (self, parent),
            (Tier::Main, None)
                | (Tier::Sub, Some(Tier::Main))
                | (Tier::Item, Some(Tier::Main | Tier::Sub))
        )
    }
}

/// A code table entry: the standard's code and its Chinese label.
macro_rules! code_table {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)* }
            }

            /// Reads the Chinese label or the code.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.label_zh() == s || v.code() == s)
            }
        }
    };
}

code_table!(
    /// 行使层级, table A.2.
    Level {
        National = "1", "国家级";
        Provincial = "2", "省级";
        Municipal = "3", "市级";
        County = "4", "县级";
        Township = "5", "镇（乡、街道）级";
        Village = "6", "村（社区）级";
        Tiered = "7", "分级管理";
    }
);

code_table!(
    /// 实施主体性质, table A.3.
    BodyNature {
        Statutory = "1", "法定机关";
        Authorised = "2", "授权组织";
        Entrusted = "3", "受委托组织";
        Other = "9", "其他";
    }
);

// The code_table macro derives the same traits for every table; only this one has a default
// (a matter imported from a file without the column is implemented by a statutory body).
#[allow(clippy::derivable_impls)]
impl Default for BodyNature {
    fn default() -> Self {
        BodyNature::Statutory
    }
}

code_table!(
    /// 服务对象, table A.4.
    Audience {
        Person = "1", "自然人";
        Enterprise = "2", "企业法人";
        Institution = "3", "事业法人";
        SocialOrganisation = "4", "社会组织法人";
        Agency = "5", "行政机关";
        OtherOrganisation = "6", "其他组织";
    }
);

code_table!(
    /// 办理形式, table A.5.
    HandlingForm {
        Window = "1", "窗口办理";
        Desktop = "2", "电脑端网上办理";
        Mobile = "3", "移动端网上申请";
        Post = "4", "快递申请";
        Other = "9", "其他";
    }
);

code_table!(
    /// 办件类型, table A.6.
    CaseType {
        Instant = "1", "即办件";
        Promised = "2", "承诺件";
        Other = "9", "其他";
    }
);

code_table!(
    /// 网上办理深度. Only the top level (全程网办, Ⅳ级) is defined in what RULES.md read; the
    /// lower levels follow the usual provincial reading (公开 → 预约 → 预审 → 全程).
    OnlineDepth {
        Published = "1", "Ⅰ级";
        Booking = "2", "Ⅱ级";
        PreReview = "3", "Ⅲ级";
        FullyOnline = "4", "Ⅳ级";
    }
);

code_table!(
    /// 特别程序种类代码, GB/T 39046—2020 table A.7: the code a case's special-procedure record
    /// carries. It says only whether the pause is the extension of 行政许可法第四十二条 or any
    /// other special procedure; which procedure it was is a [`SpecialProcedure`].
    SpecialProcedureCode {
        Extension = "1", "延长审批";
        Other = "2", "除延长审批之外的情况";
    }
);

code_table!(
    /// The special procedures of 行政许可法第四十五条 a matter may involve (听证、招标、拍卖、检验、
    /// 检测、检疫、鉴定和专家评审; the time they take is outside the limit). Their codes are words,
    /// so they cannot be read as the numbers of table A.7.
    SpecialProcedure {
        Hearing = "hearing", "听证";
        Bidding = "bidding", "招标";
        Auction = "auction", "拍卖";
        Inspection = "inspection", "检验";
        Testing = "testing", "检测";
        Quarantine = "quarantine", "检疫";
        Appraisal = "appraisal", "鉴定";
        ExpertReview = "expert_review", "专家评审";
    }
);

impl SpecialProcedure {
    /// The A.7 code of a pause for this procedure: none of them is the extension.
    pub fn a7_code(self) -> SpecialProcedureCode {
        SpecialProcedureCode::Other
    }

    /// The numbers the catalogue gave five of them before they had codes of their own
    /// (1 听证, 2 检验, 3 检测, 4 鉴定, 5 专家评审). Files written then still import with that
    /// meaning; nothing writes them any more.
    pub fn from_legacy_number(s: &str) -> Option<SpecialProcedure> {
        match s.trim() {
            "1" => Some(SpecialProcedure::Hearing),
            "2" => Some(SpecialProcedure::Inspection),
            "3" => Some(SpecialProcedure::Testing),
            "4" => Some(SpecialProcedure::Appraisal),
            "5" => Some(SpecialProcedure::ExpertReview),
            _ => None,
        }
    }

    /// Reads a cell of an import file: the label, the code, or an old number.
    pub fn parse_cell(s: &str) -> Option<SpecialProcedure> {
        SpecialProcedure::parse(s).or_else(|| SpecialProcedure::from_legacy_number(s))
    }
}

code_table!(
    /// The reform disposition of a matter in the current plan (简政放权).
    DispositionKind {
        Retain = "retain", "保留";
        Cancel = "cancel", "取消";
        Delegate = "delegate", "下放";
        Simplify = "simplify", "简化";
        Commitment = "commitment", "告知承诺制";
    }
);

code_table!(
    /// 材料形式.
    MaterialForm {
        Original = "original", "原件";
        Copy = "copy", "复印件";
        Both = "both", "原件和复印件";
    }
);

code_table!(
    /// 必要性.
    Necessity {
        Required = "required", "必要";
        Conditional = "conditional", "条件必要";
    }
);

code_table!(
    /// 来源渠道: who produces the material. Government-held e-licences need not be brought
    /// (国务院令第716号 第七条, 第十条).
    MaterialSource {
        Applicant = "applicant", "申请人自备";
        ELicence = "e_licence", "电子证照";
        OtherDepartment = "department", "部门出具";
    }
);

/// One material of a matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    pub form: MaterialForm,
    pub copies: u32,
    pub necessity: Necessity,
    /// When a conditional material is needed.
    #[serde(default)]
    pub condition: String,
    pub source: MaterialSource,
    /// A blank form (空白表格) and a filled sample (示例样表) exist for it.
    #[serde(default)]
    pub blank_form: bool,
    #[serde(default)]
    pub sample: bool,
    /// The attached blank form and sample: content hashes of stored files, which the public
    /// guide offers for download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blank_form_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_file: Option<String>,
    /// 容缺受理: the window may accept without it on the applicant's written commitment to
    /// supply it by a date.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deferrable: bool,
    /// 告知承诺制: the applicant's signed commitment may replace it, verified later.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_commitment: bool,
}

/// 收费: the standard and the document that sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub standard: String,
    pub basis: String,
}

/// The reform disposition with what it needs: the cancelling document, what was simplified,
/// what the commitment replaces, or the unit receiving a delegated power.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposition {
    pub kind: DispositionKind,
    #[serde(default)]
    pub note: String,
    /// The receiving unit (department code) of a delegation.
    #[serde(default)]
    pub delegate_to: Option<String>,
}

impl Default for Disposition {
    fn default() -> Self {
        Disposition {
            kind: DispositionKind::Retain,
            note: String::new(),
            delegate_to: None,
        }
    }
}

/// The content of one version of a matter: every element of its implementation list. The
/// code, the parent and the implementing department identify the matter and live beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterDoc {
    pub name: String,
    pub kind: MatterKind,
    pub tier: Tier,
    pub level: Level,
    /// 实施主体性质 of the implementing body.
    #[serde(default)]
    pub body_nature: BodyNature,
    pub audiences: Vec<Audience>,
    /// 设定依据: laws with articles, one per entry.
    pub legal_basis: Vec<String>,
    /// 受理条件.
    pub conditions: String,
    /// 法定办结时限 in working days (0: none beyond on the spot).
    pub statutory_days: u32,
    /// 承诺办结时限 in working days; None for an on-the-spot matter.
    pub promised_days: Option<u32>,
    pub case_type: CaseType,
    pub fee: Option<Fee>,
    /// The process definition key it runs on.
    #[serde(default)]
    pub process_key: Option<String>,
    /// 到办事现场次数.
    pub trips: u32,
    /// 必须现场办理原因.
    #[serde(default)]
    pub trips_reason: String,
    pub online_depth: OnlineDepth,
    pub fully_online: bool,
    pub handling_forms: Vec<HandlingForm>,
    pub place: String,
    pub hours: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    #[serde(default)]
    pub special_procedures: Vec<SpecialProcedure>,
    /// 审批结果名称.
    #[serde(default)]
    pub result_name: String,
    #[serde(default)]
    pub disposition: Disposition,
    /// Life events (一件事) and themes it is browsed under.
    #[serde(default)]
    pub life_events: Vec<String>,
    #[serde(default)]
    pub materials: Vec<Material>,
    /// The application form (申请表), typed fields; empty until the keeper defines one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<super::FormField>,
}

/// The fields a problem can name. `key` is the API's field name; the Chinese column header of
/// the import file is `header_zh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Code,
    Parent,
    Tier,
    Name,
    Kind,
    Department,
    Level,
    Audiences,
    LegalBasis,
    Conditions,
    StatutoryDays,
    PromisedDays,
    CaseType,
    Fee,
    FeeBasis,
    ProcessKey,
    Trips,
    TripsReason,
    OnlineDepth,
    FullyOnline,
    HandlingForms,
    Place,
    Hours,
    ConsultPhone,
    ComplaintPhone,
    SpecialProcedures,
    ResultName,
    Disposition,
    DispositionNote,
    DelegateTo,
    LifeEvents,
    ApplyCount,
    Materials,
    Form,
}

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Field::Code => "code",
            Field::Parent => "parent_code",
            Field::Tier => "tier",
            Field::Name => "name",
            Field::Kind => "kind",
            Field::Department => "department",
            Field::Level => "level",
            Field::Audiences => "audiences",
            Field::LegalBasis => "legal_basis",
            Field::Conditions => "conditions",
            Field::StatutoryDays => "statutory_days",
            Field::PromisedDays => "promised_days",
            Field::CaseType => "case_type",
            Field::Fee => "fee",
            Field::FeeBasis => "fee_basis",
            Field::ProcessKey => "process_key",
            Field::Trips => "trips",
            Field::TripsReason => "trips_reason",
            Field::OnlineDepth => "online_depth",
            Field::FullyOnline => "fully_online",
            Field::HandlingForms => "handling_forms",
            Field::Place => "place",
            Field::Hours => "hours",
            Field::ConsultPhone => "consult_phone",
            Field::ComplaintPhone => "complaint_phone",
            Field::SpecialProcedures => "special_procedures",
            Field::ResultName => "result_name",
            Field::Disposition => "disposition",
            Field::DispositionNote => "disposition_note",
            Field::DelegateTo => "delegate_to",
            Field::LifeEvents => "life_events",
            Field::ApplyCount => "apply_count",
            Field::Materials => "materials",
            Field::Form => "form",
        }
    }
}

/// One broken rule: the field it is about and a machine-readable code (the message catalogue
/// has `catalog.<code>` in Chinese and English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub code: &'static str,
}

fn problem(field: Field, code: &'static str) -> Problem {
    Problem { field, code }
}

/// The longest code kept (业务办理项编码 is up to 50 characters in production schemas;
/// RULES.md §2.4).
pub const MAX_CODE_LEN: usize = 50;

/// A matter code is an opaque string (RULES.md §2.4): 1–50 characters of letters, digits,
/// `-`, `_` and `.`, so it can sit in a URL and a file name without escaping.
pub fn code_problem(code: &str) -> Option<&'static str> {
    if code.is_empty() {
        Some("code_missing")
    } else if code.chars().count() > MAX_CODE_LEN {
        Some("code_too_long")
    } else if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        Some("code_characters")
    } else {
        None
    }
}

/// Every consistency rule of RULES.md §2.3 and the element requirements, on one matter's
/// content. Empty when it may be saved.
pub fn problems(doc: &MatterDoc) -> Vec<Problem> {
    let mut out = Vec::new();
    let blank = |s: &str| s.trim().is_empty();
    if blank(&doc.name) {
        out.push(problem(Field::Name, "name_missing"));
    } else if doc.name.chars().count() > 200 {
        // GB/T 39046 表4: 事项名称 an..200.
        out.push(problem(Field::Name, "name_too_long"));
    } else if crate::text::has_forbidden_char_in_line(&doc.name) {
        // One line without controls or bidi overrides, whichever way the matter came in.
        out.push(problem(Field::Name, "name_invalid_chars"));
    }
    // A local kind must at least be a code the table leaves open; the district's dictionary
    // decides the rest.
    if let MatterKind::Local(code) = &doc.kind {
        if !local_code_ok(code) {
            out.push(problem(Field::Kind, "kind_unknown"));
        }
    }
    if doc.audiences.is_empty() {
        out.push(problem(Field::Audiences, "audiences_missing"));
    }
    if doc.legal_basis.iter().all(|b| blank(b)) {
        out.push(problem(Field::LegalBasis, "legal_basis_missing"));
    }
    if doc.kind.on_application() && blank(&doc.conditions) {
        out.push(problem(Field::Conditions, "conditions_missing"));
    }
    // 承诺时限 = 即办 ⇔ 办件类型 = 即办件.
    match (doc.case_type, doc.promised_days) {
        (CaseType::Instant, Some(_)) => {
            out.push(problem(Field::PromisedDays, "instant_has_promised_days"))
        }
        (CaseType::Promised, None) => {
            out.push(problem(Field::PromisedDays, "promised_days_missing"))
        }
        // 其他 (A.6 code 9) is neither on the spot nor promised: a limit is optional, but a
        // limit of nothing is not one.
        (CaseType::Promised | CaseType::Other, Some(0)) => {
            out.push(problem(Field::PromisedDays, "promised_days_zero"))
        }
        _ => {}
    }
    // 承诺办结时限 ≤ 法定办结时限.
    if let Some(p) = doc.promised_days {
        if doc.statutory_days > 0 && p > doc.statutory_days {
            out.push(problem(Field::PromisedDays, "promised_exceeds_statutory"));
        }
    }
    if doc.case_type == CaseType::Promised && doc.statutory_days == 0 {
        out.push(problem(Field::StatutoryDays, "statutory_days_missing"));
    }
    // 全程网办（Ⅳ级） ⇔ fully online; fully online ⇒ 到现场次数 = 0.
    if doc.fully_online != (doc.online_depth == OnlineDepth::FullyOnline) {
        out.push(problem(Field::FullyOnline, "fully_online_depth_mismatch"));
    }
    if doc.fully_online && doc.trips > 0 {
        out.push(problem(Field::Trips, "fully_online_needs_zero_trips"));
    }
    if doc.fully_online && !doc.handling_forms.contains(&HandlingForm::Desktop) {
        out.push(problem(Field::HandlingForms, "fully_online_needs_desktop"));
    }
    // 到现场次数 ≠ 0 ⇒ 必须现场办理原因.
    if doc.trips > 0 && blank(&doc.trips_reason) {
        out.push(problem(Field::TripsReason, "trips_reason_missing"));
    }
    if doc.trips == 0 && !blank(&doc.trips_reason) {
        out.push(problem(Field::TripsReason, "trips_reason_without_trips"));
    }
    // 到现场次数 = 0 ⇒ an online or postal channel.
    if doc.handling_forms.is_empty() {
        out.push(problem(Field::HandlingForms, "handling_forms_missing"));
    } else if doc.trips == 0
        && !doc.handling_forms.iter().any(|f| {
            matches!(
                f,
                HandlingForm::Desktop | HandlingForm::Mobile | HandlingForm::Post
            )
        })
    {
        out.push(problem(
            Field::HandlingForms,
            "zero_trips_needs_remote_channel",
        ));
    }
    // 是否收费 = 是 ⇒ 收费依据、收费标准.
    if let Some(fee) = &doc.fee {
        if blank(&fee.standard) {
            out.push(problem(Field::Fee, "fee_standard_missing"));
        }
        if blank(&fee.basis) {
            out.push(problem(Field::FeeBasis, "fee_basis_missing"));
        }
    }
    // 咨询电话 ≠ 监督（投诉）电话.
    if blank(&doc.consult_phone) {
        out.push(problem(Field::ConsultPhone, "consult_phone_missing"));
    }
    if blank(&doc.complaint_phone) {
        out.push(problem(Field::ComplaintPhone, "complaint_phone_missing"));
    } else if normalise_phone(&doc.consult_phone) == normalise_phone(&doc.complaint_phone) {
        out.push(problem(
            Field::ComplaintPhone,
            "complaint_phone_same_as_consult",
        ));
    }
    if doc.kind.on_application() {
        if blank(&doc.place) {
            out.push(problem(Field::Place, "place_missing"));
        }
        if blank(&doc.hours) {
            out.push(problem(Field::Hours, "hours_missing"));
        }
    }
    match doc.disposition.kind {
        DispositionKind::Retain => {}
        DispositionKind::Delegate => {
            if doc.disposition.delegate_to.as_deref().is_none_or(blank) {
                out.push(problem(Field::DelegateTo, "delegate_to_missing"));
            }
        }
        _ => {
            if blank(&doc.disposition.note) {
                out.push(problem(Field::DispositionNote, "disposition_note_missing"));
            }
        }
    }
    if doc.disposition.kind != DispositionKind::Delegate && doc.disposition.delegate_to.is_some() {
        out.push(problem(Field::DelegateTo, "delegate_to_without_delegation"));
    }
    let mut seen = std::collections::HashSet::new();
    for m in &doc.materials {
        if blank(&m.name) {
            out.push(problem(Field::Materials, "material_name_missing"));
        } else if !seen.insert(m.name.trim()) {
            out.push(problem(Field::Materials, "material_duplicate"));
        }
        if m.copies == 0 {
            out.push(problem(Field::Materials, "material_copies_zero"));
        }
        if m.necessity == Necessity::Conditional && blank(&m.condition) {
            out.push(problem(Field::Materials, "material_condition_missing"));
        }
        // An attached file means the form or sample exists.
        if (m.blank_form_file.is_some() && !m.blank_form) || (m.sample_file.is_some() && !m.sample)
        {
            out.push(problem(Field::Materials, "material_file_without_flag"));
        }
    }
    if !super::check_definition(&doc.form).is_empty() {
        out.push(problem(Field::Form, "form_invalid"));
    }
    out
}

/// Phone numbers compare without spaces and dashes: `0571-8888 0000` is `057188880000`.
fn normalise_phone(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// How much a promised limit compresses the statutory one: 1 − promised ÷ statutory, for a
/// matter with both (the reform reports' 压缩比).
pub fn compression(doc: &MatterDoc) -> Option<f64> {
    match (doc.statutory_days, doc.promised_days) {
        (s, Some(p)) if s > 0 => Some(1.0 - f64::from(p) / f64::from(s)),
        (s, None) if s > 0 && doc.case_type == CaseType::Instant => Some(1.0),
        _ => None,
    }
}

/// Splits a cell that lists several values (`、`, `；`, `;`, `,`, `，` or new lines).
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['、', '；', ';', '，', ',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> MatterDoc {
        MatterDoc {
            name: "食品经营许可（新办）".to_owned(),
            kind: MatterKind::Licensing,
            tier: Tier::Item,
            level: Level::County,
            body_nature: BodyNature::Statutory,
            audiences: vec![Audience::Enterprise, Audience::Person],
            legal_basis: vec!["《中华人民共和国食品安全法》第三十五条".to_owned()],
            conditions: "已取得营业执照".to_owned(),
            statutory_days: 20,
            promised_days: Some(5),
            case_type: CaseType::Promised,
            fee: None,
            process_key: Some("licence_approval".to_owned()),
            trips: 0,
            trips_reason: String::new(),
            online_depth: OnlineDepth::FullyOnline,
            fully_online: true,
            handling_forms: vec![HandlingForm::Desktop, HandlingForm::Window],
            place: "政务服务中心一楼".to_owned(),
            hours: "工作日 9:00-17:00".to_owned(),
            consult_phone: "0571-88880001".to_owned(),
            complaint_phone: "12345".to_owned(),
            special_procedures: vec![],
            result_name: "食品经营许可证".to_owned(),
            disposition: Disposition::default(),
            life_events: vec!["开餐馆".to_owned()],
            materials: vec![Material {
                name: "食品经营许可申请书".to_owned(),
                form: MaterialForm::Original,
                copies: 1,
                necessity: Necessity::Required,
                condition: String::new(),
                source: MaterialSource::Applicant,
                blank_form: true,
                sample: true,
                blank_form_file: None,
                sample_file: None,
                deferrable: false,
                by_commitment: false,
            }],
            form: Vec::new(),
        }
    }

    fn codes(d: &MatterDoc) -> Vec<&'static str> {
        problems(d).into_iter().map(|p| p.code).collect()
    }

    #[test]
    fn a_complete_matter_has_no_problems() {
        assert_eq!(codes(&doc()), Vec::<&str>::new());
    }

    #[test]
    fn gb_t_39046_table_a1_kind_codes_and_labels() {
        let a1 = MatterKind::A1;
        let pairs: Vec<(&str, &str)> = a1
            .iter()
            .map(|k| (k.code(), k.a1_label_zh().unwrap()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("01", "行政许可"),
                ("02", "行政处罚"),
                ("03", "行政强制"),
                ("04", "行政征收"),
                ("05", "行政给付"),
                ("06", "行政检查"),
                ("07", "行政确认"),
                ("08", "行政奖励"),
                ("09", "行政裁决"),
                ("10", "其他行政权力"),
                ("20", "公共服务"),
            ]
        );
        assert_eq!(
            MatterKind::parse_a1("其他类别事项"),
            Some(MatterKind::OtherPower)
        );
        assert_eq!(MatterKind::parse_a1("20"), Some(MatterKind::PublicService));
        assert_eq!(MatterKind::parse_a1("行政备案"), None);
        assert_eq!(MatterKind::parse_a1("30"), None);
    }

    #[test]
    fn gbt_39046_table_a1_local_extension_codes() {
        // The table leaves 11–19 (under 00, the powers) and 21 onwards (under 20, the public
        // services) to local extensions; its own codes stay its own.
        for c in ["11", "19", "21", "30", "31", "99"] {
            assert_eq!(
                MatterKind::from_code(c),
                Some(MatterKind::Local(c.to_owned())),
                "{c}"
            );
        }
        assert_eq!(MatterKind::from_code("10"), Some(MatterKind::OtherPower));
        assert_eq!(MatterKind::from_code("20"), Some(MatterKind::PublicService));
        for c in ["00", "1", "100", "3a", "行政备案", ""] {
            assert_eq!(MatterKind::from_code(c), None, "{c}");
        }
        assert!(MatterKind::Local("11".to_owned()).is_power());
        assert!(!MatterKind::Local("31".to_owned()).is_power());
        assert!(MatterKind::Local("30".to_owned()).on_application());
        // A local kind with a code the table leaves open passes the rules (the dictionary is
        // the application's check); anything else is refused on the kind.
        let mut d = doc();
        d.kind = MatterKind::Local("30".to_owned());
        assert_eq!(codes(&d), Vec::<&str>::new());
        for bad in ["行政备案", "05", "00", "300"] {
            d.kind = MatterKind::Local(bad.to_owned());
            assert_eq!(codes(&d), ["kind_unknown"], "{bad}");
        }
    }

    #[test]
    fn stored_kinds_read_back_and_local_kinds_are_written_by_code() {
        // Every version stored so far names its A.1 kind (`licensing`); that stays readable and
        // is still what is written, so an unchanged matter compares equal to its stored text.
        let stored = serde_json::to_value(doc()).unwrap();
        assert_eq!(stored["kind"], "licensing");
        let back: MatterDoc = serde_json::from_value(stored.clone()).unwrap();
        assert_eq!(back, doc());
        for (written, kind) in [
            ("public_service", MatterKind::PublicService),
            ("other_power", MatterKind::OtherPower),
            ("01", MatterKind::Licensing),
            ("行政确认", MatterKind::Confirmation),
            ("30", MatterKind::Local("30".to_owned())),
        ] {
            let mut v = stored.clone();
            v["kind"] = serde_json::json!(written);
            let d: MatterDoc = serde_json::from_value(v).unwrap();
            assert_eq!(d.kind, kind, "{written}");
        }
        let mut d = doc();
        d.kind = MatterKind::Local("30".to_owned());
        assert_eq!(serde_json::to_value(&d).unwrap()["kind"], "30");
    }

    #[test]
    fn gb_t_39046_tables_a2_to_a6_codes() {
        assert_eq!(Level::parse("县级"), Some(Level::County));
        assert_eq!(Level::Township.code(), "5");
        assert_eq!(BodyNature::parse("受委托组织"), Some(BodyNature::Entrusted));
        assert_eq!(BodyNature::default().code(), "1");
        assert_eq!(Audience::parse("2"), Some(Audience::Enterprise));
        assert_eq!(HandlingForm::Post.label_zh(), "快递申请");
        assert_eq!(CaseType::parse("即办件"), Some(CaseType::Instant));
        assert_eq!(CaseType::Promised.code(), "2");
    }

    #[test]
    fn gbt_39046_table_a6_other_is_9() {
        let table: Vec<(&str, &str)> = CaseType::ALL
            .iter()
            .map(|c| (c.code(), c.label_zh()))
            .collect();
        assert_eq!(table, [("1", "即办件"), ("2", "承诺件"), ("9", "其他")]);
        assert_eq!(CaseType::parse("9"), Some(CaseType::Other));
        assert_eq!(CaseType::parse("其他"), Some(CaseType::Other));
        assert_eq!(serde_json::to_value(CaseType::Other).unwrap(), "other");
        // 其他 is neither on the spot nor promised: with or without a promised limit, but
        // not a limit of zero days.
        let mut d = doc();
        d.case_type = CaseType::Other;
        assert_eq!(codes(&d), Vec::<&str>::new());
        d.promised_days = None;
        assert_eq!(codes(&d), Vec::<&str>::new());
        d.promised_days = Some(0);
        assert_eq!(codes(&d), ["promised_days_zero"]);
    }

    #[test]
    fn gbt_39046_table_a7_codes_are_not_procedure_kinds() {
        let a7: Vec<(&str, &str)> = SpecialProcedureCode::ALL
            .iter()
            .map(|c| (c.code(), c.label_zh()))
            .collect();
        assert_eq!(a7, [("1", "延长审批"), ("2", "除延长审批之外的情况")]);
        for p in SpecialProcedure::ALL {
            // A kind's code is a word, never a number A.7 could mean something else by.
            assert!(
                SpecialProcedureCode::parse(p.code()).is_none(),
                "{}",
                p.code()
            );
            assert!(p.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            // None of the eight is the extension.
            assert_eq!(p.a7_code(), SpecialProcedureCode::Other);
        }
        // The kind's own reader does not take A.7 numbers …
        assert_eq!(SpecialProcedure::parse("1"), None);
        assert_eq!(SpecialProcedure::parse("2"), None);
        assert_eq!(
            SpecialProcedureCode::parse("1"),
            Some(SpecialProcedureCode::Extension)
        );
        // … and a file cell reads an old number with the meaning it was written with.
        let old: Vec<Option<SpecialProcedure>> = ["1", "2", "3", "4", "5", "6", "0"]
            .into_iter()
            .map(SpecialProcedure::parse_cell)
            .collect();
        assert_eq!(
            old,
            [
                Some(SpecialProcedure::Hearing),
                Some(SpecialProcedure::Inspection),
                Some(SpecialProcedure::Testing),
                Some(SpecialProcedure::Appraisal),
                Some(SpecialProcedure::ExpertReview),
                None,
                None,
            ]
        );
        assert_eq!(
            SpecialProcedure::parse_cell("检疫"),
            Some(SpecialProcedure::Quarantine)
        );
        assert_eq!(
            SpecialProcedure::parse_cell("bidding"),
            Some(SpecialProcedure::Bidding)
        );
    }

    #[test]
    fn xingzheng_xukefa_di45tiao_eight_special_procedures() {
        // 行政许可法第四十五条: 听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审.
        let labels: Vec<&str> = SpecialProcedure::ALL.iter().map(|p| p.label_zh()).collect();
        assert_eq!(
            labels,
            [
                "听证",
                "招标",
                "拍卖",
                "检验",
                "检测",
                "检疫",
                "鉴定",
                "专家评审"
            ]
        );
        let mut keys: Vec<&str> = SpecialProcedure::ALL.iter().map(|p| p.code()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 8);
        // A document names them by their codes, which are the names stored versions have.
        for p in SpecialProcedure::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), p.code());
        }
        let stored: Vec<SpecialProcedure> = serde_json::from_str(
            r#"["hearing", "inspection", "testing", "appraisal", "expert_review"]"#,
        )
        .unwrap();
        assert_eq!(
            stored,
            [
                SpecialProcedure::Hearing,
                SpecialProcedure::Inspection,
                SpecialProcedure::Testing,
                SpecialProcedure::Appraisal,
                SpecialProcedure::ExpertReview
            ]
        );
    }

    #[test]
    fn rules_2_1_haoping_covers_matters_on_application_only() {
        let on: Vec<_> = MatterKind::A1
            .into_iter()
            .filter(|k| !k.on_application())
            .collect();
        assert_eq!(
            on,
            [
                MatterKind::Penalty,
                MatterKind::Coercion,
                MatterKind::Levy,
                MatterKind::Inspection
            ]
        );
    }

    #[test]
    fn wenzhou_qa_instant_case_iff_no_promised_days() {
        let mut d = doc();
        d.case_type = CaseType::Instant;
        assert_eq!(codes(&d), ["instant_has_promised_days"]);
        d.promised_days = None;
        assert!(codes(&d).is_empty());
        d.case_type = CaseType::Promised;
        assert_eq!(codes(&d), ["promised_days_missing"]);
    }

    #[test]
    fn rules_2_3_promised_limit_not_longer_than_statutory() {
        let mut d = doc();
        d.promised_days = Some(20);
        assert!(codes(&d).is_empty(), "equal is allowed");
        d.promised_days = Some(21);
        assert_eq!(codes(&d), ["promised_exceeds_statutory"]);
        assert_eq!(compression(&doc()), Some(0.75));
    }

    #[test]
    fn wenzhou_qa_fully_online_level_iv_means_zero_trips() {
        let mut d = doc();
        d.trips = 1;
        d.trips_reason = "需现场核验原件".to_owned();
        assert_eq!(codes(&d), ["fully_online_needs_zero_trips"]);
        d.online_depth = OnlineDepth::PreReview;
        assert_eq!(
            codes(&d),
            [
                "fully_online_depth_mismatch",
                "fully_online_needs_zero_trips"
            ]
        );
        d.fully_online = false;
        assert!(codes(&d).is_empty());
    }

    #[test]
    fn wenzhou_qa_trips_need_a_reason() {
        let mut d = doc();
        d.fully_online = false;
        d.online_depth = OnlineDepth::PreReview;
        d.trips = 2;
        assert_eq!(codes(&d), ["trips_reason_missing"]);
        d.trips_reason = "需现场勘验".to_owned();
        assert!(codes(&d).is_empty());
    }

    #[test]
    fn wenzhou_qa_zero_trips_without_online_needs_post() {
        let mut d = doc();
        d.fully_online = false;
        d.online_depth = OnlineDepth::Published;
        d.handling_forms = vec![HandlingForm::Window];
        assert_eq!(codes(&d), ["zero_trips_needs_remote_channel"]);
        d.handling_forms.push(HandlingForm::Post);
        assert!(codes(&d).is_empty());
    }

    #[test]
    fn wenzhou_qa_fee_needs_standard_and_basis() {
        let mut d = doc();
        d.fee = Some(Fee {
            standard: "每件50元".to_owned(),
            basis: String::new(),
        });
        assert_eq!(codes(&d), ["fee_basis_missing"]);
        d.fee = Some(Fee {
            standard: "每件50元".to_owned(),
            basis: "发改价格〔2017〕1186号".to_owned(),
        });
        assert!(codes(&d).is_empty());
    }

    #[test]
    fn wenzhou_qa_consultation_phone_differs_from_complaint_phone() {
        let mut d = doc();
        d.complaint_phone = "0571 8888 0001".to_owned();
        assert_eq!(codes(&d), ["complaint_phone_same_as_consult"]);
    }

    #[test]
    fn reform_dispositions_carry_what_they_need() {
        let mut d = doc();
        d.disposition = Disposition {
            kind: DispositionKind::Delegate,
            note: String::new(),
            delegate_to: None,
        };
        assert_eq!(codes(&d), ["delegate_to_missing"]);
        d.disposition.delegate_to = Some("S01".to_owned());
        assert!(codes(&d).is_empty());
        d.disposition.kind = DispositionKind::Cancel;
        assert_eq!(
            codes(&d),
            ["disposition_note_missing", "delegate_to_without_delegation"]
        );
    }

    #[test]
    fn materials_are_named_once_and_conditional_ones_say_when() {
        let mut d = doc();
        let m = d.materials[0].clone();
        d.materials.push(m);
        d.materials.push(Material {
            name: "授权委托书".to_owned(),
            necessity: Necessity::Conditional,
            ..d.materials[0].clone()
        });
        assert_eq!(
            codes(&d),
            ["material_duplicate", "material_condition_missing"]
        );
    }

    #[test]
    fn rules_2_4_codes_are_opaque_up_to_50_characters() {
        assert_eq!(code_problem("XK-D04-0012-01-01"), None);
        assert_eq!(code_problem("12441500196720244T0000000000001"), None);
        assert_eq!(code_problem(&"A".repeat(50)), None);
        assert_eq!(code_problem(&"A".repeat(51)), Some("code_too_long"));
        assert_eq!(code_problem("许可1"), Some("code_characters"));
        assert_eq!(code_problem(""), Some("code_missing"));
    }

    #[test]
    fn the_hierarchy_is_main_sub_item() {
        assert!(Tier::Main.fits_under(None));
        assert!(Tier::Sub.fits_under(Some(Tier::Main)));
        assert!(Tier::Item.fits_under(Some(Tier::Sub)));
        assert!(Tier::Item.fits_under(Some(Tier::Main)));
        assert!(!Tier::Sub.fits_under(None));
        assert!(!Tier::Main.fits_under(Some(Tier::Main)));
        assert!(!Tier::Sub.fits_under(Some(Tier::Item)));
    }

    #[test]
    fn list_cells_split_on_chinese_and_ascii_separators() {
        assert_eq!(
            split_list("自然人、企业法人；事业法人,其他组织"),
            ["自然人", "企业法人", "事业法人", "其他组织"]
        );
    }
}

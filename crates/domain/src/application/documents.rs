//! The written notices and decisions of an application (行政许可法第三十二条第二款: 加盖本行政
//! 机关专用印章和注明日期的书面凭证; 第三十八条, 第四十二条, 第四十五条). Each is composed once,
//! numbered, stored and never rewritten: the applicant reads what was sent.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::code::code_enum;

code_enum! {
    /// The kinds of document an application produces.
    pub enum DocumentKind {
        /// 受理通知书 (第三十二条(五)).
        AcceptanceNotice = "acceptance_notice",
        /// 补正告知书 (第三十二条(四)): every item at once.
        CorrectionNotice = "correction_notice",
        /// 不予受理决定书 (第三十二条(一)(二)), with the reason and, for (二), the authority to apply to.
        NonAcceptance = "non_acceptance",
        /// 准予行政许可决定书 (第三十八条第一款).
        GrantDecision = "grant_decision",
        /// 不予行政许可决定书 (第三十八条第二款): reasons and the right to reconsideration or litigation.
        DenialDecision = "denial_decision",
        /// 特别程序告知书 (第四十五条): the procedure and its expected length.
        SpecialProcedureNotice = "special_procedure_notice",
        /// 延期告知书 (第四十二条): the extension and its reason.
        ExtensionNotice = "extension_notice",
    }
}

impl DocumentKind {
    pub fn title_zh(self) -> &'static str {
        match self {
            DocumentKind::AcceptanceNotice => "受理通知书",
            DocumentKind::CorrectionNotice => "补正告知书",
            DocumentKind::NonAcceptance => "不予受理决定书",
            DocumentKind::GrantDecision => "准予行政许可决定书",
            DocumentKind::DenialDecision => "不予行政许可决定书",
            DocumentKind::SpecialProcedureNotice => "特别程序告知书",
            DocumentKind::ExtensionNotice => "延期告知书",
        }
    }

    /// The word of the document number (文号) that tells the kinds apart.
    fn number_word(self) -> &'static str {
        match self {
            DocumentKind::AcceptanceNotice => "受",
            DocumentKind::CorrectionNotice => "补",
            DocumentKind::NonAcceptance => "不受",
            DocumentKind::GrantDecision => "准",
            DocumentKind::DenialDecision => "不准",
            DocumentKind::SpecialProcedureNotice => "特",
            DocumentKind::ExtensionNotice => "延",
        }
    }
}

/// The short name of a department used in document numbers: its name without the district
/// prefix (up to the first 区/县/市) and without the closing 局/委员会/办公室, two characters at
/// most, as 市场监督管理局 → 市场.
pub fn department_abbreviation(name: &str) -> String {
    let mut rest = name;
    for mark in ['区', '县', '市'] {
        if let Some((head, tail)) = rest.split_once(mark) {
            // Only a short prefix is a place name (示范区); 市场监督管理局 keeps its 市.
            if head.chars().count() <= 4
                && !tail.is_empty()
                && !(head.is_empty() && tail.starts_with('场'))
            {
                rest = tail;
                break;
            }
        }
    }
    // 行政审批局 is known by what it does: 审批.
    if rest.chars().count() > 4 {
        rest = rest.strip_prefix("行政").unwrap_or(rest);
    }
    let short: String = rest.chars().take(2).collect();
    if short.is_empty() {
        "本机关".to_owned()
    } else {
        short
    }
}

/// The document number (文号): 市场许受字〔2026〕3号 for the third acceptance notice the
/// department issued in 2026.
pub fn document_number(department: &str, kind: DocumentKind, on: NaiveDate, seq: i64) -> String {
    format!(
        "{}许{}字〔{}〕{}号",
        department_abbreviation(department),
        kind.number_word(),
        on.year(),
        seq
    )
}

/// What a document is written from.
#[derive(Debug, Clone, Default)]
pub struct DocumentFacts {
    pub applicant: String,
    pub matter: String,
    /// 办件编号.
    pub application_number: String,
    pub received_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    /// The correction items, the procedure, the reasons — what the kind needs.
    pub items: Vec<String>,
    pub reason: String,
    /// The authority to apply to instead (第三十二条(二)).
    pub competent: String,
    pub workdays: u32,
    pub licence_number: String,
    /// The body that hears reconsideration (行政复议机关), for a denial.
    pub reconsideration_body: String,
}

/// A composed document: the addressee, the paragraphs, the issuing department and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentBody {
    pub title: String,
    pub to: String,
    pub paragraphs: Vec<String>,
    pub issuer: String,
    pub issued_on: NaiveDate,
}

/// Composes a document of `kind` from `facts`.
pub fn compose(
    kind: DocumentKind,
    facts: &DocumentFacts,
    issuer: &str,
    on: NaiveDate,
) -> DocumentBody {
    let f = facts;
    let case = format!(
        "你（单位）于{}提出的{}申请（办件编号：{}）",
        date_zh(f.received_on.unwrap_or(on)),
        f.matter,
        f.application_number
    );
    let numbered = |items: &[String]| -> Vec<String> {
        items
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {}", i + 1, s))
            .collect()
    };
    let mut paragraphs = Vec::new();
    match kind {
        DocumentKind::AcceptanceNotice => {
            paragraphs.push(format!(
                "{case}，申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十二条第一款第（五）项的规定，本机关决定予以受理。受理日期：{}。",
                date_zh(f.accepted_on.unwrap_or(on))
            ));
            if let Some(due) = f.due {
                paragraphs.push(format!(
                    "本机关将在{}个工作日内（{}前，依法需要听证、检验、检测、鉴定、专家评审等的时间不计算在内）作出决定。",
                    f.workdays,
                    date_zh(due)
                ));
            }
            if !f.reason.is_empty() {
                paragraphs.push(f.reason.clone());
            }
        }
        DocumentKind::CorrectionNotice => {
            paragraphs.push(format!(
                "{case}，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次告知你（单位）需要补正的全部内容："
            ));
            paragraphs.extend(numbered(&f.items));
            paragraphs.push("请补正后重新提交。补正材料提交后，本机关将重新审查。".to_owned());
        }
        DocumentKind::NonAcceptance => {
            paragraphs.push(format!("{case}，经审查，{}。", f.reason));
            if f.competent.is_empty() {
                paragraphs.push("根据《中华人民共和国行政许可法》第三十二条第一款第（一）项的规定，该申请事项依法不需要取得行政许可，本机关决定不予受理。".to_owned());
            } else {
                paragraphs.push(format!(
                    "根据《中华人民共和国行政许可法》第三十二条第一款第（二）项的规定，该申请事项不属于本机关职权范围，本机关决定不予受理。请向{}申请。",
                    f.competent
                ));
            }
        }
        DocumentKind::GrantDecision => {
            paragraphs.push(format!(
                "{case}，本机关已于{}受理。经审查，申请符合法定条件、标准，根据《中华人民共和国行政许可法》第三十八条第一款的规定，决定准予行政许可。",
                date_zh(f.accepted_on.unwrap_or(on))
            ));
            if !f.reason.is_empty() {
                paragraphs.push(format!("审查意见：{}", f.reason));
            }
            if !f.licence_number.is_empty() {
                paragraphs.push(format!(
                    "本机关颁发电子证照，证照编号：{}。根据第四十四条的规定，本机关将自本决定作出之日起十日内颁发、送达行政许可证件。",
                    f.licence_number
                ));
            }
        }
        DocumentKind::DenialDecision => {
            paragraphs.push(format!(
                "{case}，本机关已于{}受理。经审查，申请不符合法定条件、标准，理由如下：",
                date_zh(f.accepted_on.unwrap_or(on))
            ));
            paragraphs.push(f.reason.clone());
            paragraphs.push(
                "根据《中华人民共和国行政许可法》第三十八条第二款的规定，本机关决定不予行政许可。"
                    .to_owned(),
            );
            paragraphs.push(format!(
                "如不服本决定，可以自收到本决定书之日起六十日内向{}申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。",
                if f.reconsideration_body.is_empty() {
                    "本级人民政府"
                } else {
                    &f.reconsideration_body
                }
            ));
        }
        DocumentKind::SpecialProcedureNotice => {
            paragraphs.push(format!(
                "{case}，因依法需要{}，根据《中华人民共和国行政许可法》第四十五条的规定，所需时间不计算在行政许可期限内。",
                f.items.join("、")
            ));
            paragraphs.push(format!("预计所需时间：{}个工作日。", f.workdays));
            if !f.reason.is_empty() {
                paragraphs.push(f.reason.clone());
            }
        }
        DocumentKind::ExtensionNotice => {
            paragraphs.push(format!(
                "{case}，因{}，不能在法定期限内作出决定。根据《中华人民共和国行政许可法》第四十二条的规定，经{}批准，办理期限延长{}个工作日{}。",
                f.reason,
                f.competent,
                f.workdays,
                f.due.map(|d| format!("，至{}", date_zh(d))).unwrap_or_default()
            ));
        }
    }
    DocumentBody {
        title: kind.title_zh().to_owned(),
        to: f.applicant.clone(),
        paragraphs,
        issuer: issuer.to_owned(),
        issued_on: on,
    }
}

/// 2026年12月7日.
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::check_round_trip;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> DocumentFacts {
        DocumentFacts {
            applicant: "张三".to_owned(),
            matter: "食品经营许可（新办）".to_owned(),
            application_number: "SQ20261207-000001".to_owned(),
            received_on: Some(d("2026-12-07")),
            ..DocumentFacts::default()
        }
    }

    #[test]
    fn codes_round_trip() {
        check_round_trip(DocumentKind::ALL, DocumentKind::as_str);
    }

    #[test]
    fn numbers_carry_the_department_the_kind_the_year_and_the_sequence() {
        assert_eq!(department_abbreviation("示范区市场监督管理局"), "市场");
        assert_eq!(department_abbreviation("市场监督管理局"), "市场");
        assert_eq!(department_abbreviation("示范区卫生健康委员会"), "卫生");
        assert_eq!(department_abbreviation(""), "本机关");
        assert_eq!(department_abbreviation("区行政审批局"), "审批");
        assert_eq!(department_abbreviation("区市场监管局"), "市场");
        assert_eq!(
            document_number(
                "示范区市场监督管理局",
                DocumentKind::AcceptanceNotice,
                d("2026-12-07"),
                3
            ),
            "市场许受字〔2026〕3号"
        );
        assert_eq!(
            document_number(
                "示范区市场监督管理局",
                DocumentKind::DenialDecision,
                d("2027-01-04"),
                1
            ),
            "市场许不准字〔2027〕1号"
        );
    }

    #[test]
    fn article_32_the_correction_notice_lists_every_item_at_once() {
        let body = compose(
            DocumentKind::CorrectionNotice,
            &DocumentFacts {
                items: vec!["营业执照复印件".to_owned(), "场所平面图".to_owned()],
                ..facts()
            },
            "示范区市场监督管理局",
            d("2026-12-08"),
        );
        assert_eq!(body.title, "补正告知书");
        assert!(body.paragraphs[0].contains("一次告知"));
        assert_eq!(body.paragraphs[1], "1. 营业执照复印件");
        assert_eq!(body.paragraphs[2], "2. 场所平面图");
    }

    #[test]
    fn article_32_a_refusal_for_the_wrong_authority_names_the_competent_one() {
        let body = compose(
            DocumentKind::NonAcceptance,
            &DocumentFacts {
                reason: "该事项由市级机关实施".to_owned(),
                competent: "市市场监督管理局".to_owned(),
                ..facts()
            },
            "示范区市场监督管理局",
            d("2026-12-08"),
        );
        assert!(body
            .paragraphs
            .iter()
            .any(|p| p.contains("请向市市场监督管理局申请")));
    }

    #[test]
    fn article_38_a_denial_states_reasons_and_the_right_to_reconsideration_or_litigation() {
        let body = compose(
            DocumentKind::DenialDecision,
            &DocumentFacts {
                reason: "经营场所与有毒有害场所距离不足25米".to_owned(),
                accepted_on: Some(d("2026-12-08")),
                ..facts()
            },
            "示范区市场监督管理局",
            d("2026-12-20"),
        );
        let text = body.paragraphs.join("\n");
        assert!(text.contains("经营场所与有毒有害场所距离不足25米"));
        assert!(text.contains("行政复议"));
        assert!(text.contains("行政诉讼"));
        assert!(text.contains("第三十八条第二款"));
    }
}

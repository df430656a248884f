//! The implementation plan (实施方案) as a document, and the rules of its life.
//!
//! A plan is drafted by the reform office as sections and clauses; a clause may give rise to
//! tasks. Before it binds anyone it is sent for consultation (征求意见) to chosen units with a
//! reply date; each unit answers once, with comments on named clauses or "无意见". The office
//! disposes of every comment (采纳 / 部分采纳 / 不采纳; the last two need a reason, because the
//! unit is owed an explanation), the plan is reviewed at a meeting whose record is attached,
//! submitted for approval (报审定), and approved, which publishes it as a numbered version. A
//! later revision reopens it as a draft of the next version; each published version keeps its
//! text, so revisions are shown as a diff.
//!
//! [`next_status`] is the whole state machine:
//!
//! | from         | step                   | to           | refused when |
//! |--------------|------------------------|--------------|--------------|
//! | draft        | send for consultation  | consultation | no clause, or no unit chosen |
//! | consultation | record the meeting     | reviewed     | a comment is not disposed of, or a unit has not replied and its reply date has not passed |
//! | reviewed     | submit for approval    | submitted    | — |
//! | submitted    | approve                | approved     | — (approval publishes the next version) |
//! | submitted    | send back              | draft        | — (a reason is required) |
//! | approved     | revise                 | draft        | — (the version number goes up by one) |
//!
//! Every other pair is refused with [`PlanError::StepNotAllowed`]. A unit that has not replied
//! by its date is chased once, the day after ([`consultation_chase_due`]); after that the office
//! may proceed without it, and the consultation report lists it as not having replied.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One clause of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    /// The part it belongs to, e.g. `一、深化放管服改革`.
    pub section: String,
    /// Its number, unique in the plan, e.g. `3` or `3.2`.
    pub number: String,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Consultation,
    Reviewed,
    Submitted,
    Approved,
}

crate::code::code_text!(PlanStatus {
    Draft = "draft",
    Consultation = "consultation",
    Reviewed = "reviewed",
    Submitted = "submitted",
    Approved = "approved",
});

impl PlanStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            PlanStatus::Draft => "草拟中",
            PlanStatus::Consultation => "征求意见中",
            PlanStatus::Reviewed => "已会议审议",
            PlanStatus::Submitted => "报审定中",
            PlanStatus::Approved => "已审定印发",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStep {
    SendForConsultation,
    RecordMeeting,
    Submit,
    Approve,
    SendBack,
    Revise,
}

impl PlanStep {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStep::SendForConsultation => "send_for_consultation",
            PlanStep::RecordMeeting => "record_meeting",
            PlanStep::Submit => "submit",
            PlanStep::Approve => "approve",
            PlanStep::SendBack => "send_back",
            PlanStep::Revise => "revise",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PlanStep::SendForConsultation => "印发征求意见",
            PlanStep::RecordMeeting => "会议审议",
            PlanStep::Submit => "报审定",
            PlanStep::Approve => "审定印发",
            PlanStep::SendBack => "退回修改",
            PlanStep::Revise => "启动修订",
        }
    }
}

/// What the state machine needs to know about the plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanFacts {
    pub clauses: usize,
    /// Units chosen for the consultation being sent.
    pub units_chosen: usize,
    /// Comments of the current round without a disposition.
    pub undisposed_comments: usize,
    /// Units of the current round that have not replied and whose reply date has not passed.
    pub replies_awaited: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{step:?} is not allowed while the plan is {from:?}")]
    StepNotAllowed { from: PlanStatus, step: PlanStep },
    #[error("the plan has no clause")]
    NoClauses,
    #[error("no unit was chosen for the consultation")]
    NoUnits,
    #[error("{0} comments are not disposed of")]
    CommentsOpen(usize),
    #[error("{0} units have not replied and their reply date has not passed")]
    RepliesAwaited(usize),
    #[error("a disposition other than adoption needs a reason")]
    ReasonRequired,
    #[error("clause {0:?} is numbered twice")]
    DuplicateClause(String),
    #[error("a clause lacks its number or its text")]
    EmptyClause,
}

impl PlanError {
    /// The machine-readable code the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::StepNotAllowed { .. } => "plan_step_not_allowed",
            PlanError::NoClauses => "plan_no_clauses",
            PlanError::NoUnits => "plan_no_units",
            PlanError::CommentsOpen(_) => "plan_comments_open",
            PlanError::RepliesAwaited(_) => "plan_replies_awaited",
            PlanError::ReasonRequired => "disposition_reason_required",
            PlanError::DuplicateClause(_) => "plan_clause_duplicate",
            PlanError::EmptyClause => "plan_clause_empty",
        }
    }

    /// The argument of the message, if any.
    pub fn arg(&self) -> Option<String> {
        match self {
            PlanError::StepNotAllowed { from, step } => {
                Some(format!("{}（{}）", step.label_zh(), from.label_zh()))
            }
            PlanError::CommentsOpen(n) | PlanError::RepliesAwaited(n) => Some(n.to_string()),
            PlanError::DuplicateClause(n) => Some(n.clone()),
            _ => None,
        }
    }
}

/// The status a plan moves to by `step`, by the table in the module documentation.
pub fn next_status(
    from: PlanStatus,
    step: PlanStep,
    facts: &PlanFacts,
) -> Result<PlanStatus, PlanError> {
    use PlanStatus as S;
    use PlanStep as P;
    match (from, step) {
        (S::Draft, P::SendForConsultation) => {
            if facts.clauses == 0 {
                Err(PlanError::NoClauses)
            } else if facts.units_chosen == 0 {
                Err(PlanError::NoUnits)
            } else {
                Ok(S::Consultation)
            }
        }
        (S::Consultation, P::RecordMeeting) => {
            if facts.undisposed_comments > 0 {
                Err(PlanError::CommentsOpen(facts.undisposed_comments))
            } else if facts.replies_awaited > 0 {
                Err(PlanError::RepliesAwaited(facts.replies_awaited))
            } else {
                Ok(S::Reviewed)
            }
        }
        (S::Reviewed, P::Submit) => Ok(S::Submitted),
        (S::Submitted, P::Approve) => Ok(S::Approved),
        (S::Submitted, P::SendBack) | (S::Approved, P::Revise) => Ok(S::Draft),
        _ => Err(PlanError::StepNotAllowed { from, step }),
    }
}

/// The office's answer to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// 采纳
    Adopted,
    /// 部分采纳
    Partly,
    /// 不采纳
    Rejected,
}

crate::code::code_text!(Disposition {
    Adopted = "adopted",
    Partly = "partly",
    Rejected = "rejected",
});

impl Disposition {
    pub fn label_zh(self) -> &'static str {
        match self {
            Disposition::Adopted => "采纳",
            Disposition::Partly => "部分采纳",
            Disposition::Rejected => "不采纳",
        }
    }

    /// A partial adoption or a rejection must say why.
    pub fn check(self, reason: &str) -> Result<(), PlanError> {
        if self != Disposition::Adopted && reason.trim().is_empty() {
            Err(PlanError::ReasonRequired)
        } else {
            Ok(())
        }
    }
}

/// Every clause has a number and a text, and no number is used twice.
pub fn check_clauses(clauses: &[Clause]) -> Result<(), PlanError> {
    let mut seen = std::collections::BTreeSet::new();
    for c in clauses {
        if c.number.trim().is_empty() || c.body.trim().is_empty() {
            return Err(PlanError::EmptyClause);
        }
        if !seen.insert(c.number.trim()) {
            return Err(PlanError::DuplicateClause(c.number.trim().to_owned()));
        }
    }
    Ok(())
}

/// How a clause changed between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum ClauseChange {
    Added {
        number: String,
        after: String,
    },
    Removed {
        number: String,
        before: String,
    },
    Changed {
        number: String,
        before: String,
        after: String,
    },
}

impl ClauseChange {
    pub fn number(&self) -> &str {
        match self {
            ClauseChange::Added { number, .. }
            | ClauseChange::Removed { number, .. }
            | ClauseChange::Changed { number, .. } => number,
        }
    }
}

/// The clauses added, removed and changed (in text or section) from `old` to `new`, matched by
/// number, in the order of `new` with removed clauses after.
pub fn clause_diff(old: &[Clause], new: &[Clause]) -> Vec<ClauseChange> {
    let before: BTreeMap<&str, &Clause> = old.iter().map(|c| (c.number.as_str(), c)).collect();
    let mut out = Vec::new();
    for c in new {
        match before.get(c.number.as_str()) {
            None => out.push(ClauseChange::Added {
                number: c.number.clone(),
                after: c.body.clone(),
            }),
            Some(o) if o.body != c.body || o.section != c.section => {
                out.push(ClauseChange::Changed {
                    number: c.number.clone(),
                    before: o.body.clone(),
                    after: c.body.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for o in old {
        if !new.iter().any(|c| c.number == o.number) {
            out.push(ClauseChange::Removed {
                number: o.number.clone(),
                before: o.body.clone(),
            });
        }
    }
    out
}

/// Reads a plan's text as the office types it: a line such as `一、深化放管服改革` opens a part;
/// a line starting with a number (`3`, `3.2`, followed by a space, `、` or `．`) is a clause;
/// any other line continues the clause before it. Blank lines are ignored.
pub fn parse_plan_text(text: &str) -> Result<Vec<Clause>, PlanError> {
    let mut section = String::new();
    let mut out: Vec<Clause> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let head: String = line.chars().take(4).collect();
        if line
            .chars()
            .next()
            .is_some_and(|c| "一二三四五六七八九十".contains(c))
            && head.contains('、')
        {
            section = line.to_owned();
            continue;
        }
        let number: String = line
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let rest = &line[number.len()..];
        let starts_body = rest.starts_with([' ', '\t', '、', '．', '\u{3000}']);
        if !number.is_empty()
            && number.chars().next().is_some_and(|c| c.is_ascii_digit())
            && starts_body
        {
            let body = rest
                .trim_start_matches([' ', '\t', '、', '．', '\u{3000}'])
                .trim();
            out.push(Clause {
                section: section.clone(),
                number: number.trim_end_matches('.').to_owned(),
                body: body.to_owned(),
            });
        } else if let Some(last) = out.last_mut() {
            last.body.push('\n');
            last.body.push_str(line);
        } else {
            return Err(PlanError::EmptyClause);
        }
    }
    check_clauses(&out)?;
    Ok(out)
}

/// Writes clauses back as [`parse_plan_text`] reads them.
pub fn render_plan_text(clauses: &[Clause]) -> String {
    let mut out = String::new();
    let mut section: Option<&str> = None;
    for c in clauses {
        if section != Some(c.section.as_str()) {
            if !c.section.is_empty() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&c.section);
                out.push('\n');
            }
            section = Some(c.section.as_str());
        }
        out.push_str(&c.number);
        out.push(' ');
        out.push_str(&c.body);
        out.push('\n');
    }
    out
}

/// A unit that has not replied is chased once, from the day after its reply date.
pub fn consultation_chase_due(reply_due: NaiveDate, today: NaiveDate, replied: bool) -> bool {
    !replied && today > reply_due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(n: &str, body: &str) -> Clause {
        Clause {
            section: "一".to_owned(),
            number: n.to_owned(),
            body: body.to_owned(),
        }
    }

    #[test]
    fn the_plan_goes_through_consultation_meeting_and_approval() {
        let facts = PlanFacts {
            clauses: 3,
            units_chosen: 2,
            ..PlanFacts::default()
        };
        let mut s = PlanStatus::Draft;
        for step in [
            PlanStep::SendForConsultation,
            PlanStep::RecordMeeting,
            PlanStep::Submit,
            PlanStep::Approve,
        ] {
            s = next_status(s, step, &facts).unwrap();
        }
        assert_eq!(s, PlanStatus::Approved);
        assert_eq!(
            next_status(s, PlanStep::Revise, &facts),
            Ok(PlanStatus::Draft)
        );
    }

    #[test]
    fn consultation_needs_clauses_and_units() {
        let none = PlanFacts::default();
        assert_eq!(
            next_status(PlanStatus::Draft, PlanStep::SendForConsultation, &none),
            Err(PlanError::NoClauses)
        );
        let no_units = PlanFacts { clauses: 1, ..none };
        assert_eq!(
            next_status(PlanStatus::Draft, PlanStep::SendForConsultation, &no_units),
            Err(PlanError::NoUnits)
        );
    }

    #[test]
    fn the_meeting_waits_for_dispositions_and_replies_still_due() {
        let open = PlanFacts {
            undisposed_comments: 2,
            replies_awaited: 1,
            ..PlanFacts::default()
        };
        assert_eq!(
            next_status(PlanStatus::Consultation, PlanStep::RecordMeeting, &open),
            Err(PlanError::CommentsOpen(2))
        );
        let awaited = PlanFacts {
            replies_awaited: 1,
            ..PlanFacts::default()
        };
        assert_eq!(
            next_status(PlanStatus::Consultation, PlanStep::RecordMeeting, &awaited),
            Err(PlanError::RepliesAwaited(1))
        );
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        let f = PlanFacts::default();
        for (from, step) in [
            (PlanStatus::Draft, PlanStep::Approve),
            (PlanStatus::Draft, PlanStep::Submit),
            (PlanStatus::Consultation, PlanStep::Approve),
            (PlanStatus::Reviewed, PlanStep::Approve),
            (PlanStatus::Approved, PlanStep::SendForConsultation),
            (PlanStatus::Submitted, PlanStep::Revise),
        ] {
            assert_eq!(
                next_status(from, step, &f),
                Err(PlanError::StepNotAllowed { from, step })
            );
        }
        assert_eq!(
            next_status(PlanStatus::Submitted, PlanStep::SendBack, &f),
            Ok(PlanStatus::Draft)
        );
    }

    #[test]
    fn only_adoption_may_go_without_a_reason() {
        assert_eq!(Disposition::Adopted.check(""), Ok(()));
        assert_eq!(
            Disposition::Partly.check("  "),
            Err(PlanError::ReasonRequired)
        );
        assert_eq!(Disposition::Rejected.check("与上位法不一致"), Ok(()));
        for d in [
            Disposition::Adopted,
            Disposition::Partly,
            Disposition::Rejected,
        ] {
            assert_eq!(d.as_str().parse::<Disposition>(), Ok(d));
        }
    }

    #[test]
    fn clauses_are_numbered_once_and_not_empty() {
        assert_eq!(
            check_clauses(&[clause("1", "a"), clause("1", "b")]),
            Err(PlanError::DuplicateClause("1".to_owned()))
        );
        assert_eq!(
            check_clauses(&[clause("1", " ")]),
            Err(PlanError::EmptyClause)
        );
        assert_eq!(check_clauses(&[clause("1", "a"), clause("2", "b")]), Ok(()));
    }

    #[test]
    fn a_revision_diffs_by_clause_number() {
        let v1 = [
            clause("1", "公布清单"),
            clause("2", "一网通办"),
            clause("3", "旧条款"),
        ];
        let v2 = [
            clause("1", "公布清单"),
            clause("2", "一网通办，95%可网办"),
            clause("4", "新条款"),
        ];
        let d = clause_diff(&v1, &v2);
        assert_eq!(
            d,
            vec![
                ClauseChange::Changed {
                    number: "2".to_owned(),
                    before: "一网通办".to_owned(),
                    after: "一网通办，95%可网办".to_owned()
                },
                ClauseChange::Added {
                    number: "4".to_owned(),
                    after: "新条款".to_owned()
                },
                ClauseChange::Removed {
                    number: "3".to_owned(),
                    before: "旧条款".to_owned()
                },
            ]
        );
        assert!(clause_diff(&v2, &v2).is_empty());
    }

    #[test]
    fn a_silent_unit_is_chased_from_the_day_after_its_reply_date() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let next = due.succ_opt().unwrap();
        assert!(!consultation_chase_due(due, due, false));
        assert!(consultation_chase_due(due, next, false));
        assert!(!consultation_chase_due(due, next, true));
    }

    #[test]
    fn plan_text_reads_parts_clauses_and_continuations() {
        let text = "一、深化放管服改革\n1 公布权力清单\n2、推进一网通办\n  网上可办率95%\n\n二、优化营商环境\n3.1 压缩开办时间\n";
        let c = parse_plan_text(text).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].section, "一、深化放管服改革");
        assert_eq!(c[1].number, "2");
        assert_eq!(c[1].body, "推进一网通办\n网上可办率95%");
        assert_eq!(c[2].section, "二、优化营商环境");
        assert_eq!(c[2].number, "3.1");
        assert_eq!(parse_plan_text(&render_plan_text(&c)).unwrap(), c);
        assert_eq!(
            parse_plan_text("没有编号的一行"),
            Err(PlanError::EmptyClause)
        );
        assert_eq!(
            parse_plan_text("1 甲\n1 乙"),
            Err(PlanError::DuplicateClause("1".to_owned()))
        );
    }
}

//! The kinds and states of the reform office's records (notices, merits, assessments,
//! innovations, a unit's part in a task) in their one stored spelling.

use crate::code::code_enum;

use super::EscalationLevel;

code_enum! {
    /// What a notice to a unit is: an escalation level, or a chase of a missing answer.
    pub enum NoticeKind {
        /// 提醒
        Reminder = "reminder",
        /// 催办
        Urge = "urge",
        /// 督办通报
        Supervise = "supervise",
        /// 催报: a progress report is missing.
        ReportChase = "report_chase",
        /// 催复: a consulted unit has not replied.
        ConsultationChase = "consultation_chase",
    }
}

impl NoticeKind {
    /// The escalation level a notice stands for; chases are not escalation.
    pub fn level(self) -> Option<EscalationLevel> {
        match self {
            NoticeKind::Reminder => Some(EscalationLevel::Reminder),
            NoticeKind::Urge => Some(EscalationLevel::Urge),
            NoticeKind::Supervise => Some(EscalationLevel::Supervise),
            NoticeKind::ReportChase | NoticeKind::ConsultationChase => None,
        }
    }

    /// The title of a notice of this kind.
    pub fn label_zh(self) -> &'static str {
        match self {
            NoticeKind::Reminder | NoticeKind::Urge | NoticeKind::Supervise => {
                self.level().map_or("通知", EscalationLevel::label_zh)
            }
            NoticeKind::ReportChase => "催报",
            NoticeKind::ConsultationChase => "催复",
        }
    }
}

impl From<EscalationLevel> for NoticeKind {
    fn from(l: EscalationLevel) -> Self {
        match l {
            EscalationLevel::Reminder => NoticeKind::Reminder,
            EscalationLevel::Urge => NoticeKind::Urge,
            EscalationLevel::Supervise => NoticeKind::Supervise,
        }
    }
}

code_enum! {
    /// A decision about a unit or person: 表彰 or 问责.
    pub enum MeritKind {
        Commendation = "commendation",
        Accountability = "accountability",
    }
}

code_enum! {
    /// An assessment period's results: open while scored, published once concluded.
    pub enum AssessmentStatus {
        Open = "open",
        Published = "published",
    }
}

code_enum! {
    /// A unit's innovation case (创新案例) as the reform office reviews it.
    pub enum InnovationStatus {
        Submitted = "submitted",
        Published = "published",
        Rejected = "rejected",
    }
}

code_enum! {
    /// A unit's part in a task: 牵头 or 配合.
    pub enum UnitRole {
        Lead = "lead",
        Partner = "partner",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::check_round_trip;

    #[test]
    fn codes_round_trip() {
        check_round_trip(NoticeKind::ALL, NoticeKind::as_str);
        check_round_trip(MeritKind::ALL, MeritKind::as_str);
        check_round_trip(AssessmentStatus::ALL, AssessmentStatus::as_str);
        check_round_trip(InnovationStatus::ALL, InnovationStatus::as_str);
        check_round_trip(UnitRole::ALL, UnitRole::as_str);
        check_round_trip(
            super::super::TaskStatus::ALL,
            super::super::TaskStatus::as_str,
        );
        check_round_trip(
            super::super::EscalationLevel::ALL,
            super::super::EscalationLevel::as_str,
        );
        check_round_trip(
            super::super::plan::PlanStatus::ALL,
            super::super::plan::PlanStatus::as_str,
        );
        check_round_trip(
            super::super::plan::Disposition::ALL,
            super::super::plan::Disposition::as_str,
        );
    }

    #[test]
    fn escalation_levels_are_notice_kinds() {
        for &l in EscalationLevel::ALL {
            assert_eq!(NoticeKind::from(l).level(), Some(l));
            assert_eq!(NoticeKind::from(l).label_zh(), l.label_zh());
        }
    }
}

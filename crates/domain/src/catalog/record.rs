//! The states of the catalogue's records (a matter's versions, a delegation handover) in their
//! one stored spelling.

use crate::code::code_enum;

code_enum! {
    /// Where a version of a matter stands: drafted, reviewed by another person, then published
    /// (in force from its effective date) until a later version supersedes it.
    pub enum VersionStatus {
        Draft = "draft",
        InReview = "in_review",
        Published = "published",
        Rejected = "rejected",
        Superseded = "superseded",
    }
}

code_enum! {
    /// A delegation handover (下放承接): pending until the receiving department is ready and the
    /// matter switches to it, or withdrawn.
    pub enum HandoverState {
        Pending = "pending",
        Switched = "switched",
        Withdrawn = "withdrawn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::check_round_trip;

    #[test]
    fn codes_round_trip() {
        check_round_trip(VersionStatus::ALL, VersionStatus::as_str);
        check_round_trip(HandoverState::ALL, HandoverState::as_str);
        check_round_trip(super::super::Tier::ALL, super::super::Tier::as_str);
    }
}

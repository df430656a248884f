//! The approval process part's record states as the store keeps them: a definition's
//! publication, an instance's status and a work item's. The engine's own `Status` carries the
//! reason of a termination or failure; these are the codes that cross into the store and pages.

use crate::code::code_enum;

crate::record_id::record_id! {
    /// A process instance (流程实例): one case running through a published definition.
    pub struct InstanceId;
}

code_enum! {
    /// A stored process definition: only the latest published version of a key starts cases.
    pub enum DefinitionStatus {
        Draft = "draft",
        Published = "published",
    }
}

code_enum! {
    /// A process instance's status column (the engine's `Status` without its details).
    pub enum InstanceStatus {
        Running = "running",
        Completed = "completed",
        Terminated = "terminated",
        Failed = "failed",
    }
}

code_enum! {
    /// A work item (待办): open until its task completes (done) or the token leaves it
    /// otherwise (cancelled).
    pub enum WorkItemStatus {
        Open = "open",
        Done = "done",
        Cancelled = "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::check_round_trip;

    #[test]
    fn codes_round_trip() {
        check_round_trip(DefinitionStatus::ALL, DefinitionStatus::as_str);
        check_round_trip(InstanceStatus::ALL, InstanceStatus::as_str);
        check_round_trip(WorkItemStatus::ALL, WorkItemStatus::as_str);
    }
}

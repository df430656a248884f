//! Durable state of the process engine: definitions (versioned), instances (the engine's
//! state as JSON, with a version checked on every update so a stale writer can never advance
//! an instance twice), the event history, and the work item, timer and copy projections.

mod instances;

/// This part's tables in the backup, in an order that satisfies every foreign key on insert:
/// (table, order by, identity column to resynchronise on PostgreSQL).
pub const TABLES: crate::backup::Tables = &[
    (
        "process_definition",
        "process_definition_id",
        Some("process_definition_id"),
    ),
    (
        "process_instance",
        "process_instance_id",
        Some("process_instance_id"),
    ),
    (
        "process_event",
        "process_event_id",
        Some("process_event_id"),
    ),
    ("work_item", "work_item_id", Some("work_item_id")),
    (
        "process_timer",
        "process_timer_id",
        Some("process_timer_id"),
    ),
    ("process_copy", "process_copy_id", Some("process_copy_id")),
    (
        "business_record",
        "business_record_id",
        Some("business_record_id"),
    ),
    (
        "process_subscription",
        "process_subscription_id",
        Some("process_subscription_id"),
    ),
];

pub use instances::*;

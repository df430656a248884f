//! The catalogue of matters (事项): the matter rows with the summary of the version in force,
//! their versions (each the whole implementation list as JSON), everyday phrases mapped to
//! matters, and delegation handovers.
//!
//! The published catalogue is public information, so its reads take no scope; the drafts
//! and reviews of one department are staff records and their lists take one.

mod matters;

/// This part's tables in the backup, in an order that satisfies every foreign key on insert:
/// (table, order by, identity column to resynchronise on PostgreSQL).
pub const TABLES: crate::backup::Tables = &[
    // Parents before children: a sub-item may have been re-parented under a later matter.
    (
        "matter",
        "case tier when 'main' then 0 when 'sub' then 1 else 2 end, matter_id",
        Some("matter_id"),
    ),
    (
        "matter_version",
        "matter_version_id",
        Some("matter_version_id"),
    ),
    (
        "matter_phrase",
        "matter_phrase_id",
        Some("matter_phrase_id"),
    ),
    (
        "matter_handover",
        "matter_handover_id",
        Some("matter_handover_id"),
    ),
];

pub use matters::*;

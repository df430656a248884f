//! The catalogue of powers and services (放): a matter (事项) and the elements of its
//! implementation list (实施清单), with the consistency rules every save and import obeys.
//!
//! Sources: GB/T 39046—2020 appendix A for the code tables, the national 实施清单 elements and
//! the municipal QA checks quoted in RULES.md §2.2–§2.4. The rules here are pure: they take a
//! matter's content and answer the problems, each naming its field, so a form can mark the
//! field and an import can name the row and column.

mod form;
mod matter;
mod record;

pub use form::*;
pub use matter::*;
pub use record::*;

crate::record_id::record_id! {
    /// A matter (事项) of the catalogue, across all its versions.
    pub struct MatterId;
}

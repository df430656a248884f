//! The catalogue of powers and services (放): drafting a matter's change, review by another
//! person, publication with an effective date, the version history with a field-by-field
//! diff, and the import and export of the whole catalogue.
//!
//! A change is always a new version of the matter (`matter_version`); the matter row carries
//! the summary of the version in force. Imports are validated whole before anything is
//! written: a bad file is refused with every bad row, column and reason.

pub(crate) mod demo;
pub mod entries;
mod matters;
pub mod messages;
pub mod search;

/// The catalogue's use cases: `app.catalog().…`. A view of the [`App`](crate::App)
/// (cheap to copy) whose methods are this part's use cases; the application's shared services
/// (`store`, `now_ms`, `calendar` …) are reached through it as on the `App`.
#[derive(Clone, Copy)]
pub struct UseCases<'a>(&'a crate::App);

impl std::ops::Deref for UseCases<'_> {
    type Target = crate::App;

    fn deref(&self) -> &crate::App {
        self.0
    }
}

impl crate::App {
    /// The catalogue's use cases.
    pub fn catalog(&self) -> UseCases<'_> {
        UseCases(self)
    }
}

use fgf_domain::Permission as P;

/// What this part grants the built-in roles (`base::seed::ROLES`).
pub const GRANTS: crate::base::seed::Grants = &[
    ("reviewer", &[P::CatalogReview]),
    ("keeper", &[P::CatalogDraft, P::CatalogReview]),
    ("reform", &[P::CatalogReview]),
];

/// What this part contributes to the application (`crate::parts`).
pub const PART: crate::parts::Part = crate::parts::Part {
    name: "catalog",
    messages: messages::MESSAGES,
    grants: GRANTS,
    jobs: |_| {},
    periodic: &[
        crate::parts::Periodic {
            what: "putting due catalogue versions in force",
            every_secs: 60,
            run: |app| {
                Box::pin(async move { app.catalog().activate_due_matters().await.map(drop) })
            },
        },
        crate::parts::Periodic {
            what: "search index sync",
            every_secs: 60,
            run: |app| {
                Box::pin(async move { app.catalog().sync_search_index(false).await.map(drop) })
            },
        },
    ],
    demo: Some(|app| Box::pin(async move { app.catalog().load_demo_catalog().await.map(drop) })),
};

pub use matters::*;

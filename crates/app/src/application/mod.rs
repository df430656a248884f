//! 服 online applications (一网通办): a citizen's or enterprise's application for a matter,
//! the clerk's intake under 行政许可法第三十二条, and the statutory clock of each case.

pub mod cases;
pub mod decision;
pub mod demo;
pub mod documents;
pub mod export;
pub mod life_event;
pub mod messages;
pub mod renewal;
pub mod terms;

/// Online applications' use cases: `app.application().…`. A view of the [`App`](crate::App)
/// (cheap to copy) whose methods are this part's use cases.
#[derive(Clone, Copy)]
pub struct UseCases<'a>(&'a crate::App);

impl std::ops::Deref for UseCases<'_> {
    type Target = crate::App;

    fn deref(&self) -> &crate::App {
        self.0
    }
}

impl crate::App {
    /// Online applications' use cases.
    pub fn application(&self) -> UseCases<'_> {
        UseCases(self)
    }
}

use fgf_domain::Permission as P;

/// What this part grants the built-in roles (`base::seed::ROLES`): the comprehensive window
/// (综合受理) accepts for every department, the reviewer reviews their department's.
pub const GRANTS: crate::base::seed::Grants = &[
    ("intake", &[P::ApplicationIntake]),
    ("reviewer", &[P::ApplicationReview]),
];

/// What this part contributes to the application (`crate::parts`).
pub const PART: crate::parts::Part = crate::parts::Part {
    name: "application",
    messages: messages::MESSAGES,
    grants: GRANTS,
    jobs: |_| {},
    // Deemed acceptance (第三十二条(四)): each move is guarded by the application's status, so
    // every node may sweep.
    periodic: &[
        crate::parts::Periodic {
            what: "deemed acceptance sweep",
            every_secs: 300,
            run: |app| {
                Box::pin(async move { app.application().deemed_acceptance_sweep().await.map(drop) })
            },
        },
        // Once a day per application (the sweep records the day), so an hourly run is cheap
        // and a restarted node does not repeat a warning.
        crate::parts::Periodic {
            what: "due-date sweep",
            every_secs: 3600,
            run: |app| Box::pin(async move { app.application().due_date_sweep().await.map(drop) }),
        },
        // 第五十条: reminders before expiry and deemed renewals; each licence and application
        // is marked or moved under a guard, so every node may sweep.
        crate::parts::Periodic {
            what: "renewal sweep",
            every_secs: 3600,
            run: |app| Box::pin(async move { app.application().renewal_sweep().await.map(drop) }),
        },
    ],
    demo: None,
};

pub use cases::*;
pub use decision::*;
pub use documents::*;
pub use export::*;
pub use life_event::*;
pub use renewal::*;
pub use terms::*;

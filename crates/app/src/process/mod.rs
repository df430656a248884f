//! The process runtime: runs engine commands durably. Each command is one store transaction
//! holding the new instance state (checked against the version it was read at), its events,
//! the work-item, timer and copy projections, the audit entry and the outbox notifications:
//! a crash at any instant loses no acknowledged step and applies none twice.

pub mod demo;
mod jobs;
pub mod messages;
mod reading;
mod runtime;
/// The process runtime's use cases: `app.process().…`. A view of the [`App`](crate::App)
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
    /// The process runtime's use cases.
    pub fn process(&self) -> UseCases<'_> {
        UseCases(self)
    }
}

use fgf_domain::Permission as P;

/// What this part grants the built-in roles (`base::seed::ROLES`).
pub const GRANTS: crate::base::seed::Grants = &[
    ("sysadmin", &[P::ProcessDesign]),
    ("keeper", &[P::ProcessDesign]),
];

/// What this part contributes to the application (`crate::parts`).
pub const PART: crate::parts::Part = crate::parts::Part {
    name: "process",
    messages: messages::MESSAGES,
    grants: GRANTS,
    jobs: jobs::register,
    periodic: &[crate::parts::Periodic {
        what: "process timers",
        every_secs: 1,
        run: |app| Box::pin(async move { app.process().fire_due_timers().await.map(drop) }),
    }],
    demo: Some(|app| Box::pin(app.process().seed_demo_processes())),
};

pub use reading::InstanceHeader;
pub use runtime::*;

//! 督 reform: implementation plans and their consultation, reform tasks with lead units and
//! status lights, reminders and escalations, inspection, assessment and bulletins.

pub(crate) mod demo;
pub mod dossier;
pub mod messages;
pub mod notice;
pub mod plan;
pub mod review;
mod task;

/// Reform-task supervision's use cases: `app.reform().…`. A view of the [`App`](crate::App)
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
    /// Reform-task supervision's use cases.
    pub fn reform(&self) -> UseCases<'_> {
        UseCases(self)
    }
}

use fgf_domain::Permission as P;

/// What this part grants the built-in roles (`base::seed::ROLES`).
pub const GRANTS: crate::base::seed::Grants = &[("reform", &[P::ReformManage])];

/// What this part contributes to the application (`crate::parts`).
pub const PART: crate::parts::Part = crate::parts::Part {
    name: "reform",
    messages: messages::MESSAGES,
    grants: GRANTS,
    jobs: |_| {},
    // Reminders, escalations and chases of the reform tasks: each is unique in the store, so
    // every node may sweep.
    periodic: &[crate::parts::Periodic {
        what: "reform supervision sweep",
        every_secs: 60,
        run: |app| Box::pin(async move { app.reform().reform_sweep().await.map(drop) }),
    }],
    demo: Some(|app| Box::pin(async move { app.reform().load_demo_reform_plan().await.map(drop) })),
};

pub use task::*;

//! 督 reform: implementation plans and their consultation, reform tasks with lead units and
//! status lights, reminders and escalations, inspection, assessment and bulletins.

pub(crate) mod demo;
pub mod messages;
pub mod notice;
pub mod plan;
pub mod review;
mod task;

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
        run: |app| Box::pin(async move { app.reform_sweep().await.map(drop) }),
    }],
    demo: Some(|app| Box::pin(async move { app.load_demo_reform_plan().await.map(drop) })),
};

pub use task::*;

//! The process runtime: runs engine commands durably. Each command is one store transaction
//! holding the new instance state (checked against the version it was read at), its events,
//! the work-item, timer and copy projections, the audit entry and the outbox notifications:
//! a crash at any instant loses no acknowledged step and applies none twice.

mod jobs;
pub mod messages;
mod runtime;
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
        run: |app| Box::pin(async move { app.fire_due_timers().await.map(drop) }),
    }],
    demo: Some(|app| Box::pin(app.seed_demo_processes())),
};

pub use runtime::*;

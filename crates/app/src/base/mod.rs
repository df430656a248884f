//! The base every part stands on: sign-in and sessions (`auth`), accounts, posts and roles
//! (`users`), departments (`org`), the audit chain, calendar years, dictionaries, stored
//! files, notifications, background jobs, idempotency keys, and what a new store starts with
//! (`seed`).

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod dict;
pub mod files;
pub mod idempotency;
pub(crate) mod jobs;
pub mod messages;
pub mod notify;
pub mod org;
pub mod seed;
pub mod senders;
pub mod users;

/// The base's use cases (accounts, sign-in, departments, audit, calendar, dictionaries,
/// files, notifications, the seed): `app.base().…`. A view of the [`App`](crate::App)
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
    /// The base's use cases (accounts, sign-in, departments, audit, calendar, dictionaries, ….
    pub fn base(&self) -> UseCases<'_> {
        UseCases(self)
    }
}

use fgf_domain::Permission as P;

/// What this part grants the built-in roles (`base::seed::ROLES`).
pub const GRANTS: crate::base::seed::Grants = &[
    (
        "sysadmin",
        &[
            P::Workbench,
            P::DeptRead,
            P::DeptWrite,
            P::UserRead,
            P::UserWrite,
            P::RoleRead,
            P::DictWrite,
            P::CalendarWrite,
            P::JobRead,
            P::FileUpload,
        ],
    ),
    (
        "secadmin",
        &[
            P::Workbench,
            P::DeptRead,
            P::UserRead,
            P::RoleRead,
            P::RoleAssign,
            P::UserUnlock,
            P::LoginLogRead,
        ],
    ),
    (
        "auditadmin",
        &[P::Workbench, P::DeptRead, P::AuditRead, P::LoginLogRead],
    ),
    (
        "clerk",
        &[
            P::Workbench,
            P::DeptRead,
            P::UserRead,
            P::PiiUnmask,
            P::FileUpload,
        ],
    ),
    (
        "reviewer",
        &[P::Workbench, P::DeptRead, P::UserRead, P::FileUpload],
    ),
    (
        "keeper",
        &[P::Workbench, P::DeptRead, P::UserRead, P::FileUpload],
    ),
    ("inspector", &[P::Workbench, P::DeptRead, P::FileUpload]),
    (
        "reform",
        &[P::Workbench, P::DeptRead, P::UserRead, P::FileUpload],
    ),
    ("leader", &[P::Workbench, P::DeptRead, P::UserRead]),
];

/// What this part contributes to the application (`crate::parts`).
pub const PART: crate::parts::Part = crate::parts::Part {
    name: "base",
    messages: messages::MESSAGES,
    grants: GRANTS,
    jobs: jobs::register,
    periodic: &[
        crate::parts::Periodic {
            what: "outbox dispatch",
            every_secs: 1,
            run: |app| Box::pin(async move { app.base().dispatch_outbox().await.map(drop) }),
        },
        crate::parts::Periodic {
            what: "due jobs",
            every_secs: 5,
            run: |app| Box::pin(async move { app.run_due_jobs().await.map(drop) }),
        },
    ],
    demo: None,
};

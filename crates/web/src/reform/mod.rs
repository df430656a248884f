//! Reform-task supervision (督) over HTTP: tasks and the board (`task`), the plan document and
//! its consultation (`plan`), the units' inbox and the sweep's notices (`notice`), and the
//! reform office's reviews, dashboard and bulletins (`review`), and each task's page with its
//! whole file (`dossier`).

pub(crate) mod dossier;
pub(crate) mod dto;
mod gantt;
pub(crate) mod notice;
pub(crate) mod plan;
pub(crate) mod review;
pub(crate) mod routes;
pub(crate) mod task;

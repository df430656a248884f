//! The parts of Fangguanfu and what each contributes to the application: its messages, its
//! grants to the built-in roles, its background jobs, its periodic work and its demo data.
//! Adding a part means adding its folder (`base/`, `catalog/`, `process/`, `reform/` are the
//! examples) with a `PART` declaration, and one line in [`PARTS`].

use crate::base::seed::Grants;
use crate::error::ServiceResult;
use crate::jobs::JobRegistry;
use crate::App;
use std::future::Future;
use std::pin::Pin;

/// A future a part's registered function returns.
pub type Work<'a> = Pin<Box<dyn Future<Output = ServiceResult<()>> + Send + 'a>>;

/// Work the background loop does every `every_secs` seconds on every node; each must be safe
/// to run on several nodes at once (leased or unique in the store).
pub struct Periodic {
    /// What it does, for the log when it fails.
    pub what: &'static str,
    pub every_secs: u64,
    pub run: for<'a> fn(&'a App) -> Work<'a>,
}

/// What one part contributes.
pub struct Part {
    pub name: &'static str,
    /// Its entries in the message catalogue: (key, Chinese, English).
    pub messages: &'static [(&'static str, &'static str, &'static str)],
    /// What it grants the built-in roles (`base::seed::ROLES`).
    pub grants: Grants,
    /// Registers its background job handlers.
    pub jobs: fn(&mut JobRegistry),
    pub periodic: &'static [Periodic],
    /// Loads its share of the demo district (`fgf demo`), after the base's accounts.
    pub demo: Option<for<'a> fn(&'a App) -> Work<'a>>,
}

/// Every part, in the order their demo data and jobs build on each other: one line per part.
pub const PARTS: &[Part] = &[
    crate::base::PART,
    crate::process::PART,
    crate::catalog::PART,
    crate::reform::PART,
    crate::application::PART,
];

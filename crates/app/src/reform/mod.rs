//! 督 reform: implementation plans and their consultation, reform tasks with lead units and
//! status lights, reminders and escalations, inspection, assessment and bulletins.

pub(crate) mod demo;
pub mod notice;
pub mod plan;
pub mod review;
mod task;

pub use task::*;

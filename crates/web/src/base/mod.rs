//! The base over HTTP: sign-in, registration and account security, departments, accounts,
//! audit and login logs, the calendar, dictionaries, notifications, files and jobs.

pub(crate) mod api;
pub(crate) mod dto;
pub(crate) mod pages;
pub(crate) mod routes;

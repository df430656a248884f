//! 服 online applications over HTTP: applying, the list and one application with its clock,
//! the clerk's intake decision and the applicant's supplement.

pub(crate) mod api;
pub(crate) mod dto;
pub(crate) mod routes;

//! 服 online applications over HTTP: the API, the applicant's pages, the staff's desk, and
//! the printable documents, licences and the public verify page.

pub(crate) mod api;
pub(crate) mod desk;
pub(crate) mod dto;
pub(crate) mod events;
pub(crate) mod pages;
pub(crate) mod print;
pub(crate) mod routes;
pub(crate) mod view;

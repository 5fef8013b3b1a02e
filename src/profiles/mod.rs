//! The profiles feature: domain types, server functions and pages.

pub mod create;
pub mod detail;
pub mod edit;
pub mod editor;
pub mod enrollment;
pub mod form;
pub mod goto;
pub mod grants;
pub mod links;
pub mod list;
pub mod location;
pub mod model;
#[cfg(feature = "ssr")]
pub mod post;
pub mod posted;
pub mod route;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;

//! The profiles feature: domain types, server functions and pages.

pub mod detail;
pub mod list;
pub mod model;
pub mod server;

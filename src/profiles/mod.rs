//! The profiles feature: the domain model ([`model`]), the server functions ([`server`])
//! and, on the server, the service behind them and the no-JS posts (`service`), the
//! create/edit form ([`form`]) and the pages: [`list`], [`detail`], [`create`], [`edit`],
//! which follow the API version the console speaks ([`spoken`]).

pub mod by_id;
pub mod columns;
pub mod create;
pub mod delete;
pub mod detail;
pub mod duplicates;
pub mod edit;
pub mod enforcement;
pub mod enrollment;
#[cfg(feature = "ssr")]
pub mod export;
pub mod form;
pub mod goto;
pub mod grants;
pub mod links;
pub mod list;
pub mod location;
pub mod model;
pub mod programs;
pub mod search;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;
pub mod spoken;
pub mod timeline;

//! Onboarding in bulk (docs/onboarding.md): a CSV of customers read a record at a time
//! ([`file`]), its columns matched to the fields of the version the console speaks
//! ([`columns`]), every row planned against the index before anything is sent ([`plan`],
//! the dry run, and its [`report`]), kept as a job ([`job`]) that [`run`] sends and whose
//! [`links`] are minted at download; [`cli`] does it from a script, the pages ([`page`],
//! [`server`], [`post`]) from the console.

#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod columns;
#[cfg(feature = "ssr")]
pub mod file;
#[cfg(feature = "ssr")]
pub mod job;
#[cfg(feature = "ssr")]
pub mod links;
pub mod page;
#[cfg(feature = "ssr")]
pub mod plan;
#[cfg(feature = "ssr")]
pub mod post;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod run;
pub mod server;

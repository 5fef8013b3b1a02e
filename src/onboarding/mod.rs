//! Onboarding in bulk (docs/onboarding.md, server only): a CSV of customers read a record
//! at a time ([`file`]), its columns matched to the fields of the version the console
//! speaks ([`columns`]), and every row planned against the index before anything is sent
//! ([`plan`], the dry run, and its [`report`]); [`cli`] runs it from a script.

pub mod cli;
pub mod columns;
pub mod file;
pub mod job;
pub mod links;
pub mod plan;
pub mod report;
pub mod run;

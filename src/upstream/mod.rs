//! The User Profiles API client (server only). Nothing else in the crate builds API URLs
//! or sees the key.

pub mod client;
pub mod error;
pub mod retry;

pub use client::{Client, Reply, UpstreamConfig};
pub use error::{ErrorKind, UpstreamError};

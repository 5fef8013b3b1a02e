//! Reviewing trust and enforcement (docs/review.md): the queue of who needs what, from the
//! console's index. [`tabs`] reads its address, [`server`] answers a page of a tab in
//! words, [`page`] shows it, [`post`] generates a row's link in place.

pub mod page;
#[cfg(feature = "ssr")]
pub mod post;
pub mod server;
pub mod tabs;

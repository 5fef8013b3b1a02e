//! Reviewing trust and enforcement (docs/review.md): the queue of who needs what, from the
//! console's index. [`tabs`] reads its address, [`server`] answers a page of a tab in
//! words, [`page`] shows it, [`post`] generates a row's link and marks it followed up
//! ([`follow_up`] checks what was typed).

#[cfg(feature = "ssr")]
pub mod export;
pub mod follow_up;
pub mod page;
#[cfg(feature = "ssr")]
pub mod post;
pub mod server;
pub mod tabs;

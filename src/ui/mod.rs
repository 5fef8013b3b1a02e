//! Small generic widgets shared by the pages.

pub mod badge;
pub mod error_panel;
pub mod format;
pub mod status;
pub mod title;

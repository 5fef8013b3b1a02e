//! Small generic widgets shared by the pages.

pub mod browser;
pub mod copy;
pub mod error_panel;
pub mod heading;
pub mod status;
pub mod theme;
pub mod title;

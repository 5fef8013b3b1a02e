//! The overview (docs/review.md, "The overview"): how the whole population stands, from
//! the console's index. [`server`] reads the figures and says each in words with the
//! address that lists what it counts; [`page`] shows them as tables and as SVG charts
//! drawn on the server ([`chart`]).

pub mod chart;
pub mod page;
pub mod server;

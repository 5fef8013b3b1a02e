//! Search: finding any profile from what an agent holds (an id, an external id, a name
//! fragment, a metadata value) in the console's index ([`crate::index`]). [`query`] reads a
//! search from its address, [`results`] is what comes back, [`server`] answers, [`page`]
//! shows it.

pub mod page;
pub mod query;
pub mod results;
pub mod server;

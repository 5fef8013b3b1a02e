//! The profile index (server only): the console's own copy of every profile, because the
//! API has no search, no filter, no count and only a forward cursor (docs/index.md).
//! [`store`] writes profiles in, [`search`] finds them, [`sync`] keeps them fresh.

pub mod search;
pub mod store;
pub mod sync;

pub use store::{Index, Received};

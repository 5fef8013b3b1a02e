//! The profile index (server only): the console's own copy of every profile, because the
//! API has no search, no filter, no count and only a forward cursor (docs/index.md).
//! [`store`] writes profiles in, [`search`] finds them, [`sync`] keeps them fresh,
//! [`write_through`] puts in what the console has just read or changed; [`matching`]
//! finds the profiles an import's rows name; [`programs`]
//! keeps programs as a retrieve reports them and [`timeline`] each status change
//! ([`statuses`] says what changed); [`queue`] and [`overview`] count and list them for
//! review.

mod counts;
pub mod figures;
mod gauges;
mod kept;
pub mod matching;
mod observed;
pub mod overview;
pub mod programs;
pub mod queue;
pub mod received;
mod row;
pub mod search;
pub mod statuses;
pub mod store;
pub mod sync;
pub mod timeline;
mod waiting;
pub mod write_through;

pub use received::Received;
pub use store::Index;

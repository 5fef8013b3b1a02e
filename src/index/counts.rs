//! Counts of the index kept a few seconds: the review queue's tabs, the overview's
//! figures, the program pass's backlog. Once counted, a page seldom waits for counting:
//! counts a little stale are shown while they are counted again in the background, one
//! recount at a time per key (`kept.rs` answers them).

use super::figures::Figures;
use crate::review::tabs::{Span, Tab};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::Date;

/// How long counts are shown before they are counted again, at least.
pub(super) const COUNTS_TTL: Duration = Duration::from_secs(10);
/// Counts are kept at least this many times as long as counting them took, so that
/// counting again behind the pages takes at most a tenth of one database connection's
/// time, however large the index (the overview at 1,000,000 profiles takes seconds).
pub(super) const KEPT_PER_COUNTING: u32 = 10;
/// Kept counts older than this (or than their keeping time, if longer) are not shown
/// while they are counted again: the page waits for the count. Without it, the first view
/// after an idle hour, or after a first walk filled an index that was empty when it was
/// counted at start, would show counts from then.
pub(super) const SHOWN_STALE_AT_MOST: Duration = Duration::from_secs(60);

/// The count of each tab the version speaks.
pub type Counts = Vec<(Tab, u64)>;

/// Values counted from the index, by what they were counted for, with when and how long
/// counting took.
pub(super) struct Kept<K, V> {
    pub(super) values: BTreeMap<K, (Instant, Duration, V)>,
    /// Keys being counted again in the background.
    pub(super) recounting: BTreeSet<K>,
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Self {
            values: BTreeMap::new(),
            recounting: BTreeSet::new(),
        }
    }
}

/// Every count kept.
#[derive(Default)]
pub(super) struct CountCache {
    /// The program pass's backlog.
    pub(super) backlog: Kept<(), u64>,
    /// The queue's tabs, by the tabs asked for, their windows and the filters' address.
    pub(super) tabs: Kept<(Vec<Tab>, Window, String), Counts>,
    /// The overview, by its number of weeks and the day they end.
    pub(super) overview: Kept<(u32, Date), Arc<Figures>>,
}

/// The windows counts are kept by: *Expiring soon*'s days, *Changed recently*'s span,
/// and whether followed-up rows are hidden.
pub(super) type Window = (u32, Span, bool);

//! The review queue's tab counts, kept a few seconds (`queue.rs` counts them). Once
//! counted, a page never waits for counting: stale counts are shown while they are
//! counted again in the background, one recount at a time per window.

use crate::review::tabs::Tab;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// How long the tabs' counts are shown before they are counted again.
pub(super) const COUNTS_TTL: Duration = Duration::from_secs(10);

/// The count of each tab the version speaks.
pub type Counts = Vec<(Tab, u64)>;

/// Cached counts, by the windows they were counted for.
#[derive(Default)]
pub(super) struct CountCache {
    /// The program pass's backlog, and when it was counted.
    pub(super) backlog: Option<(Instant, u64)>,
    pub(super) by_window: BTreeMap<Window, (Instant, Counts)>,
    /// Windows being counted again in the background.
    pub(super) recounting: BTreeSet<Window>,
}

/// The windows counts are kept by: *Expiring soon*'s days, *Changed recently*'s days,
/// and whether followed-up rows are hidden.
pub(super) type Window = (u32, u32, bool);

//! Answering a count from those kept (`counts.rs`): fresh (10 seconds, or ten times as
//! long as counting it took), at once; past its time but less than a minute old, at once
//! and counted again behind, one recount per key at a time; never counted, or older,
//! counted now. So a page view waits for counting only after a start, after a minute
//! without views, or after an admin's change that must show at once.

use super::counts::{CountCache, Kept, KEPT_PER_COUNTING, SHOWN_STALE_AT_MOST};
use super::store::Index;
use std::future::Future;
use std::time::Duration;
use std::time::Instant;

impl Index {
    /// The value kept under `key` in the cache `pick` chooses, counted by `count` where
    /// none is kept.
    pub(super) async fn kept<K, V, F, Fut>(
        &self,
        pick: fn(&mut CountCache) -> &mut Kept<K, V>,
        key: K,
        count: F,
    ) -> Result<V, sqlx::Error>
    where
        K: Ord + Clone + Send + 'static,
        V: Clone + Send + 'static,
        F: FnOnce(Index) -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, sqlx::Error>> + Send + 'static,
    {
        let kept = pick(&mut self.lock_counts()).values.get(&key).cloned();
        let kept = kept.map(|(at, took, value)| {
            let keep = self.counts_ttl.max(took * KEPT_PER_COUNTING);
            (freshness(at.elapsed(), keep, SHOWN_STALE_AT_MOST), value)
        });
        match kept {
            Some((Freshness::Fresh, value)) => Ok(value),
            Some((Freshness::Stale, value)) => {
                if pick(&mut self.lock_counts()).recounting.insert(key.clone()) {
                    let index = self.clone();
                    tokio::spawn(async move {
                        let started = Instant::now();
                        match count(index.clone()).await {
                            Ok(value) => {
                                pick(&mut index.lock_counts()).values.insert(
                                    key.clone(),
                                    (Instant::now(), started.elapsed(), value),
                                );
                            }
                            Err(e) => tracing::warn!(error = %e, "cannot count the index again"),
                        }
                        pick(&mut index.lock_counts()).recounting.remove(&key);
                    });
                }
                Ok(value)
            }
            Some((Freshness::TooOld, _)) | None => {
                let started = Instant::now();
                let value = count(self.clone()).await?;
                pick(&mut self.lock_counts())
                    .values
                    .insert(key, (Instant::now(), started.elapsed(), value.clone()));
                Ok(value)
            }
        }
    }
}

/// How a kept value may be used.
#[derive(Debug, PartialEq, Eq)]
enum Freshness {
    /// Shown as it is.
    Fresh,
    /// Shown while it is counted again behind.
    Stale,
    /// Counted again before anything is shown.
    TooOld,
}

/// A value `age` old, kept `keep`, shown stale up to `shown_stale` (or `keep`, if longer).
fn freshness(age: Duration, keep: Duration, shown_stale: Duration) -> Freshness {
    if age < keep {
        Freshness::Fresh
    } else if age < shown_stale.max(keep) {
        Freshness::Stale
    } else {
        Freshness::TooOld
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_values_are_fresh_then_stale_then_too_old_to_show() {
        let (s, keep, shown) = (
            Duration::from_secs,
            Duration::from_secs(10),
            Duration::from_secs(60),
        );
        assert_eq!(freshness(s(0), keep, shown), Freshness::Fresh);
        assert_eq!(freshness(s(9), keep, shown), Freshness::Fresh);
        assert_eq!(freshness(s(10), keep, shown), Freshness::Stale);
        assert_eq!(freshness(s(59), keep, shown), Freshness::Stale);
        assert_eq!(freshness(s(60), keep, shown), Freshness::TooOld);
        assert_eq!(freshness(s(3600), keep, shown), Freshness::TooOld);
        // Kept longer than the bound (a slow count at a large index): never shown past it.
        assert_eq!(freshness(s(70), s(90), shown), Freshness::Fresh);
        assert_eq!(freshness(s(90), s(90), shown), Freshness::TooOld);
    }
}

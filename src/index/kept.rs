//! Answering a count from those kept (`counts.rs`): fresh (10 seconds, or ten times as
//! long as counting it took), at once; past its time, at once and counted again behind,
//! one recount per key at a time; never counted, counted now. So only the first page view after a start, or after an admin's change that must
//! show at once, waits for counting.

use super::counts::{CountCache, Kept, KEPT_PER_COUNTING};
use super::store::Index;
use std::future::Future;
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
        match kept {
            Some((at, took, value))
                if at.elapsed() < self.counts_ttl.max(took * KEPT_PER_COUNTING) =>
            {
                Ok(value)
            }
            Some((_, _, value)) => {
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
            None => {
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

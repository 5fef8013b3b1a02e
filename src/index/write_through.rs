//! Writing through: a profile the console has just read or changed goes into the index at
//! once, so that a search finds it as it is now (docs/index.md, "Sync"). A write that
//! fails (the database busy past its timeout, or away) is never dropped in silence: it
//! waits here, the newest copy of each profile, and is written again with backoff until
//! it is in; the freshness line counts what still waits. It waits in memory: a console
//! that stops forgets it, and the next walk brings the profile back.

use super::received::Received;
use super::store::Index;
use crate::timestamp::stamp;
use std::collections::BTreeMap;
use std::time::Duration;

/// First wait before writing again; doubled after each failure, up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(250);
const LONGEST_WAIT: Duration = Duration::from_secs(30);

impl Index {
    /// Writes `received` into the index now, or, if that fails, keeps it to be written
    /// again until it is in. Never fails: the user's request does not depend on it.
    pub async fn write_through(&self, received: Received) {
        match self.upsert(std::slice::from_ref(&received)).await {
            Ok(()) => self.lock_waiting().written(&received),
            Err(e) => {
                tracing::warn!(
                    id = %received.profile.id,
                    error = %e,
                    "cannot write a profile through to the index; it will be written again"
                );
                let (let_go, start) = {
                    let mut waiting = self.lock_waiting();
                    (waiting.keep(received), waiting.start_retrying())
                };
                if let_go {
                    tracing::error!(
                        "too many write-throughs waiting: the oldest was let go; the next walk brings it back"
                    );
                }
                if start {
                    let index = self.clone();
                    tokio::spawn(async move { index.retry_until_written().await });
                }
            }
        }
    }

    /// Profiles whose write-through failed and has not succeeded yet.
    pub fn waiting_writes(&self) -> u64 {
        u64::try_from(self.lock_waiting().len()).unwrap_or(u64::MAX)
    }

    /// Writes again what waits, once; `Ok` when nothing is left. A copy older than what
    /// the index holds by then (a later write-through, a walk) is not written over it.
    pub async fn write_waiting(&self) -> Result<(), sqlx::Error> {
        let held = self.lock_waiting().held();
        if held.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let mut newer = crate::db::Statement::new();
        let ids = newer.texts(held.iter().map(|r| r.profile.id.as_str()));
        newer.sql = format!("SELECT id, updated_at FROM indexed_profiles WHERE id IN ({ids})");
        let stored: BTreeMap<String, String> = sqlx::query_as_with(&newer.sql, newer.args)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
        let current: Vec<Received> = held
            .iter()
            .filter(|r| {
                stored
                    .get(r.profile.id.as_str())
                    .is_none_or(|at| *at <= stamp(r.profile.updated_at))
            })
            .cloned()
            .collect();
        self.upsert_in(&mut tx, &current).await?;
        tx.commit().await?;
        let mut waiting = self.lock_waiting();
        for written in &held {
            waiting.written(written);
        }
        Ok(())
    }

    /// The task behind [`Index::write_through`]: writes again with backoff until nothing
    /// waits, then ends.
    async fn retry_until_written(&self) {
        let mut wait = FIRST_WAIT;
        loop {
            tokio::time::sleep(wait).await;
            match self.write_waiting().await {
                Ok(()) => {
                    if self.lock_waiting().stop_if_empty() {
                        return;
                    }
                    wait = FIRST_WAIT;
                }
                Err(e) => {
                    tracing::warn!(
                        error = %e,
                        waiting = self.waiting_writes(),
                        "write-throughs still cannot be written to the index"
                    );
                    wait = (wait * 2).min(LONGEST_WAIT);
                }
            }
        }
    }
}

//! The index's figures for each metrics scrape (docs/operations.md, "Monitoring"): read
//! from the shared database when asked, so that every instance reports the same index
//! and none keeps a copy that could drift.

use super::Index;
use crate::telemetry::{gauge, name};
use time::OffsetDateTime;

impl Index {
    /// Sets the index's gauges: profiles indexed, the walk under way, the last complete
    /// walk (when, and how long ago), writes waiting, and under GA the program backlog.
    /// Counts come from the index's kept figures, never a scan per scrape.
    pub async fn set_gauges(&self, ga: bool) {
        let status = match self.status(false).await {
            Ok(status) => status,
            Err(e) => {
                tracing::warn!(error = %e, "metrics: cannot read the index's state");
                return;
            }
        };
        gauge(name::INDEX_PROFILES, status.indexed as f64);
        gauge(name::INDEX_WAITING_WRITES, status.waiting_writes as f64);
        gauge(
            name::INDEX_WALK_RUNNING,
            f64::from(u8::from(status.walk.is_some())),
        );
        gauge(
            name::INDEX_WALK_PROFILES,
            status.walk.as_ref().map_or(0.0, |w| w.profiles as f64),
        );
        if let Some(at) = status.last_complete_at {
            gauge(name::INDEX_LAST_WALK, at.unix_timestamp() as f64);
            let age = OffsetDateTime::now_utc() - at;
            gauge(name::INDEX_LAST_WALK_AGE, age.as_seconds_f64().max(0.0));
        }
        if ga {
            match self.programs_backlog_shown().await {
                Ok(backlog) => gauge(name::INDEX_PROGRAMS_BACKLOG, backlog as f64),
                Err(e) => tracing::warn!(error = %e, "metrics: cannot count the program backlog"),
            }
        }
    }
}

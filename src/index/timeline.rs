//! The status timeline (docs/review.md): each change of status the index observes, kept
//! in `status_changes`, and the statuses it holds now, in `profile_statuses`. Written
//! with the profiles, in the same transaction ([`Index::upsert_in`]), so a change and the
//! row it changed are never apart.

use super::store::Index;
use sqlx::Row;

/// One entry of a profile's timeline, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimelineEntry {
    pub subject: String,
    pub old_status: Option<String>,
    pub new_status: String,
    /// An enforcement action's type, reason, `action` and times, as JSON.
    pub detail: Option<String>,
    pub observed_at: String,
    /// walk, retrieve, write or webhook.
    pub how: String,
    /// A webhook's own event time.
    pub event_at: Option<String>,
}

impl TimelineEntry {
    /// From a row holding `status_changes`' columns by their names.
    pub(super) fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            subject: row.try_get("subject")?,
            old_status: row.try_get("old_status")?,
            new_status: row.try_get("new_status")?,
            detail: row.try_get("detail")?,
            observed_at: row.try_get("observed_at")?,
            how: row.try_get("how")?,
            event_at: row.try_get("event_at")?,
        })
    }
}

impl Index {
    /// A profile's status timeline, newest first, at most `limit` entries.
    pub async fn timeline(&self, id: &str, limit: u32) -> Result<Vec<TimelineEntry>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT subject, old_status, new_status, detail, observed_at, how, event_at \
             FROM status_changes WHERE profile_id = $1 ORDER BY observed_at DESC, id DESC LIMIT $2",
        )
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(TimelineEntry::from_row).collect()
    }
}

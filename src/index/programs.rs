//! Programs as the API knows them (docs/review.md, "Programs"): a list, a create and an
//! update report them incompletely, so the index keeps the programs a retrieve reported,
//! apart from the list's copy, with when and how it learned them, and a background pass
//! retrieves the profiles whose knowledge is missing or stale (`sync.rs`). Each row's
//! `programs_due` orders that pass: [`DUE_QUEUE`] and [`DUE_STALE`] before [`DUE_KNOWN`],
//! the least recently learned first within each, from one database index, so that picking
//! the next profile never scans the table.

use super::row::DUE_KNOWN;
use super::store::Index;
use crate::profiles::model::{ProfileId, Programs};
use crate::timestamp::stamp;
use sqlx::Row;
use time::OffsetDateTime;

/// A profile's programs as the index learned them from a retrieve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownPrograms {
    /// `None`: the profile has no program (`programs` was `null`).
    pub programs: Option<Programs>,
    /// A stamp (RFC 3339 UTC, microseconds).
    pub learned_at: String,
    /// retrieve or webhook.
    pub how: String,
}

/// What the program pass does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextCheck {
    /// Retrieve this profile.
    Retrieve(ProfileId),
    /// Every profile is known and was learned recently: nothing for this long.
    Rest(std::time::Duration),
    /// The index holds no profile.
    Nothing,
}

impl Index {
    /// What the program pass does next: the stalest profile of the highest rank, not
    /// gone (one step down an index, whatever the size), unless every profile's programs
    /// are known and were learned less than `recheck` ago.
    pub async fn next_program_check(
        &self,
        recheck: std::time::Duration,
    ) -> Result<NextCheck, sqlx::Error> {
        let row = sqlx::query(
            "SELECT id, programs_due, programs_at FROM indexed_profiles WHERE gone_at IS NULL \
             ORDER BY programs_due, programs_at, id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(NextCheck::Nothing);
        };
        let (id, due, at): (String, i64, String) = (
            row.try_get("id")?,
            row.try_get("programs_due")?,
            row.try_get("programs_at")?,
        );
        let Ok(id) = ProfileId::parse(&id) else {
            return Ok(NextCheck::Nothing);
        };
        let again = crate::timestamp::parse(&at).map(|at| at + recheck);
        match again {
            Some(again) if due == DUE_KNOWN && again > OffsetDateTime::now_utc() => {
                let wait = again - OffsetDateTime::now_utc();
                Ok(NextCheck::Rest(
                    std::time::Duration::try_from(wait).unwrap_or_default(),
                ))
            }
            _ => Ok(NextCheck::Retrieve(id)),
        }
    }

    /// Sends a profile the pass could not retrieve (gone, or refused) to the end of the
    /// cycle, so that it does not hold up the others.
    pub async fn program_check_skipped(&self, id: &ProfileId) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE indexed_profiles SET programs_due = $1, programs_at = $2 WHERE id = $3",
        )
        .bind(DUE_KNOWN)
        .bind(stamp(OffsetDateTime::now_utc()))
        .bind(id.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A profile's programs as last retrieved, when and how; `None` if the index has
    /// never learned them (or does not hold the profile).
    pub async fn known_programs(&self, id: &str) -> Result<Option<KnownPrograms>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT programs, programs_at, programs_how FROM indexed_profiles \
             WHERE id = $1 AND programs_at <> ''",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let programs: Option<String> = row.try_get("programs")?;
            Ok(KnownPrograms {
                programs: programs.and_then(|raw| serde_json::from_str(&raw).ok()),
                learned_at: row.try_get("programs_at")?,
                how: row
                    .try_get::<Option<String>, _>("programs_how")?
                    .unwrap_or_default(),
            })
        })
        .transpose()
    }

    /// [`Index::programs_backlog`] for a page: kept a few seconds and counted again
    /// behind (`kept.rs`), so that page views do not each count the range.
    pub async fn programs_backlog_shown(&self) -> Result<u64, sqlx::Error> {
        self.kept(
            |cache| &mut cache.backlog,
            (),
            |index| async move { index.programs_backlog().await },
        )
        .await
    }

    /// How many profiles the pass has yet to retrieve before it starts cycling again:
    /// the unknown and the stale. Counted down the due index.
    pub async fn programs_backlog(&self) -> Result<u64, sqlx::Error> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM indexed_profiles WHERE programs_due < $1 AND gone_at IS NULL",
        )
        .bind(DUE_KNOWN)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }
}

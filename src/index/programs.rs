//! Programs as the API knows them (docs/review.md, "Programs"): a list, a create and an
//! update report them incompletely, so the index keeps the programs a retrieve reported,
//! apart from the list's copy, with when and how it learned them, and a background pass
//! retrieves the profiles whose knowledge is missing or stale (`sync.rs`). Each row's
//! `programs_due` orders that pass: [`DUE_QUEUE`] and [`DUE_STALE`] before [`DUE_KNOWN`],
//! the least recently learned first within each, from one database index, so that picking
//! the next profile never scans the table.

use super::received::Received;
use super::statuses::in_queue;
use super::store::Index;
use crate::profiles::model::{Profile, ProfileId, Programs};
use crate::timestamp::stamp;
use sqlx::Row;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Unknown or stale, and in the review queue: retrieved first.
pub const DUE_QUEUE: i64 = 0;
/// Unknown or stale.
pub const DUE_STALE: i64 = 1;
/// Known since the last change the index saw; retrieved again as the pass cycles.
pub const DUE_KNOWN: i64 = 2;

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

/// What the index holds of a profile before a write: enough to tell what changed.
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub doc: i64,
    pub updated_at: String,
    pub programs: Option<String>,
    pub at: String,
    pub how: Option<String>,
    pub due: i64,
}

/// The program columns of a profile's row after an observation.
#[derive(Debug, Clone)]
pub(super) struct ProgramsColumns {
    pub programs: Option<String>,
    pub at: String,
    pub how: Option<String>,
    pub due: i64,
    /// The profile with its programs as known: the list's copy replaced by what a
    /// retrieve reported, when there is one.
    pub profile: Profile,
}

impl ProgramsColumns {
    /// After `received`, observed at `at` (a stamp), given what the index held.
    pub fn after(stored: Option<&Stored>, received: &Received, at: &str) -> Self {
        if received.how.reports_programs() {
            let programs = received
                .profile
                .programs
                .as_ref()
                .map(|p| serde_json::to_string(p).expect("programs always serialize"));
            return Self {
                programs,
                at: at.to_owned(),
                how: Some(received.how.as_str().to_owned()),
                due: DUE_KNOWN,
                profile: received.profile.clone(),
            };
        }
        let known: Option<Programs> = stored
            .and_then(|s| s.programs.as_deref())
            .and_then(|raw| serde_json::from_str(raw).ok());
        let mut profile = received.profile.clone();
        if known.is_some() {
            profile.programs = known;
        }
        // A change the index saw makes what it knows stale: a new profile, `updated_at`
        // moved, or the console's own write.
        let stale = match stored {
            None => true,
            Some(s) => {
                s.at.is_empty()
                    || s.updated_at != stamp(received.profile.updated_at)
                    || received.how == super::received::How::Write
            }
        };
        let due = if stale || stored.is_some_and(|s| s.due != DUE_KNOWN) {
            if in_queue(&profile) {
                DUE_QUEUE
            } else {
                DUE_STALE
            }
        } else {
            DUE_KNOWN
        };
        Self {
            programs: stored.and_then(|s| s.programs.clone()),
            at: stored.map(|s| s.at.clone()).unwrap_or_default(),
            how: stored.and_then(|s| s.how.clone()),
            due,
            profile,
        }
    }
}

impl Index {
    /// The rows the index holds of `profiles`, by id.
    pub(super) async fn stored_rows(
        &self,
        conn: &mut sqlx::AnyConnection,
        profiles: &[&Received],
    ) -> Result<BTreeMap<String, Stored>, sqlx::Error> {
        let mut select = crate::db::Statement::new();
        let ids = select.texts(profiles.iter().map(|r| r.profile.id.as_str()));
        // PostgreSQL locks the rows, so that two writers of one profile compare in turn;
        // SQLite's writer holds the database's lock from its `BEGIN IMMEDIATE`.
        let lock = if self.postgres { " FOR UPDATE" } else { "" };
        select.sql = format!(
            "SELECT id, doc, updated_at, programs, programs_at, programs_how, programs_due \
             FROM indexed_profiles WHERE id IN ({ids}) ORDER BY id{lock}"
        );
        let rows = sqlx::query_with(&select.sql, select.args)
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok((
                    row.try_get("id")?,
                    Stored {
                        doc: row.try_get("doc")?,
                        updated_at: row.try_get("updated_at")?,
                        programs: row.try_get("programs")?,
                        at: row.try_get("programs_at")?,
                        how: row.try_get("programs_how")?,
                        due: row.try_get("programs_due")?,
                    },
                ))
            })
            .collect()
    }

    /// The profile the program pass retrieves next: the stalest of the highest rank, not
    /// gone. One step down an index, whatever the size.
    pub async fn next_program_check(&self) -> Result<Option<ProfileId>, sqlx::Error> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM indexed_profiles WHERE gone_at IS NULL \
             ORDER BY programs_due, programs_at, id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.and_then(|id| ProfileId::parse(&id).ok()))
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

#[cfg(test)]
mod tests {
    use super::super::received::How;
    use super::*;
    use serde_json::json;

    fn received(how: How, cyber: &str, updated: &str) -> Received {
        let profile: Profile = serde_json::from_value(json!({
            "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z", "updated_at": updated,
            "access_type": "application", "enforcement_status": "unrestricted",
            "programs": {"cyber": {"status": cyber, "tiers": {}}, "efs": null}
        }))
        .unwrap();
        Received::from_profile(&profile, how)
    }

    #[test]
    fn a_list_never_overwrites_what_a_retrieve_reported_and_a_change_makes_it_stale() {
        let retrieved = ProgramsColumns::after(
            None,
            &received(How::Retrieve, "active", "2026-03-15T10:00:00Z"),
            "t1",
        );
        assert_eq!(retrieved.due, DUE_KNOWN);
        let stored = Stored {
            doc: 1,
            updated_at: stamp(crate::timestamp::parse("2026-03-15T10:00:00Z").unwrap()),
            programs: retrieved.programs.clone(),
            at: retrieved.at.clone(),
            how: retrieved.how.clone(),
            due: retrieved.due,
        };
        // The list reads cyber as pending: the retrieve's "active" stands, still fresh.
        let listed = ProgramsColumns::after(
            Some(&stored),
            &received(How::Walk, "pending", "2026-03-15T10:00:00Z"),
            "t2",
        );
        assert_eq!(listed.due, DUE_KNOWN);
        assert_eq!(listed.at, "t1");
        assert_eq!(
            listed
                .profile
                .programs
                .unwrap()
                .cyber
                .unwrap()
                .status
                .label(),
            "active"
        );
        // `updated_at` moved: still what the retrieve said, but due again, in the queue
        // first if the profile is there.
        let moved = ProgramsColumns::after(
            Some(&stored),
            &received(How::Walk, "pending", "2026-03-16T10:00:00Z"),
            "t3",
        );
        assert_eq!(moved.due, DUE_STALE);
        let written = ProgramsColumns::after(
            Some(&stored),
            &received(How::Write, "active", "2026-03-15T10:00:00Z"),
            "t3",
        );
        assert_eq!(written.due, DUE_STALE);
        // Never retrieved: what the list says stands in, and the profile is due; a
        // pending program puts it first.
        let new = ProgramsColumns::after(
            None,
            &received(How::Walk, "pending", "2026-03-15T10:00:00Z"),
            "t1",
        );
        assert_eq!(
            (new.due, new.at.as_str(), new.programs),
            (DUE_QUEUE, "", None)
        );
    }
}

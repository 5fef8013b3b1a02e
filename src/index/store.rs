//! The index's rows: writing profiles in (from a walk, a pick-up of new profiles, or a
//! write-through), and the sync's shared state. Tables are in `migrations/0003_index.sql`;
//! the text-search structures, whose syntax differs between the databases, are made here.

use super::counts::CountCache;
use super::observed::{held_statuses, Review};
use super::received::Received;
use super::row::{stored_rows, ProgramsColumns, QueueColumns};
use super::statuses;
use super::waiting::Waiting;
use crate::db::{Database, OpenError, Statement};
use crate::profiles::model::Profile;
use crate::timestamp::stamp;
use sqlx::AnyPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::{Mutex, Notify};

/// How long a count of the index is shown before it is counted again.
const COUNT_TTL: Duration = Duration::from_secs(10);

/// The console's index of every profile (docs/index.md). Cheap to clone.
#[derive(Clone)]
pub struct Index {
    pub(super) pool: AnyPool,
    pub(super) postgres: bool,
    count: Arc<Mutex<Option<(Instant, u64)>>>,
    wake: Arc<Notify>,
    waiting: Arc<std::sync::Mutex<Waiting>>,
    counts: Arc<std::sync::Mutex<CountCache>>,
    /// How long the review queue's counts are kept before they are counted again.
    pub(super) counts_ttl: Duration,
    /// Most profiles a page of short-text search looks through, where a test sets it
    /// (`search.rs` has the number otherwise).
    pub(super) short_text_scan: Option<usize>,
}

/// The key of a profile's row in SQLite's full-text table: FNV-1a of the id, 63 bits, so
/// it is the same on every console and needs no sequence. A collision (about one in
/// 10^13 at a million profiles) fails that profile's write, loudly, rather than mixing two.
pub(super) fn doc(id: &str) -> i64 {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    i64::try_from(hash >> 1).expect("63 bits fit")
}

/// The tables beside `indexed_profiles`, by `profile_id`: written with each profile,
/// emptied of a profile when it goes (`migrations/0008_live_counts.sql`).
pub(super) const SIDE_TABLES: [&str; 3] =
    ["indexed_grants", "indexed_metadata_keys", "indexed_reasons"];

/// Removes from the side tables the rows of the profiles `which` selects (`SELECT id …`,
/// its bound value `$1` = `value`).
pub(super) async fn drop_side_rows(
    conn: &mut sqlx::AnyConnection,
    which: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    for table in SIDE_TABLES {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE profile_id IN ({which})"
        ))
        .bind(value)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Inserts `rows` (each a value per column) into `into` (`table (columns)`), in one
/// statement; nothing when there are none.
async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    into: &str,
    rows: Vec<Vec<String>>,
) -> Result<(), sqlx::Error> {
    let mut insert = Statement::new();
    let values: Vec<String> = rows
        .into_iter()
        .map(|row| {
            let cells: Vec<String> = row.into_iter().map(|v| insert.text(v)).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    if values.is_empty() {
        return Ok(());
    }
    insert.sql = format!("INSERT INTO {into} VALUES {}", values.join(", "));
    insert.execute(conn).await.map(drop)
}

/// What search matches for a profile: its id, external id (GA's reference id), name, the
/// GA email and name hashes, and every metadata key and value, one per line, so that no match spans two of them (search text has no
/// line breaks).
pub(super) fn search_text(p: &Profile) -> String {
    let mut parts = vec![p.id.as_str()];
    parts.extend(p.external_id());
    parts.extend(p.name.as_deref());
    if let Some(details) = &p.external_user_details {
        parts.extend(details.email_hash.as_deref());
        parts.extend(details.name_hash.as_deref());
    }
    for (key, value) in &p.metadata {
        parts.push(key);
        parts.push(value);
    }
    parts
        .into_iter()
        .map(|part| part.replace(['\n', '\r'], " "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The advisory lock under which a console prepares the index's text search on
/// PostgreSQL (an arbitrary number of this console's, "pa" "ix" in ASCII).
const TEXT_SEARCH_LOCK: i64 = 0x7061_6978;

impl Index {
    /// The index in the console's database, with the text-search structure of its kind:
    /// SQLite's FTS5 with the trigram tokenizer, or PostgreSQL's `pg_trgm`.
    pub async fn open(db: &Database) -> Result<Self, OpenError> {
        let pool = db.pool().clone();
        let postgres = db.is_postgres();
        let statements: &[&str] = if postgres {
            &[
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX IF NOT EXISTS indexed_profiles_text \
                 ON indexed_profiles USING gin (search_text gin_trgm_ops)",
            ]
        } else {
            &[
                "CREATE VIRTUAL TABLE IF NOT EXISTS profile_text USING fts5(\
               body, content = '', contentless_delete = 1, \
               tokenize = 'trigram remove_diacritics 1')",
            ]
        };
        let failed = |e: sqlx::Error| {
            let message = format!(
                "cannot prepare the profile index's text search in {}: {e}{}",
                db.describe(),
                if postgres {
                    " (the index needs the pg_trgm extension: CREATE EXTENSION pg_trgm)"
                } else {
                    ""
                }
            );
            OpenError::new(message, &e)
        };
        // Consoles started together on one PostgreSQL would race to create the extension
        // (one failing on its catalog's unique index): one at a time, under a lock that
        // ends with the transaction.
        let mut tx = pool.begin().await.map_err(failed)?;
        if postgres {
            sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
                .bind(TEXT_SEARCH_LOCK)
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
        }
        for sql in statements {
            sqlx::query(sql).execute(&mut *tx).await.map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        Ok(Self {
            pool,
            postgres,
            count: Arc::default(),
            wake: Arc::default(),
            waiting: Arc::default(),
            counts: Arc::default(),
            counts_ttl: super::counts::COUNTS_TTL,
            short_text_scan: None,
        })
    }

    /// Writes `profiles` in, in one transaction, as seen by the current walk.
    pub async fn upsert(&self, profiles: &[Received]) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        self.upsert_in(&mut tx, profiles).await?;
        tx.commit().await
    }

    /// A transaction that writes, holding the write lock from its start
    /// ([`crate::db::begin_write`]).
    pub(super) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        crate::db::begin_write(&self.pool, self.postgres).await
    }

    /// This index with the review queue's counts kept `ttl` (a test's short wait).
    pub fn with_counts_ttl(mut self, ttl: Duration) -> Self {
        self.counts_ttl = ttl;
        self
    }

    /// This index with a page of short-text search looking through `n` profiles at most
    /// (a test's small number).
    pub fn with_short_text_scan(mut self, n: usize) -> Self {
        self.short_text_scan = Some(n.max(1));
        self
    }

    /// The number a `SELECT COUNT(*) …` answers.
    pub(super) async fn count_of(&self, sql: Statement) -> Result<u64, sqlx::Error> {
        let n: i64 = sqlx::query_scalar_with(&sql.sql, sql.args)
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// The review queue's cached counts.
    pub(super) fn lock_counts(&self) -> std::sync::MutexGuard<'_, CountCache> {
        // Held for a map lookup or insert, never across an await.
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The write-throughs waiting to be written again.
    pub(super) fn lock_waiting(&self) -> std::sync::MutexGuard<'_, Waiting> {
        // Only ever held for a few map operations, never across an await: a poisoned
        // lock's map is still whole.
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// [`Index::upsert`] inside a caller's transaction. A profile listed twice keeps the
    /// last copy.
    pub(super) async fn upsert_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        profiles: &[Received],
    ) -> Result<(), sqlx::Error> {
        let mut unique: Vec<&Received> = Vec::with_capacity(profiles.len());
        for r in profiles {
            unique.retain(|u| u.profile.id != r.profile.id);
            unique.push(r);
        }
        if unique.is_empty() {
            return Ok(());
        }
        let now = stamp(OffsetDateTime::now_utc());
        let known = stored_rows(conn, &unique, self.postgres).await?;
        let held = held_statuses(conn, &unique).await?;
        let mut review = Review::default();
        let mut effective = Vec::with_capacity(unique.len());
        let mut queue = Vec::with_capacity(unique.len());
        for r in &unique {
            let id = r.profile.id.as_str();
            let stored = known.get(id);
            let at = stamp(r.observed_at);
            let mut after = held.get(id).cloned().unwrap_or_default();
            let comparison = statuses::compare(&after, &statuses::observe(r), &at);
            for subject in &comparison.end {
                after.remove(subject);
            }
            for (subject, status) in &comparison.hold {
                after.insert(subject.clone(), status.clone());
            }
            let programs = ProgramsColumns::after(stored, r, &at);
            let changed = !comparison.changes.is_empty();
            queue.push(QueueColumns::of(
                &programs.profile,
                &after,
                stored.map(|s| &s.queue),
                changed,
                &at,
            ));
            review.add(id, r, comparison);
            effective.push(programs);
        }

        let mut rows = Statement::new();
        let mut values = Vec::new();
        for ((r, programs), queued) in unique.iter().zip(&effective).zip(&queue) {
            let p = &r.profile;
            let row = [
                rows.text(p.id.as_str()),
                rows.int(doc(p.id.as_str())),
                rows.optional(p.external_id()),
                rows.optional(p.name.as_deref()),
                rows.int(i64::from(p.name.is_none())),
                rows.text(p.name.as_deref().unwrap_or_default().to_lowercase()),
                rows.text(p.kind()),
                rows.optional(p.enforcement_status.as_ref().map(|e| e.label())),
                rows.text(stamp(p.created_at)),
                rows.text(stamp(p.updated_at)),
                rows.text(search_text(p)),
                rows.text(r.raw.clone()),
                rows.text(now.clone()),
                rows.optional(programs.programs.as_deref()),
                rows.text(programs.at.clone()),
                rows.optional(programs.how.as_deref()),
                rows.int(programs.due),
                rows.int(i64::from(queued.can_clear)),
                rows.optional(queued.waiting_since.as_deref()),
                rows.int(i64::from(queued.rejected)),
                rows.optional(queued.expires_at.as_deref()),
                rows.optional(queued.status_changed_at.as_deref()),
            ];
            values.push(format!(
                "({}, (SELECT walk FROM index_sync WHERE id = 1), NULL)",
                row.join(", ")
            ));
        }
        rows.sql = format!(
            "INSERT INTO indexed_profiles (id, doc, external_id, name, unnamed, sort_name, relationship, \
             enforcement_status, created_at, updated_at, search_text, raw, indexed_at, \
             programs, programs_at, programs_how, programs_due, can_clear, waiting_since, \
             rejected, expires_at, status_changed_at, seen_walk, gone_at) VALUES {} \
             ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id, \
             name = excluded.name, unnamed = excluded.unnamed, sort_name = excluded.sort_name, \
             relationship = excluded.relationship, \
             enforcement_status = excluded.enforcement_status, created_at = excluded.created_at, \
             updated_at = excluded.updated_at, search_text = excluded.search_text, \
             raw = excluded.raw, indexed_at = excluded.indexed_at, \
             programs = excluded.programs, programs_at = excluded.programs_at, \
             programs_how = excluded.programs_how, programs_due = excluded.programs_due, \
             can_clear = excluded.can_clear, waiting_since = excluded.waiting_since, \
             rejected = excluded.rejected, expires_at = excluded.expires_at, \
             status_changed_at = excluded.status_changed_at, seen_walk = excluded.seen_walk, gone_at = NULL",
            values.join(", ")
        );
        // SQLite's full-text rows of the profiles already indexed, replaced below.
        let known_docs: Vec<i64> = if self.postgres {
            Vec::new()
        } else {
            known.values().map(|stored| stored.doc).collect()
        };
        rows.execute(conn).await?;

        for table in SIDE_TABLES {
            let mut delete = Statement::new();
            let ids = delete.texts(unique.iter().map(|r| r.profile.id.as_str()));
            delete.sql = format!("DELETE FROM {table} WHERE profile_id IN ({ids})");
            delete.execute(conn).await?;
        }
        let grants = unique
            .iter()
            .zip(&effective)
            .flat_map(|(r, programs)| {
                programs
                    .profile
                    .standing()
                    .into_iter()
                    .map(|(name, status)| vec![r.profile.id.to_string(), name, status])
            })
            .collect();
        insert_rows(
            conn,
            "indexed_grants (profile_id, grant_name, status)",
            grants,
        )
        .await?;
        let keys = unique
            .iter()
            .flat_map(|r| {
                r.profile
                    .metadata
                    .keys()
                    .map(|key| vec![r.profile.id.to_string(), key.to_string()])
            })
            .collect();
        insert_rows(conn, "indexed_metadata_keys (profile_id, meta_key)", keys).await?;
        let reasons = unique
            .iter()
            .flat_map(|r| {
                r.profile
                    .action_reasons()
                    .into_iter()
                    .map(|reason| vec![r.profile.id.to_string(), reason])
            })
            .collect();
        insert_rows(conn, "indexed_reasons (profile_id, reason)", reasons).await?;

        review.write(conn).await?;

        if !self.postgres {
            if !known_docs.is_empty() {
                let mut delete = Statement::new();
                let docs: Vec<_> = known_docs.iter().map(|d| delete.int(*d)).collect();
                delete.sql = format!(
                    "DELETE FROM profile_text WHERE rowid IN ({})",
                    docs.join(", ")
                );
                delete.execute(conn).await?;
            }
            let mut insert = Statement::new();
            let values: Vec<_> = unique
                .iter()
                .map(|r| {
                    format!(
                        "({}, {})",
                        insert.int(doc(r.profile.id.as_str())),
                        insert.text(search_text(&r.profile))
                    )
                })
                .collect();
            insert.sql = format!(
                "INSERT INTO profile_text (rowid, body) VALUES {}",
                values.join(", ")
            );
            insert.execute(conn).await?;
        }
        Ok(())
    }

    /// Whether the index holds this profile (and a complete walk has not found it gone).
    pub async fn knows(&self, id: &str) -> Result<bool, sqlx::Error> {
        Ok(
            sqlx::query("SELECT 1 FROM indexed_profiles WHERE id = $1 AND gone_at IS NULL")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// The profile as the index last received it, if it holds it.
    pub async fn stored(&self, id: &str) -> Result<Option<Profile>, sqlx::Error> {
        let raw: Option<String> =
            sqlx::query_scalar("SELECT raw FROM indexed_profiles WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(raw.and_then(|raw| serde_json::from_str(&raw).ok()))
    }

    /// Marks a profile the API no longer has as gone, at once rather than after the next
    /// complete walk (a webhook found it deleted).
    pub async fn mark_gone(&self, id: &str) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE indexed_profiles SET gone_at = $1 WHERE id = $2 AND gone_at IS NULL")
            .bind(crate::timestamp::stamp_now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        drop_side_rows(&mut tx, "$1", id).await?;
        tx.commit().await?;
        *self.count.lock().await = None;
        Ok(())
    }

    /// Profiles in the index, not counting gone ones; counted at most every few seconds.
    pub async fn count(&self) -> Result<u64, sqlx::Error> {
        let mut cached = self.count.lock().await;
        if let Some((at, n)) = *cached {
            if at.elapsed() < COUNT_TTL {
                return Ok(n);
            }
        }
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM indexed_profiles WHERE gone_at IS NULL")
                .fetch_one(&self.pool)
                .await?;
        let n = u64::try_from(n).unwrap_or_default();
        *cached = Some((Instant::now(), n));
        Ok(n)
    }

    /// Refreshes PostgreSQL's statistics of the index tables, so that its planner keeps
    /// choosing the index-ordered plans search relies on as the index grows: a fresh
    /// table has none, and PostgreSQL then scans and sorts (docs/performance.md: p99 of
    /// 108–155 ms at a million profiles without, 15 ms with). Run after a walk. SQLite's
    /// planner needs none (with `PRAGMA optimize` its text searches were slower).
    pub async fn optimize(&self) -> Result<(), sqlx::Error> {
        if self.postgres {
            sqlx::query("ANALYZE indexed_profiles, indexed_grants, indexed_metadata_keys")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Forgets the cached count, after a walk changed what is gone.
    pub(super) async fn recount(&self) {
        *self.count.lock().await = None;
    }

    /// Wakes this console's sync loop (after a refresh request).
    pub(super) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Until [`Index::wake`].
    pub(super) async fn woken(&self) {
        self.wake.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::ProfileId;
    use std::collections::BTreeMap;

    #[test]
    fn docs_are_stable_positive_and_distinct() {
        assert_eq!(doc("uprof_a"), doc("uprof_a"));
        assert_ne!(doc("uprof_a"), doc("uprof_b"));
        assert!(doc("uprof_011CZkZCu8hGbp5mYRQgUmz9") >= 0);
        let many: std::collections::HashSet<_> =
            (0..100_000).map(|i| doc(&format!("uprof_{i}"))).collect();
        assert_eq!(many.len(), 100_000);
    }

    #[test]
    fn search_text_has_every_field_on_its_own_line() {
        let p: Profile = serde_json::from_value(serde_json::json!({
            "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
            "external_id": "user_7", "name": "Zoë",
            "metadata": {"plan": "pro", "note": "two\nlines"}
        }))
        .unwrap();
        assert_eq!(
            search_text(&p),
            "uprof_1\nuser_7\nZoë\nnote\ntwo lines\nplan\npro"
        );
        let bare = Profile {
            metadata: BTreeMap::new(),
            beta_external_id: None,
            name: None,
            id: ProfileId::parse("uprof_2").unwrap(),
            ..p
        };
        assert_eq!(search_text(&bare), "uprof_2");
        let ga: Profile = serde_json::from_value(serde_json::json!({
            "id": "uprof_3", "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
            "name": "Acme", "access_type": "passthrough",
            "external_user_details": {"reference_id": "acct-9", "email_hash": "e3b0c442", "country": "DE"}
        }))
        .unwrap();
        assert_eq!(search_text(&ga), "uprof_3\nacct-9\nAcme\ne3b0c442");
    }
}

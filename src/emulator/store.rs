//! The emulator's profiles, kept in an SQLite file in the data directory.
//!
//! One row per profile: its id, its creation time and the profile as JSON, with an index
//! on (creation time, id), the list's order. A page of the list is then one range read
//! of that index, as fast at a million profiles as at a hundred, and memory holds only
//! SQLite's page cache, not the profiles (docs/emulator.md). Every change runs in a
//! transaction that is on disk (WAL, `synchronous = FULL`) before it is acknowledged, so a
//! crash leaves either the old or the new profile, never a torn one.

use super::cursor::Position;
use crate::profiles::model::{Order, Profile};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Mutex;

const FILE_NAME: &str = "emulator.sqlite";
/// The store of versions before this one: one JSON file, read once into a new store.
const LEGACY_FILE_NAME: &str = "emulator-profiles.json";
/// Profiles inserted per transaction while seeding.
const SEED_BATCH: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a usable emulator store (left untouched): {source}")]
    Database { path: PathBuf, source: sqlx::Error },
    #[error("{path} holds a profile that cannot be read: {source}")]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot read {path}: {source}")]
    Legacy {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub struct Store {
    path: PathBuf,
    pool: SqlitePool,
    /// One writer at a time, so that a read-modify-write sees no other write between.
    writer: Mutex<()>,
}

impl Store {
    /// Opens the store in `data_dir`, filling it from `seed` when it is new: with the
    /// profiles of an earlier version's JSON store if there is one, else with the seed.
    pub async fn open<I>(data_dir: &Path, seed: impl FnOnce() -> I) -> Result<Self, StoreError>
    where
        I: IntoIterator<Item = Profile>,
    {
        let path = data_dir.join(FILE_NAME);
        let fail = |source| StoreError::Database {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(|e| fail(sqlx::Error::Io(e)))?;
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(fail)?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS profiles (
                 id TEXT PRIMARY KEY,
                 created_at INTEGER NOT NULL,
                 profile TEXT NOT NULL
             )",
        )
        .execute(&pool)
        .await
        .map_err(fail)?;
        sqlx::query("CREATE INDEX IF NOT EXISTS profiles_by_creation ON profiles (created_at, id)")
            .execute(&pool)
            .await
            .map_err(fail)?;
        let store = Self {
            path: path.clone(),
            pool,
            writer: Mutex::new(()),
        };
        let empty = sqlx::query("SELECT 1 FROM profiles LIMIT 1")
            .fetch_optional(&store.pool)
            .await
            .map_err(fail)?
            .is_none();
        if empty {
            let legacy = data_dir.join(LEGACY_FILE_NAME);
            match std::fs::read(&legacy) {
                Ok(bytes) => {
                    #[derive(serde::Deserialize)]
                    struct LegacyFile {
                        profiles: Vec<Profile>,
                    }
                    let file: LegacyFile =
                        serde_json::from_slice(&bytes).map_err(|source| StoreError::Corrupt {
                            path: legacy.clone(),
                            source,
                        })?;
                    store.fill(file.profiles).await?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => store.fill(seed()).await?,
                Err(source) => {
                    return Err(StoreError::Legacy {
                        path: legacy,
                        source,
                    })
                }
            }
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fail(&self, source: sqlx::Error) -> StoreError {
        StoreError::Database {
            path: self.path.clone(),
            source,
        }
    }

    fn decode(&self, json: &str) -> Result<Profile, StoreError> {
        serde_json::from_str(json).map_err(|source| StoreError::Corrupt {
            path: self.path.clone(),
            source,
        })
    }

    /// Inserts `profiles` in batches, each batch one transaction, never holding more than
    /// one batch in memory.
    async fn fill(&self, profiles: impl IntoIterator<Item = Profile>) -> Result<(), StoreError> {
        let mut profiles = profiles.into_iter().peekable();
        while profiles.peek().is_some() {
            let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
            for profile in profiles.by_ref().take(SEED_BATCH) {
                insert(&mut tx, &profile).await.map_err(|e| self.fail(e))?;
            }
            tx.commit().await.map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    pub async fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM profiles")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    pub async fn get(&self, id: &str) -> Result<Option<Profile>, StoreError> {
        let row: Option<String> = sqlx::query_scalar("SELECT profile FROM profiles WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        row.map(|json| self.decode(&json)).transpose()
    }

    /// Up to `limit` profiles in `order`, starting after `after`: one range of the
    /// (creation time, id) index.
    pub async fn page(
        &self,
        order: Order,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<Vec<Profile>, StoreError> {
        let sql = match (order, after.is_some()) {
            (Order::Asc, false) => "SELECT profile FROM profiles ORDER BY created_at, id LIMIT ?",
            (Order::Desc, false) => {
                "SELECT profile FROM profiles ORDER BY created_at DESC, id DESC LIMIT ?"
            }
            (Order::Asc, true) => {
                "SELECT profile FROM profiles WHERE (created_at, id) > (?, ?) \
                 ORDER BY created_at, id LIMIT ?"
            }
            (Order::Desc, true) => {
                "SELECT profile FROM profiles WHERE (created_at, id) < (?, ?) \
                 ORDER BY created_at DESC, id DESC LIMIT ?"
            }
        };
        let mut query = sqlx::query(sql);
        if let Some(p) = after {
            query = query.bind(nanos(p.created_at)).bind(p.id.as_str());
        }
        let rows = query
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|row| self.decode(row.get::<&str, _>(0)))
            .collect()
    }

    /// Adds a profile whose id is not yet in use.
    pub async fn insert(&self, profile: Profile) -> Result<Profile, StoreError> {
        let _writer = self.writer.lock().await;
        let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
        insert(&mut tx, &profile).await.map_err(|e| self.fail(e))?;
        tx.commit().await.map_err(|e| self.fail(e))?;
        Ok(profile)
    }

    /// Whether a profile has this id.
    pub async fn contains(&self, id: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM profiles WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.fail(e))?
            .is_some())
    }

    /// Replaces the profile `id` with `change(current)`, durably, before anyone sees it.
    /// `None` when there is no such profile; if `change` fails, nothing changes.
    pub async fn update<E: From<StoreError>>(
        &self,
        id: &str,
        change: impl FnOnce(&Profile) -> Result<Profile, E>,
    ) -> Result<Option<Profile>, E> {
        let _writer = self.writer.lock().await;
        let Some(current) = self.get(id).await? else {
            return Ok(None);
        };
        let next = change(&current)?;
        let json = serde_json::to_string(&next).expect("profiles always serialize");
        sqlx::query("UPDATE profiles SET profile = ? WHERE id = ?")
            .bind(json)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(Some(next))
    }
}

fn nanos(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

async fn insert(conn: &mut sqlx::SqliteConnection, profile: &Profile) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(profile).expect("profiles always serialize");
    sqlx::query("INSERT INTO profiles (id, created_at, profile) VALUES (?, ?, ?)")
        .bind(profile.id.as_str())
        .bind(nanos(profile.created_at))
        .bind(json)
        .execute(conn)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::{Lenient, ProfileId, Relationship};
    use std::collections::BTreeMap;
    use time::macros::datetime;

    fn profile(id: &str, minute: u8) -> Profile {
        let at = datetime!(2026-03-15 10:00 UTC) + time::Duration::minutes(minute.into());
        Profile {
            id: ProfileId::parse(id).unwrap(),
            created_at: at,
            updated_at: at,
            external_id: None,
            name: Some("Zoë".into()),
            relationship: Lenient::Known(Relationship::External),
            metadata: BTreeMap::new(),
            trust_grants: BTreeMap::new(),
        }
    }

    #[tokio::test]
    async fn seeds_once_and_keeps_acknowledged_writes_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), || [profile("uprof_a", 0)])
            .await
            .unwrap();
        store.insert(profile("uprof_b", 1)).await.unwrap();
        let renamed = store
            .update("uprof_a", |p| {
                Ok::<_, StoreError>(Profile {
                    name: Some("Åsa".into()),
                    ..p.clone()
                })
            })
            .await
            .unwrap();
        assert_eq!(renamed.unwrap().name.as_deref(), Some("Åsa"));
        drop(store);
        let reopened = Store::open(dir.path(), || -> Vec<Profile> { panic!("must not reseed") })
            .await
            .unwrap();
        let page = reopened.page(Order::Asc, None, 10).await.unwrap();
        let ids: Vec<_> = page.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["uprof_a", "uprof_b"]);
        assert_eq!(page[0].name.as_deref(), Some("Åsa"));
    }

    #[tokio::test]
    async fn a_failed_change_leaves_the_profile_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), || [profile("uprof_a", 0)])
            .await
            .unwrap();
        let result = store
            .update("uprof_a", |_| {
                Err::<Profile, _>(StoreError::Legacy {
                    path: "x".into(),
                    source: std::io::Error::other("refused"),
                })
            })
            .await;
        assert!(result.is_err());
        assert_eq!(
            store.get("uprof_a").await.unwrap(),
            Some(profile("uprof_a", 0))
        );
        assert_eq!(
            store
                .update("uprof_none", |p| Ok::<_, StoreError>(p.clone()))
                .await
                .unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn pages_are_ranges_of_creation_order_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        // Two profiles created in the same instant are ordered by id.
        let seed = [
            profile("uprof_c", 2),
            profile("uprof_a", 0),
            profile("uprof_b2", 1),
            profile("uprof_b1", 1),
        ];
        let store = Store::open(dir.path(), || seed).await.unwrap();
        let ids = |page: Vec<Profile>| {
            page.into_iter()
                .map(|p| p.id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(store.page(Order::Asc, None, 10).await.unwrap()),
            ["uprof_a", "uprof_b1", "uprof_b2", "uprof_c"]
        );
        let after = |order, minute: u8, id: &str| Position {
            order,
            created_at: profile(id, minute).created_at,
            id: id.into(),
        };
        assert_eq!(
            ids(store
                .page(Order::Asc, Some(&after(Order::Asc, 1, "uprof_b1")), 10)
                .await
                .unwrap()),
            ["uprof_b2", "uprof_c"]
        );
        assert_eq!(
            ids(store
                .page(Order::Desc, Some(&after(Order::Desc, 1, "uprof_b2")), 1)
                .await
                .unwrap()),
            ["uprof_b1"]
        );
        assert_eq!(store.count().await.unwrap(), 4);
    }

    #[tokio::test]
    async fn an_earlier_json_store_is_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let legacy = serde_json::json!({"version": 1, "profiles": [profile("uprof_old", 0)]});
        std::fs::write(dir.path().join(LEGACY_FILE_NAME), legacy.to_string()).unwrap();
        let store = Store::open(dir.path(), || -> Vec<Profile> { panic!("must not seed") })
            .await
            .unwrap();
        assert!(store.contains("uprof_old").await.unwrap());
        assert_eq!(store.count().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_corrupt_store_is_refused_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            b"not a database, and long enough to be read as a header",
        )
        .unwrap();
        let err = Store::open(dir.path(), Vec::new).await.err().unwrap();
        assert!(matches!(err, StoreError::Database { .. }), "{err}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"not a database, and long enough to be read as a header"
        );
    }
}

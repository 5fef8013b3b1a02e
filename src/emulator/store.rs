//! The emulator's profiles, kept in an SQLite file in the data directory.
//!
//! One row per profile: its id, its creation time, its name's sort key and the record
//! (`record.rs`) as JSON, with an index for each order the list offers: (creation time,
//! id) and (name key, creation time, id). A page of the list is then one range read of an
//! index, as fast at a million profiles as at a hundred, and memory holds only SQLite's
//! page cache, not the profiles (docs/emulator.md). Deleted ids are remembered, so that
//! none is ever used again. Every change runs in a
//! transaction that is on disk (WAL, `synchronous = FULL`) before it is acknowledged, so a
//! crash leaves either the old or the new profile, never a torn one.

use super::cursor::{OrderBy, Position};
use super::record::Record;
use crate::profiles::model::Order;
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
        I: IntoIterator<Item = Record>,
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
        // Stores of earlier versions lack the name key: add it, from the JSON.
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info('profiles')")
                .fetch_all(&pool)
                .await
                .map_err(fail)?;
        if !columns.iter().any(|c| c == "name_key") {
            sqlx::query("ALTER TABLE profiles ADD COLUMN name_key TEXT")
                .execute(&pool)
                .await
                .map_err(fail)?;
            // SQLite's lower() folds ASCII letters only, as the API's name order does.
            sqlx::query("UPDATE profiles SET name_key = lower(json_extract(profile, '$.name'))")
                .execute(&pool)
                .await
                .map_err(fail)?;
        }
        for statement in [
            "CREATE INDEX IF NOT EXISTS profiles_by_creation ON profiles (created_at, id)",
            "CREATE INDEX IF NOT EXISTS profiles_by_name ON profiles (name_key, created_at, id)",
            "CREATE TABLE IF NOT EXISTS deleted_profiles (id TEXT PRIMARY KEY)",
            "CREATE TABLE IF NOT EXISTS webhook_endpoints (
                 id TEXT PRIMARY KEY,
                 created_at INTEGER NOT NULL,
                 endpoint TEXT NOT NULL
             )",
        ] {
            sqlx::query(statement).execute(&pool).await.map_err(fail)?;
        }
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
                        profiles: Vec<Record>,
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

    fn decode(&self, json: &str) -> Result<Record, StoreError> {
        serde_json::from_str(json).map_err(|source| StoreError::Corrupt {
            path: self.path.clone(),
            source,
        })
    }

    /// Inserts `profiles` in batches, each batch one transaction, never holding more than
    /// one batch in memory.
    async fn fill(&self, profiles: impl IntoIterator<Item = Record>) -> Result<(), StoreError> {
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

    pub async fn get(&self, id: &str) -> Result<Option<Record>, StoreError> {
        let row: Option<String> = sqlx::query_scalar("SELECT profile FROM profiles WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        row.map(|json| self.decode(&json)).transpose()
    }

    /// Up to `limit` profiles in `order` of `order_by`, starting after `after`: one or
    /// two ranges of an index. By name, named profiles come first in either direction,
    /// then the unnamed ones by creation time.
    pub async fn page(
        &self,
        order: Order,
        order_by: OrderBy,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError> {
        let (cmp, dir) = match order {
            Order::Asc => (">", "ASC"),
            Order::Desc => ("<", "DESC"),
        };
        let by_creation = |filter: &str, after: bool| {
            let from = if after {
                format!(" AND (created_at, id) {cmp} (?, ?)")
            } else {
                String::new()
            };
            format!(
                "SELECT profile FROM profiles WHERE {filter}{from} \
                 ORDER BY created_at {dir}, id {dir} LIMIT ?"
            )
        };
        let mut out = Vec::new();
        match order_by {
            OrderBy::CreatedAt => {
                let sql = by_creation("1", after.is_some());
                let mut query = sqlx::query(&sql);
                if let Some(p) = after {
                    query = query.bind(nanos(p.created_at)).bind(p.id.as_str());
                }
                out.extend(self.rows(query, limit).await?);
            }
            OrderBy::Name => {
                let named_after = after.and_then(|p| p.name_key.as_deref().map(|k| (k, p)));
                let past_named = after.is_some_and(|p| p.name_key.is_none());
                if !past_named {
                    let from = if named_after.is_some() {
                        format!(" AND (name_key, created_at, id) {cmp} (?, ?, ?)")
                    } else {
                        String::new()
                    };
                    let sql = format!(
                        "SELECT profile FROM profiles WHERE name_key IS NOT NULL{from} \
                         ORDER BY name_key {dir}, created_at {dir}, id {dir} LIMIT ?"
                    );
                    let mut query = sqlx::query(&sql);
                    if let Some((key, p)) = named_after {
                        query = query
                            .bind(key.to_owned())
                            .bind(nanos(p.created_at))
                            .bind(p.id.as_str());
                    }
                    out.extend(self.rows(query, limit).await?);
                }
                if out.len() < limit {
                    let sql = by_creation("name_key IS NULL", past_named);
                    let mut query = sqlx::query(&sql);
                    if let Some(p) = after.filter(|_| past_named) {
                        query = query.bind(nanos(p.created_at)).bind(p.id.as_str());
                    }
                    out.extend(self.rows(query, limit - out.len()).await?);
                }
            }
        }
        Ok(out)
    }

    async fn rows<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError> {
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
    pub async fn insert(&self, profile: Record) -> Result<Record, StoreError> {
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
        change: impl FnOnce(&Record) -> Result<Record, E>,
    ) -> Result<Option<Record>, E> {
        let _writer = self.writer.lock().await;
        let Some(current) = self.get(id).await? else {
            return Ok(None);
        };
        let next = change(&current)?;
        let json = serde_json::to_string(&next).expect("profiles always serialize");
        sqlx::query("UPDATE profiles SET profile = ?, name_key = ? WHERE id = ?")
            .bind(json)
            .bind(next.name_key())
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(Some(next))
    }

    /// Deletes the profile `id`; its id is never used again. `false` if there was none.
    pub async fn delete(&self, id: &str) -> Result<bool, StoreError> {
        let _writer = self.writer.lock().await;
        let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
        let gone = sqlx::query("DELETE FROM profiles WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?
            .rows_affected()
            > 0;
        if gone {
            sqlx::query("INSERT INTO deleted_profiles (id) VALUES (?)")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.fail(e))?;
        }
        tx.commit().await.map_err(|e| self.fail(e))?;
        Ok(gone)
    }

    /// Every registered webhook endpoint, oldest first.
    pub async fn endpoints<T: serde::de::DeserializeOwned>(&self) -> Result<Vec<T>, StoreError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT endpoint FROM webhook_endpoints ORDER BY created_at, id")
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|json| {
                serde_json::from_str(json).map_err(|source| StoreError::Corrupt {
                    path: self.path.clone(),
                    source,
                })
            })
            .collect()
    }

    /// Adds or replaces the endpoint `id`.
    pub async fn put_endpoint<T: serde::Serialize>(
        &self,
        id: &str,
        created_at: OffsetDateTime,
        endpoint: &T,
    ) -> Result<(), StoreError> {
        let _writer = self.writer.lock().await;
        let json = serde_json::to_string(endpoint).expect("endpoints always serialize");
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, created_at, endpoint) VALUES (?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET endpoint = excluded.endpoint",
        )
        .bind(id)
        .bind(nanos(created_at))
        .bind(json)
        .execute(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Removes the endpoint `id`; `false` if there was none.
    pub async fn delete_endpoint(&self, id: &str) -> Result<bool, StoreError> {
        let _writer = self.writer.lock().await;
        Ok(sqlx::query("DELETE FROM webhook_endpoints WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| self.fail(e))?
            .rows_affected()
            > 0)
    }

    /// Whether an id was ever given: held now, or deleted.
    pub async fn was_issued(&self, id: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "SELECT 1 FROM profiles WHERE id = ?1 UNION ALL SELECT 1 FROM deleted_profiles WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?
        .is_some())
    }
}

fn nanos(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

async fn insert(conn: &mut sqlx::SqliteConnection, profile: &Record) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(profile).expect("profiles always serialize");
    sqlx::query("INSERT INTO profiles (id, created_at, name_key, profile) VALUES (?, ?, ?, ?)")
        .bind(profile.id.as_str())
        .bind(nanos(profile.created_at))
        .bind(profile.name_key())
        .bind(json)
        .execute(conn)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn profile(id: &str, minute: u8) -> Record {
        let at = datetime!(2026-03-15 10:00 UTC) + time::Duration::minutes(minute.into());
        Record {
            name: Some("Zoë".into()),
            ..Record::new(id.into(), at)
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
                Ok::<_, StoreError>(Record {
                    name: Some("Åsa".into()),
                    ..p.clone()
                })
            })
            .await
            .unwrap();
        assert_eq!(renamed.unwrap().name.as_deref(), Some("Åsa"));
        drop(store);
        let reopened = Store::open(dir.path(), || -> Vec<Record> { panic!("must not reseed") })
            .await
            .unwrap();
        let page = reopened
            .page(Order::Asc, OrderBy::CreatedAt, None, 10)
            .await
            .unwrap();
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
                Err::<Record, _>(StoreError::Legacy {
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
        let ids = |page: Vec<Record>| {
            page.into_iter()
                .map(|p| p.id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(store
                .page(Order::Asc, OrderBy::CreatedAt, None, 10)
                .await
                .unwrap()),
            ["uprof_a", "uprof_b1", "uprof_b2", "uprof_c"]
        );
        let after = |order, minute: u8, id: &str| Position {
            order,
            order_by: OrderBy::CreatedAt,
            filter: Vec::new(),
            name_key: None,
            created_at: profile(id, minute).created_at,
            id: id.into(),
        };
        assert_eq!(
            ids(store
                .page(
                    Order::Asc,
                    OrderBy::CreatedAt,
                    Some(&after(Order::Asc, 1, "uprof_b1")),
                    10
                )
                .await
                .unwrap()),
            ["uprof_b2", "uprof_c"]
        );
        assert_eq!(
            ids(store
                .page(
                    Order::Desc,
                    OrderBy::CreatedAt,
                    Some(&after(Order::Desc, 1, "uprof_b2")),
                    1
                )
                .await
                .unwrap()),
            ["uprof_b1"]
        );
        assert_eq!(store.count().await.unwrap(), 4);
    }

    #[tokio::test]
    async fn by_name_pages_ignore_ascii_case_and_put_the_unnamed_last_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let named = |id: &str, minute: u8, name: Option<&str>| Record {
            name: name.map(str::to_owned),
            ..profile(id, minute)
        };
        let seed = [
            named("uprof_1", 0, Some("beta")),
            named("uprof_2", 1, None),
            named("uprof_3", 2, Some("Alpha")),
            named("uprof_4", 3, Some("alpha")),
            named("uprof_5", 4, None),
            named("uprof_6", 5, Some("Ålborg")),
        ];
        let store = Store::open(dir.path(), || seed).await.unwrap();
        // Walk each order two at a time, as a client would, with the cursor's position.
        let walk = |order| {
            let store = &store;
            async move {
                let mut seen = Vec::new();
                let mut after: Option<Position> = None;
                loop {
                    let page = store
                        .page(order, OrderBy::Name, after.as_ref(), 2)
                        .await
                        .unwrap();
                    let Some(last) = page.last() else { break seen };
                    after = Some(Position {
                        order,
                        order_by: OrderBy::Name,
                        filter: Vec::new(),
                        name_key: last.name_key(),
                        created_at: last.created_at,
                        id: last.id.clone(),
                    });
                    seen.extend(page.into_iter().map(|r| r.id));
                }
            }
        };
        // "Ålborg" sorts after ASCII letters: only ASCII is folded.
        assert_eq!(
            walk(Order::Asc).await,
            ["uprof_3", "uprof_4", "uprof_1", "uprof_6", "uprof_2", "uprof_5"]
        );
        assert_eq!(
            walk(Order::Desc).await,
            ["uprof_6", "uprof_1", "uprof_4", "uprof_3", "uprof_5", "uprof_2"]
        );
    }

    #[tokio::test]
    async fn a_deleted_profile_is_gone_but_its_id_stays_issued() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), || [profile("uprof_a", 0)])
            .await
            .unwrap();
        assert!(store.delete("uprof_a").await.unwrap());
        assert!(!store.delete("uprof_a").await.unwrap());
        assert_eq!(store.get("uprof_a").await.unwrap(), None);
        assert!(!store.contains("uprof_a").await.unwrap());
        assert!(store.was_issued("uprof_a").await.unwrap());
        assert!(!store.was_issued("uprof_b").await.unwrap());
        assert_eq!(store.count().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_store_without_name_keys_gets_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        {
            let options = SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true);
            let pool = SqlitePoolOptions::new()
                .connect_with(options)
                .await
                .unwrap();
            sqlx::query("CREATE TABLE profiles (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, profile TEXT NOT NULL)")
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query("INSERT INTO profiles VALUES ('uprof_old', 1, ?)")
                .bind(r#"{"id":"uprof_old","created_at":"2026-03-24T09:00:00Z","updated_at":"2026-03-24T09:00:00Z","name":"Old ONE","relationship":"resold","external_id":null,"metadata":{},"trust_grants":{}}"#)
                .execute(&pool)
                .await
                .unwrap();
        }
        let store = Store::open(dir.path(), || -> Vec<Record> { panic!("must not seed") })
            .await
            .unwrap();
        let page = store
            .page(Order::Asc, OrderBy::Name, None, 5)
            .await
            .unwrap();
        assert_eq!(page[0].name_key().as_deref(), Some("old one"));
        let key: Option<String> = sqlx::query_scalar("SELECT name_key FROM profiles")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(key.as_deref(), Some("old one"));
    }

    #[tokio::test]
    async fn an_earlier_json_store_is_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let legacy = serde_json::json!({"version": 1, "profiles": [profile("uprof_old", 0)]});
        std::fs::write(dir.path().join(LEGACY_FILE_NAME), legacy.to_string()).unwrap();
        let store = Store::open(dir.path(), || -> Vec<Record> { panic!("must not seed") })
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

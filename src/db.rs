//! The console's own database: accounts, sessions and the audit trail.
//!
//! SQLite in the data directory by default; PostgreSQL when `DATABASE_URL` names one, so
//! that several console instances share sessions and history. One set of queries and one
//! set of migrations serve both, through sqlx's `Any` driver, which is why the SQL here and
//! in `migrations/` keeps to what both understand: `$N` placeholders, TEXT times in
//! RFC 3339 UTC, ids made by the application, booleans read as integers. Sessions go
//! through the tower-sessions store of the same database.

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use sqlx::any::{AnyArguments, AnyPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::AnyPool;
use sqlx::Arguments;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The database file in the data directory, when no `DATABASE_URL` is given.
pub const DATABASE_FILE: &str = "console.sqlite";
/// Connections per console process; the console makes a few queries per request.
const MAX_CONNECTIONS: u32 = 8;
/// How long a query waits for a connection before the database counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long [`Database::reachable`] waits for an answer.
const REACHABLE_WITHIN: Duration = Duration::from_secs(2);
/// Longest wait between two attempts to open a database that cannot be reached.
pub const OPEN_RETRY_CAP: Duration = Duration::from_secs(30);

/// Why a database could not be opened or prepared, and whether trying again later may
/// help.
#[derive(Debug)]
pub struct OpenError {
    message: String,
    transient: bool,
}

impl OpenError {
    /// `message` about `e`, which says whether it may pass.
    pub fn new(message: String, e: &sqlx::Error) -> Self {
        Self {
            message,
            transient: unreachable(e),
        }
    }
}

impl From<OpenError> for String {
    fn from(e: OpenError) -> Self {
        e.message
    }
}

/// Runs `open` (connect to the database, prepare what lives in it) until it succeeds,
/// again while the database cannot be reached (not started yet, restarting, its file
/// locked by another process), each time after a longer wait up to
/// [`OPEN_RETRY_CAP`], saying why. Everything the console keeps is in the database, so
/// waiting loses nothing (docs/reliability.md, "Database faults"); any other failure (a
/// wrong password, a schema from a newer console) ends it at once.
pub async fn patiently<T, F, Opening>(mut open: F) -> Result<T, String>
where
    F: FnMut() -> Opening,
    Opening: std::future::Future<Output = Result<T, OpenError>>,
{
    let mut wait = Duration::from_secs(1);
    loop {
        match open().await {
            Ok(opened) => return Ok(opened),
            Err(e) if e.transient => {
                tracing::warn!(
                    error = %e.message,
                    retry_in_secs = wait.as_secs(),
                    "the database cannot be reached; trying again"
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(OPEN_RETRY_CAP);
            }
            Err(e) => return Err(e.message),
        }
    }
}

/// Whether `e` says the database cannot be reached now rather than that something is
/// wrong: no answer, no free connection, a server starting up or shutting down, too many
/// clients, a SQLite file locked by another process.
pub fn unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(e) => e.code().is_some_and(|code| {
            matches!(
                code.as_ref(),
                // PostgreSQL: cannot connect now, admin shutdown, crash shutdown, too many
                // connections, connection failure; SQLite: busy, locked.
                "57P03" | "57P01" | "57P02" | "53300" | "08006" | "08001" | "5" | "6" | "517"
            )
        }),
        _ => false,
    }
}

/// Where the console keeps its data.
#[derive(Debug, Clone)]
pub enum Location {
    /// `console.sqlite` in this directory.
    Sqlite(PathBuf),
    /// A `postgres://` URL. It may hold a password, so it is never shown or logged.
    Postgres(SecretString),
}

impl Location {
    /// `DATABASE_URL` if set (it must be `postgres://` or `postgresql://`), else the data
    /// directory's SQLite file.
    pub fn new(data_dir: &Path, database_url: Option<&SecretString>) -> Result<Self, String> {
        match database_url {
            None => Ok(Self::Sqlite(data_dir.to_path_buf())),
            Some(url) => {
                let scheme = url.expose_secret().split(':').next().unwrap_or_default();
                if matches!(scheme, "postgres" | "postgresql") {
                    Ok(Self::Postgres(url.clone()))
                } else {
                    Err(format!(
                        "DATABASE_URL must be a postgres:// URL (it starts with {scheme:?}); \
                         leave it unset to use SQLite in the data directory"
                    ))
                }
            }
        }
    }

    /// What the logs and errors may say about it.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(dir) => dir.join(DATABASE_FILE).display().to_string(),
            Self::Postgres(_) => "PostgreSQL (DATABASE_URL)".into(),
        }
    }
}

/// An open, migrated database.
#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    sessions: Sessions,
    /// [`Location::describe`], for messages.
    place: String,
    postgres: bool,
}

impl Database {
    /// Connects (creating the SQLite file if needed) and brings the schema up to date.
    pub async fn open(location: &Location) -> Result<Self, String> {
        Ok(Self::connect(location).await?)
    }

    /// [`Database::open`], saying whether a failure may pass (see [`patiently`]).
    pub async fn connect(location: &Location) -> Result<Self, OpenError> {
        sqlx::any::install_default_drivers();
        let place = location.describe();
        let fail =
            |what: &str, e: &sqlx::Error| OpenError::new(format!("cannot {what} {place}: {e}"), e);
        let (pool, sessions) = match location {
            Location::Sqlite(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| OpenError {
                    message: format!("cannot create {}: {e}", dir.display()),
                    transient: false,
                })?;
                let path = dir.join(DATABASE_FILE);
                // The session store's pool opens the file first, in WAL mode (kept in the
                // file), so that readers never wait for the writer.
                let options = SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(BUSY_TIMEOUT);
                let url = sqlite_url(&path, "rwc");
                let store_pool = SqlitePoolOptions::new()
                    .max_connections(2)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|e| fail("open", &e))?;
                let pool = any_pool(&url).await.map_err(|e| fail("open", &e))?;
                (pool, Sessions::Sqlite(SqliteStore::new(store_pool)))
            }
            Location::Postgres(url) => {
                let url = url.expose_secret();
                let pool = any_pool(url).await.map_err(|e| fail("connect to", &e))?;
                let store_pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(2)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect(url)
                    .await
                    .map_err(|e| fail("connect to", &e))?;
                (pool, Sessions::Postgres(PostgresStore::new(store_pool)))
            }
        };
        MIGRATIONS.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(e) => fail("migrate", &e),
            e => OpenError {
                message: format!("cannot migrate {place}: {e}"),
                transient: false,
            },
        })?;
        sessions
            .migrate()
            .await
            .map_err(|e| fail("prepare the session store in", &e))?;
        Ok(Self {
            pool,
            sessions,
            place,
            postgres: matches!(location, Location::Postgres(_)),
        })
    }

    /// Whether the database answers a trivial query within a moment: asked only once
    /// something has failed, or by `/readyz`, never on every request.
    pub async fn reachable(&self) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(
            tokio::time::timeout(REACHABLE_WITHIN, ping).await,
            Ok(Ok(_))
        )
    }

    /// Where it is, as messages may say it.
    pub fn describe(&self) -> &str {
        &self.place
    }

    /// PostgreSQL rather than SQLite: for the few statements whose syntax differs
    /// (the profile index's text search).
    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The session store in the same database.
    pub fn sessions(&self) -> Sessions {
        self.sessions.clone()
    }
}

/// The `sqlite://` URL of `path` for the `Any` pool, every byte that URL syntax could
/// claim escaped (sqlx decodes them back; its own `to_url_lossy` leaves `%` as it is);
/// `mode` is SQLite's: `rwc` to create, `ro` to look only.
fn sqlite_url(path: &Path, mode: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &crate::web::ESCAPED.remove(b'/');
    let path = path.to_string_lossy();
    format!(
        "sqlite://{}?mode={mode}",
        percent_encoding::utf8_percent_encode(&path, KEEP)
    )
}

/// The schema's migrations, applied at every start; one list for both databases.
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The schema of a database as found, for `doctor`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Schema {
    /// The newest migration applied, if any ever was.
    pub applied: Option<i64>,
    /// The newest migration this build knows.
    pub known: i64,
    /// Migrations this build would apply at its next start.
    pub pending: usize,
    /// Migrations applied that this build does not know: a newer console migrated it.
    pub unknown: usize,
}

/// Connects to the database as it is and reads which migrations it has, creating and
/// changing nothing.
pub async fn inspect(location: &Location) -> Result<Schema, String> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let place = location.describe();
    let url = match location {
        Location::Sqlite(dir) => {
            let path = dir.join(DATABASE_FILE);
            if !path.exists() {
                return Err(format!(
                    "{place} does not exist yet (the console creates it at its first start)"
                ));
            }
            sqlite_url(&path, "ro")
        }
        Location::Postgres(url) => url.expose_secret().to_owned(),
    };
    let connect = sqlx::AnyConnection::connect(&url);
    let mut conn = tokio::time::timeout(ACQUIRE_TIMEOUT, connect)
        .await
        .map_err(|_| format!("cannot reach {place}: no answer in {ACQUIRE_TIMEOUT:?}"))?
        .map_err(|e| format!("cannot reach {place}: {e}"))?;
    let applied: Vec<i64> = match sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(&mut conn)
        .await
    {
        Ok(versions) => versions,
        // Never migrated: no table yet.
        Err(sqlx::Error::Database(_)) => Vec::new(),
        Err(e) => return Err(format!("cannot read the migrations of {place}: {e}")),
    };
    let _ = conn.close().await;
    let known: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    Ok(Schema {
        applied: applied.iter().copied().max(),
        known: known.iter().copied().max().unwrap_or_default(),
        pending: known.iter().filter(|v| !applied.contains(v)).count(),
        unknown: applied.iter().filter(|v| !known.contains(v)).count(),
    })
}

/// Writes a consistent copy of the SQLite database to `to` while consoles use it
/// (`VACUUM INTO`: a snapshot of one read transaction, compacted), readable by its owner
/// only, and whole or not at all: it is written beside `to` and renamed over it. Returns
/// its size in bytes. PostgreSQL is backed up with its own tools (docs/operations.md).
pub async fn backup(location: &Location, to: &Path) -> Result<u64, String> {
    use sqlx::Connection;
    use std::os::unix::fs::OpenOptionsExt;
    let Location::Sqlite(dir) = location else {
        return Err(
            "the console's database is PostgreSQL (DATABASE_URL): back it up with \
                    pg_dump or your platform's snapshots (docs/operations.md)"
                .into(),
        );
    };
    sqlx::any::install_default_drivers();
    let path = dir.join(DATABASE_FILE);
    if !path.exists() {
        return Err(format!("{} does not exist", path.display()));
    }
    let name = to
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", to.display()))?;
    let partial = to.with_file_name(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    // SQLite writes into an empty file it finds; made here so that it is private from
    // its first byte.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)
        .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
    let copied = async {
        let mut conn = sqlx::AnyConnection::connect(&sqlite_url(&path, "ro"))
            .await
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(partial.to_string_lossy().into_owned())
            .execute(&mut conn)
            .await
            .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        let _ = conn.close().await;
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
        std::fs::rename(&partial, to).map_err(|e| format!("cannot write {}: {e}", to.display()))
    }
    .await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::metadata(to)
        .map(|m| m.len())
        .map_err(|e| e.to_string())
}

async fn any_pool(url: &str) -> Result<AnyPool, sqlx::Error> {
    let sqlite = url.starts_with("sqlite:");
    AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    // A statement that finds the database locked waits this long for it,
                    // rather than failing at once.
                    let sql = format!("PRAGMA busy_timeout = {}", BUSY_TIMEOUT.as_millis());
                    sqlx::query(&sql).execute(conn).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
}

/// How long a statement waits for SQLite's write lock, which one connection holds at a
/// time, before it fails with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Begins a transaction that writes. SQLite's plain `BEGIN` takes the write lock only at
/// the transaction's first write, and a transaction that has read by then cannot wait for
/// it: when another connection wrote meanwhile it fails at once ("database is locked",
/// codes 5 and 517), whatever the busy timeout. `BEGIN IMMEDIATE` takes the lock first,
/// waiting up to [`BUSY_TIMEOUT`] for it. PostgreSQL locks rows as they are written.
///
/// The beginning runs in a task of its own, to its end, whoever waits for it. sqlx
/// begins with a statement of ours in two steps (the statement, then a check that SQLite
/// is in a transaction); a caller dropped between them (a request whose client went
/// away, an aborted sync) left a transaction that no [`sqlx::Transaction`] owned, so
/// nothing rolled it back and its connection kept the write lock for good. A whole
/// `Transaction` dropped at any later point rolls back before its connection is used
/// again. (A plain `pool.begin()` has no such gap.)
pub async fn begin_write(
    pool: &AnyPool,
    postgres: bool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    let pool = pool.clone();
    let begun = tokio::spawn(async move {
        if postgres {
            pool.begin().await
        } else {
            pool.begin_with("BEGIN IMMEDIATE").await
        }
    });
    match begun.await {
        Ok(begun) => begun,
        Err(stopped) if stopped.is_panic() => std::panic::resume_unwind(stopped.into_panic()),
        // Only when the runtime shuts down, as the pool does.
        Err(_) => Err(sqlx::Error::PoolClosed),
    }
}

/// SQL built at run time, with `$N` placeholders, and its arguments, built together so
/// that the numbers always match: queries whose conditions depend on the filters in use
/// (the audit log, search). The SQL holds only the caller's own text and `$N`.
#[derive(Default)]
pub struct Statement {
    pub sql: String,
    pub args: AnyArguments<'static>,
    count: usize,
}

impl Statement {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a placeholder for `value` and returns it, for `format!`.
    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.args.add(value.into()).expect("text always encodes");
        self.count += 1;
        format!("${}", self.count)
    }

    /// Appends a placeholder for each of `values` and returns them comma-separated, for
    /// an `IN (…)` list.
    pub fn texts<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> String {
        values
            .into_iter()
            .map(|value| self.text(value))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn optional(&mut self, value: Option<&str>) -> String {
        self.args
            .add(value.map(str::to_owned))
            .expect("text always encodes");
        self.count += 1;
        format!("${}", self.count)
    }

    pub fn int(&mut self, value: i64) -> String {
        self.args.add(value).expect("integers always encode");
        self.count += 1;
        format!("${}", self.count)
    }

    pub async fn execute(
        self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
        sqlx::query_with(&self.sql, self.args).execute(conn).await
    }
}

/// The tower-sessions store of whichever database the console uses.
#[derive(Debug, Clone)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(store) => store.migrate().await,
            Self::Postgres(store) => store.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.create(record).await,
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.save(record).await,
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(store) => store.load(id).await,
            Self::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete(id).await,
            Self::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete_expired().await,
            Self::Postgres(store) => store.delete_expired().await,
        }
    }
}

/// A PostgreSQL for tests: `PROFILES_TEST_DATABASE_URL` (scripts/test.sh starts one), in a
/// new database of its own per call so that tests do not see each other's rows.
#[doc(hidden)]
pub mod testing {
    use super::*;
    use sqlx::migrate::MigrateDatabase;

    /// Names the test server. Tests that need it fail when it is unset, rather than pass
    /// without having run.
    pub const URL_VARIABLE: &str = "PROFILES_TEST_DATABASE_URL";

    /// A fresh, empty PostgreSQL database's URL.
    pub async fn fresh_postgres() -> SecretString {
        sqlx::any::install_default_drivers();
        let base = std::env::var(URL_VARIABLE).unwrap_or_else(|_| {
            panic!("{URL_VARIABLE} is not set: run scripts/test.sh, or start one with scripts/postgres.sh start")
        });
        let (server, _) = base.rsplit_once('/').expect("a URL with a database name");
        let url = format!("{server}/test_{:016x}", rand::random::<u64>());
        sqlx::Any::create_database(&url)
            .await
            .expect("create a test database");
        url.into()
    }

    /// Both kinds of store, fresh: SQLite in `dir` and a new PostgreSQL database.
    pub async fn both(dir: &Path) -> [Location; 2] {
        [
            Location::Sqlite(dir.to_path_buf()),
            Location::Postgres(fresh_postgres().await),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_postgres_urls_are_accepted_and_never_shown() {
        let dir = Path::new("data");
        assert!(matches!(
            Location::new(dir, None).unwrap(),
            Location::Sqlite(_)
        ));
        let url: SecretString = "postgres://console:hunter2@db/console".into();
        let place = Location::new(dir, Some(&url)).unwrap();
        assert!(!place.describe().contains("hunter2"));
        assert!(!format!("{place:?}").contains("hunter2"));
        let mysql: SecretString = "mysql://u:p@db/x".into();
        let refused = Location::new(dir, Some(&mysql)).unwrap_err();
        assert!(!refused.contains("u:p"), "{refused}");
    }

    #[tokio::test]
    async fn both_stores_open_migrate_and_reopen() {
        // A data directory whose name would break a hand-made URL.
        let dir = tempfile::Builder::new()
            .prefix("data dir?#%20")
            .tempdir()
            .unwrap();
        for location in testing::both(dir.path()).await {
            let db = Database::open(&location).await.unwrap();
            let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(tables, 0);
            // Opening again (a restart, a second instance) finds the schema in place.
            Database::open(&location).await.unwrap();
        }
        assert!(dir.path().join(DATABASE_FILE).exists());
    }

    /// A write transaction given up while it begins (a request whose client went away, an
    /// aborted task) must not keep SQLite's write lock: every later writer would wait for
    /// it and fail. Each round stops the beginning after one more poll, so the rounds
    /// together stop it at each of its waits.
    #[tokio::test]
    async fn a_write_given_up_while_it_begins_leaves_the_database_writable() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&Location::Sqlite(dir.path().into()))
            .await
            .unwrap();
        for polls in 1..=64 {
            let mut begin = Box::pin(begin_write(db.pool(), false));
            for _ in 0..polls {
                if futures::poll!(begin.as_mut()).is_ready() {
                    break;
                }
                tokio::task::yield_now().await;
            }
            drop(begin);
            let mut tx = tokio::time::timeout(BUSY_TIMEOUT * 2, begin_write(db.pool(), false))
                .await
                .expect("the write lock is free within the busy timeout")
                .unwrap_or_else(|e| panic!("after giving up at poll {polls}: {e}"));
            sqlx::query("DELETE FROM users")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    }
}

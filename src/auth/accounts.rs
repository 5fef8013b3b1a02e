//! Local accounts in the console's database ([`crate::db`]), shared by the server and the
//! `user` commands: a command's change reaches running servers at the next request,
//! because the session check reads the account every time.

use crate::auth::Role;
use crate::db::Database;
use sqlx::any::AnyRow;
use sqlx::AnyPool;
use sqlx::Row;
/// Longest account name; names are also shown in the page header and, later, the audit log.
pub const MAX_NAME: usize = 64;
/// ASVS 5.0 V6.2.1 asks for at least 8; a staff console with power over every profile
/// asks for more.
pub const MIN_PASSWORD: usize = 12;
/// Bounds the hashing work one sign-in attempt can cause.
pub const MAX_PASSWORD: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(
        "a user name is 1–{MAX_NAME} characters of a–z, 0–9, '.', '_', '-' and '@', \
         starting with a letter or digit"
    )]
    InvalidName,
    #[error("a password is {MIN_PASSWORD}–{MAX_PASSWORD} characters")]
    InvalidPassword,
    #[error("user {0:?} already exists")]
    Exists(String),
    #[error("there is no user {0:?}")]
    Unknown(String),
    #[error("the account database failed: {0}")]
    Store(#[from] sqlx::Error),
    #[error("password hashing failed")]
    Hashing,
}

/// One account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub session_epoch: i64,
    pub created_at: String,
}

/// The account table.
#[derive(Debug, Clone)]
pub struct Accounts {
    pool: AnyPool,
}

/// Names are compared without case: "Alice" signs in as "alice".
pub fn normalize_name(raw: &str) -> Result<String, AccountError> {
    let name = raw.trim().to_lowercase();
    let valid = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'));
    valid.then_some(name).ok_or(AccountError::InvalidName)
}

pub fn check_password(password: &str) -> Result<(), AccountError> {
    let length = password.chars().count();
    if (MIN_PASSWORD..=MAX_PASSWORD).contains(&length) && !password.trim().is_empty() {
        Ok(())
    } else {
        Err(AccountError::InvalidPassword)
    }
}

/// Argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1: the OWASP minimum), off
/// the async workers.
pub async fn hash_password(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|_| AccountError::Hashing)
}

/// Whether `password` matches `hash`; verifying against a hash of nothing when there is
/// no such account costs the same, so timing does not tell which names exist.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    tokio::task::spawn_blocking(move || {
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| {
            DECOY
                .get_or_init(|| password_auth::generate_hash("decoy password for timing"))
                .clone()
        });
        password_auth::verify_password(password, &hash).is_ok() && real
    })
    .await
    .unwrap_or(false)
}

impl Accounts {
    pub fn new(db: &Database) -> Self {
        Self {
            pool: db.pool().clone(),
        }
    }

    pub async fn add(
        &self,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<Account, AccountError> {
        let name = normalize_name(name)?;
        check_password(password)?;
        let hash = hash_password(password.to_owned()).await?;
        let created_at = crate::timestamp::stamp_now();
        // The id is made here, not by the database: SQLite and PostgreSQL generate ids
        // differently. Two concurrent adds may pick the same one; the loser fails, as a
        // duplicate name would.
        let inserted = sqlx::query(
            "INSERT INTO users (id, name, role, password_hash, created_at) \
             VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM users), $1, $2, $3, $4)",
        )
        .bind(&name)
        .bind(role.as_str())
        .bind(&hash)
        .bind(&created_at)
        .execute(&self.pool)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(AccountError::Exists(name))
            }
            Err(e) => Err(e.into()),
            Ok(_) => self
                .by_name(&name)
                .await?
                .ok_or(AccountError::Unknown(name)),
        }
    }

    pub async fn list(&self) -> Result<Vec<Account>, AccountError> {
        let rows = sqlx::query(&format!("{SELECT} ORDER BY name"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().filter_map(account).collect())
    }

    pub async fn by_name(&self, name: &str) -> Result<Option<Account>, AccountError> {
        let Ok(name) = normalize_name(name) else {
            return Ok(None);
        };
        let row = sqlx::query(&format!("{SELECT} WHERE name = $1"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().and_then(account))
    }

    pub async fn by_id(&self, id: i64) -> Result<Option<Account>, AccountError> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().and_then(account))
    }

    /// Accounts that can sign in.
    pub async fn count_enabled(&self) -> Result<i64, AccountError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE NOT disabled")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Disabling (or enabling) ends the account's sessions.
    pub async fn set_disabled(&self, name: &str, disabled: bool) -> Result<(), AccountError> {
        self.change(name, AccountChange::Disabled(disabled)).await
    }

    /// A new role takes effect at once: the account's sessions end.
    pub async fn set_role(&self, name: &str, role: Role) -> Result<(), AccountError> {
        self.change(name, AccountChange::Role(role)).await
    }

    /// A new password ends the account's sessions.
    pub async fn set_password(&self, name: &str, password: &str) -> Result<(), AccountError> {
        check_password(password)?;
        let hash = hash_password(password.to_owned()).await?;
        self.change(name, AccountChange::PasswordHash(hash)).await
    }

    /// Applies `change` to the named account and moves its session epoch on, which ends
    /// every session signed in under the old one.
    async fn change(&self, name: &str, change: AccountChange) -> Result<(), AccountError> {
        let name = normalize_name(name)?;
        let sql = format!(
            "UPDATE users SET {} = $1, session_epoch = session_epoch + 1 WHERE name = $2",
            change.column()
        );
        let query = sqlx::query(&sql);
        let query = match change {
            AccountChange::Disabled(disabled) => query.bind(disabled),
            AccountChange::Role(role) => query.bind(role.as_str()),
            AccountChange::PasswordHash(hash) => query.bind(hash),
        };
        let done = query.bind(name.clone()).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(AccountError::Unknown(name));
        }
        Ok(())
    }
}

/// What [`Accounts::change`] changes.
enum AccountChange {
    Disabled(bool),
    Role(Role),
    PasswordHash(String),
}

impl AccountChange {
    /// The column it sets: a name of ours, never input.
    fn column(&self) -> &'static str {
        match self {
            Self::Disabled(_) => "disabled",
            Self::Role(_) => "role",
            Self::PasswordHash(_) => "password_hash",
        }
    }
}

/// `disabled` is read as 0 or 1: the `Any` driver cannot read SQLite's BOOLEAN column.
const SELECT: &str = "SELECT id, name, role, password_hash, \
     CASE WHEN disabled THEN 1 ELSE 0 END AS disabled, session_epoch, created_at FROM users";

fn account(row: &AnyRow) -> Option<Account> {
    Some(Account {
        id: row.try_get("id").ok()?,
        name: row.try_get("name").ok()?,
        role: Role::parse(row.try_get("role").ok()?)?,
        password_hash: row.try_get("password_hash").ok()?,
        disabled: row.try_get::<i64, _>("disabled").ok()? != 0,
        session_epoch: row.try_get("session_epoch").ok()?,
        created_at: row.try_get("created_at").ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercased_and_restricted() {
        assert_eq!(
            normalize_name("  Alice.Smith@Example ").unwrap(),
            "alice.smith@example"
        );
        for bad in [
            "",
            " ",
            ".x",
            "a b",
            "<script>",
            "a/b",
            "é",
            &"a".repeat(65),
        ] {
            assert!(normalize_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_need_twelve_to_256_characters() {
        assert!(check_password("correct horse").is_ok());
        assert!(check_password("short").is_err());
        assert!(check_password(&" ".repeat(20)).is_err());
        assert!(check_password(&"é".repeat(256)).is_ok());
        assert!(check_password(&"a".repeat(257)).is_err());
    }

    #[tokio::test]
    async fn accounts_are_stored_hashed_and_changes_move_the_epoch() {
        let dir = tempfile::tempdir().unwrap();
        for location in crate::db::testing::both(dir.path()).await {
            accounts_in(&location).await;
        }
    }

    async fn accounts_in(location: &crate::db::Location) {
        let accounts = Accounts::new(&Database::open(location).await.unwrap());
        let alice = accounts
            .add("Alice", Role::Editor, "a long password")
            .await
            .unwrap();
        assert_eq!(alice.name, "alice");
        assert!(alice.password_hash.starts_with("$argon2id$"));
        assert!(!alice.password_hash.contains("a long password"));
        assert!(matches!(
            accounts
                .add("alice", Role::Viewer, "another password")
                .await,
            Err(AccountError::Exists(_))
        ));
        assert!(verify_password("a long password".into(), Some(alice.password_hash.clone())).await);
        assert!(!verify_password("a wrong password".into(), Some(alice.password_hash)).await);
        assert!(!verify_password("a long password".into(), None).await);

        accounts.set_role("alice", Role::Admin).await.unwrap();
        accounts.set_disabled("ALICE", true).await.unwrap();
        let changed = accounts.by_name("alice").await.unwrap().unwrap();
        assert_eq!((changed.role, changed.disabled), (Role::Admin, true));
        assert_eq!(changed.session_epoch, 2);
        assert_eq!(accounts.count_enabled().await.unwrap(), 0);
        assert!(matches!(
            accounts.set_role("bob", Role::Admin).await,
            Err(AccountError::Unknown(_))
        ));

        // A second opening (another process, a restart) sees the same accounts.
        let again = Accounts::new(&Database::open(location).await.unwrap());
        assert_eq!(again.list().await.unwrap().len(), 1);
    }
}

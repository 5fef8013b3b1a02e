//! Local accounts as an axum-login backend: password sign-in, and the per-request check
//! that the account still exists, is enabled and has not changed since the session began.

use crate::auth::accounts::{verify_password, Account, AccountError, Accounts};
use crate::auth::Role;
use axum_login::{AuthSession, AuthUser, AuthnBackend, UserId};

/// The account a session is signed in as: an [`Account`] without its password hash.
#[derive(Clone)]
pub struct SessionAccount {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Role and session epoch: when either changes, sessions made before end.
    auth_hash: Vec<u8>,
}

// No password hash in here, but keep `Debug` (axum-login requires it) minimal all the same.
impl std::fmt::Debug for SessionAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionAccount")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish()
    }
}

impl From<Account> for SessionAccount {
    fn from(account: Account) -> Self {
        let mut auth_hash = account.session_epoch.to_le_bytes().to_vec();
        auth_hash.extend_from_slice(account.role.as_str().as_bytes());
        Self {
            id: account.id,
            name: account.name,
            role: account.role,
            auth_hash,
        }
    }
}

impl AuthUser for SessionAccount {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

/// What the sign-in form sends.
#[derive(Clone)]
pub struct Credentials {
    pub name: String,
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct Backend {
    accounts: Accounts,
}

impl Backend {
    pub fn new(accounts: Accounts) -> Self {
        Self { accounts }
    }

    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }
}

impl AuthnBackend for Backend {
    type User = SessionAccount;
    type Credentials = Credentials;
    type Error = AccountError;

    /// A wrong password, an unknown name and a disabled account look the same, and take
    /// the same time.
    async fn authenticate(
        &self,
        creds: Credentials,
    ) -> Result<Option<SessionAccount>, Self::Error> {
        let account = self.accounts.by_name(&creds.name).await?;
        let hash = account.as_ref().map(|a| a.password_hash.clone());
        let matches = verify_password(creds.password, hash).await;
        Ok(account
            .filter(|a| matches && !a.disabled)
            .map(SessionAccount::from))
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<SessionAccount>, Self::Error> {
        let account = self.accounts.by_id(*id).await?;
        Ok(account.filter(|a| !a.disabled).map(SessionAccount::from))
    }
}

/// The local session of a request, which the session layers put there (local mode only).
pub fn auth_session<B>(request: &axum::http::Request<B>) -> Option<AuthSession<Backend>> {
    request.extensions().get::<AuthSession<Backend>>().cloned()
}

//! From the configuration to the [`Auth`] the gate runs with, refusing configurations in
//! which the wrong people could use the key (docs/security.md).

use crate::auth::accounts::Accounts;
use crate::auth::backend::Backend;
use crate::auth::gate::Auth;
use crate::auth::proxy::{ProxyAuth, TrustedProxies};
use crate::auth::{AuthMode, Role};
use crate::config::AuthArgs;
use crate::db::Database;
use tower_sessions::cookie::SameSite;
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};

/// The session cookie: `__Host-` makes the browser insist on `Secure`, `Path=/` and no
/// `Domain`, so no other host or path can set or read it.
pub const SESSION_COOKIE: &str = "__Host-profiles-admin";
/// Longest time between two renewals of an active session: its idle expiry is at most
/// this much early.
const MAX_RENEWAL: std::time::Duration = std::time::Duration::from_secs(60);
/// How often expired sessions are deleted from the store.
const SWEEP: std::time::Duration = std::time::Duration::from_secs(300);

/// The default: sign-in whenever a real key is configured; open for the emulator demo.
pub fn mode(args: &AuthArgs, api_key_set: bool) -> Result<AuthMode, String> {
    let mode = args.mode.unwrap_or(if api_key_set {
        AuthMode::Local
    } else {
        AuthMode::Open
    });
    if mode == AuthMode::Open && api_key_set {
        return Err(
            "ANTHROPIC_API_KEY is set, so the console requires sign-in: \
                    PROFILES_AUTH=open is only for the built-in emulator. \
                    Use PROFILES_AUTH=local or PROFILES_AUTH=proxy."
                .into(),
        );
    }
    if mode == AuthMode::Proxy && args.trusted_proxies.is_empty() {
        return Err("PROFILES_AUTH=proxy needs PROFILES_TRUSTED_PROXIES: \
                    the addresses whose identity headers may be believed."
            .into());
    }
    Ok(mode)
}

pub async fn configure(args: &AuthArgs, db: &Database, api_key_set: bool) -> Result<Auth, String> {
    let mode = mode(args, api_key_set)?;
    let mut auth = Auth {
        mode,
        trusted: TrustedProxies(args.trusted_proxies.clone()),
        lifetime: args.session_lifetime(),
        renew_every: (args.session_idle() / 4).min(MAX_RENEWAL),
        ..Auth::open(!api_key_set)
    };
    match mode {
        AuthMode::Open => {}
        AuthMode::Local => {
            let accounts = Accounts::new(db);
            let enabled = accounts.count_enabled().await.map_err(|e| e.to_string())?;
            if enabled == 0 {
                return Err(format!(
                    "PROFILES_AUTH=local, but {} holds no enabled account, so nobody could \
                     sign in. Add one: profiles-admin user add NAME --role admin",
                    db.describe()
                ));
            }
            let store = db.sessions();
            tokio::spawn(store.clone().continuously_delete_expired(SWEEP));
            let idle = time::Duration::seconds(args.session_idle as i64);
            let layer = SessionManagerLayer::new(store)
                .with_name(SESSION_COOKIE)
                .with_secure(true)
                .with_http_only(true)
                .with_same_site(SameSite::Strict)
                .with_path("/")
                .with_expiry(Expiry::OnInactivity(idle));
            auth.sessions = Some((layer, Backend::new(accounts)));
        }
        AuthMode::Proxy => {
            auth.proxy = Some(ProxyAuth {
                user_header: args.proxy_user_header.clone(),
                groups_header: args.proxy_groups_header.clone(),
                groups: vec![
                    (Role::Viewer, args.proxy_viewer_group.clone()),
                    (Role::Editor, args.proxy_editor_group.clone()),
                    (Role::Admin, args.proxy_admin_group.clone()),
                ],
            });
        }
    }
    Ok(auth)
}

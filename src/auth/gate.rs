//! The request gate: every request learns who its user is (or that there is none)
//! before any handler runs. Requests that need a user and have none are turned away
//! here; what each role may do is checked later, inside each server function and form
//! post, with `auth::authorized::Authorized`.

use crate::auth::backend::{auth_session, Backend};
use crate::auth::limits::Limits;
use crate::auth::proxy::{ProxyAuth, Refusal, TrustedProxies};
use crate::auth::{AuthMode, Role, User};
use crate::db::Sessions;
use crate::error::AppError;
use crate::web::wants_json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tower_sessions::SessionManagerLayer;

/// The session key holding when the session signed in (Unix seconds), for the absolute
/// lifetime.
pub const SIGNED_IN_AT: &str = "signed_in_at";
/// The session key holding when the session was last renewed (Unix milliseconds).
const RENEWED_AT: &str = "renewed_at";
/// The name the one-command demo's user goes by.
pub const DEMO_USER: &str = "demo";

/// Everything the gate and the sign-in pages need to know.
pub struct Auth {
    pub mode: AuthMode,
    /// The backend is the built-in emulator: every page says "demo data".
    pub demo_data: bool,
    pub proxy: Option<ProxyAuth>,
    pub trusted: TrustedProxies,
    /// Longest a session lives, however active.
    pub lifetime: Duration,
    /// How often an active session is renewed (its idle expiry pushed back, a store
    /// write): a fraction of the idle timeout, so that renewing on every request, which
    /// would cost a write per request, is not needed.
    pub renew_every: Duration,
    pub limits: Limits,
    /// Local mode: the session layer and the account backend.
    pub sessions: Option<(SessionManagerLayer<Sessions>, Backend)>,
}

impl Auth {
    /// The one-command demo: nobody signs in.
    pub fn open(demo_data: bool) -> Self {
        Self {
            mode: AuthMode::Open,
            demo_data,
            proxy: None,
            trusted: TrustedProxies::default(),
            lifetime: Duration::ZERO,
            renew_every: Duration::ZERO,
            limits: Limits::default(),
            sessions: None,
        }
    }

    fn user(&self, name: String, role: Role) -> User {
        User {
            name,
            role,
            mode: self.mode,
            demo_data: self.demo_data,
        }
    }

    /// The client's address, as far as it can be known (for rate limits and logs).
    pub fn client(&self, request: &Request) -> Option<IpAddr> {
        self.trusted.client(peer(request), request.headers())
    }
}

fn peer(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Paths anyone may reach: the static bundle, health checks and the sign-in pages.
fn open_path(path: &str) -> bool {
    path.starts_with("/pkg/")
        || matches!(
            path,
            "/favicon.svg" | "/healthz" | "/readyz" | "/sign-in" | "/sign-out"
        )
}

pub async fn gate(State(auth): State<Arc<Auth>>, mut request: Request, next: Next) -> Response {
    let found = match auth.mode {
        AuthMode::Open => Ok(auth.user(DEMO_USER.into(), Role::Admin)),
        AuthMode::Local => local_user(&auth, auth_session(&request)).await,
        AuthMode::Proxy => {
            let proxy = auth
                .proxy
                .as_ref()
                .expect("proxy mode has a proxy configuration");
            proxy
                .identify(&auth.trusted, peer(&request), request.headers())
                .map(|(name, role)| auth.user(name, role))
        }
    };
    let refusal = match found {
        Ok(user) => {
            if request.uri().path().starts_with(crate::web::SERVER_FNS) {
                if let Err(wait) = auth.limits.call(&user.name) {
                    tracing::warn!(user = %user.name, "refused: too many calls");
                    let mut response = refuse(true, AppError::TooManyRequests);
                    response.headers_mut().insert(
                        header::RETRY_AFTER,
                        HeaderValue::from(wait.as_secs().max(1)),
                    );
                    return response;
                }
            }
            if let Some(span) = request.extensions().get::<crate::hardening::RequestSpan>() {
                span.0.record("account", user.name.as_str());
            }
            request.extensions_mut().insert(user);
            return next.run(request).await;
        }
        Err(refusal) => refusal,
    };
    let path = request.uri().path();
    if open_path(path) {
        return next.run(request).await;
    }
    // Server functions, and an island's form posts, are told why in JSON.
    let api = path.starts_with(crate::web::SERVER_FNS) || wants_json(request.headers());
    match refusal {
        Refusal::Forged => {
            tracing::warn!(peer = ?peer(&request), "refused: identity headers from an untrusted address");
            refuse(api, AppError::Forbidden)
        }
        Refusal::NoRole(user) => {
            tracing::warn!(user, "refused: no console role in the proxy's groups");
            refuse(api, AppError::Forbidden)
        }
        Refusal::Anonymous
            if auth.mode == AuthMode::Local
                && !api
                && matches!(*request.method(), Method::GET | Method::HEAD) =>
        {
            let back = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/profiles");
            // The whole address, escaped as a value (`links::with_query` is only for
            // values that are URL-safe already).
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("next", back)
                .finish();
            Redirect::to(&format!("/sign-in?{query}")).into_response()
        }
        Refusal::Anonymous => refuse(api, AppError::SignInRequired),
    }
}

/// The signed-in account of a local session, unless the session is past its lifetime
/// (then it is ended here).
async fn local_user(
    auth: &Auth,
    session: Option<axum_login::AuthSession<Backend>>,
) -> Result<User, Refusal> {
    let Some(mut session) = session else {
        return Err(Refusal::Anonymous);
    };
    let Some(user) = session.user.clone() else {
        return Err(Refusal::Anonymous);
    };
    let signed_in_at: Option<i64> = session.session.get(SIGNED_IN_AT).await.ok().flatten();
    let age = signed_in_at.map(|at| time::OffsetDateTime::now_utc().unix_timestamp() - at);
    if age.is_none_or(|age| age < 0 || age as u64 >= auth.lifetime.as_secs()) {
        tracing::info!(user = %user.name, "session ended: older than its lifetime");
        let _ = session.logout().await;
        return Err(Refusal::Anonymous);
    }
    let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    let renewed: Option<i64> = session.session.get(RENEWED_AT).await.ok().flatten();
    if renewed.is_none_or(|at| now_ms - at >= auth.renew_every.as_millis() as i64) {
        // A changed session is saved at the end of the request, with a new idle expiry.
        let _ = session.session.insert(RENEWED_AT, now_ms).await;
    }
    Ok(auth.user(user.name, user.role))
}

/// A refusal as a server function error (the browser shows its text, so it is in the
/// server functions' JSON encoding) or a short page.
fn refuse(api: bool, error: AppError) -> Response {
    if api {
        (error.status_code(), axum::Json(error)).into_response()
    } else {
        error.into_response()
    }
}

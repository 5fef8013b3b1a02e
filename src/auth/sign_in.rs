//! The sign-in and sign-out pages of local mode. They are plain server-rendered HTML with
//! no script at all: the password form needs none, works before the WASM loads, and its
//! page carries the strictest policy (`script-src 'none'`).

use crate::audit::record::Trail;
use crate::audit::{Action, Outcome};
use crate::auth::accounts::MAX_NAME;
use crate::auth::backend::{auth_session, Credentials};
use crate::auth::fragments::server_html;
use crate::auth::gate::{Auth, SIGNED_IN_AT};
use crate::auth::AuthMode;
use crate::state::AppState;
use crate::telemetry::name::SIGN_INS;
use crate::ui::theme::Theme;
use crate::web::{own_path, query_param};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use leptos::prelude::*;
use serde::Deserialize;
use std::sync::Arc;

/// Where a sign-in lands when it was not sent from somewhere.
const HOME: &str = "/profiles";
/// One message for every failed attempt: it does not say which part was wrong, or
/// whether the account exists or is disabled (ASVS V6.3.8).
pub const FAILED: &str = "The user name or password is incorrect.";
/// The actor of a failed sign-in under a name that is no account.
pub const UNKNOWN_ACCOUNT: &str = "(unknown account)";
/// When the account or session store fails.
const UNAVAILABLE: &str = "Signing in is not possible right now. Please try again.";
/// The sign-in page runs no script and loads nothing but the stylesheet and icon.
const POLICY: &str = "default-src 'none'; script-src 'none'; style-src 'self'; \
    img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Where a sign-in returns: a page of this console ([`own_path`]) other than the sign-in
/// pages themselves; anything else goes to the list.
pub fn safe_next(raw: &str) -> &str {
    own_path(raw)
        .filter(|path| !path.starts_with("/sign-"))
        .unwrap_or(HOME)
}

async fn sign_in_page(State(state): State<AppState>, request: Request) -> Response {
    let next = query_param(request.uri(), "next").unwrap_or_default();
    let signed_in = auth_session(&request).is_some_and(|s| s.user.is_some());
    if state.auth.mode != AuthMode::Local || signed_in {
        return Redirect::to(safe_next(&next)).into_response();
    }
    let theme = Theme::from_headers(request.headers());
    render(theme, StatusCode::OK, "", safe_next(&next), None)
}

async fn sign_in(State(state): State<AppState>, request: Request) -> Response {
    let auth: &Arc<Auth> = &state.auth;
    let Some(mut session) = auth_session(&request).filter(|_| auth.mode == AuthMode::Local) else {
        return Redirect::to(HOME).into_response();
    };
    let client = auth.client(&request);
    let headers = request.headers().clone();
    let theme = Theme::from_headers(request.headers());
    let Ok(Form(form)) = Form::<SignInForm>::from_request(request, &()).await else {
        return (StatusCode::BAD_REQUEST, "Malformed sign-in form").into_response();
    };
    let next = safe_next(&form.next).to_owned();
    // No account name is longer; a longer one must not grow the rate-limit table or logs.
    let name: String = form
        .name
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_NAME)
        .collect();
    // The page again around what was typed (never the password), with why.
    let answer = |status, problem: &str| render(theme, status, &name, &next, Some(problem));
    let unknown_client = std::net::IpAddr::from([0, 0, 0, 0]);
    if let Err(wait) = auth.limits.attempt(client.unwrap_or(unknown_client), &name) {
        tracing::warn!(?client, "sign-in refused: too many attempts");
        crate::telemetry::count(SIGN_INS, "limited");
        let seconds = wait.as_secs().max(1);
        let mut response = answer(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too many sign-in attempts. Try again in {seconds} seconds."),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    let credentials = Credentials {
        name: name.clone(),
        password: form.password,
    };
    match session.authenticate(credentials).await {
        Ok(Some(user)) => {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            // axum-login gives a new session id only to a session without a user; signing
            // in over a live session must not keep the id either (session fixation).
            let signed_in = match session.login(&user).await {
                Ok(()) => {
                    session.session.cycle_id().await.is_ok()
                        && session.session.insert(SIGNED_IN_AT, now).await.is_ok()
                }
                Err(_) => false,
            };
            if !signed_in {
                tracing::error!(user = %user.name, "sign-in failed: the session store failed");
                crate::telemetry::count(SIGN_INS, "unavailable");
                return answer(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE);
            }
            tracing::info!(user = %user.name, role = user.role.as_str(), ?client, "signed in");
            crate::telemetry::count(SIGN_INS, "succeeded");
            Trail::new(
                user.name.clone(),
                Some(user.role),
                &headers,
                Some(state.audit.clone()),
            )
            .record(Action::SignIn, Outcome::Succeeded, None)
            .await;
            Redirect::to(&next).into_response()
        }
        Ok(None) => {
            // Only an existing account's name is recorded or logged: what someone typed
            // into the name field may be their password.
            let known = session.backend.accounts().by_name(&name).await;
            let actor = match known {
                Ok(Some(account)) => account.name,
                _ => UNKNOWN_ACCOUNT.to_owned(),
            };
            tracing::warn!(?client, account = actor, "sign-in failed");
            crate::telemetry::count(SIGN_INS, "failed");
            Trail::new(actor, None, &headers, Some(state.audit.clone()))
                .record(Action::SignIn, Outcome::Failed, Some(FAILED.to_owned()))
                .await;
            answer(StatusCode::UNAUTHORIZED, FAILED)
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed: the account store failed");
            crate::telemetry::count(SIGN_INS, "unavailable");
            answer(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE)
        }
    }
}

/// Ends the session on the server (the store forgets it), then shows the sign-in page.
async fn sign_out(State(state): State<AppState>, request: Request) -> Response {
    if let Some(mut session) = auth_session(&request) {
        if let Ok(Some(user)) = session.logout().await {
            tracing::info!(user = %user.name, "signed out");
            Trail::new(
                user.name,
                Some(user.role),
                request.headers(),
                Some(state.audit.clone()),
            )
            .record(Action::SignOut, Outcome::Succeeded, None)
            .await;
        }
    }
    Redirect::to("/sign-in").into_response()
}

fn render(
    theme: Theme,
    status: StatusCode,
    name: &str,
    next: &str,
    problem: Option<&str>,
) -> Response {
    let (name, next) = (name.to_owned(), next.to_owned());
    let problem = problem.map(str::to_owned);
    let described = problem.as_ref().map(|_| "sign-in-problem");
    let html = server_html(|| {
        view! {
            <!DOCTYPE html>
            <html lang="en" data-theme=theme.attribute()>
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <title>"Sign in · profiles-admin"</title>
                    <link rel="stylesheet" href="/pkg/profiles-admin.css"/>
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                </head>
                <body>
                    <main id="main" class="sign-in">
                        <h1>"Sign in to profiles-admin"</h1>
                        {problem.map(|p| view! {
                            <p class="problem" id="sign-in-problem" role="alert">{p}</p>
                        })}
                        <form method="post" action="/sign-in" class="form">
                            <input type="hidden" name="next" value=next/>
                            <div class="field">
                                <label for="name">"User name"</label>
                                <input id="name" name="name" type="text" value=name required
                                    autocomplete="username" autocapitalize="none" spellcheck="false"
                                    maxlength="64" aria-describedby=described/>
                            </div>
                            <div class="field">
                                <label for="password">"Password"</label>
                                <input id="password" name="password" type="password" required
                                    autocomplete="current-password" maxlength="256"
                                    aria-describedby=described/>
                            </div>
                            <div class="form-actions">
                                <button type="submit" class="primary">"Sign in"</button>
                            </div>
                        </form>
                    </main>
                </body>
            </html>
        }
    });
    let mut response = (status, axum::response::Html(html)).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_only_to_our_own_pages() {
        assert_eq!(
            safe_next("/profiles/uprof_1?from=20~desc~"),
            "/profiles/uprof_1?from=20~desc~"
        );
        for foreign in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/sign-in",
            "/profiles\r\nSet-Cookie: x",
            "/a b",
        ] {
            assert_eq!(safe_next(foreign), HOME, "{foreign:?}");
        }
    }
}

//! The emulator's HTTP surface: the API routes (`api.rs`) behind one middleware that
//! gives every answer a `request-id`, plays the test hooks' faults, applies the header
//! checks and renders errors in the API's shape; and the `/_emulator` hooks (`hooks.rs`)
//! when enabled.

use super::api::{self, Shared};
use super::contract::{check_headers, ApiError};
use super::faults::Fault;
use super::hooks;
use super::ids;
use super::webhooks;
use super::Emulator;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;

/// Cloudflare's limit on standard endpoints (docs/api-contract.md, judgement 15).
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

pub fn router(emulator: Arc<Emulator>) -> Router {
    let api = Router::new()
        .route("/v1/user_profiles", get(api::list).post(api::create))
        .route(
            "/v1/user_profiles/{id}",
            get(api::retrieve).post(api::update).delete(api::delete),
        )
        .route(
            "/v1/user_profiles/{id}/enrollment_url",
            post(api::enrollment_url),
        )
        .route("/v1/user_profiles/{id}/action_urls", post(api::action_url))
        .route(
            "/v1/organizations/webhooks",
            get(webhooks::list).post(webhooks::create),
        )
        .route(
            "/v1/organizations/webhooks/{id}",
            get(webhooks::retrieve)
                .post(webhooks::update)
                .delete(webhooks::delete),
        )
        .route(
            "/v1/organizations/webhooks/{id}/regenerate_signing_secret",
            post(webhooks::regenerate_secret),
        )
        .method_not_allowed_fallback(api::unknown_route)
        .fallback(api::unknown_route)
        .layer(middleware::from_fn_with_state(emulator.clone(), contract))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let hooks = Router::new()
        .route(
            "/_emulator/faults",
            put(hooks::set_faults).delete(hooks::clear_faults),
        )
        .route(
            "/_emulator/requests",
            get(hooks::seen_requests).delete(hooks::clear_requests),
        )
        .route(
            "/_emulator/profiles/{id}/trust_grants/{grant}",
            put(hooks::set_grant).delete(hooks::remove_grant),
        )
        .route("/_emulator/settings", put(hooks::set_settings))
        .route("/_emulator/webhooks/{id}/disable", put(webhooks::disable))
        .route(
            "/_emulator/profiles/{id}/programs",
            put(hooks::set_programs),
        )
        .route(
            "/_emulator/profiles/{id}/enforcement_actions",
            post(hooks::open_action),
        )
        .route(
            "/_emulator/profiles/{id}/enforcement_actions/{action}",
            delete(hooks::resolve_action).patch(hooks::submit_check),
        );
    let router = if emulator.hooks.is_some() {
        hooks.merge(api)
    } else {
        api
    };
    router.with_state(emulator)
}

/// Everything every `/v1` request goes through: a `request-id`, the request log and
/// faults (test hooks), the key check, the version the beta header selects, and error
/// rendering.
async fn contract(State(emulator): Shared, request: Request, next: Next) -> Response {
    let request_id = ids::request_id(&mut rand::rng());
    let mut fault = None;
    let mut clock_skew = 0;
    if let Some(hooks) = &emulator.hooks {
        clock_skew = hooks.clock_skew();
        hooks.record(hooks::seen(&request));
        let (latency, next_fault) = hooks.next();
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
        fault = next_fault;
    }
    let mut response = match fault {
        Some(Fault::Status { status, headers }) => hooks::injected_status(status, &headers),
        Some(Fault::Drop) => hooks::dropped_connection(),
        Some(Fault::ApplyThenDrop) => {
            checked(&emulator, request, next).await;
            hooks::dropped_connection()
        }
        Some(Fault::Malformed) => hooks::malformed_json(),
        Some(Fault::EchoKey { status }) => hooks::echoed_key(status, request.headers()),
        Some(Fault::Answer { status, body }) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            Json(body),
        )
            .into_response(),
        Some(Fault::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            checked(&emulator, request, next).await
        }
        None => checked(&emulator, request, next).await,
    };
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let headers = std::mem::take(response.headers_mut());
        response = error.render(&request_id);
        response.headers_mut().extend(headers);
    }
    response.headers_mut().insert(
        "request-id",
        HeaderValue::from_str(&request_id).expect("request ids are ASCII"),
    );
    if clock_skew != 0 {
        let now = std::time::SystemTime::now();
        let skewed = if clock_skew > 0 {
            now + Duration::from_secs(clock_skew.unsigned_abs())
        } else {
            now - Duration::from_secs(clock_skew.unsigned_abs())
        };
        let date = httpdate::fmt_http_date(skewed);
        response.headers_mut().insert(
            axum::http::header::DATE,
            HeaderValue::from_str(&date).expect("an HTTP date is ASCII"),
        );
    }
    response
}

/// The header checks, then the endpoint, told which version the request speaks.
async fn checked(emulator: &Emulator, mut request: Request, next: Next) -> Response {
    match check_headers(emulator.api_key.as_ref(), request.headers()) {
        Ok(version) => {
            request.extensions_mut().insert(version);
            next.run(request).await
        }
        Err(refused) => refused.into_response(),
    }
}

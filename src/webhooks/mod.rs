//! Webhooks in (server only): `POST /webhooks/anthropic` receives Anthropic's
//! organization webhooks (docs/webhooks.md). A delivery is verified (`signature`),
//! refused if its `webhook-id` was seen before (`deliveries`), acknowledged at once, and
//! processed after (`events`): a `user_profile.*` event re-reads the profile into the
//! index and is recorded in the profile's History. The route is exempt from sign-in and
//! from the CSRF check, which cannot apply to a server-to-server call; it keeps every
//! other protection (request id, body limit, timeout) and has a rate limit of its own.

pub mod deliveries;
pub mod events;
pub mod signature;

use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use deliveries::Deliveries;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use signature::Secrets;
use std::num::NonZeroU32;
use std::sync::Arc;

/// Where Anthropic delivers.
pub const PATH: &str = "/webhooks/anthropic";
/// Deliveries accepted per second, with bursts up to [`BURST`]: far above what one
/// organization's profile events come to, low enough that a flood cannot starve the
/// console or its API quota.
const PER_SECOND: u32 = 20;
const BURST: u32 = 100;

/// What receiving needs: the secrets and the record of deliveries seen.
#[derive(Clone)]
pub struct Receiver {
    secrets: Arc<Secrets>,
    deliveries: Deliveries,
    limiter: Arc<DefaultDirectRateLimiter>,
}

impl Receiver {
    pub fn new(secrets: Secrets, db: &crate::db::Database) -> Self {
        let quota = Quota::per_second(NonZeroU32::new(PER_SECOND).expect("non-zero"))
            .allow_burst(NonZeroU32::new(BURST).expect("non-zero"));
        Self {
            secrets: Arc::new(secrets),
            deliveries: Deliveries::new(db),
            limiter: Arc::new(RateLimiter::direct(quota)),
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, post(receive))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Verifies, deduplicates and acknowledges; the processing runs after the answer.
async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(receiver) = state.webhooks.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if receiver.limiter.check().is_err() {
        tracing::warn!("webhook refused: too many deliveries");
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response();
    }
    let id = header(&headers, "webhook-id");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Err(refusal) = receiver.secrets.verify(
        id,
        header(&headers, "webhook-timestamp"),
        header(&headers, "webhook-signature"),
        &body,
        now,
    ) {
        tracing::warn!(reason = %refusal, "webhook refused");
        return (StatusCode::UNAUTHORIZED, refusal.to_string()).into_response();
    }
    let id = id.expect("a verified delivery has an id").to_owned();
    let event = match events::Event::parse(&body) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(webhook_id = %id, error = %e, "webhook refused: not an event");
            return (StatusCode::BAD_REQUEST, "not an event").into_response();
        }
    };
    match receiver.deliveries.first_time(&id).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(webhook_id = %id, "webhook already received; not processed again");
            return (StatusCode::OK, "already received").into_response();
        }
        Err(e) => {
            // Unrecorded, it could be processed twice: let Anthropic deliver it again.
            tracing::error!(webhook_id = %id, error = %e, "cannot record a webhook delivery");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    tokio::spawn(events::process(state, id, headers, event));
    (StatusCode::OK, "received").into_response()
}

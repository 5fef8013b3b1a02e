//! `POST /webhooks/anthropic`: verify, deduplicate, acknowledge, then process.

use super::events;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

/// Where Anthropic delivers.
pub const PATH: &str = "/webhooks/anthropic";

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

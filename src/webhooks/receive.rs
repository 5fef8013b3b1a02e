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

/// Longest `webhook-id` taken: the API's are `whe_` + 32 characters; Standard Webhooks
/// senders use ids of that order. It is the replay key and goes into the log.
const MAX_WEBHOOK_ID: usize = 128;

/// Whether a `webhook-id` can serve as the replay key: 1 to [`MAX_WEBHOOK_ID`] visible
/// ASCII characters (no space, no control character, no markup beyond ASCII punctuation).
fn acceptable_webhook_id(raw: &str) -> bool {
    !raw.is_empty() && raw.len() <= MAX_WEBHOOK_ID && raw.bytes().all(|b| b.is_ascii_graphic())
}

/// Verifies first (constant-time, and cheap beside anything else done here), then limits
/// what is signed and what is not apart, so that forged posts never use up what
/// Anthropic's deliveries are taken under; then checks the delivery's fields, deduplicates
/// and acknowledges. The processing runs after the answer. Each delivery is counted by its
/// outcome (docs/operations.md, "Monitoring").
async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(receiver) = state.webhooks.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (outcome, response) = judge(state, receiver, headers, body).await;
    crate::telemetry::count(crate::telemetry::name::WEBHOOK_DELIVERIES, outcome);
    response
}

async fn judge(
    state: AppState,
    receiver: super::Receiver,
    headers: HeaderMap,
    body: Bytes,
) -> (&'static str, Response) {
    let id = header(&headers, "webhook-id");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let verified = receiver.secrets.verify(
        id,
        header(&headers, "webhook-timestamp"),
        header(&headers, "webhook-signature"),
        &body,
        now,
    );
    if let Err(refusal) = verified {
        if receiver.unsigned.check().is_err() {
            return ("limited", too_many());
        }
        tracing::warn!(reason = %refusal, "webhook refused");
        let refused = (StatusCode::UNAUTHORIZED, refusal.to_string()).into_response();
        return ("unsigned", refused);
    }
    if receiver.signed.check().is_err() {
        tracing::warn!("webhook refused: too many deliveries");
        return ("limited", too_many());
    }
    let id = id.expect("a verified delivery has an id");
    if !acceptable_webhook_id(id) {
        tracing::warn!("webhook refused: its webhook-id is empty, too long or not plain ASCII");
        let refused = (
            StatusCode::BAD_REQUEST,
            format!("webhook-id must be 1 to {MAX_WEBHOOK_ID} visible ASCII characters"),
        );
        return ("malformed", refused.into_response());
    }
    let id = id.to_owned();
    let event = match events::Event::parse(&body) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(webhook_id = %id, error = %e, "webhook refused: not an event");
            let refused = (StatusCode::BAD_REQUEST, e.to_string()).into_response();
            return ("malformed", refused);
        }
    };
    match receiver.deliveries.first_time(&id).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(webhook_id = %id, "webhook already received; not processed again");
            return (
                "duplicate",
                (StatusCode::OK, "already received").into_response(),
            );
        }
        Err(e) => {
            // Unrecorded, it could be processed twice: let Anthropic deliver it again.
            tracing::error!(webhook_id = %id, error = %e, "cannot record a webhook delivery");
            return (
                "unavailable",
                StatusCode::SERVICE_UNAVAILABLE.into_response(),
            );
        }
    }
    tokio::spawn(events::process(state, id, headers, event));
    ("accepted", (StatusCode::OK, "received").into_response())
}

fn too_many() -> Response {
    (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_id_is_a_bounded_plain_token() {
        for ok in [
            "whe_4f2a9c1e7b3d5a8f0e6c2b9d1a7f3e5c",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "a",
        ] {
            assert!(acceptable_webhook_id(ok), "{ok}");
        }
        let long = "w".repeat(MAX_WEBHOOK_ID + 1);
        for bad in ["", "a b", "<b>x</b>\n", "id\r\nX: y", "é", long.as_str()] {
            assert!(!acceptable_webhook_id(bad), "{bad:?}");
        }
        assert!(acceptable_webhook_id(&"w".repeat(MAX_WEBHOOK_ID)));
    }
}

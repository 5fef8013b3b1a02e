//! Organization webhooks (docs/webhooks.md; docs/emulator.md, "Webhooks"): the
//! registration API of beta `webhooks-2026-10-07`, and deliveries of the `user_profile.*`
//! events when the test hooks change a profile as Anthropic would, signed as Standard
//! Webhooks with each endpoint's secret, retried on a 5xx or no answer with the same
//! `webhook-id`, so that the console's receiver can be tested end to end offline.

use super::api::{now, Shared};
use super::contract::{parse_body, ApiError};
use super::Emulator;
use crate::webhooks::signature::sign;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// Without this beta value the API does not exist: 404.
pub const BETA: &str = "webhooks-2026-10-07";
const MAX_ENDPOINTS: usize = 32;
/// The events an endpoint may subscribe to.
pub const EVENTS: [&str; 7] = [
    "user_profile.enforcement_action_opened",
    "user_profile.enforcement_action_resolved",
    "user_profile.program_status_updated",
    "external_key.failed",
    "external_key.recovered",
    "external_storage.failed",
    "external_storage.recovered",
];
/// The emulated organization.
pub const ORGANIZATION_ID: &str = "00000000-0000-4000-8000-000000000001";
/// Attempts per delivery, and the wait before the first retry (doubled each time).
const ATTEMPTS: u32 = 4;
const FIRST_RETRY: Duration = Duration::from_millis(200);
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum EndpointState {
    Enabled,
    Disabled,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Endpoint {
    id: String,
    #[serde(with = "crate::timestamp")]
    created_at: OffsetDateTime,
    #[serde(with = "crate::timestamp")]
    updated_at: OffsetDateTime,
    url: String,
    name: String,
    description: String,
    disabled_reason: String,
    state: EndpointState,
    enabled_events: Vec<String>,
    /// Shown only when created and when regenerated.
    signing_secret: String,
}

impl Endpoint {
    fn wire(&self) -> Value {
        json!({
            "id": self.id,
            "created_at": crate::timestamp::rfc3339(self.created_at),
            "updated_at": crate::timestamp::rfc3339(self.updated_at),
            "url": self.url,
            "name": self.name,
            "description": self.description,
            "disabled_reason": self.disabled_reason,
            "state": self.state,
            "enabled_events": self.enabled_events,
        })
    }
}

fn secret() -> String {
    let key: [u8; 32] = rand::rng().random();
    format!("whsec_{}", STANDARD.encode(key))
}

fn hex_id(prefix: &str) -> String {
    let n: u128 = rand::rng().random();
    format!("{prefix}{n:032x}")
}

/// The beta must be listed, else the API is "not there".
fn require_beta(headers: &HeaderMap) -> Result<(), ApiError> {
    let listed = headers
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|b| b.trim() == BETA);
    if listed {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, "Not found"))
    }
}

/// `https`, or `http` to this machine (tests deliver to a local receiver).
fn check_url(raw: &str) -> Result<String, ApiError> {
    let url =
        url::Url::parse(raw).map_err(|_| ApiError::invalid("url: must be an absolute URL"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => Ok(raw.to_owned()),
        "http" if loopback => Ok(raw.to_owned()),
        _ => Err(ApiError::invalid("url: must be an https URL")),
    }
}

fn check_events(events: &[String]) -> Result<(), ApiError> {
    match events.iter().find(|e| !EVENTS.contains(&e.as_str())) {
        Some(unknown) => Err(ApiError::invalid(format!(
            "enabled_events: {unknown:?} is not an event type"
        ))),
        None => Ok(()),
    }
}

/// Stores a changed endpoint, as of now.
async fn save(emulator: &Emulator, endpoint: &mut Endpoint) -> Result<(), ApiError> {
    endpoint.updated_at = now();
    emulator
        .store
        .put_endpoint(&endpoint.id, endpoint.created_at, endpoint)
        .await?;
    Ok(())
}

fn missing(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("Webhook endpoint {id} not found"),
    )
}

async fn find(emulator: &Emulator, id: &str) -> Result<Endpoint, ApiError> {
    emulator
        .store
        .endpoints::<Endpoint>()
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| missing(id))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewEndpoint {
    url: String,
    enabled_events: Vec<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

pub(super) async fn create(
    State(emulator): Shared,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    require_beta(&headers)?;
    let new: NewEndpoint = parse_body(body)?;
    let url = check_url(&new.url)?;
    if new.enabled_events.is_empty() {
        return Err(ApiError::invalid(
            "enabled_events: at least one is required",
        ));
    }
    check_events(&new.enabled_events)?;
    if emulator.store.endpoints::<Endpoint>().await?.len() >= MAX_ENDPOINTS {
        return Err(ApiError::invalid(format!(
            "An organization has at most {MAX_ENDPOINTS} webhook endpoints"
        )));
    }
    let at = now();
    let endpoint = Endpoint {
        id: hex_id("we_"),
        created_at: at,
        updated_at: at,
        url,
        name: new.name,
        description: new.description,
        disabled_reason: String::new(),
        state: EndpointState::Enabled,
        enabled_events: new.enabled_events,
        signing_secret: secret(),
    };
    emulator
        .store
        .put_endpoint(&endpoint.id, at, &endpoint)
        .await?;
    let mut shown = endpoint.wire();
    shown["signing_secret"] = endpoint.signing_secret.clone().into();
    Ok(Json(shown).into_response())
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    after_id: Option<String>,
    before_id: Option<String>,
    #[serde(default)]
    limit: u32,
    order: Option<String>,
}

/// The Admin API's page: `{data, has_more, first_id, last_id}`, by `created_at`.
pub(super) async fn list(
    State(emulator): Shared,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    require_beta(&headers)?;
    let limit = match query.limit {
        0 => 20,
        n @ 1..=100 => n as usize,
        _ => return Err(ApiError::invalid("limit: must be at most 100")),
    };
    let mut all = emulator.store.endpoints::<Endpoint>().await?;
    match query.order.as_deref() {
        None | Some("desc") => all.reverse(),
        Some("asc") => {}
        Some(_) => return Err(ApiError::invalid("order: must be \"asc\" or \"desc\"")),
    }
    let position = |id: &str| all.iter().position(|e| e.id == id);
    let (from, to) = match (&query.after_id, &query.before_id) {
        (Some(after), _) => {
            let start = position(after).map_or(all.len(), |i| i + 1);
            (start, (start + limit).min(all.len()))
        }
        (None, Some(before)) => {
            let end = position(before).unwrap_or(0);
            (end.saturating_sub(limit), end)
        }
        (None, None) => (0, limit.min(all.len())),
    };
    let page = &all[from..to];
    let has_more = if query.before_id.is_some() && query.after_id.is_none() {
        from > 0
    } else {
        to < all.len()
    };
    Ok(Json(json!({
        "data": page.iter().map(Endpoint::wire).collect::<Vec<_>>(),
        "has_more": has_more,
        "first_id": page.first().map(|e| e.id.clone()),
        "last_id": page.last().map(|e| e.id.clone()),
    }))
    .into_response())
}

pub(super) async fn retrieve(
    State(emulator): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_beta(&headers)?;
    Ok(Json(find(&emulator, &id).await?.wire()).into_response())
}

pub(super) async fn update(
    State(emulator): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    require_beta(&headers)?;
    let mut endpoint = find(&emulator, &id).await?;
    let body: Map<String, Value> = parse_body(body)?;
    for (field, value) in body {
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| ApiError::invalid(format!("{field}: must be a string")))
        };
        match field.as_str() {
            "url" => endpoint.url = check_url(&text()?)?,
            "name" => endpoint.name = text()?,
            "description" => endpoint.description = text()?,
            // An empty list leaves the set as it is.
            "enabled_events" => {
                let events: Vec<String> = serde_json::from_value(value.clone()).map_err(|_| {
                    ApiError::invalid("enabled_events: must be a list of event types")
                })?;
                check_events(&events)?;
                if !events.is_empty() {
                    endpoint.enabled_events = events;
                }
            }
            "state" => {
                endpoint.state = match text()?.as_str() {
                    "enabled" => EndpointState::Enabled,
                    "disabled" => EndpointState::Disabled,
                    _ => {
                        return Err(ApiError::invalid(
                            "state: must be \"enabled\" or \"disabled\"",
                        ))
                    }
                };
                endpoint.disabled_reason = String::new();
            }
            _ => return Err(ApiError::invalid(format!("{field}: is not a known field"))),
        }
    }
    save(&emulator, &mut endpoint).await?;
    Ok(Json(endpoint.wire()).into_response())
}

pub(super) async fn delete(
    State(emulator): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_beta(&headers)?;
    if !emulator.store.delete_endpoint(&id).await? {
        return Err(missing(&id));
    }
    Ok(Json(json!({ "id": id, "type": "webhook_endpoint_deleted" })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Disable {
    reason: String,
}

/// Test hook: Anthropic disables the endpoint, saying why (say, deliveries kept failing).
pub(super) async fn disable(
    State(emulator): Shared,
    Path(id): Path<String>,
    Json(disable): Json<Disable>,
) -> Result<Response, ApiError> {
    let mut endpoint = find(&emulator, &id).await?;
    endpoint.state = EndpointState::Disabled;
    endpoint.disabled_reason = disable.reason;
    save(&emulator, &mut endpoint).await?;
    Ok(Json(endpoint.wire()).into_response())
}

/// A new secret; the old one stops working at once.
pub(super) async fn regenerate_secret(
    State(emulator): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_beta(&headers)?;
    let mut endpoint = find(&emulator, &id).await?;
    endpoint.signing_secret = secret();
    save(&emulator, &mut endpoint).await?;
    Ok(Json(json!({ "signing_secret": endpoint.signing_secret })).into_response())
}

/// Announces `kind` about `profile` to every enabled endpoint that subscribed to it, in
/// the background. Events carry ids only; `action` is the enforcement action's.
pub fn announce(
    emulator: Arc<Emulator>,
    kind: &'static str,
    profile: String,
    action: Option<String>,
) {
    tokio::spawn(async move {
        let endpoints = match emulator.store.endpoints::<Endpoint>().await {
            Ok(all) => all,
            Err(e) => {
                tracing::error!(error = %e, "emulator: cannot read the webhook endpoints");
                return;
            }
        };
        let id = hex_id("whe_");
        let mut data = json!({ "type": kind, "id": profile, "organization_id": ORGANIZATION_ID });
        if let Some(action) = action {
            data["enforcement_action_id"] = action.into();
        }
        let body = json!({
            "type": "event",
            "id": id,
            "created_at": crate::timestamp::rfc3339(now()),
            "data": data,
        })
        .to_string();
        for endpoint in endpoints {
            let subscribed = endpoint.enabled_events.iter().any(|e| e == kind);
            if endpoint.state == EndpointState::Enabled && subscribed {
                tokio::spawn(deliver(
                    emulator.http.clone(),
                    endpoint,
                    id.clone(),
                    body.clone(),
                ));
            }
        }
    });
}

/// One delivery: retried on a 5xx, a timeout or no connection, never on a 2xx or 4xx,
/// signed afresh (the timestamp moves) with the same id.
async fn deliver(http: reqwest::Client, endpoint: Endpoint, id: String, body: String) {
    let Ok(key) = STANDARD.decode(endpoint.signing_secret.trim_start_matches("whsec_")) else {
        return;
    };
    let mut wait = FIRST_RETRY;
    for attempt in 1..=ATTEMPTS {
        let at = OffsetDateTime::now_utc().unix_timestamp();
        let answer = http
            .post(&endpoint.url)
            .timeout(DELIVERY_TIMEOUT)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", at.to_string())
            .header("webhook-signature", sign(&key, &id, at, body.as_bytes()))
            .body(body.clone())
            .send()
            .await;
        match answer {
            Ok(r) if !r.status().is_server_error() => {
                if !r.status().is_success() {
                    tracing::warn!(endpoint = endpoint.id, status = %r.status(), "emulator: webhook refused");
                }
                return;
            }
            Ok(r) => {
                tracing::warn!(endpoint = endpoint.id, attempt, status = %r.status(), "emulator: webhook failed")
            }
            Err(e) => {
                tracing::warn!(endpoint = endpoint.id, attempt, error = %e, "emulator: webhook not delivered")
            }
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
}

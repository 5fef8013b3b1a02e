//! The five endpoints of the 2026-03-24 contract, with every rule of docs/api-contract.md §9 and the
//! team's judgements, plus the `/_emulator` test hooks when enabled.

use super::cursor::{self, Position};
use super::faults::{Fault, FaultPlan, SeenRequest};
use super::ids;
use super::store::StoreError;
use super::Emulator;
use crate::error::FieldError;
use crate::profiles::model::{
    check_resold_name, merge_metadata, EnrollmentUrl, Field, GrantStatus, Lenient, NewProfile,
    Order, PageSize, Profile, ProfileId, ProfileUpdate, Relationship, TrustGrant,
    MAX_METADATA_KEYS,
};
use crate::upstream::client::BETA;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// Cloudflare's limit on standard endpoints (docs/api-contract.md, judgement 15).
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
const ENROLLMENT_VALIDITY: time::Duration = time::Duration::minutes(15);
const ENROLLMENT_BASE: &str = "https://platform.claude.com/user-profiles/enrollment/";

type Shared = State<Arc<Emulator>>;

pub fn router(emulator: Arc<Emulator>) -> Router {
    let api = Router::new()
        .route("/v1/user_profiles", get(list).post(create))
        .route("/v1/user_profiles/{id}", get(retrieve).post(update))
        .route(
            "/v1/user_profiles/{id}/enrollment_url",
            post(enrollment_url),
        )
        // DELETE, action_urls and anything else are not part of 03-24 (docs/api-contract.md, judgement 16).
        .method_not_allowed_fallback(unknown_route)
        .fallback(unknown_route)
        .layer(middleware::from_fn_with_state(emulator.clone(), contract))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let hooks = Router::new()
        .route("/_emulator/faults", put(set_faults).delete(clear_faults))
        .route(
            "/_emulator/requests",
            get(seen_requests).delete(clear_requests),
        )
        .route(
            "/_emulator/profiles/{id}/trust_grants/{grant}",
            put(set_grant).delete(remove_grant),
        );
    let router = if emulator.hooks.is_some() {
        hooks.merge(api)
    } else {
        api
    };
    router.with_state(emulator)
}

/// An API error; rendered with the request's id by [`contract`], which alone knows it.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    fn fields(errors: Vec<FieldError>) -> Self {
        let text = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        Self::invalid(text)
    }

    fn not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("User profile {id} not found"),
        )
    }

    fn render(&self, request_id: &str) -> Response {
        let body = serde_json::json!({
            "type": "error",
            "error": { "type": error_type(self.status.as_u16()), "message": self.message },
            "request_id": request_id,
        });
        (self.status, Json(body)).into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "emulator store write failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }
}

/// `error.type` for a status (docs/api-contract.md §6).
fn error_type(status: u16) -> &'static str {
    match status {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        408 | 504 => "timeout_error",
        409 => "conflict_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    }
}

/// Everything every `/v1` request goes through: a `request-id`, the request log and
/// faults (test hooks), the key check, the beta header check, and error rendering.
async fn contract(State(emulator): Shared, request: Request, next: Next) -> Response {
    let request_id = ids::request_id(&mut rand::rng());
    let mut fault = None;
    if let Some(hooks) = &emulator.hooks {
        hooks.record(seen(&request));
        let (latency, next_fault) = hooks.next();
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
        fault = next_fault;
    }
    let mut response = match fault {
        Some(Fault::Status { status, headers }) => injected_status(status, &headers),
        Some(Fault::Drop) => dropped_connection(),
        Some(Fault::Malformed) => malformed_json(),
        Some(Fault::EchoKey { status }) => echoed_key(status, request.headers()),
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
    response
}

async fn checked(emulator: &Emulator, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if let Some(key) = &emulator.api_key {
        let expected = key.expose_secret();
        let x_api_key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if x_api_key != Some(expected) && bearer != Some(expected) {
            return ApiError::new(StatusCode::UNAUTHORIZED, "invalid x-api-key").into_response();
        }
    }
    let has_beta = headers
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|beta| beta.trim() == BETA);
    if !has_beta {
        return ApiError::invalid(format!(
            "This endpoint is in beta: the anthropic-beta header must include {BETA}"
        ))
        .into_response();
    }
    next.run(request).await
}

fn seen(request: &Request) -> SeenRequest {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    SeenRequest {
        method: request.method().to_string(),
        uri: request
            .uri()
            .path_and_query()
            .map(ToString::to_string)
            .unwrap_or_default(),
        anthropic_beta: header("anthropic-beta"),
        anthropic_version: header("anthropic-version"),
        has_x_api_key: request.headers().contains_key("x-api-key"),
        has_authorization: request.headers().contains_key("authorization"),
    }
}

fn injected_status(status: u16, extra: &std::collections::BTreeMap<String, String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = ApiError::new(status, "Injected fault").into_response();
    for (name, value) in extra {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn echoed_key(status: u16, headers: &axum::http::HeaderMap) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let key = headers.get("x-api-key").cloned();
    let shown = key
        .as_ref()
        .and_then(|k| k.to_str().ok())
        .unwrap_or_default();
    let mut response = ApiError::new(status, format!("invalid x-api-key: {shown}")).into_response();
    if let Some(key) = key {
        response.headers_mut().insert("x-echoed-key", key);
    }
    response
}

/// Headers go out, then the body fails: hyper aborts the connection mid-answer.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("injected dropped connection"))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Body::from_stream(failing))
        .expect("static response parts")
}

fn malformed_json() -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        r#"{"id": "uprof_01"#,
    )
        .into_response()
}

async fn unknown_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found")
}

/// An API object as sent: its `type` key, then its fields. Profiles carry all nine keys,
/// with `null` for unset optional ones.
#[derive(Serialize)]
struct Typed<'a, T> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    value: &'a T,
}

fn profile_object(profile: &Profile) -> Typed<'_, Profile> {
    Typed {
        kind: "user_profile",
        value: profile,
    }
}

fn wire(profile: &Profile) -> Json<Typed<'_, Profile>> {
    Json(profile_object(profile))
}

/// Now, to the millisecond, as the API's timestamps are.
fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_millisecond(now.millisecond())
        .expect("millisecond in range")
}

fn parse_body<T: for<'de> Deserialize<'de>>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request exceeds the maximum allowed number of bytes.",
            )
        } else {
            ApiError::invalid(format!("Could not read the request body: {rejection}"))
        }
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::invalid(format!("Invalid request body: {e}")))
}

/// The seeds' rule ([`check_resold_name`]), kept by the emulator because a stricter
/// emulator is safe (docs/api-contract.md, judgement 1).
fn require_name_if_resold(
    relationship: &Lenient<Relationship>,
    name: Option<&str>,
) -> Result<(), ApiError> {
    check_resold_name(relationship, name).map_err(|e| ApiError::invalid(e.to_string()))
}

async fn create(
    State(emulator): Shared,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request: NewProfile = parse_body(body)?;
    request.validate().map_err(ApiError::fields)?;
    let relationship = Lenient::Known(request.relationship.unwrap_or_default());
    require_name_if_resold(&relationship, request.name.as_deref())?;
    let at = now();
    let profile = emulator
        .store
        .write(|profiles| {
            let mut rng = rand::rng();
            let id = loop {
                let candidate = ids::profile_id(&mut rng);
                if !profiles.contains_key(&candidate) {
                    break candidate;
                }
            };
            let profile = Profile {
                id: ProfileId::parse(&id).expect("generated ids are valid"),
                created_at: at,
                updated_at: at,
                external_id: request.external_id,
                name: request.name,
                relationship,
                metadata: request.metadata,
                trust_grants: Default::default(),
            };
            profiles.insert(id, profile.clone());
            Ok::<_, ApiError>(profile)
        })
        .await?;
    Ok(wire(&profile).into_response())
}

async fn list(
    State(emulator): Shared,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::invalid(format!("Invalid query string: {e}")))?;
    let limit = match query.get("limit") {
        None => PageSize::DEFAULT,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .and_then(|n| PageSize::new(n).ok())
            .ok_or_else(|| ApiError::invalid("limit: must be an integer between 1 and 100"))?,
    };
    let limit = limit.get() as usize;
    let order = match query.get("order") {
        None => Order::Desc,
        Some(raw) => Order::parse(raw).map_err(|e| ApiError::invalid(e.to_string()))?,
    };
    let after = match query.get("page") {
        None => None,
        Some(raw) => {
            let position = cursor::decode(raw)
                .ok_or_else(|| ApiError::invalid("page: invalid page cursor"))?;
            if position.order != order {
                return Err(ApiError::invalid(format!(
                    "page: this cursor was issued for order={}",
                    position.order.as_str()
                )));
            }
            Some(position)
        }
    };

    let profiles = emulator.store.read().await;
    let mut sorted: Vec<&Profile> = profiles.values().collect();
    sorted.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    if order == Order::Desc {
        sorted.reverse();
    }
    let start = after.map_or(0, |p| {
        sorted.partition_point(|x| {
            let key = (x.created_at, x.id.as_str());
            let cut = (p.created_at, p.id.as_str());
            match order {
                Order::Asc => key <= cut,
                Order::Desc => key >= cut,
            }
        })
    });
    // Look ahead one item: a full page is not proof that another one follows.
    let window: Vec<&Profile> = sorted.iter().skip(start).take(limit + 1).copied().collect();
    let has_more = window.len() > limit;
    let data: Vec<_> = window
        .iter()
        .take(limit)
        .map(|p| profile_object(p))
        .collect();
    let next_page = has_more.then(|| {
        let last = window[limit - 1];
        cursor::encode(&Position {
            order,
            created_at: last.created_at,
            id: last.id.to_string(),
        })
    });
    Ok(Json(serde_json::json!({ "data": data, "next_page": next_page })).into_response())
}

async fn retrieve(State(emulator): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let profiles = emulator.store.read().await;
    let profile = profiles.get(&id).ok_or_else(|| ApiError::not_found(&id))?;
    Ok(wire(profile).into_response())
}

async fn update(
    State(emulator): Shared,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if !emulator.store.read().await.contains_key(&id) {
        return Err(ApiError::not_found(&id));
    }
    let patch: ProfileUpdate = parse_body(body)?;
    patch.validate().map_err(ApiError::fields)?;
    let at = now();
    let profile = emulator
        .store
        .write(|profiles| {
            let stored = profiles.get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
            let mut next = stored.clone();
            next.external_id = patch.external_id.apply(next.external_id);
            next.name = patch.name.apply(next.name);
            // `null` leaves the relationship unchanged (docs/api-contract.md, judgement 4).
            if let Field::Value(relationship) = patch.relationship {
                next.relationship = Lenient::Known(relationship);
            }
            if let Some(changes) = &patch.metadata {
                let merged = merge_metadata(&next.metadata, changes);
                if merged.len() > MAX_METADATA_KEYS {
                    return Err(ApiError::invalid(format!(
                        "metadata: the profile would have {} keys; at most {MAX_METADATA_KEYS} are allowed",
                        merged.len()
                    )));
                }
                next.metadata = merged;
            }
            require_name_if_resold(&next.relationship, next.name.as_deref())?;
            next.updated_at = at;
            *stored = next.clone();
            Ok(next)
        })
        .await?;
    Ok(wire(&profile).into_response())
}

async fn enrollment_url(
    State(emulator): Shared,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    // No body is defined; tolerate none, an empty one, or `{}` as the SDKs send.
    if let Ok(bytes) = &body {
        if !bytes.iter().all(u8::is_ascii_whitespace) {
            parse_body::<serde_json::Map<String, serde_json::Value>>(body)?;
        }
    }
    if !emulator.store.read().await.contains_key(&id) {
        return Err(ApiError::not_found(&id));
    }
    let enrollment = EnrollmentUrl {
        url: format!(
            "{ENROLLMENT_BASE}{}",
            ids::enrollment_token(&mut rand::rng())
        ),
        expires_at: now() + ENROLLMENT_VALIDITY,
    };
    Ok(Json(Typed {
        kind: "enrollment_url",
        value: &enrollment,
    })
    .into_response())
}

// ---- test hooks -------------------------------------------------------------------------

fn hooks(emulator: &Emulator) -> &super::faults::Hooks {
    emulator
        .hooks
        .as_ref()
        .expect("hook routes exist only with hooks enabled")
}

async fn set_faults(State(emulator): Shared, Json(plan): Json<FaultPlan>) -> StatusCode {
    hooks(&emulator).set_plan(plan);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(emulator): Shared) -> StatusCode {
    hooks(&emulator).set_plan(FaultPlan::default());
    StatusCode::NO_CONTENT
}

async fn seen_requests(State(emulator): Shared) -> Json<Vec<SeenRequest>> {
    Json(hooks(&emulator).seen())
}

async fn clear_requests(State(emulator): Shared) -> StatusCode {
    hooks(&emulator).clear_seen();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantBody {
    status: GrantStatus,
}

/// Sets a trust grant, as an end user completing enrollment would; bumps `updated_at`.
async fn set_grant(
    State(emulator): Shared,
    Path((id, grant)): Path<(String, String)>,
    Json(body): Json<GrantBody>,
) -> Result<Response, (StatusCode, String)> {
    change_grant(&emulator, &id, grant, Some(body.status)).await
}

async fn remove_grant(
    State(emulator): Shared,
    Path((id, grant)): Path<(String, String)>,
) -> Result<Response, (StatusCode, String)> {
    change_grant(&emulator, &id, grant, None).await
}

async fn change_grant(
    emulator: &Emulator,
    id: &str,
    grant: String,
    status: Option<GrantStatus>,
) -> Result<Response, (StatusCode, String)> {
    let at = now();
    let profile = emulator
        .store
        .write(|profiles| {
            let stored = profiles
                .get_mut(id)
                .ok_or((StatusCode::NOT_FOUND, format!("no profile {id}")))?;
            match status {
                Some(s) => stored.trust_grants.insert(
                    grant,
                    TrustGrant {
                        status: Lenient::Known(s),
                    },
                ),
                None => stored.trust_grants.remove(&grant),
            };
            stored.updated_at = at;
            Ok::<_, (StatusCode, String)>(stored.clone())
        })
        .await?;
    Ok(wire(&profile).into_response())
}

impl From<StoreError> for (StatusCode, String) {
    fn from(e: StoreError) -> Self {
        (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

//! The `/_emulator` test hooks (docs/emulator.md): what a fault answers instead of the
//! API, the log of what reached the emulator, and changing a trust grant as an end user's
//! enrollment would. Routed only when test hooks are enabled.

use super::api::{now, wire, Shared};
use super::contract::ApiError;
use super::faults::{FaultPlan, Hooks, SeenRequest};
use super::store::StoreError;
use super::Emulator;
use crate::profiles::model::{GrantStatus, Lenient, TrustGrant};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

pub(super) fn seen(request: &Request) -> SeenRequest {
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

pub(super) fn injected_status(
    status: u16,
    extra: &std::collections::BTreeMap<String, String>,
) -> Response {
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

pub(super) fn echoed_key(status: u16, headers: &axum::http::HeaderMap) -> Response {
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
pub(super) fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("injected dropped connection"))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Body::from_stream(failing))
        .expect("static response parts")
}

pub(super) fn malformed_json() -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        r#"{"id": "uprof_01"#,
    )
        .into_response()
}

fn hooks(emulator: &Emulator) -> &Hooks {
    emulator
        .hooks
        .as_ref()
        .expect("hook routes exist only with hooks enabled")
}

pub(super) async fn set_faults(State(emulator): Shared, Json(plan): Json<FaultPlan>) -> StatusCode {
    hooks(&emulator).set_plan(plan);
    StatusCode::NO_CONTENT
}

pub(super) async fn clear_faults(State(emulator): Shared) -> StatusCode {
    hooks(&emulator).set_plan(FaultPlan::default());
    StatusCode::NO_CONTENT
}

pub(super) async fn seen_requests(State(emulator): Shared) -> Json<Vec<SeenRequest>> {
    Json(hooks(&emulator).seen())
}

pub(super) async fn clear_requests(State(emulator): Shared) -> StatusCode {
    hooks(&emulator).clear_seen();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GrantBody {
    status: GrantStatus,
}

/// Sets a trust grant, as an end user completing enrollment would; bumps `updated_at`.
pub(super) async fn set_grant(
    State(emulator): Shared,
    Path((id, grant)): Path<(String, String)>,
    Json(body): Json<GrantBody>,
) -> Result<Response, (StatusCode, String)> {
    change_grant(&emulator, &id, grant, Some(body.status)).await
}

pub(super) async fn remove_grant(
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
        .update(id, |stored| {
            let mut next = stored.clone();
            match status {
                Some(s) => next.trust_grants.insert(
                    grant,
                    TrustGrant {
                        status: Lenient::Known(s),
                    },
                ),
                None => next.trust_grants.remove(&grant),
            };
            next.updated_at = at;
            Ok::<_, (StatusCode, String)>(next)
        })
        .await?
        .ok_or((StatusCode::NOT_FOUND, format!("no profile {id}")))?;
    Ok(wire(&profile).into_response())
}

impl From<StoreError> for (StatusCode, String) {
    fn from(e: StoreError) -> Self {
        (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

//! The endpoints of every API version (docs/api-versions.md), over the store. Each
//! handler gets the version the request's `anthropic-beta` header selected
//! (`routes::contract`), reads and writes the one record (`record.rs`), and renders it as
//! that version shows it; every rule they apply is in `contract.rs` and `bodies.rs`.

use super::bodies::{self, Kind};
use super::contract::{parse_body, ApiError, ListRequest};
use super::cursor::{self, OrderBy, Position};
use super::ids;
use super::record::{Record, View};
use super::Emulator;
use crate::profiles::model::ApiVersion;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use time::OffsetDateTime;

const LINK_VALIDITY: time::Duration = time::Duration::minutes(15);
const ENROLLMENT_BASE: &str = "https://platform.claude.com/user-profiles/enrollment/";

pub(super) type Shared = State<Arc<Emulator>>;
type Version = Extension<ApiVersion>;

pub(super) async fn unknown_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found")
}

/// Now, to the millisecond, as the API's timestamps are.
pub(super) fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_millisecond(now.millisecond())
        .expect("millisecond in range")
}

/// The profile as `version` shows it to the emulated organization: without enforcement
/// data while enforcement is not enabled for it.
fn shown(
    emulator: &Emulator,
    record: &Record,
    version: ApiVersion,
    view: View,
    at: OffsetDateTime,
) -> Value {
    let mut value = record.render(version, view, at);
    if let (false, Some(object)) = (emulator.enforcement_enabled(), value.as_object_mut()) {
        object.remove("enforcement_status");
        object.remove("enforcement_actions");
    }
    value
}

pub(super) fn wire(
    emulator: &Emulator,
    record: &Record,
    version: ApiVersion,
    view: View,
) -> Response {
    Json(shown(emulator, record, version, view, now())).into_response()
}

/// A body that is a JSON object.
fn object(body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, ApiError> {
    parse_body(body)
}

pub(super) async fn create(
    State(emulator): Shared,
    Extension(version): Version,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let at = now();
    let write = bodies::parse(version, Kind::Create, object(body)?, at)?;
    let id = loop {
        let candidate = ids::profile_id(&mut rand::rng());
        if !emulator.store.was_issued(&candidate).await? {
            break candidate;
        }
    };
    let record = write.apply(&Record::new(id, at), version, at)?;
    let record = emulator.store.insert(record).await?;
    // Programs in a create's answer are reported as in a list (docs/api-versions.md).
    Ok(wire(&emulator, &record, version, View::Reduced))
}

pub(super) async fn list(
    State(emulator): Shared,
    Extension(version): Version,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let ListRequest {
        limit,
        order,
        order_by,
        filter,
        after,
    } = ListRequest::parse(&pairs, version, emulator.enforcement_enabled())?;

    // Look ahead one item: a full page is not proof that another one follows. With a
    // filter, only `limit` candidates are examined, so a page may be short or empty and
    // still have a next one, as the API's are.
    let window = emulator
        .store
        .page(order, order_by, after.as_ref(), limit + 1)
        .await?;
    let has_more = window.len() > limit;
    let at = now();
    let data: Vec<Value> = window
        .iter()
        .take(limit)
        .filter(|r| filter.is_empty() || filter.contains(&r.enforcement_status(at)))
        .map(|r| shown(&emulator, r, version, View::Reduced, at))
        .collect();
    let next_page = has_more.then(|| {
        let last = &window[limit - 1];
        cursor::encode(&Position {
            order,
            order_by,
            filter,
            name_key: match order_by {
                OrderBy::Name => last.name_key(),
                OrderBy::CreatedAt => None,
            },
            created_at: last.created_at,
            id: last.id.clone(),
        })
    });
    Ok(Json(json!({ "data": data, "next_page": next_page })).into_response())
}

pub(super) async fn retrieve(
    State(emulator): Shared,
    Extension(version): Version,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = emulator
        .store
        .get(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&id))?;
    Ok(wire(&emulator, &record, version, View::Full))
}

pub(super) async fn update(
    State(emulator): Shared,
    Extension(version): Version,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if !emulator.store.contains(&id).await? {
        return Err(ApiError::not_found(&id));
    }
    let at = now();
    let write = bodies::parse(version, Kind::Update, object(body)?, at)?;
    let record = emulator
        .store
        .update(&id, |stored| write.apply(stored, version, at))
        .await?
        .ok_or_else(|| ApiError::not_found(&id))?;
    Ok(wire(&emulator, &record, version, View::Reduced))
}

/// Served under every version (docs/api-versions.md, judgement 7). Open actions end
/// with the profile, without a "resolved" event; the id is never used again, and a
/// second delete is 404.
pub(super) async fn delete(
    State(emulator): Shared,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if !emulator.store.delete(&id).await? {
        return Err(ApiError::not_found(&id));
    }
    Ok(Json(json!({ "id": id, "type": "user_profile_deleted" })).into_response())
}

/// A link that lets the end user enroll, as the object `kind`: a new one each call,
/// valid 15 minutes; it changes no program.
fn link(kind: &'static str) -> Response {
    let url = format!(
        "{ENROLLMENT_BASE}{}",
        ids::enrollment_token(&mut rand::rng())
    );
    Json(json!({
        "type": kind,
        "url": url,
        "expires_at": crate::timestamp::rfc3339(now() + LINK_VALIDITY),
    }))
    .into_response()
}

/// `POST /v1/user_profiles/{id}/action_urls` with `{"action": {"type":
/// "enroll_end_user"}}`, the only action there is; every version serves it.
pub(super) async fn action_url(
    State(emulator): Shared,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = object(body)?;
    let action = body
        .get("action")
        .ok_or_else(|| ApiError::invalid("action: is required"))?;
    if let Some(extra) = body.keys().find(|k| *k != "action") {
        return Err(ApiError::invalid(format!("{extra}: is not a known field")));
    }
    let kind = action.get("type").and_then(Value::as_str);
    if kind != Some("enroll_end_user") || action.as_object().is_some_and(|a| a.len() != 1) {
        return Err(ApiError::invalid(
            "action: must be {\"type\": \"enroll_end_user\"}",
        ));
    }
    if !emulator.store.contains(&id).await? {
        return Err(ApiError::not_found(&id));
    }
    Ok(link("user_profile_action_url"))
}

/// The betas' enrollment link; GA has no such route (it has `action_urls`).
pub(super) async fn enrollment_url(
    State(emulator): Shared,
    Extension(version): Version,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if version.is_ga() {
        return Err(unknown_route().await);
    }
    // No body is defined; tolerate none, an empty one, or `{}` as the SDKs send.
    if let Ok(bytes) = &body {
        if !bytes.iter().all(u8::is_ascii_whitespace) {
            object(body)?;
        }
    }
    if !emulator.store.contains(&id).await? {
        return Err(ApiError::not_found(&id));
    }
    Ok(link("enrollment_url"))
}

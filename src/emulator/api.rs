//! The five endpoints of the 2026-03-24 contract (docs/api-contract.md §3), over the
//! store; every rule they apply is in `contract.rs`.

use super::contract::{apply_update, parse_body, require_name_if_resold, ApiError, ListRequest};
use super::cursor::{self, Position};
use super::ids;
use super::Emulator;
use crate::profiles::model::{
    EnrollmentUrl, Lenient, NewProfile, NewProfileInput, Profile, ProfileId, ProfileUpdate,
    ProfileUpdateInput,
};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use time::OffsetDateTime;

const ENROLLMENT_VALIDITY: time::Duration = time::Duration::minutes(15);
const ENROLLMENT_BASE: &str = "https://platform.claude.com/user-profiles/enrollment/";

pub(super) type Shared = State<Arc<Emulator>>;

pub(super) async fn unknown_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found")
}

/// An API object as sent: its `type` key, then its fields. Profiles carry all nine keys,
/// with `null` for unset optional ones.
#[derive(Serialize)]
pub(super) struct Typed<'a, T> {
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

pub(super) fn wire(profile: &Profile) -> Json<Typed<'_, Profile>> {
    Json(profile_object(profile))
}

/// Now, to the millisecond, as the API's timestamps are.
pub(super) fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_millisecond(now.millisecond())
        .expect("millisecond in range")
}

pub(super) async fn create(
    State(emulator): Shared,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let input: NewProfileInput = parse_body(body)?;
    let request = NewProfile::try_from(input).map_err(ApiError::fields)?;
    let relationship = Lenient::Known(request.relationship.unwrap_or_default());
    let name = request.name.map(String::from);
    require_name_if_resold(&relationship, name.as_deref())?;
    let at = now();
    let id = loop {
        let candidate = ids::profile_id(&mut rand::rng());
        if !emulator.store.contains(&candidate).await? {
            break candidate;
        }
    };
    let profile = emulator
        .store
        .insert(Profile {
            id: ProfileId::parse(&id).expect("generated ids are valid"),
            created_at: at,
            updated_at: at,
            external_id: request.external_id.map(String::from),
            name,
            relationship,
            metadata: request.metadata.to_map(),
            trust_grants: Default::default(),
        })
        .await?;
    Ok(wire(&profile).into_response())
}

pub(super) async fn list(
    State(emulator): Shared,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::invalid(format!("Invalid query string: {e}")))?;
    let ListRequest {
        limit,
        order,
        after,
    } = ListRequest::parse(&query)?;

    // Look ahead one item: a full page is not proof that another one follows.
    let window = emulator
        .store
        .page(order, after.as_ref(), limit + 1)
        .await?;
    let has_more = window.len() > limit;
    let data: Vec<_> = window.iter().take(limit).map(profile_object).collect();
    let next_page = has_more.then(|| {
        let last = &window[limit - 1];
        cursor::encode(&Position {
            order,
            created_at: last.created_at,
            id: last.id.to_string(),
        })
    });
    Ok(Json(serde_json::json!({ "data": data, "next_page": next_page })).into_response())
}

pub(super) async fn retrieve(
    State(emulator): Shared,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let profile = emulator
        .store
        .get(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&id))?;
    Ok(wire(&profile).into_response())
}

pub(super) async fn update(
    State(emulator): Shared,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if !emulator.store.contains(&id).await? {
        return Err(ApiError::not_found(&id));
    }
    let input: ProfileUpdateInput = parse_body(body)?;
    let patch = ProfileUpdate::try_from(input).map_err(ApiError::fields)?;
    let at = now();
    let profile = emulator
        .store
        .update(&id, |stored| apply_update(stored, &patch, at))
        .await?
        .ok_or_else(|| ApiError::not_found(&id))?;
    Ok(wire(&profile).into_response())
}

pub(super) async fn enrollment_url(
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
    if !emulator.store.contains(&id).await? {
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

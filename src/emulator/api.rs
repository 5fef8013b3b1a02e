//! The five endpoints of the 2026-03-24 contract (docs/api-contract.md §3), over the
//! store; every rule they apply is in `contract.rs`.

use super::contract::{apply_update, parse_body, require_name_if_resold, ApiError, ListRequest};
use super::cursor::{self, Position};
use super::ids;
use super::Emulator;
use crate::profiles::model::{
    EnrollmentUrl, Lenient, NewProfile, NewProfileInput, Order, Profile, ProfileId, ProfileUpdate,
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
                external_id: request.external_id.map(String::from),
                name,
                relationship,
                metadata: request.metadata.to_map(),
                trust_grants: Default::default(),
            };
            profiles.insert(id, profile.clone());
            Ok::<_, ApiError>(profile)
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

pub(super) async fn retrieve(
    State(emulator): Shared,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let profiles = emulator.store.read().await;
    let profile = profiles.get(&id).ok_or_else(|| ApiError::not_found(&id))?;
    Ok(wire(profile).into_response())
}

pub(super) async fn update(
    State(emulator): Shared,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if !emulator.store.read().await.contains_key(&id) {
        return Err(ApiError::not_found(&id));
    }
    let input: ProfileUpdateInput = parse_body(body)?;
    let patch = ProfileUpdate::try_from(input).map_err(ApiError::fields)?;
    let at = now();
    let profile = emulator
        .store
        .write(|profiles| {
            let stored = profiles
                .get_mut(&id)
                .ok_or_else(|| ApiError::not_found(&id))?;
            let next = apply_update(stored, &patch, at)?;
            *stored = next.clone();
            Ok::<_, ApiError>(next)
        })
        .await?;
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

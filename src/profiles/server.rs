//! Server functions: what the pages read profiles through as they render, and the
//! console's JSON API for scripts. Each one is a public HTTP endpoint at a stable path
//! under `/api/profiles/`, answers POST only, checks the user's permission first
//! (`Authorized::require`, which records a refusal), parses its input into the model's
//! valid-by-construction types before any upstream call, and hands the work to the
//! profile service (`profiles::service`), which the pages' form posts share.
//! Only [`AppError`] text comes back on failure; every change is recorded in the audit
//! trail.

#[cfg(feature = "ssr")]
use crate::auth::authorized::Authorized;
#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
use crate::profiles::model::{
    EnrollmentUrl, NewProfileInput, Profile, ProfilePage, ProfileUpdateInput,
};
#[cfg(feature = "ssr")]
use crate::profiles::model::{NewProfile, ProfileUpdate};
#[cfg(feature = "ssr")]
use crate::profiles::service;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// One page of profiles. `limit` 1–100, `order` `asc` or `desc`, `page` a cursor from a
/// previous page's `next_page`, `enforcement` (GA only) an enforcement status. Upstream:
/// `GET /v1/user_profiles`.
#[server(endpoint = "profiles/list")]
pub async fn list_profiles(
    limit: u32,
    order: String,
    page: Option<String>,
    enforcement: Option<String>,
) -> Result<ProfilePage, AppError> {
    Authorized::require(Permission::ProfilesRead).await?;
    use crate::error::FieldError;
    use crate::profiles::model::{EnforcementStatus, ListQuery, Order, PageCursor, PageSize};
    let state = service::state()?;
    let enforcement = match enforcement.as_deref() {
        None | Some("") => Ok(None),
        Some(_) if !state.upstream.version().is_ga() => Err(FieldError::new(
            "enforcement",
            "is a GA filter; this console speaks the 2026-03-24 beta",
        )),
        Some(raw) => EnforcementStatus::parse(raw).map(Some).ok_or_else(|| {
            FieldError::new(
                "enforcement",
                "must be unrestricted, pending, restricted or banned",
            )
        }),
    };
    let query = match (
        PageSize::new(limit),
        Order::parse(&order),
        page.as_deref().map(PageCursor::parse).transpose(),
        enforcement,
    ) {
        (Ok(limit), Ok(order), Ok(page), Ok(enforcement)) => ListQuery {
            limit,
            order,
            page,
            enforcement,
        },
        (limit, order, page, enforcement) => {
            let errors = [limit.err(), order.err(), page.err(), enforcement.err()]
                .into_iter()
                .flatten()
                .collect();
            return Err(AppError::invalid(errors));
        }
    };
    service::upstream("list", state.upstream.list(&query).await)
}

/// One profile. An id that is not a profile id is "not found" without any upstream call.
/// Upstream: `GET /v1/user_profiles/{id}`.
#[server(endpoint = "profiles/get")]
pub async fn get_profile(id: String) -> Result<Profile, AppError> {
    Authorized::require(Permission::ProfilesRead).await?;
    let id = service::profile_id(&id)?;
    service::get(&service::state()?, &id).await
}

/// Creates a profile. The input is parsed into a [`crate::profiles::model::NewProfile`]
/// before anything else happens, every problem named by its field. Never retried after an
/// ambiguous failure, so it cannot duplicate. Upstream: `POST /v1/user_profiles`.
#[server(endpoint = "profiles/create", input = Json)]
pub async fn create_profile(profile: NewProfileInput) -> Result<Profile, AppError> {
    let user = Authorized::require(Permission::ProfilesWrite).await?;
    let profile = NewProfile::try_from(profile).map_err(AppError::invalid)?;
    service::create(&service::state()?, &user, profile).await
}

/// Applies an update: absent fields stay, `null` clears, metadata is a merge patch.
/// With `unless_changed_since` (the `updated_at` the edit form loaded, RFC 3339), refuses
/// with [`AppError::Changed`] if the profile was updated since.
/// Upstream: `GET` (the values before, for the audit trail and the check) then
/// `POST /v1/user_profiles/{id}`.
#[server(endpoint = "profiles/update", input = Json)]
pub async fn update_profile(
    id: String,
    update: ProfileUpdateInput,
    unless_changed_since: Option<String>,
) -> Result<Profile, AppError> {
    let user = Authorized::require(Permission::ProfilesWrite).await?;
    let id = service::profile_id(&id)?;
    let update = ProfileUpdate::try_from(update).map_err(AppError::invalid)?;
    service::update(
        &service::state()?,
        &user,
        &id,
        update,
        unless_changed_since.as_deref(),
    )
    .await
}

/// Mints an enrollment URL. The URL is a credential: it is returned once, never logged
/// and never cached. Upstream: `POST /v1/user_profiles/{id}/enrollment_url`.
#[server(endpoint = "profiles/enrollment_url")]
pub async fn create_enrollment_url(id: String) -> Result<EnrollmentUrl, AppError> {
    let user = Authorized::require(Permission::EnrollmentCreate).await?;
    let id = service::profile_id(&id)?;
    service::carries_credential();
    service::enrollment_url(&service::state()?, &user, &id).await
}

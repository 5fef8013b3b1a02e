//! The profile service (server only): the create, update, delete and enrollment operations
//! behind both the server functions and the no-JS form posts, so each rule is written
//! once. Its inputs are valid by construction (`NewProfile`, `ProfileUpdate`, parsed by
//! the callers); each operation checks what only it can check (a relationship needs an
//! admin, the "changed elsewhere" guard), writes its audit entry before the call and
//! completes it after (no entry, no call), and maps upstream failures to [`AppError`]
//! text; the upstream's own words stay in the server log.

use crate::audit::Action;
use crate::auth::authorized::Authorized;
use crate::auth::Permission;
use crate::error::{AppError, FieldError};
use crate::index::received::{How, Received};
use crate::profiles::model::{changes, deletion};
use crate::profiles::model::{
    AccessType, EnrollmentUrl, NewProfile, Profile, ProfileId, ProfileUpdate, Relationship,
};
use crate::state::AppState;
use crate::upstream::{ErrorKind, Reply, UpstreamError};
use leptos::prelude::*;
use time::format_description::well_known::Rfc3339;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("no application state in context"))
}

/// Writes a profile the console has just read or changed into the index at once
/// (docs/index.md), so a search finds it as it is now. A failure is never the user's
/// problem: the index writes it again until it is in (`index::write_through`).
async fn write_through(state: &AppState, profile: &Profile, how: How) {
    state
        .index
        .write_through(Received::from_profile(profile, how))
        .await;
}

/// One profile, live from the API, written through to the index.
pub async fn get(state: &AppState, id: &ProfileId) -> Result<Profile, AppError> {
    get_as(state, id, How::Retrieve).await
}

/// [`get`], saying why the profile is read (a webhook's re-read), for the status
/// timeline.
pub async fn get_as(state: &AppState, id: &ProfileId, how: How) -> Result<Profile, AppError> {
    let profile = upstream("get", state.upstream.get(id).await)?;
    write_through(state, &profile, how).await;
    Ok(profile)
}

/// Creates a profile. Callers have required `ProfilesWrite`; setting a relationship or
/// an access type other than the default also takes `ProfilesRelationship`. A field the
/// console's API version does not take is refused before anything is recorded.
pub async fn create(
    state: &AppState,
    user: &Authorized,
    profile: NewProfile,
) -> Result<Profile, AppError> {
    let body = profile
        .body(state.upstream.version())
        .map_err(AppError::invalid)?;
    if profile
        .relationship
        .is_some_and(|r| r != Relationship::default())
        || profile
            .access_type
            .is_some_and(|a| a != AccessType::default())
    {
        user.check(
            Permission::ProfilesRelationship,
            "create a profile with a relationship or an access type",
        )
        .await?;
    }
    let asked = changes::requested_new(&profile, state.upstream.version());
    let attempt = user
        .trail()
        .begin(Action::ProfileCreate, None, asked.clone())
        .await?;
    match upstream_write("create", state.upstream.create(&body).await) {
        Ok(Reply {
            value, request_id, ..
        }) => {
            write_through(state, &value, How::Write).await;
            let made = changes::created(&value);
            attempt
                .succeeded(Some(value.id.to_string()), made, request_id)
                .await;
            Ok(value)
        }
        Err(e) => {
            attempt.failed(&e, asked).await;
            Err(e)
        }
    }
}

/// Callers have required `ProfilesWrite`; any relationship or access type in the update,
/// `null` included, also takes `ProfilesRelationship`: what `null` does is the API's to
/// decide, not the console's.
pub async fn update(
    state: &AppState,
    user: &Authorized,
    id: &ProfileId,
    update: ProfileUpdate,
    unless_changed_since: Option<&str>,
) -> Result<Profile, AppError> {
    let body = update
        .body(state.upstream.version())
        .map_err(AppError::invalid)?;
    if !update.relationship.is_absent() || !update.access_type.is_absent() {
        user.check(
            Permission::ProfilesRelationship,
            "change a profile's relationship or access type",
        )
        .await?;
    }
    let loaded = unless_changed_since
        .map(|raw| {
            time::OffsetDateTime::parse(raw, &Rfc3339).map_err(|_| {
                AppError::invalid(vec![FieldError::new(
                    "updated_at",
                    "is not an RFC 3339 time",
                )])
            })
        })
        .transpose()?;
    let attempt = user
        .trail()
        .begin(Action::ProfileUpdate, Some(id), Vec::new())
        .await?;
    // The profile as it is now: the "before" of the entry, and the changed-elsewhere
    // check. The API has no conditional update, so that check narrows the window
    // rather than closing it: a write landing between this read and ours is not
    // detected (nor is it in the entry's old values).
    let current = match upstream("get", state.upstream.get(id).await) {
        Ok(current) => current,
        Err(e) => {
            attempt.failed(&e, Vec::new()).await;
            return Err(e);
        }
    };
    let asked = changes::requested(&current, &update);
    let outcome = match loaded {
        Some(loaded) if current.updated_at != loaded => Err(AppError::Changed {
            updated_at: crate::timestamp::utc(current.updated_at),
        }),
        _ => upstream_write("update", state.upstream.update(id, &body).await),
    };
    match outcome {
        Ok(Reply {
            value, request_id, ..
        }) => {
            write_through(state, &value, How::Write).await;
            let made = changes::between(&current, &value);
            attempt.succeeded(None, made, request_id).await;
            Ok(value)
        }
        Err(e) => {
            attempt.failed(&e, asked).await;
            Err(e)
        }
    }
}

/// Callers have required `ProfilesDelete`. The profile is read first, to check that
/// `confirm` is its id or its name (a profile already gone is "not found") and so that
/// the entry records what it held; only then is the entry written and the delete sent.
/// Once the API confirms, the index marks it gone at once (docs/index.md).
pub async fn delete(
    state: &AppState,
    user: &Authorized,
    id: &ProfileId,
    confirm: &str,
) -> Result<(), AppError> {
    let current = upstream("get", state.upstream.get(id).await)?;
    if !deletion::confirms(confirm, &current) {
        return Err(deletion::not_confirmed());
    }
    let held = changes::deleted(&current);
    let attempt = user
        .trail()
        .begin(Action::ProfileDelete, Some(id), held.clone())
        .await?;
    match upstream_write("delete", state.upstream.delete(id).await) {
        Ok(Reply { request_id, .. }) => {
            if let Err(e) = state.index.mark_gone(id.as_str()).await {
                tracing::warn!(%id, error = %e, "cannot mark a deleted profile gone in the index");
            }
            attempt.succeeded(None, held, request_id).await;
            Ok(())
        }
        Err(e) => {
            attempt.failed(&e, held).await;
            Err(e)
        }
    }
}

/// Callers have required `EnrollmentCreate`. The URL itself is never recorded.
pub async fn enrollment_url(
    state: &AppState,
    user: &Authorized,
    id: &ProfileId,
) -> Result<EnrollmentUrl, AppError> {
    let attempt = user
        .trail()
        .begin(Action::EnrollmentUrl, Some(id), Vec::new())
        .await?;
    match upstream_write("enrollment_url", state.upstream.enrollment_url(id).await) {
        Ok(Reply {
            value, request_id, ..
        }) => {
            attempt.succeeded(None, Vec::new(), request_id).await;
            // For the review queue: when and by whom, never the link.
            if let Err(e) = state
                .index
                .link_minted(id.as_str(), &user.user().name)
                .await
            {
                tracing::warn!(%id, error = %e, "cannot record in the index that a link was generated");
            }
            Ok(value)
        }
        Err(e) => {
            attempt.failed(&e, Vec::new()).await;
            Err(e)
        }
    }
}

/// Marks the response as carrying a credential: never stored by any cache, never
/// compressed (`hardening::CARRIES_CREDENTIAL`).
pub fn carries_credential() {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            axum::http::header::CACHE_CONTROL,
            crate::hardening::CARRIES_CREDENTIAL,
        );
    }
}

/// A malformed id names no profile: "not found", like an unknown one.
pub fn profile_id(raw: &str) -> Result<ProfileId, AppError> {
    ProfileId::parse(raw).map_err(|_| AppError::NotFound)
}

/// Maps the result of a read to what the browser may see; the details go to the log.
pub fn upstream<T>(
    op: &'static str,
    result: Result<Reply<T>, UpstreamError>,
) -> Result<T, AppError> {
    result
        .map(|reply| reply.value)
        .map_err(|e| mapped(op, e, Call::Read))
}

/// The same for a write, keeping the upstream `request-id` of a success (for the audit
/// trail). A 2xx whose answer cannot be read took the write: it is
/// [`AppError::Unconfirmed`], recorded as uncertain, never as failed.
pub fn upstream_write<T>(
    op: &'static str,
    result: Result<Reply<T>, UpstreamError>,
) -> Result<Reply<T>, AppError> {
    result.map_err(|e| mapped(op, e, Call::Write))
}

/// Whether a call only reads, or asks the API to change something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Read,
    Write,
}

fn mapped(op: &'static str, e: UpstreamError, call: Call) -> AppError {
    tracing::warn!(op, error = %e, "upstream call failed");
    let request_id = e.request_id.clone();
    if e.outcome_unknown {
        return AppError::Uncertain { request_id };
    }
    match e.kind {
        ErrorKind::NotFound => AppError::NotFound,
        ErrorKind::InvalidRequest | ErrorKind::TooLarge | ErrorKind::Conflict => {
            AppError::Invalid {
                errors: vec![field_error(&e.message)],
                request_id,
            }
        }
        ErrorKind::Authentication | ErrorKind::Permission => AppError::Misconfigured { request_id },
        ErrorKind::RateLimited
        | ErrorKind::Overloaded
        | ErrorKind::Server
        | ErrorKind::RequestTimeout
        | ErrorKind::Timeout
        | ErrorKind::Connect
        | ErrorKind::Dropped => AppError::Unavailable { request_id },
        ErrorKind::Unreadable if call == Call::Write => AppError::Unconfirmed { request_id },
        ErrorKind::Unreadable | ErrorKind::InvalidResponse => AppError::Unreadable { request_id },
    }
}

/// The API's validation messages start with the field they concern
/// (`metadata: …`, `external_user_details.country: …`); keep that so the form can show it
/// next to the field. GA's `reference_id` is the console's External ID.
fn field_error(message: &str) -> FieldError {
    const FIELDS: [&str; 6] = [
        "external_id",
        "name",
        "relationship",
        "access_type",
        "external_user_details",
        "metadata",
    ];
    message
        .split_once(": ")
        .filter(|(field, _)| {
            FIELDS
                .iter()
                .any(|f| field == f || field.strip_prefix(f).is_some_and(|r| r.starts_with('.')))
        })
        .map(|(field, text)| match field {
            "external_user_details.reference_id" => FieldError::new("external_id", text),
            _ => FieldError::new(field, text),
        })
        .unwrap_or_else(|| FieldError::new("request", message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_validation_messages_keep_their_field() {
        assert_eq!(
            field_error("metadata: the profile would have 17 keys"),
            FieldError::new("metadata", "the profile would have 17 keys")
        );
        assert_eq!(
            field_error("name: is required"),
            FieldError::new("name", "is required")
        );
        assert_eq!(
            field_error("external_user_details.onboarded_at: must not be in the future"),
            FieldError::new(
                "external_user_details.onboarded_at",
                "must not be in the future"
            )
        );
        assert_eq!(
            field_error("external_user_details.reference_id: cannot be cleared"),
            FieldError::new("external_id", "cannot be cleared")
        );
        assert_eq!(
            field_error("Invalid request body: expected value"),
            FieldError::new("request", "Invalid request body: expected value")
        );
    }

    #[test]
    fn upstream_errors_map_to_safe_variants() {
        let err = |kind, status, outcome_unknown| UpstreamError {
            kind,
            status,
            message: "https://api.anthropic.com leaked sk-ant-api03-secret".into(),
            request_id: Some("req_1".into()),
            outcome_unknown,
        };
        let cases = [
            (ErrorKind::NotFound, false, AppError::NotFound),
            (
                ErrorKind::Overloaded,
                false,
                AppError::Unavailable {
                    request_id: Some("req_1".into()),
                },
            ),
            (
                ErrorKind::Authentication,
                false,
                AppError::Misconfigured {
                    request_id: Some("req_1".into()),
                },
            ),
            (
                ErrorKind::Timeout,
                true,
                AppError::Uncertain {
                    request_id: Some("req_1".into()),
                },
            ),
            (
                ErrorKind::Timeout,
                false,
                AppError::Unavailable {
                    request_id: Some("req_1".into()),
                },
            ),
            (
                ErrorKind::Dropped,
                true,
                AppError::Uncertain {
                    request_id: Some("req_1".into()),
                },
            ),
        ];
        for (kind, outcome_unknown, expected) in cases {
            let got = upstream::<()>("op", Err(err(kind, Some(500), outcome_unknown))).unwrap_err();
            assert_eq!(got, expected, "{kind:?} outcome_unknown={outcome_unknown}");
            assert!(!got.to_string().contains("anthropic.com"));
        }
        let unreadable = err(ErrorKind::Unreadable, Some(200), false);
        assert_eq!(
            upstream::<()>("get", Err(unreadable.clone())).unwrap_err(),
            AppError::Unreadable {
                request_id: Some("req_1".into())
            },
            "a read: the API answered something unreadable"
        );
        assert_eq!(
            upstream_write::<()>("update", Err(unreadable)).unwrap_err(),
            AppError::Unconfirmed {
                request_id: Some("req_1".into())
            },
            "a write: the API took it"
        );
        let redirect = err(ErrorKind::InvalidResponse, Some(302), false);
        assert!(matches!(
            upstream_write::<()>("update", Err(redirect)).unwrap_err(),
            AppError::Unreadable { .. }
        ));
    }
}

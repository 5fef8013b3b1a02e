//! The `/_emulator` test hooks (docs/emulator.md): what a fault answers instead of the
//! API, the log of what reached the emulator, and what Anthropic's side changes on a
//! profile: program statuses (as an end user's enrollment would), enforcement actions
//! opened, checks submitted and actions resolved; each change Anthropic announces is
//! delivered to the registered webhook endpoints (`webhooks.rs`). Routed only when test
//! hooks are enabled.

use super::api::{now, wire, Shared};
use super::contract::ApiError;
use super::faults::{FaultPlan, Hooks, SeenRequest};
use super::ids;
use super::record::{Action, ActionKind, Cyber, ProgramStatus, Programs, Reason, Record, View};
use super::store::StoreError;
use super::webhooks::announce;
use super::Emulator;
use crate::profiles::model::ApiVersion;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;
use time::OffsetDateTime;

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

/// The body fails on its first read, so hyper closes the connection before it has
/// flushed the head: the client reads an empty reply (checked with curl).
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

type HookResult = Result<Response, (StatusCode, String)>;

/// Applies `change` to the profile `id` and bumps its `updated_at`, as Anthropic's
/// approvals and withdrawals do; answers the profile as `version` shows it in full.
async fn change(
    emulator: &Emulator,
    id: &str,
    version: ApiVersion,
    change: impl FnOnce(&mut Record),
) -> HookResult {
    let at = now();
    let record = emulator
        .store
        .update(id, |stored| {
            let mut next = stored.clone();
            change(&mut next);
            next.updated_at = at;
            Ok::<_, (StatusCode, String)>(next)
        })
        .await?
        .ok_or((StatusCode::NOT_FOUND, format!("no profile {id}")))?;
    Ok(wire(emulator, &record, version, View::Full))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GrantBody {
    status: ProgramStatus,
}

/// Sets a 03-24 trust grant, as an end user completing enrollment would: `cyber` is the
/// cyber program's status (a new program has no tiers); any other name is a program no
/// client knows yet (`Programs::other`).
pub(super) async fn set_grant(
    State(emulator): Shared,
    Path((id, grant)): Path<(String, String)>,
    Json(body): Json<GrantBody>,
) -> HookResult {
    let before = emulator.store.get(&id).await?.map(|r| r.programs);
    let answer = change(&emulator, &id, ApiVersion::Beta20260324, |r| {
        match (grant.as_str(), r.programs.cyber.as_mut()) {
            ("cyber", Some(cyber)) => cyber.status = body.status,
            ("cyber", None) => {
                r.programs.cyber = Some(Cyber {
                    status: body.status,
                    tiers: Default::default(),
                    requirements: None,
                })
            }
            _ => {
                r.programs.other.insert(grant, body.status);
            }
        }
    })
    .await?;
    announce_programs(&emulator, &id, before).await;
    Ok(answer)
}

/// `user_profile.program_status_updated`, if a program's status, a tier or a feature
/// changed (docs/api-versions.md: consumers always read the profile again).
async fn announce_programs(emulator: &Arc<Emulator>, id: &str, before: Option<Programs>) {
    let after = emulator
        .store
        .get(id)
        .await
        .ok()
        .flatten()
        .map(|r| r.programs);
    if after.is_some() && after != before {
        announce(
            emulator.clone(),
            "user_profile.program_status_updated",
            id.to_owned(),
            None,
        );
    }
}

pub(super) async fn remove_grant(
    State(emulator): Shared,
    Path((id, grant)): Path<(String, String)>,
) -> HookResult {
    let before = emulator.store.get(&id).await?.map(|r| r.programs);
    let answer = change(&emulator, &id, ApiVersion::Beta20260324, |r| {
        if grant == "cyber" {
            r.programs.cyber = None;
        } else {
            r.programs.other.remove(&grant);
        }
    })
    .await?;
    announce_programs(&emulator, &id, before).await;
    Ok(answer)
}

/// Replaces the profile's programs (`{"cyber": …, "efs": …}`, as GA shows them in full).
pub(super) async fn set_programs(
    State(emulator): Shared,
    Path(id): Path<String>,
    Json(programs): Json<Programs>,
) -> HookResult {
    let before = emulator.store.get(&id).await?.map(|r| r.programs);
    let answer = change(&emulator, &id, ApiVersion::Ga, |r| r.programs = programs).await?;
    announce_programs(&emulator, &id, before).await;
    Ok(answer)
}

/// An enforcement action to open.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OpenAction {
    kind: ActionKind,
    reason: Reason,
    #[serde(default)]
    verify: bool,
    #[serde(default, with = "crate::timestamp::option")]
    expires_at: Option<OffsetDateTime>,
}

/// Opens an action; a ban never ends and offers no check, nor does an account
/// compromise end. Answers the profile (GA, in full), whose last action is the new one.
pub(super) async fn open_action(
    State(emulator): Shared,
    Path(id): Path<String>,
    Json(open): Json<OpenAction>,
) -> HookResult {
    let ban = open.kind == ActionKind::Ban;
    let action = Action {
        id: ids::action_id(&mut rand::rng()),
        kind: open.kind,
        reason: open.reason,
        verify: open.verify && !ban,
        check_submitted: false,
        opened_at: now(),
        expires_at: open
            .expires_at
            .filter(|_| !ban && open.reason != Reason::AccountCompromise),
    };
    let action_id = action.id.clone();
    let answer = change(&emulator, &id, ApiVersion::Ga, |r| r.actions.push(action)).await?;
    announce(
        emulator,
        "user_profile.enforcement_action_opened",
        id,
        Some(action_id),
    );
    Ok(answer)
}

/// The end user has submitted the identity check an action offers: it is under review.
pub(super) async fn submit_check(
    State(emulator): Shared,
    Path((id, action)): Path<(String, String)>,
) -> HookResult {
    change_action(&emulator, &id, &action, |r, i| {
        r.actions[i].check_submitted = true
    })
    .await
}

/// Ends an action, as Anthropic resolving it would.
pub(super) async fn resolve_action(
    State(emulator): Shared,
    Path((id, action)): Path<(String, String)>,
) -> HookResult {
    let answer = change_action(&emulator, &id, &action, |r, i| {
        r.actions.remove(i);
    })
    .await?;
    announce(
        emulator,
        "user_profile.enforcement_action_resolved",
        id,
        Some(action),
    );
    Ok(answer)
}

async fn change_action(
    emulator: &Emulator,
    id: &str,
    action: &str,
    apply: impl FnOnce(&mut Record, usize),
) -> HookResult {
    let known = emulator
        .store
        .get(id)
        .await?
        .is_some_and(|r| r.actions.iter().any(|a| a.id == action));
    if !known {
        return Err((
            StatusCode::NOT_FOUND,
            format!("no open action {action} on {id}"),
        ));
    }
    change(emulator, id, ApiVersion::Ga, |r| {
        if let Some(i) = r.actions.iter().position(|a| a.id == action) {
            apply(r, i);
        }
    })
    .await
}

impl From<StoreError> for (StatusCode, String) {
    fn from(e: StoreError) -> Self {
        (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

/// Settings of the emulated organization that Anthropic decides.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Settings {
    enforcement_enabled: bool,
}

pub(super) async fn set_settings(
    State(emulator): Shared,
    Json(settings): Json<Settings>,
) -> StatusCode {
    emulator.enforcement.store(
        settings.enforcement_enabled,
        std::sync::atomic::Ordering::Relaxed,
    );
    StatusCode::NO_CONTENT
}

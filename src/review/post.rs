//! A review queue row's actions, posted as plain forms to the queue page (admins):
//! "Generate enrollment link" answers the page with the link once, in that row, never
//! cached; "Mark followed up" saves the note, records it in the audit trail and goes back
//! to the page, or answers the page with what was typed and why not (docs/review.md).

use crate::audit::{Action, Change, Outcome};
use crate::auth::authorized::Authorized;
use crate::auth::Permission;
use crate::error::AppError;
use crate::profiles::form::post::{read_form, render, PageRenderer, Pairs};
use crate::profiles::model::ProfileId;
use crate::profiles::service;
use crate::review::follow_up::{field, FollowUpInput};
use crate::review::page::{PostedRow, RowAnswer, FOLLOW_UP, INTENT_FIELD, PROFILE_FIELD};
use crate::review::tabs::REVIEW_PATH;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Router};
use leptos::prelude::provide_context;

pub fn routes(renderer: PageRenderer) -> Router<AppState> {
    Router::new()
        .route(REVIEW_PATH, post(act))
        .layer(Extension(renderer))
}

fn value(pairs: &Pairs, name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

async fn act(State(state): State<AppState>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let raw = value(&pairs, PROFILE_FIELD);
    let user = Authorized::require_in(&parts, Permission::ReviewAct).await;
    let id = service::profile_id(&raw);
    if value(&pairs, INTENT_FIELD) == FOLLOW_UP {
        let typed = FollowUpInput {
            note: value(&pairs, field::NOTE),
            due: value(&pairs, field::DUE),
        };
        let saved = match (user, id) {
            (Ok(user), Ok(id)) => follow_up(&state, &user, &id, &typed).await,
            (Err(refused), _) | (_, Err(refused)) => Err(refused),
        };
        return match saved {
            Ok(()) => Redirect::to(&page_address(&parts)).into_response(),
            Err(error) => {
                let posted = PostedRow {
                    id: raw,
                    answer: RowAnswer::FollowUp { typed, error },
                };
                render(state, parts, move || provide_context(posted.clone())).await
            }
        };
    }
    let answer = match (user, id) {
        (Ok(user), Ok(id)) => service::enrollment_url(&state, &user, &id).await,
        (Err(refused), _) | (_, Err(refused)) => Err(refused),
    };
    let posted = PostedRow {
        id: raw,
        answer: RowAnswer::Link(answer),
    };
    let mut response = render(state, parts, move || provide_context(posted.clone())).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, crate::hardening::CARRIES_CREDENTIAL);
    response
}

/// The queue page the form was posted from: this console's `/review` with its query.
fn page_address(parts: &Parts) -> String {
    match parts.uri.query() {
        Some(query) => format!("{REVIEW_PATH}?{query}"),
        None => REVIEW_PATH.to_owned(),
    }
}

/// Checks and saves a follow-up of a profile the index holds, and records it.
async fn follow_up(
    state: &AppState,
    user: &Authorized,
    id: &ProfileId,
    typed: &FollowUpInput,
) -> Result<(), AppError> {
    let checked = typed.check().map_err(AppError::invalid)?;
    let unreadable = |e: sqlx::Error| {
        tracing::error!(%id, error = %e, "cannot save a follow-up");
        AppError::internal("the follow-up could not be saved")
    };
    if !state.index.knows(id.as_str()).await.map_err(unreadable)? {
        return Err(AppError::NotFound);
    }
    let by = user.user().name.clone();
    match state
        .index
        .follow_up(id.as_str(), &checked.note, checked.due.as_deref(), &by)
        .await
    {
        Ok(before) => {
            let changes = vec![
                Change {
                    field: "follow_up.note".into(),
                    old: before.as_ref().map(|b| b.note.clone()),
                    new: Some(checked.note.clone()),
                },
                Change {
                    field: "follow_up.due".into(),
                    old: before.and_then(|b| b.due),
                    new: checked.due.clone(),
                },
            ];
            user.trail()
                .record_about(
                    Action::ReviewFollowUp,
                    id,
                    Outcome::Succeeded,
                    None,
                    changes,
                    None,
                )
                .await;
            Ok(())
        }
        Err(e) => {
            let error = unreadable(e);
            user.trail()
                .record_about(
                    Action::ReviewFollowUp,
                    id,
                    Outcome::Failed,
                    Some(error.to_string()),
                    Vec::new(),
                    None,
                )
                .await;
            Err(error)
        }
    }
}

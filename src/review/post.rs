//! "Generate enrollment link" posted from a row of *Can clear now*: minted for that row
//! (admins), and answered with the queue page showing the link once, in that row,
//! uncacheable (docs/review.md).

use crate::auth::authorized::Authorized;
use crate::auth::Permission;
use crate::profiles::form::post::{read_form, render, PageRenderer};
use crate::profiles::service;
use crate::review::page::{PostedQueueLink, PROFILE_FIELD};
use crate::review::tabs::REVIEW_PATH;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Router};
use leptos::prelude::provide_context;

pub fn routes(renderer: PageRenderer) -> Router<AppState> {
    Router::new()
        .route(REVIEW_PATH, post(generate_link))
        .layer(Extension(renderer))
}

async fn generate_link(State(state): State<AppState>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let raw = pairs
        .into_iter()
        .find(|(name, _)| name == PROFILE_FIELD)
        .map(|(_, value)| value)
        .unwrap_or_default();
    let answer = match Authorized::require_in(&parts, Permission::ReviewAct).await {
        Ok(user) => match service::profile_id(&raw) {
            Ok(id) => service::enrollment_url(&state, &user, &id).await,
            Err(e) => Err(e),
        },
        Err(refused) => Err(refused),
    };
    let posted = PostedQueueLink { id: raw, answer };
    let mut response = render(state, parts, move || provide_context(posted.clone())).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, crate::hardening::CARRIES_CREDENTIAL);
    response
}

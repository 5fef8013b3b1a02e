//! What every page about one profile starts with: the id from the address, checked at
//! once, then the profile itself.

use crate::error::AppError;
use crate::profiles::model::{Profile, ProfileId};
use crate::profiles::server::get_profile;
use crate::ui::error_panel::ErrorPage;
use crate::ui::status::NotFound;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Renders `page` for the route's `:id`. The id is checked without any async work, so a
/// malformed one is "not found" at once and never reaches a server function.
pub fn with_profile_id<V: IntoView + 'static>(page: impl FnOnce(ProfileId) -> V) -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|raw| ProfileId::parse(&raw).ok()));
    match id {
        Some(id) => page(id).into_any(),
        None => view! { <NotFound/> }.into_any(),
    }
}

/// Renders `page` with the profile once it is loaded, or [`unread_page`] when it cannot be.
pub fn with_profile<V: IntoView + 'static>(
    id: ProfileId,
    title: &'static str,
    page: impl FnOnce(Profile) -> V + Send + 'static,
) -> impl IntoView {
    with_profile_or(id, page, move |error| unread_page(title, error))
}

/// What a page about one profile shows when the profile cannot be read: "not found" for
/// a profile the API does not know, else an error page titled `title`.
pub fn unread_page(title: &'static str, error: AppError) -> AnyView {
    match error {
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        error => view! { <ErrorPage title error/> }.into_any(),
    }
}

/// Renders `page` with the profile once it is loaded, or `unread` with why it could not
/// be read: for a page that answers a write, whose outcome a failed read must never hide.
pub fn with_profile_or<V: IntoView + 'static, U: IntoView + 'static>(
    id: ProfileId,
    page: impl FnOnce(Profile) -> V + Send + 'static,
    unread: impl FnOnce(AppError) -> U + Send + 'static,
) -> impl IntoView {
    Suspend::new(async move {
        match get_profile(id.to_string()).await {
            Ok(profile) => page(profile).into_any(),
            Err(error) => unread(error).into_any(),
        }
    })
}

//! What every page about one profile starts with: the id from the address, checked at
//! once.

use crate::profiles::model::ProfileId;
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

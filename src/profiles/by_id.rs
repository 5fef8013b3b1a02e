//! What every page about one profile starts with: the id from the address, checked at
//! once, and the profile itself as a resource.

use crate::error::AppError;
use crate::profiles::model::{Profile, ProfileId};
use crate::profiles::server::get_profile;
use crate::ui::status::NotFound;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Renders `page` for the route's `:id`. The id is checked without any async work, so a
/// malformed one is "not found" at once and never reaches a server function.
pub fn with_profile_id<V: IntoView + 'static>(
    page: impl Fn(ProfileId) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|raw| ProfileId::parse(&raw).ok()))
    });
    move || match id.get() {
        Some(id) => page(id).into_any(),
        None => view! { <NotFound/> }.into_any(),
    }
}

/// The profile, loaded through the `profiles/get` server function.
pub fn profile_resource(id: &ProfileId) -> Resource<Result<Profile, AppError>> {
    let id = id.to_string();
    Resource::new(move || id.clone(), get_profile)
}

//! The API version the console speaks, as pages see it: it decides which fields, columns
//! and filters they offer (docs/api-versions.md). Pages are rendered on the server; the
//! browser build has no version of its own, and islands get what they need as props.

use crate::profiles::model::ApiVersion;

/// The version of the request being rendered; GA where no console state is at hand.
pub fn spoken() -> ApiVersion {
    #[cfg(feature = "ssr")]
    return leptos::prelude::use_context::<crate::state::AppState>()
        .map_or(ApiVersion::Ga, |state| state.upstream.version());
    #[cfg(not(feature = "ssr"))]
    ApiVersion::Ga
}

//! HTTP status of server-rendered pages, and the "not found" page.

use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;

/// Sets the status of the server-rendered response; a no-op in the browser. Works for
/// routes rendered with `SsrMode::Async`, whose headers go out after the page is ready.
pub fn set_http_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(status) {
            options.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// For unknown routes, malformed profile ids and profiles that do not exist; answers 404.
#[component]
pub fn NotFound() -> impl IntoView {
    set_http_status(404);
    view! {
        <PageTitle text="Not found"/>
        <section class="empty-state">
            <PageHeading text="Not found"/>
            <p>"There is no profile or page at this address."</p>
            <p><a href="/profiles">"Back to the profile list"</a></p>
        </section>
    }
}

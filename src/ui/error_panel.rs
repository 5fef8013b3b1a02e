//! How a failed call is shown: our message, and the upstream request id for support.

use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let request_id = error.request_id().map(str::to_owned);
    view! {
        <div class="error-panel" role="alert">
            <p>{error.to_string()}</p>
            {request_id.map(|id| view! { <p class="muted">"Request ID: " <code>{id}</code></p> })}
        </div>
    }
}

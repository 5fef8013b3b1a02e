//! How a failed call is shown: our message, and the upstream request id for support. A
//! server-rendered error page also answers with the error's HTTP status.

use crate::error::AppError;
use crate::ui::copy::CopyButton;
use crate::ui::heading::PageHeading;
use crate::ui::status::set_http_status;
use crate::ui::title::PageTitle;
use leptos::prelude::*;

/// A page that could not be shown: its title and heading, and why.
#[component]
pub fn ErrorPage(title: &'static str, error: AppError) -> impl IntoView {
    view! {
        <PageTitle text=title/>
        <PageHeading text=title/>
        <ErrorPanel error/>
    }
}

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    set_http_status(error.status());
    let request_id = error.request_id().map(str::to_owned);
    view! {
        <div class="error-panel" role="alert">
            <p>{error.to_string()}</p>
            {(error == AppError::SignInRequired).then(|| view! {
                <p><a href="/sign-in">"Sign in"</a></p>
            })}
            {request_id.map(|id| view! { <RequestId id/> })}
        </div>
    }
}

/// A read that failed after a write that did not: said below the write's outcome, which it
/// never replaces, and without changing the page's status (the write's).
#[component]
pub fn ReadFailed(error: AppError) -> impl IntoView {
    let request_id = error.request_id().map(str::to_owned);
    view! {
        <div class="notice" role="status" data-testid="read-failed">
            <p>"The profile could not be read again to show it as it is now: " {error.to_string()}</p>
            {request_id.map(|id| view! { <RequestId id/> })}
        </div>
    }
}

/// The upstream `request-id`, for support to quote, with a Copy button.
#[component]
pub fn RequestId(id: String) -> impl IntoView {
    view! {
        <p class="request-id">
            "Request ID: " <code>{id.clone()}</code> " "
            <CopyButton text=id what="request ID"/>
        </p>
    }
}

//! "Generate enrollment URL" on the detail page (under GA "Generate enrollment link": an
//! action URL for `enroll_end_user`, docs/api-versions.md). The URL is a credential: it is
//! fetched by
//! a POST (server function, or the form itself without JavaScript), shown once, answered
//! with `Cache-Control: no-store`, and never put in a page address or a log line.

use crate::error::AppError;
use crate::profiles::model::{EnrollmentUrl, ProfileId};
use crate::profiles::server::create_enrollment_url;
use crate::timestamp::{countdown, rfc3339, utc};
use crate::ui::browser::now;
use crate::ui::copy::CopyButton;
use crate::ui::error_panel::ErrorPanel;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::time::Duration;

/// An island, loaded on demand (its code is a WASM chunk of its own): with the WASM the
/// button asks the server function and the countdown ticks; without it the form posts to
/// the page, which comes back with the answer.
#[island(lazy)]
pub fn EnrollmentPanel(
    id: ProfileId,
    /// The detail page's own address: the no-JS form posts there.
    action: String,
    initial: Option<Result<EnrollmentUrl, AppError>>,
    /// GA words it as the GA docs do: an enrollment link, which also opens the identity
    /// check that clears a "verify" action.
    ga: bool,
) -> impl IntoView {
    let (heading, about, generate_label) = if ga {
        (
            "Enrollment link",
            "A link for the end user to enroll in a program, or to pass the identity check that clears a restriction offering \"verify\". It is a credential: give it only to them.",
            "Generate enrollment link",
        )
    } else {
        (
            "Enrollment URL",
            "A link for the end user to enroll in a trust grant program. It is a credential: give it only to them.",
            "Generate enrollment URL",
        )
    };
    let result = RwSignal::new(initial);
    let pending = RwSignal::new(false);
    let clock = RwSignal::new(now());
    // Effects run only in the browser: tick the countdown once a second.
    Effect::new(move |_| {
        let handle =
            set_interval_with_handle(move || clock.set(now()), Duration::from_secs(1)).ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    });
    let generate = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let id = id.to_string();
        leptos::task::spawn_local(async move {
            let answer = create_enrollment_url(id).await;
            pending.set(false);
            result.set(Some(answer));
        });
    };
    let has_url = move || matches!(result.get(), Some(Ok(_)));
    view! {
        <section class="enrollment" aria-labelledby="enrollment-heading">
            <h2 id="enrollment-heading">{heading}</h2>
            <p class="muted">{about}</p>
            {move || result.get().map(|answer| match answer {
                Ok(url) => view! { <UrlView url clock/> }.into_any(),
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
            })}
            <form method="post" action=action on:submit=generate>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if has_url() { "Generate new" } else { generate_label }}
                </button>
                <span class="muted" role="status">{move || if pending.get() { " Generating…" } else { "" }}</span>
            </form>
        </section>
    }
}

#[component]
fn UrlView(url: EnrollmentUrl, clock: RwSignal<time::OffsetDateTime>) -> impl IntoView {
    let expires = url.expires_at;
    let left = Memo::new(move |_| countdown(expires, clock.get()));
    let expired = move || left.with(Option::is_none);
    // Only an https URL becomes a link; anything else is shown as text to inspect.
    let https = url.url.starts_with("https://");
    let link = url.url.clone();
    view! {
        <div class="enrollment-url" class:expired=expired>
            {move || {
                let link = link.clone();
                if expired() {
                    view! { <p><s class="mono">{link}</s></p><p role="status">"Expired. Generate a new one."</p> }.into_any()
                } else if https {
                    view! {
                        <p>
                            <a class="mono url" href=link.clone() rel="noopener noreferrer" target="_blank">{link.clone()}</a>
                            " " <CopyButton text=link what="enrollment URL"/>
                        </p>
                    }
                    .into_any()
                } else {
                    view! {
                        <p><code class="url">{link.clone()}</code> " " <CopyButton text=link what="enrollment URL"/></p>
                        <p class="muted">"Not an https address, so it is not shown as a link."</p>
                    }
                    .into_any()
                }
            }}
            <p>
                "Expires " <time datetime=rfc3339(expires)>{utc(expires)}</time>
                {move || left.get().map(|l| view! { " — " <span class="countdown">{format!("{l} left")}</span> })}
            </p>
        </div>
    }
}

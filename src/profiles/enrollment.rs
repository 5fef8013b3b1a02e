//! "Generate enrollment URL" on the detail page (under GA "Generate enrollment link": an
//! action URL for `enroll_end_user`, docs/api-versions.md). The URL is a credential: it is
//! minted by a plain form post to the detail page, with or without JavaScript, shown once
//! in the answer, which is `Cache-Control: no-store` and never compressed, and never put in
//! a page address or a log line.

use crate::error::AppError;
use crate::profiles::model::EnrollmentUrl;
use crate::timestamp::{countdown, rfc3339, utc};
use crate::ui::browser::now;
use crate::ui::copy::CopyButton;
use crate::ui::error_panel::ErrorPanel;
use leptos::prelude::*;
use std::time::Duration;

/// The panel, rendered on the server: its form posts to the detail page (`action`), which
/// answers with the page and `answer`, the link just minted or why it was not. Only the
/// link needs the browser (its countdown), so only the link is an island: a detail page
/// nobody mints on loads no code for it.
#[component]
pub fn EnrollmentPanel(
    action: String,
    answer: Option<Result<EnrollmentUrl, AppError>>,
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
    let label = if matches!(answer, Some(Ok(_))) {
        "Generate new"
    } else {
        generate_label
    };
    view! {
        <section class="enrollment" aria-labelledby="enrollment-heading">
            <h2 id="enrollment-heading">{heading}</h2>
            <p class="muted">{about}</p>
            {answer.map(|answer| match answer {
                Ok(url) => view! { <UrlView url/> }.into_any(),
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
            })}
            <form method="post" action=action>
                <button type="submit" class="primary">{label}</button>
            </form>
        </section>
    }
}

/// The link just minted, with the time it expires and, in the browser, a countdown that
/// ticks once a second and strikes the link through once it has run out.
#[island(lazy)]
pub fn UrlView(url: EnrollmentUrl) -> impl IntoView {
    let clock = RwSignal::new(now());
    // Effects run only in the browser.
    Effect::new(move |_| {
        let handle =
            set_interval_with_handle(move || clock.set(now()), Duration::from_secs(1)).ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    });
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

//! The page heading, and the mark that a page's islands are live. Once they are, the
//! heading takes focus, so that keyboard and screen reader users start reading the new
//! page, not the link they left.

use crate::ui::browser::{focus_heading, set_attribute};
use leptos::prelude::*;

#[component]
pub fn PageHeading(#[prop(into)] text: String) -> impl IntoView {
    view! { <h1 tabindex="-1">{text}</h1> }
}

/// Placed last in every page. Leptos' island script hydrates the islands in document
/// order and waits for each (a lazy one loads its code first), so when this one runs,
/// every island before it is live: it sets `data-hydrated="true"` on the app, which
/// shows the controls that need the WASM and which tests wait on instead of a timer.
#[island]
pub fn PageReady() -> impl IntoView {
    Effect::new(|_| {
        set_attribute(".app", "data-hydrated", "true");
        focus_heading();
    });
}

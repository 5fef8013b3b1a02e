//! The document title of a page.

use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the page title. leptos_meta 0.8.7 writes the title into the server-rendered HTML
/// without escaping it (`leptos_meta/src/lib.rs`, `buf.push_str(&title)`), so a profile
/// named `</title><script>…` would break out of the element. The server therefore escapes
/// it here; the browser sets `document.title` as plain text and must not.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = crate::ui::format::escape_html(&text);
    view! { <Title text/> }
}

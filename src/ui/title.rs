//! The document title of a page.

use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the page title. leptos_meta 0.8.7 writes the title into the server-rendered HTML
/// without escaping it (`leptos_meta/src/lib.rs`, `buf.push_str(&title)`), so a profile
/// named `</title><script>…` would break out of the element. The server therefore escapes
/// it here. Pages are rendered on the server only, and no island sets a title; were one
/// to, the browser sets `document.title` as plain text, which must not be escaped.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = escape_html(&text);
    view! { <Title text/> }
}

/// Escapes text for an HTML text or attribute context.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_open_a_tag_or_end_an_attribute() {
        assert_eq!(
            escape_html("</title><b a='x' b=\"y\">&"),
            "&lt;/title&gt;&lt;b a=&#39;x&#39; b=&quot;y&quot;&gt;&amp;"
        );
        assert_eq!(escape_html("Zoë 李伟"), "Zoë 李伟");
    }
}

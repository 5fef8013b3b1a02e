//! Light, dark, or as the system says. The choice lives in a cookie, so the server renders
//! the right theme in the first byte (no flash) and the toggle works without JavaScript:
//! it is a form posted to `/theme`, which sets the cookie and returns to the page.

use crate::ui::browser::{cookie, set_cookie, set_root_attribute};
use leptos::prelude::*;

pub const COOKIE: &str = "theme";
/// Remembered for a year.
const MAX_AGE: u32 = 365 * 24 * 3600;

/// The user's choice; `System` follows `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Self::System, Self::Light, Self::Dark];

    pub fn parse(raw: &str) -> Self {
        match raw {
            "light" => Self::Light,
            "dark" => Self::Dark,
            _ => Self::System,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    /// The `data-theme` attribute of `<html>`; none means "follow the system".
    pub fn attribute(self) -> Option<&'static str> {
        (self != Self::System).then(|| self.as_str())
    }

    /// The theme named by the request's (or document's) cookie.
    pub fn current() -> Self {
        cookie(COOKIE).map(|v| Self::parse(&v)).unwrap_or_default()
    }

    /// The theme named by a request's cookie, outside any page render.
    #[cfg(feature = "ssr")]
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Self {
        crate::ui::browser::request_cookie(headers, COOKIE)
            .map(|v| Self::parse(&v))
            .unwrap_or_default()
    }

    /// Applies the theme at once and remembers it.
    fn apply(self) {
        set_root_attribute("data-theme", self.attribute());
        match self {
            Self::System => set_cookie(COOKIE, "", 0),
            _ => set_cookie(COOKIE, self.as_str(), MAX_AGE),
        }
    }
}

/// An island: once the WASM runs, a choice applies at once, without a page load. In the
/// main module, not lazy: every page holds it (docs/architecture.md, "Server-first").
#[island]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(Theme::current());
    let change = move |ev| {
        let chosen = Theme::parse(&event_target_value(&ev));
        chosen.apply();
        theme.set(chosen);
    };
    // A choice made before the island was live (its Apply button then leaves) is
    // applied as soon as it is.
    let select = NodeRef::<leptos::html::Select>::new();
    Effect::new(move |_| {
        if let Some(shown) = select.get().map(|el| Theme::parse(&el.value())) {
            if shown != theme.get_untracked() {
                shown.apply();
                theme.set(shown);
            }
        }
    });
    let options = Theme::ALL.map(|t| {
        view! { <option value=t.as_str() selected=move || theme.get() == t>{t.label()}</option> }
    });
    view! {
        <form class="theme" method="post" action="/theme">
            <label for="theme-select">"Theme"</label>
            <select id="theme-select" name="theme" autocomplete="off" node_ref=select on:change=change>{options}</select>
            <button type="submit" class="secondary small no-js">"Apply"</button>
        </form>
    }
}

/// `POST /theme` (no-JS toggle): remembers the choice and returns to the page it came
/// from: the path of the `Referer`, if it is a page of this console, else `/`
/// ([`crate::web::return_path`]).
#[cfg(feature = "ssr")]
pub async fn post_theme(
    headers: axum::http::HeaderMap,
    axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let theme = Theme::parse(form.get("theme").map(String::as_str).unwrap_or_default());
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| "/".to_owned(), crate::web::return_path);
    let cookie = match theme.attribute() {
        Some(v) => format!("{COOKIE}={v}; Path=/; Max-Age={MAX_AGE}; SameSite=Lax"),
        None => format!("{COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"),
    };
    (
        [(header::SET_COOKIE, cookie)],
        axum::response::Redirect::to(&back),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_parse_and_name_their_attribute() {
        for t in Theme::ALL {
            assert_eq!(Theme::parse(t.as_str()), t);
        }
        assert_eq!(Theme::parse("neon"), Theme::System);
        assert_eq!(Theme::System.attribute(), None);
        assert_eq!(Theme::Dark.attribute(), Some("dark"));
    }
}

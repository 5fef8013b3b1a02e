//! The few browser APIs the pages use directly. They run only from event handlers and
//! effects, which never run on the server; the server builds get inert versions.

use time::OffsetDateTime;

/// The current time: the server's clock when rendering, the browser's after hydration.
pub fn now() -> OffsetDateTime {
    #[cfg(feature = "hydrate")]
    {
        let ms = js_sys::Date::now() as i128;
        OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
    #[cfg(not(feature = "hydrate"))]
    OffsetDateTime::now_utc()
}

/// Writes `text` to the clipboard and reports whether it worked.
pub fn copy_to_clipboard(text: String, done: impl FnOnce(bool) + 'static) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let ok = match web_sys::window() {
            Some(window) => {
                let promise = window.navigator().clipboard().write_text(&text);
                wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
            }
            None => false,
        };
        done(ok);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (text, done);
}

/// Asks the user a yes/no question with the browser's own dialog.
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    return web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(true);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}

/// Moves focus to the first element matching `selector` (the first invalid field).
pub fn focus_first(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok().flatten())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// Reads a cookie readable by scripts (the theme), as the server reads it from the request.
pub fn cookie(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let document = web_sys::window()?.document()?;
        let all = document
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()?
            .cookie()
            .ok()?;
        find_cookie(&all, name)
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
        request_cookie(&parts.headers, name)
    }
    #[cfg(not(any(feature = "hydrate", feature = "ssr")))]
    {
        let _ = name;
        None
    }
}

/// The value of cookie `name` among a request's `Cookie` headers.
#[cfg(feature = "ssr")]
pub fn request_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    let all = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    find_cookie(&all, name)
}

/// The value of `name` in a `Cookie` header or `document.cookie` string.
pub fn find_cookie(all: &str, name: &str) -> Option<String> {
    all.split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Sets a cookie for the whole site, readable by scripts (only for preferences).
pub fn set_cookie(name: &str, value: &str, max_age_seconds: u32) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let cookie = format!("{name}={value}; Path=/; Max-Age={max_age_seconds}; SameSite=Lax");
        if let Some(document) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        {
            let _ = document.set_cookie(&cookie);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, value, max_age_seconds);
}

/// Sets an attribute of the first element matching `selector`.
pub fn set_attribute(selector: &str, name: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
    {
        let _ = el.set_attribute(name, value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (selector, name, value);
}

/// Moves focus to the page's heading, unless the user has already put it somewhere.
pub fn focus_heading() {
    #[cfg(feature = "hydrate")]
    {
        let untouched = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| {
                let active = d.active_element();
                active.is_none() || active == d.body().map(Into::into)
            });
        if untouched {
            focus_first("main h1");
        }
    }
}

/// When an island goes live, takes the value the browser shows in one of its fields: a
/// user may have typed before the WASM arrived, hydration leaves a field's value as it
/// is, and what they typed is theirs.
pub fn adopt_shown_value(
    value: leptos::prelude::RwSignal<String>,
    shown: impl Fn() -> Option<String> + 'static,
) {
    use leptos::prelude::*;
    Effect::new(move |_| {
        if let Some(shown) = shown() {
            if shown != value.get_untracked() {
                value.set(shown);
            }
        }
    });
}

/// Opens `href`: a full page load, since every page is rendered by the server.
pub fn go_to(href: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(href);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

/// Loads the page again from the server.
pub fn reload() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// What a form post answered: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Posts `form` to its own address, with the fields the browser would send and
/// `name=value` for the button, asking for a JSON answer. This is how an island enhances
/// a plain form post: the same address, body and rules as without JavaScript
/// (docs/architecture.md, "One path per write"). `None` when no answer came back.
#[cfg(feature = "hydrate")]
pub fn post_form(
    form: &web_sys::HtmlFormElement,
    name: &str,
    value: &str,
) -> impl std::future::Future<Output = Option<Answer>> + 'static {
    use wasm_bindgen::JsCast;
    let sent = (|| {
        let fields = web_sys::FormData::new_with_form(form).ok()?;
        fields.set_with_str(name, value).ok()?;
        let body = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&fields).ok()?;
        let headers = web_sys::Headers::new().ok()?;
        headers.set("accept", "application/json").ok()?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        init.set_headers(&headers);
        Some(web_sys::window()?.fetch_with_str_and_init(&form.action(), &init))
    })();
    async move {
        use wasm_bindgen_futures::JsFuture;
        let response = JsFuture::from(sent?).await.ok()?;
        let response = response.dyn_into::<web_sys::Response>().ok()?;
        let body = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        Some(Answer {
            status: response.status(),
            body,
        })
    }
}

/// Sets or removes an attribute of the `<html>` element.
pub fn set_root_attribute(name: &str, value: Option<&str>) {
    #[cfg(feature = "hydrate")]
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = match value {
            Some(v) => root.set_attribute(name, v),
            None => root.remove_attribute(name),
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, value);
}

/// While `guard` returns true, asks before the page is left. A link asks `message` in
/// the browser's confirm dialog (a capture listener, so it runs before the link is
/// followed); a reload, a typed address or closing the tab get the browser's own "leave
/// site?" dialog, except right after the user confirmed a link. Removed when the calling
/// component is dropped.
pub fn confirm_before_leaving(
    guard: impl Fn() -> bool + Send + Sync + 'static,
    message: &'static str,
) {
    #[cfg(feature = "hydrate")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let guard = Arc::new(guard);
        let confirmed = Arc::new(AtomicBool::new(false));
        let listener = {
            let (guard, confirmed) = (guard.clone(), confirmed.clone());
            Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
                let on_link = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|el| el.closest("a[href]").ok().flatten())
                    .is_some();
                if !on_link || !guard() {
                    return;
                }
                if confirm(message) {
                    confirmed.store(true, Ordering::Relaxed);
                } else {
                    ev.prevent_default();
                    ev.stop_propagation();
                }
            })
        };
        let function: js_sys::Function = listener
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .clone();
        let _ = document.add_event_listener_with_callback_and_bool("click", &function, true);
        let unload = leptos::prelude::window_event_listener(leptos::ev::beforeunload, move |ev| {
            if guard() && !confirmed.load(Ordering::Relaxed) {
                ev.prevent_default();
            }
        });
        let cleanup = send_wrapper::SendWrapper::new((document, function, listener));
        leptos::prelude::on_cleanup(move || {
            let (document, function, _listener) = cleanup.take();
            let _ = document.remove_event_listener_with_callback_and_bool("click", &function, true);
            unload.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (guard, message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let all = "a=1; theme=dark; xtheme=light";
        assert_eq!(find_cookie(all, "theme").as_deref(), Some("dark"));
        assert_eq!(find_cookie(all, "heme"), None);
        assert_eq!(find_cookie("", "theme"), None);
    }
}

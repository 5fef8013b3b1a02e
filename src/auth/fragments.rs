//! Server-rendered pieces of the page layout that say who is signed in and whether the
//! data is a demo. They change only with a full page load (signing in and out are full
//! page loads), so the browser never renders them: the app places them with `inner_html`,
//! which hydration leaves as the server wrote it. That keeps the user's name, and the
//! code to show it, out of the browser bundle.

use crate::auth::{AuthMode, Permission, User};
use leptos::prelude::*;

/// HTML of a view rendered once on the server, outside any app (its own reactive owner).
pub fn server_html<V: RenderHtml>(view: impl FnOnce() -> V) -> String {
    Owner::new().with(|| view().to_html())
}

/// The "Demo data" banner, when the console serves the built-in emulator.
pub fn demo_banner(user: Option<&User>) -> String {
    if !user.is_some_and(|v| v.demo_data) {
        return String::new();
    }
    server_html(|| {
        view! {
            <p class="demo-banner" role="note">
                <strong>"Demo data."</strong>
                " This console serves the built-in emulator's sample profiles; nothing here reaches Anthropic."
            </p>
        }
    })
}

/// Who is signed in, and with local accounts the way out: a plain form post, so it works
/// without the WASM and ends the session on the server. Nothing in the open demo.
pub fn account(user: Option<&User>) -> String {
    let Some(user) = user.filter(|v| v.mode != AuthMode::Open) else {
        return String::new();
    };
    let (name, role) = (user.name.clone(), user.role.as_str());
    let local = user.mode == AuthMode::Local;
    server_html(|| {
        view! {
            <span class="account-name">{name}</span>
            " "
            <span class="badge">{role}</span>
            {local.then(|| view! {
                <form method="post" action="/sign-out">
                    <button type="submit" class="secondary small">"Sign out"</button>
                </form>
            })}
        }
    })
}

/// The main navigation's entries that only admins may follow.
pub fn admin_links(user: Option<&User>) -> String {
    if !user.is_some_and(|v| v.may(Permission::AuditRead)) {
        return String::new();
    }
    server_html(|| view! { <a href="/audit">"Audit log"</a> })
}

//! The parts of the page layout that say who is signed in and whether the data is a demo.
//! Server components like every page: the browser never renders them, so the user's name,
//! and the code to show it, stay out of the browser bundle.

use crate::auth::{AuthMode, Permission, User};
use leptos::prelude::*;

/// HTML of a view rendered once on the server, outside any app (its own reactive owner):
/// the sign-in pages, which are not routes of the app.
#[cfg(feature = "ssr")]
pub fn server_html<V: RenderHtml>(view: impl FnOnce() -> V) -> String {
    Owner::new().with(|| view().to_html())
}

/// The "Demo data" banner, when the console serves the built-in emulator.
#[component]
pub fn DemoBanner() -> impl IntoView {
    User::current().filter(|v| v.demo_data).map(|_| {
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
#[component]
pub fn AccountBar() -> impl IntoView {
    User::current()
        .filter(|v| v.mode != AuthMode::Open)
        .map(|user| {
            let local = user.mode == AuthMode::Local;
            view! {
                <span class="account-name">{user.name}</span>
                " "
                <span class="badge">{user.role.as_str()}</span>
                {local.then(|| view! {
                    <form method="post" action="/sign-out">
                        <button type="submit" class="secondary small">"Sign out"</button>
                    </form>
                })}
            }
        })
}

/// The main navigation's entries that only admins may follow.
#[component]
pub fn AdminLinks() -> impl IntoView {
    User::current()
        .filter(|v| v.may(Permission::AuditRead))
        .map(|_| view! { <a href="/audit">"Audit log"</a> })
}

//! profiles-admin: a Leptos + axum console for the user profiles a platform keeps at
//! Anthropic. The same crate builds the server (`ssr`) and the browser bundle (`hydrate`);
//! server-only modules and dependencies never reach the WASM.

// Islands nest a page's view types deeper than the default limit allows.
#![recursion_limit = "256"]

pub mod app;
pub mod audit;
pub mod auth;
pub mod error;
pub mod onboarding;
pub mod overview;
pub mod profiles;
pub mod review;
pub mod timestamp;
pub mod ui;
pub mod web;

#[cfg(test)]
mod testing;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod doctor;
#[cfg(feature = "ssr")]
pub mod emulator;
#[cfg(feature = "ssr")]
pub mod hardening;
#[cfg(feature = "ssr")]
pub mod index;
#[cfg(feature = "ssr")]
pub mod router;
#[cfg(feature = "ssr")]
pub mod serve;
#[cfg(feature = "ssr")]
pub mod site;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod telemetry;
#[cfg(feature = "ssr")]
pub mod upstream;
#[cfg(feature = "ssr")]
pub mod webhooks;

/// Browser entry point, called once the WASM is loaded: prepares the reactive system.
/// Leptos' island script then hydrates each `#[island]` of the server-rendered page, in
/// document order; the page itself stays as the server wrote it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

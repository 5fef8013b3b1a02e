//! The console's HTTP surface (server only): pages, server functions and static files, built
//! by one function so that tests drive exactly what `main` serves.

use crate::app::{shell, App};
use crate::upstream::Client;
use axum::extract::FromRef;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

/// What every request handler and server function can reach. Server functions get it
/// from the Leptos context (`use_context::<AppState>()`).
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub upstream: Client,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}

//! The console's HTTP surface (server only): pages, server functions and static files, built
//! by one function so that tests drive exactly what `main` serves.

use crate::app::{shell, App};
use crate::auth::gate::gate;
use crate::error::AppError;
use crate::profiles::form::post::PageRenderer;
use crate::state::AppState;
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use axum_login::AuthManagerLayerBuilder;
use leptos::server_fn::error::FromServerFnError;
use leptos_axum::{generate_route_list, LeptosRoutes};

/// Largest server function error body read back to set its status; ours are tiny.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let timeout = crate::hardening::request_timeout(state.upstream.longest_call());
    let auth = state.auth.clone();
    let database = state.database.clone();
    let deployment = state.deployment.clone();
    let mut router = Router::new()
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .merge(crate::profiles::form::post::routes(PageRenderer::new(
            shell,
        )))
        .merge(crate::review::post::routes(PageRenderer::new(shell)))
        .merge(crate::onboarding::post::routes(PageRenderer::new(shell)))
        .merge(crate::auth::sign_in::routes())
        .merge(crate::audit::csv::routes())
        .merge(crate::profiles::export::routes())
        .merge(crate::review::export::routes())
        .route("/theme", axum::routing::post(crate::ui::theme::post_theme))
        .route("/", axum::routing::get(home))
        .merge(state.site.routes(&state.leptos_options.site_pkg_dir))
        // Only unknown addresses reach it: the "not found" page.
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::map_response(server_fn_error_status))
        .layer(axum::middleware::from_fn(
            crate::profiles::goto::goto_redirect,
        ))
        .layer(axum::middleware::from_fn_with_state(auth.clone(), gate))
        .layer(axum::middleware::from_fn(server_fn_redirect))
        .layer(axum::Extension(state.audit.clone()))
        // Anthropic's deliveries: outside the sign-in gate, signed instead (docs/webhooks.md).
        .merge(crate::webhooks::routes())
        .route("/healthz", axum::routing::get(healthz))
        .route("/readyz", axum::routing::get(readyz))
        .with_state(state);
    if let Some((sessions, backend)) = &auth.sessions {
        router =
            router.layer(AuthManagerLayerBuilder::new(backend.clone(), sessions.clone()).build());
    }
    let router = router.layer(axum::middleware::from_fn_with_state(
        database,
        database_outage,
    ));
    crate::hardening::harden(
        router,
        timeout,
        &deployment,
        crate::webhooks::PATH,
        crate::onboarding::post::UPLOAD_PATH,
    )
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: pages can be served, i.e. the browser bundle they load is there, and the
/// process is not shutting down.
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    if state.draining.started() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    if !state.database.reachable().await {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database cannot be reached",
        )
            .into_response();
    }
    let options = &state.leptos_options;
    let bundle = format!("{}/{}.wasm", options.site_pkg_dir, options.output_name);
    if state.site.has(&bundle).await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "the browser bundle is missing",
        )
            .into_response()
    }
}

/// A request that failed before any page or server function could answer it (the
/// session layer could not read the database) is answered 503 with the reason, when the
/// database is indeed unreachable, rather than a bare 500 (docs/reliability.md,
/// "Database faults"). A server function's caller gets the error in its own encoding.
async fn database_outage(
    axum::extract::State(database): axum::extract::State<crate::db::Database>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || database.reachable().await {
        return response;
    }
    let e = AppError::DatabaseUnavailable;
    let retry = (axum::http::header::RETRY_AFTER, "5");
    if server_fn {
        (e.status_code(), [retry], e.ser()).into_response()
    } else {
        (e.status_code(), [retry], e.to_string()).into_response()
    }
}

/// The console opens on the profile list.
async fn home() -> Response {
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, "/profiles")],
    )
        .into_response()
}

/// A server function called by a plain form (`Accept: text/html`) answers with a redirect
/// to the request's `Referer`, whatever it holds: the framework's form fallback, which
/// would send a browser to `//evil.example/x` or `javascript:…` as readily as back to the
/// page. Every redirect a server function answers goes to a page of this console, else to
/// `/` (`web::return_path`, the rule `/theme` follows too).
async fn server_fn_redirect(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let server_fn = request.uri().path().starts_with(crate::web::SERVER_FNS);
    let mut response = next.run(request).await;
    if !server_fn {
        return response;
    }
    if let Some(location) = response.headers().get(axum::http::header::LOCATION) {
        let back = crate::web::return_path(location.to_str().unwrap_or_default());
        let back =
            axum::http::HeaderValue::from_str(&back).expect("return_path gives visible ASCII only");
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, back);
    }
    response
}

/// Server functions answer every error with 500, including undecodable arguments. Give
/// each error the status its [`AppError`] names (400 bad input, 404 unknown profile, 503
/// API busy, …), so that clients, logs and monitoring can tell them apart.
async fn server_fn_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    parts.status = AppError::de(bytes.clone()).status_code();
    Response::from_parts(parts, Body::from(bytes))
}

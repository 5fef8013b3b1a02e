//! Plain HTML form posts: the one path of every write from the console's pages, with or
//! without JavaScript (docs/architecture.md, "One path per write"). Each POST goes to the
//! address of the page holding the form.
//! A save that succeeds redirects (303) to the profile; anything else answers with the same
//! page rendered again around what the user typed, with the errors next to their fields;
//! a role that may not do it (`Authorized::require_in`, checked first) is refused the same way.
//! The create/edit island posts the same form asking for JSON, and gets the same outcome as
//! JSON: the profile's address, or the error (`handover::Saved`, `AppError`).
//! Server functions are not used here because their form fallback redirects to the Referer
//! and drops both the result and the input.

use crate::auth::authorized::Authorized;
use crate::auth::Permission;
use crate::error::AppError;
use crate::profiles::duplicates::held_for_shared_id;
use crate::profiles::form::data::{Intent, ProfileForm};
use crate::profiles::form::handover::{PostedDelete, PostedEnrollment, PostedForm, Saved};
use crate::profiles::links::{after_delete_href, detail_href, from_param, FROM};
use crate::profiles::location::ListLocation;
use crate::profiles::model::deletion::CONFIRM;
use crate::profiles::model::ProfileId;
use crate::profiles::service;
use crate::state::AppState;
use crate::web::{query_param, wants_json};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use futures::future::BoxFuture;
use leptos::prelude::*;
use std::sync::Arc;

/// Largest form body accepted; a full form with 16 entries of 512 characters is ~40 KiB.
const MAX_FORM_BODY: usize = 64 * 1024;

/// Context a re-rendered page is given (what was posted, or the answer to it).
type Context = Arc<dyn Fn() + Send + Sync>;

/// Renders the page at a request's address, as a GET would. The router makes it from
/// the application's shell, so that this feature does not import the application that
/// holds every feature.
#[derive(Clone)]
pub struct PageRenderer(
    Arc<dyn Fn(AppState, Parts, Context) -> BoxFuture<'static, Response> + Send + Sync>,
);

impl PageRenderer {
    pub fn new<V: IntoView + 'static>(shell: fn(LeptosOptions) -> V) -> Self {
        Self(Arc::new(move |state: AppState, parts, context: Context| {
            let options = state.leptos_options.clone();
            let handler = leptos_axum::render_app_async_with_context(
                move || {
                    provide_context(state.clone());
                    provide_context(state.leptos_options.clone());
                    context();
                },
                move || shell(options.clone()),
            );
            Box::pin(handler(Request::from_parts(parts, Body::empty())))
        }))
    }
}

pub fn routes(renderer: PageRenderer) -> Router<AppState> {
    Router::new()
        .route("/profiles/new", post(create))
        .route("/profiles/{id}/edit", post(edit))
        .route("/profiles/{id}", post(enroll))
        .route("/profiles/{id}/delete", post(delete))
        .layer(Extension(renderer))
}

pub type Pairs = Vec<(String, String)>;

pub async fn read_form(request: Request) -> Result<(Parts, Pairs), Response> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BODY)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "Form too large").into_response())?;
    let pairs = url::form_urlencoded::parse(&bytes).into_owned().collect();
    Ok((parts, pairs))
}

/// The list place the form came from: forms post to their page's own address, `?from=`
/// included.
fn list_place(parts: &Parts) -> ListLocation {
    from_param(query_param(&parts.uri, FROM))
}

/// The id in `/profiles/{id}…`; the path was routed here, so it has that shape.
fn path_id(parts: &Parts) -> Option<ProfileId> {
    let segment = parts.uri.path().split('/').nth(2)?;
    ProfileId::parse(segment).ok()
}

fn see_other(location: String) -> Response {
    Redirect::to(&location).into_response()
}

/// Renders the page at the request's address with `context` provided, like a GET would,
/// and marks it uncacheable: it holds what the user typed or a fresh credential.
pub async fn render(
    state: AppState,
    parts: Parts,
    context: impl Fn() + Send + Sync + 'static,
) -> Response {
    let PageRenderer(render) = parts
        .extensions
        .get::<PageRenderer>()
        .cloned()
        .expect("routes() adds the renderer to every request");
    no_store(render(state, parts, Arc::new(context)).await)
}

/// Marks an answer uncacheable: it holds what the user typed, or a fresh credential.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn create(State(state): State<AppState>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let from = list_place(&parts);
    let (mut form, intent) = ProfileForm::from_pairs(&pairs, state.upstream.version());
    let allowed = Authorized::require_in(&parts, Permission::ProfilesWrite).await;
    let error = match (allowed, intent) {
        (Err(refused), _) => Some(refused),
        (Ok(user), Intent::Save) => match form.new_profile() {
            Err(errors) => Some(AppError::invalid(errors)),
            Ok(profile) => match held_for_shared_id(&state, &mut form, None).await {
                Some(warning) => Some(warning),
                None => match service::create(&state, &user, profile).await {
                    Ok(created) => {
                        return saved(&parts, detail_href(&created.id, &from, Some("created")))
                    }
                    Err(e) => Some(form.place(e)),
                },
            },
        },
        (Ok(_), other) => {
            form.apply(other);
            None
        }
    };
    not_saved(state, parts, form, error).await
}

async fn edit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(id) = path_id(&parts) else {
        // The page itself answers "not found"; nothing is sent upstream.
        return render(state, parts, || {}).await;
    };
    let from = list_place(&parts);
    let (mut form, intent) = ProfileForm::from_pairs(&pairs, state.upstream.version());
    let allowed = Authorized::require_in(&parts, Permission::ProfilesWrite).await;
    let error = match (allowed, intent) {
        (Err(refused), _) => Some(refused),
        (Ok(user), Intent::Save) => match save(&state, &user, &id, &mut form).await {
            // An unchanged form saves nothing, and the profile says nothing was saved.
            Ok(changed) => {
                let done = changed.then_some("saved");
                return saved(&parts, detail_href(&id, &from, done));
            }
            Err(e) => Some(e),
        },
        (Ok(_), other) => {
            form.apply(other);
            None
        }
    };
    not_saved(state, parts, form, error).await
}

/// A save that succeeded: a redirect to the profile, or for an island its address.
fn saved(parts: &Parts, location: String) -> Response {
    if wants_json(&parts.headers) {
        no_store(Json(Saved { location }).into_response())
    } else {
        see_other(location)
    }
}

/// A form that was not saved: the page again around what the user typed, with why (or
/// with the editor button's change); for an island, only why.
async fn not_saved(
    state: AppState,
    parts: Parts,
    form: ProfileForm,
    error: Option<AppError>,
) -> Response {
    match error {
        Some(error) if wants_json(&parts.headers) => {
            no_store((error.status_code(), Json(error)).into_response())
        }
        error => {
            let posted = PostedForm { form, error };
            render(state, parts, move || provide_context(posted.clone())).await
        }
    }
}

/// Saves an edit form and says whether anything changed; an unchanged form saves nothing.
/// After a "changed elsewhere" refusal the form is marked so that the next save overwrites.
async fn save(
    state: &AppState,
    user: &Authorized,
    id: &ProfileId,
    form: &mut ProfileForm,
) -> Result<bool, AppError> {
    let update = form.update().map_err(AppError::invalid)?;
    if update == Default::default() {
        return Ok(false);
    }
    if let Some(warning) = held_for_shared_id(state, form, Some(id)).await {
        return Err(warning);
    }
    let result = service::update(state, user, id, update, form.guard().as_deref()).await;
    match result {
        Ok(_) => Ok(true),
        Err(e @ AppError::Changed { .. }) => {
            form.overwrite = true;
            Err(e)
        }
        Err(e) => Err(form.place(e)),
    }
}

async fn enroll(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(id) = path_id(&parts) else {
        return render(state, parts, || {}).await;
    };
    let minted = match Authorized::require_in(&parts, Permission::EnrollmentCreate).await {
        Ok(user) => service::enrollment_url(&state, &user, &id).await,
        Err(refused) => Err(refused),
    };
    let posted = PostedEnrollment(minted);
    let mut response = render(state, parts, move || provide_context(posted.clone())).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, crate::hardening::CARRIES_CREDENTIAL);
    response
}

async fn delete(State(state): State<AppState>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(id) = path_id(&parts) else {
        return render(state, parts, || {}).await;
    };
    let typed = pairs
        .into_iter()
        .find(|(name, _)| name == CONFIRM)
        .map(|(_, value)| value)
        .unwrap_or_default();
    let result = match Authorized::require_in(&parts, Permission::ProfilesDelete).await {
        Ok(user) => service::delete(&state, &user, &id, &typed).await,
        Err(refused) => Err(refused),
    };
    match result {
        Ok(()) => see_other(after_delete_href(&list_place(&parts))),
        Err(error) => {
            let posted = PostedDelete { typed, error };
            render(state, parts, move || provide_context(posted.clone())).await
        }
    }
}

//! `/profiles/{id}/delete`: deleting a profile, for admins (`Permission::ProfilesDelete`).
//! It cannot be undone, so the page names the profile and asks for its id or its name to
//! be typed; the form is a plain post (`form/post.rs`), the same with or without
//! JavaScript, and the service checks the confirmation again before anything is sent.

use crate::auth::{can, Permission};
use crate::error::AppError;
use crate::profiles::by_id::{unread_page, with_profile_id, with_profile_or};
use crate::profiles::form::handover::{posted, PostedDelete};
use crate::profiles::links::{delete_href, detail_href, from_param, FROM};
use crate::profiles::model::deletion::CONFIRM;
use crate::profiles::model::{Profile, ProfileId};
use crate::ui::error_panel::{ErrorPage, ErrorPanel, ReadFailed};
use crate::ui::heading::PageHeading;
use crate::ui::status::set_http_status;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeleteProfilePage() -> impl IntoView {
    with_profile_id(|id| view! { <LoadedDelete id/> })
}

#[component]
fn LoadedDelete(id: ProfileId) -> impl IntoView {
    let from = use_query_map().with_untracked(|q| from_param(q.get(FROM)));
    let posted = posted::<PostedDelete>();
    let answered = posted.clone().map(|p| p.error);
    let back_to_list = from.href();
    let read_id = id.clone();
    let page = move |profile: Profile| {
        if !can(Permission::ProfilesDelete) {
            return view! { <ErrorPage title="Delete profile" error=AppError::Forbidden/> }
                .into_any();
        }
        let shown = profile
            .name
            .clone()
            .unwrap_or_else(|| profile.id.to_string());
        let heading = format!("Delete {shown}");
        let back = detail_href(&id, &from, None);
        let (typed, error) = match posted.clone() {
            Some(PostedDelete { typed, error }) => {
                // A refused post answers with the refusal's status.
                set_http_status(error.status());
                (typed, Some(error))
            }
            None => (String::new(), None),
        };
        // A refused confirmation goes next to its field; anything else above the form.
        let (field_error, panel) = match error {
            Some(AppError::Invalid { errors, .. }) if errors.iter().all(|e| e.field == CONFIRM) => {
                (
                    errors
                        .first()
                        .map(|e| format!("Not deleted: the confirmation {}.", e.message)),
                    None,
                )
            }
            other => (None, other),
        };
        let invalid = field_error.is_some().to_string();
        let label = if profile.name.is_some() {
            "Type the profile's ID or its name to confirm"
        } else {
            "Type the profile's ID to confirm"
        };
        view! {
            <PageTitle text=heading.clone()/>
            <p><a href=back.clone()>"← Back to profile"</a></p>
            <PageHeading text=heading/>
            {panel.map(|error| view! { <ErrorPanel error/> })}
            <section class="danger-zone" aria-labelledby="delete-warning">
                <p id="delete-warning">
                    <strong>"This cannot be undone."</strong>
                    " The profile is deleted at Anthropic: requests that name its ID are refused from then on, and its ID is never used again. Its history stays in the audit log."
                </p>
                <dl class="facts">
                    <dt>"ID"</dt>
                    <dd class="mono">{profile.id.to_string()}</dd>
                    <dt>"Name"</dt>
                    <dd>{profile.name.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>"External ID"</dt>
                    <dd class="mono">{profile.external_id().unwrap_or("—").to_owned()}</dd>
                </dl>
                <form method="post" action=delete_href(&id, &from)>
                    <div class="field">
                        <label for="delete-confirm">{label}</label>
                        <input id="delete-confirm" type="text" name=CONFIRM autocomplete="off" spellcheck="false"
                            value=typed aria-invalid=invalid aria-describedby="delete-confirm-error"/>
                        <p class="field-error" id="delete-confirm-error" aria-live="polite">{field_error}</p>
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="danger">"Delete profile"</button>
                        <a href=back class="button secondary">"Cancel"</a>
                    </div>
                </form>
            </section>
        }
        .into_any()
    };
    with_profile_or(read_id, page, move |unread| match answered {
        // A page answering a delete that did not go as asked says why, whatever the read
        // after it.
        Some(error) => view! { <DeleteAnswer error unread back_to_list/> }.into_any(),
        None => unread_page("Delete profile", unread),
    })
}

/// The answer to a delete whose page could not read the profile again: the delete's
/// outcome (its status is the page's), then the failed read as a notice; after an outcome
/// that is unknown, a notice that the profile does not exist tells that it went.
#[component]
fn DeleteAnswer(error: AppError, unread: AppError, back_to_list: String) -> impl IntoView {
    view! {
        <PageTitle text="Delete profile"/>
        <p><a href=back_to_list>"← Back to list"</a></p>
        <PageHeading text="Delete profile"/>
        <ErrorPanel error/>
        <ReadFailed error=unread/>
    }
}

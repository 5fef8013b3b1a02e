//! `/profiles/new`: the create form. "Create profile" opens the new profile.

use crate::auth::{can, Permission};
use crate::error::AppError;
use crate::profiles::form::data::ProfileForm;
use crate::profiles::form::editor::{ProfileEditor, Target};
use crate::profiles::form::handover::{use_posted, PostedForm};
use crate::profiles::links::{from_param, FROM};
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NewProfilePage() -> impl IntoView {
    let query = use_query_map();
    let from = from_param(query.with_untracked(|q| q.get(FROM)));
    let posted = use_posted::<PostedForm>();
    let back = from.href();
    view! {
        <PageTitle text="New profile"/>
        <p><A href=back>"← Back to list"</A></p>
        <PageHeading text="New profile"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let from = from.clone();
                Suspend::new(async move {
                    let (initial, error) = match posted.await {
                        Some(PostedForm { form, error }) => (form, error),
                        None => (ProfileForm::for_create(), None),
                    };
                    if !can(Permission::ProfilesWrite) {
                        return view! { <ErrorPanel error=AppError::Forbidden/> }.into_any();
                    }
                    view! { <ProfileEditor target=Target::Create initial error from/> }.into_any()
                })
            }}
        </Suspense>
    }
}

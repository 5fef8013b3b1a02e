//! `/profiles/new`: the create form. "Create profile" opens the new profile.

use crate::auth::{can, Permission};
use crate::error::AppError;
use crate::profiles::form::data::ProfileForm;
use crate::profiles::form::editor::{ProfileEditor, Target};
use crate::profiles::form::handover::{posted, PostedForm};
use crate::profiles::links::{from_param, FROM};
use crate::profiles::spoken::spoken;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NewProfilePage() -> impl IntoView {
    let from = use_query_map().with_untracked(|q| from_param(q.get(FROM)));
    let back = from.href();
    let editor = if can(Permission::ProfilesWrite) {
        let (initial, error) = match posted::<PostedForm>() {
            Some(PostedForm { form, error }) => (form, error),
            None => (ProfileForm::for_create(spoken()), None),
        };
        let may_change_relationship = can(Permission::ProfilesRelationship);
        view! { <ProfileEditor target=Target::Create form=initial error from may_change_relationship/> }
            .into_any()
    } else {
        view! { <ErrorPanel error=AppError::Forbidden/> }.into_any()
    };
    view! {
        <PageTitle text="New profile"/>
        <p><a href=back>"← Back to list"</a></p>
        <PageHeading text="New profile"/>
        {editor}
    }
}

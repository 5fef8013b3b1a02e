//! `/profiles/{id}/edit`: the edit form, prefilled. Saving sends only what changed.

use crate::auth::{can, Permission};
use crate::error::AppError;
use crate::profiles::by_id::{with_profile, with_profile_id};
use crate::profiles::form::data::ProfileForm;
use crate::profiles::form::editor::{ProfileEditor, Target};
use crate::profiles::form::handover::{posted, PostedForm};
use crate::profiles::links::{detail_href, from_param, FROM};
use crate::profiles::model::ProfileId;
use crate::profiles::spoken::spoken;
use crate::ui::error_panel::ErrorPage;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn EditProfilePage() -> impl IntoView {
    with_profile_id(|id| view! { <LoadedEdit id/> })
}

#[component]
fn LoadedEdit(id: ProfileId) -> impl IntoView {
    let from = use_query_map().with_untracked(|q| from_param(q.get(FROM)));
    let posted = posted::<PostedForm>();
    with_profile(id.clone(), "Edit profile", move |profile| {
        if !can(Permission::ProfilesWrite) {
            return view! { <ErrorPage title="Edit profile" error=AppError::Forbidden/> }
                .into_any();
        }
        let heading = format!(
            "Edit {}",
            profile
                .name
                .clone()
                .unwrap_or_else(|| profile.id.to_string())
        );
        let (initial, error) = match posted {
            Some(PostedForm { form, error }) => (form, error),
            None => (ProfileForm::for_edit(&profile, spoken()), None),
        };
        let back = detail_href(&id, &from, None);
        let may_change_relationship = can(Permission::ProfilesRelationship);
        view! {
            <PageTitle text=heading.clone()/>
            <p><a href=back>"← Back to profile"</a></p>
            <PageHeading text=heading/>
            <ProfileEditor target=Target::Edit(id) form=initial error from may_change_relationship/>
        }
        .into_any()
    })
}

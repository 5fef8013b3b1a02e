//! `/profiles/{id}/edit`: the edit form, prefilled. Saving sends only what changed.

use crate::auth::{can, Permission};
use crate::error::AppError;
use crate::profiles::by_id::{profile_resource, with_profile_id};
use crate::profiles::form::data::ProfileForm;
use crate::profiles::form::editor::{ProfileEditor, Target};
use crate::profiles::form::handover::{use_posted, PostedForm};
use crate::profiles::links::{detail_href, from_param, FROM};
use crate::profiles::model::ProfileId;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::status::NotFound;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn EditProfilePage() -> impl IntoView {
    with_profile_id(|id| view! { <LoadedEdit id/> })
}

#[component]
fn LoadedEdit(id: ProfileId) -> impl IntoView {
    let query = use_query_map();
    let from = from_param(query.with_untracked(|q| q.get(FROM)));
    let profile = profile_resource(&id);
    let posted = use_posted::<PostedForm>();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading profile…"</p> }>
            {move || {
                let (id, from) = (id.clone(), from.clone());
                Suspend::new(async move {
                    let (profile, posted) = (profile.await, posted.await);
                    match profile {
                        Ok(_) if !can(Permission::ProfilesWrite) => view! {
                            <PageTitle text="Edit profile"/>
                            <PageHeading text="Edit profile"/>
                            <ErrorPanel error=AppError::Forbidden/>
                        }
                        .into_any(),
                        Ok(profile) => {
                            let heading = format!(
                                "Edit {}",
                                profile.name.clone().unwrap_or_else(|| profile.id.to_string())
                            );
                            let (initial, error) = match posted {
                                Some(PostedForm { form, error }) => (form, error),
                                None => (ProfileForm::for_edit(&profile), None),
                            };
                            let back = detail_href(&id, &from, None);
                            view! {
                                <PageTitle text=heading.clone()/>
                                <p><A href=back>"← Back to profile"</A></p>
                                <PageHeading text=heading/>
                                <ProfileEditor target=Target::Edit(id) initial error from/>
                            }
                            .into_any()
                        }
                        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! {
                            <PageTitle text="Edit profile"/>
                            <PageHeading text="Edit profile"/>
                            <ErrorPanel error/>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

//! A profile, read-only: `/profiles/{id}`. A malformed id is "not found" at once, with no
//! server call; so is a profile the API does not know.

use crate::error::AppError;
use crate::profiles::model::{Profile, ProfileId};
use crate::profiles::server::get_profile;
use crate::ui::badge::GrantBadge;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::format::{rfc3339, utc};
use crate::ui::status::NotFound;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProfileDetail() -> impl IntoView {
    let params = use_params_map();
    // Decided without any async work: a malformed id never reaches a server function.
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|raw| ProfileId::parse(&raw).ok()))
    });
    move || match id.get() {
        Some(id) => view! { <LoadedProfile id/> }.into_any(),
        None => view! { <NotFound/> }.into_any(),
    }
}

#[component]
fn LoadedProfile(id: ProfileId) -> impl IntoView {
    let profile = Resource::new(move || id.to_string(), get_profile);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading profile…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => view! { <ProfileView profile/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text="Profile"/>
                        <h1>"Profile"</h1>
                        <ErrorPanel error/>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let heading = profile
        .name
        .clone()
        .unwrap_or_else(|| profile.id.to_string());
    let grants = if profile.trust_grants.is_empty() {
        view! { <span class="muted">"None"</span> }.into_any()
    } else {
        profile
            .trust_grants
            .into_iter()
            .map(|(name, grant)| view! { <GrantBadge name grant/> })
            .collect_view()
            .into_any()
    };
    let metadata = if profile.metadata.is_empty() {
        view! { <p class="muted">"No metadata."</p> }.into_any()
    } else {
        let rows = profile
            .metadata
            .into_iter()
            .map(|(key, value)| view! { <tr><th scope="row" class="mono">{key}</th><td class="value">{value}</td></tr> })
            .collect_view();
        view! {
            <table class="metadata">
                <thead><tr><th scope="col">"Key"</th><th scope="col">"Value"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <PageTitle text=heading.clone()/>
        <p><A href="/profiles">"← Back to list"</A></p>
        <h1>{heading}</h1>
        <dl class="facts">
            <dt>"ID"</dt>
            <dd class="mono">{profile.id.to_string()}</dd>
            <dt>"External ID"</dt>
            <dd class="mono">{profile.external_id.unwrap_or_else(|| "—".into())}</dd>
            <dt>"Relationship"</dt>
            <dd>{profile.relationship.label().to_owned()}</dd>
            <dt>"Trust grants"</dt>
            <dd class="grants">{grants}</dd>
            <dt>"Created"</dt>
            <dd><time datetime=rfc3339(profile.created_at)>{utc(profile.created_at)}</time></dd>
            <dt>"Updated"</dt>
            <dd><time datetime=rfc3339(profile.updated_at)>{utc(profile.updated_at)}</time></dd>
        </dl>
        <h2>"Metadata"</h2>
        {metadata}
    }
}

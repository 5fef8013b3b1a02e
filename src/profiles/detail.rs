//! One profile: `/profiles/{id}`. A malformed id is "not found" at once, with no server
//! call; so is a profile the API does not know.

use crate::audit::view::ProfileHistory;
use crate::auth::{can, Permission};
use crate::error::AppError;
use crate::profiles::by_id::{with_profile, with_profile_id};
use crate::profiles::enrollment::EnrollmentPanel;
use crate::profiles::form::handover::{posted, PostedEnrollment};
use crate::profiles::grants::{grant_meaning, GrantBadge};
use crate::profiles::links::{delete_href, detail_href, edit_href, from_param, DONE, FROM};
use crate::profiles::location::ListLocation;
use crate::profiles::model::{EnrollmentUrl, Profile, ProfileId};
use crate::timestamp::{relative, rfc3339, utc};
use crate::ui::browser::now;
use crate::ui::copy::CopyButton;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use time::OffsetDateTime;

#[component]
pub fn ProfileDetailPage() -> impl IntoView {
    with_profile_id(|id| view! { <LoadedProfile id/> })
}

#[component]
fn LoadedProfile(id: ProfileId) -> impl IntoView {
    let (from, done) = use_query_map().with_untracked(|q| (from_param(q.get(FROM)), q.get(DONE)));
    let enrollment = posted::<PostedEnrollment>().map(|PostedEnrollment(answer)| answer);
    with_profile(id, "Profile", move |profile| {
        view! { <ProfileView profile from done enrollment/> }
    })
}

/// A time in UTC, with its distance from now.
fn when(at: OffsetDateTime) -> impl IntoView {
    view! {
        <time datetime=rfc3339(at)>{utc(at)}</time>
        <span class="muted">{format!(" ({})", relative(at, now()))}</span>
    }
}

#[component]
fn ProfileView(
    profile: Profile,
    from: ListLocation,
    done: Option<String>,
    enrollment: Option<Result<EnrollmentUrl, AppError>>,
) -> impl IntoView {
    let heading = profile
        .name
        .clone()
        .unwrap_or_else(|| profile.id.to_string());
    let notice = match done.as_deref() {
        Some("created") => Some("Profile created."),
        Some("saved") => Some("Changes saved."),
        _ => None,
    };
    let raw = serde_json::to_string_pretty(&profile).unwrap_or_default();
    let grants = if profile.trust_grants.is_empty() {
        view! { <span class="muted">"None"</span> }.into_any()
    } else {
        profile
            .trust_grants
            .into_iter()
            .map(|(name, grant)| {
                let meaning = grant_meaning(&name, &grant);
                view! { <p class="grant"><GrantBadge name grant/> " " <span class="muted">{meaning}</span></p> }
            })
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
            <div class="table-wrap">
                <table class="metadata">
                    <thead><tr><th scope="col">"Key"</th><th scope="col">"Value"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let external_id = match profile.external_id {
        Some(ext) => view! { <span class="mono">{ext.clone()}</span> " " <CopyButton text=ext what="external ID"/> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let id = profile.id.clone();
    view! {
        <PageTitle text=heading.clone()/>
        <p><a href=from.href()>"← Back to list"</a></p>
        {notice.map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <div class="page-header">
            <PageHeading text=heading/>
            <div class="page-actions">
                {can(Permission::ProfilesWrite).then(|| view! {
                    <a href=edit_href(&id, &from) class="button primary">"Edit"</a>
                })}
                {can(Permission::ProfilesDelete).then(|| view! {
                    <a href=delete_href(&id, &from) class="button danger secondary">"Delete"</a>
                })}
            </div>
        </div>
        <dl class="facts">
            <dt>"ID"</dt>
            <dd><span class="mono">{id.to_string()}</span> " " <CopyButton text=id.to_string() what="ID"/></dd>
            <dt>"External ID"</dt>
            <dd>{external_id}</dd>
            <dt>"Relationship"</dt>
            <dd>{profile.relationship.label().to_owned()}</dd>
            <dt>"Trust grants"</dt>
            <dd class="grant-list">{grants}</dd>
            <dt>"Created"</dt>
            <dd>{when(profile.created_at)}</dd>
            <dt>"Updated"</dt>
            <dd>{when(profile.updated_at)}</dd>
        </dl>
        <h2>"Metadata"</h2>
        {metadata}
        {if can(Permission::EnrollmentCreate) {
            view! {
                <EnrollmentPanel id=id.clone() action=detail_href(&id, &from, None) initial=enrollment/>
            }
            .into_any()
        } else {
            // A refused no-JS post still says why.
            enrollment.and_then(Result::err).map(|error| view! { <ErrorPanel error/> }).into_any()
        }}
        <ProfileHistory id=id.clone() from=from.clone()/>
        <details class="raw">
            <summary>"Raw JSON"</summary>
            <pre>{raw}</pre>
        </details>
    }
}

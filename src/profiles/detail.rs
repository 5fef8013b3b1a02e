//! One profile: `/profiles/{id}`. A malformed id is "not found" at once, with no server
//! call; so is a profile the API does not know.

use crate::audit::view::ProfileHistory;
use crate::auth::{can, Permission};
use crate::error::AppError;
use crate::profiles::by_id::{unread_page, with_profile_id, with_profile_or};
use crate::profiles::duplicates::SameExternalIdPanel;
use crate::profiles::enforcement::EnforcementPanel;
use crate::profiles::enrollment::EnrollmentPanel;
use crate::profiles::form::handover::{posted, PostedEnrollment};
use crate::profiles::grants::{grant_meaning, GrantBadge};
use crate::profiles::links::{delete_href, detail_href, edit_href, from_param, DONE, FROM};
use crate::profiles::location::ListLocation;
use crate::profiles::model::{EnrollmentUrl, ExternalUserDetails, Profile, ProfileId, DETAILS};
use crate::profiles::programs::ProgramsPanel;
use crate::profiles::spoken::spoken;
use crate::profiles::timeline::StatusTimeline;
use crate::timestamp::{relative, rfc3339, utc};
use crate::ui::browser::now;
use crate::ui::copy::CopyButton;
use crate::ui::error_panel::{ErrorPanel, ReadFailed};
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
    let page_from = from.clone();
    let page_id = id.clone();
    let page_enrollment = enrollment.clone();
    with_profile_or(
        id,
        move |profile| view! { <ProfileView profile from=page_from done enrollment=page_enrollment/> },
        // A page answering a mint shows the link (or why not) whatever the read after it.
        move |unread| match enrollment {
            Some(answer) => view! { <MintAnswer id=page_id from answer unread/> }.into_any(),
            None => unread_page("Profile", unread),
        },
    )
}

/// The answer to a mint whose page could not read the profile again: what the mint did,
/// as the audit trail records it, then the failed read as a notice.
#[component]
fn MintAnswer(
    id: ProfileId,
    from: ListLocation,
    answer: Result<EnrollmentUrl, AppError>,
    unread: AppError,
) -> impl IntoView {
    let heading = id.to_string();
    let outcome = if can(Permission::EnrollmentCreate) {
        view! { <EnrollmentPanel action=detail_href(&id, &from, None) answer=Some(answer) ga=spoken().is_ga()/> }
            .into_any()
    } else {
        // A refused post says why, and offers nothing to press.
        answer
            .err()
            .map(|error| view! { <ErrorPanel error/> })
            .into_any()
    };
    view! {
        <PageTitle text=heading.clone()/>
        <p><a href=from.href()>"← Back to list"</a></p>
        <PageHeading text=heading/>
        {outcome}
        <ReadFailed error=unread/>
    }
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
    let ga = profile.relationship.is_none();
    let grants = if profile.trust_grants.is_empty() {
        view! { <span class="muted">"None"</span> }.into_any()
    } else {
        profile
            .trust_grants
            .iter()
            .map(|(name, grant)| {
                let status = grant.status.label().to_owned();
                let meaning = grant_meaning(name, &status);
                view! { <p class="grant"><GrantBadge name=name.clone() status/> " " <span class="muted">{meaning}</span></p> }
            })
            .collect_view()
            .into_any()
    };
    let external_id = match profile.external_id().map(str::to_owned) {
        Some(ext) => view! { <span class="mono">{ext.clone()}</span> " " <CopyButton text=ext what="external ID"/> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let metadata = if profile.metadata.is_empty() {
        view! { <p class="muted">"No metadata."</p> }.into_any()
    } else {
        let rows = profile
            .metadata
            .clone()
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
    let kind = profile.kind().to_owned();
    let details = ga.then(|| {
        let details = profile.external_user_details.clone().unwrap_or_default();
        view! { <DetailsPanel details/> }
    });
    let standing = if ga {
        view! {
            <ProgramsPanel programs=profile.programs.clone()/>
            <EnforcementPanel status=profile.enforcement_status.clone()
                actions=profile.enforcement_actions.clone().unwrap_or_default() now=now()/>
        }
        .into_any()
    } else {
        ().into_any()
    };
    let id = profile.id.clone();
    let same_external_id = profile.external_id().map(|external_id| {
        view! { <SameExternalIdPanel id=id.clone() external_id=external_id.to_owned() from=from.clone()/> }
    });
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
            <dt>{if ga { "Access type" } else { "Relationship" }}</dt>
            <dd>{kind}</dd>
            {(!ga).then(|| view! {
                <dt>"Trust grants"</dt>
                <dd class="grant-list">{grants}</dd>
            })}
            <dt>"Created"</dt>
            <dd>{when(profile.created_at)}</dd>
            <dt>"Updated"</dt>
            <dd>{when(profile.updated_at)}</dd>
        </dl>
        {same_external_id}
        {details}
        {standing}
        <h2>"Metadata"</h2>
        {metadata}
        {if can(Permission::EnrollmentCreate) {
            view! {
                <EnrollmentPanel action=detail_href(&id, &from, None) answer=enrollment ga=spoken().is_ga()/>
            }
            .into_any()
        } else {
            // A refused no-JS post still says why.
            enrollment.and_then(Result::err).map(|error| view! { <ErrorPanel error/> }).into_any()
        }}
        <StatusTimeline id=id.clone()/>
        <ProfileHistory id=id.clone() from=from.clone()/>
        <details class="raw">
            <summary>"Raw JSON"</summary>
            <pre>{raw}</pre>
        </details>
    }
}

/// GA's external user details besides the External ID, each with its label; a value not
/// supplied yet reads "Not set".
#[component]
fn DetailsPanel(details: ExternalUserDetails) -> impl IntoView {
    let rows = DETAILS
        .iter()
        .map(|d| {
            let value = match details.get(d.key) {
                Some(v) => view! { <span class="mono">{v.to_owned()}</span> }.into_any(),
                None => view! { <span class="muted">"Not set"</span> }.into_any(),
            };
            view! { <dt>{d.label}</dt><dd>{value}</dd> }
        })
        .collect_view();
    view! {
        <section aria-labelledby="details-heading">
            <h2 id="details-heading">"External user details"</h2>
            <dl class="facts">{rows}</dl>
        </section>
    }
}

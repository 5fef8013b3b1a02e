//! Other profiles with the same external id (GA's `reference_id`), which the API allows: a
//! profile's page lists them from the console's index, so that support staff see at once
//! that an id they hold names more than one profile (docs/console.md, "A profile").

#[cfg(feature = "ssr")]
use crate::auth::authorized::Authorized;
#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
use crate::profiles::links::detail_href;
use crate::profiles::location::ListLocation;
use crate::profiles::model::ProfileId;
use crate::profiles::search::query::SEARCH_PATH;
use crate::web::encode_query;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Most other profiles listed on a page; the search page lists them all.
const MAX_LISTED: u32 = 20;

/// One other profile with the same external id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub id: ProfileId,
    pub name: Option<String>,
}

/// The other profiles the index holds with this profile's external id, newest first, and
/// whether there are more than those listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedExternalId {
    pub others: Vec<Sharing>,
    pub more: bool,
}

/// The other profiles the index holds with the external id it holds for `id` (the page
/// has just written the live profile through, so that is the profile's own).
#[server(endpoint = "profiles/same-external-id")]
pub async fn same_external_id(id: String) -> Result<SharedExternalId, AppError> {
    Authorized::require(Permission::ProfilesRead).await?;
    let id = ProfileId::parse(&id).map_err(|_| AppError::NotFound)?;
    let state = crate::profiles::service::state()?;
    let rows = state
        .index
        .sharing_external_id(id.as_str(), MAX_LISTED + 1)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot read profiles sharing an external id");
            AppError::internal("the profile index could not be read")
        })?;
    let more = rows.len() > MAX_LISTED as usize;
    let others = rows
        .into_iter()
        .take(MAX_LISTED as usize)
        .filter_map(|(id, name)| {
            Some(Sharing {
                id: ProfileId::parse(&id).ok()?,
                name,
            })
        })
        .collect();
    Ok(SharedExternalId { others, more })
}

/// "Same external ID": the other profiles holding `external_id`, each a link to its page;
/// nothing when there are none.
#[component]
pub fn SameExternalIdPanel(
    id: ProfileId,
    external_id: String,
    from: ListLocation,
) -> impl IntoView {
    let raw_id = id.to_string();
    let found = Resource::new(move || raw_id.clone(), same_external_id);
    view! {
        <Transition fallback=|| ()>
            {move || {
                let (external_id, from) = (external_id.clone(), from.clone());
                Suspend::new(async move {
                    match found.await {
                        Ok(SharedExternalId { others, .. }) if others.is_empty() => ().into_any(),
                        Ok(SharedExternalId { others, more }) => {
                            view! { <Listed others more external_id from/> }.into_any()
                        }
                        // Not the page's error: the profile above is fine.
                        Err(error) => view! { <p class="field-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Listed(
    others: Vec<Sharing>,
    more: bool,
    external_id: String,
    from: ListLocation,
) -> impl IntoView {
    let count = if more {
        format!("More than {MAX_LISTED} other profiles have")
    } else if others.len() == 1 {
        "1 other profile has".to_owned()
    } else {
        format!("{} other profiles have", others.len())
    };
    let all = format!(
        "{SEARCH_PATH}?{}",
        encode_query(&[("q", external_id.clone())])
    );
    let rows = others
        .into_iter()
        .map(|other| {
            let href = detail_href(&other.id, &from, None);
            let shown = other.name.clone().unwrap_or_else(|| other.id.to_string());
            view! {
                <li><a href=href>{shown}</a> " " <span class="mono muted">{other.id.to_string()}</span></li>
            }
        })
        .collect_view();
    view! {
        <section class="same-external-id" aria-labelledby="same-external-id-heading">
            <h2 id="same-external-id-heading">"Same external ID"</h2>
            <p>
                {count} " the external ID " <span class="mono">{external_id}</span>
                ", as of the console's index. The API allows it; check you have the right one."
            </p>
            <ul>{rows}</ul>
            {more.then(|| view! { <p><a href=all>"Search for all of them"</a></p> })}
        </section>
    }
}

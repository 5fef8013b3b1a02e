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

/// Why a save is held: other profiles already hold the external id it would set, and
/// the user has not yet chosen to keep it (`ProfileForm::unconfirmed_external_id`). The
/// API allows it, so this is a warning: the form comes back with it under the External
/// ID and the id marked kept, and saving again saves. `None`: nothing to ask, including
/// when the index cannot be read (the warning never blocks a save).
#[cfg(feature = "ssr")]
pub async fn held_for_shared_id(
    state: &crate::state::AppState,
    form: &mut crate::profiles::form::data::ProfileForm,
    own: Option<&ProfileId>,
) -> Option<AppError> {
    use crate::error::FieldError;
    use crate::profiles::form::data::names;
    let external_id = form.unconfirmed_external_id()?.to_owned();
    let holders = match state
        .index
        .holding_external_id(&external_id, own.map(ProfileId::as_str), MAX_LISTED + 1)
        .await
    {
        Ok(holders) => holders,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the index for a shared external id; saving without the warning");
            return None;
        }
    };
    if holders.is_empty() {
        return None;
    }
    let named: Vec<String> = holders
        .iter()
        .take(3)
        .map(|(id, name)| match name {
            Some(name) => format!("{name} ({id})"),
            None => id.clone(),
        })
        .collect();
    let count = match holders.len() {
        1 => "1 other profile already has".to_owned(),
        n if n > MAX_LISTED as usize => {
            format!("More than {MAX_LISTED} other profiles already have")
        }
        n => format!("{n} other profiles already have"),
    };
    let message = format!(
        "{count} this external ID: {}. The API allows it: press Save again to keep it.",
        named.join(", ")
    );
    form.keep_external_id = external_id;
    Some(AppError::invalid(vec![FieldError::new(
        names::KEEP_EXTERNAL_ID,
        message,
    )]))
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

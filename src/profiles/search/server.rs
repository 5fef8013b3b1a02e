//! The search's server functions, under `/api/profiles/`: search the index, say how fresh
//! it is, and (admins) ask for a complete walk now. They read the console's index, never
//! the API, so a search costs no upstream call.

#[cfg(feature = "ssr")]
use crate::auth::authorized::Authorized;
#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::FieldError;
#[cfg(feature = "ssr")]
use crate::profiles::search::query::param;
use crate::profiles::search::query::SearchParams;
use crate::profiles::search::results::{IndexStatus, SearchPage};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn index() -> Result<crate::index::Index, AppError> {
    use_context::<crate::state::AppState>()
        .map(|state| state.index.clone())
        .ok_or_else(|| AppError::internal("no application state in context"))
}

/// One page of results. The parameters are the search page's address, checked here
/// again: the endpoint is public and trusts no browser.
#[server(endpoint = "profiles/search")]
pub async fn search_profiles(search: SearchParams) -> Result<SearchPage, AppError> {
    let user = Authorized::require(Permission::ProfilesRead).await?;
    let query = search.parse().map_err(AppError::invalid)?;
    let mut page = index()?.search(&query).await.map_err(|e| match e {
        crate::index::search::SearchError::Cursor => {
            AppError::invalid(vec![FieldError::new(param::AFTER, e.to_string())])
        }
        crate::index::search::SearchError::Database(e) => {
            AppError::database("the profile index could not be searched", &e)
        }
    })?;
    page.can_export = user.user().may(Permission::ProfilesExport);
    Ok(page)
}

/// How fresh the index is: for everyone the counts and times, for admins also the last
/// sync error.
#[server(endpoint = "profiles/index-status")]
pub async fn read_index_status() -> Result<IndexStatus, AppError> {
    let user = Authorized::require(Permission::ProfilesRead).await?;
    let admin = user.user().may(Permission::IndexManage);
    let failed =
        |e: sqlx::Error| AppError::database("the profile index's state could not be read", &e);
    let index = index()?;
    let mut status = index.status(admin).await.map_err(failed)?;
    if crate::profiles::service::state()?
        .upstream
        .version()
        .is_ga()
    {
        status.programs_backlog = Some(index.programs_backlog_shown().await.map_err(failed)?);
    }
    Ok(status)
}

/// Asks for a complete walk of the list now (admins). Whichever console syncs starts it
/// within moments; without JavaScript the form comes back to the page it was sent from.
#[server(endpoint = "profiles/index-refresh")]
pub async fn refresh_index() -> Result<(), AppError> {
    use crate::audit::{Action, Outcome};
    let user = Authorized::require(Permission::IndexManage).await?;
    if let Err(e) = index()?.request_refresh().await {
        tracing::error!(error = %e, "cannot request an index refresh");
        let error = AppError::internal("the refresh could not be requested");
        user.trail()
            .record(
                Action::IndexRefresh,
                Outcome::Failed,
                Some(error.to_string()),
            )
            .await;
        return Err(error);
    }
    user.trail()
        .record(Action::IndexRefresh, Outcome::Succeeded, None)
        .await;
    tracing::info!(user = %user.user().name, "index refresh requested");
    Ok(())
}

//! Server functions reading the audit trail: a profile's history (anyone who may read
//! profiles) and the whole log (admins). Both answer one page, newest first.

use crate::audit::EntryPage;
#[cfg(feature = "ssr")]
use crate::auth::authorized::Authorized;
#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
use leptos::prelude::*;

/// One page of a profile's history; `page` is the `next` of the previous page.
///
/// Always one profile's entries: an id that is not a profile id (empty, blank, malformed)
/// names no profile and is "not found", never "no profile filter", which would hand the
/// whole admin-only log to any role that may read profiles.
#[server(endpoint = "audit/history")]
pub async fn list_profile_history(id: String, page: Option<String>) -> Result<EntryPage, AppError> {
    Authorized::require(Permission::ProfilesRead).await?;
    let id = crate::profiles::model::ProfileId::parse(&id).map_err(|_| AppError::NotFound)?;
    let query = [
        (crate::audit::param::PROFILE, Some(id.to_string())),
        (crate::audit::param::PAGE, page),
    ];
    ssr::page(&query).await
}

/// One page of the audit log, filtered by the Audit log page's query parameters
/// (`audit::param`); each malformed one is a field error.
#[server(endpoint = "audit/log")]
pub async fn list_audit_log(
    actor: Option<String>,
    action: Option<String>,
    profile: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
) -> Result<EntryPage, AppError> {
    Authorized::require(Permission::AuditRead).await?;
    use crate::audit::param;
    let query = [
        (param::ACTOR, actor),
        (param::ACTION, action),
        (param::PROFILE, profile),
        (param::FROM, from),
        (param::TO, to),
        (param::PAGE, page),
    ];
    ssr::page(&query).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::audit::query::{parse_request, PAGE_SIZE};
    use crate::audit::store::AuditLog;
    use crate::audit::EntryPage;
    use crate::error::AppError;

    pub async fn page(query: &[(&str, Option<String>)]) -> Result<EntryPage, AppError> {
        let (filter, cursor) = parse_request(|name| {
            query
                .iter()
                .find(|(k, _)| *k == name)
                .and_then(|(_, v)| v.clone())
        })?;
        let log = log()?;
        log.page(&filter, cursor.as_ref(), PAGE_SIZE)
            .await
            .map_err(|e| AppError::database("the audit trail cannot be read", &e))
    }

    fn log() -> Result<AuditLog, AppError> {
        leptos::prelude::use_context::<crate::state::AppState>()
            .map(|state| state.audit.clone())
            .ok_or_else(|| AppError::internal("no application state in context"))
    }
}

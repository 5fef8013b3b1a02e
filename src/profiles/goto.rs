//! "Go to profile" without JavaScript: the list page's form sends `?goto=ID`, answered
//! here with a redirect before any page renders.

/// Query parameter of the "Go to profile" form.
pub const GOTO: &str = "goto";

/// The no-JS answer to "Go to profile" (`GET /profiles?goto=ID`): a valid id redirects to
/// that profile, keeping the list place for "Back to list"; anything else falls through
/// to the list page, which shows the error next to the field. Done before rendering so the
/// browser bundle needs no redirect code.
#[cfg(feature = "ssr")]
pub async fn goto_redirect(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use crate::profiles::links::detail_href;
    use crate::profiles::location::ListLocation;
    use crate::profiles::model::ProfileId;
    use axum::response::IntoResponse;
    if request.uri().path() == "/profiles" {
        let get = |k: &str| crate::web::query_param(request.uri(), k);
        if let Some(Ok(id)) = get(GOTO).map(|raw| ProfileId::parse(raw.trim())) {
            let place = ListLocation::from_query(get).unwrap_or_default();
            return (
                axum::http::StatusCode::FOUND,
                [(axum::http::header::LOCATION, detail_href(&id, &place, None))],
            )
                .into_response();
        }
    }
    next.run(request).await
}

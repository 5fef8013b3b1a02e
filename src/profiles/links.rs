//! Addresses of the profile pages. Each carries the list place the user came from
//! (`?from=`, see [`ListLocation::token`]) so that "Back to list" returns there.

use crate::profiles::list::ListLocation;
use crate::profiles::model::ProfileId;

/// Query parameter naming the list place; also the hidden input of the forms.
pub const FROM: &str = "from";
/// Query parameter of a detail page reached after a save: `created` or `saved`.
pub const DONE: &str = "done";

/// Query parameter of a detail page naming the page of its History section.
pub const HISTORY: &str = "history";

/// What a URL component keeps as it is: RFC 3986's unreserved characters.
pub const ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `k=v&…`, each value percent-encoded whatever it holds (a filter is free text).
pub fn encode_query(params: &[(&str, String)]) -> String {
    let encode = |v: &str| percent_encoding::utf8_percent_encode(v, ESCAPED).to_string();
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The list place named by a `from` value; the first page when absent or malformed.
pub fn from_param(raw: Option<String>) -> ListLocation {
    raw.as_deref()
        .and_then(ListLocation::from_token)
        .unwrap_or_default()
}

/// The value of query parameter `name` in a request's address (server side).
#[cfg(feature = "ssr")]
pub fn query_param(uri: &axum::http::Uri, name: &str) -> Option<String> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `path?k=v&…` with empty values left out.
pub(crate) fn with_query(path: String, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        // Only cursors' `=` needs escaping: tokens and ids are otherwise URL-safe.
        .map(|(k, v)| format!("{k}={}", v.replace('=', "%3D")))
        .collect();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

fn from_value(from: &ListLocation) -> String {
    if *from == ListLocation::default() {
        String::new()
    } else {
        from.token()
    }
}

pub fn detail_href(id: &ProfileId, from: &ListLocation, done: Option<&str>) -> String {
    with_query(
        format!("/profiles/{id}"),
        &[
            (FROM, from_value(from)),
            (DONE, done.unwrap_or_default().to_owned()),
        ],
    )
}

pub fn edit_href(id: &ProfileId, from: &ListLocation) -> String {
    with_query(format!("/profiles/{id}/edit"), &[(FROM, from_value(from))])
}

pub fn new_href(from: &ListLocation) -> String {
    with_query("/profiles/new".into(), &[(FROM, from_value(from))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::PageCursor;

    #[test]
    fn links_carry_the_list_place_only_when_it_is_not_the_first_page() {
        let id = ProfileId::parse("uprof_abc").unwrap();
        let first = ListLocation::default();
        assert_eq!(detail_href(&id, &first, None), "/profiles/uprof_abc");
        let deep = first.next(PageCursor::parse("page_X=").unwrap());
        assert_eq!(
            detail_href(&id, &deep, Some("saved")),
            "/profiles/uprof_abc?from=20~desc~page_X%3D&done=saved"
        );
        assert_eq!(
            edit_href(&id, &deep),
            "/profiles/uprof_abc/edit?from=20~desc~page_X%3D"
        );
        assert_eq!(from_param(Some("20~desc~page_X=".into())), deep);
        assert_eq!(from_param(Some("<script>".into())), first);
        assert_eq!(from_param(None), first);
    }

    #[test]
    fn free_text_is_encoded_whole() {
        assert_eq!(
            encode_query(&[("actor", "a&b=c d#é".into()), ("page", "x_y.z~".into())]),
            "actor=a%26b%3Dc%20d%23%C3%A9&page=x_y.z~"
        );
    }
}

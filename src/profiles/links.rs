//! Addresses of the profile pages. Each carries the list place the user came from
//! (`?from=`, see [`ListLocation::token`]) so that "Back to list" returns there.

use crate::profiles::location::ListLocation;
use crate::profiles::model::ProfileId;
use crate::web::with_query;

/// Query parameter naming the list place; also the hidden input of the forms.
pub const FROM: &str = "from";
/// Query parameter of a detail page reached after a save: `created` or `saved`.
pub const DONE: &str = "done";

/// Query parameter of a detail page naming the page of its History section.
pub const HISTORY: &str = "history";

/// The list place named by a `from` value; the first page when absent or malformed.
pub fn from_param(raw: Option<String>) -> ListLocation {
    raw.as_deref()
        .and_then(ListLocation::from_token)
        .unwrap_or_default()
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

/// [`detail_href`] for every row of one list page: the rows share the list place, so it
/// is encoded once per page rather than once per row.
pub fn row_hrefs(from: &ListLocation) -> impl Fn(&ProfileId) -> String {
    let query = with_query(String::new(), &[(FROM, from_value(from))]);
    move |id| format!("/profiles/{id}{query}")
}

pub fn edit_href(id: &ProfileId, from: &ListLocation) -> String {
    with_query(format!("/profiles/{id}/edit"), &[(FROM, from_value(from))])
}

pub fn delete_href(id: &ProfileId, from: &ListLocation) -> String {
    with_query(
        format!("/profiles/{id}/delete"),
        &[(FROM, from_value(from))],
    )
}

/// The list place a deleted profile was reached from, saying it was deleted.
pub fn after_delete_href(from: &ListLocation) -> String {
    let mut params = from.params();
    params.push((DONE, "deleted".to_owned()));
    with_query("/profiles".to_owned(), &params)
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
            "/profiles/uprof_abc?from=20~desc~2~page_X%3D&done=saved"
        );
        for from in [&first, &deep] {
            assert_eq!(row_hrefs(from)(&id), detail_href(&id, from, None));
        }
        assert_eq!(
            edit_href(&id, &deep),
            "/profiles/uprof_abc/edit?from=20~desc~2~page_X%3D"
        );
        assert_eq!(from_param(Some("20~desc~2~page_X=".into())), deep);
        assert_eq!(from_param(Some("<script>".into())), first);
        assert_eq!(from_param(None), first);
    }
}

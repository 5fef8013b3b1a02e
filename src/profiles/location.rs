//! A place in the profile list: page size, order, GA's enforcement filter, page number and
//! the cursors of the last pages walked. The API only gives a forward cursor, so the
//! cursors travel in the address (`?limit=&order=&enforcement=&page=&trail=`), and the place in one short token (`?from=`) through the
//! detail and edit pages so that "Back to list" lands exactly there.
//!
//! Both are bounded, so a page's size does not grow with its depth: the address keeps the
//! cursors of the last [`MAX_TRAIL`] pages, enough for Previous to walk back that far, and
//! the token only the cursor of the page itself (each of a page's 100 rows links with it).
//! Where the cursors run out, the pager offers the first page instead of Previous.

use crate::error::FieldError;
use crate::profiles::model::{EnforcementStatus, Order, PageCursor, PageSize};
use crate::web::with_query;

/// Separates cursors in `trail`; cursors never contain it (see [`PageCursor`]).
const TRAIL_SEPARATOR: char = ',';

/// Cursors kept in a list address (docs/console.md, "Paging").
pub const MAX_TRAIL: usize = 5;

/// Highest page number an address may name: more pages than any list has.
const MAX_PAGE: usize = 1_000_000_000;

/// Where in the list the user is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListLocation {
    pub limit: PageSize,
    pub order: Order,
    /// GA's list filter: only profiles in this enforcement status.
    pub enforcement: Option<EnforcementStatus>,
    /// 1 for the first page.
    pub page: usize,
    /// Cursors of the last pages reached (at most [`MAX_TRAIL`]), oldest first; the last is
    /// this page's. Empty on the first page only.
    pub trail: Vec<PageCursor>,
}

impl Default for ListLocation {
    fn default() -> Self {
        Self {
            limit: PageSize::DEFAULT,
            order: Order::default(),
            enforcement: None,
            page: 1,
            trail: Vec::new(),
        }
    }
}

impl ListLocation {
    /// Reads `limit`, `order`, `page` and `trail` from a page address's query. Without
    /// `page`, the trail is taken to start at the second page; a longer trail than kept
    /// is cut to its last cursors.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let limit = match get("limit") {
            None => PageSize::DEFAULT,
            Some(raw) => raw
                .parse()
                .map_err(|_| FieldError::new("limit", "must be between 1 and 100"))
                .and_then(PageSize::new)
                .unwrap_or_else(|e| {
                    errors.push(e);
                    PageSize::DEFAULT
                }),
        };
        let order = get("order")
            .map(|raw| Order::parse(&raw))
            .transpose()
            .unwrap_or_else(|e| {
                errors.push(e);
                None
            })
            .unwrap_or_default();
        let enforcement = get("enforcement")
            .filter(|raw| !raw.is_empty())
            .and_then(|raw| {
                let found = EnforcementStatus::parse(&raw);
                if found.is_none() {
                    errors.push(FieldError::new(
                        "enforcement",
                        "must be unrestricted, pending, restricted or banned",
                    ));
                }
                found
            });
        let mut trail = get("trail")
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.split(TRAIL_SEPARATOR)
                    .map(PageCursor::parse)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .unwrap_or_else(|e| {
                errors.push(FieldError::new("trail", e.message));
                None
            })
            .unwrap_or_default();
        let page = match get("page") {
            None => trail.len() + 1,
            Some(raw) => match raw.parse::<usize>() {
                Ok(page)
                    if page <= MAX_PAGE
                        && (page == 1) == trail.is_empty()
                        && page > trail.len() =>
                {
                    page
                }
                _ => {
                    errors.push(FieldError::new(
                        "page",
                        "must be a page number the cursors in the address lead to",
                    ));
                    1
                }
            },
        };
        keep_last_cursors(&mut trail);
        if errors.is_empty() {
            Ok(Self {
                limit,
                order,
                enforcement,
                page,
                trail,
            })
        } else {
            Err(errors)
        }
    }

    /// The cursor of the page shown; `None` on the first page.
    pub fn current(&self) -> Option<&PageCursor> {
        self.trail.last()
    }

    /// 1 for the first page.
    pub fn page_number(&self) -> usize {
        self.page
    }

    pub fn next(&self, cursor: PageCursor) -> Self {
        let mut next = self.clone();
        next.page += 1;
        next.trail.push(cursor);
        keep_last_cursors(&mut next.trail);
        next
    }

    /// The page before this one, when its cursor is still known.
    pub fn previous(&self) -> Option<Self> {
        let mut previous = self.clone();
        previous.trail.pop()?;
        previous.page -= 1;
        (previous.page == 1 || !previous.trail.is_empty()).then_some(previous)
    }

    /// The first page in the same size and order.
    pub fn first(&self) -> Self {
        Self {
            limit: self.limit,
            order: self.order,
            enforcement: self.enforcement,
            ..Self::default()
        }
    }

    /// This place in one query value (`limit~order~page~cursor`), carried through the
    /// detail and edit pages as `?from=`: only this page's cursor, so that it stays short.
    pub fn token(&self) -> String {
        let mut token = format!(
            "{}~{}~{}~{}",
            self.limit.get(),
            self.order.as_str(),
            self.page,
            self.current().map(PageCursor::as_str).unwrap_or_default()
        );
        if let Some(status) = self.enforcement {
            token.push('~');
            token.push_str(status.as_str());
        }
        token
    }

    /// Reads [`Self::token`]; anything malformed is `None`, never an error page.
    pub fn from_token(raw: &str) -> Option<Self> {
        // Cursors never hold `~`; a token made before the filter existed has four parts.
        let mut parts = raw.splitn(5, '~');
        let (limit, order, page, cursor) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let enforcement = parts.next().unwrap_or_default();
        Self::from_query(|k| match k {
            "limit" => Some(limit.to_owned()),
            "order" => Some(order.to_owned()),
            "page" => Some(page.to_owned()),
            "enforcement" => Some(enforcement.to_owned()),
            _ => Some(cursor.to_owned()),
        })
        .ok()
    }

    /// The address of this page; defaults are left out so the first page is `/profiles`.
    pub fn href(&self) -> String {
        with_query("/profiles".to_owned(), &self.params())
    }

    /// The query parameters that differ from the first page's, unescaped: the address,
    /// and the hidden fields of GET forms that must keep this place.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if self.limit != PageSize::DEFAULT {
            params.push(("limit", self.limit.get().to_string()));
        }
        if self.order != Order::default() {
            params.push(("order", self.order.as_str().to_owned()));
        }
        if let Some(status) = self.enforcement {
            params.push(("enforcement", status.as_str().to_owned()));
        }
        if self.page > 1 {
            params.push(("page", self.page.to_string()));
            let trail: Vec<_> = self.trail.iter().map(PageCursor::as_str).collect();
            params.push(("trail", trail.join(",")));
        }
        params
    }
}

/// Drops all but the last [`MAX_TRAIL`] cursors.
fn keep_last_cursors(trail: &mut Vec<PageCursor>) {
    trail.drain(..trail.len().saturating_sub(MAX_TRAIL));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<ListLocation, Vec<FieldError>> {
        let map: HashMap<_, _> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ListLocation::from_query(|k| map.get(k).cloned())
    }

    fn cursor(s: &str) -> PageCursor {
        PageCursor::parse(s).unwrap()
    }

    #[test]
    fn the_first_page_has_a_bare_address() {
        let first = parse(&[]).unwrap();
        assert_eq!(first, ListLocation::default());
        assert_eq!(first.href(), "/profiles");
        assert_eq!(first.page_number(), 1);
        assert_eq!(first.previous(), None);
    }

    #[test]
    fn next_then_previous_walks_the_cursor_stack() {
        let first = parse(&[("limit", "50"), ("order", "asc")]).unwrap();
        let second = first.next(cursor("page_AAA"));
        let third = second.next(cursor("page_BB="));
        assert_eq!(third.current(), Some(&cursor("page_BB=")));
        assert_eq!(third.page_number(), 3);
        assert_eq!(
            third.href(),
            "/profiles?limit=50&order=asc&page=3&trail=page_AAA,page_BB%3D"
        );
        assert_eq!(third.previous(), Some(second.clone()));
        assert_eq!(second.previous(), Some(first.clone()));
        assert_eq!(third.first(), first);
    }

    #[test]
    fn an_address_round_trips() {
        let location = parse(&[("trail", "page_AAA,page_BB=")]).unwrap();
        assert_eq!(location.trail, vec![cursor("page_AAA"), cursor("page_BB=")]);
        assert_eq!(
            location.page, 3,
            "without a page, the trail starts at page 2"
        );
        let href = location.href();
        let query = href.split_once('?').unwrap().1.replace("%3D", "=");
        let pairs: Vec<(&str, &str)> = query
            .split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .collect();
        assert_eq!(parse(&pairs).unwrap(), location);
    }

    /// Page 500 carries as many cursors as page 6, and Previous walks back while they
    /// last; then only the first page is offered.
    #[test]
    fn the_trail_is_bounded_at_any_depth() {
        let mut place = ListLocation::default();
        for n in 1..500 {
            place = place.next(cursor(&format!("page_{n}")));
        }
        assert_eq!(place.page_number(), 500);
        assert_eq!(place.trail.len(), MAX_TRAIL);
        assert_eq!(place.current(), Some(&cursor("page_499")));
        let mut back = place.clone();
        for _ in 1..MAX_TRAIL {
            back = back.previous().unwrap();
        }
        assert_eq!(back.page_number(), 500 - (MAX_TRAIL - 1));
        assert_eq!(back.current(), Some(&cursor("page_495")));
        assert_eq!(back.previous(), None, "page 495's cursor is not kept");
        assert_eq!(back.first(), ListLocation::default());

        let pairs: Vec<_> = place.params();
        let long_trail = (1..500)
            .map(|n| format!("page_{n}"))
            .collect::<Vec<_>>()
            .join(",");
        let from_old_address = parse(&[("trail", &long_trail)]).unwrap();
        assert_eq!(
            from_old_address, place,
            "an old long address is cut to its end"
        );
        assert!(pairs.iter().all(|(_, v)| v.len() < 200));
    }

    #[test]
    fn a_place_travels_as_one_short_token() {
        let place = parse(&[("limit", "50"), ("order", "asc")])
            .unwrap()
            .next(cursor("page_AA="))
            .next(cursor("page_BB"));
        assert_eq!(place.token(), "50~asc~3~page_BB");
        let back = ListLocation::from_token(&place.token()).unwrap();
        assert_eq!((back.page, back.current()), (3, Some(&cursor("page_BB"))));
        assert_eq!(
            back.href(),
            "/profiles?limit=50&order=asc&page=3&trail=page_BB"
        );
        assert_eq!(back.previous(), None, "only this page's cursor travels");
        let first = ListLocation::default();
        assert_eq!(ListLocation::from_token(&first.token()), Some(first));
        for bad in [
            "",
            "50",
            "50~up~1~",
            "999~asc~1~",
            "20~desc~2~<x>",
            "20~desc~1~page_A",
            "20~desc~2~",
        ] {
            assert_eq!(ListLocation::from_token(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bad_addresses_name_every_bad_parameter() {
        let errors = parse(&[
            ("limit", "500"),
            ("order", "sideways"),
            ("trail", "ok,<script>"),
        ])
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "order", "trail"]);
        assert!(parse(&[("limit", "abc")]).is_err());
        for page in ["0", "2", "x", "-1", "99999999999"] {
            let errors = parse(&[("page", page)]).unwrap_err();
            assert_eq!(errors[0].field, "page", "{page}");
        }
        assert!(parse(&[("page", "9"), ("trail", "a,b")]).is_ok());
        assert!(parse(&[("page", "2"), ("trail", "a,b")]).is_err());
    }

    #[test]
    fn the_enforcement_filter_travels_with_the_place() {
        let filtered = parse(&[("enforcement", "restricted"), ("order", "asc")]).unwrap();
        assert_eq!(filtered.enforcement, Some(EnforcementStatus::Restricted));
        let second = filtered.next(cursor("page_AAA"));
        assert_eq!(
            second.href(),
            "/profiles?order=asc&enforcement=restricted&page=2&trail=page_AAA"
        );
        assert_eq!(second.first(), filtered);
        assert_eq!(
            ListLocation::from_token(&second.token()),
            Some(second.clone())
        );
        let old = ListLocation::from_token("20~desc~2~page_AAA").unwrap();
        assert_eq!(
            old.enforcement, None,
            "a token from before the filter still reads"
        );
        assert_eq!(
            parse(&[("enforcement", "frozen")]).unwrap_err()[0].field,
            "enforcement"
        );
    }
}

//! A place in the profile list: page size, order and the stack of cursors walked so far.
//! The API only gives a forward cursor, so the whole stack travels in the address
//! (`?limit=&order=&trail=`), and in one token (`?from=`) through the detail and edit
//! pages so that "Back to list" lands exactly there.

use crate::error::FieldError;
use crate::profiles::model::{Order, PageCursor, PageSize};
use crate::web::with_query;

/// Separates cursors in `trail`; cursors never contain it (see [`PageCursor`]).
const TRAIL_SEPARATOR: char = ',';

/// Where in the list the user is: page size, order, and the cursors walked so far.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ListLocation {
    pub limit: PageSize,
    pub order: Order,
    /// Cursors of the pages after the first, in the order they were reached.
    pub trail: Vec<PageCursor>,
}

impl ListLocation {
    /// Reads `limit`, `order` and `trail` from a page address's query.
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
        let trail = get("trail")
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
        if errors.is_empty() {
            Ok(Self {
                limit,
                order,
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
        self.trail.len() + 1
    }

    pub fn next(&self, cursor: PageCursor) -> Self {
        let mut next = self.clone();
        next.trail.push(cursor);
        next
    }

    pub fn previous(&self) -> Option<Self> {
        let mut previous = self.clone();
        previous.trail.pop().map(|_| previous)
    }

    /// This place in one query value (`limit~order~trail`), carried through the detail and
    /// edit pages as `?from=` so that "Back to list" lands exactly here.
    pub fn token(&self) -> String {
        let trail: Vec<_> = self.trail.iter().map(PageCursor::as_str).collect();
        format!(
            "{}~{}~{}",
            self.limit.get(),
            self.order.as_str(),
            trail.join(",")
        )
    }

    /// Reads [`Self::token`]; anything malformed is `None`, never an error page.
    pub fn from_token(raw: &str) -> Option<Self> {
        let mut parts = raw.splitn(3, '~');
        let (limit, order, trail) = (parts.next()?, parts.next()?, parts.next()?);
        Self::from_query(|k| match k {
            "limit" => Some(limit.to_owned()),
            "order" => Some(order.to_owned()),
            _ => Some(trail.to_owned()),
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
        if !self.trail.is_empty() {
            let trail: Vec<_> = self.trail.iter().map(PageCursor::as_str).collect();
            params.push(("trail", trail.join(",")));
        }
        params
    }
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
            "/profiles?limit=50&order=asc&trail=page_AAA,page_BB%3D"
        );
        assert_eq!(third.previous(), Some(second.clone()));
        assert_eq!(second.previous(), Some(first));
    }

    #[test]
    fn an_address_round_trips() {
        let location = parse(&[("trail", "page_AAA,page_BB=")]).unwrap();
        assert_eq!(location.trail, vec![cursor("page_AAA"), cursor("page_BB=")]);
        let href = location.href();
        let query = href.split_once('?').unwrap().1.replace("%3D", "=");
        let pairs: Vec<(&str, &str)> = query
            .split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .collect();
        assert_eq!(parse(&pairs).unwrap(), location);
    }

    #[test]
    fn a_place_travels_as_one_token() {
        let place = parse(&[("limit", "50"), ("order", "asc")])
            .unwrap()
            .next(cursor("page_AA="))
            .next(cursor("page_BB"));
        assert_eq!(place.token(), "50~asc~page_AA=,page_BB");
        assert_eq!(ListLocation::from_token(&place.token()), Some(place));
        let first = ListLocation::default();
        assert_eq!(ListLocation::from_token(&first.token()), Some(first));
        for bad in ["", "50", "50~up~", "999~asc~", "20~desc~<x>"] {
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
    }
}

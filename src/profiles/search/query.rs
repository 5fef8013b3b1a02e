//! What a search asks for, read from its own address (`/profiles/search?q=…`), so that a
//! result list can be shared, reloaded and used without JavaScript. Every parameter is
//! checked here, once, for the browser and the server; each problem is named by the form
//! field it belongs to.

use crate::error::FieldError;
use crate::profiles::model::{
    AccessType, EnforcementStatus, GrantStatus, Relationship, MAX_KEY_CHARS,
};
use crate::web::encode_query;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Where search results live.
pub const SEARCH_PATH: &str = "/profiles/search";
/// Longest search text: far beyond any id, name or metadata value (512 characters at
/// most) worth typing, short enough that no query is costly.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Longest program, grant or reason name accepted: the API's are a few words.
const MAX_NAME_CHARS: usize = 64;
/// Longest keyset cursor accepted back from an address.
const MAX_AFTER_CHARS: usize = 1_200;

/// Which trust-grant status a profile must have: any grant in that status, or no grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantFilter {
    Status(GrantStatus),
    None,
}

impl GrantFilter {
    pub const ALL: [GrantFilter; 4] = [
        Self::Status(GrantStatus::Active),
        Self::Status(GrantStatus::Pending),
        Self::Status(GrantStatus::Rejected),
        Self::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Status(s) => s.as_str(),
            Self::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Status(GrantStatus::Active) => "Active",
            Self::Status(GrantStatus::Pending) => "Pending",
            Self::Status(GrantStatus::Rejected) => "Rejected",
            Self::None => "No trust grant",
        }
    }
}

/// Result order, after exact id / external id matches, which always come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Self::Newest, Self::Oldest, Self::Name];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Name => "name",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
            Self::Name => "Name (A–Z)",
        }
    }
}

/// A checked search: text (possibly empty: filters alone list the index) and filters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Trimmed, control characters removed; matched as a literal substring.
    pub text: String,
    /// A 2026-03-24 relationship.
    pub relationship: Option<Relationship>,
    /// A GA access type; the index keeps it where it keeps a relationship.
    pub access_type: Option<AccessType>,
    /// A GA enforcement status.
    pub enforcement: Option<EnforcementStatus>,
    pub grant: Option<GrantFilter>,
    /// The program (GA) or trust grant (2026-03-24) that `grant` is about; alone, any
    /// status of it.
    pub program: Option<String>,
    /// An open enforcement action's reason, as the API names it (GA).
    pub reason: Option<String>,
    /// Created on or after this day (UTC).
    pub created_from: Option<Date>,
    /// Created on or before this day (UTC).
    pub created_to: Option<Date>,
    /// Has this metadata key.
    pub has_key: Option<String>,
    pub sort: Sort,
    /// Opaque keyset position from a previous page's `next`.
    pub after: Option<String>,
}

/// The address parameters, by the names of the form's fields.
pub mod param {
    pub const TEXT: &str = "q";
    pub const RELATIONSHIP: &str = "relationship";
    pub const ACCESS_TYPE: &str = "access_type";
    pub const ENFORCEMENT: &str = "enforcement";
    pub const GRANT: &str = "grant";
    pub const PROGRAM: &str = "program";
    pub const REASON: &str = "reason";
    pub const CREATED_FROM: &str = "created_from";
    pub const CREATED_TO: &str = "created_to";
    pub const HAS_KEY: &str = "has_key";
    pub const SORT: &str = "sort";
    pub const AFTER: &str = "after";
}

/// `YYYY-MM-DD`, by hand: `time`'s parser would add its machinery to the browser bundle
/// for this one layout (see `timestamp.rs`).
/// A search's address as typed, before any check: what the form shows back, and what the
/// search server function receives (and checks again, trusting no browser).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub relationship: Option<String>,
    pub access_type: Option<String>,
    pub enforcement: Option<String>,
    pub grant: Option<String>,
    pub program: Option<String>,
    pub reason: Option<String>,
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    pub has_key: Option<String>,
    pub sort: Option<String>,
    pub after: Option<String>,
}

impl SearchParams {
    /// Every parameter of an address; an empty one counts as absent.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| get(name).filter(|v| !v.is_empty());
        Self {
            q: get(param::TEXT),
            relationship: get(param::RELATIONSHIP),
            access_type: get(param::ACCESS_TYPE),
            enforcement: get(param::ENFORCEMENT),
            grant: get(param::GRANT),
            program: get(param::PROGRAM),
            reason: get(param::REASON),
            created_from: get(param::CREATED_FROM),
            created_to: get(param::CREATED_TO),
            has_key: get(param::HAS_KEY),
            sort: get(param::SORT),
            after: get(param::AFTER),
        }
    }

    /// The value of one parameter, by its address name.
    pub fn get(&self, name: &str) -> Option<&str> {
        match name {
            param::TEXT => &self.q,
            param::RELATIONSHIP => &self.relationship,
            param::ACCESS_TYPE => &self.access_type,
            param::ENFORCEMENT => &self.enforcement,
            param::GRANT => &self.grant,
            param::PROGRAM => &self.program,
            param::REASON => &self.reason,
            param::CREATED_FROM => &self.created_from,
            param::CREATED_TO => &self.created_to,
            param::HAS_KEY => &self.has_key,
            param::SORT => &self.sort,
            param::AFTER => &self.after,
            _ => &None,
        }
        .as_deref()
    }

    /// The filters alone, as another page takes them (the review queue): no text, order
    /// or page of results, whose names that page may use for its own.
    pub fn filters_only(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            q: None,
            sort: None,
            after: None,
            ..Self::from_query(get)
        }
    }

    /// Checks them all.
    pub fn parse(&self) -> Result<SearchQuery, Vec<FieldError>> {
        SearchQuery::from_query(|name| self.get(name).map(str::to_owned))
    }
}

/// A `YYYY-MM-DD` day typed into `field`.
pub fn parse_day(field: &str, raw: &str) -> Result<Date, FieldError> {
    let number = |part: Option<&str>, len: usize| {
        part.filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u16>().ok())
    };
    let mut parts = raw.split('-');
    let (year, month, day) = (
        number(parts.next(), 4),
        number(parts.next(), 2),
        number(parts.next(), 2),
    );
    let date = match (year, month, day, parts.next()) {
        (Some(y), Some(m), Some(d), None) => u8::try_from(m)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .and_then(|m| Date::from_calendar_date(i32::from(y), m, u8::try_from(d).ok()?).ok()),
        _ => None,
    };
    date.ok_or_else(|| FieldError::new(field, "must be a date like 2026-03-24"))
}

/// The text as searched: control characters (NUL, line breaks) become spaces, runs of
/// spaces one, and the ends are trimmed.
pub fn clean_text(raw: &str) -> String {
    raw.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl SearchQuery {
    /// Reads the search from an address's query. An absent or empty parameter means "any".
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let given = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let text = clean_text(&get(param::TEXT).unwrap_or_default());
        let chars = text.chars().count();
        if chars > MAX_SEARCH_CHARS {
            errors.push(FieldError::new(
                param::TEXT,
                format!("Search text must be at most {MAX_SEARCH_CHARS} characters (got {chars})"),
            ));
        }
        let relationship = given(param::RELATIONSHIP).and_then(|raw| {
            Relationship::parse(raw.trim())
                .map_err(|e| errors.push(e))
                .ok()
        });
        let access_type = given(param::ACCESS_TYPE).and_then(|raw| {
            AccessType::parse(raw.trim())
                .map_err(|e| errors.push(FieldError::new(param::ACCESS_TYPE, e.message)))
                .ok()
        });
        let enforcement = given(param::ENFORCEMENT).and_then(|raw| {
            let found = EnforcementStatus::parse(raw.trim());
            if found.is_none() {
                errors.push(FieldError::new(
                    param::ENFORCEMENT,
                    "must be unrestricted, pending, restricted or banned",
                ));
            }
            found
        });
        let grant = given(param::GRANT).and_then(|raw| {
            let found = GrantFilter::ALL
                .into_iter()
                .find(|g| g.as_str() == raw.trim());
            if found.is_none() {
                errors.push(FieldError::new(
                    param::GRANT,
                    "must be active, pending, rejected or none",
                ));
            }
            found
        });
        let mut name = |field: &'static str| {
            given(field).and_then(|raw| {
                let raw = raw.trim().to_owned();
                let named = raw.len() <= MAX_NAME_CHARS
                    && raw
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
                if !named {
                    errors.push(FieldError::new(
                        field,
                        format!("must be a name as the API gives it: at most {MAX_NAME_CHARS} letters, digits, _, - or ."),
                    ));
                }
                named.then_some(raw)
            })
        };
        let program = name(param::PROGRAM);
        let reason = name(param::REASON);
        let mut day = |name: &str| {
            given(name).and_then(|raw| parse_day(name, raw.trim()).map_err(|e| errors.push(e)).ok())
        };
        let created_from = day(param::CREATED_FROM);
        let created_to = day(param::CREATED_TO);
        if let (Some(from), Some(to)) = (created_from, created_to) {
            if to < from {
                errors.push(FieldError::new(
                    param::CREATED_TO,
                    "must not be before the \"created from\" date",
                ));
            }
        }
        let has_key = given(param::HAS_KEY).map(|k| k.trim().to_owned());
        if let Some(key) = &has_key {
            let n = key.chars().count();
            if n > MAX_KEY_CHARS || key.chars().any(char::is_control) {
                errors.push(FieldError::new(
                    param::HAS_KEY,
                    format!("must be a metadata key: at most {MAX_KEY_CHARS} characters, no control characters"),
                ));
            }
        }
        let sort = match given(param::SORT) {
            None => Sort::default(),
            Some(raw) => Sort::ALL
                .into_iter()
                .find(|s| s.as_str() == raw.trim())
                .unwrap_or_else(|| {
                    errors.push(FieldError::new(
                        param::SORT,
                        "must be newest, oldest or name",
                    ));
                    Sort::default()
                }),
        };
        let after = given(param::AFTER);
        if let Some(after) = &after {
            let shaped = after.len() <= MAX_AFTER_CHARS
                && after
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
            if !shaped {
                errors.push(FieldError::new(
                    param::AFTER,
                    "This results link is damaged; start the search again",
                ));
            }
        }
        if errors.is_empty() {
            Ok(Self {
                text,
                relationship,
                access_type,
                enforcement,
                grant,
                program,
                reason,
                created_from,
                created_to,
                has_key,
                sort,
                after,
            })
        } else {
            Err(errors)
        }
    }

    /// The relationship or access type asked for, as the index keeps it.
    pub fn kind(&self) -> Option<&'static str> {
        self.relationship
            .map(Relationship::as_str)
            .or(self.access_type.map(AccessType::as_str))
    }

    /// Whether anything narrows the index: text or a filter.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
            && self.relationship.is_none()
            && self.access_type.is_none()
            && self.enforcement.is_none()
            && self.grant.is_none()
            && self.program.is_none()
            && self.reason.is_none()
            && self.created_from.is_none()
            && self.created_to.is_none()
            && self.has_key.is_none()
    }

    /// This search's address parameters that are set, by their names: text, filters,
    /// order and page.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let day = |d: Option<Date>| d.map(crate::timestamp::ymd).unwrap_or_default();
        let sort = match self.sort {
            Sort::Newest => String::new(),
            other => other.as_str().to_owned(),
        };
        let params = [
            (param::TEXT, self.text.clone()),
            (
                param::RELATIONSHIP,
                self.relationship
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            (
                param::ACCESS_TYPE,
                self.access_type
                    .map(|a| a.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            (
                param::ENFORCEMENT,
                self.enforcement
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            (
                param::GRANT,
                self.grant
                    .map(|g| g.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            (param::PROGRAM, self.program.clone().unwrap_or_default()),
            (param::REASON, self.reason.clone().unwrap_or_default()),
            (param::CREATED_FROM, day(self.created_from)),
            (param::CREATED_TO, day(self.created_to)),
            (param::HAS_KEY, self.has_key.clone().unwrap_or_default()),
            (param::SORT, sort),
            (param::AFTER, self.after.clone().unwrap_or_default()),
        ];
        params.into_iter().filter(|(_, v)| !v.is_empty()).collect()
    }

    /// This search's address (the page `after` names, if any).
    pub fn href(&self) -> String {
        let query = encode_query(&self.pairs());
        if query.is_empty() {
            SEARCH_PATH.to_owned()
        } else {
            format!("{SEARCH_PATH}?{query}")
        }
    }

    /// The same search from its first page.
    pub fn first_page(&self) -> Self {
        Self {
            after: None,
            ..self.clone()
        }
    }

    /// The page after a `next` position.
    pub fn next_page(&self, next: String) -> Self {
        Self {
            after: Some(next),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<SearchQuery, Vec<FieldError>> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        SearchQuery::from_query(|k| map.get(k).cloned())
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn an_empty_address_is_the_whole_index_newest_first() {
        let q = parse(&[]).unwrap();
        assert!(q.is_empty());
        assert_eq!(q.sort, Sort::Newest);
        assert_eq!(q.href(), "/profiles/search");
        // Blank parameters, as an unfilled GET form sends them, mean "any".
        let blank = parse(&[
            ("q", "  "),
            ("relationship", ""),
            ("grant", ""),
            ("sort", ""),
        ]);
        assert_eq!(blank.unwrap(), q);
    }

    #[test]
    fn text_is_cleaned_but_otherwise_kept_as_typed() {
        for (raw, clean) in [
            ("  Acme  Analytics ", "Acme Analytics"),
            ("a\0b", "a b"),
            ("line\nbreak\ttab", "line break tab"),
            (
                "100% _under_ \\back\\ \"quoted\" OR *",
                "100% _under_ \\back\\ \"quoted\" OR *",
            ),
            ("\u{200F}שלום\u{200E}", "\u{200F}שלום\u{200E}"),
            ("🦀 crab", "🦀 crab"),
        ] {
            assert_eq!(parse(&[("q", raw)]).unwrap().text, clean, "{raw:?}");
        }
    }

    #[test]
    fn overlong_text_is_refused_with_its_length() {
        let long = "x".repeat(10 * 1024);
        let errors = parse(&[("q", &long)]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "q");
        assert!(errors[0].message.contains("10240"), "{}", errors[0].message);
        assert!(parse(&[("q", &"é".repeat(MAX_SEARCH_CHARS))]).is_ok());
    }

    #[test]
    fn days_are_calendar_dates() {
        assert_eq!(
            parse(&[("created_from", "2026-02-28")])
                .unwrap()
                .created_from,
            Some(time::macros::date!(2026 - 02 - 28))
        );
        for bad in [
            "2026-2-28",
            "26-02-28",
            "2026-02-28-01",
            "2026/02/28",
            "+026-02-28",
            "yesterday",
        ] {
            assert!(parse(&[("created_from", bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_bad_filter_is_named_by_its_field() {
        let errors = parse(&[
            ("relationship", "partner"),
            ("grant", "maybe"),
            ("program", "cyber' OR 1=1"),
            ("reason", &"r".repeat(65)),
            ("created_from", "2026-13-01"),
            ("created_to", "2026-02-30"),
            ("has_key", &"k".repeat(MAX_KEY_CHARS + 1)),
            ("sort", "random"),
            ("after", "not a cursor!"),
        ])
        .unwrap_err();
        assert_eq!(
            fields(errors),
            [
                "relationship",
                "grant",
                "program",
                "reason",
                "created_from",
                "created_to",
                "has_key",
                "sort",
                "after"
            ]
        );
        let reversed = parse(&[("created_from", "2026-05-02"), ("created_to", "2026-05-01")]);
        assert_eq!(fields(reversed.unwrap_err()), ["created_to"]);
    }

    #[test]
    fn filters_round_trip_through_the_address() {
        let q = parse(&[
            ("q", "Zoë & co=1"),
            ("relationship", "resold"),
            ("grant", "none"),
            ("program", "efs"),
            ("reason", "high_harm"),
            ("created_from", "2026-04-01"),
            ("created_to", "2026-04-30"),
            ("has_key", "crm id"),
            ("sort", "name"),
        ])
        .unwrap();
        assert_eq!(q.grant, Some(GrantFilter::None));
        assert_eq!(
            (q.program.as_deref(), q.reason.as_deref()),
            (Some("efs"), Some("high_harm"))
        );
        let href = q.href();
        assert!(
            href.starts_with("/profiles/search?q=Zo%C3%AB%20%26%20co%3D1&"),
            "{href}"
        );
        let query = href.split_once('?').unwrap().1;
        let map: HashMap<String, String> = query
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                let v = percent_encoding::percent_decode_str(v)
                    .decode_utf8()
                    .unwrap();
                (k.to_owned(), v.into_owned())
            })
            .collect();
        assert_eq!(SearchQuery::from_query(|k| map.get(k).cloned()).unwrap(), q);
        let next = q.next_page("abc_1".into());
        assert!(next.href().ends_with("&after=abc_1"));
        assert_eq!(next.first_page(), q);
    }
}

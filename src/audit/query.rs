//! Which entries a request asks for: the filters and the page cursor of the History, the
//! Audit log and the CSV, read from query parameters (`audit::param`) and checked.

use crate::audit::{param, Action};
use crate::error::{AppError, FieldError};
use crate::profiles::model::ProfileId;

/// Entries per page.
pub const PAGE_SIZE: u32 = 25;
/// Longest actor name a filter accepts (proxy user names can be longer than local ones).
pub const MAX_ACTOR: usize = 256;

/// Which entries to show: every filter optional, all in the URL so a view can be shared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub actor: Option<String>,
    pub action: Option<Action>,
    pub profile_id: Option<ProfileId>,
    /// First day, UTC (`YYYY-MM-DD`).
    pub from: Option<time::Date>,
    /// Last day, UTC, inclusive.
    pub to: Option<time::Date>,
}

impl Filter {
    /// From the page's query parameters, as typed: each bad one is a field error.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let text = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let actor = text(param::ACTOR);
        if actor
            .as_ref()
            .is_some_and(|a| a.chars().count() > MAX_ACTOR)
        {
            errors.push(FieldError::new(
                param::ACTOR,
                format!("is at most {MAX_ACTOR} characters"),
            ));
        }
        let action = text(param::ACTION).and_then(|raw| {
            let parsed = Action::parse(&raw);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    param::ACTION,
                    "is not an action of the log",
                ));
            }
            parsed
        });
        let profile_id = text(param::PROFILE).and_then(|raw| {
            ProfileId::parse(&raw)
                .map_err(|_| errors.push(FieldError::new(param::PROFILE, "is not a profile ID")))
                .ok()
        });
        let mut day = |name: &str| {
            text(name).and_then(|raw| {
                parse_day(&raw)
                    .ok_or_else(|| errors.push(FieldError::new(name, "is not a date (YYYY-MM-DD)")))
                    .ok()
            })
        };
        let (from, to) = (day(param::FROM), day(param::TO));
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.push(FieldError::new(param::TO, "is before the first day"));
            }
        }
        let filter = Self {
            actor: actor.map(|a| a.to_lowercase()),
            action,
            profile_id,
            from,
            to,
        };
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(errors)
        }
    }
}

fn parse_day(raw: &str) -> Option<time::Date> {
    time::Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// A filter and cursor from query parameters, or every reason they are not one.
pub fn parse_request(
    get: impl Fn(&str) -> Option<String>,
) -> Result<(Filter, Option<Cursor>), AppError> {
    let filter = Filter::from_query(&get);
    let cursor = get(param::PAGE)
        .filter(|p| !p.is_empty())
        .map(|raw| Cursor::parse(&raw))
        .transpose();
    match (filter, cursor) {
        (Ok(filter), Ok(cursor)) => Ok((filter, cursor)),
        (filter, cursor) => {
            let mut errors = filter.err().unwrap_or_default();
            errors.extend(cursor.err());
            Err(AppError::invalid(errors))
        }
    }
}

/// A position in the log: the `at` and `id` of the last entry shown. Entries are
/// ordered by both, so ties in time never skip or repeat an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.at, self.id)
    }

    /// Accepts only what [`Cursor::encode`] makes: a stamp and 32 hex digits.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let invalid = || FieldError::new(param::PAGE, "is not a page of this log");
        let (at, id) = raw.split_once('_').ok_or_else(invalid)?;
        let stamp = at.len() == 27
            && at.ends_with('Z')
            && at
                .bytes()
                .all(|b| b.is_ascii_digit() || b"-:.TZ".contains(&b));
        let hex = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
        if stamp && hex {
            Ok(Self {
                at: at.to_owned(),
                id: id.to_owned(),
            })
        } else {
            Err(invalid())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn filters_are_read_from_the_url() {
        let pairs = [
            ("actor", " Alice "),
            ("action", "profile.update"),
            ("profile", "uprof_01ABCDEFGHJKMNPQRSTVWXYZ01"),
            ("from", "2026-03-01"),
            ("to", "2026-03-31"),
        ];
        let filter = Filter::from_query(query(&pairs)).unwrap();
        assert_eq!(filter.actor.as_deref(), Some("alice"));
        assert_eq!(filter.action, Some(Action::ProfileUpdate));
        assert_eq!(
            filter.profile_id.as_ref().map(ProfileId::as_str),
            Some("uprof_01ABCDEFGHJKMNPQRSTVWXYZ01")
        );
        assert_eq!(
            (filter.from, filter.to),
            (
                Some(time::macros::date!(2026 - 03 - 01)),
                Some(time::macros::date!(2026 - 03 - 31))
            )
        );
        assert_eq!(
            Filter::from_query(query(&[("actor", "  ")])).unwrap(),
            Filter::default()
        );
    }

    #[test]
    fn each_bad_filter_gets_its_own_message() {
        let pairs = [
            ("action", "delete"),
            ("profile", "../etc"),
            ("from", "2026-02-30"),
            ("to", "yesterday"),
        ];
        let errors = Filter::from_query(query(&pairs)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["action", "profile", "from", "to"]);
        let reversed = Filter::from_query(query(&[("from", "2026-03-02"), ("to", "2026-03-01")]));
        assert_eq!(reversed.unwrap_err()[0].field, "to");
    }

    #[test]
    fn cursors_accept_only_their_own_shape() {
        let cursor = Cursor {
            at: "2026-03-24T09:05:07.000001Z".into(),
            id: "0123456789abcdef0123456789abcdef".into(),
        };
        assert_eq!(Cursor::parse(&cursor.encode()).unwrap(), cursor);
        for bad in [
            "",
            "2026-03-24T09:05:07.000001Z",
            "2026-03-24T09:05:07.000001Z_xyz",
            "2026-03-24T09:05:07.000001Z_0123456789abcdef0123456789abcdeg",
            "' OR 1=1 --_0123456789abcdef0123456789abcdef",
        ] {
            assert!(Cursor::parse(bad).is_err(), "{bad:?}");
        }
    }
}

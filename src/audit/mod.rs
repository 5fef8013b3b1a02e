//! The audit trail: who did what to which profile, when, and what it was before — which
//! the User Profiles API does not keep.
//!
//! The types here cross the wire (the History section and the Audit log page read them);
//! the rest is server-only: the diffs ([`diff`]), the table ([`store`]), the recording of
//! each action ([`record`]) and the CSV download ([`csv`]).

pub mod server;
pub mod view;

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod diff;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod store;

use crate::profiles::model::{FieldError, ProfileId};
use serde::{Deserialize, Serialize};

/// What was done (or attempted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    ProfileCreate,
    ProfileUpdate,
    EnrollmentUrl,
    SignIn,
    SignOut,
    /// Something the visitor's role does not allow; the entry's detail says what.
    Refused,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Self::ProfileCreate,
        Self::ProfileUpdate,
        Self::EnrollmentUrl,
        Self::SignIn,
        Self::SignOut,
        Self::Refused,
    ];

    /// As stored, in URLs and in the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProfileCreate => "profile.create",
            Self::ProfileUpdate => "profile.update",
            Self::EnrollmentUrl => "enrollment_url.create",
            Self::SignIn => "sign_in",
            Self::SignOut => "sign_out",
            Self::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ProfileCreate => "Created profile",
            Self::ProfileUpdate => "Updated profile",
            Self::EnrollmentUrl => "Generated enrollment URL",
            Self::SignIn => "Signed in",
            Self::SignOut => "Signed out",
            Self::Refused => "Refused",
        }
    }
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// Written before the upstream call; completed when it answers. One that stays
    /// pending is an attempt whose end was never recorded (the console stopped, or the
    /// database failed in between).
    Pending,
    Succeeded,
    Failed,
    /// Sent, but no answer came back: it may or may not have happened.
    Uncertain,
    /// Not allowed: the role, a stale form, too many attempts.
    Refused,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Self::Pending,
        Self::Succeeded,
        Self::Failed,
        Self::Uncertain,
        Self::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Uncertain => "uncertain",
            Self::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "No outcome recorded",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Uncertain => "Outcome unknown",
            Self::Refused => "Refused",
        }
    }
}

/// One field's change: `metadata.KEY` for a metadata key. `None` is "not set".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    /// RFC 3339 UTC with microseconds.
    pub at: String,
    pub actor: String,
    /// The actor's role then; none for a failed sign-in.
    pub role: Option<String>,
    pub action: Action,
    pub profile_id: Option<String>,
    pub outcome: Outcome,
    /// Why it failed or was refused, in the words the visitor was shown.
    pub detail: Option<String>,
    pub changes: Vec<Change>,
    /// The console's `x-request-id`.
    pub request_id: Option<String>,
    /// The User Profiles API's `request-id`.
    pub upstream_request_id: Option<String>,
}

/// One page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPage {
    pub entries: Vec<Entry>,
    /// The cursor of the next (older) page.
    pub next: Option<String>,
}

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

/// The query parameters of the Audit log page, the CSV download and the history pager.
pub mod param {
    pub const ACTOR: &str = "actor";
    pub const ACTION: &str = "action";
    pub const PROFILE: &str = "profile";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const PAGE: &str = "page";
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

    /// The query parameters that select this view (none when unfiltered), for links.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        let mut add = |name, value: Option<String>| {
            if let Some(value) = value {
                query.push((name, value));
            }
        };
        add(param::ACTOR, self.actor.clone());
        add(param::ACTION, self.action.map(|a| a.as_str().to_owned()));
        add(
            param::PROFILE,
            self.profile_id.as_ref().map(ToString::to_string),
        );
        add(param::FROM, self.from.map(format_day));
        add(param::TO, self.to.map(format_day));
        query
    }
}

fn parse_day(raw: &str) -> Option<time::Date> {
    let mut parts = raw.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let month = time::Month::try_from(month.parse::<u8>().ok()?).ok()?;
    time::Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

pub fn format_day(day: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
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
    fn filters_round_trip_through_the_url() {
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
        let again: Vec<(&str, String)> = filter.to_query();
        let again: Vec<(&str, &str)> = again.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(Filter::from_query(query(&again)).unwrap(), filter);
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
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
    }
}

//! The review queue's address: which tab, where a page starts, and the tab's window
//! (`/review?tab=expiring&days=14&after=…`). Read once, for the browser and again on the
//! server; a value out of range is refused next to its field, never guessed.

use crate::error::FieldError;
use crate::profiles::model::ProfileId;
use crate::profiles::search::query::{parse_day, SearchParams, SearchQuery};
use crate::timestamp::ymd;
use serde::{Deserialize, Serialize};
use time::Date;

pub const REVIEW_PATH: &str = "/review";

/// The names in the address.
pub mod param {
    pub const TAB: &str = "tab";
    pub const AFTER: &str = "after";
    pub const DAYS: &str = "days";
    /// `1`: leave out rows marked followed up, until their date passes or their status
    /// changes again.
    pub const HIDE: &str = "hide";
    /// On *Changed recently*: the window's last day (`YYYY-MM-DD`, UTC), when it is not
    /// today: the overview's weeks link there.
    pub const UNTIL: &str = "until";
}

/// Restrictions ending within this many days are *Expiring soon*, unless the address says.
pub const DEFAULT_EXPIRING_DAYS: u32 = 14;
/// Changes within this many days are *Changed recently*, unless the address says.
pub const DEFAULT_CHANGED_DAYS: u32 = 7;
/// The longest window either tab takes.
pub const MAX_DAYS: u32 = 366;

/// One tab of the queue (docs/review.md, "The queue").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tab {
    CanClear,
    Waiting,
    Restricted,
    Banned,
    Rejected,
    Expiring,
    Changed,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Self::CanClear,
        Self::Waiting,
        Self::Restricted,
        Self::Banned,
        Self::Rejected,
        Self::Expiring,
        Self::Changed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CanClear => "can-clear",
            Self::Waiting => "waiting",
            Self::Restricted => "restricted",
            Self::Banned => "banned",
            Self::Rejected => "rejected",
            Self::Expiring => "expiring",
            Self::Changed => "changed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CanClear => "Can clear now",
            Self::Waiting => "Waiting on Anthropic",
            Self::Restricted => "Restricted",
            Self::Banned => "Banned",
            Self::Rejected => "Rejected",
            Self::Expiring => "Expiring soon",
            Self::Changed => "Changed recently",
        }
    }

    /// What the tab lists, in one line.
    pub fn meaning(self, span: Span) -> String {
        let days = span.days;
        match self {
            Self::CanClear => "Restricted profiles with an open restriction the end user can clear now by passing an identity check. Those never sent a link from this console come first.".into(),
            Self::Waiting => "A program or trust grant pending, or an identity check under review: oldest first.".into(),
            Self::Restricted => "Enforcement status restricted.".into(),
            Self::Banned => "Enforcement status banned.".into(),
            Self::Rejected => "A program or trust grant rejected.".into(),
            Self::Expiring => format!("Open restrictions ending within {days} days: soonest first."),
            Self::Changed => match span.until {
                None => format!("Every status change observed in the last {days} days: newest first."),
                Some(until) => format!("Every status change observed in the {days} days to {} (UTC): newest first.", ymd(until)),
            },
        }
    }

    /// Whether the data of the version the console speaks supports the tab: the beta has
    /// trust grants and no enforcement.
    pub fn speaks(self, ga: bool) -> bool {
        ga || matches!(self, Self::Waiting | Self::Rejected | Self::Changed)
    }

    /// The window in days the tab takes (`days=`), if any.
    pub fn default_days(self) -> Option<u32> {
        match self {
            Self::Expiring => Some(DEFAULT_EXPIRING_DAYS),
            Self::Changed => Some(DEFAULT_CHANGED_DAYS),
            _ => None,
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == raw)
    }
}

/// A tab's window: `days` long, ending now or (*Changed recently*) at the end of
/// `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub days: u32,
    pub until: Option<Date>,
}

impl From<u32> for Span {
    fn from(days: u32) -> Self {
        Self { days, until: None }
    }
}

/// Where a page starts: the row after the last one of the page before, by the tab's
/// order: a sort key (a database stamp, or empty) and the row's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct After {
    pub key: String,
    pub id: String,
}

impl After {
    pub fn encode(&self) -> String {
        format!("{}~{}", self.key, self.id)
    }

    /// A cursor the console made: a stamp or nothing, `~`, and a profile id (or, on
    /// *Changed recently*, a change's 32 hex digits).
    pub fn parse(raw: &str, tab: Tab) -> Option<Self> {
        let (key, id) = raw.split_once('~')?;
        let key_ok = key.len() <= 32
            && key
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'.' | b'T' | b'Z'));
        let id_ok = match tab {
            Tab::Changed => id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            _ => ProfileId::parse(id).is_ok(),
        };
        (key_ok && id_ok).then(|| Self {
            key: key.to_owned(),
            id: id.to_owned(),
        })
    }
}

/// The address's values as they came, for the form to show back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewParams {
    pub tab: Option<String>,
    pub after: Option<String>,
    pub days: Option<String>,
    pub hide: Option<String>,
    pub until: Option<String>,
    /// The search page's filters, by the same names (none when a caller leaves them out).
    #[serde(default)]
    pub filters: SearchParams,
}

/// A checked queue address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQuery {
    pub tab: Tab,
    pub after: Option<After>,
    /// The tab's window, for *Expiring soon* and *Changed recently*.
    pub days: u32,
    /// Leave out rows marked followed up (until their date passes or their status
    /// changes again).
    pub hide: bool,
    /// On *Changed recently*: the window's last day, if not today.
    pub until: Option<Date>,
    /// The search page's filters (no text, order or page of its own).
    pub filters: SearchQuery,
}

impl ReviewParams {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let given = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        Self {
            tab: given(param::TAB),
            after: given(param::AFTER),
            days: given(param::DAYS),
            hide: given(param::HIDE),
            until: given(param::UNTIL),
            filters: SearchParams::filters_only(&get),
        }
    }

    /// The query, or each problem next to its field. No tab means the first one the
    /// version speaks.
    pub fn parse(&self, ga: bool) -> Result<ReviewQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let first = if ga { Tab::CanClear } else { Tab::Waiting };
        let tab = match self.tab.as_deref().map(str::trim) {
            None => first,
            Some(raw) => match Tab::parse(raw) {
                Some(tab) if tab.speaks(ga) => tab,
                Some(_) => {
                    errors.push(FieldError::new(
                        param::TAB,
                        "is not available under the API version this console speaks",
                    ));
                    first
                }
                None => {
                    errors.push(FieldError::new(
                        param::TAB,
                        "is not a tab of the review queue",
                    ));
                    first
                }
            },
        };
        let days = match (self.days.as_deref().map(str::trim), tab.default_days()) {
            (None, default) => default.unwrap_or(DEFAULT_EXPIRING_DAYS),
            (Some(raw), _) => match raw.parse::<u32>() {
                Ok(days) if (1..=MAX_DAYS).contains(&days) => days,
                _ => {
                    errors.push(FieldError::new(
                        param::DAYS,
                        format!("must be a whole number of days from 1 to {MAX_DAYS}"),
                    ));
                    tab.default_days().unwrap_or(DEFAULT_EXPIRING_DAYS)
                }
            },
        };
        let after = match self.after.as_deref() {
            None => None,
            Some(raw) => match After::parse(raw, tab) {
                Some(after) => Some(after),
                None => {
                    errors.push(FieldError::new(
                        param::AFTER,
                        "is not a page of this tab; start again from its first page",
                    ));
                    None
                }
            },
        };
        let hide = match self.hide.as_deref().map(str::trim) {
            None | Some("0") => false,
            Some("1") => true,
            Some(_) => {
                errors.push(FieldError::new(param::HIDE, "must be 1 or 0"));
                false
            }
        };
        let until = match self.until.as_deref().map(str::trim) {
            None => None,
            Some(_) if tab != Tab::Changed => {
                errors.push(FieldError::new(
                    param::UNTIL,
                    "only applies to the Changed recently tab",
                ));
                None
            }
            Some(raw) => parse_day(param::UNTIL, raw)
                .map_err(|e| errors.push(e))
                .ok(),
        };
        let filters = self.filters.parse().unwrap_or_else(|refused| {
            errors.extend(refused);
            SearchQuery::default()
        });
        if errors.is_empty() {
            Ok(ReviewQuery {
                tab,
                after,
                days,
                hide,
                until,
                filters,
            })
        } else {
            Err(errors)
        }
    }
}

impl ReviewQuery {
    /// This tab's window.
    pub fn span(&self) -> Span {
        Span {
            days: self.days,
            until: self.until,
        }
    }

    /// This page's address with rows marked followed up shown or hidden.
    pub fn with_hidden(&self, hide: bool) -> String {
        Self {
            hide,
            ..self.clone()
        }
        .href(self.tab, None)
    }

    /// The address of this tab's page starting after `after` (the first page if `None`).
    pub fn href(&self, tab: Tab, after: Option<&After>) -> String {
        let mut pairs = vec![(param::TAB, tab.as_str().to_owned())];
        if tab == self.tab && tab.default_days().is_some_and(|d| d != self.days) {
            pairs.push((param::DAYS, self.days.to_string()));
        }
        if let Some(until) = self.until.filter(|_| tab == self.tab) {
            pairs.push((param::UNTIL, ymd(until)));
        }
        if self.hide {
            pairs.push((param::HIDE, "1".to_owned()));
        }
        pairs.extend(self.filters.pairs());
        if let Some(after) = after {
            pairs.push((param::AFTER, after.encode()));
        }
        format!("{REVIEW_PATH}?{}", crate::web::encode_query(&pairs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(tab: Option<&str>, after: Option<&str>, days: Option<&str>) -> ReviewParams {
        ReviewParams {
            tab: tab.map(str::to_owned),
            after: after.map(str::to_owned),
            days: days.map(str::to_owned),
            hide: None,
            until: None,
            filters: SearchParams::default(),
        }
    }

    #[test]
    fn an_address_reads_into_a_tab_its_window_and_a_cursor() {
        let q = params(None, None, None).parse(true).unwrap();
        assert_eq!((q.tab, q.after, q.days), (Tab::CanClear, None, 14));
        assert_eq!(
            params(None, None, None).parse(false).unwrap().tab,
            Tab::Waiting
        );
        let q = params(Some("changed"), None, None).parse(true).unwrap();
        assert_eq!(q.days, DEFAULT_CHANGED_DAYS);
        let after = After {
            key: "2026-03-15T10:00:00.000000Z".into(),
            id: "uprof_01abc".into(),
        };
        let q = params(Some("waiting"), Some(&after.encode()), None)
            .parse(true)
            .unwrap();
        assert_eq!(q.after, Some(after.clone()));
        assert_eq!(
            q.href(Tab::Waiting, Some(&after)),
            "/review?tab=waiting&after=2026-03-15T10%3A00%3A00.000000Z~uprof_01abc"
        );
        let q = params(Some("expiring"), None, Some("30"))
            .parse(true)
            .unwrap();
        assert_eq!(q.href(Tab::Expiring, None), "/review?tab=expiring&days=30");
        assert_eq!(q.href(Tab::Banned, None), "/review?tab=banned");
        let hidden = ReviewParams {
            hide: Some("1".into()),
            ..params(Some("banned"), None, None)
        }
        .parse(true)
        .unwrap();
        assert!(hidden.hide);
        assert_eq!(
            hidden.href(Tab::Waiting, None),
            "/review?tab=waiting&hide=1"
        );
        assert_eq!(hidden.with_hidden(false), "/review?tab=banned");
        let week = ReviewParams {
            until: Some("2026-03-09".into()),
            ..params(Some("changed"), None, None)
        }
        .parse(true)
        .unwrap();
        assert_eq!(week.until.map(ymd).as_deref(), Some("2026-03-09"));
        assert_eq!(
            week.href(Tab::Changed, None),
            "/review?tab=changed&until=2026-03-09"
        );
        assert_eq!(week.href(Tab::Banned, None), "/review?tab=banned");
        for (tab, until) in [("changed", "2026-02-30"), ("banned", "2026-03-09")] {
            let refused = ReviewParams {
                until: Some(until.into()),
                ..params(Some(tab), None, None)
            };
            assert_eq!(refused.parse(true).unwrap_err()[0].field, "until");
        }
        let refused = ReviewParams {
            hide: Some("yes".into()),
            ..params(None, None, None)
        };
        assert_eq!(refused.parse(true).unwrap_err()[0].field, "hide");
    }

    #[test]
    fn a_bad_value_is_refused_by_its_field() {
        let fields = |p: ReviewParams, ga: bool| -> Vec<String> {
            p.parse(ga)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(params(Some("all"), None, None), true), ["tab"]);
        assert_eq!(fields(params(Some("banned"), None, None), false), ["tab"]);
        for days in ["0", "367", "-1", "2.5", "x"] {
            assert_eq!(
                fields(params(Some("expiring"), None, Some(days)), true),
                ["days"]
            );
        }
        for after in [
            "uprof_1",
            "x~'; DROP TABLE x",
            "2026~../etc",
            "~uprof_1/..",
            "<script>~uprof_1",
        ] {
            assert_eq!(
                fields(params(Some("restricted"), Some(after), None), true),
                ["after"],
                "{after}"
            );
        }
        assert_eq!(
            fields(params(Some("changed"), Some("~uprof_1"), None), true),
            ["after"]
        );
        assert!(params(
            Some("changed"),
            Some(&format!("2026-01-01T00:00:00.000000Z~{}", "a".repeat(32))),
            None
        )
        .parse(true)
        .is_ok());
    }
}

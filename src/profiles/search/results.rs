//! What a search answers, and how fresh the index behind it is: the types the server
//! functions send and the search page shows.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One found profile, as the index last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: String,
    pub external_id: Option<String>,
    pub name: Option<String>,
    /// The relationship (2026-03-24) or access type (GA), as it came.
    pub kind: String,
    #[serde(with = "crate::timestamp")]
    pub created_at: OffsetDateTime,
    /// Trust grants or programs, each with its status, as they came.
    pub standing: Vec<(String, String)>,
    /// GA's enforcement status, when the profile has one.
    pub enforcement: Option<String>,
    /// When the programs shown were learned from a retrieve; `None`: as a list shows
    /// them (GA's lists report programs incompletely).
    #[serde(default, with = "crate::timestamp::option")]
    pub programs_learned: Option<OffsetDateTime>,
    /// The search text is this profile's id or external id, exactly.
    pub exact: bool,
    /// Where the text matched, when it did.
    pub matched: Option<Matched>,
}

/// The matched part of one field, with a little context either side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matched {
    /// "ID", "external ID", "name" or "metadata <key>".
    pub field: String,
    pub before: String,
    pub text: String,
    pub after: String,
}

/// One page of results: `next` is the opaque position of the page after, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub next: Option<String>,
    /// The user may download the whole view (editors and admins).
    #[serde(default)]
    pub can_export: bool,
    /// Text under three characters: the page stopped after looking through this many
    /// profiles in order, short of a full page; `next` goes on from there.
    #[serde(default)]
    pub looked_through: Option<u64>,
}

/// How current the index is. Everyone sees the counts and times; `last_error` is filled
/// for admins only, since it may name upstream details a support agent does not need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexStatus {
    /// Profiles in the index (not counting those a complete walk no longer found).
    pub indexed: u64,
    /// Profiles this console read or changed whose write into the index failed and is
    /// being retried: until then a search may show them as they were.
    pub waiting_writes: u64,
    #[serde(with = "crate::timestamp::option")]
    pub last_complete_at: Option<OffsetDateTime>,
    pub walk: Option<WalkProgress>,
    pub last_error: Option<String>,
    #[serde(with = "crate::timestamp::option")]
    pub last_error_at: Option<OffsetDateTime>,
    /// An admin asked for a walk that has not started yet.
    pub refresh_requested: bool,
    /// The user may ask for a complete walk now (admins).
    pub can_refresh: bool,
    /// Under GA: profiles whose programs are not yet retrieved, or stale since a change
    /// (docs/review.md).
    #[serde(default)]
    pub programs_backlog: Option<u64>,
}

/// A walk of the whole list in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalkProgress {
    pub pages: u64,
    pub profiles: u64,
    #[serde(with = "crate::timestamp::option")]
    pub started_at: Option<OffsetDateTime>,
    /// Profiles per second since the walk started.
    pub rate: f64,
    /// Seconds left, from the size the last complete walk found; `None` before one.
    pub remaining_seconds: Option<u64>,
}

/// How many profiles' programs are not yet retrieved or stale, as a sentence: the
/// search page's freshness line and the review queue's say it alike.
pub fn backlog_words(n: u64) -> String {
    match n {
        0 => "Programs are as last retrieved for every profile.".to_owned(),
        1 => "1 profile's programs are not yet retrieved, or stale: shown as a list reports them."
            .to_owned(),
        n => format!(
            "{n} profiles' programs are not yet retrieved, or stale: shown as a list reports them."
        ),
    }
}

//! The audit trail: who did what to which profile, when, and what it was before — which
//! the User Profiles API does not keep.
//!
//! The types here cross the wire (the History section and the Audit log page read them);
//! the rest is server-only: reading filters and cursors ([`query`]),
//! the table ([`store`]), the recording of each action ([`record`]) and the CSV download
//! ([`csv`]). What a change did to a profile is the profile model's to say
//! (`profiles::model::changes`).

pub mod server;
pub mod view;

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod query;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// What was done (or attempted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    ProfileCreate,
    ProfileUpdate,
    ProfileDelete,
    EnrollmentUrl,
    SignIn,
    SignOut,
    /// Something the user's role does not allow; the entry's detail says what.
    Refused,
    /// An admin asked for a complete walk of the profile index now.
    IndexRefresh,
    /// Anthropic reported a change to a profile (a webhook); the profile was read again.
    WebhookEvent,
    /// An admin marked a review queue row followed up, with a note.
    ReviewFollowUp,
    /// A search or review queue view was downloaded; the detail says which, and how
    /// many rows.
    ProfilesExport,
    /// An import job was checked, started, paused, resumed, cancelled or finished; the
    /// detail names the job and says which, with its counts. Each row's create or update
    /// has its own entry, naming the job and the row's line.
    ImportJob,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Self::ProfileCreate,
        Self::ProfileUpdate,
        Self::ProfileDelete,
        Self::EnrollmentUrl,
        Self::SignIn,
        Self::SignOut,
        Self::Refused,
        Self::IndexRefresh,
        Self::WebhookEvent,
        Self::ReviewFollowUp,
        Self::ProfilesExport,
        Self::ImportJob,
    ];

    /// As stored, in URLs and in the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProfileCreate => "profile.create",
            Self::ProfileUpdate => "profile.update",
            Self::ProfileDelete => "profile.delete",
            Self::EnrollmentUrl => "enrollment_url.create",
            Self::SignIn => "sign_in",
            Self::SignOut => "sign_out",
            Self::Refused => "refused",
            Self::IndexRefresh => "index.refresh",
            Self::WebhookEvent => "webhook.event",
            Self::ReviewFollowUp => "review.follow_up",
            Self::ProfilesExport => "profiles.export",
            Self::ImportJob => "import.job",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ProfileCreate => "Created profile",
            Self::ProfileUpdate => "Updated profile",
            Self::ProfileDelete => "Deleted profile",
            Self::EnrollmentUrl => "Generated enrollment URL",
            Self::SignIn => "Signed in",
            Self::SignOut => "Signed out",
            Self::Refused => "Refused",
            Self::IndexRefresh => "Refreshed the profile index",
            Self::WebhookEvent => "Anthropic reported a change",
            Self::ReviewFollowUp => "Marked followed up",
            Self::ProfilesExport => "Exported profiles",
            Self::ImportJob => "Import job",
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
    /// Why it failed or was refused, in the words the user was shown.
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

/// The query parameters of the Audit log page, the CSV download and the history pager.
pub mod param {
    pub const ACTOR: &str = "actor";
    pub const ACTION: &str = "action";
    pub const PROFILE: &str = "profile";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const PAGE: &str = "page";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_outcomes_round_trip_as_text() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
    }
}

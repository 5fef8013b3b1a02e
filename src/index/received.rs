//! A profile as the index receives it, from a list page or from the console's own read or
//! write: typed for the index's columns, its JSON as it came, and how and when it was
//! observed, which decides what of it the index may trust (docs/review.md).

use crate::profiles::model::Profile;
use time::OffsetDateTime;

/// How a profile reached the index. Only a retrieve reports programs in full (a list, a
/// create and an update report `tiers: {}` and `efs: null`), so only [`How::Retrieve`]
/// and [`How::Webhook`] (whose profile the console re-reads) teach the index programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// A page of the sync's walk or pick-up of new profiles.
    Walk,
    /// A retrieve: a profile's page, the program pass, the re-read before an edit.
    Retrieve,
    /// The answer to the console's own create or update.
    Write,
    /// The re-read a webhook event asked for, with the event's own time.
    Webhook { event_at: Option<OffsetDateTime> },
}

impl How {
    /// As the timeline stores and shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Walk => "walk",
            Self::Retrieve => "retrieve",
            Self::Write => "write",
            Self::Webhook { .. } => "webhook",
        }
    }

    /// Whether the profile's programs came in full.
    pub fn reports_programs(self) -> bool {
        matches!(self, Self::Retrieve | Self::Webhook { .. })
    }
}

/// One profile as received: parsed (leniently) for the columns, its JSON as it came,
/// unknown fields and all, and how and when the console observed it.
#[derive(Debug, Clone)]
pub struct Received {
    pub profile: Profile,
    pub raw: String,
    pub how: How,
    /// When the answer arrived: an observation older than what the index already holds
    /// for a status does not undo it.
    pub observed_at: OffsetDateTime,
}

impl Received {
    /// From one element of a list page; `None` if it is not a profile at all (no id or
    /// no creation time), which the caller counts and logs.
    pub fn from_value(value: serde_json::Value, observed_at: OffsetDateTime) -> Option<Self> {
        let raw = value.to_string();
        serde_json::from_value(value).ok().map(|profile| Self {
            profile,
            raw,
            how: How::Walk,
            observed_at,
        })
    }

    /// A profile the console holds typed (after its own create or update, or a
    /// retrieve), observed now; the next walk brings back any field this version does
    /// not know.
    pub fn from_profile(profile: &Profile, how: How) -> Self {
        let mut raw = serde_json::to_value(profile).expect("profiles always serialize");
        if let Some(object) = raw.as_object_mut() {
            object.insert("type".into(), "user_profile".into());
        }
        Self {
            profile: profile.clone(),
            raw: raw.to_string(),
            how,
            observed_at: OffsetDateTime::now_utc(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_received_profile_keeps_what_this_version_does_not_know() {
        let value = serde_json::json!({
            "type": "user_profile", "id": "uprof_1",
            "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
            "relationship": "partner", "programs": {"cyber": {"status": "approved"}},
            "trust_grants": {"efs": {"status": "suspended"}}
        });
        let now = OffsetDateTime::now_utc();
        let received = Received::from_value(value.clone(), now).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&received.raw).unwrap(),
            value
        );
        assert_eq!(received.profile.kind(), "partner");
        assert_eq!(
            received.profile.trust_grants["efs"].status.label(),
            "suspended"
        );
        assert_eq!(received.how, How::Walk);
        assert!(!received.how.reports_programs());
        assert!(Received::from_value(serde_json::json!({"name": "no id"}), now).is_none());
    }
}

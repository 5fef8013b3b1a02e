//! A profile as the index receives it, from a list page or from the console's own read or
//! write: typed for the index's columns, and its JSON as it came.

use crate::profiles::model::Profile;

/// One profile as received: parsed (leniently) for the columns, and its JSON as it came,
/// unknown fields and all.
#[derive(Debug, Clone)]
pub struct Received {
    pub profile: Profile,
    pub raw: String,
}

impl Received {
    /// From one element of a list page; `None` if it is not a profile at all (no id or
    /// no creation time), which the caller counts and logs.
    pub fn from_value(value: serde_json::Value) -> Option<Self> {
        let raw = value.to_string();
        serde_json::from_value(value)
            .ok()
            .map(|profile| Self { profile, raw })
    }

    /// A profile the console holds typed (after its own create or update, or a detail
    /// page); the next walk brings back any field this version does not know.
    pub fn from_profile(profile: &Profile) -> Self {
        let mut raw = serde_json::to_value(profile).expect("profiles always serialize");
        if let Some(object) = raw.as_object_mut() {
            object.insert("type".into(), "user_profile".into());
        }
        Self {
            profile: profile.clone(),
            raw: raw.to_string(),
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
        let received = Received::from_value(value.clone()).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&received.raw).unwrap(),
            value
        );
        assert_eq!(received.profile.kind(), "partner");
        assert_eq!(
            received.profile.trust_grants["efs"].status.label(),
            "suspended"
        );
        assert!(Received::from_value(serde_json::json!({"name": "no id"})).is_none());
    }
}

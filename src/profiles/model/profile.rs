//! A profile as the API returns it, and the values it holds: relationship, trust grants,
//! and the enrollment URL minted for it. Reading is lenient: a later API version may add
//! fields and values, which are kept or ignored, never a failure.

use crate::error::FieldError;
use crate::profiles::model::id::ProfileId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Who the profile stands for (docs/api-contract.md §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Relationship {
    /// An individual end user of the platform.
    #[default]
    External,
    /// A company the platform resells Claude access to.
    Resold,
    /// The platform's own usage.
    Internal,
}

impl Relationship {
    pub const ALL: [Relationship; 3] = [Self::External, Self::Resold, Self::Internal];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::External => "external",
            Self::Resold => "resold",
            Self::Internal => "internal",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| {
                FieldError::new(
                    "relationship",
                    "must be one of \"external\", \"resold\" or \"internal\"",
                )
            })
    }
}

/// Status of one trust grant (docs/api-contract.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GrantStatus {
    Active,
    Pending,
    Rejected,
}

impl GrantStatus {
    pub const ALL: [GrantStatus; 3] = [Self::Active, Self::Pending, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Rejected => "rejected",
        }
    }
}

/// A value read from upstream that a newer API version may extend. An unknown value is
/// kept as it came, to be shown as it is, instead of failing the whole response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Lenient<T> {
    Known(T),
    Unknown(String),
}

impl<T: Default> Default for Lenient<T> {
    fn default() -> Self {
        Self::Known(T::default())
    }
}

impl Lenient<Relationship> {
    pub fn label(&self) -> &str {
        match self {
            Self::Known(r) => r.as_str(),
            Self::Unknown(raw) => raw,
        }
    }
}

impl Lenient<GrantStatus> {
    pub fn label(&self) -> &str {
        match self {
            Self::Known(s) => s.as_str(),
            Self::Unknown(raw) => raw,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustGrant {
    pub status: Lenient<GrantStatus>,
}

/// `BetaUserProfile`. A missing key and `null` read the same; unknown keys are ignored,
/// because later API versions add fields (docs/api-contract.md §2.1, §10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: ProfileId,
    #[serde(with = "crate::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: OffsetDateTime,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub relationship: Lenient<Relationship>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub trust_grants: BTreeMap<String, TrustGrant>,
}

/// The answer to a delete: `{"id": …, "type": "user_profile_deleted"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedProfile {
    pub id: ProfileId,
}

/// `BetaUserProfileEnrollmentURL`. The URL is a credential: never log it or put it in a
/// page URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentUrl {
    pub url: String,
    #[serde(with = "crate::timestamp")]
    pub expires_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn profile_parses_seed_example_and_ignores_unknown_fields() {
        let p: Profile = serde_json::from_value(json!({
            "id": "uprof_011CZkZCu8hGbp5mYRQgUmz9",
            "created_at": "2026-03-15T10:00:00Z",
            "metadata": {},
            "relationship": "external",
            "trust_grants": { "cyber": { "status": "active" } },
            "type": "user_profile",
            "updated_at": "2026-03-15T10:00:00.117Z",
            "external_id": "user_12345",
            "name": "Example User",
            "access_type": "application",
            "programs": {"cyber": null}
        }))
        .unwrap();
        assert_eq!(p.name.as_deref(), Some("Example User"));
        assert_eq!(p.relationship, Lenient::Known(Relationship::External));
        assert_eq!(
            p.trust_grants["cyber"].status,
            Lenient::Known(GrantStatus::Active)
        );
        assert_eq!(p.updated_at.millisecond(), 117);
    }

    #[test]
    fn unknown_grant_names_statuses_and_relationships_are_kept_as_they_came() {
        let p: Profile = serde_json::from_value(json!({
            "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
            "relationship": "partner",
            "trust_grants": { "cyber": { "status": "suspended" }, "efs": { "status": "active", "tier": 2 } }
        }))
        .unwrap();
        assert_eq!(p.relationship.label(), "partner");
        assert_eq!(p.trust_grants["cyber"].status.label(), "suspended");
        assert_eq!(
            p.trust_grants["efs"].status,
            Lenient::Known(GrantStatus::Active)
        );
        assert_eq!(p.external_id, None);
        assert!(p.metadata.is_empty());
    }
}

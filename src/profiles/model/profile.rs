//! A profile as the API returns it, in either version the console speaks, and the values
//! it holds: relationship or access type, trust grants or programs, enforcement, and the
//! enrollment link minted for it. Reading is lenient: a later API version may add fields
//! and values, which are kept or ignored, never a failure.

use crate::error::FieldError;
use crate::profiles::model::details::ExternalUserDetails;
use crate::profiles::model::enforcement::{EnforcementAction, EnforcementStatus, UNSPECIFIED};
use crate::profiles::model::id::ProfileId;
use crate::profiles::model::lenient::{Lenient, WireName};
use crate::profiles::model::programs::{GrantStatus, Programs};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
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

/// How the platform gives the profile access (GA's counterpart of [`Relationship`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AccessType {
    /// The platform's own application serves the end user.
    #[default]
    Application,
    /// The platform passes Claude access through to a company it serves.
    Passthrough,
}

impl AccessType {
    pub const ALL: [AccessType; 2] = [Self::Application, Self::Passthrough];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Application => "application",
            Self::Passthrough => "passthrough",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| {
                FieldError::new("access_type", "must be \"application\" or \"passthrough\"")
            })
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Self::Application => "your application serves this end user",
            Self::Passthrough => "a company you pass Claude access through to",
        }
    }
}

/// The seeds' rule: a resold profile stands for a company and must carry its name. The
/// emulator enforces it on the stored result; the forms check it as the user types.
pub fn check_resold_name(
    relationship: &Lenient<Relationship>,
    name: Option<&str>,
) -> Result<(), FieldError> {
    if *relationship == Lenient::Known(Relationship::Resold) && name.is_none() {
        return Err(FieldError::new(
            "name",
            "is required when relationship is \"resold\"",
        ));
    }
    Ok(())
}

impl WireName for Relationship {
    fn wire_name(self) -> &'static str {
        self.as_str()
    }
}

impl WireName for AccessType {
    fn wire_name(self) -> &'static str {
        self.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustGrant {
    pub status: Lenient<GrantStatus>,
}

/// A profile under either version: the 2026-03-24 fields (`relationship`, `external_id`,
/// `trust_grants`) or the GA ones (`access_type`, `external_user_details`, `programs`,
/// enforcement), whichever came; the other set is absent, and stays absent when written
/// back. A missing key and `null` read the same; unknown keys are ignored, because later
/// API versions add fields (docs/api-contract.md §2.1, docs/api-versions.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: ProfileId,
    #[serde(with = "crate::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: OffsetDateTime,
    /// The betas' `external_id`; read it through [`Profile::external_id`], which also
    /// knows GA's `reference_id`.
    #[serde(
        default,
        rename = "external_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub beta_external_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Lenient<Relationship>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_type: Option<Lenient<AccessType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_user_details: Option<ExternalUserDetails>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub trust_grants: BTreeMap<String, TrustGrant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programs: Option<Programs>,
    /// Absent until enforcement is enabled for the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement_status: Option<Lenient<EnforcementStatus>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement_actions: Option<Vec<EnforcementAction>>,
}

impl Profile {
    /// The platform's own id for the profile: GA's `external_user_details.reference_id`,
    /// the betas' `external_id` (docs/api-versions.md, "Mapping").
    pub fn external_id(&self) -> Option<&str> {
        self.external_user_details
            .as_ref()
            .and_then(|d| d.reference_id.as_deref())
            .or(self.beta_external_id.as_deref())
    }

    /// The relationship (2026-03-24) or the access type (GA), as it came.
    pub fn kind(&self) -> &str {
        match (&self.relationship, &self.access_type) {
            (Some(r), _) => r.label(),
            (None, Some(a)) => a.label(),
            (None, None) => "",
        }
    }

    /// Each trust grant (2026-03-24) or program (GA) with its status, as they came.
    pub fn standing(&self) -> Vec<(String, String)> {
        let grants = self
            .trust_grants
            .iter()
            .map(|(name, g)| (name.clone(), g.status.label().to_owned()));
        let programs = self.programs.iter().flat_map(Programs::statuses);
        grants.chain(programs).collect()
    }

    /// The reasons of the open enforcement actions (GA), as the API names them, each
    /// once; an action without one counts as the API's `unspecified`.
    pub fn action_reasons(&self) -> BTreeSet<String> {
        self.enforcement_actions
            .iter()
            .flatten()
            .map(|a| a.reason.clone().unwrap_or_else(|| UNSPECIFIED.to_owned()))
            .collect()
    }
}

/// The answer to a delete: `{"id": …, "type": "user_profile_deleted"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedProfile {
    pub id: ProfileId,
}

/// An enrollment link: `BetaUserProfileEnrollmentURL` (2026-03-24) or GA's
/// `UserProfileActionURL` for `enroll_end_user`, which read alike. The URL is a credential: never log it or put it in a
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
            "future_field": {"cyber": null}
        }))
        .unwrap();
        assert_eq!(p.name.as_deref(), Some("Example User"));
        assert_eq!(p.relationship, Some(Lenient::Known(Relationship::External)));
        assert_eq!(p.external_id(), Some("user_12345"));
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
        assert_eq!(p.kind(), "partner");
        assert_eq!(p.trust_grants["cyber"].status.label(), "suspended");
        assert_eq!(
            p.trust_grants["efs"].status,
            Lenient::Known(GrantStatus::Active)
        );
        assert_eq!(p.external_id(), None);
        assert!(p.metadata.is_empty());
    }

    #[test]
    fn a_ga_profile_reads_its_own_fields_and_writes_back_without_the_betas() {
        let raw = json!({
            "id": "uprof_011CZkZCu8hGbp5mYRQgUmz9", "access_type": "passthrough",
            "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
            "enforcement_actions": [], "enforcement_status": "unrestricted",
            "external_user_details": {"account_status": "active", "country": "US", "email_hash": null,
                "entity_type": "business", "name_hash": null, "onboarded_at": "2024-11-02T08:15:00Z",
                "reference_id": "user_12345"},
            "metadata": {}, "name": "Example User",
            "programs": {"cyber": {"requirements": null, "status": "active", "tiers": {}}, "efs": null},
            "type": "user_profile"
        });
        let p: Profile = serde_json::from_value(raw).unwrap();
        assert_eq!(p.external_id(), Some("user_12345"));
        assert_eq!(p.kind(), "passthrough");
        assert_eq!(p.relationship, None);
        assert_eq!(p.standing(), [("cyber".to_owned(), "active".to_owned())]);
        let back = serde_json::to_value(&p).unwrap();
        for beta in ["relationship", "external_id", "trust_grants"] {
            assert!(back.get(beta).is_none(), "{beta} written back");
        }
        assert_eq!(back["external_user_details"]["country"], "US");
        assert_eq!(back["enforcement_status"], "unrestricted");
    }
}

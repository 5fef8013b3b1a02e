//! The emulator's one record of a profile, from which every API version's shape is
//! rendered (docs/api-versions.md, "One store, every version"): GA's `access_type`,
//! `external_user_details`, `programs` and enforcement actions, plus the one thing GA
//! cannot say, that a 03-24 client made the profile `internal`. A record stored by an
//! earlier emulator (a 03-24 profile) reads as the record it stands for.

use crate::profiles::model::{AccessType, ApiVersion, EnforcementStatus};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Suspended,
    Blocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Individual,
    Business,
    NonProfit,
    Government,
}

/// A program's status; also the 03-24 trust grant's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramStatus {
    Active,
    Pending,
    Rejected,
}

/// A cyber tier's or an EFS feature's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Switch {
    Active,
    Inactive,
}

/// `external_user_details`: what the platform says about the end user. Each value is
/// `None` until the platform supplies one, and cannot be cleared once set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub account_status: Option<AccountStatus>,
    pub country: Option<String>,
    pub email_hash: Option<String>,
    pub entity_type: Option<EntityType>,
    pub name_hash: Option<String>,
    #[serde(default, with = "crate::timestamp::option")]
    pub onboarded_at: Option<OffsetDateTime>,
    pub reference_id: Option<String>,
}

/// The cyber tiers, in the order the API lists them.
pub const CYBER_TIERS: [&str; 3] = ["a", "b", "c"];
/// The EFS features the emulator reports.
pub const EFS_FEATURES: [&str; 3] = ["data_retention_exemption", "cmek", "storage"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirements {
    pub data_retention: bool,
    pub human_review: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cyber {
    pub status: ProgramStatus,
    /// The tiers of [`CYBER_TIERS`] as set; one not held is `inactive` (none at all:
    /// access to earlier models only, or a program set through the trust-grant hook).
    pub tiers: BTreeMap<String, Switch>,
    /// What the active tiers require; shown only while a tier is active.
    pub requirements: Option<Requirements>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Efs {
    pub status: ProgramStatus,
    pub features: BTreeMap<String, Switch>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programs {
    pub cyber: Option<Cyber>,
    pub efs: Option<Efs>,
    /// Programs no client knows yet, by name, as Anthropic may add them: set only by
    /// the test hooks, so that clients can be shown to keep what they do not know.
    /// Shown in GA's `programs` and the betas' `trust_grants`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, ProgramStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Restriction,
    Ban,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    UnsupportedRegion,
    FraudOrAbuse,
    HighHarm,
    UsagePolicyViolation,
    AccountCompromise,
    Unspecified,
}

/// An open enforcement action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// `enac_…`.
    pub id: String,
    pub kind: ActionKind,
    pub reason: Reason,
    /// The end user can clear it by passing an identity check (restrictions only).
    pub verify: bool,
    /// The end user has submitted that check and Anthropic is reviewing it.
    pub check_submitted: bool,
    #[serde(with = "crate::timestamp")]
    pub opened_at: OffsetDateTime,
    /// Never for a ban, nor for an account compromise.
    #[serde(default, with = "crate::timestamp::option")]
    pub expires_at: Option<OffsetDateTime>,
}

impl Action {
    /// Whether it still shows at `now`: a restriction past its end date does not.
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|end| end > now)
    }

    fn wire(&self) -> Value {
        let ban = self.kind == ActionKind::Ban;
        json!({
            "id": self.id,
            "type": self.kind,
            "reason": self.reason,
            "action": (self.verify && !ban).then_some("verify"),
            "opened_at": crate::timestamp::rfc3339(self.opened_at),
            "expires_at": self.expires_at.filter(|_| !ban).map(crate::timestamp::rfc3339),
        })
    }
}

/// Which answer a profile is rendered for: retrieve reports programs in full; list,
/// create and update report them reduced (docs/api-versions.md, "Programs").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Full,
    Reduced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Stored")]
pub struct Record {
    pub id: String,
    #[serde(with = "crate::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: OffsetDateTime,
    pub name: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub access_type: AccessType,
    /// Made `internal` under 03-24, which no later version can say; writing
    /// `access_type` under any version ends it.
    pub internal: bool,
    pub details: Details,
    pub programs: Programs,
    pub actions: Vec<Action>,
}

impl Record {
    /// A new profile as the API creates it: no programs, no actions.
    pub fn new(id: String, at: OffsetDateTime) -> Self {
        Self {
            id,
            created_at: at,
            updated_at: at,
            name: None,
            metadata: BTreeMap::new(),
            access_type: AccessType::Application,
            internal: false,
            details: Details::default(),
            programs: Programs::default(),
            actions: Vec::new(),
        }
    }

    /// The key the list sorts by with `order_by=name`: the name with ASCII letters
    /// lower-cased; `None` (last in either direction) without a name.
    pub fn name_key(&self) -> Option<String> {
        self.name.as_deref().map(str::to_ascii_lowercase)
    }

    /// Derived from the open actions by the first rule that applies
    /// (docs/api-versions.md, "Enforcement").
    pub fn enforcement_status(&self, now: OffsetDateTime) -> EnforcementStatus {
        let open: Vec<&Action> = self.actions.iter().filter(|a| a.is_open(now)).collect();
        if open.iter().any(|a| a.kind == ActionKind::Ban) {
            EnforcementStatus::Banned
        } else if open
            .iter()
            .any(|a| a.kind == ActionKind::Restriction && a.verify && a.check_submitted)
            && !open.iter().any(|a| a.reason == Reason::AccountCompromise)
        {
            EnforcementStatus::Pending
        } else if open.is_empty() {
            EnforcementStatus::Unrestricted
        } else {
            EnforcementStatus::Restricted
        }
    }

    /// The 03-24 `relationship`.
    fn relationship(&self) -> &'static str {
        match (self.internal, self.access_type) {
            (true, _) => "internal",
            (false, AccessType::Application) => "external",
            (false, AccessType::Passthrough) => "resold",
        }
    }

    /// The `user_profile` object as `version` shows it, at `now` (for actions that have
    /// expired).
    pub fn render(&self, version: ApiVersion, view: View, now: OffsetDateTime) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), "user_profile".into());
        out.insert("id".into(), self.id.clone().into());
        out.insert(
            "created_at".into(),
            crate::timestamp::rfc3339(self.created_at).into(),
        );
        out.insert(
            "updated_at".into(),
            crate::timestamp::rfc3339(self.updated_at).into(),
        );
        out.insert("name".into(), json!(self.name));
        out.insert("metadata".into(), json!(self.metadata));
        if version.has_relationship() {
            out.insert("relationship".into(), self.relationship().into());
        } else {
            out.insert("access_type".into(), json!(self.access_type));
        }
        if version.has_external_user_details() {
            let d = &self.details;
            out.insert(
                "external_user_details".into(),
                json!({
                    "account_status": d.account_status,
                    "country": d.country,
                    "email_hash": d.email_hash,
                    "entity_type": d.entity_type,
                    "name_hash": d.name_hash,
                    "onboarded_at": d.onboarded_at.map(crate::timestamp::rfc3339),
                    "reference_id": d.reference_id,
                }),
            );
        } else {
            out.insert("external_id".into(), json!(self.details.reference_id));
        }
        if version == ApiVersion::Beta20260818 {
            out.insert(
                "external_user_onboarded_at".into(),
                json!(self.details.onboarded_at.map(crate::timestamp::rfc3339)),
            );
        }
        if version.is_ga() {
            out.insert("programs".into(), self.programs_wire(view));
            out.insert(
                "enforcement_status".into(),
                json!(self.enforcement_status(now)),
            );
            let open: Vec<Value> = self
                .actions
                .iter()
                .filter(|a| a.is_open(now))
                .map(Action::wire)
                .collect();
            out.insert("enforcement_actions".into(), Value::Array(open));
        } else {
            let mut grants = self.other_programs();
            if let Some(cyber) = &self.programs.cyber {
                grants.insert("cyber".into(), json!({ "status": cyber.status }));
            }
            out.insert("trust_grants".into(), Value::Object(grants));
        }
        Value::Object(out)
    }

    fn programs_wire(&self, view: View) -> Value {
        let cyber = self.programs.cyber.as_ref().map(|c| match view {
            // A retrieve reports every tier, a tier never switched on as `inactive` (access to
            // earlier models only, or a program set through the trust-grant hook); `{}` is
            // only for the responses that do not report tiers.
            View::Full => {
                let any_active = c.tiers.values().any(|t| *t == Switch::Active);
                let tiers: Map<_, _> = CYBER_TIERS
                    .iter()
                    .map(|t| {
                        let status = c.tiers.get(*t).copied().unwrap_or(Switch::Inactive);
                        (t.to_string(), json!({ "status": status }))
                    })
                    .collect();
                json!({
                    "status": c.status,
                    "tiers": tiers,
                    "requirements": c.requirements.filter(|_| any_active),
                })
            }
            View::Reduced => json!({ "status": c.status, "tiers": {}, "requirements": null }),
        });
        let efs = match view {
            View::Full => self.programs.efs.as_ref().map(|e| {
                json!({
                    "status": e.status,
                    "features": e.features.iter().map(|(k, v)| (k.clone(), json!({"status": v}))).collect::<Map<_, _>>(),
                })
            }),
            View::Reduced => None,
        };
        let mut programs = self.other_programs();
        programs.insert("cyber".into(), json!(cyber));
        programs.insert("efs".into(), json!(efs));
        Value::Object(programs)
    }

    fn other_programs(&self) -> Map<String, Value> {
        self.programs
            .other
            .iter()
            .map(|(name, status)| (name.clone(), json!({ "status": status })))
            .collect()
    }
}

/// A stored record as any emulator version wrote it: the record's own fields, or a
/// 03-24 profile (`relationship`, `external_id`, `trust_grants`).
#[derive(Deserialize)]
struct Stored {
    id: String,
    #[serde(with = "crate::timestamp")]
    created_at: OffsetDateTime,
    #[serde(with = "crate::timestamp")]
    updated_at: OffsetDateTime,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    #[serde(default)]
    access_type: Option<AccessType>,
    #[serde(default)]
    internal: bool,
    #[serde(default)]
    details: Option<Details>,
    #[serde(default)]
    programs: Option<Programs>,
    #[serde(default)]
    actions: Vec<Action>,
    #[serde(default)]
    relationship: Option<String>,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    trust_grants: BTreeMap<String, LegacyGrant>,
}

#[derive(Deserialize)]
struct LegacyGrant {
    status: ProgramStatus,
}

impl From<Stored> for Record {
    fn from(s: Stored) -> Self {
        let (access_type, internal) = match (s.access_type, s.relationship.as_deref()) {
            (Some(access_type), _) => (access_type, s.internal),
            (None, Some("resold")) => (AccessType::Passthrough, false),
            (None, Some("internal")) => (AccessType::Application, true),
            (None, _) => (AccessType::Application, false),
        };
        let details = s.details.unwrap_or_else(|| Details {
            reference_id: s.external_id,
            ..Details::default()
        });
        let programs = s.programs.unwrap_or_else(|| {
            let mut grants = s.trust_grants;
            Programs {
                cyber: grants.remove("cyber").map(|grant| Cyber {
                    status: grant.status,
                    tiers: BTreeMap::new(),
                    requirements: None,
                }),
                efs: None,
                other: grants.into_iter().map(|(k, g)| (k, g.status)).collect(),
            }
        });
        Self {
            id: s.id,
            created_at: s.created_at,
            updated_at: s.updated_at,
            name: s.name,
            metadata: s.metadata,
            access_type,
            internal,
            details,
            programs,
            actions: s.actions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// The GA example of docs/api-versions.md ("Every version of one profile").
    fn example() -> Record {
        Record {
            name: Some("Example User".into()),
            details: Details {
                account_status: Some(AccountStatus::Active),
                country: Some("US".into()),
                entity_type: Some(EntityType::Business),
                onboarded_at: Some(datetime!(2024-11-02 08:15 UTC)),
                reference_id: Some("user_12345".into()),
                ..Details::default()
            },
            programs: Programs {
                cyber: Some(Cyber {
                    status: ProgramStatus::Active,
                    tiers: CYBER_TIERS
                        .iter()
                        .map(|t| (t.to_string(), Switch::Inactive))
                        .collect(),
                    requirements: None,
                }),
                ..Programs::default()
            },
            ..Record::new(
                "uprof_011CZkZCu8hGbp5mYRQgUmz9".into(),
                datetime!(2026-03-15 10:00 UTC),
            )
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    #[test]
    fn one_record_renders_as_each_version_documents_it() {
        let record = example();
        let ga = record.render(ApiVersion::Ga, View::Full, NOW);
        assert_eq!(
            ga,
            json!({
                "id": "uprof_011CZkZCu8hGbp5mYRQgUmz9", "type": "user_profile",
                "access_type": "application",
                "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
                "enforcement_actions": [], "enforcement_status": "unrestricted",
                "external_user_details": {
                    "account_status": "active", "country": "US", "email_hash": null,
                    "entity_type": "business", "name_hash": null,
                    "onboarded_at": "2024-11-02T08:15:00Z", "reference_id": "user_12345"
                },
                "metadata": {}, "name": "Example User",
                "programs": {
                    "cyber": { "requirements": null, "status": "active",
                        "tiers": { "a": {"status": "inactive"}, "b": {"status": "inactive"}, "c": {"status": "inactive"} } },
                    "efs": null
                },
            })
        );
        let v0904 = record.render(ApiVersion::Beta20260904, View::Full, NOW);
        assert_eq!(
            v0904["trust_grants"],
            json!({"cyber": {"status": "active"}})
        );
        assert_eq!(v0904["external_user_details"], ga["external_user_details"]);
        for absent in [
            "programs",
            "enforcement_status",
            "enforcement_actions",
            "external_id",
        ] {
            assert!(v0904.get(absent).is_none(), "{absent}");
        }
        let v0818 = record.render(ApiVersion::Beta20260818, View::Full, NOW);
        assert_eq!(v0818["external_id"], "user_12345");
        assert_eq!(v0818["external_user_onboarded_at"], "2024-11-02T08:15:00Z");
        assert_eq!(v0818["access_type"], "application");
        assert!(v0818.get("external_user_details").is_none());
        let v0324 = record.render(ApiVersion::Beta20260324, View::Full, NOW);
        assert_eq!(v0324["relationship"], "external");
        assert_eq!(v0324["external_id"], "user_12345");
        for absent in [
            "access_type",
            "external_user_onboarded_at",
            "external_user_details",
        ] {
            assert!(v0324.get(absent).is_none(), "{absent}");
        }
        // And what 03-24 shows parses as the console's 03-24 profile.
        let profile: crate::profiles::model::Profile = serde_json::from_value(v0324).unwrap();
        assert_eq!(profile.external_id(), Some("user_12345"));
    }

    #[test]
    fn lists_report_programs_reduced_and_requirements_only_for_an_active_tier() {
        let mut record = example();
        record.programs.efs = Some(Efs {
            status: ProgramStatus::Pending,
            features: BTreeMap::from([("cmek".into(), Switch::Inactive)]),
        });
        record.programs.cyber.as_mut().unwrap().requirements = Some(Requirements {
            data_retention: true,
            human_review: false,
        });
        let full = record.render(ApiVersion::Ga, View::Full, NOW);
        assert_eq!(full["programs"]["cyber"]["requirements"], Value::Null);
        assert_eq!(full["programs"]["efs"]["status"], "pending");
        record
            .programs
            .cyber
            .as_mut()
            .unwrap()
            .tiers
            .insert("b".into(), Switch::Active);
        let full = record.render(ApiVersion::Ga, View::Full, NOW);
        assert_eq!(
            full["programs"]["cyber"]["requirements"],
            json!({"data_retention": true, "human_review": false})
        );
        let reduced = record.render(ApiVersion::Ga, View::Reduced, NOW);
        assert_eq!(
            reduced["programs"],
            json!({"cyber": {"status": "active", "tiers": {}, "requirements": null}, "efs": null})
        );
    }

    #[test]
    fn a_retrieve_reports_every_tier_even_for_earlier_models_only() {
        let mut record = example();
        record.programs.cyber.as_mut().unwrap().tiers = BTreeMap::new();
        let full = record.render(ApiVersion::Ga, View::Full, NOW);
        assert_eq!(
            full["programs"]["cyber"],
            json!({"status": "active", "requirements": null, "tiers": {
                "a": {"status": "inactive"}, "b": {"status": "inactive"}, "c": {"status": "inactive"}}})
        );
        record.programs.cyber.as_mut().unwrap().tiers =
            BTreeMap::from([("b".into(), Switch::Active)]);
        let full = record.render(ApiVersion::Ga, View::Full, NOW);
        assert_eq!(
            full["programs"]["cyber"]["tiers"]["a"],
            json!({"status": "inactive"})
        );
        assert_eq!(
            full["programs"]["cyber"]["tiers"]["b"],
            json!({"status": "active"})
        );
        let reduced = record.render(ApiVersion::Ga, View::Reduced, NOW);
        assert_eq!(
            reduced["programs"]["cyber"]["tiers"],
            json!({}),
            "a list reports none"
        );
    }

    fn action(kind: ActionKind, reason: Reason) -> Action {
        Action {
            id: "enac_01".into(),
            kind,
            reason,
            verify: kind == ActionKind::Restriction,
            check_submitted: false,
            opened_at: datetime!(2026-11-01 00:00 UTC),
            expires_at: None,
        }
    }

    #[test]
    fn enforcement_status_follows_the_first_rule_that_applies() {
        let mut record = example();
        assert_eq!(
            record.enforcement_status(NOW),
            EnforcementStatus::Unrestricted
        );
        let mut verify = action(ActionKind::Restriction, Reason::UnsupportedRegion);
        record.actions = vec![verify.clone()];
        assert_eq!(
            record.enforcement_status(NOW),
            EnforcementStatus::Restricted
        );
        verify.check_submitted = true;
        record.actions = vec![verify.clone()];
        assert_eq!(record.enforcement_status(NOW), EnforcementStatus::Pending);
        record
            .actions
            .push(action(ActionKind::Restriction, Reason::AccountCompromise));
        assert_eq!(
            record.enforcement_status(NOW),
            EnforcementStatus::Restricted
        );
        record
            .actions
            .push(action(ActionKind::Ban, Reason::HighHarm));
        assert_eq!(record.enforcement_status(NOW), EnforcementStatus::Banned);
        // A restriction past its end stops showing.
        let mut ended = action(ActionKind::Restriction, Reason::FraudOrAbuse);
        ended.expires_at = Some(datetime!(2026-11-29 00:00 UTC));
        record.actions = vec![ended];
        assert_eq!(
            record.enforcement_status(NOW),
            EnforcementStatus::Unrestricted
        );
        assert_eq!(
            record.render(ApiVersion::Ga, View::Full, NOW)["enforcement_actions"],
            json!([])
        );
    }

    #[test]
    fn a_ban_never_offers_verify_nor_an_end() {
        let mut ban = action(ActionKind::Ban, Reason::FraudOrAbuse);
        ban.verify = true;
        ban.expires_at = Some(datetime!(2027-01-01 00:00 UTC));
        assert_eq!(
            ban.wire(),
            json!({"id": "enac_01", "type": "ban", "reason": "fraud_or_abuse", "action": null,
                "opened_at": "2026-11-01T00:00:00Z", "expires_at": null})
        );
    }

    #[test]
    fn a_profile_stored_by_the_03_24_emulator_reads_as_its_record() {
        let legacy = json!({
            "id": "uprof_01old", "created_at": "2026-03-24T09:00:00Z",
            "updated_at": "2026-03-24T09:00:00Z", "external_id": "org_1", "name": "Acme",
            "relationship": "internal", "metadata": {"plan": "pro"},
            "trust_grants": {"cyber": {"status": "pending"}, "research": {"status": "active"}},
        });
        let record: Record = serde_json::from_value(legacy).unwrap();
        assert!(record.internal);
        assert_eq!(record.details.reference_id.as_deref(), Some("org_1"));
        assert_eq!(
            record.programs.cyber.as_ref().map(|c| c.status),
            Some(ProgramStatus::Pending)
        );
        assert_eq!(
            record.render(ApiVersion::Beta20260904, View::Full, NOW)["trust_grants"],
            json!({"cyber": {"status": "pending"}, "research": {"status": "active"}})
        );
        assert_eq!(
            record.render(ApiVersion::Ga, View::Reduced, NOW)["programs"]["research"],
            json!({"status": "active"}),
            "a program the record does not model is shown as it is"
        );
        let again: Record = serde_json::from_value(serde_json::to_value(&record).unwrap()).unwrap();
        assert_eq!(again, record);
        assert_eq!(
            record.render(ApiVersion::Beta20260324, View::Full, NOW)["relationship"],
            "internal"
        );
        let resold: Record = serde_json::from_value(json!({
            "id": "uprof_01r", "created_at": "2026-03-24T09:00:00Z",
            "updated_at": "2026-03-24T09:00:00Z", "relationship": "resold"
        }))
        .unwrap();
        assert_eq!(
            (resold.access_type, resold.internal),
            (AccessType::Passthrough, false)
        );
    }
}

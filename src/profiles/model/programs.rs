//! Programs (GA) and their statuses, which the 2026-03-24 trust grants share: the cyber program with its tiers and requirements, Enterprise Frontier
//! Safeguards (EFS) with its features, and any program a later API adds, kept as it came
//! (docs/api-versions.md, "Programs"). Only a retrieve reports tiers, requirements and
//! EFS in full; a list reports `tiers: {}` and `efs: null`, which never means "inactive".

use crate::profiles::model::lenient::{Lenient, WireName};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

impl WireName for GrantStatus {
    fn wire_name(self) -> &'static str {
        self.as_str()
    }
}

/// Whether a tier or an EFS feature applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeatureStatus {
    Active,
    Inactive,
}

impl WireName for FeatureStatus {
    fn wire_name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
        }
    }
}

/// One tier of the cyber program, or one EFS feature: `{"status": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feature {
    pub status: Lenient<FeatureStatus>,
}

/// What a request naming the profile must allow to get the relaxed safeguards of its
/// active tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirements {
    #[serde(default)]
    pub data_retention: bool,
    #[serde(default)]
    pub human_review: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CyberProgram {
    pub status: Lenient<GrantStatus>,
    /// `a`, `b`, `c`: all three or none (`{}`, as in every list).
    #[serde(default)]
    pub tiers: BTreeMap<String, Feature>,
    #[serde(default)]
    pub requirements: Option<Requirements>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EfsProgram {
    pub status: Lenient<GrantStatus>,
    /// A missing key does not mean the feature is inactive.
    #[serde(default)]
    pub features: BTreeMap<String, Feature>,
}

/// `programs`. A program reads `null` when the profile has no status in it, or when the
/// answer does not report it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programs {
    #[serde(default)]
    pub cyber: Option<CyberProgram>,
    #[serde(default)]
    pub efs: Option<EfsProgram>,
    /// Programs this console does not know, as they came.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

impl Programs {
    /// Each program the profile has a status in, with that status as it came:
    /// `cyber`, `efs`, then unknown ones by name (their `status`, if they have one).
    pub fn statuses(&self) -> Vec<(String, String)> {
        let known = [
            ("cyber", self.cyber.as_ref().map(|c| c.status.label())),
            ("efs", self.efs.as_ref().map(|e| e.status.label())),
        ];
        let other = self.other.iter().map(|(name, value)| {
            let status = value.get("status").and_then(serde_json::Value::as_str);
            (name.as_str(), status)
        });
        known
            .into_iter()
            .chain(other)
            .filter_map(|(name, status)| Some((name.to_owned(), status?.to_owned())))
            .collect()
    }
}

/// The tiers of the cyber program, as the contract names them.
pub fn tier_name(key: &str) -> Option<&'static str> {
    match key {
        "a" => Some("Specialized Access"),
        "b" => Some("Red Team Access"),
        "c" => Some("Defense Access"),
        _ => None,
    }
}

/// The EFS features, as the contract names them.
pub fn feature_name(key: &str) -> Option<&'static str> {
    match key {
        "data_retention_exemption" => Some("Data retention exemption"),
        "cmek" => Some("Customer-managed encryption keys"),
        "storage" => Some("Storage"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn full_reduced_and_unknown_programs_read_and_keep_what_came() {
        let full: Programs = serde_json::from_value(json!({
            "cyber": {"status": "active", "tiers": {"a": {"status": "active"}, "b": {"status": "inactive"},
                      "c": {"status": "paused"}}, "requirements": {"data_retention": true, "human_review": false}},
            "efs": {"status": "pending", "features": {"cmek": {"status": "active"}, "quantum": {"status": "active"}}},
            "bio": {"status": "approved"}
        }))
        .unwrap();
        let cyber = full.cyber.as_ref().unwrap();
        assert_eq!(
            cyber.tiers["a"].status,
            Lenient::Known(FeatureStatus::Active)
        );
        assert_eq!(cyber.tiers["c"].status.label(), "paused");
        assert!(cyber.requirements.unwrap().data_retention);
        assert_eq!(
            full.efs.as_ref().unwrap().features["quantum"]
                .status
                .label(),
            "active"
        );
        assert_eq!(
            full.statuses(),
            [("cyber", "active"), ("efs", "pending"), ("bio", "approved")]
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
        assert_eq!(
            serde_json::to_value(&full).unwrap()["bio"],
            json!({"status": "approved"})
        );

        let reduced: Programs = serde_json::from_value(json!({
            "cyber": {"status": "rejected", "tiers": {}, "requirements": null}, "efs": null
        }))
        .unwrap();
        assert!(reduced.cyber.as_ref().unwrap().tiers.is_empty());
        assert_eq!(reduced.efs, None);
        assert_eq!(
            reduced.statuses(),
            [("cyber".to_owned(), "rejected".to_owned())]
        );
    }
}

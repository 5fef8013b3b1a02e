//! Enforcement (GA): the profile's status and its open actions (docs/api-versions.md,
//! "Enforcement"). Unknown statuses, kinds and reasons are kept and shown as they came;
//! where a rule needs a meaning, an unknown status counts as restricted.

use crate::profiles::model::lenient::{Lenient, WireName};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnforcementStatus {
    Unrestricted,
    Pending,
    Restricted,
    Banned,
}

impl EnforcementStatus {
    pub const ALL: [Self; 4] = [
        Self::Unrestricted,
        Self::Pending,
        Self::Restricted,
        Self::Banned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unrestricted => "unrestricted",
            Self::Pending => "pending",
            Self::Restricted => "restricted",
            Self::Banned => "banned",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// What the status means, in one line.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Unrestricted => "No enforcement action is open.",
            Self::Pending => "The end user submitted an identity check; Anthropic is reviewing it.",
            Self::Restricted => "An enforcement action restricts this profile.",
            Self::Banned => "A ban is open on this profile.",
        }
    }
}

impl WireName for EnforcementStatus {
    fn wire_name(self) -> &'static str {
        self.as_str()
    }
}

/// Kind of an enforcement action (`type` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    Restriction,
    Ban,
}

impl WireName for ActionKind {
    fn wire_name(self) -> &'static str {
        match self {
            Self::Restriction => "restriction",
            Self::Ban => "ban",
        }
    }
}

/// One open enforcement action. `reason` and `action` are kept as they came: an unknown
/// reason reads as the API's `unspecified`, an unknown `action` as none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnforcementAction {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Lenient<ActionKind>,
    #[serde(default)]
    pub reason: Option<String>,
    /// `verify`: the end user can clear the action now by passing an identity check.
    #[serde(default)]
    pub action: Option<String>,
    #[serde(with = "crate::timestamp")]
    pub opened_at: OffsetDateTime,
    /// `None`: no end date.
    #[serde(default, with = "crate::timestamp::option")]
    pub expires_at: Option<OffsetDateTime>,
}

impl EnforcementAction {
    /// Whether the end user can clear this action now, through the identity check an
    /// action URL opens.
    pub fn offers_verify(&self) -> bool {
        self.action.as_deref() == Some("verify")
    }

    /// The reason in words; unknown reasons as they came.
    pub fn reason_text(&self) -> String {
        reason_words(self.reason.as_deref())
    }
}

/// The reason the API gives when it names none.
pub const UNSPECIFIED: &str = "unspecified";

/// The reasons the contract names, in the order the console offers them.
pub const REASONS: [&str; 6] = [
    "unsupported_region",
    "fraud_or_abuse",
    "high_harm",
    "usage_policy_violation",
    "account_compromise",
    UNSPECIFIED,
];

/// An action's reason in words, as the API names it; unknown reasons as they came.
pub fn reason_words(reason: Option<&str>) -> String {
    match reason {
        Some("unsupported_region") => "Unsupported region".into(),
        Some("fraud_or_abuse") => "Fraud or abuse".into(),
        Some("high_harm") => "High harm".into(),
        Some("usage_policy_violation") => "Usage policy violation".into(),
        Some("account_compromise") => "Account compromise".into(),
        Some("unspecified") | None => "Unspecified".into(),
        Some(other) => other.to_owned(),
    }
}

/// An enforcement action in one line, after `lead` (its kind, and its id where wanted):
/// "Restriction, Unsupported region, can be cleared now with an identity check, expires
/// 2026-12-01 00:00 UTC". The status timeline and the review queue say it alike.
pub fn action_words(
    lead: String,
    reason: Option<&str>,
    verify: bool,
    expires_at: Option<OffsetDateTime>,
) -> String {
    let mut parts = vec![lead, reason_words(reason)];
    if verify {
        parts.push("can be cleared now with an identity check".to_owned());
    }
    parts.push(match expires_at {
        Some(at) => format!("expires {}", crate::timestamp::utc(at)),
        None => "no end date".to_owned(),
    });
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_read_leniently() {
        let a: EnforcementAction = serde_json::from_value(json!({
            "id": "enac_1", "type": "suspension", "reason": "new_reason", "action": "call_us",
            "opened_at": "2026-10-21T10:00:00Z", "expires_at": null
        }))
        .unwrap();
        assert_eq!(a.kind.label(), "suspension");
        assert_eq!(a.reason_text(), "new_reason");
        assert!(!a.offers_verify());
        assert_eq!(a.expires_at, None);
        let b: EnforcementAction = serde_json::from_value(json!({
            "id": "enac_2", "type": "restriction", "reason": "unsupported_region", "action": "verify",
            "opened_at": "2026-10-21T10:00:00Z", "expires_at": "2026-12-21T10:00:00Z"
        }))
        .unwrap();
        assert_eq!(b.kind, Lenient::Known(ActionKind::Restriction));
        assert!(b.offers_verify());
        assert_eq!(b.reason_text(), "Unsupported region");
        let status: Lenient<EnforcementStatus> = serde_json::from_value(json!("frozen")).unwrap();
        assert_eq!(status.label(), "frozen");
        assert_eq!(
            EnforcementStatus::parse("banned"),
            Some(EnforcementStatus::Banned)
        );
    }
}

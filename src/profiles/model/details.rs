//! External user details (GA): what the platform knows about the person or organization
//! behind a profile (docs/api-versions.md, "One profile in each version"). Each value is
//! `null` until supplied and, once set, can be replaced but never cleared. `reference_id`
//! is the console's "External ID" (the 2026-03-24 `external_id`); the other six are
//! [`DETAILS`].

use crate::error::FieldError;
use crate::profiles::model::limits::check_hash;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `external_user_details` as read. Values are kept as they came, so a status or entity
/// type this console does not know is shown as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalUserDetails {
    #[serde(default)]
    pub account_status: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub email_hash: Option<String>,
    #[serde(default)]
    pub entity_type: Option<String>,
    #[serde(default)]
    pub name_hash: Option<String>,
    #[serde(default)]
    pub onboarded_at: Option<String>,
    #[serde(default)]
    pub reference_id: Option<String>,
}

impl ExternalUserDetails {
    /// The value of one of [`DETAILS`] by its key.
    pub fn get(&self, key: &str) -> Option<&str> {
        match key {
            "account_status" => self.account_status.as_deref(),
            "country" => self.country.as_deref(),
            "email_hash" => self.email_hash.as_deref(),
            "entity_type" => self.entity_type.as_deref(),
            "name_hash" => self.name_hash.as_deref(),
            "onboarded_at" => self.onboarded_at.as_deref(),
            "reference_id" => self.reference_id.as_deref(),
            _ => None,
        }
    }

    /// The six details besides `reference_id` that are set, by key.
    pub fn values(&self) -> BTreeMap<String, String> {
        DETAILS
            .iter()
            .filter_map(|d| Some((d.key.to_owned(), self.get(d.key)?.to_owned())))
            .collect()
    }
}

/// One detail the forms offer: its key on the wire, its label, and its choices when it
/// is one of a fixed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    pub key: &'static str,
    pub label: &'static str,
    /// `(value, meaning)`; empty for free text.
    pub choices: &'static [(&'static str, &'static str)],
    pub hint: &'static str,
}

/// The details besides `reference_id`, in the order the pages show them.
pub const DETAILS: [Detail; 6] = [
    Detail {
        key: "account_status",
        label: "Account status",
        choices: &[
            ("active", "neither restricted nor barred"),
            ("suspended", "restricted, may be restored"),
            ("blocked", "barred"),
        ],
        hint: "Your platform's own decision; Anthropic's standing does not change with it.",
    },
    Detail {
        key: "country",
        label: "Country",
        choices: &[],
        hint: "ISO 3166-1 alpha-2 code in upper case, e.g. US.",
    },
    Detail {
        key: "entity_type",
        label: "Entity type",
        choices: &[
            ("individual", "a person"),
            ("business", "a company"),
            ("non_profit", "a non-profit organization"),
            ("government", "a government body"),
        ],
        hint: "Who the profile stands for.",
    },
    Detail {
        key: "onboarded_at",
        label: "Onboarded at",
        choices: &[],
        hint: "When the account opened with your platform: RFC 3339, e.g. 2024-11-02T08:15:00Z; at most a minute from now.",
    },
    Detail {
        key: "email_hash",
        label: "Email hash",
        choices: &[],
        hint: "Your platform's hash of the email address; opaque, 1–255 characters.",
    },
    Detail {
        key: "name_hash",
        label: "Name hash",
        choices: &[],
        hint: "Your platform's hash of the name; opaque, 1–255 characters.",
    },
];

/// The field name of a detail in forms, errors and the audit trail.
pub fn detail_field(key: &str) -> String {
    format!("external_user_details.{key}")
}

/// Checks one detail's value as the contract states it; the error names the detail.
/// "At most a minute from now" is the API's to judge: the clock that counts is its own.
pub fn check_detail(key: &str, value: &str) -> Result<(), FieldError> {
    let field = detail_field(key);
    let Some(detail) = DETAILS.iter().find(|d| d.key == key) else {
        return Err(FieldError::new(field, "is not a detail this API accepts"));
    };
    if !detail.choices.is_empty() {
        if detail.choices.iter().any(|(v, _)| *v == value) {
            return Ok(());
        }
        let allowed: Vec<String> = detail
            .choices
            .iter()
            .map(|(v, _)| format!("\"{v}\""))
            .collect();
        return Err(FieldError::new(
            field,
            format!("must be one of {}", allowed.join(", ")),
        ));
    }
    match key {
        "country" if !(value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase())) => {
            Err(FieldError::new(
                field,
                "must be two upper-case letters (ISO 3166-1 alpha-2), e.g. US",
            ))
        }
        "onboarded_at" if crate::timestamp::parse(value).is_none() => Err(FieldError::new(
            field,
            "must be a complete RFC 3339 time with an offset, e.g. 2024-11-02T08:15:00Z",
        )),
        "email_hash" | "name_hash" => check_hash(&field, value),
        _ => Ok(()),
    }
}

/// GA's external user details besides `reference_id`, each checked by its own rule
/// ([`check_detail`]). Values only: once set, a detail cannot be cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Details(BTreeMap<String, String>);

impl Details {
    pub fn parse(map: BTreeMap<String, String>) -> Result<Self, Vec<FieldError>> {
        let errors: Vec<FieldError> = map
            .iter()
            .filter_map(|(k, v)| check_detail(k, v).err())
            .collect();
        if errors.is_empty() {
            Ok(Self(map))
        } else {
            Err(errors)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.0.clone()
    }
}

/// The message for emptying a value that is set: the API keeps it.
pub const CANNOT_CLEAR: &str =
    "cannot be cleared once set: enter a new value, or put back the current one";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_checked_by_the_contracts_rules() {
        assert!(check_detail("country", "US").is_ok());
        assert!(
            check_detail("country", "XX").is_ok(),
            "only the form is checked"
        );
        for bad in ["us", "USA", "U", "Ü1"] {
            assert_eq!(
                check_detail("country", bad).unwrap_err().field,
                "external_user_details.country"
            );
        }
        assert!(check_detail("entity_type", "non_profit").is_ok());
        assert!(check_detail("entity_type", "person")
            .unwrap_err()
            .message
            .contains("\"individual\""));
        assert!(check_detail("account_status", "blocked").is_ok());
        assert!(check_detail("onboarded_at", "2024-11-02T08:15:00Z").is_ok());
        assert!(check_detail("onboarded_at", "2024-11-02").is_err());
        assert!(check_detail("email_hash", &"h".repeat(255)).is_ok());
        assert!(check_detail("email_hash", &"h".repeat(256)).is_err());
        assert!(
            check_detail("reference_id", "x").is_err(),
            "the External ID is not one of DETAILS"
        );
    }

    #[test]
    fn values_lists_the_six_that_are_set() {
        let d = ExternalUserDetails {
            country: Some("DE".into()),
            reference_id: Some("u-1".into()),
            ..Default::default()
        };
        assert_eq!(
            d.values(),
            BTreeMap::from([("country".into(), "DE".into())])
        );
        assert_eq!(d.get("reference_id"), Some("u-1"));
    }
}

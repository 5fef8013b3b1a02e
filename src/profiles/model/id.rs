//! The profile id: the one value of the model that goes into an upstream URL path.

use crate::error::FieldError;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Longest id body we accept after its prefix; real ids have 24 (docs/api-contract.md §1).
const MAX_ID_BODY: usize = 64;

/// Whether `raw` has the form of the API's ids: `prefix` (`uprof_`, `enac_`, `whe_`) then
/// 1–64 ASCII letters or digits. Nothing else may go into a URL, a log line or a record.
pub fn is_prefixed_id(raw: &str, prefix: &str) -> bool {
    raw.strip_prefix(prefix).is_some_and(|body| {
        !body.is_empty()
            && body.len() <= MAX_ID_BODY
            && body.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// A profile id that is safe to put in an upstream URL path: `uprof_` then 1–64 ASCII
/// letters or digits. The upstream client accepts only this type, so `..`, `/`, `%2e`
/// and friends can never reach a URL (docs/security.md, threat model).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ProfileId(String);

impl ProfileId {
    pub const PREFIX: &'static str = "uprof_";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if is_prefixed_id(raw, Self::PREFIX) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(
                "id",
                "a profile id is \"uprof_\" followed by letters and digits",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ProfileId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn profile_id_accepts_real_ids() {
        let id = ProfileId::parse("uprof_011CZkZCu8hGbp5mYRQgUmz9").unwrap();
        assert_eq!(id.as_str(), "uprof_011CZkZCu8hGbp5mYRQgUmz9");
    }

    #[test]
    fn profile_id_rejects_anything_that_could_change_the_url() {
        let long = format!("uprof_{}", "a".repeat(65));
        for bad in [
            "",
            "uprof_",
            "..",
            "%2e%2e",
            "../../v1/messages",
            "uprof_../x",
            "uprof_a/b",
            "uprof_x?y=1",
            "uprof_x#z",
            "uprof_%2e",
            "UPROF_abc",
            "uprof_abc ",
            "uprof_é",
            long.as_str(),
        ] {
            assert!(ProfileId::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn profile_id_deserialization_validates() {
        assert!(serde_json::from_value::<ProfileId>(json!("../x")).is_err());
        assert!(serde_json::from_value::<ProfileId>(json!("uprof_ok1")).is_ok());
    }
}

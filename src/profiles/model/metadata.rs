//! Metadata as values that are valid by construction: a key, a value, a profile's
//! metadata (for a create) and a merge patch (for an update). Each is made only by its
//! `parse`, which applies the contract's limits (docs/api-contract.md §2.1, §4), so a
//! request holding one has passed them, in the browser and on the server alike.

use crate::error::FieldError;
use crate::profiles::model::limits::{
    check_metadata_key, check_metadata_value, MetadataMode, MAX_METADATA_KEYS,
};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// A metadata key: 1 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct MetadataKey(String);

impl MetadataKey {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        check_metadata_key(raw).map(|()| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A metadata value: 1 to 512 characters. (An empty value is not a value: in a patch it
/// deletes the key, which [`MetadataPatch`] holds as `None`.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct MetadataValue(String);

impl MetadataValue {
    /// `key` names the pair in the error.
    pub fn parse(key: &str, raw: &str) -> Result<Self, FieldError> {
        check_metadata_value(key, raw, MetadataMode::Create).map(|()| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The metadata a profile is created with: at most 16 pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Metadata(BTreeMap<MetadataKey, MetadataValue>);

impl Metadata {
    /// Every problem of `pairs`, by field (`metadata`, `metadata.<key>`).
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, Vec<FieldError>> {
        let (map, errors) = parse_pairs(pairs, MetadataValue::parse);
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

    /// As a profile stores it.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// An update's metadata, a merge patch: each key given is set, or deleted when its value
/// is `None` (`""` on the wire); keys not given stay. At most 16 entries; whether the
/// merged result holds at most 16 pairs is for whoever holds the stored profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataPatch(BTreeMap<MetadataKey, Option<MetadataValue>>);

impl MetadataPatch {
    /// Every problem of `pairs`, by field; an empty value deletes its key.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, Vec<FieldError>> {
        let (map, errors) = parse_pairs(pairs, |key, value| {
            check_metadata_value(key, value, MetadataMode::Patch)?;
            Ok((!value.is_empty()).then(|| MetadataValue(value.to_owned())))
        });
        if errors.is_empty() {
            Ok(Self(map))
        } else {
            Err(errors)
        }
    }

    /// `(key, Some(value))` to set, `(key, None)` to delete.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_ref().map(MetadataValue::as_str)))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(MetadataKey::as_str)
    }

    /// `current` with this patch applied.
    pub fn apply(&self, current: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut merged = current.clone();
        for (key, value) in self.iter() {
            match value {
                Some(value) => merged.insert(key.to_owned(), value.to_owned()),
                None => merged.remove(key),
            };
        }
        merged
    }
}

/// As on the wire: a deleted key's value is `""`.
impl Serialize for MetadataPatch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, v)| (k, v.unwrap_or_default())))
    }
}

/// The pairs that parse, and every reason the others do not, the count first.
fn parse_pairs<'a, V>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    value: impl Fn(&str, &str) -> Result<V, FieldError>,
) -> (BTreeMap<MetadataKey, V>, Vec<FieldError>) {
    let mut map = BTreeMap::new();
    let mut errors = Vec::new();
    let mut count = 0;
    for (key, raw) in pairs {
        count += 1;
        match MetadataKey::parse(key).and_then(|k| Ok((k, value(key, raw)?))) {
            Ok((key, value)) => {
                map.insert(key, value);
            }
            Err(e) => errors.push(e),
        }
    }
    if count > MAX_METADATA_KEYS {
        errors.insert(
            0,
            FieldError::new(
                "metadata",
                format!("at most {MAX_METADATA_KEYS} keys (got {count})"),
            ),
        );
    }
    (map, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_count_characters_not_bytes() {
        assert!(MetadataKey::parse(&"ключ".repeat(16)).is_ok());
        assert!(MetadataKey::parse(&"k".repeat(65)).is_err());
        assert_eq!(
            MetadataKey::parse("").unwrap_err(),
            FieldError::new("metadata", "keys must not be empty")
        );
        assert!(MetadataValue::parse("k", &"値".repeat(512)).is_ok());
        assert_eq!(
            MetadataValue::parse("plan", "").unwrap_err().field,
            "metadata.plan"
        );
    }

    #[test]
    fn metadata_holds_at_most_sixteen_valid_pairs_and_says_what_is_wrong() {
        let pairs: Vec<(String, String)> = (0..17).map(|i| (format!("k{i}"), "v".into())).collect();
        let errors =
            Metadata::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("metadata", "at most 16 keys (got 17)")]
        );
        let long = "v".repeat(513);
        let errors = Metadata::parse([("a", ""), ("b", long.as_str())]).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["metadata.a", "metadata.b"]);
        let ok = Metadata::parse([("plan", "pro")]).unwrap();
        assert_eq!(serde_json::to_string(&ok).unwrap(), r#"{"plan":"pro"}"#);
    }

    #[test]
    fn a_patch_deletes_with_an_empty_value_on_the_wire_and_when_applied() {
        let patch = MetadataPatch::parse([("plan", ""), ("tier", "gold"), ("gone", "")]).unwrap();
        assert_eq!(
            serde_json::to_string(&patch).unwrap(),
            r#"{"gone":"","plan":"","tier":"gold"}"#
        );
        let current = BTreeMap::from([
            ("plan".to_owned(), "pro".to_owned()),
            ("region".to_owned(), "eu".to_owned()),
        ]);
        assert_eq!(
            patch.apply(&current),
            BTreeMap::from([
                ("region".to_owned(), "eu".to_owned()),
                ("tier".to_owned(), "gold".to_owned())
            ])
        );
        assert!(MetadataPatch::parse([("", "x")]).is_err());
    }
}

//! What a create or an update sends: every field optional, an update's fields
//! tri-state (absent, null, value) and its metadata a merge patch.

use crate::error::FieldError;
use crate::profiles::model::limits::{check_metadata, check_text, finish, MetadataMode};
use crate::profiles::model::profile::Relationship;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// An update field: left out, cleared with `null`, or set (docs/api-contract.md §4). The SDKs tell
/// "absent" from "null" on the wire, and so must we: absent leaves a field unchanged,
/// null clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Field<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// The value to store after applying this field to `current`.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Absent => current,
            Self::Null => None,
            Self::Value(v) => Some(v),
        }
    }

    pub fn as_value(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Pair with `#[serde(default, skip_serializing_if = "Field::is_absent")]`.
impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(s),
            Self::Absent | Self::Null => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.map_or(Self::Null, Self::Value))
    }
}

/// Deserializes a field that may be left out but may not be `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Body of `POST /v1/user_profiles`. Every field is optional; `{}` is valid.
/// Unknown fields are rejected, as under `additionalProperties: false` (docs/api-contract.md, judgement 7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Relationship>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

impl NewProfile {
    /// Every rule of docs/api-contract.md §9 that the request alone decides.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_text("external_id", self.external_id.as_deref(), &mut errors);
        check_text("name", self.name.as_deref(), &mut errors);
        check_metadata(&self.metadata, MetadataMode::Create, &mut errors);
        finish(errors)
    }
}

/// Body of `POST /v1/user_profiles/{id}` (update). `metadata` is a merge patch: keys
/// given overwrite, `""` deletes, keys not given stay (docs/api-contract.md §4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub external_id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// `null` leaves the relationship unchanged (docs/api-contract.md, judgement 4).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub relationship: Field<Relationship>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub metadata: Option<BTreeMap<String, String>>,
}

impl ProfileUpdate {
    /// Every rule of docs/api-contract.md §9 that the request alone decides; the merged result is
    /// checked by whoever holds the stored profile.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_text(
            "external_id",
            self.external_id.as_value().map(String::as_str),
            &mut errors,
        );
        check_text(
            "name",
            self.name.as_value().map(String::as_str),
            &mut errors,
        );
        if let Some(patch) = &self.metadata {
            check_metadata(patch, MetadataMode::Patch, &mut errors);
        }
        finish(errors)
    }
}

/// Applies a metadata merge patch to a stored map: `""` deletes, anything else sets.
pub fn merge_metadata(
    current: &BTreeMap<String, String>,
    patch: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut merged = current.clone();
    for (key, value) in patch {
        if value.is_empty() {
            merged.remove(key);
        } else {
            merged.insert(key.clone(), value.clone());
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn update_serializes_absent_null_and_value_distinctly() {
        let update = ProfileUpdate {
            external_id: Field::Absent,
            name: Field::Null,
            relationship: Field::Value(Relationship::Resold),
            metadata: Some(BTreeMap::from([("plan".into(), "".into())])),
        };
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            json!({"name": null, "relationship": "resold", "metadata": {"plan": ""}})
        );
        assert_eq!(
            serde_json::to_value(ProfileUpdate::default()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn update_deserializes_absent_null_and_value_distinctly() {
        let u: ProfileUpdate =
            serde_json::from_value(json!({"external_id": null, "name": "Acme"})).unwrap();
        assert_eq!(u.external_id, Field::Null);
        assert_eq!(u.name, Field::Value("Acme".into()));
        assert_eq!(u.relationship, Field::Absent);
        assert_eq!(u.metadata, None);
    }

    #[test]
    fn update_rejects_null_metadata_and_unknown_fields() {
        assert!(serde_json::from_value::<ProfileUpdate>(json!({"metadata": null})).is_err());
        assert!(serde_json::from_value::<ProfileUpdate>(json!({"access_type": "x"})).is_err());
        assert!(serde_json::from_value::<NewProfile>(json!({"nme": "x"})).is_err());
        assert!(serde_json::from_value::<NewProfile>(json!({"metadata": {"a": 1}})).is_err());
    }

    #[test]
    fn field_apply_follows_update_semantics() {
        assert_eq!(Field::Absent.apply(Some("a")), Some("a"));
        assert_eq!(Field::<&str>::Null.apply(Some("a")), None);
        assert_eq!(Field::Value("b").apply(Some("a")), Some("b"));
    }

    #[test]
    fn lengths_count_unicode_scalar_values_not_bytes() {
        let ok = NewProfile {
            name: Some("é".repeat(255)),
            metadata: BTreeMap::from([("ключ".repeat(16), "値".repeat(512))]),
            ..Default::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let too_long = NewProfile {
            name: Some("é".repeat(256)),
            ..Default::default()
        };
        let errors = too_long.validate().unwrap_err();
        assert_eq!(errors[0].field, "name");
        assert!(errors[0].message.contains("255"));
    }

    #[test]
    fn create_rejects_empty_values_but_update_accepts_them_as_deletes() {
        let meta = BTreeMap::from([("plan".to_string(), String::new())]);
        let create = NewProfile {
            metadata: meta.clone(),
            ..Default::default()
        };
        assert_eq!(create.validate().unwrap_err()[0].field, "metadata.plan");
        let update = ProfileUpdate {
            metadata: Some(meta),
            ..Default::default()
        };
        assert_eq!(update.validate(), Ok(()));
    }

    #[test]
    fn empty_text_fields_are_rejected() {
        let create = NewProfile {
            external_id: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(create.validate().unwrap_err()[0].field, "external_id");
    }

    #[test]
    fn merge_sets_overwrites_and_deletes() {
        let current = BTreeMap::from([
            ("plan".into(), "pro".into()),
            ("region".into(), "eu".into()),
        ]);
        let patch = BTreeMap::from([
            ("plan".into(), "".into()),
            ("tier".into(), "gold".into()),
            ("gone".into(), "".into()),
        ]);
        assert_eq!(
            merge_metadata(&current, &patch),
            BTreeMap::from([
                ("region".into(), "eu".into()),
                ("tier".into(), "gold".into())
            ])
        );
    }
}

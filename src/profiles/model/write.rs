//! What a create or an update sends. As it arrives ([`NewProfileInput`],
//! [`ProfileUpdateInput`]: the wire form, unknown fields refused) it is only input;
//! parsed, it is a [`NewProfile`] or a [`ProfileUpdate`], made only of values that are
//! valid by construction ([`ProfileText`], [`Metadata`], [`MetadataPatch`]), so one that
//! exists has passed the contract's limits (docs/api-contract.md §3.1, §3.4, §4). Every
//! field is optional; an update's fields are tri-state (absent, null, value) and its
//! metadata is a merge patch.

use crate::error::FieldError;
use crate::profiles::model::limits::check_text;
use crate::profiles::model::metadata::{Metadata, MetadataPatch};
use crate::profiles::model::profile::{Lenient, Profile, Relationship};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// An `external_id` or a `name`: 1 to 255 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ProfileText(String);

impl ProfileText {
    /// `field` names the input in the error.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        check_text(field, raw).map(|()| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<ProfileText> for String {
    fn from(text: ProfileText) -> Self {
        text.0
    }
}

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

    /// The same field with its value turned into another type.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Self::Absent => Field::Absent,
            Self::Null => Field::Null,
            Self::Value(v) => Field::Value(f(v)),
        }
    }

    /// [`Self::map`] with a conversion that may fail.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Field<U>, E> {
        match self {
            Self::Absent => Ok(Field::Absent),
            Self::Null => Ok(Field::Null),
            Self::Value(v) => f(v).map(Field::Value),
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

/// A create, valid by construction (docs/api-contract.md §3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewProfile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<ProfileText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<ProfileText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Relationship>,
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
}

/// Body of `POST /v1/user_profiles` as it arrives. `{}` is valid; unknown fields are
/// refused, as under `additionalProperties: false` (docs/api-contract.md, judgement 7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProfileInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Relationship>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// Every problem of the input, by field: `external_id`, `name`, then `metadata`.
impl TryFrom<NewProfileInput> for NewProfile {
    type Error = Vec<FieldError>;

    fn try_from(input: NewProfileInput) -> Result<Self, Vec<FieldError>> {
        let text = |field: &str, raw: Option<String>| {
            raw.map(|raw| ProfileText::parse(field, &raw)).transpose()
        };
        let pairs = input.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        match (
            text("external_id", input.external_id),
            text("name", input.name),
            Metadata::parse(pairs),
        ) {
            (Ok(external_id), Ok(name), Ok(metadata)) => Ok(Self {
                external_id,
                name,
                relationship: input.relationship,
                metadata,
            }),
            (external_id, name, metadata) => Err(collect(external_id, name, metadata)),
        }
    }
}

impl From<NewProfile> for NewProfileInput {
    fn from(profile: NewProfile) -> Self {
        Self {
            external_id: profile.external_id.map(String::from),
            name: profile.name.map(String::from),
            relationship: profile.relationship,
            metadata: profile.metadata.to_map(),
        }
    }
}

/// An update, valid by construction (docs/api-contract.md §3.4, §4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProfileUpdate {
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub external_id: Field<ProfileText>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub name: Field<ProfileText>,
    /// `null` leaves the relationship unchanged (docs/api-contract.md, judgement 4).
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub relationship: Field<Relationship>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<MetadataPatch>,
}

impl ProfileUpdate {
    /// `profile` as this update leaves it (docs/api-contract.md §4), before whoever holds
    /// the stored profile checks the result (at most 16 pairs, a name when resold) and
    /// moves `updated_at`.
    pub fn apply_to(&self, profile: &Profile) -> Profile {
        let mut after = profile.clone();
        after.external_id = self
            .external_id
            .clone()
            .map(String::from)
            .apply(after.external_id);
        after.name = self.name.clone().map(String::from).apply(after.name);
        if let Field::Value(relationship) = self.relationship {
            after.relationship = Lenient::Known(relationship);
        }
        if let Some(patch) = &self.metadata {
            after.metadata = patch.apply(&after.metadata);
        }
        after
    }
}

/// Body of `POST /v1/user_profiles/{id}` as it arrives. `metadata` may be left out but
/// not `null`; `""` as a value deletes its key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdateInput {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub external_id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub relationship: Field<Relationship>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// Every problem of the input, by field; the merged result is checked by whoever holds
/// the stored profile.
impl TryFrom<ProfileUpdateInput> for ProfileUpdate {
    type Error = Vec<FieldError>;

    fn try_from(input: ProfileUpdateInput) -> Result<Self, Vec<FieldError>> {
        let text =
            |field: &str, raw: Field<String>| raw.try_map(|raw| ProfileText::parse(field, &raw));
        let metadata = input
            .metadata
            .map(|patch| MetadataPatch::parse(patch.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
            .transpose();
        match (
            text("external_id", input.external_id),
            text("name", input.name),
            metadata,
        ) {
            (Ok(external_id), Ok(name), Ok(metadata)) => Ok(Self {
                external_id,
                name,
                relationship: input.relationship,
                metadata,
            }),
            (external_id, name, metadata) => Err(collect(external_id, name, metadata)),
        }
    }
}

impl From<ProfileUpdate> for ProfileUpdateInput {
    fn from(update: ProfileUpdate) -> Self {
        Self {
            external_id: update.external_id.map(String::from),
            name: update.name.map(String::from),
            relationship: update.relationship,
            metadata: update.metadata.map(|patch| {
                patch
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.unwrap_or_default().to_owned()))
                    .collect()
            }),
        }
    }
}

/// Every error of a parse of the text fields and the metadata, in field order.
fn collect<A, B, C>(
    external_id: Result<A, FieldError>,
    name: Result<B, FieldError>,
    metadata: Result<C, Vec<FieldError>>,
) -> Vec<FieldError> {
    external_id
        .err()
        .into_iter()
        .chain(name.err())
        .chain(metadata.err().into_iter().flatten())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn new_profile(input: serde_json::Value) -> Result<NewProfile, Vec<FieldError>> {
        NewProfile::try_from(serde_json::from_value::<NewProfileInput>(input).unwrap())
    }

    fn update(input: serde_json::Value) -> Result<ProfileUpdate, Vec<FieldError>> {
        ProfileUpdate::try_from(serde_json::from_value::<ProfileUpdateInput>(input).unwrap())
    }

    #[test]
    fn update_serializes_absent_null_and_value_distinctly() {
        let update = ProfileUpdate {
            external_id: Field::Absent,
            name: Field::Null,
            relationship: Field::Value(Relationship::Resold),
            metadata: Some(MetadataPatch::parse([("plan", "")]).unwrap()),
        };
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            json!({"name": null, "relationship": "resold", "metadata": {"plan": ""}})
        );
        assert_eq!(
            serde_json::to_value(ProfileUpdate::default()).unwrap(),
            json!({})
        );
        assert_eq!(
            serde_json::to_value(ProfileUpdateInput::from(update.clone())).unwrap(),
            serde_json::to_value(&update).unwrap(),
            "the input form of an update is the same on the wire"
        );
    }

    #[test]
    fn update_deserializes_absent_null_and_value_distinctly() {
        let u = update(json!({"external_id": null, "name": "Acme"})).unwrap();
        assert_eq!(u.external_id, Field::Null);
        assert_eq!(
            u.name,
            Field::Value(ProfileText::parse("name", "Acme").unwrap())
        );
        assert_eq!(u.relationship, Field::Absent);
        assert_eq!(u.metadata, None);
    }

    #[test]
    fn update_rejects_null_metadata_and_unknown_fields() {
        assert!(serde_json::from_value::<ProfileUpdateInput>(json!({"metadata": null})).is_err());
        assert!(serde_json::from_value::<ProfileUpdateInput>(json!({"access_type": "x"})).is_err());
        assert!(serde_json::from_value::<NewProfileInput>(json!({"nme": "x"})).is_err());
        assert!(serde_json::from_value::<NewProfileInput>(json!({"metadata": {"a": 1}})).is_err());
    }

    #[test]
    fn field_apply_follows_update_semantics() {
        assert_eq!(Field::Absent.apply(Some("a")), Some("a"));
        assert_eq!(Field::<&str>::Null.apply(Some("a")), None);
        assert_eq!(Field::Value("b").apply(Some("a")), Some("b"));
    }

    #[test]
    fn lengths_count_unicode_scalar_values_not_bytes() {
        let ok = new_profile(json!({
            "name": "é".repeat(255),
            "metadata": {"ключ".repeat(16): "値".repeat(512)},
        }));
        assert!(ok.is_ok(), "{ok:?}");
        let errors = new_profile(json!({"name": "é".repeat(256)})).unwrap_err();
        assert_eq!(errors[0].field, "name");
        assert!(errors[0].message.contains("255"));
    }

    #[test]
    fn create_rejects_empty_values_but_update_accepts_them_as_deletes() {
        let meta = json!({"plan": ""});
        let errors = new_profile(json!({"metadata": meta})).unwrap_err();
        assert_eq!(errors[0].field, "metadata.plan");
        assert!(update(json!({"metadata": meta})).is_ok());
    }

    #[test]
    fn empty_text_fields_are_rejected() {
        let errors = new_profile(json!({"external_id": ""})).unwrap_err();
        assert_eq!(errors[0].field, "external_id");
        assert_eq!(update(json!({"name": ""})).unwrap_err()[0].field, "name");
    }

    #[test]
    fn every_problem_is_named_by_its_field_in_form_order() {
        let long = "v".repeat(513);
        let errors = new_profile(json!({"name": "", "external_id": "", "metadata": {"k": long}}))
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["external_id", "name", "metadata.k"]);
    }

    #[test]
    fn an_update_applies_to_a_profile_by_the_merge_rules() {
        let before: Profile = serde_json::from_value(json!({
            "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z",
            "updated_at": "2026-03-15T10:00:00Z", "relationship": "resold",
            "external_id": "u1", "name": "Acme",
            "metadata": {"plan": "pro", "region": "eu"},
        }))
        .unwrap();
        let after = update(json!({
            "external_id": null, "relationship": null,
            "metadata": {"plan": "", "tier": "gold", "gone": ""},
        }))
        .unwrap()
        .apply_to(&before);
        assert_eq!(after.external_id, None);
        assert_eq!(after.name.as_deref(), Some("Acme"));
        assert_eq!(after.relationship.label(), "resold");
        assert_eq!(
            after.metadata,
            BTreeMap::from([
                ("region".into(), "eu".into()),
                ("tier".into(), "gold".into())
            ])
        );
        assert_eq!(after.updated_at, before.updated_at);
    }
}

//! What a create or an update sends. As it arrives ([`NewProfileInput`],
//! [`ProfileUpdateInput`]: the wire form, unknown fields refused) it is only input;
//! parsed, it is a [`NewProfile`] or a [`ProfileUpdate`], made only of values that are
//! valid by construction ([`ProfileText`], [`Metadata`], [`MetadataPatch`]), so one that
//! exists has passed the contract's limits (docs/api-contract.md §3.1, §3.4, §4). Every
//! field is optional; an update's fields are tri-state (absent, null, value) and its
//! metadata is a merge patch.
//!
//! These types are the console's own, one for both API versions: `external_id` is GA's
//! `external_user_details.reference_id`, and [`NewProfile::body`] / [`ProfileUpdate::body`]
//! write the wire form of the version the console speaks, refusing what that version
//! cannot take (docs/api-versions.md, "Writing").

use crate::error::FieldError;
use crate::profiles::model::details::{detail_field, Details, ExternalUserDetails, CANNOT_CLEAR};
use crate::profiles::model::lenient::Lenient;
use crate::profiles::model::limits::check_text;
use crate::profiles::model::metadata::{Metadata, MetadataPatch};
use crate::profiles::model::profile::{AccessType, Profile, Relationship};
use crate::profiles::model::version::ApiVersion;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};
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

/// A create or update body in the form of one API version, made by [`NewProfile::body`]
/// or [`ProfileUpdate::body`]: what the client sends as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct WireBody(Value);

impl WireBody {
    pub fn as_value(&self) -> &Value {
        &self.0
    }

    /// A body made here earlier and kept as JSON (an import job's row,
    /// docs/onboarding.md): it was checked when it was made.
    pub fn from_kept(value: Value) -> Self {
        Self(value)
    }
}

/// The body made, unless a field was refused.
fn finish(body: Map<String, Value>, errors: Vec<FieldError>) -> Result<WireBody, Vec<FieldError>> {
    if errors.is_empty() {
        Ok(WireBody(Value::Object(body)))
    } else {
        Err(errors)
    }
}

/// A field the version the console speaks does not take.
fn not_in(version: ApiVersion, field: &str, instead: &str) -> FieldError {
    FieldError::new(
        field,
        format!("is not part of the {} API; {instead}", version.as_str()),
    )
}

/// `external_user_details` on the wire: the reference id and the other details.
fn details_body(reference_id: Option<&str>, details: &Details) -> Option<Value> {
    let mut map: Map<String, Value> = details
        .iter()
        .map(|(k, v)| (k.to_owned(), Value::from(v)))
        .collect();
    if let Some(reference_id) = reference_id {
        map.insert("reference_id".into(), reference_id.into());
    }
    (!map.is_empty()).then_some(Value::Object(map))
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_type: Option<AccessType>,
    #[serde(skip_serializing_if = "Details::is_empty")]
    pub details: Details,
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
}

impl NewProfile {
    /// The body of the create call in `version`'s form; a field that version does not
    /// take is an error named by its field, never dropped or mapped silently.
    pub fn body(&self, version: ApiVersion) -> Result<WireBody, Vec<FieldError>> {
        let mut body = Map::new();
        let mut errors = Vec::new();
        if let Some(name) = &self.name {
            body.insert("name".into(), name.as_str().into());
        }
        if !self.metadata.is_empty() {
            body.insert("metadata".into(), json!(self.metadata.to_map()));
        }
        if version.has_relationship() {
            if let Some(external_id) = &self.external_id {
                body.insert("external_id".into(), external_id.as_str().into());
            }
            if let Some(relationship) = self.relationship {
                body.insert("relationship".into(), relationship.as_str().into());
            }
            if self.access_type.is_some() {
                errors.push(not_in(version, "access_type", "set the relationship"));
            }
            if let Some((key, _)) = self.details.iter().next() {
                errors.push(not_in(version, &detail_field(key), "it came with GA"));
            }
        } else {
            if self.relationship.is_some() {
                errors.push(not_in(version, "relationship", "set the access type"));
            }
            if let Some(access_type) = self.access_type {
                body.insert("access_type".into(), access_type.as_str().into());
            }
            let reference_id = self.external_id.as_ref().map(ProfileText::as_str);
            if let Some(details) = details_body(reference_id, &self.details) {
                body.insert("external_user_details".into(), details);
            }
        }
        finish(body, errors)
    }
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_type: Option<AccessType>,
    /// GA's details besides `reference_id` (which is `external_id`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub external_user_details: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// Every problem of the input, by field: `external_id`, `name`, the details, then
/// `metadata`.
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
            Details::parse(input.external_user_details),
            Metadata::parse(pairs),
        ) {
            (Ok(external_id), Ok(name), Ok(details), Ok(metadata)) => Ok(Self {
                external_id,
                name,
                relationship: input.relationship,
                access_type: input.access_type,
                details,
                metadata,
            }),
            (external_id, name, details, metadata) => {
                Err(collect(external_id, name, details, metadata))
            }
        }
    }
}

impl From<NewProfile> for NewProfileInput {
    fn from(profile: NewProfile) -> Self {
        Self {
            external_id: profile.external_id.map(String::from),
            name: profile.name.map(String::from),
            relationship: profile.relationship,
            access_type: profile.access_type,
            external_user_details: profile.details.to_map(),
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
    /// `null` leaves the access type unchanged (docs/api-versions.md, judgement 4).
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub access_type: Field<AccessType>,
    /// Details to replace; a detail cannot be cleared.
    #[serde(skip_serializing_if = "Details::is_empty")]
    pub details: Details,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<MetadataPatch>,
}

impl ProfileUpdate {
    /// `profile` as this update leaves it (docs/api-contract.md §4), before whoever holds
    /// the stored profile checks the result (at most 16 pairs, a name when resold) and
    /// moves `updated_at`.
    pub fn apply_to(&self, profile: &Profile) -> Profile {
        let mut after = profile.clone();
        let external_id = self.external_id.clone().map(String::from);
        if let Some(details) = &mut after.external_user_details {
            details.reference_id = external_id.apply(details.reference_id.take());
            apply_details(details, &self.details);
        } else if profile.access_type.is_some() {
            let mut details = ExternalUserDetails {
                reference_id: external_id.apply(None),
                ..Default::default()
            };
            apply_details(&mut details, &self.details);
            after.external_user_details = Some(details);
        } else {
            after.beta_external_id = external_id.apply(after.beta_external_id);
        }
        after.name = self.name.clone().map(String::from).apply(after.name);
        if let Field::Value(relationship) = self.relationship {
            after.relationship = Some(Lenient::Known(relationship));
        }
        if let Field::Value(access_type) = self.access_type {
            after.access_type = Some(Lenient::Known(access_type));
        }
        if let Some(patch) = &self.metadata {
            after.metadata = patch.apply(&after.metadata);
        }
        after
    }
}

impl ProfileUpdate {
    /// The body of the update call in `version`'s form (see [`NewProfile::body`]). Under
    /// GA the External ID cannot be cleared: it is a detail.
    pub fn body(&self, version: ApiVersion) -> Result<WireBody, Vec<FieldError>> {
        let mut body = Map::new();
        let mut errors = Vec::new();
        let field = |f: &Field<ProfileText>| match f {
            Field::Absent => None,
            Field::Null => Some(Value::Null),
            Field::Value(v) => Some(v.as_str().into()),
        };
        if let Some(name) = field(&self.name) {
            body.insert("name".into(), name);
        }
        if let Some(patch) = &self.metadata {
            let map: Map<String, Value> = patch
                .iter()
                .map(|(k, v)| (k.to_owned(), v.unwrap_or_default().into()))
                .collect();
            body.insert("metadata".into(), Value::Object(map));
        }
        if version.has_relationship() {
            if let Some(external_id) = field(&self.external_id) {
                body.insert("external_id".into(), external_id);
            }
            match self.relationship {
                Field::Absent => {}
                Field::Null => {
                    body.insert("relationship".into(), Value::Null);
                }
                Field::Value(r) => {
                    body.insert("relationship".into(), r.as_str().into());
                }
            }
            if !self.access_type.is_absent() {
                errors.push(not_in(version, "access_type", "set the relationship"));
            }
            if let Some((key, _)) = self.details.iter().next() {
                errors.push(not_in(version, &detail_field(key), "it came with GA"));
            }
        } else {
            if !self.relationship.is_absent() {
                errors.push(not_in(version, "relationship", "set the access type"));
            }
            if let Field::Value(access_type) = self.access_type {
                body.insert("access_type".into(), access_type.as_str().into());
            }
            if self.external_id == Field::Null {
                errors.push(FieldError::new("external_id", CANNOT_CLEAR));
            }
            let reference_id = self.external_id.as_value().map(ProfileText::as_str);
            if let Some(details) = details_body(reference_id, &self.details) {
                body.insert("external_user_details".into(), details);
            }
        }
        finish(body, errors)
    }
}

fn apply_details(details: &mut ExternalUserDetails, update: &Details) {
    for (key, value) in update.iter() {
        let slot = match key {
            "account_status" => &mut details.account_status,
            "country" => &mut details.country,
            "email_hash" => &mut details.email_hash,
            "entity_type" => &mut details.entity_type,
            "name_hash" => &mut details.name_hash,
            "onboarded_at" => &mut details.onboarded_at,
            _ => continue,
        };
        *slot = Some(value.to_owned());
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
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub access_type: Field<AccessType>,
    /// GA's details besides `reference_id`: values to replace, never `null`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub external_user_details: BTreeMap<String, String>,
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
            Details::parse(input.external_user_details),
            metadata,
        ) {
            (Ok(external_id), Ok(name), Ok(details), Ok(metadata)) => Ok(Self {
                external_id,
                name,
                relationship: input.relationship,
                access_type: input.access_type,
                details,
                metadata,
            }),
            (external_id, name, details, metadata) => {
                Err(collect(external_id, name, details, metadata))
            }
        }
    }
}

impl From<ProfileUpdate> for ProfileUpdateInput {
    fn from(update: ProfileUpdate) -> Self {
        Self {
            external_id: update.external_id.map(String::from),
            name: update.name.map(String::from),
            relationship: update.relationship,
            access_type: update.access_type,
            external_user_details: update.details.to_map(),
            metadata: update.metadata.map(|patch| {
                patch
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.unwrap_or_default().to_owned()))
                    .collect()
            }),
        }
    }
}

/// Every error of a parse of the text fields, the details and the metadata, in field
/// order.
fn collect<A, B, C, D>(
    external_id: Result<A, FieldError>,
    name: Result<B, FieldError>,
    details: Result<C, Vec<FieldError>>,
    metadata: Result<D, Vec<FieldError>>,
) -> Vec<FieldError> {
    external_id
        .err()
        .into_iter()
        .chain(name.err())
        .chain(details.err().into_iter().flatten())
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
            ..ProfileUpdate::default()
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
        assert!(serde_json::from_value::<ProfileUpdateInput>(json!({"trust_grants": {}})).is_err());
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
        assert_eq!(after.external_id(), None);
        assert_eq!(after.name.as_deref(), Some("Acme"));
        assert_eq!(after.kind(), "resold");
        assert_eq!(
            after.metadata,
            BTreeMap::from([
                ("region".into(), "eu".into()),
                ("tier".into(), "gold".into())
            ])
        );
        assert_eq!(after.updated_at, before.updated_at);
    }

    #[test]
    fn each_version_gets_its_own_body_and_refuses_the_others_fields() {
        let ga = ApiVersion::Ga;
        let beta = ApiVersion::Beta20260324;
        let created = new_profile(json!({
            "external_id": "u-1", "name": "Acme", "access_type": "passthrough",
            "external_user_details": {"country": "DE", "entity_type": "business"},
        }))
        .unwrap();
        assert_eq!(
            created.body(ga).unwrap().as_value(),
            &json!({"name": "Acme", "access_type": "passthrough",
                   "external_user_details": {"reference_id": "u-1", "country": "DE", "entity_type": "business"}})
        );
        let fields: Vec<String> = created
            .body(beta)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["access_type", "external_user_details.country"]);

        let beta_created =
            new_profile(json!({"external_id": "u-1", "relationship": "internal"})).unwrap();
        assert_eq!(
            beta_created.body(beta).unwrap().as_value(),
            &json!({"external_id": "u-1", "relationship": "internal"})
        );
        let refused = beta_created.body(ga).unwrap_err();
        assert_eq!(
            refused[0].field, "relationship",
            "internal is never mapped silently"
        );

        let cleared = update(json!({"external_id": null, "name": null})).unwrap();
        assert_eq!(
            cleared.body(beta).unwrap().as_value(),
            &json!({"external_id": null, "name": null})
        );
        assert_eq!(cleared.body(ga).unwrap_err()[0].message, CANNOT_CLEAR);

        let changed = update(json!({
            "external_id": "u-2", "access_type": "application",
            "external_user_details": {"onboarded_at": "2024-11-02T08:15:00Z"},
            "metadata": {"plan": ""},
        }))
        .unwrap();
        assert_eq!(
            changed.body(ga).unwrap().as_value(),
            &json!({"access_type": "application", "metadata": {"plan": ""},
                   "external_user_details": {"reference_id": "u-2", "onboarded_at": "2024-11-02T08:15:00Z"}})
        );
    }

    #[test]
    fn bad_details_are_named_by_their_field() {
        let errors = new_profile(
            json!({"external_user_details": {"country": "de", "entity_type": "person"}}),
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "external_user_details.country",
                "external_user_details.entity_type"
            ]
        );
    }
}

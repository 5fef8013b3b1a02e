//! Wire and domain types of the User Profiles API (beta `user-profiles-2026-03-24`),
//! with the validation rules of contract §9.
//!
//! Compiled for both targets: the browser uses it for live feedback, the server functions
//! for the authoritative check, and the emulator to enforce the contract. No I/O here.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use time::OffsetDateTime;

/// Most metadata pairs a profile may hold (contract §2.1).
pub const MAX_METADATA_KEYS: usize = 16;
/// Longest metadata key, in Unicode scalar values (Q6).
pub const MAX_KEY_CHARS: usize = 64;
/// Longest metadata value, in Unicode scalar values.
pub const MAX_VALUE_CHARS: usize = 512;
/// Longest `external_id` or `name`.
pub const MAX_TEXT_CHARS: usize = 255;
/// Longest id body we accept after `uprof_`; real ids have 24 (security.md §5.2).
const MAX_ID_BODY: usize = 64;
/// Longest list cursor we pass on; the emulator's are under 100.
const MAX_CURSOR_CHARS: usize = 512;

/// One rejected input: which field, and a message a support agent understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// `external_id`, `name`, `relationship`, `metadata`, or `metadata.<key>`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A profile id that is safe to put in an upstream URL path: `uprof_` then 1–64 ASCII
/// letters or digits. The upstream client accepts only this type, so `..`, `/`, `%2e`
/// and friends can never reach a URL (security.md §5.1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ProfileId(String);

impl ProfileId {
    pub const PREFIX: &'static str = "uprof_";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let body = raw.strip_prefix(Self::PREFIX).unwrap_or_default();
        let valid = !body.is_empty()
            && body.len() <= MAX_ID_BODY
            && body.bytes().all(|b| b.is_ascii_alphanumeric());
        if valid {
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

/// Who the profile stands for (contract §2.1).
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

/// Status of one trust grant (contract §8).
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

/// A value read from upstream that a newer API version may extend. An unknown value is
/// kept as it came, to be shown as it is, instead of failing the whole response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Lenient<T> {
    Known(T),
    Unknown(String),
}

impl<T: Default> Default for Lenient<T> {
    fn default() -> Self {
        Self::Known(T::default())
    }
}

impl Lenient<Relationship> {
    pub fn label(&self) -> &str {
        match self {
            Self::Known(r) => r.as_str(),
            Self::Unknown(raw) => raw,
        }
    }
}

impl Lenient<GrantStatus> {
    pub fn label(&self) -> &str {
        match self {
            Self::Known(s) => s.as_str(),
            Self::Unknown(raw) => raw,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustGrant {
    pub status: Lenient<GrantStatus>,
}

/// `BetaUserProfile`. A missing key and `null` read the same; unknown keys are ignored,
/// because later API versions add fields (contract §2.1, §10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: ProfileId,
    #[serde(with = "crate::profiles::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::profiles::timestamp")]
    pub updated_at: OffsetDateTime,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub relationship: Lenient<Relationship>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub trust_grants: BTreeMap<String, TrustGrant>,
}

/// `BetaUserProfileEnrollmentURL`. The URL is a credential: never log it or put it in a
/// page URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentUrl {
    pub url: String,
    #[serde(with = "crate::profiles::timestamp")]
    pub expires_at: OffsetDateTime,
}

/// One page of the list. `next_page` is `None` when there are no more results; an empty
/// string counts as none, as in the SDKs (contract §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePage {
    pub data: Vec<Profile>,
    #[serde(default, deserialize_with = "non_empty")]
    pub next_page: Option<String>,
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

/// Sort order of the list, by `created_at` (ties by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    #[default]
    Desc,
}

impl Order {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "asc" => Ok(Self::Asc),
            "desc" => Ok(Self::Desc),
            _ => Err(FieldError::new("order", "must be \"asc\" or \"desc\"")),
        }
    }
}

/// Page size of the list: 1 to 100 (contract §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct PageSize(u8);

impl PageSize {
    pub const DEFAULT: PageSize = PageSize(20);

    pub fn new(n: u32) -> Result<Self, FieldError> {
        match u8::try_from(n) {
            Ok(v) if (1..=100).contains(&v) => Ok(Self(v)),
            _ => Err(FieldError::new("limit", "must be between 1 and 100")),
        }
    }

    pub fn get(self) -> u32 {
        u32::from(self.0)
    }
}

impl Default for PageSize {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u32> for PageSize {
    type Error = FieldError;
    fn try_from(n: u32) -> Result<Self, FieldError> {
        Self::new(n)
    }
}

impl From<PageSize> for u32 {
    fn from(p: PageSize) -> u32 {
        p.get()
    }
}

/// An opaque list cursor from a previous `next_page`. Only its shape is checked (URL-safe
/// characters, bounded length), so that a pasted link cannot smuggle anything into the
/// upstream query string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PageCursor(String);

impl PageCursor {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_CURSOR_CHARS
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'=' | b'.'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new("page", "is not a valid page cursor"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for PageCursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Parameters of one list call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub limit: PageSize,
    #[serde(default)]
    pub order: Order,
    #[serde(default)]
    pub page: Option<PageCursor>,
}

/// An update field: left out, cleared with `null`, or set (contract §4). The SDKs tell
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
/// Unknown fields are rejected, as under `additionalProperties: false` (Q7).
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
    /// Every rule of contract §9 that the request alone decides.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_text("external_id", self.external_id.as_deref(), &mut errors);
        check_text("name", self.name.as_deref(), &mut errors);
        check_metadata(&self.metadata, MetadataMode::Create, &mut errors);
        finish(errors)
    }
}

/// Body of `POST /v1/user_profiles/{id}` (update). `metadata` is a merge patch: keys
/// given overwrite, `""` deletes, keys not given stay (contract §4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub external_id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// `null` leaves the relationship unchanged (Q4).
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
    /// Every rule of contract §9 that the request alone decides; the merged result is
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

/// Whether an empty metadata value is allowed: on update it deletes the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataMode {
    Create,
    Patch,
}

fn finish(errors: Vec<FieldError>) -> Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// `external_id` and `name`: 1 to 255 characters when given.
pub fn check_text(field: &str, value: Option<&str>, errors: &mut Vec<FieldError>) {
    let Some(value) = value else { return };
    let n = char_len(value);
    if n == 0 {
        errors.push(FieldError::new(field, "must not be empty"));
    } else if n > MAX_TEXT_CHARS {
        errors.push(FieldError::new(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters (got {n})"),
        ));
    }
}

/// Validates one metadata key; the message names the key.
pub fn check_metadata_key(key: &str) -> Result<(), FieldError> {
    let n = char_len(key);
    if n == 0 {
        Err(FieldError::new("metadata", "keys must not be empty"))
    } else if n > MAX_KEY_CHARS {
        Err(FieldError::new(
            format!("metadata.{key}"),
            format!("key must be at most {MAX_KEY_CHARS} characters (got {n})"),
        ))
    } else {
        Ok(())
    }
}

/// Validates one metadata value; empty is allowed only in a patch, where it deletes.
pub fn check_metadata_value(key: &str, value: &str, mode: MetadataMode) -> Result<(), FieldError> {
    let n = char_len(value);
    if n == 0 && mode == MetadataMode::Create {
        Err(FieldError::new(
            format!("metadata.{key}"),
            "value must not be empty",
        ))
    } else if n > MAX_VALUE_CHARS {
        Err(FieldError::new(
            format!("metadata.{key}"),
            format!("value must be at most {MAX_VALUE_CHARS} characters (got {n})"),
        ))
    } else {
        Ok(())
    }
}

/// At most 16 pairs, each key and value within limits.
pub fn check_metadata(
    map: &BTreeMap<String, String>,
    mode: MetadataMode,
    errors: &mut Vec<FieldError>,
) {
    if map.len() > MAX_METADATA_KEYS {
        errors.push(FieldError::new(
            "metadata",
            format!("at most {MAX_METADATA_KEYS} keys (got {})", map.len()),
        ));
    }
    for (key, value) in map {
        if let Err(e) =
            check_metadata_key(key).and_then(|()| check_metadata_value(key, value, mode))
        {
            errors.push(e);
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
            "access_type": "application",
            "programs": {"cyber": null}
        }))
        .unwrap();
        assert_eq!(p.name.as_deref(), Some("Example User"));
        assert_eq!(p.relationship, Lenient::Known(Relationship::External));
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
        assert_eq!(p.relationship.label(), "partner");
        assert_eq!(p.trust_grants["cyber"].status.label(), "suspended");
        assert_eq!(
            p.trust_grants["efs"].status,
            Lenient::Known(GrantStatus::Active)
        );
        assert_eq!(p.external_id, None);
        assert!(p.metadata.is_empty());
    }

    #[test]
    fn empty_next_page_means_no_more_pages() {
        let page: ProfilePage =
            serde_json::from_value(json!({"data": [], "next_page": ""})).unwrap();
        assert_eq!(page.next_page, None);
        let page: ProfilePage = serde_json::from_value(json!({"data": []})).unwrap();
        assert_eq!(page.next_page, None);
    }

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
    fn metadata_limits_are_enforced_with_field_names() {
        let seventeen: BTreeMap<_, _> = (0..17)
            .map(|i| (format!("k{i}"), "v".to_string()))
            .collect();
        let mut errors = Vec::new();
        check_metadata(&seventeen, MetadataMode::Create, &mut errors);
        assert_eq!(
            errors,
            vec![FieldError::new("metadata", "at most 16 keys (got 17)")]
        );

        let long_key = "k".repeat(65);
        assert!(check_metadata_key(&long_key).is_err());
        assert!(check_metadata_key(&"k".repeat(64)).is_ok());
        assert!(check_metadata_key("").is_err());
        let e = check_metadata_value("k", &"v".repeat(513), MetadataMode::Patch).unwrap_err();
        assert_eq!(
            e.to_string(),
            "metadata.k: value must be at most 512 characters (got 513)"
        );
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

    #[test]
    fn page_size_and_order_and_cursor_are_validated() {
        assert!(PageSize::new(0).is_err());
        assert!(PageSize::new(101).is_err());
        assert_eq!(PageSize::new(100).unwrap().get(), 100);
        assert_eq!(Order::parse("asc"), Ok(Order::Asc));
        assert!(Order::parse("ASC").is_err());
        assert!(PageCursor::parse("page_MjAyNS0wNS0xNFQwMDowMDowMFo=").is_ok());
        for bad in ["", "a&b=c", "a b", "x/y", &"a".repeat(513)] {
            assert!(PageCursor::parse(bad).is_err(), "{bad:?}");
        }
    }
}

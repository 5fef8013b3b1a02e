//! Create and update bodies, for every API version (docs/api-versions.md, "Writing"):
//! which fields each version accepts, their rules, and what they do to the record. A
//! field another version accepts is refused with a message naming the version that takes
//! it; one no version knows is refused as unknown.

use super::contract::ApiError;
use super::record::{AccountStatus, Details, EntityType, Record};
use crate::error::FieldError;
use crate::profiles::model::AccessType;
use crate::profiles::model::ApiVersion;
use crate::profiles::model::{check_text, Metadata, MetadataPatch, MAX_METADATA_KEYS};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// How far in the future an onboarding time may be.
const ONBOARDED_LEEWAY: time::Duration = time::Duration::minutes(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Create,
    Update,
}

/// A text field of an update: left out, cleared with `null`, or set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum Text {
    #[default]
    Absent,
    Clear,
    Set(String),
}

/// A parsed body: only what it changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Write {
    name: Text,
    reference_id: Text,
    /// `(access type, internal)`, from `relationship` or `access_type`.
    access: Option<(AccessType, bool)>,
    /// Create: the pairs; update: a merge patch (`None` deletes).
    metadata: Option<Vec<(String, Option<String>)>>,
    details: DetailsWrite,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct DetailsWrite {
    account_status: Option<AccountStatus>,
    country: Option<String>,
    email_hash: Option<String>,
    entity_type: Option<EntityType>,
    name_hash: Option<String>,
    onboarded_at: Option<OffsetDateTime>,
}

/// The top-level fields and the versions that accept them.
fn accepted(field: &str, version: ApiVersion) -> Option<bool> {
    use ApiVersion::*;
    let versions: &[ApiVersion] = match field {
        "name" | "metadata" => &ApiVersion::ALL,
        "relationship" => &[Beta20260324],
        "external_id" => &[Beta20260324, Beta20260818],
        "access_type" => &[Beta20260818, Beta20260904, Ga],
        "external_user_onboarded_at" => &[Beta20260818],
        "external_user_details" => &[Beta20260904, Ga],
        _ => return None,
    };
    Some(versions.contains(&version))
}

fn header_for(field: &str) -> String {
    ApiVersion::ALL
        .into_iter()
        .filter(|v| accepted(field, *v) == Some(true))
        .map(|v| match v.beta() {
            Some(beta) => format!("anthropic-beta: {beta}"),
            None => "no user-profiles beta header (GA)".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

fn under(version: ApiVersion) -> String {
    match version.beta() {
        Some(beta) => format!("the {beta} beta header"),
        None => "GA (no user-profiles beta header)".to_owned(),
    }
}

/// `value` read as `T`, or the field's error.
fn typed<T: DeserializeOwned>(field: &str, value: Value, what: &str) -> Result<T, FieldError> {
    serde_json::from_value(value).map_err(|_| FieldError::new(field, format!("must be {what}")))
}

fn text(field: &str, value: Value, kind: Kind, nullable: bool) -> Result<Text, FieldError> {
    match value {
        Value::Null if nullable => Ok(if kind == Kind::Create {
            Text::Absent
        } else {
            Text::Clear
        }),
        Value::Null => Err(FieldError::new(field, "must not be null")),
        Value::String(s) => check_text(field, &s).map(|()| Text::Set(s)),
        _ => Err(FieldError::new(field, "must be a string")),
    }
}

/// An RFC 3339 time with an offset, no later than a minute from now.
fn onboarded(field: &str, value: Value, now: OffsetDateTime) -> Result<OffsetDateTime, FieldError> {
    let Value::String(raw) = value else {
        return Err(FieldError::new(
            field,
            "must be an RFC 3339 timestamp (it cannot be cleared)",
        ));
    };
    let at = crate::timestamp::parse(&raw).ok_or_else(|| {
        FieldError::new(
            field,
            "must be a complete RFC 3339 timestamp with an offset",
        )
    })?;
    if at > now + ONBOARDED_LEEWAY {
        return Err(FieldError::new(
            field,
            "must be no more than 1 minute in the future",
        ));
    }
    Ok(at.to_offset(time::UtcOffset::UTC))
}

/// `1..=255` characters, opaque: `email_hash`, `name_hash`.
fn hash(field: &str, value: Value) -> Result<String, FieldError> {
    match value {
        Value::String(s) => check_text(field, &s).map(|()| s),
        _ => Err(FieldError::new(field, "must be a string")),
    }
}

fn country(field: &str, value: Value) -> Result<String, FieldError> {
    match value {
        Value::String(s) if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) => Ok(s),
        _ => Err(FieldError::new(
            field,
            "must be an ISO 3166-1 alpha-2 code in upper case, e.g. US",
        )),
    }
}

/// Parses `body` as `version` accepts it for `kind`; every problem is named by field.
pub fn parse(
    version: ApiVersion,
    kind: Kind,
    body: Map<String, Value>,
    now: OffsetDateTime,
) -> Result<Write, ApiError> {
    let mut write = Write::default();
    let mut errors = Vec::new();
    for (field, value) in body {
        match accepted(&field, version) {
            None => {
                errors.push(FieldError::new(&field, "is not a known field"));
                continue;
            }
            Some(false) => {
                errors.push(FieldError::new(
                    &field,
                    format!(
                        "is not accepted under {}; it is accepted with {}",
                        under(version),
                        header_for(&field)
                    ),
                ));
                continue;
            }
            Some(true) => {}
        }
        let result = match field.as_str() {
            "name" => text("name", value, kind, true).map(|t| write.name = t),
            "external_id" => text("external_id", value, kind, true).map(|t| write.reference_id = t),
            "metadata" => match metadata(value, kind) {
                Ok(m) => {
                    write.metadata = Some(m);
                    Ok(())
                }
                Err(all) => {
                    errors.extend(all);
                    Ok(())
                }
            },
            "relationship" => relationship(value).map(|access| write.access = access),
            "access_type" => match value {
                Value::Null if kind == Kind::Update => Ok(()),
                value => {
                    typed::<AccessType>("access_type", value, "\"application\" or \"passthrough\"")
                        .map(|a| write.access = Some((a, false)))
                }
            },
            "external_user_onboarded_at" => onboarded("external_user_onboarded_at", value, now)
                .map(|at| write.details.onboarded_at = Some(at)),
            "external_user_details" => {
                details(value, kind, now, &mut write, &mut errors);
                Ok(())
            }
            _ => unreachable!("every accepted field is handled"),
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(write)
    } else {
        Err(ApiError::fields(errors))
    }
}

/// The pairs of a create, or the merge patch of an update (`None` deletes).
fn metadata(value: Value, kind: Kind) -> Result<Vec<(String, Option<String>)>, Vec<FieldError>> {
    let pairs: std::collections::BTreeMap<String, String> =
        typed("metadata", value, "an object of string values").map_err(|e| vec![e])?;
    let iter = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    match kind {
        Kind::Create => Metadata::parse(iter).map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_owned(), Some(v.to_owned())))
                .collect()
        }),
        Kind::Update => MetadataPatch::parse(iter).map(|p| {
            p.iter()
                .map(|(k, v)| (k.to_owned(), v.map(str::to_owned)))
                .collect()
        }),
    }
}

/// 03-24's `relationship`; `null` leaves it as it is.
fn relationship(value: Value) -> Result<Option<(AccessType, bool)>, FieldError> {
    match value.as_str() {
        _ if value.is_null() => Ok(None),
        Some("external") => Ok(Some((AccessType::Application, false))),
        Some("resold") => Ok(Some((AccessType::Passthrough, false))),
        Some("internal") => Ok(Some((AccessType::Application, true))),
        _ => Err(FieldError::new(
            "relationship",
            "must be \"external\", \"resold\" or \"internal\"",
        )),
    }
}

/// `external_user_details`: the object may not be `null`; on update none of its values
/// may be, since a value once set cannot be cleared; on create `null` means "not
/// supplied", except for `onboarded_at`.
fn details(
    value: Value,
    kind: Kind,
    now: OffsetDateTime,
    write: &mut Write,
    errors: &mut Vec<FieldError>,
) {
    let Value::Object(object) = value else {
        errors.push(FieldError::new(
            "external_user_details",
            "must be an object",
        ));
        return;
    };
    let d = &mut write.details;
    for (key, value) in object {
        let field = format!("external_user_details.{key}");
        if value.is_null() && (kind == Kind::Update || key == "onboarded_at") {
            errors.push(FieldError::new(
                &field,
                "cannot be null: once set, a value cannot be cleared",
            ));
            continue;
        }
        if value.is_null() {
            continue;
        }
        let result = match key.as_str() {
            "account_status" => typed(&field, value, "\"active\", \"suspended\" or \"blocked\"")
                .map(|v| d.account_status = Some(v)),
            "country" => country(&field, value).map(|v| d.country = Some(v)),
            "email_hash" => hash(&field, value).map(|v| d.email_hash = Some(v)),
            "entity_type" => typed(
                &field,
                value,
                "\"individual\", \"business\", \"non_profit\" or \"government\"",
            )
            .map(|v| d.entity_type = Some(v)),
            "name_hash" => hash(&field, value).map(|v| d.name_hash = Some(v)),
            "onboarded_at" => onboarded(&field, value, now).map(|v| d.onboarded_at = Some(v)),
            "reference_id" => text(&field, value, kind, false).map(|t| write.reference_id = t),
            _ => Err(FieldError::new(&field, "is not a known field")),
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }
}

impl Write {
    /// `record` as this write leaves it, at `at`; then checked as the version requires:
    /// at most 16 metadata pairs after a merge, and under 03-24 a name for a resold
    /// profile. All or nothing: an error leaves the record as it was.
    pub fn apply(
        self,
        record: &Record,
        version: ApiVersion,
        at: OffsetDateTime,
    ) -> Result<Record, ApiError> {
        let mut next = record.clone();
        match self.name {
            Text::Absent => {}
            Text::Clear => next.name = None,
            Text::Set(name) => next.name = Some(name),
        }
        match self.reference_id {
            Text::Absent => {}
            Text::Clear => next.details.reference_id = None,
            Text::Set(id) => next.details.reference_id = Some(id),
        }
        if let Some((access_type, internal)) = self.access {
            next.access_type = access_type;
            next.internal = internal;
        }
        for (key, value) in self.metadata.into_iter().flatten() {
            match value {
                Some(value) => next.metadata.insert(key, value),
                None => next.metadata.remove(&key),
            };
        }
        if next.metadata.len() > MAX_METADATA_KEYS {
            return Err(ApiError::invalid(format!(
                "metadata: the profile would have {} keys; at most {MAX_METADATA_KEYS} are allowed",
                next.metadata.len()
            )));
        }
        let d = self.details;
        let stored = &mut next.details;
        let set = Details {
            account_status: d.account_status.or(stored.account_status),
            country: d.country.or(stored.country.take()),
            email_hash: d.email_hash.or(stored.email_hash.take()),
            entity_type: d.entity_type.or(stored.entity_type),
            name_hash: d.name_hash.or(stored.name_hash.take()),
            onboarded_at: d.onboarded_at.or(stored.onboarded_at),
            reference_id: stored.reference_id.take(),
        };
        next.details = set;
        if version.has_relationship()
            && next.access_type == AccessType::Passthrough
            && !next.internal
            && next.name.is_none()
        {
            return Err(ApiError::invalid(
                "name: is required when relationship is \"resold\"",
            ));
        }
        next.updated_at = at;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    fn write(version: ApiVersion, kind: Kind, body: Value) -> Result<Write, String> {
        let Value::Object(map) = body else { panic!() };
        parse(version, kind, map, NOW).map_err(|e| e.message().to_owned())
    }

    fn stored() -> Record {
        Record::new("uprof_01test".into(), datetime!(2026-03-24 09:00 UTC))
    }

    fn applied(
        version: ApiVersion,
        kind: Kind,
        body: Value,
        record: &Record,
    ) -> Result<Record, String> {
        write(version, kind, body)?
            .apply(record, version, NOW)
            .map_err(|e| e.message().to_owned())
    }

    #[test]
    fn each_version_takes_its_own_fields_and_names_the_header_of_the_others() {
        let refused =
            write(ApiVersion::Ga, Kind::Create, json!({"external_id": "u1"})).unwrap_err();
        assert!(
            refused.starts_with("external_id: is not accepted under GA"),
            "{refused}"
        );
        assert!(refused.contains("user-profiles-2026-03-24"), "{refused}");
        let refused = write(
            ApiVersion::Beta20260324,
            Kind::Create,
            json!({"external_user_details": {}}),
        )
        .unwrap_err();
        assert!(
            refused.contains("no user-profiles beta header (GA)"),
            "{refused}"
        );
        for (version, field) in [
            (ApiVersion::Beta20260324, "access_type"),
            (ApiVersion::Ga, "relationship"),
            (ApiVersion::Beta20260904, "external_id"),
            (ApiVersion::Ga, "external_user_onboarded_at"),
            (ApiVersion::Beta20260818, "external_user_details"),
        ] {
            let body = json!({ field: null });
            assert!(
                write(version, Kind::Update, body).is_err(),
                "{version} {field}"
            );
        }
        let unknown = write(ApiVersion::Ga, Kind::Create, json!({"nme": "x"})).unwrap_err();
        assert_eq!(unknown, "nme: is not a known field");
        assert!(write(
            ApiVersion::Beta20260818,
            Kind::Create,
            json!({
                "access_type": "passthrough", "external_id": "org_1",
                "external_user_onboarded_at": "2024-11-02T08:15:00Z"
            })
        )
        .is_ok());
    }

    #[test]
    fn ga_details_are_checked_and_cannot_be_cleared_once_set() {
        let created = applied(
            ApiVersion::Ga,
            Kind::Create,
            json!({"name": "Acme", "access_type": "passthrough", "external_user_details": {
                "country": "DE", "reference_id": "org_9", "entity_type": "non_profit",
                "onboarded_at": "2024-11-02T09:15:00+01:00", "email_hash": null
            }}),
            &stored(),
        )
        .unwrap();
        assert_eq!(created.details.country.as_deref(), Some("DE"));
        assert_eq!(
            created.details.onboarded_at,
            Some(datetime!(2024-11-02 08:15 UTC))
        );
        assert_eq!(created.details.email_hash, None);
        for (body, field) in [
            (
                json!({"external_user_details": {"country": "de"}}),
                "country",
            ),
            (
                json!({"external_user_details": {"country": "DEU"}}),
                "country",
            ),
            (
                json!({"external_user_details": {"reference_id": null}}),
                "reference_id",
            ),
            (
                json!({"external_user_details": {"onboarded_at": "2026-11-30T12:02:00Z"}}),
                "onboarded_at",
            ),
            (
                json!({"external_user_details": {"onboarded_at": "2026-11-30"}}),
                "onboarded_at",
            ),
            (
                json!({"external_user_details": {"email_hash": ""}}),
                "email_hash",
            ),
            (json!({"external_user_details": {"tier": "x"}}), "tier"),
        ] {
            let refused =
                applied(ApiVersion::Ga, Kind::Update, body.clone(), &created).unwrap_err();
            assert!(
                refused.starts_with(&format!("external_user_details.{field}:")),
                "{body}: {refused}"
            );
        }
        assert!(write(
            ApiVersion::Ga,
            Kind::Update,
            json!({"external_user_details": null})
        )
        .is_err());
        // Within the minute is fine; `{}` changes nothing but the update time.
        assert!(write(
            ApiVersion::Ga,
            Kind::Update,
            json!({"external_user_details": {"onboarded_at": "2026-11-30T12:00:59Z"}})
        )
        .is_ok());
        let same = applied(
            ApiVersion::Ga,
            Kind::Update,
            json!({"external_user_details": {}}),
            &created,
        )
        .unwrap();
        assert_eq!(same.details, created.details);
        let replaced = applied(
            ApiVersion::Ga,
            Kind::Update,
            json!({"external_user_details": {"country": "FR"}}),
            &created,
        )
        .unwrap();
        assert_eq!(replaced.details.country.as_deref(), Some("FR"));
        assert_eq!(replaced.details.reference_id.as_deref(), Some("org_9"));
    }

    #[test]
    fn legacy_versions_still_clear_the_reference_and_internal_lasts_until_access_type() {
        let mut record = stored();
        record.details.reference_id = Some("u1".into());
        let cleared = applied(
            ApiVersion::Beta20260818,
            Kind::Update,
            json!({"external_id": null}),
            &record,
        )
        .unwrap();
        assert_eq!(cleared.details.reference_id, None);
        let internal = applied(
            ApiVersion::Beta20260324,
            Kind::Update,
            json!({"relationship": "internal"}),
            &record,
        )
        .unwrap();
        assert!(internal.internal);
        let unchanged = applied(
            ApiVersion::Ga,
            Kind::Update,
            json!({"access_type": null}),
            &internal,
        )
        .unwrap();
        assert!(unchanged.internal);
        let written = applied(
            ApiVersion::Ga,
            Kind::Update,
            json!({"access_type": "application"}),
            &internal,
        )
        .unwrap();
        assert!(!written.internal);
    }

    #[test]
    fn the_resold_name_rule_is_03_24_only_and_metadata_stays_within_sixteen() {
        let refused = applied(
            ApiVersion::Beta20260324,
            Kind::Create,
            json!({"relationship": "resold"}),
            &stored(),
        );
        assert_eq!(
            refused.unwrap_err(),
            "name: is required when relationship is \"resold\""
        );
        assert!(applied(
            ApiVersion::Ga,
            Kind::Create,
            json!({"access_type": "passthrough"}),
            &stored()
        )
        .is_ok());
        let mut full = stored();
        full.metadata = (0..16).map(|i| (format!("k{i}"), "v".into())).collect();
        let over = applied(
            ApiVersion::Ga,
            Kind::Update,
            json!({"metadata": {"k16": "v"}}),
            &full,
        );
        assert!(over.unwrap_err().contains("17 keys"));
        let swap = applied(
            ApiVersion::Ga,
            Kind::Update,
            json!({"metadata": {"k0": "", "k16": "v"}}),
            &full,
        )
        .unwrap();
        assert_eq!(swap.metadata.len(), 16);
        assert!(write(ApiVersion::Ga, Kind::Create, json!({"metadata": {"k": ""}})).is_err());
        assert!(write(ApiVersion::Ga, Kind::Create, json!({"metadata": null})).is_err());
        assert!(write(ApiVersion::Ga, Kind::Create, json!({"access_type": null})).is_err());
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::fixed_cases(512))]

        /// A metadata merge patch (RFC 7386 restricted to strings, docs/api-contract.md §4)
        /// does what a plain map model says, in the emulator and in the console's own
        /// model alike: `""` removes a key, any other value sets it, the rest is kept, and
        /// a result past 16 pairs is refused with the profile left as it was.
        #[test]
        fn merge_patches_match_the_reference_model(
            kept in proptest::collection::btree_map("k[0-9]{1,2}", "[a-z]{1,4}", 0..=16),
            patch in proptest::collection::btree_map("k[0-9]{1,2}", "[a-z]{0,4}", 0..12),
            version in proptest::sample::select(ApiVersion::ALL.to_vec()),
        ) {
            let mut model = kept.clone();
            for (key, value) in &patch {
                if value.is_empty() {
                    model.remove(key);
                } else {
                    model.insert(key.clone(), value.clone());
                }
            }
            let mut record = stored();
            record.metadata = kept.clone();
            let emulated = applied(version, Kind::Update, json!({ "metadata": patch }), &record);
            if model.len() > MAX_METADATA_KEYS {
                proptest::prop_assert!(emulated.is_err());
            } else {
                proptest::prop_assert_eq!(&emulated.unwrap().metadata, &model);
            }
            let console = MetadataPatch::parse(patch.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .unwrap();
            proptest::prop_assert_eq!(console.apply(&kept), model);
        }
    }
}

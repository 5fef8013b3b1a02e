//! Comparing profiles: what a create or an update did, or asked to do, field by field
//! (metadata key by key), in the audit trail's [`Change`] (server only).

use crate::audit::Change;
use crate::profiles::model::profile::Profile;
use crate::profiles::model::write::{NewProfile, ProfileText, ProfileUpdate};
use std::collections::{BTreeMap, BTreeSet};

/// A created profile: every field it was given, from nothing.
pub fn created(profile: &Profile) -> Vec<Change> {
    from_nothing(
        profile.external_id.as_deref(),
        profile.name.as_deref(),
        profile.relationship.label(),
        &profile.metadata,
    )
}

/// A deleted profile: every field it held, to nothing.
pub fn deleted(profile: &Profile) -> Vec<Change> {
    created(profile)
        .into_iter()
        .map(|c| Change {
            field: c.field,
            old: c.new,
            new: None,
        })
        .collect()
}

/// The fields that differ between two versions of a profile.
pub fn between(before: &Profile, after: &Profile) -> Vec<Change> {
    let mut changes = Vec::new();
    push(
        &mut changes,
        "external_id",
        before.external_id.as_deref(),
        after.external_id.as_deref(),
    );
    push(
        &mut changes,
        "name",
        before.name.as_deref(),
        after.name.as_deref(),
    );
    push(
        &mut changes,
        "relationship",
        Some(before.relationship.label()),
        Some(after.relationship.label()),
    );
    metadata(&mut changes, &before.metadata, &after.metadata);
    let grants: BTreeSet<&String> = before
        .trust_grants
        .keys()
        .chain(after.trust_grants.keys())
        .collect();
    for grant in grants {
        push(
            &mut changes,
            &format!("trust_grants.{grant}"),
            before.trust_grants.get(grant).map(|g| g.status.label()),
            after.trust_grants.get(grant).map(|g| g.status.label()),
        );
    }
    changes
}

/// What `update` asks to change in `before`: recorded when the update did not (or may
/// not) happen, so that the entry still says what was attempted.
pub fn requested(before: &Profile, update: &ProfileUpdate) -> Vec<Change> {
    between(before, &update.apply_to(before))
}

/// A create that did not (or may not) happen: what it asked for.
pub fn requested_new(profile: &NewProfile) -> Vec<Change> {
    from_nothing(
        profile.external_id.as_ref().map(ProfileText::as_str),
        profile.name.as_ref().map(ProfileText::as_str),
        profile.relationship.unwrap_or_default().as_str(),
        &profile.metadata.to_map(),
    )
}

/// The changes that bring these values into being.
fn from_nothing(
    external_id: Option<&str>,
    name: Option<&str>,
    relationship: &str,
    metadata: &BTreeMap<String, String>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    push(&mut changes, "external_id", None, external_id);
    push(&mut changes, "name", None, name);
    push(&mut changes, "relationship", None, Some(relationship));
    self::metadata(&mut changes, &BTreeMap::new(), metadata);
    changes
}

fn push(changes: &mut Vec<Change>, field: &str, old: Option<&str>, new: Option<&str>) {
    if old != new {
        changes.push(Change {
            field: field.to_owned(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
        });
    }
}

/// One change per metadata key added, changed or removed, as `metadata.KEY`.
fn metadata(
    changes: &mut Vec<Change>,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys {
        push(
            changes,
            &format!("metadata.{key}"),
            before.get(key).map(String::as_str),
            after.get(key).map(String::as_str),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::{Field, Metadata, MetadataPatch};

    fn profile(json: serde_json::Value) -> Profile {
        let mut base = serde_json::json!({
            "id": "uprof_01ABCDEFGHJKMNPQRSTVWXYZ01",
            "type": "user_profile",
            "created_at": "2026-03-24T09:00:00Z",
            "updated_at": "2026-03-24T09:00:00Z",
            "external_id": null,
            "name": null,
            "relationship": "external",
            "metadata": {},
            "trust_grants": {}
        });
        for (k, v) in json.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    fn change(field: &str, old: Option<&str>, new: Option<&str>) -> Change {
        Change {
            field: field.into(),
            old: old.map(Into::into),
            new: new.map(Into::into),
        }
    }

    #[test]
    fn an_update_lists_each_changed_field_and_metadata_key_with_old_and_new() {
        let before = profile(serde_json::json!({
            "name": "Ada", "external_id": "u-1",
            "metadata": {"plan": "free", "region": "eu", "keep": "same"}
        }));
        let after = profile(serde_json::json!({
            "name": "Ada Lovelace", "external_id": null, "relationship": "internal",
            "metadata": {"plan": "pro", "keep": "same", "tier": "2"}
        }));
        assert_eq!(
            between(&before, &after),
            vec![
                change("external_id", Some("u-1"), None),
                change("name", Some("Ada"), Some("Ada Lovelace")),
                change("relationship", Some("external"), Some("internal")),
                change("metadata.plan", Some("free"), Some("pro")),
                change("metadata.region", Some("eu"), None),
                change("metadata.tier", None, Some("2")),
            ]
        );
        assert!(between(&before, &before).is_empty());
    }

    #[test]
    fn a_requested_update_follows_the_merge_rules() {
        let before = profile(serde_json::json!({
            "name": "Ada", "metadata": {"plan": "free", "region": "eu"}
        }));
        let update = ProfileUpdate {
            name: Field::Null,
            relationship: Field::Null,
            metadata: Some(
                MetadataPatch::parse([("plan", "pro"), ("region", ""), ("absent", "")]).unwrap(),
            ),
            ..ProfileUpdate::default()
        };
        assert_eq!(
            requested(&before, &update),
            vec![
                change("name", Some("Ada"), None),
                change("metadata.plan", Some("free"), Some("pro")),
                change("metadata.region", Some("eu"), None),
            ]
        );
    }

    #[test]
    fn a_create_lists_what_the_profile_was_given() {
        let created_profile = profile(serde_json::json!({"name": "Ada", "metadata": {"a": "1"}}));
        assert_eq!(
            created(&created_profile),
            vec![
                change("name", None, Some("Ada")),
                change("relationship", None, Some("external")),
                change("metadata.a", None, Some("1")),
            ]
        );
        let asked = NewProfile {
            name: Some(ProfileText::parse("name", "Ada").unwrap()),
            metadata: Metadata::parse([("a", "1")]).unwrap(),
            ..NewProfile::default()
        };
        assert_eq!(requested_new(&asked), created(&created_profile));
    }

    #[test]
    fn grants_that_came_went_or_changed_are_changes_too() {
        let before = profile(
            serde_json::json!({"trust_grants": {"cyber": {"status": "pending"}, "efs": {"status": "active"}}}),
        );
        let after = profile(
            serde_json::json!({"trust_grants": {"cyber": {"status": "active"}, "other": {"status": "paused"}}}),
        );
        let fields: Vec<_> = between(&before, &after)
            .into_iter()
            .map(|c| (c.field, c.old, c.new))
            .collect();
        assert_eq!(
            fields,
            [
                (
                    "trust_grants.cyber".to_owned(),
                    Some("pending".to_owned()),
                    Some("active".to_owned())
                ),
                (
                    "trust_grants.efs".to_owned(),
                    Some("active".to_owned()),
                    None
                ),
                (
                    "trust_grants.other".to_owned(),
                    None,
                    Some("paused".to_owned())
                ),
            ]
        );
    }
}

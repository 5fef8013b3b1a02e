//! Comparing profiles: what a create or an update did, or asked to do, field by field
//! (metadata key by key), in the audit trail's [`Change`] (server only).

use crate::audit::Change;
use crate::profiles::model::details::{detail_field, DETAILS};
use crate::profiles::model::profile::Profile;
use crate::profiles::model::version::ApiVersion;
use crate::profiles::model::write::{NewProfile, ProfileText, ProfileUpdate};
use std::collections::BTreeMap;

/// A created profile: every field it was given, from nothing.
pub fn created(profile: &Profile) -> Vec<Change> {
    diff(Vec::new(), fields(profile))
}

/// A deleted profile: every field it held, to nothing.
pub fn deleted(profile: &Profile) -> Vec<Change> {
    diff(fields(profile), Vec::new())
}

/// The fields that differ between two versions of a profile, named as the API names them
/// in the version they came in. Program details that one side does not report in full
/// (tiers and requirements when `tiers` is `{}`, EFS when it is `null`: what lists,
/// creates and updates answer, docs/api-versions.md "Programs") are left out, so that an
/// update never reads as withdrawing them.
pub fn between(before: &Profile, after: &Profile) -> Vec<Change> {
    let tiers_unknown = |p: &Profile| {
        p.programs
            .as_ref()
            .and_then(|g| g.cyber.as_ref())
            .is_some_and(|c| c.tiers.is_empty())
    };
    let efs_unknown = |p: &Profile| p.programs.as_ref().is_some_and(|g| g.efs.is_none());
    let skip_tiers = tiers_unknown(before) || tiers_unknown(after);
    let skip_efs = efs_unknown(before) || efs_unknown(after);
    let reported = |(field, _): &(String, String)| {
        !(skip_tiers
            && (field.starts_with("programs.cyber.tiers.")
                || field.starts_with("programs.cyber.requirements.")))
            && !(skip_efs && field.starts_with("programs.efs"))
    };
    let keep = |p: &Profile| fields(p).into_iter().filter(reported).collect();
    diff(keep(before), keep(after))
}

/// What `update` asks to change in `before`: recorded when the update did not (or may
/// not) happen, so that the entry still says what was attempted.
pub fn requested(before: &Profile, update: &ProfileUpdate) -> Vec<Change> {
    between(before, &update.apply_to(before))
}

/// A create that did not (or may not) happen: what it asked for, named as `version`
/// names it.
pub fn requested_new(profile: &NewProfile, version: ApiVersion) -> Vec<Change> {
    let mut asked = Vec::new();
    let mut set = |field: &str, value: Option<&str>| {
        if let Some(value) = value {
            asked.push((field.to_owned(), value.to_owned()));
        }
    };
    let external_id = profile.external_id.as_ref().map(ProfileText::as_str);
    if version.has_relationship() {
        set("external_id", external_id);
        set(
            "relationship",
            Some(profile.relationship.unwrap_or_default().as_str()),
        );
    } else {
        set("external_user_details.reference_id", external_id);
        for (key, value) in profile.details.iter() {
            set(&detail_field(key), Some(value));
        }
        set(
            "access_type",
            Some(profile.access_type.unwrap_or_default().as_str()),
        );
    }
    set("name", profile.name.as_ref().map(ProfileText::as_str));
    for (key, value) in profile.metadata.to_map() {
        set(&format!("metadata.{key}"), Some(&value));
    }
    diff(Vec::new(), asked)
}

/// Every value a profile holds that the audit trail compares, as `(field, value)`.
fn fields(p: &Profile) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut set = |field: String, value: Option<&str>| {
        if let Some(value) = value {
            out.push((field, value.to_owned()));
        }
    };
    set("external_id".into(), p.beta_external_id.as_deref());
    if let Some(details) = &p.external_user_details {
        set(
            detail_field("reference_id"),
            details.reference_id.as_deref(),
        );
        for detail in DETAILS {
            set(detail_field(detail.key), details.get(detail.key));
        }
    }
    set("name".into(), p.name.as_deref());
    set(
        "relationship".into(),
        p.relationship.as_ref().map(|r| r.label()),
    );
    set(
        "access_type".into(),
        p.access_type.as_ref().map(|a| a.label()),
    );
    for (key, value) in &p.metadata {
        set(format!("metadata.{key}"), Some(value));
    }
    for (name, grant) in &p.trust_grants {
        set(format!("trust_grants.{name}"), Some(grant.status.label()));
    }
    if let Some(programs) = &p.programs {
        for (name, status) in programs.statuses() {
            set(format!("programs.{name}"), Some(&status));
        }
        if let Some(cyber) = &programs.cyber {
            for (tier, feature) in &cyber.tiers {
                set(
                    format!("programs.cyber.tiers.{tier}"),
                    Some(feature.status.label()),
                );
            }
            if let Some(r) = cyber.requirements {
                let yes_no = |b: bool| if b { "required" } else { "not required" };
                set(
                    "programs.cyber.requirements.data_retention".into(),
                    Some(yes_no(r.data_retention)),
                );
                set(
                    "programs.cyber.requirements.human_review".into(),
                    Some(yes_no(r.human_review)),
                );
            }
        }
        if let Some(efs) = &programs.efs {
            for (feature, state) in &efs.features {
                set(
                    format!("programs.efs.features.{feature}"),
                    Some(state.status.label()),
                );
            }
        }
    }
    set(
        "enforcement_status".into(),
        p.enforcement_status.as_ref().map(|s| s.label()),
    );
    for action in p.enforcement_actions.iter().flatten() {
        let mut text = format!("{} ({})", action.kind.label(), action.reason_text());
        if action.offers_verify() {
            text.push_str(", can be cleared by an identity check");
        }
        set(format!("enforcement_actions.{}", action.id), Some(&text));
    }
    out
}

/// The order entries list fields in: identity, name, kind, metadata, standing.
fn rank(field: &str) -> u8 {
    match field.split('.').next().unwrap_or(field) {
        "external_id" | "external_user_details" => 0,
        "name" => 1,
        "relationship" | "access_type" => 2,
        "metadata" => 3,
        "trust_grants" | "programs" => 4,
        _ => 5,
    }
}

/// One change per field whose value differs, in [`rank`] order.
fn diff(before: Vec<(String, String)>, after: Vec<(String, String)>) -> Vec<Change> {
    let before: BTreeMap<String, String> = before.into_iter().collect();
    let after: BTreeMap<String, String> = after.into_iter().collect();
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort_by(|a, b| (rank(a), *a).cmp(&(rank(b), *b)));
    names.dedup();
    names
        .into_iter()
        .filter(|name| before.get(*name) != after.get(*name))
        .map(|name| Change {
            field: name.clone(),
            old: before.get(name).cloned(),
            new: after.get(name).cloned(),
        })
        .collect()
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
        assert_eq!(
            requested_new(&asked, ApiVersion::Beta20260324),
            created(&created_profile)
        );
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

    fn ga(json: serde_json::Value) -> Profile {
        let mut base = serde_json::json!({
            "id": "uprof_01ABCDEFGHJKMNPQRSTVWXYZ01", "type": "user_profile",
            "created_at": "2026-10-24T09:00:00Z", "updated_at": "2026-10-24T09:00:00Z",
            "name": "Acme", "access_type": "application", "metadata": {},
            "external_user_details": {"account_status": null, "country": "DE", "email_hash": null,
                "entity_type": null, "name_hash": null, "onboarded_at": null, "reference_id": "u-1"},
            "programs": {"cyber": {"status": "active", "requirements": null,
                "tiers": {"a": {"status": "active"}, "b": {"status": "inactive"}, "c": {"status": "inactive"}}},
                "efs": {"status": "active", "features": {"cmek": {"status": "active"}}}},
            "enforcement_status": "unrestricted", "enforcement_actions": []
        });
        for (k, v) in json.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn ga_changes_are_named_by_ga_fields() {
        let before = ga(serde_json::json!({}));
        let after = ga(serde_json::json!({
            "access_type": "passthrough",
            "external_user_details": {"country": "FR", "entity_type": "business", "reference_id": "u-1"},
            "programs": {"cyber": {"status": "pending", "requirements": null,
                "tiers": {"a": {"status": "inactive"}, "b": {"status": "inactive"}, "c": {"status": "inactive"}}},
                "efs": {"status": "active", "features": {"cmek": {"status": "active"}}}},
            "enforcement_status": "restricted",
            "enforcement_actions": [{"id": "enac_1", "type": "restriction", "reason": "unsupported_region",
                "action": "verify", "opened_at": "2026-10-25T09:00:00Z", "expires_at": null}]
        }));
        let fields: Vec<String> = between(&before, &after)
            .into_iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(
            fields,
            [
                "external_user_details.country",
                "external_user_details.entity_type",
                "access_type",
                "programs.cyber",
                "programs.cyber.tiers.a",
                "enforcement_actions.enac_1",
                "enforcement_status",
            ]
        );
    }

    #[test]
    fn an_answer_that_reports_programs_reduced_withdraws_nothing() {
        let full = ga(serde_json::json!({}));
        let reduced = ga(serde_json::json!({
            "name": "Acme AG",
            "programs": {"cyber": {"status": "active", "tiers": {}, "requirements": null}, "efs": null}
        }));
        let fields: Vec<String> = between(&full, &reduced)
            .into_iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(fields, ["name"]);
        let asked = NewProfile {
            external_id: Some(ProfileText::parse("external_id", "u-1").unwrap()),
            ..NewProfile::default()
        };
        let fields: Vec<String> = requested_new(&asked, ApiVersion::Ga)
            .into_iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(
            fields,
            ["external_user_details.reference_id", "access_type"]
        );
    }

    /// A profile of the first beta with any of the fields the audit trail compares.
    fn any_profile() -> impl proptest::strategy::Strategy<Value = Profile> {
        use proptest::prelude::*;
        let text = || proptest::option::of("[a-zA-Z ]{0,6}");
        let grants = proptest::collection::btree_map(
            proptest::sample::select(vec!["cyber", "efs", "other"]),
            proptest::sample::select(vec!["pending", "active", "rejected", "paused"]),
            0..3,
        );
        (
            text(),
            text(),
            proptest::sample::select(vec!["external", "resold", "internal"]),
            proptest::collection::btree_map("k[0-9]", "[a-z]{1,3}", 0..6),
            grants,
        )
            .prop_map(|(external_id, name, relationship, metadata, grants)| {
                let grants: serde_json::Map<String, serde_json::Value> = grants
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), serde_json::json!({ "status": v })))
                    .collect();
                profile(serde_json::json!({
                    "external_id": external_id,
                    "name": name,
                    "relationship": relationship,
                    "metadata": metadata,
                    "trust_grants": grants,
                }))
            })
    }

    /// The fields `changes` leave when applied to `fields(before)`; panics when a
    /// change's old value is not the one there.
    fn apply(before: &Profile, changes: &[Change]) -> BTreeMap<String, String> {
        let mut state: BTreeMap<String, String> = fields(before).into_iter().collect();
        for change in changes {
            assert_eq!(state.get(&change.field), change.old.as_ref(), "{change:?}");
            match &change.new {
                Some(new) => state.insert(change.field.clone(), new.clone()),
                None => state.remove(&change.field),
            };
        }
        state
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::fixed_cases(512))]

        /// An entry's changes are exactly the difference: applied to the old profile's
        /// fields they give the new one's, each names the value it replaced, and none is
        /// recorded for a field that did not change (docs/audit.md).
        #[test]
        fn the_audit_diff_applied_to_the_old_profile_gives_the_new(
            before in any_profile(),
            after in any_profile(),
        ) {
            let changes = between(&before, &after);
            let fields_after: BTreeMap<String, String> = fields(&after).into_iter().collect();
            proptest::prop_assert_eq!(apply(&before, &changes), fields_after);
            proptest::prop_assert!(changes.iter().all(|c| c.old != c.new));
            proptest::prop_assert!(between(&after, &after).is_empty());
            proptest::prop_assert_eq!(created(&after).len(), fields(&after).len());
            proptest::prop_assert_eq!(apply(&after, &deleted(&after)), BTreeMap::new());
        }

        /// What an update asks for, recorded before it is sent, is the difference between
        /// the profile and the profile as the update would leave it.
        #[test]
        fn a_requested_update_records_what_it_would_change(
            before in any_profile(),
            name in proptest::option::of(proptest::option::of("[a-z]{1,5}")),
            patch in proptest::collection::btree_map("k[0-9]", "[a-z]{0,3}", 0..5),
        ) {
            let update = ProfileUpdate {
                name: match name {
                    None => Field::Absent,
                    Some(None) => Field::Null,
                    Some(Some(n)) => Field::Value(ProfileText::parse("name", &n).unwrap()),
                },
                metadata: Some(
                    MetadataPatch::parse(patch.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                        .unwrap(),
                ),
                ..ProfileUpdate::default()
            };
            let expected: BTreeMap<String, String> =
                fields(&update.apply_to(&before)).into_iter().collect();
            proptest::prop_assert_eq!(apply(&before, &requested(&before, &update)), expected);
        }
    }
}

//! The form's rules, end to end: reading, checking, patching and summarising.

use crate::error::{AppError, FieldError};
use crate::profiles::form::checks::{messages_for, shown_errors};
use crate::profiles::form::data::{names, Intent, MetaRow, ProfileForm};
use crate::profiles::model::*;
use serde_json::json;

fn profile() -> Profile {
    serde_json::from_value(json!({
        "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z",
        "updated_at": "2026-03-15T10:00:00.117Z",
        "external_id": "user_1", "name": "Ada", "relationship": "external",
        "metadata": {"plan": "pro", "region": "eu", "seats": "3"}
    }))
    .unwrap()
}

fn row(key: &str, value: &str) -> MetaRow {
    MetaRow {
        key: key.into(),
        value: value.into(),
        ..Default::default()
    }
}

#[test]
fn an_untouched_edit_form_changes_nothing() {
    let form = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
    assert_eq!(form.update().unwrap(), ProfileUpdate::default());
    assert!(form.summary().is_empty());
    assert_eq!(
        form.loaded.as_ref().unwrap().updated_at,
        "2026-03-15T10:00:00.117Z"
    );
}

#[test]
fn the_save_is_guarded_by_the_loaded_time_until_the_user_overwrites() {
    let mut form = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
    assert_eq!(form.guard().as_deref(), Some("2026-03-15T10:00:00.117Z"));
    form.overwrite = true;
    assert_eq!(form.guard(), None);
    assert_eq!(
        ProfileForm::for_create(ApiVersion::Beta20260324).guard(),
        None
    );
}

#[test]
fn the_patch_holds_added_changed_and_removed_keys_only() {
    let mut form = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
    // rows are in key order: plan, region, seats
    form.rows[0].value = "team".into();
    form.apply(Intent::Remove(1));
    form.rows.push(row("tier", "gold"));
    let update = form.update().unwrap();
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"metadata": {"plan": "team", "region": "", "tier": "gold"}})
    );
    let summary: Vec<_> = form.summary().into_iter().map(|c| c.what).collect();
    assert_eq!(
        summary,
        [
            r#"Metadata "plan""#,
            r#"Metadata "region""#,
            r#"Metadata "tier""#
        ]
    );
    form.apply(Intent::Undo(1));
    assert_eq!(
        form.update()
            .unwrap()
            .metadata
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["plan", "tier"]
    );
}

#[test]
fn renaming_a_key_deletes_the_old_one_and_removing_then_readding_is_a_no_op() {
    let mut form = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
    form.rows[2].key = "licenses".into();
    form.apply(Intent::Remove(0));
    form.rows.push(row("plan", "pro"));
    assert_eq!(
        serde_json::to_value(form.update().unwrap()).unwrap(),
        json!({"metadata": {"licenses": "3", "seats": ""}})
    );
}

#[test]
fn a_new_key_without_a_value_is_no_change_to_summarise() {
    let mut form = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
    form.rows.push(row("tier", ""));
    assert!(form.summary().is_empty());
    assert_eq!(
        messages_for(&form.check(), "row-3-value"),
        ["Enter a value; to delete an entry, use Remove"]
    );
    form.rows[3].value = "gold".into();
    assert_eq!(form.summary().len(), 1);
}

#[test]
fn emptied_text_fields_are_cleared_with_null_and_relationship_changes_are_sent() {
    let mut form = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
    form.external_id.clear();
    form.name = "Ada L.".into();
    form.relationship = "internal".into();
    assert_eq!(
        serde_json::to_value(form.update().unwrap()).unwrap(),
        json!({"external_id": null, "name": "Ada L.", "relationship": "internal"})
    );
    let changes = form.summary();
    assert_eq!(changes[0].what, "External ID");
    assert_eq!(changes[0].before.as_deref(), Some("user_1"));
    assert_eq!(changes[0].after, None);
}

#[test]
fn an_unknown_relationship_left_as_it_was_is_not_sent() {
    let mut p = profile();
    p.relationship = Some(Lenient::Unknown("partner".into()));
    let form = ProfileForm::for_edit(&p, ApiVersion::Beta20260324);
    assert_eq!(form.check(), vec![]);
    assert_eq!(form.update().unwrap().relationship, Field::Absent);
}

#[test]
fn create_sends_only_what_was_typed() {
    let mut form = ProfileForm::for_create(ApiVersion::Beta20260324);
    assert_eq!(
        serde_json::to_value(form.new_profile().unwrap()).unwrap(),
        json!({"relationship": "external"})
    );
    form.name = "Zoë <b>李</b>".into();
    form.rows = vec![row("plan", "pro"), MetaRow::default()];
    assert_eq!(
        serde_json::to_value(form.new_profile().unwrap()).unwrap(),
        json!({"name": "Zoë <b>李</b>", "relationship": "external", "metadata": {"plan": "pro"}})
    );
}

#[test]
fn resold_requires_a_name_on_create_and_on_edit() {
    let mut form = ProfileForm::for_create(ApiVersion::Beta20260324);
    form.relationship = "resold".into();
    assert_eq!(
        form.check(),
        vec![FieldError::new(
            "name",
            "is required when relationship is \"resold\""
        )]
    );
    let mut edit = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
    edit.relationship = "resold".into();
    edit.name.clear();
    assert_eq!(edit.check()[0].field, "name");
}

#[test]
fn editor_rows_are_checked_in_place() {
    let mut form = ProfileForm::for_create(ApiVersion::Beta20260324);
    form.rows = vec![
        row("plan", "pro"),
        row("plan", "team"),
        row("", "orphan"),
        row("empty", ""),
        row(&"k".repeat(65), "v"),
        row("long", &"v".repeat(513)),
        MetaRow::default(),
    ];
    let fields: Vec<_> = form.check().into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "row-1-key",
            "row-2-key",
            "row-3-value",
            "row-4-key",
            "row-5-value"
        ]
    );
    let errors = form.check();
    assert_eq!(
        messages_for(&errors, "row-5-value"),
        ["value must be at most 512 characters (got 513)"]
    );
    form.rows = vec![row("k", &"値".repeat(512))];
    assert_eq!(form.check(), vec![]);
}

#[test]
fn sixteen_entries_is_the_limit() {
    let mut form = ProfileForm::for_create(ApiVersion::Beta20260324);
    for i in 0..16 {
        assert!(form.can_add_row());
        form.apply(Intent::AddRow);
        form.rows[i] = row(&format!("k{i}"), "v");
    }
    assert!(!form.can_add_row());
    form.apply(Intent::AddRow);
    assert_eq!(form.rows.len(), 16);
    assert_eq!(form.check(), vec![]);
    form.apply(Intent::Remove(3));
    assert!(form.can_add_row());
    form.apply(Intent::AddRow);
    form.rows[16] = row("k16", "v");
    form.apply(Intent::Undo(3));
    assert_eq!(form.live_count(), 17);
    assert_eq!(form.check()[0].field, "metadata");
}

#[test]
fn a_posted_form_reads_back_with_its_intent() {
    let form = {
        let mut f = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
        f.rows[1].removed = true;
        f.rows.push(row("new", "ñ"));
        f
    };
    let loaded = form.loaded.clone().unwrap();
    let mut pairs = vec![
        ("external_id".into(), form.external_id.clone()),
        ("name".into(), form.name.clone()),
        ("relationship".into(), form.relationship.clone()),
        ("loaded_external_id".into(), "user_1".into()),
        ("loaded_name".into(), "Ada".into()),
        ("loaded_relationship".into(), loaded.relationship.clone()),
        ("loaded_updated_at".into(), loaded.updated_at.clone()),
        ("intent".into(), "remove-3".into()),
        ("row-999-key".into(), "ignored".into()),
    ];
    for (i, r) in form.rows.iter().enumerate() {
        pairs.push((names::row(i, "key"), r.key.clone()));
        pairs.push((names::row(i, "value"), r.value.clone()));
        let (k, v) = r.original.clone().unwrap_or_default();
        pairs.push((names::row(i, "orig-key"), k));
        pairs.push((names::row(i, "orig-value"), v));
        let removed = if r.removed { "1" } else { "0" };
        pairs.push((names::row(i, "removed"), removed.into()));
    }
    let (back, intent) = ProfileForm::from_pairs(&pairs, ApiVersion::Beta20260324);
    assert_eq!(back, form);
    assert_eq!(intent, Intent::Remove(3));
    for i in [
        Intent::Save,
        Intent::AddRow,
        Intent::Remove(2),
        Intent::Undo(0),
    ] {
        assert_eq!(Intent::parse(&i.value()), i);
    }
    let (empty, intent) = ProfileForm::from_pairs(&[], ApiVersion::Beta20260324);
    assert_eq!(intent, Intent::Save);
    assert!(empty.loaded.is_none());
    assert!(!empty.check().is_empty(), "no relationship is not valid");
}

#[test]
fn server_errors_on_metadata_keys_land_on_their_row() {
    let mut form = ProfileForm::for_create(ApiVersion::Beta20260324);
    form.rows = vec![row("a", "1"), row("b", "2")];
    let placed = form.place_errors(vec![
        FieldError::new("metadata.b", "value must not be empty"),
        FieldError::new("metadata.zz", "key must be at most 64 characters"),
        FieldError::new("name", "is required"),
    ]);
    let fields: Vec<_> = placed.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["row-1-value", "metadata", "name"]);
}

fn ga_profile() -> Profile {
    serde_json::from_value(json!({
        "id": "uprof_2", "created_at": "2026-10-21T10:00:00Z",
        "updated_at": "2026-10-21T10:00:00Z", "name": "Acme", "access_type": "passthrough",
        "external_user_details": {"account_status": "active", "country": "DE", "email_hash": null,
            "entity_type": null, "name_hash": null, "onboarded_at": null, "reference_id": "acme-1"},
        "metadata": {}, "programs": {"cyber": null, "efs": null},
        "enforcement_status": "unrestricted", "enforcement_actions": []
    }))
    .unwrap()
}

#[test]
fn a_ga_form_refuses_to_clear_what_is_set_before_anything_is_sent() {
    let form = ProfileForm::for_edit(&ga_profile(), ApiVersion::Ga);
    assert_eq!(form.access_type, "passthrough");
    assert_eq!(form.detail("country"), "DE");
    assert!(form.check().is_empty());
    assert_eq!(form.update().unwrap(), ProfileUpdate::default());

    let mut cleared = form.clone();
    cleared.external_id.clear();
    cleared.details.remove("country");
    let errors = cleared.check();
    assert_eq!(
        messages_for(&errors, names::EXTERNAL_ID),
        [details::CANNOT_CLEAR]
    );
    assert_eq!(
        messages_for(&errors, &names::detail("country")),
        [details::CANNOT_CLEAR]
    );
    assert!(cleared.update().is_err());

    let mut changed = form.clone();
    changed.details.insert("country".into(), "FR".into());
    changed
        .details
        .insert("entity_type".into(), "business".into());
    changed.access_type = "application".into();
    let update = changed.update().unwrap();
    assert_eq!(
        update.body(ApiVersion::Ga).unwrap().as_value(),
        &json!({"access_type": "application",
                "external_user_details": {"country": "FR", "entity_type": "business"}})
    );
    let lines: Vec<String> = changed.summary().into_iter().map(|l| l.what).collect();
    assert_eq!(lines, ["Access type", "Country", "Entity type"]);
}

#[test]
fn a_ga_create_checks_each_detail_next_to_its_field() {
    let mut form = ProfileForm::for_create(ApiVersion::Ga);
    assert_eq!(
        (form.relationship.as_str(), form.access_type.as_str()),
        ("", "application")
    );
    form.details.insert("country".into(), "de".into());
    form.details
        .insert("onboarded_at".into(), "yesterday".into());
    let errors = form.check();
    assert_eq!(messages_for(&errors, &names::detail("country")).len(), 1);
    assert_eq!(
        messages_for(&errors, &names::detail("onboarded_at")).len(),
        1
    );
    form.details.insert("country".into(), "DE".into());
    form.details
        .insert("onboarded_at".into(), "2024-11-02T08:15:00Z".into());
    form.external_id = "acme-1".into();
    let created = form.new_profile().unwrap();
    assert_eq!(
        created.body(ApiVersion::Ga).unwrap().as_value(),
        &json!({"access_type": "application", "external_user_details":
            {"reference_id": "acme-1", "country": "DE", "onboarded_at": "2024-11-02T08:15:00Z"}})
    );
}

#[test]
fn a_posted_ga_form_reads_back() {
    let mut form = ProfileForm::for_edit(&ga_profile(), ApiVersion::Ga);
    form.details.insert("name_hash".into(), "abc".into());
    let loaded = form.loaded.clone().unwrap();
    let mut pairs = vec![
        ("external_id".into(), form.external_id.clone()),
        ("name".into(), form.name.clone()),
        ("access_type".into(), form.access_type.clone()),
        ("loaded_external_id".into(), "acme-1".into()),
        ("loaded_name".into(), "Acme".into()),
        ("loaded_access_type".into(), loaded.access_type.clone()),
        ("loaded_updated_at".into(), loaded.updated_at.clone()),
        (names::detail("entity_type"), String::new()),
    ];
    for (key, value) in &form.details {
        pairs.push((names::detail(key), value.clone()));
    }
    for (key, value) in &loaded.details {
        pairs.push((names::loaded_detail(key), value.clone()));
    }
    let (back, _) = ProfileForm::from_pairs(&pairs, ApiVersion::Ga);
    assert_eq!(back, form);
}

#[test]
fn the_errors_shown_are_the_forms_own_then_a_refusals_not_repeated() {
    let mut form = ProfileForm::for_create(ApiVersion::Beta20260324);
    form.relationship = "resold".into();
    let own = form.check();
    assert_eq!(own.len(), 1, "{own:?}");
    let refusal = AppError::Invalid {
        errors: vec![own[0].clone(), FieldError::new("row-0-key", "taken")],
        request_id: None,
    };
    assert_eq!(
        shown_errors(&form, Some(&refusal)),
        vec![own[0].clone(), FieldError::new("row-0-key", "taken")]
    );
    assert_eq!(shown_errors(&form, Some(&AppError::Forbidden)), own);
    assert_eq!(shown_errors(&form, None), own);
}

#[test]
fn a_nul_or_a_control_character_in_a_hash_is_refused_next_to_its_field() {
    let mut form = ProfileForm::for_create(ApiVersion::Ga);
    form.external_id = "acme\0".into();
    form.name = "Ana\nMaría".into();
    form.details
        .insert("email_hash".into(), "e3b0\0c442".into());
    form.details.insert("name_hash".into(), "e3b0\tc442".into());
    form.rows.push(row("no\0te", "fine"));
    form.rows.push(row("plan", "pro\0"));
    form.rows.push(row("note", "two\nlines\tand a tab"));
    let errors = form.check();
    assert_eq!(
        messages_for(&errors, names::EXTERNAL_ID),
        ["must not contain the NUL character"]
    );
    assert!(
        messages_for(&errors, names::NAME).is_empty(),
        "a line break in a name is text"
    );
    for hash in ["email_hash", "name_hash"] {
        assert_eq!(
            messages_for(&errors, &names::detail(hash)).len(),
            1,
            "{hash}"
        );
    }
    assert_eq!(messages_for(&errors, &names::row(0, "key")).len(), 1);
    assert_eq!(messages_for(&errors, &names::row(1, "value")).len(), 1);
    assert!(messages_for(&errors, &names::row(2, "value")).is_empty());
    assert!(
        form.new_profile().is_err(),
        "nothing with a NUL is ever sent"
    );
}

#[test]
fn only_a_new_external_id_not_yet_kept_is_asked_about() {
    let mut create = ProfileForm::for_create(ApiVersion::Ga);
    assert_eq!(create.unconfirmed_external_id(), None, "none typed");
    create.external_id = "crm-7".into();
    assert_eq!(create.unconfirmed_external_id(), Some("crm-7"));
    let (read, _) = ProfileForm::from_pairs(
        &[
            ("external_id".into(), "crm-7".into()),
            (names::KEEP_EXTERNAL_ID.into(), "crm-7".into()),
        ],
        ApiVersion::Ga,
    );
    assert_eq!(
        read.unconfirmed_external_id(),
        None,
        "kept after the warning"
    );
    let (changed, _) = ProfileForm::from_pairs(
        &[
            ("external_id".into(), "crm-8".into()),
            (names::KEEP_EXTERNAL_ID.into(), "crm-7".into()),
        ],
        ApiVersion::Ga,
    );
    assert_eq!(
        changed.unconfirmed_external_id(),
        Some("crm-8"),
        "a different id is asked about again"
    );
    let mut edit = ProfileForm::for_edit(&profile(), ApiVersion::Beta20260324);
    assert_eq!(edit.unconfirmed_external_id(), None, "the profile's own id");
    edit.external_id = "user_2".into();
    assert_eq!(edit.unconfirmed_external_id(), Some("user_2"));
}

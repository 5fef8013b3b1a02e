//! The create and edit forms as plain data: what the user typed, the rows of the metadata
//! editor, and what the edit form was loaded with. Pure functions turn it into the request
//! (`NewProfile`, or the minimal `ProfileUpdate` patch), the change summary and the
//! field-by-field errors.
//!
//! The browser runs these as the user types; the server runs the same ones on a plain
//! form POST (no WASM), which is why the form also knows how to read itself from
//! `application/x-www-form-urlencoded` pairs.

use crate::error::AppError;
use crate::error::FieldError;
use crate::profiles::model::{
    check_metadata_key, check_metadata_value, check_resold_name, check_text, Field, Lenient,
    MetadataMode, NewProfile, Profile, ProfileUpdate, Relationship, MAX_METADATA_KEYS,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most rows a posted form may carry, removed ones included; more is not a real form.
const MAX_ROWS: usize = 64;

/// One row of the metadata editor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaRow {
    pub key: String,
    pub value: String,
    /// The key and value the row was loaded with; `None` for a row the user added.
    pub original: Option<(String, String)>,
    /// Marked for removal: still shown, and undoable, until the form is saved.
    pub removed: bool,
}

impl MetaRow {
    fn is_blank(&self) -> bool {
        self.key.is_empty() && self.value.is_empty()
    }

    /// Counts toward the profile's metadata once saved.
    fn is_live(&self) -> bool {
        !self.removed && !self.is_blank()
    }
}

/// What the edit form was loaded with: the base of the patch, and of the "changed
/// elsewhere" check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loaded {
    pub external_id: Option<String>,
    pub name: Option<String>,
    /// As the API sent it, so a relationship this console does not know is kept.
    pub relationship: String,
    /// RFC 3339, as loaded.
    pub updated_at: String,
}

/// The state of a create or edit form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileForm {
    pub external_id: String,
    pub name: String,
    pub relationship: String,
    pub rows: Vec<MetaRow>,
    /// `None` on the create form.
    pub loaded: Option<Loaded>,
    /// The user was warned that the profile changed elsewhere and saves anyway.
    pub overwrite: bool,
}

/// What a submit button asks for. Without JavaScript each one is a POST that comes back
/// to the same form; with it they act in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Save,
    AddRow,
    Remove(usize),
    Undo(usize),
}

impl Intent {
    pub fn parse(raw: &str) -> Self {
        let row = |prefix: &str| raw.strip_prefix(prefix).and_then(|i| i.parse().ok());
        if raw == "add" {
            Self::AddRow
        } else if let Some(i) = row("remove-") {
            Self::Remove(i)
        } else if let Some(i) = row("undo-") {
            Self::Undo(i)
        } else {
            Self::Save
        }
    }

    pub fn value(self) -> String {
        match self {
            Self::Save => "save".into(),
            Self::AddRow => "add".into(),
            Self::Remove(i) => format!("remove-{i}"),
            Self::Undo(i) => format!("undo-{i}"),
        }
    }
}

/// Names of the form's inputs; one place, used by the view and by [`ProfileForm::from_pairs`].
pub mod names {
    pub const EXTERNAL_ID: &str = "external_id";
    pub const NAME: &str = "name";
    pub const RELATIONSHIP: &str = "relationship";
    pub const INTENT: &str = "intent";
    pub const OVERWRITE: &str = "overwrite";
    pub const LOADED_EXTERNAL_ID: &str = "loaded_external_id";
    pub const LOADED_NAME: &str = "loaded_name";
    pub const LOADED_RELATIONSHIP: &str = "loaded_relationship";
    pub const LOADED_UPDATED_AT: &str = "loaded_updated_at";

    /// `row-3-key`, `row-3-value`, `row-3-orig-key`, `row-3-orig-value`, `row-3-removed`.
    pub fn row(index: usize, part: &str) -> String {
        format!("row-{index}-{part}")
    }
}

/// One line of the change summary shown before saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// "Name", "External ID", "Relationship" or `Metadata "plan"`.
    pub what: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// Every message for one field.
pub fn messages_for<'a>(errors: &'a [FieldError], field: &str) -> Vec<&'a str> {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect()
}

impl ProfileForm {
    pub fn for_create() -> Self {
        Self {
            external_id: String::new(),
            name: String::new(),
            relationship: Relationship::default().as_str().to_owned(),
            rows: Vec::new(),
            loaded: None,
            overwrite: false,
        }
    }

    pub fn for_edit(profile: &Profile) -> Self {
        let loaded = Loaded {
            external_id: profile.external_id.clone(),
            name: profile.name.clone(),
            relationship: profile.relationship.label().to_owned(),
            updated_at: crate::timestamp::rfc3339(profile.updated_at),
        };
        Self {
            external_id: loaded.external_id.clone().unwrap_or_default(),
            name: loaded.name.clone().unwrap_or_default(),
            relationship: loaded.relationship.clone(),
            rows: profile
                .metadata
                .iter()
                .map(|(k, v)| MetaRow {
                    key: k.clone(),
                    value: v.clone(),
                    original: Some((k.clone(), v.clone())),
                    removed: false,
                })
                .collect(),
            loaded: Some(loaded),
            overwrite: false,
        }
    }

    /// Reads a posted form. Unknown names are ignored and missing ones read as empty,
    /// so any body yields a form that [`Self::check`] then judges.
    pub fn from_pairs(pairs: &[(String, String)]) -> (Self, Intent) {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let text = |name: &str| get(name).unwrap_or_default();
        let row_count = pairs
            .iter()
            .filter_map(|(k, _)| k.strip_prefix("row-")?.split_once('-')?.0.parse().ok())
            .filter(|i: &usize| *i < MAX_ROWS)
            .map(|i| i + 1)
            .max()
            .unwrap_or(0);
        let rows = (0..row_count)
            .map(|i| {
                let part = |p: &str| text(&names::row(i, p));
                let orig_key = part("orig-key");
                MetaRow {
                    key: part("key"),
                    value: part("value"),
                    original: non_empty(&orig_key).map(|k| (k, part("orig-value"))),
                    removed: part("removed") == "1",
                }
            })
            .collect();
        let loaded = get(names::LOADED_UPDATED_AT).map(|updated_at| Loaded {
            external_id: non_empty(&text(names::LOADED_EXTERNAL_ID)),
            name: non_empty(&text(names::LOADED_NAME)),
            relationship: text(names::LOADED_RELATIONSHIP),
            updated_at,
        });
        let form = Self {
            external_id: text(names::EXTERNAL_ID),
            name: text(names::NAME),
            relationship: text(names::RELATIONSHIP),
            rows,
            loaded,
            overwrite: text(names::OVERWRITE) == "1",
        };
        let intent = Intent::parse(&text(names::INTENT));
        (form, intent)
    }

    /// Rows that will be stored when saved.
    pub fn live_count(&self) -> usize {
        self.rows.iter().filter(|r| r.is_live()).count()
    }

    /// Rows shown and not marked removed, blank ones included: what "Add entry" counts.
    pub fn open_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.removed).count()
    }

    pub fn can_add_row(&self) -> bool {
        self.open_rows() < MAX_METADATA_KEYS && self.rows.len() < MAX_ROWS
    }

    /// Applies a non-save intent in place (the no-JS path of the editor's buttons).
    pub fn apply(&mut self, intent: Intent) {
        match intent {
            Intent::Save => {}
            Intent::AddRow => {
                if self.can_add_row() {
                    self.rows.push(MetaRow::default());
                }
            }
            Intent::Remove(i) | Intent::Undo(i) => {
                if let Some(row) = self.rows.get_mut(i) {
                    row.removed = matches!(intent, Intent::Remove(_));
                }
            }
        }
    }

    /// The relationship the profile will have: unchanged if the user left an unknown one
    /// as it was.
    fn relationship(&self) -> Result<Field<Relationship>, FieldError> {
        match &self.loaded {
            Some(loaded) if loaded.relationship == self.relationship => Ok(Field::Absent),
            _ => Relationship::parse(&self.relationship).map(Field::Value),
        }
    }

    /// Every problem, by field: `external_id`, `name`, `relationship`, `metadata`,
    /// `row-N-key`, `row-N-value`. Empty when the form can be saved.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_text(
            names::EXTERNAL_ID,
            non_empty(&self.external_id).as_deref(),
            &mut errors,
        );
        check_text(names::NAME, non_empty(&self.name).as_deref(), &mut errors);
        match self.relationship() {
            Err(e) => errors.push(e),
            Ok(field) => {
                let after = match (field, &self.loaded) {
                    (Field::Value(r), _) => Lenient::Known(r),
                    (_, Some(loaded)) => Relationship::parse(&loaded.relationship)
                        .map(Lenient::Known)
                        .unwrap_or_else(|_| Lenient::Unknown(loaded.relationship.clone())),
                    (_, None) => Lenient::Known(Relationship::default()),
                };
                if let Err(e) = check_resold_name(&after, non_empty(&self.name).as_deref()) {
                    errors.push(e);
                }
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            if !row.is_live() {
                continue;
            }
            let key_field = names::row(i, "key");
            let value_field = names::row(i, "value");
            if row.key.is_empty() {
                errors.push(FieldError::new(
                    key_field,
                    "Enter a key, or remove this entry",
                ));
            } else if let Err(e) = check_metadata_key(&row.key) {
                errors.push(FieldError::new(key_field, e.message));
            } else if seen.contains(&row.key.as_str()) {
                errors.push(FieldError::new(
                    key_field,
                    format!("Duplicate key: \"{}\" is already used above", row.key),
                ));
            }
            seen.push(&row.key);
            if row.value.is_empty() {
                errors.push(FieldError::new(
                    value_field,
                    "Enter a value; to delete an entry, use Remove",
                ));
            } else if let Err(e) = check_metadata_value(&row.key, &row.value, MetadataMode::Create)
            {
                errors.push(FieldError::new(value_field, e.message));
            }
        }
        let live = self.live_count();
        if live > MAX_METADATA_KEYS {
            errors.push(FieldError::new(
                "metadata",
                format!("At most {MAX_METADATA_KEYS} entries (this form has {live})"),
            ));
        }
        errors
    }

    /// The metadata the profile will hold after saving.
    fn final_metadata(&self) -> BTreeMap<String, String> {
        self.rows
            .iter()
            .filter(|r| r.is_live())
            .map(|r| (r.key.clone(), r.value.clone()))
            .collect()
    }

    /// The body of the create call, if the form is valid.
    pub fn new_profile(&self) -> Result<NewProfile, Vec<FieldError>> {
        let errors = self.check();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewProfile {
            external_id: non_empty(&self.external_id),
            name: non_empty(&self.name),
            relationship: self.relationship().ok().and_then(|f| f.as_value().copied()),
            metadata: self.final_metadata(),
        })
    }

    /// The body of the update call, if the form is valid: only what changed since the
    /// form loaded. An emptied text field is sent as `null` (cleared); metadata is a merge
    /// patch of added and changed keys, with removed (or renamed-away) keys as `""`.
    pub fn update(&self) -> Result<ProfileUpdate, Vec<FieldError>> {
        let errors = self.check();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(self.patch())
    }

    /// The `updated_at` the save must find unchanged: the one the form loaded, unless the
    /// user was warned that it moved and saves anyway.
    pub fn guard(&self) -> Option<String> {
        self.loaded
            .as_ref()
            .filter(|_| !self.overwrite)
            .map(|l| l.updated_at.clone())
    }

    /// The patch, whether or not the form is valid (for the summary).
    fn patch(&self) -> ProfileUpdate {
        let Some(loaded) = &self.loaded else {
            return ProfileUpdate::default();
        };
        let text = |typed: &str, before: &Option<String>| match non_empty(typed) {
            now if now == *before => Field::Absent,
            None => Field::Null,
            Some(v) => Field::Value(v),
        };
        let before: BTreeMap<String, String> = self
            .rows
            .iter()
            .filter_map(|r| r.original.clone())
            .collect();
        let after = self.final_metadata();
        let mut patch: BTreeMap<String, String> = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for key in before.keys().filter(|k| !after.contains_key(*k)) {
            patch.insert(key.clone(), String::new());
        }
        ProfileUpdate {
            external_id: text(&self.external_id, &loaded.external_id),
            name: text(&self.name, &loaded.name),
            relationship: self.relationship().unwrap_or_default(),
            metadata: (!patch.is_empty()).then_some(patch),
        }
    }

    /// What saving would change, one line per field or metadata key.
    pub fn changes(&self) -> Vec<Change> {
        let Some(loaded) = &self.loaded else {
            return Vec::new();
        };
        let patch = self.patch();
        let mut changes = Vec::new();
        let mut text = |what: &str, field: &Field<String>, before: &Option<String>| {
            if !field.is_absent() {
                changes.push(Change {
                    what: what.to_owned(),
                    before: before.clone(),
                    after: field.as_value().cloned(),
                });
            }
        };
        text("External ID", &patch.external_id, &loaded.external_id);
        text("Name", &patch.name, &loaded.name);
        if let Field::Value(r) = patch.relationship {
            changes.push(Change {
                what: "Relationship".into(),
                before: Some(loaded.relationship.clone()),
                after: Some(r.as_str().into()),
            });
        }
        let before: BTreeMap<String, String> = self
            .rows
            .iter()
            .filter_map(|r| r.original.clone())
            .collect();
        for (key, value) in patch.metadata.unwrap_or_default() {
            changes.push(Change {
                what: format!("Metadata \"{key}\""),
                before: before.get(&key).cloned(),
                after: non_empty(&value),
            });
        }
        changes
    }

    /// [`Self::place_errors`] for the field errors inside an [`AppError`].
    pub fn place(&self, error: AppError) -> AppError {
        match error {
            AppError::Invalid { errors, request_id } => AppError::Invalid {
                errors: self.place_errors(errors),
                request_id,
            },
            other => other,
        }
    }

    /// Puts errors the server or the API reported on metadata keys (`metadata.<key>`)
    /// next to the row holding that key.
    pub fn place_errors(&self, errors: Vec<FieldError>) -> Vec<FieldError> {
        errors
            .into_iter()
            .map(|e| {
                let Some(key) = e.field.strip_prefix("metadata.") else {
                    return e;
                };
                let row = self.rows.iter().position(|r| r.is_live() && r.key == key);
                match row {
                    Some(i) if e.message.starts_with("key") => {
                        FieldError::new(names::row(i, "key"), e.message)
                    }
                    Some(i) => FieldError::new(names::row(i, "value"), e.message),
                    None => FieldError::new("metadata", format!("\"{key}\": {}", e.message)),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let form = ProfileForm::for_edit(&profile());
        assert_eq!(form.update().unwrap(), ProfileUpdate::default());
        assert!(form.changes().is_empty());
        assert_eq!(
            form.loaded.as_ref().unwrap().updated_at,
            "2026-03-15T10:00:00.117Z"
        );
    }

    #[test]
    fn the_save_is_guarded_by_the_loaded_time_until_the_user_overwrites() {
        let mut form = ProfileForm::for_edit(&profile());
        assert_eq!(form.guard().as_deref(), Some("2026-03-15T10:00:00.117Z"));
        form.overwrite = true;
        assert_eq!(form.guard(), None);
        assert_eq!(ProfileForm::for_create().guard(), None);
    }

    #[test]
    fn the_patch_holds_added_changed_and_removed_keys_only() {
        let mut form = ProfileForm::for_edit(&profile());
        // rows are in key order: plan, region, seats
        form.rows[0].value = "team".into();
        form.apply(Intent::Remove(1));
        form.rows.push(row("tier", "gold"));
        let update = form.update().unwrap();
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            json!({"metadata": {"plan": "team", "region": "", "tier": "gold"}})
        );
        let summary: Vec<_> = form.changes().into_iter().map(|c| c.what).collect();
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
        let mut form = ProfileForm::for_edit(&profile());
        form.rows[2].key = "licenses".into();
        form.apply(Intent::Remove(0));
        form.rows.push(row("plan", "pro"));
        assert_eq!(
            serde_json::to_value(form.update().unwrap()).unwrap(),
            json!({"metadata": {"licenses": "3", "seats": ""}})
        );
    }

    #[test]
    fn emptied_text_fields_are_cleared_with_null_and_relationship_changes_are_sent() {
        let mut form = ProfileForm::for_edit(&profile());
        form.external_id.clear();
        form.name = "Ada L.".into();
        form.relationship = "internal".into();
        assert_eq!(
            serde_json::to_value(form.update().unwrap()).unwrap(),
            json!({"external_id": null, "name": "Ada L.", "relationship": "internal"})
        );
        let changes = form.changes();
        assert_eq!(changes[0].what, "External ID");
        assert_eq!(changes[0].before.as_deref(), Some("user_1"));
        assert_eq!(changes[0].after, None);
    }

    #[test]
    fn an_unknown_relationship_left_as_it_was_is_not_sent() {
        let mut p = profile();
        p.relationship = Lenient::Unknown("partner".into());
        let form = ProfileForm::for_edit(&p);
        assert_eq!(form.check(), vec![]);
        assert_eq!(form.update().unwrap().relationship, Field::Absent);
    }

    #[test]
    fn create_sends_only_what_was_typed() {
        let mut form = ProfileForm::for_create();
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
        let mut form = ProfileForm::for_create();
        form.relationship = "resold".into();
        assert_eq!(
            form.check(),
            vec![FieldError::new(
                "name",
                "is required when relationship is \"resold\""
            )]
        );
        let mut edit = ProfileForm::for_edit(&profile());
        edit.relationship = "resold".into();
        edit.name.clear();
        assert_eq!(edit.check()[0].field, "name");
    }

    #[test]
    fn editor_rows_are_checked_in_place() {
        let mut form = ProfileForm::for_create();
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
        let mut form = ProfileForm::for_create();
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
            let mut f = ProfileForm::for_edit(&profile());
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
        let (back, intent) = ProfileForm::from_pairs(&pairs);
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
        let (empty, intent) = ProfileForm::from_pairs(&[]);
        assert_eq!(intent, Intent::Save);
        assert!(empty.loaded.is_none());
        assert!(!empty.check().is_empty(), "no relationship is not valid");
    }

    #[test]
    fn server_errors_on_metadata_keys_land_on_their_row() {
        let mut form = ProfileForm::for_create();
        form.rows = vec![row("a", "1"), row("b", "2")];
        let placed = form.place_errors(vec![
            FieldError::new("metadata.b", "value must not be empty"),
            FieldError::new("metadata.zz", "key must be at most 64 characters"),
            FieldError::new("name", "is required"),
        ]);
        let fields: Vec<_> = placed.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["row-1-value", "metadata", "name"]);
    }
}

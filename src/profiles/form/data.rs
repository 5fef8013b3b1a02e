//! The form's data: what the user typed, the rows of the metadata editor, what the edit
//! form was loaded with, the buttons (intents) and the names of its inputs, and reading
//! all of it back from a posted `application/x-www-form-urlencoded` body.

use crate::profiles::model::{
    AccessType, ApiVersion, Profile, Relationship, DETAILS, MAX_METADATA_KEYS,
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
    pub(super) fn is_live(&self) -> bool {
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
    /// GA: as the API sent it, so an access type this console does not know is kept.
    pub access_type: String,
    /// GA: the details besides the External ID that were set, by key.
    pub details: BTreeMap<String, String>,
    /// RFC 3339, as loaded.
    pub updated_at: String,
}

/// The state of a create or edit form. Its fields follow `version`: a relationship under
/// the 2026-03-24 beta; an access type and the external user details under GA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileForm {
    pub version: ApiVersion,
    pub external_id: String,
    pub name: String,
    pub relationship: String,
    pub access_type: String,
    /// GA: what is typed for each of the details besides the External ID, by key; an
    /// empty value is "not set".
    pub details: BTreeMap<String, String>,
    pub rows: Vec<MetaRow>,
    /// `None` on the create form.
    pub loaded: Option<Loaded>,
    /// The user was warned that the profile changed elsewhere and saves anyway.
    pub overwrite: bool,
    /// The external id the user was warned other profiles already hold, and keeps: a
    /// save setting it again is not held for the warning (`duplicates.rs`).
    pub keep_external_id: String,
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
            Self::Remove(i) => row_intent("remove", i),
            Self::Undo(i) => row_intent("undo", i),
        }
    }
}

/// The value of a row's Remove or Undo button: `remove-3`. The index is a placeholder in
/// the row template the browser copies (`metadata_editor::Slot`).
pub fn row_intent(kind: &str, index: impl std::fmt::Display) -> String {
    format!("{kind}-{index}")
}

/// Names of the form's inputs; one place, used by the view and by [`ProfileForm::from_pairs`].
pub mod names {
    pub const EXTERNAL_ID: &str = "external_id";
    pub const NAME: &str = "name";
    pub const RELATIONSHIP: &str = "relationship";
    pub const ACCESS_TYPE: &str = "access_type";
    pub const INTENT: &str = "intent";
    pub const OVERWRITE: &str = "overwrite";
    /// Hidden: see [`super::ProfileForm::keep_external_id`]. Also the field the warning
    /// is shown for, under the External ID.
    pub const KEEP_EXTERNAL_ID: &str = "keep_external_id";
    pub const LOADED_EXTERNAL_ID: &str = "loaded_external_id";
    pub const LOADED_NAME: &str = "loaded_name";
    pub const LOADED_RELATIONSHIP: &str = "loaded_relationship";
    pub const LOADED_ACCESS_TYPE: &str = "loaded_access_type";
    pub const LOADED_UPDATED_AT: &str = "loaded_updated_at";

    /// A detail's input is named as the API names the field, so that the API's own
    /// errors land next to it: `external_user_details.country`.
    pub fn detail(key: &str) -> String {
        crate::profiles::model::detail_field(key)
    }

    /// What the edit form loaded for a detail: `loaded_external_user_details.country`.
    pub fn loaded_detail(key: &str) -> String {
        format!("loaded_{}", detail(key))
    }

    /// `row-3-key`, `row-3-value`, `row-3-orig-key`, `row-3-orig-value`, `row-3-removed`.
    pub fn row(index: impl std::fmt::Display, part: &str) -> String {
        format!("row-{index}-{part}")
    }
}

pub(super) fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

impl ProfileForm {
    /// The fields of the other version stay empty, as a post of this form reads them.
    pub fn for_create(version: ApiVersion) -> Self {
        let beta = version.has_relationship();
        let default = |yes: bool, value: &str| if yes { value.to_owned() } else { String::new() };
        Self {
            version,
            external_id: String::new(),
            name: String::new(),
            relationship: default(beta, Relationship::default().as_str()),
            access_type: default(!beta, AccessType::default().as_str()),
            details: BTreeMap::new(),
            rows: Vec::new(),
            loaded: None,
            overwrite: false,
            keep_external_id: String::new(),
        }
    }

    pub fn for_edit(profile: &Profile, version: ApiVersion) -> Self {
        let beta = version.has_relationship();
        let loaded = Loaded {
            external_id: profile.external_id().map(str::to_owned),
            name: profile.name.clone(),
            relationship: match &profile.relationship {
                Some(r) if beta => r.label().to_owned(),
                _ if beta => Relationship::default().as_str().to_owned(),
                _ => String::new(),
            },
            access_type: match &profile.access_type {
                Some(a) if !beta => a.label().to_owned(),
                _ if !beta => AccessType::default().as_str().to_owned(),
                _ => String::new(),
            },
            details: profile
                .external_user_details
                .as_ref()
                .map(|d| d.values())
                .unwrap_or_default(),
            updated_at: crate::timestamp::rfc3339(profile.updated_at),
        };
        Self {
            version,
            external_id: loaded.external_id.clone().unwrap_or_default(),
            name: loaded.name.clone().unwrap_or_default(),
            relationship: loaded.relationship.clone(),
            access_type: loaded.access_type.clone(),
            details: loaded.details.clone(),
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
            keep_external_id: String::new(),
        }
    }

    /// Reads a posted form, for the version the console speaks. Unknown names are ignored
    /// and missing ones read as empty, so any body yields a form that [`Self::check`]
    /// then judges.
    pub fn from_pairs(pairs: &[(String, String)], version: ApiVersion) -> (Self, Intent) {
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
        let details = |name: fn(&str) -> String| -> BTreeMap<String, String> {
            DETAILS
                .iter()
                .filter_map(|d| Some((d.key.to_owned(), non_empty(&text(&name(d.key)))?)))
                .collect()
        };
        let loaded = get(names::LOADED_UPDATED_AT).map(|updated_at| Loaded {
            external_id: non_empty(&text(names::LOADED_EXTERNAL_ID)),
            name: non_empty(&text(names::LOADED_NAME)),
            relationship: text(names::LOADED_RELATIONSHIP),
            access_type: text(names::LOADED_ACCESS_TYPE),
            details: details(names::loaded_detail),
            updated_at,
        });
        let form = Self {
            version,
            external_id: text(names::EXTERNAL_ID),
            name: text(names::NAME),
            relationship: text(names::RELATIONSHIP),
            access_type: text(names::ACCESS_TYPE),
            details: details(names::detail),
            rows,
            loaded,
            overwrite: text(names::OVERWRITE) == "1",
            keep_external_id: text(names::KEEP_EXTERNAL_ID),
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
}

impl ProfileForm {
    /// What is typed for a detail; empty when not set.
    pub fn detail(&self, key: &str) -> &str {
        self.details.get(key).map_or("", String::as_str)
    }
}

/// Length as the contract counts it: Unicode scalar values.
pub fn char_count(s: &str) -> usize {
    s.chars().count()
}

/// A field's counter: `12/64`, characters typed of the most allowed.
pub fn counter(typed: &str, max: usize) -> String {
    format!("{}/{max}", char_count(typed))
}

/// The metadata editor's counter: `3/16 entries`, entries saved of the most allowed.
pub fn entries_counter(form: &ProfileForm) -> String {
    format!("{}/{MAX_METADATA_KEYS} entries", form.live_count())
}

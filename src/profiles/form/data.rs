//! The form's data: what the user typed, the rows of the metadata editor, what the edit
//! form was loaded with, the buttons (intents) and the names of its inputs, and reading
//! all of it back from a posted `application/x-www-form-urlencoded` body.

use crate::profiles::model::{Profile, Relationship, MAX_METADATA_KEYS};
use serde::{Deserialize, Serialize};

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

pub(super) fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
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
}

/// Length as the contract counts it: Unicode scalar values.
pub fn char_count(s: &str) -> usize {
    s.chars().count()
}

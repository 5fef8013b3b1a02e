//! The form as signals, one per input, so typing re-renders only what depends on it;
//! [`FormState::snapshot`] turns them back into the plain [`ProfileForm`] the rules read.

use crate::profiles::form::data::{Loaded, MetaRow, ProfileForm};
use crate::profiles::model::{ApiVersion, DETAILS};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct RowState {
    pub key: RwSignal<String>,
    pub value: RwSignal<String>,
    pub removed: RwSignal<bool>,
    pub original: StoredValue<Option<(String, String)>>,
}

impl RowState {
    pub fn new(row: &MetaRow) -> Self {
        Self {
            key: RwSignal::new(row.key.clone()),
            value: RwSignal::new(row.value.clone()),
            removed: RwSignal::new(row.removed),
            original: StoredValue::new(row.original.clone()),
        }
    }
}

#[derive(Clone, Copy)]
pub struct FormState {
    pub version: ApiVersion,
    pub external_id: RwSignal<String>,
    pub name: RwSignal<String>,
    pub relationship: RwSignal<String>,
    pub access_type: RwSignal<String>,
    /// One signal per detail, in the order of `DETAILS`.
    pub details: [RwSignal<String>; DETAILS.len()],
    pub rows: RwSignal<Vec<RowState>>,
    pub loaded: StoredValue<Option<Loaded>>,
    pub overwrite: RwSignal<bool>,
}

impl FormState {
    pub fn new(form: &ProfileForm) -> Self {
        Self {
            version: form.version,
            external_id: RwSignal::new(form.external_id.clone()),
            name: RwSignal::new(form.name.clone()),
            relationship: RwSignal::new(form.relationship.clone()),
            access_type: RwSignal::new(form.access_type.clone()),
            details: DETAILS.map(|d| RwSignal::new(form.detail(d.key).to_owned())),
            rows: RwSignal::new(form.rows.iter().map(RowState::new).collect()),
            loaded: StoredValue::new(form.loaded.clone()),
            overwrite: RwSignal::new(form.overwrite),
        }
    }

    pub fn snapshot(&self) -> ProfileForm {
        ProfileForm {
            version: self.version,
            external_id: self.external_id.get(),
            name: self.name.get(),
            relationship: self.relationship.get(),
            access_type: self.access_type.get(),
            details: DETAILS
                .iter()
                .zip(self.details)
                .map(|(d, typed)| (d.key.to_owned(), typed.get()))
                .filter(|(_, typed)| !typed.is_empty())
                .collect(),
            rows: self.rows.with(|rows| {
                rows.iter()
                    .map(|r| MetaRow {
                        key: r.key.get(),
                        value: r.value.get(),
                        original: r.original.get_value(),
                        removed: r.removed.get(),
                    })
                    .collect()
            }),
            loaded: self.loaded.get_value(),
            overwrite: self.overwrite.get(),
        }
    }
}

//! What saving sends: the create body, or the minimal update patch (only what changed,
//! metadata as a merge patch), and the "changed elsewhere" guard. The form is checked
//! first, for messages next to its own inputs; the body is then parsed into the model's
//! valid-by-construction types, so what the form sends has passed the contract's limits.

use crate::error::FieldError;
use crate::profiles::form::data::{non_empty, ProfileForm};
use crate::profiles::model::{
    Field, NewProfile, NewProfileInput, ProfileUpdate, ProfileUpdateInput,
};
use std::collections::BTreeMap;

impl ProfileForm {
    /// The metadata the profile will hold after saving.
    pub(super) fn final_metadata(&self) -> BTreeMap<String, String> {
        self.rows
            .iter()
            .filter(|r| r.is_live())
            .map(|r| (r.key.clone(), r.value.clone()))
            .collect()
    }

    /// The external id saving would set, where it is new to the profile (any on a create;
    /// a changed one on an edit) and the user has not already chosen to keep it though
    /// other profiles hold it: what the duplicate warning asks about.
    pub fn unconfirmed_external_id(&self) -> Option<&str> {
        let id = self.external_id.as_str();
        let unchanged = self
            .loaded
            .as_ref()
            .is_some_and(|l| l.external_id.as_deref() == Some(id));
        (!id.is_empty() && !unchanged && self.keep_external_id != id).then_some(id)
    }

    /// The body of the create call, if the form is valid.
    pub fn new_profile(&self) -> Result<NewProfile, Vec<FieldError>> {
        let errors = self.check();
        if !errors.is_empty() {
            return Err(errors);
        }
        let beta = self.version.has_relationship();
        NewProfile::try_from(NewProfileInput {
            external_id: non_empty(&self.external_id),
            name: non_empty(&self.name),
            relationship: beta
                .then(|| self.relationship().ok().and_then(|f| f.as_value().copied()))
                .flatten(),
            access_type: (!beta)
                .then(|| self.access_type().ok().and_then(|f| f.as_value().copied()))
                .flatten(),
            external_user_details: if beta {
                BTreeMap::new()
            } else {
                self.changed_details()
            },
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
        ProfileUpdate::try_from(self.patch())
    }

    /// The `updated_at` the save must find unchanged: the one the form loaded, unless the
    /// user was warned that it moved and saves anyway.
    pub fn guard(&self) -> Option<String> {
        self.loaded
            .as_ref()
            .filter(|_| !self.overwrite)
            .map(|l| l.updated_at.clone())
    }

    /// The patch as input, whether or not the form is valid (for the summary).
    pub(super) fn patch(&self) -> ProfileUpdateInput {
        let Some(loaded) = &self.loaded else {
            return ProfileUpdateInput::default();
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
        let beta = self.version.has_relationship();
        ProfileUpdateInput {
            external_id: text(&self.external_id, &loaded.external_id),
            name: text(&self.name, &loaded.name),
            relationship: if beta {
                self.relationship().unwrap_or_default()
            } else {
                Field::Absent
            },
            access_type: if beta {
                Field::Absent
            } else {
                self.access_type().unwrap_or_default()
            },
            external_user_details: if beta {
                BTreeMap::new()
            } else {
                self.changed_details()
            },
            metadata: (!patch.is_empty()).then_some(patch),
        }
    }
}

//! Checking the form: every problem, by the field it concerns, as the user types and
//! again on a posted form; and placing the server's answer next to the same fields.

use crate::error::{AppError, FieldError};
use crate::profiles::form::data::{names, non_empty, ProfileForm};
use crate::profiles::model::details::CANNOT_CLEAR;
use crate::profiles::model::{
    check_detail, check_metadata_key, check_metadata_value, check_resold_name, check_text,
    AccessType, Field, Lenient, MetadataMode, Relationship, DETAILS, MAX_METADATA_KEYS,
};
use std::collections::BTreeMap;

/// Every message for one field.
pub fn messages_for<'a>(errors: &'a [FieldError], field: &str) -> Vec<&'a str> {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect()
}

/// What is shown next to a field: its messages on one line; empty when it has none.
pub fn message_line(errors: &[FieldError], field: &str) -> String {
    messages_for(errors, field).join(" ")
}

/// The errors shown next to the fields: the form's own, then those of a refused save that
/// it does not repeat. The server renders them and the live form shows them as the user
/// types, both by this rule.
pub fn shown_errors(form: &ProfileForm, refusal: Option<&AppError>) -> Vec<FieldError> {
    let mut errors = form.check();
    if let Some(AppError::Invalid {
        errors: refused, ..
    }) = refusal
    {
        for e in refused {
            if !errors.contains(e) {
                errors.push(e.clone());
            }
        }
    }
    errors
}

impl ProfileForm {
    /// The relationship the profile will have: unchanged if the user left an unknown one
    /// as it was.
    pub(super) fn relationship(&self) -> Result<Field<Relationship>, FieldError> {
        match &self.loaded {
            Some(loaded) if loaded.relationship == self.relationship => Ok(Field::Absent),
            _ => Relationship::parse(&self.relationship).map(Field::Value),
        }
    }

    /// The access type the profile will have (GA): unchanged if the user left an unknown
    /// one as it was.
    pub(super) fn access_type(&self) -> Result<Field<AccessType>, FieldError> {
        match &self.loaded {
            Some(loaded) if loaded.access_type == self.access_type => Ok(Field::Absent),
            _ => AccessType::parse(&self.access_type).map(Field::Value),
        }
    }

    /// The details typed that differ from what was loaded (all typed ones on create).
    /// An emptied detail is not among them: [`Self::check`] refuses it.
    pub(super) fn changed_details(&self) -> BTreeMap<String, String> {
        let loaded = self.loaded.as_ref().map(|l| &l.details);
        DETAILS
            .iter()
            .filter_map(|d| {
                let typed = non_empty(self.detail(d.key))?;
                let before = loaded.and_then(|l| l.get(d.key));
                (before != Some(&typed)).then(|| (d.key.to_owned(), typed))
            })
            .collect()
    }

    /// Every problem, by field: `external_id`, `name`, `relationship` or `access_type`
    /// and the details, `metadata`, `row-N-key`, `row-N-value`. Empty when the form can
    /// be saved.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (field, typed) in [
            (names::EXTERNAL_ID, &self.external_id),
            (names::NAME, &self.name),
        ] {
            errors.extend(non_empty(typed).and_then(|value| check_text(field, &value).err()));
        }
        if self.version.has_relationship() {
            self.check_relationship(&mut errors);
        } else {
            self.check_ga(&mut errors);
        }
        self.check_rows(&mut errors);
        errors
    }

    /// GA: the access type, and the details by their rules. A value that is set cannot
    /// be cleared, so emptying one is refused here, before anything is sent.
    fn check_ga(&self, errors: &mut Vec<FieldError>) {
        if let Err(e) = self.access_type() {
            errors.push(FieldError::new(names::ACCESS_TYPE, e.message));
        }
        let Some(loaded) = &self.loaded else {
            for d in DETAILS {
                errors.extend(
                    non_empty(self.detail(d.key)).and_then(|v| check_detail(d.key, &v).err()),
                );
            }
            return;
        };
        if loaded.external_id.is_some() && self.external_id.is_empty() {
            errors.push(FieldError::new(names::EXTERNAL_ID, CANNOT_CLEAR));
        }
        for d in DETAILS {
            match non_empty(self.detail(d.key)) {
                None if loaded.details.contains_key(d.key) => {
                    errors.push(FieldError::new(names::detail(d.key), CANNOT_CLEAR));
                }
                None => {}
                Some(v) => errors.extend(check_detail(d.key, &v).err()),
            }
        }
    }

    /// 2026-03-24: the relationship, and the name a resold profile needs.
    fn check_relationship(&self, errors: &mut Vec<FieldError>) {
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
    }

    /// The metadata editor's rows.
    fn check_rows(&self, errors: &mut Vec<FieldError>) {
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

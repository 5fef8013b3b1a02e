//! Checking the form: every problem, by the field it concerns, as the user types and
//! again on a posted form; and placing the server's answer next to the same fields.

use crate::error::{AppError, FieldError};
use crate::profiles::form::data::{names, non_empty, ProfileForm};
use crate::profiles::model::{
    check_metadata_key, check_metadata_value, check_resold_name, check_text, Field, Lenient,
    MetadataMode, Relationship, MAX_METADATA_KEYS,
};

/// Every message for one field.
pub fn messages_for<'a>(errors: &'a [FieldError], field: &str) -> Vec<&'a str> {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect()
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

    /// Every problem, by field: `external_id`, `name`, `relationship`, `metadata`,
    /// `row-N-key`, `row-N-value`. Empty when the form can be saved.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (field, typed) in [
            (names::EXTERNAL_ID, &self.external_id),
            (names::NAME, &self.name),
        ] {
            errors.extend(non_empty(typed).and_then(|value| check_text(field, &value).err()));
        }
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

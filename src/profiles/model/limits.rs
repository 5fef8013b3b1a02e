//! The contract's limits on what a profile may hold, and their checks. Used by the
//! browser as the user types, by the server before any upstream call and by the
//! emulator, so all three say the same thing.

use crate::error::FieldError;

/// Most metadata pairs a profile may hold (docs/api-contract.md §2.1).
pub const MAX_METADATA_KEYS: usize = 16;
/// Longest metadata key, in Unicode scalar values (docs/api-contract.md, judgement 6).
pub const MAX_KEY_CHARS: usize = 64;
/// Longest metadata value, in Unicode scalar values.
pub const MAX_VALUE_CHARS: usize = 512;
/// Longest `external_id` or `name`.
pub const MAX_TEXT_CHARS: usize = 255;
/// Whether an empty metadata value is allowed: on update it deletes the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataMode {
    Create,
    Patch,
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// `external_id` or `name`: 1 to 255 characters.
pub fn check_text(field: &str, value: &str) -> Result<(), FieldError> {
    let n = char_len(value);
    if n == 0 {
        Err(FieldError::new(field, "must not be empty"))
    } else if n > MAX_TEXT_CHARS {
        Err(FieldError::new(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters (got {n})"),
        ))
    } else {
        Ok(())
    }
}

/// Validates one metadata key; the message names the key.
pub fn check_metadata_key(key: &str) -> Result<(), FieldError> {
    let n = char_len(key);
    if n == 0 {
        Err(FieldError::new("metadata", "keys must not be empty"))
    } else if n > MAX_KEY_CHARS {
        Err(FieldError::new(
            format!("metadata.{key}"),
            format!("key must be at most {MAX_KEY_CHARS} characters (got {n})"),
        ))
    } else {
        Ok(())
    }
}

/// Validates one metadata value; empty is allowed only in a patch, where it deletes.
pub fn check_metadata_value(key: &str, value: &str, mode: MetadataMode) -> Result<(), FieldError> {
    let n = char_len(value);
    if n == 0 && mode == MetadataMode::Create {
        Err(FieldError::new(
            format!("metadata.{key}"),
            "value must not be empty",
        ))
    } else if n > MAX_VALUE_CHARS {
        Err(FieldError::new(
            format!("metadata.{key}"),
            format!("value must be at most {MAX_VALUE_CHARS} characters (got {n})"),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_limits_are_enforced_with_field_names() {
        // The count of pairs is checked where pairs are parsed (`metadata.rs`).
        let long_key = "k".repeat(65);
        assert!(check_metadata_key(&long_key).is_err());
        assert!(check_metadata_key(&"k".repeat(64)).is_ok());
        assert!(check_metadata_key("").is_err());
        let e = check_metadata_value("k", &"v".repeat(513), MetadataMode::Patch).unwrap_err();
        assert_eq!(
            e.to_string(),
            "metadata.k: value must be at most 512 characters (got 513)"
        );
    }
}

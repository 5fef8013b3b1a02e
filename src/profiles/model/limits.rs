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

/// The message for a NUL character, which no text the console sends may hold
/// (docs/api-contract.md, "Characters"): line breaks and tabs are text, NUL is not.
const NO_NUL: &str = "must not contain the NUL character";

/// Refuses a NUL in `value`, naming `field`.
fn check_no_nul(field: impl Into<String>, value: &str) -> Result<(), FieldError> {
    if value.contains('\0') {
        Err(FieldError::new(field, NO_NUL))
    } else {
        Ok(())
    }
}

/// A hash (GA's `email_hash`, `name_hash`): 1 to 255 characters, none of them a control
/// character. A hash is printable by nature, so a line break, a tab or a NUL in one is a
/// mistake in what was pasted, never data.
pub fn check_hash(field: &str, value: &str) -> Result<(), FieldError> {
    check_text(field, value)?;
    if value.chars().any(char::is_control) {
        Err(FieldError::new(
            field,
            "must not contain control characters (line breaks, tabs, NUL)",
        ))
    } else {
        Ok(())
    }
}

/// `external_id` or `name`: 1 to 255 characters, no NUL.
pub fn check_text(field: &str, value: &str) -> Result<(), FieldError> {
    let n = char_len(value);
    check_no_nul(field, value)?;
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

/// Validates one metadata key (1 to 64 characters, no NUL); the message names the key.
pub fn check_metadata_key(key: &str) -> Result<(), FieldError> {
    let n = char_len(key);
    if key.contains('\0') {
        // Named without the key itself: a NUL would end the field's name in most tools.
        return check_no_nul("metadata", key);
    }
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

/// Validates one metadata value (up to 512 characters, no NUL); empty is allowed only in
/// a patch, where it deletes.
pub fn check_metadata_value(key: &str, value: &str, mode: MetadataMode) -> Result<(), FieldError> {
    let n = char_len(value);
    check_no_nul(format!("metadata.{key}"), value)?;
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

    #[test]
    fn no_text_holds_a_nul_and_no_hash_a_control_character() {
        assert_eq!(
            check_text("name", "Ana\0").unwrap_err(),
            FieldError::new("name", NO_NUL)
        );
        assert_eq!(
            check_metadata_key("k\0ey").unwrap_err(),
            FieldError::new("metadata", NO_NUL)
        );
        assert_eq!(
            check_metadata_value("plan", "pro\0", MetadataMode::Patch).unwrap_err(),
            FieldError::new("metadata.plan", NO_NUL)
        );
        // Line breaks and tabs are text: the contract does not forbid them.
        assert!(check_text("name", "Ana\tMaría\nSmith").is_ok());
        assert!(check_metadata_value("note", "two\r\nlines\t", MetadataMode::Create).is_ok());
        assert!(check_hash("email_hash", "e3b0c44298fc1c149afbf4c8996fb924").is_ok());
        for bad in ["e3b0\0", "e3b0\n", "\te3b0", "e3\u{7f}b0", "e3\u{85}b0"] {
            assert!(check_hash("email_hash", bad).is_err(), "{bad:?}");
        }
        assert!(check_hash("name_hash", &"h".repeat(256)).is_err());
    }
}

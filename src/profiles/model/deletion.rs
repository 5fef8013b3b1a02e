//! Deleting a profile cannot be undone, so it is confirmed by typing the profile's id or
//! its name: the rule the delete page explains and the service applies before anything
//! is sent (docs/console.md, "Deleting a profile").

use crate::error::{AppError, FieldError};
use crate::profiles::model::profile::Profile;

/// The form field that holds the typed confirmation.
pub const CONFIRM: &str = "confirm";

/// Whether `typed` confirms deleting `profile`: its id, or its name, exactly (surrounding
/// spaces aside).
pub fn confirms(typed: &str, profile: &Profile) -> bool {
    let typed = typed.trim();
    !typed.is_empty() && (typed == profile.id.as_str() || profile.name.as_deref() == Some(typed))
}

/// The refusal of a confirmation that does not match, next to its field.
pub fn not_confirmed() -> AppError {
    AppError::invalid(vec![FieldError::new(
        CONFIRM,
        "does not match: type the profile's ID, or its name, exactly as shown",
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_id_or_name_confirms() {
        let profile: Profile = serde_json::from_value(serde_json::json!({
            "id": "uprof_01abc", "created_at": "2026-03-24T09:00:00Z",
            "updated_at": "2026-03-24T09:00:00Z", "name": "Acme GmbH", "relationship": "resold"
        }))
        .unwrap();
        for yes in ["uprof_01abc", "Acme GmbH", "  Acme GmbH "] {
            assert!(confirms(yes, &profile), "{yes:?}");
        }
        for no in ["", "  ", "acme gmbh", "Acme", "uprof_01ab", "uprof_01abcd"] {
            assert!(!confirms(no, &profile), "{no:?}");
        }
        let unnamed = Profile {
            name: None,
            ..profile
        };
        assert!(!confirms("", &unnamed));
        assert!(confirms("uprof_01abc", &unnamed));
    }
}

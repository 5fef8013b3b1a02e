//! "Mark followed up" on a review queue row: a short note and an optional date to look
//! again by, checked the same in the browser and on the server (docs/review.md).

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// The posted fields.
pub mod field {
    pub const NOTE: &str = "note";
    pub const DUE: &str = "due";
}

/// Longest note, in characters.
pub const MAX_NOTE: usize = 500;

/// A follow-up as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpInput {
    pub note: String,
    pub due: String,
}

/// A checked follow-up: the note trimmed, the date as `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub note: String,
    pub due: Option<String>,
}

impl FollowUpInput {
    pub fn check(&self) -> Result<FollowUp, Vec<FieldError>> {
        let mut errors = Vec::new();
        let note = self.note.trim();
        if note.is_empty() {
            errors.push(FieldError::new(
                field::NOTE,
                "is required: say what was done",
            ));
        } else if note.chars().count() > MAX_NOTE {
            errors.push(FieldError::new(
                field::NOTE,
                format!(
                    "must be at most {MAX_NOTE} characters (it has {})",
                    note.chars().count()
                ),
            ));
        } else if note.chars().any(char::is_control) {
            errors.push(FieldError::new(
                field::NOTE,
                "must be one line, without control characters",
            ));
        }
        let due = self.due.trim();
        let due = if due.is_empty() {
            None
        } else {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            match time::Date::parse(due, &format) {
                Ok(date) if (2000..=9999).contains(&date.year()) => Some(due.to_owned()),
                _ => {
                    errors.push(FieldError::new(field::DUE, "must be a date, as YYYY-MM-DD"));
                    None
                }
            }
        };
        if errors.is_empty() {
            Ok(FollowUp {
                note: note.to_owned(),
                due,
            })
        } else {
            Err(errors)
        }
    }
}

/// "Followed up 2 hours ago by ana: Emailed them; look again by 2026-12-20", on the
/// queue's row and the profile's page.
#[cfg(feature = "ssr")]
pub fn words(f: &crate::index::queue::FollowUpRecord, now: time::OffsetDateTime) -> String {
    let when = crate::timestamp::parse(&f.at)
        .map(|at| crate::timestamp::relative(at, now))
        .unwrap_or_default();
    let due = f
        .due
        .as_deref()
        .map(|d| format!("; look again by {d}"))
        .unwrap_or_default();
    format!("Followed up {when} by {}: {}{due}", f.by, f.note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(note: &str, due: &str) -> FollowUpInput {
        FollowUpInput {
            note: note.into(),
            due: due.into(),
        }
    }

    #[test]
    fn a_note_and_a_date_are_checked_each_by_its_field() {
        assert_eq!(
            input("  Emailed the customer  ", "2026-12-20")
                .check()
                .unwrap(),
            FollowUp {
                note: "Emailed the customer".into(),
                due: Some("2026-12-20".into())
            }
        );
        assert_eq!(input("Called", "").check().unwrap().due, None);
        let fields = |i: FollowUpInput| -> Vec<String> {
            i.check()
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(input(" ", "")), ["note"]);
        assert_eq!(fields(input(&"x".repeat(501), "")), ["note"]);
        assert!(input(&"é".repeat(500), "").check().is_ok());
        assert_eq!(fields(input("two\nlines", "")), ["note"]);
        assert_eq!(fields(input("a\0b", "")), ["note"]);
        for due in [
            "2026-02-30",
            "20-12-2026",
            "tomorrow",
            "1999-01-01",
            "2026-1-5",
        ] {
            assert_eq!(fields(input("ok", due)), ["due"], "{due}");
        }
        assert_eq!(fields(input("", "x")), ["note", "due"]);
    }
}

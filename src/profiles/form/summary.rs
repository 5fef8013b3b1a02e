//! The change summary shown before saving: one line per field (metadata key by key),
//! before and after.

use crate::profiles::form::data::{char_count, non_empty, ProfileForm};
use crate::profiles::model::{Field, DETAILS};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// One line of the change summary shown before saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine {
    /// "Name", "External ID", "Relationship", "Access type", a detail's label, or
    /// `Metadata "plan"`.
    pub what: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl ProfileForm {
    /// What saving would change, one line per field or metadata key.
    pub fn summary(&self) -> Vec<SummaryLine> {
        let Some(loaded) = &self.loaded else {
            return Vec::new();
        };
        let patch = self.patch();
        let mut changes = Vec::new();
        let mut text = |what: &str, field: &Field<String>, before: &Option<String>| {
            if !field.is_absent() {
                changes.push(SummaryLine {
                    what: what.to_owned(),
                    before: before.clone(),
                    after: field.as_value().cloned(),
                });
            }
        };
        text("External ID", &patch.external_id, &loaded.external_id);
        text("Name", &patch.name, &loaded.name);
        if let Field::Value(r) = patch.relationship {
            changes.push(SummaryLine {
                what: "Relationship".into(),
                before: Some(loaded.relationship.clone()),
                after: Some(r.as_str().into()),
            });
        }
        if let Field::Value(a) = patch.access_type {
            changes.push(SummaryLine {
                what: "Access type".into(),
                before: Some(loaded.access_type.clone()),
                after: Some(a.as_str().into()),
            });
        }
        for detail in DETAILS {
            if let Some(after) = patch.external_user_details.get(detail.key) {
                changes.push(SummaryLine {
                    what: detail.label.into(),
                    before: loaded.details.get(detail.key).cloned(),
                    after: Some(after.clone()),
                });
            }
        }
        let before: BTreeMap<String, String> = self
            .rows
            .iter()
            .filter_map(|r| r.original.clone())
            .collect();
        for (key, value) in patch.metadata.unwrap_or_default() {
            let (was, now) = (before.get(&key).cloned(), non_empty(&value));
            // A key added without a value changes nothing; saving it is refused anyway
            // ("Enter a value"), next to its row.
            if was.is_some() || now.is_some() {
                changes.push(SummaryLine {
                    what: format!("Metadata \"{key}\""),
                    before: was,
                    after: now,
                });
            }
        }
        changes
    }
}

/// Longest value quoted in the change summary.
const SUMMARY_CHARS: usize = 80;

fn quoted(value: &Option<String>) -> String {
    match value {
        None => "(none)".to_owned(),
        Some(v) if char_count(v) > SUMMARY_CHARS => {
            format!("“{}…”", v.chars().take(SUMMARY_CHARS).collect::<String>())
        }
        Some(v) => format!("“{v}”"),
    }
}

fn describe(change: &SummaryLine) -> String {
    match (&change.before, &change.after) {
        (None, after) => format!("added {}", quoted(after)),
        (before, None) => format!("removed (was {})", quoted(before)),
        (before, after) => format!("{} → {}", quoted(before), quoted(after)),
    }
}

/// How one line reads: `Name: “a” → “b”`, the field's name in bold. The server renders
/// it and the live form writes it as the user types (`form/live.rs`).
pub fn line_parts(line: &SummaryLine) -> (&str, String) {
    (&line.what, format!(": {}", describe(line)))
}

/// The changes a save would make. The live form keeps the `data-summary` part up to date.
#[component]
pub fn ChangeSummary(lines: Vec<SummaryLine>) -> impl IntoView {
    let body = if lines.is_empty() {
        view! { <p class="muted">{NO_CHANGES}</p> }.into_any()
    } else {
        view! {
            <ul>
                {lines.iter().map(|line| {
                    let (what, rest) = line_parts(line);
                    view! { <li><strong>{what.to_owned()}</strong>{rest}</li> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="change-summary" aria-labelledby="changes-heading">
            <h2 id="changes-heading">"Changes to save"</h2>
            <div data-summary="">{body}</div>
        </section>
    }
}

/// What the summary says when saving would change nothing.
pub const NO_CHANGES: &str = "No changes yet.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_added_removed_or_before_and_after() {
        let change = |before: Option<&str>, after: Option<&str>| SummaryLine {
            what: "Name".into(),
            before: before.map(Into::into),
            after: after.map(Into::into),
        };
        assert_eq!(describe(&change(None, Some("a"))), "added “a”");
        assert_eq!(describe(&change(Some("a"), None)), "removed (was “a”)");
        assert_eq!(describe(&change(Some("a"), Some("b"))), "“a” → “b”");
        let long = "x".repeat(100);
        assert_eq!(
            describe(&change(None, Some(&long))),
            format!("added “{}…”", "x".repeat(80))
        );
    }
}

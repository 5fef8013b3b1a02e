//! An import's report (docs/onboarding.md, "The dry run"): one CSV line per row of the
//! file, in its order, with what running it would do and, for a job's rows, what it did.
//! The command's `--report` and the job page's download write the same columns. Cells go
//! through the console's CSV rule, so that a formula a file held comes back as text.

use crate::audit::csv::changes;
use crate::onboarding::job::ReportRow;
use crate::onboarding::plan::{Outcome, Planned};
use crate::web::csv_line;

pub const HEADER: &str = "line,external_id,outcome,profile_id,changes,errors,result\r\n";

/// A job's row as it stands.
pub fn kept_line(row: &ReportRow) -> String {
    csv_line([
        row.line.to_string().as_str(),
        &row.external_id,
        &row.plan,
        &row.profile_id,
        &changes(&row.changes),
        &row.why,
        &row.result,
    ])
}

/// One row's line as the dry run planned it (nothing sent yet).
pub fn line(planned: &Planned) -> String {
    let (id, asked) = match &planned.outcome {
        Outcome::Create { changes: asked, .. } => ("", changes(asked)),
        Outcome::Update {
            id, changes: asked, ..
        } => (id.as_str(), changes(asked)),
        Outcome::Unchanged { id } => (id.as_str(), String::new()),
        Outcome::Error(_) => ("", String::new()),
    };
    csv_line([
        planned.line.to_string().as_str(),
        &planned.external_id,
        planned.outcome.kind().as_str(),
        id,
        &asked,
        &planned.outcome.errors_text(),
        "",
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Change;
    use crate::onboarding::plan::RowError;
    use crate::profiles::model::WireBody;

    #[test]
    fn each_outcome_reads_as_a_line_and_formulas_stay_text() {
        let created = Planned {
            line: 2,
            external_id: "=cmd".into(),
            outcome: Outcome::Create {
                body: WireBody::from_kept(serde_json::json!({"name": "Zoë, first"})),
                changes: vec![Change {
                    field: "name".into(),
                    old: None,
                    new: Some("Zoë, first".into()),
                }],
            },
        };
        assert_eq!(
            line(&created),
            "2,'=cmd,create,,\"name: (not set) → Zoë, first\",,\r\n"
        );
        let refused = Planned {
            line: 9,
            external_id: String::new(),
            outcome: Outcome::Error(vec![
                RowError {
                    column: "(row)".into(),
                    message: "has 2 cells where the header has 4".into(),
                },
                RowError {
                    column: "Name".into(),
                    message: "is required".into(),
                },
            ]),
        };
        assert_eq!(
            line(&refused),
            "9,,error,,,\"(row): has 2 cells where the header has 4\nName: is required\",\r\n"
        );
    }
}

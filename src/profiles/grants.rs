//! Trust grants (2026-03-24) and programs (GA) as pages show them: a status badge and
//! what the status means. Both carry the same three statuses (docs/api-versions.md).

use crate::profiles::model::GrantStatus;
use leptos::prelude::*;

fn known(status: &str) -> Option<GrantStatus> {
    GrantStatus::ALL.into_iter().find(|s| s.as_str() == status)
}

/// One grant or program as `cyber: active`; unknown names and statuses are shown as they
/// came.
#[component]
pub fn GrantBadge(name: String, status: String) -> impl IntoView {
    let tone = match known(&status) {
        Some(GrantStatus::Active) => "badge ok",
        Some(GrantStatus::Pending) => "badge warn",
        Some(GrantStatus::Rejected) => "badge bad",
        None => "badge",
    };
    let label = format!("{name}: {status}");
    view! { <span class=tone>{label}</span> }
}

/// The program a grant or program name stands for.
pub fn program_name(name: &str) -> &str {
    match name {
        "cyber" => "Cyber Verification Program",
        "efs" => "Enterprise Frontier Safeguards",
        other => other,
    }
}

/// What a grant's or program's status means, in one line (docs/api-contract.md §8).
pub fn grant_meaning(name: &str, status: &str) -> String {
    let program = program_name(name);
    match known(status) {
        Some(GrantStatus::Active) => format!("{program}: approved and applies to this profile."),
        Some(GrantStatus::Pending) => {
            format!("{program}: under review, or approved but not yet applied to this profile.")
        }
        Some(GrantStatus::Rejected) => format!("{program}: the application was declined."),
        None => format!(
            "{program}: status \"{status}\" is not known to this console; shown as the API sent it."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_read_as_one_line_and_unknown_ones_as_they_came() {
        assert_eq!(
            grant_meaning("cyber", "pending"),
            "Cyber Verification Program: under review, or approved but not yet applied to this profile."
        );
        assert_eq!(
            grant_meaning("efs", "active"),
            "Enterprise Frontier Safeguards: approved and applies to this profile."
        );
        assert_eq!(
            grant_meaning("bio", "suspended"),
            "bio: status \"suspended\" is not known to this console; shown as the API sent it."
        );
    }
}

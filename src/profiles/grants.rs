//! Trust grants as pages show them: a status badge and what the status means.

use crate::profiles::model::{GrantStatus, Lenient, TrustGrant};
use leptos::prelude::*;

/// One grant as `cyber: active`; unknown names and statuses are shown as they came.
#[component]
pub fn GrantBadge(name: String, grant: TrustGrant) -> impl IntoView {
    let tone = match grant.status {
        Lenient::Known(GrantStatus::Active) => "badge ok",
        Lenient::Known(GrantStatus::Pending) => "badge warn",
        Lenient::Known(GrantStatus::Rejected) => "badge bad",
        Lenient::Unknown(_) => "badge",
    };
    let label = format!("{name}: {}", grant.status.label());
    view! { <span class=tone>{label}</span> }
}

/// What a grant's status means, in one line (docs/api-contract.md §8).
pub fn grant_meaning(name: &str, grant: &TrustGrant) -> String {
    let program = match name {
        "cyber" => "Cyber Verification Program",
        other => other,
    };
    match &grant.status {
        Lenient::Known(GrantStatus::Active) => {
            format!("{program}: approved and applies to this profile.")
        }
        Lenient::Known(GrantStatus::Pending) => {
            format!("{program}: under review, or approved but not yet applied to this profile.")
        }
        Lenient::Known(GrantStatus::Rejected) => {
            format!("{program}: the application was declined.")
        }
        Lenient::Unknown(raw) => {
            format!("{program}: status \"{raw}\" is not known to this console; shown as the API sent it.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_read_as_one_line_and_unknown_ones_as_they_came() {
        let grant = |status| TrustGrant { status };
        assert_eq!(
            grant_meaning("cyber", &grant(Lenient::Known(GrantStatus::Pending))),
            "Cyber Verification Program: under review, or approved but not yet applied to this profile."
        );
        assert_eq!(
            grant_meaning("efs", &grant(Lenient::Unknown("suspended".into()))),
            "efs: status \"suspended\" is not known to this console; shown as the API sent it."
        );
    }
}

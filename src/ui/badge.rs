//! Status badges for trust grants.

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

//! Enforcement (GA) as pages show it: the status badge the tables and the detail page
//! share, and the detail page's panel of open actions (docs/api-versions.md,
//! "Enforcement").

use crate::profiles::model::{EnforcementAction, EnforcementStatus, Lenient};
use crate::timestamp::{relative, rfc3339, utc};
use leptos::prelude::*;
use time::OffsetDateTime;

/// `unrestricted`, `pending`, `restricted`, `banned`; an unknown status as it came, toned
/// as restricted, which is how it must be read.
#[component]
pub fn EnforcementBadge(status: String) -> impl IntoView {
    let tone = match EnforcementStatus::parse(&status) {
        Some(EnforcementStatus::Unrestricted) => "badge ok",
        Some(EnforcementStatus::Pending) => "badge warn",
        _ => "badge bad",
    };
    view! { <span class=tone>{status}</span> }
}

/// The detail page's panel: the status, what it means, and each open action.
#[component]
pub fn EnforcementPanel(
    status: Option<Lenient<EnforcementStatus>>,
    actions: Vec<EnforcementAction>,
    now: OffsetDateTime,
) -> impl IntoView {
    let Some(status) = status else {
        return view! {
            <section aria-labelledby="enforcement-heading">
                <h2 id="enforcement-heading">"Enforcement"</h2>
                <p class="muted">"Not reported: enforcement is not enabled for this organization."</p>
            </section>
        }
        .into_any();
    };
    let meaning = match &status {
        Lenient::Known(s) => s.meaning().to_owned(),
        Lenient::Unknown(raw) => {
            format!("Status \"{raw}\" is not known to this console; read it as restricted.")
        }
    };
    let label = status.label().to_owned();
    let body = if actions.is_empty() {
        view! { <p class="muted">"No open actions."</p> }.into_any()
    } else {
        let rows = actions
            .into_iter()
            .map(|a| {
                let verify = if a.offers_verify() {
                    "Yes: the end user can clear it now with an identity check (Generate enrollment link)"
                } else {
                    "No"
                };
                let expires = match a.expires_at {
                    Some(at) => view! {
                        <time datetime=rfc3339(at)>{utc(at)}</time>
                        <span class="muted">{format!(" ({})", relative(at, now))}</span>
                    }
                    .into_any(),
                    None => view! { <span class="muted">"No end date"</span> }.into_any(),
                };
                view! {
                    <tr>
                        <td>{a.kind.label().to_owned()}</td>
                        <td>{a.reason_text()}</td>
                        <td><time datetime=rfc3339(a.opened_at)>{utc(a.opened_at)}</time></td>
                        <td>{expires}</td>
                        <td>{verify}</td>
                        <td class="mono">{a.id}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="enforcement" aria-label="Open enforcement actions">
                    <thead><tr>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Reason"</th>
                        <th scope="col">"Opened"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Verify"</th>
                        <th scope="col">"Action ID"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="enforcement-heading">
            <h2 id="enforcement-heading">"Enforcement"</h2>
            <p><EnforcementBadge status=label/> " " <span class="muted">{meaning}</span></p>
            {body}
        </section>
    }
    .into_any()
}

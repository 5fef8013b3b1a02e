//! The columns every table of profiles shows, in one order: the list and the search
//! results read the same way. They follow the API version: "Relationship" and "Trust
//! grants" under the 2026-03-24 beta, "Access type", "Programs" and "Enforcement" under
//! GA.

use crate::profiles::enforcement::EnforcementBadge;
use crate::profiles::grants::GrantBadge;
use crate::profiles::model::ApiVersion;
use leptos::prelude::*;

/// The header row; `extra` names a last column of the page's own.
#[component]
pub fn ProfileColumns(
    version: ApiVersion,
    #[prop(optional)] extra: Option<&'static str>,
) -> impl IntoView {
    let (kind, standing) = labels(version);
    view! {
        <thead>
            <tr>
                <th scope="col">"ID"</th>
                <th scope="col">"Name"</th>
                <th scope="col">"External ID"</th>
                <th scope="col">{kind}</th>
                <th scope="col">{standing}</th>
                {version.is_ga().then(|| view! { <th scope="col">"Enforcement"</th> })}
                <th scope="col">"Created"</th>
                {extra.map(|name| view! { <th scope="col">{name}</th> })}
            </tr>
        </thead>
    }
}

/// What the version calls a profile's relationship and its standing in programs.
pub fn labels(version: ApiVersion) -> (&'static str, &'static str) {
    if version.has_relationship() {
        ("Relationship", "Trust grants")
    } else {
        ("Access type", "Programs")
    }
}

/// The standing cells of one row: its grants or programs and, under GA, its enforcement
/// status ("—" when the organization has no enforcement).
#[component]
pub fn StandingCells(
    version: ApiVersion,
    standing: Vec<(String, String)>,
    enforcement: Option<String>,
    /// How old the programs shown are, where the page knows (search).
    #[prop(default = None)]
    note: Option<String>,
) -> impl IntoView {
    let badges = standing
        .into_iter()
        .map(|(name, status)| view! { <GrantBadge name status/> })
        .collect_view();
    view! {
        <td>
            <div class="grants">{badges}</div>
            {note.map(|note| view! { <p class="knowledge muted">{note}</p> })}
        </td>
        {version.is_ga().then(|| view! {
            <td>{match enforcement {
                Some(status) => view! { <EnforcementBadge status/> }.into_any(),
                None => view! { <span class="muted">"—"</span> }.into_any(),
            }}</td>
        })}
    }
}

/// "Export CSV" and "Export JSON Lines" for the view at `href` (a page at `path`): the
/// whole view, every page of it, as the file at `path.csv` or `path.jsonl`.
#[component]
pub fn ExportLinks(href: String, path: &'static str, what: &'static str) -> impl IntoView {
    let file = |extension: &str| href.replacen(path, &format!("{path}.{extension}"), 1);
    view! {
        <p class="exports">
            <a href=file("csv") download rel="external">"Export CSV"</a>
            " "
            <a href=file("jsonl") download rel="external">"Export JSON Lines"</a>
            " "
            <span class="muted">{format!("(every {what} in this view, not only this page)")}</span>
        </p>
    }
}

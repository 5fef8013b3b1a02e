//! The columns every table of profiles shows, in one order: the list and the search
//! results read the same way.

use leptos::prelude::*;

/// The header row; `extra` names a last column of the page's own.
#[component]
pub fn ProfileColumns(#[prop(optional)] extra: Option<&'static str>) -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th scope="col">"ID"</th>
                <th scope="col">"Name"</th>
                <th scope="col">"External ID"</th>
                <th scope="col">"Relationship"</th>
                <th scope="col">"Trust grants"</th>
                <th scope="col">"Created"</th>
                {extra.map(|name| view! { <th scope="col">{name}</th> })}
            </tr>
        </thead>
    }
}

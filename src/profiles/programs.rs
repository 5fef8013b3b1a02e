//! Programs (GA) as the detail page shows them: each program's status and what it means,
//! the cyber tiers and requirements, the EFS features, and programs this console does
//! not know, as they came (docs/api-versions.md, "Programs").

use crate::profiles::grants::{grant_meaning, program_name, GrantBadge};
use crate::profiles::model::programs::{feature_name, tier_name};
use crate::profiles::model::{Feature, FeatureStatus, Lenient, Programs};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// `active` / `inactive` per tier or feature, named as the contract names them.
fn features(
    items: BTreeMap<String, Feature>,
    name: fn(&str) -> Option<&'static str>,
) -> impl IntoView {
    items
        .into_iter()
        .map(|(key, f)| {
            let tone = match f.status {
                Lenient::Known(FeatureStatus::Active) => "badge ok",
                Lenient::Known(FeatureStatus::Inactive) => "badge",
                Lenient::Unknown(_) => "badge warn",
            };
            let label = match name(&key) {
                Some(known) => format!("{known} ({key})"),
                None => key,
            };
            view! { <li>{label} " " <span class=tone>{f.status.label().to_owned()}</span></li> }
        })
        .collect_view()
}

#[component]
pub fn ProgramsPanel(programs: Option<Programs>) -> impl IntoView {
    let programs = programs.unwrap_or_default();
    let statuses = programs.statuses();
    let body = if statuses.is_empty() {
        view! { <p class="muted">"No program status: none applied for, or none reported."</p> }
            .into_any()
    } else {
        let cyber = programs.cyber.map(|c| {
            let status = c.status.label().to_owned();
            let tiers = if c.tiers.is_empty() {
                view! { <p class="muted">"Tiers not reported."</p> }.into_any()
            } else {
                let none_active = c
                    .tiers
                    .values()
                    .all(|t| t.status != Lenient::Known(FeatureStatus::Active));
                view! {
                    <ul class="features" aria-label="Cyber tiers">{features(c.tiers, tier_name)}</ul>
                    {(none_active && status == "active").then(|| view! {
                        <p class="muted">"Active with no tier active: access to earlier models only."</p>
                    })}
                }
                .into_any()
            };
            let requirements = c.requirements.map(|r| {
                let says = |on: bool| if on { "required" } else { "not required" };
                view! {
                    <p>"Requirements: data retention " {says(r.data_retention)} ", human review " {says(r.human_review)} "."</p>
                }
            });
            view! {
                <h3>{program_name("cyber").to_owned()}</h3>
                <p><GrantBadge name="cyber".to_owned() status=status.clone()/> " " <span class="muted">{grant_meaning("cyber", &status)}</span></p>
                {tiers}
                {requirements}
            }
        });
        let efs = programs.efs.map(|e| {
            let status = e.status.label().to_owned();
            view! {
                <h3>{program_name("efs").to_owned()}</h3>
                <p><GrantBadge name="efs".to_owned() status=status.clone()/> " " <span class="muted">{grant_meaning("efs", &status)}</span></p>
                <ul class="features" aria-label="EFS features">{features(e.features, feature_name)}</ul>
            }
        });
        let others = statuses
            .into_iter()
            .filter(|(name, _)| name != "cyber" && name != "efs")
            .map(|(name, status)| {
                let meaning = grant_meaning(&name, &status);
                view! { <p><GrantBadge name status/> " " <span class="muted">{meaning}</span></p> }
            })
            .collect_view();
        view! { {cyber} {efs} {others} }.into_any()
    };
    view! {
        <section aria-labelledby="programs-heading">
            <h2 id="programs-heading">"Programs"</h2>
            {body}
        </section>
    }
}

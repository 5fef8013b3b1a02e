//! `/overview`: how the whole population stands. Each section is a chart and a table of
//! its numbers; every number links to the search or queue view listing those profiles.
//! Plain links and a GET form: everything works without JavaScript.

use crate::error::AppError;
use crate::overview::chart::Chart;
use crate::overview::server::{
    read_overview, Figure, Overview, OverviewParams, Section, MAX_WEEKS, OVERVIEW_PATH, WEEKS,
};
use crate::profiles::search::results::backlog_words;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| {
        query.with(|q| OverviewParams {
            weeks: q.get(WEEKS),
        })
    });
    let page = Resource::new(move || params.get(), read_overview);
    view! {
        <PageTitle text="Overview"/>
        <PageHeading text="Overview"/>
        <Transition fallback=|| view! { <p class="muted">"Counting…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(overview) => view! { <Figures overview/> }.into_any(),
                    Err(AppError::Invalid { errors, .. }) => view! {
                        <ErrorPanel error=AppError::invalid(errors)/>
                        <p><a href=OVERVIEW_PATH>"Open the overview"</a></p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Figures(overview: Overview) -> impl IntoView {
    let Overview {
        weeks,
        profiles,
        sections,
        walked,
        programs_backlog,
        counted,
    } = overview;
    let freshness = [
        Some(walked.map_or_else(
            || "The index has not completed a walk yet.".to_owned(),
            |at| format!("Index last walked completely {}.", at.text),
        )),
        programs_backlog.map(backlog_words),
        counted.map(|at| {
            format!(
                "Figures counted {}; counted again as pages are viewed, and never shown \
                 more than a minute old unless counting takes longer.",
                at.text
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let sections = sections
        .into_iter()
        .map(|section| view! { <Part section/> })
        .collect_view();
    view! {
        <p class="muted freshness">{freshness}</p>
        <p class="overview-total">"Profiles in the index: " <Count figure=profiles/></p>
        <form method="get" action=OVERVIEW_PATH class="inline overview-range">
            <div class="field">
                <label for="overview-weeks">"Weeks shown"</label>
                <input id="overview-weeks" type="number" name=WEEKS min="1" max=MAX_WEEKS.to_string()
                    value=weeks.to_string()/>
            </div>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        <div class="overview">{sections}</div>
    }
}

/// A number, linked to the view that lists what it counts.
#[component]
fn Count(figure: Figure) -> impl IntoView {
    match figure.href {
        Some(href) => view! { <a href=href>{figure.count}</a> }.into_any(),
        None => view! { <span>{figure.count}</span> }.into_any(),
    }
}

#[component]
fn Part(section: Section) -> impl IntoView {
    let Section {
        id,
        heading,
        note,
        column,
        counted,
        shape,
        figures,
    } = section;
    let heading_id = format!("{id}-heading");
    let empty = figures.is_empty();
    let rows = figures
        .iter()
        .cloned()
        .map(|figure| {
            let label = figure.label.clone();
            view! {
                <tr><th scope="row">{label}</th><td class="num"><Count figure/></td></tr>
            }
        })
        .collect_view();
    let body = if empty {
        view! { <p class="muted">"Nothing to count yet."</p> }.into_any()
    } else {
        view! {
            <Chart shape figures/>
            <table class="overview-table">
                <thead><tr><th scope="col">{column}</th><th scope="col" class="num">{counted}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let labelled_by = heading_id.clone();
    view! {
        <section class="overview-part" id=id aria-labelledby=labelled_by>
            <h2 id=heading_id>{heading}</h2>
            {note.map(|note| view! { <p class="muted">{note}</p> })}
            {body}
        </section>
    }
}

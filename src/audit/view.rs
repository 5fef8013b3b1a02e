//! The audit trail on screen: a profile's History section and the admins' Audit log page.
//! Both are server-rendered pages that work without the WASM: paging is by links and
//! filtering by a plain GET form, so every view has an address that can be shared.

use crate::audit::server::{list_audit_log, list_profile_history};
use crate::audit::{param, Action, Change, Entry, EntryPage, Outcome};
use crate::error::AppError;
use crate::profiles::links::{detail_href, HISTORY};
use crate::profiles::location::ListLocation;
use crate::profiles::model::ProfileId;
use crate::timestamp::stored_utc;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use crate::web::encode_query;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn tone(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Succeeded => "badge ok",
        Outcome::Failed | Outcome::Refused => "badge bad",
        Outcome::Uncertain | Outcome::Pending => "badge warn",
    }
}

/// A value of a change; "not set" for none.
fn value(v: Option<String>) -> AnyView {
    match v {
        Some(v) => view! { <span class="mono">{v}</span> }.into_any(),
        None => view! { <em class="muted">"not set"</em> }.into_any(),
    }
}

fn changes(changes: Vec<Change>) -> impl IntoView {
    (!changes.is_empty()).then(|| {
        let items = changes
            .into_iter()
            .map(|c| {
                view! {
                    <li>
                        <span class="change-field mono">{c.field}</span>": "
                        <del>{value(c.old)}</del>" → "<ins>{value(c.new)}</ins>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="changes">{items}</ul> }
    })
}

/// The entries, newest first: when, who, what, the change, how it ended.
#[component]
pub fn EntryTable(entries: Vec<Entry>, show_profile: bool) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="muted">"No entries."</p> }.into_any();
    }
    let rows = entries
        .into_iter()
        .map(|e| {
            let actor_href = format!(
                "/audit?{}",
                encode_query(&[(param::ACTOR, e.actor.clone())])
            );
            let profile = show_profile.then(|| {
                let cell = e
                    .profile_id
                    .clone()
                    .and_then(|raw| ProfileId::parse(&raw).ok())
                    .map(|id| {
                        let href = detail_href(&id, &ListLocation::default(), None);
                        view! { <a href=href class="mono">{id.to_string()}</a> }
                    });
                view! { <td>{cell}</td> }
            });
            let ids = e.upstream_request_id.clone().map(
                |id| view! { <div class="muted small">"API request: "<code>{id}</code></div> },
            );
            view! {
                <tr>
                    <td class="nowrap"><time datetime=e.at.clone()>{stored_utc(&e.at)}</time></td>
                    <td>
                        <a href=actor_href>{e.actor.clone()}</a>
                        {e.role.clone().map(|r| view! { " " <span class="badge">{r}</span> })}
                    </td>
                    <td>{e.action.label()}</td>
                    {profile}
                    <td>
                        <span class=tone(e.outcome)>{e.outcome.label()}</span>
                        {e.detail.clone().map(|d| view! { <div class="detail">{d}</div> })}
                        {ids}
                    </td>
                    <td>{changes(e.changes)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="audit">
                <thead>
                    <tr>
                        <th scope="col">"Time"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Action"</th>
                        {show_profile.then(|| view! { <th scope="col">"Profile"</th> })}
                        <th scope="col">"Outcome"</th>
                        <th scope="col">"Changes"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A profile's recorded history, newest first, a page at a time (`?history=`).
#[component]
pub fn ProfileHistory(id: ProfileId, from: ListLocation) -> impl IntoView {
    let query = use_query_map();
    let page = Memo::new(move |_| query.with(|q| q.get(HISTORY)));
    let raw_id = id.to_string();
    let history = Resource::new(
        move || (raw_id.clone(), page.get()),
        |(id, page)| list_profile_history(id, page),
    );
    let href = move |next: Option<String>| {
        let base = detail_href(&id, &from, None);
        let joiner = if base.contains('?') { '&' } else { '?' };
        match next {
            Some(next) => format!("{base}{joiner}{}#history", encode_query(&[(HISTORY, next)])),
            None => format!("{base}#history"),
        }
    };
    view! {
        <section class="history" id="history" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading history…"</p> }>
                {move || {
                    let href = href.clone();
                    Suspend::new(async move {
                        match history.await {
                            Ok(EntryPage { entries, next }) => {
                                let newest = page.get_untracked().is_some().then(|| view! { <a href=href(None)>"Newest entries"</a> });
                                let older = next.map(|next| view! { <a href=href(Some(next))>"Older entries →"</a> });
                                view! {
                                    <EntryTable entries show_profile=false/>
                                    <nav class="pager" aria-label="History pages">{newest}{older}</nav>
                                }
                                .into_any()
                            }
                            // Not the page's error: the profile above is fine.
                            Err(error) => view! { <p class="field-error" role="alert">{error.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// The names of the Audit log page's filters, in form order.
const FILTERS: [&str; 5] = [
    param::ACTOR,
    param::ACTION,
    param::PROFILE,
    param::FROM,
    param::TO,
];

/// `/audit`: every recorded action, filtered by actor, action, profile and days,
/// a page at a time, with the filtered view as CSV. Admins only.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| {
        query.with(|q| {
            let get = |name: &str| q.get(name).filter(|v| !v.trim().is_empty());
            (FILTERS.map(get), get(param::PAGE))
        })
    });
    let log = Resource::new(
        move || params.get(),
        |([actor, action, profile, from, to], page)| {
            list_audit_log(actor, action, profile, from, to, page)
        },
    );
    view! {
        <PageTitle text="Audit log"/>
        <PageHeading text="Audit log"/>
        <Transition fallback=|| view! { <p class="muted">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                let (filters, page) = params.get_untracked();
                match log.await {
                    Err(AppError::Invalid { errors, .. }) => view! {
                        <FilterForm values=filters.clone() errors/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(EntryPage { entries, next }) => {
                        let chosen: Vec<(&str, String)> = FILTERS
                            .into_iter()
                            .zip(filters.clone())
                            .filter_map(|(name, value)| Some((name, value?)))
                            .collect();
                        let csv = format!("/audit.csv?{}", encode_query(&chosen));
                        let link = |extra: Option<(&'static str, String)>| {
                            let mut all = chosen.clone();
                            all.extend(extra);
                            format!("/audit?{}", encode_query(&all))
                        };
                        let newest = page.is_some().then(|| view! { <a href=link(None)>"Newest entries"</a> });
                        let older = next.map(|next| view! { <a href=link(Some((param::PAGE, next)))>"Older entries →"</a> });
                        view! {
                            <FilterForm values=filters errors=Vec::new()/>
                            <p><a href=csv download="audit-log.csv" rel="external">"Download CSV"</a>" "<span class="muted">"(every entry matching these filters)"</span></p>
                            <EntryTable entries show_profile=true/>
                            <nav class="pager" aria-label="Audit log pages">{newest}{older}</nav>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The filters as a plain GET form: submitting it loads the filtered page's address.
#[component]
fn FilterForm(values: [Option<String>; 5], errors: Vec<crate::error::FieldError>) -> impl IntoView {
    let [actor, action, profile, from, to] = values;
    let error = |name: &str| {
        errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let field = |name: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 value: Option<String>,
                 hint: &'static str| {
        let message = error(name);
        let invalid = (!message.is_empty()).then_some("true");
        let id = format!("filter-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id.clone() name=name type=kind value=value.unwrap_or_default() placeholder=hint
                    aria-invalid=invalid aria-describedby=format!("{id}-error")/>
                <p class="field-error" id=format!("{id}-error")>{message}</p>
            </div>
        }
    };
    let action_message = error(param::ACTION);
    let options = Action::ALL
        .into_iter()
        .map(|a| {
            let selected = action.as_deref() == Some(a.as_str());
            view! { <option value=a.as_str() selected=selected>{a.label()}</option> }
        })
        .collect_view();
    let page_message = error(param::PAGE);
    view! {
        <form method="get" action="/audit" class="filters" aria-label="Filters">
            {field(param::ACTOR, "Who", "text", actor, "user name")}
            <div class="field">
                <label for="filter-action">"Action"</label>
                <select id="filter-action" name=param::ACTION aria-invalid=(!action_message.is_empty()).then_some("true") aria-describedby="filter-action-error">
                    <option value="">"Any action"</option>
                    {options}
                </select>
                <p class="field-error" id="filter-action-error">{action_message}</p>
            </div>
            {field(param::PROFILE, "Profile ID", "text", profile, "uprof_…")}
            {field(param::FROM, "From (UTC)", "date", from, "YYYY-MM-DD")}
            {field(param::TO, "To (UTC)", "date", to, "YYYY-MM-DD")}
            <div class="filter-actions">
                <button type="submit">"Apply filters"</button>
                <a href="/audit" class="button secondary">"Clear"</a>
            </div>
            {(!page_message.is_empty()).then(|| view! { <p class="field-error" role="alert">{format!("Page {page_message}.")}</p> })}
        </form>
    }
}

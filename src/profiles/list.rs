//! The profile list, `/profiles`. The API only gives a forward cursor, so the page address
//! keeps the cursors of the last pages that led here (`trail`, see `location`): reload,
//! Back/Forward and a pasted link all land on the same page, and Previous is the same
//! trail minus one.

use crate::auth::{can, Permission};
use crate::error::AppError;
use crate::profiles::columns::{ProfileColumns, StandingCells};
use crate::profiles::goto::GOTO;
use crate::profiles::links::{new_href, row_hrefs, DONE};
use crate::profiles::location::ListLocation;
use crate::profiles::model::{EnforcementStatus, Order, PageCursor, PageSize, Profile, ProfileId};
use crate::profiles::search::page::SearchBox;
use crate::profiles::server::list_profiles;
use crate::profiles::spoken::spoken;
use crate::timestamp::{relative, rfc3339, utc};
use crate::ui::browser::{adopt_shown_value, go_to, now};
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::html::Select;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProfileListPage() -> impl IntoView {
    let query = use_query_map();
    let (location, goto, done) = query.with_untracked(|q| {
        (
            ListLocation::from_query(|k| q.get(k)),
            q.get(GOTO),
            q.get(DONE),
        )
    });
    let notice = (done.as_deref() == Some("deleted"))
        .then(|| view! { <p class="notice" role="status">"Profile deleted."</p> });
    let here = location.clone().unwrap_or_default();
    let new_profile = can(Permission::ProfilesWrite).then(|| {
        view! { <a href=new_href(&here) class="button primary">"New profile"</a> }
    });
    // The list place, kept by the "Go to profile" form. Children of the island: they stay
    // as the server wrote them, and are not sent a second time as its props.
    let hidden = here
        .params()
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        <PageTitle text="Profiles"/>
        <div class="page-header">
            <PageHeading text="Profiles"/>
            {new_profile}
        </div>
        {notice}
        <SearchBox/>
        <div class="list-tools">
            <ListControls limit=here.limit.get() order=here.order enforcement=here.enforcement ga=spoken().is_ga()/>
            <GoToProfile goto>{hidden}</GoToProfile>
        </div>
        {match location {
            Ok(location) => view! { <ProfileTable location/> }.into_any(),
            // A malformed address is answered at once, without any server call.
            Err(errors) => view! {
                <ErrorPanel error=AppError::invalid(errors)/>
                <p><a href="/profiles">"Go to the first page"</a></p>
            }
                .into_any(),
        }}
    }
}

/// Page size, order and, under GA, the API's enforcement filter: a GET form that works
/// without JavaScript ("Apply"); in the island, a change opens the new address at once.
/// Any of them starts again from the first page, because cursors belong to one query.
/// In the main module, as Go to profile: the list is the page the console opens on.
#[island]
fn ListControls(
    limit: u32,
    order: Order,
    enforcement: Option<EnforcementStatus>,
    /// The filter is GA's: the 2026-03-24 beta has none.
    ga: bool,
) -> impl IntoView {
    let apply = move |limit: u32, order: Order, enforcement: Option<EnforcementStatus>| {
        let location = ListLocation {
            limit: PageSize::new(limit).unwrap_or(PageSize::DEFAULT),
            order,
            enforcement,
            ..ListLocation::default()
        };
        go_to(&location.href());
    };
    let on_limit = move |ev| {
        if let Ok(chosen) = event_target_value(&ev).parse() {
            apply(chosen, order, enforcement);
        }
    };
    let on_order = move |ev| {
        if let Ok(chosen) = Order::parse(&event_target_value(&ev)) {
            apply(limit, chosen, enforcement);
        }
    };
    let on_enforcement = move |ev| {
        apply(
            limit,
            order,
            EnforcementStatus::parse(&event_target_value(&ev)),
        );
    };
    // A choice made before the island was live (its Apply button then leaves) is
    // applied as soon as it is.
    let (limit_select, order_select) = (NodeRef::<Select>::new(), NodeRef::<Select>::new());
    let enforcement_select = NodeRef::<Select>::new();
    Effect::new(move |_| {
        let (Some(shown_limit), Some(shown_order)) = (limit_select.get(), order_select.get())
        else {
            return;
        };
        let shown_limit = shown_limit.value().parse().unwrap_or(limit);
        let shown_order = Order::parse(&shown_order.value()).unwrap_or(order);
        let shown_enforcement = enforcement_select
            .get()
            .map_or(enforcement, |s| EnforcementStatus::parse(&s.value()));
        if (shown_limit, shown_order, shown_enforcement) != (limit, order, enforcement) {
            apply(shown_limit, shown_order, shown_enforcement);
        }
    });
    let mut sizes = PAGE_SIZES.to_vec();
    if !sizes.contains(&limit) {
        sizes.push(limit);
        sizes.sort_unstable();
    }
    let sizes = sizes
        .into_iter()
        .map(|n| view! { <option value=n.to_string() selected=n == limit>{n.to_string()}</option> })
        .collect_view();
    let orders = [(Order::Desc, "Newest first"), (Order::Asc, "Oldest first")]
        .into_iter()
        .map(|(o, label)| view! { <option value=o.as_str() selected=o == order>{label}</option> })
        .collect_view();
    view! {
        <form class="list-controls" method="get" action="/profiles">
            <div class="field">
                <label for="list-limit">"Page size"</label>
                <select id="list-limit" name="limit" autocomplete="off" node_ref=limit_select on:change=on_limit>{sizes}</select>
            </div>
            <div class="field">
                <label for="list-order">"Order"</label>
                <select id="list-order" name="order" autocomplete="off" node_ref=order_select on:change=on_order>{orders}</select>
            </div>
            {ga.then(|| {
                let statuses = std::iter::once(None)
                    .chain(EnforcementStatus::ALL.map(Some))
                    .map(|s| {
                        let (value, label) = s.map_or(("", "Any"), |s| (s.as_str(), s.as_str()));
                        view! { <option value=value selected=s == enforcement>{label}</option> }
                    })
                    .collect_view();
                view! {
                    <div class="field">
                        <label for="list-enforcement">"Enforcement"</label>
                        <select id="list-enforcement" name="enforcement" autocomplete="off" node_ref=enforcement_select
                            on:change=on_enforcement>{statuses}</select>
                    </div>
                }
            })}
            <button type="submit" class="secondary no-js">"Apply"</button>
        </form>
    }
}

/// Page sizes offered; any other valid size in the address is offered too.
const PAGE_SIZES: [u32; 3] = [20, 50, 100];

/// "Go to profile": opens a profile by id. The form sends `?goto=ID` with the list place
/// (the hidden fields, `children`), which the server answers with a redirect (`goto`)
/// or, for a bad id, with this page and the error next to the field. In the island the id
/// is checked as it is sent, so a bad one never leaves the page.
#[island]
fn GoToProfile(goto: Option<String>, children: Children) -> impl IntoView {
    let typed = RwSignal::new(goto.clone().unwrap_or_default());
    let checked = RwSignal::new(goto.is_some());
    let input = NodeRef::<leptos::html::Input>::new();
    adopt_shown_value(typed, move || input.get().map(|el| el.value()));
    let error = move || {
        let raw = typed.get();
        (checked.get())
            .then(|| ProfileId::parse(raw.trim()).err())
            .flatten()
            .map(|e| format!("Not a profile ID: {}.", e.message))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        checked.set(true);
        if ProfileId::parse(typed.get_untracked().trim()).is_err() {
            ev.prevent_default();
        }
    };
    view! {
        <form method="get" action="/profiles" class="goto" on:submit=submit>
            {children()}
            <div class="field">
                <label for="goto-id">"Go to profile"</label>
                <div class="inline">
                    <input id="goto-id" type="text" name=GOTO autocomplete="off" spellcheck="false" node_ref=input
                        placeholder="uprof_…"
                        value=goto
                        on:input=move |ev| {
                            typed.set(event_target_value(&ev));
                            checked.set(false);
                        }
                        aria-invalid=move || error().is_some().to_string()
                        aria-describedby="goto-error"/>
                    <button type="submit" class="secondary">"Open"</button>
                </div>
                <p class="field-error" id="goto-error" aria-live="polite">{error}</p>
            </div>
        </form>
    }
}

/// One page of the list, fetched as the page is rendered, with its pager; or the error,
/// with a link that tries the same address again.
#[component]
fn ProfileTable(location: ListLocation) -> impl IntoView {
    let retry = location.href();
    Suspend::new(async move {
        let page = list_profiles(
            location.limit.get(),
            location.order.as_str().to_owned(),
            location.current().map(|c| c.as_str().to_owned()),
            location.enforcement.map(|s| s.as_str().to_owned()),
        )
        .await;
        match page {
            Ok(page) => {
                let next = page
                    .next_page
                    .as_deref()
                    .and_then(|c| PageCursor::parse(c).ok())
                    .map(|c| location.next(c));
                view! {
                    <ProfileRows profiles=page.data location=location.clone() more=next.is_some()/>
                    <Pager location next/>
                }
                .into_any()
            }
            Err(error) => view! {
                <ErrorPanel error/>
                <p><a href=retry>"Try again"</a></p>
            }
            .into_any(),
        }
    })
}

/// `more`: another page follows. With GA's filter a page may hold fewer profiles than
/// asked for, or none, and still not be the last.
#[component]
fn ProfileRows(profiles: Vec<Profile>, location: ListLocation, more: bool) -> impl IntoView {
    if profiles.is_empty() && location.enforcement.is_some() {
        let text = if more {
            "No profile on this page of the list has that enforcement status. The API looks at one page's worth of profiles at a time: Next looks further."
        } else {
            "No more profiles with that enforcement status."
        };
        return view! { <div class="empty-state"><p>{text}</p></div> }.into_any();
    }
    if profiles.is_empty() {
        return view! {
            <div class="empty-state">
                <p>"No profiles yet."</p>
                {can(Permission::ProfilesWrite).then(|| view! {
                    <p><a href=new_href(&location) class="button primary">"New profile"</a></p>
                })}
            </div>
        }
        .into_any();
    }
    let now = now();
    let version = spoken();
    let href_of = row_hrefs(&location);
    let rows = profiles
        .into_iter()
        .map(|p| {
            let href = href_of(&p.id);
            let external_id = p.external_id().unwrap_or("—").to_owned();
            let kind = p.kind().to_owned();
            let standing = p.standing();
            let enforcement = p.enforcement_status.as_ref().map(|e| e.label().to_owned());
            view! {
                <tr>
                    <td><a href=href class="mono">{p.id.to_string()}</a></td>
                    <td>{p.name.unwrap_or_else(|| "—".into())}</td>
                    <td class="mono">{external_id}</td>
                    <td>{kind}</td>
                    <StandingCells version standing enforcement/>
                    <td><time datetime=rfc3339(p.created_at) title=utc(p.created_at)>{relative(p.created_at, now)}</time></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="profiles">
                <ProfileColumns version/>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Plain links: every page is an address the server renders. Past the cursors the
/// address keeps (`location::MAX_TRAIL`), the first page is offered instead of Previous.
#[component]
fn Pager(location: ListLocation, next: Option<ListLocation>) -> impl IntoView {
    let previous = location.previous();
    view! {
        <nav class="pager" aria-label="Pagination">
            {match previous {
                Some(p) => view! { <a href=p.href() class="button secondary">"Previous"</a> }.into_any(),
                None if location.page_number() > 1 => view! { <a href=location.first().href() class="button secondary">"First page"</a> }.into_any(),
                None => view! { <span class="button secondary" aria-disabled="true">"Previous"</span> }.into_any(),
            }}
            <span class="muted">{format!("Page {}", location.page_number())}</span>
            {match next {
                Some(n) => view! { <a href=n.href() class="button secondary">"Next"</a> }.into_any(),
                None => view! { <span class="button secondary" aria-disabled="true">"Next"</span> }.into_any(),
            }}
        </nav>
    }
}

//! The profile list, `/profiles`. The API only gives a forward cursor, so the page address
//! keeps the cursors of the last pages that led here (`trail`, see `location`): reload,
//! Back/Forward and a pasted link all land on the same page, and Previous is the same
//! trail minus one.

use crate::error::AppError;
use crate::profiles::columns::ProfileColumns;
use crate::profiles::goto::GOTO;
use crate::profiles::grants::GrantBadge;
use crate::profiles::links::{detail_href, new_href};
use crate::profiles::location::ListLocation;
use crate::profiles::model::{Order, PageCursor, PageSize, Profile, ProfileId};
use crate::profiles::search::page::SearchBox;
use crate::profiles::server::list_profiles;
use crate::timestamp::{relative, rfc3339, utc};
use crate::ui::browser::now;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn ProfileListPage() -> impl IntoView {
    let query = use_query_map();
    let location = Memo::new(move |_| query.with(|q| ListLocation::from_query(|k| q.get(k))));
    // Changes only when the address turns valid or invalid, so paging keeps one
    // `<Transition>` and the old rows stay visible while the next page loads.
    let address_errors = Memo::new(move |_| location.with(|l| l.as_ref().err().cloned()));
    let here = Memo::new(move |_| location.get().unwrap_or_default());
    let goto = Memo::new(move |_| query.with(|q| q.get(GOTO)));
    // The page only: the place it belongs to is in the address on both sides, so the
    // hydration data does not carry the cursors a second time.
    let page = Resource::new(
        move || location.get().ok(),
        |location| async move {
            let location = location.ok_or_else(|| AppError::invalid(Vec::new()))?;
            list_profiles(
                location.limit.get(),
                location.order.as_str().to_owned(),
                location.current().map(|c| c.as_str().to_owned()),
            )
            .await
        },
    );
    // No `<Transition>` around it: on the server a boundary walks its children once more
    // when its resources are in, which built all 100 rows twice per request. Without one,
    // the page is rendered once the resource is in (`SsrMode::Async`), and in the browser
    // a new page's rows replace the old ones when they arrive, as a transition would.
    let table = move || {
        view! {
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        // Read once the page is in, so both belong to the same address.
                        let location = here.get_untracked();
                        let next = page.next_page.as_deref().and_then(|c| PageCursor::parse(c).ok()).map(|c| location.next(c));
                        view! {
                            <ProfileTable profiles=page.data location=location.clone()/>
                            <Pager location next/>
                        }
                            .into_any()
                    }
                    Err(error) => view! {
                        <ErrorPanel error/>
                        // Without JavaScript the link loads the page again; with it,
                        // the same address would not reload, so the button refetches.
                        <p>
                            <a href=move || here.get().href() class="no-js">"Try again"</a>
                            <button type="button" class="secondary js-only" on:click=move |_| page.refetch()>"Try again"</button>
                        </p>
                    }
                        .into_any(),
                }
            })}
        }
    };

    view! {
        <PageTitle text="Profiles"/>
        <div class="page-header">
            <PageHeading text="Profiles"/>
            <A href=move || new_href(&here.get()) attr:class="button primary editor-only">"New profile"</A>
        </div>
        <SearchBox/>
        <div class="list-tools">
            <ListControls here/>
            <GoToProfile here goto/>
        </div>
        // A malformed address is answered at once, without any server call.
        {move || match address_errors.get() {
            None => table().into_any(),
            Some(errors) => view! {
                <ErrorPanel error=AppError::invalid(errors)/>
                <p><A href="/profiles">"Go to the first page"</A></p>
            }
                .into_any(),
        }}
    }
}

/// Page size and order: a GET form that works without JavaScript ("Apply"); once the
/// WASM runs, a change applies at once. Either starts again from the first page, because
/// cursors belong to one order.
#[component]
fn ListControls(here: Memo<ListLocation>) -> impl IntoView {
    let navigate = use_navigate();
    let apply = move |limit: Option<String>, order: Option<String>| {
        let current = here.get_untracked();
        let location = ListLocation {
            limit: limit
                .and_then(|l| l.parse().ok())
                .and_then(|l| PageSize::new(l).ok())
                .unwrap_or(current.limit),
            order: order
                .and_then(|o| Order::parse(&o).ok())
                .unwrap_or(current.order),
            ..ListLocation::default()
        };
        navigate(&location.href(), Default::default());
    };
    let on_limit = {
        let apply = apply.clone();
        move |ev| apply(Some(event_target_value(&ev)), None)
    };
    let on_order = move |ev| apply(None, Some(event_target_value(&ev)));
    let sizes = move || {
        let current = here.get().limit.get();
        let mut sizes = PAGE_SIZES.to_vec();
        if !sizes.contains(&current) {
            sizes.push(current);
            sizes.sort_unstable();
        }
        sizes
            .into_iter()
            .map(|n| view! { <option value=n.to_string() selected=n == current>{n.to_string()}</option> })
            .collect_view()
    };
    let orders = move || {
        let current = here.get().order;
        [(Order::Desc, "Newest first"), (Order::Asc, "Oldest first")]
            .into_iter()
            .map(|(o, label)| view! { <option value=o.as_str() selected=o == current>{label}</option> })
            .collect_view()
    };
    view! {
        <form class="list-controls" method="get" action="/profiles">
            <div class="field">
                <label for="list-limit">"Page size"</label>
                <select id="list-limit" name="limit" on:change=on_limit>{sizes}</select>
            </div>
            <div class="field">
                <label for="list-order">"Order"</label>
                <select id="list-order" name="order" on:change=on_order>{orders}</select>
            </div>
            <button type="submit" class="secondary no-js">"Apply"</button>
        </form>
    }
}

/// Page sizes offered; any other valid size in the address is offered too.
const PAGE_SIZES: [u32; 3] = [20, 50, 100];

/// "Go to profile": opens a profile by id. Without JavaScript it is a GET form whose
/// answer redirects (or shows the error), keeping the list place; with it, the id is
/// checked in place and a valid one opened directly.
#[component]
fn GoToProfile(here: Memo<ListLocation>, goto: Memo<Option<String>>) -> impl IntoView {
    let typed = RwSignal::new(goto.get_untracked().unwrap_or_default());
    let checked = RwSignal::new(goto.get_untracked().is_some());
    let error = move || {
        let raw = typed.get();
        (checked.get())
            .then(|| ProfileId::parse(raw.trim()).err())
            .flatten()
            .map(|e| format!("Not a profile ID: {}.", e.message))
    };
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        checked.set(true);
        if let Ok(id) = ProfileId::parse(typed.get_untracked().trim()) {
            navigate(
                &detail_href(&id, &here.get_untracked(), None),
                Default::default(),
            );
        }
    };
    let hidden = move || {
        here.get()
            .params()
            .into_iter()
            .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
            .collect_view()
    };
    view! {
        <form method="get" action="/profiles" class="goto" on:submit=submit>
            {hidden}
            <div class="field">
                <label for="goto-id">"Go to profile"</label>
                <div class="inline">
                    <input id="goto-id" type="text" name=GOTO autocomplete="off" spellcheck="false"
                        placeholder="uprof_…"
                        value=typed.get_untracked()
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

#[component]
fn ProfileTable(profiles: Vec<Profile>, location: ListLocation) -> impl IntoView {
    if profiles.is_empty() {
        return view! {
            <div class="empty-state">
                <p>"No profiles yet."</p>
                <p class="editor-only">
                    <A href=new_href(&location) attr:class="button primary">"New profile"</A>
                </p>
            </div>
        }
        .into_any();
    }
    let now = now();
    let rows = profiles
        .into_iter()
        .map(|p| {
            let href = detail_href(&p.id, &location, None);
            let grants = p
                .trust_grants
                .into_iter()
                .map(|(name, grant)| view! { <GrantBadge name grant/> })
                .collect_view();
            view! {
                <tr>
                    <td><A href=href attr:class="mono">{p.id.to_string()}</A></td>
                    <td>{p.name.unwrap_or_else(|| "—".into())}</td>
                    <td class="mono">{p.external_id.unwrap_or_else(|| "—".into())}</td>
                    <td>{p.relationship.label().to_owned()}</td>
                    <td><div class="grants">{grants}</div></td>
                    <td><time datetime=rfc3339(p.created_at) title=utc(p.created_at)>{relative(p.created_at, now)}</time></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="profiles">
                <ProfileColumns/>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Plain links, so paging works before and without the WASM. Past the cursors the
/// address keeps (`location::MAX_TRAIL`), the first page is offered instead of Previous.
#[component]
fn Pager(location: ListLocation, next: Option<ListLocation>) -> impl IntoView {
    let previous = location.previous();
    view! {
        <nav class="pager" aria-label="Pagination">
            {match previous {
                Some(p) => view! { <A href=p.href() attr:class="button secondary">"Previous"</A> }.into_any(),
                None if location.page_number() > 1 => view! { <A href=location.first().href() attr:class="button secondary">"First page"</A> }.into_any(),
                None => view! { <span class="button secondary" aria-disabled="true">"Previous"</span> }.into_any(),
            }}
            <span class="muted">{format!("Page {}", location.page_number())}</span>
            {match next {
                Some(n) => view! { <A href=n.href() attr:class="button secondary">"Next"</A> }.into_any(),
                None => view! { <span class="button secondary" aria-disabled="true">"Next"</span> }.into_any(),
            }}
        </nav>
    }
}

//! The profile list, `/profiles`. The API only gives a forward cursor, so the page address
//! keeps the whole stack of cursors that led here (`trail`): reload, Back/Forward and a
//! pasted link all land on the same page, and Previous is the same stack minus one.

use crate::error::AppError;
use crate::profiles::model::{FieldError, Order, PageCursor, PageSize, Profile};
use crate::profiles::server::list_profiles;
use crate::ui::badge::GrantBadge;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::format::{rfc3339, utc};
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Separates cursors in `trail`; cursors never contain it (see [`PageCursor`]).
const TRAIL_SEPARATOR: char = ',';

/// Where in the list the user is: page size, order, and the cursors walked so far.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ListLocation {
    pub limit: PageSize,
    pub order: Order,
    /// Cursors of the pages after the first, in the order they were reached.
    pub trail: Vec<PageCursor>,
}

impl ListLocation {
    /// Reads `limit`, `order` and `trail` from a page address's query.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let limit = match get("limit") {
            None => PageSize::DEFAULT,
            Some(raw) => raw
                .parse()
                .map_err(|_| FieldError::new("limit", "must be between 1 and 100"))
                .and_then(PageSize::new)
                .unwrap_or_else(|e| {
                    errors.push(e);
                    PageSize::DEFAULT
                }),
        };
        let order = get("order")
            .map(|raw| Order::parse(&raw))
            .transpose()
            .unwrap_or_else(|e| {
                errors.push(e);
                None
            })
            .unwrap_or_default();
        let trail = get("trail")
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.split(TRAIL_SEPARATOR)
                    .map(PageCursor::parse)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .unwrap_or_else(|e| {
                errors.push(FieldError::new("trail", e.message));
                None
            })
            .unwrap_or_default();
        if errors.is_empty() {
            Ok(Self {
                limit,
                order,
                trail,
            })
        } else {
            Err(errors)
        }
    }

    /// The cursor of the page shown; `None` on the first page.
    pub fn current(&self) -> Option<&PageCursor> {
        self.trail.last()
    }

    /// 1 for the first page.
    pub fn page_number(&self) -> usize {
        self.trail.len() + 1
    }

    pub fn next(&self, cursor: PageCursor) -> Self {
        let mut next = self.clone();
        next.trail.push(cursor);
        next
    }

    pub fn previous(&self) -> Option<Self> {
        let mut previous = self.clone();
        previous.trail.pop().map(|_| previous)
    }

    /// The address of this page; defaults are left out so the first page is `/profiles`.
    pub fn href(&self) -> String {
        let mut params = Vec::new();
        if self.limit != PageSize::DEFAULT {
            params.push(format!("limit={}", self.limit.get()));
        }
        if self.order != Order::default() {
            params.push(format!("order={}", self.order.as_str()));
        }
        if !self.trail.is_empty() {
            let trail: Vec<_> = self
                .trail
                .iter()
                .map(|c| c.as_str().replace('=', "%3D"))
                .collect();
            params.push(format!("trail={}", trail.join(",")));
        }
        if params.is_empty() {
            "/profiles".to_owned()
        } else {
            format!("/profiles?{}", params.join("&"))
        }
    }
}

#[component]
pub fn ProfileList() -> impl IntoView {
    let query = use_query_map();
    let location = Memo::new(move |_| query.with(|q| ListLocation::from_query(|k| q.get(k))));
    // Changes only when the address turns valid or invalid, so paging keeps one
    // `<Transition>` and the old rows stay visible while the next page loads.
    let address_errors = Memo::new(move |_| location.with(|l| l.as_ref().err().cloned()));
    let page = Resource::new(
        move || location.get().ok(),
        |location| async move {
            let location = location.ok_or_else(|| AppError::invalid(Vec::new()))?;
            let page = list_profiles(
                location.limit.get(),
                location.order.as_str().to_owned(),
                location.current().map(|c| c.as_str().to_owned()),
            )
            .await?;
            Ok::<_, AppError>((location, page))
        },
    );
    let table = move || {
        view! {
            <Transition fallback=|| view! { <p class="muted">"Loading profiles…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok((location, page)) => {
                            let next = page.next_page.as_deref().and_then(|c| PageCursor::parse(c).ok()).map(|c| location.next(c));
                            view! {
                                <ProfileTable profiles=page.data/>
                                <Pager location next/>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })}
            </Transition>
        }
    };

    view! {
        <PageTitle text="Profiles"/>
        <div class="page-header">
            <h1>"Profiles"</h1>
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

#[component]
fn ProfileTable(profiles: Vec<Profile>) -> impl IntoView {
    if profiles.is_empty() {
        return view! { <p class="empty-state">"No profiles yet."</p> }.into_any();
    }
    let rows = profiles
        .into_iter()
        .map(|p| {
            let href = format!("/profiles/{}", p.id);
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
                    <td><time datetime=rfc3339(p.created_at)>{utc(p.created_at)}</time></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="profiles">
                <thead>
                    <tr>
                        <th scope="col">"ID"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"External ID"</th>
                        <th scope="col">"Relationship"</th>
                        <th scope="col">"Trust grants"</th>
                        <th scope="col">"Created"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Plain links, so paging works before and without the WASM.
#[component]
fn Pager(location: ListLocation, next: Option<ListLocation>) -> impl IntoView {
    let previous = location.previous();
    view! {
        <nav class="pager" aria-label="Pagination">
            {match previous {
                Some(p) => view! { <A href=p.href() attr:class="button">"Previous"</A> }.into_any(),
                None => view! { <span class="button" aria-disabled="true">"Previous"</span> }.into_any(),
            }}
            <span class="muted">{format!("Page {}", location.page_number())}</span>
            {match next {
                Some(n) => view! { <A href=n.href() attr:class="button">"Next"</A> }.into_any(),
                None => view! { <span class="button" aria-disabled="true">"Next"</span> }.into_any(),
            }}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<ListLocation, Vec<FieldError>> {
        let map: HashMap<_, _> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ListLocation::from_query(|k| map.get(k).cloned())
    }

    fn cursor(s: &str) -> PageCursor {
        PageCursor::parse(s).unwrap()
    }

    #[test]
    fn the_first_page_has_a_bare_address() {
        let first = parse(&[]).unwrap();
        assert_eq!(first, ListLocation::default());
        assert_eq!(first.href(), "/profiles");
        assert_eq!(first.page_number(), 1);
        assert_eq!(first.previous(), None);
    }

    #[test]
    fn next_then_previous_walks_the_cursor_stack() {
        let first = parse(&[("limit", "50"), ("order", "asc")]).unwrap();
        let second = first.next(cursor("page_AAA"));
        let third = second.next(cursor("page_BB="));
        assert_eq!(third.current(), Some(&cursor("page_BB=")));
        assert_eq!(third.page_number(), 3);
        assert_eq!(
            third.href(),
            "/profiles?limit=50&order=asc&trail=page_AAA,page_BB%3D"
        );
        assert_eq!(third.previous(), Some(second.clone()));
        assert_eq!(second.previous(), Some(first));
    }

    #[test]
    fn an_address_round_trips() {
        let location = parse(&[("trail", "page_AAA,page_BB=")]).unwrap();
        assert_eq!(location.trail, vec![cursor("page_AAA"), cursor("page_BB=")]);
        let href = location.href();
        let query = href.split_once('?').unwrap().1.replace("%3D", "=");
        let pairs: Vec<(&str, &str)> = query
            .split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .collect();
        assert_eq!(parse(&pairs).unwrap(), location);
    }

    #[test]
    fn bad_addresses_name_every_bad_parameter() {
        let errors = parse(&[
            ("limit", "500"),
            ("order", "sideways"),
            ("trail", "ok,<script>"),
        ])
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "order", "trail"]);
        assert!(parse(&[("limit", "abc")]).is_err());
    }
}

//! The search page, `/profiles/search`, and the search box on the list page. Both are
//! plain GET forms: a search is an address, shareable and working without JavaScript. The
//! form shows what the address holds as it was typed, so a refused search keeps the
//! user's input, each problem next to its field.

use crate::error::{AppError, FieldError};
use crate::profiles::columns::{labels, ExportLinks, ProfileColumns, StandingCells};
use crate::profiles::links::detail_href;
use crate::profiles::location::ListLocation;
use crate::profiles::model::{
    reason_words, AccessType, EnforcementStatus, ProfileId, Relationship, REASONS,
};
use crate::profiles::search::query::{
    param, GrantFilter, SearchParams, SearchQuery, Sort, SEARCH_PATH,
};
use crate::profiles::search::results::{
    backlog_words, IndexStatus, SearchHit, SearchPage as Results,
};
use crate::profiles::search::server::{read_index_status, search_profiles, RefreshIndex};
use crate::profiles::spoken::spoken;
use crate::timestamp::{relative, rfc3339, utc};
use crate::ui::browser::now;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The accessible name of the search box, wherever it is.
const SEARCH_LABEL: &str = "Search all profiles";
const HINT: &str = "ID, external ID, name, or a metadata key or value";

/// The list page's search box: sends the text to the search page.
#[component]
pub fn SearchBox() -> impl IntoView {
    view! {
        <form method="get" action=SEARCH_PATH role="search" class="search-box">
            <div class="field">
                <label for="search-text">{SEARCH_LABEL}</label>
                <div class="inline">
                    <input id="search-text" type="search" name=param::TEXT autocomplete="off"
                        spellcheck="false" placeholder=HINT aria-describedby="search-text-hint"/>
                    <button type="submit" class="primary">"Search"</button>
                </div>
                <p class="hint" id="search-text-hint">"Searches the console's index of every profile, as of its last sync."</p>
            </div>
        </form>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let typed = Memo::new(move |_| query.with(|q| SearchParams::from_query(|name| q.get(name))));
    let parsed = Memo::new(move |_| typed.with(SearchParams::parse));
    let errors = Memo::new(move |_| parsed.with(|p| p.as_ref().err().cloned().unwrap_or_default()));
    let results = Resource::new(
        move || parsed.get().ok(),
        move |search| async move {
            let search = search.ok_or_else(|| AppError::invalid(Vec::new()))?;
            let page = search_profiles(typed.get_untracked()).await?;
            Ok::<_, AppError>((search, page))
        },
    );
    let status = Resource::new(|| (), |()| read_index_status());

    view! {
        <PageTitle text="Search profiles"/>
        <div class="page-header">
            <PageHeading text="Search profiles"/>
            <a href="/profiles" class="button secondary">"All profiles"</a>
        </div>
        <SearchForm typed errors/>
        <Suspense fallback=|| view! { <p class="muted">"Reading the index…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(status) => view! { <Freshness status/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
        {move || {
            let errors = errors.get();
            if errors.is_empty() {
                view! {
                    <Transition fallback=|| view! { <p class="muted">"Searching…"</p> }>
                        {move || Suspend::new(async move {
                            match results.await {
                                Ok((search, page)) => view! { <ResultList search page/> }.into_any(),
                                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                            }
                        })}
                    </Transition>
                }
                .into_any()
            } else {
                view! { <ErrorPanel error=AppError::invalid(errors)/> }.into_any()
            }
        }}
    }
}

fn message_for(errors: &[FieldError], field: &str) -> String {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the form's fields show, by their address names: the value as typed, the errors,
/// and whether the field is invalid (`aria-invalid`).
#[derive(Clone, Copy)]
struct Typed {
    typed: Memo<SearchParams>,
    errors: Memo<Vec<FieldError>>,
}

impl Typed {
    fn value(self, name: &'static str) -> impl Fn() -> String + Send + Sync + Copy {
        move || {
            self.typed
                .with(|t| t.get(name).unwrap_or_default().to_owned())
        }
    }

    fn error(self, name: &'static str) -> impl Fn() -> String + Send + Sync + Copy {
        move || self.errors.with(|e| message_for(e, name))
    }

    /// A select's options (value, label), the one the address names selected.
    fn options(
        self,
        name: &'static str,
        options: Vec<(String, String)>,
    ) -> impl Fn() -> Vec<AnyView> + Send + Sync {
        move || {
            let current = self.value(name)();
            options
                .iter()
                .map(|(v, label)| {
                    view! { <option value=v.clone() selected=current == *v>{label.clone()}</option> }
                        .into_any()
                })
                .collect()
        }
    }

    fn invalid(self, name: &'static str) -> impl Fn() -> String + Send + Sync + Copy {
        move || {
            self.errors
                .with(|e| !message_for(e, name).is_empty())
                .to_string()
        }
    }
}

/// The search text and the filters, filled from the address.
#[component]
fn SearchForm(typed: Memo<SearchParams>, errors: Memo<Vec<FieldError>>) -> impl IntoView {
    let fields = Typed { typed, errors };
    let (value, error, invalid) = (
        move |name| fields.value(name),
        move |name| fields.error(name),
        move |name| fields.invalid(name),
    );
    let sorts = fields.options(
        param::SORT,
        Sort::ALL
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .to_vec(),
    );
    view! {
        <form method="get" action=SEARCH_PATH role="search" class="search-form">
            <div class="field search-text">
                <label for="search-text">{SEARCH_LABEL}</label>
                <div class="inline">
                    <input id="search-text" type="search" name=param::TEXT autocomplete="off"
                        spellcheck="false" placeholder=HINT value=value(param::TEXT)
                        aria-invalid=invalid(param::TEXT) aria-describedby="search-text-error"/>
                    <button type="submit" class="primary">"Search"</button>
                </div>
                <p class="field-error" id="search-text-error" aria-live="polite">{error(param::TEXT)}</p>
            </div>
            <FilterFields typed errors>
                <div class="field">
                    <label for="search-sort">"Order"</label>
                    <select id="search-sort" name=param::SORT aria-invalid=invalid(param::SORT)
                        aria-describedby="search-sort-error">{sorts}</select>
                    <p class="field-error" id="search-sort-error">{error(param::SORT)}</p>
                </div>
            </FilterFields>
        </form>
    }
}

/// The search page's filters, filled from an address, each problem next to its field:
/// the search page's, and the review queue's (docs/review.md). `children` go last in the
/// fieldset.
#[component]
pub fn FilterFields(
    typed: Memo<SearchParams>,
    errors: Memo<Vec<FieldError>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let fields = Typed { typed, errors };
    let (value, error, invalid) = (
        move |name| fields.value(name),
        move |name| fields.error(name),
        move |name| fields.invalid(name),
    );
    let select = move |name: &'static str, options: Vec<(&'static str, &'static str)>| {
        let owned = options
            .into_iter()
            .map(|(v, label)| (v.to_owned(), label.to_owned()))
            .collect();
        fields.options(name, owned)
    };
    let version = spoken();
    let (kind_label, standing_label) = labels(version);
    // The index keeps a relationship or an access type in one place; the filter offers
    // what the version the console speaks calls it.
    let (kind_param, kinds): (&'static str, Vec<&'static str>) = if version.has_relationship() {
        (
            param::RELATIONSHIP,
            Relationship::ALL.map(Relationship::as_str).to_vec(),
        )
    } else {
        (
            param::ACCESS_TYPE,
            AccessType::ALL.map(AccessType::as_str).to_vec(),
        )
    };
    let kinds = std::iter::once(("", "Any"))
        .chain(kinds.into_iter().map(|k| (k, k)))
        .collect::<Vec<_>>();
    let enforcement = std::iter::once(("", "Any"))
        .chain(EnforcementStatus::ALL.map(|s| (s.as_str(), s.as_str())))
        .collect::<Vec<_>>();
    let grant_label = format!("{} status", standing_label.trim_end_matches('s'));
    let grants = std::iter::once(("", "Any"))
        .chain(GrantFilter::ALL.map(|g| (g.as_str(), g.label())))
        .collect::<Vec<_>>();
    let program_label = if version.has_relationship() {
        "Trust grant"
    } else {
        "Program"
    };
    // A reason the API may add later stays selectable when an address names it.
    let typed_reason =
        typed.with_untracked(|t| t.get(param::REASON).unwrap_or_default().to_owned());
    let unknown = (!typed_reason.is_empty() && !REASONS.contains(&typed_reason.as_str()))
        .then(|| (typed_reason.clone(), typed_reason));
    let reasons = fields.options(
        param::REASON,
        std::iter::once((String::new(), "Any".to_owned()))
            .chain(REASONS.map(|r| (r.to_owned(), reason_words(Some(r)))))
            .chain(unknown)
            .collect(),
    );
    view! {
        <fieldset class="filters">
            <legend>"Filters"</legend>
            <div class="field">
                <label for="search-kind">{kind_label}</label>
                <select id="search-kind" name=kind_param aria-invalid=invalid(kind_param)
                    aria-describedby="search-kind-error">{select(kind_param, kinds)}</select>
                <p class="field-error" id="search-kind-error">{error(kind_param)}</p>
            </div>
            {version.is_ga().then(|| view! {
                <div class="field">
                    <label for="search-enforcement">"Enforcement status"</label>
                    <select id="search-enforcement" name=param::ENFORCEMENT aria-invalid=invalid(param::ENFORCEMENT)
                        aria-describedby="search-enforcement-error">{select(param::ENFORCEMENT, enforcement)}</select>
                    <p class="field-error" id="search-enforcement-error">{error(param::ENFORCEMENT)}</p>
                </div>
            })}
            <div class="field">
                <label for="search-grant">{grant_label}</label>
                <select id="search-grant" name=param::GRANT aria-invalid=invalid(param::GRANT)
                    aria-describedby="search-grant-error">{select(param::GRANT, grants)}</select>
                <p class="field-error" id="search-grant-error">{error(param::GRANT)}</p>
            </div>
            <div class="field">
                <label for="search-program">{program_label}</label>
                <input id="search-program" type="text" name=param::PROGRAM autocomplete="off" spellcheck="false"
                    placeholder=if version.has_relationship() { "any" } else { "cyber, efs or any" }
                    value=value(param::PROGRAM)
                    aria-invalid=invalid(param::PROGRAM) aria-describedby="search-program-error"/>
                <p class="field-error" id="search-program-error">{error(param::PROGRAM)}</p>
            </div>
            {version.is_ga().then(|| view! {
                <div class="field">
                    <label for="search-reason">"Action reason"</label>
                    <select id="search-reason" name=param::REASON aria-invalid=invalid(param::REASON)
                        aria-describedby="search-reason-error">{reasons}</select>
                    <p class="field-error" id="search-reason-error">{error(param::REASON)}</p>
                </div>
            })}
            <div class="field">
                <label for="search-from">"Created from"</label>
                <input id="search-from" type="date" name=param::CREATED_FROM value=value(param::CREATED_FROM)
                    aria-invalid=invalid(param::CREATED_FROM) aria-describedby="search-from-error"/>
                <p class="field-error" id="search-from-error">{error(param::CREATED_FROM)}</p>
            </div>
            <div class="field">
                <label for="search-to">"Created to"</label>
                <input id="search-to" type="date" name=param::CREATED_TO value=value(param::CREATED_TO)
                    aria-invalid=invalid(param::CREATED_TO) aria-describedby="search-to-error"/>
                <p class="field-error" id="search-to-error">{error(param::CREATED_TO)}</p>
            </div>
            <div class="field">
                <label for="search-key">"Has metadata key"</label>
                <input id="search-key" type="text" name=param::HAS_KEY autocomplete="off" spellcheck="false"
                    value=value(param::HAS_KEY)
                    aria-invalid=invalid(param::HAS_KEY) aria-describedby="search-key-error"/>
                <p class="field-error" id="search-key-error">{error(param::HAS_KEY)}</p>
            </div>
            {children.map(|c| c())}
        </fieldset>
    }
}

/// How current the index is, in plain words; admins also see the last sync error and can
/// start a complete walk now.
#[component]
fn Freshness(status: IndexStatus) -> impl IntoView {
    let now = now();
    let when = |at: Option<time::OffsetDateTime>| match at {
        Some(at) => {
            view! { <time datetime=rfc3339(at) title=utc(at)>{relative(at, now)}</time> }.into_any()
        }
        None => view! { <span>"never"</span> }.into_any(),
    };
    let walk = status.walk.as_ref().map(|w| {
        let remaining = w
            .remaining_seconds
            .map(|s| format!(", about {} left", duration_words(s)))
            .unwrap_or_default();
        format!(
            "Sync running: {} pages, {} profiles so far, {:.0} profiles/s{remaining}.",
            w.pages, w.profiles, w.rate
        )
    });
    let waiting = match status.waiting_writes {
        0 => None,
        1 => Some(" 1 recent change is waiting to be written to the index; it is retried until it is in.".to_owned()),
        n => Some(format!(" {n} recent changes are waiting to be written to the index; they are retried until they are in.")),
    };
    let programs = status
        .programs_backlog
        .map(|n| format!(" {}", backlog_words(n)));
    let refresh = status.can_refresh.then(|| {
        let action = ServerAction::<RefreshIndex>::new();
        view! {
            <ActionForm action attr:class="inline-form">
                <button type="submit" class="secondary">"Refresh now"</button>
            </ActionForm>
        }
    });
    let error = status.last_error.clone().map(|message| {
        view! {
            <p class="sync-error" role="alert">
                "Last sync error (" {when(status.last_error_at)} "): " {message}
            </p>
        }
    });
    view! {
        <section class="freshness" aria-label="Index freshness">
            <p data-testid="freshness">
                "Results come from the console's index as of its last sync, not from the API live: "
                <strong>{format!("{} profiles indexed", status.indexed)}</strong>
                "; last complete sync " {when(status.last_complete_at)} ". "
                {walk}
                {waiting}
                {programs}
                {status.refresh_requested.then_some(" A refresh has been requested.")}
                " Opening a result shows the live profile."
            </p>
            {error}
            {refresh}
        </section>
    }
}

fn duration_words(seconds: u64) -> String {
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=3599 => format!("{} min", seconds.div_ceil(60)),
        _ => format!("{:.1} h", seconds as f64 / 3600.0),
    }
}

#[component]
fn ResultList(search: SearchQuery, page: Results) -> impl IntoView {
    // A short text's page that stopped early says so, and goes on from there.
    let looked = page.looked_through.map(|n| {
        let found = match page.hits.len() {
            0 => "none of them matches".to_owned(),
            1 => "1 matches".to_owned(),
            k => format!("{k} match"),
        };
        let next = page.next.clone().map(|n| search.next_page(n).href());
        view! {
            <p class="muted" role="status">
                {format!(
                    "Text under three characters cannot use the index, so a page looks through {n} profiles at most, in order: {found}. "
                )}
                {next.map(|href| view! { <a href=href>"Keep looking"</a> })}
            </p>
        }
    });
    if page.hits.is_empty() && looked.is_some() {
        return looked.into_any();
    }
    if page.hits.is_empty() {
        let message = if search.after.is_some() {
            "No more results."
        } else if search.is_empty() {
            "The index is empty: the first sync has not indexed any profile yet."
        } else {
            "No profile in the index matches this search."
        };
        return view! { <p class="empty-state" role="status">{message}</p> }.into_any();
    }
    let now = now();
    let rows = page
        .hits
        .into_iter()
        .map(|hit| view! { <HitRow hit now/> })
        .collect_view();
    let next = page.next.map(|n| search.next_page(n).href());
    let whole = search.first_page().href();
    let exports = page
        .can_export
        .then(|| view! { <ExportLinks href=whole path=SEARCH_PATH what="profiles"/> });
    let first = search.after.is_some().then(|| search.first_page().href());
    view! {
        {looked}
        <div class="table-wrap">
            <table class="profiles search-results">
                <ProfileColumns version=spoken() extra="Matched"/>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {exports}
        <nav class="pager" aria-label="Result pages">
            {match first {
                Some(href) => view! { <a href=href class="button secondary">"First page"</a> }.into_any(),
                None => view! { <span class="button secondary" aria-disabled="true">"First page"</span> }.into_any(),
            }}
            {match next {
                Some(href) => view! { <a href=href class="button secondary">"Next"</a> }.into_any(),
                None => view! { <span class="button secondary" aria-disabled="true">"Next"</span> }.into_any(),
            }}
        </nav>
    }
    .into_any()
}

#[component]
fn HitRow(hit: SearchHit, now: time::OffsetDateTime) -> impl IntoView {
    let link = match ProfileId::parse(&hit.id) {
        Ok(id) => view! { <a href=detail_href(&id, &ListLocation::default(), None) class="mono">{hit.id}</a> }.into_any(),
        Err(_) => view! { <span class="mono">{hit.id}</span> }.into_any(),
    };
    let version = spoken();
    let matched = hit.matched.map(|m| {
        view! {
            <span class="match-field">{m.field}": "</span>
            <span class="match">{m.before}<mark>{m.text}</mark>{m.after}</span>
        }
    });
    view! {
        <tr>
            <td>
                {link}
                {hit.exact.then(|| view! { <span class="badge exact">"exact match"</span> })}
            </td>
            <td>{hit.name.unwrap_or_else(|| "—".into())}</td>
            <td class="mono">{hit.external_id.unwrap_or_else(|| "—".into())}</td>
            <td>{hit.kind}</td>
            <StandingCells version standing=hit.standing enforcement=hit.enforcement note=version.is_ga().then(|| {
                match hit.programs_learned {
                    Some(at) => format!("as retrieved {}", relative(at, now)),
                    None => "as a list shows them: not yet retrieved".to_owned(),
                }
            })/>
            <td><time datetime=rfc3339(hit.created_at) title=utc(hit.created_at)>{relative(hit.created_at, now)}</time></td>
            <td class="matched">{matched}</td>
        </tr>
    }
}

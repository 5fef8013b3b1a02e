//! `/review`: the review queue. Each tab is a link with its count, a shareable address,
//! paged by keyset with a "Next" link; everything works without JavaScript. On *Can
//! clear now* an admin generates a row's enrollment link in place: a plain form post to
//! the page, whose answer shows the link once, in that row.

use crate::error::AppError;
use crate::profiles::columns::ExportLinks;
use crate::profiles::enrollment::UrlView;
use crate::profiles::form::handover::posted;
use crate::profiles::links::detail_href;
use crate::profiles::location::ListLocation;
use crate::profiles::model::{EnrollmentUrl, ProfileId};
use crate::profiles::search::page::FilterFields;
use crate::profiles::search::results::backlog_words;
use crate::review::follow_up::{field, FollowUpInput, MAX_NOTE};
use crate::review::server::{review_queue, QueuePage, ReviewRow, TabCount};
use crate::review::tabs::{param, ReviewParams, Tab, MAX_DAYS, REVIEW_PATH};
use crate::timestamp::ymd;
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// The posted field naming the row acted on.
pub const PROFILE_FIELD: &str = "profile";
/// The posted field saying which action: [`LINK`] or [`FOLLOW_UP`].
pub const INTENT_FIELD: &str = "intent";
pub const LINK: &str = "link";
pub const FOLLOW_UP: &str = "follow-up";

/// What a row's post comes back with, rendered in that row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedRow {
    pub id: String,
    pub answer: RowAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowAnswer {
    /// The link just generated, shown once, or why not.
    Link(Result<EnrollmentUrl, AppError>),
    /// A follow-up that was not saved: what was typed, and why.
    FollowUp {
        typed: FollowUpInput,
        error: AppError,
    },
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(|q| ReviewParams::from_query(|name| q.get(name))));
    let page = Resource::new(move || params.get(), review_queue);
    let minted = posted::<PostedRow>();
    view! {
        <PageTitle text="Review"/>
        <PageHeading text="Review"/>
        <QueueFilters params/>
        <Transition fallback=|| view! { <p class="muted">"Reading the queue…"</p> }>
            {move || {
                let minted = minted.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Queue page minted/> }.into_any(),
                        Err(AppError::Invalid { errors, .. }) => view! {
                            <ErrorPanel error=AppError::invalid(errors)/>
                            <p><a href=REVIEW_PATH>"Open the review queue"</a></p>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The search page's filters over the queue's tabs: a GET form keeping the tab, its
/// window and whether followed-up rows are hidden; open when a filter is set.
#[component]
fn QueueFilters(params: Memo<ReviewParams>) -> impl IntoView {
    let typed = Memo::new(move |_| params.with(|p| p.filters.clone()));
    let errors = Memo::new(move |_| params.with(|p| p.filters.parse().err().unwrap_or_default()));
    let given = params.with_untracked(|p| p.filters.clone()) != Default::default();
    let keep = params.with_untracked(|p| {
        [
            (param::TAB, p.tab.clone()),
            (param::DAYS, p.days.clone()),
            (param::UNTIL, p.until.clone()),
            (param::HIDE, p.hide.clone()),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect::<Vec<_>>()
    });
    let clear = format!("{REVIEW_PATH}?{}", crate::web::encode_query(&keep));
    let hidden = keep
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        <details class="queue-filters" open=given>
            <summary>"Filter the queue"</summary>
            <form method="get" action=REVIEW_PATH class="search-form">
                {hidden}
                <FilterFields typed errors/>
                <div class="inline">
                    <button type="submit" class="primary">"Apply filters"</button>
                    <a href=clear class="button secondary">"Clear filters"</a>
                </div>
            </form>
        </details>
    }
}

#[component]
fn Queue(page: QueuePage, minted: Option<PostedRow>) -> impl IntoView {
    let QueuePage {
        query,
        ga,
        tabs,
        rows,
        next,
        walked,
        programs_backlog,
        can_act,
        can_export,
    } = page;
    let tab_links = tabs
        .into_iter()
        .map(|TabCount { tab, count }| {
            let current = (tab == query.tab).then_some("page");
            view! {
                <a href=query.href(tab, None) aria-current=current>
                    {tab.label()} " " <span class="count">{count}</span>
                </a>
            }
        })
        .collect_view();
    let absent = (!ga).then(|| view! {
        <p class="muted">
            "This console speaks the 2026-03-24 beta, whose profiles carry trust grants and no enforcement: "
            "the tabs for restrictions, bans, expiry and clearing need GA's enforcement fields and are absent."
        </p>
    });
    let freshness = {
        let walked = walked.map_or_else(
            || "The index has not completed a walk yet.".to_owned(),
            |at| format!("Index last walked completely {}.", at.text),
        );
        let programs = programs_backlog.map(|n| format!(" {}", backlog_words(n)));
        format!("{walked}{}", programs.unwrap_or_default())
    };
    let window = query.tab.default_days().map(|_| {
        let label = match (query.tab, query.until) {
            (Tab::Expiring, _) => "Ending within (days)".to_owned(),
            (_, None) => "In the last (days)".to_owned(),
            (_, Some(until)) => format!("Days up to {}", ymd(until)),
        };
        let until = query.until.map(|until| view! {
            <input type="hidden" name=param::UNTIL value=ymd(until)/>
        });
        // The rest of the address, kept as the window changes.
        let kept = query
            .filters
            .pairs()
            .into_iter()
            .chain(query.hide.then(|| (param::HIDE, "1".to_owned())))
            .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
            .collect_view();
        view! {
            <form method="get" action=REVIEW_PATH class="inline review-window">
                <input type="hidden" name=param::TAB value=query.tab.as_str()/>
                {until}
                {kept}
                <div class="field">
                    <label for="review-days">{label}</label>
                    <input id="review-days" type="number" name=param::DAYS min="1" max=MAX_DAYS.to_string()
                        value=query.days.to_string()/>
                </div>
                <button type="submit" class="secondary">"Show"</button>
            </form>
        }
    });
    let when_heading = match query.tab {
        Tab::Waiting => "Waiting since",
        Tab::Expiring => "Expires",
        Tab::Changed => "Observed",
        Tab::Rejected => "",
        _ => "Opened",
    };
    let empty = rows.is_empty();
    let next_link = next.map(|after| view! {
        <nav class="pager" aria-label="Queue pages"><a href=query.href(query.tab, Some(&after))>"Next"</a></nav>
    });
    let first_link = query.after.is_some().then(|| {
        view! {
            <p><a href=query.href(query.tab, None)>"First page"</a></p>
        }
    });
    let action = query.href(query.tab, query.after.as_ref());
    let hide_control = if query.hide {
        view! {
            <p>"Rows marked followed up are hidden until their date passes or their status changes. "
                <a href=query.with_hidden(false)>"Show followed up"</a></p>
        }
        .into_any()
    } else {
        view! { <p><a href=query.with_hidden(true)>"Hide followed up"</a></p> }.into_any()
    };
    let tab = query.tab;
    let body = rows
        .into_iter()
        .map(|row| {
            let answer = minted
                .as_ref()
                .filter(|m| m.id == row.id.as_str())
                .map(|m| m.answer.clone());
            view! { <Row row tab can_act action=action.clone() answer/> }
        })
        .collect_view();
    view! {
        <nav class="review-tabs" aria-label="Review queue">{tab_links}</nav>
        {absent}
        <p class="muted freshness">{freshness}</p>
        <p>{query.tab.meaning(query.span())}</p>
        {window}
        {hide_control}
        {can_export.then(|| view! { <ExportLinks href=query.href(query.tab, None) path=REVIEW_PATH what="row"/> })}
        {if empty {
            view! { <p class="muted">"Nobody here."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                <table class="review">
                    <thead>
                        <tr>
                            <th scope="col">"Profile"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Detail"</th>
                            <th scope="col">{when_heading}</th>
                            <th scope="col">"Programs known"</th>
                            {(tab == Tab::CanClear).then(|| view! { <th scope="col">"Enrollment link"</th> })}
                            <th scope="col">"Follow-up"</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
                </div>
            }
            .into_any()
        }}
        {next_link}
        {first_link}
    }
}

#[component]
fn Row(
    row: ReviewRow,
    tab: Tab,
    can_act: bool,
    action: String,
    answer: Option<RowAnswer>,
) -> impl IntoView {
    let ReviewRow {
        id,
        name,
        external_id,
        status,
        detail,
        when,
        link,
        knowledge,
        follow_up,
    } = row;
    let (link_answer, follow_answer) = match answer {
        Some(RowAnswer::Link(answer)) => (Some(answer), None),
        Some(RowAnswer::FollowUp { typed, error }) => (None, Some((typed, error))),
        None => (None, None),
    };
    let href = detail_href(&id, &ListLocation::default(), None);
    let shown = name.unwrap_or_else(|| id.to_string());
    let link_cell = (tab == Tab::CanClear).then(|| {
        view! {
            <td>
                <p class="muted">{link}</p>
                {link_answer.map(|answer| match answer {
                    Ok(url) => view! { <UrlView url/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                })}
                {can_act.then(|| view! { <LinkForm id=id.clone() action=action.clone()/> })}
            </td>
        }
    });
    view! {
        <tr>
            <td>
                <a href=href>{shown}</a>
                <br/><span class="mono muted">{id.to_string()}</span>
                {external_id.map(|e| view! { <br/><span class="muted">"External ID "<span class="mono">{e}</span></span> })}
            </td>
            <td>{status}</td>
            <td>{detail}</td>
            <td>{when.map(|w| view! { <time datetime=w.datetime>{w.text}</time> })}</td>
            <td class="muted">{knowledge}</td>
            {link_cell}
            <td>
                {follow_up.map(|text| view! { <p class="follow-up">{text}</p> })}
                {can_act.then(|| view! { <FollowUpForm id=id.clone() action=action.clone() answer=follow_answer.clone()/> })}
            </td>
        </tr>
    }
}

#[component]
fn LinkForm(id: ProfileId, action: String) -> impl IntoView {
    view! {
        <form method="post" action=action>
            <input type="hidden" name=PROFILE_FIELD value=id.to_string()/>
            <input type="hidden" name=INTENT_FIELD value=LINK/>
            <button type="submit" class="primary">"Generate enrollment link"</button>
        </form>
    }
}

/// "Mark followed up": a note and an optional date; a refused post keeps what was typed,
/// each problem next to its field.
#[component]
fn FollowUpForm(
    id: ProfileId,
    action: String,
    answer: Option<(FollowUpInput, AppError)>,
) -> impl IntoView {
    let (typed, error) = answer.map_or((FollowUpInput::default(), None), |(t, e)| (t, Some(e)));
    let message = |name: &str| match &error {
        Some(AppError::Invalid { errors, .. }) => errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    let (note_error, due_error) = (message(field::NOTE), message(field::DUE));
    let other = error.filter(|e| !matches!(e, AppError::Invalid { .. }));
    let note_id = format!("note-{id}");
    let due_id = format!("due-{id}");
    view! {
        <form method="post" action=action class="follow-up-form">
            <input type="hidden" name=PROFILE_FIELD value=id.to_string()/>
            <input type="hidden" name=INTENT_FIELD value=FOLLOW_UP/>
            <div class="field">
                <label for=note_id.clone()>"Note"</label>
                <input id=note_id.clone() name=field::NOTE maxlength=MAX_NOTE.to_string() value=typed.note
                    aria-invalid=(!note_error.is_empty()).to_string() aria-describedby=format!("{note_id}-error")/>
                <p class="field-error" id=format!("{note_id}-error")>{note_error}</p>
            </div>
            <div class="field">
                <label for=due_id.clone()>"Follow up by"</label>
                <input id=due_id.clone() type="date" name=field::DUE value=typed.due
                    aria-invalid=(!due_error.is_empty()).to_string() aria-describedby=format!("{due_id}-error")/>
                <p class="field-error" id=format!("{due_id}-error")>{due_error}</p>
            </div>
            {other.map(|error| view! { <ErrorPanel error/> })}
            <button type="submit" class="secondary">"Mark followed up"</button>
        </form>
    }
}

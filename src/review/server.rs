//! The review queue's server function: one page of a tab, the count of every tab, and
//! how fresh what they rest on is, in words (docs/review.md).

#[cfg(feature = "ssr")]
use crate::auth::authorized::Authorized;
#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
use crate::profiles::model::ProfileId;
use crate::review::tabs::{After, ReviewParams, ReviewQuery, Tab};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows on one page of a tab.
pub const PAGE_ROWS: u32 = 50;

/// A tab and how many rows it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TabCount {
    pub tab: Tab,
    pub count: u64,
}

/// A time, as a `datetime` attribute and in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub datetime: String,
    pub text: String,
}

/// One row of a tab, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub id: ProfileId,
    pub name: Option<String>,
    pub external_id: Option<String>,
    /// The status that put the row in the tab, and what it is about.
    pub status: String,
    pub detail: String,
    /// Waiting since, expires, or observed: the tab's time.
    pub when: Option<Shown>,
    /// On *Can clear now*: when and by whom a link was last generated here.
    pub link: Option<String>,
    /// How old the programs the row rests on are.
    pub knowledge: String,
    /// "Followed up … by …: note", if an admin marked it.
    pub follow_up: Option<String>,
}

/// One page of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub query: ReviewQuery,
    pub ga: bool,
    pub tabs: Vec<TabCount>,
    pub rows: Vec<ReviewRow>,
    pub next: Option<After>,
    /// The index's last complete walk, and how many profiles' programs are unknown or
    /// stale.
    pub walked: Option<Shown>,
    pub programs_backlog: Option<u64>,
    /// The user may generate links and follow up from the queue (admins).
    pub can_act: bool,
    /// The user may download the tab (editors and admins).
    pub can_export: bool,
}

#[server(endpoint = "review/queue")]
pub async fn review_queue(params: ReviewParams) -> Result<QueuePage, AppError> {
    let user = Authorized::require(Permission::ProfilesRead).await?;
    let state = crate::profiles::service::state()?;
    let ga = state.upstream.version().is_ga();
    let query = params.parse(ga).map_err(AppError::invalid)?;
    let failed = |e: sqlx::Error| AppError::database("the review queue could not be read", &e);
    let index = &state.index;
    let (rows, more) = index
        .queue_page(
            query.tab,
            query.span(),
            query.after.as_ref(),
            query.hide,
            &query.filters,
            PAGE_ROWS,
        )
        .await
        .map_err(failed)?;
    let next = more.then(|| rows.last().map(|r| r.after.clone())).flatten();
    let spoken: Vec<Tab> = Tab::ALL.into_iter().filter(|t| t.speaks(ga)).collect();
    let days_of = |tab: Tab| {
        if query.tab == tab {
            query.days
        } else {
            tab.default_days().unwrap_or_default()
        }
    };
    let tabs = index
        .queue_counts(
            &spoken,
            days_of(Tab::Expiring),
            if query.tab == Tab::Changed {
                query.span()
            } else {
                days_of(Tab::Changed).into()
            },
            query.hide,
            &query.filters,
        )
        .await
        .map_err(failed)?
        .into_iter()
        .map(|(tab, count)| TabCount { tab, count })
        .collect();
    let sync = index.sync_state().await.map_err(failed)?;
    let now = time::OffsetDateTime::now_utc();
    let walked = sync
        .last_complete_at
        .as_deref()
        .and_then(crate::timestamp::parse)
        .map(|at| words::shown(at, now));
    let programs_backlog = if ga {
        Some(index.programs_backlog_shown().await.map_err(failed)?)
    } else {
        None
    };
    let rows = rows
        .iter()
        .filter_map(|row| words::row(query.tab, row, ga, now))
        .collect();
    Ok(QueuePage {
        can_act: user.user().may(Permission::ReviewAct),
        can_export: user.user().may(Permission::ProfilesExport),
        query,
        ga,
        tabs,
        rows,
        next,
        walked,
        programs_backlog,
    })
}

/// Rows in words (server only: the page is rendered there).
#[cfg(feature = "ssr")]
pub mod words {
    use super::{ReviewRow, Shown};
    use crate::index::queue::QueueRow;
    use crate::profiles::model::{action_words, Profile, ProfileId, Programs};
    use crate::profiles::timeline::words as timeline;
    use crate::review::follow_up::words as follow_up;
    use crate::review::tabs::Tab;
    use crate::timestamp::{parse, relative, rfc3339, utc};
    use time::OffsetDateTime;

    pub fn shown(at: OffsetDateTime, now: OffsetDateTime) -> Shown {
        Shown {
            datetime: rfc3339(at),
            text: format!("{} ({})", utc(at), relative(at, now)),
        }
    }

    fn stamp_shown(stamp: Option<&str>, now: OffsetDateTime) -> Option<Shown> {
        stamp.and_then(parse).map(|at| shown(at, now))
    }

    /// A row in words; `None` for a row whose JSON no longer reads as a profile (logged).
    pub fn row(tab: Tab, row: &QueueRow, ga: bool, now: OffsetDateTime) -> Option<ReviewRow> {
        let mut profile: Profile = match serde_json::from_str(&row.raw) {
            Ok(profile) => profile,
            Err(e) => {
                tracing::warn!(id = row.id, error = %e, "an indexed profile does not read; left out of the review queue");
                return None;
            }
        };
        let known: Option<Programs> = row
            .programs
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok());
        if !row.programs_at.is_empty() {
            profile.programs = known;
        }
        let enforcement = profile
            .enforcement_status
            .as_ref()
            .map(|s| s.label().to_owned())
            .unwrap_or_default();
        let actions = profile.enforcement_actions.clone().unwrap_or_default();
        let describe = |a: &crate::profiles::model::EnforcementAction| {
            action_words(
                format!("{} {}", a.kind.label(), a.id),
                a.reason.as_deref(),
                a.offers_verify(),
                a.expires_at,
            )
        };
        let pending: Vec<String> = profile
            .standing()
            .into_iter()
            .filter(|(_, s)| s == "pending")
            .map(|(name, _)| name)
            .collect();
        let rejected: Vec<String> = profile
            .standing()
            .into_iter()
            .filter(|(_, s)| s == "rejected")
            .map(|(name, _)| name)
            .collect();
        let (status, detail, when) = match tab {
            Tab::CanClear | Tab::Restricted | Tab::Banned | Tab::Expiring => (
                enforcement,
                actions.iter().map(describe).collect::<Vec<_>>().join("; "),
                if tab == Tab::Expiring {
                    stamp_shown(row.expires_at.as_deref(), now)
                } else {
                    actions
                        .iter()
                        .map(|a| a.opened_at)
                        .min()
                        .map(|at| shown(at, now))
                },
            ),
            Tab::Waiting => {
                let mut what = Vec::new();
                if enforcement == "pending" {
                    what.push("identity check under review".to_owned());
                }
                what.extend(pending.iter().map(|name| format!("{name} pending")));
                (
                    "waiting".to_owned(),
                    what.join(", "),
                    stamp_shown(row.waiting_since.as_deref(), now),
                )
            }
            Tab::Rejected => (
                "rejected".to_owned(),
                rejected
                    .iter()
                    .map(|name| format!("{name} rejected"))
                    .collect::<Vec<_>>()
                    .join(", "),
                None,
            ),
            Tab::Changed => {
                let change = row.change.as_ref()?;
                let entry = timeline::row(change);
                (
                    entry.what,
                    [
                        Some(entry.change),
                        entry.detail,
                        Some(format!("seen by {}", entry.how)),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("; "),
                    stamp_shown(Some(&change.observed_at), now),
                )
            }
        };
        let link = (tab == Tab::CanClear).then(|| {
            match (parse(&row.link_minted_at), &row.link_minted_by) {
                (Some(at), Some(by)) => {
                    format!("Link last generated {} by {by}", relative(at, now))
                }
                (Some(at), None) => format!("Link last generated {}", relative(at, now)),
                (None, _) => "No link generated from this console yet".to_owned(),
            }
        });
        let knowledge = if !ga {
            "Trust grants as of the index's last read".to_owned()
        } else {
            match parse(&row.programs_at) {
                Some(at) => format!("Programs as retrieved {}", relative(at, now)),
                None => "Programs not yet retrieved: as a list shows them".to_owned(),
            }
        };
        Some(ReviewRow {
            follow_up: row.follow_up.as_ref().map(|f| follow_up(f, now)),
            id: ProfileId::parse(&row.id).ok()?,
            external_id: profile.external_id().map(str::to_owned),
            name: profile.name.clone(),
            status,
            detail,
            when,
            link,
            knowledge,
        })
    }
}

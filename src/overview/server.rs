//! The overview's server function: every figure in words, each with the search or queue
//! address that lists the profiles it counts, and how fresh they are.

#[cfg(feature = "ssr")]
use crate::auth::authorized::Authorized;
#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::{AppError, FieldError};
use crate::review::server::Shown;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const OVERVIEW_PATH: &str = "/overview";
/// The address's name for how many weeks the weekly figures cover.
pub const WEEKS: &str = "weeks";
pub const DEFAULT_WEEKS: u32 = 12;
pub const MAX_WEEKS: u32 = 104;

/// The overview's address as it came.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewParams {
    pub weeks: Option<String>,
}

impl OverviewParams {
    /// The number of weeks asked for, or why it is refused.
    pub fn parse(&self) -> Result<u32, Vec<FieldError>> {
        match self
            .weeks
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            None => Ok(DEFAULT_WEEKS),
            Some(raw) => match raw.parse::<u32>() {
                Ok(weeks) if (1..=MAX_WEEKS).contains(&weeks) => Ok(weeks),
                _ => Err(vec![FieldError::new(
                    WEEKS,
                    format!("must be a whole number of weeks from 1 to {MAX_WEEKS}"),
                )]),
            },
        }
    }
}

/// One figure: what it counts, how many, and where they are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub count: u64,
    /// The search or queue view listing them; `None` where no view can (a value the
    /// console does not know).
    pub href: Option<String>,
    /// A shorter label for a chart's axis (a week's last day, `MM-DD`).
    pub tick: Option<String>,
}

/// Bars for categories; columns for weeks, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shape {
    Bars,
    Columns,
}

/// One section of the overview: a chart and its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The element id, and the name of the section.
    pub id: String,
    pub heading: String,
    /// Where its figures come from and how fresh they are.
    pub note: Option<String>,
    /// What the first column names.
    pub column: String,
    /// What the counts count.
    pub counted: String,
    pub shape: Shape,
    pub figures: Vec<Figure>,
}

/// The overview page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub weeks: u32,
    pub profiles: Figure,
    pub sections: Vec<Section>,
    /// The index's last complete walk; the profiles whose programs are not yet retrieved
    /// or stale (GA); when the figures were counted.
    pub walked: Option<Shown>,
    pub programs_backlog: Option<u64>,
    pub counted: Option<Shown>,
}

#[server(endpoint = "overview")]
pub async fn read_overview(params: OverviewParams) -> Result<Overview, AppError> {
    Authorized::require(Permission::ProfilesRead).await?;
    let weeks = params.parse().map_err(AppError::invalid)?;
    let state = crate::profiles::service::state()?;
    let ga = state.upstream.version().is_ga();
    let failed = |e: sqlx::Error| AppError::database("the overview could not be read", &e);
    let now = time::OffsetDateTime::now_utc();
    let figures = state
        .index
        .overview(weeks, now.date())
        .await
        .map_err(failed)?;
    let sync = state.index.sync_state().await.map_err(failed)?;
    let shown = |stamp: &str| {
        crate::timestamp::parse(stamp).map(|at| crate::review::server::words::shown(at, now))
    };
    let programs_backlog = if ga {
        Some(state.index.programs_backlog_shown().await.map_err(failed)?)
    } else {
        None
    };
    Ok(Overview {
        weeks,
        profiles: Figure {
            label: "Profiles".to_owned(),
            count: figures.profiles,
            href: Some(crate::profiles::search::query::SEARCH_PATH.to_owned()),
            tick: None,
        },
        sections: words::sections(&figures, ga, programs_backlog),
        walked: sync.last_complete_at.as_deref().and_then(shown),
        programs_backlog,
        counted: shown(&figures.counted_at),
    })
}

/// The figures in words, with their links (server only: the page is rendered there).
#[cfg(feature = "ssr")]
pub mod words {
    use super::{Figure, Section, Shape};
    use crate::index::figures::{Figures, Tally, Week};
    use crate::index::overview::{changed_in_week, created_in_week};
    use crate::profiles::model::{reason_words, AccessType, EnforcementStatus, Relationship};
    use crate::profiles::search::query::{GrantFilter, SearchQuery};
    use crate::profiles::search::results::backlog_words;
    use crate::review::tabs::{ReviewQuery, Tab};
    use crate::timestamp::ymd;

    fn search(query: SearchQuery) -> String {
        query.href()
    }

    fn week_label(week: &Week) -> String {
        let first = week
            .last
            .checked_sub(time::Duration::days(6))
            .unwrap_or(week.last);
        format!("{} to {}", ymd(first), ymd(week.last))
    }

    /// A week on a chart's axis: its last day, `MM-DD`.
    fn tick(week: &Week) -> String {
        ymd(week.last).get(5..).unwrap_or_default().to_owned()
    }

    /// Every section the version's data supports, in the order an admin reads them.
    pub fn sections(figures: &Figures, ga: bool, backlog: Option<u64>) -> Vec<Section> {
        let mut sections = Vec::new();
        let section = |id: &str, heading: &str, column: &str, shape, figures| Section {
            id: id.to_owned(),
            heading: heading.to_owned(),
            note: None,
            column: column.to_owned(),
            counted: "Profiles".to_owned(),
            shape,
            figures,
        };
        let kind = |t: &Tally<String>| {
            let query = if ga {
                AccessType::parse(&t.key)
                    .ok()
                    .map(|access_type| SearchQuery {
                        access_type: Some(access_type),
                        ..SearchQuery::default()
                    })
            } else {
                Relationship::parse(&t.key)
                    .ok()
                    .map(|relationship| SearchQuery {
                        relationship: Some(relationship),
                        ..SearchQuery::default()
                    })
            };
            Figure {
                label: if t.key.is_empty() {
                    "(none)".to_owned()
                } else {
                    t.key.clone()
                },
                count: t.count,
                href: query.map(search),
                tick: None,
            }
        };
        let kind_words = if ga { "access type" } else { "relationship" };
        sections.push(section(
            "by-kind",
            &format!("By {kind_words}"),
            if ga { "Access type" } else { "Relationship" },
            Shape::Bars,
            figures.by_kind.iter().map(kind).collect(),
        ));
        let programs = figures
            .by_program
            .iter()
            .map(|t| {
                let (name, status) = &t.key;
                let grant = GrantFilter::ALL
                    .into_iter()
                    .find(|g| matches!(g, GrantFilter::Status(s) if s.as_str() == status));
                Figure {
                    label: format!("{name}: {status}"),
                    count: t.count,
                    href: grant.map(|grant| {
                        search(SearchQuery {
                            grant: Some(grant),
                            program: Some(name.clone()),
                            ..SearchQuery::default()
                        })
                    }),
                    tick: None,
                }
            })
            .collect();
        let mut by_program = section(
            "by-program",
            if ga {
                "Programs by status"
            } else {
                "Trust grants by status"
            },
            if ga {
                "Program: status"
            } else {
                "Trust grant: status"
            },
            Shape::Bars,
            programs,
        );
        by_program.note = Some(match backlog {
            Some(n) => format!("As last retrieved. {}", backlog_words(n)),
            None => "As the index last read them.".to_owned(),
        });
        sections.push(by_program);
        if ga {
            let enforcement = figures
                .by_enforcement
                .iter()
                .map(|t| Figure {
                    label: t.key.clone().unwrap_or_else(|| "not reported".to_owned()),
                    count: t.count,
                    href: t
                        .key
                        .as_deref()
                        .and_then(EnforcementStatus::parse)
                        .map(|status| {
                            search(SearchQuery {
                                enforcement: Some(status),
                                ..SearchQuery::default()
                            })
                        }),
                    tick: None,
                })
                .collect();
            sections.push(section(
                "by-enforcement",
                "By enforcement status",
                "Enforcement status",
                Shape::Bars,
                enforcement,
            ));
            let reasons = figures
                .by_reason
                .iter()
                .map(|t| Figure {
                    label: reason_words(Some(&t.key)),
                    count: t.count,
                    href: Some(search(SearchQuery {
                        reason: Some(t.key.clone()),
                        ..SearchQuery::default()
                    })),
                    tick: None,
                })
                .collect();
            let mut by_reason = section(
                "by-reason",
                "Open enforcement actions by reason",
                "Reason",
                Shape::Bars,
                reasons,
            );
            by_reason.note =
                Some("A profile with open actions of two reasons counts under each.".to_owned());
            sections.push(by_reason);
        }
        sections.push(section(
            "created",
            "Profiles created per week",
            "Week (UTC)",
            Shape::Columns,
            figures
                .created
                .iter()
                .map(|w| Figure {
                    label: week_label(w),
                    count: w.count,
                    href: Some(search(created_in_week(w.last))),
                    tick: Some(tick(w)),
                })
                .collect(),
        ));
        let changes_query = |last| ReviewQuery {
            tab: Tab::Changed,
            after: None,
            days: changed_in_week(last).days,
            hide: false,
            until: changed_in_week(last).until,
            filters: SearchQuery::default(),
        };
        let mut changes = section(
            "changes",
            "Status changes per week",
            "Week (UTC)",
            Shape::Columns,
            figures
                .changes
                .iter()
                .map(|w| Figure {
                    label: week_label(w),
                    count: w.count,
                    href: Some(changes_query(w.last).href(Tab::Changed, None)),
                    tick: Some(tick(w)),
                })
                .collect(),
        );
        changes.counted = "Changes".to_owned();
        changes.note = Some(
            "As the index observed them: a profile's first sighting is not a change.".to_owned(),
        );
        sections.push(changes);
        let mut keys = section(
            "metadata-keys",
            "Most used metadata keys",
            "Metadata key",
            Shape::Bars,
            figures
                .top_keys
                .iter()
                .map(|t| Figure {
                    label: t.key.clone(),
                    count: t.count,
                    href: Some(search(SearchQuery {
                        has_key: Some(t.key.clone()),
                        ..SearchQuery::default()
                    })),
                    tick: None,
                })
                .collect(),
        );
        keys.note = Some(format!(
            "The {} keys most profiles hold.",
            crate::index::overview::TOP_KEYS
        ));
        sections.push(keys);
        sections
    }
}

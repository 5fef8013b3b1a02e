//! The review queue in the index (docs/review.md, "The queue"): the columns each tab
//! reads, worked out when a profile is written, and one keyset query per tab and page,
//! each a range of one database index, so a page and its counts never scan every row.

use super::counts::{Counts, Window};
use super::store::Index;
use super::timeline::TimelineEntry;
use crate::db::Statement;
use crate::profiles::search::query::SearchQuery;
use crate::review::tabs::{After, Span, Tab};
use crate::timestamp::{day_stamp, stamp, ymd};
use sqlx::Row;
use time::OffsetDateTime;

/// One row of a tab, as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub id: String,
    /// The profile as last received, with its programs as known.
    pub raw: String,
    pub programs: Option<String>,
    pub programs_at: String,
    pub waiting_since: Option<String>,
    pub expires_at: Option<String>,
    pub link_minted_at: String,
    pub link_minted_by: Option<String>,
    /// On *Changed recently*: the change.
    pub change: Option<TimelineEntry>,
    /// The row's follow-up, if an admin marked it.
    pub follow_up: Option<FollowUpRecord>,
    /// Where the next page starts, if this row is a page's last.
    pub after: After,
}

/// A row an admin marked followed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRecord {
    pub note: String,
    /// `YYYY-MM-DD`: look again by then.
    pub due: Option<String>,
    pub by: String,
    /// A stamp.
    pub at: String,
}

const PROFILE_COLUMNS: &str = "p.id, p.raw, p.programs, p.programs_at, p.waiting_since, \
     p.expires_at, p.link_minted_at, p.link_minted_by, f.note AS follow_note, \
     f.due AS follow_due, f.by_account AS follow_by, f.at AS follow_at";

/// The profiles of a tab, with their follow-ups.
const PROFILES: &str = "indexed_profiles p LEFT JOIN review_follow_ups f ON f.profile_id = p.id";
/// The changes of *Changed recently*, with their profiles and follow-ups.
const CHANGES: &str = "status_changes c JOIN indexed_profiles p ON p.id = c.profile_id \
     LEFT JOIN review_follow_ups f ON f.profile_id = p.id";

/// A followed-up row stays hidden (when asked) while its date has not passed, or it has
/// none, and no status of the profile changed since it was marked. `{today}` is today's
/// date as `YYYY-MM-DD`.
fn hidden_unless_due(today: &str) -> String {
    format!(
        " AND NOT (f.profile_id IS NOT NULL AND (f.due IS NULL OR f.due >= {today}) \
         AND (p.status_changed_at IS NULL OR p.status_changed_at <= f.at))"
    )
}

fn follow_up_row(row: &sqlx::any::AnyRow) -> Result<FollowUpRecord, sqlx::Error> {
    Ok(FollowUpRecord {
        note: row.try_get("note")?,
        due: row.try_get("due")?,
        by: row.try_get("by_account")?,
        at: row.try_get("at")?,
    })
}

fn today() -> String {
    ymd(OffsetDateTime::now_utc().date())
}

impl Index {
    /// A tab's condition over `indexed_profiles p` (and `status_changes c`), and the
    /// column it is ordered by before the id, if any. `{start}` and `{end}` are the
    /// window's bounds.
    fn tab_sql(tab: Tab) -> (&'static str, Option<&'static str>) {
        match tab {
            Tab::CanClear => ("p.can_clear = 1", Some("p.link_minted_at")),
            Tab::Waiting => ("p.waiting_since IS NOT NULL", Some("p.waiting_since")),
            Tab::Restricted => ("p.enforcement_status = 'restricted'", None),
            Tab::Banned => ("p.enforcement_status = 'banned'", None),
            Tab::Rejected => ("p.rejected = 1", None),
            Tab::Expiring => (
                "p.expires_at IS NOT NULL AND p.expires_at <= {end}",
                Some("p.expires_at"),
            ),
            Tab::Changed => (
                "c.observed_at >= {start} AND c.observed_at < {end}",
                Some("c.observed_at"),
            ),
        }
    }

    /// The bounds of a tab's window, as stamps: `days` ahead of now for *Expiring soon*;
    /// for *Changed recently*, `days` back from now or from the end of its last day.
    fn window(tab: Tab, span: Span) -> (String, String) {
        let length = time::Duration::days(i64::from(span.days));
        let now = OffsetDateTime::now_utc();
        if tab != Tab::Changed {
            return (stamp(now), stamp(now + length));
        }
        let end = span.until.and_then(time::Date::next_day);
        let start = end.map_or(now, |day| day.midnight().assume_utc()) - length;
        (
            stamp(start),
            end.map_or_else(|| "9999".to_owned(), day_stamp),
        )
    }

    /// What a tab covers, as `FROM … WHERE …` over `p` (and `c` on *Changed recently*):
    /// its condition, its window's bounds, the search page's filters (profiles gone left
    /// out), and followed-up rows when hidden. The one place the page, the counts, an
    /// export's keys and the overview's weeks read it from.
    fn tab_scope(
        tab: Tab,
        span: Span,
        hide_followed_up: bool,
        filters: &SearchQuery,
        sql: &mut Statement,
    ) -> String {
        let (condition, _) = Self::tab_sql(tab);
        let (start, end) = Self::window(tab, span);
        let mut condition = condition.to_owned();
        for (name, bound) in [("{start}", start), ("{end}", end)] {
            if condition.contains(name) {
                condition = condition.replace(name, &sql.text(bound));
            }
        }
        let from = if tab == Tab::Changed {
            CHANGES
        } else {
            PROFILES
        };
        let hidden = if hide_followed_up {
            hidden_unless_due(&sql.text(today()))
        } else {
            String::new()
        };
        let filters = Self::filters(sql, filters);
        format!("FROM {from} WHERE ({condition}) AND {filters}{hidden}")
    }

    /// One page of a tab: up to `limit` rows after `after`, and whether there are more.
    pub async fn queue_page(
        &self,
        tab: Tab,
        span: impl Into<Span>,
        after: Option<&After>,
        hide_followed_up: bool,
        filters: &SearchQuery,
        limit: u32,
    ) -> Result<(Vec<QueueRow>, bool), sqlx::Error> {
        let (_, key) = Self::tab_sql(tab);
        let mut sql = Statement::new();
        let scope = Self::tab_scope(tab, span.into(), hide_followed_up, filters, &mut sql);
        let (id, order) = if tab == Tab::Changed {
            ("c.id", "DESC")
        } else {
            ("p.id", "ASC")
        };
        let op = if order == "DESC" { "<" } else { ">" };
        let keyset = match (after, key) {
            (None, _) => String::new(),
            (Some(a), Some(key)) => {
                let (k, i) = (sql.text(a.key.clone()), sql.text(a.id.clone()));
                format!(" AND ({key} {op} {k} OR ({key} = {k} AND {id} {op} {i}))")
            }
            (Some(a), None) => format!(" AND {id} {op} {}", sql.text(a.id.clone())),
        };
        let (sort_key, order_by) = match key {
            Some(key) => (key, format!("{key} {order}, {id} {order}")),
            None => ("''", format!("{id} {order}")),
        };
        let change_columns = if tab == Tab::Changed {
            ", c.id AS change_id, c.subject, c.old_status, c.new_status, c.detail, \
             c.observed_at, c.how, c.event_at"
        } else {
            ""
        };
        sql.sql = format!(
            "SELECT {PROFILE_COLUMNS}{change_columns}, {sort_key} AS sort_key {scope}{keyset} \
             ORDER BY {order_by} LIMIT {}",
            limit + 1
        );
        let rows = sqlx::query_with(&sql.sql, sql.args)
            .fetch_all(&self.pool)
            .await?;
        let more = rows.len() > limit as usize;
        let rows = rows
            .into_iter()
            .take(limit as usize)
            .map(|row| {
                let change = if tab == Tab::Changed {
                    Some(TimelineEntry::from_row(&row)?)
                } else {
                    None
                };
                let id: String = row.try_get("id")?;
                let follow_up = match row.try_get::<Option<String>, _>("follow_note")? {
                    Some(note) => Some(FollowUpRecord {
                        note,
                        due: row.try_get("follow_due")?,
                        by: row.try_get("follow_by")?,
                        at: row.try_get("follow_at")?,
                    }),
                    None => None,
                };
                let after = After {
                    key: row
                        .try_get::<Option<String>, _>("sort_key")?
                        .unwrap_or_default(),
                    id: if tab == Tab::Changed {
                        row.try_get("change_id")?
                    } else {
                        id.clone()
                    },
                };
                Ok(QueueRow {
                    id,
                    raw: row.try_get("raw")?,
                    programs: row.try_get("programs")?,
                    programs_at: row.try_get("programs_at")?,
                    waiting_since: row.try_get("waiting_since")?,
                    expires_at: row.try_get("expires_at")?,
                    link_minted_at: row.try_get("link_minted_at")?,
                    link_minted_by: row.try_get("link_minted_by")?,
                    change,
                    follow_up,
                    after,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok((rows, more))
    }

    /// How many rows each of `tabs` holds, with the windows given; each a count down
    /// one index range. Kept 10 seconds (or [`Index::with_counts_ttl`]); past that,
    /// the kept counts are answered at once and counted again in the background, so
    /// only the first page view after a start (or after an admin's action on the queue)
    /// waits for counting.
    pub async fn queue_counts(
        &self,
        tabs: &[Tab],
        expiring_days: u32,
        changed: impl Into<Span>,
        hide_followed_up: bool,
        filters: &SearchQuery,
    ) -> Result<Counts, sqlx::Error> {
        let window = (expiring_days, changed.into(), hide_followed_up);
        let (tabs, filters) = (tabs.to_vec(), filters.clone());
        self.kept(
            |cache| &mut cache.tabs,
            (tabs.clone(), window, filters.href()),
            move |index| async move { index.count_tabs(&tabs, window, &filters).await },
        )
        .await
    }

    async fn count_tabs(
        &self,
        tabs: &[Tab],
        window: Window,
        filters: &SearchQuery,
    ) -> Result<Counts, sqlx::Error> {
        let (expiring_days, changed_days, hide_followed_up) = window;
        let mut counts = Vec::with_capacity(tabs.len());
        for &tab in tabs {
            let span = if tab == Tab::Changed {
                changed_days
            } else {
                expiring_days.into()
            };
            counts.push((
                tab,
                self.count_tab(tab, span, hide_followed_up, filters).await?,
            ));
        }
        Ok(counts)
    }

    /// How many rows one tab holds: a count down its index range. The queue's counts and
    /// the overview's changes per week.
    pub(super) async fn count_tab(
        &self,
        tab: Tab,
        span: Span,
        hide_followed_up: bool,
        filters: &SearchQuery,
    ) -> Result<u64, sqlx::Error> {
        let mut sql = Statement::new();
        let scope = Self::tab_scope(tab, span, hide_followed_up, filters, &mut sql);
        sql.sql = format!("SELECT COUNT(*) {scope}");
        self.count_of(sql).await
    }

    /// Marks `id` followed up by `by`, with a note and a date to look again by; the
    /// follow-up it replaces, for the audit trail's old values.
    pub async fn follow_up(
        &self,
        id: &str,
        note: &str,
        due: Option<&str>,
        by: &str,
    ) -> Result<Option<FollowUpRecord>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let before = sqlx::query(
            "SELECT note, due, by_account, at FROM review_follow_ups WHERE profile_id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| follow_up_row(&row))
        .transpose()?;
        sqlx::query(
            "INSERT INTO review_follow_ups (profile_id, note, due, by_account, at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (profile_id) DO UPDATE SET \
             note = excluded.note, due = excluded.due, by_account = excluded.by_account, \
             at = excluded.at",
        )
        .bind(id)
        .bind(note)
        .bind(due)
        .bind(by)
        .bind(stamp(OffsetDateTime::now_utc()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_counts();
        Ok(before)
    }

    /// A profile's follow-up, if an admin marked one.
    pub async fn follow_up_of(&self, id: &str) -> Result<Option<FollowUpRecord>, sqlx::Error> {
        sqlx::query("SELECT note, due, by_account, at FROM review_follow_ups WHERE profile_id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| follow_up_row(&row))
            .transpose()
    }

    /// The metadata keys of the profiles on a tab, A to Z, at most `limit`: an export's
    /// columns, found by the database.
    pub async fn queue_keys(
        &self,
        tab: Tab,
        span: Span,
        hide_followed_up: bool,
        filters: &SearchQuery,
        limit: usize,
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut sql = Statement::new();
        let scope = Self::tab_scope(tab, span, hide_followed_up, filters, &mut sql);
        sql.sql = format!(
            "SELECT DISTINCT k.meta_key FROM indexed_metadata_keys k WHERE k.profile_id IN \
             (SELECT p.id {scope}) ORDER BY k.meta_key LIMIT {}",
            sql.int(i64::try_from(limit).unwrap_or(i64::MAX))
        );
        sqlx::query_scalar_with(&sql.sql, sql.args)
            .fetch_all(&self.pool)
            .await
    }

    /// Forgets the kept counts of the queue and the overview, after a change the user
    /// should see at once.
    pub(super) fn forget_counts(&self) {
        let mut counts = self.lock_counts();
        counts.tabs.values.clear();
        counts.overview.values.clear();
    }

    /// Records that an enrollment link (or action URL) was minted for `id` by `account`,
    /// for *Can clear now*: when and by whom, never the link.
    pub async fn link_minted(&self, id: &str, account: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE indexed_profiles SET link_minted_at = $1, link_minted_by = $2 WHERE id = $3",
        )
        .bind(stamp(OffsetDateTime::now_utc()))
        .bind(account)
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.forget_counts();
        Ok(())
    }
}

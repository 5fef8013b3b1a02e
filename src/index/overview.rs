//! The overview's figures (docs/review.md, "The overview"): each a grouped count over
//! the index (the side tables alone, which hold no rows of profiles gone, and the
//! profiles still there down indexes of those alone: `migrations/0008_live_counts.sql`), or per week a count down one database index, counted together and kept a
//! few seconds (`kept.rs`), so a page view does not count every row. The weekly counts
//! use the very conditions their links list: search's created-on filter and the queue's
//! *Changed recently* window.

use super::figures::{week_ends, Figures, Tally, Week};
use super::store::Index;
use crate::db::Statement;
use crate::profiles::search::query::SearchQuery;
use crate::review::tabs::{Span, Tab};
use crate::timestamp::stamp;
use sqlx::Row;
use std::sync::Arc;
use time::{Date, OffsetDateTime};

/// How many metadata keys the overview names.
pub const TOP_KEYS: u32 = 10;

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<u64, sqlx::Error> {
    Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or_default())
}

impl Index {
    /// The figures over `weeks` weeks ending on `today`, as kept or counted now.
    pub async fn overview(&self, weeks: u32, today: Date) -> Result<Arc<Figures>, sqlx::Error> {
        self.kept(
            |cache| &mut cache.overview,
            (weeks, today),
            move |index| async move { index.count_overview(weeks, today).await.map(Arc::new) },
        )
        .await
    }

    async fn count_overview(&self, weeks: u32, today: Date) -> Result<Figures, sqlx::Error> {
        let counted_at = stamp(OffsetDateTime::now_utc());
        let live = "FROM indexed_profiles p WHERE p.gone_at IS NULL";
        let profiles = count(
            &sqlx::query(&format!("SELECT COUNT(*) AS n {live}"))
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        let by_kind = self
            .keyed(&format!(
                "SELECT p.relationship AS k, COUNT(*) AS n {live} GROUP BY p.relationship \
                 ORDER BY n DESC, k"
            ))
            .await?;
        let by_program = self
            .tallies(
                "SELECT g.grant_name AS k, g.status AS s, COUNT(*) AS n FROM indexed_grants g \
                 GROUP BY g.grant_name, g.status ORDER BY k, n DESC, s",
            )
            .await?
            .into_iter()
            .map(|(row, n)| {
                Ok(Tally {
                    key: (row.try_get("k")?, row.try_get("s")?),
                    count: n,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        let by_enforcement = self
            .keyed(&format!(
                "SELECT p.enforcement_status AS k, COUNT(*) AS n {live} \
                 GROUP BY p.enforcement_status ORDER BY n DESC, k"
            ))
            .await?;
        let by_reason = self
            .keyed(
                "SELECT r.reason AS k, COUNT(*) AS n FROM indexed_reasons r \
                 GROUP BY r.reason ORDER BY n DESC, k",
            )
            .await?;
        let top_keys = self
            .keyed(&format!(
                "SELECT k.meta_key AS k, COUNT(*) AS n FROM indexed_metadata_keys k \
                 GROUP BY k.meta_key ORDER BY n DESC, k LIMIT {TOP_KEYS}"
            ))
            .await?;
        let mut created = Vec::new();
        let mut changes = Vec::new();
        for last in week_ends(today, weeks) {
            let mut sql = Statement::new();
            let filters = Self::filters(&mut sql, &created_in_week(last));
            sql.sql = format!("SELECT COUNT(*) FROM indexed_profiles p WHERE {filters}");
            created.push(Week {
                last,
                count: self.count_of(sql).await?,
            });
            let week = self
                .count_tab(
                    Tab::Changed,
                    changed_in_week(last),
                    false,
                    &SearchQuery::default(),
                )
                .await?;
            changes.push(Week { last, count: week });
        }
        Ok(Figures {
            profiles,
            by_kind,
            by_program,
            by_enforcement,
            by_reason,
            created,
            changes,
            top_keys,
            counted_at,
        })
    }

    /// Rows of a grouped count, each with its `n`.
    async fn tallies(&self, sql: &str) -> Result<Vec<(sqlx::any::AnyRow, u64)>, sqlx::Error> {
        sqlx::query(sql)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|row| {
                let n = count(&row, "n")?;
                Ok((row, n))
            })
            .collect()
    }

    /// A grouped count by one column, `k`, with its `n`.
    async fn keyed<K>(&self, sql: &str) -> Result<Vec<Tally<K>>, sqlx::Error>
    where
        K: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        self.tallies(sql)
            .await?
            .into_iter()
            .map(|(row, count)| {
                Ok(Tally {
                    key: row.try_get("k")?,
                    count,
                })
            })
            .collect()
    }
}

/// The search listing the profiles created in the week ending on `last`.
pub fn created_in_week(last: Date) -> SearchQuery {
    SearchQuery {
        created_from: last.checked_sub(time::Duration::days(6)),
        created_to: Some(last),
        ..SearchQuery::default()
    }
}

/// The *Changed recently* window of the week ending on `last`.
pub fn changed_in_week(last: Date) -> Span {
    Span {
        days: 7,
        until: Some(last),
    }
}

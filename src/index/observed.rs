//! Writing what observations showed: the statuses the index now holds and the changes for
//! the status timeline (docs/review.md), in the transaction that writes the profiles.

use super::received::Received;
use super::statuses::{self, Comparison, Held};
use crate::db::Statement;
use crate::timestamp::stamp;
use sqlx::Row;
use std::collections::BTreeMap;

/// What a batch of observations leaves to write: statuses to hold or end, and changes.
#[derive(Default)]
pub(super) struct Review {
    hold: Vec<(String, String, Held)>,
    end: Vec<(String, String)>,
    changes: Vec<(
        String,
        statuses::Change,
        String,
        &'static str,
        Option<String>,
    )>,
}

impl Review {
    pub fn add(&mut self, id: &str, received: &Received, comparison: Comparison) {
        let at = stamp(received.observed_at);
        let event_at = statuses::event_at(received.how).map(stamp);
        for (subject, held) in comparison.hold {
            self.hold.push((id.to_owned(), subject, held));
        }
        for subject in comparison.end {
            self.end.push((id.to_owned(), subject));
        }
        for change in comparison.changes {
            self.changes.push((
                id.to_owned(),
                change,
                at.clone(),
                received.how.as_str(),
                event_at.clone(),
            ));
        }
    }

    pub async fn write(self, conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
        for (id, subject) in &self.end {
            sqlx::query("DELETE FROM profile_statuses WHERE profile_id = $1 AND subject = $2")
                .bind(id)
                .bind(subject)
                .execute(&mut *conn)
                .await?;
        }
        // A few hundred rows a page: in slices, under either database's limit on
        // parameters in one statement.
        for slice in self.hold.chunks(500) {
            let mut rows = Statement::new();
            let values: Vec<String> = slice
                .iter()
                .map(|(id, subject, held)| {
                    format!(
                        "({}, {}, {}, {}, {}, {})",
                        rows.text(id.as_str()),
                        rows.text(subject.as_str()),
                        rows.text(held.status.as_str()),
                        rows.optional(held.detail.as_deref()),
                        rows.text(held.since.as_str()),
                        rows.text(held.as_of.as_str()),
                    )
                })
                .collect();
            rows.sql = format!(
                "INSERT INTO profile_statuses (profile_id, subject, status, detail, since, as_of) \
                 VALUES {} ON CONFLICT (profile_id, subject) DO UPDATE SET \
                 status = excluded.status, detail = excluded.detail, since = excluded.since, \
                 as_of = excluded.as_of",
                values.join(", ")
            );
            rows.execute(conn).await?;
        }
        for (id, change, at, how, event_at) in &self.changes {
            sqlx::query(
                "INSERT INTO status_changes (id, profile_id, subject, old_status, new_status, \
                 detail, observed_at, how, event_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(format!("{:032x}", rand::random::<u128>()))
            .bind(id)
            .bind(&change.subject)
            .bind(change.old_status.as_deref())
            .bind(&change.new_status)
            .bind(change.detail.as_deref())
            .bind(at)
            .bind(*how)
            .bind(event_at.as_deref())
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

/// The statuses the index holds for `profiles`, by profile and subject.
pub(super) async fn held_statuses(
    conn: &mut sqlx::AnyConnection,
    profiles: &[&Received],
) -> Result<BTreeMap<String, BTreeMap<String, Held>>, sqlx::Error> {
    let mut select = Statement::new();
    let ids = select.texts(profiles.iter().map(|r| r.profile.id.as_str()));
    select.sql = format!(
        "SELECT profile_id, subject, status, detail, since, as_of FROM profile_statuses \
         WHERE profile_id IN ({ids})"
    );
    let mut held: BTreeMap<String, BTreeMap<String, Held>> = BTreeMap::new();
    for row in sqlx::query_with(&select.sql, select.args)
        .fetch_all(&mut *conn)
        .await?
    {
        held.entry(row.try_get("profile_id")?).or_default().insert(
            row.try_get("subject")?,
            Held {
                status: row.try_get("status")?,
                detail: row.try_get("detail")?,
                since: row.try_get("since")?,
                as_of: row.try_get("as_of")?,
            },
        );
    }
    Ok(held)
}

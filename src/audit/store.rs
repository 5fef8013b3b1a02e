//! The `audit_events` table (migrations/0002_audit.sql), through the console's database
//! ([`crate::db`]): SQLite or PostgreSQL, the same SQL.
//!
//! Nothing here deletes an entry or changes what it says happened; the only update fills
//! in the outcome of an entry written as pending before its upstream call.

use crate::audit::query::{Cursor, Filter};
use crate::audit::{Change, Entry, EntryPage, Outcome};
use crate::db::{Database, Statement};
use crate::timestamp::day_stamp;
use sqlx::any::AnyRow;
use sqlx::AnyPool;
use sqlx::Row;

/// What is known of an attempt once its upstream call has answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub outcome: Outcome,
    pub detail: Option<String>,
    /// A create's new profile.
    pub profile_id: Option<String>,
    pub changes: Vec<Change>,
    pub upstream_request_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuditLog {
    pool: AnyPool,
}

const COLUMNS: &str = "id, at, actor, role, action, profile_id, outcome, detail, changes, \
                       request_id, upstream_request_id";

impl AuditLog {
    pub fn new(db: &Database) -> Self {
        Self {
            pool: db.pool().clone(),
        }
    }

    /// A new, random entry id.
    pub fn new_id() -> String {
        format!("{:032x}", rand::random::<u128>())
    }

    pub async fn append(&self, entry: &Entry) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "INSERT INTO audit_events ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&entry.id)
        .bind(&entry.at)
        .bind(&entry.actor)
        .bind(&entry.role)
        .bind(entry.action.as_str())
        .bind(&entry.profile_id)
        .bind(entry.outcome.as_str())
        .bind(&entry.detail)
        .bind(changes_json(&entry.changes))
        .bind(&entry.request_id)
        .bind(&entry.upstream_request_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Fills in the outcome of the pending entry `id`; false if there is no such pending
    /// entry (it was completed already).
    pub async fn complete(&self, id: &str, done: &Completion) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "UPDATE audit_events SET outcome = $1, detail = $2, \
             profile_id = COALESCE(profile_id, $3), changes = $4, upstream_request_id = $5 \
             WHERE id = $6 AND outcome = $7",
        )
        .bind(done.outcome.as_str())
        .bind(&done.detail)
        .bind(&done.profile_id)
        .bind(changes_json(&done.changes))
        .bind(&done.upstream_request_id)
        .bind(id)
        .bind(Outcome::Pending.as_str())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// The entries matching `filter`, newest first, after `cursor`.
    pub async fn page(
        &self,
        filter: &Filter,
        cursor: Option<&Cursor>,
        limit: u32,
    ) -> Result<EntryPage, sqlx::Error> {
        // Only the filters in use become conditions, so that the database can walk the
        // index that fits (by actor, by profile, or by time); every value is a bound
        // parameter, and the SQL holds only our own column names and `$N`.
        let mut s = Statement::new();
        let mut conditions = Vec::new();
        if let Some(actor) = &filter.actor {
            conditions.push(format!("actor = {}", s.text(actor.as_str())));
        }
        if let Some(action) = filter.action {
            conditions.push(format!("action = {}", s.text(action.as_str())));
        }
        if let Some(profile) = &filter.profile_id {
            conditions.push(format!("profile_id = {}", s.text(profile.to_string())));
        }
        // Days become the stamps that bound them.
        if let Some(from) = filter.from {
            conditions.push(format!("at >= {}", s.text(day_stamp(from))));
        }
        if let Some(until) = filter.to.and_then(|d| d.next_day()) {
            conditions.push(format!("at < {}", s.text(day_stamp(until))));
        }
        if let Some(cursor) = cursor {
            let (at, id) = (s.text(cursor.at.as_str()), s.text(cursor.id.as_str()));
            conditions.push(format!("(at, id) < ({at}, {id})"));
        }
        let filters = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        s.sql = format!(
            "SELECT {COLUMNS} FROM audit_events {filters} ORDER BY at DESC, id DESC LIMIT {}",
            u64::from(limit) + 1
        );
        let rows = sqlx::query_with(&s.sql, s.args)
            .fetch_all(&self.pool)
            .await?;
        let mut entries = rows.iter().map(entry).collect::<Result<Vec<_>, _>>()?;
        let next = if entries.len() > limit as usize {
            entries.truncate(limit as usize);
            entries.last().map(|last| {
                Cursor {
                    at: last.at.clone(),
                    id: last.id.clone(),
                }
                .encode()
            })
        } else {
            None
        };
        Ok(EntryPage { entries, next })
    }
}

fn changes_json(changes: &[Change]) -> String {
    serde_json::to_string(changes).expect("strings always serialize")
}

fn entry(row: &AnyRow) -> Result<Entry, sqlx::Error> {
    let decode = |column: &str, what: &str| sqlx::Error::ColumnDecode {
        index: column.into(),
        source: format!("not {what}").into(),
    };
    let action: String = row.try_get("action")?;
    let outcome: String = row.try_get("outcome")?;
    let changes: String = row.try_get("changes")?;
    Ok(Entry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        role: row.try_get("role")?,
        action: crate::audit::Action::parse(&action)
            .ok_or_else(|| decode("action", "an action"))?,
        profile_id: row.try_get("profile_id")?,
        outcome: Outcome::parse(&outcome).ok_or_else(|| decode("outcome", "an outcome"))?,
        detail: row.try_get("detail")?,
        changes: serde_json::from_str(&changes).map_err(|_| decode("changes", "a change list"))?,
        request_id: row.try_get("request_id")?,
        upstream_request_id: row.try_get("upstream_request_id")?,
    })
}

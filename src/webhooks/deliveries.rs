//! The deliveries already received, by `webhook-id`, in the console's database: a second
//! delivery of one is acknowledged but not processed (a redelivery after a lost answer,
//! or a replay).

use crate::db::Database;
use sqlx::AnyPool;

/// How long an id is remembered: a replay is refused by its timestamp after five minutes.
const KEEP: time::Duration = time::Duration::days(1);

#[derive(Clone)]
pub struct Deliveries {
    pool: AnyPool,
}

impl Deliveries {
    pub fn new(db: &Database) -> Self {
        Self {
            pool: db.pool().clone(),
        }
    }

    /// Records `id`; `true` if it was not there yet. Ids older than a day are forgotten
    /// on the way.
    pub async fn first_time(&self, id: &str) -> Result<bool, sqlx::Error> {
        let now = time::OffsetDateTime::now_utc();
        sqlx::query("DELETE FROM webhook_deliveries WHERE received_at < $1")
            .bind(crate::timestamp::stamp(now - KEEP))
            .execute(&self.pool)
            .await?;
        let added = sqlx::query(
            "INSERT INTO webhook_deliveries (id, received_at) VALUES ($1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(crate::timestamp::stamp(now))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(added == 1)
    }
}

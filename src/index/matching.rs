//! Matching rows of an import file to the profiles they name, by external id
//! (docs/onboarding.md, "The dry run"): a batch of ids at a time, so that 100,000 rows
//! cost a few hundred queries, not 100,000.

use crate::index::store::Index;
use sqlx::Row;

/// A profile holding one of the external ids asked for, as the index last saw it.
#[derive(Debug, Clone)]
pub struct Holder {
    pub external_id: String,
    pub id: String,
    /// The profile as the API last returned it (JSON).
    pub raw: String,
}

impl Index {
    /// The profiles (not gone) holding any of `external_ids`, oldest first for each id.
    pub async fn holding_external_ids(
        &self,
        external_ids: &[String],
    ) -> Result<Vec<Holder>, sqlx::Error> {
        if external_ids.is_empty() {
            return Ok(Vec::new());
        }
        let places: Vec<String> = (1..=external_ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT external_id, id, raw FROM indexed_profiles \
             WHERE external_id IN ({}) AND gone_at IS NULL ORDER BY created_at, id",
            places.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for external_id in external_ids {
            query = query.bind(external_id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(Holder {
                    external_id: row.try_get("external_id")?,
                    id: row.try_get("id")?,
                    raw: row.try_get("raw")?,
                })
            })
            .collect()
    }
}

//! Links for a job's profiles (docs/onboarding.md, "Links"): an enrollment link (beta) or
//! action URL (GA) minted for each profile the job created or updated, at the moment they
//! are asked for, and handed straight to the caller's CSV. A link lives minutes, so
//! nothing keeps it: not the job, not the logs; the audit trail records that one was
//! minted, by whom, for which profile, and the job which rows have had one.

use crate::audit::Action;
use crate::auth::Role;
use crate::onboarding::job::{Job, Onboarded};
use crate::onboarding::run::{Pacer, Runner};
use crate::profiles::model::{EnrollmentUrl, ProfileId};
use crate::profiles::service::upstream_write;
use crate::timestamp::rfc3339;
use crate::web::csv_line;
use futures::future::BoxFuture;
use futures::StreamExt;

/// The links CSV's header line.
pub const HEADER: &str = "id,external_id,name,link,expires_at\r\n";
/// Rows read from the job per query.
const PAGE: u32 = 200;

/// One line of the links CSV.
pub fn line(row: &Onboarded, link: &EnrollmentUrl) -> String {
    csv_line([
        row.profile_id.as_str(),
        &row.external_id,
        row.name.as_deref().unwrap_or_default(),
        &link.url,
        &rfc3339(link.expires_at),
    ])
}

impl Runner {
    /// Mints a link for every profile `job` created or updated (with `unsent`, only those
    /// none was minted for yet), in the file's order, at the job's own pace, handing each
    /// line to `out`; the number minted. `by` is who asked (an account and its role), as
    /// the audit trail records it. A profile whose link cannot be minted is left
    /// out and named in `skipped`, so a later download can try it again.
    pub async fn links(
        &self,
        job: &Job,
        by: (&str, Role),
        unsent: bool,
        mut out: impl FnMut(String) -> BoxFuture<'static, Result<(), String>> + Send,
        mut skipped: impl FnMut(&Onboarded, &str) + Send,
    ) -> Result<u64, String> {
        let db = |e: sqlx::Error| format!("the job cannot be read or written: {e}");
        let pacer = Pacer::new(self.budget.per_second);
        let (mut after, mut minted) = (0, 0);
        loop {
            let rows = self
                .jobs
                .onboarded(&job.id, after, unsent, PAGE)
                .await
                .map_err(db)?;
            let Some(last) = rows.last() else {
                return Ok(minted);
            };
            after = last.line;
            // Minted a few at a time (the job's concurrency), handed on in the file's order.
            let mut minting = futures::stream::iter(rows)
                .map(|row| async {
                    let link = self.mint(job, by, &row, &pacer).await;
                    (row, link)
                })
                .buffered(self.budget.concurrency.max(1));
            while let Some((row, link)) = minting.next().await {
                match link? {
                    Ok(link) => {
                        self.jobs.linked(&job.id, row.line).await.map_err(db)?;
                        out(line(&row, &link)).await?;
                        minted += 1;
                    }
                    Err(why) => skipped(&row, &why),
                }
            }
        }
    }

    /// One profile's link, recorded in the audit trail and the index; or why not (the
    /// outer error stops the download: the audit trail cannot be written).
    async fn mint(
        &self,
        job: &Job,
        by: (&str, Role),
        row: &Onboarded,
        pacer: &Pacer,
    ) -> Result<Result<EnrollmentUrl, String>, String> {
        let Ok(id) = ProfileId::parse(&row.profile_id) else {
            return Ok(Err("names no valid profile id".into()));
        };
        pacer.wait().await;
        let attempt = self
            .trail(by.0, by.1)
            .begin_in(
                Action::EnrollmentUrl,
                Some(&id),
                Vec::new(),
                Some(format!("links for import {}", job.id)),
            )
            .await
            .map_err(|_| "the audit trail cannot be written: no link is minted".to_owned())?;
        match upstream_write("enrollment_url", self.client.enrollment_url(&id).await) {
            Ok(reply) => {
                attempt.succeeded(None, Vec::new(), reply.request_id).await;
                if let Err(e) = self.index.link_minted(id.as_str(), by.0).await {
                    tracing::warn!(%id, error = %e, "cannot record in the index that a link was generated");
                }
                Ok(Ok(reply.value))
            }
            Err(e) => {
                attempt.failed(&e, Vec::new()).await;
                Ok(Err(e.to_string()))
            }
        }
    }
}

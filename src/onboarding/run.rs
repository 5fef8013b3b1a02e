//! Running a job (docs/onboarding.md, "Running a job"): the rows of a checked plan sent
//! to the API at the job's own pace, a few at a time, each recorded in the job and the
//! audit trail as it goes.
//!
//! The API has no idempotency key, so a create whose answer never came (the console
//! stopped, the connection dropped) may or may not have made a profile. Such a row stays
//! `sending`; before anything else is sent, every such row is looked for among the
//! profiles created since it began (the list, newest first, by external id) and adopted
//! if found, or sent again if not. No row creates two profiles.

use crate::audit::record::{Attempt, Trail};
use crate::audit::store::AuditLog;
use crate::audit::{Action, Outcome};
use crate::auth::Role;
use crate::error::AppError;
use crate::index::received::{How, Received};
use crate::index::Index;
use crate::onboarding::job::{Budget, Done, Job, Jobs, Progress, Row, RowState, State};
use crate::onboarding::plan::Kind;
use crate::profiles::model::{changes, ListQuery, Order, PageCursor, PageSize, Profile, ProfileId};
use crate::profiles::service::upstream_write;
use crate::timestamp::{parse, stamp};
use crate::upstream::Client;
use axum::http::HeaderMap;
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use time::OffsetDateTime;

/// How long a runner's claim on a job lasts unless renewed; it renews it every third of
/// that while it runs, so a runner that stopped frees its job within this.
pub const LEASE: Duration = Duration::from_secs(15);
/// Sends of one row before it counts as failed (a lost answer, then one found to have
/// made nothing, is sent again).
const MOST_SENDS: u32 = 3;
/// How far the API's clock may run behind ours: a row in flight is looked for among the
/// profiles created since it began, less this.
const CLOCK_SKEW: Duration = Duration::from_secs(300);
/// The list's largest page, for the look for rows in flight.
const LIST_PAGE: u32 = 100;

/// Why [`Runner::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Every row is done, failed, or was in error.
    Finished,
    Paused,
    Cancelled,
    /// Another process runs it (its claim has not run out).
    Elsewhere,
}

/// What a runner needs: the job tables, the API, the index (to check a create is still
/// wanted, and to write what the API answered) and the audit trail.
#[derive(Clone)]
pub struct Runner {
    pub jobs: Jobs,
    pub client: Client,
    pub index: Index,
    pub log: AuditLog,
    pub budget: Budget,
    /// This process, as the job's claim names it.
    pub name: String,
}

/// The task renewing a claim, stopped with it.
struct Renewal(tokio::task::JoinHandle<()>);

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Spaces sends `1 / per_second` apart (a limiter with no burst), so a job keeps to its
/// rate however many of its sends are awaiting an answer.
pub(super) struct Pacer(governor::DefaultDirectRateLimiter);

impl Pacer {
    pub(super) fn new(per_second: f64) -> Self {
        let gap = Duration::from_secs_f64(1.0 / per_second);
        let quota = governor::Quota::with_period(gap)
            .expect("a rate is above zero and at most 1,000 a second")
            .allow_burst(std::num::NonZeroU32::MIN);
        Self(governor::RateLimiter::direct(quota))
    }

    pub(super) async fn wait(&self) {
        self.0.until_ready().await;
    }
}

impl Runner {
    /// A name for this process's claims: unique among processes sharing the database.
    pub fn process_name(kind: &str) -> String {
        format!(
            "{kind} pid {} ({:08x})",
            std::process::id(),
            rand::random::<u32>()
        )
    }

    /// Runs `job` until every row is settled, the job is paused or cancelled, or another
    /// process holds it; `progress` hears after each batch. Each run is counted by how it
    /// ended (docs/operations.md, "Monitoring").
    pub async fn run(&self, job: &Job, progress: impl FnMut(&Progress)) -> Result<Ended, String> {
        let ended = self.run_until_stopped(job, progress).await;
        let label = match ended {
            Ok(Ended::Finished) => "finished",
            Ok(Ended::Paused) => "paused",
            Ok(Ended::Cancelled) => "cancelled",
            Ok(Ended::Elsewhere) => "elsewhere",
            Err(_) => "error",
        };
        crate::telemetry::count(crate::telemetry::name::IMPORT_RUNS, label);
        ended
    }

    async fn run_until_stopped(
        &self,
        job: &Job,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Ended, String> {
        let db = |e: sqlx::Error| format!("the job cannot be read or written: {e}");
        if self
            .jobs
            .set_state(&job.id, &[State::Checked], State::Running)
            .await
            .map_err(db)?
        {
            self.note(job, "started").await;
        }
        let pacer = Pacer::new(self.budget.per_second);
        let mut renewal = None;
        loop {
            if !self.claim(&job.id).await.map_err(db)? {
                return Ok(Ended::Elsewhere);
            }
            if renewal.is_none() {
                renewal = Some(self.renew(&job.id));
            }
            let state = self.jobs.get(&job.id).await.map_err(db)?.map(|j| j.state);
            let ended = match state {
                Some(State::Running) => None,
                Some(State::Paused) => Some(Ended::Paused),
                Some(State::Finished) => Some(Ended::Finished),
                _ => Some(Ended::Cancelled),
            };
            if let Some(ended) = ended {
                self.jobs.release(&job.id, &self.name).await.map_err(db)?;
                return Ok(ended);
            }
            self.recover(job).await?;
            let rows = self
                .jobs
                .rows(&job.id, RowState::Waiting, self.budget.batch())
                .await
                .map_err(db)?;
            if rows.is_empty() {
                let now = self.jobs.progress(&job.id).await.map_err(db)?;
                progress(&now);
                if now.sending == 0 {
                    if self
                        .jobs
                        .set_state(&job.id, &[State::Running], State::Finished)
                        .await
                        .map_err(db)?
                    {
                        self.note(job, &format!("finished: {}", summary(&now)))
                            .await;
                    }
                    self.jobs.release(&job.id, &self.name).await.map_err(db)?;
                    return Ok(Ended::Finished);
                }
                continue;
            }
            let stopped: Vec<String> = futures::stream::iter(rows)
                .map(|row| self.send(job, row, &pacer))
                .buffer_unordered(self.budget.concurrency.max(1))
                .filter_map(|sent| async move { sent.err() })
                .collect()
                .await;
            if let Some(why) = stopped.into_iter().next() {
                self.jobs.release(&job.id, &self.name).await.map_err(db)?;
                return Err(why);
            }
            progress(&self.jobs.progress(&job.id).await.map_err(db)?);
        }
    }

    /// Takes or renews this runner's claim on a job for [`LEASE`].
    async fn claim(&self, job: &str) -> Result<bool, sqlx::Error> {
        let now = OffsetDateTime::now_utc();
        self.jobs
            .lease(job, &self.name, &stamp(now), &stamp(now + LEASE))
            .await
    }

    /// Keeps the claim on a job alive while a batch waits on slow answers; stops when
    /// dropped (the claim then runs out unless released).
    fn renew(&self, job: &str) -> Renewal {
        let (runner, job) = (self.clone(), job.to_owned());
        Renewal(tokio::spawn(async move {
            loop {
                tokio::time::sleep(LEASE / 3).await;
                if let Err(e) = runner.claim(&job).await {
                    tracing::warn!(%job, error = %e, "cannot renew the claim on an import job");
                }
            }
        }))
    }

    /// Sends one row and records its outcome. An error stops the job: the audit trail or
    /// the job tables cannot be written, so nothing more may be sent.
    async fn send(&self, job: &Job, row: Row, pacer: &Pacer) -> Result<(), String> {
        let db = |e: sqlx::Error| format!("the job cannot be written: {e}");
        if row.attempts >= MOST_SENDS {
            let why = format!("no answer after {} attempts", row.attempts);
            return self
                .jobs
                .settle(&job.id, row.line, RowState::Failed, &why)
                .await
                .map_err(db);
        }
        let profile = match (row.plan, row.profile_id.as_deref().map(ProfileId::parse)) {
            (Kind::Create, _) => None,
            (_, Some(Ok(id))) => Some(id),
            _ => {
                return self
                    .jobs
                    .settle(
                        &job.id,
                        row.line,
                        RowState::Failed,
                        "names no valid profile id",
                    )
                    .await
                    .map_err(db)
            }
        };
        if row.plan == Kind::Create {
            let held = self
                .index
                .holding_external_ids(std::slice::from_ref(&row.external_id))
                .await
                .map_err(|e| format!("the profile index cannot be read: {e}"))?;
            if let Some(holder) = held.first() {
                let why = format!(
                    "since the file was checked, profile {} has come to hold this external \
                     id: check the file again",
                    holder.id
                );
                return self
                    .jobs
                    .settle(&job.id, row.line, RowState::Failed, &why)
                    .await
                    .map_err(db);
            }
        }
        pacer.wait().await;
        let (action, op) = match row.plan {
            Kind::Create => (Action::ProfileCreate, "create"),
            _ => (Action::ProfileUpdate, "update"),
        };
        let attempt = self
            .trail(&job.actor, job.role)
            .begin_in(
                action,
                profile.as_ref(),
                row.changes.clone(),
                Some(context(job, row.line)),
            )
            .await
            .map_err(|_| "the audit trail cannot be written: nothing more is sent".to_owned())?;
        self.jobs
            .sending(&job.id, row.line, attempt.id())
            .await
            .map_err(db)?;
        let answer = match &profile {
            None => self.client.create(&row.body).await,
            Some(id) => self.client.update(id, &row.body).await,
        };
        // The audit entry is completed before the row: a process stopped in between
        // leaves the row `sending`, which `recover` settles, never a row settled beside
        // an entry left pending.
        match upstream_write(op, answer) {
            Ok(reply) => {
                let made = reply.value;
                self.index
                    .write_through(Received::from_profile(&made, How::Write))
                    .await;
                let done = if profile.is_none() {
                    Done::Created
                } else {
                    Done::Updated
                };
                let (id, recorded) = match done {
                    Done::Created => (Some(made.id.to_string()), changes::created(&made)),
                    _ => (None, row.changes),
                };
                attempt.succeeded(id, recorded, reply.request_id).await;
                self.jobs
                    .done(
                        &job.id,
                        row.line,
                        done,
                        made.id.as_str(),
                        made.name.as_deref(),
                    )
                    .await
                    .map_err(db)?;
            }
            // A create that may have been made stays `sending`, for `recover` to look
            // for before anything else is sent; its entry stays pending until then.
            Err(AppError::Uncertain { .. } | AppError::Unconfirmed { .. }) if profile.is_none() => {
            }
            // An update sent twice sets the same values: sent again.
            Err(e @ (AppError::Uncertain { .. } | AppError::Unconfirmed { .. })) => {
                attempt.failed(&e, row.changes).await;
                self.jobs
                    .settle(&job.id, row.line, RowState::Waiting, &e.to_string())
                    .await
                    .map_err(db)?;
            }
            Err(e) => {
                attempt.failed(&e, row.changes).await;
                self.jobs
                    .settle(&job.id, row.line, RowState::Failed, &e.to_string())
                    .await
                    .map_err(db)?;
            }
        }
        Ok(())
    }

    /// Settles the rows whose send has no recorded outcome: an update is sent again; a
    /// create is looked for among the profiles created since it began, adopted if found
    /// (its audit entry completed with the profile), and sent again if not.
    async fn recover(&self, job: &Job) -> Result<(), String> {
        let db = |e: sqlx::Error| format!("the job cannot be read or written: {e}");
        let rows = self
            .jobs
            .rows(&job.id, RowState::Sending, 10_000)
            .await
            .map_err(db)?;
        if rows.is_empty() {
            return Ok(());
        }
        let wanted: HashSet<&str> = rows
            .iter()
            .filter(|r| r.plan == Kind::Create)
            .map(|r| r.external_id.as_str())
            .collect();
        let since = rows
            .iter()
            .filter_map(|r| r.began_at.as_deref().and_then(parse))
            .min()
            .unwrap_or_else(OffsetDateTime::now_utc)
            - CLOCK_SKEW;
        let found = if wanted.is_empty() {
            HashMap::new()
        } else {
            self.created_since(since, &wanted).await?
        };
        for row in rows {
            let attempt = row
                .audit_id
                .clone()
                .map(|id| Attempt::kept(self.log.clone(), id, Some(context(job, row.line))));
            let made = found
                .get(row.external_id.as_str())
                .filter(|_| row.plan == Kind::Create);
            // As in `send`, the entry first, then the row.
            if let Some(made) = made {
                self.index
                    .write_through(Received::from_profile(made, How::Walk))
                    .await;
                if let Some(attempt) = attempt {
                    let how = "its answer was lost; found among the profiles created since, by \
                               external id, and adopted";
                    attempt
                        .completed(
                            Outcome::Succeeded,
                            how,
                            Some(made.id.to_string()),
                            changes::created(made),
                        )
                        .await;
                }
                self.jobs
                    .done(
                        &job.id,
                        row.line,
                        Done::Created,
                        made.id.as_str(),
                        made.name.as_deref(),
                    )
                    .await
                    .map_err(db)?;
            } else {
                let why = match row.plan {
                    Kind::Create => {
                        "its answer was lost and no profile created since holds its external \
                         id: sent again"
                    }
                    _ => "its answer was lost: sent again",
                };
                if let Some(attempt) = attempt {
                    attempt
                        .completed(Outcome::Uncertain, why, None, row.changes)
                        .await;
                }
                self.jobs
                    .settle(&job.id, row.line, RowState::Waiting, why)
                    .await
                    .map_err(db)?;
            }
        }
        Ok(())
    }

    /// The profiles created at or after `since` whose external id is `wanted`, newest
    /// first through the list (the API has no search); the oldest for each id.
    async fn created_since(
        &self,
        since: OffsetDateTime,
        wanted: &HashSet<&str>,
    ) -> Result<HashMap<String, Profile>, String> {
        let mut found = HashMap::new();
        let mut cursor: Option<PageCursor> = None;
        loop {
            let query = ListQuery {
                limit: PageSize::new(LIST_PAGE).expect("the API's largest page"),
                order: Order::Desc,
                page: cursor.take(),
                enforcement: None,
            };
            let page = self
                .client
                .list(&query)
                .await
                .map_err(|e| format!("cannot look for the rows in flight: {e}"))?
                .value;
            let mut older = false;
            for profile in page.data {
                if profile.created_at < since {
                    older = true;
                    break;
                }
                if let Some(external_id) = profile.external_id() {
                    if wanted.contains(external_id) {
                        found.insert(external_id.to_owned(), profile);
                    }
                }
            }
            match page.next_page.as_deref().map(PageCursor::parse) {
                Some(Ok(next)) if !older => cursor = Some(next),
                _ => return Ok(found),
            }
        }
    }

    pub(super) fn trail(&self, actor: &str, role: Role) -> Trail {
        trail(&self.log, actor, role)
    }

    /// A job-level entry in the audit trail.
    pub async fn note(&self, job: &Job, what: &str) {
        note(&self.log, job, what).await;
    }
}

/// The audit trail of an account acting on a job: the job's own for its rows.
fn trail(log: &AuditLog, actor: &str, role: Role) -> Trail {
    Trail::new(
        actor.to_owned(),
        Some(role),
        &HeaderMap::new(),
        Some(log.clone()),
    )
}

/// A job-level entry (`import.job`): the job, its file, and `what` happened to it.
pub async fn note(log: &AuditLog, job: &Job, what: &str) {
    trail(log, &job.actor, job.role)
        .record(
            Action::ImportJob,
            Outcome::Succeeded,
            Some(format!("{} ({}): {what}", job.id, job.file_name)),
        )
        .await;
}

/// Runs, one after another, the jobs left running by a process that stopped (their
/// claim ran out): at start, and every half [`LEASE`] after. A console started again
/// goes on with its jobs this way, and so does another instance if it does not come back.
pub fn spawn(runner: Runner) {
    tokio::spawn(async move {
        loop {
            let now = stamp(OffsetDateTime::now_utc());
            match runner.jobs.unheld(&now).await {
                Ok(ids) => {
                    for id in ids {
                        let Ok(Some(job)) = runner.jobs.get(&id).await else {
                            continue;
                        };
                        tracing::info!(job = %job.id, "import job: going on where it stopped");
                        if let Err(e) = runner.run(&job, |_| {}).await {
                            tracing::error!(job = %job.id, error = %e, "import job stopped");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot look for import jobs to go on with"),
            }
            tokio::time::sleep(LEASE / 2).await;
        }
    });
}

/// The detail a row's entry starts with.
fn context(job: &Job, line: u64) -> String {
    format!("import {}, line {line}", job.id)
}

/// A job's counts in words, for its audit entries.
pub fn summary(p: &Progress) -> String {
    format!(
        "{} created, {} updated, {} unchanged, {} failed, {} in error",
        p.created, p.updated, p.unchanged, p.failed, p.error
    )
}

/// When the rows left should be done at `per_second`.
pub fn time_left(progress: &Progress, per_second: f64) -> Duration {
    Duration::from_secs_f64(progress.left() as f64 / per_second)
}

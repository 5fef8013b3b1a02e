//! Keeping the index fresh, in the background, never in a request (docs/index.md):
//!
//! - a complete walk of the list, oldest first, 100 a page, when the index has never
//!   been walked, when the last walk is older than `PROFILES_INDEX_REFRESH`, or when an
//!   admin asks; profiles a complete walk did not see are marked gone. Oldest first, so
//!   that profiles created during the walk are at its end and are seen too;
//! - between walks, the newest profiles, until one the index knows;
//! - between those, under GA, the program pass: one retrieve at a time of the profile
//!   whose programs are most due (`programs.rs`), for ever, least recently learned first;
//! - one request at a time, at most `PROFILES_INDEX_RATE` a second, through the client's
//!   retry policy (which honours `retry-after`); a failed step waits and resumes where it
//!   was, a refused key pauses the sync instead of hammering the API;
//! - each page is written with the walk's cursor in one transaction, so a walk cut short
//!   by a restart resumes at the page after the last one written;
//! - one console syncs at a time: it holds a lease in the shared database, renewed with
//!   every step; when it stops renewing, another takes over, where the walk was.

use super::programs::NextCheck;
use super::received::{How, Received};
use super::store::{drop_side_rows, Index};
use crate::profiles::model::{ListQuery, Order, PageCursor, PageSize, ProfileId};
use crate::profiles::search::results::{IndexStatus, WalkProgress};
use crate::timestamp::{parse, stamp};
use crate::upstream::{Client, ErrorKind, UpstreamError};
use sqlx::Row;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::time::Instant;

/// Profiles per list call: the API's largest page.
const WALK_PAGE: u32 = 100;
/// The least time between two retrieves of one profile by the program pass.
pub const RECHECK: Duration = Duration::from_secs(600);
/// Pages between two progress lines in the log.
const LOG_EVERY: i64 = 50;

/// How the sync runs; from the command line (`config.rs`), shorter in tests.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// A complete walk at least this often.
    pub refresh: Duration,
    /// Requests per second, at most.
    pub rate: f64,
    /// How often to look for new profiles between walks.
    pub poll: Duration,
    /// How long a lease lasts without renewal: longer than the slowest call with all its
    /// retries, so that a console waiting out a `retry-after` keeps it.
    pub lease: Duration,
    /// First wait after a failed step; doubled each time, up to [`SyncConfig::pause`].
    pub backoff: Duration,
    /// Wait after the key is refused, or after failures pile up.
    pub pause: Duration,
    /// Whether the program pass runs between walks (docs/review.md): under GA, whose
    /// list reports programs incompletely. The 2026-03-24 list reports trust grants in
    /// full.
    pub check_programs: bool,
    /// A profile whose programs were learned less than this long ago is not retrieved
    /// again, so that a small organization is not asked about each profile many times
    /// a minute (docs/review.md).
    pub recheck: Duration,
}

impl SyncConfig {
    pub fn new(refresh: Duration, poll: Duration, rate: f64, client: &Client) -> Self {
        Self {
            refresh,
            rate,
            poll,
            lease: client.longest_call() + Duration::from_secs(30),
            backoff: Duration::from_secs(5),
            pause: Duration::from_secs(300),
            check_programs: client.version().is_ga(),
            recheck: RECHECK,
        }
    }
}

/// What the sync reads and writes between steps; one row, shared by every console.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncState {
    pub walk: i64,
    pub walk_running: bool,
    pub walk_cursor: Option<String>,
    pub walk_started_at: Option<String>,
    pub walk_pages: i64,
    pub walk_profiles: i64,
    pub last_complete_at: Option<String>,
    pub last_complete_count: Option<i64>,
    pub last_complete_seconds: Option<f64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    pub refresh_requested_at: Option<String>,
    pub lease_holder: Option<String>,
    pub lease_until: Option<String>,
}

/// What one step of the loop leaves to do.
enum Step {
    /// More to do at once (the next page, subject to the pace).
    Again,
    /// Nothing until then, or until woken.
    Idle(Duration),
}

#[derive(Debug, thiserror::Error)]
enum StepError {
    #[error("the API refused the key: {0}")]
    KeyRefused(UpstreamError),
    #[error(transparent)]
    Upstream(UpstreamError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl From<UpstreamError> for StepError {
    fn from(e: UpstreamError) -> Self {
        match e.kind {
            ErrorKind::Authentication | ErrorKind::Permission => Self::KeyRefused(e),
            _ => Self::Upstream(e),
        }
    }
}

/// A running sync loop.
pub struct Syncing {
    /// This console's name in the lease.
    pub holder: String,
    /// Runs as long as the process; tests abort it, as a crash would stop it.
    pub task: tokio::task::JoinHandle<()>,
}

/// Starts the sync loop on the current runtime.
pub fn spawn(index: Index, client: Client, config: SyncConfig) -> Syncing {
    let holder = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
    let syncer = Syncer {
        index,
        client,
        config,
        holder: holder.clone(),
        next_request: Instant::now(),
        last_pick_up: None,
    };
    Syncing {
        holder,
        task: tokio::spawn(syncer.run()),
    }
}

struct Syncer {
    index: Index,
    client: Client,
    config: SyncConfig,
    /// This console's name in the lease.
    holder: String,
    next_request: Instant,
    /// When new profiles were last looked for.
    last_pick_up: Option<Instant>,
}

impl Syncer {
    async fn run(mut self) {
        let mut failures: u32 = 0;
        loop {
            let wait = match self.step().await {
                Ok(Step::Again) => {
                    failures = 0;
                    continue;
                }
                Ok(Step::Idle(wait)) => {
                    failures = 0;
                    wait
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    let wait = match &e {
                        StepError::KeyRefused(_) => self.config.pause,
                        _ => (self.config.backoff * 2u32.saturating_pow(failures - 1))
                            .min(self.config.pause),
                    };
                    tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "index sync step failed");
                    if let Err(db) = self.index.record_error(&e.to_string()).await {
                        tracing::warn!(error = %db, "cannot record the index sync error");
                    }
                    wait
                }
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.index.woken() => {}
            }
        }
    }

    async fn step(&mut self) -> Result<Step, StepError> {
        let now = OffsetDateTime::now_utc();
        if !self
            .index
            .take_lease(&self.holder, now, self.config.lease)
            .await?
        {
            // Another console syncs; look again before its lease could run out.
            return Ok(Step::Idle(self.config.lease / 2));
        }
        let state = self.index.sync_state().await?;
        if state.walk_running {
            self.walk_page(&state).await?;
            return Ok(Step::Again);
        }
        let since_walk = state
            .last_complete_at
            .as_deref()
            .and_then(parse)
            .map(|at| Duration::try_from(now - at).unwrap_or_default());
        let reason = if state.refresh_requested_at.is_some() {
            Some("an admin asked")
        } else {
            match since_walk {
                None => Some("the index has never been walked"),
                Some(age) if age >= self.config.refresh => Some("the last walk is stale"),
                Some(_) => None,
            }
        };
        if let Some(reason) = reason {
            if self.index.start_walk(&self.holder).await? {
                tracing::info!(walk = state.walk + 1, reason, "index walk started");
            }
            return Ok(Step::Again);
        }
        let since_pick_up = self.last_pick_up.map(|at| at.elapsed());
        if since_pick_up.is_none_or(|since| since >= self.config.poll) {
            self.pick_up_new().await?;
            self.last_pick_up = Some(Instant::now());
        }
        let mut rest = self.config.lease / 2;
        if self.config.check_programs {
            match self.index.next_program_check(self.config.recheck).await? {
                NextCheck::Retrieve(id) => {
                    self.check_programs(&id).await?;
                    return Ok(Step::Again);
                }
                NextCheck::Rest(wait) => rest = rest.min(wait),
                NextCheck::Nothing => {}
            }
        }
        let poll_due = self
            .config
            .poll
            .saturating_sub(self.last_pick_up.map_or(Duration::ZERO, |at| at.elapsed()));
        let walk_due = self
            .config
            .refresh
            .saturating_sub(since_walk.unwrap_or_default());
        // Wake for whichever comes first, and in time to renew the lease.
        Ok(Step::Idle(poll_due.min(walk_due).min(rest)))
    }

    /// Waits until the pace allows the next request.
    async fn pace(&mut self) {
        tokio::time::sleep_until(self.next_request).await;
        let interval = Duration::from_secs_f64(1.0 / self.config.rate);
        self.next_request = Instant::now() + interval;
    }

    async fn walk_page(&mut self, state: &SyncState) -> Result<(), StepError> {
        let cursor = state
            .walk_cursor
            .as_deref()
            .and_then(|c| PageCursor::parse(c).ok());
        self.pace().await;
        let query = ListQuery {
            limit: PageSize::new(WALK_PAGE).expect("the API's largest page"),
            order: Order::Asc,
            page: cursor.clone(),
            enforcement: None,
        };
        let page = match self.client.list_raw(&query).await {
            Ok(reply) => reply.value,
            Err(e) if cursor.is_some() && e.kind == ErrorKind::InvalidRequest => {
                // The API no longer takes this cursor (too old, or from another key):
                // the walk starts over rather than stopping for good.
                tracing::warn!(error = %e, "the index walk's cursor was refused; walking again from the start");
                self.index.start_walk(&self.holder).await?;
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        let received = received(page.data);
        let pages = state.walk_pages + 1;
        match page.next_page {
            Some(next) => {
                let kept = self
                    .index
                    .walk_page(&self.holder, &received, &next, self.config.lease)
                    .await?;
                if kept && pages % LOG_EVERY == 0 {
                    let profiles = state.walk_profiles + i64::try_from(received.len()).unwrap_or(0);
                    tracing::info!(walk = state.walk, pages, profiles, "index walk progress");
                }
            }
            None => {
                let started = state.walk_started_at.as_deref().and_then(parse);
                if let Some(done) = self
                    .index
                    .finish_walk(&self.holder, &received, started)
                    .await?
                {
                    tracing::info!(
                        walk = state.walk,
                        pages,
                        profiles = done.profiles,
                        gone = done.gone,
                        seconds = done.seconds,
                        "index walk complete"
                    );
                    crate::telemetry::count(crate::telemetry::name::INDEX_WALKS, "complete");
                }
            }
        }
        Ok(())
    }

    /// One step of the program pass: retrieves the profile whose programs are most due
    /// and writes what the retrieve reported. A profile that is gone, or whose retrieve
    /// is refused, goes to the end of the cycle; any other failure is the step's.
    async fn check_programs(&mut self, id: &ProfileId) -> Result<(), StepError> {
        self.pace().await;
        match self.client.get(id).await {
            Ok(reply) => {
                let received = Received::from_profile(&reply.value, How::Retrieve);
                self.index.upsert(std::slice::from_ref(&received)).await?;
            }
            Err(e) if e.kind == ErrorKind::NotFound => {
                self.index.mark_gone(id.as_str()).await?;
                self.index.program_check_skipped(id).await?;
            }
            Err(e) if e.kind == ErrorKind::InvalidRequest => {
                tracing::warn!(%id, error = %e, "the program pass could not retrieve a profile; it goes to the end of the cycle");
                self.index.program_check_skipped(id).await?;
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// Newest first, until a profile the index knows.
    async fn pick_up_new(&mut self) -> Result<(), StepError> {
        let mut cursor = None;
        let mut added = 0usize;
        loop {
            self.pace().await;
            let query = ListQuery {
                limit: PageSize::new(WALK_PAGE).expect("the API's largest page"),
                order: Order::Desc,
                page: cursor,
                enforcement: None,
            };
            let page = self.client.list_raw(&query).await?.value;
            let mut fresh = Vec::new();
            let mut reached_known = false;
            for r in received(page.data) {
                if self.index.knows(r.profile.id.as_str()).await? {
                    reached_known = true;
                    break;
                }
                fresh.push(r);
            }
            added += fresh.len();
            self.index.upsert(&fresh).await?;
            cursor = page.next_page.and_then(|c| PageCursor::parse(&c).ok());
            if reached_known || cursor.is_none() {
                break;
            }
        }
        if added > 0 {
            self.index.recount().await;
            tracing::info!(added, "new profiles indexed");
        }
        Ok(())
    }
}

/// The profiles of a page; an element that is not a profile is logged and skipped.
fn received(data: Vec<serde_json::Value>) -> Vec<Received> {
    let total = data.len();
    let observed_at = OffsetDateTime::now_utc();
    let kept: Vec<_> = data
        .into_iter()
        .filter_map(|value| Received::from_value(value, observed_at))
        .collect();
    if kept.len() < total {
        tracing::warn!(
            skipped = total - kept.len(),
            "list items without an id or creation time were not indexed"
        );
    }
    kept
}

/// What a complete walk found.
struct WalkDone {
    profiles: i64,
    gone: u64,
    seconds: f64,
}

/// The sync's rows: the lease, the walk's progress, errors and requests.
impl Index {
    pub async fn sync_state(&self) -> Result<SyncState, sqlx::Error> {
        let row = sqlx::query(
            "SELECT walk, walk_running, walk_cursor, walk_started_at, walk_pages, walk_profiles, \
             last_complete_at, last_complete_count, last_complete_seconds, last_error, \
             last_error_at, refresh_requested_at, lease_holder, lease_until \
             FROM index_sync WHERE id = 1",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(SyncState {
            walk: row.try_get("walk")?,
            walk_running: row.try_get::<i32, _>("walk_running")? != 0,
            walk_cursor: row.try_get("walk_cursor")?,
            walk_started_at: row.try_get("walk_started_at")?,
            walk_pages: row.try_get("walk_pages")?,
            walk_profiles: row.try_get("walk_profiles")?,
            last_complete_at: row.try_get("last_complete_at")?,
            last_complete_count: row.try_get("last_complete_count")?,
            last_complete_seconds: row.try_get("last_complete_seconds")?,
            last_error: row.try_get("last_error")?,
            last_error_at: row.try_get("last_error_at")?,
            refresh_requested_at: row.try_get("refresh_requested_at")?,
            lease_holder: row.try_get("lease_holder")?,
            lease_until: row.try_get("lease_until")?,
        })
    }

    /// Takes or renews the lease; `false` while another console holds a live one.
    async fn take_lease(
        &self,
        holder: &str,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "UPDATE index_sync SET lease_holder = $1, lease_until = $2 WHERE id = 1 \
             AND (lease_holder IS NULL OR lease_holder = $1 OR lease_until < $3)",
        )
        .bind(holder)
        .bind(stamp(now + lease))
        .bind(stamp(now))
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Starts a new walk (a new generation: what it does not see is gone at its end).
    /// `false` if the lease was lost meanwhile.
    async fn start_walk(&self, holder: &str) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "UPDATE index_sync SET walk = walk + 1, walk_running = 1, walk_cursor = NULL, \
             walk_started_at = $1, walk_pages = 0, walk_profiles = 0, \
             refresh_requested_at = NULL WHERE id = 1 AND lease_holder = $2",
        )
        .bind(stamp(OffsetDateTime::now_utc()))
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Writes one page of a walk and where the walk goes on, together, renewing the
    /// lease. `false` (and nothing written) if another console took the lease.
    async fn walk_page(
        &self,
        holder: &str,
        profiles: &[Received],
        next: &str,
        lease: Duration,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        self.upsert_in(&mut tx, profiles).await?;
        let result = sqlx::query(
            "UPDATE index_sync SET walk_cursor = $1, walk_pages = walk_pages + 1, \
             walk_profiles = walk_profiles + $2, lease_until = $3 \
             WHERE id = 1 AND lease_holder = $4 AND walk_running = 1",
        )
        .bind(next)
        .bind(i64::try_from(profiles.len()).unwrap_or(0))
        .bind(stamp(OffsetDateTime::now_utc() + lease))
        .bind(holder)
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 1 {
            tx.commit().await?;
            Ok(true)
        } else {
            tx.rollback().await?;
            Ok(false)
        }
    }

    /// Writes the last page, marks gone what this walk did not see, and records the walk
    /// as complete. `None` (and nothing written) if another console took the lease.
    async fn finish_walk(
        &self,
        holder: &str,
        profiles: &[Received],
        started: Option<OffsetDateTime>,
    ) -> Result<Option<WalkDone>, sqlx::Error> {
        let now = OffsetDateTime::now_utc();
        let seconds = started.map_or(0.0, |s| (now - s).as_seconds_f64().max(0.0));
        let mut tx = self.begin_write().await?;
        self.upsert_in(&mut tx, profiles).await?;
        let result = sqlx::query(
            "UPDATE index_sync SET walk_running = 0, walk_cursor = NULL, \
             walk_pages = walk_pages + 1, walk_profiles = walk_profiles + $1, \
             last_complete_at = $2, last_complete_count = walk_profiles + $1, \
             last_complete_seconds = $3, last_error = NULL, last_error_at = NULL \
             WHERE id = 1 AND lease_holder = $4 AND walk_running = 1",
        )
        .bind(i64::try_from(profiles.len()).unwrap_or(0))
        .bind(stamp(now))
        .bind(seconds)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        let gone_at = stamp(now);
        let gone = sqlx::query(
            "UPDATE indexed_profiles SET gone_at = $1 WHERE gone_at IS NULL \
             AND seen_walk < (SELECT walk FROM index_sync WHERE id = 1)",
        )
        .bind(&gone_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        drop_side_rows(
            &mut tx,
            "SELECT id FROM indexed_profiles WHERE gone_at = $1",
            &gone_at,
        )
        .await?;
        let profiles: i64 =
            sqlx::query_scalar("SELECT last_complete_count FROM index_sync WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        self.recount().await;
        // The queue's and the overview's kept counts may be from before the walk (from
        // an empty index, on a first start): the next page counts afresh.
        self.forget_counts();
        if let Err(e) = self.optimize().await {
            tracing::warn!(error = %e, "cannot refresh the index's statistics");
        }
        Ok(Some(WalkDone {
            profiles,
            gone,
            seconds,
        }))
    }

    async fn record_error(&self, message: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE index_sync SET last_error = $1, last_error_at = $2 WHERE id = 1")
            .bind(message)
            .bind(stamp(OffsetDateTime::now_utc()))
            .execute(&self.pool)
            .await
            .map(drop)
    }

    /// Asks for a complete walk soon, whichever console syncs, and wakes this console's.
    pub async fn request_refresh(&self) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE index_sync SET refresh_requested_at = $1 \
             WHERE id = 1 AND refresh_requested_at IS NULL",
        )
        .bind(stamp(OffsetDateTime::now_utc()))
        .execute(&self.pool)
        .await?;
        self.wake();
        Ok(())
    }

    /// How fresh the index is; the last error and the refresh button only for an `admin`.
    pub async fn status(&self, admin: bool) -> Result<IndexStatus, sqlx::Error> {
        let state = self.sync_state().await?;
        let indexed = self.count().await?;
        let now = OffsetDateTime::now_utc();
        let walk = state.walk_running.then(|| {
            let started_at = state.walk_started_at.as_deref().and_then(parse);
            let elapsed = started_at.map_or(0.0, |s| (now - s).as_seconds_f64());
            let profiles = u64::try_from(state.walk_profiles).unwrap_or(0);
            let rate = if elapsed > 0.0 {
                profiles as f64 / elapsed
            } else {
                0.0
            };
            let remaining_seconds = state
                .last_complete_count
                .and_then(|total| u64::try_from(total).ok())
                .filter(|_| rate > 0.0)
                .map(|total| (total.saturating_sub(profiles) as f64 / rate).round() as u64);
            WalkProgress {
                pages: u64::try_from(state.walk_pages).unwrap_or(0),
                profiles,
                started_at,
                rate,
                remaining_seconds,
            }
        });
        Ok(IndexStatus {
            indexed,
            waiting_writes: self.waiting_writes(),
            last_complete_at: state.last_complete_at.as_deref().and_then(parse),
            walk,
            last_error: state.last_error.filter(|_| admin),
            last_error_at: state
                .last_error_at
                .as_deref()
                .and_then(parse)
                .filter(|_| admin),
            refresh_requested: state.refresh_requested_at.is_some(),
            can_refresh: admin,
            programs_backlog: None,
        })
    }
}

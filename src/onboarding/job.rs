//! Import jobs as the console's database keeps them (migrations/0009_import_jobs.sql,
//! docs/onboarding.md, "Running a job"): a checked file's plan, one row per line, each
//! with the request it sends and where it stands. Every process that runs or shows a job
//! (a console instance, `profiles-admin import`) reads and writes it here, so that a job
//! outlives the process that started it.

use crate::audit::Change;
use crate::auth::Role;
use crate::db::Database;
use crate::onboarding::plan::{Counts, Kind, Outcome, Planned};
use crate::profiles::model::{ApiVersion, WireBody};
use crate::timestamp::stamp_now;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row as _};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Dry run done, nothing sent: "Start import" runs it.
    Checked,
    Running,
    Paused,
    Cancelled,
    /// Every row sent or failed.
    Finished,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Checked => "checked",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Cancelled => "cancelled",
            Self::Finished => "finished",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        [
            Self::Checked,
            Self::Running,
            Self::Paused,
            Self::Cancelled,
            Self::Finished,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    /// A job that may still send something.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Checked | Self::Running | Self::Paused)
    }
}

/// A job, without its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub file_sha256: String,
    pub file_name: String,
    pub actor: String,
    pub role: Role,
    pub version: ApiVersion,
    pub state: State,
    pub created_at: String,
}

/// Where a row stands (`import_rows.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// To be sent.
    Waiting,
    /// Sent, or about to be, with no outcome recorded: it may have reached the API.
    Sending,
    Done,
    Failed,
    /// The dry run found it in error: never sent.
    Error,
}

impl RowState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Sending => "sending",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Error => "error",
        }
    }
}

/// What a row sent, once it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Created,
    Updated,
    Unchanged,
}

impl Done {
    fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
        }
    }
}

/// A row to send (or to look for, when it was in flight).
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub external_id: String,
    /// Create or update.
    pub plan: Kind,
    /// The profile an update changes.
    pub profile_id: Option<String>,
    pub body: WireBody,
    pub changes: Vec<Change>,
    /// Sends begun so far.
    pub attempts: u32,
    /// When the latest send began (RFC 3339).
    pub began_at: Option<String>,
    /// The pending audit entry of the latest send.
    pub audit_id: Option<String>,
}

/// A row a link can be minted for: a profile the job created or updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarded {
    pub line: u64,
    pub external_id: String,
    pub profile_id: String,
    pub name: Option<String>,
}

/// A row as the dry run planned it, for the job's page: what it asks, or why it cannot
/// run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    pub line: u64,
    pub external_id: String,
    /// Empty for a create or a row in error.
    pub profile_id: String,
    pub changes: Vec<Change>,
    /// The row's errors, one per line; empty unless it is in error.
    pub errors: String,
}

/// A row as the job's report gives it: the dry run's outcome, and where it stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub line: u64,
    pub external_id: String,
    /// The dry run's outcome: create, update, unchanged or error.
    pub plan: String,
    pub profile_id: String,
    pub changes: Vec<Change>,
    /// The row's errors, or why its send failed.
    pub why: String,
    /// created, updated, unchanged; waiting, sending, failed; empty for a row in error.
    pub result: String,
}

/// A failed or erroneous row, for the job's page and the command's standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub external_id: String,
    pub why: String,
}

/// A job's rows by where they stand: the progress bar's figures, and the command's JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub rows: u64,
    pub waiting: u64,
    pub sending: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// In error at the dry run: never sent.
    pub error: u64,
}

impl Progress {
    /// Rows still to send.
    pub fn left(&self) -> u64 {
        self.waiting + self.sending
    }

    /// The rows the job sends (planned create or update), done or failed.
    pub fn settled(&self) -> u64 {
        self.created + self.updated + self.failed
    }
}

/// The job's own request budget: its sends share it with nothing else (the index sync
/// and people's requests have their own).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Most sends begun per second.
    pub per_second: f64,
    /// Most sends waiting for an answer at once.
    pub concurrency: usize,
}

impl Budget {
    /// Rows taken per batch: the job's state and claim are read again between batches,
    /// so a batch lasts a few seconds, and a pause takes effect within seconds.
    pub(super) fn batch(&self) -> u32 {
        let in_a_few_seconds = (self.per_second * 5.0).ceil() as u32;
        in_a_few_seconds.clamp(1, 200).max(self.concurrency as u32)
    }
}

/// The import tables of the console's database.
#[derive(Debug, Clone)]
pub struct Jobs {
    pool: AnyPool,
}

/// Rows written per statement when a plan is stored.
const INSERT_ROWS: usize = 100;

impl Jobs {
    pub fn new(db: &Database) -> Self {
        Self {
            pool: db.pool().clone(),
        }
    }

    /// A new job in state [`State::Checked`], its rows added by [`Jobs::add_rows`].
    pub async fn create(
        &self,
        file_sha256: &str,
        file_name: &str,
        actor: &str,
        role: Role,
        version: ApiVersion,
    ) -> Result<Job, sqlx::Error> {
        let job = Job {
            id: format!("job_{:024x}", rand::random::<u128>() >> 32),
            file_sha256: file_sha256.to_owned(),
            file_name: file_name.to_owned(),
            actor: actor.to_owned(),
            role,
            version,
            state: State::Checked,
            created_at: stamp_now(),
        };
        sqlx::query(
            "INSERT INTO import_jobs (id, file_sha256, file_name, actor, role, api_version, \
             state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&job.id)
        .bind(&job.file_sha256)
        .bind(&job.file_name)
        .bind(&job.actor)
        .bind(job.role.as_str())
        .bind(job.version.as_str())
        .bind(job.state.as_str())
        .bind(&job.created_at)
        .execute(&self.pool)
        .await?;
        Ok(job)
    }

    /// Adds planned rows to a job: unchanged rows are done at once, rows in error never
    /// run, the others wait to be sent.
    pub async fn add_rows(&self, job: &str, rows: &[Planned]) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        for chunk in rows.chunks(INSERT_ROWS) {
            let places: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let n = i * 10;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        n + 1,
                        n + 2,
                        n + 3,
                        n + 4,
                        n + 5,
                        n + 6,
                        n + 7,
                        n + 8,
                        n + 9,
                        n + 10
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO import_rows (job_id, line, external_id, plan, profile_id, body, \
                 changes, errors, state, result) VALUES {}",
                places.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for planned in chunk {
                let (profile_id, body, changes, errors, state, result) = match &planned.outcome {
                    Outcome::Create { body, changes } => (
                        None,
                        Some(body.as_value().to_string()),
                        Some(changes_json(changes)),
                        None,
                        RowState::Waiting,
                        None,
                    ),
                    Outcome::Update { id, body, changes } => (
                        Some(id.clone()),
                        Some(body.as_value().to_string()),
                        Some(changes_json(changes)),
                        None,
                        RowState::Waiting,
                        None,
                    ),
                    Outcome::Unchanged { id } => (
                        Some(id.clone()),
                        None,
                        None,
                        None,
                        RowState::Done,
                        Some(Done::Unchanged.as_str()),
                    ),
                    Outcome::Error(_) => (
                        None,
                        None,
                        None,
                        Some(planned.outcome.errors_text()),
                        RowState::Error,
                        None,
                    ),
                };
                query = query
                    .bind(job.to_owned())
                    .bind(i64::try_from(planned.line).unwrap_or(i64::MAX))
                    .bind(planned.external_id.clone())
                    .bind(planned.outcome.kind().as_str())
                    .bind(profile_id)
                    .bind(body)
                    .bind(changes)
                    .bind(errors)
                    .bind(state.as_str())
                    .bind(result);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await
    }

    pub async fn get(&self, id: &str) -> Result<Option<Job>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    /// The newest jobs, newest first: the import page's list.
    pub async fn recent(&self, limit: u32) -> Result<Vec<Job>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM import_jobs ORDER BY created_at DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job).collect()
    }

    /// Rows from `after_line` on, in the file's order, for the job's report.
    pub async fn report(
        &self,
        job: &str,
        after_line: u64,
        limit: u32,
    ) -> Result<Vec<ReportRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT line, external_id, plan, COALESCE(profile_id, '') AS profile_id, changes, \
             COALESCE(failure, errors, '') AS why, \
             CASE state WHEN $2 THEN COALESCE(result, '') WHEN $3 THEN '' ELSE state END \
             AS result FROM import_rows WHERE job_id = $1 AND line > $4 ORDER BY line LIMIT $5",
        )
        .bind(job)
        .bind(RowState::Done.as_str())
        .bind(RowState::Error.as_str())
        .bind(line_number(after_line))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let changes: Option<String> = r.try_get("changes")?;
                Ok(ReportRow {
                    line: line_of(r)?,
                    external_id: r.try_get("external_id")?,
                    plan: r.try_get("plan")?,
                    profile_id: r.try_get("profile_id")?,
                    changes: changes
                        .and_then(|c| serde_json::from_str(&c).ok())
                        .unwrap_or_default(),
                    why: r.try_get("why")?,
                    result: r.try_get("result")?,
                })
            })
            .collect()
    }

    /// The newest job still open for this file (by content), actor and version: the one a
    /// second `import` of the same file resumes.
    pub async fn open_for(
        &self,
        file_sha256: &str,
        actor: &str,
        version: ApiVersion,
    ) -> Result<Option<Job>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM import_jobs WHERE file_sha256 = $1 AND actor = $2 \
             AND api_version = $3 AND state IN ($4, $5, $6) ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(file_sha256)
        .bind(actor)
        .bind(version.as_str())
        .bind(State::Checked.as_str())
        .bind(State::Running.as_str())
        .bind(State::Paused.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    /// Moves a job to `to` if it is in one of `from`; whether it moved.
    pub async fn set_state(
        &self,
        id: &str,
        from: &[State],
        to: State,
    ) -> Result<bool, sqlx::Error> {
        let places: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 4)).collect();
        let sql = format!(
            "UPDATE import_jobs SET state = $1, updated_at = $2 WHERE id = $3 AND state IN ({})",
            places.join(", ")
        );
        let mut query = sqlx::query(&sql)
            .bind(to.as_str())
            .bind(stamp_now())
            .bind(id);
        for state in from {
            query = query.bind(state.as_str());
        }
        Ok(query.execute(&self.pool).await?.rows_affected() == 1)
    }

    /// Takes (or renews) the right to run a job until `until`: granted when nobody holds
    /// it, `runner` already does, or the holder's lease ran out (it stopped, or lost its
    /// database) by `now`.
    pub async fn lease(
        &self,
        id: &str,
        runner: &str,
        now: &str,
        until: &str,
    ) -> Result<bool, sqlx::Error> {
        let taken = sqlx::query(
            "UPDATE import_jobs SET runner = $1, lease_until = $2 WHERE id = $3 \
             AND (runner IS NULL OR runner = $1 OR lease_until < $4)",
        )
        .bind(runner)
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(taken.rows_affected() == 1)
    }

    /// Gives the right to run a job back, so that another process may take it at once.
    pub async fn release(&self, id: &str, runner: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE import_jobs SET runner = NULL, lease_until = '' WHERE id = $1 AND runner = $2",
        )
        .bind(id)
        .bind(runner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Running jobs nobody holds (a console stopped while running them): each console
    /// takes them on at start and whenever it looks.
    pub async fn unheld(&self, now: &str) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id FROM import_jobs WHERE state = $1 AND lease_until < $2 ORDER BY created_at",
        )
        .bind(State::Running.as_str())
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// Up to `limit` rows in `state`, in the file's order.
    pub async fn rows(
        &self,
        job: &str,
        state: RowState,
        limit: u32,
    ) -> Result<Vec<Row>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT line, external_id, plan, profile_id, body, changes, attempts, began_at, \
             audit_id FROM import_rows WHERE job_id = $1 AND state = $2 ORDER BY line LIMIT $3",
        )
        .bind(job)
        .bind(state.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// A send begins: its audit entry is `audit_id`.
    pub async fn sending(&self, job: &str, line: u64, audit_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE import_rows SET state = $1, attempts = attempts + 1, began_at = $2, \
             audit_id = $3 WHERE job_id = $4 AND line = $5",
        )
        .bind(RowState::Sending.as_str())
        .bind(stamp_now())
        .bind(audit_id)
        .bind(job)
        .bind(line_number(line))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn done(
        &self,
        job: &str,
        line: u64,
        done: Done,
        profile_id: &str,
        name: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE import_rows SET state = $1, result = $2, profile_id = $3, name = $4, \
             failure = NULL WHERE job_id = $5 AND line = $6",
        )
        .bind(RowState::Done.as_str())
        .bind(done.as_str())
        .bind(profile_id)
        .bind(name)
        .bind(job)
        .bind(line_number(line))
        .execute(&self.pool)
        .await?;
        crate::telemetry::count(crate::telemetry::name::IMPORT_ROWS, done.as_str());
        Ok(())
    }

    /// The row failed, or (`state` waiting) is to be sent again, with why.
    pub async fn settle(
        &self,
        job: &str,
        line: u64,
        state: RowState,
        why: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE import_rows SET state = $1, failure = $2 WHERE job_id = $3 AND line = $4",
        )
        .bind(state.as_str())
        .bind(why)
        .bind(job)
        .bind(line_number(line))
        .execute(&self.pool)
        .await?;
        let outcome = match state {
            RowState::Waiting => "to_resend",
            _ => state.as_str(),
        };
        crate::telemetry::count(crate::telemetry::name::IMPORT_ROWS, outcome);
        Ok(())
    }

    /// Failed rows wait to be sent again, with a fresh count of attempts; the number.
    pub async fn retry_failed(&self, job: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE import_rows SET state = $1, attempts = 0 WHERE job_id = $2 AND state = $3",
        )
        .bind(RowState::Waiting.as_str())
        .bind(job)
        .bind(RowState::Failed.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The job's rows counted by where they stand: one indexed pass over at most
    /// 100,000 rows.
    pub async fn progress(&self, job: &str) -> Result<Progress, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT state, COALESCE(result, '') AS result, COUNT(*) AS n FROM import_rows \
             WHERE job_id = $1 GROUP BY state, result",
        )
        .bind(job)
        .fetch_all(&self.pool)
        .await?;
        let mut progress = Progress::default();
        for row in &rows {
            let state: String = row.try_get("state")?;
            let result: String = row.try_get("result")?;
            let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
            progress.rows += n;
            *match (state.as_str(), result.as_str()) {
                ("waiting", _) => &mut progress.waiting,
                ("sending", _) => &mut progress.sending,
                ("done", "created") => &mut progress.created,
                ("done", "updated") => &mut progress.updated,
                ("done", _) => &mut progress.unchanged,
                ("failed", _) => &mut progress.failed,
                _ => &mut progress.error,
            } += n;
        }
        Ok(progress)
    }

    /// The dry run's counts: rows by what it planned.
    pub async fn planned(&self, job: &str) -> Result<Counts, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT plan, COUNT(*) AS n FROM import_rows WHERE job_id = $1 GROUP BY plan",
        )
        .bind(job)
        .fetch_all(&self.pool)
        .await?;
        let mut counts = Counts::default();
        for row in &rows {
            let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
            *match row.try_get::<String, _>("plan")?.as_str() {
                "create" => &mut counts.create,
                "update" => &mut counts.update,
                "unchanged" => &mut counts.unchanged,
                _ => &mut counts.error,
            } += n;
        }
        Ok(counts)
    }

    /// The first `limit` rows the dry run planned as `plan`, in the file's order, for
    /// the job's page.
    pub async fn planned_rows(
        &self,
        job: &str,
        plan: Kind,
        limit: u32,
    ) -> Result<Vec<PlannedRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT line, external_id, COALESCE(profile_id, '') AS profile_id, changes, \
             COALESCE(errors, '') AS errors FROM import_rows \
             WHERE job_id = $1 AND plan = $2 ORDER BY line LIMIT $3",
        )
        .bind(job)
        .bind(plan.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let changes: Option<String> = r.try_get("changes")?;
                let changes: Vec<Change> = changes
                    .and_then(|c| serde_json::from_str(&c).ok())
                    .unwrap_or_default();
                Ok(PlannedRow {
                    line: line_of(r)?,
                    external_id: r.try_get("external_id")?,
                    profile_id: r.try_get("profile_id")?,
                    changes,
                    errors: r.try_get("errors")?,
                })
            })
            .collect()
    }

    /// Failed rows, then rows in error, from `after_line` on, in the file's order.
    pub async fn problems(
        &self,
        job: &str,
        state: RowState,
        after_line: u64,
        limit: u32,
    ) -> Result<Vec<Problem>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT line, external_id, COALESCE(failure, errors, '') AS why FROM import_rows \
             WHERE job_id = $1 AND state = $2 AND line > $3 ORDER BY line LIMIT $4",
        )
        .bind(job)
        .bind(state.as_str())
        .bind(line_number(after_line))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Problem {
                    line: line_of(r)?,
                    external_id: r.try_get("external_id")?,
                    why: r.try_get("why")?,
                })
            })
            .collect()
    }

    /// Profiles the job created or updated, from `after_line` on, in the file's order;
    /// with `unsent`, only those no link was minted for yet.
    pub async fn onboarded(
        &self,
        job: &str,
        after_line: u64,
        unsent: bool,
        limit: u32,
    ) -> Result<Vec<Onboarded>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT line, external_id, profile_id, name FROM import_rows \
             WHERE job_id = $1 AND state = $2 AND result IN ($3, $4) AND line > $5 \
             AND ($6 = 0 OR links_at IS NULL) ORDER BY line LIMIT $7",
        )
        .bind(job)
        .bind(RowState::Done.as_str())
        .bind(Done::Created.as_str())
        .bind(Done::Updated.as_str())
        .bind(line_number(after_line))
        .bind(i64::from(unsent))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Onboarded {
                    line: line_of(r)?,
                    external_id: r.try_get("external_id")?,
                    profile_id: r.try_get("profile_id")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    /// Keeps a posted file for `actor` (and forgets files older than a day): its id.
    pub async fn keep_upload(
        &self,
        actor: &str,
        file_name: &str,
        content: &str,
    ) -> Result<String, sqlx::Error> {
        let day_ago =
            crate::timestamp::stamp(time::OffsetDateTime::now_utc() - time::Duration::days(1));
        sqlx::query("DELETE FROM import_uploads WHERE created_at < $1")
            .bind(day_ago)
            .execute(&self.pool)
            .await?;
        let id = format!("upl_{:032x}", rand::random::<u128>());
        sqlx::query(
            "INSERT INTO import_uploads (id, actor, file_name, content, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(actor)
        .bind(file_name)
        .bind(content)
        .bind(stamp_now())
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// A kept file's name and content, if `actor` posted it.
    pub async fn upload(
        &self,
        id: &str,
        actor: &str,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT file_name, content FROM import_uploads WHERE id = $1 AND actor = $2",
        )
        .bind(id)
        .bind(actor)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get("file_name")?, r.try_get("content")?)))
            .transpose()
    }

    pub async fn forget_upload(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM import_uploads WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A link was minted for the row's profile (the link itself is never kept).
    pub async fn linked(&self, job: &str, line: u64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE import_rows SET links_at = $1 WHERE job_id = $2 AND line = $3")
            .bind(stamp_now())
            .bind(job)
            .bind(line_number(line))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

const JOB_COLUMNS: &str = "id, file_sha256, file_name, actor, role, api_version, state, created_at";

fn job(row: &AnyRow) -> Result<Job, sqlx::Error> {
    let bad = |what: &str| sqlx::Error::Decode(format!("import job with an unknown {what}").into());
    Ok(Job {
        id: row.try_get("id")?,
        file_sha256: row.try_get("file_sha256")?,
        file_name: row.try_get("file_name")?,
        actor: row.try_get("actor")?,
        role: Role::parse(&row.try_get::<String, _>("role")?).ok_or_else(|| bad("role"))?,
        version: ApiVersion::for_console(&row.try_get::<String, _>("api_version")?)
            .ok()
            .ok_or_else(|| bad("API version"))?,
        state: State::parse(&row.try_get::<String, _>("state")?).ok_or_else(|| bad("state"))?,
        created_at: row.try_get("created_at")?,
    })
}

fn row(r: &AnyRow) -> Result<Row, sqlx::Error> {
    let bad = |what: &str| sqlx::Error::Decode(format!("import row with a bad {what}").into());
    let plan = match r.try_get::<String, _>("plan")?.as_str() {
        "create" => Kind::Create,
        "update" => Kind::Update,
        _ => return Err(bad("plan")),
    };
    let body: String = r.try_get("body")?;
    let changes: Option<String> = r.try_get("changes")?;
    Ok(Row {
        line: line_of(r)?,
        external_id: r.try_get("external_id")?,
        plan,
        profile_id: r.try_get("profile_id")?,
        body: WireBody::from_kept(serde_json::from_str(&body).map_err(|_| bad("body"))?),
        changes: changes
            .map(|c| serde_json::from_str(&c))
            .transpose()
            .map_err(|_| bad("changes"))?
            .unwrap_or_default(),
        attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        began_at: r.try_get("began_at")?,
        audit_id: r.try_get("audit_id")?,
    })
}

fn changes_json(changes: &[Change]) -> String {
    serde_json::to_string(changes).expect("changes serialize")
}

/// A row's line, as stored.
fn line_of(r: &AnyRow) -> Result<u64, sqlx::Error> {
    u64::try_from(r.try_get::<i64, _>("line")?)
        .map_err(|_| sqlx::Error::Decode("import row with a negative line".into()))
}

fn line_number(line: u64) -> i64 {
    i64::try_from(line).unwrap_or(i64::MAX)
}

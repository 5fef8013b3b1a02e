//! The import pages' server functions (docs/onboarding.md, "The import page"): the page's
//! templates and recent jobs, and one job as its page shows it, in words.

#[cfg(feature = "ssr")]
use crate::auth::authorized::Authorized;
#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const IMPORT_PATH: &str = "/onboarding";
/// Rows of each kind a job's page lists; the report has them all.
pub const LISTED: u32 = 100;

/// A job's page.
pub fn job_href(id: &str) -> String {
    format!("{IMPORT_PATH}/jobs/{id}")
}

/// One job in the import page's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobLine {
    pub id: String,
    pub file_name: String,
    pub actor: String,
    pub state: String,
    pub created_at: String,
}

/// The import page: the version's template and columns, and the newest jobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportHome {
    pub version: String,
    /// The header of the version's template, the columns the console recognises.
    pub columns: Vec<String>,
    pub jobs: Vec<JobLine>,
}

/// A row listed on a job's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowLine {
    pub line: u64,
    pub external_id: String,
    pub profile_id: String,
    pub what: String,
}

/// Where a job's sending stands, as its progress bar shows it (and the bar in the
/// browser asks again while the job runs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressNow {
    /// Rows to send (create or update planned), and those settled so far.
    pub to_send: u64,
    pub settled: u64,
    /// The same in words: created, updated, failed, time left.
    pub words: String,
    pub running: bool,
}

/// A job as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobPage {
    pub job: JobLine,
    /// What the dry run found: create, update, unchanged, error.
    pub planned: [u64; 4],
    pub rows: u64,
    pub progress: ProgressNow,
    pub failed: u64,
    /// Profiles the job created or updated (a link can be minted for each), and those
    /// none was minted for yet.
    pub onboarded: u64,
    /// The first rows of each kind: planned creates, updates, rows in error, failed rows.
    pub creates: Vec<RowLine>,
    pub updates: Vec<RowLine>,
    pub errors: Vec<RowLine>,
    pub failures: Vec<RowLine>,
    pub can_links: bool,
}

#[server(endpoint = "onboarding/home")]
pub async fn read_import_home() -> Result<ImportHome, AppError> {
    use crate::onboarding::columns::fields;
    Authorized::require(Permission::ProfilesWrite).await?;
    let state = crate::profiles::service::state()?;
    let version = state.upstream.version();
    let jobs = state
        .jobs
        .recent(20)
        .await
        .map_err(unreadable)?
        .into_iter()
        .map(line)
        .collect();
    let mut columns: Vec<String> = fields(version).iter().map(|c| c.name(version)).collect();
    columns.push("metadata.plan".into());
    Ok(ImportHome {
        version: version.as_str().to_owned(),
        columns,
        jobs,
    })
}

#[server(endpoint = "onboarding/job")]
pub async fn read_job(id: String) -> Result<JobPage, AppError> {
    use crate::onboarding::job::RowState;
    use crate::onboarding::plan::Kind;
    let user = Authorized::require(Permission::ProfilesWrite).await?;
    let state = crate::profiles::service::state()?;
    let jobs = &state.jobs;
    let job = jobs
        .get(&id)
        .await
        .map_err(unreadable)?
        .ok_or(AppError::NotFound)?;
    let planned = jobs.planned(&job.id).await.map_err(unreadable)?;
    let progress = jobs.progress(&job.id).await.map_err(unreadable)?;
    let (creates, updates, errors) = (
        listed(jobs, &job.id, Kind::Create).await?,
        listed(jobs, &job.id, Kind::Update).await?,
        listed(jobs, &job.id, Kind::Error).await?,
    );
    let failures = jobs
        .problems(&job.id, RowState::Failed, 0, LISTED)
        .await
        .map_err(unreadable)?
        .into_iter()
        .map(|p| RowLine {
            line: p.line,
            external_id: p.external_id,
            profile_id: String::new(),
            what: p.why,
        })
        .collect();
    Ok(JobPage {
        planned: [
            planned.create,
            planned.update,
            planned.unchanged,
            planned.error,
        ],
        rows: progress.rows,
        progress: progress_now(&job, &progress, state.import_budget.per_second),
        failed: progress.failed,
        onboarded: progress.created + progress.updated,
        creates,
        updates,
        errors,
        failures,
        can_links: user.user().may(Permission::EnrollmentCreate),
        job: line(job),
    })
}

#[server(endpoint = "onboarding/progress")]
pub async fn read_progress(id: String) -> Result<ProgressNow, AppError> {
    Authorized::require(Permission::ProfilesWrite).await?;
    let state = crate::profiles::service::state()?;
    let job = state
        .jobs
        .get(&id)
        .await
        .map_err(unreadable)?
        .ok_or(AppError::NotFound)?;
    let progress = state.jobs.progress(&job.id).await.map_err(unreadable)?;
    Ok(progress_now(
        &job,
        &progress,
        state.import_budget.per_second,
    ))
}

#[cfg(feature = "ssr")]
fn progress_now(
    job: &crate::onboarding::job::Job,
    progress: &crate::onboarding::job::Progress,
    per_second: f64,
) -> ProgressNow {
    let to_send = progress.settled() + progress.left();
    let mut words = format!(
        "{} of {to_send} rows sent: {} created, {} updated, {} failed",
        progress.settled(),
        progress.created,
        progress.updated,
        progress.failed
    );
    if progress.left() > 0 {
        let left = crate::onboarding::run::time_left(progress, per_second).as_secs();
        words.push_str(&format!(", about {}m{:02}s left", left / 60, left % 60));
    }
    ProgressNow {
        to_send,
        settled: progress.settled(),
        words,
        running: job.state == crate::onboarding::job::State::Running,
    }
}

/// The first rows the dry run planned as `kind`.
#[cfg(feature = "ssr")]
async fn listed(
    jobs: &crate::onboarding::job::Jobs,
    id: &str,
    kind: crate::onboarding::plan::Kind,
) -> Result<Vec<RowLine>, AppError> {
    let rows = jobs
        .planned_rows(id, kind, LISTED)
        .await
        .map_err(unreadable)?;
    Ok(rows
        .into_iter()
        .map(|r| RowLine {
            line: r.line,
            external_id: r.external_id,
            profile_id: r.profile_id,
            what: if r.errors.is_empty() {
                crate::audit::csv::changes(&r.changes)
            } else {
                r.errors
            },
        })
        .collect())
}

#[cfg(feature = "ssr")]
fn line(job: crate::onboarding::job::Job) -> JobLine {
    JobLine {
        id: job.id,
        file_name: job.file_name,
        actor: job.actor,
        state: job.state.as_str().to_owned(),
        created_at: crate::timestamp::stored_utc(&job.created_at),
    }
}

/// A failure of the import tables, in the words the user is shown (the error itself goes
/// to the log): the one mapping for the pages, their forms and their downloads.
#[cfg(feature = "ssr")]
pub(super) fn unreadable(e: sqlx::Error) -> AppError {
    tracing::error!(error = %e, "cannot read or write import jobs");
    AppError::internal("the import could not be read or saved")
}

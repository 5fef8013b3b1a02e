//! `profiles-admin import FILE --as ACCOUNT [--dry-run] [--links OUT.csv]`: onboarding
//! from a script, on the console's own database (its data directory or `DATABASE_URL`)
//! and the same engine as the console, no running console needed (docs/onboarding.md,
//! "From a script"). Each row in error or failed goes to standard error as
//! `line N: column: rule`, with progress on a terminal; the last line on standard output
//! is one JSON object with the job's id and its counts. Exit status 1 when any row is an
//! error or failed.

use crate::audit::store::AuditLog;
use crate::auth::accounts::Accounts;
use crate::auth::Permission;
use crate::config::ImportArgs;
use crate::db::{Database, Location};
use crate::index::Index;
use crate::onboarding::columns::{columns, Column};
use crate::onboarding::file::CsvFile;
use crate::onboarding::job::Budget;
use crate::onboarding::job::{Job, Jobs, RowState, State};
use crate::onboarding::plan::{Check, Counts, Kind};
use crate::onboarding::run::{self, Ended, Runner};
use crate::onboarding::{links, report};
use crate::profiles::model::ApiVersion;
use crate::upstream::Client;
use sha2::{Digest, Sha256};
use std::io::{IsTerminal, Read, Write};
use std::path::Path;

/// How the command reaches the API when it runs a job (not for a dry run): built only
/// then, since the built-in emulator starts with it.
pub type Connect<'a> =
    Box<dyn FnOnce() -> futures::future::BoxFuture<'a, Result<Client, String>> + 'a>;

/// What the command ends with: the process's exit status (0, or 1 when a row is an
/// error or failed), or why it could not run.
pub async fn run(
    args: ImportArgs,
    version: ApiVersion,
    database: &Location,
    budget: Budget,
    connect: Connect<'_>,
) -> Result<u8, String> {
    let db = Database::open(database).await?;
    let account = Accounts::new(&db)
        .by_name(&args.account)
        .await
        .map_err(|e| e.to_string())?
        .filter(|a| !a.disabled)
        .ok_or_else(|| format!("--as {}: no such active account", args.account))?;
    if !account.role.grants(Permission::ProfilesWrite) {
        return Err(format!(
            "--as {}: the {} role may not {}",
            account.name,
            account.role.as_str(),
            Permission::ProfilesWrite.words()
        ));
    }
    let place = args.file.display().to_string();
    let sha256 = file_sha256(&args.file).map_err(|e| format!("{place}: {e}"))?;
    let jobs = Jobs::new(&db);
    let index = Index::open(&db).await.map_err(String::from)?;
    let log = AuditLog::new(&db);
    let db_error = |e: sqlx::Error| format!("the job cannot be read or written: {e}");
    let resumed = if args.dry_run {
        None
    } else {
        jobs.open_for(&sha256, &account.name, version)
            .await
            .map_err(db_error)?
    };
    let (job, counts) = match resumed {
        Some(job) => {
            eprintln!(
                "resuming {} (this file, checked {})",
                job.id, job.created_at
            );
            (job, None)
        }
        None => {
            let (mut file, columns) = open(&args, version)?;
            let name = args
                .file
                .file_name()
                .map_or_else(|| place.clone(), |n| n.to_string_lossy().into_owned());
            let job = jobs
                .create(&sha256, &name, &account.name, account.role, version)
                .await
                .map_err(db_error)?;
            match check(&args, &mut file, &columns, &job, &jobs, &index).await {
                Ok(counts) => (job, Some(counts)),
                Err(e) => {
                    // Half a plan is never run.
                    jobs.set_state(&job.id, &[State::Checked], State::Cancelled)
                        .await
                        .map_err(db_error)?;
                    return Err(e);
                }
            }
        }
    };
    if let Some(counts) = counts {
        run::note(&log, &job, &format!("checked: {} rows", counts.rows())).await;
    }
    if args.dry_run {
        let counts = counts.unwrap_or_default();
        let mut summary = serde_json::to_value(counts).expect("counts serialize");
        summary["job"] = job.id.clone().into();
        summary["dry_run"] = true.into();
        summary["rows"] = counts.rows().into();
        println!("{summary}");
        return Ok(u8::from(counts.error > 0));
    }
    let runner = Runner {
        jobs: jobs.clone(),
        client: connect().await?,
        index,
        log,
        budget,
        name: Runner::process_name("import"),
    };
    if jobs
        .set_state(&job.id, &[State::Paused], State::Running)
        .await
        .map_err(db_error)?
    {
        runner.note(&job, "resumed").await;
    }
    let terminal = std::io::stderr().is_terminal();
    let settled_before = jobs.progress(&job.id).await.map_err(db_error)?.settled();
    let began = std::time::Instant::now();
    let mut told = false;
    let ended = loop {
        let ended = runner
            .run(&job, |p| {
                if terminal {
                    let left = run::time_left(p, budget.per_second).as_secs();
                    eprint!(
                        "\rsent {} of {} rows, {} failed, about {}m{:02}s left   ",
                        p.settled(),
                        p.settled() + p.left(),
                        p.failed,
                        left / 60,
                        left % 60
                    );
                }
            })
            .await?;
        if ended != Ended::Elsewhere {
            break ended;
        }
        // A process that was stopped keeps its claim until it runs out; a console that
        // runs the job keeps it until the end. Either way, wait for it.
        if !told {
            eprintln!(
                "{} is claimed by another process (one stopped less than {} s ago, or a \
                 console running it): waiting for it",
                job.id,
                run::LEASE.as_secs()
            );
            told = true;
        }
        tokio::time::sleep(run::LEASE / 3).await;
    };
    let sending = began.elapsed();
    if terminal {
        eprintln!();
    }
    match ended {
        Ended::Paused => eprintln!(
            "{} is paused (from the console): run again to resume",
            job.id
        ),
        Ended::Cancelled => eprintln!("{} was cancelled", job.id),
        Ended::Finished | Ended::Elsewhere => {}
    }
    for problem in jobs
        .problems(&job.id, RowState::Failed, 0, u32::MAX)
        .await
        .map_err(db_error)?
    {
        eprintln!("line {}: failed: {}", problem.line, problem.why);
    }
    let minted = match &args.links {
        Some(path) => Some(write_links(&runner, &job, path).await?),
        None => None,
    };
    let progress = jobs.progress(&job.id).await.map_err(db_error)?;
    let mut summary = serde_json::json!({
        "job": job.id,
        "created": progress.created,
        "updated": progress.updated,
        "unchanged": progress.unchanged,
        "failed": progress.failed,
        "error": progress.error,
        "rows": progress.rows,
    });
    if let Some(minted) = minted {
        summary["links"] = minted.into();
    }
    // The pace this command kept: rows it settled over the time it ran the job.
    let sent = progress.settled().saturating_sub(settled_before);
    if sent > 0 {
        let per_second = sent as f64 / sending.as_secs_f64();
        summary["per_second"] = ((per_second * 100.0).round() / 100.0).into();
    }
    println!("{summary}");
    Ok(u8::from(
        progress.failed > 0 || progress.error > 0 || ended != Ended::Finished,
    ))
}

/// The file, its header read and its columns matched (with `--map`).
fn open(
    args: &ImportArgs,
    version: ApiVersion,
) -> Result<(CsvFile<std::fs::File>, Vec<Column>), String> {
    let place = args.file.display().to_string();
    let source = std::fs::File::open(&args.file).map_err(|e| format!("{place}: {e}"))?;
    let file = CsvFile::open(source).map_err(|e| format!("{place}: {e}"))?;
    let mapping = args.map.iter().cloned().collect();
    let columns = columns(file.header(), version, &mapping).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("column \"{}\" {}", e.header, e.message))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok((file, columns))
}

/// The dry run, kept as `job`'s rows (and written to `--report`): the counts.
async fn check(
    args: &ImportArgs,
    file: &mut CsvFile<std::fs::File>,
    columns: &[Column],
    job: &Job,
    jobs: &Jobs,
    index: &Index,
) -> Result<Counts, String> {
    let mut report = args
        .report
        .as_ref()
        .map(|path| {
            std::fs::File::create(path)
                .map(std::io::BufWriter::new)
                .map_err(|e| format!("{}: {e}", path.display()))
        })
        .transpose()?;
    if let Some(out) = report.as_mut() {
        out.write_all(report::HEADER.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let terminal = std::io::stderr().is_terminal();
    let mut rows = 0u64;
    let mut check = Check::new(file, columns, job.version, job.role);
    while let Some(batch) = check.next_batch(index).await.map_err(|e| e.to_string())? {
        for planned in &batch {
            if planned.outcome.kind() == Kind::Error {
                for line in planned.outcome.errors_text().lines() {
                    eprintln!("line {}: {line}", planned.line);
                }
            }
            if let Some(out) = report.as_mut() {
                out.write_all(report::line(planned).as_bytes())
                    .map_err(|e| e.to_string())?;
            }
        }
        jobs.add_rows(&job.id, &batch)
            .await
            .map_err(|e| format!("the job cannot be kept: {e}"))?;
        rows += batch.len() as u64;
        if terminal {
            eprint!("\rchecked {rows} rows");
        }
    }
    if terminal {
        eprintln!("\rchecked {rows} rows");
    }
    if let Some(mut out) = report {
        out.flush().map_err(|e| e.to_string())?;
    }
    Ok(check.counts())
}

/// The links CSV at `path`, readable by its owner alone: it holds credentials.
async fn write_links(runner: &Runner, job: &Job, path: &Path) -> Result<u64, String> {
    let place = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = std::io::BufWriter::new(options.open(path).map_err(|e| format!("{place}: {e}"))?);
    out.write_all(links::HEADER.as_bytes())
        .map_err(|e| format!("{place}: {e}"))?;
    let minted = runner
        .links(
            job,
            (&job.actor, job.role),
            false,
            |line| {
                let written = out
                    .write_all(line.as_bytes())
                    .map_err(|e| format!("{place}: {e}"));
                Box::pin(async move { written })
            },
            |row, why| eprintln!("line {}: no link: {why}", row.line),
        )
        .await?;
    out.flush().map_err(|e| format!("{place}: {e}"))?;
    Ok(minted)
}

/// The file's content hash: the same file run again finds its job by it.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hash = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match file.read(&mut buffer)? {
            0 => return Ok(format!("{:x}", hash.finalize())),
            n => hash.update(&buffer[..n]),
        }
    }
}

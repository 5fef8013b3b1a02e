//! `profiles-admin import FILE --as ACCOUNT --dry-run`: the dry run from a script, on the
//! console's own database (its data directory or `DATABASE_URL`), no running console
//! needed (docs/onboarding.md, "From a script"). Each row in error goes to standard error
//! as `line N: column: rule`, with progress on a terminal; the last line on standard output
//! is one JSON object with the counts. Exit status 1 when any row is an error.

use crate::auth::accounts::Accounts;
use crate::auth::Permission;
use crate::config::ImportArgs;
use crate::db::{Database, Location};
use crate::index::Index;
use crate::onboarding::columns::columns;
use crate::onboarding::file::CsvFile;
use crate::onboarding::plan::{self, Kind, BATCH};
use crate::onboarding::report;
use crate::profiles::model::ApiVersion;
use std::io::{IsTerminal, Write};

/// What the command ends with: the process's exit status (0, or 1 when a row is an
/// error), or why it could not run.
pub async fn run(args: ImportArgs, version: ApiVersion, database: &Location) -> Result<u8, String> {
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
    let source =
        std::fs::File::open(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let mut file = CsvFile::open(source).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let mapping = args.map.iter().cloned().collect();
    let columns = columns(file.header(), version, &mapping).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("column \"{}\" {}", e.header, e.message))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
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
    let index = Index::open(&db).await?;
    let terminal = std::io::stderr().is_terminal();
    let (mut rows, mut written) = (0u64, Ok(()));
    let counts = plan::dry_run(
        &mut file,
        &columns,
        version,
        account.role,
        &index,
        |planned| {
            rows += 1;
            if planned.outcome.kind() == Kind::Error {
                for line in report::errors_text(planned).lines() {
                    eprintln!("line {}: {line}", planned.line);
                }
            }
            if let Some(out) = report.as_mut() {
                if written.is_ok() {
                    written = out.write_all(report::line(planned).as_bytes());
                }
            }
            if terminal && rows % BATCH as u64 == 0 {
                eprint!("\rchecked {rows} rows");
            }
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    if terminal {
        eprintln!("\rchecked {rows} rows");
    }
    if let Some(mut out) = report {
        written
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())?;
    }
    let mut summary = serde_json::to_value(counts).expect("counts serialize");
    summary["dry_run"] = true.into();
    summary["rows"] = rows.into();
    println!("{summary}");
    Ok(u8::from(counts.error > 0))
}

//! The import pages' posts and downloads (docs/onboarding.md, "The import page"), plain
//! HTML forms that work with or without JavaScript:
//! - `POST /onboarding`: a file or pasted rows (multipart), kept in the database until it
//!   is checked, so that the mapping step need not ask for it again and any instance can
//!   check it; checked into a job, then 303 to the job's page; or the page again with why
//!   not, or with the headers to map.
//! - `POST /onboarding/jobs/{id}`: start, pause, resume, cancel, retry the failed rows.
//! - `GET /onboarding/jobs/{id}/report.csv`, `GET /onboarding/template.csv?version=…`.
//! - `POST /onboarding/jobs/{id}/links.csv`: links minted as the file is written.

use crate::auth::authorized::Authorized;
use crate::auth::Permission;
use crate::error::AppError;
use crate::onboarding::columns::{columns, fields};
use crate::onboarding::file::CsvFile;
use crate::onboarding::job::{Job, State};
use crate::onboarding::page::{field, Control, PostedImport, Unmapped};
use crate::onboarding::plan::Check;
use crate::onboarding::run::{self, Runner};
use crate::onboarding::server::{job_href, unreadable, IMPORT_PATH};
use crate::onboarding::{links, report};
use crate::profiles::form::post::{read_form, render, PageRenderer, Pairs};
use crate::profiles::model::ApiVersion;
use crate::state::AppState;
use crate::web::{csv_line, query_param};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Request, State as Shared};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use futures::{SinkExt, StreamExt};
use leptos::prelude::provide_context;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The path whose body may be as large as an import file.
pub const UPLOAD_PATH: &str = IMPORT_PATH;

pub fn routes(renderer: PageRenderer) -> Router<AppState> {
    Router::new()
        .route(UPLOAD_PATH, post(check))
        .route(&format!("{IMPORT_PATH}/template.csv"), get(template))
        .route(&format!("{IMPORT_PATH}/jobs/{{id}}"), post(control))
        .route(
            &format!("{IMPORT_PATH}/jobs/{{id}}/report.csv"),
            get(report_csv),
        )
        .route(
            &format!("{IMPORT_PATH}/jobs/{{id}}/links.csv"),
            post(links_csv),
        )
        .layer(Extension(renderer))
}

/// What the import form posted.
#[derive(Default)]
struct Posted {
    file: Vec<u8>,
    file_name: String,
    rows: String,
    upload: Option<String>,
    mapping: BTreeMap<String, String>,
}

async fn read_posted(request: Request, state: &AppState) -> Result<Posted, AppError> {
    let too_large = || {
        AppError::invalid(vec![crate::error::FieldError::new(
            field::FILE,
            "is larger than 64 MiB: split it into several files",
        )])
    };
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| AppError::internal("the form could not be read"))?;
    let mut posted = Posted::default();
    while let Some(part) = multipart.next_field().await.map_err(|_| too_large())? {
        let name = part.name().unwrap_or_default().to_owned();
        if name == field::FILE {
            posted.file_name = part.file_name().unwrap_or("pasted.csv").to_owned();
            posted.file = part.bytes().await.map_err(|_| too_large())?.to_vec();
        } else {
            let text = part.text().await.map_err(|_| too_large())?;
            if name == field::ROWS {
                posted.rows = text;
            } else if name == field::UPLOAD {
                posted.upload = Some(text);
            } else if let Some(header) = name.strip_prefix(field::MAP) {
                posted.mapping.insert(header.to_owned(), text);
            }
        }
    }
    Ok(posted)
}

/// Why a file cannot be read, in the words of its first problem.
fn unreadable_file(bytes: &[u8]) -> String {
    match CsvFile::open(bytes) {
        Err(e) => e.to_string(),
        Ok(mut file) => loop {
            match file.next_record() {
                Err(e) => break e.to_string(),
                Ok(None) => break "cannot be read as text".to_owned(),
                Ok(Some(_)) => {}
            }
        },
    }
}

async fn check(Shared(state): Shared<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let again = |parts, answer: PostedImport| {
        let state = state.clone();
        async move { render(state, parts, move || provide_context(answer.clone())).await }
    };
    let refused = |error: AppError, rows: String| PostedImport {
        error: Some(error),
        rows,
        upload: None,
        unmapped: Vec::new(),
    };
    let user = match Authorized::require_in(&parts, Permission::ProfilesWrite).await {
        Ok(user) => user,
        Err(e) => return again(parts, refused(e, String::new())).await,
    };
    let posted = match read_posted(Request::from_parts(parts.clone(), body), &state).await {
        Ok(posted) => posted,
        Err(e) => return again(parts, refused(e, String::new())).await,
    };
    let actor = user.user().name.clone();
    let invalid = |message: String| {
        AppError::invalid(vec![crate::error::FieldError::new(field::FILE, message)])
    };
    // The file: kept from the mapping step, or posted now (a file before pasted rows).
    let (upload, file_name, content) = match &posted.upload {
        Some(id) => match state.jobs.upload(id, &actor).await {
            Ok(Some((name, content))) => (id.clone(), name, content),
            Ok(None) => {
                let gone = invalid("was not kept: choose it again".into());
                return again(parts, refused(gone, String::new())).await;
            }
            Err(e) => return again(parts, refused(unreadable(e), String::new())).await,
        },
        None => {
            let (name, bytes) = if posted.file.is_empty() {
                ("pasted rows".to_owned(), posted.rows.clone().into_bytes())
            } else {
                (posted.file_name.clone(), posted.file.clone())
            };
            if bytes.iter().all(u8::is_ascii_whitespace) {
                let none = invalid("is missing: choose a CSV file, or paste rows".into());
                return again(parts, refused(none, posted.rows)).await;
            }
            let content = match String::from_utf8(bytes) {
                Ok(content) => content,
                Err(e) => {
                    let why = invalid(unreadable_file(e.as_bytes()));
                    return again(parts, refused(why, posted.rows)).await;
                }
            };
            match state.jobs.keep_upload(&actor, &name, &content).await {
                Ok(id) => (id, name, content),
                Err(e) => return again(parts, refused(unreadable(e), posted.rows)).await,
            }
        }
    };
    let version = state.upstream.version();
    let mut file = match CsvFile::open(content.as_bytes()) {
        Ok(file) => file,
        Err(e) => return again(parts, refused(invalid(e.to_string()), posted.rows)).await,
    };
    let columns = match columns(file.header(), version, &posted.mapping) {
        Ok(columns) => columns,
        Err(problems) => {
            let answer = PostedImport {
                error: None,
                rows: String::new(),
                upload: Some(upload),
                unmapped: problems
                    .into_iter()
                    .map(|p| Unmapped {
                        header: p.header,
                        message: p.message,
                    })
                    .collect(),
            };
            return again(parts, answer).await;
        }
    };
    let sha256 = format!("{:x}", Sha256::digest(content.as_bytes()));
    let role = user.user().role;
    let job = match state
        .jobs
        .create(&sha256, &file_name, &actor, role, version)
        .await
    {
        Ok(job) => job,
        Err(e) => return again(parts, refused(unreadable(e), posted.rows)).await,
    };
    let mut check = Check::new(&mut file, &columns, version, role);
    let checked = loop {
        match check.next_batch(&state.index).await {
            Ok(Some(batch)) => {
                if let Err(e) = state.jobs.add_rows(&job.id, &batch).await {
                    break Err(unreadable(e).to_string());
                }
            }
            Ok(None) => break Ok(check.counts()),
            Err(e) => break Err(e.to_string()),
        }
    };
    match checked {
        Ok(counts) => {
            run::note(
                &state.audit,
                &job,
                &format!("checked: {} rows", counts.rows()),
            )
            .await;
            if let Err(e) = state.jobs.forget_upload(&upload).await {
                tracing::warn!(error = %e, "cannot forget a checked upload");
            }
            Redirect::to(&job_href(&job.id)).into_response()
        }
        Err(e) => {
            // Half a plan is never run.
            let _ = state
                .jobs
                .set_state(&job.id, &[State::Checked], State::Cancelled)
                .await;
            again(parts, refused(invalid(e), posted.rows)).await
        }
    }
}

/// The runner of the console's jobs, from its state.
fn runner(state: &AppState) -> Runner {
    Runner {
        jobs: state.jobs.clone(),
        client: state.upstream.clone(),
        index: state.index.clone(),
        log: state.audit.clone(),
        budget: state.import_budget,
        name: Runner::process_name("console"),
    }
}

/// Runs a job in the background of this console, for as long as it takes.
fn go_on(state: &AppState, job: Job) {
    let runner = runner(state);
    tokio::spawn(async move {
        if let Err(e) = runner.run(&job, |_| {}).await {
            tracing::error!(job = %job.id, error = %e, "import job stopped");
        }
    });
}

/// The job of a job page's address, or the answer to give instead.
async fn find_job(state: &AppState, id: &str) -> Result<Job, Response> {
    match state.jobs.get(id).await {
        Ok(Some(job)) => Ok(job),
        Ok(None) => Err(AppError::NotFound.into_response()),
        Err(e) => Err(unreadable(e).into_response()),
    }
}

/// A form posted to a job's page by someone with `permission`: who, the job, the form.
async fn posted_to_job(
    state: &AppState,
    id: &str,
    request: Request,
    permission: Permission,
) -> Result<(Authorized, Job, Pairs), Response> {
    let (parts, pairs) = read_form(request).await?;
    let user = Authorized::require_in(&parts, permission)
        .await
        .map_err(IntoResponse::into_response)?;
    let job = find_job(state, id).await?;
    Ok((user, job, pairs))
}

async fn control(
    Shared(state): Shared<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (user, job, pairs) =
        match posted_to_job(&state, &id, request, Permission::ProfilesWrite).await {
            Ok(posted) => posted,
            Err(answer) => return answer,
        };
    let asked = pairs
        .iter()
        .find(|(name, _)| name == field::ACTION)
        .and_then(|(_, value)| Control::parse(value));
    let jobs = &state.jobs;
    let moved = match asked {
        Some(Control::Start) => jobs.set_state(&id, &[State::Checked], State::Running).await,
        Some(Control::Pause) => jobs.set_state(&id, &[State::Running], State::Paused).await,
        Some(Control::Resume) => jobs.set_state(&id, &[State::Paused], State::Running).await,
        Some(Control::Cancel) => {
            let open = [State::Checked, State::Running, State::Paused];
            jobs.set_state(&id, &open, State::Cancelled).await
        }
        Some(Control::Retry) => match jobs.retry_failed(&id).await {
            Ok(0) => Ok(false),
            Ok(_) => {
                jobs.set_state(&id, &[State::Finished], State::Running)
                    .await
            }
            Err(e) => Err(e),
        },
        None => {
            return AppError::invalid(vec![crate::error::FieldError::new(
                field::ACTION,
                "must be start, pause, resume, cancel or retry",
            )])
            .into_response()
        }
    };
    match (moved, asked) {
        (Err(e), _) => return unreadable(e).into_response(),
        (Ok(true), Some(control)) => {
            let what = match control {
                Control::Start => "started",
                Control::Pause => "paused",
                Control::Resume => "resumed",
                Control::Cancel => "cancelled",
                Control::Retry => "failed rows sent again",
            };
            // The page's user, not the job's: who pressed the button.
            let by = Job {
                actor: user.user().name.clone(),
                role: user.user().role,
                ..job.clone()
            };
            run::note(&state.audit, &by, what).await;
            if matches!(control, Control::Start | Control::Resume | Control::Retry) {
                go_on(&state, job);
            }
        }
        // Pressed twice, or in a state that has moved on: the page shows where it is.
        (Ok(_), _) => {}
    }
    Redirect::to(&job_href(&id)).into_response()
}

async fn report_csv(
    Shared(state): Shared<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    if let Err(refused) = Authorized::require_in(&parts, Permission::ProfilesWrite).await {
        return refused.into_response();
    }
    if let Err(answer) = find_job(&state, &id).await {
        return answer;
    }
    let jobs = state.jobs.clone();
    let first = Bytes::from_static(report::HEADER.as_bytes());
    let pages = futures::stream::unfold(Some(0u64), move |after| {
        let (jobs, id) = (jobs.clone(), id.clone());
        async move {
            let after = after?;
            match jobs.report(&id, after, 1000).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let next = rows.last().map(|r| r.line);
                    let text: String = rows.iter().map(report::kept_line).collect();
                    Some((Ok(Bytes::from(text)), next))
                }
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
            }
        }
    });
    let body = futures::stream::once(async move { Ok(first) }).chain(pages);
    csv_download(Body::from_stream(body.fuse()), "import-report.csv")
}

async fn links_csv(
    Shared(state): Shared<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (user, job, pairs) =
        match posted_to_job(&state, &id, request, Permission::EnrollmentCreate).await {
            Ok(posted) => posted,
            Err(answer) => return answer,
        };
    let unsent = !pairs
        .iter()
        .any(|(name, value)| name == field::WHICH && value == "all");
    let (mut tx, rx) = futures::channel::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let runner = runner(&state);
    let by = (user.user().name.clone(), user.user().role);
    tokio::spawn(async move {
        let _ = tx
            .send(Ok(Bytes::from_static(links::HEADER.as_bytes())))
            .await;
        let out = tx.clone();
        let minted = runner
            .links(
                &job,
                (&by.0, by.1),
                unsent,
                move |line| {
                    let mut out = out.clone();
                    Box::pin(async move {
                        out.send(Ok(Bytes::from(line)))
                            .await
                            .map_err(|_| "the download was closed".to_owned())
                    })
                },
                |row, why| tracing::warn!(job = %job.id, line = row.line, "no link: {why}"),
            )
            .await;
        if let Err(e) = minted {
            let _ = tx.send(Err(std::io::Error::other(e))).await;
        }
    });
    let mut response = csv_download(Body::from_stream(rx), "links.csv");
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, crate::hardening::CARRIES_CREDENTIAL);
    response
}

async fn template(request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let version = query_param(&parts.uri, "version")
        .and_then(|v| ApiVersion::for_console(&v).ok())
        .unwrap_or(ApiVersion::Ga);
    let mut header: Vec<String> = fields(version).iter().map(|c| c.name(version)).collect();
    header.push("metadata.plan".into());
    let mut example = vec![String::new(); header.len()];
    example[0] = "customer-0001".into();
    example[1] = "Ada Lovelace".into();
    let text =
        csv_line(header.iter().map(String::as_str)) + &csv_line(example.iter().map(String::as_str));
    let name = format!("onboarding-template-{}.csv", version.as_str());
    csv_download(Body::from(text), &name)
}

fn csv_download(body: Body, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).expect("a plain file name"),
            ),
        ],
        body,
    )
        .into_response()
}

//! The import pages (docs/onboarding.md, "The import page"): `/onboarding` takes a file
//! or pasted rows and checks them ("Check file"), with a mapping step for headers the
//! console does not recognise; `/onboarding/jobs/:id` shows a job — the dry run's counts
//! and rows, then its progress — with its buttons. Plain forms and links: everything
//! works without JavaScript (a running job's page loads itself again); with it, the
//! progress bar is live (`LiveProgress`).

use crate::auth::{Permission, User};
use crate::error::AppError;
use crate::onboarding::server::{
    job_href, read_import_home, read_job, read_progress, ImportHome, JobLine, JobPage, ProgressNow,
    RowLine, IMPORT_PATH,
};
use crate::ui::error_panel::ErrorPanel;
use crate::ui::heading::PageHeading;
use crate::ui::title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// The form's fields, as posted.
pub mod field {
    pub const FILE: &str = "file";
    pub const ROWS: &str = "rows";
    /// A file kept from an earlier post, for the mapping step.
    pub const UPLOAD: &str = "upload";
    /// `map:<header>` names the field a header fills.
    pub const MAP: &str = "map:";
    /// A job page's button: one of [`super::Control`]'s words.
    pub const ACTION: &str = "action";
    /// The links download: `all` or `unsent`.
    pub const WHICH: &str = "which";
}

/// What a job page's buttons ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Start,
    Pause,
    Resume,
    Cancel,
    Retry,
}

impl Control {
    pub const ALL: [Self; 5] = [
        Self::Start,
        Self::Pause,
        Self::Resume,
        Self::Cancel,
        Self::Retry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Cancel => "cancel",
            Self::Retry => "retry",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    fn label(self) -> &'static str {
        match self {
            Self::Start => "Start import",
            Self::Pause => "Pause",
            Self::Resume => "Resume",
            Self::Cancel => "Cancel import",
            Self::Retry => "Retry failed rows",
        }
    }

    /// The buttons a job in `state` offers.
    fn offered(state: &str, failed: u64) -> Vec<Self> {
        match state {
            "checked" => vec![Self::Start, Self::Cancel],
            "running" => vec![Self::Pause, Self::Cancel],
            "paused" => vec![Self::Resume, Self::Cancel],
            "finished" if failed > 0 => vec![Self::Retry],
            _ => Vec::new(),
        }
    }
}

/// A header the mapping step asks about: what it is now, and why it cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmapped {
    pub header: String,
    pub message: String,
}

/// What a post of the import form answers with, when it does not go on to the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostedImport {
    pub error: Option<AppError>,
    /// The rows pasted, as typed.
    pub rows: String,
    /// The kept file and its headers to map (the mapping step).
    pub upload: Option<String>,
    pub unmapped: Vec<Unmapped>,
}

/// The "Onboarding" link of the main navigation, for the roles that may import.
#[component]
pub fn ImportLink() -> impl IntoView {
    User::current()
        .filter(|u| u.may(Permission::ProfilesWrite))
        .map(|_| view! { <a href=IMPORT_PATH>"Onboarding"</a> })
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let posted = use_context::<PostedImport>();
    let home = Resource::new(|| (), |()| read_import_home());
    view! {
        <PageTitle text="Onboarding"/>
        <PageHeading text="Onboarding"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let posted = posted.clone();
                Suspend::new(async move {
                    match home.await {
                        Ok(home) => view! { <Home home posted/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Home(home: ImportHome, posted: Option<PostedImport>) -> impl IntoView {
    let posted = posted.unwrap_or(PostedImport {
        error: None,
        rows: String::new(),
        upload: None,
        unmapped: Vec::new(),
    });
    let error = posted
        .error
        .clone()
        .map(|error| view! { <ErrorPanel error/> });
    let choices: Vec<String> = home
        .columns
        .iter()
        .filter(|c| !c.starts_with("metadata."))
        .cloned()
        .collect();
    let form_body = match posted.upload.clone() {
        Some(upload) => {
            let headers = posted
                .unmapped
                .iter()
                .enumerate()
                .map(|(n, u)| {
                    let id = format!("map-{n}");
                    let options = choices
                        .iter()
                        .cloned()
                        .chain([format!("metadata.{}", u.header), "ignore".to_owned()])
                        .map(|c| view! { <option value=c.clone()>{c.clone()}</option> })
                        .collect_view();
                    view! {
                        <div class="field">
                            <label for=id.clone()>"Column “" {u.header.clone()} "”"</label>
                            <select id=id.clone() name=format!("{}{}", field::MAP, u.header)
                                aria-describedby=format!("{id}-error")>{options}</select>
                            <p class="field-error" id=format!("{id}-error")>{u.message.clone()}</p>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <input type="hidden" name=field::UPLOAD value=upload/>
                <fieldset>
                    <legend>"Match these columns to fields"</legend>
                    {headers}
                </fieldset>
                <button type="submit">"Check file"</button>
                " " <a href=IMPORT_PATH>"Choose another file"</a>
            }
            .into_any()
        }
        None => view! {
            <div class="field">
                <label for="import-file">"CSV file"</label>
                <input id="import-file" type="file" name=field::FILE accept=".csv,text/csv"
                    aria-describedby="import-file-hint"/>
                <p class="hint" id="import-file-hint">
                    "UTF-8 (with or without a BOM), commas or semicolons, a header line first; "
                    "at most 100,000 rows and 64 MiB."
                </p>
            </div>
            <div class="field">
                <label for="import-rows">"Or paste rows"</label>
                <textarea id="import-rows" name=field::ROWS rows="8" aria-describedby="import-rows-hint">
                    {posted.rows.clone()}
                </textarea>
                <p class="hint" id="import-rows-hint">"The header line first, as in the template."</p>
            </div>
            <button type="submit">"Check file"</button>
        }
        .into_any(),
    };
    let version = home.version.clone();
    let columns = home.columns.join(", ");
    let jobs = (!home.jobs.is_empty()).then(|| {
        let rows = home
            .jobs
            .into_iter()
            .map(|job| view! { <JobRow job/> })
            .collect_view();
        view! {
            <section aria-labelledby="jobs-heading">
                <h2 id="jobs-heading">"Imports"</h2>
                <table class="import-jobs">
                    <thead><tr>
                        <th scope="col">"File"</th><th scope="col">"By"</th>
                        <th scope="col">"Checked"</th><th scope="col">"State"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    view! {
        <p>"Bring customers in from a CSV file: every row is checked first and nothing is sent \
            until you start the import. A row never creates two profiles."</p>
        <section aria-labelledby="check-heading">
            <h2 id="check-heading">"Check a file"</h2>
            {error}
            <form method="post" action=IMPORT_PATH enctype="multipart/form-data" class="import-form">
                {form_body}
            </form>
        </section>
        <section aria-labelledby="template-heading">
            <h2 id="template-heading">"Templates"</h2>
            <p>"The console speaks the " {version} " API; its columns: " <code>{columns}</code>
               ". Any other " <code>"metadata.<key>"</code> " column sets that metadata key."</p>
            <ul>
                <li><a href=format!("{IMPORT_PATH}/template.csv?version=ga") download="">"Template for GA"</a></li>
                <li><a href=format!("{IMPORT_PATH}/template.csv?version=2026-03-24") download="">"Template for 2026-03-24"</a></li>
            </ul>
        </section>
        {jobs}
    }
}

#[component]
fn JobRow(job: JobLine) -> impl IntoView {
    let href = job_href(&job.id);
    view! {
        <tr>
            <td><a href=href>{job.file_name}</a></td>
            <td>{job.actor}</td>
            <td>{job.created_at}</td>
            <td>{job.state}</td>
        </tr>
    }
}

#[component]
pub fn ImportJobPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let page = Resource::new(move || id.get(), read_job);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Job page/> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text="Import"/>
                        <PageHeading text="Import"/>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Job(page: JobPage) -> impl IntoView {
    let href = job_href(&page.job.id);
    let title = format!("Import of {}", page.job.file_name);
    let running = page.job.state == "running";
    let [create, update, unchanged, error] = page.planned;
    let buttons = Control::offered(&page.job.state, page.failed)
        .into_iter()
        .map(|control| {
            let class = if control == Control::Cancel {
                "secondary"
            } else {
                ""
            };
            view! {
                <form method="post" action=href.clone() class="inline">
                    <button type="submit" name=field::ACTION value=control.as_str() class=class>
                        {control.label()}
                    </button>
                </form>
            }
        })
        .collect_view();
    let id = page.job.id.clone();
    let now = page.progress.clone();
    let progress = (page.job.state != "checked").then(|| {
        view! { <div class="import-progress"><LiveProgress id now/></div> }
    });
    let links = (page.can_links && page.onboarded > 0).then(|| {
        view! {
            <section aria-labelledby="links-heading">
                <h2 id="links-heading">"Links"</h2>
                <p>"An enrollment link for each of the " {page.onboarded}
                   " profiles this import created or updated, minted when you download them. \
                    Each expires minutes after (the file's expires_at column says when): \
                    download just before you send them. They are not kept or shown again."</p>
                <form method="post" action=format!("{href}/links.csv") class="import-links">
                    <fieldset>
                        <legend>"Which rows"</legend>
                        <label><input type="radio" name=field::WHICH value="unsent" checked=true/>
                            " Only those not sent yet"</label>
                        <label><input type="radio" name=field::WHICH value="all"/>" All"</label>
                    </fieldset>
                    <button type="submit">"Download links"</button>
                </form>
            </section>
        }
    });
    view! {
        <PageTitle text=title.clone()/>
        <PageHeading text=title/>
        // Without JavaScript the running job's page loads itself again; with it, the
        // progress bar asks for its figures instead (`LiveProgress`).
        {running.then(|| view! { <noscript><meta http-equiv="refresh" content="3"/></noscript> })}
        <p class="muted">{format!("{} · checked {} by {} · {}", page.job.id, page.job.created_at,
            page.job.actor, page.job.state)}</p>
        <table class="import-counts">
            <thead><tr>
                <th scope="col">"Create"</th><th scope="col">"Update"</th>
                <th scope="col">"Unchanged"</th><th scope="col">"Error"</th>
            </tr></thead>
            <tbody><tr>
                <td class="num">{create}</td><td class="num">{update}</td>
                <td class="num">{unchanged}</td><td class="num">{error}</td>
            </tr></tbody>
        </table>
        {progress}
        <div class="import-actions">{buttons}
            <a href=format!("{href}/report.csv") download="">"Download report"</a>
        </div>
        {links}
        <Rows id="failed" heading="Failed rows" rows=page.failures column="Why"/>
        <Rows id="errors" heading="Rows in error" rows=page.errors column="Why"/>
        <Rows id="updates" heading="Rows to update" rows=page.updates column="Changes"/>
        <Rows id="creates" heading="Rows to create" rows=page.creates column="Fields"/>
        <p class="muted">"Each list shows its first rows; the report has every row."</p>
    }
}

/// The progress bar and its words. While the job runs, the browser asks for them every
/// two seconds and reads them out politely; when the job stops running, the page is
/// loaded again for its lists and links.
#[island(lazy)]
pub fn LiveProgress(id: String, now: ProgressNow) -> impl IntoView {
    let running = now.running;
    let shown = RwSignal::new(now);
    // Effects run only in the browser.
    Effect::new(move |_| {
        if !running {
            return;
        }
        let id = id.clone();
        let ask = move || {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(latest) = read_progress(id).await {
                    let stopped = !latest.running;
                    shown.set(latest);
                    if stopped {
                        crate::ui::browser::reload();
                    }
                }
            });
        };
        let handle = set_interval_with_handle(ask, std::time::Duration::from_secs(2)).ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    });
    view! {
        <progress max=move || shown.with(|n| n.to_send.max(1).to_string())
            value=move || shown.with(|n| n.settled.to_string())
            aria-labelledby="import-progress-text"></progress>
        <p id="import-progress-text" aria-live="polite">{move || shown.with(|n| n.words.clone())}</p>
    }
}

#[component]
fn Rows(
    id: &'static str,
    heading: &'static str,
    rows: Vec<RowLine>,
    column: &'static str,
) -> impl IntoView {
    (!rows.is_empty()).then(|| {
        let heading_id = format!("{id}-heading");
        let labelled_by = heading_id.clone();
        let body = rows
            .into_iter()
            .map(|r| {
                view! {
                    <tr>
                        <td class="num">{r.line}</td>
                        <td>{r.external_id}</td>
                        <td>{r.profile_id}</td>
                        <td class="pre">{r.what}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby=labelled_by>
                <h2 id=heading_id>{heading}</h2>
                <table class="import-rows">
                    <thead><tr>
                        <th scope="col">"Line"</th><th scope="col">"External id"</th>
                        <th scope="col">"Profile"</th><th scope="col">{column}</th>
                    </tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </section>
        }
    })
}

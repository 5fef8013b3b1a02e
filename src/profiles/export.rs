//! Exports (docs/review.md, "Exports"): any search or review queue view as a CSV file
//! (RFC 4180: an `id` column, the profile's fields in the version the console speaks, a
//! `metadata.<key>` column per key present, cells a spreadsheet would evaluate kept as
//! text) or as JSON Lines (each profile as the API last returned it). Streamed from the
//! index a chunk at a time, so that a million rows never sit in memory. Editors and
//! admins; each export is recorded in the audit trail with its filters and row count.

use crate::audit::record::Trail;
use crate::audit::{Action, Outcome};
use crate::auth::authorized::Authorized;
use crate::auth::Permission;
use crate::error::AppError;
use crate::index::search::Exported;
use crate::profiles::model::details::DETAILS;
use crate::profiles::model::ApiVersion;
use crate::profiles::search::query::{SearchParams, SearchQuery};
use crate::state::AppState;
use crate::web::{csv_line, query_param, CsvLine};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, request::Parts, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;
use futures::StreamExt;
use std::collections::BTreeMap;

/// Profiles read from the index per chunk of the file.
pub const CHUNK: usize = 500;
/// Most `metadata.<key>` columns; keys past these (A to Z) go to one `metadata` column
/// as JSON, so that a file never needs every key of a million profiles at once.
pub const MAX_KEY_COLUMNS: usize = 500;

/// CSV or JSON Lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::JsonLines => "application/x-ndjson; charset=utf-8",
        }
    }
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/profiles/search.csv",
            axum::routing::get(|state, request| search(state, request, Format::Csv)),
        )
        .route(
            "/profiles/search.jsonl",
            axum::routing::get(|state, request| search(state, request, Format::JsonLines)),
        )
}

async fn search(State(state): State<AppState>, request: Request, format: Format) -> Response {
    let (parts, _) = request.into_parts();
    let user = match Authorized::require_in(&parts, Permission::ProfilesExport).await {
        Ok(user) => user,
        Err(refused) => return refused.into_response(),
    };
    let params = SearchParams::from_query(|name| query_param(&parts.uri, name));
    let mut query: SearchQuery = match params.parse() {
        Ok(query) => query,
        Err(errors) => return AppError::invalid(errors).into_response(),
    };
    // A whole view, from its start, whatever page the user was on.
    query.after = None;
    let keys = match state.index.search_keys(&query, MAX_KEY_COLUMNS + 1).await {
        Ok(keys) => keys,
        Err(e) => return unreadable(e).into_response(),
    };
    let index = state.index.clone();
    let fetch = move |after: Option<String>| -> BoxFuture<'static, Result<Chunk, String>> {
        let (index, query) = (index.clone(), query.clone());
        Box::pin(async move {
            index
                .export_chunk(&query, after.as_deref(), CHUNK)
                .await
                .map_err(|e| e.to_string())
        })
    };
    let view = format!("search {}", filters(&parts));
    download(&state, &user, format, keys, "profiles", view, fetch)
}

/// The request's filters as the audit trail records them: its query string, cursor
/// left out.
pub fn filters(parts: &Parts) -> String {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .filter(|(name, _)| name != "after")
            .collect();
    if pairs.is_empty() {
        "(no filter)".into()
    } else {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }
}

pub fn unreadable(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "an export cannot read the index");
    AppError::internal("the profile index could not be read")
}

/// A chunk of profiles and where the next starts.
pub type Chunk = (Vec<Exported>, Option<String>);

/// The response: the file, streamed a chunk at a time by `fetch` (given the last
/// chunk's cursor), recorded in the audit trail once it ends, with `view` and the row
/// count, or as cut short if it does not.
pub fn download<F>(
    state: &AppState,
    user: &Authorized,
    format: Format,
    keys: Vec<String>,
    name: &str,
    view: String,
    fetch: F,
) -> Response
where
    F: Fn(Option<String>) -> BoxFuture<'static, Result<Chunk, String>> + Send + Sync + 'static,
{
    let columns = Columns::new(state.upstream.version(), keys);
    let record = Recorder {
        trail: user.trail().clone(),
        view: format!("{view} ({})", format.extension()),
        rows: 0,
        done: false,
    };
    // Fused: the compression layer polls a body once more after its end.
    let body = Body::from_stream(chunks(format, columns, fetch, record).fuse());
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
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

/// Records the export in the audit trail when it ends, or, dropped before its end (the
/// client went away, the index failed), as cut short.
struct Recorder {
    trail: Trail,
    view: String,
    rows: u64,
    done: bool,
}

impl Recorder {
    async fn finish(&mut self) {
        self.done = true;
        let detail = format!("{}: {} rows", self.view, self.rows);
        self.trail
            .record(Action::ProfilesExport, Outcome::Succeeded, Some(detail))
            .await;
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let (trail, detail) = (
            self.trail.clone(),
            format!("{}: cut short after {} rows", self.view, self.rows),
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                trail
                    .record(Action::ProfilesExport, Outcome::Failed, Some(detail))
                    .await;
            });
        }
    }
}

/// The file's bytes: its header, then a chunk at a time. The next chunk is read on another
/// task while this one is written, so that the database works on it meanwhile; at most
/// two chunks are held at once.
fn chunks<F>(
    format: Format,
    columns: Columns,
    fetch: F,
    record: Recorder,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>>
where
    F: Fn(Option<String>) -> BoxFuture<'static, Result<Chunk, String>> + Send + Sync + 'static,
{
    enum Next {
        Header,
        Reading(Reading),
        Done,
    }
    futures::stream::unfold(
        (Next::Header, record, fetch, columns),
        move |(next, mut record, fetch, columns)| async move {
            match next {
                Next::Done => None,
                Next::Header => {
                    let header = match format {
                        Format::Csv => columns.header(),
                        Format::JsonLines => String::new(),
                    };
                    let first = Reading::start(fetch(None));
                    Some((
                        Ok(Bytes::from(header)),
                        (Next::Reading(first), record, fetch, columns),
                    ))
                }
                Next::Reading(reading) => match reading.chunk().await {
                    Err(e) => {
                        tracing::error!(error = %e, "export cut short: the index cannot be read");
                        Some((
                            Err(std::io::Error::other("the profile index could not be read")),
                            (Next::Done, record, fetch, columns),
                        ))
                    }
                    Ok((profiles, after)) => {
                        let next = match after {
                            Some(cursor) => Next::Reading(Reading::start(fetch(Some(cursor)))),
                            None => Next::Done,
                        };
                        // Each of the console's runtimes is one thread, so the read just
                        // started runs only when this task waits: let it send its query to
                        // the database (its own thread, or the server) before writing.
                        tokio::task::yield_now().await;
                        record.rows += profiles.len() as u64;
                        let mut text = String::with_capacity(profiles.len() * 256);
                        for p in &profiles {
                            match format {
                                Format::Csv => columns.record_into(p, &mut text),
                                Format::JsonLines => {
                                    text.push_str(&p.raw);
                                    text.push('\n');
                                }
                            }
                        }
                        if matches!(next, Next::Done) {
                            record.finish().await;
                        }
                        Some((Ok(Bytes::from(text)), (next, record, fetch, columns)))
                    }
                },
            }
        },
    )
}

/// A chunk being read on a task of its own; stopped if the download ends first (the
/// client went away).
struct Reading(tokio::task::JoinHandle<Result<Chunk, String>>);

impl Reading {
    fn start(fetch: BoxFuture<'static, Result<Chunk, String>>) -> Self {
        Self(tokio::spawn(fetch))
    }

    async fn chunk(mut self) -> Result<Chunk, String> {
        (&mut self.0).await.map_err(|e| e.to_string())?
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The CSV's columns for the version the console speaks.
pub struct Columns {
    ga: bool,
    keys: Vec<String>,
    /// More keys than columns: the rest go to one `metadata` column as JSON.
    overflow: bool,
}

impl Columns {
    pub fn new(version: ApiVersion, mut keys: Vec<String>) -> Self {
        let overflow = keys.len() > MAX_KEY_COLUMNS;
        keys.truncate(MAX_KEY_COLUMNS);
        Self {
            ga: version.is_ga(),
            keys,
            overflow,
        }
    }

    pub fn header(&self) -> String {
        let mut names: Vec<String> = if self.ga {
            let mut names: Vec<String> = [
                "id",
                "reference_id",
                "name",
                "access_type",
                "created_at",
                "updated_at",
                "enforcement_status",
                "programs",
                "programs_retrieved_at",
            ]
            .map(str::to_owned)
            .to_vec();
            names.extend(
                DETAILS
                    .iter()
                    .map(|d| format!("external_user_details.{}", d.key)),
            );
            names
        } else {
            [
                "id",
                "external_id",
                "name",
                "relationship",
                "created_at",
                "updated_at",
                "trust_grants",
            ]
            .map(str::to_owned)
            .to_vec()
        };
        names.extend(self.keys.iter().map(|k| format!("metadata.{k}")));
        if self.overflow {
            names.push("metadata".into());
        }
        csv_line(names.iter().map(String::as_str))
    }

    /// One profile's line, written onto the end of `out`.
    pub fn record_into(&self, exported: &Exported, out: &mut String) {
        let p = &exported.profile;
        let mut line = CsvLine::new(out);
        line.cell(&p.id.to_string());
        line.cell(p.external_id().unwrap_or_default());
        line.cell(p.name.as_deref().unwrap_or_default());
        line.cell(p.kind());
        line.cell(&crate::timestamp::rfc3339(p.created_at));
        line.cell(&crate::timestamp::rfc3339(p.updated_at));
        let standing = p
            .standing()
            .iter()
            .map(|(name, status)| format!("{name}: {status}"))
            .collect::<Vec<_>>()
            .join("; ");
        if self.ga {
            line.cell(
                p.enforcement_status
                    .as_ref()
                    .map(|s| s.label())
                    .unwrap_or_default(),
            );
            line.cell(&standing);
            line.cell(
                &exported
                    .programs_learned
                    .map(crate::timestamp::rfc3339)
                    .unwrap_or_default(),
            );
            for detail in DETAILS {
                line.cell(
                    p.external_user_details
                        .as_ref()
                        .and_then(|d| d.get(detail.key))
                        .unwrap_or_default(),
                );
            }
        } else {
            line.cell(&standing);
        }
        for key in &self.keys {
            line.cell(p.metadata.get(key).map(String::as_str).unwrap_or_default());
        }
        if self.overflow {
            let rest: BTreeMap<&String, &String> = p
                .metadata
                .iter()
                .filter(|(k, _)| !self.keys.contains(k))
                .collect();
            line.cell(&serde_json::to_string(&rest).expect("strings serialize"));
        }
        line.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::Profile;

    fn record(columns: &Columns, exported: &Exported) -> String {
        let mut line = String::new();
        columns.record_into(exported, &mut line);
        line
    }

    fn exported(value: serde_json::Value) -> Exported {
        let profile: Profile = serde_json::from_value(value.clone()).unwrap();
        Exported {
            profile,
            raw: value.to_string(),
            programs_learned: None,
        }
    }

    #[test]
    fn a_record_has_a_cell_per_column_and_formulas_stay_text() {
        let columns = Columns::new(ApiVersion::Beta20260324, vec!["plan".into(), "x".into()]);
        assert_eq!(
            columns.header(),
            "id,external_id,name,relationship,created_at,updated_at,trust_grants,metadata.plan,metadata.x\r\n"
        );
        let row = record(
            &columns,
            &exported(serde_json::json!({
                "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
                "external_id": "=1+1", "name": "Zoë, \"the\" first", "relationship": "external",
                "trust_grants": {"cyber": {"status": "pending"}}, "metadata": {"plan": "@pro"}
            })),
        );
        assert_eq!(
            row,
            "uprof_1,'=1+1,\"Zoë, \"\"the\"\" first\",external,2026-03-15T10:00:00Z,2026-03-15T10:00:00Z,cyber: pending,'@pro,\r\n"
        );
        let ga = Columns::new(ApiVersion::Ga, Vec::new());
        assert!(ga.header().starts_with("id,reference_id,name,access_type,"));
        assert_eq!(ga.header().matches(',').count(), record(&ga, &exported(serde_json::json!({
            "id": "uprof_2", "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
            "access_type": "application"
        }))).matches(',').count());
    }

    #[test]
    fn keys_past_the_columns_go_to_one_json_column() {
        let keys: Vec<String> = (0..=MAX_KEY_COLUMNS).map(|i| format!("k{i:04}")).collect();
        let columns = Columns::new(ApiVersion::Beta20260324, keys);
        assert!(columns
            .header()
            .trim_end()
            .ends_with("metadata.k0499,metadata"));
        let row = record(
            &columns,
            &exported(serde_json::json!({
                "id": "uprof_3", "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
                "metadata": {"k0000": "a", "k0500": "b"}
            })),
        );
        assert!(row.starts_with("uprof_3,") && row.contains(",a,"));
        assert!(
            row.trim_end().ends_with("\"{\"\"k0500\"\":\"\"b\"\"}\""),
            "{row}"
        );
    }
}

//! What the console tells its operators: logs as text or JSON lines, and Prometheus
//! metrics on a listen address of their own (docs/operations.md, "Monitoring").
//!
//! Labels are bounded sets the code names (a route template, an endpoint, a status, an
//! outcome), never a value from a request: no profile id, name, external id, account,
//! key or link can reach a label, and the series stay few.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use futures::future::BoxFuture;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How logs are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for people (colours on a terminal).
    #[default]
    Text,
    /// One JSON object per line, with the request's span (request id, account) on each.
    Json,
}

/// Starts logging: `RUST_LOG` filters (default `info`); to standard error when standard
/// output carries a command's result.
pub fn init_logs(format: LogFormat, to_stderr: bool) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    use std::io::IsTerminal;
    use tracing_subscriber::fmt::writer::BoxMakeWriter;
    let (writer, terminal) = if to_stderr {
        (
            BoxMakeWriter::new(std::io::stderr),
            std::io::stderr().is_terminal(),
        )
    } else {
        (
            BoxMakeWriter::new(std::io::stdout),
            std::io::stdout().is_terminal(),
        )
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => logs.with_ansi(terminal).init(),
    }
}

/// Every metric's name, in one place, with its help text below.
pub mod name {
    pub const HTTP_REQUESTS: &str = "profiles_admin_http_requests_total";
    pub const HTTP_DURATION: &str = "profiles_admin_http_request_duration_seconds";
    pub const UPSTREAM_REQUESTS: &str = "profiles_admin_upstream_requests_total";
    pub const UPSTREAM_DURATION: &str = "profiles_admin_upstream_request_duration_seconds";
    pub const INDEX_PROFILES: &str = "profiles_admin_index_profiles";
    pub const INDEX_WALK_RUNNING: &str = "profiles_admin_index_walk_running";
    pub const INDEX_WALK_PROFILES: &str = "profiles_admin_index_walk_profiles";
    pub const INDEX_LAST_WALK: &str = "profiles_admin_index_last_complete_walk_timestamp_seconds";
    pub const INDEX_LAST_WALK_AGE: &str = "profiles_admin_index_last_complete_walk_age_seconds";
    pub const INDEX_PROGRAMS_BACKLOG: &str = "profiles_admin_index_programs_backlog";
    pub const INDEX_WAITING_WRITES: &str = "profiles_admin_index_waiting_writes";
    pub const INDEX_WALKS: &str = "profiles_admin_index_walks_total";
    pub const WEBHOOK_DELIVERIES: &str = "profiles_admin_webhook_deliveries_total";
    pub const SIGN_INS: &str = "profiles_admin_sign_ins_total";
    pub const IMPORT_ROWS: &str = "profiles_admin_import_rows_total";
    pub const IMPORT_RUNS: &str = "profiles_admin_import_runs_total";
    pub const CONNECTIONS_REFUSED: &str = "profiles_admin_connections_refused_total";
}

const HELP: [(&str, &str); 17] = [
    (name::HTTP_REQUESTS, "Requests answered, by method, route template and status."),
    (name::HTTP_DURATION, "Time to answer a request, by method and route template."),
    (
        name::UPSTREAM_REQUESTS,
        "Attempts at the User Profiles API, by endpoint, status (or transport failure) and whether the attempt was a retry.",
    ),
    (name::UPSTREAM_DURATION, "Time of one attempt at the User Profiles API, by endpoint."),
    (name::INDEX_PROFILES, "Profiles in the index (not gone)."),
    (name::INDEX_WALK_RUNNING, "1 while a complete walk of the list is under way."),
    (name::INDEX_WALK_PROFILES, "Profiles the walk under way has read so far."),
    (name::INDEX_LAST_WALK, "When the last complete walk finished (Unix seconds)."),
    (name::INDEX_LAST_WALK_AGE, "Seconds since the last complete walk finished."),
    (
        name::INDEX_PROGRAMS_BACKLOG,
        "Profiles whose programs the index has yet to retrieve (GA).",
    ),
    (name::INDEX_WAITING_WRITES, "Writes to the index waiting for the database."),
    (name::INDEX_WALKS, "Complete walks of the list finished by this process."),
    (name::WEBHOOK_DELIVERIES, "Webhook deliveries received, by outcome."),
    (name::SIGN_INS, "Sign-in attempts, by outcome."),
    (name::IMPORT_ROWS, "Import rows settled by this process, by outcome."),
    (name::IMPORT_RUNS, "Import job runs ended in this process, by how they ended."),
    (
        name::CONNECTIONS_REFUSED,
        "Connections closed as soon as accepted, by the limit they met (per_address, total).",
    ),
];

/// Request and upstream latencies, in seconds: from a cached page to a slow upstream.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Figures read at each scrape rather than pushed: the index's, which live in the shared
/// database, so that every instance reports the same.
pub type Gather = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// The installed recorder.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
}

impl Metrics {
    /// Installs the process's recorder; the metrics macros are no-ops until then (in
    /// tests, and in commands that serve nothing).
    pub fn install() -> Result<Self, String> {
        let handle = PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .map_err(|e| e.to_string())?
            .install_recorder()
            .map_err(|e| format!("cannot start metrics: {e}"))?;
        for (name, help) in HELP {
            metrics::describe_counter!(name, help);
        }
        let upkeep = handle.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                upkeep.run_upkeep();
            }
        });
        Ok(Self { handle })
    }

    /// `GET /metrics` in the Prometheus text format, after `gather`.
    pub fn router(&self, gather: Gather) -> axum::Router {
        let handle = self.handle.clone();
        axum::Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                let (handle, gather) = (handle.clone(), gather.clone());
                async move {
                    gather().await;
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8",
                        )],
                        handle.render(),
                    )
                }
            }),
        )
    }
}

/// A method as a label: the ones the console answers, anything else as `other`.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The route a request matched, as its template (`/profiles/{id}`), never its path;
/// `unmatched` for the not-found page; the bundle's files as one route.
fn route_label(request: &Request) -> String {
    match request.extensions().get::<MatchedPath>() {
        Some(path) if path.as_str().starts_with("/pkg/") => "/pkg/*".into(),
        Some(path) => path.as_str().to_owned(),
        None => "unmatched".into(),
    }
}

/// Counts and times every request, and logs it: route template, method, status, latency,
/// inside the request's span (its id, and the account once the gate knows it). Never the
/// path or query, which may hold an id or a search.
pub async fn observe(request: Request, next: Next) -> Response {
    let route = route_label(&request);
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics::counter!(name::HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!(name::HTTP_DURATION, "method" => method, "route" => route.clone())
        .record(elapsed.as_secs_f64());
    tracing::info!(
        target: "profiles_admin::access",
        method,
        route,
        status,
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// One attempt at the upstream: its endpoint, its status or transport failure, whether it
/// was a retry, and how long it took.
pub fn upstream_attempt(endpoint: &'static str, outcome: String, retry: bool, took: Duration) {
    metrics::counter!(name::UPSTREAM_REQUESTS, "endpoint" => endpoint, "status" => outcome, "retry" => if retry { "true" } else { "false" })
        .increment(1);
    metrics::histogram!(name::UPSTREAM_DURATION, "endpoint" => endpoint).record(took.as_secs_f64());
}

/// Adds one to a counter whose one label is an outcome the code names.
pub fn count(name: &'static str, outcome: &'static str) {
    metrics::counter!(name, "outcome" => outcome).increment(1);
}

/// Sets a gauge.
pub fn gauge(name: &'static str, value: f64) {
    metrics::gauge!(name).set(value);
}

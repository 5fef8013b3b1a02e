//! Command line, environment and settings file (server only), validated once at start-up.

pub mod file;
pub mod secret;

use crate::auth::{AuthMode, Role};
use crate::serve;
use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

const ENVIRONMENT: &str = "\
Settings come from flags, then the environment, then the settings file (--config), then
the defaults. A file's keys are the variables below without PROFILES_ or ANTHROPIC_, in
lower case: listen, base_url, data_dir, …

Secrets, from the environment only, or from the file a NAME_FILE variable names (the way
container platforms mount them); never from a flag or the settings file:
  ANTHROPIC_API_KEY   API key for the User Profiles API, kept out of shell history and
                      `ps`. Unset or empty: the console serves the built-in emulator.
                      For `emulator`: the key clients must send (unset: accept any).
  DATABASE_URL        postgres://… to keep accounts, sessions and the audit trail in
                      PostgreSQL (shared by every console using it); it may hold a
                      password. Unset: SQLite in the data directory.
  PROFILES_WEBHOOK_SECRET
                      The signing secret(s) of the organization webhook that delivers to
                      POST /webhooks/anthropic: whsec_…, several separated by spaces
                      while rotating. Never logged. Unset: the endpoint answers 404.

Other environment:
  RUST_LOG            Log filter (default: info).
  LEPTOS_*            Override any setting of the site configuration file.";

/// profiles-admin: a console for the user profiles your platform keeps at Anthropic.
#[derive(Debug, Parser)]
#[command(version, about, after_help = ENVIRONMENT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
    /// One data directory for every command, accepted before or after the subcommand.
    #[command(flatten)]
    pub data: DataDir,
    /// A TOML settings file: its keys are the settings' names (listen, data_dir, …);
    /// flags and the environment come before it
    #[arg(long, env = file::CONFIG_VARIABLE, value_name = "FILE.toml", global = true)]
    pub config: Option<PathBuf>,
    /// How logs are written: text for people, or one JSON object per line (with the
    /// request id, route, status, latency and account of each request)
    #[arg(
        long,
        env = "PROFILES_LOG_FORMAT",
        value_enum,
        default_value = "text",
        value_name = "FORMAT",
        global = true
    )]
    pub log_format: crate::telemetry::LogFormat,
}

/// Where a setting's value came from, for `doctor` (docs/operations.md, "Settings").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Default,
    File,
    Environment,
    Flag,
    /// No value and no default: the setting is off.
    Unset,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::File => "file",
            Self::Environment => "environment",
            Self::Flag => "flag",
            Self::Unset => "unset",
        }
    }
}

/// One setting as the running command sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Setting {
    /// Its key in the settings file (its variable without the prefix, in lower case).
    pub key: String,
    pub variable: String,
    pub value: Option<String>,
    pub source: Source,
}

/// The parsed command line with every setting's value and source.
#[derive(Debug)]
pub struct Loaded {
    pub cli: Cli,
    pub settings: Vec<Setting>,
}

impl Cli {
    /// Reads the command line, the environment and the settings file, or exits with clap's
    /// message (and status 2) when one of them is wrong.
    pub fn load() -> Loaded {
        Self::load_from(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// [`Cli::load`] from given arguments.
    pub fn load_from<I, T>(args: I) -> Result<Loaded, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory, FromArgMatches};
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        // A first, forgiving pass finds the settings file; the second reads everything.
        let config = Self::command()
            .ignore_errors(true)
            .try_get_matches_from(&args)
            .ok()
            .and_then(|m| m.get_one::<PathBuf>("config").cloned());
        let file = match &config {
            Some(path) => file::SettingsFile::read(path, &Self::command())
                .map_err(|e| Self::command().error(clap::error::ErrorKind::Io, e))?,
            None => file::SettingsFile::default(),
        };
        let command = file.apply(Self::command());
        let matches = command.clone().try_get_matches_from(&args)?;
        let cli = Self::from_arg_matches(&matches)?;
        let settings = command
            .get_arguments()
            .filter_map(|arg| {
                let variable = arg.get_env()?.to_str()?.to_owned();
                let key = file::key_of(&variable);
                let id = arg.get_id().as_str();
                let value = matches.get_raw(id).map(|values| {
                    values
                        .map(|v| v.to_string_lossy())
                        .collect::<Vec<_>>()
                        .join(",")
                });
                let source = match matches.value_source(id) {
                    Some(clap::parser::ValueSource::CommandLine) => Source::Flag,
                    Some(clap::parser::ValueSource::EnvVariable) => Source::Environment,
                    Some(_) if file.gives(&key) => Source::File,
                    Some(_) => Source::Default,
                    None => Source::Unset,
                };
                Some(Setting {
                    key,
                    variable,
                    value,
                    source,
                })
            })
            .collect();
        Ok(Loaded { cli, settings })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve only the emulated User Profiles API (for SDKs, tests and benchmarks).
    Emulator(EmulatorArgs),
    /// Manage the console's local accounts (`PROFILES_AUTH=local`).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import a CSV of customers: check it against the profile index, then create and
    /// update their profiles as a job that a second run resumes (docs/onboarding.md)
    Import(ImportArgs),
    /// Check this deployment's settings, database, upstream, key, clock and secrets, and
    /// say what is wrong (exit status 1 on any failure); prints no secret
    Doctor {
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
    /// Write a consistent copy of the SQLite database (accounts, sessions, the audit
    /// trail, the index and import jobs) to FILE while consoles run (docs/operations.md)
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// `import`: the file, whose import it is, and how to read its columns. The API version
/// is the console's (`--api-version`, `PROFILES_API_VERSION`).
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file: UTF-8, a header line naming the columns, a row per profile
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    /// The local account the import acts as (an editor or an admin)
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub account: String,
    /// Check the file and say what importing it would do, sending nothing to the API
    #[arg(long)]
    pub dry_run: bool,
    /// After the run, mint a link for every profile the job created or updated and
    /// write them to this CSV (id, external id, name, link, expiry); links live minutes
    #[arg(long, value_name = "OUT.csv", conflicts_with = "dry_run")]
    pub links: Option<PathBuf>,
    /// The field a column the console does not recognise fills, or "ignore"; repeat for
    /// each such column
    #[arg(long = "map", value_name = "HEADER=FIELD", value_parser = header_mapping)]
    pub map: Vec<(String, String)>,
    /// Write every row's outcome to this CSV file
    #[arg(long, value_name = "REPORT.csv")]
    pub report: Option<PathBuf>,
}

fn header_mapping(raw: &str) -> Result<(String, String), String> {
    raw.rsplit_once('=')
        .map(|(header, field)| (header.to_owned(), field.trim().to_owned()))
        .ok_or_else(|| "expected HEADER=FIELD, e.g. \"Customer ID=external_id\"".to_owned())
}

/// Account management; changes reach running consoles at their next request.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; the password is read from standard input
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// List the accounts
    List,
    /// Stop an account from signing in and end its sessions
    Disable { name: String },
    /// Let a disabled account sign in again
    Enable { name: String },
    /// Change an account's role and end its sessions
    SetRole {
        name: String,
        #[arg(value_enum)]
        role: Role,
    },
    /// Set a new password (read from standard input) and end the account's sessions
    ResetPassword { name: String },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to serve the console on [default: site-addr of the site configuration]
    #[arg(long, env = "PROFILES_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// Base URL of the Anthropic API; must be https unless it is a loopback address
    #[arg(
        long,
        env = "ANTHROPIC_BASE_URL",
        default_value = "https://api.anthropic.com",
        value_name = "URL"
    )]
    pub base_url: reqwest::Url,

    /// User Profiles API version the console speaks: "ga", or "2026-03-24" for a
    /// platform still on the first beta (docs/api-versions.md)
    #[arg(
        long,
        env = "PROFILES_API_VERSION",
        default_value = "ga",
        value_name = "VERSION",
        value_parser = crate::profiles::model::ApiVersion::for_console
    )]
    pub api_version: crate::profiles::model::ApiVersion,

    /// Site settings (output name, package directory, address) in cargo-leptos' form
    /// [default: the built-in copy of the repository's Leptos.toml]
    #[arg(long, env = "PROFILES_SITE_CONFIG", value_name = "FILE")]
    pub site_config: Option<PathBuf>,

    /// Serve the browser bundle and the icon from this directory (as cargo-leptos lays
    /// out target/site) [default: the files the release binary carries; else the site
    /// settings' site-root, target/site]
    #[arg(long, env = "PROFILES_SITE_DIR", value_name = "DIR")]
    pub site_dir: Option<PathBuf>,

    /// Seconds one upstream attempt may take, from sending to the last byte
    #[arg(long, env = "PROFILES_UPSTREAM_TIMEOUT", default_value_t = 30, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub upstream_timeout: u64,

    /// Retries after a failed upstream attempt (the SDK default is 2)
    #[arg(long, env = "PROFILES_MAX_RETRIES", default_value_t = 2, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=10))]
    pub max_retries: u32,

    /// Longest server-requested retry delay honoured; longer ones use backoff instead
    #[arg(
        long,
        env = "PROFILES_RETRY_AFTER_CAP",
        default_value_t = 60,
        value_name = "SECS"
    )]
    pub retry_after_cap: u64,

    /// Seconds between the stop signal and the stop: `/readyz` answers 503 while requests
    /// are still served, so a load balancer can move traffic away first
    #[arg(long, env = "PROFILES_SHUTDOWN_GRACE", default_value_t = 0, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(0..=300))]
    pub shutdown_grace: u64,

    /// Runtimes serving requests, each on its own thread [default: one per core available]
    #[arg(long, env = "PROFILES_WORKERS", value_name = "N")]
    pub workers: Option<std::num::NonZeroUsize>,

    #[command(flatten)]
    pub connections: ConnectionArgs,

    /// Enable the built-in emulator's test hooks (`/_emulator/*` on its loopback port)
    #[arg(long, env = "PROFILES_EMULATOR_TEST_HOOKS")]
    pub emulator_test_hooks: bool,

    /// Seconds between complete walks of the list that refresh the profile index.
    #[arg(long, env = "PROFILES_INDEX_REFRESH", default_value_t = 6 * 3600, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(60..=7 * 24 * 3600))]
    pub index_refresh: u64,

    /// Seconds between looks for new profiles (newest first) between complete walks.
    #[arg(long, env = "PROFILES_INDEX_POLL", default_value_t = 60, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=7 * 24 * 3600))]
    pub index_poll: u64,

    /// Most list requests per second the index sync makes.
    #[arg(long, env = "PROFILES_INDEX_RATE", default_value_t = 5.0, value_name = "PER_SEC",
          value_parser = index_rate)]
    pub index_rate: f64,

    /// Profiles the built-in emulator seeds on a first start (deterministic sample data).
    #[arg(long, env = "PROFILES_EMULATOR_SEED", default_value_t = crate::emulator::seed::SEED_COUNT,
          value_name = "N", value_parser = seed_count)]
    pub emulator_seed: usize,

    /// Most creates and updates per second an import job sends (its own budget, apart
    /// from the index sync's and people's requests).
    #[arg(long, env = "PROFILES_IMPORT_RATE", default_value_t = 5.0, value_name = "PER_SEC",
          value_parser = index_rate)]
    pub import_rate: f64,

    /// Most requests of an import job waiting for an answer at once.
    #[arg(long, env = "PROFILES_IMPORT_CONCURRENCY", default_value_t = 4, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=32))]
    pub import_concurrency: u16,

    /// Address to serve Prometheus metrics on, at /metrics; apart from the console's so
    /// that it is never public by accident [default: off]
    #[arg(long, env = "PROFILES_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,

    #[command(flatten)]
    pub auth: AuthArgs,
}

/// What one client may hold of the server (docs/reliability.md, "Slow and hostile
/// clients").
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// Seconds a client has to send a request's headers; an idle kept-alive connection is
    /// closed after as long
    #[arg(long, env = "PROFILES_HEADER_TIMEOUT", default_value_t = serve::default::HEADER_TIMEOUT_SECS,
          value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,

    /// Seconds a request's body may pause between two pieces before the request fails
    #[arg(long, env = "PROFILES_BODY_TIMEOUT", default_value_t = serve::default::BODY_TIMEOUT_SECS,
          value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout: u64,

    /// Header fields a request may carry; more are answered 431
    #[arg(long, env = "PROFILES_MAX_HEADERS", default_value_t = serve::default::MAX_HEADERS,
          value_name = "N", value_parser = clap::value_parser!(u16).range(8..=1000).map(usize::from))]
    pub max_headers: usize,

    /// Bytes a request line and its headers may take together; more are answered 431
    #[arg(long, env = "PROFILES_MAX_HEADER_BYTES", default_value_t = serve::default::MAX_HEADER_BYTES,
          value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1024..=1_048_576).map(|n| n as usize))]
    pub max_header_bytes: usize,

    /// Connections open at once, in all; past it a new one is closed at once
    #[arg(long, env = "PROFILES_MAX_CONNECTIONS", default_value_t = serve::default::CONNECTIONS,
          value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000).map(|n| n as usize))]
    pub max_connections: usize,

    /// Connections open at once from one client address (the trusted proxies are spared:
    /// they limit each client themselves)
    #[arg(long, env = "PROFILES_MAX_CONNECTIONS_PER_ADDRESS",
          default_value_t = serve::default::CONNECTIONS_PER_ADDRESS, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000).map(|n| n as usize))]
    pub max_connections_per_address: usize,
}

impl ConnectionArgs {
    /// The limits, sparing `proxies` the per-address one.
    pub fn limits(&self, proxies: &[std::net::IpAddr]) -> serve::Limits {
        serve::Limits {
            header_timeout: Duration::from_secs(self.header_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            max_headers: self.max_headers,
            max_header_bytes: self.max_header_bytes,
            connections: self.max_connections,
            per_address: self.max_connections_per_address,
            spared: proxies.to_vec(),
        }
    }
}

/// Who may use the console (docs/security.md).
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// How people sign in: open (demo on the built-in emulator only), local (accounts
    /// managed with `user`), proxy (a trusted SSO proxy names them) [default: local with
    /// an API key, open without]
    #[arg(long = "auth", env = "PROFILES_AUTH", value_enum, value_name = "MODE")]
    pub mode: Option<AuthMode>,

    /// Seconds a local session survives without a request
    #[arg(long, env = "PROFILES_SESSION_IDLE", default_value_t = 30 * 60, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub session_idle: u64,

    /// Seconds a local session lives at most, however active
    #[arg(long, env = "PROFILES_SESSION_LIFETIME", default_value_t = 12 * 3600, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub session_lifetime: u64,

    /// Addresses of the reverse proxies in front of the console (comma-separated): their
    /// X-Forwarded-For names the client, and in proxy mode their identity headers are
    /// believed
    #[arg(
        long = "trusted-proxy",
        env = "PROFILES_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP"
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Proxy mode: the header naming the signed-in user
    #[arg(
        long,
        env = "PROFILES_PROXY_USER_HEADER",
        default_value = "x-forwarded-user",
        value_name = "HEADER"
    )]
    pub proxy_user_header: axum::http::HeaderName,

    /// Proxy mode: the header listing the user's groups (comma-separated)
    #[arg(
        long,
        env = "PROFILES_PROXY_GROUPS_HEADER",
        default_value = "x-forwarded-groups",
        value_name = "HEADER"
    )]
    pub proxy_groups_header: axum::http::HeaderName,

    /// Proxy mode: the group whose members are viewers
    #[arg(
        long,
        env = "PROFILES_PROXY_VIEWER_GROUP",
        default_value = "profiles-viewer",
        value_name = "GROUP"
    )]
    pub proxy_viewer_group: String,

    /// Proxy mode: the group whose members are editors
    #[arg(
        long,
        env = "PROFILES_PROXY_EDITOR_GROUP",
        default_value = "profiles-editor",
        value_name = "GROUP"
    )]
    pub proxy_editor_group: String,

    /// Proxy mode: the group whose members are admins
    #[arg(
        long,
        env = "PROFILES_PROXY_ADMIN_GROUP",
        default_value = "profiles-admin",
        value_name = "GROUP"
    )]
    pub proxy_admin_group: String,

    /// The console's public address when a TLS proxy serves it (https://console.example):
    /// enables HSTS and accepts that origin for state-changing requests
    #[arg(long, env = "PROFILES_PUBLIC_ORIGIN", value_name = "URL")]
    pub public_origin: Option<reqwest::Url>,
}

impl AuthArgs {
    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(self.session_idle)
    }

    pub fn session_lifetime(&self) -> Duration {
        Duration::from_secs(self.session_lifetime)
    }
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to serve the emulated API on
    #[arg(
        long,
        env = "PROFILES_EMULATOR_LISTEN",
        default_value = "127.0.0.1:4010",
        value_name = "ADDR"
    )]
    pub listen: SocketAddr,

    /// Enable test hooks under /_emulator: fault injection, request log, trust grants
    #[arg(long, env = "PROFILES_EMULATOR_TEST_HOOKS")]
    pub test_hooks: bool,

    /// Profiles to seed on a first start (deterministic sample data).
    #[arg(long, env = "PROFILES_EMULATOR_SEED", default_value_t = crate::emulator::seed::SEED_COUNT,
          value_name = "N", value_parser = seed_count)]
    pub seed: usize,
}

/// A request rate: more than 0, at most 1,000 a second.
fn index_rate(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(r) if r > 0.0 && r <= 1000.0 => Ok(r),
        _ => Err("must be a number of requests per second, above 0 and at most 1000".into()),
    }
}

/// A seed size: 0 to 10 million, enough for any benchmark and within a disk's reach.
fn seed_count(raw: &str) -> Result<usize, String> {
    match raw.parse::<usize>() {
        Ok(n) if n <= 10_000_000 => Ok(n),
        _ => Err("must be a whole number from 0 to 10000000".into()),
    }
}

/// Where state that must persist lives: the emulator's profiles, and unless `DATABASE_URL`
/// names a PostgreSQL, the console's accounts, sessions and audit trail.
#[derive(Debug, Args)]
pub struct DataDir {
    /// Directory for state that must persist (the emulator's profiles; accounts, sessions
    /// and the audit trail unless DATABASE_URL is set)
    #[arg(
        long = "data-dir",
        env = "PROFILES_DATA_DIR",
        default_value = "./data",
        value_name = "DIR",
        global = true
    )]
    pub path: PathBuf,
}

/// The variable holding the API key (or, with `_FILE`, naming the file that does).
pub const API_KEY_VARIABLE: &str = "ANTHROPIC_API_KEY";
/// The variable naming the PostgreSQL database, if any.
pub const DATABASE_URL_VARIABLE: &str = "DATABASE_URL";
/// The variable holding the webhook signing secrets.
pub const WEBHOOK_SECRET_VARIABLE: &str = "PROFILES_WEBHOOK_SECRET";

/// The API key, from the environment or its `_FILE`; empty counts as unset.
pub fn api_key() -> Result<Option<SecretString>, String> {
    secret::secret(API_KEY_VARIABLE)
}

/// The webhook signing secrets, from the environment or their `_FILE`; empty counts as
/// unset. The error never repeats a secret.
pub fn webhook_secrets() -> Result<Option<crate::webhooks::signature::Secrets>, String> {
    use secrecy::ExposeSecret;
    match secret::secret(WEBHOOK_SECRET_VARIABLE)? {
        Some(raw) => crate::webhooks::signature::Secrets::parse(raw.expose_secret())
            .map(Some)
            .map_err(|e| format!("{WEBHOOK_SECRET_VARIABLE}: {e}")),
        None => Ok(None),
    }
}

impl ServeArgs {
    pub fn upstream_timeout(&self) -> Duration {
        Duration::from_secs(self.upstream_timeout)
    }

    pub fn retry_after_cap(&self) -> Duration {
        Duration::from_secs(self.retry_after_cap)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace)
    }

    pub fn index_refresh(&self) -> Duration {
        Duration::from_secs(self.index_refresh)
    }

    pub fn index_poll(&self) -> Duration {
        Duration::from_secs(self.index_poll)
    }

    /// An import job's request budget.
    pub fn import_budget(&self) -> crate::onboarding::job::Budget {
        crate::onboarding::job::Budget {
            per_second: self.import_rate,
            concurrency: usize::from(self.import_concurrency),
        }
    }
}

impl DataDir {
    /// The console's database: `DATABASE_URL` (environment or its `_FILE`) or the data
    /// directory.
    pub fn database(&self) -> Result<crate::db::Location, String> {
        let url = secret::secret(DATABASE_URL_VARIABLE)?;
        crate::db::Location::new(&self.path, url.as_ref())
    }
}

/// The key only ever travels to the base URL, so that URL must be https, except on this
/// machine (a local proxy or emulator).
pub fn check_base_url(url: &reqwest::Url) -> Result<(), String> {
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(format!(
            "ANTHROPIC_BASE_URL must use https (got http://{})",
            url.host_str().unwrap_or("")
        )),
        other => Err(format!(
            "ANTHROPIC_BASE_URL must be an https URL (got scheme {other:?})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn base_url_must_be_https_unless_loopback() {
        let ok = [
            "https://api.anthropic.com",
            "http://127.0.0.1:4010",
            "http://localhost:9",
            "http://[::1]:8",
        ];
        for u in ok {
            assert!(check_base_url(&u.parse().unwrap()).is_ok(), "{u}");
        }
        for u in [
            "http://api.anthropic.com",
            "http://10.0.0.1",
            "ftp://x",
            "file:///etc/passwd",
        ] {
            assert!(check_base_url(&u.parse().unwrap()).is_err(), "{u}");
        }
    }

    #[test]
    fn help_documents_every_setting_and_never_offers_a_key_flag() {
        let help = Cli::command().render_long_help().to_string();
        for name in [
            "ANTHROPIC_API_KEY",
            "ANTHROPIC_BASE_URL",
            "PROFILES_DATA_DIR",
            "DATABASE_URL",
            "PROFILES_AUTH",
            "PROFILES_SESSION_IDLE",
            "PROFILES_TRUSTED_PROXIES",
            "PROFILES_PUBLIC_ORIGIN",
            "PROFILES_WEBHOOK_SECRET",
            "--listen",
            "emulator",
            "user",
        ] {
            assert!(help.contains(name), "{name} missing from --help");
        }
        assert!(!help.contains("--api-key"));
        assert!(!help.contains("--database-url"));
    }
}

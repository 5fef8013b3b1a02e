//! Server entry: command line → configuration → console (with the built-in emulator when no
//! key is set) or the emulator alone.

use leptos::config::{get_config_from_file, get_config_from_str, LeptosOptions};
use profiles_admin::audit::store::AuditLog;
use profiles_admin::auth::setup::configure;
use profiles_admin::config::{
    api_key, check_base_url, webhook_secrets, Cli, Command, DataDir, EmulatorArgs, Loaded,
    ServeArgs,
};
use profiles_admin::db::Database;
use profiles_admin::emulator::{Emulator, EmulatorConfig};
use profiles_admin::hardening::Deployment;
use profiles_admin::index::{self, sync::SyncConfig, Index};
use profiles_admin::onboarding::job::Jobs;
use profiles_admin::onboarding::run::Runner;
use profiles_admin::router::app;
use profiles_admin::serve::{cores, on_every_core, without_nagle};
use profiles_admin::site::Site;
use profiles_admin::state::{AppState, Draining};
use profiles_admin::telemetry::Metrics;
use profiles_admin::upstream::retry::RetryPolicy;
use profiles_admin::upstream::{Client, UpstreamConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Rendering a page allocates and frees many small strings and view nodes, across
/// threads; mimalloc serves that faster than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Start-up runs on this single-threaded runtime, which then serves as one of the
/// console's runtimes, one per core (`profiles_admin::serve` explains why).
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Loaded { cli, settings } = Cli::load();
    // `import` and `doctor` keep standard output for their result; they log to standard
    // error.
    let to_stderr = matches!(
        cli.command,
        Some(Command::Import(_) | Command::Doctor { .. })
    );
    profiles_admin::telemetry::init_logs(cli.log_format, to_stderr);
    let result = match cli.command {
        Some(Command::Doctor { json }) => {
            let report = profiles_admin::doctor::examine(&cli.serve, &cli.data, settings).await;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("plain data")
                );
            } else {
                print!("{}", profiles_admin::doctor::table(&report));
            }
            return if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Some(Command::Backup { file }) => match cli.data.database() {
            Ok(location) => profiles_admin::db::backup(&location, &file)
                .await
                .map(|bytes| {
                    tracing::info!(file = %file.display(), bytes, "backup written");
                }),
            Err(e) => Err(e),
        },
        Some(Command::Emulator(args)) => run_emulator(args, cli.data.path).await,
        Some(Command::User { command }) => match cli.data.database() {
            Ok(database) => profiles_admin::auth::cli::run(command, &database).await,
            Err(e) => Err(e),
        },
        Some(Command::Import(args)) => match cli.data.database() {
            Ok(database) => {
                let (serve, data_dir) = (&cli.serve, &cli.data.path);
                let connect: profiles_admin::onboarding::cli::Connect =
                    Box::new(move || Box::pin(upstream(serve, data_dir)));
                return match profiles_admin::onboarding::cli::run(
                    args,
                    cli.serve.api_version,
                    &database,
                    cli.serve.import_budget(),
                    connect,
                )
                .await
                {
                    Ok(status) => ExitCode::from(status),
                    Err(message) => {
                        tracing::error!("{message}");
                        ExitCode::from(2)
                    }
                };
            }
            Err(e) => Err(e),
        },
        None => serve(cli.serve, cli.data).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs, data: DataDir) -> Result<(), String> {
    let data_dir = data.path.clone();
    let mut leptos_options = site_settings(args.site_config.as_deref())?;
    if let Some(listen) = args.listen {
        leptos_options.site_addr = listen;
    }
    let site = Site::choose(args.site_dir.clone(), &leptos_options.site_root);
    tracing::info!(site = %site.describe(), "browser bundle");

    // First, so that everything after is counted.
    let metrics = args
        .metrics_listen
        .map(|_| Metrics::install())
        .transpose()?;
    let api_key = api_key()?;
    // Before anything else, so that a console that could only leak the key never starts.
    if api_key.is_some() {
        check_base_url(&args.base_url)?;
    }
    let database = data.database()?;
    let opening = profiles_admin::db::patiently(|| async {
        let db = Database::connect(&database).await?;
        let index = Index::open(&db).await?;
        Ok((db, index))
    });
    let (db, index) = tokio::select! {
        opened = opening => opened?,
        () = shutdown_signal() => return Err("stopped while waiting for the database".into()),
    };
    tracing::info!(
        database = database.describe(),
        "accounts, sessions and the audit trail"
    );
    let auth = configure(&args.auth, &db, api_key.is_some()).await?;
    let deployment = Deployment::new(args.auth.public_origin.as_ref())?;
    tracing::info!(mode = ?auth.mode, "sign-in");
    let upstream = upstream(&args, &data_dir).await?;

    index::sync::spawn(
        index.clone(),
        upstream.clone(),
        SyncConfig::new(
            args.index_refresh(),
            args.index_poll(),
            args.index_rate,
            &upstream,
        ),
    );

    tokio::spawn(warm_counts(index.clone(), upstream.version().is_ga()));
    let jobs = Jobs::new(&db);
    profiles_admin::onboarding::run::spawn(Runner {
        jobs: jobs.clone(),
        client: upstream.clone(),
        index: index.clone(),
        log: AuditLog::new(&db),
        budget: args.import_budget(),
        name: Runner::process_name("console"),
    });

    let webhooks = webhook_secrets()?.map(|secrets| {
        tracing::info!(
            path = profiles_admin::webhooks::PATH,
            "webhooks: receiving signed deliveries (PROFILES_WEBHOOK_SECRET is set)"
        );
        profiles_admin::webhooks::Receiver::new(secrets, &db)
    });
    if webhooks.is_none() {
        tracing::info!("webhooks: off (PROFILES_WEBHOOK_SECRET is not set)");
    }

    if let (Some(listen), Some(metrics)) = (args.metrics_listen, metrics) {
        serve_metrics(listen, metrics, index.clone(), upstream.version().is_ga()).await?;
    }

    let addr = leptos_options.site_addr;
    let draining = Draining::default();
    let router = app(AppState {
        leptos_options,
        site,
        upstream,
        auth: std::sync::Arc::new(auth),
        deployment,
        draining: draining.clone(),
        audit: AuditLog::new(&db),
        database: db.clone(),
        index,
        webhooks,
        jobs,
        import_budget: args.import_budget(),
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let workers = args.workers.unwrap_or_else(cores);
    tracing::info!("serving on {workers} runtimes; console listening on http://{bound}");
    let grace = args.shutdown_grace();
    let stop = async move {
        shutdown_signal().await;
        draining.start();
        if !grace.is_zero() {
            tracing::info!(grace = ?grace, "not ready any more; serving through the grace period");
            tokio::time::sleep(grace).await;
        }
    };
    let limits = args.connections.limits(&args.auth.trusted_proxies);
    on_every_core(listener, router, workers, limits, stop)
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// The site settings: `--site-config`, or the copy of the repository's `Leptos.toml`
/// built in, so that the binary needs no file beside it; `LEPTOS_*` variables override
/// either (cargo-leptos sets them when it runs the server).
fn site_settings(file: Option<&std::path::Path>) -> Result<LeptosOptions, String> {
    const BUILT_IN: &str = include_str!("../Leptos.toml");
    match file {
        Some(path) => get_config_from_file(path)
            .map(|c| c.leptos_options)
            .map_err(|e| format!("cannot read site settings {}: {e}", path.display())),
        None => get_config_from_str(BUILT_IN).map_err(|e| format!("site settings: {e}")),
    }
}

/// Prometheus metrics on `listen`, apart from the console (docs/operations.md,
/// "Monitoring"); the index's figures are read at each scrape.
async fn serve_metrics(
    listen: SocketAddr,
    metrics: Metrics,
    index: Index,
    ga: bool,
) -> Result<(), String> {
    let gather: profiles_admin::telemetry::Gather = std::sync::Arc::new(move || {
        let index = index.clone();
        Box::pin(async move { index.set_gauges(ga).await })
    });
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen} for metrics: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!("metrics on http://{bound}/metrics");
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, metrics.router(gather)).await {
            tracing::error!(error = %e, "metrics server stopped");
        }
    });
    Ok(())
}

/// The client every call to the API goes through: the real API when `ANTHROPIC_API_KEY`
/// is set, or else the built-in emulator on the data directory, started here.
async fn upstream(args: &ServeArgs, data_dir: &std::path::Path) -> Result<Client, String> {
    let api_key = api_key()?;
    if api_key.is_some() {
        check_base_url(&args.base_url)?;
    }
    let config = match api_key {
        Some(key) => {
            tracing::info!(base_url = %args.base_url, api_version = %args.api_version, "backend: User Profiles API (API key set)");
            UpstreamConfig::new(args.base_url.clone(), args.api_version, Some(key))
        }
        None => {
            let emulator = Emulator::open(EmulatorConfig {
                data_dir: data_dir.to_path_buf(),
                api_key: None,
                test_hooks: args.emulator_test_hooks,
                seed: args.emulator_seed,
            })
            .await
            .map_err(|e| e.to_string())?;
            let addr = emulator
                .spawn(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .map_err(|e| format!("cannot start the built-in emulator: {e}"))?;
            tracing::info!(
                emulator = %addr,
                store = %emulator.store_path().display(),
                test_hooks = args.emulator_test_hooks,
                api_version = %args.api_version,
                "backend: built-in emulator with sample data (ANTHROPIC_API_KEY is not set)"
            );
            let base = format!("http://{addr}")
                .parse()
                .expect("a socket address is a valid host");
            UpstreamConfig::new(base, args.api_version, None)
        }
    };
    Client::new(UpstreamConfig {
        attempt_timeout: args.upstream_timeout(),
        retry: RetryPolicy {
            max_retries: args.max_retries,
            retry_after_cap: args.retry_after_cap(),
        },
        ..config
    })
    .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

async fn run_emulator(args: EmulatorArgs, data_dir: PathBuf) -> Result<(), String> {
    let api_key = api_key()?;
    let emulator = Emulator::open(EmulatorConfig {
        data_dir,
        api_key: api_key.clone(),
        test_hooks: args.test_hooks,
        seed: args.seed,
    })
    .await
    .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(
        listen = %bound,
        store = %emulator.store_path().display(),
        requires_key = api_key.is_some(),
        test_hooks = args.test_hooks,
        "emulated User Profiles API (beta user-profiles-2026-03-24) listening"
    );
    axum::serve(without_nagle(listener), emulator.router())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("emulator error: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}

/// Counts the review queue's tabs and the overview as their first pages ask for them, so
/// that those pages find their counts kept from the start: at 1,000,000 profiles a count
/// takes about a second; kept counts are then answered at once while counted again behind,
/// up to a minute old (docs/review.md).
async fn warm_counts(index: Index, ga: bool) {
    use profiles_admin::overview::server::DEFAULT_WEEKS;
    use profiles_admin::review::tabs::{Tab, DEFAULT_CHANGED_DAYS, DEFAULT_EXPIRING_DAYS};
    let tabs: Vec<Tab> = Tab::ALL.into_iter().filter(|t| t.speaks(ga)).collect();
    let today = time::OffsetDateTime::now_utc().date();
    let counted = index
        .queue_counts(
            &tabs,
            DEFAULT_EXPIRING_DAYS,
            DEFAULT_CHANGED_DAYS,
            false,
            &Default::default(),
        )
        .await
        .map(drop)
        .and(index.overview(DEFAULT_WEEKS, today).await.map(drop));
    if let Err(e) = counted {
        tracing::warn!(error = %e, "cannot count the review queue and the overview at start");
    }
}

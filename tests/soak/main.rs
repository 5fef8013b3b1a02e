//! The soak (docs/reliability.md, "Soak"): sixty-four clients at once against the real
//! binary on PostgreSQL, while the emulator injects latency, rate limits, overload, server
//! errors and dropped connections, is killed and started again, and the database goes away
//! once; then what the clients were told, what the emulator holds, the audit trail and the
//! index are compared. `PROFILES_SOAK_SECONDS` sets its length (two minutes here, thirty
//! in `scripts/soak.sh`), `PROFILES_SOAK_REPORT` a file for its figures.

#[path = "../common/mod.rs"]
mod common;

mod clients;
mod emulator;
mod report;
mod truth;

use clients::{Record, Shared};
use common::cut::Relay;
use common::running::Running;
use emulator::{free_port, EmulatorProcess};
use profiles_admin::auth::accounts::Accounts;
use profiles_admin::auth::Role;
use profiles_admin::db::{Database, Location};
use profiles_admin::profiles::model::ApiVersion;
use profiles_admin::upstream::{Client, UpstreamConfig};
use secrecy::ExposeSecret;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::time::sleep_until;

pub const KEY: &str = "sk-ant-api03-SOAK-0123456789abcdefghijklmnop";
const PASSWORD: &str = "soak password for tests";
const VIEWERS: usize = 28;
const EDITORS: usize = 16;
const ADMINS: usize = 12;
/// Clients that change programs at "Anthropic", which then sends webhooks.
const ENROLLMENTS: usize = 8;
const IMPORT_ROWS: usize = 60;

/// How long, from the environment.
fn seconds() -> u64 {
    std::env::var("PROFILES_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120)
}

/// The console's resident memory, in kB.
fn resident_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap()
}

/// The fault plan for the next second: a little latency on every call, and one of each
/// fault among the calls.
fn faults() -> serde_json::Value {
    json!({
        "latency_ms": 5,
        "sequence": [
            {"kind": "status", "status": 429, "headers": {"retry-after-ms": "200"}},
            {"kind": "delay", "ms": 300},
            {"kind": "status", "status": 529},
            {"kind": "drop"},
            {"kind": "status", "status": 500},
            {"kind": "apply_then_drop"},
        ]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_clients_under_faults_lose_nothing() {
    let seconds = seconds();
    let mut emulator = EmulatorProcess::start(
        std::env::var("PROFILES_SOAK_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(profiles_admin::emulator::seed::SEED_COUNT),
    );
    let direct = Client::new(UpstreamConfig::new(
        emulator.base_url().parse().unwrap(),
        ApiVersion::Ga,
        Some(KEY.into()),
    ))
    .unwrap();

    // The console's database, reached through a relay the soak cuts once, and directly
    // by the test to add accounts and read the audit trail and the index.
    let url = profiles_admin::db::testing::fresh_postgres().await;
    let db = Database::open(&Location::Postgres(url.clone()))
        .await
        .unwrap();
    let accounts = Accounts::new(&db);
    let mut url: reqwest::Url = url.expose_secret().parse().unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let relay = Relay::start(target.parse().unwrap(), true).await;
    url.set_port(Some(relay.addr.port())).unwrap();
    let names = |role: &'static str, n: usize| (0..n).map(move |i| format!("{role}{i}"));
    for (role, name) in names("viewer", VIEWERS)
        .map(|n| (Role::Viewer, n))
        .chain(names("editor", EDITORS).map(|n| (Role::Editor, n)))
        .chain(names("admin", ADMINS).map(|n| (Role::Admin, n)))
        .chain([(Role::Editor, "importer".to_owned())])
    {
        accounts.add(&name, role, PASSWORD).await.unwrap();
    }

    let listen = free_port();
    let base = format!("http://{listen}");
    let secret = emulator
        .register_webhook(&format!("{base}/webhooks/anthropic"))
        .await;
    let metrics = free_port();
    let emulator_url = emulator.base_url();
    let envs = [
        ("DATABASE_URL", url.as_str()),
        ("PROFILES_AUTH", "local"),
        ("ANTHROPIC_API_KEY", KEY),
        ("ANTHROPIC_BASE_URL", emulator_url.as_str()),
        ("PROFILES_WEBHOOK_SECRET", secret.as_str()),
        ("RUST_LOG", "warn"),
    ];
    let metrics_listen = metrics.to_string();
    let console_envs: Vec<(&str, &str)> = envs
        .iter()
        .copied()
        .chain([("PROFILES_METRICS_LISTEN", metrics_listen.as_str())])
        .collect();
    let mut console = Running::start(&console_envs, &["--listen", &listen.to_string()]);
    let ready = Instant::now();
    while reqwest::get(format!("{base}/healthz"))
        .await
        .map(|r| r.status())
        .ok()
        != Some(reqwest::StatusCode::OK)
    {
        assert!(
            ready.elapsed() < Duration::from_secs(60),
            "the console never answered"
        );
        assert!(
            console.child.try_wait().unwrap().is_none(),
            "{:#?}",
            console.stop()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Warm-up, without faults: every client signs in; each editor makes its profile.
    let record = Arc::new(Record::default());
    let shared = Shared {
        base: base.clone(),
        record: record.clone(),
        running: Arc::new(AtomicBool::new(true)),
    };
    let seeded: Arc<Vec<String>> = Arc::new(
        truth::emulator_profiles(&direct)
            .await
            .into_keys()
            .collect(),
    );
    let mut initial = BTreeMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    let mut client = 0;
    for i in 0..VIEWERS {
        let cookie = common::sign_in(
            &clients::http(client),
            &base,
            &format!("viewer{i}"),
            PASSWORD,
        )
        .await;
        tasks.spawn(clients::viewer(
            shared.clone(),
            client,
            cookie,
            seeded.clone(),
        ));
        client += 1;
    }
    for i in 0..EDITORS {
        let http = clients::http(client);
        let cookie = common::sign_in(&http, &base, &format!("editor{i}"), PASSWORD).await;
        let first = format!("e{client}-0");
        let made: serde_json::Value = http
            .post(format!("{base}/api/profiles/create"))
            .header("cookie", &cookie)
            .json(&json!({"profile": {"name": format!("soak editor {i}"), "metadata": {"soak": first}}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let profile = made["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{made}"))
            .to_owned();
        initial.insert(profile.clone(), first);
        tasks.spawn(clients::editor(shared.clone(), client, cookie, profile));
        client += 1;
    }
    for i in 0..ADMINS {
        let cookie = common::sign_in(
            &clients::http(client),
            &base,
            &format!("admin{i}"),
            PASSWORD,
        )
        .await;
        tasks.spawn(clients::admin(shared.clone(), client, cookie));
        client += 1;
    }
    let mut enrollments = tokio::task::JoinSet::new();
    for _ in 0..ENROLLMENTS {
        enrollments.spawn(clients::enrollment(
            shared.clone(),
            client,
            emulator_url.clone(),
            seeded.clone(),
        ));
        client += 1;
    }
    assert_eq!(client, 64);

    // The run: faults all along, an import, the emulator restarted, the database away.
    let start = tokio::time::Instant::now();
    let at = |fraction: f64| start + Duration::from_secs_f64(seconds as f64 * fraction);
    let injecting = Arc::new(AtomicBool::new(true));
    let injector = {
        let injecting = injecting.clone();
        let url = emulator_url.clone();
        tokio::spawn(async move {
            let emulator = reqwest::Client::new();
            let mut pace = tokio::time::interval(Duration::from_secs(1));
            let mut plans = 0u64;
            while injecting.load(Ordering::Relaxed) {
                pace.tick().await;
                let sent = emulator
                    .put(format!("{url}/_emulator/faults"))
                    .json(&faults())
                    .send()
                    .await;
                plans += u64::from(sent.is_ok_and(|r| r.status() == 204));
            }
            plans
        })
    };

    sleep_until(at(0.15)).await;
    let warm = resident_kb(console.child.id());

    sleep_until(at(0.2)).await;
    let rows: Vec<String> = (0..IMPORT_ROWS)
        .map(|n| format!("soak-import-{n}"))
        .collect();
    let import = {
        let file = tempfile::NamedTempFile::new().unwrap();
        let text = std::iter::once("external_id,name".to_owned())
            .chain(rows.iter().map(|r| format!("{r},Imported {r}")))
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(file.path(), text).unwrap();
        let envs: Vec<(String, String)> = envs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        tokio::task::spawn_blocking(move || import_until_done(file, &envs))
    };

    sleep_until(at(0.35)).await;
    let emulator_log = emulator.restart();

    sleep_until(at(0.6)).await;
    relay.down();
    sleep_until(at(0.6) + Duration::from_secs(3)).await;
    relay.up();

    sleep_until(at(1.0)).await;
    shared.running.store(false, Ordering::Relaxed);
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let mut grants = 0;
    while let Some(done) = enrollments.join_next().await {
        grants += done.unwrap();
    }
    injecting.store(false, Ordering::Relaxed);
    let plans = injector.await.unwrap();
    assert!(emulator.faults(json!({})).await, "faults off");
    let import_runs = import.await.unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    let end = resident_kb(console.child.id());

    // Settle: no audit entry left pending, then one complete walk of the index.
    let log = profiles_admin::audit::store::AuditLog::new(&db);
    let settled = Instant::now();
    let entries = loop {
        let entries = truth::audit_entries(&log).await;
        if !entries
            .iter()
            .any(|e| e.outcome == profiles_admin::audit::Outcome::Pending)
            || settled.elapsed() > Duration::from_secs(60)
        {
            break entries;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let index = profiles_admin::index::Index::open(&db).await.unwrap();
    let before = index.sync_state().await.unwrap().last_complete_at;
    index.request_refresh().await.unwrap();
    let walked = Instant::now();
    while index.sync_state().await.unwrap().last_complete_at == before {
        assert!(
            walked.elapsed() < Duration::from_secs(120),
            "no complete walk after the run"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let held = truth::emulator_profiles(&direct).await;

    let writes = record.writes.lock().unwrap().clone();
    let samples = record.samples.lock().unwrap().clone();
    let metrics_text = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut wrong = Vec::new();
    wrong.extend(truth::writes_match_the_emulator(&writes, &initial, &held));
    wrong.extend(truth::audit_matches_the_writes(
        &writes, &entries, &initial, &held,
    ));
    wrong.extend(truth::index_matches(&index, &held).await);
    wrong.extend(truth::import_made_each_row_once(&rows, &held));
    let console_log = console.stop();
    let emulator_log = [emulator_log, emulator.stop()].concat();
    for sample in &samples {
        let shown = sample.shown.as_deref().unwrap_or("");
        let names_an_outage = shown.contains("User Profiles API")
            || shown.contains("no answer came back")
            || shown.contains("database cannot be reached")
            || shown.contains("audit trail cannot be written");
        if (sample.status >= 500 || sample.status == 0) && !names_an_outage {
            wrong.push(format!(
                "{} answered {}: {shown}",
                sample.route, sample.status
            ));
        }
    }
    for line in console_log.iter().chain(&emulator_log) {
        if line.contains("panicked") {
            wrong.push(format!("a panic: {line}"));
        }
    }
    let growth = end as f64 / warm as f64;
    if growth > 1.2 {
        wrong.push(format!(
            "memory grew {growth:.2}× after warm-up ({warm} → {end} kB)"
        ));
    }

    let mut told: BTreeMap<String, usize> = BTreeMap::new();
    for write in &writes {
        *told.entry(format!("{:?}", write.told)).or_default() += 1;
    }
    let figures = BTreeMap::from([
        ("writes by what the client was told", format!("{told:?}")),
        (
            "upstream attempts / retries",
            format!(
                "{} / {}",
                report::counter(
                    &metrics_text,
                    profiles_admin::telemetry::name::UPSTREAM_REQUESTS,
                    &[]
                ),
                report::counter(
                    &metrics_text,
                    profiles_admin::telemetry::name::UPSTREAM_REQUESTS,
                    &["retry=\"true\""]
                ),
            ),
        ),
        (
            "webhook deliveries received, by outcome",
            format!(
                "{:?} (program changes made at the emulator: {grants})",
                report::by_label(
                    &metrics_text,
                    profiles_admin::telemetry::name::WEBHOOK_DELIVERIES,
                    "outcome"
                )
            ),
        ),
        (
            "upstream attempts by status",
            format!(
                "{:?}",
                report::by_label(
                    &metrics_text,
                    profiles_admin::telemetry::name::UPSTREAM_REQUESTS,
                    "status"
                )
            ),
        ),
        ("fault plans injected (6 faults each)", plans.to_string()),
        ("import runs to finish the job", import_runs.to_string()),
        (
            "resident memory after warm-up → end",
            format!("{warm} → {end} kB ({growth:.2}×)"),
        ),
        ("profiles at the end", held.len().to_string()),
    ]);
    let text = report::render(&samples, elapsed, &figures);
    println!("{text}");
    if let Ok(path) = std::env::var("PROFILES_SOAK_REPORT") {
        std::fs::write(path, &text).unwrap();
    }
    let shown: Vec<&str> = wrong
        .iter()
        .take(40)
        .map(|w| &w[..w.len().min(600)])
        .collect();
    assert!(
        wrong.is_empty(),
        "{} discrepancies:\n{}",
        wrong.len(),
        shown.join("\n")
    );
}

/// Runs `profiles-admin import` until its job is done, each run resuming the last (a run
/// ends early when the database or the emulator goes away); returns how many runs it took.
fn import_until_done(file: tempfile::NamedTempFile, envs: &[(String, String)]) -> usize {
    let data = tempfile::tempdir().unwrap();
    for run in 1..=20 {
        let out = common::run_binary(
            data.path(),
            &envs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
            &["import", file.path().to_str().unwrap(), "--as", "importer"],
            "",
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let last: Option<serde_json::Value> = stdout
            .lines()
            .last()
            .and_then(|l| serde_json::from_str(l).ok());
        if out.status.success() && last.is_some_and(|l| l["failed"] == 0) {
            return run;
        }
    }
    panic!("the import never finished");
}

//! The soak (docs/reliability.md, "The soak"): sixty-four clients at once against the real
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
use profiles_admin::audit::store::AuditLog;
use profiles_admin::audit::Outcome;
use profiles_admin::auth::accounts::Accounts;
use profiles_admin::auth::Role;
use profiles_admin::db::{Database, Location};
use profiles_admin::index::Index;
use profiles_admin::profiles::model::ApiVersion;
use profiles_admin::upstream::{Client, UpstreamConfig};
use secrecy::ExposeSecret;
use serde_json::json;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use tokio::time::sleep_until;

pub const KEY: &str = "sk-ant-api03-SOAK-0123456789abcdefghijklmnop";
const PASSWORD: &str = "soak password for tests";
const VIEWERS: usize = 28;
const EDITORS: usize = 16;
const ADMINS: usize = 12;
/// Clients that change programs at "Anthropic", which then sends webhooks.
const ENROLLMENTS: usize = 8;
const IMPORT_ROWS: usize = 60;
/// The account the import acts as.
const IMPORTER: &str = "importer";

/// A number from the environment, or `default`.
fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
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
    let seconds = setting("PROFILES_SOAK_SECONDS", 120) as f64;
    let seed = setting(
        "PROFILES_SOAK_SEED",
        profiles_admin::emulator::seed::SEED_COUNT,
    );
    let mut soak = Soak::start(seed).await;
    let run = soak.run(seconds).await;

    // Settle: no audit entry left pending, one complete walk of the index, and the
    // program pass with nothing left to retrieve.
    let log = AuditLog::new(&soak.db);
    let settled = Instant::now();
    let entries = loop {
        let entries = truth::audit_entries(&log).await;
        let pending = entries.iter().any(|e| e.outcome == Outcome::Pending);
        if !pending || settled.elapsed() > Duration::from_secs(60) {
            break entries;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let index = Index::open(&soak.db).await.unwrap();
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
    // Under GA the walk leaves programs to the program pass: wait for it too.
    while index.programs_backlog().await.unwrap() > 0 {
        assert!(
            walked.elapsed() < Duration::from_secs(600),
            "the program pass never caught up"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let held = truth::emulator_profiles(&soak.direct).await;
    let metrics = reqwest::get(format!("http://{}/metrics", soak.metrics))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    let writes = run.record.writes.lock().unwrap().clone();
    let samples = run.record.samples.lock().unwrap().clone();
    let mut wrong = Vec::new();
    wrong.extend(truth::writes_match_the_emulator(
        &writes,
        &run.initial,
        &held,
    ));
    wrong.extend(truth::audit_matches_the_writes(
        &writes,
        &entries,
        &run.initial,
        &held,
    ));
    wrong.extend(truth::index_matches(&index, &soak.direct, &held).await);
    wrong.extend(truth::import_made_each_row_once(&run.rows, &held));
    wrong.extend(truth::answers_name_their_outage(&samples));
    let logs = [soak.console.stop(), soak.emulator.stop()].concat();
    wrong.extend(
        logs.iter()
            .chain(&run.emulator_log)
            .filter(|line| line.contains("panicked"))
            .map(|line| format!("a panic: {line}")),
    );
    let growth = run.end_kb as f64 / run.warm_kb as f64;
    if growth > 1.2 {
        wrong.push(format!(
            "memory grew {growth:.2}× after warm-up ({} → {} kB)",
            run.warm_kb, run.end_kb
        ));
    }

    let mut figures = report::figures(&metrics, &writes);
    figures.extend([
        (
            "fault plans injected (6 faults each)",
            run.plans.to_string(),
        ),
        (
            "program statuses set at the emulator (a change sends a webhook)",
            run.grants.to_string(),
        ),
        ("import runs to finish the job", run.import_runs.to_string()),
        (
            "requests that got no answer at all",
            samples.iter().filter(|s| s.status == 0).count().to_string(),
        ),
        (
            "resident memory after warm-up → end",
            format!("{} → {} kB ({growth:.2}×)", run.warm_kb, run.end_kb),
        ),
        ("profiles at the end", held.len().to_string()),
    ]);
    let text = report::render(&samples, run.elapsed, &figures);
    println!("{text}");
    if let Ok(path) = std::env::var("PROFILES_SOAK_REPORT") {
        std::fs::write(path, &text).unwrap();
    }
    if !wrong.is_empty() {
        // What the processes said went wrong, to go with the discrepancies.
        for line in logs.iter().filter(|l| l.contains("ERROR")).take(30) {
            eprintln!("{line}");
        }
    }
    let shown: Vec<String> = wrong
        .iter()
        .take(40)
        .map(|w| w.chars().take(600).collect())
        .collect();
    assert!(
        wrong.is_empty(),
        "{} discrepancies:\n{}",
        wrong.len(),
        shown.join("\n")
    );
}

/// What the soak runs against: the emulator as a process, the console binary on a
/// PostgreSQL database it reaches through a relay the soak can cut, and the test's own
/// ways in (the API directly, the database directly, the console's metrics).
struct Soak {
    emulator: EmulatorProcess,
    /// The emulator, straight, without faults once they are off.
    direct: Client,
    db: Database,
    relay: Relay,
    /// The console's environment, which the import command shares.
    envs: Vec<(String, String)>,
    console: Running,
    base: String,
    metrics: SocketAddr,
}

/// What one run left: every client's record and the figures taken on the way.
struct Run {
    record: Arc<Record>,
    /// Each editor's profile and the value it made it with.
    initial: BTreeMap<String, String>,
    /// The import's external ids.
    rows: Vec<String>,
    emulator_log: Vec<String>,
    warm_kb: u64,
    end_kb: u64,
    elapsed: f64,
    plans: u64,
    grants: u64,
    import_runs: usize,
}

impl Soak {
    async fn start(seed: usize) -> Self {
        let emulator = EmulatorProcess::start(seed);
        let direct = Client::new(UpstreamConfig::new(
            emulator.base_url().parse().unwrap(),
            ApiVersion::Ga,
            Some(KEY.into()),
        ))
        .unwrap();

        let url = profiles_admin::db::testing::fresh_postgres().await;
        let db = Database::open(&Location::Postgres(url.clone()))
            .await
            .unwrap();
        let (relay, url) = Relay::before(&url.expose_secret().parse().unwrap(), true).await;
        let accounts = Accounts::new(&db);
        for (role, name) in accounts_of_every_client() {
            accounts.add(&name, role, PASSWORD).await.unwrap();
        }

        let listen = free_port();
        let base = format!("http://{listen}");
        let secret = emulator
            .register_webhook(&format!("{base}/webhooks/anthropic"))
            .await;
        let metrics = free_port();
        let envs: Vec<(String, String)> = [
            ("DATABASE_URL", url.as_str()),
            ("PROFILES_AUTH", "local"),
            ("ANTHROPIC_API_KEY", KEY),
            ("ANTHROPIC_BASE_URL", emulator.base_url().as_str()),
            ("PROFILES_WEBHOOK_SECRET", secret.as_str()),
            ("RUST_LOG", "warn"),
            // The index syncs as fast as the emulator allows, so that it catches up
            // within the settling time.
            ("PROFILES_INDEX_RATE", "200"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let metrics_listen = metrics.to_string();
        let console_envs: Vec<(&str, &str)> = envs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
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
        Self {
            emulator,
            direct,
            db,
            relay,
            envs,
            console,
            base,
            metrics,
        }
    }

    /// The run: the clients start after a warm-up without faults (each signs in, each
    /// editor makes its profile); then faults all along, an import from a fifth of the
    /// way, the emulator restarted at 35%, the database away at 60%.
    async fn run(&mut self, seconds: f64) -> Run {
        let record = Arc::new(Record::default());
        let shared = Shared {
            base: self.base.clone(),
            record: record.clone(),
            running: Arc::new(AtomicBool::new(true)),
        };
        let (mut tasks, mut enrollments, initial) = self.clients(&shared).await;

        let start = tokio::time::Instant::now();
        let at = |fraction: f64| start + Duration::from_secs_f64(seconds * fraction);
        let injecting = Arc::new(AtomicBool::new(true));
        let injector = tokio::spawn(inject_faults(self.emulator.base_url(), injecting.clone()));

        sleep_until(at(0.15)).await;
        let warm_kb = resident_kb(self.console.child.id());

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
            let envs = self.envs.clone();
            tokio::task::spawn_blocking(move || import_until_done(file, &envs))
        };

        sleep_until(at(0.35)).await;
        let emulator_log = self.emulator.restart();

        sleep_until(at(0.6)).await;
        self.relay.down();
        sleep_until(at(0.6) + Duration::from_secs(3)).await;
        self.relay.up();

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
        assert!(self.emulator.faults(json!({})).await, "faults off");
        let import_runs = import.await.unwrap();
        Run {
            record,
            initial,
            rows,
            emulator_log,
            warm_kb,
            end_kb: resident_kb(self.console.child.id()),
            elapsed: start.elapsed().as_secs_f64(),
            plans,
            grants,
            import_runs,
        }
    }

    /// Signs every client in and sets it going; each editor first makes the profile it
    /// will edit. Returns the people's tasks, the program changers' and each editor's
    /// profile with its first value.
    async fn clients(
        &self,
        shared: &Shared,
    ) -> (JoinSet<()>, JoinSet<u64>, BTreeMap<String, String>) {
        let base = &self.base;
        let seeded: Arc<Vec<String>> = Arc::new(
            truth::emulator_profiles(&self.direct)
                .await
                .into_keys()
                .collect(),
        );
        let mut initial = BTreeMap::new();
        let mut tasks = JoinSet::new();
        let mut enrollments = JoinSet::new();
        for (client, (role, name)) in accounts_of_every_client().enumerate() {
            let http = clients::http(client);
            if name == IMPORTER {
                continue;
            }
            let cookie = common::sign_in(&http, base, &name, PASSWORD).await;
            match role {
                Role::Viewer => {
                    tasks.spawn(clients::viewer(
                        shared.clone(),
                        client,
                        cookie,
                        seeded.clone(),
                    ));
                }
                Role::Editor => {
                    let first = format!("e{client}-0");
                    let made: serde_json::Value = http
                        .post(format!("{base}/api/profiles/create"))
                        .header("cookie", &cookie)
                        .json(&json!({"profile": {"name": format!("soak {name}"), "metadata": {"soak": first}}}))
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
                }
                Role::Admin => {
                    tasks.spawn(clients::admin(shared.clone(), client, cookie));
                }
            }
        }
        for client in 0..ENROLLMENTS {
            enrollments.spawn(clients::enrollment(
                shared.clone(),
                client,
                self.emulator.base_url(),
                seeded.clone(),
            ));
        }
        assert_eq!(tasks.len() + enrollments.len(), 64);
        (tasks, enrollments, initial)
    }
}

/// The account of each client that signs in, and the import's.
fn accounts_of_every_client() -> impl Iterator<Item = (Role, String)> {
    let names = |role: Role, word: &'static str, n: usize| {
        (0..n).map(move |i| (role, format!("{word}{i}")))
    };
    names(Role::Viewer, "viewer", VIEWERS)
        .chain(names(Role::Editor, "editor", EDITORS))
        .chain(names(Role::Admin, "admin", ADMINS))
        .chain([(Role::Editor, IMPORTER.to_owned())])
}

/// Puts a new fault plan in place every second until told to stop; returns how many.
async fn inject_faults(emulator: String, injecting: Arc<AtomicBool>) -> u64 {
    let http = reqwest::Client::new();
    let mut pace = tokio::time::interval(Duration::from_secs(1));
    let mut plans = 0;
    while injecting.load(Ordering::Relaxed) {
        pace.tick().await;
        let sent = http
            .put(format!("{emulator}/_emulator/faults"))
            .json(&faults())
            .send()
            .await;
        plans += u64::from(sent.is_ok_and(|r| r.status() == 204));
    }
    plans
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
            &["import", file.path().to_str().unwrap(), "--as", IMPORTER],
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

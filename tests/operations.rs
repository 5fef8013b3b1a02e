//! What an operator runs: the settings file and its precedence, `doctor` against good and
//! broken setups, and a backup taken while the console runs, restored.

mod common;

use common::running::Running;
use common::TestEmulator;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

const KEY: &str = "sk-ant-api03-OPERATIONS-0123456789abcdefghij";
const PASSWORD: &str = "a password for tests";
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Runs the binary with only `envs` in its environment (none of the machine's settings),
/// in `dir`, off the test's runtime so that an emulator on it keeps answering.
async fn binary(dir: &Path, envs: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_profiles-admin"));
    command
        .env_clear()
        .current_dir(dir)
        .envs(envs.iter().copied())
        .args(args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// `doctor --json`: its exit status and report.
async fn doctor(dir: &Path, envs: &[(&str, &str)], args: &[&str]) -> (i32, Value, String) {
    let args: Vec<&str> = args.iter().copied().chain(["doctor", "--json"]).collect();
    let out = binary(dir, envs, &args).await;
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out)));
    (out.status.code().unwrap(), report, text(&out))
}

/// A check of the report, by name: (status, detail).
fn check<'a>(report: &'a Value, name: &str) -> (&'a str, &'a str) {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {report:#}"));
    (c["status"].as_str().unwrap(), c["detail"].as_str().unwrap())
}

/// A setting of the report, by key: (value, source).
fn setting<'a>(report: &'a Value, key: &str) -> (Option<&'a str>, &'a str) {
    let s = report["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no setting {key} in {report:#}"));
    (s["value"].as_str(), s["source"].as_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_come_from_flags_then_the_environment_then_the_file_then_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::write(
        dir.path().join("console.toml"),
        "# every layer gives max_retries; the file and the environment give index_rate\n\
         max_retries = 1\nindex_rate = 1.5\nlisten = \"127.0.0.1:7000\"\napi_version = \
         \"2026-03-24\"\ntrusted_proxies = [\"10.0.0.1\", \"10.0.0.2\"]\n",
    )
    .unwrap();
    let envs = [
        ("PROFILES_CONFIG", "console.toml"),
        ("PROFILES_DATA_DIR", data.to_str().unwrap()),
        ("PROFILES_MAX_RETRIES", "3"),
        ("PROFILES_INDEX_RATE", "2.5"),
    ];
    let (status, report, _) = doctor(dir.path(), &envs, &["--max-retries", "5"]).await;
    assert_eq!(status, 0, "{report:#}");
    let table = [
        ("max_retries", Some("5"), "flag"),
        ("index_rate", Some("2.5"), "environment"),
        ("listen", Some("127.0.0.1:7000"), "file"),
        ("api_version", Some("2026-03-24"), "file"),
        ("trusted_proxies", Some("10.0.0.1,10.0.0.2"), "file"),
        ("upstream_timeout", Some("30"), "default"),
        ("data_dir", data.to_str(), "environment"),
        ("config", Some("console.toml"), "environment"),
        ("public_origin", None, "unset"),
    ];
    for (key, value, source) in table {
        assert_eq!(setting(&report, key), (value, source), "{key}");
    }
    // Without the flag and the variable, the file's value stands.
    let (_, report, _) = doctor(dir.path(), &envs[..2], &[]).await;
    assert_eq!(setting(&report, "max_retries"), (Some("1"), "file"));
    assert_eq!(setting(&report, "index_rate"), (Some("1.5"), "file"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_settings_file_stops_every_command_with_its_line_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "listen = \"127.0.0.1:1\"\nlisen = \"x\"\n",
            "line 2: unknown setting lisen; did you mean listen?",
        ),
        ("\nmax_retries = 11\n", "line 2: max_retries:"),
        (
            "api_key = \"sk-ant-FROM-THE-FILE\"\n",
            "line 1: api_key is a secret",
        ),
        (
            "database_url = \"postgres://u:FROM-THE-FILE@h/d\"\n",
            "set DATABASE_URL or DATABASE_URL_FILE",
        ),
    ];
    for (file, said) in cases {
        std::fs::write(dir.path().join("bad.toml"), file).unwrap();
        for command in [
            &["doctor"][..],
            &["user", "list"],
            &["--config", "bad.toml", "backup", "x"],
        ] {
            let envs = [("PROFILES_CONFIG", "bad.toml")];
            let out = binary(dir.path(), &envs, command).await;
            let printed = text(&out);
            assert_eq!(out.status.code(), Some(2), "{command:?}: {printed}");
            assert!(
                printed.contains("bad.toml") && printed.contains(said),
                "{printed}"
            );
            assert!(!printed.contains("FROM-THE-FILE"), "{printed}");
        }
    }
}

/// Makes `data` a console's data directory, migrated, with one account.
fn migrated(data: &Path) {
    common::add_admin(data, &[], "ana", PASSWORD);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_a_good_setup_and_never_prints_a_secret() {
    let emulator = TestEmulator::start_with_key(Some(KEY)).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    migrated(&data);
    // The key as a container platform mounts it: a file, with a final newline.
    std::fs::write(dir.path().join("api-key"), format!("{KEY}\n")).unwrap();
    let base = emulator.base_url().to_string();
    let envs = [
        ("ANTHROPIC_API_KEY_FILE", "api-key"),
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("PROFILES_DATA_DIR", data.to_str().unwrap()),
        ("PROFILES_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("PROFILES_PUBLIC_ORIGIN", "https://console.example"),
        ("PROFILES_TRUSTED_PROXIES", "127.0.0.1"),
    ];
    let (status, report, printed) = doctor(dir.path(), &envs, &[]).await;
    assert_eq!(status, 0, "{report:#}");
    for name in [
        "data directory",
        "database",
        "upstream",
        "api version",
        "clock",
        "webhook secret",
        "public origin",
    ] {
        assert_eq!(check(&report, name).0, "ok", "{name}: {report:#}");
    }
    assert!(check(&report, "database").1.contains("migrated"));
    assert!(check(&report, "api version")
        .1
        .contains("enforcement fields"));
    let secrets = &report["secrets"];
    assert_eq!(
        secrets[0],
        json!({"variable": "ANTHROPIC_API_KEY", "source": "file (_FILE)"})
    );
    assert_eq!(secrets[2]["source"], "environment");
    assert!(!printed.contains(KEY) && !printed.contains(&WEBHOOK_SECRET[6..]));

    // The table says the same to a person.
    let out = binary(dir.path(), &envs, &["doctor"]).await;
    let table = text(&out);
    assert!(out.status.success(), "{table}");
    assert!(table.contains("ANTHROPIC_API_KEY") && table.contains("(a secret, not shown)"));
    assert!(!table.contains(KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_a_refused_key_a_forbidden_one_and_a_skewed_clock() {
    let emulator = TestEmulator::start_with_key(Some(KEY)).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    migrated(&data);
    let base = emulator.base_url().to_string();
    let wrong = "sk-ant-api03-WRONG-KEY-000000000000";
    let envs = |key| {
        vec![
            ("ANTHROPIC_API_KEY", key),
            ("ANTHROPIC_BASE_URL", base.as_str()),
            ("PROFILES_DATA_DIR", data.to_str().unwrap()),
        ]
    };

    let (status, report, printed) = doctor(dir.path(), &envs(wrong), &[]).await;
    assert_eq!(status, 1);
    let (result, detail) = check(&report, "upstream");
    assert_eq!(result, "fail");
    assert!(detail.contains("401"), "{detail}");
    assert!(!printed.contains(wrong) && !printed.contains(KEY));
    // Unset optional things are notes, not failures: only the key failed.
    let failed: Vec<_> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(check(&report, "webhook secret").0, "note");
    assert_eq!(check(&report, "public origin").0, "note");

    emulator
        .faults(json!({"sequence": [{"kind": "status", "status": 403}]}))
        .await;
    let (status, report, _) = doctor(dir.path(), &envs(KEY), &[]).await;
    assert_eq!(status, 1);
    let (result, detail) = check(&report, "upstream");
    assert_eq!(result, "fail");
    assert!(detail.contains("403"), "{detail}");

    // The upstream's clock ten minutes ahead: webhook signatures would be refused.
    emulator.faults(json!({"clock_skew_s": 600})).await;
    let (status, report, _) = doctor(dir.path(), &envs(KEY), &[]).await;
    assert_eq!(status, 1);
    let (result, detail) = check(&report, "clock");
    assert_eq!(result, "fail", "{detail}");
    assert!(detail.contains("behind"), "{detail}");
    emulator.faults(json!({"clock_skew_s": 45})).await;
    let (status, report, _) = doctor(dir.path(), &envs(KEY), &[]).await;
    assert_eq!((status, check(&report, "clock").0), (0, "note"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_a_stopped_database_a_fresh_one_and_bad_settings() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    // A PostgreSQL that is not there; its password never printed.
    let stopped = "postgres://profiles:DB-PASSWORD@127.0.0.1:1/none";
    let envs = [("PROFILES_DATA_DIR", data), ("DATABASE_URL", stopped)];
    let (status, report, printed) = doctor(dir.path(), &envs, &[]).await;
    assert_eq!(status, 1);
    let (result, detail) = check(&report, "database");
    assert_eq!(result, "fail");
    assert!(detail.contains("cannot reach PostgreSQL"), "{detail}");
    assert!(!printed.contains("DB-PASSWORD"), "{printed}");

    // A first start to come: notes only.
    let (status, report, _) = doctor(dir.path(), &envs[..1], &[]).await;
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(check(&report, "database").0, "note");
    assert_eq!(check(&report, "data directory").0, "note");

    // A webhook secret of the wrong form, a public origin in the clear, a key in a file
    // that is not there: each named, none repeated.
    let envs = [
        ("PROFILES_DATA_DIR", data),
        ("PROFILES_WEBHOOK_SECRET", "not-base64-SECRET!"),
        ("PROFILES_PUBLIC_ORIGIN", "http://console.example"),
        ("ANTHROPIC_API_KEY_FILE", "/nonexistent/api-key"),
    ];
    let (status, report, printed) = doctor(dir.path(), &envs, &[]).await;
    assert_eq!(status, 1);
    assert_eq!(check(&report, "webhook secret").0, "fail");
    assert_eq!(check(&report, "public origin").0, "fail");
    let (result, detail) = check(&report, "upstream");
    assert_eq!(result, "fail");
    assert!(detail.contains("ANTHROPIC_API_KEY_FILE"), "{detail}");
    assert!(!printed.contains("SECRET!"), "{printed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_console_runs_restores_its_accounts_and_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    migrated(data.path());
    let local = [("PROFILES_AUTH", "local")];
    let listen = ["--listen", "127.0.0.1:0"];
    let mut console = Running::start_in(data, &local, &listen);
    let address = console.address();
    sign_in(&address).await;

    // The copy, taken from a second process while the first serves.
    let copy = dir.path().join("backup.sqlite");
    let backup_dir = tempfile::tempdir().unwrap();
    let out = common::run_binary(console.data(), &[], &["backup", copy.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out));
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&copy).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    console.stop();

    // Restored: the file is the new data directory's database.
    std::fs::copy(
        &copy,
        backup_dir.path().join(profiles_admin::db::DATABASE_FILE),
    )
    .unwrap();
    let mut restored = Running::start_in(backup_dir, &local, &listen);
    let address = restored.address();
    let cookie = sign_in(&address).await;
    let audit = common::get_signed_in(
        &reqwest::Client::new(),
        &format!("http://{address}/audit"),
        &cookie,
    )
    .await
    .text()
    .await
    .unwrap();
    // The sign-in before the backup, and the one just now (rows of the table; the filter
    // offers the action's name too). Text only up to the cell's end, which builds with
    // hydration markers (`cargo leptos test`) follow with a marker.
    assert_eq!(audit.matches("<td>Signed in").count(), 2, "{audit}");
    restored.stop();

    // PostgreSQL has its own tools.
    let out = common::run_binary(
        dir.path(),
        &[("DATABASE_URL", "postgres://127.0.0.1:1/none")],
        &["backup", "x.sqlite"],
        "",
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("pg_dump"), "{}", text(&out));
}

/// Signs in as the account [`migrated`] made; returns the session's cookie.
async fn sign_in(address: &str) -> String {
    common::sign_in(
        &common::no_redirects(),
        &format!("http://{address}"),
        "ana",
        PASSWORD,
    )
    .await
}

type Exposition = openmetrics_parser::MetricsExposition<
    openmetrics_parser::PrometheusType,
    openmetrics_parser::PrometheusValue,
>;

/// One scrape, parsed by a Prometheus text-format parser (a grammar of the format, which
/// takes braces and quotes inside label values as Prometheus does).
async fn scrape(address: &str) -> Exposition {
    let text = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    openmetrics_parser::prometheus::parse_prometheus(&text)
        .unwrap_or_else(|e| panic!("not the Prometheus text format ({e:?}):\n{text}"))
}

/// The value of `metric`'s sample with exactly these `labels`, if there is one.
fn sample(scraped: &Exposition, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    use openmetrics_parser::PrometheusValue as V;
    let family = scraped.families.get(metric)?;
    if family.get_label_names().len() != labels.len() {
        return None;
    }
    family
        .iter_samples()
        .find(|s| {
            let set = s.get_labelset().unwrap();
            labels
                .iter()
                .all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .map(|s| match &s.value {
            V::Counter(c) => c.value.as_f64(),
            V::Gauge(n) | V::Unknown(n) => n.as_f64(),
            other => panic!("{metric} is not a single number: {other:?}"),
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_a_scripted_workload_on_their_own_address_with_no_name_in_a_label() {
    let data = tempfile::tempdir().unwrap();
    migrated(data.path());
    let mut console = Running::start_in(
        data,
        &[
            ("PROFILES_AUTH", "local"),
            ("PROFILES_INDEX_RATE", "1000"),
            ("PROFILES_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ],
        &["--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"],
    );
    let metrics = console
        .wait_for("metrics on http://")
        .rsplit("http://")
        .next()
        .unwrap()
        .trim_end_matches("/metrics")
        .trim()
        .to_owned();
    let address = console.address();
    let http = common::no_redirects();
    let failed = http
        .post(format!("http://{address}/sign-in"))
        .form(&[("name", "ana"), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 401);
    let cookie = sign_in(&address).await;
    for _ in 0..3 {
        let page =
            common::get_signed_in(&http, &format!("http://{address}/profiles"), &cookie).await;
        assert_eq!(page.status(), 200);
    }
    let missing = format!("http://{address}/profiles/uprof_0000000000000000000000000000");
    let missing = common::get_signed_in(&http, &missing, &cookie).await;
    assert_eq!(missing.status(), 404);
    let forged = http
        .post(format!("http://{address}/webhooks/anthropic"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);

    // The walk of the emulator's 150 profiles finishes; the scrape then shows it.
    let scraped = loop {
        let scraped = scrape(&metrics).await;
        let walks = sample(
            &scraped,
            "profiles_admin_index_walks_total",
            &[("outcome", "complete")],
        );
        if walks.is_some() {
            break scraped;
        }
        console.wait_for("index walk complete");
    };
    let get = |metric: &str, labels: &[(&str, &str)]| sample(&scraped, metric, labels);
    let requests = "profiles_admin_http_requests_total";
    let at = |route, status| [("method", "GET"), ("route", route), ("status", status)];
    assert_eq!(get(requests, &at("/profiles", "200")), Some(3.0));
    assert_eq!(get(requests, &at("/profiles/{id}", "404")), Some(1.0));
    let signins = "profiles_admin_sign_ins_total";
    assert_eq!(get(signins, &[("outcome", "failed")]), Some(1.0));
    assert_eq!(get(signins, &[("outcome", "succeeded")]), Some(1.0));
    let webhooks = "profiles_admin_webhook_deliveries_total";
    assert_eq!(get(webhooks, &[("outcome", "unsigned")]), Some(1.0));
    let upstream = "profiles_admin_upstream_requests_total";
    let missing = [("endpoint", "get"), ("status", "404"), ("retry", "false")];
    assert_eq!(get(upstream, &missing), Some(1.0));
    assert!(
        get(
            upstream,
            &[("endpoint", "list"), ("status", "200"), ("retry", "false")]
        ) >= Some(2.0)
    );
    assert_eq!(get("profiles_admin_index_profiles", &[]), Some(150.0));
    assert_eq!(get("profiles_admin_index_walk_running", &[]), Some(0.0));
    let age = get("profiles_admin_index_last_complete_walk_age_seconds", &[]).unwrap();
    assert!((0.0..60.0).contains(&age), "{age}");
    assert!(get("profiles_admin_index_programs_backlog", &[]).is_some());
    let durations = &scraped.families["profiles_admin_http_request_duration_seconds"];
    assert!(durations
        .iter_samples()
        .all(|s| matches!(s.value, openmetrics_parser::PrometheusValue::Histogram(_))));

    // No label names a profile, an account, or a secret.
    for (metric, family) in &scraped.families {
        for s in family.iter_samples() {
            for value in s.get_labelset().unwrap().iter_values() {
                for forbidden in ["uprof_", "ana", PASSWORD, &WEBHOOK_SECRET[6..]] {
                    assert!(!value.contains(forbidden), "{metric} has {value}");
                }
            }
        }
    }
    // Metrics only on their own address, the console only on its own.
    let elsewhere = http
        .get(format!("http://{metrics}/profiles"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    let on_console = common::get_signed_in(&http, &format!("http://{address}/metrics"), &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(!on_console.contains("profiles_admin_http_requests_total"));
    console.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_each_request_s_id_route_status_latency_and_account_and_no_cookie() {
    let data = tempfile::tempdir().unwrap();
    migrated(data.path());
    let mut console = Running::start_in(
        data,
        &[("PROFILES_AUTH", "local"), ("PROFILES_LOG_FORMAT", "json")],
        &["--listen", "127.0.0.1:0"],
    );
    let address = console.wait_for("console listening on http://");
    let address = address
        .split("http://")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let cookie = sign_in(&address).await;
    let page = reqwest::Client::new()
        .get(format!("http://{address}/profiles?q=secret-search"))
        .header("cookie", &cookie)
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    console.wait_for("trace-me-42");
    let lines = console.stop();
    let parsed: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let access = parsed
        .iter()
        .find(|l| l["span"]["request_id"] == "trace-me-42" && l["fields"]["message"] == "request")
        .expect("the request's line");
    assert_eq!(access["fields"]["route"], "/profiles");
    assert_eq!(access["fields"]["status"], 200);
    assert!(access["fields"]["latency_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(access["span"]["account"], "ana", "{access}");
    let session = cookie.split_once('=').unwrap().1;
    for line in &lines {
        assert!(
            !line.contains(session),
            "the session cookie was logged: {line}"
        );
        assert!(
            !line.contains("secret-search"),
            "a query was logged: {line}"
        );
        assert!(!line.contains(PASSWORD));
    }
}

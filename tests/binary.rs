//! The real binary: what it logs at start-up, and that the API key never appears in its
//! output, even at trace level and when the upstream rejects or echoes things.

mod common;

use common::running::Running;
use common::{run_binary, TestEmulator};
use serde_json::json;
use std::process::Command;

const CANARY: &str = "sk-ant-api03-CANARY-0123456789abcdefghijklmnop";
const PASSWORD: &str = "a password for tests";

/// Runs `profiles-admin user …` on `data`, with `stdin` as its input; returns its status
/// and everything it printed.
fn user(data: &std::path::Path, args: &[&str], stdin: &str) -> (bool, String) {
    user_with(data, &[], args, stdin)
}

/// [`user`] with more environment.
fn user_with(
    data: &std::path::Path,
    envs: &[(&str, &str)],
    args: &[&str],
    stdin: &str,
) -> (bool, String) {
    let args: Vec<&str> = std::iter::once("user")
        .chain(args.iter().copied())
        .collect();
    let out = run_binary(data, envs, &args, stdin);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_key_it_names_the_api_backend_and_never_prints_the_key() {
    let emulator = TestEmulator::start_with_key(Some(CANARY)).await;
    let base = emulator.base_url().to_string();
    let data = tempfile::tempdir().unwrap();
    let (added, _) = user(data.path(), &["add", "ops", "--role", "viewer"], PASSWORD);
    assert!(added);
    let mut server = Running::start_in(
        data,
        &[
            ("ANTHROPIC_API_KEY", CANARY),
            ("ANTHROPIC_BASE_URL", &base),
            ("RUST_LOG", "trace"),
        ],
        &["--listen", "127.0.0.1:0"],
    );
    server.wait_for("backend: User Profiles API (API key set)");
    let url = server.address();

    let http = common::no_redirects();
    let signed_in = http
        .post(format!("http://{url}/sign-in"))
        .form(&[("name", "ops"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = http
        .get(format!("http://{url}/profiles?limit=5"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        200,
        "the key reached the emulator and was accepted"
    );
    assert!(!page.text().await.unwrap().contains(CANARY));
    emulator
        .faults(json!({"sequence": [
            {"kind": "status", "status": 401},
            {"kind": "status", "status": 500},
            {"kind": "drop"},
            {"kind": "echo_key", "status": 400},
            {"kind": "echo_key", "status": 401},
        ]}))
        .await;
    for _ in 0..4 {
        let response = http
            .get(format!("http://{url}/profiles"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert!(!response.text().await.unwrap().contains(CANARY));
    }

    let output = server.stop();
    assert!(
        output.iter().any(|l| l.contains("upstream")),
        "trace output was captured"
    );
    let leaks: Vec<_> = output
        .iter()
        .filter(|l| l.contains(CANARY) || l.contains("CANARY"))
        .collect();
    assert!(leaks.is_empty(), "the key was printed: {leaks:#?}");
}

#[test]
fn without_a_key_it_names_the_built_in_emulator() {
    let mut server = Running::start(&[("RUST_LOG", "info")], &["--listen", "127.0.0.1:0"]);
    let line = server.wait_for("backend: built-in emulator");
    assert!(line.contains("ANTHROPIC_API_KEY is not set"));
    server.wait_for("console listening on http://127.0.0.1:");
    server.stop();
}

#[test]
fn the_start_up_log_and_help_say_which_api_version_the_console_speaks() {
    let mut server = Running::start(&[("RUST_LOG", "info")], &["--listen", "127.0.0.1:0"]);
    let line = server.wait_for("backend: built-in emulator");
    assert!(line.contains("api_version=ga"), "GA by default: {line}");
    server.stop();

    let beta = [("RUST_LOG", "info"), ("PROFILES_API_VERSION", "2026-03-24")];
    let mut server = Running::start(&beta, &["--listen", "127.0.0.1:0"]);
    let line = server.wait_for("backend: built-in emulator");
    assert!(line.contains("api_version=2026-03-24"), "{line}");
    server.stop();

    let mut server = Running::start(
        &[("PROFILES_API_VERSION", "2026-08-18")],
        &["--listen", "127.0.0.1:0"],
    );
    let line = server.wait_for("is not a version this console speaks");
    assert!(
        line.contains("\"ga\"") && line.contains("\"2026-03-24\""),
        "{line}"
    );
    assert!(!server.child.wait().unwrap().success());
    server.stop();

    let help = Command::new(env!("CARGO_BIN_EXE_profiles-admin"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("--api-version") && help.contains("PROFILES_API_VERSION"),
        "{help}"
    );
    assert!(help.contains("[default: ga]"), "{help}");
}

#[test]
fn a_plain_http_base_url_off_this_machine_is_refused_at_start_up() {
    let mut server = Running::start(
        &[
            ("ANTHROPIC_API_KEY", CANARY),
            ("ANTHROPIC_BASE_URL", "http://api.example.com"),
        ],
        &["--listen", "127.0.0.1:0"],
    );
    let line = server.wait_for("must use https");
    assert!(!line.contains(CANARY));
    let status = server.child.wait().unwrap();
    assert!(!status.success());
    assert!(server.stop().iter().all(|l| !l.contains(CANARY)));
}

#[test]
fn with_a_key_and_no_way_to_sign_in_it_refuses_to_start() {
    for envs in [
        vec![("ANTHROPIC_API_KEY", CANARY)],
        vec![("ANTHROPIC_API_KEY", CANARY), ("PROFILES_AUTH", "open")],
    ] {
        let mut server = Running::start(&envs, &["--listen", "127.0.0.1:0"]);
        server.wait_for("sign");
        let status = server.child.wait().unwrap();
        assert!(!status.success(), "started with {envs:?}");
        assert!(server.stop().iter().all(|l| !l.contains(CANARY)));
    }
}

#[test]
fn accounts_are_managed_from_the_command_line_with_passwords_on_stdin() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let (ok, out) = user(
        dir,
        &["add", "Ana", "--role", "editor"],
        "a long enough password\n",
    );
    assert!(ok, "{out}");
    assert!(out.contains("added ana (editor)"), "{out}");
    let (ok, out) = user(dir, &["add", "bo", "--role", "viewer"], "short\n");
    assert!(
        !ok && out.contains("12"),
        "a short password is refused: {out}"
    );
    let (ok, out) = user(dir, &["add", "ana", "--role", "admin"], PASSWORD);
    assert!(!ok && out.contains("already exists"), "{out}");
    assert!(user(dir, &["set-role", "ana", "admin"], "").0);
    assert!(user(dir, &["disable", "ana"], "").0);
    let (ok, out) = user(dir, &["list"], "");
    assert!(ok);
    let row = out
        .lines()
        .find(|l| l.starts_with("ana "))
        .unwrap_or_default();
    assert!(row.contains("admin") && row.contains("disabled"), "{out}");
    assert!(!out.contains("argon2"), "hashes are never printed");
    assert!(user(dir, &["reset-password", "ana"], "another long password\n").0);
    let (ok, out) = user(dir, &["reset-password", "nobody"], PASSWORD);
    assert!(!ok && out.contains("no user"), "{out}");
    // The data directory is also a flag, before or after the subcommand.
    let other = tempfile::tempdir().unwrap();
    let flag = other.path().to_str().unwrap();
    let (ok, _) = user(
        dir,
        &["--data-dir", flag, "add", "cy", "--role", "viewer"],
        PASSWORD,
    );
    assert!(ok);
    let (_, listed) = user(dir, &["list", "--data-dir", flag], "");
    assert!(
        listed.contains("cy ") && !listed.contains("ana "),
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_url_puts_accounts_in_postgres_and_its_password_is_never_printed() {
    const SECRET: &str = "canary-db-password";
    let fresh = profiles_admin::db::testing::fresh_postgres().await;
    let url = secrecy::ExposeSecret::expose_secret(&fresh).replacen(
        "://profiles@",
        &format!("://profiles:{SECRET}@"),
        1,
    );
    let postgres = [("DATABASE_URL", url.as_str())];
    let data = tempfile::tempdir().unwrap();
    let (ok, out) = user_with(
        data.path(),
        &postgres,
        &["add", "ana", "--role", "admin"],
        PASSWORD,
    );
    assert!(ok, "{out}");
    let (_, in_postgres) = user_with(data.path(), &postgres, &["list"], "");
    let (_, in_sqlite) = user(data.path(), &["list"], "");
    assert!(in_postgres.contains("ana ") && !in_sqlite.contains("ana "));

    // The console starts on those accounts and says where they are, but not the URL.
    let mut server = Running::start(
        &[("ANTHROPIC_API_KEY", CANARY), ("DATABASE_URL", &url)],
        &["--listen", "127.0.0.1:0"],
    );
    server.wait_for("PostgreSQL (DATABASE_URL)");
    server.wait_for("console listening");
    let mut printed = server.stop();

    // Nor while it waits for a database it cannot reach (docs/reliability.md), nor when
    // the URL is not PostgreSQL's, which ends it.
    let unreachable = format!("postgres://profiles:{SECRET}@127.0.0.1:1/none");
    let mut server = Running::start(
        &[("DATABASE_URL", &unreachable)],
        &["--listen", "127.0.0.1:0"],
    );
    server.wait_for("the database cannot be reached");
    assert!(server.child.try_wait().unwrap().is_none(), "it waits");
    printed.extend(server.stop());
    let bad = format!("mysql://profiles:{SECRET}@127.0.0.1/none");
    let mut server = Running::start(&[("DATABASE_URL", &bad)], &["--listen", "127.0.0.1:0"]);
    let status = server.child.wait().unwrap();
    assert!(!status.success(), "started with {bad}");
    printed.extend(server.stop());
    assert!(printed
        .iter()
        .any(|l| l.contains("DATABASE_URL must be a postgres")));
    assert!(printed.iter().all(|l| !l.contains(SECRET)), "{printed:#?}");
    assert!(!out.contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_stop_it_turns_unready_serves_through_the_grace_period_and_finishes_in_flight_requests()
{
    let mut server = Running::start(
        &[
            ("RUST_LOG", "info"),
            ("PROFILES_EMULATOR_TEST_HOOKS", "true"),
            ("PROFILES_SHUTDOWN_GRACE", "2"),
        ],
        &["--listen", "127.0.0.1:0"],
    );
    let backend = server.wait_for("backend: built-in emulator");
    let emulator = backend
        .split("emulator=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let console = server.address();
    let http = reqwest::Client::new();
    http.put(format!("http://{emulator}/_emulator/faults"))
        .json(&json!({"sequence": [{"kind": "delay", "ms": 2500}]}))
        .send()
        .await
        .unwrap();
    let in_flight = tokio::spawn({
        let http = http.clone();
        let url = format!("http://{console}/profiles");
        async move { http.get(url).send().await.map(|r| r.status().as_u16()) }
    });
    // In flight once the emulator has seen it.
    loop {
        let seen: serde_json::Value = http
            .get(format!("http://{emulator}/_emulator/requests"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if seen.as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::task::yield_now().await;
    }
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    server.wait_for("not ready any more");
    let ready = http
        .get(format!("http://{console}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.text().await.unwrap(), "shutting down");
    assert_eq!(
        in_flight.await.unwrap().unwrap(),
        200,
        "the in-flight request finished"
    );
    let status = server.child.wait().unwrap();
    assert!(status.success(), "a stop is a clean exit: {status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_sign_in_logs_the_name_only_of_an_existing_account() {
    // People type passwords into the name field: such a name is neither logged nor
    // recorded, whatever the log level.
    const TYPED: &str = "typed-password-x7q";
    let data = tempfile::tempdir().unwrap();
    assert!(user(data.path(), &["add", "ops", "--role", "viewer"], PASSWORD).0);
    let mut server = Running::start_in(
        data,
        &[("PROFILES_AUTH", "local"), ("RUST_LOG", "debug")],
        &["--listen", "127.0.0.1:0"],
    );
    let url = server.address();
    let http = common::no_redirects();
    for (name, password) in [(TYPED, PASSWORD), ("ops", "not the password")] {
        let reply = http
            .post(format!("http://{url}/sign-in"))
            .form(&[("name", name), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 401);
    }
    server.wait_for("sign-in failed");
    server.wait_for("sign-in failed");
    let output = server.stop();
    let failures: Vec<_> = output
        .iter()
        .filter(|l| l.contains("sign-in failed"))
        .collect();
    assert!(
        failures.iter().any(|l| l.contains("ops")),
        "an existing account is named: {failures:#?}"
    );
    let leaks: Vec<_> = output.iter().filter(|l| l.contains(TYPED)).collect();
    assert!(leaks.is_empty(), "a typed name was printed: {leaks:#?}");
}

//! The console's database going away and coming back, against the real binary
//! (docs/reliability.md, "Database faults"): PostgreSQL behind a relay the test cuts, and
//! SQLite locked by another process.

mod common;

use common::cut::Relay;
use common::running::Running;
use common::TestEmulator;
use profiles_admin::error::AppError;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const KEY: &str = "sk-ant-api03-DBFAULTS-0123456789abcdefghijkl";
const PASSWORD: &str = "correct horse battery";

/// The names of every profile the emulator holds, in order.
async fn names_at(emulator: &TestEmulator) -> Vec<String> {
    let page: Value = emulator
        .api(reqwest::Method::GET, "/v1/user_profiles?limit=100")
        .header("x-api-key", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut names = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect::<Vec<_>>();
    // Sorted, not deduplicated: a profile made twice must show twice.
    names.sort();
    names
}

/// The audit log's first page as the signed-in user sees it.
async fn audit_page(http: &reqwest::Client, base: &str, cookie: &str) -> String {
    common::get_signed_in(http, &format!("{base}/audit"), cookie)
        .await
        .text()
        .await
        .unwrap()
}

/// Creates a profile named `name` through the console, as the create form's island does.
async fn create(http: &reqwest::Client, base: &str, cookie: &str, name: &str) -> (u16, String) {
    let reply = http
        .post(format!("{base}/api/profiles/create"))
        .header("cookie", cookie)
        .json(&json!({"profile": {"name": name}}))
        .send()
        .await
        .unwrap();
    (reply.status().as_u16(), reply.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_away_at_start_and_mid_run_loses_nothing_and_needs_no_restart() {
    let emulator = TestEmulator::start_with(Some(KEY), 0).await;
    let url = profiles_admin::db::testing::fresh_postgres().await;
    let url: reqwest::Url = url.expose_secret().parse().unwrap();
    let data = tempfile::tempdir().unwrap();
    common::add_admin(
        data.path(),
        &[("DATABASE_URL", url.as_str())],
        "ana",
        PASSWORD,
    );

    // The console starts while the database is away: it says so, keeps trying, and
    // serves once the database is back.
    let (relay, url) = Relay::before(&url, false).await;
    let base_url = emulator.base_url().to_string();
    let mut console = Running::start_in(
        data,
        &[
            ("DATABASE_URL", url.as_str()),
            ("PROFILES_AUTH", "local"),
            ("ANTHROPIC_API_KEY", KEY),
            ("ANTHROPIC_BASE_URL", base_url.as_str()),
        ],
        &["--listen", "127.0.0.1:0"],
    );
    let first = console.wait_for("the database cannot be reached");
    assert!(first.contains("PostgreSQL"), "{first}");
    assert!(
        !first.contains(&relay.addr.port().to_string()),
        "no URL: {first}"
    );
    console.wait_for("the database cannot be reached");
    assert!(console.child.try_wait().unwrap().is_none(), "still running");
    relay.up();
    let base = format!("http://{}", console.address());

    let http = common::no_redirects();
    let cookie = common::sign_in(&http, &base, "ana", PASSWORD).await;
    assert_eq!(create(&http, &base, &cookie, "Before the cut").await.0, 200);

    // The database goes away mid-run: pages and writes fail with a clear message, and a
    // write whose audit entry cannot be written is not sent.
    relay.down();
    let page = common::get_signed_in(&http, &format!("{base}/profiles"), &cookie).await;
    assert_eq!(page.status(), 503);
    let text = page.text().await.unwrap();
    assert!(text.contains("database"), "{text}");
    let (status, answer) = create(&http, &base, &cookie, "During the cut").await;
    assert_eq!(status, 503, "{answer}");
    // What the browser shows: the error decoded from the server function's answer.
    let shown = serde_json::from_str::<AppError>(&answer)
        .unwrap()
        .to_string();
    assert!(shown.contains("database"), "{shown}");

    // Back again: the same console serves and writes, without a restart.
    relay.up();
    let back = Instant::now();
    loop {
        let page = common::get_signed_in(&http, &format!("{base}/profiles"), &cookie).await;
        if page.status() == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "{}",
            page.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(create(&http, &base, &cookie, "After the cut").await.0, 200);

    assert_eq!(
        names_at(&emulator).await,
        ["After the cut", "Before the cut"]
    );
    let audit = audit_page(&http, &base, &cookie).await;
    assert!(
        !audit.contains("During the cut"),
        "nothing recorded as sent"
    );
    assert_eq!(audit.matches("<td>Created profile").count(), 2, "{audit}");
    console.stop_without_panic();
}

/// Opens the console's SQLite file as another process would, and takes its write lock.
async fn lock(data: &std::path::Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let path = data.join(profiles_admin::db::DATABASE_FILE);
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    other
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_locked_by_another_process_delays_the_start_and_refuses_writes_unsent() {
    let emulator = TestEmulator::start_with(Some(KEY), 0).await;
    let data = tempfile::tempdir().unwrap();
    common::add_admin(data.path(), &[], "ana", PASSWORD);
    let base_url = emulator.base_url().to_string();
    let envs = [
        ("PROFILES_AUTH", "local"),
        ("ANTHROPIC_API_KEY", KEY),
        ("ANTHROPIC_BASE_URL", base_url.as_str()),
    ];

    // Locked at start: the console waits for the file, saying so, then serves.
    let mut other = lock(data.path()).await;
    let mut console = Running::start_in(data, &envs, &["--listen", "127.0.0.1:0"]);
    let waiting = console.wait_for("the database cannot be reached");
    assert!(waiting.contains("locked"), "{waiting}");
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let base = format!("http://{}", console.address());
    let http = common::no_redirects();
    let cookie = common::sign_in(&http, &base, "ana", PASSWORD).await;

    // Locked mid-run: a write whose audit entry cannot be written is refused, unsent.
    let mut other = lock(console.data()).await;
    let (status, answer) = create(&http, &base, &cookie, "While locked").await;
    assert_eq!(status, 503, "{answer}");
    let shown = serde_json::from_str::<AppError>(&answer).unwrap();
    assert!(
        matches!(
            shown,
            AppError::AuditUnavailable | AppError::DatabaseUnavailable
        ),
        "{shown}"
    );
    assert!(names_at(&emulator).await.is_empty(), "nothing was sent");

    // Released: the same console writes again.
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    assert_eq!(create(&http, &base, &cookie, "Released").await.0, 200);
    assert_eq!(names_at(&emulator).await, ["Released"]);
    console.stop_without_panic();
}

/// Fills the file system that holds `path` (a new file there, written until no space is
/// left); returns the file, to delete to make room again.
fn fill(path: &std::path::Path) -> std::path::PathBuf {
    use std::io::Write;
    let filler = path.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    loop {
        match file.write_all(&chunk).and_then(|()| file.sync_all()) {
            Ok(()) => {}
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(28), "ENOSPC, not {e}");
                return filler;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_under_sqlite_refuses_writes_unsent_until_there_is_room_again() {
    let emulator = TestEmulator::start_with(Some(KEY), 0).await;
    let data = tempfile::tempdir().unwrap();
    let made = data.path().join("made");
    common::add_admin(&made, &[], "ana", PASSWORD);

    // The console runs in a mount namespace of its own (unprivileged: `unshare` maps the
    // user to root there), where its data directory is a 4 MiB file system holding a
    // copy of the database just made. This test reaches it through /proc/PID/root.
    let disk = data.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let base_url = emulator.base_url().to_string();
    let mut command = std::process::Command::new("unshare");
    command
        .args(["--map-root-user", "--mount", "sh", "-c"])
        .arg(r#"mount -t tmpfs -o size=4m tmpfs "$0" && cp "$1"/console.sqlite* "$0"/ && exec "$2" --listen 127.0.0.1:0"#)
        .arg(&disk)
        .arg(&made)
        .arg(env!("CARGO_BIN_EXE_profiles-admin"))
        .env("PROFILES_DATA_DIR", &disk)
        .env("PROFILES_AUTH", "local")
        .env("ANTHROPIC_API_KEY", KEY)
        .env("ANTHROPIC_BASE_URL", &base_url);
    let mut console = Running::spawn(command, data);
    let base = format!("http://{}", console.address());
    let seen = format!(
        "/proc/{}/root{}",
        console.child.id(),
        disk.to_str().unwrap()
    );
    let seen = std::path::Path::new(&seen);
    assert!(seen.join(profiles_admin::db::DATABASE_FILE).exists());
    let http = common::no_redirects();
    let cookie = common::sign_in(&http, &base, "ana", PASSWORD).await;
    assert_eq!(create(&http, &base, &cookie, "Before").await.0, 200);

    // Full: the first write that needs room is refused, unsent, and the user is told so.
    let filler = fill(seen);
    let (status, answer) = create(&http, &base, &cookie, "While full").await;
    assert_eq!(status, 503, "{answer}");
    let shown = serde_json::from_str::<AppError>(&answer).unwrap();
    assert!(
        matches!(
            shown,
            AppError::AuditUnavailable | AppError::DatabaseUnavailable
        ),
        "{shown}"
    );
    assert_eq!(names_at(&emulator).await, ["Before"], "nothing was sent");

    // Room again: the same console writes, and its trail has both creates, no more.
    std::fs::remove_file(filler).unwrap();
    assert_eq!(create(&http, &base, &cookie, "After").await.0, 200);
    assert_eq!(names_at(&emulator).await, ["After", "Before"]);
    let audit = audit_page(&http, &base, &cookie).await;
    assert_eq!(audit.matches("<td>Created profile").count(), 2, "{audit}");
    console.stop_without_panic();
}

/// The database lost between the upstream answer and the audit entry's completion, for
/// longer than a query waits for a connection: the completion is tried again until the
/// database is back, and the entry says what happened instead of staying pending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outcome_is_recorded_once_the_database_is_back() {
    use profiles_admin::audit::record::Attempt;
    use profiles_admin::audit::store::AuditLog;
    use profiles_admin::audit::{Action, Entry, Outcome};
    use profiles_admin::db::{Database, Location};

    let url = profiles_admin::db::testing::fresh_postgres().await;
    let direct = AuditLog::new(
        &Database::open(&Location::Postgres(url.clone()))
            .await
            .unwrap(),
    );
    let (relay, relayed) = Relay::before(&url.expose_secret().parse().unwrap(), true).await;
    let log = AuditLog::new(
        &Database::open(&Location::Postgres(relayed.as_str().into()))
            .await
            .unwrap(),
    );
    let id = AuditLog::new_id();
    log.append(&Entry {
        id: id.clone(),
        at: profiles_admin::timestamp::stamp_now(),
        actor: "ana".into(),
        role: Some("admin".into()),
        action: Action::ProfileUpdate,
        profile_id: Some("uprof_Cut".into()),
        outcome: Outcome::Pending,
        detail: None,
        changes: Vec::new(),
        request_id: None,
        upstream_request_id: None,
    })
    .await
    .unwrap();

    // Away for longer than a query waits for a connection (5 s): a first try fails.
    relay.down();
    let completing = tokio::spawn(Attempt::kept(log, id.clone(), None).completed(
        Outcome::Succeeded,
        "saved",
        None,
        Vec::new(),
    ));
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert!(
        !completing.is_finished(),
        "still trying while the database is away"
    );
    relay.up();
    completing.await.unwrap();

    let entries = direct
        .page(&Default::default(), None, 10)
        .await
        .unwrap()
        .entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].outcome, entries[0].detail.as_deref()),
        (Outcome::Succeeded, Some("saved"))
    );
}

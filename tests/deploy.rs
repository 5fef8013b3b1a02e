//! `deploy/` as an operator uses it: the systemd unit passes `systemd-analyze verify`, the
//! nginx files pass `nginx -t`, and Debian's nginx, terminating TLS with the shipped
//! configuration, balances two console processes on one PostgreSQL: sign-in through it,
//! a session good on either instance, an edit on one seen on the other, migrations run
//! once when both start together, the index's walk taken over when its instance is
//! killed mid-walk, and the audit trail whole.

mod common;

use common::running::Running;
use common::TestEmulator;
use secrecy::ExposeSecret;
use sqlx::Row;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "sk-ant-api03-DEPLOY-0123456789abcdefghijklmnop";
const PASSWORD: &str = "a password for tests";

fn deploy(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(file)
}

/// An nginx site file from `deploy/nginx`, made to run here: a private certificate, the
/// given ports (TLS on `listen`, the redirect to it on `plain`), IPv4 loopback only; the
/// rest exactly as shipped.
fn site(file: &str, dir: &Path, [listen, plain]: [u16; 2], consoles: &[String]) -> PathBuf {
    let shipped = std::fs::read_to_string(deploy(&format!("nginx/{file}"))).unwrap();
    let mut upstreams = consoles.iter();
    let text: String = shipped
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            if trimmed.starts_with("server 127.0.0.1:300") {
                let to = upstreams
                    .next()
                    .expect("as many consoles as upstream servers");
                format!("{indent}server {to} max_fails=2 fail_timeout=10s;")
            } else if trimmed.starts_with("listen 443 ssl") {
                format!("{indent}listen 127.0.0.1:{listen} ssl;")
            } else if trimmed.starts_with("listen 80") {
                format!("{indent}listen 127.0.0.1:{plain};")
            } else if trimmed.starts_with("listen [::]") {
                String::new()
            } else {
                line.replace(
                    "/etc/ssl/profiles-admin/fullchain.pem",
                    &dir.join("cert.pem").display().to_string(),
                )
                .replace(
                    "/etc/ssl/profiles-admin/privkey.pem",
                    &dir.join("key.pem").display().to_string(),
                )
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let site = dir.join(file);
    std::fs::write(&site, text).unwrap();
    let main = dir.join(format!("main-{file}"));
    let d = dir.display();
    std::fs::write(
        &main,
        format!(
            "pid {d}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n  access_log off;\n  \
             client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
             include {};\n}}\n",
            site.display()
        ),
    )
    .unwrap();
    main
}

/// A self-signed certificate for 127.0.0.1 in `dir`.
fn certificate(dir: &Path) {
    let status = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success());
}

const NGINX: &str = "/usr/sbin/nginx";

#[test]
fn the_nginx_files_pass_nginx_t_and_the_unit_passes_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    certificate(dir.path());
    let consoles = ["127.0.0.1:3001".to_owned(), "127.0.0.1:3002".to_owned()];
    for file in ["profiles-admin.conf", "profiles-admin-sso.conf"] {
        let main = site(file, dir.path(), [8443, 8080], &consoles);
        let out = Command::new(NGINX)
            .arg("-t")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&main)
            .output()
            .expect("Debian's nginx (scripts/setup.sh installs it)");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && said.contains("test is successful"),
            "{file}: {said}"
        );
    }

    // The unit as shipped, but for where the binary is; an instance of the template.
    let unit = std::fs::read_to_string(deploy("systemd/profiles-admin@.service")).unwrap();
    let unit = unit.replace(
        "/usr/local/bin/profiles-admin",
        env!("CARGO_BIN_EXE_profiles-admin"),
    );
    let path = dir.path().join("profiles-admin@3001.service");
    std::fs::write(&path, unit).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze");
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // It warns rather than fails on a misspelt or malformed setting: none may be printed.
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}

/// nginx in the foreground, stopped when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A client for nginx's private certificate that shows redirects.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The index's sync row, as both instances read it.
async fn sync_state(db: &sqlx::PgPool) -> (Option<String>, bool, i64, Option<i64>) {
    let row = sqlx::query(
        "SELECT lease_holder, walk_running::bigint AS walk_running, \
         walk_profiles::bigint AS walk_profiles, \
         last_complete_count::bigint AS last_complete_count FROM index_sync WHERE id = 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    (
        row.get("lease_holder"),
        row.get::<i64, _>("walk_running") != 0,
        row.get("walk_profiles"),
        row.get("last_complete_count"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_nginx_share_sessions_edits_the_index_walk_and_one_audit_trail() {
    // 250 profiles: three pages of the walk, at one page a second.
    let emulator = TestEmulator::start_with(Some(KEY), 250).await;
    let url = profiles_admin::db::testing::fresh_postgres().await;
    let url = url.expose_secret().to_owned();
    let db = sqlx::PgPool::connect(&url).await.unwrap();
    let base = emulator.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    certificate(dir.path());

    // Two processes open the fresh database at once, and both migrate it: each migration
    // is applied and recorded once, and both go on (here, each adding an account).
    let adding = ["ana", "bob"].map(|name| {
        let (dir, url) = (dir.path().to_owned(), url.clone());
        std::thread::spawn(move || {
            common::run_binary(
                &dir,
                &[("DATABASE_URL", &url)],
                &["user", "add", name, "--role", "admin"],
                PASSWORD,
            )
        })
    });
    for added in adding {
        let out = added.join().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let migrated: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&db)
        .await
        .unwrap();
    let files = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
        .unwrap()
        .count();
    assert_eq!(migrated as usize, files, "each migration recorded once");

    // Both instances start together on it.
    let nginx_port = free_port();
    let origin = format!("https://127.0.0.1:{nginx_port}");
    let envs = [
        ("ANTHROPIC_API_KEY", KEY),
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("DATABASE_URL", url.as_str()),
        ("PROFILES_TRUSTED_PROXIES", "127.0.0.1"),
        ("PROFILES_PUBLIC_ORIGIN", origin.as_str()),
        ("PROFILES_INDEX_RATE", "0.5"),
    ];
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--upstream-timeout",
        "2",
        "--max-retries",
        "0",
    ];
    let mut consoles = [Running::start(&envs, &args), Running::start(&envs, &args)];
    let addresses = [consoles[0].address(), consoles[1].address()];

    let plain_port = free_port();
    let main = site(
        "profiles-admin.conf",
        dir.path(),
        [nginx_port, plain_port],
        &addresses,
    );
    let _nginx = Nginx(
        Command::new(NGINX)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&main)
            .args(["-g", "daemon off;"])
            .spawn()
            .unwrap(),
    );
    let http = client();
    let ready = Instant::now();
    while http.get(format!("{origin}/healthz")).send().await.is_err() {
        assert!(
            ready.elapsed() < Duration::from_secs(20),
            "nginx did not start"
        );
        tick().await;
    }

    // Plain HTTP is sent to TLS.
    let plain = http
        .get(format!("http://127.0.0.1:{plain_port}/profiles"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 301);
    let to = plain.headers()["location"].to_str().unwrap();
    assert!(
        to.starts_with("https://") && to.ends_with("/profiles"),
        "{to}"
    );

    // Sign-in through nginx; the session then works on either instance, through nginx
    // (which alternates) and directly.
    let cookie = common::sign_in(&http, &origin, "ana", PASSWORD).await;
    for n in 0..4 {
        let page = http
            .get(format!("{origin}/profiles"))
            .header("cookie", &cookie)
            .header("x-request-id", format!("through-nginx-{n}"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "request {n}");
    }
    // nginx alternates: each instance served some of them.
    for console in &mut consoles {
        console.wait_for("through-nginx-");
    }

    // A profile made through nginx is found by the other instance's search at once: the
    // index is shared, and written through by whichever instance made it.
    let name = format!("Made through nginx {:08x}", rand::random::<u32>());
    let made = http
        .post(format!("{origin}/api/profiles/create"))
        .header("cookie", &cookie)
        .json(&serde_json::json!({"profile": {"name": name}}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 200, "{}", made.text().await.unwrap());
    let id = made.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for address in &addresses {
        let found = http
            .get(format!("http://{address}/profiles/search"))
            .query(&[("q", name.as_str())])
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(found.contains(&id), "{address} does not find {name}");
    }

    // The first walk done, an admin asks for another; the instance that takes the sync's
    // lease for it is killed mid-walk, and the other takes the lease over when it lapses
    // and finishes the walk.
    let first = Instant::now();
    while sync_state(&db).await.3.is_none() {
        assert!(
            first.elapsed() < Duration::from_secs(60),
            "the first walk did not finish"
        );
        tick().await;
    }
    let asked = http
        .post(format!("{origin}/api/profiles/index-refresh"))
        .header("cookie", &cookie)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(asked.status().is_success(), "{}", asked.status());
    let holder = loop {
        let (holder, running, walked, _) = sync_state(&db).await;
        if let (Some(holder), true, 1..) = (holder, running, walked) {
            break holder;
        }
        assert!(
            first.elapsed() < Duration::from_secs(90),
            "the second walk did not start"
        );
        tick().await;
    };
    let pid = holder.split('-').next().unwrap().parse::<u32>().unwrap();
    let killed = consoles
        .iter()
        .position(|c| c.child.id() == pid)
        .expect("the lease holder is one of the two");
    let [one, other] = consoles;
    let (dead, survivor) = if killed == 0 {
        (one, other)
    } else {
        (other, one)
    };
    dead.stop();
    let taken = Instant::now();
    let total = loop {
        let (holder_now, running, _, complete) = sync_state(&db).await;
        if let (Some(now), false) = (holder_now, running) {
            if now != holder {
                break complete;
            }
        }
        assert!(
            taken.elapsed() < Duration::from_secs(120),
            "the walk was not taken over"
        );
        tick().await;
    };
    assert_eq!(
        total,
        Some(251),
        "every profile, the one made above included"
    );

    // Through nginx, the survivor alone answers, and the session still holds.
    let page = common::get_signed_in(&http, &format!("{origin}/profiles/{id}"), &cookie).await;
    assert_eq!(page.status(), 200);

    // The audit trail: the sign-in and the create, each once, each completed.
    let rows = sqlx::query("SELECT action, outcome, actor FROM audit_events ORDER BY at")
        .fetch_all(&db)
        .await
        .unwrap();
    let trail: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get("action"), r.get("outcome"), r.get("actor")))
        .collect();
    let of = |action: &str| {
        trail
            .iter()
            .filter(|(a, _, _)| a == action)
            .collect::<Vec<_>>()
    };
    assert_eq!(of("sign_in").len(), 1, "{trail:?}");
    assert_eq!(of("profile.create").len(), 1, "{trail:?}");
    assert_eq!(of("index.refresh").len(), 1, "{trail:?}");
    assert!(
        trail
            .iter()
            .all(|(_, outcome, actor)| outcome == "succeeded" && actor == "ana"),
        "{trail:?}"
    );
    survivor.stop();
}

/// The pause between two looks at something another process is doing.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

//! The real binary: what it logs at start-up, and that the API key never appears in its
//! output, even at trace level and when the upstream rejects or echoes things.

mod common;

use common::TestEmulator;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const CANARY: &str = "sk-ant-api03-CANARY-0123456789abcdefghijklmnop";

struct Running {
    child: Child,
    _data: tempfile::TempDir,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(envs: &[(&str, &str)], args: &[&str]) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_profiles-admin"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("ANTHROPIC_API_KEY")
            .env("PROFILES_DATA_DIR", data.path())
            .envs(envs.iter().copied())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Self {
            child,
            _data: data,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads output until a line contains `needle`; returns that line.
    fn wait_for(&mut self, needle: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("no line with {needle:?} in {:#?}", self.seen));
            self.seen.push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// Stops the process and returns everything it printed.
    fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
            self.seen.push(line);
        }
        self.seen
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_key_it_names_the_api_backend_and_never_prints_the_key() {
    let emulator = TestEmulator::start_with_key(Some(CANARY)).await;
    let base = emulator.base_url().to_string();
    let mut server = Running::start(
        &[
            ("ANTHROPIC_API_KEY", CANARY),
            ("ANTHROPIC_BASE_URL", &base),
            ("RUST_LOG", "trace"),
        ],
        &["--listen", "127.0.0.1:0"],
    );
    server.wait_for("backend: User Profiles API (API key set)");
    let listening = server.wait_for("console listening on http://");
    let url = listening
        .rsplit("http://")
        .next()
        .unwrap()
        .trim()
        .to_owned();

    let http = reqwest::Client::new();
    let page = http
        .get(format!("http://{url}/profiles?limit=5"))
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
        .faults(json!({"sequence": [{"kind": "status", "status": 401}, {"kind": "status", "status": 500}, {"kind": "drop"}]}))
        .await;
    for _ in 0..2 {
        let response = http
            .get(format!("http://{url}/profiles"))
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

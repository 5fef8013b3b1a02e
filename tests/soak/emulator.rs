//! The emulator as its own process (`profiles-admin emulator`), so that the soak can kill
//! it and start it again on the same port and store, as a restart of the API would look
//! to the console.

use crate::common::running::Running;
use crate::KEY;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::process::Command;

pub struct EmulatorProcess {
    pub addr: SocketAddr,
    store: tempfile::TempDir,
    seed: usize,
    running: Option<Running>,
    http: reqwest::Client,
}

impl EmulatorProcess {
    pub fn start(seed: usize) -> Self {
        let addr = free_port();
        let mut emulator = Self {
            addr,
            store: tempfile::tempdir().unwrap(),
            seed,
            running: None,
            http: reqwest::Client::new(),
        };
        emulator.running = Some(emulator.spawn());
        emulator
    }

    fn spawn(&self) -> Running {
        let mut command = Command::new(env!("CARGO_BIN_EXE_profiles-admin"));
        command
            .args([
                "emulator",
                "--test-hooks",
                "--listen",
                &self.addr.to_string(),
            ])
            .args(["--seed", &self.seed.to_string()])
            .env("PROFILES_DATA_DIR", self.store.path())
            .env("ANTHROPIC_API_KEY", KEY);
        let mut running = Running::spawn(command, tempfile::tempdir().unwrap());
        running.wait_for("listening");
        running
    }

    /// Kills the process (no graceful stop: a crash) and starts it again on the same
    /// store and port; returns what the first one printed.
    pub fn restart(&mut self) -> Vec<String> {
        let log = self.running.take().expect("running").stop();
        self.running = Some(self.spawn());
        log
    }

    pub fn stop(mut self) -> Vec<String> {
        self.running.take().expect("running").stop()
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replaces the fault plan (`docs/emulator.md`, "Faults"). While the process is
    /// down the plan waits for the next call.
    pub async fn faults(&self, plan: Value) -> bool {
        self.hook(reqwest::Method::PUT, "/_emulator/faults", plan)
            .await
            .is_some_and(|status| status == 204)
    }

    async fn hook(&self, method: reqwest::Method, path: &str, body: Value) -> Option<u16> {
        self.http
            .request(method, format!("{}{path}", self.base_url()))
            .json(&body)
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16())
    }

    /// Registers the console's webhook receiver; returns its signing secret.
    pub async fn register_webhook(&self, url: &str) -> String {
        let created: Value = self
            .http
            .post(format!("{}/v1/organizations/webhooks", self.base_url()))
            .header("x-api-key", KEY)
            .header("anthropic-version", "2023-06-01")
            .header("anthropic-beta", profiles_admin::emulator::webhooks::BETA)
            .json(&json!({
                "url": url,
                "name": "soak",
                "enabled_events": profiles_admin::emulator::webhooks::EVENTS,
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        created["signing_secret"]
            .as_str()
            .unwrap_or_else(|| panic!("{created}"))
            .to_owned()
    }
}

/// A loopback port free now, for a process that must come back on the same one.
pub fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

//! The console binary as a process: started on a data directory, its output read as it
//! comes, stopped at the end of a test.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The console binary running in the background, its output read line by line.
pub struct Running {
    pub child: Child,
    data: tempfile::TempDir,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    pub fn start(envs: &[(&str, &str)], args: &[&str]) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), envs, args)
    }

    pub fn start_in(data: tempfile::TempDir, envs: &[(&str, &str)], args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_profiles-admin"));
        command
            .env_remove("ANTHROPIC_API_KEY")
            .env("PROFILES_DATA_DIR", data.path())
            .envs(envs.iter().copied())
            .args(args);
        Self::spawn(command, data)
    }

    /// Runs `command` (the binary, or something that ends by running it) from the
    /// repository's directory, with `data` kept until the end.
    pub fn spawn(mut command: Command, data: tempfile::TempDir) -> Self {
        let mut child = command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
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
            data,
            lines,
            seen: Vec::new(),
        }
    }

    /// The data directory it was started on.
    pub fn data(&self) -> &std::path::Path {
        self.data.path()
    }

    /// Reads output until a line contains `needle`; returns that line.
    pub fn wait_for(&mut self, needle: &str) -> String {
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

    /// The `host:port` the console listens on, once it says so.
    pub fn address(&mut self) -> String {
        let listening = self.wait_for("console listening on http://");
        listening
            .rsplit("http://")
            .next()
            .unwrap()
            .trim()
            .to_owned()
    }

    /// Stops the process and checks that nothing in what it printed is a panic.
    pub fn stop_without_panic(self) {
        let log = self.stop();
        assert!(!log.iter().any(|l| l.contains("panicked")), "{log:#?}");
    }

    /// Stops the process and returns everything it printed.
    pub fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
            self.seen.push(line);
        }
        std::mem::take(&mut self.seen)
    }
}

/// A test that fails half-way leaves no console running.
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

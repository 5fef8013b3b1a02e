//! A built-in emulator of the User Profiles API, faithful to the wire contracts in
//! `docs/api-contract.md` (beta 2026-03-24) and `docs/api-versions.md` (GA and the later
//! betas), serving each version by request header from one store, so the console runs on
//! sample data with no API key. It is an ordinary HTTP server: the console reaches it over
//! loopback through the same client as production, and Anthropic's SDKs work against it.

mod api;
mod bodies;
pub mod contract;
pub mod cursor;
pub mod faults;
mod hooks;
mod ids;
pub mod record;
pub mod routes;
pub mod seed;
pub mod store;
pub mod webhooks;

use faults::Hooks;
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use store::{Store, StoreError};

#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Where the profiles are kept; seeded with sample data when empty.
    pub data_dir: PathBuf,
    /// When set, requests must carry it as `x-api-key` or `Authorization: Bearer`.
    pub api_key: Option<SecretString>,
    /// Enables `/_emulator/*`: fault injection, the request log, program and enforcement
    /// changes.
    pub test_hooks: bool,
    /// How many sample profiles a new store is seeded with ([`seed::SEED_COUNT`] by
    /// default); an existing store keeps what it has.
    pub seed: usize,
}

pub struct Emulator {
    store: Store,
    api_key: Option<SecretString>,
    hooks: Option<Hooks>,
    /// Delivers webhooks; never follows a redirect.
    http: reqwest::Client,
    /// Whether enforcement is enabled for the emulated organization (on unless a test
    /// hook turns it off): without it profiles carry no enforcement data and the list's
    /// enforcement filter is refused (docs/api-versions.md, "Enforcement").
    enforcement: std::sync::atomic::AtomicBool,
}

impl Emulator {
    pub async fn open(config: EmulatorConfig) -> Result<Arc<Self>, StoreError> {
        let store = Store::open(&config.data_dir, || seed::records(config.seed)).await?;
        Ok(Arc::new(Self {
            store,
            api_key: config.api_key,
            hooks: config.test_hooks.then(Hooks::default),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client with default TLS builds"),
            enforcement: std::sync::atomic::AtomicBool::new(true),
        }))
    }

    pub fn enforcement_enabled(&self) -> bool {
        self.enforcement.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Where the profiles are stored.
    pub fn store_path(&self) -> &std::path::Path {
        self.store.path()
    }

    pub fn router(self: &Arc<Self>) -> axum::Router {
        routes::router(self.clone())
    }

    /// Serves on `addr` (port 0 picks a free one) in the background; returns the bound
    /// address. The task lives as long as the runtime.
    pub async fn spawn(self: &Arc<Self>, addr: SocketAddr) -> std::io::Result<SocketAddr> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        let router = self.router();
        tokio::spawn(async move {
            if let Err(e) = axum::serve(crate::serve::without_nagle(listener), router).await {
                tracing::error!(error = %e, "emulator server stopped");
            }
        });
        Ok(bound)
    }
}

//! Shared harness: an emulator on a loopback port with its own data directory and test
//! hooks on, and clients pointed at it over real HTTP.
#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod cut;
pub mod running;

use profiles_admin::emulator::faults::SeenRequest;
use profiles_admin::emulator::{Emulator, EmulatorConfig};
use profiles_admin::upstream::retry::RetryPolicy;
use profiles_admin::upstream::{Client, UpstreamConfig};
use secrecy::SecretString;
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tempfile::TempDir;

pub struct TestEmulator {
    pub addr: SocketAddr,
    pub dir: TempDir,
    http: reqwest::Client,
}

impl TestEmulator {
    pub async fn start() -> Self {
        Self::start_with_key(None).await
    }

    pub async fn start_with_key(key: Option<&str>) -> Self {
        Self::start_with(key, profiles_admin::emulator::seed::SEED_COUNT).await
    }

    /// `seed` sample profiles instead of the usual number.
    pub async fn start_seeded(seed: usize) -> Self {
        Self::start_with(None, seed).await
    }

    /// With `key` required (or any), seeded with `seed` profiles.
    pub async fn start_with(key: Option<&str>, seed: usize) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let emulator = Emulator::open(EmulatorConfig {
            data_dir: dir.path().to_owned(),
            api_key: key.map(SecretString::from),
            test_hooks: true,
            seed,
        })
        .await
        .expect("emulator opens");
        let addr = emulator
            .spawn(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("binds");
        Self {
            addr,
            dir,
            http: reqwest::Client::new(),
        }
    }

    pub fn base_url(&self) -> reqwest::Url {
        format!("http://{}", self.addr).parse().unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A client with the production policy but a short per-attempt timeout.
    pub fn client(&self) -> Client {
        self.client_with(|_| {})
    }

    /// The client speaks the 2026-03-24 beta unless `change` says otherwise: most tests
    /// were written for it; GA tests set `config.version`.
    pub fn client_with(&self, change: impl FnOnce(&mut UpstreamConfig)) -> Client {
        let mut config = UpstreamConfig::new(
            self.base_url(),
            profiles_admin::profiles::model::ApiVersion::Beta20260324,
            None,
        );
        config.attempt_timeout = Duration::from_secs(2);
        config.retry = RetryPolicy::default();
        change(&mut config);
        Client::new(config).expect("client builds")
    }

    pub async fn faults(&self, plan: Value) {
        let status = self
            .http
            .put(self.url("/_emulator/faults"))
            .json(&plan)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 204, "fault plan accepted");
    }

    pub async fn seen(&self) -> Vec<SeenRequest> {
        self.http
            .get(self.url("/_emulator/requests"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn forget_requests(&self) {
        self.http
            .delete(self.url("/_emulator/requests"))
            .send()
            .await
            .unwrap();
    }

    pub async fn set_grant(&self, id: &str, grant: &str, status: &str) -> Value {
        self.http
            .put(self.url(&format!("/_emulator/profiles/{id}/trust_grants/{grant}")))
            .json(&serde_json::json!({ "status": status }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The JSON of `GET path` on the emulated API (03-24).
    pub async fn get_json(&self, path: &str) -> Value {
        self.api(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Whether every request the emulator saw (since it last forgot them) only read.
    pub async fn only_read(&self) -> bool {
        self.seen().await.iter().all(|r| r.method == "GET")
    }

    /// The id of the newest profile.
    pub async fn first_profile_id(&self) -> String {
        let page = self.get_json("/v1/user_profiles?limit=1").await;
        page["data"][0]["id"].as_str().unwrap().to_owned()
    }

    /// A raw request to the emulated API with the documented headers (03-24).
    pub fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.api_as(
            profiles_admin::profiles::model::ApiVersion::Beta20260324,
            method,
            path,
        )
    }

    /// A raw request in `version`: its beta value, or none for GA.
    pub fn api_as(
        &self,
        version: profiles_admin::profiles::model::ApiVersion,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, self.url(path))
            .header("anthropic-version", "2023-06-01");
        match version.beta() {
            Some(beta) => request.header("anthropic-beta", beta),
            None => request,
        }
    }

    /// A test hook call (`/_emulator/…`) with a JSON body; the answer's status and JSON.
    pub async fn hook(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .request(method, self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// One single-threaded runtime for every test of a binary, as in the real server
/// (`profiles_admin::serve` explains why: Leptos' `<Suspense>` can stall server rendering when
/// resources complete on other worker threads). Tests take turns on it.
pub fn on_shared_runtime(test: impl std::future::Future<Output = ()>) {
    static RUNTIME: std::sync::LazyLock<std::sync::Mutex<tokio::runtime::Runtime>> =
        std::sync::LazyLock::new(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            std::sync::Mutex::new(runtime)
        });
    let runtime = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    runtime.block_on(test);
}

/// Sends one request through a router, as a server would, and reads the whole answer.
pub async fn oneshot(
    router: &axum::Router,
    request: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, axum::http::HeaderMap, String) {
    use tower::ServiceExt;
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), 8 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

/// A console database for a test, in a temporary directory (SQLite) or a fresh
/// PostgreSQL database (`PROFILES_TEST_DATABASE_URL`).
pub struct TestDatabase {
    pub db: profiles_admin::db::Database,
    pub location: profiles_admin::db::Location,
    _dir: TempDir,
}

impl TestDatabase {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let location = profiles_admin::db::Location::Sqlite(dir.path().to_path_buf());
        Self::open(location, dir).await
    }

    pub async fn postgres() -> Self {
        let location = profiles_admin::db::Location::Postgres(
            profiles_admin::db::testing::fresh_postgres().await,
        );
        Self::open(location, tempfile::tempdir().unwrap()).await
    }

    /// Both kinds, each fresh.
    pub async fn both() -> [Self; 2] {
        [Self::sqlite().await, Self::postgres().await]
    }

    async fn open(location: profiles_admin::db::Location, dir: TempDir) -> Self {
        let db = profiles_admin::db::Database::open(&location).await.unwrap();
        Self {
            db,
            location,
            _dir: dir,
        }
    }

    pub fn audit(&self) -> profiles_admin::audit::store::AuditLog {
        profiles_admin::audit::store::AuditLog::new(&self.db)
    }
}

/// The console's router as `main` builds it, around these parts (site files from
/// `target/site`), its audit trail and index in `db`.
pub async fn console_router(
    upstream: Client,
    auth: profiles_admin::auth::gate::Auth,
    deployment: profiles_admin::hardening::Deployment,
    db: &profiles_admin::db::Database,
) -> axum::Router {
    console_router_at("target/site", upstream, auth, deployment, db).await
}

/// [`console_router`] serving the site files under `site`.
pub async fn console_router_at(
    site: &str,
    upstream: Client,
    auth: profiles_admin::auth::gate::Auth,
    deployment: profiles_admin::hardening::Deployment,
    db: &profiles_admin::db::Database,
) -> axum::Router {
    let mut state = console_router_state(upstream, auth, deployment, db).await;
    state.leptos_options = leptos::prelude::LeptosOptions::builder()
        .output_name("profiles-admin")
        .site_root(site)
        .build();
    state.site = profiles_admin::site::Site::Disk(site.into());
    profiles_admin::router::app(state)
}

/// The state [`console_router`] serves (site files in `target/site`, no webhooks), for a
/// test to change before building the router.
pub async fn console_router_state(
    upstream: Client,
    auth: profiles_admin::auth::gate::Auth,
    deployment: profiles_admin::hardening::Deployment,
    db: &profiles_admin::db::Database,
) -> profiles_admin::state::AppState {
    profiles_admin::state::AppState {
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("profiles-admin")
            .site_root("target/site")
            .build(),
        site: profiles_admin::site::Site::Disk("target/site".into()),
        upstream,
        auth: std::sync::Arc::new(auth),
        deployment,
        draining: Default::default(),
        audit: profiles_admin::audit::store::AuditLog::new(db),
        database: db.clone(),
        index: profiles_admin::index::Index::open(db).await.unwrap(),
        webhooks: None,
        jobs: profiles_admin::onboarding::job::Jobs::new(db),
        import_budget: profiles_admin::onboarding::job::Budget {
            per_second: 50.0,
            concurrency: 2,
        },
    }
}

/// [`console_router`] in the demo's open mode (everyone an admin, no sign-in), with the
/// default deployment: what most tests of pages and server functions drive.
pub async fn open_console_router(
    upstream: Client,
    db: &profiles_admin::db::Database,
) -> axum::Router {
    console_router(
        upstream,
        profiles_admin::auth::gate::Auth::open(true),
        profiles_admin::hardening::Deployment::default(),
        db,
    )
    .await
}

/// Sign-in settings in `mode`, with the defaults of the command line.
pub fn auth_args(mode: profiles_admin::auth::AuthMode) -> profiles_admin::config::AuthArgs {
    profiles_admin::config::AuthArgs {
        mode: Some(mode),
        session_idle: 1800,
        session_lifetime: 12 * 3600,
        trusted_proxies: vec![],
        proxy_user_header: "x-forwarded-user".parse().unwrap(),
        proxy_groups_header: "x-forwarded-groups".parse().unwrap(),
        proxy_viewer_group: "support".into(),
        proxy_editor_group: "leads".into(),
        proxy_admin_group: "platform".into(),
        public_origin: None,
    }
}

/// A create body as the 2026-03-24 beta sends it (the tests' client speaks it by default).
pub fn valid_new(
    input: profiles_admin::profiles::model::NewProfileInput,
) -> profiles_admin::profiles::model::WireBody {
    profiles_admin::profiles::model::NewProfile::try_from(input)
        .expect("a valid create")
        .body(profiles_admin::profiles::model::ApiVersion::Beta20260324)
        .expect("a 2026-03-24 create")
}

/// An update body as the 2026-03-24 beta sends it.
pub fn valid_update(
    input: profiles_admin::profiles::model::ProfileUpdateInput,
) -> profiles_admin::profiles::model::WireBody {
    profiles_admin::profiles::model::ProfileUpdate::try_from(input)
        .expect("a valid update")
        .body(profiles_admin::profiles::model::ApiVersion::Beta20260324)
        .expect("a 2026-03-24 update")
}

/// Signs `name` in at the console at `base` (`http://…` or `https://…`) with the local
/// sign-in form; returns the session's cookie.
pub async fn sign_in(http: &reqwest::Client, base: &str, name: &str, password: &str) -> String {
    let reply = http
        .post(format!("{base}/sign-in"))
        .form(&[("name", name), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 303, "signing {name} in");
    session_cookie(reply.headers()).expect("a session cookie")
}

/// A client that shows redirects instead of following them, as a test of a sign-in or a
/// form post needs.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Adds the admin account `name` with `password` to the data directory `data` through
/// the binary's `user add` (`envs` may name another database).
pub fn add_admin(data: &std::path::Path, envs: &[(&str, &str)], name: &str, password: &str) {
    let out = run_binary(
        data,
        envs,
        &["user", "add", name, "--role", "admin"],
        password,
    );
    assert!(out.status.success(), "{out:?}");
}

/// `GET url` with the session `cookie`.
pub async fn get_signed_in(http: &reqwest::Client, url: &str, cookie: &str) -> reqwest::Response {
    http.get(url).header("cookie", cookie).send().await.unwrap()
}

/// The session cookie (`name=value`) a sign-in's answer sets, if it set one.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(profiles_admin::auth::setup::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// Runs the real binary with `args` on the data directory `data`, `envs` added and
/// `stdin` as its input, and waits for it.
pub fn run_binary(
    data: &std::path::Path,
    envs: &[(&str, &str)],
    args: &[&str],
    stdin: &str,
) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_profiles-admin"))
        .args(args)
        .env("PROFILES_DATA_DIR", data)
        .envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

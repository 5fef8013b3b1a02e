//! Access control through the console's real router (`oneshot`), with local accounts in a
//! temporary SQLite database (and PostgreSQL, for the session tests) and the upstream
//! client talking to an emulator over loopback (docs/security.md, checklist C5, C6, C19–C21, and the
//! proxy mode).

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use common::{auth_args, on_shared_runtime, session_cookie, TestEmulator};
use leptos::server_fn::error::FromServerFnError;
use profiles_admin::audit::query::Filter;
use profiles_admin::audit::store::AuditLog;
use profiles_admin::audit::{Action, Entry, Outcome};
use profiles_admin::auth::accounts::Accounts;
use profiles_admin::auth::setup::{configure, mode, SESSION_COOKIE};
use profiles_admin::auth::sign_in::{FAILED, UNKNOWN_ACCOUNT};
use profiles_admin::auth::{AuthMode, Role};
use profiles_admin::config::AuthArgs;
use profiles_admin::db::{testing::fresh_postgres, Database, Location};
use profiles_admin::error::AppError;
use profiles_admin::hardening::Deployment;
use profiles_admin::profiles::model::ApiVersion;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tempfile::TempDir;

const PASSWORD: &str = "correct horse battery";
const CLIENT: ([u8; 4], u16) = ([192, 0, 2, 10], 50000);

struct Console {
    router: Router,
    emulator: TestEmulator,
    accounts: Accounts,
    db: Database,
    _data: TempDir,
}

/// Which database a console keeps its accounts, sessions and audit trail in.
#[derive(Clone, Copy, Debug)]
enum Store {
    Sqlite,
    Postgres,
}

impl Store {
    const BOTH: [Store; 2] = [Store::Sqlite, Store::Postgres];

    async fn location(self, data: &TempDir) -> Location {
        match self {
            Store::Sqlite => Location::Sqlite(data.path().to_path_buf()),
            Store::Postgres => Location::Postgres(fresh_postgres().await),
        }
    }

    async fn open(self, data: &TempDir) -> Database {
        Database::open(&self.location(data).await).await.unwrap()
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Console {
    /// A console with a (fake) real key: sign-in required, accounts `viewer`, `editor`
    /// and `admin`.
    async fn local(change: impl FnOnce(&mut AuthArgs)) -> Self {
        Self::local_in(Store::Sqlite, change).await
    }

    async fn local_in(store: Store, change: impl FnOnce(&mut AuthArgs)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let location = store.location(&data).await;
        Self::local_at(&location, data, change).await
    }

    /// A console on the database at `location`, with the three accounts added to it.
    async fn local_at(
        location: &Location,
        data: TempDir,
        change: impl FnOnce(&mut AuthArgs),
    ) -> Self {
        let db = Database::open(location).await.unwrap();
        for role in Role::ALL {
            Accounts::new(&db)
                .add(role.as_str(), role, PASSWORD)
                .await
                .unwrap();
        }
        let mut args = auth_args(AuthMode::Local);
        change(&mut args);
        Self::start(args, data, db).await
    }

    async fn start(args: AuthArgs, data: TempDir, db: Database) -> Self {
        Self::start_keyed(args, data, db, true).await
    }

    /// `api_key_set: false` is the console on its built-in emulator (demo data).
    async fn start_keyed(args: AuthArgs, data: TempDir, db: Database, api_key_set: bool) -> Self {
        Self::start_speaking(args, data, db, api_key_set, ApiVersion::Beta20260324).await
    }

    /// The three accounts on a console speaking `version`.
    async fn local_speaking(version: ApiVersion) -> Self {
        let data = tempfile::tempdir().unwrap();
        let db = Database::open(&Store::Sqlite.location(&data).await)
            .await
            .unwrap();
        for role in Role::ALL {
            Accounts::new(&db)
                .add(role.as_str(), role, PASSWORD)
                .await
                .unwrap();
        }
        Self::start_speaking(auth_args(AuthMode::Local), data, db, true, version).await
    }

    async fn start_speaking(
        args: AuthArgs,
        data: TempDir,
        db: Database,
        api_key_set: bool,
        version: ApiVersion,
    ) -> Self {
        let emulator = TestEmulator::start().await;
        let auth = configure(&args, &db, api_key_set).await.unwrap();
        let router = common::console_router(
            emulator.client_with(|c| c.version = version),
            auth,
            Deployment::new(args.public_origin.as_ref()).unwrap(),
            &db,
        )
        .await;
        Self {
            router,
            emulator,
            accounts: Accounts::new(&db),
            db,
            _data: data,
        }
    }

    async fn send(&self, mut request: Request<Body>) -> Reply {
        if request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_none()
        {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(CLIENT)));
        }
        let (status, headers, body) = common::oneshot(&self.router, request).await;
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn sign_in_as(&self, name: &str, password: &str, cookie: Option<&str>) -> Reply {
        let body = format!(
            "name={name}&password={}&next=%2Fprofiles",
            password.replace(' ', "+")
        );
        let mut request = Request::post("/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Signs in and returns the session cookie (`name=value`).
    async fn session(&self, name: &str) -> String {
        let reply = self.sign_in_as(name, PASSWORD, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        session_cookie(&reply.headers).expect("a session cookie")
    }

    async fn sign_out(&self, cookie: &str) -> Reply {
        self.send(
            Request::post("/sign-out")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Each call: refused to the editor before any upstream call, done for the admin.
    async fn refused_to_editors_done_for_admins(&self, calls: &[&Call], editor: &str, admin: &str) {
        for call in calls {
            self.emulator.forget_requests().await;
            let refused = self.call(call, Some(editor)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", call.path);
            assert_eq!(self.upstream_calls().await, 0);
            let done = self.call(call, Some(admin)).await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        }
    }

    async fn call(&self, call: &Call, cookie: Option<&str>) -> Reply {
        let mut request = Request::post(call.path).header(header::CONTENT_TYPE, call.content_type);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(call.body.clone())).unwrap())
            .await
    }

    async fn page(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn some_profile_id(&self) -> String {
        self.emulator.first_profile_id().await
    }

    async fn upstream_calls(&self) -> usize {
        self.emulator.seen().await.len()
    }
}

/// One call of a server function, as the browser would make it.
struct Call {
    path: &'static str,
    content_type: &'static str,
    body: String,
    /// The least role that may make it.
    least: Role,
}

/// A sample call of every server function there is; the registry test fails when a new
/// one has no sample here, so none escapes the check.
fn calls(id: &str, job: &str) -> Vec<Call> {
    let form = "application/x-www-form-urlencoded";
    let json = "application/json";
    vec![
        Call {
            path: "/api/profiles/list",
            content_type: form,
            body: "limit=1&order=desc".into(),
            least: Role::Viewer,
        },
        Call {
            path: "/api/profiles/get",
            content_type: form,
            body: format!("id={id}"),
            least: Role::Viewer,
        },
        Call {
            path: "/api/profiles/create",
            content_type: json,
            body: json!({"profile": {"name": "Access test"}}).to_string(),
            least: Role::Editor,
        },
        Call {
            path: "/api/profiles/update",
            content_type: json,
            body: json!({"id": id, "update": {"name": "Renamed"}}).to_string(),
            least: Role::Editor,
        },
        Call {
            path: "/api/profiles/enrollment_url",
            content_type: form,
            body: format!("id={id}"),
            least: Role::Editor,
        },
        Call {
            path: "/api/audit/history",
            content_type: form,
            body: format!("id={id}"),
            least: Role::Viewer,
        },
        Call {
            path: "/api/profiles/same-external-id",
            content_type: form,
            body: format!("id={id}"),
            least: Role::Viewer,
        },
        Call {
            path: "/api/review/queue",
            content_type: form,
            body: "params%5Btab%5D=changed".into(),
            least: Role::Viewer,
        },
        Call {
            path: "/api/overview",
            content_type: form,
            body: "params%5Bweeks%5D=4".into(),
            least: Role::Viewer,
        },
        Call {
            path: "/api/profiles/status-timeline",
            content_type: form,
            body: format!("id={id}"),
            least: Role::Viewer,
        },
        Call {
            path: "/api/profiles/search",
            content_type: form,
            body: "search[q]=Acme".into(),
            least: Role::Viewer,
        },
        Call {
            path: "/api/profiles/index-status",
            content_type: form,
            body: String::new(),
            least: Role::Viewer,
        },
        Call {
            path: "/api/profiles/index-refresh",
            content_type: form,
            body: String::new(),
            least: Role::Admin,
        },
        Call {
            path: "/api/audit/log",
            content_type: form,
            body: "actor=editor".into(),
            least: Role::Admin,
        },
        Call {
            path: "/api/onboarding/home",
            content_type: form,
            body: String::new(),
            least: Role::Editor,
        },
        Call {
            path: "/api/onboarding/job",
            content_type: form,
            body: format!("id={job}"),
            least: Role::Editor,
        },
        Call {
            path: "/api/onboarding/progress",
            content_type: form,
            body: format!("id={job}"),
            least: Role::Editor,
        },
    ]
}

fn app_error(body: &str) -> AppError {
    AppError::de(body.as_bytes().to_vec().into())
}

#[test]
fn every_server_function_refuses_the_signed_out_and_the_too_weak_before_any_upstream_call() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let id = console.some_profile_id().await;
        let job = profiles_admin::onboarding::job::Jobs::new(&console.db)
            .create(
                "sha",
                "customers.csv",
                "editor",
                Role::Editor,
                profiles_admin::profiles::model::ApiVersion::Beta20260324,
            )
            .await
            .unwrap();
        let calls = calls(&id, &job.id);
        let registered: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
        assert!(!registered.is_empty());
        for (path, _) in &registered {
            assert!(
                calls.iter().any(|c| c.path == *path),
                "{path} has no sample call here, so its access is untested"
            );
        }
        let sessions = [
            (Role::Viewer, console.session("viewer").await),
            (Role::Editor, console.session("editor").await),
            (Role::Admin, console.session("admin").await),
        ];
        for call in &calls {
            console.emulator.forget_requests().await;
            let anonymous = console.call(call, None).await;
            assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{}", call.path);
            assert_eq!(app_error(&anonymous.body), AppError::SignInRequired);
            let forged = console
                .call(call, Some(&format!("{SESSION_COOKIE}=forged")))
                .await;
            assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{}", call.path);
            for (role, cookie) in sessions.iter().filter(|(role, _)| *role < call.least) {
                let reply = console.call(call, Some(cookie)).await;
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{role:?} {}",
                    call.path
                );
                assert_eq!(app_error(&reply.body), AppError::Forbidden);
            }
            let seen = console.emulator.seen().await;
            assert!(
                seen.is_empty(),
                "{} reached the upstream without a permitted visitor: {seen:?}",
                call.path
            );
            for (role, cookie) in &sessions {
                if *role >= call.least {
                    let reply = console.call(call, Some(cookie)).await;
                    assert_eq!(
                        reply.status,
                        StatusCode::OK,
                        "{role:?} {}: {}",
                        call.path,
                        reply.body
                    );
                }
            }
        }
    });
}

#[test]
fn server_functions_given_an_empty_or_blank_id_name_no_profile() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let id = console.some_profile_id().await;
        let admin = console.session("admin").await;
        // Entries that a history read without a profile filter would show.
        let rename = &calls(&id, "job_none")[3];
        assert_eq!(rename.path, "/api/profiles/update");
        assert_eq!(
            console.call(rename, Some(&admin)).await.status,
            StatusCode::OK
        );
        let with_id: Vec<_> = calls(&id, "job_none")
            .into_iter()
            .filter(|c| c.body.contains(&id))
            .collect();
        assert_eq!(
            with_id.len(),
            6,
            "get, update, enrollment_url, same-external-id, status-timeline and history take an id"
        );
        for blank in ["", "  ", "%20%20"] {
            console.emulator.forget_requests().await;
            for call in &with_id {
                let blanked = Call {
                    body: call.body.replace(&id, blank),
                    ..*call
                };
                let reply = console.call(&blanked, Some(&admin)).await;
                assert_eq!(
                    reply.status,
                    StatusCode::NOT_FOUND,
                    "{} with id {blank:?}: {}",
                    call.path,
                    reply.body
                );
                assert_eq!(app_error(&reply.body), AppError::NotFound);
            }
            assert_eq!(console.upstream_calls().await, 0, "id {blank:?}");
        }
    });
}

#[test]
fn only_admins_set_relationships() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let id = console.some_profile_id().await;
        let editor = console.session("editor").await;
        let admin = console.session("admin").await;
        let change = Call {
            path: "/api/profiles/update",
            content_type: "application/json",
            body: json!({"id": id, "update": {"relationship": "internal"}}).to_string(),
            least: Role::Admin,
        };
        let create = Call {
            path: "/api/profiles/create",
            content_type: "application/json",
            body: json!({"profile": {"name": "Reseller", "relationship": "resold"}}).to_string(),
            least: Role::Admin,
        };
        // `null` is a relationship in the update too, whatever the API makes of it.
        let clear = Call {
            body: json!({"id": id, "update": {"relationship": null}}).to_string(),
            ..change
        };
        console
            .refused_to_editors_done_for_admins(&[&change, &create, &clear], &editor, &admin)
            .await;
        // An editor may still create with the default relationship.
        let plain = Call {
            body: json!({"profile": {"name": "Plain", "relationship": "external"}}).to_string(),
            ..create
        };
        assert_eq!(
            console.call(&plain, Some(&editor)).await.status,
            StatusCode::OK
        );
    });
}

#[test]
fn only_admins_set_access_types_under_ga() {
    on_shared_runtime(async {
        let console = Console::local_speaking(ApiVersion::Ga).await;
        let id = console.some_profile_id().await;
        let editor = console.session("editor").await;
        let admin = console.session("admin").await;
        let change = Call {
            path: "/api/profiles/update",
            content_type: "application/json",
            body: json!({"id": id, "update": {"access_type": "passthrough"}}).to_string(),
            least: Role::Admin,
        };
        let create = Call {
            path: "/api/profiles/create",
            content_type: "application/json",
            body: json!({"profile": {"name": "Passed through", "access_type": "passthrough"}})
                .to_string(),
            least: Role::Admin,
        };
        let clear = Call {
            body: json!({"id": id, "update": {"access_type": null}}).to_string(),
            ..change
        };
        console
            .refused_to_editors_done_for_admins(&[&change, &create, &clear], &editor, &admin)
            .await;
        // An editor still creates with the default access type, and edits GA details.
        let plain = Call {
            body: json!({"profile": {"name": "Plain", "access_type": "application",
                "external_user_details": {"country": "DE"}}})
            .to_string(),
            ..create
        };
        assert_eq!(
            console.call(&plain, Some(&editor)).await.status,
            StatusCode::OK
        );
    });
}

#[test]
fn the_session_cookie_is_host_only_secure_strict_and_rotated_at_sign_in() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let planted = format!("{SESSION_COOKIE}=AAAAAAAAAAAAAAAAAAAAAA");
        let reply = console.sign_in_as("editor", PASSWORD, Some(&planted)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.headers[header::LOCATION], "/profiles");
        let set_cookie = reply.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_owned();
        for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(set_cookie.contains(flag), "{flag} missing: {set_cookie}");
        }
        assert!(
            !set_cookie.to_lowercase().contains("domain="),
            "{set_cookie}"
        );
        let cookie = session_cookie(&reply.headers).unwrap();
        assert_ne!(cookie, planted, "the session id must change at sign-in");

        let page = console.page("/profiles", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("editor"));
    });
}

#[test]
fn signing_in_over_a_live_session_gets_a_new_session_id() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let viewer = console.session("viewer").await;
        let reply = console.sign_in_as("admin", PASSWORD, Some(&viewer)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let admin = session_cookie(&reply.headers).expect("a new session cookie");
        assert_ne!(admin, viewer, "the session id must change at every sign-in");
        let page = console.page("/audit", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK, "the new id is the admin's");
        let old = console.page("/profiles", Some(&viewer)).await;
        assert_eq!(
            old.status,
            StatusCode::SEE_OTHER,
            "the old id names no session"
        );
        assert!(old.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/sign-in?"));
    });
}

#[test]
fn a_path_through_the_static_bundle_is_no_way_around_the_gate() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        for path in ["/pkg/%2e%2e/profiles", "/pkg/../audit", "/pkg/%2E%2e/audit"] {
            let reply = console.page(path, None).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
            assert!(!reply.body.contains("<html"), "{path} rendered the shell");
        }
        assert_eq!(
            console.page("/profiles", None).await.status,
            StatusCode::SEE_OTHER
        );
    });
}

#[test]
fn pages_send_the_signed_out_to_sign_in_and_back() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let asked = "/profiles?limit=50&order=asc&trail=a%3Db";
        let reply = console.page(asked, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let location = reply.headers[header::LOCATION].to_str().unwrap();
        assert!(location.starts_with("/sign-in?next="), "{location}");
        let form = console.page(location, None).await;
        assert_eq!(form.status, StatusCode::OK);
        // The whole address comes back, every parameter and escape included.
        assert!(
            form.body
                .contains(r#"value="/profiles?limit=50&amp;order=asc&amp;trail=a%3Db""#),
            "{}",
            form.body
        );
        let csp = form.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'none'"));
        assert!(!form.body.contains("<script"));
        // The static bundle and health checks need no session.
        assert_eq!(console.page("/healthz", None).await.status, StatusCode::OK);
    });
}

#[test]
fn sign_out_ends_the_session_on_the_server() {
    on_shared_runtime(async {
        for store in Store::BOTH {
            sign_out_ends_the_session_in(store).await;
        }
    });
}

async fn sign_out_ends_the_session_in(store: Store) {
    {
        let console = Console::local_in(store, |_| {}).await;
        let cookie = console.session("viewer").await;
        let list = &calls("uprof_x", "job_none")[0];
        assert_eq!(
            console.call(list, Some(&cookie)).await.status,
            StatusCode::OK
        );
        let out = console.sign_out(&cookie).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(out.headers[header::LOCATION], "/sign-in");
        // Replaying the old cookie finds no session.
        assert_eq!(
            console.call(list, Some(&cookie)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[test]
fn disabling_an_account_or_changing_its_role_or_password_ends_its_sessions() {
    on_shared_runtime(async {
        for store in Store::BOTH {
            account_changes_end_sessions_in(store).await;
        }
    });
}

async fn account_changes_end_sessions_in(store: Store) {
    {
        let console = Console::local_in(store, |_| {}).await;
        let list = &calls("uprof_x", "job_none")[0];
        let signed_in = |name: &'static str| {
            let console = &console;
            async move {
                let cookie = console.session(name).await;
                assert_eq!(
                    console.call(list, Some(&cookie)).await.status,
                    StatusCode::OK
                );
                cookie
            }
        };
        let viewer = signed_in("viewer").await;
        let editor = signed_in("editor").await;
        let admin = signed_in("admin").await;
        console.accounts.set_disabled("viewer", true).await.unwrap();
        console
            .accounts
            .set_role("editor", Role::Viewer)
            .await
            .unwrap();
        console
            .accounts
            .set_password("admin", "another long password")
            .await
            .unwrap();
        for cookie in [viewer, editor, admin] {
            assert_eq!(
                console.call(list, Some(&cookie)).await.status,
                StatusCode::UNAUTHORIZED,
                "a session survived its account's change"
            );
        }
        // The disabled account cannot sign in again; the message says nothing of why.
        let again = console.sign_in_as("viewer", PASSWORD, None).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
        assert!(again.body.contains(FAILED));
    }
}

#[test]
fn idle_sessions_and_sessions_past_their_lifetime_end() {
    on_shared_runtime(async {
        let list = &calls("uprof_x", "job_none")[0];
        let idle = Console::local(|a| a.session_idle = 2).await;
        let cookie = idle.session("viewer").await;
        // Activity renews the idle timer: 2.8 s of requests outlive a 2 s timeout…
        for _ in 0..4 {
            assert_eq!(idle.call(list, Some(&cookie)).await.status, StatusCode::OK);
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
        assert_eq!(idle.call(list, Some(&cookie)).await.status, StatusCode::OK);
        // …and 2.6 s without any end the session.
        tokio::time::sleep(Duration::from_millis(2600)).await;
        assert_eq!(
            idle.call(list, Some(&cookie)).await.status,
            StatusCode::UNAUTHORIZED
        );

        let aging = Console::local(|a| a.session_lifetime = 2).await;
        let cookie = aging.session("viewer").await;
        // Activity keeps an idle timer alive, but not a session past its lifetime.
        for _ in 0..2 {
            assert_eq!(aging.call(list, Some(&cookie)).await.status, StatusCode::OK);
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(
            aging.call(list, Some(&cookie)).await.status,
            StatusCode::UNAUTHORIZED
        );
    });
}

#[test]
fn failed_sign_ins_look_alike_and_are_rate_limited_per_account_and_client() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let wrong = console.sign_in_as("editor", "wrong password!", None).await;
        let unknown = console.sign_in_as("nobody", PASSWORD, None).await;
        for reply in [&wrong, &unknown] {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
            assert!(reply.body.contains(FAILED));
            assert!(session_cookie(&reply.headers).is_none());
        }
        assert!(
            !wrong.body.contains("wrong password!"),
            "the password is never echoed"
        );
        for _ in 0..4 {
            console.sign_in_as("editor", "wrong password!", None).await;
        }
        // The sixth attempt on the account is refused even with the right password,
        // and a forged X-Forwarded-For (no trusted proxy) changes nothing.
        let request = Request::post("/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", "198.51.100.77")
            .body(Body::from(format!(
                "name=editor&password={}",
                PASSWORD.replace(' ', "+")
            )))
            .unwrap();
        let limited = console.send(request).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = limited.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
        assert!(session_cookie(&limited.headers).is_none());
        // Other accounts are not locked by the attack on this one.
        assert_eq!(
            console.sign_in_as("admin", PASSWORD, None).await.status,
            StatusCode::SEE_OTHER
        );
    });
}

#[test]
fn viewers_see_no_controls_they_cannot_use_and_forms_refuse_them() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let id = console.some_profile_id().await;
        let viewer = console.session("viewer").await;
        let editor = console.session("editor").await;
        let detail = format!("/profiles/{id}");
        let seen = console.page(&detail, Some(&viewer)).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(!seen.body.contains(">Edit<"));
        assert!(!seen.body.contains("Generate enrollment URL"));
        assert!(seen.body.contains("viewer"));
        assert!(
            !seen.body.contains("Demo data."),
            "a real key serves no demo banner"
        );
        // Pages are rendered for the user: a control the role cannot use is not sent.
        let list = console.page("/profiles", Some(&viewer)).await;
        assert!(!list.body.contains(">New profile<"));
        assert!(!list.body.contains("data-role"));
        let list = console.page("/profiles", Some(&editor)).await;
        assert!(list.body.contains(r#"class="button primary">New profile<"#));

        let full = console.page(&detail, Some(&editor)).await;
        assert!(full.body.contains(">Edit<"));
        assert!(full.body.contains("Generate enrollment URL"));
        let edit = console.page(&format!("{detail}/edit"), Some(&editor)).await;
        assert!(edit
            .body
            .contains("Only admins can change the relationship."));
        let select = edit
            .body
            .split(r#"id="field-relationship""#)
            .nth(1)
            .unwrap();
        let select = select.split("</select>").next().unwrap();
        assert_eq!(
            select.matches("<option").count(),
            1,
            "one relationship choice"
        );

        let refused = console.page("/profiles/new", Some(&viewer)).await;
        assert!(refused.body.contains("Your role does not allow this."));
        console.emulator.forget_requests().await;
        for path in [
            "/profiles/new".to_owned(),
            format!("{detail}/edit"),
            detail.clone(),
        ] {
            let post = console
                .send(
                    Request::post(&path)
                        .header(header::COOKIE, &viewer)
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from("name=Changed&relationship=external&intent=save"))
                        .unwrap(),
                )
                .await;
            assert_eq!(post.status, StatusCode::FORBIDDEN, "{path}");
            assert!(
                post.body.contains("Your role does not allow this."),
                "{path}"
            );
        }
        assert!(
            console.emulator.only_read().await,
            "a refused form post changed something upstream"
        );
    });
}

/// The create/edit island posts its form asking for JSON, and is answered in JSON whoever
/// sends it: signed out (a session that ended under the form) 401, so the island keeps
/// what was typed and says so instead of being sent to sign in; a viewer 403. Nothing
/// reaches the API.
#[test]
fn an_islands_form_post_is_refused_in_json() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let id = console.some_profile_id().await;
        let viewer = console.session("viewer").await;
        console.emulator.forget_requests().await;
        for path in ["/profiles/new".to_owned(), format!("/profiles/{id}/edit")] {
            for (cookie, status, error) in [
                (None, StatusCode::UNAUTHORIZED, AppError::SignInRequired),
                (Some(&viewer), StatusCode::FORBIDDEN, AppError::Forbidden),
            ] {
                let mut request = Request::post(&path)
                    .header(header::ACCEPT, "application/json")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                if let Some(cookie) = cookie {
                    request = request.header(header::COOKIE, cookie);
                }
                let body = Body::from("name=Changed&relationship=external&intent=save");
                let reply = console.send(request.body(body).unwrap()).await;
                assert_eq!(reply.status, status, "{path}: {}", reply.body);
                assert_eq!(app_error(&reply.body), error, "{path}");
            }
        }
        assert_eq!(console.upstream_calls().await, 0);
    });
}

#[test]
fn proxy_mode_believes_identity_headers_from_the_proxy_only() {
    on_shared_runtime(async {
        let data = tempfile::tempdir().unwrap();
        let db = Store::Sqlite.open(&data).await;
        let mut args = auth_args(AuthMode::Proxy);
        args.trusted_proxies = vec!["10.0.0.2".parse().unwrap()];
        let console = Console::start(args, data, db).await;
        let list = &calls("uprof_x", "job_none")[0];
        let call = |peer: [u8; 4], user: Option<&str>, groups: &str| {
            let mut request = Request::post(list.path)
                .header(header::CONTENT_TYPE, list.content_type)
                .header("x-forwarded-groups", groups);
            if let Some(user) = user {
                request = request.header("x-forwarded-user", user);
            }
            let mut request = request.body(Body::from(list.body.clone())).unwrap();
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from((peer, 40000))));
            request
        };
        console.emulator.forget_requests().await;
        let forged = console
            .send(call([10, 0, 0, 3], Some("mallory"), "platform"))
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let no_role = console.send(call([10, 0, 0, 2], Some("bo"), "staff")).await;
        assert_eq!(no_role.status, StatusCode::FORBIDDEN);
        let anonymous = console.send(call([10, 0, 0, 2], None, "")).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert_eq!(console.upstream_calls().await, 0);
        let ok = console
            .send(call([10, 0, 0, 2], Some("ana"), "support"))
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

        let mut page = Request::get("/profiles")
            .header("x-forwarded-user", "ana")
            .header("x-forwarded-groups", "support,leads")
            .body(Body::empty())
            .unwrap();
        page.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 2], 40000))));
        let page = console.send(page).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("ana") && page.body.contains("editor"));
        assert!(
            !page.body.contains("/sign-out"),
            "the proxy owns signing out"
        );
    });
}

#[test]
fn configurations_that_would_expose_the_key_are_refused_at_start() {
    on_shared_runtime(async {
        assert!(mode(&auth_args(AuthMode::Open), true).is_err());
        assert_eq!(
            mode(
                &AuthArgs {
                    mode: None,
                    ..auth_args(AuthMode::Open)
                },
                true
            ),
            Ok(AuthMode::Local)
        );
        assert_eq!(
            mode(
                &AuthArgs {
                    mode: None,
                    ..auth_args(AuthMode::Open)
                },
                false
            ),
            Ok(AuthMode::Open)
        );
        assert!(
            mode(&auth_args(AuthMode::Proxy), true).is_err(),
            "proxy mode without proxies"
        );
        let empty = tempfile::tempdir().unwrap();
        let empty = Store::Sqlite.open(&empty).await;
        let refused = configure(&auth_args(AuthMode::Local), &empty, true)
            .await
            .err()
            .unwrap();
        assert!(refused.contains("user add"), "{refused}");
    });
}

#[test]
fn hsts_is_sent_only_when_served_over_tls() {
    on_shared_runtime(async {
        let plain = Console::local(|_| {}).await;
        let reply = plain.page("/healthz", None).await;
        assert!(!reply
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY));
        let tls = Console::local(|a| {
            a.public_origin = Some("https://console.example/".parse().unwrap());
        })
        .await;
        let reply = tls.page("/sign-in", None).await;
        assert_eq!(
            reply.headers[header::STRICT_TRANSPORT_SECURITY],
            "max-age=63072000; includeSubDomains"
        );
        // The public origin is trusted for state changes even when the proxy rewrites Host;
        // without it, the same request is cross-origin.
        let request = || {
            Request::builder()
                .method(Method::POST)
                .uri("/sign-in")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ORIGIN, "https://console.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "name=admin&password={}",
                    PASSWORD.replace(' ', "+")
                )))
                .unwrap()
        };
        assert_eq!(tls.send(request()).await.status, StatusCode::SEE_OTHER);
        assert_eq!(plain.send(request()).await.status, StatusCode::FORBIDDEN);
    });
}

#[test]
fn sign_in_can_be_required_on_the_demo_too_which_still_says_demo_data() {
    on_shared_runtime(async {
        let data = tempfile::tempdir().unwrap();
        let db = Store::Sqlite.open(&data).await;
        Accounts::new(&db)
            .add("ana", Role::Editor, PASSWORD)
            .await
            .unwrap();
        let console = Console::start_keyed(auth_args(AuthMode::Local), data, db, false).await;
        let signed_out = console.page("/profiles", None).await;
        assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
        let cookie = console.session("ana").await;
        let page = console.page("/profiles", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Demo data."));
        assert!(page.body.contains(r#"<span class="account-name">ana"#));
        assert!(page
            .body
            .contains(r#"<form method="post" action="/sign-out">"#));
    });
}

#[test]
fn one_user_calling_too_fast_is_held_back_before_the_upstream_and_others_are_not() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let viewer = console.session("viewer").await;
        let editor = console.session("editor").await;
        let list = &calls("uprof_x", "job_none")[0];
        console.emulator.forget_requests().await;
        let mut served = 0;
        let mut limited = None;
        for _ in 0..80 {
            let reply = console.call(list, Some(&viewer)).await;
            match reply.status {
                StatusCode::OK => served += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    limited = Some(reply);
                    break;
                }
                other => panic!("unexpected {other}"),
            }
        }
        let limited = limited.expect("80 calls in a row were all served");
        assert!(served >= 40, "the burst allowance is 40, got {served}");
        assert_eq!(app_error(&limited.body), AppError::TooManyRequests);
        assert!(limited.headers.contains_key(header::RETRY_AFTER));
        assert_eq!(
            console.upstream_calls().await,
            served,
            "a held call reached the upstream"
        );
        assert_eq!(
            console.call(list, Some(&editor)).await.status,
            StatusCode::OK
        );
    });
}

/// Every entry of a console's audit trail, newest first.
async fn audit_entries(console: &Console) -> Vec<Entry> {
    AuditLog::new(&console.db)
        .page(&Filter::default(), None, 1000)
        .await
        .unwrap()
        .entries
}

#[test]
fn sign_ins_sign_outs_and_refusals_are_recorded_on_both_stores() {
    on_shared_runtime(async {
        for store in Store::BOTH {
            let console = Console::local_in(store, |_| {}).await;
            let editor = console.session("editor").await;
            let wrong = console.sign_in_as("editor", "not the password", None).await;
            assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
            // A password typed into the name field must not end up in the trail.
            let typo = console.sign_in_as("hunter2hunter2", PASSWORD, None).await;
            assert_eq!(typo.status, StatusCode::UNAUTHORIZED);
            let viewer = console.session("viewer").await;
            let id = console.some_profile_id().await;
            let update = calls(&id, "job_none").into_iter().nth(3).unwrap();
            assert_eq!(update.path, "/api/profiles/update");
            assert_eq!(
                console.call(&update, Some(&viewer)).await.status,
                StatusCode::FORBIDDEN
            );
            let relationship = Call {
                body: json!({"id": id, "update": {"relationship": "internal"}}).to_string(),
                ..update
            };
            assert_eq!(
                console.call(&relationship, Some(&editor)).await.status,
                StatusCode::FORBIDDEN
            );
            assert_eq!(
                console.page("/audit.csv", Some(&viewer)).await.status,
                StatusCode::FORBIDDEN
            );
            let out = console.sign_out(&editor).await;
            assert_eq!(out.status, StatusCode::SEE_OTHER);

            let entries = audit_entries(&console).await;
            let seen: Vec<(Action, Outcome, &str, Option<&str>)> = entries
                .iter()
                .rev()
                .map(|e| (e.action, e.outcome, e.actor.as_str(), e.role.as_deref()))
                .collect();
            assert_eq!(
                seen,
                [
                    (Action::SignIn, Outcome::Succeeded, "editor", Some("editor")),
                    (Action::SignIn, Outcome::Failed, "editor", None),
                    (Action::SignIn, Outcome::Failed, UNKNOWN_ACCOUNT, None),
                    (Action::SignIn, Outcome::Succeeded, "viewer", Some("viewer")),
                    (Action::Refused, Outcome::Refused, "viewer", Some("viewer")),
                    (Action::Refused, Outcome::Refused, "editor", Some("editor")),
                    (Action::Refused, Outcome::Refused, "viewer", Some("viewer")),
                    (
                        Action::SignOut,
                        Outcome::Succeeded,
                        "editor",
                        Some("editor")
                    ),
                ],
                "{store:?}"
            );
            let details: Vec<&str> = entries
                .iter()
                .rev()
                .filter_map(|e| e.detail.as_deref())
                .collect();
            assert_eq!(
                details,
                [
                    FAILED,
                    FAILED,
                    "The viewer role may not create or edit profiles (POST /api/profiles/update).",
                    "The editor role may not set a profile's relationship (change a profile's relationship or access type).",
                    "The viewer role may not read the audit log (GET /audit.csv).",
                ]
            );
            let all = format!("{entries:?}");
            assert!(!all.contains("hunter2") && !all.contains(PASSWORD));
            assert!(
                console.emulator.only_read().await,
                "a refused call changed something upstream"
            );
        }
    });
}

#[test]
fn consoles_sharing_one_postgres_share_sessions_and_history() {
    on_shared_runtime(async {
        let location = Location::Postgres(fresh_postgres().await);
        let first = Console::local_at(&location, tempfile::tempdir().unwrap(), |_| {}).await;
        let second = Console::start(
            auth_args(AuthMode::Local),
            tempfile::tempdir().unwrap(),
            Database::open(&location).await.unwrap(),
        )
        .await;
        // Signed in on one instance, served by the other.
        let cookie = first.session("editor").await;
        let list = &calls("uprof_x", "job_none")[0];
        assert_eq!(
            second.call(list, Some(&cookie)).await.status,
            StatusCode::OK
        );
        let created = second
            .call(&calls("uprof_x", "job_none")[2], Some(&cookie))
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        // What one instance recorded, the other shows.
        let entries = audit_entries(&first).await;
        assert_eq!(
            (entries[0].action, entries[0].actor.as_str()),
            (Action::ProfileCreate, "editor")
        );
        // Signing out on the second ends the session on the first.
        second.sign_out(&cookie).await;
        assert_eq!(
            first.call(list, Some(&cookie)).await.status,
            StatusCode::UNAUTHORIZED
        );
    });
}

/// Deleting: admins only, confirmed by the profile's id or name, recorded with what the
/// profile held, and gone from the index; a refusal or a wrong confirmation keeps what
/// was typed and sends nothing upstream.
#[test]
fn only_admins_delete_and_only_with_the_id_or_name_typed() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let id = console.some_profile_id().await;
        let profile = console
            .emulator
            .get_json(&format!("/v1/user_profiles/{id}"))
            .await;
        let detail = format!("/profiles/{id}");
        let delete = format!("{detail}/delete");
        let post = |cookie: String, typed: &str| {
            Request::post(&delete)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("confirm={typed}")))
                .unwrap()
        };
        let (viewer, editor, admin) = (
            console.session("viewer").await,
            console.session("editor").await,
            console.session("admin").await,
        );
        assert!(!console
            .page(&detail, Some(&editor))
            .await
            .body
            .contains(">Delete<"));
        assert!(console
            .page(&detail, Some(&admin))
            .await
            .body
            .contains(">Delete<"));
        let page = console.page(&delete, Some(&editor)).await;
        assert!(page.body.contains("Your role does not allow this."));

        console.emulator.forget_requests().await;
        for cookie in [&viewer, &editor] {
            let refused = console.send(post(cookie.clone(), &id)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
        }
        let wrong = console.send(post(admin.clone(), "not+the+name")).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert!(wrong
            .body
            .contains("Not deleted: the confirmation does not match"));
        assert!(
            wrong.body.contains(r#"value="not the name""#),
            "what was typed is kept"
        );
        assert!(console.emulator.only_read().await, "nothing was deleted");

        let typed = profile["name"].as_str().map_or(id.clone(), |name| {
            url::form_urlencoded::byte_serialize(name.as_bytes()).collect()
        });
        let done = console.send(post(admin.clone(), &typed)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.headers[header::LOCATION], "/profiles?done=deleted");
        let list = console.page("/profiles?done=deleted", Some(&admin)).await;
        assert!(list.body.contains("Profile deleted."));
        let gone = console
            .emulator
            .api(reqwest::Method::GET, &format!("/v1/user_profiles/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status(), 404);
        assert_eq!(
            console.page(&detail, Some(&admin)).await.status,
            StatusCode::NOT_FOUND
        );
        let index = profiles_admin::index::Index::open(&console.db)
            .await
            .unwrap();
        assert!(!index.knows(&id).await.unwrap(), "the index marks it gone");
        let entries = audit_entries(&console).await;
        let entry = entries
            .iter()
            .find(|e| e.action == Action::ProfileDelete)
            .expect("the delete is recorded");
        assert_eq!(
            (entry.actor.as_str(), entry.outcome),
            ("admin", Outcome::Succeeded)
        );
        assert_eq!(entry.profile_id.as_deref(), Some(id.as_str()));
        assert!(entry
            .changes
            .iter()
            .all(|c| c.new.is_none() && c.old.is_some()));
        let refusals = entries
            .iter()
            .filter(|e| e.action == Action::Refused)
            .count();
        assert!(
            refusals >= 2,
            "the viewer's and the editor's attempts are recorded"
        );
    });
}

/// The exports are for editors and admins: a viewer is refused (and the refusal
/// recorded), the signed-out are sent to sign in.
#[test]
fn exports_are_for_editors_and_admins() {
    on_shared_runtime(async {
        let console = Console::local(|_| {}).await;
        let viewer = console.session("viewer").await;
        let editor = console.session("editor").await;
        for path in [
            "/profiles/search.csv",
            "/profiles/search.jsonl?q=a",
            "/review.csv?tab=waiting",
            "/review.jsonl?tab=changed",
        ] {
            assert_ne!(
                console.page(path, None).await.status,
                StatusCode::OK,
                "{path}"
            );
            assert_eq!(
                console.page(path, Some(&viewer)).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
            assert_eq!(
                console.page(path, Some(&editor)).await.status,
                StatusCode::OK,
                "{path}"
            );
        }
        let refused = audit_entries(&console).await;
        assert!(refused.iter().any(|e| e.action == Action::Refused
            && e.detail.as_deref()
                == Some("The viewer role may not export profiles (GET /review.csv).")));
    });
}

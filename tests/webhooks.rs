//! Webhooks in (docs/webhooks.md): signed deliveries to `POST /webhooks/anthropic` on a
//! console that requires sign-in, against the emulator over loopback, on SQLite and
//! PostgreSQL. Refusals (tampered, expired, replayed, unsigned), the exemptions (sign-in,
//! CSRF) and nothing more, and the processing: the profile read again into the index and
//! the event in its History.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use common::{on_shared_runtime, TestDatabase, TestEmulator};
use profiles_admin::audit::query::Filter;
use profiles_admin::audit::{Action, Entry, Outcome};
use profiles_admin::auth::setup::configure;
use profiles_admin::auth::AuthMode;
use profiles_admin::config::AuthArgs;
use profiles_admin::hardening::Deployment;
use profiles_admin::profiles::model::ProfileId;
use profiles_admin::webhooks::signature::{sign, Secrets};
use profiles_admin::webhooks::{Receiver, PATH};
use serde_json::{json, Value};
use std::time::Duration;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn key() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(&SECRET[6..])
        .unwrap()
}

struct Console {
    router: Router,
    emulator: TestEmulator,
    data: TestDatabase,
}

impl Console {
    async fn start(data: TestDatabase, secrets: Option<&str>) -> Self {
        let emulator = TestEmulator::start().await;
        let args = AuthArgs {
            mode: Some(AuthMode::Local),
            session_idle: 1800,
            session_lifetime: 3600,
            trusted_proxies: vec![],
            proxy_user_header: "x-forwarded-user".parse().unwrap(),
            proxy_groups_header: "x-forwarded-groups".parse().unwrap(),
            proxy_viewer_group: "support".into(),
            proxy_editor_group: "leads".into(),
            proxy_admin_group: "platform".into(),
            public_origin: None,
        };
        // A console with a key and an account: sign-in is required for everything but
        // the webhook.
        profiles_admin::auth::accounts::Accounts::new(&data.db)
            .add("admin", profiles_admin::auth::Role::Admin, "a long enough password")
            .await
            .unwrap();
        let auth = configure(&args, &data.db, true).await.unwrap();
        let mut router =
            common::console_router_state(emulator.client(), auth, Deployment::default(), &data.db)
                .await;
        router.webhooks = secrets.map(|s| Receiver::new(Secrets::parse(s).unwrap(), &data.db));
        Self {
            router: profiles_admin::router::app(router),
            emulator,
            data,
        }
    }

    async fn post(&self, headers: &[(&str, String)], body: &str) -> (StatusCode, String) {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(PATH)
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let (status, _, body) = common::oneshot(
            &self.router,
            request.body(Body::from(body.to_owned())).unwrap(),
        )
        .await;
        (status, body)
    }

    /// Delivers `body` as Anthropic would: signed now, with this id.
    async fn deliver(&self, id: &str, body: &str) -> (StatusCode, String) {
        self.deliver_at(id, body, now()).await
    }

    async fn deliver_at(&self, id: &str, body: &str, at: i64) -> (StatusCode, String) {
        let signature = sign(&key(), id, at, body.as_bytes());
        self.post(&signed(id, at, signature), body).await
    }

    /// The History of `profile`, newest first.
    async fn history(&self, profile: &str) -> Vec<Entry> {
        let filter = Filter {
            profile_id: Some(ProfileId::parse(profile).unwrap()),
            ..Filter::default()
        };
        self.data
            .audit()
            .page(&filter, None, 50)
            .await
            .unwrap()
            .entries
    }

    /// Waits until the History of `profile` has a webhook entry, then returns them.
    async fn webhook_entries(&self, profile: &str, count: usize) -> Vec<Entry> {
        for _ in 0..500 {
            let entries: Vec<Entry> = self
                .history(profile)
                .await
                .into_iter()
                .filter(|e| e.action == Action::WebhookEvent)
                .collect();
            if entries.len() >= count {
                return entries;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no webhook entry for {profile} after 5 s");
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn signed(id: &str, at: i64, signature: String) -> Vec<(&'static str, String)> {
    vec![
        ("webhook-id", id.to_owned()),
        ("webhook-timestamp", at.to_string()),
        ("webhook-signature", signature),
    ]
}

fn event(id: &str, kind: &str, profile: &str) -> String {
    json!({
        "type": "event", "id": id, "created_at": "2026-11-30T12:00:00Z",
        "data": {"type": kind, "id": profile, "enforcement_action_id": "enac_01x",
                 "organization_id": "00000000-0000-0000-0000-000000000000"}
    })
    .to_string()
}

async fn first_profile(emulator: &TestEmulator) -> String {
    let page: Value = emulator
        .api(reqwest::Method::GET, "/v1/user_profiles?limit=1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["data"][0]["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_signed_event_rereads_the_profile_into_the_index_and_its_history_on_both_databases() {
    on_shared_runtime(async {
        for data in TestDatabase::both().await {
            let console = Console::start(data, Some(SECRET)).await;
            let profile = first_profile(&console.emulator).await;
            console
                .emulator
                .set_grant(&profile, "cyber", "pending")
                .await;
            let index = profiles_admin::index::Index::open(&console.data.db)
                .await
                .unwrap();
            let (status, _) = console
                .deliver(
                    "whe_first",
                    &event("whe_first", "user_profile.program_status_updated", &profile),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            let entries = console.webhook_entries(&profile, 1).await;
            let entry = &entries[0];
            assert_eq!(entry.actor, "Anthropic (webhook)");
            assert_eq!(entry.outcome, Outcome::Succeeded);
            assert!(
                entry.detail.as_deref().unwrap().contains("whe_first"),
                "{:?}",
                entry.detail
            );
            let stored = index.stored(&profile).await.unwrap().unwrap();
            assert_eq!(stored.trust_grants["cyber"].status.label(), "pending");

            // The next event's entry names what changed since.
            console
                .emulator
                .set_grant(&profile, "cyber", "active")
                .await;
            console
                .deliver(
                    "whe_second",
                    &event(
                        "whe_second",
                        "user_profile.program_status_updated",
                        &profile,
                    ),
                )
                .await;
            let entries = console.webhook_entries(&profile, 2).await;
            let change = entries[0]
                .changes
                .iter()
                .find(|c| c.field == "trust_grants.cyber")
                .expect("the grant's change is recorded");
            assert_eq!(
                (change.old.as_deref(), change.new.as_deref()),
                (Some("pending"), Some("active"))
            );
        }
    });
}

#[test]
fn a_replayed_delivery_is_acknowledged_and_not_processed_again() {
    on_shared_runtime(async {
        let console = Console::start(TestDatabase::sqlite().await, Some(SECRET)).await;
        let profile = first_profile(&console.emulator).await;
        let body = event(
            "whe_once",
            "user_profile.enforcement_action_opened",
            &profile,
        );
        assert_eq!(
            console.deliver("whe_once", &body).await,
            (StatusCode::OK, "received".into())
        );
        assert_eq!(
            console.deliver("whe_once", &body).await,
            (StatusCode::OK, "already received".into())
        );
        let entries = console.webhook_entries(&profile, 1).await;
        assert_eq!(entries.len(), 1);
        assert!(entries[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("Enforcement action enac_01x opened"));
    });
}

#[test]
fn unsigned_tampered_expired_and_foreign_deliveries_are_refused() {
    on_shared_runtime(async {
        let console = Console::start(TestDatabase::sqlite().await, Some(SECRET)).await;
        let profile = first_profile(&console.emulator).await;
        let body = event("whe_bad", "user_profile.program_status_updated", &profile);
        let at = now();
        let good = sign(&key(), "whe_bad", at, body.as_bytes());
        type Case = (&'static str, Vec<(&'static str, String)>, String);
        let cases: Vec<Case> = vec![
            ("unsigned", vec![], body.clone()),
            (
                "tampered body",
                signed("whe_bad", at, good.clone()),
                body.replace("program", "pro gram"),
            ),
            (
                "another id",
                signed("whe_other", at, good.clone()),
                body.clone(),
            ),
            (
                "six minutes old",
                signed(
                    "whe_bad",
                    at - 360,
                    sign(&key(), "whe_bad", at - 360, body.as_bytes()),
                ),
                body.clone(),
            ),
            (
                "six minutes ahead",
                signed(
                    "whe_bad",
                    at + 360,
                    sign(&key(), "whe_bad", at + 360, body.as_bytes()),
                ),
                body.clone(),
            ),
            (
                "another secret",
                signed(
                    "whe_bad",
                    at,
                    sign(
                        b"another organization's key",
                        "whe_bad",
                        at,
                        body.as_bytes(),
                    ),
                ),
                body.clone(),
            ),
        ];
        for (what, headers, body) in cases {
            let (status, text) = console.post(&headers, &body).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
            assert!(
                !text.contains(SECRET) && !text.contains(&good[3..]),
                "{what}: {text}"
            );
        }
        // Refused deliveries leave no trace, and their id stays free for the real one.
        assert_eq!(console.deliver("whe_bad", &body).await.0, StatusCode::OK);
        assert_eq!(console.webhook_entries(&profile, 1).await.len(), 1);
    });
}

#[test]
fn the_endpoint_skips_sign_in_and_the_csrf_check_and_nothing_else() {
    on_shared_runtime(async {
        let console = Console::start(TestDatabase::sqlite().await, Some(SECRET)).await;
        let profile = first_profile(&console.emulator).await;
        let body = event("whe_x", "user_profile.program_status_updated", &profile);
        let at = now();
        let mut headers = signed("whe_x", at, sign(&key(), "whe_x", at, body.as_bytes()));
        headers.push(("origin", "https://evil.example".into()));
        headers.push(("sec-fetch-site", "cross-site".into()));
        assert_eq!(console.post(&headers, &body).await.0, StatusCode::OK);
        // Another path with the same headers is still refused as cross-site.
        let request = Request::post("/api/profiles/create")
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            common::oneshot(&console.router, request).await.0,
            StatusCode::FORBIDDEN
        );
        // Only POST: a GET is not a delivery, and behind sign-in like any other page.
        let get = Request::get(PATH).body(Body::empty()).unwrap();
        assert_ne!(
            common::oneshot(&console.router, get).await.0,
            StatusCode::OK
        );
        // The body limit holds.
        let huge = "x".repeat(3 << 20);
        assert_eq!(
            console.post(&[], &huge).await.0,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        // A flood is cut off before any work.
        let mut limited = false;
        for _ in 0..150 {
            if console.post(&[], "{}").await.0 == StatusCode::TOO_MANY_REQUESTS {
                limited = true;
                break;
            }
        }
        assert!(limited, "the rate limit answers 429");
    });
}

#[test]
fn without_a_secret_there_is_no_endpoint_and_unknown_events_are_acknowledged() {
    on_shared_runtime(async {
        let off = Console::start(TestDatabase::sqlite().await, None).await;
        let body = event(
            "whe_off",
            "user_profile.program_status_updated",
            "uprof_01x",
        );
        assert_eq!(off.deliver("whe_off", &body).await.0, StatusCode::NOT_FOUND);

        let on = Console::start(TestDatabase::sqlite().await, Some(SECRET)).await;
        let other = json!({"type": "event", "id": "whe_k", "created_at": "2026-11-30T12:00:00Z",
            "data": {"type": "external_key.failed", "id": "ek_1"}})
        .to_string();
        assert_eq!(
            on.deliver("whe_k", &other).await,
            (StatusCode::OK, "received".into())
        );
        let garbage = "{\"not\": \"an event\"}";
        assert_eq!(
            on.deliver("whe_g", garbage).await.0,
            StatusCode::BAD_REQUEST
        );
    });
}

#[test]
fn an_event_for_a_deleted_profile_marks_it_gone_in_the_index() {
    on_shared_runtime(async {
        let console = Console::start(TestDatabase::sqlite().await, Some(SECRET)).await;
        let profile = first_profile(&console.emulator).await;
        let index = profiles_admin::index::Index::open(&console.data.db)
            .await
            .unwrap();
        console
            .deliver(
                "whe_a",
                &event("whe_a", "user_profile.program_status_updated", &profile),
            )
            .await;
        console.webhook_entries(&profile, 1).await;
        assert!(index.knows(&profile).await.unwrap());
        let deleted = console
            .emulator
            .api(
                reqwest::Method::DELETE,
                &format!("/v1/user_profiles/{profile}"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 200);
        console
            .deliver(
                "whe_b",
                &event(
                    "whe_b",
                    "user_profile.enforcement_action_resolved",
                    &profile,
                ),
            )
            .await;
        let entries = console.webhook_entries(&profile, 2).await;
        assert!(entries[0]
            .detail
            .as_deref()
            .unwrap()
            .ends_with("the profile no longer exists"));
        assert!(!index.knows(&profile).await.unwrap());
    });
}

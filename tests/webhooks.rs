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
        Self::start_with(TestEmulator::start().await, data, secrets).await
    }

    async fn start_with(emulator: TestEmulator, data: TestDatabase, secrets: Option<&str>) -> Self {
        let args = common::auth_args(AuthMode::Local);
        // A console with a key and an account: sign-in is required for everything but
        // the webhook.
        profiles_admin::auth::accounts::Accounts::new(&data.db)
            .add(
                "admin",
                profiles_admin::auth::Role::Admin,
                "a long enough password",
            )
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

#[test]
fn a_signed_event_rereads_the_profile_into_the_index_and_its_history_on_both_databases() {
    on_shared_runtime(async {
        for data in TestDatabase::both().await {
            let console = Console::start(data, Some(SECRET)).await;
            let profile = console.emulator.first_profile_id().await;
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
        let profile = console.emulator.first_profile_id().await;
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
        let profile = console.emulator.first_profile_id().await;
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
        let profile = console.emulator.first_profile_id().await;
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
fn a_flood_of_unsigned_posts_never_refuses_a_signed_delivery() {
    on_shared_runtime(async {
        let console = Console::start(TestDatabase::sqlite().await, Some(SECRET)).await;
        let profile = console.emulator.first_profile_id().await;
        let mut limited = 0;
        for n in 0..400 {
            let forged = signed("whe_forged", now(), format!("v1,{n}"));
            let (status, _) = console.post(&forged, "{}").await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                limited += 1;
            } else {
                assert_eq!(status, StatusCode::UNAUTHORIZED);
            }
        }
        assert!(
            limited > 0,
            "forged posts stay bounded: none of 400 was limited"
        );
        let body = event("whe_real", "user_profile.program_status_updated", &profile);
        assert_eq!(
            console.deliver("whe_real", &body).await,
            (StatusCode::OK, "received".into()),
            "Anthropic's delivery is taken in whatever came before it"
        );
        assert_eq!(console.webhook_entries(&profile, 1).await.len(), 1);
    });
}

#[test]
fn a_signed_delivery_whose_fields_break_their_form_is_refused_and_never_recorded() {
    on_shared_runtime(async {
        let console = Console::start(TestDatabase::sqlite().await, Some(SECRET)).await;
        let profile = console.emulator.first_profile_id().await;
        let kind = "user_profile.enforcement_action_opened";
        let huge = "a".repeat(60_000);
        let with = |id: &str, action: &str| {
            json!({"type": "event", "id": id, "created_at": "2026-11-30T12:00:00Z",
                "data": {"type": kind, "id": profile, "enforcement_action_id": action,
                         "organization_id": "o"}})
            .to_string()
        };
        let cases = [
            (
                "a 60,000-character event id",
                "whe_ok1",
                with(&format!("whe_{huge}"), "enac_1"),
            ),
            (
                "markup in the event id",
                "whe_ok2",
                with("whe_<img src=x>", "enac_1"),
            ),
            (
                "a newline in the action id",
                "whe_ok3",
                with("whe_3", "enac_1\nforged line"),
            ),
            (
                "a 60,000-character action id",
                "whe_ok4",
                with("whe_4", &format!("enac_{huge}")),
            ),
            ("an empty webhook-id", "", with("whe_5", "enac_1")),
            (
                "a 200-character webhook-id",
                &*"w".repeat(200),
                with("whe_6", "enac_1"),
            ),
        ];
        for (what, webhook_id, body) in &cases {
            let (status, text) = console.deliver(webhook_id, body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {text}");
            assert!(
                text.len() < 200,
                "{what}: the refusal repeats nothing: {text}"
            );
        }
        // The same delivery with every field in form goes through, and is the only entry.
        let (status, _) = console
            .deliver("whe_fine", &with("whe_fine", "enac_01b"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let entries = console.webhook_entries(&profile, 1).await;
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert!(entries[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("Enforcement action enac_01b opened"));
    });
}

#[test]
fn a_refused_re_read_is_recorded_in_the_consoles_words_with_the_request_id() {
    on_shared_runtime(async {
        let console = Console::start(TestDatabase::sqlite().await, Some(SECRET)).await;
        let profile = console.emulator.first_profile_id().await;
        let upstream = "request: invalid x-api-key: [redacted]";
        console
            .emulator
            .faults(
                json!({"sequence": [{"kind": "answer", "status": 400, "body": {
                "type": "error", "request_id": "req_0123456789abcdefghijklmn",
                "error": {"type": "invalid_request_error", "message": upstream}}}]}),
            )
            .await;
        let body = event(
            "whe_refused",
            "user_profile.program_status_updated",
            &profile,
        );
        assert_eq!(
            console.deliver("whe_refused", &body).await.0,
            StatusCode::OK
        );
        let entries = console.webhook_entries(&profile, 1).await;
        let entry = &entries[0];
        assert_eq!(entry.outcome, Outcome::Failed);
        let detail = entry.detail.as_deref().unwrap();
        assert!(
            detail.ends_with(
                "reading the profile failed: the User Profiles API refused the request."
            ),
            "{detail}"
        );
        assert!(!detail.contains("x-api-key"), "{detail}");
        assert!(
            entry
                .upstream_request_id
                .as_deref()
                .is_some_and(|id| id.starts_with("req_")),
            "{entry:?}"
        );
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
        let profile = console.emulator.first_profile_id().await;
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

// ---- the emulator's organization webhooks ------------------------------------------------

const WEBHOOKS_BETA: &str = "webhooks-2026-10-07";

async fn admin(
    emulator: &TestEmulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = emulator
        .api_as(
            profiles_admin::profiles::model::ApiVersion::Ga,
            method,
            path,
        )
        .header("anthropic-beta", WEBHOOKS_BETA);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

const PROFILE_EVENTS: [&str; 3] = [
    "user_profile.program_status_updated",
    "user_profile.enforcement_action_opened",
    "user_profile.enforcement_action_resolved",
];

#[tokio::test]
async fn the_emulator_registers_endpoints_as_the_admin_api_does() {
    let emulator = TestEmulator::start().await;
    let path = "/v1/organizations/webhooks";
    // Without the beta value the API does not exist.
    let bare = emulator
        .api_as(
            profiles_admin::profiles::model::ApiVersion::Ga,
            reqwest::Method::GET,
            path,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 404);
    let (status, created) = admin(
        &emulator,
        reqwest::Method::POST,
        path,
        Some(json!({"url": "https://console.example/webhooks/anthropic", "enabled_events": PROFILE_EVENTS, "name": "console"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let secret = created["signing_secret"].as_str().unwrap().to_owned();
    assert!(Secrets::parse(&secret).is_ok(), "a whsec_ secret");
    assert_eq!(created["state"], "enabled");
    assert_eq!(
        (
            created["description"].as_str(),
            created["disabled_reason"].as_str()
        ),
        (Some(""), Some(""))
    );
    let id = created["id"].as_str().unwrap().to_owned();
    let one = format!("{path}/{id}");
    let (_, fetched) = admin(&emulator, reqwest::Method::GET, &one, None).await;
    assert!(
        fetched.get("signing_secret").is_none(),
        "shown only when created"
    );
    // Exactly the endpoint object's fields: unlike most objects it has no `type`.
    let mut fields: Vec<&str> = fetched
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "created_at",
            "description",
            "disabled_reason",
            "enabled_events",
            "id",
            "name",
            "state",
            "updated_at",
            "url"
        ]
    );
    for bad in [
        json!({"url": "http://console.example/hook", "enabled_events": PROFILE_EVENTS}),
        json!({"url": "https://console.example/hook", "enabled_events": []}),
        json!({"url": "https://console.example/hook", "enabled_events": ["user_profile.deleted"]}),
        json!({"url": "https://console.example/hook", "enabled_events": PROFILE_EVENTS, "secret": "mine"}),
    ] {
        assert_eq!(
            admin(&emulator, reqwest::Method::POST, path, Some(bad.clone()))
                .await
                .0,
            400,
            "{bad}"
        );
    }
    // Update: an empty event list leaves the set; disabling is by state.
    let (_, updated) = admin(
        &emulator,
        reqwest::Method::POST,
        &one,
        Some(json!({"enabled_events": [], "state": "disabled", "name": "renamed"})),
    )
    .await;
    assert_eq!(updated["enabled_events"], json!(PROFILE_EVENTS));
    assert_eq!(
        (updated["state"].as_str(), updated["name"].as_str()),
        (Some("disabled"), Some("renamed"))
    );
    // Anthropic may disable an endpoint, saying why; enabling it again clears the reason.
    let (_, disabled) = emulator
        .hook(
            reqwest::Method::PUT,
            &format!("/_emulator/webhooks/{id}/disable"),
            json!({"reason": "Deliveries failed for 3 days"}),
        )
        .await;
    assert_eq!(
        (
            disabled["state"].as_str(),
            disabled["disabled_reason"].as_str()
        ),
        (Some("disabled"), Some("Deliveries failed for 3 days"))
    );
    let (_, enabled) = admin(
        &emulator,
        reqwest::Method::POST,
        &one,
        Some(json!({"state": "enabled"})),
    )
    .await;
    assert_eq!(
        (
            enabled["state"].as_str(),
            enabled["disabled_reason"].as_str()
        ),
        (Some("enabled"), Some(""))
    );
    let (_, fresh) = admin(
        &emulator,
        reqwest::Method::POST,
        &format!("{one}/regenerate_signing_secret"),
        None,
    )
    .await;
    assert_ne!(fresh["signing_secret"].as_str().unwrap(), secret);
    // Pages of the Admin API's shape, up to the limit of 32.
    for n in 1..32 {
        let (status, _) = admin(&emulator, reqwest::Method::POST, path, Some(json!({"url": format!("https://e{n}.example/h"), "enabled_events": ["external_key.failed"]}))).await;
        assert_eq!(status, 200);
    }
    let (status, _) = admin(
        &emulator,
        reqwest::Method::POST,
        path,
        Some(json!({"url": "https://e33.example/h", "enabled_events": ["external_key.failed"]})),
    )
    .await;
    assert_eq!(status, 400, "at most 32");
    let mut seen = Vec::new();
    let mut query = "limit=10".to_owned();
    loop {
        let (_, page) = admin(
            &emulator,
            reqwest::Method::GET,
            &format!("{path}?{query}"),
            None,
        )
        .await;
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned()),
        );
        if page["has_more"] != true {
            break;
        }
        query = format!("limit=10&after_id={}", page["last_id"].as_str().unwrap());
    }
    assert_eq!(seen.len(), 32);
    assert_eq!(
        seen.iter().collect::<std::collections::HashSet<_>>().len(),
        32
    );
    assert_eq!(
        seen.last().unwrap(),
        &id,
        "newest first: the first one comes last"
    );
    let (status, deleted) = admin(&emulator, reqwest::Method::DELETE, &one, None).await;
    assert_eq!(
        (status, deleted),
        (200, json!({"id": id, "type": "webhook_endpoint_deleted"}))
    );
    assert_eq!(
        admin(&emulator, reqwest::Method::GET, &one, None).await.0,
        404
    );
}

#[test]
fn the_emulator_delivers_signed_events_that_the_console_takes_in_end_to_end() {
    on_shared_runtime(async {
        let emulator = TestEmulator::start().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}{PATH}", listener.local_addr().unwrap());
        let (_, created) = admin(
            &emulator,
            reqwest::Method::POST,
            "/v1/organizations/webhooks",
            Some(json!({"url": url, "enabled_events": PROFILE_EVENTS})),
        )
        .await;
        let secret = created["signing_secret"].as_str().unwrap().to_owned();
        let console =
            Console::start_with(emulator, TestDatabase::sqlite().await, Some(&secret)).await;
        let router = console.router.clone();
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let profile = console.emulator.first_profile_id().await;
        let hooks = format!("/_emulator/profiles/{profile}");
        let (_, opened) = console
            .emulator
            .hook(
                reqwest::Method::POST,
                &format!("{hooks}/enforcement_actions"),
                json!({"kind": "restriction", "reason": "high_harm", "verify": true}),
            )
            .await;
        let action = opened["enforcement_actions"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let entries = console.webhook_entries(&profile, 1).await;
        assert_eq!(
            entries[0].detail.as_deref().unwrap().split(" (").next(),
            Some(format!("Enforcement action {action} opened").as_str())
        );
        console
            .emulator
            .hook(
                reqwest::Method::DELETE,
                &format!("{hooks}/enforcement_actions/{action}"),
                json!({}),
            )
            .await;
        console
            .emulator
            .set_grant(&profile, "cyber", "rejected")
            .await;
        let entries = console.webhook_entries(&profile, 3).await;
        let details: Vec<&str> = entries
            .iter()
            .map(|e| e.detail.as_deref().unwrap())
            .collect();
        assert!(
            details
                .iter()
                .any(|d| d.starts_with(&format!("Enforcement action {action} resolved"))),
            "{details:?}"
        );
        assert!(
            details
                .iter()
                .any(|d| d.starts_with("A program status changed")),
            "{details:?}"
        );
    });
}

#[tokio::test]
async fn a_delivery_is_retried_after_a_5xx_with_the_same_id_and_never_after_a_4xx() {
    use std::sync::{Arc, Mutex};
    // A receiver that answers each path's statuses in turn and notes each delivery's id.
    type Seen = Arc<Mutex<Vec<(String, String)>>>;
    let seen: Seen = Arc::default();
    let answers = |statuses: &'static [u16]| {
        let seen = seen.clone();
        let count = Arc::new(Mutex::new(0usize));
        move |uri: axum::http::Uri, headers: axum::http::HeaderMap| {
            let seen = seen.clone();
            let count = count.clone();
            async move {
                let id = headers["webhook-id"].to_str().unwrap().to_owned();
                seen.lock().unwrap().push((uri.path().to_owned(), id));
                let mut n = count.lock().unwrap();
                let status = statuses[(*n).min(statuses.len() - 1)];
                *n += 1;
                StatusCode::from_u16(status).unwrap()
            }
        }
    };
    let receiver = Router::new()
        .route("/flaky", axum::routing::post(answers(&[503, 500, 200])))
        .route("/refusing", axum::routing::post(answers(&[400, 200])));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });

    let emulator = TestEmulator::start().await;
    for path in ["/flaky", "/refusing"] {
        let (status, _) = admin(
            &emulator,
            reqwest::Method::POST,
            "/v1/organizations/webhooks",
            Some(json!({"url": format!("{base}{path}"), "enabled_events": PROFILE_EVENTS})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let profile = emulator.first_profile_id().await;
    emulator
        .hook(
            reqwest::Method::POST,
            &format!("/_emulator/profiles/{profile}/enforcement_actions"),
            json!({"kind": "ban", "reason": "fraud_or_abuse"}),
        )
        .await;
    // Three attempts at /flaky (two failures, then success), one at /refusing.
    for _ in 0..300 {
        if seen.lock().unwrap().len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let seen = seen.lock().unwrap().clone();
    let at = |path: &str| {
        seen.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, id)| id.clone())
            .collect::<Vec<_>>()
    };
    let flaky = at("/flaky");
    assert_eq!(flaky.len(), 3, "{seen:?}");
    assert!(flaky
        .iter()
        .all(|id| id == &flaky[0] && id.starts_with("whe_")));
    assert_eq!(
        at("/refusing"),
        [flaky[0].clone()],
        "one event, one id everywhere; no retry after a 4xx"
    );
}

//! The upstream client against the emulator over real loopback HTTP: every endpoint, every
//! error kind, and the retry policy under injected faults, with exact attempt counts.

mod common;

use common::{valid_new, valid_update, TestEmulator};
use profiles_admin::emulator::seed::SEED_COUNT;
use profiles_admin::profiles::model::{
    ApiVersion, Field, GrantStatus, Lenient, ListQuery, NewProfileInput, Order, PageCursor,
    PageSize, ProfileId, ProfileUpdateInput, Relationship,
};
use profiles_admin::upstream::{ErrorKind, UpstreamError};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

fn query(limit: u32, order: Order, page: Option<&str>) -> ListQuery {
    ListQuery {
        limit: PageSize::new(limit).unwrap(),
        order,
        page: page.map(|p| PageCursor::parse(p).unwrap()),
        enforcement: None,
    }
}

async fn first_id(emulator: &TestEmulator) -> ProfileId {
    let page = emulator
        .client()
        .list(&query(1, Order::Desc, None))
        .await
        .unwrap();
    page.value.data[0].id.clone()
}

// ---- endpoints ---------------------------------------------------------------------------

#[tokio::test]
async fn list_pages_through_every_profile_in_both_orders_without_gaps_or_duplicates() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    for order in [Order::Asc, Order::Desc] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = client
                .list(&query(7, order, cursor.as_deref()))
                .await
                .unwrap()
                .value;
            assert!(!page.data.is_empty(), "a page with a cursor is never empty");
            pages += 1;
            seen.extend(page.data);
            match page.next_page {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(pages, SEED_COUNT.div_ceil(7));
        assert_eq!(seen.len(), SEED_COUNT);
        let unique: HashSet<_> = seen.iter().map(|p| p.id.clone()).collect();
        assert_eq!(unique.len(), SEED_COUNT);
        let ordered = seen.windows(2).all(|w| match order {
            Order::Asc => w[0].created_at <= w[1].created_at,
            Order::Desc => w[0].created_at >= w[1].created_at,
        });
        assert!(ordered, "{order:?}");
    }
}

#[tokio::test]
async fn a_full_last_page_has_no_cursor_thanks_to_look_ahead() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    let one = client
        .list(&query(100, Order::Desc, None))
        .await
        .unwrap()
        .value;
    let two = client
        .list(&query(50, Order::Desc, one.next_page.as_deref()))
        .await
        .unwrap()
        .value;
    assert_eq!(two.data.len(), 50);
    assert_eq!(two.next_page, None, "150 = 100 + 50: no empty third page");
}

/// A body the client sends, parsed from its input form as the console parses what it
/// sends.

#[tokio::test]
async fn create_returns_the_new_profile_and_get_reads_it_back() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    let long = "値".repeat(512);
    let created = client
        .create(&valid_new(NewProfileInput {
            external_id: Some("user_12345".into()),
            name: Some("Zoë <b>Ünïcode</b>".into()),
            relationship: None,
            metadata: BTreeMap::from([
                ("plan".into(), "pro".into()),
                ("notes".into(), long.clone()),
            ]),
            ..Default::default()
        }))
        .await
        .unwrap();
    let p = created.value;
    assert!(created.request_id.unwrap().starts_with("req_"));
    assert!(p.id.as_str().starts_with("uprof_01") && p.id.as_str().len() == 30);
    assert_eq!(p.created_at, p.updated_at);
    assert_eq!(
        p.relationship,
        Some(Lenient::Known(Relationship::External)),
        "default relationship"
    );
    assert!(p.trust_grants.is_empty());
    assert_eq!(p.metadata["notes"], long);

    let fetched = client.get(&p.id).await.unwrap().value;
    assert_eq!(fetched, p);
    let newest = client
        .list(&query(1, Order::Desc, None))
        .await
        .unwrap()
        .value;
    assert_eq!(newest.data[0].id, p.id);
}

#[tokio::test]
async fn empty_create_is_valid() {
    let emulator = TestEmulator::start().await;
    let p = emulator
        .client()
        .create(&valid_new(NewProfileInput::default()))
        .await
        .unwrap()
        .value;
    assert_eq!((p.name.as_deref(), p.external_id()), (None, None));
}

#[tokio::test]
async fn update_leaves_absent_fields_clears_null_ones_and_merges_metadata() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    let p = client
        .create(&valid_new(NewProfileInput {
            external_id: Some("acme-1".into()),
            name: Some("Acme".into()),
            relationship: Some(Relationship::Resold),
            metadata: BTreeMap::from([
                ("plan".into(), "pro".into()),
                ("region".into(), "eu".into()),
            ]),
            ..Default::default()
        }))
        .await
        .unwrap()
        .value;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let updated = client
        .update(
            &p.id,
            &valid_update(ProfileUpdateInput {
                external_id: Field::Null,
                name: Field::Absent,
                relationship: Field::Null,
                metadata: Some(BTreeMap::from([
                    ("plan".into(), "".into()),
                    ("tier".into(), "gold".into()),
                    ("never-there".into(), "".into()),
                ])),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(updated.external_id(), None, "null clears");
    assert_eq!(updated.name.as_deref(), Some("Acme"), "absent leaves");
    assert_eq!(
        updated.relationship,
        Some(Lenient::Known(Relationship::Resold)),
        "null relationship leaves (docs/api-contract.md, judgement 4)"
    );
    assert_eq!(
        updated.metadata,
        BTreeMap::from([
            ("region".into(), "eu".into()),
            ("tier".into(), "gold".into())
        ])
    );
    assert_eq!(updated.created_at, p.created_at);
    assert!(updated.updated_at > p.updated_at);
    assert_eq!(client.get(&p.id).await.unwrap().value, updated);
}

#[tokio::test]
async fn enrollment_url_is_https_valid_for_fifteen_minutes_and_changes_no_grant() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    let id = first_id(&emulator).await;
    let before = client.get(&id).await.unwrap().value;
    let started = OffsetDateTime::now_utc();
    let first = client.enrollment_url(&id).await.unwrap().value;
    let second = client.enrollment_url(&id).await.unwrap().value;
    assert!(first
        .url
        .starts_with("https://platform.claude.com/user-profiles/enrollment/"));
    assert_ne!(first.url, second.url, "every call mints a new URL");
    let validity = first.expires_at - started;
    assert!(
        validity > time::Duration::minutes(14)
            && validity <= time::Duration::minutes(15) + time::Duration::seconds(1)
    );
    assert_eq!(client.get(&id).await.unwrap().value, before);
}

#[tokio::test]
async fn trust_grant_hook_sets_status_and_bumps_updated_at() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    let p = client
        .create(&valid_new(NewProfileInput::default()))
        .await
        .unwrap()
        .value;
    tokio::time::sleep(Duration::from_millis(5)).await;
    emulator.set_grant(p.id.as_str(), "cyber", "pending").await;
    let after = client.get(&p.id).await.unwrap().value;
    assert_eq!(
        after.trust_grants["cyber"].status,
        Lenient::Known(GrantStatus::Pending)
    );
    assert!(after.updated_at > p.updated_at);
}

#[tokio::test]
async fn the_client_sends_the_contract_headers_to_the_exact_path() {
    let emulator = TestEmulator::start_with_key(Some("sk-ant-test-key")).await;
    let client = emulator.client_with(|c| c.api_key = Some("sk-ant-test-key".into()));
    let id = ProfileId::parse("uprof_011CZkZCu8hGbp5mYRQgUmz9").unwrap();
    let err = client.get(&id).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    let seen = emulator.seen().await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(
        seen[0].uri,
        "/v1/user_profiles/uprof_011CZkZCu8hGbp5mYRQgUmz9"
    );
    assert_eq!(
        seen[0].anthropic_beta.as_deref(),
        Some("user-profiles-2026-03-24")
    );
    assert_eq!(seen[0].anthropic_version.as_deref(), Some("2023-06-01"));
    assert!(seen[0].has_x_api_key && !seen[0].has_authorization);
}

#[tokio::test]
async fn writes_survive_a_restart_of_the_emulator() {
    let emulator = TestEmulator::start().await;
    let p = emulator
        .client()
        .create(&valid_new(NewProfileInput {
            name: Some("Durable".into()),
            ..Default::default()
        }))
        .await
        .unwrap()
        .value;
    let reopened =
        profiles_admin::emulator::Emulator::open(profiles_admin::emulator::EmulatorConfig {
            data_dir: emulator.dir.path().to_owned(),
            api_key: None,
            test_hooks: false,
            seed: 0,
        })
        .await
        .unwrap();
    let addr = reopened.spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
    let client =
        profiles_admin::upstream::Client::new(profiles_admin::upstream::UpstreamConfig::new(
            format!("http://{addr}").parse().unwrap(),
            ApiVersion::Beta20260324,
            None,
        ))
        .unwrap();
    assert_eq!(client.get(&p.id).await.unwrap().value, p);
}

// ---- error kinds -------------------------------------------------------------------------

#[tokio::test]
async fn unknown_ids_are_not_found_with_a_request_id() {
    let emulator = TestEmulator::start().await;
    let err = emulator
        .client()
        .get(&ProfileId::parse("uprof_01nope").unwrap())
        .await
        .unwrap_err();
    assert_eq!((err.kind, err.status), (ErrorKind::NotFound, Some(404)));
    assert!(err.request_id.unwrap().starts_with("req_"));
    assert!(err.message.contains("uprof_01nope"));
}

#[tokio::test]
async fn invalid_input_is_a_400_that_names_the_field_and_changes_nothing() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    // The console's types cannot hold such a body, so it goes raw; the emulator must
    // refuse it all the same (docs/api-contract.md §9).
    let too_long = emulator
        .api(reqwest::Method::POST, "/v1/user_profiles")
        .json(&json!({"metadata": {"k": "v".repeat(513)}}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_long.status(), 400);
    let body: Value = too_long.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("metadata.k: value must be at most 512"),
        "{message}"
    );

    let resold = valid_new(NewProfileInput {
        relationship: Some(Relationship::Resold),
        ..Default::default()
    });
    assert!(client
        .create(&resold)
        .await
        .unwrap_err()
        .message
        .starts_with("name:"));

    let full = client
        .create(&valid_new(NewProfileInput {
            metadata: (0..16).map(|i| (format!("k{i}"), "v".into())).collect(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .value;
    let err = client
        .update(
            &full.id,
            &valid_update(ProfileUpdateInput {
                name: Field::Value("would be lost".into()),
                metadata: Some(BTreeMap::from([("k16".into(), "v".into())])),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(err.message.contains("17 keys"), "{}", err.message);
    assert_eq!(
        client.get(&full.id).await.unwrap().value,
        full,
        "atomic: nothing applied"
    );
}

#[tokio::test]
async fn a_wrong_key_is_an_authentication_error_that_never_echoes_the_key() {
    let emulator = TestEmulator::start_with_key(Some("sk-ant-right")).await;
    let client = emulator.client_with(|c| c.api_key = Some("sk-ant-wrong-CANARY".into()));
    let err = client.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(
        (err.kind, err.status),
        (ErrorKind::Authentication, Some(401))
    );
    assert!(!format!("{err:?}").contains("CANARY"));
    assert_eq!(emulator.seen().await.len(), 1, "401 is not retried");
}

#[tokio::test]
async fn every_injected_status_maps_to_its_kind() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client_with(|c| c.retry.max_retries = 0);
    let cases = [
        (400, ErrorKind::InvalidRequest),
        (403, ErrorKind::Permission),
        (408, ErrorKind::RequestTimeout),
        (409, ErrorKind::Conflict),
        (413, ErrorKind::TooLarge),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::Server),
        (503, ErrorKind::Server),
        (529, ErrorKind::Overloaded),
    ];
    for (status, kind) in cases {
        emulator
            .faults(json!({"sequence": [{"kind": "status", "status": status}]}))
            .await;
        let err = client.list(&ListQuery::default()).await.unwrap_err();
        assert_eq!((err.kind, err.status), (kind, Some(status)));
        assert_eq!(err.message, "Injected fault");
        assert!(err.request_id.is_some());
    }
}

#[tokio::test]
async fn added_latency_delays_every_request_until_cleared() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    emulator.faults(json!({"latency_ms": 300})).await;
    for _ in 0..2 {
        let started = Instant::now();
        client.list(&query(1, Order::Desc, None)).await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{:?}",
            started.elapsed()
        );
    }
    emulator.faults(json!({})).await;
    let started = Instant::now();
    client.list(&query(1, Order::Desc, None)).await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn malformed_json_is_an_unreadable_answer_and_not_retried() {
    let emulator = TestEmulator::start().await;
    emulator
        .faults(json!({"sequence": [{"kind": "malformed"}]}))
        .await;
    let err = emulator
        .client()
        .list(&ListQuery::default())
        .await
        .unwrap_err();
    assert_eq!((err.kind, err.status), (ErrorKind::Unreadable, Some(200)));
    assert_eq!(emulator.seen().await.len(), 1);
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let emulator = TestEmulator::start().await;
    let elsewhere = TestEmulator::start().await;
    let location = elsewhere.url("/v1/user_profiles");
    emulator
        .faults(json!({"sequence": [{"kind": "status", "status": 302, "headers": {"location": location}}]}))
        .await;
    let client = emulator.client_with(|c| c.api_key = Some("sk-ant-must-not-travel".into()));
    let err = client.list(&ListQuery::default()).await.unwrap_err();
    assert_eq!(
        (err.kind, err.status),
        (ErrorKind::InvalidResponse, Some(302))
    );
    assert!(
        elsewhere.seen().await.is_empty(),
        "the key went nowhere else"
    );
}

// ---- retries -----------------------------------------------------------------------------

#[tokio::test]
async fn overloaded_twice_then_ok_honours_retry_after_ms() {
    let emulator = TestEmulator::start().await;
    let step = json!({"kind": "status", "status": 529, "headers": {"retry-after-ms": "200"}});
    emulator.faults(json!({"sequence": [step, step]})).await;
    let started = Instant::now();
    let page = emulator.client().list(&ListQuery::default()).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(page.value.data.len(), 20);
    assert_eq!(emulator.seen().await.len(), 3);
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(1500),
        "the header, not backoff: {elapsed:?}"
    );
}

#[tokio::test]
async fn rate_limited_honours_retry_after_seconds() {
    let emulator = TestEmulator::start().await;
    emulator
        .faults(json!({"sequence": [{"kind": "status", "status": 429, "headers": {"retry-after": "1"}}]}))
        .await;
    let started = Instant::now();
    emulator.client().list(&ListQuery::default()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(emulator.seen().await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_falls_back_to_backoff() {
    let emulator = TestEmulator::start().await;
    emulator
        .faults(json!({"sequence": [{"kind": "status", "status": 503, "headers": {"retry-after": "30"}}]}))
        .await;
    let started = Instant::now();
    let client = emulator.client_with(|c| c.retry.retry_after_cap = Duration::from_secs(1));
    client.list(&ListQuery::default()).await.unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(375) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn persistent_failure_makes_exactly_three_attempts_with_backoff() {
    let emulator = TestEmulator::start().await;
    let step = json!({"kind": "status", "status": 503});
    emulator
        .faults(json!({"sequence": [step, step, step, step, step]}))
        .await;
    let started = Instant::now();
    let err = emulator
        .client()
        .list(&ListQuery::default())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind, ErrorKind::Server);
    assert_eq!(emulator.seen().await.len(), 3);
    // 0.375–0.5 s, then 0.75–1 s.
    assert!(
        elapsed >= Duration::from_millis(1125) && elapsed < Duration::from_millis(2500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn x_should_retry_overrides_the_status_both_ways() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    emulator
        .faults(json!({"sequence": [{"kind": "status", "status": 500, "headers": {"x-should-retry": "false"}}]}))
        .await;
    assert_eq!(
        client.list(&ListQuery::default()).await.unwrap_err().kind,
        ErrorKind::Server
    );
    assert_eq!(emulator.seen().await.len(), 1);

    emulator.forget_requests().await;
    emulator
        .faults(json!({"sequence": [{"kind": "status", "status": 400, "headers": {"x-should-retry": "true", "retry-after-ms": "10"}}]}))
        .await;
    assert!(client.list(&ListQuery::default()).await.is_ok());
    assert_eq!(emulator.seen().await.len(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client();
    client
        .get(&ProfileId::parse("uprof_01missing").unwrap())
        .await
        .unwrap_err();
    client
        .create(&valid_new(NewProfileInput {
            relationship: Some(Relationship::Resold),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(emulator.seen().await.len(), 2);
}

#[tokio::test]
async fn max_retries_zero_makes_one_attempt() {
    let emulator = TestEmulator::start().await;
    emulator
        .faults(json!({"sequence": [{"kind": "status", "status": 529}]}))
        .await;
    let client = emulator.client_with(|c| c.retry.max_retries = 0);
    assert_eq!(
        client.list(&ListQuery::default()).await.unwrap_err().kind,
        ErrorKind::Overloaded
    );
    assert_eq!(emulator.seen().await.len(), 1);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_reads() {
    let emulator = TestEmulator::start().await;
    let id = first_id(&emulator).await;
    emulator.forget_requests().await;
    emulator
        .faults(json!({"sequence": [{"kind": "drop"}]}))
        .await;
    assert_eq!(emulator.client().get(&id).await.unwrap().value.id, id);
    assert_eq!(emulator.seen().await.len(), 2);
}

#[tokio::test]
async fn a_create_is_never_retried_after_a_dropped_connection() {
    let emulator = TestEmulator::start().await;
    emulator
        .faults(json!({"sequence": [{"kind": "drop"}]}))
        .await;
    let err = emulator
        .client()
        .create(&valid_new(NewProfileInput::default()))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Dropped);
    assert_eq!(emulator.seen().await.len(), 1);
}

#[tokio::test]
async fn a_reply_lost_after_the_create_leaves_the_profile_made_and_the_client_unsure() {
    let emulator = TestEmulator::start().await;
    let before = emulator
        .client()
        .list(&query(100, Order::Desc, None))
        .await
        .unwrap();
    emulator.forget_requests().await;
    emulator
        .faults(json!({"sequence": [{"kind": "apply_then_drop"}]}))
        .await;
    let err = emulator
        .client()
        .create(&valid_new(NewProfileInput {
            external_id: Some("lost-reply-1".into()),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Dropped);
    assert_eq!(
        emulator.seen().await.len(),
        1,
        "a create is never sent twice"
    );
    let after = emulator
        .client()
        .list(&query(100, Order::Desc, None))
        .await
        .unwrap();
    let made: Vec<_> = after
        .value
        .data
        .iter()
        .filter(|p| !before.value.data.iter().any(|b| b.id == p.id))
        .collect();
    assert_eq!(
        made.len(),
        1,
        "the emulator kept the create it did not answer"
    );
    assert_eq!(made[0].external_id(), Some("lost-reply-1"));
}

#[tokio::test]
async fn a_create_is_never_retried_after_a_timeout_but_a_read_is() {
    let emulator = TestEmulator::start().await;
    let client = emulator.client_with(|c| c.attempt_timeout = Duration::from_millis(300));
    emulator
        .faults(json!({"sequence": [{"kind": "delay", "ms": 1000}]}))
        .await;
    let err = client
        .create(&valid_new(NewProfileInput::default()))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert_eq!(emulator.seen().await.len(), 1);

    emulator.forget_requests().await;
    emulator
        .faults(json!({"sequence": [{"kind": "delay", "ms": 1000}]}))
        .await;
    assert!(client.list(&ListQuery::default()).await.is_ok());
    assert_eq!(emulator.seen().await.len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_create_since_nothing_was_sent() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let client =
        profiles_admin::upstream::Client::new(profiles_admin::upstream::UpstreamConfig::new(
            format!("http://127.0.0.1:{port}").parse().unwrap(),
            ApiVersion::Beta20260324,
            None,
        ))
        .unwrap();
    let started = Instant::now();
    let err = client
        .create(&valid_new(NewProfileInput::default()))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Connect);
    assert!(
        started.elapsed() >= Duration::from_millis(1125),
        "two backoffs: {:?}",
        started.elapsed()
    );
}

// ---- the emulator's own contract rules (raw HTTP) ----------------------------------------

async fn error_of(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let header_id = response.headers()["request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(
        body["request_id"],
        header_id.as_str(),
        "header and body carry the same id"
    );
    assert_eq!(header_id.len(), 28);
    (
        status,
        body["error"]["type"].as_str().unwrap().to_owned(),
        body,
    )
}

#[tokio::test]
async fn the_beta_header_selects_the_version_and_may_be_one_of_several() {
    let emulator = TestEmulator::start().await;
    let bare = reqwest::Client::new()
        .get(emulator.url("/v1/user_profiles?limit=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 200);
    let ga: Value = bare.json().await.unwrap();
    assert!(ga["data"][0]["programs"].is_object(), "no beta value is GA");

    let several = reqwest::Client::new()
        .get(emulator.url("/v1/user_profiles?beta=true&limit=1"))
        .header(
            "anthropic-beta",
            "files-api-2025-04-14 , user-profiles-2026-03-24",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(several.status(), 200);
    let beta: Value = several.json().await.unwrap();
    assert!(beta["data"][0]["relationship"].is_string());

    let unknown = reqwest::Client::new()
        .get(emulator.url("/v1/user_profiles"))
        .header("anthropic-beta", "user-profiles-2031-01-01")
        .send()
        .await
        .unwrap();
    let (status, kind, body) = error_of(unknown).await;
    assert_eq!((status, kind.as_str()), (400, "invalid_request_error"));
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("user-profiles-2031-01-01"));
}

#[tokio::test]
async fn bearer_and_x_api_key_are_both_accepted_when_a_key_is_required() {
    let emulator = TestEmulator::start_with_key(Some("k1")).await;
    let path = "/v1/user_profiles?limit=1";
    let bearer = emulator
        .api(Method::GET, path)
        .bearer_auth("k1")
        .send()
        .await
        .unwrap();
    let header = emulator
        .api(Method::GET, path)
        .header("x-api-key", "k1")
        .send()
        .await
        .unwrap();
    let none = emulator.api(Method::GET, path).send().await.unwrap();
    assert_eq!(
        (bearer.status().as_u16(), header.status().as_u16()),
        (200, 200)
    );
    assert_eq!(error_of(none).await.1, "authentication_error");
}

#[tokio::test]
async fn list_parameters_are_validated() {
    let emulator = TestEmulator::start().await;
    let asc = emulator
        .api(Method::GET, "/v1/user_profiles?limit=2&order=asc")
        .send()
        .await
        .unwrap();
    let cursor = asc.json::<Value>().await.unwrap()["next_page"]
        .as_str()
        .unwrap()
        .to_owned();
    for query in [
        "limit=0".to_owned(),
        "limit=101".to_owned(),
        "limit=2.5".to_owned(),
        "limit=abc".to_owned(),
        "order=up".to_owned(),
        "page=page_garbage!".to_owned(),
        format!("order=desc&page={cursor}"),
    ] {
        let response = emulator
            .api(Method::GET, &format!("/v1/user_profiles?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(response).await.0, 400, "{query}");
    }
}

#[tokio::test]
async fn bodies_are_strict_json_with_no_unknown_fields() {
    let emulator = TestEmulator::start().await;
    let id = first_id(&emulator).await;
    let cases = [
        ("/v1/user_profiles".to_owned(), "{\"nme\":\"x\"}"),
        ("/v1/user_profiles".to_owned(), "{\"name\":5}"),
        ("/v1/user_profiles".to_owned(), "{not json"),
        ("/v1/user_profiles".to_owned(), "{\"metadata\":null}"),
        (
            "/v1/user_profiles".to_owned(),
            "{\"access_type\":\"application\"}",
        ),
        (format!("/v1/user_profiles/{id}"), "{\"metadata\":null}"),
        (
            format!("/v1/user_profiles/{id}"),
            "{\"relationship\":\"partner\"}",
        ),
        (format!("/v1/user_profiles/{id}"), ""),
    ];
    for (path, body) in cases {
        let response = emulator
            .api(Method::POST, &path)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(response).await.0, 400, "{path} {body}");
    }
}

#[tokio::test]
async fn profiles_carry_all_nine_keys_with_nulls() {
    let emulator = TestEmulator::start().await;
    let response = emulator
        .api(Method::POST, "/v1/user_profiles?beta=true")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let keys: HashSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected = [
        "id",
        "type",
        "created_at",
        "updated_at",
        "metadata",
        "relationship",
        "trust_grants",
        "external_id",
        "name",
    ];
    assert_eq!(keys, expected.into_iter().collect());
    assert_eq!(body["type"], "user_profile");
    assert_eq!(body["name"], Value::Null);
    assert_eq!(body["trust_grants"], json!({}));
    assert_eq!(body["created_at"], body["updated_at"]);
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn enrollment_accepts_no_body_an_empty_body_or_an_empty_object() {
    let emulator = TestEmulator::start().await;
    let id = first_id(&emulator).await;
    let path = format!("/v1/user_profiles/{id}/enrollment_url");
    let no_body = emulator.api(Method::POST, &path).send().await.unwrap();
    let python_style = emulator
        .api(Method::POST, &path)
        .header("content-type", "application/json")
        .header("content-length", "0")
        .send()
        .await
        .unwrap();
    let object = emulator
        .api(Method::POST, &path)
        .body("{}")
        .send()
        .await
        .unwrap();
    for response in [no_body, python_style, object] {
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.json::<Value>().await.unwrap()["type"],
            "enrollment_url"
        );
    }
    let unknown = emulator
        .api(
            Method::POST,
            "/v1/user_profiles/uprof_01nope/enrollment_url",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(unknown).await.1, "not_found_error");
}

#[tokio::test]
async fn routes_outside_the_contract_are_not_found() {
    let emulator = TestEmulator::start().await;
    for (method, path) in [
        (Method::PUT, "/v1/user_profiles".to_owned()),
        (Method::GET, "/v1/messages".to_owned()),
        (Method::GET, "/v1/user_profiles/not-an-id".to_owned()),
    ] {
        let response = emulator.api(method.clone(), &path).send().await.unwrap();
        let (status, kind, _) = error_of(response).await;
        assert_eq!(
            (status, kind.as_str()),
            (404, "not_found_error"),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn bodies_over_32_mib_are_request_too_large() {
    let emulator = TestEmulator::start().await;
    let body = format!("{{\"name\":\"{}\"}}", "x".repeat(33 * 1024 * 1024));
    let response = emulator
        .api(Method::POST, "/v1/user_profiles")
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, kind, _) = error_of(response).await;
    assert_eq!((status, kind.as_str()), (413, "request_too_large"));
}

/// Renames profile `id` through the client, expecting an error.
async fn rename_refused(emulator: &TestEmulator, id: &str, name: &str) -> UpstreamError {
    emulator
        .client()
        .update(
            &ProfileId::parse(id).unwrap(),
            &valid_update(ProfileUpdateInput {
                name: Field::Value(name.into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err()
}

/// An update is sent again after its answer was lost, but when every later attempt fails
/// too, the first may still have taken effect: the client must be told it is unsure, not
/// that the update failed (found while building the soak).
#[tokio::test]
async fn an_update_whose_answer_was_lost_then_refused_is_uncertain_not_failed() {
    let emulator = TestEmulator::start().await;
    let id = emulator.first_profile_id().await;
    let overloaded = json!({"kind": "status", "status": 529, "headers": {"retry-after-ms": "10"}});
    emulator
        .faults(json!({"sequence": [{"kind": "apply_then_drop"}, overloaded, overloaded]}))
        .await;
    let err = rename_refused(&emulator, &id, "Applied, answer lost").await;
    assert_eq!(err.kind, ErrorKind::Overloaded, "the last attempt's error");
    assert!(
        err.outcome_unknown,
        "the first attempt may have taken effect"
    );
    let held = emulator.get_json(&format!("/v1/user_profiles/{id}")).await;
    assert_eq!(held["name"], "Applied, answer lost", "and it did");

    // Without a lost answer, a refusal is a plain failure.
    emulator
        .faults(json!({"sequence": [overloaded, overloaded, overloaded]}))
        .await;
    let err = rename_refused(&emulator, &id, "Never sent through").await;
    assert!(!err.outcome_unknown);
}

//! The profile index against the emulator over loopback HTTP, on SQLite and PostgreSQL:
//! walks, pick-up of new profiles, refresh, faults, resumption, and two consoles on one
//! database. Every wait is on a condition (the sync's own state), with a deadline.

mod common;

use common::{valid_new, valid_update, TestDatabase, TestEmulator};
use profiles_admin::db::Database;
use profiles_admin::emulator::seed::{self, SEED_COUNT};
use profiles_admin::index::received::How;
use profiles_admin::index::sync::{self, SyncConfig};
use profiles_admin::index::{Index, Received};
use profiles_admin::profiles::model::{
    ApiVersion, Field, ListQuery, NewProfileInput, PageCursor, PageSize, ProfileUpdateInput,
    WireBody,
};
use profiles_admin::profiles::search::query::SearchQuery;
use profiles_admin::review::tabs::Tab;
use profiles_admin::upstream::Client;
use serde_json::json;
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

/// A sync as fast as the test wants it, with short leases and waits.
fn config(rate: f64) -> SyncConfig {
    SyncConfig {
        refresh: Duration::from_secs(3600),
        rate,
        poll: Duration::from_millis(100),
        lease: Duration::from_secs(2),
        backoff: Duration::from_millis(50),
        pause: Duration::from_millis(300),
        check_programs: false,
        recheck: sync::RECHECK,
    }
}

/// Waits (polling, with a deadline) until `check` holds.
async fn until<F: Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn walked(index: &Index, walks: usize) {
    until("a complete walk", || async {
        let state = index.sync_state().await.unwrap();
        !state.walk_running && state.last_complete_at.is_some() && state.walk as usize >= walks
    })
    .await;
}

fn search(pairs: &[(&str, &str)]) -> SearchQuery {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    SearchQuery::from_query(|k| map.get(k).cloned()).unwrap()
}

async fn ids(index: &Index, query: &SearchQuery) -> Vec<String> {
    let mut all = Vec::new();
    let mut query = query.clone();
    loop {
        let page = index.search(&query).await.unwrap();
        all.extend(page.hits.into_iter().map(|h| h.id));
        match page.next {
            Some(next) => query = query.next_page(next),
            None => return all,
        }
    }
}

fn new_profile(name: &str, external_id: &str) -> WireBody {
    valid_new(NewProfileInput {
        name: Some(name.into()),
        external_id: Some(external_id.into()),
        ..Default::default()
    })
}

async fn on_both(test: impl Fn(Database) -> std::pin::Pin<Box<dyn Future<Output = ()>>>) {
    for data in TestDatabase::both().await {
        test(data.db.clone()).await;
    }
}

#[tokio::test]
async fn a_walk_indexes_every_profile_and_search_finds_them_by_what_an_agent_holds() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            let index = Index::open(&db).await.unwrap();
            let sync = sync::spawn(index.clone(), emulator.client(), config(1000.0));
            walked(&index, 1).await;
            assert_eq!(index.count().await.unwrap(), SEED_COUNT as u64);
            let state = index.sync_state().await.unwrap();
            assert_eq!(state.last_complete_count, Some(SEED_COUNT as i64));
            assert_eq!(state.walk_pages, 2, "150 profiles are two pages of 100");

            let seeded: Vec<_> = seed::profiles(SEED_COUNT).collect();
            // By external id: the exact match first, flagged.
            let target = seeded
                .iter()
                .rev()
                .find(|p| p.external_id().is_some())
                .unwrap();
            let external = target.external_id().unwrap().to_owned();
            let page = index.search(&search(&[("q", &external)])).await.unwrap();
            assert_eq!(page.hits[0].id, target.id.as_str());
            assert!(page.hits[0].exact);
            assert_eq!(page.hits[0].matched.as_ref().unwrap().text, external);
            // By id.
            let page = index
                .search(&search(&[("q", target.id.as_str())]))
                .await
                .unwrap();
            assert_eq!(page.hits.len(), 1);
            assert!(page.hits[0].exact);
            // By a name fragment, any case: every profile holding it, and only those.
            let holds = |p: &profiles_admin::profiles::model::Profile, needle: &str| {
                let needle = needle.to_lowercase();
                std::iter::once(p.id.as_str())
                    .chain(p.external_id())
                    .chain(p.name.as_deref())
                    .chain(
                        p.metadata
                            .iter()
                            .flat_map(|(k, v)| [k.as_str(), v.as_str()]),
                    )
                    .any(|field| field.to_lowercase().contains(&needle))
            };
            for fragment in ["ANALYTICS", "zoë", "株式", "fjord", "伟"] {
                let mut found = ids(&index, &search(&[("q", fragment)])).await;
                let mut expected: Vec<_> = seeded
                    .iter()
                    .filter(|p| holds(p, fragment))
                    .map(|p| p.id.to_string())
                    .collect();
                assert!(!expected.is_empty() || fragment == "伟", "{fragment}");
                found.sort();
                expected.sort();
                assert_eq!(found, expected, "{fragment}");
            }
            // By a metadata value.
            let (holder, value) = seeded
                .iter()
                .find_map(|p| p.metadata.get("crm_id").map(|v| (p, v.clone())))
                .unwrap();
            let page = index.search(&search(&[("q", &value)])).await.unwrap();
            assert!(page.hits.iter().any(|h| h.id == holder.id.as_str()));
            let m = page
                .hits
                .iter()
                .find(|h| h.id == holder.id.as_str())
                .unwrap();
            assert_eq!(m.matched.as_ref().unwrap().field, "metadata crm_id");

            // Filters agree with the data.
            let none = ids(&index, &search(&[("grant", "none")])).await;
            let expected = seeded.iter().filter(|p| p.trust_grants.is_empty()).count();
            assert_eq!(none.len(), expected);
            let pending = ids(
                &index,
                &search(&[("grant", "pending"), ("relationship", "external")]),
            )
            .await;
            let expected = seeded
                .iter()
                .filter(|p| {
                    p.kind() == "external"
                        && p.trust_grants
                            .values()
                            .any(|g| g.status.label() == "pending")
                })
                .count();
            assert_eq!(pending.len(), expected);
            let keyed = ids(&index, &search(&[("has_key", "crm_id")])).await;
            let expected = seeded
                .iter()
                .filter(|p| p.metadata.contains_key("crm_id"))
                .count();
            assert_eq!(keyed.len(), expected);

            // Orders and keyset paging: every profile exactly once, in order.
            let newest = ids(&index, &search(&[])).await;
            let mut by_age: Vec<_> = seeded.iter().map(|p| p.id.to_string()).collect();
            by_age.reverse();
            assert_eq!(newest, by_age);
            let oldest = ids(&index, &search(&[("sort", "oldest")])).await;
            by_age.reverse();
            assert_eq!(oldest, by_age);
            let named = ids(&index, &search(&[("sort", "name")])).await;
            assert_eq!(named.len(), SEED_COUNT);
            let first_unnamed = named
                .iter()
                .position(|id| {
                    seeded
                        .iter()
                        .find(|p| p.id.as_str() == id)
                        .unwrap()
                        .name
                        .is_none()
                })
                .unwrap();
            assert!(named[first_unnamed..].iter().all(|id| seeded
                .iter()
                .find(|p| p.id.as_str() == id)
                .unwrap()
                .name
                .is_none()));

            // Created range: the first day of the seed.
            let first_day = seeded[0].created_at.date();
            let day = format!("{first_day}");
            let on_day = ids(
                &index,
                &search(&[("created_from", &day), ("created_to", &day)]),
            )
            .await;
            let expected = seeded
                .iter()
                .filter(|p| p.created_at.date() == first_day)
                .count();
            assert_eq!(on_day.len(), expected);
            sync.task.abort();
        })
    })
    .await;
}

#[tokio::test]
async fn any_text_is_a_literal_and_never_an_error() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            let client = emulator.client();
            let odd = [
                ("100% sure_thing", "ext_percent"),
                (r#"Quote "Ltd" OR * NEAR(a b) \back\"#, "ext_syntax"),
                ("\u{200F}שלום עולם\u{200E}", "ext_rtl"),
                ("🦀 Crab Corp", "ext_emoji"),
            ];
            for (name, external) in odd {
                client.create(&new_profile(name, external)).await.unwrap();
            }
            let index = Index::open(&db).await.unwrap();
            let sync = sync::spawn(index.clone(), client, config(1000.0));
            walked(&index, 1).await;
            for (name, external) in odd {
                let found = index.search(&search(&[("q", name)])).await.unwrap();
                assert_eq!(found.hits.len(), 1, "{name:?}");
                assert_eq!(found.hits[0].external_id.as_deref(), Some(external));
            }
            // LIKE wildcards are literal: "%" and "_" match only themselves.
            assert_eq!(ids(&index, &search(&[("q", "%")])).await.len(), 1);
            assert_eq!(ids(&index, &search(&[("q", "0% s")])).await.len(), 1);
            assert_eq!(ids(&index, &search(&[("q", "ext_")])).await.len(), 4);
            let literal = index.search(&search(&[("q", "ex_")])).await.unwrap();
            assert!(literal.hits.is_empty(), "{:?}", literal.hits);
            assert!(ids(&index, &search(&[("q", "e%t")])).await.is_empty());
            // Syntax of either database's text search is text.
            for hostile in [
                "\"",
                "\"\"",
                "*",
                "OR",
                "a OR b",
                "NEAR(",
                "col:val",
                "^x",
                "\\",
                "'",
                "'; DROP TABLE indexed_profiles; --",
                "🦀",
                "\u{200F}",
                "李",
            ] {
                let page = index.search(&search(&[("q", hostile)])).await;
                assert!(page.is_ok(), "{hostile:?}: {page:?}");
            }
            assert_eq!(index.count().await.unwrap(), SEED_COUNT as u64 + 4);
            sync.task.abort();
        })
    })
    .await;
}

#[tokio::test]
async fn changes_made_elsewhere_appear_after_a_pick_up_or_a_refresh_and_gone_profiles_go() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            let client = emulator.client();
            let index = Index::open(&db).await.unwrap();
            let sync = sync::spawn(index.clone(), client.clone(), config(1000.0));
            walked(&index, 1).await;

            // Created elsewhere: picked up between walks, newest first.
            let made = client
                .create(&new_profile("Made Elsewhere", "ext_elsewhere"))
                .await
                .unwrap()
                .value;
            until("the new profile is picked up", || async {
                index.knows(made.id.as_str()).await.unwrap()
            })
            .await;
            assert_eq!(
                ids(&index, &search(&[("q", "Made Elsewhere")])).await,
                [made.id.to_string()]
            );

            // Changed elsewhere: seen after an admin's refresh.
            let update = valid_update(ProfileUpdateInput {
                name: Field::Value("Renamed Elsewhere".into()),
                ..Default::default()
            });
            client.update(&made.id, &update).await.unwrap();
            assert!(ids(&index, &search(&[("q", "Renamed Elsewhere")]))
                .await
                .is_empty());
            index.request_refresh().await.unwrap();
            walked(&index, 2).await;
            assert_eq!(
                ids(&index, &search(&[("q", "Renamed Elsewhere")])).await,
                [made.id.to_string()]
            );
            sync.task.abort();
        })
    })
    .await;
}

#[tokio::test]
async fn rate_limit_storms_slow_the_walk_without_losing_a_page() {
    let data = TestDatabase::sqlite().await;
    let emulator = TestEmulator::start_seeded(450).await;
    // Every other list call is refused for a while, with `retry-after`; the client waits
    // it out, and when its retries run out the step waits and resumes at the same cursor.
    let storm: Vec<_> = (0..12)
        .map(|_| json!({"kind": "status", "status": 429, "headers": {"retry-after-ms": "20"}}))
        .collect();
    emulator.faults(json!({ "sequence": storm })).await;
    let index = Index::open(&data.db).await.unwrap();
    let sync = sync::spawn(index.clone(), emulator.client(), config(1000.0));
    walked(&index, 1).await;
    assert_eq!(index.count().await.unwrap(), 450);
    let state = index.sync_state().await.unwrap();
    assert_eq!(state.walk_pages, 5);
    assert_eq!(state.last_complete_count, Some(450));
    let lists = emulator
        .seen()
        .await
        .into_iter()
        .filter(|r| r.method == "GET" && r.uri.starts_with("/v1/user_profiles?"))
        .count();
    assert!(
        lists >= 5 + 12,
        "{lists} list calls for 5 pages and 12 refusals"
    );
    sync.task.abort();
}

#[tokio::test]
async fn a_refused_key_pauses_the_sync_and_says_why() {
    let data = TestDatabase::sqlite().await;
    let emulator = TestEmulator::start_with_key(Some("sk-right")).await;
    let client: Client = emulator.client();
    let index = Index::open(&data.db).await.unwrap();
    let sync = sync::spawn(index.clone(), client, config(1000.0));
    until("the error is recorded", || async {
        index.sync_state().await.unwrap().last_error.is_some()
    })
    .await;
    let status = index.status(true).await.unwrap();
    assert!(status.last_error.unwrap().contains("refused the key"));
    assert!(
        index.status(false).await.unwrap().last_error.is_none(),
        "admins only"
    );
    // Paused, not looping: a handful of attempts, not hundreds.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let attempts = emulator.seen().await.len();
    assert!(attempts <= 4, "{attempts} attempts while paused");
    sync.task.abort();
}

#[tokio::test]
async fn a_walk_cut_short_resumes_from_its_last_page() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start_seeded(1_000).await;
            let index = Index::open(&db).await.unwrap();
            // Slow enough to be cut mid-way.
            let first = sync::spawn(index.clone(), emulator.client(), config(20.0));
            until("three pages", || async {
                index.sync_state().await.unwrap().walk_pages >= 3
            })
            .await;
            first.task.abort();
            let _ = first.task.await;
            let cut = index.sync_state().await.unwrap();
            assert!(cut.walk_running && cut.walk_cursor.is_some());
            emulator.forget_requests().await;

            // A new process: it waits out the dead one's lease, then goes on.
            let second = sync::spawn(index.clone(), emulator.client(), config(1000.0));
            walked(&index, 1).await;
            let state = index.sync_state().await.unwrap();
            assert_eq!(state.walk, 1, "the same walk, not a new one");
            assert_eq!(state.walk_pages, 10);
            assert_eq!(index.count().await.unwrap(), 1_000);
            let lists: Vec<_> = emulator
                .seen()
                .await
                .into_iter()
                .filter(|r| r.uri.starts_with("/v1/user_profiles?") && r.uri.contains("order=asc"))
                .collect();
            assert!(
                lists.iter().all(|r| r.uri.contains("page=")),
                "resumed with a cursor: {lists:?}"
            );
            assert_eq!(lists.len() as i64, 10 - cut.walk_pages);
            second.task.abort();
        })
    })
    .await;
}

#[tokio::test]
async fn two_consoles_on_one_postgres_sync_one_at_a_time_and_take_over() {
    let data = TestDatabase::postgres().await;
    let other = Database::open(&data.location).await.unwrap();
    let emulator = TestEmulator::start_seeded(600).await;
    let (a, b) = (
        Index::open(&data.db).await.unwrap(),
        Index::open(&other).await.unwrap(),
    );
    let sync_a = sync::spawn(a.clone(), emulator.client(), config(50.0));
    let sync_b = sync::spawn(b.clone(), emulator.client(), config(50.0));
    walked(&a, 1).await;
    // One walk, each page asked once: only one console walked.
    let asc = |seen: Vec<profiles_admin::emulator::faults::SeenRequest>| {
        seen.into_iter()
            .filter(|r| r.uri.contains("order=asc"))
            .count()
    };
    assert_eq!(asc(emulator.seen().await), 6);
    let holder = a.sync_state().await.unwrap().lease_holder.unwrap();
    assert_ne!(sync_a.holder, sync_b.holder);

    // The syncing console dies; the other takes over the next walk once its lease lapses.
    let (dead, alive) = if holder == sync_a.holder {
        (sync_a, sync_b)
    } else {
        assert_eq!(holder, sync_b.holder);
        (sync_b, sync_a)
    };
    dead.task.abort();
    let _ = dead.task.await;
    emulator.forget_requests().await;
    b.request_refresh().await.unwrap();
    walked(&b, 2).await;
    assert_eq!(asc(emulator.seen().await), 6);
    let state = b.sync_state().await.unwrap();
    assert_eq!(state.last_complete_count, Some(600));
    assert_eq!(state.lease_holder.as_deref(), Some(alive.holder.as_str()));
    alive.task.abort();
}

/// Every profile as the emulator lists it under `version`, as the JSON that came.
async fn listed_as(emulator: &TestEmulator, version: ApiVersion) -> Vec<serde_json::Value> {
    let client = emulator.client_with(|c| c.version = version);
    let mut query = ListQuery {
        limit: PageSize::new(100).unwrap(),
        ..Default::default()
    };
    let mut all = Vec::new();
    loop {
        let page = client.list_raw(&query).await.unwrap().value;
        all.extend(page.data);
        match page.next_page.and_then(|c| PageCursor::parse(&c).ok()) {
            Some(next) => query.page = Some(next),
            None => return all,
        }
    }
}

#[tokio::test]
async fn an_index_built_under_the_beta_reads_after_switching_to_ga_and_finds_ga_fields() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            let index = Index::open(&db).await.unwrap();
            let beta = listed_as(&emulator, ApiVersion::Beta20260324).await;
            let received: Vec<Received> = beta
                .iter()
                .cloned()
                .filter_map(|value| Received::from_value(value, time::OffsetDateTime::now_utc()))
                .collect();
            index.upsert(&received).await.unwrap();
            let with_external: Vec<&serde_json::Value> = beta
                .iter()
                .filter(|p| p["external_id"].is_string())
                .collect();
            let external = with_external[0]["external_id"].as_str().unwrap();
            let found = ids(&index, &search(&[("q", external)])).await;
            assert_eq!(found[0], with_external[0]["id"].as_str().unwrap());
            assert!(ids(&index, &search(&[("enforcement", "restricted")]))
                .await
                .is_empty());

            // The console now speaks GA: the next reads replace each profile's JSON.
            let ga = listed_as(&emulator, ApiVersion::Ga).await;
            let received: Vec<Received> = ga
                .iter()
                .cloned()
                .filter_map(|value| Received::from_value(value, time::OffsetDateTime::now_utc()))
                .collect();
            assert_eq!(received.len(), ga.len(), "every GA profile parses");
            index.upsert(&received).await.unwrap();
            assert_eq!(
                ids(&index, &search(&[("q", external)])).await[0],
                found[0],
                "the reference id is the external id"
            );

            let expect = |field: &str, value: &str| -> Vec<String> {
                let mut ids: Vec<String> = ga
                    .iter()
                    .filter(|p| p[field] == value)
                    .map(|p| p["id"].as_str().unwrap().to_owned())
                    .collect();
                ids.sort();
                ids
            };
            for status in ["unrestricted", "pending", "restricted", "banned"] {
                let mut got = ids(&index, &search(&[("enforcement", status)])).await;
                got.sort();
                assert_eq!(got, expect("enforcement_status", status), "{status}");
                assert!(!got.is_empty(), "the sample data has {status} profiles");
            }
            let mut passthrough = ids(&index, &search(&[("access_type", "passthrough")])).await;
            passthrough.sort();
            assert_eq!(passthrough, expect("access_type", "passthrough"));

            let hit = index
                .search(&search(&[("q", external)]))
                .await
                .unwrap()
                .hits
                .remove(0);
            assert!(matches!(hit.kind.as_str(), "application" | "passthrough"));
            assert!(hit.enforcement.is_some());
            let hashed = ga
                .iter()
                .find_map(|p| p["external_user_details"]["email_hash"].as_str())
                .expect("the sample data has email hashes");
            let by_hash = index.search(&search(&[("q", hashed)])).await.unwrap();
            assert_eq!(
                by_hash.hits[0].matched.as_ref().unwrap().field,
                "email hash"
            );
        })
    })
    .await;
}

/// 8 clients × 25 updates through the console, each client an editor of its own on its
/// own profile, at once: every write-through lands (SQLite's write transactions take the
/// lock up front and wait for it), so each client's last value is findable as soon as
/// its update answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_are_all_findable_at_once() {
    use axum::body::Body;
    use axum::http::Request;
    use profiles_admin::auth::{accounts::Accounts, AuthMode, Role};
    const PASSWORD: &str = "a long enough password";
    for data in TestDatabase::both().await {
        let emulator = TestEmulator::start().await;
        for client in 0..8 {
            Accounts::new(&data.db)
                .add(&format!("editor{client}"), Role::Editor, PASSWORD)
                .await
                .unwrap();
        }
        let auth = profiles_admin::auth::setup::configure(
            &common::auth_args(AuthMode::Local),
            &data.db,
            true,
        )
        .await
        .unwrap();
        let router = common::console_router(
            emulator.client(),
            auth,
            profiles_admin::hardening::Deployment::default(),
            &data.db,
        )
        .await;
        let page = emulator.get_json("/v1/user_profiles?limit=8").await;
        let targets: Vec<String> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(targets.len(), 8);
        let mut clients = Vec::new();
        for (client, id) in targets.iter().enumerate() {
            let sign_in = Request::post("/sign-in")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "name=editor{client}&password={}",
                    PASSWORD.replace(' ', "+")
                )))
                .unwrap();
            let (_, headers, _) = common::oneshot(&router, sign_in).await;
            let cookie = common::session_cookie(&headers).expect("signed in");
            let (router, id) = (router.clone(), id.clone());
            clients.push(tokio::spawn(async move {
                for update in 0..25 {
                    let body = json!({"id": id, "update": {"name": format!("client{client}-update{update:02}")}});
                    let request = Request::post("/api/profiles/update")
                        .header("content-type", "application/json")
                        .header("cookie", &cookie)
                        .body(Body::from(body.to_string()))
                        .unwrap();
                    let (status, _, answer) = common::oneshot(&router, request).await;
                    assert_eq!(status, 200, "{answer}");
                }
            }));
        }
        for client in clients {
            client.await.unwrap();
        }
        let index = Index::open(&data.db).await.unwrap();
        for (client, id) in targets.iter().enumerate() {
            let last = format!("client{client}-update24");
            assert_eq!(
                ids(&index, &search(&[("q", &last)])).await,
                std::slice::from_ref(id),
                "{} on {}",
                last,
                data.db.describe()
            );
        }
    }
}

/// A write-through that fails is kept, counted in the freshness line and written again
/// once the database takes it; never dropped in silence.
#[tokio::test]
async fn a_failed_write_through_waits_and_is_written_again() {
    on_both(|db| {
        Box::pin(async move {
            let index = Index::open(&db).await.unwrap();
            let profile: profiles_admin::profiles::model::Profile = serde_json::from_value(json!({
                "id": "uprof_waiting1", "created_at": "2026-03-15T10:00:00Z",
                "updated_at": "2026-03-15T10:00:00Z", "name": "Waiting Wanda"
            }))
            .unwrap();
            // Counted now, so that the freshness line reads while the table is away.
            assert_eq!(index.status(false).await.unwrap().waiting_writes, 0);
            let away = "ALTER TABLE indexed_profiles RENAME TO indexed_profiles_away";
            sqlx::query(away).execute(db.pool()).await.unwrap();
            index
                .write_through(Received::from_profile(&profile, How::Write))
                .await;
            assert_eq!(index.waiting_writes(), 1);
            assert_eq!(index.status(false).await.unwrap().waiting_writes, 1);
            assert!(index.write_waiting().await.is_err(), "still away");
            let back = "ALTER TABLE indexed_profiles_away RENAME TO indexed_profiles";
            sqlx::query(back).execute(db.pool()).await.unwrap();
            index.write_waiting().await.unwrap();
            assert_eq!(index.waiting_writes(), 0);
            assert_eq!(
                ids(&index, &search(&[("q", "Waiting Wanda")])).await,
                ["uprof_waiting1"]
            );
            // A copy older than what the index holds by then is not written over it.
            let newer = profiles_admin::profiles::model::Profile {
                name: Some("Newer Nora".into()),
                updated_at: profile.updated_at + time::Duration::seconds(5),
                ..profile.clone()
            };
            index
                .write_through(Received::from_profile(&newer, How::Write))
                .await;
            sqlx::query(away).execute(db.pool()).await.unwrap();
            index
                .write_through(Received::from_profile(&profile, How::Write))
                .await;
            sqlx::query(back).execute(db.pool()).await.unwrap();
            index.write_waiting().await.unwrap();
            assert_eq!(
                ids(&index, &search(&[("q", "Newer Nora")])).await,
                ["uprof_waiting1"]
            );
        })
    })
    .await;
}

/// The GA profiles of the emulator, each as one page of a list shows it.
async fn listed_ga(emulator: &TestEmulator) -> Vec<Received> {
    let now = time::OffsetDateTime::now_utc();
    listed_as(emulator, ApiVersion::Ga)
        .await
        .into_iter()
        .filter_map(|value| Received::from_value(value, now))
        .collect()
}

/// The count of one queue tab, its default windows, no filter.
async fn tab_count(index: &Index, tab: Tab) -> u64 {
    index
        .queue_counts(&[tab], 14, 7, false, &SearchQuery::default())
        .await
        .unwrap()[0]
        .1
}

/// Whether a profile as received has enforcement status `label` (GA).
fn in_status(received: &Received, label: &str) -> bool {
    received
        .profile
        .enforcement_status
        .as_ref()
        .is_some_and(|s| s.label() == label)
}

#[tokio::test]
async fn the_program_pass_learns_what_a_list_does_not_report_within_the_walks_rate_and_resumes() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start_seeded(40).await;
            let ga = emulator.client_with(|c| c.version = ApiVersion::Ga);
            let profiles = listed_ga(&emulator).await;
            let (cyber, restricted) = (
                profiles[7].profile.id.to_string(),
                profiles[31].profile.id.to_string(),
            );
            let (status, _) = emulator
                .hook(
                    reqwest::Method::PUT,
                    &format!("/_emulator/profiles/{cyber}/programs"),
                    json!({"cyber": {"status": "active", "tiers": {"a": "active", "b": "inactive", "c": "inactive"},
                           "requirements": {"data_retention": true, "human_review": false}},
                           "efs": {"status": "pending", "features": {"cmek": "inactive"}}}),
                )
                .await;
            assert_eq!(status, 200);
            let (status, _) = emulator
                .hook(
                    reqwest::Method::POST,
                    &format!("/_emulator/profiles/{restricted}/enforcement_actions"),
                    json!({"kind": "restriction", "reason": "unsupported_region", "verify": true}),
                )
                .await;
            assert_eq!(status, 200);
            emulator.forget_requests().await;

            let index = Index::open(&db).await.unwrap();
            let rate = 25.0;
            let started = tokio::time::Instant::now();
            let pass = SyncConfig {
                check_programs: true,
                ..config(rate)
            };
            let first = sync::spawn(index.clone(), ga.clone(), pass.clone());
            until("half the programs learned", || async {
                index.sync_state().await.unwrap().last_complete_at.is_some()
                    && index.programs_backlog().await.unwrap() <= 20
            })
            .await;
            first.task.abort();
            let _ = first.task.await;
            let seen = emulator.seen().await;
            let elapsed = started.elapsed().as_secs_f64();
            // One budget for the walk and the pass: never more than the rate allows.
            assert!(
                seen.len() as f64 <= rate * elapsed + 1.0,
                "{} requests in {elapsed:.2} s at {rate}/s",
                seen.len()
            );
            let retrieves: Vec<&str> = seen
                .iter()
                .filter(|r| r.method == "GET" && r.uri.starts_with("/v1/user_profiles/"))
                .map(|r| r.uri.trim_start_matches("/v1/user_profiles/"))
                .collect();
            // Profiles in the review queue are retrieved before any other.
            let queue: std::collections::BTreeSet<String> = listed_ga(&emulator)
                .await
                .into_iter()
                .filter(|r| profiles_admin::index::statuses::in_queue(&r.profile))
                .map(|r| r.profile.id.to_string())
                .collect();
            assert!(queue.contains(&restricted) && queue.len() < 20, "{queue:?}");
            let first: std::collections::BTreeSet<String> = retrieves
                .iter()
                .take(queue.len())
                .map(|id| (*id).to_owned())
                .collect();
            assert_eq!(first, queue);

            // A new process goes on with what is still unknown, not from the start.
            let left = index.programs_backlog().await.unwrap();
            assert!(left > 0 && left < 40, "{left}");
            emulator.forget_requests().await;
            let second = sync::spawn(index.clone(), ga.clone(), pass);
            until("every profile's programs learned", || async {
                index.programs_backlog().await.unwrap() == 0
            })
            .await;
            let again = emulator
                .seen()
                .await
                .into_iter()
                .filter(|r| r.method == "GET" && r.uri.starts_with("/v1/user_profiles/"))
                .count() as u64;
            // The ones left, plus what the pass retrieved while the condition was polled.
            assert!(again >= left && again <= left + 3, "{again} retrieves for {left} left");
            // Every profile known and recently learned: the pass rests while the sync
            // goes on looking for new profiles.
            emulator.forget_requests().await;
            until("three looks for new profiles", || async {
                emulator
                    .seen()
                    .await
                    .iter()
                    .filter(|r| r.uri.contains("order=desc"))
                    .count()
                    >= 3
            })
            .await;
            second.task.abort();
            let resting = emulator
                .seen()
                .await
                .into_iter()
                .filter(|r| r.method == "GET" && r.uri.starts_with("/v1/user_profiles/"))
                .count();
            assert_eq!(resting, 0, "no profile retrieved again within the recheck time");

            let known = index.known_programs(&cyber).await.unwrap().unwrap();
            let programs = known.programs.unwrap();
            let cyber_program = programs.cyber.unwrap();
            assert_eq!(cyber_program.status.label(), "active");
            assert_eq!(cyber_program.tiers["a"].status.label(), "active");
            assert_eq!(programs.efs.unwrap().status.label(), "pending");
            assert_eq!(known.how, "retrieve");
            // Search's program filter reads what the retrieve reported, which the list
            // (efs: null) cannot tell.
            assert!(ids(&index, &search(&[("grant", "pending")]))
                .await
                .contains(&cyber));
            // Search shows the programs as retrieved, and how old that is.
            let page = index.search(&search(&[("q", &cyber)])).await.unwrap();
            let hit = page.hits.iter().find(|h| h.id == cyber).unwrap();
            assert!(hit.programs_learned.is_some());
            assert!(hit.standing.contains(&("efs".into(), "pending".into())), "{:?}", hit.standing);
            // A walk after that does not unlearn it.
            index.upsert(&listed_ga(&emulator).await).await.unwrap();
            let after_walk = index.known_programs(&cyber).await.unwrap().unwrap();
            assert_eq!(after_walk.learned_at, known.learned_at);
            assert!(ids(&index, &search(&[("grant", "pending")]))
                .await
                .contains(&cyber));
        })
    })
    .await;
}

#[tokio::test]
async fn each_status_change_is_recorded_once_whichever_way_it_arrives() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start_seeded(5).await;
            let ga = emulator.client_with(|c| c.version = ApiVersion::Ga);
            let index = Index::open(&db).await.unwrap();
            // The first sighting is no change.
            index.upsert(&listed_ga(&emulator).await).await.unwrap();
            let id = emulator.first_profile_id().await;
            let profile_id = profiles_admin::profiles::model::ProfileId::parse(&id).unwrap();
            assert!(index.timeline(&id, 50).await.unwrap().is_empty());

            let (_, opened) = emulator
                .hook(
                    reqwest::Method::POST,
                    &format!("/_emulator/profiles/{id}/enforcement_actions"),
                    json!({"kind": "restriction", "reason": "high_harm", "verify": true}),
                )
                .await;
            let action = opened["enforcement_actions"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            // Observed by a walk, a retrieve and a webhook's re-read, in that order in
            // time, and written in the opposite order.
            let walk = listed_ga(&emulator).await;
            let retrieved = ga.get(&profile_id).await.unwrap().value;
            let retrieve = Received::from_profile(&retrieved, How::Retrieve);
            let webhook = Received::from_profile(
                &retrieved,
                How::Webhook {
                    event_at: Some(time::macros::datetime!(2026-10-15 17:02:41 UTC)),
                },
            );
            index.write_through(webhook).await;
            index.write_through(retrieve).await;
            index.upsert(&walk).await.unwrap();
            let timeline = index.timeline(&id, 50).await.unwrap();
            let got: Vec<_> = timeline
                .iter()
                .map(|e| {
                    (
                        e.subject.as_str(),
                        e.old_status.as_deref(),
                        e.new_status.as_str(),
                        e.how.as_str(),
                    )
                })
                .collect();
            let action_subject = format!("action:{action}");
            assert_eq!(got.len(), 2, "{got:?}");
            assert!(got.contains(&("enforcement", Some("unrestricted"), "restricted", "webhook")));
            assert!(got.contains(&(action_subject.as_str(), None, "open", "webhook")));
            assert!(timeline
                .iter()
                .all(|e| e.event_at.as_deref() == Some("2026-10-15T17:02:41.000000Z")));
            let detail = timeline
                .iter()
                .find(|e| e.subject == action_subject)
                .and_then(|e| e.detail.clone())
                .unwrap();
            assert!(
                detail.contains("high_harm") && detail.contains("verify"),
                "{detail}"
            );

            // Resolved: seen by a write's answer first, then a walk; recorded once.
            let (status, _) = emulator
                .hook(
                    reqwest::Method::DELETE,
                    &format!("/_emulator/profiles/{id}/enforcement_actions/{action}"),
                    json!(null),
                )
                .await;
            assert_eq!(status, 200);
            let walk = listed_ga(&emulator).await;
            let updated = ga
                .update(
                    &profile_id,
                    &profiles_admin::profiles::model::ProfileUpdate::try_from(ProfileUpdateInput {
                        name: Field::Value("Renamed".into()),
                        ..Default::default()
                    })
                    .unwrap()
                    .body(ApiVersion::Ga)
                    .unwrap(),
                )
                .await
                .unwrap()
                .value;
            index
                .write_through(Received::from_profile(&updated, How::Write))
                .await;
            index.upsert(&walk).await.unwrap();
            let timeline = index.timeline(&id, 50).await.unwrap();
            assert_eq!(timeline.len(), 4, "{timeline:?}");
            let resolved: Vec<_> = timeline[..2]
                .iter()
                .map(|e| (e.subject.as_str(), e.new_status.as_str(), e.how.as_str()))
                .collect();
            assert!(resolved.contains(&("enforcement", "unrestricted", "write")));
            assert!(resolved.contains(&(action_subject.as_str(), "resolved", "write")));
            // No other profile changed.
            for other in listed_ga(&emulator).await {
                if other.profile.id.as_str() != id {
                    assert!(index
                        .timeline(other.profile.id.as_str(), 5)
                        .await
                        .unwrap()
                        .is_empty());
                }
            }
        })
    })
    .await;
}

/// Every profile of the emulator, retrieved (programs in full), as the program pass
/// would write it.
async fn retrieved_ga(emulator: &TestEmulator) -> Vec<Received> {
    let ga = emulator.client_with(|c| c.version = ApiVersion::Ga);
    let mut all = Vec::new();
    for listed in listed_ga(emulator).await {
        let profile = ga.get(&listed.profile.id).await.unwrap().value;
        all.push(Received::from_profile(&profile, How::Retrieve));
    }
    all
}

/// Every row of a tab, a few at a time by its keyset, as the pages' "Next" links go.
async fn whole_tab(index: &Index, tab: Tab, days: u32) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let (rows, more) = index
            .queue_page(tab, days, after.as_ref(), false, &SearchQuery::default(), 4)
            .await
            .unwrap();
        ids.extend(rows.iter().map(|r| r.id.clone()));
        if !more {
            return ids;
        }
        after = rows.last().map(|r| r.after.clone());
    }
}

#[tokio::test]
async fn each_queue_tab_holds_exactly_the_profiles_it_names_and_counts_them() {
    use profiles_admin::profiles::model::{ActionKind, EnforcementStatus, Lenient};
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            let ending = time::OffsetDateTime::now_utc() + time::Duration::days(5);
            let first = emulator.first_profile_id().await;
            let (status_code, _) = emulator
                .hook(
                    reqwest::Method::POST,
                    &format!("/_emulator/profiles/{first}/enforcement_actions"),
                    json!({"kind": "restriction", "reason": "unsupported_region", "verify": true,
                           "expires_at": profiles_admin::timestamp::rfc3339(ending)}),
                )
                .await;
            assert_eq!(status_code, 200);
            let index = Index::open(&db).await.unwrap();
            index.upsert(&listed_ga(&emulator).await).await.unwrap();
            let retrieved = retrieved_ga(&emulator).await;
            index.upsert(&retrieved).await.unwrap();

            // The same rules, written from the model, over the same profiles.
            let soon = time::OffsetDateTime::now_utc() + time::Duration::days(14);
            let status = |p: &profiles_admin::profiles::model::Profile, s| {
                p.enforcement_status == Some(Lenient::Known(s))
            };
            let expected = |tab: Tab| -> std::collections::BTreeSet<String> {
                retrieved
                    .iter()
                    .map(|r| &r.profile)
                    .filter(|p| {
                        let actions = p.enforcement_actions.clone().unwrap_or_default();
                        let restrictions = actions
                            .iter()
                            .filter(|a| a.kind == Lenient::Known(ActionKind::Restriction));
                        let standing = p.standing();
                        match tab {
                            Tab::CanClear => {
                                status(p, EnforcementStatus::Restricted)
                                    && restrictions.clone().any(|a| a.offers_verify())
                            }
                            Tab::Waiting => {
                                status(p, EnforcementStatus::Pending)
                                    || standing.iter().any(|(_, s)| s == "pending")
                            }
                            Tab::Restricted => status(p, EnforcementStatus::Restricted),
                            Tab::Banned => status(p, EnforcementStatus::Banned),
                            Tab::Rejected => standing.iter().any(|(_, s)| s == "rejected"),
                            Tab::Expiring => restrictions
                                .clone()
                                .any(|a| a.expires_at.is_some_and(|at| at <= soon)),
                            Tab::Changed => false,
                        }
                    })
                    .map(|p| p.id.to_string())
                    .collect()
            };
            let tabs = Tab::ALL;
            let counts = index
                .queue_counts(&tabs, 14, 7, false, &SearchQuery::default())
                .await
                .unwrap();
            for (tab, count) in counts {
                let paged = whole_tab(&index, tab, 14).await;
                let unique: std::collections::BTreeSet<String> = paged.iter().cloned().collect();
                assert_eq!(unique.len(), paged.len(), "{tab:?}: a row on two pages");
                assert_eq!(unique, expected(tab), "{tab:?}");
                assert_eq!(count, paged.len() as u64, "{tab:?}");
                if tab != Tab::Changed {
                    assert!(!paged.is_empty(), "the seed has someone in {tab:?}");
                }
            }

            // Can clear now: those sent a link go after those never sent one.
            let can_clear = whole_tab(&index, Tab::CanClear, 14).await;
            index.link_minted(&can_clear[0], "ana").await.unwrap();
            let after_mint = whole_tab(&index, Tab::CanClear, 14).await;
            assert_eq!(after_mint.last(), Some(&can_clear[0]));
            let (rows, _) = index
                .queue_page(Tab::CanClear, 14, None, false, &SearchQuery::default(), 100)
                .await
                .unwrap();
            let sent = rows.iter().find(|r| r.id == can_clear[0]).unwrap();
            assert_eq!(sent.link_minted_by.as_deref(), Some("ana"));

            // A restriction opened since: two changes, on Changed recently, newest first.
            let id = expected(Tab::Banned).into_iter().next().unwrap();
            let waiting_before = whole_tab(&index, Tab::Waiting, 14).await;
            let (status_code, _) = emulator
                .hook(
                    reqwest::Method::POST,
                    &format!("/_emulator/profiles/{id}/enforcement_actions"),
                    json!({"kind": "restriction", "reason": "high_harm", "verify": false}),
                )
                .await;
            assert_eq!(status_code, 200);
            let ga = emulator.client_with(|c| c.version = ApiVersion::Ga);
            let profile_id = profiles_admin::profiles::model::ProfileId::parse(&id).unwrap();
            let again = ga.get(&profile_id).await.unwrap().value;
            index
                .upsert(&[Received::from_profile(&again, How::Retrieve)])
                .await
                .unwrap();
            let (changed, _) = index
                .queue_page(Tab::Changed, 7, None, false, &SearchQuery::default(), 100)
                .await
                .unwrap();
            assert_eq!(
                changed.len(),
                1,
                "a banned profile stays banned: only the action opens"
            );
            assert_eq!(changed[0].id, id);
            assert!(changed[0]
                .change
                .as_ref()
                .unwrap()
                .subject
                .starts_with("action:enac_"));
            // Nothing else moved.
            assert_eq!(whole_tab(&index, Tab::Waiting, 14).await, waiting_before);
        })
    })
    .await;
}

#[tokio::test]
async fn an_export_walks_every_match_once_a_chunk_at_a_time_exact_matches_first() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            let index = Index::open(&db).await.unwrap();
            let listed = listed_ga(&emulator).await;
            index.upsert(&listed).await.unwrap();
            for (pairs, expected) in [
                (vec![], listed.len()),
                (vec![("sort", "name")], listed.len()),
                (
                    vec![("enforcement", "restricted")],
                    listed.iter().filter(|r| in_status(r, "restricted")).count(),
                ),
            ] {
                let query = search(&pairs);
                let (mut seen, mut after) = (Vec::new(), None::<String>);
                loop {
                    let (chunk, next) = index
                        .export_chunk(&query, after.as_deref(), 7)
                        .await
                        .unwrap();
                    seen.extend(chunk.into_iter().map(|e| e.profile.id.to_string()));
                    match next {
                        Some(next) => after = Some(next),
                        None => break,
                    }
                }
                let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
                assert_eq!(unique.len(), seen.len(), "{pairs:?}: a profile twice");
                assert_eq!(seen.len(), expected, "{pairs:?}");
            }
            // A text that is one profile's id exactly: that profile first, once.
            let target = listed[3].profile.id.to_string();
            let (chunk, _) = index
                .export_chunk(&search(&[("q", &target)]), None, 7)
                .await
                .unwrap();
            assert_eq!(chunk[0].profile.id.to_string(), target);
            assert_eq!(
                chunk
                    .iter()
                    .filter(|e| e.profile.id.to_string() == target)
                    .count(),
                1
            );
            // The keys an export's columns come from are the keys of what it finds.
            let keys = index
                .search_keys(&search(&[("q", &target)]), 100)
                .await
                .unwrap();
            let mut expected: Vec<String> = listed[3].profile.metadata.keys().cloned().collect();
            expected.sort();
            assert_eq!(keys, expected);
            // Unfiltered, every key any profile holds, A to Z, as far as the limit.
            let every: std::collections::BTreeSet<String> = listed
                .iter()
                .flat_map(|r| r.profile.metadata.keys().cloned())
                .collect();
            let every: Vec<String> = every.into_iter().collect();
            assert!(every.len() > 3);
            assert_eq!(index.search_keys(&search(&[]), 1000).await.unwrap(), every);
            assert_eq!(
                index.search_keys(&search(&[]), 3).await.unwrap(),
                every[..3]
            );
        })
    })
    .await;
}

#[tokio::test]
async fn a_completed_walk_is_counted_at_once_not_shown_with_the_counts_kept_before_it() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            // Counts kept a long time: only the walk's end can make them current.
            let index = Index::open(&db)
                .await
                .unwrap()
                .with_counts_ttl(Duration::from_secs(3600));
            assert_eq!(
                tab_count(&index, Tab::Restricted).await,
                0,
                "counted over the empty index, as at start"
            );
            let expected = listed_ga(&emulator)
                .await
                .iter()
                .filter(|r| in_status(r, "restricted"))
                .count() as u64;
            assert!(expected > 0);
            let ga = emulator.client_with(|c| c.version = ApiVersion::Ga);
            let sync = sync::spawn(index.clone(), ga, config(1000.0));
            walked(&index, 1).await;
            assert_eq!(tab_count(&index, Tab::Restricted).await, expected);
            sync.task.abort();
        })
    })
    .await;
}

#[tokio::test]
async fn stale_queue_counts_are_answered_at_once_and_counted_again_behind() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            // Every count is stale at once: each call answers what is kept and recounts.
            let index = Index::open(&db)
                .await
                .unwrap()
                .with_counts_ttl(Duration::ZERO);
            let listed = listed_ga(&emulator).await;
            index.upsert(&listed).await.unwrap();
            let before = tab_count(&index, Tab::Banned).await;
            let id = listed
                .iter()
                .find(|r| in_status(r, "unrestricted"))
                .unwrap()
                .profile
                .id
                .to_string();
            emulator
                .hook(
                    reqwest::Method::POST,
                    &format!("/_emulator/profiles/{id}/enforcement_actions"),
                    json!({"kind": "ban", "reason": "fraud_or_abuse"}),
                )
                .await;
            let ga = emulator.client_with(|c| c.version = ApiVersion::Ga);
            let profile_id = profiles_admin::profiles::model::ProfileId::parse(&id).unwrap();
            let now_banned = ga.get(&profile_id).await.unwrap().value;
            index
                .upsert(&[Received::from_profile(&now_banned, How::Retrieve)])
                .await
                .unwrap();
            // Answered from what was kept, without waiting for a count...
            assert_eq!(tab_count(&index, Tab::Banned).await, before);
            // ...which arrives behind it.
            until("the recount", || async {
                tab_count(&index, Tab::Banned).await == before + 1
            })
            .await;
        })
    })
    .await;
}

#[tokio::test]
async fn every_overview_figure_equals_what_its_link_lists() {
    use profiles_admin::index::overview::{changed_in_week, created_in_week};
    use profiles_admin::profiles::search::query::GrantFilter;
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            let index = Index::open(&db).await.unwrap();
            let listed = listed_ga(&emulator).await;
            index.upsert(&listed).await.unwrap();
            index.upsert(&retrieved_ga(&emulator).await).await.unwrap();
            // One status change this week: a restriction opened on a profile.
            let id = listed[1].profile.id.clone();
            emulator
                .hook(
                    reqwest::Method::POST,
                    &format!("/_emulator/profiles/{id}/enforcement_actions"),
                    json!({"kind": "restriction", "reason": "high_harm", "verify": true}),
                )
                .await;
            let ga = emulator.client_with(|c| c.version = ApiVersion::Ga);
            let again = ga.get(&id).await.unwrap().value;
            index
                .upsert(&[Received::from_profile(&again, How::Retrieve)])
                .await
                .unwrap();
            let profiles = retrieved_ga(&emulator).await;
            let today = time::OffsetDateTime::now_utc().date();
            let figures = index.overview(4, today).await.unwrap();

            assert_eq!(figures.profiles, listed.len() as u64);
            let by_kind: u64 = figures.by_kind.iter().map(|t| t.count).sum();
            assert_eq!(by_kind, figures.profiles);
            for t in &figures.by_kind {
                let listed = ids(&index, &search(&[("access_type", &t.key)])).await;
                assert_eq!(listed.len() as u64, t.count, "access type {}", t.key);
            }
            assert!(!figures.by_program.is_empty());
            for t in &figures.by_program {
                let (name, status) = &t.key;
                let model = profiles
                    .iter()
                    .filter(|r| {
                        r.profile
                            .standing()
                            .contains(&(name.clone(), status.clone()))
                    })
                    .count();
                assert_eq!(t.count, model as u64, "{name}: {status}");
                if GrantFilter::ALL.iter().any(|g| g.as_str() == status) {
                    let query = search(&[("program", name), ("grant", status)]);
                    assert_eq!(ids(&index, &query).await.len(), model, "{name}: {status}");
                }
            }
            let by_enforcement: u64 = figures.by_enforcement.iter().map(|t| t.count).sum();
            assert_eq!(by_enforcement, figures.profiles);
            for t in &figures.by_enforcement {
                let key = t.key.as_deref().expect("every GA profile has a status");
                let listed = ids(&index, &search(&[("enforcement", key)])).await;
                assert_eq!(listed.len() as u64, t.count, "enforcement {key}");
            }
            assert!(figures.by_reason.iter().any(|t| t.key == "high_harm"));
            for t in &figures.by_reason {
                let model = profiles
                    .iter()
                    .filter(|r| r.profile.action_reasons().contains(&t.key))
                    .count();
                assert_eq!(t.count, model as u64, "reason {}", t.key);
                let listed = ids(&index, &search(&[("reason", &t.key)])).await;
                assert_eq!(listed.len(), model, "reason {}", t.key);
            }
            assert_eq!(figures.created.len(), 4);
            assert_eq!(figures.created.last().unwrap().last, today);
            for week in &figures.created {
                let listed = ids(&index, &created_in_week(week.last)).await;
                assert_eq!(listed.len() as u64, week.count, "created to {}", week.last);
            }
            let this_week = figures.changes.last().unwrap();
            assert!(this_week.count >= 2, "the action and the status it changed");
            for week in &figures.changes {
                let counted = index
                    .queue_counts(
                        &[Tab::Changed],
                        14,
                        changed_in_week(week.last),
                        false,
                        &SearchQuery::default(),
                    )
                    .await
                    .unwrap();
                assert_eq!(counted[0].1, week.count, "changes to {}", week.last);
            }
            let older = index
                .queue_counts(
                    &[Tab::Changed],
                    14,
                    changed_in_week(today - time::Duration::days(7)),
                    false,
                    &SearchQuery::default(),
                )
                .await
                .unwrap();
            assert_eq!(older[0].1, 0, "last week saw no change");
            // The queue's tabs take the search page's filters: a tab filtered lists and
            // counts what the tab and the search have in common.
            let kind = again.kind().to_owned();
            let filters = search(&[("access_type", &kind), ("reason", "high_harm")]);
            let application: std::collections::BTreeSet<String> =
                ids(&index, &filters).await.into_iter().collect();
            for tab in [Tab::CanClear, Tab::Restricted, Tab::Expiring, Tab::Waiting] {
                let every: std::collections::BTreeSet<String> =
                    whole_tab(&index, tab, 14).await.into_iter().collect();
                let (rows, more) = index
                    .queue_page(tab, 14, None, false, &filters, 1000)
                    .await
                    .unwrap();
                assert!(!more);
                let narrowed: std::collections::BTreeSet<String> =
                    rows.into_iter().map(|r| r.id).collect();
                let expected: std::collections::BTreeSet<String> =
                    every.intersection(&application).cloned().collect();
                assert_eq!(narrowed, expected, "{tab:?}");
                let counted = index
                    .queue_counts(&[tab], 14, 7, false, &filters)
                    .await
                    .unwrap();
                assert_eq!(counted[0].1, expected.len() as u64, "{tab:?}");
                if tab == Tab::CanClear {
                    assert!(
                        expected.contains(id.as_str()),
                        "the profile just restricted"
                    );
                }
            }
            assert!(!figures.top_keys.is_empty());
            assert!(figures
                .top_keys
                .windows(2)
                .all(|w| w[0].count >= w[1].count));
            for t in &figures.top_keys {
                let listed = ids(&index, &search(&[("has_key", &t.key)])).await;
                assert_eq!(listed.len() as u64, t.count, "key {}", t.key);
            }
            // A profile gone leaves every figure at once (counted afresh).
            let gone = &listed[2].profile;
            index.mark_gone(gone.id.as_str()).await.unwrap();
            let fresh = Index::open(&db).await.unwrap();
            let after = fresh.overview(4, today).await.unwrap();
            assert_eq!(after.profiles, figures.profiles - 1);
            let held = |f: &profiles_admin::index::figures::Figures| -> u64 {
                f.by_program.iter().map(|t| t.count).sum()
            };
            let standing = profiles
                .iter()
                .find(|r| r.profile.id == gone.id)
                .map(|r| r.profile.standing().len())
                .unwrap();
            assert_eq!(held(&figures) - held(&after), standing as u64);
            for t in &after.top_keys {
                let listed = ids(&fresh, &search(&[("has_key", &t.key)])).await;
                assert_eq!(listed.len() as u64, t.count, "key {} after one went", t.key);
            }
        })
    })
    .await;
}

#[tokio::test]
async fn short_text_looks_through_a_bounded_stretch_per_page_and_misses_nothing() {
    on_both(|db| {
        Box::pin(async move {
            let emulator = TestEmulator::start().await;
            let index = Index::open(&db).await.unwrap().with_short_text_scan(7);
            let listed = listed_ga(&emulator).await;
            index.upsert(&listed).await.unwrap();
            for (text, sort) in [("zo", "newest"), ("ë", "name"), ("1", "oldest")] {
                // What the search must find: every profile holding the text, ignoring case.
                let expected: std::collections::BTreeSet<String> = listed
                    .iter()
                    .filter(|r| {
                        let p = &r.profile;
                        let mut held = vec![p.id.to_string()];
                        held.extend(p.external_id().map(str::to_owned));
                        held.extend(p.name.clone());
                        if let Some(d) = &p.external_user_details {
                            held.extend(d.email_hash.clone());
                            held.extend(d.name_hash.clone());
                        }
                        for (k, v) in &p.metadata {
                            held.push(k.to_string());
                            held.push(v.to_string());
                        }
                        held.iter().any(|h| h.to_lowercase().contains(text))
                    })
                    .map(|r| r.profile.id.to_string())
                    .collect();
                let mut query = search(&[("q", text), ("sort", sort)]);
                let (mut found, mut stopped) = (Vec::new(), 0);
                loop {
                    let page = index.search(&query).await.unwrap();
                    assert!(page.hits.len() <= 25);
                    if page.looked_through.is_some() {
                        stopped += 1;
                        assert_eq!(page.looked_through, Some(7));
                        assert!(page.next.is_some(), "{text}: a stopped page goes on");
                    }
                    found.extend(page.hits.into_iter().map(|h| h.id));
                    match page.next {
                        Some(next) => query = query.next_page(next),
                        None => break,
                    }
                }
                let unique: std::collections::BTreeSet<String> = found.iter().cloned().collect();
                assert_eq!(unique.len(), found.len(), "{text}: a profile on two pages");
                assert_eq!(unique, expected, "{text} ({sort})");
                assert!(stopped > 0, "{text}: 150 profiles at 7 a page stop early");
            }
        })
    })
    .await;
}

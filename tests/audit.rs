//! The audit trail through the console's real router (`oneshot`), against the emulator over
//! loopback, on SQLite and on PostgreSQL: every mutation path writes exactly one entry with
//! its diff, failures and refusals are recorded, nothing is changed unrecorded, entries
//! survive a restart, and the log reads back filtered, paged and as CSV.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use common::{on_shared_runtime, TestDatabase, TestEmulator};
use leptos::server_fn::error::FromServerFnError;
use profiles_admin::audit::query::Filter;
use profiles_admin::audit::store::AuditLog;
use profiles_admin::audit::{Action, Change, Entry, EntryPage, Outcome};
use profiles_admin::db::Database;
use profiles_admin::error::AppError;
use profiles_admin::profiles::model::{EnrollmentUrl, Profile};
use serde_json::{json, Value};

/// The open demo console (its visitor is `demo`, an admin) on one test database.
struct Console {
    router: Router,
    emulator: TestEmulator,
    data: TestDatabase,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Console {
    async fn on(data: TestDatabase) -> Self {
        let emulator = TestEmulator::start().await;
        let router = common::open_console_router(emulator.client(), &data.db).await;
        Self {
            router,
            emulator,
            data,
        }
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let (status, headers, body) = common::oneshot(&self.router, request).await;
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn json(&self, path: &str, body: Value) -> Reply {
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    async fn form(&self, path: &str, body: &str) -> Reply {
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// A page, or a download, as a browser asks for it. Pages come without the hydration
    /// markers (`<!>`) that views put after some dynamic text.
    async fn get(&self, path: &str) -> Reply {
        let mut reply = self
            .send(
                Request::get(path)
                    .header(header::ACCEPT, "text/html")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        reply.body = reply.body.replace("<!>", "");
        reply
    }

    /// Every entry, newest first.
    async fn entries(&self) -> Vec<Entry> {
        let page = self
            .data
            .audit()
            .page(&Filter::default(), None, 1000)
            .await
            .unwrap();
        page.entries
    }

    /// Runs `act`, then returns the one entry it must have added.
    async fn one_new_entry(&self, act: impl std::future::Future<Output = Reply>) -> (Reply, Entry) {
        let before = self.entries().await.len();
        let reply = act.await;
        let mut entries = self.entries().await;
        assert_eq!(
            entries.len(),
            before + 1,
            "exactly one entry: {}",
            reply.body
        );
        (reply, entries.remove(0))
    }

    async fn create(&self, profile: Value) -> Profile {
        let reply = self
            .json("/api/profiles/create", json!({ "profile": profile }))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    }
}

fn change(field: &str, old: Option<&str>, new: Option<&str>) -> Change {
    Change {
        field: field.into(),
        old: old.map(Into::into),
        new: new.map(Into::into),
    }
}

fn request_id(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned())
}

fn app_error(body: &str) -> AppError {
    AppError::de(body.as_bytes().to_vec().into())
}

#[test]
fn every_change_writes_exactly_one_entry_with_its_diff_on_both_stores() {
    on_shared_runtime(async {
        for data in TestDatabase::both().await {
            every_change_writes_one_entry(Console::on(data).await).await;
        }
    });
}

async fn every_change_writes_one_entry(console: Console) {
    // Create, through the server function.
    let (reply, entry) = console
        .one_new_entry(console.json(
            "/api/profiles/create",
            json!({"profile": {"name": "Ada", "external_id": "ada-1", "metadata": {"plan": "free"}}}),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let ada: Profile = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        (
            entry.action,
            entry.outcome,
            entry.actor.as_str(),
            entry.role.as_deref()
        ),
        (
            Action::ProfileCreate,
            Outcome::Succeeded,
            "demo",
            Some("admin")
        )
    );
    assert_eq!(entry.profile_id.as_deref(), Some(ada.id.as_str()));
    assert_eq!(
        entry.changes,
        [
            change("external_id", None, Some("ada-1")),
            change("name", None, Some("Ada")),
            change("relationship", None, Some("external")),
            change("metadata.plan", None, Some("free")),
        ]
    );
    assert_eq!(entry.request_id, request_id(&reply));
    assert!(entry.upstream_request_id.is_some(), "{entry:?}");
    assert!(entry.detail.is_none());

    // Update, through the server function: old → new, per field and metadata key.
    let (reply, entry) = console
        .one_new_entry(console.json(
            "/api/profiles/update",
            json!({"id": ada.id, "update": {"name": "Ada Lovelace", "external_id": null,
                   "metadata": {"plan": "pro", "tier": "2"}}}),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        (entry.action, entry.outcome),
        (Action::ProfileUpdate, Outcome::Succeeded)
    );
    assert_eq!(entry.profile_id.as_deref(), Some(ada.id.as_str()));
    assert_eq!(
        entry.changes,
        [
            change("external_id", Some("ada-1"), None),
            change("name", Some("Ada"), Some("Ada Lovelace")),
            change("metadata.plan", Some("free"), Some("pro")),
            change("metadata.tier", None, Some("2")),
        ]
    );

    // Enrollment URL, through the server function: recorded, the URL itself never.
    let (reply, entry) = console
        .one_new_entry(console.form("/api/profiles/enrollment_url", &format!("id={}", ada.id)))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let minted: EnrollmentUrl = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        (entry.action, entry.outcome, entry.changes.len()),
        (Action::EnrollmentUrl, Outcome::Succeeded, 0)
    );

    // The same three through the no-JS form posts.
    let (reply, entry) = console
        .one_new_entry(console.form(
            "/profiles/new",
            "name=Grace&relationship=external&row-0-key=team&row-0-value=navy&intent=save",
        ))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        (entry.action, entry.outcome),
        (Action::ProfileCreate, Outcome::Succeeded)
    );
    assert_eq!(
        entry.changes,
        [
            change("name", None, Some("Grace")),
            change("relationship", None, Some("external")),
            change("metadata.team", None, Some("navy")),
        ]
    );
    let grace = entry.profile_id.clone().unwrap();
    let current: Profile = serde_json::from_str(
        &console
            .form("/api/profiles/get", &format!("id={grace}"))
            .await
            .body,
    )
    .unwrap();
    let edit = format!(
        "name=Grace+Hopper&loaded_name=Grace&relationship=external&loaded_relationship=external\
         &loaded_updated_at={}&row-0-key=team&row-0-value=navy&row-0-orig-key=team\
         &row-0-orig-value=navy&row-0-removed=1&intent=save",
        profiles_admin::timestamp::rfc3339(current.updated_at).replace('+', "%2B")
    );
    let (reply, entry) = console
        .one_new_entry(console.form(&format!("/profiles/{grace}/edit"), &edit))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        entry.changes,
        [
            change("name", Some("Grace"), Some("Grace Hopper")),
            change("metadata.team", Some("navy"), None),
        ]
    );
    let (reply, entry) = console
        .one_new_entry(console.form(&format!("/profiles/{grace}"), ""))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        (entry.action, entry.profile_id.as_deref()),
        (Action::EnrollmentUrl, Some(grace.as_str()))
    );

    // Neither URL is anywhere in the trail.
    let all = serde_json::to_string(&console.entries().await).unwrap();
    assert!(!all.contains(&minted.url), "an enrollment URL was recorded");
    assert!(!all.contains("enroll"), "{all}");
}

#[test]
fn an_admins_index_refresh_is_recorded() {
    on_shared_runtime(async {
        for data in TestDatabase::both().await {
            let console = Console::on(data).await;
            let (reply, entry) = console
                .one_new_entry(console.form("/api/profiles/index-refresh", ""))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(entry.action, Action::IndexRefresh);
            assert_eq!(entry.outcome, Outcome::Succeeded);
            assert_eq!(entry.profile_id, None);
            assert_eq!(entry.role.as_deref(), Some("admin"));
        }
    });
}

#[test]
fn failed_uncertain_and_stale_attempts_are_recorded_and_rejected_input_is_not() {
    on_shared_runtime(async {
        let console = Console::on(TestDatabase::sqlite().await).await;
        let ada = console
            .create(json!({"name": "Ada", "metadata": {"plan": "free"}}))
            .await;

        // The update's read passes; the update itself fails upstream.
        console
            .emulator
            .faults(json!({"sequence": [
                {"kind": "delay", "ms": 0},
                {"kind": "status", "status": 500, "headers": {"x-should-retry": "false"}}
            ]}))
            .await;
        let (reply, entry) = console
            .one_new_entry(console.json(
                "/api/profiles/update",
                json!({"id": ada.id, "update": {"metadata": {"plan": "pro"}}}),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        let AppError::Unavailable {
            request_id: Some(upstream),
        } = app_error(&reply.body)
        else {
            panic!("{}", reply.body)
        };
        assert_eq!(entry.outcome, Outcome::Failed);
        assert_eq!(
            entry.upstream_request_id.as_deref(),
            Some(upstream.as_str())
        );
        assert_eq!(
            entry.detail.as_deref(),
            Some("The User Profiles API is unavailable right now. Please try again.")
        );
        // What was asked, since it did not happen.
        assert_eq!(
            entry.changes,
            [change("metadata.plan", Some("free"), Some("pro"))]
        );

        // A create whose answer never came: it may have happened.
        console
            .emulator
            .faults(json!({"sequence": [{"kind": "drop"}]}))
            .await;
        let (reply, entry) = console
            .one_new_entry(
                console.json("/api/profiles/create", json!({"profile": {"name": "Lost"}})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(
            (entry.action, entry.outcome),
            (Action::ProfileCreate, Outcome::Uncertain)
        );
        assert_eq!(
            entry.changes,
            [
                change("name", None, Some("Lost")),
                change("relationship", None, Some("external"))
            ]
        );

        // A form loaded before someone else's change: refused, and recorded as such.
        let (reply, entry) = console
            .one_new_entry(console.json(
                "/api/profiles/update",
                json!({"id": ada.id, "update": {"name": "Stale"},
                       "unless_changed_since": "2020-01-01T00:00:00Z"}),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::CONFLICT);
        assert_eq!(entry.outcome, Outcome::Refused);
        assert!(entry.detail.unwrap().contains("changed elsewhere"));

        // An id the API does not know: the read before the update fails.
        let (reply, entry) = console
            .one_new_entry(console.json(
                "/api/profiles/update",
                json!({"id": "uprof_01ABCDEFGHJKMNPQRSTVWXYZ99", "update": {"name": "X"}}),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(
            (entry.outcome, entry.detail.as_deref()),
            (Outcome::Failed, Some("This profile does not exist."))
        );

        // Input rejected before any upstream call is not an attempt on the API.
        let before = console.entries().await.len();
        let reply = console
            .json(
                "/api/profiles/update",
                json!({"id": ada.id, "update": {"metadata": {"": "x"}}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        let reply = console
            .json(
                "/api/profiles/create",
                json!({"profile": {"name": "x".repeat(300)}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(console.entries().await.len(), before);
    });
}

#[test]
fn nothing_is_changed_when_the_audit_trail_cannot_be_written() {
    on_shared_runtime(async {
        for data in TestDatabase::both().await {
            let console = Console::on(data).await;
            let ada = console.create(json!({"name": "Ada"})).await;
            console.data.db.pool().close().await;
            console.emulator.forget_requests().await;
            let refused = [
                console
                    .json(
                        "/api/profiles/update",
                        json!({"id": ada.id, "update": {"name": "B"}}),
                    )
                    .await,
                console
                    .json("/api/profiles/create", json!({"profile": {"name": "C"}}))
                    .await,
                console
                    .form("/api/profiles/enrollment_url", &format!("id={}", ada.id))
                    .await,
            ];
            for reply in refused {
                assert_eq!(
                    reply.status,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "{}",
                    reply.body
                );
                assert_eq!(app_error(&reply.body), AppError::AuditUnavailable);
            }
            // The no-JS form says so too, and keeps what was typed.
            let page = console
                .form(
                    "/profiles/new",
                    "name=Typed+by+hand&relationship=external&intent=save",
                )
                .await;
            assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
            assert!(page
                .body
                .contains("The audit trail cannot be written right now"));
            assert!(page.body.contains("Typed by hand"));
            assert!(
                console.emulator.seen().await.is_empty(),
                "a change reached the API unrecorded"
            );
        }
    });
}

#[test]
fn entries_survive_a_restart_and_every_console_on_one_database_sees_them() {
    on_shared_runtime(async {
        for data in TestDatabase::both().await {
            let location = data.location.clone();
            let console = Console::on(data).await;
            let ada = console.create(json!({"name": "Ada"})).await;
            let written = console.entries().await;
            // The console stops (its data directory stays).
            let Console { data, .. } = console;
            data.db.pool().close().await;
            // A restart, or a second console instance on the same database.
            let again = AuditLog::new(&Database::open(&location).await.unwrap());
            let read = again.page(&Filter::default(), None, 100).await.unwrap();
            assert_eq!(read.entries, written);
            assert_eq!(read.entries[0].profile_id.as_deref(), Some(ada.id.as_str()));
            drop(data);
        }
    });
}

#[test]
fn values_are_stored_and_shown_as_data_never_as_markup_or_new_entries() {
    on_shared_runtime(async {
        let console = Console::on(TestDatabase::sqlite().await).await;
        let hostile = "<img src=x onerror=alert(1)>\nsucceeded,admin,forged";
        let ada = console
            .create(json!({"name": hostile, "metadata": {"note": "=HYPERLINK(\"http://x\")"}}))
            .await;
        let entries = console.entries().await;
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].changes[0], change("name", None, Some(hostile)));

        let page = console.get(&format!("/profiles/{}", ada.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("History"), "{}", page.body);
        assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!page.body.contains("<img src=x"));

        let csv = console.get("/audit.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        // One header and one record: the newline stays inside its quoted cell, and the
        // formula is defused.
        let records = csv.body.split("\r\n").filter(|r| !r.is_empty()).count();
        assert_eq!(records, 2, "{}", csv.body);
        assert!(csv.body.contains("metadata.note: (not set) → =HYPERLINK"));
        assert!(csv
            .body
            .contains("\"name: (not set) → <img src=x onerror=alert(1)>\nsucceeded,admin,forged"));
    });
}

/// An entry written directly, to test reading with known times.
fn seeded(n: usize, at: &str, actor: &str, action: Action, profile: &str) -> Entry {
    Entry {
        id: format!("{n:032x}"),
        at: at.into(),
        actor: actor.into(),
        role: Some("editor".into()),
        action,
        profile_id: Some(profile.into()),
        outcome: Outcome::Succeeded,
        detail: None,
        changes: vec![change("name", Some("a"), Some(&format!("v{n}")))],
        request_id: None,
        upstream_request_id: None,
    }
}

async fn log_page(console: &Console, query: &str) -> Result<EntryPage, AppError> {
    let reply = console.form("/api/audit/log", query).await;
    if reply.status == StatusCode::OK {
        Ok(serde_json::from_str(&reply.body).unwrap())
    } else {
        Err(app_error(&reply.body))
    }
}

#[test]
fn the_log_filters_pages_without_skipping_ties_and_downloads_what_it_shows() {
    on_shared_runtime(async {
        for data in TestDatabase::both().await {
            the_log_filters_and_pages(Console::on(data).await).await;
        }
    });
}

async fn the_log_filters_and_pages(console: Console) {
    let log = console.data.audit();
    let p1 = "uprof_01ABCDEFGHJKMNPQRSTVWXYZ01";
    let p2 = "uprof_01ABCDEFGHJKMNPQRSTVWXYZ02";
    // 60 entries over two days, many sharing a timestamp.
    for n in 0..60 {
        let day = if n < 30 { "2026-03-01" } else { "2026-03-02" };
        let at = format!("{day}T10:00:{:02}.000000Z", n / 7);
        let (actor, action, profile) = match n % 3 {
            0 => ("alice", Action::ProfileUpdate, p1),
            1 => ("bob", Action::ProfileCreate, p2),
            _ => ("alice", Action::EnrollmentUrl, p2),
        };
        log.append(&seeded(n, &at, actor, action, profile))
            .await
            .unwrap();
    }

    // Paging through everything gives each entry once, newest first.
    let mut seen = Vec::new();
    let mut query = String::new();
    loop {
        let page = log_page(&console, &query).await.unwrap();
        assert!(page.entries.len() <= 25);
        seen.extend(page.entries);
        match page.next {
            Some(next) => query = format!("page={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 60);
    let mut ids: Vec<&str> = seen.iter().map(|e| e.id.as_str()).collect();
    let in_order = seen
        .windows(2)
        .all(|w| (w[0].at.as_str(), w[0].id.as_str()) > (w[1].at.as_str(), w[1].id.as_str()));
    assert!(in_order);
    ids.dedup();
    assert_eq!(ids.len(), 60);

    // Filters, alone and together.
    let count = |query: String| {
        let console = &console;
        async move { log_page(console, &query).await.unwrap().entries.len() }
    };
    assert_eq!(count("actor=bob".into()).await, 20);
    assert_eq!(
        count("actor=BOB".into()).await,
        20,
        "names are compared without case"
    );
    assert_eq!(count("action=enrollment_url.create".into()).await, 20);
    assert_eq!(count(format!("profile={p1}")).await, 20);
    assert_eq!(
        count("from=2026-03-02".into()).await,
        25,
        "first page of 30"
    );
    assert_eq!(
        count("from=2026-03-01&to=2026-03-01&actor=alice".into()).await,
        20
    );
    assert_eq!(count("to=2026-02-28".into()).await, 0);
    let alice_updates = log_page(&console, "actor=alice&action=profile.update&to=2026-03-01")
        .await
        .unwrap();
    assert_eq!(alice_updates.entries.len(), 10);
    assert!(alice_updates.entries.iter().all(|e| e.actor == "alice"
        && e.action == Action::ProfileUpdate
        && e.at.as_str() < "2026-03-02"));

    // Paging a filtered view: each of alice's 40 entries once, across equal times.
    let first = log_page(&console, "actor=alice").await.unwrap();
    let next = first.next.clone().expect("a second page");
    let second = log_page(&console, &format!("actor=alice&page={next}"))
        .await
        .unwrap();
    let mut alice: Vec<&str> = first
        .entries
        .iter()
        .chain(&second.entries)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!((alice.len(), second.next.as_deref()), (40, None));
    alice.sort_unstable();
    alice.dedup();
    assert_eq!(alice.len(), 40);

    // A profile's history is its entries only.
    let history = console
        .form("/api/audit/history", &format!("id={p1}"))
        .await;
    let history: EntryPage = serde_json::from_str(&history.body).unwrap();
    assert_eq!(history.entries.len(), 20);
    assert!(history
        .entries
        .iter()
        .all(|e| e.profile_id.as_deref() == Some(p1)));

    // Bad filters are each named.
    let Err(AppError::Invalid { errors, .. }) =
        log_page(&console, "action=drop+table&from=yesterday&page=%27%3B--").await
    else {
        panic!("bad filters accepted")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["action", "from", "page"]);

    // The CSV is the filtered view, every page of it.
    let csv = console
        .get("/audit.csv?actor=alice&action=&from=2026-03-01")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(csv.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let rows: Vec<&str> = csv.body.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert!(rows[0].starts_with("time_utc,actor,role,action"));
    assert_eq!(rows.len(), 1 + 40);
    assert!(rows[1..]
        .iter()
        .all(|r| r.split(',').nth(1) == Some("alice")));
    assert_eq!(
        console.get("/audit.csv?from=never").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[test]
fn the_pages_show_the_history_and_the_log_with_working_filters() {
    on_shared_runtime(async {
        let console = Console::on(TestDatabase::sqlite().await).await;
        let ada = console.create(json!({"name": "Ada"})).await;
        console
            .json(
                "/api/profiles/update",
                json!({"id": ada.id, "update": {"name": "Ada L"}}),
            )
            .await;
        let detail = console.get(&format!("/profiles/{}", ada.id)).await;
        assert!(detail.body.contains(r#"id="history""#));
        assert!(detail.body.contains("<td>Updated profile</td>"));
        assert!(detail.body.contains("<td>Created profile</td>"));
        assert!(
            detail
                .body
                .contains("<del><span class=\"mono\">Ada</span></del>"),
            "{}",
            detail.body
        );

        // 27 entries: the History shows 25 and links to the rest.
        for _ in 0..25 {
            console
                .form("/api/profiles/enrollment_url", &format!("id={}", ada.id))
                .await;
        }
        let first = console.get(&format!("/profiles/{}", ada.id)).await;
        assert_eq!(
            first
                .body
                .matches("<td>Generated enrollment URL</td>")
                .count(),
            25
        );
        let prefix = format!(r#"href="/profiles/{}?history="#, ada.id);
        let start = first.body.find(&prefix).expect("an Older entries link") + 6;
        let older = &first.body[start..start + first.body[start..].find('"').unwrap()];
        assert!(older.ends_with("#history"), "{older}");
        let second = console.get(older.trim_end_matches("#history")).await;
        assert!(second.body.contains("<td>Updated profile</td>"));
        assert!(second.body.contains("<td>Created profile</td>"));
        assert_eq!(
            second
                .body
                .matches("<td>Generated enrollment URL</td>")
                .count(),
            0
        );
        assert!(second.body.contains("Newest entries"));
        assert!(!second.body.contains("Older entries"));

        let log = console.get("/audit?action=profile.update").await;
        assert_eq!(log.status, StatusCode::OK);
        assert!(log.body.contains("<td>Updated profile</td>"));
        assert!(!log.body.contains("<td>Created profile</td>"));
        assert!(log
            .body
            .contains(r#"href="/audit.csv?action=profile.update""#));
        let bad = console.get("/audit?from=2026-13-01").await;
        assert!(
            bad.body.contains("is not a date (YYYY-MM-DD)"),
            "{}",
            bad.body
        );
        assert!(
            bad.body.contains(r#"value="2026-13-01""#),
            "what was typed stays"
        );
    });
}

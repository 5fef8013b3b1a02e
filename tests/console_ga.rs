//! The console speaking GA (`PROFILES_API_VERSION=ga`) through its real router, with the
//! client talking to the emulator over loopback: the headers and bodies GA takes, the
//! fields GA cannot take refused before any upstream call, the API's own refusals next to
//! their field, enrollment through an action URL, and audit entries naming GA fields.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{on_shared_runtime, TestDatabase, TestEmulator};
use profiles_admin::audit::query::Filter;
use profiles_admin::audit::Entry;
use profiles_admin::profiles::model::{ApiVersion, Profile};
use serde_json::{json, Value};

struct Console {
    router: axum::Router,
    emulator: TestEmulator,
    data: TestDatabase,
}

impl Console {
    async fn start() -> Self {
        let emulator = TestEmulator::start().await;
        let data = TestDatabase::sqlite().await;
        let upstream = emulator.client_with(|c| c.version = ApiVersion::Ga);
        Self {
            router: common::open_console_router(upstream, &data.db).await,
            emulator,
            data,
        }
    }

    async fn call(&self, endpoint: &str, body: Value) -> (StatusCode, String) {
        let request = Request::post(format!("/api/profiles/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, _, body) = common::oneshot(&self.router, request).await;
        (status, body)
    }

    async fn form(&self, endpoint: &str, body: &str) -> (StatusCode, String) {
        let request = Request::post(format!("/api/profiles/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        let (status, _, body) = common::oneshot(&self.router, request).await;
        (status, body)
    }

    /// Every profile the emulator lists, written into the console's index as a walk
    /// would (these consoles run no sync), and that index.
    async fn index_every_profile(&self) -> profiles_admin::index::Index {
        use profiles_admin::index::received::How;
        use profiles_admin::index::{Index, Received};
        let index = Index::open(&self.data.db).await.unwrap();
        let client = self.emulator.client_with(|c| c.version = ApiVersion::Ga);
        let mut query = profiles_admin::profiles::model::ListQuery {
            limit: profiles_admin::profiles::model::PageSize::new(100).unwrap(),
            ..Default::default()
        };
        loop {
            let page = client.list(&query).await.unwrap().value;
            let listed: Vec<Received> = page
                .data
                .iter()
                .map(|p| Received::from_profile(p, How::Walk))
                .collect();
            index.upsert(&listed).await.unwrap();
            match page.next_page {
                Some(next) => {
                    query.page =
                        Some(profiles_admin::profiles::model::PageCursor::parse(&next).unwrap())
                }
                None => return index,
            }
        }
    }

    async fn entries(&self) -> Vec<Entry> {
        let log = self.data.audit();
        log.page(&Filter::default(), None, 100)
            .await
            .unwrap()
            .entries
    }
}

fn fields(entry: &Entry) -> Vec<&str> {
    entry.changes.iter().map(|c| c.field.as_str()).collect()
}

#[test]
fn a_ga_console_writes_ga_bodies_and_records_ga_fields() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (status, body) = console
            .call(
                "create",
                json!({"profile": {"name": "Acme", "external_id": "acme-1", "access_type": "passthrough",
                    "external_user_details": {"country": "DE", "entity_type": "business"}}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let created: Profile = serde_json::from_str(&body).unwrap();
        assert_eq!(created.external_id(), Some("acme-1"));
        assert_eq!(created.kind(), "passthrough");
        assert_eq!(created.relationship, None);
        let details = created.external_user_details.clone().unwrap();
        assert_eq!(
            (details.country.as_deref(), details.entity_type.as_deref()),
            (Some("DE"), Some("business"))
        );
        let seen = console.emulator.seen().await;
        let create = seen.iter().find(|r| r.method == "POST").unwrap();
        assert!(
            create
                .anthropic_beta
                .as_deref()
                .is_none_or(|b| !b.contains("user-profiles")),
            "GA sends no user-profiles beta: {:?}",
            create.anthropic_beta
        );
        let entry = &console.entries().await[0];
        let named = fields(entry);
        assert_eq!(
            named[..5],
            [
                "external_user_details.country",
                "external_user_details.entity_type",
                "external_user_details.reference_id",
                "name",
                "access_type",
            ],
            "{named:?}"
        );
        assert!(!named.contains(&"external_id") && !named.contains(&"relationship"));

        // Refused by the console before any upstream call: what GA cannot take.
        let calls = console.emulator.seen().await.len();
        for (update, field) in [
            (json!({"external_id": null}), "external_id"),
            (json!({"relationship": "internal"}), "relationship"),
            (
                json!({"external_user_details": {"country": "de"}}),
                "external_user_details.country",
            ),
        ] {
            let (status, body) = console
                .call("update", json!({"id": created.id, "update": update}))
                .await;
            assert_eq!(status, 400, "{body}");
            assert!(body.contains(field), "{field}: {body}");
        }
        assert_eq!(
            console.emulator.seen().await.len(),
            calls,
            "nothing went upstream"
        );

        // Refused by the API, next to its field: a time too far in the future.
        let (status, body) = console
            .call(
                "update",
                json!({"id": created.id, "update": {"external_user_details": {"onboarded_at": "2999-01-01T00:00:00Z"}}}),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert!(
            body.contains("external_user_details.onboarded_at"),
            "{body}"
        );

        let (status, body) = console
            .call(
                "update",
                json!({"id": created.id, "update": {"external_id": "acme-2",
                    "external_user_details": {"country": "FR", "account_status": "suspended"}}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let updated: Profile = serde_json::from_str(&body).unwrap();
        assert_eq!(updated.external_id(), Some("acme-2"));
        let entry = &console.entries().await[0];
        assert_eq!(
            fields(entry),
            [
                "external_user_details.account_status",
                "external_user_details.country",
                "external_user_details.reference_id"
            ]
        );
        assert_eq!(entry.changes[1].old.as_deref(), Some("DE"));
        assert_eq!(entry.changes[1].new.as_deref(), Some("FR"));

        let (status, body) = console
            .form("enrollment_url", &format!("id={}", created.id))
            .await;
        assert_eq!(status, 200, "{body}");
        let link: Value = serde_json::from_str(&body).unwrap();
        assert!(link["url"].as_str().unwrap().starts_with("https://"));
        let last = console.emulator.seen().await.pop().unwrap();
        assert!(last.uri.ends_with("/action_urls"), "{}", last.uri);
    });
}

#[test]
fn the_list_takes_gas_enforcement_filter_and_a_beta_console_refuses_it() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let mut page: Option<String> = None;
        let mut found = 0;
        let mut pages = 0;
        loop {
            let mut form = "limit=20&order=desc&enforcement=restricted".to_owned();
            if let Some(cursor) = &page {
                form.push_str(&format!("&page={cursor}"));
            }
            let (status, body) = console.form("list", &form).await;
            assert_eq!(status, 200, "{body}");
            let listed: Value = serde_json::from_str(&body).unwrap();
            for profile in listed["data"].as_array().unwrap() {
                assert_eq!(profile["enforcement_status"], "restricted");
                found += 1;
            }
            pages += 1;
            match listed["next_page"].as_str() {
                Some(next) => page = Some(next.to_owned()),
                None => break,
            }
        }
        assert!(found > 0 && pages > 1, "{found} in {pages} pages");
        let lists: Vec<String> = console
            .emulator
            .seen()
            .await
            .into_iter()
            .map(|r| r.uri)
            .filter(|uri| uri.starts_with("/v1/user_profiles?"))
            .collect();
        assert_eq!(lists.len(), pages);
        assert!(
            lists
                .iter()
                .all(|uri| uri.contains("enforcement_status%5B%5D=restricted")),
            "{lists:?}"
        );

        let (status, body) = console
            .form("list", "limit=20&order=desc&enforcement=frozen")
            .await;
        assert_eq!(status, 400);
        assert!(body.contains("enforcement"), "{body}");

        let emulator = TestEmulator::start().await;
        let data = TestDatabase::sqlite().await;
        let beta = common::open_console_router(emulator.client(), &data.db).await;
        let request = Request::post("/api/profiles/list")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("limit=20&order=desc&enforcement=restricted"))
            .unwrap();
        let (status, _, body) = common::oneshot(&beta, request).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("is a GA filter"), "{body}");
        assert!(
            emulator.seen().await.is_empty(),
            "refused before any upstream call"
        );
    });
}

#[test]
fn the_client_speaking_ga_reads_every_page_and_deletes() {
    on_shared_runtime(async {
        let emulator = TestEmulator::start().await;
        let client = emulator.client_with(|c| c.version = ApiVersion::Ga);
        let mut query = profiles_admin::profiles::model::ListQuery {
            limit: profiles_admin::profiles::model::PageSize::new(100).unwrap(),
            ..Default::default()
        };
        let mut listed = Vec::new();
        loop {
            let page = client.list(&query).await.unwrap().value;
            listed.extend(page.data);
            match page.next_page {
                Some(next) => {
                    query.page =
                        Some(profiles_admin::profiles::model::PageCursor::parse(&next).unwrap())
                }
                None => break,
            }
        }
        assert_eq!(listed.len(), profiles_admin::emulator::seed::SEED_COUNT);
        assert!(listed
            .iter()
            .all(|p| p.relationship.is_none() && p.access_type.is_some()));
        assert!(listed.iter().any(|p| p
            .enforcement_actions
            .as_ref()
            .is_some_and(|a| !a.is_empty())));

        let one = &listed[0];
        let full = client.get(&one.id).await.unwrap().value;
        assert_eq!(full.external_id(), one.external_id());
        let deleted = client.delete(&one.id).await.unwrap().value;
        assert_eq!(deleted.id, one.id);
        for error in [
            client.get(&one.id).await.unwrap_err(),
            client.enrollment_url(&one.id).await.unwrap_err(),
            client.delete(&one.id).await.unwrap_err(),
        ] {
            assert_eq!(error.kind, profiles_admin::upstream::ErrorKind::NotFound);
        }
    });
}

/// A profile's page shows its status timeline: nothing for a profile as first seen, then
/// each change once, in words, however often the page is read.
#[test]
fn a_profiles_page_shows_each_status_change_once_in_its_timeline() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (status, body) = console
            .call("create", json!({"profile": {"name": "Timeline Co"}}))
            .await;
        assert_eq!(status, 200, "{body}");
        let id = serde_json::from_str::<Profile>(&body).unwrap().id;
        let page = || async {
            let request = Request::get(format!("/profiles/{id}"))
                .body(Body::empty())
                .unwrap();
            let (status, _, html) = common::oneshot(&console.router, request).await;
            assert_eq!(status, StatusCode::OK);
            html
        };
        let html = page().await;
        assert!(html.contains("Status timeline"), "{html}");
        assert!(html.contains("No status change observed"));

        let (status, _) = console
            .emulator
            .hook(
                reqwest::Method::POST,
                &format!("/_emulator/profiles/{id}/enforcement_actions"),
                json!({"kind": "restriction", "reason": "unsupported_region", "verify": true,
                       "expires_at": "2027-01-01T00:00:00Z"}),
            )
            .await;
        assert_eq!(status, 200);
        page().await;
        let html = page().await;
        assert!(!html.contains("No status change observed"));
        assert_eq!(
            html.matches("unrestricted → restricted").count(),
            1,
            "{html}"
        );
        assert!(html.contains("Enforcement action enac_"));
        assert!(html.contains(
            "Restriction, Unsupported region, can be cleared now with an identity check, expires 2027-01-01 00:00 UTC"
        ));
        let (status, body) = console.form("status-timeline", &format!("id={id}")).await;
        assert_eq!(status, StatusCode::OK);
        let timeline: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(timeline["rows"].as_array().unwrap().len(), 2, "{body}");
        assert_eq!(timeline["rows"][0]["how"], "retrieve");
        assert_eq!(
            console.form("status-timeline", "id=..%2F").await.0,
            StatusCode::NOT_FOUND
        );
    });
}

/// `/review`: each tab a link with its count; on *Can clear now* an admin generates a
/// row's link in place, shown once in that row and never cached, and the row says when
/// and by whom; a bad address is refused by its field.
#[test]
fn the_review_queue_lists_who_can_clear_now_and_generates_their_link_in_place() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let index = console.index_every_profile().await;
        let (rows, _) = index
            .queue_page(
                profiles_admin::review::tabs::Tab::CanClear,
                14,
                None,
                false,
                &Default::default(),
                100,
            )
            .await
            .unwrap();
        let first = rows
            .first()
            .expect("the seed has someone who can clear now")
            .id
            .clone();
        let get = |path: String| {
            let router = console.router.clone();
            async move {
                let request = Request::get(path).body(Body::empty()).unwrap();
                let (status, headers, html) = common::oneshot(&router, request).await;
                // Without the renderer's markers, to read as a user would.
                (status, headers, html.replace("<!>", ""))
            }
        };
        let (status, _, html) = get("/review".into()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(r#"href="/review""#),
            "the navigation links to it"
        );
        let tab = format!(
            r#"<a href="/review?tab=can-clear" aria-current="page">Can clear now <span class="count">{}</span></a>"#,
            rows.len()
        );
        assert!(html.contains(&tab), "{html}");
        for label in [
            "Waiting on Anthropic",
            "Restricted",
            "Banned",
            "Rejected",
            "Expiring soon",
            "Changed recently",
        ] {
            assert!(html.contains(label), "{label}");
        }
        assert!(html.contains(&format!("href=\"/profiles/{first}")));
        assert!(html.contains("No link generated from this console yet"));
        assert!(html.contains("Generate enrollment link"));

        let request = Request::post("/review?tab=can-clear")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("profile={first}")))
            .unwrap();
        let (status, headers, html) = common::oneshot(&console.router, request).await;
        let html = html.replace("<!>", "");
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("no-store"));
        assert!(html.contains("class=\"enrollment-url"), "{html}");
        assert!(html.contains("Link last generated"));
        let minted = console.entries().await;
        assert_eq!(
            minted[0].action,
            profiles_admin::audit::Action::EnrollmentUrl
        );
        assert_eq!(minted[0].profile_id.as_deref(), Some(first.as_str()));
        // The link is in the answer only: the next look at the queue shows who and when.
        let (_, _, html) = get("/review?tab=can-clear".into()).await;
        assert!(!html.contains("class=\"enrollment-url"));

        // Search says how old the programs it shows are.
        let (_, _, html) = get("/profiles/search?q=uprof".into()).await;
        assert!(
            html.contains("profiles&#x27;s programs are not yet retrieved")
                || html.contains("profiles' programs are not yet retrieved"),
            "{html}"
        );
        assert!(html.contains("as a list shows them: not yet retrieved"));
        // The tab as a file: every row, and the page links to it.
        let (status, headers, file) = get("/review.csv?tab=can-clear".into()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("review-can-clear.csv"));
        let exported = csv::Reader::from_reader(file.as_bytes()).records().count();
        assert_eq!(exported, rows.len());
        let (_, _, html) = get("/review?tab=can-clear".into()).await;
        assert!(
            html.contains(r#"href="/review.csv?tab=can-clear""#),
            "{html}"
        );
        assert!(html.contains("Export JSON Lines"));
        let (_, _, html) = get("/review?tab=everyone".into()).await;
        assert!(html.contains("is not a tab of the review queue"), "{html}");
        let (_, _, html) = get("/review?tab=expiring&days=999".into()).await;
        assert!(html.contains("must be a whole number of days from 1 to 366"));
    });
}

/// "Mark followed up": a refused note comes back with what was typed, next to its field;
/// a saved one is recorded, shown in the row and on the profile, and "Hide followed up"
/// hides the row until a status of the profile changes again.
#[test]
fn a_row_marked_followed_up_hides_until_its_status_changes() {
    use profiles_admin::index::received::How;
    use profiles_admin::index::Received;
    on_shared_runtime(async {
        let console = Console::start().await;
        let client = console.emulator.client_with(|c| c.version = ApiVersion::Ga);
        let index = console.index_every_profile().await;
        let (rows, _) = index
            .queue_page(
                profiles_admin::review::tabs::Tab::Restricted,
                14,
                None,
                false,
                &Default::default(),
                100,
            )
            .await
            .unwrap();
        let id = rows[0].id.clone();
        let get = |path: String| {
            let router = console.router.clone();
            async move {
                let request = Request::get(path).body(Body::empty()).unwrap();
                let (status, _, html) = common::oneshot(&router, request).await;
                assert_eq!(status, StatusCode::OK);
                html.replace("<!>", "")
            }
        };
        let post = |body: String| {
            let router = console.router.clone();
            async move {
                let request = Request::post("/review?tab=restricted")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap();
                let (status, headers, html) = common::oneshot(&router, request).await;
                (status, headers, html.replace("<!>", ""))
            }
        };

        let (status, _, html) = post(format!(
            "profile={id}&intent=follow-up&note=+&due=2026-13-01"
        ))
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("is required: say what was done"), "{html}");
        assert!(html.contains("must be a date, as YYYY-MM-DD"));
        assert!(
            html.contains(r#"value="2026-13-01""#),
            "what was typed is kept"
        );
        assert!(
            console.entries().await.is_empty(),
            "nothing saved, nothing recorded"
        );

        let (status, headers, _) = post(format!(
            "profile={id}&intent=follow-up&note=Emailed+%3Cb%3Ethe%3C%2Fb%3E+customer&due=2099-01-01"
        ))
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/review?tab=restricted");
        let entry = &console.entries().await[0];
        assert_eq!(entry.action, profiles_admin::audit::Action::ReviewFollowUp);
        assert_eq!(entry.profile_id.as_deref(), Some(id.as_str()));
        assert_eq!(
            entry.changes[0].new.as_deref(),
            Some("Emailed <b>the</b> customer")
        );
        let html = get("/review?tab=restricted".into()).await;
        assert!(
            html.contains("Emailed &lt;b&gt;the&lt;/b&gt; customer; look again by 2099-01-01"),
            "{html}"
        );
        assert!(html.contains("Hide followed up"));
        let hidden = get("/review?tab=restricted&hide=1".into()).await;
        assert!(!hidden.contains(&format!("href=\"/profiles/{id}")));
        assert!(hidden.contains("Show followed up"));
        let profile = get(format!("/profiles/{id}")).await;
        assert!(profile.contains("Emailed &lt;b&gt;the&lt;/b&gt; customer"));

        // A status changes after the follow-up: the row is back.
        let (status, _) = console
            .emulator
            .hook(
                reqwest::Method::POST,
                &format!("/_emulator/profiles/{id}/enforcement_actions"),
                json!({"kind": "ban", "reason": "fraud_or_abuse"}),
            )
            .await;
        assert_eq!(status, 200);
        let profile_id = profiles_admin::profiles::model::ProfileId::parse(&id).unwrap();
        let banned = client.get(&profile_id).await.unwrap().value;
        index
            .upsert(&[Received::from_profile(&banned, How::Retrieve)])
            .await
            .unwrap();
        let back = get("/review?tab=banned&hide=1".into()).await;
        assert!(back.contains(&format!("href=\"/profiles/{id}")), "{back}");
    });
}

/// A search exported as CSV reads back through a real CSV parser, and as JSON Lines
/// through a JSON parser, with hostile metadata staying data; the export is recorded
/// with its filters and row count.
#[test]
fn an_exported_search_reads_back_as_data_in_csv_and_json_lines() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let hostile = json!({
            "formula": "=HYPERLINK(\"http://evil.example\",\"x\")",
            "quotes": "say \"hi\", then go",
            "rtl": "\u{202E}gnp.exe",
            "plus": "+cmd|' /C calc'!A0",
        });
        let (status, body) = console
            .call(
                "create",
                json!({"profile": {"name": "@Export, \"Test\"", "external_id": "export-77",
                    "metadata": hostile}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let id = serde_json::from_str::<Profile>(&body)
            .unwrap()
            .id
            .to_string();
        let get = |path: &'static str| {
            let router = console.router.clone();
            async move {
                let request = Request::get(path).body(Body::empty()).unwrap();
                common::oneshot(&router, request).await
            }
        };

        let (status, headers, csv) = get("/profiles/search.csv?q=export-77").await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("profiles.csv"));
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let names: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(names[..4], ["id", "reference_id", "name", "access_type"]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        let cell = |name: &str| rows[0][names.iter().position(|n| n == name).unwrap()].to_owned();
        assert_eq!(cell("id"), id);
        assert_eq!(cell("name"), "'@Export, \"Test\"");
        assert_eq!(
            cell("metadata.formula"),
            format!("'{}", hostile["formula"].as_str().unwrap())
        );
        assert_eq!(
            cell("metadata.plus"),
            format!("'{}", hostile["plus"].as_str().unwrap())
        );
        assert_eq!(cell("metadata.quotes"), hostile["quotes"].as_str().unwrap());
        assert_eq!(cell("metadata.rtl"), hostile["rtl"].as_str().unwrap());

        let (status, headers, lines) = get("/profiles/search.jsonl?q=export-77").await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/x-ndjson"));
        let objects: Vec<Value> = lines
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0]["id"], id.as_str());
        assert_eq!(objects[0]["metadata"], hostile);

        // Every profile, not one page: the whole search, however many pages it has.
        console.index_every_profile().await;
        let (_, _, all) = get("/profiles/search.csv").await;
        let count = csv::Reader::from_reader(all.as_bytes()).records().count();
        assert_eq!(count, profiles_admin::emulator::seed::SEED_COUNT + 1);

        let exports: Vec<Entry> = console
            .entries()
            .await
            .into_iter()
            .filter(|e| e.action == profiles_admin::audit::Action::ProfilesExport)
            .collect();
        let details: Vec<&str> = exports.iter().filter_map(|e| e.detail.as_deref()).collect();
        assert_eq!(
            details,
            [
                format!(
                    "search (no filter) (csv): {} rows",
                    profiles_admin::emulator::seed::SEED_COUNT + 1
                ),
                "search q=export-77 (jsonl): 1 rows".to_owned(),
                "search q=export-77 (csv): 1 rows".to_owned(),
            ]
        );
    });
}

/// `/overview`: every section of GA's data as a chart and a table, each number a link to
/// the view listing those profiles; a bad range refused by its field.
#[test]
fn the_overview_shows_each_figure_linked_to_the_view_that_lists_it() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let index = console.index_every_profile().await;
        let get = |path: &'static str| {
            let router = console.router.clone();
            async move {
                let request = Request::get(path).body(Body::empty()).unwrap();
                let (status, _, html) = common::oneshot(&router, request).await;
                (status, html.replace("<!>", ""))
            }
        };
        let (status, html) = get("/overview").await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(
            html.contains(r#"href="/overview""#),
            "the navigation links to it"
        );
        for heading in [
            "By access type",
            "Programs by status",
            "By enforcement status",
            "Open enforcement actions by reason",
            "Profiles created per week",
            "Status changes per week",
            "Most used metadata keys",
        ] {
            assert!(html.contains(&format!(">{heading}</h2>")), "{heading}");
        }
        assert!(html.contains(r#"aria-hidden="true" focusable="false" class="chart""#));
        assert!(html.contains(r#"aria-hidden="true""#));
        let today = time::OffsetDateTime::now_utc().date();
        let figures = index.overview(12, today).await.unwrap();
        assert_eq!(figures.created.len(), 12);
        let banned = figures
            .by_enforcement
            .iter()
            .find(|t| t.key.as_deref() == Some("banned"))
            .expect("the seed bans someone");
        assert!(
            html.contains(&format!(
                r#"<a href="/profiles/search?enforcement=banned">{}</a>"#,
                banned.count
            )),
            "{html}"
        );
        assert!(html.contains(&format!(
            r#"<a href="/profiles/search">{}</a>"#,
            figures.profiles
        )));
        let week = profiles_admin::timestamp::ymd(today);
        assert!(html.contains(&format!(
            r#"<a href="/review?tab=changed&amp;until={week}">"#
        )));
        assert!(html.contains("/profiles/search?reason="));
        assert!(html.contains("/profiles/search?has_key="));
        assert!(
            html.contains("/profiles/search?grant=pending&amp;program=cyber")
                || html.contains("/profiles/search?grant=active&amp;program=cyber")
        );
        // The week's link opens Changed recently over that week.
        let (status, html) = get("/review?tab=changed&until=2026-03-09").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("in the 7 days to 2026-03-09 (UTC)"), "{html}");
        let (_, html) = get("/review?tab=banned&until=2026-03-09").await;
        assert!(html.contains("only applies to the Changed recently tab"));
        // The queue takes the search page's filters, kept in its links.
        let (status, html) = get("/review?tab=restricted&access_type=application").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(r#"<details open class="queue-filters">"#),
            "{html}"
        );
        assert!(html.contains(r#"href="/review?tab=banned&amp;access_type=application""#));
        let (_, html) = get("/review?tab=restricted&enforcement=frozen").await;
        assert!(html.contains("must be unrestricted, pending, restricted or banned"));
        let (_, html) = get("/overview?weeks=500").await;
        assert!(
            html.contains("must be a whole number of weeks from 1 to 104"),
            "{html}"
        );
    });
}

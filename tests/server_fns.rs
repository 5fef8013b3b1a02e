//! Server functions and server-rendered pages through the console's real router
//! (`tower::ServiceExt::oneshot`), with the upstream client talking to an emulator over
//! loopback: validation before any upstream call, stable POST-only endpoints, and errors
//! that carry nothing but our own text.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::{on_shared_runtime, TestEmulator};
use leptos::prelude::LeptosOptions;
use leptos::server_fn::error::FromServerFnError;
use profiles_admin::auth::gate::Auth;
use profiles_admin::error::{AppError, FieldError};
use profiles_admin::hardening::Deployment;
use profiles_admin::profiles::form::handover::Saved;
use profiles_admin::profiles::model::{Profile, ProfilePage};
use profiles_admin::router::app;
use profiles_admin::state::AppState;
use profiles_admin::upstream::Client;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

struct Console {
    router: Router,
    emulator: TestEmulator,
    /// The audit trail's database, kept for as long as the console.
    data: common::TestDatabase,
}

impl Console {
    async fn start() -> Self {
        let emulator = TestEmulator::start().await;
        let upstream = emulator.client();
        Self::with(emulator, upstream).await
    }

    async fn with(emulator: TestEmulator, upstream: Client) -> Self {
        let data = common::TestDatabase::sqlite().await;
        Self {
            router: common::open_console_router(upstream, &data.db).await,
            emulator,
            data,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
        common::oneshot(&self.router, request).await
    }

    async fn form(&self, endpoint: &str, body: &str) -> (StatusCode, String) {
        let request = Request::post(format!("/api/profiles/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        let (status, _, body) = self.send(request).await;
        (status, body)
    }

    async fn json(&self, endpoint: &str, body: Value) -> (StatusCode, String) {
        let request = Request::post(format!("/api/profiles/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, _, body) = self.send(request).await;
        (status, body)
    }

    /// A page as a browser asks for it.
    async fn page(&self, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let request = Request::get(path)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    async fn upstream_calls(&self) -> usize {
        self.emulator.seen().await.len()
    }

    async fn some_profile(&self) -> Profile {
        let (_, body) = self.form("list", "limit=1&order=desc").await;
        serde_json::from_str::<ProfilePage>(&body)
            .unwrap()
            .data
            .remove(0)
    }
}

fn app_error(body: &str) -> AppError {
    AppError::de(body.as_bytes().to_vec().into())
}

#[test]
fn list_answers_a_page_and_follows_cursors() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (status, body) = console.form("list", "limit=5&order=asc").await;
        assert_eq!(status, 200);
        let first: ProfilePage = serde_json::from_str(&body).unwrap();
        assert_eq!(first.data.len(), 5);
        let cursor = first.next_page.unwrap();
        let (status, body) = console
            .form("list", &format!("limit=5&order=asc&page={cursor}"))
            .await;
        assert_eq!(status, 200);
        let second: ProfilePage = serde_json::from_str(&body).unwrap();
        assert!(second.data[0].created_at > first.data[4].created_at);
    });
}

#[test]
fn bad_list_parameters_are_rejected_before_any_upstream_call() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (status, body) = console
            .form("list", "limit=500&order=sideways&page=a%26b%3Dc")
            .await;
        assert_eq!(status, 400);
        let AppError::Invalid { errors, .. } = app_error(&body) else {
            panic!("{body}")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "order", "page"]);
        assert_eq!(console.upstream_calls().await, 0);
    });
}

#[test]
fn ids_that_are_not_profile_ids_are_not_found_without_any_upstream_call() {
    on_shared_runtime(async {
        let console = Console::start().await;
        for id in [
            "../../v1/messages",
            "..",
            "%2e%2e",
            "a/b",
            "uprof_x?y=1",
            "",
            "uprof_",
        ] {
            let body = format!("id={}", urlencode(id));
            for endpoint in ["get", "enrollment_url"] {
                let (status, response) = console.form(endpoint, &body).await;
                assert_eq!(status, 404, "{endpoint} {id:?}");
                assert_eq!(app_error(&response), AppError::NotFound);
            }
            let (status, _) = console
                .json("update", json!({"id": id, "update": {"name": "x"}}))
                .await;
            assert_eq!(status, 404, "update {id:?}");
        }
        assert_eq!(console.upstream_calls().await, 0);
    });
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn create_update_get_and_enrollment_work_end_to_end() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (status, body) = console
            .json("create", json!({"profile": {"name": "Zoë", "external_id": "user_1", "metadata": {"plan": "pro"}}}))
            .await;
        assert_eq!(status, 200, "{body}");
        let created: Profile = serde_json::from_str(&body).unwrap();

        let (status, body) = console
            .json("update", json!({"id": created.id, "update": {"name": null, "metadata": {"plan": "", "tier": "gold"}}}))
            .await;
        assert_eq!(status, 200, "{body}");
        let updated: Profile = serde_json::from_str(&body).unwrap();
        assert_eq!(updated.name, None);
        assert_eq!(updated.external_id(), Some("user_1"));
        assert_eq!(updated.metadata.keys().collect::<Vec<_>>(), ["tier"]);

        let (status, body) = console.form("get", &format!("id={}", created.id)).await;
        assert_eq!(status, 200);
        assert_eq!(serde_json::from_str::<Profile>(&body).unwrap(), updated);

        let (status, body) = console
            .form("enrollment_url", &format!("id={}", created.id))
            .await;
        assert_eq!(status, 200);
        assert!(body.contains("https://platform.claude.com/user-profiles/enrollment/"));
    });
}

#[test]
fn invalid_input_is_rejected_by_our_validators_before_any_upstream_call() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let id = console.some_profile().await.id;
        let before = console.upstream_calls().await;
        let long = "v".repeat(513);
        let (status, body) = console
            .json(
                "create",
                json!({"profile": {"name": "", "metadata": {"k": long}}}),
            )
            .await;
        assert_eq!(status, 400);
        let AppError::Invalid { errors, .. } = app_error(&body) else {
            panic!("{body}")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "metadata.k"]);

        let seventeen: serde_json::Map<String, Value> =
            (0..17).map(|i| (format!("k{i}"), json!("v"))).collect();
        let (status, _) = console
            .json(
                "update",
                json!({"id": id, "update": {"metadata": seventeen}}),
            )
            .await;
        assert_eq!(status, 400);
        let (status, _) = console
            .json("create", json!({"profile": {"nickname": "x"}}))
            .await;
        assert_eq!(status, 400, "unknown fields are refused");
        assert_eq!(console.upstream_calls().await, before);
    });
}

#[test]
fn server_functions_answer_post_only() {
    on_shared_runtime(async {
        let console = Console::start().await;
        for endpoint in ["list", "get", "create", "update", "enrollment_url"] {
            let request = Request::builder()
                .method(Method::GET)
                .uri(format!(
                    "/api/profiles/{endpoint}?id=uprof_1&limit=1&order=asc"
                ))
                .body(Body::empty())
                .unwrap();
            let (status, _, _) = console.send(request).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{endpoint}");
        }
        assert_eq!(console.upstream_calls().await, 0);
    });
}

#[test]
fn a_rejected_key_becomes_a_generic_message_without_internals() {
    on_shared_runtime(async {
        let emulator = TestEmulator::start_with_key(Some("sk-ant-the-right-one")).await;
        let upstream =
            emulator.client_with(|c| c.api_key = Some("sk-ant-api03-CANARY-wrong".into()));
        let addr = emulator.addr.to_string();
        let console = Console::with(emulator, upstream).await;
        let (status, body) = console.form("list", "limit=1&order=desc").await;
        assert_eq!(status, 500);
        assert!(matches!(
            app_error(&body),
            AppError::Misconfigured {
                request_id: Some(_)
            }
        ));
        for secret in [
            "CANARY",
            "sk-ant",
            &addr,
            "x-api-key",
            "invalid x-api-key",
            "reqwest",
        ] {
            assert!(!body.contains(secret), "{secret:?} leaked: {body}");
        }
    });
}

#[test]
fn an_overloaded_api_is_unavailable_with_its_request_id() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let step = json!({"kind": "status", "status": 529, "headers": {"retry-after-ms": "10"}});
        console
            .emulator
            .faults(json!({"sequence": [step, step, step]}))
            .await;
        let (status, body) = console.form("list", "limit=1&order=desc").await;
        assert_eq!(status, 503);
        let AppError::Unavailable {
            request_id: Some(id),
        } = app_error(&body)
        else {
            panic!("{body}")
        };
        assert!(id.starts_with("req_"));
        assert!(
            !body.contains("Injected fault"),
            "upstream text stays on the server"
        );
    });
}

#[test]
fn a_create_whose_connection_dropped_is_reported_as_uncertain() {
    on_shared_runtime(async {
        let console = Console::start().await;
        console
            .emulator
            .faults(json!({"sequence": [{"kind": "drop"}]}))
            .await;
        let (status, body) = console.json("create", json!({"profile": {}})).await;
        assert_eq!(status, 504);
        assert!(matches!(app_error(&body), AppError::Uncertain { .. }));
        assert_eq!(console.upstream_calls().await, 1, "never replayed");
    });
}

/// A 2xx the console cannot read: for a write, the API took it (probably made, recorded
/// as uncertain, with the request id); for a read, the API answered something unreadable,
/// an upstream fault rather than the console's.
#[test]
fn an_unreadable_2xx_is_an_unconfirmed_write_or_an_unreadable_read() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let id = console.some_profile().await.id;
        let update = json!({"id": id, "update": {"name": "Unconfirmed"}});

        // The update's "changed elsewhere" read gets the unreadable answer: nothing is sent.
        console
            .emulator
            .faults(json!({"sequence": [{"kind": "malformed"}]}))
            .await;
        let (status, body) = console.json("update", update.clone()).await;
        assert_eq!(status, 502, "{body}");
        assert!(
            matches!(
                app_error(&body),
                AppError::Unreadable {
                    request_id: Some(_)
                }
            ),
            "{body}"
        );

        // The update itself gets it: the API took the write.
        console
            .emulator
            .faults(json!({"sequence": [{"kind": "delay", "ms": 0}, {"kind": "malformed"}]}))
            .await;
        let (status, body) = console.json("update", update).await;
        assert_eq!(status, 502, "{body}");
        let error = app_error(&body);
        let AppError::Unconfirmed {
            request_id: Some(request_id),
        } = &error
        else {
            panic!("{body}")
        };
        assert!(error.to_string().contains("probably made"), "{error}");

        let entries = console
            .data
            .audit()
            .page(&profiles_admin::audit::query::Filter::default(), None, 10)
            .await
            .unwrap()
            .entries;
        let outcomes: Vec<_> = entries.iter().map(|e| e.outcome).collect();
        assert_eq!(
            outcomes,
            [
                profiles_admin::audit::Outcome::Uncertain,
                profiles_admin::audit::Outcome::Failed
            ],
            "newest first: the unconfirmed write, then the one never sent"
        );
        assert_eq!(entries[0].upstream_request_id.as_ref(), Some(request_id));

        // A list read the same way.
        console
            .emulator
            .faults(json!({"sequence": [{"kind": "malformed"}]}))
            .await;
        let (status, body) = console.form("list", "limit=1&order=desc").await;
        assert_eq!(status, 502, "{body}");
        assert!(
            matches!(app_error(&body), AppError::Unreadable { .. }),
            "{body}"
        );
    });
}

// ---- pages -------------------------------------------------------------------------------

#[test]
fn the_list_and_detail_pages_render_on_the_server() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let profile = console.some_profile().await;
        let (status, headers, html) = console.page("/profiles").await;
        assert_eq!(status, 200);
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(html.contains(&format!("href=\"/profiles/{}\"", profile.id)));
        assert!(html.contains(">Next<"));

        let (status, _, html) = console.page(&format!("/profiles/{}", profile.id)).await;
        assert_eq!(status, 200);
        let heading = profile
            .name
            .clone()
            .unwrap_or_else(|| profile.id.to_string());
        assert!(
            html.contains(&format!(
                "<h1 tabindex=\"-1\">{}",
                heading.replace('\'', "&#39;")
            )),
            "{heading}"
        );
    });
}

#[test]
fn malformed_ids_get_a_404_page_without_any_upstream_call() {
    on_shared_runtime(async {
        let console = Console::start().await;
        for path in [
            "/profiles/..%2F..%2Fv1%2Fmessages",
            "/profiles/uprof_x%3Fy%3D1",
            "/profiles/not-an-id",
            "/profiles/uprof_",
        ] {
            let (status, _, html) = console.page(path).await;
            assert_eq!(status, 404, "{path}");
            assert!(html.contains("Not found"), "{path}");
        }
        assert_eq!(console.upstream_calls().await, 0);
        let (status, _, _) = console.page("/profiles/uprof_01doesnotexist").await;
        assert_eq!(status, 404, "an unknown profile is a 404 too");
        assert_eq!(console.upstream_calls().await, 1);
    });
}

#[test]
fn a_bad_list_address_is_a_400_page_and_the_root_redirects() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (status, _, html) = console.page("/profiles?limit=500").await;
        assert_eq!(status, 400);
        assert!(html.contains("limit: must be between 1 and 100"));
        assert_eq!(console.upstream_calls().await, 0);

        let (status, headers, _) = console.page("/").await;
        assert_eq!(status, 302);
        assert_eq!(headers[header::LOCATION], "/profiles");
    });
}

#[test]
fn markup_in_profile_data_is_rendered_as_text() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let name = "</title><script>alert(1)</script>";
        let (_, body) = console
            .json("create", json!({"profile": {"name": name, "metadata": {"x": "\"><img src=x onerror=alert(1)>"}}}))
            .await;
        let created: Profile = serde_json::from_str(&body).unwrap();
        let (status, _, html) = console.page(&format!("/profiles/{}", created.id)).await;
        assert_eq!(status, 200);
        assert!(!html.contains("<script>alert(1)"));
        assert!(!html.contains("<img src=x"));
        assert!(
            !html.contains("</title><script>"),
            "the title is escaped too"
        );
        assert!(html
            .contains("<h1 tabindex=\"-1\">&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    });
}

impl Console {
    /// A plain HTML form post, as a browser without JavaScript sends it.
    async fn post_form(
        &self,
        path: &str,
        pairs: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        self.post_form_accepting(path, pairs, "text/html").await
    }

    /// [`Console::post_form`] with values built by the test.
    async fn post_owned(
        &self,
        path: &str,
        fields: Vec<(&'static str, String)>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post_form(path, &pairs).await
    }

    /// The same form post as the create/edit island sends it (`ui::browser::post_form`).
    async fn post_form_for_json(
        &self,
        path: &str,
        pairs: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        self.post_form_accepting(path, pairs, "application/json")
            .await
    }

    async fn post_form_accepting(
        &self,
        path: &str,
        pairs: &[(&str, &str)],
        accept: &str,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let request = Request::post(path)
            .header(header::ACCEPT, accept)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }
}

#[test]
fn a_posted_create_form_redirects_to_the_new_profile_or_comes_back_with_its_input() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let typed = [
            ("external_id", "ext_<b>"),
            ("name", ""),
            ("relationship", "resold"),
            ("row-0-key", "plan"),
            ("row-0-value", "pro"),
            ("intent", "save"),
        ];
        let (status, headers, html) = console
            .post_form("/profiles/new?from=50~asc~1~", &typed)
            .await;
        assert_eq!(status, 400, "refused: resold without a name");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(html.contains("is required when relationship is \"resold\""));
        assert!(
            html.contains("value=\"ext_&lt;b&gt;\""),
            "typed input kept, escaped"
        );
        assert!(html.contains("value=\"pro\""));
        assert_eq!(
            console.upstream_calls().await,
            0,
            "refused before any upstream call"
        );

        let mut named = typed.to_vec();
        named[1] = ("name", "Acme");
        let (status, headers, _) = console
            .post_form("/profiles/new?from=50~asc~1~", &named)
            .await;
        assert_eq!(status, 303);
        let location = headers[header::LOCATION].to_str().unwrap();
        let id = location
            .strip_prefix("/profiles/")
            .and_then(|rest| rest.strip_suffix("?from=50~asc~1~&done=created"))
            .unwrap_or_else(|| panic!("{location}"));
        let (_, body) = console.form("get", &format!("id={id}")).await;
        let created: Profile = serde_json::from_str(&body).unwrap();
        assert_eq!(created.name.as_deref(), Some("Acme"));
        assert_eq!(created.external_id(), Some("ext_<b>"));
        assert_eq!(created.metadata["plan"], "pro");
    });
}

/// The island's save is the same form post asking for JSON: the same outcome as without
/// JavaScript, as the profile's address to go to or the error, field errors placed on the
/// form's own fields.
#[test]
fn an_islands_form_post_gets_the_same_outcome_as_json() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let mut typed = vec![
            ("external_id", "ext_json"),
            ("name", ""),
            ("relationship", "resold"),
            ("row-0-key", "plan"),
            ("row-0-value", "pro"),
            ("intent", "save"),
        ];
        let (status, headers, body) = console
            .post_form_for_json("/profiles/new?from=50~asc~1~", &typed)
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        let refused: AppError = serde_json::from_str(&body).unwrap();
        assert_eq!(
            refused,
            AppError::invalid(vec![FieldError::new(
                "name",
                "is required when relationship is \"resold\""
            )])
        );
        assert_eq!(console.upstream_calls().await, 0);

        typed[1] = ("name", "Made by the island");
        let (status, _, body) = console
            .post_form_for_json("/profiles/new?from=50~asc~1~", &typed)
            .await;
        assert_eq!(status, 200, "{body}");
        let saved: Saved = serde_json::from_str(&body).unwrap();
        let id = saved
            .location
            .strip_prefix("/profiles/")
            .and_then(|rest| rest.strip_suffix("?from=50~asc~1~&done=created"))
            .unwrap_or_else(|| panic!("{}", saved.location));
        let (_, body) = console.form("get", &format!("id={id}")).await;
        let created: Profile = serde_json::from_str(&body).unwrap();
        assert_eq!(created.name.as_deref(), Some("Made by the island"));

        // Saving the edit form unchanged sends nothing and says nothing was saved, with
        // or without JavaScript.
        let edit = format!("/profiles/{id}/edit");
        let loaded_at = profiles_admin::timestamp::rfc3339(created.updated_at);
        let unchanged = [
            ("external_id", "ext_json"),
            ("name", "Made by the island"),
            ("relationship", "resold"),
            ("loaded_external_id", "ext_json"),
            ("loaded_name", "Made by the island"),
            ("loaded_relationship", "resold"),
            ("loaded_updated_at", loaded_at.as_str()),
            ("overwrite", "0"),
            ("row-0-key", "plan"),
            ("row-0-value", "pro"),
            ("row-0-orig-key", "plan"),
            ("row-0-orig-value", "pro"),
            ("row-0-removed", "0"),
            ("intent", "save"),
        ];
        console.emulator.forget_requests().await;
        let (status, _, body) = console.post_form_for_json(&edit, &unchanged).await;
        assert_eq!(status, 200, "{body}");
        let saved: Saved = serde_json::from_str(&body).unwrap();
        assert_eq!(saved.location, format!("/profiles/{id}"));
        let (status, headers, _) = console.post_form(&edit, &unchanged).await;
        assert_eq!(status, 303);
        assert_eq!(headers[header::LOCATION], format!("/profiles/{id}"));
        assert_eq!(
            console.upstream_calls().await,
            0,
            "an unchanged form sends nothing"
        );

        // Changed elsewhere after the form loaded: 409, and nothing written.
        let (status, _) = console
            .json("update", json!({"id": id, "update": {"name": "Elsewhere"}}))
            .await;
        assert_eq!(status, 200);
        let mut mine = unchanged.to_vec();
        mine[1] = ("name", "Mine");
        let (status, _, body) = console.post_form_for_json(&edit, &mine).await;
        assert_eq!(status, 409, "{body}");
        assert!(matches!(
            serde_json::from_str::<AppError>(&body).unwrap(),
            AppError::Changed { .. }
        ));
        mine[7] = ("overwrite", "1");
        let (status, _, body) = console.post_form_for_json(&edit, &mine).await;
        assert_eq!(status, 200, "{body}");
        let saved: Saved = serde_json::from_str(&body).unwrap();
        assert_eq!(saved.location, format!("/profiles/{id}?done=saved"));
    });
}

#[test]
fn editor_buttons_without_javascript_come_back_with_the_form_changed() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (status, _, html) = console
            .post_form(
                "/profiles/new",
                &[
                    ("name", "Kept"),
                    ("relationship", "external"),
                    ("row-0-key", "a"),
                    ("row-0-value", "1"),
                    ("intent", "add"),
                ],
            )
            .await;
        assert_eq!(status, 200);
        assert!(html.contains("name=\"row-1-key\""), "a row was added");
        assert!(html.contains("value=\"Kept\""));
        let (_, _, html) = console
            .post_form(
                "/profiles/new",
                &[
                    ("relationship", "external"),
                    ("row-0-key", "a"),
                    ("row-0-value", "1"),
                    ("intent", "remove-0"),
                ],
            )
            .await;
        assert!(html.contains("Marked for removal"));
        assert!(html.contains("name=\"row-0-removed\" value=\"1\""));
        assert_eq!(console.upstream_calls().await, 0);
    });
}

#[test]
fn a_posted_edit_sends_only_the_changes_and_guards_against_changes_made_elsewhere() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (_, body) = console
            .json(
                "create",
                json!({"profile": {"name": "Old", "external_id": "e1", "metadata": {"a": "1", "b": "2"}}}),
            )
            .await;
        let profile: Profile = serde_json::from_str(&body).unwrap();
        let loaded_at = profiles_admin::timestamp::rfc3339(profile.updated_at);
        let path = format!("/profiles/{}/edit", profile.id);
        let form = |name: &'static str, overwrite: &'static str| {
            vec![
                ("external_id", String::new()),
                ("name", name.to_owned()),
                ("relationship", "external".to_owned()),
                ("loaded_external_id", "e1".to_owned()),
                ("loaded_name", "Old".to_owned()),
                ("loaded_relationship", "external".to_owned()),
                ("loaded_updated_at", loaded_at.clone()),
                ("overwrite", overwrite.to_owned()),
                ("row-0-key", "a".to_owned()),
                ("row-0-value", "1".to_owned()),
                ("row-0-orig-key", "a".to_owned()),
                ("row-0-orig-value", "1".to_owned()),
                ("row-0-removed", "1".to_owned()),
                ("row-1-key", "b".to_owned()),
                ("row-1-value", "2".to_owned()),
                ("row-1-orig-key", "b".to_owned()),
                ("row-1-orig-value", "2".to_owned()),
                ("row-1-removed", "0".to_owned()),
                ("intent", "save".to_owned()),
            ]
        };
        let send = |fields: Vec<(&'static str, String)>| console.post_owned(&path, fields);

        // Someone else renames it after the form loaded.
        let (status, _) = console
            .json(
                "update",
                json!({"id": profile.id, "update": {"name": "Elsewhere"}}),
            )
            .await;
        assert_eq!(status, 200);
        console.emulator.forget_requests().await;
        let (status, _, html) = send(form("Mine", "0")).await;
        assert_eq!(status, 409);
        assert!(html.contains("changed elsewhere"));
        assert!(
            html.contains("name=\"overwrite\" value=\"1\""),
            "the next save overwrites"
        );
        assert!(html.contains("value=\"Mine\""));
        let seen = console.emulator.seen().await;
        assert!(
            seen.iter().all(|r| r.method == "GET"),
            "nothing was written: {seen:?}"
        );

        let (status, headers, _) = send(form("Mine", "1")).await;
        assert_eq!(status, 303);
        assert_eq!(
            headers[header::LOCATION],
            format!("/profiles/{}?done=saved", profile.id)
        );
        let (_, body) = console.form("get", &format!("id={}", profile.id)).await;
        let saved: Profile = serde_json::from_str(&body).unwrap();
        assert_eq!(saved.name.as_deref(), Some("Mine"));
        assert_eq!(saved.external_id(), None, "emptied: sent as null");
        assert_eq!(
            saved.metadata.keys().collect::<Vec<_>>(),
            ["b"],
            "a removed"
        );
    });
}

#[test]
fn a_posted_enrollment_shows_the_url_once_and_is_never_cached() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let profile = console.some_profile().await;
        let (status, headers, html) = console
            .post_form(&format!("/profiles/{}", profile.id), &[])
            .await;
        assert_eq!(status, 200);
        assert_eq!(headers[header::CACHE_CONTROL], "no-store, no-transform");
        assert!(html.contains("https://platform.claude.com/user-profiles/enrollment/"));
        assert!(html.contains("rel=\"noopener noreferrer\""));
        assert!(html.contains("Generate new"));
        // Its countdown is the one island the panel has.
        assert!(islands(&html).contains(&"UrlView"));
        assert!(
            headers.get(header::LOCATION).is_none(),
            "not in any address"
        );

        let (status, _) = console
            .form("enrollment_url", &format!("id={}", profile.id))
            .await;
        assert_eq!(status, 200);
    });
}

/// The page after a write shows the write's outcome, the one the audit trail records; a
/// read that fails after it is a notice on that page, never the page.
#[test]
fn a_write_is_shown_as_it_went_even_when_the_page_after_it_cannot_read_the_profile() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let audit = console.data.audit();
        let newest = || async {
            audit
                .page(&profiles_admin::audit::query::Filter::default(), None, 1)
                .await
                .unwrap()
                .entries
                .remove(0)
        };
        let profile = console.some_profile().await;

        // A link minted, then every read of the page after it fails.
        console
            .emulator
            .faults(json!({"sequence": [{"kind": "delay", "ms": 0},
                {"kind": "status", "status": 500}, {"kind": "status", "status": 500},
                {"kind": "status", "status": 500}]}))
            .await;
        let (status, headers, html) = console
            .post_form(&format!("/profiles/{}", profile.id), &[])
            .await;
        assert_eq!(status, 200, "{html}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store, no-transform");
        assert!(
            html.contains("https://platform.claude.com/user-profiles/enrollment/"),
            "the link is shown"
        );
        assert!(
            html.contains("could not be read again"),
            "the failed read is a notice"
        );
        assert!(html.contains("unavailable right now"));
        let minted = newest().await;
        assert_eq!(minted.action, profiles_admin::audit::Action::EnrollmentUrl);
        assert_eq!(minted.outcome, profiles_admin::audit::Outcome::Succeeded);

        // A delete whose answer is lost, then every read of the page after it fails.
        console
            .emulator
            .faults(
                json!({"sequence": [{"kind": "delay", "ms": 0}, {"kind": "drop"},
                {"kind": "drop"}, {"kind": "drop"}, {"kind": "drop"}]}),
            )
            .await;
        let (status, _, html) = console
            .post_form(
                &format!("/profiles/{}/delete", profile.id),
                &[("confirm", profile.id.as_str())],
            )
            .await;
        assert_eq!(status, 504, "{html}");
        assert!(html.contains("may or may not have taken effect"), "{html}");
        assert!(html.contains("could not be read again"));
        let deleted = newest().await;
        assert_eq!(deleted.action, profiles_admin::audit::Action::ProfileDelete);
        assert_eq!(deleted.outcome, profiles_admin::audit::Outcome::Uncertain);

        // With the API back, the same delete page reads the profile as before.
        let (status, _, html) = console
            .page(&format!("/profiles/{}/delete", profile.id))
            .await;
        assert_eq!(status, 200);
        assert!(!html.contains("could not be read again"));
    });
}

/// A profile's page lists the other profiles with its external id, from the index, as
/// links to their pages; a profile whose external id is its own shows no such section.
#[test]
fn a_profiles_page_lists_the_others_with_its_external_id() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let mut made = Vec::new();
        for (name, external_id) in [
            ("Twin One", "shared-7"),
            ("Twin Two", "shared-7"),
            ("Alone", "alone-8"),
        ] {
            let (status, body) = console
                .json(
                    "create",
                    json!({"profile": {"name": name, "external_id": external_id}}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            made.push(serde_json::from_str::<Profile>(&body).unwrap().id);
        }
        let (status, _, html) = console.page(&format!("/profiles/{}", made[0])).await;
        assert_eq!(status, 200);
        assert!(html.contains("Same external ID"), "{html}");
        assert!(html.contains("1 other profile has"));
        assert!(html.contains(&format!("href=\"/profiles/{}", made[1])));
        assert!(html.contains("Twin Two"));
        assert!(!html.contains(&format!("/profiles/{}\"", made[2])));
        let (_, _, alone) = console.page(&format!("/profiles/{}", made[2])).await;
        assert!(!alone.contains("Same external ID"));
        // The server function answers the same, and a malformed id names no profile.
        let (status, body) = console
            .form("same-external-id", &format!("id={}", made[1]))
            .await;
        assert_eq!(status, 200);
        assert!(
            body.contains(made[0].as_str()) && !body.contains(made[1].as_str()),
            "{body}"
        );
        assert_eq!(console.form("same-external-id", "id=..%2F").await.0, 404);
    });
}

/// Sends `request` asking for `encoding`; answers the status, the headers and the body
/// as it came, decompressed as its `content-encoding` says.
async fn encoded(
    console: &Console,
    mut request: Request<Body>,
    encoding: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    use std::io::Read;
    use tower::ServiceExt;
    request
        .headers_mut()
        .insert(header::ACCEPT_ENCODING, encoding.parse().unwrap());
    let response = console.router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let raw = axum::body::to_bytes(response.into_body(), 8 << 20)
        .await
        .unwrap();
    let mut body = String::new();
    match headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap())
    {
        None => body = String::from_utf8(raw.to_vec()).unwrap(),
        Some("br") => drop(
            brotli::Decompressor::new(&raw[..], 4096)
                .read_to_string(&mut body)
                .unwrap(),
        ),
        Some("gzip") => drop(
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_string(&mut body)
                .unwrap(),
        ),
        Some(other) => panic!("unexpected encoding {other}"),
    }
    (status, headers, body)
}

/// Pages and server function answers are compressed as the browser asks (brotli first),
/// and decompress to what an uncompressed answer holds; an answer carrying an enrollment
/// link never is, however asked (BREACH, docs/security.md).
#[test]
fn answers_are_compressed_as_asked_except_credentials() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let page = || {
            Request::get("/profiles?limit=100")
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap()
        };
        let (_, plain_headers, plain) = encoded(&console, page(), "identity").await;
        assert_eq!(plain_headers.get(header::CONTENT_ENCODING), None);
        assert!(plain.contains("</table>"));
        for (asked, answered) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
            let (status, headers, body) = encoded(&console, page(), asked).await;
            assert_eq!(status, 200);
            assert_eq!(headers[header::CONTENT_ENCODING], answered, "{asked}");
            assert_eq!(headers[header::VARY], "accept-encoding");
            // The same page but for its per-response nonce.
            assert_eq!(body.len(), plain.len(), "{asked}");
            assert!(body.contains("</table>"));
        }

        let list = Request::post("/api/profiles/list")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("limit=100&order=desc"))
            .unwrap();
        let (_, headers, body) = encoded(&console, list, "br").await;
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert_eq!(
            serde_json::from_str::<ProfilePage>(&body)
                .unwrap()
                .data
                .len(),
            100
        );

        // A streamed answer too: the audit trail's CSV, whose stream ends only once.
        let csv = Request::get("/audit.csv").body(Body::empty()).unwrap();
        let (status, headers, body) = encoded(&console, csv, "gzip").await;
        assert_eq!(status, 200);
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
        assert!(body.starts_with("time_utc,actor,"), "{body}");

        let profile = console.some_profile().await;
        let mint = Request::post("/api/profiles/enrollment_url")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("id={}", profile.id)))
            .unwrap();
        let (status, headers, body) = encoded(&console, mint, "gzip, br").await;
        assert_eq!(status, 200);
        assert_eq!(headers.get(header::CONTENT_ENCODING), None);
        assert_eq!(headers[header::CACHE_CONTROL], "no-store, no-transform");
        assert!(body.contains("https://platform.claude.com/user-profiles/enrollment/"));

        let posted = Request::post(format!("/profiles/{}", profile.id))
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::empty())
            .unwrap();
        let (status, headers, html) = encoded(&console, posted, "gzip, br").await;
        assert_eq!(status, 200);
        assert_eq!(headers.get(header::CONTENT_ENCODING), None);
        assert!(html.contains("https://platform.claude.com/user-profiles/enrollment/"));
    });
}

#[test]
fn an_enrollment_url_that_is_not_https_is_never_a_link() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let profile = console.some_profile().await;
        for url in [
            "javascript:alert(1)",
            "http://platform.example/enroll",
            "data:text/html,x",
        ] {
            console
                .emulator
                .faults(
                    json!({"sequence": [{"kind": "answer", "status": 200, "body": {
                        "type": "enrollment_url", "url": url, "expires_at": "2099-01-01T00:00:00Z"
                    }}]}),
                )
                .await;
            let (status, _, html) = console
                .post_form(&format!("/profiles/{}", profile.id), &[])
                .await;
            assert_eq!(status, 200, "{url}");
            assert!(html.contains("Not an https address"), "{url}");
            let scheme = url.split(':').next().unwrap();
            assert!(
                !html.contains(&format!("href=\"{scheme}:")),
                "{url} became a link"
            );
        }
    });
}

#[test]
fn form_posts_to_malformed_ids_are_not_found_without_upstream_calls() {
    on_shared_runtime(async {
        let console = Console::start().await;
        for path in [
            "/profiles/not-an-id/edit",
            "/profiles/uprof_x%2F..",
            "/profiles/uprof_/edit",
        ] {
            let (status, _, _) = console.post_form(path, &[("intent", "save")]).await;
            assert_eq!(status, 404, "{path}");
        }
        assert_eq!(console.upstream_calls().await, 0);
    });
}

#[test]
fn an_oversized_form_post_is_refused_without_upstream_calls() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let huge = "x".repeat(70 * 1024);
        let (status, _, _) = console
            .post_form(
                "/profiles/new",
                &[("name", huge.as_str()), ("intent", "save")],
            )
            .await;
        assert_eq!(status, 413);
        assert_eq!(console.upstream_calls().await, 0);
    });
}

impl Console {
    async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }
}

#[test]
fn cross_site_state_changes_are_refused_before_anything_runs() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let form = ("content-type", "application/x-www-form-urlencoded");
        let cross_site = [
            vec![form, ("sec-fetch-site", "cross-site")],
            vec![form, ("sec-fetch-site", "same-site")],
            vec![form, ("origin", "https://evil.example")],
            vec![form, ("origin", "null")],
        ];
        for headers in &cross_site {
            for path in [
                "/api/profiles/create",
                "/api/profiles/enrollment_url",
                "/profiles/new",
                "/theme",
            ] {
                let (status, _, _) = console
                    .request(Method::POST, path, headers, "name=x&intent=save&id=uprof_1")
                    .await;
                assert_eq!(status, 403, "{path} {headers:?}");
            }
        }
        assert_eq!(console.upstream_calls().await, 0);

        let profile = console.some_profile().await;
        let (status, _, _) = console
            .request(
                Method::POST,
                "/api/profiles/enrollment_url",
                &[
                    form,
                    ("sec-fetch-site", "same-origin"),
                    ("origin", "http://console.test"),
                ],
                &format!("id={}", profile.id),
            )
            .await;
        assert_eq!(status, 200, "a same-origin request passes");
    });
}

#[test]
fn every_response_carries_the_security_headers_and_a_request_id() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (status, headers, html) = console.page("/profiles").await;
        assert_eq!(status, 200);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        let nonce = html
            .split("nonce=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the hydration script has a nonce");
        assert!(csp.contains(&format!(
            "'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'"
        )));
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"));
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "same-origin"),
            ("cross-origin-opener-policy", "same-origin"),
            ("cross-origin-resource-policy", "same-origin"),
            ("cache-control", "no-store"),
        ] {
            assert_eq!(headers[name], value, "{name}");
        }
        let (_, again, _) = console.page("/profiles").await;
        assert_ne!(
            again[header::CONTENT_SECURITY_POLICY],
            headers[header::CONTENT_SECURITY_POLICY],
            "a fresh nonce per page"
        );

        let (_, fn_headers, _) = console
            .request(
                Method::POST,
                "/api/profiles/list",
                &[("content-type", "application/x-www-form-urlencoded")],
                "limit=1&order=desc",
            )
            .await;
        assert_eq!(fn_headers[header::CACHE_CONTROL], "no-store");

        let id_of = |h: &axum::http::HeaderMap| h["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id_of(&headers).len(), 32);
        let (_, kept, _) = console
            .request(
                Method::GET,
                "/healthz",
                &[("x-request-id", "proxy-abc_123")],
                "",
            )
            .await;
        assert_eq!(id_of(&kept), "proxy-abc_123");
        let (_, replaced, _) = console
            .request(Method::GET, "/healthz", &[("x-request-id", "<script>")], "")
            .await;
        assert_ne!(id_of(&replaced), "<script>");
        let (status, _, body) = console.request(Method::GET, "/healthz", &[], "").await;
        assert_eq!((status.as_u16(), body.as_str()), (200, "ok"));
    });
}

#[test]
fn server_function_bodies_are_bounded() {
    on_shared_runtime(async {
        let console = Console::start().await;
        // Valid arguments plus padding: without the limit this would list profiles.
        let (status, _) = console.form("list", "limit=1&order=desc&pad=x").await;
        assert_eq!(status, 200);
        console.emulator.forget_requests().await;
        let big = format!("limit=1&order=desc&pad={}", "x".repeat(70 * 1024));
        let length = big.len().to_string();
        let form = ("content-type", "application/x-www-form-urlencoded");
        // As browsers send it, with a length: refused before the body is read.
        let (status, _, _) = console
            .request(
                Method::POST,
                "/api/profiles/list",
                &[form, ("content-length", &length)],
                &big,
            )
            .await;
        assert_eq!(status, 413);
        // Streamed without a length: cut off while reading, reported as a bad request.
        let (status, body) = console.form("list", &big).await;
        assert_eq!(status, 400);
        assert!(body.contains("length limit exceeded"), "{body}");
        assert_eq!(console.upstream_calls().await, 0);
    });
}

#[test]
fn readiness_follows_the_browser_bundle() {
    on_shared_runtime(async {
        let emulator = TestEmulator::start().await;
        let site = tempfile::tempdir().unwrap();
        let data = common::TestDatabase::sqlite().await;
        let audit = data.audit();
        let index = profiles_admin::index::Index::open(&data.db).await.unwrap();
        let router = |site_root: &str| {
            app(AppState {
                leptos_options: LeptosOptions::builder()
                    .output_name("profiles-admin")
                    .site_root(site_root)
                    .build(),
                site: profiles_admin::site::Site::Disk(site_root.into()),
                upstream: emulator.client(),
                auth: Arc::new(Auth::open(true)),
                deployment: Deployment::default(),
                draining: Default::default(),
                audit: audit.clone(),
                database: data.db.clone(),
                index: index.clone(),
                webhooks: None,
                jobs: profiles_admin::onboarding::job::Jobs::new(&data.db),
                import_budget: profiles_admin::onboarding::job::Budget {
                    per_second: 5.0,
                    concurrency: 1,
                },
            })
        };
        let ready = |router: Router| async move {
            let request = Request::get("/readyz").body(Body::empty()).unwrap();
            router.oneshot(request).await.unwrap().status()
        };
        let root = site.path().to_str().unwrap().to_owned();
        assert_eq!(ready(router(&root)).await, 503);
        std::fs::create_dir_all(site.path().join("pkg")).unwrap();
        std::fs::write(site.path().join("pkg/profiles-admin.wasm"), b"\0asm").unwrap();
        assert_eq!(ready(router(&root)).await, 200);
    });
}

#[test]
fn the_theme_toggle_returns_only_to_pages_of_this_console() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let form = ("content-type", "application/x-www-form-urlencoded");
        for (referer, back) in [
            (
                "http://console.test/profiles?limit=50",
                "/profiles?limit=50",
            ),
            ("http://console.test//evil.example/x", "/"),
            ("http://console.test/\\evil.example/x", "/"),
            ("http://console.test///evil.example/x", "/"),
            ("not a url", "/"),
        ] {
            let (status, headers, _) = console
                .request(
                    Method::POST,
                    "/theme",
                    &[form, ("referer", referer)],
                    "theme=dark",
                )
                .await;
            assert_eq!(status, 303, "{referer}");
            assert_eq!(headers[header::LOCATION], back, "{referer}");
        }
    });
}

#[test]
fn paths_with_dot_segments_are_refused_before_anything_reads_them() {
    on_shared_runtime(async {
        let console = Console::start().await;
        for path in [
            "/pkg/%2e%2e/profiles",
            "/pkg/%2E%2E/audit",
            "/pkg/../audit",
            "/pkg/./profiles",
            "/pkg/.%2e/profiles",
            "/profiles/%2e%2e",
        ] {
            let (status, headers, body) = console.page(path).await;
            assert_eq!(status, 400, "{path}");
            assert!(!body.contains("<html"), "{path} rendered a page");
            assert!(headers.contains_key("x-request-id"), "{path}");
        }
        let (status, _, _) = console.page("/profiles").await;
        assert_eq!(status, 200);
    });
}

// ---- search ------------------------------------------------------------------------------

fn hits(body: &str) -> Vec<profiles_admin::profiles::search::results::SearchHit> {
    serde_json::from_str::<profiles_admin::profiles::search::results::SearchPage>(body)
        .unwrap_or_else(|e| panic!("{e}: {body}"))
        .hits
}

#[test]
fn what_the_console_creates_updates_or_reads_is_searchable_at_once() {
    on_shared_runtime(async {
        // No sync runs here: only the write-through can put these in the index.
        let console = Console::start().await;
        let (status, body) = console
            .json(
                "create",
                json!({"profile": {"name": "Written Through", "external_id": "ext_through", "metadata": {"ticket": "TCK-777"}}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let made: Profile = serde_json::from_str(&body).unwrap();
        for text in ["Written Through", "ext_through", "TCK-777"] {
            let (status, body) = console
                .form("search", &format!("search[q]={}", urlencode(text)))
                .await;
            assert_eq!(status, 200, "{body}");
            let found = hits(&body);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].id, made.id.as_str());
        }
        let (_, body) = console.form("search", "search[q]=ext_through").await;
        assert!(hits(&body)[0].exact, "an exact external id is flagged");

        let (status, _) = console
            .json(
                "update",
                json!({"id": made.id, "update": {"name": "Renamed Through"}}),
            )
            .await;
        assert_eq!(status, 200);
        let (_, body) = console.form("search", "search[q]=Renamed").await;
        assert_eq!(hits(&body).len(), 1);
        let (_, body) = console.form("search", "search[q]=Written").await;
        assert!(
            hits(&body).is_empty(),
            "the old name is gone from the index"
        );

        // A detail page read brings a profile changed elsewhere up to date.
        let other = console.some_profile().await;
        console
            .emulator
            .set_grant(other.id.as_str(), "cyber", "rejected")
            .await;
        let (status, _) = console.form("get", &format!("id={}", other.id)).await;
        assert_eq!(status, 200);
        let (_, body) = console
            .form(
                "search",
                &format!("search[q]={}&search[grant]=rejected", other.id),
            )
            .await;
        assert_eq!(hits(&body).len(), 1);
    });
}

#[test]
fn no_search_input_gets_a_server_error() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let long = "x".repeat(10 * 1024);
        let texts = [
            "\"",
            "*",
            "OR",
            "a OR b",
            "%",
            "_",
            "\\",
            "'",
            "NEAR(a b)",
            "\u{0}",
            "a\u{0}b",
            "\u{200F}\u{200E}",
            "🦀",
            long.as_str(),
            "col:val",
            "^x",
            "-x",
            "(",
        ];
        for text in texts {
            let (status, body) = console
                .form("search", &format!("search[q]={}", urlencode(text)))
                .await;
            assert!(status == 200 || status == 400, "{text:?}: {status} {body}");
            if status == 400 {
                let AppError::Invalid { errors, .. } = app_error(&body) else {
                    panic!("{body}")
                };
                assert_eq!(errors[0].field, "q", "{text:?}");
            }
        }
        for (params, field) in [
            ("search[grant]=maybe", "grant"),
            ("search[relationship]=partner", "relationship"),
            ("search[created_from]=2026-02-30", "created_from"),
            (
                "search[created_from]=2026-05-02&search[created_to]=2026-05-01",
                "created_to",
            ),
            ("search[sort]=random", "sort"),
            ("search[after]=eyJub3QiOiJhIGN1cnNvciJ9", "after"),
            ("search[after]=%3Cscript%3E", "after"),
        ] {
            let (status, body) = console.form("search", params).await;
            assert_eq!(status, 400, "{params}: {body}");
            let AppError::Invalid { errors, .. } = app_error(&body) else {
                panic!("{body}")
            };
            assert_eq!(errors[0].field, field, "{params}");
        }
    });
}

#[test]
fn the_search_page_renders_results_and_errors_without_javascript() {
    on_shared_runtime(async {
        let console = Console::start().await;
        console
            .json(
                "create",
                json!({"profile": {"name": "Nojs <b>Bold</b> Corp", "external_id": "ext_nojs"}}),
            )
            .await;
        let (status, _, html) = console.page("/profiles/search?q=bold").await;
        assert_eq!(status, 200);
        assert!(html.contains("<mark>Bold"), "the match is highlighted");
        assert!(html.contains("Nojs &lt;b&gt;"), "and escaped");
        assert!(
            html.contains("profiles indexed"),
            "the freshness line is there"
        );
        assert!(html.contains("value=\"bold\""), "the typed text is kept");

        let (status, _, html) = console
            .page("/profiles/search?q=x&created_from=2026-13-01&grant=maybe")
            .await;
        assert_eq!(status, 400, "a refused search says so");
        assert!(
            html.contains("value=\"2026-13-01\""),
            "what was typed is kept"
        );
        assert!(html.contains("must be a date like 2026-03-24"));
        assert!(html.contains("must be active, pending, rejected or none"));
    });
}

/// The address of a page's link named `label` (`<a href="…">label</a>`), unescaped.
fn link(html: &str, label: &str) -> Option<String> {
    // Views mark where some dynamic text ends with `<!>`.
    let html = html.replace("<!>", "");
    let end = html.find(&format!(">{label}</a>"))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    let href = &html[start..];
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

/// Followed Next by Next to page 500, a list page is no bigger than page 10 (the address
/// keeps the last cursors only, the rows' links only the page's own) and, compressed as
/// it is served, within 1.2× the first page, which carries no cursor at all. Previous
/// walks back while its cursors last, then the first page is offered; and a row's
/// "Back to list" lands on the same rows.
#[test]
fn a_list_page_does_not_grow_with_its_depth() {
    on_shared_runtime(async {
        let emulator = TestEmulator::start_seeded(10_020).await;
        let upstream = emulator.client();
        let console = Console::with(emulator, upstream).await;
        let (_, _, first) = console.page("/profiles").await;
        let mut html = first.clone();
        let mut tenth = String::new();
        for number in 2..=500 {
            let next = link(&html, "Next").expect("a Next link");
            let (status, _, page) = console.page(&next).await;
            assert_eq!(status, 200, "{next}");
            html = page;
            if number == 10 {
                tenth = html.clone();
            }
        }
        assert!(html.contains("Page 500"));
        let growth = html.len() as f64 / tenth.len() as f64;
        assert!(growth <= 1.01, "page 500 is {growth:.3}× page 10");
        let gzip = |text: &str| {
            use std::io::Write;
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(text.as_bytes()).unwrap();
            encoder.finish().unwrap().len() as f64
        };
        let ratio = gzip(&html) / gzip(&first);
        assert!(ratio <= 1.2, "page 500 is {ratio:.2}× page 1, gzip");

        let start = html.find("href=\"/profiles/uprof_").expect("a row link") + "href=\"".len();
        let detail = html[start..][..html[start..].find('"').unwrap()].replace("&amp;", "&");
        assert!(detail.contains("from=20~desc~500~page_"), "{detail}");
        let (_, _, detail_page) = console.page(&detail).await;
        let back = link(&detail_page, "← Back to list").expect("Back to list");
        let (_, _, again) = console.page(&back).await;
        let rows = |html: &str| {
            html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()].to_owned()
        };
        assert_eq!(rows(&again), rows(&html));
        assert!(again.contains("Page 500"));

        for page in (496..500).rev() {
            let previous = link(&html, "Previous").expect("a Previous link");
            html = console.page(&previous).await.2;
            assert!(html.contains(&format!("Page {page}")), "Page {page}");
        }
        assert_eq!(link(&html, "Previous"), None);
        assert_eq!(link(&html, "First page").as_deref(), Some("/profiles"));
    });
}

/// The islands of a page, in document order, by component name.
fn islands(html: &str) -> Vec<&str> {
    html.split("<leptos-island data-component=\"")
        .skip(1)
        .filter_map(|rest| rest.split('_').next())
        .collect()
}

/// Server-first: a page is its HTML. The list's rows are not sent a second time as
/// hydration data (no resource is serialized), and only the parts that need the browser
/// are islands, each page's last one marking the page live.
#[test]
fn pages_are_html_with_islands_only_where_the_browser_is_needed() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let profile = console.some_profile().await;
        let id = profile.id.to_string();

        let (status, _, list) = console.page("/profiles").await;
        assert_eq!(status, 200);
        assert!(
            list.contains("__RESOLVED_RESOURCES=[];"),
            "no resource data"
        );
        assert_eq!(
            list.matches(id.as_str()).count(),
            2,
            "the link and its text, once"
        );
        assert_eq!(
            islands(&list),
            ["ThemeToggle", "ListControls", "GoToProfile", "PageReady"]
        );

        let (status, _, detail) = console.page(&format!("/profiles/{id}")).await;
        assert_eq!(status, 200);
        assert!(detail.contains("__RESOLVED_RESOURCES=[];"));
        let detail_islands = islands(&detail);
        assert_eq!(detail_islands.first(), Some(&"ThemeToggle"));
        assert!(detail_islands.contains(&"CopyButton"));
        // The enrollment form is a plain post: no link minted, no code for one.
        assert!(!detail_islands.contains(&"UrlView"));
        assert_eq!(detail_islands.last(), Some(&"PageReady"));

        let (status, _, edit) = console.page(&format!("/profiles/{id}/edit")).await;
        assert_eq!(status, 200);
        assert_eq!(islands(&edit), ["ThemeToggle", "LiveEditor", "PageReady"]);
        // The form is in the page once, as HTML: the island that makes it live is given
        // the version it speaks and why it came back, and reads the rest from the form.
        let props = edit
            .split("data-component=\"LiveEditor")
            .nth(1)
            .and_then(|rest| rest.split("data-props=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .expect("the editor island's props");
        let props: Value = serde_json::from_str(&props.replace("&quot;", "\"")).unwrap();
        let keys: Vec<&String> = props.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["error", "version"]);

        let (status, _, search) = console.page("/profiles/search?q=a").await;
        assert_eq!(status, 200);
        assert_eq!(islands(&search), ["ThemeToggle", "PageReady"]);
    });
}

/// Every server function, called as a plain form (`Accept: text/html`) with a `Referer`
/// that names another site or no place at all, redirects only to a page of this console:
/// the framework's form fallback would send the browser wherever the `Referer` said.
#[test]
fn a_server_function_posted_as_a_form_redirects_only_to_this_console() {
    on_shared_runtime(async {
        let paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect();
        assert!(
            paths.len() >= 10,
            "every server function is registered: {paths:?}"
        );
        for (referer, back) in [
            ("//evil.example/x", "/"),
            ("https://evil.example/x", "/x"),
            ("/\\evil.example", "/"),
            ("javascript:alert(1)", "/"),
        ] {
            // A console each round: one user's calls are rate limited (40 in a burst).
            let console = Console::start().await;
            for path in &paths {
                let request = Request::post(*path)
                    .header(header::ACCEPT, "text/html")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::REFERER, referer)
                    .body(Body::from("limit=1"))
                    .unwrap();
                let (status, headers, _) = console.send(request).await;
                assert!(status.is_redirection(), "{path} from {referer:?}: {status}");
                let location = headers[header::LOCATION].to_str().unwrap();
                // A failed call carries its error in the query (the framework's form errors).
                let path_part = location.split('?').next().unwrap();
                assert_eq!(path_part, back, "{path} from {referer:?}: {location}");
                assert!(
                    profiles_admin::web::own_path(location).is_some(),
                    "{path} from {referer:?}: {location}"
                );
            }
        }
    });
}

/// Setting an external id other profiles hold is held once for a warning under the
/// External ID, with and without JavaScript; saving again saves. An edit that keeps the
/// profile's own id is not asked.
#[test]
fn a_form_setting_an_external_id_others_hold_warns_then_saves_when_pressed_again() {
    on_shared_runtime(async {
        let console = Console::start().await;
        let (_, body) = console
            .json(
                "create",
                json!({"profile": {"name": "Twin One", "external_id": "shared-9"}}),
            )
            .await;
        let twin: Profile = serde_json::from_str(&body).unwrap();
        let mut typed = vec![
            ("external_id", "shared-9"),
            ("name", "Twin Two"),
            ("relationship", "external"),
            ("keep_external_id", ""),
            ("intent", "save"),
        ];
        let calls = console.upstream_calls().await;
        let (status, headers, html) = console.post_form("/profiles/new", &typed).await;
        assert_eq!(status, 400, "held for the warning");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        let html = html.replace("<!>", "");
        assert!(
            html.contains(&format!(
                "1 other profile already has this external ID: Twin One ({}). The API allows it: press Save again to keep it.",
                twin.id
            )),
            "{html}"
        );
        assert!(html.contains("Not saved yet: read the warning below"));
        assert!(html.contains(r#"name="keep_external_id" value="shared-9""#));
        assert!(
            html.contains(r#"value="Twin Two""#),
            "what was typed is kept"
        );
        assert_eq!(console.upstream_calls().await, calls, "nothing sent");

        // The island's post: the same warning, by its field.
        let (status, _, body) = console.post_form_for_json("/profiles/new", &typed).await;
        assert_eq!(status, 400);
        let AppError::Invalid { errors, .. } = app_error(&body) else {
            panic!("{body}")
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "keep_external_id");

        // Saving again, the id kept: created, a second holder of the id.
        typed[3] = ("keep_external_id", "shared-9");
        let (status, _, _) = console.post_form("/profiles/new", &typed).await;
        assert_eq!(status, 303);
        let (_, body) = console
            .form("same-external-id", &format!("id={}", twin.id))
            .await;
        assert!(body.contains("Twin Two"), "{body}");

        // An edit keeping the profile's own id saves at once; changing it to a held one
        // is asked about.
        let (_, body) = console
            .json(
                "create",
                json!({"profile": {"name": "Other", "external_id": "own-1"}}),
            )
            .await;
        let other: Profile = serde_json::from_str(&body).unwrap();
        let path = format!("/profiles/{}/edit", other.id);
        let loaded_at = profiles_admin::timestamp::rfc3339(other.updated_at);
        let edit = |external_id: &'static str, name: &'static str| {
            vec![
                ("external_id", external_id.to_owned()),
                ("name", name.to_owned()),
                ("relationship", "external".to_owned()),
                ("loaded_external_id", "own-1".to_owned()),
                ("loaded_name", "Other".to_owned()),
                ("loaded_relationship", "external".to_owned()),
                ("loaded_updated_at", loaded_at.clone()),
                ("overwrite", "0".to_owned()),
                ("intent", "save".to_owned()),
            ]
        };
        let send = |fields: Vec<(&'static str, String)>| console.post_owned(&path, fields);
        let (status, _, html) = send(edit("shared-9", "Other")).await;
        assert_eq!(status, 400);
        assert!(
            html.contains("2 other profiles already have this external ID"),
            "{html}"
        );
        let (status, _, _) = send(edit("own-1", "Renamed")).await;
        assert_eq!(status, 303, "its own id is not asked about");
    });
}

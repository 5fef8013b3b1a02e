//! The emulator serving every API version from one store, over real loopback HTTP
//! (docs/api-versions.md): the shapes, the GA-only list parameters, delete, action URLs
//! and the hooks that change programs and enforcement.

mod common;

use common::TestEmulator;
use profiles_admin::profiles::model::ApiVersion;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashSet};

const GA: ApiVersion = ApiVersion::Ga;
const V0324: ApiVersion = ApiVersion::Beta20260324;
const V0818: ApiVersion = ApiVersion::Beta20260818;
const V0904: ApiVersion = ApiVersion::Beta20260904;

async fn call(
    emulator: &TestEmulator,
    version: ApiVersion,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = emulator.api_as(version, method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Creates a profile in `version`; the answer's status and body.
async fn create(emulator: &TestEmulator, version: ApiVersion, body: Value) -> (u16, Value) {
    call(
        emulator,
        version,
        Method::POST,
        "/v1/user_profiles",
        Some(body),
    )
    .await
}

fn keys(profile: &Value) -> BTreeSet<&str> {
    profile
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn one_profile_shows_in_each_versions_own_shape() {
    let emulator = TestEmulator::start().await;
    let (status, created) = create(
        &emulator,
        GA,
        json!({"name": "Acme", "access_type": "passthrough", "external_user_details": {
            "reference_id": "org_7", "country": "DE", "onboarded_at": "2025-01-02T03:04:05Z"
        }}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["programs"],
        json!({"cyber": null, "efs": null}),
        "a new profile has no program"
    );
    assert_eq!(created["enforcement_status"], "unrestricted");
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/user_profiles/{id}");
    let common = ["id", "type", "created_at", "updated_at", "metadata", "name"];
    let expected = |extra: &[&'static str]| -> BTreeSet<&'static str> {
        common.iter().chain(extra).copied().collect()
    };
    let (_, ga) = call(&emulator, GA, Method::GET, &path, None).await;
    assert_eq!(
        keys(&ga),
        expected(&[
            "access_type",
            "external_user_details",
            "programs",
            "enforcement_status",
            "enforcement_actions"
        ])
    );
    assert_eq!(ga["external_user_details"]["country"], "DE");
    assert_eq!(ga["external_user_details"]["email_hash"], Value::Null);
    let (_, v0904) = call(&emulator, V0904, Method::GET, &path, None).await;
    assert_eq!(
        keys(&v0904),
        expected(&["access_type", "external_user_details", "trust_grants"])
    );
    let (_, v0818) = call(&emulator, V0818, Method::GET, &path, None).await;
    assert_eq!(
        keys(&v0818),
        expected(&[
            "access_type",
            "external_id",
            "external_user_onboarded_at",
            "trust_grants"
        ])
    );
    assert_eq!(v0818["external_id"], "org_7");
    assert_eq!(v0818["external_user_onboarded_at"], "2025-01-02T03:04:05Z");
    let (_, v0324) = call(&emulator, V0324, Method::GET, &path, None).await;
    assert_eq!(
        keys(&v0324),
        expected(&["relationship", "external_id", "trust_grants"])
    );
    assert_eq!(v0324["relationship"], "resold");
    // A 03-24 write of what GA cannot say stays with the profile, shown only to 03-24.
    let (status, _) = call(
        &emulator,
        V0324,
        Method::POST,
        &path,
        Some(json!({"relationship": "internal"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, ga) = call(&emulator, GA, Method::GET, &path, None).await;
    assert_eq!(ga["access_type"], "application");
    let (_, v0324) = call(&emulator, V0324, Method::GET, &path, None).await;
    assert_eq!(v0324["relationship"], "internal");
}

#[tokio::test]
async fn a_field_of_another_version_or_a_cleared_detail_is_refused_and_changes_nothing() {
    let emulator = TestEmulator::start().await;
    let (_, created) = create(
        &emulator,
        GA,
        json!({"external_user_details": {"reference_id": "u1"}}),
    )
    .await;
    let path = format!("/v1/user_profiles/{}", created["id"].as_str().unwrap());
    for (version, body, field) in [
        (GA, json!({"external_id": "u2"}), "external_id"),
        (GA, json!({"relationship": "external"}), "relationship"),
        (V0324, json!({"access_type": "application"}), "access_type"),
        (V0904, json!({"external_id": "u2"}), "external_id"),
        (
            GA,
            json!({"external_user_details": {"reference_id": null}}),
            "external_user_details.reference_id",
        ),
        (
            GA,
            json!({"external_user_details": {"onboarded_at": "2999-01-01T00:00:00Z"}}),
            "external_user_details.onboarded_at",
        ),
        (
            GA,
            json!({"external_user_details": {"country": "Germany"}}),
            "external_user_details.country",
        ),
        (
            GA,
            json!({"external_user_details": null}),
            "external_user_details",
        ),
    ] {
        let (status, error) =
            call(&emulator, version, Method::POST, &path, Some(body.clone())).await;
        assert_eq!(status, 400, "{version} {body}");
        assert_eq!(error["error"]["type"], "invalid_request_error");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field}:")), "{message}");
    }
    let (_, after) = call(&emulator, GA, Method::GET, &path, None).await;
    assert_eq!(after["external_user_details"]["reference_id"], "u1");
    assert_eq!(after["updated_at"], created["updated_at"]);
}

/// Every page of a list in `version` with `query`, following `next_page` until it is
/// null; the profiles and how many pages were short.
async fn walk(emulator: &TestEmulator, version: ApiVersion, query: &str) -> (Vec<Value>, usize) {
    let mut all = Vec::new();
    let mut short = 0;
    let mut page: Option<String> = None;
    loop {
        let path = match &page {
            Some(cursor) => format!("/v1/user_profiles?{query}&page={cursor}"),
            None => format!("/v1/user_profiles?{query}"),
        };
        let (status, body) = call(emulator, version, Method::GET, &path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        let data = body["data"].as_array().unwrap();
        if body["next_page"].is_string() && data.len() < 10 {
            short += 1;
        }
        all.extend(data.iter().cloned());
        match body["next_page"].as_str() {
            Some(next) => page = Some(next.to_owned()),
            None => break (all, short),
        }
    }
}

#[tokio::test]
async fn the_enforcement_filter_pages_short_until_next_page_is_null_and_misses_nothing() {
    let emulator = TestEmulator::start().await;
    let (everyone, _) = walk(&emulator, GA, "limit=100").await;
    let expected: HashSet<&str> = everyone
        .iter()
        .filter(|p| {
            matches!(
                p["enforcement_status"].as_str(),
                Some("restricted" | "banned")
            )
        })
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        expected.len() > 5,
        "the sample has restricted and banned profiles"
    );
    let (found, short) = walk(
        &emulator,
        GA,
        "limit=10&enforcement_status%5B%5D=restricted&enforcement_status[]=banned",
    )
    .await;
    let found_ids: HashSet<&str> = found.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(found_ids, expected);
    assert_eq!(found.len(), expected.len(), "no profile twice");
    assert!(
        short > 0,
        "pages with fewer than `limit` profiles still go on"
    );
    for beta in [V0324, V0818, V0904] {
        let (status, error) = call(
            &emulator,
            beta,
            Method::GET,
            "/v1/user_profiles?enforcement_status[]=banned",
            None,
        )
        .await;
        assert_eq!(status, 400, "{beta}");
        assert!(error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("enforcement_status[]:"));
    }
}

#[tokio::test]
async fn lists_by_name_ignore_ascii_case_put_the_unnamed_last_and_report_programs_reduced() {
    let emulator = TestEmulator::start().await;
    for (order, query) in [
        ("asc", "limit=7&order_by=name&order=asc"),
        ("desc", "limit=7&order_by=name"),
    ] {
        let (profiles, _) = walk(&emulator, V0904, query).await;
        assert_eq!(
            profiles.len(),
            profiles_admin::emulator::seed::SEED_COUNT,
            "{order}"
        );
        let names: Vec<Option<String>> = profiles
            .iter()
            .map(|p| p["name"].as_str().map(str::to_ascii_lowercase))
            .collect();
        let named = names.iter().take_while(|n| n.is_some()).count();
        assert!(
            names[named..].iter().all(Option::is_none),
            "{order}: unnamed last"
        );
        let mut sorted = names[..named].to_vec();
        sorted.sort();
        if order == "desc" {
            sorted.reverse();
        }
        assert_eq!(names[..named], sorted[..], "{order}");
    }
    let (listed, _) = walk(&emulator, GA, "limit=100").await;
    let with_tiers = listed
        .iter()
        .find(|p| p["programs"]["cyber"]["status"] == "active")
        .unwrap();
    assert_eq!(with_tiers["programs"]["cyber"]["tiers"], json!({}));
    assert!(listed.iter().all(|p| p["programs"]["efs"].is_null()));
    // Retrieve reports in full what the list left out.
    let mut tiers = false;
    let mut efs = false;
    for profile in &listed {
        let path = format!("/v1/user_profiles/{}", profile["id"].as_str().unwrap());
        let (_, full) = call(&emulator, GA, Method::GET, &path, None).await;
        tiers |= full["programs"]["cyber"]["tiers"]
            .as_object()
            .is_some_and(|t| t.len() == 3);
        efs |= full["programs"]["efs"].is_object();
        if tiers && efs {
            break;
        }
    }
    assert!(tiers && efs, "retrieve reports tiers and EFS");
}

#[tokio::test]
async fn delete_is_final_under_every_version_and_the_id_is_never_served_again() {
    let emulator = TestEmulator::start().await;
    for version in ApiVersion::ALL {
        let (_, created) = create(&emulator, version, json!({})).await;
        let id = created["id"].as_str().unwrap().to_owned();
        let path = format!("/v1/user_profiles/{id}");
        let (status, deleted) = call(&emulator, version, Method::DELETE, &path, None).await;
        assert_eq!(status, 200, "{version}");
        assert_eq!(deleted, json!({"id": id, "type": "user_profile_deleted"}));
        for (method, path, body) in [
            (Method::GET, path.clone(), None),
            (Method::DELETE, path.clone(), None),
            (Method::POST, path.clone(), Some(json!({"name": "Back"}))),
            (
                Method::POST,
                format!("{path}/action_urls"),
                Some(json!({"action": {"type": "enroll_end_user"}})),
            ),
        ] {
            let (status, error) = call(&emulator, version, method.clone(), &path, body).await;
            assert_eq!(
                (status, error["error"]["type"].as_str()),
                (404, Some("not_found_error")),
                "{version} {method} {path}"
            );
        }
        let (everyone, _) = walk(&emulator, version, "limit=100").await;
        assert!(
            everyone.iter().all(|p| p["id"] != id.as_str()),
            "{version}: the list omits it"
        );
    }
}

#[tokio::test]
async fn action_urls_take_the_enroll_action_and_enrollment_urls_are_for_the_betas() {
    let emulator = TestEmulator::start().await;
    let id = emulator.first_profile_id().await;
    let actions = format!("/v1/user_profiles/{id}/action_urls");
    for version in ApiVersion::ALL {
        let (status, link) = call(
            &emulator,
            version,
            Method::POST,
            &actions,
            Some(json!({"action": {"type": "enroll_end_user"}})),
        )
        .await;
        assert_eq!(status, 200, "{version}: {link}");
        assert_eq!(link["type"], "user_profile_action_url");
        assert!(link["url"]
            .as_str()
            .unwrap()
            .starts_with("https://platform.claude.com/user-profiles/enrollment/"));
        let expires =
            profiles_admin::timestamp::parse(link["expires_at"].as_str().unwrap()).unwrap();
        let left = expires - time::OffsetDateTime::now_utc();
        assert!(left > time::Duration::minutes(14) && left <= time::Duration::minutes(15));
    }
    for bad in [
        json!({}),
        json!({"action": {"type": "delete_account"}}),
        json!({"action": {"type": "enroll_end_user"}, "x": 1}),
    ] {
        let (status, _) = call(&emulator, GA, Method::POST, &actions, Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}");
    }
    let enrollment = format!("/v1/user_profiles/{id}/enrollment_url");
    let (status, _) = call(&emulator, GA, Method::POST, &enrollment, None).await;
    assert_eq!(status, 404, "GA has no enrollment_url");
    for beta in [V0324, V0818, V0904] {
        let (status, link) = call(&emulator, beta, Method::POST, &enrollment, None).await;
        assert_eq!(
            (status, link["type"].as_str()),
            (200, Some("enrollment_url")),
            "{beta}"
        );
    }
}

#[tokio::test]
async fn hooks_open_review_and_resolve_actions_and_set_programs() {
    let emulator = TestEmulator::start().await;
    let (_, created) = create(&emulator, GA, json!({})).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let hooks = format!("/_emulator/profiles/{id}");
    let (status, restricted) = emulator
        .hook(
            Method::POST,
            &format!("{hooks}/enforcement_actions"),
            json!({"kind": "restriction", "reason": "unsupported_region", "verify": true}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(restricted["enforcement_status"], "restricted");
    let action = restricted["enforcement_actions"][0].clone();
    assert_eq!(action["action"], "verify");
    assert_eq!(action["reason"], "unsupported_region");
    let action_path = format!(
        "{hooks}/enforcement_actions/{}",
        action["id"].as_str().unwrap()
    );
    let (_, reviewed) = emulator.hook(Method::PATCH, &action_path, json!({})).await;
    assert_eq!(reviewed["enforcement_status"], "pending");
    let (_, banned) = emulator
        .hook(
            Method::POST,
            &format!("{hooks}/enforcement_actions"),
            json!({"kind": "ban", "reason": "fraud_or_abuse", "verify": true, "expires_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(banned["enforcement_status"], "banned");
    assert_eq!(banned["enforcement_actions"][1]["action"], Value::Null);
    assert_eq!(banned["enforcement_actions"][1]["expires_at"], Value::Null);
    let ban_path = format!(
        "{hooks}/enforcement_actions/{}",
        banned["enforcement_actions"][1]["id"].as_str().unwrap()
    );
    let (_, _) = emulator.hook(Method::DELETE, &ban_path, json!({})).await;
    let (status, cleared) = emulator.hook(Method::DELETE, &action_path, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(cleared["enforcement_status"], "unrestricted");
    assert_eq!(cleared["enforcement_actions"], json!([]));
    let (status, _) = emulator.hook(Method::DELETE, &action_path, json!({})).await;
    assert_eq!(status, 404, "resolved once");

    let programs = json!({
        "cyber": {"status": "active", "tiers": {"a": "active", "b": "inactive", "c": "inactive"},
                  "requirements": {"data_retention": true, "human_review": false}},
        "efs": {"status": "pending", "features": {"cmek": "inactive"}},
    });
    let (status, set) = emulator
        .hook(Method::PUT, &format!("{hooks}/programs"), programs)
        .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(
        set["programs"]["cyber"]["tiers"]["a"],
        json!({"status": "active"})
    );
    assert_eq!(
        set["programs"]["cyber"]["requirements"]["data_retention"],
        true
    );
    assert_eq!(
        set["programs"]["efs"]["features"]["cmek"],
        json!({"status": "inactive"})
    );
    // As times: text order fails when one has a fraction and the other none.
    let at =
        |profile: &Value| profiles_admin::timestamp::parse(profile["updated_at"].as_str().unwrap());
    assert!(at(&set) > at(&created));
    let (_, v0324) = call(
        &emulator,
        V0324,
        Method::GET,
        &format!("/v1/user_profiles/{id}"),
        None,
    )
    .await;
    assert_eq!(
        v0324["trust_grants"],
        json!({"cyber": {"status": "active"}})
    );
}

#[tokio::test]
async fn without_enforcement_for_the_organization_its_fields_are_absent_and_the_filter_refused() {
    let emulator = TestEmulator::start().await;
    let settings = |on: bool| json!({ "enforcement_enabled": on });
    let (status, _) = emulator
        .hook(Method::PUT, "/_emulator/settings", settings(false))
        .await;
    assert_eq!(status, 204);
    let id = emulator.first_profile_id().await;
    let path = format!("/v1/user_profiles/{id}");
    let (_, profile) = call(&emulator, GA, Method::GET, &path, None).await;
    assert!(profile.get("enforcement_status").is_none());
    assert!(profile.get("enforcement_actions").is_none());
    assert!(profile["programs"].is_object(), "only enforcement is gated");
    let (everyone, _) = walk(&emulator, GA, "limit=100").await;
    assert!(everyone
        .iter()
        .all(|p| p.get("enforcement_status").is_none()));
    let (status, error) = call(
        &emulator,
        GA,
        Method::GET,
        "/v1/user_profiles?enforcement_status[]=banned",
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not enabled"));

    emulator
        .hook(Method::PUT, "/_emulator/settings", settings(true))
        .await;
    let (_, profile) = call(&emulator, GA, Method::GET, &path, None).await;
    assert!(profile["enforcement_status"].is_string());
}

//! The contract's checks (docs/api-contract.md §9 and its judgements), as plain functions
//! of what a request holds, so that each rule is unit-tested here and the handlers
//! (`api.rs`) only apply them: errors and their shape (§2.4, §6), the key and beta
//! headers (§1), bodies, the list's query (§3.2, §5) and what an update does (§4).

use super::cursor::{self, Position};
use super::store::StoreError;
use crate::error::FieldError;
use crate::profiles::model::{
    check_resold_name, Lenient, Order, PageSize, Profile, ProfileUpdate, Relationship,
    MAX_METADATA_KEYS,
};
use crate::upstream::client::BETA;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::collections::HashMap;
use time::OffsetDateTime;

/// An API error; rendered with the request's id by the per-request middleware
/// (`routes::contract`), which alone knows it.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn fields(errors: Vec<FieldError>) -> Self {
        let text = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        Self::invalid(text)
    }

    pub fn not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("User profile {id} not found"),
        )
    }

    /// The error body of docs/api-contract.md §2.4.
    fn body(&self, request_id: &str) -> serde_json::Value {
        serde_json::json!({
            "type": "error",
            "error": { "type": error_type(self.status.as_u16()), "message": self.message },
            "request_id": request_id,
        })
    }

    pub fn render(&self, request_id: &str) -> Response {
        (self.status, Json(self.body(request_id))).into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "emulator store write failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }
}

/// `error.type` for a status (docs/api-contract.md §6).
fn error_type(status: u16) -> &'static str {
    match status {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        408 | 504 => "timeout_error",
        409 => "conflict_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    }
}

/// A request's credentials and beta header: with a key configured, `x-api-key` or
/// `Authorization: Bearer` must carry it (judgement 2); `anthropic-beta` must list
/// this version, among others or not (§1, judgement 12).
pub fn check_headers(api_key: Option<&SecretString>, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(key) = api_key {
        let expected = key.expose_secret();
        let x_api_key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if x_api_key != Some(expected) && bearer != Some(expected) {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid x-api-key"));
        }
    }
    let has_beta = headers
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|beta| beta.trim() == BETA);
    if has_beta {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "This endpoint is in beta: the anthropic-beta header must include {BETA}"
        )))
    }
}

pub fn parse_body<T: for<'de> Deserialize<'de>>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request exceeds the maximum allowed number of bytes.",
            )
        } else {
            ApiError::invalid(format!("Could not read the request body: {rejection}"))
        }
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::invalid(format!("Invalid request body: {e}")))
}

/// What a list call asks for: `limit` 1–100 (judgement 9), `order`, and the position
/// after which to start, from a cursor issued for the same order (judgement 10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    pub limit: usize,
    pub order: Order,
    pub after: Option<Position>,
}

impl ListRequest {
    pub fn parse(query: &HashMap<String, String>) -> Result<Self, ApiError> {
        let limit = match query.get("limit") {
            None => PageSize::DEFAULT,
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .and_then(|n| PageSize::new(n).ok())
                .ok_or_else(|| ApiError::invalid("limit: must be an integer between 1 and 100"))?,
        };
        let order = match query.get("order") {
            None => Order::Desc,
            Some(raw) => Order::parse(raw).map_err(|e| ApiError::invalid(e.to_string()))?,
        };
        let after = match query.get("page") {
            None => None,
            Some(raw) => {
                let position = cursor::decode(raw)
                    .ok_or_else(|| ApiError::invalid("page: invalid page cursor"))?;
                if position.order != order {
                    return Err(ApiError::invalid(format!(
                        "page: this cursor was issued for order={}",
                        position.order.as_str()
                    )));
                }
                Some(position)
            }
        };
        Ok(Self {
            limit: limit.get() as usize,
            order,
            after,
        })
    }
}

/// The seeds' rule ([`check_resold_name`]), kept by the emulator because a stricter
/// emulator is safe (judgement 1).
pub fn require_name_if_resold(
    relationship: &Lenient<Relationship>,
    name: Option<&str>,
) -> Result<(), ApiError> {
    check_resold_name(relationship, name).map_err(|e| ApiError::invalid(e.to_string()))
}

/// `stored` after `patch`, as of `at` (docs/api-contract.md §4, `ProfileUpdate::apply_to`),
/// then checked: at most 16 pairs after the merge (judgement 5), a name when resold
/// (judgement 1). All or nothing: an error leaves the stored profile as it was.
pub fn apply_update(
    stored: &Profile,
    patch: &ProfileUpdate,
    at: OffsetDateTime,
) -> Result<Profile, ApiError> {
    let mut next = patch.apply_to(stored);
    if next.metadata.len() > MAX_METADATA_KEYS {
        return Err(ApiError::invalid(format!(
            "metadata: the profile would have {} keys; at most {MAX_METADATA_KEYS} are allowed",
            next.metadata.len()
        )));
    }
    require_name_if_resold(&next.relationship, next.name.as_deref())?;
    next.updated_at = at;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::ProfileUpdateInput;
    use axum::http::HeaderValue;
    use serde_json::json;
    use time::macros::datetime;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn status(result: Result<impl Sized, ApiError>) -> u16 {
        result.err().map_or(200, |e| e.status.as_u16())
    }

    fn profile(fields: serde_json::Value) -> Profile {
        let mut base = json!({
            "id": "uprof_01test", "created_at": "2026-03-24T09:00:00Z",
            "updated_at": "2026-03-24T09:00:00Z", "relationship": "external",
        });
        base.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    fn patch(body: serde_json::Value) -> ProfileUpdate {
        ProfileUpdate::try_from(serde_json::from_value::<ProfileUpdateInput>(body).unwrap())
            .unwrap()
    }

    #[test]
    fn the_beta_must_be_listed_among_any_others() {
        assert_eq!(status(check_headers(None, &headers(&[]))), 400);
        let other = headers(&[("anthropic-beta", "user-profiles-2026-08-18")]);
        let refused = check_headers(None, &other).unwrap_err();
        assert!(refused.message.contains(BETA), "{}", refused.message);
        for listed in [BETA, &format!("files-api, {BETA} ,x"), &format!(" {BETA}")] {
            assert_eq!(
                status(check_headers(None, &headers(&[("anthropic-beta", listed)]))),
                200
            );
        }
        let split = headers(&[("anthropic-beta", "x"), ("anthropic-beta", BETA)]);
        assert_eq!(status(check_headers(None, &split)), 200);
    }

    #[test]
    fn a_configured_key_comes_as_x_api_key_or_bearer() {
        let key = SecretString::from("sk-test");
        let with = |auth: (&'static str, &str)| headers(&[("anthropic-beta", BETA), auth]);
        assert_eq!(
            status(check_headers(Some(&key), &with(("x-api-key", "sk-test")))),
            200
        );
        assert_eq!(
            status(check_headers(
                Some(&key),
                &with(("authorization", "Bearer sk-test"))
            )),
            200
        );
        assert_eq!(
            status(check_headers(Some(&key), &with(("x-api-key", "sk-other")))),
            401
        );
        assert_eq!(
            status(check_headers(
                Some(&key),
                &with(("authorization", "sk-test"))
            )),
            401
        );
        assert_eq!(
            status(check_headers(
                Some(&key),
                &headers(&[("anthropic-beta", BETA)])
            )),
            401
        );
    }

    #[test]
    fn errors_have_the_api_shape_and_type_by_status() {
        let missing = ApiError::not_found("uprof_x");
        assert_eq!(
            missing.body("req_1"),
            json!({"type": "error", "request_id": "req_1",
                "error": {"type": "not_found_error", "message": "User profile uprof_x not found"}})
        );
        assert_eq!(missing.render("req_1").status(), 404);
        for (status, kind) in [
            (400, "invalid_request_error"),
            (401, "authentication_error"),
            (404, "not_found_error"),
            (408, "timeout_error"),
            (409, "conflict_error"),
            (413, "request_too_large"),
            (429, "rate_limit_error"),
            (500, "api_error"),
            (503, "api_error"),
            (529, "overloaded_error"),
            (422, "invalid_request_error"),
        ] {
            assert_eq!(error_type(status), kind, "{status}");
        }
    }

    #[test]
    fn list_queries_are_bounded_and_cursors_keep_their_order() {
        let query = |pairs: &[(&str, &str)]| {
            ListRequest::parse(
                &pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        assert_eq!(
            query(&[]).unwrap(),
            ListRequest {
                limit: 20,
                order: Order::Desc,
                after: None
            }
        );
        for bad in [
            [("limit", "0")],
            [("limit", "101")],
            [("limit", "2.5")],
            [("order", "ASC")],
            [("page", "page_garbage")],
        ] {
            assert_eq!(status(query(&bad)), 400, "{bad:?}");
        }
        let position = Position {
            order: Order::Asc,
            created_at: datetime!(2026-03-24 09:00 UTC),
            id: "uprof_01a".into(),
        };
        let asc = cursor::encode(&position);
        assert_eq!(
            query(&[("order", "asc"), ("page", &asc)]).unwrap().after,
            Some(position)
        );
        let refused = query(&[("page", &asc)]).unwrap_err();
        assert!(refused.message.contains("order=asc"), "{}", refused.message);
    }

    #[test]
    fn an_update_clears_with_null_keeps_the_relationship_and_merges_metadata() {
        let stored = profile(json!({
            "name": "Acme", "external_id": "u1", "relationship": "resold",
            "metadata": {"plan": "pro", "region": "eu"},
        }));
        let at = datetime!(2026-03-25 10:00 UTC);
        let next = apply_update(
            &stored,
            &patch(json!({"external_id": null, "relationship": null,
                "metadata": {"plan": "", "tier": "gold", "absent": ""}})),
            at,
        )
        .unwrap();
        assert_eq!(next.external_id, None);
        assert_eq!(next.name.as_deref(), Some("Acme"));
        assert_eq!(next.relationship.label(), "resold");
        assert_eq!(next.metadata.keys().collect::<Vec<_>>(), ["region", "tier"]);
        assert_eq!((next.created_at, next.updated_at), (stored.created_at, at));
        let unchanged = apply_update(&stored, &patch(json!({})), at).unwrap();
        assert_eq!(
            unchanged.updated_at, at,
            "judgement 8: every success moves it"
        );
    }

    #[test]
    fn an_update_is_refused_whole_past_sixteen_pairs_or_for_a_nameless_resold_profile() {
        let full: serde_json::Map<_, _> = (0..16).map(|i| (format!("k{i}"), json!("v"))).collect();
        let stored = profile(json!({ "metadata": full }));
        let at = datetime!(2026-03-25 10:00 UTC);
        let over = apply_update(&stored, &patch(json!({"metadata": {"k16": "v"}})), at);
        assert!(over.unwrap_err().message.contains("17 keys"));
        let swap = apply_update(
            &stored,
            &patch(json!({"metadata": {"k0": "", "k16": "v"}})),
            at,
        );
        assert_eq!(swap.unwrap().metadata.len(), 16);
        let nameless = apply_update(&stored, &patch(json!({"relationship": "resold"})), at);
        assert!(nameless.unwrap_err().message.starts_with("name:"));
    }

    #[test]
    fn bodies_must_be_json_of_the_contract_shape() {
        let body = |text: &'static str| Ok(Bytes::from_static(text.as_bytes()));
        assert_eq!(status(parse_body::<ProfileUpdateInput>(body("{}"))), 200);
        for bad in [
            r#"{"name": 1}"#,
            r#"{"nme": "x"}"#,
            "{",
            r#"{"metadata": null}"#,
        ] {
            let refused = parse_body::<ProfileUpdateInput>(body(bad)).unwrap_err();
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
        }
    }
}

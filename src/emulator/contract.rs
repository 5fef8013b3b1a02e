//! The contract's checks (docs/api-contract.md §9 and its judgements), as plain functions
//! of what a request holds, so that each rule is unit-tested here and the handlers
//! (`api.rs`) only apply them: errors and their shape (§2.4, §6), the key and beta
//! headers (§1), bodies, the list's query (§3.2, §5) and what an update does (§4).

use super::cursor::{self, OrderBy, Position};
use super::store::StoreError;
use crate::error::FieldError;
use crate::profiles::model::ApiVersion;
use crate::profiles::model::EnforcementStatus;
use crate::profiles::model::{Order, PageSize};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

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

    pub fn message(&self) -> &str {
        &self.message
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

/// A request's credentials, then the version its `anthropic-beta` header selects: with
/// a key configured, `x-api-key` or `Authorization: Bearer` must carry it (judgement 2);
/// no `user-profiles-*` value is GA, else the first one names the version, and one this
/// emulator does not know is refused (docs/api-versions.md, "Choosing a version").
pub fn check_headers(
    api_key: Option<&SecretString>,
    headers: &HeaderMap,
) -> Result<ApiVersion, ApiError> {
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
    let values = headers
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok());
    ApiVersion::from_beta_header(values).map_err(|unknown| {
        ApiError::invalid(format!(
            "anthropic-beta: {unknown} is not a version of the User Profiles API"
        ))
    })
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

/// What a list call asks for: `limit` 1–100 (judgement 9), `order`, `order_by`, the
/// enforcement statuses to keep (GA only), and the position after which to start, from
/// a cursor issued for the same parameters (judgement 10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    pub limit: usize,
    pub order: Order,
    pub order_by: OrderBy,
    /// In [`EnforcementStatus::ALL`] order, without repeats; empty keeps every profile.
    pub filter: Vec<EnforcementStatus>,
    pub after: Option<Position>,
}

/// The filter's name on the wire: the SDKs send `enforcement_status[]`, percent-encoded
/// or not; some clients leave the brackets out.
const FILTER: [&str; 2] = ["enforcement_status[]", "enforcement_status"];

impl ListRequest {
    /// From the query's pairs, decoded, in order; a repeated parameter other than the
    /// filter counts once, its last value. The filter needs GA and enforcement enabled
    /// for the organization.
    pub fn parse(
        query: &[(String, String)],
        version: ApiVersion,
        enforcement_enabled: bool,
    ) -> Result<Self, ApiError> {
        let last = |name: &str| {
            query
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let limit = match last("limit") {
            None => PageSize::DEFAULT,
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .and_then(|n| PageSize::new(n).ok())
                .ok_or_else(|| ApiError::invalid("limit: must be an integer between 1 and 100"))?,
        };
        let order = match last("order") {
            None => Order::Desc,
            Some(raw) => Order::parse(raw).map_err(|e| ApiError::invalid(e.to_string()))?,
        };
        let order_by = match last("order_by") {
            None => OrderBy::CreatedAt,
            Some(raw) => OrderBy::parse(raw)
                .ok_or_else(|| ApiError::invalid("order_by: must be \"created_at\" or \"name\""))?,
        };
        let mut asked = Vec::new();
        for (_, raw) in query.iter().filter(|(k, _)| FILTER.contains(&k.as_str())) {
            if !version.is_ga() {
                return Err(ApiError::invalid(format!(
                    "enforcement_status[]: not accepted under the {} beta header",
                    version.beta().unwrap_or_default()
                )));
            }
            if !enforcement_enabled {
                return Err(ApiError::invalid(
                    "enforcement_status[]: enforcement is not enabled for this organization",
                ));
            }
            asked.push(EnforcementStatus::parse(raw).ok_or_else(|| {
                ApiError::invalid(format!(
                    "enforcement_status[]: {raw:?} is not one of unrestricted, pending, restricted, banned"
                ))
            })?);
        }
        let filter: Vec<_> = EnforcementStatus::ALL
            .into_iter()
            .filter(|s| asked.contains(s))
            .collect();
        let after = match last("page") {
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
                if (position.order_by, &position.filter) != (order_by, &filter) {
                    return Err(ApiError::invalid(
                        "page: this cursor was issued for another order_by or enforcement_status",
                    ));
                }
                Some(position)
            }
        };
        Ok(Self {
            limit: limit.get() as usize,
            order,
            order_by,
            filter,
            after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde_json::json;
    use time::macros::datetime;

    const BETA: &str = "user-profiles-2026-03-24";

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

    #[test]
    fn the_beta_header_selects_the_version_and_an_unknown_one_is_refused() {
        assert_eq!(check_headers(None, &headers(&[])).unwrap(), ApiVersion::Ga);
        for listed in [BETA, &format!("files-api, {BETA} ,x"), &format!(" {BETA}")] {
            assert_eq!(
                check_headers(None, &headers(&[("anthropic-beta", listed)])).unwrap(),
                ApiVersion::Beta20260324
            );
        }
        let split = headers(&[("anthropic-beta", "x"), ("anthropic-beta", BETA)]);
        assert_eq!(
            check_headers(None, &split).unwrap(),
            ApiVersion::Beta20260324
        );
        let unknown = headers(&[("anthropic-beta", "user-profiles-2030-01-01")]);
        let refused = check_headers(None, &unknown).unwrap_err();
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(
            refused.message.contains("user-profiles-2030-01-01"),
            "{}",
            refused.message
        );
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
        assert_eq!(status(check_headers(Some(&key), &headers(&[]))), 401);
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

    fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn list_queries_are_bounded_and_cursors_keep_their_parameters() {
        let query = |q: &[(&str, &str)]| ListRequest::parse(&pairs(q), ApiVersion::Ga, true);
        assert_eq!(
            query(&[]).unwrap(),
            ListRequest {
                limit: 20,
                order: Order::Desc,
                order_by: OrderBy::CreatedAt,
                filter: Vec::new(),
                after: None
            }
        );
        for bad in [
            [("limit", "0")],
            [("limit", "101")],
            [("limit", "2.5")],
            [("order", "ASC")],
            [("order_by", "updated_at")],
            [("enforcement_status[]", "jailed")],
            [("page", "page_garbage")],
        ] {
            assert_eq!(status(query(&bad)), 400, "{bad:?}");
        }
        let position = Position {
            order: Order::Asc,
            order_by: OrderBy::CreatedAt,
            filter: Vec::new(),
            name_key: None,
            created_at: datetime!(2026-03-24 09:00 UTC),
            id: "uprof_01a".into(),
        };
        let asc = cursor::encode(&position);
        assert_eq!(
            query(&[("order", "asc"), ("page", &asc)]).unwrap().after,
            Some(position.clone())
        );
        let refused = query(&[("page", &asc)]).unwrap_err();
        assert!(refused.message.contains("order=asc"), "{}", refused.message);
        for other in [("order_by", "name"), ("enforcement_status[]", "banned")] {
            assert_eq!(
                status(query(&[("order", "asc"), other, ("page", &asc)])),
                400
            );
        }
    }

    #[test]
    fn the_enforcement_filter_is_a_set_taken_with_or_without_brackets_and_only_under_ga() {
        let asked = pairs(&[
            ("enforcement_status[]", "banned"),
            ("enforcement_status", "restricted"),
            ("enforcement_status[]", "banned"),
        ]);
        assert_eq!(
            ListRequest::parse(&asked, ApiVersion::Ga, true)
                .unwrap()
                .filter,
            [EnforcementStatus::Restricted, EnforcementStatus::Banned]
        );
        for beta in [
            ApiVersion::Beta20260324,
            ApiVersion::Beta20260818,
            ApiVersion::Beta20260904,
        ] {
            let refused = ListRequest::parse(&asked, beta, true).unwrap_err();
            assert!(
                refused.message.starts_with("enforcement_status[]:"),
                "{}",
                refused.message
            );
        }
    }

    #[test]
    fn bodies_must_be_json_objects() {
        type Body = serde_json::Map<String, serde_json::Value>;
        let body = |text: &'static str| Ok(Bytes::from_static(text.as_bytes()));
        assert_eq!(status(parse_body::<Body>(body("{}"))), 200);
        for bad in ["{", "[]", "null", ""] {
            let refused = parse_body::<Body>(body(bad)).unwrap_err();
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
        }
    }
}

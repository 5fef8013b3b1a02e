//! The one place that builds User Profiles API URLs, holds the API key and talks HTTP.
//!
//! Headers follow docs/api-contract.md §1 and the version the console speaks
//! (docs/api-versions.md, "Choosing a version"); retries follow the SDK policy of docs/api-contract.md §7, except that a
//! create is never retried after an ambiguous failure (a timeout or a dropped connection
//! after the request was sent), because the API has no idempotency key and a retry could
//! create a duplicate profile.

use super::error::{ErrorKind, UpstreamError};
use super::retry::{should_retry_status, RetryPolicy};
use crate::profiles::model::{
    ApiVersion, DeletedProfile, EnrollmentUrl, ListQuery, Profile, ProfileId, ProfilePage, WireBody,
};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, DATE};
use reqwest::{Method, RequestBuilder, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// Everything the client needs; built from the command line and environment.
#[derive(Debug, Clone)]
pub struct UpstreamConfig {
    pub base_url: Url,
    /// The API version every call speaks.
    pub version: ApiVersion,
    /// `None` only for the built-in emulator, which accepts unauthenticated calls.
    pub api_key: Option<SecretString>,
    pub connect_timeout: Duration,
    /// Bound on one attempt, from sending to the last byte of the answer.
    pub attempt_timeout: Duration,
    pub retry: RetryPolicy,
}

impl UpstreamConfig {
    /// The longest one call can take: every attempt running to its timeout, with the
    /// longest wait between attempts (backoff tops out at 8 s, `retry-after` at its cap).
    pub fn longest_call(&self) -> Duration {
        let attempts = self.retry.max_retries + 1;
        let wait = self.retry.retry_after_cap.max(Duration::from_secs(8));
        (self.connect_timeout + self.attempt_timeout) * attempts + wait * self.retry.max_retries
    }

    pub fn new(base_url: Url, version: ApiVersion, api_key: Option<SecretString>) -> Self {
        Self {
            base_url,
            version,
            api_key,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }
}

/// A successful call: the value and the upstream `request-id`, for logs and audit.
#[derive(Debug, Clone)]
pub struct Reply<T> {
    pub value: T,
    pub request_id: Option<String>,
    /// The answer's `Date`: the upstream's clock, which `doctor` compares with ours.
    pub date: Option<SystemTime>,
}

/// Cheap to clone: one connection pool shared by every request.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    version: ApiVersion,
    api_key: Option<SecretString>,
    retry: RetryPolicy,
    longest_call: Duration,
}

/// Whether an operation may be sent again after it possibly reached the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replay {
    /// Reads, and calls whose replay changes nothing that matters (another link minted).
    Safe,
    /// A write that sets values, so sending it twice does what sending it once does; but
    /// once an attempt's answer was lost, it may have taken effect, so a failure after it
    /// is not a plain failure.
    Idempotent,
    OnlyIfNotSent,
}

/// One failed attempt, with what the retry decision needs.
struct Failure {
    error: UpstreamError,
    retryable: bool,
    headers: Option<HeaderMap>,
}

impl Client {
    pub fn new(config: UpstreamConfig) -> Result<Self, reqwest::Error> {
        let mut headers = HeaderMap::new();
        headers.insert(
            "anthropic-version",
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
        // Exactly one `user-profiles-*` value for a beta, none for GA.
        if let Some(beta) = config.version.beta() {
            headers.insert("anthropic-beta", HeaderValue::from_static(beta));
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(key) = &config.api_key {
            // A key that is not a valid header value cannot be sent at all; leaving the
            // header out gets a clear 401 instead of a panic or an echo of the key.
            if let Ok(mut value) = HeaderValue::from_str(key.expose_secret()) {
                value.set_sensitive(true);
                headers.insert("x-api-key", value);
            }
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("profiles-admin/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .https_only(config.base_url.scheme() == "https")
            .connect_timeout(config.connect_timeout)
            .timeout(config.attempt_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .build()?;
        let longest_call = config.longest_call();
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url: config.base_url,
                version: config.version,
                api_key: config.api_key,
                retry: config.retry,
                longest_call,
            }),
        })
    }

    /// The API version every call speaks.
    pub fn version(&self) -> ApiVersion {
        self.inner.version
    }

    /// See [`UpstreamConfig::longest_call`].
    pub fn longest_call(&self) -> Duration {
        self.inner.longest_call
    }

    /// `GET /v1/user_profiles`: one page, newest first unless `order` says otherwise.
    pub async fn list(&self, query: &ListQuery) -> Result<Reply<ProfilePage>, UpstreamError> {
        self.list_as(query).await
    }

    /// [`Client::list`] with each profile as the JSON it came as: the index keeps it
    /// whole, fields this version does not know included.
    pub async fn list_raw(
        &self,
        query: &ListQuery,
    ) -> Result<Reply<ProfilePage<serde_json::Value>>, UpstreamError> {
        self.list_as(query).await
    }

    async fn list_as<T: DeserializeOwned>(
        &self,
        query: &ListQuery,
    ) -> Result<Reply<ProfilePage<T>>, UpstreamError> {
        let url = self.url(&[]);
        let mut params = vec![
            ("limit", query.limit.get().to_string()),
            ("order", query.order.as_str().to_owned()),
        ];
        if let Some(page) = &query.page {
            params.push(("page", page.as_str().to_owned()));
        }
        if let Some(status) = query.enforcement {
            params.push(("enforcement_status[]", status.as_str().to_owned()));
        }
        self.send("list", Replay::Safe, || {
            self.request(Method::GET, url.clone()).query(&params)
        })
        .await
    }

    /// `GET /v1/user_profiles/{id}`.
    pub async fn get(&self, id: &ProfileId) -> Result<Reply<Profile>, UpstreamError> {
        let url = self.url(&[id.as_str()]);
        self.send("get", Replay::Safe, || {
            self.request(Method::GET, url.clone())
        })
        .await
    }

    /// `POST /v1/user_profiles`. Not replayed once it may have reached the API.
    pub async fn create(&self, body: &WireBody) -> Result<Reply<Profile>, UpstreamError> {
        let url = self.url(&[]);
        self.send("create", Replay::OnlyIfNotSent, || {
            self.request(Method::POST, url.clone()).json(body)
        })
        .await
    }

    /// `POST /v1/user_profiles/{id}`: set and merge semantics, so safe to replay.
    pub async fn update(
        &self,
        id: &ProfileId,
        body: &WireBody,
    ) -> Result<Reply<Profile>, UpstreamError> {
        let url = self.url(&[id.as_str()]);
        self.send("update", Replay::Idempotent, || {
            self.request(Method::POST, url.clone()).json(body)
        })
        .await
    }

    /// `DELETE /v1/user_profiles/{id}` (served under every version, docs/api-versions.md).
    /// Not replayed once it may have reached the API: a second delete answers 404, which
    /// would hide that the first one worked.
    pub async fn delete(&self, id: &ProfileId) -> Result<Reply<DeletedProfile>, UpstreamError> {
        let url = self.url(&[id.as_str()]);
        self.send("delete", Replay::OnlyIfNotSent, || {
            self.request(Method::DELETE, url.clone())
        })
        .await
    }

    /// An enrollment link: under GA `POST …/{id}/action_urls` for `enroll_end_user`, the
    /// way the GA docs name; under the beta `POST …/{id}/enrollment_url`, as the console
    /// always did. Each call mints a new link; a replay only mints another, so it is safe.
    pub async fn enrollment_url(
        &self,
        id: &ProfileId,
    ) -> Result<Reply<EnrollmentUrl>, UpstreamError> {
        if self.inner.version.is_ga() {
            let url = self.url(&[id.as_str(), "action_urls"]);
            let body = serde_json::json!({"action": {"type": "enroll_end_user"}});
            return self
                .send("action_urls", Replay::Safe, || {
                    self.request(Method::POST, url.clone()).json(&body)
                })
                .await;
        }
        let url = self.url(&[id.as_str(), "enrollment_url"]);
        self.send("enrollment_url", Replay::Safe, || {
            self.request(Method::POST, url.clone())
        })
        .await
    }

    /// `{base}/v1/user_profiles[/segments…]`, each segment percent-encoded as one path
    /// segment. Segments are validated ids or constants, never raw input.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.base_url.clone();
        url.path_segments_mut()
            .expect("the base URL is http(s), checked at start-up")
            .pop_if_empty()
            .extend(["v1", "user_profiles"])
            .extend(segments);
        url
    }

    fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.inner.http.request(method, url)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        op: &'static str,
        replay: Replay,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<Reply<T>, UpstreamError> {
        let policy = self.inner.retry;
        let mut retries = 0;
        // An earlier attempt of this write whose answer was lost: it may have happened.
        let mut maybe_applied = false;
        loop {
            let mut failure = match self.attempt(op, retries > 0, build()).await {
                Ok(reply) => {
                    tracing::debug!(op, attempt = retries + 1, request_id = ?reply.request_id, "upstream ok");
                    return Ok(reply);
                }
                Err(failure) => failure,
            };
            let ambiguous = failure.error.kind.is_ambiguous();
            let replayable = replay != Replay::OnlyIfNotSent || !ambiguous;
            maybe_applied |= replay == Replay::Idempotent && ambiguous;
            if !failure.retryable || !replayable || retries >= policy.max_retries {
                failure.error.outcome_unknown = !replayable || maybe_applied;
                tracing::warn!(op, attempt = retries + 1, error = %failure.error, "upstream failed");
                return Err(failure.error);
            }
            let delay = policy.delay(
                retries,
                failure.headers.as_ref(),
                SystemTime::now(),
                rand::random::<f64>(),
            );
            tracing::info!(
                op,
                attempt = retries + 1,
                error = %failure.error,
                retry_in_ms = delay.as_millis() as u64,
                "upstream attempt failed; retrying"
            );
            tokio::time::sleep(delay).await;
            retries += 1;
        }
    }

    /// One request, counted and timed by `op`, its status or transport failure, and
    /// whether it is a `retry` (docs/operations.md, "Monitoring").
    async fn attempt<T: DeserializeOwned>(
        &self,
        op: &'static str,
        retry: bool,
        request: RequestBuilder,
    ) -> Result<Reply<T>, Failure> {
        let started = std::time::Instant::now();
        let record = |outcome: String| {
            crate::telemetry::upstream_attempt(op, outcome, retry, started.elapsed());
        };
        let received = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            Ok::<_, reqwest::Error>((status, headers, response.bytes().await?))
        };
        let (status, headers, body) = match received.await {
            Ok(received) => received,
            Err(e) => {
                let failure = self.transport(&e);
                record(failure.error.kind.label().to_owned());
                return Err(failure);
            }
        };
        record(status.to_string());
        let header_id = headers
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);

        if (200..300).contains(&status) {
            return match serde_json::from_slice::<T>(&body) {
                Ok(value) => Ok(Reply {
                    value,
                    request_id: header_id,
                    date: headers
                        .get(DATE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| httpdate::parse_http_date(v).ok()),
                }),
                Err(e) => Err(Failure {
                    error: UpstreamError {
                        kind: ErrorKind::Unreadable,
                        status: Some(status),
                        message: format!("response body is not the documented JSON: {e}"),
                        request_id: header_id,
                        outcome_unknown: false,
                    },
                    retryable: false,
                    headers: None,
                }),
            };
        }

        let parsed = serde_json::from_slice::<ErrorBody>(&body).ok();
        let message = parsed
            .as_ref()
            .map(|b| self.scrub(&b.error.message))
            .unwrap_or_else(|| format!("HTTP {status} without an error body"));
        let request_id = header_id.or_else(|| parsed.and_then(|b| b.request_id));
        Err(Failure {
            error: UpstreamError {
                kind: ErrorKind::from_status(status),
                status: Some(status),
                message,
                request_id,
                outcome_unknown: false,
            },
            retryable: should_retry_status(status, &headers),
            headers: Some(headers),
        })
    }

    /// A failure with no usable response. Connect errors happened before anything was
    /// sent; timeouts and broken connections after it.
    fn transport(&self, e: &reqwest::Error) -> Failure {
        let kind = if e.is_connect() {
            ErrorKind::Connect
        } else if e.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Dropped
        };
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Failure {
            error: UpstreamError {
                kind,
                status: None,
                message: self.scrub(&message),
                request_id: None,
                outcome_unknown: false,
            },
            retryable: true,
            headers: None,
        }
    }

    /// Removes the key from upstream text, in case a proxy or error page echoes it.
    fn scrub(&self, text: &str) -> String {
        match &self.inner.api_key {
            Some(key) if !key.expose_secret().is_empty() => {
                text.replace(key.expose_secret(), "[redacted]")
            }
            _ => text.to_owned(),
        }
    }
}

/// The documented error body; every part optional so that any JSON error still parses.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: ErrorObject,
    #[serde(default)]
    request_id: Option<String>,
}

#[derive(Deserialize, Default)]
struct ErrorObject {
    #[serde(default)]
    message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_call_counts_every_attempt_and_the_longest_waits() {
        let mut config = UpstreamConfig::new(
            Url::parse("https://api.anthropic.com").unwrap(),
            ApiVersion::Ga,
            None,
        );
        // 3 attempts of 5 s connect + 30 s, and 2 waits of up to 60 s (the retry-after cap).
        assert_eq!(config.longest_call(), Duration::from_secs(225));
        config.retry.max_retries = 0;
        assert_eq!(config.longest_call(), Duration::from_secs(35));
    }
}

//! The official SDKs' retry policy (docs/api-contract.md §7), as pure functions so it is tested
//! exactly: which responses are retried, and how long to wait before each retry.

use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime};

/// How many retries, and the longest server-requested wait we honour (docs/api-contract.md, judgement 14).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; the SDK default 2 means 3 attempts.
    pub max_retries: u32,
    /// A `retry-after` longer than this falls back to exponential backoff.
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

/// Whether a response with this status and these headers should be retried:
/// `x-should-retry` decides when present; otherwise 408, 409, 429 and every 5xx.
pub fn should_retry_status(status: u16, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => matches!(status, 408 | 409 | 429) || status >= 500,
    }
}

impl RetryPolicy {
    /// The wait before retry number `retries_taken + 1`. A server-requested delay
    /// (`retry-after-ms`, else `retry-after` as seconds or an HTTP date) is used when it is
    /// positive and within the cap; otherwise `min(0.5 * 2^n, 8) s * (1 - 0.25 * jitter)`.
    /// `jitter` is a random number in `[0, 1)`, passed in so tests can pin it.
    pub fn delay(
        &self,
        retries_taken: u32,
        headers: Option<&HeaderMap>,
        now: SystemTime,
        jitter: f64,
    ) -> Duration {
        if let Some(requested) = headers.and_then(|h| requested_delay(h, now)) {
            if requested > Duration::ZERO && requested <= self.retry_after_cap {
                return requested;
            }
        }
        let base = (0.5 * 2f64.powi(retries_taken.min(16) as i32)).min(8.0);
        Duration::from_secs_f64(base * (1.0 - 0.25 * jitter.clamp(0.0, 1.0)))
    }
}

fn requested_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return seconds(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn seconds(secs: f64) -> Option<Duration> {
    (0.0..1e9)
        .contains(&secs)
        .then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    const NOW: SystemTime = SystemTime::UNIX_EPOCH;

    #[test]
    fn retries_408_409_429_and_5xx_only() {
        let none = HeaderMap::new();
        for status in [408, 409, 429, 500, 502, 503, 504, 529] {
            assert!(should_retry_status(status, &none), "{status}");
        }
        for status in [400, 401, 403, 404, 413, 422] {
            assert!(!should_retry_status(status, &none), "{status}");
        }
    }

    #[test]
    fn x_should_retry_overrides_the_status() {
        assert!(should_retry_status(
            400,
            &headers(&[("x-should-retry", "true")])
        ));
        assert!(!should_retry_status(
            500,
            &headers(&[("x-should-retry", "false")])
        ));
        assert!(should_retry_status(
            503,
            &headers(&[("x-should-retry", "maybe")])
        ));
    }

    #[test]
    fn backoff_doubles_from_half_a_second_and_caps_at_eight() {
        let p = RetryPolicy::default();
        let expect = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0];
        for (n, secs) in expect.into_iter().enumerate() {
            assert_eq!(
                p.delay(n as u32, None, NOW, 0.0),
                Duration::from_secs_f64(secs)
            );
        }
    }

    #[test]
    fn jitter_shortens_backoff_by_at_most_a_quarter() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(0, None, NOW, 1.0), Duration::from_secs_f64(0.375));
        assert_eq!(p.delay(2, None, NOW, 0.5), Duration::from_secs_f64(1.75));
    }

    #[test]
    fn retry_after_ms_wins_over_retry_after() {
        let p = RetryPolicy::default();
        let h = headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]);
        assert_eq!(p.delay(0, Some(&h), NOW, 0.3), Duration::from_millis(1500));
    }

    #[test]
    fn retry_after_takes_float_seconds_or_an_http_date() {
        let p = RetryPolicy::default();
        let h = headers(&[("retry-after", "2.5")]);
        assert_eq!(p.delay(0, Some(&h), NOW, 0.3), Duration::from_millis(2500));
        let h = headers(&[("retry-after", "Thu, 01 Jan 1970 00:00:03 GMT")]);
        assert_eq!(p.delay(0, Some(&h), NOW, 0.3), Duration::from_secs(3));
    }

    #[test]
    fn unusable_requested_delays_fall_back_to_backoff() {
        let p = RetryPolicy::default();
        for value in [
            "0",
            "-1",
            "61",
            "soon",
            "NaN",
            "Thu, 01 Jan 1970 00:00:00 GMT",
        ] {
            let h = headers(&[("retry-after", value)]);
            assert_eq!(
                p.delay(1, Some(&h), NOW, 0.0),
                Duration::from_secs(1),
                "{value}"
            );
        }
    }

    #[test]
    fn the_cap_is_configurable() {
        let p = RetryPolicy {
            max_retries: 2,
            retry_after_cap: Duration::from_secs(120),
        };
        let h = headers(&[("retry-after", "90")]);
        assert_eq!(p.delay(0, Some(&h), NOW, 0.0), Duration::from_secs(90));
    }
}

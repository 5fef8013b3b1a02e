//! What every response of the console gets, whatever produced it (docs/security.md,
//! "What is enforced where"): cross-site state changes refused, paths with dot segments
//! refused, request bodies bounded, the security headers, no caching of anything but the
//! static bundle, compression unless the answer carries a credential, and an
//! `x-request-id` that the logs carry.
//! The Content-Security-Policy needs the page's nonce, so the shell sets it
//! ([`content_security_policy`]).

use axum::extract::Request;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::time::Duration;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::csrf::CsrfLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;

/// Largest request body anywhere but the import page's upload: a full form is ~40 KiB.
pub const MAX_BODY: usize = 64 * 1024;
/// Largest body of the import page's upload: a 64 MiB file (docs/onboarding.md) and the
/// form around it.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024 + MAX_BODY;
/// The header carrying the console's id of a request, in and out.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Longest inbound request id kept; anything longer or odder is replaced.
const MAX_REQUEST_ID: usize = 64;

/// How long the console works on one request before answering 503: longer than anything
/// upstream may take, since a save makes two calls (the "changed elsewhere" read, then
/// the update), so that the upstream's own timeouts and retries always decide first.
pub fn request_timeout(longest_upstream_call: Duration) -> Duration {
    longest_upstream_call * 2 + Duration::from_secs(10)
}

/// What the headers depend on: whether browsers reach the console over TLS (through a
/// proxy; the console itself speaks plain HTTP), and under which origin.
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    /// `https://console.example` when a TLS proxy serves the console there.
    pub public_origin: Option<String>,
}

impl Deployment {
    pub fn new(public_origin: Option<&url::Url>) -> Result<Self, String> {
        let public_origin = public_origin
            .map(|url| match url.origin() {
                origin @ url::Origin::Tuple(..) => Ok(origin.ascii_serialization()),
                url::Origin::Opaque(_) => {
                    Err(format!("PROFILES_PUBLIC_ORIGIN {url} has no origin"))
                }
            })
            .transpose()?;
        Ok(Self { public_origin })
    }

    /// HSTS only makes sense, and is only honoured, over TLS.
    fn tls(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
    }
}

/// Two years, subdomains included: the preload list's own minimum is one.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Wraps the app: the request id outermost (every answer has one, refusals included),
/// then the headers, the inbound timeout, the body limit, and the CSRF check before any
/// handler runs. A proxy may rewrite `Host`, so the public origin is trusted by name.
/// `POST` to `csrf_exempt` skips the CSRF check: the webhook receiver, a server-to-server
/// call verified by its signature (docs/webhooks.md); nothing else does. `POST` to
/// `upload` may carry [`MAX_UPLOAD`] bytes, anything else [`MAX_BODY`].
pub fn harden(
    router: Router,
    timeout: Duration,
    deployment: &Deployment,
    csrf_exempt: &'static str,
    upload: &'static str,
) -> Router {
    let mut csrf = CsrfLayer::new().with_insecure_bypass(move |method, uri| {
        method == axum::http::Method::POST && uri.path() == csrf_exempt
    });
    if let Some(origin) = &deployment.public_origin {
        csrf = csrf
            .add_trusted_origin(origin)
            .expect("an origin serialized by the url crate is valid");
    }
    let static_headers = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    ];
    let mut router = router
        .layer(csrf)
        .layer(from_fn(move |request, next| {
            limit_body(upload, request, next)
        }))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(from_fn(no_store))
        .layer(compression())
        .layer(from_fn(plain_path));
    for (name, value) in static_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    if deployment.tls() {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ));
    }
    router
        .layer(from_fn(crate::telemetry::observe))
        .layer(from_fn(request_id))
}

/// The policy for one page, with that page's nonce. Scripts run only if the nonce'd
/// hydration script loaded them (`'strict-dynamic'`), WASM may be compiled, nothing may
/// frame the console, and forms post only to it. `reload` is cargo-leptos' live-reload
/// socket in watch mode.
pub fn content_security_policy(nonce: &str, reload: Option<&str>) -> String {
    let connect = match reload {
        Some(socket) => format!("'self' {socket}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src {connect}; font-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// `Cache-Control` of an answer that carries a credential (an enrollment link): never
/// stored, and never compressed, by us or anything between us and the browser.
pub const CARRIES_CREDENTIAL: HeaderValue = HeaderValue::from_static("no-store, no-transform");

/// Pages, server functions and redirects may hold profile data or credentials: never
/// stored. The hashed-by-build static bundle and the icon may be cached.
async fn no_store(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let cacheable = path.starts_with("/pkg/") || path == "/favicon.svg";
    let mut response = next.run(request).await;
    if !cacheable && !carries_credential(response.headers()) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Whether the answer was marked with [`CARRIES_CREDENTIAL`].
fn carries_credential(headers: &axum::http::HeaderMap) -> bool {
    headers.get(header::CACHE_CONTROL) == Some(&CARRIES_CREDENTIAL)
}

/// Brotli or gzip, as the browser asks, at level 1, chosen by bytes saved per millisecond
/// of the encoder on the 100-row list page (docs/performance.md, "Compressing pages"):
/// gzip 1 saves the most per ms, brotli 1 is the cheapest brotli smaller than gzip 1, and
/// every higher level buys each further byte more slowly than a 100 Mbit/s link carries
/// it. The static bundle is precompressed once at the highest levels instead
/// (`scripts/release.sh`). An answer that carries a credential is sent as it is: a
/// compressed secret beside reflected input is what BREACH reads, one guess at a time,
/// from the sizes of responses (docs/security.md, "Compression and BREACH").
const DYNAMIC_LEVEL: CompressionLevel = CompressionLevel::Precise(1);

fn compression() -> CompressionLayer<impl Predicate> {
    let plain = |_: StatusCode,
                 _: axum::http::Version,
                 headers: &axum::http::HeaderMap,
                 _: &axum::http::Extensions| !carries_credential(headers);
    CompressionLayer::new()
        .no_deflate()
        .no_zstd()
        .quality(DYNAMIC_LEVEL)
        .compress_when(DefaultPredicate::new().and(plain))
}

/// Whether a path names one place as it is written: no segment that is, once decoded,
/// `.` or `..`. URL parsers resolve such segments (`%2e%2e` included, as the WHATWG URL
/// standard does, and `\` as a separator) while the gate and the caching rule read the
/// raw path, so `/pkg/%2e%2e/audit` would be a static file to the gate and the Audit log
/// to the page router. No address of the console has them.
fn plain(path: &str) -> bool {
    path.split(['/', '\\']).all(|segment| {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        !matches!(&*decoded, "." | "..")
    })
}

/// Refuses a path that is not [`plain`] before anything reads it.
async fn plain_path(request: Request, next: Next) -> Response {
    if plain(request.uri().path()) {
        next.run(request).await
    } else {
        (StatusCode::BAD_REQUEST, "This address is not valid.").into_response()
    }
}

fn acceptable_request_id(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= MAX_REQUEST_ID
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The request's span, for what learns more about the request on its way in: the gate
/// names the account on it. `Span::current()` would not do: layers between (the session
/// layer) run the request in spans of their own.
#[derive(Clone)]
pub struct RequestSpan(pub tracing::Span);

/// Keeps a well-formed inbound `x-request-id` (a proxy's), or makes one; every log line
/// of the request carries it, next to the upstream `request-id` when there is one.
async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable_request_id(v))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{:032x}", rand::random::<u128>()));
    let value = HeaderValue::from_str(&id).expect("checked or generated: visible ASCII");
    request.headers_mut().insert(X_REQUEST_ID, value.clone());
    let span = tracing::info_span!("request", request_id = %id, account = tracing::field::Empty);
    request.extensions_mut().insert(RequestSpan(span.clone()));
    let mut response = next.run(request).instrument(span).await;
    response.headers_mut().insert(X_REQUEST_ID, value);
    response
}

/// Refuses a body longer than the path allows (413 when its declared length says so at
/// once, a failed read when it only turns out longer), as tower-http's body limit does,
/// with one larger limit for the upload.
async fn limit_body(
    upload: &'static str,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let limit = if request.method() == axum::http::Method::POST && request.uri().path() == upload {
        MAX_UPLOAD
    } else {
        MAX_BODY
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response();
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inbound_timeout_outlasts_two_upstream_calls() {
        assert_eq!(
            request_timeout(Duration::from_secs(225)),
            Duration::from_secs(460)
        );
    }

    #[test]
    fn paths_with_dot_or_slash_segments_are_not_plain() {
        for ours in [
            "/",
            "/profiles",
            "/profiles/uprof_1/edit",
            "/pkg/app.v1.js",
            "/a%20b",
            "/profiles/..%2F..%2Fv1",
        ] {
            assert!(plain(ours), "{ours}");
        }
        for odd in [
            "/pkg/../audit",
            "/pkg/%2e%2e/profiles",
            "/pkg/%2E%2e/profiles",
            "/pkg/./x",
            "/pkg/%2e/x",
            "/pkg/.%2E/x",
            "/pkg\\..\\audit",
            "/profiles/..",
        ] {
            assert!(!plain(odd), "{odd}");
        }
    }

    #[test]
    fn request_ids_are_kept_only_when_well_formed() {
        assert!(acceptable_request_id("req_0123-abc.9"));
        for bad in ["", "a b", "<script>", "x\ny", &"a".repeat(65)] {
            assert!(!acceptable_request_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_policy_carries_the_nonce_and_forbids_framing_and_plugins() {
        let csp = content_security_policy("abc123", None);
        assert!(csp.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "connect-src 'self';",
        ] {
            assert!(csp.contains(directive), "{directive}");
        }
        let watching = content_security_policy("n", Some("ws://127.0.0.1:3001"));
        assert!(watching.contains("connect-src 'self' ws://127.0.0.1:3001;"));
    }
}

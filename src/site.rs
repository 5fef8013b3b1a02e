//! The browser bundle (`/pkg/…`) and the icon: carried in the binary when the release
//! build embedded them (feature `embed-site`, `scripts/release.sh`), or read from a
//! directory on disk (`--site-dir`, development, tests). Either way each file is sent as
//! the browser asks for it: the brotli or gzip copy made at build time when there is one
//! (docs/operations.md, "One binary").

use axum::http::HeaderMap;
use axum::Router;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};

/// Where the site's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// A directory laid out as cargo-leptos writes `target/site`.
    Disk(PathBuf),
    /// The files the binary carries.
    Embedded,
}

impl Site {
    /// `--site-dir` if given; else the files the binary carries, if it carries them; else
    /// the site root of the site settings.
    pub fn choose(site_dir: Option<PathBuf>, site_root: &str) -> Self {
        match site_dir {
            Some(dir) => Self::Disk(dir),
            None if cfg!(feature = "embed-site") => Self::Embedded,
            None => Self::Disk(PathBuf::from(site_root)),
        }
    }

    /// For the start-up log.
    pub fn describe(&self) -> String {
        match self {
            Self::Disk(dir) => dir.display().to_string(),
            Self::Embedded => "carried in the binary".into(),
        }
    }

    /// `/{pkg}/…` and `/favicon.svg`: from disk by tower-http, from the binary by
    /// `carried::answer`. Served here, not by leptos_axum's file handler: that one answers
    /// a file under a child of whatever reactive owner its thread has current and moves
    /// that owner's pending response headers onto the file, so a page rendered on the same
    /// runtime could lose its Content-Security-Policy to a WASM chunk (tests/serve.rs).
    pub fn routes<S: Clone + Send + Sync + 'static>(&self, pkg: &str) -> Router<S> {
        match self {
            Self::Disk(dir) => {
                let files = ServeDir::new(dir.join(pkg))
                    .precompressed_br()
                    .precompressed_gzip();
                let icon = ServeFile::new(dir.join("favicon.svg"))
                    .precompressed_br()
                    .precompressed_gzip();
                Router::new()
                    .nest_service(&format!("/{pkg}"), files)
                    .route_service("/favicon.svg", icon)
            }
            Self::Embedded => {
                let pkg = pkg.to_owned();
                Router::new()
                    .route(
                        &format!("/{pkg}/{{*file}}"),
                        axum::routing::get(
                            move |axum::extract::Path(file): axum::extract::Path<String>,
                                  headers: HeaderMap| {
                                let path = format!("{pkg}/{file}");
                                async move { carried::answer(&path, &headers) }
                            },
                        ),
                    )
                    .route(
                        "/favicon.svg",
                        axum::routing::get(|headers: HeaderMap| async move {
                            carried::answer("favicon.svg", &headers)
                        }),
                    )
            }
        }
    }

    /// Whether `file` (the bundle pages load, relative to the site root) is there.
    pub async fn has(&self, file: &str) -> bool {
        match self {
            Self::Disk(dir) => tokio::fs::metadata(dir.join(file)).await.is_ok(),
            Self::Embedded => carried::has(file),
        }
    }
}

/// The files the binary carries; a build without them carries none.
#[cfg(feature = "embed-site")]
mod carried {
    use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};
    use std::fmt::Write;

    #[derive(rust_embed::Embed)]
    #[folder = "target/site/"]
    struct Files;

    pub fn has(path: &str) -> bool {
        Files::get(path).is_some()
    }

    /// One file, as `headers` ask for it: the `.br` or `.gz` copy when the browser takes
    /// it and the build made one, with its type, `Vary`, and an `ETag` (the content's
    /// hash) that answers a repeated request with 304.
    pub fn answer(path: &str, headers: &HeaderMap) -> Response {
        let Some(plain) = Files::get(path) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let (file, coding) = [("br", ".br"), ("gzip", ".gz")]
            .into_iter()
            .find_map(|(coding, suffix)| {
                accepts(headers, coding)
                    .then(|| Files::get(&format!("{path}{suffix}")))
                    .flatten()
                    .map(|file| (file, Some(coding)))
            })
            .unwrap_or((plain, None));
        let mut etag = String::from("\"");
        for byte in &file.metadata.sha256_hash()[..16] {
            let _ = write!(etag, "{byte:02x}");
        }
        etag.push('"');
        let etag = HeaderValue::from_str(&etag).expect("hex is a header value");
        let mut answer = HeaderMap::new();
        let kind = super::content_type(path);
        answer.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        answer.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        answer.insert(header::ETAG, etag.clone());
        if let Some(coding) = coding {
            answer.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        if headers.get(header::IF_NONE_MATCH) == Some(&etag) {
            return (StatusCode::NOT_MODIFIED, answer).into_response();
        }
        (answer, file.data).into_response()
    }

    /// Whether `Accept-Encoding` takes `coding` (named, and not with `q=0`).
    fn accepts(headers: &HeaderMap, coding: &str) -> bool {
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|c| {
                let mut parts = c.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        == Some(0.0)
                });
                name.eq_ignore_ascii_case(coding) && !refused
            })
    }
}

#[cfg(not(feature = "embed-site"))]
mod carried {
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::{IntoResponse, Response};

    pub fn has(_path: &str) -> bool {
        false
    }

    pub fn answer(_path: &str, _headers: &HeaderMap) -> Response {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// The type of each kind of file the site holds.
#[cfg_attr(not(feature = "embed-site"), allow(dead_code))]
fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "js" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "ts" => "text/plain",
        _ => "application/octet-stream",
    }
}

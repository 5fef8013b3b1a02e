//! What can go wrong talking to the User Profiles API, classified the way the SDKs do
//! (docs/api-contract.md §6), with the upstream `request-id` kept for support.

use std::fmt;

/// Error classes of docs/api-contract.md §6, plus the transport failures a response never came for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400 `invalid_request_error` (and other unlisted 4xx).
    InvalidRequest,
    /// 401 `authentication_error`.
    Authentication,
    /// 403 `permission_error`.
    Permission,
    /// 404 `not_found_error`.
    NotFound,
    /// 408 request timeout.
    RequestTimeout,
    /// 409 `conflict_error`.
    Conflict,
    /// 413 `request_too_large`.
    TooLarge,
    /// 429 `rate_limit_error`.
    RateLimited,
    /// 500 and other 5xx.
    Server,
    /// 529 `overloaded_error`.
    Overloaded,
    /// An attempt took longer than the per-attempt timeout after it was sent.
    Timeout,
    /// The connection could not be made: nothing reached the API.
    Connect,
    /// The connection broke after the request was sent: it may have been processed.
    Dropped,
    /// A success status with a body that is not the documented JSON: the API did what was
    /// asked, and its answer is lost.
    Unreadable,
    /// A redirect, which the API never answers: nothing was done.
    InvalidResponse,
}

impl ErrorKind {
    /// Class of an HTTP error status, as the SDK maps it.
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => Self::Authentication,
            403 => Self::Permission,
            404 => Self::NotFound,
            408 => Self::RequestTimeout,
            409 => Self::Conflict,
            413 => Self::TooLarge,
            429 => Self::RateLimited,
            529 => Self::Overloaded,
            500..=599 => Self::Server,
            300..=399 => Self::InvalidResponse,
            _ => Self::InvalidRequest,
        }
    }

    /// A transport failure as a metric label (docs/operations.md, "Monitoring").
    pub fn label(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Connect => "connect",
            Self::Dropped => "dropped",
            _ => "other",
        }
    }

    /// Failures after which the request may or may not have been applied.
    pub fn is_ambiguous(self) -> bool {
        matches!(self, Self::Timeout | Self::Dropped)
    }
}

/// One failed call. `message` is the upstream's own text (with the key scrubbed out) or
/// our description of a transport failure: fit for logs, never for the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError {
    pub kind: ErrorKind,
    pub status: Option<u16>,
    pub message: String,
    pub request_id: Option<String>,
    /// The request may have been applied and must not be repeated blindly: an operation
    /// that is not safe to replay (create) failed after it was sent. Set by the client,
    /// which alone knows which operations are safe to replay.
    pub outcome_unknown: bool,
}

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.kind)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request-id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for UpstreamError {}

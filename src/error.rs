//! `AppError`: the only error type that crosses the wire to the browser.
//!
//! Every variant holds text we wrote or validated ourselves, plus the upstream `request-id`
//! where there is one, so support can quote it. Upstream messages, hostnames, library
//! error text and the key never get here: server code maps errors into these variants
//! explicitly and never `?`s a library error into the browser (docs/security.md, threat model).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The profile does not exist, or the id is not a profile id at all.
    #[error("This profile does not exist.")]
    NotFound,
    /// Input rejected by our validators or by the API, field by field.
    #[error("{}", summary(.errors))]
    Invalid {
        errors: Vec<FieldError>,
        request_id: Option<String>,
    },
    /// The profile was updated elsewhere after the edit form loaded it; saving again
    /// overwrites those changes.
    #[error(
        "This profile was changed elsewhere at {updated_at}, after you opened this form. \
         Review the values below; press Save again to overwrite."
    )]
    Changed { updated_at: String },
    /// The API is overloaded, rate limited, unreachable or failing; trying again may help.
    #[error("The User Profiles API is unavailable right now. Please try again.")]
    Unavailable { request_id: Option<String> },
    /// A create timed out or lost its connection after it was sent: it may have happened.
    #[error(
        "The request was sent but no answer came back, so it may or may not have taken effect. \
         Check the profile list before trying again."
    )]
    Uncertain { request_id: Option<String> },
    /// The API took a change (it answered 2xx) but its answer could not be read: the change
    /// was probably made, and the console cannot show it.
    #[error(
        "The User Profiles API accepted the change, but its answer could not be read, so the \
         change was probably made. Check the profile before trying again."
    )]
    Unconfirmed { request_id: Option<String> },
    /// The API answered a read with something that is not the documented JSON: an
    /// upstream fault, not the console's.
    #[error(
        "The User Profiles API answered with something the console cannot read. Please try \
         again; if this persists, contact an administrator."
    )]
    Unreadable { request_id: Option<String> },
    /// The API refused our credentials: an operator must fix the configuration.
    #[error("The console is not configured correctly. Please contact an administrator.")]
    Misconfigured { request_id: Option<String> },
    /// No one is signed in, or the session ended (idle, too old, signed out, revoked).
    #[error("Your session has ended. Sign in again to continue.")]
    SignInRequired,
    /// The signed-in role does not allow this.
    #[error("Your role does not allow this. Ask an administrator if you need it.")]
    Forbidden,
    /// One user's calls came faster than the console allows (a script, not a person).
    #[error("Requests are coming faster than this console allows. Wait a moment and try again.")]
    TooManyRequests,
    /// The audit trail could not be written, so the change was not attempted.
    #[error(
        "The audit trail cannot be written right now, so nothing was changed. \
         Please try again; if this persists, contact an administrator."
    )]
    AuditUnavailable,
    /// The console's own database (sessions, the index, the audit trail) cannot be
    /// reached; nothing was read from Anthropic or changed there.
    #[error(
        "The console's database cannot be reached right now, so nothing was changed. \
         Please try again in a moment; if this persists, contact an administrator."
    )]
    DatabaseUnavailable,
    /// Anything else; details are in the server log under this reference.
    #[error("Something went wrong on our side (reference {reference}).")]
    Internal { reference: String },
    /// The call never ran: the browser could not reach the console or decode its answer.
    #[error("The console could not process the request: {0}")]
    Request(String),
}

/// One rejected input: which field, and a message a support agent understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// `external_id`, `name`, `relationship`, `metadata`, or `metadata.<key>`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self::Invalid {
            errors,
            request_id: None,
        }
    }

    /// The upstream `request-id` to show next to the message, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Invalid { request_id, .. }
            | Self::Unavailable { request_id }
            | Self::Uncertain { request_id }
            | Self::Unconfirmed { request_id }
            | Self::Unreadable { request_id }
            | Self::Misconfigured { request_id } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status a server function answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Invalid { .. } | Self::Request(_) => 400,
            Self::SignInRequired => 401,
            Self::Forbidden => 403,
            Self::TooManyRequests => 429,
            Self::Changed { .. } => 409,
            Self::Unavailable { .. } | Self::AuditUnavailable | Self::DatabaseUnavailable => 503,
            Self::Uncertain { .. } => 504,
            Self::Unconfirmed { .. } | Self::Unreadable { .. } => 502,
            Self::Misconfigured { .. } | Self::Internal { .. } => 500,
        }
    }
}

/// On the server: an unexpected failure, and the one way an error becomes an HTTP answer.
#[cfg(feature = "ssr")]
impl AppError {
    /// Anything unexpected: `detail` goes to the log under a random reference, which is
    /// all the user is shown.
    pub fn internal(detail: &str) -> Self {
        let reference = format!("{:016x}", rand::random::<u64>());
        tracing::error!(reference, detail, "internal error");
        Self::Internal { reference }
    }

    /// A query of the console's own database failed: when the database is out of reach (a
    /// restart, a cut connection, no free connection) the user is told so and may try
    /// again, rather than seeing an internal error; anything else is one, under `detail`.
    pub fn database(detail: &str, e: &sqlx::Error) -> Self {
        if crate::db::unreachable(e) {
            tracing::warn!(error = %e, detail, "the database cannot be reached");
            Self::DatabaseUnavailable
        } else {
            Self::internal(&format!("{detail}: {e}"))
        }
    }

    /// [`Self::status`] as axum's type.
    pub fn status_code(&self) -> axum::http::StatusCode {
        axum::http::StatusCode::from_u16(self.status())
            .expect("every status of AppError::status is a valid HTTP status")
    }
}

/// The answer for a page, a download or a refusal outside a server function: the message
/// as text, with the error's status. (A server function's answer is the same status with
/// the error in the wire encoding.)
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        (self.status_code(), self.to_string()).into_response()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Framework errors: argument decoding on the server (text about our own types and
    /// the caller's input), or transport and decoding failures in the browser.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database out of reach is the user's to wait out (a 503 naming it), never an
    /// internal error; a real fault stays one (found by the soak: a search during a
    /// database cut answered 500).
    #[cfg(feature = "ssr")]
    #[test]
    fn a_database_out_of_reach_is_not_an_internal_error() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        for e in [sqlx::Error::PoolTimedOut, sqlx::Error::Io(io)] {
            assert_eq!(
                AppError::database("a read", &e),
                AppError::DatabaseUnavailable
            );
        }
        assert!(matches!(
            AppError::database("a read", &sqlx::Error::RowNotFound),
            AppError::Internal { .. }
        ));
    }

    #[test]
    fn invalid_lists_every_field() {
        let e = AppError::invalid(vec![
            FieldError::new("name", "must not be empty"),
            FieldError::new("metadata.k", "value must not be empty"),
        ]);
        assert_eq!(
            e.to_string(),
            "name: must not be empty; metadata.k: value must not be empty"
        );
        assert_eq!(e.status(), 400);
    }

    #[test]
    fn errors_round_trip_through_the_wire_encoding() {
        let e = AppError::Unavailable {
            request_id: Some("req_0123456789abcdefghijklmn".into()),
        };
        let back = AppError::de(e.ser());
        assert_eq!(back, e);
        assert_eq!(back.request_id(), Some("req_0123456789abcdefghijklmn"));
    }
}

//! The permission check every server function and form post makes before anything else,
//! on the request as the server resolved it: who the gate established, and what their
//! role allows ([`Role::grants`]). A refusal of a signed-in user is recorded in the
//! audit trail: auth decides, audit records.

use crate::audit::record::Trail;
use crate::audit::{Action, Outcome};
use crate::auth::{Permission, User};
use crate::error::AppError;
use axum::http::request::Parts;

/// A request's user, allowed what was required of them, with the request's audit trail.
/// Made only by the checks below, so holding one means the check was made.
#[derive(Debug, Clone)]
pub struct Authorized {
    user: User,
    trail: Trail,
}

impl Authorized {
    /// The user of the request `parts`, if they may do `permission`.
    pub async fn require_in(parts: &Parts, permission: Permission) -> Result<Self, AppError> {
        let user = parts
            .extensions
            .get::<User>()
            .cloned()
            .ok_or(AppError::SignInRequired)?;
        let authorized = Self {
            trail: Trail::of(&user, parts),
            user,
        };
        authorized.check(permission, &what(parts)).await?;
        Ok(authorized)
    }

    /// The same for a server function, from the request it serves.
    pub async fn require(permission: Permission) -> Result<Self, AppError> {
        let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::SignInRequired)?;
        Self::require_in(&parts, permission).await
    }

    /// Whether the user may also do `permission`, for `attempt` (a field-level check,
    /// named in the refusal's entry).
    pub async fn check(&self, permission: Permission, attempt: &str) -> Result<(), AppError> {
        let refused = match User::require(Some(&self.user), permission) {
            Ok(_) => return Ok(()),
            Err(refused) => refused,
        };
        let detail = format!(
            "The {} role may not {} ({attempt}).",
            self.user.role.as_str(),
            permission.words()
        );
        self.trail
            .record(Action::Refused, Outcome::Refused, Some(detail))
            .await;
        Err(refused)
    }

    pub fn user(&self) -> &User {
        &self.user
    }

    /// Where what the user goes on to do is recorded.
    pub fn trail(&self) -> &Trail {
        &self.trail
    }
}

/// What a refused request asked for: its method and path (never its query or body).
fn what(parts: &Parts) -> String {
    format!("{} {}", parts.method, parts.uri.path())
}

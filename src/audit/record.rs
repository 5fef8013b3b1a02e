//! Recording what people do, as they do it.
//!
//! A mutation is recorded in two steps: an entry is written as pending before the
//! upstream call — if it cannot be written, the call is not made ([`AppError::AuditUnavailable`])
//! — and completed with the outcome when the call answers. So every attempt that reached
//! the API has an entry, whatever happened next; an entry left pending is an attempt whose
//! end the console could not record.

use crate::audit::store::{AuditLog, Completion};
use crate::audit::{Action, Change, Entry, Outcome};
use crate::auth::{Role, User};
use crate::error::AppError;
use crate::profiles::model::ProfileId;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::time::Duration;

/// The audit trail of one request: who acts (a name and, once established, a role), the
/// request's id and the log. Every entry of the request is written through it.
#[derive(Debug, Clone)]
pub struct Trail {
    actor: String,
    /// None for a failed sign-in: nobody was established.
    role: Option<Role>,
    /// The console's `x-request-id` (`hardening` sets one on every request).
    request_id: Option<String>,
    log: Option<AuditLog>,
}

impl Trail {
    pub fn new(
        actor: String,
        role: Option<Role>,
        headers: &HeaderMap,
        log: Option<AuditLog>,
    ) -> Self {
        let request_id = headers
            .get(crate::hardening::X_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Self {
            actor,
            role,
            request_id,
            log,
        }
    }

    /// The trail of `user`'s request `parts` (the router puts the log in every request's
    /// extensions).
    pub fn of(user: &User, parts: &Parts) -> Self {
        Self::new(
            user.name.clone(),
            Some(user.role),
            &parts.headers,
            parts.extensions.get::<AuditLog>().cloned(),
        )
    }

    fn entry(
        &self,
        action: Action,
        profile_id: Option<String>,
        outcome: Outcome,
        detail: Option<String>,
        changes: Vec<Change>,
    ) -> Entry {
        Entry {
            id: AuditLog::new_id(),
            at: crate::timestamp::stamp_now(),
            actor: self.actor.clone(),
            role: self.role.map(|r| r.as_str().to_owned()),
            action,
            profile_id,
            outcome,
            detail,
            changes,
            request_id: self.request_id.clone(),
            upstream_request_id: None,
        }
    }

    /// Records an action complete as it happens (sign-in, sign-out, a refusal). A failure
    /// to record is logged: these change no profile, so they are not refused for it.
    pub async fn record(&self, action: Action, outcome: Outcome, detail: Option<String>) {
        let entry = self.entry(action, None, outcome, detail, Vec::new());
        let Some(log) = &self.log else {
            tracing::error!(action = action.as_str(), "no audit trail to record this in");
            return;
        };
        if let Err(e) = log.append(&entry).await {
            tracing::error!(error = %e, action = action.as_str(), "the audit trail could not record this");
        }
    }

    /// Records something that happened to `profile` without an upstream call of its own
    /// to wait for (a webhook's event, once the profile is read again), with the upstream
    /// `request-id` of that read. A failure to record is logged.
    pub async fn record_about(
        &self,
        action: Action,
        profile: &ProfileId,
        outcome: Outcome,
        detail: Option<String>,
        changes: Vec<Change>,
        upstream_request_id: Option<String>,
    ) {
        let mut entry = self.entry(action, Some(profile.to_string()), outcome, detail, changes);
        entry.upstream_request_id = upstream_request_id;
        let Some(log) = &self.log else {
            tracing::error!(action = action.as_str(), "no audit trail to record this in");
            return;
        };
        if let Err(e) = log.append(&entry).await {
            tracing::error!(error = %e, action = action.as_str(), "the audit trail could not record this");
        }
    }

    /// Writes the pending entry of a mutation about to be sent upstream; without it, the
    /// mutation must not happen.
    pub async fn begin(
        &self,
        action: Action,
        profile: Option<&ProfileId>,
        changes: Vec<Change>,
    ) -> Result<Attempt, AppError> {
        self.begin_in(action, profile, changes, None).await
    }

    /// [`Trail::begin`] for a mutation made as part of something larger (an import job's
    /// row): `context` says which, and stays at the head of the entry's detail.
    pub async fn begin_in(
        &self,
        action: Action,
        profile: Option<&ProfileId>,
        changes: Vec<Change>,
        context: Option<String>,
    ) -> Result<Attempt, AppError> {
        let log = self.log.clone().ok_or(AppError::AuditUnavailable)?;
        let profile_id = profile.map(ToString::to_string);
        let entry = self.entry(
            action,
            profile_id,
            Outcome::Pending,
            context.clone(),
            changes,
        );
        if let Err(e) = log.append(&entry).await {
            tracing::error!(
                error = %e,
                action = action.as_str(),
                "refused: the audit trail cannot be written"
            );
            return Err(AppError::AuditUnavailable);
        }
        Ok(Attempt {
            log,
            id: entry.id,
            context,
        })
    }
}

/// A mutation whose pending entry is written.
#[derive(Debug)]
pub struct Attempt {
    log: AuditLog,
    id: String,
    context: Option<String>,
}

impl Attempt {
    /// The attempt of a pending entry an earlier process wrote (an import row in flight
    /// when the console stopped), to complete it now.
    pub fn kept(log: AuditLog, id: String, context: Option<String>) -> Self {
        Self { log, id, context }
    }

    /// The pending entry's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The call's outcome is known another way (an import row found after its answer
    /// was lost): how, in `detail`. An entry already complete (its process stopped after
    /// completing it) is left as it is.
    pub async fn completed(
        self,
        outcome: Outcome,
        detail: &str,
        profile_id: Option<String>,
        changes: Vec<Change>,
    ) {
        let done = Completion {
            outcome,
            detail: Some(in_context(self.context, Some(detail.to_owned())).unwrap_or_default()),
            profile_id,
            changes,
            upstream_request_id: None,
        };
        if let Err(e) = patiently_complete(&self.log, &self.id, &done).await {
            tracing::error!(entry = self.id, error = %e, "audit entry left pending: its outcome could not be recorded");
        }
    }

    /// The call succeeded: `changes` as they happened.
    pub async fn succeeded(
        self,
        profile_id: Option<String>,
        changes: Vec<Change>,
        upstream_request_id: Option<String>,
    ) {
        self.complete(Completion {
            outcome: Outcome::Succeeded,
            detail: None,
            profile_id,
            changes,
            upstream_request_id,
        })
        .await;
    }

    /// The call failed, was refused or may not have happened: `changes` as asked for, and
    /// why, in the words the user is shown.
    pub async fn failed(self, error: &AppError, changes: Vec<Change>) {
        self.complete(Completion {
            outcome: outcome_of(error),
            detail: Some(error.to_string()),
            profile_id: None,
            changes,
            upstream_request_id: error.request_id().map(str::to_owned),
        })
        .await;
    }

    async fn complete(self, mut done: Completion) {
        done.detail = in_context(self.context, done.detail);
        match patiently_complete(&self.log, &self.id, &done).await {
            Ok(true) => {}
            Ok(false) => tracing::error!(entry = self.id, "audit entry was not pending"),
            Err(e) => tracing::error!(
                entry = self.id,
                error = %e,
                "audit entry left pending: its outcome could not be recorded"
            ),
        }
    }
}

/// The longest wait between two tries at completing an entry; the tries stop after it.
const COMPLETION_PATIENCE: Duration = Duration::from_millis(3200);

/// Completes the pending entry `id`, trying again for about six seconds while the database
/// fails (a restart, a failover, a connection cut): the outcome is known, and an entry left
/// pending would say less than the truth. The user's answer waits for it, so that what
/// they are told is on record when they read it. A try whose answer was lost may have
/// completed the entry: the next then finds it complete, and that is success too.
async fn patiently_complete(
    log: &AuditLog,
    id: &str,
    done: &Completion,
) -> Result<bool, sqlx::Error> {
    let mut wait = Duration::from_millis(100);
    let mut tried = false;
    loop {
        match log.complete(id, done).await {
            Ok(completed) => return Ok(completed || tried),
            Err(e) if wait <= COMPLETION_PATIENCE => {
                tracing::warn!(entry = id, error = %e, "audit entry not completed yet; trying again");
                tokio::time::sleep(wait).await;
                wait *= 2;
                tried = true;
            }
            Err(e) => return Err(e),
        }
    }
}

/// An entry's detail: the context it was begun in, then what happened.
fn in_context(context: Option<String>, detail: Option<String>) -> Option<String> {
    match (context, detail) {
        (Some(context), Some(detail)) => Some(format!("{context}: {detail}")),
        (context, detail) => context.or(detail),
    }
}

fn outcome_of(error: &AppError) -> Outcome {
    match error {
        // A 2xx whose answer was lost: the change was probably made.
        AppError::Uncertain { .. } | AppError::Unconfirmed { .. } => Outcome::Uncertain,
        AppError::Changed { .. } | AppError::Forbidden => Outcome::Refused,
        _ => Outcome::Failed,
    }
}

//! What a delivery says and what the console does about it (docs/webhooks.md, "Events").
//! The `user_profile.*` events carry ids, not the profile: the profile is read again from
//! the API, written through to the index (or marked gone there if it no longer exists),
//! and the event is recorded in its History with what changed. Other event types are
//! acknowledged and logged.

use crate::audit::record::Trail;
use crate::audit::{Action, Outcome};
use crate::error::AppError;
use crate::index::received::How;
use crate::profiles::model::id::is_prefixed_id;
use crate::profiles::model::{changes, ProfileId};
use crate::profiles::service;
use crate::state::AppState;
use axum::http::HeaderMap;
use serde::Deserialize;

/// Who the History names for a change Anthropic reported.
pub const ACTOR: &str = "Anthropic (webhook)";

/// The envelope: `{"type": "event", "id": "whe_…", "created_at", "data": {…}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    envelope: String,
    pub data: Data,
    /// When Anthropic says the event happened, as it came; the status timeline shows it
    /// beside when the console observed the change.
    #[serde(default)]
    pub created_at: Option<String>,
    /// The profile a `user_profile.*` event is about, as [`Event::parse`] read it.
    #[serde(skip)]
    pub profile: Option<ProfileId>,
}

/// The event's payload; the fields the console reads, the rest ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Data {
    #[serde(rename = "type")]
    pub kind: String,
    /// The profile, for `user_profile.*` events.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub enforcement_action_id: Option<String>,
}

/// Longest event type taken (`user_profile.enforcement_action_resolved` has 41).
const MAX_EVENT_TYPE: usize = 64;

impl Event {
    /// The envelope and the fields the console reads, each in its documented form
    /// (docs/webhooks.md, "What the console checks"): the event id `whe_…`, the type in
    /// lower case, and for a `user_profile.*` event the profile's `uprof_…` and any
    /// `enac_…`. A delivery that breaks one is refused whole, so nothing else ever reaches
    /// the History or the log.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let mut event: Self =
            serde_json::from_slice(body).map_err(|e| format!("not an event: {e}"))?;
        if event.envelope != "event" {
            return Err("not an event: its type is not \"event\"".into());
        }
        if !is_prefixed_id(&event.id, "whe_") {
            return Err("the event id is not \"whe_\" followed by letters and digits".into());
        }
        let kind = &event.data.kind;
        let plain_type = !kind.is_empty()
            && kind.len() <= MAX_EVENT_TYPE
            && kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
        if !plain_type {
            return Err("the event type is not lower-case letters, digits, \"_\" and \".\"".into());
        }
        if kind.starts_with("user_profile.") {
            let profile = event.data.id.as_deref().map(ProfileId::parse);
            let Some(Ok(profile)) = profile else {
                return Err(
                    "the profile id is not \"uprof_\" followed by letters and digits".into(),
                );
            };
            event.profile = Some(profile);
        }
        if let Some(action) = &event.data.enforcement_action_id {
            if !is_prefixed_id(action, "enac_") {
                return Err(
                    "the enforcement action id is not \"enac_\" followed by letters and digits"
                        .into(),
                );
            }
        }
        Ok(event)
    }

    /// What happened, in the words of the History; `None` for an event about anything
    /// but a profile.
    pub fn describe(&self) -> Option<String> {
        let action = self.data.enforcement_action_id.as_deref().unwrap_or("?");
        match self.data.kind.as_str() {
            "user_profile.program_status_updated" => Some("A program status changed".into()),
            "user_profile.enforcement_action_opened" => {
                Some(format!("Enforcement action {action} opened"))
            }
            "user_profile.enforcement_action_resolved" => {
                Some(format!("Enforcement action {action} resolved"))
            }
            _ => None,
        }
    }
}

/// Processes one verified, first-time delivery.
pub async fn process(state: AppState, webhook_id: String, headers: HeaderMap, event: Event) {
    let Some(what) = event.describe() else {
        tracing::info!(
            webhook_id,
            event_type = event.data.kind,
            "webhook event acknowledged; the console does nothing with this type"
        );
        return;
    };
    // `describe` names only `user_profile.*` events, which `Event::parse` gave a profile.
    let Some(id) = event.profile.clone() else {
        return;
    };
    let before = state.index.stored(id.as_str()).await.ok().flatten();
    let trail = Trail::new(ACTOR.into(), None, &headers, Some(state.audit.clone()));
    let detail = format!("{what} ({}, event {})", event.data.kind, event.id);
    let how = How::Webhook {
        event_at: event
            .created_at
            .as_deref()
            .and_then(crate::timestamp::parse),
    };
    let (outcome, detail, changes, request_id) = match service::get_as(&state, &id, how).await {
        Ok(after) => {
            let changes = before
                .map(|before| changes::between(&before, &after))
                .unwrap_or_default();
            (Outcome::Succeeded, detail, changes, None)
        }
        Err(AppError::NotFound) => {
            if let Err(e) = state.index.mark_gone(id.as_str()).await {
                tracing::warn!(%id, error = %e, "cannot mark a profile gone in the index");
            }
            let detail = format!("{detail}; the profile no longer exists");
            (Outcome::Succeeded, detail, Vec::new(), None)
        }
        Err(e) => {
            tracing::warn!(webhook_id, %id, error = %e, "cannot read a profile a webhook named");
            let detail = format!("{detail}; reading the profile failed: {}", read_failure(&e));
            let request_id = e.request_id().map(str::to_owned);
            (Outcome::Failed, detail, Vec::new(), request_id)
        }
    };
    trail
        .record_about(
            Action::WebhookEvent,
            &id,
            outcome,
            Some(detail),
            changes,
            request_id,
        )
        .await;
}

/// Why re-reading a profile failed, in the console's own words. A refusal carries the
/// API's own message (it may quote the request); it stays in the server log, and the
/// History gets the entry's upstream request id instead.
fn read_failure(error: &AppError) -> String {
    match error {
        AppError::Invalid { .. } => "the User Profiles API refused the request.".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_leniently_and_described_by_type() {
        let opened = Event::parse(
            br#"{"type":"event","id":"whe_1","created_at":"2026-10-15T17:02:41Z","data":{
                "type":"user_profile.enforcement_action_opened","id":"uprof_01a",
                "enforcement_action_id":"enac_01b","organization_id":"o","new_field":1}}"#,
        )
        .unwrap();
        assert_eq!(
            opened.describe().unwrap(),
            "Enforcement action enac_01b opened"
        );
        let programs = Event::parse(
            br#"{"type":"event","id":"whe_2","created_at":"x","data":{"type":"user_profile.program_status_updated","id":"uprof_01a"}}"#,
        )
        .unwrap();
        assert_eq!(programs.describe().unwrap(), "A program status changed");
        let other = Event::parse(
            br#"{"type":"event","id":"whe_3","created_at":"x","data":{"type":"external_key.failed"}}"#,
        )
        .unwrap();
        assert_eq!(other.describe(), None);
        assert!(Event::parse(br#"{"type":"ping","id":"x","data":{"type":"y"}}"#).is_err());
        assert!(Event::parse(b"not json").is_err());
    }

    fn event(id: &str, kind: &str, profile: &str, action: Option<&str>) -> String {
        let mut data = serde_json::json!({"type": kind, "id": profile, "organization_id": "o"});
        if let Some(action) = action {
            data["enforcement_action_id"] = action.into();
        }
        serde_json::json!({"type": "event", "id": id, "created_at": "2026-10-15T17:02:41Z", "data": data})
            .to_string()
    }

    #[test]
    fn every_field_that_reaches_the_history_has_its_documented_form() {
        let opened = "user_profile.enforcement_action_opened";
        let good = event("whe_4f2a9c1e", opened, "uprof_01a", Some("enac_01b"));
        assert!(Event::parse(good.as_bytes()).is_ok());
        let huge = "a".repeat(60_000);
        for (body, field) in [
            (
                event(&format!("whe_{huge}"), opened, "uprof_1", None),
                "event id",
            ),
            (event("whe_<b>x</b>", opened, "uprof_1", None), "event id"),
            (event("whe_a\nb", opened, "uprof_1", None), "event id"),
            (event("", opened, "uprof_1", None), "event id"),
            (event("msg_1", opened, "uprof_1", None), "event id"),
            (
                event("whe_1", opened, "uprof_1", Some(&format!("enac_{huge}"))),
                "enforcement action id",
            ),
            (
                event("whe_1", opened, "uprof_1", Some("enac_<i>")),
                "enforcement action id",
            ),
            (
                event("whe_1", opened, "uprof_1", Some("")),
                "enforcement action id",
            ),
            (event("whe_1", opened, "uprof_../x", None), "profile id"),
            (
                event("whe_1", "user_profile.<b>", "uprof_1", None),
                "event type",
            ),
            (event("whe_1", &huge, "uprof_1", None), "event type"),
        ] {
            let refused = Event::parse(body.as_bytes()).unwrap_err();
            assert!(
                refused.contains(field),
                "{refused} for {}",
                &body[..body.len().min(120)]
            );
            assert!(refused.len() < 120, "the refusal never repeats the value");
        }
    }

    #[test]
    fn a_failed_re_read_is_recorded_in_the_consoles_words() {
        let refused = AppError::Invalid {
            errors: vec![crate::error::FieldError::new(
                "request",
                "invalid x-api-key: [redacted]",
            )],
            request_id: Some("req_1".into()),
        };
        assert_eq!(
            read_failure(&refused),
            "the User Profiles API refused the request."
        );
        let down = AppError::Unavailable { request_id: None };
        assert_eq!(read_failure(&down), down.to_string());
    }
}

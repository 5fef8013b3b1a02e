//! What a delivery says and what the console does about it (docs/webhooks.md, "Events").
//! The `user_profile.*` events carry ids, not the profile: the profile is read again from
//! the API, written through to the index (or marked gone there if it no longer exists),
//! and the event is recorded in its History with what changed. Other event types are
//! acknowledged and logged.

use crate::audit::record::Trail;
use crate::audit::{Action, Outcome};
use crate::error::AppError;
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

impl Event {
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let event: Self = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        if event.envelope != "event" {
            return Err(format!("type is {:?}, not \"event\"", event.envelope));
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
    let Some(id) = event
        .data
        .id
        .as_deref()
        .and_then(|raw| ProfileId::parse(raw).ok())
    else {
        tracing::warn!(
            webhook_id,
            event_type = event.data.kind,
            "webhook event names no valid profile id"
        );
        return;
    };
    let before = state.index.stored(id.as_str()).await.ok().flatten();
    let trail = Trail::new(ACTOR.into(), None, &headers, Some(state.audit.clone()));
    let detail = format!("{what} ({}, event {})", event.data.kind, event.id);
    let (outcome, detail, changes) = match service::get(&state, &id).await {
        Ok(after) => {
            let changes = before
                .map(|before| changes::between(&before, &after))
                .unwrap_or_default();
            (Outcome::Succeeded, detail, changes)
        }
        Err(AppError::NotFound) => {
            if let Err(e) = state.index.mark_gone(id.as_str()).await {
                tracing::warn!(%id, error = %e, "cannot mark a profile gone in the index");
            }
            let detail = format!("{detail}; the profile no longer exists");
            (Outcome::Succeeded, detail, Vec::new())
        }
        Err(e) => {
            tracing::warn!(webhook_id, %id, error = %e, "cannot read a profile a webhook named");
            let detail = format!("{detail}; reading the profile failed: {e}");
            (Outcome::Failed, detail, Vec::new())
        }
    };
    trail
        .record_about(Action::WebhookEvent, &id, outcome, Some(detail), changes)
        .await;
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
}

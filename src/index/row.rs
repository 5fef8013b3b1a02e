//! What a write works out for each profile's row before writing it (docs/review.md): what
//! the index held of it, its programs as known and its place in the program pass
//! ([`ProgramsColumns`]), and what the review queue's tabs read ([`QueueColumns`]). Pure
//! but for reading what was held, so the store can call it without a circle.

use super::received::{How, Received};
use super::statuses::{in_queue, Held};
use crate::profiles::model::{
    ActionKind, EnforcementStatus, GrantStatus, Lenient, Profile, Programs,
};
use crate::timestamp::stamp;
use sqlx::Row;
use std::collections::BTreeMap;

/// Unknown or stale, and in the review queue: retrieved first.
pub const DUE_QUEUE: i64 = 0;
/// Unknown or stale.
pub const DUE_STALE: i64 = 1;
/// Known since the last change the index saw; retrieved again as the pass cycles.
pub const DUE_KNOWN: i64 = 2;

/// What the index holds of a profile before a write: enough to tell what changed.
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub doc: i64,
    pub updated_at: String,
    pub programs: Option<String>,
    pub at: String,
    pub how: Option<String>,
    pub due: i64,
    /// What the review queue's columns said.
    pub queue: QueueColumns,
}

/// The program columns of a profile's row after an observation.
#[derive(Debug, Clone)]
pub(super) struct ProgramsColumns {
    pub programs: Option<String>,
    pub at: String,
    pub how: Option<String>,
    pub due: i64,
    /// The profile with its programs as known: the list's copy replaced by what a
    /// retrieve reported, when there is one.
    pub profile: Profile,
}

impl ProgramsColumns {
    /// After `received`, observed at `at` (a stamp), given what the index held.
    pub fn after(stored: Option<&Stored>, received: &Received, at: &str) -> Self {
        if received.how.reports_programs() {
            let programs = received
                .profile
                .programs
                .as_ref()
                .map(|p| serde_json::to_string(p).expect("programs always serialize"));
            return Self {
                programs,
                at: at.to_owned(),
                how: Some(received.how.as_str().to_owned()),
                due: DUE_KNOWN,
                profile: received.profile.clone(),
            };
        }
        let known: Option<Programs> = stored
            .and_then(|s| s.programs.as_deref())
            .and_then(|raw| serde_json::from_str(raw).ok());
        let mut profile = received.profile.clone();
        if known.is_some() {
            profile.programs = known;
        }
        // A change the index saw makes what it knows stale: a new profile, `updated_at`
        // moved, or the console's own write.
        let stale = match stored {
            None => true,
            Some(s) => {
                s.at.is_empty()
                    || s.updated_at != stamp(received.profile.updated_at)
                    || received.how == How::Write
            }
        };
        let due = if stale || stored.is_some_and(|s| s.due != DUE_KNOWN) {
            if in_queue(&profile) {
                DUE_QUEUE
            } else {
                DUE_STALE
            }
        } else {
            DUE_KNOWN
        };
        Self {
            programs: stored.and_then(|s| s.programs.clone()),
            at: stored.map(|s| s.at.clone()).unwrap_or_default(),
            how: stored.and_then(|s| s.how.clone()),
            due,
            profile,
        }
    }
}

/// The rows the index holds of `profiles`, by id.
pub(super) async fn stored_rows(
    conn: &mut sqlx::AnyConnection,
    profiles: &[&Received],
    postgres: bool,
) -> Result<BTreeMap<String, Stored>, sqlx::Error> {
    let mut select = crate::db::Statement::new();
    let ids = select.texts(profiles.iter().map(|r| r.profile.id.as_str()));
    // PostgreSQL locks the rows, so that two writers of one profile compare in turn;
    // SQLite's writer holds the database's lock from its `BEGIN IMMEDIATE`.
    let lock = if postgres { " FOR UPDATE" } else { "" };
    select.sql = format!(
        "SELECT id, doc, updated_at, programs, programs_at, programs_how, programs_due, \
         waiting_since, status_changed_at FROM indexed_profiles WHERE id IN ({ids}) \
         ORDER BY id{lock}"
    );
    let rows = sqlx::query_with(&select.sql, select.args)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok((
                row.try_get("id")?,
                Stored {
                    doc: row.try_get("doc")?,
                    updated_at: row.try_get("updated_at")?,
                    programs: row.try_get("programs")?,
                    at: row.try_get("programs_at")?,
                    how: row.try_get("programs_how")?,
                    due: row.try_get("programs_due")?,
                    queue: QueueColumns {
                        waiting_since: row.try_get("waiting_since")?,
                        status_changed_at: row.try_get("status_changed_at")?,
                        ..Default::default()
                    },
                },
            ))
        })
        .collect()
}

/// What the tabs read of one profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct QueueColumns {
    pub can_clear: bool,
    pub waiting_since: Option<String>,
    pub rejected: bool,
    pub expires_at: Option<String>,
    pub status_changed_at: Option<String>,
}

impl QueueColumns {
    /// For `profile` (its programs as known), given the statuses held after this
    /// observation (at `at`), what the row said before, and whether a status changed.
    pub fn of(
        profile: &Profile,
        held: &BTreeMap<String, Held>,
        before: Option<&QueueColumns>,
        changed: bool,
        at: &str,
    ) -> Self {
        let actions = profile.enforcement_actions.iter().flatten();
        let restricted =
            profile.enforcement_status == Some(Lenient::Known(EnforcementStatus::Restricted));
        let can_clear = restricted
            && actions
                .clone()
                .any(|a| a.kind == Lenient::Known(ActionKind::Restriction) && a.offers_verify());
        let expires_at = actions
            .filter(|a| a.kind == Lenient::Known(ActionKind::Restriction))
            .filter_map(|a| a.expires_at)
            .min()
            .map(stamp);
        let since = |subject: &str, status: &str| {
            held.get(subject)
                .filter(|h| h.status == status)
                .map_or_else(|| at.to_owned(), |h| h.since.clone())
        };
        let mut waiting: Vec<String> = Vec::new();
        if profile.enforcement_status == Some(Lenient::Known(EnforcementStatus::Pending)) {
            waiting.push(since("enforcement", EnforcementStatus::Pending.as_str()));
        }
        let pending = GrantStatus::Pending.as_str();
        let grants: Vec<&String> = profile.trust_grants.keys().collect();
        let standing = profile.standing();
        for (name, status) in &standing {
            if status == pending {
                let family = if grants.contains(&name) {
                    "grant"
                } else {
                    "program"
                };
                waiting.push(since(&format!("{family}:{name}"), pending));
            }
        }
        // Still waiting: since the earliest it was seen waiting, not this observation.
        let waiting_since = waiting
            .into_iter()
            .chain(before.and_then(|b| b.waiting_since.clone()))
            .min()
            .filter(|_| {
                standing.iter().any(|(_, s)| s == pending) || {
                    profile.enforcement_status == Some(Lenient::Known(EnforcementStatus::Pending))
                }
            });
        let rejected = standing
            .iter()
            .any(|(_, s)| s == GrantStatus::Rejected.as_str());
        let status_changed_at = if changed {
            Some(at.to_owned())
        } else {
            before.and_then(|b| b.status_changed_at.clone())
        };
        Self {
            can_clear,
            waiting_since,
            rejected,
            expires_at,
            status_changed_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn received(how: How, cyber: &str, updated: &str) -> Received {
        let profile: Profile = serde_json::from_value(json!({
            "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z", "updated_at": updated,
            "access_type": "application", "enforcement_status": "unrestricted",
            "programs": {"cyber": {"status": cyber, "tiers": {}}, "efs": null}
        }))
        .unwrap();
        Received::from_profile(&profile, how)
    }

    #[test]
    fn a_list_never_overwrites_what_a_retrieve_reported_and_a_change_makes_it_stale() {
        let retrieved = ProgramsColumns::after(
            None,
            &received(How::Retrieve, "active", "2026-03-15T10:00:00Z"),
            "t1",
        );
        assert_eq!(retrieved.due, DUE_KNOWN);
        let stored = Stored {
            doc: 1,
            updated_at: stamp(crate::timestamp::parse("2026-03-15T10:00:00Z").unwrap()),
            programs: retrieved.programs.clone(),
            at: retrieved.at.clone(),
            how: retrieved.how.clone(),
            due: retrieved.due,
            queue: Default::default(),
        };
        // The list reads cyber as pending: the retrieve's "active" stands, still fresh.
        let listed = ProgramsColumns::after(
            Some(&stored),
            &received(How::Walk, "pending", "2026-03-15T10:00:00Z"),
            "t2",
        );
        assert_eq!(listed.due, DUE_KNOWN);
        assert_eq!(listed.at, "t1");
        assert_eq!(
            listed
                .profile
                .programs
                .unwrap()
                .cyber
                .unwrap()
                .status
                .label(),
            "active"
        );
        // `updated_at` moved: still what the retrieve said, but due again, in the queue
        // first if the profile is there.
        let moved = ProgramsColumns::after(
            Some(&stored),
            &received(How::Walk, "pending", "2026-03-16T10:00:00Z"),
            "t3",
        );
        assert_eq!(moved.due, DUE_STALE);
        let written = ProgramsColumns::after(
            Some(&stored),
            &received(How::Write, "active", "2026-03-15T10:00:00Z"),
            "t3",
        );
        assert_eq!(written.due, DUE_STALE);
        // Never retrieved: what the list says stands in, and the profile is due; a
        // pending program puts it first.
        let new = ProgramsColumns::after(
            None,
            &received(How::Walk, "pending", "2026-03-15T10:00:00Z"),
            "t1",
        );
        assert_eq!(
            (new.due, new.at.as_str(), new.programs),
            (DUE_QUEUE, "", None)
        );
    }

    fn profile(extra: serde_json::Value) -> Profile {
        let mut value = json!({
            "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z",
            "updated_at": "2026-03-15T10:00:00Z", "access_type": "application",
            "enforcement_status": "unrestricted", "enforcement_actions": []
        });
        for (k, v) in extra.as_object().unwrap() {
            value[k] = v.clone();
        }
        serde_json::from_value(value).unwrap()
    }

    fn held(subject: &str, status: &str, since: &str) -> BTreeMap<String, Held> {
        BTreeMap::from([(
            subject.to_owned(),
            Held {
                status: status.into(),
                detail: None,
                since: since.into(),
                as_of: "t9".into(),
            },
        )])
    }

    #[test]
    fn each_tab_reads_what_the_profile_shows() {
        let restricted = profile(
            json!({"enforcement_status": "restricted", "enforcement_actions": [
            {"id": "enac_1", "type": "restriction", "reason": "unsupported_region", "action": "verify",
             "opened_at": "2026-03-15T10:00:00Z", "expires_at": "2026-04-01T00:00:00Z"},
            {"id": "enac_2", "type": "restriction", "reason": "high_harm", "action": null,
             "opened_at": "2026-03-15T10:00:00Z", "expires_at": "2026-03-20T00:00:00Z"}]}),
        );
        let c = QueueColumns::of(&restricted, &BTreeMap::new(), None, false, "t5");
        assert!(c.can_clear && !c.rejected && c.waiting_since.is_none());
        assert_eq!(c.expires_at.as_deref(), Some("2026-03-20T00:00:00.000000Z"));

        // A check under review: waiting since the status was first seen, and it stays
        // that old while it waits.
        let pending = profile(json!({"enforcement_status": "pending"}));
        let c = QueueColumns::of(
            &pending,
            &held("enforcement", "pending", "t2"),
            None,
            true,
            "t5",
        );
        assert!(!c.can_clear);
        assert_eq!(c.waiting_since.as_deref(), Some("t2"));
        assert_eq!(c.status_changed_at.as_deref(), Some("t5"));
        let later = QueueColumns::of(&pending, &BTreeMap::new(), Some(&c), false, "t7");
        assert_eq!(later.waiting_since.as_deref(), Some("t2"));
        assert_eq!(later.status_changed_at.as_deref(), Some("t5"));
        // No longer waiting: the next wait starts afresh.
        let done = QueueColumns::of(&profile(json!({})), &BTreeMap::new(), Some(&c), true, "t8");
        assert_eq!(done.waiting_since, None);

        let programs = profile(
            json!({"programs": {"cyber": {"status": "rejected", "tiers": {}},
            "efs": {"status": "pending", "features": {}}}}),
        );
        let c = QueueColumns::of(
            &programs,
            &held("program:efs", "pending", "t1"),
            None,
            false,
            "t5",
        );
        assert!(c.rejected);
        assert_eq!(c.waiting_since.as_deref(), Some("t1"));
        // A ban is no restriction to clear.
        let banned = profile(
            json!({"enforcement_status": "banned", "enforcement_actions": [
            {"id": "enac_3", "type": "ban", "reason": "fraud_or_abuse", "action": null,
             "opened_at": "2026-03-15T10:00:00Z", "expires_at": null}]}),
        );
        let c = QueueColumns::of(&banned, &BTreeMap::new(), None, false, "t5");
        assert!(!c.can_clear && c.expires_at.is_none());
    }
}

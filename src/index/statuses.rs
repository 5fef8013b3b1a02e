//! The statuses the index follows for each profile, and the changes between what it holds
//! and what an observation shows: the status timeline (docs/review.md). Pure: the
//! store reads the held statuses, asks [`compare`] what changed, and writes the answer.
//!
//! A status has a *subject*: `grant:<name>` (a 2026-03-24 trust grant), `program:<name>`,
//! `tier:<key>` (cyber), `feature:<key>` (EFS), `enforcement`, `action:<enac_id>` (an
//! open enforcement action). Subjects come in *families*, and an observation speaks for a
//! family only when it reports it whole: the trust grants in any beta answer,
//! enforcement in any answer from an organization with enforcement, programs only in a
//! retrieve. A subject missing from a family the observation speaks for has ended (an
//! action resolved, a program removed); one missing from a family it does not speak for
//! is simply not reported.

use super::received::{How, Received};
use crate::profiles::model::{EnforcementStatus, GrantStatus, Lenient, Profile};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The status a subject reads as once it has ended: a program removed, a tier no longer
/// reported.
pub const ENDED: &str = "none";
/// An open enforcement action's status; [`RESOLVED`] once it is gone.
pub const OPEN: &str = "open";
pub const RESOLVED: &str = "resolved";

/// A family of subjects reported together (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Grants,
    Programs,
    Enforcement,
}

impl Family {
    /// The marker subject saying the index has observed this family for a profile
    /// before: without it, what an observation shows is a first sighting, not a change.
    fn marker(self) -> &'static str {
        match self {
            Self::Grants => "seen:grants",
            Self::Programs => "seen:programs",
            Self::Enforcement => "seen:enforcement",
        }
    }

    fn of(subject: &str) -> Option<Self> {
        let prefix = subject.split(':').next().unwrap_or_default();
        match (prefix, subject) {
            ("grant", _) => Some(Self::Grants),
            ("program" | "tier" | "feature", _) => Some(Self::Programs),
            ("action", _) | (_, "enforcement") => Some(Self::Enforcement),
            _ => None,
        }
    }
}

/// One status as observed: `detail` is an enforcement action's type, reason, `action`,
/// `opened_at` and `expires_at`, as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub subject: String,
    pub status: String,
    pub detail: Option<String>,
}

/// A status as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub status: String,
    pub detail: Option<String>,
    /// Since when it has had this status (the observation that first showed it).
    pub since: String,
    /// The newest observation that showed it.
    pub as_of: String,
}

/// What an observation shows: the families it speaks for, and their statuses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observation {
    pub families: Vec<Family>,
    pub statuses: Vec<Status>,
}

/// The statuses `received` shows, by family.
pub fn observe(received: &Received) -> Observation {
    let p = &received.profile;
    let mut seen = Observation::default();
    if p.relationship.is_some() {
        seen.families.push(Family::Grants);
        for (name, grant) in &p.trust_grants {
            seen.push(format!("grant:{name}"), grant.status.label(), None);
        }
    }
    if received.how.reports_programs() && p.access_type.is_some() {
        seen.families.push(Family::Programs);
        let programs = p.programs.clone().unwrap_or_default();
        if let Some(cyber) = &programs.cyber {
            for (key, tier) in &cyber.tiers {
                seen.push(format!("tier:{key}"), tier.status.label(), None);
            }
        }
        if let Some(efs) = &programs.efs {
            for (key, feature) in &efs.features {
                seen.push(format!("feature:{key}"), feature.status.label(), None);
            }
        }
        for (name, status) in programs.statuses() {
            seen.push(format!("program:{name}"), &status, None);
        }
    }
    if let Some(status) = &p.enforcement_status {
        seen.families.push(Family::Enforcement);
        seen.push("enforcement".into(), status.label(), None);
        for action in p.enforcement_actions.iter().flatten() {
            let detail = serde_json::json!({
                "type": action.kind.label(),
                "reason": action.reason,
                "action": action.action,
                "opened_at": crate::timestamp::rfc3339(action.opened_at),
                "expires_at": action.expires_at.map(crate::timestamp::rfc3339),
            });
            seen.push(
                format!("action:{}", action.id),
                OPEN,
                Some(detail.to_string()),
            );
        }
    }
    seen
}

impl Observation {
    fn push(&mut self, subject: String, status: &str, detail: Option<String>) {
        self.statuses.push(Status {
            subject,
            status: status.to_owned(),
            detail,
        });
    }
}

/// One change for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub subject: String,
    pub old_status: Option<String>,
    pub new_status: String,
    pub detail: Option<String>,
}

/// What to write after comparing an observation with what the index holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    pub changes: Vec<Change>,
    /// Statuses to write (new, changed, or confirmed by a newer observation).
    pub hold: Vec<(String, Held)>,
    /// Subjects that ended.
    pub end: Vec<String>,
}

/// Compares `seen`, observed at `at` (a stamp), with `held`. A status the index holds
/// from an observation newer than `at` is left as it is, whatever `seen` says, so that
/// a change arriving by several ways, in any order, is recorded once. A family observed
/// for the first time is held without a change.
pub fn compare(held: &BTreeMap<String, Held>, seen: &Observation, at: &str) -> Comparison {
    let mut out = Comparison::default();
    for &family in &seen.families {
        let first = !held.contains_key(family.marker());
        let shown: Vec<&Status> = seen
            .statuses
            .iter()
            .filter(|s| Family::of(&s.subject) == Some(family))
            .collect();
        for status in &shown {
            match held.get(&status.subject) {
                Some(old) if old.as_of.as_str() > at => {}
                Some(old) if old.status == status.status => {
                    out.hold.push((
                        status.subject.clone(),
                        Held {
                            detail: status.detail.clone(),
                            as_of: at.to_owned(),
                            ..old.clone()
                        },
                    ));
                }
                old => {
                    if !first {
                        out.changes.push(Change {
                            subject: status.subject.clone(),
                            old_status: old.map(|o| o.status.clone()),
                            new_status: status.status.clone(),
                            detail: status.detail.clone(),
                        });
                    }
                    out.hold.push((
                        status.subject.clone(),
                        Held {
                            status: status.status.clone(),
                            detail: status.detail.clone(),
                            since: at.to_owned(),
                            as_of: at.to_owned(),
                        },
                    ));
                }
            }
        }
        for (subject, old) in held {
            let ended = Family::of(subject) == Some(family)
                && old.as_of.as_str() <= at
                && !shown.iter().any(|s| &s.subject == subject);
            if ended {
                let action = subject.starts_with("action:");
                out.changes.push(Change {
                    subject: subject.clone(),
                    old_status: Some(old.status.clone()),
                    new_status: if action { RESOLVED } else { ENDED }.to_owned(),
                    detail: old.detail.clone(),
                });
                out.end.push(subject.clone());
            }
        }
        let marker = held.get(family.marker());
        if marker.is_none_or(|m| m.as_of.as_str() <= at) {
            out.hold.push((
                family.marker().to_owned(),
                Held {
                    status: "observed".into(),
                    detail: None,
                    since: marker.map_or_else(|| at.to_owned(), |m| m.since.clone()),
                    as_of: at.to_owned(),
                },
            ));
        }
    }
    out
}

/// Whether a profile needs an admin (docs/review.md, "The queue"): a restriction, a ban,
/// a check under review, or a program or grant pending. The program pass retrieves these
/// first.
pub fn in_queue(profile: &Profile) -> bool {
    let enforced = matches!(
        profile.enforcement_status,
        Some(Lenient::Known(
            EnforcementStatus::Restricted | EnforcementStatus::Pending | EnforcementStatus::Banned
        ))
    );
    enforced
        || profile
            .standing()
            .iter()
            .any(|(_, status)| status == GrantStatus::Pending.as_str())
}

/// The stamp of a webhook's own event time, for the timeline.
pub fn event_at(how: How) -> Option<OffsetDateTime> {
    match how {
        How::Webhook { event_at } => event_at,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ga(how: How, enforcement: serde_json::Value, programs: serde_json::Value) -> Received {
        let mut value = json!({
            "id": "uprof_1", "created_at": "2026-03-15T10:00:00Z",
            "updated_at": "2026-03-15T10:00:00Z", "access_type": "application",
            "programs": programs,
        });
        if let Some(object) = enforcement.as_object() {
            for (k, v) in object {
                value[k] = v.clone();
            }
        }
        let profile: Profile = serde_json::from_value(value).unwrap();
        Received::from_profile(&profile, how)
    }

    fn restricted() -> serde_json::Value {
        json!({"enforcement_status": "restricted", "enforcement_actions": [{
            "id": "enac_1", "type": "restriction", "reason": "unsupported_region",
            "action": "verify", "opened_at": "2026-03-15T10:00:00Z", "expires_at": null}]})
    }

    fn unrestricted() -> serde_json::Value {
        json!({"enforcement_status": "unrestricted", "enforcement_actions": []})
    }

    fn cyber(status: &str) -> serde_json::Value {
        json!({"cyber": {"status": status, "tiers": {"a": {"status": "inactive"},
            "b": {"status": "inactive"}, "c": {"status": "inactive"}}}, "efs": null})
    }

    /// Applies a comparison as the store does.
    fn apply(held: &mut BTreeMap<String, Held>, c: &Comparison) {
        for subject in &c.end {
            held.remove(subject);
        }
        for (subject, h) in &c.hold {
            held.insert(subject.clone(), h.clone());
        }
    }

    #[test]
    fn a_first_sighting_is_held_without_a_change() {
        let seen = observe(&ga(How::Walk, restricted(), cyber("pending")));
        let c = compare(&BTreeMap::new(), &seen, "2026-01-01T00:00:00.000000Z");
        assert!(c.changes.is_empty());
        let subjects: Vec<_> = c.hold.iter().map(|(s, _)| s.as_str()).collect();
        // A walk does not speak for programs.
        assert_eq!(
            subjects,
            ["enforcement", "action:enac_1", "seen:enforcement"]
        );
    }

    #[test]
    fn opening_and_resolving_are_each_recorded_once_in_any_order() {
        let mut held = BTreeMap::new();
        let first = compare(
            &held,
            &observe(&ga(How::Walk, unrestricted(), cyber("active"))),
            "t1",
        );
        apply(&mut held, &first);
        // The webhook's re-read (t3) arrives before a walk page fetched earlier (t2).
        let opened = compare(
            &held,
            &observe(&ga(
                How::Webhook { event_at: None },
                restricted(),
                cyber("active"),
            )),
            "t3",
        );
        let subjects: Vec<_> = opened
            .changes
            .iter()
            .map(|c| (c.subject.as_str(), c.new_status.as_str()))
            .collect();
        assert_eq!(
            subjects,
            [("enforcement", "restricted"), ("action:enac_1", "open")]
        );
        apply(&mut held, &opened);
        let late_walk = compare(
            &held,
            &observe(&ga(How::Walk, unrestricted(), json!(null))),
            "t2",
        );
        assert!(late_walk.changes.is_empty(), "{late_walk:?}");
        apply(&mut held, &late_walk);
        let again = compare(
            &held,
            &observe(&ga(How::Walk, restricted(), json!(null))),
            "t4",
        );
        assert!(again.changes.is_empty());
        apply(&mut held, &again);
        let resolved = compare(
            &held,
            &observe(&ga(How::Retrieve, unrestricted(), cyber("active"))),
            "t5",
        );
        let got: Vec<_> = resolved
            .changes
            .iter()
            .map(|c| {
                (
                    c.subject.as_str(),
                    c.old_status.as_deref(),
                    c.new_status.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("enforcement", Some("restricted"), "unrestricted"),
                ("action:enac_1", Some("open"), RESOLVED)
            ]
        );
        assert!(resolved.changes[1]
            .detail
            .as_deref()
            .unwrap()
            .contains("unsupported_region"));
    }

    #[test]
    fn programs_change_only_by_what_a_retrieve_reports() {
        let mut held = BTreeMap::new();
        let first = compare(
            &held,
            &observe(&ga(How::Retrieve, unrestricted(), cyber("pending"))),
            "t1",
        );
        apply(&mut held, &first);
        // A list reports cyber incompletely: it is no evidence either way.
        let listed = compare(
            &held,
            &observe(&ga(
                How::Walk,
                unrestricted(),
                json!({"cyber": null, "efs": null}),
            )),
            "t2",
        );
        assert!(listed.changes.is_empty());
        let approved = compare(
            &held,
            &observe(&ga(How::Retrieve, unrestricted(), cyber("active"))),
            "t3",
        );
        assert_eq!(approved.changes.len(), 1);
        assert_eq!(approved.changes[0].subject, "program:cyber");
        assert_eq!(approved.changes[0].old_status.as_deref(), Some("pending"));
        apply(&mut held, &approved);
        let removed = compare(
            &held,
            &observe(&ga(
                How::Retrieve,
                unrestricted(),
                json!({"cyber": null, "efs": null}),
            )),
            "t4",
        );
        let ended: Vec<_> = removed
            .changes
            .iter()
            .map(|c| (c.subject.as_str(), c.new_status.as_str()))
            .collect();
        assert_eq!(
            ended,
            [
                ("program:cyber", ENDED),
                ("tier:a", ENDED),
                ("tier:b", ENDED),
                ("tier:c", ENDED)
            ]
        );
    }

    #[test]
    fn beta_grants_are_their_own_family() {
        let profile: Profile = serde_json::from_value(json!({
            "id": "uprof_2", "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
            "relationship": "external", "trust_grants": {"cyber": {"status": "pending"}}
        }))
        .unwrap();
        let seen = observe(&Received::from_profile(&profile, How::Walk));
        assert_eq!(seen.families, [Family::Grants]);
        assert_eq!(seen.statuses[0].subject, "grant:cyber");
        assert!(in_queue(&profile));
    }
}

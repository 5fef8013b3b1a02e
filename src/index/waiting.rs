//! The write-throughs that failed and wait to be written again (`write_through`): the
//! newest copy of each profile, bounded, and whether a task is writing them.

use super::received::Received;
use std::collections::BTreeMap;

/// Most profiles waiting at once. Past it the one changed longest ago is let go, with an
/// error in the log: the next walk brings it back.
const MAX_WAITING: usize = 10_000;

/// Write-throughs that failed, by profile id, and whether a task is writing them again.
#[derive(Debug, Default)]
pub(super) struct Waiting {
    profiles: BTreeMap<String, Received>,
    retrying: bool,
}

impl Waiting {
    /// Keeps `received` unless a copy changed later already waits; lets the copy changed
    /// longest ago go past [`MAX_WAITING`]. Says whether one was let go.
    pub(super) fn keep(&mut self, received: Received) -> bool {
        let id = received.profile.id.to_string();
        match self.profiles.get(&id) {
            Some(held) if held.profile.updated_at > received.profile.updated_at => {}
            _ => {
                self.profiles.insert(id, received);
            }
        }
        if self.profiles.len() <= MAX_WAITING {
            return false;
        }
        let oldest = self
            .profiles
            .iter()
            .min_by_key(|(_, r)| r.profile.updated_at)
            .map(|(id, _)| id.clone())
            .expect("more than MAX_WAITING held");
        self.profiles.remove(&oldest);
        true
    }

    /// Forgets what waits for `received`'s profile if `received` is at least as new.
    pub(super) fn written(&mut self, received: &Received) {
        let id = received.profile.id.as_str();
        if self
            .profiles
            .get(id)
            .is_some_and(|held| held.profile.updated_at <= received.profile.updated_at)
        {
            self.profiles.remove(id);
        }
    }

    /// Every copy that waits.
    pub(super) fn held(&self) -> Vec<Received> {
        self.profiles.values().cloned().collect()
    }

    pub(super) fn len(&self) -> usize {
        self.profiles.len()
    }

    /// Marks a task as writing; `true` if none was, so the caller starts one.
    pub(super) fn start_retrying(&mut self) -> bool {
        !std::mem::replace(&mut self.retrying, true)
    }

    /// Ends the writing task's turn if nothing waits any more.
    pub(super) fn stop_if_empty(&mut self) -> bool {
        if self.profiles.is_empty() {
            self.retrying = false;
        }
        !self.retrying
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::Profile;

    fn received(id: &str, updated_at: &str) -> Received {
        let profile: Profile = serde_json::from_value(serde_json::json!({
            "id": id, "created_at": "2026-03-15T10:00:00Z", "updated_at": updated_at
        }))
        .unwrap();
        Received::from_profile(&profile, super::super::received::How::Write)
    }

    #[test]
    fn the_newest_copy_of_each_profile_waits_until_one_as_new_is_written() {
        let mut waiting = Waiting::default();
        assert!(!waiting.keep(received("uprof_a", "2026-03-15T10:00:02Z")));
        waiting.keep(received("uprof_a", "2026-03-15T10:00:01Z"));
        assert_eq!(
            waiting.profiles["uprof_a"].profile.updated_at,
            received("uprof_a", "2026-03-15T10:00:02Z")
                .profile
                .updated_at,
            "an older copy never replaces a newer one"
        );
        waiting.written(&received("uprof_a", "2026-03-15T10:00:01Z"));
        assert_eq!(
            waiting.profiles.len(),
            1,
            "an older write leaves the newer waiting"
        );
        waiting.written(&received("uprof_a", "2026-03-15T10:00:02Z"));
        assert!(waiting.profiles.is_empty());
    }

    #[test]
    fn past_the_bound_the_copy_changed_longest_ago_is_let_go() {
        let mut waiting = Waiting::default();
        for n in 0..MAX_WAITING {
            let at = format!("2026-03-15T10:{:02}:{:02}Z", n / 60 % 60, n % 60);
            assert!(!waiting.keep(received(&format!("uprof_{n}"), &at)));
        }
        assert!(waiting.keep(received("uprof_new", "2026-03-16T00:00:00Z")));
        assert_eq!(waiting.profiles.len(), MAX_WAITING);
        assert!(waiting.profiles.contains_key("uprof_new"));
        assert!(!waiting.profiles.contains_key("uprof_0"));
    }
}

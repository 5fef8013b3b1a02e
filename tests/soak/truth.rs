//! The three sources of truth compared at the end of the soak: what the clients were told,
//! what the emulator holds, and what the audit trail and the index say. Each check returns
//! what it found wrong, in words, so that one run reports every discrepancy at once.

use crate::clients::{Asked, Sample, Told, Write};
use profiles_admin::audit::query::{Cursor, Filter};
use profiles_admin::audit::store::AuditLog;
use profiles_admin::audit::{Action, Change, Entry, Outcome};
use profiles_admin::index::Index;
use profiles_admin::profiles::model::{ListQuery, PageCursor, Profile};
use profiles_admin::upstream::Client;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Every profile the emulator holds, by id, read page by page.
pub async fn emulator_profiles(client: &Client) -> BTreeMap<String, Profile> {
    let mut all = BTreeMap::new();
    let mut query = ListQuery::default();
    loop {
        let page = client.list(&query).await.expect("the list reads").value;
        for profile in page.data {
            all.insert(profile.id.to_string(), profile);
        }
        match page.next_page {
            Some(next) => query.page = Some(PageCursor::parse(&next).unwrap()),
            None => return all,
        }
    }
}

/// Every entry of the audit trail, oldest first.
pub async fn audit_entries(log: &AuditLog) -> Vec<Entry> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = log
            .page(&Filter::default(), cursor.as_ref(), 500)
            .await
            .unwrap();
        all.extend(page.entries);
        match page.next {
            Some(next) => cursor = Some(Cursor::parse(&next).unwrap()),
            None => break,
        }
    }
    all.reverse();
    all
}

/// The metadata value the editors write.
fn soak_value(profile: &Profile) -> Option<&str> {
    profile.metadata.get("soak").map(String::as_str)
}

/// Every write a client was told succeeded is in the emulator, and none it was told
/// failed (or that was never attempted). Editors each own one profile and write to it one
/// at a time, so its final value names the last write that happened.
pub fn writes_match_the_emulator(
    writes: &[Write],
    initial: &BTreeMap<String, String>,
    held: &BTreeMap<String, Profile>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    for (profile, first) in initial {
        let attempts: Vec<(&str, Told)> = writes
            .iter()
            .filter_map(|w| match &w.asked {
                Asked::Update { profile: p, value } if p == profile => {
                    Some((value.as_str(), w.told))
                }
                _ => None,
            })
            .collect();
        let Some(now) = held.get(profile).and_then(soak_value) else {
            wrong.push(format!(
                "{profile}: the editor's profile or its value is gone"
            ));
            continue;
        };
        let last = if now == first {
            None
        } else {
            match attempts.iter().position(|(value, _)| *value == now) {
                Some(k) => Some(k),
                None => {
                    wrong.push(format!("{profile}: holds {now}, which no one wrote"));
                    continue;
                }
            }
        };
        if let Some(k) = last {
            let told = attempts[k].1;
            if told != Told::Succeeded && !unknown(told) {
                wrong.push(format!(
                    "{profile}: holds {now}, a write its client was told {told:?}"
                ));
            }
        }
        let after = last.map_or(0, |k| k + 1);
        if let Some((value, _)) = attempts[after..]
            .iter()
            .find(|(_, told)| *told == Told::Succeeded)
        {
            wrong.push(format!(
                "{profile}: holds {now}, not {value}, which its client was told was saved"
            ));
        }
    }

    let mut made: HashMap<&str, usize> = HashMap::new();
    for profile in held.values() {
        if let Some(name) = profile.name.as_deref() {
            *made.entry(name).or_default() += 1;
        }
    }
    for write in writes {
        match (&write.asked, write.told) {
            (Asked::Create { name }, told) => {
                let n = made.get(name.as_str()).copied().unwrap_or(0);
                let deletes = write
                    .created
                    .as_ref()
                    .map_or(Vec::new(), |id| deletes(writes, id));
                let ok = match told {
                    Told::Succeeded if deletes.contains(&Told::Succeeded) => n == 0,
                    Told::Succeeded if deletes.iter().any(|t| unknown(*t)) => n <= 1,
                    Told::Succeeded => n == 1,
                    told if unknown(told) => n <= 1,
                    _ => n == 0,
                };
                if !ok {
                    wrong.push(format!(
                        "create {name:?} told {told:?}, its deletes {deletes:?}: {n} profiles hold that name"
                    ));
                }
            }
            (Asked::Delete { profile }, told) => {
                let there = held.contains_key(profile);
                let ok = match told {
                    Told::Succeeded => !there,
                    told if unknown(told) => true,
                    _ => {
                        there
                            || deletes(writes, profile)
                                .iter()
                                .any(|t| *t == Told::Succeeded || unknown(*t))
                    }
                };
                if !ok {
                    wrong.push(format!(
                        "delete of {profile} told {told:?}, yet it is {}",
                        if there { "there" } else { "gone" }
                    ));
                }
            }
            _ => {}
        }
    }
    wrong
}

/// Whether a client told `told` cannot know if its write happened.
fn unknown(told: Told) -> bool {
    matches!(told, Told::Uncertain | Told::NoAnswer)
}

/// What the clients were told of each delete of `profile`.
fn deletes(writes: &[Write], profile: &str) -> Vec<Told> {
    writes
        .iter()
        .filter(|w| matches!(&w.asked, Asked::Delete { profile: p } if p == profile))
        .map(|w| w.told)
        .collect()
}

/// The audit trail has exactly one entry per attempted write, with the outcome its
/// client saw, and none for a write that was not attempted; the field changes of the
/// editors' entries chain from one state of the emulator to the next and end at the
/// state it holds.
pub fn audit_matches_the_writes(
    writes: &[Write],
    entries: &[Entry],
    initial: &BTreeMap<String, String>,
    held: &BTreeMap<String, Profile>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut by_request: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for entry in entries {
        if let Some(id) = entry.request_id.as_deref() {
            by_request.entry(id).or_default().push(entry);
        }
    }
    let asked: BTreeSet<&str> = writes.iter().map(|w| w.request_id.as_str()).collect();
    for entry in entries {
        let id = entry.request_id.as_deref().unwrap_or("");
        if id.starts_with("soak-") && !asked.contains(id) {
            wrong.push(format!("an entry for a request no client sent: {entry:?}"));
        }
        if entry.outcome == Outcome::Pending {
            wrong.push(format!("an entry still pending: {entry:?}"));
        }
    }
    for write in writes {
        let found = by_request
            .get(write.request_id.as_str())
            .map_or(&[][..], Vec::as_slice);
        let want = match write.told {
            // The client cannot know whether the console took it in: one complete entry
            // or none.
            Told::NoAnswer => {
                if found.len() > 1 || found.iter().any(|e| e.outcome == Outcome::Pending) {
                    wrong.push(format!(
                        "{} (no answer): audit holds {found:?}",
                        write.request_id
                    ));
                }
                continue;
            }
            Told::NotAttempted => None,
            Told::Succeeded => Some(Outcome::Succeeded),
            Told::Failed => Some(Outcome::Failed),
            Told::Uncertain => Some(Outcome::Uncertain),
            Told::Refused => Some(Outcome::Refused),
        };
        let action = match write.asked {
            Asked::Update { .. } => Action::ProfileUpdate,
            Asked::Create { .. } => Action::ProfileCreate,
            Asked::Link { .. } => Action::EnrollmentUrl,
            Asked::Delete { .. } => Action::ProfileDelete,
        };
        let seen: Vec<(Action, Outcome)> = found.iter().map(|e| (e.action, e.outcome)).collect();
        let expected: Vec<(Action, Outcome)> = want.map(|o| (action, o)).into_iter().collect();
        if seen != expected {
            wrong.push(format!(
                "{} (status {}, told {:?}): audit holds {seen:?}, not {expected:?}",
                write.request_id, write.status, write.told
            ));
        }
    }

    // The editors' entries: each succeeded change starts where the emulator was (the last
    // value saved, or one whose fate was unknown since) and the last one ends where it is.
    for (profile, first) in initial {
        let mut possible: Vec<String> = vec![first.clone()];
        for write in writes {
            let Asked::Update { profile: p, value } = &write.asked else {
                continue;
            };
            if p != profile {
                continue;
            }
            let entry = by_request
                .get(write.request_id.as_str())
                .and_then(|e| e.first());
            match (write.told, entry) {
                (Told::Succeeded, Some(entry)) => {
                    let from = possible.iter().find(|v| {
                        entry.changes
                            == [Change {
                                field: "metadata.soak".into(),
                                old: Some((*v).clone()),
                                new: Some(value.clone()),
                            }]
                    });
                    if from.is_none() {
                        wrong.push(format!(
                            "{}: changes {:?} do not lead from any of {possible:?} to {value}",
                            write.request_id, entry.changes
                        ));
                    }
                    possible = vec![value.clone()];
                }
                (told, _) if unknown(told) => possible.push(value.clone()),
                _ => {}
            }
        }
        let now = held.get(profile).and_then(soak_value).unwrap_or("");
        if !possible.iter().any(|v| v == now) {
            wrong.push(format!(
                "{profile}: the audit trail ends at one of {possible:?}, the emulator at {now}"
            ));
        }
    }
    wrong
}

/// The index holds exactly the emulator's profiles: each as the list reports it, and the
/// programs it knows as a retrieve reports them (the list's are incomplete, so the index
/// keeps a retrieve's apart, docs/review.md, "Programs").
pub async fn index_matches(
    index: &Index,
    client: &Client,
    held: &BTreeMap<String, Profile>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let counted = index.count().await.unwrap();
    if counted != held.len() as u64 {
        wrong.push(format!(
            "the index counts {counted} profiles, the emulator holds {}",
            held.len()
        ));
    }
    for (id, profile) in held {
        let Some(stored) = index.stored(id).await.unwrap() else {
            wrong.push(format!("{id}: not in the index"));
            continue;
        };
        let (mut stored_fields, mut listed) = (fields(&stored), fields(profile));
        stored_fields.remove("programs");
        listed.remove("programs");
        let differ: BTreeSet<&String> = listed
            .keys()
            .chain(stored_fields.keys())
            .filter(|k| listed.get(*k) != stored_fields.get(*k))
            .collect();
        if !differ.is_empty() {
            wrong.push(format!("{id}: the index and the list differ in {differ:?}"));
        }
        let retrieved = client
            .get(&profile.id)
            .await
            .expect("the emulator answers")
            .value;
        let known = index.known_programs(id).await.unwrap();
        if known.as_ref().map(|k| &k.programs) != Some(&retrieved.programs) {
            wrong.push(format!(
                "{id}: the index knows programs {known:?}, a retrieve reports {:?}",
                retrieved.programs
            ));
        }
    }
    wrong
}

/// A profile's fields, by name, as JSON.
fn fields(profile: &Profile) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(profile).unwrap() {
        serde_json::Value::Object(fields) => fields,
        other => panic!("a profile is an object: {other}"),
    }
}

/// No answer 5xx but those that name an outage to the user: the User Profiles API
/// unavailable or silent, the console's database out of reach. (A request that got no
/// answer at all is counted in the figures, and its write checked as one whose fate the
/// client does not know.)
pub fn answers_name_their_outage(samples: &[Sample]) -> Vec<String> {
    samples
        .iter()
        .filter(|s| s.status >= 500)
        .filter_map(|sample| {
            let shown = sample.shown.as_deref().unwrap_or("");
            let names_an_outage = [
                "User Profiles API",
                "no answer came back",
                "database cannot be reached",
                "audit trail cannot be written",
            ]
            .iter()
            .any(|outage| shown.contains(outage));
            (!names_an_outage)
                .then(|| format!("{} answered {}: {shown}", sample.route, sample.status))
        })
        .collect()
}

/// The import made exactly one profile for each of its rows.
pub fn import_made_each_row_once(rows: &[String], held: &BTreeMap<String, Profile>) -> Vec<String> {
    let mut made: HashMap<&str, usize> = HashMap::new();
    for profile in held.values() {
        if let Some(external) = profile.external_id() {
            *made.entry(external).or_default() += 1;
        }
    }
    rows.iter()
        .filter_map(|row| {
            let n = made.get(row.as_str()).copied().unwrap_or(0);
            (n != 1).then(|| format!("import row {row}: {n} profiles"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn profile(id: &str, name: &str, soak: &str) -> (String, Profile) {
        let profile = serde_json::from_value(json!({
            "id": id, "created_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z",
            "name": name, "metadata": {"soak": soak},
        }))
        .unwrap();
        (id.to_owned(), profile)
    }

    fn update(n: u32, value: &str, told: Told) -> Write {
        Write {
            request_id: format!("soak-e1-{n}"),
            asked: Asked::Update {
                profile: "uprof_E".into(),
                value: value.into(),
            },
            told,
            status: 200,
            created: None,
        }
    }

    fn entry(request_id: &str, outcome: Outcome, old: &str, new: &str) -> Entry {
        Entry {
            id: request_id.into(),
            at: String::new(),
            actor: "editor1".into(),
            role: None,
            action: Action::ProfileUpdate,
            profile_id: Some("uprof_E".into()),
            outcome,
            detail: None,
            changes: vec![Change {
                field: "metadata.soak".into(),
                old: Some(old.into()),
                new: Some(new.into()),
            }],
            request_id: Some(request_id.into()),
            upstream_request_id: None,
        }
    }

    #[test]
    fn an_editors_profile_must_hold_its_last_saved_value() {
        let initial = BTreeMap::from([("uprof_E".to_owned(), "e1-0".to_owned())]);
        let writes = [
            update(1, "e1-1", Told::Succeeded),
            update(2, "e1-2", Told::Failed),
            update(3, "e1-3", Told::Uncertain),
        ];
        let holding = |v: &str| BTreeMap::from([profile("uprof_E", "e", v)]);
        assert!(writes_match_the_emulator(&writes, &initial, &holding("e1-1")).is_empty());
        assert!(writes_match_the_emulator(&writes, &initial, &holding("e1-3")).is_empty());
        for wrong in ["e1-0", "e1-2", "e1-9"] {
            assert_eq!(
                writes_match_the_emulator(&writes, &initial, &holding(wrong)).len(),
                1,
                "{wrong}"
            );
        }
    }

    #[test]
    fn a_create_told_saved_makes_exactly_one_profile() {
        let create = Write {
            request_id: "soak-a1-1-create".into(),
            asked: Asked::Create {
                name: "soak a1 1".into(),
            },
            told: Told::Succeeded,
            status: 200,
            created: Some("uprof_A".into()),
        };
        let twice = BTreeMap::from([
            profile("uprof_A", "soak a1 1", "-"),
            profile("uprof_B", "soak a1 1", "-"),
        ]);
        assert_eq!(
            writes_match_the_emulator(std::slice::from_ref(&create), &BTreeMap::new(), &twice)
                .len(),
            1
        );
        let once = BTreeMap::from([profile("uprof_A", "soak a1 1", "-")]);
        assert!(writes_match_the_emulator(&[create], &BTreeMap::new(), &once).is_empty());
    }

    #[test]
    fn a_write_that_got_no_answer_may_have_happened_once_or_not_at_all() {
        let initial = BTreeMap::from([("uprof_E".to_owned(), "e1-0".to_owned())]);
        let writes = [update(1, "e1-1", Told::NoAnswer)];
        for value in ["e1-0", "e1-1"] {
            let held = BTreeMap::from([profile("uprof_E", "e", value)]);
            assert!(writes_match_the_emulator(&writes, &initial, &held).is_empty());
            let entries = [entry("soak-e1-1", Outcome::Succeeded, "e1-0", "e1-1")];
            let recorded = if value == "e1-1" { &entries[..] } else { &[] };
            assert!(audit_matches_the_writes(&writes, recorded, &initial, &held).is_empty());
        }
        let held = BTreeMap::from([profile("uprof_E", "e", "e1-1")]);
        let twice = [
            entry("soak-e1-1", Outcome::Succeeded, "e1-0", "e1-1"),
            entry("soak-e1-1", Outcome::Succeeded, "e1-0", "e1-1"),
        ];
        assert_eq!(
            audit_matches_the_writes(&writes, &twice, &initial, &held).len(),
            1
        );
    }

    #[test]
    fn each_write_needs_one_entry_with_its_outcome_and_a_chain_of_changes() {
        let initial = BTreeMap::from([("uprof_E".to_owned(), "e1-0".to_owned())]);
        let held = BTreeMap::from([profile("uprof_E", "e", "e1-2")]);
        let writes = [
            update(1, "e1-1", Told::Succeeded),
            update(2, "e1-2", Told::Succeeded),
        ];
        let right = [
            entry("soak-e1-1", Outcome::Succeeded, "e1-0", "e1-1"),
            entry("soak-e1-2", Outcome::Succeeded, "e1-1", "e1-2"),
        ];
        assert!(audit_matches_the_writes(&writes, &right, &initial, &held).is_empty());
        let missing = &right[..1];
        assert_eq!(
            audit_matches_the_writes(&writes, missing, &initial, &held).len(),
            2
        );
        let broken_chain = [
            right[0].clone(),
            entry("soak-e1-2", Outcome::Succeeded, "e1-0", "e1-2"),
        ];
        assert_eq!(
            audit_matches_the_writes(&writes, &broken_chain, &initial, &held).len(),
            1
        );
        let pending = [
            right[0].clone(),
            entry("soak-e1-2", Outcome::Pending, "e1-1", "e1-2"),
        ];
        assert_eq!(
            audit_matches_the_writes(&writes, &pending, &initial, &held).len(),
            2
        );
    }
}

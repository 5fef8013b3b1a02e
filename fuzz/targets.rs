//! What each fuzz target checks, given the fuzzer's bytes (docs/reliability.md,
//! "Fuzzing"). Shared by the fuzz binaries (`fuzz/fuzz_targets/`) and by the test that
//! replays the kept corpus on stable Rust (`tests/fuzz_corpus.rs`): a target returns
//! normally or panics, and a panic is a finding.

use profiles_admin::onboarding::file::CsvFile;
use profiles_admin::profiles::location::ListLocation;
use profiles_admin::profiles::search::query::SearchQuery;
use profiles_admin::webhooks::events::Event;
use profiles_admin::webhooks::signature::{sign, Secrets};
use std::collections::HashMap;

/// A target: the fuzzer's bytes in, a panic out for a finding.
pub type Target = fn(&[u8]);

/// The targets by name: the name of the binary and of its corpus folder.
pub const TARGETS: [(&str, Target); 4] = [
    ("webhook", webhook),
    ("search_query", search_query),
    ("list_location", list_location),
    ("csv_reader", csv_reader),
];

/// An address's query string as the server's extractor reads it: decoded pairs, the
/// first of a repeated name kept.
fn pairs(query: &[u8]) -> HashMap<String, String> {
    let mut pairs = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(query) {
        pairs.entry(name.into_owned()).or_insert(value.into_owned());
    }
    pairs
}

fn query_of(href: &str) -> HashMap<String, String> {
    pairs(href.split_once('?').map_or("", |(_, q)| q).as_bytes())
}

/// A delivery: the first three lines are the `webhook-id`, `webhook-timestamp` and
/// `webhook-signature` headers, the rest the body. It must be refused, or accepted only
/// when it is the signature of the body; the body, signed properly, is then read as an
/// event or refused, without a panic either way.
pub fn webhook(data: &[u8]) {
    const KEY: &[u8] = b"fuzzing key of thirty-two bytes!";
    const NOW: i64 = 1_800_000_000;
    let secrets = Secrets::parse("whsec_ZnV6emluZyBrZXkgb2YgdGhpcnR5LXR3byBieXRlcyE=").unwrap();
    let mut parts = data.splitn(4, |b| *b == b'\n');
    let mut header = || parts.next().map(String::from_utf8_lossy);
    let (id, timestamp, signature) = (header(), header(), header());
    let body = parts.next().unwrap_or_default();
    let verdict = secrets.verify(
        id.as_deref(),
        timestamp.as_deref(),
        signature.as_deref(),
        body,
        NOW,
    );
    if verdict.is_ok() {
        let id = id.as_deref().unwrap();
        let seconds: i64 = timestamp
            .as_deref()
            .unwrap()
            .trim()
            .split('.')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let expected = sign(KEY, id, seconds, body);
        assert!(
            signature
                .as_deref()
                .unwrap()
                .split(' ')
                .any(|s| s == expected),
            "accepted without the body's signature"
        );
    }
    let signed = sign(KEY, "msg_fuzz", NOW, body);
    assert!(secrets
        .verify(
            Some("msg_fuzz"),
            Some(&NOW.to_string()),
            Some(&signed),
            body,
            NOW
        )
        .is_ok());
    if let Ok(event) = Event::parse(body) {
        let _ = event.describe();
    }
}

/// Any query string is read as a search or refused field by field; a search read back
/// from its own address is the same search.
pub fn search_query(data: &[u8]) {
    let raw = pairs(data);
    let search = SearchQuery::from_query(|k| raw.get(k).cloned());
    if let Ok(search) = search {
        let again = SearchQuery::from_query(|k| query_of(&search.href()).get(k).cloned());
        assert_eq!(again.as_ref(), Ok(&search), "{}", search.href());
    }
}

/// Any query string is read as a place in the list or refused; a place read back from
/// its address is the same place, and its `?from=` token keeps its page.
pub fn list_location(data: &[u8]) {
    let raw = pairs(data);
    if let Ok(place) = ListLocation::from_query(|k| raw.get(k).cloned()) {
        let again = ListLocation::from_query(|k| query_of(&place.href()).get(k).cloned());
        assert_eq!(again.as_ref(), Ok(&place), "{}", place.href());
        let from = ListLocation::from_token(&place.token()).expect("its own token reads");
        assert_eq!(from.current(), place.current());
        assert_eq!(from.page_number(), place.page_number());
    }
    let _ = ListLocation::from_token(&String::from_utf8_lossy(data));
}

/// Any bytes are read as a CSV file row by row, or refused with a reason, never a panic;
/// lines only move forward.
pub fn csv_reader(data: &[u8]) {
    let Ok(mut file) = CsvFile::open(data) else {
        return;
    };
    let mut line = 1;
    while let Ok(Some(record)) = file.next_record() {
        assert!(record.line > line, "line {} after {line}", record.line);
        line = record.line;
    }
}

//! Property tests for every parser and rule that takes outside input (docs/reliability.md,
//! "Hostile input"). Each runs a fixed number of cases from a fixed seed, so CI is
//! repeatable; a failure prints the smallest input proptest shrank it to.
//!
//! The merge patch against the emulator, the audit diff and the CSV reader have their
//! properties beside the private code they exercise (`emulator/bodies.rs`,
//! `profiles/model/changes.rs`, `onboarding/file.rs`).

use profiles_admin::audit::query::Cursor as AuditCursor;
use profiles_admin::emulator::cursor::{self, OrderBy, Position};
use profiles_admin::profiles::location::ListLocation;
use profiles_admin::profiles::model::{
    check_detail, EnforcementStatus, Metadata, MetadataKey, MetadataPatch, MetadataValue, Order,
    PageCursor, ProfileId, MAX_KEY_CHARS, MAX_METADATA_KEYS, MAX_VALUE_CHARS,
};
use profiles_admin::profiles::search::query::SearchQuery;
use profiles_admin::webhooks::signature::{sign, Secrets};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::collections::HashMap;

/// Fixed cases and seed: the same inputs on every run. Nothing is written next to the
/// sources: a failure's minimal case is printed instead.
fn fixed(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(29),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Any text at all: control characters, NUL, every plane, and the characters the parsers
/// split on.
fn any_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(&format!("(?s).{{0,{max}}}")).unwrap(),
        proptest::string::string_regex(&format!("[a-z0-9_~,=&%+ .|-]{{0,{max}}}")).unwrap(),
    ]
}

/// A query string's pairs, as a hostile address may carry them: known names with any
/// values, repeated or missing.
fn pairs(names: &'static [&'static str]) -> impl Strategy<Value = HashMap<String, String>> {
    proptest::collection::hash_map(
        proptest::sample::select(names).prop_map(str::to_owned),
        prop_oneof![
            any_text(24),
            proptest::string::string_regex("[0-9]{1,3}").unwrap(),
            proptest::sample::select(
                &[
                    "asc",
                    "desc",
                    "banned",
                    "pending",
                    "restricted",
                    "name",
                    "oldest",
                    "newest",
                    "active",
                    "none",
                    "external",
                    "resold",
                    "application",
                    "2026-03-24",
                    "2026-02-30",
                    "uprof_1,uprof_2",
                    "cyber",
                    "efs",
                ][..]
            )
            .prop_map(str::to_owned),
        ],
        0..6,
    )
}

/// The pairs of an address's query string, decoded as a browser's form and the server's
/// query extractor decode them.
fn decoded(href: &str) -> HashMap<String, String> {
    let query = href.split_once('?').map(|(_, q)| q).unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The contract's id: `uprof_` then 1–64 ASCII letters or digits.
fn contract_id(raw: &str) -> bool {
    raw.strip_prefix("uprof_").is_some_and(|body| {
        (1..=64).contains(&body.len()) && body.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

proptest! {
    #![proptest_config(fixed(512))]

    /// A profile id is accepted exactly when it has the contract's form, so nothing else
    /// reaches an upstream URL; what is accepted prints back as itself.
    #[test]
    fn profile_ids_are_accepted_exactly_in_the_contract_form(
        raw in prop_oneof![any_text(80), "uprof_[a-zA-Z0-9]{0,70}", "uprof_[a-zA-Z0-9/.%]{1,10}"]
    ) {
        let parsed = ProfileId::parse(&raw);
        prop_assert_eq!(parsed.is_ok(), contract_id(&raw), "{:?}", raw);
        if let Ok(id) = parsed {
            prop_assert_eq!(id.to_string(), raw.clone());
            let json = serde_json::to_string(&raw).unwrap();
            prop_assert_eq!(serde_json::from_str::<ProfileId>(&json).unwrap(), id);
        }
    }

    /// A page cursor from an address holds only URL-safe characters and is bounded, so it
    /// cannot smuggle anything into the upstream query string.
    #[test]
    fn page_cursors_are_url_safe_and_bounded(raw in any_text(600)) {
        let safe = !raw.is_empty()
            && raw.len() <= 512
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-=.".contains(&b));
        prop_assert_eq!(PageCursor::parse(&raw).is_ok(), safe);
    }

    /// The emulator reads back every cursor it issues, and reads anything else as no
    /// cursor, never a panic.
    #[test]
    fn emulator_cursors_round_trip_and_junk_is_refused(
        asc in any::<bool>(),
        by_name in any::<bool>(),
        filter in proptest::sample::subsequence(EnforcementStatus::ALL.to_vec(), 0..=4),
        name_key in proptest::option::of(any_text(40)),
        nanos in -1_000_000_000_000_000_000i128..4_000_000_000_000_000_000,
        id in "uprof_[A-Za-z0-9]{1,40}",
        junk in any_text(120),
    ) {
        let position = Position {
            order: if asc { Order::Asc } else { Order::Desc },
            order_by: if by_name { OrderBy::Name } else { OrderBy::CreatedAt },
            filter,
            name_key: name_key.filter(|_| by_name),
            created_at: time::OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap(),
            id,
        };
        let encoded = cursor::encode(&position);
        prop_assert!(PageCursor::parse(&encoded).is_ok(), "{}", encoded);
        prop_assert_eq!(cursor::decode(&encoded), Some(position));
        let _ = cursor::decode(&junk);
    }

    /// The audit log's page cursor accepts what it prints and nothing malformed.
    #[test]
    fn audit_cursors_round_trip(
        at in "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\\.[0-9]{6}Z",
        id in "[0-9a-f]{32}",
        junk in any_text(80),
    ) {
        let cursor = AuditCursor { at, id };
        prop_assert_eq!(AuditCursor::parse(&cursor.encode()).unwrap(), cursor);
        if let Ok(parsed) = AuditCursor::parse(&junk) {
            prop_assert_eq!(parsed.encode(), junk);
        }
    }

    /// The list's place: whatever an address holds is read as a place or refused; a place
    /// printed as an address and read again is the same place, and so is its `?from=`
    /// token but for the cursors behind the current one.
    #[test]
    fn list_locations_read_back_from_their_address_and_token(
        raw in pairs(&["limit", "order", "enforcement", "page", "trail"]),
        cursors in proptest::collection::vec("[A-Za-z0-9_=.-]{1,20}", 0..9),
    ) {
        let mut raw = raw;
        if !cursors.is_empty() && raw.contains_key("trail") {
            raw.insert("trail".into(), cursors.join(","));
        }
        let Ok(place) = ListLocation::from_query(|k| raw.get(k).cloned()) else {
            return Ok(());
        };
        let address = decoded(&place.href());
        let again = ListLocation::from_query(|k| address.get(k).cloned()).unwrap();
        prop_assert_eq!(&again, &place);
        let from = ListLocation::from_token(&place.token()).unwrap();
        prop_assert_eq!(from.current(), place.current());
        prop_assert_eq!(from.page_number(), place.page_number());
        prop_assert_eq!(from.first(), place.first());
    }

    /// A search: any address is read as a search or refused field by field; a search
    /// printed as an address and read again is the same search.
    #[test]
    fn searches_read_back_from_their_address(
        raw in pairs(&[
            "q", "relationship", "access_type", "enforcement", "grant", "program", "reason",
            "created_from", "created_to", "has_key", "sort", "after",
        ])
    ) {
        let Ok(search) = SearchQuery::from_query(|k| raw.get(k).cloned()) else {
            return Ok(());
        };
        let address = decoded(&search.href());
        let again = SearchQuery::from_query(|k| address.get(k).cloned()).unwrap();
        prop_assert_eq!(again, search);
    }

    /// Metadata keys and values are accepted exactly as the contract allows: a key of 1
    /// to 64 characters, a value of up to 512 (not empty on a create; empty deletes in a
    /// patch), no NUL in either; at most 16 pairs on a create.
    #[test]
    fn metadata_is_accepted_exactly_within_the_contract(
        key in prop_oneof![any_text(70), "[a-z]{60,70}"],
        value in prop_oneof![any_text(40), "[a-z]{505,520}", Just(String::new())],
        count in 0usize..20,
    ) {
        let key_ok = (1..=MAX_KEY_CHARS).contains(&chars(&key)) && !key.contains('\0');
        let value_ok = chars(&value) <= MAX_VALUE_CHARS && !value.contains('\0');
        prop_assert_eq!(MetadataKey::parse(&key).is_ok(), key_ok);
        prop_assert_eq!(
            MetadataValue::parse("k", &value).is_ok(),
            value_ok && !value.is_empty()
        );
        prop_assert_eq!(
            MetadataPatch::parse([(key.as_str(), value.as_str())]).is_ok(),
            key_ok && value_ok
        );
        let keys: Vec<String> = (0..count).map(|n| format!("k{n}")).collect();
        let many = Metadata::parse(keys.iter().map(|k| (k.as_str(), "v")));
        prop_assert_eq!(many.is_ok(), count <= MAX_METADATA_KEYS);
    }

    /// GA's external user details are accepted exactly as the contract allows: the listed
    /// choices, a two-letter upper-case country, an RFC 3339 time with an offset, hashes of
    /// 1 to 255 characters without control characters.
    #[test]
    fn external_details_are_accepted_exactly_within_the_contract(
        key in proptest::sample::select(&[
            "account_status", "country", "entity_type", "onboarded_at", "email_hash",
            "name_hash", "reference_id", "other",
        ][..]),
        value in prop_oneof![
            any_text(30),
            "[A-Za-z]{2}",
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](Z|[+-][01][0-9]:[0-5][0-9])?",
            proptest::sample::select(&[
                "active", "suspended", "blocked", "individual", "business", "non_profit",
                "government",
            ][..]).prop_map(str::to_owned),
            "[a-f0-9]{250,260}",
        ],
    ) {
        let allowed = match key {
            "account_status" => ["active", "suspended", "blocked"].contains(&value.as_str()),
            "entity_type" => ["individual", "business", "non_profit", "government"]
                .contains(&value.as_str()),
            "country" => value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()),
            "onboarded_at" => time::OffsetDateTime::parse(
                &value,
                &time::format_description::well_known::Rfc3339,
            ).is_ok(),
            "email_hash" | "name_hash" => (1..=255).contains(&chars(&value))
                && !value.chars().any(char::is_control),
            _ => false,
        };
        prop_assert_eq!(check_detail(key, &value).is_ok(), allowed, "{}={:?}", key, value);
    }

    /// A signed delivery is accepted; any change to its id, timestamp, body or signature
    /// is refused.
    #[test]
    fn webhook_signatures_refuse_any_change(
        key in proptest::collection::vec(any::<u8>(), 1..48),
        id in "whe_[A-Za-z0-9]{1,30}",
        body in proptest::collection::vec(any::<u8>(), 0..300),
        skew in -299i64..299,
        which in 0usize..4,
        at in any::<proptest::sample::Index>(),
        flip in 1u8..=255,
    ) {
        use base64::Engine;
        let now = 1_800_000_000;
        let seconds = now + skew;
        let secrets = Secrets::parse(&format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(&key)
        )).unwrap();
        let signature = sign(&key, &id, seconds, &body);
        let timestamp = seconds.to_string();
        prop_assert!(secrets
            .verify(Some(&id), Some(&timestamp), Some(&signature), &body, now)
            .is_ok());

        let (mut id, mut timestamp, mut signature, mut body) = (id, timestamp, signature, body);
        match which {
            0 => {
                let mut bytes = id.into_bytes();
                let i = at.index(bytes.len());
                bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
                id = String::from_utf8(bytes).unwrap();
            }
            1 => timestamp = (seconds + i64::from(flip % 2) * 2 - 1).to_string(),
            2 => {
                if body.is_empty() {
                    body.push(flip);
                } else {
                    let i = at.index(body.len());
                    body[i] ^= flip;
                }
            }
            _ => {
                // A different, well-formed signature: one bit of the digest flipped.
                let digest = base64::engine::general_purpose::STANDARD
                    .decode(signature.trim_start_matches("v1,"))
                    .unwrap();
                let mut digest = digest;
                let i = at.index(digest.len());
                digest[i] ^= flip;
                signature = format!(
                    "v1,{}",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                );
            }
        }
        prop_assert!(secrets
            .verify(Some(&id), Some(&timestamp), Some(&signature), &body, now)
            .is_err());
    }
}

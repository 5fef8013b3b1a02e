//! Sample data for a first start: 150 profiles by default (`--seed N` for more, up to
//! millions for the benchmark) that look like a real platform's, and that exercise
//! everything the console must show: every relationship, 0 to 16 metadata keys, long and
//! non-ASCII values, and trust grant `cyber` in every status and absent. Deterministic, so
//! that tests and screenshots see the same data every time, and generated one at a time,
//! so that a million never sit in memory together.

use super::ids;
use crate::profiles::model::{
    GrantStatus, Lenient, Profile, ProfileId, Relationship, TrustGrant, MAX_KEY_CHARS,
    MAX_METADATA_KEYS, MAX_VALUE_CHARS,
};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use time::macros::datetime;
use time::Duration;

/// How many profiles a first start seeds unless told otherwise.
pub const SEED_COUNT: usize = 150;

const PEOPLE: &[&str] = &[
    "Amelia Hart",
    "José Álvarez",
    "Zoë Brennan",
    "李伟",
    "Мария Иванова",
    "Åsa Lindqvist",
    "Nguyễn Văn An",
    "Søren Kierkegaard-Holm",
    "Ólafur Arnalds",
    "Priya Raman",
    "Kwame Mensah",
    "Fatima Zahra El Idrissi",
    "Hiroshi Tanaka",
    "Chloé Dubois",
    "Mateus Oliveira",
    "Aoife Ní Bhriain",
    "Jürgen Weiß",
    "Elif Şahin",
    "Dr. Samuel O'Connor",
    "Ananya Iyer",
    "Łukasz Wójcik",
    "Noa Ben-David",
    "Camila Rojas",
    "Ingrid Bergström",
    "Tomás Ó Briain",
    "김민준",
    "Olumide Adeyemi",
    "Sofía Martínez García",
    "Ethan Walker",
    "Yara Haddad",
];

const COMPANIES: &[&str] = &[
    "Acme Analytics GmbH",
    "Northwind Health",
    "Blue Fjord AS",
    "Sakura Robotics 株式会社",
    "Contoso Legal LLP",
    "Pampas Agritech S.A.",
    "Helios Energy Ltd",
    "Kraków Data Sp. z o.o.",
    "Café Olé Franchising SARL",
    "Lagos Fintech Hub",
    "Umbrella Learning Inc.",
    "Vega Security Oy",
    "Mumbai Mobility Pvt Ltd",
    "Tiller & Rowe",
    "Rhine Logistics AG",
];

const INTERNAL: &[&str] = &[
    "Internal: evaluation harness",
    "Internal: support copilot",
    "Internal: docs search",
    "Internal: batch summarisation",
];

const PLANS: &[&str] = &["free", "pro", "team", "enterprise"];
const REGIONS: &[&str] = &["eu-west", "us-east", "ap-northeast", "sa-east", "af-south"];
const LOCALES: &[&str] = &[
    "en-GB", "fr-FR", "de-DE", "ja-JP", "pt-BR", "zh-CN", "ru-RU", "ar-EG",
];
const SOURCES: &[&str] = &["web", "ios", "android", "partner-api", "sales"];
const NOTES: &[&str] = &[
    "Asked for an invoice in EUR.",
    "Prefers contact by e-mail; do not call.",
    "Verified via government ID on onboarding.",
    "Escalated twice about rate limits — see ticket history.",
    "Très satisfait du service, souhaite un contrat annuel.",
    "担当者は月末に連絡を希望しています。",
    "Просит выставлять счета в рублях.",
    "Security research team; expects cyber program enrollment.",
];

/// A long free-text value near the 512-character limit, with non-ASCII characters.
fn long_note(rng: &mut StdRng, len: usize) -> String {
    let words = [
        "onboarding",
        "review",
        "résumé",
        "naïve",
        "façade",
        "Zürich",
        "東京",
        "данные",
        "compliance",
        "renewal",
        "quota",
        "escalation",
        "München",
        "São Paulo",
    ];
    let mut text = String::new();
    while text.chars().count() < len {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(words.choose(rng).expect("non-empty"));
    }
    text.chars().take(len).collect()
}

fn metadata(rng: &mut StdRng, index: usize) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let count = match index {
        0 => MAX_METADATA_KEYS,
        3 => 0,
        _ => rng.random_range(0..=7usize) + rng.random_range(0..=4usize),
    };
    let mut candidates: Vec<(String, String)> = vec![
        (
            "plan".into(),
            PLANS.choose(rng).expect("non-empty").to_string(),
        ),
        (
            "region".into(),
            REGIONS.choose(rng).expect("non-empty").to_string(),
        ),
        (
            "locale".into(),
            LOCALES.choose(rng).expect("non-empty").to_string(),
        ),
        (
            "signup_source".into(),
            SOURCES.choose(rng).expect("non-empty").to_string(),
        ),
        (
            "crm_id".into(),
            format!("CRM-{:06}", rng.random_range(1..999_999)),
        ),
        ("seats".into(), rng.random_range(1..500).to_string()),
        (
            "support_tier".into(),
            ["standard", "priority", "premium"]
                .choose(rng)
                .expect("non-empty")
                .to_string(),
        ),
        (
            "note".into(),
            NOTES.choose(rng).expect("non-empty").to_string(),
        ),
        (
            "billing_country".into(),
            ["DE", "FR", "JP", "BR", "US", "NG", "IN"]
                .choose(rng)
                .expect("non-empty")
                .to_string(),
        ),
        (
            "account_manager".into(),
            ["r.okafor", "m.silva", "k.sato", "a.novak"]
                .choose(rng)
                .expect("non-empty")
                .to_string(),
        ),
        ("risk_score".into(), format!("{:.2}", rng.random::<f64>())),
        (
            "contract_ref".into(),
            format!(
                "C-{}-{:04}",
                2024 + rng.random_range(0..3),
                rng.random_range(1..9999)
            ),
        ),
        (
            "marketing_opt_in".into(),
            ["true", "false"]
                .choose(rng)
                .expect("non-empty")
                .to_string(),
        ),
        (
            "timezone".into(),
            [
                "Europe/Berlin",
                "America/New_York",
                "Asia/Tokyo",
                "Africa/Lagos",
            ]
            .choose(rng)
            .expect("non-empty")
            .to_string(),
        ),
        ("history".into(), long_note(rng, 120)),
        (
            "referrer".into(),
            "https://example.com/partners?ref=spring-campaign".into(),
        ),
        ("extra_notes".into(), long_note(rng, 300)),
    ];
    if index == 1 {
        candidates.insert(
            0,
            ("compliance_notes".into(), long_note(rng, MAX_VALUE_CHARS)),
        );
    }
    if index == 2 {
        let key = format!(
            "{:_<width$}",
            "legacy_crm_account_identifier",
            width = MAX_KEY_CHARS
        );
        candidates.insert(0, (key, "SF-0001-ÆØÅ".into()));
    }
    for (k, v) in candidates
        .into_iter()
        .take(count.max(usize::from(index == 1 || index == 2)))
    {
        m.insert(k, v);
    }
    m
}

fn cyber(rng: &mut StdRng, index: usize) -> BTreeMap<String, TrustGrant> {
    let status = match index % 20 {
        0..=3 => Some(GrantStatus::Active),
        4..=6 => Some(GrantStatus::Pending),
        7 | 8 => Some(GrantStatus::Rejected),
        _ if rng.random_bool(0.1) => Some(GrantStatus::Active),
        _ => None,
    };
    status
        .map(|s| {
            BTreeMap::from([(
                "cyber".to_string(),
                TrustGrant {
                    status: Lenient::Known(s),
                },
            )])
        })
        .unwrap_or_default()
}

/// `count` sample profiles, oldest first, all created between late March and late November
/// 2026: the more there are, the closer together (the default 150 are hours to days apart).
pub fn profiles(count: usize) -> impl Iterator<Item = Profile> {
    let mut rng = StdRng::seed_from_u64(0x5eed_2026_0324);
    let mut created = datetime!(2026-03-24 09:00:00 UTC);
    let density = i64::try_from(count.max(1)).unwrap_or(i64::MAX);
    let default = i64::try_from(SEED_COUNT).expect("small");
    (0..count).map(move |index| {
        let step = rng.random_range(60..(3 * 24 * 60)) * 60_000 + rng.random_range(0..1000);
        created += Duration::milliseconds((step * default / density).max(1));
        let relationship = match index % 7 {
            0..=3 => Relationship::External,
            4 | 5 => Relationship::Resold,
            _ => Relationship::Internal,
        };
        let name = match relationship {
            Relationship::Resold => {
                Some(COMPANIES.choose(&mut rng).expect("non-empty").to_string())
            }
            Relationship::Internal => INTERNAL
                .choose(&mut rng)
                .map(|s| s.to_string())
                .filter(|_| rng.random_bool(0.7)),
            Relationship::External => PEOPLE
                .choose(&mut rng)
                .map(|s| s.to_string())
                .filter(|_| rng.random_bool(0.85)),
        };
        let external_id = match relationship {
            Relationship::Internal => None,
            Relationship::Resold => Some(format!("org_{:05}", rng.random_range(1..99_999))),
            Relationship::External if rng.random_bool(0.9) => {
                Some(format!("user_{}", rng.random_range(10_000..999_999)))
            }
            Relationship::External => None,
        };
        let updated = if rng.random_bool(0.4) {
            created
        } else {
            created + Duration::minutes(rng.random_range(1..(6 * 24 * 60)))
        };
        Profile {
            id: ProfileId::parse(&ids::profile_id(&mut rng)).expect("generated ids are valid"),
            created_at: created,
            updated_at: updated,
            external_id,
            name,
            relationship: Lenient::Known(relationship),
            metadata: metadata(&mut rng, index),
            trust_grants: cyber(&mut rng, index),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::Metadata;
    use std::collections::HashSet;

    #[test]
    fn seeds_are_deterministic_valid_and_varied() {
        let profiles: Vec<_> = profiles(SEED_COUNT).collect();
        assert_eq!(
            profiles,
            super::profiles(SEED_COUNT).collect::<Vec<_>>(),
            "deterministic"
        );
        assert_eq!(profiles.len(), SEED_COUNT);

        let ids: HashSet<_> = profiles.iter().map(|p| p.id.clone()).collect();
        assert_eq!(ids.len(), SEED_COUNT, "unique ids");

        for p in &profiles {
            let pairs = p.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            let errors = Metadata::parse(pairs).err().unwrap_or_default();
            assert!(errors.is_empty(), "{}: {errors:?}", p.id);
            if p.relationship == Lenient::Known(Relationship::Resold) {
                assert!(p.name.is_some(), "resold profiles are named");
            }
            assert!(p.updated_at >= p.created_at);
        }
        for r in Relationship::ALL {
            assert!(
                profiles.iter().any(|p| p.relationship == Lenient::Known(r)),
                "{r:?}"
            );
        }
        for s in GrantStatus::ALL {
            assert!(profiles.iter().any(
                |p| p.trust_grants.get("cyber").map(|g| &g.status) == Some(&Lenient::Known(s))
            ));
        }
        assert!(profiles.iter().any(|p| p.trust_grants.is_empty()));
        let sizes: HashSet<_> = profiles.iter().map(|p| p.metadata.len()).collect();
        assert!(sizes.contains(&0) && sizes.contains(&MAX_METADATA_KEYS));
        let values = || profiles.iter().flat_map(|p| p.metadata.iter());
        assert!(values().any(|(_, v)| v.chars().count() == MAX_VALUE_CHARS));
        assert!(values().any(|(k, _)| k.chars().count() == MAX_KEY_CHARS));
        assert!(values().any(|(_, v)| !v.is_ascii()));
        assert!(profiles
            .iter()
            .any(|p| p.name.as_deref().is_some_and(|n| !n.is_ascii())));
        assert!(profiles.iter().any(|p| p.name.is_none()));
    }

    #[test]
    fn seeds_of_any_size_are_in_the_past_and_in_creation_order() {
        for count in [SEED_COUNT, 20_000] {
            let mut previous = None;
            let mut last = None;
            for p in profiles(count) {
                assert!(
                    previous < Some(p.created_at),
                    "{count}: strictly increasing"
                );
                previous = Some(p.created_at);
                last = Some(p);
            }
            let last = last.unwrap().created_at;
            assert!(last < datetime!(2026-11-24 00:00 UTC), "{count}: {last}");
            assert!(
                last > datetime!(2026-09-01 00:00 UTC),
                "{count}: spread over months"
            );
        }
    }

    #[test]
    fn a_larger_seed_keeps_the_variety() {
        let many: Vec<_> = profiles(5_000).collect();
        let unique: HashSet<_> = many.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(unique.len(), many.len());
        for s in GrantStatus::ALL {
            assert!(many.iter().any(
                |p| p.trust_grants.get("cyber").map(|g| &g.status) == Some(&Lenient::Known(s))
            ));
        }
    }
}

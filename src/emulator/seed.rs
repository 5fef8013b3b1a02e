//! Sample data for a first start: 150 profiles by default (`--seed N` for more, up to
//! millions for the benchmark) that look like a real platform's, and that exercise
//! everything the console must show: every relationship, 0 to 16 metadata keys, long and
//! non-ASCII values, and trust grant `cyber` in every status and absent. On top of that
//! 03-24 picture, [`records`] adds what GA shows: external user details, cyber tiers and
//! requirements, EFS and its features, and enforcement actions of every kind, reason and
//! status. Deterministic, so that tests and screenshots see the same data every time,
//! and generated one at a time, so that a million never sit in memory together.

use super::ids;
use super::record::{
    AccountStatus, Action, ActionKind, Cyber, Efs, EntityType, ProgramStatus, Reason, Record,
    Requirements, Switch, CYBER_TIERS, EFS_FEATURES,
};
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
            beta_external_id: external_id,
            name,
            relationship: Some(Lenient::Known(relationship)),
            access_type: None,
            external_user_details: None,
            metadata: metadata(&mut rng, index),
            trust_grants: cyber(&mut rng, index),
            programs: None,
            enforcement_status: None,
            enforcement_actions: None,
        }
    })
}

/// The sample profiles as the emulator stores them: [`profiles`], each with its GA data.
pub fn records(count: usize) -> impl Iterator<Item = Record> {
    profiles(count).enumerate().map(|(index, profile)| {
        let json = serde_json::to_value(&profile).expect("profiles serialize");
        let record: Record = serde_json::from_value(json).expect("a 03-24 profile is a record");
        with_ga_data(record, index)
    })
}

const COUNTRIES: &[&str] = &["US", "DE", "JP", "BR", "NG", "IN", "FR", "GB", "KR"];

/// Adds the GA-only data to a record from the 03-24 picture, from a generator of its own
/// (so the 03-24 data stays as it was). The cycles below are chosen so that the first
/// 150 profiles hold every program status, tier state, EFS feature state, enforcement
/// status, action kind, reason and "verify" choice.
fn with_ga_data(mut record: Record, index: usize) -> Record {
    let mut rng = StdRng::seed_from_u64(0x6a_2026_1020 ^ index as u64);
    let hex = |rng: &mut StdRng| -> String {
        (0..32)
            .map(|_| format!("{:02x}", rng.random::<u8>()))
            .collect()
    };
    let d = &mut record.details;
    if index % 5 != 3 {
        d.account_status = Some(match index % 11 {
            4 => AccountStatus::Suspended,
            9 => AccountStatus::Blocked,
            _ => AccountStatus::Active,
        });
        d.country = COUNTRIES.choose(&mut rng).map(|c| c.to_string());
        d.email_hash = Some(hex(&mut rng));
        d.name_hash = record.name.as_ref().map(|_| hex(&mut rng));
        d.entity_type = Some(match (record.access_type, index % 3) {
            (crate::profiles::model::AccessType::Application, _) => EntityType::Individual,
            (_, 0) => EntityType::Business,
            (_, 1) => EntityType::NonProfit,
            _ => EntityType::Government,
        });
        d.onboarded_at = Some(record.created_at - Duration::days(rng.random_range(1..2_000)));
    }
    if let Some(cyber) = record.programs.cyber.as_mut() {
        *cyber = cyber_program(cyber.status, index);
    }
    if index % 6 == 1 {
        let status = [
            ProgramStatus::Active,
            ProgramStatus::Pending,
            ProgramStatus::Rejected,
        ][(index / 6) % 3];
        let features = EFS_FEATURES
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let on = status == ProgramStatus::Active && (index / 6 + i).is_multiple_of(2);
                (
                    f.to_string(),
                    if on { Switch::Active } else { Switch::Inactive },
                )
            })
            .collect();
        record.programs.efs = Some(Efs { status, features });
    }
    record.actions = actions(&record, index, &mut rng);
    record
}

/// A cyber program of `status`: an active one has some tiers on, or none ("earlier
/// models" only); others have every tier off.
fn cyber_program(status: ProgramStatus, index: usize) -> Cyber {
    let active_tiers: &[&str] = match (status, index % 4) {
        (ProgramStatus::Active, 0) => &[],
        (ProgramStatus::Active, 1) => &["a"],
        (ProgramStatus::Active, 2) => &["b", "c"],
        (ProgramStatus::Active, _) => &["a", "b", "c"],
        _ => &[],
    };
    let tiers = if status == ProgramStatus::Active && index % 8 == 4 {
        BTreeMap::new()
    } else {
        CYBER_TIERS
            .iter()
            .map(|t| {
                let on = active_tiers.contains(t);
                (
                    t.to_string(),
                    if on { Switch::Active } else { Switch::Inactive },
                )
            })
            .collect()
    };
    let requirements = (!active_tiers.is_empty()).then_some(Requirements {
        data_retention: active_tiers.contains(&"b"),
        human_review: active_tiers.contains(&"c"),
    });
    Cyber {
        status,
        tiers,
        requirements,
    }
}

const REASONS: [Reason; 6] = [
    Reason::UnsupportedRegion,
    Reason::FraudOrAbuse,
    Reason::HighHarm,
    Reason::UsagePolicyViolation,
    Reason::AccountCompromise,
    Reason::Unspecified,
];

/// Every ninth profile is restricted in some way (a quarter of those with an identity
/// check under review, so "pending"), every 37th banned.
fn actions(record: &Record, index: usize, rng: &mut StdRng) -> Vec<Action> {
    let opened = record.updated_at;
    let mut out = Vec::new();
    if index % 9 == 5 {
        let reason = REASONS[(index / 9) % REASONS.len()];
        let verify = reason != Reason::AccountCompromise && (index / 9).is_multiple_of(2);
        out.push(Action {
            id: ids::action_id(rng),
            kind: ActionKind::Restriction,
            reason,
            verify,
            check_submitted: verify && (index / 9).is_multiple_of(4),
            opened_at: opened,
            // Some end, far enough ahead that the sample data does not change by itself.
            expires_at: (reason != Reason::AccountCompromise && (index / 9) % 3 == 1)
                .then(|| opened + Duration::days(3_650)),
        });
    }
    if index % 37 == 20 {
        out.push(Action {
            id: ids::action_id(rng),
            kind: ActionKind::Ban,
            reason: REASONS[(index / 37) % REASONS.len()],
            verify: false,
            check_submitted: false,
            opened_at: opened,
            expires_at: None,
        });
    }
    out
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
            if p.relationship == Some(Lenient::Known(Relationship::Resold)) {
                assert!(p.name.is_some(), "resold profiles are named");
            }
            assert!(p.updated_at >= p.created_at);
        }
        for r in Relationship::ALL {
            assert!(
                profiles
                    .iter()
                    .any(|p| p.relationship == Some(Lenient::Known(r))),
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
    fn the_ga_sample_holds_every_status_tier_feature_and_action() {
        use crate::profiles::model::EnforcementStatus;
        let records: Vec<Record> = records(SEED_COUNT).collect();
        let now = datetime!(2026-11-30 00:00 UTC);
        // The 03-24 picture is unchanged by the GA data.
        for (record, profile) in records.iter().zip(profiles(SEED_COUNT)) {
            assert_eq!(record.id, profile.id.as_str());
            assert_eq!(
                record.details.reference_id.as_deref(),
                profile.external_id()
            );
            assert_eq!(record.name, profile.name);
        }
        let cybers = || records.iter().filter_map(|r| r.programs.cyber.as_ref());
        let efs = || records.iter().filter_map(|r| r.programs.efs.as_ref());
        let actions = || records.iter().flat_map(|r| &r.actions);
        for status in [
            ProgramStatus::Active,
            ProgramStatus::Pending,
            ProgramStatus::Rejected,
        ] {
            assert!(cybers().any(|c| c.status == status), "cyber {status:?}");
            assert!(efs().any(|e| e.status == status), "efs {status:?}");
        }
        for tier in CYBER_TIERS {
            for state in [Switch::Active, Switch::Inactive] {
                assert!(
                    cybers().any(|c| c.tiers.get(tier) == Some(&state)),
                    "{tier} {state:?}"
                );
            }
        }
        assert!(cybers().any(|c| c.status == ProgramStatus::Active && c.tiers.is_empty()));
        assert!(cybers().any(|c| c.status == ProgramStatus::Active
            && c.tiers.values().all(|t| *t == Switch::Inactive)
            && !c.tiers.is_empty()));
        assert!(cybers().any(|c| c.requirements.is_some()));
        for feature in EFS_FEATURES {
            for state in [Switch::Active, Switch::Inactive] {
                assert!(
                    efs().any(|e| e.features.get(feature) == Some(&state)),
                    "{feature} {state:?}"
                );
            }
        }
        for status in EnforcementStatus::ALL {
            assert!(
                records.iter().any(|r| r.enforcement_status(now) == status),
                "{status:?}"
            );
        }
        for kind in [ActionKind::Restriction, ActionKind::Ban] {
            assert!(actions().any(|a| a.kind == kind), "{kind:?}");
        }
        for reason in REASONS {
            assert!(actions().any(|a| a.reason == reason), "{reason:?}");
        }
        assert!(actions().any(|a| a.verify) && actions().any(|a| !a.verify));
        assert!(actions().any(|a| a.expires_at.is_some()));
        for status in [
            AccountStatus::Active,
            AccountStatus::Suspended,
            AccountStatus::Blocked,
        ] {
            assert!(records
                .iter()
                .any(|r| r.details.account_status == Some(status)));
        }
        assert!(records
            .iter()
            .any(|r| r.details == Default::default() || r.details.account_status.is_none()));
        for entity in [
            EntityType::Individual,
            EntityType::Business,
            EntityType::NonProfit,
            EntityType::Government,
        ] {
            assert!(
                records
                    .iter()
                    .any(|r| r.details.entity_type == Some(entity)),
                "{entity:?}"
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

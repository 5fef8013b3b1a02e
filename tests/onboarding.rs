//! Onboarding in bulk against an index on SQLite and PostgreSQL: the dry run of an import
//! file, each row's outcome as running it would have it.

mod common;

use common::TestDatabase;
use profiles_admin::index::received::How;
use profiles_admin::index::{Index, Received};
use profiles_admin::onboarding::columns::columns;
use profiles_admin::onboarding::file::CsvFile;
use profiles_admin::onboarding::plan::{self, Counts, Outcome, Planned, BATCH};
use profiles_admin::profiles::model::{ApiVersion, Profile};
use serde_json::json;
use std::collections::BTreeMap;

fn profile(id: &str, external_id: &str, name: &str, metadata: serde_json::Value) -> Profile {
    serde_json::from_value(json!({
        "id": id, "created_at": "2026-03-15T10:00:00Z", "updated_at": "2026-03-15T10:00:00Z",
        "external_id": external_id, "name": name, "relationship": "external",
        "trust_grants": {}, "metadata": metadata
    }))
    .unwrap()
}

async fn indexed(db: &TestDatabase, profiles: &[Profile]) -> Index {
    let index = Index::open(&db.db).await.unwrap();
    let received: Vec<Received> = profiles
        .iter()
        .map(|p| Received::from_profile(p, How::Walk))
        .collect();
    index.upsert(&received).await.unwrap();
    index
}

async fn dry_run(index: &Index, text: &str) -> (Counts, Vec<Planned>) {
    let mut file = CsvFile::open(text.as_bytes()).unwrap();
    let version = ApiVersion::Beta20260324;
    let columns = columns(file.header(), version, &BTreeMap::new()).unwrap();
    let mut rows = Vec::new();
    let counts = plan::dry_run(&mut file, &columns, version, index, |p| {
        rows.push(p.clone())
    })
    .await
    .unwrap();
    (counts, rows)
}

fn errors(planned: &Planned) -> Vec<(String, String)> {
    match &planned.outcome {
        Outcome::Error(errors) => errors
            .iter()
            .map(|e| (e.column.clone(), e.message.clone()))
            .collect(),
        other => panic!("line {} is {other:?}, not an error", planned.line),
    }
}

#[tokio::test]
async fn every_row_gets_its_outcome_and_bad_rows_do_not_stop_the_run() {
    for db in TestDatabase::both().await {
        let index = indexed(
            &db,
            &[
                profile("uprof_Same", "acme-1", "Acme", json!({"plan": "pro"})),
                profile("uprof_Old", "acme-2", "Old name", json!({"plan": "pro"})),
                profile("uprof_twinA", "twin", "A", json!({})),
                profile("uprof_twinB", "twin", "B", json!({})),
                profile(
                    "uprof_Full",
                    "full",
                    "Full",
                    json!({
                        "k1": "v", "k2": "v", "k3": "v", "k4": "v", "k5": "v", "k6": "v", "k7": "v",
                        "k8": "v", "k9": "v", "k10": "v", "k11": "v", "k12": "v", "k13": "v",
                        "k14": "v", "k15": "v", "k16": "v"
                    }),
                ),
            ],
        )
        .await;
        let long = "x".repeat(600);
        let file = format!(
            "External ID,Name,relationship,metadata.plan\n\
             acme-1,Acme,,pro\n\
             acme-2,New name,,\n\
             new-1,\"Zoë, new\",resold,=1+1\n\
             new-1,Again,,\n\
             twin,Which,,\n\
             new-2,,resold,\n\
             new-3,Bad,partner,{long}\n\
             ,No id,,\n\
             new-4,short\n\
             full,,,more\n"
        );
        let (counts, rows) = dry_run(&index, &file).await;
        assert_eq!(
            counts,
            Counts {
                create: 1,
                update: 1,
                unchanged: 1,
                error: 7
            }
        );
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, (2..=11).collect::<Vec<u64>>(), "every row, in order");

        assert_eq!(
            rows[0].outcome,
            Outcome::Unchanged {
                id: "uprof_Same".into()
            }
        );
        let Outcome::Update { id, changes } = &rows[1].outcome else {
            panic!("{:?}", rows[1]);
        };
        assert_eq!(id, "uprof_Old");
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(
            (
                changes[0].field.as_str(),
                changes[0].old.as_deref(),
                changes[0].new.as_deref()
            ),
            ("name", Some("Old name"), Some("New name"))
        );
        let Outcome::Create(asked) = &rows[2].outcome else {
            panic!("{:?}", rows[2]);
        };
        assert!(asked
            .iter()
            .any(|c| c.field == "metadata.plan" && c.new.as_deref() == Some("=1+1")));
        assert!(asked
            .iter()
            .any(|c| c.field == "relationship" && c.new.as_deref() == Some("resold")));

        assert_eq!(
            errors(&rows[3]),
            [(
                "External ID".into(),
                "repeats the external id of line 4: one row per profile".into()
            )]
        );
        let twin = errors(&rows[4]);
        assert!(
            twin[0]
                .1
                .starts_with("is held by 2 profiles (uprof_twinA, uprof_twinB)"),
            "{twin:?}"
        );
        assert_eq!(
            errors(&rows[5]),
            [(
                "Name".into(),
                "is required when relationship is \"resold\"".into()
            )]
        );
        let bad = errors(&rows[6]);
        assert_eq!(bad.len(), 2, "both of the row's problems: {bad:?}");
        assert_eq!(bad[0].0, "relationship");
        assert_eq!(bad[1].0, "metadata.plan");
        assert!(errors(&rows[7])[0]
            .1
            .starts_with("is empty: every row needs an external id"));
        assert_eq!(
            errors(&rows[8]),
            [("(row)".into(), "has 2 cells where the header has 4".into())]
        );
        let full = errors(&rows[9]);
        assert_eq!(full[0].0, "metadata");
        assert!(full[0].1.contains("at most 16 keys"), "{full:?}");
    }
}

#[tokio::test]
async fn ids_are_matched_across_batches_and_repeats_found_however_far_apart() {
    for db in TestDatabase::both().await {
        let held: Vec<Profile> = (0..BATCH + 10)
            .step_by(7)
            .map(|n| {
                profile(
                    &format!("uprof_{n:05}"),
                    &format!("c-{n}"),
                    "Held",
                    json!({}),
                )
            })
            .collect();
        let index = indexed(&db, &held).await;
        let mut file = String::from("external_id,name\n");
        for n in 0..BATCH + 10 {
            file.push_str(&format!("c-{n},Held\n"));
        }
        file.push_str("c-3,Again\n");
        let (counts, rows) = dry_run(&index, &file).await;
        assert_eq!(counts.unchanged as usize, held.len());
        assert_eq!(counts.create as usize, BATCH + 10 - held.len());
        assert_eq!(counts.error, 1);
        let last = rows.last().unwrap();
        assert_eq!(last.line as usize, BATCH + 12);
        assert_eq!(
            errors(last)[0].1,
            "repeats the external id of line 5: one row per profile"
        );
    }
}

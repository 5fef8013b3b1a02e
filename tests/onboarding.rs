//! Onboarding in bulk against an index on SQLite and PostgreSQL: the dry run of an import
//! file, each row's outcome as running it would have it.

mod common;

use common::{run_binary, TestDatabase};
use profiles_admin::auth::Role;
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
    dry_run_as(Role::Admin, index, text).await
}

async fn dry_run_as(role: Role, index: &Index, text: &str) -> (Counts, Vec<Planned>) {
    let mut file = CsvFile::open(text.as_bytes()).unwrap();
    let version = ApiVersion::Beta20260324;
    let columns = columns(file.header(), version, &BTreeMap::new()).unwrap();
    let mut rows = Vec::new();
    let counts = plan::dry_run(&mut file, &columns, version, role, index, |p| {
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

#[tokio::test]
async fn an_editor_may_not_set_a_relationship_but_may_repeat_one() {
    for db in TestDatabase::both().await {
        let index = indexed(
            &db,
            &[profile(
                "uprof_Held",
                "held",
                "Held",
                json!({"plan": "pro"}),
            )],
        )
        .await;
        let file = "external_id,name,relationship,metadata.plan\n\
                    held,Held,external,pro\n\
                    held-2,New,resold,\n\
                    held-3,New,external,\n";
        let (counts, rows) = dry_run_as(Role::Editor, &index, file).await;
        assert_eq!(
            rows[0].outcome,
            Outcome::Unchanged {
                id: "uprof_Held".into()
            }
        );
        assert_eq!(
            errors(&rows[1]),
            [(
                "relationship".into(),
                "the editor role may not set a profile's relationship; leave the column empty or ask an admin".into()
            )]
        );
        assert!(
            matches!(rows[2].outcome, Outcome::Create(_)),
            "the default needs no admin"
        );
        assert_eq!((counts.unchanged, counts.error, counts.create), (1, 1, 1));
        let (counts, _) = dry_run_as(Role::Admin, &index, file).await;
        assert_eq!((counts.unchanged, counts.error, counts.create), (1, 0, 2));
    }
}

/// Runs the real binary on `data` with `args` (the console speaking the 2026-03-24 beta,
/// on SQLite, without a key); its exit status, standard output and standard error.
fn binary(data: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = run_binary(
        data,
        &[
            ("PROFILES_API_VERSION", "2026-03-24"),
            ("DATABASE_URL", ""),
            ("ANTHROPIC_API_KEY", ""),
        ],
        args,
        stdin,
    );
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_import_command_checks_a_file_against_the_consoles_own_index() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = "a password for tests\n";
    for (name, role) in [("lead", "editor"), ("watcher", "viewer")] {
        let (status, _, err) = binary(&data, &["user", "add", name, "--role", role], password);
        assert_eq!(status, 0, "{err}");
    }
    let db =
        profiles_admin::db::Database::open(&profiles_admin::db::Location::Sqlite(data.clone()))
            .await
            .unwrap();
    let index = Index::open(&db).await.unwrap();
    index
        .upsert(&[Received::from_profile(
            &profile("uprof_Held", "held", "Old", json!({})),
            How::Walk,
        )])
        .await
        .unwrap();

    let file = dir.path().join("customers.csv");
    std::fs::write(
        &file,
        "Customer;name;metadata.seats\nheld;New;3\nnew-1;=HYPERLINK(\"x\");\"1,5\"\nnew-1;Twice;\n",
    )
    .unwrap();
    let report = dir.path().join("report.csv");
    let path = file.to_str().unwrap();
    let (status, out, err) = binary(
        &data,
        &[
            "import",
            path,
            "--as",
            "lead",
            "--dry-run",
            "--map",
            "Customer=external_id",
            "--report",
            report.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(status, 1, "a row in error: {err}");
    assert_eq!(
        out.lines().count(),
        1,
        "standard output holds the result only: {out}"
    );
    let last: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        last,
        json!({"dry_run": true, "rows": 3, "create": 1, "update": 1, "unchanged": 0, "error": 1})
    );
    assert!(
        err.contains("line 4: Customer: repeats the external id of line 3"),
        "{err}"
    );
    let mut reader = csv::Reader::from_path(&report).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][2], "update");
    assert_eq!(&rows[0][3], "uprof_Held");
    assert_eq!(
        &rows[0][4],
        "name: Old → New\nmetadata.seats: (not set) → 3"
    );
    assert_eq!(&rows[1][2], "create");
    assert!(
        rows[1][4].contains("name: (not set) → =HYPERLINK(\"x\")") && !rows[1][4].starts_with('='),
        "a formula stays text inside a cell that starts with its field: {:?}",
        &rows[1][4]
    );

    // Unrecognised columns, a viewer, and no --dry-run are refused before any row.
    let (status, _, err) = binary(&data, &["import", path, "--as", "lead", "--dry-run"], "");
    assert_eq!(status, 2);
    assert!(
        err.contains("column \"Customer\" is not a field of the 2026-03-24 API"),
        "{err}"
    );
    let (status, _, err) = binary(
        &data,
        &[
            "import",
            path,
            "--as",
            "watcher",
            "--dry-run",
            "--map",
            "Customer=external_id",
        ],
        "",
    );
    assert_eq!(status, 2);
    assert!(
        err.contains("the viewer role may not create or edit profiles"),
        "{err}"
    );
    let (status, _, err) = binary(&data, &["import", path, "--as", "lead"], "");
    assert_eq!(status, 2);
    assert!(err.contains("--dry-run"), "{err}");
}

//! Onboarding in bulk against an index on SQLite and PostgreSQL: the dry run of an import
//! file, each row's outcome as running it would have it.

mod common;

use common::{run_binary, TestDatabase, TestEmulator};
use profiles_admin::auth::Role;
use profiles_admin::index::received::How;
use profiles_admin::index::{Index, Received};
use profiles_admin::onboarding::columns::columns;
use profiles_admin::onboarding::file::CsvFile;
use profiles_admin::onboarding::job::{Budget, Job, Jobs, RowState, State};
use profiles_admin::onboarding::plan::{Check, Counts, Outcome, Planned, BATCH};
use profiles_admin::onboarding::run::{Ended, Runner};
use profiles_admin::profiles::model::{ApiVersion, Profile};
use serde_json::json;
use sqlx::Row as _;
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
    let mut check = Check::new(&mut file, &columns, version, role);
    while let Some(batch) = check.next_batch(index).await.unwrap() {
        rows.extend(batch);
    }
    (check.counts(), rows)
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
        let Outcome::Update { id, changes, .. } = &rows[1].outcome else {
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
        let Outcome::Create { changes: asked, .. } = &rows[2].outcome else {
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
            matches!(rows[2].outcome, Outcome::Create { .. }),
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
            ("PROFILES_EMULATOR_SEED", "0"),
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
    let mut last: serde_json::Value = serde_json::from_str(&out).unwrap();
    let checked_job = last["job"].take();
    assert!(checked_job.as_str().unwrap().starts_with("job_"), "{out}");
    assert_eq!(
        last,
        json!({"job": null, "dry_run": true, "rows": 3, "create": 1, "update": 1, "unchanged": 0, "error": 1})
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

    // Unrecognised columns and a viewer are refused before any row.
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
    // The run goes on from the dry run's job: the same file, the same account.
    let links = dir.path().join("links.csv");
    let (status, out, err) = binary(
        &data,
        &[
            "import",
            path,
            "--as",
            "lead",
            "--map",
            "Customer=external_id",
            "--links",
            links.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(status, 1, "a row in error, and one failed: {err} {out}");
    assert!(
        err.contains(&format!("resuming {}", checked_job.as_str().unwrap())),
        "{err}"
    );
    assert!(
        err.contains("line 2: failed: "),
        "the profile the index held is not in this emulator: {err}"
    );
    let last: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(last["job"], checked_job);
    assert_eq!(
        (
            &last["created"],
            &last["updated"],
            &last["failed"],
            &last["error"],
            &last["links"]
        ),
        (&json!(1), &json!(0), &json!(1), &json!(1), &json!(1)),
        "{out}"
    );
    let mut reader = csv::Reader::from_path(&links).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["id", "external_id", "name", "link", "expires_at"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][1], "new-1");
    assert!(rows[0][3].starts_with("https://"), "{:?}", &rows[0]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&links).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "links are readable by their owner alone");
    }
    assert!(!err.contains(&rows[0][3]), "a link is never printed: {err}");
}

/// A job of `text` checked against `index` (a file of the 2026-03-24 beta, by an admin).
async fn checked(db: &TestDatabase, index: &Index, text: &str) -> Job {
    let jobs = Jobs::new(&db.db);
    let version = ApiVersion::Beta20260324;
    let job = jobs
        .create("sha", "customers.csv", "lead", Role::Admin, version)
        .await
        .unwrap();
    let mut file = CsvFile::open(text.as_bytes()).unwrap();
    let columns = columns(file.header(), version, &BTreeMap::new()).unwrap();
    let mut check = Check::new(&mut file, &columns, version, Role::Admin);
    while let Some(batch) = check.next_batch(index).await.unwrap() {
        jobs.add_rows(&job.id, &batch).await.unwrap();
    }
    job
}

fn runner(db: &TestDatabase, index: &Index, emulator: &TestEmulator, name: &str) -> Runner {
    Runner {
        jobs: Jobs::new(&db.db),
        client: emulator.client(),
        index: index.clone(),
        log: db.audit(),
        budget: Budget {
            per_second: 200.0,
            concurrency: 3,
        },
        name: name.into(),
    }
}

/// How many profiles the emulator holds with each external id, as `client` lists them.
async fn held_by(client: &profiles_admin::upstream::Client) -> BTreeMap<String, usize> {
    use profiles_admin::profiles::model::{ListQuery, Order, PageCursor, PageSize};
    let mut held = BTreeMap::new();
    let mut page = None;
    loop {
        let query = ListQuery {
            limit: PageSize::new(100).unwrap(),
            order: Order::Asc,
            page,
            enforcement: None,
        };
        let listed = client.list(&query).await.unwrap().value;
        for p in &listed.data {
            *held
                .entry(p.external_id().unwrap_or_default().to_owned())
                .or_default() += 1;
        }
        match listed.next_page {
            Some(next) => page = Some(PageCursor::parse(&next).unwrap()),
            None => return held,
        }
    }
}

async fn held(emulator: &TestEmulator) -> BTreeMap<String, usize> {
    held_by(&emulator.client()).await
}

/// The job's create entries in the audit trail: (outcome, profile id, detail).
async fn creates_recorded(
    db: &profiles_admin::db::Database,
    job: &str,
) -> Vec<(String, Option<String>, String)> {
    let rows = sqlx::query(
        "SELECT outcome, profile_id, detail FROM audit_events \
         WHERE action = 'profile.create' AND detail LIKE $1 ORDER BY at, id",
    )
    .bind(format!("import {job},%"))
    .fetch_all(db.pool())
    .await
    .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get("outcome").unwrap(),
                r.try_get("profile_id").unwrap(),
                r.try_get("detail").unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_job_sends_each_row_once_through_429s_5xx_timeouts_and_lost_replies() {
    for db in TestDatabase::both().await {
        let emulator = TestEmulator::start_seeded(0).await;
        let client = emulator.client();
        let existing = client
            .create(&profiles_admin::profiles::model::WireBody::from_kept(
                json!({"external_id": "acme-0", "name": "Old"}),
            ))
            .await
            .unwrap()
            .value;
        let index = Index::open(&db.db).await.unwrap();
        index
            .upsert(&[Received::from_profile(&existing, How::Walk)])
            .await
            .unwrap();
        let mut file = String::from("external_id,name\nacme-0,New\n,no id\n");
        for n in 1..=10 {
            file.push_str(&format!("acme-{n},Customer {n}\n"));
        }
        let job = checked(&db, &index, &file).await;
        emulator
            .faults(json!({"sequence": [
                {"kind": "status", "status": 429, "headers": {"retry-after-ms": "10"}},
                {"kind": "status", "status": 500, "headers": {"retry-after-ms": "10"}},
                {"kind": "apply_then_drop"},
                {"kind": "drop"},
                {"kind": "status", "status": 503, "headers": {"retry-after-ms": "10"}},
                {"kind": "apply_then_drop"},
                {"kind": "delay", "ms": 2500}
            ]}))
            .await;
        let mut reports = 0;
        let ended = runner(&db, &index, &emulator, "one")
            .run(&job, |_| reports += 1)
            .await
            .unwrap();
        assert_eq!(ended, Ended::Finished);
        assert!(reports > 0, "progress is reported as the job goes");
        let jobs = Jobs::new(&db.db);
        let progress = jobs.progress(&job.id).await.unwrap();
        assert_eq!(
            (
                progress.created,
                progress.updated,
                progress.unchanged,
                progress.failed,
                progress.error
            ),
            (10, 1, 0, 0, 1),
            "{progress:?}"
        );
        assert_eq!(
            jobs.get(&job.id).await.unwrap().unwrap().state,
            State::Finished
        );

        let held = held(&emulator).await;
        for n in 0..=10 {
            assert_eq!(
                held.get(&format!("acme-{n}")),
                Some(&1),
                "acme-{n}: {held:?}"
            );
        }
        let recorded = creates_recorded(&db.db, &job.id).await;
        let succeeded: std::collections::BTreeSet<_> = recorded
            .iter()
            .filter(|(outcome, ..)| outcome == "succeeded")
            .map(|(_, id, _)| id.clone().unwrap())
            .collect();
        assert_eq!(
            succeeded.len(),
            10,
            "one succeeded entry per profile made: {recorded:?}"
        );
        assert!(
            recorded
                .iter()
                .any(|(o, _, d)| o == "succeeded" && d.contains("adopted")),
            "a create whose answer was lost is found and adopted: {recorded:?}"
        );
        assert!(
            recorded.iter().all(|(o, ..)| o != "pending"),
            "no entry is left pending: {recorded:?}"
        );
        let onboarded = jobs.onboarded(&job.id, 0, false, 100).await.unwrap();
        assert_eq!(onboarded.len(), 11);
        assert_eq!(onboarded[0].profile_id, existing.id.as_str());
        assert_eq!(onboarded[1].name.as_deref(), Some("Customer 1"));
        assert!(
            onboarded
                .iter()
                .skip(1)
                .all(|o| succeeded.contains(&o.profile_id)),
            "the job's profiles are the audit trail's"
        );
    }
}

#[tokio::test]
async fn a_row_in_flight_at_a_crash_is_adopted_not_sent_again() {
    for db in TestDatabase::both().await {
        let emulator = TestEmulator::start_seeded(0).await;
        let index = Index::open(&db.db).await.unwrap();
        let job = checked(
            &db,
            &index,
            "external_id,name\nc-1,One\nc-2,Two\nc-3,Three\n",
        )
        .await;
        let jobs = Jobs::new(&db.db);
        let dead = runner(&db, &index, &emulator, "dead");
        // A console that died: it took the job, began lines 2 and 3, and only line 2's
        // create reached the API before it stopped.
        assert!(jobs
            .set_state(&job.id, &[State::Checked], State::Running)
            .await
            .unwrap());
        assert!(jobs
            .lease(
                &job.id,
                "dead",
                "2026-01-01T00:00:00Z",
                "2026-01-01T00:01:00Z"
            )
            .await
            .unwrap());
        let waiting = jobs.rows(&job.id, RowState::Waiting, 10).await.unwrap();
        for row in &waiting[..2] {
            let attempt = profiles_admin::audit::record::Trail::new(
                "lead".into(),
                Some(Role::Admin),
                &axum::http::HeaderMap::new(),
                Some(db.audit()),
            )
            .begin_in(
                profiles_admin::audit::Action::ProfileCreate,
                None,
                row.changes.clone(),
                Some(format!("import {}, line {}", job.id, row.line)),
            )
            .await
            .unwrap();
            jobs.sending(&job.id, row.line, attempt.id()).await.unwrap();
        }
        dead.client.create(&waiting[0].body).await.unwrap();

        // Another process holding a live claim is left alone.
        let now = time::OffsetDateTime::now_utc();
        let stamp = profiles_admin::timestamp::stamp;
        assert!(jobs
            .lease(
                &job.id,
                "alive",
                &stamp(now),
                &stamp(now + time::Duration::minutes(1))
            )
            .await
            .unwrap());
        let after = runner(&db, &index, &emulator, "after");
        assert_eq!(after.run(&job, |_| {}).await.unwrap(), Ended::Elsewhere);
        jobs.release(&job.id, "alive").await.unwrap();

        assert_eq!(after.run(&job, |_| {}).await.unwrap(), Ended::Finished);
        let held = held(&emulator).await;
        assert_eq!(
            held,
            BTreeMap::from([("c-1".into(), 1), ("c-2".into(), 1), ("c-3".into(), 1)]),
            "the create that reached the API was adopted, not sent again"
        );
        let recorded = creates_recorded(&db.db, &job.id).await;
        let line = |n: u64, outcome: &str| {
            recorded
                .iter()
                .filter(|(o, _, d)| {
                    let context = format!("import {}, line {n}", job.id);
                    o == outcome && (d == &context || d.starts_with(&format!("{context}:")))
                })
                .count()
        };
        assert_eq!(line(2, "succeeded"), 1, "{recorded:?}");
        assert!(recorded
            .iter()
            .any(|(o, _, d)| o == "succeeded" && d.contains("line 2: its answer was lost; found")));
        assert_eq!(
            line(3, "uncertain"),
            1,
            "line 3's first send, found to have made nothing: {recorded:?}"
        );
        assert_eq!(line(3, "succeeded"), 1, "{recorded:?}");
        assert_eq!(line(4, "succeeded"), 1, "{recorded:?}");
        assert_eq!(recorded.len(), 4, "{recorded:?}");
    }
}

#[tokio::test]
async fn a_paused_job_sends_nothing_and_failed_rows_can_be_retried_alone() {
    for db in TestDatabase::both().await {
        let emulator = TestEmulator::start_seeded(0).await;
        let index = Index::open(&db.db).await.unwrap();
        let job = checked(&db, &index, "external_id,name\np-1,One\np-2,Two\n").await;
        let jobs = Jobs::new(&db.db);
        let run = runner(&db, &index, &emulator, "one");
        assert!(jobs
            .set_state(&job.id, &[State::Checked], State::Paused)
            .await
            .unwrap());
        assert_eq!(run.run(&job, |_| {}).await.unwrap(), Ended::Paused);
        assert!(
            held(&emulator).await.is_empty(),
            "a paused job sends nothing"
        );

        assert!(jobs
            .set_state(&job.id, &[State::Paused], State::Running)
            .await
            .unwrap());
        emulator
            .faults(json!({"sequence": [{"kind": "status", "status": 400}]}))
            .await;
        assert_eq!(run.run(&job, |_| {}).await.unwrap(), Ended::Finished);
        let progress = jobs.progress(&job.id).await.unwrap();
        assert_eq!((progress.created, progress.failed), (1, 1), "{progress:?}");
        let failed = jobs
            .problems(&job.id, RowState::Failed, 0, 10)
            .await
            .unwrap();
        assert_eq!(failed.len(), 1);
        assert!(
            !held(&emulator).await.contains_key(&failed[0].external_id),
            "the failed row made nothing"
        );

        assert_eq!(jobs.retry_failed(&job.id).await.unwrap(), 1);
        assert!(jobs
            .set_state(&job.id, &[State::Finished], State::Running)
            .await
            .unwrap());
        assert_eq!(run.run(&job, |_| {}).await.unwrap(), Ended::Finished);
        let progress = jobs.progress(&job.id).await.unwrap();
        assert_eq!((progress.created, progress.failed), (2, 0), "{progress:?}");
        assert_eq!(held(&emulator).await.len(), 2);

        // Links: one per profile, minted now, recorded, never kept.
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = lines.clone();
        let minted = run
            .links(
                &job,
                ("lead", Role::Admin),
                true,
                move |line| {
                    kept.lock().unwrap().push(line);
                    Box::pin(async { Ok(()) })
                },
                |row, why| panic!("line {}: {why}", row.line),
            )
            .await
            .unwrap();
        assert_eq!(minted, 2);
        let lines = lines.lock().unwrap().clone();
        assert!(lines.iter().all(|l| l.contains(",https://")), "{lines:?}");
        assert!(
            jobs.onboarded(&job.id, 0, true, 10)
                .await
                .unwrap()
                .is_empty(),
            "all sent"
        );
        let kept: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'enrollment_url.create' \
             AND outcome = 'succeeded' AND detail LIKE $1",
        )
        .bind(format!("links for import {}%", job.id))
        .fetch_one(db.db.pool())
        .await
        .unwrap();
        assert_eq!(kept, 2);
    }
}

/// On a runtime of several threads: the emulator serves the command while the test
/// waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_half_way_resumes_and_onboards_every_row_once() {
    let emulator = TestEmulator::start_with_key(Some("sk-ant-test-key")).await;
    // Every answer takes a while, so that rows are in flight when the command is killed.
    emulator
        .faults(json!({"latency_ms": 40, "sequence": []}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let base = emulator.base_url().to_string();
    let envs = [
        ("PROFILES_API_VERSION", "2026-03-24"),
        ("DATABASE_URL", ""),
        ("ANTHROPIC_API_KEY", "sk-ant-test-key"),
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("PROFILES_IMPORT_RATE", "40"),
        ("PROFILES_IMPORT_CONCURRENCY", "3"),
    ];
    let out = tokio::task::block_in_place(|| {
        run_binary(
            &data,
            &envs,
            &["user", "add", "lead", "--role", "editor"],
            "a password for tests\n",
        )
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = dir.path().join("customers.csv");
    let mut text = String::from("external_id,name\n");
    for n in 1..=80 {
        text.push_str(&format!("k-{n},Customer {n}\n"));
    }
    std::fs::write(&file, &text).unwrap();
    let args = ["import", file.to_str().unwrap(), "--as", "lead"];

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_profiles-admin"))
        .args(args)
        .env("PROFILES_DATA_DIR", &data)
        .envs(envs)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let db =
        profiles_admin::db::Database::open(&profiles_admin::db::Location::Sqlite(data.clone()))
            .await
            .unwrap();
    let jobs = Jobs::new(&db);
    let job = loop {
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM import_jobs")
            .fetch_optional(db.pool())
            .await
            .unwrap();
        if let Some(id) = id {
            if jobs.progress(&id).await.unwrap().created >= 20 {
                break id;
            }
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the command ran to its end too soon"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let left = jobs.progress(&job).await.unwrap();
    assert!(left.created < 80, "killed half-way: {left:?}");

    let out = tokio::task::block_in_place(|| run_binary(&data, &envs, &args, ""));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}\n{stdout}");
    assert!(stderr.contains(&format!("resuming {job}")), "{stderr}");
    let last: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(last["job"], json!(job));
    assert_eq!(
        (&last["created"], &last["failed"]),
        (&json!(80), &json!(0)),
        "{stdout}"
    );

    let client = emulator.client_with(|c| c.api_key = Some("sk-ant-test-key".into()));
    let held = held_by(&client).await;
    let ours: Vec<_> = held.iter().filter(|(id, _)| id.starts_with("k-")).collect();
    assert_eq!(ours.len(), 80, "every row onboarded");
    assert!(
        ours.iter().all(|(_, n)| **n == 1),
        "no row made two profiles: {ours:?}"
    );
    let recorded = creates_recorded(&db, &job).await;
    let succeeded: std::collections::BTreeSet<_> = recorded
        .iter()
        .filter(|(o, ..)| o == "succeeded")
        .filter_map(|(_, id, _)| id.clone())
        .collect();
    assert_eq!(
        succeeded.len(),
        80,
        "the audit trail holds what the emulator holds: {recorded:?}"
    );
    // A send whose row was not yet marked in flight when the command was killed never
    // left: its entry stays pending, as the audit trail says of an attempt whose end was
    // never recorded. At most one per send awaited at once.
    assert!(
        recorded.iter().filter(|(o, ..)| o == "pending").count() <= 3,
        "{recorded:?}"
    );
    let noted: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE action = 'import.job' ORDER BY at",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(
        noted,
        [
            format!("{job} (customers.csv): checked: 80 rows"),
            format!("{job} (customers.csv): started"),
            format!("{job} (customers.csv): finished: 80 created, 0 updated, 0 unchanged, 0 failed, 0 in error"),
        ]
    );
}

#[tokio::test]
async fn a_console_goes_on_with_a_job_whose_runner_stopped() {
    for db in TestDatabase::both().await {
        let emulator = TestEmulator::start_seeded(0).await;
        let index = Index::open(&db.db).await.unwrap();
        let job = checked(&db, &index, "external_id,name\ns-1,One\ns-2,Two\n").await;
        let jobs = Jobs::new(&db.db);
        assert!(jobs
            .set_state(&job.id, &[State::Checked], State::Running)
            .await
            .unwrap());
        assert!(jobs
            .lease(
                &job.id,
                "stopped",
                "2026-01-01T00:00:00Z",
                "2026-01-01T00:00:15Z"
            )
            .await
            .unwrap());
        profiles_admin::onboarding::run::spawn(runner(&db, &index, &emulator, "console"));
        let mut state = State::Running;
        for _ in 0..2000 {
            state = jobs.get(&job.id).await.unwrap().unwrap().state;
            if state == State::Finished {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(state, State::Finished);
        assert_eq!(held(&emulator).await.len(), 2);
    }
}

/// A multipart form of text fields, as a browser posts the import form.
fn multipart(fields: &[(&str, &str)]) -> (String, String) {
    let boundary = "----profiles-admin-test-boundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn post(path: &str, content_type: &str, body: String) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(path)
        .header("content-type", content_type)
        .header("sec-fetch-site", "same-origin")
        .body(axum::body::Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn the_import_page_maps_a_column_checks_runs_and_hands_out_links() {
    for db in TestDatabase::both().await {
        let emulator = TestEmulator::start_seeded(0).await;
        let router = common::open_console_router(emulator.client(), &db.db).await;
        let (form, body) = multipart(&[("rows", "Customer,name\nw-1,One\nw-2,Two\n")]);
        let (status, _, page) = common::oneshot(&router, post("/onboarding", &form, body)).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Match these columns to fields"), "{page}");
        assert!(page.contains("name=\"map:Customer\""), "{page}");
        let upload = page
            .split("name=\"upload\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the file is kept for the mapping step")
            .to_owned();

        let (form, body) = multipart(&[("upload", &upload), ("map:Customer", "external_id")]);
        let (status, headers, _) = common::oneshot(&router, post("/onboarding", &form, body)).await;
        assert_eq!(status, 303);
        let job_page = headers["location"].to_str().unwrap().to_owned();
        let id = job_page.rsplit('/').next().unwrap().to_owned();
        assert!(id.starts_with("job_"), "{job_page}");
        let get = |path: &str| {
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let (status, _, page) = common::oneshot(&router, get(&job_page)).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("Start import") && page.contains("Rows to create"),
            "{page}"
        );

        let form = "application/x-www-form-urlencoded";
        let (status, _, _) =
            common::oneshot(&router, post(&job_page, form, "action=start".into())).await;
        assert_eq!(status, 303);
        let jobs = Jobs::new(&db.db);
        let mut state = State::Running;
        for _ in 0..2000 {
            state = jobs.get(&id).await.unwrap().unwrap().state;
            if state == State::Finished {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(state, State::Finished);
        assert_eq!(held(&emulator).await.len(), 2);

        let (status, headers, links) = common::oneshot(
            &router,
            post(&format!("{job_page}/links.csv"), form, "which=all".into()),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(headers["cache-control"], "no-store, no-transform");
        let lines: Vec<&str> = links.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 3, "{links}");
        assert!(lines[1].contains(",w-1,One,https://"), "{links}");
        let (_, _, report) = common::oneshot(&router, get(&format!("{job_page}/report.csv"))).await;
        assert!(
            report.contains("2,w-1,create,uprof_") && report.contains("→ external\",,created\r\n"),
            "{report}"
        );

        // The upload alone may be large; any other form is held to 64 KiB.
        let rows = format!("external_id\n{}", "big-1\n".repeat(20_000));
        let (form, body) = multipart(&[("rows", &rows)]);
        let (status, _, _) =
            common::oneshot(&router, post("/onboarding", &form, body.clone())).await;
        assert_eq!(status, 303, "a 120 KB paste is checked");
        let (status, _, _) = common::oneshot(&router, post("/profiles/new", &form, body)).await;
        assert_eq!(status, 413);
    }
}

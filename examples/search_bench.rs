//! Search latency over a large index, server-side, one query at a time (one connection
//! busy), for `scripts/bench.sh`:
//!
//! ```text
//! cargo run --release --features ssr --example search_bench -- N DATA_DIR
//! ```
//!
//! Uses the database `DATABASE_URL` names, else SQLite in DATA_DIR. Fills the index with
//! the emulator's N deterministic sample profiles straight from the generator (a walk over
//! HTTP is measured separately), unless it holds them already, refreshes the planner's
//! statistics as the end of a walk does, then times a mix of the
//! searches an agent makes, each review queue tab's first page and the tabs' counts, and
//! prints one Markdown table row per kind: p50 and p99 in ms. (Exports are measured over
//! HTTP by `scripts/bench.sh`, against a console on the index this fills.)

use profiles_admin::db::{Database, Location};
use profiles_admin::emulator::seed;
use profiles_admin::index::received::How;
use profiles_admin::index::{Index, Received};
use profiles_admin::profiles::search::query::SearchQuery;
use profiles_admin::review::tabs::Tab;
use secrecy::SecretString;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

/// Profiles written per transaction while filling.
const BATCH: usize = 500;
/// Timed runs of each kind of search.
const RUNS: usize = 200;

/// One search, as the (name, value) pairs of its address.
type Search = Vec<(&'static str, String)>;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .expect("usage: search_bench N DATA_DIR");
    let dir = PathBuf::from(args.next().expect("usage: search_bench N DATA_DIR"));
    let url = std::env::var("DATABASE_URL").ok().map(SecretString::from);
    let location = Location::new(&dir, url.as_ref()).expect("a database location");
    let db = Database::open(&location).await.expect("the database opens");
    let index = Index::open(&db).await.expect("the index opens");

    let have = index.count().await.expect("count");
    if have < count as u64 {
        let started = Instant::now();
        let mut batch = Vec::with_capacity(BATCH);
        for profile in seed::profiles(count).skip(usize::try_from(have).unwrap_or(0)) {
            batch.push(Received::from_profile(&profile, How::Walk));
            if batch.len() == BATCH {
                index.upsert(&batch).await.expect("a batch is written");
                batch.clear();
            }
        }
        index
            .upsert(&batch)
            .await
            .expect("the last batch is written");
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "filled {count} profiles in {seconds:.0} s ({:.0}/s)",
            count as f64 / seconds
        );
    }

    // As after a walk: the planner's statistics are current.
    index.optimize().await.expect("statistics");

    // What agents hold: values taken from the data, spread over it.
    let sample: Vec<_> = seed::profiles(count)
        .enumerate()
        .filter(|(i, _)| i % (count / 50).max(1) == 7)
        .map(|(_, p)| p)
        .collect();
    let externals: Vec<String> = sample
        .iter()
        .filter_map(|p| p.external_id().map(str::to_owned))
        .collect();
    let ids: Vec<String> = sample.iter().map(|p| p.id.to_string()).collect();
    let values: Vec<String> = sample
        .iter()
        .filter_map(|p| p.metadata.get("crm_id").cloned())
        .collect();
    let kinds: Vec<(&str, Vec<Search>)> = vec![
        (
            "exact external id",
            externals.iter().map(|e| vec![("q", e.clone())]).collect(),
        ),
        (
            "exact profile id",
            ids.iter().map(|i| vec![("q", i.clone())]).collect(),
        ),
        (
            "metadata value (crm_id)",
            values.iter().map(|v| vec![("q", v.clone())]).collect(),
        ),
        (
            "name fragment (\"fjord\", \"Zoë\", \"analytics\")",
            ["fjord", "Zoë", "analytics"]
                .map(|t| vec![("q", t.to_owned())])
                .to_vec(),
        ),
        (
            "two CJK characters (\"株式\")",
            vec![vec![("q", "株式".to_owned())]],
        ),
        (
            "short text no profile holds (\"ゑゐ\": a page looks through 10,000)",
            vec![vec![("q", "ゑゐ".to_owned())]],
        ),
        (
            "filters only (grant pending, resold)",
            vec![vec![
                ("grant", "pending".into()),
                ("relationship", "resold".into()),
            ]],
        ),
        (
            "text and filter (\"acme\", grant none, by name)",
            vec![vec![
                ("q", "acme".into()),
                ("grant", "none".into()),
                ("sort", "name".into()),
            ]],
        ),
    ];
    for (kind, queries) in kinds {
        let mut times = Vec::with_capacity(RUNS);
        for run in 0..RUNS {
            let pairs = &queries[run % queries.len()];
            let map: HashMap<&str, String> = pairs.iter().cloned().collect();
            let query = SearchQuery::from_query(|k| map.get(k).cloned()).expect("a valid search");
            let started = Instant::now();
            let page = index.search(&query).await.expect("the search runs");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            assert!(
                !page.hits.is_empty() || kind.contains("CJK") || kind.contains("no profile"),
                "{kind}: nothing found for {pairs:?}"
            );
        }
        report(kind, times);
    }

    // The review queue beside it (docs/review.md): each tab's first page, and every
    // tab's count, uncounted before (a fresh handle each run: counts are kept 10 s).
    for tab in Tab::ALL {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let started = Instant::now();
            index
                .queue_page(tab, 14, None, false, &Default::default(), 50)
                .await
                .expect("the tab reads");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        report(
            &format!("review queue: {} (first page, 50 rows)", tab.label()),
            times,
        );
    }
    let mut times = Vec::with_capacity(RUNS / 10);
    for _ in 0..RUNS / 10 {
        let fresh = Index::open(&db).await.expect("the index opens");
        let started = Instant::now();
        fresh
            .queue_counts(&Tab::ALL, 14, 7, false, &Default::default())
            .await
            .expect("the counts");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report("review queue: the seven tabs' counts, not cached", times);
    // A page view of the queue: a tab's page and the counts as kept.
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        index
            .queue_page(Tab::Waiting, 14, None, false, &Default::default(), 50)
            .await
            .expect("the tab reads");
        index
            .queue_counts(&Tab::ALL, 14, 7, false, &Default::default())
            .await
            .expect("the counts");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report(
        "review queue page view: a tab's page and its counts as kept",
        times,
    );

    // The overview (docs/review.md): counted afresh, and a page view as kept.
    let today = time::OffsetDateTime::now_utc().date();
    let mut times = Vec::with_capacity(RUNS / 20);
    for _ in 0..RUNS / 20 {
        let fresh = Index::open(&db).await.expect("the index opens");
        let started = Instant::now();
        fresh.overview(12, today).await.expect("the overview");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report("overview: every figure, not cached", times);
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        index.overview(12, today).await.expect("the overview");
        index.programs_backlog_shown().await.expect("the backlog");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report("overview page view: its figures as kept", times);
}

/// One table row: p50 and p99 in ms.
fn report(kind: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!("| {kind} | {:.2} | {:.2} |", at(0.50), at(0.99));
}

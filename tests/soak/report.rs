//! The soak's figures: request rate, latency by route, retries spent and errors by kind.

use crate::clients::{Sample, Write};
use profiles_admin::telemetry::name;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Latencies of one route, in milliseconds.
struct Route {
    seconds: Vec<f64>,
    errors: BTreeMap<u16, u64>,
}

/// The value at quantile `q` of `sorted` (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The report as Markdown, for `docs/performance.md` and the script's output.
pub fn render(samples: &[Sample], seconds: f64, figures: &BTreeMap<&str, String>) -> String {
    let mut routes: BTreeMap<&str, Route> = BTreeMap::new();
    for sample in samples {
        let route = routes.entry(sample.route).or_insert_with(|| Route {
            seconds: Vec::new(),
            errors: BTreeMap::new(),
        });
        route.seconds.push(sample.seconds);
        if sample.status >= 400 || sample.status == 0 {
            *route.errors.entry(sample.status).or_default() += 1;
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} requests in {seconds:.0} s: {:.1} a second\n",
        samples.len(),
        samples.len() as f64 / seconds
    );
    let _ = writeln!(
        out,
        "| Route | Requests | p50 ms | p99 ms | Answers ≥ 400 (status × n) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---|");
    for (name, route) in &mut routes {
        route.seconds.sort_by(f64::total_cmp);
        let errors = route
            .errors
            .iter()
            .map(|(status, n)| format!("{status} × {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "| `{name}` | {} | {:.0} | {:.0} | {errors} |",
            route.seconds.len(),
            quantile(&route.seconds, 0.5) * 1000.0,
            quantile(&route.seconds, 0.99) * 1000.0,
        );
    }
    out.push('\n');
    for (name, value) in figures {
        let _ = writeln!(out, "- {name}: {value}");
    }
    out
}

/// The figures read from the console's metrics and the clients' writes.
pub fn figures(metrics: &str, writes: &[Write]) -> BTreeMap<&'static str, String> {
    let mut told: BTreeMap<String, usize> = BTreeMap::new();
    for write in writes {
        *told.entry(format!("{:?}", write.told)).or_default() += 1;
    }
    BTreeMap::from([
        ("writes by what the client was told", format!("{told:?}")),
        (
            "upstream attempts / of which retries",
            format!(
                "{} / {}",
                counter(metrics, name::UPSTREAM_REQUESTS, &[]),
                counter(metrics, name::UPSTREAM_REQUESTS, &["retry=\"true\""]),
            ),
        ),
        (
            "upstream attempts by status",
            format!("{:?}", by_label(metrics, name::UPSTREAM_REQUESTS, "status")),
        ),
        (
            "webhook deliveries received, by outcome",
            format!(
                "{:?}",
                by_label(metrics, name::WEBHOOK_DELIVERIES, "outcome")
            ),
        ),
    ])
}

/// The sum of a Prometheus counter's samples whose labels contain every one of `labels`.
pub fn counter(metrics: &str, name: &str, labels: &[&str]) -> f64 {
    metrics
        .lines()
        .filter(|line| line.starts_with(name) && labels.iter().all(|l| line.contains(l)))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// A Prometheus counter's samples added up by the value of one label.
pub fn by_label(metrics: &str, name: &str, label: &str) -> BTreeMap<String, f64> {
    let mut sums = BTreeMap::new();
    let key = format!("{label}=\"");
    for line in metrics.lines().filter(|l| l.starts_with(name)) {
        let value = line
            .split_once(&key)
            .and_then(|(_, rest)| rest.split_once('"'));
        let count = line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok());
        if let (Some((value, _)), Some(count)) = (value, count) {
            *sums.entry(value.to_owned()).or_default() += count;
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let sorted = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(quantile(&sorted, 0.5), 5.0);
        assert_eq!(quantile(&sorted, 0.99), 10.0);
        assert_eq!(quantile(&[3.0], 0.5), 3.0);
    }

    #[test]
    fn counters_add_up_the_matching_series() {
        let metrics = "# HELP x\n\
            up_total{endpoint=\"get\",status=\"200\",retry=\"false\"} 7\n\
            up_total{endpoint=\"get\",status=\"529\",retry=\"true\"} 2\n\
            up_total{endpoint=\"list\",status=\"200\",retry=\"true\"} 3\n";
        assert_eq!(counter(metrics, "up_total", &["retry=\"true\""]), 5.0);
        assert_eq!(counter(metrics, "up_total", &[]), 12.0);
        assert_eq!(
            by_label(metrics, "up_total", "status"),
            BTreeMap::from([("200".to_owned(), 10.0), ("529".to_owned(), 2.0)])
        );
    }
}

//! What each compression level costs and saves on a page the console serves, for choosing
//! the level of dynamic responses (docs/performance.md, "Compressing pages"):
//!
//! ```text
//! cargo run --release --example compression_levels -- PAGE.html
//! ```
//!
//! For brotli at every quality (with the window the console's encoder uses, and with
//! brotli's default window, which is what a plain quality setting gets) and gzip at every
//! level, prints one Markdown row: the compressed size, the median time of 200 runs, and
//! the bytes saved against the uncompressed page per millisecond of CPU spent.

use std::io::Write;
use std::time::{Duration, Instant};

const RUNS: usize = 200;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time(mut compress: impl FnMut() -> usize) -> (usize, Duration) {
    let mut size = 0;
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            size = compress();
            start.elapsed()
        })
        .collect();
    (size, median(times))
}

fn brotli(page: &[u8], quality: u32, window: u32) -> usize {
    let mut out = Vec::with_capacity(page.len());
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, window);
        writer.write_all(page).expect("in memory");
    }
    out.len()
}

fn gzip(page: &[u8], level: u32) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(page.len()),
        flate2::Compression::new(level),
    );
    encoder.write_all(page).expect("in memory");
    encoder.finish().expect("in memory").len()
}

fn row(name: &str, raw: usize, (size, took): (usize, Duration)) {
    let ms = took.as_secs_f64() * 1000.0;
    let saved_per_ms = (raw - size) as f64 / ms;
    println!("| {name} | {size} | {ms:.3} | {saved_per_ms:.0} |");
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: compression_levels PAGE.html");
    let page = std::fs::read(&path).expect("the page can be read");
    println!("{} bytes uncompressed ({path})", page.len());
    println!();
    println!("| encoder | bytes | median ms | bytes saved per ms |");
    println!("|---|---|---|---|");
    for quality in 0..=11 {
        row(
            &format!("brotli {quality}, window 2^22 (default)"),
            page.len(),
            time(|| brotli(&page, quality, 22)),
        );
        row(
            &format!("brotli {quality}, window 2^18"),
            page.len(),
            time(|| brotli(&page, quality, 18)),
        );
    }
    for level in 1..=9 {
        row(
            &format!("gzip {level}"),
            page.len(),
            time(|| gzip(&page, level)),
        );
    }
}

//! `csv_reader`: see `fuzz/targets.rs`.
#![no_main]

// Each binary runs one of the targets.
#[allow(dead_code)]
#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::csv_reader(data));

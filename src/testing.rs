//! What the crate's own tests share.

/// Property tests' settings: a fixed case count and seed, so that a run is repeatable in
/// CI, and nothing written beside the sources (a failure prints its minimal case).
pub fn fixed_cases(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(29),
        failure_persistence: None,
        ..Default::default()
    }
}

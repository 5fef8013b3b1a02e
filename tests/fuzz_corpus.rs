//! Replays every input kept for the fuzz targets (`fuzz/corpus/<target>/`, and the
//! findings turned regression tests in `fuzz/regressions/<target>/`) through the same
//! checks the fuzzer runs, on stable Rust, so that what fuzzing once found or reached
//! stays fixed (docs/reliability.md, "Fuzzing").

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;

#[test]
fn every_kept_fuzz_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, target) in targets::TARGETS {
        let mut replayed = 0;
        for kind in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(kind).join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{} fails {name}", path.display());
                replayed += 1;
            }
        }
        assert!(replayed > 0, "no input kept for {name}");
    }
}

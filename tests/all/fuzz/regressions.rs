//! Replays every saved fuzz input: `fuzz/regressions/<target>/<name>` runs through the same
//! entry point (`allockit_harness::targets::<target>::run`) that libFuzzer calls, so a
//! crash found by `scripts/fuzz-long` (which saves the minimised input there) stays a
//! test after its fix. One test per target, so a failure names it; the message names the
//! file.

use std::fs;
use std::path::{Path, PathBuf};

use allockit_harness::panics::catch;
use allockit_harness::targets::{self, Target};

/// The saved inputs of `target`, sorted by name (none if it has no directory yet).
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let Ok(entries) = fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str) {
    let (_, run): &(&str, Target) =
        targets::ALL.iter().find(|(name, _)| *name == target).expect("a registered target");
    for path in inputs(target) {
        let data = fs::read(&path).expect("a readable regression input");
        if let Err(message) = catch(|| run(&data)) {
            panic!("{} fails again: {message}", path.display());
        }
    }
}

#[test]
fn every_target_has_a_fuzz_binary() {
    let manifest =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
            .expect("fuzz/Cargo.toml");
    for (name, _) in targets::ALL {
        assert!(manifest.contains(&format!("name = \"{name}\"")), "no fuzz binary for {name}");
        let source =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fuzz/fuzz_targets/{name}.rs"));
        let text = fs::read_to_string(&source).expect("the target's source");
        assert!(
            text.contains(&format!("targets::{name}::run")),
            "{} runs another driver",
            source.display()
        );
    }
}

macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            replay(stringify!($target));
        }
    )*};
}

replay_tests!(vec, string, boxed, bump, arena, pool);

#[test]
fn replay_tests_cover_every_target() {
    assert_eq!(
        targets::ALL.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        ["vec", "string", "boxed", "bump", "arena", "pool"]
    );
}

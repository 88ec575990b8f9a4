//! Child-process probes for AddressSanitizer (only built with `--cfg asan`).
//!
//! ASan aborts the process that commits a bad access, so a test that wants to see one
//! re-runs this test binary on a single `#[ignore]`d child test, with an environment
//! variable that arms it ([`armed`]), and asserts that the child died with ASan's
//! `use-after-poison` report ([`expect_asan_report`]).

use std::process::Command;

/// Set in the child's environment; the child tests do nothing without it.
const ARMED: &str = "ALLOCKIT_ASAN_PROBE";

/// Runs the child test `name` and asserts ASan reported a poisoned access in it.
pub fn expect_asan_report(name: &str) {
    let exe = std::env::current_exe().expect("test binary path");
    let out = Command::new(exe)
        .args([name, "--exact", "--include-ignored", "--nocapture", "--test-threads=1"])
        .env(ARMED, "1")
        .output()
        .expect("run child test");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{name}: the child survived the bad access");
    assert!(
        stderr.contains("use-after-poison"),
        "{name}: no use-after-poison report in the child's stderr:\n{stderr}"
    );
}

/// Whether this process is a child run by [`expect_asan_report`].
pub fn armed() -> bool {
    std::env::var_os(ARMED).is_some()
}

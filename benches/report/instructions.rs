//! Instructions per unit of work, counted by callgrind (valgrind's instruction-level
//! simulator): exact and repeatable where wall-clock time on a shared 2-core machine is
//! neither.
//!
//! The child process of `memory.rs` runs twice under callgrind, at a large size and a
//! small one; the difference of the two totals over the difference of their units of
//! work cancels what both pay once (start-up, the dynamic loader, the first chunk):
//!
//! ```text
//!   per node = (Ir(depth 16) - Ir(depth 6)) / (nodes(depth 16) - nodes(depth 6))
//! ```

use std::process::Command;

/// Whether `valgrind` runs here.
pub fn available() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Instructions per unit of `workload`'s `variant`, from runs at sizes `big` and `small`;
/// `None` if callgrind did not run.
pub fn per_unit(workload: &str, variant: &str, big: u32, small: u32) -> Option<f64> {
    let (ir_big, units_big) = count(workload, variant, big)?;
    let (ir_small, units_small) = count(workload, variant, small)?;
    (units_big > units_small)
        .then(|| (ir_big.saturating_sub(ir_small)) as f64 / (units_big - units_small) as f64)
}

/// Instructions executed by one child run, and the units of work it reported.
fn count(workload: &str, variant: &str, size: u32) -> Option<(u64, u64)> {
    let exe = std::env::current_exe().ok()?;
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args(["--child", workload, variant, &size.to_string()])
        .output()
        .ok()?;
    if !output.status.success() {
        eprintln!("callgrind failed for {workload} {variant}: {}", output.status);
        return None;
    }
    // callgrind ends with "==pid== Collected : <instructions>".
    let stderr = String::from_utf8_lossy(&output.stderr);
    let instructions = stderr
        .lines()
        .find_map(|line| line.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let units = stdout
        .split_whitespace()
        .find_map(|pair| pair.strip_prefix("units="))
        .and_then(|n| n.parse().ok())?;
    Some((instructions, units))
}

//! Memory figures, each taken in a child process of its own.
//!
//! Peak resident memory is a property of a whole process (the kernel's `VmHWM`), and a
//! heap that was grown for one workload stays grown for the next. So for every variant the
//! report starts itself again as `report --child <workload> <variant> <size>`: the child
//! turns the counters of `benches/common/meter.rs` on, runs the workload once, and prints one line,
//!
//! ```text
//! memory requested=<bytes> peak_live=<bytes> peak_rss_kib=<KiB> baseline_rss_kib=<KiB> units=<n>
//! ```
//!
//! which the parent reads back. `baseline_rss_kib` is the child's resident memory before
//! the workload (the program, its libraries, the workload's input), so a reader can tell
//! what the workload itself added. `units` is the work done (nodes built), which
//! `instructions.rs` divides by when it runs the same child under callgrind.

use std::process::Command;

/// What one run of a workload cost in memory.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    /// Bytes requested from the allocator below the one tested (see `benches/common/meter.rs`).
    pub requested: u64,
    /// The most of those bytes live at once.
    pub peak_live: u64,
    /// The child's peak resident memory, KiB.
    pub peak_rss_kib: u64,
    /// The child's resident memory just before the workload, KiB.
    pub baseline_rss_kib: u64,
}

impl Memory {
    /// Bytes the resident set grew by during the workload.
    pub fn rss_growth(&self) -> u64 {
        self.peak_rss_kib.saturating_sub(self.baseline_rss_kib) * 1024
    }
}

/// A field of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`), or 0 where there is none.
pub fn proc_status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// In the child: counts on, `run` once (it returns its units of work), the line above
/// printed. The peak is reset first (`/proc/self/clear_refs`), so that building inputs
/// the workload does not use (a suite builds all its groups) does not count.
pub fn child(run: impl FnOnce() -> u64) {
    // "5" resets the peak resident set size to the current one (Linux 4.0 and later);
    // where it fails, the peak includes the set-up.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let baseline = proc_status_kib("VmRSS");
    crate::meter::enable();
    let units = run();
    println!(
        "memory requested={} peak_live={} peak_rss_kib={} baseline_rss_kib={baseline} \
         units={units}",
        crate::meter::requested(),
        crate::meter::peak_live(),
        proc_status_kib("VmHWM"),
    );
}

/// In the parent: runs `report --child <args>` and reads its line back.
pub fn measure(args: &[&str]) -> Memory {
    let exe = std::env::current_exe().expect("the report's own path");
    let output = Command::new(exe).arg("--child").args(args).output().expect("start a child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child {args:?} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("memory "))
        .unwrap_or_else(|| panic!("child {args:?} printed no memory line:\n{stdout}"));
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {line:?}"))
    };
    Memory {
        requested: field("requested"),
        peak_live: field("peak_live"),
        peak_rss_kib: field("peak_rss_kib"),
        baseline_rss_kib: field("baseline_rss_kib"),
    }
}

//! The fuzz targets' entry points: one function per target, from raw bytes to a checked
//! run, used by `fuzz/` (libFuzzer feeds the bytes) and by `tests/all/fuzz` (which replays
//! every saved crash in `fuzz/regressions/<target>/` and runs each target on random
//! inputs). A target decodes its bytes with `arbitrary` into an allocator choice and an
//! operation sequence, and runs one of the differential drivers; any divergence is a panic
//! outside the drivers' own `catch`, which libFuzzer reports as a crash.
//!
//! | target   | drives                                                         |
//! |----------|----------------------------------------------------------------|
//! | `vec`    | `Vec` against std's `Vec` ([`vec_model`](crate::vec_model))      |
//! | `string` | `String` against std's `String` ([`string_model`](crate::string_model)) |
//! | `boxed`  | `Box` against std's `Box` ([`box_model`](crate::box_model))      |
//! | `bump`   | `Bump`'s allocate/grow/shrink/deallocate/reset directly          |
//! | `arena`  | `Arena` and its `LocalArena` handles, directly                   |
//! | `pool`   | `Pool`, `SyncPool` and `LocalPool`, directly                     |
//!
//! The collection targets decode their allocator (`Global`, a `TestAlloc`, or a `Bump`,
//! `Arena`, `LocalArena` or `Pool` over one) and its fault plan as an [`AllocChoice`];
//! every `try_` call of theirs runs with the plan armed (see [`crate::faults`]).

use std::sync::atomic::{AtomicU64, Ordering};

mod alloc_choice;
pub mod arena;
pub mod boxed;
pub mod bump;
pub mod pool;
pub mod string;
pub mod vec;

pub use alloc_choice::{AllocChoice, PoolBlock};

/// A fuzz target: runs one input, panicking on any divergence.
pub type Target = fn(&[u8]);

/// Every target, by the name of its binary in `fuzz/`.
pub const ALL: &[(&str, Target)] = &[
    ("vec", vec::run),
    ("string", string::run),
    ("boxed", boxed::run),
    ("bump", bump::run),
    ("arena", arena::run),
    ("pool", pool::run),
];

/// Operations run by all targets in this process.
static OPERATIONS: AtomicU64 = AtomicU64::new(0);

/// Adds `n` to the operations counted for this process (`scripts/fuzz-long` prints it).
pub fn count_operations(n: u64) {
    OPERATIONS.fetch_add(n, Ordering::Relaxed);
}

/// Operations run so far in this process.
pub fn operations() -> u64 {
    OPERATIONS.load(Ordering::Relaxed)
}

/// Makes the process print `allockit-fuzz: N operations` to stderr when it exits normally
/// (libFuzzer ends a `-max_total_time` or `-runs` run with `exit`), for `scripts/fuzz-long`.
/// Call it once, from the fuzz target's `init`.
pub fn report_operations_at_exit() {
    unsafe extern "C" {
        fn atexit(callback: extern "C" fn()) -> core::ffi::c_int;
    }
    extern "C" fn report() {
        eprintln!("allockit-fuzz: {} operations", operations());
    }
    // SAFETY: `report` is a plain function that lives as long as the program and does not
    // unwind (eprintln! does not panic on a closed stderr... it would abort, not unwind
    // into C, since `extern "C"` functions abort on unwind).
    let status = unsafe { atexit(report) };
    assert_eq!(status, 0, "atexit refused the operation report");
}

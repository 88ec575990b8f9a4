//! `allockit::Pool` beside glibc's `malloc`, mimalloc, jemalloc and a plain free list,
//! under criterion: boxes churned through a ring, zeroed, and a tree built and dropped.
//! The workloads, their targets and the treatment of each allocator are in
//! `benches/suites/pool.rs`. After criterion's summary, one table per peer prints
//! *median of ours / median of the peer*; `cargo bench --bench report` runs the same
//! groups with their functions interleaved, round after round.
//!
//! ```text
//! cargo bench --bench pool                  # everything, about 2 minutes
//! cargo bench --bench pool -- pool_churn    # some groups (a criterion name filter)
//! cargo bench --bench pool -- --test        # run each benchmark once, no table
//! ```

// With `nightly`, allockit's `Box` is bounded on core's unstable `Allocator`, which the
// suite's generic functions name.
#![cfg_attr(feature = "nightly", feature(allocator_api))]

mod common;
#[path = "suites/pool.rs"]
mod suite;

fn main() {
    common::suite::criterion_main(&suite::SUITE)
}

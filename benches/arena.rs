//! `allockit::Arena` (shared by threads) beside `allockit::Bump`, bumpalo 3 and
//! blink-alloc's `SyncBlinkAlloc`, under criterion: single-thread groups through `&Arena`
//! and through a per-thread `LocalArena`, and scaling groups (one thread, then two at
//! once, into one arena). The workloads, their targets and the treatment of each
//! allocator are in `benches/suites/arena.rs`. After criterion's summary, one table per
//! pair prints *median of ours / median of the peer* (for the scaling groups, *time of
//! two threads / time of one*); `cargo bench --bench report` runs the same groups with
//! their functions interleaved, round after round.
//!
//! ```text
//! cargo bench --bench arena                        # everything, about 3 minutes
//! cargo bench --bench arena -- arena_scaling       # some groups (a criterion name filter)
//! cargo bench --bench arena -- --test              # run each benchmark once, no table
//! ```

mod common;
#[path = "suites/arena.rs"]
mod suite;

fn main() {
    common::suite::criterion_main(&suite::SUITE)
}

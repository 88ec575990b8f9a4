//! `allockit::Bump` beside bumpalo 3 and std's `Vec`, under criterion: the workloads,
//! their targets and the treatment of each bump are in `benches/suites/bump.rs`. After
//! criterion's summary, one table per peer prints *median of ours / median of the peer*;
//! `cargo bench --bench report` runs the same groups interleaved with every other suite's.
//!
//! ```text
//! cargo bench --bench bump                    # everything, about 2 minutes on 2 cores
//! cargo bench --bench bump -- bump_vec_push   # some groups (a criterion name filter)
//! cargo bench --bench bump -- --test          # run each benchmark once, no table
//! ```

mod common;
#[path = "suites/bump.rs"]
mod suite;

fn main() {
    common::suite::criterion_main(&suite::SUITE)
}

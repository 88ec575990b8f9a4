//! `allockit::Vec` beside `std::vec::Vec` under criterion: the groups of
//! `benches/suites/vec.rs` (what each measures is documented there). After the run a
//! table prints the ratio of the medians (target: allockit <= 1.05 x std).
//!
//! ```text
//! cargo bench --bench vec                  # everything, 1-2 minutes on 2 cores
//! cargo bench --bench vec -- vec_retain    # one group (a criterion name filter)
//! cargo bench --bench vec -- --test        # run each benchmark once, no table
//! cargo bench --bench report               # this suite and all others, interleaved
//! ```

mod common;
#[path = "suites/vec.rs"]
mod suite;

fn main() {
    common::suite::criterion_main(&suite::SUITE);
}

//! `allockit::Box` beside std's under criterion: the groups of
//! `benches/suites/boxed.rs` (what each measures is documented there). After the run a
//! table prints the ratio of the medians (target: allockit <= 1.05 x std).
//!
//! ```text
//! cargo bench --bench boxed                 # everything
//! cargo bench --bench boxed -- --test       # run each benchmark once, no table
//! cargo bench --bench report             # this suite and all others, interleaved
//! ```

mod common;
#[path = "suites/boxed.rs"]
mod suite;

fn main() {
    common::suite::criterion_main(&suite::SUITE);
}

//! The fuzz targets (`fuzz/`, drivers in `allockit_harness::targets`) run inside the
//! ordinary suite.
//!
//! - `allocators`: the allocator-level targets (`bump`, `arena`, `pool`) on fixed
//!   pseudo-random inputs and hand-written sequences;
//! - `regressions`: every input a fuzzer ever crashed on, saved under
//!   `fuzz/regressions/<target>/`, replayed.

mod allocators;
mod regressions;

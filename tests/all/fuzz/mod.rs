//! The fuzz targets (`fuzz/`, drivers in `allockit_harness::targets`) run inside the
//! ordinary suite.
//!
//! - `regressions`: every input a fuzzer ever crashed on, saved under
//!   `fuzz/regressions/<target>/`, replayed.

mod regressions;

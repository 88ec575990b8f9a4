//! The fuzz targets of `fuzz/` (their drivers live in `allockit_harness::targets`), run in
//! the ordinary suite.
//!
//! - `collections`: the `vec`, `string` and `boxed` targets on pseudo-random inputs, and
//!   their fault injection on hand-written cases (refusals happen, and the checks that
//!   judge them fire);
//! - `allocators`: the allocator-level targets (`bump`, `arena`, `pool`) on fixed
//!   pseudo-random inputs and hand-written sequences;
//! - `regressions`: every input a fuzzer ever crashed on, saved under
//!   `fuzz/regressions/<target>/`, replayed.

mod allocators;
mod collections;
mod regressions;

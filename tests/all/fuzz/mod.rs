//! The fuzz targets of `fuzz/` (their drivers live in `allockit_harness::targets`), run in
//! the ordinary suite.
//!
//! - `collections`: the `vec`, `string` and `boxed` targets on pseudo-random inputs, and
//!   their fault injection on hand-written cases (refusals happen, and the checks that
//!   judge them fire).

mod collections;

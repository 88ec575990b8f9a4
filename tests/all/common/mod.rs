//! The shared harness, which lives in its own crate (`harness/`, `allockit-harness`) so
//! that the fuzz targets in `fuzz/` run the same drivers as this suite:
//!
//! - [`test_alloc`]: `TestAlloc`, an allocator that counts, fails on demand and checks every
//!   block's layout;
//! - [`drop_counter`]: element types that count their lives and can panic on clone or drop;
//! - [`panics`]: catching expected panics quietly;
//! - [`vec_model`]: the differential driver for `Vec` against std's `Vec`.

pub use allockit_harness::{drop_counter, panics, test_alloc, vec_model};

/// Child-process probes of AddressSanitizer reports.
#[cfg(asan)]
pub mod asan_probe;

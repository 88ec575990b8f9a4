//! allockit's verification harness, shared by the test suite (`tests/all`) and the fuzz
//! targets (`fuzz/`), so that a fuzzer's crash file replays as an ordinary test.
//!
//! - [`test_alloc`]: `TestAlloc`, an allocator that counts, fails on demand (the `n`-th
//!   request, every request after `n`, or requests at random) and checks every block's
//!   layout;
//! - [`drop_counter`]: element types that count their lives and can panic on clone or drop;
//! - [`panics`]: catching expected panics quietly;
//! - [`vec_model`], [`string_model`], [`box_model`]: the differential drivers that run each
//!   collection operation on std's collection and on ours and compare;
//! - [`alloc_model`]: the allocator-level driver of the `bump`, `arena` and `pool` fuzz
//!   targets (allocate, resize and free through the `Allocator` trait, checking every
//!   live block);
//! - [`faults`]: fault injection in those drivers (a refused request during a `try_` call
//!   must make it fail and change nothing);
//! - [`targets`]: the fuzz targets' entry points.

// Implementing core's unstable `Allocator` (allockit's `nightly` feature) needs the gate;
// see build.rs.
#![cfg_attr(nightly_rustc, feature(allocator_api))]
#![cfg_attr(nightly_rustc, allow(stable_features, unused_features))]
// The drivers call std methods newer than allockit's MSRV (`pop_if`, `extract_if`).
#![allow(clippy::incompatible_msrv)]
// Not every user needs every helper.
#![allow(dead_code, missing_docs)]

pub mod alloc_model;
pub mod box_model;
pub mod drop_counter;
pub mod faults;
pub mod panics;
pub mod string_model;
pub mod targets;
pub mod test_alloc;
pub mod vec_model;

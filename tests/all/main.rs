//! The one integration-test binary of allockit.
//!
//! - `common/`: the shared harness: test allocators ([`common::test_alloc`]), drop-counting
//!   element types ([`common::drop_counter`]), panic helpers ([`common::panics`]) and the
//!   differential driver that runs every `Vec` operation on std's `Vec` and on ours
//!   ([`common::vec_model`]).
//! - `vec/`: the tests of [`allockit::Vec`], one module per area.

// Implementing or calling core's unstable `Allocator` trait needs the feature gate here
// too when the crate is built on it.
#![cfg_attr(feature = "nightly", feature(allocator_api))]

mod common;
mod string;
mod vec;

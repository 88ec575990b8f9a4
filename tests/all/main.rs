//! The one integration-test binary of allockit.
//!
//! - `common/`: the shared harness: test allocators ([`common::test_alloc`]), drop-counting
//!   element types ([`common::drop_counter`]), panic helpers ([`common::panics`]) and the
//!   differential driver that runs every `Vec` operation on std's `Vec` and on ours
//!   ([`common::vec_model`]).
//! - `harness`: self-tests proving the harness's checks fire.
//! - `vec/`, `boxed/`, `string/`: the tests of [`allockit::Vec`], [`allockit::Box`] and
//!   [`allockit::String`], one module per area.
//! - `bump/`: the tests of [`allockit::Bump`].
//! - `wrappers/`: the tests of [`allockit::wrappers`] (`Counting`, `FromGlobalAlloc`).
//! - `arena/`: the tests of [`allockit::Arena`], its `LocalArena` handles and `ArenaSet`.
//! - `pool/`: the tests of [`allockit::Pool`] and [`allockit::SyncPool`].
//! - `fuzz/`: the fuzz targets of `fuzz/` (drivers in `allockit_harness::targets`), run on
//!   pseudo-random and hand-written inputs, and every saved crash input replayed.

// Implementing or calling core's unstable `Allocator` trait needs the feature gate here
// too when the crate is built on it.
#![cfg_attr(feature = "nightly", feature(allocator_api))]
// The tests drive std's own collections as the model, including methods newer than the
// crate's MSRV (`pop_if`, `extract_if`); the test suite runs on stable 1.95 and nightly.
#![allow(clippy::incompatible_msrv)]

mod arena;
mod boxed;
mod bump;
mod common;
mod fuzz;
mod harness;
mod pool;
mod string;
mod vec;
mod wrappers;

//! The shared test harness; later test areas (`Box`, `String`, the allocators) reuse it.
//!
//! - [`test_alloc`]: `TestAlloc`, an allocator that counts, fails on demand and checks every
//!   block's layout;
//! - [`drop_counter`]: element types that count their lives and can panic on clone or drop;
//! - [`panics`]: catching expected panics quietly;
//! - [`vec_model`]: the differential driver for `Vec` against std's `Vec`.

// Not every test area uses every helper.
#![allow(dead_code)]

pub mod drop_counter;
pub mod panics;
pub mod test_alloc;
pub mod vec_model;

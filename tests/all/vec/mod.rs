//! Tests of `allockit::Vec`.
//!
//! - [`differential`]: random operation sequences against std's `Vec`, for several element
//!   types and allocators;
//! - [`fault`]: every `try_` method with the allocator failing at each request;
//! - [`panic_safety`]: panicking `Clone`, `Drop`, closures and iterators, compared with
//!   what std does in the same scenario;
//! - [`api`]: focused tests for what the model does not reach.

mod api;
mod differential;
mod fault;
mod panic_safety;

//! The tests of [`allockit::String`] and the `format!` macros, one module per area.
//!
//! - `model`: the differential driver against std's `String`;
//! - `differential`: property tests running it over `Global` and `&TestAlloc`;
//! - `fault`: the `try_` methods and `try_format!` under allocation failure;
//! - `panic_safety`: `retain` with a panicking predicate, `Drain` leaked or dropped early;
//! - `api`: conversions, comparisons, traits, UTF-8/UTF-16 constructors, hashbrown keys;
//! - `format`: `format!` against std's output, and the allocator it uses.

mod api;
mod differential;
mod fault;
mod format;
pub(crate) use allockit_harness::string_model as model;
mod panic_safety;

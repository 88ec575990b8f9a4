//! The tests of [`allockit::Box`], one module per area.
//!
//! - `api`: constructors, raw round trips, conversions and forwarded traits, one by one;
//! - `differential`: random operation sequences on our `Box` and std's, compared;
//! - `fault`: every `try_` constructor under a failing allocator;
//! - `drops`: two-phase drop, boxed slices, panicking destructors, zero-sized values;
//! - `coerce`: unsizing to `dyn Trait` and `[T]`, boxed closures and futures;
//! - `auto_traits`: static assertions for `Send`, `Sync` and `Unpin`.

mod api;
mod auto_traits;
mod coerce;
pub(crate) mod differential;
mod drops;
mod fault;

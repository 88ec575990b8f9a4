//! The per-type benches' workloads, as [`Suite`]s: each `benches/<name>.rs` runs its suite
//! under criterion, and `benches/report/` runs them all, interleaved.

use crate::common::suite::Suite;

pub mod arena;
pub mod boxed;
pub mod bump;
pub mod pool;
pub mod string;
pub mod vec;

/// Every suite, in the order of the issues that asked for them.
pub const ALL: &[Suite] =
    &[vec::SUITE, string::SUITE, boxed::SUITE, bump::SUITE, arena::SUITE, pool::SUITE];

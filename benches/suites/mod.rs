//! The per-type benches' workloads, as [`Suite`]s: each `benches/<name>.rs` runs its suite
//! under criterion, and `benches/report/` runs them all, interleaved.

use crate::common::suite::Suite;

pub mod arena;
pub mod bump;
pub mod pool;

/// Every suite, in the order of the issues that asked for them.
pub const ALL: &[Suite] = &[bump::SUITE, arena::SUITE, pool::SUITE];

//! The `pool` fuzz target (placeholder until its driver lands).

/// Runs one input.
pub fn run(_data: &[u8]) {}

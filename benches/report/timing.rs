//! Interleaved timing: the functions of a group take turns, round after round, so that a
//! change in the machine (another job taking a core, the CPU clocking down) lands on all
//! of them alike instead of on whichever ran during it.
//!
//! ```text
//!   calibrate    A A A A   B B B B     (each function: iterations per sample ≈ `sample`)
//!   round 0      A B C
//!   round 1      C B A                 (odd rounds reversed, every round rotated,
//!   round 2      B C A                  so no function always runs first or after the same one)
//!   ...
//! ```
//!
//! Each round gives every function one sample (nanoseconds per iteration). A comparison's
//! ratio is the median over rounds of *ours / peer* within the same round, and its range
//! the spread of those per-round ratios (the middle half of them).

use std::time::{Duration, Instant};

use crate::common::suite::Function;

/// Per function (in the group's order), its nanoseconds per iteration in each round.
pub type Samples = Vec<Vec<f64>>;

/// Runs `functions` for `rounds` interleaved rounds of about `sample` each.
pub fn interleave(functions: &mut [Function], rounds: usize, sample: Duration) -> Samples {
    let iters: Vec<u64> = functions.iter_mut().map(|f| calibrate(f, sample)).collect();
    let n = functions.len();
    let mut samples = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let slot = (k + round) % n;
            let index = if round % 2 == 1 { n - 1 - slot } else { slot };
            let elapsed = (functions[index].run)(iters[index]);
            samples[index].push(elapsed.as_nanos() as f64 / iters[index] as f64);
        }
    }
    samples
}

/// Iterations of `function` whose run takes about `sample` of wall-clock time (at least
/// one). Doubles from one until a run takes a tenth of `sample`, which also warms caches
/// and the allocator up. The sizing uses the whole call's time, not the time the function
/// reports: a function with untimed set-up per iteration (`Function::batched`) would
/// otherwise run for many times `sample`.
fn calibrate(function: &mut Function, sample: Duration) -> u64 {
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        (function.run)(iters);
        let elapsed = start.elapsed();
        if elapsed * 10 >= sample || iters >= 1 << 40 {
            let per_iter = elapsed.as_secs_f64() / iters as f64;
            return ((sample.as_secs_f64() / per_iter.max(1e-12)) as u64).clamp(1, 1 << 40);
        }
        iters *= 2;
    }
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// The `q` quantile of `values`, linearly interpolated (`q` in 0..=1).
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// A ratio of `ours` over `peer`, from samples taken in the same rounds.
#[derive(Clone, Copy, Debug)]
pub struct Ratio {
    /// Median time per iteration of ours, ns.
    pub ours_ns: f64,
    /// Median time per iteration of the peer, ns.
    pub peer_ns: f64,
    /// The median of the per-round ratios.
    pub ratio: f64,
    /// The first and third quartiles of the per-round ratios.
    pub spread: (f64, f64),
}

impl Ratio {
    /// The ratio of two functions' samples, round by round.
    pub fn of(ours: &[f64], peer: &[f64]) -> Ratio {
        let per_round: Vec<f64> = ours.iter().zip(peer).map(|(o, p)| o / p).collect();
        Ratio {
            ours_ns: median(ours),
            peer_ns: median(peer),
            ratio: median(&per_round),
            spread: (quantile(&per_round, 0.25), quantile(&per_round, 0.75)),
        }
    }
}

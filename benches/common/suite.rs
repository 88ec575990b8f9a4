//! Workloads as data: the unit that both the per-type criterion benches and the report
//! (`benches/report/`) run.
//!
//! A [`Group`] is one workload done several ways (ours, std's, bumpalo's...), each a
//! [`Function`] that runs the work `iters` times and returns the time it measured, the
//! shape of criterion's `iter_custom`. The group's [`Comparison`]s say which ratios to
//! print (ours over a peer) and the target of each, taken from the issue that asked for
//! the bench.
//!
//! ```text
//!   benches/suites/vec.rs ── groups() ──┬──► benches/vec.rs     criterion, one group at a time
//!                                       └──► benches/report/    every suite, interleaved
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::SamplingMode;

use super::{NO_TARGET, RatioTable, TARGET_RATIO};

/// Runs the work `iters` times and returns the time the measured part took.
pub type Run = Box<dyn FnMut(u64) -> Duration>;

/// One way of doing a group's work.
pub struct Function {
    /// The function's name in criterion (`"allockit"`, `"std"`, `"bumpalo"`...).
    pub name: &'static str,
    /// The timed work.
    pub run: Run,
}

impl Function {
    /// `routine` timed as a whole, its result passed to `black_box` and dropped inside
    /// the measurement (criterion's `iter`).
    pub fn iter<R>(name: &'static str, mut routine: impl FnMut() -> R + 'static) -> Self {
        Function {
            name,
            run: Box::new(move |iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(routine());
                }
                start.elapsed()
            }),
        }
    }

    /// `routine` on a fresh input from `setup`; only the routine is timed, and its result
    /// is dropped after the clock stops (criterion's `iter_batched` with one input per
    /// batch).
    pub fn batched<I, R>(
        name: &'static str,
        mut setup: impl FnMut() -> I + 'static,
        mut routine: impl FnMut(I) -> R + 'static,
    ) -> Self {
        Function {
            name,
            run: Box::new(move |iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let input = setup();
                    let start = Instant::now();
                    let output = routine(black_box(input));
                    total += start.elapsed();
                    drop(black_box(output));
                }
                total
            }),
        }
    }

    /// Timing done by the work itself (threads, a clock around part of it).
    pub fn custom(name: &'static str, run: impl FnMut(u64) -> Duration + 'static) -> Self {
        Function { name, run: Box::new(run) }
    }
}

/// A ratio to report: the median time of function `ours` over that of `peer`.
#[derive(Clone, Copy, Debug)]
pub struct Comparison {
    /// Our function's name.
    pub ours: &'static str,
    /// The peer's function name.
    pub peer: &'static str,
    /// The largest ratio that meets the target ([`NO_TARGET`]: informational).
    pub target: f64,
}

/// One workload, the ways of doing it, and the ratios to report.
pub struct Group {
    /// The criterion group name (`"vec_push"`), unique across all suites.
    pub name: &'static str,
    /// What one iteration does, in a line.
    pub about: &'static str,
    /// The ways of doing it.
    pub functions: Vec<Function>,
    /// The ratios to report.
    pub comparisons: Vec<Comparison>,
}

impl Group {
    /// A group with no functions or comparisons yet.
    pub fn new(name: &'static str, about: &'static str) -> Self {
        Group { name, about, functions: Vec::new(), comparisons: Vec::new() }
    }

    /// The common shape of the collection suites: `"std"` and `"allockit"` doing the same
    /// work, compared with the house target ([`TARGET_RATIO`]).
    pub fn versus_std(
        name: &'static str,
        about: &'static str,
        std: Function,
        ours: Function,
    ) -> Self {
        Group::new(name, about).function(std).function(ours).compare(
            "allockit",
            "std",
            TARGET_RATIO,
        )
    }

    /// Adds a way of doing the work.
    pub fn function(mut self, function: Function) -> Self {
        self.functions.push(function);
        self
    }

    /// Adds the ratio `ours / peer` with its target.
    pub fn compare(mut self, ours: &'static str, peer: &'static str, target: f64) -> Self {
        self.comparisons.push(Comparison { ours, peer, target });
        self
    }

    /// Adds the ratio `ours / peer` as an informational row (no target).
    pub fn inform(self, ours: &'static str, peer: &'static str) -> Self {
        self.compare(ours, peer, NO_TARGET)
    }
}

/// A named list of groups: one per-type bench (`"vec"`, `"pool"`...).
pub struct Suite {
    /// The bench's name (`cargo bench --bench <name>`).
    pub name: &'static str,
    /// Builds the suite's groups (allocating their inputs).
    pub groups: fn() -> Vec<Group>,
}

/// The criterion `main` of a per-type bench: every group measured by criterion, then one
/// ratio table per (ours, peer) pair of names.
pub fn criterion_main(suite: &Suite) {
    super::self_check();
    let mut c = super::criterion();
    let mut tables: Vec<RatioTable> = Vec::new();
    for mut group in (suite.groups)() {
        for comparison in &group.comparisons {
            let index = match tables
                .iter()
                .position(|t| t.ours() == comparison.ours && t.peer() == comparison.peer)
            {
                Some(index) => index,
                None => {
                    tables.push(RatioTable::new(comparison.ours, comparison.peer));
                    tables.len() - 1
                }
            };
            tables[index].row(group.name, comparison.target);
        }
        let mut g = c.benchmark_group(group.name);
        g.sampling_mode(SamplingMode::Auto);
        for function in &mut group.functions {
            let run = &mut function.run;
            g.bench_function(function.name, |b| b.iter_custom(&mut *run));
        }
        g.finish();
    }
    c.final_summary();
    for table in &tables {
        table.print();
    }
}

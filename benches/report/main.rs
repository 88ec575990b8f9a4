//! The benchmark report: every comparison allockit makes, in one process, one command.
//!
//! ```text
//! cargo bench --bench report                  # the full run (15-25 minutes), writes the README table and plot
//! cargo bench --bench report -- --quick       # fewer rounds, binary-trees at depth 18, a 1 MB document
//! cargo bench --bench report -- --test        # every workload once at a tiny size (CI)
//! cargo bench --bench report -- --only trees  # one section: pairs, trees or parser
//! ```
//!
//! Three sections, each printed as a table:
//!
//! 1. **Pairs.** Every group of the per-type criterion benches (`benches/suites/`): Vec,
//!    String and Box against std, Bump against bumpalo and std, Arena against Bump,
//!    bumpalo and blink-alloc, Pool against glibc, mimalloc and jemalloc. The functions of
//!    a group take turns in interleaved rounds (`timing.rs`), and each row is the median
//!    time of ours, of the peer, their ratio, and whether it meets the target of the issue
//!    that asked for the bench.
//! 2. **Binary-trees** (`binary_trees.rs`), the Computer Language Benchmarks Game's
//!    allocation benchmark, with the nodes in each allocator: time, instructions per node
//!    (callgrind, when valgrind is installed), bytes requested from the system allocator
//!    and peak resident memory.
//! 3. **A parser** (`parser.rs`): a generated JSON-like document parsed into an AST in a
//!    `Bump`, against the same parser over `Box`, `Vec` and `String`: time and memory.
//!
//! Memory is measured in a child process per variant (`memory.rs`, `../common/meter.rs`). A full run
//! writes `docs/report.md` (every table) and `docs/report.svg` (the ratios as bars) and
//! replaces the table between the report markers in `README.md`; `--write` makes a quick
//! run write them too, `--no-write` stops a full one. Criterion's per-type benches
//! (`cargo bench --bench vec`...) stay the place for the details: plots, distributions,
//! comparisons with the last run.

// With `nightly`, allockit's collections are bounded on core's unstable `Allocator`, which
// the pool suite's generic functions name.
#![cfg_attr(feature = "nightly", feature(allocator_api))]

mod binary_trees;
#[path = "../common/mod.rs"]
mod common;
mod instructions;
mod memory;
mod output;
mod parser;
#[path = "../suites/mod.rs"]
mod suites;
mod svg;
mod timing;

use std::alloc::System;
use std::time::{Duration, Instant};

use common::Nanos;
use common::meter::{self, Metered};
use common::suite::Function;
use output::{MemoryRow, Report, Row, TargetRow};
use timing::Ratio;

/// The program's heap: glibc's, counted in the memory children (`../common/meter.rs`).
#[global_allocator]
static GLOBAL: Metered<System> = Metered(System);

/// What to run and how long, from the command line.
struct Options {
    /// Rounds of the pairs section.
    rounds: usize,
    /// Length of one sample in the pairs section.
    sample: Duration,
    /// Binary-trees depth.
    depth: u32,
    /// Rounds of the binary-trees and parser sections.
    big_rounds: usize,
    /// The parser's document size, bytes.
    document: usize,
    /// Sections to run.
    sections: Vec<String>,
    /// Group name filter for the pairs section (substring).
    filter: Option<String>,
    /// Write the README table, `docs/report.md` and `docs/report.svg`.
    write: bool,
    /// Count instructions under callgrind.
    instructions: bool,
    /// Measure every pair's memory in child processes.
    pair_memory: bool,
    /// The mode's name, for the report.
    mode: &'static str,
}

impl Options {
    fn from_args(args: &[String]) -> Options {
        let mut options = Options {
            rounds: 15,
            sample: Duration::from_millis(60),
            depth: 21,
            big_rounds: 5,
            document: 10 << 20,
            sections: vec!["pairs".into(), "trees".into(), "parser".into()],
            filter: None,
            write: true,
            instructions: true,
            pair_memory: true,
            mode: "full",
        };
        let mut write = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                // cargo bench passes `--bench` to every bench binary.
                "--bench" => {}
                "--quick" => {
                    options.rounds = 7;
                    options.sample = Duration::from_millis(30);
                    options.depth = 18;
                    options.big_rounds = 3;
                    options.document = 1 << 20;
                    options.mode = "quick";
                }
                "--test" => {
                    options.rounds = 1;
                    options.sample = Duration::from_micros(1);
                    options.depth = 8;
                    options.big_rounds = 1;
                    options.document = 16 << 10;
                    options.instructions = false;
                    options.mode = "test";
                }
                "--depth" => options.depth = value(args.next(), "--depth"),
                "--rounds" => options.rounds = value(args.next(), "--rounds"),
                "--document" => options.document = value(args.next(), "--document"),
                "--only" => {
                    let list: String = value(args.next(), "--only");
                    options.sections = list.split(',').map(str::to_owned).collect();
                }
                "--no-instructions" => options.instructions = false,
                "--no-pair-memory" => options.pair_memory = false,
                "--write" => write = Some(true),
                "--no-write" => write = Some(false),
                filter if !filter.starts_with('-') => options.filter = Some(filter.to_owned()),
                other => panic!("unknown option {other}; see benches/report/main.rs"),
            }
        }
        options.write = write.unwrap_or(options.mode == "full");
        options
    }

    fn runs(&self, section: &str) -> bool {
        self.sections.iter().any(|s| s == section)
    }
}

fn value<T: std::str::FromStr>(arg: Option<&String>, name: &str) -> T {
    arg.and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} needs a value"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1..]);
    }
    common::self_check();
    parser::self_check();
    let options = Options::from_args(&args);
    let started = Instant::now();
    let mut report = Report::new(options.mode);

    if options.runs("pairs") {
        pairs(&options, &mut report);
    }
    if options.runs("trees") {
        trees(&options, &mut report);
    }
    if options.runs("parser") {
        parse(&options, &mut report);
    }

    report.print_summary();
    if options.write {
        report.write().expect("write the report files");
    }
    println!("report done in {:.0} s", started.elapsed().as_secs_f64());
}

/// `--child <workload> ...`: one memory measurement (see `memory.rs`).
///
/// - `--child trees <variant> <depth>`
/// - `--child parser <variant> <bytes>`
/// - `--child pair <suite> <group> <function>`: one iteration of a suite's function
fn child(args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        ["trees", variant, depth] => {
            let variant = binary_trees::variants()
                .into_iter()
                .find(|v| v.name == variant)
                .expect("a binary-trees variant");
            let depth = depth.parse().expect("a depth");
            memory::child(|| std::hint::black_box((variant.run)(depth)).nodes);
        }
        ["parser", variant, bytes] => {
            let variant = parser::variants()
                .into_iter()
                .find(|v| v.name == variant)
                .expect("a parser variant");
            let document = parser::generate(bytes.parse().expect("a size"));
            memory::child(|| std::hint::black_box((variant.run)(&document)).nodes);
        }
        ["pair", suite, group, function] => {
            let suite = suites::ALL.iter().find(|s| s.name == suite).expect("a suite");
            let mut group = (suite.groups)()
                .into_iter()
                .find(|g| g.name == group)
                .expect("a group of the suite");
            let mut function = group
                .functions
                .drain(..)
                .find(|f| f.name == function)
                .expect("a function of the group");
            drop(group);
            memory::child(|| {
                (function.run)(1);
                1
            });
        }
        _ => panic!(
            "usage: --child trees|parser <variant> <size>, or --child pair <suite> <group> <function>"
        ),
    }
}

/// Section 1: every suite's groups, interleaved.
fn pairs(options: &Options, report: &mut Report) {
    println!("== pairs: every per-type bench group, {} interleaved rounds ==", options.rounds);
    for suite in suites::ALL {
        for mut group in (suite.groups)() {
            if options.filter.as_ref().is_some_and(|f| !group.name.contains(f.as_str())) {
                continue;
            }
            let samples = timing::interleave(&mut group.functions, options.rounds, options.sample);
            // A function in several comparisons (ours against each peer) is measured once.
            let mut measured: Vec<(&str, memory::Memory)> = Vec::new();
            for comparison in &group.comparisons {
                let index =
                    |name: &str| {
                        group.functions.iter().position(|f| f.name == name).unwrap_or_else(|| {
                            panic!("group {} has no function {name}", group.name)
                        })
                    };
                let ratio =
                    Ratio::of(&samples[index(comparison.ours)], &samples[index(comparison.peer)]);
                let memory = options.pair_memory.then(|| {
                    let mut of =
                        |function| measured_memory(&mut measured, suite.name, group.name, function);
                    (of(comparison.ours), of(comparison.peer))
                });
                let row = Row {
                    suite: suite.name,
                    group: group.name,
                    ours: comparison.ours,
                    peer: comparison.peer,
                    target: comparison.target,
                    ratio,
                    memory,
                };
                println!("{}", row.line());
                report.pairs.push(row);
            }
        }
    }
}

/// The memory of one iteration of `suite/group/function`, from `measured` or, the first
/// time, from a child process.
fn measured_memory<'f>(
    measured: &mut Vec<(&'f str, memory::Memory)>,
    suite: &str,
    group: &str,
    function: &'f str,
) -> memory::Memory {
    if let Some((_, memory)) = measured.iter().find(|(name, _)| *name == function) {
        return *memory;
    }
    let memory = memory::measure(&["pair", suite, group, function]);
    measured.push((function, memory));
    memory
}

/// A function that calls `run` once per iteration and checks that it computed what the
/// first variant did (all variants of a workload compute the same thing).
fn checked<T: PartialEq + std::fmt::Debug + 'static>(
    name: &'static str,
    expected: T,
    run: impl Fn() -> T + 'static,
) -> Function {
    Function::custom(name, move |iters| {
        let start = Instant::now();
        for _ in 0..iters {
            assert_eq!(run(), expected, "{name} computed something other than the first variant");
        }
        start.elapsed()
    })
}

/// Section 2: binary-trees in every allocator.
fn trees(options: &Options, report: &mut Report) {
    let depth = options.depth;
    println!("\n== binary-trees, depth {depth}, {} interleaved rounds ==", options.big_rounds);
    let variants = binary_trees::variants();
    let expected = (variants[0].run)(depth);
    let mut functions: Vec<Function> = variants
        .iter()
        .map(|variant| {
            let run = variant.run;
            checked(variant.name, expected, move || run(depth))
        })
        .collect();
    // One run per sample: a run at depth 21 takes seconds.
    let samples = timing::interleave(&mut functions, options.big_rounds, Duration::ZERO);
    for (variant, samples) in variants.iter().zip(&samples) {
        let memory = memory::measure(&["trees", variant.name, &depth.to_string()]);
        let instructions = (options.instructions && instructions::available())
            .then(|| instructions::per_unit("trees", variant.name, 16, 6))
            .flatten();
        let row = MemoryRow {
            name: variant.name,
            about: variant.about,
            ours: variant.ours,
            ns: timing::median(samples),
            rounds: samples.clone(),
            units: expected.nodes,
            instructions,
            memory,
        };
        println!("{}", row.line());
        report.trees.push(row);
    }
    report.depth = depth;
    report.tree_targets = tree_targets(&report.trees, &samples, &variants);
    for target in &report.tree_targets {
        println!("{}", target.line());
    }
}

/// The binary-trees targets: `bump` against each peer, from per-round ratios.
fn tree_targets(
    rows: &[MemoryRow],
    samples: &timing::Samples,
    variants: &[binary_trees::Variant],
) -> Vec<TargetRow> {
    let index = |name: &str| variants.iter().position(|v| v.name == name);
    let Some(bump) = index("bump") else { return Vec::new() };
    let mut targets = Vec::new();
    for (peer, target) in
        [("glibc", 0.25), ("mimalloc", 0.5), ("bumpalo", 1.0), ("typed-arena", 1.0)]
    {
        if let Some(p) = index(peer) {
            let ratio = Ratio::of(&samples[bump], &samples[p]);
            targets.push(TargetRow {
                what: format!("bump time / {peer} time"),
                value: ratio.ratio,
                of_medians: Some(ratio.ours_ns / ratio.peer_ns),
                target,
            });
        }
    }
    if let Some(instructions) = rows[bump].instructions {
        targets.push(TargetRow {
            what: "bump instructions per node".into(),
            value: instructions,
            of_medians: None,
            target: 50.0,
        });
    }
    targets
}

/// Section 3: the parser.
fn parse(options: &Options, report: &mut Report) {
    let size = options.document;
    let document = parser::generate(size);
    println!(
        "\n== parser: a {:.1} MB document, {} interleaved rounds ==",
        document.len() as f64 / 1e6,
        options.big_rounds
    );
    let variants = parser::variants();
    let expected = (variants[0].run)(&document);
    let document: &'static str = Box::leak(document.into_boxed_str());
    let mut functions: Vec<Function> = variants
        .iter()
        .map(|variant| {
            let run = variant.run;
            checked(variant.name, expected, move || run(document))
        })
        .collect();
    let samples = timing::interleave(
        &mut functions,
        options.big_rounds.max(3),
        Duration::from_millis(200).min(options.sample * 4),
    );
    for (variant, samples) in variants.iter().zip(&samples) {
        let memory = memory::measure(&["parser", variant.name, &size.to_string()]);
        let row = MemoryRow {
            name: variant.name,
            about: variant.about,
            ours: variant.ours,
            ns: timing::median(samples),
            rounds: samples.clone(),
            units: expected.nodes,
            instructions: None,
            memory,
        };
        println!("{}", row.line());
        report.parser.push(row);
    }
    report.document = document.len();
    if let (Some(ours), Some(peer)) =
        (variants.iter().position(|v| v.ours), variants.iter().position(|v| !v.ours))
    {
        let ratio = Ratio::of(&samples[ours], &samples[peer]);
        println!(
            "parser: {} / {} = {:.3} ({} vs {})",
            variants[ours].name,
            variants[peer].name,
            ratio.ratio,
            Nanos(ratio.ours_ns),
            Nanos(ratio.peer_ns)
        );
        report.parser_ratio = Some(ratio);
    }
}

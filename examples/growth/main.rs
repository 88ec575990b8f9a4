//! How a `Vec` grows: every reallocation behind N pushes, over four allocators, printed
//! as a table and drawn as an SVG chart.
//!
//! ```text
//! cargo run --example growth                          # N = 100,000 u64s
//! cargo run --example growth -- 1000000               # N = 1,000,000
//! cargo run --example growth -- 5000 --svg /tmp/g.svg  # the chart elsewhere
//! cargo run --example growth --features nightly       # core's Allocator (nightly)
//! cargo +stable run --example growth                  # allocator-api2's, on stable
//! ```
//!
//! The chart goes to `target/growth.svg` unless `--svg PATH` says otherwise (render it
//! with, say, `rsvg-convert -w 900 target/growth.svg -o growth.png`, or open it in a
//! browser).
//!
//! # The growth rule
//!
//! A `Vec<T>` keeps its elements in one block of `capacity` slots. When `push` finds
//! the block full, it asks its allocator to *grow* the block to
//!
//! ```text
//! new capacity = max(2 × capacity, len + 1, 4)     (4: the minimum for 8-byte elements)
//! ```
//!
//! that is, it doubles. The allocator either extends the block where it is (*in place*:
//! the same address comes back, nothing is copied), or *moves* it: it allocates a bigger
//! block elsewhere, copies the old contents over and frees the old block.
//!
//! Doubling is what makes `push` cheap. Suppose every grow moves. After N pushes (N > 4)
//! the capacity `c` is less than 2N, and the grows have copied the old capacities:
//!
//! ```text
//!   pushes      1 2 3 4 │ 5 .. 8 │ 9 ..... 16 │ 17 ........ 32 │ 33 ...
//!   capacity       4    │   8    │     16     │       32       │  64
//!   a grow copies       4        8            16               32     elements
//!
//!   copied in all: 4 + 8 + 16 + ... + c/2  =  c - 4  <  c  <  2N
//! ```
//!
//! So N pushes copy fewer than 2N elements on top of writing N: a constant amount of
//! work per push, *amortized* O(1), even though a single push that grows copies the
//! whole vector. Growing by a fixed step instead (say 16 more slots each time) would copy
//! 16 + 32 + 48 + ... ≈ N² / 32 elements: O(N) per push. For a vector whose every grow
//! moves, the total copied stays between about 1× and 2× the bytes pushed: 2× just after
//! a grow, 1× just before the next.
//!
//! # In place: what a bump allocator does
//!
//! `allockit`'s [`Bump`] hands out memory by moving a pointer upward through a chunk.
//! The block that ends at the bump pointer is the *newest* one, and it grows in place
//! by moving the pointer further: a grow is a few comparisons and a pointer update, and
//! copies nothing. Once anything else is allocated after the vector, the vector is no longer the
//! newest block: its next grow must take fresh memory above and copy, and the old buffer
//! stays behind until the bump is reset (a bump frees only its newest block).
//!
//! ```text
//!  the vector is the newest block: grow = move the bump pointer
//!    │ .. │ vec: 4 slots │ free ..................................│
//!                        ▲ bump ptr
//!    │ .. │ vec: 8 slots               │ free ....................│   0 bytes copied
//!                                      ▲ bump ptr
//!
//!  something was allocated after it: grow = allocate above, copy, leave the old behind
//!    │ .. │ vec: 4 slots │ x │ free ..................................│
//!    │ .. │ (old, dead)  │ x │ vec: 8 slots (4 copied)    │ free .....│  32 bytes copied
//!                                                         ▲ bump ptr
//! ```
//!
//! # The four vectors
//!
//! Each pushes the same N `u64`s into an `allockit::Vec` whose allocator is wrapped in
//! [`Tracing`], with a closure sink that records every call as an [`Event`]; the events
//! say whether each grow stayed in place ([`Event::in_place`]) or moved, and how many
//! bytes a move copied ([`Event::bytes_copied`]).
//!
//! 1. **Global**: the global heap (on Linux with glibc, `realloc`, which extends a block
//!    in place when the memory after it is free). Whatever it actually does is what the
//!    table shows; it runs first, before the other vectors have used the heap.
//! 2. **Bump (newest)**: a [`Bump`] whose first chunk has room for the final capacity,
//!    with nothing else allocated: every grow in place, 0 bytes copied. (In a smaller
//!    chunk, a vector that is the chunk's only block and outgrows it would grow the
//!    chunk itself through the parent's `grow`, that is `realloc` again.)
//! 3. **Bump (not newest)**: a [`Bump`] where a `u64` is allocated right after the
//!    vector each time the vector gets a new block: every grow moves and copies.
//! 4. **with_capacity(N)**: `Vec::with_capacity_in(N, Global)`, one allocation and no
//!    growth: the baseline when N is known up front.
//!
//! # Reading the output
//!
//! The table gives, per allocator: the allocator calls (the allocation, the grows and
//! the final free), how many grows stayed in place and how many moved, the bytes the
//! moves copied, the final capacity, and those bytes relative to N × 8, the bytes pushed.
//!
//! The chart has two panels over the same axis of pushes (log₂ scale):
//!
//! 1. the capacity after each push, a staircase whose steps are all the same size on
//!    log₂ axes, above the vector's length; below it, one lane per allocator marks each
//!    call at the push that made it: ● grew in place, ✕ moved, ◇ first allocation;
//! 2. the bytes copied so far, one line per allocator (log₂ scale; a row below the axis
//!    holds the lines that stay at 0), over the band where a vector that copies on every
//!    grow must lie.
//!
//! [`Bump`]: allockit::Bump
//! [`Tracing`]: allockit::wrappers::tracing::Tracing
//! [`Event`]: allockit::wrappers::tracing::Event
//! [`Event::in_place`]: allockit::wrappers::tracing::Event::in_place
//! [`Event::bytes_copied`]: allockit::wrappers::tracing::Event::bytes_copied
#![cfg_attr(feature = "nightly", feature(allocator_api))]

mod record;
mod runs;
mod style;
mod svg;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use runs::measure;
use style::group;
use svg::{chart, write_svg};
use table::{print_notes, print_table};

const USAGE: &str = "usage: growth [N] [--svg PATH]
  N           how many u64s to push into each vector (default 100000)
  --svg PATH  where to write the chart (default target/growth.svg)";

/// Pushes per vector unless the command line says otherwise.
const DEFAULT_N: usize = 100_000;
/// The most pushes accepted: vectors of up to 512 MiB (and a bump holding twice that).
const MAX_N: usize = 1 << 26;
/// Where the chart goes unless `--svg` says otherwise.
const DEFAULT_SVG: &str = "target/growth.svg";

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("growth: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let n = options.n;
    let values = if n == 1 { "u64" } else { "u64s" };
    println!(
        "Pushing {} {values} into allockit::Vec over four allocators, each traced.\n",
        group(n)
    );

    let runs = measure(n);
    print_table(&runs, n);
    print_notes(&runs, n);

    let svg = chart(&runs, n);
    match write_svg(&options.svg, &svg) {
        Ok(()) => {
            println!("\nChart: {}", options.svg.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("growth: cannot write {}: {error}", options.svg.display());
            ExitCode::FAILURE
        }
    }
}

/// What the command line asked for.
struct Options {
    /// Pushes per vector.
    n: usize,
    /// Where the chart goes.
    svg: PathBuf,
}

impl Options {
    /// `[N] [--svg PATH]` in any order; `Ok(None)` for `--help`.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
        let mut options = Options { n: DEFAULT_N, svg: PathBuf::from(DEFAULT_SVG) };
        let mut seen_n = false;
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(None),
                "--svg" => {
                    options.svg = args.next().ok_or("--svg needs a path")?.into();
                }
                _ if !seen_n && !arg.starts_with('-') => {
                    // `100_000` and `100,000` read as 100000.
                    let digits: String = arg.chars().filter(|c| !matches!(c, '_' | ',')).collect();
                    options.n = digits.parse().ok().filter(|n| (1..=MAX_N).contains(n)).ok_or(
                        format!("N must be a number from 1 to {}, not {arg:?}", group(MAX_N)),
                    )?;
                    seen_n = true;
                }
                _ => return Err(format!("unexpected argument {arg:?}")),
            }
        }
        Ok(Some(options))
    }
}

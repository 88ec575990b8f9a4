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
#![cfg_attr(feature = "nightly", feature(allocator_api))]

use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::vec::Vec as StdVec;

use allockit::alloc::{Allocator, Global};
use allockit::wrappers::tracing::{Call, Event, Tracing};
use allockit::{Bump, Vec};

const USAGE: &str = "usage: growth [N] [--svg PATH]
  N           how many u64s to push into each vector (default 100000)
  --svg PATH  where to write the chart (default target/growth.svg)";

/// Pushes per vector unless the command line says otherwise.
const DEFAULT_N: usize = 100_000;
/// The most pushes accepted: vectors of up to 512 MiB (and a bump holding twice that).
const MAX_N: usize = 1 << 26;
/// Where the chart goes unless `--svg` says otherwise.
const DEFAULT_SVG: &str = "target/growth.svg";
/// Bytes per element: the vectors hold `u64`s.
const ELEM: usize = size_of::<u64>();
/// Room for every event of one vector, reserved before it starts so that the sink never
/// allocates: one allocation, one grow per doubling (fewer than `usize::BITS`), one free.
const LOG_ROOM: usize = usize::BITS as usize + 8;

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

// ----------------------------------------------------------------------------------------
// The command line
// ----------------------------------------------------------------------------------------

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

// ----------------------------------------------------------------------------------------
// Measuring
// ----------------------------------------------------------------------------------------

/// One allocator call the vector made, and when.
#[derive(Clone, Copy)]
struct Change {
    /// The push that made the call: 1 for the first, 0 for a call before any push.
    push: usize,
    /// The call, as the tracer reported it.
    event: Event,
    /// The vector's capacity right after the push.
    capacity: usize,
}

/// What one vector did to its allocator while N values were pushed.
struct Trace {
    /// Every allocation and grow, in order (the final free is not a change).
    changes: StdVec<Change>,
    /// Every call the tracer saw, the final free included.
    calls: usize,
    /// The capacity after the last push.
    capacity: usize,
}

impl Trace {
    /// The grows (a vector that only pushes never shrinks).
    fn grows(&self) -> impl Iterator<Item = &Event> {
        self.changes.iter().map(|c| &c.event).filter(|e| matches!(e.call, Call::Grow))
    }

    fn grows_in_place(&self) -> usize {
        self.grows().filter(|e| e.in_place()).count()
    }

    fn grows_moved(&self) -> usize {
        self.grows().filter(|e| e.moved()).count()
    }

    fn bytes_copied(&self) -> usize {
        self.grows().map(Event::bytes_copied).sum()
    }

    /// The moves of blocks that glibc's `realloc` would move with mremap (see
    /// [`is_mmapped`]).
    fn remapped(&self) -> usize {
        self.grows().filter(|e| e.moved() && is_mmapped(e)).count()
    }
}

/// How the vector starts.
#[derive(Clone, Copy)]
enum Start {
    /// `Vec::new_in`: empty, growing by the rule.
    Empty,
    /// `Vec::with_capacity_in(N)`: room for every push from the start.
    Reserved,
}

/// Pushes `0..n` into a vector over `Tracing<inner>`, recording every call with the push
/// that made it. `after_call` runs after each push (or the initial reservation) that
/// called the allocator.
fn watch<A: Allocator>(inner: A, n: usize, start: Start, mut after_call: impl FnMut()) -> Trace {
    // The sink must not allocate from the heap the vector is growing in: a new block
    // could land right after the vector's and change what `realloc` can do. So both
    // lists get all the room they will need before the first push.
    let log = RefCell::new(StdVec::with_capacity(LOG_ROOM));
    let tracer = Tracing::with_sink(inner, |event: &Event| log.borrow_mut().push(*event));
    let mut changes = StdVec::with_capacity(LOG_ROOM);
    let mut seen = 0;
    // Copies the events recorded since the last look into `changes`: true if there were any.
    let mut take = |push: usize, capacity: usize| {
        let log = log.borrow();
        let new = &log[seen..];
        seen = log.len();
        changes.extend(new.iter().map(|&event| Change { push, event, capacity }));
        !new.is_empty()
    };

    let mut v: Vec<u64, _> = match start {
        Start::Empty => Vec::new_in(&tracer),
        Start::Reserved => Vec::with_capacity_in(n, &tracer),
    };
    if take(0, v.capacity()) {
        after_call();
    }
    for i in 0..n {
        v.push(i as u64);
        if take(i + 1, v.capacity()) {
            after_call();
        }
    }
    // Every move copied the elements over: the vector still holds 0, 1, 2, ...
    assert!(v.iter().copied().eq(0..n as u64), "the vector lost its contents");
    let capacity = v.capacity();
    drop(v);
    let calls = log.borrow().len();
    Trace { changes, calls, capacity }
}

/// One vector of the comparison: its allocator, how it is drawn, and what it did.
struct Run {
    /// Short name, for the table and the legends.
    name: &'static str,
    /// One line on the set-up.
    about: &'static str,
    /// Stroke colour in the chart.
    colour: &'static str,
    /// `stroke-dasharray` of its line (empty: solid).
    dash: &'static str,
    /// Drawn first, wider and paler, so that a line over it stays visible (the lines of
    /// panel 2 overlap where two vectors copied the same bytes).
    under: bool,
    /// What the vector did.
    trace: Trace,
    /// Its grows are the global heap's `realloc` (on glibc, large blocks move by mremap).
    realloc: bool,
    /// For a bump: the bytes it still holds after the vector is dropped.
    left_in_bump: Option<usize>,
}

impl Run {
    /// The stroke attributes of its line in panel 2 and in the legends.
    fn stroke(&self) -> String {
        let (width, opacity) = if self.under { (4.5, 0.5) } else { (2.0, 1.0) };
        format!(
            r##"stroke="{}" stroke-width="{width}" stroke-opacity="{opacity}" stroke-dasharray="{}""##,
            self.colour, self.dash
        )
    }
}

/// The four vectors, one after the other.
fn measure(n: usize) -> [Run; 4] {
    // First, while the heap is a fresh process's: glibc adapts to what the process did
    // (freeing a large mmapped block raises its threshold for using mmap).
    let global = watch(Global, n, Start::Empty, || {});

    // A first chunk with room for the final capacity (for u64s, a power of two from 4
    // up), so the vector never has to leave it.
    let roomy = Bump::with_capacity(n.max(4).next_power_of_two() * ELEM);
    let newest = watch(&roomy, n, Start::Empty, || {});
    let newest_left = roomy.stats().allocated;

    // Each time the vector gets a new block, something is allocated right after it.
    let crowded = Bump::new();
    let not_newest = watch(&crowded, n, Start::Empty, || {
        crowded.alloc(0_u64);
    });
    let not_newest_left = crowded.stats().allocated;

    let reserved = watch(Global, n, Start::Reserved, || {});

    [
        Run {
            name: "Global",
            about: "the global heap: realloc",
            colour: "#1f6fb4",
            dash: "",
            under: false,
            trace: global,
            realloc: true,
            left_in_bump: None,
        },
        Run {
            name: "Bump (newest)",
            about: "the vector ends at the bump pointer",
            colour: "#2a9d3a",
            dash: "",
            under: true,
            trace: newest,
            realloc: false,
            left_in_bump: Some(newest_left),
        },
        Run {
            name: "Bump (not newest)",
            about: "a u64 allocated after each grow",
            colour: "#d3372f",
            dash: "",
            under: true,
            trace: not_newest,
            realloc: false,
            left_in_bump: Some(not_newest_left),
        },
        Run {
            name: "with_capacity(N)",
            about: "Vec::with_capacity_in(N, Global)",
            colour: "#8a5cc2",
            dash: "7 4",
            under: false,
            trace: reserved,
            realloc: true,
            left_in_bump: None,
        },
    ]
}

// ----------------------------------------------------------------------------------------
// The table and the notes
// ----------------------------------------------------------------------------------------

fn print_table(runs: &[Run], n: usize) {
    let pushed = n * ELEM;
    println!(
        "{:<17}  {:>5}  {:>8}  {:>5}  {:>12}  {:>14}  {:>16}",
        "allocator",
        "calls",
        "in place",
        "moved",
        "bytes copied",
        "final capacity",
        "copied / (N × 8)"
    );
    println!("{}", "-".repeat(89));
    for run in runs {
        let t = &run.trace;
        println!(
            "{:<17}  {:>5}  {:>8}  {:>5}  {:>12}  {:>14}  {:>15}×",
            run.name,
            t.calls,
            t.grows_in_place(),
            t.grows_moved(),
            group(t.bytes_copied()),
            group(t.capacity),
            share(t.bytes_copied(), n)
        );
    }
    println!("{}", "-".repeat(89));
    note(&format!(
        "calls: the allocation, the grows and the final deallocate. in place, moved: the grows. \
         N~×~8~=~{} bytes pushed.",
        group(pushed)
    ));
}

/// A few lines on what the table shows, written from the measurements.
fn print_notes(runs: &[Run], n: usize) {
    let [global, newest, not_newest, reserved] = runs else { return };
    let share = |copied: usize| share(copied, n);
    let growing = &newest.trace;
    let first: StdVec<String> = growing.changes.iter().take(4).map(|c| group(c.capacity)).collect();
    let grows = growing.grows().count();

    println!("\nWhat this shows:");
    if grows == 0 {
        bullet(
            "The first allocation, 4 slots, holds every push, so no vector grows: push 5 would \
             be the first to double the capacity. Try a larger N.",
        );
        return;
    }
    bullet(&format!(
        "Capacity runs {}, ... up to {}: {grows} grows for {} pushes, the same steps over every \
         allocator (the growth rule never asks the allocator). What differs is what a grow costs.",
        first.join(", "),
        group(growing.capacity),
        group(n)
    ));
    bullet(&format!(
        "Bump (newest): the vector's block ends at the bump pointer, so a grow only moves the \
         pointer: {} of {grows} grows in place, {} bytes copied. Dropping the vector, still the \
         newest block, gave its bytes back: the bump holds {} afterwards.",
        newest.trace.grows_in_place(),
        group(newest.trace.bytes_copied()),
        bytes(newest.left_in_bump.unwrap_or(0))
    ));
    let held = not_newest.left_in_bump.unwrap_or(0);
    bullet(&format!(
        "Bump (not newest): a u64 allocated after the vector each time it grows pins it: {} of \
         {grows} grows moved, copying {} ({}~×~N~×~8). No buffer it left was the newest block, \
         so none could be given back: after the vector is dropped the bump still holds {}, \
         {:.1}× the final vector, until it is reset. Being the newest block is what makes \
         growing free.",
        not_newest.trace.grows_moved(),
        bytes(not_newest.trace.bytes_copied()),
        share(not_newest.trace.bytes_copied()),
        bytes(held),
        held as f64 / (not_newest.trace.capacity * ELEM) as f64
    ));
    let in_place = global.trace.grows_in_place();
    let mut about_global = format!(
        "Global: realloc grew the block in place {}{} and moved it {}, copying {} \
         ({}~×~N~×~8).",
        times(in_place),
        if in_place > 0 { " (the memory right after it was free)" } else { "" },
        times(global.trace.grows_moved()),
        bytes(global.trace.bytes_copied()),
        share(global.trace.bytes_copied())
    );
    let remapped = global.trace.remapped();
    if cfg!(all(target_os = "linux", target_env = "gnu")) && remapped > 0 {
        let _ = write!(
            about_global,
            " {remapped} of the moves were of blocks of 128 KiB or more, which glibc normally \
             maps with mmap and moves with mremap, remapping pages instead of copying bytes; \
             Tracing sees only the new address, so for Global the bytes copied may overstate \
             the copying."
        );
    }
    bullet(&about_global);
    bullet(
        "Doubling bounds the copying whatever the allocator: the grows copy \
         4~+~8~+~...~+~c/2~=~c~-~4~<~2N elements (c the final capacity), less than \
         2~×~N~×~8 bytes, so push is amortized O(1).",
    );
    bullet(&format!(
        "with_capacity(N): {} calls (allocate, deallocate), capacity {}, nothing copied: the \
         baseline when N is known up front.",
        reserved.trace.calls,
        group(reserved.trace.capacity)
    ));
}

/// Prints `text` wrapped to 90 columns (see [`wrap`]).
fn note(text: &str) {
    wrap(text, "", "");
}

/// Prints `text` as a list item wrapped to 90 columns (see [`wrap`]).
fn bullet(text: &str) {
    wrap(text, "- ", "  ");
}

/// Prints `text` wrapped to 90 columns, each line starting with `first` or `rest`; a `~`
/// is a space that does not break.
fn wrap(text: &str, first: &str, rest: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > 90 {
            println!("{line}");
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word.replace('~', " "));
        empty = false;
    }
    println!("{line}");
}

/// Whether glibc would have served the moved block from mmap: 128 KiB and more (its
/// default threshold; it rises after such a block is freed, so this is a guess).
fn is_mmapped(event: &Event) -> bool {
    event.old.is_some_and(|(_, layout)| layout.size() >= 128 << 10)
}

/// `copied` as a multiple of the bytes pushed, N × 8: `1.31`, or `<0.01` rather than a
/// misleading `0.00` when something was copied.
fn share(copied: usize, n: usize) -> String {
    let share = copied as f64 / (n * ELEM) as f64;
    match copied {
        0 => "0".to_string(),
        _ if share < 0.005 => "<0.01".to_string(),
        _ => format!("{share:.2}"),
    }
}

/// `1 time`, `2 times`.
fn times(k: usize) -> String {
    if k == 1 { "1 time".to_string() } else { format!("{k} times") }
}

/// `1234567` as `1,234,567`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count in B, KiB, MiB or GiB.
fn bytes(n: usize) -> String {
    let mut value = n as f64;
    for unit in ["B", "KiB", "MiB"] {
        // Below 1023.95 so that nothing prints as "1024.0 KiB".
        if value < 1023.95 {
            return if unit == "B" { format!("{n} B") } else { format!("{value:.1} {unit}") };
        }
        value /= 1024.0;
    }
    format!("{value:.1} GiB")
}

/// A power-of-two byte count as a short axis label: `64 B`, `16 KiB`, `4 MiB`.
fn bytes_tick(n: u64) -> String {
    match n {
        _ if n >= 1 << 30 => format!("{} GiB", n >> 30),
        _ if n >= 1 << 20 => format!("{} MiB", n >> 20),
        _ if n >= 1 << 10 => format!("{} KiB", n >> 10),
        _ => format!("{n} B"),
    }
}

// ----------------------------------------------------------------------------------------
// The chart
// ----------------------------------------------------------------------------------------

/// Canvas width.
const WIDTH: f64 = 960.0;
/// Left edge of both plots (the y labels go left of it).
const LEFT: f64 = 78.0;
/// Right edge of both plots.
const RIGHT: f64 = 668.0;
/// Left edge of the legend column.
const LEGEND: f64 = 690.0;
/// Panel 1: the capacity plot.
const P1_TOP: f64 = 92.0;
const P1_BOTTOM: f64 = 372.0;
/// Panel 1's lanes of markers, one per run.
const LANES_TOP: f64 = 438.0;
const LANE: f64 = 24.0;
/// Panel 2: the bytes-copied plot, and the row below it for lines at zero.
const P2_TOP: f64 = 586.0;
const P2_BOTTOM: f64 = 826.0;
const ZERO_ROW: f64 = 850.0;
/// Canvas height.
const HEIGHT: f64 = 912.0;

/// A log₂ axis: `lo` and `hi` are exponents, `from` and `to` the pixels they map to.
#[derive(Clone, Copy)]
struct LogAxis {
    lo: f64,
    hi: f64,
    from: f64,
    to: f64,
}

impl LogAxis {
    fn at(self, value: f64) -> f64 {
        let t = (value.max(f64::MIN_POSITIVE).log2() - self.lo) / (self.hi - self.lo);
        self.from + t * (self.to - self.from)
    }

    /// The powers of two within the axis whose exponents are multiples of `step`.
    fn powers(self, step: i32) -> impl Iterator<Item = u64> {
        let first = (self.lo.ceil() as i32).max(0);
        let last = self.hi.floor() as i32;
        (first..=last).filter(move |e| e % step == 0).map(|e| 1_u64 << e)
    }
}

/// Text safe inside an SVG element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The whole SVG document.
fn chart(runs: &[Run], n: usize) -> String {
    // Pushes on a log₂ axis from 1 to N (a little room left of 1 for the markers there).
    let x = LogAxis { lo: -0.35, hi: (n.max(4) as f64).log2(), from: LEFT, to: RIGHT };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">"##
    );
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="white"/>"##);
    let _ = writeln!(
        svg,
        r##"<text x="16" y="26" font-size="16" font-weight="bold">How a Vec grows: {} pushes of u64 into allockit::Vec, every allocator call traced</text>"##,
        group(n)
    );
    let _ = writeln!(
        svg,
        r##"<text x="16" y="45" fill="#555">Capacity doubles (4, 8, 16, ...) whatever the allocator; whether each grow copies depends on the allocator.</text>"##
    );
    capacity_panel(&mut svg, runs, n, x);
    copied_panel(&mut svg, runs, n, x);
    let _ = writeln!(svg, "</svg>");
    svg
}

/// The ticks and labels of the pushes axis, at `y` (the axis line) with labels below.
fn pushes_axis(svg: &mut String, x: LogAxis, n: usize, y: f64) {
    let _ = writeln!(svg, r##"<line x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}" stroke="#333"/>"##);
    for p in x.powers(2) {
        let px = x.at(p as f64);
        // Leave room for N's own label at the right end (about 6.5 px a character).
        let room = 6.5 * (group(p as usize).len() + group(n).len() + 4) as f64 / 2.0 + 8.0;
        if RIGHT - px < room {
            continue;
        }
        let _ = writeln!(
            svg,
            r##"<line x1="{px:.1}" y1="{y}" x2="{px:.1}" y2="{:.1}" stroke="#333"/><text x="{px:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text>"##,
            y + 4.0,
            y + 16.0,
            group(p as usize)
        );
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{RIGHT}" y1="{y}" x2="{RIGHT}" y2="{:.1}" stroke="#333"/><text x="{RIGHT}" y="{:.1}" text-anchor="middle" font-weight="bold">N = {}</text>"##,
        y + 4.0,
        y + 16.0,
        group(n)
    );
    let _ = writeln!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">pushes (= the vector's length), log₂ scale</text>"##,
        (LEFT + RIGHT) / 2.0,
        y + 32.0
    );
}

/// How a call is marked in the chart.
#[derive(Clone, Copy)]
enum Mark {
    /// A grow that kept the address: ●.
    InPlace,
    /// A grow that moved (and copied): ✕.
    Moved,
    /// The first allocation: ◇.
    Allocated,
}

impl Mark {
    fn of(event: &Event) -> Mark {
        if event.moved() {
            Mark::Moved
        } else if event.in_place() {
            Mark::InPlace
        } else {
            Mark::Allocated
        }
    }

    /// Draws the mark centred on (`cx`, `cy`).
    fn draw(self, svg: &mut String, cx: f64, cy: f64, colour: &str, size: f64) {
        let (s, d) = (size, 2.0 * size);
        let _ = match self {
            Mark::InPlace => {
                writeln!(svg, r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="{s:.1}" fill="{colour}"/>"##)
            }
            Mark::Moved => writeln!(
                svg,
                r##"<path d="M{:.1},{:.1}l{d:.1},{d:.1}m0,-{d:.1}l-{d:.1},{d:.1}" stroke="{colour}" stroke-width="2.2"/>"##,
                cx - s,
                cy - s
            ),
            Mark::Allocated => {
                let s = 1.3 * s;
                writeln!(
                    svg,
                    r##"<path d="M{cx:.1},{:.1}l{s:.1},{s:.1}l-{s:.1},{s:.1}l-{s:.1},-{s:.1}z" fill="white" stroke="{colour}" stroke-width="1.8"/>"##,
                    cy - s
                )
            }
        };
    }
}

/// A capacity staircase, and the runs that climbed it.
struct Staircase<'a> {
    /// (push, capacity after it) at each allocation and grow.
    steps: StdVec<(usize, usize)>,
    runs: StdVec<&'a Run>,
}

/// Panel 1: the capacity after each push, and a lane of calls per allocator.
fn capacity_panel(svg: &mut String, runs: &[Run], n: usize, x: LogAxis) {
    let top_capacity = runs.iter().map(|r| r.trace.capacity).max().unwrap_or(4).max(4);
    let y = LogAxis {
        lo: -0.35,
        hi: (top_capacity as f64).log2().ceil() + 0.5,
        from: P1_BOTTOM,
        to: P1_TOP,
    };
    let _ = writeln!(
        svg,
        r##"<text x="16" y="{:.1}" font-size="13" font-weight="bold">1. Capacity after each push (both axes log₂: every doubling is one equal step)</text>"##,
        P1_TOP - 16.0
    );

    // Grid: a line per power of two, labelled every other one.
    for c in y.powers(1) {
        let py = y.at(c as f64);
        let even = c.trailing_zeros() % 2 == 0;
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{RIGHT}" y2="{py:.1}" stroke="{}"/>"##,
            if even { "#e4e4e4" } else { "#f2f2f2" }
        );
        if even {
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text>"##,
                LEFT - 6.0,
                py + 4.0,
                group(c as usize)
            );
        }
    }
    // A faint vertical line at every push that called the allocator, through the lanes.
    let lanes_bottom = LANES_TOP + LANE * runs.len() as f64;
    let mut pushes: StdVec<usize> =
        runs.iter().flat_map(|r| r.trace.changes.iter().map(|c| c.push.max(1))).collect();
    pushes.sort_unstable();
    pushes.dedup();
    for &p in &pushes {
        let px = x.at(p as f64);
        let _ = writeln!(
            svg,
            r##"<line x1="{px:.1}" y1="{P1_TOP}" x2="{px:.1}" y2="{lanes_bottom:.1}" stroke="#e8e8e8" stroke-dasharray="2 2"/>"##
        );
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{P1_TOP}" width="{:.1}" height="{:.1}" fill="none" stroke="#999"/>"##,
        RIGHT - LEFT,
        P1_BOTTOM - P1_TOP
    );
    let _ = writeln!(
        svg,
        r##"<text transform="translate(20,{:.1}) rotate(-90)" text-anchor="middle" fill="#333">capacity (elements), log₂ scale</text>"##,
        (P1_TOP + P1_BOTTOM) / 2.0
    );

    // The length: one more after each push, the diagonal the staircase stays above.
    let (x0, y0, x1, y1) = (x.at(1.0), y.at(1.0), x.at(n as f64), y.at(n as f64));
    let _ = writeln!(
        svg,
        r##"<line x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y1:.1}" stroke="#888" stroke-width="1.2" stroke-dasharray="3 3"/>"##
    );
    let angle = (y1 - y0).atan2(x1 - x0).to_degrees();
    let (lx, ly) = (x.at((n as f64).sqrt()), y.at((n as f64).sqrt()));
    let _ = writeln!(
        svg,
        r##"<text transform="translate({:.1},{:.1}) rotate({angle:.1})" fill="#777" text-anchor="middle">length</text>"##,
        lx + 10.0,
        ly + 14.0
    );

    // The staircases: runs with the same steps share one (drawn once, in black).
    let mut stairs: StdVec<Staircase> = StdVec::new();
    for run in runs {
        let steps: StdVec<(usize, usize)> =
            run.trace.changes.iter().map(|c| (c.push.max(1), c.capacity)).collect();
        match stairs.iter_mut().find(|s| s.steps == steps) {
            Some(stair) => stair.runs.push(run),
            None => stairs.push(Staircase { steps, runs: vec![run] }),
        }
    }
    let mut legend_y = P1_TOP + 8.0;
    for Staircase { steps, runs: members } in &stairs {
        let Some(&(p, c)) = steps.first() else { continue };
        let mut d = format!("M{:.1},{:.1}", x.at(p as f64), y.at(c as f64));
        for &(p, c) in &steps[1..] {
            let _ = write!(d, "H{:.1}V{:.1}", x.at(p as f64), y.at(c as f64));
        }
        let _ = write!(d, "H{RIGHT}");
        let (colour, dash) = match members.as_slice() {
            [only] => (only.colour, only.dash),
            _ => ("#222", ""),
        };
        let _ = writeln!(
            svg,
            r##"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"##
        );
        let _ = writeln!(
            svg,
            r##"<line x1="{LEGEND}" y1="{legend_y:.1}" x2="{:.1}" y2="{legend_y:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"##,
            LEGEND + 24.0
        );
        let label = match members.as_slice() {
            [only] => format!("capacity: {}", only.name),
            _ => format!("capacity: the {} growing vectors", members.len()),
        };
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}">{}</text>"##,
            LEGEND + 30.0,
            legend_y + 4.0,
            escape(&label)
        );
        if members.len() > 1 {
            legend_y += 15.0;
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" fill="#666">identical: the rule ignores the allocator</text>"##,
                LEGEND + 30.0,
                legend_y + 4.0
            );
        }
        legend_y += 22.0;
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{LEGEND}" y1="{legend_y:.1}" x2="{:.1}" y2="{legend_y:.1}" stroke="#888" stroke-width="1.2" stroke-dasharray="3 3"/><text x="{:.1}" y="{:.1}">length (= pushes)</text>"##,
        LEGEND + 24.0,
        LEGEND + 30.0,
        legend_y + 4.0
    );
    legend_y += 30.0;
    for line in [
        "Each step: the vector was full, the next",
        "push asked for twice the room. The",
        "staircase touches the length line when",
        "the vector is full, just before a grow.",
    ] {
        let _ =
            writeln!(svg, r##"<text x="{LEGEND}" y="{legend_y:.1}" fill="#555">{line}</text>"##);
        legend_y += 15.0;
    }

    pushes_axis(svg, x, n, P1_BOTTOM);

    // The lanes: each allocator's calls at the push that made them.
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="{:.1}" font-weight="bold" fill="#333">Allocator calls, at the push that made them:</text>"##,
        LANES_TOP - 12.0
    );
    // The key, with each entry's offset from the first (room for its label).
    let key = [
        (0.0, Mark::InPlace, "grew in place"),
        (96.0, Mark::Moved, "moved (and copied)"),
        (236.0, Mark::Allocated, "allocated"),
    ];
    for (offset, mark, label) in key {
        let kx = RIGHT - 300.0 + offset;
        mark.draw(svg, kx, LANES_TOP - 16.0, "#333", 4.0);
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#333">{label}</text>"##,
            kx + 9.0,
            LANES_TOP - 12.0
        );
    }
    for (i, run) in runs.iter().enumerate() {
        let cy = LANES_TOP + LANE * (i as f64 + 0.5);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{cy:.1}" x2="{RIGHT}" y2="{cy:.1}" stroke="{}" stroke-opacity="0.35"/>"##,
            run.colour
        );
        for change in &run.trace.changes {
            Mark::of(&change.event).draw(svg, x.at(change.push.max(1) as f64), cy, run.colour, 4.5);
        }
        let grows = match (run.trace.grows_in_place(), run.trace.grows_moved()) {
            (0, 0) => "no grow".to_string(),
            (in_place, moved) => format!("{in_place} in place, {moved} moved"),
        };
        let _ = writeln!(
            svg,
            r##"<text x="{LEGEND}" y="{:.1}" fill="{}" font-weight="bold">{}</text><text x="{:.1}" y="{:.1}" fill="#555">{grows}</text>"##,
            cy + 4.0,
            run.colour,
            escape(run.name),
            LEGEND + 122.0,
            cy + 4.0
        );
    }
}

/// Panel 2: the bytes copied so far, after each push.
fn copied_panel(svg: &mut String, runs: &[Run], n: usize, x: LogAxis) {
    let most = runs.iter().map(|r| r.trace.bytes_copied()).max().unwrap_or(0);
    let top = most.max(2 * n * ELEM).max(64) as f64;
    let y = LogAxis { lo: 2.6, hi: top.log2() + 0.4, from: P2_BOTTOM, to: P2_TOP };
    let _ = writeln!(
        svg,
        r##"<text x="16" y="{:.1}" font-size="13" font-weight="bold">2. Bytes copied by the grows so far (log₂ scale; lines that never copy run along 0)</text>"##,
        P2_TOP - 16.0
    );
    let _ = writeln!(
        svg,
        r##"<clipPath id="copied"><rect x="{LEFT}" y="{P2_TOP}" width="{:.1}" height="{:.1}"/></clipPath>"##,
        RIGHT - LEFT,
        P2_BOTTOM - P2_TOP
    );
    for b in y.powers(1) {
        let py = y.at(b as f64);
        let even = b.trailing_zeros() % 2 == 0;
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{RIGHT}" y2="{py:.1}" stroke="{}"/>"##,
            if even { "#e4e4e4" } else { "#f2f2f2" }
        );
        if even {
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text>"##,
                LEFT - 6.0,
                py + 4.0,
                bytes_tick(b)
            );
        }
    }
    // The band a vector that moves on every grow stays in: after p pushes it has copied
    // (capacity - 4) elements, and p <= capacity < 2p.
    let samples = 160;
    let hi = n as f64;
    let point =
        |i: usize| 5_f64.powf(1.0 - i as f64 / samples as f64) * hi.powf(i as f64 / samples as f64);
    let mut band = String::new();
    for i in 0..=samples {
        let p = point(i);
        let _ =
            write!(band, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x.at(p), y.at(16.0 * p));
    }
    for i in (0..=samples).rev() {
        let p = point(i);
        let _ = write!(band, "L{:.1},{:.1}", x.at(p), y.at((8.0 * (p - 4.0)).max(1.0)));
    }
    if n > 4 {
        let _ = writeln!(
            svg,
            r##"<path d="{band}Z" fill="#f4c542" fill-opacity="0.22" stroke="#e0a800" stroke-opacity="0.5" clip-path="url(#copied)"/>"##
        );
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{P2_TOP}" width="{:.1}" height="{:.1}" fill="none" stroke="#999"/>"##,
        RIGHT - LEFT,
        P2_BOTTOM - P2_TOP
    );
    // The row for zero, below a break in the axis.
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{ZERO_ROW}" x2="{RIGHT}" y2="{ZERO_ROW}" stroke="#ccc"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">0</text>"##,
        LEFT - 6.0,
        ZERO_ROW + 4.0
    );
    let gap = (P2_BOTTOM + ZERO_ROW) / 2.0;
    let _ = writeln!(
        svg,
        r##"<path d="M{:.1},{:.1}l10,-4M{:.1},{:.1}l10,-4" stroke="#666"/>"##,
        LEFT - 5.0,
        gap,
        LEFT - 5.0,
        gap + 5.0
    );
    let _ = writeln!(
        svg,
        r##"<text transform="translate(20,{:.1}) rotate(-90)" text-anchor="middle" fill="#333">bytes copied so far, log₂ scale</text>"##,
        (P2_TOP + ZERO_ROW) / 2.0
    );

    // One step line per run, climbing at each move.
    let level = |copied: usize| if copied == 0 { ZERO_ROW } else { y.at(copied as f64) };
    for run in runs.iter().filter(|r| r.under).chain(runs.iter().filter(|r| !r.under)) {
        let mut copied = 0;
        let mut d = format!("M{LEFT},{ZERO_ROW}");
        let mut moves = StdVec::new();
        for change in run.trace.changes.iter().filter(|c| c.event.moved()) {
            copied += change.event.bytes_copied();
            let px = x.at(change.push.max(1) as f64);
            let _ = write!(d, "H{px:.1}V{:.1}", level(copied));
            moves.push((px, level(copied)));
        }
        let _ = write!(d, "H{RIGHT}");
        let _ = writeln!(
            svg,
            r##"<path d="{d}" fill="none" {} stroke-linejoin="round"/>"##,
            run.stroke()
        );
        for (px, py) in moves {
            Mark::Moved.draw(svg, px, py, run.colour, 3.5);
        }
    }
    pushes_axis(svg, x, n, ZERO_ROW + 8.0);

    // The legend: a line per run with its total, then the band.
    let mut ly = P2_TOP + 8.0;
    for run in runs {
        let copied = run.trace.bytes_copied();
        let _ = writeln!(
            svg,
            r##"<line x1="{LEGEND}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" {}/><text x="{:.1}" y="{:.1}" font-weight="bold" fill="{}">{}</text>"##,
            LEGEND + 24.0,
            run.stroke(),
            LEGEND + 30.0,
            ly + 4.0,
            run.colour,
            escape(run.name)
        );
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#555">{}</text><text x="{:.1}" y="{:.1}" fill="#333">{}</text>"##,
            LEGEND + 30.0,
            ly + 18.0,
            escape(run.about),
            LEGEND + 30.0,
            ly + 32.0,
            match copied {
                0 => "nothing copied".to_string(),
                _ => escape(&format!("{} copied, {} × N × 8", bytes(copied), share(copied, n))),
            }
        );
        ly += 46.0;
    }
    let mut lines = vec![
        "where a vector that copies on",
        "every grow must be: 8 × (p − 4)",
        "to 16 × p bytes after p pushes",
    ];
    let _ = writeln!(
        svg,
        r##"<rect x="{LEGEND}" y="{:.1}" width="24" height="12" fill="#f4c542" fill-opacity="0.22" stroke="#e0a800" stroke-opacity="0.5"/>"##,
        ly - 6.0
    );
    let remapped = runs.iter().any(|r| r.realloc && r.trace.remapped() > 0);
    if cfg!(all(target_os = "linux", target_env = "gnu")) && remapped {
        lines.extend([
            "",
            "Global's moves of blocks from 128 KiB",
            "up are usually glibc's mremap: pages",
            "remapped, not copied, yet counted.",
        ]);
    }
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="{}">{line}</text>"##,
            LEGEND + 30.0,
            ly + 4.0 + 14.0 * i as f64,
            if i < 3 { "#333" } else { "#555" }
        );
    }
}

/// Writes the chart, creating its directory if needed.
fn write_svg(path: &Path, svg: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, svg)
}

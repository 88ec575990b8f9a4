//! The four vectors of the comparison: [`measure`] runs them one after the other (Global,
//! a bump where the vector stays the newest block, a bump where it does not, and
//! `with_capacity(N)`), and each becomes a [`Run`]: its name, how it is drawn, and what
//! its allocator did.

use allockit::Bump;
use allockit::alloc::Global;

use crate::record::{ELEM, Start, Trace, watch};

/// One vector of the comparison: its allocator, how it is drawn, and what it did.
pub(crate) struct Run {
    /// Short name, for the table and the legends.
    pub(crate) name: &'static str,
    /// One line on the set-up.
    pub(crate) about: &'static str,
    /// Stroke colour in the chart.
    pub(crate) colour: &'static str,
    /// `stroke-dasharray` of its line (empty: solid).
    pub(crate) dash: &'static str,
    /// Drawn first, wider and paler, so that a line over it stays visible (the lines of
    /// panel 2 overlap where two vectors copied the same bytes).
    pub(crate) under: bool,
    /// What the vector did.
    pub(crate) trace: Trace,
    /// Its grows are the global heap's `realloc` (on glibc, large blocks move by mremap).
    pub(crate) realloc: bool,
    /// For a bump: the bytes it still holds after the vector is dropped.
    pub(crate) left_in_bump: Option<usize>,
}

impl Run {
    /// The stroke attributes of its line in panel 2 and in the legends.
    pub(crate) fn stroke(&self) -> String {
        let (width, opacity) = if self.under { (4.5, 0.5) } else { (2.0, 1.0) };
        format!(
            r##"stroke="{}" stroke-width="{width}" stroke-opacity="{opacity}" stroke-dasharray="{}""##,
            self.colour, self.dash
        )
    }
}

/// The four vectors, one after the other.
pub(crate) fn measure(n: usize) -> [Run; 4] {
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

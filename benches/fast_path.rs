//! Allocation fast paths as `#[inline(never)]` functions, for `.ci/fast-path-check` to
//! count their instructions under callgrind. Not a criterion bench: `main` calls each
//! function [`CALLS`] times on a bump with room for every call, so only the fast path
//! runs, and callgrind's `--toggle-collect` counts exactly the instructions inside one
//! function (its call and return included, the loop around it not).
//!
//! It is a bench target (`harness = false`) rather than an example so that it is built
//! with the bench profile (release, with debug info for callgrind) and can use the
//! dev-dependency bumpalo, the reference figures, without touching the library.
//!
//! ```text
//! cargo bench --bench fast_path              # runs all functions once, prints nothing
//! .ci/fast-path-check                        # instructions per call, with targets
//! ```
//!
//! The first argument (an integer) overrides [`CALLS`]; any other argument (cargo
//! passes `--bench`) is ignored.

use std::hint::black_box;
use std::ptr::NonNull;

use allocator_api2::alloc::{AllocError, Allocator, Layout};

/// Calls of each function per run.
const CALLS: usize = 100_000;

/// `allockit::Bump::alloc` of a `u64`: the layout is known at compile time.
#[inline(never)]
fn bump_alloc_u64(b: &allockit::Bump, v: u64) -> &mut u64 {
    b.alloc(v)
}

/// `Allocator::allocate` on `&allockit::Bump` with a layout known only at run time.
#[inline(never)]
fn bump_alloc_dyn(b: &&allockit::Bump, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
    b.allocate(layout)
}

/// bumpalo's `Bump::alloc` of a `u64`, for reference.
#[inline(never)]
fn bumpalo_alloc_u64(b: &bumpalo::Bump, v: u64) -> &mut u64 {
    b.alloc(v)
}

/// `Allocator::allocate` on `&bumpalo::Bump` with a run-time layout, for reference.
#[inline(never)]
fn bumpalo_alloc_dyn(b: &&bumpalo::Bump, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
    b.allocate(layout)
}

/// The layouts the `dyn` functions are called with, in turn: a mix of sizes and
/// alignments, all small, so that the count covers the padding arithmetic.
const DYN_LAYOUTS: [(usize, usize); 8] =
    [(8, 8), (1, 1), (24, 8), (3, 2), (16, 16), (12, 4), (40, 8), (5, 1)];

/// Bytes that every call of one function fits in, with room for alignment padding.
fn capacity(calls: usize) -> usize {
    calls * 64 + 4096
}

fn main() {
    let calls = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(CALLS);
    let layouts: Vec<Layout> = DYN_LAYOUTS
        .iter()
        .map(|&(size, align)| Layout::from_size_align(size, align).expect("valid layout"))
        .collect();

    let ours = allockit::Bump::with_capacity(capacity(calls));
    for i in 0..calls {
        black_box(bump_alloc_u64(black_box(&ours), i as u64));
    }
    let ours_chunks = ours.stats().chunks;
    drop(ours);

    let ours = allockit::Bump::with_capacity(capacity(calls));
    for i in 0..calls {
        let layout = black_box(layouts[i % layouts.len()]);
        black_box(bump_alloc_dyn(black_box(&&ours), layout).expect("room for every call"));
    }
    // One chunk: the slow path never ran, so the counts are the fast path's.
    assert_eq!((ours_chunks, ours.stats().chunks), (1, 1), "the bump had to grow");
    drop(ours);

    let theirs = bumpalo::Bump::with_capacity(capacity(calls));
    for i in 0..calls {
        black_box(bumpalo_alloc_u64(black_box(&theirs), i as u64));
    }
    drop(theirs);

    let theirs = bumpalo::Bump::with_capacity(capacity(calls));
    for i in 0..calls {
        let layout = black_box(layouts[i % layouts.len()]);
        black_box(bumpalo_alloc_dyn(black_box(&&theirs), layout).expect("room for every call"));
    }
    drop(theirs);
}

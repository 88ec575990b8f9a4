//! Allocation fast paths as `#[inline(never)]` functions, for `.ci/fast-path-check` to
//! count their instructions under callgrind. Not a criterion bench: `main` calls each
//! function [`CALLS`] times on a bump with room for every call, so only the fast path
//! runs, and callgrind's `--toggle-collect` counts exactly the instructions inside one
//! function (its call and return included, the loop around it not).
//!
//! It is a bench target (`harness = false`) rather than an example so that it is built
//! with the bench profile (release, with debug info for callgrind) and can use the
//! dev-dependencies bumpalo, blink-alloc, mimalloc and jemalloc, the reference figures,
//! without touching the library.
//!
//! The arena's functions are counted the same way, on an `Arena` with room for every
//! call. A `LocalArena` claims slabs of at most 64 KiB, so its count includes the slow
//! path that claims the next slab, about once per 8,000 `u64`s: amortised, a fraction of
//! an instruction per call.
//!
//! ```text
//! cargo bench --bench fast_path              # runs all functions once, prints nothing
//! .ci/fast-path-check                        # instructions per call, with targets
//! ```
//!
//! The pool's functions are allocate+free pairs (a pool hands back what it is given, so
//! one call of a pair is its steady state): after the first call, which carves a block,
//! each pair pops the block the previous one pushed. The same `Box` pairs through
//! `FromGlobalAlloc` over glibc, mimalloc and jemalloc are the reference, their thread
//! caches' fast paths.
//!
//! The `loop_*` functions are whole workloads of `benches/bump.rs` (100,000 pushes,
//! 100 reset rounds, ...), ours beside a peer's: the script prints their instruction
//! counts for reference, a measure of the work done that the machine's noise cannot
//! blur, to read beside criterion's wall-clock ratios.
//!
//! The first argument (an integer) overrides [`CALLS`]; any other argument (cargo
//! passes `--bench`) is ignored.

use std::hint::black_box;
use std::ptr::NonNull;

use std::alloc::System;

use allocator_api2::alloc::{AllocError, Allocator, Global, Layout};
use allockit::arena::LocalArena;
use allockit::wrappers::FromGlobalAlloc;
use allockit::{Box, Pool};
use blink_alloc::{LocalBlinkAlloc, SyncBlinkAlloc};
use mimalloc::MiMalloc;
#[cfg(not(any(loom, asan)))]
use tikv_jemallocator::Jemalloc;

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

/// `allockit::Arena::alloc` of a `u64` through the shared `&Arena`: a compare-and-swap on
/// the current chunk's cursor.
#[inline(never)]
fn arena_alloc_u64(a: &allockit::Arena, v: u64) -> &mut u64 {
    a.alloc(v)
}

/// `Allocator::allocate` on `&allockit::Arena` with a run-time layout.
#[inline(never)]
fn arena_alloc_dyn(a: &&allockit::Arena, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
    a.allocate(layout)
}

/// `LocalArena::alloc` of a `u64`: a bump inside the handle's slab, no atomics.
#[inline(never)]
fn local_arena_alloc_u64<'a>(l: &LocalArena<'a>, v: u64) -> &'a mut u64 {
    l.alloc(v)
}

/// `Allocator::allocate` on `&LocalArena` with a run-time layout.
#[inline(never)]
fn local_arena_alloc_dyn(l: &&LocalArena<'_>, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
    l.allocate(layout)
}

/// blink-alloc's `SyncBlinkAlloc`, the arena's peer, for reference: `allocate` of a
/// `u64`'s layout and the write (blink has no typed `alloc`).
#[inline(never)]
#[allow(clippy::mut_from_ref)] // an arena's point: distinct blocks from `&self`
fn blink_sync_alloc_u64(b: &SyncBlinkAlloc, v: u64) -> &mut u64 {
    let slot = b.allocate(Layout::new::<u64>()).expect("room for every call").cast::<u64>();
    // SAFETY: a fresh block for a `u64`, alive as long as the borrow of `b`.
    unsafe {
        slot.write(v);
        &mut *slot.as_ptr()
    }
}

/// blink-alloc's per-thread `LocalBlinkAlloc`, for reference, as above.
#[inline(never)]
#[allow(clippy::mut_from_ref)] // as above
fn blink_local_alloc_u64<'a>(b: &'a LocalBlinkAlloc<'_>, v: u64) -> &'a mut u64 {
    let slot = b.allocate(Layout::new::<u64>()).expect("room for every call").cast::<u64>();
    // SAFETY: as in `blink_sync_alloc_u64`.
    unsafe {
        slot.write(v);
        &mut *slot.as_ptr()
    }
}

/// The 64-byte payload of the pool's zeroed pairs and run-time layouts, as in
/// `benches/pool.rs`.
type Payload = [u64; 8];

/// `Box::new_in` of a `u64` in a pool of `u64`s, and its drop: one allocation (a
/// free-list pop), the value's store, and one free (a push). `black_box` keeps the store
/// (the free would overwrite it) at the cost of a stack slot, 2 instructions (and the
/// heaps' pairs below pay the same).
#[inline(never)]
fn pool_box_pair(p: &Pool, v: u64) {
    black_box(&*Box::new_in(v, p));
}

/// The raw trait pair on `&Pool` (64-byte blocks) with a layout known only at run time:
/// `allocate`, then `deallocate`.
#[inline(never)]
fn pool_dyn_pair(p: &&Pool, layout: Layout) {
    let block = p.allocate(layout).expect("a pool block");
    black_box(block);
    // SAFETY: just allocated by `p` with `layout`, and not used again.
    unsafe { p.deallocate(block.cast(), layout) };
}

/// `Box::new_zeroed_in` of a 64-byte payload in a pool (`allocate_zeroed`: the pop and
/// a 64-byte `memset`), and its drop.
#[inline(never)]
fn pool_zeroed_pair(p: &Pool) {
    black_box(&*Box::<Payload, _>::new_zeroed_in(p));
}

/// [`pool_box_pair`] with glibc's `malloc` and `free`, for reference.
#[inline(never)]
fn glibc_box_pair(v: u64) {
    black_box(&*Box::new_in(v, FromGlobalAlloc::new(System)));
}

/// [`pool_zeroed_pair`] with glibc's `calloc` and `free`, for reference.
#[inline(never)]
fn glibc_zeroed_pair() {
    black_box(&*Box::<Payload, _>::new_zeroed_in(FromGlobalAlloc::new(System)));
}

/// [`pool_box_pair`] with mimalloc, for reference.
#[inline(never)]
fn mimalloc_box_pair(v: u64) {
    black_box(&*Box::new_in(v, FromGlobalAlloc::new(MiMalloc)));
}

/// [`pool_zeroed_pair`] with mimalloc, for reference.
#[inline(never)]
fn mimalloc_zeroed_pair() {
    black_box(&*Box::<Payload, _>::new_zeroed_in(FromGlobalAlloc::new(MiMalloc)));
}

/// [`pool_box_pair`] with jemalloc, for reference.
#[cfg(not(any(loom, asan)))]
#[inline(never)]
fn jemalloc_box_pair(v: u64) {
    black_box(&*Box::new_in(v, FromGlobalAlloc::new(Jemalloc)));
}

/// [`pool_zeroed_pair`] with jemalloc, for reference.
#[cfg(not(any(loom, asan)))]
#[inline(never)]
fn jemalloc_zeroed_pair() {
    black_box(&*Box::<Payload, _>::new_zeroed_in(FromGlobalAlloc::new(Jemalloc)));
}

/// Whole workloads of `benches/bump.rs`, for instruction counts that a noisy machine
/// cannot blur: `push` of `n` `u64`s into a new vector, without reserving.
#[inline(never)]
fn loop_vec_push_bump(b: &allockit::Bump, n: u64) -> usize {
    let mut v = allockit::Vec::new_in(b);
    for i in 0..n {
        v.push(i);
    }
    black_box(&v).len()
}

/// [`loop_vec_push_bump`] with bumpalo's `Vec`.
#[inline(never)]
fn loop_vec_push_bumpalo(b: &bumpalo::Bump, n: u64) -> usize {
    let mut v = bumpalo::collections::Vec::new_in(b);
    for i in 0..n {
        v.push(i);
    }
    black_box(&v).len()
}

/// [`loop_vec_push_bump`] with std's `Vec` over the global heap.
#[inline(never)]
fn loop_vec_push_std(n: u64) -> usize {
    let mut v = Vec::new();
    for i in 0..n {
        v.push(i);
    }
    black_box(&v).len()
}

/// [`loop_vec_push_bump`] over a shared `&Arena` (growth in place by compare-and-swap).
#[inline(never)]
fn loop_vec_push_arena(a: &allockit::Arena, n: u64) -> usize {
    let mut v = allockit::Vec::new_in(a);
    for i in 0..n {
        v.push(i);
    }
    black_box(&v).len()
}

/// [`loop_vec_push_bump`] over a `&LocalArena`.
#[inline(never)]
fn loop_vec_push_local_arena(l: &LocalArena<'_>, n: u64) -> usize {
    let mut v = allockit::Vec::new_in(l);
    for i in 0..n {
        v.push(i);
    }
    black_box(&v).len()
}

/// `push_str` of `n` short pieces into a new string in the bump.
#[inline(never)]
fn loop_push_str_bump(b: &allockit::Bump, pieces: &[&str], n: usize) -> usize {
    let mut s = allockit::String::new_in(b);
    for i in 0..n {
        s.push_str(pieces[i % pieces.len()]);
    }
    black_box(&s).len()
}

/// [`loop_push_str_bump`] with bumpalo's `String`.
#[inline(never)]
fn loop_push_str_bumpalo(b: &bumpalo::Bump, pieces: &[&str], n: usize) -> usize {
    let mut s = bumpalo::collections::String::new_in(b);
    for i in 0..n {
        s.push_str(pieces[i % pieces.len()]);
    }
    black_box(&s).len()
}

/// `rounds` rounds of (1,000 `alloc(u64)` and 100 `alloc_str`, then `reset`).
#[inline(never)]
fn loop_reset_reuse_bump(b: &mut allockit::Bump, rounds: usize) {
    for _ in 0..rounds {
        for i in 0..black_box(1_000_u64) {
            black_box(b.alloc(i));
            if i % 10 == 0 {
                black_box(b.alloc_str("request-id"));
            }
        }
        b.reset();
    }
}

/// [`loop_reset_reuse_bump`] with bumpalo.
#[inline(never)]
fn loop_reset_reuse_bumpalo(b: &mut bumpalo::Bump, rounds: usize) {
    for _ in 0..rounds {
        for i in 0..black_box(1_000_u64) {
            black_box(b.alloc(i));
            if i % 10 == 0 {
                black_box(b.alloc_str("request-id"));
            }
        }
        b.reset();
    }
}

/// `reserve_exact(1)` then `push`, `n` times, on a new `Vec<u8>` in the bump.
#[inline(never)]
fn loop_reserve_exact_bump(b: &allockit::Bump, n: usize) -> usize {
    let mut v = allockit::Vec::new_in(b);
    for i in 0..n {
        v.reserve_exact(1);
        v.push(i as u8);
    }
    black_box(&v).len()
}

/// [`loop_reserve_exact_bump`] with std's `Vec` over the global heap.
#[inline(never)]
fn loop_reserve_exact_std(n: usize) -> usize {
    let mut v = Vec::new();
    for i in 0..n {
        v.reserve_exact(1);
        v.push(i as u8);
    }
    black_box(&v).len()
}

/// The layouts the `dyn` functions are called with, in turn: a mix of sizes and
/// alignments, all small, so that the count covers the padding arithmetic.
const DYN_LAYOUTS: [(usize, usize); 8] =
    [(8, 8), (1, 1), (24, 8), (3, 2), (16, 16), (12, 4), (40, 8), (5, 1)];

/// The layouts [`pool_dyn_pair`] is called with, in turn: sizes and alignments that all
/// fit the pool's 64-byte block (align 8), so every one is pooled; `DYN_LAYOUTS` has a
/// 16-byte alignment, which the pool would pass on to its parent.
const POOL_LAYOUTS: [(usize, usize); 8] =
    [(64, 8), (8, 8), (1, 1), (24, 8), (3, 2), (12, 4), (40, 8), (64, 1)];

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

    // The arena: one chunk with room for every call, shared or through a handle.
    let arena = allockit::Arena::with_capacity(capacity(calls));
    for i in 0..calls {
        black_box(arena_alloc_u64(black_box(&arena), i as u64));
    }
    assert_eq!(arena.stats().chunks, 1, "the arena had to grow");
    drop(arena);

    let arena = allockit::Arena::with_capacity(capacity(calls));
    for i in 0..calls {
        let layout = black_box(layouts[i % layouts.len()]);
        black_box(arena_alloc_dyn(black_box(&&arena), layout).expect("room for every call"));
    }
    assert_eq!(arena.stats().chunks, 1, "the arena had to grow");
    drop(arena);

    let arena = allockit::Arena::with_capacity(capacity(calls) * 2);
    let local = arena.local();
    for i in 0..calls {
        black_box(local_arena_alloc_u64(black_box(&local), i as u64));
    }
    drop(local);
    assert_eq!(arena.stats().chunks, 1, "the arena had to grow");
    drop(arena);

    let arena = allockit::Arena::with_capacity(capacity(calls) * 2);
    let local = arena.local();
    for i in 0..calls {
        let layout = black_box(layouts[i % layouts.len()]);
        black_box(local_arena_alloc_dyn(black_box(&&local), layout).expect("room for every call"));
    }
    drop(local);
    assert_eq!(arena.stats().chunks, 1, "the arena had to grow");
    drop(arena);

    // blink: a first chunk with room for every call, taken (and, for the local, sized by
    // a first handle) before the counted calls, so they take no new chunk either.
    let u64_layout = Layout::new::<u64>();
    let mut blink = SyncBlinkAlloc::with_chunk_size_in(capacity(calls) * 4, Global);
    blink.allocate(u64_layout).expect("blink's first chunk");
    blink.reset();
    for i in 0..calls {
        black_box(blink_sync_alloc_u64(black_box(&blink), i as u64));
    }
    blink.reset();
    {
        let local = blink.local();
        for _ in 0..calls {
            black_box(local.allocate(u64_layout).expect("room"));
        }
    }
    blink.reset();
    let local = blink.local();
    for i in 0..calls {
        black_box(blink_local_alloc_u64(black_box(&local), i as u64));
    }
    drop(local);
    drop(blink);

    // The pools: each pair takes the block the previous one freed, so after the first
    // call (which carves it) only the free list runs. The heaps' pairs likewise reuse one
    // block through their thread caches.
    let pool = Pool::for_type::<u64>();
    for i in 0..calls {
        pool_box_pair(black_box(&pool), i as u64);
    }
    let stats = pool.stats();
    assert!(stats.live_blocks == 0 && stats.slabs == 1, "{stats:?}");
    drop(pool);
    let pool = Pool::for_type::<Payload>();
    let pool_layouts: Vec<Layout> = POOL_LAYOUTS
        .iter()
        .map(|&(size, align)| Layout::from_size_align(size, align).expect("valid layout"))
        .collect();
    for &layout in &pool_layouts {
        let block = (&pool).allocate(layout).expect("a pool block");
        assert!(pool.owns(block.cast().as_ptr()), "{layout:?} does not fit the pool's block");
        // SAFETY: just allocated by `&pool` with `layout`, and not used again.
        unsafe { (&pool).deallocate(block.cast(), layout) };
    }
    for i in 0..calls {
        let layout = black_box(pool_layouts[i % pool_layouts.len()]);
        pool_dyn_pair(black_box(&&pool), layout);
    }
    for _ in 0..calls {
        pool_zeroed_pair(black_box(&pool));
    }
    let stats = pool.stats();
    assert!(stats.live_blocks == 0 && stats.slabs == 1, "{stats:?}");
    drop(pool);
    for i in 0..calls {
        glibc_box_pair(black_box(i as u64));
        mimalloc_box_pair(black_box(i as u64));
        glibc_zeroed_pair();
        mimalloc_zeroed_pair();
        #[cfg(not(any(loom, asan)))]
        {
            jemalloc_box_pair(black_box(i as u64));
            jemalloc_zeroed_pair();
        }
    }

    // The loops: `calls` pushes each, on bumps with room for every buffer.
    let n = calls as u64;
    let ours = allockit::Bump::with_capacity(capacity(calls) * 4);
    assert_eq!(loop_vec_push_bump(&ours, black_box(n)), calls);
    drop(ours);
    let theirs = bumpalo::Bump::with_capacity(capacity(calls) * 4);
    assert_eq!(loop_vec_push_bumpalo(&theirs, black_box(n)), calls);
    drop(theirs);
    assert_eq!(loop_vec_push_std(black_box(n)), calls);
    let arena = allockit::Arena::with_capacity(capacity(calls) * 4);
    assert_eq!(loop_vec_push_arena(&arena, black_box(n)), calls);
    drop(arena);
    let arena = allockit::Arena::with_capacity(capacity(calls) * 4);
    assert_eq!(loop_vec_push_local_arena(&arena.local(), black_box(n)), calls);
    assert_eq!(arena.stats().chunks, 1, "the arena had to grow");
    drop(arena);

    let pieces =
        black_box(["a", "bc", "def", "ghij", "klmno", "hello, world ", "0123456789abcdef"]);
    let ours = allockit::Bump::with_capacity(capacity(calls));
    black_box(loop_push_str_bump(&ours, &pieces, calls));
    drop(ours);
    let theirs = bumpalo::Bump::with_capacity(capacity(calls));
    black_box(loop_push_str_bumpalo(&theirs, &pieces, calls));
    drop(theirs);

    let steps = calls / 10;
    let ours = allockit::Bump::with_capacity(capacity(calls));
    assert_eq!(loop_reserve_exact_bump(&ours, black_box(steps)), steps);
    drop(ours);
    assert_eq!(loop_reserve_exact_std(black_box(steps)), steps);

    let rounds = calls / 1_000;
    loop_reset_reuse_bump(&mut allockit::Bump::new(), rounds);
    loop_reset_reuse_bumpalo(&mut bumpalo::Bump::new(), rounds);
}

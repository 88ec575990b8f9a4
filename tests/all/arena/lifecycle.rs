//! The life of an arena's memory: exact statistics, capacity constructors, `reset` and
//! `reset_keep_chunks`, the allocation limit, and drop.
//!
//! The parent is a counting [`TestAlloc`], so every test can also say what was taken
//! from it and what was given back.

use allockit::alloc::{Allocator, Layout};
use allockit::arena::Stats;
use allockit::{Arena, TryReserveErrorKind};

use super::{FIRST_BLOCK, HEADER, block_sizes};
use crate::common::test_alloc::TestAlloc;

/// A `Stats` value (the struct is `#[non_exhaustive]`).
fn stats(allocated: usize, capacity: usize, reserved: usize, chunks: usize) -> Stats {
    let mut s = Stats::default();
    s.allocated = allocated;
    s.capacity = capacity;
    s.reserved = reserved;
    s.chunks = chunks;
    s
}

/// Allocates `n` `u32`s one by one (4 bytes each, no padding).
fn alloc_u32s<A: Allocator>(arena: &Arena<A>, n: u32) {
    for i in 0..n {
        assert_eq!(*arena.alloc(i), i);
    }
}

/// The arena's statistics agree with what the parent has live.
#[track_caller]
fn assert_matches_parent(arena: &Arena<&TestAlloc>, parent: &TestAlloc) {
    arena.check_invariants();
    let s = arena.stats();
    assert_eq!(s.reserved, parent.live_bytes(), "{s:?}");
    assert_eq!(s.chunks, parent.stats().live_blocks, "{s:?}");
    assert!(s.allocated <= s.capacity, "{s:?}");
}

// ---------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------

#[test]
fn nothing_is_taken_before_the_first_allocation() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    assert_eq!(arena.stats(), Stats::default());
    assert_eq!(parent.stats().calls(), 0);
    arena.check_invariants();
    drop(arena);
    assert_eq!(parent.stats().calls(), 0);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn the_first_chunk_is_exactly_sized() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    arena.alloc(1u8);
    assert_eq!(arena.stats(), stats(1, FIRST_BLOCK - HEADER, FIRST_BLOCK, 1));
    assert_eq!(parent.stats().allocate, 1);
    assert_matches_parent(&arena, &parent);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn allocated_counts_padding() {
    let arena = Arena::new();
    let s = arena.alloc_str("hello").as_ptr() as usize;
    assert_eq!(arena.stats().allocated, 5);
    let a = arena.alloc(1u64) as *mut u64 as usize;
    assert_eq!((a - s, arena.stats().allocated), (8, 16), "3 bytes of padding");
    let b = arena.alloc(2u8) as *mut u8 as usize;
    assert_eq!((b - s, arena.stats().allocated), (16, 17));
    let c = arena.alloc(3u128) as *mut u128 as usize;
    assert_eq!(c % 16, 0);
    assert_eq!((c - s, arena.stats().allocated), (32, 48), "15 bytes of padding");
    assert_eq!(s % 16, 0, "the first block starts at the chunk's 16-aligned data start");
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn the_chunks_double() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    let mut seen = Vec::new();
    while seen.len() < 6 {
        arena.alloc(0u64);
        let s = arena.stats();
        if s.chunks > seen.len() {
            seen.push(s.reserved - seen.iter().sum::<usize>());
        }
    }
    assert_eq!(seen, block_sizes().take(6).collect::<Vec<_>>());
    assert_eq!(seen[..3], [496, 1008, 2032]);
    assert_matches_parent(&arena, &parent);
    // Each chunk holds exactly its capacity's worth of `u64`s before the next is taken:
    // nothing but the header is lost.
    let s = arena.stats();
    let full: usize = seen[..5].iter().map(|b| b - HEADER).sum();
    assert_eq!(s.allocated, full + 8, "{s:?}");
    assert_eq!(s.capacity, seen.iter().map(|b| b - HEADER).sum::<usize>());
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn freeing_the_newest_block_rolls_it_back() {
    let arena = Arena::new();
    let l24 = Layout::from_size_align(24, 8).unwrap();
    let l40 = Layout::from_size_align(40, 8).unwrap();
    let a = (&arena).allocate(l24).unwrap().cast::<u8>();
    let b = (&arena).allocate(l40).unwrap().cast::<u8>();
    assert_eq!(arena.stats().allocated, 64);
    // SAFETY: `a` was allocated with `l24`; it is not the newest block.
    unsafe { (&arena).deallocate(a, l24) };
    assert_eq!(arena.stats().allocated, 64, "freeing an older block changes nothing");
    // SAFETY: `b` was allocated with `l40`; it is the newest block.
    unsafe { (&arena).deallocate(b, l40) };
    assert_eq!(arena.stats().allocated, 24);
    let c = (&arena).allocate(l40).unwrap().cast::<u8>();
    assert_eq!(c, b, "the rolled-back room is handed out again");
}

#[test]
fn zero_sized_requests_take_nothing() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    let layout = Layout::from_size_align(0, 64).unwrap();
    let block = (&arena).allocate(layout).unwrap();
    assert_eq!(block.len(), 0);
    assert_eq!(block.cast::<u8>().as_ptr() as usize % 64, 0);
    assert_eq!(arena.stats(), Stats::default());
    assert_eq!(parent.stats().calls(), 0);
    // SAFETY: allocated above with `layout`.
    unsafe { (&arena).deallocate(block.cast(), layout) };
    assert_eq!(arena.stats(), Stats::default());
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn debug_shows_the_statistics() {
    let arena = Arena::new();
    arena.alloc(1u32);
    let text = format!("{arena:?}");
    assert!(text.starts_with("Arena"), "{text}");
    assert!(text.contains("allocated: 4"), "{text}");
}

// ---------------------------------------------------------------------------------------
// Capacity constructors
// ---------------------------------------------------------------------------------------

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn with_capacity_takes_one_chunk_that_holds_the_capacity() {
    let parent = TestAlloc::new();
    let arena = Arena::try_with_capacity_in(10_000, &parent).unwrap();
    let s = arena.stats();
    assert_eq!((s.allocated, s.chunks), (0, 1));
    assert!(s.capacity >= 10_000, "{s:?}");
    assert_eq!(parent.stats().allocate, 1);
    assert_matches_parent(&arena, &parent);
    let layout = Layout::from_size_align(10_000, 1).unwrap();
    (&arena).allocate(layout).unwrap();
    assert_eq!(arena.stats().chunks, 1);
    assert_eq!(arena.stats().allocated, 10_000);
    assert_eq!(parent.stats().allocate, 1, "the capacity was there already");
    drop(arena);
    parent.assert_no_leaks();

    let small = Arena::with_capacity_in(100, &parent);
    assert_eq!(small.stats(), stats(0, FIRST_BLOCK - HEADER, FIRST_BLOCK, 1));
    let zero = Arena::try_with_capacity_in(0, &parent).unwrap();
    assert_eq!(zero.stats(), Stats::default());
    let global = Arena::with_capacity(5000);
    assert!(global.stats().capacity >= 5000);
}

#[test]
fn with_capacity_reports_overflow() {
    let parent = TestAlloc::new();
    for capacity in [usize::MAX, isize::MAX as usize, isize::MAX as usize - 40] {
        let err = Arena::try_with_capacity_in(capacity, &parent).unwrap_err();
        assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow, "{capacity}");
    }
    assert_eq!(parent.stats().calls(), 0);
}

// ---------------------------------------------------------------------------------------
// Resets
// ---------------------------------------------------------------------------------------

/// 10 000 `u32`s fill the first six chunks and part of the seventh.
const WORKLOAD: u32 = 10_000;

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn reset_keeps_only_the_largest_chunk() {
    let parent = TestAlloc::new();
    let mut arena = Arena::new_in(&parent);
    alloc_u32s(&arena, WORKLOAD);
    let before = arena.stats();
    assert_eq!(before.chunks, 7);
    let largest = block_sizes().nth(6).unwrap();
    arena.reset();
    assert_eq!(arena.stats(), stats(0, largest - HEADER, largest, 1));
    assert_eq!(parent.stats().live_blocks, 1);
    assert_eq!(parent.stats().deallocate, 6);
    assert_matches_parent(&arena, &parent);

    // The kept chunk serves what fits it without asking the parent.
    let calls = parent.stats().calls();
    let fits = ((largest - HEADER) / 4) as u32;
    alloc_u32s(&arena, fits);
    assert_eq!(parent.stats().calls(), calls);
    assert_eq!(arena.stats(), stats(largest - HEADER, largest - HEADER, largest, 1));
    arena.alloc(0u8);
    assert_eq!(parent.stats().allocate, 8, "the next byte needs a new chunk");
    assert_eq!(arena.stats().chunks, 2);
    let next = block_sizes().nth(7).unwrap();
    assert_eq!(arena.stats().reserved, largest + next, "the series goes on from the kept chunk");
    assert_matches_parent(&arena, &parent);
}

#[test]
fn reset_of_an_empty_arena_does_nothing() {
    let parent = TestAlloc::new();
    let mut arena = Arena::new_in(&parent);
    arena.reset();
    arena.reset_keep_chunks();
    assert_eq!(arena.stats(), Stats::default());
    assert_eq!(parent.stats().calls(), 0);
    arena.alloc(1u8);
    arena.reset();
    assert_eq!(arena.stats(), stats(0, FIRST_BLOCK - HEADER, FIRST_BLOCK, 1));
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn reset_hands_out_the_same_memory_again() {
    let mut arena = Arena::new();
    let first = arena.alloc(1u64) as *mut u64;
    arena.reset();
    let again = arena.alloc(2u64) as *mut u64;
    assert_eq!(first, again);
    assert_eq!(arena.stats().allocated, 8);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn reset_keep_chunks_keeps_every_chunk() {
    let parent = TestAlloc::new();
    let mut arena = Arena::new_in(&parent);
    alloc_u32s(&arena, WORKLOAD);
    let before = arena.stats();
    let calls = parent.stats().calls();
    arena.reset_keep_chunks();
    let after = arena.stats();
    assert_eq!(after, stats(0, before.capacity, before.reserved, before.chunks));
    assert_eq!(parent.stats().calls(), calls, "nothing given back");
    assert_matches_parent(&arena, &parent);

    // The same workload again takes nothing from the parent.
    alloc_u32s(&arena, WORKLOAD);
    assert_eq!(parent.stats().calls(), calls, "the spares served the same workload");
    let again = arena.stats();
    assert_eq!((again.reserved, again.chunks), (before.reserved, before.chunks));
    assert_eq!(again.allocated, WORKLOAD as usize * 4);
    assert_matches_parent(&arena, &parent);

    // And a reset after that keeps only the largest of them.
    arena.reset();
    let largest = block_sizes().nth(6).unwrap();
    assert_eq!(arena.stats(), stats(0, largest - HEADER, largest, 1));
    assert_matches_parent(&arena, &parent);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn spares_serve_requests_they_fit_and_a_big_one_gets_a_new_chunk() {
    let parent = TestAlloc::new();
    let mut arena = Arena::new_in(&parent);
    arena.alloc(0u64);
    arena.reset_keep_chunks();
    assert_eq!(arena.stats(), stats(0, FIRST_BLOCK - HEADER, FIRST_BLOCK, 1));
    let calls = parent.stats().calls();
    let small = Layout::from_size_align(FIRST_BLOCK - HEADER, 16).unwrap();
    (&arena).allocate(small).unwrap();
    assert_eq!(parent.stats().calls(), calls, "a request that fills the spare exactly");
    arena.reset_keep_chunks();
    let big = Layout::from_size_align(FIRST_BLOCK, 16).unwrap();
    (&arena).allocate(big).unwrap();
    assert_eq!(parent.stats().allocate, 2, "the spare cannot hold it");
    let s = arena.stats();
    assert_eq!((s.chunks, s.allocated), (2, FIRST_BLOCK));
    assert_matches_parent(&arena, &parent);
    drop(arena);
    parent.assert_no_leaks();
}

// ---------------------------------------------------------------------------------------
// The allocation limit
// ---------------------------------------------------------------------------------------

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn the_limit_caps_what_is_taken_from_the_parent() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    assert_eq!(arena.allocation_limit(), None);
    arena.set_allocation_limit(Some(8192));
    assert_eq!(arena.allocation_limit(), Some(8192));
    let mut count = 0usize;
    loop {
        let before = arena.stats();
        match arena.try_alloc(count as u64) {
            Ok(v) => assert_eq!(*v, count as u64),
            Err(_) => {
                assert_eq!(arena.stats(), before, "a refused request changed the arena");
                break;
            }
        }
        count += 1;
        let s = arena.stats();
        assert!(s.reserved <= 8192, "{s:?}");
    }
    let s = arena.stats();
    assert_eq!(s.allocated, count * 8);
    assert_eq!(s.allocated, s.capacity, "every chunk was used up before the refusal");
    // 496 + 1008 + 2032 + 4080 = 7616, and the last 576 bytes (rounded to 16) make a fifth
    // chunk smaller than the series would have it.
    assert_eq!(s.reserved, 8192, "{s:?}");
    assert_eq!(s.chunks, 5);
    assert_matches_parent(&arena, &parent);

    arena.set_allocation_limit(None);
    assert_eq!(*arena.try_alloc(7u64).unwrap(), 7);
    assert_eq!(arena.stats().chunks, 6);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_limit_below_the_first_chunk_gives_a_smaller_chunk() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    arena.set_allocation_limit(Some(300));
    let layout = Layout::from_size_align(200, 8).unwrap();
    (&arena).allocate(layout).unwrap();
    assert_eq!(arena.stats(), stats(200, 288 - HEADER, 288, 1), "300 rounded down to 16");
    assert!((&arena).allocate(layout).is_err());
    assert_eq!(arena.stats().reserved, 288);
    assert_matches_parent(&arena, &parent);
}

#[test]
fn a_zero_limit_takes_nothing() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    arena.set_allocation_limit(Some(0));
    assert!(arena.try_alloc(1u8).is_err());
    assert!((&arena).allocate(Layout::new::<u64>()).is_err());
    assert_eq!(arena.stats(), Stats::default());
    assert_eq!(parent.stats().calls(), 0);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_lower_limit_keeps_the_chunks_already_taken() {
    let parent = TestAlloc::new();
    let mut arena = Arena::new_in(&parent);
    alloc_u32s(&arena, 200);
    let before = arena.stats();
    assert_eq!(before.chunks, 2);
    arena.set_allocation_limit(Some(100));
    assert_eq!(arena.stats(), before);
    // The current chunk still has room...
    assert!(arena.try_alloc(1u32).is_ok());
    // ...but no new chunk is taken.
    let room = before.capacity - before.allocated - 4;
    let layout = Layout::from_size_align(room + 1, 1).unwrap();
    assert!((&arena).allocate(layout).is_err());
    assert_eq!(arena.stats().chunks, 2);
    // Spares kept by `reset_keep_chunks` are not new: they serve under the limit.
    arena.set_allocation_limit(Some(0));
    arena.reset_keep_chunks();
    alloc_u32s(&arena, 200);
    assert_eq!(arena.stats().reserved, before.reserved);
    assert_eq!(parent.stats().allocate, 2);
    assert_matches_parent(&arena, &parent);
}

// ---------------------------------------------------------------------------------------
// Drop
// ---------------------------------------------------------------------------------------

#[test]
fn drop_gives_every_chunk_back() {
    let parent = TestAlloc::new();
    {
        let mut arena = Arena::new_in(&parent);
        alloc_u32s(&arena, 3000);
        // A chunk of its own for a large request.
        (&arena).allocate(Layout::from_size_align(100_000, 64).unwrap()).unwrap();
        arena.reset_keep_chunks();
        alloc_u32s(&arena, 10);
        assert_matches_parent(&arena, &parent);
        assert!(parent.stats().live_blocks >= 6);
    }
    parent.assert_no_leaks();
    assert_eq!(parent.stats().zero_sized, 0);
}

#[test]
fn an_arena_moves_to_another_thread() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    arena.alloc(1u64);
    let arena = std::thread::scope(|s| {
        s.spawn(move || {
            alloc_u32s(&arena, 500);
            arena
        })
        .join()
        .unwrap()
    });
    assert_eq!(arena.stats().allocated % 4, 0);
    assert_matches_parent(&arena, &parent);
    drop(arena);
    parent.assert_no_leaks();
}

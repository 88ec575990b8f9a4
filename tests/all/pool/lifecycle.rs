//! The life of a pool's memory: constructors and block layouts, exact statistics, slab
//! sizes and their growth, `release_empty_slabs`, the allocation limit, and drop.
//!
//! The parent is a counting [`TestAlloc`], so every test can also say what was taken
//! from it and what was given back.

use std::ptr::NonNull;

use allockit::alloc::{Allocator, Global, Layout};
use allockit::{Box, Pool, Vec};

use super::{TestPool, assert_accounted};
use crate::common::test_alloc::TestAlloc;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// A type aligned to a page.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, align(4096))]
struct Page {
    first: u64,
}

/// Allocates one block of `pool`'s layout and returns it (never freed by the caller).
fn take<A: Allocator>(pool: &Pool<A>) -> NonNull<u8> {
    pool.allocate(pool.block_layout()).unwrap().cast()
}

// ---------------------------------------------------------------------------------------
// Constructors and block layouts
// ---------------------------------------------------------------------------------------

#[test]
fn the_block_is_the_layout_rounded_up_to_its_alignment_and_a_pointer() {
    let cases = [
        (layout(0, 1), layout(8, 8)),
        (layout(1, 1), layout(8, 8)),
        (layout(8, 8), layout(8, 8)),
        (layout(9, 1), layout(16, 8)),
        (layout(12, 4), layout(16, 8)),
        (layout(24, 8), layout(24, 8)),
        (layout(48, 1), layout(48, 8)),
        (layout(16, 16), layout(16, 16)),
        (layout(17, 16), layout(32, 16)),
        (layout(1, 32), layout(32, 32)),
        (layout(33, 32), layout(64, 32)),
        (layout(100, 64), layout(128, 64)),
        (layout(1, 4096), layout(4096, 4096)),
    ];
    for (asked, block) in cases {
        let pool = Pool::new(asked);
        assert_eq!(pool.block_layout(), block, "for {asked:?}");
        assert_eq!(pool.stats().block_size, block.size());
    }
    assert_eq!(Pool::for_type::<u8>().block_layout(), layout(8, 8));
    assert_eq!(Pool::for_type::<[u32; 3]>().block_layout(), layout(16, 8));
    assert_eq!(Pool::for_type::<[u64; 8]>().block_layout(), layout(64, 8));
    assert_eq!(Pool::for_type::<Page>().block_layout(), layout(4096, 4096));
    assert_eq!(Pool::for_type::<()>().block_layout(), layout(8, 8));
}

#[test]
#[should_panic(expected = "Pool: the block layout overflows isize::MAX")]
fn a_block_past_isize_max_panics() {
    // `isize::MAX` bytes aligned to 1 is a valid layout, but rounded up to a multiple of
    // the block's alignment of 8 it is not.
    let _ = Pool::new(layout(isize::MAX as usize, 1));
}

#[test]
fn the_constructors_are_const() {
    let pool = const { Pool::for_type::<u64>() };
    let other = const { Pool::new_in(Layout::new::<[u8; 40]>(), Global) };
    assert_eq!((pool.block_layout(), other.block_layout()), (layout(8, 8), layout(40, 8)));
    let b = Box::new_in(3u64, &pool);
    assert_eq!(*b, 3);
}

#[test]
fn nothing_is_taken_before_the_first_allocation() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    let s = pool.stats();
    assert_eq!((s.live_blocks, s.free_blocks, s.capacity), (0, 0, 0), "{s:?}");
    assert_eq!((s.slabs, s.reserved, s.forwarded), (0, 0, 0), "{s:?}");
    assert_eq!(pool.allocation_limit(), None);
    pool.check_invariants();
    drop(pool);
    assert_eq!(parent.stats().calls(), 0);
}

#[test]
fn with_capacity_takes_one_slab_of_exactly_that_many_blocks() {
    for n in [1, 7, 64, 65, 1000] {
        let parent = TestAlloc::new();
        let pool = Pool::with_capacity_in(Layout::new::<[u8; 24]>(), n, &parent);
        let s = pool.stats();
        assert_eq!((s.slabs, s.capacity, s.free_blocks, s.live_blocks), (1, n, n, 0), "{s:?}");
        assert!(s.reserved >= n * 24, "{s:?}");
        assert_eq!(parent.stats().allocate, 1);
        assert_accounted(&pool, &parent);
        let blocks: std::vec::Vec<_> = (0..n).map(|_| take(&pool)).collect();
        assert_eq!(parent.stats().allocate, 1, "the first {n} blocks came from the slab");
        // Carved in address order, end to end.
        assert!(blocks.windows(2).all(|w| w[1].as_ptr() as usize == w[0].as_ptr() as usize + 24));
        take(&pool);
        let s = pool.stats();
        assert_eq!((s.slabs, s.live_blocks), (2, n + 1), "{s:?}");
        assert_eq!(parent.stats().allocate, 2);
        assert_accounted(&pool, &parent);
        drop(pool);
        parent.assert_no_leaks();
    }
    let pool = Pool::with_capacity(Layout::new::<u64>(), 0);
    assert_eq!(pool.stats().slabs, 0);
    assert_eq!(Pool::with_capacity(Layout::new::<u64>(), 3).stats().capacity, 3);
    assert_eq!(Pool::try_with_capacity(Layout::new::<u64>(), 5).unwrap().stats().capacity, 5);
}

#[test]
#[should_panic(expected = "Pool::with_capacity: capacity overflow")]
fn with_capacity_panics_on_overflow() {
    let _ = Pool::with_capacity(Layout::new::<u64>(), usize::MAX / 4);
}

// ---------------------------------------------------------------------------------------
// Statistics and slab sizes
// ---------------------------------------------------------------------------------------

#[test]
fn statistics_follow_every_kind_of_request() {
    let parent = TestAlloc::new();
    let pool = Pool::with_capacity_in(Layout::new::<[u64; 4]>(), 10, &parent);
    let a = Box::new_in([1u64; 4], &pool);
    let b = Box::new_in(2u8, &pool); // smaller: a whole block too
    let c = Box::new_in([3u64; 4], &pool);
    let v: Vec<u64, _> = Vec::with_capacity_in(100, &pool);
    let s = pool.stats();
    assert_eq!(s.block_size, 32);
    assert_eq!((s.live_blocks, s.free_blocks, s.capacity, s.slabs), (3, 7, 10, 1), "{s:?}");
    assert_eq!(s.forwarded, 800);
    assert_accounted(&pool, &parent);
    drop(b);
    drop(v);
    let s = pool.stats();
    assert_eq!((s.live_blocks, s.free_blocks, s.forwarded), (2, 8, 0), "{s:?}");
    assert_eq!((*a, *c), ([1; 4], [3; 4]));
    drop((a, c));
    assert_eq!(pool.stats().live_blocks, 0);
    assert_accounted(&pool, &parent);
}

#[test]
fn the_first_slab_is_about_4_kib_and_slabs_double_up_to_1_mib() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    // (blocks, bytes) of each slab, as it is taken.
    let mut slabs: std::vec::Vec<(usize, usize)> = std::vec::Vec::new();
    let mut last = pool.stats();
    for _ in 0..1_000_000 {
        take(&pool);
        let s = pool.stats();
        if s.slabs != last.slabs {
            slabs.push((s.capacity - last.capacity, s.reserved - last.reserved));
            last = s;
        }
    }
    assert_eq!(pool.stats().live_blocks, 1_000_000);
    let (first_blocks, first_bytes) = slabs[0];
    assert!(first_blocks * 8 <= 4096 && first_blocks * 8 > 4096 - 128, "{slabs:?}");
    assert!(first_bytes < 4096 + 4096 / 32, "{slabs:?}");
    let max = slabs.iter().map(|&(blocks, _)| blocks).max().unwrap();
    assert!(max * 8 <= 1 << 20 && max * 8 > (1 << 20) - 128, "{slabs:?}");
    for pair in slabs.windows(2) {
        let ((a, _), (b, _)) = (pair[0], pair[1]);
        if a < max {
            assert!(b >= 2 * a && b <= 2 * a + 16, "not doubling: {slabs:?}");
        } else {
            assert_eq!(b, max, "past 1 MiB: {slabs:?}");
        }
    }
    // 4 KiB, 8 KiB, ... 1 MiB hold about 256 Ki blocks; six more 1 MiB slabs the rest.
    assert_eq!(slabs.len(), 15, "{slabs:?}");
    assert_eq!(parent.stats().allocate, 15);
    assert_accounted(&pool, &parent);
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn a_page_aligned_type_gets_aligned_blocks() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<Page>(), &parent);
    let pages: std::vec::Vec<_> =
        (0..10u64).map(|i| Box::new_in(Page { first: i }, &pool)).collect();
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(Box::as_ptr(page) as usize % 4096, 0);
        assert_eq!(page.first, i as u64);
        assert!(pool.owns(Box::as_ptr(page).cast()));
    }
    let s = pool.stats();
    assert_eq!((s.live_blocks, s.forwarded), (10, 0), "{s:?}");
    assert!(s.slabs >= 2, "a 4 KiB first slab holds at most one 4 KiB block: {s:?}");
    assert_accounted(&pool, &parent);
    drop(pages);
    drop(pool);
    parent.assert_no_leaks();
}

// ---------------------------------------------------------------------------------------
// Giving slabs back
// ---------------------------------------------------------------------------------------

#[test]
fn release_gives_back_every_slab_when_all_blocks_are_free() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<[u64; 8]>(), &parent);
    assert_eq!(pool.release_empty_slabs(), 0, "nothing to give back");
    let boxes: std::vec::Vec<_> = (0..300u64).map(|i| Box::new_in([i; 8], &pool)).collect();
    let before = pool.stats();
    assert!(before.slabs >= 3, "{before:?}");
    assert_eq!(pool.release_empty_slabs(), 0, "every slab has live blocks");
    assert_eq!(pool.stats(), before);
    drop(boxes);
    assert_eq!(pool.release_empty_slabs(), before.reserved);
    let s = pool.stats();
    assert_eq!((s.slabs, s.capacity, s.free_blocks, s.reserved), (0, 0, 0, 0), "{s:?}");
    assert_eq!(parent.live_bytes(), 0);
    pool.check_invariants();
    // The pool starts over.
    let b = Box::new_in([7u64; 8], &pool);
    assert_eq!(pool.stats().slabs, 1);
    assert_eq!(*b, [7; 8]);
    drop(b);
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn release_keeps_the_slabs_with_live_blocks_and_their_free_blocks() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    // Three slabs, with the reserved bytes of each.
    let mut blocks: std::vec::Vec<(NonNull<u8>, usize)> = std::vec::Vec::new();
    let mut sizes = std::vec::Vec::new();
    while pool.stats().slabs < 4 {
        let before = pool.stats();
        let p = take(&pool);
        if pool.stats().slabs != before.slabs {
            sizes.push(pool.stats().reserved - before.reserved);
        }
        blocks.push((p, pool.stats().slabs));
    }
    // Give the fourth slab's only block back, so that slab is carved once and all free.
    let (fourth, _) = blocks.pop().unwrap();
    // SAFETY: a live block of the pool's layout.
    unsafe { (&pool).deallocate(fourth, pool.block_layout()) };
    // Keep one block of the first and of the third slab.
    let keep: std::vec::Vec<NonNull<u8>> =
        [1, 3].iter().map(|&slab| blocks.iter().find(|&&(_, s)| s == slab).unwrap().0).collect();
    for &(p, _) in &blocks {
        if !keep.contains(&p) {
            // SAFETY: a live block of the pool's layout, freed once.
            unsafe { (&pool).deallocate(p, pool.block_layout()) };
        }
    }
    for (i, &p) in keep.iter().enumerate() {
        // SAFETY: live blocks of 8 bytes, ours.
        unsafe { p.cast::<u64>().write(i as u64 + 100) };
    }
    let before = pool.stats();
    let released = pool.release_empty_slabs();
    assert_eq!(released, sizes[1] + sizes[3], "the second and the fourth slab: {sizes:?}");
    let s = pool.stats();
    assert_eq!((s.slabs, s.live_blocks), (2, 2), "{s:?}");
    assert_eq!(s.reserved, before.reserved - released);
    assert_eq!(s.reserved, sizes[0] + sizes[2]);
    assert_accounted(&pool, &parent);
    for (i, &p) in keep.iter().enumerate() {
        // SAFETY: still live.
        assert_eq!(unsafe { p.cast::<u64>().read() }, i as u64 + 100);
        assert!(pool.owns(p.as_ptr()));
    }
    // The kept slabs' free blocks are all handed out before the parent is asked again.
    let requests = parent.stats().requests();
    for _ in 0..s.free_blocks {
        let p = take(&pool);
        assert!(pool.owns(p.as_ptr()));
    }
    assert_eq!(parent.stats().requests(), requests);
    assert_eq!(pool.stats().free_blocks, 0);
    take(&pool);
    assert_eq!(parent.stats().requests(), requests + 1);
    assert_accounted(&pool, &parent);
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn release_gives_back_an_unused_first_slab() {
    let parent = TestAlloc::new();
    let pool = Pool::with_capacity_in(Layout::new::<u64>(), 100, &parent);
    let reserved = pool.stats().reserved;
    assert_eq!(pool.release_empty_slabs(), reserved);
    assert_eq!(pool.stats().slabs, 0);
    assert_eq!(parent.live_bytes(), 0);
}

// ---------------------------------------------------------------------------------------
// The allocation limit
// ---------------------------------------------------------------------------------------

#[test]
fn a_limit_below_the_first_slab_gives_a_smaller_slab() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    pool.set_allocation_limit(Some(1000));
    assert_eq!(pool.allocation_limit(), Some(1000));
    let mut n = 0;
    while (&pool).allocate(Layout::new::<u64>()).is_ok() {
        n += 1;
    }
    let s = pool.stats();
    assert_eq!((s.slabs, s.capacity, s.live_blocks), (1, n, n), "{s:?}");
    assert!(s.reserved <= 1000, "{s:?}");
    assert!(n * 8 > 1000 / 2, "the slab was shrunk too much: {n} blocks");
    assert_eq!(parent.stats().failed, 0, "the limit refused, not the parent");
    assert_accounted(&pool, &parent);
}

#[test]
fn a_limit_too_small_for_one_block_takes_nothing() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<[u8; 256]>(), &parent);
    pool.set_allocation_limit(Some(200));
    assert!(Box::try_new_in([0u8; 256], &pool).is_err());
    assert!(Box::try_new_in([0u8; 100], &pool).is_err(), "a smaller value needs a block too");
    assert_eq!(parent.stats().requests(), 0);
    // A forwarded request within the limit is served.
    let wide = (&pool).allocate(layout(100, 512)).unwrap();
    assert_eq!(pool.stats().forwarded, 100);
    // SAFETY: live with exactly this layout.
    unsafe { (&pool).deallocate(wide.cast(), layout(100, 512)) };
    pool.set_allocation_limit(Some(0));
    assert!((&pool).allocate(layout(1, 512)).is_err());
    pool.set_allocation_limit(None);
    assert!(Box::try_new_in([1u8; 256], &pool).is_ok());
}

#[test]
fn forwarded_requests_count_against_the_limit() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    pool.set_allocation_limit(Some(10_100));
    let a = (&pool).allocate(layout(6_000, 8)).unwrap();
    assert!((&pool).allocate(layout(4_101, 8)).is_err(), "6000 + 4101 > 10100");
    let b = (&pool).allocate(layout(4_100, 8)).unwrap();
    assert_eq!(pool.stats().forwarded, 10_100);
    assert!(Box::try_new_in(1u64, &pool).is_err(), "no room for a slab");
    // SAFETY: live with exactly this layout.
    unsafe { (&pool).deallocate(b.cast(), layout(4_100, 8)) };
    // Freeing gives the budget back: a slab (of at most what is left) now fits.
    let c = Box::try_new_in(1u64, &pool).unwrap();
    let s = pool.stats();
    assert!(s.reserved + s.forwarded <= 10_100, "{s:?}");
    // Growing a forwarded block counts only the growth.
    let left = 10_100 - s.reserved - s.forwarded;
    // SAFETY: `a` is live with exactly 6000 bytes.
    assert!(unsafe { (&pool).grow(a.cast(), layout(6_000, 8), layout(6_001 + left, 8)) }.is_err());
    // SAFETY: as above.
    let a = unsafe { (&pool).grow(a.cast(), layout(6_000, 8), layout(6_000 + left, 8)) }.unwrap();
    let s = pool.stats();
    assert_eq!(s.reserved + s.forwarded, 10_100, "{s:?}");
    // SAFETY: live with exactly this layout.
    unsafe { (&pool).deallocate(a.cast(), layout(6_000 + left, 8)) };
    drop(c);
    assert_accounted(&pool, &parent);
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn a_lower_limit_keeps_what_was_taken_and_free_blocks_are_still_served() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    let mut boxes: std::vec::Vec<_> = (0..10u64).map(|i| Box::new_in(i, &pool)).collect();
    let before = pool.stats();
    pool.set_allocation_limit(Some(100));
    assert_eq!(pool.stats(), before, "memory over the new limit is kept");
    // The slab's uncarved blocks and freed blocks are still handed out.
    for i in 10..(before.capacity as u64) {
        boxes.push(Box::try_new_in(i, &pool).unwrap());
    }
    assert!(Box::try_new_in(0u64, &pool).is_err(), "a new slab is over the limit");
    boxes.swap_remove(3);
    boxes.push(Box::try_new_in(3u64, &pool).unwrap());
    assert_eq!(pool.stats().slabs, 1);
    assert_eq!(parent.stats().requests(), 1);
    drop(boxes);
    drop(pool);
    parent.assert_no_leaks();
}

// ---------------------------------------------------------------------------------------
// Drop
// ---------------------------------------------------------------------------------------

#[test]
fn drop_gives_every_slab_back_even_with_blocks_live() {
    let parent = TestAlloc::new();
    let pool = Pool::with_capacity_in(Layout::new::<[u8; 40]>(), 5, &parent);
    for _ in 0..500 {
        take(&pool); // never freed: the pool's drop frees their slabs
    }
    assert!(pool.stats().slabs >= 3);
    assert_accounted(&pool, &parent);
    drop(pool);
    parent.assert_no_leaks();
    assert_eq!(parent.stats().deallocate, parent.stats().allocate);
}

/// A churning workload (boxes dropped and made in any order) reaches a steady state in
/// which the parent is never asked again.
#[test]
fn churn_reuses_blocks_without_new_slabs() {
    let parent = TestAlloc::new();
    let pool: TestPool<'_> = Pool::new_in(Layout::new::<[u64; 3]>(), &parent);
    let mut live: std::vec::Vec<_> = (0..1000u64).map(|i| Box::new_in([i; 3], &pool)).collect();
    let requests = parent.stats().requests();
    let mut x = 1u64;
    for i in 0..20_000u64 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let k = (x >> 33) as usize % live.len();
        let old = live.swap_remove(k);
        assert!(old.iter().all(|&v| v == old[0]));
        live.push(Box::new_in([i; 3], &pool));
    }
    assert_eq!(parent.stats().requests(), requests, "the steady state took slabs");
    assert_eq!(pool.stats().live_blocks, 1000);
    drop(live);
    assert_accounted(&pool, &parent);
}

/// Under `cfg(asan)` the pool poisons its free and uncarved blocks. A slab must be
/// unpoisoned before it goes back to the parent, which may use memory given back to it
/// (`TestAlloc` writes `0xDD` over it; a real allocator keeps its free lists there), as
/// `Bump` does with its chunks. Only the sanitizer run can see this: with a poisoned
/// slab, ASan reports a use-after-poison inside the parent's `deallocate`.
#[cfg(asan)]
#[test]
fn slabs_go_back_to_the_parent_unpoisoned() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    drop(Box::new_in(1u64, &pool));
    // A slab with one free block and many uncarved ones, all poisoned.
    assert!(pool.release_empty_slabs() > 0);
    drop(Box::new_in(2u64, &pool));
    drop(pool);
    parent.assert_no_leaks();
}

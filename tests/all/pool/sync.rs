//! `SyncPool` and its `LocalPool` handles.
//!
//! - the block layout (at least two words) and the batch length;
//! - handles: a batch per lock, at most two batches cached, no exchange with the pool
//!   while a thread swings around a batch boundary, the cache given back on drop and by
//!   `flush`, blocks freed through any handle or the pool;
//! - statistics (exact once handles hold nothing), `release_empty_slabs`, the allocation
//!   limit, requests of other layouts, resizes across sides, zeroing;
//! - a parent that refuses requests: every path fails cleanly and leaves the pool usable;
//! - the debug double-free and foreign-pointer panics through the pool and through a
//!   handle, with the lock released after them;
//! - the `Box` differential suite over `&SyncPool` and `&LocalPool`;
//! - threads hammering one pool: blocks allocated through handles and the pool, freed by
//!   their owner or by another thread through its handle or the pool, each checked for
//!   its owner's pattern and recorded in a set of live addresses so no block is handed
//!   out twice; and boxed nodes built through handles and sent through channels.

use std::collections::HashSet;
use std::ptr::NonNull;
use std::sync::Mutex;
use std::sync::mpsc;
use std::thread;

use allockit::alloc::{AllocError, Allocator, Global, Layout};
use allockit::pool::{LocalPool, PoolStats};
use allockit::{Box, SyncPool, TryReserveErrorKind, Vec as KVec};
use proptest::prelude::*;

use crate::arena::{Block, Rng};
use crate::boxed::differential as box_model;
use crate::common::test_alloc::TestAlloc;

/// The layout most tests pool: 8 bytes, so 16-byte blocks and batches of 32.
const L: Layout = Layout::new::<u64>();
const BATCH: usize = 32;

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

/// Allocates a block of `layout` through `alloc` and writes `tag` at its start.
fn take<A: Allocator>(alloc: A, layout: Layout, tag: u64) -> NonNull<u8> {
    let block = alloc.allocate(layout).expect("allocation failed").cast::<u8>();
    // SAFETY: a fresh block of at least 8 bytes, 8-aligned.
    unsafe { block.cast::<u64>().write(tag) };
    block
}

/// Frees `block` through `alloc` after checking its tag.
///
/// # Safety
///
/// - `block` must be a live block of the pool `alloc` belongs to, with `layout`, that
///   [`take`] tagged with `tag`, and not used afterwards.
unsafe fn give<A: Allocator>(alloc: A, block: NonNull<u8>, layout: Layout, tag: u64) {
    // SAFETY: the caller's contract.
    unsafe {
        assert_eq!(block.cast::<u64>().read(), tag, "the block was overwritten");
        alloc.deallocate(block, layout);
    }
}

fn live(pool: &SyncPool<impl Allocator>) -> usize {
    pool.stats().live_blocks
}

/// Panics unless `stats` are those of a pool of `block_size` blocks that holds nothing.
#[track_caller]
fn assert_empty(stats: PoolStats, block_size: usize) {
    let PoolStats { live_blocks, free_blocks, capacity, slabs, reserved, forwarded, .. } = stats;
    assert_eq!(stats.block_size, block_size);
    assert_eq!([live_blocks, free_blocks, capacity, slabs, reserved, forwarded], [0; 6]);
}

#[test]
fn blocks_are_at_least_two_words_and_batches_about_8_kib() {
    assert_eq!(SyncPool::for_type::<u8>().block_layout(), Layout::new::<[usize; 2]>());
    assert_eq!(SyncPool::for_type::<u64>().block_layout(), layout(16));
    assert_eq!(SyncPool::for_type::<[u8; 24]>().block_layout(), layout(24));
    assert_eq!(SyncPool::for_type::<[u16; 9]>().block_layout(), layout(24));
    #[repr(align(64))]
    struct Wide(#[allow(dead_code)] u8);
    let wide = SyncPool::for_type::<Wide>();
    assert_eq!(wide.block_layout(), Layout::from_size_align(64, 64).unwrap());
    assert_eq!(wide.batch_size(), 32);
    let batches: std::vec::Vec<_> = [16usize, 256, 257, 512, 4096, 8192, 1 << 20]
        .iter()
        .map(|&size| SyncPool::new(layout(size)).batch_size())
        .collect();
    assert_eq!(batches, [32, 32, 31, 16, 2, 2, 2]);
}

#[test]
fn the_pool_counts_its_own_blocks_exactly() {
    let pool = SyncPool::for_type::<u64>();
    assert_empty(pool.stats(), 16);
    let blocks: std::vec::Vec<_> = (0..100).map(|i| take(&pool, L, i)).collect();
    let stats = pool.stats();
    assert_eq!(stats.live_blocks, 100);
    assert_eq!(stats.free_blocks, stats.capacity - 100);
    for (i, &b) in blocks.iter().enumerate() {
        // SAFETY: allocated above with `L` and tag `i`.
        unsafe { give(&pool, b, L, i as u64) };
    }
    assert_eq!(live(&pool), 0);
    pool.check_invariants();
    // The freed blocks come back before any new one is carved.
    let again: std::vec::Vec<_> = (0..100).map(|i| take(&pool, L, i)).collect();
    let mut set: HashSet<_> = blocks.into_iter().collect();
    assert!(again.iter().all(|b| set.remove(b)), "a block that was not freed came back");
    assert_eq!(pool.stats().capacity, stats.capacity);
    for (i, b) in again.into_iter().enumerate() {
        // SAFETY: as above.
        unsafe { give(&pool, b, L, i as u64) };
    }
}

#[test]
fn a_handle_takes_a_batch_at_a_time_and_caches_at_most_two() {
    let pool = SyncPool::with_capacity(L, 1000);
    assert_eq!(pool.batch_size(), BATCH);
    let local = pool.local();
    assert_eq!(local.cached_blocks(), 0);
    let mut blocks = std::vec::Vec::new();
    for i in 0..3 * BATCH as u64 {
        blocks.push(take(&local, L, i));
        let held = blocks.len();
        assert_eq!(local.cached_blocks(), (BATCH - held % BATCH) % BATCH, "after {held}");
        assert_eq!(live(&pool), held.next_multiple_of(BATCH), "whole batches leave the pool");
    }
    local.check_invariants();
    let mut cached = std::vec::Vec::new();
    while let Some(b) = blocks.pop() {
        // SAFETY: allocated above with `L` and tag `len`.
        unsafe { give(&local, b, L, blocks.len() as u64) };
        cached.push(local.cached_blocks());
        assert!(local.cached_blocks() <= 2 * BATCH);
        assert_eq!(live(&pool), blocks.len() + local.cached_blocks());
    }
    // 1..=32 on `free`, then a whole batch becomes the spare (33..=64), then the spare
    // goes to the pool each time `free` fills again.
    assert_eq!(cached[..2 * BATCH], (1..=2 * BATCH).collect::<std::vec::Vec<_>>()[..]);
    assert_eq!(cached[2 * BATCH], BATCH + 1);
    local.check_invariants();
    drop(local);
    assert_eq!(live(&pool), 0, "dropping the handle gives its blocks back");
    pool.check_invariants();
}

#[test]
fn swinging_around_a_batch_boundary_never_reaches_the_pool() {
    let pool = SyncPool::with_capacity(L, 1000);
    let local = pool.local();
    let mut blocks: std::vec::Vec<_> = (0..BATCH as u64).map(|i| take(&local, L, i)).collect();
    // The handle holds nothing now; alternating one free and one allocation, or a few of
    // each, stays within its own two lists.
    let before = pool.stats();
    for round in 0..1000 {
        let n = 1 + round % 3;
        for _ in 0..n {
            let b = blocks.pop().unwrap();
            // SAFETY: allocated with `L`, tagged with its index.
            unsafe { give(&local, b, L, blocks.len() as u64) };
        }
        for _ in 0..n {
            blocks.push(take(&local, L, blocks.len() as u64));
        }
    }
    assert_eq!(pool.stats(), before, "the handle exchanged blocks with the pool");
    for (i, b) in blocks.into_iter().enumerate().rev() {
        // SAFETY: as above.
        unsafe { give(&local, b, L, i as u64) };
    }
}

#[test]
fn a_handle_exchanges_with_the_pool_at_most_once_per_batch_of_operations() {
    // A random walk of allocations and frees through one handle: whatever the path, two
    // exchanges with the pool (seen as a change in the pool's free count) are at least a
    // batch of operations apart.
    let pool = SyncPool::with_capacity(L, 10_000);
    let local = pool.local();
    let mut rng = Rng::new(7);
    let mut blocks = std::vec::Vec::new();
    let (mut since, mut exchanges) = (usize::MAX, 0);
    let mut free_before = pool.stats().free_blocks;
    for _ in 0..20_000 {
        if blocks.is_empty() || rng.chance(50) {
            blocks.push(take(&local, L, blocks.len() as u64));
        } else {
            let b = blocks.pop().unwrap();
            // SAFETY: allocated with `L`, tagged with its index.
            unsafe { give(&local, b, L, blocks.len() as u64) };
        }
        since = since.saturating_add(1);
        let free = pool.stats().free_blocks;
        if free != free_before {
            assert_eq!(free.abs_diff(free_before), BATCH, "a whole batch moves");
            assert!(since >= BATCH, "two exchanges {since} operations apart");
            (since, exchanges, free_before) = (0, exchanges + 1, free);
        }
        assert!(local.cached_blocks() <= 2 * BATCH);
    }
    assert!(exchanges >= 5, "the walk should cross a few batches: {exchanges}");
    for (i, b) in blocks.into_iter().enumerate().rev() {
        // SAFETY: as above.
        unsafe { give(&local, b, L, i as u64) };
    }
}

#[test]
fn flush_makes_the_statistics_exact_and_the_handle_stays_usable() {
    let pool = SyncPool::for_type::<u64>();
    let local = pool.local();
    let a = take(&local, L, 1);
    assert_eq!(live(&pool), BATCH);
    local.flush();
    assert_eq!((local.cached_blocks(), live(&pool)), (0, 1));
    local.flush(); // nothing to give: no effect
    assert_eq!(live(&pool), 1);
    let b = take(&local, L, 2);
    // SAFETY: allocated above with `L` and these tags.
    unsafe {
        give(&local, a, L, 1);
        give(&pool, b, L, 2);
    }
    local.flush();
    assert_eq!(live(&pool), 0);
    pool.check_invariants();
    assert!(format!("{local:?}").contains("cached_blocks: 0"));
    assert!(format!("{pool:?}").contains("batch_size: 32"));
}

#[test]
fn any_block_may_be_freed_through_any_handle_or_the_pool() {
    let pool = SyncPool::for_type::<u64>();
    let (first, second) = (pool.local(), pool.local());
    let from_first: std::vec::Vec<_> = (0..50).map(|i| take(&first, L, i)).collect();
    let from_pool: std::vec::Vec<_> = (0..50).map(|i| take(&pool, L, 100 + i)).collect();
    for (i, (&a, &b)) in from_first.iter().zip(&from_pool).enumerate() {
        let i = i as u64;
        // SAFETY: allocated above with `L` and these tags, freed once each.
        unsafe {
            if i % 2 == 0 {
                give(&second, a, L, i);
                give(&first, b, L, 100 + i);
            } else {
                give(&pool, a, L, i);
                give(&second, b, L, 100 + i);
            }
        }
    }
    first.check_invariants();
    second.check_invariants();
    pool.check_invariants();
    drop((first, second));
    assert_eq!(live(&pool), 0);
    pool.check_invariants();
}

#[test]
fn blocks_freed_through_the_pool_go_to_the_next_handle() {
    let pool = SyncPool::for_type::<u64>();
    let blocks: std::vec::Vec<_> = (0..BATCH as u64 + 5).map(|i| take(&pool, L, i)).collect();
    let capacity = pool.stats().capacity;
    for (i, &b) in blocks.iter().enumerate() {
        // SAFETY: allocated above with `L` and tag `i`.
        unsafe { give(&pool, b, L, i as u64) };
    }
    // The pool now holds one whole batch and 5 loose blocks; handles take the batch, then
    // the loose blocks, and only then carve.
    let local = pool.local();
    let mut got: HashSet<_> = (0..BATCH as u64 + 5).map(|i| take(&local, L, i).addr()).collect();
    assert_eq!(pool.stats().capacity, capacity, "nothing new was carved");
    assert_eq!(got.len(), BATCH + 5);
    assert!(blocks.iter().all(|b| got.remove(&b.addr())));
}

#[test]
fn the_pool_owns_its_carved_blocks_only() {
    let pool = SyncPool::for_type::<u32>();
    let local = pool.local();
    let a = take(&local, L, 1);
    assert!(pool.owns(a.as_ptr()));
    // SAFETY: a block of at least 16 bytes.
    assert!(!pool.owns(unsafe { a.as_ptr().add(4) }), "inside a block");
    assert!(!pool.owns(std::ptr::null()));
    assert!(!pool.owns(&0u8));
    // SAFETY: allocated above.
    unsafe { give(&local, a, L, 1) };
    assert!(pool.owns(a.as_ptr()), "a freed block is still the pool's");
}

#[test]
fn other_layouts_go_to_the_parent_and_resizes_cross_sides() {
    let parent = TestAlloc::new();
    let pool = SyncPool::new_in(L, &parent);
    let local = pool.local();
    for alloc in [&&local as &dyn Resizer, &&pool as &dyn Resizer] {
        alloc.round_trip(&pool);
    }
    drop(local);
    assert_eq!(pool.stats().forwarded, 0);
    assert_eq!(parent.live_bytes(), pool.stats().reserved, "only slabs are left");
    drop(pool);
    parent.assert_no_leaks();
}

/// A pool allocator under test, object-safe, for running one scenario over both kinds.
trait Resizer {
    fn round_trip(&self, pool: &SyncPool<&TestAlloc>);
}

impl<A: Allocator> Resizer for A {
    fn round_trip(&self, pool: &SyncPool<&TestAlloc>) {
        let live = pool.stats().live_blocks;
        let small = self.allocate(layout(8)).unwrap();
        assert_eq!(small.len(), 16, "a pool block is handed out whole");
        let ptr = small.cast::<u8>();
        // SAFETY: 16 writable bytes.
        unsafe { ptr.as_ptr().write_bytes(7, 16) };
        // SAFETY: the block is live with `layout(8)`; each step uses the block and layout
        // the previous one returned.
        unsafe {
            let same = self.grow(ptr, layout(8), layout(16)).unwrap();
            assert_eq!(same.cast::<u8>(), ptr, "growing within the block stays");
            let big = self.grow(ptr, layout(16), layout(100)).unwrap().cast::<u8>();
            assert_eq!(pool.stats().forwarded, 100);
            assert_eq!(std::slice::from_raw_parts(big.as_ptr(), 16), [7; 16]);
            let bigger = self.grow_zeroed(big, layout(100), layout(200)).unwrap().cast::<u8>();
            assert_eq!(pool.stats().forwarded, 200);
            assert!(
                std::slice::from_raw_parts(bigger.as_ptr().add(100), 100).iter().all(|&b| b == 0)
            );
            let back = self.shrink(bigger, layout(200), layout(12)).unwrap();
            assert_eq!(pool.stats().forwarded, 0);
            let back = back.cast::<u8>();
            assert_eq!(std::slice::from_raw_parts(back.as_ptr(), 12), [7; 12]);
            let zeroed = self.grow_zeroed(back, layout(12), layout(16)).unwrap();
            assert_eq!(zeroed.cast::<u8>(), back);
            assert_eq!(std::slice::from_raw_parts(back.as_ptr(), 16)[12..], [0; 4]);
            self.deallocate(back, layout(16));
            let z = self.allocate_zeroed(layout(10)).unwrap();
            assert_eq!(z.len(), 10, "only the zeroed bytes are handed back");
            assert!(z.as_ref().iter().all(|&b| b == 0));
            self.deallocate(z.cast(), layout(10));
            let big = self.allocate_zeroed(layout(64)).unwrap();
            assert!(big.as_ref().iter().all(|&b| b == 0));
            assert_eq!(pool.stats().forwarded, 64);
            self.deallocate(big.cast(), layout(64));
        }
        assert_eq!(pool.stats().forwarded, 0);
        assert!(pool.stats().live_blocks <= live + 2 * BATCH);
    }
}

#[test]
fn grow_zeroed_of_the_same_size_zeroes_the_rest_of_the_block() {
    let pool = SyncPool::for_type::<u64>();
    let local = pool.local();
    for alloc in [&&local as &dyn ZeroRest, &&pool as &dyn ZeroRest] {
        alloc.zero_rest();
    }
}

/// The scenario of [`grow_zeroed_of_the_same_size_zeroes_the_rest_of_the_block`], object-safe.
trait ZeroRest {
    fn zero_rest(&self);
}

impl<A: Allocator> ZeroRest for A {
    fn zero_rest(&self) {
        let dirty = self.allocate(L).unwrap().cast::<u8>();
        // SAFETY: a fresh 16-byte block, dirtied, then freed with its layout.
        unsafe {
            dirty.write_bytes(0xFF, 16);
            self.deallocate(dirty, L);
        }
        // LIFO: the same block again, handed out 10 bytes long, its tail still dirty.
        let short = self.allocate_zeroed(layout(10)).unwrap();
        assert_eq!((short.cast::<u8>(), short.len()), (dirty, 10));
        // SAFETY: live with `layout(10)`; the grown block is ours, 16 bytes.
        unsafe {
            let whole = self.grow_zeroed(dirty, layout(10), layout(10)).unwrap();
            assert_eq!(whole.len(), 16);
            assert_eq!(whole.as_ref(), [0; 16]);
            self.deallocate(dirty, layout(10));
        }
    }
}

#[test]
fn slabs_after_a_first_slab_of_a_chosen_size_keep_doubling_from_it() {
    let pool = SyncPool::with_capacity(layout(64), 1000);
    let first = pool.stats().reserved;
    let blocks: std::vec::Vec<_> = (0..1001).map(|i| take(&pool, layout(64), i)).collect();
    let second = pool.stats().reserved - first;
    assert!(second >= (2 * first).min(1 << 20), "{first} then {second}");
    for (i, b) in blocks.into_iter().enumerate() {
        // SAFETY: allocated above with this layout and tag.
        unsafe { give(&pool, b, layout(64), i as u64) };
    }
}

#[test]
fn collections_over_the_pool_mix_pooled_and_forwarded_blocks() {
    let pool = SyncPool::for_type::<[u64; 2]>();
    let local = pool.local();
    let mut v: KVec<u64, _> = KVec::new_in(&local);
    v.extend(0..100);
    assert_eq!(pool.stats().forwarded, v.capacity() * 8);
    v.truncate(2);
    v.shrink_to_fit(); // 16 bytes: moves into a pool block
    assert_eq!(pool.stats().forwarded, 0);
    assert_eq!(v, [0, 1]);
    let b = Box::new_in([3u64, 4], &pool);
    assert_eq!(*b, [3, 4]);
    drop((v, b));
    drop(local);
    assert_eq!(live(&pool), 0);
}

#[test]
fn release_gives_back_empty_slabs_but_not_those_a_handle_caches_from() {
    let parent = TestAlloc::new();
    let pool = SyncPool::new_in(layout(64), &parent);
    let blocks: std::vec::Vec<_> = (0..500).map(|i| take(&pool, layout(64), i)).collect();
    let before = pool.stats();
    assert!(before.slabs >= 3);
    let local = pool.local();
    let cached = take(&local, layout(64), 1000); // a batch of the newest slab's blocks
    for (i, &b) in blocks.iter().enumerate().skip(10) {
        // SAFETY: allocated above with this layout and tag.
        unsafe { give(&pool, b, layout(64), i as u64) };
    }
    let released = pool.release_empty_slabs();
    let after = pool.stats();
    assert!(released > 0);
    assert_eq!(after.reserved, before.reserved - released);
    assert_eq!(after.reserved, parent.live_bytes());
    assert!(after.slabs >= 2, "the first slab and the handle's are kept");
    pool.check_invariants();
    // SAFETY: allocated above.
    unsafe { give(&local, cached, layout(64), 1000) };
    drop(local);
    for (i, &b) in blocks.iter().enumerate().take(10) {
        // SAFETY: allocated above.
        unsafe { give(&pool, b, layout(64), i as u64) };
    }
    pool.release_empty_slabs();
    assert_eq!((pool.stats().slabs, parent.live_bytes()), (0, 0), "everything went back");
    pool.check_invariants();
    // The pool starts over.
    let again = take(&pool, layout(64), 5);
    // SAFETY: allocated just now.
    unsafe { give(&pool, again, layout(64), 5) };
}

#[test]
fn the_limit_caps_slabs_and_forwarded_blocks_through_every_path() {
    let pool = SyncPool::for_type::<[u8; 64]>();
    pool.set_allocation_limit(Some(8192));
    assert_eq!(pool.allocation_limit(), Some(8192));
    let (first, second) = (pool.local(), pool.local());
    let mut blocks = std::vec::Vec::new();
    while let Ok(b) = (&first).allocate(layout(64)) {
        blocks.push(b.cast::<u8>());
    }
    let stats = pool.stats();
    assert!(stats.reserved <= 8192 && stats.reserved > 7000, "{stats:?}");
    assert!(blocks.len() > 100);
    assert!((&second).allocate(layout(64)).is_err());
    assert!((&pool).allocate(layout(64)).is_err());
    // A block freed through the first handle stays in its cache: the second handle
    // cannot have it until the first flushes.
    // SAFETY: allocated above with this layout.
    unsafe { (&first).deallocate(blocks.pop().unwrap(), layout(64)) };
    assert!((&second).allocate(layout(64)).is_err());
    first.flush();
    let b = (&second).allocate(layout(64)).expect("the flushed block is available");
    blocks.push(b.cast());
    // Forwarded requests count against the same budget.
    assert!((&second).allocate(layout(1000)).is_err());
    pool.set_allocation_limit(Some(stats.reserved + 1000));
    let f = (&second).allocate(layout(1000)).unwrap();
    assert_eq!(pool.stats().forwarded, 1000);
    // SAFETY: allocated above with these layouts.
    unsafe {
        (&second).deallocate(f.cast(), layout(1000));
        for b in blocks {
            (&pool).deallocate(b, layout(64));
        }
    }
    pool.set_allocation_limit(None);
    drop((first, second));
    assert_eq!(live(&pool), 0);
}

#[test]
fn a_zero_limit_refuses_everything_cleanly() {
    let pool = SyncPool::for_type::<u64>();
    pool.set_allocation_limit(Some(0));
    let local = pool.local();
    assert_eq!((&local).allocate(L), Err(AllocError));
    assert_eq!((&pool).allocate(L), Err(AllocError));
    assert_eq!((&local).allocate(layout(100)), Err(AllocError));
    assert!(Box::try_new_in(1u64, &local).is_err());
    assert_empty(pool.stats(), 16);
    assert_eq!(local.cached_blocks(), 0);
}

#[test]
fn a_failing_parent_fails_each_path_cleanly() {
    let parent = TestAlloc::new();
    let pool = SyncPool::new_in(L, &parent);
    let local = pool.local();
    // The first slab, through the pool and through a handle.
    parent.fail_nth(1);
    assert_eq!((&pool).allocate(L), Err(AllocError));
    parent.fail_nth(1);
    assert_eq!((&local).allocate(L), Err(AllocError));
    assert_eq!((pool.stats().slabs, local.cached_blocks()), (0, 0));
    let a = take(&local, L, 1);
    assert_eq!(pool.stats().slabs, 1);
    // A forwarded request.
    parent.fail_all();
    assert_eq!((&local).allocate(layout(100)), Err(AllocError));
    assert_eq!((&pool).allocate_zeroed(layout(100)), Err(AllocError));
    assert_eq!(pool.stats().forwarded, 0);
    // A pool block that would move to the parent stays where it was.
    // SAFETY: `a` is live with `L`.
    assert!(unsafe { (&local).grow(a, L, layout(100)) }.is_err());
    parent.disarm();
    // SAFETY: `a` is still live, with its tag, after the failed grow.
    let big = unsafe { (&local).grow(a, L, layout(100)) }.unwrap().cast::<u8>();
    // A forwarded block that would move into the pool, whose slab is refused.
    let fresh = SyncPool::new_in(L, &parent);
    let forwarded = take(&fresh, layout(100), 9);
    parent.fail_all();
    // SAFETY: live with `layout(100)`.
    assert!(unsafe { (&fresh).shrink(forwarded, layout(100), L) }.is_err());
    // SAFETY: a failed grow of the forwarded block leaves it as it was.
    assert!(unsafe { (&fresh).grow(forwarded, layout(100), layout(200)) }.is_err());
    parent.disarm();
    // SAFETY: still live, with its tag and layout.
    unsafe {
        give(&fresh, forwarded, layout(100), 9);
        give(&local, big, layout(100), 1);
    }
    drop(local);
    drop(pool);
    drop(fresh);
    parent.assert_no_leaks();
}

#[test]
fn a_capacity_the_parent_refuses_is_an_error() {
    let parent = TestAlloc::failing(crate::common::test_alloc::FailPlan::AllAfter(0));
    let error = SyncPool::try_with_capacity_in(L, 100, &parent).unwrap_err();
    assert!(matches!(error.kind(), TryReserveErrorKind::AllocError { .. }));
    let error = SyncPool::try_with_capacity_in(L, usize::MAX / 4, Global).unwrap_err();
    assert_eq!(error.kind(), TryReserveErrorKind::CapacityOverflow);
    let pool = SyncPool::with_capacity_in(L, 100, Global);
    assert_eq!(pool.stats().capacity, 100);
    assert_eq!(SyncPool::try_with_capacity(L, 0).unwrap().stats().slabs, 0);
}

#[test]
fn the_pool_and_its_handles_have_the_documented_auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<SyncPool>();
    send_sync::<SyncPool<&TestAlloc>>();
    send::<LocalPool<'static>>();
    send::<Box<u64, &'static SyncPool>>();
    send::<KVec<u64, &'static SyncPool>>();
}

#[cfg(debug_assertions)]
mod debug_checks {
    use super::*;
    use crate::common::panics::expect_panic;

    #[test]
    #[should_panic(expected = "double free")]
    fn a_double_free_through_a_handle_panics() {
        let pool = SyncPool::for_type::<u64>();
        let local = pool.local();
        let a = take(&local, L, 1);
        // SAFETY: none; the second free is the bug under test, caught before any harm.
        unsafe {
            (&local).deallocate(a, L);
            (&local).deallocate(a, L);
        }
    }

    #[test]
    #[should_panic(expected = "double free")]
    fn a_double_free_through_the_pool_panics() {
        let pool = SyncPool::for_type::<u64>();
        let a = take(&pool, L, 1);
        // SAFETY: as above.
        unsafe {
            (&pool).deallocate(a, L);
            (&pool).deallocate(a, L);
        }
    }

    #[test]
    #[should_panic(expected = "double free")]
    fn a_double_free_through_a_handle_then_the_pool_panics() {
        let pool = SyncPool::for_type::<u64>();
        let local = pool.local();
        let a = take(&pool, L, 1);
        // SAFETY: as above.
        unsafe {
            (&local).deallocate(a, L);
            (&pool).deallocate(a, L);
        }
    }

    #[test]
    #[should_panic(expected = "does not belong to this pool")]
    fn a_foreign_pointer_freed_through_a_handle_panics() {
        let (pool, other) = (SyncPool::for_type::<u64>(), SyncPool::for_type::<u64>());
        let local = pool.local();
        take(&local, L, 0); // the pool has a slab to search
        let a = take(&other, L, 1);
        // SAFETY: none; freeing another pool's block is the bug under test.
        unsafe { (&local).deallocate(a, L) };
    }

    #[test]
    #[should_panic(expected = "points inside a pool block")]
    fn a_pointer_inside_a_block_freed_through_the_pool_panics() {
        let pool = SyncPool::for_type::<u64>();
        let a = take(&pool, L, 1);
        // SAFETY: none; the misplaced pointer is the bug under test.
        unsafe { (&pool).deallocate(a.add(8), L) };
    }

    #[test]
    fn the_lock_is_released_after_a_debug_panic() {
        let pool = SyncPool::for_type::<u64>();
        let local = pool.local();
        let a = take(&local, L, 1);
        // SAFETY: allocated above; the second free is caught.
        unsafe { (&local).deallocate(a, L) };
        // SAFETY: as above.
        let message = expect_panic(|| unsafe { (&local).deallocate(a, L) });
        assert!(message.contains("double free"), "{message}");
        // The pool and the handle still work, on this thread and on another.
        let b = take(&local, L, 2);
        thread::scope(|s| {
            s.spawn(|| {
                let c = take(&pool, L, 3);
                // SAFETY: allocated just now.
                unsafe { give(&pool, c, L, 3) };
            });
        });
        // SAFETY: allocated above.
        unsafe { give(&local, b, L, 2) };
        drop(local);
        assert_eq!(live(&pool), 0);
        pool.check_invariants();
    }
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 16, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// `Box<String>` is 24 bytes: its boxes are pooled; slices and strings of other
    /// sizes go to the parent, or into blocks when they fit.
    #[test]
    fn boxes_over_the_pool_match_std(ops in box_model::ops()) {
        let pool = SyncPool::for_type::<String>();
        box_model::run_in(&pool, &ops, &|| pool.check_invariants());
        assert_eq!(live(&pool), 0);
        assert_eq!(pool.stats().forwarded, 0);
    }

    #[test]
    fn boxes_over_a_handle_match_std(ops in box_model::ops()) {
        let pool = SyncPool::for_type::<String>();
        {
            let local = pool.local();
            box_model::run_in(&local, &ops, &|| {
                local.check_invariants();
                pool.check_invariants();
            });
        }
        assert_eq!(live(&pool), 0);
        assert_eq!(pool.stats().forwarded, 0);
    }
}

/// Worker threads in the stress tests.
const THREADS: usize = 4;
/// Steps each worker takes.
const STEPS: usize = 20_000;
/// A worker frees blocks at random once it holds more than this many.
const MAX_LIVE: usize = 200;

/// The addresses of every live block, in shards so the workers seldom wait for each
/// other: a block handed out while live would be inserted twice.
struct LiveSet([Mutex<HashSet<usize>>; 16]);

impl LiveSet {
    fn new() -> Self {
        LiveSet(std::array::from_fn(|_| Mutex::new(HashSet::new())))
    }

    fn shard(&self, addr: usize) -> &Mutex<HashSet<usize>> {
        &self.0[(addr >> 4) % self.0.len()]
    }

    #[track_caller]
    fn insert(&self, b: &Block) {
        let addr = b.ptr.as_ptr() as usize;
        assert!(self.shard(addr).lock().unwrap().insert(addr), "block {b:?} handed out twice");
    }

    #[track_caller]
    fn remove(&self, b: &Block) {
        let addr = b.ptr.as_ptr() as usize;
        assert!(self.shard(addr).lock().unwrap().remove(&addr), "block {b:?} was not live");
    }

    fn len(&self) -> usize {
        self.0.iter().map(|s| s.lock().unwrap().len()).sum()
    }
}

/// What the workers share: the pool, the live set and a mailbox per worker, where the
/// others leave blocks for it to free.
struct Stage<'p> {
    pool: &'p SyncPool<&'p TestAlloc>,
    live: LiveSet,
    mailboxes: std::vec::Vec<Mutex<std::vec::Vec<Block>>>,
}

/// One worker: its handle, its live blocks and its draws.
struct Worker<'s, 'p> {
    stage: &'s Stage<'p>,
    local: LocalPool<'p, &'p TestAlloc>,
    me: usize,
    rng: Rng,
    made: u64,
    blocks: std::vec::Vec<Block>,
}

impl<'s, 'p> Worker<'s, 'p> {
    fn layout(b: &Block) -> Layout {
        Layout::from_size_align(b.len, b.align).unwrap()
    }

    /// Allocates through the handle (mostly) or the pool: a pooled size (mostly) or a
    /// forwarded one, tagged with the worker and a sequence number.
    fn allocate(&mut self) {
        let len = if self.rng.chance(3) { self.rng.range(49, 300) } else { self.rng.range(1, 48) };
        let align = 1 << self.rng.range(0, 3);
        let layout = Layout::from_size_align(len, align).unwrap();
        let block = if self.rng.chance(80) {
            (&self.local).allocate(layout)
        } else {
            self.stage.pool.allocate(layout)
        };
        let block = block.expect("the parent never fails here");
        self.made += 1;
        let b = Block { ptr: block.cast(), len, align, tag: ((self.me as u64) << 40) | self.made };
        assert_eq!(b.ptr.as_ptr() as usize % align, 0, "misaligned {b:?}");
        self.stage.live.insert(&b);
        // SAFETY: a fresh block of `len` bytes, ours.
        unsafe { b.fill() };
        self.blocks.push(b);
    }

    /// Checks a block (ours, or left for us) and frees it through the handle or the pool.
    fn free(&mut self, b: Block) {
        // SAFETY: a live block no one else uses now; given up with its layout.
        unsafe { b.check() };
        self.stage.live.remove(&b);
        // SAFETY: as above.
        unsafe {
            if self.rng.chance(70) {
                (&self.local).deallocate(b.ptr, Self::layout(&b));
            } else {
                self.stage.pool.deallocate(b.ptr, Self::layout(&b));
            }
        }
    }

    fn free_any(&mut self) {
        if !self.blocks.is_empty() {
            let i = self.rng.range(0, self.blocks.len() - 1);
            let b = self.blocks.swap_remove(i);
            self.free(b);
        }
    }

    fn send_any(&mut self) {
        if !self.blocks.is_empty() {
            let i = self.rng.range(0, self.blocks.len() - 1);
            let b = self.blocks.swap_remove(i);
            let to = (self.me + self.rng.range(1, THREADS - 1)) % THREADS;
            self.stage.mailboxes[to].lock().unwrap().push(b);
        }
    }

    fn drain_mailbox(&mut self) {
        let mail = std::mem::take(&mut *self.stage.mailboxes[self.me].lock().unwrap());
        for b in mail {
            self.free(b);
        }
    }

    fn step(&mut self, i: usize) {
        match self.rng.range(0, 99) {
            0..=49 => self.allocate(),
            50..=74 => self.free_any(),
            75..=89 => self.send_any(),
            _ => self.drain_mailbox(),
        }
        while self.blocks.len() > MAX_LIVE {
            self.free_any();
        }
        if i % 1000 == 0 {
            self.local.check_invariants();
            self.stage.pool.check_invariants();
            let stats = self.stage.pool.stats();
            assert!(stats.live_blocks <= stats.capacity, "{stats:?}");
        }
    }
}

#[test]
fn threads_allocating_and_freeing_through_handles_and_the_pool() {
    let parent = TestAlloc::new();
    let pool = SyncPool::new_in(layout(48), &parent);
    let stage = Stage {
        pool: &pool,
        live: LiveSet::new(),
        mailboxes: (0..THREADS).map(|_| Mutex::new(std::vec::Vec::new())).collect(),
    };
    let leftovers: std::vec::Vec<std::vec::Vec<Block>> = thread::scope(|s| {
        let workers: std::vec::Vec<_> = (0..THREADS)
            .map(|me| {
                let stage = &stage;
                s.spawn(move || {
                    let mut w = Worker {
                        stage,
                        local: stage.pool.local(),
                        me,
                        rng: Rng::new(0x5EED_0000 + me as u64),
                        made: 0,
                        blocks: std::vec::Vec::new(),
                    };
                    for i in 1..=STEPS {
                        w.step(i);
                    }
                    w.drain_mailbox();
                    w.blocks
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a worker panicked")).collect()
    });
    // Every handle is gone: the statistics are exact.
    let stats = pool.stats();
    let pooled = |b: &Block| b.len <= 48;
    let held: std::vec::Vec<&Block> = leftovers.iter().flatten().collect();
    let mailed: std::vec::Vec<Block> =
        stage.mailboxes.iter().flat_map(|m| std::mem::take(&mut *m.lock().unwrap())).collect();
    let all: std::vec::Vec<&Block> = held.into_iter().chain(&mailed).collect();
    assert_eq!(stats.live_blocks, all.iter().filter(|b| pooled(b)).count());
    assert_eq!(stats.forwarded, all.iter().filter(|b| !pooled(b)).map(|b| b.len).sum::<usize>());
    assert_eq!(stage.live.len(), all.len());
    crate::arena::assert_disjoint_and_aligned(
        &all.iter().map(|&&b| b).collect::<std::vec::Vec<_>>(),
    );
    for b in all {
        // SAFETY: every worker is done; the block is live with its layout and tag.
        unsafe {
            b.check();
            (&pool).deallocate(b.ptr, Worker::layout(b));
        }
    }
    pool.check_invariants();
    assert_eq!((live(&pool), pool.stats().forwarded), (0, 0));
    assert_eq!(parent.live_bytes(), pool.stats().reserved);
    drop(pool);
    parent.assert_no_leaks();
}

/// A node of a singly linked list, every node a pool block.
struct Node<'h> {
    value: u64,
    next: Option<Box<Node<'h>, &'h LocalPool<'h>>>,
}

#[test]
fn threads_building_lists_and_passing_boxes_around() {
    static POOL: SyncPool = SyncPool::for_type::<[u64; 3]>();
    const ROUNDS: u64 = 200;
    let (senders, receivers): (std::vec::Vec<_>, std::vec::Vec<_>) =
        (0..THREADS).map(|_| mpsc::channel::<Box<[u64; 3], &'static SyncPool>>()).unzip();
    thread::scope(|s| {
        for (me, inbox) in receivers.into_iter().enumerate() {
            let next = senders[(me + 1) % THREADS].clone();
            s.spawn(move || {
                let local = POOL.local();
                for round in 0..ROUNDS {
                    // A list of 50 nodes through the handle, summed, then dropped.
                    let mut head: Option<Box<Node<'_>, _>> = None;
                    for i in 0..50 {
                        head = Some(Box::new_in(Node { value: i, next: head }, &local));
                    }
                    let (mut sum, mut node) = (0, head.as_deref());
                    while let Some(n) = node {
                        sum += n.value;
                        node = n.next.as_deref();
                    }
                    assert_eq!(sum, 49 * 50 / 2);
                    drop(head);
                    // A box over the pool to the next thread, freed there.
                    let id = me as u64;
                    next.send(Box::new_in([id, round, id ^ round], &POOL)).unwrap();
                    let got = inbox.recv().unwrap();
                    let from = (me + THREADS - 1) as u64 % THREADS as u64;
                    assert_eq!(*got, [from, round, from ^ round]);
                }
            });
        }
        drop(senders);
    });
    let stats = POOL.stats();
    assert_eq!(stats.live_blocks, 0);
    POOL.check_invariants();
}

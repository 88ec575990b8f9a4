//! Resizing through `&Pool`, one case at a time: a block stays in place while the new
//! layout fits the block, crosses to the parent when it does not (and back), the zeroing
//! methods zero every byte they hand back that the caller did not own, alignment changes
//! route like any other layout, and zero-sized requests.

use std::ptr::NonNull;

use allockit::Pool;
use allockit::alloc::{Allocator, Layout};

use super::{TestPool, assert_accounted, assert_pattern, assert_zero, fill};
use crate::common::test_alloc::TestAlloc;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// A pool of 64-byte blocks over `parent`.
fn pool64(parent: &TestAlloc) -> TestPool<'_> {
    Pool::new_in(Layout::new::<[u64; 8]>(), parent)
}

/// Allocates a block of the pool, writes `byte` over all of it and frees it, so that the
/// next block handed out (the same one) holds no zeros of its own.
fn dirty_block<A: Allocator>(pool: &Pool<A>) -> NonNull<u8> {
    let block = pool.allocate(pool.block_layout()).unwrap();
    let ptr = block.cast::<u8>();
    // SAFETY: the block is ours, `block.len()` bytes.
    unsafe { ptr.as_ptr().write_bytes(0xFF, block.len()) };
    // SAFETY: allocated just above with this layout.
    unsafe { pool.deallocate(ptr, pool.block_layout()) };
    ptr
}

#[test]
fn a_block_grows_and_shrinks_in_place_within_the_block() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    let block = (&pool).allocate(layout(10, 1)).unwrap();
    let ptr = block.cast::<u8>();
    assert_eq!(block.len(), 64, "a pooled request gets the whole block");
    // SAFETY: 64 bytes, ours.
    unsafe { fill(ptr, 1, 0, 64) };
    let calls = parent.stats().calls();
    // SAFETY: `ptr` is live with a layout of 10 bytes (it was handed out with 64).
    let grown = unsafe { (&pool).grow(ptr, layout(10, 1), layout(64, 1)) }.unwrap();
    assert_eq!((grown.cast::<u8>(), grown.len()), (ptr, 64));
    // SAFETY: as above, now with 64 bytes asked for.
    let shrunk = unsafe { (&pool).shrink(ptr, layout(64, 1), layout(1, 1)) }.unwrap();
    assert_eq!((shrunk.cast::<u8>(), shrunk.len()), (ptr, 64));
    // SAFETY: the block is live; nothing wrote to it.
    unsafe { assert_pattern(ptr, 1, 64) };
    assert_eq!(parent.stats().calls(), calls, "resizing within the block reached the parent");
    assert_eq!(pool.stats().live_blocks, 1);
    // Any size between the one asked for and the length handed out frees the block.
    // SAFETY: live, and 40 bytes fits a block asked for with 1 and handed out with 64.
    unsafe { (&pool).deallocate(ptr, layout(40, 1)) };
    assert_eq!(pool.stats().live_blocks, 0);
    assert_accounted(&pool, &parent);
}

#[test]
fn a_block_grown_past_the_block_moves_to_the_parent_and_back() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    let a = (&pool).allocate(layout(40, 8)).unwrap().cast::<u8>();
    // SAFETY: 64 bytes, ours.
    unsafe { fill(a, 7, 0, 64) };

    // SAFETY: `a` is live with 40 bytes asked for.
    let big = unsafe { (&pool).grow(a, layout(40, 8), layout(100, 8)) }.unwrap();
    let b = big.cast::<u8>();
    assert_eq!(big.len(), 100, "a forwarded block has exactly the size asked for");
    assert_ne!(b, a);
    assert_eq!(parent.layout_of(b.as_ptr()), Some(layout(100, 8)), "the parent's block");
    assert!(!pool.owns(b.as_ptr()));
    // SAFETY: the first 40 bytes were kept.
    unsafe { assert_pattern(b, 7, 40) };
    let s = pool.stats();
    assert_eq!((s.live_blocks, s.forwarded), (0, 100), "{s:?}");
    assert_accounted(&pool, &parent);

    // SAFETY: 100 bytes, ours.
    unsafe { fill(b, 8, 0, 100) };
    // Shrinking into the block size moves it back, into the block freed last.
    // SAFETY: `b` is live with 100 bytes asked for.
    let small = unsafe { (&pool).shrink(b, layout(100, 8), layout(50, 8)) }.unwrap();
    assert_eq!((small.cast::<u8>(), small.len()), (a, 64));
    // SAFETY: the first 50 bytes were kept.
    unsafe { assert_pattern(a, 8, 50) };
    assert_eq!(parent.layout_of(b.as_ptr()), None, "the parent's block was freed");
    let s = pool.stats();
    assert_eq!((s.live_blocks, s.forwarded), (1, 0), "{s:?}");
    assert_accounted(&pool, &parent);
    // SAFETY: live, with 50 bytes asked for.
    unsafe { (&pool).deallocate(a, layout(50, 8)) };
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn a_forwarded_block_is_resized_by_the_parent() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    let a = (&pool).allocate(layout(80, 4)).unwrap().cast::<u8>();
    // SAFETY: 80 bytes, ours.
    unsafe { fill(a, 3, 0, 80) };
    let before = parent.stats();
    // SAFETY: `a` is live with exactly 80 bytes.
    let b = unsafe { (&pool).grow(a, layout(80, 4), layout(300, 4)) }.unwrap();
    assert_eq!(b.len(), 300);
    assert_eq!(parent.stats().grow, before.grow + 1, "not the parent's grow");
    assert_eq!(pool.stats().forwarded, 300);
    let b = b.cast::<u8>();
    // SAFETY: the first 80 bytes were kept.
    unsafe { assert_pattern(b, 3, 80) };
    // SAFETY: `b` is live with exactly 300 bytes.
    let c = unsafe { (&pool).shrink(b, layout(300, 4), layout(65, 4)) }.unwrap();
    assert_eq!((c.len(), parent.stats().shrink), (65, before.shrink + 1));
    assert_eq!(pool.stats().forwarded, 65);
    // SAFETY: the first 65 bytes were kept.
    unsafe { assert_pattern(c.cast(), 3, 65) };
    assert_eq!(pool.stats().live_blocks, 0, "65 bytes do not fit the block");
    // SAFETY: live with exactly 65 bytes.
    unsafe { (&pool).deallocate(c.cast(), layout(65, 4)) };
    assert_eq!(pool.stats().forwarded, 0);
    assert_eq!(pool.stats().slabs, 0, "no slab was ever needed");
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn allocate_zeroed_zeroes_what_it_hands_back() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    let dirty = dirty_block(&pool);
    let block = (&pool).allocate_zeroed(layout(20, 4)).unwrap();
    assert_eq!(block.cast::<u8>(), dirty, "the freed block is reused");
    assert_eq!(block.len(), 20, "only the zeroed bytes are handed back");
    // SAFETY: 20 bytes handed out.
    unsafe { assert_zero(block.cast(), 0, 20) };
    let forwarded = (&pool).allocate_zeroed(layout(200, 16)).unwrap();
    assert_eq!(forwarded.len(), 200);
    assert_eq!(parent.stats().allocate_zeroed, 1, "the parent zeroes its own blocks");
    // SAFETY: 200 bytes handed out.
    unsafe { assert_zero(forwarded.cast(), 0, 200) };
    // SAFETY: both live with these layouts.
    unsafe {
        (&pool).deallocate(block.cast(), layout(20, 4));
        (&pool).deallocate(forwarded.cast(), layout(200, 16));
    }
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn grow_zeroed_within_the_block_zeroes_up_to_the_returned_length() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    dirty_block(&pool);
    // Allocated without zeroing: the whole block is handed out, dirty.
    let a = (&pool).allocate(layout(10, 1)).unwrap().cast::<u8>();
    // SAFETY: 64 bytes, ours.
    unsafe { fill(a, 5, 0, 10) };
    // SAFETY: live with 10 bytes asked for.
    let grown = unsafe { (&pool).grow_zeroed(a, layout(10, 1), layout(30, 1)) }.unwrap();
    assert_eq!((grown.cast::<u8>(), grown.len()), (a, 64));
    // SAFETY: 64 bytes handed out; the first 10 kept, the rest zeroed.
    unsafe {
        assert_pattern(a, 5, 10);
        assert_zero(a, 10, 64);
    }

    // Allocated zeroed: only the requested bytes were handed out, and a later grow_zeroed
    // zeroes the rest of the block too.
    // SAFETY: 64 bytes, ours.
    unsafe { a.as_ptr().write_bytes(0xEE, 64) };
    // SAFETY: live with 30 bytes asked for.
    unsafe { (&pool).deallocate(a, layout(30, 1)) };
    let b = (&pool).allocate_zeroed(layout(16, 8)).unwrap().cast::<u8>();
    assert_eq!(b, a);
    // SAFETY: live with 16 bytes asked for (and handed out).
    let grown = unsafe { (&pool).grow_zeroed(b, layout(16, 8), layout(17, 8)) }.unwrap();
    assert_eq!(grown.len(), 64);
    // SAFETY: 64 bytes handed out.
    unsafe { assert_zero(b, 0, 64) };
    // SAFETY: live with 17 bytes asked for.
    unsafe { (&pool).deallocate(b, layout(17, 8)) };
    assert_accounted(&pool, &parent);
}

/// `grow_zeroed` to the same size within a block hands back the whole block but zeroes
/// nothing: after `allocate_zeroed` of 8 bytes (8 bytes handed out), the caller gets 64
/// bytes of which 8..64 still hold what the block's previous owner wrote.
#[test]
fn grow_zeroed_to_the_same_size_zeroes_the_rest() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    dirty_block(&pool);
    let a = (&pool).allocate_zeroed(layout(8, 8)).unwrap();
    assert_eq!(a.len(), 8);
    let a = a.cast::<u8>();
    // SAFETY: live with 8 bytes asked for (and handed out).
    let grown = unsafe { (&pool).grow_zeroed(a, layout(8, 8), layout(8, 8)) }.unwrap();
    assert_eq!(grown.len(), 64);
    // SAFETY: 64 bytes handed out; 0..8 were zeroed by allocate_zeroed, 8..64 were never
    // handed out before, so grow_zeroed must zero them.
    unsafe { assert_zero(a, 0, 64) };
    // SAFETY: live with 8 bytes asked for.
    unsafe { (&pool).deallocate(a, layout(8, 8)) };
}

#[test]
fn grow_zeroed_across_to_the_parent_zeroes_the_new_bytes() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    dirty_block(&pool);
    let a = (&pool).allocate(layout(10, 8)).unwrap().cast::<u8>();
    // SAFETY: 64 bytes handed out; only the first 10 are the caller's.
    unsafe { fill(a, 9, 0, 10) };
    // SAFETY: live with 10 bytes asked for.
    let b = unsafe { (&pool).grow_zeroed(a, layout(10, 8), layout(100, 8)) }.unwrap();
    assert_eq!(b.len(), 100);
    let b = b.cast::<u8>();
    // SAFETY: 100 bytes handed out.
    unsafe {
        assert_pattern(b, 9, 10);
        assert_zero(b, 10, 100);
    }
    assert_eq!(parent.stats().allocate_zeroed, 1, "the parent zeroed the new block");
    // Grown again, by the parent.
    // SAFETY: 100 bytes, ours.
    unsafe { fill(b, 10, 0, 100) };
    // SAFETY: live with exactly 100 bytes.
    let c = unsafe { (&pool).grow_zeroed(b, layout(100, 8), layout(250, 8)) }.unwrap();
    let c = c.cast::<u8>();
    // SAFETY: 250 bytes handed out.
    unsafe {
        assert_pattern(c, 10, 100);
        assert_zero(c, 100, 250);
    }
    assert_eq!(parent.stats().grow_zeroed, 1);
    // SAFETY: live with exactly 250 bytes.
    unsafe { (&pool).deallocate(c, layout(250, 8)) };
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn a_stricter_alignment_routes_to_the_parent_and_back() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<[u64; 4]>(), &parent);
    assert_eq!(pool.block_layout(), layout(32, 8));
    // More aligned than the block: the parent's, even though it is small.
    let wide = (&pool).allocate(layout(16, 64)).unwrap();
    assert_eq!((wide.len(), pool.stats().forwarded), (16, 16));
    assert_eq!(wide.cast::<u8>().as_ptr() as usize % 64, 0);
    // SAFETY: live with exactly this layout.
    unsafe { (&pool).deallocate(wide.cast(), layout(16, 64)) };

    // A pooled block grown to a stricter alignment moves to the parent...
    let a = (&pool).allocate(layout(16, 4)).unwrap().cast::<u8>();
    // SAFETY: 32 bytes, ours.
    unsafe { fill(a, 11, 0, 16) };
    // SAFETY: live with 16 bytes aligned to 4; the new layout may have another alignment.
    let b = unsafe { (&pool).grow(a, layout(16, 4), layout(24, 128)) }.unwrap().cast::<u8>();
    assert_eq!(b.as_ptr() as usize % 128, 0);
    assert_eq!(parent.layout_of(b.as_ptr()), Some(layout(24, 128)));
    // SAFETY: the first 16 bytes were kept.
    unsafe { assert_pattern(b, 11, 16) };
    assert_eq!(pool.stats().live_blocks, 0);
    // ...and comes back (to the block it left) when shrunk to one that fits.
    // SAFETY: live with exactly 24 bytes aligned to 128.
    let c = unsafe { (&pool).shrink(b, layout(24, 128), layout(16, 2)) }.unwrap();
    assert_eq!((c.cast::<u8>(), c.len()), (a, 32));
    // SAFETY: the first 16 bytes were kept.
    unsafe { assert_pattern(a, 11, 16) };
    // Within the block, a looser or equal alignment changes nothing.
    // SAFETY: live with 16 bytes aligned to 2.
    let d = unsafe { (&pool).grow(a, layout(16, 2), layout(20, 8)) }.unwrap();
    assert_eq!((d.cast::<u8>(), d.len()), (a, 32));
    // SAFETY: live with 20 bytes aligned to 8.
    unsafe { (&pool).deallocate(a, layout(20, 8)) };
    assert_accounted(&pool, &parent);
    drop(pool);
    parent.assert_no_leaks();
}

/// The parent sees a forwarded block's alignment change as it is (`TestAlloc` refuses
/// those, so this pool's parent is the global heap).
#[test]
fn a_forwarded_block_changes_alignment_through_the_parent() {
    let pool = Pool::for_type::<[u8; 16]>();
    let a = (&pool).allocate(layout(100, 8)).unwrap().cast::<u8>();
    // SAFETY: 100 bytes, ours.
    unsafe { fill(a, 12, 0, 100) };
    // SAFETY: live with exactly 100 bytes aligned to 8.
    let b = unsafe { (&pool).grow(a, layout(100, 8), layout(200, 256)) }.unwrap();
    let b = b.cast::<u8>();
    assert_eq!(b.as_ptr() as usize % 256, 0);
    // SAFETY: the first 100 bytes were kept.
    unsafe { assert_pattern(b, 12, 100) };
    assert_eq!(pool.stats().forwarded, 200);
    // SAFETY: live with exactly 200 bytes aligned to 256.
    let c = unsafe { (&pool).shrink(b, layout(200, 256), layout(150, 32)) }.unwrap();
    assert_eq!(c.cast::<u8>().as_ptr() as usize % 32, 0);
    // SAFETY: the first 100 bytes were kept (and 150 handed out).
    unsafe { assert_pattern(c.cast(), 12, 100) };
    assert_eq!(pool.stats().forwarded, 150);
    // SAFETY: live with exactly 150 bytes aligned to 32.
    unsafe { (&pool).deallocate(c.cast(), layout(150, 32)) };
    assert_eq!(pool.stats().forwarded, 0);
}

/// A zero-sized request that fits the block is still served from the pool: it takes a
/// whole block (handed out whole, or with length 0 when zeroed), and is freed as one.
#[test]
fn a_zero_sized_request_that_fits_takes_a_block() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    let a = (&pool).allocate(layout(0, 1)).unwrap();
    let b = (&pool).allocate_zeroed(layout(0, 8)).unwrap();
    assert_eq!((a.len(), b.len()), (64, 0));
    assert_ne!(a.cast::<u8>(), b.cast::<u8>());
    assert!(pool.owns(a.cast::<u8>().as_ptr()) && pool.owns(b.cast::<u8>().as_ptr()));
    assert_eq!(pool.stats().live_blocks, 2);
    // It grows within its block like any other.
    // SAFETY: live with 0 bytes asked for.
    let grown = unsafe { (&pool).grow(b.cast(), layout(0, 8), layout(64, 8)) }.unwrap();
    assert_eq!(grown.cast::<u8>(), b.cast::<u8>());
    // SAFETY: live with 0 and 64 bytes asked for.
    unsafe {
        (&pool).deallocate(a.cast(), layout(0, 1));
        (&pool).deallocate(b.cast(), layout(64, 8));
    }
    assert_eq!(pool.stats().live_blocks, 0);
    assert_eq!(parent.stats().zero_sized, 0, "the parent saw a zero-sized request");
    assert_accounted(&pool, &parent);
}

/// A zero-sized request more aligned than the block goes to the parent, as zero bytes.
#[test]
fn a_zero_sized_request_that_does_not_fit_goes_to_the_parent() {
    let parent = TestAlloc::new();
    let pool = pool64(&parent);
    let a = (&pool).allocate(layout(0, 4096)).unwrap();
    assert_eq!(a.len(), 0);
    assert_eq!(a.cast::<u8>().as_ptr() as usize % 4096, 0);
    let s = pool.stats();
    assert_eq!((s.live_blocks, s.forwarded, s.slabs), (0, 0, 0), "{s:?}");
    assert_eq!(parent.stats().zero_sized, 1);
    // SAFETY: live with exactly this layout.
    unsafe { (&pool).deallocate(a.cast(), layout(0, 4096)) };
    drop(pool);
    parent.assert_no_leaks();
}

//! Debug builds turn the frees that break `deallocate`'s contract into panics that say
//! what went wrong: a double free, a pointer from elsewhere (another pool, a local, a
//! slab already given back), a pointer inside a block, a block never handed out.
//!
//! Each test breaks the contract on purpose, through `Allocator::deallocate` with a
//! layout that fits the block (so the pool takes the pointer as one of its blocks). The
//! checks run before the pool changes anything, so after a caught panic the pool is as
//! it was.

use std::ptr::NonNull;

use allockit::Pool;
use allockit::alloc::{Allocator, Layout};

use super::assert_accounted;
use crate::common::panics::expect_panic;
use crate::common::test_alloc::TestAlloc;

/// A pool of 16-byte blocks with one block handed out.
fn pool_with_a_block() -> (Pool, NonNull<u8>) {
    let pool = Pool::for_type::<[u64; 2]>();
    let block = (&pool).allocate(pool.block_layout()).unwrap().cast();
    (pool, block)
}

#[test]
#[should_panic(expected = "Pool::deallocate: double free of block")]
fn a_double_free_panics() {
    let (pool, block) = pool_with_a_block();
    // SAFETY: a live block with the pool's layout.
    unsafe { (&pool).deallocate(block, pool.block_layout()) };
    // SAFETY: deliberately not: the block was just freed. The debug check must catch it
    // before the block joins the free list a second time.
    unsafe { (&pool).deallocate(block, pool.block_layout()) };
}

#[test]
#[should_panic(expected = "does not belong to this pool")]
fn a_block_of_another_pool_panics() {
    let (pool, _block) = pool_with_a_block();
    let (_other, theirs) = pool_with_a_block();
    // SAFETY: deliberately not: `theirs` is another pool's block.
    unsafe { (&pool).deallocate(theirs, pool.block_layout()) };
}

#[test]
#[should_panic(expected = "does not belong to this pool")]
fn a_pointer_from_elsewhere_panics() {
    let (pool, _block) = pool_with_a_block();
    let mut local = [0u64; 2];
    let ptr = NonNull::from(&mut local).cast::<u8>();
    // SAFETY: deliberately not: the pointer is a local's, not an allocation at all.
    unsafe { (&pool).deallocate(ptr, Layout::new::<[u64; 2]>()) };
}

#[test]
#[should_panic(expected = "points inside a pool block, not at its start")]
fn a_pointer_inside_a_block_panics() {
    let (pool, block) = pool_with_a_block();
    // SAFETY: 8 bytes into the 16-byte block.
    let inside = unsafe { block.add(8) };
    // SAFETY: deliberately not: `inside` is not the start of a block.
    unsafe { (&pool).deallocate(inside, Layout::new::<u64>()) };
}

#[test]
#[should_panic(expected = "is a pool block that was never handed out")]
fn an_uncarved_block_panics() {
    let (pool, block) = pool_with_a_block();
    // SAFETY: the next block of the same slab, which is not carved yet.
    let next = unsafe { block.add(16) };
    // SAFETY: deliberately not: `next` was never handed out.
    unsafe { (&pool).deallocate(next, pool.block_layout()) };
}

#[test]
#[should_panic(expected = "does not belong to this pool")]
fn a_block_of_a_released_slab_panics() {
    let (pool, block) = pool_with_a_block();
    // SAFETY: a live block with the pool's layout.
    unsafe { (&pool).deallocate(block, pool.block_layout()) };
    assert!(pool.release_empty_slabs() > 0);
    // SAFETY: deliberately not: the block's slab was given back.
    unsafe { (&pool).deallocate(block, pool.block_layout()) };
}

/// A caught bad free changes nothing: the pool's statistics and free list are as before,
/// and it goes on handing out its blocks.
#[test]
fn the_pool_is_unchanged_after_a_caught_bad_free() {
    let parent = TestAlloc::new();
    {
        let pool = Pool::new_in(Layout::new::<[u64; 2]>(), &parent);
        let layout = pool.block_layout();
        let a = (&pool).allocate(layout).unwrap().cast::<u8>();
        let b = (&pool).allocate(layout).unwrap().cast::<u8>();
        // SAFETY: a live block with the pool's layout.
        unsafe { (&pool).deallocate(a, layout) };
        let before = pool.stats();
        // SAFETY: each call deliberately breaks the contract (a freed block, an interior
        // pointer, an uncarved block); each is caught before the pool changes.
        let messages = [
            expect_panic(|| unsafe { (&pool).deallocate(a, layout) }),
            expect_panic(|| unsafe { (&pool).deallocate(b.add(4), Layout::new::<u32>()) }),
            expect_panic(|| unsafe { (&pool).deallocate(b.add(16), layout) }),
        ];
        assert!(messages[0].contains("double free"), "{messages:?}");
        assert!(messages[1].contains("inside a pool block"), "{messages:?}");
        assert!(messages[2].contains("never handed out"), "{messages:?}");
        assert_eq!(pool.stats(), before);
        assert_accounted(&pool, &parent);
        // The freed block is still the head of the free list, once.
        let c = (&pool).allocate(layout).unwrap().cast::<u8>();
        let d = (&pool).allocate(layout).unwrap().cast::<u8>();
        assert_eq!(c, a);
        assert_ne!(d, a);
        // SAFETY: live blocks with the pool's layout.
        unsafe {
            (&pool).deallocate(b, layout);
            (&pool).deallocate(c, layout);
            (&pool).deallocate(d, layout);
        }
        assert_accounted(&pool, &parent);
    }
    parent.assert_no_leaks();
}

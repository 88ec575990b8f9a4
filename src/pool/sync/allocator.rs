//! `impl Allocator` for `&SyncPool` and `&LocalPool`: their blocks for the shared routing
//! of [`routing`](super::super::routing) (pooled blocks for requests that fit, the
//! parent, under the pool's lock, for the rest).
//!
//! A pool block goes back on the list of whoever frees it (the handle's, or the pool's
//! for `&SyncPool`); a block of the parent is resized and freed through the parent, with
//! the forwarded-bytes accounting updated under the lock.

use core::ptr::NonNull;

use super::{LocalPool, SyncPool};
use crate::alloc::{Allocator, Layout, impl_allocator};
use crate::pool::block::BlockLayout;
use crate::pool::routing::PoolBlocks;

impl_allocator!(['a, A: Allocator] &'a SyncPool<A>);
impl_allocator!(['h, 'p, A: Allocator] &'h LocalPool<'p, A>);

// SAFETY: `block` never changes; `take` hands out a block of the shared lists or a fresh
// one under the lock, once until it is given back (the pool's invariant 3); forwarding
// goes to the parent under the lock, with exact lengths (invariant 5).
unsafe impl<A: Allocator> PoolBlocks for SyncPool<A> {
    #[inline(always)]
    fn block(&self) -> BlockLayout {
        self.block
    }

    #[inline]
    fn take(&self) -> Option<NonNull<u8>> {
        self.take_block()
    }

    #[inline]
    unsafe fn give(&self, ptr: NonNull<u8>) {
        // SAFETY: the caller's contract is `give_block`'s.
        unsafe { self.give_block(ptr) }
    }

    fn forward_allocate(&self, layout: Layout, zeroed: bool) -> Option<NonNull<[u8]>> {
        self.shared.lock().slabs.forward_allocate(layout, zeroed, &self.parent)
    }

    unsafe fn forward_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's contract.
        unsafe { self.shared.lock().slabs.forward_deallocate(ptr, layout, &self.parent) }
    }

    unsafe fn forward_resize(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        zeroed: bool,
    ) -> Option<NonNull<[u8]>> {
        let mut shared = self.shared.lock();
        // SAFETY: the caller's contract.
        unsafe { shared.slabs.forward_resize(ptr, old, new, zeroed, &self.parent) }
    }
}

// SAFETY: a handle hands out blocks of its own lists, which are the pool's free blocks
// that only it holds (the handle's invariant 3), and passes every other request to the
// pool's parent through the pool; blocks of either kind may be freed through any handle
// or the pool, since the block layout (and so the routing) is the pool's everywhere.
unsafe impl<A: Allocator> PoolBlocks for LocalPool<'_, A> {
    #[inline(always)]
    fn block(&self) -> BlockLayout {
        self.pool().block
    }

    #[inline(always)]
    fn take(&self) -> Option<NonNull<u8>> {
        self.take_block()
    }

    #[inline(always)]
    unsafe fn give(&self, ptr: NonNull<u8>) {
        // SAFETY: the caller's contract is `give_block`'s.
        unsafe { self.give_block(ptr) }
    }

    fn forward_allocate(&self, layout: Layout, zeroed: bool) -> Option<NonNull<[u8]>> {
        self.pool().forward_allocate(layout, zeroed)
    }

    unsafe fn forward_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's contract.
        unsafe { self.pool().forward_deallocate(ptr, layout) }
    }

    unsafe fn forward_resize(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        zeroed: bool,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's contract.
        unsafe { self.pool().forward_resize(ptr, old, new, zeroed) }
    }
}

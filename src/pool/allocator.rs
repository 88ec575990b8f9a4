//! `impl Allocator for &Pool`: the pool's blocks for the shared routing of
//! [`routing`](super::routing) (pooled blocks for requests that fit, the parent for the
//! rest).

use core::ptr::NonNull;

use super::Pool;
use super::block::BlockLayout;
use super::routing::PoolBlocks;
use crate::alloc::{Allocator, Layout, impl_allocator};

impl_allocator!(['a, A: Allocator] &'a Pool<A>);

// SAFETY: `block` never changes (invariant 1); `take` pops the free list or carves, so a
// block is handed out once until it is pushed back (invariant 2); forwarding goes to the
// parent with exact lengths (invariant 5).
unsafe impl<A: Allocator> PoolBlocks for Pool<A> {
    #[inline(always)]
    fn block(&self) -> BlockLayout {
        self.block
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

    #[cold]
    fn forward_allocate(&self, layout: Layout, zeroed: bool) -> Option<NonNull<[u8]>> {
        self.slabs().forward_allocate(layout, zeroed, &self.parent)
    }

    #[cold]
    unsafe fn forward_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's contract.
        unsafe { self.slabs().forward_deallocate(ptr, layout, &self.parent) }
    }

    #[cold]
    unsafe fn forward_resize(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        zeroed: bool,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's contract.
        unsafe { self.slabs().forward_resize(ptr, old, new, zeroed, &self.parent) }
    }
}

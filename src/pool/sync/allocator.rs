//! `impl Allocator` for `&SyncPool` and `&LocalPool`: pooled blocks for requests that fit,
//! the parent (under the pool's lock) for the rest.
//!
//! The routing is [`Pool`](crate::Pool)'s (see `src/pool/allocator.rs`), decided by the
//! layout alone and so the same through every handle:
//!
//! ```text
//!   layout fits the block (size <= block size, align <= block align)  → a pool block
//!   any other layout                                                  → the parent
//! ```
//!
//! A pool block goes back on the list of whoever frees it (the handle's, or the pool's
//! for `&SyncPool`); a block of the parent is resized and freed through the parent,
//! with the forwarded-bytes accounting updated under the lock.

use core::ptr::NonNull;

use super::{LocalPool, SyncPool};
use crate::alloc::{Allocator, AllocatorCore, Layout, impl_allocator, move_block};

impl_allocator!(['a, A: Allocator] &'a SyncPool<A>);
impl_allocator!(['h, 'p, A: Allocator] &'h LocalPool<'p, A>);

impl<A: Allocator> SyncPool<A> {
    /// Serves a request that does not fit a block from the parent, within the budget.
    fn forward_allocate(&self, layout: Layout, zeroed: bool) -> Option<NonNull<[u8]>> {
        self.shared.lock().slabs.forward_allocate(layout, zeroed, &self.parent)
    }

    /// Frees a block of the parent.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a live forwarded block of this pool, with exactly `layout`.
    unsafe fn forward_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's contract.
        unsafe { self.shared.lock().slabs.forward_deallocate(ptr, layout, &self.parent) }
    }

    /// Resizes a block of the parent, within the budget.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a live forwarded block of this pool, with exactly `old`, and `new`
    ///   must not fit a pool block.
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

/// `grow`, `grow_zeroed` (with `zeroed`) and `shrink` through `alloc`, which is `pool`
/// itself or one of its handles: a pool block that stays one is returned as is, a block
/// of the parent is resized by the parent, and a block that changes sides moves.
///
/// # Safety
///
/// - `ptr` must be currently allocated by `alloc` (so by `pool`, whose blocks every
///   handle shares), `old` must fit it, and `new` may be any layout (bigger for a grow,
///   smaller for a shrink).
unsafe fn resize<C: AllocatorCore, A: Allocator>(
    alloc: &C,
    pool: &SyncPool<A>,
    ptr: NonNull<u8>,
    old: Layout,
    new: Layout,
    zeroed: bool,
) -> Option<NonNull<[u8]>> {
    let block = pool.block;
    match (block.fits(old), block.fits(new)) {
        (true, true) => {
            // The block has room for any size that fits it; only grow_zeroed has work to
            // do: the bytes between the old size and the block's end, which is handed back
            // (even when the size does not change: `allocate_zeroed` may have handed the
            // block out shorter).
            if zeroed {
                // SAFETY: the block is `block.size >= new.size()` bytes, ours.
                unsafe { ptr.add(old.size()).write_bytes(0, block.size - old.size()) };
            }
            Some(NonNull::slice_from_raw_parts(ptr, block.size))
        }
        // SAFETY: both layouts route to the parent: `ptr` is a forwarded block of
        // exactly `old` (invariant 5).
        (false, false) => unsafe { pool.forward_resize(ptr, old, new, zeroed) },
        (_, _) => {
            // The block changes sides: allocate on the new side, copy, free.
            let fresh =
                if zeroed { alloc.raw_allocate_zeroed(new)? } else { alloc.raw_allocate(new)? };
            let copy = old.size().min(new.size());
            // SAFETY: `fresh` is a new block of at least `new.size() >= copy` bytes; `ptr`
            // is ours with `old` and is given up.
            Some(unsafe { move_block(alloc, ptr, old, fresh.cast(), copy, fresh.len()) })
        }
    }
}

/// Hands `block` out for `layout` with its first `layout.size()` bytes zeroed, as a slice
/// of only those bytes (a later `grow` within the block hands back the rest, zeroing it
/// if asked, as any grow does).
fn zeroed_block(block: NonNull<u8>, layout: Layout) -> NonNull<[u8]> {
    // SAFETY: `block` is a fresh pool block of at least `layout.size()` bytes (it fits).
    unsafe { block.write_bytes(0, layout.size()) };
    NonNull::slice_from_raw_parts(block, layout.size())
}

// SAFETY: pool blocks are distinct carved blocks, each handed out once until freed (the
// pool's invariant 3), of the block layout that every fitting request fits (invariant 1);
// other requests are the parent's blocks, resized and freed with the exact layouts they
// have (invariant 5); the routing is consistent (module docs), and the same for every
// handle.
unsafe impl<A: Allocator> AllocatorCore for SyncPool<A> {
    #[inline]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if self.block.fits(layout) {
            let block = self.take_block()?;
            Some(NonNull::slice_from_raw_parts(block, self.block.size))
        } else {
            self.forward_allocate(layout, false)
        }
    }

    #[inline]
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if self.block.fits(layout) {
            Some(zeroed_block(self.take_block()?, layout))
        } else {
            self.forward_allocate(layout, true)
        }
    }

    #[inline]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if self.block.fits(layout) {
            // SAFETY: a layout that fits the block routes to the pool (module docs), so
            // `ptr` is a handed-out pool block, given up by the caller.
            unsafe { self.give_block(ptr) }
        } else {
            // SAFETY: any other layout routes to the parent: `ptr` is a forwarded block
            // of exactly `layout` (invariant 5).
            unsafe { self.forward_deallocate(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `grow` contract.
        unsafe { resize(self, self, ptr, old, new, false) }
    }

    #[inline]
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `grow_zeroed` contract.
        unsafe { resize(self, self, ptr, old, new, true) }
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `shrink` contract.
        unsafe { resize(self, self, ptr, old, new, false) }
    }
}

// SAFETY: as for `SyncPool`: a handle hands out blocks of its own lists, which are the
// pool's free blocks that only it holds (the handle's invariant 3), and passes every
// other request to the pool's parent through the pool; blocks of either kind may be
// freed through any handle or the pool, since the routing is the same everywhere.
unsafe impl<A: Allocator> AllocatorCore for LocalPool<'_, A> {
    #[inline(always)]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let pool = self.pool();
        if pool.block.fits(layout) {
            let block = self.take_block()?;
            Some(NonNull::slice_from_raw_parts(block, pool.block.size))
        } else {
            pool.forward_allocate(layout, false)
        }
    }

    #[inline]
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let pool = self.pool();
        if pool.block.fits(layout) {
            Some(zeroed_block(self.take_block()?, layout))
        } else {
            pool.forward_allocate(layout, true)
        }
    }

    #[inline(always)]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if self.pool().block.fits(layout) {
            // SAFETY: a fitting layout routes to a pool block (module docs), handed out
            // by the pool or one of its handles and given up by the caller.
            unsafe { self.give_block(ptr) }
        } else {
            // SAFETY: any other layout routes to the parent: a forwarded block of exactly
            // `layout` (the pool's invariant 5).
            unsafe { self.pool().forward_deallocate(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `grow` contract.
        unsafe { resize(self, self.pool(), ptr, old, new, false) }
    }

    #[inline]
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `grow_zeroed` contract.
        unsafe { resize(self, self.pool(), ptr, old, new, true) }
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `shrink` contract.
        unsafe { resize(self, self.pool(), ptr, old, new, false) }
    }
}

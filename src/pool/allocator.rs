//! `impl Allocator for &Pool`: pooled blocks for requests that fit, the parent for the
//! rest.
//!
//! Which way a block went is decided by its layout alone, the same way at every call:
//!
//! ```text
//!   layout fits the block (size <= block size, align <= block align)  → a pool block
//!   any other layout                                                  → the parent
//! ```
//!
//! That stays consistent because the `Allocator` contract makes the layout a block is
//! freed or resized with *fit* it: the same alignment, and a size between the one asked
//! for and the length handed back. A pool block is handed back as `block size` bytes, so
//! every size it can be freed with fits the block too; a block from the parent is handed
//! back with exactly the requested length, so it is always freed with exactly that size.
//!
//! `grow` and `shrink` keep a block where it is when the new layout routes the same way
//! (a pool block is returned unchanged; the parent resizes its own), and move it, by
//! allocating on the other side, copying and freeing, when the new layout routes the
//! other way.

use core::ptr::NonNull;

use super::Pool;
use crate::alloc::{Allocator, AllocatorCore, Layout, impl_allocator, move_block};

impl_allocator!(['a, A: Allocator] &'a Pool<A>);

// SAFETY: pool blocks are distinct carved blocks, each handed out once until freed
// (invariant 2), of the block layout that every fitting request fits (invariant 1);
// other requests are the parent's blocks, resized and freed with the exact layouts they
// have (invariant 5); the routing is consistent (module docs).
unsafe impl<A: Allocator> AllocatorCore for Pool<A> {
    #[inline(always)]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if self.block.fits(layout) {
            let block = self.take_block()?;
            Some(NonNull::slice_from_raw_parts(block, self.block.size))
        } else {
            self.slabs().forward_allocate(layout, false, &self.parent)
        }
    }

    #[inline]
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if self.block.fits(layout) {
            let block = self.take_block()?;
            // SAFETY: the block is handed out to us, `block.size >= layout.size()` bytes.
            unsafe { block.write_bytes(0, layout.size()) };
            // Only the requested bytes are zeroed, so only they are handed back (a
            // later `grow` within the block hands back the rest, as any grow does).
            Some(NonNull::slice_from_raw_parts(block, layout.size()))
        } else {
            self.slabs().forward_allocate(layout, true, &self.parent)
        }
    }

    #[inline(always)]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if self.block.fits(layout) {
            // SAFETY: a layout that fits the block routes to the pool (module docs), so
            // `ptr` is a handed-out pool block, given up by the caller.
            unsafe { self.give_block(ptr) }
        } else {
            // SAFETY: any other layout routes to the parent: `ptr` is a forwarded block
            // of exactly `layout` (invariant 5).
            unsafe { self.slabs().forward_deallocate(ptr, layout, &self.parent) }
        }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `grow` contract.
        unsafe { self.resize(ptr, old, new, false) }
    }

    #[inline]
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `grow_zeroed` contract.
        unsafe { self.resize(ptr, old, new, true) }
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `shrink` contract.
        unsafe { self.resize(ptr, old, new, false) }
    }
}

impl<A: Allocator> Pool<A> {
    /// `grow`, `grow_zeroed` (with `zeroed`) and `shrink`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this pool, `old` must fit it, and `new` may
    ///   be any layout (bigger for a grow, smaller for a shrink).
    unsafe fn resize(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        zeroed: bool,
    ) -> Option<NonNull<[u8]>> {
        match (self.block.fits(old), self.block.fits(new)) {
            (true, true) => {
                // The block has room for any size that fits it; only grow_zeroed has
                // work to do: the bytes between the old size and the block's end, which
                // is handed back (even when the size does not change: the block may
                // have been handed out shorter, by `allocate_zeroed`).
                if zeroed {
                    // SAFETY: the block is `block.size >= new.size()` bytes, ours.
                    unsafe { ptr.add(old.size()).write_bytes(0, self.block.size - old.size()) };
                }
                Some(NonNull::slice_from_raw_parts(ptr, self.block.size))
            }
            (false, false) => {
                // SAFETY: both layouts route to the parent; `ptr` is a forwarded block
                // of exactly `old` (invariant 5).
                unsafe { self.slabs().forward_resize(ptr, old, new, zeroed, &self.parent) }
            }
            (_, _) => {
                // The block changes sides: allocate on the new side, copy, free.
                let fresh =
                    if zeroed { self.raw_allocate_zeroed(new)? } else { self.raw_allocate(new)? };
                let copy = old.size().min(new.size());
                // SAFETY: `fresh` is a new block of at least `new.size() >= copy` bytes;
                // `ptr` is ours with `old` and is given up.
                Some(unsafe { move_block(self, ptr, old, fresh.cast(), copy, fresh.len()) })
            }
        }
    }
}

//! The `Allocator` implementation every pool shares: pooled blocks for requests that fit,
//! the parent for the rest.
//!
//! `&Pool`, `&SyncPool` and `&LocalPool` differ only in where a block comes from and goes
//! back to (a plain free list, a list behind a lock, a handle's cache); that is the
//! [`PoolBlocks`] trait. Everything else, which way a request goes and how a block is
//! resized, is written once here, as the `AllocatorCore` of every `PoolBlocks`.
//!
//! Which way a block went is decided by its layout alone, the same way at every call and
//! through every handle:
//!
//! ```text
//!   layout fits the block (size <= block size, align <= block align)  → a pool block
//!   any other layout                                                  → the parent
//! ```
//!
//! That stays consistent because the `Allocator` contract makes the layout a block is
//! freed or resized with *fit* it: the same alignment, and a size between the one asked
//! for and the length handed back. A pool block is handed back as `block size` bytes (or,
//! from `allocate_zeroed`, as the zeroed bytes asked for), so every size it can be freed
//! with fits the block too; a block from the parent is handed back with exactly the
//! requested length, so it is always freed with exactly that size.
//!
//! `grow` and `shrink` keep a block where it is when the new layout routes the same way
//! (a pool block is returned unchanged; the parent resizes its own), and move it, by
//! allocating on the other side, copying and freeing, when the new layout routes the
//! other way.

use core::ptr::NonNull;

use super::block::BlockLayout;
use crate::alloc::{AllocatorCore, Layout, move_block};

/// Where a pool allocator's blocks come from and go back to.
///
/// # Safety
///
/// Implementors must guarantee:
/// - `block` returns the same layout for the allocator's whole life, and the same as
///   every other allocator its blocks may be freed through (a `SyncPool` and its
///   handles);
/// - `take` hands out a block of that layout that no one else holds, until it is given
///   back through `give` (of this allocator or of one sharing its blocks);
/// - the `forward_*` methods are the parent's `allocate`/`allocate_zeroed`,
///   `deallocate` and `grow`/`grow_zeroed`/`shrink`, handing blocks back with exactly the
///   requested length.
pub(crate) unsafe trait PoolBlocks {
    /// The layout of every pool block.
    fn block(&self) -> BlockLayout;

    /// A pool block, or `None` if a slab was needed and could not be had.
    fn take(&self) -> Option<NonNull<u8>>;

    /// Takes back a pool block.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a pool block handed out by this allocator (or one sharing its
    ///   blocks) that is not used afterwards.
    unsafe fn give(&self, ptr: NonNull<u8>);

    /// Serves a request that does not fit a block from the parent (zeroed if asked),
    /// within the budget, with exactly `layout.size()` bytes.
    fn forward_allocate(&self, layout: Layout, zeroed: bool) -> Option<NonNull<[u8]>>;

    /// Frees a block of the parent.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a live forwarded block of this pool, with exactly `layout`.
    unsafe fn forward_deallocate(&self, ptr: NonNull<u8>, layout: Layout);

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
    ) -> Option<NonNull<[u8]>>;
}

// SAFETY: pool blocks are handed out to one holder at a time, of the block layout that
// every fitting request fits (`PoolBlocks`'s contract); other requests are the parent's
// blocks, resized and freed with the exact layouts they have; the routing is consistent
// (module docs).
unsafe impl<P: PoolBlocks> AllocatorCore for P {
    #[inline(always)]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if self.block().fits(layout) {
            let ptr = self.take()?;
            // The block size is read again after `take`: kept in a register across it,
            // it would cost the caller a register save and restore.
            Some(NonNull::slice_from_raw_parts(ptr, self.block().size))
        } else {
            self.forward_allocate(layout, false)
        }
    }

    #[inline]
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if self.block().fits(layout) {
            let ptr = self.take()?;
            // SAFETY: a fresh pool block of at least `layout.size()` bytes (it fits).
            unsafe { ptr.write_bytes(0, layout.size()) };
            // Only the requested bytes are zeroed, so only they are handed back (a later
            // `grow` within the block hands back the rest, zeroing it if asked).
            Some(NonNull::slice_from_raw_parts(ptr, layout.size()))
        } else {
            self.forward_allocate(layout, true)
        }
    }

    #[inline(always)]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if self.block().fits(layout) {
            // SAFETY: a layout that fits the block routes to the pool (module docs), so
            // `ptr` is a handed-out pool block, given up by the caller.
            unsafe { self.give(ptr) }
        } else {
            // SAFETY: any other layout routes to the parent: `ptr` is a forwarded block
            // of exactly `layout`.
            unsafe { self.forward_deallocate(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `grow` contract.
        unsafe { resize(self, ptr, old, new, false) }
    }

    #[inline]
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `grow_zeroed` contract.
        unsafe { resize(self, ptr, old, new, true) }
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: the caller's `shrink` contract.
        unsafe { resize(self, ptr, old, new, false) }
    }
}

/// `grow`, `grow_zeroed` (with `zeroed`) and `shrink`.
///
/// # Safety
///
/// - `ptr` must be currently allocated by `pool` (or an allocator sharing its blocks),
///   `old` must fit it, and `new` may be any layout (bigger for a grow, smaller for a
///   shrink).
unsafe fn resize<P: PoolBlocks>(
    pool: &P,
    ptr: NonNull<u8>,
    old: Layout,
    new: Layout,
    zeroed: bool,
) -> Option<NonNull<[u8]>> {
    let block = pool.block();
    match (block.fits(old), block.fits(new)) {
        (true, true) => {
            // The block has room for any size that fits it; only grow_zeroed has work to
            // do: the bytes between the old size and the block's end, which is handed
            // back (even when the size does not change: `allocate_zeroed` may have
            // handed the block out shorter).
            if zeroed {
                // SAFETY: the block is `block.size >= old.size()` bytes, ours.
                unsafe { ptr.add(old.size()).write_bytes(0, block.size - old.size()) };
            }
            Some(NonNull::slice_from_raw_parts(ptr, block.size))
        }
        // SAFETY: both layouts route to the parent: `ptr` is a forwarded block of exactly
        // `old`.
        (false, false) => unsafe { pool.forward_resize(ptr, old, new, zeroed) },
        (_, _) => {
            // The block changes sides: allocate on the new side, copy, free.
            let fresh =
                if zeroed { pool.raw_allocate_zeroed(new)? } else { pool.raw_allocate(new)? };
            let copy = old.size().min(new.size());
            // SAFETY: `fresh` is a new block of at least `new.size() >= copy` bytes; `ptr`
            // is ours with `old` and is given up.
            Some(unsafe { move_block(pool, ptr, old, fresh.cast(), copy, fresh.len()) })
        }
    }
}

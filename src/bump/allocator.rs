//! `impl Allocator for &Bump`: allocation is the bump; the newest block grows, shrinks
//! and frees in place; every other free is a no-op.
//!
//! "Newest" is decided by address alone: a block is the newest if it ends exactly at the
//! bump pointer (invariant 5 of [`Bump`]). No per-block bookkeeping is kept.
//!
//! ```text
//!   grow, newest:      │ old block │+ new bytes │  bump ptr moves; same address
//!   grow, newest, chunk full, block alone in it:
//!                      the chunk itself grows through the parent's `grow` (realloc)
//!   grow, not newest:  │ old block │ other │ ... │ new block (copied) │
//!   shrink, newest:    │ block │ freed │           bump ptr moves back
//!   free, newest:      │ freed       │           bump ptr moves back to the block
//! ```

use core::ptr::{self, NonNull};

use super::Bump;
use super::chunk::ChunkHeader;
use super::poison;
use crate::alloc::{Allocator, AllocatorCore, Layout, impl_allocator};

impl_allocator!(['a, A: Allocator] &'a Bump<A>);

impl<A: Allocator> Bump<A> {
    /// Whether the block `[ptr, ptr + size)` ends at the bump pointer.
    #[inline(always)]
    fn is_newest(&self, ptr: NonNull<u8>, size: usize) -> bool {
        ptr.addr().get() + poison::reserved_size(size) == self.ptr.get().addr().get()
    }
}

// SAFETY: blocks come from the bump and stay valid until the bump is reset or dropped,
// which needs `&mut Bump` and so cannot happen while a `&Bump` (the allocator) is in use.
// `raw_grow`/`raw_shrink` either keep the block's address (only when it is aligned for
// the new layout and, for growth, the bytes after it are free) or copy to a new block.
unsafe impl<A: Allocator> AllocatorCore for Bump<A> {
    #[inline(always)]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let block = self.alloc_block(layout)?;
        Some(NonNull::slice_from_raw_parts(block, layout.size()))
    }

    #[inline]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if self.is_newest(ptr, layout.size()) {
            let bump = self.ptr.get();
            poison::poison_range(ptr, bump);
            // The newest block ends at the bump pointer, so it is in the current chunk:
            // moving the pointer back to it frees exactly its bytes (and its padding
            // stays as padding).
            self.ptr.set(bump.with_addr(ptr.addr()));
        }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        debug_assert!(new.size() >= old.size());
        let reserved = poison::reserved(new)?;
        let addr = ptr.addr().get();
        let newest = self.is_newest(ptr, old.size());
        if newest && addr & (reserved.align() - 1) == 0 {
            let bump = self.ptr.get();
            // `addr <= bump <= end`: the block is in the current chunk.
            if reserved.size() <= self.end.get().addr().get() - addr {
                let start = bump.with_addr(ptr.addr());
                // SAFETY: `addr + reserved.size() <= end`, inside the current chunk.
                self.ptr.set(unsafe { start.add(reserved.size()) });
                poison::unpoison(start, new.size());
                return Some(NonNull::slice_from_raw_parts(start, new.size()));
            }
            let alone = self
                .current
                .get()
                .is_some_and(|current| ChunkHeader::data_start(current).addr() == ptr.addr());
            if alone {
                // SAFETY: the block starts at the data start and ends at the bump pointer,
                // so it is the only block with bytes in the chunk; the caller gives up
                // `ptr` when `grow` succeeds, and `reserved` is its new layout.
                if let Some(start) = unsafe { self.grow_current_chunk(reserved) } {
                    poison::unpoison(start, new.size());
                    return Some(NonNull::slice_from_raw_parts(start, new.size()));
                }
            }
        }
        let chunk_before = self.current.get();
        let block = self.alloc_block(new)?;
        // SAFETY: the old block is valid for reads of `old.size()` bytes (caller's
        // contract), the new one for writes of `new.size() >= old.size()`, and they do
        // not overlap: the new block was free until now.
        unsafe { ptr::copy_nonoverlapping(ptr.as_ptr(), block.as_ptr(), old.size()) };
        poison::poison(ptr, old.size());
        if newest && self.current.get() != chunk_before {
            // The old block was the last thing in the chunk we just left: record that
            // chunk as filled only up to it, so `stats` does not count it.
            if let Some(left) = chunk_before {
                // SAFETY: `left` is a chunk of this bump, and `ptr` lies in it.
                unsafe { (*left.as_ptr()).used = ptr };
                debug_assert!(ptr >= ChunkHeader::data_start(left));
            }
        }
        Some(NonNull::slice_from_raw_parts(block, new.size()))
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        debug_assert!(new.size() <= old.size());
        if ptr.addr().get() & (new.align() - 1) == 0 {
            if self.is_newest(ptr, old.size()) {
                let bump = self.ptr.get();
                // SAFETY: the block is in the current chunk and the new end is inside it.
                let new_end =
                    unsafe { bump.with_addr(ptr.addr()).add(poison::reserved_size(new.size())) };
                poison::poison_range(new_end, bump);
                self.ptr.set(new_end);
            }
            // SAFETY: `new.size() <= old.size()`, inside the block.
            poison::poison(unsafe { ptr.add(new.size()) }, old.size() - new.size());
            return Some(NonNull::slice_from_raw_parts(ptr, new.size()));
        }
        // A stricter alignment than the block has: move it.
        let block = self.alloc_block(new)?;
        // SAFETY: the old block holds at least `new.size()` readable bytes, the new block
        // as many writable ones, and they do not overlap (the new one was free).
        unsafe { ptr::copy_nonoverlapping(ptr.as_ptr(), block.as_ptr(), new.size()) };
        poison::poison(ptr, old.size());
        Some(NonNull::slice_from_raw_parts(block, new.size()))
    }
}

//! `impl Allocator for &Arena` and `impl GlobalAlloc for Arena`.
//!
//! Allocation is the lock-free bump. The newest block of the current chunk grows, shrinks
//! and frees in place with one compare-and-swap from "the cursor is at my block's end" to
//! the new end; if another thread has allocated since, the cursor is elsewhere, the swap
//! fails, and growth falls back to a copy (a free does nothing).
//!
//! ```text
//!   grow, newest:      │ block │+ new │            cursor: end of block → new end (CAS)
//!   grow, not newest:  │ block │ other thread's │ ... │ new block (copied) │
//!   free, newest:      │ freed       │            cursor: end of block → block (CAS)
//! ```

use core::alloc::GlobalAlloc;
use core::ptr::{self, NonNull};

use super::Arena;
use super::bumping::move_cursor;
use super::chunk::ArenaChunk;
use crate::alloc::{Allocator, AllocatorCore, Layout, impl_allocator, move_block};
use crate::bump::poison;

impl_allocator!(['a, A: Allocator] &'a Arena<A>);

impl<A: Allocator> Arena<A> {
    /// Moves the current chunk's cursor from the end of the block at `ptr` of `old_size`
    /// bytes to the end of a block of `new_size` bytes at `ptr` (to `ptr` itself for
    /// zero) if the block is the newest of the current chunk and the chunk has room;
    /// returns whether it did. Under `cfg(asan)` a block's end is the end of its red
    /// zone ([`poison::reserved_size`]).
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this arena with a block of `old_size` bytes,
    ///   `old_size` non-zero.
    #[inline]
    pub(crate) unsafe fn resize_newest(
        &self,
        ptr: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> bool {
        let Some(chunk) = self.current() else { return false };
        // SAFETY: the current chunk is alive (invariant 1).
        let end = unsafe { ArenaChunk::end(chunk) };
        let addr = ptr.addr().get();
        let new_span =
            if cfg!(asan) && new_size == 0 { 0 } else { poison::reserved_size(new_size) };
        // If the block ends at the cursor, it lies in this chunk (a block of another
        // chunk cannot end inside this one), so `data_start <= addr <= end`; the first
        // two checks only keep the arithmetic below from wrapping otherwise.
        if addr < ArenaChunk::data_start(chunk) || addr > end || new_span > end - addr {
            return false;
        }
        // SAFETY: `addr + new_span` is in `[data_start, end]` (checked above); if the
        // swap succeeds the block was the newest, so the bytes given back (if any) are
        // the caller's.
        unsafe { move_cursor(chunk, addr + poison::reserved_size(old_size), addr + new_span) }
    }
}

// SAFETY: blocks come from chunks that stay alive until the arena is reset or dropped,
// which needs `&mut Arena` and so cannot happen while a `&Arena` (the allocator) is in
// use. A block's bytes are handed to one caller only: the cursor moves past them with a
// compare-and-swap, and moves back over them only from their owner's free or shrink.
// `raw_grow`/`raw_shrink` keep the address only when it is aligned for the new layout
// and (for growth) the swap claimed the bytes after the block; otherwise they copy.
unsafe impl<A: Allocator> AllocatorCore for Arena<A> {
    #[inline(always)]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let block = self.alloc_block(layout)?;
        Some(NonNull::slice_from_raw_parts(block, layout.size()))
    }

    #[inline]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            // Poisoned while still ours: once the cursor moves back over it, another
            // thread may claim (and unpoison) these bytes. If it does not move, the block
            // stays poisoned until a reset: a use after free is reported.
            poison::poison(ptr, layout.size());
            // SAFETY: the caller gives the block up (trait contract).
            unsafe { self.resize_newest(ptr, layout.size(), 0) };
        }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        debug_assert!(new.size() >= old.size());
        let aligned = ptr.addr().get() & (new.align() - 1) == 0;
        // SAFETY: `ptr` is currently allocated with `old` (trait contract).
        if old.size() != 0 && aligned && unsafe { self.resize_newest(ptr, old.size(), new.size()) }
        {
            // The swap made the bytes past the block ours.
            poison::unpoison(ptr, new.size());
            return Some(NonNull::slice_from_raw_parts(ptr, new.size()));
        }
        let block = self.alloc_block_growing(new)?;
        // SAFETY: `ptr` is currently allocated with `old` (trait contract); `block` is
        // fresh, with room for `new.size()` bytes.
        Some(unsafe { move_block(self, ptr, old, block, old.size(), new.size()) })
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
            if old.size() != 0 {
                // The tail is poisoned while still ours, as in `raw_deallocate`.
                // SAFETY: `new.size() <= old.size()`, inside the block.
                poison::poison(unsafe { ptr.add(new.size()) }, old.size() - new.size());
                // SAFETY: the caller gives up the tail past `new.size()` (trait contract).
                unsafe { self.resize_newest(ptr, old.size(), new.size()) };
            }
            return Some(NonNull::slice_from_raw_parts(ptr, new.size()));
        }
        let block = self.alloc_block(new)?;
        // SAFETY: `ptr` is currently allocated with `old` (trait contract); `block` is
        // fresh, with room for `new.size()` bytes.
        Some(unsafe { move_block(self, ptr, old, block, new.size(), new.size()) })
    }
}

/// An `Arena` as the program's global allocator: typically one over a `'static` buffer
/// (see [`Arena::from_buffer`]), for firmware that carves its heap out of RAM once, or one
/// over a parent that does not itself go through the global allocator.
///
/// A parent of [`Global`](crate::alloc::Global) would call back into the arena for its
/// chunks and recurse forever: do not install an `Arena<Global>` as the global allocator.
///
/// # Examples
///
/// ```no_run
/// use core::mem::MaybeUninit;
/// use allockit::Arena;
/// use allockit::arena::NoHeap;
///
/// static mut HEAP: [MaybeUninit<u8>; 1 << 20] = [MaybeUninit::uninit(); 1 << 20];
///
/// // SAFETY: `HEAP` is used by nothing but this arena.
/// #[global_allocator]
/// static ARENA: Arena<NoHeap<'static>> = Arena::from_buffer(unsafe { &mut *(&raw mut HEAP) });
///
/// fn main() {
///     let v = vec![1, 2, 3]; // in HEAP
///     assert_eq!(v.len(), 3);
/// }
/// ```
// SAFETY: every method forwards to the `AllocatorCore` implementation above, which meets
// `Allocator`'s contract, a superset of `GlobalAlloc`'s for non-zero sizes; a null pointer
// reports failure, and `alloc_zeroed` zeroes (reused bytes may not be zero).
unsafe impl<A: Allocator> GlobalAlloc for Arena<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.alloc_block(layout).map_or(ptr::null_mut(), NonNull::as_ptr)
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is non-null and currently allocated with `layout` (GlobalAlloc's
        // contract).
        unsafe { self.raw_deallocate(NonNull::new_unchecked(ptr), layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match self.alloc_block(layout) {
            Some(block) => {
                // SAFETY: the block has `layout.size()` writable bytes.
                unsafe { block.as_ptr().write_bytes(0, layout.size()) };
                block.as_ptr()
            }
            None => ptr::null_mut(),
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `new_size` rounded up to `layout.align()` does not overflow `isize`
        // (GlobalAlloc's contract).
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `ptr` is non-null and currently allocated with `layout` (contract).
        let ptr = unsafe { NonNull::new_unchecked(ptr) };
        let block = if new_size >= layout.size() {
            // SAFETY: as above; `new` is not smaller.
            unsafe { self.raw_grow(ptr, layout, new) }
        } else {
            // SAFETY: as above; `new` is smaller.
            unsafe { self.raw_shrink(ptr, layout, new) }
        };
        block.map_or(ptr::null_mut(), |b| b.as_ptr().cast())
    }
}

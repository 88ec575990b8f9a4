//! [`LocalArena`]: a per-thread handle that claims slabs from a shared [`Arena`] and bumps
//! inside them without atomics.
//!
//! ```text
//!   Arena chunk:  │ slab of thread 1 │ slab of thread 2 │ Vec of main │ slab of thread 1 │ free
//!                                      ▲ ptr      end ▲   (thread 2's LocalArena bumps
//!                                                          between ptr and end, with no
//!                                                          atomic instruction)
//! ```
//!
//! A slab is one ordinary block of the arena, claimed with one compare-and-swap. Slabs
//! start at 4 KiB and double up to 64 KiB; a request larger than a quarter of the next
//! slab skips the slab and goes to the arena directly, so a big block never wastes the
//! rest of a slab. When the handle moves to a new slab, or is dropped, it gives the unused
//! tail of its slab back to the arena if no other thread has allocated after it.

use core::cell::Cell;
use core::fmt;
use core::mem::{align_of, size_of};
use core::ptr::NonNull;

use super::Arena;
use super::direct::{array_layout, or_alloc_error, place, place_slice};
use crate::alloc::{
    AllocError, Allocator, AllocatorCore, Global, Layout, impl_allocator, move_block,
};
use crate::bump::chunk::CHUNK_ALIGN;
use crate::bump::poison;

/// The first slab a handle claims.
const FIRST_SLAB: usize = 4 << 10;
/// The largest slab a handle claims.
const MAX_SLAB: usize = 64 << 10;

/// A handle on an [`Arena`] for one thread: allocation bumps a pointer inside a slab the
/// handle claimed, with no atomic instruction (as fast as a [`Bump`](crate::Bump)).
///
/// Made by [`Arena::local`]. `&LocalArena` implements [`Allocator`]. A `LocalArena` is
/// `Send` (it can be moved to the thread that uses it) but not `Sync`, so collections
/// over `&LocalArena` stay on that thread; values placed with
/// [`alloc`](LocalArena::alloc) live as long as the arena itself and can be handed to
/// other threads.
///
/// The arena's [`stats`](Arena::stats) count a handle's whole slab as allocated while the
/// handle holds it.
///
/// A handle is not `Sync`, so a collection over `&LocalArena` cannot be shared with or
/// sent to another thread:
///
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<allockit::arena::LocalArena<'static>>();
/// ```
///
/// # Examples
///
/// ```
/// use allockit::{Arena, Vec};
///
/// let arena = Arena::new();
/// let results: std::vec::Vec<&[u64]> = std::thread::scope(|s| {
///     let workers: std::vec::Vec<_> = (0..2u64)
///         .map(|t| {
///             let arena = &arena;
///             s.spawn(move || {
///                 let local = arena.local();
///                 let mut scratch = Vec::new_in(&local); // grows in place in the slab
///                 scratch.extend((0..100).map(|i| t * 100 + i));
///                 &*local.alloc_slice_copy(&scratch) // outlives the handle
///             })
///         })
///         .collect();
///     workers.into_iter().map(|w| w.join().unwrap()).collect()
/// });
/// assert_eq!(results[1][0], 100);
/// ```
///
/// # Invariants
///
/// 1. `ptr <= end`. Either both are the same dangling, 16-aligned address (no slab
///    yet), or `[ptr, end)` is the unused tail of a slab: a block this handle allocated
///    from `arena` and has handed out up to `ptr`.
/// 2. `next_slab` is a multiple of 16 in `[FIRST_SLAB, MAX_SLAB]`.
/// 3. Under `cfg(asan)`, the slab is laid out like a chunk: each block is reserved with
///    `poison::reserved` (granule-aligned, red zone after), and every byte of the slab
///    but those of the blocks handed out and not given back is poisoned, the tail
///    `[ptr, end)` included.
pub struct LocalArena<'a, A: Allocator = Global> {
    /// The arena the slabs come from.
    arena: &'a Arena<A>,
    /// The next free byte of the slab.
    ptr: Cell<NonNull<u8>>,
    /// The end of the slab.
    end: Cell<NonNull<u8>>,
    /// The size of the next slab to claim.
    next_slab: Cell<usize>,
}

// SAFETY: the handle's slab is memory of the arena that only this handle uses, and
// `&Arena` may be sent to another thread when `Arena: Sync`. It is not `Sync`: its
// `Cell`s are unsynchronised.
unsafe impl<A: Allocator + Send + Sync> Send for LocalArena<'_, A> {}

impl<A: Allocator> Arena<A> {
    /// A handle for one thread: it claims slabs of this arena and bumps inside them
    /// without atomics. See [`LocalArena`].
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// let local = arena.local();
    /// assert_eq!(*local.alloc(5u8), 5);
    /// ```
    pub fn local(&self) -> LocalArena<'_, A> {
        let empty = crate::alloc::dangling(CHUNK_ALIGN);
        LocalArena {
            arena: self,
            ptr: Cell::new(empty),
            end: Cell::new(empty),
            next_slab: Cell::new(FIRST_SLAB),
        }
    }
}

impl<'a, A: Allocator> LocalArena<'a, A> {
    /// The arena the handle allocates from.
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// let local = arena.local();
    /// assert!(std::ptr::eq(local.arena(), &arena));
    /// ```
    pub fn arena(&self) -> &'a Arena<A> {
        self.arena
    }

    /// Bumps inside the slab: pad to the alignment, check the padded size against the
    /// room left. Nothing wraps (invariant 1, and a `Layout`'s padded size is at most
    /// `isize::MAX`). Under `cfg(asan)` the block is reserved with its red zone and
    /// unpoisoned (invariant 3).
    #[inline(always)]
    fn bump(&self, layout: Layout) -> Option<NonNull<u8>> {
        let reserved = poison::reserved(layout)?;
        let ptr = self.ptr.get();
        let addr = ptr.addr().get();
        let pad = addr.wrapping_neg() & (reserved.align() - 1);
        let needed = pad + reserved.size();
        if needed > self.end.get().addr().get() - addr {
            return None;
        }
        // SAFETY: `addr + pad` and `addr + needed` lie in `[ptr, end]`, inside the slab.
        let block = unsafe {
            self.ptr.set(ptr.add(needed));
            ptr.add(pad)
        };
        poison::unpoison(block, layout.size());
        Some(block)
    }

    /// Bumps for a `T` whose size and alignment are both at most `CHUNK_ALIGN`: align up,
    /// add, compare with `end` (one operation shorter than [`bump`](Self::bump)).
    ///
    /// No overflow check is needed: `ptr <= end`, and `end` is a multiple of
    /// `CHUNK_ALIGN` (slabs are 16-aligned blocks whose sizes are multiples of 16, and an
    /// empty handle's `end` is 16), so rounding `ptr` up stays `<= end`; `end` lies inside
    /// an allocation, far below `usize::MAX - CHUNK_ALIGN`.
    #[inline(always)]
    fn bump_for<T>(&self) -> Option<NonNull<T>> {
        if const { cfg!(asan) || size_of::<T>() > CHUNK_ALIGN || align_of::<T>() > CHUNK_ALIGN } {
            return self.bump(Layout::new::<T>()).map(NonNull::cast);
        }
        let ptr = self.ptr.get();
        let mask = align_of::<T>() - 1;
        let start = (ptr.addr().get() + mask) & !mask;
        let new = start + size_of::<T>();
        if new > self.end.get().addr().get() {
            return None;
        }
        // SAFETY: `ptr <= start <= new <= end`, inside the slab (or all equal to the
        // empty handle's 16, when `T` is zero-sized).
        unsafe {
            self.ptr.set(ptr.add(new - ptr.addr().get()));
            Some(ptr.add(start - ptr.addr().get()).cast())
        }
    }

    /// Allocates a block for `layout`: the slab's fast path inline, the rest out of line.
    #[inline(always)]
    fn alloc_block(&self, layout: Layout) -> Option<NonNull<u8>> {
        match self.bump(layout) {
            Some(block) => Some(block),
            None => self.alloc_slow(layout),
        }
    }

    /// The slab cannot hold `layout`: a big request goes to the arena; otherwise the
    /// slab's tail is given back and a new slab is claimed.
    #[cold]
    #[inline(never)]
    fn alloc_slow(&self, layout: Layout) -> Option<NonNull<u8>> {
        if layout.size() == 0 {
            return Some(crate::alloc::dangling(layout.align()));
        }
        let slab = self.next_slab.get();
        if layout.size() > slab / 4 || layout.align() > CHUNK_ALIGN {
            return self.arena.alloc_block(layout);
        }
        self.give_back_tail();
        let slab_layout = Layout::from_size_align(slab, CHUNK_ALIGN).ok()?;
        // Like a growing block, a slab goes into the current chunk (with room for the
        // next, twice as large slab), never into a chunk of its own behind it, so that its
        // tail can be given back.
        let Some(start) = self.arena.alloc_block_growing(slab_layout) else {
            // Near the allocation limit a whole slab may not fit, the request may.
            return self.arena.alloc_block(layout);
        };
        // The slab's bytes are free until the handle hands them out (invariant 3).
        poison::poison(start, slab);
        self.next_slab.set((slab * 2).min(MAX_SLAB));
        self.ptr.set(start);
        // SAFETY: the slab is `slab` bytes long.
        self.end.set(unsafe { start.add(slab) });
        self.bump(layout)
    }

    /// Returns the slab's unused tail to the arena if it ends at the arena's cursor, and
    /// leaves the handle without a slab.
    fn give_back_tail(&self) {
        let (ptr, end) = (self.ptr.get(), self.end.get());
        let tail = end.addr().get() - ptr.addr().get();
        if tail != 0 {
            // The tail is poisoned already (invariant 3). Under `cfg(asan)` it ends with
            // the slab's red zone, exactly as a block of `tail` bytes at `ptr` would: the
            // slab is a multiple of 16 bytes and `ptr` a multiple of a granule from its
            // start.
            // SAFETY: `[ptr, end)` is the unused end of a block this handle allocated
            // from the arena (invariant 1), given up here.
            unsafe { self.arena.resize_newest(ptr, tail, 0) };
        }
        let empty = crate::alloc::dangling(CHUNK_ALIGN);
        self.ptr.set(empty);
        self.end.set(empty);
    }

    /// Whether `[block, block + size)` (and its red zone, under `cfg(asan)`) ends at the
    /// slab's bump pointer.
    #[inline(always)]
    fn is_slab_newest(&self, block: NonNull<u8>, size: usize) -> bool {
        size != 0 && block.addr().get() + poison::reserved_size(size) == self.ptr.get().addr().get()
    }
}

#[allow(clippy::mut_from_ref)] // the point of an arena: distinct blocks from `&self`
impl<'a, A: Allocator> LocalArena<'a, A> {
    /// Moves `value` into the arena; the reference lives as long as the arena.
    ///
    /// # Panics
    ///
    /// As [`Arena::alloc`].
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// let x = arena.local().alloc(3); // the handle is gone, the value stays
    /// assert_eq!(*x, 3);
    /// ```
    #[inline(always)]
    pub fn alloc<T>(&self, value: T) -> &'a mut T {
        match self.bump_for::<T>() {
            // SAFETY: a fresh block for `T` in the arena, alive as long as the arena ('a).
            Some(block) => unsafe { place(block.cast(), value) },
            // A tail call: the fast path keeps no registers for the slow one.
            None => self.alloc_cold(value),
        }
    }

    /// `alloc` when the slab is full.
    #[cold]
    #[inline(never)]
    fn alloc_cold<T>(&self, value: T) -> &'a mut T {
        let layout = Layout::new::<T>();
        // SAFETY: as in `alloc`.
        unsafe { place(or_alloc_error(self.alloc_slow(layout), layout), value) }
    }

    /// Moves `value` into the arena, or returns an error (dropping `value`).
    ///
    /// # Errors
    ///
    /// As [`Arena::try_alloc`].
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// arena.set_allocation_limit(Some(0));
    /// assert!(arena.local().try_alloc(1u8).is_err());
    /// ```
    #[inline]
    pub fn try_alloc<T>(&self, value: T) -> Result<&'a mut T, AllocError> {
        let block = self.alloc_block(Layout::new::<T>()).ok_or(AllocError)?;
        // SAFETY: as in `alloc`.
        Ok(unsafe { place(block, value) })
    }

    /// Allocates room for a `T`, then calls `f` to make the value in place.
    ///
    /// # Panics
    ///
    /// As [`Arena::alloc_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// assert_eq!(arena.local().alloc_with(|| [1u8; 64])[63], 1);
    /// ```
    #[inline]
    pub fn alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> &'a mut T {
        let layout = Layout::new::<T>();
        let block = or_alloc_error(self.alloc_block(layout), layout);
        // SAFETY: as in `alloc`.
        unsafe { place(block, f()) }
    }

    /// Copies `src` into the arena.
    ///
    /// # Panics
    ///
    /// As [`Arena::alloc_slice_copy`].
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// assert_eq!(arena.local().alloc_slice_copy(&[1, 2]), [1, 2]);
    /// ```
    #[inline]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
        let layout = array_layout::<T>(src.len());
        // SAFETY: a fresh block for the slice in the arena, alive as long as the arena.
        unsafe { place_slice(or_alloc_error(self.alloc_block(layout), layout), src) }
    }

    /// Copies `s` into the arena.
    ///
    /// # Panics
    ///
    /// As [`Arena::alloc_str`].
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// assert_eq!(arena.local().alloc_str("abc"), "abc");
    /// ```
    #[inline]
    pub fn alloc_str(&self, s: &str) -> &'a mut str {
        let bytes = self.alloc_slice_copy(s.as_bytes());
        // SAFETY: a byte-for-byte copy of a `str` is UTF-8.
        unsafe { core::str::from_utf8_unchecked_mut(bytes) }
    }
}

impl<A: Allocator> Drop for LocalArena<'_, A> {
    fn drop(&mut self) {
        self.give_back_tail();
    }
}

impl<A: Allocator> fmt::Debug for LocalArena<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let room = self.end.get().addr().get() - self.ptr.get().addr().get();
        f.debug_struct("LocalArena").field("slab_room", &room).finish_non_exhaustive()
    }
}

impl_allocator!(['h, 'a, A: Allocator] &'h LocalArena<'a, A>);

// SAFETY: every block is a block of the arena (from a slab or directly), alive until the
// arena is reset, which needs `&mut Arena` and so cannot happen while the handle borrows
// it. The slab pointer only moves back over a block its owner gives up; other blocks are
// resized and freed by the arena's own rules, which decide by address alone.
unsafe impl<A: Allocator> AllocatorCore for LocalArena<'_, A> {
    #[inline(always)]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let block = self.alloc_block(layout)?;
        Some(NonNull::slice_from_raw_parts(block, layout.size()))
    }

    #[inline]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if self.is_slab_newest(ptr, layout.size()) {
            poison::poison(ptr, layout.size());
            self.ptr.set(ptr);
        } else {
            // SAFETY: the block is the arena's, given up by the caller (trait contract).
            unsafe { self.arena.raw_deallocate(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        let aligned = ptr.addr().get() & (new.align() - 1) == 0;
        if !self.is_slab_newest(ptr, old.size()) {
            // SAFETY: the block is the arena's, currently allocated with `old` (contract).
            return unsafe { self.arena.raw_grow(ptr, old, new) };
        }
        let room = self.end.get().addr().get() - ptr.addr().get();
        let span = poison::reserved_size(new.size());
        if aligned && span <= room {
            // SAFETY: `ptr + span <= end`, inside the slab.
            self.ptr.set(unsafe { ptr.add(span) });
            poison::unpoison(ptr, new.size());
            return Some(NonNull::slice_from_raw_parts(ptr, new.size()));
        }
        let block = self.alloc_block(new)?;
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
        if !self.is_slab_newest(ptr, old.size()) {
            // SAFETY: as in `raw_grow`.
            return unsafe { self.arena.raw_shrink(ptr, old, new) };
        }
        if ptr.addr().get() & (new.align() - 1) == 0 {
            // SAFETY: `new.size() <= old.size()`, inside the block.
            poison::poison(unsafe { ptr.add(new.size()) }, old.size() - new.size());
            // SAFETY: the new span is at most the old one, inside the slab.
            self.ptr.set(unsafe { ptr.add(poison::reserved_size(new.size())) });
            return Some(NonNull::slice_from_raw_parts(ptr, new.size()));
        }
        let block = self.alloc_block(new)?;
        // SAFETY: `ptr` is currently allocated with `old` (trait contract); `block` is
        // fresh, with room for `new.size()` bytes.
        Some(unsafe { move_block(self, ptr, old, block, new.size(), new.size()) })
    }
}

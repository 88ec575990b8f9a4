//! `RawVecInner<A>`: the allocation logic of [`RawVec`](super::RawVec), generic over the
//! allocator but not over the element type.
//!
//! Every method takes the element layout as a run-time argument, so one copy of the growth
//! code serves `RawVec<u8, A>`, `RawVec<u64, A>` and every other element type that shares
//! the allocator. Only the thin typed shell in `mod.rs` is monomorphised per `T`.

use core::cmp;
use core::ptr::{self, NonNull};

use crate::alloc::{Allocator, Layout, dangling};
use crate::error::{TryReserveError, handle_reserve_error};

/// The smallest non-zero capacity a growing buffer jumps to (std's rule).
///
/// Tiny allocations are wasteful: most allocators round them up anyway, and a `Vec<u8>`
/// that holds one byte usually soon holds more.
#[inline]
pub(crate) const fn min_non_zero_cap(elem_size: usize) -> usize {
    if elem_size == 1 {
        8
    } else if elem_size <= 1024 {
        4
    } else {
        1
    }
}

/// Whether to ask the allocator for zeroed memory.
#[derive(Clone, Copy)]
pub(super) enum Init {
    Uninit,
    Zeroed,
}

/// The untyped half of a [`RawVec`](super::RawVec).
///
/// # Invariants
///
/// With `elem_layout` the layout of the element type that every method is called with
/// (always the same one for a given value):
///
/// - `cap <= isize::MAX as usize`;
/// - if `elem_layout.size() == 0` or `cap == 0`, the buffer owns no memory and `ptr` is a
///   dangling, non-null pointer aligned to `elem_layout.align()`; it is never passed to
///   the allocator;
/// - otherwise `ptr` is currently allocated by `alloc` with the layout
///   `array_layout(elem_layout, cap)`, whose size does not exceed `isize::MAX`.
pub(crate) struct RawVecInner<A: Allocator> {
    ptr: NonNull<u8>,
    cap: usize,
    alloc: A,
}

/// The layout of `cap` elements of `elem_layout`, or `CapacityOverflow` when its size
/// overflows `usize` or exceeds `isize::MAX` once rounded up to the alignment.
#[inline]
pub(super) fn array_layout(elem_layout: Layout, cap: usize) -> Result<Layout, TryReserveError> {
    let size = elem_layout.size().checked_mul(cap).ok_or(TryReserveError::capacity_overflow())?;
    Layout::from_size_align(size, elem_layout.align())
        .map_err(|_| TryReserveError::capacity_overflow())
}

impl<A: Allocator> RawVecInner<A> {
    /// An empty buffer for elements aligned to `align`.
    #[inline]
    pub(super) const fn new_in(alloc: A, align: usize) -> Self {
        RawVecInner { ptr: dangling(align), cap: 0, alloc }
    }

    /// A buffer with room for exactly `capacity` elements (or an unallocated one when that
    /// needs no memory).
    pub(super) fn try_allocate_in(
        capacity: usize,
        init: Init,
        alloc: A,
        elem_layout: Layout,
    ) -> Result<Self, TryReserveError> {
        let layout = array_layout(elem_layout, capacity)?;
        if layout.size() == 0 {
            return Ok(RawVecInner { ptr: dangling(elem_layout.align()), cap: 0, alloc });
        }
        let block = match init {
            Init::Uninit => alloc.allocate(layout),
            Init::Zeroed => alloc.allocate_zeroed(layout),
        }
        .map_err(|_| TryReserveError::alloc_error(layout))?;
        Ok(RawVecInner { ptr: block.cast(), cap: capacity, alloc })
    }

    /// Rebuilds a buffer from its parts.
    ///
    /// # Safety
    ///
    /// - `ptr`, `cap` and `alloc` must satisfy the invariants of [`RawVecInner`] for
    ///   `elem_layout`: if the element size and `cap` are non-zero, `ptr` must be currently
    ///   allocated by `alloc` with the layout of `cap` elements.
    #[inline]
    pub(super) const unsafe fn from_raw_parts_in(ptr: NonNull<u8>, cap: usize, alloc: A) -> Self {
        RawVecInner { ptr, cap, alloc }
    }

    #[inline]
    pub(super) const fn ptr(&self) -> NonNull<u8> {
        self.ptr
    }

    /// The usable capacity: `usize::MAX` for zero-sized elements.
    #[inline]
    pub(super) const fn capacity(&self, elem_size: usize) -> usize {
        if elem_size == 0 { usize::MAX } else { self.cap }
    }

    /// The stored capacity, exactly as allocated (0 for zero-sized elements).
    #[inline]
    pub(super) const fn stored_capacity(&self) -> usize {
        self.cap
    }

    #[inline]
    pub(super) const fn allocator(&self) -> &A {
        &self.alloc
    }

    /// Moves the allocator out, leaving the buffer without one.
    ///
    /// # Safety
    ///
    /// - `self` must not be used again (it is neither dropped nor read after this).
    #[inline]
    pub(super) unsafe fn take_allocator(&mut self) -> A {
        // SAFETY: the caller guarantees `self` is forgotten afterwards, so the allocator
        // is moved out exactly once.
        unsafe { ptr::read(&self.alloc) }
    }

    /// The block this buffer owns, if any, with the layout it was allocated with.
    #[inline]
    pub(super) fn current_memory(&self, elem_layout: Layout) -> Option<(NonNull<u8>, Layout)> {
        if elem_layout.size() == 0 || self.cap == 0 {
            return None;
        }
        // SAFETY: by the invariants, `cap` elements of `elem_layout` were allocated, so
        // their layout was valid when it was built.
        let layout = unsafe {
            Layout::from_size_align_unchecked(elem_layout.size() * self.cap, elem_layout.align())
        };
        Some((self.ptr, layout))
    }

    /// Whether `len + additional` elements do not fit.
    #[inline]
    pub(super) fn needs_to_grow(&self, len: usize, additional: usize, elem_layout: Layout) -> bool {
        additional > self.capacity(elem_layout.size()).wrapping_sub(len)
    }

    /// Grows to `max(2 × cap, len + additional, min_non_zero_cap)` elements.
    ///
    /// On `Err`, the buffer is unchanged.
    pub(super) fn grow_amortized(
        &mut self,
        len: usize,
        additional: usize,
        elem_layout: Layout,
    ) -> Result<(), TryReserveError> {
        debug_assert!(additional > 0);
        if elem_layout.size() == 0 {
            // The capacity is already `usize::MAX`, so needing more is an overflow.
            return Err(TryReserveError::capacity_overflow());
        }
        let required = len.checked_add(additional).ok_or(TryReserveError::capacity_overflow())?;
        // `cap <= isize::MAX`, so doubling it cannot overflow.
        let cap = cmp::max(self.cap * 2, required);
        let cap = cmp::max(min_non_zero_cap(elem_layout.size()), cap);
        self.grow_to(cap, elem_layout)
    }

    /// Grows to exactly `len + additional` elements.
    ///
    /// On `Err`, the buffer is unchanged.
    pub(super) fn grow_exact(
        &mut self,
        len: usize,
        additional: usize,
        elem_layout: Layout,
    ) -> Result<(), TryReserveError> {
        if elem_layout.size() == 0 {
            return Err(TryReserveError::capacity_overflow());
        }
        let cap = len.checked_add(additional).ok_or(TryReserveError::capacity_overflow())?;
        self.grow_to(cap, elem_layout)
    }

    /// Reallocates to `cap > self.cap` elements through `allocate` or `grow`.
    fn grow_to(&mut self, cap: usize, elem_layout: Layout) -> Result<(), TryReserveError> {
        debug_assert!(cap > self.cap);
        let new_layout = array_layout(elem_layout, cap)?;
        let block = finish_grow(new_layout, self.current_memory(elem_layout), &self.alloc)?;
        // SAFETY: `block` is currently allocated by `self.alloc` with the layout of `cap`
        // elements, and the old block (if any) was released by `grow`.
        unsafe { self.set_ptr_and_cap(block, cap) };
        Ok(())
    }

    /// Shrinks to exactly `cap` elements, freeing the block when `cap == 0`.
    ///
    /// On `Err`, the buffer is unchanged.
    ///
    /// # Panics
    ///
    /// If `cap` exceeds the current capacity.
    pub(super) fn shrink(
        &mut self,
        cap: usize,
        elem_layout: Layout,
    ) -> Result<(), TryReserveError> {
        assert!(cap <= self.capacity(elem_layout.size()), "Tried to shrink to a larger capacity");
        let Some((ptr, layout)) = self.current_memory(elem_layout) else {
            return Ok(());
        };
        if cap == 0 {
            // SAFETY: `ptr` is currently allocated by `self.alloc` with `layout`; the
            // buffer forgets it right after.
            unsafe { self.alloc.deallocate(ptr, layout) };
            self.ptr = dangling(elem_layout.align());
            self.cap = 0;
            return Ok(());
        }
        // SAFETY: `cap <= self.cap`, so the size does not exceed the current, valid one;
        // the alignment is unchanged.
        let new_layout =
            unsafe { Layout::from_size_align_unchecked(elem_layout.size() * cap, layout.align()) };
        // SAFETY: `ptr` is currently allocated by `self.alloc` and `layout` fits it;
        // `new_layout.size() <= layout.size()`.
        let block = unsafe { self.alloc.shrink(ptr, layout, new_layout) }
            .map_err(|_| TryReserveError::alloc_error(new_layout))?;
        // SAFETY: `block` is currently allocated with the layout of `cap` elements.
        unsafe { self.set_ptr_and_cap(block, cap) };
        Ok(())
    }

    /// Frees the block, if any. The buffer must not be used afterwards except to be
    /// forgotten.
    ///
    /// # Safety
    ///
    /// - `elem_layout` must be the layout the buffer was built with;
    /// - the buffer must not be used again after this call.
    #[inline]
    pub(super) unsafe fn deallocate(&mut self, elem_layout: Layout) {
        if let Some((ptr, layout)) = self.current_memory(elem_layout) {
            // SAFETY: by the invariants `ptr` is currently allocated by `self.alloc` with
            // `layout`, and the caller promises not to use the buffer again.
            unsafe { self.alloc.deallocate(ptr, layout) }
        }
    }

    /// # Safety
    ///
    /// - `block` must be currently allocated by `self.alloc` with the layout of `cap`
    ///   elements, and `cap <= isize::MAX`.
    #[inline]
    unsafe fn set_ptr_and_cap(&mut self, block: NonNull<[u8]>, cap: usize) {
        debug_assert!(cap <= isize::MAX as usize);
        // We keep the capacity we asked for, not the possibly larger slice length: the
        // layout we deallocate with must be reproducible from `cap` alone (std does the
        // same).
        self.ptr = block.cast();
        self.cap = cap;
    }

    /// The infallible form of a growth result: std's panic or `handle_alloc_error`.
    #[inline]
    #[track_caller]
    pub(super) fn or_handle(result: Result<(), TryReserveError>) {
        if let Err(error) = result {
            handle_reserve_error(error);
        }
    }
}

/// Allocates or grows a block to `new_layout`.
///
/// Generic only over the allocator, and deliberately *not* `#[inline(never)]`: it is
/// inlined into the out-of-line slow paths (`grow_one`, `reserve`'s cold half). As a
/// separate function shared between crates it receives a pointer into the vector (`&A`),
/// which LLVM must then assume escapes, and every caller's hot loop had to reload the
/// buffer pointer after each store (one extra load per `push`, measured with callgrind).
fn finish_grow<A: Allocator>(
    new_layout: Layout,
    current_memory: Option<(NonNull<u8>, Layout)>,
    alloc: &A,
) -> Result<NonNull<[u8]>, TryReserveError> {
    let block = match current_memory {
        Some((ptr, old_layout)) => {
            debug_assert_eq!(old_layout.align(), new_layout.align());
            debug_assert!(new_layout.size() >= old_layout.size());
            // SAFETY: `ptr` is currently allocated by `alloc` with `old_layout` (the
            // caller's invariant), and the new size is at least the old one.
            unsafe { alloc.grow(ptr, old_layout, new_layout) }
        }
        None => alloc.allocate(new_layout),
    };
    block.map_err(|_| TryReserveError::alloc_error(new_layout))
}

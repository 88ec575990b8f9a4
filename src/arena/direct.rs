//! The arena API: values, slices and strings placed in the arena by reference, from any
//! thread. As with [`Bump`](crate::Bump), values are never dropped: the arena frees
//! memory, not values. Put values that own resources in a [`Box`](crate::Box) over
//! `&Arena` instead.

use core::ptr::NonNull;

use super::Arena;
use crate::alloc::{AllocError, Allocator, Layout};

/// Writes `value` into `block` and returns it by reference.
///
/// # Safety
///
/// - `block` must be valid for writes of a `T`, aligned for it, used by nothing else for
///   `'x`, and stay valid for `'x`.
#[inline(always)]
pub(crate) unsafe fn place<'x, T>(block: NonNull<u8>, value: T) -> &'x mut T {
    let slot = block.cast::<T>();
    // SAFETY: the block is writable, aligned and exclusively ours for 'x (caller).
    unsafe {
        slot.write(value);
        &mut *slot.as_ptr()
    }
}

/// Copies `src` into `block` and returns the copy.
///
/// # Safety
///
/// - As [`place`], for `[T; src.len()]`.
#[inline(always)]
pub(crate) unsafe fn place_slice<'x, T: Copy>(block: NonNull<u8>, src: &[T]) -> &'x mut [T] {
    let slot = block.cast::<T>();
    // SAFETY: the block is writable for `src.len()` elements, aligned, does not overlap
    // `src` (it is fresh), and exclusively ours for 'x (caller's contract).
    unsafe {
        core::ptr::copy_nonoverlapping(src.as_ptr(), slot.as_ptr(), src.len());
        NonNull::slice_from_raw_parts(slot, src.len()).as_mut()
    }
}

/// The block for `layout`, or `handle_alloc_error`.
#[inline(always)]
pub(crate) fn or_alloc_error(block: Option<NonNull<u8>>, layout: Layout) -> NonNull<u8> {
    match block {
        Some(block) => block,
        None => crate::alloc::handle_alloc_error(layout),
    }
}

/// The layout of `[T; len]`, or the "capacity overflow" panic.
#[inline]
pub(crate) fn array_layout<T>(len: usize) -> Layout {
    Layout::array::<T>(len).unwrap_or_else(|_| crate::error::capacity_overflow())
}

#[allow(clippy::mut_from_ref)] // the point of an arena: distinct blocks from `&self`
impl<A: Allocator> Arena<A> {
    /// Moves `value` into the arena and returns a mutable reference to it.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if no chunk can be
    /// allocated.
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// let x = arena.alloc(41);
    /// *x += 1;
    /// assert_eq!(*x, 42);
    /// ```
    #[inline]
    pub fn alloc<T>(&self, value: T) -> &mut T {
        let layout = Layout::new::<T>();
        // SAFETY: a fresh block for `T`, alive as long as `&self` (invariant 1).
        unsafe { place(or_alloc_error(self.alloc_block(layout), layout), value) }
    }

    /// Moves `value` into the arena, or returns an error (dropping `value`) if no chunk
    /// can be allocated.
    ///
    /// # Errors
    ///
    /// `AllocError` if the parent refuses a chunk or the allocation limit is reached.
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// arena.set_allocation_limit(Some(0));
    /// assert!(arena.try_alloc(1u8).is_err());
    /// ```
    #[inline]
    pub fn try_alloc<T>(&self, value: T) -> Result<&mut T, AllocError> {
        let block = self.alloc_block(Layout::new::<T>()).ok_or(AllocError)?;
        // SAFETY: as in `alloc`.
        Ok(unsafe { place(block, value) })
    }

    /// Allocates room for a `T`, then calls `f` to make the value in place (the compiler
    /// can often build it there directly, without a copy through the stack).
    ///
    /// If `f` panics, the block stays allocated and unused until the arena is reset.
    ///
    /// # Panics
    ///
    /// As [`alloc`](Arena::alloc), and if `f` panics.
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// let big = arena.alloc_with(|| [7u8; 4096]);
    /// assert_eq!(big[4095], 7);
    /// ```
    #[inline]
    pub fn alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> &mut T {
        let layout = Layout::new::<T>();
        let block = or_alloc_error(self.alloc_block(layout), layout);
        // SAFETY: as in `alloc`.
        unsafe { place(block, f()) }
    }

    /// [`alloc_with`](Arena::alloc_with), returning an error instead of panicking when no
    /// chunk can be allocated (`f` is then not called).
    ///
    /// # Errors
    ///
    /// As [`try_alloc`](Arena::try_alloc).
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// assert_eq!(*arena.try_alloc_with(|| 5).unwrap(), 5);
    /// ```
    #[inline]
    pub fn try_alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> Result<&mut T, AllocError> {
        let block = self.alloc_block(Layout::new::<T>()).ok_or(AllocError)?;
        // SAFETY: as in `alloc`.
        Ok(unsafe { place(block, f()) })
    }

    /// Copies `src` into the arena.
    ///
    /// # Panics
    ///
    /// As [`alloc`](Arena::alloc), and with "capacity overflow" if the slice's size
    /// overflows `isize`.
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// let copy = arena.alloc_slice_copy(&[1, 2, 3]);
    /// copy[0] = 10;
    /// assert_eq!(copy, [10, 2, 3]);
    /// ```
    #[inline]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &mut [T] {
        let layout = array_layout::<T>(src.len());
        // SAFETY: a fresh block for `[T; src.len()]`, alive as long as `&self`.
        unsafe { place_slice(or_alloc_error(self.alloc_block(layout), layout), src) }
    }

    /// Copies `src` into the arena, or returns an error if no chunk can be allocated.
    ///
    /// # Errors
    ///
    /// As [`try_alloc`](Arena::try_alloc).
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// assert_eq!(arena.try_alloc_slice_copy(b"abc").unwrap(), b"abc");
    /// ```
    #[inline]
    pub fn try_alloc_slice_copy<T: Copy>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        let layout = Layout::array::<T>(src.len()).map_err(|_| AllocError)?;
        let block = self.alloc_block(layout).ok_or(AllocError)?;
        // SAFETY: as in `alloc_slice_copy`.
        Ok(unsafe { place_slice(block, src) })
    }

    /// Copies `s` into the arena.
    ///
    /// # Panics
    ///
    /// As [`alloc`](Arena::alloc).
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// let s = arena.alloc_str("hello");
    /// s.make_ascii_uppercase();
    /// assert_eq!(s, "HELLO");
    /// ```
    #[inline]
    pub fn alloc_str(&self, s: &str) -> &mut str {
        let bytes = self.alloc_slice_copy(s.as_bytes());
        // SAFETY: a byte-for-byte copy of a `str` is UTF-8.
        unsafe { core::str::from_utf8_unchecked_mut(bytes) }
    }

    /// Copies `s` into the arena, or returns an error if no chunk can be allocated.
    ///
    /// # Errors
    ///
    /// As [`try_alloc`](Arena::try_alloc).
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// assert_eq!(arena.try_alloc_str("hi").unwrap(), "hi");
    /// ```
    #[inline]
    pub fn try_alloc_str(&self, s: &str) -> Result<&mut str, AllocError> {
        let bytes = self.try_alloc_slice_copy(s.as_bytes())?;
        // SAFETY: a byte-for-byte copy of a `str` is UTF-8.
        Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
    }
}

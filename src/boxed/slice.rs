//! Boxed slices and strings: uninitialised and zeroed slices, the round trip with `Vec`,
//! and `Box<str, A>` over `Box<[u8], A>`.
//!
//! A `Box<[T], A>` of length `len` owns a block with the layout of `len` elements, which
//! is the layout `RawVec<T, A>` gives a buffer of capacity `len`. So the slice
//! constructors are a `RawVec` of exactly that capacity taken apart (its size arithmetic
//! and error handling are reused, not written again), and a `Vec` whose capacity equals
//! its length *is* a boxed slice plus a length.

use core::mem::MaybeUninit;
use core::ptr;

use super::Box;
use crate::alloc::{Allocator, Global};
use crate::error::TryReserveError;
use crate::raw_vec::RawVec;
use crate::vec::Vec;

impl<T> Box<[T]> {
    /// A boxed slice of `len` uninitialised elements.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if `len × size_of::<T>()` exceeds `isize::MAX`; calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let mut b = Box::<[u32]>::new_uninit_slice(3);
    /// for (i, slot) in b.iter_mut().enumerate() {
    ///     slot.write(i as u32);
    /// }
    /// // SAFETY: every element was written.
    /// let b = unsafe { b.assume_init() };
    /// assert_eq!(*b, [0, 1, 2]);
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn new_uninit_slice(len: usize) -> Box<[MaybeUninit<T>]> {
        Self::new_uninit_slice_in(len, Global)
    }

    /// The fallible form of [`new_uninit_slice`](Self::new_uninit_slice).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if the size exceeds `isize::MAX`; `AllocError` if the allocator
    /// fails. (std's `try_new_uninit_slice` returns an `AllocError` for both.)
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// assert!(Box::<[u64]>::try_new_uninit_slice(usize::MAX).is_err());
    /// assert_eq!(Box::<[u64]>::try_new_uninit_slice(2).unwrap().len(), 2);
    /// ```
    #[inline]
    pub fn try_new_uninit_slice(len: usize) -> Result<Box<[MaybeUninit<T>]>, TryReserveError> {
        Self::try_new_uninit_slice_in(len, Global)
    }

    /// A boxed slice of `len` elements whose bytes are all zero.
    ///
    /// # Panics
    ///
    /// As [`new_uninit_slice`](Self::new_uninit_slice).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b = Box::<[u16]>::new_zeroed_slice(3);
    /// // SAFETY: zero is a valid `u16`.
    /// assert_eq!(*unsafe { b.assume_init() }, [0, 0, 0]);
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn new_zeroed_slice(len: usize) -> Box<[MaybeUninit<T>]> {
        Self::new_zeroed_slice_in(len, Global)
    }

    /// The fallible form of [`new_zeroed_slice`](Self::new_zeroed_slice).
    ///
    /// # Errors
    ///
    /// As [`try_new_uninit_slice`](Self::try_new_uninit_slice).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// assert!(Box::<[u16]>::try_new_zeroed_slice(usize::MAX).is_err());
    /// let b = Box::<[u16]>::try_new_zeroed_slice(1).unwrap();
    /// // SAFETY: zero is a valid `u16`.
    /// assert_eq!(*unsafe { b.assume_init() }, [0]);
    /// ```
    #[inline]
    pub fn try_new_zeroed_slice(len: usize) -> Result<Box<[MaybeUninit<T>]>, TryReserveError> {
        Self::try_new_zeroed_slice_in(len, Global)
    }
}

impl<T, A: Allocator> Box<[T], A> {
    /// A boxed slice of `len` uninitialised elements in `alloc`. Does not allocate if
    /// `len` is 0 or `T` is zero-sized.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if `len × size_of::<T>()` exceeds `isize::MAX`; calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::<[u8], _>::new_uninit_slice_in(5, Global);
    /// assert_eq!(b.len(), 5);
    /// ```
    #[inline]
    #[track_caller]
    pub fn new_uninit_slice_in(len: usize, alloc: A) -> Box<[MaybeUninit<T>], A> {
        Self::from_buffer(RawVec::with_capacity_in(len, alloc), len)
    }

    /// The fallible form of [`new_uninit_slice_in`](Self::new_uninit_slice_in).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if the size exceeds `isize::MAX`; `AllocError` if the allocator
    /// fails. Nothing stays allocated.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, TryReserveErrorKind};
    /// use allockit::alloc::Global;
    ///
    /// let err = Box::<[u32], _>::try_new_uninit_slice_in(usize::MAX / 2, Global).unwrap_err();
    /// assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow);
    /// ```
    #[inline]
    pub fn try_new_uninit_slice_in(
        len: usize,
        alloc: A,
    ) -> Result<Box<[MaybeUninit<T>], A>, TryReserveError> {
        Ok(Self::from_buffer(RawVec::try_with_capacity_in(len, alloc)?, len))
    }

    /// A boxed slice of `len` elements in `alloc` whose bytes are all zero.
    ///
    /// # Panics
    ///
    /// As [`new_uninit_slice_in`](Self::new_uninit_slice_in).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::<[u64], _>::new_zeroed_slice_in(2, Global);
    /// // SAFETY: zero is a valid `u64`.
    /// assert_eq!(*unsafe { b.assume_init() }, [0, 0]);
    /// ```
    #[inline]
    #[track_caller]
    pub fn new_zeroed_slice_in(len: usize, alloc: A) -> Box<[MaybeUninit<T>], A> {
        Self::from_buffer(RawVec::with_capacity_zeroed_in(len, alloc), len)
    }

    /// The fallible form of [`new_zeroed_slice_in`](Self::new_zeroed_slice_in).
    ///
    /// # Errors
    ///
    /// As [`try_new_uninit_slice_in`](Self::try_new_uninit_slice_in).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::<[u8], _>::try_new_zeroed_slice_in(4, Global).unwrap();
    /// // SAFETY: zero is a valid `u8`.
    /// assert_eq!(*unsafe { b.assume_init() }, [0; 4]);
    /// ```
    #[inline]
    pub fn try_new_zeroed_slice_in(
        len: usize,
        alloc: A,
    ) -> Result<Box<[MaybeUninit<T>], A>, TryReserveError> {
        Ok(Self::from_buffer(RawVec::try_with_capacity_zeroed_in(len, alloc)?, len))
    }

    /// Takes apart a buffer of capacity exactly `len` into a boxed slice.
    #[inline]
    fn from_buffer(buf: RawVec<T, A>, len: usize) -> Box<[MaybeUninit<T>], A> {
        let (ptr, _capacity, alloc) = buf.into_raw_parts_with_alloc();
        let slice = ptr::slice_from_raw_parts_mut(ptr.cast::<MaybeUninit<T>>(), len);
        // SAFETY: the buffer was made with capacity exactly `len` (a zero-sized `T`
        // reports `usize::MAX` but owns no memory), so by `RawVec`'s invariants the
        // pointer is dangling and aligned when `len × size_of::<T>() == 0`, and otherwise
        // currently allocated by `alloc` with `Layout::array::<T>(len)`, which is the
        // layout of `[MaybeUninit<T>]` of length `len`. Any bytes are a valid
        // `MaybeUninit<T>`.
        unsafe { Box::from_raw_in(slice, alloc) }
    }

    /// Clones `slice` into a new boxed slice in `alloc` (one exact allocation; a
    /// panicking `clone` drops the clones made so far and frees the block).
    #[track_caller]
    pub(super) fn clone_from_slice_in(slice: &[T], alloc: A) -> Self
    where
        T: Clone,
    {
        let mut v = Vec::with_capacity_in(slice.len(), alloc);
        v.extend_from_slice(slice);
        v.into_boxed_slice()
    }

    /// Turns the boxed slice into a vector whose length and capacity are the slice's
    /// length, without copying or reallocating.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<[i32]> = Box::from([1, 2, 3]);
    /// let mut v = b.into_vec();
    /// assert_eq!(v.capacity(), 3);
    /// v.push(4);
    /// assert_eq!(v, [1, 2, 3, 4]);
    /// ```
    #[inline]
    pub fn into_vec(self) -> Vec<T, A> {
        let (ptr, alloc) = Box::into_raw_with_allocator(self);
        let len = ptr.len();
        // SAFETY: the box owned `len` initialised elements at `ptr`, in a block that is
        // either nothing (size 0: the pointer is dangling and aligned) or currently
        // allocated by `alloc` with the layout of `len` elements, which is
        // `Layout::array::<T>(len)`. The vector takes ownership of both.
        unsafe { Vec::from_raw_parts_in(ptr.cast::<T>(), len, len, alloc) }
    }
}

impl<T, A: Allocator> Box<[MaybeUninit<T>], A> {
    /// Converts to `Box<[T], A>`, declaring every element initialised.
    ///
    /// # Safety
    ///
    /// - every element must be an initialised, valid `T` (see
    ///   [`MaybeUninit::assume_init`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let mut b = Box::<[char]>::new_uninit_slice(2);
    /// b[0].write('o');
    /// b[1].write('k');
    /// // SAFETY: both elements were written.
    /// assert_eq!(*unsafe { b.assume_init() }, ['o', 'k']);
    /// ```
    #[inline]
    pub unsafe fn assume_init(self) -> Box<[T], A> {
        let (ptr, alloc) = Box::into_raw_with_allocator(self);
        // SAFETY: `[MaybeUninit<T>]` and `[T]` of the same length have the same layout
        // (the cast keeps the length), so the block fits; the caller guarantees the
        // elements are initialised.
        unsafe { Box::from_raw_in(ptr as *mut [T], alloc) }
    }
}

impl<T, A: Allocator> Vec<T, A> {
    /// Shrinks the vector to its length and turns it into a boxed slice, which keeps the
    /// same block (no copy, unless the allocator's `shrink` moves it).
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator
    /// fails to shrink the block.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, Vec};
    ///
    /// let mut v = Vec::with_capacity(10);
    /// v.extend([1, 2, 3]);
    /// let b: Box<[i32]> = v.into_boxed_slice();
    /// assert_eq!(*b, [1, 2, 3]);
    /// ```
    #[track_caller]
    pub fn into_boxed_slice(mut self) -> Box<[T], A> {
        self.shrink_to_fit();
        let (ptr, len, capacity, alloc) = self.into_raw_parts_with_alloc();
        debug_assert!(size_of::<T>() == 0 || capacity == len);
        let slice = ptr::slice_from_raw_parts_mut(ptr, len);
        // SAFETY: after `shrink_to_fit` the capacity equals the length for a sized `T`,
        // so by `Vec`'s invariants the block is either nothing (capacity 0: dangling and
        // aligned) or currently allocated by `alloc` with `Layout::array::<T>(len)`, the
        // layout of the slice; a zero-sized `T` never owns memory. The first `len`
        // elements are initialised and owned by the box from now on.
        unsafe { Box::from_raw_in(slice, alloc) }
    }
}

impl<A: Allocator> Box<str, A> {
    /// Reinterprets a boxed byte slice as a boxed string, without checking it.
    ///
    /// # Safety
    ///
    /// - the bytes must be valid UTF-8.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let bytes: Box<[u8]> = Box::from(&b"hey"[..]);
    /// // SAFETY: "hey" is UTF-8.
    /// let s = unsafe { Box::from_boxed_utf8_unchecked(bytes) };
    /// assert_eq!(&*s, "hey");
    /// ```
    #[inline]
    pub unsafe fn from_boxed_utf8_unchecked(bytes: Box<[u8], A>) -> Self {
        let (ptr, alloc) = Box::into_raw_with_allocator(bytes);
        // SAFETY: `str` has the layout of `[u8]` and the cast keeps the length, so the
        // block fits; the caller guarantees the bytes are UTF-8.
        unsafe { Box::from_raw_in(ptr as *mut str, alloc) }
    }

    /// Turns the boxed string into its boxed bytes, without copying.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let s: Box<str> = Box::from("hi");
    /// assert_eq!(*s.into_boxed_bytes(), *b"hi");
    /// ```
    #[inline]
    pub fn into_boxed_bytes(self) -> Box<[u8], A> {
        let (ptr, alloc) = Box::into_raw_with_allocator(self);
        // SAFETY: `[u8]` has the layout of `str` and the cast keeps the length; any UTF-8
        // string is a valid byte slice.
        unsafe { Box::from_raw_in(ptr as *mut [u8], alloc) }
    }
}

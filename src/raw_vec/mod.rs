//! `RawVec<T, A>`: the allocation engine behind every growable buffer in allockit.
//!
//! A `RawVec` owns a pointer, a capacity and an allocator, and nothing else: it does not
//! know how many of its slots are initialised. [`Vec`](crate::Vec) and
//! [`String`](crate::String) are built on it, and so can your own collections (a ring
//! buffer, a small arena, a gap buffer) when they want the same growth policy and the
//! same error handling.
//!
//! ```text
//!   RawVec<T, A>                      heap block (owned when cap > 0 and T is not a ZST)
//!  ┌─────────────┐                   ┌──────┬──────┬──────┬──────┬──────┬──────┐
//!  │ ptr  ───────┼──────────────────►│ T    │ T    │ T    │ ?    │ ?    │ ?    │
//!  │ cap = 6     │                   └──────┴──────┴──────┴──────┴──────┴──────┘
//!  │ alloc: A    │                    ◄──── len (kept by Vec) ──►◄─ spare ─────►
//!  └─────────────┘                    ◄─────────────── cap × size_of::<T>() ─────►
//! ```
//!
//! # The growth rule
//!
//! When `len + additional` elements no longer fit, [`RawVec::reserve`] grows the buffer to
//!
//! ```text
//! new_cap = max(2 × cap, len + additional, min_non_zero_cap)
//!
//! min_non_zero_cap = 8  if size_of::<T>() == 1
//!                    4  if size_of::<T>() <= 1024
//!                    1  otherwise
//! ```
//!
//! which is std's rule. Doubling makes `n` pushes cost `O(n)` element moves in total (each
//! element is copied at most about twice on average), and the minimum keeps tiny vectors
//! from reallocating at every push. A worked example, pushing `u64`s one at a time:
//!
//! | push # | len before | cap before | new cap                 |
//! |-------:|-----------:|-----------:|-------------------------|
//! | 1      | 0          | 0          | max(0, 1, 4) = **4**    |
//! | 5      | 4          | 4          | max(8, 5, 4) = **8**    |
//! | 9      | 8          | 8          | max(16, 9, 4) = **16**  |
//! | 17     | 16         | 16         | max(32, 17, 4) = **32** |
//!
//! [`RawVec::reserve_exact`] skips the doubling and asks for exactly `len + additional`.
//!
//! ```
//! use allockit::raw_vec::RawVec;
//!
//! let mut buf: RawVec<u64> = RawVec::new();
//! buf.reserve(0, 1);
//! assert_eq!(buf.capacity(), 4);
//! buf.reserve(4, 1);
//! assert_eq!(buf.capacity(), 8);
//! buf.reserve_exact(8, 100);
//! assert_eq!(buf.capacity(), 108);
//! ```
//!
//! # How memory is obtained
//!
//! - The first block comes from [`Allocator::allocate`]; every later growth goes through
//!   [`Allocator::grow`] and every shrink through [`Allocator::shrink`]. `RawVec` never
//!   allocates a new block, copies and frees the old one by itself, so an allocator that
//!   can extend a block in place (like a bump allocator growing its newest allocation)
//!   avoids the copy entirely.
//! - The capacity is the one that was asked for, even if the allocator returned a larger
//!   block, so that the layout passed to `deallocate` can always be rebuilt from it.
//! - Zero-sized types never allocate: their capacity is `usize::MAX` and the pointer is a
//!   dangling, aligned one that is never passed to the allocator. A buffer of capacity
//!   0 does not allocate either.
//!
//! # Errors and panics
//!
//! Every size computation is checked. A capacity whose size in bytes overflows, or exceeds
//! `isize::MAX`, is [`TryReserveErrorKind::CapacityOverflow`]; an allocator failure is
//! [`TryReserveErrorKind::AllocError`]. The `try_` methods return these; the others turn
//! them into std's `panic!("capacity overflow")` or
//! [`handle_alloc_error`](crate::alloc::handle_alloc_error). A failed call leaves the
//! buffer exactly as it was.
//!
//! [`TryReserveErrorKind::CapacityOverflow`]: crate::TryReserveErrorKind::CapacityOverflow
//! [`TryReserveErrorKind::AllocError`]: crate::TryReserveErrorKind::AllocError

mod inner;

pub(crate) use inner::min_non_zero_cap;

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;

use crate::alloc::{Allocator, Global, Layout};
use crate::error::TryReserveError;
use inner::{Init, RawVecInner};

/// A typed, growable, uninitialised buffer: pointer, capacity and allocator.
///
/// `RawVec` is the thin typed shell over an inner part that is generic over the
/// allocator only (so the growth code is compiled once per allocator, not once per element
/// type). See the [module docs](self) for the growth rule.
///
/// # Invariants
///
/// - `capacity() <= isize::MAX` for sized elements; `capacity() == usize::MAX` for
///   zero-sized ones;
/// - when `T` is zero-sized or the capacity is 0, the buffer owns no memory and its
///   pointer is dangling, non-null and aligned for `T`;
/// - otherwise the pointer is currently allocated by the buffer's allocator with the
///   layout `Layout::array::<T>(capacity())`, and is freed with it on drop.
///
/// `RawVec` never reads or drops elements: which slots are initialised is the owner's
/// business.
///
/// # Examples
///
/// A minimal stack built on `RawVec`:
///
/// ```
/// use allockit::raw_vec::RawVec;
///
/// struct Stack<T> { buf: RawVec<T>, len: usize }
///
/// impl<T> Stack<T> {
///     fn push(&mut self, value: T) {
///         self.buf.reserve(self.len, 1);
///         // SAFETY: `reserve` made room for `len + 1` elements.
///         unsafe { self.buf.ptr().add(self.len).write(value) };
///         self.len += 1;
///     }
///     fn pop(&mut self) -> Option<T> {
///         self.len = self.len.checked_sub(1)?;
///         // SAFETY: slot `len` was initialised by `push` and is now given up.
///         Some(unsafe { self.buf.ptr().add(self.len).read() })
///     }
/// }
///
/// let mut s = Stack { buf: RawVec::new(), len: 0 };
/// s.push(1);
/// s.push(2);
/// assert_eq!(s.pop(), Some(2));
/// assert_eq!(s.buf.capacity(), 4);
/// # while s.pop().is_some() {}
/// ```
pub struct RawVec<T, A: Allocator = Global> {
    inner: RawVecInner<A>,
    _marker: PhantomData<T>,
}

// SAFETY: a `RawVec` uniquely owns its buffer of `T`s and its allocator, like a `Box`.
unsafe impl<T: Send, A: Allocator + Send> Send for RawVec<T, A> {}
// SAFETY: shared access only hands out the pointer value and `&A`.
unsafe impl<T: Sync, A: Allocator + Sync> Sync for RawVec<T, A> {}

impl<T> RawVec<T, Global> {
    /// An empty buffer that has not allocated, over the global allocator.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u32> = RawVec::new();
    /// assert_eq!(buf.capacity(), 0);
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        Self::new_in(Global)
    }

    /// A buffer with room for exactly `capacity` elements, over the global allocator.
    ///
    /// # Panics
    ///
    /// Panics with "capacity overflow" if the size in bytes exceeds `isize::MAX`; calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u32> = RawVec::with_capacity(10);
    /// assert_eq!(buf.capacity(), 10);
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_in(capacity, Global)
    }
}

impl<T, A: Allocator> RawVec<T, A> {
    /// The layout of one element.
    const ELEM: Layout = Layout::new::<T>();

    /// `true` when `T` takes no memory: such buffers never allocate.
    const IS_ZST: bool = size_of::<T>() == 0;

    /// An empty buffer that has not allocated, over `alloc`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u8, Global> = RawVec::new_in(Global);
    /// assert_eq!(buf.capacity(), 0);
    /// let zst: RawVec<(), Global> = RawVec::new_in(Global);
    /// assert_eq!(zst.capacity(), usize::MAX);
    /// ```
    #[inline]
    pub const fn new_in(alloc: A) -> Self {
        RawVec { inner: RawVecInner::new_in(alloc, align_of::<T>()), _marker: PhantomData }
    }

    /// A buffer with room for exactly `capacity` elements, over `alloc`.
    ///
    /// # Panics
    ///
    /// Panics with "capacity overflow" if the size in bytes exceeds `isize::MAX`; calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u16, Global> = RawVec::with_capacity_in(3, Global);
    /// assert_eq!(buf.capacity(), 3);
    /// ```
    #[inline]
    #[track_caller]
    pub fn with_capacity_in(capacity: usize, alloc: A) -> Self {
        match Self::try_with_capacity_in(capacity, alloc) {
            Ok(buf) => buf,
            Err(error) => crate::error::handle_reserve_error(error),
        }
    }

    /// A buffer with room for exactly `capacity` elements, or the reason it could not be
    /// allocated.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if the size in bytes exceeds `isize::MAX`; `AllocError` if the
    /// allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::raw_vec::RawVec;
    ///
    /// assert!(RawVec::<u64, Global>::try_with_capacity_in(usize::MAX / 4, Global).is_err());
    /// assert!(RawVec::<u64, Global>::try_with_capacity_in(4, Global).is_ok());
    /// ```
    #[inline]
    pub fn try_with_capacity_in(capacity: usize, alloc: A) -> Result<Self, TryReserveError> {
        Self::try_allocate(capacity, Init::Uninit, alloc)
    }

    /// A buffer with room for exactly `capacity` elements whose bytes are all zero.
    ///
    /// # Panics
    ///
    /// As [`with_capacity_in`](Self::with_capacity_in).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u32, Global> = RawVec::with_capacity_zeroed_in(4, Global);
    /// // SAFETY: the four slots are zeroed, and zero is a valid `u32`.
    /// assert_eq!(unsafe { buf.ptr().add(3).read() }, 0);
    /// ```
    #[inline]
    #[track_caller]
    pub fn with_capacity_zeroed_in(capacity: usize, alloc: A) -> Self {
        match Self::try_with_capacity_zeroed_in(capacity, alloc) {
            Ok(buf) => buf,
            Err(error) => crate::error::handle_reserve_error(error),
        }
    }

    /// The fallible form of [`with_capacity_zeroed_in`](Self::with_capacity_zeroed_in).
    ///
    /// # Errors
    ///
    /// As [`try_with_capacity_in`](Self::try_with_capacity_in).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf = RawVec::<u8, Global>::try_with_capacity_zeroed_in(16, Global).unwrap();
    /// assert_eq!(buf.capacity(), 16);
    /// ```
    #[inline]
    pub fn try_with_capacity_zeroed_in(capacity: usize, alloc: A) -> Result<Self, TryReserveError> {
        Self::try_allocate(capacity, Init::Zeroed, alloc)
    }

    fn try_allocate(capacity: usize, init: Init, alloc: A) -> Result<Self, TryReserveError> {
        let inner = RawVecInner::try_allocate_in(capacity, init, alloc, Self::ELEM)?;
        Ok(RawVec { inner, _marker: PhantomData })
    }

    /// Rebuilds a buffer from a pointer, a capacity and an allocator.
    ///
    /// # Safety
    ///
    /// - if `T` is not zero-sized and `capacity > 0`, `ptr` must be currently allocated by
    ///   `alloc` with the layout `Layout::array::<T>(capacity)`, and the buffer takes
    ///   ownership of that block;
    /// - otherwise `ptr` must be non-null and aligned for `T` (for a ZST the capacity is
    ///   ignored);
    /// - `capacity` must not exceed `isize::MAX` for sized `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u8> = RawVec::with_capacity(8);
    /// let (ptr, cap, alloc) = buf.into_raw_parts_with_alloc();
    /// // SAFETY: the parts come from a `RawVec<u8>` and are used once.
    /// let buf = unsafe { RawVec::from_raw_parts_in(ptr, cap, alloc) };
    /// assert_eq!(buf.capacity(), 8);
    /// ```
    #[inline]
    pub unsafe fn from_raw_parts_in(ptr: *mut T, capacity: usize, alloc: A) -> Self {
        // SAFETY: the caller guarantees `ptr` is non-null.
        let ptr = unsafe { NonNull::new_unchecked(ptr) };
        // SAFETY: forwarded: the caller guarantees the parts satisfy the invariants.
        unsafe { Self::from_non_null_in(ptr, capacity, alloc) }
    }

    /// The [`NonNull`] form of [`from_raw_parts_in`](Self::from_raw_parts_in).
    ///
    /// # Safety
    ///
    /// As [`from_raw_parts_in`](Self::from_raw_parts_in).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u8> = RawVec::with_capacity(8);
    /// let (ptr, cap, alloc) = buf.into_raw_parts_with_alloc();
    /// let ptr = core::ptr::NonNull::new(ptr).unwrap();
    /// // SAFETY: the parts come from a `RawVec<u8>` and are used once.
    /// let buf = unsafe { RawVec::from_non_null_in(ptr, cap, alloc) };
    /// assert_eq!(buf.capacity(), 8);
    /// ```
    #[inline]
    pub unsafe fn from_non_null_in(ptr: NonNull<T>, capacity: usize, alloc: A) -> Self {
        let capacity = if Self::IS_ZST { 0 } else { capacity };
        // SAFETY: forwarded from the caller: the parts satisfy the invariants.
        let inner = unsafe { RawVecInner::from_raw_parts_in(ptr.cast(), capacity, alloc) };
        RawVec { inner, _marker: PhantomData }
    }

    /// Gives up ownership: returns the pointer, the capacity and the allocator, which the
    /// caller must free (for example by rebuilding a `RawVec` from them).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let (ptr, cap, alloc) = RawVec::<u32>::with_capacity(2).into_raw_parts_with_alloc();
    /// assert_eq!(cap, 2);
    /// // SAFETY: the parts come from `into_raw_parts_with_alloc`.
    /// drop(unsafe { RawVec::from_raw_parts_in(ptr, cap, alloc) });
    /// ```
    #[must_use = "losing the pointer leaks the buffer"]
    pub fn into_raw_parts_with_alloc(self) -> (*mut T, usize, A) {
        let mut me = core::mem::ManuallyDrop::new(self);
        let ptr = me.ptr();
        let cap = me.capacity();
        // SAFETY: `me` is never dropped or used again.
        let alloc = unsafe { me.inner.take_allocator() };
        (ptr, cap, alloc)
    }

    /// The buffer's pointer: dangling (but aligned and non-null) when nothing is
    /// allocated.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u64> = RawVec::new();
    /// assert!(!buf.ptr().is_null());
    /// assert_eq!(buf.ptr() as usize % 8, 0);
    /// ```
    #[inline]
    pub const fn ptr(&self) -> *mut T {
        self.inner.ptr().as_ptr().cast()
    }

    /// The buffer's pointer as a [`NonNull`].
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u64> = RawVec::with_capacity(1);
    /// assert_eq!(buf.non_null().as_ptr(), buf.ptr());
    /// ```
    #[inline]
    pub const fn non_null(&self) -> NonNull<T> {
        self.inner.ptr().cast()
    }

    /// How many elements fit without reallocating; `usize::MAX` for zero-sized `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// assert_eq!(RawVec::<u8>::with_capacity(5).capacity(), 5);
    /// assert_eq!(RawVec::<()>::new().capacity(), usize::MAX);
    /// ```
    #[inline]
    pub const fn capacity(&self) -> usize {
        self.inner.capacity(size_of::<T>())
    }

    /// The allocator this buffer allocates from.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u8> = RawVec::new();
    /// let _: &Global = buf.allocator();
    /// ```
    #[inline]
    pub const fn allocator(&self) -> &A {
        self.inner.allocator()
    }

    /// Makes room for at least `len + additional` elements, growing by the amortized rule
    /// (see the [module docs](self)).
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the new capacity's size exceeds `isize::MAX`; calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let mut buf: RawVec<u8> = RawVec::new();
    /// buf.reserve(0, 3);
    /// assert_eq!(buf.capacity(), 8); // the minimum for 1-byte elements
    /// ```
    #[inline]
    #[track_caller]
    pub fn reserve(&mut self, len: usize, additional: usize) {
        if self.inner.needs_to_grow(len, additional, Self::ELEM) {
            self.reserve_slow(len, additional);
        }
    }

    // `#[cold]` keeps this out of the caller's loop; `#[inline]` (rather than
    // `#[inline(never)]`) makes every crate compile its own copy instead of linking to
    // one shared from allockit, so LLVM can see that `self` does not escape and keeps the
    // caller's length and pointer in registers (2 instructions per `String::push`).
    #[cold]
    #[inline]
    #[track_caller]
    fn reserve_slow(&mut self, len: usize, additional: usize) {
        RawVecInner::<A>::or_handle(self.inner.grow_amortized(len, additional, Self::ELEM));
    }

    /// Grows by the amortized rule to make room for one more element when the buffer is
    /// full (`len == capacity()`): the slow path of `push`.
    ///
    /// # Panics
    ///
    /// As [`reserve`](Self::reserve).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let mut buf: RawVec<u32> = RawVec::with_capacity(4);
    /// buf.grow_one();
    /// assert_eq!(buf.capacity(), 8);
    /// ```
    // Cold and `#[inline]` for the same reason as `reserve_slow`.
    #[cold]
    #[inline]
    #[track_caller]
    pub fn grow_one(&mut self) {
        let len = self.inner.stored_capacity();
        RawVecInner::<A>::or_handle(self.inner.grow_amortized(len, 1, Self::ELEM));
    }

    /// The fallible form of [`reserve`](Self::reserve).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError`; the buffer is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let mut buf: RawVec<u64> = RawVec::new();
    /// assert!(buf.try_reserve(0, usize::MAX).is_err());
    /// assert_eq!(buf.capacity(), 0);
    /// ```
    #[inline]
    pub fn try_reserve(&mut self, len: usize, additional: usize) -> Result<(), TryReserveError> {
        if self.inner.needs_to_grow(len, additional, Self::ELEM) {
            self.inner.grow_amortized(len, additional, Self::ELEM)
        } else {
            Ok(())
        }
    }

    /// Makes room for exactly `len + additional` elements (if there is not room already).
    ///
    /// # Panics
    ///
    /// As [`reserve`](Self::reserve).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let mut buf: RawVec<u8> = RawVec::new();
    /// buf.reserve_exact(0, 3);
    /// assert_eq!(buf.capacity(), 3);
    /// ```
    #[inline]
    #[track_caller]
    pub fn reserve_exact(&mut self, len: usize, additional: usize) {
        RawVecInner::<A>::or_handle(self.try_reserve_exact(len, additional));
    }

    /// The fallible form of [`reserve_exact`](Self::reserve_exact).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError`; the buffer is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let mut buf: RawVec<u8> = RawVec::new();
    /// assert!(buf.try_reserve_exact(0, 5).is_ok());
    /// assert_eq!(buf.capacity(), 5);
    /// ```
    pub fn try_reserve_exact(
        &mut self,
        len: usize,
        additional: usize,
    ) -> Result<(), TryReserveError> {
        if self.inner.needs_to_grow(len, additional, Self::ELEM) {
            self.inner.grow_exact(len, additional, Self::ELEM)
        } else {
            Ok(())
        }
    }

    /// Shrinks the buffer to exactly `capacity` elements, freeing it when `capacity` is 0.
    ///
    /// # Panics
    ///
    /// If `capacity` exceeds the current capacity; calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let mut buf: RawVec<u8> = RawVec::with_capacity(100);
    /// buf.shrink_to_fit(10);
    /// assert_eq!(buf.capacity(), 10);
    /// ```
    #[track_caller]
    pub fn shrink_to_fit(&mut self, capacity: usize) {
        RawVecInner::<A>::or_handle(self.try_shrink_to_fit(capacity));
    }

    /// The fallible form of [`shrink_to_fit`](Self::shrink_to_fit).
    ///
    /// # Errors
    ///
    /// `AllocError` if the allocator's `shrink` fails; the buffer is unchanged.
    ///
    /// # Panics
    ///
    /// If `capacity` exceeds the current capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let mut buf: RawVec<u8> = RawVec::with_capacity(100);
    /// buf.try_shrink_to_fit(0).unwrap();
    /// assert_eq!(buf.capacity(), 0);
    /// ```
    pub fn try_shrink_to_fit(&mut self, capacity: usize) -> Result<(), TryReserveError> {
        self.inner.shrink(capacity, Self::ELEM)
    }
}

impl<T, A: Allocator + Default> Default for RawVec<T, A> {
    /// An empty buffer in the allocator's default value.
    ///
    /// ```
    /// use allockit::raw_vec::RawVec;
    ///
    /// let buf: RawVec<u8> = RawVec::default();
    /// assert_eq!(buf.capacity(), 0);
    /// ```
    fn default() -> Self {
        Self::new_in(A::default())
    }
}

impl<T, A: Allocator> fmt::Debug for RawVec<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawVec")
            .field("ptr", &self.ptr())
            .field("capacity", &self.capacity())
            .finish()
    }
}

#[cfg(feature = "nightly")]
// SAFETY: `RawVec` never reads or drops a `T`; dropping it only frees the block.
unsafe impl<#[may_dangle] T, A: Allocator> Drop for RawVec<T, A> {
    fn drop(&mut self) {
        // SAFETY: the element layout is `T`'s, the one the buffer was built with, and the
        // buffer is not used after `drop`.
        unsafe { self.inner.deallocate(Self::ELEM) }
    }
}

#[cfg(not(feature = "nightly"))]
impl<T, A: Allocator> Drop for RawVec<T, A> {
    fn drop(&mut self) {
        // SAFETY: the element layout is `T`'s, the one the buffer was built with, and the
        // buffer is not used after `drop`.
        unsafe { self.inner.deallocate(Self::ELEM) }
    }
}

//! `Vec<T, A>`: a contiguous growable array, generic over its allocator.
//!
//! allockit's `Vec` has the API and the behaviour of [`std::vec::Vec`](alloc_crate::vec::Vec)
//! (the same methods, the same growth rule, the same panics and the same drop order), with
//! the allocator as a type parameter that works on stable as well as nightly:
//!
//! ```
//! use allockit::{Vec, vec};
//! use allockit::alloc::Global;
//!
//! let mut v: Vec<i32, Global> = Vec::new_in(Global);
//! v.extend([3, 1, 2]);
//! v.sort();
//! assert_eq!(v, [1, 2, 3]);
//!
//! let w = vec![in Global; 0u8; 4];
//! assert_eq!(w, [0, 0, 0, 0]);
//! ```
//!
//! # Guarantees
//!
//! A `Vec` is a pointer, a capacity and an allocator (a [`RawVec`]) plus a length.
//! The pointer is never null; the first `len` slots are initialised, the rest are spare:
//!
//! ```text
//!             ptr      len = 3  capacity = 6
//!   Vec ──► ┌─────┬─────┬─────┬─────┬─────┬─────┐
//!           │  a  │  b  │  c  │  ·  │  ·  │  ·  │   allocated by A with
//!           └─────┴─────┴─────┴─────┴─────┴─────┘   Layout::array::<T>(capacity)
//!            ◄─── initialised ─►◄──── spare ────►
//! ```
//!
//! - A `Vec` that has not allocated (capacity 0, or any `Vec` of a zero-sized type) holds
//!   a dangling, aligned pointer and never passes it to the allocator; zero-sized types
//!   report a capacity of `usize::MAX`.
//! - Elements are dropped in order, first to last, and only then is the memory freed.
//! - `Vec` never shrinks by itself: only [`shrink_to_fit`](Vec::shrink_to_fit),
//!   [`shrink_to`](Vec::shrink_to) and dropping release memory.
//!
//! # Capacity and reallocation
//!
//! When a push does not fit, the capacity grows to
//! `max(2 × capacity, len + additional, minimum)`, with a minimum of 8 for 1-byte elements,
//! 4 for elements up to 1 KiB and 1 above (the [`raw_vec`](crate::raw_vec) module docs work
//! an example through). Growth calls [`Allocator::grow`], so an allocator that can extend
//! the block in place (allockit's bump allocator does, for its newest allocation) makes the
//! growth free of copies. [`reserve_exact`](Vec::reserve_exact) asks for exactly what it is
//! told.
//!
//! # Errors and panics
//!
//! Out-of-range indices and ranges panic with std's messages. Growth that cannot be
//! represented panics with "capacity overflow", and an allocator failure calls
//! [`handle_alloc_error`](crate::alloc::handle_alloc_error), as std does. Each growing
//! method has a `try_` twin (`try_push`, `try_insert`, `try_extend_from_slice`,
//! `try_resize`, `try_reserve`) that returns a [`TryReserveError`] instead and leaves the
//! vector exactly as it was.

mod convert;
mod drain;
mod extend;
mod extract_if;
mod into_iter;
mod macros;
mod partial_eq;
mod set_len_on_drop;
mod splice;
mod traits;

use core::mem::{ManuallyDrop, MaybeUninit};
use core::ops::RangeBounds;
use core::ptr;

use crate::alloc::{Allocator, Global};
use crate::error::{TryReserveError, handle_reserve_error};
use crate::range::slice_range;
use crate::raw_vec::RawVec;
use set_len_on_drop::SetLenOnDrop;

pub use drain::Drain;
pub use extract_if::ExtractIf;
pub use into_iter::IntoIter;
#[doc(hidden)]
pub use macros::from_elem_in;
pub use splice::Splice;

/// A contiguous growable array type, written `Vec<T, A>`, with std's API and an allocator
/// parameter.
///
/// See the [module docs](self) for the memory picture, the growth rule and the error
/// behaviour.
///
/// # Invariants
///
/// - `len <= buf.capacity()`;
/// - the first `len` slots of `buf` are initialised `T`s owned by the vector; the rest are
///   uninitialised;
/// - `buf` upholds [`RawVec`]'s invariants (the block, if any, is currently allocated by
///   the vector's allocator with the layout of `buf.capacity()` elements).
///
/// # Examples
///
/// ```
/// use allockit::Vec;
///
/// let mut v = Vec::new();
/// v.push(1);
/// v.push(2);
/// assert_eq!(v.len(), 2);
/// assert_eq!(v[0], 1);
/// assert_eq!(v.pop(), Some(2));
/// v[0] = 7;
/// assert_eq!(v, [7]);
/// ```
pub struct Vec<T, A: Allocator = Global> {
    buf: RawVec<T, A>,
    len: usize,
}

impl<T> Vec<T> {
    /// An empty vector over the global allocator. It does not allocate until elements are
    /// pushed.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let v: Vec<i32> = Vec::new();
    /// assert_eq!(v.capacity(), 0);
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        Vec { buf: RawVec::new(), len: 0 }
    }

    /// An empty vector with room for exactly `capacity` elements.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the size in bytes exceeds `isize::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let v: Vec<u64> = Vec::with_capacity(10);
    /// assert_eq!((v.len(), v.capacity()), (0, 10));
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_in(capacity, Global)
    }

    /// The fallible form of [`with_capacity`](Self::with_capacity).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if the size exceeds `isize::MAX`; `AllocError` if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert!(Vec::<u64>::try_with_capacity(usize::MAX).is_err());
    /// assert_eq!(Vec::<u64>::try_with_capacity(3).unwrap().capacity(), 3);
    /// ```
    #[inline]
    pub fn try_with_capacity(capacity: usize) -> Result<Self, TryReserveError> {
        Self::try_with_capacity_in(capacity, Global)
    }

    /// Rebuilds a vector from a pointer, a length and a capacity.
    ///
    /// # Safety
    ///
    /// As [`from_raw_parts_in`](Vec::from_raw_parts_in) with the global allocator.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use core::mem::ManuallyDrop;
    ///
    /// let mut v = ManuallyDrop::new(Vec::from([1, 2, 3]));
    /// let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
    /// // SAFETY: the parts come from a `Vec<i32>` that is not used again.
    /// let w = unsafe { Vec::from_raw_parts(ptr, len, cap) };
    /// assert_eq!(w, [1, 2, 3]);
    /// ```
    #[inline]
    pub unsafe fn from_raw_parts(ptr: *mut T, length: usize, capacity: usize) -> Self {
        // SAFETY: forwarded: the caller upholds `from_raw_parts_in`'s contract.
        unsafe { Self::from_raw_parts_in(ptr, length, capacity, Global) }
    }

    /// Decomposes the vector into its pointer, length and capacity (see
    /// [`into_raw_parts_with_alloc`](Vec::into_raw_parts_with_alloc)).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let (ptr, len, cap) = Vec::from([1u8, 2]).into_raw_parts();
    /// // SAFETY: the parts come from `into_raw_parts`.
    /// let v = unsafe { Vec::from_raw_parts(ptr, len, cap) };
    /// assert_eq!(v, [1, 2]);
    /// ```
    #[must_use = "losing the pointer leaks the vector"]
    pub fn into_raw_parts(self) -> (*mut T, usize, usize) {
        let (ptr, len, cap, Global) = self.into_raw_parts_with_alloc();
        (ptr, len, cap)
    }
}

impl<T, A: Allocator> Vec<T, A> {
    /// An empty vector over `alloc`. It does not allocate until elements are pushed.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let mut v: Vec<u8, Global> = Vec::new_in(Global);
    /// v.push(1);
    /// assert_eq!(v, [1]);
    /// ```
    #[inline]
    pub const fn new_in(alloc: A) -> Self {
        Vec { buf: RawVec::new_in(alloc), len: 0 }
    }

    /// An empty vector over `alloc` with room for exactly `capacity` elements.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the size in bytes exceeds `isize::MAX`; calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let v: Vec<u32, Global> = Vec::with_capacity_in(5, Global);
    /// assert_eq!(v.capacity(), 5);
    /// ```
    #[inline]
    #[track_caller]
    pub fn with_capacity_in(capacity: usize, alloc: A) -> Self {
        Vec { buf: RawVec::with_capacity_in(capacity, alloc), len: 0 }
    }

    /// The fallible form of [`with_capacity_in`](Self::with_capacity_in).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if the size exceeds `isize::MAX`; `AllocError` if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let v = Vec::<u32, Global>::try_with_capacity_in(5, Global).unwrap();
    /// assert_eq!(v.capacity(), 5);
    /// ```
    #[inline]
    pub fn try_with_capacity_in(capacity: usize, alloc: A) -> Result<Self, TryReserveError> {
        Ok(Vec { buf: RawVec::try_with_capacity_in(capacity, alloc)?, len: 0 })
    }

    /// Rebuilds a vector from a pointer, a length, a capacity and an allocator.
    ///
    /// # Safety
    ///
    /// - if `T` is not zero-sized and `capacity > 0`, `ptr` must be currently allocated by
    ///   `alloc` with the layout `Layout::array::<T>(capacity)`; otherwise it must be
    ///   non-null and aligned for `T`;
    /// - `length` must be at most `capacity` (any value for zero-sized `T`);
    /// - the first `length` elements at `ptr` must be initialised values of `T`;
    /// - the vector takes ownership of the block and the elements: nothing else may use or
    ///   free them afterwards.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let v: Vec<u16, Global> = Vec::from([1, 2, 3]);
    /// let (ptr, len, cap, alloc) = v.into_raw_parts_with_alloc();
    /// // SAFETY: the parts come from `into_raw_parts_with_alloc`.
    /// let v = unsafe { Vec::from_raw_parts_in(ptr, len, cap, alloc) };
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[inline]
    pub unsafe fn from_raw_parts_in(ptr: *mut T, length: usize, capacity: usize, alloc: A) -> Self {
        // SAFETY: forwarded: the caller guarantees the parts describe a valid buffer.
        let buf = unsafe { RawVec::from_raw_parts_in(ptr, capacity, alloc) };
        debug_assert!(length <= buf.capacity());
        Vec { buf, len: length }
    }

    /// Decomposes the vector into its pointer, length, capacity and allocator, without
    /// dropping anything. [`from_raw_parts_in`](Self::from_raw_parts_in) puts it back
    /// together.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let (ptr, len, cap, alloc) = Vec::from([7u32]).into_raw_parts_with_alloc();
    /// assert_eq!((len, cap), (1, 1));
    /// // SAFETY: the parts come from `into_raw_parts_with_alloc`.
    /// drop(unsafe { Vec::from_raw_parts_in(ptr, len, cap, alloc) });
    /// ```
    #[must_use = "losing the pointer leaks the vector"]
    pub fn into_raw_parts_with_alloc(self) -> (*mut T, usize, usize, A) {
        let me = ManuallyDrop::new(self);
        let len = me.len;
        // SAFETY: `me` is never dropped, so the buffer is moved out exactly once.
        let buf = unsafe { ptr::read(&me.buf) };
        let (ptr, cap, alloc) = buf.into_raw_parts_with_alloc();
        (ptr, len, cap, alloc)
    }

    /// How many elements the vector can hold without reallocating; `usize::MAX` for
    /// zero-sized `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let v: Vec<u8> = Vec::with_capacity(10);
    /// assert_eq!(v.capacity(), 10);
    /// assert_eq!(Vec::<()>::new().capacity(), usize::MAX);
    /// ```
    #[inline]
    pub const fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Makes room for at least `additional` more elements, growing by the amortized rule.
    /// Does nothing if there is room already.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the new capacity's size exceeds `isize::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1u64]);
    /// v.reserve(10);
    /// assert!(v.capacity() >= 11);
    /// ```
    #[inline]
    #[track_caller]
    pub fn reserve(&mut self, additional: usize) {
        self.buf.reserve(self.len, additional);
    }

    /// Makes room for exactly `additional` more elements (if there is not room already).
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the new capacity's size exceeds `isize::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1u64]);
    /// v.reserve_exact(10);
    /// assert_eq!(v.capacity(), 11);
    /// ```
    #[inline]
    #[track_caller]
    pub fn reserve_exact(&mut self, additional: usize) {
        self.buf.reserve_exact(self.len, additional);
    }

    /// The fallible form of [`reserve`](Self::reserve).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError`; the vector is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v: Vec<u64> = Vec::new();
    /// assert!(v.try_reserve(usize::MAX).is_err());
    /// assert!(v.try_reserve(10).is_ok());
    /// ```
    #[inline]
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), TryReserveError> {
        self.buf.try_reserve(self.len, additional)
    }

    /// The fallible form of [`reserve_exact`](Self::reserve_exact).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError`; the vector is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v: Vec<u64> = Vec::new();
    /// v.try_reserve_exact(3).unwrap();
    /// assert_eq!(v.capacity(), 3);
    /// ```
    #[inline]
    pub fn try_reserve_exact(&mut self, additional: usize) -> Result<(), TryReserveError> {
        self.buf.try_reserve_exact(self.len, additional)
    }

    /// Shrinks the capacity to the length (through [`Allocator::shrink`], or by freeing
    /// the block when the vector is empty).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::with_capacity(10);
    /// v.extend([1, 2, 3]);
    /// v.shrink_to_fit();
    /// assert_eq!(v.capacity(), 3);
    /// ```
    #[track_caller]
    pub fn shrink_to_fit(&mut self) {
        if self.capacity() > self.len {
            self.buf.shrink_to_fit(self.len);
        }
    }

    /// Shrinks the capacity to `max(len, min_capacity)`; does nothing if the capacity is
    /// already at most `min_capacity`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v: Vec<u8> = Vec::with_capacity(10);
    /// v.push(1);
    /// v.shrink_to(4);
    /// assert_eq!(v.capacity(), 4);
    /// v.shrink_to(0);
    /// assert_eq!(v.capacity(), 1);
    /// ```
    #[track_caller]
    pub fn shrink_to(&mut self, min_capacity: usize) {
        if self.capacity() > min_capacity {
            self.buf.shrink_to_fit(core::cmp::max(self.len, min_capacity));
        }
    }

    /// Keeps the first `len` elements and drops the rest, in order. Does nothing if `len`
    /// is at least the current length. The capacity is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3, 4]);
    /// v.truncate(2);
    /// assert_eq!(v, [1, 2]);
    /// ```
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let tail_len = self.len - len;
        // SAFETY: `len < self.len`, so the tail `len..self.len` is in bounds and
        // initialised. The length is lowered first: if a destructor panics, the slice drop
        // glue still drops the remaining tail elements, and the vector no longer owns any
        // of them, so nothing is dropped twice.
        unsafe {
            let tail = ptr::slice_from_raw_parts_mut(self.as_mut_ptr().add(len), tail_len);
            self.len = len;
            ptr::drop_in_place(tail);
        }
    }

    /// The elements as a slice (`&v[..]`).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert_eq!(Vec::from([1, 2]).as_slice(), &[1, 2]);
    /// ```
    #[inline]
    pub const fn as_slice(&self) -> &[T] {
        // SAFETY: the first `len` elements are initialised and the pointer is non-null and
        // aligned (dangling only when `len == 0` or `T` is a ZST).
        unsafe { core::slice::from_raw_parts(self.as_ptr(), self.len) }
    }

    /// The elements as a mutable slice (`&mut v[..]`).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([3, 1, 2]);
    /// v.as_mut_slice().sort();
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[inline]
    pub const fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.as_mut_ptr(), self.len) }
    }

    /// A raw pointer to the buffer: valid for reads of `len` elements while the vector is
    /// not reallocated; dangling (never null) when nothing is allocated.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let v = Vec::from([1, 2]);
    /// // SAFETY: index 1 is in bounds.
    /// assert_eq!(unsafe { *v.as_ptr().add(1) }, 2);
    /// ```
    #[inline]
    pub const fn as_ptr(&self) -> *const T {
        self.buf.ptr()
    }

    /// A raw mutable pointer to the buffer; see [`as_ptr`](Self::as_ptr).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v: Vec<u32> = Vec::with_capacity(2);
    /// // SAFETY: capacity 2, both slots are written before `set_len(2)`.
    /// unsafe {
    ///     v.as_mut_ptr().write(1);
    ///     v.as_mut_ptr().add(1).write(2);
    ///     v.set_len(2);
    /// }
    /// assert_eq!(v, [1, 2]);
    /// ```
    #[inline]
    pub const fn as_mut_ptr(&mut self) -> *mut T {
        self.buf.ptr()
    }

    /// The allocator the vector allocates from.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let v: Vec<u8> = Vec::new();
    /// let _: &Global = v.allocator();
    /// ```
    #[inline]
    pub const fn allocator(&self) -> &A {
        self.buf.allocator()
    }

    /// Sets the length without touching the elements.
    ///
    /// # Safety
    ///
    /// - `new_len` must be at most [`capacity`](Self::capacity);
    /// - the elements `old_len..new_len` must be initialised.
    ///
    /// Elements beyond a lowered length are not dropped (they are leaked unless the caller
    /// takes them).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3]);
    /// // SAFETY: 1 is at most the capacity; no element needs dropping.
    /// unsafe { v.set_len(1) };
    /// assert_eq!(v, [1]);
    /// ```
    #[inline]
    pub unsafe fn set_len(&mut self, new_len: usize) {
        debug_assert!(new_len <= self.capacity());
        self.len = new_len;
    }

    /// Removes the element at `index` and returns it, moving the last element into its
    /// place (O(1), does not preserve order).
    ///
    /// # Panics
    ///
    /// If `index >= len`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from(['a', 'b', 'c', 'd']);
    /// assert_eq!(v.swap_remove(1), 'b');
    /// assert_eq!(v, ['a', 'd', 'c']);
    /// ```
    #[track_caller]
    pub fn swap_remove(&mut self, index: usize) -> T {
        #[cold]
        #[inline(never)]
        #[track_caller]
        fn assert_failed(index: usize, len: usize) -> ! {
            panic!("swap_remove index (is {index}) should be < len (is {len})");
        }

        let len = self.len;
        if index >= len {
            assert_failed(index, len);
        }
        // SAFETY: `index < len`, so both `index` and `len - 1` are initialised; the value at
        // `index` is read out, the last one moved into the hole, and the length lowered,
        // so each element is owned exactly once.
        unsafe {
            let base = self.as_mut_ptr();
            let value = ptr::read(base.add(index));
            ptr::copy(base.add(len - 1), base.add(index), 1);
            self.len = len - 1;
            value
        }
    }

    /// Inserts `element` at `index`, shifting the later elements right.
    ///
    /// # Panics
    ///
    /// If `index > len`; "capacity overflow" if the vector cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 3]);
    /// v.insert(1, 2);
    /// v.insert(3, 4);
    /// assert_eq!(v, [1, 2, 3, 4]);
    /// ```
    #[track_caller]
    pub fn insert(&mut self, index: usize, element: T) {
        let len = self.len;
        if index > len {
            insert_assert_failed(index, len);
        }
        if len == self.capacity() {
            self.buf.grow_one();
        }
        // SAFETY: there is room for one more element and `index <= len`.
        unsafe { self.insert_within_capacity(index, element) };
    }

    /// The fallible form of [`insert`](Self::insert): on `Err` the vector is unchanged and
    /// `element` is dropped.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError` when the vector is full and cannot grow.
    ///
    /// # Panics
    ///
    /// If `index > len`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 3]);
    /// v.try_insert(1, 2).unwrap();
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[track_caller]
    pub fn try_insert(&mut self, index: usize, element: T) -> Result<(), TryReserveError> {
        let len = self.len;
        if index > len {
            insert_assert_failed(index, len);
        }
        if len == self.capacity() {
            self.buf.try_reserve(len, 1)?;
        }
        // SAFETY: there is room for one more element and `index <= len`.
        unsafe { self.insert_within_capacity(index, element) };
        Ok(())
    }

    /// # Safety
    ///
    /// - `index <= len` and `len < capacity`.
    #[inline]
    unsafe fn insert_within_capacity(&mut self, index: usize, element: T) {
        let len = self.len;
        debug_assert!(index <= len && len < self.capacity());
        // SAFETY: `index <= len < capacity`, so shifting `index..len` one slot right stays
        // within the buffer, and slot `index` is then free to write.
        unsafe {
            let at = self.as_mut_ptr().add(index);
            if index < len {
                ptr::copy(at, at.add(1), len - index);
            }
            ptr::write(at, element);
        }
        self.len = len + 1;
    }

    /// Removes and returns the element at `index`, shifting the later elements left.
    ///
    /// # Panics
    ///
    /// If `index >= len`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3]);
    /// assert_eq!(v.remove(1), 2);
    /// assert_eq!(v, [1, 3]);
    /// ```
    #[track_caller]
    pub fn remove(&mut self, index: usize) -> T {
        #[cold]
        #[inline(never)]
        #[track_caller]
        fn assert_failed(index: usize, len: usize) -> ! {
            panic!("removal index (is {index}) should be < len (is {len})");
        }

        let len = self.len;
        if index >= len {
            assert_failed(index, len);
        }
        // SAFETY: `index < len`: the value is read out, the tail shifted over it and the
        // length lowered, so each element is owned exactly once.
        unsafe {
            let at = self.as_mut_ptr().add(index);
            let value = ptr::read(at);
            ptr::copy(at.add(1), at, len - index - 1);
            self.len = len - 1;
            value
        }
    }

    /// Keeps only the elements for which `keep` returns `true`, in order, visiting each
    /// element once.
    ///
    /// If `keep` (or a destructor) panics, the elements not yet visited are kept, the ones
    /// already rejected are gone, and nothing is dropped twice.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3, 4, 5]);
    /// v.retain(|&x| x % 2 == 1);
    /// assert_eq!(v, [1, 3, 5]);
    /// ```
    pub fn retain<F: FnMut(&T) -> bool>(&mut self, mut keep: F) {
        self.retain_mut(|x| keep(x));
    }

    /// [`retain`](Self::retain) with mutable access to each element.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3, 4]);
    /// v.retain_mut(|x| {
    ///     *x *= 10;
    ///     *x > 20
    /// });
    /// assert_eq!(v, [30, 40]);
    /// ```
    pub fn retain_mut<F: FnMut(&mut T) -> bool>(&mut self, mut keep: F) {
        /// Closes the gap if the predicate or a destructor panics during compaction.
        ///
        /// Slots `0..write` are kept, `write..read` are holes (moved out or dropped),
        /// `read..original_len` are not yet visited.
        struct FillGapOnPanic<'a, T, A: Allocator> {
            vec: &'a mut Vec<T, A>,
            read: usize,
            write: usize,
            original_len: usize,
        }

        impl<T, A: Allocator> Drop for FillGapOnPanic<'_, T, A> {
            #[cold]
            fn drop(&mut self) {
                let unvisited = self.original_len - self.read;
                // SAFETY: `read..original_len` are initialised; they move down over the
                // holes to `write <= read` (`ptr::copy` allows overlap).
                unsafe {
                    let base = self.vec.as_mut_ptr();
                    ptr::copy(base.add(self.read), base.add(self.write), unvisited);
                }
                self.vec.len = self.write + unvisited;
            }
        }

        let original_len = self.len;
        let base = self.as_mut_ptr();
        // Phase 1: while every element is kept nothing moves, so a panic here leaves the
        // vector as it was and no guard is needed.
        let mut first_rejected = 0;
        loop {
            if first_rejected == original_len {
                return;
            }
            // SAFETY: `first_rejected < original_len`, an initialised element.
            if !keep(unsafe { &mut *base.add(first_rejected) }) {
                break;
            }
            first_rejected += 1;
        }
        // Phase 2: compaction. `read` moves past the rejected element before it is
        // dropped, so a panicking destructor cannot make the guard move it back.
        let mut g = FillGapOnPanic {
            vec: self,
            read: first_rejected + 1,
            write: first_rejected,
            original_len,
        };
        // SAFETY: the element is initialised and is now a hole.
        unsafe { ptr::drop_in_place(base.add(first_rejected)) };
        while g.read < original_len {
            // SAFETY: `read < original_len` is initialised and not yet visited.
            let current = unsafe { base.add(g.read) };
            // SAFETY: as above; the predicate gets the only reference.
            if keep(unsafe { &mut *current }) {
                // SAFETY: `write < read` is a hole; the source becomes one as `read`
                // advances.
                unsafe { ptr::copy_nonoverlapping(current, base.add(g.write), 1) };
                g.write += 1;
                g.read += 1;
            } else {
                g.read += 1;
                // SAFETY: the element is initialised and is now a hole.
                unsafe { ptr::drop_in_place(current) };
            }
        }
        g.vec.len = g.write;
        core::mem::forget(g);
    }

    /// Removes consecutive elements that map to the same key, keeping the first of each
    /// run.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([10, 20, 21, 30, 20]);
    /// v.dedup_by_key(|x| *x / 10);
    /// assert_eq!(v, [10, 20, 30, 20]);
    /// ```
    #[inline]
    pub fn dedup_by_key<F, K>(&mut self, mut key: F)
    where
        F: FnMut(&mut T) -> K,
        K: PartialEq,
    {
        self.dedup_by(|a, b| key(a) == key(b));
    }

    /// Removes consecutive elements for which `same_bucket(current, previous_kept)` returns
    /// `true`, keeping the first of each run.
    ///
    /// If `same_bucket` or a destructor panics, the remaining elements are kept in order
    /// and nothing is dropped twice.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from(["a", "A", "b", "B", "b"]);
    /// v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    /// assert_eq!(v, ["a", "b"]);
    /// ```
    pub fn dedup_by<F>(&mut self, mut same_bucket: F)
    where
        F: FnMut(&mut T, &mut T) -> bool,
    {
        /// Moves the unread tail over the gap on exit.
        ///
        /// Slots `0..write` are kept, `write..read` are holes, `read..len` are unread.
        struct FillGapOnDrop<'a, T, A: Allocator> {
            read: usize,
            write: usize,
            len: usize,
            vec: &'a mut Vec<T, A>,
        }

        impl<T, A: Allocator> Drop for FillGapOnDrop<'_, T, A> {
            fn drop(&mut self) {
                let unread = self.len - self.read;
                // SAFETY: `read..len` is initialised; `write <= read`, and `ptr::copy`
                // allows the ranges to overlap.
                unsafe {
                    let base = self.vec.as_mut_ptr();
                    if self.read > self.write {
                        ptr::copy(base.add(self.read), base.add(self.write), unread);
                    }
                }
                self.vec.len = self.write + unread;
            }
        }

        let len = self.len;
        if len <= 1 {
            return;
        }
        let mut g = FillGapOnDrop { read: 1, write: 1, len, vec: self };
        let base = g.vec.as_mut_ptr();
        while g.read < len {
            // SAFETY: `read < len` is unread and initialised; `write - 1 < read` is the
            // last kept element; they are distinct slots.
            unsafe {
                let current = base.add(g.read);
                let previous = base.add(g.write - 1);
                if same_bucket(&mut *current, &mut *previous) {
                    g.read += 1;
                    ptr::drop_in_place(current);
                } else {
                    if g.read != g.write {
                        ptr::copy_nonoverlapping(current, base.add(g.write), 1);
                    }
                    g.write += 1;
                    g.read += 1;
                }
            }
        }
        drop(g);
    }

    /// Appends `value` to the back.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the vector cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::new();
    /// v.push(1);
    /// v.push(2);
    /// assert_eq!(v, [1, 2]);
    /// ```
    #[inline]
    #[track_caller]
    pub fn push(&mut self, value: T) {
        let len = self.len;
        if len == self.capacity() {
            self.buf.grow_one();
        }
        // SAFETY: `len < capacity` now, so slot `len` is in bounds and uninitialised.
        unsafe {
            ptr::write(self.as_mut_ptr().add(len), value);
        }
        self.len = len + 1;
    }

    /// The fallible form of [`push`](Self::push): on `Err` the vector is unchanged and
    /// `value` is dropped. (To get the value back, [`try_reserve`](Self::try_reserve) and
    /// then [`push_within_capacity`](Self::push_within_capacity).)
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError` when the vector is full and cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::new();
    /// v.try_push(1).unwrap();
    /// assert_eq!(v, [1]);
    /// ```
    #[inline]
    pub fn try_push(&mut self, value: T) -> Result<(), TryReserveError> {
        let len = self.len;
        if len == self.capacity() {
            self.buf.try_reserve(len, 1)?;
        }
        // SAFETY: `len < capacity` now.
        unsafe {
            ptr::write(self.as_mut_ptr().add(len), value);
        }
        self.len = len + 1;
        Ok(())
    }

    /// Appends `value` if there is room, without ever allocating; otherwise gives it back.
    ///
    /// # Errors
    ///
    /// `Err(value)` when `len == capacity`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::with_capacity(1);
    /// assert_eq!(v.push_within_capacity(1), Ok(()));
    /// assert_eq!(v.push_within_capacity(2), Err(2));
    /// ```
    #[inline]
    pub fn push_within_capacity(&mut self, value: T) -> Result<(), T> {
        let len = self.len;
        if len == self.capacity() {
            return Err(value);
        }
        // SAFETY: `len < capacity`.
        unsafe {
            ptr::write(self.as_mut_ptr().add(len), value);
        }
        self.len = len + 1;
        Ok(())
    }

    /// Removes the last element and returns it, or `None` if the vector is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2]);
    /// assert_eq!(v.pop(), Some(2));
    /// assert_eq!(v.pop(), Some(1));
    /// assert_eq!(v.pop(), None);
    /// ```
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: slot `len` was initialised and is no longer owned by the vector.
        Some(unsafe { ptr::read(self.as_ptr().add(self.len)) })
    }

    /// Removes and returns the last element if `predicate` returns `true` for it.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 4]);
    /// assert_eq!(v.pop_if(|x| *x % 2 == 0), Some(4));
    /// assert_eq!(v.pop_if(|x| *x > 5), None);
    /// assert_eq!(v, [1, 2]);
    /// ```
    pub fn pop_if(&mut self, predicate: impl FnOnce(&mut T) -> bool) -> Option<T> {
        let last = self.last_mut()?;
        if predicate(last) { self.pop() } else { None }
    }

    /// Moves every element of `other` to the back of `self`, leaving `other` empty (its
    /// capacity is kept).
    ///
    /// # Panics
    ///
    /// "capacity overflow" if `self` cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut a = Vec::from([1, 2]);
    /// let mut b = Vec::from([3, 4]);
    /// a.append(&mut b);
    /// assert_eq!(a, [1, 2, 3, 4]);
    /// assert!(b.is_empty());
    /// ```
    #[track_caller]
    pub fn append(&mut self, other: &mut Self) {
        let count = other.len;
        self.reserve(count);
        // SAFETY: room for `count` more was reserved; the two buffers are distinct (two
        // `&mut`); `other` gives up its elements by setting its length to 0.
        unsafe {
            ptr::copy_nonoverlapping(other.as_ptr(), self.as_mut_ptr().add(self.len), count);
            other.len = 0;
        }
        self.len += count;
    }

    /// Removes the elements in `range` and returns them as an iterator; the tail is moved
    /// back when the [`Drain`] is dropped, whether or not it was consumed.
    ///
    /// If the `Drain` is leaked (`mem::forget`), the vector may lose the drained elements
    /// and the tail (they are leaked, never dropped twice).
    ///
    /// # Panics
    ///
    /// If the range is decreasing or ends past `len` (std's messages).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3, 4, 5]);
    /// let middle: Vec<i32> = v.drain(1..4).collect();
    /// assert_eq!(middle, [2, 3, 4]);
    /// assert_eq!(v, [1, 5]);
    /// ```
    #[track_caller]
    pub fn drain<R: RangeBounds<usize>>(&mut self, range: R) -> Drain<'_, T, A> {
        let len = self.len;
        let range = slice_range(range, len);
        // SAFETY: `range` lies within `0..len`.
        unsafe { Drain::new(self, range) }
    }

    /// Drops every element, keeping the capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3]);
    /// v.clear();
    /// assert!(v.is_empty());
    /// assert_eq!(v.capacity(), 3);
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        let elements: *mut [T] = self.as_mut_slice();
        self.len = 0;
        // SAFETY: the elements were initialised, and the vector no longer owns them.
        unsafe { ptr::drop_in_place(elements) };
    }

    /// The number of elements.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert_eq!(Vec::from([1, 2, 3]).len(), 3);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// `true` if the vector holds no elements.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::new();
    /// assert!(v.is_empty());
    /// v.push(1);
    /// assert!(!v.is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Splits the vector in two at `at`: `self` keeps `0..at`, the returned vector (in a
    /// clone of the allocator, with capacity `len - at`) gets `at..len`.
    ///
    /// # Panics
    ///
    /// If `at > len`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3]);
    /// let tail = v.split_off(1);
    /// assert_eq!((v, tail), (Vec::from([1]), Vec::from([2, 3])));
    /// ```
    #[must_use = "use `.truncate()` if you don't need the other half"]
    #[track_caller]
    pub fn split_off(&mut self, at: usize) -> Self
    where
        A: Clone,
    {
        #[cold]
        #[inline(never)]
        #[track_caller]
        fn assert_failed(at: usize, len: usize) -> ! {
            panic!("`at` split index (is {at}) should be <= len (is {len})");
        }

        if at > self.len {
            assert_failed(at, self.len);
        }
        let other_len = self.len - at;
        let mut other = Vec::with_capacity_in(other_len, self.allocator().clone());
        // SAFETY: `other` has room for `other_len` elements; the tail moves there and
        // `self` gives it up by lowering its length.
        unsafe {
            ptr::copy_nonoverlapping(self.as_ptr().add(at), other.as_mut_ptr(), other_len);
            self.len = at;
            other.len = other_len;
        }
        other
    }

    /// Resizes to `new_len`, filling new slots with values returned by `f` (called in
    /// order) or truncating.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the vector cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut n = 0;
    /// let mut v = Vec::new();
    /// v.resize_with(3, || { n += 1; n });
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[track_caller]
    pub fn resize_with<F: FnMut() -> T>(&mut self, new_len: usize, mut f: F) {
        let len = self.len;
        if new_len <= len {
            self.truncate(new_len);
            return;
        }
        let additional = new_len - len;
        self.reserve(additional);
        // SAFETY: room for `additional` more elements was reserved.
        unsafe { self.extend_within_capacity(additional, |_| f()) };
    }

    /// Writes `count` values produced by `next(i)` after the last element.
    ///
    /// Each value is counted as soon as it is written, so a panic in `next` leaves the
    /// vector holding exactly the values written so far.
    ///
    /// # Safety
    ///
    /// - `len + count <= capacity`.
    #[inline]
    unsafe fn extend_within_capacity(&mut self, count: usize, mut next: impl FnMut(usize) -> T) {
        debug_assert!(count <= self.capacity() - self.len);
        let base = self.as_mut_ptr();
        let mut len = SetLenOnDrop::new(&mut self.len);
        for i in 0..count {
            // SAFETY: `current_len < old len + count <= capacity`.
            unsafe { ptr::write(base.add(len.current_len()), next(i)) };
            len.increment_len(1);
        }
    }

    /// Consumes the vector and returns a mutable slice of its elements, which lives as
    /// long as the allocator (`A: 'a`). The memory is never freed and the elements are
    /// never dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let s: &'static mut [u32] = Vec::from([1, 2]).leak();
    /// s[0] = 9;
    /// assert_eq!(s, &[9, 2]);
    /// # // Give the memory back so the sanitizer run sees no leak.
    /// # drop(unsafe { Vec::from_raw_parts(s.as_mut_ptr(), 2, 2) });
    /// ```
    pub fn leak<'a>(self) -> &'a mut [T]
    where
        A: 'a,
    {
        let mut me = ManuallyDrop::new(self);
        // SAFETY: the elements stay initialised and the block is never freed (the vector
        // is forgotten), and the allocator outlives `'a`.
        unsafe { core::slice::from_raw_parts_mut(me.as_mut_ptr(), me.len) }
    }

    /// The spare capacity as a slice of uninitialised slots, to be filled before
    /// [`set_len`](Self::set_len).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v: Vec<u8> = Vec::with_capacity(4);
    /// let spare = v.spare_capacity_mut();
    /// spare[0].write(1);
    /// spare[1].write(2);
    /// // SAFETY: the first two slots were just initialised.
    /// unsafe { v.set_len(2) };
    /// assert_eq!(v, [1, 2]);
    /// ```
    #[inline]
    pub fn spare_capacity_mut(&mut self) -> &mut [MaybeUninit<T>] {
        let spare = self.capacity() - self.len;
        // SAFETY: the slots `len..capacity` lie within the buffer, and `MaybeUninit` needs
        // no initialisation.
        unsafe {
            core::slice::from_raw_parts_mut(
                self.as_mut_ptr().add(self.len).cast::<MaybeUninit<T>>(),
                spare,
            )
        }
    }

    /// Creates an iterator that removes and yields the elements in `range` for which
    /// `filter` returns `true`; the others stay, in order. Elements not yet visited when
    /// the iterator is dropped are kept.
    ///
    /// # Panics
    ///
    /// If the range is decreasing or ends past `len`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3, 4, 5, 6]);
    /// let evens: Vec<i32> = v.extract_if(.., |x| *x % 2 == 0).collect();
    /// assert_eq!(evens, [2, 4, 6]);
    /// assert_eq!(v, [1, 3, 5]);
    /// ```
    #[track_caller]
    pub fn extract_if<F, R>(&mut self, range: R, filter: F) -> ExtractIf<'_, T, F, A>
    where
        F: FnMut(&mut T) -> bool,
        R: RangeBounds<usize>,
    {
        ExtractIf::new(self, filter, range)
    }

    /// Replaces the elements in `range` with the items of `replace_with`, returning the
    /// removed ones as an iterator. The work is done when the [`Splice`] is dropped.
    ///
    /// # Panics
    ///
    /// If the range is decreasing or ends past `len`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3, 4]);
    /// let removed: Vec<i32> = v.splice(1..3, [7, 8, 9]).collect();
    /// assert_eq!(removed, [2, 3]);
    /// assert_eq!(v, [1, 7, 8, 9, 4]);
    /// ```
    #[track_caller]
    pub fn splice<R, I>(&mut self, range: R, replace_with: I) -> Splice<'_, I::IntoIter, A>
    where
        R: RangeBounds<usize>,
        I: IntoIterator<Item = T>,
    {
        Splice::new(self.drain(range), replace_with.into_iter())
    }
}

impl<T: Clone, A: Allocator> Vec<T, A> {
    /// Resizes to `new_len`, filling new slots with clones of `value` (the last slot gets
    /// `value` itself) or truncating.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the vector cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from(["a"]);
    /// v.resize(3, "b");
    /// assert_eq!(v, ["a", "b", "b"]);
    /// v.resize(1, "c");
    /// assert_eq!(v, ["a"]);
    /// ```
    #[track_caller]
    pub fn resize(&mut self, new_len: usize, value: T) {
        if let Err(error) = self.try_resize(new_len, value) {
            handle_reserve_error(error);
        }
    }

    /// The fallible form of [`resize`](Self::resize): on `Err` the vector is unchanged.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError` when the vector cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v: Vec<u64> = Vec::new();
    /// assert!(v.try_resize(usize::MAX, 0).is_err());
    /// v.try_resize(2, 5).unwrap();
    /// assert_eq!(v, [5, 5]);
    /// ```
    pub fn try_resize(&mut self, new_len: usize, value: T) -> Result<(), TryReserveError> {
        let len = self.len;
        if new_len <= len {
            self.truncate(new_len);
            return Ok(());
        }
        let additional = new_len - len;
        self.try_reserve(additional)?;
        // SAFETY: room for `additional` more elements was reserved.
        unsafe { self.extend_with(additional, value) };
        Ok(())
    }

    /// Writes `count - 1` clones of `value` and then `value` itself.
    ///
    /// # Safety
    ///
    /// - `count >= 1` and `len + count <= capacity`.
    unsafe fn extend_with(&mut self, count: usize, value: T) {
        debug_assert!(count >= 1);
        // SAFETY: `count - 1` values fit (the caller reserved `count`).
        unsafe { self.extend_within_capacity(count - 1, |_| value.clone()) };
        // SAFETY: one more slot is left for `value` itself.
        unsafe { ptr::write(self.as_mut_ptr().add(self.len), value) };
        self.len += 1;
    }

    /// Clones every element of `other` onto the back.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the vector cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1]);
    /// v.extend_from_slice(&[2, 3]);
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[inline]
    #[track_caller]
    pub fn extend_from_slice(&mut self, other: &[T]) {
        self.reserve(other.len());
        // SAFETY: room for `other.len()` more elements was reserved.
        unsafe { self.clone_from_slice_within_capacity(other) };
    }

    /// The fallible form of [`extend_from_slice`](Self::extend_from_slice): on `Err`
    /// the vector is unchanged.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError` when the vector cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1]);
    /// v.try_extend_from_slice(&[2, 3]).unwrap();
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    pub fn try_extend_from_slice(&mut self, other: &[T]) -> Result<(), TryReserveError> {
        self.try_reserve(other.len())?;
        // SAFETY: room for `other.len()` more elements was reserved.
        unsafe { self.clone_from_slice_within_capacity(other) };
        Ok(())
    }

    /// # Safety
    ///
    /// - `len + other.len() <= capacity`, and `other` must not alias the spare capacity.
    #[inline]
    unsafe fn clone_from_slice_within_capacity(&mut self, other: &[T]) {
        // SAFETY: forwarded: the caller reserved room for `other.len()` elements.
        unsafe { self.extend_within_capacity(other.len(), |i| other.get_unchecked(i).clone()) };
    }

    /// Clones the elements in `src` onto the back.
    ///
    /// # Panics
    ///
    /// If the range is decreasing or ends past `len`; "capacity overflow" if the vector
    /// cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([0, 1, 2]);
    /// v.extend_from_within(1..);
    /// assert_eq!(v, [0, 1, 2, 1, 2]);
    /// ```
    #[track_caller]
    pub fn extend_from_within<R: RangeBounds<usize>>(&mut self, src: R) {
        let range = slice_range(src, self.len);
        self.reserve(range.len());
        let base = self.as_ptr();
        // SAFETY: `range` lies in the initialised part, which does not overlap the spare
        // capacity being written; room for `range.len()` was reserved (after which `base`
        // is current).
        unsafe {
            let source = core::slice::from_raw_parts(base.add(range.start), range.len());
            self.extend_within_capacity(range.len(), |i| source.get_unchecked(i).clone());
        }
    }
}

impl<T: PartialEq, A: Allocator> Vec<T, A> {
    /// Removes consecutive repeated elements (by `==`), keeping the first of each run.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 1, 2, 2, 2, 1]);
    /// v.dedup();
    /// assert_eq!(v, [1, 2, 1]);
    /// ```
    #[inline]
    pub fn dedup(&mut self) {
        self.dedup_by(|a, b| a == b);
    }
}

impl<T, A: Allocator, const N: usize> Vec<[T; N], A> {
    /// Turns a vector of arrays into a vector of their elements, without copying.
    ///
    /// # Panics
    ///
    /// If the new length overflows `usize` (possible only for zero-sized `T`).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let v = Vec::from([[1, 2], [3, 4]]);
    /// assert_eq!(v.into_flattened(), [1, 2, 3, 4]);
    /// ```
    pub fn into_flattened(self) -> Vec<T, A> {
        let (ptr, len, cap, alloc) = self.into_raw_parts_with_alloc();
        let (new_len, new_cap) = if size_of::<T>() == 0 {
            (len.checked_mul(N).expect("vec len overflow"), usize::MAX)
        } else {
            // The block holds `cap` arrays of `N` elements, at most `isize::MAX` bytes, so
            // neither product can overflow (for `N == 0` the capacity is `usize::MAX`
            // times 0, and nothing was allocated).
            (len * N, cap.wrapping_mul(N))
        };
        // SAFETY: the block of `cap` arrays is exactly the block of `cap * N` elements
        // (same size, same alignment), and the first `len * N` of them are initialised.
        unsafe { Vec::from_raw_parts_in(ptr.cast::<T>(), new_len, new_cap, alloc) }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn insert_assert_failed(index: usize, len: usize) -> ! {
    panic!("insertion index (is {index}) should be <= len (is {len})");
}

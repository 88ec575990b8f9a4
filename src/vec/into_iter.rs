//! [`IntoIter`]: the by-value iterator of a [`Vec`].

use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ptr::{self, NonNull};
use core::slice;

use super::Vec;
use crate::alloc::{Allocator, Global};
use crate::raw_vec::RawVec;

/// An iterator that moves the elements out of a [`Vec`], created by `Vec::into_iter`.
///
/// It keeps the vector's block and hands the elements out from both ends; when dropped it
/// drops the elements not yet taken, then frees the block (also when one of those
/// destructors panics).
///
/// ```text
///   buf                start            end         cap
///   ├── taken (holes) ──┤├── remaining ──┤├─ taken ─┤
/// ```
///
/// # Invariants
///
/// - `start <= end`, and the slots `start..end` of the block hold initialised elements
///   owned by the iterator; all other slots are holes;
/// - `buf`, `cap` and `alloc` satisfy [`RawVec`]'s invariants, so they rebuild the
///   buffer that is freed on drop.
///
/// # Examples
///
/// ```
/// use allockit::Vec;
///
/// let mut it = Vec::from([1, 2, 3]).into_iter();
/// assert_eq!(it.next(), Some(1));
/// assert_eq!(it.next_back(), Some(3));
/// assert_eq!(it.as_slice(), &[2]);
/// ```
pub struct IntoIter<T, A: Allocator = Global> {
    buf: NonNull<T>,
    cap: usize,
    alloc: ManuallyDrop<A>,
    start: usize,
    end: usize,
    _owns: PhantomData<T>,
}

// SAFETY: the iterator uniquely owns its elements and its block, like the `Vec` it came
// from.
unsafe impl<T: Send, A: Allocator + Send> Send for IntoIter<T, A> {}
// SAFETY: shared access only hands out `&[T]` and `&A`.
unsafe impl<T: Sync, A: Allocator + Sync> Sync for IntoIter<T, A> {}

impl<T, A: Allocator> IntoIter<T, A> {
    pub(super) fn new(vec: Vec<T, A>) -> Self {
        let (ptr, len, cap, alloc) = vec.into_raw_parts_with_alloc();
        // SAFETY: a vector's pointer is never null.
        let buf = unsafe { NonNull::new_unchecked(ptr) };
        IntoIter {
            buf,
            cap,
            alloc: ManuallyDrop::new(alloc),
            start: 0,
            end: len,
            _owns: PhantomData,
        }
    }

    /// The remaining elements as a slice.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut it = Vec::from(['a', 'b']).into_iter();
    /// it.next();
    /// assert_eq!(it.as_slice(), &['b']);
    /// ```
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `start..end` are initialised and owned by the iterator.
        unsafe { slice::from_raw_parts(self.buf.as_ptr().add(self.start), self.len()) }
    }

    /// The remaining elements as a mutable slice.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut it = Vec::from([1, 2]).into_iter();
    /// it.as_mut_slice()[1] = 5;
    /// assert_eq!(it.collect::<Vec<_>>(), [1, 5]);
    /// ```
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the access unique.
        unsafe { &mut *self.as_raw_mut_slice() }
    }

    /// The allocator the block was allocated from.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let it = Vec::from([1]).into_iter();
    /// let _: &Global = it.allocator();
    /// ```
    pub fn allocator(&self) -> &A {
        &self.alloc
    }

    fn as_raw_mut_slice(&mut self) -> *mut [T] {
        // SAFETY: `start <= end <= cap`, so the offset stays within the block.
        ptr::slice_from_raw_parts_mut(unsafe { self.buf.as_ptr().add(self.start) }, self.len())
    }

    /// Drops the remaining elements, then frees the block, even if a destructor panics.
    fn drop_remaining_and_free(&mut self) {
        /// Frees the block when dropped.
        struct FreeOnDrop<'a, T, A: Allocator>(&'a mut IntoIter<T, A>);

        impl<T, A: Allocator> Drop for FreeOnDrop<'_, T, A> {
            fn drop(&mut self) {
                let it = &mut *self.0;
                // SAFETY: the allocator is taken once, here, as the iterator is being
                // dropped; `buf`, `cap` and it rebuild the vector's original buffer.
                unsafe {
                    let alloc = ManuallyDrop::take(&mut it.alloc);
                    drop(RawVec::from_non_null_in(it.buf, it.cap, alloc));
                }
            }
        }

        let remaining = self.as_raw_mut_slice();
        self.start = self.end;
        let guard = FreeOnDrop(self);
        // SAFETY: the remaining elements are initialised and owned by the iterator, which
        // no longer counts them, so they are dropped exactly once.
        unsafe { ptr::drop_in_place(remaining) };
        drop(guard);
    }
}

impl<T, A: Allocator> Iterator for IntoIter<T, A> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        if self.start == self.end {
            return None;
        }
        let i = self.start;
        self.start += 1;
        // SAFETY: slot `i` was in `start..end`, initialised and owned; it is now a hole.
        Some(unsafe { ptr::read(self.buf.as_ptr().add(i)) })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.len();
        (len, Some(len))
    }

    #[inline]
    fn count(self) -> usize {
        // The remaining elements are dropped with `self`.
        self.len()
    }
}

impl<T, A: Allocator> DoubleEndedIterator for IntoIter<T, A> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        if self.start == self.end {
            return None;
        }
        self.end -= 1;
        // SAFETY: slot `end` was the last of `start..end`; it is now a hole.
        Some(unsafe { ptr::read(self.buf.as_ptr().add(self.end)) })
    }
}

impl<T, A: Allocator> ExactSizeIterator for IntoIter<T, A> {
    #[inline]
    fn len(&self) -> usize {
        self.end - self.start
    }
}

impl<T, A: Allocator> FusedIterator for IntoIter<T, A> {}

impl<T: Clone, A: Allocator + Clone> Clone for IntoIter<T, A> {
    fn clone(&self) -> Self {
        let mut v = Vec::with_capacity_in(self.len(), (*self.alloc).clone());
        v.extend_from_slice(self.as_slice());
        v.into_iter()
    }
}

impl<T: fmt::Debug, A: Allocator> fmt::Debug for IntoIter<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IntoIter").field(&self.as_slice()).finish()
    }
}

impl<T, A: Allocator + Default> Default for IntoIter<T, A> {
    /// An empty iterator.
    ///
    /// ```
    /// use allockit::vec::IntoIter;
    ///
    /// let it: IntoIter<u8> = Default::default();
    /// assert_eq!(it.len(), 0);
    /// ```
    fn default() -> Self {
        Vec::new_in(A::default()).into_iter()
    }
}

impl<T, A: Allocator> AsRef<[T]> for IntoIter<T, A> {
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

#[cfg(feature = "nightly")]
// SAFETY: dropping the iterator only drops `T`s it owns and frees the block; it never
// touches borrowed data inside `T` other than through `T`'s own destructor.
unsafe impl<#[may_dangle] T, A: Allocator> Drop for IntoIter<T, A> {
    fn drop(&mut self) {
        self.drop_remaining_and_free();
    }
}

#[cfg(not(feature = "nightly"))]
impl<T, A: Allocator> Drop for IntoIter<T, A> {
    fn drop(&mut self) {
        self.drop_remaining_and_free();
    }
}

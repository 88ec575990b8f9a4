//! [`Drain`]: the iterator returned by [`String::drain`].

use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;
use core::ops::Range;
use core::ptr::{self, NonNull};
use core::str::Chars;

use super::String;
use crate::alloc::{Allocator, Global};

/// An iterator over the `char`s removed by [`String::drain`].
///
/// The string is not touched until the `Drain` is dropped: then the drained bytes are
/// removed, whether or not they were all visited. Leaking the `Drain` leaves the string
/// unchanged.
///
/// # Invariants
///
/// - `string` points to the string mutably borrowed for `'a`;
/// - `start..end` lies within the string's length, with both ends on `char` boundaries;
/// - `iter` walks what is left of the bytes `start..end`, which nothing writes to while the
///   `Drain` lives.
///
/// # Examples
///
/// ```
/// use allockit::String;
///
/// let mut s = String::from("añb");
/// let mut d = s.drain(..);
/// assert_eq!(d.next(), Some('a'));
/// assert_eq!(d.as_str(), "ñb");
/// drop(d);
/// assert!(s.is_empty());
/// ```
pub struct Drain<'a, A: Allocator = Global> {
    string: NonNull<String<A>>,
    start: usize,
    end: usize,
    iter: Chars<'a>,
    _marker: PhantomData<&'a mut String<A>>,
}

impl<'a, A: Allocator> Drain<'a, A> {
    /// # Safety
    ///
    /// - `range` must lie within `..string.len()`, both ends on `char` boundaries.
    pub(super) unsafe fn new(string: &'a mut String<A>, range: Range<usize>) -> Self {
        let ptr = NonNull::from(&mut *string);
        // SAFETY: the range is in bounds on boundaries (caller), so the slice is UTF-8;
        // its bytes stay untouched until `drop`, after `iter` is no longer used.
        // The `Chars` is derived from `ptr`, which `drop` writes through later.
        let iter = unsafe { ptr.as_ref().as_str().get_unchecked(range.clone()).chars() };
        Drain { string: ptr, start: range.start, end: range.end, iter, _marker: PhantomData }
    }

    /// What is left to be drained, as a `&str`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("abc");
    /// let mut d = s.drain(..);
    /// d.next_back();
    /// assert_eq!(d.as_str(), "ab");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.iter.as_str()
    }
}

impl<A: Allocator> Drop for Drain<'_, A> {
    fn drop(&mut self) {
        // SAFETY: the string is mutably borrowed by this `Drain` and `iter` is dead; the
        // range is in bounds on boundaries (invariants), so moving the tail down over it
        // removes whole chars and leaves valid UTF-8.
        unsafe {
            let string = self.string.as_mut();
            let vec = string.as_mut_vec();
            let len = vec.len();
            let base = vec.as_mut_ptr();
            ptr::copy(base.add(self.end), base.add(self.start), len - self.end);
            vec.set_len(len - (self.end - self.start));
        }
    }
}

// SAFETY: a `Drain` is a `&mut String<A>` plus a `Chars` into it; it is `Send`/`Sync`
// exactly when that borrow is.
unsafe impl<A: Allocator + Send> Send for Drain<'_, A> {}
// SAFETY: as above.
unsafe impl<A: Allocator + Sync> Sync for Drain<'_, A> {}

impl<A: Allocator> Iterator for Drain<'_, A> {
    type Item = char;

    #[inline]
    fn next(&mut self) -> Option<char> {
        self.iter.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }

    #[inline]
    fn last(mut self) -> Option<char> {
        self.next_back()
    }
}

impl<A: Allocator> DoubleEndedIterator for Drain<'_, A> {
    #[inline]
    fn next_back(&mut self) -> Option<char> {
        self.iter.next_back()
    }
}

impl<A: Allocator> FusedIterator for Drain<'_, A> {}

impl<A: Allocator> fmt::Debug for Drain<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Drain").field(&self.as_str()).finish()
    }
}

impl<A: Allocator> AsRef<str> for Drain<'_, A> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<A: Allocator> AsRef<[u8]> for Drain<'_, A> {
    fn as_ref(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

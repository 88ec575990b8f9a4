//! [`Drain`]: the iterator returned by [`Vec::drain`].

use core::fmt;
use core::iter::FusedIterator;
use core::mem;
use core::ops::Range;
use core::ptr::{self, NonNull};
use core::slice;

use super::Vec;
use crate::alloc::{Allocator, Global};

/// A draining iterator over a range of a [`Vec`], created by [`Vec::drain`].
///
/// While it lives, the vector's length is cut to the start of the range, so the vector
/// owns only the prefix:
///
/// ```text
///   0        start       (iter)        tail_start         tail_start + tail_len
///   ├─ kept ─┤├── yielded / not yet ──┤├──────────── tail ──────────────┤
///   vec.len = start
/// ```
///
/// On drop, the items not yet yielded are dropped and the tail is moved back to `start`,
/// even if one of those destructors panics.
///
/// # Invariants
///
/// - `vec.len == start` (the prefix), with `start <= tail_start`;
/// - the slots covered by `iter` are initialised items owned by the `Drain`;
/// - `tail_start..tail_start + tail_len` are initialised elements owned by the `Drain` on
///   behalf of the vector, and lie within its capacity.
///
/// # Examples
///
/// ```
/// use allockit::Vec;
///
/// let mut v = Vec::from([1, 2, 3, 4]);
/// let mut d = v.drain(1..3);
/// assert_eq!(d.as_slice(), &[2, 3]);
/// assert_eq!(d.next(), Some(2));
/// drop(d);
/// assert_eq!(v, [1, 4]);
/// ```
pub struct Drain<'a, T, A: Allocator = Global> {
    pub(super) tail_start: usize,
    pub(super) tail_len: usize,
    pub(super) iter: slice::Iter<'a, T>,
    pub(super) vec: NonNull<Vec<T, A>>,
}

impl<'a, T, A: Allocator> Drain<'a, T, A> {
    /// # Safety
    ///
    /// - `range` must lie within `0..vec.len()`.
    pub(super) unsafe fn new(vec: &'a mut Vec<T, A>, range: Range<usize>) -> Self {
        let len = vec.len();
        debug_assert!(range.start <= range.end && range.end <= len);
        vec.len = range.start;
        // SAFETY: `range` lies within the initialised part; the vector no longer claims it.
        let items = unsafe { slice::from_raw_parts(vec.as_ptr().add(range.start), range.len()) };
        Drain {
            tail_start: range.end,
            tail_len: len - range.end,
            iter: items.iter(),
            vec: NonNull::from(vec),
        }
    }

    /// The items not yet yielded.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from(['a', 'b', 'c']);
    /// let mut d = v.drain(..);
    /// d.next();
    /// assert_eq!(d.as_slice(), &['b', 'c']);
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        self.iter.as_slice()
    }

    /// The allocator of the underlying vector.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let mut v = Vec::from([1]);
    /// let d = v.drain(..);
    /// let _: &Global = d.allocator();
    /// ```
    #[must_use]
    pub fn allocator(&self) -> &A {
        // SAFETY: the `Drain` holds the vector's unique borrow for `'a`.
        unsafe { self.vec.as_ref().allocator() }
    }

    /// Keeps the items not yet yielded in the vector instead of dropping them.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1, 2, 3, 4]);
    /// let mut d = v.drain(..);
    /// assert_eq!(d.next(), Some(1));
    /// d.keep_rest();
    /// assert_eq!(v, [2, 3, 4]);
    /// ```
    pub fn keep_rest(self) {
        let mut this = mem::ManuallyDrop::new(self);
        let unyielded = this.iter.len();
        let from = this.unyielded_offset();
        // SAFETY: the `Drain` holds the vector's unique borrow and `this` is never dropped.
        // The unyielded items sit at `from..from + unyielded` and the tail after the
        // range; both move down (possibly overlapping, hence `ptr::copy`) to close the
        // gaps, and the vector then owns them again.
        unsafe {
            let vec = this.vec.as_mut();
            let start = vec.len();
            let base = vec.as_mut_ptr();
            if from != start {
                ptr::copy(base.add(from), base.add(start), unyielded);
            }
            if this.tail_start != start + unyielded {
                ptr::copy(base.add(this.tail_start), base.add(start + unyielded), this.tail_len);
            }
            vec.set_len(start + unyielded + this.tail_len);
        }
    }

    /// The index in the vector of the first item not yet yielded.
    fn unyielded_offset(&self) -> usize {
        if size_of::<T>() == 0 {
            // Every slot of a ZST is the same address; any in-range index will do, and
            // the caller only uses it to move or drop zero bytes.
            // SAFETY: the `Drain` holds the vector's unique borrow.
            return unsafe { self.vec.as_ref().len() };
        }
        // SAFETY: the unyielded items lie inside the vector's buffer, after its base.
        unsafe {
            let base = self.vec.as_ref().as_ptr();
            self.iter.as_slice().as_ptr().offset_from(base) as usize
        }
    }

    /// Writes items of `replace_with` into the gap `vec.len..tail_start`; returns `true`
    /// if the gap was filled, `false` if the iterator ran out first.
    ///
    /// # Safety
    ///
    /// - `iter` must be empty (no unyielded items remain in the gap).
    pub(super) unsafe fn fill<I: Iterator<Item = T>>(&mut self, replace_with: &mut I) -> bool {
        // SAFETY: the `Drain` holds the vector's unique borrow.
        let vec = unsafe { self.vec.as_mut() };
        let gap_end = self.tail_start;
        while vec.len < gap_end {
            let Some(item) = replace_with.next() else {
                return false;
            };
            // SAFETY: `vec.len < tail_start <= capacity`, and the slot is a hole.
            unsafe { ptr::write(vec.as_mut_ptr().add(vec.len), item) };
            vec.len += 1;
        }
        true
    }

    /// Moves the tail `additional` slots further back, growing the vector if needed.
    ///
    /// # Safety
    ///
    /// - `iter` must be empty.
    #[track_caller]
    pub(super) unsafe fn move_tail(&mut self, additional: usize) {
        // SAFETY: the `Drain` holds the vector's unique borrow.
        let vec = unsafe { self.vec.as_mut() };
        let len = self.tail_start + self.tail_len;
        // `reserve` takes the length the buffer must keep: everything up to the tail's end.
        vec.buf.reserve(len, additional);
        let new_tail_start = self.tail_start + additional;
        // SAFETY: the buffer now holds `len + additional` slots, so the moved tail fits.
        unsafe {
            let base = vec.as_mut_ptr();
            ptr::copy(base.add(self.tail_start), base.add(new_tail_start), self.tail_len);
        }
        self.tail_start = new_tail_start;
    }
}

// SAFETY: a `Drain` gives access to `T`s (by value and by reference) and to `&A`, like
// the `&mut Vec<T, A>` it stands for.
unsafe impl<T: Send, A: Allocator + Send> Send for Drain<'_, T, A> {}
// SAFETY: shared access only hands out `&[T]` and `&A`.
unsafe impl<T: Sync, A: Allocator + Sync> Sync for Drain<'_, T, A> {}

impl<T, A: Allocator> Iterator for Drain<'_, T, A> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        // SAFETY: each slot of `iter` is owned by the `Drain` and read out once.
        self.iter.next().map(|item| unsafe { ptr::read(item) })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

impl<T, A: Allocator> DoubleEndedIterator for Drain<'_, T, A> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        // SAFETY: as in `next`.
        self.iter.next_back().map(|item| unsafe { ptr::read(item) })
    }
}

impl<T, A: Allocator> ExactSizeIterator for Drain<'_, T, A> {}

impl<T, A: Allocator> FusedIterator for Drain<'_, T, A> {}

impl<T: fmt::Debug, A: Allocator> fmt::Debug for Drain<'_, T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Drain").field(&self.iter.as_slice()).finish()
    }
}

impl<T, A: Allocator> AsRef<[T]> for Drain<'_, T, A> {
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T, A: Allocator> Drop for Drain<'_, T, A> {
    fn drop(&mut self) {
        /// Moves the tail back even if dropping an unyielded item panics.
        struct MoveTail<'r, 'a, T, A: Allocator>(&'r mut Drain<'a, T, A>);

        impl<T, A: Allocator> Drop for MoveTail<'_, '_, T, A> {
            fn drop(&mut self) {
                let drain = &mut *self.0;
                if drain.tail_len == 0 {
                    return;
                }
                // SAFETY: the `Drain` holds the vector's unique borrow; the tail is
                // initialised and moves down to `vec.len`, within the buffer.
                unsafe {
                    let vec = drain.vec.as_mut();
                    let start = vec.len;
                    if drain.tail_start != start {
                        let base = vec.as_mut_ptr();
                        ptr::copy(base.add(drain.tail_start), base.add(start), drain.tail_len);
                    }
                    vec.len = start + drain.tail_len;
                }
            }
        }

        let unyielded = self.iter.len();
        let offset = self.unyielded_offset();
        self.iter = Default::default();
        // SAFETY: the `Drain` holds the vector's unique borrow. The slice is rebuilt from
        // the vector's own mutable pointer (not from the shared iterator), since it is
        // written to by the destructors.
        let remaining: *mut [T] = unsafe {
            ptr::slice_from_raw_parts_mut(self.vec.as_mut().as_mut_ptr().add(offset), unyielded)
        };
        let guard = MoveTail(self);
        // SAFETY: the unyielded items are initialised and owned by the `Drain`; the
        // iterator was emptied first, so they are dropped exactly once.
        unsafe { ptr::drop_in_place(remaining) };
        drop(guard);
    }
}

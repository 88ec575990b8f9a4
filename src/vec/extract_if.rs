//! [`ExtractIf`]: the iterator returned by [`Vec::extract_if`].

use core::fmt;
use core::ops::RangeBounds;
use core::ptr;

use super::Vec;
use crate::alloc::{Allocator, Global};
use crate::range::slice_range;

/// An iterator that removes the elements of a range that match a predicate, created by
/// [`Vec::extract_if`].
///
/// It visits the range front to back. A matching element is moved out and yielded; a
/// kept one is shifted left over the holes left by the extracted ones. When the iterator
/// is dropped (even while unwinding from a panicking predicate), everything not yet
/// visited is shifted left as well, so the vector ends up with the kept elements in order:
///
/// ```text
///   0 ... kept ...  idx - del  idx ...... unvisited ...... old_len
///   ├──────────────┤├─ holes ─┤├──────────────────────────────┤
///   vec.len = 0 while the iterator lives
/// ```
///
/// # Invariants
///
/// - the vector's length is 0 while the iterator lives;
/// - `0..idx - del` are kept elements, `idx - del..idx` are holes, `idx..old_len` are
///   initialised and not yet visited; `idx <= end <= old_len`.
///
/// # Examples
///
/// ```
/// use allockit::Vec;
///
/// let mut v = Vec::from([1, 2, 3, 4]);
/// let odd: Vec<i32> = v.extract_if(1.., |x| *x % 2 == 1).collect();
/// assert_eq!(odd, [3]);
/// assert_eq!(v, [1, 2, 4]);
/// ```
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct ExtractIf<'a, T, F, A: Allocator = Global> {
    vec: &'a mut Vec<T, A>,
    idx: usize,
    end: usize,
    del: usize,
    old_len: usize,
    pred: F,
}

impl<'a, T, F, A: Allocator> ExtractIf<'a, T, F, A> {
    #[track_caller]
    pub(super) fn new<R: RangeBounds<usize>>(vec: &'a mut Vec<T, A>, pred: F, range: R) -> Self {
        let old_len = vec.len();
        let range = slice_range(range, old_len);
        // Until the iterator is dropped the vector owns nothing, so a leaked iterator
        // leaks elements instead of exposing holes.
        vec.len = 0;
        ExtractIf { vec, idx: range.start, end: range.end, del: 0, old_len, pred }
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
    /// let it = v.extract_if(.., |_| true);
    /// let _: &Global = it.allocator();
    /// ```
    pub fn allocator(&self) -> &A {
        self.vec.allocator()
    }
}

impl<T, F, A> Iterator for ExtractIf<'_, T, F, A>
where
    F: FnMut(&mut T) -> bool,
    A: Allocator,
{
    type Item = T;

    fn next(&mut self) -> Option<T> {
        while self.idx < self.end {
            let i = self.idx;
            // SAFETY: `i < end <= old_len` is initialised and not yet visited.
            let current = unsafe { self.vec.as_mut_ptr().add(i) };
            // SAFETY: as above; the predicate gets the only reference.
            let extract = (self.pred)(unsafe { &mut *current });
            // Advance only after the predicate returned: if it panics, the element stays
            // unvisited and the destructor keeps it.
            self.idx += 1;
            if extract {
                self.del += 1;
                // SAFETY: the element is initialised; it becomes a hole.
                return Some(unsafe { ptr::read(current) });
            } else if self.del > 0 {
                // SAFETY: `i - del` is a hole, distinct from `i`.
                unsafe { ptr::copy_nonoverlapping(current, current.sub(self.del), 1) };
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.end - self.idx))
    }
}

impl<T, F, A: Allocator> Drop for ExtractIf<'_, T, F, A> {
    fn drop(&mut self) {
        if self.del > 0 && self.idx < self.old_len {
            // SAFETY: `idx..old_len` are initialised and move left over the `del` holes
            // just before them (`ptr::copy` allows overlap).
            unsafe {
                let src = self.vec.as_mut_ptr().add(self.idx);
                ptr::copy(src, src.sub(self.del), self.old_len - self.idx);
            }
        }
        self.vec.len = self.old_len - self.del;
    }
}

impl<T: fmt::Debug, F, A: Allocator> fmt::Debug for ExtractIf<'_, T, F, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SAFETY: `idx..old_len` are initialised and not yet visited.
        let unvisited = unsafe {
            core::slice::from_raw_parts(self.vec.as_ptr().add(self.idx), self.old_len - self.idx)
        };
        f.debug_struct("ExtractIf").field("unvisited", &unvisited).finish_non_exhaustive()
    }
}

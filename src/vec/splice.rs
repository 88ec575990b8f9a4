//! [`Splice`]: the iterator returned by [`Vec::splice`].

use core::fmt;
use core::iter::FusedIterator;

use super::Drain;
use crate::alloc::{Allocator, Global};

/// A splicing iterator for [`Vec`](super::Vec), created by [`Vec::splice`](super::Vec::splice).
///
/// It yields the removed elements; dropping it inserts the replacements. The gap left by
/// the removed range is filled first; if the replacements do not fit, the tail is moved
/// by the iterator's lower size bound, the gap filled again, and whatever is still left is
/// collected into a temporary vector so that the tail moves at most twice more:
///
/// ```text
///   before:  [ head | removed range | tail ]
///   fill:    [ head | r r r r r r r | tail ]        replacements fit the gap
///   grow:    [ head | r r r r r r r r r r | tail ]  tail moved by size_hint().0, then
///                                                   by the length of what is left
/// ```
///
/// # Invariants
///
/// As [`Drain`]'s; `replace_with` is only read after the drained items are gone.
///
/// # Examples
///
/// ```
/// use allockit::Vec;
///
/// let mut v = Vec::from([1, 2, 3]);
/// let removed: Vec<i32> = v.splice(..2, [9]).collect();
/// assert_eq!(removed, [1, 2]);
/// assert_eq!(v, [9, 3]);
/// ```
pub struct Splice<'a, I: Iterator + 'a, A: Allocator + 'a = Global> {
    drain: Drain<'a, I::Item, A>,
    replace_with: I,
}

impl<'a, I: Iterator, A: Allocator> Splice<'a, I, A> {
    pub(super) fn new(drain: Drain<'a, I::Item, A>, replace_with: I) -> Self {
        Splice { drain, replace_with }
    }
}

impl<I: Iterator, A: Allocator> Iterator for Splice<'_, I, A> {
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.drain.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.drain.size_hint()
    }
}

impl<I: Iterator, A: Allocator> DoubleEndedIterator for Splice<'_, I, A> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.drain.next_back()
    }
}

impl<I: Iterator, A: Allocator> ExactSizeIterator for Splice<'_, I, A> {}

impl<I: Iterator, A: Allocator> FusedIterator for Splice<'_, I, A> {}

impl<I, A> fmt::Debug for Splice<'_, I, A>
where
    I: Iterator + fmt::Debug,
    I::Item: fmt::Debug,
    A: Allocator,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Splice")
            .field("drain", &self.drain)
            .field("replace_with", &self.replace_with)
            .finish()
    }
}

impl<I: Iterator, A: Allocator> Drop for Splice<'_, I, A> {
    #[track_caller]
    fn drop(&mut self) {
        // Drop the removed elements nobody took. If one of those destructors panics, the
        // `Drain` field still moves the tail back when it is dropped during unwinding.
        self.drain.by_ref().for_each(drop);
        // From here on the drained range is a gap of holes `vec.len..tail_start`.
        self.drain.iter = Default::default();

        // SAFETY: `fill` and `move_tail` require the drained iterator to be empty, which it
        // is since just above; the `Drain` holds the vector's unique borrow for `as_mut`.
        unsafe {
            if self.drain.tail_len == 0 {
                // Nothing to move: append straight onto the vector.
                self.drain.vec.as_mut().extend(self.replace_with.by_ref());
                return;
            }
            if !self.drain.fill(&mut self.replace_with) {
                return;
            }
            // More replacements than the gap holds: make room for the lower bound...
            let (lower_bound, _) = self.replace_with.size_hint();
            if lower_bound > 0 {
                self.drain.move_tail(lower_bound);
                if !self.drain.fill(&mut self.replace_with) {
                    return;
                }
            }
            // ...and collect the rest to learn its exact length, so the tail moves once.
            let mut collected =
                self.replace_with.by_ref().collect::<alloc_crate::vec::Vec<I::Item>>().into_iter();
            if collected.len() > 0 {
                self.drain.move_tail(collected.len());
                let filled = self.drain.fill(&mut collected);
                debug_assert!(filled);
                debug_assert_eq!(collected.len(), 0);
            }
        }
        // The `Drain` field's destructor moves the tail back into place.
    }
}

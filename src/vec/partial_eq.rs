//! Comparisons: `Vec` against `Vec` (any two allocators), slices, arrays, `Cow` and std's
//! `Vec`, all by element, exactly like comparing the slices.

use alloc_crate::borrow::Cow;
use core::cmp::Ordering;

use super::Vec;
use crate::alloc::Allocator;

/// Implements `PartialEq<$rhs> for $lhs` by comparing both sides as slices.
macro_rules! impl_slice_eq {
    ([$($generics:tt)*] $lhs:ty, $rhs:ty $(where $($bounds:tt)*)?) => {
        impl<T, U, $($generics)*> PartialEq<$rhs> for $lhs
        where
            T: PartialEq<U>,
            $($($bounds)*)?
        {
            #[inline]
            fn eq(&self, other: &$rhs) -> bool {
                self[..] == other[..]
            }
        }
    };
}

impl_slice_eq! { [A1: Allocator, A2: Allocator] Vec<T, A1>, Vec<U, A2> }
impl_slice_eq! { [A: Allocator] Vec<T, A>, &[U] }
impl_slice_eq! { [A: Allocator] Vec<T, A>, &mut [U] }
impl_slice_eq! { [A: Allocator] &[T], Vec<U, A> }
impl_slice_eq! { [A: Allocator] &mut [T], Vec<U, A> }
impl_slice_eq! { [A: Allocator] Vec<T, A>, [U] }
impl_slice_eq! { [A: Allocator] [T], Vec<U, A> }
impl_slice_eq! { [A: Allocator] Cow<'_, [T]>, Vec<U, A> where T: Clone }
impl_slice_eq! { [A: Allocator, const N: usize] Vec<T, A>, [U; N] }
impl_slice_eq! { [A: Allocator, const N: usize] Vec<T, A>, &[U; N] }
impl_slice_eq! { [A: Allocator] Vec<T, A>, alloc_crate::vec::Vec<U> }
impl_slice_eq! { [A: Allocator] alloc_crate::vec::Vec<T>, Vec<U, A> }

impl<T: Eq, A: Allocator> Eq for Vec<T, A> {}

impl<T: PartialOrd, A1: Allocator, A2: Allocator> PartialOrd<Vec<T, A2>> for Vec<T, A1> {
    /// Lexicographic, as for slices.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert!(Vec::from([1, 2]) < Vec::from([1, 3]));
    /// assert!(Vec::from([1, 2]) > Vec::from([1]));
    /// ```
    #[inline]
    fn partial_cmp(&self, other: &Vec<T, A2>) -> Option<Ordering> {
        PartialOrd::partial_cmp(&**self, &**other)
    }
}

impl<T: Ord, A: Allocator> Ord for Vec<T, A> {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        Ord::cmp(&**self, &**other)
    }
}

//! Filling a vector from iterators: `Extend`, `FromIterator` and `from_iter_in`.
//!
//! Two paths, chosen by the iterator's size hint:
//!
//! - **exact** (`size_hint() == (n, Some(n))`, e.g. ranges, slices, `map` over them):
//!   reserve `n` once, then write without checking the capacity per element. The hint is
//!   not trusted for safety: at most `n` items are written on this path, and any items
//!   beyond are pushed by the general path.
//! - **general**: push one by one; when full, reserve the iterator's remaining lower
//!   bound plus one (std's rule), so capacities match std's.

use core::cmp;
use core::ptr;

use super::{SetLenOnDrop, Vec};
use crate::alloc::{Allocator, Global};
use crate::raw_vec::min_non_zero_cap;

impl<T, A: Allocator> Vec<T, A> {
    /// Collects an iterator into a new vector over `alloc`.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the vector cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let v = Vec::from_iter_in((1..=3).map(|x| x * x), Global);
    /// assert_eq!(v, [1, 4, 9]);
    /// ```
    #[track_caller]
    pub fn from_iter_in<I: IntoIterator<Item = T>>(iter: I, alloc: A) -> Self {
        let mut iter = iter.into_iter();
        let (lower, upper) = iter.size_hint();
        if upper == Some(lower) {
            let mut v = Vec::with_capacity_in(lower, alloc);
            v.extend_iter(iter);
            return v;
        }
        let Some(first) = iter.next() else {
            return Vec::new_in(alloc);
        };
        let (lower, _) = iter.size_hint();
        let capacity = cmp::max(min_non_zero_cap(size_of::<T>()), lower.saturating_add(1));
        let mut v = Vec::with_capacity_in(capacity, alloc);
        // SAFETY: the capacity is at least 1.
        unsafe { ptr::write(v.as_mut_ptr(), first) };
        v.len = 1;
        v.extend_desugared(iter);
        v
    }

    /// Appends every item of `iter`, choosing the exact or the general path.
    #[inline]
    #[track_caller]
    pub(super) fn extend_iter<I: Iterator<Item = T>>(&mut self, mut iter: I) {
        let (lower, upper) = iter.size_hint();
        if upper == Some(lower) && lower > 0 {
            self.reserve(lower);
            let base = self.as_mut_ptr();
            let mut len = SetLenOnDrop::new(&mut self.len);
            for item in iter.by_ref().take(lower) {
                // SAFETY: at most `lower` items are written and room for `lower` was
                // reserved.
                unsafe { ptr::write(base.add(len.current_len()), item) };
                len.increment_len(1);
            }
        }
        self.extend_desugared(iter);
    }

    /// The general path: push one by one, reserving the remaining lower bound when full.
    #[track_caller]
    fn extend_desugared<I: Iterator<Item = T>>(&mut self, mut iter: I) {
        while let Some(item) = iter.next() {
            let len = self.len;
            if len == self.capacity() {
                let (lower, _) = iter.size_hint();
                self.reserve(lower.saturating_add(1));
            }
            // SAFETY: `len < capacity` now.
            unsafe { ptr::write(self.as_mut_ptr().add(len), item) };
            self.len = len + 1;
        }
    }
}

impl<T, A: Allocator> Extend<T> for Vec<T, A> {
    /// Appends every item, reserving once when the iterator knows its length.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1]);
    /// v.extend([2, 3]);
    /// v.extend((4..10).filter(|x| x % 2 == 0));
    /// assert_eq!(v, [1, 2, 3, 4, 6, 8]);
    /// ```
    #[track_caller]
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.extend_iter(iter.into_iter());
    }
}

impl<'a, T: Copy + 'a, A: Allocator> Extend<&'a T> for Vec<T, A> {
    /// Copies every item; from a slice iterator this is one reservation and a copy loop
    /// the compiler turns into `memcpy`.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::from([1u8]);
    /// v.extend(&[2, 3]);
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[track_caller]
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend_iter(iter.into_iter().copied());
    }
}

impl<T> FromIterator<T> for Vec<T, Global> {
    /// Collects into a vector over the global allocator (see
    /// [`Vec::from_iter_in`] for other allocators).
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let v: Vec<i32> = (1..4).collect();
    /// assert_eq!(v, [1, 2, 3]);
    /// ```
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Vec::from_iter_in(iter, Global)
    }
}

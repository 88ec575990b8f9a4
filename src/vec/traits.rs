//! The everyday trait impls: `Deref` to a slice, indexing, iteration, `Clone`, `Hash`,
//! `Debug`, `Default`, `Drop` and (with `std`) `io::Write`.

use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::{Deref, DerefMut, Index, IndexMut};
use core::ptr;
use core::slice::{self, SliceIndex};

use super::{IntoIter, Vec};
use crate::alloc::Allocator;

impl<T, A: Allocator> Deref for Vec<T, A> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T, A: Allocator> DerefMut for Vec<T, A> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T, I: SliceIndex<[T]>, A: Allocator> Index<I> for Vec<T, A> {
    type Output = I::Output;

    #[inline]
    #[track_caller]
    fn index(&self, index: I) -> &Self::Output {
        Index::index(&**self, index)
    }
}

impl<T, I: SliceIndex<[T]>, A: Allocator> IndexMut<I> for Vec<T, A> {
    #[inline]
    #[track_caller]
    fn index_mut(&mut self, index: I) -> &mut Self::Output {
        IndexMut::index_mut(&mut **self, index)
    }
}

impl<T: Clone, A: Allocator + Clone> Clone for Vec<T, A> {
    /// A vector with the same elements (cloned in order), capacity equal to the length,
    /// in a clone of the allocator.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::with_capacity(10);
    /// v.push(1);
    /// let w = v.clone();
    /// assert_eq!((w.len(), w.capacity()), (1, 1));
    /// ```
    #[track_caller]
    fn clone(&self) -> Self {
        let mut v = Vec::with_capacity_in(self.len(), self.allocator().clone());
        v.extend_from_slice(self);
        v
    }

    /// Reuses `self`'s buffer: truncates, clones over the common prefix, then appends the
    /// rest.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let mut v = Vec::with_capacity(10);
    /// v.clone_from(&Vec::from([1, 2]));
    /// assert_eq!((v.len(), v.capacity()), (2, 10));
    /// ```
    #[track_caller]
    fn clone_from(&mut self, source: &Self) {
        self.truncate(source.len());
        let (prefix, rest) = source.split_at(self.len());
        self.clone_from_slice(prefix);
        self.extend_from_slice(rest);
    }
}

impl<T: Hash, A: Allocator> Hash for Vec<T, A> {
    /// Hashes exactly like the slice `&v[..]`, so a `Vec` key can be looked up by slice.
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        Hash::hash(&**self, state);
    }
}

impl<T: fmt::Debug, A: Allocator> fmt::Debug for Vec<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T, A: Allocator + Default> Default for Vec<T, A> {
    /// An empty vector in the allocator's default value.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let v: Vec<u8> = Default::default();
    /// assert!(v.is_empty());
    /// ```
    fn default() -> Self {
        Vec::new_in(A::default())
    }
}

impl<T, A: Allocator> IntoIterator for Vec<T, A> {
    type Item = T;
    type IntoIter = IntoIter<T, A>;

    /// Moves the elements out, front to back.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let v = Vec::from([String::from("a"), String::from("b")]);
    /// let joined: String = v.into_iter().collect();
    /// assert_eq!(joined, "ab");
    /// ```
    #[inline]
    fn into_iter(self) -> IntoIter<T, A> {
        IntoIter::new(self)
    }
}

impl<'a, T, A: Allocator> IntoIterator for &'a Vec<T, A> {
    type Item = &'a T;
    type IntoIter = slice::Iter<'a, T>;

    #[inline]
    fn into_iter(self) -> slice::Iter<'a, T> {
        self.iter()
    }
}

impl<'a, T, A: Allocator> IntoIterator for &'a mut Vec<T, A> {
    type Item = &'a mut T;
    type IntoIter = slice::IterMut<'a, T>;

    #[inline]
    fn into_iter(self) -> slice::IterMut<'a, T> {
        self.iter_mut()
    }
}

impl<T, A: Allocator> Vec<T, A> {
    /// Drops the elements front to back; the `RawVec` field frees the block afterwards.
    #[inline]
    fn drop_elements(&mut self) {
        // SAFETY: the first `len` elements are initialised and owned; the vector is being
        // dropped, so they are never used again. If a destructor panics, the slice drop
        // glue still drops the others, and the block is freed by `RawVec`'s destructor.
        unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.as_mut_ptr(), self.len)) }
    }
}

#[cfg(feature = "nightly")]
// SAFETY: dropping a `Vec` only drops its `T`s (through their own destructors) and frees
// the block; it never reads borrowed data inside `T` otherwise.
unsafe impl<#[may_dangle] T, A: Allocator> Drop for Vec<T, A> {
    fn drop(&mut self) {
        self.drop_elements();
    }
}

#[cfg(not(feature = "nightly"))]
impl<T, A: Allocator> Drop for Vec<T, A> {
    fn drop(&mut self) {
        self.drop_elements();
    }
}

#[cfg(feature = "std")]
impl<A: Allocator> std::io::Write for Vec<u8, A> {
    /// Appends all of `buf`; never fails (short of an allocation failure, which aborts).
    ///
    /// ```
    /// use allockit::Vec;
    /// use std::io::Write;
    ///
    /// let mut v = Vec::new();
    /// write!(v, "{}-{}", 1, 2).unwrap();
    /// assert_eq!(v, b"1-2");
    /// ```
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        let len = bufs.iter().map(|b| b.len()).sum();
        self.reserve(len);
        for buf in bufs {
            self.extend_from_slice(buf);
        }
        Ok(len)
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.extend_from_slice(buf);
        Ok(())
    }

    #[inline]
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

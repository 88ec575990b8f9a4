//! The traits a `Box` forwards to its value, as std's `Box` does: `Deref`, `Clone`,
//! formatting, comparisons, hashing, `Default`, the `AsRef`/`Borrow` family, iterators,
//! `Error` and `Future`.

use core::borrow::{Borrow, BorrowMut};
use core::cmp::Ordering;
use core::fmt;
use core::future::Future;
use core::hash::{Hash, Hasher};
use core::iter::FusedIterator;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::task::{Context, Poll};

use super::Box;
use crate::alloc::Allocator;

impl<T: ?Sized, A: Allocator> Deref for Box<T, A> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: by the invariants `ptr` points to a valid value owned by the box, and
        // the shared borrow of the box keeps it from being mutated or freed.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T: ?Sized, A: Allocator> DerefMut for Box<T, A> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: by the invariants `ptr` points to a valid value owned uniquely by the
        // box, and the unique borrow of the box makes this the only access.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T: Clone, A: Allocator + Clone> Clone for Box<T, A> {
    /// A new box, in a clone of the allocator, holding a clone of the value.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let a = Box::new(vec![1]);
    /// let b = a.clone();
    /// assert_eq!(a, b);
    /// ```
    #[inline]
    fn clone(&self) -> Self {
        // Allocate first, as std does: if `clone` panics, the uninitialised box is
        // freed and nothing else happened.
        let uninit = Box::new_uninit_in(self.alloc.clone());
        Box::write(uninit, (**self).clone())
    }

    /// Clones into the existing value, reusing the box's memory.
    #[inline]
    fn clone_from(&mut self, source: &Self) {
        (**self).clone_from(&**source);
    }
}

impl<T: Clone, A: Allocator + Clone> Clone for Box<[T], A> {
    /// A new boxed slice, in a clone of the allocator, holding clones of the elements.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let a: Box<[String]> = Box::from(["x".to_string()]);
    /// assert_eq!(a.clone(), a);
    /// ```
    fn clone(&self) -> Self {
        Box::clone_from_slice_in(self, self.alloc.clone())
    }

    /// Clones into the existing slice when the lengths agree; otherwise makes a new one.
    fn clone_from(&mut self, source: &Self) {
        if self.len() == source.len() {
            self.clone_from_slice(source);
        } else {
            *self = source.clone();
        }
    }
}

impl<A: Allocator + Clone> Clone for Box<str, A> {
    /// A new boxed string, in a clone of the allocator.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let a: Box<str> = Box::from("s");
    /// assert_eq!(a.clone(), a);
    /// ```
    fn clone(&self) -> Self {
        let bytes = Box::clone_from_slice_in(self.as_bytes(), self.alloc.clone());
        // SAFETY: the bytes were copied from a `str`, so they are UTF-8.
        unsafe { Box::from_boxed_utf8_unchecked(bytes) }
    }
}

impl<T: Default, A: Allocator + Default> Default for Box<T, A> {
    /// A box holding `T::default()`, in `A::default()`.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<u8> = Box::default();
    /// assert_eq!(*b, 0);
    /// ```
    #[inline]
    fn default() -> Self {
        Box::new_in(T::default(), A::default())
    }
}

impl<T, A: Allocator + Default> Default for Box<[T], A> {
    /// An empty boxed slice; it does not allocate.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<[u8]> = Box::default();
    /// assert!(b.is_empty());
    /// ```
    #[inline]
    fn default() -> Self {
        let empty = ptr::slice_from_raw_parts_mut(NonNull::<T>::dangling().as_ptr(), 0);
        // SAFETY: an empty slice has size 0, so a dangling, aligned pointer owns no
        // memory and is a valid `[T]` of length 0.
        unsafe { Box::from_raw_in(empty, A::default()) }
    }
}

impl<A: Allocator + Default> Default for Box<str, A> {
    /// An empty boxed string; it does not allocate.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<str> = Box::default();
    /// assert_eq!(&*b, "");
    /// ```
    #[inline]
    fn default() -> Self {
        // SAFETY: an empty byte slice is valid UTF-8.
        unsafe { Box::from_boxed_utf8_unchecked(Box::<[u8], A>::default()) }
    }
}

impl<T: ?Sized + fmt::Debug, A: Allocator> fmt::Debug for Box<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display, A: Allocator> fmt::Display for Box<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, A: Allocator> fmt::Pointer for Box<T, A> {
    /// Formats the address of the value (not of the box).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&self.ptr, f)
    }
}

impl<T: ?Sized + PartialEq, A: Allocator> PartialEq for Box<T, A> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: ?Sized + Eq, A: Allocator> Eq for Box<T, A> {}

impl<T: ?Sized + PartialOrd, A: Allocator> PartialOrd for Box<T, A> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (**self).partial_cmp(&**other)
    }
    #[inline]
    fn lt(&self, other: &Self) -> bool {
        **self < **other
    }
    #[inline]
    fn le(&self, other: &Self) -> bool {
        **self <= **other
    }
    #[inline]
    fn gt(&self, other: &Self) -> bool {
        **self > **other
    }
    #[inline]
    fn ge(&self, other: &Self) -> bool {
        **self >= **other
    }
}

impl<T: ?Sized + Ord, A: Allocator> Ord for Box<T, A> {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        (**self).cmp(&**other)
    }
}

impl<T: ?Sized + Hash, A: Allocator> Hash for Box<T, A> {
    /// Hashes the value, so a box hashes like its value (and like std's `Box`).
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl<T: ?Sized, A: Allocator> AsRef<T> for Box<T, A> {
    #[inline]
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T: ?Sized, A: Allocator> AsMut<T> for Box<T, A> {
    #[inline]
    fn as_mut(&mut self) -> &mut T {
        self
    }
}

impl<T: ?Sized, A: Allocator> Borrow<T> for Box<T, A> {
    #[inline]
    fn borrow(&self) -> &T {
        self
    }
}

impl<T: ?Sized, A: Allocator> BorrowMut<T> for Box<T, A> {
    #[inline]
    fn borrow_mut(&mut self) -> &mut T {
        self
    }
}

impl<I: Iterator + ?Sized, A: Allocator> Iterator for Box<I, A> {
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        (**self).next()
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (**self).size_hint()
    }
    #[inline]
    fn nth(&mut self, n: usize) -> Option<I::Item> {
        (**self).nth(n)
    }
}

impl<I: DoubleEndedIterator + ?Sized, A: Allocator> DoubleEndedIterator for Box<I, A> {
    #[inline]
    fn next_back(&mut self) -> Option<I::Item> {
        (**self).next_back()
    }
    #[inline]
    fn nth_back(&mut self, n: usize) -> Option<I::Item> {
        (**self).nth_back(n)
    }
}

impl<I: ExactSizeIterator + ?Sized, A: Allocator> ExactSizeIterator for Box<I, A> {
    #[inline]
    fn len(&self) -> usize {
        (**self).len()
    }
}

impl<I: FusedIterator + ?Sized, A: Allocator> FusedIterator for Box<I, A> {}

impl<T: core::error::Error + ?Sized, A: Allocator> core::error::Error for Box<T, A> {
    #[allow(deprecated)]
    fn description(&self) -> &str {
        (**self).description()
    }

    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        (**self).source()
    }
}

impl<F: Future + Unpin + ?Sized, A: Allocator> Future for Box<F, A> {
    type Output = F::Output;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        F::poll(Pin::new(&mut **self), cx)
    }
}

/// A box never moves its value when the box itself moves, so pinning the box does not
/// pin anything: `Box<T, A>` is `Unpin` whatever `T` is, as in std.
impl<T: ?Sized, A: Allocator> Unpin for Box<T, A> {}

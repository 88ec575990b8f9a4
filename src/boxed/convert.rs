//! Conversions: values, slices, strings, arrays, `Vec`, iterators, `Pin`, and std's `Box`.

use core::pin::Pin;

use super::Box;
use crate::alloc::{Allocator, Global};
use crate::vec::Vec;

impl<T> From<T> for Box<T> {
    /// Moves the value to the heap ([`Box::new`]).
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<i32> = Box::from(5);
    /// assert_eq!(*b, 5);
    /// ```
    fn from(value: T) -> Self {
        Box::new(value)
    }
}

impl<T: Clone> From<&[T]> for Box<[T]> {
    /// Clones the elements into a new boxed slice.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<[u8]> = Box::from(&[1, 2][..]);
    /// assert_eq!(*b, [1, 2]);
    /// ```
    #[track_caller]
    fn from(slice: &[T]) -> Self {
        Box::clone_from_slice_in(slice, Global)
    }
}

impl From<&str> for Box<str> {
    /// Copies the string into a new boxed string.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<str> = Box::from("text");
    /// assert_eq!(&*b, "text");
    /// ```
    #[track_caller]
    fn from(s: &str) -> Self {
        let bytes = Box::<[u8]>::from(s.as_bytes());
        // SAFETY: the bytes were copied from a `str`, so they are UTF-8.
        unsafe { Box::from_boxed_utf8_unchecked(bytes) }
    }
}

impl<T, const N: usize> From<[T; N]> for Box<[T]> {
    /// Moves the array to the heap as a boxed slice.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<[i32]> = Box::from([1, 2, 3]);
    /// assert_eq!(b.len(), 3);
    /// ```
    fn from(array: [T; N]) -> Self {
        let (ptr, alloc) = Box::into_raw_with_allocator(Box::new(array));
        // The compiler unsizes the pointer: `[T; N]` to `[T]` of length `N`.
        let ptr: *mut [T] = ptr;
        // SAFETY: the parts come from a `Box<[T; N]>`, and `[T]` of length `N` has the
        // layout of `[T; N]`.
        unsafe { Box::from_raw_in(ptr, alloc) }
    }
}

impl<T, A: Allocator> From<Vec<T, A>> for Box<[T], A> {
    /// [`Vec::into_boxed_slice`].
    ///
    /// ```
    /// use allockit::{Box, vec};
    ///
    /// let b: Box<[i32]> = Box::from(vec![1, 2]);
    /// assert_eq!(*b, [1, 2]);
    /// ```
    #[track_caller]
    fn from(v: Vec<T, A>) -> Self {
        v.into_boxed_slice()
    }
}

impl<T, A: Allocator> From<Box<[T], A>> for Vec<T, A> {
    /// [`Box::into_vec`]: no copy, no reallocation.
    ///
    /// ```
    /// use allockit::{Box, Vec};
    ///
    /// let v = Vec::from(Box::<[i32]>::from([1, 2]));
    /// assert_eq!(v, [1, 2]);
    /// ```
    fn from(b: Box<[T], A>) -> Self {
        b.into_vec()
    }
}

impl<A: Allocator> From<Box<str, A>> for Box<[u8], A> {
    /// [`Box::into_boxed_bytes`].
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<[u8]> = Box::from(Box::<str>::from("ab"));
    /// assert_eq!(*b, *b"ab");
    /// ```
    fn from(s: Box<str, A>) -> Self {
        s.into_boxed_bytes()
    }
}

impl<T> FromIterator<T> for Box<[T]> {
    /// Collects into a `Vec`, then shrinks it into a boxed slice.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<[u32]> = (1..=3).collect();
    /// assert_eq!(*b, [1, 2, 3]);
    /// ```
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        iter.into_iter().collect::<Vec<T>>().into_boxed_slice()
    }
}

impl<T: ?Sized, A: Allocator + 'static> From<Box<T, A>> for Pin<Box<T, A>> {
    /// [`Box::into_pin`].
    ///
    /// ```
    /// use allockit::Box;
    /// use core::pin::Pin;
    ///
    /// let p: Pin<Box<i32>> = Pin::from(Box::new(1));
    /// assert_eq!(*p, 1);
    /// ```
    fn from(b: Box<T, A>) -> Self {
        Box::into_pin(b)
    }
}

impl<T: ?Sized> From<alloc_crate::boxed::Box<T>> for Box<T, Global> {
    /// Takes over a `std` box: same block, no copy. Both allocate from the global
    /// allocator with the value's layout and never allocate values of size 0.
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b: Box<[i32]> = Box::from(std::boxed::Box::from([1, 2]) as std::boxed::Box<[i32]>);
    /// assert_eq!(*b, [1, 2]);
    /// ```
    fn from(b: alloc_crate::boxed::Box<T>) -> Self {
        let raw = alloc_crate::boxed::Box::into_raw(b);
        // SAFETY: std's `Box<T>` upholds our invariants for `Global`: a non-null,
        // aligned pointer to a valid value, allocated from the global allocator with
        // `Layout::for_value` unless its size is 0. `Global` allocates from that same
        // global allocator.
        unsafe { Box::from_raw(raw) }
    }
}

impl<T: ?Sized> Box<T, Global> {
    /// Hands the value over to a `std` box: same block, no copy.
    ///
    /// This is also how to call a `Box<dyn FnOnce()>` on stable, where allockit's `Box`
    /// cannot implement the `Fn` traits (see [`unsize_box!`](crate::unsize_box)).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, unsize_box};
    ///
    /// let s = String::from("moved in");
    /// let f: Box<dyn FnOnce() -> String> = unsize_box!(Box::new(move || s));
    /// assert_eq!(Box::into_std(f)(), "moved in");
    /// ```
    pub fn into_std(b: Self) -> alloc_crate::boxed::Box<T> {
        let raw = Box::into_raw(b);
        // SAFETY: our invariants for `Global` are std's `Box<T>` invariants: the value is
        // valid and, unless its size is 0, allocated from the global allocator (which
        // `Global` uses) with `Layout::for_value`.
        unsafe { alloc_crate::boxed::Box::from_raw(raw) }
    }
}

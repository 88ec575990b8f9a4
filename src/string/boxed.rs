//! `String<A>` and `Box<str, A>`: conversions in both directions, without copying
//! (beyond the shrink that drops spare capacity).

use super::String;
use crate::alloc::Allocator;
use crate::boxed::Box;

impl<A: Allocator> String<A> {
    /// Converts into a boxed `str`, dropping the spare capacity (through
    /// [`Allocator::shrink`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, String};
    ///
    /// let mut s = String::with_capacity(16);
    /// s.push_str("hello");
    /// let b: Box<str> = s.into_boxed_str();
    /// assert_eq!(&*b, "hello");
    /// ```
    #[must_use = "`self` will be dropped if the result is not used"]
    #[track_caller]
    pub fn into_boxed_str(self) -> Box<str, A> {
        let bytes = self.into_bytes().into_boxed_slice();
        // SAFETY: the bytes come from a `String`, so they are UTF-8.
        unsafe { Box::from_boxed_utf8_unchecked(bytes) }
    }
}

impl<A: Allocator> From<String<A>> for Box<str, A> {
    /// Same as [`String::into_boxed_str`].
    ///
    /// ```
    /// use allockit::{Box, String};
    ///
    /// let b: Box<str> = Box::from(String::from("hi"));
    /// assert_eq!(&*b, "hi");
    /// ```
    #[track_caller]
    fn from(s: String<A>) -> Self {
        s.into_boxed_str()
    }
}

impl<A: Allocator> From<Box<str, A>> for String<A> {
    /// Takes over the boxed string's block; the capacity equals the length.
    ///
    /// ```
    /// use allockit::{Box, String};
    ///
    /// let s = String::from(Box::<str>::from("hi"));
    /// assert_eq!((s.as_str(), s.capacity()), ("hi", 2));
    /// ```
    fn from(b: Box<str, A>) -> Self {
        let bytes = b.into_boxed_bytes().into_vec();
        // SAFETY: the bytes come from a `str`, so they are UTF-8.
        unsafe { String::from_utf8_unchecked(bytes) }
    }
}

impl<A: Allocator, B: Allocator> Extend<Box<str, B>> for String<A> {
    /// Appends each boxed string.
    ///
    /// ```
    /// use allockit::{Box, String};
    ///
    /// let mut s = String::new();
    /// s.extend([Box::<str>::from("a"), Box::from("b")]);
    /// assert_eq!(s, "ab");
    /// ```
    fn extend<I: IntoIterator<Item = Box<str, B>>>(&mut self, iter: I) {
        iter.into_iter().for_each(move |s| self.push_str(&s));
    }
}

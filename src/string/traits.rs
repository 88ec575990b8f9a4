//! The standard traits of `String<A>`: deref to `str`, indexing, cloning, hashing,
//! formatting, operators, `Extend`/`FromIterator` and the conversions.

use alloc_crate::borrow::Cow;
use core::borrow::{Borrow, BorrowMut};
use core::convert::Infallible;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::{Add, AddAssign, Deref, DerefMut, Index, IndexMut};
use core::slice::SliceIndex;
use core::str::FromStr;

use super::String;
use crate::alloc::{Allocator, Global};
use crate::vec::Vec;

type StdString = alloc_crate::string::String;

impl<A: Allocator> Deref for String<A> {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<A: Allocator> DerefMut for String<A> {
    #[inline]
    fn deref_mut(&mut self) -> &mut str {
        self.as_mut_str()
    }
}

impl<A: Allocator, I: SliceIndex<str>> Index<I> for String<A> {
    type Output = I::Output;

    /// Indexes the `str`, with its panics.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let s = String::from("héllo");
    /// assert_eq!(&s[3..], "llo");
    /// ```
    #[inline]
    #[track_caller]
    fn index(&self, index: I) -> &I::Output {
        &self.as_str()[index]
    }
}

impl<A: Allocator, I: SliceIndex<str>> IndexMut<I> for String<A> {
    #[inline]
    #[track_caller]
    fn index_mut(&mut self, index: I) -> &mut I::Output {
        &mut self.as_mut_str()[index]
    }
}

impl<A: Allocator + Clone> Clone for String<A> {
    /// A copy with capacity equal to the length, in a clone of the allocator.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::with_capacity(10);
    /// s.push_str("ab");
    /// assert_eq!(s.clone().capacity(), 2);
    /// ```
    #[track_caller]
    fn clone(&self) -> Self {
        String { vec: self.vec.clone() }
    }

    /// Reuses `self`'s buffer.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::with_capacity(10);
    /// s.clone_from(&String::from("ab"));
    /// assert_eq!((s.as_str(), s.capacity()), ("ab", 10));
    /// ```
    #[track_caller]
    fn clone_from(&mut self, source: &Self) {
        self.vec.clone_from(&source.vec);
    }
}

impl<A: Allocator + Default> Default for String<A> {
    /// An empty string in `A::default()`.
    #[inline]
    fn default() -> Self {
        String::new_in(A::default())
    }
}

impl<A: Allocator> Hash for String<A> {
    /// Hashes exactly like the `str`, so a `String` key can be looked up by `&str`.
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl<A: Allocator> fmt::Debug for String<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<A: Allocator> fmt::Display for String<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl<A: Allocator> fmt::Write for String<A> {
    /// Appends `s`; never fails (an allocation failure aborts, as in `push_str`).
    ///
    /// ```
    /// use allockit::String;
    /// use core::fmt::Write;
    ///
    /// let mut s = String::new();
    /// write!(s, "{}-{:>3}", 1, 2).unwrap();
    /// assert_eq!(s, "1-  2");
    /// ```
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }

    #[inline]
    fn write_char(&mut self, c: char) -> fmt::Result {
        self.push(c);
        Ok(())
    }
}

impl<A: Allocator> Add<&str> for String<A> {
    type Output = String<A>;

    /// Appends `other`, reusing `self`'s buffer.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::from("a") + "b", "ab");
    /// ```
    #[inline]
    #[track_caller]
    fn add(mut self, other: &str) -> String<A> {
        self.push_str(other);
        self
    }
}

impl<A: Allocator> AddAssign<&str> for String<A> {
    #[inline]
    #[track_caller]
    fn add_assign(&mut self, other: &str) {
        self.push_str(other);
    }
}

impl<A: Allocator> Extend<char> for String<A> {
    /// Reserves the iterator's lower size bound, then pushes each `char`.
    #[track_caller]
    fn extend<I: IntoIterator<Item = char>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.reserve(iter.size_hint().0);
        iter.for_each(|c| self.push(c));
    }
}

impl<'a, A: Allocator> Extend<&'a char> for String<A> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = &'a char>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied());
    }
}

impl<'a, A: Allocator> Extend<&'a str> for String<A> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = &'a str>>(&mut self, iter: I) {
        iter.into_iter().for_each(|s| self.push_str(s));
    }
}

impl<A: Allocator, B: Allocator> Extend<String<B>> for String<A> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = String<B>>>(&mut self, iter: I) {
        iter.into_iter().for_each(|s| self.push_str(&s));
    }
}

impl<A: Allocator> Extend<StdString> for String<A> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = StdString>>(&mut self, iter: I) {
        iter.into_iter().for_each(|s| self.push_str(&s));
    }
}

impl<'a, A: Allocator> Extend<Cow<'a, str>> for String<A> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = Cow<'a, str>>>(&mut self, iter: I) {
        iter.into_iter().for_each(|s| self.push_str(&s));
    }
}

/// `FromIterator` for `String<Global>`: an empty string extended by the iterator.
macro_rules! from_iter_via_extend {
    ($([$($gen:tt)*] $item:ty),* $(,)?) => {$(
        impl<$($gen)*> FromIterator<$item> for String {
            #[track_caller]
            fn from_iter<I: IntoIterator<Item = $item>>(iter: I) -> String {
                let mut s = String::new();
                s.extend(iter);
                s
            }
        }
    )*};
}

from_iter_via_extend! {
    [] char,
    ['a] &'a char,
    ['a] &'a str,
    [B: Allocator] String<B>,
    [] StdString,
    ['a] Cow<'a, str>,
}

impl<A: Allocator> Borrow<str> for String<A> {
    #[inline]
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl<A: Allocator> BorrowMut<str> for String<A> {
    #[inline]
    fn borrow_mut(&mut self) -> &mut str {
        self.as_mut_str()
    }
}

impl<A: Allocator> AsRef<str> for String<A> {
    #[inline]
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<A: Allocator> AsMut<str> for String<A> {
    #[inline]
    fn as_mut(&mut self) -> &mut str {
        self.as_mut_str()
    }
}

impl<A: Allocator> AsRef<[u8]> for String<A> {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl FromStr for String {
    type Err = Infallible;

    /// A copy of `s`; never fails.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let s: String = "abc".parse().unwrap();
    /// assert_eq!(s, "abc");
    /// ```
    #[inline]
    fn from_str(s: &str) -> Result<String, Infallible> {
        Ok(String::from(s))
    }
}

impl From<&str> for String {
    /// A copy of `s`, with capacity equal to its length.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::from("hi").capacity(), 2);
    /// ```
    #[inline]
    #[track_caller]
    fn from(s: &str) -> String {
        String::from_str_in(s, Global)
    }
}

impl From<&mut str> for String {
    #[inline]
    #[track_caller]
    fn from(s: &mut str) -> String {
        String::from_str_in(s, Global)
    }
}

impl From<&String> for String {
    #[inline]
    #[track_caller]
    fn from(s: &String) -> String {
        s.clone()
    }
}

impl From<&StdString> for String {
    #[inline]
    #[track_caller]
    fn from(s: &StdString) -> String {
        String::from_str_in(s, Global)
    }
}

impl From<char> for String {
    /// The one-`char` string.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::from('é'), "é");
    /// ```
    #[inline]
    #[track_caller]
    fn from(c: char) -> String {
        String::from_str_in(c.encode_utf8(&mut [0; 4]), Global)
    }
}

impl<'a> From<Cow<'a, str>> for String {
    /// Copies a borrowed `Cow`; takes over an owned one without copying.
    ///
    /// ```
    /// use allockit::String;
    /// use std::borrow::Cow;
    ///
    /// assert_eq!(String::from(Cow::Borrowed("a")), "a");
    /// assert_eq!(String::from(Cow::<str>::Owned("b".to_owned())), "b");
    /// ```
    #[track_caller]
    fn from(s: Cow<'a, str>) -> String {
        match s {
            Cow::Borrowed(s) => String::from(s),
            Cow::Owned(s) => String::from(s),
        }
    }
}

impl From<StdString> for String {
    /// Takes over std's string without copying: same block, length and capacity.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let theirs = std::string::String::from("abc");
    /// let ptr = theirs.as_ptr();
    /// let ours = String::from(theirs);
    /// assert_eq!(ours.as_ptr(), ptr);
    /// ```
    #[inline]
    fn from(s: StdString) -> String {
        // Zero-copy: the block changes hands through `Vec`'s conversion from std's `Vec`.
        // SAFETY: the bytes come from a std `String`, so they are UTF-8.
        unsafe { String::from_utf8_unchecked(Vec::from(s.into_bytes())) }
    }
}

impl From<String> for StdString {
    /// Gives the block to std's string without copying.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let ours = String::from("abc");
    /// let ptr = ours.as_ptr();
    /// let theirs: std::string::String = ours.into();
    /// assert_eq!(theirs.as_ptr(), ptr);
    /// ```
    #[inline]
    fn from(s: String) -> StdString {
        // Zero-copy: the block changes hands through `Vec`'s conversion to std's `Vec`.
        // SAFETY: the bytes come from our `String`, so they are UTF-8.
        unsafe { StdString::from_utf8_unchecked(s.into_bytes().into()) }
    }
}

impl<A: Allocator> From<String<A>> for Vec<u8, A> {
    /// The string's bytes, without copying.
    ///
    /// ```
    /// use allockit::{String, Vec};
    ///
    /// let v: Vec<u8> = String::from("ab").into();
    /// assert_eq!(v, b"ab");
    /// ```
    #[inline]
    fn from(s: String<A>) -> Vec<u8, A> {
        s.into_bytes()
    }
}

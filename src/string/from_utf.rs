//! Strings from UTF-8 and UTF-16 input, and the errors for invalid input.

use core::fmt;
use core::str::Utf8Error;

use super::String;
use crate::alloc::{Allocator, Global};
use crate::vec::Vec;

/// The error of [`String::from_utf8`]: the bytes were not UTF-8. It gives them back.
///
/// # Examples
///
/// ```
/// use allockit::{String, Vec};
///
/// let err = String::from_utf8(Vec::from(&[b'a', 0xFF][..])).unwrap_err();
/// assert_eq!(err.utf8_error().valid_up_to(), 1);
/// assert_eq!(err.to_string(), "invalid utf-8 sequence of 1 bytes from index 1");
/// assert_eq!(err.into_bytes(), [b'a', 0xFF]);
/// ```
pub struct FromUtf8Error<A: Allocator = Global> {
    bytes: Vec<u8, A>,
    error: Utf8Error,
}

/// The error of [`String::from_utf16`]: the input held a lone surrogate.
///
/// # Examples
///
/// ```
/// use allockit::String;
///
/// let err = String::from_utf16(&[0xD800]).unwrap_err();
/// assert_eq!(err.to_string(), "invalid utf-16: lone surrogate found");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct FromUtf16Error(());

impl<A: Allocator> FromUtf8Error<A> {
    /// The bytes that were not UTF-8.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{String, Vec};
    ///
    /// let err = String::from_utf8(Vec::from(&[0xC3][..])).unwrap_err();
    /// assert_eq!(err.as_bytes(), [0xC3]);
    /// ```
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes that were not UTF-8, given back without copying.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{String, Vec};
    ///
    /// let bytes = Vec::from(&[0xC3][..]);
    /// let ptr = bytes.as_ptr();
    /// let back = String::from_utf8(bytes).unwrap_err().into_bytes();
    /// assert_eq!(back.as_ptr(), ptr);
    /// ```
    #[must_use = "`self` will be dropped if the result is not used"]
    pub fn into_bytes(self) -> Vec<u8, A> {
        self.bytes
    }

    /// Where and why the conversion failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{String, Vec};
    ///
    /// let err = String::from_utf8(Vec::from(&b"ab\xFF"[..])).unwrap_err();
    /// assert_eq!(err.utf8_error().valid_up_to(), 2);
    /// ```
    #[must_use]
    pub fn utf8_error(&self) -> Utf8Error {
        self.error
    }
}

impl<A: Allocator> fmt::Debug for FromUtf8Error<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FromUtf8Error")
            .field("bytes", &self.bytes)
            .field("error", &self.error)
            .finish()
    }
}

impl<A: Allocator> fmt::Display for FromUtf8Error<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<A: Allocator> core::error::Error for FromUtf8Error<A> {}

impl<A: Allocator + Clone> Clone for FromUtf8Error<A> {
    fn clone(&self) -> Self {
        FromUtf8Error { bytes: self.bytes.clone(), error: self.error }
    }
}

impl<A: Allocator> PartialEq for FromUtf8Error<A> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes && self.error == other.error
    }
}

impl<A: Allocator> Eq for FromUtf8Error<A> {}

impl fmt::Debug for FromUtf16Error {
    /// The same text as recent std's: `FromUtf16Error { kind: LoneSurrogate }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FromUtf16Error").field("kind", &format_args!("LoneSurrogate")).finish()
    }
}

impl fmt::Display for FromUtf16Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("invalid utf-16: lone surrogate found")
    }
}

impl core::error::Error for FromUtf16Error {}

impl String {
    /// A string from UTF-8 bytes, with every invalid sequence replaced by U+FFFD (`�`).
    ///
    /// Unlike std's, which returns a `Cow<str>` borrowing valid input, this always returns
    /// an owned string (with capacity `v.len()`, like std's owned case); use
    /// [`core::str::from_utf8`] to borrow valid input without allocating.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::from_utf8_lossy(b"Hello \xF0\x90\x80World"), "Hello �World");
    /// ```
    #[must_use]
    #[track_caller]
    pub fn from_utf8_lossy(v: &[u8]) -> String {
        Self::from_utf8_lossy_in(v, Global)
    }

    /// A string from UTF-16 code units.
    ///
    /// # Errors
    ///
    /// [`FromUtf16Error`] if `v` holds a lone surrogate.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let music = [0xD834, 0xDD1E, 0x006d, 0x0075, 0x0073, 0x0069, 0x0063];
    /// assert_eq!(String::from_utf16(&music).unwrap(), "𝄞music");
    /// ```
    #[track_caller]
    pub fn from_utf16(v: &[u16]) -> Result<String, FromUtf16Error> {
        Self::from_utf16_in(v, Global)
    }

    /// A string from UTF-16 code units, with every lone surrogate replaced by U+FFFD.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let v = [0xD834, 0xDD1E, 0x006d, 0xDD1E, 0x0069];
    /// assert_eq!(String::from_utf16_lossy(&v), "𝄞m\u{FFFD}i");
    /// ```
    #[must_use]
    #[track_caller]
    pub fn from_utf16_lossy(v: &[u16]) -> String {
        Self::from_utf16_lossy_in(v, Global)
    }
}

impl<A: Allocator> String<A> {
    /// Takes over `vec` as a string if its bytes are UTF-8, without copying.
    ///
    /// # Errors
    ///
    /// [`FromUtf8Error`] (holding `vec`) if the bytes are not UTF-8.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{String, Vec};
    ///
    /// let s = String::from_utf8(Vec::from(&[240, 159, 146, 150][..])).unwrap();
    /// assert_eq!(s, "💖");
    /// assert!(String::from_utf8(Vec::from(&[0, 159][..])).is_err());
    /// ```
    pub fn from_utf8(vec: Vec<u8, A>) -> Result<Self, FromUtf8Error<A>> {
        match core::str::from_utf8(&vec) {
            Ok(_) => Ok(String { vec }),
            Err(error) => Err(FromUtf8Error { bytes: vec, error }),
        }
    }

    /// Takes over `bytes` as a string without checking them.
    ///
    /// # Safety
    ///
    /// - the bytes must be valid UTF-8.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{String, Vec};
    ///
    /// // SAFETY: "hi" is UTF-8.
    /// let s = unsafe { String::from_utf8_unchecked(Vec::from(&b"hi"[..])) };
    /// assert_eq!(s, "hi");
    /// ```
    #[inline]
    #[must_use]
    pub unsafe fn from_utf8_unchecked(bytes: Vec<u8, A>) -> Self {
        String { vec: bytes }
    }

    /// A string in `alloc` from UTF-8 bytes, with every invalid sequence replaced by
    /// U+FFFD (`�`). The capacity is `v.len()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// let s = String::from_utf8_lossy_in(b"a\xFFb", Global);
    /// assert_eq!(s, "a\u{FFFD}b");
    /// ```
    #[track_caller]
    pub fn from_utf8_lossy_in(v: &[u8], alloc: A) -> Self {
        let mut res = String::with_capacity_in(v.len(), alloc);
        for chunk in v.utf8_chunks() {
            res.push_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                res.push_str("\u{FFFD}");
            }
        }
        res
    }

    /// A string in `alloc` from UTF-16 code units.
    ///
    /// # Errors
    ///
    /// [`FromUtf16Error`] if `v` holds a lone surrogate.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// assert_eq!(String::from_utf16_in(&[0x61, 0x62], Global).unwrap(), "ab");
    /// assert!(String::from_utf16_in(&[0xDD1E], Global).is_err());
    /// ```
    #[track_caller]
    pub fn from_utf16_in(v: &[u16], alloc: A) -> Result<Self, FromUtf16Error> {
        let mut s = String::with_capacity_in(v.len(), alloc);
        for c in char::decode_utf16(v.iter().copied()) {
            s.push(c.map_err(|_| FromUtf16Error(()))?);
        }
        Ok(s)
    }

    /// A string in `alloc` from UTF-16 code units, with every lone surrogate replaced by
    /// U+FFFD.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// assert_eq!(String::from_utf16_lossy_in(&[0x61, 0xD800], Global), "a\u{FFFD}");
    /// ```
    #[track_caller]
    pub fn from_utf16_lossy_in(v: &[u16], alloc: A) -> Self {
        let mut s = String::new_in(alloc);
        s.extend(
            char::decode_utf16(v.iter().copied()).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)),
        );
        s
    }
}

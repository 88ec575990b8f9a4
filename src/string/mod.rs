//! `String<A>`: a growable UTF-8 string, generic over its allocator.
//!
//! allockit's `String` is a [`Vec<u8, A>`](crate::Vec) plus one invariant: its bytes are
//! always valid UTF-8. It has the stable API and the behaviour of
//! [`std::string::String`](alloc_crate::string::String) (the same methods, the same growth
//! rule, the same panics with the same messages), with the allocator as a type parameter
//! that works on stable as well as nightly. Every `str` method is available through
//! `Deref<Target = str>`.
//!
//! ```
//! use allockit::String;
//! use allockit::alloc::Global;
//!
//! let mut s: String<Global> = String::new_in(Global);
//! s.push_str("grüße");
//! s.push('!');
//! assert_eq!(s, "grüße!");
//! assert_eq!(s.to_uppercase(), "GRÜSSE!"); // a `str` method, through `Deref`
//!
//! let n = 42;
//! let t = allockit::format_string!(in Global, "n = {n}");
//! assert_eq!(t, "n = 42");
//! ```
//!
//! # Guarantees
//!
//! A `String` is exactly a `Vec<u8, A>`: the same pointer, length, capacity and allocator,
//! with the same [growth rule](mod@crate::vec#capacity-and-reallocation). Converting between
//! the two ([`into_bytes`](String::into_bytes), [`from_utf8`](String::from_utf8)) never
//! copies, and neither does converting between `String<Global>` and std's `String`.
//!
//! ```text
//!             ptr      len = 4  capacity = 6
//!  String ─► ┌─────┬─────┬─────┬─────┬─────┬─────┐
//!            │ 'g' │ 'r' │ 0xC3│ 0xBC│  ·  │  ·  │   "grü": 4 bytes of UTF-8
//!            └─────┴─────┴─────┴─────┴─────┴─────┘
//!             ◄────── valid UTF-8 ─────►◄ spare ─►
//! ```
//!
//! # Errors and panics
//!
//! Invalid UTF-8 given to [`from_utf8`](String::from_utf8) is a [`FromUtf8Error`] that gives
//! the bytes back. Byte indices that are out of bounds or not on a `char` boundary panic
//! with std's messages. Each growing method has a `try_` twin
//! ([`try_push`](String::try_push), [`try_push_str`](String::try_push_str),
//! [`try_insert`](String::try_insert), [`try_insert_str`](String::try_insert_str),
//! [`try_reserve`](String::try_reserve)) that returns a [`TryReserveError`] and leaves the
//! string exactly as it was.
//!
//! # Formatting
//!
//! [`format_string!`](crate::format_string!) formats straight into a `String<A>`
//! (`format_string!(in alloc, ...)` or, over [`Global`], `format_string!(...)`);
//! [`try_format_string!`](crate::try_format_string!) reports an allocation failure instead
//! of aborting.
//!
//! # Boxed strings
//!
//! [`String::into_boxed_str`] and `From<Box<str, A>>` move the block between a `String<A>`
//! and a [`Box<str, A>`](crate::Box) without copying the text.

mod boxed;
mod cmp;
mod drain;
mod format;
mod from_utf;
mod traits;

use core::ops::{Range, RangeBounds};
use core::ptr;

use crate::alloc::{Allocator, Global};
use crate::error::{TryReserveError, handle_reserve_error};
use crate::range::slice_range;
use crate::vec::Vec;

pub use drain::Drain;
pub use format::{format_in, try_format_in};
pub use from_utf::{FromUtf8Error, FromUtf16Error};

/// A growable UTF-8 string, written `String<A>`, with std's API and an allocator parameter.
///
/// See the [module docs](self) for the memory picture and the error behaviour.
///
/// # Invariants
///
/// - `vec` upholds [`Vec`]'s invariants;
/// - the bytes `vec[..vec.len()]` are valid UTF-8 at every point where safe code can
///   observe the string (including while a panic unwinds out of a method).
///
/// # Examples
///
/// ```
/// use allockit::String;
///
/// let mut s = String::from("hello");
/// s.push_str(", wörld");
/// assert_eq!(s.len(), 13);
/// assert_eq!(&s[7..], "wörld");
/// assert_eq!(s.pop(), Some('d'));
/// ```
pub struct String<A: Allocator = Global> {
    vec: Vec<u8, A>,
}

impl String {
    /// An empty string over the global allocator. It does not allocate.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let s = String::new();
    /// assert_eq!((s.len(), s.capacity()), (0, 0));
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        String { vec: Vec::new() }
    }

    /// An empty string with room for exactly `capacity` bytes.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if `capacity` exceeds `isize::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let s = String::with_capacity(10);
    /// assert_eq!((s.len(), s.capacity()), (0, 10));
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_in(capacity, Global)
    }

    /// The fallible form of [`with_capacity`](Self::with_capacity).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if `capacity` exceeds `isize::MAX`; `AllocError` if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert!(String::try_with_capacity(usize::MAX).is_err());
    /// assert_eq!(String::try_with_capacity(4).unwrap().capacity(), 4);
    /// ```
    #[inline]
    pub fn try_with_capacity(capacity: usize) -> Result<Self, TryReserveError> {
        Self::try_with_capacity_in(capacity, Global)
    }

    /// Rebuilds a string from a pointer, a length and a capacity.
    ///
    /// # Safety
    ///
    /// As [`from_raw_parts_in`](String::from_raw_parts_in) with the global allocator.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let (ptr, len, cap) = String::from("hé").into_raw_parts();
    /// // SAFETY: the parts come from `into_raw_parts`.
    /// let s = unsafe { String::from_raw_parts(ptr, len, cap) };
    /// assert_eq!(s, "hé");
    /// ```
    #[inline]
    pub unsafe fn from_raw_parts(buf: *mut u8, length: usize, capacity: usize) -> Self {
        // SAFETY: forwarded: the caller upholds `from_raw_parts_in`'s contract.
        unsafe { Self::from_raw_parts_in(buf, length, capacity, Global) }
    }

    /// Decomposes the string into its pointer, length and capacity (see
    /// [`into_raw_parts_with_alloc`](String::into_raw_parts_with_alloc)).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let (ptr, len, cap) = String::from("abc").into_raw_parts();
    /// assert_eq!((len, cap), (3, 3));
    /// // SAFETY: the parts come from `into_raw_parts`.
    /// drop(unsafe { String::from_raw_parts(ptr, len, cap) });
    /// ```
    #[must_use = "losing the pointer leaks the string"]
    pub fn into_raw_parts(self) -> (*mut u8, usize, usize) {
        let (ptr, len, cap, Global) = self.into_raw_parts_with_alloc();
        (ptr, len, cap)
    }
}

impl<A: Allocator> String<A> {
    /// An empty string over `alloc`. It does not allocate.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// let mut s = String::new_in(Global);
    /// s.push('x');
    /// assert_eq!(s, "x");
    /// ```
    #[inline]
    pub const fn new_in(alloc: A) -> Self {
        String { vec: Vec::new_in(alloc) }
    }

    /// An empty string over `alloc` with room for exactly `capacity` bytes.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if `capacity` exceeds `isize::MAX`; calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// let s = String::with_capacity_in(5, Global);
    /// assert_eq!(s.capacity(), 5);
    /// ```
    #[inline]
    #[track_caller]
    pub fn with_capacity_in(capacity: usize, alloc: A) -> Self {
        String { vec: Vec::with_capacity_in(capacity, alloc) }
    }

    /// The fallible form of [`with_capacity_in`](Self::with_capacity_in).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if `capacity` exceeds `isize::MAX`; `AllocError` if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// let s = String::try_with_capacity_in(5, Global).unwrap();
    /// assert_eq!(s.capacity(), 5);
    /// ```
    #[inline]
    pub fn try_with_capacity_in(capacity: usize, alloc: A) -> Result<Self, TryReserveError> {
        Ok(String { vec: Vec::try_with_capacity_in(capacity, alloc)? })
    }

    /// A copy of `s` in `alloc`, with capacity equal to its length.
    ///
    /// # Panics
    ///
    /// As [`with_capacity_in`](Self::with_capacity_in).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// let s = String::from_str_in("żółw", Global);
    /// assert_eq!((s.as_str(), s.capacity()), ("żółw", 7));
    /// ```
    #[track_caller]
    pub fn from_str_in(s: &str, alloc: A) -> Self {
        let mut string = Self::with_capacity_in(s.len(), alloc);
        string.push_str(s);
        string
    }

    /// Rebuilds a string from a pointer, a length, a capacity and an allocator.
    ///
    /// # Safety
    ///
    /// - the parts must satisfy [`Vec::from_raw_parts_in`]'s contract for `u8`;
    /// - the first `length` bytes at `buf` must be valid UTF-8.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// let (ptr, len, cap, alloc) = String::from_str_in("ok", Global).into_raw_parts_with_alloc();
    /// // SAFETY: the parts come from `into_raw_parts_with_alloc`.
    /// let s = unsafe { String::from_raw_parts_in(ptr, len, cap, alloc) };
    /// assert_eq!(s, "ok");
    /// ```
    #[inline]
    pub unsafe fn from_raw_parts_in(
        buf: *mut u8,
        length: usize,
        capacity: usize,
        alloc: A,
    ) -> Self {
        // SAFETY: forwarded: the caller guarantees a valid buffer holding UTF-8.
        String { vec: unsafe { Vec::from_raw_parts_in(buf, length, capacity, alloc) } }
    }

    /// Decomposes the string into its pointer, length, capacity and allocator without
    /// freeing anything; [`from_raw_parts_in`](Self::from_raw_parts_in) puts it back.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// let (ptr, len, cap, alloc) = String::from_str_in("ab", Global).into_raw_parts_with_alloc();
    /// assert_eq!((len, cap), (2, 2));
    /// // SAFETY: the parts come from `into_raw_parts_with_alloc`.
    /// drop(unsafe { String::from_raw_parts_in(ptr, len, cap, alloc) });
    /// ```
    #[must_use = "losing the pointer leaks the string"]
    pub fn into_raw_parts_with_alloc(self) -> (*mut u8, usize, usize, A) {
        self.vec.into_raw_parts_with_alloc()
    }

    /// The string's bytes as a vector, without copying.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::from("hé").into_bytes(), [b'h', 0xC3, 0xA9]);
    /// ```
    #[inline]
    #[must_use = "`self` will be dropped if the result is not used"]
    pub fn into_bytes(self) -> Vec<u8, A> {
        self.vec
    }

    /// The whole string as a `&str`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::from("foo").as_str(), "foo");
    /// ```
    #[inline]
    #[must_use]
    pub fn as_str(&self) -> &str {
        // SAFETY: the bytes are valid UTF-8 (the type's invariant).
        unsafe { core::str::from_utf8_unchecked(&self.vec) }
    }

    /// The whole string as a `&mut str`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("foo");
    /// s.as_mut_str().make_ascii_uppercase();
    /// assert_eq!(s, "FOO");
    /// ```
    #[inline]
    #[must_use]
    pub fn as_mut_str(&mut self) -> &mut str {
        // SAFETY: the bytes are valid UTF-8 (the type's invariant), and `&mut str` only
        // allows changes that keep them so.
        unsafe { core::str::from_utf8_unchecked_mut(&mut self.vec) }
    }

    /// The string's bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::from("ab").as_bytes(), b"ab");
    /// ```
    #[inline]
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.vec
    }

    /// The byte vector underneath, mutably.
    ///
    /// # Safety
    ///
    /// - the bytes must be valid UTF-8 again before the borrow ends (and before anything
    ///   that can observe the string runs, a panic included).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("hello");
    /// // SAFETY: reversing ASCII bytes leaves valid UTF-8.
    /// unsafe { s.as_mut_vec().reverse() };
    /// assert_eq!(s, "olleh");
    /// ```
    #[inline]
    pub unsafe fn as_mut_vec(&mut self) -> &mut Vec<u8, A> {
        &mut self.vec
    }

    /// The length in bytes (not in `char`s).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::from("ƒoo").len(), 4);
    /// ```
    #[inline]
    #[must_use]
    pub const fn len(&self) -> usize {
        self.vec.len()
    }

    /// `true` if the string has no bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::new();
    /// assert!(s.is_empty());
    /// s.push('a');
    /// assert!(!s.is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.vec.is_empty()
    }

    /// How many bytes the string can hold without reallocating.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert_eq!(String::with_capacity(10).capacity(), 10);
    /// ```
    #[inline]
    #[must_use]
    pub const fn capacity(&self) -> usize {
        self.vec.capacity()
    }

    /// The allocator the string allocates from.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// let s = String::new();
    /// let _: &Global = s.allocator();
    /// ```
    #[inline]
    pub const fn allocator(&self) -> &A {
        self.vec.allocator()
    }

    /// Makes room for at least `additional` more bytes, growing by the amortized rule.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the new capacity exceeds `isize::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::new();
    /// s.reserve(10);
    /// assert!(s.capacity() >= 10);
    /// ```
    #[inline]
    #[track_caller]
    pub fn reserve(&mut self, additional: usize) {
        self.vec.reserve(additional);
    }

    /// Makes room for exactly `additional` more bytes (if there is not room already).
    ///
    /// # Panics
    ///
    /// As [`reserve`](Self::reserve).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("ab");
    /// s.reserve_exact(3);
    /// assert_eq!(s.capacity(), 5);
    /// ```
    #[inline]
    #[track_caller]
    pub fn reserve_exact(&mut self, additional: usize) {
        self.vec.reserve_exact(additional);
    }

    /// The fallible form of [`reserve`](Self::reserve).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError`; the string is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::new();
    /// assert!(s.try_reserve(usize::MAX).is_err());
    /// s.try_reserve(3).unwrap();
    /// assert_eq!(s.capacity(), 8);
    /// ```
    #[inline]
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), TryReserveError> {
        self.vec.try_reserve(additional)
    }

    /// The fallible form of [`reserve_exact`](Self::reserve_exact).
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError`; the string is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::new();
    /// s.try_reserve_exact(3).unwrap();
    /// assert_eq!(s.capacity(), 3);
    /// ```
    #[inline]
    pub fn try_reserve_exact(&mut self, additional: usize) -> Result<(), TryReserveError> {
        self.vec.try_reserve_exact(additional)
    }

    /// Shrinks the capacity to the length.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::with_capacity(10);
    /// s.push_str("abc");
    /// s.shrink_to_fit();
    /// assert_eq!(s.capacity(), 3);
    /// ```
    #[track_caller]
    pub fn shrink_to_fit(&mut self) {
        self.vec.shrink_to_fit();
    }

    /// Shrinks the capacity to `max(len, min_capacity)`; does nothing if the capacity is
    /// already at most `min_capacity`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::with_capacity(10);
    /// s.push('a');
    /// s.shrink_to(4);
    /// assert_eq!(s.capacity(), 4);
    /// ```
    #[track_caller]
    pub fn shrink_to(&mut self, min_capacity: usize) {
        self.vec.shrink_to(min_capacity);
    }

    /// Appends `string` to the end.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("foo");
    /// s.push_str("bär");
    /// assert_eq!(s, "foobär");
    /// ```
    #[inline]
    #[track_caller]
    pub fn push_str(&mut self, string: &str) {
        self.vec.reserve(string.len());
        // SAFETY: room for `string.len()` bytes was just reserved; `string` is UTF-8.
        unsafe { self.append_within_capacity(string.as_bytes()) };
    }

    /// The fallible form of [`push_str`](Self::push_str): on `Err` the string is unchanged.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError` when the string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("foo");
    /// s.try_push_str("bar").unwrap();
    /// assert_eq!(s, "foobar");
    /// ```
    #[inline]
    pub fn try_push_str(&mut self, string: &str) -> Result<(), TryReserveError> {
        self.vec.try_reserve(string.len())?;
        // SAFETY: room for `string.len()` bytes was just reserved; `string` is UTF-8.
        unsafe { self.append_within_capacity(string.as_bytes()) };
        Ok(())
    }

    /// Copies `bytes` onto the end.
    ///
    /// # Safety
    ///
    /// - `len + bytes.len()` must be at most the capacity;
    /// - `bytes` must be valid UTF-8 and must not overlap the spare capacity.
    #[inline]
    unsafe fn append_within_capacity(&mut self, bytes: &[u8]) {
        let len = self.vec.len();
        // SAFETY: the caller reserved room, so `len..len + bytes.len()` is inside the block
        // and does not overlap `bytes`; the new bytes are initialised before the length
        // covers them, and appending UTF-8 to UTF-8 gives UTF-8.
        unsafe {
            ptr::copy_nonoverlapping(bytes.as_ptr(), self.vec.as_mut_ptr().add(len), bytes.len());
            self.vec.set_len(len + bytes.len());
        }
    }

    /// Appends the UTF-8 encoding of `ch`.
    ///
    /// # Panics
    ///
    /// "capacity overflow" if the string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("ab");
    /// s.push('c');
    /// s.push('€');
    /// assert_eq!(s, "abc€");
    /// ```
    #[inline]
    #[track_caller]
    pub fn push(&mut self, ch: char) {
        // The length is read before `reserve`, which cannot change it: the compiler then
        // keeps it in a register across the (out-of-line) growth path.
        let len = self.len();
        let ch_len = ch.len_utf8();
        self.vec.reserve(ch_len);
        // SAFETY: `len` is the length; room for `ch_len` bytes was just reserved.
        unsafe { self.push_within_capacity(len, ch, ch_len) };
    }

    /// The fallible form of [`push`](Self::push): on `Err` the string is unchanged.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError` when the string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::new();
    /// s.try_push('ü').unwrap();
    /// assert_eq!(s, "ü");
    /// ```
    #[inline]
    pub fn try_push(&mut self, ch: char) -> Result<(), TryReserveError> {
        let len = self.len();
        let ch_len = ch.len_utf8();
        self.vec.try_reserve(ch_len)?;
        // SAFETY: `len` is the length; room for `ch_len` bytes was just reserved.
        unsafe { self.push_within_capacity(len, ch, ch_len) };
        Ok(())
    }

    /// Writes `ch` (whose encoding is `ch_len` bytes long) onto the end.
    ///
    /// # Safety
    ///
    /// - `len` must be the string's length, and `ch_len` must be `ch.len_utf8()`;
    /// - `len + ch_len` must be at most the capacity.
    #[inline]
    unsafe fn push_within_capacity(&mut self, len: usize, ch: char, ch_len: usize) {
        // SAFETY: the caller reserved `ch_len` bytes past `len`, which `encode_utf8_raw`
        // fills completely (with `ch`'s UTF-8) before the length covers them.
        unsafe {
            encode_utf8_raw(ch, ch_len, self.vec.as_mut_ptr().add(len));
            self.vec.set_len(len + ch_len);
        }
    }

    /// Removes the last `char` and returns it; `None` if the string is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("aé");
    /// assert_eq!(s.pop(), Some('é'));
    /// assert_eq!(s.pop(), Some('a'));
    /// assert_eq!(s.pop(), None);
    /// ```
    #[inline]
    pub fn pop(&mut self) -> Option<char> {
        let ch = self.as_str().chars().next_back()?;
        let new_len = self.len() - ch.len_utf8();
        // SAFETY: `new_len` is the start of the last `char`, a boundary below the length.
        unsafe { self.vec.set_len(new_len) };
        Some(ch)
    }

    /// Shortens the string to `new_len` bytes; does nothing if `new_len` is at least the
    /// length. The capacity is unchanged.
    ///
    /// # Panics
    ///
    /// If `new_len` is below the length and not on a `char` boundary.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("hello");
    /// s.truncate(2);
    /// assert_eq!(s, "he");
    /// ```
    #[inline]
    #[track_caller]
    pub fn truncate(&mut self, new_len: usize) {
        if new_len <= self.len() {
            assert!(self.is_char_boundary(new_len));
            self.vec.truncate(new_len);
        }
    }

    /// Empties the string, keeping the capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("foo");
    /// s.clear();
    /// assert!(s.is_empty());
    /// assert_eq!(s.capacity(), 3);
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        self.vec.clear();
    }

    /// Removes the `char` that starts at byte `idx` and returns it.
    ///
    /// # Panics
    ///
    /// "cannot remove a char from the end of a string" if `idx == len`; std's slicing
    /// panics if `idx` is past the end or not on a `char` boundary.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("aßc");
    /// assert_eq!(s.remove(1), 'ß');
    /// assert_eq!(s, "ac");
    /// ```
    #[track_caller]
    pub fn remove(&mut self, idx: usize) -> char {
        let Some(ch) = self.as_str()[idx..].chars().next() else {
            panic!("cannot remove a char from the end of a string");
        };
        let next = idx + ch.len_utf8();
        let len = self.len();
        // SAFETY: `idx..next` is the whole `char` (both are boundaries, `next <= len`); the
        // tail moves down over it, which leaves valid UTF-8 of length `len - ch_len`.
        unsafe {
            let base = self.vec.as_mut_ptr();
            ptr::copy(base.add(next), base.add(idx), len - next);
            self.vec.set_len(len - (next - idx));
        }
        ch
    }

    /// Keeps only the `char`s for which `keep` returns `true`, visiting each once, in
    /// order.
    ///
    /// If `keep` panics, the string is left holding only the `char`s kept so far (the one
    /// being visited and the rest are removed), as std's `retain` does; it stays valid
    /// UTF-8.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("a1ö2ü3");
    /// s.retain(|c| !c.is_ascii_digit());
    /// assert_eq!(s, "aöü");
    /// ```
    pub fn retain<F: FnMut(char) -> bool>(&mut self, mut keep: F) {
        /// Sets the length to the kept bytes on drop (at the end, or when `keep` panics),
        /// so the string is valid UTF-8 whatever happens.
        struct Guard<'a, A: Allocator> {
            vec: &'a mut Vec<u8, A>,
            /// Bytes `..idx` have been visited; `idx` is a char boundary.
            idx: usize,
            /// Bytes removed so far: the kept chars sit, whole, at `..idx - deleted`.
            deleted: usize,
        }

        impl<A: Allocator> Drop for Guard<'_, A> {
            fn drop(&mut self) {
                // SAFETY: `..idx - deleted` holds whole kept chars, so it is UTF-8, and it
                // is at most the length.
                unsafe { self.vec.set_len(self.idx - self.deleted) };
            }
        }

        let len = self.len();
        let mut g = Guard { vec: &mut self.vec, idx: 0, deleted: 0 };
        while g.idx < len {
            // SAFETY: `idx < len` is on a char boundary of the original UTF-8 bytes, which
            // are untouched at `idx..len` (only bytes below `idx` are written).
            let ch = unsafe {
                core::str::from_utf8_unchecked(g.vec.get_unchecked(g.idx..len))
                    .chars()
                    .next()
                    .unwrap_unchecked()
            };
            let ch_len = ch.len_utf8();
            if !keep(ch) {
                g.deleted += ch_len;
            } else if g.deleted > 0 {
                // SAFETY: `idx - deleted + ch_len <= idx`, inside the visited part, which
                // the gap makes free to overwrite.
                unsafe {
                    let base = g.vec.as_mut_ptr();
                    ptr::copy(base.add(g.idx), base.add(g.idx - g.deleted), ch_len);
                }
            }
            g.idx += ch_len;
        }
        drop(g);
    }

    /// Inserts `ch` at byte position `idx`.
    ///
    /// # Panics
    ///
    /// If `idx` is past the end or not on a `char` boundary; "capacity overflow" if the
    /// string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("ac");
    /// s.insert(1, 'ß');
    /// assert_eq!(s, "aßc");
    /// ```
    #[track_caller]
    pub fn insert(&mut self, idx: usize, ch: char) {
        self.insert_str(idx, ch.encode_utf8(&mut [0; 4]));
    }

    /// The fallible form of [`insert`](Self::insert): on `Err` the string is unchanged.
    ///
    /// # Panics
    ///
    /// If `idx` is past the end or not on a `char` boundary.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError` when the string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("ac");
    /// s.try_insert(1, 'b').unwrap();
    /// assert_eq!(s, "abc");
    /// ```
    #[track_caller]
    pub fn try_insert(&mut self, idx: usize, ch: char) -> Result<(), TryReserveError> {
        let mut buf = [0; 4];
        self.try_insert_str(idx, ch.encode_utf8(&mut buf))
    }

    /// Inserts `string` at byte position `idx`.
    ///
    /// # Panics
    ///
    /// If `idx` is past the end or not on a `char` boundary; "capacity overflow" if the
    /// string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("bar");
    /// s.insert_str(0, "föö");
    /// assert_eq!(s, "fööbar");
    /// ```
    #[track_caller]
    pub fn insert_str(&mut self, idx: usize, string: &str) {
        if let Err(e) = self.try_insert_str(idx, string) {
            handle_reserve_error(e);
        }
    }

    /// The fallible form of [`insert_str`](Self::insert_str): on `Err` the string is
    /// unchanged.
    ///
    /// # Panics
    ///
    /// If `idx` is past the end or not on a `char` boundary.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` or `AllocError` when the string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("ad");
    /// s.try_insert_str(1, "bc").unwrap();
    /// assert_eq!(s, "abcd");
    /// ```
    #[track_caller]
    pub fn try_insert_str(&mut self, idx: usize, string: &str) -> Result<(), TryReserveError> {
        assert!(self.is_char_boundary(idx));
        self.vec.try_reserve(string.len())?;
        // SAFETY: `idx` is a boundary, room was reserved, and `string` cannot alias the
        // spare capacity (it is borrowed apart from `self`).
        unsafe { self.insert_within_capacity(idx, string.as_bytes()) };
        Ok(())
    }

    /// Moves `idx..len` up by `bytes.len()` and copies `bytes` into the gap.
    ///
    /// # Safety
    ///
    /// - `idx` must be a `char` boundary at most `len`;
    /// - `len + bytes.len()` must be at most the capacity;
    /// - `bytes` must be valid UTF-8 and must not overlap the string's block.
    unsafe fn insert_within_capacity(&mut self, idx: usize, bytes: &[u8]) {
        let len = self.len();
        let amt = bytes.len();
        // SAFETY: the tail `idx..len` moves to `idx + amt..len + amt`, inside the reserved
        // block; `bytes` fills `idx..idx + amt`; UTF-8 cut at a boundary with UTF-8
        // inserted is UTF-8.
        unsafe {
            let base = self.vec.as_mut_ptr();
            ptr::copy(base.add(idx), base.add(idx + amt), len - idx);
            ptr::copy_nonoverlapping(bytes.as_ptr(), base.add(idx), amt);
            self.vec.set_len(len + amt);
        }
    }

    /// Splits the string in two at byte `at`: `self` keeps `..at`, the returned string (in
    /// a clone of the allocator) gets `at..`.
    ///
    /// # Panics
    ///
    /// If `at` is not on a `char` boundary (or past the end).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("Hello, World!");
    /// let world = s.split_off(7);
    /// assert_eq!((s.as_str(), world.as_str()), ("Hello, ", "World!"));
    /// ```
    #[must_use = "use `.truncate()` if you don't need the other half"]
    #[track_caller]
    pub fn split_off(&mut self, at: usize) -> Self
    where
        A: Clone,
    {
        assert!(self.is_char_boundary(at));
        String { vec: self.vec.split_off(at) }
    }

    /// Removes the bytes in `range` and returns them as an iterator of `char`s. The bytes
    /// are removed when the iterator is dropped, even if it was not used up; if it is
    /// leaked, the string is unchanged.
    ///
    /// # Panics
    ///
    /// With std's messages if the range is out of bounds or decreasing, or if either end
    /// is not on a `char` boundary.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("α is alpha");
    /// let alpha: std::string::String = s.drain(..3).collect();
    /// assert_eq!(alpha, "α ");
    /// assert_eq!(s, "is alpha");
    /// ```
    #[track_caller]
    pub fn drain<R: RangeBounds<usize>>(&mut self, range: R) -> Drain<'_, A> {
        let range = self.char_range(range);
        // SAFETY: `range` lies within `..len` and both ends are char boundaries.
        unsafe { Drain::new(self, range) }
    }

    /// Resolves `range` and checks both ends are char boundaries, with std's messages.
    #[track_caller]
    fn char_range<R: RangeBounds<usize>>(&self, range: R) -> Range<usize> {
        let Range { start, end } = slice_range(range, self.len());
        // The variable names are part of std's panic messages.
        assert!(self.is_char_boundary(start));
        assert!(self.is_char_boundary(end));
        start..end
    }

    /// Replaces the bytes in `range` with `replace_with` (which need not have the same
    /// length).
    ///
    /// # Panics
    ///
    /// With std's messages if the range is out of bounds or decreasing, or if either end
    /// is not on a `char` boundary; "capacity overflow" if the string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("α is alpha, β is beta");
    /// let beta_offset = s.find('β').unwrap();
    /// s.replace_range(..beta_offset, "Α is capital alpha; ");
    /// assert_eq!(s, "Α is capital alpha; β is beta");
    /// ```
    #[track_caller]
    pub fn replace_range<R: RangeBounds<usize>>(&mut self, range: R, replace_with: &str) {
        let range = slice_range(range, self.len());
        assert!(
            self.is_char_boundary(range.start),
            "start of range should be a character boundary"
        );
        assert!(self.is_char_boundary(range.end), "end of range should be a character boundary");
        let (start, end) = (range.start, range.end);
        let new = replace_with.as_bytes();
        let len = self.len();
        if new.len() > end - start {
            // Same growth as std's `Vec::splice` with an exact-size iterator: reserve the
            // difference (amortized).
            self.vec.reserve(new.len() - (end - start));
        }
        // SAFETY: `start..end` lies in `..len` on boundaries; room for the new length was
        // reserved; the tail moves to `start + new.len()`, then `new` (UTF-8, apart from
        // the block) fills the gap, so the bytes are UTF-8 again before anything runs.
        unsafe {
            let base = self.vec.as_mut_ptr();
            ptr::copy(base.add(end), base.add(start + new.len()), len - end);
            ptr::copy_nonoverlapping(new.as_ptr(), base.add(start), new.len());
            self.vec.set_len(len - (end - start) + new.len());
        }
    }

    /// Copies the bytes in `src` onto the end.
    ///
    /// # Panics
    ///
    /// With std's messages if the range is out of bounds or decreasing, or if either end
    /// is not on a `char` boundary; "capacity overflow" if the string cannot grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let mut s = String::from("abcde");
    /// s.extend_from_within(2..);
    /// assert_eq!(s, "abcdecde");
    /// ```
    #[track_caller]
    pub fn extend_from_within<R: RangeBounds<usize>>(&mut self, src: R) {
        let range = self.char_range(src);
        self.vec.extend_from_within(range);
    }

    /// Consumes the string and returns a mutable `str` that lives as long as the allocator.
    /// The memory is never freed.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::String;
    ///
    /// let s: &'static mut str = String::from("hi").leak();
    /// s.make_ascii_uppercase();
    /// assert_eq!(s, "HI");
    /// # // Give the memory back so the sanitizer run sees no leak.
    /// # drop(unsafe { String::from_raw_parts(s.as_mut_ptr(), 2, 2) });
    /// ```
    pub fn leak<'a>(self) -> &'a mut str
    where
        A: 'a,
    {
        let bytes = self.vec.leak();
        // SAFETY: the bytes are valid UTF-8 (the type's invariant).
        unsafe { core::str::from_utf8_unchecked_mut(bytes) }
    }
}

/// Writes the UTF-8 encoding of `ch` (`ch_len` bytes) at `dst`, without the length check
/// of `char::encode_utf8` (std uses an unstable helper for the same).
///
/// # Safety
///
/// - `ch_len` must be `ch.len_utf8()`;
/// - `dst` must be valid for writing `ch_len` bytes.
#[inline]
unsafe fn encode_utf8_raw(ch: char, ch_len: usize, dst: *mut u8) {
    const CONT: u8 = 0b1000_0000;
    debug_assert_eq!(ch_len, ch.len_utf8());
    // Branching on the code point rather than on `ch_len` lets the compiler reuse the
    // comparisons `len_utf8` made.
    let code = ch as u32;
    // SAFETY: the caller guarantees `ch_len` writable bytes at `dst`, and `ch_len` is the
    // number of bytes each branch writes.
    unsafe {
        if code < 0x80 {
            *dst = code as u8;
        } else if code < 0x800 {
            *dst = (code >> 6) as u8 | 0b1100_0000;
            *dst.add(1) = (code & 0x3F) as u8 | CONT;
        } else if code < 0x1_0000 {
            *dst = (code >> 12) as u8 | 0b1110_0000;
            *dst.add(1) = ((code >> 6) & 0x3F) as u8 | CONT;
            *dst.add(2) = (code & 0x3F) as u8 | CONT;
        } else {
            *dst = (code >> 18) as u8 | 0b1111_0000;
            *dst.add(1) = ((code >> 12) & 0x3F) as u8 | CONT;
            *dst.add(2) = ((code >> 6) & 0x3F) as u8 | CONT;
            *dst.add(3) = (code & 0x3F) as u8 | CONT;
        }
    }
}

//! Formatting straight into a `String<A>`: the [`format_string!`](crate::format_string!) and
//! [`try_format_string!`](crate::try_format_string!) macros and the functions behind them.
//!
//! Both write the pieces of a `fmt::Arguments` into the string through [`fmt::Write`], so
//! no std `String` is built in between and every byte comes from the given allocator. A
//! format string without arguments (`format_string!("plain")`) is copied in one allocation of
//! exactly its length, as std does. (std also pre-sizes other strings from the
//! lengths of the literal pieces; that estimate is not reachable on stable Rust, so these
//! start empty and grow by the usual rule.)
//!
//! `try_format_string!` writes with [`String::try_push_str`]: when an allocation fails, the
//! writer records the [`TryReserveError`] and returns `fmt::Error`, which stops
//! formatting; the error is then reported and the partial string freed.

use core::fmt;

use super::String;
use crate::alloc::Allocator;
use crate::error::TryReserveError;

/// Formats `args` into a new `String` in `alloc`; the function behind
/// [`format_string!`](crate::format_string!).
///
/// # Panics
///
/// "a formatting trait implementation returned an error when the underlying stream did
/// not: Error" if a formatting trait implementation returns an error (as std's
/// `format!`); "capacity overflow" if the string cannot grow.
///
/// # Examples
///
/// ```
/// use allockit::string::format_in;
/// use allockit::alloc::Global;
///
/// let s = format_in(format_args!("{}+{}", 1, 2), Global);
/// assert_eq!(s, "1+2");
/// ```
#[track_caller]
pub fn format_in<A: Allocator>(args: fmt::Arguments<'_>, alloc: A) -> String<A> {
    if let Some(s) = args.as_str() {
        return String::from_str_in(s, alloc);
    }
    let mut s = String::new_in(alloc);
    if fmt::Write::write_fmt(&mut s, args).is_err() {
        formatting_failed();
    }
    s
}

/// Formats `args` into a new `String` in `alloc`, reporting allocation failure; the
/// function behind [`try_format_string!`](crate::try_format_string!).
///
/// # Panics
///
/// As [`format_in`], if a formatting trait implementation returns an error of its own.
///
/// # Errors
///
/// The first [`TryReserveError`] met while growing the string; nothing is leaked.
///
/// # Examples
///
/// ```
/// use allockit::string::try_format_in;
/// use allockit::alloc::Global;
///
/// let s = try_format_in(format_args!("{:?}", [1, 2]), Global).unwrap();
/// assert_eq!(s, "[1, 2]");
/// ```
pub fn try_format_in<A: Allocator>(
    args: fmt::Arguments<'_>,
    alloc: A,
) -> Result<String<A>, TryReserveError> {
    let mut writer = TryWriter { string: String::new_in(alloc), error: None };
    if let Some(s) = args.as_str() {
        writer.string.try_reserve_exact(s.len())?;
        writer.string.push_str(s);
        return Ok(writer.string);
    }
    match (fmt::write(&mut writer, args), writer.error) {
        (Ok(()), _) => Ok(writer.string),
        (Err(fmt::Error), Some(error)) => Err(error),
        (Err(fmt::Error), None) => formatting_failed(),
    }
}

/// A `fmt::Write` that stops at the first allocation failure and keeps its error.
struct TryWriter<A: Allocator> {
    string: String<A>,
    error: Option<TryReserveError>,
}

impl<A: Allocator> fmt::Write for TryWriter<A> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.string.try_push_str(s).map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }

    #[inline]
    fn write_char(&mut self, c: char) -> fmt::Result {
        self.string.try_push(c).map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }
}

/// std's panic (from `format!`) when a formatting impl fails on its own.
#[cold]
#[inline(never)]
#[track_caller]
fn formatting_failed() -> ! {
    panic!(
        "a formatting trait implementation returned an error when the underlying stream did not: Error"
    );
}

/// Formats into an allockit [`String`](crate::String), like std's `format!`, with an
/// optional allocator given first as `in alloc,`.
///
/// - `format_string!("x = {}", x)` formats into a `String<Global>`;
/// - `format_string!(in alloc, "x = {}", x)` formats into a `String<A>` allocated from
///   `alloc`.
///
/// The text is written straight into the new string (see [`format_in`]). The name is not
/// `format!` on purpose: a `format!` exported from allockit would be ambiguous with std's
/// prelude macro wherever `use allockit::*;` is in scope (a hard error, not shadowing).
///
/// # Panics
///
/// As [`format_in`].
///
/// # Examples
///
/// ```
/// use allockit::alloc::Global;
///
/// let name = "wörld";
/// let a = allockit::format_string!("hello {name}!");
/// let b = allockit::format_string!(in &Global, "{:>5}|{:.2}", 42, 1.0 / 3.0);
/// assert_eq!(a, "hello wörld!");
/// assert_eq!(b, "   42|0.33");
/// ```
#[macro_export]
macro_rules! format_string {
    (in $alloc:expr, $($arg:tt)+) => {
        $crate::string::format_in(::core::format_args!($($arg)+), $alloc)
    };
    ($($arg:tt)+) => {
        $crate::string::format_in(::core::format_args!($($arg)+), $crate::alloc::Global)
    };
}

/// The fallible form of [`format_string!`](crate::format_string!): a
/// `Result<String<A>, TryReserveError>` that is `Err` when the allocator fails (or the
/// string would exceed `isize::MAX` bytes), instead of aborting.
///
/// - `try_format_string!("x = {}", x)` over the global allocator;
/// - `try_format_string!(in alloc, "x = {}", x)` over `alloc`.
///
/// # Panics
///
/// As [`try_format_in`].
///
/// # Examples
///
/// ```
/// use allockit::alloc::Global;
///
/// let s = allockit::try_format_string!(in Global, "{}-{}", 'a', 2).unwrap();
/// assert_eq!(s, "a-2");
/// assert_eq!(allockit::try_format_string!("{:03}", 7).unwrap(), "007");
/// ```
#[macro_export]
macro_rules! try_format_string {
    (in $alloc:expr, $($arg:tt)+) => {
        $crate::string::try_format_in(::core::format_args!($($arg)+), $alloc)
    };
    ($($arg:tt)+) => {
        $crate::string::try_format_in(::core::format_args!($($arg)+), $crate::alloc::Global)
    };
}

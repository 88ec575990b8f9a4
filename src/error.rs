//! The error type of fallible reservations, and the cold paths that turn it into std's
//! panics for the infallible methods.
//!
//! Every growth path in the crate is written once, returning
//! `Result<_, TryReserveError>`. The `try_` methods hand the error to the caller; the
//! panicking methods pass it to [`handle_reserve_error`], which is `#[cold]` and out of
//! line so that the happy path stays small:
//!
//! ```text
//!   try_reserve ──► Result<(), TryReserveError> ──► caller
//!   reserve     ──► Result<(), TryReserveError> ──► handle_reserve_error (cold)
//!                                                     ├─ CapacityOverflow ─► panic!("capacity overflow")
//!                                                     └─ AllocError       ─► handle_alloc_error(layout)
//! ```

use core::fmt;

use crate::alloc::Layout;

/// The error returned by `try_reserve`, `try_push` and the other fallible growth methods.
///
/// It says *why* the collection could not grow; see [`TryReserveError::kind`].
///
/// # Examples
///
/// ```
/// use allockit::{TryReserveErrorKind, Vec};
///
/// let mut v: Vec<u64> = Vec::new();
/// let err = v.try_reserve(usize::MAX).unwrap_err();
/// assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow);
/// assert!(v.is_empty()); // the vector is unchanged
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TryReserveError {
    kind: TryReserveErrorKind,
}

/// The cause of a [`TryReserveError`].
///
/// # Examples
///
/// ```
/// use allockit::TryReserveErrorKind;
///
/// let kind = TryReserveErrorKind::CapacityOverflow;
/// assert_eq!(kind.to_string(), "capacity overflow");
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum TryReserveErrorKind {
    /// The computed capacity, or its size in bytes, exceeded the collection's maximum
    /// (`isize::MAX` bytes), or a length computation overflowed `usize`.
    CapacityOverflow,
    /// The allocator returned an error for this request.
    AllocError {
        /// The layout that was requested from the allocator.
        layout: Layout,
    },
}

impl TryReserveError {
    /// What went wrong.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{TryReserveErrorKind, Vec};
    ///
    /// let err = Vec::<u8>::new().try_reserve(usize::MAX).unwrap_err();
    /// assert!(matches!(err.kind(), TryReserveErrorKind::CapacityOverflow));
    /// ```
    pub fn kind(&self) -> TryReserveErrorKind {
        self.kind.clone()
    }

    /// The overflow error, built in one place.
    #[inline]
    pub(crate) const fn capacity_overflow() -> Self {
        TryReserveError { kind: TryReserveErrorKind::CapacityOverflow }
    }

    /// The allocator-failure error for `layout`.
    #[inline]
    pub(crate) const fn alloc_error(layout: Layout) -> Self {
        TryReserveError { kind: TryReserveErrorKind::AllocError { layout } }
    }
}

impl From<TryReserveErrorKind> for TryReserveError {
    fn from(kind: TryReserveErrorKind) -> Self {
        TryReserveError { kind }
    }
}

impl fmt::Display for TryReserveErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryReserveErrorKind::CapacityOverflow => f.write_str("capacity overflow"),
            TryReserveErrorKind::AllocError { layout } => write!(
                f,
                "the allocator failed to allocate {} bytes aligned to {}",
                layout.size(),
                layout.align()
            ),
        }
    }
}

impl fmt::Display for TryReserveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The same wording as std's `TryReserveError`.
        f.write_str("memory allocation failed")?;
        f.write_str(match self.kind {
            TryReserveErrorKind::CapacityOverflow => {
                " because the computed capacity exceeded the collection's maximum"
            }
            TryReserveErrorKind::AllocError { .. } => {
                " because the memory allocator returned an error"
            }
        })
    }
}

impl core::error::Error for TryReserveError {}

/// Turns a reservation error into std's behaviour: `panic!("capacity overflow")` for an
/// overflow, [`handle_alloc_error`](crate::alloc::handle_alloc_error) for an allocator
/// failure.
#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn handle_reserve_error(error: TryReserveError) -> ! {
    match error.kind {
        TryReserveErrorKind::CapacityOverflow => capacity_overflow(),
        TryReserveErrorKind::AllocError { layout } => crate::alloc::handle_alloc_error(layout),
    }
}

/// std's panic for a capacity that cannot be represented.
#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn capacity_overflow() -> ! {
    panic!("capacity overflow");
}

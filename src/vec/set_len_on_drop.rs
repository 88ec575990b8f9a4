//! `SetLenOnDrop`: a drop guard that writes a vector's length back when a loop that fills
//! it ends, normally or by a panic.

/// Keeps a local copy of a vector's length while a loop writes elements, and stores it
/// back into the vector when dropped.
///
/// Writing the length once at the end (instead of after every element) lets the compiler
/// keep it in a register, and the guard guarantees that the elements written before a
/// panicking `clone` or closure are counted, so they are dropped exactly once.
///
/// # Invariants
///
/// The first `local_len` slots of the vector are initialised.
pub(super) struct SetLenOnDrop<'a> {
    len: &'a mut usize,
    local_len: usize,
}

impl<'a> SetLenOnDrop<'a> {
    #[inline]
    pub(super) fn new(len: &'a mut usize) -> Self {
        SetLenOnDrop { local_len: *len, len }
    }

    /// Counts one more initialised element.
    #[inline]
    pub(super) fn increment_len(&mut self, increment: usize) {
        self.local_len += increment;
    }

    #[inline]
    pub(super) fn current_len(&self) -> usize {
        self.local_len
    }
}

impl Drop for SetLenOnDrop<'_> {
    #[inline]
    fn drop(&mut self) {
        *self.len = self.local_len;
    }
}

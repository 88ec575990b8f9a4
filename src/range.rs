//! Range arguments (`drain(1..)`, `splice(..=3, ..)`) turned into checked `start..end`
//! pairs, with std's panic messages.

use core::ops::{Bound, Range, RangeBounds};

/// Resolves `range` against a slice of length `len`.
///
/// # Panics
///
/// With std's messages, when the start is after the end or either lies past `len`.
#[track_caller]
pub(crate) fn slice_range<R: RangeBounds<usize>>(range: R, len: usize) -> Range<usize> {
    let end = match range.end_bound() {
        Bound::Included(&end) if end >= len => slice_index_fail(0, end, len),
        Bound::Included(&end) => end + 1,
        Bound::Excluded(&end) if end > len => slice_index_fail(0, end, len),
        Bound::Excluded(&end) => end,
        Bound::Unbounded => len,
    };
    let start = match range.start_bound() {
        Bound::Excluded(&start) if start >= end => slice_index_fail(start, end, len),
        Bound::Excluded(&start) => start + 1,
        Bound::Included(&start) if start > end => slice_index_fail(start, end, len),
        Bound::Included(&start) => start,
        Bound::Unbounded => 0,
    };
    start..end
}

#[cold]
#[inline(never)]
#[track_caller]
fn slice_index_fail(start: usize, end: usize, len: usize) -> ! {
    if start > len {
        panic!("range start index {start} out of range for slice of length {len}");
    }
    if end > len {
        panic!("range end index {end} out of range for slice of length {len}");
    }
    if start > end {
        panic!("slice index starts at {start} but ends at {end}");
    }
    // Only an inclusive end equal to `len` gets here.
    panic!("range end index {end} out of range for slice of length {len}");
}

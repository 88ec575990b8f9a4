//! The [`vec!`](crate::vec!) macro and the helper behind its `[x; n]` form.

use super::Vec;
use crate::alloc::Allocator;

/// Creates a [`Vec`](crate::Vec) containing the arguments, like std's `vec!`, with an
/// optional allocator given first as `in alloc;`.
///
/// - `vec![]`, `vec![a, b, c]`, `vec![x; n]` work as in std (over the global allocator);
/// - `vec![in alloc]`, `vec![in alloc; a, b, c]`, `vec![in alloc; x; n]` allocate from
///   `alloc`.
///
/// `vec![x; n]` clones `x` `n - 1` times and moves `x` itself into the last slot (with
/// `n == 0`, `x` is dropped). The capacity is exactly the number of elements.
///
/// # Examples
///
/// ```
/// use allockit::vec;
/// use allockit::alloc::Global;
///
/// let a = vec![1, 2, 3];
/// let b = vec![0u8; 4];
/// let c = vec![in Global; 'x', 'y'];
/// let d = vec![in Global; String::from("hi"); 2];
/// assert_eq!((a.len(), b.capacity(), c.len(), d.len()), (3, 4, 2, 2));
/// ```
#[macro_export]
macro_rules! vec {
    () => {
        $crate::Vec::new()
    };
    (in $alloc:expr $(;)?) => {
        $crate::Vec::new_in($alloc)
    };
    (in $alloc:expr; $elem:expr; $n:expr) => {
        $crate::vec::from_elem_in($elem, $n, $alloc)
    };
    (in $alloc:expr; $($x:expr),+ $(,)?) => {
        $crate::Vec::from_array_in([$($x),+], $alloc)
    };
    ($elem:expr; $n:expr) => {
        $crate::vec::from_elem_in($elem, $n, $crate::alloc::Global)
    };
    ($($x:expr),+ $(,)?) => {
        $crate::Vec::from_array_in([$($x),+], $crate::alloc::Global)
    };
}

/// `vec![in alloc; elem; n]`: `n - 1` clones of `elem`, then `elem` itself.
#[doc(hidden)]
#[track_caller]
pub fn from_elem_in<T: Clone, A: Allocator>(elem: T, n: usize, alloc: A) -> Vec<T, A> {
    let mut v = Vec::with_capacity_in(n, alloc);
    if n > 0 {
        // SAFETY: room for `n >= 1` elements was allocated.
        unsafe { v.extend_with(n, elem) };
    }
    v
}

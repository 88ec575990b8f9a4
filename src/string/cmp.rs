//! Comparisons of `String<A>` with strings of every kind: `str`, `&str`, std's `String`,
//! `Cow<str>` and allockit's `String` over any allocator, in both directions. All of
//! them compare the text, byte by byte, as `str` does.

use alloc_crate::borrow::Cow;
use core::cmp::Ordering;

use super::String;
use crate::alloc::Allocator;

type StdString = alloc_crate::string::String;

/// `PartialEq` and `PartialOrd` between `$lhs` and `$rhs`, both ways, through `&str`.
macro_rules! impl_str_cmp {
    ($([$($gen:tt)*] $lhs:ty, $rhs:ty;)*) => {$(
        impl<$($gen)*> PartialEq<$rhs> for $lhs {
            #[inline]
            fn eq(&self, other: &$rhs) -> bool {
                <str as PartialEq>::eq(&self[..], &other[..])
            }
        }

        impl<$($gen)*> PartialEq<$lhs> for $rhs {
            #[inline]
            fn eq(&self, other: &$lhs) -> bool {
                <str as PartialEq>::eq(&self[..], &other[..])
            }
        }

        impl<$($gen)*> PartialOrd<$rhs> for $lhs {
            #[inline]
            fn partial_cmp(&self, other: &$rhs) -> Option<Ordering> {
                Some(<str as Ord>::cmp(&self[..], &other[..]))
            }
        }

        impl<$($gen)*> PartialOrd<$lhs> for $rhs {
            #[inline]
            fn partial_cmp(&self, other: &$lhs) -> Option<Ordering> {
                Some(<str as Ord>::cmp(&self[..], &other[..]))
            }
        }
    )*};
}

impl_str_cmp! {
    [A: Allocator] String<A>, str;
    ['a, A: Allocator] String<A>, &'a str;
    [A: Allocator] String<A>, StdString;
    ['a, A: Allocator] String<A>, Cow<'a, str>;
}

impl<A: Allocator, B: Allocator> PartialEq<String<B>> for String<A> {
    /// Equal when the texts are, whatever the allocators.
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    ///
    /// assert_eq!(String::from("a"), String::from_str_in("a", &Global));
    /// ```
    #[inline]
    fn eq(&self, other: &String<B>) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<A: Allocator> Eq for String<A> {}

impl<A: Allocator, B: Allocator> PartialOrd<String<B>> for String<A> {
    #[inline]
    fn partial_cmp(&self, other: &String<B>) -> Option<Ordering> {
        Some(self.as_str().cmp(other.as_str()))
    }
}

impl<A: Allocator> Ord for String<A> {
    /// Byte-wise (lexicographic) order, as `str`'s.
    ///
    /// ```
    /// use allockit::String;
    ///
    /// assert!(String::from("abc") < String::from("abd"));
    /// ```
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

//! Conversions: arrays, slices, `Cow`, std's `Vec`, and the `AsRef`/`Borrow` family.

use alloc_crate::borrow::{Cow, ToOwned};
use core::borrow::{Borrow, BorrowMut};
use core::mem::ManuallyDrop;
use core::ptr;

use super::Vec;
use crate::alloc::{Allocator, Global};

impl<T, A: Allocator> Vec<T, A> {
    /// Moves the elements of an array into a new vector over `alloc`, with capacity `N`.
    /// This is what `vec![in alloc; a, b, c]` expands to.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    ///
    /// let v = Vec::from_array_in([1, 2, 3], Global);
    /// assert_eq!((v.len(), v.capacity()), (3, 3));
    /// ```
    #[track_caller]
    pub fn from_array_in<const N: usize>(array: [T; N], alloc: A) -> Self {
        let mut v = Vec::with_capacity_in(N, alloc);
        let array = ManuallyDrop::new(array);
        // SAFETY: the vector has room for `N` elements; the array is moved bitwise and
        // forgotten, so each element is owned once.
        unsafe {
            ptr::copy_nonoverlapping(array.as_ptr(), v.as_mut_ptr(), N);
            v.set_len(N);
        }
        v
    }
}

impl<T: Clone> From<&[T]> for Vec<T> {
    /// Clones the slice into a new vector.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert_eq!(Vec::from(&[1, 2][..]), [1, 2]);
    /// ```
    #[track_caller]
    fn from(s: &[T]) -> Self {
        let mut v = Vec::with_capacity(s.len());
        v.extend_from_slice(s);
        v
    }
}

impl<T: Clone> From<&mut [T]> for Vec<T> {
    /// Clones the slice into a new vector.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert_eq!(Vec::from(&mut [1, 2][..]), [1, 2]);
    /// ```
    #[track_caller]
    fn from(s: &mut [T]) -> Self {
        Vec::from(&*s)
    }
}

impl<T, const N: usize> From<[T; N]> for Vec<T> {
    /// Moves the array's elements into a new vector.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert_eq!(Vec::from([1, 2]), [1, 2]);
    /// ```
    #[track_caller]
    fn from(array: [T; N]) -> Self {
        Vec::from_array_in(array, Global)
    }
}

impl<T: Clone, const N: usize> From<&[T; N]> for Vec<T> {
    /// Clones the array's elements into a new vector.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert_eq!(Vec::from(&[1, 2]), [1, 2]);
    /// ```
    #[track_caller]
    fn from(array: &[T; N]) -> Self {
        Vec::from(&array[..])
    }
}

impl<T: Clone, const N: usize> From<&mut [T; N]> for Vec<T> {
    /// Clones the array's elements into a new vector.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert_eq!(Vec::from(&mut [1, 2]), [1, 2]);
    /// ```
    #[track_caller]
    fn from(array: &mut [T; N]) -> Self {
        Vec::from(&array[..])
    }
}

impl<'a, T: Clone> From<Cow<'a, [T]>> for Vec<T>
where
    [T]: ToOwned<Owned = alloc_crate::vec::Vec<T>>,
{
    /// Takes the owned vector (without copying) or clones the borrowed slice.
    ///
    /// ```
    /// use allockit::Vec;
    /// use std::borrow::Cow;
    ///
    /// let borrowed: Cow<'_, [i32]> = Cow::Borrowed(&[1, 2]);
    /// assert_eq!(Vec::from(borrowed), [1, 2]);
    /// ```
    #[track_caller]
    fn from(cow: Cow<'a, [T]>) -> Self {
        match cow {
            Cow::Borrowed(s) => Vec::from(s),
            Cow::Owned(v) => Vec::from(v),
        }
    }
}

impl From<&str> for Vec<u8> {
    /// Copies the string's bytes into a new vector.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// assert_eq!(Vec::from("hi"), b"hi");
    /// ```
    #[track_caller]
    fn from(s: &str) -> Self {
        Vec::from(s.as_bytes())
    }
}

impl<T> From<alloc_crate::vec::Vec<T>> for Vec<T, Global> {
    /// Takes over std's vector without copying: same block, same length and capacity.
    ///
    /// Both use the global allocator with the layout of `capacity` elements, so the block
    /// can change hands.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let std_vec = std::vec![1, 2, 3];
    /// let ptr = std_vec.as_ptr();
    /// let ours = Vec::from(std_vec);
    /// assert_eq!(ours.as_ptr(), ptr);
    /// ```
    fn from(v: alloc_crate::vec::Vec<T>) -> Self {
        let mut v = ManuallyDrop::new(v);
        let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
        // SAFETY: std's `Vec<T>` allocated `cap` elements from the global allocator with
        // `Layout::array::<T>(cap)` (or nothing, for capacity 0 or a ZST), which is exactly
        // what `Global` frees; the first `len` elements are initialised; the std vector is
        // forgotten, so the block changes owner exactly once.
        unsafe { Vec::from_raw_parts_in(ptr, len, cap, Global) }
    }
}

impl<T> From<Vec<T, Global>> for alloc_crate::vec::Vec<T> {
    /// Gives the block to std's vector without copying.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let ours = Vec::from([1, 2, 3]);
    /// let ptr = ours.as_ptr();
    /// let theirs: std::vec::Vec<i32> = ours.into();
    /// assert_eq!(theirs.as_ptr(), ptr);
    /// ```
    fn from(v: Vec<T, Global>) -> Self {
        let (ptr, len, cap, Global) = v.into_raw_parts_with_alloc();
        // SAFETY: the inverse of the conversion above: the block was allocated by the
        // global allocator with `Layout::array::<T>(cap)` (for a ZST, `cap` is
        // `usize::MAX`, which std's `Vec` also reports and never allocates for).
        unsafe { alloc_crate::vec::Vec::from_raw_parts(ptr, len, cap) }
    }
}

impl<T, A: Allocator, const N: usize> TryFrom<Vec<T, A>> for [T; N] {
    type Error = Vec<T, A>;

    /// Moves the elements into an array if there are exactly `N` of them; otherwise gives
    /// the vector back.
    ///
    /// ```
    /// use allockit::Vec;
    ///
    /// let a: [i32; 2] = Vec::from([1, 2]).try_into().unwrap();
    /// assert_eq!(a, [1, 2]);
    /// let v: Result<[i32; 3], _> = Vec::from([1, 2]).try_into();
    /// assert_eq!(v.unwrap_err(), [1, 2]);
    /// ```
    fn try_from(mut vec: Vec<T, A>) -> Result<[T; N], Vec<T, A>> {
        if vec.len() != N {
            return Err(vec);
        }
        // SAFETY: the vector gives up its `N` elements (length set to 0) before they are
        // read out as one array; its block is then freed without dropping anything.
        unsafe {
            vec.set_len(0);
            Ok(ptr::read(vec.as_ptr().cast::<[T; N]>()))
        }
    }
}

impl<T, A: Allocator> AsRef<[T]> for Vec<T, A> {
    fn as_ref(&self) -> &[T] {
        self
    }
}

impl<T, A: Allocator> AsMut<[T]> for Vec<T, A> {
    fn as_mut(&mut self) -> &mut [T] {
        self
    }
}

impl<T, A: Allocator> AsRef<Vec<T, A>> for Vec<T, A> {
    fn as_ref(&self) -> &Vec<T, A> {
        self
    }
}

impl<T, A: Allocator> AsMut<Vec<T, A>> for Vec<T, A> {
    fn as_mut(&mut self) -> &mut Vec<T, A> {
        self
    }
}

impl<T, A: Allocator> Borrow<[T]> for Vec<T, A> {
    fn borrow(&self) -> &[T] {
        self
    }
}

impl<T, A: Allocator> BorrowMut<[T]> for Vec<T, A> {
    fn borrow_mut(&mut self) -> &mut [T] {
        self
    }
}

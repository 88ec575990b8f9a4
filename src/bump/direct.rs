//! The direct arena API: `bump.alloc(value)` and friends return references that live as
//! long as the borrow of the bump, the way compilers allocate AST nodes and strings.
//!
//! | method                                      | copies from / calls            |
//! |---------------------------------------------|--------------------------------|
//! | [`alloc`](Bump::alloc)                      | a value                        |
//! | [`alloc_with`](Bump::alloc_with)            | a closure, written in place    |
//! | [`alloc_slice_copy`](Bump::alloc_slice_copy)| a `&[T]` of `Copy` items       |
//! | [`alloc_slice_clone`](Bump::alloc_slice_clone) | a `&[T]`, cloning each item |
//! | [`alloc_slice_fill_with`](Bump::alloc_slice_fill_with) | `f(index)` for each slot |
//! | [`alloc_slice_fill_iter`](Bump::alloc_slice_fill_iter) | any iterator         |
//! | [`alloc_str`](Bump::alloc_str)              | a `&str`                       |
//! | [`alloc_layout`](Bump::alloc_layout)        | nothing: raw uninitialised bytes |
//!
//! Each has a `try_` form returning `Err(AllocError)` instead of calling
//! [`handle_alloc_error`](crate::alloc::handle_alloc_error). **Nothing allocated this way
//! is ever dropped**, not even when the bump is: use `Box::new_in(value, &bump)` for
//! values that need their destructor to run.
//!
//! If an initialising closure, `clone` or iterator panics, the items written so far are
//! dropped, and the block is given back (when it is still the newest allocation, which
//! it is unless the closure itself allocated from the bump and kept the result). For the
//! closure and `clone` forms, the alignment padding in front of the block is given back
//! too, so the bump pointer is where it was before the call.

use core::mem::{self, size_of};
use core::ptr::{self, NonNull};
use core::slice;

use super::Bump;
use super::lifecycle::Mark;
use crate::alloc::{AllocError, Allocator, Layout};
use crate::error::handle_reserve_error;
use crate::{TryReserveError, Vec};

/// Drops the first `len` items written into `start` and gives the block back to the
/// bump, unless forgotten: the unwinding path of the filling methods.
struct FillGuard<'b, T, A: Allocator> {
    bump: &'b Bump<A>,
    start: NonNull<T>,
    len: usize,
    layout: Layout,
    /// The bump's position just before the block was allocated.
    before: Mark,
}

impl<T, A: Allocator> Drop for FillGuard<'_, T, A> {
    fn drop(&mut self) {
        // SAFETY: the first `len` slots were written and are dropped once, here; the
        // mark was taken just before the block was allocated with `layout`, and nothing
        // refers to the block any more.
        unsafe {
            ptr::drop_in_place(NonNull::slice_from_raw_parts(self.start, self.len).as_ptr());
            self.bump.give_back(self.before, self.start.cast(), self.layout);
        }
    }
}

/// The panicking form of an allocation: `handle_alloc_error` for an allocator failure.
#[inline(always)]
fn or_alloc_error<T>(block: Option<T>, layout: Layout) -> T {
    match block {
        Some(block) => block,
        None => crate::alloc::handle_alloc_error(layout),
    }
}

#[allow(clippy::mut_from_ref)] // the point of an arena: distinct blocks from `&self`
impl<A: Allocator> Bump<A> {
    /// Moves `value` into the bump and returns a mutable reference to it.
    ///
    /// The value is never dropped (see [the `bump` module](crate::bump#two-ways-to-allocate)).
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if no memory is
    /// left (the parent refused a chunk, or the allocation limit is reached).
    ///
    /// # Examples
    ///
    /// ```
    /// // An AST whose nodes refer to each other with `&'bump` references.
    /// enum Expr<'b> {
    ///     Num(i64),
    ///     Add(&'b Expr<'b>, &'b Expr<'b>),
    /// }
    /// fn eval(e: &Expr<'_>) -> i64 {
    ///     match e {
    ///         Expr::Num(n) => *n,
    ///         Expr::Add(a, b) => eval(a) + eval(b),
    ///     }
    /// }
    ///
    /// let bump = allockit::Bump::new();
    /// let one = bump.alloc(Expr::Num(1));
    /// let two = bump.alloc(Expr::Num(2));
    /// let sum = bump.alloc(Expr::Add(one, two));
    /// assert_eq!(eval(sum), 3);
    /// ```
    #[inline(always)]
    pub fn alloc<T>(&self, value: T) -> &mut T {
        match self.bump_fast_for::<T>() {
            // SAFETY: a fresh block for a `T`, valid until the bump is reset (which needs
            // the `&mut` that the returned borrow of `self` rules out).
            Some(block) => unsafe {
                block.write(value);
                &mut *block.as_ptr()
            },
            // A tail call: the fast path keeps no registers for the slow one.
            None => self.alloc_cold(value),
        }
    }

    /// `alloc` when the current chunk is full.
    #[cold]
    #[inline(never)]
    fn alloc_cold<T>(&self, value: T) -> &mut T {
        let layout = Layout::new::<T>();
        let block = or_alloc_error(self.alloc_slow(layout), layout).cast::<T>();
        // SAFETY: as in `alloc`.
        unsafe {
            block.write(value);
            &mut *block.as_ptr()
        }
    }

    /// Moves `value` into the bump, or returns `Err` (dropping `value`) if no memory is
    /// left.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the parent refused a chunk or the allocation limit is reached.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// bump.set_allocation_limit(Some(0));
    /// assert!(bump.try_alloc(1u32).is_err());
    /// bump.set_allocation_limit(None);
    /// assert_eq!(*bump.try_alloc(1u32).unwrap(), 1);
    /// ```
    #[inline(always)]
    pub fn try_alloc<T>(&self, value: T) -> Result<&mut T, AllocError> {
        match self.bump_fast_for::<T>() {
            // SAFETY: as in `alloc`.
            Some(block) => unsafe {
                block.write(value);
                Ok(&mut *block.as_ptr())
            },
            None => self.try_alloc_cold(value),
        }
    }

    /// `try_alloc` when the current chunk is full.
    #[cold]
    #[inline(never)]
    fn try_alloc_cold<T>(&self, value: T) -> Result<&mut T, AllocError> {
        let block = self.alloc_slow(Layout::new::<T>()).ok_or(AllocError)?.cast::<T>();
        // SAFETY: as in `alloc`.
        unsafe {
            block.write(value);
            Ok(&mut *block.as_ptr())
        }
    }

    /// Allocates room for a `T`, then calls `f` and writes its result there, so that
    /// large values can be built in place instead of on the stack.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if no memory is
    /// left. If `f` panics, the room is given back and the panic continues.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// let table = bump.alloc_with(|| [7u16; 4096]);
    /// assert_eq!(table[4095], 7);
    /// ```
    #[inline(always)]
    pub fn alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> &mut T {
        or_alloc_error(self.try_alloc_with(f).ok(), Layout::new::<T>())
    }

    /// [`alloc_with`](Self::alloc_with), returning `Err` instead of calling
    /// `handle_alloc_error`; `f` is not called then.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if no memory is left.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// let mut called = false;
    /// bump.set_allocation_limit(Some(0));
    /// assert!(bump.try_alloc_with(|| { called = true; 5u8 }).is_err());
    /// assert!(!called);
    /// ```
    #[inline(always)]
    pub fn try_alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> Result<&mut T, AllocError> {
        let before = self.mark();
        let block = self.alloc_block_for::<T>().ok_or(AllocError)?;
        let guard =
            FillGuard { bump: self, start: block, len: 0, layout: Layout::new::<T>(), before };
        // SAFETY: a fresh block for a `T`; if `f` panics the guard gives it back.
        unsafe { block.write(f()) };
        mem::forget(guard);
        // SAFETY: initialised just above; valid as in `alloc`.
        Ok(unsafe { &mut *block.as_ptr() })
    }

    /// Copies `src` into the bump.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if no memory is
    /// left.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// let xs = bump.alloc_slice_copy(&[1, 2, 3]);
    /// xs[0] = 10;
    /// assert_eq!(xs, [10, 2, 3]);
    /// ```
    #[inline]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &mut [T] {
        or_alloc_error(self.try_alloc_slice_copy(src).ok(), Layout::for_value(src))
    }

    /// [`alloc_slice_copy`](Self::alloc_slice_copy), returning `Err` if no memory is left.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if no memory is left.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// assert_eq!(bump.try_alloc_slice_copy(b"abc").unwrap(), b"abc");
    /// ```
    #[inline]
    pub fn try_alloc_slice_copy<T: Copy>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        let block = self.alloc_block(Layout::for_value(src)).ok_or(AllocError)?.cast::<T>();
        // SAFETY: the fresh block holds `src.len()` items and cannot overlap `src`; `T` is
        // `Copy`, so a bitwise copy is a valid copy.
        unsafe {
            ptr::copy_nonoverlapping(src.as_ptr(), block.as_ptr(), src.len());
            Ok(slice::from_raw_parts_mut(block.as_ptr(), src.len()))
        }
    }

    /// Clones each item of `src` into the bump.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if no memory is
    /// left. If a `clone` panics, the clones made so far are dropped and the room is
    /// given back.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// let names = [String::from("a"), String::from("b")];
    /// let copies = bump.alloc_slice_clone(&names);
    /// assert_eq!(copies, names);
    /// # // The clones are never dropped: free their heap buffers for the leak checker.
    /// # for s in copies.iter_mut() { drop(std::mem::take(s)); }
    /// ```
    pub fn alloc_slice_clone<T: Clone>(&self, src: &[T]) -> &mut [T] {
        self.alloc_slice_fill_with(src.len(), |i| src[i].clone())
    }

    /// [`alloc_slice_clone`](Self::alloc_slice_clone), returning `Err` if no memory is
    /// left.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if no memory is left.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// assert_eq!(bump.try_alloc_slice_clone(&[1, 2]).unwrap(), [1, 2]);
    /// ```
    pub fn try_alloc_slice_clone<T: Clone>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        self.try_alloc_slice_fill_with(src.len(), |i| src[i].clone())
    }

    /// Allocates `len` items, the item at index `i` being `f(i)`.
    ///
    /// # Panics
    ///
    /// Panics with "capacity overflow" if `len` items exceed `isize::MAX` bytes, and
    /// calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if no memory is
    /// left. If `f` panics, the items made so far are dropped and the room is given back.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// let squares = bump.alloc_slice_fill_with(5, |i| i * i);
    /// assert_eq!(squares, [0, 1, 4, 9, 16]);
    /// ```
    pub fn alloc_slice_fill_with<T, F: FnMut(usize) -> T>(&self, len: usize, f: F) -> &mut [T] {
        self.fill_with(len, f).unwrap_or_else(|e| handle_reserve_error(e))
    }

    /// [`alloc_slice_fill_with`](Self::alloc_slice_fill_with), returning `Err` if the
    /// slice is too large or no memory is left; `f` is not called then.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if `len` items exceed `isize::MAX` bytes or no memory is left.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// assert!(bump.try_alloc_slice_fill_with(usize::MAX, |_| 0u64).is_err());
    /// assert_eq!(bump.try_alloc_slice_fill_with(2, |i| i).unwrap(), [0, 1]);
    /// ```
    pub fn try_alloc_slice_fill_with<T, F: FnMut(usize) -> T>(
        &self,
        len: usize,
        f: F,
    ) -> Result<&mut [T], AllocError> {
        self.fill_with(len, f).map_err(|_| AllocError)
    }

    /// Collects an iterator into a slice in the bump.
    ///
    /// Any iterator works, not only those of known length: the slice is built like a
    /// `Vec<T, &Bump>`, which grows in place while it is the newest allocation, and is
    /// shrunk to its length at the end.
    ///
    /// # Panics
    ///
    /// Panics with "capacity overflow" or calls
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error) like `Vec::push`. If the
    /// iterator panics, the items taken so far are dropped and the room is given back.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// # if cfg!(asan) { return; } // ASan's red zones change the byte counts
    /// let evens = bump.alloc_slice_fill_iter((0..20).filter(|n| n % 2 == 0));
    /// assert_eq!(evens.len(), 10);
    /// assert_eq!(bump.stats().allocated, 10 * 4); // shrunk to fit
    /// ```
    pub fn alloc_slice_fill_iter<T, I: IntoIterator<Item = T>>(&self, iter: I) -> &mut [T] {
        self.fill_iter(iter).unwrap_or_else(|e| handle_reserve_error(e))
    }

    /// [`alloc_slice_fill_iter`](Self::alloc_slice_fill_iter), returning `Err` if no
    /// memory is left (the items taken from the iterator so far are dropped).
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the slice would exceed `isize::MAX` bytes or no memory is left.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// bump.set_allocation_limit(Some(1024));
    /// assert!(bump.try_alloc_slice_fill_iter(0..10u8).is_ok());
    /// assert!(bump.try_alloc_slice_fill_iter(0..100_000u32).is_err());
    /// ```
    pub fn try_alloc_slice_fill_iter<T, I: IntoIterator<Item = T>>(
        &self,
        iter: I,
    ) -> Result<&mut [T], AllocError> {
        self.fill_iter(iter).map_err(|_| AllocError)
    }

    /// Copies `s` into the bump.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if no memory is
    /// left.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// let name = bump.alloc_str("identifier");
    /// name.make_ascii_uppercase();
    /// assert_eq!(name, "IDENTIFIER");
    /// ```
    #[inline]
    pub fn alloc_str(&self, s: &str) -> &mut str {
        or_alloc_error(self.try_alloc_str(s).ok(), Layout::for_value(s))
    }

    /// [`alloc_str`](Self::alloc_str), returning `Err` if no memory is left.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if no memory is left.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// assert_eq!(bump.try_alloc_str("ok").unwrap(), "ok");
    /// ```
    #[inline]
    pub fn try_alloc_str(&self, s: &str) -> Result<&mut str, AllocError> {
        let bytes = self.try_alloc_slice_copy(s.as_bytes())?;
        // SAFETY: a byte-for-byte copy of a `str` is valid UTF-8.
        Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
    }

    /// Allocates an uninitialised block for `layout` and returns its start.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if no memory is
    /// left.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Layout;
    ///
    /// let bump = allockit::Bump::new();
    /// let page = bump.alloc_layout(Layout::from_size_align(4096, 4096).unwrap());
    /// assert_eq!(page.as_ptr() as usize % 4096, 0);
    /// ```
    #[inline]
    pub fn alloc_layout(&self, layout: Layout) -> NonNull<u8> {
        or_alloc_error(self.alloc_block(layout), layout)
    }

    /// [`alloc_layout`](Self::alloc_layout), returning `Err` if no memory is left.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if no memory is left.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Layout;
    ///
    /// let bump = allockit::Bump::new();
    /// let huge = Layout::from_size_align(isize::MAX as usize, 1).unwrap();
    /// assert!(bump.try_alloc_layout(huge).is_err());
    /// ```
    #[inline]
    pub fn try_alloc_layout(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        self.alloc_block(layout).ok_or(AllocError)
    }

    /// The one body behind both `alloc_slice_fill_with` forms.
    fn fill_with<T, F: FnMut(usize) -> T>(
        &self,
        len: usize,
        mut f: F,
    ) -> Result<&mut [T], TryReserveError> {
        let layout = Layout::array::<T>(len).map_err(|_| TryReserveError::capacity_overflow())?;
        let before = self.mark();
        let start =
            self.alloc_block(layout).ok_or(TryReserveError::alloc_error(layout))?.cast::<T>();
        let mut guard = FillGuard { bump: self, start, len: 0, layout, before };
        while guard.len < len {
            // SAFETY: slot `guard.len < len` of the fresh block is in bounds and unwritten.
            unsafe { start.add(guard.len).write(f(guard.len)) };
            guard.len += 1;
        }
        mem::forget(guard);
        // SAFETY: all `len` slots are initialised; valid as in `alloc`.
        Ok(unsafe { slice::from_raw_parts_mut(start.as_ptr(), len) })
    }

    /// The one body behind both `alloc_slice_fill_iter` forms: a `Vec<T, &Bump>` that is
    /// shrunk to fit and leaked.
    fn fill_iter<T, I: IntoIterator<Item = T>>(
        &self,
        iter: I,
    ) -> Result<&mut [T], TryReserveError> {
        let iter = iter.into_iter();
        let mut items: Vec<T, &Self> = Vec::new_in(self);
        items.try_reserve_exact(iter.size_hint().0)?;
        for item in iter {
            items.try_push(item)?;
        }
        if size_of::<T>() != 0 {
            items.shrink_to_fit();
        }
        Ok(items.leak())
    }
}

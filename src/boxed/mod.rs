//! `Box<T, A>`: a pointer to one heap value, generic over its allocator.
//!
//! allockit's `Box` has the API and the behaviour of [`std::boxed::Box`](alloc_crate::boxed::Box)
//! (the same constructors, the same drop order, the same trait impls), with the allocator as
//! a type parameter that works on stable as well as nightly:
//!
//! ```
//! use allockit::Box;
//! use allockit::alloc::Global;
//!
//! let mut b = Box::new_in(41, Global);
//! *b += 1;
//! assert_eq!(*b, 42);
//! assert_eq!(Box::into_inner(b), 42);
//! ```
//!
//! # Guarantees
//!
//! A `Box<T, A>` is a non-null pointer and an allocator. With the global allocator it is
//! one pointer wide, and `Option<Box<T>>` is too:
//!
//! ```text
//!   Box<T, A>                 block from A, Layout::for_value(&*b)
//!  ┌─────────────┐           ┌─────────────────────┐
//!  │ ptr  ───────┼──────────►│ T (initialised)     │
//!  │ alloc: A    │           └─────────────────────┘
//!  └─────────────┘
//! ```
//!
//! - A value of size 0 (a zero-sized type, an empty slice, a `dyn Trait` whose concrete
//!   type is zero-sized) is never allocated: its pointer is dangling and aligned, and is
//!   never passed to the allocator.
//! - Dropping a box runs in two phases: the value's destructor, then
//!   [`Allocator::deallocate`] with the layout of the value (`Layout::for_value`). The
//!   memory is freed even if the destructor panics.
//! - Functions that consume or inspect the box itself are associated functions
//!   (`Box::into_raw(b)`, `Box::leak(b)`, `Box::allocator(&b)`), so they never shadow the
//!   methods of the value inside, as in std.
//!
//! # Unsized values
//!
//! `Box<[T], A>` comes from [`Vec::into_boxed_slice`](crate::Vec::into_boxed_slice),
//! from the uninitialised and zeroed slice constructors
//! ([`Box::new_uninit_slice_in`]) or from `From`/`FromIterator`; `Box<str, A>` from
//! `From<&str>` or [`Box::from_boxed_utf8_unchecked`]. A `Box<dyn Trait, A>` is made by
//! unsizing a `Box<T, A>`: with the `nightly` feature the compiler does it by itself
//! (`CoerceUnsized`), on stable the [`unsize_box!`](crate::unsize_box) macro does it.
//!
//! # Errors and panics
//!
//! Each allocating constructor has a `try_` twin that returns the error instead of calling
//! [`handle_alloc_error`], and leaves nothing allocated
//! when it fails. The slice constructors check the size `len × size_of::<T>()`: one that
//! overflows or exceeds `isize::MAX` panics with "capacity overflow" (or is
//! [`CapacityOverflow`](crate::TryReserveErrorKind::CapacityOverflow) for the `try_`
//! forms).

mod coerce;
mod convert;
mod slice;
mod traits;

use core::marker::PhantomData;
use core::mem::{ManuallyDrop, MaybeUninit};
use core::pin::Pin;
use core::ptr::{self, NonNull};

use crate::alloc::{AllocError, Allocator, Global, Layout, dangling, handle_alloc_error};

/// A pointer type that uniquely owns a heap value of type `T`, allocated by `A`.
///
/// See the [module docs](self) for the memory picture and the drop order.
///
/// # Invariants
///
/// - `ptr` is non-null, aligned for the value, and points to an initialised, valid value
///   of `T` that the box owns;
/// - if `size_of_val(&*ptr) != 0`, `ptr` is currently allocated by `alloc` with the layout
///   `Layout::for_value(&*ptr)`; otherwise it owns no memory and is never passed to the
///   allocator.
///
/// # Examples
///
/// ```
/// use allockit::Box;
///
/// let b = Box::new([1, 2, 3]);
/// assert_eq!(b.len(), 3);
/// let s: Box<str> = Box::from("hello");
/// assert_eq!(&*s, "hello");
/// ```
pub struct Box<T: ?Sized, A: Allocator = Global> {
    ptr: NonNull<T>,
    alloc: A,
    /// The box owns a `T` (for the drop checker and auto traits).
    _owns: PhantomData<T>,
}

// SAFETY: a `Box` uniquely owns its value and its allocator, so sending the box sends
// both.
unsafe impl<T: ?Sized + Send, A: Allocator + Send> Send for Box<T, A> {}
// SAFETY: shared access to a box only gives `&T` and `&A`.
unsafe impl<T: ?Sized + Sync, A: Allocator + Sync> Sync for Box<T, A> {}

/// A block for `layout` from `alloc`, or a dangling pointer when the size is 0.
///
/// Generic over the allocator only, so it is compiled once per allocator.
#[inline]
fn allocate_block<A: Allocator>(
    layout: Layout,
    zeroed: bool,
    alloc: &A,
) -> Result<NonNull<u8>, AllocError> {
    if layout.size() == 0 {
        return Ok(dangling(layout.align()));
    }
    let block = if zeroed { alloc.allocate_zeroed(layout)? } else { alloc.allocate(layout)? };
    Ok(block.cast())
}

/// Frees a block made by [`allocate_block`]; does nothing when the size is 0.
///
/// # Safety
///
/// - if `layout.size() != 0`, `ptr` must be currently allocated by `alloc` and `layout`
///   must fit it;
/// - the block must not be used afterwards.
#[inline]
unsafe fn deallocate_block<A: Allocator>(ptr: NonNull<u8>, layout: Layout, alloc: &A) {
    if layout.size() != 0 {
        // SAFETY: forwarded from the caller: the block is currently allocated by `alloc`
        // and `layout` fits it.
        unsafe { alloc.deallocate(ptr, layout) }
    }
}

/// Frees a box's block when dropped, so that the memory is released even if the value's
/// destructor panics.
struct FreeOnDrop<'a, A: Allocator> {
    ptr: NonNull<u8>,
    layout: Layout,
    alloc: &'a A,
}

impl<A: Allocator> Drop for FreeOnDrop<'_, A> {
    fn drop(&mut self) {
        // SAFETY: the guard is built by `Box::drop` from the box's own block, layout and
        // allocator (the box invariants), and the box is not used after its drop.
        unsafe { deallocate_block(self.ptr, self.layout, self.alloc) }
    }
}

impl<T> Box<T> {
    /// Moves `x` to the heap of the global allocator. Does not allocate if `T` is
    /// zero-sized.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`] if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let five = Box::new(5);
    /// assert_eq!(*five, 5);
    /// ```
    #[inline]
    #[must_use]
    pub fn new(x: T) -> Self {
        Self::new_in(x, Global)
    }

    /// The fallible form of [`new`](Self::new).
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocator fails; `x` is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let five = Box::try_new(5).unwrap();
    /// assert_eq!(*five, 5);
    /// ```
    #[inline]
    pub fn try_new(x: T) -> Result<Self, AllocError> {
        Self::try_new_in(x, Global)
    }

    /// A box with room for a `T`, not initialised yet.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`] if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let mut b = Box::<u32>::new_uninit();
    /// b.write(7);
    /// // SAFETY: the value was just written.
    /// let b = unsafe { b.assume_init() };
    /// assert_eq!(*b, 7);
    /// ```
    #[inline]
    #[must_use]
    pub fn new_uninit() -> Box<MaybeUninit<T>> {
        Self::new_uninit_in(Global)
    }

    /// The fallible form of [`new_uninit`](Self::new_uninit).
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b = Box::<u64>::try_new_uninit().unwrap();
    /// assert_eq!(size_of_val(&*b), 8);
    /// ```
    #[inline]
    pub fn try_new_uninit() -> Result<Box<MaybeUninit<T>>, AllocError> {
        Self::try_new_uninit_in(Global)
    }

    /// A box with room for a `T` whose bytes are all zero.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`] if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b = Box::<u32>::new_zeroed();
    /// // SAFETY: zero is a valid `u32`.
    /// assert_eq!(*unsafe { b.assume_init() }, 0);
    /// ```
    #[inline]
    #[must_use]
    pub fn new_zeroed() -> Box<MaybeUninit<T>> {
        Self::new_zeroed_in(Global)
    }

    /// The fallible form of [`new_zeroed`](Self::new_zeroed).
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b = Box::<u8>::try_new_zeroed().unwrap();
    /// // SAFETY: zero is a valid `u8`.
    /// assert_eq!(*unsafe { b.assume_init() }, 0);
    /// ```
    #[inline]
    pub fn try_new_zeroed() -> Result<Box<MaybeUninit<T>>, AllocError> {
        Self::try_new_zeroed_in(Global)
    }

    /// Moves `x` to the heap and pins it there.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`] if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let p = Box::pin(5);
    /// assert_eq!(*p, 5);
    /// ```
    #[inline]
    #[must_use]
    pub fn pin(x: T) -> Pin<Self> {
        Self::pin_in(x, Global)
    }
}

impl<T, A: Allocator> Box<T, A> {
    /// Moves `x` to memory from `alloc`. Does not allocate if `T` is zero-sized.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`] if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::new_in([1u8; 4], Global);
    /// assert_eq!(*b, [1; 4]);
    /// ```
    #[inline]
    pub fn new_in(x: T, alloc: A) -> Self {
        match Self::try_new_in(x, alloc) {
            Ok(b) => b,
            Err(AllocError) => handle_alloc_error(Layout::new::<T>()),
        }
    }

    /// The fallible form of [`new_in`](Self::new_in).
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocator fails; `x` and `alloc` are dropped and nothing
    /// stays allocated.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::try_new_in("hi", Global).unwrap();
    /// assert_eq!(*b, "hi");
    /// ```
    #[inline]
    pub fn try_new_in(x: T, alloc: A) -> Result<Self, AllocError> {
        let uninit = Self::try_new_uninit_in(alloc)?;
        Ok(Box::write(uninit, x))
    }

    /// A box in `alloc` with room for a `T`, not initialised yet.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`] if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::<u16, _>::new_uninit_in(Global);
    /// let b = Box::write(b, 3);
    /// assert_eq!(*b, 3);
    /// ```
    #[inline]
    pub fn new_uninit_in(alloc: A) -> Box<MaybeUninit<T>, A> {
        match Self::try_new_uninit_in(alloc) {
            Ok(b) => b,
            Err(AllocError) => handle_alloc_error(Layout::new::<T>()),
        }
    }

    /// The fallible form of [`new_uninit_in`](Self::new_uninit_in).
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::<u16, _>::try_new_uninit_in(Global).unwrap();
    /// assert_eq!(Box::write(b, 9), Box::new(9));
    /// ```
    #[inline]
    pub fn try_new_uninit_in(alloc: A) -> Result<Box<MaybeUninit<T>, A>, AllocError> {
        Self::try_allocate_in(false, alloc)
    }

    /// A box in `alloc` with room for a `T` whose bytes are all zero.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`] if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::<[u32; 2], _>::new_zeroed_in(Global);
    /// // SAFETY: zero bytes are a valid `[u32; 2]`.
    /// assert_eq!(*unsafe { b.assume_init() }, [0, 0]);
    /// ```
    #[inline]
    pub fn new_zeroed_in(alloc: A) -> Box<MaybeUninit<T>, A> {
        match Self::try_new_zeroed_in(alloc) {
            Ok(b) => b,
            Err(AllocError) => handle_alloc_error(Layout::new::<T>()),
        }
    }

    /// The fallible form of [`new_zeroed_in`](Self::new_zeroed_in).
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the allocator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::<u32, _>::try_new_zeroed_in(Global).unwrap();
    /// // SAFETY: zero is a valid `u32`.
    /// assert_eq!(*unsafe { b.assume_init() }, 0);
    /// ```
    #[inline]
    pub fn try_new_zeroed_in(alloc: A) -> Result<Box<MaybeUninit<T>, A>, AllocError> {
        Self::try_allocate_in(true, alloc)
    }

    /// The one allocating path of the sized constructors.
    #[inline]
    fn try_allocate_in(zeroed: bool, alloc: A) -> Result<Box<MaybeUninit<T>, A>, AllocError> {
        let ptr = allocate_block(Layout::new::<T>(), zeroed, &alloc)?;
        // SAFETY: `ptr` is either dangling and aligned for a zero-sized `T`, or currently
        // allocated by `alloc` with `Layout::new::<T>()`, which is the layout of a
        // `MaybeUninit<T>`; any bytes are a valid `MaybeUninit<T>`.
        Ok(unsafe { Box::from_non_null_in(ptr.cast(), alloc) })
    }

    /// Moves `x` to memory from `alloc` and pins it there.
    ///
    /// The allocator must be `'static`: a pinned value must not have its memory reused
    /// before its destructor runs, and a borrowed allocator could be reset after the box
    /// was leaked. std has the same bound.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`] if the allocator
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let p = Box::pin_in(5, Global);
    /// assert_eq!(*p, 5);
    /// ```
    #[inline]
    pub fn pin_in(x: T, alloc: A) -> Pin<Self>
    where
        A: 'static,
    {
        Self::into_pin(Self::new_in(x, alloc))
    }

    /// Moves the value out of the box and frees the box's memory.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b = Box::new(String::from("moved"));
    /// let s: String = Box::into_inner(b);
    /// assert_eq!(s, "moved");
    /// ```
    #[inline]
    pub fn into_inner(b: Self) -> T {
        let (ptr, alloc) = Self::into_non_null_with_allocator(b);
        // SAFETY: by the invariants `ptr` points to an initialised `T` owned by the box;
        // it is read once and the box was taken apart, so it is not dropped again.
        let value = unsafe { ptr.read() };
        // SAFETY: by the invariants the block (if any) is currently allocated by `alloc`
        // with `Layout::new::<T>()`, and nothing uses it after this.
        unsafe { deallocate_block(ptr.cast(), Layout::new::<T>(), &alloc) };
        value
    }
}

impl<T, A: Allocator> Box<MaybeUninit<T>, A> {
    /// Writes `value` into the box and returns it, initialised.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b = Box::write(Box::<i32>::new_uninit(), -1);
    /// assert_eq!(*b, -1);
    /// ```
    #[inline]
    pub fn write(mut boxed: Self, value: T) -> Box<T, A> {
        (*boxed).write(value);
        // SAFETY: the value was just initialised.
        unsafe { boxed.assume_init() }
    }

    /// Converts to `Box<T, A>`, declaring the value initialised.
    ///
    /// # Safety
    ///
    /// - the value in the box must be an initialised, valid `T` (see
    ///   [`MaybeUninit::assume_init`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let mut b = Box::<u8>::new_uninit();
    /// b.write(1);
    /// // SAFETY: the value was written.
    /// assert_eq!(*unsafe { b.assume_init() }, 1);
    /// ```
    #[inline]
    pub unsafe fn assume_init(self) -> Box<T, A> {
        let (ptr, alloc) = Box::into_non_null_with_allocator(self);
        // SAFETY: `MaybeUninit<T>` and `T` have the same layout, so the block fits `T`;
        // the caller guarantees the value is an initialised `T`.
        unsafe { Box::from_non_null_in(ptr.cast(), alloc) }
    }
}

impl<T: ?Sized> Box<T> {
    /// Rebuilds a box from a pointer made by [`Box::into_raw`].
    ///
    /// # Safety
    ///
    /// As [`from_raw_in`](Box::from_raw_in) with the global allocator.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let raw = Box::into_raw(Box::new(5));
    /// // SAFETY: `raw` comes from `Box::into_raw` and is used once.
    /// let b = unsafe { Box::from_raw(raw) };
    /// assert_eq!(*b, 5);
    /// ```
    #[inline]
    pub unsafe fn from_raw(raw: *mut T) -> Self {
        // SAFETY: forwarded: the caller upholds `from_raw_in`'s contract.
        unsafe { Self::from_raw_in(raw, Global) }
    }

    /// The [`NonNull`] form of [`from_raw`](Self::from_raw).
    ///
    /// # Safety
    ///
    /// As [`from_raw_in`](Box::from_raw_in) with the global allocator.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let ptr = Box::into_non_null(Box::new(5));
    /// // SAFETY: `ptr` comes from `Box::into_non_null` and is used once.
    /// let b = unsafe { Box::from_non_null(ptr) };
    /// assert_eq!(*b, 5);
    /// ```
    #[inline]
    pub unsafe fn from_non_null(ptr: NonNull<T>) -> Self {
        // SAFETY: forwarded: the caller upholds `from_raw_in`'s contract.
        unsafe { Self::from_non_null_in(ptr, Global) }
    }

    /// Gives up ownership and returns the pointer; [`from_raw`](Self::from_raw) takes it
    /// back. Until then, the value is neither dropped nor freed.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let raw: *mut str = Box::into_raw(Box::from("abc"));
    /// // SAFETY: `raw` comes from `Box::into_raw` and is used once.
    /// drop(unsafe { Box::from_raw(raw) });
    /// ```
    #[inline]
    #[must_use = "losing the pointer leaks the value"]
    pub fn into_raw(b: Self) -> *mut T {
        Self::into_non_null(b).as_ptr()
    }

    /// The [`NonNull`] form of [`into_raw`](Self::into_raw).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let ptr = Box::into_non_null(Box::new(1u8));
    /// // SAFETY: `ptr` comes from `Box::into_non_null` and is used once.
    /// drop(unsafe { Box::from_non_null(ptr) });
    /// ```
    #[inline]
    #[must_use = "losing the pointer leaks the value"]
    pub fn into_non_null(b: Self) -> NonNull<T> {
        let (ptr, Global) = Self::into_non_null_with_allocator(b);
        ptr
    }
}

impl<T: ?Sized, A: Allocator> Box<T, A> {
    /// Rebuilds a box from a pointer and the allocator that allocated it.
    ///
    /// # Safety
    ///
    /// - `raw` must be non-null, aligned, and point to an initialised, valid value of `T`;
    /// - if that value's size is not 0, `raw` must be currently allocated by `alloc` with
    ///   the layout `Layout::for_value(&*raw)` (as
    ///   [`into_raw_with_allocator`](Self::into_raw_with_allocator) leaves it);
    /// - the box takes ownership of the value and the block: nothing else may use or free
    ///   them afterwards.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let (raw, alloc) = Box::into_raw_with_allocator(Box::new_in(3, Global));
    /// // SAFETY: the parts come from `into_raw_with_allocator` and are used once.
    /// let b = unsafe { Box::from_raw_in(raw, alloc) };
    /// assert_eq!(*b, 3);
    /// ```
    #[inline]
    pub unsafe fn from_raw_in(raw: *mut T, alloc: A) -> Self {
        // SAFETY: the caller guarantees `raw` is non-null.
        let ptr = unsafe { NonNull::new_unchecked(raw) };
        // SAFETY: forwarded: the caller upholds the same contract.
        unsafe { Self::from_non_null_in(ptr, alloc) }
    }

    /// The [`NonNull`] form of [`from_raw_in`](Self::from_raw_in).
    ///
    /// # Safety
    ///
    /// As [`from_raw_in`](Self::from_raw_in).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let (ptr, alloc) = Box::into_non_null_with_allocator(Box::new_in(3, Global));
    /// // SAFETY: the parts come from `into_non_null_with_allocator` and are used once.
    /// let b = unsafe { Box::from_non_null_in(ptr, alloc) };
    /// assert_eq!(*b, 3);
    /// ```
    #[inline]
    pub const unsafe fn from_non_null_in(ptr: NonNull<T>, alloc: A) -> Self {
        Box { ptr, alloc, _owns: PhantomData }
    }

    /// Gives up ownership and returns the pointer and the allocator;
    /// [`from_raw_in`](Self::from_raw_in) takes them back. Until then, the value is
    /// neither dropped nor freed.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let (raw, alloc) = Box::into_raw_with_allocator(Box::new_in([1, 2], Global));
    /// // SAFETY: the parts come from `into_raw_with_allocator` and are used once.
    /// assert_eq!(*unsafe { Box::from_raw_in(raw, alloc) }, [1, 2]);
    /// ```
    #[inline]
    #[must_use = "losing the pointer leaks the value"]
    pub fn into_raw_with_allocator(b: Self) -> (*mut T, A) {
        let (ptr, alloc) = Self::into_non_null_with_allocator(b);
        (ptr.as_ptr(), alloc)
    }

    /// The [`NonNull`] form of [`into_raw_with_allocator`](Self::into_raw_with_allocator).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let (ptr, alloc) = Box::into_non_null_with_allocator(Box::new_in(1u8, Global));
    /// // SAFETY: the parts come from `into_non_null_with_allocator` and are used once.
    /// drop(unsafe { Box::from_non_null_in(ptr, alloc) });
    /// ```
    #[inline]
    #[must_use = "losing the pointer leaks the value"]
    pub fn into_non_null_with_allocator(b: Self) -> (NonNull<T>, A) {
        let b = ManuallyDrop::new(b);
        // SAFETY: `b` is never dropped or used again, so the allocator is moved out once.
        let alloc = unsafe { ptr::read(&b.alloc) };
        (b.ptr, alloc)
    }

    /// Leaks the box: the value is never dropped and its memory never freed, and the
    /// returned reference lives as long as the allocator can (`A: 'a`). The allocator is
    /// leaked too.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let r: &'static mut [u8] = Box::leak(Box::from(&[1u8, 2][..]));
    /// r[0] = 9;
    /// assert_eq!(r, [9, 2]);
    /// # // Give the memory back so the sanitizer run sees no leak.
    /// # // SAFETY: `r` is the leaked value of a global box, reclaimed once.
    /// # drop(unsafe { Box::from_raw(r) });
    /// ```
    #[inline]
    pub fn leak<'a>(b: Self) -> &'a mut T
    where
        A: 'a,
    {
        let (ptr, alloc) = Self::into_non_null_with_allocator(b);
        // The block stays allocated: the allocator is never dropped or asked to free it.
        core::mem::forget(alloc);
        // SAFETY: by the invariants `ptr` points to an initialised `T` owned by the box,
        // which is now owned by the reference; the memory lives as long as `A` does, which
        // outlives `'a`.
        unsafe { &mut *ptr.as_ptr() }
    }

    /// The allocator of the box.
    ///
    /// This is an associated function (`Box::allocator(&b)`), so that it does not shadow a
    /// method of the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    /// use allockit::alloc::Global;
    ///
    /// let b = Box::new_in(1, Global);
    /// let _alloc: &Global = Box::allocator(&b);
    /// ```
    #[inline]
    pub const fn allocator(b: &Self) -> &A {
        &b.alloc
    }

    /// A raw pointer to the value, without giving up ownership.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let b = Box::new(7);
    /// // SAFETY: the box is alive and not mutated while the pointer is read.
    /// assert_eq!(unsafe { *Box::as_ptr(&b) }, 7);
    /// ```
    #[inline]
    pub const fn as_ptr(b: &Self) -> *const T {
        b.ptr.as_ptr()
    }

    /// A raw mutable pointer to the value, without giving up ownership.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let mut b = Box::new(7);
    /// // SAFETY: the box is alive and not otherwise used while the pointer is written.
    /// unsafe { *Box::as_mut_ptr(&mut b) = 8 };
    /// assert_eq!(*b, 8);
    /// ```
    #[inline]
    pub const fn as_mut_ptr(b: &mut Self) -> *mut T {
        b.ptr.as_ptr()
    }

    /// Pins the box's value: it will not move again until it is dropped.
    ///
    /// The allocator must be `'static`, as for [`pin_in`](Box::pin_in).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Box;
    ///
    /// let p = Box::into_pin(Box::new(1));
    /// assert_eq!(*p, 1);
    /// ```
    #[inline]
    pub fn into_pin(b: Self) -> Pin<Self>
    where
        A: 'static,
    {
        // SAFETY: the value lives at a fixed address until the box is dropped; `Pin`
        // only hands out `Pin<&mut T>` (moving it out needs `T: Unpin`); and with a
        // `'static` allocator the block cannot be reused without the value being dropped
        // (leaking the box leaks the block for good).
        unsafe { Pin::new_unchecked(b) }
    }
}

#[cfg(feature = "nightly")]
// SAFETY: dropping a box drops its `T` (the `PhantomData<T>` field tells the drop
// checker so) and frees the block; it does not otherwise use borrowed data inside `T`.
unsafe impl<#[may_dangle] T: ?Sized, A: Allocator> Drop for Box<T, A> {
    fn drop(&mut self) {
        // SAFETY: the box is being dropped and not used afterwards.
        unsafe { self.drop_and_free() }
    }
}

#[cfg(not(feature = "nightly"))]
impl<T: ?Sized, A: Allocator> Drop for Box<T, A> {
    fn drop(&mut self) {
        // SAFETY: the box is being dropped and not used afterwards.
        unsafe { self.drop_and_free() }
    }
}

impl<T: ?Sized, A: Allocator> Box<T, A> {
    /// The two phases of the drop: the value's destructor, then `deallocate` with the
    /// value's layout (skipped when its size is 0). The memory is freed even if the
    /// destructor panics.
    ///
    /// # Safety
    ///
    /// - the box must not be used afterwards (it is being dropped).
    #[inline]
    unsafe fn drop_and_free(&mut self) {
        // SAFETY: by the invariants `ptr` points to a valid value; only its size and
        // alignment are read, before it is dropped.
        let layout = Layout::for_value(unsafe { self.ptr.as_ref() });
        let _free = FreeOnDrop { ptr: self.ptr.cast(), layout, alloc: &self.alloc };
        // SAFETY: the box owns an initialised value at `ptr` and drops it exactly once;
        // the guard frees the block afterwards, also when this panics.
        unsafe { ptr::drop_in_place(self.ptr.as_ptr()) };
    }
}

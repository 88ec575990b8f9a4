//! Unsizing a box (`Box<T, A>` to `Box<dyn Trait, A>` or `Box<[T], A>`), and calling
//! boxed closures.
//!
//! | build                | `Box<T, A>` → `Box<dyn Trait, A>`           | `b()` on a boxed closure     |
//! |----------------------|---------------------------------------------|------------------------------|
//! | `--features nightly` | implicit, like std (`CoerceUnsized`)        | `Fn`, `FnMut`, `FnOnce`      |
//! | stable               | [`unsize_box!`](crate::unsize_box)`(b)`     | `(*b)()` for `Fn`/`FnMut`; see below |
//!
//! On stable a crate cannot implement the `Fn` traits, so `b()` does not compile; `(*b)()`
//! calls a `Box<dyn Fn()>` or `Box<dyn FnMut()>` through the value, and a
//! `Box<dyn FnOnce()>` (which needs to move the value out of the box) can be called after
//! [`Box::into_std`] when its allocator is `Global`. allockit offers no `call_once` for
//! other allocators on stable: moving an unsized value out of a box is not expressible
//! there.

#[cfg(feature = "nightly")]
use core::marker::{Tuple, Unsize};
#[cfg(feature = "nightly")]
use core::ops::{CoerceUnsized, DispatchFromDyn};

#[cfg(feature = "nightly")]
use super::Box;
#[cfg(feature = "nightly")]
use crate::alloc::{Allocator, Global};

#[cfg(feature = "nightly")]
impl<T: ?Sized + Unsize<U>, U: ?Sized, A: Allocator> CoerceUnsized<Box<U, A>> for Box<T, A> {}

#[cfg(feature = "nightly")]
impl<T: ?Sized + Unsize<U>, U: ?Sized> DispatchFromDyn<Box<U>> for Box<T, Global> {}

#[cfg(feature = "nightly")]
// SAFETY: `Box` derefs to the same value however often it is dereferenced, and moving or
// unsizing the box does not move the value.
unsafe impl<T: ?Sized, A: Allocator> core::pin::PinCoerceUnsized for Box<T, A> {}

#[cfg(feature = "nightly")]
impl<Args: Tuple, F: FnOnce<Args> + ?Sized, A: Allocator> FnOnce<Args> for Box<F, A> {
    type Output = <F as FnOnce<Args>>::Output;

    /// Moves the closure out of the box and calls it, also when it is unsized
    /// (`Box<dyn FnOnce()>`): the box is handed to std's `Box<F, A>`, which owns the same
    /// kind of block and can move an unsized value out (`unsized_fn_params`).
    extern "rust-call" fn call_once(self, args: Args) -> Self::Output {
        let (raw, alloc) = Box::into_raw_with_allocator(self);
        // SAFETY: our invariants are std's `Box<F, A>` invariants: a valid value,
        // allocated by `alloc` with `Layout::for_value` unless its size is 0 (std does not
        // free values of size 0 either), owned once.
        let std_box = unsafe { alloc_crate::boxed::Box::from_raw_in(raw, alloc) };
        <alloc_crate::boxed::Box<F, A> as FnOnce<Args>>::call_once(std_box, args)
    }
}

#[cfg(feature = "nightly")]
impl<Args: Tuple, F: FnMut<Args> + ?Sized, A: Allocator> FnMut<Args> for Box<F, A> {
    extern "rust-call" fn call_mut(&mut self, args: Args) -> Self::Output {
        <F as FnMut<Args>>::call_mut(&mut **self, args)
    }
}

#[cfg(feature = "nightly")]
impl<Args: Tuple, F: Fn<Args> + ?Sized, A: Allocator> Fn<Args> for Box<F, A> {
    extern "rust-call" fn call(&self, args: Args) -> Self::Output {
        <F as Fn<Args>>::call(&**self, args)
    }
}

/// Unsizes a box on stable Rust: `Box<T, A>` to `Box<dyn Trait, A>`, `Box<[T; N], A>` to
/// `Box<[T], A>`, and every other unsizing the compiler allows for pointers.
///
/// `unsize_box!(b)` takes the box apart into its pointer and allocator, lets the compiler
/// coerce the pointer to the type the context expects (a `let` with a type, a function
/// argument, a return value), and puts the box back together. `unsize_box!(b => U)` names
/// the target pointee type `U` instead. The conversion is checked by the compiler: only
/// a real unsizing coercion (or none at all) compiles, never a cast between unrelated
/// types, and the unsized value keeps the size and alignment of the original, so the box
/// frees it with the same layout. Nothing is allocated or copied.
///
/// With the `nightly` feature a plain coercion does the same (`let b: Box<dyn Trait, A> =
/// b;`); the macro still works there.
///
/// # Examples
///
/// A trait object:
///
/// ```
/// use allockit::{Box, unsize_box};
/// use allockit::alloc::Global;
/// use core::fmt::Display;
///
/// let b: Box<dyn Display, Global> = unsize_box!(Box::new_in(42, Global));
/// assert_eq!(b.to_string(), "42");
/// ```
///
/// A closure (call it through the value on stable, `(*f)()`):
///
/// ```
/// use allockit::{Box, unsize_box};
///
/// let mut count = 0;
/// let mut f: Box<dyn FnMut() -> i32> = unsize_box!(Box::new(|| {
///     count += 1;
///     count
/// }));
/// assert_eq!((*f)(), 1);
/// assert_eq!((*f)(), 2);
/// ```
///
/// An array to a slice, naming the target type:
///
/// ```
/// use allockit::{Box, unsize_box};
///
/// let b = unsize_box!(Box::new([1, 2, 3]) => [i32]);
/// assert_eq!(b.len(), 3);
/// ```
///
/// Anything but an unsizing coercion is refused:
///
/// ```compile_fail
/// use allockit::{Box, unsize_box};
///
/// let b: Box<u32> = unsize_box!(Box::new([0u8; 4]));
/// ```
#[macro_export]
macro_rules! unsize_box {
    ($boxed:expr) => {{
        let (raw, alloc) = $crate::Box::into_raw_with_allocator($boxed);
        // SAFETY: `raw` and `alloc` come from one box and are used once; the compiler
        // only lets `raw` reach `from_raw_in` through an unsizing coercion, which keeps
        // the value's size and alignment (so its layout).
        unsafe { $crate::Box::from_raw_in(raw, alloc) }
    }};
    ($boxed:expr => $target:ty) => {{
        let (raw, alloc) = $crate::Box::into_raw_with_allocator($boxed);
        let raw: *mut $target = raw;
        // SAFETY: `raw` and `alloc` come from one box and are used once; the coercion to
        // `*mut $target` above is checked by the compiler and keeps the value's layout.
        unsafe { $crate::Box::<$target, _>::from_raw_in(raw, alloc) }
    }};
}

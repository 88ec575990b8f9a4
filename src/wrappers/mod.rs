//! Allocator wrappers: allocators that hold another allocator and forward every call to
//! it, doing one more thing on the way.
//!
//! A wrapper is itself an allocator, so it goes wherever an allocator goes: under a
//! `Vec<T, A>`, as the parent of a [`Bump`](crate::Bump), inside another wrapper, or (for
//! a wrapper that implements [`GlobalAlloc`](core::alloc::GlobalAlloc)) as the
//! `#[global_allocator]` of a whole program. The memory always comes from the wrapped
//! allocator (the *inner* one); the wrapper only watches, or translates.
//!
//! | wrapper                | wraps                              | use it to                                                        |
//! |------------------------|------------------------------------|------------------------------------------------------------------|
//! | [`Counting<A>`]        | an `Allocator` or a `GlobalAlloc`  | count allocations, frees, resizes, failures and live/peak bytes  |
//! | [`FromGlobalAlloc<G>`] | a zero-sized `GlobalAlloc`         | use `std::alloc::System`, mimalloc, jemalloc... as an `Allocator` |
//!
//! **[`Counting`]** answers "how much does this allocate?". In a test, assert that a
//! function makes exactly the allocations you expect; in a server, take a
//! [`stats`](Counting::stats) snapshot before and after a request and print the
//! [difference](CountingStats::since); as the `#[global_allocator]`, count everything the
//! program allocates. Its counters are atomics, so one `Counting` can be shared by
//! reference (`&Counting<A>` is an allocator too) between collections and threads.
//!
//! **[`FromGlobalAlloc`]** answers "can I put a `Vec` on *that* heap?". `GlobalAlloc` is
//! the stable trait that heap allocators implement so they can be a program's
//! `#[global_allocator]`; it can serve only one program-wide role that way. Wrapped,
//! the same allocator becomes an `Allocator`, so one binary can hold collections over
//! the system allocator, over mimalloc and over a [`Bump`](crate::Bump) side by side, for
//! instance to benchmark them against each other.
//!
//! Wrappers compose: `Counting<FromGlobalAlloc<System>>` counts what a collection asks of
//! the system allocator, and `Bump<&Counting<Global>>` counts the chunks a bump takes from
//! the global heap.
//!
//! # Examples
//!
//! Two vectors sharing one counter over the system allocator:
//!
//! ```
//! use allockit::Vec;
//! use allockit::wrappers::{Counting, FromGlobalAlloc};
//! use std::alloc::System;
//!
//! let counter = Counting::new(FromGlobalAlloc::new(System));
//! let mut a: Vec<u32, _> = Vec::new_in(&counter);
//! let mut b: Vec<u8, _> = Vec::new_in(&counter);
//! for i in 0..10 {
//!     a.push(i); // capacity 4, then 8, then 16: one allocation and two grows
//! }
//! b.push(1); // capacity 8 (the minimum for bytes)
//!
//! let stats = counter.stats();
//! assert_eq!((stats.allocations, stats.grows), (2, 2));
//! assert_eq!(stats.live_bytes, 16 * 4 + 8);
//! drop((a, b));
//! assert_eq!(counter.stats().live_bytes, 0);
//! assert_eq!(counter.stats().deallocations, 2);
//! ```

use core::ptr::NonNull;

use crate::alloc::Layout;

/// The six operations of a wrapper, in the shape of `Allocator` but returning `Option`,
/// so that `impl_wrapper!` can derive both `Allocator` traits (allocator-api2's always,
/// core's with `nightly`) from one implementation.
///
/// Unlike the crate's `AllocatorCore`, the zeroing operations are methods of their own: a
/// wrapper forwards them to its inner allocator's zeroing methods, which may know that
/// fresh memory is already zero (pages straight from the OS) and skip the writes.
///
/// # Safety
///
/// Implementors must meet the contract of `Allocator` for each method of the same name
/// (`raw_allocate` for `allocate`, and so on), with `None` standing for `AllocError`.
unsafe trait WrapperCore {
    /// `Allocator::allocate`.
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>>;

    /// `Allocator::allocate_zeroed`.
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>>;

    /// `Allocator::deallocate`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this allocator, and
    /// - `layout` must fit that block.
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout);

    /// `Allocator::grow`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this allocator,
    /// - `old` must fit that block, and
    /// - `new.size()` must be at least `old.size()`.
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>>;

    /// `Allocator::grow_zeroed`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this allocator,
    /// - `old` must fit that block, and
    /// - `new.size()` must be at least `old.size()`.
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>>;

    /// `Allocator::shrink`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this allocator,
    /// - `old` must fit that block, and
    /// - `new.size()` must be at most `old.size()`.
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>>;
}

/// Implements one `Allocator` trait for a (value) type that implements [`WrapperCore`],
/// forwarding every method, the zeroing ones included.
macro_rules! forward_wrapper {
    ($trait_:path, $error:path, [$($generics:tt)*] $ty:ty) => {
        // SAFETY: every method forwards to `WrapperCore`, whose contract is this trait's
        // (see `WrapperCore`'s `# Safety`).
        unsafe impl<$($generics)*> $trait_ for $ty {
            #[inline]
            fn allocate(
                &self,
                layout: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                $crate::wrappers::WrapperCore::raw_allocate(self, layout).ok_or($error)
            }

            #[inline]
            fn allocate_zeroed(
                &self,
                layout: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                $crate::wrappers::WrapperCore::raw_allocate_zeroed(self, layout).ok_or($error)
            }

            #[inline]
            unsafe fn deallocate(&self, ptr: core::ptr::NonNull<u8>, layout: $crate::alloc::Layout) {
                // SAFETY: the caller's `deallocate` contract is `raw_deallocate`'s.
                unsafe { $crate::wrappers::WrapperCore::raw_deallocate(self, ptr, layout) }
            }

            #[inline]
            unsafe fn grow(
                &self,
                ptr: core::ptr::NonNull<u8>,
                old: $crate::alloc::Layout,
                new: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                // SAFETY: the caller's `grow` contract is `raw_grow`'s.
                unsafe { $crate::wrappers::WrapperCore::raw_grow(self, ptr, old, new) }
                    .ok_or($error)
            }

            #[inline]
            unsafe fn grow_zeroed(
                &self,
                ptr: core::ptr::NonNull<u8>,
                old: $crate::alloc::Layout,
                new: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                // SAFETY: the caller's `grow_zeroed` contract is `raw_grow_zeroed`'s.
                unsafe { $crate::wrappers::WrapperCore::raw_grow_zeroed(self, ptr, old, new) }
                    .ok_or($error)
            }

            #[inline]
            unsafe fn shrink(
                &self,
                ptr: core::ptr::NonNull<u8>,
                old: $crate::alloc::Layout,
                new: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                // SAFETY: the caller's `shrink` contract is `raw_shrink`'s.
                unsafe { $crate::wrappers::WrapperCore::raw_shrink(self, ptr, old, new) }
                    .ok_or($error)
            }
        }
    };
}

/// Implements allocator-api2's `Allocator` and, with `nightly`, core's for a value type
/// that implements [`WrapperCore`]: `impl_wrapper!([A: Allocator] Counting<A>)`. The
/// blanket `impl Allocator for &T` of each trait crate then covers `&Counting<A>`.
macro_rules! impl_wrapper {
    ([$($generics:tt)*] $ty:ty) => {
        forward_wrapper!(
            allocator_api2::alloc::Allocator,
            allocator_api2::alloc::AllocError,
            [$($generics)*] $ty
        );
        #[cfg(feature = "nightly")]
        forward_wrapper!(
            core::alloc::Allocator,
            core::alloc::AllocError,
            [$($generics)*] $ty
        );
    };
}

// Declared after the macros: `macro_rules!` scoping is textual.
#[cfg(target_has_atomic = "ptr")]
mod counting;
mod from_global;

#[cfg(target_has_atomic = "ptr")]
pub use counting::{Counting, CountingStats};
pub use from_global::FromGlobalAlloc;

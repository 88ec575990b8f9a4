//! The one place that chooses which `Allocator` trait allockit is built on.
//!
//! Rust has two spellings of the allocator API today:
//!
//! | build                  | trait used                          | works with                                   |
//! |------------------------|-------------------------------------|----------------------------------------------|
//! | default (stable)       | [`allocator_api2`] 0.2's `Allocator` | hashbrown, bumpalo (`allocator-api2` feature) |
//! | `--features nightly`   | `core::alloc::Allocator`            | std's `Vec::new_in`, hashbrown's `nightly`    |
//!
//! Every other module names the trait as `crate::alloc::Allocator`, so the choice is made
//! exactly once, here. The two traits have the same methods and the same contract; the
//! [`Allocator`] docs (core's, or allocator-api2's copy of them) define the terms used in
//! every `# Safety` section of this crate:
//!
//! - a pointer is **currently allocated** by an allocator if it was returned by one of its
//!   allocating methods (or a clone's) and has not been deallocated since;
//! - a layout **fits** a block if it has the block's alignment and a size between the size
//!   that was requested and the length of the slice that was returned.
//!
//! The crate's own allocators (`&Bump`, ...) implement allocator-api2's trait in both
//! builds and, with `nightly`, core's as well, so they plug into hashbrown's
//! `allocator-api2` feature and std's `Vec::new_in` at the same time.
//!
//! allocator-api2's own `nightly` feature is deliberately *not* enabled: through Cargo's
//! feature unification it would switch every crate in the build graph to core's trait at
//! once, and break the crates that implement both traits.
//!
//! # Examples
//!
//! ```
//! use allockit::alloc::{Allocator, Global, Layout};
//!
//! let layout = Layout::new::<u64>();
//! let block = Global.allocate(layout).expect("out of memory");
//! assert!(block.len() >= 8);
//! // SAFETY: `block` was allocated by `Global` with `layout` and is freed once.
//! unsafe { Global.deallocate(block.cast(), layout) };
//! ```

#[cfg(feature = "nightly")]
pub use alloc_crate::alloc::{AllocError, Allocator, Global};

#[cfg(not(feature = "nightly"))]
pub use allocator_api2::alloc::{AllocError, Allocator, Global};

pub use core::alloc::{Layout, LayoutError};

/// Reports an allocation failure the way the standard library does: by calling the
/// registered allocation-error handler, which aborts by default.
///
/// This is what every infallible method of this crate does when its allocator returns
/// [`AllocError`]; the `try_` methods return the error instead.
pub use alloc_crate::alloc::handle_alloc_error;

/// A non-null pointer with no provenance, aligned to `align`: the placeholder for a
/// block of size 0 (an empty buffer, a zero-sized value), never passed to an allocator.
#[inline]
pub(crate) const fn dangling(align: usize) -> core::ptr::NonNull<u8> {
    // SAFETY: an alignment is a power of two, so it is never zero.
    unsafe { core::ptr::NonNull::new_unchecked(core::ptr::without_provenance_mut(align)) }
}

/// The operations an allockit allocator implements once, in the shape of [`Allocator`]
/// but returning `Option`, so that [`impl_allocator!`] can derive both traits from them:
/// allocator-api2's `Allocator` always (so hashbrown and bumpalo users can share our
/// allocators on stable *and* nightly), and with `nightly` also core's.
///
/// # Safety
///
/// Implementors must meet the contract of [`Allocator`] for each method of the same name
/// (`raw_allocate` for `allocate`, and so on), with `None` standing for `AllocError`.
pub(crate) unsafe trait AllocatorCore {
    /// `Allocator::allocate`.
    fn raw_allocate(&self, layout: Layout) -> Option<core::ptr::NonNull<[u8]>>;

    /// `Allocator::deallocate`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this allocator, and
    /// - `layout` must fit that block.
    unsafe fn raw_deallocate(&self, ptr: core::ptr::NonNull<u8>, layout: Layout);

    /// `Allocator::grow`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this allocator,
    /// - `old` must fit that block, and
    /// - `new.size()` must be at least `old.size()`.
    unsafe fn raw_grow(
        &self,
        ptr: core::ptr::NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<core::ptr::NonNull<[u8]>>;

    /// `Allocator::shrink`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this allocator,
    /// - `old` must fit that block, and
    /// - `new.size()` must be at most `old.size()`.
    unsafe fn raw_shrink(
        &self,
        ptr: core::ptr::NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<core::ptr::NonNull<[u8]>>;

    /// `Allocator::allocate_zeroed`: by default `raw_allocate`, then zeroing. A wrapper
    /// overrides it to forward to its inner allocator's own, which may know that fresh
    /// memory is already zero (pages straight from the OS) and skip the writes.
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<core::ptr::NonNull<[u8]>> {
        let block = self.raw_allocate(layout)?;
        // SAFETY: a fresh block is valid for writes of its whole length.
        unsafe { block.cast::<u8>().write_bytes(0, block.len()) };
        Some(block)
    }

    /// `Allocator::grow_zeroed`: by default `raw_grow`, then zeroing the new bytes;
    /// wrappers override it as `raw_allocate_zeroed`.
    ///
    /// # Safety
    ///
    /// - As [`raw_grow`](AllocatorCore::raw_grow).
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: core::ptr::NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<core::ptr::NonNull<[u8]>> {
        // SAFETY: the caller's contract is `raw_grow`'s.
        let block = unsafe { self.raw_grow(ptr, old, new) }?;
        // SAFETY: the grown block is valid for writes of `block.len() >= old.size()`
        // bytes; the ones past the old contents are zeroed, as `grow_zeroed` promises.
        unsafe { block.cast::<u8>().add(old.size()).write_bytes(0, block.len() - old.size()) };
        Some(block)
    }
}

/// Moves a block that cannot be resized in place: copies its first `copy` bytes into the
/// fresh `block`, frees the old one through `alloc`, and returns `block` as a slice of
/// `new_size` bytes.
///
/// # Safety
///
/// - `ptr` must be currently allocated by `alloc` with `old`, and not used afterwards.
/// - `block` must be a fresh block of `alloc` with room for `new_size >= copy` bytes, and
///   `copy` at most `old.size()`.
#[inline]
pub(crate) unsafe fn move_block<A: AllocatorCore>(
    alloc: &A,
    ptr: core::ptr::NonNull<u8>,
    old: Layout,
    block: core::ptr::NonNull<u8>,
    copy: usize,
    new_size: usize,
) -> core::ptr::NonNull<[u8]> {
    debug_assert!(copy <= old.size() && copy <= new_size);
    // SAFETY: both blocks hold at least `copy` bytes and do not overlap (the new one is
    // fresh); the old block is given up (caller's contract).
    unsafe {
        core::ptr::copy_nonoverlapping(ptr.as_ptr(), block.as_ptr(), copy);
        alloc.raw_deallocate(ptr, old);
    }
    core::ptr::NonNull::slice_from_raw_parts(block, new_size)
}

/// The `AllocatorCore` an implementation forwards to: `*self` for a reference type
/// (`&'a Bump<A>` forwards to `Bump<A>`), `self` for a value type (`Counting<A>`).
macro_rules! core_of {
    (by_ref, $this:expr) => {
        *$this
    };
    (by_value, $this:expr) => {
        $this
    };
}
pub(crate) use core_of;

/// Implements one `Allocator` trait for a type whose `AllocatorCore` is found by
/// [`core_of!`] in `$mode`, forwarding every method (the zeroing ones included, so a
/// wrapper's can reach its inner allocator's).
macro_rules! forward_allocator {
    ($trait_:path, $error:path, $mode:ident, [$($generics:tt)*] $ty:ty) => {
        // SAFETY: every method forwards to `AllocatorCore`, whose contract is this
        // trait's (see `AllocatorCore`'s `# Safety`).
        unsafe impl<$($generics)*> $trait_ for $ty {
            #[inline(always)]
            fn allocate(
                &self,
                layout: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                let core = $crate::alloc::core_of!($mode, self);
                $crate::alloc::AllocatorCore::raw_allocate(core, layout).ok_or($error)
            }

            #[inline]
            fn allocate_zeroed(
                &self,
                layout: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                let core = $crate::alloc::core_of!($mode, self);
                $crate::alloc::AllocatorCore::raw_allocate_zeroed(core, layout).ok_or($error)
            }

            #[inline]
            unsafe fn deallocate(&self, ptr: core::ptr::NonNull<u8>, layout: $crate::alloc::Layout) {
                let core = $crate::alloc::core_of!($mode, self);
                // SAFETY: the caller's `deallocate` contract is `raw_deallocate`'s.
                unsafe { $crate::alloc::AllocatorCore::raw_deallocate(core, ptr, layout) }
            }

            #[inline]
            unsafe fn grow(
                &self,
                ptr: core::ptr::NonNull<u8>,
                old: $crate::alloc::Layout,
                new: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                let core = $crate::alloc::core_of!($mode, self);
                // SAFETY: the caller's `grow` contract is `raw_grow`'s.
                unsafe { $crate::alloc::AllocatorCore::raw_grow(core, ptr, old, new) }
                    .ok_or($error)
            }

            #[inline]
            unsafe fn grow_zeroed(
                &self,
                ptr: core::ptr::NonNull<u8>,
                old: $crate::alloc::Layout,
                new: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                let core = $crate::alloc::core_of!($mode, self);
                // SAFETY: the caller's `grow_zeroed` contract is `raw_grow_zeroed`'s.
                unsafe { $crate::alloc::AllocatorCore::raw_grow_zeroed(core, ptr, old, new) }
                    .ok_or($error)
            }

            #[inline]
            unsafe fn shrink(
                &self,
                ptr: core::ptr::NonNull<u8>,
                old: $crate::alloc::Layout,
                new: $crate::alloc::Layout,
            ) -> Result<core::ptr::NonNull<[u8]>, $error> {
                let core = $crate::alloc::core_of!($mode, self);
                // SAFETY: the caller's `shrink` contract is `raw_shrink`'s.
                unsafe { $crate::alloc::AllocatorCore::raw_shrink(core, ptr, old, new) }
                    .ok_or($error)
            }
        }
    };
}
pub(crate) use forward_allocator;

/// Implements allocator-api2's `Allocator` and, with `nightly`, core's, from an
/// [`AllocatorCore`] implementation: for a reference type whose referent implements it
/// (`impl_allocator!(['a, A: Allocator] &'a Bump<A>)`), or for a value type that does
/// (`impl_allocator!([A: Allocator] Counting<A>)`; the trait crates' blanket
/// `impl Allocator for &T` then covers `&Counting<A>`).
macro_rules! impl_allocator {
    ([$($generics:tt)*] & $lifetime:lifetime $ty:ty) => {
        $crate::alloc::impl_allocator!(@both by_ref, [$($generics)*] &$lifetime $ty);
    };
    ([$($generics:tt)*] $ty:ty) => {
        $crate::alloc::impl_allocator!(@both by_value, [$($generics)*] $ty);
    };
    (@both $mode:ident, [$($generics:tt)*] $ty:ty) => {
        $crate::alloc::forward_allocator!(
            allocator_api2::alloc::Allocator,
            allocator_api2::alloc::AllocError,
            $mode,
            [$($generics)*] $ty
        );
        #[cfg(feature = "nightly")]
        $crate::alloc::forward_allocator!(
            core::alloc::Allocator,
            core::alloc::AllocError,
            $mode,
            [$($generics)*] $ty
        );
    };
}
pub(crate) use impl_allocator;

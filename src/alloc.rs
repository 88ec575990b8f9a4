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

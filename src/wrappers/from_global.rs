//! [`FromGlobalAlloc`]: any zero-sized `GlobalAlloc` as an `Allocator`.
//!
//! The two traits differ in three ways this adapter bridges:
//!
//! | `Allocator` asks for                 | `GlobalAlloc` offers                  | the adapter                                   |
//! |--------------------------------------|---------------------------------------|-----------------------------------------------|
//! | zero-sized blocks                    | nothing (size 0 is undefined behaviour) | a dangling, aligned pointer; freeing it is a no-op |
//! | `grow`/`shrink` to another alignment | `realloc`, which keeps the alignment   | `realloc` for the same alignment, else allocate, copy, free |
//! | `AllocError`                         | a null pointer                        | null becomes `AllocError`                     |

use core::alloc::GlobalAlloc;
use core::ptr::{self, NonNull};

use crate::alloc::{AllocatorCore, impl_allocator};
use crate::alloc::{Layout, dangling};

/// An `Allocator` over a [`GlobalAlloc`] such as `std::alloc::System` or mimalloc's
/// `MiMalloc`, so collections can use that heap without it being the program's
/// `#[global_allocator]`.
///
/// ```text
///   Vec<T, FromGlobalAlloc<System>>    ── allocate / grow / shrink / deallocate ──►
///   FromGlobalAlloc                    ── alloc / alloc_zeroed / realloc / dealloc ──►  System
/// ```
///
/// Requests of size zero never reach the `GlobalAlloc` (for which they are undefined
/// behaviour): they get a dangling pointer aligned as asked, freeing one does nothing,
/// growing one allocates and shrinking to zero frees. `grow` and `shrink` use `realloc`
/// when the alignment stays the same, and otherwise allocate a new block, copy and free the
/// old one. `allocate_zeroed` uses `alloc_zeroed`. Blocks are exactly the requested size.
///
/// # Only zero-sized `GlobalAlloc`s
///
/// [`new`](Self::new) accepts only a zero-sized `G` (`System`, `MiMalloc`, jemalloc's
/// `Jemalloc`...), and fails to compile for any other. A collection owns its allocator
/// and moves it around, and the `Allocator` contract requires that moving or copying the
/// allocator leaves its blocks valid. `GlobalAlloc` promises no such thing: it is made for
/// `static`s, which never move, and a `GlobalAlloc` that keeps its heap *inside* itself
/// (an array in the struct) would hand a moved `Vec` dangling pointers. A zero-sized value
/// has no inside, so its state, if any, lives in statics or the OS, and moving it moves
/// nothing. To use a `GlobalAlloc` that has fields, give it a `static` home and write a
/// zero-sized type whose `GlobalAlloc` methods forward to that `static`.
///
/// For the same reason the adapter is `Clone` and `Copy` only when `G` is `Copy`: a copy
/// of a zero-sized `Copy` value (no fields, no destructor) is indistinguishable from the
/// original. For a `G` that is not `Copy`, share one adapter by reference:
/// `&'static FromGlobalAlloc<G>`, from a `static`, is `Copy` and an allocator.
///
/// # Invariants
///
/// - **Zero-sized `G`.** `size_of::<G>() == 0` (checked when `new` is compiled).
/// - **Blocks.** A block of non-zero size that it hands out was returned by `inner`'s
///   `alloc`, `alloc_zeroed` or `realloc` for exactly the layout the block was requested
///   (or last resized) with, and is handed out with exactly that length; so the only
///   layout that fits it is the one `inner` knows it by. A block of size zero is a
///   dangling pointer that never reaches `inner`.
///
/// # Examples
///
/// ```
/// use allockit::{Box, String, Vec};
/// use allockit::wrappers::FromGlobalAlloc;
/// use std::alloc::System;
///
/// const SYSTEM: FromGlobalAlloc<System> = FromGlobalAlloc::new(System);
///
/// let mut v: Vec<u64, FromGlobalAlloc<System>> = Vec::new_in(SYSTEM);
/// v.extend(0..1000);
/// let b = Box::new_in(7u8, SYSTEM);
/// let s = String::from_str_in("from malloc", SYSTEM);
/// assert_eq!((v[999], *b, s.as_str()), (999, 7, "from malloc"));
///
/// let copy = v.clone(); // the adapter is `Copy`, so the vector is `Clone`
/// assert_eq!(copy, v);
/// ```
///
/// A `GlobalAlloc` that is not zero-sized is refused at compile time:
///
/// ```compile_fail,E0080
/// use allockit::wrappers::{Counting, FromGlobalAlloc};
/// use std::alloc::System;
///
/// // `Counting<System>` holds its counters: not zero-sized.
/// let adapter = FromGlobalAlloc::new(Counting::new(System));
/// ```
#[derive(Debug)]
pub struct FromGlobalAlloc<G> {
    /// The heap.
    inner: G,
}

impl<G> FromGlobalAlloc<G> {
    /// An `Allocator` over the `GlobalAlloc` `inner`.
    ///
    /// `const`, so it can initialise a `const` or a `static`. Fails to compile if `G` is
    /// not zero-sized (an error when the call is compiled to code: `cargo build` reports
    /// it, `cargo check` may not); see the
    /// [type's documentation](Self#only-zero-sized-globalallocs) for why.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::wrappers::FromGlobalAlloc;
    /// use std::alloc::System;
    ///
    /// static SYSTEM: FromGlobalAlloc<System> = FromGlobalAlloc::new(System);
    /// let v: Vec<u32, &FromGlobalAlloc<System>> = Vec::with_capacity_in(4, &SYSTEM);
    /// assert_eq!(v.capacity(), 4);
    /// ```
    pub const fn new(inner: G) -> Self {
        const {
            assert!(
                size_of::<G>() == 0,
                "FromGlobalAlloc<G> needs a zero-sized G: see its documentation"
            )
        };
        FromGlobalAlloc { inner }
    }

    /// The `GlobalAlloc` underneath.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::wrappers::FromGlobalAlloc;
    /// use std::alloc::System;
    ///
    /// let _: &System = FromGlobalAlloc::new(System).inner();
    /// ```
    pub const fn inner(&self) -> &G {
        &self.inner
    }

    /// Takes the `GlobalAlloc` back.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::wrappers::FromGlobalAlloc;
    /// use std::alloc::System;
    ///
    /// let system: System = FromGlobalAlloc::new(System).into_inner();
    /// # let _ = system;
    /// ```
    pub fn into_inner(self) -> G {
        self.inner
    }
}

impl<G: Default> Default for FromGlobalAlloc<G> {
    /// An adapter over `G::default()`.
    fn default() -> Self {
        FromGlobalAlloc::new(G::default())
    }
}

impl<G: Copy> Clone for FromGlobalAlloc<G> {
    fn clone(&self) -> Self {
        *self
    }
}

// A `G` that is `Copy` has no destructor, and one that is also zero-sized (invariant
// "Zero-sized `G`") has no fields: every copy is the same allocator.
impl<G: Copy> Copy for FromGlobalAlloc<G> {}

/// `ptr` from a `GlobalAlloc` as a block of `size` bytes, or `None` if it is null.
#[inline]
fn block(ptr: *mut u8, size: usize) -> Option<NonNull<[u8]>> {
    Some(NonNull::slice_from_raw_parts(NonNull::new(ptr)?, size))
}

/// The block of a zero-sized request: no memory, aligned to `align`.
#[inline]
fn empty(align: usize) -> NonNull<[u8]> {
    NonNull::slice_from_raw_parts(dangling(align), 0)
}

impl<G: GlobalAlloc> FromGlobalAlloc<G> {
    /// Moves the block at `ptr` (of layout `old`, non-zero) to a new block of layout `new`,
    /// zeroed first if `zeroed`, copying `min(old.size(), new.size())` bytes; the old block
    /// stays as it was if the new one cannot be had.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this adapter with `old.size() > 0`,
    /// - `old` must fit that block, and
    /// - `new.size()` must be non-zero.
    unsafe fn relocate(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        zeroed: bool,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: `new.size()` is non-zero (the caller's contract), `alloc`'s and
        // `alloc_zeroed`'s only requirement.
        let fresh =
            unsafe { if zeroed { self.inner.alloc_zeroed(new) } else { self.inner.alloc(new) } };
        let fresh = block(fresh, new.size())?;
        // SAFETY: the old block is valid for reads of `old.size()` bytes, the new one for
        // writes of `new.size()`, and they are distinct live blocks of `inner`.
        unsafe {
            ptr::copy_nonoverlapping(
                ptr.as_ptr(),
                fresh.cast::<u8>().as_ptr(),
                old.size().min(new.size()),
            );
        }
        // SAFETY: `ptr` is a non-zero-sized block of ours, which `inner` allocated with
        // exactly `old` (invariant "Blocks"); it is freed once, here, and the caller gives
        // it up now that the move succeeded.
        unsafe { self.inner.dealloc(ptr.as_ptr(), old) };
        Some(fresh)
    }

    /// `realloc` of the block at `ptr` (of layout `old`, non-zero) to `new.size()`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be currently allocated by this adapter with `old.size() > 0`,
    /// - `old` must fit that block,
    /// - `new.align()` must equal `old.align()`, and
    /// - `new.size()` must be non-zero.
    unsafe fn realloc(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        // SAFETY: `ptr` was allocated by `inner` with exactly `old` (invariant "Blocks");
        // `new.size()` is non-zero, and rounded up to `old.align() == new.align()` it does
        // not overflow `isize` because `new` is a valid `Layout` (the caller's contract).
        let moved = unsafe { self.inner.realloc(ptr.as_ptr(), old, new.size()) };
        block(moved, new.size())
    }
}

impl_allocator!([G: GlobalAlloc] FromGlobalAlloc<G>);

// SAFETY: non-zero-sized blocks come from `inner`, which keeps them valid until they are
// given back; the adapter's only field is zero-sized (invariant "Zero-sized `G`"), so moving
// or copying it cannot move them, and copies exist only for a `Copy` `G`, which has no
// destructor. Zero-sized blocks are dangling, aligned pointers that nothing reads or writes.
// Every method below keeps invariant "Blocks": it hands out exactly the layout it got from
// `inner`, and gives `inner` back exactly the layout it allocated.
unsafe impl<G: GlobalAlloc> AllocatorCore for FromGlobalAlloc<G> {
    #[inline]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if layout.size() == 0 {
            return Some(empty(layout.align()));
        }
        // SAFETY: the size is non-zero, `alloc`'s only requirement.
        block(unsafe { self.inner.alloc(layout) }, layout.size())
    }

    #[inline]
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if layout.size() == 0 {
            return Some(empty(layout.align()));
        }
        // SAFETY: the size is non-zero, `alloc_zeroed`'s only requirement.
        block(unsafe { self.inner.alloc_zeroed(layout) }, layout.size())
    }

    #[inline]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            // SAFETY: a block of ours of non-zero size, so `inner` allocated it with
            // exactly `layout`, the only layout that fits it (invariant "Blocks"); the
            // caller gives it up.
            unsafe { self.inner.dealloc(ptr.as_ptr(), layout) }
        }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        if old.size() == 0 {
            // A dangling "block": nothing to keep or free.
            return self.raw_allocate(new);
        }
        if old.align() == new.align() {
            // SAFETY: a non-zero-sized block of ours with a layout that fits it (the
            // caller's contract), the same alignment, and `new.size() >= old.size() > 0`.
            return unsafe { self.realloc(ptr, old, new) };
        }
        // SAFETY: as above, with `new.size() >= old.size() > 0`.
        unsafe { self.relocate(ptr, old, new, false) }
    }

    #[inline]
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        if old.size() == 0 {
            return self.raw_allocate_zeroed(new);
        }
        if old.align() == new.align() {
            // SAFETY: as in `raw_grow`.
            let grown = unsafe { self.realloc(ptr, old, new) }?;
            // SAFETY: the block is `new.size() >= old.size()` bytes long; its bytes after
            // the first `old.size()` are the new ones, which `grow_zeroed` must zero.
            unsafe {
                grown.cast::<u8>().add(old.size()).write_bytes(0, new.size() - old.size());
            }
            return Some(grown);
        }
        // SAFETY: as in `raw_grow`; the copy overwrites only the first `old.size()` of the
        // zeroed bytes.
        unsafe { self.relocate(ptr, old, new, true) }
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        if new.size() == 0 {
            // SAFETY: the caller's contract for `shrink` covers `deallocate`'s, and the
            // caller gives the block up when the shrink succeeds, which it now does.
            unsafe { self.raw_deallocate(ptr, old) };
            return Some(empty(new.align()));
        }
        // From here `old.size() >= new.size() > 0`: `ptr` is a real block of `inner`.
        if old.align() == new.align() {
            // SAFETY: a non-zero-sized block of ours with a layout that fits it (the
            // caller's contract), the same alignment, and a non-zero new size.
            return unsafe { self.realloc(ptr, old, new) };
        }
        // SAFETY: as above; `relocate` copies the first `new.size()` bytes.
        unsafe { self.relocate(ptr, old, new, false) }
    }
}

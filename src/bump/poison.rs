//! AddressSanitizer hooks: with `RUSTFLAGS="-Zsanitizer=address --cfg asan"` the bump
//! poisons the free part of every chunk and unpoisons each block as it hands it out.
//!
//! ASan alone sees a chunk as one heap block, so an overflow from one bump allocation
//! into the next would go unnoticed. Under `cfg(asan)` every allocation is also followed
//! by a poisoned red zone of [`REDZONE`] bytes and starts on an 8-byte ASan granule:
//!
//! ```text
//!  granule │0       │8       │16      │24      │32      │40
//!          ├────────┼────────┼────────┼────────┼────────┤
//!  chunk   │ a: [u8; 5] ░░░░░░░░░░░░░░│ b: u64 │░░░░░░░░░░░░░░░░ ... free, poisoned
//!          └─ a ─┘ └─ red zone ─────┘
//! ```
//!
//! Writing `a[5]` lands in poisoned memory and ASan reports `use-after-poison`. Without
//! `cfg(asan)` every function here is an empty `#[inline(always)]` stub and the layouts
//! are unchanged.

use core::ptr::NonNull;

use crate::alloc::Layout;

/// Poisoned bytes after each allocation under `cfg(asan)`; zero otherwise.
pub(crate) const REDZONE: usize = if cfg!(asan) { 16 } else { 0 };

/// The smallest alignment of a block under `cfg(asan)` (one ASan granule); 1 otherwise.
const GRANULE: usize = if cfg!(asan) { 8 } else { 1 };

#[cfg(asan)]
unsafe extern "C" {
    fn __asan_poison_memory_region(addr: *const u8, size: usize);
    fn __asan_unpoison_memory_region(addr: *const u8, size: usize);
}

/// The layout the bump actually reserves for a request of `layout`: the same layout, or
/// under `cfg(asan)` one with a red zone and granule alignment. `None` if that overflows.
#[inline(always)]
pub(crate) fn reserved(layout: Layout) -> Option<Layout> {
    if REDZONE == 0 && GRANULE == 1 {
        return Some(layout);
    }
    let align = layout.align().max(GRANULE);
    let size = layout.size().checked_next_multiple_of(GRANULE)?.checked_add(REDZONE)?;
    Layout::from_size_align(size, align).ok()
}

/// The bytes reserved for a block of `size` bytes (see [`reserved`]); `size` itself
/// without `cfg(asan)`. Only called for blocks that were reserved, so it cannot overflow.
#[inline(always)]
pub(crate) fn reserved_size(size: usize) -> usize {
    if REDZONE == 0 && GRANULE == 1 {
        return size;
    }
    size.next_multiple_of(GRANULE) + REDZONE
}

/// Marks `[ptr, ptr + len)` as not addressable (a no-op without `cfg(asan)`).
#[inline(always)]
pub(crate) fn poison(ptr: NonNull<u8>, len: usize) {
    #[cfg(asan)]
    // SAFETY: the ASan runtime only updates its shadow memory for this range.
    unsafe {
        __asan_poison_memory_region(ptr.as_ptr(), len)
    };
    let _ = (ptr, len);
}

/// Marks `[ptr, ptr + len)` as addressable (a no-op without `cfg(asan)`).
#[inline(always)]
pub(crate) fn unpoison(ptr: NonNull<u8>, len: usize) {
    #[cfg(asan)]
    // SAFETY: the ASan runtime only updates its shadow memory for this range.
    unsafe {
        __asan_unpoison_memory_region(ptr.as_ptr(), len)
    };
    let _ = (ptr, len);
}

/// Poisons the bytes between two addresses of one chunk, `from <= to`.
#[inline(always)]
pub(crate) fn poison_range(from: NonNull<u8>, to: NonNull<u8>) {
    if cfg!(asan) {
        poison(from, to.addr().get() - from.addr().get());
    }
}

//! A `Bump` over a caller's buffer, with no parent allocator: for `no_std` targets
//! without a heap, and for stack-backed scratch space.
//!
//! The buffer becomes the bump's one chunk (its header at the buffer's first 16-aligned
//! byte). The parent is [`NoHeap`], which refuses every request, so when the buffer is
//! full, allocation fails with `AllocError` instead of reaching for a heap.

use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

use super::Bump;
use super::chunk::{CHUNK_ALIGN, ChunkHeader};
use crate::alloc::{AllocError, Allocator, Layout};

/// The parent of a [`Bump`] over a caller's buffer: an allocator with no memory at all.
///
/// Every allocation fails with [`AllocError`]. The lifetime `'buf` is the buffer's, which
/// keeps the `Bump` from outliving it.
///
/// # Examples
///
/// ```
/// use allockit::alloc::{Allocator, Layout};
/// use allockit::bump::NoHeap;
///
/// assert!(NoHeap::default().allocate(Layout::new::<u8>()).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHeap<'buf> {
    _buffer: PhantomData<&'buf mut [MaybeUninit<u8>]>,
}

impl NoHeap<'_> {
    /// The allocator with no memory (also its `Default`), usable in `const` contexts.
    ///
    /// # Examples
    ///
    /// ```
    /// const NONE: allockit::bump::NoHeap<'static> = allockit::bump::NoHeap::new();
    /// # let _ = NONE;
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        NoHeap { _buffer: PhantomData }
    }
}

// SAFETY: `allocate` never succeeds, so no block is ever currently allocated by a
// `NoHeap`, and the contracts of the other methods can never be met by a caller.
unsafe impl Allocator for NoHeap<'_> {
    fn allocate(&self, _layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        Err(AllocError)
    }

    unsafe fn deallocate(&self, _ptr: NonNull<u8>, _layout: Layout) {
        unreachable!("NoHeap never allocates, so nothing can be deallocated");
    }
}

impl<'buf> Bump<NoHeap<'buf>> {
    /// A bump allocator that hands out the bytes of `buffer` and nothing else.
    ///
    /// The first 16-aligned bytes of the buffer hold the chunk header (64 bytes on 64-bit
    /// targets); a buffer too small for a header and 16 bytes of data gives a bump that
    /// can only allocate zero-sized values. A `&'static mut` buffer gives a
    /// `Bump<NoHeap<'static>>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::mem::MaybeUninit;
    /// use allockit::{Bump, Vec};
    ///
    /// let mut scratch = [MaybeUninit::<u8>::uninit(); 1024];
    /// let bump = Bump::from_buffer(&mut scratch);
    ///
    /// let mut v = Vec::new_in(&bump);
    /// v.extend_from_slice(b"on the stack");
    /// assert_eq!(v, b"on the stack");
    /// drop(v);
    ///
    /// assert!(bump.try_alloc([0u8; 4096]).is_err()); // no heap to fall back on
    /// assert_eq!(bump.stats().reserved, 0);
    /// ```
    pub fn from_buffer(buffer: &'buf mut [MaybeUninit<u8>]) -> Self {
        let bump = Bump::new_in(NoHeap::default());
        let start = buffer.as_mut_ptr().cast::<u8>();
        let skip = start.align_offset(CHUNK_ALIGN);
        if skip >= buffer.len() {
            return bump;
        }
        // SAFETY: `skip < len`, so the pointer stays inside the buffer.
        let aligned = unsafe { NonNull::new_unchecked(start.add(skip)) };
        // SAFETY: the aligned tail of the buffer is valid for writes of `len - skip` bytes
        // and exclusively borrowed for `'buf`, which the `Bump` cannot outlive.
        let header = unsafe { ChunkHeader::init(aligned, buffer.len() - skip, None) };
        if let Some(header) = header {
            super::poison::poison(ChunkHeader::data_start(header), ChunkHeader::capacity(header));
            bump.current.set(Some(header));
            bump.ptr.set(ChunkHeader::data_start(header));
            // SAFETY: just initialised.
            bump.end.set(unsafe { header.as_ref() }.end);
        }
        bump
    }
}

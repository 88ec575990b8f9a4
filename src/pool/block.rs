//! The pool's block: its size and alignment, and the link a free block holds.

use core::ptr::NonNull;

use crate::alloc::Layout;
use crate::bump::poison;

/// The size and alignment of every block of one pool.
///
/// Derived from the layout the pool is built for: the alignment is at least a pointer's
/// (a free block holds a pointer), and the size is at least a pointer's and a multiple of
/// the alignment, so blocks laid end to end in a slab are each aligned.
///
/// ```text
///   Pool::for_type::<u8>()          block: size 8,  align 8   (room for the link)
///   Pool::for_type::<[u32; 3]>()    block: size 16, align 8
///   Pool::for_type::<[u64; 8]>()    block: size 64, align 8
/// ```
///
/// Invariants: `align` is a power of two, at least `align_of::<FreeBlock>()`; `size` is a
/// non-zero multiple of `align`, at least `size_of::<FreeBlock>()`, and
/// `size + align - 1 <= isize::MAX` (so `Layout::from_size_align(size, align)` is valid).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BlockLayout {
    pub(crate) size: usize,
    pub(crate) align: usize,
}

impl BlockLayout {
    /// The block for requests of `layout`; `None` if rounding it up to a whole block
    /// would pass `isize::MAX`.
    pub(crate) const fn for_layout(layout: Layout) -> Option<BlockLayout> {
        let min_align = align_of::<FreeBlock>();
        let align = if layout.align() > min_align { layout.align() } else { min_align };
        let min_size = size_of::<FreeBlock>();
        let size = if layout.size() > min_size { layout.size() } else { min_size };
        // Round `size` up to a multiple of `align`, checked.
        let size = match size.checked_add(align - 1) {
            Some(padded) => padded & !(align - 1),
            None => return None,
        };
        if size > isize::MAX as usize - (align - 1) {
            return None;
        }
        Some(BlockLayout { size, align })
    }

    /// Whether a request of `layout` is served by a block: it is no bigger and needs no
    /// stricter alignment. Requests that do not fit go to the parent.
    #[inline(always)]
    pub(crate) fn fits(self, layout: Layout) -> bool {
        // SAFETY: the type's invariants. Telling the compiler lets it decide the routing
        // of a constant layout that is no bigger than a link at compile time (a
        // `Box<u64, &Pool>` then has no size check at all).
        unsafe {
            core::hint::assert_unchecked(
                self.align >= align_of::<FreeBlock>() && self.size >= size_of::<FreeBlock>(),
            )
        };
        layout.size() <= self.size && layout.align() <= self.align
    }

    /// The block as a `Layout`.
    pub(crate) fn layout(self) -> Layout {
        // SAFETY: by the type's invariants, `align` is a power of two and `size` rounded
        // up to it (itself) does not pass `isize::MAX`.
        unsafe { Layout::from_size_align_unchecked(self.size, self.align) }
    }
}

/// What a free block holds: the link to the next free block (the list is intrusive, so
/// keeping a block on it costs no memory beyond the block itself).
#[repr(C)]
pub(crate) struct FreeBlock {
    pub(crate) next: Option<NonNull<FreeBlock>>,
}

/// Reads the link of the free block at `block`, with its first word briefly unpoisoned
/// under `cfg(asan)` (a free block is poisoned whole).
///
/// # Safety
///
/// - `block` must be a free block of a live slab, whose link was written when it was
///   freed.
#[inline(always)]
pub(crate) unsafe fn next_of(block: NonNull<FreeBlock>) -> Option<NonNull<FreeBlock>> {
    poison::unpoison(block.cast(), size_of::<FreeBlock>());
    // SAFETY: the caller's contract: the block is alive and holds its link.
    let next = unsafe { (*block.as_ptr()).next };
    poison::poison(block.cast(), size_of::<FreeBlock>());
    next
}

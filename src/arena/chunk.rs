//! The arena's chunk header and sizing.
//!
//! An arena chunk is laid out like a [`Bump`](crate::Bump) chunk (header first, then the
//! data), and is sized by the same policy (see [`crate::bump`]'s module docs); only the
//! header differs: its fill level is an atomic *cursor* that threads advance with a
//! compare-and-swap.
//!
//! ```text
//!  block from the parent (or the caller's buffer)
//!  ┌──────────────┬────────────────────────────┬───────────────────┬─────┐
//!  │ ArenaChunk   │ handed out                 │ free              │     │
//!  │ cursor ───────────────────────────────────▶                   │     │
//!  └──────────────┴────────────────────────────┴───────────────────┴─────┘
//!  ^ header       ^ data start                 ^ cursor            ^ end (16-aligned)
//! ```

use core::mem::size_of;
use core::ptr::NonNull;

use crate::alloc::Layout;
use crate::bump::chunk::{CHUNK_ALIGN, data_end};
use crate::bump::poison;
use crate::sync::{AtomicUsize, Ordering};

/// The header at the start of every arena chunk.
///
/// Invariants, for a header reachable from an [`Arena`](super::Arena):
///
/// 1. `data_start <= cursor <= end`, where `data_start` is the address right after the
///    header, and `end` is a multiple of `CHUNK_ALIGN` no greater than `MAX_END`.
/// 2. The bytes in `[data_start, cursor)` have been handed out (or are padding); the bytes
///    in `[cursor, end)` belong to no one.
/// 3. `end`, `prev` and `layout` change only while the arena's lock is held or the arena
///    is borrowed mutably; `cursor` changes only by a compare-and-swap (or, under the lock
///    or `&mut`, for a chunk no thread can be bumping).
/// 4. `layout` is the layout the parent allocated the chunk's block with, or `None` for a
///    caller's buffer, which is never freed.
/// 5. Under `cfg(asan)`, the header is never poisoned, nor are the bytes of the blocks
///    handed out and not given back; every other byte of `[data_start, end)` is (free
///    bytes, red zones, and blocks given back). A chunk's whole block is unpoisoned again
///    before it goes back to the parent or the caller.
#[repr(C, align(16))]
pub(crate) struct ArenaChunk {
    /// Address of the first free byte.
    pub(crate) cursor: AtomicUsize,
    /// Address one past the last usable byte.
    pub(crate) end: usize,
    /// The next older chunk of the same list.
    pub(crate) prev: Option<NonNull<ArenaChunk>>,
    /// How the block was allocated, or `None` for a caller's buffer.
    pub(crate) layout: Option<Layout>,
}

/// Bytes taken by the header at the front of each chunk (a multiple of `CHUNK_ALIGN`).
pub(crate) const HEADER_SIZE: usize = size_of::<ArenaChunk>();

const _: () = assert!(HEADER_SIZE % CHUNK_ALIGN == 0);

impl ArenaChunk {
    /// Writes a header for an empty chunk at the start of `block` (`len` bytes), and
    /// returns it, or `None` if the block cannot hold a header and `CHUNK_ALIGN` data bytes.
    ///
    /// # Safety
    ///
    /// - `block` must be valid for writes of `len` bytes, aligned to `CHUNK_ALIGN`, and
    ///   unused by anything else for as long as the chunk exists.
    pub(crate) unsafe fn init(
        block: NonNull<u8>,
        len: usize,
        layout: Option<Layout>,
    ) -> Option<NonNull<ArenaChunk>> {
        debug_assert!(block.addr().get() % CHUNK_ALIGN == 0);
        let start = block.addr().get();
        let data = start.checked_add(HEADER_SIZE)?;
        let end = data_end(start, len);
        if end < data.checked_add(CHUNK_ALIGN)? {
            return None;
        }
        let header = block.cast::<ArenaChunk>();
        let value = ArenaChunk { cursor: AtomicUsize::new(data), end, prev: None, layout };
        // SAFETY: the block is writable, aligned for the header and large enough for it
        // (checked above; caller's contract).
        unsafe { header.write(value) };
        Some(header)
    }

    /// The header's cursor, borrowed alone.
    ///
    /// The lock-free paths borrow only the fields they use (the cursor, and a copy of
    /// `end`), never the whole header: the lock holder may write `prev` meanwhile, and a
    /// reference to the whole header would claim that nothing changes it.
    ///
    /// # Safety
    ///
    /// - `this` must be a live chunk header, alive for `'c`.
    #[inline(always)]
    pub(crate) unsafe fn cursor<'c>(this: NonNull<ArenaChunk>) -> &'c AtomicUsize {
        // SAFETY: the header is alive for 'c (caller's contract); the cursor is an atomic,
        // shared by design.
        unsafe { &(*this.as_ptr()).cursor }
    }

    /// The header's `end`, read without borrowing the rest of the header.
    ///
    /// # Safety
    ///
    /// - `this` must be a live chunk header.
    #[inline(always)]
    pub(crate) unsafe fn end(this: NonNull<ArenaChunk>) -> usize {
        // SAFETY: the header is alive (caller's contract), and `end` does not change while
        // the chunk is reachable by other threads (invariant 3).
        unsafe { (*this.as_ptr()).end }
    }

    /// Under `cfg(asan)`, poisons the chunk's whole data, `[data_start, end)`: for an
    /// empty chunk (new, or emptied by a reset) that no thread is bumping. A no-op
    /// otherwise.
    #[inline(always)]
    pub(crate) fn poison_data(this: NonNull<ArenaChunk>) {
        if cfg!(asan) {
            // SAFETY: the data start is inside the chunk's block (invariant 1).
            let data = unsafe { this.cast::<u8>().add(HEADER_SIZE) };
            poison::poison(data, Self::capacity(this));
        }
    }

    /// Under `cfg(asan)`, unpoisons the chunk's memory from its header to its `end` (or
    /// to the end of the parent's block, with `block_len`), before it goes back to whoever
    /// gave it. A no-op otherwise.
    #[inline(always)]
    pub(crate) fn unpoison_all(this: NonNull<ArenaChunk>, block_len: Option<usize>) {
        if cfg!(asan) {
            let len = block_len.unwrap_or(HEADER_SIZE + Self::capacity(this));
            poison::unpoison(this.cast(), len);
        }
    }

    /// Address of the first data byte.
    #[inline(always)]
    pub(crate) fn data_start(this: NonNull<ArenaChunk>) -> usize {
        this.addr().get() + HEADER_SIZE
    }

    /// Bytes between the data start and the end.
    pub(crate) fn capacity(this: NonNull<ArenaChunk>) -> usize {
        // SAFETY: `this` is a live header (callers only pass chunks of an arena).
        let end = unsafe { Self::end(this) };
        end - Self::data_start(this)
    }

    /// Bytes handed out (padding included) right now.
    pub(crate) fn used(this: NonNull<ArenaChunk>) -> usize {
        // SAFETY: as in `capacity`.
        let cursor = unsafe { Self::cursor(this) }.load(Ordering::Relaxed);
        cursor - Self::data_start(this)
    }

    /// Size of the block taken from the parent, 0 for a caller's buffer.
    pub(crate) fn block_size(this: NonNull<ArenaChunk>) -> usize {
        // SAFETY: as in `capacity`.
        unsafe { this.as_ref() }.layout.map_or(0, |l| l.size())
    }

    /// Whether the empty chunk could hold `layout` at its data start.
    pub(crate) fn fits_empty(this: NonNull<ArenaChunk>, layout: Layout) -> bool {
        let start = Self::data_start(this);
        let pad = start.wrapping_neg() & (layout.align() - 1);
        pad + layout.size() <= Self::capacity(this)
    }
}

/// Bytes a chunk needs to hold a block for `layout` right after its header, with the
/// rounding that `data_end` may take off the end.
pub(crate) fn bytes_needed_for(layout: Layout) -> Option<usize> {
    crate::bump::chunk::bytes_needed_after(HEADER_SIZE, layout)
}

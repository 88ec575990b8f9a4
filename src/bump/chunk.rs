//! Chunks: the blocks a [`Bump`](super::Bump) takes from its parent, and the policy that
//! sizes them.
//!
//! Each chunk starts with a [`ChunkHeader`]; the bytes after it are the chunk's data,
//! handed out by moving the bump pointer upward:
//!
//! ```text
//!  block from the parent (layout recorded in the header)
//!  ┌──────────────┬──────────────────────────────────────────────┬─────┐
//!  │ ChunkHeader  │ data                                         │ tail│
//!  │ prev, next,  │ handed out ──────────►│ free ──────────────► │     │
//!  │ end, used,   │                       ▲                      ▲     │
//!  │ layout       │                   bump ptr                  end    │
//!  └──────────────┴──────────────────────────────────────────────┴─────┘
//!  ▲ 16-aligned    ▲ data start = header + size_of::<ChunkHeader>()
//! ```
//!
//! `end` is the block's end rounded down to [`CHUNK_ALIGN`] (the tail is at most 15
//! bytes, and only exists when a parent returns an odd size). That rounding is what lets
//! the fast path align and add for small types without an overflow check.

use core::mem::size_of;
use core::ptr::NonNull;

use crate::alloc::Layout;

/// Every chunk's data start and `end` are multiples of this.
pub(crate) const CHUNK_ALIGN: usize = 16;

/// The size of the first chunk a `Bump` takes when it was not given a capacity, header
/// included (before [`MALLOC_OVERHEAD`] is taken off).
pub(crate) const FIRST_CHUNK_SIZE: usize = 512;

/// Chunks stop doubling at this size (16 MiB); a single larger request still gets a chunk
/// big enough for it.
pub(crate) const MAX_CHUNK_SIZE: usize = 16 << 20;

/// What a typical `malloc` keeps in front of each block. Chunk sizes are a power of two
/// minus this, so that a chunk plus the system allocator's bookkeeping fills a power of
/// two and large chunks are whole pages.
pub(crate) const MALLOC_OVERHEAD: usize = 16;

/// The highest address a chunk's `end` may have: `end + CHUNK_ALIGN` must not overflow.
pub(crate) const MAX_END: usize = usize::MAX - 2 * CHUNK_ALIGN + 1;

/// The header at the start of every chunk.
///
/// # Invariants
///
/// - `end` is a multiple of [`CHUNK_ALIGN`], at most [`MAX_END`], and not below
///   [`data_start`](Self::data_start); `[data_start, end)` lies inside the chunk's block.
/// - `used` is in `[data_start, end]`. It is the bump position the chunk had when it
///   stopped being the current chunk; for the current chunk the `Bump`'s own pointer is
///   authoritative and `used` is stale, and for spare chunks it equals `data_start`.
/// - `prev` and `next` link every chunk of one `Bump`, oldest first; each link is
///   mirrored by the neighbour's opposite link.
/// - `layout` is the layout the block was allocated with from the parent, or `None` for
///   a caller's buffer, which is never freed.
#[repr(C, align(16))]
pub(crate) struct ChunkHeader {
    pub(crate) prev: Option<NonNull<ChunkHeader>>,
    pub(crate) next: Option<NonNull<ChunkHeader>>,
    pub(crate) end: NonNull<u8>,
    pub(crate) used: NonNull<u8>,
    pub(crate) layout: Option<Layout>,
}

/// Bytes in front of each chunk's data.
pub(crate) const HEADER_SIZE: usize = size_of::<ChunkHeader>();

const _: () = assert!(HEADER_SIZE % CHUNK_ALIGN == 0 && HEADER_SIZE > 0);

impl ChunkHeader {
    /// Writes a header at the start of `block` (whose length is `len`) and returns it.
    ///
    /// Returns `None` if the block cannot hold a header and at least [`CHUNK_ALIGN`] bytes
    /// of data once its end is rounded down.
    ///
    /// # Safety
    ///
    /// - `block` must be aligned to [`CHUNK_ALIGN`] and valid for writes of `len` bytes
    ///   for as long as the chunk is in use, and not otherwise accessed meanwhile.
    pub(crate) unsafe fn init(
        block: NonNull<u8>,
        len: usize,
        layout: Option<Layout>,
    ) -> Option<NonNull<ChunkHeader>> {
        debug_assert!(block.addr().get() % CHUNK_ALIGN == 0);
        let start = block.addr().get();
        let end = data_end(start, len);
        let data_start = start.checked_add(HEADER_SIZE)?;
        if end < data_start.checked_add(CHUNK_ALIGN)? {
            return None;
        }
        let header = block.cast::<ChunkHeader>();
        let data = block.with_addr(core::num::NonZero::new(data_start)?);
        let end = block.with_addr(core::num::NonZero::new(end)?);
        // SAFETY: the block is aligned to CHUNK_ALIGN (the header's alignment), valid for
        // writes of `len >= HEADER_SIZE` bytes, and ours (caller's contract).
        unsafe { header.write(ChunkHeader { prev: None, next: None, end, used: data, layout }) };
        Some(header)
    }

    /// The first byte after the header: where the chunk's data starts.
    #[inline(always)]
    pub(crate) fn data_start(this: NonNull<ChunkHeader>) -> NonNull<u8> {
        // SAFETY: HEADER_SIZE bytes past the header are still inside the chunk's block
        // (type invariant: `data_start <= end` inside the block).
        unsafe { this.cast::<u8>().add(HEADER_SIZE) }
    }

    /// The size of the chunk's block as taken from its parent, or 0 for a caller's buffer.
    pub(crate) fn block_size(this: NonNull<ChunkHeader>) -> usize {
        // SAFETY: a header reachable from a `Bump` is initialised and alive.
        unsafe { this.as_ref() }.layout.map_or(0, |l| l.size())
    }

    /// Data bytes of the chunk: from its data start to its `end`.
    pub(crate) fn capacity(this: NonNull<ChunkHeader>) -> usize {
        // SAFETY: a header reachable from a `Bump` is initialised and alive.
        let end = unsafe { this.as_ref() }.end;
        end.addr().get() - Self::data_start(this).addr().get()
    }
}

/// Where the data of a chunk whose block starts at address `start` and is `len` bytes
/// long ends: the block's end rounded down to [`CHUNK_ALIGN`], and no higher than
/// [`MAX_END`] (so at most `2 * CHUNK_ALIGN - 1` bytes are lost).
pub(crate) fn data_end(start: usize, len: usize) -> usize {
    // The block does not wrap around the address space, so this cannot overflow.
    (start + len).min(MAX_END) & !(CHUNK_ALIGN - 1)
}

/// The size of the block to ask for when a chunk with `needed` bytes (header, padding
/// and the request) is wanted and the newest chunk so far had a block of `last` bytes
/// (`None` if there is none yet, `first` for the first chunk's default).
///
/// Sizes double from chunk to chunk up to [`MAX_CHUNK_SIZE`], each a power of two minus
/// [`MALLOC_OVERHEAD`]; a request bigger than that gets a block of exactly its size
/// rounded up to [`CHUNK_ALIGN`]. Returns `None` if `needed` cannot be rounded.
pub(crate) fn next_chunk_size(last: Option<usize>, needed: usize) -> Option<usize> {
    let geometric = match last {
        None => FIRST_CHUNK_SIZE,
        Some(last) => (last + MALLOC_OVERHEAD).saturating_mul(2).min(MAX_CHUNK_SIZE),
    } - MALLOC_OVERHEAD;
    let needed = needed.checked_add(CHUNK_ALIGN - 1)? & !(CHUNK_ALIGN - 1);
    Some(geometric.max(needed))
}

/// The bytes a chunk's block needs so that, after the header, an allocation of `layout`
/// fits: the header rounded up to `layout.align()`, then `layout.size()`. `None` on
/// overflow.
pub(crate) fn bytes_needed_for(layout: Layout) -> Option<usize> {
    bytes_needed_after(HEADER_SIZE, layout)
}

/// [`bytes_needed_for`] for a chunk whose header is `header_size` bytes (the arena's
/// header differs from the bump's).
pub(crate) fn bytes_needed_after(header_size: usize, layout: Layout) -> Option<usize> {
    let header = header_size.checked_add(layout.align() - 1)? & !(layout.align() - 1);
    let total = header.checked_add(layout.size())?;
    // Room for the rounding of `end` (see `data_end`).
    total.checked_add(2 * CHUNK_ALIGN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_double_then_cap() {
        assert_eq!(next_chunk_size(None, 100), Some(FIRST_CHUNK_SIZE - MALLOC_OVERHEAD));
        let second = next_chunk_size(Some(FIRST_CHUNK_SIZE - MALLOC_OVERHEAD), 100).unwrap();
        assert_eq!(second, 2 * FIRST_CHUNK_SIZE - MALLOC_OVERHEAD);
        let capped = next_chunk_size(Some(MAX_CHUNK_SIZE - MALLOC_OVERHEAD), 100).unwrap();
        assert_eq!(capped, MAX_CHUNK_SIZE - MALLOC_OVERHEAD);
        assert_eq!(next_chunk_size(None, 100_001), Some(100_016));
        assert_eq!(next_chunk_size(None, usize::MAX), None);
    }

    #[test]
    fn needed_covers_alignment() {
        let l = Layout::from_size_align(10, 4096).unwrap();
        assert_eq!(bytes_needed_for(l), Some(4096 + 10 + 2 * CHUNK_ALIGN));
        let l = Layout::from_size_align(isize::MAX as usize, 1).unwrap();
        assert!(bytes_needed_for(l).is_some_and(|n| n > isize::MAX as usize));
    }
}

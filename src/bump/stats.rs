//! Exact statistics and a walk over the chunks, computed from the chunk list on demand
//! (the allocation paths keep no counters, so they stay short).

use core::fmt;

use super::Bump;
use super::chunk::{CHUNK_ALIGN, ChunkHeader, MAX_END};
use crate::alloc::Allocator;

/// A snapshot of what a [`Bump`] holds, from [`Bump::stats`].
///
/// All figures are exact byte counts, computed from the chunk list:
///
/// ```text
///   reserved  = Σ block sizes (headers included)       what the parent gave
///   capacity  = Σ data bytes of every chunk             what could be handed out
///   allocated = Σ (bump position − data start)          what is handed out now
/// ```
///
/// `allocated` counts alignment padding between blocks, and no longer counts the bytes
/// of a newest block that was freed or shrunk in place. A chunk over a caller's buffer
/// (see [`Bump::from_buffer`]) adds its data bytes to `capacity` and nothing to
/// `reserved`.
///
/// # Examples
///
/// ```
/// # if cfg!(asan) { return; } // ASan's red zones change the byte counts
/// let bump = allockit::Bump::new();
/// bump.alloc(1u8);
/// bump.alloc(2u64); // 7 bytes of padding first
/// let stats = bump.stats();
/// assert_eq!(stats.allocated, 16);
/// assert_eq!(stats.chunks, 1);
/// assert!(stats.capacity >= stats.allocated);
/// assert!(stats.reserved > stats.capacity); // the chunk header
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// Bytes handed out and not given back, padding included.
    pub allocated: usize,
    /// Data bytes of all chunks, spares included.
    pub capacity: usize,
    /// Bytes taken from the parent allocator, chunk headers included.
    pub reserved: usize,
    /// Number of chunks, spares included.
    pub chunks: usize,
}

/// What a chunk is currently used for; see [`ChunkInfo::role`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkRole {
    /// Older than the current chunk: the bump moved on when it ran out of room.
    Filled,
    /// The chunk the bump pointer is in.
    Current,
    /// Newer than the current chunk and empty: kept by a reset or a scope for reuse.
    Spare,
}

/// One chunk of a [`Bump`], as seen by [`Bump::chunks`].
///
/// # Examples
///
/// ```
/// use allockit::bump::ChunkRole;
///
/// # if cfg!(asan) { return; } // ASan's red zones change the byte counts
/// let bump = allockit::Bump::new();
/// bump.alloc([0u8; 100]);
/// let chunk = bump.chunks().next().unwrap();
/// assert_eq!(chunk.role, ChunkRole::Current);
/// assert_eq!(chunk.allocated, 100);
/// assert!(chunk.capacity >= 100);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkInfo {
    /// Where the chunk's data starts.
    pub data_start: *const u8,
    /// Data bytes (between the header and the end).
    pub capacity: usize,
    /// Bytes from the data start to the bump position.
    pub allocated: usize,
    /// Bytes of the block taken from the parent, header included; 0 for a buffer.
    pub block_size: usize,
    /// Whether the chunk is filled, current or a spare.
    pub role: ChunkRole,
}

/// An iterator over a [`Bump`]'s chunks, oldest first, from [`Bump::chunks`].
///
/// Each step walks the list afresh from the oldest chunk, so allocating from the bump
/// while iterating is sound (the iterator then sees the list as it is at each step).
pub struct Chunks<'a, A: Allocator> {
    bump: &'a Bump<A>,
    position: usize,
}

impl<A: Allocator> Iterator for Chunks<'_, A> {
    type Item = ChunkInfo;

    fn next(&mut self) -> Option<ChunkInfo> {
        let mut chunk = self.bump.first_chunk()?;
        for _ in 0..self.position {
            // SAFETY: chunks are only freed through `&mut Bump`, and `self` borrows the
            // bump, so every chunk reachable from it is alive.
            chunk = unsafe { chunk.as_ref() }.next?;
        }
        let position = self.position;
        self.position += 1;
        let data_start = ChunkHeader::data_start(chunk);
        let current = self.bump.index.get();
        let (role, used) = if position == current {
            (ChunkRole::Current, self.bump.ptr.get())
        } else if position > current {
            (ChunkRole::Spare, data_start)
        } else {
            // SAFETY: as above.
            (ChunkRole::Filled, unsafe { chunk.as_ref() }.used)
        };
        Some(ChunkInfo {
            data_start: data_start.as_ptr(),
            capacity: ChunkHeader::capacity(chunk),
            allocated: used.addr().get() - data_start.addr().get(),
            block_size: ChunkHeader::block_size(chunk),
            role,
        })
    }
}

impl<A: Allocator> fmt::Debug for Chunks<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chunks").finish_non_exhaustive()
    }
}

impl<A: Allocator> Bump<A> {
    /// Exact byte counts of what the bump holds and has handed out; see [`Stats`].
    ///
    /// Walks the chunk list, so it takes time proportional to the number of chunks.
    ///
    /// # Examples
    ///
    /// ```
    /// # if cfg!(asan) { return; } // ASan's red zones change the byte counts
    /// let bump = allockit::Bump::new();
    /// assert_eq!(bump.stats(), Default::default());
    /// bump.alloc_str("hello");
    /// assert_eq!(bump.stats().allocated, 5);
    /// ```
    pub fn stats(&self) -> Stats {
        self.chunks().fold(Stats::default(), |mut stats, chunk| {
            stats.allocated += chunk.allocated;
            stats.capacity += chunk.capacity;
            stats.reserved += chunk.block_size;
            stats.chunks += 1;
            stats
        })
    }

    /// The chunks, oldest first, for inspection (the tour draws them).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::bump::ChunkRole;
    ///
    /// let bump = allockit::Bump::new();
    /// for i in 0..1000u64 {
    ///     bump.alloc(i);
    /// }
    /// let chunks: Vec<_> = bump.chunks().collect();
    /// assert!(chunks.len() > 1);
    /// assert_eq!(chunks.last().unwrap().role, ChunkRole::Current);
    /// // Chunk sizes grow geometrically.
    /// assert!(chunks.windows(2).all(|w| w[1].block_size >= w[0].block_size));
    /// ```
    pub fn chunks(&self) -> Chunks<'_, A> {
        Chunks { bump: self, position: 0 }
    }

    /// Checks every invariant of the type (see [`Bump`]) and panics if one is broken.
    ///
    /// For property tests: cheap enough to call after every operation, and not part of
    /// the stable API.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        let (ptr, end) = (self.ptr.get().addr().get(), self.end.get().addr().get());
        let Some(current) = self.current.get() else {
            assert_eq!((ptr, end), (CHUNK_ALIGN, CHUNK_ALIGN), "empty bump pointers");
            assert_eq!(self.reserved.get(), 0, "empty bump reserves nothing");
            assert_eq!(self.index.get(), 0, "empty bump has position 0");
            return;
        };
        let mut reserved = 0;
        let mut position = 0;
        let mut seen_current = false;
        let mut prev = None;
        let mut next = self.first_chunk();
        while let Some(chunk) = next {
            // SAFETY: chunks of the list are alive while `self` is borrowed.
            let header = unsafe { chunk.as_ref() };
            assert_eq!(header.prev, prev, "links are mirrored");
            let data = ChunkHeader::data_start(chunk).addr().get();
            let chunk_end = header.end.addr().get();
            assert!(chunk_end % CHUNK_ALIGN == 0 && chunk_end <= MAX_END, "chunk end aligned");
            assert!(data < chunk_end, "chunk has data");
            let used = header.used.addr().get();
            if chunk == current {
                seen_current = true;
                assert_eq!(self.index.get(), position, "index is the current chunk's position");
                assert_eq!(end, chunk_end, "end is the current chunk's end");
                assert!(data <= ptr && ptr <= end, "bump pointer inside the current chunk");
            } else if seen_current {
                assert_eq!(used, data, "spares are empty");
            } else {
                assert!(data <= used && used <= chunk_end, "filled chunk fill level");
            }
            reserved += ChunkHeader::block_size(chunk);
            prev = Some(chunk);
            next = header.next;
            position += 1;
        }
        assert!(seen_current, "current chunk is in the list");
        assert_eq!(self.reserved.get(), reserved, "reserved is the sum of the blocks");
    }
}

//! Taking memory up front, giving it back, and limiting how much is taken: capacity
//! constructors, the two resets, the allocation limit, rewinding to a mark, and freeing.

use core::ptr::NonNull;

use super::Bump;
use super::chunk::{self, ChunkHeader, HEADER_SIZE};
use super::poison;
use crate::TryReserveError;
use crate::alloc::{Allocator, Layout};

/// A position of the bump pointer, to rewind to: the current chunk's position in the
/// list and the pointer's offset from that chunk's data start.
///
/// It holds no pointer, because the current chunk may move (when its only block grows
/// through the parent) while the mark is kept; positions and offsets survive that.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    index: usize,
    offset: usize,
}

impl<A: Allocator> Bump<A> {
    /// A bump allocator over `parent` whose first chunk has room for at least `capacity`
    /// bytes, or an error if that chunk cannot be allocated.
    ///
    /// # Errors
    ///
    /// [`CapacityOverflow`](crate::TryReserveErrorKind::CapacityOverflow) if `capacity`
    /// plus the chunk header does not fit a layout, and
    /// [`AllocError`](crate::TryReserveErrorKind::AllocError) if the parent refuses the
    /// chunk.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Bump, TryReserveErrorKind};
    /// use allockit::alloc::Global;
    ///
    /// assert!(Bump::try_with_capacity_in(1 << 12, Global).is_ok());
    /// let err = Bump::try_with_capacity_in(usize::MAX, Global).unwrap_err();
    /// assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow);
    /// ```
    pub fn try_with_capacity_in(capacity: usize, parent: A) -> Result<Self, TryReserveError> {
        let bump = Self::new_in(parent);
        if capacity == 0 {
            return Ok(bump);
        }
        let layout = Layout::from_size_align(capacity, 1)
            .map_err(|_| TryReserveError::capacity_overflow())?;
        let needed = chunk::bytes_needed_for(layout)
            .and_then(|n| n.checked_next_multiple_of(chunk::CHUNK_ALIGN))
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or(TryReserveError::capacity_overflow())?;
        match bump.alloc_slow(layout) {
            Some(block) => {
                // Give the probe allocation back: the chunk stays, empty.
                poison::poison_range(block, bump.ptr.get());
                bump.ptr.set(block);
                Ok(bump)
            }
            None => Err(TryReserveError::alloc_error(
                Layout::from_size_align(needed, chunk::CHUNK_ALIGN)
                    .map_err(|_| TryReserveError::capacity_overflow())?,
            )),
        }
    }

    /// Frees every chunk except the largest, and makes the bump pointer start over at the
    /// beginning of that one.
    ///
    /// Everything allocated from the bump is gone; the `&mut self` receiver guarantees
    /// that no reference into it and no collection using it is still alive. Values
    /// allocated with [`alloc`](Self::alloc) are *not* dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut bump = allockit::Bump::new();
    /// for i in 0..10_000u64 {
    ///     bump.alloc(i);
    /// }
    /// assert!(bump.stats().chunks > 1);
    ///
    /// bump.reset();
    /// let stats = bump.stats();
    /// assert_eq!((stats.chunks, stats.allocated), (1, 0));
    /// ```
    pub fn reset(&mut self) {
        let Some(first) = self.first_chunk() else { return };
        let mut largest = first;
        let mut next = Some(first);
        while let Some(chunk) = next {
            if ChunkHeader::capacity(chunk) > ChunkHeader::capacity(largest) {
                largest = chunk;
            }
            // SAFETY: chunks of the list are alive (invariant 4).
            next = unsafe { chunk.as_ref() }.next;
        }
        let mut next = Some(first);
        while let Some(chunk) = next {
            // SAFETY: as above; `chunk` is freed only after its link is read.
            next = unsafe { chunk.as_ref() }.next;
            if chunk != largest {
                // SAFETY: `chunk` is a chunk of this bump, unlinked below by resetting
                // `largest`'s links, and nothing refers to its memory (`&mut self`).
                unsafe { self.free_chunk(chunk) };
            }
        }
        // SAFETY: `largest` is alive; its neighbours were just freed.
        unsafe {
            (*largest.as_ptr()).prev = None;
            (*largest.as_ptr()).next = None;
        }
        self.reserved.set(ChunkHeader::block_size(largest));
        self.current.set(None);
        self.start_over_at(largest);
    }

    /// Makes the bump pointer start over at the beginning of the first chunk, keeping
    /// every chunk: the others become spares, reused in order as the first one fills up.
    ///
    /// This is the reset for steady-state loops (one parse, one request, one frame per
    /// iteration): after the first iteration, the bump stops asking its parent for
    /// memory. Values allocated with [`alloc`](Self::alloc) are *not* dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut bump = allockit::Bump::new();
    /// for _round in 0..3 {
    ///     for i in 0..10_000u64 {
    ///         bump.alloc(i);
    ///     }
    ///     let reserved = bump.stats().reserved;
    ///     bump.reset_keep_chunks();
    ///     assert_eq!(bump.stats().reserved, reserved); // nothing given back...
    ///     assert_eq!(bump.stats().allocated, 0);       // ...but all of it reusable
    /// }
    /// ```
    pub fn reset_keep_chunks(&mut self) {
        if let Some(first) = self.first_chunk() {
            self.current.set(None);
            self.start_over_at(first);
        }
    }

    /// Caps the bytes this bump takes from its parent (chunk headers included) at
    /// `limit`, or removes the cap with `None`.
    ///
    /// The limit is checked whenever a chunk is needed: a chunk is shrunk to fit the
    /// budget left if that still serves the request, and otherwise the request fails with
    /// `AllocError` (the `try_` methods return `Err`; the others call
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error)). Memory already taken is
    /// kept even if it is over a new, lower limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Bump;
    ///
    /// let bump = Bump::new();
    /// bump.set_allocation_limit(Some(4096));
    /// assert!(bump.try_alloc([0u8; 1000]).is_ok());
    /// assert!(bump.try_alloc([0u8; 5000]).is_err());
    /// assert!(bump.stats().reserved <= 4096);
    /// ```
    pub fn set_allocation_limit(&self, limit: Option<usize>) {
        self.limit.set(limit);
    }

    /// The cap set by [`set_allocation_limit`](Self::set_allocation_limit), if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// assert_eq!(bump.allocation_limit(), None);
    /// bump.set_allocation_limit(Some(1 << 20));
    /// assert_eq!(bump.allocation_limit(), Some(1 << 20));
    /// ```
    pub fn allocation_limit(&self) -> Option<usize> {
        self.limit.get()
    }

    /// Where the bump pointer is now.
    pub(crate) fn mark(&self) -> Mark {
        let offset = self.current.get().map_or(0, |current| {
            self.ptr.get().addr().get() - ChunkHeader::data_start(current).addr().get()
        });
        Mark { index: self.index.get(), offset }
    }

    /// Rewinds the bump pointer to `mark`, freeing for reuse everything allocated since;
    /// chunks taken since become spares. A mark taken before the first chunk rewinds to
    /// the start of the first chunk.
    ///
    /// # Safety
    ///
    /// - `mark` must come from [`mark`](Self::mark) on this bump, with no reset since.
    /// - No block allocated since the mark may be used afterwards, and no block from
    ///   before it may have been freed or resized since.
    pub(crate) unsafe fn rewind(&self, mark: Mark) {
        let Some(current) = self.current.get() else { return };
        debug_assert!(mark.index <= self.index.get());
        let mut chunk = current;
        if mark.index != self.index.get() {
            chunk = self.first_chunk().unwrap_or(current);
            for _ in 0..mark.index {
                // SAFETY: chunks of the list are alive; the mark's chunk exists, since
                // chunks are only freed by a reset (caller's contract).
                chunk = unsafe { chunk.as_ref() }.next.unwrap_or(chunk);
            }
        }
        // SAFETY: the offset was inside the chunk when the mark was taken, and a chunk's
        // data never shrinks.
        let ptr = unsafe { ChunkHeader::data_start(chunk).add(mark.offset) };
        if chunk == current {
            debug_assert!(ptr <= self.ptr.get());
            poison::poison_range(ptr, self.ptr.get());
            self.ptr.set(ptr);
            return;
        }
        // SAFETY: `chunk` is a chunk of this bump.
        let (end, next) = unsafe { (chunk.as_ref().end, chunk.as_ref().next) };
        poison::poison_range(ptr, end);
        empty_chunks_from(next);
        self.current.set(Some(chunk));
        self.index.set(mark.index);
        self.ptr.set(ptr);
        self.end.set(end);
    }

    /// Gives back the block `[block, block + size)` (plus its red zone) *and* the
    /// alignment padding between `mark` and it, if the block is still the newest and the
    /// bump is still in the chunk the mark was taken in; otherwise deallocates the block
    /// the usual way (a no-op unless it is the newest).
    ///
    /// # Safety
    ///
    /// - `mark` must have been taken on this bump just before `block` was allocated
    ///   from it with `layout`, and the block must not be used afterwards.
    pub(crate) unsafe fn give_back(&self, mark: Mark, block: NonNull<u8>, layout: Layout) {
        if let Some(current) = self.current.get() {
            let data = ChunkHeader::data_start(current);
            let start = block.addr().get();
            let ptr = self.ptr.get();
            let newest = ptr.addr().get() == start + poison::reserved_size(layout.size());
            let rewind_to = data.addr().get() + mark.offset;
            if self.index.get() == mark.index && newest && rewind_to <= start {
                // Only padding lies between the mark and the block: it was allocated
                // right after the mark, in this chunk. (A mark taken with no chunk has
                // position 0 and offset 0: the start of the first chunk.)
                // SAFETY: `data <= rewind_to <= start < ptr`, inside the current chunk.
                let rewind_to = unsafe { data.add(mark.offset) };
                poison::poison_range(rewind_to, ptr);
                self.ptr.set(rewind_to);
                return;
            }
        }
        // SAFETY: the block was allocated from this bump with `layout` (caller).
        unsafe { crate::alloc::AllocatorCore::raw_deallocate(self, block, layout) };
    }

    /// The oldest chunk, if any.
    pub(crate) fn first_chunk(&self) -> Option<NonNull<ChunkHeader>> {
        let mut chunk = self.current.get()?;
        // SAFETY: chunks of the list are alive (invariant 4).
        while let Some(prev) = unsafe { chunk.as_ref() }.prev {
            chunk = prev;
        }
        Some(chunk)
    }

    /// Makes every chunk from `first` on empty and `first` current. `current` must have
    /// been cleared, so the old current chunk's fill level is not recorded.
    fn start_over_at(&self, first: NonNull<ChunkHeader>) {
        empty_chunks_from(Some(first));
        debug_assert!(self.current.get().is_none());
        // SAFETY: `first` is alive.
        let end = unsafe { first.as_ref() }.end;
        self.current.set(Some(first));
        self.index.set(0);
        self.ptr.set(ChunkHeader::data_start(first));
        self.end.set(end);
    }

    /// Gives one chunk's block back to the parent (a caller's buffer is kept).
    ///
    /// # Safety
    ///
    /// - `chunk` must be a chunk of this bump that is not used afterwards, and nothing
    ///   may refer to its memory.
    unsafe fn free_chunk(&self, chunk: NonNull<ChunkHeader>) {
        // SAFETY: the header is alive until the block is freed below.
        let layout = unsafe { chunk.as_ref() }.layout;
        match layout {
            Some(layout) => {
                // The parent may reuse the memory: it must not stay poisoned.
                poison::unpoison(chunk.cast(), layout.size());
                // SAFETY: the block was allocated by `parent` with `layout` (invariant 4)
                // and is freed once, here.
                unsafe { self.parent.deallocate(chunk.cast(), layout) };
            }
            // A caller's buffer goes back to the caller, unpoisoned.
            None => poison::unpoison(chunk.cast(), HEADER_SIZE + ChunkHeader::capacity(chunk)),
        }
    }

    /// Frees every chunk and returns to the empty state.
    ///
    /// # Safety
    ///
    /// - Nothing may refer to memory allocated from this bump afterwards.
    pub(crate) unsafe fn free_all_chunks(&mut self) {
        let mut next = self.first_chunk();
        while let Some(chunk) = next {
            // SAFETY: chunks are alive until freed; the link is read first.
            next = unsafe { chunk.as_ref() }.next;
            // SAFETY: each chunk is freed once, and nothing refers to it (caller).
            unsafe { self.free_chunk(chunk) };
        }
        let empty = crate::alloc::dangling(chunk::CHUNK_ALIGN);
        self.current.set(None);
        self.index.set(0);
        self.ptr.set(empty);
        self.end.set(empty);
        self.reserved.set(0);
    }
}

/// Marks `first` and every chunk after it as empty (filled only to its data start) and,
/// under `cfg(asan)`, poisons their data: what rewinds and resets do to the chunks they
/// turn into spares.
fn empty_chunks_from(first: Option<NonNull<ChunkHeader>>) {
    let mut next = first;
    while let Some(chunk) = next {
        // SAFETY: chunks reachable from a bump's list are alive (invariant 4 of `Bump`);
        // no references to their headers are held.
        unsafe { (*chunk.as_ptr()).used = ChunkHeader::data_start(chunk) };
        poison::poison(ChunkHeader::data_start(chunk), ChunkHeader::capacity(chunk));
        // SAFETY: as above.
        next = unsafe { chunk.as_ref() }.next;
    }
}

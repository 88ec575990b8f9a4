//! Taking memory up front, giving it back, and limiting how much is taken: capacity
//! constructors, the two resets, the allocation limit, statistics and freeing.

use core::ptr::NonNull;

use super::chunk::{self, ArenaChunk};
use super::{Arena, ChunkList, Stats};
use crate::TryReserveError;
use crate::alloc::{Allocator, Global, Layout};
use crate::bump::chunk::{CHUNK_ALIGN, MAX_END};
use crate::bump::poison;
use crate::sync::Ordering;

impl Arena<Global> {
    /// An arena over the global heap whose first chunk has room for at least `capacity`
    /// bytes.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the chunk cannot
    /// be allocated, and panics with "capacity overflow" if `capacity` is too large for a
    /// layout.
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::with_capacity(4096);
    /// assert!(arena.stats().capacity >= 4096);
    /// # if cfg!(asan) { return; } // ASan's red zones change the byte counts
    /// for i in 0..512u64 {
    ///     arena.alloc(i);
    /// }
    /// assert_eq!(arena.stats().chunks, 1);
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_in(capacity, Global)
    }
}

impl<A: Allocator> Arena<A> {
    /// An arena over `parent` whose first chunk has room for at least `capacity` bytes.
    ///
    /// # Panics
    ///
    /// As [`with_capacity`](Arena::with_capacity).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Arena;
    /// use allockit::alloc::Global;
    ///
    /// let arena = Arena::with_capacity_in(100, Global);
    /// assert_eq!(arena.stats().chunks, 1);
    /// ```
    #[must_use]
    pub fn with_capacity_in(capacity: usize, parent: A) -> Self {
        match Self::try_with_capacity_in(capacity, parent) {
            Ok(arena) => arena,
            Err(error) => crate::error::handle_reserve_error(error),
        }
    }

    /// An arena over `parent` whose first chunk has room for at least `capacity` bytes,
    /// or an error if the chunk cannot be allocated.
    ///
    /// # Errors
    ///
    /// [`CapacityOverflow`](crate::TryReserveErrorKind::CapacityOverflow) if `capacity`
    /// and the chunk header do not fit a layout, `AllocError` if the parent refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Arena;
    /// use allockit::alloc::Global;
    ///
    /// assert!(Arena::try_with_capacity_in(1 << 12, Global).is_ok());
    /// assert!(Arena::try_with_capacity_in(usize::MAX, Global).is_err());
    /// ```
    pub fn try_with_capacity_in(capacity: usize, parent: A) -> Result<Self, TryReserveError> {
        let arena = Self::new_in(parent);
        if capacity == 0 {
            return Ok(arena);
        }
        let layout = Layout::from_size_align(capacity, 1)
            .map_err(|_| TryReserveError::capacity_overflow())?;
        let needed = chunk::bytes_needed_for(layout)
            .and_then(|n| n.checked_next_multiple_of(CHUNK_ALIGN))
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or(TryReserveError::capacity_overflow())?;
        match arena.alloc_slow(layout, 0) {
            Some(block) => {
                let chunk = arena.current().expect("the block's chunk is current");
                // Give the probe allocation back (with its red zone, under `cfg(asan)`):
                // the chunk stays, empty and poisoned.
                poison::poison(block, capacity);
                // SAFETY: the block is the newest of the current chunk, and ours.
                let rewound = unsafe {
                    super::bumping::move_cursor(
                        chunk,
                        block.addr().get() + poison::reserved_size(capacity),
                        block.addr().get(),
                    )
                };
                debug_assert!(rewound);
                Ok(arena)
            }
            None => Err(TryReserveError::alloc_error(
                Layout::from_size_align(needed, CHUNK_ALIGN)
                    .map_err(|_| TryReserveError::capacity_overflow())?,
            )),
        }
    }

    /// Frees everything allocated from the arena at once, keeping its largest chunk for
    /// what comes next and giving the other chunks back to the parent.
    ///
    /// Taking `&mut self` is what makes this safe: no collection or reference into the
    /// arena can still be alive, in any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut arena = allockit::Arena::new();
    /// for i in 0..10_000u32 {
    ///     arena.alloc(i);
    /// }
    /// assert!(arena.stats().chunks > 1);
    /// arena.reset();
    /// let stats = arena.stats();
    /// assert_eq!((stats.chunks, stats.allocated), (1, 0));
    /// ```
    pub fn reset(&mut self) {
        let mut largest: Option<NonNull<ArenaChunk>> = None;
        let mut chunks = self.take_all_chunks();
        while let Some(chunk) = chunks {
            // SAFETY: the chunk is alive; it is freed only after its link is read.
            chunks = unsafe { chunk.as_ref() }.prev;
            match largest {
                Some(big) if ArenaChunk::capacity(big) >= ArenaChunk::capacity(chunk) => {
                    // SAFETY: `chunk` is unlinked and nothing refers to it (`&mut self`).
                    unsafe { self.free_chunk(chunk) }
                }
                _ => {
                    if let Some(big) = largest.replace(chunk) {
                        // SAFETY: as above.
                        unsafe { self.free_chunk(big) }
                    }
                }
            }
        }
        if let Some(chunk) = largest {
            self.start_over_at(chunk);
        }
    }

    /// Frees everything allocated from the arena at once and keeps every chunk as a
    /// spare, so the same amount of allocation later takes nothing from the parent.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut arena = allockit::Arena::new();
    /// for i in 0..10_000u32 {
    ///     arena.alloc(i);
    /// }
    /// let reserved = arena.stats().reserved;
    /// arena.reset_keep_chunks();
    /// assert_eq!(arena.stats().reserved, reserved);
    /// assert_eq!(arena.stats().allocated, 0);
    /// ```
    pub fn reset_keep_chunks(&mut self) {
        let mut chunks = self.take_all_chunks();
        while let Some(chunk) = chunks {
            // SAFETY: the chunk is alive, and unlinked from everything but this walk.
            unsafe {
                chunks = (*chunk.as_ptr()).prev;
                (*chunk.as_ptr()).cursor.store(ArenaChunk::data_start(chunk), Ordering::Relaxed);
                (*chunk.as_ptr()).prev = self.list.get_mut().spares;
            }
            ArenaChunk::poison_data(chunk);
            let list = self.list.get_mut();
            list.spares = Some(chunk);
            list.chunks += 1;
            list.reserved += ArenaChunk::block_size(chunk);
        }
    }

    /// Caps the bytes the arena may take from its parent (chunk headers included), or
    /// lifts the cap with `None`. Past the cap, allocation fails with `AllocError` (and
    /// the panicking methods call `handle_alloc_error`). Chunks already taken are kept
    /// even if they exceed a new, lower cap.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Arena, Vec};
    ///
    /// let arena = Arena::new();
    /// arena.set_allocation_limit(Some(4096));
    /// let mut v: Vec<u8, &Arena> = Vec::new_in(&arena);
    /// assert!(v.try_reserve(1 << 20).is_err());
    /// assert!(v.try_reserve(100).is_ok());
    /// ```
    pub fn set_allocation_limit(&self, limit: Option<usize>) {
        self.with_list(|list| list.limit = limit);
    }

    /// The cap set by [`set_allocation_limit`](Arena::set_allocation_limit), if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// assert_eq!(arena.allocation_limit(), None);
    /// ```
    pub fn allocation_limit(&self) -> Option<usize> {
        self.with_list(|list| list.limit)
    }

    /// Exact byte counts of what the arena holds and has handed out; see [`Stats`].
    ///
    /// Takes the arena's lock and walks the chunk list. With other threads allocating at
    /// the same time, each chunk's figure is exact at the moment it is read.
    ///
    /// # Examples
    ///
    /// ```
    /// let arena = allockit::Arena::new();
    /// assert_eq!(arena.stats(), Default::default());
    /// arena.alloc_str("hello");
    /// arena.alloc(1u64); // after 3 bytes of padding
    /// # if cfg!(asan) { return; } // ASan's red zones change the byte counts
    /// assert_eq!(arena.stats().allocated, 16);
    /// ```
    pub fn stats(&self) -> Stats {
        self.with_list(|list| {
            self.install_buffer(list);
            let mut stats = Stats { chunks: list.chunks, ..Stats::default() };
            let spares = list.spares;
            for (mut next, in_use) in [(self.current(), true), (spares, false)] {
                while let Some(chunk) = next {
                    if in_use {
                        stats.allocated += ArenaChunk::used(chunk);
                    }
                    stats.capacity += ArenaChunk::capacity(chunk);
                    stats.reserved += ArenaChunk::block_size(chunk);
                    // SAFETY: chunks of the lists are alive (invariant 1).
                    next = unsafe { chunk.as_ref() }.prev;
                }
            }
            stats
        })
    }

    /// Checks every invariant of the type (see [`Arena`]) and panics if one is broken.
    ///
    /// For tests: call it while no other thread is allocating. Not part of the stable
    /// API.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        self.with_list(|list| {
            let (mut chunks, mut reserved) = (0, 0);
            for (mut next, in_use) in [(self.current(), true), (list.spares, false)] {
                while let Some(chunk) = next {
                    // SAFETY: chunks of the lists are alive (invariant 1).
                    let header = unsafe { chunk.as_ref() };
                    let data = ArenaChunk::data_start(chunk);
                    let cursor = header.cursor.load(Ordering::Relaxed);
                    assert!(header.end % CHUNK_ALIGN == 0 && header.end <= MAX_END, "chunk end");
                    assert!(data < header.end, "chunk has data");
                    assert!(data <= cursor && cursor <= header.end, "cursor inside the chunk");
                    if !in_use {
                        assert_eq!(cursor, data, "spares are empty");
                    }
                    chunks += 1;
                    reserved += ArenaChunk::block_size(chunk);
                    next = header.prev;
                }
            }
            assert_eq!(list.chunks, chunks, "chunk count");
            assert_eq!(list.reserved, reserved, "reserved is the sum of the blocks");
        });
    }

    /// Unlinks every chunk (in use and spare) and returns them as one list through
    /// `prev`, leaving the arena without chunks (its buffer, if pending, installed).
    fn take_all_chunks(&mut self) -> Option<NonNull<ArenaChunk>> {
        let list: *mut ChunkList = self.list.get();
        // SAFETY: `&mut self`: no one else uses the list.
        let mut spares = unsafe { (*list).spares.take() };
        // SAFETY: as above.
        self.install_buffer(unsafe { &mut *list });
        let mut head = NonNull::new(self.current.swap(core::ptr::null_mut(), Ordering::Relaxed));
        // Append the in-use chunks to the spares.
        while let Some(chunk) = head {
            // SAFETY: the chunk is alive; we own every link (`&mut self`).
            unsafe {
                head = (*chunk.as_ptr()).prev;
                (*chunk.as_ptr()).prev = spares;
            }
            spares = Some(chunk);
        }
        let list = self.list.get_mut();
        list.chunks = 0;
        list.reserved = 0;
        spares
    }

    /// Makes the unlinked `chunk` the only chunk, empty and current.
    fn start_over_at(&mut self, chunk: NonNull<ArenaChunk>) {
        // SAFETY: the chunk is alive and unlinked; we own it (`&mut self`).
        unsafe {
            (*chunk.as_ptr()).prev = None;
            (*chunk.as_ptr()).cursor.store(ArenaChunk::data_start(chunk), Ordering::Relaxed);
        }
        ArenaChunk::poison_data(chunk);
        let list = self.list.get_mut();
        list.chunks = 1;
        list.reserved = ArenaChunk::block_size(chunk);
        self.current.store(chunk.as_ptr(), Ordering::Relaxed);
    }

    /// Gives `chunk`'s block back to the parent (a caller's buffer is just forgotten),
    /// unpoisoned under `cfg(asan)`: the parent or the caller may use it again.
    ///
    /// # Safety
    ///
    /// - `chunk` must be a chunk of this arena that no list links to and no pointer into
    ///   its memory will be used again.
    unsafe fn free_chunk(&self, chunk: NonNull<ArenaChunk>) {
        // SAFETY: the header is alive until the block is freed below.
        let layout = unsafe { chunk.as_ref() }.layout;
        ArenaChunk::unpoison_all(chunk, layout.map(|l| l.size()));
        if let Some(layout) = layout {
            // SAFETY: the block was allocated by the parent with `layout` (chunk
            // invariant 4) and is not used again (caller's contract).
            unsafe { self.parent.deallocate(chunk.cast(), layout) };
        }
    }

    /// Frees every chunk (the destructor).
    pub(crate) fn free_all_chunks(&mut self) {
        let mut chunks = self.take_all_chunks();
        while let Some(chunk) = chunks {
            // SAFETY: the chunk is alive; its link is read before it is freed, and
            // nothing refers to it any more (`&mut self`).
            unsafe {
                chunks = chunk.as_ref().prev;
                self.free_chunk(chunk);
            }
        }
    }
}

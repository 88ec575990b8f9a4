//! The allocation paths: the lock-free fast path (a compare-and-swap on the current
//! chunk's cursor) and the `#[cold]` slow path that installs a new chunk under the lock.
//!
//! Under `cfg(asan)` every path reserves [`poison::reserved`] (the block rounded up to an
//! ASan granule, then a red zone) and unpoisons the block's own bytes after the
//! compare-and-swap that made them ours and before the block is returned, so no other
//! thread can see a block that is still poisoned, and no two blocks share a granule; see
//! the arena's [module docs](super#addresssanitizer).

use core::ptr::NonNull;

use super::chunk::{self, ArenaChunk};
use super::{Arena, ChunkList};
use crate::alloc::{Allocator, Layout};
use crate::bump::chunk::{CHUNK_ALIGN, next_chunk_size};
use crate::bump::poison;
use crate::sync::Ordering;

/// A pointer to `addr` inside `chunk`'s block, with the block's provenance.
///
/// # Safety
///
/// - `addr` must lie inside the chunk's block (or one past it) and not be zero.
#[inline(always)]
pub(crate) unsafe fn at(chunk: NonNull<ArenaChunk>, addr: usize) -> NonNull<u8> {
    // SAFETY: `addr` is not zero (caller's contract).
    chunk.cast::<u8>().with_addr(unsafe { core::num::NonZero::new_unchecked(addr) })
}

/// Bumps `chunk`'s cursor past a block for `layout` and returns the block's address, or
/// `None` if the chunk has no room. Lock-free: a failed compare-and-swap means another
/// thread moved the cursor, and the attempt is repeated from the cursor it left.
///
/// Nothing wraps: `cursor <= end` (chunk invariant 1), the padding is below the
/// alignment, and a `Layout`'s size rounded up to its alignment is at most `isize::MAX`.
///
/// # Safety
///
/// - `chunk` must be a live chunk of an arena (a stale current chunk is fine: chunks
///   live until the arena is borrowed mutably).
#[inline(always)]
pub(crate) unsafe fn bump_in(chunk: NonNull<ArenaChunk>, layout: Layout) -> Option<NonNull<u8>> {
    // SAFETY: the chunk is alive (caller's contract).
    let (atomic, end) = unsafe { (ArenaChunk::cursor(chunk), ArenaChunk::end(chunk)) };
    let mut cursor = atomic.load(Ordering::Relaxed);
    loop {
        let pad = cursor.wrapping_neg() & (layout.align() - 1);
        let needed = pad + layout.size();
        if needed > end - cursor {
            return None;
        }
        // Acquire on success: if a thread gave these bytes back (rewinding the cursor with
        // Release), its last writes to them happen before ours.
        match atomic.compare_exchange_weak(
            cursor,
            cursor + needed,
            Ordering::Acquire,
            Ordering::Relaxed,
        ) {
            // SAFETY: `cursor + pad` lies in `[data_start, end]`, inside the block.
            Ok(_) => return Some(unsafe { at(chunk, cursor + pad) }),
            Err(now) => cursor = now,
        }
    }
}

/// Moves `chunk`'s cursor from `from` to `to` if no other thread moved it since it was
/// `from`; returns whether it did. Used to grow, shrink and free the newest block.
///
/// # Safety
///
/// - `chunk` must be a live chunk of an arena, and `to` must lie in `[data_start, end]`.
/// - If `to < from`, the caller must own the bytes `[to, from)` and give them up.
#[inline]
pub(crate) unsafe fn move_cursor(chunk: NonNull<ArenaChunk>, from: usize, to: usize) -> bool {
    // SAFETY: the chunk is alive (caller's contract).
    let (atomic, end) = unsafe { (ArenaChunk::cursor(chunk), ArenaChunk::end(chunk)) };
    debug_assert!(to >= ArenaChunk::data_start(chunk) && to <= end);
    // AcqRel: Release publishes our writes to bytes we give back; Acquire sees the writes
    // of a thread that gave back bytes we now extend into.
    atomic.compare_exchange(from, to, Ordering::AcqRel, Ordering::Relaxed).is_ok()
}

impl<A: Allocator> Arena<A> {
    /// The current chunk, or `None` before the first one.
    #[inline(always)]
    pub(crate) fn current(&self) -> Option<NonNull<ArenaChunk>> {
        // Acquire: the header of a chunk installed by another thread is visible.
        NonNull::new(self.current.load(Ordering::Acquire))
    }

    /// Allocates a block for `layout`: the lock-free fast path inline, the slow path out
    /// of line. Returns `None` if no chunk can hold it within the limit.
    #[inline(always)]
    pub(crate) fn alloc_block(&self, layout: Layout) -> Option<NonNull<u8>> {
        if let Some(chunk) = self.current() {
            // SAFETY: the current chunk is alive (arena invariant 1).
            if let Some(block) = unsafe { bump_in(chunk, poison::reserved(layout)?) } {
                poison::unpoison(block, layout.size());
                return Some(block);
            }
        }
        self.alloc_slow(layout, 0)
    }

    /// [`alloc_block`](Self::alloc_block) for the new block of a growing allocation that
    /// has to move, or a `LocalArena`'s slab: if a new chunk is needed, it becomes current
    /// (even for a large block) and gets room for twice the block, so the block's next
    /// growth (or the next slab) can happen in place.
    #[inline]
    pub(crate) fn alloc_block_growing(&self, layout: Layout) -> Option<NonNull<u8>> {
        if let Some(chunk) = self.current() {
            // SAFETY: the current chunk is alive (arena invariant 1).
            if let Some(block) = unsafe { bump_in(chunk, poison::reserved(layout)?) } {
                poison::unpoison(block, layout.size());
                return Some(block);
            }
        }
        self.alloc_slow(layout, layout.size().saturating_mul(2))
    }

    /// The slow path: the current chunk (as this thread saw it) cannot hold `layout`.
    ///
    /// Under the lock, it first retries the current chunk (another thread may have
    /// installed a new one meanwhile), then takes a spare or a new chunk, carves the
    /// block out of it *before* publishing it (so the thread that paid for the chunk is
    /// sure to get its block), and publishes it as the current chunk with a Release
    /// store. A request larger than the next chunk would be gets a chunk of its own,
    /// linked behind the current one, so the current chunk's free space stays in use;
    /// except a growing block (`room` non-zero: the bytes a new chunk should have room
    /// for), whose new chunk becomes current so that it can keep growing in place.
    ///
    /// Under `cfg(asan)` the block is reserved with its red zone and unpoisoned, as on
    /// the fast path.
    #[cold]
    #[inline(never)]
    pub(crate) fn alloc_slow(&self, layout: Layout, room: usize) -> Option<NonNull<u8>> {
        if layout.size() == 0 {
            return Some(crate::alloc::dangling(layout.align()));
        }
        let block = self.alloc_reserved(poison::reserved(layout)?, room)?;
        poison::unpoison(block, layout.size());
        Some(block)
    }

    /// [`alloc_slow`](Self::alloc_slow) for a reserved layout (red zone included), whose
    /// bytes stay poisoned under `cfg(asan)`.
    fn alloc_reserved(&self, layout: Layout, room: usize) -> Option<NonNull<u8>> {
        let _guard = self.lock.lock();
        // SAFETY: the lock is held, so no one else touches the list.
        let list = unsafe { &mut *self.list.get() };
        self.install_buffer(list);
        let current = self.current();
        if let Some(chunk) = current {
            // SAFETY: the current chunk is alive (arena invariant 1).
            if let Some(block) = unsafe { bump_in(chunk, layout) } {
                return Some(block);
            }
        }
        let (chunk, own) = match take_spare(list, layout) {
            Some(spare) => (spare, false),
            None => self.new_chunk(list, current, layout, room)?,
        };
        // SAFETY: the chunk is empty, unpublished and fits `layout`, so only we bump it.
        let block = unsafe { bump_in(chunk, layout) };
        debug_assert!(block.is_some());
        // SAFETY: both are live chunks of this arena; the lock is held (invariant 3).
        unsafe {
            match current {
                Some(current) if own => {
                    (*chunk.as_ptr()).prev = (*current.as_ptr()).prev;
                    (*current.as_ptr()).prev = Some(chunk);
                }
                _ => {
                    (*chunk.as_ptr()).prev = current;
                    // Release: the header and the carved cursor are visible to every
                    // thread that loads the new current chunk.
                    self.current.store(chunk.as_ptr(), Ordering::Release);
                }
            }
        }
        block
    }

    /// Turns a caller's buffer that `from_buffer` left pending into the first chunk.
    pub(crate) fn install_buffer(&self, list: &mut ChunkList) {
        let Some((start, len)) = list.buffer.take() else { return };
        let pad = start.addr().get().wrapping_neg() & (CHUNK_ALIGN - 1);
        if pad >= len {
            return;
        }
        // SAFETY: `pad < len`, so the aligned start is inside the buffer.
        let aligned = unsafe { start.add(pad) };
        // SAFETY: the buffer is the arena's for its whole life (`from_buffer`'s borrow)
        // and aligned; no one has used it yet.
        if let Some(chunk) = unsafe { ArenaChunk::init(aligned, len - pad, None) } {
            ArenaChunk::poison_data(chunk);
            list.chunks += 1;
            debug_assert!(self.current().is_none());
            self.current.store(chunk.as_ptr(), Ordering::Release);
        }
    }

    /// Takes a new chunk for `layout` from the parent, preferably with room for `room`
    /// bytes. Returns it, unlinked and empty, and whether it is the request's own chunk
    /// (a request that is not growing, `room == 0`, and alone is bigger than the next
    /// chunk in the doubling series). Sizes double up to the cap; if the parent refuses,
    /// smaller sizes down to what `layout` needs are tried; the limit is never passed.
    fn new_chunk(
        &self,
        list: &mut ChunkList,
        current: Option<NonNull<ArenaChunk>>,
        layout: Layout,
        room: usize,
    ) -> Option<(NonNull<ArenaChunk>, bool)> {
        let needed = chunk::bytes_needed_for(layout)?.checked_next_multiple_of(CHUNK_ALIGN)?;
        let last = current.map(ArenaChunk::block_size).filter(|&size| size > 0);
        let geometric = next_chunk_size(last, 0)?;
        let wanted = Layout::from_size_align(room, layout.align())
            .ok()
            .and_then(chunk::bytes_needed_for)
            .and_then(|n| n.checked_next_multiple_of(CHUNK_ALIGN))
            .filter(|&n| n <= isize::MAX as usize)
            .unwrap_or(0);
        let mut size = geometric.max(needed).max(wanted);
        let own = room == 0 && current.is_some() && needed > geometric;
        if let Some(limit) = list.limit {
            let budget = limit.saturating_sub(list.reserved) & !(CHUNK_ALIGN - 1);
            if budget < needed {
                return None;
            }
            size = size.min(budget);
        }
        let align = layout.align().max(CHUNK_ALIGN);
        loop {
            let block_layout = Layout::from_size_align(size, align).ok()?;
            if let Ok(block) = self.parent.allocate(block_layout) {
                let block = block.cast::<u8>();
                // SAFETY: the block is fresh from the parent, aligned to at least
                // CHUNK_ALIGN and `size` bytes long; it stays ours until freed.
                match unsafe { ArenaChunk::init(block, size, Some(block_layout)) } {
                    Some(chunk) => {
                        // Before anyone can see the chunk: its free bytes are poisoned.
                        ArenaChunk::poison_data(chunk);
                        list.reserved += size;
                        list.chunks += 1;
                        return Some((chunk, own));
                    }
                    None => {
                        // SAFETY: allocated just above with `block_layout`.
                        unsafe { self.parent.deallocate(block, block_layout) };
                        return None;
                    }
                }
            }
            if size <= needed {
                return None;
            }
            size = (size / 2).next_multiple_of(CHUNK_ALIGN).max(needed);
        }
    }
}

/// Unlinks and returns the first spare chunk that can hold `layout`.
fn take_spare(list: &mut ChunkList, layout: Layout) -> Option<NonNull<ArenaChunk>> {
    let mut link: *mut Option<NonNull<ArenaChunk>> = &mut list.spares;
    // SAFETY: every spare is a live, empty chunk of this arena, reached only through this
    // list while the lock is held (arena invariant 2).
    unsafe {
        while let Some(spare) = *link {
            if ArenaChunk::fits_empty(spare, layout) {
                *link = (*spare.as_ptr()).prev.take();
                return Some(spare);
            }
            link = &raw mut (*spare.as_ptr()).prev;
        }
    }
    None
}

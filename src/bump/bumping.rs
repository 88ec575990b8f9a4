//! The allocation paths: the inlined fast path (align, add, one bounds check) and the
//! out-of-line, `#[cold]` slow path that moves to a spare or a new chunk.

use core::mem::{align_of, size_of};
use core::num::NonZero;
use core::ptr::NonNull;

use super::Bump;
use super::chunk::{self, CHUNK_ALIGN, ChunkHeader};
use super::poison;
use crate::alloc::{Allocator, Layout};

/// `ptr` moved to address `addr`, keeping its provenance.
///
/// # Safety
///
/// - `addr` must not be zero.
#[inline(always)]
unsafe fn at(ptr: NonNull<u8>, addr: usize) -> NonNull<u8> {
    // SAFETY: `addr` is non-zero (caller's contract).
    ptr.with_addr(unsafe { NonZero::new_unchecked(addr) })
}

impl<A: Allocator> Bump<A> {
    /// Bumps for a layout whose size and alignment are both at most [`CHUNK_ALIGN`]:
    /// align up, add, compare with `end`. Returns `None` if the current chunk is full.
    ///
    /// No overflow check is needed: `ptr <= end`, `end` is a multiple of `CHUNK_ALIGN`
    /// (so rounding `ptr` up to an alignment that divides it stays `<= end`), and
    /// `end <= MAX_END`, so adding at most `CHUNK_ALIGN` cannot wrap (invariant 2).
    #[inline(always)]
    fn bump_small(&self, layout: Layout) -> Option<NonNull<u8>> {
        debug_assert!(layout.size() <= CHUNK_ALIGN && layout.align() <= CHUNK_ALIGN);
        let ptr = self.ptr.get();
        let mask = layout.align() - 1;
        let start = (ptr.addr().get() + mask) & !mask;
        let new = start + layout.size();
        if new > self.end.get().addr().get() {
            return None;
        }
        // SAFETY: `start >= ptr > 0` and `new >= start`, neither wrapped (see above).
        unsafe {
            self.ptr.set(at(ptr, new));
            Some(at(ptr, start))
        }
    }

    /// Bumps for any layout: pad to the alignment, then check the padded size against
    /// the room left. Returns `None` if the current chunk is full.
    ///
    /// Nothing can wrap: the padding is below `layout.align()`, and a `Layout` guarantees
    /// that its size rounded up to its alignment is at most `isize::MAX`, so
    /// `pad + size <= isize::MAX`; `end - ptr` is non-negative (invariant 2).
    #[inline(always)]
    pub(crate) fn bump_any(&self, layout: Layout) -> Option<NonNull<u8>> {
        let ptr = self.ptr.get();
        let addr = ptr.addr().get();
        let pad = addr.wrapping_neg() & (layout.align() - 1);
        let needed = pad + layout.size();
        if needed > self.end.get().addr().get() - addr {
            return None;
        }
        // SAFETY: `addr + pad` and `addr + needed` are in `[addr, end]`, so non-zero.
        unsafe {
            self.ptr.set(at(ptr, addr + needed));
            Some(at(ptr, addr + pad))
        }
    }

    /// The fast path alone for `layout`: a block from the current chunk, or `None` if
    /// it is full. Under `cfg(asan)` the block is followed by a red zone and unpoisoned.
    #[inline(always)]
    pub(crate) fn bump_fast(&self, layout: Layout) -> Option<NonNull<u8>> {
        let block = self.bump_any(poison::reserved(layout)?)?;
        poison::unpoison(block, layout.size());
        Some(block)
    }

    /// [`bump_fast`](Self::bump_fast) for `Layout::new::<T>()`, taking the shorter
    /// [`bump_small`](Self::bump_small) path when `T` is small.
    #[inline(always)]
    pub(crate) fn bump_fast_for<T>(&self) -> Option<NonNull<T>> {
        let layout = Layout::new::<T>();
        let block = if const {
            !cfg!(asan) && size_of::<T>() <= CHUNK_ALIGN && align_of::<T>() <= CHUNK_ALIGN
        } {
            self.bump_small(layout)
        } else {
            self.bump_fast(layout)
        };
        block.map(NonNull::cast)
    }

    /// Allocates a block for `layout`: the fast path inline, the slow path out of line.
    ///
    /// Returns `None` if neither the current chunk, a spare, nor a new chunk from the
    /// parent can hold it.
    #[inline(always)]
    pub(crate) fn alloc_block(&self, layout: Layout) -> Option<NonNull<u8>> {
        match self.bump_fast(layout) {
            Some(block) => Some(block),
            None => self.alloc_slow(layout),
        }
    }

    /// [`alloc_block`](Self::alloc_block) for `Layout::new::<T>()`.
    #[inline(always)]
    pub(crate) fn alloc_block_for<T>(&self) -> Option<NonNull<T>> {
        match self.bump_fast_for::<T>() {
            Some(block) => Some(block),
            None => self.alloc_slow(Layout::new::<T>()).map(NonNull::cast),
        }
    }

    /// The slow path: the current chunk cannot hold `layout`.
    ///
    /// A zero-sized request gets a dangling pointer; otherwise the first spare chunk that
    /// fits becomes current, or a new chunk is taken from the parent. Under `cfg(asan)`
    /// the block is followed by a red zone and unpoisoned, as on the fast path.
    #[cold]
    #[inline(never)]
    pub(crate) fn alloc_slow(&self, layout: Layout) -> Option<NonNull<u8>> {
        let reserved = poison::reserved(layout)?;
        if reserved.size() == 0 {
            return Some(crate::alloc::dangling(reserved.align()));
        }
        let chunk = match self.take_spare(reserved) {
            Some(spare) => spare,
            None => self.take_new_chunk(reserved)?,
        };
        self.make_current(chunk);
        // A fresh or spare chunk was chosen to fit, so this cannot fail.
        let block = self.bump_any(reserved)?;
        poison::unpoison(block, layout.size());
        Some(block)
    }

    /// Unlinks the first spare chunk that can hold `layout` and relinks it right after
    /// the current chunk, so the spares it skipped stay available.
    fn take_spare(&self, layout: Layout) -> Option<NonNull<ChunkHeader>> {
        let current = self.current.get()?;
        // SAFETY: chunks linked from the current one are alive (invariant 4).
        let mut next = unsafe { current.as_ref() }.next;
        while let Some(spare) = next {
            if fits_empty(spare, layout) {
                // SAFETY: `spare` and its neighbours are chunks of this bump; relinking
                // keeps every link mirrored (ChunkHeader invariant).
                unsafe {
                    unlink(spare);
                    link_after(current, spare);
                }
                return Some(spare);
            }
            // SAFETY: as above.
            next = unsafe { spare.as_ref() }.next;
        }
        None
    }

    /// Takes a new chunk from the parent that can hold `layout` and links it right after
    /// the current chunk. Sizes double up to the cap; if the parent refuses, smaller
    /// sizes down to what `layout` needs are tried; the allocation limit is never passed.
    fn take_new_chunk(&self, layout: Layout) -> Option<NonNull<ChunkHeader>> {
        let needed = chunk::bytes_needed_for(layout)?;
        let needed = needed.checked_next_multiple_of(CHUNK_ALIGN)?;
        let last = self.current.get().map(ChunkHeader::block_size);
        let mut size = chunk::next_chunk_size(last, needed)?;
        if let Some(limit) = self.limit.get() {
            let budget = limit.saturating_sub(self.reserved.get()) & !(CHUNK_ALIGN - 1);
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
                let Some(header) = (unsafe { ChunkHeader::init(block, size, Some(block_layout)) })
                else {
                    // SAFETY: allocated just above with `block_layout`.
                    unsafe { self.parent.deallocate(block, block_layout) };
                    return None;
                };
                self.reserved.set(self.reserved.get() + size);
                poison::poison(ChunkHeader::data_start(header), ChunkHeader::capacity(header));
                if let Some(current) = self.current.get() {
                    // SAFETY: both are chunks of this bump; `header` is not linked yet.
                    unsafe { link_after(current, header) };
                }
                return Some(header);
            }
            if size <= needed {
                return None;
            }
            size = (size / 2).next_multiple_of(CHUNK_ALIGN).max(needed);
        }
    }

    /// Grows the current chunk through the parent's `grow` so that the block at its data
    /// start can become `new.size()` bytes long, and returns the block's (possibly moved)
    /// start. This is how a big `Vec<T, &Bump>` grows like a `Vec<T>` over the parent:
    /// with the parent's `realloc` (in-place extension, or page remapping for large
    /// blocks) instead of a copy into a fresh chunk.
    ///
    /// Returns `None`, changing nothing, if the chunk is a caller's buffer, `new` needs a
    /// larger alignment than the data start is guaranteed to have after a move, the
    /// allocation limit would be passed, or the parent refuses.
    ///
    /// # Safety
    ///
    /// - The current chunk's only bytes in use must be those of one block that starts at
    ///   its data start and ends at the bump pointer, and `new` (a reserved layout) must
    ///   be that block's new layout; the chunk may move, so no other pointer into it may
    ///   be used afterwards (zero-sized accesses excepted).
    pub(crate) unsafe fn grow_current_chunk(&self, new: Layout) -> Option<NonNull<u8>> {
        let current = self.current.get()?;
        // SAFETY: the current chunk is alive (invariant 4).
        let old = unsafe { current.as_ref() }.layout?;
        if new.align() > CHUNK_ALIGN {
            return None;
        }
        let needed = chunk::HEADER_SIZE
            .checked_add(new.size())?
            .checked_add(2 * CHUNK_ALIGN)?
            .checked_next_multiple_of(CHUNK_ALIGN)?;
        // Grow by at least half (by at most MAX_CHUNK_SIZE), so that a block growing by
        // small steps (`reserve_exact(1)` in a loop) costs amortized O(1) per step, while
        // a doubling `Vec` gets exactly what it asks for (its chunk holds no slack).
        let geometric = old.size().saturating_add((old.size() / 2).min(chunk::MAX_CHUNK_SIZE));
        let mut size = needed.max(geometric & !(CHUNK_ALIGN - 1));
        if let Some(limit) = self.limit.get() {
            let budget = limit.saturating_sub(self.reserved.get()).saturating_add(old.size());
            if needed > budget {
                return None;
            }
            size = size.min(budget & !(CHUNK_ALIGN - 1)).max(needed);
        }
        // The parent reads the whole old block when it copies it.
        poison::unpoison(current.cast(), old.size());
        let (block, layout) = loop {
            let layout = Layout::from_size_align(size, old.align()).ok()?;
            // SAFETY: the chunk's block was allocated by `parent` with `old` (invariant
            // 4), and `layout` is not smaller.
            match unsafe { self.parent.grow(current.cast(), old, layout) } {
                Ok(block) => break (block, layout),
                Err(_) if size > needed => size = needed,
                Err(_) => {
                    poison::poison_range(self.ptr.get(), self.end.get());
                    return None;
                }
            }
        };
        // From here on the chunk has moved: nothing may fail.
        let extra = size - old.size();
        let header = block.cast::<ChunkHeader>();
        let start = block.cast::<u8>().addr().get();
        let data = ChunkHeader::data_start(header);
        // `data_end` loses less than 2 * CHUNK_ALIGN, which `size` has spare, so the end
        // is past the data start and not zero.
        let end_addr = chunk::data_end(start, size);
        debug_assert!(end_addr >= data.addr().get() + new.size());
        // SAFETY: `end_addr > data > 0`.
        let end = unsafe { at(block.cast::<u8>(), end_addr) };
        // SAFETY: the header moved with the block (the parent kept its bytes); the
        // neighbours are alive, and pointing them at the new place keeps the links
        // mirrored.
        unsafe {
            let h = header.as_ptr();
            (*h).end = end;
            (*h).used = data;
            (*h).layout = Some(layout);
            if let Some(prev) = (*h).prev {
                (*prev.as_ptr()).next = Some(header);
            }
            if let Some(next) = (*h).next {
                (*next.as_ptr()).prev = Some(header);
            }
        }
        self.reserved.set(self.reserved.get() + extra);
        self.current.set(Some(header));
        // SAFETY: `new.size() <= end - data` by the choice of `size`.
        let bump = unsafe { data.add(new.size()) };
        debug_assert!(bump <= end);
        self.ptr.set(bump);
        self.end.set(end);
        poison::poison_range(bump, end);
        Some(data)
    }

    /// Makes `chunk` (linked right after the current chunk, or the first chunk of an
    /// empty bump) the current chunk, recording where the old current chunk was filled to.
    fn make_current(&self, chunk: NonNull<ChunkHeader>) {
        if let Some(old) = self.current.get() {
            // SAFETY: `old` is alive (invariant 4); no reference to its header is held.
            unsafe { (*old.as_ptr()).used = self.ptr.get() };
            self.index.set(self.index.get() + 1);
        }
        // SAFETY: `chunk` is alive and initialised.
        let end = unsafe { chunk.as_ref() }.end;
        self.current.set(Some(chunk));
        self.ptr.set(ChunkHeader::data_start(chunk));
        self.end.set(end);
    }
}

/// Whether an empty chunk can hold `layout` at its data start.
fn fits_empty(chunk: NonNull<ChunkHeader>, layout: Layout) -> bool {
    let start = ChunkHeader::data_start(chunk).addr().get();
    let pad = start.wrapping_neg() & (layout.align() - 1);
    pad + layout.size() <= ChunkHeader::capacity(chunk)
}

/// Removes `chunk` from its list, joining its neighbours.
///
/// # Safety
///
/// - `chunk` and its neighbours must be alive chunk headers of one list.
unsafe fn unlink(chunk: NonNull<ChunkHeader>) {
    // SAFETY: all three headers are alive (caller's contract); no references are held.
    unsafe {
        let ChunkHeader { prev, next, .. } = *chunk.as_ptr();
        if let Some(prev) = prev {
            (*prev.as_ptr()).next = next;
        }
        if let Some(next) = next {
            (*next.as_ptr()).prev = prev;
        }
        (*chunk.as_ptr()).prev = None;
        (*chunk.as_ptr()).next = None;
    }
}

/// Inserts the unlinked `chunk` right after `anchor`.
///
/// # Safety
///
/// - `anchor` and its successor must be alive chunk headers of one list, and `chunk` an
///   alive header that is in no list.
pub(crate) unsafe fn link_after(anchor: NonNull<ChunkHeader>, chunk: NonNull<ChunkHeader>) {
    // SAFETY: all headers involved are alive (caller's contract); no references are held.
    unsafe {
        let next = (*anchor.as_ptr()).next;
        (*chunk.as_ptr()).prev = Some(anchor);
        (*chunk.as_ptr()).next = next;
        if let Some(next) = next {
            (*next.as_ptr()).prev = Some(chunk);
        }
        (*anchor.as_ptr()).next = Some(chunk);
    }
}

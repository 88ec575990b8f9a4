//! Slabs: the big blocks a pool takes from its parent and cuts into pool blocks.
//!
//! ```text
//!   one slab (one allocation from the parent, aligned for the blocks)
//!   ┌────────────┬─pad─┬─────────┬─────────┬─────────┬─ ... ─┬─────────┬──────────────┐
//!   │ SlabHeader │     │ block 0 │ block 1 │ block 2 │       │ block n │ live bits    │
//!   └────────────┴─────┴─────────┴─────────┴─────────┴─ ... ─┴─────────┴──────────────┘
//!    older, layout,     ◀── carved ───────▶ ◀── not yet carved ──────▶  debug builds:
//!    blocks, count                          carve ▲                     1 bit per block
//! ```
//!
//! Blocks are *carved* lazily: a new slab's blocks are not threaded onto the free list up
//! front (that would touch every byte of it at once). The pool hands out `carve` and moves
//! it one block on, and only a block that was handed out and freed ever joins the free
//! list. Only the newest slab has uncarved blocks; the pool takes a new slab when both the
//! free list and the newest slab's uncarved blocks are exhausted.
//!
//! Slabs are sized like a `Bump`'s chunks: about 4 KiB, doubling with each new slab up
//! to 1 MiB, and never fewer than one block. A pool made with `with_capacity(n)` starts
//! with one slab of exactly `n` blocks.
//!
//! In debug builds each slab ends with one bit per block, set while the block is handed
//! out. [`Slabs::debug_check_free`] uses it to turn a double free, or a pointer that is
//! not a block of this pool, into a panic.

use core::ptr::{self, NonNull};

use super::PoolStats;
use super::block::{BlockLayout, FreeBlock};
use crate::alloc::{Allocator, Layout, handle_alloc_error};
use crate::{TryReserveError, TryReserveErrorKind};

/// The pool `with_capacity` constructors' answer to a failed first slab: the allocation
/// error handler, or a capacity-overflow panic naming the constructor.
pub(crate) fn capacity_or_fail<P>(result: Result<P, TryReserveError>, constructor: &str) -> P {
    match result {
        Ok(pool) => pool,
        Err(error) => match error.kind() {
            TryReserveErrorKind::AllocError { layout, .. } => handle_alloc_error(layout),
            TryReserveErrorKind::CapacityOverflow => panic!("{constructor}: capacity overflow"),
        },
    }
}
use crate::bump::poison;

/// The header at the start of every slab.
///
/// Invariants: the slab is the block `layout` allocated by the pool's parent at the
/// header's own address; its `count` blocks start at `blocks`, inside it, each
/// `BlockLayout::size` bytes; in debug builds `live_bits` points at `count.div_ceil(64)`
/// words after the blocks, inside it too.
pub(crate) struct SlabHeader {
    /// The next older slab.
    older: Option<NonNull<SlabHeader>>,
    /// The layout the slab was allocated with.
    layout: Layout,
    /// The first block.
    blocks: NonNull<u8>,
    /// Number of blocks.
    count: usize,
    /// Free blocks counted by [`Slabs::release_empty`]; meaningless outside it.
    scratch: usize,
    /// One bit per block, set while it is handed out (debug builds only).
    #[cfg(debug_assertions)]
    live_bits: NonNull<core::sync::atomic::AtomicUsize>,
}

impl SlabHeader {
    /// Whether `ptr` points into this slab's blocks (at a block's start or not).
    fn holds(&self, block: BlockLayout, ptr: *const u8) -> bool {
        let start = self.blocks.as_ptr().addr();
        ptr.addr() >= start && ptr.addr() - start < self.count * block.size
    }
}

/// Bits per word of the debug bitmap.
#[cfg(debug_assertions)]
const WORD_BITS: usize = usize::BITS as usize;

/// The first slab's target size in bytes, when no capacity was asked for.
const FIRST_SLAB_BYTES: usize = 4096;

/// The size slabs stop doubling at.
const MAX_SLAB_BYTES: usize = 1 << 20;

/// The slab list of a pool, its uncarved blocks, and its byte accounting. Used by one
/// thread at a time (`Pool` is not `Sync`; `SyncPool` keeps it under its lock, and so
/// makes every call here, the debug checks included, with the lock held).
///
/// Invariants:
/// 1. `newest` starts a list, linked through `older`, of `count` live slabs, each
///    allocated by the pool's parent; `reserved` is the sum of their layouts' sizes.
/// 2. `carve` is the next uncarved block of `newest` and `uncarved` how many blocks of it
///    are left (`uncarved == 0` when there is no slab). Every other slab is carved whole.
/// 3. `carved` counts the blocks carved so far from the live slabs, `capacity` the blocks
///    they have in all (`carved + uncarved <= capacity`).
/// 4. `forwarded` is the sum of the sizes of the live blocks that requests which do not
///    fit a pool block got from the parent; with a `limit`, `reserved + forwarded` only
///    grows while it stays within it.
pub(crate) struct Slabs {
    newest: Option<NonNull<SlabHeader>>,
    carve: *mut u8,
    pub(crate) uncarved: usize,
    pub(crate) carved: usize,
    pub(crate) capacity: usize,
    pub(crate) count: usize,
    pub(crate) reserved: usize,
    pub(crate) forwarded: usize,
    pub(crate) limit: Option<usize>,
    /// The size in bytes the next slab aims for.
    next_bytes: usize,
}

/// Where the blocks and the debug bits of a slab of `count` blocks start, and its layout.
fn slab_layout(block: BlockLayout, count: usize) -> Option<(usize, usize, Layout)> {
    let blocks_at = size_of::<SlabHeader>().checked_next_multiple_of(block.align)?;
    let bits_at = count.checked_mul(block.size)?.checked_add(blocks_at)?;
    #[cfg(debug_assertions)]
    let size = bits_at.checked_add(count.div_ceil(WORD_BITS) * size_of::<usize>())?;
    #[cfg(not(debug_assertions))]
    let size = bits_at;
    let align = block.align.max(align_of::<SlabHeader>());
    Some((blocks_at, bits_at, Layout::from_size_align(size, align).ok()?))
}

/// How many blocks a slab of about `bytes` bytes holds (at least one).
fn blocks_in(block: BlockLayout, bytes: usize) -> usize {
    let overhead = size_of::<SlabHeader>().next_multiple_of(block.align);
    (bytes.saturating_sub(overhead) / block.size).max(1)
}

impl Slabs {
    /// No slabs yet.
    pub(crate) const fn new() -> Self {
        Slabs {
            newest: None,
            carve: ptr::null_mut(),
            uncarved: 0,
            carved: 0,
            capacity: 0,
            count: 0,
            reserved: 0,
            forwarded: 0,
            limit: None,
            next_bytes: FIRST_SLAB_BYTES,
        }
    }

    /// Bytes that may still be taken from the parent under the limit.
    fn budget_left(&self) -> usize {
        match self.limit {
            Some(limit) => limit.saturating_sub(self.reserved + self.forwarded),
            None => usize::MAX,
        }
    }

    /// Hands out the next uncarved block, taking a new slab from `parent` first if none
    /// is left; `None` if the parent fails or the limit forbids a slab.
    #[inline]
    pub(crate) fn carve_block<A: Allocator>(
        &mut self,
        block: BlockLayout,
        parent: &A,
    ) -> Option<NonNull<u8>> {
        self.ensure_uncarved(block, parent)?;
        // SAFETY: `uncarved > 0`, so `carve` is a block of the newest slab (invariant 2).
        let ptr = unsafe { NonNull::new_unchecked(self.carve) };
        // SAFETY: the next block (or the end of the blocks) is inside the same slab.
        self.carve = unsafe { self.carve.add(block.size) };
        self.uncarved -= 1;
        self.carved += 1;
        poison::unpoison(ptr, block.size);
        Some(ptr)
    }

    /// Carves a run of up to `max` (at least one) consecutive blocks of the newest slab
    /// at once, taking a new slab from `parent` first if none is left; returns the first
    /// block and how many were carved. `None` if the parent fails or the limit forbids a
    /// slab. The blocks stay poisoned (under `cfg(asan)`), as free blocks are.
    pub(crate) fn carve_run<A: Allocator>(
        &mut self,
        block: BlockLayout,
        max: usize,
        parent: &A,
    ) -> Option<(NonNull<u8>, usize)> {
        debug_assert!(max > 0);
        self.ensure_uncarved(block, parent)?;
        let count = max.min(self.uncarved);
        // SAFETY: `uncarved > 0`, so `carve` is a block of the newest slab (invariant 2).
        let ptr = unsafe { NonNull::new_unchecked(self.carve) };
        // SAFETY: `count <= uncarved` blocks follow `carve` inside the same slab.
        self.carve = unsafe { self.carve.add(count * block.size) };
        self.uncarved -= count;
        self.carved += count;
        Some((ptr, count))
    }

    /// Makes sure the newest slab has an uncarved block, taking a new slab (the next size
    /// in the doubling series) from `parent` if not; `None` if that fails.
    #[inline]
    fn ensure_uncarved<A: Allocator>(&mut self, block: BlockLayout, parent: &A) -> Option<()> {
        if self.uncarved == 0 {
            let count = blocks_in(block, self.next_bytes);
            self.add_slab(block, count, parent)?;
            self.next_bytes = (self.next_bytes * 2).min(MAX_SLAB_BYTES);
        }
        Some(())
    }

    /// Takes a slab of `count` blocks (fewer if the limit leaves room for fewer, but at
    /// least one) from `parent` and makes it the newest, with all its blocks uncarved.
    ///
    /// The previous newest slab must have no uncarved blocks left.
    pub(crate) fn add_slab<A: Allocator>(
        &mut self,
        block: BlockLayout,
        mut count: usize,
        parent: &A,
    ) -> Option<()> {
        debug_assert_eq!(self.uncarved, 0, "a slab with uncarved blocks would be lost");
        let mut layout = slab_layout(block, count)?;
        let budget = self.budget_left();
        if layout.2.size() > budget {
            // Shrink the slab to the budget, if one block still fits. The overhead (the
            // header, and in debug builds the bitmap) depends on the count, so start from
            // the smallest slab and step down from the largest count it allows.
            let smallest = slab_layout(block, 1)?.2.size();
            let extra = budget.checked_sub(smallest)?;
            count = count.min(1 + extra / block.size);
            loop {
                layout = slab_layout(block, count)?;
                if layout.2.size() <= budget {
                    break;
                }
                count -= 1;
            }
        }
        let (blocks_at, _bits_at, layout) = layout;
        let base = parent.allocate(layout).ok()?.cast::<u8>();
        // SAFETY: both offsets are inside the `layout.size()` bytes just allocated.
        let blocks = unsafe { base.add(blocks_at) };
        #[cfg(debug_assertions)]
        let live_bits = {
            // SAFETY: as above; the words after the blocks are 8-aligned (the blocks'
            // size is a multiple of their alignment, at least 8).
            let bits = unsafe { base.add(_bits_at) }.cast::<core::sync::atomic::AtomicUsize>();
            // SAFETY: the bitmap's words are inside the fresh slab and writable.
            unsafe { bits.cast::<usize>().write_bytes(0, count.div_ceil(WORD_BITS)) };
            bits
        };
        let header = SlabHeader {
            older: self.newest,
            layout,
            blocks,
            count,
            scratch: 0,
            #[cfg(debug_assertions)]
            live_bits,
        };
        let slab = base.cast::<SlabHeader>();
        // SAFETY: the slab starts with room for a header, aligned for it (its alignment
        // is at least the header's).
        unsafe { slab.write(header) };
        poison::poison(blocks, count * block.size);
        self.newest = Some(slab);
        self.carve = blocks.as_ptr();
        self.uncarved = count;
        self.capacity += count;
        self.count += 1;
        self.reserved += layout.size();
        Some(())
    }

    /// Takes a first slab of exactly `blocks` blocks for `with_capacity` (nothing for 0);
    /// the slabs that follow continue the doubling from its size rather than start
    /// again at 4 KiB.
    pub(crate) fn add_first_slab<A: Allocator>(
        &mut self,
        block: BlockLayout,
        blocks: usize,
        parent: &A,
    ) -> Result<(), TryReserveError> {
        if blocks == 0 {
            return Ok(());
        }
        let (_, _, layout) =
            slab_layout(block, blocks).ok_or(TryReserveErrorKind::CapacityOverflow)?;
        self.add_slab(block, blocks, parent).ok_or(TryReserveErrorKind::AllocError { layout })?;
        self.next_bytes = self.next_bytes.max(self.reserved.saturating_mul(2)).min(MAX_SLAB_BYTES);
        Ok(())
    }

    /// Allocates a block for a request that does not fit a pool block, from `parent`,
    /// within the budget. The block is exactly `layout.size()` long, so the layout it is
    /// freed with is `layout`'s size again.
    ///
    /// Cold and out of line, like the other forwarding paths: inlined, they make the
    /// compiler merge their bookkeeping into the pooled fast path's registers.
    #[cold]
    #[inline(never)]
    pub(crate) fn forward_allocate<A: Allocator>(
        &mut self,
        layout: Layout,
        zeroed: bool,
        parent: &A,
    ) -> Option<NonNull<[u8]>> {
        if layout.size() > self.budget_left() {
            return None;
        }
        let block = if zeroed { parent.allocate_zeroed(layout) } else { parent.allocate(layout) };
        let ptr = block.ok()?.cast::<u8>();
        self.forwarded += layout.size();
        Some(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    /// Frees a block from [`forward_allocate`](Self::forward_allocate) (or resized by
    /// [`forward_resize`](Self::forward_resize)).
    ///
    /// # Safety
    ///
    /// - `ptr` must be a live forwarded block of this pool, with exactly `layout`.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn forward_deallocate<A: Allocator>(
        &mut self,
        ptr: NonNull<u8>,
        layout: Layout,
        parent: &A,
    ) {
        self.forwarded -= layout.size();
        // SAFETY: the block was allocated by `parent` with `layout` (caller's contract
        // and `forward_allocate`'s exact lengths).
        unsafe { parent.deallocate(ptr, layout) };
    }

    /// Grows or shrinks a forwarded block through the parent, within the budget.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a live forwarded block of this pool, with exactly `old`.
    /// - `new` must not fit a pool block either.
    pub(crate) unsafe fn forward_resize<A: Allocator>(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        zeroed: bool,
        parent: &A,
    ) -> Option<NonNull<[u8]>> {
        let growth = new.size().saturating_sub(old.size());
        if growth > self.budget_left() {
            return None;
        }
        // SAFETY: `ptr` was allocated by `parent` with exactly `old` (caller's contract);
        // `grow` is only called for a bigger size and `shrink` for a smaller or equal one.
        let block = unsafe {
            match (new.size() > old.size(), zeroed) {
                (true, true) => parent.grow_zeroed(ptr, old, new),
                (true, false) => parent.grow(ptr, old, new),
                (false, _) => parent.shrink(ptr, old, new),
            }
        };
        let ptr = block.ok()?.cast::<u8>();
        self.forwarded = self.forwarded - old.size() + new.size();
        Some(NonNull::slice_from_raw_parts(ptr, new.size()))
    }

    /// The slab that `ptr` points into (at a block or not), if any.
    pub(crate) fn slab_of(
        &self,
        block: BlockLayout,
        ptr: *const u8,
    ) -> Option<NonNull<SlabHeader>> {
        let mut next = self.newest;
        while let Some(slab) = next {
            // SAFETY: every slab on the list is alive (invariant 1).
            let header = unsafe { slab.as_ref() };
            if header.holds(block, ptr) {
                return Some(slab);
            }
            next = header.older;
        }
        None
    }

    /// How many blocks of `slab` have been carved.
    fn carved_in(&self, slab: NonNull<SlabHeader>) -> usize {
        // SAFETY: `slab` is one of this list's live slabs.
        let count = unsafe { slab.as_ref() }.count;
        if Some(slab) == self.newest { count - self.uncarved } else { count }
    }

    /// Gives every slab back to `parent`. Blocks handed out become dangling.
    pub(crate) fn free_all<A: Allocator>(&mut self, parent: &A) {
        let mut next = self.newest.take();
        while let Some(slab) = next {
            // SAFETY: the slab is alive (invariant 1) and unlinked by this loop.
            let (older, layout) = unsafe { (slab.as_ref().older, slab.as_ref().layout) };
            // The parent gets the memory back as it gave it: addressable.
            poison::unpoison(slab.cast(), layout.size());
            // SAFETY: the slab was allocated by `parent` with `layout`, and is freed once.
            unsafe { parent.deallocate(slab.cast(), layout) };
            next = older;
        }
        let (limit, forwarded) = (self.limit, self.forwarded);
        *self = Slabs::new();
        self.limit = limit;
        self.forwarded = forwarded;
    }

    /// Gives back to `parent` every slab none of whose blocks is handed out, taking their
    /// blocks off the free list at `*free`; returns the bytes given back.
    ///
    /// Costs a walk of the slab list for each free block (about free blocks × slabs steps).
    ///
    /// # Safety
    ///
    /// - `*free` must be the pool's free list: carved blocks of these slabs, none
    ///   handed out.
    pub(crate) unsafe fn release_empty<A: Allocator>(
        &mut self,
        block: BlockLayout,
        free: &mut Option<NonNull<FreeBlock>>,
        parent: &A,
    ) -> usize {
        // Count the free blocks of each slab.
        let mut slab = self.newest;
        while let Some(s) = slab {
            // SAFETY: a live slab (invariant 1); nothing else references its header now.
            unsafe { (*s.as_ptr()).scratch = 0 };
            // SAFETY: as above.
            slab = unsafe { s.as_ref() }.older;
        }
        let mut last: Option<NonNull<SlabHeader>> = None;
        let mut node = *free;
        while let Some(b) = node {
            let s = self.find_slab_cached(block, b.cast(), &mut last);
            // SAFETY: a live slab; see above.
            unsafe { (*s.as_ptr()).scratch += 1 };
            // SAFETY: a block on the free list holds its link (caller's contract).
            node = unsafe { super::block::next_of(b) };
        }
        // Unlink the free blocks of the empty slabs (those whose carved blocks are all
        // free), keeping the order of the others.
        let mut link: *mut Option<NonNull<FreeBlock>> = free;
        // SAFETY: `link` points at the list head or at a link inside a free block, both
        // valid for reads and writes (for a block's link, unpoisoned while touched).
        while let Some(b) = unsafe { *link } {
            let s = self.find_slab_cached(block, b.cast(), &mut last);
            // SAFETY: see above.
            let next = unsafe { super::block::next_of(b) };
            if self.is_empty_slab(s) {
                // SAFETY: `link` is valid for writes (as above).
                unsafe { *link = next };
            } else {
                link = b.as_ptr().cast();
                // The link is read and written through `link` next time round, so it
                // stays unpoisoned until the walk moves past it.
                poison::unpoison(b.cast(), size_of::<FreeBlock>());
            }
        }
        // Re-poison the links of the blocks that stayed.
        let mut node = *free;
        while let Some(b) = node {
            // SAFETY: a block on the free list holds its link.
            node = unsafe { (*b.as_ptr()).next };
            poison::poison(b.cast(), size_of::<FreeBlock>());
        }
        // Free the empty slabs. Which ones are empty is decided from copies, so the walk
        // below only touches `self` through `link` and plain field updates.
        let (newest, uncarved) = (self.newest, self.uncarved);
        let carved_in = |s: NonNull<SlabHeader>, count: usize| {
            if Some(s) == newest { count - uncarved } else { count }
        };
        let mut released = 0;
        let mut link: *mut Option<NonNull<SlabHeader>> = &raw mut self.newest;
        // SAFETY: `link` points at `newest` or at a live slab's `older`.
        while let Some(s) = unsafe { *link } {
            // SAFETY: a live slab.
            let header = unsafe { s.as_ref() };
            let (older, layout, count, free) =
                (header.older, header.layout, header.count, header.scratch);
            if free == carved_in(s, count) {
                if Some(s) == newest {
                    self.carve = ptr::null_mut();
                    self.uncarved = 0;
                }
                self.carved -= free;
                self.capacity -= count;
                self.count -= 1;
                self.reserved -= layout.size();
                released += layout.size();
                poison::unpoison(s.cast(), layout.size());
                // SAFETY: `link` is valid for writes; the slab is unlinked before it is
                // freed, once, with the layout it was allocated with.
                unsafe {
                    *link = older;
                    parent.deallocate(s.cast(), layout);
                }
            } else {
                // SAFETY: `s` is a live slab that stays on the list.
                link = unsafe { &raw mut (*s.as_ptr()).older };
            }
        }
        released
    }

    /// Whether every carved block of `slab` was counted free by `release_empty`.
    fn is_empty_slab(&self, slab: NonNull<SlabHeader>) -> bool {
        // SAFETY: a live slab.
        unsafe { slab.as_ref() }.scratch == self.carved_in(slab)
    }

    /// The slab of a block of this pool, trying `last` (the previous answer) first.
    fn find_slab_cached(
        &self,
        block: BlockLayout,
        ptr: NonNull<u8>,
        last: &mut Option<NonNull<SlabHeader>>,
    ) -> NonNull<SlabHeader> {
        if let Some(s) = *last {
            // SAFETY: a live slab.
            if unsafe { s.as_ref() }.holds(block, ptr.as_ptr()) {
                return s;
            }
        }
        let s = self.slab_of(block, ptr.as_ptr()).expect("a free block outside every slab");
        *last = Some(s);
        s
    }

    /// Marks a block as handed out (debug builds), checking that it is a carved block of
    /// one of these slabs that was free.
    #[cfg(debug_assertions)]
    pub(crate) fn debug_mark_live(&self, block: BlockLayout, ptr: NonNull<u8>) {
        let (word, bit) = self.debug_bit(block, ptr, "allocate");
        let was = word.fetch_or(bit, core::sync::atomic::Ordering::Relaxed);
        assert!(was & bit == 0, "pool block {ptr:p} handed out twice: the free list is corrupt");
    }

    /// Checks (debug builds) that `ptr` is a block of this pool that is handed out, and
    /// marks it free; panics with a clear message otherwise.
    #[cfg(debug_assertions)]
    pub(crate) fn debug_check_free(&self, block: BlockLayout, ptr: NonNull<u8>) {
        let (word, bit) = self.debug_bit(block, ptr, "deallocate");
        let was = word.fetch_and(!bit, core::sync::atomic::Ordering::Relaxed);
        assert!(
            was & bit != 0,
            "Pool::deallocate: double free of block {ptr:p} (it is already free)"
        );
    }

    /// The debug bit of the block at `ptr`, or a panic naming `op` if `ptr` is not the
    /// start of a carved block of these slabs.
    #[cfg(debug_assertions)]
    fn debug_bit(
        &self,
        block: BlockLayout,
        ptr: NonNull<u8>,
        op: &str,
    ) -> (&core::sync::atomic::AtomicUsize, usize) {
        let Some(slab) = self.slab_of(block, ptr.as_ptr()) else {
            panic!("Pool::{op}: {ptr:p} does not belong to this pool");
        };
        // SAFETY: a live slab.
        let header = unsafe { slab.as_ref() };
        let offset = ptr.addr().get() - header.blocks.addr().get();
        assert!(
            offset % block.size == 0,
            "Pool::{op}: {ptr:p} points inside a pool block, not at its start"
        );
        let index = offset / block.size;
        assert!(
            index < self.carved_in(slab),
            "Pool::{op}: {ptr:p} is a pool block that was never handed out"
        );
        // SAFETY: the bitmap has `count.div_ceil(64)` words (the header's invariant) and
        // `index < count`.
        let word = unsafe { header.live_bits.add(index / WORD_BITS).as_ref() };
        (word, 1 << (index % WORD_BITS))
    }

    /// Whether `ptr` is a carved block of these slabs that is handed out (debug builds
    /// only: `None` in release builds, which keep no bits).
    pub(crate) fn debug_is_live(&self, block: BlockLayout, ptr: NonNull<u8>) -> Option<bool> {
        #[cfg(debug_assertions)]
        {
            let slab = self.slab_of(block, ptr.as_ptr())?;
            // SAFETY: a live slab.
            let header = unsafe { slab.as_ref() };
            let index = (ptr.addr().get() - header.blocks.addr().get()) / block.size;
            // SAFETY: `index < count`, so the word is inside the bitmap.
            let word = unsafe { header.live_bits.add(index / WORD_BITS).as_ref() };
            Some(word.load(core::sync::atomic::Ordering::Relaxed) & (1 << (index % WORD_BITS)) != 0)
        }
        #[cfg(not(debug_assertions))]
        {
            let _ = (block, ptr);
            None
        }
    }

    /// How many blocks the debug bitmaps mark as handed out (debug builds only: `None`
    /// in release builds).
    pub(crate) fn debug_live_count(&self) -> Option<usize> {
        #[cfg(debug_assertions)]
        {
            let mut live = 0;
            let mut next = self.newest;
            while let Some(slab) = next {
                // SAFETY: a live slab (invariant 1).
                let header = unsafe { slab.as_ref() };
                for i in 0..header.count.div_ceil(WORD_BITS) {
                    // SAFETY: the bitmap has `count.div_ceil(64)` words.
                    let word = unsafe { header.live_bits.add(i).as_ref() };
                    live += word.load(core::sync::atomic::Ordering::Relaxed).count_ones() as usize;
                }
                next = header.older;
            }
            Some(live)
        }
        #[cfg(not(debug_assertions))]
        None
    }

    /// The statistics of a pool with these slabs, `free_listed` of whose carved blocks
    /// are on its free lists (every other carved block counts as live).
    pub(crate) fn stats(&self, block: BlockLayout, free_listed: usize) -> PoolStats {
        let live = self.carved - free_listed;
        PoolStats {
            block_size: block.size,
            live_blocks: live,
            free_blocks: self.capacity - live,
            capacity: self.capacity,
            slabs: self.count,
            reserved: self.reserved,
            forwarded: self.forwarded,
        }
    }

    /// Whether `ptr` is the start of a carved block of these slabs.
    pub(crate) fn is_carved_block(&self, block: BlockLayout, ptr: NonNull<u8>) -> bool {
        let Some(slab) = self.slab_of(block, ptr.as_ptr()) else { return false };
        // SAFETY: a live slab.
        let header = unsafe { slab.as_ref() };
        let offset = ptr.addr().get() - header.blocks.addr().get();
        offset % block.size == 0 && offset / block.size < self.carved_in(slab)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slabs_hold_at_least_one_block() {
        let block = BlockLayout::for_layout(Layout::new::<[u8; 10_000]>()).unwrap();
        assert_eq!(blocks_in(block, FIRST_SLAB_BYTES), 1);
        let block = BlockLayout::for_layout(Layout::new::<u64>()).unwrap();
        assert_eq!(blocks_in(block, FIRST_SLAB_BYTES), (4096 - size_of::<SlabHeader>()) / 8);
    }

    #[test]
    fn a_budget_of_exactly_one_block_gets_a_slab_of_one_block() {
        // Block 48 (align 16): the bitmap of a full-size slab is bigger than a one-block
        // slab's, so the budget must be checked against the slab actually taken.
        let block = BlockLayout::for_layout(Layout::from_size_align(33, 16).unwrap()).unwrap();
        let one = slab_layout(block, 1).unwrap().2.size();
        let mut slabs = Slabs::new();
        slabs.limit = Some(one);
        assert!(slabs.carve_block(block, &crate::alloc::Global).is_some());
        assert_eq!((slabs.count, slabs.capacity, slabs.reserved), (1, 1, one));
        assert!(slabs.carve_block(block, &crate::alloc::Global).is_none());
        slabs.free_all(&crate::alloc::Global);
    }

    #[test]
    fn slab_layout_overflow_is_none() {
        let block = BlockLayout::for_layout(Layout::new::<u64>()).unwrap();
        assert!(slab_layout(block, usize::MAX / 4).is_none());
    }
}

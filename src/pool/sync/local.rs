//! [`LocalPool`]: a per-thread handle on a [`SyncPool`] that caches free blocks in plain
//! memory and exchanges them with the pool a whole batch at a time.
//!
//! The handle keeps two lists, in the manner of a magazine allocator: `free`, the blocks
//! it hands out next (at most a batch), and `spare`, nothing or exactly one batch. Only
//! when `free` is empty *and* there is no spare (allocating), or `free` is a whole batch
//! *and* the spare is taken (freeing), does it take the pool's lock, to take or give one
//! batch. So between two lock acquisitions there are always at least a batch of
//! operations, even for a thread that allocates and frees one block in turn right at a
//! batch boundary.

use core::cell::Cell;
use core::fmt;
use core::ptr::NonNull;

use super::SyncPool;
use crate::alloc::{Allocator, Global};
use crate::bump::poison;
use crate::pool::block::FreeBlock;

/// A handle on a [`SyncPool`] for one thread: it caches up to two batches of free blocks
/// (see [`SyncPool::batch_size`]) and allocates and frees them with plain loads and
/// stores, taking the pool's lock only to exchange a whole batch. See
/// [`SyncPool`'s "How it works"](SyncPool#how-it-works).
///
/// Made by [`SyncPool::local`]. `&LocalPool` implements [`Allocator`] with the pool's
/// routing rule (a request that fits the block gets a pool block, any other goes to the
/// parent, under the pool's lock). Blocks are the pool's: a block allocated through one
/// handle may be freed through another, or through `&SyncPool`, and the reverse. When
/// the handle is dropped, or [`flush`](Self::flush)ed, its cached blocks go back to the
/// pool.
///
/// A `LocalPool` is `Send` (it can be moved to the thread that uses it) but not `Sync`,
/// so a collection over `&LocalPool` stays on that thread:
///
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<allockit::pool::LocalPool<'static>>();
/// ```
///
/// # Examples
///
/// ```
/// use allockit::{Box, SyncPool};
///
/// let pool = SyncPool::for_type::<u64>();
/// std::thread::scope(|s| {
///     for t in 0..2 {
///         let pool = &pool;
///         s.spawn(move || {
///             let local = pool.local();
///             let mut sum = 0;
///             for i in 0..100u64 {
///                 let b = Box::new_in(t * 100 + i, &local); // no lock, most of the time
///                 sum += *b;
///             }
///             assert_eq!(sum, (t * 100..t * 100 + 100).sum());
///         });
///     }
/// });
/// ```
///
/// # Invariants
///
/// 1. `free` starts a list, linked through each block's first word and ending in `None`,
///    of exactly `len <= pool.batch` distinct free blocks of `pool`.
/// 2. `spare` is `None` or starts such a list of exactly `pool.batch` blocks.
/// 3. The blocks on both lists are this handle's alone: on no other list, handed out to
///    no one (the pool counts them as held by a handle, its invariant 3). Under
///    `cfg(asan)` they are poisoned whole, as on the pool's lists.
pub struct LocalPool<'p, A: Allocator = Global> {
    pool: &'p SyncPool<A>,
    free: Cell<Option<NonNull<FreeBlock>>>,
    len: Cell<usize>,
    spare: Cell<Option<NonNull<FreeBlock>>>,
}

// SAFETY: the handle's blocks are memory of the pool that only this handle uses
// (invariant 3), and `&SyncPool` may be sent to another thread when `SyncPool: Sync`. It
// is not `Sync`: its `Cell`s are unsynchronised.
unsafe impl<A: Allocator + Send + Sync> Send for LocalPool<'_, A> {}

impl<A: Allocator> SyncPool<A> {
    /// A handle for one thread, with its own cache of free blocks; see [`LocalPool`]. A
    /// new handle holds nothing and takes its first batch on its first allocation.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, SyncPool};
    ///
    /// let pool = SyncPool::for_type::<[u8; 64]>();
    /// let local = pool.local();
    /// let b = Box::new_in([7u8; 64], &local);
    /// assert_eq!(local.cached_blocks(), pool.batch_size() - 1); // a fresh batch, less one
    /// # drop(b);
    /// ```
    pub fn local(&self) -> LocalPool<'_, A> {
        LocalPool { pool: self, free: Cell::new(None), len: Cell::new(0), spare: Cell::new(None) }
    }
}

impl<'p, A: Allocator> LocalPool<'p, A> {
    /// The pool the handle belongs to.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = allockit::SyncPool::for_type::<u32>();
    /// let local = pool.local();
    /// assert!(std::ptr::eq(local.pool(), &pool));
    /// ```
    pub fn pool(&self) -> &'p SyncPool<A> {
        self.pool
    }

    /// How many free blocks the handle caches (at most two batches). The pool's
    /// [`stats`](SyncPool::stats) count them as live.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, SyncPool};
    /// use allockit::alloc::Layout;
    ///
    /// // Batches of 32; one slab big enough that every batch is a whole one.
    /// let pool = SyncPool::with_capacity(Layout::new::<[u64; 8]>(), 1000);
    /// let local = pool.local();
    /// assert_eq!(local.cached_blocks(), 0);
    /// let boxes: Vec<_> = (0..40).map(|i| Box::new_in([i; 8], &local)).collect();
    /// assert_eq!(local.cached_blocks(), 24); // two batches taken, 40 handed out
    /// drop(boxes);
    /// assert_eq!(local.cached_blocks(), 64); // at most two batches are kept...
    /// assert_eq!(pool.stats().live_blocks, 64); // ...and count as in use
    /// ```
    pub fn cached_blocks(&self) -> usize {
        self.len.get() + if self.spare.get().is_some() { self.pool.batch } else { 0 }
    }

    /// Gives every cached block back to the pool (taking its lock once), so that the
    /// pool's [`stats`](SyncPool::stats) are exact and
    /// [`release_empty_slabs`](SyncPool::release_empty_slabs) may free their slabs. The
    /// handle stays usable. Dropping the handle does the same.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, SyncPool};
    ///
    /// let pool = SyncPool::for_type::<u64>();
    /// let local = pool.local();
    /// drop(Box::new_in(1u64, &local));
    /// assert_eq!(pool.stats().live_blocks, local.cached_blocks());
    /// local.flush();
    /// assert_eq!((local.cached_blocks(), pool.stats().live_blocks), (0, 0));
    /// ```
    pub fn flush(&self) {
        let (spare, free, len) = (self.spare.take(), self.free.take(), self.len.replace(0));
        if spare.is_some() || free.is_some() {
            // SAFETY: both lists are this handle's, of the lengths the invariants give,
            // and are given up: the handle now holds nothing.
            unsafe { self.pool.give_back(spare, free, len) };
        }
    }

    /// Hands out a block: the first on `free`, or (out of line) one after refilling.
    /// `None` if a slab was needed and the parent (or the limit) refused it.
    #[inline(always)]
    pub(super) fn take_block(&self) -> Option<NonNull<u8>> {
        match self.free.get() {
            Some(head) => Some(self.pop(head)),
            None => self.take_block_slow(),
        }
    }

    /// Unlinks `head`, the first block on `free`, and hands it out.
    #[inline(always)]
    fn pop(&self, head: NonNull<FreeBlock>) -> NonNull<u8> {
        poison::unpoison(head.cast(), self.pool.block.size);
        // SAFETY: the head of `free` is a free block of a live slab holding its link
        // (invariant 1), which only this handle uses (invariant 3).
        self.free.set(unsafe { (*head.as_ptr()).next });
        self.len.set(self.len.get() - 1);
        #[cfg(debug_assertions)]
        self.pool.debug_mark_live(head.cast());
        head.cast()
    }

    /// `free` is empty: the spare batch becomes `free`, or else a batch comes from the
    /// pool; then hands out its first block.
    #[cold]
    #[inline(never)]
    fn take_block_slow(&self) -> Option<NonNull<u8>> {
        let (head, len) = match self.spare.take() {
            Some(spare) => (spare, self.pool.batch),
            // SAFETY: the batch is ours (`Batch`'s invariant), of the pool's blocks.
            None => unsafe { self.pool.take_batch()?.into_list(self.pool.block.size) },
        };
        self.free.set(Some(head));
        self.len.set(len);
        Some(self.pop(head))
    }

    /// Puts a handed-out block on `free`.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a pool block of the pool that is handed out, and is not used
    ///   afterwards. (Debug builds check the first half and panic if it does not hold.)
    #[inline(always)]
    pub(super) unsafe fn give_block(&self, ptr: NonNull<u8>) {
        #[cfg(debug_assertions)]
        self.pool.debug_check_free(ptr);
        if self.len.get() == self.pool.batch {
            self.retire_full();
        }
        let block = ptr.cast::<FreeBlock>();
        // SAFETY: a handed-out block is writable, aligned and big enough for the link
        // (the pool's invariant 1); it now joins `free` (invariant 1).
        unsafe { block.write(FreeBlock { next: self.free.get() }) };
        poison::poison(ptr, self.pool.block.size);
        self.free.set(Some(block));
        self.len.set(self.len.get() + 1);
    }

    /// `free` is a whole batch: it becomes the spare, and a spare already there goes to
    /// the pool.
    #[cold]
    #[inline(never)]
    fn retire_full(&self) {
        let full = self.free.take();
        self.len.set(0);
        if let Some(old) = self.spare.replace(full) {
            // SAFETY: the old spare is a whole batch of this handle's (invariant 2),
            // given up.
            unsafe { self.pool.give_back(Some(old), None, 0) };
        }
    }

    /// Checks the handle's lists (lengths, and that each block is a carved block of the
    /// pool that is not marked live); panics if one is broken. For tests.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        let pool = self.pool;
        let walk = |head: Option<NonNull<FreeBlock>>| {
            let (mut node, mut len) = (head, 0usize);
            while let Some(block) = node {
                pool.check_free_block(block.cast());
                len += 1;
                assert!(len <= pool.batch, "a handle's list is longer than a batch");
                // SAFETY: a block on the handle's lists holds its link (invariants 1, 2).
                node = unsafe { crate::pool::block::next_of(block) };
            }
            len
        };
        assert_eq!(walk(self.free.get()), self.len.get(), "the handle's free list length");
        let spare = self.spare.get();
        if spare.is_some() {
            assert_eq!(walk(spare), pool.batch, "the handle's spare is not a whole batch");
        }
    }
}

impl<A: Allocator> Drop for LocalPool<'_, A> {
    fn drop(&mut self) {
        self.flush();
    }
}

impl<A: Allocator> fmt::Debug for LocalPool<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalPool")
            .field("cached_blocks", &self.cached_blocks())
            .finish_non_exhaustive()
    }
}

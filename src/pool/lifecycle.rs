//! A pool's life beyond allocating: a first slab of a chosen size, statistics, giving
//! empty slabs back, and the memory budget.

use crate::TryReserveError;
use crate::alloc::{Allocator, Layout};

use super::Pool;
use super::slab::capacity_or_fail;

/// A snapshot of a [`Pool`], from [`Pool::stats`] (or of a [`SyncPool`](super::SyncPool),
/// from [`SyncPool::stats`](super::SyncPool::stats), whose `live_blocks` also counts the
/// blocks its handles cache).
///
/// ```text
///   capacity     = blocks in all slabs
///   live_blocks  = pool blocks handed out now
///   free_blocks  = capacity − live_blocks    (on the free list, or not yet carved)
///   reserved     = bytes of the slabs, headers included
///   forwarded    = bytes of live blocks that the parent serves (other layouts)
/// ```
///
/// # Examples
///
/// ```
/// use allockit::{Box, Pool, Vec};
///
/// let pool = Pool::for_type::<[u64; 4]>();
/// let a = Box::new_in([0u64; 4], &pool);
/// let b = Box::new_in([1u64; 4], &pool);
/// let v: Vec<u64, _> = Vec::with_capacity_in(100, &pool); // too big for a block
///
/// let stats = pool.stats();
/// assert_eq!(stats.block_size, 32);
/// assert_eq!(stats.live_blocks, 2);
/// assert_eq!(stats.free_blocks, stats.capacity - 2);
/// assert_eq!(stats.forwarded, 800);
/// assert_eq!(stats.slabs, 1);
/// # drop((a, b, v));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PoolStats {
    /// The size of every pool block, in bytes.
    pub block_size: usize,
    /// Pool blocks handed out and not freed.
    pub live_blocks: usize,
    /// Pool blocks ready to hand out without asking the parent.
    pub free_blocks: usize,
    /// Blocks in all slabs.
    pub capacity: usize,
    /// Slabs taken from the parent.
    pub slabs: usize,
    /// Bytes of the slabs, taken from the parent.
    pub reserved: usize,
    /// Bytes of the live blocks the parent serves for requests that do not fit a block.
    pub forwarded: usize,
}

impl Pool<crate::alloc::Global> {
    /// [`with_capacity_in`](Pool::with_capacity_in) over the global heap, returning an
    /// error instead of failing.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if the slab's size overflows, `AllocError` if the heap refuses it.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Pool;
    /// use allockit::alloc::Layout;
    ///
    /// assert!(Pool::try_with_capacity(Layout::new::<u64>(), 16).is_ok());
    /// assert!(Pool::try_with_capacity(Layout::new::<u64>(), usize::MAX / 2).is_err());
    /// ```
    pub fn try_with_capacity(layout: Layout, blocks: usize) -> Result<Self, TryReserveError> {
        Self::try_with_capacity_in(layout, blocks, crate::alloc::Global)
    }
}

impl<A: Allocator> Pool<A> {
    /// A pool over `parent` whose first slab holds exactly `blocks` blocks, taken now.
    ///
    /// # Panics
    ///
    /// As [`Pool::with_capacity`].
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Pool;
    /// use allockit::alloc::{Global, Layout};
    ///
    /// let pool = Pool::with_capacity_in(Layout::new::<[u8; 24]>(), 10, Global);
    /// assert_eq!(pool.stats().capacity, 10);
    /// ```
    #[must_use]
    pub fn with_capacity_in(layout: Layout, blocks: usize, parent: A) -> Self {
        capacity_or_fail(Self::try_with_capacity_in(layout, blocks, parent), "Pool::with_capacity")
    }

    /// A pool over `parent` whose first slab holds exactly `blocks` blocks (none if
    /// `blocks` is 0), or why that slab could not be had.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if the slab's size overflows `isize::MAX`, `AllocError` if the
    /// parent refuses it.
    ///
    /// # Panics
    ///
    /// As [`Pool::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Pool;
    /// use allockit::alloc::{Global, Layout};
    ///
    /// let pool = Pool::try_with_capacity_in(Layout::new::<u32>(), 100, Global).unwrap();
    /// assert_eq!(pool.stats().free_blocks, 100);
    /// ```
    pub fn try_with_capacity_in(
        layout: Layout,
        blocks: usize,
        parent: A,
    ) -> Result<Self, TryReserveError> {
        let pool = Self::new_in(layout, parent);
        pool.slabs().add_first_slab(pool.block, blocks, &pool.parent)?;
        Ok(pool)
    }

    /// Exact statistics: blocks live and free, slabs, bytes.
    ///
    /// Allocation keeps no counters (they would cost the fast path two read-modify-write
    /// instructions per pair), so this walks the free list to count the blocks handed
    /// out: its cost grows with the number of free blocks.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, Pool};
    ///
    /// let pool = Pool::for_type::<u64>();
    /// assert_eq!(pool.stats().slabs, 0);
    /// let b = Box::new_in(5u64, &pool);
    /// assert_eq!(pool.stats().live_blocks, 1);
    /// assert_eq!(pool.stats().slabs, 1);
    /// # drop(b);
    /// ```
    pub fn stats(&self) -> PoolStats {
        let free_listed = self.free_list_len();
        self.slabs().stats(self.block, free_listed)
    }

    /// Gives every slab none of whose blocks is in use back to the parent, and returns
    /// the bytes given back. Blocks of the slabs that stay keep their place on the free
    /// list.
    ///
    /// The slab of each free block is looked up by walking the slab list, so this costs
    /// about (free blocks × slabs) steps: call it between phases of work, not per
    /// operation.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, Pool, Vec};
    ///
    /// let pool = Pool::for_type::<[u64; 8]>();
    /// let mut boxes: Vec<_> = (0..1000).map(|i| Box::new_in([i; 8], &pool)).collect();
    /// let before = pool.stats();
    /// assert!(before.slabs > 1);
    ///
    /// boxes.truncate(10); // the first slab keeps 10 live blocks
    /// let released = pool.release_empty_slabs();
    /// let after = pool.stats();
    /// assert_eq!(after.slabs, 1);
    /// assert_eq!(after.reserved, before.reserved - released);
    /// assert_eq!(after.live_blocks, 10);
    /// ```
    pub fn release_empty_slabs(&self) -> usize {
        let mut free = self.free.get();
        let slabs = self.slabs();
        // SAFETY: `free` is the pool's free list (invariant 2).
        let released = unsafe { slabs.release_empty(self.block, &mut free, &self.parent) };
        self.free.set(free);
        released
    }

    /// Caps the bytes this pool takes from its parent (slabs, and the blocks of requests
    /// it passes on) at `limit`, or removes the cap with `None`.
    ///
    /// When a new slab would pass the limit, the slab is made smaller to fit the budget
    /// left if one block still fits, and otherwise the request fails with `AllocError`
    /// (`Box::try_new_in` and the `try_` methods return `Err`; the others call
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error)). Free blocks are still
    /// handed out. Memory already taken is kept even if it is over a new, lower limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, Pool};
    ///
    /// let pool = Pool::for_type::<[u8; 64]>();
    /// pool.set_allocation_limit(Some(2048));
    /// let mut boxes = std::vec::Vec::new();
    /// while let Ok(b) = Box::try_new_in([0u8; 64], &pool) {
    ///     boxes.push(b);
    /// }
    /// assert!(pool.stats().reserved <= 2048);
    /// assert!(boxes.len() >= 20);
    /// boxes.pop(); // a freed block can be handed out again
    /// assert!(Box::try_new_in([0u8; 64], &pool).is_ok());
    /// ```
    pub fn set_allocation_limit(&self, limit: Option<usize>) {
        self.slabs().limit = limit;
    }

    /// The cap set by [`set_allocation_limit`](Self::set_allocation_limit), if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = allockit::Pool::for_type::<u64>();
    /// assert_eq!(pool.allocation_limit(), None);
    /// pool.set_allocation_limit(Some(1 << 20));
    /// assert_eq!(pool.allocation_limit(), Some(1 << 20));
    /// ```
    pub fn allocation_limit(&self) -> Option<usize> {
        self.slabs().limit
    }

    /// Whether `ptr` points at the start of a pool block of this pool that was handed
    /// out at some point (it may be live or free). Walks the slab list.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, Pool};
    ///
    /// let pool = Pool::for_type::<u32>();
    /// let b = Box::new_in(1u32, &pool);
    /// assert!(pool.owns(Box::as_ptr(&b).cast()));
    /// assert!(!pool.owns(&0u32 as *const u32 as *const u8));
    /// ```
    pub fn owns(&self, ptr: *const u8) -> bool {
        core::ptr::NonNull::new(ptr.cast_mut())
            .is_some_and(|ptr| self.slabs().is_carved_block(self.block, ptr))
    }

    /// The number of blocks on the free list.
    fn free_list_len(&self) -> usize {
        let mut len = 0;
        let mut node = self.free.get();
        while let Some(block) = node {
            len += 1;
            // SAFETY: a block on the free list holds its link (invariant 2).
            node = unsafe { super::block::next_of(block) };
        }
        len
    }

    /// Checks every invariant that can be checked from the outside, walking the whole
    /// free list; panics if one is broken. For tests.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        let slabs = self.slabs();
        let mut node = self.free.get();
        let mut len = 0usize;
        while let Some(block) = node {
            let ptr = block.cast::<u8>();
            assert!(slabs.is_carved_block(self.block, ptr), "free block {ptr:p} not in a slab");
            assert_eq!(ptr.addr().get() % self.block.align, 0, "misaligned free block");
            if let Some(live) = slabs.debug_is_live(self.block, ptr) {
                assert!(!live, "free block {ptr:p} is marked live");
            }
            len += 1;
            assert!(len <= slabs.carved, "the free list is longer than the carved blocks");
            // SAFETY: a block on the free list holds its link (invariant 2).
            node = unsafe { super::block::next_of(block) };
        }
        if let Some(live) = slabs.debug_live_count() {
            assert_eq!(len + live, slabs.carved, "free + marked live != carved");
        }
        assert!(slabs.carved + slabs.uncarved <= slabs.capacity);
    }
}

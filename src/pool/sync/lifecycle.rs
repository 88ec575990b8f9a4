//! A `SyncPool`'s life beyond allocating: a first slab of a chosen size, statistics,
//! giving empty slabs back, and the memory budget. Each takes the lock once.

use core::ptr::NonNull;

use super::{Shared, SyncPool};
use crate::TryReserveError;
use crate::alloc::{Allocator, Global, Layout};
use crate::pool::PoolStats;
use crate::pool::block::BlockLayout;
use crate::pool::slab::Slabs;
use crate::pool::slab::capacity_or_fail;

impl SyncPool<Global> {
    /// A pool of blocks for `layout` over the global heap whose first slab holds exactly
    /// `blocks` blocks, taken now.
    ///
    /// # Panics
    ///
    /// As [`new`](Self::new), and if the slab cannot be allocated (through
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error), or a capacity-overflow panic if its size overflows).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::SyncPool;
    /// use allockit::alloc::Layout;
    ///
    /// let pool = SyncPool::with_capacity(Layout::new::<u64>(), 1000);
    /// let stats = pool.stats();
    /// assert_eq!((stats.slabs, stats.capacity, stats.free_blocks), (1, 1000, 1000));
    /// ```
    #[must_use]
    pub fn with_capacity(layout: Layout, blocks: usize) -> Self {
        Self::with_capacity_in(layout, blocks, Global)
    }

    /// [`with_capacity`](Self::with_capacity), returning an error instead of failing.
    ///
    /// # Errors
    ///
    /// `CapacityOverflow` if the slab's size overflows, `AllocError` if the heap refuses it.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::SyncPool;
    /// use allockit::alloc::Layout;
    ///
    /// assert!(SyncPool::try_with_capacity(Layout::new::<u64>(), 16).is_ok());
    /// assert!(SyncPool::try_with_capacity(Layout::new::<u64>(), usize::MAX / 2).is_err());
    /// ```
    pub fn try_with_capacity(layout: Layout, blocks: usize) -> Result<Self, TryReserveError> {
        Self::try_with_capacity_in(layout, blocks, Global)
    }
}

impl<A: Allocator> SyncPool<A> {
    /// A pool over `parent` whose first slab holds exactly `blocks` blocks, taken now.
    ///
    /// # Panics
    ///
    /// As [`SyncPool::with_capacity`].
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::SyncPool;
    /// use allockit::alloc::{Global, Layout};
    ///
    /// let pool = SyncPool::with_capacity_in(Layout::new::<[u8; 24]>(), 10, Global);
    /// assert_eq!(pool.stats().capacity, 10);
    /// ```
    #[must_use]
    pub fn with_capacity_in(layout: Layout, blocks: usize, parent: A) -> Self {
        capacity_or_fail(
            Self::try_with_capacity_in(layout, blocks, parent),
            "SyncPool::with_capacity",
        )
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
    /// As [`SyncPool::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::SyncPool;
    /// use allockit::alloc::{Global, Layout};
    ///
    /// let pool = SyncPool::try_with_capacity_in(Layout::new::<u32>(), 100, Global).unwrap();
    /// assert_eq!(pool.stats().free_blocks, 100);
    /// ```
    pub fn try_with_capacity_in(
        layout: Layout,
        blocks: usize,
        parent: A,
    ) -> Result<Self, TryReserveError> {
        let mut pool = Self::new_in(layout, parent);
        let (block, slabs) = (pool.block, &mut pool.shared.get_mut().slabs);
        slabs.add_first_slab(block, blocks, &pool.parent)?;
        Ok(pool)
    }

    /// Statistics: blocks live and free, slabs, bytes. Takes the lock once.
    ///
    /// `live_blocks` counts the blocks handed out *and* those cached in live
    /// [`LocalPool`](super::LocalPool) handles (the pool cannot tell them apart), and
    /// `free_blocks` the rest of the capacity: the blocks the pool holds itself and those
    /// not carved yet. So the figures are exact when no handle holds blocks (see
    /// [`LocalPool::flush`](super::LocalPool::flush)). The byte counts are always exact.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, SyncPool};
    ///
    /// let pool = SyncPool::for_type::<u64>();
    /// let b = Box::new_in(5u64, &pool);
    /// assert_eq!(pool.stats().live_blocks, 1);
    /// assert_eq!(pool.stats().slabs, 1);
    ///
    /// let local = pool.local();
    /// let c = Box::new_in(6u64, &local); // the handle took a batch of 32 blocks
    /// assert_eq!(pool.stats().live_blocks, 1 + 32);
    /// drop((b, c));
    /// drop(local); // gives its cached blocks back
    /// assert_eq!(pool.stats().live_blocks, 0);
    /// ```
    pub fn stats(&self) -> PoolStats {
        let shared = self.shared.lock();
        shared.slabs.stats(self.block, shared.free.len(self.batch))
    }

    /// Gives every slab none of whose blocks is in use back to the parent, and returns
    /// the bytes given back. A block cached in a live [`LocalPool`](super::LocalPool)
    /// counts as in use, so flush or drop the handles first to give back the most.
    ///
    /// The slab of each free block is looked up by walking the slab list, with the lock
    /// held, so this costs about (free blocks × slabs) steps and blocks every other
    /// thread's lock meanwhile: call it between phases of work, not per operation.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, SyncPool, Vec};
    ///
    /// let pool = SyncPool::for_type::<[u64; 8]>();
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
        let mut shared = self.shared.lock();
        let Shared { free, slabs } = &mut *shared;
        let (mut all, _) = free.take_all(self.batch);
        // SAFETY: `all` is every block of the free lists: carved blocks of these slabs,
        // handed out to no one (invariant 3).
        let released = unsafe { slabs.release_empty(self.block, &mut all, &self.parent) };
        // SAFETY: the blocks that stayed, still free and now ours again.
        unsafe { free.push_list(all, self.batch) };
        released
    }

    /// Caps the bytes this pool takes from its parent (slabs, and the blocks of requests
    /// it passes on) at `limit`, or removes the cap with `None`; as
    /// [`Pool::set_allocation_limit`](crate::Pool::set_allocation_limit).
    ///
    /// At the limit, an allocation fails when the pool itself has no free block, even if
    /// a [`LocalPool`](super::LocalPool) caches some: a handle's cache goes back to the
    /// pool only when it overflows, is [`flush`](super::LocalPool::flush)ed or dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, SyncPool};
    ///
    /// let pool = SyncPool::for_type::<[u8; 64]>();
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
        self.shared.lock().slabs.limit = limit;
    }

    /// The cap set by [`set_allocation_limit`](Self::set_allocation_limit), if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = allockit::SyncPool::for_type::<u64>();
    /// assert_eq!(pool.allocation_limit(), None);
    /// pool.set_allocation_limit(Some(1 << 20));
    /// assert_eq!(pool.allocation_limit(), Some(1 << 20));
    /// ```
    pub fn allocation_limit(&self) -> Option<usize> {
        self.shared.lock().slabs.limit
    }

    /// Whether `ptr` points at the start of a pool block of this pool that was handed
    /// out at some point (it may be live or free). Walks the slab list under the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, SyncPool};
    ///
    /// let pool = SyncPool::for_type::<u32>();
    /// let b = Box::new_in(1u32, &pool);
    /// assert!(pool.owns(Box::as_ptr(&b).cast()));
    /// assert!(!pool.owns(&0u32 as *const u32 as *const u8));
    /// ```
    pub fn owns(&self, ptr: *const u8) -> bool {
        NonNull::new(ptr.cast_mut())
            .is_some_and(|ptr| self.shared.lock().slabs.is_carved_block(self.block, ptr))
    }

    /// Checks every invariant of the pool's own lists that can be checked from the
    /// outside, walking them under the lock; panics if one is broken. Blocks cached in
    /// handles are not seen (see [`LocalPool::check_invariants`](super::LocalPool)). For
    /// tests.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        let shared = self.shared.lock();
        let slabs = &shared.slabs;
        let mut len = 0usize;
        shared.free.check(self.batch, |ptr| {
            check_free(slabs, self.block, ptr);
            len += 1;
            assert!(len <= slabs.carved, "the free lists are longer than the carved blocks");
        });
        assert!(slabs.carved + slabs.uncarved <= slabs.capacity);
    }

    /// Checks that `ptr`, on a handle's list, is a free block of this pool. For
    /// `LocalPool::check_invariants`.
    pub(super) fn check_free_block(&self, ptr: NonNull<u8>) {
        check_free(&self.shared.lock().slabs, self.block, ptr);
    }
}

/// Panics unless `ptr` is an aligned carved block of `slabs` that is not marked live.
fn check_free(slabs: &Slabs, block: BlockLayout, ptr: NonNull<u8>) {
    assert!(slabs.is_carved_block(block, ptr), "free block {ptr:p} not in a slab");
    assert_eq!(ptr.addr().get() % block.align, 0, "misaligned free block");
    if let Some(live) = slabs.debug_is_live(block, ptr) {
        assert!(!live, "free block {ptr:p} is marked live");
    }
}

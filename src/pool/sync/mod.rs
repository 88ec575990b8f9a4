//! [`SyncPool`], the pool that threads share, and its per-thread handle [`LocalPool`].
//!
//! The user-facing account (the batch exchange, with its picture, and what the statistics
//! mean) is on [`SyncPool`]. This is the maintainer's: why the design is a short lock
//! plus per-thread caches, and where each part lives.
//!
//! - `mod.rs`: the pool, its shared state, and the few operations that take the lock;
//! - [`lists`]: the shared free lists, kept in whole batches;
//! - [`local`]: [`LocalPool`], the handle with its own two lists;
//! - [`allocator`]: `impl Allocator` for `&SyncPool` and `&LocalPool`;
//! - [`lifecycle`]: capacity constructors, statistics, giving slabs back, the budget.
//!
//! # Why not a lock-free free list
//!
//! The textbook lock-free free list is a Treiber stack: the head is an atomic pointer,
//! push is "link the block to the head, compare-and-swap the head to the block", pop is
//! "read the head, read its `next`, compare-and-swap the head to `next`". It has two
//! problems that a Rust allocator cannot paper over:
//!
//! 1. **The read of `next` races with user data.** Between a thread's load of the head
//!    block and its read of that block's `next`, another thread may pop the same block
//!    and hand it to its caller, who writes into it. The first thread's compare-and-swap
//!    will fail, but its read of `next` has already happened concurrently with a
//!    non-atomic write of the same bytes: a data race, which is undefined behaviour in
//!    Rust's memory model whatever value is then thrown away. Avoiding it means every
//!    access to a block's first word, by the pool *and by its users*, must be atomic,
//!    which an allocator cannot demand of the code it serves.
//! 2. **ABA.** If, between the load and the compare-and-swap, the head block is popped,
//!    other blocks are popped, and the first block is pushed back, the swap succeeds
//!    with a stale `next` and the list is corrupt. The cure is a tag beside the pointer,
//!    changed on every push, and a double-width compare-and-swap of both; 128-bit atomics
//!    are not stable in Rust. A tag packed into the pointer's spare bits depends on the
//!    platform (how many high bits are free varies with the address-space layout, and
//!    the low bits give only as many as the block alignment allows), and a tag of at
//!    most 16 bits wraps after 65,536 pushes, which a preempted thread can outlast.
//!
//! (Hazard pointers or epochs solve both, at the cost of a per-operation fence and a
//! reclamation scheme far larger than this pool.)
//!
//! A spin lock held for a few instructions has neither problem: the lock holder is the
//! only thread reading or writing any free block's link. What makes a lock slow is
//! contention, and per-thread caches remove that: a [`LocalPool`] takes and gives blocks
//! in batches, so a thread takes the lock once per batch (32 blocks for small blocks)
//! rather than once per block, and a batch moves in O(1) under the lock however long it
//! is (see [`lists`]). The lock is also held around the parent's calls (new slabs,
//! requests of other layouts), as the [`Arena`](crate::Arena)'s is.
//!
//! # Debug checks
//!
//! A [`Pool`](crate::Pool)'s debug builds catch double frees and foreign pointers with a
//! live bit per block, found by walking the slab list. Another thread may change that
//! list (a new slab, [`release_empty_slabs`](SyncPool::release_empty_slabs)) at any time,
//! so a `SyncPool` reads it only under the lock: in debug builds every handle operation
//! takes the lock once for its check. Release builds do not check and a handle's fast
//! path takes no lock and executes no atomic instruction.

mod allocator;
mod lifecycle;
mod lists;
mod local;

use core::fmt;
use core::ptr::NonNull;

use self::lists::{Batch, ChainHead, FreeLists};
use super::block::{BlockLayout, FreeBlock};
use super::slab::Slabs;
use crate::alloc::{Allocator, Global, Layout};
use crate::bump::poison;
use crate::sync::{SpinMutex, const_unless_loom};

pub use self::local::LocalPool;

/// A batch is about this many bytes of blocks...
const BATCH_BYTES: usize = 8 << 10;
/// ...but at least this many blocks...
const MIN_BATCH: usize = 2;
/// ...and at most this many.
const MAX_BATCH: usize = 32;

/// A [`Pool`](crate::Pool) that threads share: fixed-size blocks, reused through free
/// lists kept behind a short spin lock, with a per-thread handle, [`LocalPool`], that
/// caches blocks so a thread takes the lock once per batch of blocks rather than once
/// per block.
///
/// `SyncPool` is `Send + Sync` (when its parent allocator is), so `&SyncPool` is `Send`:
/// a `Box<T, &SyncPool>` made on one thread can be dropped on another. `&SyncPool` and
/// `&LocalPool` implement [`Allocator`] with the same rule as `&Pool`: a request that fits
/// the block gets a pool block, any other goes to the parent.
///
/// # How it works
///
/// The pool keeps its free blocks in *batches*: lists of `batch` blocks (32 for blocks up
/// to 256 bytes; fewer for larger blocks, so that a batch is about 8 KiB, but at least 2;
/// see [`batch_size`](Self::batch_size)). A handle keeps two lists of its own, `free`
/// (the blocks it hands out next, at most a batch) and `spare` (nothing, or one whole
/// batch), in plain memory, and exchanges whole batches with the pool:
///
/// ```text
///        thread 1's LocalPool                  SyncPool, behind its spin lock
///   ┌─────────────────────────────┐    ┌───────────────────────────────────────────┐
///   │ free:  ●─▶●─▶●   (≤ batch)  │    │ batches: [batch]─▶[batch]─▶[batch]        │
///   │ spare: [batch] or nothing   │    │ loose:   ●─▶●      (freed by &SyncPool)   │
///   └─────────────────────────────┘    │ slabs:   carved ████████░░░░░░ uncarved   │
///                                      └───────────────────────────────────────────┘
///   allocate: pop `free`.  Empty? `spare` becomes `free`; no spare? lock and take a
///             batch (one off the pool's stack; or its loose blocks; or a run of fresh
///             blocks carved from the newest slab, linked up after unlocking).
///   free:     push on `free`. Full (a whole batch)? it becomes `spare`; a spare already
///             there? lock and push that one on the pool's stack first.
///   drop:     lock once and give `free` and `spare` back.
/// ```
///
/// A batch moves with a couple of pointer writes under the lock, whatever its length, and
/// a handle swinging between allocating and freeing around a batch boundary keeps
/// trading between its own two lists without locking. `&SyncPool` itself takes the lock
/// for every block.
///
/// Why a lock rather than a lock-free (Treiber) stack: popping such a stack reads the
/// head block's link while another thread may already have popped that block and be
/// writing its own data over it, a data race unless every access to every block is
/// atomic, and it needs an ABA tag beside the pointer that stable Rust cannot swap
/// together with it. Per-thread caches make the lock rare instead.
///
/// Any block may be freed through any handle or through `&SyncPool`, whichever
/// allocated it; a block just joins the list of whoever frees it.
///
/// # Statistics while handles cache blocks
///
/// [`stats`](Self::stats) counts the blocks a handle caches as live (in use), since the
/// pool cannot see them: `live_blocks` is the blocks handed out *plus* those cached in
/// live handles (at most two batches each), and `free_blocks` the blocks the pool holds
/// itself. The figures are exact when no handle holds blocks: all dropped, or emptied by
/// [`LocalPool::flush`]. Likewise [`release_empty_slabs`](Self::release_empty_slabs)
/// keeps a slab one of whose blocks a handle caches.
///
/// # Blocks are at least two words
///
/// The first block of a batch links to the next batch through its second word, so a
/// `SyncPool`'s block is at least two pointers long (16 bytes on 64-bit targets): a
/// `SyncPool::for_type::<u64>()` has 16-byte blocks where a `Pool` has 8-byte ones.
///
/// # Examples
///
/// Four threads churning boxes through their own handles, then a box that moves
/// between threads, over `&SyncPool`:
///
/// ```
/// use allockit::{Box, SyncPool};
///
/// static POOL: SyncPool = SyncPool::for_type::<[u64; 4]>();
///
/// std::thread::scope(|s| {
///     for t in 0..4 {
///         s.spawn(move || {
///             let local = POOL.local(); // takes the lock about once per 32 blocks
///             let boxes: Vec<Box<[u64; 4], _>> =
///                 (0..1000).map(|i| Box::new_in([t, i, 0, 0], &local)).collect();
///             assert!(boxes.iter().zip(0..).all(|(b, i)| b[..2] == [t, i]));
///         }); // the boxes, then the handle, go back to the pool
///     }
/// });
/// assert_eq!(POOL.stats().live_blocks, 0);
///
/// let b = Box::new_in([1u64; 4], &POOL); // `&SyncPool` is `Send`
/// std::thread::spawn(move || assert_eq!(b[3], 1)).join().unwrap();
/// assert_eq!(POOL.stats().live_blocks, 0);
/// ```
///
/// # Invariants
///
/// 1. **Blocks.** `block` is the block layout, fixed for the pool's life, at least a
///    `ChainHead` (two pointers) long; every pool block is `block.size` bytes at a
///    multiple of `block.size` from its slab's first block, aligned to `block.align`.
/// 2. **Batches.** `batch` is `batch_for(block)`, fixed, at least 2.
/// 3. **Shared state.** `shared` is only touched with its lock held or through
///    `&mut self`. Every carved block of its slabs is in exactly one place: handed out, on
///    its `FreeLists` (for `batch`), or held by one [`LocalPool`] (on its lists, or in
///    a `Batch` it is taking).
/// 4. **Slabs.** `shared.slabs` satisfies `Slabs`'s invariants for `parent`. The parent
///    is only called with the lock held (or through `&mut self`), and never re-enters
///    this pool (it is a different allocator), so the lock is never taken twice.
/// 5. **Forwarded requests.** A request that does not fit `block` is served by `parent`
///    with a block of exactly the requested size.
pub struct SyncPool<A: Allocator = Global> {
    block: BlockLayout,
    batch: usize,
    shared: SpinMutex<Shared>,
    parent: A,
}

/// What the lock of a [`SyncPool`] guards.
struct Shared {
    /// The free blocks the pool holds itself.
    free: FreeLists,
    /// The slabs, the uncarved blocks and the byte accounting.
    slabs: Slabs,
}

// SAFETY: a `SyncPool` owns its slabs and its parent; moving it to another thread moves
// everything it uses (every block handed out and every handle borrows it).
unsafe impl<A: Allocator + Send> Send for SyncPool<A> {}

// SAFETY: shared access is synchronised: the free lists and slabs (and every call to the
// parent) are only touched under the lock (invariants 3 and 4), so the parent is used by
// one thread at a time (`Send` suffices for that), and `allocator()` hands out `&A`
// (hence `Sync`). A block handed out is its user's alone.
unsafe impl<A: Allocator + Send + Sync> Sync for SyncPool<A> {}

/// The block layout of a `SyncPool` for `layout`: a `Pool`'s, but at least two pointers
/// long; or the documented panic.
const fn block_for(layout: Layout) -> BlockLayout {
    let min = size_of::<ChainHead>();
    let size = if layout.size() > min { layout.size() } else { min };
    let widened = match Layout::from_size_align(size, layout.align()) {
        Ok(widened) => widened,
        Err(_) => panic!("SyncPool: the block layout overflows isize::MAX"),
    };
    match BlockLayout::for_layout(widened) {
        Some(block) => block,
        None => panic!("SyncPool: the block layout overflows isize::MAX"),
    }
}

/// How many blocks a batch of `block`s holds: about [`BATCH_BYTES`] of them, clamped to
/// `MIN_BATCH..=MAX_BATCH`.
const fn batch_for(block: BlockLayout) -> usize {
    let n = BATCH_BYTES / block.size;
    if n < MIN_BATCH {
        MIN_BATCH
    } else if n > MAX_BATCH {
        MAX_BATCH
    } else {
        n
    }
}

impl SyncPool<Global> {
    const_unless_loom! {
        /// A pool of blocks for `layout` over the global heap. It takes its first slab on
        /// first use.
        ///
        /// # Panics
        ///
        /// If `layout`'s size rounded up to a whole block (a multiple of the alignment,
        /// at least two pointers) would pass `isize::MAX`.
        ///
        /// # Examples
        ///
        /// ```
        /// use allockit::SyncPool;
        /// use allockit::alloc::Layout;
        ///
        /// let pool = SyncPool::new(Layout::new::<[u8; 48]>());
        /// assert_eq!(pool.block_layout(), Layout::from_size_align(48, 8).unwrap());
        /// assert_eq!(pool.stats().slabs, 0);
        /// ```
        #[must_use]
        pub fn new(layout: Layout) -> Self {
            Self::new_in(layout, Global)
        }
    }

    const_unless_loom! {
        /// A pool of blocks for values of type `T` over the global heap.
        ///
        /// # Examples
        ///
        /// ```
        /// use allockit::{Box, SyncPool};
        ///
        /// static POOL: SyncPool = SyncPool::for_type::<[u64; 4]>();
        ///
        /// let b = Box::new_in([1u64; 4], &POOL);
        /// let handle = std::thread::spawn(move || drop(b)); // freed on another thread
        /// handle.join().unwrap();
        /// assert_eq!(POOL.stats().live_blocks, 0);
        /// ```
        #[must_use]
        pub fn for_type<T>() -> Self {
            Self::new(Layout::new::<T>())
        }
    }
}

impl<A: Allocator> SyncPool<A> {
    const_unless_loom! {
        /// A pool of blocks for `layout` over `parent`.
        ///
        /// # Panics
        ///
        /// As [`SyncPool::new`].
        ///
        /// # Examples
        ///
        /// ```
        /// use allockit::{Arena, Box, SyncPool};
        /// use allockit::alloc::Layout;
        ///
        /// // A pool whose slabs come from an arena (both can be shared by threads).
        /// let arena = Arena::new();
        /// let pool = SyncPool::new_in(Layout::new::<u64>(), &arena);
        /// let b = Box::new_in(7u64, &pool);
        /// assert_eq!(pool.stats().live_blocks, 1);
        /// # drop(b);
        /// ```
        #[must_use]
        pub fn new_in(layout: Layout, parent: A) -> Self {
            let block = block_for(layout);
            SyncPool {
                block,
                batch: batch_for(block),
                shared: SpinMutex::new(Shared { free: FreeLists::new(), slabs: Slabs::new() }),
                parent,
            }
        }
    }

    /// The layout every pool block has: the pool's layout with its size rounded up to its
    /// alignment (at least a pointer's), and to at least two pointers. Requests that fit
    /// it are pooled.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::SyncPool;
    /// use allockit::alloc::Layout;
    ///
    /// let pool = SyncPool::for_type::<u8>();
    /// // Room for the two links a batch's first block holds.
    /// assert_eq!(pool.block_layout(), Layout::new::<[usize; 2]>());
    /// ```
    pub fn block_layout(&self) -> Layout {
        self.block.layout()
    }

    /// How many blocks a [`LocalPool`] takes from or gives to the pool at once: about
    /// 8 KiB of blocks, at least 2 and at most 32. A handle caches at most two batches.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::SyncPool;
    ///
    /// assert_eq!(SyncPool::for_type::<[u8; 64]>().batch_size(), 32);
    /// assert_eq!(SyncPool::for_type::<[u8; 1024]>().batch_size(), 8);
    /// assert_eq!(SyncPool::for_type::<[u8; 65536]>().batch_size(), 2);
    /// ```
    pub fn batch_size(&self) -> usize {
        self.batch
    }

    /// The allocator the slabs come from.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::SyncPool;
    /// use allockit::alloc::Global;
    ///
    /// let pool = SyncPool::for_type::<u64>();
    /// let _: &Global = pool.allocator();
    /// ```
    pub fn allocator(&self) -> &A {
        &self.parent
    }

    /// Hands out one block: the first on the free lists, or a freshly carved one. `None`
    /// if a slab was needed and the parent (or the limit) refused it.
    #[inline]
    fn take_block(&self) -> Option<NonNull<u8>> {
        let mut shared = self.shared.lock();
        let block = match shared.free.pop(self.batch) {
            Some(block) => {
                poison::unpoison(block.cast(), self.block.size);
                block.cast()
            }
            None => shared.slabs.carve_block(self.block, &self.parent)?,
        };
        #[cfg(debug_assertions)]
        shared.slabs.debug_mark_live(self.block, block);
        Some(block)
    }

    /// Puts a handed-out block on the free lists.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a pool block of this pool that is handed out, and is not used
    ///   afterwards. (Debug builds check the first half and panic if it does not hold.)
    #[inline]
    unsafe fn give_block(&self, ptr: NonNull<u8>) {
        let mut shared = self.shared.lock();
        #[cfg(debug_assertions)]
        shared.slabs.debug_check_free(self.block, ptr);
        poison::poison(ptr, self.block.size);
        // SAFETY: a carved block of this pool, given up by the caller (invariant 3).
        unsafe { shared.free.push(ptr.cast(), self.batch) };
    }

    /// Takes a batch of free blocks for a handle: a whole batch off the free lists, or
    /// else whatever loose blocks there are, or else a run of up to `batch` blocks carved
    /// from the newest slab (taking a slab if needed). `None` if the parent or the limit
    /// refused a slab.
    fn take_batch(&self) -> Option<Batch> {
        let mut shared = self.shared.lock();
        if let Some(batch) = shared.free.take_batch(self.batch) {
            return Some(batch);
        }
        let (start, count) = shared.slabs.carve_run(self.block, self.batch, &self.parent)?;
        Some(Batch::Run { start, count })
    }

    /// Puts a handle's blocks back on the free lists, under one lock: `spare`, a list of
    /// exactly `batch` blocks if any, and `list`, a list of `len` blocks.
    ///
    /// # Safety
    ///
    /// - Both lists must be linked through `next` and end in `None`, and their blocks must
    ///   be free blocks of this pool held by the caller, who gives them up.
    /// - `spare`, if any, must be exactly `batch` blocks long, and `list` exactly `len`.
    unsafe fn give_back(
        &self,
        spare: Option<NonNull<FreeBlock>>,
        list: Option<NonNull<FreeBlock>>,
        len: usize,
    ) {
        let mut shared = self.shared.lock();
        if let Some(spare) = spare {
            // SAFETY: a whole batch, given up (caller's contract).
            unsafe { shared.free.push_chain(spare) };
        }
        match list {
            // SAFETY: as above.
            Some(head) if len == self.batch => unsafe { shared.free.push_chain(head) },
            // SAFETY: a list of free blocks, given up (caller's contract).
            _ => unsafe { shared.free.push_list(list, self.batch) },
        }
    }

    /// Marks a block a handle hands out as live (debug builds), under the lock.
    #[cfg(debug_assertions)]
    fn debug_mark_live(&self, ptr: NonNull<u8>) {
        self.shared.lock().slabs.debug_mark_live(self.block, ptr);
    }

    /// Checks that a block freed through a handle is a live block of this pool and marks
    /// it free (debug builds), under the lock; panics otherwise.
    #[cfg(debug_assertions)]
    fn debug_check_free(&self, ptr: NonNull<u8>) {
        self.shared.lock().slabs.debug_check_free(self.block, ptr);
    }
}

impl<A: Allocator> Drop for SyncPool<A> {
    fn drop(&mut self) {
        self.shared.get_mut().slabs.free_all(&self.parent);
    }
}

impl<A: Allocator> fmt::Debug for SyncPool<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncPool")
            .field("batch_size", &self.batch)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

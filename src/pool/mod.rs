//! [`Pool`]: fixed-size blocks, reused through a free list.
//!
//! A [`Bump`](crate::Bump) or an [`Arena`](crate::Arena) frees nothing until it is reset,
//! which is right for a parse tree and wrong for a linked list, a tree that changes, a
//! cache or a connection table: there objects of *one size* come and go all the time. A
//! pool serves exactly that. It is built for one block layout, carves blocks out of big
//! *slabs* taken from its parent allocator, and keeps every freed block on a free list to
//! hand out again. Allocating and freeing are a handful of instructions each, and memory
//! freed by one object is reused by the next.
//!
//! | you have                                          | use                          |
//! |---------------------------------------------------|------------------------------|
//! | many objects of one type, created and dropped in any order, one thread | `&Pool`      |
//! | the same, shared by threads                       | [`&SyncPool`](SyncPool), or a [`LocalPool`] per thread |
//! | objects that all die together                     | [`Bump`](crate::Bump) / [`Arena`](crate::Arena) |
//!
//! # The free list
//!
//! A free block holds nothing useful, so it holds the list: its first word points at the
//! next free block. The pool keeps only the head. Freeing pushes a block on the front,
//! allocating pops the front, so the block freed last is the one reused first (it is also
//! the one most likely still in the cache).
//!
//! ```text
//!   free ──▶ ┌───────┐    ┌───────┐    ┌───────┐
//!            │ next ─┼──▶ │ next ─┼──▶ │ None  │       3 free blocks, anywhere in the slabs
//!            └───────┘    └───────┘    └───────┘
//!
//!   allocate: take the head block, free = its next           (pop)
//!   free(b):  b.next = free, free = b                         (push)
//! ```
//!
//! When the list is empty the pool *carves* the next block of its newest slab, and when
//! the slab has none left it takes a new slab from the parent (about 4 KiB at first,
//! doubling up to 1 MiB). See the [`slab`](self#slabs) section below.
//!
//! # Slabs
//!
//! ```text
//!   ┌────────────┬─────────┬─────────┬─────────┬─ ... ─┬─────────┐
//!   │ SlabHeader │ block 0 │ block 1 │ block 2 │       │ block n │
//!   └────────────┴─────────┴─────────┴─────────┴─ ... ─┴─────────┘
//!                 ◀─ carved (handed out or on the free list) ─▶◀─ not yet carved ─▶
//! ```
//!
//! Blocks are carved lazily, so a fresh slab is not touched until its blocks are used.
//! Every block is the pool's block size (the layout's size rounded up to its alignment,
//! and to at least a pointer) and aligned for the layout.
//!
//! # Requests of other layouts
//!
//! `&Pool` is a general [`Allocator`]: a request that fits a block (no bigger, no stricter
//! alignment) gets a whole block, and any other request is passed to the parent allocator.
//! So a `Vec<T, &Pool>`, a `String<&Pool>` or a hashbrown map in a pool still works; only
//! the requests of the pool's size are pooled. Growing a pooled block within the block
//! size is free (the block is returned as is); growing past it moves the data to the
//! parent, and shrinking into the block size moves it back into the pool.
//!
//! # Statistics, giving memory back, budget
//!
//! [`Pool::stats`] reports blocks live and free, slabs and bytes. Slabs stay with the pool
//! until it is dropped, unless [`Pool::release_empty_slabs`] gives back the ones none of
//! whose blocks is in use. [`Pool::set_allocation_limit`] caps the bytes taken from the
//! parent (slabs and passed-on requests together), as for the other allocators.
//!
//! # Bad frees
//!
//! In debug builds each slab keeps one bit per block, and freeing a block that is already
//! free, or a pointer that is not a block of this pool, panics with a message that says
//! which. Release builds do not check (it would cost a slab lookup per free).
//!
//! # Examples
//!
//! A binary tree of boxed nodes, every node a pool block:
//!
//! ```
//! use allockit::{Box, Pool};
//!
//! struct Node<'p> {
//!     value: u64,
//!     left: Option<Box<Node<'p>, &'p Pool>>,
//!     right: Option<Box<Node<'p>, &'p Pool>>,
//! }
//!
//! fn build<'p>(pool: &'p Pool, depth: u32, value: u64) -> Box<Node<'p>, &'p Pool> {
//!     let child = |v| (depth > 0).then(|| build(pool, depth - 1, v));
//!     Box::new_in(Node { value, left: child(2 * value), right: child(2 * value + 1) }, pool)
//! }
//!
//! fn sum(node: &Node<'_>) -> u64 {
//!     node.value + node.left.as_deref().map_or(0, sum) + node.right.as_deref().map_or(0, sum)
//! }
//!
//! let pool = Pool::for_type::<Node<'static>>();
//! let tree = build(&pool, 9, 1); // 1023 nodes
//! assert_eq!(pool.stats().live_blocks, 1023);
//! assert_eq!(sum(&tree), (1..1024).sum());
//!
//! drop(tree); // every node goes back on the free list...
//! assert_eq!(pool.stats().live_blocks, 0);
//! let stats = pool.stats();
//! let again = build(&pool, 9, 1); // ...and is reused: no new slab
//! assert_eq!(pool.stats().slabs, stats.slabs);
//! # drop(again);
//! ```

mod allocator;
mod block;
mod lifecycle;
mod routing;
mod slab;
mod sync;

use core::cell::{Cell, UnsafeCell};
use core::fmt;
use core::ptr::NonNull;

use self::block::{BlockLayout, FreeBlock};
use self::slab::Slabs;
use crate::alloc::{Allocator, Global, Layout};
use crate::bump::poison;

pub use self::lifecycle::PoolStats;
pub use self::sync::{LocalPool, SyncPool};

/// A pool of fixed-size blocks over a parent allocator `A`: allocation pops a free list,
/// freeing pushes onto it. See the [module documentation](self) for how it works.
///
/// `&Pool` is the allocator: `Box::new_in(node, &pool)`, `Vec::new_in(&pool)`. A `Pool`
/// is not `Sync` (its free list is plain memory); use [`SyncPool`] to share one between
/// threads. It is `Send` when `A` is.
///
/// # Invariants
///
/// 1. **Blocks.** `block` is the block layout, fixed for the pool's life; every pool
///    block is `block.size` bytes at a multiple of `block.size` from its slab's first
///    block, aligned to `block.align`.
/// 2. **Free list.** `free` starts a list, linked through each block's first word, of
///    distinct carved blocks of live slabs that are not handed out; every other carved
///    block is handed out.
/// 3. **No counters on the fast path.** The blocks handed out are counted when asked
///    for, as `slabs.carved` minus the length of the free list, so allocating and
///    freeing touch nothing but the list head (and the block).
/// 4. **Slabs.** `slabs` satisfies `Slabs`'s invariants for `parent`; it is only
///    borrowed inside one method call, never across a call that could re-enter this
///    pool (the parent is a different allocator).
/// 5. **Forwarded requests.** A request that does not fit `block` is served by `parent`
///    with a block of exactly the requested size.
pub struct Pool<A: Allocator = Global> {
    free: Cell<Option<NonNull<FreeBlock>>>,
    block: BlockLayout,
    slabs: UnsafeCell<Slabs>,
    parent: A,
}

// SAFETY: a `Pool` owns its slabs and its parent; moving it to another thread moves all
// it uses (every block handed out borrows it).
unsafe impl<A: Allocator + Send> Send for Pool<A> {}

/// The block layout for `layout`, or the documented panic.
const fn block_for(layout: Layout) -> BlockLayout {
    match BlockLayout::for_layout(layout) {
        Some(block) => block,
        None => panic!("Pool: the block layout overflows isize::MAX"),
    }
}

impl Pool<Global> {
    /// A pool of blocks for `layout` over the global heap. It takes its first slab on
    /// first use.
    ///
    /// # Panics
    ///
    /// If `layout`'s size rounded up to a whole block (a multiple of the alignment, at
    /// least a pointer) would pass `isize::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Pool;
    /// use allockit::alloc::Layout;
    ///
    /// let pool = Pool::new(Layout::new::<[u8; 48]>());
    /// assert_eq!(pool.block_layout(), Layout::from_size_align(48, 8).unwrap());
    /// assert_eq!(pool.stats().slabs, 0);
    /// ```
    #[must_use]
    pub const fn new(layout: Layout) -> Self {
        Self::new_in(layout, Global)
    }

    /// A pool of blocks for values of type `T` over the global heap.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Box, Pool};
    ///
    /// let pool = Pool::for_type::<(u64, u64)>();
    /// let b = Box::new_in((1u64, 2u64), &pool);
    /// assert_eq!(pool.stats().live_blocks, 1);
    /// drop(b);
    /// assert_eq!(pool.stats().live_blocks, 0);
    /// ```
    #[must_use]
    pub const fn for_type<T>() -> Self {
        Self::new(Layout::new::<T>())
    }

    /// A pool of blocks for `layout` whose first slab holds exactly `blocks` blocks,
    /// taken now (so the first `blocks` allocations never reach the parent).
    ///
    /// # Panics
    ///
    /// As [`new`](Self::new), and if the slab cannot be allocated (through
    /// [`handle_alloc_error`](crate::alloc::handle_alloc_error), or a capacity-overflow
    /// panic if its size overflows).
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Pool;
    /// use allockit::alloc::Layout;
    ///
    /// let pool = Pool::with_capacity(Layout::new::<u64>(), 1000);
    /// let stats = pool.stats();
    /// assert_eq!((stats.slabs, stats.capacity, stats.free_blocks), (1, 1000, 1000));
    /// ```
    #[must_use]
    pub fn with_capacity(layout: Layout, blocks: usize) -> Self {
        Self::with_capacity_in(layout, blocks, Global)
    }
}

impl<A: Allocator> Pool<A> {
    /// A pool of blocks for `layout` over `parent`.
    ///
    /// # Panics
    ///
    /// As [`Pool::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Bump, Pool, Vec};
    /// use allockit::alloc::Layout;
    ///
    /// // A pool whose slabs come from a bump.
    /// let bump = Bump::new();
    /// let pool = Pool::new_in(Layout::new::<u32>(), &bump);
    /// let v: Vec<u32, _> = Vec::with_capacity_in(1, &pool);
    /// assert_eq!(pool.stats().live_blocks, 1);
    /// # drop(v);
    /// ```
    #[must_use]
    pub const fn new_in(layout: Layout, parent: A) -> Self {
        Pool {
            free: Cell::new(None),
            block: block_for(layout),
            slabs: UnsafeCell::new(Slabs::new()),
            parent,
        }
    }

    /// The layout every pool block has: the pool's layout with its size rounded up to
    /// its alignment, which is at least a pointer's. Requests that fit it are pooled.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Pool;
    /// use allockit::alloc::Layout;
    ///
    /// let pool = Pool::for_type::<u8>();
    /// assert_eq!(pool.block_layout(), Layout::new::<usize>()); // room for the free-list link
    /// ```
    pub fn block_layout(&self) -> Layout {
        self.block.layout()
    }

    /// The allocator the slabs come from.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Pool;
    /// use allockit::alloc::Global;
    ///
    /// let pool = Pool::for_type::<u64>();
    /// let _: &Global = pool.allocator();
    /// ```
    pub fn allocator(&self) -> &A {
        &self.parent
    }

    /// The slab list, borrowed for the length of one call (invariant 4).
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    fn slabs(&self) -> &mut Slabs {
        // SAFETY: `Pool` is not `Sync`, and no method keeps this borrow across a call
        // that could reach back into this pool (invariant 4), so it is unique.
        unsafe { &mut *self.slabs.get() }
    }

    /// Hands out a block: the head of the free list, or a freshly carved one. `None` if
    /// a slab was needed and the parent (or the limit) refused it.
    #[inline(always)]
    pub(crate) fn take_block(&self) -> Option<NonNull<u8>> {
        let Some(head) = self.free.get() else {
            return self.take_carved_block();
        };
        poison::unpoison(head.cast(), self.block.size);
        // SAFETY: the head is a free block of a live slab holding its link (invariant 2).
        self.free.set(unsafe { (*head.as_ptr()).next });
        #[cfg(debug_assertions)]
        self.slabs().debug_mark_live(self.block, head.cast());
        Some(head.cast())
    }

    /// The slow half of [`take_block`](Self::take_block): carves a block, taking a slab
    /// if needed.
    #[cold]
    #[inline(never)]
    fn take_carved_block(&self) -> Option<NonNull<u8>> {
        let slabs = self.slabs();
        let block = slabs.carve_block(self.block, &self.parent)?;
        #[cfg(debug_assertions)]
        slabs.debug_mark_live(self.block, block);
        Some(block)
    }

    /// Puts a handed-out block back on the free list.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a pool block of this pool that is handed out, and is not used
    ///   afterwards. (Debug builds check the first half and panic if it does not hold.)
    #[inline(always)]
    pub(crate) unsafe fn give_block(&self, ptr: NonNull<u8>) {
        #[cfg(debug_assertions)]
        self.slabs().debug_check_free(self.block, ptr);
        let block = ptr.cast::<FreeBlock>();
        // SAFETY: a handed-out block is writable, aligned and big enough for the link
        // (invariant 1); it now joins the list (invariant 2).
        unsafe { block.write(FreeBlock { next: self.free.get() }) };
        poison::poison(ptr, self.block.size);
        self.free.set(Some(block));
    }
}

impl<A: Allocator> Drop for Pool<A> {
    fn drop(&mut self) {
        self.slabs.get_mut().free_all(&self.parent);
    }
}

impl<A: Allocator> fmt::Debug for Pool<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool").field("stats", &self.stats()).finish_non_exhaustive()
    }
}

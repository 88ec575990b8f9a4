//! [`Arena`]: a bump allocator that threads share.
//!
//! A [`Bump`](crate::Bump) is the fastest way to allocate, but it cannot be shared:
//! `&Bump` is not `Send`, so a `Vec<T, &Bump>` can neither go to a worker thread nor be
//! held across an `.await` in a multi-threaded runtime. An `Arena` is the same idea
//! (chunks, bump upward, free everything at once) made safe to share: `Arena` is
//! `Send + Sync`, so `&Arena` is `Send` and collections over it move freely.
//!
//! | you have                                  | use                                      |
//! |-------------------------------------------|------------------------------------------|
//! | one thread, one phase of work             | [`Bump`](crate::Bump)                    |
//! | data shared by threads, freed together    | `&Arena`                                 |
//! | many allocations on each worker thread    | [`LocalArena`] per thread, from [`Arena::local`] |
//! | one arena per request, reused             | [`ArenaSet`]                             |
//! | a fixed region, maybe the global heap     | [`Arena::from_buffer`] (a `const fn`)    |
//!
//! # How allocation works: one compare-and-swap
//!
//! Each chunk starts with a header whose `cursor` is an atomic address. To allocate, a
//! thread loads the current chunk, rounds the cursor up to the alignment, and moves the
//! cursor past its block with a compare-and-swap. If another thread moved the cursor
//! first, the swap fails and reports where the cursor is now; the thread retries from
//! there. No lock, no waiting: some thread always succeeds.
//!
//! ```text
//!   thread 1: load cursor = 0x40 ── CAS(0x40 → 0x58) ✓  block 0x40..0x58
//!   thread 2: load cursor = 0x40 ── CAS(0x40 → 0x50) ✗ (cursor is 0x58)
//!                                 └ CAS(0x58 → 0x68) ✓  block 0x58..0x68
//! ```
//!
//! # How chunks are switched: under a short lock
//!
//! When the current chunk has no room, the thread takes the arena's spin lock, and:
//!
//! 1. retries the current chunk: another thread may have installed a new one while this
//!    one waited, and the request usually fits there;
//! 2. takes a spare chunk (kept by [`Arena::reset_keep_chunks`]) or a new one from the
//!    parent, sized like a `Bump`'s: 512 bytes, doubling up to 16 MiB;
//! 3. carves its own block out of the new chunk *before* anyone else can see it, so the
//!    thread that paid for the chunk always gets its block;
//! 4. links the old chunk behind the new one and publishes the new chunk with a Release
//!    store, which makes its header visible to every thread that loads it.
//!
//! A thread that loaded the old chunk just before the switch may still bump it: that is
//! fine, because chunks are only freed by [`reset`](Arena::reset) and drop, which take
//! `&mut self`. A request larger than the next chunk would be gets a chunk of its own,
//! linked *behind* the current one, so the current chunk's free space is not abandoned.
//!
//! ```text
//!   current ──▶ ┌ chunk 3 ┐ prev ┌ big request's own chunk ┐ prev ┌ chunk 2 ┐ prev ┌ chunk 1 ┐
//!               │ cursor ▶│ ───▶ │                         │ ───▶ │ (full)  │ ───▶ │ (full)  │
//! ```
//!
//! # The newest block still grows in place
//!
//! `grow` of the block that ends at the cursor is one compare-and-swap from "the cursor
//! is at my end" to "the cursor is at my new end". It succeeds exactly when no other
//! thread has allocated in the chunk since; otherwise the cursor is elsewhere, the swap
//! fails and the block is copied. `shrink` and `deallocate` of the newest block give its
//! bytes back the same way.
//!
//! When a growing block has to move to a new chunk, that chunk becomes current even if
//! the block is large, and gets room for twice the block, so a doubling `Vec<T, &Arena>`
//! grows in place at least every other time. (A `Bump` can also grow a chunk holding
//! nothing but the `Vec` through the parent's `realloc`; an arena cannot, since another
//! thread may be bumping that chunk at the same moment.)
//!
//! # Per-thread handles: no atomics at all
//!
//! A shared compare-and-swap costs a few nanoseconds even without contention, and when
//! two threads hammer one cursor, its cache line bounces between their cores and neither
//! gets faster. A [`LocalArena`] claims a *slab* (4 KiB, doubling to 64 KiB) from the arena
//! with one swap and then bumps inside it with plain loads and stores, exactly like a
//! `Bump`; threads with their own handles scale. Values it places live as long as the
//! arena, so workers can hand their results back.
//!
//! # Memory budget and statistics
//!
//! [`Arena::set_allocation_limit`] caps the bytes taken from the parent, like
//! [`Bump::set_allocation_limit`](crate::Bump::set_allocation_limit); past it, allocation
//! fails with `AllocError` (or `handle_alloc_error` for the panicking methods), never an
//! abort in the middle of a chunk switch. [`Arena::stats`] reports exact byte counts
//! ([`Stats`]): handed out, capacity, reserved from the parent, chunks.
//!
//! # AddressSanitizer
//!
//! With `RUSTFLAGS="-Zsanitizer=address --cfg asan"` the arena poisons the free part of
//! every chunk and unpoisons each block as it hands it out, as a [`Bump`](crate::Bump)
//! does (`src/bump/poison.rs` has the picture, and the functions both use): every block
//! starts on an 8-byte ASan granule and is followed by a poisoned red zone, so an
//! overflow from one block into the next, or a use of a block after it was freed, is
//! reported. Blocks of different threads never share a granule (ASan's shadow memory
//! tracks whole granules); a block is unpoisoned after the compare-and-swap that made it
//! its thread's and before it is returned, and poisoned before a free or a shrink moves
//! the cursor back over it, when another thread may claim it. A `LocalArena` lays out its
//! slab the same way. Resets poison the chunks they keep, and chunks go back to the
//! parent (or a buffer to its owner) unpoisoned. Without `cfg(asan)` none of this exists:
//! the layouts and the fast paths are unchanged.
//!
//! # A static arena as the global allocator
//!
//! [`Arena::from_buffer`] is a `const fn`: the buffer becomes the first chunk on first
//! use. A `static` arena over a `static` buffer is therefore a complete
//! `#[global_allocator]` (the arena implements [`GlobalAlloc`](core::alloc::GlobalAlloc))
//! with no set-up code, for firmware that carves its heap out of RAM at boot:
//!
//! ```no_run
//! use core::mem::MaybeUninit;
//! use allockit::Arena;
//! use allockit::arena::NoHeap;
//!
//! static mut HEAP: [MaybeUninit<u8>; 64 << 10] = [MaybeUninit::uninit(); 64 << 10];
//!
//! // SAFETY: `HEAP` is used by nothing but this arena.
//! #[global_allocator]
//! static ALLOCATOR: Arena<NoHeap<'static>> = Arena::from_buffer(unsafe { &mut *(&raw mut HEAP) });
//! # fn main() {}
//! ```

mod allocator;
mod buffer;
mod bumping;
mod chunk;
mod direct;
mod lifecycle;
mod local;
mod set;

use core::cell::UnsafeCell;
use core::fmt;
use core::ptr::NonNull;

use self::chunk::ArenaChunk;
use crate::alloc::{Allocator, Global};
use crate::sync::{AtomicPtr, SpinLock, const_unless_loom};

pub use crate::bump::{NoHeap, Stats};
pub use local::LocalArena;
pub use set::{ArenaSet, CheckedOut};

/// A region allocator that any number of threads can allocate from at once.
///
/// `&Arena` implements [`Allocator`], and `Arena` is `Send + Sync`, so `Vec<T, &Arena>`,
/// `Box<T, &Arena>` and `String<&Arena>` can move between threads, into
/// [`std::thread::scope`] workers and across `.await` points. Like a
/// [`Bump`](crate::Bump), it frees nothing until [`reset`](Arena::reset) or drop; see the
/// [module docs](self) for how it works and when to use which handle.
///
/// # Examples
///
/// ```
/// use allockit::{Arena, Vec};
///
/// let arena = Arena::new();
/// let vecs: std::vec::Vec<Vec<u64, &Arena>> = std::thread::scope(|s| {
///     let workers: std::vec::Vec<_> = (0..4u64)
///         .map(|t| {
///             let arena = &arena;
///             s.spawn(move || {
///                 let mut v = Vec::new_in(arena);
///                 v.extend((0..100).map(|i| t * 1000 + i));
///                 v // moves back to the main thread
///             })
///         })
///         .collect();
///     workers.into_iter().map(|w| w.join().unwrap()).collect()
/// });
/// assert_eq!(vecs[3][99], 3099);
/// assert!(arena.stats().allocated >= 4 * 100 * 8);
/// ```
///
/// # Invariants
///
/// 1. `current` is null (no chunk yet, or all chunks are spares) or points to a live chunk
///    whose `prev` links reach every other chunk in use (filled chunks, and chunks that a
///    large request got for itself), oldest last. Chunks stay alive until the arena is
///    borrowed mutably (`reset`) or dropped, so a thread may keep bumping a chunk it
///    loaded as current after another thread has installed a newer one.
/// 2. `list` is only accessed while `lock` is held or through `&mut self`. Its `spares`
///    links (through `prev`) reach the empty chunks kept for reuse.
/// 3. `list.reserved` is the sum of the sizes of the blocks taken from `parent` for the
///    chunks, and `list.chunks` the number of chunks, spares included; a chunk's block is
///    returned to `parent` with the layout recorded in its header.
/// 4. A new chunk is never taken if it would bring `reserved` past `list.limit`.
pub struct Arena<A: Allocator = Global> {
    /// The chunk threads bump; null before the first chunk.
    current: AtomicPtr<ArenaChunk>,
    /// Serialises every change to the chunk list.
    lock: SpinLock,
    /// The chunk list and its accounting (invariant 2).
    list: UnsafeCell<ChunkList>,
    /// Where the chunks come from.
    parent: A,
}

/// The part of an [`Arena`] that only the lock holder (or `&mut`) touches.
pub(crate) struct ChunkList {
    /// Emptied chunks kept for reuse, linked through `prev`.
    pub(crate) spares: Option<NonNull<ArenaChunk>>,
    /// A caller's buffer (start, length) that becomes the first chunk on first use.
    pub(crate) buffer: Option<(NonNull<u8>, usize)>,
    /// Bytes taken from the parent.
    pub(crate) reserved: usize,
    /// The most `reserved` may grow to, if limited.
    pub(crate) limit: Option<usize>,
    /// Number of chunks, spares and a caller's installed buffer included.
    pub(crate) chunks: usize,
}

// SAFETY: an `Arena` owns its chunks and its parent; moving it to another thread moves
// everything it uses (every reference into its chunks borrows it).
unsafe impl<A: Allocator + Send> Send for Arena<A> {}

// SAFETY: shared access is synchronised: the current chunk and its cursor are atomics,
// and everything else (the chunk list, and every call to the parent) is only touched
// under the lock (invariant 2), so the parent is used by one thread at a time (`Send`
// suffices for that) and `allocator()` hands out `&A` (hence `Sync`).
unsafe impl<A: Allocator + Send + Sync> Sync for Arena<A> {}

impl Arena<Global> {
    const_unless_loom! {
        /// An arena over the global heap that has not allocated anything yet; its first
        /// chunk is taken on first use.
        ///
        /// # Examples
        ///
        /// ```
        /// let arena = allockit::Arena::new();
        /// assert_eq!(arena.stats().chunks, 0);
        /// arena.alloc(1u8);
        /// assert_eq!(arena.stats().chunks, 1);
        /// ```
        #[must_use]
        pub fn new() -> Self {
            Self::new_in(Global)
        }
    }
}

impl Default for Arena<Global> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: Allocator> Arena<A> {
    const_unless_loom! {
        /// An arena over `parent` that has not allocated anything yet.
        ///
        /// # Examples
        ///
        /// ```
        /// use allockit::Arena;
        /// use allockit::alloc::Global;
        ///
        /// let arena = Arena::new_in(Global);
        /// assert_eq!(*arena.alloc(7u32), 7);
        /// ```
        #[must_use]
        pub fn new_in(parent: A) -> Self {
            Self::empty(parent, None)
        }
    }

    const_unless_loom! {
        /// An arena without chunks, whose first chunk will be `buffer` if given.
        fn empty(parent: A, buffer: Option<(NonNull<u8>, usize)>) -> Self {
            Arena {
                current: AtomicPtr::new(core::ptr::null_mut()),
                lock: SpinLock::new(),
                list: UnsafeCell::new(ChunkList {
                    spares: None,
                    buffer,
                    reserved: 0,
                    limit: None,
                    chunks: 0,
                }),
                parent,
            }
        }
    }

    /// The allocator the chunks come from.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Arena;
    /// use allockit::alloc::Global;
    ///
    /// let arena = Arena::new();
    /// let _: &Global = arena.allocator();
    /// ```
    pub fn allocator(&self) -> &A {
        &self.parent
    }

    /// Runs `f` on the chunk list with the lock held.
    pub(crate) fn with_list<R>(&self, f: impl FnOnce(&mut ChunkList) -> R) -> R {
        let _guard = self.lock.lock();
        // SAFETY: the lock is held (invariant 2).
        f(unsafe { &mut *self.list.get() })
    }
}

impl<A: Allocator> Drop for Arena<A> {
    fn drop(&mut self) {
        self.free_all_chunks();
    }
}

impl<A: Allocator> fmt::Debug for Arena<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena").field("stats", &self.stats()).finish_non_exhaustive()
    }
}

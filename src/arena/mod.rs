//! [`Arena`]: a bump allocator that threads share.
//!
//! TUTORIAL-PLACEHOLDER

mod allocator;
mod buffer;
mod bumping;
mod chunk;
mod direct;
mod lifecycle;
mod local;
mod set;
mod sync;

use core::cell::UnsafeCell;
use core::fmt;
use core::ptr::NonNull;

use self::chunk::ArenaChunk;
use self::sync::{AtomicPtr, SpinLock, const_unless_loom};
use crate::alloc::{Allocator, Global};

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

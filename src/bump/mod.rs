//! [`Bump`]: a chunked bump allocator that bumps upward, so the newest allocation grows
//! and shrinks in place.
//!
//! # How it works
//!
//! A bump allocator hands out memory by moving a pointer through a large block. `Bump`
//! takes its blocks ("chunks") from a parent allocator (`Global` by default), each chunk
//! starting with a small header:
//!
//! ```text
//!   chunk 0 (full)          chunk 1 (full)                 chunk 2 (current)
//!  ┌──┬──────────────┐    ┌──┬──────────────────────┐    ┌──┬─────────────┬──────────────────┐
//!  │H │ a  b   c     │◄───┤H │ d      e     f       │◄───┤H │ g   h       │ free             │
//!  └──┴──────────────┘    └──┴──────────────────────┘    └──┴─────────────┴──────────────────┘
//!                                                                         ▲ bump ptr         ▲ end
//! ```
//!
//! To allocate `layout`, [`Bump`] rounds the bump pointer up to `layout.align()`, adds
//! `layout.size()`, and checks the result against `end`: three instructions and a branch,
//! inlined into the caller. Only when the current chunk is full does an out-of-line,
//! `#[cold]` path run: it reuses a spare chunk if one fits, or asks the parent for a new
//! chunk twice as big as the last (up to 16 MiB per chunk, falling back to smaller sizes
//! if the parent refuses a big one, and never past the [allocation
//! limit](Bump::set_allocation_limit)). The layout of one chunk is drawn in
//! [`chunk`](self#chunks) below.
//!
//! # Why upward
//!
//! Because the pointer moves up, the newest allocation is always the one just below the
//! bump pointer, and it can change size in place:
//!
//! ```text
//!   before grow:   │ ... │ vec buffer (cap 4) │ free ...........│
//!                                             ▲ bump ptr
//!   after grow:    │ ... │ vec buffer (cap 8)              │ free │
//!                                                        ▲ bump ptr (moved; nothing copied)
//! ```
//!
//! So `Vec<T, &Bump>::push` never copies while its buffer is the newest allocation, and
//! `deallocate` of the newest allocation gives its bytes back. A downward-bumping
//! allocator (bumpalo) has to copy on every growth, because its newest block grows toward
//! the *older* data. Other deallocations are no-ops: memory comes back all at once, when
//! the `Bump` is [`reset`](Bump::reset), a [scope](Bump::scope) ends, or it is dropped.
//!
//! When the newest block no longer fits in its chunk there are two cases. If other
//! blocks share the chunk, the block is copied into a new chunk. If it is *alone* in the
//! chunk (it starts at the chunk's data start, as a big vector soon does), the chunk
//! itself grows through the parent's `grow`, which for `Global` is `realloc`: extended in
//! place, or moved by remapping pages, exactly as a `Vec<T>` over the parent would grow.
//! This is why scope marks and the chunk iterator hold chunk positions, not pointers.
//!
//! # Two ways to allocate
//!
//! | API                                    | returns                   | dropped?                         |
//! |----------------------------------------|---------------------------|----------------------------------|
//! | [`alloc`](Bump::alloc), [`alloc_with`](Bump::alloc_with), [`alloc_slice_copy`](Bump::alloc_slice_copy), [`alloc_str`](Bump::alloc_str), ... | `&mut T` tied to the bump | **never** (like bumpalo) |
//! | `Vec::new_in(&bump)`, `Box::new_in(x, &bump)`, `String::new_in(&bump)`, hashbrown's `HashMap::new_in(&bump)` | an owning collection | when the collection is dropped |
//!
//! The direct API is for data without destructors (AST nodes of `&'bump` references,
//! interned strings); values that own resources belong in a `Box<T, &Bump>`.
//!
//! # Scopes
//!
//! [`Bump::scope`] runs a closure with a `&Bump` and rewinds the bump pointer when it
//! returns, giving back everything the closure allocated. It takes `&mut self`, so no
//! allocation or collection from outside the scope can be alive inside it: an outer
//! `Vec<T, &Bump>` cannot grow into the scope's memory and then be freed under its feet
//! at the rewind, a use-after-free that scopes taking `&self` are open to. See
//! [`ScopeGuard`] for nesting.
//!
//! # Chunks
//!
//! Each chunk is one block from the parent, header first, data after it. `end` is kept
//! a multiple of 16, which lets the fast path skip an overflow check for small types:
//!
//! ```text
//!  ┌──────────────┬──────────────────────────────────────────────┐
//!  │ ChunkHeader  │ data: handed out ─────────►│ free ──────────►│
//!  │ prev, next,  │                            ▲                 ▲
//!  │ end, used,   │                         bump ptr            end (16-aligned)
//!  │ block layout │
//!  └──────────────┴──────────────────────────────────────────────┘
//! ```
//!
//! The chunks form a doubly linked list. Chunks before the current one are full; chunks
//! after it are *spares*, kept by [`reset_keep_chunks`](Bump::reset_keep_chunks) and by
//! scopes, and reused before the parent is asked for more. [`Bump::chunks`] walks the
//! list and [`Bump::stats`] sums it.

mod allocator;
mod buffer;
mod bumping;
pub(crate) mod chunk;
mod direct;
mod lifecycle;
pub(crate) mod poison;
mod scope;
mod stats;

use core::cell::Cell;
use core::fmt;
use core::ptr::NonNull;

use crate::alloc::{Allocator, Global};
use chunk::{CHUNK_ALIGN, ChunkHeader};

pub use buffer::NoHeap;
pub use scope::ScopeGuard;
pub use stats::{ChunkInfo, ChunkRole, Chunks, Stats};

/// A chunked bump allocator: allocation is a pointer bump, deallocation is (almost) free,
/// and memory comes back all at once.
///
/// See the [module documentation](self) for how it works. In short:
///
/// - allocate values directly with [`alloc`](Self::alloc) and friends (they are never
///   dropped), or put collections in it with `Vec::new_in(&bump)`: `&Bump` implements
///   `Allocator`;
/// - the newest allocation grows, shrinks and frees in place;
/// - [`reset`](Self::reset) and [`scope`](Self::scope) give memory back for reuse;
/// - [`set_allocation_limit`](Self::set_allocation_limit) caps what it takes from `A`.
///
/// # Examples
///
/// ```
/// use allockit::{Bump, Vec};
///
/// let bump = Bump::new();
///
/// // Direct allocation: a reference that lives as long as the borrow of `bump`.
/// let x: &mut u64 = bump.alloc(7);
/// *x += 1;
///
/// // A collection in the bump: its buffer grows in place while it is the newest block.
/// let mut v: Vec<u32, &Bump> = Vec::new_in(&bump);
/// v.extend(0..100);
/// assert_eq!(v.iter().sum::<u32>(), 4950);
/// assert_eq!(*x, 8);
/// ```
///
/// `Bump` can be sent to another thread, but not shared between threads (its state is in
/// `Cell`s); use `allockit`'s `Arena` for that:
///
/// ```compile_fail,E0277
/// fn shared<T: Sync>(_: &T) {}
/// shared(&allockit::Bump::new()); // error: `Cell<NonNull<u8>>` cannot be shared between threads
/// ```
///
/// ```
/// let bump = allockit::Bump::new();
/// std::thread::spawn(move || bump.alloc(1u8).to_string()).join().unwrap();
/// ```
///
/// # Invariants
///
/// Every method relies on these and restores them before returning:
///
/// 1. **Empty state.** `current` is `None` exactly when the bump owns no chunk; then
///    `ptr == end ==` a dangling, 16-aligned pointer, so every non-zero-sized request
///    falls through to the slow path.
/// 2. **Current chunk.** Otherwise `current` is a chunk of this bump's list, and
///    `data_start(current) <= ptr <= end == current.end`, with `end` a multiple of
///    16 (`CHUNK_ALIGN`) no higher than `MAX_END`.
/// 3. **Handed out / free.** In the current chunk `[data_start, ptr)` may have been handed
///    out and `[ptr, end)` is free; in a chunk before it, `[data_start, used)` may have
///    been handed out; chunks after it are spares and wholly free. Under `cfg(asan)`
///    free bytes are poisoned.
/// 4. **Ownership.** Every chunk with a block layout was allocated by `parent` with that
///    layout and is freed exactly once, by [`reset`](Self::reset) or `Drop`;
///    `reserved` is the sum of those layouts' sizes and never exceeds `limit`'s value at
///    the time each chunk was taken.
/// 5. **Newest block.** A block `[p, p + reserved_size(n))` that ends at `ptr` is the
///    newest live allocation of the current chunk; a block of an older chunk never ends
///    at `ptr`, because a non-empty header separates any two chunks' data.
/// 6. **Position.** `index` is the number of chunks before `current` in the list (0 when
///    there is none). Nothing outside a method call holds a pointer to a chunk header
///    (scope marks hold a position and an offset), because the current chunk may move
///    when its only block grows through the parent.
pub struct Bump<A: Allocator = Global> {
    /// The next free byte of the current chunk.
    ptr: Cell<NonNull<u8>>,
    /// The end of the current chunk's data.
    end: Cell<NonNull<u8>>,
    /// The current chunk.
    current: Cell<Option<NonNull<ChunkHeader>>>,
    /// The current chunk's position in the list, 0 for the oldest (and for no chunk).
    index: Cell<usize>,
    /// Bytes taken from `parent` for the chunks it owns.
    reserved: Cell<usize>,
    /// The most `reserved` may grow to, if limited.
    limit: Cell<Option<usize>>,
    /// Where the chunks come from.
    parent: A,
}

// SAFETY: a `Bump` owns its chunks (nothing else points into them while the `Bump` can be
// moved, since every reference handed out borrows it) and its parent, so moving it to
// another thread moves everything it uses. It is not `Sync`: its `Cell`s are unsynchronised.
unsafe impl<A: Allocator + Send> Send for Bump<A> {}

impl Bump<Global> {
    /// A bump allocator over the global heap that has not allocated anything yet; its
    /// first chunk is taken on first use.
    ///
    /// # Examples
    ///
    /// ```
    /// let bump = allockit::Bump::new();
    /// assert_eq!(bump.stats().chunks, 0);
    /// bump.alloc(1u8);
    /// assert_eq!(bump.stats().chunks, 1);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self::new_in(Global)
    }

    /// A bump allocator over the global heap whose first chunk has room for at least
    /// `capacity` bytes.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the chunk cannot
    /// be allocated, and panics with "capacity overflow" if `capacity` is too large for a
    /// layout.
    ///
    /// # Examples
    ///
    /// ```
    /// # if cfg!(asan) { return; } // ASan's red zones change the byte counts
    /// let bump = allockit::Bump::with_capacity(4096);
    /// assert!(bump.stats().capacity >= 4096);
    /// for i in 0..512u64 {
    ///     bump.alloc(i);
    /// }
    /// assert_eq!(bump.stats().chunks, 1);
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_in(capacity, Global)
    }
}

impl Default for Bump<Global> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: Allocator> Bump<A> {
    /// A bump allocator that takes its chunks from `parent`, and has not taken any yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Bump;
    /// use allockit::alloc::Global;
    ///
    /// let bump: Bump<Global> = Bump::new_in(Global);
    /// assert_eq!(*bump.alloc(5u8), 5);
    /// ```
    #[must_use]
    pub const fn new_in(parent: A) -> Self {
        let empty = crate::alloc::dangling(CHUNK_ALIGN);
        Bump {
            ptr: Cell::new(empty),
            end: Cell::new(empty),
            current: Cell::new(None),
            index: Cell::new(0),
            reserved: Cell::new(0),
            limit: Cell::new(None),
            parent,
        }
    }

    /// A bump allocator over `parent` whose first chunk has room for at least `capacity`
    /// bytes.
    ///
    /// # Panics
    ///
    /// Calls [`handle_alloc_error`](crate::alloc::handle_alloc_error) if the chunk cannot
    /// be allocated, and panics with "capacity overflow" if `capacity` is too large for a
    /// layout.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Bump;
    /// use allockit::alloc::Global;
    ///
    /// let bump = Bump::with_capacity_in(1000, Global);
    /// assert_eq!(bump.stats().chunks, 1);
    /// ```
    #[must_use]
    pub fn with_capacity_in(capacity: usize, parent: A) -> Self {
        match Self::try_with_capacity_in(capacity, parent) {
            Ok(bump) => bump,
            Err(error) => crate::error::handle_reserve_error(error),
        }
    }

    /// The parent allocator the chunks come from.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Bump;
    /// use allockit::alloc::Global;
    ///
    /// let bump = Bump::new();
    /// let _: &Global = bump.allocator();
    /// ```
    pub fn allocator(&self) -> &A {
        &self.parent
    }
}

impl<A: Allocator> Drop for Bump<A> {
    fn drop(&mut self) {
        // SAFETY: dropping; nothing can use the chunks afterwards (every reference handed
        // out borrowed `self`).
        unsafe { self.free_all_chunks() };
    }
}

impl<A: Allocator> fmt::Debug for Bump<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bump").field("stats", &self.stats()).finish_non_exhaustive()
    }
}

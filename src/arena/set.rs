//! [`ArenaSet`]: arenas that request handlers check out and give back, reset on return,
//! so a server in steady state takes no memory from the system allocator per request.
//!
//! ```text
//!   checkout ──▶ pop an idle arena (or make one) ──▶ handler allocates in it
//!   drop the CheckedOut ──▶ reset (keep its largest chunk) ──▶ push back as idle
//! ```
//!
//! After a few requests every idle arena's kept chunk is large enough for a whole
//! request, and from then on a request costs no call to the parent at all.

use core::cell::UnsafeCell;
use core::fmt;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};

use super::Arena;
use crate::Vec;
use crate::alloc::{Allocator, Global};
use crate::sync::SpinLock;

/// A set of [`Arena`]s that callers check out and give back, reset on return, so that a
/// server in steady state takes no memory from the parent per request.
///
/// ```text
///   checkout ──▶ pop an idle arena (or make one) ──▶ handler allocates in it
///   drop the CheckedOut ──▶ reset (keep its largest chunk) ──▶ push back as idle
/// ```
///
/// After a few requests every idle arena's kept chunk is large enough for a whole
/// request, and from then on a request costs no call to the parent at all.
///
/// # Examples
///
/// ```
/// use allockit::String;
/// use allockit::arena::ArenaSet;
///
/// let arenas = ArenaSet::new();
/// for request in 0..3 {
///     let arena = arenas.checkout();
///     let mut reply = String::new_in(&*arena);
///     reply.push_str("hello, request ");
///     reply.push_str(&request.to_string());
///     assert!(reply.ends_with(&request.to_string()));
/// } // each arena is reset and returned here
/// assert_eq!(arenas.idle(), 1); // one arena served all three requests in turn
/// ```
///
/// # Invariants
///
/// 1. `idle` is only accessed while `lock` is held (or through `&mut self`).
/// 2. Every arena in `idle` has been reset: it holds at most one chunk, empty, and has
///    no allocation limit.
pub struct ArenaSet<A: Allocator + Clone = Global> {
    /// Guards `idle`.
    lock: SpinLock,
    /// Arenas waiting to be checked out.
    idle: UnsafeCell<Vec<Arena<A>>>,
    /// The parent of every arena.
    parent: A,
}

// SAFETY: the set owns its arenas and its parent.
unsafe impl<A: Allocator + Clone + Send> Send for ArenaSet<A> {}

// SAFETY: `idle` is only touched under the lock (invariant 1), so an arena moves between
// threads whole (`Arena<A>: Send` when `A: Send`); the parent is cloned from `&A` by any
// thread, hence `Sync`.
unsafe impl<A: Allocator + Clone + Send + Sync> Sync for ArenaSet<A> {}

impl ArenaSet<Global> {
    /// An empty set of arenas over the global heap.
    ///
    /// # Examples
    ///
    /// ```
    /// let arenas = allockit::arena::ArenaSet::new();
    /// assert_eq!(arenas.idle(), 0);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::new_in(Global)
    }
}

impl Default for ArenaSet<Global> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: Allocator + Clone> ArenaSet<A> {
    /// An empty set of arenas over `parent`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::arena::ArenaSet;
    ///
    /// let arenas = ArenaSet::new_in(Global);
    /// assert_eq!(*arenas.checkout().alloc(1), 1);
    /// ```
    #[must_use]
    pub fn new_in(parent: A) -> Self {
        ArenaSet { lock: SpinLock::new(), idle: UnsafeCell::new(Vec::new()), parent }
    }

    /// Makes `count` more idle arenas, each with a first chunk of at least `capacity`
    /// bytes, so that even the first requests take nothing from the parent.
    ///
    /// # Panics
    ///
    /// As [`Arena::with_capacity_in`].
    ///
    /// # Examples
    ///
    /// ```
    /// let arenas = allockit::arena::ArenaSet::new();
    /// arenas.preallocate(4, 64 << 10);
    /// assert_eq!(arenas.idle(), 4);
    /// assert!(arenas.checkout().stats().capacity >= 64 << 10);
    /// ```
    pub fn preallocate(&self, count: usize, capacity: usize) {
        for _ in 0..count {
            let arena = Arena::with_capacity_in(capacity, self.parent.clone());
            self.with_idle(|idle| idle.push(arena));
        }
    }

    /// Checks an arena out: an idle one if there is one, else a new, empty one. Dropping
    /// the returned guard resets the arena and returns it to the set.
    ///
    /// # Examples
    ///
    /// ```
    /// let arenas = allockit::arena::ArenaSet::new();
    /// let a = arenas.checkout();
    /// let b = arenas.checkout(); // a second, distinct arena
    /// a.alloc(1);
    /// assert_eq!(b.stats().allocated, 0);
    /// ```
    pub fn checkout(&self) -> CheckedOut<'_, A> {
        let arena =
            self.with_idle(|idle| idle.pop()).unwrap_or_else(|| Arena::new_in(self.parent.clone()));
        CheckedOut { set: self, arena: ManuallyDrop::new(arena) }
    }

    /// The number of idle arenas.
    ///
    /// # Examples
    ///
    /// ```
    /// let arenas = allockit::arena::ArenaSet::new();
    /// drop(arenas.checkout());
    /// assert_eq!(arenas.idle(), 1);
    /// ```
    pub fn idle(&self) -> usize {
        self.with_idle(|idle| idle.len())
    }

    /// Bytes the idle arenas hold from the parent.
    ///
    /// # Examples
    ///
    /// ```
    /// let arenas = allockit::arena::ArenaSet::new();
    /// arenas.checkout().alloc(1u8);
    /// assert!(arenas.idle_reserved() > 0);
    /// ```
    pub fn idle_reserved(&self) -> usize {
        self.with_idle(|idle| idle.iter().map(|a| a.stats().reserved).sum())
    }

    /// Runs `f` on the idle list with the lock held.
    fn with_idle<R>(&self, f: impl FnOnce(&mut Vec<Arena<A>>) -> R) -> R {
        let _guard = self.lock.lock();
        // SAFETY: the lock is held (invariant 1).
        f(unsafe { &mut *self.idle.get() })
    }
}

impl<A: Allocator + Clone> fmt::Debug for ArenaSet<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArenaSet").field("idle", &self.idle()).finish_non_exhaustive()
    }
}

/// An arena checked out of an [`ArenaSet`]; dereferences to the [`Arena`]. Dropping it
/// resets the arena, lifts any allocation limit set on it, and returns it to the set.
///
/// # Examples
///
/// ```
/// use allockit::Vec;
///
/// let arenas = allockit::arena::ArenaSet::new();
/// let arena = arenas.checkout();
/// let v: Vec<u8, &allockit::Arena> = Vec::with_capacity_in(10, &arena);
/// assert_eq!(v.capacity(), 10);
/// ```
pub struct CheckedOut<'s, A: Allocator + Clone = Global> {
    /// Where the arena goes back to.
    set: &'s ArenaSet<A>,
    /// The arena; taken out only in `drop`.
    arena: ManuallyDrop<Arena<A>>,
}

impl<A: Allocator + Clone> Deref for CheckedOut<'_, A> {
    type Target = Arena<A>;

    fn deref(&self) -> &Arena<A> {
        &self.arena
    }
}

impl<A: Allocator + Clone> DerefMut for CheckedOut<'_, A> {
    fn deref_mut(&mut self) -> &mut Arena<A> {
        &mut self.arena
    }
}

impl<A: Allocator + Clone> Drop for CheckedOut<'_, A> {
    fn drop(&mut self) {
        // SAFETY: the arena is taken exactly once, here, and not used afterwards.
        let mut arena = unsafe { ManuallyDrop::take(&mut self.arena) };
        arena.reset();
        // What one checkout configured does not carry over to the next.
        arena.set_allocation_limit(None);
        self.set.with_idle(|idle| idle.push(arena));
    }
}

impl<A: Allocator + Clone> fmt::Debug for CheckedOut<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CheckedOut").field(&*self.arena).finish()
    }
}

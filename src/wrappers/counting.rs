//! [`Counting`]: forwards every call to an inner allocator and counts it, in atomics.
//!
//! Each counted call costs a few relaxed atomic read-modify-writes on counters that share
//! cache lines: nothing for a single thread, but under heavy allocation from many threads
//! the counters contend. Nothing here allocates, so a `Counting` can be the
//! `#[global_allocator]`.
//!
//! # Why `Relaxed` is enough
//!
//! Every counter is a single atomic that is only ever added to or subtracted from, so no
//! update is lost whatever the ordering, and a counter's final value is exact. A free
//! is always counted after its allocation: the thread that frees a block learned of it
//! through some synchronisation with the thread that allocated it (a channel, a join, a
//! lock), which orders the two updates, so `live_bytes` never dips below zero. The only
//! thing relaxed loads cannot give is a snapshot of *all* counters at one instant while
//! other threads are allocating; [`Counting::stats`] says so. After joining the threads
//! that allocated (a join synchronises), a snapshot sees all of their updates.

use core::alloc::GlobalAlloc;
use core::fmt;
use core::ptr::NonNull;
use core::sync::atomic::AtomicUsize;
use core::sync::atomic::Ordering::Relaxed;

use crate::alloc::{Allocator, Layout};
use crate::alloc::{AllocatorCore, impl_allocator};

/// An allocator that forwards every call to an inner allocator `A` and counts it:
/// allocations, frees, grows, shrinks, refusals, and live, peak and total bytes.
///
/// `Counting<A>` is an `Allocator` when `A` is one and a [`GlobalAlloc`] when `A` is one,
/// so it can count the collections you give it or, as the `#[global_allocator]`, the whole
/// program. Share one counter by reference: `&Counting<A>` is an allocator too, and the
/// counters are atomics, so `Counting<A>` is `Sync` whenever `A` is. Read the counters
/// with [`stats`](Self::stats); see [`CountingStats`] for what each one counts.
///
/// Counting is over the *requested* layouts: the bytes of a block are the `size()` of the
/// layout it was asked for (or last resized to), whatever the inner allocator rounds up
/// to. To keep that exact, the blocks it hands out through `Allocator` are exactly the
/// requested length: any excess the inner allocator reports is not passed on, so callers
/// can only give a block back with the size that was counted.
///
/// # Invariants
///
/// - **Forwarding.** Every block it hands out was handed out by `inner` for the same
///   request (same address; through `Allocator`, cut to the requested length), and every
///   block given back is passed to `inner` unchanged; so `Counting<A>` meets each
///   allocator contract exactly when `A` does.
/// - **Counting.** A call that allocates or resizes changes the counters only after
///   `inner` has answered it, and one that `inner` refused changes `failures` alone. A
///   free is counted just before it is forwarded, so its bytes are no longer live once
///   another thread can get them from `inner`. Counting touches only the atomics: it
///   never allocates and never panics.
///
/// # Examples
///
/// ```
/// use allockit::Vec;
/// use allockit::alloc::Global;
/// use allockit::wrappers::Counting;
///
/// let counter = Counting::new(Global);
/// let mut v: Vec<u64, &Counting<Global>> = Vec::new_in(&counter);
/// for i in 0..9 {
///     v.push(i); // capacity 4, 8, 16: std's doubling
/// }
/// let stats = counter.stats();
/// assert_eq!(stats.allocations, 1);
/// assert_eq!(stats.grows, 2);
/// assert_eq!(stats.live_bytes, 16 * 8);
/// assert_eq!(stats.total_bytes, 16 * 8); // 32 bytes, then +32, then +64
///
/// v.shrink_to_fit(); // capacity 9
/// drop(v);
/// let stats = counter.stats();
/// assert_eq!((stats.shrinks, stats.deallocations), (1, 1));
/// assert_eq!((stats.live_bytes, stats.peak_bytes), (0, 16 * 8));
/// ```
///
/// As the `#[global_allocator]`, counting every allocation of the program, std's
/// collections included (`standalone_crate` keeps this example out of the doctests that
/// are merged into one program, which has a global allocator of its own):
///
/// ```standalone_crate
/// use std::alloc::System;
/// use std::hint::black_box;
/// use allockit::wrappers::Counting;
///
/// #[global_allocator]
/// static GLOBAL: Counting<System> = Counting::new(System);
///
/// fn main() {
///     let before = GLOBAL.stats();
///     let v: Vec<u8> = black_box(Vec::with_capacity(100));
///     let during = GLOBAL.stats().since(before);
///     assert_eq!((during.allocations, during.total_bytes), (1, 100));
///     assert_eq!(during.live_bytes, before.live_bytes + 100);
///     drop(v);
///     assert_eq!(GLOBAL.stats().live_bytes, before.live_bytes);
/// }
/// ```
pub struct Counting<A> {
    /// Where the memory comes from.
    inner: A,
    allocations: AtomicUsize,
    deallocations: AtomicUsize,
    grows: AtomicUsize,
    shrinks: AtomicUsize,
    failures: AtomicUsize,
    live_blocks: AtomicUsize,
    live_bytes: AtomicUsize,
    peak_bytes: AtomicUsize,
    total_bytes: AtomicUsize,
}

/// A snapshot of a [`Counting`] allocator's counters, from [`Counting::stats`].
///
/// | field           | counts                                                                  |
/// |-----------------|-------------------------------------------------------------------------|
/// | `allocations`   | successful `allocate`, `allocate_zeroed`, `alloc`, `alloc_zeroed`       |
/// | `deallocations` | `deallocate`, `dealloc`                                                  |
/// | `grows`         | successful `grow`, `grow_zeroed`; `realloc` to a larger size            |
/// | `shrinks`       | successful `shrink`; `realloc` to a smaller size                        |
/// | `failures`      | requests the inner allocator refused (any allocating or resizing call)  |
/// | `live_blocks`   | blocks allocated and not yet freed                                      |
/// | `live_bytes`    | bytes of those blocks                                                   |
/// | `peak_bytes`    | the most `live_bytes` has been (since the last [`Counting::reset_peak`]) |
/// | `total_bytes`   | every increase of `live_bytes`: allocated sizes plus growth             |
///
/// Rules of counting:
///
/// - Bytes are those of the requested layouts, not what the inner allocator rounded
///   them up to. Zero-sized requests count as allocations of 0 bytes.
/// - `grow` and `grow_zeroed` count as grows, and `shrink` as a shrink, even when the size
///   stays the same (the `Allocator` trait allows that, to change the alignment).
///   `GlobalAlloc::realloc` is a grow or a shrink by its sizes, and *neither* when the
///   size stays the same: such a call changes no byte count.
/// - A refused request counts only as a failure; the block it was about (for a resize)
///   stays as it was, and stays counted.
/// - So `total_bytes - live_bytes` is the number of bytes given back, by frees and
///   shrinks.
/// - The counters wrap around on overflow (after 2⁶⁴ bytes on 64-bit targets, so in
///   practice only `total_bytes` on 32-bit ones); [`since`](Self::since) subtracts with
///   wrap-around, so its differences stay right.
///
/// The struct is `#[non_exhaustive]`: more counters may be added. Obtain one from
/// [`Counting::stats`] or `CountingStats::default()` (all zero).
///
/// # Examples
///
/// ```
/// use allockit::Box;
/// use allockit::alloc::Global;
/// use allockit::wrappers::{Counting, CountingStats};
///
/// let counter = Counting::new(Global);
/// assert_eq!(counter.stats(), CountingStats::default());
/// let b = Box::new_in([0u8; 24], &counter);
/// let stats = counter.stats();
/// assert_eq!((stats.allocations, stats.live_blocks, stats.live_bytes), (1, 1, 24));
/// drop(b);
/// assert_eq!(counter.stats().total_bytes - counter.stats().live_bytes, 24);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CountingStats {
    /// Successful `allocate`, `allocate_zeroed`, `alloc` and `alloc_zeroed` calls.
    pub allocations: usize,
    /// `deallocate` and `dealloc` calls.
    pub deallocations: usize,
    /// Successful `grow` and `grow_zeroed` calls, and `realloc` calls to a larger size.
    pub grows: usize,
    /// Successful `shrink` calls, and `realloc` calls to a smaller size.
    pub shrinks: usize,
    /// Requests the inner allocator refused: allocations and resizes that returned
    /// `AllocError` or a null pointer.
    pub failures: usize,
    /// Blocks allocated and not yet freed.
    pub live_blocks: usize,
    /// Bytes of the live blocks, as requested.
    pub live_bytes: usize,
    /// The highest `live_bytes` reached since the counter was made or its peak was last
    /// reset; never below `live_bytes`.
    pub peak_bytes: usize,
    /// Every byte ever added to `live_bytes`: the size of each allocation plus the
    /// increase of each grow. Frees and shrinks never lower it.
    pub total_bytes: usize,
}

impl CountingStats {
    /// What happened between `earlier` and `self`: the counters of events and of total
    /// bytes become the number during that interval; the levels are `self`'s.
    ///
    /// | field                                                     | in the result          |
    /// |-----------------------------------------------------------|------------------------|
    /// | `allocations`, `deallocations`, `grows`, `shrinks`, `failures`, `total_bytes` | `self − earlier` (wrapping) |
    /// | `live_blocks`, `live_bytes`, `peak_bytes`                 | `self`'s, unchanged    |
    ///
    /// A level has no count "during" an interval (and its change may be negative), so it
    /// is passed through: compare `live_bytes` of the two snapshots yourself to see what
    /// the interval left allocated. For the peak *of the interval*, call
    /// [`Counting::reset_peak`] where it starts; `peak_bytes` of the later snapshot is then
    /// the interval's high-water mark (exactly so if nothing else allocates through the
    /// counter meanwhile).
    ///
    /// The subtraction wraps around, so the difference is right even if a counter
    /// overflowed in between, as long as fewer than `usize::MAX` events or bytes happened.
    ///
    /// # Examples
    ///
    /// Allocations made while handling one request:
    ///
    /// ```
    /// use allockit::String;
    /// use allockit::alloc::Global;
    /// use allockit::wrappers::Counting;
    ///
    /// let counter = Counting::new(Global);
    /// let kept = String::from_str_in("kept from before", &counter);
    ///
    /// let before = counter.stats();
    /// counter.reset_peak();
    /// {
    ///     let mut reply = String::new_in(&counter);
    ///     reply.push_str("hello, "); // 8 bytes
    ///     reply.push_str("world"); // grows to 16
    /// }
    /// let request = counter.stats().since(before);
    /// assert_eq!((request.allocations, request.grows, request.deallocations), (1, 1, 1));
    /// assert_eq!(request.total_bytes, 16);
    /// assert_eq!(request.peak_bytes, kept.len() + 16);
    /// assert_eq!(request.live_bytes, before.live_bytes); // nothing leaked
    /// ```
    #[must_use]
    pub const fn since(self, earlier: CountingStats) -> CountingStats {
        CountingStats {
            allocations: self.allocations.wrapping_sub(earlier.allocations),
            deallocations: self.deallocations.wrapping_sub(earlier.deallocations),
            grows: self.grows.wrapping_sub(earlier.grows),
            shrinks: self.shrinks.wrapping_sub(earlier.shrinks),
            failures: self.failures.wrapping_sub(earlier.failures),
            total_bytes: self.total_bytes.wrapping_sub(earlier.total_bytes),
            live_blocks: self.live_blocks,
            live_bytes: self.live_bytes,
            peak_bytes: self.peak_bytes,
        }
    }
}

impl<A> Counting<A> {
    /// A counter over `inner`, with every count at zero.
    ///
    /// `const`, so it can initialise a `static`, such as the `#[global_allocator]`.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::wrappers::Counting;
    ///
    /// static COUNTER: Counting<Global> = Counting::new(Global);
    /// let v = allockit::vec![in &COUNTER; 1u16, 2, 3];
    /// assert_eq!(COUNTER.stats().live_bytes, 6);
    /// # drop(v);
    /// ```
    pub const fn new(inner: A) -> Self {
        Counting {
            inner,
            allocations: AtomicUsize::new(0),
            deallocations: AtomicUsize::new(0),
            grows: AtomicUsize::new(0),
            shrinks: AtomicUsize::new(0),
            failures: AtomicUsize::new(0),
            live_blocks: AtomicUsize::new(0),
            live_bytes: AtomicUsize::new(0),
            peak_bytes: AtomicUsize::new(0),
            total_bytes: AtomicUsize::new(0),
        }
    }

    /// The inner allocator.
    ///
    /// Memory allocated through `inner()` directly is not counted, and must be given back
    /// to it directly too: to the counter it is not a block of its own.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::wrappers::Counting;
    ///
    /// let counter = Counting::new(Global);
    /// let _: &Global = counter.inner();
    /// ```
    pub const fn inner(&self) -> &A {
        &self.inner
    }

    /// Takes the inner allocator back, dropping the counters.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::alloc::Global;
    /// use allockit::wrappers::Counting;
    ///
    /// let global: Global = Counting::new(Global).into_inner();
    /// # let _ = global;
    /// ```
    pub fn into_inner(self) -> A {
        self.inner
    }

    /// A snapshot of the counters; see [`CountingStats`] for what each one counts.
    ///
    /// Each counter is read on its own. While other threads allocate through this
    /// counter, the snapshot may mix moments (say, an allocation already in
    /// `allocations` but not yet in `live_bytes`); each value is still one the counter
    /// really had, and `peak_bytes` is never below `live_bytes`. Once those threads are
    /// joined, the snapshot is exact.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    /// use allockit::wrappers::Counting;
    ///
    /// let counter = Counting::new(Global);
    /// std::thread::scope(|s| {
    ///     for _ in 0..4 {
    ///         s.spawn(|| {
    ///             let v: Vec<u32, _> = Vec::with_capacity_in(10, &counter);
    ///             drop(v);
    ///         });
    ///     }
    /// });
    /// let stats = counter.stats();
    /// assert_eq!((stats.allocations, stats.deallocations, stats.total_bytes), (4, 4, 160));
    /// assert_eq!(stats.live_bytes, 0);
    /// assert!(stats.peak_bytes >= 40 && stats.peak_bytes <= 160);
    /// ```
    pub fn stats(&self) -> CountingStats {
        let live_bytes = self.live_bytes.load(Relaxed);
        CountingStats {
            allocations: self.allocations.load(Relaxed),
            deallocations: self.deallocations.load(Relaxed),
            grows: self.grows.load(Relaxed),
            shrinks: self.shrinks.load(Relaxed),
            failures: self.failures.load(Relaxed),
            live_blocks: self.live_blocks.load(Relaxed),
            live_bytes,
            // A `reset_peak` racing with an allocation on another thread may leave the
            // stored peak below the live bytes until the next increase; never report that.
            peak_bytes: self.peak_bytes.load(Relaxed).max(live_bytes),
            total_bytes: self.total_bytes.load(Relaxed),
        }
    }

    /// Sets the peak to the bytes live now, so that `peak_bytes` measures from here.
    ///
    /// If other threads allocate through this counter during the call, an increase that
    /// is in flight may be left out of the new peak; the next increase puts it right.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::Vec;
    /// use allockit::alloc::Global;
    /// use allockit::wrappers::Counting;
    ///
    /// let counter = Counting::new(Global);
    /// let big: Vec<u8, _> = Vec::with_capacity_in(1000, &counter);
    /// drop(big);
    /// let small: Vec<u8, _> = Vec::with_capacity_in(10, &counter);
    /// assert_eq!(counter.stats().peak_bytes, 1000);
    /// counter.reset_peak();
    /// assert_eq!(counter.stats().peak_bytes, 10);
    /// # drop(small);
    /// ```
    pub fn reset_peak(&self) {
        self.peak_bytes.store(self.live_bytes.load(Relaxed), Relaxed);
    }

    /// Adds `bytes` to the live and total bytes, raising the peak if needed.
    #[inline]
    fn add_live(&self, bytes: usize) {
        self.total_bytes.fetch_add(bytes, Relaxed);
        let live = self.live_bytes.fetch_add(bytes, Relaxed).wrapping_add(bytes);
        // `live` is a value `live_bytes` really had, so the peak never overshoots; the
        // plain load first skips the read-modify-write in the usual, non-peak case.
        if live > self.peak_bytes.load(Relaxed) {
            self.peak_bytes.fetch_max(live, Relaxed);
        }
    }

    /// Counts a new block of `size` bytes.
    #[inline]
    fn count_allocation(&self, size: usize) {
        self.allocations.fetch_add(1, Relaxed);
        self.live_blocks.fetch_add(1, Relaxed);
        self.add_live(size);
    }

    /// Counts a block of `size` bytes given back.
    #[inline]
    fn count_deallocation(&self, size: usize) {
        self.deallocations.fetch_add(1, Relaxed);
        self.live_blocks.fetch_sub(1, Relaxed);
        self.live_bytes.fetch_sub(size, Relaxed);
    }

    /// Counts a block grown from `old` to `new` bytes.
    #[inline]
    fn count_grow(&self, old: usize, new: usize) {
        self.grows.fetch_add(1, Relaxed);
        // Saturating: a caller breaking `grow`'s contract must not make us panic.
        self.add_live(new.saturating_sub(old));
    }

    /// Counts a block shrunk from `old` to `new` bytes.
    #[inline]
    fn count_shrink(&self, old: usize, new: usize) {
        self.shrinks.fetch_add(1, Relaxed);
        self.live_bytes.fetch_sub(old.saturating_sub(new), Relaxed);
    }

    /// Counts a request the inner allocator refused.
    #[inline]
    fn count_failure(&self) {
        self.failures.fetch_add(1, Relaxed);
    }

    /// Counts a request the inner allocator refused, and passes the refusal on.
    #[inline]
    fn refused<T>(&self) -> Option<T> {
        self.count_failure();
        None
    }
}

impl<A: Default> Default for Counting<A> {
    /// A counter over `A::default()`.
    fn default() -> Self {
        Counting::new(A::default())
    }
}

impl<A: fmt::Debug> fmt::Debug for Counting<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counting")
            .field("inner", &self.inner)
            .field("stats", &self.stats())
            .finish()
    }
}

/// Cuts a block the inner allocator returned down to the `size` that was requested, so
/// that callers give it back with the size that was counted.
#[inline]
fn exact(block: NonNull<[u8]>, size: usize) -> NonNull<[u8]> {
    NonNull::slice_from_raw_parts(block.cast(), size)
}

impl_allocator!([A: Allocator] Counting<A>);

// SAFETY: every method forwards to the same method of `inner` (invariant "Forwarding"),
// which meets its contract because `A: Allocator`; the caller's preconditions are passed on
// unchanged, since every block of ours is a block of `inner`. A block handed back is cut to
// the requested size, which still fits it (a layout fits if its size is between the
// requested one and the length returned), and the counting touches only atomics.
unsafe impl<A: Allocator> AllocatorCore for Counting<A> {
    #[inline]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let Ok(block) = self.inner.allocate(layout) else { return self.refused() };
        self.count_allocation(layout.size());
        Some(exact(block, layout.size()))
    }

    #[inline]
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let Ok(block) = self.inner.allocate_zeroed(layout) else { return self.refused() };
        self.count_allocation(layout.size());
        Some(exact(block, layout.size()))
    }

    #[inline]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // Counted first, so that the bytes are no longer live by the time another thread
        // can get them back from `inner`.
        self.count_deallocation(layout.size());
        // SAFETY: `ptr` is a block of ours and so of `inner` (invariant "Forwarding"), and
        // `layout` fits it (the caller's contract).
        unsafe { self.inner.deallocate(ptr, layout) }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        // SAFETY: `ptr` is a block of `inner` (invariant "Forwarding"), `old` fits it and
        // `new.size() >= old.size()` (the caller's contract).
        let Ok(block) = (unsafe { self.inner.grow(ptr, old, new) }) else { return self.refused() };
        self.count_grow(old.size(), new.size());
        Some(exact(block, new.size()))
    }

    #[inline]
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: as in `raw_grow`: the caller's contract, for a block of `inner`.
        let Ok(block) = (unsafe { self.inner.grow_zeroed(ptr, old, new) }) else {
            return self.refused();
        };
        self.count_grow(old.size(), new.size());
        Some(exact(block, new.size()))
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: `ptr` is a block of `inner` (invariant "Forwarding"), `old` fits it and
        // `new.size() <= old.size()` (the caller's contract).
        let Ok(block) = (unsafe { self.inner.shrink(ptr, old, new) }) else {
            return self.refused();
        };
        self.count_shrink(old.size(), new.size());
        Some(exact(block, new.size()))
    }
}

// SAFETY: every method forwards to the same method of `inner` with the caller's arguments
// unchanged (invariant "Forwarding"), so `inner`'s `GlobalAlloc` contract is ours; the
// counting touches only atomics: it neither allocates nor panics.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `alloc` contract (a non-zero size), passed on.
        let ptr = unsafe { self.inner.alloc(layout) };
        if ptr.is_null() {
            self.count_failure();
        } else {
            self.count_allocation(layout.size());
        }
        ptr
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `alloc_zeroed` contract (a non-zero size), passed on.
        let ptr = unsafe { self.inner.alloc_zeroed(layout) };
        if ptr.is_null() {
            self.count_failure();
        } else {
            self.count_allocation(layout.size());
        }
        ptr
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.count_deallocation(layout.size());
        // SAFETY: the caller's `dealloc` contract: `ptr` was allocated by us, so by
        // `inner` (invariant "Forwarding"), with `layout`.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's `realloc` contract: `ptr` is a block of ours, so of `inner`
        // (invariant "Forwarding"), allocated with `layout`; `new_size` is non-zero and
        // valid for `layout.align()`.
        let moved = unsafe { self.inner.realloc(ptr, layout, new_size) };
        let old = layout.size();
        if moved.is_null() {
            self.count_failure();
        } else if new_size > old {
            self.count_grow(old, new_size);
        } else if new_size < old {
            self.count_shrink(old, new_size);
        }
        // The same size is neither a grow nor a shrink: no byte count changes.
        moved
    }
}

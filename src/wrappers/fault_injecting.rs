//! [`FaultInjecting`]: an allocator that refuses requests on purpose, to test the code
//! that handles allocation failure.
//!
//! Out-of-memory paths are the least tested code in most programs: real allocators
//! almost never fail on a developer's machine. A fault-injecting wrapper makes them fail
//! on a schedule, the [`FaultPlan`], so a test can check that a `try_reserve` returns
//! `Err` and leaves its collection unchanged, that a parser reports "out of memory"
//! instead of aborting, or that a server drops one request and serves the next:
//!
//! ```text
//!   request   1    2    3    4    5    6  ...
//!   Nth(3)    ok   ok   NO   ok   ok   ok
//!   After(3)  ok   ok   ok   NO   NO   NO
//!   Every(2)  ok   NO   ok   NO   ok   NO
//! ```
//!
//! A *request* is every call that can fail: `allocate`, `allocate_zeroed`, `grow`,
//! `grow_zeroed` and `shrink` (and `GlobalAlloc`'s `alloc`, `alloc_zeroed` and
//! `realloc`). Frees always go through. A refused request never reaches the inner
//! allocator, so it changes nothing there: a grow that is refused leaves the block where
//! it was, with its contents, as the `Allocator` contract requires.
//!
//! The plan and the counters are atomics, so one wrapper can be shared by reference, be
//! a `static` `#[global_allocator]`, and have its plan changed while the program runs
//! ([`set_plan`](FaultInjecting::set_plan)).

use core::alloc::GlobalAlloc;
use core::fmt;
use core::ptr::NonNull;
use core::sync::atomic::Ordering::Relaxed;
use core::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize};

use crate::alloc::{Allocator, Layout};
use crate::alloc::{AllocatorCore, impl_allocator};

/// When a [`FaultInjecting`] allocator refuses a request. Requests are numbered from 1,
/// counting from the allocator's creation or the last [`set_plan`](FaultInjecting::set_plan).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultPlan {
    /// Never: every request goes through (the wrapper only counts).
    Never,
    /// Refuse request number `n` and no other.
    Nth(usize),
    /// Let the first `n` requests through and refuse every one after them.
    After(usize),
    /// Refuse every `k`-th request (`k`, `2k`, ...). `Every(1)` refuses everything;
    /// `Every(0)` nothing.
    Every(usize),
    /// Refuse every request for more than this many bytes (the new size, for a resize).
    LargerThan(usize),
    /// Refuse about one request in `one_in`, decided by a pseudo-random sequence that
    /// `seed` fixes: the same seed refuses the same requests (on one thread). `one_in`
    /// of 0 refuses nothing.
    Random {
        /// Fixes the sequence.
        seed: u64,
        /// About one request in this many is refused.
        one_in: u32,
    },
}

/// The plan as atomics: a tag and one argument (`Random` keeps its generator in
/// `FaultInjecting::random`).
const NEVER: u8 = 0;
const NTH: u8 = 1;
const AFTER: u8 = 2;
const EVERY: u8 = 3;
const LARGER_THAN: u8 = 4;
const RANDOM: u8 = 5;

/// Counts of what a [`FaultInjecting`] allocator saw since its plan was set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Requests made (allocations and resizes; not frees).
    pub requests: usize,
    /// Requests refused by the plan.
    pub refused: usize,
}

/// An allocator that forwards to an inner allocator `A`, except for the requests its
/// [`FaultPlan`] refuses, which fail without reaching `A`.
///
/// `FaultInjecting<A>` is an `Allocator` when `A` is one and a [`GlobalAlloc`] when `A`
/// is one (a refused `GlobalAlloc` request returns null); `&FaultInjecting<A>` is an
/// allocator too, to share one schedule between collections. A request is every call
/// that can fail (allocations and resizes); frees always go through.
///
/// # Invariants
///
/// - **Forwarding.** Every request the plan lets through is forwarded to `inner` with the
///   caller's arguments and answered with `inner`'s answer, and every free is forwarded;
///   a refused request touches nothing but the counters. So every block it hands out is
///   a block of `inner`, and it meets each allocator contract exactly when `A` does
///   (refusing is always allowed).
/// - **Counting.** `requests` counts every request, `refused` the ones the plan refused;
///   both restart at zero when the plan is set. Nothing here allocates or panics.
///
/// # Examples
///
/// The third request fails, and `try_reserve` reports it instead of aborting:
///
/// ```
/// use allockit::Vec;
/// use allockit::alloc::Global;
/// use allockit::wrappers::{FaultInjecting, FaultPlan};
///
/// let faulty = FaultInjecting::new(Global, FaultPlan::Nth(3));
/// let mut v: Vec<u64, _> = Vec::new_in(&faulty);
/// v.push(1); // request 1: allocate 4 elements
/// v.extend(2..=5); // request 2: grow to 8
/// let before = (v.as_ptr(), v.len(), v.capacity());
///
/// assert!(v.try_reserve(100).is_err()); // request 3: refused
/// assert_eq!((v.as_ptr(), v.len(), v.capacity()), before); // unchanged
///
/// v.try_reserve(100).unwrap(); // request 4: goes through
/// assert_eq!(faulty.stats().refused, 1);
/// ```
///
/// As the `#[global_allocator]`, failing a whole program's large allocations while a
/// test runs (`standalone_crate`: a doctest with a global allocator of its own):
///
/// ```standalone_crate
/// use std::alloc::System;
/// use allockit::wrappers::{FaultInjecting, FaultPlan};
///
/// #[global_allocator]
/// static GLOBAL: FaultInjecting<System> = FaultInjecting::new(System, FaultPlan::Never);
///
/// fn main() {
///     GLOBAL.set_plan(FaultPlan::LargerThan(1 << 20));
///     let mut v: Vec<u8> = Vec::new();
///     assert!(v.try_reserve(2 << 20).is_err());
///     assert!(v.try_reserve(1 << 10).is_ok());
///     GLOBAL.set_plan(FaultPlan::Never);
/// }
/// ```
pub struct FaultInjecting<A> {
    /// Where the memory comes from.
    inner: A,
    /// The plan's tag (`NEVER`, `NTH`, ...).
    kind: AtomicU8,
    /// The plan's argument (`n`, `k`, a size, or `one_in`).
    argument: AtomicUsize,
    /// `Random`'s generator state (never zero while the plan is `Random`).
    random: AtomicU64,
    /// Requests since the plan was set.
    requests: AtomicUsize,
    /// Requests refused since the plan was set.
    refused: AtomicUsize,
}

impl<A> FaultInjecting<A> {
    /// A wrapper around `inner` that refuses what `plan` says. `const`, so it can be a
    /// `static` `#[global_allocator]`.
    pub const fn new(inner: A, plan: FaultPlan) -> Self {
        let (kind, argument, random) = encode(plan);
        FaultInjecting {
            inner,
            kind: AtomicU8::new(kind),
            argument: AtomicUsize::new(argument),
            random: AtomicU64::new(random),
            requests: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
        }
    }

    /// Replaces the plan and restarts the request numbering and the counters.
    ///
    /// The plan's parts are separate atomics: a request made by another thread while the
    /// plan changes may be judged by either plan.
    pub fn set_plan(&self, plan: FaultPlan) {
        let (kind, argument, random) = encode(plan);
        self.kind.store(NEVER, Relaxed);
        self.requests.store(0, Relaxed);
        self.refused.store(0, Relaxed);
        self.argument.store(argument, Relaxed);
        self.random.store(random, Relaxed);
        self.kind.store(kind, Relaxed);
    }

    /// Requests and refusals since the plan was set.
    pub fn stats(&self) -> FaultStats {
        FaultStats { requests: self.requests.load(Relaxed), refused: self.refused.load(Relaxed) }
    }

    /// The inner allocator.
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// Counts a request of `size` bytes and says whether the plan refuses it.
    #[inline]
    fn refuses(&self, size: usize) -> bool {
        let number = self.requests.fetch_add(1, Relaxed).wrapping_add(1);
        let argument = self.argument.load(Relaxed);
        let refuse = match self.kind.load(Relaxed) {
            NTH => number == argument,
            AFTER => number > argument,
            EVERY => argument != 0 && number % argument == 0,
            LARGER_THAN => size > argument,
            RANDOM => argument != 0 && self.next_random() % argument as u64 == 0,
            _ => false,
        };
        if refuse {
            self.refused.fetch_add(1, Relaxed);
        }
        refuse
    }

    /// The next number of the `Random` plan's xorshift64* sequence.
    fn next_random(&self) -> u64 {
        let step = |mut x: u64| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x
        };
        // `fetch_update` with a closure that always returns `Some` cannot fail.
        let previous = self.random.fetch_update(Relaxed, Relaxed, |x| Some(step(x))).unwrap_or(1);
        step(previous).wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A plan as the three atomics' values. `Random`'s seed is scrambled (splitmix64) so that
/// nearby seeds give unrelated sequences, and never left zero (a fixed point).
const fn encode(plan: FaultPlan) -> (u8, usize, u64) {
    match plan {
        FaultPlan::Never => (NEVER, 0, 1),
        FaultPlan::Nth(n) => (NTH, n, 1),
        FaultPlan::After(n) => (AFTER, n, 1),
        FaultPlan::Every(k) => (EVERY, k, 1),
        FaultPlan::LargerThan(bytes) => (LARGER_THAN, bytes, 1),
        FaultPlan::Random { seed, one_in } => {
            let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (RANDOM, one_in as usize, if z == 0 { 1 } else { z })
        }
    }
}

impl<A: fmt::Debug> fmt::Debug for FaultInjecting<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultInjecting")
            .field("inner", &self.inner)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

// SAFETY: a request the plan lets through is forwarded to the same method of `inner` with
// the caller's arguments and answered with `inner`'s answer; a refused one returns `None`
// (`AllocError`), which every method may; frees are always forwarded (invariant
// "Forwarding").
unsafe impl<A: Allocator> AllocatorCore for FaultInjecting<A> {
    #[inline]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if self.refuses(layout.size()) {
            return None;
        }
        self.inner.allocate(layout).ok()
    }

    #[inline]
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        if self.refuses(layout.size()) {
            return None;
        }
        self.inner.allocate_zeroed(layout).ok()
    }

    #[inline]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: `ptr` is a block of ours and so of `inner` (invariant "Forwarding"), and
        // `layout` fits it (the caller's contract).
        unsafe { self.inner.deallocate(ptr, layout) }
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        if self.refuses(new.size()) {
            return None;
        }
        // SAFETY: `ptr` is a block of `inner` (invariant "Forwarding"), `old` fits it and
        // `new.size() >= old.size()` (the caller's contract).
        unsafe { self.inner.grow(ptr, old, new) }.ok()
    }

    #[inline]
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        if self.refuses(new.size()) {
            return None;
        }
        // SAFETY: as in `raw_grow`.
        unsafe { self.inner.grow_zeroed(ptr, old, new) }.ok()
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        if self.refuses(new.size()) {
            return None;
        }
        // SAFETY: `ptr` is a block of `inner` (invariant "Forwarding"), `old` fits it and
        // `new.size() <= old.size()` (the caller's contract).
        unsafe { self.inner.shrink(ptr, old, new) }.ok()
    }
}

impl_allocator!([A: Allocator] FaultInjecting<A>);

// SAFETY: as for `Allocator` above: a request let through is forwarded unchanged to
// `inner`, a refused one returns null (which `GlobalAlloc` allows for `alloc`,
// `alloc_zeroed` and `realloc`, leaving a `realloc`'s block as it was), frees are always
// forwarded. Nothing here allocates or panics.
unsafe impl<A: GlobalAlloc> GlobalAlloc for FaultInjecting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.refuses(layout.size()) {
            return core::ptr::null_mut();
        }
        // SAFETY: the caller's `alloc` contract (a non-zero size), passed on.
        unsafe { self.inner.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if self.refuses(layout.size()) {
            return core::ptr::null_mut();
        }
        // SAFETY: the caller's `alloc_zeroed` contract (a non-zero size), passed on.
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's `dealloc` contract: `ptr` was allocated by us, so by
        // `inner` (invariant "Forwarding"), with `layout`.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if self.refuses(new_size) {
            return core::ptr::null_mut();
        }
        // SAFETY: the caller's `realloc` contract: `ptr` is a block of ours, so of `inner`
        // (invariant "Forwarding"), allocated with `layout`; `new_size` is non-zero and
        // valid for `layout.align()`.
        unsafe { self.inner.realloc(ptr, layout, new_size) }
    }
}

//! Tests of `allockit::wrappers`.
//!
//! - [`counting`]: `Counting<A>`: exact counts after known sequences of `Vec`, `Box` and
//!   `String` operations, cross-checked against `TestAlloc`'s own counters; refusals,
//!   peaks, `since`, the `GlobalAlloc` side, sharing between threads, and interop with
//!   hashbrown and (with `nightly`) std's collections;
//! - [`from_global`]: `FromGlobalAlloc<G>` over `std::alloc::System` and over a probing
//!   `GlobalAlloc` that records every call: zero-sized layouts never reach it, `realloc`
//!   for the same alignment, allocate-copy-free for another, zeroing, null as `AllocError`.
//!
//! - [`tracing`]: `Tracing<A, S>`: the events of known operation sequences, in place
//!   versus moved, refusals, the printed lines, the `GlobalAlloc` side;
//! - [`fault_injecting`]: `FaultInjecting<A>`: every plan's schedule, unchanged
//!   collections after refusals, the seeded random plan, the `GlobalAlloc` side.
//!
//! `Counting<System>` as the program's `#[global_allocator]` is tested by its own binary,
//! `tests/counting_global.rs`.

mod counting;
mod fault_injecting;
mod from_global;
mod tracing;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ptr;

/// What a [`Probe`] saw on the current thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProbeCalls {
    pub alloc: usize,
    pub alloc_zeroed: usize,
    pub realloc: usize,
    pub dealloc: usize,
    /// Calls refused (null returned) because [`Probe::refuse`] was on.
    pub refused: usize,
    /// Calls that broke `GlobalAlloc`'s contract: a zero size, or a `dealloc`/`realloc`
    /// of a pointer it did not hand out or with another layout than it was given.
    pub bad: usize,
}

thread_local! {
    static CALLS: Cell<ProbeCalls> = const {
        Cell::new(ProbeCalls { alloc: 0, alloc_zeroed: 0, realloc: 0, dealloc: 0, refused: 0, bad: 0 })
    };
    static REFUSE: Cell<bool> = const { Cell::new(false) };
    /// The blocks it handed out and the layout of each.
    static LIVE: RefCell<HashMap<usize, Layout>> = RefCell::new(HashMap::new());
}

/// A zero-sized `GlobalAlloc` over `System` that records every call it gets, and the
/// layout of every live block, in thread-locals (each test runs on its own thread, so
/// tests do not see each other's calls). It never forwards a call that breaks the
/// `GlobalAlloc` contract: it counts it as `bad` instead, and the tests assert there
/// were none.
#[derive(Clone, Copy, Debug, Default)]
pub struct Probe;

impl Probe {
    /// The calls so far on this thread.
    pub fn calls() -> ProbeCalls {
        CALLS.get()
    }

    /// While `on`, every allocating call returns null.
    pub fn refuse(on: bool) {
        REFUSE.set(on);
    }

    /// Live blocks handed out on this thread.
    pub fn live_blocks() -> usize {
        LIVE.with_borrow(HashMap::len)
    }

    /// No contract broken, nothing live.
    #[track_caller]
    pub fn assert_clean() {
        assert_eq!(Self::calls().bad, 0, "{:?}", Self::calls());
        assert_eq!(Self::live_blocks(), 0, "leaked: {:?}", LIVE.with_borrow(|l| l.clone()));
    }

    fn count(f: impl FnOnce(&mut ProbeCalls)) {
        let mut calls = CALLS.get();
        f(&mut calls);
        CALLS.set(calls);
    }

    /// Removes a live block, counting it as bad unless it has exactly `layout`.
    fn take(ptr: *mut u8, layout: Layout) -> bool {
        let ok = LIVE.with_borrow_mut(|live| live.remove(&(ptr as usize))) == Some(layout);
        if !ok {
            Self::count(|c| c.bad += 1);
        }
        ok
    }

    /// Records a block handed out (if not null) and passes it on.
    fn handed_out(ptr: *mut u8, layout: Layout) -> *mut u8 {
        if !ptr.is_null() {
            LIVE.with_borrow_mut(|live| live.insert(ptr as usize, layout));
        }
        ptr
    }

    /// Whether to refuse an allocation of `size` bytes (counting the refusal, or the bad
    /// call if `size` is zero).
    fn refuses(size: usize) -> bool {
        if size == 0 {
            Self::count(|c| c.bad += 1);
            return true;
        }
        if REFUSE.get() {
            Self::count(|c| c.refused += 1);
            return true;
        }
        false
    }
}

// SAFETY: every call is forwarded to `System` only if it meets `GlobalAlloc`'s contract as
// far as the probe can check (non-zero sizes, known pointers with their exact layouts);
// refusals return null, which the contract allows.
unsafe impl GlobalAlloc for Probe {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::count(|c| c.alloc += 1);
        if Self::refuses(layout.size()) {
            return ptr::null_mut();
        }
        // SAFETY: the size is non-zero.
        Self::handed_out(unsafe { System.alloc(layout) }, layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::count(|c| c.alloc_zeroed += 1);
        if Self::refuses(layout.size()) {
            return ptr::null_mut();
        }
        // SAFETY: the size is non-zero.
        Self::handed_out(unsafe { System.alloc_zeroed(layout) }, layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Self::count(|c| c.dealloc += 1);
        if Self::take(ptr, layout) {
            // SAFETY: `System` handed out `ptr` with exactly `layout`, and it is freed once
            // (it just left the live set).
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::count(|c| c.realloc += 1);
        let known = LIVE.with_borrow(|live| live.get(&(ptr as usize)).copied()) == Some(layout);
        if !known {
            Self::count(|c| c.bad += 1);
            return ptr::null_mut();
        }
        if Self::refuses(new_size) {
            return ptr::null_mut(); // the old block stays live, as the contract says
        }
        Self::take(ptr, layout);
        // SAFETY: `System` handed out `ptr` with exactly `layout`; `new_size` is non-zero
        // and the caller's contract keeps it within `isize::MAX` once aligned.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if moved.is_null() {
            // `System` kept the old block: it is still live.
            Self::handed_out(ptr, layout);
            return ptr::null_mut();
        }
        // SAFETY: `new_size` with the old alignment was checked by the caller.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        Self::handed_out(moved, new)
    }
}

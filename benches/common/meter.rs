//! A counting `GlobalAlloc` wrapper for the report's memory figures: the report's
//! `#[global_allocator]` is `Metered<System>`, and peers with heaps of their own
//! (mimalloc, jemalloc) are wrapped in it too. It counts bytes only while [`enable`] is
//! on, so timed runs pay one relaxed load per call, in the report and in the per-type
//! criterion benches alike.
//!
//! "Bytes requested" is what a workload asks of the allocator *below* the one it tests:
//!
//! ```text
//!   Box<Node> ──────────────► glibc (System)         counted: every node
//!   Box<Node, MiMalloc> ────► Metered<MiMalloc>      counted: every node
//!   Bump ── chunks ─────────► glibc (System)         counted: every chunk, not the nodes
//! ```
//!
//! Memory figures are taken in a child process (see `benches/report/memory.rs`), so the
//! counters start at zero and nothing else in the report shares them.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

/// Counting is on (a child process measuring memory) or off (every timed run).
static ON: AtomicBool = AtomicBool::new(false);
/// Bytes requested since counting began: allocations, plus the growth of reallocations.
static REQUESTED: AtomicUsize = AtomicUsize::new(0);
/// Bytes currently allocated through a counted allocator.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The most bytes live at once.
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Turns counting on for the rest of the process.
pub fn enable() {
    ON.store(true, Relaxed);
}

/// Bytes requested from counted allocators since [`enable`].
pub fn requested() -> usize {
    REQUESTED.load(Relaxed)
}

/// The most bytes that were live at once in counted allocators since [`enable`].
pub fn peak_live() -> usize {
    PEAK.load(Relaxed)
}

/// A `GlobalAlloc` that counts what passes through it while counting is on.
///
/// Blocks allocated before [`enable`] and freed after it would make `LIVE` go below zero;
/// it saturates at zero instead (a child enables counting before its workload allocates).
#[derive(Clone, Copy, Default, Debug)]
pub struct Metered<G>(pub G);

fn grew(bytes: usize) {
    REQUESTED.fetch_add(bytes, Relaxed);
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

fn shrank(bytes: usize) {
    let _ = LIVE.fetch_update(Relaxed, Relaxed, |live| Some(live.saturating_sub(bytes)));
}

// SAFETY: every call is forwarded unchanged to `self.0`, which upholds `GlobalAlloc`'s
// contract; the counting touches only the statics above.
unsafe impl<G: GlobalAlloc> GlobalAlloc for Metered<G> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `alloc` contract, passed on.
        let ptr = unsafe { self.0.alloc(layout) };
        if ON.load(Relaxed) && !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `alloc_zeroed` contract, passed on.
        let ptr = unsafe { self.0.alloc_zeroed(layout) };
        if ON.load(Relaxed) && !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ON.load(Relaxed) {
            shrank(layout.size());
        }
        // SAFETY: the caller's `dealloc` contract: `ptr` came from `self.0` with `layout`.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's `realloc` contract, passed on.
        let moved = unsafe { self.0.realloc(ptr, layout, new_size) };
        if ON.load(Relaxed) && !moved.is_null() {
            let old = layout.size();
            if new_size > old {
                grew(new_size - old);
            } else {
                shrank(old - new_size);
            }
        }
        moved
    }
}

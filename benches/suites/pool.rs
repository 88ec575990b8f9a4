//! `allockit::Pool` beside the general-purpose heaps a `Box` would otherwise use: glibc's
//! `malloc` (`std::alloc::System`), mimalloc and jemalloc, all in one binary through
//! [`FromGlobalAlloc`], and a plain hand-written free list, the floor.
//!
//! Every function boxes its values in an `allockit::Box<_, A>` and differs only in `A`:
//!
//! | function    | `A`                                  |
//! |-------------|--------------------------------------|
//! | `pool`      | `&Pool` (ours)                       |
//! | `glibc`     | `FromGlobalAlloc<Metered<System>>`   |
//! | `mimalloc`  | `FromGlobalAlloc<Metered<MiMalloc>>` |
//! | `jemalloc`  | `FromGlobalAlloc<Metered<Jemalloc>>` |
//! | `free_list` | none: a free list of 64-byte slots in one buffer, raw pointers (churn only) |
//!
//! `Metered` (`benches/common/meter.rs`) counts the bytes each heap hands out when the
//! report measures memory, and costs one relaxed load per call otherwise; every peer
//! wears it, so they all pay the same.
//!
//! Each `pool` function has a pool of its own, and the `free_list` function a list of its
//! own, made when [`groups`] builds the group. The groups:
//!
//! - `pool_churn`: a ring of 1,000 live 64-byte payloads (`[u64; 8]`); each step drops
//!   the oldest and boxes a new one in its place (written whole). One iteration is
//!   1,000,000 steps. The ring is filled at the start of each run of iterations and
//!   dropped at its end, both untimed, so an iteration times the steady state: one free
//!   and one allocation per step. After the run, untimed, the pool's statistics are
//!   checked: every box went back, and no slab beyond the ring's was needed.
//! - `pool_churn_zeroed`: the same with `Box::new_zeroed_in` (the allocator's
//!   `allocate_zeroed`: the pool's `memset`, `calloc` for the heaps), then one word
//!   written.
//! - `pool_tree`: build a balanced binary tree of 1,000,000 `Box`ed nodes (a value and
//!   two `Option<Box<Node, A>>`), sum it, drop it. One pool (and the heaps) serve every
//!   iteration, so after the first one the nodes come from memory the pool already has.
//!   A `&Pool` box holds the pool's address, so a node is 40 bytes in the pool and 24
//!   with the zero-sized heap adapters.
//!
//! Targets (the issue that asked for this bench), time of the churn groups: ours at most
//! 0.30x glibc's, and at most 0.5x mimalloc's and jemalloc's. The tree group and the rows
//! against the plain free list are informational. Measured when the issue was written:
//! glibc about 8.7 ns per churn step, mimalloc 6, jemalloc 4.5, a plain free list 2.3.
//!
//! Criterion measures the functions of a group one after another, seconds apart, and
//! this machine's two cores are shared, so a job that runs during one function skews the
//! ratios. The interleaved figures, where every function runs in turn round after round,
//! come from `cargo bench --bench report` (which replaced the per-operation table of
//! best interleaved rounds this bench used to print).
//!
//! jemalloc is left out of the builds with `--cfg loom` or `--cfg asan` (see
//! `Cargo.toml`): its C build takes minutes, and those builds run no bench.
//!
//! With `nightly`, allockit's `Box` is bounded on core's unstable `Allocator`, which the
//! generic functions below name: the crate that includes this file enables
//! `allocator_api` then.

use std::alloc::System;
use std::hint::black_box;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use allockit::alloc::{Allocator, Layout};
use allockit::wrappers::FromGlobalAlloc;
use allockit::{Box, Pool};
use mimalloc::MiMalloc;

use crate::common::meter::Metered;
#[cfg(not(any(loom, asan)))]
use tikv_jemallocator::Jemalloc;

use crate::common::suite::{Function, Group, Suite};

/// The pool suite: `cargo bench --bench pool`.
pub const SUITE: Suite = Suite { name: "pool", groups };

/// Live payloads in the churn ring.
const RING: usize = 1_000;

/// Steps (one free and one allocation each) per churn iteration.
const STEPS: usize = 1_000_000;

/// Nodes of the tree.
const NODES: u64 = 1_000_000;

/// The targets, as ratios of median times: ours / glibc, ours / mimalloc and
/// ours / jemalloc.
const VS_GLIBC: f64 = 0.30;
const VS_MIMALLOC: f64 = 0.5;
#[cfg(not(any(loom, asan)))]
const VS_JEMALLOC: f64 = 0.5;

fn groups() -> Vec<Group> {
    vec![churn(), churn_zeroed(), tree()]
}

/// The 64-byte payload of the churn groups.
#[derive(Clone, Copy)]
struct Payload([u64; 8]);

/// A tree node: 24 bytes with a zero-sized allocator, 40 with `&Pool` (each box holds
/// its allocator).
struct Node<A: Allocator> {
    value: u64,
    left: Option<Box<Node<A>, A>>,
    right: Option<Box<Node<A>, A>>,
}

/// The time `iters` runs of `body` take, all timed.
#[inline(always)]
fn timed(iters: u64, mut body: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        body();
    }
    start.elapsed()
}

/// The functions every group has beside ours: glibc, mimalloc and (outside loom and asan
/// builds) jemalloc, each through `FromGlobalAlloc`, added to `$group` by `$function`
/// (called with the name and the allocator's constructor).
macro_rules! heaps {
    ($group:expr, $function:expr) => {{
        let group = $group
            .function($function("glibc", || FromGlobalAlloc::new(Metered(System))))
            .function($function("mimalloc", || FromGlobalAlloc::new(Metered(MiMalloc))));
        #[cfg(not(any(loom, asan)))]
        let group =
            group.function($function("jemalloc", || FromGlobalAlloc::new(Metered(Jemalloc))));
        group
    }};
}

/// The comparisons every group has: ours over each heap, against the targets
/// (`targets`) or informational.
fn against_heaps(group: Group, targets: bool) -> Group {
    let group = if targets {
        group.compare("pool", "glibc", VS_GLIBC).compare("pool", "mimalloc", VS_MIMALLOC)
    } else {
        group.inform("pool", "glibc").inform("pool", "mimalloc")
    };
    #[cfg(not(any(loom, asan)))]
    let group = if targets {
        group.compare("pool", "jemalloc", VS_JEMALLOC)
    } else {
        group.inform("pool", "jemalloc")
    };
    group
}

/// A churn ring of boxes from `alloc`, full.
fn ring_in<A: Allocator>(alloc: &impl Fn() -> A) -> Vec<Option<Box<Payload, A>>> {
    (0..RING as u64).map(|i| Some(Box::new_in(Payload([i; 8]), alloc()))).collect()
}

/// One churn iteration: `steps` times (rounded down to whole turns of the ring), drop
/// the oldest box of the ring and put a new one from `alloc` in its place, written whole
/// or (`ZEROED`) from `new_zeroed_in` with one word written.
#[inline(always)]
fn churn_ring<const ZEROED: bool, A: Allocator>(
    ring: &mut [Option<Box<Payload, A>>],
    steps: usize,
    alloc: &impl Fn() -> A,
) {
    let mut step = 0;
    for _ in 0..steps / ring.len() {
        for slot in ring.iter_mut() {
            *slot = None;
            let boxed = if ZEROED {
                let zeroed = Box::<Payload, A>::new_zeroed_in(alloc());
                // SAFETY: all-zero bytes are a valid `[u64; 8]`.
                let mut boxed = unsafe { zeroed.assume_init() };
                boxed.0[0] = step;
                boxed
            } else {
                Box::new_in(Payload([step; 8]), alloc())
            };
            black_box(&*boxed);
            *slot = Some(boxed);
            step += 1;
        }
    }
}

/// `iters` churn iterations over the allocator `alloc` makes, on a ring filled before the
/// clock starts and dropped after it stops.
fn churn_timed<const ZEROED: bool, A: Allocator>(iters: u64, alloc: impl Fn() -> A) -> Duration {
    let mut ring = ring_in(&alloc);
    let elapsed = timed(iters, || churn_ring::<ZEROED, A>(&mut ring, black_box(STEPS), &alloc));
    drop(ring);
    elapsed
}

/// The function `"pool"` of a churn group: its own pool of 64-byte blocks, checked after
/// each run (untimed): every box went back, and the steps reused the ring's blocks, no
/// slab beyond them.
fn pool_churn<const ZEROED: bool>() -> Function {
    let pool = Pool::for_type::<Payload>();
    Function::custom("pool", move |iters| {
        let elapsed = churn_timed::<ZEROED, _>(iters, || &pool);
        let stats = pool.stats();
        assert!(stats.live_blocks == 0 && stats.capacity < 2 * RING, "{stats:?}");
        elapsed
    })
}

/// A heap's function of a churn group.
fn heap_churn<const ZEROED: bool, A: Allocator + 'static>(
    name: &'static str,
    alloc: impl Fn() -> A + 'static,
) -> Function {
    Function::custom(name, move |iters| churn_timed::<ZEROED, A>(iters, &alloc))
}

/// 64-byte payloads, a ring of 1,000 live, 1,000,000 steps of one free and one
/// allocation.
fn churn() -> Group {
    let group = Group::new(
        "pool_churn",
        "1M steps on a ring of 1,000 live Box<[u64; 8], A>: drop the oldest, box a new one",
    )
    .function(pool_churn::<false>());
    let group = heaps!(group, heap_churn::<false, _>).function(free_list_churn::<false>());
    against_heaps(group, true).inform("pool", "free_list")
}

/// The churn with zeroed payloads: `allocate_zeroed`, then one word written.
fn churn_zeroed() -> Group {
    let group = Group::new(
        "pool_churn_zeroed",
        "as pool_churn, each new box from Box::new_zeroed_in with one word written",
    )
    .function(pool_churn::<true>());
    let group = heaps!(group, heap_churn::<true, _>).function(free_list_churn::<true>());
    against_heaps(group, true).inform("pool", "free_list")
}

/// The floor of the churn groups: a free list of 64-byte slots threaded through one
/// buffer, handing out raw pointers. No `Allocator` trait, no `Box`, no layout checks, no
/// statistics, no slabs: what popping and pushing a list kept in memory costs on this
/// machine.
struct FreeList {
    head: Option<NonNull<Slot>>,
    /// The slots, owned here and only reached through the list's pointers.
    _slots: Vec<Slot>,
}

/// A slot of [`FreeList`]: a payload while handed out, the link while free.
union Slot {
    next: Option<NonNull<Slot>>,
    _payload: Payload,
}

impl FreeList {
    /// A list of `n` free slots.
    fn new(n: usize) -> Self {
        let mut slots: Vec<Slot> = (0..n).map(|_| Slot { next: None }).collect();
        let base = slots.as_mut_ptr();
        for i in 1..n {
            // SAFETY: `i - 1` and `i` are in bounds of the buffer, which is not moved.
            unsafe { (*base.add(i - 1)).next = Some(NonNull::new_unchecked(base.add(i))) };
        }
        FreeList { head: NonNull::new(base).filter(|_| n > 0), _slots: slots }
    }

    /// Pops a free slot.
    #[inline(always)]
    fn pop(&mut self) -> NonNull<Payload> {
        let head = self.head.expect("the ring never holds more slots than the list has");
        // SAFETY: a slot on the list is free and holds its link.
        self.head = unsafe { head.as_ref().next };
        head.cast()
    }

    /// Pushes a slot back.
    ///
    /// # Safety
    ///
    /// - `ptr` must come from [`pop`](Self::pop) of this list and not be used afterwards.
    #[inline(always)]
    unsafe fn push(&mut self, ptr: NonNull<Payload>) {
        let slot = ptr.cast::<Slot>();
        // SAFETY: a handed-out slot of this list, given up by the caller.
        unsafe { slot.write(Slot { next: self.head }) };
        self.head = Some(slot);
    }
}

/// The churn loop over a [`FreeList`] of its own, with the payload zeroed then one word
/// written (`ZEROED`) or written whole. As with the boxes, the ring is taken from the
/// list before the clock starts and given back after it stops.
fn free_list_churn<const ZEROED: bool>() -> Function {
    let mut list = FreeList::new(RING);
    Function::custom("free_list", move |iters| {
        let mut ring: Vec<NonNull<Payload>> = (0..RING).map(|_| list.pop()).collect();
        let elapsed = timed(iters, || {
            let mut step = 0;
            for _ in 0..black_box(STEPS) / RING {
                for slot in ring.iter_mut() {
                    // SAFETY: every pointer in the ring was popped from `list`; it is
                    // replaced now.
                    unsafe { list.push(*slot) };
                    // Without this the compiler sees that the pop returns the slot just
                    // pushed and removes both: the list must be read from memory, as a
                    // pool's is.
                    black_box(&mut list);
                    let ptr = list.pop();
                    // SAFETY: a slot just popped: ours, 64 bytes, aligned for a `Payload`.
                    unsafe {
                        if ZEROED {
                            ptr.write_bytes(0, 1);
                            ptr.cast::<u64>().write(step);
                        } else {
                            ptr.write(Payload([step; 8]));
                        }
                    }
                    // SAFETY: as above: the payload was just written.
                    black_box(unsafe { ptr.as_ref() });
                    *slot = ptr;
                    step += 1;
                }
            }
        });
        for ptr in ring {
            // SAFETY: popped from `list`, and the ring, the only holder, is consumed.
            unsafe { list.push(ptr) };
        }
        elapsed
    })
}

/// A balanced tree of the values `lo..hi`, children before parents (so the allocation
/// order is the order the drop frees them in).
fn build<A: Allocator>(lo: u64, hi: u64, alloc: &impl Fn() -> A) -> Option<Box<Node<A>, A>> {
    if lo >= hi {
        return None;
    }
    let mid = lo + (hi - lo) / 2;
    let left = build(lo, mid, alloc);
    let right = build(mid + 1, hi, alloc);
    Some(Box::new_in(Node { value: mid, left, right }, alloc()))
}

/// The sum of the tree's values.
fn sum<A: Allocator>(node: &Node<A>) -> u64 {
    node.value + node.left.as_deref().map_or(0, sum) + node.right.as_deref().map_or(0, sum)
}

/// One tree iteration over the allocator `alloc` makes: build, sum (checked), drop.
#[inline(always)]
fn tree_iteration<A: Allocator>(alloc: &impl Fn() -> A) {
    let tree = build(0, black_box(NODES), alloc).expect("a non-empty tree");
    assert_eq!(sum(&tree), NODES * (NODES - 1) / 2);
    drop(black_box(tree));
}

/// A heap's function of the tree group.
fn heap_tree<A: Allocator + 'static>(
    name: &'static str,
    alloc: impl Fn() -> A + 'static,
) -> Function {
    Function::custom(name, move |iters| timed(iters, || tree_iteration(&alloc)))
}

/// Build, sum and drop a 1,000,000-node tree.
fn tree() -> Group {
    let pool = Pool::new(Layout::new::<Node<&'static Pool>>());
    let group = Group::new(
        "pool_tree",
        "build a balanced tree of 1M Box<Node, A> (children first), sum it, drop it",
    )
    .function(Function::custom("pool", move |iters| {
        let elapsed = timed(iters, || tree_iteration(&|| &pool));
        assert_eq!(pool.stats().live_blocks, 0);
        elapsed
    }));
    let group = heaps!(group, heap_tree);
    against_heaps(group, false)
}

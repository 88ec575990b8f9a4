//! Binary-trees: the Computer Language Benchmarks Game's allocation benchmark, with the
//! nodes in each allocator.
//!
//! # The algorithm
//!
//! For a size `n`, with `min_depth = 4` and `max_depth = max(min_depth + 2, n)`:
//!
//! ```text
//!   1. stretch:     build a tree of depth max_depth + 1, check it, free it
//!   2. long-lived:  build a tree of depth max_depth, keep it until step 4
//!   3. for depth in (min_depth..=max_depth).step_by(2):
//!          iterations = 1 << (max_depth - depth + min_depth)
//!          build `iterations` trees of that depth one after another,
//!          checking and freeing each before building the next
//!   4. check the long-lived tree
//! ```
//!
//! A tree of depth `d` is perfect: `2^(d+1) - 1` nodes, built bottom-up (both children
//! before their parent). A node holds nothing but its two child links, and `check` walks
//! the tree and counts the nodes (`1 + check(left) + check(right)`). The benchmark prints
//! one check per line; [`Outcome::checksum`] is the sum of everything it would print, and
//! [`Outcome::nodes`] counts the nodes built. Since a check counts nodes, the two are
//! equal in a correct run; `checksum` comes from walking the trees the variant built,
//! `nodes` from the formula, and the report asserts that every variant's `Outcome` equals
//! the first one's.
//!
//! Every depth of step 3 builds about `2^(max_depth + 5)` nodes (two levels deeper, a
//! tree has four times the nodes and `iterations` is a quarter), so depth 18 (eight
//! depths in step 3) builds 68.3 million nodes in all, and depth 21 (nine) 613.8 million.
//!
//! # Why it stresses allocators
//!
//! It does nothing but allocate: tens of millions of objects of *one* small size (16
//! bytes here: two pointers), each written once, read once by `check`, and freed soon
//! after, in bulk with its whole tree, while one long-lived tree stays put. A general
//! heap (`malloc`) pays for generality on every node: a size-class lookup, free-list
//! bookkeeping, a header or metadata, and a `free` call per node. An allocator that knows
//! the shape of the work can do better:
//!
//! - a **bump** or **arena** allocator allocates a node by moving a pointer and frees a
//!   whole tree at once with a reset, so "free" costs nothing per node;
//! - a **pool** for the node size pops and pushes a free list: still a call per free,
//!   but no size lookup and no header.
//!
//! # The variants
//!
//! | variant           | a node is                                                 | freed        |
//! |-------------------|-----------------------------------------------------------|--------------|
//! | `glibc`           | a `std::boxed::Box<Node>` (the global allocator, glibc)   | node by node |
//! | `mimalloc`        | `allockit::Box<Node, FromGlobalAlloc<Metered<MiMalloc>>>` | node by node |
//! | `jemalloc`        | the same over `tikv_jemallocator::Jemalloc`               | node by node |
//! | `bumpalo`         | a `&Node` in a `bumpalo::Bump`                            | `reset()`    |
//! | `typed-arena`     | a `&Node` in a new `typed_arena::Arena` per tree          | arena drops  |
//! | `bump`            | a `&Node` in an `allockit::Bump`                          | `reset()`    |
//! | `arena`           | a `&Node` from `&allockit::Arena` (atomic bump)           | `reset()`    |
//! | `arena-2-threads` | a `&Node` from 2 threads' `LocalArena`s on an `Arena`     | by batch     |
//! | `pool`            | an `allockit::Box<Node, &Pool>`, one pool for all trees   | node by node |
//!
//! The bump-style variants (`bumpalo`, `bump`, `arena`) keep the long-lived tree in an
//! allocator of its own and build every short-lived tree (the stretch tree included) in
//! a second one that is reset after each tree. A reset keeps the largest chunk. bumpalo's
//! chunks double without limit, so after the stretch tree (the biggest) its kept chunk
//! holds every later tree and the parent heap is not asked again. allockit's `Bump` and
//! `Arena` stop doubling at 16 MiB chunks, so a tree of 16 MiB or more (depth 19 and
//! up: a depth-`d` tree is `2^(d+5)` bytes) overflows the kept chunk and takes new ones
//! from the parent every time, to be freed again at the next reset: at depth 21 that is
//! about 1.2 GiB requested against bumpalo's 384 MiB, at some cost in page faults.
//! [`Bump::reset_keep_chunks`] (the reset the docs give for steady-state loops) would
//! avoid it; the variants use `reset()` as bumpalo's does, so the row shows what a user
//! of the default reset gets. `typed-arena` follows the Benchmarks Game's fastest
//! Rust programs: a new arena per tree, so each tree's chunks come from `malloc` and go
//! back to it. (Those programs also spread the depths over every core with rayon; here
//! every variant but `arena-2-threads` runs on one thread, so the rows compare
//! allocators, not thread pools.) `arena-2-threads` splits each depth's trees between
//! two threads that allocate from one shared `Arena`, reset between batches of trees:
//! [`arena_2_threads`] explains the choice. The `Box` variants and `pool` free a tree
//! node by node when it drops, as any owning tree does.
//!
//! The variants with `&Node` links all share one node type ([`Node`]) and one [`build`]
//! and [`check`], generic over how a node is placed, so they differ in nothing but the
//! allocator; the boxed variants share [`HeapNode`] (and `glibc` has [`StdNode`], the
//! same over std's `Box`). A node's children are `Option<(&Node, &Node)>`, not two
//! `Option`s, as in the Benchmarks Game: a node has both children or none, so `build`
//! and `check` test one niche instead of two. A boxed node is 16 bytes over a
//! zero-sized allocator (glibc, mimalloc, jemalloc) but 32 over `&Pool`, since each
//! `Box<_, &Pool>` carries its pool's address; the pool's blocks are therefore twice as
//! large as the other variants' nodes, and its trees twice as large in memory.
//!
//! # Reading the memory columns
//!
//! "Requested" is what the variant asks of the heap *below* the allocator under test
//! (see `benches/common/meter.rs`): every node for the `Box` variants (16 bytes times the nodes built,
//! about 1 GiB at depth 18), only the chunks for the bump-style ones (the stretch tree's
//! chunks and the long-lived tree's, plus, for ours from depth 19, the chunks each big
//! tree takes beyond the one kept; see above), and for `typed-arena` every
//! tree's chunks again, since each tree has a new arena. "Peak live" is the most of those
//! bytes allocated at once: the stretch tree's 16 MiB for the `Box` variants, which free
//! it node by node, and the chunks kept after it for the bump-style ones.
//!
//! # Targets
//!
//! From the issue that asked for this bench, for our `Bump` (the rows the report prints
//! under the table):
//!
//! - time at most **0.25×** that of `Box` over glibc, and at most **0.5×** over mimalloc;
//! - no slower than **bumpalo** or **typed-arena** (ratio at most 1.0);
//! - at most **50 instructions per node** (callgrind; see `instructions.rs`).
//!
//! For reference, on the 2-core machine the report was written on, a single-threaded run
//! at depth 18 took about 1.5 s over glibc, 0.77 s over mimalloc, 0.37 s with bumpalo and
//! 0.31 s with typed-arena.

use std::sync::{Barrier, RwLock};

use allockit::alloc::Allocator;
use allockit::wrappers::FromGlobalAlloc;
use allockit::{Arena, Bump, Pool};

use crate::meter::Metered;

/// One way of allocating the trees' nodes.
pub struct Variant {
    /// Short name (`"glibc"`, `"bump"`...).
    pub name: &'static str,
    /// One line: what allocates the nodes.
    pub about: &'static str,
    /// Ours (the target rows compare it) or a peer.
    pub ours: bool,
    /// Runs the whole benchmark at `depth`.
    pub run: fn(depth: u32) -> Outcome,
}

/// What a run computed: equal for every variant at the same depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The sum of every check the benchmark prints.
    pub checksum: u64,
    /// Nodes allocated.
    pub nodes: u64,
}

/// Every variant, in the order the report prints them.
pub fn variants() -> Vec<Variant> {
    let mut variants = vec![
        Variant {
            name: "glibc",
            about: "std Box<Node> over the global allocator (glibc malloc), freed node by node",
            ours: false,
            run: glibc,
        },
        Variant {
            name: "mimalloc",
            about: "Box<Node, FromGlobalAlloc<MiMalloc>>, freed node by node",
            ours: false,
            run: mimalloc,
        },
    ];
    #[cfg(not(any(loom, asan)))]
    variants.push(Variant {
        name: "jemalloc",
        about: "Box<Node, FromGlobalAlloc<Jemalloc>>, freed node by node",
        ours: false,
        run: jemalloc,
    });
    variants.extend([
        Variant {
            name: "bumpalo",
            about: "&Node in a bumpalo::Bump, reset after each tree",
            ours: false,
            run: bumpalo,
        },
        Variant {
            name: "typed-arena",
            about: "&Node in a new typed_arena::Arena per tree (the Benchmarks Game's way)",
            ours: false,
            run: typed_arena,
        },
        Variant {
            name: "bump",
            about: "&Node in an allockit::Bump, reset after each tree",
            ours: true,
            run: bump,
        },
        Variant {
            name: "arena",
            about: "&Node from &allockit::Arena (atomic bump), one thread, reset after each tree",
            ours: true,
            run: arena,
        },
        Variant {
            name: "arena-2-threads",
            about: "2 threads' LocalArenas on one shared Arena, reset_keep_chunks between \
                    batches of ~4 MiB per thread",
            ours: true,
            run: arena_2_threads,
        },
        Variant {
            name: "pool",
            about: "Box<Node, &allockit::Pool> (32-byte nodes), freed onto the pool's free list",
            ours: true,
            run: pool,
        },
    ]);
    variants
}

// ---------------------------------------------------------------------------------------
// The benchmark's shape, shared by every variant.
// ---------------------------------------------------------------------------------------

/// The shallowest trees of step 3.
const MIN_DEPTH: u32 = 4;

/// The depths and counts of one run at size `n`.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// The long-lived tree's depth (the stretch tree is one deeper).
    max_depth: u32,
}

impl Plan {
    /// The plan for size `n`.
    fn new(n: u32) -> Plan {
        Plan { max_depth: n.max(MIN_DEPTH + 2) }
    }

    /// The stretch tree's depth.
    fn stretch_depth(self) -> u32 {
        self.max_depth + 1
    }

    /// Step 3: every `(depth, iterations)`.
    fn depths(self) -> impl Iterator<Item = (u32, u64)> {
        (MIN_DEPTH..=self.max_depth)
            .step_by(2)
            .map(move |depth| (depth, 1 << (self.max_depth - depth + MIN_DEPTH)))
    }

    /// Step 3 with `one_tree(depth)` building, checking and freeing one tree and
    /// returning its check: the sum of the checks.
    fn short_lived(self, mut one_tree: impl FnMut(u32) -> u32) -> u64 {
        let mut sum = 0;
        for (depth, iterations) in self.depths() {
            for _ in 0..iterations {
                sum += u64::from(one_tree(depth));
            }
        }
        sum
    }

    /// Nodes built by a whole run: the stretch tree, the long-lived tree, step 3.
    fn nodes(self) -> u64 {
        let step_3: u64 = self.depths().map(|(depth, iterations)| iterations * nodes(depth)).sum();
        nodes(self.stretch_depth()) + nodes(self.max_depth) + step_3
    }

    /// The outcome of a run whose checks summed to `checksum`.
    fn outcome(self, checksum: u64) -> Outcome {
        Outcome { checksum, nodes: self.nodes() }
    }
}

/// Nodes in a tree of depth `depth`.
fn nodes(depth: u32) -> u64 {
    (2 << depth) - 1
}

// ---------------------------------------------------------------------------------------
// Trees of references: bumpalo, typed-arena, bump, arena, arena-2-threads.
// ---------------------------------------------------------------------------------------

/// A node placed in an arena-style allocator: both children or none, by reference.
struct Node<'a> {
    /// The left and right subtrees; `None` for a leaf.
    children: Option<(&'a Node<'a>, &'a Node<'a>)>,
}

/// Builds a tree of depth `depth` bottom-up, every node placed by `place`.
///
/// `place` is a closure around the allocator's own `alloc` (`|node| bump.alloc(node)`);
/// generic, so each variant gets its own copy with the allocation inlined.
fn build<'a>(depth: u32, place: &impl Fn(Node<'a>) -> &'a Node<'a>) -> &'a Node<'a> {
    let children = (depth > 0).then(|| (build(depth - 1, place), build(depth - 1, place)));
    place(Node { children })
}

/// The nodes of `tree`.
fn check(tree: &Node<'_>) -> u32 {
    1 + tree.children.map_or(0, |(left, right)| check(left) + check(right))
}

/// `bumpalo`: one `bumpalo::Bump` for the long-lived tree, one for every short-lived
/// tree, reset after each (a reset keeps the newest, largest chunk).
fn bumpalo(n: u32) -> Outcome {
    let plan = Plan::new(n);
    let mut short = bumpalo::Bump::new();
    let mut one_tree = |depth| {
        let sum = check(build(depth, &|node| short.alloc(node)));
        short.reset();
        sum
    };
    let stretch = one_tree(plan.stretch_depth());
    let long_lived = bumpalo::Bump::new();
    let long = build(plan.max_depth, &|node| long_lived.alloc(node));
    let step_3 = plan.short_lived(one_tree);
    plan.outcome(u64::from(stretch) + step_3 + u64::from(check(long)))
}

/// `typed-arena`: a new `typed_arena::Arena<Node>` for every tree, as in the Benchmarks
/// Game's fastest Rust programs; dropping it frees the tree's chunks to `malloc`.
fn typed_arena(n: u32) -> Outcome {
    let plan = Plan::new(n);
    let one_tree = |depth| {
        let arena = typed_arena::Arena::new();
        check(build(depth, &|node| arena.alloc(node)))
    };
    let stretch = one_tree(plan.stretch_depth());
    let long_lived = typed_arena::Arena::new();
    let long = build(plan.max_depth, &|node| long_lived.alloc(node));
    let step_3 = plan.short_lived(one_tree);
    plan.outcome(u64::from(stretch) + step_3 + u64::from(check(long)))
}

/// `bump`: as `bumpalo`, with `allockit::Bump` (one for the long-lived tree, one reset
/// after each short-lived tree).
fn bump(n: u32) -> Outcome {
    let plan = Plan::new(n);
    let mut short = Bump::new();
    let mut one_tree = |depth| {
        let sum = check(build(depth, &|node| short.alloc(node)));
        short.reset();
        sum
    };
    let stretch = one_tree(plan.stretch_depth());
    let long_lived = Bump::new();
    let long = build(plan.max_depth, &|node| long_lived.alloc(node));
    let step_3 = plan.short_lived(one_tree);
    plan.outcome(u64::from(stretch) + step_3 + u64::from(check(long)))
}

/// `arena`: as `bump`, with `allockit::Arena` used through `&Arena` on one thread. Every
/// node is the shared path, a compare-and-swap on the chunk's cursor, so this row shows
/// what thread safety costs when it is not needed (`arena-2-threads` uses the per-thread
/// handles, which bump without atomics).
fn arena(n: u32) -> Outcome {
    let plan = Plan::new(n);
    let mut short = Arena::new();
    let mut one_tree = |depth| {
        let sum = check(build(depth, &|node| short.alloc(node)));
        short.reset();
        sum
    };
    let stretch = one_tree(plan.stretch_depth());
    let long_lived = Arena::new();
    let long = build(plan.max_depth, &|node| long_lived.alloc(node));
    let step_3 = plan.short_lived(one_tree);
    plan.outcome(u64::from(stretch) + step_3 + u64::from(check(long)))
}

/// Nodes one thread of `arena-2-threads` builds between two resets of the shared arena
/// (at least one tree): 2^18 nodes, 4 MiB of 16-byte nodes.
const BATCH_NODES: u64 = 1 << 18;

/// `arena-2-threads`: two threads share the iterations of each depth and allocate from
/// one shared `Arena`.
///
/// Each thread allocates through its own [`LocalArena`](allockit::arena::LocalArena), the
/// arena's fast path for a thread with many allocations: the handle claims slabs (4 KiB
/// doubling to 64 KiB) from the shared arena's chunks with one compare-and-swap each, and
/// bumps inside its slab without atomics. Both threads therefore take their memory from
/// the same chunks, and the arena's chunk switches (under its lock) are shared.
///
/// Freeing: an arena is reset with `&mut`, which no thread can have while the other
/// allocates, so the threads work in *batches*. The arena sits in an `RwLock`; in each
/// batch both threads hold a read guard and build, check and drop their share of trees
/// (about [`BATCH_NODES`] nodes each, or one tree where a tree is bigger), then meet at
/// a barrier, where one of them takes the write lock and resets the shared arena, and
/// they meet again. A batch amortises the two barrier waits over about a millisecond of
/// work; the memory in use is two batches, about 8 MiB, half the stretch tree's 16 MiB
/// at depth 18. Iterations are a power of two of at least 16, so the threads get equal
/// shares and run the same number of batches.
///
/// The reset is `reset_keep_chunks`, the reset for steady-state loops. The two threads'
/// batch can need more than the arena's largest chunk, and a plain `reset` keeps only
/// that one, so it would take a 16 MiB chunk from `malloc` and free it again in many
/// batches (3.7 times the bytes requested at depth 18, each time with fresh page
/// faults). Kept chunks are reused in order, so after the stretch tree the arena takes
/// nothing more from its parent.
///
/// The stretch tree (built first, alone) is built on the calling thread in the shared
/// arena (through a handle too), which is then reset; the long-lived tree lives in an
/// arena of its own.
fn arena_2_threads(n: u32) -> Outcome {
    let plan = Plan::new(n);
    let mut shared = Arena::new();
    let stretch = {
        let local = shared.local();
        check(build(plan.stretch_depth(), &|node| local.alloc(node)))
    };
    shared.reset_keep_chunks();
    let long_lived = Arena::new();
    let long_local = long_lived.local();
    let long = build(plan.max_depth, &|node| long_local.alloc(node));

    let shared = RwLock::new(shared);
    let barrier = Barrier::new(2);
    let worker = || {
        let mut sum = 0;
        for (depth, iterations) in plan.depths() {
            let mine = iterations / 2;
            let per_batch = (BATCH_NODES / nodes(depth)).max(1);
            let mut built = 0;
            while built < mine {
                let batch = per_batch.min(mine - built);
                {
                    let arena = shared.read().expect("no thread panicked");
                    let local = arena.local();
                    for _ in 0..batch {
                        sum += u64::from(check(build(depth, &|node| local.alloc(node))));
                    }
                }
                built += batch;
                if barrier.wait().is_leader() {
                    shared.write().expect("no thread panicked").reset_keep_chunks();
                }
                barrier.wait();
            }
        }
        sum
    };
    let step_3 = std::thread::scope(|s| {
        let other = s.spawn(worker);
        worker() + other.join().expect("the second worker finished")
    });
    plan.outcome(u64::from(stretch) + step_3 + u64::from(check(long)))
}

// ---------------------------------------------------------------------------------------
// Boxed trees: glibc, mimalloc, jemalloc, pool.
// ---------------------------------------------------------------------------------------

/// A node of `glibc`: std's `Box` over the global allocator.
struct StdNode {
    /// The left and right subtrees; `None` for a leaf.
    children: Option<(std::boxed::Box<StdNode>, std::boxed::Box<StdNode>)>,
}

/// Builds a tree of depth `depth` bottom-up in std `Box`es.
fn build_std(depth: u32) -> std::boxed::Box<StdNode> {
    let children = (depth > 0).then(|| (build_std(depth - 1), build_std(depth - 1)));
    std::boxed::Box::new(StdNode { children })
}

/// The nodes of `tree`.
fn check_std(tree: &StdNode) -> u32 {
    1 + tree.children.as_ref().map_or(0, |(left, right)| check_std(left) + check_std(right))
}

/// `glibc`: every node a `std::boxed::Box`, each tree freed node by node when dropped.
fn glibc(n: u32) -> Outcome {
    let plan = Plan::new(n);
    let one_tree = |depth| check_std(&build_std(depth));
    let stretch = one_tree(plan.stretch_depth());
    let long = build_std(plan.max_depth);
    let step_3 = plan.short_lived(one_tree);
    plan.outcome(u64::from(stretch) + step_3 + u64::from(check_std(&long)))
}

/// A node in `allockit::Box`es over the allocator `A`.
struct HeapNode<A: Allocator> {
    /// The left and right subtrees; `None` for a leaf.
    children: Option<(HeapTree<A>, HeapTree<A>)>,
}

/// A tree of [`HeapNode`]s: its root's box.
type HeapTree<A> = allockit::Box<HeapNode<A>, A>;

/// Builds a tree of depth `depth` bottom-up, every node a `Box` over `heap()`.
///
/// `heap` makes the allocator value each box carries: a zero-sized `FromGlobalAlloc`
/// (`MiMalloc` is not `Copy`, so neither is its adapter; making one per box costs
/// nothing) or a `&Pool`.
fn build_boxed<A: Allocator>(depth: u32, heap: &impl Fn() -> A) -> HeapTree<A> {
    let children =
        (depth > 0).then(|| (build_boxed(depth - 1, heap), build_boxed(depth - 1, heap)));
    allockit::Box::new_in(HeapNode { children }, heap())
}

/// The nodes of `tree`.
fn check_boxed<A: Allocator>(tree: &HeapNode<A>) -> u32 {
    1 + tree.children.as_ref().map_or(0, |(left, right)| check_boxed(left) + check_boxed(right))
}

/// The benchmark with every node a `Box` over `heap()`, freed node by node.
fn boxed<A: Allocator>(n: u32, heap: impl Fn() -> A) -> Outcome {
    let plan = Plan::new(n);
    let one_tree = |depth| check_boxed(&build_boxed(depth, &heap));
    let stretch = one_tree(plan.stretch_depth());
    let long = build_boxed(plan.max_depth, &heap);
    let step_3 = plan.short_lived(one_tree);
    plan.outcome(u64::from(stretch) + step_3 + u64::from(check_boxed(&long)))
}

/// `mimalloc`: `allockit::Box` over mimalloc (counted by `Metered` in the memory child).
fn mimalloc(n: u32) -> Outcome {
    boxed(n, || FromGlobalAlloc::new(Metered(mimalloc::MiMalloc)))
}

/// `jemalloc`: `allockit::Box` over jemalloc (counted by `Metered` in the memory child).
#[cfg(not(any(loom, asan)))]
fn jemalloc(n: u32) -> Outcome {
    boxed(n, || FromGlobalAlloc::new(Metered(tikv_jemallocator::Jemalloc)))
}

/// `pool`: `allockit::Box` over one `Pool` for every tree; a dropped tree pushes its
/// nodes onto the pool's free list, and the next tree pops them. The pool's slabs come
/// from the global allocator.
fn pool(n: u32) -> Outcome {
    let pool = Pool::for_type::<HeapNode<&'static Pool>>();
    boxed(n, || &pool)
}

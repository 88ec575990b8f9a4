//! The allocator-level fuzz targets (`bump`, `arena`, `pool`; the drivers are in
//! `harness/src/targets/` and `harness/src/alloc_model.rs`) run in the ordinary suite:
//!
//! - [`random_inputs`]: each target on a few thousand pseudo-random byte strings, the
//!   same every run, so the drivers stay in step with the allocators between fuzzing
//!   campaigns;
//! - hand-written operation sequences for the cases that matter most: a parent that
//!   refuses the `n`-th request in the middle of chunk and slab switches, scopes nested
//!   in scopes, a block freed through another handle than the one that allocated it, a
//!   handle dropped while its blocks live on, resets with blocks outstanding.
//!
//! The saved crashes in `fuzz/regressions/<target>/` are replayed by `regressions`.

use allockit::alloc::Layout;
use allockit_harness::alloc_model::{Align, BlockOp, NewAlign, PlanSpec, Size};
use allockit_harness::targets::{arena, bump, pool};

/// A xorshift64 generator: the inputs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A byte string of up to `max` bytes.
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = (self.next() % (max as u64 + 1)) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Runs `target` on `count` pseudo-random inputs from `seed`, mostly short, some long.
fn random_inputs(target: fn(&[u8]), seed: u64, count: usize) {
    let mut rng = Rng(seed);
    for i in 0..count {
        let max = if i % 8 == 0 { 2048 } else { 300 };
        let input = rng.bytes(max);
        target(&input);
    }
}

/// How many random inputs each target gets.
const INPUTS: usize = 3000;

#[test]
fn bump_random_inputs() {
    random_inputs(bump::run, 0x0B0B_1E5E_ED00_0001, INPUTS);
}

#[test]
fn arena_random_inputs() {
    random_inputs(arena::run, 0x0A2E_4A5E_ED00_0002, INPUTS);
}

#[test]
fn pool_random_inputs() {
    random_inputs(pool::run, 0x0B00_15EE_D000_0003, INPUTS);
}

// ---------------------------------------------------------------------------------------
// Hand-written sequences
// ---------------------------------------------------------------------------------------

fn alloc(size: usize, align: usize) -> BlockOp {
    BlockOp::Alloc { size: Size(size), align: Align(align), zeroed: false }
}

fn alloc_zeroed(size: usize, align: usize) -> BlockOp {
    BlockOp::Alloc { size: Size(size), align: Align(align), zeroed: true }
}

/// Grows the newest block (`pick` 0) or block `pick >> 1` (odd `pick`) by `by`.
fn grow(pick: u8, by: usize, zeroed: bool) -> BlockOp {
    BlockOp::Grow { pick, fit: 0, by: Size(by), align: NewAlign(None), zeroed }
}

fn shrink(pick: u8, keep: u8, align: Option<usize>) -> BlockOp {
    BlockOp::Shrink { pick, fit: 0, keep, align: NewAlign(align.map(Align)) }
}

fn dealloc(pick: u8) -> BlockOp {
    BlockOp::Dealloc { pick, fit: 0 }
}

/// A bump whose parent refuses each of its first requests in turn, as chunks are taken,
/// grown in place through the parent and taken again after a reset.
#[test]
fn bump_parent_refuses_the_nth_request() {
    use bump::Op::*;
    for n in 0..12 {
        let ops = [
            Block(alloc(100, 8)),
            Block(alloc(1000, 16)),     // past the first chunk
            Block(grow(0, 5000, true)), // alone in its chunk: grows through the parent
            ScopeBegin,
            Block(alloc(300, 64)),
            ScopeBegin,
            Block(alloc_zeroed(20_000, 4096)),
            Block(grow(0, 30_000, false)),
            ScopeEnd,
            Block(shrink(0, 100, Some(256))),
            ScopeEnd,
            Block(dealloc(1)),
            Reset,
            Block(alloc(4000, 8)),
            ResetKeepChunks,
            Block(alloc(64, 1)),
            Block(grow(0, 10_000, true)),
        ];
        let setup = bump::Setup { plan: PlanSpec::Nth(n), capacity: None };
        bump::drive(setup, &mut ops.into_iter());
    }
}

/// Blocks resized and freed through another handle than the one that allocated them;
/// handles renewed (their slab's tail given back) while their blocks live on; a tight
/// limit; a parent that refuses the `n`-th request.
#[test]
fn arena_blocks_cross_handles() {
    use arena::Op::*;
    for n in 0..10 {
        let ops = [
            Block { via: 1, op: alloc(24, 8) },
            Block { via: 2, op: alloc(5000, 16) }, // past a quarter slab: the arena's
            Block { via: 1, op: alloc(40, 8) },
            Block { via: 0, op: grow(0, 100, true) }, // the handle's newest, through the arena
            Block { via: 3, op: grow(3, 70_000, false) }, // another's block, through a third
            Renew(0),
            Block { via: 2, op: shrink(0, 10, Some(64)) },
            Block { via: 1, op: dealloc(1) },
            Limit(Some(64)),
            Block { via: 3, op: alloc(20_000, 8) },
            Limit(None),
            Reset,
            Block { via: 2, op: alloc(100, 8) },
            Block { via: 0, op: dealloc(0) },
        ];
        let setup = arena::Setup { plan: PlanSpec::Nth(n), capacity: Some(200) };
        arena::drive(setup, &mut ops.into_iter());
    }
}

/// A `Pool` and a `SyncPool` with blocks crossing between the pool and the parent, freed
/// through other handles, slabs released, and a parent refusing the `n`-th request.
#[test]
fn pools_route_and_release_under_a_failing_parent() {
    use pool::Op::*;
    for sync in [false, true] {
        for n in 0..10 {
            let ops = [
                Block { via: 1, op: alloc(16, 8) },
                Block { via: 2, op: alloc(48, 8) },
                Block { via: 0, op: alloc(500, 8) }, // too big: the parent's
                Block { via: 2, op: grow(1, 1000, true) }, // a pooled block crosses over
                Block { via: 1, op: shrink(0, 1, Some(8)) }, // and comes back
                Block { via: 0, op: alloc_zeroed(32, 4096) }, // too aligned: the parent's
                Flush(0),
                Block { via: 1, op: dealloc(1) },
                Block { via: 2, op: dealloc(1) },
                ReleaseEmptySlabs,
                Renew(1),
                Limit(Some(0)),
                Block { via: 0, op: alloc(8000, 8) },
                Limit(None),
                Block { via: 2, op: alloc(64, 8) },
            ];
            let setup = pool::Setup {
                plan: PlanSpec::Nth(n),
                sync,
                layout: Layout::from_size_align(64, 8).unwrap(),
                capacity: None,
            };
            pool::drive(setup, &mut ops.into_iter());
        }
    }
}

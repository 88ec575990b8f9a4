//! The `pool` fuzz target: a `Pool`, or a `SyncPool` with [`HANDLES`] `LocalPool`
//! handles, driven through the `Allocator` trait by the
//! [`alloc_model`](crate::alloc_model) driver, over a `TestAlloc` parent that refuses
//! requests by a plan decoded from the input. The pool's block layout is decoded too, and
//! requests are of every size, so some fit a block and the rest go to the parent (and
//! resizes cross between the two). `release_empty_slabs`, allocation limits and parent
//! failure plans are interleaved; with a `SyncPool`, calls go through the pool or any
//! handle (a block freed through another than the one that allocated it), and handles
//! are flushed, or dropped and replaced.
//!
//! Besides the driver's checks on every block, after every call: `check_invariants()`
//! (of the pool and of every handle) passes, and the statistics agree with the model and
//! with the parent: the parent's live bytes are exactly the slabs plus the forwarded
//! blocks, `forwarded` is the sum of the live forwarded blocks' sizes, `live_blocks` is
//! the live pooled blocks (plus, for a `SyncPool`, what the handles cache), and every
//! block of the slabs is live or free. `release_empty_slabs` gives the parent back exactly
//! the bytes it reports. At the end, the forwarded blocks and some pooled ones are freed,
//! the pool is dropped with the others live, and the parent gets everything back.

use allockit::alloc::Layout;
use allockit::pool::{LocalPool, PoolStats};
use allockit::{Pool, SyncPool};
use arbitrary::{Arbitrary, Result, Unstructured};

use crate::alloc_model::{BlockOp, Blocks, Env, PlanSpec, limit_above, next};
use crate::test_alloc::TestAlloc;

/// `LocalPool` handles used beside `&SyncPool`.
const HANDLES: usize = 2;

/// How the pool and its parent start.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    pub plan: PlanSpec,
    /// A `SyncPool` (with handles) rather than a `Pool`.
    pub sync: bool,
    /// The layout the pool is made for.
    pub layout: Layout,
    /// `try_with_capacity_in` with this many blocks, or `new_in`.
    pub capacity: Option<u8>,
}

impl<'a> Arbitrary<'a> for Setup {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let plan = u.arbitrary()?;
        let sync = u.arbitrary()?;
        let size = u16::arbitrary(u)?;
        // Mostly small blocks, so that the driver's small requests fit; sometimes big.
        let size =
            if size >> 13 == 7 { usize::from(size & 0x0FFF) } else { usize::from(size % 257) };
        let align_log = match u8::arbitrary(u)? {
            0..=199 => 0,
            200..=229 => 3 + u32::from(u8::arbitrary(u)? % 4),
            _ => 7 + u32::from(u8::arbitrary(u)? % 6),
        };
        let layout =
            Layout::from_size_align(size, 1 << align_log).expect("small layouts are valid");
        Ok(Setup { plan, sync, layout, capacity: u.arbitrary()? })
    }
}

/// One operation of the target.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// A call through handle `via`: for a `SyncPool`, `via % (HANDLES + 1)` is 0 for the
    /// pool and the handles otherwise; a `Pool` has only itself.
    Block {
        via: u8,
        op: BlockOp,
    },
    ReleaseEmptySlabs,
    /// Sets a limit above what the parent has live now, or lifts it.
    Limit(Option<u16>),
    ParentPlan(PlanSpec),
    /// Flushes `LocalPool` `h % HANDLES` (a `SyncPool` only).
    Flush(u8),
    /// Drops `LocalPool` `h % HANDLES`, giving its cache back, and makes a new one.
    Renew(u8),
}

impl<'a> Arbitrary<'a> for Op {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=229 => Op::Block { via: u.arbitrary()?, op: u.arbitrary()? },
            230..=235 => Op::ReleaseEmptySlabs,
            236..=241 => Op::Limit(u.arbitrary()?),
            242..=245 => Op::ParentPlan(u.arbitrary()?),
            246..=250 => Op::Flush(u.arbitrary()?),
            _ => Op::Renew(u.arbitrary()?),
        })
    }
}

/// The live blocks the model has on each side: (pooled blocks, bytes forwarded).
fn sides(blocks: &Blocks, block: Layout) -> (usize, usize) {
    let mut pooled = 0;
    let mut forwarded = 0;
    for b in blocks.live() {
        if b.layout.size() <= block.size() && b.layout.align() <= block.align() {
            pooled += 1;
        } else {
            forwarded += b.layout.size();
        }
    }
    (pooled, forwarded)
}

/// The statistics agree with the model (`cached`: blocks the handles hold) and the parent.
#[track_caller]
fn check_stats(s: PoolStats, blocks: &Blocks, block: Layout, cached: usize, parent: &TestAlloc) {
    let (pooled, forwarded) = sides(blocks, block);
    assert_eq!(parent.live_bytes(), s.reserved + s.forwarded, "parent vs slabs + forwarded: {s:?}");
    assert_eq!(s.forwarded, forwarded, "forwarded bytes: {s:?}");
    assert_eq!(s.live_blocks, pooled + cached, "live pooled blocks (cached: {cached}): {s:?}");
    assert_eq!(s.live_blocks + s.free_blocks, s.capacity, "{s:?}");
    assert_eq!(s.slabs == 0, s.reserved == 0, "{s:?}");
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(setup) = Setup::arbitrary(&mut u) else { return };
    let steps = drive(setup, &mut std::iter::from_fn(|| next::<Op>(&mut u)));
    super::count_operations(steps);
}

/// Runs `ops` on a pool made by `setup`, checking everything; returns the calls made.
pub fn drive(setup: Setup, ops: &mut dyn Iterator<Item = Op>) -> u64 {
    let parent = TestAlloc::failing(setup.plan.plan());
    let steps =
        if setup.sync { run_sync(&setup, &parent, ops) } else { run_single(&setup, &parent, ops) };
    parent.assert_no_leaks();
    steps
}

/// A capacity constructor failed: only the parent may have caused it. No steps ran.
fn failed_constructor(parent: &TestAlloc) -> u64 {
    assert!(parent.refused() > 0, "with_capacity failed without a refusal");
    0
}

fn run_single(setup: &Setup, parent: &TestAlloc, ops: &mut dyn Iterator<Item = Op>) -> u64 {
    let pool = match setup.capacity {
        None => Pool::new_in(setup.layout, parent),
        Some(n) => match Pool::try_with_capacity_in(setup.layout, usize::from(n), parent) {
            Ok(pool) => pool,
            Err(_) => return failed_constructor(parent),
        },
    };
    let block = pool.block_layout();
    let mut blocks = Blocks::new();
    let check = |blocks: &Blocks| {
        pool.check_invariants();
        check_stats(pool.stats(), blocks, block, 0, parent);
    };
    check(&blocks);
    for op in ops {
        match op {
            Op::Block { op, .. } => {
                let limit = pool.allocation_limit();
                let env = Env { parent, limit, pool_block: Some(block) };
                blocks.apply(&pool, op, &env);
            }
            Op::ReleaseEmptySlabs => {
                let before = parent.live_bytes();
                let released = pool.release_empty_slabs();
                assert_eq!(parent.live_bytes(), before - released, "release_empty_slabs' count");
                blocks.note_step();
            }
            Op::Limit(headroom) => {
                pool.set_allocation_limit(limit_above(parent, headroom));
                blocks.note_step();
            }
            Op::ParentPlan(plan) => parent.set_plan(plan.plan()),
            Op::Flush(_) | Op::Renew(_) => {}
        }
        check(&blocks);
    }
    blocks.verify_all();
    // Free the forwarded blocks (the parent would leak them) and half the others; the
    // pool goes with the rest still live.
    blocks.free_where(&pool, |b| b.id % 2 == 1 || !fits(b.layout, block));
    check(&blocks);
    blocks.steps()
}

fn fits(layout: Layout, block: Layout) -> bool {
    layout.size() <= block.size() && layout.align() <= block.align()
}

fn run_sync(setup: &Setup, parent: &TestAlloc, ops: &mut dyn Iterator<Item = Op>) -> u64 {
    let pool = match setup.capacity {
        None => SyncPool::new_in(setup.layout, parent),
        Some(n) => match SyncPool::try_with_capacity_in(setup.layout, usize::from(n), parent) {
            Ok(pool) => pool,
            Err(_) => return failed_constructor(parent),
        },
    };
    let block = pool.block_layout();
    let mut blocks = Blocks::new();
    let mut handles: [LocalPool<'_, &TestAlloc>; HANDLES] = std::array::from_fn(|_| pool.local());
    let check = |blocks: &Blocks, handles: &[LocalPool<'_, &TestAlloc>]| {
        pool.check_invariants();
        let mut cached = 0;
        for h in handles {
            h.check_invariants();
            cached += h.cached_blocks();
        }
        check_stats(pool.stats(), blocks, block, cached, parent);
    };
    check(&blocks, &handles);
    for op in ops {
        match op {
            Op::Block { via, op } => {
                let limit = pool.allocation_limit();
                let env = Env { parent, limit, pool_block: Some(block) };
                match usize::from(via) % (HANDLES + 1) {
                    0 => blocks.apply(&pool, op, &env),
                    h => blocks.apply(&handles[h - 1], op, &env),
                }
            }
            Op::ReleaseEmptySlabs => {
                let before = parent.live_bytes();
                let released = pool.release_empty_slabs();
                assert_eq!(parent.live_bytes(), before - released, "release_empty_slabs' count");
                blocks.note_step();
            }
            Op::Limit(headroom) => {
                pool.set_allocation_limit(limit_above(parent, headroom));
                blocks.note_step();
            }
            Op::ParentPlan(plan) => parent.set_plan(plan.plan()),
            Op::Flush(h) => {
                let h = &handles[usize::from(h) % HANDLES];
                h.flush();
                assert_eq!(h.cached_blocks(), 0, "a flushed handle still caches blocks");
                blocks.note_step();
            }
            Op::Renew(h) => {
                handles[usize::from(h) % HANDLES] = pool.local();
                blocks.note_step();
            }
        }
        check(&blocks, &handles);
    }
    blocks.verify_all();
    // As for a `Pool`; the handles give their caches back first.
    drop(handles);
    blocks.free_where(&pool, |b| b.id % 2 == 1 || !fits(b.layout, block));
    check(&blocks, &[]);
    blocks.steps()
}

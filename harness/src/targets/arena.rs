//! The `arena` fuzz target: an `Arena` driven through the `Allocator` trait by the
//! [`alloc_model`](crate::alloc_model) driver, on one thread, through the shared `&Arena`
//! and [`HANDLES`] `LocalArena` handles in any interleaving: a block may be resized or
//! freed through another handle than the one that allocated it, and a handle may be
//! dropped (giving its slab's tail back) and replaced while its blocks live on. Resets,
//! allocation limits and parent failure plans are interleaved. (Threads are loom's job.)
//!
//! Besides the driver's checks on every block, after every call: `check_invariants()`
//! passes, the arena's `reserved` is exactly what the parent has live, and `allocated <=
//! capacity`. A reset leaves nothing allocated and at most one chunk; `reset_keep_chunks`
//! gives nothing back. At the end, dropping the arena gives the parent everything back.

use allockit::Arena;
use allockit::arena::LocalArena;
use arbitrary::{Arbitrary, Result, Unstructured};

use crate::alloc_model::{BlockOp, Blocks, Env, PlanSpec, limit_above, next};
use crate::test_alloc::TestAlloc;

/// `LocalArena` handles used beside `&Arena`.
const HANDLES: usize = 3;

type TestArena<'p> = Arena<&'p TestAlloc>;

/// How the arena and its parent start.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Setup {
    pub plan: PlanSpec,
    /// `try_with_capacity_in` with this many bytes, or `new_in`.
    pub capacity: Option<u16>,
}

/// One operation of the target.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// A call through handle `via % (HANDLES + 1)`: 0 is `&Arena`, the others the
    /// `LocalArena`s.
    Block {
        via: u8,
        op: BlockOp,
    },
    /// Drops `LocalArena` `h % HANDLES` and makes a new one in its place.
    Renew(u8),
    /// Drops the handles, forgets every block and resets.
    Reset,
    ResetKeepChunks,
    /// Sets a limit above what the parent has live now, or lifts it.
    Limit(Option<u16>),
    ParentPlan(PlanSpec),
}

impl<'a> Arbitrary<'a> for Op {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=229 => Op::Block { via: u.arbitrary()?, op: u.arbitrary()? },
            230..=239 => Op::Renew(u.arbitrary()?),
            240..=243 => Op::Reset,
            244..=247 => Op::ResetKeepChunks,
            248..=251 => Op::Limit(u.arbitrary()?),
            _ => Op::ParentPlan(u.arbitrary()?),
        })
    }
}

struct Run<'p, 'o> {
    parent: &'p TestAlloc,
    blocks: Blocks,
    ops: &'o mut dyn Iterator<Item = Op>,
}

impl Run<'_, '_> {
    /// The checks after every call.
    fn check(&self, arena: &TestArena<'_>) {
        arena.check_invariants();
        let stats = arena.stats();
        assert_eq!(stats.reserved, self.parent.live_bytes(), "reserved vs the parent: {stats:?}");
        assert!(stats.allocated <= stats.capacity, "{stats:?}");
    }

    /// Runs operations with a fresh set of handles until a reset (returned, with whether
    /// it keeps the chunks) or the end of the input (`None`).
    fn session(&mut self, arena: &TestArena<'_>) -> Option<bool> {
        let mut handles: [LocalArena<'_, &TestAlloc>; HANDLES] =
            std::array::from_fn(|_| arena.local());
        let stop = loop {
            let Some(op) = self.ops.next() else { break None };
            match op {
                Op::Block { via, op } => {
                    let env = Env {
                        parent: self.parent,
                        limit: arena.allocation_limit(),
                        pool_block: None,
                    };
                    match usize::from(via) % (HANDLES + 1) {
                        0 => self.blocks.apply(arena, op, &env),
                        h => self.blocks.apply(&handles[h - 1], op, &env),
                    }
                }
                Op::Renew(h) => {
                    // Dropping the old handle gives its slab's tail back.
                    handles[usize::from(h) % HANDLES] = arena.local();
                    self.blocks.note_step();
                }
                Op::Reset => break Some(false),
                Op::ResetKeepChunks => break Some(true),
                Op::Limit(headroom) => {
                    arena.set_allocation_limit(limit_above(self.parent, headroom));
                    self.blocks.note_step();
                }
                Op::ParentPlan(plan) => self.parent.set_plan(plan.plan()),
            }
            self.check(arena);
        };
        drop(handles);
        self.blocks.verify_all();
        self.check(arena);
        stop
    }
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(setup) = Setup::arbitrary(&mut u) else { return };
    let steps = drive(setup, &mut std::iter::from_fn(|| next::<Op>(&mut u)));
    super::count_operations(steps);
}

/// Runs `ops` on an arena made by `setup`, checking everything; returns the calls made.
pub fn drive(setup: Setup, ops: &mut dyn Iterator<Item = Op>) -> u64 {
    let parent = TestAlloc::failing(setup.plan.plan());
    let mut arena = match setup.capacity {
        None => Arena::new_in(&parent),
        Some(capacity) => match Arena::try_with_capacity_in(usize::from(capacity), &parent) {
            Ok(arena) => arena,
            Err(_) => {
                assert!(parent.refused() > 0, "with_capacity failed without a refusal");
                parent.assert_no_leaks();
                return 0;
            }
        },
    };
    let mut run = Run { parent: &parent, blocks: Blocks::new(), ops };
    run.check(&arena);
    while let Some(keep_chunks) = run.session(&arena) {
        run.blocks.forget_all();
        let reserved = arena.stats().reserved;
        if keep_chunks {
            arena.reset_keep_chunks();
            assert_eq!(arena.stats().reserved, reserved, "reset_keep_chunks gave back");
        } else {
            arena.reset();
            assert!(arena.stats().chunks <= 1, "reset kept more than one chunk");
        }
        assert_eq!(arena.stats().allocated, 0, "a reset left bytes allocated");
        run.blocks.note_step();
        run.check(&arena);
    }
    // Free the blocks newest first, through the arena, so that each is given back in
    // place when it ends at the cursor.
    run.blocks.free_where(&arena, |_| true);
    run.check(&arena);
    drop(arena);
    parent.assert_no_leaks();
    run.blocks.steps()
}

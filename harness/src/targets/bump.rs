//! The `bump` fuzz target: `&Bump` driven through the `Allocator` trait by the
//! [`alloc_model`](crate::alloc_model) driver, over a `TestAlloc` parent that refuses
//! requests by a plan decoded from the input, with resets, nested scopes and allocation
//! limits interleaved.
//!
//! Besides the driver's checks on every block, after every call: `check_invariants()`
//! passes, the bump's `reserved` is exactly what the parent has live, and `allocated <=
//! capacity`. A scope's end gives back exactly what the scope allocated (`allocated` is
//! what it was when the scope began) and leaves every older block intact; a reset leaves
//! nothing allocated and at most one chunk. At the end, dropping the bump gives the parent
//! everything back.

use allockit::Bump;
use allockit::bump::ScopeGuard;
use arbitrary::{Arbitrary, Result, Unstructured};

use crate::alloc_model::{BlockOp, Blocks, Env, PlanSpec, limit_above, next};
use crate::test_alloc::TestAlloc;

/// Scopes nest at most this deep.
const MAX_DEPTH: u32 = 4;

type TestBump<'p> = Bump<&'p TestAlloc>;

/// How the bump and its parent start.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Setup {
    pub plan: PlanSpec,
    /// `try_with_capacity_in` with this many bytes, or `new_in`.
    pub capacity: Option<u16>,
}

/// One operation of the target.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    Block(BlockOp),
    /// Starts a scope (nested in the current one, up to [`MAX_DEPTH`]).
    ScopeBegin,
    /// Ends the innermost scope (nothing outside scopes).
    ScopeEnd,
    /// Forgets every block and resets (ends every scope first).
    Reset,
    ResetKeepChunks,
    /// Sets a limit above what the parent has live now, or lifts it.
    Limit(Option<u16>),
    ParentPlan(PlanSpec),
}

impl<'a> Arbitrary<'a> for Op {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=219 => Op::Block(u.arbitrary()?),
            220..=229 => Op::ScopeBegin,
            230..=239 => Op::ScopeEnd,
            240..=243 => Op::Reset,
            244..=247 => Op::ResetKeepChunks,
            248..=251 => Op::Limit(u.arbitrary()?),
            _ => Op::ParentPlan(u.arbitrary()?),
        })
    }
}

/// What ended a scope's run of operations.
enum Stop {
    /// A `ScopeEnd`: go on in the enclosing scope.
    ScopeEnd,
    /// A reset: every scope ends, then the bump is reset.
    Reset { keep_chunks: bool },
    /// The input ran out.
    End,
}

struct Run<'p, 'o> {
    parent: &'p TestAlloc,
    blocks: Blocks,
    ops: &'o mut dyn Iterator<Item = Op>,
}

impl Run<'_, '_> {
    /// The checks after every call.
    fn check(&self, bump: &TestBump<'_>) {
        bump.check_invariants();
        let stats = bump.stats();
        assert_eq!(stats.reserved, self.parent.live_bytes(), "reserved vs the parent: {stats:?}");
        assert!(stats.allocated <= stats.capacity, "{stats:?}");
    }

    /// Runs operations on `bump` until a structural one stops it. `ScopeBegin` is
    /// returned to the caller as `None` (it needs the exclusive borrow the caller holds).
    fn step(&mut self, bump: &TestBump<'_>, op: Op) -> Option<Stop> {
        match op {
            Op::Block(op) => {
                let env =
                    Env { parent: self.parent, limit: bump.allocation_limit(), pool_block: None };
                self.blocks.apply(bump, op, &env);
            }
            Op::ScopeBegin => unreachable!("handled by the caller"),
            Op::ScopeEnd => return Some(Stop::ScopeEnd),
            Op::Reset => return Some(Stop::Reset { keep_chunks: false }),
            Op::ResetKeepChunks => return Some(Stop::Reset { keep_chunks: true }),
            Op::Limit(headroom) => {
                bump.set_allocation_limit(limit_above(self.parent, headroom));
                self.blocks.note_step();
            }
            Op::ParentPlan(plan) => self.parent.set_plan(plan.plan()),
        }
        self.check(bump);
        None
    }

    /// Runs a scope: its operations until its `ScopeEnd`, a reset or the end of input.
    fn scope(&mut self, mut guard: ScopeGuard<'_, &TestAlloc>, depth: u32) -> Stop {
        self.blocks.enter();
        let stop = loop {
            let Some(op) = self.ops.next() else { break Stop::End };
            if let Op::ScopeBegin = op {
                if depth < MAX_DEPTH {
                    let allocated = guard.stats().allocated;
                    let stop = self.scope(guard.scope_guard(), depth + 1);
                    let after = guard.stats();
                    assert_eq!(after.allocated, allocated, "a nested scope gave back more or less");
                    self.check(&guard);
                    if !matches!(stop, Stop::ScopeEnd) {
                        break stop;
                    }
                }
                continue;
            }
            if let Some(stop) = self.step(&guard, op) {
                break stop;
            }
        };
        drop(guard);
        self.blocks.leave();
        self.blocks.note_step();
        stop
    }

    /// The top level: operations, scopes and resets until the input runs out.
    fn top(&mut self, bump: &mut TestBump<'_>) {
        loop {
            let Some(op) = self.ops.next() else { return };
            let stop = if let Op::ScopeBegin = op {
                let allocated = bump.stats().allocated;
                let stop = self.scope(bump.scope_guard(), 1);
                let after = bump.stats();
                assert_eq!(
                    after.allocated, allocated,
                    "the scope gave back more or less: {after:?}"
                );
                self.check(bump);
                match stop {
                    Stop::ScopeEnd => continue,
                    stop => stop,
                }
            } else {
                match self.step(bump, op) {
                    Some(Stop::ScopeEnd) | None => continue,
                    Some(stop) => stop,
                }
            };
            match stop {
                Stop::End => return,
                Stop::ScopeEnd => unreachable!(),
                Stop::Reset { keep_chunks } => {
                    self.blocks.forget_all();
                    let reserved = bump.stats().reserved;
                    if keep_chunks {
                        bump.reset_keep_chunks();
                        assert_eq!(bump.stats().reserved, reserved, "reset_keep_chunks gave back");
                    } else {
                        bump.reset();
                        assert!(bump.stats().chunks <= 1, "reset kept more than one chunk");
                    }
                    assert_eq!(bump.stats().allocated, 0, "a reset left bytes allocated");
                    self.blocks.note_step();
                    self.check(bump);
                }
            }
        }
    }
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(setup) = Setup::arbitrary(&mut u) else { return };
    let steps = drive(setup, &mut std::iter::from_fn(|| next::<Op>(&mut u)));
    super::count_operations(steps);
}

/// Runs `ops` on a bump made by `setup`, checking everything; returns the calls made.
pub fn drive(setup: Setup, ops: &mut dyn Iterator<Item = Op>) -> u64 {
    let parent = TestAlloc::failing(setup.plan.plan());
    let bump = match setup.capacity {
        None => Bump::new_in(&parent),
        Some(capacity) => match Bump::try_with_capacity_in(usize::from(capacity), &parent) {
            Ok(bump) => bump,
            Err(_) => {
                assert!(parent.refused() > 0, "with_capacity failed without a refusal");
                parent.assert_no_leaks();
                return 0;
            }
        },
    };
    let mut bump = bump;
    let mut run = Run { parent: &parent, blocks: Blocks::new(), ops };
    run.check(&bump);
    run.top(&mut bump);
    run.blocks.verify_all();
    // Free the blocks newest first, so that each is given back in place.
    run.blocks.free_where(&bump, |_| true);
    run.check(&bump);
    drop(bump);
    parent.assert_no_leaks();
    run.blocks.steps()
}

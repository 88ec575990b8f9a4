//! What the collection targets (`vec`, `string`, `boxed`) share: the allocator of a run,
//! decoded from the input, with its fault plan and its checks.
//!
//! | choice       | the collection's allocator                  | refusals (in `try_` calls)  |
//! |--------------|---------------------------------------------|-----------------------------|
//! | `Global`     | `Global`                                    | none                        |
//! | `Test`       | `&TestAlloc`                                | by the plan, [strict]       |
//! | `Shared`     | `SharedAlloc` (held by value, not `Copy`)   | by the plan, [strict]       |
//! | `Bump`       | `&Bump<&TestAlloc>`                         | by the parent's plan        |
//! | `Arena`      | `&Arena<&TestAlloc>`                        | by the parent's plan        |
//! | `LocalArena` | `&LocalArena` of an `Arena<&TestAlloc>`     | by the parent's plan        |
//! | `Pool`       | `&Pool<&TestAlloc>`, 16, 64 or 256-byte blocks | by the parent's plan     |
//!
//! [strict]: crate::faults::Faults::strict
//!
//! Checks, besides the driver's own: straight over a `TestAlloc` (`Test`, `Shared`), the
//! collection's blocks must be all that is live after each step, and at the end nothing
//! is live, no request was for zero bytes and every copy of a `SharedAlloc` was dropped.
//! Over a crate allocator, its `check_invariants` runs after each step, and once it is
//! dropped its parent must have got every block back. A pool serves the requests that fit
//! a block and passes larger ones to its parent, so a growing buffer crosses between them.
//!
//! Every choice but `Shared` reaches the driver as `&dyn Allocator`, so a driver is
//! compiled once for all of them, not once per allocator (and, for `vec`, per element
//! type): every copy is code the fuzzer must cover anew, and counters libFuzzer scans
//! after each run. The allocators' own code is the same either way. `Shared` is the one
//! allocator held by value (its clones must all be dropped); [`Job::run_shared`] lets a
//! driver run it for fewer types.

use std::sync::Arc;

use allockit::alloc::{Allocator, Global, Layout};
use allockit::{Arena, Bump, Pool};
use arbitrary::Arbitrary;

use crate::faults::{Faults, PlanChoice};
use crate::test_alloc::{SharedAlloc, TestAlloc};

/// The allocator of a run; see the [module docs](self).
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum AllocChoice {
    Global,
    Test(PlanChoice),
    Shared(PlanChoice),
    Bump(PlanChoice),
    Arena(PlanChoice),
    LocalArena(PlanChoice),
    Pool(PlanChoice, PoolBlock),
}

/// A pool's block size (alignment 8).
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum PoolBlock {
    B16,
    B64,
    B256,
}

impl PoolBlock {
    fn layout(self) -> Layout {
        let size = match self {
            PoolBlock::B16 => 16,
            PoolBlock::B64 => 64,
            PoolBlock::B256 => 256,
        };
        Layout::from_size_align(size, 8).expect("a valid layout")
    }
}

/// What a driver gets besides its allocator.
pub struct Env<'a> {
    /// Where refusals come from, if anywhere.
    pub faults: Option<Faults<'a>>,
    /// The `TestAlloc` the collection allocates from directly, if it does: then the
    /// collection's blocks must be all that is live.
    pub live: Option<&'a TestAlloc>,
    /// The allocator's invariants, to check after every step.
    pub check: &'a dyn Fn(),
}

/// A driver run, generic over the allocator.
pub trait Job: Sized {
    /// Runs over `alloc`; returns how many operations ran.
    fn run<A: Allocator + Clone>(self, alloc: A, env: &Env<'_>) -> usize;

    /// Runs over a [`SharedAlloc`] held by value; [`run`](Self::run) unless the job says
    /// otherwise.
    fn run_shared(self, alloc: SharedAlloc, env: &Env<'_>) -> usize {
        self.run(alloc, env)
    }
}

/// Builds the allocator `choice` names, runs `job` over it, drops it and checks that
/// nothing leaked. Returns the job's operation count.
pub fn run_in(choice: AllocChoice, job: impl Job) -> usize {
    let nothing = || {};
    match choice {
        AllocChoice::Global => {
            job.run(&Global as &dyn Allocator, &Env { faults: None, live: None, check: &nothing })
        }
        AllocChoice::Test(plan) => {
            let alloc = plan.test_alloc();
            let env =
                Env { faults: Some(Faults::direct(&alloc)), live: Some(&alloc), check: &nothing };
            let ops = job.run(&alloc as &dyn Allocator, &env);
            after_direct(&alloc);
            ops
        }
        AllocChoice::Shared(plan) => {
            let shared = SharedAlloc(Arc::new(plan.test_alloc()));
            let alloc = &*shared.0;
            let env =
                Env { faults: Some(Faults::direct(alloc)), live: Some(alloc), check: &nothing };
            let ops = job.run_shared(shared.clone(), &env);
            assert_eq!(shared.handles(), 1, "copies of the allocator were leaked");
            after_direct(alloc);
            ops
        }
        AllocChoice::Bump(plan) => {
            let parent = plan.test_alloc();
            let ops = {
                let bump = Bump::new_in(&parent);
                let check = || bump.check_invariants();
                let by_ref = &bump;
                job.run(&by_ref as &dyn Allocator, &over(&parent, &check))
            };
            parent.assert_no_leaks();
            ops
        }
        AllocChoice::Arena(plan) => {
            let parent = plan.test_alloc();
            let ops = {
                let arena = Arena::new_in(&parent);
                let check = || arena.check_invariants();
                let by_ref = &arena;
                job.run(&by_ref as &dyn Allocator, &over(&parent, &check))
            };
            parent.assert_no_leaks();
            ops
        }
        AllocChoice::LocalArena(plan) => {
            let parent = plan.test_alloc();
            let ops = {
                let arena = Arena::new_in(&parent);
                let local = arena.local();
                let check = || arena.check_invariants();
                let by_ref = &local;
                let ops = job.run(&by_ref as &dyn Allocator, &over(&parent, &check));
                drop(local);
                arena.check_invariants();
                ops
            };
            parent.assert_no_leaks();
            ops
        }
        AllocChoice::Pool(plan, block) => {
            let parent = plan.test_alloc();
            let ops = {
                let pool = Pool::new_in(block.layout(), &parent);
                let check = || pool.check_invariants();
                let by_ref = &pool;
                job.run(&by_ref as &dyn Allocator, &over(&parent, &check))
            };
            parent.assert_no_leaks();
            ops
        }
    }
}

/// The environment of an allocator whose parent is `parent`.
fn over<'a>(parent: &'a TestAlloc, check: &'a dyn Fn()) -> Env<'a> {
    Env { faults: Some(Faults::parent(parent)), live: None, check }
}

/// The end of a run straight over a `TestAlloc`.
fn after_direct(alloc: &TestAlloc) {
    alloc.assert_no_leaks();
    let stats = alloc.stats();
    assert_eq!(stats.zero_sized, 0, "a zero-sized request reached the allocator: {stats:?}");
}

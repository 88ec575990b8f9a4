//! Fault injection for the differential drivers: which [`TestAlloc`] refuses requests,
//! and how a fallible call is run under it.
//!
//! The drivers take an `Option<Faults>`. With `Some`, every fallible call on *our*
//! collection (`try_reserve`, `try_push`, `Box::try_new_in`...) runs first, inside
//! [`TestAlloc::armed`], through [`Faults::call`], which also says whether the allocator
//! refused a request meanwhile. The driver then decides:
//!
//! | ours returned             | refused? | then                                                 |
//! |--------------------------|----------|------------------------------------------------------|
//! | `Err` (kind `AllocError`) | yes      | std's side is skipped; ours must be unchanged        |
//! | `Err` (kind `AllocError`) | no       | failure: an allocation error nobody caused           |
//! | anything else            | yes      | failure if [`strict`](Faults::strict), else as below |
//! | anything else            | no       | std's side runs, and both results must agree         |
//!
//! "Unchanged" is proved by the driver's usual comparison against std's collection (which
//! did not run the call): contents, length and capacity, plus the buffer pointer, which
//! the driver compares itself.
//!
//! Infallible calls are never armed: a refused infallible call ends the process through
//! `handle_alloc_error`, which no driver can observe.
//!
//! Decoding the plan from fuzz input is [`PlanChoice`]'s job (`arbitrary`).

use arbitrary::{Arbitrary, Unstructured};

use crate::panics::catch;
use crate::test_alloc::{FailPlan, TestAlloc};

/// The allocator that refuses requests when armed, and how directly the collection sees it.
#[derive(Clone, Copy, Debug)]
pub struct Faults<'a> {
    /// Made with [`TestAlloc::failing_when_armed`].
    pub alloc: &'a TestAlloc,
    /// True when the collection's allocator is this `TestAlloc` (or a handle to it), so a
    /// refused request must make the call fail. False when an allocator sits between
    /// (a `Bump` or `Pool` whose parent it is): that one may retry and succeed (a `Bump`
    /// asks for a smaller chunk), so a refusal only allows the call to fail.
    pub strict: bool,
}

impl<'a> Faults<'a> {
    /// `alloc` is the collection's allocator.
    pub fn direct(alloc: &'a TestAlloc) -> Self {
        Faults { alloc, strict: true }
    }

    /// `alloc` is the parent of the collection's allocator.
    pub fn parent(alloc: &'a TestAlloc) -> Self {
        Faults { alloc, strict: false }
    }

    /// Runs `f` armed and under [`catch`]; returns its result (or panic message) and
    /// whether the allocator refused a request meanwhile.
    pub fn call<R>(self, f: impl FnOnce() -> R) -> (Result<R, String>, bool) {
        let before = self.alloc.refused();
        let out = self.alloc.armed(|| catch(f));
        (out, self.alloc.refused() > before)
    }
}

/// Runs `f` under [`catch`], armed when there are `faults`; returns its result and whether
/// a request was refused.
pub fn call<R>(faults: Option<Faults<'_>>, f: impl FnOnce() -> R) -> (Result<R, String>, bool) {
    match faults {
        Some(faults) => faults.call(f),
        None => (catch(f), false),
    }
}

/// Asserts the table in the [module docs](self) for one call: `refused` says whether a
/// request was refused during it, `alloc_error` whether ours returned an `AllocError`;
/// `what` names the call in a failure. Returns whether std's side must run.
#[track_caller]
pub fn judge(
    faults: Option<Faults<'_>>,
    refused: bool,
    alloc_error: bool,
    what: &dyn Fn() -> String,
) -> bool {
    if alloc_error {
        assert!(
            refused,
            "{}: ours reported an allocation error, but no request was refused",
            what()
        );
        return false;
    }
    if refused && faults.is_some_and(|f| f.strict) {
        panic!("{}: the allocator refused a request, but ours did not fail", what());
    }
    true
}

/// A [`FailPlan`] as fuzz input: small numbers, so that refusals do happen.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum PlanChoice {
    /// No refusals (the checks still run, and the collection still gets `try_` calls).
    Never,
    /// Refuse the `n`-th armed request (1 to 16).
    Nth(#[arbitrary(with = |u: &mut Unstructured| u.int_in_range(1..=16u64))] u64),
    /// Refuse each armed request with probability `1 / one_in` (2 to 8).
    Random {
        seed: u64,
        #[arbitrary(with = |u: &mut Unstructured| u.int_in_range(2..=8u32))]
        one_in: u32,
    },
}

impl PlanChoice {
    /// The plan.
    pub fn plan(self) -> FailPlan {
        match self {
            PlanChoice::Never => FailPlan::Never,
            PlanChoice::Nth(n) => FailPlan::Nth(n),
            PlanChoice::Random { seed, one_in } => FailPlan::Random { seed, one_in },
        }
    }

    /// A `TestAlloc` that follows the plan inside [`TestAlloc::armed`] only.
    pub fn test_alloc(self) -> TestAlloc {
        TestAlloc::failing_when_armed(self.plan())
    }
}

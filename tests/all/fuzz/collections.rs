//! The collection fuzz targets (`vec`, `string`, `boxed`) outside the fuzzer.
//!
//! - Each target runs on a few thousand pseudo-random byte strings (a fixed xorshift
//!   seed, so a failure repeats): whatever the bytes decode to must pass.
//! - The drivers run hand-written cases under `FailPlan::Random { one_in: 2 }`, straight
//!   over a `TestAlloc` and under a `Bump` or `Pool` whose parent it is: requests must
//!   really be refused, and the runs must pass (a refused `try_` call failed and changed
//!   nothing, or the allocator in between recovered).
//! - Allocators that lie show that the fault checks fire: an allocation error that the
//!   `TestAlloc` did not cause, and a refusal that a collection over the `TestAlloc`
//!   itself survived.

use std::ptr::NonNull;

use allockit::alloc::{AllocError, Allocator, Layout};
use allockit::{Bump, Pool};
use allockit_harness::box_model;
use allockit_harness::faults::{Faults, PlanChoice};
use allockit_harness::string_model;
use allockit_harness::targets::{self, AllocChoice, PoolBlock};
use allockit_harness::vec_model::{self, Amount, Case, Idx, Len, Op};

use crate::common::drop_counter::Tracked;
use crate::common::panics::expect_panic;
use crate::common::test_alloc::{FailPlan, TestAlloc};

/// A byte string of up to 300 bytes from the xorshift state `x`.
fn bytes(x: &mut u64) -> Vec<u8> {
    let mut next = || {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    };
    let len = (next() % 300) as usize;
    (0..len).map(|_| next() as u8).collect()
}

/// The `i`-th seed of a `FailPlan::Random`: spread over all bits (the generator's first
/// answers for small seeds hardly vary).
fn seed(i: u64) -> u64 {
    i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Runs the target `name` on `n` pseudo-random inputs.
fn random_inputs(name: &str, n: usize) {
    let (_, target) = targets::ALL.iter().find(|(t, _)| *t == name).expect("a registered target");
    let mut x = 0x9E37_79B9_7F4A_7C15 ^ name.len() as u64;
    for _ in 0..n {
        target(&bytes(&mut x));
    }
}

#[test]
fn vec_target_on_random_inputs() {
    random_inputs("vec", 3000);
}

#[test]
fn string_target_on_random_inputs() {
    random_inputs("string", 3000);
}

#[test]
fn boxed_target_on_random_inputs() {
    random_inputs("boxed", 3000);
}

/// Every allocator choice, with a plan that refuses often.
fn every_choice() -> Vec<AllocChoice> {
    let plan = PlanChoice::Random { seed: seed(7), one_in: 2 };
    vec![
        AllocChoice::Global,
        AllocChoice::Test(plan),
        AllocChoice::Shared(plan),
        AllocChoice::Bump(plan),
        AllocChoice::Arena(plan),
        AllocChoice::LocalArena(plan),
        AllocChoice::Pool(plan, PoolBlock::B16),
        AllocChoice::Pool(plan, PoolBlock::B64),
        AllocChoice::Pool(PlanChoice::Nth(1), PoolBlock::B256),
    ]
}

/// Growth through every fallible `Vec` method.
fn growing_vec_case() -> Case {
    let mut ops = vec![];
    for i in 0..12u8 {
        ops.extend([
            Op::TryPush(i % 8),
            Op::TryExtendFromSlice(vec![1, 2, 3, i % 8]),
            Op::TryInsert(Idx(i), 5),
            Op::TryReserve(Amount::Small(i)),
            Op::TryReserveExact(Amount::Small(2 * i)),
            Op::TryResize(Len(i.wrapping_mul(37)), 3),
            Op::ShrinkToFit,
        ]);
    }
    Case { init_cap: 3, ops }
}

#[test]
fn vec_target_runs_every_allocator_choice() {
    for alloc in every_choice() {
        for elem in [targets::vec::ElemChoice::U64, targets::vec::ElemChoice::Tracked] {
            let input = targets::vec::Input { alloc, elem, case: growing_vec_case() };
            assert_eq!(targets::vec::run_input(&input), input.case.ops.len());
        }
    }
}

#[test]
fn vec_try_calls_are_refused_and_change_nothing() {
    for i in 1..20 {
        let alloc = TestAlloc::failing_when_armed(FailPlan::Random { seed: seed(i), one_in: 2 });
        vec_model::run_with_faults::<Tracked, _>(
            &alloc,
            &growing_vec_case(),
            &|_| {},
            Some(Faults::direct(&alloc)),
        );
        assert!(alloc.refused() > 0, "seed {i}: nothing was refused");
        alloc.assert_no_leaks();
    }
}

#[test]
fn vec_try_calls_under_allocators_whose_parent_refuses() {
    // A bump or a pool asks its parent for little (a chunk or slab at a time), so the
    // refusals are counted over several seeds.
    let (mut bump_refusals, mut pool_refusals) = (0, 0);
    for i in 1..10 {
        let parent = TestAlloc::failing_when_armed(FailPlan::Random { seed: seed(i), one_in: 2 });
        {
            let bump = Bump::new_in(&parent);
            vec_model::run_with_faults::<u64, _>(
                &bump,
                &growing_vec_case(),
                &|_| bump.check_invariants(),
                Some(Faults::parent(&parent)),
            );
        }
        bump_refusals += parent.refused();
        parent.assert_no_leaks();
        let parent = TestAlloc::failing_when_armed(FailPlan::Random { seed: seed(i), one_in: 2 });
        {
            let pool = Pool::new_in(Layout::from_size_align(64, 8).unwrap(), &parent);
            vec_model::run_with_faults::<u8, _>(
                &pool,
                &growing_vec_case(),
                &|_| pool.check_invariants(),
                Some(Faults::parent(&parent)),
            );
        }
        pool_refusals += parent.refused();
        parent.assert_no_leaks();
    }
    assert!(bump_refusals > 0, "the bump's parent refused nothing");
    assert!(pool_refusals > 0, "the pool's parent refused nothing");
}

#[test]
fn an_initial_try_with_capacity_in_that_is_refused_starts_both_empty() {
    let alloc = TestAlloc::failing_when_armed(FailPlan::Nth(1));
    let case = Case { init_cap: 5, ops: vec![Op::Push(1), Op::TryPush(2)] };
    vec_model::run_with_faults::<u8, _>(&alloc, &case, &|_| {}, Some(Faults::direct(&alloc)));
    assert_eq!(alloc.refused(), 1);
    alloc.assert_no_leaks();
}

fn growing_string_case() -> (u8, String, Vec<string_model::Op>) {
    use string_model::Op;
    let mut ops = vec![];
    for i in 0..10u16 {
        ops.extend([
            Op::TryPush('€'),
            Op::TryPushStr("ab😀".into()),
            Op::TryInsert(i, 'ß'),
            Op::TryInsertStr(0, "中z".into()),
            Op::TryReserve(false, i as u8 * 3),
            Op::TryReserveExact(i % 3 == 0, 7),
            Op::ShrinkToFit,
        ]);
    }
    (1, "é".into(), ops)
}

#[test]
fn string_try_calls_are_refused_and_change_nothing() {
    for i in 1..20 {
        let alloc = TestAlloc::failing_when_armed(FailPlan::Random { seed: seed(i), one_in: 2 });
        string_model::run_with_faults(
            &alloc,
            &growing_string_case(),
            &|_| {},
            Some(Faults::direct(&alloc)),
        );
        assert!(alloc.refused() > 0, "seed {i}: nothing was refused");
        alloc.assert_no_leaks();
    }
    for alloc in every_choice() {
        let input = targets::string::Input { alloc, case: growing_string_case() };
        targets::string::run_input(&input);
    }
}

fn box_ops() -> Vec<box_model::Op> {
    use box_model::{Kind, Op, SliceLen};
    let mut ops = vec![];
    for i in 0..8u8 {
        ops.extend([
            Op::TryNewValue("héllo".into()),
            Op::TryNewUninit("€".repeat(usize::from(i))),
            Op::TryNewZeroedArray,
            Op::TryNewUninitSlice(SliceLen::Small(i), 40),
            Op::TryNewZeroedSlice(SliceLen::Small(7 - i)),
            Op::TryNewZeroedSlice(SliceLen::Overflow),
            Op::Clone(Kind::Slice, usize::from(i)),
            Op::Compare(Kind::Value, 0, usize::from(i)),
        ]);
    }
    ops
}

#[test]
fn box_try_constructors_are_refused_and_leave_nothing() {
    for i in 1..20 {
        let alloc = TestAlloc::failing_when_armed(FailPlan::Random { seed: seed(i), one_in: 2 });
        box_model::run_with_faults(
            &alloc,
            &box_ops(),
            Some(Faults::direct(&alloc)),
            Some(&alloc),
            &|| {},
        );
        assert!(alloc.refused() > 0, "seed {i}: nothing was refused");
        alloc.assert_no_leaks();
    }
    for alloc in every_choice() {
        targets::boxed::run_input(&targets::boxed::Input { alloc, ops: box_ops() });
    }
}

/// An allocator that refuses what its flag says, without the `TestAlloc` knowing, or
/// asks the `TestAlloc` twice (a retry) when it refuses the first time.
struct Liar<'a> {
    inner: &'a TestAlloc,
    refuse_silently: bool,
}

// SAFETY: every block comes from `inner` and goes back to it.
unsafe impl Allocator for Liar<'_> {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if self.refuse_silently {
            return Err(AllocError);
        }
        self.inner.allocate(layout).or_else(|AllocError| self.inner.allocate(layout))
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded; the block came from `inner`.
        unsafe { self.inner.deallocate(ptr, layout) }
    }
}

#[test]
fn an_allocation_error_nobody_caused_is_caught() {
    let alloc = TestAlloc::failing_when_armed(FailPlan::Never);
    let liar = Liar { inner: &alloc, refuse_silently: true };
    let case = Case { init_cap: 0, ops: vec![Op::TryPush(1)] };
    let m = expect_panic(|| {
        vec_model::run_with_faults::<u8, _>(&liar, &case, &|_| {}, Some(Faults::direct(&alloc)))
    });
    assert!(m.contains("no request was refused"), "{m}");
}

#[test]
fn a_refusal_survived_over_the_test_alloc_itself_is_caught() {
    let case = Case { init_cap: 0, ops: vec![Op::TryPush(1)] };
    let alloc = TestAlloc::failing_when_armed(FailPlan::Nth(1));
    let retrying = Liar { inner: &alloc, refuse_silently: false };
    let m = expect_panic(|| {
        vec_model::run_with_faults::<u8, _>(&retrying, &case, &|_| {}, Some(Faults::direct(&alloc)))
    });
    assert!(m.contains("did not fail"), "{m}");
    // Through an allocator in between, a retry that succeeds is allowed.
    let alloc = TestAlloc::failing_when_armed(FailPlan::Nth(1));
    let retrying = Liar { inner: &alloc, refuse_silently: false };
    vec_model::run_with_faults::<u8, _>(&retrying, &case, &|_| {}, Some(Faults::parent(&alloc)));
    assert_eq!(alloc.refused(), 1);
}

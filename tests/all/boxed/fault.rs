//! Every `try_` constructor under a failing allocator: it returns the error, leaves nothing
//! allocated, and drops what it was given exactly once. Size overflows never reach the
//! allocator.

use allockit::alloc::{AllocError, Layout};
use allockit::{Box, TryReserveErrorKind};

use crate::common::drop_counter::{self, Tracked, TrackedZst};
use crate::common::test_alloc::{FailPlan, TestAlloc};

/// One refused request, nothing live.
#[track_caller]
fn assert_refused_once(alloc: &TestAlloc) {
    let stats = alloc.stats();
    assert_eq!(stats.requests(), 1, "{stats:?}");
    assert_eq!(stats.failed, 1, "{stats:?}");
    alloc.assert_no_leaks();
}

#[test]
fn try_new_in_fails_and_drops_the_value_once() {
    drop_counter::reset();
    let alloc = TestAlloc::failing(FailPlan::AllAfter(0));
    let r = Box::try_new_in(Tracked::new(1), &alloc);
    assert!(matches!(r, Err(AllocError)));
    assert_eq!(drop_counter::counts().live(), 0, "the value must be dropped");
    assert_refused_once(&alloc);
}

#[test]
fn try_new_uninit_and_zeroed_in_fail() {
    let alloc = TestAlloc::failing(FailPlan::AllAfter(0));
    assert!(Box::<u64, _>::try_new_uninit_in(&alloc).is_err());
    assert_refused_once(&alloc);

    let alloc = TestAlloc::failing(FailPlan::AllAfter(0));
    assert!(Box::<[u8; 100], _>::try_new_zeroed_in(&alloc).is_err());
    assert_eq!(alloc.stats().allocate_zeroed, 1);
    assert_refused_once(&alloc);
}

#[test]
fn try_slice_constructors_fail_with_the_layout() {
    let alloc = TestAlloc::failing(FailPlan::AllAfter(0));
    let err = Box::<[u32], _>::try_new_uninit_slice_in(10, &alloc).unwrap_err();
    assert_eq!(
        err.kind(),
        TryReserveErrorKind::AllocError { layout: Layout::array::<u32>(10).unwrap() }
    );
    assert_refused_once(&alloc);

    let alloc = TestAlloc::failing(FailPlan::AllAfter(0));
    let err = Box::<[u64], _>::try_new_zeroed_slice_in(3, &alloc).unwrap_err();
    assert_eq!(
        err.kind(),
        TryReserveErrorKind::AllocError { layout: Layout::array::<u64>(3).unwrap() }
    );
    assert_eq!(alloc.stats().allocate_zeroed, 1);
    assert_refused_once(&alloc);
}

#[test]
fn size_overflow_is_an_error_that_never_reaches_the_allocator() {
    let alloc = TestAlloc::new();
    for len in [usize::MAX, usize::MAX / 2, isize::MAX as usize / 4 + 1] {
        let err = Box::<[u32], _>::try_new_uninit_slice_in(len, &alloc).unwrap_err();
        assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow, "len {len}");
        let err = Box::<[u32], _>::try_new_zeroed_slice_in(len, &alloc).unwrap_err();
        assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow, "len {len}");
    }
    assert_eq!(alloc.stats().calls(), 0);
    assert!(Box::<[u16]>::try_new_uninit_slice(usize::MAX).is_err());
    assert!(Box::<[u16]>::try_new_zeroed_slice(usize::MAX).is_err());
}

#[test]
fn values_of_size_zero_succeed_without_the_allocator() {
    drop_counter::reset();
    let alloc = TestAlloc::failing(FailPlan::AllAfter(0));
    let b = Box::try_new_in(TrackedZst::new(), &alloc).unwrap();
    let u = Box::<(), _>::try_new_uninit_in(&alloc).unwrap();
    let z = Box::<[u8; 0], _>::try_new_zeroed_in(&alloc).unwrap();
    let s = Box::<[u64], _>::try_new_uninit_slice_in(0, &alloc).unwrap();
    let t = Box::<[()], _>::try_new_zeroed_slice_in(usize::MAX, &alloc).unwrap();
    assert_eq!(t.len(), usize::MAX);
    drop((b, u, z, s, t));
    assert_eq!(alloc.stats().calls(), 0);
    assert_eq!(drop_counter::counts().live(), 0);
}

#[test]
fn the_nth_request_fails_and_the_others_are_freed() {
    // Several boxes in a row; the failing one leaves nothing, the others stay usable.
    for n in 1..=4 {
        let alloc = TestAlloc::new();
        alloc.fail_nth(n);
        let results = [
            Box::try_new_in(1u32, &alloc).map(|b| *b),
            Box::try_new_in(2u32, &alloc).map(|b| *b),
            Box::<u32, _>::try_new_zeroed_in(&alloc).map(|_| 0),
            Box::<[u32], _>::try_new_uninit_slice_in(2, &alloc).map(|_| 0).map_err(|_| AllocError),
        ];
        for (i, r) in results.iter().enumerate() {
            assert_eq!(r.is_err(), i + 1 == n as usize, "request {n}: {results:?}");
        }
        alloc.assert_no_leaks();
    }
}

//! Fault injection: every `try_` method, with the allocator refusing the `n`-th request
//! for each `n` in a range, must either succeed exactly as std's infallible method would,
//! or return `AllocError` with the layout it asked for and leave the vector exactly as it
//! was (contents, length, capacity, pointer). Nothing may leak once the vector is dropped.

use std::mem;
use std::vec::Vec as StdVec;

use allockit::alloc::Layout;
use allockit::{TryReserveError, TryReserveErrorKind, Vec};

use crate::common::drop_counter::{self, Tracked, TrackedZst};
use crate::common::test_alloc::{FailPlan, TestAlloc};
use crate::common::vec_model::Elem;

/// The fallible methods that may grow an existing vector.
#[derive(Clone, Copy, Debug)]
enum TryOp {
    Push,
    Insert,
    ExtendFromSlice,
    Resize,
    Reserve,
    ReserveExact,
}

const ALL: [TryOp; 6] = [
    TryOp::Push,
    TryOp::Insert,
    TryOp::ExtendFromSlice,
    TryOp::Resize,
    TryOp::Reserve,
    TryOp::ReserveExact,
];

/// The capacity std's growth rule picks when `len + additional` does not fit in `cap`.
fn grown<T>(cap: usize, len: usize, additional: usize, exact: bool) -> usize {
    let min = match mem::size_of::<T>() {
        1 => 8,
        s if s <= 1024 => 4,
        _ => 1,
    };
    if exact { len + additional } else { (2 * cap).max(len + additional).max(min) }
}

/// Everything a failed call must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot<T> {
    items: StdVec<T>,
    len: usize,
    cap: usize,
    ptr: *const T,
}

fn snapshot<T: Clone>(v: &Vec<T, &TestAlloc>) -> Snapshot<T> {
    Snapshot { items: v.to_vec(), len: v.len(), cap: v.capacity(), ptr: v.as_ptr() }
}

/// The `step`-th call of `op` on ours and, if it succeeds, the same infallible call on the
/// model. Returns the result and the `(additional, exact)` reservation it implies.
fn call<T: Elem>(
    op: TryOp,
    step: usize,
    ours: &mut Vec<T, &TestAlloc>,
    model: &mut StdVec<T>,
) -> (Result<(), TryReserveError>, usize, bool) {
    let (len, cap) = (ours.len(), ours.capacity());
    let seed = step as u8 % 8;
    let x = T::make(seed);
    match op {
        TryOp::Push => {
            let r = ours.try_push(x.clone());
            if r.is_ok() {
                model.push(x);
            }
            (r, 1, false)
        }
        TryOp::Insert => {
            let at = step % (len + 1);
            let r = ours.try_insert(at, x.clone());
            if r.is_ok() {
                model.insert(at, x);
            }
            (r, 1, false)
        }
        TryOp::ExtendFromSlice => {
            let items: StdVec<T> = (0..=step % 5).map(|i| T::make(i as u8)).collect();
            let r = ours.try_extend_from_slice(&items);
            if r.is_ok() {
                model.extend_from_slice(&items);
            }
            (r, items.len(), false)
        }
        TryOp::Resize => {
            let new_len = if step % 5 == 4 { len / 2 } else { len + step % 7 };
            let r = ours.try_resize(new_len, x.clone());
            if r.is_ok() {
                model.resize(new_len, x);
            }
            (r, new_len.saturating_sub(len), false)
        }
        TryOp::Reserve | TryOp::ReserveExact => {
            // Sometimes within the spare capacity, mostly past it.
            let additional = if mem::size_of::<T>() == 0 {
                step % 5
            } else if step % 4 == 3 {
                cap - len
            } else {
                cap - len + 1 + step % 5
            };
            let exact = matches!(op, TryOp::ReserveExact);
            let r = if exact {
                ours.try_reserve_exact(additional)
            } else {
                ours.try_reserve(additional)
            };
            if r.is_ok() {
                if exact {
                    model.reserve_exact(additional);
                } else {
                    model.reserve(additional);
                }
            }
            (r, additional, exact)
        }
    }
}

/// Runs `steps` calls of `op` with the allocator refusing its `n`-th request.
fn fail_nth<T: Elem>(op: TryOp, n: u64, steps: usize) {
    drop_counter::reset();
    let alloc = TestAlloc::new();
    {
        let mut ours: Vec<T, &TestAlloc> = Vec::new_in(&alloc);
        let mut model: StdVec<T> = StdVec::new();
        alloc.fail_nth(n);
        let mut failures = 0;
        for step in 0..steps {
            let before = snapshot(&ours);
            let stats = alloc.stats();
            let (result, additional, exact) = call(op, step, &mut ours, &mut model);
            let after = alloc.stats();
            let needs_memory = mem::size_of::<T>() != 0 && before.len + additional > before.cap;
            let ctx = format!("{op:?}, fail #{n}, step {step}, before {before:?}");
            assert_eq!(
                after.requests() - stats.requests(),
                u64::from(needs_memory),
                "{ctx}: one request exactly when the spare capacity is too small"
            );
            if needs_memory {
                let first = before.cap == 0;
                assert_eq!(after.allocate - stats.allocate, u64::from(first), "{ctx}: allocate");
                assert_eq!(after.grow - stats.grow, u64::from(!first), "{ctx}: grow");
            }
            match result {
                Ok(()) => {}
                Err(e) => {
                    failures += 1;
                    assert!(needs_memory, "{ctx}: failed without asking for memory: {e:?}");
                    let layout =
                        Layout::array::<T>(grown::<T>(before.cap, before.len, additional, exact))
                            .unwrap();
                    assert_eq!(e.kind(), TryReserveErrorKind::AllocError { layout }, "{ctx}");
                    assert_eq!(snapshot(&ours), before, "{ctx}: a failed call changed the vector");
                }
            }
            drop(before);
            assert_eq!(ours.as_slice(), model.as_slice(), "{ctx}: contents");
            assert_eq!(ours.capacity(), model.capacity(), "{ctx}: capacity");
            if let Some(live) = T::live() {
                // A refused value was dropped, not leaked.
                assert_eq!(live, (ours.len() + model.len()) as u64, "{ctx}: live values");
            }
            if mem::size_of::<T>() != 0 && ours.capacity() != 0 {
                let layout = Layout::array::<T>(ours.capacity()).unwrap();
                assert_eq!(alloc.layout_of(ours.as_ptr().cast()), Some(layout), "{ctx}");
                assert_eq!(alloc.live_bytes(), layout.size(), "{ctx}: live bytes");
            } else {
                assert_eq!(alloc.live_bytes(), 0, "{ctx}: live bytes");
            }
        }
        let asked = alloc.stats().requests();
        assert_eq!(failures, u64::from(asked >= n), "{op:?}, fail #{n}: {asked} requests");
        drop(model);
    }
    alloc.assert_no_leaks();
    if let Some(live) = T::live() {
        assert_eq!(live, 0, "{op:?}, fail #{n}: values leaked");
    }
}

fn fail_each_request<T: Elem>() {
    for op in ALL {
        for n in 1..=8 {
            fail_nth::<T>(op, n, 24);
        }
    }
}

#[test]
fn fail_nth_request_u8() {
    fail_each_request::<u8>();
}

#[test]
fn fail_nth_request_u64() {
    fail_each_request::<u64>();
}

#[test]
fn fail_nth_request_string() {
    fail_each_request::<String>();
}

#[test]
fn fail_nth_request_tracked() {
    fail_each_request::<Tracked>();
}

#[test]
fn fail_nth_request_zst() {
    // A zero-sized type never asks, so nothing ever fails (checked inside).
    fail_each_request::<TrackedZst>();
}

/// With every request refused, calls that fit the spare capacity still succeed and all
/// others fail without changing anything.
#[test]
fn fail_all_requests_after_some() {
    for op in ALL {
        for served in 0..4 {
            drop_counter::reset();
            let alloc = TestAlloc::failing(FailPlan::AllAfter(served));
            {
                let mut ours: Vec<Tracked, &TestAlloc> = Vec::new_in(&alloc);
                let mut model = StdVec::new();
                for step in 0..40 {
                    let before = snapshot(&ours);
                    let (result, additional, _) = call(op, step, &mut ours, &mut model);
                    let fits = before.len + additional <= before.cap;
                    if result.is_err() {
                        assert!(!fits, "{op:?}: failed although it fits");
                        assert_eq!(
                            snapshot(&ours),
                            before,
                            "{op:?}: failed call changed the vector"
                        );
                    }
                    assert_eq!(ours.as_slice(), model.as_slice());
                    assert_eq!(ours.capacity(), model.capacity());
                }
                let stats = alloc.stats();
                assert_eq!(stats.requests() - stats.failed, served.min(stats.requests()));
                assert!(stats.failed > 0, "{op:?}: the plan never fired: {stats:?}");
            }
            alloc.assert_no_leaks();
            assert_eq!(drop_counter::counts().live(), 0);
        }
    }
}

#[test]
fn try_with_capacity_in_fails_cleanly() {
    for cap in [1usize, 2, 7, 100] {
        let alloc = TestAlloc::failing(FailPlan::Nth(1));
        let err = Vec::<u64, _>::try_with_capacity_in(cap, &alloc).unwrap_err();
        let layout = Layout::array::<u64>(cap).unwrap();
        assert_eq!(err.kind(), TryReserveErrorKind::AllocError { layout });
        assert_eq!(alloc.stats().allocate, 1);
        alloc.assert_no_leaks();
        // The plan fired once; the next request is served.
        let v = Vec::<u64, _>::try_with_capacity_in(cap, &alloc).unwrap();
        assert_eq!((v.len(), v.capacity()), (0, cap));
        assert_eq!(alloc.layout_of(v.as_ptr().cast()), Some(layout));
        drop(v);
        alloc.assert_no_leaks();
    }
}

#[test]
fn try_with_capacity_in_without_requests() {
    let alloc = TestAlloc::failing(FailPlan::AllAfter(0));
    let v = Vec::<u64, _>::try_with_capacity_in(0, &alloc).unwrap();
    assert_eq!(v.capacity(), 0);
    let z = Vec::<(), _>::try_with_capacity_in(1000, &alloc).unwrap();
    assert_eq!(z.capacity(), usize::MAX);
    for cap in [usize::MAX, isize::MAX as usize / 8 + 1] {
        let err = Vec::<u64, _>::try_with_capacity_in(cap, &alloc).unwrap_err();
        assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow, "capacity {cap}");
    }
    let err = Vec::<u8, _>::try_with_capacity_in(isize::MAX as usize + 1, &alloc).unwrap_err();
    assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow);
    assert_eq!(alloc.stats().requests(), 0, "overflow and empty capacities must not ask");
}

/// Overflowing reservations are decided before the allocator is asked, on every `try_`
/// method, and change nothing.
#[test]
fn overflow_never_reaches_the_allocator() {
    let alloc = TestAlloc::new();
    let mut v: Vec<u64, &TestAlloc> = Vec::new_in(&alloc);
    v.extend_from_slice(&[1, 2, 3]);
    let before = snapshot(&v);
    let requests = alloc.stats().requests();
    let overflow = TryReserveErrorKind::CapacityOverflow;
    assert_eq!(v.try_reserve(usize::MAX).unwrap_err().kind(), overflow);
    assert_eq!(v.try_reserve_exact(usize::MAX - 2).unwrap_err().kind(), overflow);
    assert_eq!(v.try_reserve(isize::MAX as usize / 8).unwrap_err().kind(), overflow);
    assert_eq!(v.try_resize(usize::MAX, 7).unwrap_err().kind(), overflow);
    assert_eq!(v.try_resize(isize::MAX as usize / 8 + 1, 7).unwrap_err().kind(), overflow);
    assert_eq!(snapshot(&v), before);
    assert_eq!(alloc.stats().requests(), requests);
    drop(v);
    alloc.assert_no_leaks();
}

#[test]
fn refused_values_are_dropped() {
    drop_counter::reset();
    let alloc = TestAlloc::failing(FailPlan::AllAfter(0));
    let mut v: Vec<Tracked, &TestAlloc> = Vec::new_in(&alloc);
    assert!(v.try_push(Tracked::new(1)).is_err());
    assert!(v.try_insert(0, Tracked::new(2)).is_err());
    assert!(v.try_resize(3, Tracked::new(3)).is_err());
    assert!(v.try_extend_from_slice(&[Tracked::new(4)]).is_err());
    assert_eq!(drop_counter::counts(), drop_counter::Counts { created: 4, dropped: 4 });
    assert!(v.is_empty());
    assert_eq!(v.capacity(), 0);
    drop(v);
    alloc.assert_no_leaks();
}
